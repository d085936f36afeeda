//! The typed tree: what semantic analysis produces and lowering consumes.
//!
//! Everything C's rules decide is decided here, so lowering never looks at C
//! semantics: names are resolved to [`LocalId`], [`GlobalId`] and [`FuncId`];
//! every expression has its type; implicit conversions (promotions, the usual
//! arithmetic conversions, lvalue-to-rvalue, array and function decay) are
//! explicit nodes; member accesses are byte offsets; `sizeof`, `offsetof`,
//! `__builtin_constant_p` and other constant expressions are folded to
//! [`ExprKind::Const`]; initializers are flattened to stores at offsets.

use super::types::{BitField, QualType, TypeId, TypeTable};
use crate::intern::Sym;
use crate::source::Span;
use cranelift_entity::{entity_impl, PrimaryMap};

#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GlobalId(u32);
entity_impl!(GlobalId, "global");

#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncId(u32);
entity_impl!(FuncId, "func");

/// A local variable, parameter or sema-made temporary of one function.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalId(u32);
entity_impl!(LocalId, "local");

/// A `goto` label of one function.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LabelId(u32);
entity_impl!(LabelId, "label");

/// A `case` or `default` label of one function.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseId(u32);
entity_impl!(CaseId, "case");

pub struct Program {
    pub types: TypeTable,
    pub globals: PrimaryMap<GlobalId, Global>,
    pub functions: PrimaryMap<FuncId, Function>,
    /// Top-level `asm("...")` blocks, in order.
    pub toplevel_asm: Vec<(Vec<u8>, Span)>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Linkage {
    /// Global symbol.
    External,
    /// `static`.
    Internal,
}

#[derive(Clone, Debug, Default)]
pub struct DeclAttrs {
    pub weak: bool,
    pub used: bool,
    pub unused: bool,
    /// `visibility("hidden")`.
    pub hidden: bool,
    pub always_inline: bool,
    pub noinline: bool,
    pub naked: bool,
    pub noreturn: bool,
    /// `btf_decl_tag("...")` values, in order.
    pub decl_tags: Vec<Vec<u8>>,
    /// A function's parameters' `btf_decl_tag("...")` values, as (parameter
    /// index, tag) in order; from the definition, else the latest declaration
    /// that has any (clang's choice).
    pub param_decl_tags: Vec<(u32, Vec<u8>)>,
}

pub struct Global {
    pub name: Sym,
    pub ty: QualType,
    pub linkage: Linkage,
    /// Declared but not defined in this unit (`extern int x;`, `__ksym`, `__kconfig`).
    pub is_extern: bool,
    /// `None`: no initializer (a tentative definition `int x;`, or extern).
    /// `Some` for every explicit initializer, even all-zero (`int x = 0;`):
    /// clang puts both kinds in `.bss` but orders them differently. The image
    /// can be longer than the type when a flexible array member is
    /// initialized (libbpf's `.values = { &inner }`): that is the object's size.
    pub init: Option<ConstInit>,
    /// `section("...")`; lowering picks `.data`/`.rodata`/`.bss` when absent.
    pub section: Option<String>,
    pub align: u64,
    pub attrs: DeclAttrs,
    /// Made by sema: string literals, file-scope compound literals, static locals
    /// (named `function.variable`, as clang names them).
    pub synthesized: bool,
    /// A libbpf-style helper pointer (`static long (*bpf_x)(...) = (void *) N;`):
    /// calls through it are `Callee::Helper(N)`, and the variable is not
    /// emitted as data.
    pub helper_id: Option<i64>,
    pub span: Span,
}

/// A constant initializer image: the bytes of the object, and the places that
/// hold addresses of other objects or functions.
#[derive(Clone, Debug, Default)]
pub struct ConstInit {
    pub bytes: Vec<u8>,
    pub relocs: Vec<ConstReloc>,
}

#[derive(Clone, Debug)]
pub struct ConstReloc {
    /// Byte offset in the object of an 8-byte address field.
    pub offset: u64,
    pub target: SymbolRef,
    pub addend: i64,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SymbolRef {
    Global(GlobalId),
    Func(FuncId),
}

pub struct Function {
    pub name: Sym,
    /// A `TypeKind::Function`.
    pub ty: TypeId,
    pub linkage: Linkage,
    pub section: Option<String>,
    pub attrs: DeclAttrs,
    pub is_inline: bool,
    /// `__attribute__((kernel_helper(N)))`: calls compile to `call N`.
    pub helper_id: Option<i64>,
    /// `asm("name")` after the declarator.
    pub asm_label: Option<String>,
    /// `None` for a declaration without definition.
    pub body: Option<FunctionBody>,
    pub span: Span,
}

pub struct FunctionBody {
    pub params: Vec<LocalId>,
    pub locals: PrimaryMap<LocalId, Local>,
    pub labels: PrimaryMap<LabelId, Label>,
    pub body: Vec<Stmt>,
    /// Span of the closing brace (line info for the implicit return).
    pub end_span: Span,
}

pub struct Local {
    /// `None` for a temporary sema made.
    pub name: Option<Sym>,
    pub ty: QualType,
    pub align: u64,
    /// `&x` is taken somewhere (or it is an aggregate): it must live in memory.
    pub address_taken: bool,
    pub span: Span,
}

pub struct Label {
    pub name: Sym,
    pub span: Span,
}

// ---------------------------------------------------------------------------
// Statements

#[derive(Clone, Debug)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum StmtKind {
    Expr(Expr),
    /// A local's declaration with its initializer (none: left uninitialized).
    Decl {
        local: LocalId,
        init: Option<LocalInit>,
    },
    Block(Vec<Stmt>),
    If {
        cond: Expr,
        then: Box<Stmt>,
        els: Option<Box<Stmt>>,
    },
    While {
        cond: Expr,
        body: Box<Stmt>,
    },
    DoWhile {
        body: Box<Stmt>,
        cond: Expr,
    },
    For {
        init: Vec<Stmt>,
        cond: Option<Expr>,
        step: Option<Expr>,
        body: Box<Stmt>,
    },
    /// The `Case` statements of this switch are somewhere inside `body`.
    Switch {
        cond: Expr,
        cases: Vec<SwitchCase>,
        default: Option<CaseId>,
        body: Box<Stmt>,
    },
    /// Where a `case`/`default` label of the enclosing switch stands.
    Case(CaseId),
    Break,
    Continue,
    Goto(LabelId),
    Label(LabelId),
    Return(Option<Expr>),
    Asm(AsmStmt),
}

/// `case lo ... hi:` (`lo == hi` for a plain case). Values are those of the
/// switch's (promoted) condition type, sign-extended to 64 bits when signed.
#[derive(Clone, Debug)]
pub struct SwitchCase {
    pub lo: i64,
    pub hi: i64,
    pub id: CaseId,
}

/// A local's initializer.
#[derive(Clone, Debug)]
pub enum LocalInit {
    /// A scalar, or a whole aggregate copied from an lvalue of the same type.
    Expr(Expr),
    /// Braced or string initializer of an aggregate: the object is zeroed, then
    /// these stores are done in order.
    Aggregate(Vec<InitStore>),
}

#[derive(Clone, Debug)]
pub enum InitStore {
    /// Store `value` (a scalar, or an aggregate lvalue to copy) at `offset`.
    Value {
        offset: u64,
        bitfield: Option<BitField>,
        value: Expr,
    },
    /// Bytes of a string literal.
    Bytes { offset: u64, bytes: Vec<u8> },
}

#[derive(Clone, Debug)]
pub struct AsmStmt {
    pub is_volatile: bool,
    pub template: Vec<u8>,
    pub template_span: Span,
    /// See [`crate::parse::ast::AsmStmt::template_pieces`].
    pub template_pieces: Vec<(u32, Span)>,
    /// Output operands: constraint (`=r`, `+r`) and the lvalue written.
    pub outputs: Vec<AsmOperand>,
    /// Input operands: constraint (`r`, `i`, `g`) and the value.
    pub inputs: Vec<AsmOperand>,
    pub clobbers: Vec<Vec<u8>>,
    /// `asm goto` targets.
    pub labels: Vec<LabelId>,
}

#[derive(Clone, Debug)]
pub struct AsmOperand {
    pub name: Option<Sym>,
    pub constraint: Vec<u8>,
    pub expr: Expr,
}

// ---------------------------------------------------------------------------
// Expressions

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    /// The expression's type. For lvalues, the qualifiers tell whether an access
    /// is volatile.
    pub ty: QualType,
    pub span: Span,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    /// `~`
    BitNot,
    /// `!` (result `int` 0 or 1)
    LogNot,
}

/// Arithmetic on operands already converted to a common type (for shifts, each
/// operand promoted on its own). Signedness comes from the operand type;
/// comparisons give `int` 0 or 1.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Shl,
    Shr,
    And,
    Or,
    Xor,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// The operation of `lhs op= rhs`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum CompoundOp {
    /// `lhs = (lhs_type)((op_ty)lhs op rhs)`; `rhs` is already of `op_ty`.
    Arith { op: BinOp, op_ty: TypeId },
    /// `p += n` / `p -= n` on a pointer: `rhs` is a `long` element count.
    PtrAdd { scale: u64, negate: bool },
}

#[derive(Clone, Debug)]
pub enum Callee {
    /// A function defined or declared in this unit (a BPF-to-BPF call, or an
    /// extern kfunc when it has no body and no helper id).
    Direct(FuncId),
    /// A BPF helper by number: a `kernel_helper(N)` prototype, or a libbpf-style
    /// `static long (*bpf_x)(...) = (void *) N;` constant function pointer.
    Helper(i64),
    Indirect(Box<Expr>),
}

/// The operation of an atomic read-modify-write builtin.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum AtomicRmwOp {
    Add,
    Sub,
    And,
    Or,
    Xor,
    /// `__sync_lock_test_and_set`, `__atomic_exchange_n`.
    Xchg,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// LD_ABS / LD_IND of 1, 2 or 4 bytes: args `[skb, offset]`. From
    /// `__builtin_bpf_load_byte/half/word(off)` (skb: the function's first
    /// parameter) and llvm's `asm("llvm.bpf.load.byte")` declarations.
    LoadPacket { width: u8 },
    /// `__builtin_bswap16/32/64`: args `[value]`.
    Bswap { bits: u8 },
    /// `__builtin_memcpy(dst, src, n)` / `memmove`, `n` constant: args `[dst, src]`.
    Memcpy { size: u64 },
    /// `__builtin_memset(dst, byte, n)`, `n` constant: args `[dst, byte]`.
    Memset { size: u64 },
    /// `__sync_fetch_and_OP(ptr, v)`, `__sync_OP_and_fetch`, their
    /// `__atomic_*` forms, `__sync_lock_test_and_set`, `__atomic_exchange_n`:
    /// args `[ptr, v]`, `v` of the pointee type, which is the expression's
    /// (4 or 8 bytes). `new_value`: the result is the new contents
    /// (`OP_and_fetch`), else the old ones.
    AtomicRmw { op: AtomicRmwOp, new_value: bool },
    /// `__sync_val_compare_and_swap(ptr, expected, new)` (the old contents)
    /// and, with `bool_result`, `__sync_bool_compare_and_swap` (`int` 1 when
    /// it swapped): args `[ptr, expected, new]`.
    CompareAndSwap { bool_result: bool },
    /// `__atomic_compare_exchange_n(ptr, expected_ptr, desired, ...)`: args
    /// `[ptr, expected_ptr, desired]`; `_Bool` 1 when it swapped, else the
    /// old contents are stored to `*expected_ptr`.
    CompareExchange,
    /// `__atomic_load_n(ptr, __ATOMIC_RELAXED)`: args `[ptr]`.
    AtomicLoad,
    /// `__atomic_store_n(ptr, v, __ATOMIC_RELAXED)`: args `[ptr, v]`.
    AtomicStore,
    /// `__builtin_constant_p(param)` in an `always_inline` function: args
    /// `[param]`; `int` 1 if it is a constant once inlined, else 0.
    ConstantP,
    /// `__builtin_trap()`.
    Trap,
    /// `__builtin_unreachable()`.
    Unreachable,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    /// An integer constant of the expression's type, sign- or zero-extended to 64
    /// bits by that type's signedness.
    Const(i64),

    // Lvalues. Used as values only through `Load`, `AddrOf`, assignment, or as
    // an aggregate operand (copied through its address).
    Local(LocalId),
    Global(GlobalId),
    /// `*ptr`.
    Deref(Box<Expr>),
    /// A member of a record lvalue, at a byte offset (anonymous members folded in).
    Member {
        base: Box<Expr>,
        offset: u64,
        bitfield: Option<BitField>,
    },

    // Rvalues.
    /// The scalar value stored in an lvalue.
    Load(Box<Expr>),
    /// The address of an lvalue; also array-to-pointer decay (the type says
    /// which pointer).
    AddrOf(Box<Expr>),
    /// The address of a function (function-to-pointer decay or `&f`).
    Func(FuncId),
    /// Convert a scalar to the expression's type (integer widening or
    /// narrowing, pointer/integer, to `_Bool`), or discard it (`void`).
    Cast(Box<Expr>),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `ptr + index * scale` (`index` a `long`; sema negates it for `ptr - n`).
    PtrAdd {
        ptr: Box<Expr>,
        index: Box<Expr>,
        scale: u64,
    },
    /// `(lhs - rhs) / scale`, a `long`.
    PtrDiff {
        lhs: Box<Expr>,
        rhs: Box<Expr>,
        scale: u64,
    },
    /// `&&`, `||`: `int` 0 or 1, right side evaluated only when needed.
    LogAnd(Box<Expr>, Box<Expr>),
    LogOr(Box<Expr>, Box<Expr>),
    /// `c ? a : b` with `a` and `b` converted to the result type; GNU `c ?: b`
    /// comes as a temporary assigned in `cond`.
    Cond {
        cond: Box<Expr>,
        then: Box<Expr>,
        els: Box<Expr>,
    },
    Comma(Box<Expr>, Box<Expr>),
    /// `lhs = rhs` (rhs converted to lhs's type; aggregates copied); the value is
    /// the stored value.
    Assign {
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    CompoundAssign {
        op: CompoundOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `++`/`--`: `delta` is ±1, or ±element size for pointers.
    IncDec {
        lhs: Box<Expr>,
        delta: i64,
        pre: bool,
    },
    /// Arguments converted to the parameter types (default promotions past
    /// the prototype).
    Call {
        callee: Callee,
        args: Vec<Expr>,
    },
    /// GNU statement expression; its value is `result`'s (`None`: void).
    StmtExpr {
        body: Vec<Stmt>,
        result: Option<Box<Expr>>,
    },
    Builtin(Builtin, Vec<Expr>),
    /// A constant libbpf relocates at load time (CO-RE, see `btf::core`),
    /// of the expression's integer type. A member of a
    /// `preserve_access_index` record is `Deref(PtrAdd { ptr, index:
    /// CoreValue(byte offset), scale: 1 })`.
    CoreValue(Box<crate::btf::core::CoreRelo>),
}
