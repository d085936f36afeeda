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
        for c in &a.clobbers {
            match c.as_slice() {
                b"memory" | b"cc" => {}
                [b'r', d] if (b'0'..=b'5').contains(d) => clobbers_caller_saved = true,
                // A naked function has no allocated registers to protect.
                [b'r', d] if self.b.func.naked && (b'6'..=b'9').contains(d) => {}
                _ => self.diags.error(
                    span,
                    format!(
                        "unsupported asm clobber \"{}\" (only r0-r5, \"memory\" and \"cc\"; r6-r9 in naked functions)",
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
        for i in &a.inputs {
            #[derive(PartialEq)]
            enum Where {
                Register,
                Immediate,
                Either,
            }
            let letters = letters(&i.constraint);
            let place = match letters {
                b"r" | b"g" | b"w" => Where::Register,
                b"i" | b"n" => Where::Immediate,
                b"ri" | b"ir" | b"rn" | b"nr" => Where::Either,
                _ => {
                    self.diags.error(
                        i.expr.span,
                        format!(
                            "unsupported asm input constraint \"{}\" (only \"r\", \"w\", \"g\", \"i\", \"n\", \"ri\")",
                            String::from_utf8_lossy(&i.constraint)
                        ),
                    );
                    return;
                }
            };
            let in_register = place != Where::Immediate;
            // `__imm(bpf_map_lookup_elem)`: a helper's number, for `call %[..]`.
            let v = match self.helper_number(&i.expr) {
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
                sub_register: letters == b"w",
                early_clobber: false,
            });
        }
        // The template's text starts after the opening quote; escapes and
        // concatenated literals shift later columns slightly.
        let ts = a.template_span;
        let start = (ts.start + 1).min(ts.end);
        let pieces = vec![(0, Span::new(ts.file, start, ts.end))];
        let asm = Box::new(InlineAsmOp {
            template: template.to_string(),
            pieces,
            operands,
            clobbers_caller_saved,
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
