//! Instruction selection: one IR function to machine IR over virtual
//! registers.
//!
//! - Constants, stack addresses and symbol addresses are rematerialized at
//!   each use (as immediates where the instruction takes one), so they never
//!   occupy a register across a call.
//! - Loads and stores through a stack address use `r10` directly.
//! - Constants added to an address go into the load's or store's offset (the
//!   verifier wants context fields read through the context register).
//! - An `Icmp` (or `a & b`) read only by the `Brif` of its block becomes one
//!   conditional jump (`(a & b) != 0` a JSET); other comparisons
//!   materialize 0/1.
//! - Block parameters become copies on the edges; a `Brif` edge that passes
//!   arguments gets its own block for them.
//! - I32 values are kept zero-extended in their 64-bit registers, so that
//!   v1/v2 (no JMP32) can compare them with 64-bit jumps; the one exception,
//!   a `Narrow` sharing its operand's register, is cleared where the whole
//!   register is read.
//! - Atomic read-modify-writes whose result is unused take the form without
//!   `BPF_FETCH` (`lock *(u64 *)(r1 + 0) += r2`), as clang's; cmpxchg
//!   compares with, and returns in, r0.

use super::insn::*;
use super::mir::*;
use super::BackendOptions;
use crate::btf::core::{CoreKind, CoreRelo};
use crate::diag::Diagnostics;
use crate::ir::{
    AsmArgKind, AtomicOp, BinOp, BlockCall, Callee, Cond, Function, InlineAsmOp, Inst, MemWidth,
    Op, SymbolTarget, Type, UnOp, Value,
};
use crate::source::Span;
use cranelift_entity::SecondaryMap;

/// Selects instructions for `f`. Unsupported constructs are reported to
/// `diags` (the result is then not meant to be encoded).
pub fn select(f: &Function, options: &BackendOptions, diags: &mut Diagnostics) -> MFunction {
    let mut s = Selector {
        f,
        cpu: options.cpu_version,
        diags,
        m: MFunction::default(),
        cur: 0,
        span: f.span,
        vregs: SecondaryMap::with_default(u32::MAX),
        uses: SecondaryMap::new(),
        fused: SecondaryMap::new(),
        dirty: SecondaryMap::new(),
        address_only: SecondaryMap::new(),
        block_ids: SecondaryMap::new(),
        asm_outputs: Default::default(),
        next_core: None,
    };
    s.run();
    s.m
}

struct Selector<'a> {
    f: &'a Function,
    cpu: u8,
    diags: &'a mut Diagnostics,
    m: MFunction,
    cur: MBlock,
    span: Span,
    vregs: SecondaryMap<Value, u32>,
    uses: SecondaryMap<Value, u32>,
    /// Comparisons folded into their block's conditional branch.
    fused: SecondaryMap<Inst, bool>,
    /// I32 values that share the register of the I64 value they narrow, so
    /// their upper half is not zero: readers of the whole register clear it
    /// first (`clean_reg`), 32-bit operations do not need to.
    dirty: SecondaryMap<Value, bool>,
    /// Additions of constants that every user folds into a memory offset.
    address_only: SecondaryMap<Inst, bool>,
    block_ids: SecondaryMap<crate::ir::Block, MBlock>,
    /// The output registers of inline asm with several outputs, by the asm's
    /// result (its first output).
    asm_outputs: std::collections::HashMap<Value, Vec<Reg>>,
    /// The CO-RE relocation of the next instruction emitted.
    next_core: Option<Box<CoreRelo>>,
}

fn fits_i32(c: i64) -> bool {
    c == c as i32 as i64
}

impl Selector<'_> {
    fn run(&mut self) {
        let f = self.f;
        if f.layout.is_empty() {
            self.diags
                .error(f.span, format!("function '{}' has no body", f.name));
            return;
        }
        // Use counts, and which comparisons fuse into branches.
        for &b in &f.layout {
            for &i in &f.blocks[b].insts {
                f.insts[i].op.for_each_arg(|v| self.uses[f.resolve(v)] += 1);
            }
        }
        for &b in &f.layout {
            let t = f.terminator(b);
            if let Op::Brif { cond, .. } = &f.insts[t].op {
                // The branch reads the comparison (or `a & b`) itself...
                let Some(ci) = self.single_use_def_in(b, *cond) else {
                    continue;
                };
                match &f.insts[ci].op {
                    Op::Icmp(Cond::Eq | Cond::Ne, x, y) => {
                        self.fused[ci] = true;
                        // ... and `(a & b) ==/!= 0` becomes `if a & b` (JSET).
                        let zero_other = match (self.konst(*x), self.konst(*y)) {
                            (_, Some(0)) => Some(*x),
                            (Some(0), _) => Some(*y),
                            _ => None,
                        };
                        if let Some(ai) = zero_other.and_then(|v| self.single_use_def_in(b, v)) {
                            if matches!(f.insts[ai].op, Op::Binary(BinOp::And, ..)) {
                                self.fused[ai] = true;
                            }
                        }
                    }
                    Op::Icmp(..) | Op::Binary(BinOp::And, ..) => self.fused[ci] = true,
                    _ => {}
                }
            }
        }
        self.fold_address_arithmetic();
        // Block 0 is the prologue: arguments from r1-r5 into their values.
        self.m.blocks.push(Vec::new());
        self.m.order.push(0);
        for &b in &f.layout {
            let id = self.m.blocks.len() as MBlock;
            self.m.blocks.push(Vec::new());
            self.block_ids[b] = id;
        }
        let entry = f.entry();
        if f.blocks[entry].params.len() > 5 {
            self.diags.error(
                f.span,
                format!(
                    "function '{}' has {} parameters; BPF passes at most 5 (r1-r5)",
                    f.name,
                    f.blocks[entry].params.len()
                ),
            );
        }
        for (k, &p) in f.blocks[entry].params.iter().enumerate().take(5) {
            if self.uses[p] > 0 {
                let w32 = f.value_type(p) == Type::I32;
                let dst = Reg::V(self.vreg(p));
                self.mov(w32, dst, Operand::Reg(Reg::P(k as u8 + 1)));
            }
        }
        let target = self.block_ids[entry];
        self.emit(MInst::Jmp { target });
        for &b in &f.layout {
            self.cur = self.block_ids[b];
            self.m.order.push(self.cur);
            let insts = &f.blocks[b].insts;
            for (k, &i) in insts.iter().enumerate() {
                // After inline asm (a naked function's body, or `asm(...);
                // __builtin_unreachable()`) the asm ends the path itself, and
                // an `exit` the verifier cannot reach would be refused.
                if matches!(f.insts[i].op, Op::Unreachable)
                    && k > 0
                    && matches!(f.insts[insts[k - 1]].op, Op::InlineAsm(_))
                {
                    continue;
                }
                self.span = f.srclocs[i];
                self.select_inst(i);
            }
        }
    }

    /// Marks additions of constants that only feed memory addresses (all of
    /// which fold them into their offsets) as not needing code.
    fn fold_address_arithmetic(&mut self) {
        let f = self.f;
        let mut users: SecondaryMap<Value, Vec<Inst>> = SecondaryMap::new();
        let mut candidates = Vec::new();
        for &b in &f.layout {
            for &i in &f.blocks[b].insts {
                f.insts[i].op.for_each_arg(|v| users[f.resolve(v)].push(i));
                let op = &f.insts[i].op;
                let is_offset = match op {
                    Op::Binary(BinOp::Add, a, c) => {
                        self.konst(*a).is_some() || self.konst(*c).is_some()
                    }
                    Op::Binary(BinOp::Sub, _, c) => self.konst(*c).is_some(),
                    _ => false,
                } || f.insts[i]
                    .result
                    .is_some_and(|r| self.core_field_addr(r, 0).is_some());
                if let Some(r) = f.insts[i].result {
                    if is_offset && f.value_type(r) == Type::I64 && self.remat_op(r).is_none() {
                        candidates.push((i, f.resolve(r)));
                    }
                }
            }
        }
        // Users come after definitions in SSA, so a few passes from the end
        // settle chains of additions.
        let mut changed = true;
        while changed {
            changed = false;
            for &(i, r) in candidates.iter().rev() {
                if self.address_only[i] || users[r].is_empty() {
                    continue;
                }
                let core = self.core_field_addr(r, 0).is_some();
                let all_fold = users[r].iter().all(|&u| match &f.insts[u].op {
                    // A relocated field offset goes into the access only on
                    // its own (libbpf checks and rewrites the whole offset).
                    Op::Load { addr, offset, .. } if core => f.resolve(*addr) == r && *offset == 0,
                    Op::Store {
                        addr,
                        offset,
                        value,
                        ..
                    } if core => f.resolve(*addr) == r && f.resolve(*value) != r && *offset == 0,
                    _ if core => false,
                    Op::Load { addr, offset, .. } => {
                        f.resolve(*addr) == r && self.folded_addr(r, *offset).is_some()
                    }
                    Op::Store {
                        addr,
                        offset,
                        value,
                        ..
                    }
                    | Op::AtomicRmw {
                        addr,
                        offset,
                        value,
                        ..
                    } => {
                        f.resolve(*addr) == r
                            && f.resolve(*value) != r
                            && self.folded_addr(r, *offset).is_some()
                    }
                    Op::AtomicCmpXchg {
                        addr,
                        offset,
                        expected,
                        new,
                        ..
                    } => {
                        f.resolve(*addr) == r
                            && f.resolve(*expected) != r
                            && f.resolve(*new) != r
                            && self.folded_addr(r, *offset).is_some()
                    }
                    _ => self.address_only[u],
                });
                if all_fold {
                    self.address_only[i] = true;
                    changed = true;
                }
            }
        }
        // A relocated offset that only such accesses use needs no register.
        for &b in &f.layout {
            for &i in &f.blocks[b].insts {
                if let (Op::CoreValue(_), Some(r)) = (&f.insts[i].op, f.insts[i].result) {
                    let r = f.resolve(r);
                    if !users[r].is_empty() && users[r].iter().all(|&u| self.address_only[u]) {
                        self.address_only[i] = true;
                    }
                }
            }
        }
    }

    /// Whether `v` can only be a number, never a pointer: the verifier refuses
    /// 32-bit arithmetic on a pointer register, so only such values may be
    /// used as I32 without first being copied by a 32-bit move.
    fn surely_scalar(&self, v: Value) -> bool {
        let Some(i) = self.f.def_inst(v) else {
            return false;
        };
        match &self.f.insts[i].op {
            // Pointer plus or minus a number is a pointer.
            Op::Binary(BinOp::Add | BinOp::Sub, ..) => false,
            Op::Binary(..)
            | Op::Unary(..)
            | Op::Icmp(..)
            | Op::Extend { .. }
            | Op::Widen { .. }
            | Op::Bswap { .. }
            | Op::Iconst(_)
            | Op::CoreValue(_)
            | Op::LoadPacket { .. } => true,
            _ => false,
        }
    }

    /// The instruction defining `v` if it is in block `b` and `v` has no
    /// other use.
    fn single_use_def_in(&self, b: crate::ir::Block, v: Value) -> Option<Inst> {
        let v = self.f.resolve(v);
        let i = self.f.def_inst(v)?;
        (self.uses[v] == 1 && self.f.blocks[b].insts.contains(&i)).then_some(i)
    }

    /// The operands of a fused `a & b`.
    fn fused_and(&self, v: Value) -> Option<(Value, Value)> {
        let i = self.f.def_inst(v)?;
        match self.f.insts[i].op {
            Op::Binary(BinOp::And, a, b) if self.fused[i] => Some((a, b)),
            _ => None,
        }
    }

    fn emit(&mut self, inst: MInst) {
        let core = self.next_core.take();
        self.m.blocks[self.cur as usize].push(MI {
            inst,
            span: self.span,
            core,
        });
    }

    /// The relocated field offset a load or store at `addr + offset` can
    /// carry itself, as clang's `*(rX + off)` with a `byte_off` relocation:
    /// `addr` is `base + CoreValue` and nothing else is added. Returns the
    /// base and the relocation.
    fn core_field_addr(&self, addr: Value, offset: i32) -> Option<(Value, &CoreRelo)> {
        if offset != 0 {
            return None;
        }
        let f = self.f;
        let i = f.def_inst(f.resolve(addr))?;
        let Op::Binary(BinOp::Add, a, b) = f.insts[i].op else {
            return None;
        };
        if f.value_type(a) != Type::I64 {
            return None;
        }
        let relo = |v: Value| match f.def_inst(f.resolve(v)).map(|d| &f.insts[d].op) {
            Some(Op::CoreValue(r))
                if r.kind == CoreKind::FieldByteOffset && i16::try_from(r.value).is_ok() =>
            {
                Some(&**r)
            }
            _ => None,
        };
        match (relo(a), relo(b)) {
            (_, Some(r)) => Some((a, r)),
            (Some(r), None) => Some((b, r)),
            _ => None,
        }
    }

    fn new_vreg(&mut self) -> Reg {
        let v = self.m.num_vregs;
        self.m.num_vregs += 1;
        Reg::V(v)
    }

    /// The virtual register holding `v` (for values computed into one).
    fn vreg(&mut self, v: Value) -> VReg {
        let v = self.f.resolve(v);
        if self.vregs[v] == u32::MAX {
            self.vregs[v] = self.m.num_vregs;
            self.m.num_vregs += 1;
        }
        self.vregs[v]
    }

    fn ty(&self, v: Value) -> Type {
        self.f.value_type(v)
    }

    fn mov(&mut self, w32: bool, dst: Reg, src: Operand) {
        self.emit(MInst::Mov {
            w32,
            dst,
            src,
            sext: 0,
            truncates: false,
        });
    }

    fn alu(&mut self, op: u8, w32: bool, dst: Reg, src: Operand) {
        self.emit(MInst::Alu {
            op,
            w32,
            dst,
            src,
            signed: false,
        });
    }

    /// The defining operation of `v` if it is rematerialized at each use.
    fn remat_op(&self, v: Value) -> Option<&Op> {
        let i = self.f.def_inst(v)?;
        let op = &self.f.insts[i].op;
        matches!(
            op,
            Op::Iconst(_) | Op::StackAddr { .. } | Op::SymbolAddr { .. }
        )
        .then_some(op)
    }

    fn konst(&self, v: Value) -> Option<i64> {
        self.f.const_value(v)
    }

    /// Computes the value of `v` into `dst`.
    fn copy_into(&mut self, dst: Reg, v: Value) {
        let w32 = self.ty(v) == Type::I32;
        match self.remat_op(v).cloned() {
            Some(Op::Iconst(c)) => self.const_into(dst, self.ty(v), c),
            Some(Op::StackAddr { slot, offset }) => self.emit(MInst::FrameAddr {
                dst,
                at: FrameRef::Slot(slot),
                off: offset,
            }),
            Some(Op::SymbolAddr { target, addend }) => {
                let reloc = match target {
                    SymbolTarget::Data(d) => RelocTarget::Data(d),
                    SymbolTarget::Func(f) => RelocTarget::Func(f),
                    // `r = kfunc ll` with R_BPF_64_64 against the undefined
                    // symbol, as clang: libbpf turns it into a BTF id load, or 0
                    // for a missing weak kfunc.
                    SymbolTarget::ExternFunc(name) => RelocTarget::Extern(name),
                };
                self.emit(MInst::LdImm64 {
                    dst,
                    imm: addend,
                    reloc: Some(reloc),
                })
            }
            _ => {
                let src = Reg::V(self.vreg(v));
                let truncates = w32 && self.dirty[self.f.resolve(v)];
                self.emit(MInst::Mov {
                    w32,
                    dst,
                    src: Operand::Reg(src),
                    sext: 0,
                    truncates,
                })
            }
        }
    }

    /// Like `copy_into`, for a destination that a 32-bit operation rewrites
    /// next (which clears the upper half anyway).
    fn copy_into_for_alu32(&mut self, dst: Reg, v: Value) {
        if self.remat_op(v).is_some() || !self.dirty[self.f.resolve(v)] {
            return self.copy_into(dst, v);
        }
        let src = Reg::V(self.vreg(v));
        self.mov(true, dst, Operand::Reg(src));
    }

    /// A register holding `v` with its upper half clear if `v` is I32.
    fn clean_reg(&mut self, v: Value) -> Reg {
        if self.remat_op(v).is_some() || !self.dirty[self.f.resolve(v)] {
            return self.reg(v);
        }
        let t = self.new_vreg();
        self.copy_into(t, v);
        t
    }

    fn const_into(&mut self, dst: Reg, ty: Type, c: i64) {
        match ty {
            Type::I32 => self.mov(true, dst, Operand::Imm(c as i32)),
            Type::I64 if fits_i32(c) => self.mov(false, dst, Operand::Imm(c as i32)),
            Type::I64 => self.emit(MInst::LdImm64 {
                dst,
                imm: c,
                reloc: None,
            }),
        }
    }

    /// A register holding `v`.
    fn reg(&mut self, v: Value) -> Reg {
        if self.remat_op(v).is_some() {
            let r = self.new_vreg();
            self.copy_into(r, v);
            r
        } else {
            Reg::V(self.vreg(v))
        }
    }

    /// `v` as an ALU operand of width `ty`: an immediate when it fits.
    fn operand(&mut self, v: Value) -> Operand {
        match self.konst(v) {
            Some(c) if self.ty(v) == Type::I32 => Operand::Imm(c as i32),
            Some(c) if fits_i32(c) => Operand::Imm(c as i32),
            _ => Operand::Reg(self.reg(v)),
        }
    }

    /// `v` as a base value plus a constant, through additions and
    /// subtractions of constants.
    fn base_offset(&self, v: Value) -> (Value, i64) {
        let f = self.f;
        let mut v = f.resolve(v);
        let mut total = 0i64;
        // A bounded walk: chains are short, and a bound keeps it linear.
        for _ in 0..32 {
            let Some(i) = f.def_inst(v) else { break };
            let (next, c) = match f.insts[i].op {
                Op::Binary(BinOp::Add, a, b) if f.value_type(v) == Type::I64 => {
                    match (self.konst(a), self.konst(b)) {
                        (_, Some(c)) => (a, c),
                        (Some(c), None) => (b, c),
                        _ => break,
                    }
                }
                Op::Binary(BinOp::Sub, a, b) if f.value_type(v) == Type::I64 => {
                    match self.konst(b) {
                        Some(c) if c != i64::MIN => (a, -c),
                        _ => break,
                    }
                }
                _ => break,
            };
            match total.checked_add(c) {
                Some(t) if t.abs() < 1 << 40 => total = t,
                _ => break,
            }
            v = f.resolve(next);
        }
        (v, total)
    }

    /// Where a memory access at `v + off` goes once constant additions are
    /// folded into its offset: the base and the folded offset, if that fits
    /// (16 bits, or the stack frame).
    fn folded_addr(&self, v: Value, off: i32) -> Option<(Value, i32)> {
        let (base, c) = self.base_offset(v);
        let total = c.checked_add(off as i64)?;
        let fits = if matches!(self.remat_op(base), Some(Op::StackAddr { .. })) {
            i32::try_from(total).is_ok()
        } else {
            i16::try_from(total).is_ok()
        };
        fits.then_some((base, total as i32))
    }

    /// The address `v + off`: stack addresses are `r10`-relative, and
    /// constants added to the base go into the offset (the verifier wants
    /// context fields read as `*(ctx + off)` with the context register itself).
    fn addr(&mut self, v: Value, off: i32) -> Addr {
        let (v, off) = self.folded_addr(v, off).unwrap_or((v, off));
        if let Some(Op::StackAddr { slot, offset }) = self.remat_op(v) {
            if let Some(total) = offset.checked_add(off) {
                return Addr::Frame(FrameRef::Slot(*slot), total);
            }
        }
        let base = self.reg(v);
        if off as i16 as i32 == off {
            return Addr::Reg(base, off);
        }
        // The offset field is 16 bits: add the rest to a copy of the base.
        let t = self.new_vreg();
        self.mov(false, t, Operand::Reg(base));
        self.alu(BPF_ADD, false, t, Operand::Imm(off));
        Addr::Reg(t, 0)
    }

    fn def(&mut self, i: Inst) -> Option<Reg> {
        self.f.insts[i].result.map(|v| Reg::V(self.vreg(v)))
    }

    /// The register of an instruction that always has a result (constants,
    /// arithmetic, loads...: `ir::verify` checks that each has one).
    fn result_reg(&mut self, i: Inst) -> Reg {
        self.def(i)
            .expect("ir::verify: this operation has a result")
    }

    fn select_inst(&mut self, i: Inst) {
        let f = self.f;
        let data = &f.insts[i];
        let op = &data.op;
        if let Some(r) = data.result {
            let unused = self.uses[r] == 0 && !op.has_side_effects();
            if unused || self.remat_op(r).is_some() || self.fused[i] || self.address_only[i] {
                return;
            }
        }
        let result_ty = data.result.map(|r| self.ty(r));
        match op {
            Op::Iconst(_) | Op::StackAddr { .. } | Op::SymbolAddr { .. } => {}
            // Computed once, where it is, as clang's relocated constant (the
            // loads and stores that take it as their offset do not need it).
            Op::CoreValue(r) => {
                let dst = self.result_reg(i);
                let imm = r.value;
                let ld_imm64 = r.kind.uses_ld_imm64() || !fits_i32(imm);
                self.next_core = Some(r.clone());
                if ld_imm64 {
                    self.emit(MInst::LdImm64 {
                        dst,
                        imm,
                        reloc: None,
                    })
                } else {
                    self.mov(false, dst, Operand::Imm(imm as i32))
                }
            }
            Op::Binary(bop, a, b) => self.binary(i, *bop, *a, *b),
            Op::Unary(uop, a) => {
                let dst = self.result_reg(i);
                let w32 = self.ty(*a) == Type::I32;
                if w32 {
                    self.copy_into_for_alu32(dst, *a);
                } else {
                    self.copy_into(dst, *a);
                }
                match uop {
                    UnOp::Neg => self.emit(MInst::Neg { w32, dst }),
                    UnOp::Not => self.alu(BPF_XOR, w32, dst, Operand::Imm(-1)),
                }
            }
            Op::Icmp(cond, a, b) => {
                let dst = self.result_reg(i);
                let dst_w32 = result_ty == Some(Type::I32);
                self.set_cond(dst, dst_w32, *cond, *a, *b);
            }
            Op::Extend {
                value,
                from_bits,
                signed,
            } => {
                let dst = self.result_reg(i);
                let ty = self.ty(*value);
                if ty == Type::I32 && *from_bits < 32 {
                    // The 32-bit and/shift/movsx that follows clears the upper half.
                    self.copy_into_for_alu32(dst, *value);
                } else {
                    self.copy_into(dst, *value);
                }
                self.extend_in_place(dst, ty, *from_bits, *signed);
            }
            Op::Widen { value, signed } => {
                let dst = self.result_reg(i);
                if let Some(c) = self.konst(*value) {
                    let c = if *signed {
                        c as i32 as i64
                    } else {
                        c as u32 as i64
                    };
                    self.const_into(dst, Type::I64, c);
                } else if *signed {
                    let src = self.reg(*value);
                    self.sign_extend_32(dst, Operand::Reg(src));
                } else {
                    // I32 values are zero-extended (once clean).
                    let src = self.clean_reg(*value);
                    self.mov(false, dst, Operand::Reg(src));
                }
            }
            Op::Narrow(v) => {
                let result = f.resolve(data.result.unwrap());
                if self.remat_op(*v).is_none()
                    && self.vregs[result] == u32::MAX
                    && self.surely_scalar(*v)
                {
                    // Share the register; clear the upper half only where read.
                    self.vregs[result] = self.vreg(*v);
                    self.dirty[result] = true;
                    return;
                }
                let dst = self.result_reg(i);
                if let Some(c) = self.konst(*v) {
                    self.const_into(dst, Type::I32, c);
                } else {
                    let src = self.reg(*v);
                    self.emit(MInst::Mov {
                        w32: true,
                        dst,
                        src: Operand::Reg(src),
                        sext: 0,
                        truncates: true,
                    });
                }
            }
            Op::Bswap { value, bits } => {
                let dst = self.result_reg(i);
                if !matches!(bits, 16 | 32 | 64) {
                    self.diags.error(
                        self.span,
                        format!("byte swap of {bits} bits is not supported"),
                    );
                    return;
                }
                self.copy_into(dst, *value);
                self.emit(MInst::Swap {
                    bits: *bits,
                    bswap: self.cpu >= 4,
                    dst,
                });
            }
            Op::Load {
                addr,
                offset,
                width,
                signed,
                ..
            } => {
                let dst = self.result_reg(i);
                let ty = result_ty.unwrap();
                let a = match self.core_field_addr(*addr, *offset) {
                    Some((base, r)) => {
                        let (off, r) = (r.value as i32, Box::new(r.clone()));
                        let a = Addr::Reg(self.reg(base), off);
                        self.next_core = Some(r);
                        a
                    }
                    None => self.addr(*addr, *offset),
                };
                self.load(dst, ty, a, *width, *signed);
            }
            Op::Store {
                addr,
                offset,
                value,
                width,
                ..
            } => {
                let core = self
                    .core_field_addr(*addr, *offset)
                    .filter(|_| self.f.resolve(*value) != self.f.resolve(*addr))
                    .map(|(base, r)| (base, Box::new(r.clone())));
                let a = match &core {
                    Some((base, r)) => Addr::Reg(self.reg(*base), r.value as i32),
                    None => self.addr(*addr, *offset),
                };
                // Store-immediate only to the stack: the verifier refuses BPF_ST
                // into a context, and clang never uses it elsewhere.
                let src = match (a, self.konst(*value)) {
                    (Addr::Frame(..), Some(c)) if *width != MemWidth::B8 || fits_i32(c) => {
                        Operand::Imm(c as i32)
                    }
                    _ if *width == MemWidth::B8 => Operand::Reg(self.clean_reg(*value)),
                    _ => Operand::Reg(self.reg(*value)),
                };
                self.next_core = core.map(|(_, r)| r);
                self.emit(MInst::Store {
                    addr: a,
                    width: *width,
                    src,
                });
            }
            // Resolved by `passes::optimize`; the same answer here otherwise.
            Op::IsConstant(v) => {
                let dst = self.result_reg(i);
                let c = crate::passes::const_fold::is_constant(f, *v);
                self.const_into(dst, Type::I32, c as i64);
            }
            Op::AtomicRmw {
                op,
                addr,
                offset,
                value,
                width,
            } => self.atomic_rmw(i, *op, *addr, *offset, *value, *width),
            Op::AtomicCmpXchg {
                addr,
                offset,
                expected,
                new,
                width,
            } => {
                self.atomic_needs_alu32(
                    *width,
                    "unsupported atomic operation, please use 64 bit version",
                );
                let a = self.addr(*addr, *offset);
                self.copy_into(R0, *expected);
                let src = self.reg(*new);
                self.emit(MInst::Atomic {
                    op: BPF_CMPXCHG,
                    width: *width,
                    addr: a,
                    src,
                });
                self.result_from_r0(i);
            }
            Op::Call { callee, args } => {
                if args.len() > 5 {
                    self.diags.error(
                        self.span,
                        format!(
                            "call with {} arguments; BPF passes at most 5 (r1-r5)",
                            args.len()
                        ),
                    );
                    return;
                }
                for (k, &a) in args.iter().enumerate() {
                    self.copy_into(Reg::P(k as u8 + 1), a);
                }
                let target = match callee {
                    Callee::Helper(n) => CallTarget::Helper(*n as i32),
                    Callee::Func(fid) => CallTarget::Func(*fid),
                    Callee::Kfunc(name) => CallTarget::Kfunc(name.clone()),
                };
                self.emit(MInst::Call {
                    target,
                    nargs: args.len() as u8,
                });
                self.result_from_r0(i);
            }
            Op::InlineAsm(a) => self.inline_asm(i, a, Vec::new()),
            Op::AsmOutput { asm, index } => {
                let from = self
                    .asm_outputs
                    .get(&f.resolve(*asm))
                    .and_then(|outs| outs.get(*index as usize))
                    .copied();
                match (from, self.def(i)) {
                    (Some(from), Some(to)) => {
                        let w32 = self.ty(self.f.insts[i].result.expect("asm_output has a result"))
                            == Type::I32;
                        self.mov(w32, to, Operand::Reg(from));
                    }
                    (None, _) => self.diags.error(
                        self.span,
                        "internal error: an asm output without its asm statement",
                    ),
                    (Some(_), None) => {}
                }
            }
            Op::AsmGoto {
                asm,
                fallthrough,
                labels,
            } => {
                let targets = labels.iter().map(|l| self.edge_target(l)).collect();
                let fall = self.edge_target(fallthrough);
                self.inline_asm(i, asm, targets);
                self.emit(MInst::Jmp { target: fall });
            }
            Op::CallIndirect { .. } => {
                self.diags
                    .error(self.span, "indirect calls are not supported by BPF");
            }
            Op::LoadPacket {
                skb,
                index,
                offset,
                width,
            } => {
                if *width == MemWidth::B8 {
                    self.diags.error(
                        self.span,
                        "packet loads (LD_ABS/LD_IND) read at most 4 bytes",
                    );
                    return;
                }
                self.copy_into(R6, *skb);
                let (index, imm) = match index {
                    None => (None, *offset),
                    Some(ix) if *offset == 0 => (Some(self.clean_reg(*ix)), 0),
                    Some(ix) => {
                        // clang's assembler spells LD_IND without an offset: fold
                        // it into the index (the kernel adds them in 32 bits).
                        let t = self.new_vreg();
                        let w32 = self.ty(*ix) == Type::I32;
                        self.copy_into(t, *ix);
                        self.alu(BPF_ADD, w32, t, Operand::Imm(*offset));
                        (Some(t), 0)
                    }
                };
                self.emit(MInst::LdPacket {
                    width: *width,
                    index,
                    imm,
                });
                self.result_from_r0(i);
            }
            Op::Jump(bc) => {
                let target = self.block_ids[bc.block];
                self.edge_copies(bc);
                self.emit(MInst::Jmp { target });
            }
            Op::Brif {
                cond,
                then_dest,
                else_dest,
            } => {
                let then_t = self.edge_target(then_dest);
                let else_t = self.edge_target(else_dest);
                let cond = f.resolve(*cond);
                if let Some(c) = self.konst(cond) {
                    let w32 = self.ty(cond) == Type::I32;
                    let taken = if w32 { c as i32 != 0 } else { c != 0 };
                    let target = if taken { then_t } else { else_t };
                    self.emit(MInst::Jmp { target });
                    return;
                }
                match f.def_inst(cond) {
                    Some(ci) if self.fused[ci] => match f.insts[ci].op.clone() {
                        Op::Icmp(c, a, b) => {
                            let and = self.fused_and(a).or_else(|| self.fused_and(b));
                            match (c, and) {
                                (Cond::Ne, Some((x, y))) => {
                                    self.branch(Cond::Set, x, y, then_t, else_t)
                                }
                                (Cond::Eq, Some((x, y))) => {
                                    self.branch(Cond::Set, x, y, else_t, then_t)
                                }
                                _ => self.branch(c, a, b, then_t, else_t),
                            }
                        }
                        Op::Binary(BinOp::And, x, y) => {
                            self.branch(Cond::Set, x, y, then_t, else_t)
                        }
                        _ => unreachable!("only comparisons and `&` fuse"),
                    },
                    _ => {
                        let w32 = self.ty(cond) == Type::I32 && self.cpu >= 3;
                        let a = if w32 {
                            self.reg(cond)
                        } else {
                            self.clean_reg(cond)
                        };
                        self.emit(MInst::Jcc {
                            cond: Cond::Ne,
                            w32,
                            a,
                            b: Operand::Imm(0),
                            target: then_t,
                        });
                        self.emit(MInst::Jmp { target: else_t });
                    }
                }
            }
            Op::Return(v) => {
                if let Some(v) = v {
                    self.copy_into(R0, *v);
                }
                self.emit(MInst::Exit {
                    uses_r0: v.is_some(),
                });
            }
            Op::Unreachable => self.emit(MInst::Exit { uses_r0: false }),
            Op::Trap => {
                // clang-19 refuses `__builtin_trap` the same way.
                self.diags
                    .error(self.span, "__builtin_trap is not supported by BPF");
                self.emit(MInst::Exit { uses_r0: false });
            }
        }
    }

    /// Register operands get virtual registers (the output the result's);
    /// `i` operands must have become constants or symbol addresses.
    /// The first register output is the instruction's result; later ones go
    /// to fresh registers that its [`Op::AsmOutput`]s copy (`asm_outputs`).
    /// `labels`: the `asm goto` targets.
    fn inline_asm(&mut self, i: Inst, a: &InlineAsmOp, labels: Vec<MBlock>) {
        let mut operands = Vec::with_capacity(a.operands.len());
        let mut sub_register = Vec::with_capacity(a.operands.len());
        let mut outputs = Vec::new();
        for (k, o) in a.operands.iter().enumerate() {
            let ty = match o.kind {
                AsmArgKind::Output(t) => Some(t),
                AsmArgKind::InOut(v) | AsmArgKind::Reg(v) | AsmArgKind::RegOrImm(v) => {
                    Some(self.ty(v))
                }
                AsmArgKind::Imm(_) => None,
            };
            let w = o.sub_register && self.cpu >= 3;
            sub_register.push(w);
            // `r` operands are whole registers: a 32-bit value goes in
            // zero-extended, and one coming out has its upper half unknown.
            let widen = ty == Some(Type::I32) && !w;
            let first_output = outputs.is_empty();
            let m = match o.kind {
                AsmArgKind::Output(_) => {
                    let r = match first_output.then(|| self.def(i)).flatten() {
                        Some(r) => r,
                        None => self.new_vreg(),
                    };
                    outputs.push(r);
                    MAsmOperand::Out(r)
                }
                AsmArgKind::InOut(v) => {
                    let r = match first_output.then(|| self.def(i)).flatten() {
                        Some(r) => r,
                        None => self.new_vreg(),
                    };
                    outputs.push(r);
                    if widen {
                        self.copy_into_for_alu32(r, v);
                    } else {
                        self.copy_into(r, v);
                    }
                    MAsmOperand::InOut(r)
                }
                AsmArgKind::Reg(v) if widen => MAsmOperand::In(self.clean_reg(v)),
                AsmArgKind::Reg(v) => MAsmOperand::In(self.reg(v)),
                AsmArgKind::RegOrImm(v) => match self.konst(v) {
                    Some(c) if fits_i32(c) => MAsmOperand::Imm(c),
                    _ if widen => MAsmOperand::In(self.clean_reg(v)),
                    _ => MAsmOperand::In(self.reg(v)),
                },
                AsmArgKind::Imm(v) => match (self.konst(v), self.remat_op(v)) {
                    (Some(c), _) => MAsmOperand::Imm(c),
                    (None, Some(Op::SymbolAddr { target, addend: 0 })) => {
                        MAsmOperand::Symbol(match target {
                            SymbolTarget::Data(d) => RelocTarget::Data(*d),
                            SymbolTarget::Func(f) => RelocTarget::Func(*f),
                            SymbolTarget::ExternFunc(n) => RelocTarget::Extern(n.clone()),
                        })
                    }
                    _ => {
                        let which = match &o.name {
                            Some(n) => format!("`{n}`"),
                            None => format!("{k}"),
                        };
                        self.diags.error(
                            self.span,
                            format!(
                                "\"i\" asm operand {which} must be a constant or the address of a global"
                            ),
                        );
                        return;
                    }
                },
            };
            if first_output
                && widen
                && matches!(o.kind, AsmArgKind::Output(_) | AsmArgKind::InOut(_))
            {
                if let Some(r) = self.f.insts[i].result {
                    self.dirty[self.f.resolve(r)] = true;
                }
            }
            operands.push((o.name.clone(), m));
        }
        if outputs.len() > 1 {
            if let Some(r) = self.f.insts[i].result {
                self.asm_outputs.insert(self.f.resolve(r), outputs);
            }
        }
        self.emit(MInst::InlineAsm(Box::new(MAsm {
            template: a.template.clone(),
            pieces: a.pieces.clone(),
            operands,
            sub_register,
            early_clobber: a.operands.iter().map(|o| o.early_clobber).collect(),
            clobbers_caller_saved: a.clobbers_caller_saved,
            clobbered_callee_saved: a.clobbered_callee_saved.clone(),
            labels,
            label_names: a.label_names.clone(),
            encoded: Vec::new(),
            relocs: Vec::new(),
            label_refs: Vec::new(),
        })));
    }

    /// An atomic read-modify-write: with `BPF_FETCH` only when the old
    /// value is used (xchg always fetches).
    fn atomic_rmw(
        &mut self,
        i: Inst,
        op: AtomicOp,
        addr: Value,
        offset: i32,
        value: Value,
        width: MemWidth,
    ) {
        let fetch =
            op == AtomicOp::Xchg || self.f.insts[i].result.is_some_and(|r| self.uses[r] > 0);
        // Without ALU32 (v1, v2), clang's back end has only the 32-bit
        // atomic add without fetch (`XADDW`), and these messages.
        if width == MemWidth::B4 && self.cpu < 3 {
            if op != AtomicOp::Add {
                self.atomic_needs_alu32(
                    width,
                    "unsupported atomic operation, please use 64 bit version",
                );
            } else if fetch {
                self.atomic_needs_alu32(width, "Invalid usage of the XADD return value");
            }
        }
        let code = match op {
            AtomicOp::Add => i32::from(BPF_ADD),
            AtomicOp::And => i32::from(BPF_AND),
            AtomicOp::Or => i32::from(BPF_OR),
            AtomicOp::Xor => i32::from(BPF_XOR),
            AtomicOp::Xchg => BPF_XCHG,
        };
        let a = self.addr(addr, offset);
        if fetch {
            // The old value comes back in the operand's register.
            let dst = self.result_reg(i);
            self.copy_into(dst, value);
            self.emit(MInst::Atomic {
                op: code | BPF_FETCH,
                width,
                addr: a,
                src: dst,
            });
        } else {
            let src = self.reg(value);
            self.emit(MInst::Atomic {
                op: code,
                width,
                addr: a,
                src,
            });
        }
    }

    /// Reports `message` for a 32-bit atomic below v3 (no ALU32).
    fn atomic_needs_alu32(&mut self, width: MemWidth, message: &str) {
        if width == MemWidth::B4 && self.cpu < 3 {
            self.diags.error(self.span, message);
        }
    }

    fn result_from_r0(&mut self, i: Inst) {
        if let Some(r) = self.f.insts[i].result {
            if self.uses[r] > 0 {
                let w32 = self.ty(r) == Type::I32;
                let dst = Reg::V(self.vreg(r));
                self.mov(w32, dst, Operand::Reg(R0));
            }
        }
    }

    fn binary(&mut self, i: Inst, bop: BinOp, a: Value, b: Value) {
        let dst = self.result_reg(i);
        let w32 = self.ty(a) == Type::I32;
        let bits = if w32 { 32 } else { 64 };
        let (code, signed) = match bop {
            BinOp::Add => (BPF_ADD, false),
            BinOp::Sub => (BPF_SUB, false),
            BinOp::Mul => (BPF_MUL, false),
            BinOp::UDiv => (BPF_DIV, false),
            BinOp::URem => (BPF_MOD, false),
            BinOp::SDiv | BinOp::SRem => {
                if self.cpu < 4 {
                    self.diags.error(
                        self.span,
                        "signed division needs -mcpu=v4; convert to unsigned div/mod",
                    );
                    return;
                }
                (if bop == BinOp::SDiv { BPF_DIV } else { BPF_MOD }, true)
            }
            BinOp::And => (BPF_AND, false),
            BinOp::Or => (BPF_OR, false),
            BinOp::Xor => (BPF_XOR, false),
            BinOp::Shl => (BPF_LSH, false),
            BinOp::LShr => (BPF_RSH, false),
            BinOp::AShr => (BPF_ARSH, false),
        };
        let commutative = matches!(
            bop,
            BinOp::Add | BinOp::Mul | BinOp::And | BinOp::Or | BinOp::Xor
        );
        let (a, b) = if commutative && self.konst(a).is_some() && self.konst(b).is_none() {
            (b, a)
        } else {
            (a, b)
        };
        let src = match (bop, self.konst(b)) {
            // The verifier refuses a shift by an immediate of the width or more
            // (undefined in C anyway).
            (BinOp::Shl | BinOp::LShr | BinOp::AShr, Some(c)) => {
                Operand::Imm((c & (bits - 1)) as i32)
            }
            // ... and a division by an immediate zero; by a register zero is defined.
            (BinOp::UDiv | BinOp::URem | BinOp::SDiv | BinOp::SRem, Some(c))
                if (w32 && c as i32 == 0) || c == 0 =>
            {
                Operand::Reg(self.reg(b))
            }
            _ => self.operand(b),
        };
        let identity = match src {
            Operand::Imm(0) => matches!(
                bop,
                BinOp::Add
                    | BinOp::Sub
                    | BinOp::Or
                    | BinOp::Xor
                    | BinOp::Shl
                    | BinOp::LShr
                    | BinOp::AShr
            ),
            Operand::Imm(1) => matches!(bop, BinOp::Mul | BinOp::UDiv | BinOp::SDiv),
            _ => false,
        };
        if identity {
            // `x + 0` and the like: a copy.
            self.copy_into(dst, a);
            return;
        }
        // Unsigned remainder by a power of two is a mask, as clang emits it:
        // the verifier bounds the result of `&`, not of BPF_MOD (an array
        // index `x % 2` must stay in bounds). Division stays BPF_DIV for now:
        // with a shift, testsuite/programs/loop_while.c's Collatz loop keeps
        // bounds the verifier then explores past its 1M-instruction budget
        // (clang's differently shaped loop passes).
        let (code, src) = match (bop, self.konst(b)) {
            (BinOp::URem, Some(c)) => {
                let c = if w32 { c as u32 as u64 } else { c as u64 };
                if c > 1 && c.is_power_of_two() && c - 1 <= i32::MAX as u64 {
                    (BPF_AND, Operand::Imm((c - 1) as i32))
                } else {
                    (code, src)
                }
            }
            _ => (code, src),
        };
        if w32 {
            self.copy_into_for_alu32(dst, a);
        } else {
            self.copy_into(dst, a);
        }
        self.emit(MInst::Alu {
            op: code,
            w32,
            dst,
            src,
            signed,
        });
    }

    /// Sign- or zero-extends the low `from_bits` of `dst` (of type `ty`) in place.
    fn extend_in_place(&mut self, dst: Reg, ty: Type, from_bits: u8, signed: bool) {
        let w32 = ty == Type::I32;
        let bits = ty.bits() as u8;
        if from_bits >= bits {
            return;
        }
        if !signed {
            match from_bits {
                8 => self.alu(BPF_AND, w32, dst, Operand::Imm(0xff)),
                16 => self.alu(BPF_AND, w32, dst, Operand::Imm(0xffff)),
                // A 32-bit move clears the upper half.
                _ => self.emit(MInst::Mov {
                    w32: true,
                    dst,
                    src: Operand::Reg(dst),
                    sext: 0,
                    truncates: true,
                }),
            }
        } else if self.cpu >= 4 {
            self.emit(MInst::Mov {
                w32,
                dst,
                src: Operand::Reg(dst),
                sext: from_bits,
                truncates: true,
            });
        } else {
            let sh = Operand::Imm((bits - from_bits) as i32);
            self.alu(BPF_LSH, w32, dst, sh);
            self.alu(BPF_ARSH, w32, dst, sh);
        }
    }

    /// `dst` (I64) = `src` (I32) sign-extended.
    fn sign_extend_32(&mut self, dst: Reg, src: Operand) {
        if self.cpu >= 4 {
            self.emit(MInst::Mov {
                w32: false,
                dst,
                src,
                sext: 32,
                truncates: true,
            });
        } else {
            self.mov(false, dst, src);
            self.alu(BPF_LSH, false, dst, Operand::Imm(32));
            self.alu(BPF_ARSH, false, dst, Operand::Imm(32));
        }
    }

    fn load(&mut self, dst: Reg, ty: Type, addr: Addr, width: MemWidth, signed: bool) {
        let w32 = ty == Type::I32;
        let from_bits = (width.bytes() * 8) as u8;
        let needs_sign = signed && from_bits < ty.bits() as u8;
        if needs_sign && self.cpu >= 4 {
            self.emit(MInst::Load {
                dst,
                addr,
                width,
                sx: true,
            });
            if w32 {
                // The sign-extending load fills 64 bits: clear the upper half.
                self.emit(MInst::Mov {
                    w32: true,
                    dst,
                    src: Operand::Reg(dst),
                    sext: 0,
                    truncates: true,
                });
            }
            return;
        }
        self.emit(MInst::Load {
            dst,
            addr,
            width,
            sx: false,
        });
        if needs_sign {
            self.extend_in_place(dst, ty, from_bits, true);
        } else if w32 && width == MemWidth::B8 {
            self.emit(MInst::Mov {
                w32: true,
                dst,
                src: Operand::Reg(dst),
                sext: 0,
                truncates: true,
            });
        }
    }

    /// The two operands of a comparison, made ready for a jump: registers
    /// sign-extended where a 64-bit signed compare reads I32 values, and an
    /// immediate only where the jump reads it as the same number.
    /// Returns (jmp32, a, b).
    fn cmp_operands(&mut self, cond: Cond, a: Value, b: Value) -> (bool, Reg, Operand) {
        let ty = self.ty(a);
        let signed = matches!(cond, Cond::Slt | Cond::Sle | Cond::Sgt | Cond::Sge);
        if ty == Type::I64 || self.cpu >= 3 {
            let ra = self.reg(a);
            let ob = self.operand(b);
            return (ty == Type::I32, ra, ob);
        }
        // I32 values compared with 64-bit jumps (v1, v2).
        if signed {
            let ra = self.reg(a);
            let sa = self.new_vreg();
            self.sign_extend_32(sa, Operand::Reg(ra));
            let ob = match self.konst(b) {
                Some(c) => Operand::Imm(c as i32),
                None => {
                    let rb = self.reg(b);
                    let sb = self.new_vreg();
                    self.sign_extend_32(sb, Operand::Reg(rb));
                    Operand::Reg(sb)
                }
            };
            (false, sa, ob)
        } else {
            let ra = self.clean_reg(a);
            // The jump sign-extends its immediate; the register is zero-extended.
            let ob = match self.konst(b) {
                Some(c) if (c as i32) >= 0 || cond == Cond::Set => Operand::Imm(c as i32),
                _ => Operand::Reg(self.clean_reg(b)),
            };
            (false, ra, ob)
        }
    }

    fn branch(&mut self, cond: Cond, a: Value, b: Value, then_t: MBlock, else_t: MBlock) {
        // A constant goes second.
        let (cond, a, b) = if self.konst(a).is_some() && self.konst(b).is_none() {
            (cond.swapped(), b, a)
        } else {
            (cond, a, b)
        };
        let (w32, ra, ob) = self.cmp_operands(cond, a, b);
        let (cond, ra, ob, then_t, else_t) = if cond_is_native(cond, self.cpu) {
            (cond, ra, ob, then_t, else_t)
        } else {
            match ob {
                Operand::Reg(rb) => (cond.swapped(), rb, Operand::Reg(ra), then_t, else_t),
                // `a < K`: branch on `a >= K` to the other side.
                Operand::Imm(_) => (cond.inverse().unwrap(), ra, ob, else_t, then_t),
            }
        };
        self.emit(MInst::Jcc {
            cond,
            w32,
            a: ra,
            b: ob,
            target: then_t,
        });
        self.emit(MInst::Jmp { target: else_t });
    }

    fn set_cond(&mut self, dst: Reg, dst_w32: bool, cond: Cond, a: Value, b: Value) {
        let (cond, a, b) = if self.konst(a).is_some() && self.konst(b).is_none() {
            (cond.swapped(), b, a)
        } else {
            (cond, a, b)
        };
        let (w32, mut ra, mut ob) = self.cmp_operands(cond, a, b);
        let mut cond = cond;
        if !cond_is_native(cond, self.cpu) {
            let rb = match ob {
                Operand::Reg(r) => r,
                Operand::Imm(k) => {
                    let t = self.new_vreg();
                    self.mov(w32, t, Operand::Imm(k));
                    t
                }
            };
            ob = Operand::Reg(ra);
            ra = rb;
            cond = cond.swapped();
        }
        self.mov(dst_w32, dst, Operand::Imm(1));
        self.emit(MInst::SetCond {
            dst,
            dst_w32,
            cond,
            cmp_w32: w32,
            a: ra,
            b: ob,
        });
    }

    /// The block a branch goes to for `bc`: the target itself, or a new block
    /// holding the copies into its parameters.
    fn edge_target(&mut self, bc: &BlockCall) -> MBlock {
        let target = self.block_ids[bc.block];
        if bc.args.is_empty() {
            return target;
        }
        let edge = self.m.blocks.len() as MBlock;
        self.m.blocks.push(Vec::new());
        self.m.order.push(edge);
        let saved = self.cur;
        self.cur = edge;
        self.edge_copies(bc);
        self.emit(MInst::Jmp { target });
        self.cur = saved;
        // Laid out right after the current block (pushed to `order` before it).
        edge
    }

    /// Copies the arguments of `bc` into the target's parameters, as a
    /// parallel copy.
    fn edge_copies(&mut self, bc: &BlockCall) {
        let f = self.f;
        let params = &f.blocks[bc.block].params;
        let mut moves: Vec<(Value, Value)> = Vec::new();
        for (&p, &a) in params.iter().zip(&bc.args) {
            let a = f.resolve(a);
            if self.uses[p] == 0 || a == p {
                continue;
            }
            moves.push((p, a));
        }
        // Reading a parameter that this copy also writes needs temporaries.
        let conflict = moves
            .iter()
            .any(|&(_, a)| moves.iter().any(|&(p, _)| p == a));
        if conflict {
            let mut temps = Vec::new();
            for &(p, a) in &moves {
                let t = self.new_vreg();
                self.copy_into(t, a);
                temps.push((p, t));
            }
            for (p, t) in temps {
                let w32 = self.ty(p) == Type::I32;
                let dst = Reg::V(self.vreg(p));
                self.mov(w32, dst, Operand::Reg(t));
            }
        } else {
            for (p, a) in moves {
                let dst = Reg::V(self.vreg(p));
                self.copy_into(dst, a);
            }
        }
    }
}
