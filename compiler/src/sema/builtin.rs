//! Compiler builtins called by name (`__builtin_expect`, `__builtin_bswap32`,
//! `__builtin_memcpy`, `__builtin_bpf_load_byte`, ...): folded, mapped to
//! [`tir::Builtin`], expanded into plain typed-tree code (`__builtin_memcmp`),
//! or diagnosed as unsupported.

use super::check::Checker;
use super::tir::{
    AtomicRmwOp, BinOp, Builtin, Expr, ExprKind, InitStore, LocalId, LocalInit, Stmt, StmtKind,
};
use super::types::{BitField, Field, QualType, RecordId, TypeId, TypeKind};
use crate::btf::core::{CoreKind, CoreRelo};
use crate::intern::Sym;
use crate::parse::ast::{self, ExprId};
use crate::source::Span;

/// One side of an inline `memcmp`.
enum MemcmpOperand {
    /// A string literal's bytes, at least as many as compared.
    Bytes(Vec<u8>),
    /// A `void *` (evaluated once, into a temporary).
    Pointer(Expr),
}

/// What an atomic builtin does, from its name.
#[derive(Copy, Clone)]
enum AtomicForm {
    Rmw(AtomicRmwOp, bool),
    CompareAndSwap { bool_result: bool },
    CompareExchange,
    Load,
    Store,
}

/// The atomic builtins bpfcc compiles, with their argument counts (the
/// `__atomic_*` ones end with their memory orders).
fn atomic_form(name: &str) -> Option<(AtomicForm, usize)> {
    use AtomicRmwOp::*;
    let op = |s: &str| match s {
        "add" => Some(Add),
        "sub" => Some(Sub),
        "and" => Some(And),
        "or" => Some(Or),
        "xor" => Some(Xor),
        _ => None,
    };
    Some(match name {
        "__sync_val_compare_and_swap" => (AtomicForm::CompareAndSwap { bool_result: false }, 3),
        "__sync_bool_compare_and_swap" => (AtomicForm::CompareAndSwap { bool_result: true }, 3),
        "__sync_lock_test_and_set" => (AtomicForm::Rmw(Xchg, false), 2),
        "__atomic_exchange_n" => (AtomicForm::Rmw(Xchg, false), 3),
        "__atomic_compare_exchange_n" => (AtomicForm::CompareExchange, 6),
        "__atomic_load_n" => (AtomicForm::Load, 2),
        "__atomic_store_n" => (AtomicForm::Store, 3),
        _ => {
            if let Some(o) = name.strip_prefix("__sync_fetch_and_") {
                (AtomicForm::Rmw(op(o)?, false), 2)
            } else if let Some(o) = name.strip_prefix("__atomic_fetch_") {
                (AtomicForm::Rmw(op(o)?, false), 3)
            } else if let Some(o) = name
                .strip_prefix("__sync_")
                .and_then(|n| n.strip_suffix("_and_fetch"))
            {
                (AtomicForm::Rmw(op(o)?, true), 2)
            } else if let Some(o) = name
                .strip_prefix("__atomic_")
                .and_then(|n| n.strip_suffix("_fetch"))
            {
                (AtomicForm::Rmw(op(o)?, true), 3)
            } else {
                return None;
            }
        }
    })
}

/// The longest `memcmp` expanded inline (clang's expansion has no such
/// limit, but the selftests compare at most a `sun_path`).
const MEMCMP_MAX: u64 = 256;

impl Checker<'_> {
    fn arg_count(&mut self, name: &str, args: &[ExprId], n: usize, span: Span) -> bool {
        if args.len() != n {
            self.error(
                span,
                format!(
                    "too {} arguments to function call '{name}', expected {n}, have {}",
                    if args.len() < n { "few" } else { "many" },
                    args.len()
                ),
            );
            for a in args {
                self.expr(*a);
            }
            return false;
        }
        true
    }

    /// A call of builtin `name`, or `None` when `name` is no builtin.
    pub fn builtin_call(
        &mut self,
        name: &str,
        _callee: ExprId,
        args: &[ExprId],
        span: Span,
    ) -> Option<Expr> {
        let void = self.t.void;
        let e = match name {
            "__builtin_expect" | "__builtin_expect_with_probability" => {
                let n = if name == "__builtin_expect" { 2 } else { 3 };
                if !self.arg_count(name, args, n, span) {
                    return Some(self.error_expr(span));
                }
                let v = self.expr(args[0]);
                for a in &args[1..] {
                    self.expr(*a);
                }
                let long = self.t.long;
                let v = self.convert_assign(v, QualType::new(long), "passing to parameter of type");
                Expr { span, ..v }
            }
            "__builtin_constant_p" => {
                if !self.arg_count(name, args, 1, span) {
                    return Some(self.error_expr(span));
                }
                let v = self.expr(args[0]);
                let const_local = match &v.kind {
                    ExprKind::Load(x) => match x.kind {
                        ExprKind::Local(l) => self
                            .fn_ctx
                            .as_ref()
                            .is_some_and(|c| c.const_locals.contains(&l)),
                        _ => false,
                    },
                    _ => false,
                };
                let c = const_local
                    || matches!(v.kind, ExprKind::Const(_)) && !self.is_error(v.ty.ty)
                    || matches!(v.kind, ExprKind::AddrOf(ref g) if matches!(g.kind, ExprKind::Global(_)));
                if !c && self.const_context == 0 && self.always_inline_param(&v) {
                    // Decided after inlining, as clang's `llvm.is.constant`
                    // (libbpf's bpf_tail_call_static checks its slot so).
                    let int = self.t.int;
                    return Some(self.mk(
                        ExprKind::Builtin(Builtin::ConstantP, vec![v]),
                        int,
                        span,
                    ));
                }
                self.konst(c as i64, self.t.int, span)
            }
            "__builtin_bswap16" | "__builtin_bswap32" | "__builtin_bswap64" => {
                if !self.arg_count(name, args, 1, span) {
                    return Some(self.error_expr(span));
                }
                let (bits, ty) = match name {
                    "__builtin_bswap16" => (16u8, self.t.ushort),
                    "__builtin_bswap32" => (32, self.t.uint),
                    _ => (64, self.t.ulong),
                };
                let v = self.expr(args[0]);
                let v = self.convert_assign(v, QualType::new(ty), "passing to parameter of type");
                if let ExprKind::Const(c) = v.kind {
                    let r = match bits {
                        16 => (c as u16).swap_bytes() as i64,
                        32 => (c as u32).swap_bytes() as i64,
                        _ => (c as u64).swap_bytes() as i64,
                    };
                    return Some(self.konst(r, ty, span));
                }
                self.mk(
                    ExprKind::Builtin(Builtin::Bswap { bits }, vec![v]),
                    ty,
                    span,
                )
            }
            "__builtin_memcpy" | "__builtin_memmove" | "__builtin_memset" => {
                if !self.arg_count(name, args, 3, span) {
                    return Some(self.error_expr(span));
                }
                let vp = QualType::new(self.t.void_ptr);
                let dst = self.expr(args[0]);
                let dst = self.convert_pointer_arg(dst, vp);
                let second = self.expr(args[1]);
                let second = if name == "__builtin_memset" {
                    let int = self.t.int;
                    self.convert_assign(second, QualType::new(int), "passing to parameter of type")
                } else {
                    self.convert_pointer_arg(second, vp)
                };
                let n = self.expr(args[2]);
                if self.is_error(n.ty.ty) || self.is_error(dst.ty.ty) || self.is_error(second.ty.ty)
                {
                    return Some(self.error_expr(span));
                }
                let ExprKind::Const(size) = n.kind else {
                    self.unsupported(
                        n.span,
                        format!("'{name}' with a non-constant size is not supported by BPF"),
                    );
                    return Some(self.error_expr(span));
                };
                let b = if name == "__builtin_memset" {
                    Builtin::Memset { size: size as u64 }
                } else {
                    Builtin::Memcpy { size: size as u64 }
                };
                self.mk(ExprKind::Builtin(b, vec![dst, second]), void, span)
            }
            "__builtin_memcmp" | "__builtin_bcmp" => {
                if !self.arg_count(name, args, 3, span) {
                    return Some(self.error_expr(span));
                }
                // The size first: a string literal operand that covers it is
                // used as constant bytes, without making its object.
                let n = self.expr(args[2]);
                let size = match n.kind {
                    ExprKind::Const(size) if !self.is_error(n.ty.ty) => Some(size as u64),
                    _ => None,
                };
                let vp = QualType::new(self.t.void_ptr);
                let mut operands = Vec::with_capacity(2);
                for &arg in &args[..2] {
                    let lit = self
                        .string_literal(arg)
                        .filter(|l| size.is_some_and(|n| l.len() as u64 >= n));
                    operands.push(match lit {
                        Some(l) => MemcmpOperand::Bytes(l),
                        None => {
                            let p = self.expr(arg);
                            MemcmpOperand::Pointer(self.convert_pointer_arg(p, vp))
                        }
                    });
                }
                let bad = |c: &Self, o: &MemcmpOperand| matches!(o, MemcmpOperand::Pointer(p) if c.is_error(p.ty.ty));
                if self.is_error(n.ty.ty) || operands.iter().any(|o| bad(self, o)) {
                    return Some(self.error_expr(span));
                }
                let Some(size) = size else {
                    self.unsupported(
                        n.span,
                        format!("'{name}' with a non-constant size is not supported by BPF"),
                    );
                    return Some(self.error_expr(span));
                };
                if size > MEMCMP_MAX {
                    self.unsupported(
                        n.span,
                        format!("'{name}' of more than {MEMCMP_MAX} bytes is not supported"),
                    );
                    return Some(self.error_expr(span));
                }
                if self.fn_ctx.is_none() {
                    self.error(span, "initializer element is not a compile-time constant");
                    return Some(self.error_expr(span));
                }
                let b = operands.pop().unwrap();
                let a = operands.pop().unwrap();
                self.expand_memcmp([a, b], size, span)
            }
            "__builtin_trap" | "__builtin_unreachable" => {
                if !self.arg_count(name, args, 0, span) {
                    return Some(self.error_expr(span));
                }
                let b = if name == "__builtin_trap" {
                    Builtin::Trap
                } else {
                    Builtin::Unreachable
                };
                self.mk(ExprKind::Builtin(b, vec![]), void, span)
            }
            "__builtin_bpf_load_byte" | "__builtin_bpf_load_half" | "__builtin_bpf_load_word" => {
                if !self.arg_count(name, args, 1, span) {
                    return Some(self.error_expr(span));
                }
                let width = match name {
                    "__builtin_bpf_load_byte" => 1,
                    "__builtin_bpf_load_half" => 2,
                    _ => 4,
                };
                let off = self.expr(args[0]);
                // `unsigned long long`, as clang declares these builtins.
                let ulong = self.t.ullong;
                let off =
                    self.convert_assign(off, QualType::new(ulong), "passing to parameter of type");
                let ctx = self.fn_ctx.as_ref();
                let Some(&skb) = ctx.and_then(|c| c.params.first()) else {
                    self.error(
                        span,
                        format!("'{name}' needs the socket buffer: the enclosing function has no parameter"),
                    );
                    return Some(self.error_expr(span));
                };
                let sty = self.fn_cx().locals[skb].ty;
                let local = Expr {
                    kind: ExprKind::Local(skb),
                    ty: sty,
                    span,
                };
                let skb_v = self.rvalue(local);
                self.mk(
                    ExprKind::Builtin(Builtin::LoadPacket { width }, vec![skb_v, off]),
                    ulong,
                    span,
                )
            }
            "__builtin_preserve_access_index" => {
                if !self.arg_count(name, args, 1, span) {
                    return Some(self.error_expr(span));
                }
                let v = self.preserve_access_index(args[0]);
                Expr { span, ..v }
            }
            "__builtin_btf_type_id"
            | "__builtin_preserve_type_info"
            | "__builtin_preserve_enum_value"
            | "__builtin_preserve_field_info" => self.core_builtin(name, args, span),
            "__builtin_object_size" | "__builtin_dynamic_object_size" => {
                if !self.arg_count(name, args, 2, span) {
                    return Some(self.error_expr(span));
                }
                self.expr(args[0]);
                let kind = self.const_int(args[1]).unwrap_or(0);
                let v = if kind & 2 != 0 { 0 } else { -1 };
                self.konst(v, self.t.ulong, span)
            }
            "__builtin_ffs"
            | "__builtin_ffsl"
            | "__builtin_ffsll"
            | "__builtin_clz"
            | "__builtin_clzl"
            | "__builtin_clzll"
            | "__builtin_ctz"
            | "__builtin_ctzl"
            | "__builtin_ctzll"
            | "__builtin_popcount"
            | "__builtin_popcountl"
            | "__builtin_popcountll"
            | "__builtin_parity"
            | "__builtin_parityl"
            | "__builtin_parityll" => {
                if !self.arg_count(name, args, 1, span) {
                    return Some(self.error_expr(span));
                }
                let wide = name.ends_with('l');
                let aty = if wide { self.t.ulong } else { self.t.uint };
                let v = self.expr(args[0]);
                let v = self.convert_assign(v, QualType::new(aty), "passing to parameter of type");
                let ExprKind::Const(c) = v.kind else {
                    if !self.is_error(v.ty.ty) {
                        self.unsupported(
                            span,
                            format!("'{name}' of a non-constant value is not supported yet"),
                        );
                    }
                    return Some(self.error_expr(span));
                };
                let x = if wide { c as u64 } else { c as u32 as u64 };
                let bits = if wide { 64 } else { 32 };
                let r = if name.starts_with("__builtin_ffs") {
                    if x == 0 {
                        0
                    } else {
                        x.trailing_zeros() as i64 + 1
                    }
                } else if name.starts_with("__builtin_clz") {
                    (x.leading_zeros() - (64 - bits)) as i64
                } else if name.starts_with("__builtin_ctz") {
                    x.trailing_zeros().min(bits) as i64
                } else if name.starts_with("__builtin_popcount") {
                    x.count_ones() as i64
                } else {
                    (x.count_ones() & 1) as i64
                };
                self.konst(r, self.t.int, span)
            }
            "__builtin_strcmp" | "__builtin_strncmp" if self.const_strings(args).is_some() => {
                // Folded when both strings are literals (libbpf's bpf_cmp_likely
                // compares operator spellings this way).
                let (a, b) = self.const_strings(args).unwrap();
                let (mut a, mut b) = (a, b);
                if name == "__builtin_strncmp" {
                    let n = args
                        .get(2)
                        .and_then(|e| self.const_int(*e))
                        .unwrap_or(0)
                        .max(0) as usize;
                    a.truncate(n);
                    b.truncate(n);
                } else if args.len() != 2 {
                    self.arg_count(name, args, 2, span);
                    return Some(self.error_expr(span));
                }
                let r = match a.cmp(&b) {
                    std::cmp::Ordering::Less => -1,
                    std::cmp::Ordering::Equal => 0,
                    std::cmp::Ordering::Greater => 1,
                };
                self.konst(r, self.t.int, span)
            }
            "__builtin_assume" => {
                if !self.arg_count(name, args, 1, span) {
                    return Some(self.error_expr(span));
                }
                self.expr(args[0]);
                self.mk(
                    ExprKind::Cast(Box::new(self.konst(0, self.t.int, span))),
                    void,
                    span,
                )
            }
            _ if atomic_form(name).is_some() => self.atomic_call(name, args, span),
            _ if name.starts_with("__builtin_")
                || name.starts_with("__sync_")
                || name.starts_with("__atomic_") =>
            {
                for a in args {
                    self.expr(*a);
                }
                let what = if name.starts_with("__sync_") || name.starts_with("__atomic_") {
                    format!("atomic builtin '{name}' is not supported by bpfcc")
                } else {
                    format!("builtin '{name}' is not supported")
                };
                self.unsupported(span, what);
                self.error_expr(span)
            }
            _ => return None,
        };
        Some(e)
    }

    /// The two string literal arguments of a string builtin, with their NULs
    /// (so that a prefix compares lower), if both are literals.
    fn const_strings(&self, args: &[ExprId]) -> Option<(Vec<u8>, Vec<u8>)> {
        let lit = |e: ExprId| match &self.tu.exprs[e].kind {
            crate::parse::ast::ExprKind::StringLit { bytes, .. } => {
                let mut v = bytes.clone();
                v.push(0);
                Some(v)
            }
            _ => None,
        };
        Some((lit(*args.first()?)?, lit(*args.get(1)?)?))
    }

    /// The bytes (with the NUL) of a plain string literal argument.
    fn string_literal(&self, e: ExprId) -> Option<Vec<u8>> {
        match &self.tu.exprs[e].kind {
            crate::parse::ast::ExprKind::StringLit {
                bytes,
                prefix: crate::parse::ast::StrPrefix::None | crate::parse::ast::StrPrefix::Utf8,
            } => {
                let mut v = bytes.clone();
                v.push(0);
                Some(v)
            }
            _ => None,
        }
    }

    /// `memcmp(a, b, size)` as byte compares, inline as clang expands it for
    /// BPF (there is no library to call), with the same results: clang
    /// compares blocks of 8, 4, 2 bytes as big-endian words (giving -1 or 1)
    /// and a trailing odd byte by subtraction. So here, on unsigned bytes:
    /// `({ pa = a; pb = b; r = 0; if (r == 0) r = (pa[0] > pb[0]) - (pa[0] < pb[0]);
    /// ...; if (r == 0) r = pa[n-1] - pb[n-1] /* n odd */; r; })`.
    /// A string literal operand long enough gives its bytes as constants.
    /// Every byte is read, which memcmp's contract allows.
    fn expand_memcmp(&mut self, operands: [MemcmpOperand; 2], size: u64, span: Span) -> Expr {
        let (int, long, uchar) = (self.t.int, self.t.long, self.t.uchar);
        let byte_ptr = self.pointer_to(QualType::new(uchar));
        let mut body = Vec::new();
        let mut sides = Vec::new();
        for o in operands {
            let p = match o {
                MemcmpOperand::Bytes(l) => {
                    sides.push((None, Some(l)));
                    continue;
                }
                MemcmpOperand::Pointer(p) => p,
            };
            let l = self.new_local(None, QualType::new(byte_ptr), 8, span);
            let local = self.mk(ExprKind::Local(l), byte_ptr, span);
            let p = self.cast_to(p, byte_ptr);
            let set = ExprKind::Assign {
                lhs: Box::new(local),
                rhs: Box::new(p),
            };
            body.push(self.expr_stmt(self.mk(set, byte_ptr, span)));
            sides.push((Some(l), None));
        }
        let r = self.new_local(None, QualType::new(int), 4, span);
        let r_lv = self.mk(ExprKind::Local(r), int, span);
        let zero = self.konst(0, int, span);
        let init = ExprKind::Assign {
            lhs: Box::new(r_lv.clone()),
            rhs: Box::new(zero.clone()),
        };
        body.push(self.expr_stmt(self.mk(init, int, span)));
        for i in 0..size {
            let mut bytes = Vec::with_capacity(2);
            for (local, lit) in &sides {
                let byte = match (local, lit) {
                    (_, Some(l)) => self.konst(l[i as usize] as i64, int, span),
                    (Some(local), None) => {
                        let base = self.mk(ExprKind::Local(*local), byte_ptr, span);
                        let base = self.mk(ExprKind::Load(Box::new(base)), byte_ptr, span);
                        let at = ExprKind::PtrAdd {
                            ptr: Box::new(base),
                            index: Box::new(self.konst(i as i64, long, span)),
                            scale: 1,
                        };
                        let at = self.mk(at, byte_ptr, span);
                        let lv = self.mk(ExprKind::Deref(Box::new(at)), uchar, span);
                        let v = self.mk(ExprKind::Load(Box::new(lv)), uchar, span);
                        self.cast_to(v, int)
                    }
                    (None, None) => unreachable!("each side is a literal or a pointer"),
                };
                bytes.push(byte);
            }
            let (rhs, lhs) = (bytes.pop().unwrap(), bytes.pop().unwrap());
            let bin = |c: &Self, op, l: &Expr, r: &Expr| {
                c.mk(
                    ExprKind::Binary(op, Box::new(l.clone()), Box::new(r.clone())),
                    int,
                    span,
                )
            };
            let diff = if size % 2 == 1 && i + 1 == size {
                // clang's trailing 1-byte block gives the difference.
                bin(self, BinOp::Sub, &lhs, &rhs)
            } else {
                // Its wider blocks compare big-endian words: -1 or 1.
                let gt = bin(self, BinOp::Gt, &lhs, &rhs);
                let lt = bin(self, BinOp::Lt, &lhs, &rhs);
                bin(self, BinOp::Sub, &gt, &lt)
            };
            let set = ExprKind::Assign {
                lhs: Box::new(r_lv.clone()),
                rhs: Box::new(diff),
            };
            let set = self.expr_stmt(self.mk(set, int, span));
            let r_now = self.mk(ExprKind::Load(Box::new(r_lv.clone())), int, span);
            let undecided = self.mk(
                ExprKind::Binary(BinOp::Eq, Box::new(r_now), Box::new(zero.clone())),
                int,
                span,
            );
            body.push(Stmt {
                kind: StmtKind::If {
                    cond: undecided,
                    then: Box::new(set),
                    els: None,
                },
                span,
            });
        }
        let result = self.mk(ExprKind::Load(Box::new(r_lv)), int, span);
        self.mk(
            ExprKind::StmtExpr {
                body,
                result: Some(Box::new(result)),
            },
            int,
            span,
        )
    }

    fn expr_stmt(&self, e: Expr) -> Stmt {
        let span = e.span;
        Stmt {
            kind: StmtKind::Expr(e),
            span,
        }
    }

    /// A call of an atomic builtin (`atomic_form(name)` is known).
    fn atomic_call(&mut self, name: &str, args: &[ExprId], span: Span) -> Expr {
        let (form, n) = atomic_form(name).expect("an atomic builtin");
        if !self.arg_count(name, args, n, span) {
            return self.error_expr(span);
        }
        let ptr = self.expr(args[0]);
        let Some(ty) = self.atomic_operand_type(&ptr, form) else {
            for a in &args[1..] {
                self.expr(*a);
            }
            return self.error_expr(span);
        };
        let value_ty = QualType::new(ty);
        let value = |this: &mut Self, a: ExprId| {
            let v = this.expr(a);
            this.convert_assign(v, value_ty, "passing to parameter of type")
        };
        // The memory orders: clang-19 ignores them for the read-modify-writes
        // (every BPF atomic is sequentially consistent); it cannot compile an
        // atomic load or store at all, which bpfcc does only when relaxed, as
        // a plain access.
        let orders = |this: &mut Self, from: usize| -> bool {
            let mut relaxed = true;
            for a in &args[from..] {
                let o = this.expr(*a);
                relaxed &= matches!(o.kind, ExprKind::Const(0));
            }
            relaxed
        };
        let (builtin, operands, result_ty) = match form {
            AtomicForm::Rmw(op, new_value) => {
                let v = value(self, args[1]);
                orders(self, 2);
                (Builtin::AtomicRmw { op, new_value }, vec![ptr, v], ty)
            }
            AtomicForm::CompareAndSwap { bool_result } => {
                let expected = value(self, args[1]);
                let new = value(self, args[2]);
                let rty = if bool_result { self.t.int } else { ty };
                (
                    Builtin::CompareAndSwap { bool_result },
                    vec![ptr, expected, new],
                    rty,
                )
            }
            AtomicForm::CompareExchange => {
                let expected = self.expr(args[1]);
                let to = self.pointer_to(value_ty);
                let expected = if self.is_error(expected.ty.ty) {
                    expected
                } else if self.types.is_pointer(expected.ty.ty)
                    && self.compatible_pointee(expected.ty.ty, ty)
                {
                    self.cast_to(expected, to)
                } else {
                    let s = self.type_str(expected.ty);
                    let t = self.type_str(QualType::new(to));
                    self.error(
                        expected.span,
                        format!("passing '{s}' to parameter of incompatible type '{t}'"),
                    );
                    self.error_expr(expected.span)
                };
                let desired = value(self, args[2]);
                // The `weak` flag and the orders.
                orders(self, 3);
                let b = self.t.bool_;
                (Builtin::CompareExchange, vec![ptr, expected, desired], b)
            }
            AtomicForm::Load | AtomicForm::Store => {
                let load = matches!(form, AtomicForm::Load);
                let v = (!load).then(|| value(self, args[1]));
                if !orders(self, if load { 1 } else { 2 }) {
                    self.unsupported(
                        span,
                        format!(
                            "'{name}' is supported only with __ATOMIC_RELAXED \
                             (clang-19 cannot compile BPF atomic loads and stores)"
                        ),
                    );
                    return self.error_expr(span);
                }
                match v {
                    None => (Builtin::AtomicLoad, vec![ptr], ty),
                    Some(v) => (Builtin::AtomicStore, vec![ptr, v], self.t.void),
                }
            }
        };
        if operands.iter().any(|o| self.is_error(o.ty.ty)) {
            return self.error_expr(span);
        }
        self.mk(ExprKind::Builtin(builtin, operands), result_ty, span)
    }

    /// The type of the object an atomic builtin's pointer argument points
    /// to (unqualified), or `None` after reporting why it cannot be one.
    fn atomic_operand_type(&mut self, ptr: &Expr, form: AtomicForm) -> Option<TypeId> {
        if self.is_error(ptr.ty.ty) {
            return None;
        }
        let TypeKind::Pointer { pointee, .. } = self.ck(ptr.ty.ty).clone() else {
            let s = self.type_str(ptr.ty);
            self.error(
                ptr.span,
                format!("address argument to atomic builtin must be a pointer ('{s}' invalid)"),
            );
            return None;
        };
        let quals = self.types.canonical_qual(pointee).quals;
        let ty = pointee.ty;
        let arithmetic = matches!(form, AtomicForm::Rmw(op, _) if op != AtomicRmwOp::Xchg);
        let s = self.type_str(ptr.ty);
        if quals.is_const && !matches!(form, AtomicForm::Load) {
            self.error(
                ptr.span,
                format!(
                    "address argument to atomic builtin cannot be const-qualified ('{s}' invalid)"
                ),
            );
            return None;
        }
        let integer = self.is_integer(ty);
        if !(integer || !arithmetic && self.types.is_pointer(ty)) {
            let what = if self.types.is_pointer(ty) {
                "integer"
            } else {
                "integer or pointer"
            };
            self.error(
                ptr.span,
                format!("address argument to atomic builtin must be a pointer to {what} ('{s}' invalid)"),
            );
            return None;
        }
        match self.types.size_of(ty) {
            Some(4 | 8) => Some(ty),
            // clang-19's BPF back end has the same message (without a position).
            _ => {
                self.unsupported(
                    ptr.span,
                    "unsupported atomic operation, please use 32/64 bit version",
                );
                None
            }
        }
    }

    /// Whether a pointer of type `p` may stand for a pointer to `ty` (the
    /// same type up to qualifiers and signedness, as clang's warning-free
    /// conversions).
    fn compatible_pointee(&self, p: TypeId, ty: TypeId) -> bool {
        let TypeKind::Pointer { pointee, .. } = self.ck(p) else {
            return false;
        };
        let (a, b) = (self.types.canonical(pointee.ty), self.types.canonical(ty));
        a == b
            || self.types.int_kind(a).is_some()
                && self.types.size_of(a) == self.types.size_of(b)
                && self.types.int_kind(b).is_some()
    }

    /// Whether `v` reads a parameter of the `always_inline` function being
    /// checked: a value that may be a constant once inlined.
    fn always_inline_param(&self, v: &Expr) -> bool {
        let ExprKind::Load(x) = &v.kind else {
            return false;
        };
        let ExprKind::Local(l) = x.kind else {
            return false;
        };
        self.fn_ctx
            .as_ref()
            .is_some_and(|c| c.params.contains(&l) && self.functions[c.func].attrs.always_inline)
            && self.types.is_scalar(v.ty.ty)
    }

    /// A pointer argument of a memory builtin.
    fn convert_pointer_arg(&mut self, v: Expr, to: QualType) -> Expr {
        if self.is_error(v.ty.ty) {
            return v;
        }
        if !matches!(self.ck(v.ty.ty), TypeKind::Pointer { .. }) {
            let s = self.type_str(v.ty);
            self.error(v.span, format!("passing '{s}' where a pointer is expected"));
            return self.error_expr(v.span);
        }
        self.cast_to(v, to.ty)
    }
}

/// One member step of a CO-RE access: BTF member index (unnamed bitfields
/// are not BTF members), byte offset of the member's storage in its record,
/// the member.
type MemberStep = (u32, u64, Field);

/// A relocated lvalue `Deref(PtrAdd { ptr, index: CoreValue(relo), scale: 1 })`:
/// its root pointer and relocation.
fn core_lvalue(e: &Expr) -> Option<(&Expr, &CoreRelo)> {
    let ExprKind::Deref(p) = &e.kind else {
        return None;
    };
    let ExprKind::PtrAdd {
        ptr,
        index,
        scale: 1,
    } = &p.kind
    else {
        return None;
    };
    match &index.kind {
        ExprKind::CoreValue(r) if r.kind == CoreKind::FieldByteOffset => Some((ptr, r)),
        _ => None,
    }
}

/// libbpf's byte offset and load size of a bitfield at `bit_off` (from the
/// root) of `bit_sz` bits whose type is `type_sz` bytes
/// (`bpf_core_calc_field_relo`), or `None` when no load can read it.
fn bitfield_unit(bit_off: u64, bit_sz: u64, type_sz: u64) -> Option<(u64, u64)> {
    let mut byte_sz = type_sz.max(1);
    let mut byte_off = bit_off / 8 / byte_sz * byte_sz;
    while bit_off + bit_sz - byte_off * 8 > byte_sz * 8 {
        if byte_sz >= 8 {
            return None;
        }
        byte_sz *= 2;
        byte_off = bit_off / 8 / byte_sz * byte_sz;
    }
    Some((byte_off, byte_sz))
}

impl Checker<'_> {
    /// `preserve_access_index` on record `rid`.
    fn preserves_access_index(&self, rid: RecordId) -> bool {
        self.types.records[rid]
            .attrs
            .iter()
            .any(|&a| self.interner.resolve(a).trim_matches('_') == "preserve_access_index")
    }

    /// Record `inner` is defined inside the definition of `outer`.
    fn defined_inside(&self, inner: RecordId, outer: RecordId) -> bool {
        let (i, o) = (
            self.types.records[inner].span,
            self.types.records[outer].span,
        );
        inner != outer && i.file == o.file && o.start <= i.start && i.end <= o.end
    }

    /// Once record `rid` is complete: if it has `preserve_access_index`, so
    /// do the records defined inside it that its members use (anonymous or
    /// named, directly or as arrays), as clang gives them the attribute.
    pub(super) fn propagate_preserve_access_index(&mut self, rid: RecordId) {
        let Some(&attr) = self.types.records[rid]
            .attrs
            .iter()
            .find(|&&a| self.interner.resolve(a).trim_matches('_') == "preserve_access_index")
        else {
            return;
        };
        let mut work = vec![rid];
        while let Some(r) = work.pop() {
            let mut inner_records = Vec::new();
            for f in &self.types.records[r].fields {
                let mut ty = f.ty.ty;
                while let TypeKind::Array { elem, .. } = self.types.ckind(ty) {
                    ty = elem.ty;
                }
                if let TypeKind::Record(inner) = self.types.ckind(ty) {
                    inner_records.push(*inner);
                }
            }
            for inner in inner_records {
                if self.defined_inside(inner, r) && !self.preserves_access_index(inner) {
                    self.types.records[inner].attrs.push(attr);
                    work.push(inner);
                }
            }
        }
    }

    /// The path to member `name` of record `rid`, through anonymous members.
    fn core_member_path(&self, rid: RecordId, name: Sym, out: &mut Vec<MemberStep>) -> bool {
        let mut index = 0u32;
        for f in &self.types.records[rid].fields {
            if f.name.is_none() && f.bitfield.is_some() {
                continue;
            }
            if f.name == Some(name) {
                out.push((index, f.offset, f.clone()));
                return true;
            }
            if f.name.is_none() {
                if let TypeKind::Record(inner) = self.types.ckind(f.ty.ty) {
                    out.push((index, f.offset, f.clone()));
                    if self.core_member_path(*inner, name, out) {
                        return true;
                    }
                    out.pop();
                }
            }
            index += 1;
        }
        false
    }

    /// Member `name` of `base` (a record `rid` lvalue) as a CO-RE relocated
    /// access, when `base`'s record has `preserve_access_index` (or is
    /// defined inside the root of the relocated access `base` already is),
    /// or inside `__builtin_preserve_access_index`: clang's
    /// `FIELD_BYTE_OFFSET` relocation with the access string of the whole
    /// chain (`0:1:2`). `Err(base)` when the access is a plain one.
    pub(super) fn core_member(
        &mut self,
        base: Expr,
        rid: RecordId,
        name: Sym,
        ty: QualType,
        span: Span,
    ) -> Result<Expr, Expr> {
        let region = self.preserve_depth > 0;
        let chained = core_lvalue(&base)
            .filter(|_| region || self.preserves_access_index(rid))
            .map(|(ptr, r)| (ptr.clone(), r.clone()));
        if chained.is_none() && !region && !self.preserves_access_index(rid) {
            return Err(base);
        }
        let mut path = Vec::new();
        if !self.core_member_path(rid, name, &mut path) {
            return Err(base);
        }
        let Some(last) = path.last().cloned() else {
            return Err(base);
        };
        let (root, mut relo) = if let Some(root_and_relo) = chained {
            root_and_relo
        } else {
            let record_size = self.types.size_of(base.ty.ty).unwrap_or(0);
            let root_ty = base.ty.ty;
            let (ptr, first) = match base.kind {
                ExprKind::Deref(p) => match p.kind {
                    ExprKind::PtrAdd { ptr, index, scale }
                        if scale == record_size
                            && matches!(index.kind, ExprKind::Const(n) if n >= 0) =>
                    {
                        let ExprKind::Const(n) = index.kind else {
                            unreachable!()
                        };
                        (*ptr, n)
                    }
                    _ => (*p, 0),
                },
                // A record object: relocated from its address, as clang.
                kind => {
                    let object = Expr { kind, ..base };
                    if !Self::is_lvalue(&object) {
                        return Err(object);
                    }
                    self.mark_address_taken(&object);
                    let pty = self.pointer_to(object.ty);
                    let addr = Expr {
                        kind: ExprKind::AddrOf(Box::new(object)),
                        ty: QualType::new(pty),
                        span,
                    };
                    (addr, 0)
                }
            };
            let relo = CoreRelo {
                kind: CoreKind::FieldByteOffset,
                ty: root_ty,
                access: first.to_string(),
                value: first.wrapping_mul(record_size as i64),
                ends_in_index: false,
            };
            (ptr, relo)
        };
        for (index, offset, _) in &path {
            relo.access.push_str(&format!(":{index}"));
            relo.value += *offset as i64;
        }
        relo.ends_in_index = false;
        if let Some(bf) = last.2.bitfield {
            // Bitfields are read through their storage unit, which must be
            // the unit libbpf computes from the field's bit offset.
            let unit = relo.value as u64;
            let type_size = self.types.size_of(ty.ty).unwrap_or(0);
            let bit_off = unit * 8 + bf.bit_offset as u64;
            if bitfield_unit(bit_off, bf.width as u64, type_size) != Some((unit, type_size)) {
                return Err(self.rebuild_member(root, relo, last, ty, span));
            }
        }
        let long = self.t.long;
        let offset = self.mk(ExprKind::CoreValue(Box::new(relo)), long, span);
        Ok(self.relocated_lvalue(root, offset, ty, last.2.bitfield, span))
    }

    /// `*(T *)((char *)root + offset)`, `offset` a relocated constant; a
    /// bitfield is a member at offset 0 of its storage unit there.
    fn relocated_lvalue(
        &mut self,
        root: Expr,
        offset: Expr,
        ty: QualType,
        bitfield: Option<BitField>,
        span: Span,
    ) -> Expr {
        let pty = self.pointer_to(ty);
        let addr = self.mk(
            ExprKind::PtrAdd {
                ptr: Box::new(root),
                index: Box::new(offset),
                scale: 1,
            },
            pty,
            span,
        );
        let deref = Expr {
            kind: ExprKind::Deref(Box::new(addr)),
            ty,
            span,
        };
        match bitfield {
            None => deref,
            Some(bf) => Expr {
                kind: ExprKind::Member {
                    base: Box::new(deref),
                    offset: 0,
                    bitfield: Some(bf),
                },
                ty,
                span,
            },
        }
    }

    /// A bitfield that cannot be relocated on its own: its storage unit at
    /// the relocated offset of the record that holds it, then the plain
    /// member.
    fn rebuild_member(
        &mut self,
        root: Expr,
        mut relo: CoreRelo,
        (index, offset, field): MemberStep,
        ty: QualType,
        span: Span,
    ) -> Expr {
        let suffix = format!(":{index}");
        relo.access.truncate(relo.access.len() - suffix.len());
        relo.value -= offset as i64;
        let long = self.t.long;
        let byte = QualType::new(self.t.uchar);
        let off = self.mk(ExprKind::CoreValue(Box::new(relo)), long, span);
        let holder = self.relocated_lvalue(root, off, byte, None, span);
        Expr {
            kind: ExprKind::Member {
                base: Box::new(holder),
                offset,
                bitfield: field.bitfield,
            },
            ty,
            span,
        }
    }

    /// `p->arr[i]` with a constant `i` inside a relocated access: the index
    /// joins the access string (`0:1:2`), as clang's array relocation.
    /// `ptr` is the decayed array, `pointee` the element type.
    pub(super) fn core_index(
        &mut self,
        ptr: &Expr,
        index: &Expr,
        scale: u64,
        pointee: QualType,
        span: Span,
    ) -> Option<Expr> {
        let ExprKind::AddrOf(array) = &ptr.kind else {
            return self.core_pointer_index(ptr, index, scale, pointee, span);
        };
        let Some((root, relo)) = core_lvalue(array) else {
            return self.core_pointer_index(ptr, index, scale, pointee, span);
        };
        // With the attribute alone clang relocates one index per array
        // member; inside `__builtin_preserve_access_index`, every index.
        if !self.is_array(array.ty.ty) || relo.ends_in_index && self.preserve_depth == 0 {
            return None;
        }
        let ExprKind::Const(i) = index.kind else {
            return None;
        };
        if i < 0 {
            return None;
        }
        let mut relo = relo.clone();
        relo.access.push_str(&format!(":{i}"));
        relo.value += i.wrapping_mul(scale as i64);
        relo.ends_in_index = true;
        let root = root.clone();
        let long = self.t.long;
        let off = self.mk(ExprKind::CoreValue(Box::new(relo)), long, span);
        Some(self.relocated_lvalue(root, off, pointee, None, span))
    }

    /// `p[n]` with a constant `n` on a pointer to a record inside
    /// `__builtin_preserve_access_index`: relocated on its own (access `n`),
    /// as clang does (`&p[2]` of a struct that may grow in the kernel).
    fn core_pointer_index(
        &mut self,
        ptr: &Expr,
        index: &Expr,
        scale: u64,
        pointee: QualType,
        span: Span,
    ) -> Option<Expr> {
        if self.preserve_depth == 0 || self.const_context > 0 {
            return None;
        }
        self.is_record(pointee.ty)?;
        let ExprKind::Const(n) = index.kind else {
            return None;
        };
        if n < 0 || self.is_array(ptr.ty.ty) {
            return None;
        }
        let relo = CoreRelo {
            kind: CoreKind::FieldByteOffset,
            ty: pointee.ty,
            access: n.to_string(),
            value: n.wrapping_mul(scale as i64),
            ends_in_index: true,
        };
        let long = self.t.long;
        let off = self.mk(ExprKind::CoreValue(Box::new(relo)), long, span);
        Some(self.relocated_lvalue(ptr.clone(), off, pointee, None, span))
    }

    /// The braced initializer of a local `preserve_access_index` record with
    /// a value not known at compile time, as clang compiles it: the object
    /// is zeroed, then each top-level scalar member given a value is stored
    /// through its relocated offset (the local may be handed to a kfunc that
    /// reads the kernel's layout). A constant initializer stays one image. Takes
    /// those members out of `init` and returns the assignments that follow
    /// the declaration.
    pub(super) fn relocate_local_init(
        &mut self,
        local: LocalId,
        ty: QualType,
        init: &mut LocalInit,
        span: Span,
    ) -> Vec<Stmt> {
        let LocalInit::Aggregate(stores) = init else {
            return Vec::new();
        };
        let Some(rid) = self.is_record(ty.ty) else {
            return Vec::new();
        };
        if self.const_context > 0 || !self.preserves_access_index(rid) {
            return Vec::new();
        }
        // A constant initializer is one constant image in clang, unrelocated.
        let constant = stores.iter().all(|s| match s {
            InitStore::Value { value, .. } => matches!(value.kind, ExprKind::Const(_)),
            InitStore::Bytes { .. } => true,
        });
        if constant {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut kept = Vec::with_capacity(stores.len());
        for store in std::mem::take(stores) {
            let InitStore::Value {
                offset,
                bitfield: None,
                value,
            } = store
            else {
                kept.push(store);
                continue;
            };
            let field = self.types.records[rid].fields.iter().find(|f| {
                f.offset == offset
                    && f.bitfield.is_none()
                    && f.name.is_some()
                    && self.types.is_scalar(f.ty.ty)
                    && self.types.canonical(f.ty.ty) == self.types.canonical(value.ty.ty)
            });
            let Some(name) = field.and_then(|f| f.name) else {
                kept.push(InitStore::Value {
                    offset,
                    bitfield: None,
                    value,
                });
                continue;
            };
            let field_ty = value.ty;
            let object = Expr {
                kind: ExprKind::Local(local),
                ty,
                span,
            };
            match self.core_member(object, rid, name, field_ty, span) {
                Ok(lhs) => {
                    let assign = Expr {
                        kind: ExprKind::Assign {
                            lhs: Box::new(lhs),
                            rhs: Box::new(value),
                        },
                        ty: field_ty,
                        span,
                    };
                    out.push(Stmt {
                        kind: StmtKind::Expr(assign),
                        span,
                    });
                }
                Err(_) => kept.push(InitStore::Value {
                    offset,
                    bitfield: None,
                    value,
                }),
            }
        }
        *stores = kept;
        out
    }

    /// `__builtin_preserve_access_index(e)`: `e` with every member access
    /// relocated.
    fn preserve_access_index(&mut self, arg: ExprId) -> Expr {
        self.preserve_depth += 1;
        let e = self.expr(arg);
        self.preserve_depth -= 1;
        e
    }

    /// The flag argument of a CO-RE builtin: an integer constant (clang's
    /// wording otherwise).
    fn core_flag(&mut self, name: &str, arg: ExprId) -> Option<i64> {
        self.const_context += 1;
        let c = self.expr(arg);
        self.const_context -= 1;
        match c.kind {
            ExprKind::Const(v) if self.is_integer(c.ty.ty) => Some(v),
            _ => {
                if !self.is_error(c.ty.ty) {
                    let span = self.tu.exprs[arg].span;
                    self.error(span, format!("{name} argument 2 not a constant"));
                }
                None
            }
        }
    }

    /// `*(T *)x` as clang wants it in `__builtin_preserve_type_info` and
    /// `__builtin_preserve_enum_value`: the cast's operand.
    fn deref_of_cast(&self, arg: ExprId) -> Option<ExprId> {
        let ast::ExprKind::Unary(ast::UnaryOp::Deref, inner) = self.tu.exprs[arg].kind else {
            return None;
        };
        match &self.tu.exprs[inner].kind {
            ast::ExprKind::Cast(_, x) => Some(*x),
            _ => None,
        }
    }

    /// `__builtin_btf_type_id`, `__builtin_preserve_type_info`,
    /// `__builtin_preserve_enum_value`, `__builtin_preserve_field_info`.
    fn core_builtin(&mut self, name: &str, args: &[ExprId], span: Span) -> Expr {
        if !self.arg_count(name, args, 2, span) {
            return self.error_expr(span);
        }
        let arg_span = self.tu.exprs[args[0]].span;
        let invalid = |c: &mut Self, what: &str| {
            c.error(arg_span, format!("{name} argument 1 {what}"));
            c.error_expr(span)
        };
        if name == "__builtin_preserve_field_info" {
            self.preserve_depth += 1;
            let access = self.expr_nodecay(args[0]);
            self.preserve_depth -= 1;
            let flag = self.core_flag(name, args[1]);
            if self.is_error(access.ty.ty) {
                return self.error_expr(span);
            }
            let Some(flag) = flag else {
                return self.error_expr(span);
            };
            let flag_span = self.tu.exprs[args[1]].span;
            return match self.field_info(&access, flag, span, flag_span) {
                Some(e) => e,
                None => invalid(self, "not a field access"),
            };
        }
        // clang's shapes: `__builtin_btf_type_id` takes any expression,
        // `__builtin_preserve_type_info` a variable or `*(T *)0` of a
        // typedef or a named record or enum, `__builtin_preserve_enum_value`
        // `*(enum E *)ENUMERATOR`.
        let operand = match name {
            "__builtin_btf_type_id" => Some(args[0]),
            "__builtin_preserve_type_info" => matches!(
                self.tu.exprs[args[0]].kind,
                ast::ExprKind::Ident(_) | ast::ExprKind::Unary(..)
            )
            .then_some(args[0]),
            _ => self.deref_of_cast(args[0]),
        };
        let v = self.expr_nodecay(args[0]);
        let flag = self.core_flag(name, args[1]);
        if self.is_error(v.ty.ty) {
            return self.error_expr(span);
        }
        let Some(operand) = operand else {
            return invalid(self, "invalid");
        };
        let Some(flag) = flag else {
            return self.error_expr(span);
        };
        let ty = v.ty.ty;
        let (kind, value, access, result) = match name {
            "__builtin_btf_type_id" => {
                let kind = if flag == 0 {
                    CoreKind::TypeIdLocal
                } else {
                    CoreKind::TypeIdTarget
                };
                (kind, 0, "0".to_string(), self.t.ulong)
            }
            "__builtin_preserve_type_info" => {
                let named = match self.types.kind(ty) {
                    TypeKind::Typedef { .. } => true,
                    TypeKind::Record(r) => self.types.records[*r].name.is_some(),
                    TypeKind::Enum(e) => self.types.enums[*e].name.is_some(),
                    _ => false,
                };
                if !named {
                    return invalid(self, "invalid");
                }
                let size = self.types.size_of(ty).unwrap_or(0) as i64;
                let (kind, value) = match flag {
                    0 => (CoreKind::TypeExists, 1),
                    1 => (CoreKind::TypeSize, size),
                    2 => (CoreKind::TypeMatches, 1),
                    _ => {
                        let fspan = self.tu.exprs[args[1]].span;
                        self.error(fspan, format!("{name} argument 2 invalid"));
                        return self.error_expr(span);
                    }
                };
                (kind, value, "0".to_string(), self.t.ulong)
            }
            _ => {
                // `*(enum E *)ENUMERATOR`: the enumerator by name.
                let (TypeKind::Enum(eid), ast::ExprKind::Ident(en)) =
                    (self.types.ckind(ty), &self.tu.exprs[operand].kind)
                else {
                    return invalid(self, "invalid");
                };
                let values = &self.types.enums[*eid].values;
                let Some(k) = values.iter().position(|(n, _)| n == en) else {
                    return invalid(self, "invalid");
                };
                let (kind, value) = match flag {
                    0 => (CoreKind::EnumvalExists, 1),
                    1 => (CoreKind::EnumvalValue, values[k].1),
                    _ => {
                        let fspan = self.tu.exprs[args[1]].span;
                        self.error(fspan, format!("{name} argument 2 invalid"));
                        return self.error_expr(span);
                    }
                };
                (kind, value, k.to_string(), self.t.long)
            }
        };
        let relo = CoreRelo {
            kind,
            ty,
            access,
            value,
            ends_in_index: false,
        };
        self.mk(ExprKind::CoreValue(Box::new(relo)), result, span)
    }

    /// `__builtin_preserve_field_info(access, flag)` of a relocated member
    /// access: the field's offset, size, existence, signedness or shifts
    /// (`bpf_core_calc_field_relo` with this program's types), `None` when
    /// `access` is no relocated field access.
    fn field_info(
        &mut self,
        access: &Expr,
        flag: i64,
        span: Span,
        flag_span: Span,
    ) -> Option<Expr> {
        let (bitfield, lv) = match &access.kind {
            ExprKind::Member {
                base,
                offset: 0,
                bitfield: Some(bf),
            } => (Some(*bf), &**base),
            _ => (None, access),
        };
        let (_, relo) = core_lvalue(lv)?;
        let mut relo = relo.clone();
        let type_size = self.types.size_of(access.ty.ty)?;
        let signed = self
            .types
            .int_kind(access.ty.ty)
            .is_some_and(|k| k.is_signed())
            || matches!(self.types.ckind(access.ty.ty), TypeKind::Enum(_))
                && self
                    .types
                    .int_kind(access.ty.ty)
                    .is_some_and(|k| k.is_signed());
        let (bit_off, bit_sz) = match bitfield {
            Some(bf) => (
                relo.value as u64 * 8 + bf.bit_offset as u64,
                bf.width as u64,
            ),
            None => (relo.value as u64 * 8, type_size * 8),
        };
        let (byte_off, byte_sz) = match bitfield {
            Some(_) => bitfield_unit(bit_off, bit_sz, type_size)?,
            None => (relo.value as u64, type_size),
        };
        let (kind, value) = match flag {
            0 => (CoreKind::FieldByteOffset, byte_off as i64),
            1 => (CoreKind::FieldByteSize, byte_sz as i64),
            2 => (CoreKind::FieldExists, 1),
            3 => (CoreKind::FieldSigned, signed as i64),
            4 => (
                CoreKind::FieldLshiftU64,
                64 - (bit_off + bit_sz - byte_off * 8) as i64,
            ),
            5 => (CoreKind::FieldRshiftU64, 64 - bit_sz as i64),
            _ => {
                self.error(
                    flag_span,
                    "__builtin_preserve_field_info argument 2 invalid",
                );
                return Some(self.error_expr(span));
            }
        };
        relo.kind = kind;
        relo.value = value;
        let uint = self.t.uint;
        Some(self.mk(ExprKind::CoreValue(Box::new(relo)), uint, span))
    }
}
