//! Lowering one function: its frame (a stack slot per local and parameter),
//! and its statements into blocks: structured control flow, `switch` as
//! compare chains or a binary search (BPF has no jump tables), `goto`.

use super::memory::{Addr, Base};
use super::{scalar_of, ModuleCx, Scalar};
use crate::diag::Diagnostics;
use crate::ir::builder::FunctionBuilder;
use crate::ir::{self, Block, Cond, Op, StackSlot, Type, Value};
use crate::sema::tir::{
    self, CaseId, FunctionBody, InitStore, LabelId, LocalId, LocalInit, Stmt, StmtKind, SwitchCase,
};
use crate::sema::types::TypeKind;
use crate::source::Span;
use cranelift_entity::{EntitySet, SecondaryMap};

/// Switches with more case ranges than this become a binary search.
const LINEAR_SWITCH_MAX: usize = 4;

pub(crate) fn lower_function<'p>(
    cx: &mut ModuleCx<'p>,
    f: &'p tir::Function,
    diags: &mut Diagnostics,
) -> ir::Function {
    let body = f.body.as_ref().expect("lowering a function without body");
    let fty = match cx.program.types.ckind(f.ty) {
        TypeKind::Function(ft) => ft.clone(),
        _ => unreachable!("function of non-function type"),
    };
    let name = cx.func_name(f);

    let ret = if matches!(cx.program.types.ckind(fty.ret.ty), TypeKind::Void) {
        None
    } else {
        match scalar_of(cx.program, fty.ret.ty) {
            Some(s) => Some(s),
            None => {
                // clang: "aggregate returns are not supported".
                diags.error(
                    f.span,
                    format!("function '{name}' returns a struct, union or 128-bit integer by value, which BPF does not support"),
                );
                Some(Scalar::LONG)
            }
        }
    };
    let mut params = Vec::new();
    let mut passing = Vec::new();
    for &p in &body.params {
        let local = &body.locals[p];
        let pass = match param_passing(cx.program, local.ty.ty) {
            Some(pass) => pass,
            None => {
                diags.error(
                    local.span,
                    "a 128-bit integer parameter is not supported on BPF",
                );
                Passing::Scalar(Scalar::LONG)
            }
        };
        params.extend(pass.registers());
        passing.push(pass);
    }
    if params.len() > 5 {
        diags.error(
            f.span,
            format!(
                "function '{name}' takes {} registers of arguments; BPF passes at most 5",
                params.len()
            ),
        );
    }

    let mut func = ir::Function::new(
        name,
        f.section.clone().unwrap_or_else(|| ".text".to_string()),
        params,
        ret.map(|s| s.ty),
    );
    func.linkage = super::ir_linkage(f.linkage, &f.attrs);
    func.span = f.span;
    func.always_inline = f.attrs.always_inline;
    func.noinline = f.attrs.noinline;
    func.naked = f.attrs.naked;

    let mut fl = FnLower {
        cx,
        diags,
        b: FunctionBuilder::new(&mut func),
        body,
        ret,
        slots: SecondaryMap::new(),
        labels: SecondaryMap::new(),
        cases: SecondaryMap::new(),
        breaks: Vec::new(),
        continues: Vec::new(),
        placed: Vec::new(),
        placed_set: EntitySet::new(),
        return_to: None,
        return_slot: None,
        inlining: Vec::new(),
    };
    fl.lower_body(&passing, f.span);
    let placed = std::mem::take(&mut fl.placed);
    drop(fl);
    finish_layout(&mut func, placed);
    func
}

/// Puts blocks in the order they were filled (the source order), dropping
/// blocks never filled and never jumped to.
fn finish_layout(func: &mut ir::Function, placed: Vec<Block>) {
    let mut in_layout: EntitySet<Block> = EntitySet::new();
    for &b in &placed {
        in_layout.insert(b);
    }
    let mut layout = placed;
    // Blocks created but never switched to: keep those something jumps to.
    let mut targets: EntitySet<Block> = EntitySet::new();
    for &b in &layout {
        for &i in &func.blocks[b].insts {
            for s in func.insts[i].op.successors() {
                targets.insert(s);
            }
        }
    }
    let pending: Vec<Block> = func
        .layout
        .iter()
        .copied()
        .filter(|&b| !in_layout.contains(b) && targets.contains(b))
        .collect();
    for b in pending {
        let inst = func.insts.push(ir::InstData {
            op: Op::Unreachable,
            result: None,
        });
        func.blocks[b].insts.push(inst);
        layout.push(b);
    }
    func.layout = layout;
}

/// The state of lowering one function.
pub(crate) struct FnLower<'c, 'p, 'f> {
    pub cx: &'c mut ModuleCx<'p>,
    pub diags: &'c mut Diagnostics,
    pub b: FunctionBuilder<'f>,
    pub body: &'p FunctionBody,
    /// The return type (`None`: void).
    ret: Option<Scalar>,
    slots: SecondaryMap<LocalId, Option<StackSlot>>,
    labels: SecondaryMap<LabelId, Option<Block>>,
    cases: SecondaryMap<CaseId, Option<Block>>,
    breaks: Vec<Block>,
    continues: Vec<Block>,
    /// Blocks in the order code was put in them: the final layout.
    placed: Vec<Block>,
    placed_set: EntitySet<Block>,
    /// While lowering an inlined body: where its `return` continues, and
    /// where it returns a struct or union.
    return_to: Option<Block>,
    return_slot: Option<Addr>,
    /// The functions being inlined, innermost last (no recursive inlining).
    pub inlining: Vec<tir::FuncId>,
}

/// The caller's state saved while a callee's body is inlined.
struct InlineFrame<'p> {
    body: &'p FunctionBody,
    ret: Option<Scalar>,
    slots: SecondaryMap<LocalId, Option<StackSlot>>,
    labels: SecondaryMap<LabelId, Option<Block>>,
    cases: SecondaryMap<CaseId, Option<Block>>,
    breaks: Vec<Block>,
    continues: Vec<Block>,
    return_to: Option<Block>,
    return_slot: Option<Addr>,
}

impl<'p> FnLower<'_, 'p, '_> {
    pub fn program(&self) -> &'p tir::Program {
        self.cx.program
    }

    /// Continues in `block`; falls through into it if the current block is open.
    pub fn switch_to(&mut self, block: Block) {
        if self.b.current_block().is_some() && !self.b.is_terminated() {
            self.b.jump(block, vec![]);
        }
        if !self.placed_set.contains(block) {
            self.placed_set.insert(block);
            self.placed.push(block);
        }
        self.b.switch_to_block(block);
    }

    /// After a terminator: code that follows goes into a fresh (unreachable) block.
    pub fn after_terminator(&mut self) {
        let b = self.b.create_block();
        self.switch_to(b);
    }

    /// The stack slot of a local.
    pub fn local_addr(&mut self, l: LocalId) -> Addr {
        let slot = self.slots[l].expect("local without slot");
        let align = self.b.func.slots[slot].align as u64;
        Addr::new(Base::Slot(slot), align)
    }

    fn lower_body(&mut self, params: &[Passing], span: Span) {
        let entry = self.b.create_block();
        self.b.set_srcloc(span);
        let param_values: Vec<Vec<Value>> = params
            .iter()
            .map(|p| {
                p.registers()
                    .into_iter()
                    .map(|ty| self.b.append_block_param(entry, ty))
                    .collect()
            })
            .collect();
        self.switch_to(entry);

        self.create_slots();
        // A naked function's asm reads its arguments in r1-r5 itself.
        if !self.b.func.naked {
            self.store_params(params, &param_values);
        }

        let body = self.body;
        self.stmt_list(&body.body);

        self.b.set_srcloc(body.end_span);
        if self.b.func.naked && !self.b.is_terminated() {
            // No epilogue: the asm ends the function itself.
            self.b.ins(Op::Unreachable, None);
        } else if !self.b.is_terminated() {
            // Falling off the end of a non-void function: return 0, the safe
            // choice (the verifier requires r0 to be set).
            let v = self.ret.map(|s| self.b.iconst(s.ty, 0));
            self.b.ret(v);
        }
    }

    /// A stack slot for every local of the current body.
    fn create_slots(&mut self) {
        let types = &self.program().types;
        for (id, local) in self.body.locals.iter() {
            let size = types.size_of(local.ty.ty).unwrap_or(0).max(1);
            let align = local.align.max(types.align_of(local.ty.ty)).max(1);
            let name = local.name.map(|s| self.cx.interner.resolve(s).to_string());
            let slot = self
                .b
                .create_slot(size as u32, align as u32, name, local.span);
            // A volatile local stays in memory, as with clang: every access
            // is a real load or store.
            let volatile = types.canonical_qual(local.ty).quals.is_volatile;
            self.b.func.slots[slot].address_taken = local.address_taken || volatile;
            self.slots[id] = Some(slot);
        }
    }

    /// Stores the incoming argument registers into the parameters' slots.
    fn store_params(&mut self, params: &[Passing], values: &[Vec<Value>]) {
        for (i, &p) in self.body.params.iter().enumerate() {
            let a = self.local_addr(p);
            let vals = &values[i];
            match params[i] {
                Passing::Scalar(s) => self.store_scalar(a, vals[0], s, false),
                Passing::Chunks { size } => {
                    for (n, &v) in vals.iter().enumerate() {
                        let off = n as u64 * 8;
                        self.store_chunk(a.at(off as i64), v, (size - off).min(8));
                    }
                }
                Passing::ByReference { size } => {
                    let src = Addr::new(Base::Value(vals[0]), a.align);
                    self.copy_bytes(a, src, size, false);
                }
            }
        }
    }

    /// Lowers a call of `callee` (an `always_inline` function, or one whose
    /// arguments do not fit in registers) in place, as clang inlines it:
    /// its locals get slots of this function, `return` jumps to the
    /// continuation. Returns the call's value.
    pub fn inline_call(
        &mut self,
        callee: &'p tir::Function,
        params: &[Passing],
        values: &[Vec<Value>],
        result_slot: Option<Addr>,
    ) -> Option<Value> {
        let body = callee
            .body
            .as_ref()
            .expect("inlining a function without body");
        let ret = match self.program().types.ckind(callee.ty) {
            TypeKind::Function(ft) => scalar_of(self.program(), ft.ret.ty),
            _ => None,
        };
        let cont = self.b.create_block();
        let result = ret.map(|s| self.b.append_block_param(cont, s.ty));
        let saved = InlineFrame {
            body: std::mem::replace(&mut self.body, body),
            ret: std::mem::replace(&mut self.ret, ret),
            slots: std::mem::take(&mut self.slots),
            labels: std::mem::take(&mut self.labels),
            cases: std::mem::take(&mut self.cases),
            breaks: std::mem::take(&mut self.breaks),
            continues: std::mem::take(&mut self.continues),
            return_to: self.return_to.replace(cont),
            return_slot: std::mem::replace(&mut self.return_slot, result_slot),
        };
        self.create_slots();
        self.store_params(params, values);
        self.stmt_list(&body.body);
        self.b.set_srcloc(body.end_span);
        if !self.b.is_terminated() {
            let v = ret.map(|s| self.b.iconst(s.ty, 0));
            self.b.jump(cont, v.into_iter().collect());
        }
        self.body = saved.body;
        self.ret = saved.ret;
        self.slots = saved.slots;
        self.labels = saved.labels;
        self.cases = saved.cases;
        self.breaks = saved.breaks;
        self.continues = saved.continues;
        self.return_to = saved.return_to;
        self.return_slot = saved.return_slot;
        self.switch_to(cont);
        result
    }

    pub fn stmt_list(&mut self, stmts: &[Stmt]) {
        for s in stmts {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        self.b.set_srcloc(s.span);
        match &s.kind {
            StmtKind::Expr(e) => self.effect(e),
            StmtKind::Decl { local, init } => self.decl(*local, init.as_ref()),
            StmtKind::Block(b) => self.stmt_list(b),
            StmtKind::If { cond, then, els } => {
                let t = self.b.create_block();
                let e = self.b.create_block();
                let join = if els.is_some() {
                    self.b.create_block()
                } else {
                    e
                };
                self.cond_branch(cond, t, e);
                self.switch_to(t);
                self.stmt(then);
                if let Some(els) = els {
                    self.b.jump(join, vec![]);
                    self.switch_to(e);
                    self.stmt(els);
                }
                self.switch_to(join);
            }
            StmtKind::While { cond, body } => {
                let header = self.b.create_block();
                let body_b = self.b.create_block();
                let exit = self.b.create_block();
                self.switch_to(header);
                self.b.set_srcloc(cond.span);
                self.cond_branch(cond, body_b, exit);
                self.switch_to(body_b);
                self.loop_body(body, exit, header);
                self.b.jump(header, vec![]);
                self.switch_to(exit);
            }
            StmtKind::DoWhile { body, cond } => {
                let body_b = self.b.create_block();
                let cond_b = self.b.create_block();
                let exit = self.b.create_block();
                self.switch_to(body_b);
                self.loop_body(body, exit, cond_b);
                self.switch_to(cond_b);
                self.b.set_srcloc(cond.span);
                self.cond_branch(cond, body_b, exit);
                self.switch_to(exit);
            }
            StmtKind::For {
                init,
                cond,
                step,
                body,
            } => {
                self.stmt_list(init);
                let header = self.b.create_block();
                let body_b = self.b.create_block();
                let step_b = self.b.create_block();
                let exit = self.b.create_block();
                self.switch_to(header);
                match cond {
                    Some(c) => {
                        self.b.set_srcloc(c.span);
                        self.cond_branch(c, body_b, exit);
                    }
                    None => self.b.jump(body_b, vec![]),
                }
                self.switch_to(body_b);
                self.loop_body(body, exit, step_b);
                self.switch_to(step_b);
                if let Some(st) = step {
                    self.b.set_srcloc(st.span);
                    self.effect(st);
                }
                self.b.jump(header, vec![]);
                self.switch_to(exit);
            }
            StmtKind::Switch {
                cond,
                cases,
                default,
                body,
            } => self.switch(cond, cases, *default, body),
            StmtKind::Case(id) => {
                let block = match self.cases[*id] {
                    Some(b) => b,
                    None => {
                        self.diags
                            .error(s.span, "case label not within a switch statement");
                        self.b.create_block()
                    }
                };
                self.switch_to(block);
            }
            StmtKind::Break => match self.breaks.last() {
                Some(&b) => {
                    self.b.jump(b, vec![]);
                    self.after_terminator();
                }
                None => self
                    .diags
                    .error(s.span, "'break' statement not in loop or switch statement"),
            },
            StmtKind::Continue => match self.continues.last() {
                Some(&b) => {
                    self.b.jump(b, vec![]);
                    self.after_terminator();
                }
                None => self
                    .diags
                    .error(s.span, "'continue' statement not in loop statement"),
            },
            StmtKind::Goto(l) => {
                let b = self.label_block(*l);
                self.b.jump(b, vec![]);
                self.after_terminator();
            }
            StmtKind::Label(l) => {
                let b = self.label_block(*l);
                self.switch_to(b);
            }
            StmtKind::Return(value) => {
                let v = match (value, self.ret) {
                    (Some(e), Some(_)) if scalar_of(self.program(), e.ty.ty).is_some() => {
                        Some(self.rvalue(e))
                    }
                    (Some(e), None) if self.return_slot.is_some() => {
                        let dst = self.return_slot.unwrap();
                        let size = self.program().types.size_of(e.ty.ty).unwrap_or(0);
                        let src = self.lvalue(e);
                        self.copy_bytes(dst, src, size, false);
                        None
                    }
                    (Some(e), ret) => {
                        // `return f();` in a void function, or an error already reported.
                        self.effect(e);
                        ret.map(|s| self.b.iconst(s.ty, 0))
                    }
                    (None, Some(s)) => Some(self.b.iconst(s.ty, 0)),
                    (None, None) => None,
                };
                match self.return_to {
                    Some(cont) => self.b.jump(cont, v.into_iter().collect()),
                    None => self.b.ret(v),
                }
                self.after_terminator();
            }
            StmtKind::Asm(a) => self.asm_stmt(a, s.span),
        }
    }

    fn loop_body(&mut self, body: &Stmt, brk: Block, cont: Block) {
        self.breaks.push(brk);
        self.continues.push(cont);
        self.stmt(body);
        self.breaks.pop();
        self.continues.pop();
    }

    pub(super) fn label_block(&mut self, l: LabelId) -> Block {
        match self.labels[l] {
            Some(b) => b,
            None => {
                let b = self.b.create_block();
                self.labels[l] = Some(b);
                b
            }
        }
    }

    fn decl(&mut self, local: LocalId, init: Option<&LocalInit>) {
        let Some(init) = init else { return };
        let ty = self.body.locals[local].ty;
        let addr = self.local_addr(local);
        match init {
            LocalInit::Expr(e) => match scalar_of(self.program(), ty.ty) {
                Some(s) => {
                    let v = self.rvalue(e);
                    self.store_scalar(addr, v, s, false);
                }
                None => {
                    let size = self.program().types.size_of(ty.ty).unwrap_or(0);
                    let src = self.lvalue(e);
                    self.copy_bytes(addr, src, size, false);
                }
            },
            LocalInit::Aggregate(stores) => {
                let size = self.program().types.size_of(ty.ty).unwrap_or(0);
                self.aggregate_init(addr, size, stores);
            }
        }
    }

    /// Zeroes the bytes of the object that no store below fully writes (the
    /// verifier refuses reads of uninitialized stack, padding included), then
    /// does the stores in order.
    fn aggregate_init(&mut self, addr: Addr, size: u64, stores: &[InitStore]) {
        let mut covered = vec![false; size as usize];
        for st in stores {
            let (off, len) = match st {
                InitStore::Value {
                    offset,
                    bitfield: None,
                    value,
                } => (
                    *offset,
                    self.program().types.size_of(value.ty.ty).unwrap_or(0),
                ),
                InitStore::Value { .. } => continue,
                InitStore::Bytes { offset, bytes } => (*offset, bytes.len() as u64),
            };
            let end = (off + len).min(size);
            for c in covered.iter_mut().take(end as usize).skip(off as usize) {
                *c = true;
            }
        }
        let mut i = 0usize;
        while i < covered.len() {
            if covered[i] {
                i += 1;
                continue;
            }
            let start = i;
            while i < covered.len() && !covered[i] {
                i += 1;
            }
            self.fill_const(addr.at(start as i64), 0, (i - start) as u64, false);
        }
        for st in stores {
            match st {
                InitStore::Value {
                    offset,
                    bitfield,
                    value,
                } => {
                    let dst = addr.at(*offset as i64);
                    match scalar_of(self.program(), value.ty.ty) {
                        Some(s) => {
                            let v = self.rvalue(value);
                            match bitfield {
                                Some(bf) if bf.bit_offset + bf.width > (s.size * 8) as u32 => {
                                    self.diags.error(
                                        value.span,
                                        "a bitfield that does not fit in its storage unit is not supported",
                                    );
                                }
                                Some(bf) => {
                                    self.store_bitfield(dst, v, s, *bf, false);
                                }
                                None => self.store_scalar(dst, v, s, false),
                            }
                        }
                        None => {
                            let n = self.program().types.size_of(value.ty.ty).unwrap_or(0);
                            let src = self.lvalue(value);
                            self.copy_bytes(dst, src, n, false);
                        }
                    }
                }
                InitStore::Bytes { offset, bytes } => {
                    self.store_bytes(addr.at(*offset as i64), bytes);
                }
            }
        }
    }

    fn switch(
        &mut self,
        cond: &tir::Expr,
        cases: &[SwitchCase],
        default: Option<CaseId>,
        body: &Stmt,
    ) {
        let s = scalar_of(self.program(), cond.ty.ty).unwrap_or(Scalar::INT);
        self.b.set_srcloc(cond.span);
        let v = self.rvalue(cond);
        let exit = self.b.create_block();
        let mut ranges: Vec<(i64, i64, Block)> = Vec::with_capacity(cases.len());
        for c in cases {
            let b = self.b.create_block();
            self.cases[c.id] = Some(b);
            ranges.push((c.lo, c.hi, b));
        }
        let default_block = match default {
            Some(d) => {
                let b = self.b.create_block();
                self.cases[d] = Some(b);
                b
            }
            None => exit,
        };
        // Compare as the condition's IR type does: I32 values by their low 32 bits.
        let key = |x: i64| -> i128 {
            match (s.ty, s.signed) {
                (Type::I32, true) => x as i32 as i128,
                (Type::I32, false) => x as u32 as i128,
                (Type::I64, true) => x as i128,
                (Type::I64, false) => x as u64 as i128,
            }
        };
        // GNU `case 5 ... 1:` is an empty range: it matches nothing.
        ranges.retain(|r| key(r.0) <= key(r.1));
        ranges.sort_by_key(|r| key(r.0));
        self.dispatch(v, s, &ranges, default_block);

        self.breaks.push(exit);
        // The body's code before the first label is unreachable.
        let entry = self.b.create_block();
        self.switch_to(entry);
        self.stmt(body);
        self.breaks.pop();
        self.switch_to(exit);
    }

    /// Jumps to the block of the range holding `v`, else to `default`:
    /// a compare chain for few ranges, a balanced binary search for more.
    fn dispatch(&mut self, v: Value, s: Scalar, ranges: &[(i64, i64, Block)], default: Block) {
        if ranges.len() <= LINEAR_SWITCH_MAX {
            for &(lo, hi, target) in ranges {
                let next = self.b.create_block();
                let c = self.range_test(v, s, lo, hi);
                self.b.brif(c, target, next);
                self.switch_to(next);
            }
            self.b.jump(default, vec![]);
            return;
        }
        let mid = ranges.len() / 2;
        let pivot = ranges[mid].0;
        let left = self.b.create_block();
        let right = self.b.create_block();
        let p = self.b.iconst(s.ty, pivot);
        let cond = if s.signed { Cond::Slt } else { Cond::Ult };
        let c = self.b.icmp(cond, v, p, Type::I32);
        self.b.brif(c, left, right);
        self.switch_to(left);
        self.dispatch(v, s, &ranges[..mid], default);
        self.switch_to(right);
        self.dispatch(v, s, &ranges[mid..], default);
    }

    /// `lo <= v && v <= hi` as one unsigned comparison (`v - lo <= hi - lo`).
    fn range_test(&mut self, v: Value, s: Scalar, lo: i64, hi: i64) -> Value {
        if lo == hi {
            let c = self.b.iconst(s.ty, lo);
            return self.b.icmp(Cond::Eq, v, c, Type::I32);
        }
        let l = self.b.iconst(s.ty, lo);
        let d = self.b.binary(ir::BinOp::Sub, v, l);
        let span = self.b.iconst(s.ty, hi.wrapping_sub(lo));
        self.b.icmp(Cond::Ule, d, span, Type::I32)
    }
}

/// How a parameter travels in registers, as clang's BPF target passes it.
#[derive(Copy, Clone, Debug)]
pub(crate) enum Passing {
    Scalar(Scalar),
    /// A struct or union of at most 16 bytes: its bytes in one or two `I64`
    /// registers, little-endian.
    Chunks {
        size: u64,
    },
    /// A larger struct or union: a pointer to a copy the caller made (clang
    /// compiles such callees but refuses the calls).
    ByReference {
        size: u64,
    },
}

impl Passing {
    pub fn registers(self) -> Vec<Type> {
        match self {
            Passing::Scalar(s) => vec![s.ty],
            Passing::Chunks { size } => vec![Type::I64; size.div_ceil(8).max(1) as usize],
            Passing::ByReference { .. } => vec![Type::I64],
        }
    }
}

/// How a value of type `ty` is passed; `None` for types no register holds.
pub(crate) fn param_passing(
    program: &tir::Program,
    ty: crate::sema::types::TypeId,
) -> Option<Passing> {
    if let Some(s) = scalar_of(program, ty) {
        return Some(Passing::Scalar(s));
    }
    if !matches!(program.types.ckind(ty), TypeKind::Record(_)) {
        return None;
    }
    let size = program.types.size_of(ty)?;
    Some(if size <= 16 {
        Passing::Chunks { size }
    } else {
        Passing::ByReference { size }
    })
}

/// Whether a call of `f` with `nargs` arguments is lowered in place:
/// `always_inline` functions (clang always inlines them), and static
/// functions that a BPF call could not express: returning a struct
/// (`__bpf_preempt_constructor`), or with more than five argument registers
/// (clang inlines them at -O2).
pub(crate) fn inlined_at_call(program: &tir::Program, f: tir::FuncId, nargs: usize) -> bool {
    let f = &program.functions[f];
    let Some(body) = &f.body else { return false };
    let arity_matches = match program.types.ckind(f.ty) {
        TypeKind::Function(ft) => !ft.variadic && ft.params.len() == nargs,
        _ => false,
    };
    if f.attrs.noinline || f.attrs.weak || !arity_matches || body.params.len() != nargs {
        return false;
    }
    let returns_aggregate = match program.types.ckind(f.ty) {
        TypeKind::Function(ft) => program.types.is_aggregate(ft.ret.ty),
        _ => false,
    };
    f.attrs.always_inline
        || (f.linkage == tir::Linkage::Internal && returns_aggregate)
        || (f.linkage == tir::Linkage::Internal
            && body
                .params
                .iter()
                .map(|&p| {
                    param_passing(program, body.locals[p].ty.ty)
                        .map_or(1, |pp| pp.registers().len())
                })
                .sum::<usize>()
                > 5)
}
