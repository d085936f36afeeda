//! The syntax tree of a C translation unit, as written.
//!
//! The parser builds it; semantic analysis (`sema`) reads it and produces the
//! typed tree. Expressions and statements live in arenas of the
//! [`TranslationUnit`] and are referred to by [`ExprId`] and [`StmtId`], so the
//! tree is cheap to build and side tables can be keyed by id. Nothing here is
//! resolved: identifiers are names, types are specifier lists and declarators.
//!
//! Lists in declarations are `Box<[T]>`, not `Vec<T>`: 16 bytes instead of 24
//! and no spare capacity, which counts in a vmlinux.h (~69k struct members,
//! each with specifiers and a declarator). The parser builds them on its own
//! stacks and moves them out at their final size.

use crate::intern::Sym;
use crate::source::Span;
use cranelift_entity::{entity_impl, PrimaryMap};

#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExprId(u32);
entity_impl!(ExprId, "expr");

#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StmtId(u32);
entity_impl!(StmtId, "stmt");

#[derive(Default, Debug)]
pub struct TranslationUnit {
    pub items: Vec<ExternalDecl>,
    pub exprs: PrimaryMap<ExprId, Expr>,
    pub stmts: PrimaryMap<StmtId, Stmt>,
}

#[derive(Clone, Debug)]
pub enum ExternalDecl {
    Declaration(Declaration),
    /// Boxed: rare next to declarations, and larger.
    FunctionDef(Box<FunctionDef>),
    StaticAssert(StaticAssert),
    /// Top-level `asm("...");`.
    Asm(Vec<u8>, Span),
}

#[derive(Clone, Debug)]
pub struct StaticAssert {
    pub cond: ExprId,
    pub message: Option<Vec<u8>>,
    pub span: Span,
}

/// An exact-size list that keeps a single element inline: most declarations
/// have one type specifier (`u32`, `struct foo`) and at most one derived part
/// (`*`), and vmlinux.h has ~69k struct members, each of which would
/// otherwise need an allocation for its one specifier. Reads as a slice.
#[derive(Clone)]
pub enum SmallList<T> {
    One(T),
    /// Zero or several elements.
    Many(Box<[T]>),
}

impl<T> Default for SmallList<T> {
    fn default() -> Self {
        SmallList::Many(Box::default())
    }
}

impl<T> std::ops::Deref for SmallList<T> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        match self {
            SmallList::One(x) => std::slice::from_ref(x),
            SmallList::Many(xs) => xs,
        }
    }
}

impl<'a, T> IntoIterator for &'a SmallList<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T> From<Vec<T>> for SmallList<T> {
    fn from(mut v: Vec<T>) -> Self {
        match v.len() {
            1 => SmallList::One(v.pop().expect("one element")),
            _ => SmallList::Many(v.into_boxed_slice()),
        }
    }
}

impl<T> FromIterator<T> for SmallList<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut it = iter.into_iter();
        let Some(first) = it.next() else {
            return SmallList::default();
        };
        let Some(second) = it.next() else {
            return SmallList::One(first);
        };
        let mut v = Vec::with_capacity(2 + it.size_hint().0);
        v.push(first);
        v.push(second);
        v.extend(it);
        SmallList::Many(v.into_boxed_slice())
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for SmallList<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A list that is almost always empty (a struct member's attributes and
/// `_Alignas`): one pointer, allocated only when there are elements. Reads as
/// a slice.
#[derive(Clone)]
// The box is the point: 8 bytes in the node instead of a `Vec`'s 24.
#[allow(clippy::box_collection)]
pub struct RareList<T>(Option<Box<Vec<T>>>);

impl<T> Default for RareList<T> {
    fn default() -> Self {
        RareList(None)
    }
}

impl<T> RareList<T> {
    pub fn push(&mut self, x: T) {
        self.as_vec_mut().push(x);
    }

    /// The elements as a `Vec` to append to (allocated on first use).
    pub fn as_vec_mut(&mut self) -> &mut Vec<T> {
        self.0.get_or_insert_with(Default::default)
    }
}

impl<T> std::ops::Deref for RareList<T> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        match &self.0 {
            Some(v) => v,
            None => &[],
        }
    }
}

impl<'a, T> IntoIterator for &'a RareList<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T> From<Vec<T>> for RareList<T> {
    fn from(v: Vec<T>) -> Self {
        RareList(if v.is_empty() {
            None
        } else {
            Some(Box::new(v))
        })
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for RareList<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

// ---------------------------------------------------------------------------
// Declarations

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum StorageClass {
    Typedef,
    Extern,
    Static,
    Auto,
    Register,
}

#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Qualifiers {
    pub is_const: bool,
    pub is_volatile: bool,
    pub is_restrict: bool,
    pub is_atomic: bool,
}

/// `__attribute__((name(args)))`, also `[[name(args)]]`. Arguments are parsed
/// as assignment expressions; a bare identifier argument (`format(printf, 1, 2)`,
/// `mode(DI)`) is an `ExprKind::Ident`. The name is stored without the
/// surrounding underscores (`__packed__` -> `packed`).
#[derive(Clone, Debug)]
pub struct Attribute {
    pub name: Sym,
    pub args: Box<[ExprId]>,
    pub span: Span,
}

/// Declaration specifiers: storage class, type specifiers, qualifiers,
/// function specifiers and attributes, in any order as C allows.
#[derive(Clone, Debug, Default)]
pub struct DeclSpecs {
    pub storage: Option<StorageClass>,
    pub thread_local: bool,
    pub is_inline: bool,
    pub is_noreturn: bool,
    /// In source order; sema checks the combination (`unsigned long long int`).
    pub type_specs: SmallList<TypeSpec>,
    pub quals: Qualifiers,
    /// `_Alignas(N)` or `_Alignas(type)`.
    pub alignas: RareList<AlignAs>,
    pub attrs: RareList<Attribute>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum AlignAs {
    Expr(ExprId),
    Type(Box<TypeName>),
}

#[derive(Clone, Debug)]
pub enum TypeSpec {
    /// All the keyword specifiers of the declaration (`long unsigned int`),
    /// counted in one entry: only their counts matter, and one entry instead of
    /// one per keyword keeps most specifier lists at a single element.
    Basic(BasicSpecs),
    /// Boxed: a definition is large and rare next to `int`/typedef names, and
    /// keeping `TypeSpec` small keeps every `DeclSpecs` small.
    Record(Box<RecordSpec>),
    /// `struct foo` / `union foo` with neither body nor attributes: a use or a
    /// forward declaration. Inline, not a boxed `RecordSpec`: vmlinux.h has
    /// ~36k of them (`struct list_head *next;`).
    RecordRef(RecordRef),
    Enum(Box<EnumSpec>),
    TypedefName(Sym, Span),
    /// `typeof(expr)` / `__typeof__(expr)`; `unqual` for `__typeof_unqual__`.
    TypeofExpr {
        expr: ExprId,
        unqual: bool,
    },
    TypeofType {
        ty: Box<TypeName>,
        unqual: bool,
    },
    /// `__auto_type`.
    AutoType,
    /// `_Atomic(type)`.
    Atomic(Box<TypeName>),
}

/// How many times each keyword type specifier appears (saturating); sema
/// checks the combination.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct BasicSpecs {
    pub void: u8,
    pub char: u8,
    pub short: u8,
    pub int: u8,
    pub long: u8,
    pub float: u8,
    pub double: u8,
    pub signed: u8,
    pub unsigned: u8,
    pub bool: u8,
    /// `__int128`, `__int128_t` (signedness from `signed`/`unsigned`);
    /// `__uint128_t` counts as `unsigned` + `int128`.
    pub int128: u8,
    /// `_Complex` (and `_Imaginary`).
    pub complex: u8,
    /// `_Float16`, `__bf16`.
    pub other_float: u8,
    /// `__builtin_va_list`.
    pub va_list: u8,
}

#[derive(Clone, Debug)]
pub struct RecordSpec {
    pub is_union: bool,
    pub name: Option<(Sym, Span)>,
    /// `None` for a reference or forward declaration (`struct foo`), `Some` for a
    /// definition (possibly empty: `struct foo {}`).
    pub members: Option<Box<[MemberDecl]>>,
    /// The declarators of all `members`, in order; each member owns the range
    /// `MemberDecl::declarators` of it (see [`RecordSpec::declarators`]). One
    /// list per record rather than one per member: vmlinux.h has ~69k members.
    pub member_declarators: Box<[MemberDeclarator]>,
    pub attrs: Box<[Attribute]>,
    pub span: Span,
}

/// See [`TypeSpec::RecordRef`].
#[derive(Copy, Clone, Debug)]
pub struct RecordRef {
    pub is_union: bool,
    pub name: Sym,
    pub name_span: Span,
    /// Where `struct`/`union` starts; the whole specifier ends with the name.
    pub start: u32,
}

impl RecordRef {
    /// `struct foo`, as [`RecordSpec::span`] would be.
    pub fn span(&self) -> Span {
        Span::new(self.name_span.file, self.start, self.name_span.end)
    }
}

impl RecordSpec {
    /// The declarators of member `m` of this record.
    pub fn declarators(&self, m: &MemberDecl) -> &[MemberDeclarator] {
        &self.member_declarators[m.declarators.start as usize..m.declarators.end as usize]
    }
}

/// One member declaration in a struct or union. An anonymous struct/union
/// member has no declarators.
#[derive(Clone, Debug)]
pub struct MemberDecl {
    pub specs: DeclSpecs,
    /// Indices into the record's `RecordSpec::member_declarators`.
    pub declarators: std::ops::Range<u32>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct MemberDeclarator {
    /// `None` for an unnamed bitfield (`int : 3;`).
    pub declarator: Option<Declarator>,
    pub bit_width: Option<ExprId>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct EnumSpec {
    pub name: Option<(Sym, Span)>,
    /// `enum e : unsigned char { ... }` (C23 / clang extension).
    pub underlying: Option<Box<TypeName>>,
    pub enumerators: Option<Box<[Enumerator]>>,
    pub attrs: Box<[Attribute]>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Enumerator {
    pub name: Sym,
    pub value: Option<ExprId>,
    pub attrs: Box<[Attribute]>,
    pub span: Span,
}

/// A declarator: a name (absent in abstract declarators and unnamed
/// parameters) with the pointer, array and function parts around it.
///
/// `derived` lists the parts from the name outward: for `int *a[3]`, `a` is
/// "array of 3 pointer to int", so `derived == [Array(3), Pointer]`. The type is
/// built by applying `derived` in reverse onto the specifiers' type.
#[derive(Clone, Debug, Default)]
pub struct Declarator {
    pub name: Option<(Sym, Span)>,
    pub derived: SmallList<DerivedDecl>,
    /// Attributes after the declarator (`int x __attribute__((aligned(8)))`) and
    /// those right before its name.
    pub attrs: RareList<Attribute>,
    /// `asm("label")` after the declarator: the symbol name (llvm's
    /// `asm("llvm.bpf.load.byte")` spelling of intrinsics uses this).
    pub asm_label: Option<Box<[u8]>>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum DerivedDecl {
    Pointer {
        quals: Qualifiers,
        attrs: Box<[Attribute]>,
    },
    Array {
        size: ArraySize,
        quals: Qualifiers,
        is_static: bool,
    },
    /// Boxed: rare next to pointers and arrays, and four times their size.
    Function(Box<FunctionDecl>),
}

#[derive(Clone, Debug)]
pub enum ArraySize {
    /// `[]`
    Unspecified,
    Expr(ExprId),
    /// `[*]`
    Star,
}

#[derive(Clone, Debug)]
pub struct FunctionDecl {
    pub params: Vec<ParamDecl>,
    pub variadic: bool,
    /// `f()` in a declaration: no prototype. `f(void)` has `params` empty and
    /// `no_prototype` false.
    pub no_prototype: bool,
    /// K&R identifier list `f(a, b)`: the names, declared later by
    /// `FunctionDef::knr_decls`.
    pub knr_names: Vec<(Sym, Span)>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ParamDecl {
    pub specs: DeclSpecs,
    pub declarator: Declarator,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Declaration {
    pub specs: DeclSpecs,
    pub declarators: Box<[InitDeclarator]>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct InitDeclarator {
    pub declarator: Declarator,
    pub init: Option<Initializer>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Initializer {
    Expr(ExprId),
    /// `{ ... }`, possibly empty.
    List(Vec<InitItem>, Span),
}

#[derive(Clone, Debug)]
pub struct InitItem {
    /// `.a`, `[3]`, `[1 ... 4]`, in order (`.a[2].b = x`); empty for positional items.
    pub designators: Vec<Designator>,
    pub init: Initializer,
}

#[derive(Clone, Debug)]
pub enum Designator {
    Field(Sym, Span),
    Index(ExprId),
    /// GNU `[lo ... hi]`.
    Range(ExprId, ExprId),
}

/// A type name as in casts, `sizeof(type)`, `typeof(type)`.
#[derive(Clone, Debug)]
pub struct TypeName {
    pub specs: DeclSpecs,
    pub declarator: Declarator,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct FunctionDef {
    pub specs: DeclSpecs,
    /// Its first `derived` element (the one nearest the name) is
    /// `DerivedDecl::Function` (possibly under parentheses: `int (f)(void)` is
    /// the same); `int *f(void)` has `derived == [Function, Pointer]`.
    pub declarator: Declarator,
    /// Declarations of K&R parameters between `)` and `{`.
    pub knr_decls: Vec<Declaration>,
    /// A `StmtKind::Compound`.
    pub body: StmtId,
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
pub enum BlockItem {
    Decl(Declaration),
    StaticAssert(StaticAssert),
    Stmt(StmtId),
}

#[derive(Clone, Debug)]
pub enum ForInit {
    None,
    Expr(ExprId),
    Decl(Declaration),
}

#[derive(Clone, Debug)]
pub enum StmtKind {
    Compound(Vec<BlockItem>),
    /// `expr;` or the empty statement `;` (`None`).
    Expr(Option<ExprId>),
    If {
        cond: ExprId,
        then: StmtId,
        els: Option<StmtId>,
    },
    While {
        cond: ExprId,
        body: StmtId,
    },
    DoWhile {
        body: StmtId,
        cond: ExprId,
    },
    For {
        init: ForInit,
        cond: Option<ExprId>,
        step: Option<ExprId>,
        body: StmtId,
    },
    Switch {
        cond: ExprId,
        body: StmtId,
    },
    /// `case lo:` or GNU `case lo ... hi:`, labelling `body`.
    Case {
        lo: ExprId,
        hi: Option<ExprId>,
        body: StmtId,
    },
    Default {
        body: StmtId,
    },
    Break,
    Continue,
    /// `goto label;`, with the label's span.
    Goto(Sym, Span),
    /// `goto *expr;`
    GotoIndirect(ExprId),
    Label {
        name: Sym,
        attrs: Vec<Attribute>,
        body: StmtId,
    },
    Return(Option<ExprId>),
    Asm(AsmStmt),
    /// `__label__ a, b;`
    LocalLabels(Vec<Sym>),
}

#[derive(Clone, Debug)]
pub struct AsmStmt {
    pub is_volatile: bool,
    pub is_goto: bool,
    pub is_inline: bool,
    /// The template after string-literal concatenation, escapes decoded.
    pub template: Vec<u8>,
    /// Span of the template string literal(s) in the source, for diagnostics
    /// inside the asm text.
    pub template_span: Span,
    /// Where each run of `template` is in the source (`asm::TextMap`
    /// pieces: byte offset in `template`, span), exact across escapes and
    /// concatenated literals.
    pub template_pieces: Vec<(u32, Span)>,
    pub outputs: Vec<AsmOperand>,
    pub inputs: Vec<AsmOperand>,
    pub clobbers: Vec<Vec<u8>>,
    pub labels: Vec<(Sym, Span)>,
}

#[derive(Clone, Debug)]
pub struct AsmOperand {
    /// `[name]`
    pub name: Option<Sym>,
    pub constraint: Vec<u8>,
    pub expr: ExprId,
    pub span: Span,
}

// ---------------------------------------------------------------------------
// Expressions

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Plus,
    Neg,
    /// `~`
    BitNot,
    /// `!`
    LogNot,
    Deref,
    AddrOf,
    PreInc,
    PreDec,
    PostInc,
    PostDec,
    /// `__real__` / `__imag__` (diagnosed by sema).
    Real,
    Imag,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Mul,
    Div,
    Rem,
    Add,
    Sub,
    Shl,
    Shr,
    Lt,
    Gt,
    Le,
    Ge,
    Eq,
    Ne,
    BitAnd,
    BitXor,
    BitOr,
    LogAnd,
    LogOr,
    Comma,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum StrPrefix {
    #[default]
    None,
    /// `L`
    Wide,
    /// `u8`
    Utf8,
    /// `u`
    Utf16,
    /// `U`
    Utf32,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Ident(Sym),
    /// An integer constant: its value (wrapped to 64 bits; `too_large` if it did
    /// not fit) and suffix; sema picks the type by C's rules.
    IntLit {
        value: u64,
        unsigned: bool,
        longs: u8,
        decimal: bool,
        too_large: bool,
    },
    /// A floating constant, as spelled (sema rejects floating point).
    FloatLit(Sym),
    CharLit {
        value: i64,
        prefix: StrPrefix,
    },
    /// Adjacent literals concatenated, escapes decoded, without the terminating NUL.
    /// `prefix` is the whole literal's (a plain piece adopts a prefixed one's).
    /// Plain and `u8` strings hold bytes (escapes as written, `\u` as UTF-8);
    /// wide ones (`u`, `U`, `L`) hold the UTF-8 encoding of their code points,
    /// for sema to encode as 2- or 4-byte units.
    StringLit {
        bytes: Vec<u8>,
        prefix: StrPrefix,
    },
    Unary(UnaryOp, ExprId),
    Binary(BinaryOp, ExprId, ExprId),
    /// `a = b` (`op == None`) or `a op= b`.
    Assign(Option<BinaryOp>, ExprId, ExprId),
    /// `c ? a : b`; GNU `c ?: b` has `then == None`.
    Cond {
        cond: ExprId,
        then: Option<ExprId>,
        els: ExprId,
    },
    Cast(Box<TypeName>, ExprId),
    CompoundLiteral(Box<TypeName>, Initializer),
    SizeofExpr(ExprId),
    SizeofType(Box<TypeName>),
    AlignofExpr(ExprId),
    AlignofType(Box<TypeName>),
    Call(ExprId, Vec<ExprId>),
    Index(ExprId, ExprId),
    /// `a.b`
    Member(ExprId, Sym, Span),
    /// `a->b`
    Arrow(ExprId, Sym, Span),
    /// GNU `({ ... })`; the statement is a `StmtKind::Compound`.
    StmtExpr(StmtId),
    /// `__builtin_offsetof(type, a.b[3].c)`.
    Offsetof(Box<TypeName>, Vec<Designator>),
    /// `__builtin_va_arg(ap, type)`.
    VaArg(ExprId, Box<TypeName>),
    /// `__builtin_types_compatible_p(t1, t2)`.
    TypesCompatible(Box<TypeName>, Box<TypeName>),
    /// `__builtin_choose_expr(c, a, b)`.
    ChooseExpr(ExprId, ExprId, ExprId),
    /// `_Generic(ctrl, type: expr, ..., default: expr)`; `None` type is `default`.
    Generic(ExprId, Vec<(Option<TypeName>, ExprId)>),
    /// GNU `&&label`.
    LabelAddr(Sym),
    /// `__extension__ expr` and parenthesised expressions need no node; this is
    /// kept only where the parser had to recover from an error, so sema can
    /// skip it without a second diagnostic.
    Error,
}
