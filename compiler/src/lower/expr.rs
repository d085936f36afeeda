//! Lowering expressions: scalar values (`rvalue`), addresses of lvalues and
//! aggregates (`lvalue`), side effects only (`effect`), and conditions as
//! branches (`cond_branch`, short-circuiting `&&`, `||` and `!`).

use super::function::{inlined_at_call, param_passing, FnLower, Passing};
use super::memory::{Addr, Base};
use super::{scalar_of, Scalar};
use crate::ir::{self, BinOp as IrBin, Block, Cond, Op, SymbolTarget, Type, UnOp as IrUn, Value};
use crate::sema::tir::{
    AtomicRmwOp, BinOp, Builtin, Callee, CompoundOp, Expr, ExprKind, SymbolRef, UnOp,
};
use crate::sema::types::{BitField, QualType, TypeId, TypeKind};

/// A scalar lvalue: where it is and how it is accessed.
#[derive(Copy, Clone)]
pub(super) struct Place {
    addr: Addr,
    bitfield: Option<BitField>,
    pub(super) s: Scalar,
    volatile: bool,
}

impl FnLower<'_, '_, '_> {
    /// The IR form of a scalar type; reports and assumes `long` for others.
    fn scalar(&mut self, e: &Expr) -> Scalar {
        match scalar_of(self.program(), e.ty.ty) {
            Some(s) => s,
            None => {
                let what = match self.program().types.int_kind(e.ty.ty) {
                    Some(_) => "128-bit integers are not supported on BPF",
                    None => "a value of this type cannot be computed on BPF",
                };
                self.diags.error(e.span, what);
                Scalar::LONG
            }
        }
    }

    fn is_void(&self, ty: TypeId) -> bool {
        matches!(self.program().types.ckind(ty), TypeKind::Void)
    }

    fn is_volatile(&self, qt: QualType) -> bool {
        self.program().types.canonical_qual(qt).quals.is_volatile
    }

    /// A dummy address for expressions already reported as errors.
    fn error_addr(&mut self) -> Addr {
        let slot = self.b.create_slot(8, 8, None, Default::default());
        Addr::new(Base::Slot(slot), 8)
    }

    /// Converts a value between scalar types (C's conversion rules).
    pub fn coerce(&mut self, v: Value, from: Scalar, to: Scalar) -> Value {
        if to.is_bool {
            if from.is_bool {
                return v;
            }
            let zero = self.b.iconst(from.ty, 0);
            return self.b.icmp(Cond::Ne, v, zero, Type::I32);
        }
        let v = match (from.ty, to.ty) {
            (Type::I32, Type::I64) => self.b.ins_value(
                Op::Widen {
                    value: v,
                    signed: from.signed && !from.is_bool,
                },
                Type::I64,
            ),
            (Type::I64, Type::I32) => self.b.ins_value(Op::Narrow(v), Type::I32),
            _ => v,
        };
        if to.ty == Type::I32 && to.size < 4 && !(from.ty == Type::I32 && from.fits_in(to)) {
            self.extend(v, to)
        } else {
            v
        }
    }

    /// Brings the result of 32-bit arithmetic back into the range of a narrow type.
    fn fix_narrow(&mut self, v: Value, s: Scalar) -> Value {
        if s.is_bool {
            let zero = self.b.iconst(s.ty, 0);
            self.b.icmp(Cond::Ne, v, zero, Type::I32)
        } else if s.ty == Type::I32 && s.size < 4 {
            self.extend(v, s)
        } else {
            v
        }
    }

    fn extend(&mut self, v: Value, s: Scalar) -> Value {
        self.b.ins_value(
            Op::Extend {
                value: v,
                from_bits: (s.size * 8) as u8,
                signed: s.signed,
            },
            Type::I32,
        )
    }

    /// Evaluates `e` for its side effects only.
    pub fn effect(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Cast(x) if self.is_void(e.ty.ty) => self.effect(x),
            ExprKind::Comma(a, b) => {
                self.effect(a);
                self.effect(b)
            }
            ExprKind::Cond { cond, then, els }
                if self.is_void(e.ty.ty) || scalar_of(self.program(), e.ty.ty).is_none() =>
            {
                let t = self.b.create_block();
                let f = self.b.create_block();
                let join = self.b.create_block();
                self.cond_branch(cond, t, f);
                self.switch_to(t);
                self.effect(then);
                self.b.jump(join, vec![]);
                self.switch_to(f);
                self.effect(els);
                self.switch_to(join);
            }
            ExprKind::Call { .. } => {
                self.call(e);
            }
            ExprKind::Builtin(..) => {
                self.builtin(e);
            }
            ExprKind::StmtExpr { body, result } => {
                self.stmt_list(body);
                if let Some(r) = result {
                    self.effect(r)
                }
            }
            ExprKind::Const(_) | ExprKind::Func(_) => {}
            ExprKind::IncDec { lhs, delta, .. } => {
                // The old value is not needed: behave as a pre-increment.
                self.inc_dec(lhs, *delta, true);
            }
            _ if self.is_void(e.ty.ty) => {
                self.diags
                    .error(e.span, "this void expression cannot be lowered");
            }
            _ if scalar_of(self.program(), e.ty.ty).is_none()
                && self.program().types.int_kind(e.ty.ty).is_none() =>
            {
                self.lvalue(e);
            }
            _ => {
                self.rvalue(e);
            }
        }
    }

    /// The value of a scalar expression.
    pub fn rvalue(&mut self, e: &Expr) -> Value {
        match &e.kind {
            ExprKind::Const(c) => {
                let s = self.scalar(e);
                self.b.iconst(s.ty, *c)
            }
            ExprKind::CoreValue(r) => {
                let s = self.scalar(e);
                self.b.ins_value(Op::CoreValue(r.clone()), s.ty)
            }
            ExprKind::Local(_)
            | ExprKind::Global(_)
            | ExprKind::Deref(_)
            | ExprKind::Member { .. } => {
                // An lvalue where a value is wanted: read it.
                let p = self.place(e);
                self.read(p)
            }
            ExprKind::Load(lv) => {
                let p = self.place(lv);
                self.read(p)
            }
            ExprKind::AddrOf(lv) => match &lv.kind {
                ExprKind::Func(_) => self.rvalue(lv),
                _ => {
                    let a = self.lvalue(lv);
                    self.materialize(a)
                }
            },
            ExprKind::Func(f) => match self.cx.symbol_target(SymbolRef::Func(*f)) {
                // An extern function's address is a relocation against its
                // undefined symbol, as clang emits it for `bpf_ksym_exists`.
                Some(target) => self
                    .b
                    .ins_value(Op::SymbolAddr { target, addend: 0 }, Type::I64),
                None => {
                    let why = if self.program().functions[*f].helper_id.is_some() {
                        "the address of a BPF helper declared with `kernel_helper` cannot be taken"
                    } else {
                        "the address of this function cannot be taken: it has no symbol in the object"
                    };
                    self.diags.error(e.span, why);
                    self.b.iconst(Type::I64, 0)
                }
            },
            ExprKind::Cast(x) => {
                let to = self.scalar(e);
                let from = self.scalar(x);
                let v = self.rvalue(x);
                self.coerce(v, from, to)
            }
            ExprKind::Unary(op, x) => {
                let s = self.scalar(e);
                let xs = self.scalar(x);
                let v = self.rvalue(x);
                match op {
                    UnOp::Neg => {
                        let r = self.b.ins_value(Op::Unary(IrUn::Neg, v), xs.ty);
                        let r = self.coerce(r, Scalar { size: 8, ..xs }, s);
                        self.fix_narrow(r, s)
                    }
                    UnOp::BitNot => {
                        let r = self.b.ins_value(Op::Unary(IrUn::Not, v), xs.ty);
                        let r = self.coerce(r, Scalar { size: 8, ..xs }, s);
                        self.fix_narrow(r, s)
                    }
                    UnOp::LogNot => {
                        let zero = self.b.iconst(xs.ty, 0);
                        let r = self.b.icmp(Cond::Eq, v, zero, Type::I32);
                        self.coerce(r, Scalar::INT, s)
                    }
                }
            }
            ExprKind::Binary(op, a, b) => self.binary(e, *op, a, b),
            ExprKind::PtrAdd { ptr, index, scale } => {
                let p = self.rvalue(ptr);
                let p = self.as_i64(p, ptr);
                self.ptr_offset(p, index, *scale, false)
            }
            ExprKind::PtrDiff { lhs, rhs, scale } => {
                let a = self.rvalue(lhs);
                let a = self.as_i64(a, lhs);
                let b = self.rvalue(rhs);
                let b = self.as_i64(b, rhs);
                let d = self.b.binary(IrBin::Sub, a, b);
                let r = self.exact_div(d, *scale);
                let s = self.scalar(e);
                self.coerce(r, Scalar::LONG, s)
            }
            ExprKind::LogAnd(..) | ExprKind::LogOr(..) => {
                let s = self.scalar(e);
                let t = self.b.create_block();
                let f = self.b.create_block();
                let join = self.b.create_block();
                let r = self.b.append_block_param(join, s.ty);
                self.cond_branch(e, t, f);
                self.switch_to(t);
                let one = self.b.iconst(s.ty, 1);
                self.b.jump(join, vec![one]);
                self.switch_to(f);
                let zero = self.b.iconst(s.ty, 0);
                self.b.jump(join, vec![zero]);
                self.switch_to(join);
                r
            }
            ExprKind::Cond { cond, then, els } => {
                let s = self.scalar(e);
                let t = self.b.create_block();
                let f = self.b.create_block();
                let join = self.b.create_block();
                let r = self.b.append_block_param(join, s.ty);
                self.cond_branch(cond, t, f);
                self.switch_to(t);
                let v = self.rvalue(then);
                let v = self.coerce_expr(v, then, s);
                self.b.jump(join, vec![v]);
                self.switch_to(f);
                let v = self.rvalue(els);
                let v = self.coerce_expr(v, els, s);
                self.b.jump(join, vec![v]);
                self.switch_to(join);
                r
            }
            ExprKind::Comma(a, b) => {
                self.effect(a);
                self.rvalue(b)
            }
            ExprKind::Assign { lhs, rhs } => {
                // clang evaluates the right side first for scalars.
                let v = self.rvalue(rhs);
                let p = self.place(lhs);
                let v = self.coerce_expr(v, rhs, p.s);
                self.write(p, v)
            }
            ExprKind::CompoundAssign { op, lhs, rhs } => self.compound_assign(*op, lhs, rhs),
            ExprKind::IncDec { lhs, delta, pre } => self.inc_dec(lhs, *delta, *pre),
            ExprKind::Call { .. } => match self.call(e) {
                Some(v) => v,
                None => {
                    let s = self.scalar(e);
                    self.b.iconst(s.ty, 0)
                }
            },
            ExprKind::StmtExpr { body, result } => {
                self.stmt_list(body);
                match result {
                    Some(r) => self.rvalue(r),
                    None => {
                        self.diags
                            .error(e.span, "statement expression has no value");
                        self.b.iconst(Type::I64, 0)
                    }
                }
            }
            ExprKind::Builtin(..) => match self.builtin(e) {
                Some(v) => v,
                None => {
                    let s = self.scalar(e);
                    self.b.iconst(s.ty, 0)
                }
            },
        }
    }

    /// Converts `v` (the value of `e`) to `to` when sema left the types apart.
    fn coerce_expr(&mut self, v: Value, e: &Expr, to: Scalar) -> Value {
        match scalar_of(self.program(), e.ty.ty) {
            Some(from) if from != to => self.coerce(v, from, to),
            _ => v,
        }
    }

    pub(super) fn as_i64(&mut self, v: Value, e: &Expr) -> Value {
        self.coerce_expr(v, e, Scalar::LONG)
    }

    /// `ptr + index * scale` (`- index * scale` when `negate`).
    fn ptr_offset(&mut self, p: Value, index: &Expr, scale: u64, negate: bool) -> Value {
        if let ExprKind::Const(c) = index.kind {
            let off = c.wrapping_mul(scale as i64);
            let off = if negate { off.wrapping_neg() } else { off };
            if off == 0 {
                return p;
            }
            let k = self.b.iconst(Type::I64, off);
            return self.b.binary(IrBin::Add, p, k);
        }
        let i = self.rvalue(index);
        let i = self.as_i64(i, index);
        let scaled = self.scale(i, scale);
        self.b
            .binary(if negate { IrBin::Sub } else { IrBin::Add }, p, scaled)
    }

    /// `v * scale`, as a shift when `scale` is a power of two.
    fn scale(&mut self, v: Value, scale: u64) -> Value {
        if scale == 1 {
            return v;
        }
        let ty = self.b.func.value_type(v);
        if scale.is_power_of_two() {
            let k = self.b.iconst(ty, scale.trailing_zeros() as i64);
            self.b.binary(IrBin::Shl, v, k)
        } else {
            let k = self.b.iconst(ty, scale as i64);
            self.b.binary(IrBin::Mul, v, k)
        }
    }

    /// `d / scale` where `d` is known to be a multiple of `scale` (a pointer
    /// difference): an arithmetic shift, then a multiplication by the inverse
    /// of the odd part modulo 2^64 (no signed division, which BPF lacks
    /// before v4).
    fn exact_div(&mut self, d: Value, scale: u64) -> Value {
        if scale <= 1 {
            return d;
        }
        let tz = scale.trailing_zeros();
        let mut v = d;
        if tz > 0 {
            let k = self.b.iconst(Type::I64, tz as i64);
            v = self.b.binary(IrBin::AShr, v, k);
        }
        let odd = scale >> tz;
        if odd > 1 {
            // Newton's iteration: each step doubles the number of correct bits.
            let mut inv = odd;
            for _ in 0..6 {
                inv = inv.wrapping_mul(2u64.wrapping_sub(odd.wrapping_mul(inv)));
            }
            let k = self.b.iconst(Type::I64, inv as i64);
            v = self.b.binary(IrBin::Mul, v, k);
        }
        v
    }

    fn binary(&mut self, e: &Expr, op: BinOp, a: &Expr, b: &Expr) -> Value {
        let s = self.scalar(e);
        let sa = self.scalar(a);
        let sb = self.scalar(b);
        let va = self.rvalue(a);
        let vb = self.rvalue(b);
        match op {
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let vb = if sb.ty != sa.ty {
                    self.coerce(vb, sb, sa)
                } else {
                    vb
                };
                let c = compare_cond(op, sa.signed);
                let r = self.b.icmp(c, va, vb, Type::I32);
                self.coerce(r, Scalar::INT, s)
            }
            _ => {
                let r = self.arith(op, va, sa, vb, sb);
                let r = self.coerce(r, Scalar { size: 8, ..sa }, s);
                self.fix_narrow(r, s)
            }
        }
    }

    /// `a op b` in the IR type of `a` (the operation's type); shift counts are
    /// converted to it.
    fn arith(&mut self, op: BinOp, va: Value, sa: Scalar, vb: Value, sb: Scalar) -> Value {
        let vb = if sb.ty != sa.ty {
            let from = Scalar {
                signed: sb.signed && !matches!(op, BinOp::Shl | BinOp::Shr),
                ..sb
            };
            self.coerce(vb, from, Scalar { size: 8, ..sa })
        } else {
            vb
        };
        let ir_op = match op {
            BinOp::Add => IrBin::Add,
            BinOp::Sub => IrBin::Sub,
            BinOp::Mul => IrBin::Mul,
            BinOp::Div if sa.signed => IrBin::SDiv,
            BinOp::Div => IrBin::UDiv,
            BinOp::Rem if sa.signed => IrBin::SRem,
            BinOp::Rem => IrBin::URem,
            BinOp::Shl => IrBin::Shl,
            BinOp::Shr if sa.signed => IrBin::AShr,
            BinOp::Shr => IrBin::LShr,
            BinOp::And => IrBin::And,
            BinOp::Or => IrBin::Or,
            BinOp::Xor => IrBin::Xor,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let c = compare_cond(op, sa.signed);
                let r = self.b.icmp(c, va, vb, Type::I32);
                return self.coerce(r, Scalar::INT, Scalar { size: 8, ..sa });
            }
        };
        self.b.binary(ir_op, va, vb)
    }

    /// Branches to `t` when `e` is nonzero, else to `f`; `&&`, `||` and `!`
    /// become control flow, comparisons feed the branch directly.
    pub fn cond_branch(&mut self, e: &Expr, t: Block, f: Block) {
        match &e.kind {
            ExprKind::Const(c) => {
                let (target, _) = if *c != 0 { (t, f) } else { (f, t) };
                self.b.jump(target, vec![]);
            }
            ExprKind::Unary(UnOp::LogNot, x) => self.cond_branch(x, f, t),
            ExprKind::LogAnd(a, b) => {
                let mid = self.b.create_block();
                self.cond_branch(a, mid, f);
                self.switch_to(mid);
                self.cond_branch(b, t, f);
            }
            ExprKind::LogOr(a, b) => {
                let mid = self.b.create_block();
                self.cond_branch(a, t, mid);
                self.switch_to(mid);
                self.cond_branch(b, t, f);
            }
            ExprKind::Comma(a, b) => {
                self.effect(a);
                self.cond_branch(b, t, f);
            }
            ExprKind::Cast(x)
                if matches!(
                    (scalar_of(self.program(), x.ty.ty), scalar_of(self.program(), e.ty.ty)),
                    (Some(from), Some(to)) if to.is_bool || from.size <= to.size
                ) =>
            {
                // Conversions that keep zero and nonzero apart.
                self.cond_branch(x, t, f)
            }
            _ => {
                if scalar_of(self.program(), e.ty.ty).is_none() {
                    self.scalar(e);
                    self.b.jump(f, vec![]);
                    return;
                }
                let v = self.rvalue(e);
                self.b.brif(v, t, f);
            }
        }
    }

    /// The place of a scalar lvalue (a bitfield member included).
    pub(super) fn place(&mut self, e: &Expr) -> Place {
        let s = self.scalar(e);
        let volatile = self.is_volatile(e.ty);
        match &e.kind {
            ExprKind::Member {
                base,
                offset,
                bitfield: Some(bf),
            } => {
                let addr = self.lvalue(base).at(*offset as i64);
                if bf.width == 0 || bf.bit_offset + bf.width > (s.size * 8) as u32 {
                    self.diags.error(
                        e.span,
                        "a bitfield that does not fit in its storage unit is not supported",
                    );
                }
                let bf = if bf.bit_offset + bf.width > s.ty.bits() || bf.width == 0 {
                    BitField {
                        bit_offset: 0,
                        width: 1,
                    }
                } else {
                    *bf
                };
                Place {
                    addr,
                    bitfield: Some(bf),
                    s,
                    volatile: volatile || self.is_volatile(base.ty),
                }
            }
            _ => {
                let addr = self.lvalue(e);
                Place {
                    addr,
                    bitfield: None,
                    s,
                    volatile,
                }
            }
        }
    }

    pub(super) fn read(&mut self, p: Place) -> Value {
        match p.bitfield {
            Some(bf) => self.load_bitfield(p.addr, p.s, bf, p.volatile),
            None => self.load_scalar(p.addr, p.s, p.volatile),
        }
    }

    /// Stores `v`; returns the value the lvalue now holds.
    pub(super) fn write(&mut self, p: Place, v: Value) -> Value {
        match p.bitfield {
            Some(bf) => self.store_bitfield(p.addr, v, p.s, bf, p.volatile),
            None => {
                self.store_scalar(p.addr, v, p.s, p.volatile);
                v
            }
        }
    }

    fn compound_assign(&mut self, op: CompoundOp, lhs: &Expr, rhs: &Expr) -> Value {
        // clang evaluates the right side first, then the left side's address once.
        match op {
            CompoundOp::Arith { op, op_ty } => {
                let sr = self.scalar(rhs);
                let r = self.rvalue(rhs);
                let p = self.place(lhs);
                let sop = scalar_of(self.program(), op_ty).unwrap_or(p.s);
                let old = self.read(p);
                let a = self.coerce(old, p.s, sop);
                let res = self.arith(op, a, sop, r, sr);
                let new = self.coerce(res, Scalar { size: 8, ..sop }, p.s);
                self.write(p, new)
            }
            CompoundOp::PtrAdd { scale, negate } => {
                let sr = self.scalar(rhs);
                let r = self.rvalue(rhs);
                let r = self.coerce(r, sr, Scalar::LONG);
                let p = self.place(lhs);
                let old = self.read(p);
                let scaled = self.scale(r, scale);
                let new = self
                    .b
                    .binary(if negate { IrBin::Sub } else { IrBin::Add }, old, scaled);
                self.write(p, new)
            }
        }
    }

    fn inc_dec(&mut self, lhs: &Expr, delta: i64, pre: bool) -> Value {
        let p = self.place(lhs);
        let old = self.read(p);
        let d = self.b.iconst(p.s.ty, delta);
        let sum = self.b.binary(IrBin::Add, old, d);
        let new = self.fix_narrow(sum, p.s);
        let stored = self.write(p, new);
        if pre {
            stored
        } else {
            old
        }
    }

    /// The address of an lvalue, or of the object an aggregate expression denotes.
    pub fn lvalue(&mut self, e: &Expr) -> Addr {
        match &e.kind {
            ExprKind::Local(l) => self.local_addr(*l),
            ExprKind::Global(g) => {
                let Some(d) = self.cx.data_ids[*g] else {
                    self.diags
                        .error(e.span, "reference to a global that is not emitted");
                    return self.error_addr();
                };
                let g = &self.program().globals[*g];
                let align = if g.align > 0 {
                    g.align
                } else {
                    self.program().types.align_of(g.ty.ty)
                };
                let v = self.b.ins_value(
                    Op::SymbolAddr {
                        target: SymbolTarget::Data(d),
                        addend: 0,
                    },
                    Type::I64,
                );
                Addr::new(Base::Value(v), align)
            }
            ExprKind::Deref(p) => {
                let a = self.pointer_addr(p, false);
                // The lvalue's own type says how aligned it is (a cast pointer).
                let align = self.program().types.align_of(e.ty.ty);
                match p.kind {
                    ExprKind::AddrOf(_) => a,
                    _ => Addr { align, ..a },
                }
            }
            ExprKind::Member { base, offset, .. } => self.lvalue(base).at(*offset as i64),
            ExprKind::Load(x) => self.lvalue(x),
            ExprKind::Comma(a, b) => {
                self.effect(a);
                self.lvalue(b)
            }
            ExprKind::Cond { cond, then, els } => {
                let align = self.program().types.align_of(e.ty.ty);
                let t = self.b.create_block();
                let f = self.b.create_block();
                let join = self.b.create_block();
                let r = self.b.append_block_param(join, Type::I64);
                self.cond_branch(cond, t, f);
                self.switch_to(t);
                let a = self.lvalue(then);
                let v = self.materialize(a);
                self.b.jump(join, vec![v]);
                self.switch_to(f);
                let a = self.lvalue(els);
                let v = self.materialize(a);
                self.b.jump(join, vec![v]);
                self.switch_to(join);
                Addr::new(Base::Value(r), align)
            }
            ExprKind::Assign { lhs, rhs } => {
                let dst = self.lvalue(lhs);
                let src = self.lvalue(rhs);
                let size = self.program().types.size_of(e.ty.ty).unwrap_or(0);
                let volatile = self.is_volatile(lhs.ty) || self.is_volatile(rhs.ty);
                self.copy_bytes(dst, src, size, volatile);
                dst
            }
            ExprKind::StmtExpr {
                body,
                result: Some(r),
            } => {
                self.stmt_list(body);
                self.lvalue(r)
            }
            ExprKind::Call {
                callee: Callee::Direct(f),
                args,
            } if !self.inlining.contains(f) && inlined_at_call(self.program(), *f, args.len()) => {
                // An inlined callee returns the object into a temporary.
                let types = &self.program().types;
                let size = types.size_of(e.ty.ty).unwrap_or(0).max(1);
                let align = types.align_of(e.ty.ty);
                let slot = self.b.create_slot(size as u32, align as u32, None, e.span);
                let addr = Addr::new(Base::Slot(slot), align);
                self.call_into(e, Some(addr));
                addr
            }
            ExprKind::Call { .. } => {
                self.diags.error(
                    e.span,
                    "calls returning a struct or union by value are not supported on BPF",
                );
                self.error_addr()
            }
            _ => {
                self.diags
                    .error(e.span, "this expression does not designate an object");
                self.error_addr()
            }
        }
    }

    /// The address a pointer expression holds, with constant offsets kept
    /// out of the pointer value so that accesses are `base + offset` (the
    /// verifier accepts context fields only in that form). `&object` is the
    /// object's own address. The alignment is that of the pointee type, or
    /// with `look_through_casts` (memcpy/memset arguments, as clang does) the
    /// best one known before pointer casts.
    fn pointer_addr(&mut self, e: &Expr, look_through_casts: bool) -> Addr {
        let types = &self.program().types;
        match &e.kind {
            ExprKind::AddrOf(lv) if !matches!(lv.kind, ExprKind::Func(_)) => self.lvalue(lv),
            ExprKind::PtrAdd { ptr, index, scale } if matches!(index.kind, ExprKind::Const(_)) => {
                let ExprKind::Const(c) = index.kind else {
                    unreachable!()
                };
                let a = self.pointer_addr(ptr, look_through_casts);
                a.at(c.wrapping_mul(*scale as i64))
            }
            ExprKind::Cast(x) if types.is_pointer(x.ty.ty) && types.is_pointer(e.ty.ty) => {
                let a = self.pointer_addr(x, look_through_casts);
                if look_through_casts {
                    a
                } else {
                    Addr {
                        align: self.pointee_align(e.ty.ty),
                        ..a
                    }
                }
            }
            _ => {
                let v = self.rvalue(e);
                let v = self.as_i64(v, e);
                let align = self.pointee_align(e.ty.ty);
                Addr::new(Base::Value(v), align)
            }
        }
    }

    fn pointee_align(&self, ptr_ty: TypeId) -> u64 {
        let types = &self.program().types;
        match types.ckind(ptr_ty) {
            TypeKind::Pointer { pointee, .. } => types.align_of(pointee.ty),
            _ => 1,
        }
    }

    /// Lowers a call; the result (`None` for void or an error).
    fn call(&mut self, e: &Expr) -> Option<Value> {
        self.call_into(e, None)
    }

    /// Lowers a call; an inlined callee returning a struct or union writes it
    /// to `result_slot`.
    fn call_into(&mut self, e: &Expr, result_slot: Option<Addr>) -> Option<Value> {
        let ExprKind::Call { callee, args } = &e.kind else {
            unreachable!()
        };
        let indirect = match callee {
            Callee::Indirect(c) => {
                let v = self.rvalue(c);
                Some(self.as_i64(v, c))
            }
            _ => None,
        };
        let inline = match callee {
            Callee::Direct(f) if !self.inlining.contains(f) => {
                inlined_at_call(self.program(), *f, args.len()).then_some(*f)
            }
            _ => None,
        };
        let mut groups: Vec<Vec<Value>> = Vec::with_capacity(args.len());
        let mut passings = Vec::with_capacity(args.len());
        for a in args {
            let pass = param_passing(self.program(), a.ty.ty);
            let vals = match pass {
                Some(Passing::Scalar(_)) => vec![self.rvalue(a)],
                Some(Passing::Chunks { size }) => {
                    let src = self.lvalue(a);
                    (0..size)
                        .step_by(8)
                        .map(|off| self.load_chunk(src.at(off as i64), (size - off).min(8)))
                        .collect()
                }
                Some(Passing::ByReference { .. }) if inline.is_some() => {
                    // The inlined callee copies the object into its parameter.
                    let src = self.lvalue(a);
                    vec![self.materialize(src)]
                }
                Some(Passing::ByReference { .. }) => {
                    // clang: "pass by value not supported".
                    self.diags.error(
                        a.span,
                        "passing a struct or union larger than 16 bytes by value is not supported on BPF",
                    );
                    self.effect(a);
                    vec![]
                }
                None => {
                    self.diags
                        .error(a.span, "passing a 128-bit integer is not supported on BPF");
                    self.effect(a);
                    vec![]
                }
            };
            groups.push(vals);
            passings.push(pass.unwrap_or(Passing::Scalar(Scalar::LONG)));
        }
        if let Some(f) = inline {
            if groups
                .iter()
                .zip(&passings)
                .all(|(g, p)| g.len() == p.registers().len())
            {
                self.inlining.push(f);
                let r = self.inline_call(
                    &self.program().functions[f],
                    &passings,
                    &groups,
                    result_slot,
                );
                self.inlining.pop();
                return r;
            }
        }
        let mut vals: Vec<Value> = groups.into_iter().flatten().collect();
        if vals.len() > 5 {
            self.diags.error(
                e.span,
                format!(
                    "this call passes {} registers of arguments; BPF passes at most 5",
                    vals.len()
                ),
            );
            vals.truncate(5);
        }
        let ret = if self.is_void(e.ty.ty) {
            None
        } else {
            Some(self.scalar(e).ty)
        };
        let mut noreturn = false;
        let op = match (callee, indirect) {
            (_, Some(c)) => Op::CallIndirect {
                callee: c,
                args: vals,
            },
            (Callee::Helper(n), _) => Op::Call {
                callee: ir::Callee::Helper(*n),
                args: vals,
            },
            (Callee::Direct(f), _) => {
                let func = &self.program().functions[*f];
                noreturn = func.attrs.noreturn;
                let callee = match (self.cx.func_ids[*f], func.helper_id) {
                    (Some(id), _) => ir::Callee::Func(id),
                    (None, Some(n)) => ir::Callee::Helper(n),
                    (None, None) if func.body.is_some() => {
                        // Only inlined functions have a body and no IR function.
                        self.diags.error(
                            e.span,
                            "a recursive call of an always_inline function cannot be inlined",
                        );
                        ir::Callee::Helper(0)
                    }
                    (None, None) => ir::Callee::Kfunc(self.cx.extern_function(*f)),
                };
                Op::Call { callee, args: vals }
            }
            (Callee::Indirect(_), None) => unreachable!(),
        };
        let r = self.b.ins(op, ret);
        if noreturn {
            self.b.ins(Op::Unreachable, None);
            self.after_terminator();
        }
        r
    }

    fn builtin(&mut self, e: &Expr) -> Option<Value> {
        let ExprKind::Builtin(kind, args) = &e.kind else {
            unreachable!()
        };
        match *kind {
            Builtin::LoadPacket { width } => {
                let s = self.scalar(e);
                let skb = self.rvalue(&args[0]);
                let skb = self.as_i64(skb, &args[0]);
                let (index, offset) = match args[1].kind {
                    ExprKind::Const(c) if i32::try_from(c).is_ok() => (None, c as i32),
                    _ => (Some(self.rvalue(&args[1])), 0),
                };
                let width = ir::MemWidth::from_bytes(width as u64).unwrap_or(ir::MemWidth::B4);
                Some(self.b.ins_value(
                    Op::LoadPacket {
                        skb,
                        index,
                        offset,
                        width,
                    },
                    s.ty,
                ))
            }
            Builtin::Bswap { bits } => {
                let s = self.scalar(e);
                let sx = self.scalar(&args[0]);
                let v = self.rvalue(&args[0]);
                let ty = if bits == 64 { Type::I64 } else { Type::I32 };
                let v = if sx.ty != ty {
                    self.coerce(v, sx, Scalar { ty, size: 8, ..sx })
                } else {
                    v
                };
                let r = self.b.ins_value(Op::Bswap { value: v, bits }, ty);
                Some(self.coerce(
                    r,
                    Scalar {
                        ty,
                        size: 8,
                        signed: false,
                        is_bool: false,
                    },
                    s,
                ))
            }
            Builtin::Memcpy { size } => {
                let dst = self.pointer_addr(&args[0], true);
                let src = self.pointer_addr(&args[1], true);
                self.copy_bytes(dst, src, size, false);
                self.builtin_result(e, dst)
            }
            Builtin::Memset { size } => {
                let dst = self.pointer_addr(&args[0], true);
                match args[1].kind {
                    ExprKind::Const(c) => self.fill_const(dst, c as u8, size, false),
                    _ => {
                        let v = self.rvalue(&args[1]);
                        self.fill_value(dst, v, size)
                    }
                }
                self.builtin_result(e, dst)
            }
            Builtin::AtomicRmw { .. }
            | Builtin::CompareAndSwap { .. }
            | Builtin::CompareExchange
            | Builtin::AtomicLoad
            | Builtin::AtomicStore => self.atomic(e, *kind, args),
            Builtin::ConstantP => {
                let v = self.rvalue(&args[0]);
                Some(self.b.ins_value(Op::IsConstant(v), Type::I32))
            }
            Builtin::Trap => {
                self.b.ins(Op::Trap, None);
                self.after_terminator();
                None
            }
            Builtin::Unreachable => {
                self.b.ins(Op::Unreachable, None);
                self.after_terminator();
                None
            }
        }
    }

    /// An atomic builtin: `args[0]` points to the object, of the type of
    /// `args[1]` (4 or 8 bytes, checked by sema).
    fn atomic(&mut self, e: &Expr, kind: Builtin, args: &[Expr]) -> Option<Value> {
        let object = self.pointer_addr(&args[0], false);
        let (s, value) = match args.last() {
            Some(v) if args.len() > 1 => (self.scalar(v), Some(self.rvalue(v))),
            _ => (self.scalar(e), None),
        };
        let width = ir::MemWidth::from_bytes(s.size).unwrap_or(ir::MemWidth::B8);
        match kind {
            Builtin::AtomicRmw { op, new_value } => {
                let v = value.unwrap();
                // `op(old, v)` as an IR operation, for the `OP_and_fetch` result.
                let (atomic, operand, then) = match op {
                    AtomicRmwOp::Add => (ir::AtomicOp::Add, v, Some(IrBin::Add)),
                    // An addition of the negated value, as clang's.
                    AtomicRmwOp::Sub => {
                        let neg = self.b.ins_value(Op::Unary(IrUn::Neg, v), s.ty);
                        (ir::AtomicOp::Add, neg, Some(IrBin::Sub))
                    }
                    AtomicRmwOp::And => (ir::AtomicOp::And, v, Some(IrBin::And)),
                    AtomicRmwOp::Or => (ir::AtomicOp::Or, v, Some(IrBin::Or)),
                    AtomicRmwOp::Xor => (ir::AtomicOp::Xor, v, Some(IrBin::Xor)),
                    AtomicRmwOp::Xchg => (ir::AtomicOp::Xchg, v, None),
                };
                let (addr, offset) = self.access_parts(object);
                let old = self.b.ins_value(
                    Op::AtomicRmw {
                        op: atomic,
                        addr,
                        offset,
                        value: operand,
                        width,
                    },
                    s.ty,
                );
                match then {
                    Some(bop) if new_value => Some(self.b.binary(bop, old, v)),
                    _ => Some(old),
                }
            }
            Builtin::CompareAndSwap { bool_result } => {
                let expected = self.rvalue(&args[1]);
                let new = value.unwrap();
                let (addr, offset) = self.access_parts(object);
                let old = self.b.ins_value(
                    Op::AtomicCmpXchg {
                        addr,
                        offset,
                        expected,
                        new,
                        width,
                    },
                    s.ty,
                );
                if bool_result {
                    Some(self.b.icmp(Cond::Eq, old, expected, Type::I32))
                } else {
                    Some(old)
                }
            }
            Builtin::CompareExchange => {
                let expected_at = self.pointer_addr(&args[1], false);
                let desired = value.unwrap();
                let expected = self.load_scalar(expected_at, s, false);
                let (addr, offset) = self.access_parts(object);
                let old = self.b.ins_value(
                    Op::AtomicCmpXchg {
                        addr,
                        offset,
                        expected,
                        new: desired,
                        width,
                    },
                    s.ty,
                );
                let swapped = self.b.icmp(Cond::Eq, old, expected, Type::I32);
                // On failure, the old contents go to `*expected_ptr`.
                let failed = self.b.create_block();
                let join = self.b.create_block();
                self.b.brif(swapped, join, failed);
                self.switch_to(failed);
                self.store_scalar(expected_at, old, s, false);
                self.switch_to(join);
                Some(swapped)
            }
            Builtin::AtomicLoad => Some(self.load_scalar(object, s, true)),
            Builtin::AtomicStore => {
                self.store_scalar(object, value.unwrap(), s, true);
                None
            }
            _ => unreachable!("not an atomic builtin"),
        }
    }

    /// memcpy and memset return their destination.
    fn builtin_result(&mut self, e: &Expr, dst: Addr) -> Option<Value> {
        if self.is_void(e.ty.ty) {
            None
        } else {
            Some(self.materialize(dst))
        }
    }
}

fn compare_cond(op: BinOp, signed: bool) -> Cond {
    match (op, signed) {
        (BinOp::Eq, _) => Cond::Eq,
        (BinOp::Ne, _) => Cond::Ne,
        (BinOp::Lt, true) => Cond::Slt,
        (BinOp::Le, true) => Cond::Sle,
        (BinOp::Gt, true) => Cond::Sgt,
        (BinOp::Ge, true) => Cond::Sge,
        (BinOp::Lt, false) => Cond::Ult,
        (BinOp::Le, false) => Cond::Ule,
        (BinOp::Gt, false) => Cond::Ugt,
        (BinOp::Ge, false) => Cond::Uge,
        _ => unreachable!("not a comparison"),
    }
}
