//! Constant folding: integer arithmetic in C's types (wrapped to the type's
//! width), and evaluation of address constants (`&global + n`) for static
//! initializers.

use super::check::Checker;
use super::tir::{BinOp, Expr, ExprKind, SymbolRef, UnOp};
use super::types::{IntKind, TypeId, TypeKind};

/// A value known at compile time: an integer, or an address plus offset.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum ConstVal {
    Int(i64),
    Addr(SymbolRef, i64),
}

/// `v` truncated to `bits` and sign- or zero-extended back to 64 bits.
pub(crate) fn wrap_bits(v: i64, bits: u32, signed: bool) -> i64 {
    if bits >= 64 {
        return v;
    }
    let shift = 64 - bits;
    if signed {
        (v << shift) >> shift
    } else {
        ((v as u64) << shift >> shift) as i64
    }
}

pub(crate) fn wrap_kind(v: i64, k: IntKind) -> i64 {
    if k == IntKind::Bool {
        return (v != 0) as i64;
    }
    wrap_bits(v, (k.size() * 8).min(64) as u32, k.is_signed())
}

/// `a op b` in a type of `bits` width and the given signedness; `None` when
/// C leaves it undefined (division by zero, overflowing signed division).
pub(crate) fn fold_binop(op: BinOp, a: i64, b: i64, bits: u32, signed: bool) -> Option<i64> {
    let (ua, ub) = (a as u64, b as u64);
    let r = match op {
        BinOp::Add => a.wrapping_add(b),
        BinOp::Sub => a.wrapping_sub(b),
        BinOp::Mul => a.wrapping_mul(b),
        BinOp::Div | BinOp::Rem => {
            if b == 0 {
                return None;
            }
            if signed {
                if a == i64::MIN && b == -1 {
                    return None;
                }
                if op == BinOp::Div {
                    a / b
                } else {
                    a % b
                }
            } else if op == BinOp::Div {
                (ua / ub) as i64
            } else {
                (ua % ub) as i64
            }
        }
        BinOp::Shl => {
            if !(0..bits as i64).contains(&b) {
                return None;
            }
            ((ua) << b) as i64
        }
        BinOp::Shr => {
            if !(0..bits as i64).contains(&b) {
                return None;
            }
            if signed {
                a >> b
            } else {
                (ua >> b) as i64
            }
        }
        BinOp::And => a & b,
        BinOp::Or => a | b,
        BinOp::Xor => a ^ b,
        BinOp::Eq => return Some((a == b) as i64),
        BinOp::Ne => return Some((a != b) as i64),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let ord = if signed { a.cmp(&b) } else { ua.cmp(&ub) };
            let r = match op {
                BinOp::Lt => ord.is_lt(),
                BinOp::Le => ord.is_le(),
                BinOp::Gt => ord.is_gt(),
                _ => ord.is_ge(),
            };
            return Some(r as i64);
        }
    };
    Some(wrap_bits(r, bits, signed))
}

impl Checker<'_> {
    /// Width in bits and signedness of an integer-like type (pointers are
    /// unsigned 64-bit).
    pub fn int_shape(&self, ty: TypeId) -> (u32, bool) {
        match self.types.int_kind(ty) {
            Some(IntKind::Bool) => (1, false),
            Some(k) => ((k.size() * 8).min(64) as u32, k.is_signed()),
            None => (64, false),
        }
    }

    pub fn is_signed(&self, ty: TypeId) -> bool {
        self.types.int_kind(ty).is_some_and(|k| k.is_signed())
    }

    /// `v` converted to type `ty` (integer, `_Bool` or pointer).
    pub fn wrap_to(&self, v: i64, ty: TypeId) -> i64 {
        match self.types.int_kind(ty) {
            Some(k) => wrap_kind(v, k),
            None => v,
        }
    }

    /// Evaluates a static initializer expression: an integer or an address
    /// constant. `None` when it is not constant.
    pub fn eval_const(&self, e: &Expr) -> Option<ConstVal> {
        match &e.kind {
            ExprKind::Const(v) => Some(ConstVal::Int(*v)),
            ExprKind::Func(f) => Some(ConstVal::Addr(SymbolRef::Func(*f), 0)),
            ExprKind::AddrOf(inner) => self.eval_lvalue_addr(inner),
            ExprKind::Cast(inner) => {
                let v = self.eval_const(inner)?;
                match v {
                    ConstVal::Int(i) => Some(ConstVal::Int(self.wrap_to(i, e.ty.ty))),
                    // An address survives only a cast to a 64-bit type.
                    ConstVal::Addr(..) => {
                        let size = self.types.size_of(e.ty.ty).unwrap_or(0);
                        (size == 8).then_some(v)
                    }
                }
            }
            ExprKind::PtrAdd { ptr, index, scale } => {
                let p = self.eval_const(ptr)?;
                let ConstVal::Int(i) = self.eval_const(index)? else {
                    return None;
                };
                let d = i.wrapping_mul(*scale as i64);
                Some(match p {
                    ConstVal::Int(v) => ConstVal::Int(v.wrapping_add(d)),
                    ConstVal::Addr(s, o) => ConstVal::Addr(s, o.wrapping_add(d)),
                })
            }
            ExprKind::Binary(op, a, b) => {
                let (x, y) = (self.eval_const(a)?, self.eval_const(b)?);
                if let (ConstVal::Int(x), ConstVal::Int(y)) = (x, y) {
                    // Operands are of the operation's type (the left one for shifts).
                    let (bits, signed) = self.int_shape(a.ty.ty);
                    return fold_binop(*op, x, y, bits, signed).map(ConstVal::Int);
                }
                if !matches!(op, BinOp::Add | BinOp::Sub) {
                    return None;
                }
                match (x, y) {
                    (ConstVal::Addr(s, o), ConstVal::Int(i)) => Some(ConstVal::Addr(
                        s,
                        if *op == BinOp::Add {
                            o.wrapping_add(i)
                        } else {
                            o.wrapping_sub(i)
                        },
                    )),
                    (ConstVal::Int(i), ConstVal::Addr(s, o)) if *op == BinOp::Add => {
                        Some(ConstVal::Addr(s, o.wrapping_add(i)))
                    }
                    _ => None,
                }
            }
            ExprKind::Unary(op, x) => match self.eval_const(x)? {
                ConstVal::Int(v) => Some(ConstVal::Int(self.fold_un(*op, v, e.ty.ty))),
                ConstVal::Addr(..) => None,
            },
            ExprKind::LogAnd(a, b) | ExprKind::LogOr(a, b) => {
                let and = matches!(e.kind, ExprKind::LogAnd(..));
                let ConstVal::Int(x) = self.eval_const(a)? else {
                    return None;
                };
                if (x == 0) == and {
                    return Some(ConstVal::Int(!and as i64));
                }
                let ConstVal::Int(y) = self.eval_const(b)? else {
                    return None;
                };
                Some(ConstVal::Int((y != 0) as i64))
            }
            ExprKind::Cond { cond, then, els } => match self.eval_const(cond)? {
                ConstVal::Int(0) => self.eval_const(els),
                _ => self.eval_const(then),
            },
            // GNU: a `const` object with a constant initializer folds
            // (`static const int beta = 717;` used in another initializer).
            ExprKind::Load(inner) => match inner.kind {
                ExprKind::Global(g) => {
                    let gl = &self.globals[g];
                    let q = self.types.canonical_qual(gl.ty);
                    let init = gl.init.as_ref()?;
                    let size = self.types.size_of(e.ty.ty)? as usize;
                    if !q.quals.is_const || q.quals.is_volatile || gl.is_extern {
                        return None;
                    }
                    if !init.relocs.is_empty() || size > 8 || init.bytes.len() < size {
                        return None;
                    }
                    let mut b = [0u8; 8];
                    b[..size].copy_from_slice(&init.bytes[..size]);
                    let v = i64::from_le_bytes(b);
                    Some(ConstVal::Int(self.wrap_to(v, e.ty.ty)))
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// The address of a static lvalue (`global`, `global.member`, `global[3]`).
    fn eval_lvalue_addr(&self, e: &Expr) -> Option<ConstVal> {
        match &e.kind {
            ExprKind::Global(g) => Some(ConstVal::Addr(SymbolRef::Global(*g), 0)),
            ExprKind::Member {
                base,
                offset,
                bitfield: None,
            } => match self.eval_lvalue_addr(base)? {
                ConstVal::Addr(s, o) => Some(ConstVal::Addr(s, o + *offset as i64)),
                ConstVal::Int(v) => Some(ConstVal::Int(v + *offset as i64)),
            },
            // `&((struct s *)0)->field`: the classic offsetof.
            ExprKind::Deref(p) => self.eval_const(p),
            ExprKind::Func(f) => Some(ConstVal::Addr(SymbolRef::Func(*f), 0)),
            _ => None,
        }
    }

    /// Whether `e` is a null pointer constant (`0`, `(void *)0`).
    pub fn is_null_const(&self, e: &Expr) -> bool {
        match e.kind {
            ExprKind::Const(0) => {
                self.is_integer(e.ty.ty)
                    || match self.types.ckind(e.ty.ty) {
                        TypeKind::Pointer { pointee, .. } => {
                            matches!(self.types.ckind(pointee.ty), TypeKind::Void)
                        }
                        _ => false,
                    }
            }
            _ => false,
        }
    }

    /// Folds `op` on two constants of type `ty` (`None` if not foldable).
    pub fn fold_bin(&self, op: BinOp, a: &Expr, b: &Expr, ty: TypeId) -> Option<i64> {
        let (ExprKind::Const(x), ExprKind::Const(y)) = (&a.kind, &b.kind) else {
            return None;
        };
        let (bits, signed) = self.int_shape(ty);
        fold_binop(op, *x, *y, bits, signed)
    }

    pub fn fold_un(&self, op: UnOp, v: i64, ty: TypeId) -> i64 {
        match op {
            UnOp::Neg => self.wrap_to(v.wrapping_neg(), ty),
            UnOp::BitNot => self.wrap_to(!v, ty),
            UnOp::LogNot => (v == 0) as i64,
        }
    }
}
