//! Lowering of `asm` statements to [`Op::InlineAsm`] (or, for `asm goto`,
//! the terminator [`Op::AsmGoto`]): the operands' values are computed
//! before, the register outputs stored after — the first is the
//! instruction's result, later ones [`Op::AsmOutput`]s. The back end
//! allocates the registers, substitutes them into the template and
//! assembles it.

use super::function::FnLower;
use crate::ir::{AsmArg, AsmArgKind, BlockCall, InlineAsmOp, Op};
use crate::sema::tir::{AsmStmt, Expr, ExprKind};
use crate::source::Span;

/// A constraint without modifiers (`=`, `+`, `&`).
fn letters(c: &[u8]) -> &[u8] {
    let k = c
        .iter()
        .position(|b| !matches!(b, b'=' | b'+' | b'&'))
        .unwrap_or(c.len());
    &c[k..]
}

impl FnLower<'_, '_, '_> {
    /// The number of the BPF helper `e` designates (through casts and `&`):
    /// a `kernel_helper(N)` function or a libbpf-style helper pointer.
    fn helper_number(&self, mut e: &Expr) -> Option<i64> {
        loop {
            match &e.kind {
                ExprKind::Cast(x) | ExprKind::AddrOf(x) | ExprKind::Load(x) => e = x,
                ExprKind::Func(f) => return self.program().functions[*f].helper_id,
                // libbpf's `static void *(*const bpf_x)(...) = (void *) N;`
                ExprKind::Global(g) => return self.program().globals[*g].helper_id,
                _ => return None,
            }
        }
    }

    /// The value of `e` when it reads a compound literal whose initializer
    /// is constant, as the selftests' `__imm_insn(name, expr)` does with
    /// `*(long *)&(expr)` (`expr` a `(struct bpf_insn){...}`): clang folds
    /// it for an "i" operand.
    fn constant_object_load(&self, e: &Expr) -> Option<i64> {
        let ExprKind::Load(lv) = &e.kind else {
            return None;
        };
        let size = super::scalar_of(self.program(), e.ty.ty)?.size;
        // The lvalue: `*(T *)&temp` plus member offsets.
        let (mut at, mut lv) = (0u64, &**lv);
        let local = loop {
            match &lv.kind {
                ExprKind::Member {
                    base,
                    offset,
                    bitfield: None,
                } => {
                    at += offset;
                    lv = base;
                }
                ExprKind::Deref(p) => {
                    let mut p = &**p;
                    while let ExprKind::Cast(x) = &p.kind {
                        p = x;
                    }
                    let ExprKind::AddrOf(x) = &p.kind else {
                        return None;
                    };
                    lv = x;
                }
                ExprKind::Local(l) => break *l,
                _ => return None,
            }
        };
        // Only sema's temporaries: a named local may change before the asm.
        if self.body.locals[local].name.is_some() {
            return None;
        }
        let image = self.constant_local_image(local)?;
        let bytes = image.get(at as usize..(at + size) as usize)?;
        let mut v = [0u8; 8];
        v[..bytes.len()].copy_from_slice(bytes);
        Some(i64::from_le_bytes(v))
    }

    /// The bytes of `local` right after its declaration, when its
    /// initializer stores only constants.
    fn constant_local_image(&self, local: crate::sema::tir::LocalId) -> Option<Vec<u8>> {
        use crate::sema::tir::{InitStore, LocalInit, Stmt, StmtKind};
        fn find(stmts: &[Stmt], local: crate::sema::tir::LocalId) -> Option<&LocalInit> {
            stmts.iter().find_map(|s| match &s.kind {
                StmtKind::Decl { local: l, init } if *l == local => init.as_ref(),
                StmtKind::Block(b) => find(b, local),
                StmtKind::If { then, els, .. } => {
                    find(std::slice::from_ref(then), local).or_else(|| {
                        els.as_deref()
                            .and_then(|e| find(std::slice::from_ref(e), local))
                    })
                }
                StmtKind::While { body, .. } | StmtKind::DoWhile { body, .. } => {
                    find(std::slice::from_ref(body), local)
                }
                StmtKind::For { init, body, .. } => {
                    find(init, local).or_else(|| find(std::slice::from_ref(body), local))
                }
                StmtKind::Switch { body, .. } => find(std::slice::from_ref(body), local),
                _ => None,
            })
        }
        let LocalInit::Aggregate(stores) = find(&self.body.body, local)? else {
            return None;
        };
        let ty = self.body.locals[local].ty.ty;
        let mut image = vec![0u8; self.program().types.size_of(ty)? as usize];
        for st in stores {
            match st {
                InitStore::Bytes { offset, bytes } => {
                    let o = *offset as usize;
                    image.get_mut(o..o + bytes.len())?.copy_from_slice(bytes);
                }
                InitStore::Value {
                    offset,
                    bitfield,
                    value,
                } => {
                    let size = super::scalar_of(self.program(), value.ty.ty)?.size as usize;
                    let c = constant_integer(value)?;
                    let o = *offset as usize;
                    let unit = image.get_mut(o..o + size)?;
                    let mut old = [0u8; 8];
                    old[..size].copy_from_slice(unit);
                    let old = u64::from_le_bytes(old);
                    let new = match bitfield {
                        None => c as u64,
                        Some(bf) => {
                            let mask = if bf.width >= 64 {
                                u64::MAX
                            } else {
                                (1u64 << bf.width) - 1
                            };
                            (old & !(mask << bf.bit_offset)) | ((c as u64 & mask) << bf.bit_offset)
                        }
                    };
                    unit.copy_from_slice(&new.to_le_bytes()[..size]);
                }
            }
        }
        Some(image)
    }

    pub(super) fn asm_stmt(&mut self, a: &AsmStmt, span: Span) {
        if !a.labels.is_empty() && !a.outputs.is_empty() {
            self.diags.error(
                a.outputs[0].expr.span,
                "`asm goto` with outputs is not supported yet",
            );
            return;
        }
        let Ok(template) = std::str::from_utf8(&a.template) else {
            self.diags
                .error(a.template_span, "the asm template is not valid UTF-8");
            return;
        };
        let mut clobbers_caller_saved = false;
        let mut clobbered_callee_saved = Vec::new();
        for c in &a.clobbers {
            match c.as_slice() {
                b"memory" | b"cc" => {}
                [b'r', d] if (b'0'..=b'5').contains(d) => clobbers_caller_saved = true,
                [b'r', d] if (b'6'..=b'9').contains(d) => {
                    if !clobbered_callee_saved.contains(&(d - b'0')) {
                        clobbered_callee_saved.push(d - b'0');
                    }
                }
                _ => self.diags.error(
                    span,
                    format!(
                        "unsupported asm clobber \"{}\" (only r0-r9, \"memory\" and \"cc\")",
                        String::from_utf8_lossy(c)
                    ),
                ),
            }
        }
        let name = |n: Option<crate::intern::Sym>, s: &Self| {
            n.map(|n| s.cx.interner.resolve(n).to_string())
        };
        let mut operands = Vec::with_capacity(a.outputs.len() + a.inputs.len());
        let mut outputs = Vec::with_capacity(a.outputs.len());
        for o in &a.outputs {
            let sub_register = match letters(&o.constraint) {
                b"r" | b"g" => false,
                b"w" => true,
                _ => {
                    self.diags.error(
                        o.expr.span,
                        format!(
                            "unsupported asm output constraint \"{}\" (only \"=r\", \"+r\", \"=w\", \"+w\")",
                            String::from_utf8_lossy(&o.constraint)
                        ),
                    );
                    return;
                }
            };
            let place = self.place(&o.expr);
            let kind = if o.constraint.starts_with(b"+") {
                AsmArgKind::InOut(self.read(place))
            } else {
                AsmArgKind::Output(place.s.ty)
            };
            outputs.push(place);
            operands.push(AsmArg {
                name: name(o.name, self),
                kind,
                sub_register,
                early_clobber: o.constraint.contains(&b'&'),
            });
        }
        // Operands (numbered as in the template) whose constraint is "m",
        // and inputs tied to an output ("0"): (input, output).
        let mut memory_operands = Vec::new();
        let mut tied: Vec<(usize, usize)> = Vec::new();
        for i in &a.inputs {
            let c = letters(&i.constraint);
            if !c.is_empty() && c.iter().all(u8::is_ascii_digit) {
                // A matching constraint: the output's register holds the
                // input's value on entry (libbpf 1.1's `barrier_var`).
                let t = std::str::from_utf8(c)
                    .ok()
                    .and_then(|t| t.parse::<usize>().ok());
                let target = t.filter(|&t| t < a.outputs.len());
                let Some(t) = target else {
                    self.diags.error(
                        i.expr.span,
                        format!(
                            "asm input constraint \"{}\" names no output",
                            String::from_utf8_lossy(&i.constraint)
                        ),
                    );
                    return;
                };
                let place = outputs[t];
                let (AsmArgKind::Output(_), false) =
                    (&operands[t].kind, tied.iter().any(|x| x.1 == t))
                else {
                    self.diags.error(
                        i.expr.span,
                        "an asm input can be tied only to an \"=r\" output that no other input is tied to",
                    );
                    return;
                };
                let mut v = self.rvalue(&i.expr);
                if self.b.func.value_type(v) != place.s.ty {
                    if place.s.ty != crate::ir::Type::I64 {
                        self.diags.error(
                            i.expr.span,
                            "an asm input tied to an output of a different size is not supported",
                        );
                        return;
                    }
                    v = self.as_i64(v, &i.expr);
                }
                operands[t].kind = AsmArgKind::InOut(v);
                tied.push((operands.len(), t));
                // The input keeps its number; its references become the
                // output's, so the back end never reads this placeholder.
                let unused = self.b.iconst(crate::ir::Type::I64, 0);
                operands.push(AsmArg {
                    name: name(i.name, self),
                    kind: AsmArgKind::Imm(unused),
                    sub_register: false,
                    early_clobber: false,
                });
                continue;
            }
            #[derive(PartialEq)]
            enum Where {
                Register,
                Immediate,
                Either,
            }
            let place = match c {
                // "p", an address: the pointer value in a register, as clang.
                b"r" | b"g" | b"p" | b"w" => Where::Register,
                b"i" | b"n" => Where::Immediate,
                b"ri" | b"ir" | b"rn" | b"nr" => Where::Either,
                // Memory: the object's address goes in a register and the
                // template reads `(rN + 0)`, as clang prints the operand.
                b"m" => {
                    if matches!(
                        i.expr.kind,
                        ExprKind::Member {
                            bitfield: Some(_),
                            ..
                        }
                    ) {
                        self.diags.error(
                            i.expr.span,
                            "a bit-field cannot be an asm memory (\"m\") operand",
                        );
                        return;
                    }
                    memory_operands.push(operands.len());
                    let addr = self.lvalue(&i.expr);
                    let v = self.materialize(addr);
                    operands.push(AsmArg {
                        name: name(i.name, self),
                        kind: AsmArgKind::Reg(v),
                        sub_register: false,
                        early_clobber: false,
                    });
                    continue;
                }
                _ => {
                    self.diags.error(
                        i.expr.span,
                        format!(
                            "unsupported asm input constraint \"{}\" (only \"r\", \"w\", \"g\", \"p\", \"m\", \"i\", \"n\", \"ri\")",
                            String::from_utf8_lossy(&i.constraint)
                        ),
                    );
                    return;
                }
            };
            let in_register = place != Where::Immediate;
            // `__imm(bpf_map_lookup_elem)`: a helper's number, for `call %[..]`;
            // `__imm_insn(name, BPF_ST_MEM(...))`: an instruction's bytes.
            let known = match self.helper_number(&i.expr) {
                Some(n) => Some(n),
                None if !in_register => self.constant_object_load(&i.expr),
                None => None,
            };
            let v = match known {
                Some(n) => self.b.iconst(crate::ir::Type::I64, n),
                None => {
                    let v = self.rvalue(&i.expr);
                    // A 32-bit register operand stays 32-bit: the back end
                    // zero-extends it for `r` (clang's `rN`) or spells it
                    // `wN` for `w`.
                    if in_register && self.b.func.value_type(v) == crate::ir::Type::I32 {
                        v
                    } else {
                        self.as_i64(v, &i.expr)
                    }
                }
            };
            operands.push(AsmArg {
                name: name(i.name, self),
                kind: match place {
                    Where::Register => AsmArgKind::Reg(v),
                    Where::Immediate => AsmArgKind::Imm(v),
                    Where::Either => AsmArgKind::RegOrImm(v),
                },
                sub_register: c == b"w",
                early_clobber: false,
            });
        }
        // The parser's exact map; without one (a tree built by hand), the
        // text from just after the opening quote.
        let pieces = if a.template_pieces.is_empty() {
            let ts = a.template_span;
            let start = (ts.start + 1).min(ts.end);
            vec![(0, Span::new(ts.file, start, ts.end))]
        } else {
            a.template_pieces.clone()
        };
        let (template, pieces) = if memory_operands.is_empty() && tied.is_empty() {
            (template.to_string(), pieces)
        } else {
            let names: Vec<Option<String>> = operands.iter().map(|o| o.name.clone()).collect();
            let map = crate::asm::TextMap::from_pieces(pieces);
            rewrite_operand_refs(template, &map, &names, |k, reference| {
                if memory_operands.contains(&k) {
                    Some(format!("({reference} + 0)"))
                } else {
                    tied.iter().find(|x| x.0 == k).map(|x| format!("%{}", x.1))
                }
            })
        };
        let asm = Box::new(InlineAsmOp {
            template,
            pieces,
            operands,
            clobbers_caller_saved,
            clobbered_callee_saved,
            label_names: a
                .labels
                .iter()
                .map(|&l| {
                    self.cx
                        .interner
                        .resolve(self.body.labels[l].name)
                        .to_string()
                })
                .collect(),
        });
        if !a.labels.is_empty() {
            let labels = a
                .labels
                .iter()
                .map(|&l| BlockCall {
                    block: self.label_block(l),
                    args: vec![],
                })
                .collect();
            let fall = self.b.create_block();
            let fallthrough = BlockCall {
                block: fall,
                args: vec![],
            };
            self.b.ins(
                Op::AsmGoto {
                    asm,
                    fallthrough,
                    labels,
                },
                None,
            );
            self.switch_to(fall);
            return;
        }
        let Some(&first) = outputs.first() else {
            self.b.ins(Op::InlineAsm(asm), None);
            return;
        };
        // Every output is read right after the asm, before any is stored: an
        // output's lvalue may use another output (`"=r"(a[i]), "=r"(i)`).
        let v = self.b.ins_value(Op::InlineAsm(asm), first.s.ty);
        let mut values = vec![v];
        for (index, place) in outputs.iter().enumerate().skip(1) {
            let out = Op::AsmOutput {
                asm: v,
                index: index as u32,
            };
            values.push(self.b.ins_value(out, place.s.ty));
        }
        for (place, v) in outputs.into_iter().zip(values) {
            self.write(place, v);
        }
    }
}

/// Rewrites the operand references of a template (`%[name]`, `%N`) that
/// `replace(operand number, reference text)` gives a replacement for: a
/// memory operand's `(%[name] + 0)` (it is passed as its address in a
/// register), a tied input's `%0`. The replacement maps to the reference's
/// span; the rest of the template keeps its map.
fn rewrite_operand_refs(
    template: &str,
    map: &crate::asm::TextMap,
    names: &[Option<String>],
    replace: impl Fn(usize, &str) -> Option<String>,
) -> (String, Vec<(u32, Span)>) {
    let b = template.as_bytes();
    let mut out = String::with_capacity(template.len() + 16);
    let mut pieces = Vec::new();
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'%' {
            i += 1;
            continue;
        }
        let start = i;
        // The operand a `%[name]` or `%N` at `start` designates, and its end.
        let (operand, end) = match b.get(i + 1) {
            Some(b'[') => match template[i + 1..].find(']') {
                Some(close) => {
                    let name = &template[i + 2..i + 1 + close];
                    let k = names.iter().position(|n| n.as_deref() == Some(name));
                    (k, i + 2 + close)
                }
                None => (None, i + 2),
            },
            Some(b'0'..=b'9') => {
                let mut end = i + 1;
                while end < b.len() && b[end].is_ascii_digit() {
                    end += 1;
                }
                (template[i + 1..end].parse().ok(), end)
            }
            // `%%`, `%=`, `%l...`: left to the substitution.
            _ => (None, (i + 2).min(b.len())),
        };
        i = end;
        let Some(text) = operand.and_then(|k| replace(k, &template[start..end])) else {
            continue;
        };
        if copied < start {
            pieces.push((out.len() as u32, map.span(copied as u32, start as u32)));
            out.push_str(&template[copied..start]);
        }
        pieces.push((out.len() as u32, map.span(start as u32, end as u32)));
        out.push_str(&text);
        copied = end;
    }
    if copied < b.len() {
        pieces.push((out.len() as u32, map.span(copied as u32, b.len() as u32)));
        out.push_str(&template[copied..]);
    }
    (out, pieces)
}

/// The value of an integer constant expression sema left unfolded: casts,
/// and the address arithmetic of libbpf's and the kernel's `offsetof`
/// (`&((T *)0)->member`).
fn constant_integer(e: &Expr) -> Option<i64> {
    match &e.kind {
        ExprKind::Const(c) => Some(*c),
        ExprKind::Cast(x) => constant_integer(x),
        ExprKind::AddrOf(lv) => constant_address(lv),
        _ => None,
    }
}

/// The address of an lvalue at a constant address (`((T *)0)->a.b`).
fn constant_address(lv: &Expr) -> Option<i64> {
    match &lv.kind {
        ExprKind::Member {
            base,
            offset,
            bitfield: None,
        } => constant_address(base)?.checked_add(*offset as i64),
        ExprKind::Deref(p) => constant_integer(p),
        _ => None,
    }
}
