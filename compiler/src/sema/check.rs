//! The checker's state: scopes, the current function, well-known types and
//! names, and the walk over the translation unit's top-level items.

use super::tir::{self, FuncId, GlobalId, LabelId, LocalId};
use super::types::{IntKind, QualType, Quals, RecordId, TypeId, TypeKind, TypeTable};
use super::SemaOptions;
use crate::diag::Diagnostics;
use crate::intern::{Interner, Sym};
use crate::parse::ast;
use crate::source::Span;
use cranelift_entity::PrimaryMap;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A fast hasher for small integer keys (`Sym`), as rustc's FxHasher.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

pub(crate) type SymMap<V> = HashMap<Sym, V, BuildHasherDefault<FxHasher>>;

/// What an ordinary identifier names in a scope.
#[derive(Copy, Clone, Debug)]
pub(crate) enum Binding {
    Typedef(QualType),
    Local(LocalId),
    Global(GlobalId),
    Func(FuncId),
    /// An enumerator: its value and type.
    EnumConst(i64, TypeId),
}

/// What a struct/union/enum tag names.
#[derive(Copy, Clone, Debug)]
pub(crate) enum Tag {
    Record(RecordId, TypeId),
    Enum(super::types::EnumId, TypeId),
}

#[derive(Default)]
pub(crate) struct Scope {
    pub ords: SymMap<Binding>,
    pub tags: SymMap<Tag>,
}

/// Frequently used types, interned once.
pub(crate) struct Common {
    pub void: TypeId,
    pub bool_: TypeId,
    pub char_: TypeId,
    pub schar: TypeId,
    pub uchar: TypeId,
    pub short: TypeId,
    pub ushort: TypeId,
    pub int: TypeId,
    pub uint: TypeId,
    pub long: TypeId,
    pub ulong: TypeId,
    pub llong: TypeId,
    pub ullong: TypeId,
    pub int128: TypeId,
    pub uint128: TypeId,
    pub void_ptr: TypeId,
    /// Distinct from every real type: the type of erroneous expressions, which
    /// silences follow-on diagnostics.
    pub error: TypeId,
}

/// Interned names sema recognises (attributes, builtins).
pub(crate) struct Names {
    pub packed: Sym,
    pub aligned: Sym,
    pub section: Sym,
    pub weak: Sym,
    pub used: Sym,
    pub unused: Sym,
    pub maybe_unused: Sym,
    pub visibility: Sym,
    pub always_inline: Sym,
    pub noinline: Sym,
    pub naked: Sym,
    pub noreturn: Sym,
    pub btf_decl_tag: Sym,
    pub btf_type_tag: Sym,
    pub cleanup: Sym,
    pub kernel_helper: Sym,
    pub func: Sym,
    pub function: Sym,
    pub pretty_function: Sym,
}

impl Names {
    fn new(i: &mut Interner) -> Names {
        Names {
            packed: i.intern("packed"),
            aligned: i.intern("aligned"),
            section: i.intern("section"),
            weak: i.intern("weak"),
            used: i.intern("used"),
            unused: i.intern("unused"),
            maybe_unused: i.intern("maybe_unused"),
            visibility: i.intern("visibility"),
            always_inline: i.intern("always_inline"),
            noinline: i.intern("noinline"),
            naked: i.intern("naked"),
            noreturn: i.intern("noreturn"),
            btf_decl_tag: i.intern("btf_decl_tag"),
            btf_type_tag: i.intern("btf_type_tag"),
            cleanup: i.intern("cleanup"),
            kernel_helper: i.intern("kernel_helper"),
            func: i.intern("__func__"),
            function: i.intern("__FUNCTION__"),
            pretty_function: i.intern("__PRETTY_FUNCTION__"),
        }
    }
}

/// A `goto` label as seen so far in a function.
pub(crate) struct LabelState {
    pub id: LabelId,
    pub defined: bool,
    pub first_use: Span,
}

pub(crate) struct SwitchCtx {
    /// The promoted condition type.
    pub ty: TypeId,
    pub cases: Vec<tir::SwitchCase>,
    pub case_spans: Vec<Span>,
    pub default: Option<tir::CaseId>,
}

/// The function whose body is being checked.
pub(crate) struct FnCtx {
    pub func: FuncId,
    pub name: Sym,
    pub ret: QualType,
    pub locals: PrimaryMap<LocalId, tir::Local>,
    pub labels: PrimaryMap<LabelId, tir::Label>,
    /// Label namespaces: the function's, then one per block with `__label__`.
    pub label_scopes: Vec<SymMap<LabelState>>,
    pub params: Vec<LocalId>,
    pub loop_depth: u32,
    pub break_depth: u32,
    pub switches: Vec<SwitchCtx>,
    pub next_case: u32,
    /// `__func__`'s string global, made on first use.
    pub func_name_global: Option<GlobalId>,
    /// Declarations of compound-literal temporaries, emitted before the
    /// statement that uses them.
    pub pending: Vec<tir::Stmt>,
    /// Active `cleanup` variables: the scope depth they were declared at, and
    /// the call to make when that scope is left.
    pub cleanups: Vec<(usize, tir::Expr)>,
    /// Enclosing loops and switches: (is a loop, scope depth that `break`
    /// leaves, scope depth that `continue` leaves).
    pub jump_levels: Vec<(bool, usize, usize)>,
    /// `const` locals initialized with a constant: `__builtin_constant_p`
    /// sees through them, as clang's does.
    pub const_locals: std::collections::HashSet<LocalId>,
}

/// What the checker keeps from one batch of items to the next, while the
/// parser, which lends it the interner and the diagnostics, reads on.
pub(crate) struct CheckerState {
    pub types: TypeTable,
    pub globals: PrimaryMap<GlobalId, tir::Global>,
    pub functions: PrimaryMap<FuncId, tir::Function>,
    pub toplevel_asm: Vec<(Vec<u8>, Span)>,
    pub scopes: Vec<Scope>,
    pub t: Common,
    pub n: Names,
    pub fn_ctx: Option<FnCtx>,
    /// Count of string literal globals (`.L.str`, `.L.str.1`, ...).
    pub str_count: u32,
    /// Count of file-scope compound literal globals.
    pub compound_count: u32,
    /// Parameters (name, type, span) of the last function declarator built,
    /// for the function definition that follows.
    pub last_params: Vec<(Option<(Sym, Span)>, QualType)>,
    /// The `btf_decl_tag`s of `last_params`, as (parameter index, tag).
    pub last_param_tags: Vec<(u32, Vec<u8>)>,
    /// String literal globals by element size and contents (identical literals share one).
    pub strings: HashMap<(u8, Vec<u8>), GlobalId>,
    /// Initializer expressions already checked while looking for brace elision.
    pub init_cache: HashMap<ast::ExprId, tir::Expr>,
    /// The record type of the static object whose initializer is being
    /// flattened: only its own flexible array member may be initialized (GNU C).
    pub flex_init_top: Option<TypeId>,
    /// End of the initialized elements of a flexible array member: the
    /// object grows past its type's size to hold them, as clang sizes it.
    pub init_extent: u64,
    /// Bit-fields of packed records whose storage unit does not fit the
    /// record (by span): declaring them is fine, accessing them is an error.
    pub bad_bitfields: std::collections::HashSet<Span>,
    /// Scratch set for the duplicate-member check of one record, kept
    /// between records so that its table is allocated once.
    pub member_names: SymMap<()>,
    /// Signed `x % 2^k` not yet seen compared with zero (see `absorb_srem`).
    pub pending_srem: Vec<Span>,
    /// Unsupported features met in `static` functions, reported only if the
    /// function turns out to be reachable ([`Checker::report_deferred`]).
    pub deferred: Vec<(FuncId, Span, String)>,
    /// Inside an expression evaluated at compile time (static initializers,
    /// integer constant expressions): no code is generated for it.
    pub const_context: u32,
    /// Depth of `__builtin_preserve_access_index(...)` and
    /// `__builtin_preserve_field_info(...)` arguments being checked: member
    /// accesses inside them get CO-RE relocations whatever their record's
    /// attributes.
    pub preserve_depth: u32,
}

pub(crate) struct Checker<'a> {
    pub tu: &'a ast::TranslationUnit,
    pub interner: &'a mut Interner,
    pub opts: &'a SemaOptions,
    pub diags: &'a mut Diagnostics,
    pub types: TypeTable,
    pub globals: PrimaryMap<GlobalId, tir::Global>,
    pub functions: PrimaryMap<FuncId, tir::Function>,
    pub toplevel_asm: Vec<(Vec<u8>, Span)>,
    pub scopes: Vec<Scope>,
    pub t: Common,
    pub n: Names,
    pub fn_ctx: Option<FnCtx>,
    /// Count of string literal globals (`.L.str`, `.L.str.1`, ...).
    pub str_count: u32,
    /// Count of file-scope compound literal globals.
    pub compound_count: u32,
    /// Parameters (name, type, span) of the last function declarator built,
    /// for the function definition that follows.
    pub last_params: Vec<(Option<(Sym, Span)>, QualType)>,
    /// The `btf_decl_tag`s of `last_params`, as (parameter index, tag).
    pub last_param_tags: Vec<(u32, Vec<u8>)>,
    /// String literal globals by element size and contents (identical literals share one).
    pub strings: HashMap<(u8, Vec<u8>), GlobalId>,
    /// Initializer expressions already checked while looking for brace elision.
    pub init_cache: HashMap<ast::ExprId, tir::Expr>,
    /// The record type of the static object whose initializer is being
    /// flattened: only its own flexible array member may be initialized (GNU C).
    pub flex_init_top: Option<TypeId>,
    /// End of the initialized elements of a flexible array member: the
    /// object grows past its type's size to hold them, as clang sizes it.
    pub init_extent: u64,
    /// Bit-fields of packed records whose storage unit does not fit the
    /// record (by span): declaring them is fine, accessing them is an error.
    pub bad_bitfields: std::collections::HashSet<Span>,
    /// Scratch set for the duplicate-member check of one record, kept
    /// between records so that its table is allocated once.
    pub member_names: SymMap<()>,
    /// Signed `x % 2^k` not yet seen compared with zero (see `absorb_srem`).
    pub pending_srem: Vec<Span>,
    /// Unsupported features met in `static` functions, reported only if the
    /// function turns out to be reachable ([`Checker::report_deferred`]).
    pub deferred: Vec<(FuncId, Span, String)>,
    /// Inside an expression evaluated at compile time (static initializers,
    /// integer constant expressions): no code is generated for it.
    pub const_context: u32,
    /// Depth of `__builtin_preserve_access_index(...)` and
    /// `__builtin_preserve_field_info(...)` arguments being checked: member
    /// accesses inside them get CO-RE relocations whatever their record's
    /// attributes.
    pub preserve_depth: u32,
}

impl<'a> Checker<'a> {
    /// The function being checked. Statements and the expressions that need it
    /// (locals, labels, switches) are only checked inside a function body, so
    /// its absence is a bug in sema, not something input can cause.
    pub fn fn_cx(&self) -> &FnCtx {
        self.fn_ctx
            .as_ref()
            .expect("checked outside a function body")
    }

    /// [`Checker::fn_cx`], mutably.
    pub fn fn_cx_mut(&mut self) -> &mut FnCtx {
        self.fn_ctx
            .as_mut()
            .expect("checked outside a function body")
    }

    /// A checker of items whose expressions are in `tu`, going on from
    /// `state`.
    pub fn resume(
        state: CheckerState,
        tu: &'a ast::TranslationUnit,
        interner: &'a mut Interner,
        opts: &'a SemaOptions,
        diags: &'a mut Diagnostics,
    ) -> Checker<'a> {
        Checker {
            tu,
            interner,
            opts,
            diags,
            types: state.types,
            globals: state.globals,
            functions: state.functions,
            toplevel_asm: state.toplevel_asm,
            scopes: state.scopes,
            t: state.t,
            n: state.n,
            fn_ctx: state.fn_ctx,
            str_count: state.str_count,
            compound_count: state.compound_count,
            last_params: state.last_params,
            last_param_tags: state.last_param_tags,
            strings: state.strings,
            init_cache: state.init_cache,
            flex_init_top: state.flex_init_top,
            init_extent: state.init_extent,
            bad_bitfields: state.bad_bitfields,
            member_names: state.member_names,
            pending_srem: state.pending_srem,
            deferred: state.deferred,
            const_context: state.const_context,
            preserve_depth: state.preserve_depth,
        }
    }

    /// The state to resume from, once the batch's items are checked.
    pub fn suspend(self) -> CheckerState {
        CheckerState {
            types: self.types,
            globals: self.globals,
            functions: self.functions,
            toplevel_asm: self.toplevel_asm,
            scopes: self.scopes,
            t: self.t,
            n: self.n,
            fn_ctx: self.fn_ctx,
            str_count: self.str_count,
            compound_count: self.compound_count,
            last_params: self.last_params,
            last_param_tags: self.last_param_tags,
            strings: self.strings,
            init_cache: self.init_cache,
            flex_init_top: self.flex_init_top,
            init_extent: self.init_extent,
            bad_bitfields: self.bad_bitfields,
            member_names: self.member_names,
            pending_srem: self.pending_srem,
            deferred: self.deferred,
            const_context: self.const_context,
            preserve_depth: self.preserve_depth,
        }
    }

    /// `n_items`: the number of file-scope items, to size the tables.
    pub fn new(
        tu: &'a ast::TranslationUnit,
        n_items: usize,
        interner: &'a mut Interner,
        opts: &'a SemaOptions,
        diags: &'a mut Diagnostics,
    ) -> Checker<'a> {
        let state = CheckerState::new(n_items, interner);
        Checker::resume(state, tu, interner, opts, diags)
    }
}

/// The symbols sema compares names against, interned before it starts
/// (see [`CheckerState::with_names`]).
pub struct SemaNames {
    names: Names,
    error_type: Sym,
}

impl SemaNames {
    pub fn new(interner: &mut Interner) -> SemaNames {
        SemaNames {
            error_type: interner.intern("<error type>"),
            names: Names::new(interner),
        }
    }
}

impl CheckerState {
    pub fn into_program(self) -> tir::Program {
        tir::Program {
            types: self.types,
            globals: self.globals,
            functions: self.functions,
            toplevel_asm: self.toplevel_asm,
        }
    }

    /// The state before the first item; `n_items` (the number of
    /// file-scope items, or an estimate) sizes the tables.
    pub fn new(n_items: usize, interner: &mut Interner) -> CheckerState {
        CheckerState::with_names(n_items, SemaNames::new(interner))
    }

    /// [`CheckerState::new`] with the names interned already: the tables
    /// can then be made on the thread that fills them, where their memory
    /// comes from that thread's heap.
    pub fn with_names(n_items: usize, names: SemaNames) -> CheckerState {
        // vmlinux.h makes ~1.8 types per file-scope item.
        let mut types = TypeTable::with_capacity(64 + n_items * 2);
        let mut int = |k| types.intern(TypeKind::Int(k));
        let (bool_, char_, schar, uchar) = (
            int(IntKind::Bool),
            int(IntKind::Char),
            int(IntKind::SChar),
            int(IntKind::UChar),
        );
        let (short, ushort, int_, uint) = (
            int(IntKind::Short),
            int(IntKind::UShort),
            int(IntKind::Int),
            int(IntKind::UInt),
        );
        let (long, ulong, llong, ullong) = (
            int(IntKind::Long),
            int(IntKind::ULong),
            int(IntKind::LongLong),
            int(IntKind::ULongLong),
        );
        let (int128, uint128) = (int(IntKind::Int128), int(IntKind::UInt128));
        let void = types.intern(TypeKind::Void);
        let void_ptr = types.intern(TypeKind::Pointer {
            pointee: QualType::new(void),
            type_tags: vec![],
        });
        let error = types.intern(TypeKind::Typedef {
            name: names.error_type,
            target: QualType::new(int_),
        });
        let n = names.names;
        CheckerState {
            types,
            globals: PrimaryMap::new(),
            functions: PrimaryMap::new(),
            toplevel_asm: Vec::new(),
            // File scope: sized for the unit (vmlinux.h binds ~100k names).
            scopes: vec![Scope {
                ords: SymMap::with_capacity_and_hasher(n_items * 2, Default::default()),
                tags: SymMap::with_capacity_and_hasher(n_items, Default::default()),
            }],
            t: Common {
                void,
                bool_,
                char_,
                schar,
                uchar,
                short,
                ushort,
                int: int_,
                uint,
                long,
                ulong,
                llong,
                ullong,
                int128,
                uint128,
                void_ptr,
                error,
            },
            n,
            fn_ctx: None,
            str_count: 0,
            compound_count: 0,
            last_params: Vec::new(),
            last_param_tags: Vec::new(),
            strings: HashMap::new(),
            init_cache: HashMap::new(),
            flex_init_top: None,
            init_extent: 0,
            bad_bitfields: Default::default(),
            member_names: SymMap::default(),
            pending_srem: Vec::new(),
            deferred: Vec::new(),
            const_context: 0,
            preserve_depth: 0,
        }
    }
}

impl<'a> Checker<'a> {
    pub fn finish(self) -> tir::Program {
        self.suspend().into_program()
    }

    pub fn check_unit(&mut self) {
        let tu = self.tu;
        for item in &tu.items {
            self.external_decl(item);
        }
        self.finish_unit();
    }

    /// Like [`Checker::check_unit`] for items taken out of the unit: each is
    /// freed as soon as it is checked (nothing in sema refers to an item
    /// afterwards), so the memory of the syntax tree is reused for the
    /// types and the typed tree rather than fresh pages.
    pub fn check_items(&mut self, items: Vec<ast::ExternalDecl>) {
        for item in items {
            self.external_decl(&item);
        }
        self.finish_unit();
    }

    pub fn external_decl(&mut self, item: &ast::ExternalDecl) {
        match item {
            ast::ExternalDecl::Declaration(d) => self.declaration(d, true),
            ast::ExternalDecl::FunctionDef(f) => self.function_def(f),
            ast::ExternalDecl::StaticAssert(sa) => self.static_assert(sa),
            ast::ExternalDecl::Asm(text, span) => self.toplevel_asm.push((text.clone(), *span)),
        }
    }

    pub fn finish_unit(&mut self) {
        self.flush_pending_srem();
        self.report_deferred();
        self.finish_globals();
    }

    // -- scopes ----------------------------------------------------------

    pub fn push_scope(&mut self) {
        self.scopes.push(Scope::default());
    }

    pub fn pop_scope(&mut self) {
        self.scopes.pop();
    }

    pub fn at_file_scope(&self) -> bool {
        self.scopes.len() == 1
    }

    pub fn lookup(&self, name: Sym) -> Option<Binding> {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.ords.get(&name).copied())
    }

    pub fn lookup_tag(&self, name: Sym) -> Option<Tag> {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.tags.get(&name).copied())
    }

    pub fn bind(&mut self, name: Sym, b: Binding) {
        self.scopes.last_mut().unwrap().ords.insert(name, b);
    }

    pub fn lookup_current(&self, name: Sym) -> Option<Binding> {
        self.scopes.last().unwrap().ords.get(&name).copied()
    }

    // -- small helpers ----------------------------------------------------

    pub fn error(&mut self, span: Span, msg: impl Into<String>) {
        self.diags.error(span, msg);
    }

    /// An unsupported feature: an error now, or once the enclosing `static`
    /// function is known to be used.
    pub fn unsupported(&mut self, span: Span, msg: impl Into<String>) {
        match &self.fn_ctx {
            Some(ctx) if self.functions[ctx.func].linkage == tir::Linkage::Internal => {
                self.deferred.push((ctx.func, span, msg.into()))
            }
            _ => self.error(span, msg),
        }
    }

    pub fn warning(&mut self, span: Span, msg: impl Into<String>) {
        self.diags.warning(span, msg);
    }

    pub fn name(&self, s: Sym) -> &str {
        self.interner.resolve(s)
    }

    pub fn is_error(&self, ty: TypeId) -> bool {
        ty == self.t.error
    }

    pub fn err_qt(&self) -> QualType {
        QualType::new(self.t.error)
    }

    /// Integer literals and conversions ask for these often (vmlinux.h:
    /// ~30k times, for enumerators), so they are fields, not table lookups.
    pub fn int_ty(&self, k: IntKind) -> TypeId {
        let t = &self.t;
        match k {
            IntKind::Bool => t.bool_,
            IntKind::Char => t.char_,
            IntKind::SChar => t.schar,
            IntKind::UChar => t.uchar,
            IntKind::Short => t.short,
            IntKind::UShort => t.ushort,
            IntKind::Int => t.int,
            IntKind::UInt => t.uint,
            IntKind::Long => t.long,
            IntKind::ULong => t.ulong,
            IntKind::LongLong => t.llong,
            IntKind::ULongLong => t.ullong,
            IntKind::Int128 => t.int128,
            IntKind::UInt128 => t.uint128,
        }
    }

    pub fn pointer_to(&mut self, pointee: QualType) -> TypeId {
        self.types.intern(TypeKind::Pointer {
            pointee,
            type_tags: vec![],
        })
    }

    pub fn array_of(&mut self, elem: QualType, len: Option<u64>) -> TypeId {
        self.types.intern(TypeKind::Array { elem, len })
    }

    /// The canonical kind of a type (typedefs stripped), cloned cheaply for matching.
    pub fn ck(&self, ty: TypeId) -> &TypeKind {
        self.types.ckind(ty)
    }

    pub fn is_integer(&self, ty: TypeId) -> bool {
        !self.is_error(ty) && self.types.int_kind(ty).is_some()
    }

    pub fn is_float(&self, ty: TypeId) -> bool {
        matches!(self.ck(ty), TypeKind::Float { .. })
    }

    pub fn is_void(&self, ty: TypeId) -> bool {
        matches!(self.ck(ty), TypeKind::Void)
    }

    pub fn is_record(&self, ty: TypeId) -> Option<RecordId> {
        match self.ck(ty) {
            TypeKind::Record(r) => Some(*r),
            _ => None,
        }
    }

    pub fn is_function(&self, ty: TypeId) -> bool {
        matches!(self.ck(ty), TypeKind::Function(_))
    }

    pub fn is_array(&self, ty: TypeId) -> bool {
        matches!(self.ck(ty), TypeKind::Array { .. })
    }

    /// The pointee of a pointer type (typedefs stripped, qualifiers kept).
    pub fn pointee(&self, ty: TypeId) -> Option<QualType> {
        match self.ck(ty) {
            TypeKind::Pointer { pointee, .. } => Some(*pointee),
            _ => None,
        }
    }

    /// Whether values of `ty` are complete objects (a known size).
    pub fn is_complete(&self, ty: TypeId) -> bool {
        self.types.size_of(ty).is_some()
    }

    /// Unqualified version of a qualified type.
    pub fn unqual(qt: QualType) -> QualType {
        QualType {
            ty: qt.ty,
            quals: Quals::default(),
        }
    }

    /// The C spelling of a type, for diagnostics.
    pub fn type_str(&self, qt: QualType) -> String {
        let mut s = String::new();
        self.type_str_into(qt, "", &mut s);
        s
    }

    fn quals_prefix(q: Quals) -> String {
        let mut s = String::new();
        if q.is_const {
            s.push_str("const ");
        }
        if q.is_volatile {
            s.push_str("volatile ");
        }
        if q.is_restrict {
            s.push_str("restrict ");
        }
        s
    }

    fn type_str_into(&self, qt: QualType, inner: &str, out: &mut String) {
        let q = Self::quals_prefix(qt.quals);
        let join = |base: String, inner: &str| {
            if inner.is_empty() {
                base
            } else if inner.starts_with('[') || inner.starts_with('(') {
                format!("{base}{inner}")
            } else {
                format!("{base} {inner}")
            }
        };
        match self.types.kind(qt.ty) {
            _ if qt.ty == self.t.error => out.push_str("<error type>"),
            TypeKind::Void => out.push_str(&join(format!("{q}void"), inner)),
            TypeKind::Int(k) => {
                let n = match k {
                    IntKind::Bool => "_Bool",
                    IntKind::Char => "char",
                    IntKind::SChar => "signed char",
                    IntKind::UChar => "unsigned char",
                    IntKind::Short => "short",
                    IntKind::UShort => "unsigned short",
                    IntKind::Int => "int",
                    IntKind::UInt => "unsigned int",
                    IntKind::Long => "long",
                    IntKind::ULong => "unsigned long",
                    IntKind::LongLong => "long long",
                    IntKind::ULongLong => "unsigned long long",
                    IntKind::Int128 => "__int128",
                    IntKind::UInt128 => "unsigned __int128",
                };
                out.push_str(&join(format!("{q}{n}"), inner))
            }
            TypeKind::Float { size } => {
                let n = match size {
                    2 => "_Float16",
                    4 => "float",
                    8 => "double",
                    _ => "long double",
                };
                out.push_str(&join(format!("{q}{n}"), inner))
            }
            TypeKind::VaList => out.push_str(&join(format!("{q}__builtin_va_list"), inner)),
            TypeKind::Typedef { name, .. } => {
                out.push_str(&join(format!("{q}{}", self.name(*name)), inner))
            }
            TypeKind::Record(r) => {
                let rec = &self.types.records[*r];
                let kw = if rec.is_union { "union" } else { "struct" };
                let n = match rec.name {
                    Some(n) => format!("{q}{kw} {}", self.name(n)),
                    None => format!("{q}{kw} (unnamed)"),
                };
                out.push_str(&join(n, inner))
            }
            TypeKind::Enum(e) => {
                let n = match self.types.enums[*e].name {
                    Some(n) => format!("{q}enum {}", self.name(n)),
                    None => format!("{q}enum (unnamed)"),
                };
                out.push_str(&join(n, inner))
            }
            TypeKind::Pointer { pointee, .. } => {
                let q = q.trim_end();
                let mut ni = String::from("*");
                if !q.is_empty() {
                    ni.push_str(q);
                    if !inner.is_empty() {
                        ni.push(' ');
                    }
                }
                ni.push_str(inner);
                let wrap = matches!(
                    self.types.kind(pointee.ty),
                    TypeKind::Array { .. } | TypeKind::Function(_)
                );
                let ni = if wrap { format!("({ni})") } else { ni };
                self.type_str_into(*pointee, &ni, out)
            }
            TypeKind::Array { elem, len } => {
                let ni = match len {
                    Some(n) => format!("{inner}[{n}]"),
                    None => format!("{inner}[]"),
                };
                self.type_str_into(*elem, &ni, out)
            }
            TypeKind::Function(f) => {
                let mut ni = format!("{inner}(");
                for (i, p) in f.params.iter().enumerate() {
                    if i > 0 {
                        ni.push_str(", ");
                    }
                    ni.push_str(&self.type_str(*p));
                }
                if f.variadic {
                    ni.push_str(if f.params.is_empty() { "..." } else { ", ..." });
                } else if f.params.is_empty() && f.has_prototype {
                    ni.push_str("void");
                }
                ni.push(')');
                self.type_str_into(f.ret, &ni, out)
            }
        }
    }

    /// A string attribute argument (`section("x")`).
    pub fn attr_string(&mut self, a: &ast::Attribute, idx: usize) -> Option<Vec<u8>> {
        let e = *a.args.get(idx)?;
        match &self.tu.exprs[e].kind {
            ast::ExprKind::StringLit { bytes, .. } => Some(bytes.clone()),
            _ => {
                let span = self.tu.exprs[e].span;
                let n = self.name(a.name).to_string();
                self.error(span, format!("'{n}' attribute requires a string"));
                None
            }
        }
    }

    /// An integer constant attribute argument (`aligned(8)`, `kernel_helper(N)`).
    pub fn attr_int(&mut self, a: &ast::Attribute, idx: usize) -> Option<i64> {
        let e = *a.args.get(idx)?;
        self.const_int(e)
    }
}
