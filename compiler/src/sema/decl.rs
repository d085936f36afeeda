//! Declarations: type specifiers and declarators to types, struct/union/enum
//! definitions, attributes, file-scope variables and functions with their
//! redeclaration rules, and function definitions.

use super::check::{Binding, Checker, FnCtx, LabelState, SymMap, Tag};
use super::layout::{layout_record, MemberIn};
use super::tir::{self, DeclAttrs, FuncId, GlobalId, Linkage};
use super::types::{EnumDef, FunctionType, IntKind, QualType, Quals, RecordDef, TypeId, TypeKind};
use crate::intern::Sym;
use crate::parse::ast::{self, DeclSpecs, TypeSpec};
use crate::source::Span;
use cranelift_entity::PrimaryMap;

/// The attributes of one declaration, gathered from specifiers and declarator.
#[derive(Default)]
pub(crate) struct Attrs {
    pub section: Option<String>,
    pub align: Option<u64>,
    pub packed: bool,
    pub decl: DeclAttrs,
    pub helper_id: Option<i64>,
    pub names: Vec<Sym>,
}

pub(crate) fn quals_of(q: &ast::Qualifiers) -> Quals {
    Quals {
        is_const: q.is_const,
        is_volatile: q.is_volatile,
        is_restrict: q.is_restrict,
    }
}

impl Checker<'_> {
    // -- attributes -------------------------------------------------------

    pub fn gather_attrs<'x>(
        &mut self,
        lists: impl IntoIterator<Item = &'x ast::Attribute>,
    ) -> Attrs {
        let mut out = Attrs::default();
        for a in lists {
            self.apply_attr(a, &mut out);
        }
        out
    }

    fn apply_attr(&mut self, a: &ast::Attribute, out: &mut Attrs) {
        let n = &self.n;
        let name = a.name;
        out.names.push(name);
        if name == n.packed {
            out.packed = true;
        } else if name == n.aligned {
            let v = if a.args.is_empty() {
                Some(8)
            } else {
                self.attr_int(a, 0)
            };
            if let Some(v) = v {
                if v <= 0 || (v & (v - 1)) != 0 {
                    self.error(a.span, "requested alignment is not a power of 2");
                } else {
                    out.align = Some(out.align.unwrap_or(1).max(v as u64));
                }
            }
        } else if name == n.section {
            if let Some(s) = self.attr_string(a, 0) {
                out.section = Some(String::from_utf8_lossy(&s).into_owned());
            }
        } else if name == n.weak {
            out.decl.weak = true;
        } else if name == n.used {
            out.decl.used = true;
        } else if name == n.unused || name == n.maybe_unused {
            out.decl.unused = true;
        } else if name == n.visibility {
            if let Some(s) = self.attr_string(a, 0) {
                out.decl.hidden = s == b"hidden";
            }
        } else if name == n.always_inline {
            out.decl.always_inline = true;
        } else if name == n.noinline {
            out.decl.noinline = true;
        } else if name == n.naked {
            out.decl.naked = true;
        } else if name == n.noreturn {
            out.decl.noreturn = true;
        } else if name == n.btf_decl_tag {
            if let Some(s) = self.attr_string(a, 0) {
                out.decl.decl_tags.push(s);
            }
        } else if name == n.kernel_helper {
            match self.attr_int(a, 0) {
                Some(v) => out.helper_id = Some(v),
                None if a.args.is_empty() => {
                    self.error(a.span, "'kernel_helper' attribute takes one argument")
                }
                None => {}
            }
        }
    }

    /// The `btf_decl_tag("...")` values among `attrs`, in order. Silent: a
    /// malformed tag is reported where the attributes are gathered.
    pub(crate) fn decl_tags<'a>(
        &self,
        attrs: impl Iterator<Item = &'a ast::Attribute>,
    ) -> Vec<Vec<u8>> {
        let tag = self.n.btf_decl_tag;
        attrs
            .filter(|a| a.name == tag)
            .filter_map(|a| match &self.tu.exprs[*a.args.first()?].kind {
                ast::ExprKind::StringLit { bytes, .. } => Some(bytes.clone()),
                _ => None,
            })
            .collect()
    }

    /// `_Alignas` specifiers: the largest alignment asked for.
    fn alignas(&mut self, specs: &DeclSpecs) -> Option<u64> {
        let mut best: Option<u64> = None;
        for a in &specs.alignas {
            let v = match a {
                ast::AlignAs::Expr(e) => self.const_int(*e).map(|v| v as u64),
                ast::AlignAs::Type(tn) => {
                    let qt = self.type_name(tn);
                    Some(self.types.align_of(qt.ty))
                }
            };
            if let Some(v) = v {
                if v != 0 {
                    best = Some(best.unwrap_or(1).max(v));
                }
            }
        }
        best
    }

    // -- types ------------------------------------------------------------

    /// The type of `typeof(expr)`. Out of line so that the checked expression,
    /// a large value, stays off `base_type`'s stack frame.
    #[inline(never)]
    fn typeof_expr_type(&mut self, expr: ast::ExprId, unqual: bool) -> QualType {
        let e = self.expr_nodecay(expr);
        if unqual {
            self.strip_quals_deep(e.ty)
        } else {
            e.ty
        }
    }

    /// The type a cast, `sizeof(type)` or `typeof(type)` names.
    pub fn type_name(&mut self, tn: &ast::TypeName) -> QualType {
        let base = self.base_type(&tn.specs, false);
        self.declarator_type(base, &tn.declarator, &tn.specs.attrs)
    }

    /// The type named by declaration specifiers. `forward_decl` is set for a
    /// declaration consisting only of `struct foo;`.
    pub fn base_type(&mut self, specs: &DeclSpecs, forward_decl: bool) -> QualType {
        let (mut void, mut char_, mut short, mut int, mut long) = (0, 0, 0, 0, 0);
        let (mut float, mut double, mut signed, mut unsigned, mut bool_) = (0, 0, 0, 0, 0);
        let (mut int128, mut complex, mut otherfloat, mut valist) = (0, 0, 0, 0);
        let mut named: Option<QualType> = None;
        let mut nnamed = 0;
        for ts in &specs.type_specs {
            match ts {
                TypeSpec::Basic(b) => {
                    void += u32::from(b.void);
                    char_ += u32::from(b.char);
                    short += u32::from(b.short);
                    int += u32::from(b.int);
                    long += u32::from(b.long);
                    float += u32::from(b.float);
                    double += u32::from(b.double);
                    signed += u32::from(b.signed);
                    unsigned += u32::from(b.unsigned);
                    bool_ += u32::from(b.bool);
                    int128 += u32::from(b.int128);
                    complex += u32::from(b.complex);
                    otherfloat += u32::from(b.other_float);
                    valist += u32::from(b.va_list);
                }
                TypeSpec::Record(rs) => {
                    nnamed += 1;
                    let ty = self.record_spec(rs, &specs.attrs, forward_decl);
                    named = Some(QualType::new(ty));
                }
                TypeSpec::RecordRef(r) => {
                    nnamed += 1;
                    let ty =
                        self.record_ref(r.is_union, r.name, r.name_span, r.span(), forward_decl);
                    named = Some(QualType::new(ty));
                }
                TypeSpec::Enum(es) => {
                    nnamed += 1;
                    let ty = self.enum_spec(es, &specs.attrs, forward_decl);
                    named = Some(QualType::new(ty));
                }
                TypeSpec::TypedefName(sym, span) => {
                    nnamed += 1;
                    named = Some(match self.lookup(*sym) {
                        Some(Binding::Typedef(qt)) => qt,
                        _ => {
                            let n = self.name(*sym).to_string();
                            self.error(*span, format!("unknown type name '{n}'"));
                            self.err_qt()
                        }
                    });
                }
                TypeSpec::TypeofExpr { expr, unqual } => {
                    nnamed += 1;
                    named = Some(self.typeof_expr_type(*expr, *unqual));
                }
                TypeSpec::TypeofType { ty, unqual } => {
                    nnamed += 1;
                    let mut qt = self.type_name(ty);
                    if *unqual {
                        qt = self.strip_quals_deep(qt);
                    }
                    named = Some(qt);
                }
                TypeSpec::AutoType => {
                    // The type comes from the initializer; the caller handles it.
                    nnamed += 1;
                    named = Some(QualType::new(self.t.void));
                }
                TypeSpec::Atomic(tn) => {
                    nnamed += 1;
                    named = Some(self.type_name(tn));
                }
            }
        }
        let mut quals = quals_of(&specs.quals);
        let builtin_count = void
            + char_
            + short
            + int
            + long
            + float
            + double
            + signed
            + unsigned
            + bool_
            + int128
            + complex
            + otherfloat
            + valist;
        if let Some(qt) = named {
            if builtin_count > 0 || nnamed > 1 {
                self.error(specs.span, "cannot combine with previous type specifier");
            }
            quals.is_const |= qt.quals.is_const;
            quals.is_volatile |= qt.quals.is_volatile;
            quals.is_restrict |= qt.quals.is_restrict;
            return QualType { ty: qt.ty, quals };
        }
        let bad = |c: &mut Checker| {
            c.error(specs.span, "invalid combination of type specifiers");
        };
        if signed > 0 && unsigned > 0 {
            bad(self);
        }
        let ty = if valist > 0 {
            self.types.intern(TypeKind::VaList)
        } else if void > 0 {
            if builtin_count > 1 {
                bad(self);
            }
            self.t.void
        } else if bool_ > 0 {
            self.t.bool_
        } else if float > 0 || double > 0 || otherfloat > 0 {
            let size = if otherfloat > 0 {
                2
            } else if float > 0 {
                4
            } else if long > 0 {
                16
            } else {
                8
            };
            let size = if complex > 0 { size * 2 } else { size };
            self.types.intern(TypeKind::Float { size })
        } else if char_ > 0 {
            if short + long + int128 > 0 {
                bad(self);
            }
            if signed > 0 {
                self.t.schar
            } else if unsigned > 0 {
                self.t.uchar
            } else {
                self.t.char_
            }
        } else if short > 0 {
            if unsigned > 0 {
                self.t.ushort
            } else {
                self.t.short
            }
        } else if int128 > 0 {
            if unsigned > 0 {
                self.t.uint128
            } else {
                self.t.int128
            }
        } else if long >= 2 {
            if long > 2 {
                bad(self);
            }
            if unsigned > 0 {
                self.t.ullong
            } else {
                self.t.llong
            }
        } else if long == 1 {
            if unsigned > 0 {
                self.t.ulong
            } else {
                self.t.long
            }
        } else if int > 0 || signed > 0 || unsigned > 0 {
            if unsigned > 0 {
                self.t.uint
            } else {
                self.t.int
            }
        } else if complex > 0 {
            self.types.intern(TypeKind::Float { size: 16 })
        } else {
            self.error(
                specs.span,
                "type specifier missing, defaults to 'int'; ISO C99 and later do not support implicit int",
            );
            self.t.int
        };
        QualType { ty, quals }
    }

    /// Drops qualifiers at the top level, through typedefs (for `__typeof_unqual__`).
    fn strip_quals_deep(&self, qt: QualType) -> QualType {
        let c = self.types.canonical_qual(qt);
        if c.quals == Quals::default() {
            QualType::new(qt.ty)
        } else {
            QualType::new(c.ty)
        }
    }

    /// Applies a declarator's pointer, array and function parts to `base`.
    pub fn declarator_type(
        &mut self,
        base: QualType,
        d: &ast::Declarator,
        spec_attrs: &[ast::Attribute],
    ) -> QualType {
        let mut ty = base;
        let mut pending_tags: Vec<Sym> = self.type_tags(spec_attrs);
        for part in d.derived.iter().rev() {
            match part {
                ast::DerivedDecl::Pointer { quals, attrs } => {
                    let tags = std::mem::take(&mut pending_tags);
                    let p = self.types.intern(TypeKind::Pointer {
                        pointee: ty,
                        type_tags: tags,
                    });
                    pending_tags = self.type_tags(attrs);
                    ty = QualType {
                        ty: p,
                        quals: quals_of(quals),
                    };
                }
                ast::DerivedDecl::Array { size, quals, .. } => {
                    if self.is_function(ty.ty) {
                        self.error(d.span, "array of functions is not allowed");
                        ty = self.err_qt();
                        continue;
                    }
                    let len = match size {
                        ast::ArraySize::Unspecified => None,
                        ast::ArraySize::Star => {
                            self.error(d.span, "variable length arrays are not supported");
                            None
                        }
                        ast::ArraySize::Expr(e) => {
                            let span = self.tu.exprs[*e].span;
                            let c = self.expr(*e);
                            if self.is_error(c.ty.ty) {
                                None
                            } else if !self.is_integer(c.ty.ty) {
                                self.error(span, "size of array has non-integer type");
                                None
                            } else {
                                match c.kind {
                                    tir::ExprKind::Const(v) => {
                                        let signed = self.is_signed(c.ty.ty);
                                        if signed && v < 0 {
                                            self.error(span, "array has negative size");
                                            None
                                        } else {
                                            Some(v as u64)
                                        }
                                    }
                                    _ => {
                                        self.error(
                                            span,
                                            "variable length arrays are not supported",
                                        );
                                        None
                                    }
                                }
                            }
                        }
                    };
                    if !self.is_error(ty.ty) && !self.is_complete(ty.ty) {
                        let s = self.type_str(ty);
                        self.error(d.span, format!("array has incomplete element type '{s}'"));
                    }
                    let a = self.array_of(ty, len);
                    ty = QualType {
                        ty: a,
                        quals: quals_of(quals),
                    };
                }
                ast::DerivedDecl::Function(fd) => {
                    if self.is_array(ty.ty) || self.is_function(ty.ty) {
                        let what = if self.is_array(ty.ty) {
                            "array"
                        } else {
                            "function"
                        };
                        self.error(d.span, format!("function cannot return {what} type"));
                    }
                    let f = self.function_decl(ty, fd);
                    ty = QualType::new(f);
                }
            }
        }
        ty
    }

    fn type_tags(&mut self, attrs: &[ast::Attribute]) -> Vec<Sym> {
        let mut tags = Vec::new();
        for a in attrs {
            if a.name == self.n.btf_type_tag {
                if let Some(s) = self.attr_string(a, 0) {
                    let s = String::from_utf8_lossy(&s).into_owned();
                    tags.push(self.interner.intern(&s));
                }
            }
        }
        tags
    }

    /// A function type from a parameter list; records the parameters in
    /// `last_params` for a definition.
    fn function_decl(&mut self, ret: QualType, fd: &ast::FunctionDecl) -> TypeId {
        self.push_scope();
        let mut params = Vec::with_capacity(fd.params.len());
        let mut info = Vec::with_capacity(fd.params.len());
        let mut param_tags = Vec::new();
        let n = fd.params.len();
        for p in &fd.params {
            let base = self.base_type(&p.specs, false);
            let mut ty = self.declarator_type(base, &p.declarator, &p.specs.attrs);
            if n == 1 && p.declarator.name.is_none() && self.is_void(ty.ty) && !fd.variadic {
                break;
            }
            if self.is_void(ty.ty) {
                self.error(p.span, "parameter has incomplete type 'void'");
                ty = self.err_qt();
            }
            ty = self.adjust_param(ty);
            if let Some((name, _)) = p.declarator.name {
                // Visible to later parameters (`int n, int a[n]`, `typeof(a)`).
                let _ = name;
            }
            for tag in self.decl_tags(p.specs.attrs.iter().chain(p.declarator.attrs.iter())) {
                param_tags.push((params.len() as u32, tag));
            }
            params.push(QualType::new(ty.ty));
            info.push((p.declarator.name, ty));
        }
        self.pop_scope();
        self.last_param_tags = param_tags;
        let has_prototype = !fd.no_prototype;
        let f = self.types.intern(TypeKind::Function(FunctionType {
            ret: QualType::new(ret.ty),
            params,
            variadic: fd.variadic,
            has_prototype,
        }));
        if !has_prototype && !fd.knr_names.is_empty() {
            self.last_params = fd
                .knr_names
                .iter()
                .map(|&(s, sp)| (Some((s, sp)), QualType::new(self.t.int)))
                .collect();
        } else {
            self.last_params = info;
        }
        f
    }

    /// Parameter type adjustment: arrays and functions become pointers.
    pub fn adjust_param(&mut self, ty: QualType) -> QualType {
        match self.ck(ty.ty).clone() {
            TypeKind::Array { elem, .. } => QualType {
                ty: self.pointer_to(elem),
                quals: ty.quals,
            },
            TypeKind::Function(_) => QualType::new(self.pointer_to(ty)),
            _ => ty,
        }
    }

    // -- records and enums -----------------------------------------------

    // Kept out of line: inlined into `base_type`, its large locals were moved
    // on the stack for every declaration, records or not.
    #[inline(never)]
    /// `struct foo` without a body: the tag in scope, or a new incomplete
    /// record (always in the current scope for a forward declaration).
    fn record_ref(
        &mut self,
        is_union: bool,
        name: Sym,
        name_span: Span,
        span: Span,
        forward_decl: bool,
    ) -> TypeId {
        if !forward_decl {
            if let Some(tag) = self.lookup_tag(name) {
                return self.tag_type(tag, is_union, name, name_span);
            }
        } else if let Some(tag) = self.scopes.last().unwrap().tags.get(&name).copied() {
            return self.tag_type(tag, is_union, name, name_span);
        }
        self.new_record(Some(name), is_union, span)
    }

    fn record_spec(
        &mut self,
        rs: &ast::RecordSpec,
        spec_attrs: &[ast::Attribute],
        forward_decl: bool,
    ) -> TypeId {
        let kw = if rs.is_union { "union" } else { "struct" };
        let Some(members) = &rs.members else {
            let Some((name, span)) = rs.name else {
                // The parser reports `struct;`; nothing to name here.
                return self.t.error;
            };
            return self.record_ref(rs.is_union, name, span, rs.span, forward_decl);
        };
        // A definition: complete a forward declaration of the same scope, or
        // make a new record.
        let mut rid_ty = None;
        if let Some((name, span)) = rs.name {
            if let Some(tag) = self.scopes.last().unwrap().tags.get(&name).copied() {
                match tag {
                    Tag::Record(r, ty)
                        if self.types.records[r].is_union == rs.is_union
                            && !self.types.records[r].complete =>
                    {
                        rid_ty = Some((r, ty));
                    }
                    Tag::Record(r, _) if self.types.records[r].is_union == rs.is_union => {
                        let n = self.name(name).to_string();
                        self.error(span, format!("redefinition of '{kw} {n}'"));
                    }
                    _ => {
                        let n = self.name(name).to_string();
                        self.error(
                            span,
                            format!("use of '{n}' with tag type that does not match previous declaration"),
                        );
                    }
                }
            }
        }
        let (rid, ty) = match rid_ty {
            Some(x) => x,
            None => {
                let ty = self.new_record(rs.name.map(|n| n.0), rs.is_union, rs.span);
                let TypeKind::Record(r) = *self.types.kind(ty) else {
                    unreachable!()
                };
                (r, ty)
            }
        };
        self.types.records[rid].span = rs.span;
        let attrs = self.gather_attrs(rs.attrs.iter().chain(spec_attrs.iter()));
        // `btf_decl_tag`s tag the record only when written on it
        // (`struct __tag("x") s {…}`), not on the declaration that defines it.
        let record_tags = self.decl_tags(rs.attrs.iter());
        let mut ins = Vec::with_capacity(members.len());
        let nmembers = members.len();
        for (mi, m) in members.iter().enumerate() {
            let base = self.base_type(&m.specs, false);
            let spec_alignas = self.alignas(&m.specs);
            let declarators = rs.declarators(m);
            if declarators.is_empty() {
                // An anonymous struct/union member.
                if self.is_record(base.ty).is_some() {
                    let a = self.gather_attrs(m.specs.attrs.iter());
                    ins.push(MemberIn {
                        name: None,
                        ty: base,
                        bit_width: None,
                        align_attr: max_opt(a.align, spec_alignas),
                        packed: a.packed,
                        decl_tags: vec![],
                        span: m.span,
                    });
                } else if !self.is_error(base.ty) {
                    self.warning(m.span, "declaration does not declare anything");
                }
                continue;
            }
            for (di, md) in declarators.iter().enumerate() {
                let last = mi + 1 == nmembers && di + 1 == declarators.len();
                let (ty, name, dattrs) = match &md.declarator {
                    Some(d) => (
                        self.declarator_type(base, d, &m.specs.attrs),
                        d.name,
                        &d.attrs[..],
                    ),
                    None => (base, None, &[][..]),
                };
                let a = self.gather_attrs(m.specs.attrs.iter().chain(dattrs.iter()));
                let span = name.map(|n| n.1).unwrap_or(md.span);
                let mut bit_width = None;
                if let Some(w) = md.bit_width {
                    bit_width = self.bit_width(w, ty, name.map(|n| n.0));
                }
                if self.is_error(ty.ty) {
                    // Keep the member so later uses do not cascade.
                } else if self.is_function(ty.ty) {
                    self.error(span, "field declared as a function");
                    continue;
                } else if !self.is_complete(ty.ty) {
                    let flexible = matches!(self.ck(ty.ty), TypeKind::Array { len: None, .. });
                    if flexible && (last || rs.is_union) {
                        // Flexible array member: size 0.
                    } else if flexible {
                        self.error(span, "flexible array member is not at the end of struct");
                    } else {
                        let s = self.type_str(ty);
                        self.error(span, format!("field has incomplete type '{s}'"));
                        continue;
                    }
                }
                ins.push(MemberIn {
                    name: name.map(|n| n.0),
                    ty,
                    bit_width,
                    align_attr: max_opt(a.align, spec_alignas),
                    packed: a.packed,
                    decl_tags: a.decl.decl_tags.clone(),
                    span,
                });
            }
        }
        // Duplicate member names (anonymous members' names included).
        let mut seen = std::mem::take(&mut self.member_names);
        seen.clear();
        for m in &ins {
            if let Some(n) = m.name {
                if seen.insert(n, ()).is_some() {
                    let s = self.name(n).to_string();
                    self.error(m.span, format!("duplicate member '{s}'"));
                }
            }
        }
        self.member_names = seen;
        let layout = layout_record(&self.types, ins, rs.is_union, attrs.packed, attrs.align);
        self.bad_bitfields.extend(layout.unsupported);
        let rec = &mut self.types.records[rid];
        rec.fields = layout.fields;
        rec.size = layout.size;
        rec.align = layout.align;
        rec.packed = attrs.packed;
        rec.attrs = attrs.names;
        rec.decl_tags = record_tags.into();
        rec.complete = true;
        self.propagate_preserve_access_index(rid);
        ty
    }

    fn bit_width(&mut self, w: ast::ExprId, ty: QualType, name: Option<Sym>) -> Option<u32> {
        let span = self.tu.exprs[w].span;
        let v = self.const_int(w)?;
        let Some(k) = self.types.int_kind(ty.ty) else {
            if !self.is_error(ty.ty) {
                let s = self.type_str(ty);
                self.error(span, format!("bit-field has non-integral type '{s}'"));
            }
            return None;
        };
        let bits = if k == IntKind::Bool { 1 } else { k.size() * 8 };
        if v < 0 {
            self.error(span, "bit-field has negative width");
            return None;
        }
        if v as u64 > bits {
            self.error(
                span,
                format!(
                    "width of bit-field ({v} bits) exceeds the width of its type ({bits} bits)"
                ),
            );
            return None;
        }
        if v == 0 && name.is_some() {
            self.error(span, "named bit-field has zero width");
            return None;
        }
        Some(v as u32)
    }

    fn new_record(&mut self, name: Option<Sym>, is_union: bool, span: Span) -> TypeId {
        let rid = self.types.records.push(RecordDef {
            name,
            is_union,
            complete: false,
            fields: vec![],
            size: 0,
            align: 1,
            packed: false,
            attrs: vec![],
            decl_tags: Default::default(),
            span,
        });
        let ty = self.types.push_new(TypeKind::Record(rid));
        if let Some(n) = name {
            self.scopes
                .last_mut()
                .unwrap()
                .tags
                .insert(n, Tag::Record(rid, ty));
        }
        ty
    }

    fn tag_type(&mut self, tag: Tag, want_union: bool, name: Sym, span: Span) -> TypeId {
        match tag {
            Tag::Record(r, ty) if self.types.records[r].is_union == want_union => ty,
            _ => {
                let n = self.name(name).to_string();
                self.error(
                    span,
                    format!("use of '{n}' with tag type that does not match previous declaration"),
                );
                self.t.error
            }
        }
    }

    #[inline(never)]
    fn enum_spec(
        &mut self,
        es: &ast::EnumSpec,
        spec_attrs: &[ast::Attribute],
        forward_decl: bool,
    ) -> TypeId {
        let fixed = es.underlying.as_ref().map(|tn| self.type_name(tn));
        let Some(enumerators) = &es.enumerators else {
            let Some((name, span)) = es.name else {
                return self.t.error;
            };
            let found = if forward_decl {
                self.scopes.last().unwrap().tags.get(&name).copied()
            } else {
                self.lookup_tag(name)
            };
            match found {
                Some(Tag::Enum(_, ty)) => return ty,
                Some(Tag::Record(..)) => {
                    let n = self.name(name).to_string();
                    self.error(
                        span,
                        format!(
                            "use of '{n}' with tag type that does not match previous declaration"
                        ),
                    );
                    return self.t.error;
                }
                None => {
                    // A forward-declared enum (GNU): `unsigned int` until defined.
                    let underlying = fixed
                        .and_then(|q| self.types.int_kind(q.ty))
                        .unwrap_or(IntKind::UInt);
                    return self.new_enum(Some(name), underlying, es.span);
                }
            }
        };
        let mut ety = None;
        if let Some((name, span)) = es.name {
            match self.scopes.last().unwrap().tags.get(&name).copied() {
                Some(Tag::Enum(e, ty)) if !self.types.enums[e].complete => ety = Some((e, ty)),
                Some(_) => {
                    let n = self.name(name).to_string();
                    self.error(span, format!("redefinition of 'enum {n}'"));
                }
                None => {}
            }
        }
        let (eid, ty) = match ety {
            Some(x) => x,
            None => {
                let ty = self.new_enum(es.name.map(|n| n.0), IntKind::UInt, es.span);
                let TypeKind::Enum(e) = *self.types.kind(ty) else {
                    unreachable!()
                };
                (e, ty)
            }
        };
        let fixed_kind = fixed.and_then(|q| self.types.int_kind(q.ty));
        let mut next: i64 = 0;
        let mut next_overflow = false;
        let mut values: Vec<(Sym, i64)> = Vec::with_capacity(enumerators.len());
        let (mut min, mut max) = (0i64, 0i64);
        // Enumerators whose value does not fit `int` get the enum's type (clang).
        let mut wide: Vec<Sym> = Vec::new();
        for en in enumerators {
            let v = match en.value {
                Some(e) => {
                    let c = self.expr(e);
                    match c.kind {
                        tir::ExprKind::Const(v) if self.is_integer(c.ty.ty) => {
                            // Unsigned values above i64::MAX keep their bits.
                            v
                        }
                        _ => {
                            if !self.is_error(c.ty.ty) {
                                self.error(
                                    self.tu.exprs[e].span,
                                    "expression is not an integer constant expression",
                                );
                            }
                            next
                        }
                    }
                }
                None => {
                    if next_overflow {
                        self.error(en.span, "enumerator value is not representable");
                    }
                    next
                }
            };
            if values.is_empty() {
                min = v;
                max = v;
            } else {
                min = min.min(v);
                max = max.max(v);
            }
            let (n, o) = v.overflowing_add(1);
            next = n;
            next_overflow = o;
            values.push((en.name, v));
            let ety_now = if i32::try_from(v).is_ok() {
                self.t.int
            } else {
                wide.push(en.name);
                if v < 0 {
                    self.t.long
                } else {
                    self.t.ulong
                }
            };
            // Bound first, checked after: one lookup per enumerator.
            let scope = &mut self.scopes.last_mut().unwrap().ords;
            match scope.insert(en.name, Binding::EnumConst(v, ety_now)) {
                None => {}
                Some(Binding::EnumConst(..)) => {
                    let s = self.name(en.name).to_string();
                    self.error(en.span, format!("redefinition of enumerator '{s}'"));
                }
                Some(_) => {
                    let s = self.name(en.name).to_string();
                    self.error(
                        en.span,
                        format!("redefinition of '{s}' as different kind of symbol"),
                    );
                }
            }
        }
        let attrs = self.gather_attrs(es.attrs.iter().chain(spec_attrs.iter()));
        let underlying = if let Some(k) = fixed_kind {
            k
        } else if attrs.packed {
            if min < 0 {
                if min >= i8::MIN as i64 && max <= i8::MAX as i64 {
                    IntKind::SChar
                } else if min >= i16::MIN as i64 && max <= i16::MAX as i64 {
                    IntKind::Short
                } else if min >= i32::MIN as i64 && max <= i32::MAX as i64 {
                    IntKind::Int
                } else {
                    IntKind::Long
                }
            } else if max <= u8::MAX as i64 {
                IntKind::UChar
            } else if max <= u16::MAX as i64 {
                IntKind::UShort
            } else if max <= u32::MAX as i64 {
                IntKind::UInt
            } else {
                IntKind::ULong
            }
        } else if min < 0 {
            if min >= i32::MIN as i64 && max <= i32::MAX as i64 {
                IntKind::Int
            } else {
                IntKind::Long
            }
        } else if max <= u32::MAX as i64 {
            IntKind::UInt
        } else {
            IntKind::ULong
        };
        let def = &mut self.types.enums[eid];
        def.underlying = underlying;
        def.values = values;
        def.complete = true;
        def.span = es.span;
        for n in wide {
            if let Some(Binding::EnumConst(v, _)) = self.lookup_current(n) {
                self.bind(n, Binding::EnumConst(v, ty));
            }
        }
        ty
    }

    fn new_enum(&mut self, name: Option<Sym>, underlying: IntKind, span: Span) -> TypeId {
        let eid = self.types.enums.push(EnumDef {
            name,
            complete: false,
            underlying,
            values: vec![],
            span,
        });
        let ty = self.types.push_new(TypeKind::Enum(eid));
        if let Some(n) = name {
            self.scopes
                .last_mut()
                .unwrap()
                .tags
                .insert(n, Tag::Enum(eid, ty));
        }
        ty
    }

    // -- declarations -------------------------------------------------------

    /// Whether a declaration is only `struct foo;` / `union foo;` / `enum foo;`.
    pub fn is_forward_decl(d: &ast::Declaration) -> bool {
        d.declarators.is_empty()
            && d.specs.type_specs.len() == 1
            && match &d.specs.type_specs[0] {
                TypeSpec::Record(r) => r.members.is_none(),
                TypeSpec::RecordRef(_) => true,
                TypeSpec::Enum(e) => e.enumerators.is_none(),
                _ => false,
            }
    }

    pub fn static_assert(&mut self, sa: &ast::StaticAssert) {
        let Some(v) = self.const_int(sa.cond) else {
            return;
        };
        if v == 0 {
            let msg = match &sa.message {
                Some(m) => format!("static assertion failed: {}", String::from_utf8_lossy(m)),
                None => "static assertion failed".to_string(),
            };
            self.error(sa.span, msg);
        }
    }

    /// A file-scope declaration.
    pub fn declaration(&mut self, d: &ast::Declaration, _file_scope: bool) {
        let base = self.base_type(&d.specs, Self::is_forward_decl(d));
        if d.declarators.is_empty() {
            self.check_empty_decl(d);
            return;
        }
        let alignas = self.alignas(&d.specs);
        for id in &d.declarators {
            let Some((name, nspan)) = id.declarator.name else {
                self.error(id.span, "declarator requires an identifier");
                continue;
            };
            let mut ty = self.declarator_type(base, &id.declarator, &d.specs.attrs);
            let is_auto = d
                .specs
                .type_specs
                .iter()
                .any(|t| matches!(t, TypeSpec::AutoType));
            if d.specs.storage == Some(ast::StorageClass::Typedef) {
                let tags = self.decl_tags(d.specs.attrs.iter().chain(id.declarator.attrs.iter()));
                self.typedef(name, nspan, ty, tags);
                continue;
            }
            if is_auto {
                ty = match &id.init {
                    Some(ast::Initializer::Expr(e)) => {
                        let v = self.expr(*e);
                        QualType {
                            ty: v.ty.ty,
                            quals: ty.quals,
                        }
                    }
                    _ => {
                        self.error(nspan, "'__auto_type' declaration needs an initializer");
                        self.err_qt()
                    }
                };
            }
            if self.is_function(ty.ty) {
                if id.init.is_some() {
                    self.error(
                        id.span,
                        "illegal initializer (only variables can be initialized)",
                    );
                }
                let fid =
                    self.declare_function(name, nspan, ty.ty, &d.specs, &id.declarator, false);
                let _ = fid;
                continue;
            }
            if matches!(
                d.specs.storage,
                Some(ast::StorageClass::Auto | ast::StorageClass::Register)
            ) {
                self.error(
                    d.specs.span,
                    "illegal storage class on file-scoped variable",
                );
            }
            let attrs = self.gather_attrs(d.specs.attrs.iter().chain(id.declarator.attrs.iter()));
            let linkage = if d.specs.storage == Some(ast::StorageClass::Static) {
                Linkage::Internal
            } else {
                Linkage::External
            };
            let is_extern = d.specs.storage == Some(ast::StorageClass::Extern);
            self.declare_global(GlobalDecl {
                name,
                span: nspan,
                ty,
                linkage,
                is_extern,
                attrs,
                alignas,
                init: id.init.as_ref(),
                symbol_name: None,
            });
        }
    }

    pub fn check_empty_decl(&mut self, d: &ast::Declaration) {
        let declares_tag = d.specs.type_specs.iter().any(|t| match t {
            TypeSpec::Record(r) => r.name.is_some() || r.members.is_some(),
            TypeSpec::RecordRef(_) | TypeSpec::Enum(_) => true,
            _ => false,
        });
        if !declares_tag {
            self.warning(d.span, "declaration does not declare anything");
        }
    }

    /// Declares typedef `name`; `tags` are its `btf_decl_tag`s.
    pub fn typedef(&mut self, name: Sym, span: Span, ty: QualType, tags: Vec<Vec<u8>>) {
        if let Some(Binding::Typedef(old)) = self.lookup_current(name) {
            // C11 allows repeating a typedef with the same type.
            let old_target = match self.types.kind(old.ty) {
                TypeKind::Typedef { target, .. } => *target,
                _ => old,
            };
            if !self.compatible(old_target, ty) && !self.is_error(ty.ty) {
                let (a, b) = (self.type_str(ty), self.type_str(old_target));
                self.error(
                    span,
                    format!("typedef redefinition with different types ('{a}' vs '{b}')"),
                );
            }
            return;
        } else if self.lookup_current(name).is_some() {
            let n = self.name(name).to_string();
            self.error(
                span,
                format!("redefinition of '{n}' as different kind of symbol"),
            );
        }
        let t = self.types.intern(TypeKind::Typedef { name, target: ty });
        if !tags.is_empty() {
            let all = self.types.typedef_decl_tags.entry(t).or_default();
            for tag in tags {
                if !all.contains(&tag) {
                    all.push(tag);
                }
            }
        }
        self.bind(name, Binding::Typedef(QualType::new(t)));
    }

    /// Declares (or redeclares) a function; binds it in the current scope.
    pub fn declare_function(
        &mut self,
        name: Sym,
        span: Span,
        ty: TypeId,
        specs: &DeclSpecs,
        d: &ast::Declarator,
        defining: bool,
    ) -> FuncId {
        let ty = self.types.canonical(ty);
        let attrs = self.gather_attrs(specs.attrs.iter().chain(d.attrs.iter()));
        let is_static = specs.storage == Some(ast::StorageClass::Static);
        let asm_label = d
            .asm_label
            .as_ref()
            .map(|l| String::from_utf8_lossy(l).into_owned());
        if !self.at_file_scope() && is_static {
            self.error(
                span,
                "function declared in block scope cannot have 'static' storage class",
            );
        }
        let existing = match self.lookup(name) {
            Some(Binding::Func(f)) => Some(f),
            Some(Binding::Global(_) | Binding::Local(_) | Binding::EnumConst(..))
                if self.at_file_scope() || self.lookup_current(name).is_some() =>
            {
                let n = self.name(name).to_string();
                self.error(
                    span,
                    format!("redefinition of '{n}' as different kind of symbol"),
                );
                None
            }
            _ => None,
        }
        .or_else(|| match self.scopes[0].ords.get(&name) {
            Some(Binding::Func(f)) => Some(*f),
            _ => None,
        });
        let fid = if let Some(fid) = existing {
            let old_ty = self.functions[fid].ty;
            if !self.compatible(QualType::new(old_ty), QualType::new(ty)) {
                let n = self.name(name).to_string();
                self.error(span, format!("conflicting types for '{n}'"));
            } else if let TypeKind::Function(f) = self.types.kind(ty) {
                // The newer declaration with a prototype wins (composite type).
                if f.has_prototype {
                    self.functions[fid].ty = ty;
                }
            }
            if is_static && self.functions[fid].linkage == Linkage::External {
                let n = self.name(name).to_string();
                self.error(
                    span,
                    format!("static declaration of '{n}' follows non-static declaration"),
                );
            }
            let param_tags = std::mem::take(&mut self.last_param_tags);
            let f = &mut self.functions[fid];
            merge_decl_attrs(&mut f.attrs, &attrs.decl);
            if defining || !param_tags.is_empty() {
                f.attrs.param_decl_tags = param_tags;
            }
            if attrs.section.is_some() {
                f.section = attrs.section.clone();
            }
            if attrs.helper_id.is_some() {
                f.helper_id = attrs.helper_id;
            }
            f.is_inline |= specs.is_inline;
            f.attrs.noreturn |= specs.is_noreturn;
            if asm_label.is_some() {
                f.asm_label = asm_label;
            }
            if defining {
                f.span = span;
            }
            fid
        } else {
            let mut decl_attrs = attrs.decl.clone();
            decl_attrs.noreturn |= specs.is_noreturn;
            decl_attrs.param_decl_tags = std::mem::take(&mut self.last_param_tags);
            self.functions.push(tir::Function {
                name,
                ty,
                linkage: if is_static {
                    Linkage::Internal
                } else {
                    Linkage::External
                },
                section: attrs.section.clone(),
                attrs: decl_attrs,
                is_inline: specs.is_inline,
                helper_id: attrs.helper_id,
                asm_label,
                body: None,
                span,
            })
        };
        if !self.at_file_scope() && !self.scopes[0].ords.contains_key(&name) {
            // A block-scope declaration has linkage: later file-scope
            // declarations of the name refer to the same function.
            self.scopes[0].ords.insert(name, Binding::Func(fid));
        }
        self.bind(name, Binding::Func(fid));
        fid
    }

    /// Declares (or redeclares) a variable with static storage.
    pub fn declare_global(&mut self, g: GlobalDecl) -> Option<GlobalId> {
        let GlobalDecl {
            name,
            span,
            mut ty,
            linkage,
            is_extern,
            attrs,
            alignas,
            init,
            symbol_name,
        } = g;
        // `extern const void sym __ksym;` only names an address (GNU C).
        if self.is_void(ty.ty) && (!is_extern || init.is_some()) {
            self.error(span, "variable has incomplete type 'void'");
            return None;
        }
        let existing = if symbol_name.is_some() {
            None
        } else {
            match self.lookup_current(name) {
                Some(Binding::Global(g)) => Some(g),
                Some(_) => {
                    let n = self.name(name).to_string();
                    self.error(
                        span,
                        format!("redefinition of '{n}' as different kind of symbol"),
                    );
                    return None;
                }
                None if is_extern => match self.scopes[0].ords.get(&name) {
                    Some(Binding::Global(g)) => Some(*g),
                    _ => None,
                },
                None => None,
            }
        };
        let gid = if let Some(gid) = existing {
            let old = self.globals[gid].ty;
            if !self.compatible(old, ty) {
                if !self.is_error(ty.ty) && !self.is_error(old.ty) {
                    let n = self.name(name).to_string();
                    let (a, b) = (self.type_str(ty), self.type_str(old));
                    self.error(
                        span,
                        format!("redefinition of '{n}' with a different type: '{a}' vs '{b}'"),
                    );
                }
            } else if !self.is_complete(old.ty) && self.is_complete(ty.ty) {
                self.globals[gid].ty = ty;
            } else {
                ty = old;
            }
            let gl = &mut self.globals[gid];
            if linkage == Linkage::Internal && gl.linkage == Linkage::External && !is_extern {
                let n = self.interner.resolve(name).to_string();
                self.diags.error(
                    span,
                    format!("static declaration of '{n}' follows non-static declaration"),
                );
            }
            if !is_extern {
                gl.is_extern = false;
            }
            merge_decl_attrs(&mut gl.attrs, &attrs.decl);
            if attrs.section.is_some() {
                gl.section = attrs.section.clone();
            }
            gid
        } else {
            let natural = self.types.align_of(ty.ty);
            let gid = self.globals.push(tir::Global {
                name: symbol_name.unwrap_or(name),
                ty,
                linkage,
                is_extern,
                init: None,
                section: attrs.section.clone(),
                align: natural,
                attrs: attrs.decl.clone(),
                synthesized: symbol_name.is_some(),
                helper_id: None,
                span,
            });
            if self.at_file_scope() || is_extern {
                self.bind(name, Binding::Global(gid));
            }
            if is_extern && !self.at_file_scope() && !self.scopes[0].ords.contains_key(&name) {
                self.scopes[0].ords.insert(name, Binding::Global(gid));
            }
            gid
        };
        let align = max_opt(attrs.align, alignas).unwrap_or(1);
        let g = &mut self.globals[gid];
        g.align = g.align.max(align);
        if let Some(init) = init {
            if self.globals[gid].init.is_some() {
                let n = self.name(name).to_string();
                self.error(span, format!("redefinition of '{n}'"));
            }
            if is_extern && self.at_file_scope() {
                self.warning(span, "'extern' variable has an initializer");
            } else if is_extern {
                self.error(
                    span,
                    "declaration of block scope identifier with linkage cannot have an initializer",
                );
                return Some(gid);
            }
            self.const_context += 1;
            let (ci, new_ty) = self.global_init(ty, init);
            self.const_context -= 1;
            let g = &mut self.globals[gid];
            g.is_extern = false;
            g.ty = new_ty;
            // libbpf's helper declarations: a constant function pointer.
            if ci.relocs.is_empty() && ci.bytes.len() == 8 {
                if let TypeKind::Pointer { pointee, .. } = self.types.ckind(new_ty.ty) {
                    if matches!(self.types.ckind(pointee.ty), TypeKind::Function(_)) {
                        let v = i64::from_le_bytes(ci.bytes[..8].try_into().unwrap());
                        if v != 0 {
                            self.globals[gid].helper_id = Some(v);
                        }
                    }
                }
            }
            self.globals[gid].init = Some(ci);
        }
        Some(gid)
    }

    /// End of unit: tentative definitions of incomplete arrays get one element.
    pub fn finish_globals(&mut self) {
        let ids: Vec<GlobalId> = self.globals.keys().collect();
        for gid in ids {
            let g = &self.globals[gid];
            if g.is_extern || g.init.is_some() {
                continue;
            }
            if let TypeKind::Array { elem, len: None } = self.types.ckind(g.ty.ty).clone() {
                let span = g.span;
                self.warning(
                    span,
                    "tentative array definition assumed to have one element",
                );
                let t = self.array_of(elem, Some(1));
                self.globals[gid].ty.ty = t;
            } else if !self.is_complete(g.ty.ty) && !self.is_error(g.ty.ty) {
                let s = self.type_str(g.ty);
                let span = g.span;
                self.error(
                    span,
                    format!("tentative definition has type '{s}' that is never completed"),
                );
            }
        }
    }

    /// A function definition.
    pub fn function_def(&mut self, f: &ast::FunctionDef) {
        let base = self.base_type(&f.specs, false);
        self.last_params.clear();
        let ty = self.declarator_type(base, &f.declarator, &f.specs.attrs);
        let params = std::mem::take(&mut self.last_params);
        let Some((name, nspan)) = f.declarator.name else {
            self.error(f.span, "function definition without a name");
            return;
        };
        if !self.is_function(ty.ty) {
            if !self.is_error(ty.ty) {
                self.error(nspan, "expected a function declarator");
            }
            return;
        }
        let fid = self.declare_function(name, nspan, ty.ty, &f.specs, &f.declarator, true);
        if self.functions[fid].body.is_some() {
            let n = self.name(name).to_string();
            self.error(nspan, format!("redefinition of '{n}'"));
        }
        let TypeKind::Function(fty) = self.types.ckind(ty.ty).clone() else {
            unreachable!()
        };
        // Inline functions disappear into their callers (clang reports the
        // BPF calling-convention limits only for functions it emits), and
        // empty records take no register.
        let inlined = self.functions[fid].is_inline || self.functions[fid].attrs.always_inline;
        if !inlined && self.is_passed_aggregate(fty.ret.ty) {
            self.error(nspan, "aggregate returns are not supported by BPF");
        } else if self.is_record(fty.ret.ty).is_some() {
        } else if !self.is_void(fty.ret.ty) && !self.is_complete(fty.ret.ty) {
            let s = self.type_str(fty.ret);
            self.error(
                nspan,
                format!("incomplete result type '{s}' in function definition"),
            );
        }
        if params.len() > 5 && !inlined {
            self.error(
                nspan,
                "too many arguments: BPF passes at most 5 arguments in registers",
            );
        }
        // K&R parameter declarations.
        let mut params = params;
        if !f.knr_decls.is_empty() {
            for d in &f.knr_decls {
                let base = self.base_type(&d.specs, false);
                for id in &d.declarators {
                    let pty = self.declarator_type(base, &id.declarator, &d.specs.attrs);
                    let pty = self.adjust_param(pty);
                    if let Some((n, _)) = id.declarator.name {
                        if let Some(p) = params.iter_mut().find(|p| p.0.map(|x| x.0) == Some(n)) {
                            p.1 = pty;
                        } else {
                            let s = self.name(n).to_string();
                            self.error(id.span, format!("parameter named '{s}' is missing"));
                        }
                    }
                }
            }
        }
        self.fn_ctx = Some(FnCtx {
            func: fid,
            name,
            ret: fty.ret,
            locals: PrimaryMap::new(),
            labels: PrimaryMap::new(),
            label_scopes: vec![SymMap::default()],
            params: vec![],
            loop_depth: 0,
            break_depth: 0,
            switches: vec![],
            next_case: 0,
            func_name_global: None,
            pending: vec![],
            cleanups: vec![],
            const_locals: Default::default(),
            jump_levels: vec![],
        });
        self.push_scope();
        for (pname, pty) in &params {
            let span = pname.map(|p| p.1).unwrap_or(nspan);
            // Struct parameters are accepted as clang accepts them; lowering
            // reports them if the function is emitted.
            let align = self.types.align_of(pty.ty);
            let aggregate = self.types.is_aggregate(pty.ty);
            let ctx = self.fn_cx_mut();
            let lid = ctx.locals.push(tir::Local {
                name: pname.map(|p| p.0),
                ty: *pty,
                align,
                address_taken: aggregate,
                span,
            });
            ctx.params.push(lid);
            if let Some((n, sp)) = pname {
                if matches!(self.lookup_current(*n), Some(Binding::Local(_))) {
                    let s = self.name(*n).to_string();
                    self.error(*sp, format!("redefinition of parameter '{s}'"));
                }
                self.bind(*n, Binding::Local(lid));
            }
        }
        let body_stmt = &self.tu.stmts[f.body];
        let end_span = Span::new(
            body_stmt.span.file,
            body_stmt.span.end.saturating_sub(1),
            body_stmt.span.end,
        );
        let body = match &body_stmt.kind {
            ast::StmtKind::Compound(items) => self.block_items(items),
            _ => vec![self.stmt(f.body)],
        };
        self.pop_scope();
        self.flush_pending_srem();
        let mut ctx = self.fn_ctx.take().unwrap();
        // Labels used but never defined.
        let mut undefined: Vec<(Span, Sym)> = Vec::new();
        for scope in &ctx.label_scopes {
            for (name, st) in scope {
                if !st.defined {
                    undefined.push((st.first_use, *name));
                }
            }
        }
        undefined.sort_by_key(|(s, _)| (s.file, s.start));
        for (span, name) in undefined {
            let s = self.name(name).to_string();
            self.error(span, format!("use of undeclared label '{s}'"));
        }
        let param_ids = std::mem::take(&mut ctx.params);
        self.functions[fid].body = Some(tir::FunctionBody {
            params: param_ids,
            locals: ctx.locals,
            labels: ctx.labels,
            body,
            end_span,
        });
    }

    /// A struct or union that would need passing in registers (not empty).
    pub fn is_passed_aggregate(&self, ty: TypeId) -> bool {
        self.is_record(ty).is_some() && self.types.size_of(ty) != Some(0)
    }

    /// Allocates a local variable in the current function.
    pub fn new_local(
        &mut self,
        name: Option<Sym>,
        ty: QualType,
        align: u64,
        span: Span,
    ) -> tir::LocalId {
        let aggregate = self.types.is_aggregate(ty.ty);
        let ctx = self.fn_ctx.as_mut().expect("local outside a function");
        ctx.locals.push(tir::Local {
            name,
            ty,
            align,
            address_taken: aggregate,
            span,
        })
    }

    /// The label `name` of the current function, created on first mention.
    pub fn label(&mut self, name: Sym, span: Span, defining: bool) -> tir::LabelId {
        let ctx = self
            .fn_ctx
            .as_mut()
            .expect("checked outside a function body");
        let idx = ctx
            .label_scopes
            .iter()
            .rposition(|s| s.contains_key(&name))
            .unwrap_or(0);
        if let Some(st) = ctx.label_scopes[idx].get_mut(&name) {
            let id = st.id;
            if defining {
                if st.defined {
                    let s = self.interner.resolve(name).to_string();
                    self.diags
                        .error(span, format!("redefinition of label '{s}'"));
                }
                st.defined = true;
            }
            return id;
        }
        let id = ctx.labels.push(tir::Label { name, span });
        ctx.label_scopes[0].insert(
            name,
            LabelState {
                id,
                defined: defining,
                first_use: span,
            },
        );
        id
    }
}

/// Inputs of [`Checker::declare_global`].
pub(crate) struct GlobalDecl<'x> {
    pub name: Sym,
    pub span: Span,
    pub ty: QualType,
    pub linkage: Linkage,
    pub is_extern: bool,
    pub attrs: Attrs,
    pub alignas: Option<u64>,
    pub init: Option<&'x ast::Initializer>,
    /// For static locals: the symbol name (`function.variable`); the global is
    /// not bound by name at file scope.
    pub symbol_name: Option<Sym>,
}

fn max_opt(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn merge_decl_attrs(into: &mut DeclAttrs, from: &DeclAttrs) {
    into.weak |= from.weak;
    into.used |= from.used;
    into.unused |= from.unused;
    into.hidden |= from.hidden;
    into.always_inline |= from.always_inline;
    into.noinline |= from.noinline;
    into.naked |= from.naked;
    into.noreturn |= from.noreturn;
    for t in &from.decl_tags {
        if !into.decl_tags.contains(t) {
            into.decl_tags.push(t.clone());
        }
    }
}
