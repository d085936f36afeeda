//! Expressions: names resolved, types computed, C's implicit conversions
//! made explicit (promotions, usual arithmetic conversions, lvalue-to-rvalue,
//! decay), constants folded as they are built.

use super::check::{Binding, Checker};
use super::fold::fold_binop;
use super::tir::{self, BinOp, Callee, CompoundOp, Expr, ExprKind, UnOp};
use super::types::{IntKind, QualType, Quals, TypeId, TypeKind};
use crate::parse::ast::{self, BinaryOp, ExprId, UnaryOp};
use crate::source::Span;

pub(crate) const FLOAT_ERROR: &str = "floating point is not supported by BPF";

fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl Checker<'_> {
    pub fn mk(&self, kind: ExprKind, ty: TypeId, span: Span) -> Expr {
        Expr {
            kind,
            ty: QualType::new(ty),
            span,
        }
    }

    pub fn konst(&self, v: i64, ty: TypeId, span: Span) -> Expr {
        self.mk(ExprKind::Const(v), ty, span)
    }

    pub fn error_expr(&self, span: Span) -> Expr {
        self.mk(ExprKind::Const(0), self.t.error, span)
    }

    /// An integer constant expression's value (reports when it is not one).
    pub fn const_int(&mut self, e: ExprId) -> Option<i64> {
        self.const_context += 1;
        let c = self.expr(e);
        self.const_context -= 1;
        if self.is_error(c.ty.ty) {
            return None;
        }
        match c.kind {
            ExprKind::Const(v) if self.is_integer(c.ty.ty) => Some(v),
            _ => {
                let span = self.tu.exprs[e].span;
                self.error(span, "expression is not an integer constant expression");
                None
            }
        }
    }

    /// An expression as a value: lvalues loaded, arrays and functions decayed.
    pub fn expr(&mut self, e: ExprId) -> Expr {
        let x = self.expr_nodecay(e);
        self.rvalue(x)
    }

    pub fn is_lvalue(e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Local(_) | ExprKind::Global(_) | ExprKind::Deref(_) => true,
            ExprKind::Member { base, .. } => Self::is_lvalue(base),
            _ => false,
        }
    }

    /// Lvalue-to-rvalue conversion and array/function decay.
    pub fn rvalue(&mut self, e: Expr) -> Expr {
        if self.is_error(e.ty.ty) {
            return e;
        }
        match self.ck(e.ty.ty).clone() {
            TypeKind::Array { elem, .. } => {
                if let ExprKind::Func(_) = e.kind {
                    return e;
                }
                self.mark_address_taken(&e);
                let p = self.pointer_to(elem);
                let span = e.span;
                self.mk(ExprKind::AddrOf(bx(e)), p, span)
            }
            TypeKind::Function(_) => {
                let p = self.pointer_to(QualType::new(e.ty.ty));
                match e.kind {
                    ExprKind::Func(f) => self.mk(ExprKind::Func(f), p, e.span),
                    // `*fp` used as a function: the pointer itself.
                    ExprKind::Deref(inner) => *inner,
                    _ => Expr {
                        ty: QualType::new(p),
                        ..e
                    },
                }
            }
            TypeKind::Record(_) => e,
            TypeKind::Float { .. } => {
                self.unsupported(e.span, FLOAT_ERROR);
                self.error_expr(e.span)
            }
            _ if Self::is_lvalue(&e) => {
                let ty = e.ty.ty;
                let span = e.span;
                self.mk(ExprKind::Load(bx(e)), ty, span)
            }
            _ => e,
        }
    }

    pub fn mark_address_taken(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Local(l) => {
                if let Some(ctx) = self.fn_ctx.as_mut() {
                    ctx.locals[*l].address_taken = true;
                }
            }
            ExprKind::Member { base, .. } => self.mark_address_taken(base),
            _ => {}
        }
    }

    // -- conversions ------------------------------------------------------

    /// Converts a scalar value to `to` (no diagnostics); folds constants.
    pub fn cast_to(&mut self, e: Expr, to: TypeId) -> Expr {
        if self.is_error(e.ty.ty) || self.is_error(to) {
            return Expr {
                ty: QualType::new(to),
                ..e
            };
        }
        let from_c = self.types.canonical(e.ty.ty);
        let to_c = self.types.canonical(to);
        if from_c == to_c {
            return Expr {
                ty: QualType::new(to),
                ..e
            };
        }
        if self.is_void(to) {
            let span = e.span;
            return self.mk(ExprKind::Cast(bx(e)), to, span);
        }
        if let ExprKind::Const(v) = e.kind {
            if self.types.is_scalar(to) {
                let v = self.wrap_to(v, to);
                return self.konst(v, to, e.span);
            }
        }
        let span = e.span;
        self.mk(ExprKind::Cast(bx(e)), to, span)
    }

    /// Integer promotion of an rvalue.
    pub fn promote(&mut self, e: Expr) -> Expr {
        if self.is_error(e.ty.ty) {
            return e;
        }
        let Some(k) = self.types.int_kind(e.ty.ty) else {
            return e;
        };
        // Bit-fields narrower than int promote to int whatever their declared
        // type (as clang does: `long x:20` too); as wide as int, to int or
        // unsigned int.
        if let ExprKind::Load(inner) = &e.kind {
            if let ExprKind::Member {
                bitfield: Some(bf), ..
            } = &inner.kind
            {
                if bf.width < 32 && k != IntKind::Bool {
                    let t = self.t.int;
                    return self.cast_to(e, t);
                }
                if bf.width == 32 {
                    let t = if k.is_signed() {
                        self.t.int
                    } else {
                        self.t.uint
                    };
                    return self.cast_to(e, t);
                }
            }
        }
        if k < IntKind::Int {
            let t = self.t.int;
            return self.cast_to(e, t);
        }
        if matches!(self.ck(e.ty.ty), TypeKind::Enum(_)) {
            let t = self.int_ty(k);
            return self.cast_to(e, t);
        }
        e
    }

    fn check_int128(&mut self, e: &Expr) -> bool {
        if let Some(IntKind::Int128 | IntKind::UInt128) = self.types.int_kind(e.ty.ty) {
            self.unsupported(e.span, "__int128 arithmetic is not supported by bpfcc");
            return false;
        }
        true
    }

    /// The common type of the usual arithmetic conversions.
    pub fn common_int(&mut self, a: TypeId, b: TypeId) -> TypeId {
        let ka = self
            .types
            .int_kind(a)
            .unwrap_or(IntKind::Int)
            .max(IntKind::Int);
        let kb = self
            .types
            .int_kind(b)
            .unwrap_or(IntKind::Int)
            .max(IntKind::Int);
        let rank = |k: IntKind| match k {
            IntKind::Int | IntKind::UInt => 0,
            IntKind::Long | IntKind::ULong => 1,
            IntKind::LongLong | IntKind::ULongLong => 2,
            _ => 3,
        };
        let k = if ka == kb {
            ka
        } else if ka.is_signed() == kb.is_signed() {
            if rank(ka) >= rank(kb) {
                ka
            } else {
                kb
            }
        } else {
            let (s, u) = if ka.is_signed() { (ka, kb) } else { (kb, ka) };
            if rank(u) >= rank(s) {
                u
            } else if s.size() > u.size() {
                s
            } else {
                // Same size, signed has higher rank: its unsigned version.
                match s {
                    IntKind::Long => IntKind::ULong,
                    IntKind::LongLong => IntKind::ULongLong,
                    _ => IntKind::UInt128,
                }
            }
        };
        self.int_ty(k)
    }

    /// Usual arithmetic conversions of two integer rvalues.
    fn arith_pair(&mut self, a: Expr, b: Expr) -> (Expr, Expr, TypeId) {
        let a = self.promote(a);
        let b = self.promote(b);
        let t = self.common_int(a.ty.ty, b.ty.ty);
        (self.cast_to(a, t), self.cast_to(b, t), t)
    }

    /// Default argument promotions (variadic and unprototyped calls).
    fn default_promote(&mut self, e: Expr) -> Expr {
        self.promote(e)
    }

    /// Implicit conversion as by assignment, with C's checks.
    pub fn convert_assign(&mut self, e: Expr, to: QualType, what: &str) -> Expr {
        if self.is_error(e.ty.ty) || self.is_error(to.ty) {
            return Expr { ty: to, ..e };
        }
        let span = e.span;
        let to_k = self.ck(to.ty).clone();
        let from_k = self.ck(e.ty.ty).clone();
        match (&to_k, &from_k) {
            (TypeKind::Float { .. }, _) | (_, TypeKind::Float { .. }) => {
                self.unsupported(span, FLOAT_ERROR);
                self.error_expr(span)
            }
            (TypeKind::Int(_) | TypeKind::Enum(_), TypeKind::Int(_) | TypeKind::Enum(_)) => {
                self.check_int128(&e);
                self.cast_to(e, to.ty)
            }
            (TypeKind::Int(IntKind::Bool), TypeKind::Pointer { .. }) => self.cast_to(e, to.ty),
            (TypeKind::Int(_) | TypeKind::Enum(_), TypeKind::Pointer { .. }) => {
                // clang's -Wint-conversion: an error by default, but libbpf's
                // headers turn it off with pragmas (BPF_PROG, BPF_SEQ_PRINTF), so
                // a warning here, dropped where a pragma ignores the group.
                let (a, b) = (self.type_str(to), self.type_str(e.ty));
                self.diags.warning_in_group(
                    span,
                    "int-conversion",
                    format!("incompatible pointer to integer conversion {what} '{a}' from '{b}'"),
                );
                self.cast_to(e, to.ty)
            }
            (TypeKind::Pointer { .. }, TypeKind::Int(_) | TypeKind::Enum(_)) => {
                if !self.is_null_const(&e) {
                    let (a, b) = (self.type_str(to), self.type_str(e.ty));
                    self.diags.warning_in_group(
                        span,
                        "int-conversion",
                        format!(
                            "incompatible integer to pointer conversion {what} '{a}' from '{b}'"
                        ),
                    );
                }
                self.cast_to(e, to.ty)
            }
            (TypeKind::Pointer { pointee: pt, .. }, TypeKind::Pointer { pointee: pf, .. }) => {
                let pt_void = self.is_void(pt.ty);
                let pf_void = self.is_void(pf.ty);
                let ok = pt_void
                    || pf_void
                    || self.compatible(Self::unqual(*pt), Self::unqual(*pf))
                    || self.is_null_const(&e);
                if !ok {
                    let (a, b) = (self.type_str(to), self.type_str(e.ty));
                    self.warning(
                        span,
                        format!("incompatible pointer types {what} '{a}' from '{b}'"),
                    );
                } else if !self.is_null_const(&e) {
                    let ptq = self.types.canonical_qual(*pt).quals;
                    let pfq = self.types.canonical_qual(*pf).quals;
                    if (pfq.is_const && !ptq.is_const) || (pfq.is_volatile && !ptq.is_volatile) {
                        let (a, b) = (self.type_str(to), self.type_str(e.ty));
                        self.warning(span, format!("{what} '{a}' from '{b}' discards qualifiers"));
                    }
                }
                self.cast_to(e, to.ty)
            }
            (TypeKind::Record(a), TypeKind::Record(b)) if a == b => Expr { ty: to, ..e },
            (TypeKind::VaList, TypeKind::VaList) => Expr { ty: to, ..e },
            _ => {
                let (a, b) = (self.type_str(to), self.type_str(e.ty));
                self.error(span, format!("{what} '{a}' from incompatible type '{b}'"));
                self.error_expr(span)
            }
        }
    }

    /// Whether two types are compatible (C11 6.2.7), qualifiers included.
    pub fn compatible(&self, a: QualType, b: QualType) -> bool {
        let a = self.types.canonical_qual(a);
        let b = self.types.canonical_qual(b);
        if a.quals != b.quals {
            return false;
        }
        self.compatible_ty(a.ty, b.ty)
    }

    fn compatible_ty(&self, a: TypeId, b: TypeId) -> bool {
        let a = self.types.canonical(a);
        let b = self.types.canonical(b);
        if a == b || a == self.t.error || b == self.t.error {
            return true;
        }
        match (self.types.kind(a), self.types.kind(b)) {
            (TypeKind::Pointer { pointee: x, .. }, TypeKind::Pointer { pointee: y, .. }) => {
                self.compatible(*x, *y)
            }
            (TypeKind::Array { elem: x, len: l1 }, TypeKind::Array { elem: y, len: l2 }) => {
                self.compatible(*x, *y) && (l1.is_none() || l2.is_none() || l1 == l2)
            }
            (TypeKind::Function(f), TypeKind::Function(g)) => {
                if !self.compatible(f.ret, g.ret) {
                    return false;
                }
                if f.has_prototype && g.has_prototype {
                    f.variadic == g.variadic
                        && f.params.len() == g.params.len()
                        && f.params
                            .iter()
                            .zip(&g.params)
                            .all(|(x, y)| self.compatible(Self::unqual(*x), Self::unqual(*y)))
                } else {
                    true
                }
            }
            (TypeKind::Enum(e), TypeKind::Int(k)) | (TypeKind::Int(k), TypeKind::Enum(e)) => {
                self.types.enums[*e].underlying == *k
            }
            _ => false,
        }
    }

    // -- expressions -------------------------------------------------------

    /// An expression as written: lvalues stay lvalues, no decay.
    pub fn expr_nodecay(&mut self, id: ExprId) -> Expr {
        let tu = self.tu;
        let ast_e = &tu.exprs[id];
        let span = ast_e.span;
        match &ast_e.kind {
            ast::ExprKind::Ident(name) => self.ident(*name, span),
            ast::ExprKind::IntLit {
                value,
                unsigned,
                longs,
                decimal,
                too_large,
            } => {
                if *too_large {
                    self.error(
                        span,
                        "integer literal is too large to be represented in any integer type",
                    );
                    return self.error_expr(span);
                }
                let ty = self.int_lit_type(*value, *unsigned, *longs, *decimal, span);
                self.konst(*value as i64, ty, span)
            }
            ast::ExprKind::FloatLit(_) => {
                self.unsupported(span, FLOAT_ERROR);
                self.error_expr(span)
            }
            ast::ExprKind::CharLit { value, prefix } => {
                let ty = match prefix {
                    ast::StrPrefix::Utf16 => self.t.ushort,
                    ast::StrPrefix::Utf32 => self.t.uint,
                    ast::StrPrefix::Utf8 => self.t.uchar,
                    _ => self.t.int,
                };
                let v = self.wrap_to(*value, ty);
                self.konst(v, ty, span)
            }
            ast::ExprKind::StringLit { bytes, prefix } => {
                let g = self.string_global(bytes, *prefix, span);
                let ty = self.globals[g].ty.ty;
                self.mk(ExprKind::Global(g), ty, span)
            }
            ast::ExprKind::Unary(op, x) => self.unary(*op, *x, span),
            ast::ExprKind::Binary(op, a, b) => self.binary(*op, *a, *b, span),
            ast::ExprKind::Assign(op, a, b) => self.assign(*op, *a, *b, span),
            ast::ExprKind::Cond { cond, then, els } => self.cond(*cond, *then, *els, span),
            ast::ExprKind::Cast(tn, x) => {
                let to = self.type_name(tn);
                let v = self.expr(*x);
                self.explicit_cast(v, to, span)
            }
            ast::ExprKind::CompoundLiteral(tn, init) => {
                let ty = self.type_name(tn);
                self.compound_literal(ty, init, span)
            }
            ast::ExprKind::SizeofExpr(x) => {
                let v = self.expr_nodecay(*x);
                self.sizeof_type(v.ty, Some(&v), span)
            }
            ast::ExprKind::SizeofType(tn) => {
                let ty = self.type_name(tn);
                self.sizeof_type(ty, None, span)
            }
            ast::ExprKind::AlignofExpr(x) => {
                let v = self.expr_nodecay(*x);
                let mut a = self.types.align_of(v.ty.ty);
                if let ExprKind::Local(l) = v.kind {
                    a = a.max(self.fn_cx().locals[l].align);
                } else if let ExprKind::Global(g) = v.kind {
                    a = a.max(self.globals[g].align);
                }
                self.konst(a as i64, self.t.ulong, span)
            }
            ast::ExprKind::AlignofType(tn) => {
                let ty = self.type_name(tn);
                if self.is_error(ty.ty) {
                    return self.error_expr(span);
                }
                let a = self.types.align_of(ty.ty);
                self.konst(a as i64, self.t.ulong, span)
            }
            ast::ExprKind::Call(callee, args) => self.call(*callee, args, span),
            ast::ExprKind::Index(a, b) => self.index(*a, *b, span),
            ast::ExprKind::Member(base, name, nspan) => {
                let b = self.expr_nodecay(*base);
                self.member(b, *name, *nspan, span)
            }
            ast::ExprKind::Arrow(base, name, nspan) => {
                let b = self.expr(*base);
                if self.is_error(b.ty.ty) {
                    return b;
                }
                let Some(pointee) = self.pointee(b.ty.ty) else {
                    let s = self.type_str(b.ty);
                    self.error(
                        span,
                        format!("member reference type '{s}' is not a pointer"),
                    );
                    return self.error_expr(span);
                };
                let d = Expr {
                    kind: ExprKind::Deref(bx(b)),
                    ty: pointee,
                    span,
                };
                self.member(d, *name, *nspan, span)
            }
            ast::ExprKind::StmtExpr(s) => self.stmt_expr(*s, span),
            ast::ExprKind::Offsetof(tn, desig) => self.offsetof(tn, desig, span),
            ast::ExprKind::VaArg(..) => {
                self.error(span, "variadic arguments are not supported by BPF");
                self.error_expr(span)
            }
            ast::ExprKind::TypesCompatible(a, b) => {
                let a = self.type_name(a);
                let b = self.type_name(b);
                let r = self.compatible(Self::unqual(a), Self::unqual(b))
                    || (self.types.canonical(a.ty) == self.types.canonical(b.ty));
                self.konst(r as i64, self.t.int, span)
            }
            ast::ExprKind::ChooseExpr(c, a, b) => match self.const_int(*c) {
                Some(0) => self.expr_nodecay(*b),
                Some(_) => self.expr_nodecay(*a),
                None => self.error_expr(span),
            },
            ast::ExprKind::Generic(ctrl, assocs) => self.generic(*ctrl, assocs, span),
            ast::ExprKind::LabelAddr(_) => {
                self.error(
                    span,
                    "taking the address of a label is not supported by BPF",
                );
                self.error_expr(span)
            }
            ast::ExprKind::Error => self.error_expr(span),
        }
    }

    fn int_lit_type(
        &mut self,
        v: u64,
        unsigned: bool,
        longs: u8,
        decimal: bool,
        span: Span,
    ) -> TypeId {
        use IntKind::*;
        let cands: &[IntKind] = match (longs, unsigned, decimal) {
            (0, false, true) => &[Int, Long, LongLong],
            (0, false, false) => &[Int, UInt, Long, ULong, LongLong, ULongLong],
            (0, true, _) => &[UInt, ULong, ULongLong],
            (1, false, true) => &[Long, LongLong],
            (1, false, false) => &[Long, ULong, LongLong, ULongLong],
            (1, true, _) => &[ULong, ULongLong],
            (_, false, true) => &[LongLong],
            (_, false, false) => &[LongLong, ULongLong],
            (_, true, _) => &[ULongLong],
        };
        for &k in cands {
            let max = if k.is_signed() {
                (1u64 << (k.size() * 8 - 1)) - 1
            } else if k.size() == 8 {
                u64::MAX
            } else {
                (1u64 << (k.size() * 8)) - 1
            };
            if v <= max {
                return self.int_ty(k);
            }
        }
        self.warning(
            span,
            "integer literal is too large to be represented in a signed integer type, interpreting as unsigned",
        );
        self.t.ulong
    }

    fn ident(&mut self, name: crate::intern::Sym, span: Span) -> Expr {
        match self.lookup(name) {
            Some(Binding::Local(l)) => {
                let ty = self.fn_cx().locals[l].ty;
                Expr {
                    kind: ExprKind::Local(l),
                    ty,
                    span,
                }
            }
            Some(Binding::Global(g)) => {
                let ty = self.globals[g].ty;
                Expr {
                    kind: ExprKind::Global(g),
                    ty,
                    span,
                }
            }
            Some(Binding::Func(f)) => {
                let ty = self.functions[f].ty;
                self.mk(ExprKind::Func(f), ty, span)
            }
            Some(Binding::EnumConst(v, ty)) => self.konst(v, ty, span),
            Some(Binding::Typedef(_)) => {
                let n = self.name(name).to_string();
                self.error(
                    span,
                    format!("unexpected type name '{n}': expected expression"),
                );
                self.error_expr(span)
            }
            None => {
                if (name == self.n.func
                    || name == self.n.function
                    || name == self.n.pretty_function)
                    && self.fn_ctx.is_some()
                {
                    let g = self.func_name_global(span);
                    let ty = self.globals[g].ty.ty;
                    return self.mk(ExprKind::Global(g), ty, span);
                }
                let n = self.name(name).to_string();
                self.error(span, format!("use of undeclared identifier '{n}'"));
                self.error_expr(span)
            }
        }
    }

    fn unary(&mut self, op: UnaryOp, x: ExprId, span: Span) -> Expr {
        match op {
            UnaryOp::Plus | UnaryOp::Neg | UnaryOp::BitNot => {
                let v = self.expr(x);
                if self.is_error(v.ty.ty) {
                    return v;
                }
                if !self.is_integer(v.ty.ty) {
                    let s = self.type_str(v.ty);
                    self.error(
                        span,
                        format!("invalid argument type '{s}' to unary expression"),
                    );
                    return self.error_expr(span);
                }
                self.check_int128(&v);
                let v = self.promote(v);
                let t = v.ty.ty;
                let uop = match op {
                    UnaryOp::Plus => return Expr { span, ..v },
                    UnaryOp::Neg => UnOp::Neg,
                    _ => UnOp::BitNot,
                };
                if let ExprKind::Const(c) = v.kind {
                    let r = self.fold_un(uop, c, t);
                    return self.konst(r, t, span);
                }
                self.mk(ExprKind::Unary(uop, bx(v)), t, span)
            }
            UnaryOp::LogNot => {
                let v = self.expr(x);
                let v = self.scalar_cond(v);
                if let ExprKind::Const(c) = v.kind {
                    return self.konst((c == 0) as i64, self.t.int, span);
                }
                if self.is_error(v.ty.ty) {
                    return self.error_expr(span);
                }
                self.mk(ExprKind::Unary(UnOp::LogNot, bx(v)), self.t.int, span)
            }
            UnaryOp::Deref => {
                let v = self.expr(x);
                if self.is_error(v.ty.ty) {
                    return v;
                }
                match self.pointee(v.ty.ty) {
                    Some(p) => Expr {
                        kind: ExprKind::Deref(bx(v)),
                        ty: p,
                        span,
                    },
                    None => {
                        let s = self.type_str(v.ty);
                        self.error(
                            span,
                            format!("indirection requires pointer operand ('{s}' invalid)"),
                        );
                        self.error_expr(span)
                    }
                }
            }
            UnaryOp::AddrOf => {
                let v = self.expr_nodecay(x);
                self.addr_of(v, span)
            }
            UnaryOp::PreInc | UnaryOp::PreDec | UnaryOp::PostInc | UnaryOp::PostDec => {
                let v = self.expr_nodecay(x);
                if self.is_error(v.ty.ty) {
                    return v;
                }
                if !self.check_modifiable(&v) {
                    return self.error_expr(span);
                }
                let up = matches!(op, UnaryOp::PreInc | UnaryOp::PostInc);
                let pre = matches!(op, UnaryOp::PreInc | UnaryOp::PreDec);
                let delta = if let Some(p) = self.pointee(v.ty.ty) {
                    match self.elem_scale(p, span) {
                        Some(s) => s as i64,
                        None => return self.error_expr(span),
                    }
                } else if self.is_integer(v.ty.ty) {
                    self.check_int128(&v);
                    1
                } else {
                    let s = self.type_str(v.ty);
                    self.error(span, format!("cannot increment value of type '{s}'"));
                    return self.error_expr(span);
                };
                let ty = v.ty.ty;
                self.mk(
                    ExprKind::IncDec {
                        lhs: bx(v),
                        delta: if up { delta } else { -delta },
                        pre,
                    },
                    ty,
                    span,
                )
            }
            UnaryOp::Real | UnaryOp::Imag => {
                self.error(span, "complex numbers are not supported by BPF");
                self.error_expr(span)
            }
        }
    }

    pub fn addr_of(&mut self, v: Expr, span: Span) -> Expr {
        if self.is_error(v.ty.ty) {
            return v;
        }
        if let ExprKind::Func(f) = v.kind {
            let p = self.pointer_to(QualType::new(v.ty.ty));
            return self.mk(ExprKind::Func(f), p, span);
        }
        if let ExprKind::Member {
            bitfield: Some(_), ..
        } = v.kind
        {
            self.error(span, "address of bit-field requested");
            return self.error_expr(span);
        }
        if !Self::is_lvalue(&v) {
            let s = self.type_str(v.ty);
            self.error(
                span,
                format!("cannot take the address of an rvalue of type '{s}'"),
            );
            return self.error_expr(span);
        }
        let p = self.pointer_to(v.ty);
        if let ExprKind::Deref(inner) = v.kind {
            // `&*p` is `p`.
            return Expr {
                kind: inner.kind,
                ty: QualType::new(p),
                span,
            };
        }
        self.mark_address_taken(&v);
        self.mk(ExprKind::AddrOf(bx(v)), p, span)
    }

    /// Whether `v` may be assigned (reports why not).
    pub fn check_modifiable(&mut self, v: &Expr) -> bool {
        if !Self::is_lvalue(v) {
            self.error(v.span, "expression is not assignable");
            return false;
        }
        let q = self.types.canonical_qual(v.ty);
        if q.quals.is_const {
            let s = self.type_str(v.ty);
            self.error(
                v.span,
                format!("cannot assign to variable with const-qualified type '{s}'"),
            );
            return false;
        }
        if self.is_array(v.ty.ty) {
            let s = self.type_str(v.ty);
            self.error(v.span, format!("array type '{s}' is not assignable"));
            return false;
        }
        if let Some(r) = self.is_record(v.ty.ty) {
            if self.record_has_const_member(r) {
                self.error(
                    v.span,
                    "cannot assign to a struct with a const-qualified member",
                );
                return false;
            }
        }
        true
    }

    fn record_has_const_member(&self, r: super::types::RecordId) -> bool {
        self.types.records[r].fields.iter().any(|f| {
            let q = self.types.canonical_qual(f.ty);
            q.quals.is_const
                || match self.types.kind(q.ty) {
                    TypeKind::Record(r2) => self.record_has_const_member(*r2),
                    _ => false,
                }
        })
    }

    /// The byte size of a pointer's target for arithmetic (GNU: 1 for void
    /// and functions).
    fn elem_scale(&mut self, pointee: QualType, span: Span) -> Option<u64> {
        match self.ck(pointee.ty) {
            TypeKind::Void | TypeKind::Function(_) => Some(1),
            _ => match self.types.size_of(pointee.ty) {
                Some(s) => Some(s),
                None => {
                    let s = self.type_str(pointee);
                    self.error(
                        span,
                        format!("arithmetic on a pointer to an incomplete type '{s}'"),
                    );
                    None
                }
            },
        }
    }

    /// A scalar used as a condition (checked, not converted).
    pub fn scalar_cond(&mut self, v: Expr) -> Expr {
        // A truth test is a comparison with zero.
        if let ExprKind::Binary(BinOp::Rem, ..) = v.kind {
            if self.pending_srem.contains(&v.span) {
                let z = self.konst(0, v.ty.ty, v.span);
                return self.absorb_srem(v, z).0;
            }
        }
        if self.is_error(v.ty.ty) || self.types.is_scalar(v.ty.ty) {
            if self.is_integer(v.ty.ty) {
                self.check_int128(&v);
            }
            return v;
        }
        let s = self.type_str(v.ty);
        self.error(
            v.span,
            format!("statement requires expression of scalar type ('{s}' invalid)"),
        );
        self.error_expr(v.span)
    }

    /// `a op b` on two rvalues (no `&&`, `||`, `,`).
    pub fn arith(&mut self, op: BinOp, a: Expr, b: Expr, span: Span) -> Expr {
        if self.is_error(a.ty.ty) || self.is_error(b.ty.ty) {
            return self.error_expr(span);
        }
        let a_ptr = self.types.is_pointer(a.ty.ty);
        let b_ptr = self.types.is_pointer(b.ty.ty);
        match op {
            BinOp::Add | BinOp::Sub if a_ptr || b_ptr => return self.ptr_arith(op, a, b, span),
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
                if a_ptr || b_ptr =>
            {
                return self.ptr_compare(op, a, b, span)
            }
            _ => {}
        }
        if !self.is_integer(a.ty.ty) || !self.is_integer(b.ty.ty) {
            let (x, y) = (self.type_str(a.ty), self.type_str(b.ty));
            self.error(
                span,
                format!("invalid operands to binary expression ('{x}' and '{y}')"),
            );
            return self.error_expr(span);
        }
        if !self.check_int128(&a) || !self.check_int128(&b) {
            return self.error_expr(span);
        }
        if matches!(op, BinOp::Shl | BinOp::Shr) {
            let a = self.promote(a);
            let b = self.promote(b);
            let t = a.ty.ty;
            if let (ExprKind::Const(x), ExprKind::Const(y)) = (&a.kind, &b.kind) {
                let (bits, signed) = self.int_shape(t);
                // Shift counts are taken as unsigned.
                let y = if self.is_signed(b.ty.ty) {
                    *y
                } else {
                    *y & i64::MAX
                };
                if let Some(r) = fold_binop(op, *x, y, bits, signed) {
                    return self.konst(r, t, span);
                }
            }
            if let ExprKind::Const(y) = b.kind {
                let (bits, _) = self.int_shape(t);
                if y < 0 || y >= bits as i64 {
                    self.warning(span, "shift count is negative or >= width of type");
                }
            }
            return self.mk(ExprKind::Binary(op, bx(a), bx(b)), t, span);
        }
        let (a, b, t) = self.arith_pair(a, b);
        let rt = if matches!(
            op,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        ) {
            self.t.int
        } else {
            t
        };
        if let Some(r) = self.fold_bin(op, &a, &b, t) {
            return self.konst(r, rt, span);
        }
        if matches!(op, BinOp::Div | BinOp::Rem) {
            if let ExprKind::Const(0) = b.kind {
                self.warning(span, "division by zero is undefined");
            }
        }
        if matches!(op, BinOp::Div | BinOp::Rem)
            && self.is_signed(t)
            && self.opts.cpu_version < 4
            && self.fn_ctx.is_some()
            && self.const_context == 0
        {
            return self.signed_division(op, a, b, t, span);
        }
        if matches!(op, BinOp::Eq | BinOp::Ne) {
            let (a, b) = self.absorb_srem(a, b);
            return self.mk(ExprKind::Binary(op, bx(a), bx(b)), rt, span);
        }
        self.mk(ExprKind::Binary(op, bx(a), bx(b)), rt, span)
    }

    /// Signed `/` or `%` before BPF v4, which has no signed division. As
    /// clang's optimizer does, operands known to be non-negative make it an
    /// unsigned division, and `x % 2^k` is accepted when only compared with 0
    /// ([`Self::absorb_srem`]); anything else is clang's error.
    fn signed_division(&mut self, op: BinOp, a: Expr, b: Expr, t: TypeId, span: Span) -> Expr {
        if self.known_nonneg(&a) && self.known_nonneg(&b) {
            let ut = self.unsigned_of(t);
            let a = self.cast_to(a, ut);
            let b = self.cast_to(b, ut);
            let r = self.mk(ExprKind::Binary(op, bx(a), bx(b)), ut, span);
            return self.cast_to(r, t);
        }
        let pow2 = matches!(b.kind, ExprKind::Const(c) if c > 0 && (c & (c - 1)) == 0);
        if op == BinOp::Rem && pow2 {
            self.pending_srem.push(span);
        } else {
            self.error(
                span,
                "unsupported signed division, please convert to unsigned div/mod.",
            );
        }
        self.mk(ExprKind::Binary(op, bx(a), bx(b)), t, span)
    }

    /// `x % 2^k == 0` (or `!=`) with signed `x` tests the low bits only: made
    /// an unsigned remainder, which BPF before v4 has.
    fn absorb_srem(&mut self, a: Expr, b: Expr) -> (Expr, Expr) {
        let is_zero = |e: &Expr| matches!(e.kind, ExprKind::Const(0));
        let (rem, zero, swapped) = if is_zero(&b) {
            (a, b, false)
        } else if is_zero(&a) {
            (b, a, true)
        } else {
            return (a, b);
        };
        let pos = self.pending_srem.iter().position(|s| *s == rem.span);
        let (Some(pos), ExprKind::Binary(BinOp::Rem, x, m)) = (pos, &rem.kind) else {
            return if swapped { (zero, rem) } else { (rem, zero) };
        };
        self.pending_srem.remove(pos);
        let ut = self.unsigned_of(rem.ty.ty);
        let x = self.cast_to((**x).clone(), ut);
        let m = self.cast_to((**m).clone(), ut);
        let span = rem.span;
        let r = self.mk(ExprKind::Binary(BinOp::Rem, bx(x), bx(m)), ut, span);
        let z = self.cast_to(zero, ut);
        if swapped {
            (z, r)
        } else {
            (r, z)
        }
    }

    /// Signed `%` by a power of two whose result was not only compared with
    /// zero: the error postponed by [`Self::signed_division`].
    pub fn flush_pending_srem(&mut self) {
        for span in std::mem::take(&mut self.pending_srem) {
            self.error(
                span,
                "unsupported signed division, please convert to unsigned div/mod.",
            );
        }
    }

    fn unsigned_of(&mut self, t: TypeId) -> TypeId {
        let k = match self.types.int_kind(t) {
            Some(IntKind::Int) => IntKind::UInt,
            Some(IntKind::Long) => IntKind::ULong,
            Some(IntKind::LongLong) => IntKind::ULongLong,
            Some(IntKind::Int128) => IntKind::UInt128,
            Some(k) => k,
            None => return t,
        };
        self.int_ty(k)
    }

    /// Whether an integer rvalue can be shown non-negative from its form:
    /// non-negative constants, zero-extended unsigned values, masks, 0/1
    /// results.
    fn known_nonneg(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Const(v) => !self.is_signed(e.ty.ty) || *v >= 0,
            ExprKind::Cast(inner) => {
                let (ib, isigned) = self.int_shape(inner.ty.ty);
                let (ob, _) = self.int_shape(e.ty.ty);
                if !self.is_integer(inner.ty.ty) {
                    return false;
                }
                (!isigned && ib < ob) || (isigned && ib <= ob && self.known_nonneg(inner))
            }
            ExprKind::Binary(BinOp::And, x, y) => self.known_nonneg(x) || self.known_nonneg(y),
            ExprKind::Binary(BinOp::Shr, x, _) => self.known_nonneg(x),
            ExprKind::Binary(
                BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge,
                _,
                _,
            )
            | ExprKind::Unary(UnOp::LogNot, _)
            | ExprKind::LogAnd(..)
            | ExprKind::LogOr(..) => true,
            _ => !self.is_signed(e.ty.ty),
        }
    }

    fn ptr_arith(&mut self, op: BinOp, a: Expr, b: Expr, span: Span) -> Expr {
        let a_ptr = self.types.is_pointer(a.ty.ty);
        let b_ptr = self.types.is_pointer(b.ty.ty);
        if a_ptr && b_ptr {
            if op != BinOp::Sub {
                self.error(
                    span,
                    "invalid operands to binary expression (pointer + pointer)",
                );
                return self.error_expr(span);
            }
            let pa = self.pointee(a.ty.ty).unwrap();
            let pb = self.pointee(b.ty.ty).unwrap();
            if !self.compatible(Self::unqual(pa), Self::unqual(pb)) {
                let (x, y) = (self.type_str(a.ty), self.type_str(b.ty));
                self.error(
                    span,
                    format!("'{x}' and '{y}' are not pointers to compatible types"),
                );
                return self.error_expr(span);
            }
            let Some(scale) = self.elem_scale(pa, span) else {
                return self.error_expr(span);
            };
            if scale == 0 {
                self.error(span, "subtraction of pointers to zero-sized type");
                return self.error_expr(span);
            }
            return self.mk(
                ExprKind::PtrDiff {
                    lhs: bx(a),
                    rhs: bx(b),
                    scale,
                },
                self.t.long,
                span,
            );
        }
        let (p, i) = if a_ptr { (a, b) } else { (b, a) };
        if !a_ptr && op == BinOp::Sub {
            self.error(
                span,
                "invalid operands to binary expression (integer - pointer)",
            );
            return self.error_expr(span);
        }
        if !self.is_integer(i.ty.ty) {
            let (x, y) = (self.type_str(p.ty), self.type_str(i.ty));
            self.error(
                span,
                format!("invalid operands to binary expression ('{x}' and '{y}')"),
            );
            return self.error_expr(span);
        }
        let pointee = self.pointee(p.ty.ty).unwrap();
        let Some(scale) = self.elem_scale(pointee, span) else {
            return self.error_expr(span);
        };
        self.ptr_add(p, i, scale, op == BinOp::Sub, span)
    }

    /// `p + i` (or `p - i`), `i` converted to `long`.
    pub fn ptr_add(&mut self, p: Expr, i: Expr, scale: u64, negate: bool, span: Span) -> Expr {
        let long = self.t.long;
        let i = self.promote(i);
        let mut i = self.cast_to(i, long);
        if negate {
            i = match i.kind {
                ExprKind::Const(c) => self.konst(c.wrapping_neg(), long, i.span),
                _ => {
                    let s = i.span;
                    self.mk(ExprKind::Unary(UnOp::Neg, bx(i)), long, s)
                }
            };
        }
        let ty = p.ty.ty;
        if let (ExprKind::Const(pv), ExprKind::Const(iv)) = (&p.kind, &i.kind) {
            let v = pv.wrapping_add(iv.wrapping_mul(scale as i64));
            return self.konst(v, ty, span);
        }
        if let ExprKind::Const(0) = i.kind {
            return Expr { span, ..p };
        }
        self.mk(
            ExprKind::PtrAdd {
                ptr: bx(p),
                index: bx(i),
                scale,
            },
            ty,
            span,
        )
    }

    fn ptr_compare(&mut self, op: BinOp, a: Expr, b: Expr, span: Span) -> Expr {
        let a_ptr = self.types.is_pointer(a.ty.ty);
        let b_ptr = self.types.is_pointer(b.ty.ty);
        let (a, b) = if a_ptr && b_ptr {
            let pa = self.pointee(a.ty.ty).unwrap();
            let pb = self.pointee(b.ty.ty).unwrap();
            if !self.is_void(pa.ty)
                && !self.is_void(pb.ty)
                && !self.compatible(Self::unqual(pa), Self::unqual(pb))
            {
                let (x, y) = (self.type_str(a.ty), self.type_str(b.ty));
                self.warning(
                    span,
                    format!("comparison of distinct pointer types ('{x}' and '{y}')"),
                );
            }
            let t = a.ty.ty;
            (a, self.cast_to(b, t))
        } else if a_ptr {
            if !self.is_integer(b.ty.ty) {
                return self.bad_operands(&a, &b, span);
            }
            if !self.is_null_const(&b) {
                self.warning(span, "comparison between pointer and integer");
            }
            let t = a.ty.ty;
            (a.clone(), self.cast_to(b, t))
        } else {
            if !self.is_integer(a.ty.ty) {
                return self.bad_operands(&a, &b, span);
            }
            if !self.is_null_const(&a) {
                self.warning(span, "comparison between pointer and integer");
            }
            let t = b.ty.ty;
            (self.cast_to(a, t), b)
        };
        let int = self.t.int;
        if let Some(r) = self.fold_bin(op, &a, &b, a.ty.ty) {
            return self.konst(r, int, span);
        }
        self.mk(ExprKind::Binary(op, bx(a), bx(b)), int, span)
    }

    fn bad_operands(&mut self, a: &Expr, b: &Expr, span: Span) -> Expr {
        let (x, y) = (self.type_str(a.ty), self.type_str(b.ty));
        self.error(
            span,
            format!("invalid operands to binary expression ('{x}' and '{y}')"),
        );
        self.error_expr(span)
    }

    fn binary(&mut self, op: BinaryOp, a: ExprId, b: ExprId, span: Span) -> Expr {
        let bop = match op {
            BinaryOp::Mul => BinOp::Mul,
            BinaryOp::Div => BinOp::Div,
            BinaryOp::Rem => BinOp::Rem,
            BinaryOp::Add => BinOp::Add,
            BinaryOp::Sub => BinOp::Sub,
            BinaryOp::Shl => BinOp::Shl,
            BinaryOp::Shr => BinOp::Shr,
            BinaryOp::Lt => BinOp::Lt,
            BinaryOp::Gt => BinOp::Gt,
            BinaryOp::Le => BinOp::Le,
            BinaryOp::Ge => BinOp::Ge,
            BinaryOp::Eq => BinOp::Eq,
            BinaryOp::Ne => BinOp::Ne,
            BinaryOp::BitAnd => BinOp::And,
            BinaryOp::BitXor => BinOp::Xor,
            BinaryOp::BitOr => BinOp::Or,
            BinaryOp::LogAnd | BinaryOp::LogOr => {
                let x = self.expr(a);
                let x = self.scalar_cond(x);
                let y = self.expr(b);
                let y = self.scalar_cond(y);
                if self.is_error(x.ty.ty) || self.is_error(y.ty.ty) {
                    return self.error_expr(span);
                }
                let and = op == BinaryOp::LogAnd;
                let int = self.t.int;
                if let ExprKind::Const(c) = x.kind {
                    // The right side is not evaluated, or decides alone.
                    if (c == 0) == and {
                        return self.konst(if and { 0 } else { 1 }, int, span);
                    }
                    if let ExprKind::Const(d) = y.kind {
                        return self.konst((d != 0) as i64, int, span);
                    }
                }
                let kind = if and {
                    ExprKind::LogAnd(bx(x), bx(y))
                } else {
                    ExprKind::LogOr(bx(x), bx(y))
                };
                return self.mk(kind, int, span);
            }
            BinaryOp::Comma => {
                let x = self.expr(a);
                let y = self.expr(b);
                if self.is_error(x.ty.ty) || self.is_error(y.ty.ty) {
                    return self.error_expr(span);
                }
                if let (ExprKind::Const(_), ExprKind::Const(_)) = (&x.kind, &y.kind) {
                    // `(1, 2)`: a constant (clang accepts it in initializers).
                    return Expr { span, ..y };
                }
                let ty = y.ty;
                return Expr {
                    kind: ExprKind::Comma(bx(x), bx(y)),
                    ty,
                    span,
                };
            }
        };
        let x = self.expr(a);
        let y = self.expr(b);
        self.arith(bop, x, y, span)
    }

    fn assign(&mut self, op: Option<BinaryOp>, a: ExprId, b: ExprId, span: Span) -> Expr {
        let lhs = self.expr_nodecay(a);
        let rhs = self.expr(b);
        if self.is_error(lhs.ty.ty) || self.is_error(rhs.ty.ty) {
            return self.error_expr(span);
        }
        if !self.check_modifiable(&lhs) {
            return self.error_expr(span);
        }
        let lty = QualType::new(lhs.ty.ty);
        let Some(op) = op else {
            let rhs = self.convert_assign(rhs, lty, "assigning to");
            return Expr {
                kind: ExprKind::Assign {
                    lhs: bx(lhs),
                    rhs: bx(rhs),
                },
                ty: lty,
                span,
            };
        };
        let bop = match op {
            BinaryOp::Mul => BinOp::Mul,
            BinaryOp::Div => BinOp::Div,
            BinaryOp::Rem => BinOp::Rem,
            BinaryOp::Add => BinOp::Add,
            BinaryOp::Sub => BinOp::Sub,
            BinaryOp::Shl => BinOp::Shl,
            BinaryOp::Shr => BinOp::Shr,
            BinaryOp::BitAnd => BinOp::And,
            BinaryOp::BitXor => BinOp::Xor,
            BinaryOp::BitOr => BinOp::Or,
            _ => {
                self.error(span, "invalid compound assignment operator");
                return self.error_expr(span);
            }
        };
        if let Some(p) = self.pointee(lhs.ty.ty) {
            if !matches!(bop, BinOp::Add | BinOp::Sub) || !self.is_integer(rhs.ty.ty) {
                return self.bad_operands(&lhs, &rhs, span);
            }
            let Some(scale) = self.elem_scale(p, span) else {
                return self.error_expr(span);
            };
            let rhs = self.promote(rhs);
            let long = self.t.long;
            let rhs = self.cast_to(rhs, long);
            return Expr {
                kind: ExprKind::CompoundAssign {
                    op: CompoundOp::PtrAdd {
                        scale,
                        negate: bop == BinOp::Sub,
                    },
                    lhs: bx(lhs),
                    rhs: bx(rhs),
                },
                ty: lty,
                span,
            };
        }
        if !self.is_integer(lhs.ty.ty) || !self.is_integer(rhs.ty.ty) {
            return self.bad_operands(&lhs, &rhs, span);
        }
        if !self.check_int128(&lhs) || !self.check_int128(&rhs) {
            return self.error_expr(span);
        }
        let lk = self.types.int_kind(lhs.ty.ty).unwrap();
        let lprom = if lk < IntKind::Int {
            self.t.int
        } else {
            self.int_ty(lk)
        };
        let op_ty = if matches!(bop, BinOp::Shl | BinOp::Shr) {
            lprom
        } else {
            let r = self.promote(rhs.clone());
            self.common_int(lprom, r.ty.ty)
        };
        let rhs = self.promote(rhs);
        let mut op_ty = op_ty;
        if matches!(bop, BinOp::Div | BinOp::Rem)
            && self.is_signed(op_ty)
            && self.opts.cpu_version < 4
        {
            // A narrow unsigned lhs promotes to a non-negative int: with a
            // non-negative divisor the division is unsigned, as clang's
            // optimizer makes it (`u8 a; a /= 2;`).
            if lk < IntKind::Int && !self.is_signed(lhs.ty.ty) && self.known_nonneg(&rhs) {
                op_ty = self.unsigned_of(op_ty);
            } else {
                self.error(
                    span,
                    "unsupported signed division, please convert to unsigned div/mod.",
                );
            }
        }
        let rhs = self.cast_to(rhs, op_ty);
        Expr {
            kind: ExprKind::CompoundAssign {
                op: CompoundOp::Arith { op: bop, op_ty },
                lhs: bx(lhs),
                rhs: bx(rhs),
            },
            ty: lty,
            span,
        }
    }

    fn cond(&mut self, c: ExprId, then: Option<ExprId>, els: ExprId, span: Span) -> Expr {
        let cv = self.expr(c);
        let cv = self.scalar_cond(cv);
        let (cond, tv) = match then {
            Some(t) => (cv, self.expr(t)),
            None => {
                // GNU `a ?: b`: `a` is evaluated once, through a temporary.
                if let ExprKind::Const(_) = cv.kind {
                    (cv.clone(), cv)
                } else if self.fn_ctx.is_some() && !self.is_error(cv.ty.ty) {
                    let ty = QualType::new(cv.ty.ty);
                    let align = self.types.align_of(ty.ty);
                    let l = self.new_local(None, ty, align, cv.span);
                    let cspan = cv.span;
                    let local = Expr {
                        kind: ExprKind::Local(l),
                        ty,
                        span: cspan,
                    };
                    let assign = Expr {
                        kind: ExprKind::Assign {
                            lhs: bx(local.clone()),
                            rhs: bx(cv),
                        },
                        ty,
                        span: cspan,
                    };
                    let load = self.mk(ExprKind::Load(bx(local)), ty.ty, cspan);
                    (assign, load)
                } else {
                    if !self.is_error(cv.ty.ty) {
                        self.error(span, "'?:' without a middle operand must be constant here");
                    }
                    return self.error_expr(span);
                }
            }
        };
        let ev = self.expr(els);
        if self.is_error(cond.ty.ty) || self.is_error(tv.ty.ty) || self.is_error(ev.ty.ty) {
            return self.error_expr(span);
        }
        let (tv, ev, ty) = self.cond_operands(tv, ev, span);
        if self.is_error(ty.ty) {
            return self.error_expr(span);
        }
        if let ExprKind::Const(c) = cond.kind {
            let chosen = if c != 0 { tv } else { ev };
            // Constant condition: the chosen branch, as an rvalue of the result type.
            if matches!(chosen.kind, ExprKind::Const(_)) {
                return Expr { span, ..chosen };
            }
            return Expr { ty, span, ..chosen };
        }
        Expr {
            kind: ExprKind::Cond {
                cond: bx(cond),
                then: bx(tv),
                els: bx(ev),
            },
            ty,
            span,
        }
    }

    /// Converts the two branches of `?:` to their common type.
    fn cond_operands(&mut self, a: Expr, b: Expr, span: Span) -> (Expr, Expr, QualType) {
        let (ai, bi) = (self.is_integer(a.ty.ty), self.is_integer(b.ty.ty));
        if ai && bi {
            let (a, b, t) = self.arith_pair(a, b);
            return (a, b, QualType::new(t));
        }
        let (ap, bp) = (
            self.types.is_pointer(a.ty.ty),
            self.types.is_pointer(b.ty.ty),
        );
        if ap && bp {
            let pa = self.pointee(a.ty.ty).unwrap();
            let pb = self.pointee(b.ty.ty).unwrap();
            let merged = Quals {
                is_const: pa.quals.is_const || pb.quals.is_const,
                is_volatile: pa.quals.is_volatile || pb.quals.is_volatile,
                is_restrict: false,
            };
            let target = if self.is_null_const(&b) {
                pa
            } else if self.is_null_const(&a) {
                pb
            } else if self.is_void(pa.ty) || self.is_void(pb.ty) {
                QualType::new(self.t.void)
            } else {
                if !self.compatible(Self::unqual(pa), Self::unqual(pb)) {
                    let (x, y) = (self.type_str(a.ty), self.type_str(b.ty));
                    self.warning(span, format!("pointer type mismatch ('{x}' and '{y}')"));
                }
                pa
            };
            let t = self.pointer_to(QualType {
                ty: target.ty,
                quals: merged,
            });
            return (self.cast_to(a, t), self.cast_to(b, t), QualType::new(t));
        }
        if ap && bi || ai && bp {
            let t = if ap { a.ty.ty } else { b.ty.ty };
            let (np, other) = if ap { (&b, &a) } else { (&a, &b) };
            let _ = other;
            if !self.is_null_const(np) {
                self.warning(
                    span,
                    "pointer/integer type mismatch in conditional expression",
                );
            }
            return (self.cast_to(a, t), self.cast_to(b, t), QualType::new(t));
        }
        if self.is_void(a.ty.ty) && self.is_void(b.ty.ty) {
            let v = self.t.void;
            return (a, b, QualType::new(v));
        }
        if self.is_void(a.ty.ty) || self.is_void(b.ty.ty) {
            let v = self.t.void;
            let a = self.cast_to(a, v);
            let b = self.cast_to(b, v);
            return (a, b, QualType::new(v));
        }
        if let (Some(ra), Some(rb)) = (self.is_record(a.ty.ty), self.is_record(b.ty.ty)) {
            if ra == rb {
                let t = QualType::new(a.ty.ty);
                return (a, b, t);
            }
        }
        let (x, y) = (self.type_str(a.ty), self.type_str(b.ty));
        self.error(
            span,
            format!("incompatible operand types ('{x}' and '{y}')"),
        );
        (a, b, self.err_qt())
    }

    pub fn explicit_cast(&mut self, v: Expr, to: QualType, span: Span) -> Expr {
        if self.is_error(v.ty.ty) || self.is_error(to.ty) {
            return self.error_expr(span);
        }
        let to_u = Self::unqual(to);
        if self.is_void(to.ty) {
            return self.mk(ExprKind::Cast(bx(v)), to.ty, span);
        }
        if self.is_float(to.ty) {
            self.unsupported(span, FLOAT_ERROR);
            return self.error_expr(span);
        }
        if !self.types.is_scalar(to.ty) {
            if let (Some(a), Some(b)) = (self.is_record(to.ty), self.is_record(v.ty.ty)) {
                if a == b {
                    return Expr {
                        ty: to_u,
                        span,
                        ..v
                    };
                }
            }
            let s = self.type_str(to);
            self.error(
                span,
                format!("used type '{s}' where arithmetic or pointer type is required"),
            );
            return self.error_expr(span);
        }
        if !self.types.is_scalar(v.ty.ty) {
            let s = self.type_str(v.ty);
            self.error(
                span,
                format!("operand of type '{s}' where arithmetic or pointer type is required"),
            );
            return self.error_expr(span);
        }
        if self.is_integer(v.ty.ty) || self.is_integer(to.ty) {
            self.check_int128(&v);
        }
        if self.types.is_pointer(to.ty) && self.is_integer(v.ty.ty) {
            let size = self.types.size_of(v.ty.ty).unwrap_or(8);
            if size < 8 && !matches!(v.kind, ExprKind::Const(_)) {
                let (a, b) = (self.type_str(to), self.type_str(v.ty));
                self.warning(
                    span,
                    format!("cast to '{a}' from smaller integer type '{b}'"),
                );
            }
        }
        let e = self.cast_to(v, to_u.ty);
        Expr { span, ..e }
    }

    fn sizeof_type(&mut self, ty: QualType, v: Option<&Expr>, span: Span) -> Expr {
        if self.is_error(ty.ty) {
            return self.error_expr(span);
        }
        if let Some(Expr {
            kind: ExprKind::Member {
                bitfield: Some(_), ..
            },
            ..
        }) = v
        {
            self.error(span, "invalid application of 'sizeof' to bit-field");
            return self.error_expr(span);
        }
        let size = match self.ck(ty.ty) {
            TypeKind::Void | TypeKind::Function(_) => 1,
            _ => match self.types.size_of(ty.ty) {
                Some(s) => s,
                None => {
                    let s = self.type_str(ty);
                    self.error(
                        span,
                        format!("invalid application of 'sizeof' to an incomplete type '{s}'"),
                    );
                    return self.error_expr(span);
                }
            },
        };
        self.konst(size as i64, self.t.ulong, span)
    }

    fn index(&mut self, a: ExprId, b: ExprId, span: Span) -> Expr {
        let x = self.expr(a);
        let y = self.expr(b);
        if self.is_error(x.ty.ty) || self.is_error(y.ty.ty) {
            return self.error_expr(span);
        }
        let (p, i) = if self.types.is_pointer(x.ty.ty) {
            (x, y)
        } else if self.types.is_pointer(y.ty.ty) {
            (y, x)
        } else {
            self.error(span, "subscripted value is not an array or pointer");
            return self.error_expr(span);
        };
        if !self.is_integer(i.ty.ty) {
            self.error(i.span, "array subscript is not an integer");
            return self.error_expr(span);
        }
        let pointee = self.pointee(p.ty.ty).unwrap();
        if self.is_void(pointee.ty) {
            self.error(span, "subscript of pointer to incomplete type 'void'");
            return self.error_expr(span);
        }
        let Some(scale) = self.elem_scale(pointee, span) else {
            return self.error_expr(span);
        };
        if let Some(e) = self.core_index(&p, &i, scale, pointee, span) {
            return e;
        }
        let addr = self.ptr_add(p, i, scale, false, span);
        Expr {
            kind: ExprKind::Deref(bx(addr)),
            ty: pointee,
            span,
        }
    }

    /// Finds member `name` in record `rid`, through anonymous members: the
    /// byte offset and the field.
    pub fn find_member(
        &self,
        rid: super::types::RecordId,
        name: crate::intern::Sym,
    ) -> Option<(u64, super::types::Field)> {
        for f in &self.types.records[rid].fields {
            if f.name == Some(name) {
                return Some((f.offset, f.clone()));
            }
            if f.name.is_none() && f.bitfield.is_none() {
                if let TypeKind::Record(inner) = self.types.ckind(f.ty.ty) {
                    if let Some((o, fld)) = self.find_member(*inner, name) {
                        return Some((f.offset + o, fld));
                    }
                }
            }
        }
        None
    }

    pub fn member(
        &mut self,
        base: Expr,
        name: crate::intern::Sym,
        nspan: Span,
        span: Span,
    ) -> Expr {
        if self.is_error(base.ty.ty) {
            return base;
        }
        let Some(rid) = self.is_record(base.ty.ty) else {
            let s = self.type_str(base.ty);
            if self.types.is_pointer(base.ty.ty) {
                self.error(
                    nspan,
                    format!("member reference type '{s}' is a pointer; did you mean to use '->'?"),
                );
            } else {
                self.error(
                    nspan,
                    format!("member reference base type '{s}' is not a structure or union"),
                );
            }
            return self.error_expr(span);
        };
        if !self.types.records[rid].complete {
            let s = self.type_str(base.ty);
            self.error(nspan, format!("incomplete definition of type '{s}'"));
            return self.error_expr(span);
        }
        let Some((offset, field)) = self.find_member(rid, name) else {
            let (n, s) = (
                self.name(name).to_string(),
                self.type_str(QualType::new(base.ty.ty)),
            );
            self.error(nspan, format!("no member named '{n}' in '{s}'"));
            return self.error_expr(span);
        };
        if field.bitfield.is_some() && self.bad_bitfields.contains(&field.span) {
            self.error(nspan, "unsupported bit-field layout in packed record");
            return self.error_expr(span);
        }
        let bq = self.types.canonical_qual(base.ty).quals;
        let ty = QualType {
            ty: field.ty.ty,
            quals: Quals {
                is_const: field.ty.quals.is_const || bq.is_const,
                is_volatile: field.ty.quals.is_volatile || bq.is_volatile,
                is_restrict: field.ty.quals.is_restrict,
            },
        };
        // CO-RE: a member of a `preserve_access_index` record.
        let base = if self.const_context == 0 {
            match self.core_member(base, rid, name, ty, span) {
                Ok(e) => return e,
                Err(base) => base,
            }
        } else {
            base
        };
        // Fold `a.b.c` into one offset from `a`.
        let (base, offset) = match base.kind {
            ExprKind::Member {
                base: inner,
                offset: o,
                bitfield: None,
            } => (*inner, o + offset),
            _ => (base, offset),
        };
        Expr {
            kind: ExprKind::Member {
                base: bx(base),
                offset,
                bitfield: field.bitfield,
            },
            ty,
            span,
        }
    }

    fn offsetof(&mut self, tn: &ast::TypeName, desig: &[ast::Designator], span: Span) -> Expr {
        let ty = self.type_name(tn);
        if self.is_error(ty.ty) {
            return self.error_expr(span);
        }
        let mut cur = ty;
        let mut off: u64 = 0;
        for d in desig {
            match d {
                ast::Designator::Field(name, nspan) => {
                    let Some(rid) = self.is_record(cur.ty) else {
                        let s = self.type_str(cur);
                        self.error(
                            *nspan,
                            format!(
                                "offsetof requires struct, union, or class type, '{s}' invalid"
                            ),
                        );
                        return self.error_expr(span);
                    };
                    let Some((o, f)) = self.find_member(rid, *name) else {
                        let (n, s) = (self.name(*name).to_string(), self.type_str(cur));
                        self.error(*nspan, format!("no member named '{n}' in '{s}'"));
                        return self.error_expr(span);
                    };
                    if f.bitfield.is_some() {
                        self.error(*nspan, "cannot compute offset of bit-field");
                        return self.error_expr(span);
                    }
                    off += o;
                    cur = f.ty;
                }
                ast::Designator::Index(e) => {
                    let TypeKind::Array { elem, .. } = self.ck(cur.ty).clone() else {
                        self.error(span, "offsetof index into a non-array type");
                        return self.error_expr(span);
                    };
                    let Some(i) = self.const_int(*e) else {
                        return self.error_expr(span);
                    };
                    off = off.wrapping_add(
                        (i as u64).wrapping_mul(self.types.size_of(elem.ty).unwrap_or(0)),
                    );
                    cur = elem;
                }
                ast::Designator::Range(..) => {
                    self.error(span, "range designator in offsetof");
                    return self.error_expr(span);
                }
            }
        }
        self.konst(off as i64, self.t.ulong, span)
    }

    fn generic(
        &mut self,
        ctrl: ExprId,
        assocs: &[(Option<ast::TypeName>, ExprId)],
        span: Span,
    ) -> Expr {
        let c = self.expr(ctrl);
        if self.is_error(c.ty.ty) {
            return c;
        }
        let cty = QualType::new(c.ty.ty);
        let mut default = None;
        for (tn, e) in assocs {
            match tn {
                None => default = Some(*e),
                Some(tn) => {
                    let t = self.type_name(tn);
                    if self.compatible(t, cty) {
                        return self.expr_nodecay(*e);
                    }
                }
            }
        }
        match default {
            Some(e) => self.expr_nodecay(e),
            None => {
                let s = self.type_str(cty);
                self.error(
                    span,
                    format!("controlling expression type '{s}' not compatible with any generic association type"),
                );
                self.error_expr(span)
            }
        }
    }

    // -- calls ------------------------------------------------------------

    fn call(&mut self, callee: ExprId, args: &[ExprId], span: Span) -> Expr {
        if let ast::ExprKind::Ident(name) = &self.tu.exprs[callee].kind {
            if self.lookup(*name).is_none() {
                let n = self.name(*name).to_string();
                if let Some(e) = self.builtin_call(&n, callee, args, span) {
                    return e;
                }
                let cspan = self.tu.exprs[callee].span;
                self.error(
                    cspan,
                    format!("call to undeclared function '{n}'; ISO C99 and later do not support implicit function declarations"),
                );
                for a in args {
                    self.expr(*a);
                }
                return self.error_expr(span);
            }
        }
        // The C library functions clang treats as builtins when only declared
        // (`#include <string.h>`): expanded inline, never a call.
        if let ast::ExprKind::Ident(name) = &self.tu.exprs[callee].kind {
            if let Some(Binding::Func(fid)) = self.lookup(*name) {
                let func = &self.functions[fid];
                if func.body.is_none() && func.helper_id.is_none() && func.asm_label.is_none() {
                    let builtin = match self.name(*name) {
                        "memcpy" => Some("__builtin_memcpy"),
                        "memmove" => Some("__builtin_memmove"),
                        "memset" => Some("__builtin_memset"),
                        "memcmp" => Some("__builtin_memcmp"),
                        "bcmp" => Some("__builtin_bcmp"),
                        _ => None,
                    };
                    if let Some(b) = builtin {
                        return self
                            .builtin_call(b, callee, args, span)
                            .expect("a memory builtin");
                    }
                }
            }
        }
        let f = self.expr_nodecay(callee);
        if self.is_error(f.ty.ty) {
            for a in args {
                self.expr(*a);
            }
            return self.error_expr(span);
        }
        // Which function type, and which callee.
        let (callee_kind, fty) = match f.kind {
            ExprKind::Func(fid) if self.is_function(f.ty.ty) => {
                let func = &self.functions[fid];
                let fty = func.ty;
                if let Some(label) = func.asm_label.as_deref() {
                    let width = match label {
                        "llvm.bpf.load.byte" => Some(1),
                        "llvm.bpf.load.half" => Some(2),
                        "llvm.bpf.load.word" => Some(4),
                        _ => None,
                    };
                    if let Some(width) = width {
                        return self.load_packet_call(width, fty, args, span);
                    }
                }
                match func.helper_id {
                    Some(h) => (Callee::Helper(h), fty),
                    None => (Callee::Direct(fid), fty),
                }
            }
            _ => {
                let helper = match &f.kind {
                    ExprKind::Global(g) => self.globals[*g].helper_id,
                    ExprKind::Deref(inner) => match &inner.kind {
                        ExprKind::Load(x) => match x.kind {
                            ExprKind::Global(g) => self.globals[g].helper_id,
                            _ => None,
                        },
                        _ => None,
                    },
                    _ => None,
                };
                let v = self.rvalue(f);
                let fty = match self.pointee(v.ty.ty) {
                    Some(p) if self.is_function(p.ty) => p.ty,
                    _ => {
                        let s = self.type_str(v.ty);
                        self.error(
                            span,
                            format!(
                                "called object type '{s}' is not a function or function pointer"
                            ),
                        );
                        for a in args {
                            self.expr(*a);
                        }
                        return self.error_expr(span);
                    }
                };
                match helper {
                    Some(h) => (Callee::Helper(h), fty),
                    None => (Callee::Indirect(bx(v)), fty),
                }
            }
        };
        let TypeKind::Function(ft) = self.ck(fty).clone() else {
            unreachable!()
        };
        // Calls to inline functions are inlined: no calling-convention limits.
        let inlined = match &callee_kind {
            Callee::Direct(f) => {
                self.functions[*f].is_inline || self.functions[*f].attrs.always_inline
            }
            _ => false,
        };
        let mut out = Vec::with_capacity(args.len());
        if ft.has_prototype
            && (args.len() < ft.params.len() || (args.len() > ft.params.len() && !ft.variadic))
        {
            {
                let few = args.len() < ft.params.len();
                self.error(
                    span,
                    format!(
                        "too {} arguments to function call, expected {}{}, have {}",
                        if few { "few" } else { "many" },
                        if ft.variadic { "at least " } else { "" },
                        ft.params.len(),
                        args.len()
                    ),
                );
            }
        }
        for (i, a) in args.iter().enumerate() {
            let v = self.expr(*a);
            let v = match ft.params.get(i) {
                Some(p) if ft.has_prototype => {
                    self.convert_assign(v, *p, "passing to parameter of type")
                }
                _ => self.default_promote(v),
            };
            // Struct arguments: clang accepts them; lowering decides whether
            // it can pass them.
            out.push(v);
        }
        if args.len() > 5 && !inlined {
            self.error(
                span,
                "too many arguments: BPF passes at most 5 arguments in registers",
            );
        }
        let ret = ft.ret.ty;
        if !inlined && self.is_passed_aggregate(ret) {
            self.error(span, "aggregate returns are not supported by BPF");
            return self.error_expr(span);
        }
        if !self.is_void(ret) && !self.is_complete(ret) {
            let s = self.type_str(ft.ret);
            self.error(
                span,
                format!("calling function with incomplete return type '{s}'"),
            );
            return self.error_expr(span);
        }
        if self.is_float(ret) {
            self.unsupported(span, FLOAT_ERROR);
            return self.error_expr(span);
        }
        self.mk(
            ExprKind::Call {
                callee: callee_kind,
                args: out,
            },
            ret,
            span,
        )
    }

    /// A call to an `asm("llvm.bpf.load.*")` declaration: `(skb, off)`.
    fn load_packet_call(&mut self, width: u8, fty: TypeId, args: &[ExprId], span: Span) -> Expr {
        if args.len() != 2 {
            self.error(span, format!("expected 2 arguments, have {}", args.len()));
            return self.error_expr(span);
        }
        let skb = self.expr(args[0]);
        let off = self.expr(args[1]);
        let ulong = self.t.ulong;
        let off = self.convert_assign(off, QualType::new(ulong), "passing to parameter of type");
        let ret = match self.ck(fty) {
            TypeKind::Function(f) => f.ret.ty,
            _ => ulong,
        };
        self.mk(
            ExprKind::Builtin(tir::Builtin::LoadPacket { width }, vec![skb, off]),
            ret,
            span,
        )
    }
}
