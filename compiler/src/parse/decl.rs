//! Declarations: specifiers, declarators, struct/union/enum bodies,
//! attributes, initializers, type names, and the top-level items.

use super::ast::*;
use super::{ident_of, keyword_of, kw, PResult, Parser, Reported};
use crate::intern::Sym;
use crate::preprocess::token::{Punct, TokenKind};
use crate::source::Span;

/// What a declarator may contain.
#[derive(Copy, Clone, PartialEq, Eq)]
pub(super) enum DeclMode {
    /// Must have a name (variables, members, functions).
    Named,
    /// Must not have a name (type names).
    Abstract,
    /// Either (parameters).
    Either,
}

/// Where declaration specifiers are being parsed, which decides how an
/// identifier that is not a typedef name is treated.
#[derive(Copy, Clone, PartialEq, Eq)]
pub(super) enum SpecCtx {
    /// File scope, struct members and parameters: no expression can start
    /// here, so `foo x` or `foo *x` with unknown `foo` is an unknown type.
    NoExpr,
    /// Block scope, `for` initialisers and type names: an unknown identifier
    /// ends the specifiers (the caller decides).
    Block,
}

impl Parser<'_> {
    // -- classification -----------------------------------------------------

    /// Whether the current token can begin a type name (casts, `sizeof(T)`,
    /// `typeof(T)`, `_Generic` associations).
    pub(super) fn starts_type_name(&self) -> bool {
        self.token_starts_type_name(0)
    }

    pub(super) fn token_starts_type_name(&self, n: usize) -> bool {
        let t = self.peek(n);
        if let Some(k) = keyword_of(t) {
            return is_type_keyword(k) || is_qualifier_keyword(k);
        }
        match ident_of(t) {
            Some(s) => self.scopes.is_typedef(s),
            None => false,
        }
    }

    /// Whether the current token can begin a declaration.
    pub(super) fn starts_declaration(&self) -> bool {
        let t = self.tok();
        if let Some(k) = keyword_of(t) {
            return is_type_keyword(k)
                || is_qualifier_keyword(k)
                || is_storage_or_function_keyword(k)
                || matches!(k, kw::Attribute | kw::Attribute2 | kw::Alignas);
        }
        match ident_of(t) {
            // `T:` is a label even when T is a typedef name.
            Some(s) => self.scopes.is_typedef(s) && !self.peek(1).is_punct(Punct::Colon),
            None => self.is_std_attribute_start(),
        }
    }

    fn is_std_attribute_start(&self) -> bool {
        self.is(Punct::LBracket) && self.peek(1).is_punct(Punct::LBracket)
    }

    // -- attributes ---------------------------------------------------------

    /// Whether the current token starts a GNU or standard attribute.
    pub(super) fn at_attribute(&self) -> bool {
        self.is_kw(kw::Attribute) || self.is_kw(kw::Attribute2) || self.is_std_attribute_start()
    }

    /// Parses any run of `__attribute__((...))` and `[[...]]` into `out`.
    pub(super) fn attributes(&mut self, out: &mut Vec<Attribute>) -> PResult<()> {
        loop {
            if self.is_kw(kw::Attribute) || self.is_kw(kw::Attribute2) {
                self.bump();
                let open = self.span();
                self.expect(Punct::LParen, "after 'attribute'")?;
                let open2 = self.span();
                self.expect(Punct::LParen, "after 'attribute'")?;
                self.attribute_list(out, false)?;
                self.expect_close(Punct::RParen, open2)?;
                self.expect_close(Punct::RParen, open)?;
            } else if self.is_std_attribute_start() {
                let open = self.span();
                self.bump();
                self.bump();
                self.attribute_list(out, true)?;
                self.expect_close(Punct::RBracket, open)?;
                self.expect_close(Punct::RBracket, open)?;
            } else {
                return Ok(());
            }
        }
    }

    /// [`Parser::attributes`] appended to a list of the tree, which is
    /// allocated only when there are attributes.
    pub(super) fn attributes_onto(&mut self, list: &mut RareList<Attribute>) -> PResult<()> {
        if !self.at_attribute() {
            return Ok(());
        }
        self.attributes(list.as_vec_mut())
    }

    /// The comma-separated attributes inside `__attribute__((` `))` or `[[` `]]`.
    fn attribute_list(&mut self, out: &mut Vec<Attribute>, standard: bool) -> PResult<()> {
        loop {
            if self.is(Punct::Comma) {
                self.bump();
                continue;
            }
            let TokenKind::Ident(mut name) = self.kind() else {
                return Ok(());
            };
            let mut span = self.span();
            self.bump();
            // `[[gnu::packed]]`, `[[clang::noinline]]`: keep the attribute name.
            if standard && self.is(Punct::Colon) && self.peek(1).is_punct(Punct::Colon) {
                self.bump();
                self.bump();
                let TokenKind::Ident(n) = self.kind() else {
                    return Err(self.error_here("expected attribute name"));
                };
                name = n;
                span = span.to(self.span());
                self.bump();
            }
            let name = self.attribute_name(name);
            let mut args = Vec::new();
            if self.is(Punct::LParen) {
                let open = self.span();
                self.bump();
                while !self.is(Punct::RParen) && !self.at_eof() {
                    push_exact(&mut args, self.assign_expr()?);
                    if !self.eat(Punct::Comma) {
                        break;
                    }
                }
                self.expect_close(Punct::RParen, open)?;
            }
            push_exact(
                out,
                Attribute {
                    name,
                    args: args.into_boxed_slice(),
                    span: span.to(self.prev_span),
                },
            );
        }
    }

    /// `__packed__` -> `packed`; cached because the same few names repeat.
    fn attribute_name(&mut self, raw: Sym) -> Sym {
        if let Some(&s) = self.attr_names.get(&raw) {
            return s;
        }
        let text = self.src.interner().resolve(raw);
        let stripped = match text.strip_prefix("__").and_then(|t| t.strip_suffix("__")) {
            Some(inner) if !inner.is_empty() => Some(inner.to_string()),
            _ => None,
        };
        let s = match stripped {
            Some(inner) => self.src.interner_mut().intern(&inner),
            None => raw,
        };
        self.attr_names.insert(raw, s);
        s
    }

    /// Skips `__attribute__`s where GNU allows them but the tree has no
    /// place for them (statements, after labels' colons handled elsewhere).
    pub(super) fn skip_attributes(&mut self) -> PResult<()> {
        let mut sink = Vec::new();
        self.attributes(&mut sink)
    }

    // -- declaration specifiers ---------------------------------------------

    /// Parses declaration specifiers. Returns specifiers with no type
    /// specifier when there are none (the caller diagnoses as appropriate).
    pub(super) fn decl_specs(&mut self, ctx: SpecCtx) -> PResult<DeclSpecs> {
        // Type specifiers are gathered on a stack shared by nested calls and
        // moved out in one exact-size allocation.
        let base = self.type_spec_stack.len();
        let mut specs = DeclSpecs {
            span: self.span(),
            ..DeclSpecs::default()
        };
        let r = self.decl_specs_into(ctx, &mut specs, base);
        if r.is_ok() {
            specs.type_specs = self.type_spec_stack.drain(base..).collect();
        } else {
            self.type_spec_stack.truncate(base);
        }
        r.map(|()| specs)
    }

    fn decl_specs_into(&mut self, ctx: SpecCtx, specs: &mut DeclSpecs, base: usize) -> PResult<()> {
        let start = self.pos;
        loop {
            let t = *self.tok();
            let TokenKind::Ident(s) = t.kind else {
                if self.is_std_attribute_start() {
                    self.attributes_onto(&mut specs.attrs)?;
                    continue;
                }
                break;
            };
            if keyword_of(&t).is_none() {
                // An identifier: a typedef name only if no type was named yet.
                if self.type_spec_stack.len() > base {
                    break;
                }
                if self.scopes.is_typedef(s) {
                    self.bump();
                    self.type_spec_stack.push(TypeSpec::TypedefName(s, t.span));
                    continue;
                }
                if ctx == SpecCtx::NoExpr && self.unknown_type_follows() {
                    self.error_here(format!(
                        "unknown type name '{}'",
                        self.src.interner().resolve(s)
                    ));
                    self.bump();
                    self.type_spec_stack.push(TypeSpec::TypedefName(s, t.span));
                    continue;
                }
                break;
            }
            match s {
                kw::Typedef => self.set_storage(specs, StorageClass::Typedef),
                kw::Extern => self.set_storage(specs, StorageClass::Extern),
                kw::Static => self.set_storage(specs, StorageClass::Static),
                kw::Auto => self.set_storage(specs, StorageClass::Auto),
                kw::Register => self.set_storage(specs, StorageClass::Register),
                kw::ThreadLocal | kw::Thread => {
                    self.bump();
                    specs.thread_local = true;
                }
                kw::Inline | kw::Inline2 | kw::Inline3 => {
                    self.bump();
                    specs.is_inline = true;
                }
                kw::Noreturn => {
                    self.bump();
                    specs.is_noreturn = true;
                }
                kw::Const | kw::Const2 | kw::Const3 => {
                    self.bump();
                    specs.quals.is_const = true;
                }
                kw::Volatile | kw::Volatile2 | kw::Volatile3 => {
                    self.bump();
                    specs.quals.is_volatile = true;
                }
                kw::Restrict | kw::Restrict2 | kw::Restrict3 => {
                    self.bump();
                    specs.quals.is_restrict = true;
                }
                kw::Atomic => {
                    self.bump();
                    if self.is(Punct::LParen) {
                        let open = self.span();
                        self.bump();
                        let tn = self.type_name()?;
                        self.expect_close(Punct::RParen, open)?;
                        self.type_spec_stack.push(TypeSpec::Atomic(Box::new(tn)));
                    } else {
                        specs.quals.is_atomic = true;
                    }
                }
                kw::Void => self.basic_spec(base, |b| &mut b.void),
                kw::Char => self.basic_spec(base, |b| &mut b.char),
                kw::Short => self.basic_spec(base, |b| &mut b.short),
                kw::Int => self.basic_spec(base, |b| &mut b.int),
                kw::Long => self.basic_spec(base, |b| &mut b.long),
                kw::Float => self.basic_spec(base, |b| &mut b.float),
                kw::Double => self.basic_spec(base, |b| &mut b.double),
                kw::Signed | kw::Signed2 | kw::Signed3 => self.basic_spec(base, |b| &mut b.signed),
                kw::Unsigned => self.basic_spec(base, |b| &mut b.unsigned),
                kw::Bool => self.basic_spec(base, |b| &mut b.bool),
                kw::Complex | kw::Imaginary => self.basic_spec(base, |b| &mut b.complex),
                kw::Int128 | kw::Int128T => self.basic_spec(base, |b| &mut b.int128),
                kw::Uint128T => {
                    self.bump();
                    self.count_basic(base, |b| &mut b.unsigned);
                    self.count_basic(base, |b| &mut b.int128);
                }
                kw::Float16 | kw::Bf16 => self.basic_spec(base, |b| &mut b.other_float),
                kw::VaList => self.basic_spec(base, |b| &mut b.va_list),
                kw::AutoType => {
                    self.bump();
                    self.type_spec_stack.push(TypeSpec::AutoType);
                }
                kw::Struct | kw::Union => {
                    let r = self.record_type_spec()?;
                    self.type_spec_stack.push(r);
                }
                kw::Enum => {
                    let e = self.enum_type_spec()?;
                    self.type_spec_stack.push(e);
                }
                kw::Typeof
                | kw::Typeof2
                | kw::Typeof3
                | kw::TypeofUnqual
                | kw::TypeofUnqual2
                | kw::TypeofUnqual3 => {
                    let ts = self.typeof_spec()?;
                    self.type_spec_stack.push(ts);
                }
                kw::Alignas => {
                    self.bump();
                    let open = self.span();
                    self.expect(Punct::LParen, "after '_Alignas'")?;
                    let a = if self.starts_type_name() {
                        AlignAs::Type(Box::new(self.type_name()?))
                    } else {
                        AlignAs::Expr(self.cond_expr()?)
                    };
                    self.expect_close(Punct::RParen, open)?;
                    specs.alignas.push(a);
                }
                kw::Attribute | kw::Attribute2 => self.attributes_onto(&mut specs.attrs)?,
                kw::Extension => self.bump(),
                _ => break,
            }
        }
        if self.pos > start {
            specs.span = specs.span.to(self.prev_span);
        }
        Ok(())
    }

    /// At an identifier that is not a typedef name, in a place where no
    /// expression can start: is it a misspelt or undeclared type name?
    fn unknown_type_follows(&self) -> bool {
        let next = self.peek(1);
        ident_of(next).is_some()
            || next.is_punct(Punct::Star)
            || keyword_of(next).is_some_and(|k| {
                is_qualifier_keyword(k) || matches!(k, kw::Attribute | kw::Attribute2)
            })
    }

    fn set_storage(&mut self, specs: &mut DeclSpecs, sc: StorageClass) {
        if specs.storage.is_some() {
            self.error_here("multiple storage classes in declaration specifiers");
        }
        specs.storage = Some(sc);
        self.bump();
    }

    /// Consumes a keyword type specifier and counts it (see `count_basic`).
    fn basic_spec(&mut self, base: usize, count: fn(&mut BasicSpecs) -> &mut u8) {
        self.bump();
        self.count_basic(base, count);
    }

    /// Counts a keyword type specifier in the declaration's one
    /// `TypeSpec::Basic`, which is on the stack above `base` if an earlier
    /// keyword made it.
    fn count_basic(&mut self, base: usize, count: fn(&mut BasicSpecs) -> &mut u8) {
        let at = self.type_spec_stack[base..]
            .iter()
            .position(|t| matches!(t, TypeSpec::Basic(_)));
        let at = match at {
            Some(i) => base + i,
            None => {
                self.type_spec_stack
                    .push(TypeSpec::Basic(BasicSpecs::default()));
                self.type_spec_stack.len() - 1
            }
        };
        let TypeSpec::Basic(b) = &mut self.type_spec_stack[at] else {
            unreachable!("found as Basic")
        };
        let c = count(b);
        *c = c.saturating_add(1);
    }

    /// `typeof(expr)` / `typeof(type)` and the `_unqual` variants.
    fn typeof_spec(&mut self) -> PResult<TypeSpec> {
        let unqual = matches!(
            self.keyword(),
            Some(kw::TypeofUnqual | kw::TypeofUnqual2 | kw::TypeofUnqual3)
        );
        self.bump();
        let open = self.span();
        self.expect(Punct::LParen, "after 'typeof'")?;
        let ts = if self.starts_type_name() {
            TypeSpec::TypeofType {
                ty: Box::new(self.type_name()?),
                unqual,
            }
        } else {
            TypeSpec::TypeofExpr {
                expr: self.expr()?,
                unqual,
            }
        };
        self.expect_close(Punct::RParen, open)?;
        Ok(ts)
    }

    // -- struct / union / enum ---------------------------------------------

    // The two below stay out of line so that the large `RecordSpec` and
    // `EnumSpec` values (and everything inlined into their parsers) live in
    // their own stack frames, not in that of every `decl_specs` call.
    #[inline(never)]
    fn record_type_spec(&mut self) -> PResult<TypeSpec> {
        let rs = self.record_spec()?;
        if let (None, true, Some((name, name_span))) = (&rs.members, rs.attrs.is_empty(), rs.name) {
            let r = RecordRef {
                is_union: rs.is_union,
                name,
                name_span,
                start: rs.span.start,
            };
            // Only when the short form describes the same span (it cannot
            // when `struct` and the name come from different files).
            if r.span() == rs.span {
                return Ok(TypeSpec::RecordRef(r));
            }
        }
        Ok(TypeSpec::Record(Box::new(rs)))
    }

    #[inline(never)]
    fn enum_type_spec(&mut self) -> PResult<TypeSpec> {
        Ok(TypeSpec::Enum(Box::new(self.enum_spec()?)))
    }

    fn record_spec(&mut self) -> PResult<RecordSpec> {
        let start = self.span();
        let keyword_index = self.pos;
        let is_union = self.is_kw(kw::Union);
        self.bump();
        let mut attrs = Vec::new();
        self.attributes(&mut attrs)?;
        let name = match self.ident() {
            Some(s) => {
                let sp = self.span();
                self.bump();
                Some((s, sp))
            }
            None => None,
        };
        let mut members = None;
        let mut member_declarators = Box::default();
        if self.is(Punct::LBrace) {
            let (m, d) = self.record_body()?;
            members = Some(m);
            member_declarators = d;
            // Attributes right after the closing brace belong to the type.
            self.attributes(&mut attrs)?;
            for region in self.src.record_attributes() {
                if region.tokens.contains(&keyword_index) {
                    attrs.push(Attribute {
                        name: region.name,
                        args: Box::default(),
                        span: region.span,
                    });
                }
            }
        } else if name.is_none() {
            return Err(self.error_here(format!(
                "expected identifier or '{{' after '{}'",
                if is_union { "union" } else { "struct" }
            )));
        }
        Ok(RecordSpec {
            is_union,
            name,
            members,
            member_declarators,
            attrs: attrs.into_boxed_slice(),
            span: start.to(self.prev_span),
        })
    }

    /// `{ member-declarations }`, recovering per member.
    #[allow(clippy::type_complexity)]
    fn record_body(&mut self) -> PResult<(Box<[MemberDecl]>, Box<[MemberDeclarator]>)> {
        let open = self.span();
        self.bump();
        self.enter()?;
        // Members are gathered on a stack shared with nested records and
        // moved out in one exact-size allocation.
        let base = self.member_stack.len();
        let dbase = self.member_declarator_stack.len();
        while !self.is(Punct::RBrace) && !self.at_eof() {
            let before = self.pos;
            let dpos = self.member_declarator_stack.len();
            match self.member_decl(dbase) {
                Ok(Some(m)) => self.member_stack.push(m),
                Ok(None) => {}
                Err(Reported) => {
                    self.member_declarator_stack.truncate(dpos);
                    self.sync_stmt();
                }
            }
            if self.pos == before {
                self.bump();
            }
        }
        let members = self.member_stack.drain(base..).collect();
        let declarators = self.member_declarator_stack.drain(dbase..).collect();
        self.leave();
        self.expect_close(Punct::RBrace, open)?;
        Ok((members, declarators))
    }

    /// One member declaration; its declarators go on
    /// `member_declarator_stack`, indexed from `dbase` (the record's start).
    fn member_decl(&mut self, dbase: usize) -> PResult<Option<MemberDecl>> {
        if self.eat(Punct::Semi) {
            return Ok(None);
        }
        if self.is_kw(kw::StaticAssert) || self.is_kw(kw::StaticAssert2) {
            // Checked by nobody downstream of a struct body in the tree, so
            // it is parsed (for errors) and kept at file level.
            let sa = self.static_assert()?;
            self.tu.items.push(ExternalDecl::StaticAssert(sa));
            return Ok(None);
        }
        let start = self.span();
        let specs = self.decl_specs(SpecCtx::NoExpr)?;
        if specs.type_specs.is_empty() && specs.quals == Qualifiers::default() {
            return Err(self.error_here("expected member declaration"));
        }
        let first = self.member_declarator_stack.len();
        if !self.is(Punct::Semi) {
            loop {
                let dstart = self.span();
                let declarator = if self.is(Punct::Colon) {
                    None
                } else {
                    let d = self.declarator(DeclMode::Named)?;
                    self.check_no_identifier_list(&d);
                    Some(d)
                };
                let bit_width = if self.eat(Punct::Colon) {
                    Some(self.cond_expr()?)
                } else {
                    None
                };
                let mut declarator = declarator;
                if self.at_attribute() {
                    let mut attrs = Vec::new();
                    self.attributes(&mut attrs)?;
                    if let Some(d) = declarator.as_mut() {
                        d.attrs.as_vec_mut().extend(attrs);
                    }
                }
                self.member_declarator_stack.push(MemberDeclarator {
                    declarator,
                    bit_width,
                    span: dstart.to(self.prev_span),
                });
                if !self.eat(Punct::Comma) {
                    break;
                }
            }
        }
        if !self.eat(Punct::Semi) {
            if self.is(Punct::RBrace) {
                self.warning_at(self.span(), "expected ';' at end of declaration list");
            } else {
                self.missing_semi("expected ';' at end of declaration list")?;
            }
        }
        let end = self.member_declarator_stack.len();
        Ok(Some(MemberDecl {
            specs,
            declarators: (first - dbase) as u32..(end - dbase) as u32,
            span: start.to(self.prev_span),
        }))
    }

    fn enum_spec(&mut self) -> PResult<EnumSpec> {
        let start = self.span();
        self.bump();
        let mut attrs = Vec::new();
        self.attributes(&mut attrs)?;
        let name = match self.ident() {
            Some(s) => {
                let sp = self.span();
                self.bump();
                Some((s, sp))
            }
            None => None,
        };
        let mut underlying = None;
        // `enum e : T` names the underlying type; `enum e : 3` in a struct is
        // an unnamed bit-field of type `enum e`.
        if self.is(Punct::Colon) && self.token_starts_type_name(1) {
            self.bump();
            underlying = Some(Box::new(self.type_name()?));
        }
        let mut enumerators = None;
        if self.is(Punct::LBrace) {
            let open = self.span();
            self.bump();
            let mut list = Vec::new();
            while !self.is(Punct::RBrace) && !self.at_eof() {
                let Some(ename) = self.ident() else {
                    self.error_here("expected identifier in enumerator list");
                    // Skip to the next enumerator or the end of the list.
                    let mut depth = 0;
                    while !self.at_eof() {
                        match self.kind() {
                            TokenKind::Punct(Punct::LParen) => depth += 1,
                            TokenKind::Punct(Punct::RParen) => depth -= 1,
                            TokenKind::Punct(Punct::Comma) if depth <= 0 => break,
                            TokenKind::Punct(Punct::RBrace | Punct::Semi) if depth <= 0 => break,
                            _ => {}
                        }
                        self.bump();
                    }
                    if self.is(Punct::Semi) {
                        return Err(Reported);
                    }
                    self.eat(Punct::Comma);
                    continue;
                };
                let espan = self.span();
                self.bump();
                let mut eattrs = Vec::new();
                self.attributes(&mut eattrs)?;
                let value = if self.eat(Punct::Assign) {
                    Some(self.cond_expr()?)
                } else {
                    None
                };
                self.scopes.declare(ename, false);
                list.push(Enumerator {
                    name: ename,
                    value,
                    attrs: eattrs.into_boxed_slice(),
                    span: espan.to(self.prev_span),
                });
                if !self.eat(Punct::Comma) {
                    break;
                }
            }
            self.expect_close(Punct::RBrace, open)?;
            self.attributes(&mut attrs)?;
            enumerators = Some(list.into_boxed_slice());
        } else if name.is_none() {
            return Err(self.error_here("expected identifier or '{' after 'enum'"));
        }
        Ok(EnumSpec {
            name,
            underlying,
            enumerators,
            attrs: attrs.into_boxed_slice(),
            span: start.to(self.prev_span),
        })
    }

    // -- declarators --------------------------------------------------------

    /// A full declarator, with trailing `asm("label")` and attributes.
    pub(super) fn declarator(&mut self, mode: DeclMode) -> PResult<Declarator> {
        let start = self.span();
        let mut parts = DeclaratorParts {
            derived: std::mem::take(&mut self.derived_scratch),
            ..DeclaratorParts::default()
        };
        self.declarator_into(mode, &mut parts)?;
        let derived = parts.derived.drain(..).collect();
        self.derived_scratch = parts.derived;
        let mut d = Declarator {
            name: parts.name,
            derived,
            attrs: parts.attrs.into(),
            asm_label: None,
            span: start,
        };
        if self.is_kw(kw::Asm) || self.is_kw(kw::Asm2) || self.is_kw(kw::Asm3) {
            self.bump();
            let open = self.span();
            self.expect(Punct::LParen, "after 'asm'")?;
            let (label, _, _) = self.string_literal_bytes()?;
            self.expect_close(Punct::RParen, open)?;
            d.asm_label = Some(label.into_boxed_slice());
        }
        self.attributes_onto(&mut d.attrs)?;
        d.span = if self.prev_span == Span::default() {
            start
        } else {
            start.to(self.prev_span)
        };
        if mode == DeclMode::Named && d.name.is_none() {
            return Err(self.error_at(start, "expected identifier or '('"));
        }
        Ok(d)
    }

    /// Pointers, the direct declarator, and array/function suffixes; fills
    /// `d.derived` from the name outward.
    fn declarator_into(&mut self, mode: DeclMode, d: &mut DeclaratorParts) -> PResult<()> {
        self.enter()?;
        let r = self.declarator_inner(mode, d);
        self.leave();
        r
    }

    fn declarator_inner(&mut self, mode: DeclMode, d: &mut DeclaratorParts) -> PResult<()> {
        // `d.derived` collects the pointers in source order, then the
        // suffixes; they are put in name-outward order at the end, without
        // temporary vectors (this runs for every declarator in vmlinux.h).
        let first = d.derived.len();
        loop {
            if self.is(Punct::Star) {
                self.bump();
                let mut quals = Qualifiers::default();
                let mut attrs = Vec::new();
                self.pointer_quals(&mut quals, &mut attrs)?;
                push_exact(
                    &mut d.derived,
                    DerivedDecl::Pointer {
                        quals,
                        attrs: attrs.into_boxed_slice(),
                    },
                );
            } else if self.at_attribute() {
                self.attributes(&mut d.attrs)?;
            } else {
                break;
            }
        }
        let n_pointers = d.derived.len() - first;
        let mut inner: Option<DeclaratorParts> = None;
        if let Some(s) = self.ident() {
            if mode == DeclMode::Abstract {
                return Err(self.error_here("expected ')'"));
            }
            d.name = Some((s, self.span()));
            self.bump();
        } else if self.is(Punct::LParen) && self.paren_is_nested_declarator(mode) {
            let open = self.span();
            self.bump();
            let mut nested = DeclaratorParts::default();
            self.declarator_into(mode, &mut nested)?;
            self.expect_close(Punct::RParen, open)?;
            inner = Some(nested);
        }
        loop {
            if self.is_std_attribute_start() {
                // C23 `int x [[maybe_unused]]` appertains to the name.
                self.attributes(&mut d.attrs)?;
            } else if self.is(Punct::LBracket) {
                let a = self.array_suffix()?;
                push_exact(&mut d.derived, a);
            } else if self.is(Punct::LParen) {
                let f = DerivedDecl::Function(Box::new(self.function_suffix()?));
                push_exact(&mut d.derived, f);
            } else {
                break;
            }
        }
        // [pointers (source order), suffixes] -> [suffixes, pointers reversed]
        let parts = &mut d.derived[first..];
        parts[..n_pointers].reverse();
        parts.rotate_left(n_pointers);
        if let Some(mut inner) = inner {
            d.name = inner.name;
            d.attrs.append(&mut inner.attrs);
            // The nested declarator is nearer the name than everything here.
            // Rebuilt at its exact size: `(*f)(...)` is common in vmlinux.h.
            let mut derived = Vec::with_capacity(d.derived.len() + inner.derived.len());
            derived.extend(d.derived.drain(..first));
            derived.append(&mut inner.derived);
            derived.append(&mut d.derived);
            d.derived = derived;
        }
        Ok(())
    }

    /// Type qualifiers and attributes after a `*`.
    fn pointer_quals(&mut self, quals: &mut Qualifiers, attrs: &mut Vec<Attribute>) -> PResult<()> {
        loop {
            match self.keyword() {
                Some(kw::Const | kw::Const2 | kw::Const3) => quals.is_const = true,
                Some(kw::Volatile | kw::Volatile2 | kw::Volatile3) => quals.is_volatile = true,
                Some(kw::Restrict | kw::Restrict2 | kw::Restrict3) => quals.is_restrict = true,
                Some(kw::Atomic) if !self.peek(1).is_punct(Punct::LParen) => quals.is_atomic = true,
                Some(kw::Attribute | kw::Attribute2) => {
                    self.attributes(attrs)?;
                    continue;
                }
                _ => return Ok(()),
            }
            self.bump();
        }
    }

    /// At `(` inside a declarator: does it group a nested declarator (`(*p)`)
    /// or start a parameter list (`(int)` in an abstract declarator)?
    fn paren_is_nested_declarator(&self, mode: DeclMode) -> bool {
        let next = self.peek(1);
        if next.is_punct(Punct::Star)
            || next.is_punct(Punct::LParen)
            || next.is_punct(Punct::LBracket)
        {
            return true;
        }
        if let Some(k) = keyword_of(next) {
            return matches!(k, kw::Attribute | kw::Attribute2);
        }
        match ident_of(next) {
            // In a parameter, `(T)` with T a typedef is a parameter list.
            Some(s) => mode != DeclMode::Abstract && !self.scopes.is_typedef(s),
            None => false,
        }
    }

    fn array_suffix(&mut self) -> PResult<DerivedDecl> {
        let open = self.span();
        self.bump();
        let mut quals = Qualifiers::default();
        let mut is_static = false;
        let mut attrs = Vec::new();
        loop {
            if self.is_kw(kw::Static) {
                self.bump();
                is_static = true;
            } else {
                let before = self.pos;
                self.pointer_quals(&mut quals, &mut attrs)?;
                if self.pos == before {
                    break;
                }
            }
        }
        let size = if self.is(Punct::RBracket) {
            ArraySize::Unspecified
        } else if self.is(Punct::Star) && self.peek(1).is_punct(Punct::RBracket) {
            self.bump();
            ArraySize::Star
        } else {
            ArraySize::Expr(self.assign_expr()?)
        };
        self.expect_close(Punct::RBracket, open)?;
        Ok(DerivedDecl::Array {
            size,
            quals,
            is_static,
        })
    }

    /// `( parameter-list )`, `()`, `(void)` or a K&R identifier list.
    fn function_suffix(&mut self) -> PResult<FunctionDecl> {
        let open = self.span();
        self.bump();
        let mut f = FunctionDecl {
            params: Vec::new(),
            variadic: false,
            no_prototype: false,
            knr_names: Vec::new(),
            span: open,
        };
        if self.is(Punct::RParen) {
            self.bump();
            f.no_prototype = true;
            f.span = open.to(self.prev_span);
            return Ok(f);
        }
        if self.is_kw(kw::Void) && self.peek(1).is_punct(Punct::RParen) {
            self.bump();
            self.bump();
            f.span = open.to(self.prev_span);
            return Ok(f);
        }
        // K&R identifier list: `f(a, b)`.
        if let Some(s) = self.ident() {
            if !self.scopes.is_typedef(s)
                && (self.peek(1).is_punct(Punct::Comma) || self.peek(1).is_punct(Punct::RParen))
            {
                loop {
                    let (n, sp) = self.expect_ident("identifier")?;
                    f.knr_names.push((n, sp));
                    if !self.eat(Punct::Comma) {
                        break;
                    }
                }
                self.expect_close(Punct::RParen, open)?;
                f.span = open.to(self.prev_span);
                return Ok(f);
            }
        }
        // Parameter names live in the prototype scope.
        self.scopes.push();
        let base = self.param_stack.len();
        let r = self.param_list(&mut f);
        self.scopes.pop();
        if r.is_ok() {
            f.params = self.param_stack.drain(base..).collect();
        } else {
            self.param_stack.truncate(base);
        }
        r?;
        self.expect_close(Punct::RParen, open)?;
        f.span = open.to(self.prev_span);
        Ok(f)
    }

    fn param_list(&mut self, f: &mut FunctionDecl) -> PResult<()> {
        loop {
            if self.is(Punct::Ellipsis) {
                self.bump();
                f.variadic = true;
                return Ok(());
            }
            let start = self.span();
            let specs = self.decl_specs(SpecCtx::NoExpr)?;
            if specs.type_specs.is_empty()
                && specs.storage.is_none()
                && specs.quals == Qualifiers::default()
            {
                if let Some(s) = self.ident() {
                    return Err(self.error_here(format!(
                        "unknown type name '{}'",
                        self.src.interner().resolve(s)
                    )));
                }
                return Err(self.error_here("expected parameter declarator"));
            }
            let declarator = self.declarator(DeclMode::Either)?;
            self.check_no_identifier_list(&declarator);
            if let Some((n, _)) = declarator.name {
                self.scopes.declare(n, false);
            }
            self.param_stack.push(ParamDecl {
                specs,
                declarator,
                span: start.to(self.prev_span),
            });
            if !self.eat(Punct::Comma) {
                return Ok(());
            }
        }
    }

    /// A type name: specifiers and an abstract declarator.
    pub(super) fn type_name(&mut self) -> PResult<TypeName> {
        let start = self.span();
        let specs = self.decl_specs(SpecCtx::Block)?;
        if specs.type_specs.is_empty() && specs.quals == Qualifiers::default() {
            return Err(self.error_here("expected a type"));
        }
        let declarator = self.declarator(DeclMode::Abstract)?;
        self.check_no_identifier_list(&declarator);
        Ok(TypeName {
            specs,
            declarator,
            span: start.to(self.prev_span),
        })
    }

    // -- initializers -------------------------------------------------------

    pub(super) fn initializer(&mut self) -> PResult<Initializer> {
        if self.is(Punct::LBrace) {
            self.init_list()
        } else {
            Ok(Initializer::Expr(self.assign_expr()?))
        }
    }

    /// `{ [designators =] init, ... }`.
    pub(super) fn init_list(&mut self) -> PResult<Initializer> {
        let open = self.span();
        self.bump();
        self.enter()?;
        let mut items = Vec::new();
        let r = (|| -> PResult<()> {
            while !self.is(Punct::RBrace) && !self.at_eof() {
                let designators = self.designation()?;
                let init = self.initializer()?;
                items.push(InitItem { designators, init });
                if !self.eat(Punct::Comma) {
                    break;
                }
            }
            Ok(())
        })();
        self.leave();
        r?;
        self.expect_close(Punct::RBrace, open)?;
        Ok(Initializer::List(items, open.to(self.prev_span)))
    }

    /// Designators before `=` (also GNU `field: value`).
    fn designation(&mut self) -> PResult<Vec<Designator>> {
        let mut ds = Vec::new();
        // GNU old-style `field: value`.
        if let Some(s) = self.ident() {
            if self.peek(1).is_punct(Punct::Colon) {
                ds.push(Designator::Field(s, self.span()));
                self.bump();
                self.bump();
                return Ok(ds);
            }
        }
        loop {
            if self.is(Punct::Dot) {
                self.bump();
                let (s, sp) = self.expect_ident("a field designator, such as '.field = 4'")?;
                ds.push(Designator::Field(s, sp));
            } else if self.is(Punct::LBracket) {
                let open = self.span();
                self.bump();
                let lo = self.cond_expr()?;
                if self.eat(Punct::Ellipsis) {
                    let hi = self.cond_expr()?;
                    ds.push(Designator::Range(lo, hi));
                } else {
                    ds.push(Designator::Index(lo));
                }
                self.expect_close(Punct::RBracket, open)?;
            } else {
                break;
            }
        }
        if !ds.is_empty() {
            self.expect(Punct::Assign, "after designator")?;
        }
        Ok(ds)
    }

    // -- declarations -------------------------------------------------------

    /// `_Static_assert(cond, "message")` / `static_assert(cond)` with its `;`.
    pub(super) fn static_assert(&mut self) -> PResult<StaticAssert> {
        let start = self.span();
        self.bump();
        let open = self.span();
        self.expect(Punct::LParen, "after 'static_assert'")?;
        let cond = self.cond_expr()?;
        let message = if self.eat(Punct::Comma) {
            Some(self.string_literal_bytes()?.0)
        } else {
            None
        };
        self.expect_close(Punct::RParen, open)?;
        self.expect(Punct::Semi, "after 'static_assert'")?;
        Ok(StaticAssert {
            cond,
            message,
            span: start.to(self.prev_span),
        })
    }

    /// One file-scope item.
    pub(super) fn external_decl(&mut self) -> PResult<Option<ExternalDecl>> {
        if self.eat(Punct::Semi) {
            return Ok(None);
        }
        if self.is(Punct::RBrace) {
            let e = self.error_here("extraneous closing brace ('}')");
            self.bump();
            return Err(e);
        }
        if self.is_kw(kw::StaticAssert) || self.is_kw(kw::StaticAssert2) {
            return Ok(Some(ExternalDecl::StaticAssert(self.static_assert()?)));
        }
        if matches!(self.keyword(), Some(kw::Asm | kw::Asm2 | kw::Asm3)) {
            let start = self.span();
            self.bump();
            let open = self.span();
            self.expect(Punct::LParen, "after 'asm'")?;
            let (text, _, _) = self.string_literal_bytes()?;
            self.expect_close(Punct::RParen, open)?;
            self.expect(Punct::Semi, "after top-level asm block")?;
            return Ok(Some(ExternalDecl::Asm(text, start.to(self.prev_span))));
        }
        let start = self.span();
        let specs = self.decl_specs(SpecCtx::NoExpr)?;
        if specs.type_specs.is_empty()
            && specs.storage.is_none()
            && specs.quals == Qualifiers::default()
            && !specs.is_inline
            && !specs.is_noreturn
            && !specs.thread_local
        {
            // C89 implicit int (`foo(void) {}`, `static x;`) is an error in C99
            // and later; clang diagnoses it the same way.
            if let Some(s) = self.ident() {
                if self.peek(1).is_punct(Punct::LParen) {
                    return Err(self.error_here(format!(
                        "type specifier missing, defaults to 'int'; ISO C99 and later do not support implicit int ('{}')",
                        self.src.interner().resolve(s)
                    )));
                }
            }
            return Err(self.error_here("expected identifier or '('"));
        }
        self.declaration_rest(specs, start, true).map(|d| {
            d.map(|d| match d {
                DeclOrDef::Decl(d) => ExternalDecl::Declaration(d),
                DeclOrDef::Def(f) => ExternalDecl::FunctionDef(Box::new(f)),
            })
        })
    }

    /// A block-scope declaration after its specifiers were recognised.
    pub(super) fn block_declaration(
        &mut self,
        specs: DeclSpecs,
        start: Span,
    ) -> PResult<Declaration> {
        match self.declaration_rest(specs, start, false)? {
            Some(DeclOrDef::Decl(d)) => Ok(d),
            _ => unreachable!("function definitions are only parsed at file scope"),
        }
    }

    /// The declarators (or function body) after declaration specifiers.
    fn declaration_rest(
        &mut self,
        specs: DeclSpecs,
        start: Span,
        file_scope: bool,
    ) -> PResult<Option<DeclOrDef>> {
        let is_typedef = specs.storage == Some(StorageClass::Typedef);
        let mut declarators = Vec::new();
        if !self.is(Punct::Semi) {
            loop {
                let dstart = self.span();
                let declarator = self.declarator(DeclMode::Named)?;
                let is_function =
                    matches!(declarator.derived.first(), Some(DerivedDecl::Function(_)));
                if declarators.is_empty() && is_function && self.starts_function_body(&declarator) {
                    if !file_scope {
                        return Err(self.error_here("function definition is not allowed here"));
                    }
                    return Ok(Some(DeclOrDef::Def(
                        self.function_def(specs, declarator, start)?,
                    )));
                }
                self.check_no_identifier_list(&declarator);
                if let Some((n, _)) = declarator.name {
                    self.scopes.declare(n, is_typedef);
                }
                let init = if self.eat(Punct::Assign) {
                    Some(self.initializer()?)
                } else {
                    None
                };
                push_exact(
                    &mut declarators,
                    InitDeclarator {
                        declarator,
                        init,
                        span: dstart.to(self.prev_span),
                    },
                );
                if !self.eat(Punct::Comma) {
                    break;
                }
            }
        }
        if !self.eat(Punct::Semi) {
            let msg = if file_scope {
                "expected ';' after top level declarator"
            } else {
                "expected ';' at end of declaration"
            };
            self.missing_semi(msg)?;
        }
        Ok(Some(DeclOrDef::Decl(Declaration {
            specs,
            declarators: declarators.into_boxed_slice(),
            span: start.to(self.prev_span),
        })))
    }

    /// Reports a missing `;` (or `:`) after the previous token. When the
    /// next token starts a new line or closes the block, the parser carries
    /// on as if the token had been there (the usual slip, as in clang); else
    /// the caller resynchronises.
    pub(super) fn missing_semi(&mut self, msg: &str) -> PResult<()> {
        let r = self.error_at_prev_end(msg);
        if self.tok().at_line_start || self.is(Punct::RBrace) {
            Ok(())
        } else {
            Err(r)
        }
    }

    /// Reports a missing token where clang does: right after the previous
    /// token.
    pub(super) fn error_at_prev_end(&mut self, msg: &str) -> Reported {
        if self.pos > 0 && self.prev_span.file == self.span().file {
            let p = self.prev_span;
            let d = self.diag_at(
                crate::source::Span::new(p.file, p.end, p.end),
                msg.to_string(),
                self.toks[self.pos - 1 - self.base].expansion,
            );
            self.report(d);
            Reported
        } else {
            self.error_here(msg)
        }
    }

    /// `int f(a, b);`: an identifier list outside a function definition is
    /// almost always an unknown type name in a prototype; clang rejects it.
    fn check_no_identifier_list(&mut self, d: &Declarator) {
        for x in &d.derived {
            if let DerivedDecl::Function(f) = x {
                if let Some(&(n, sp)) = f.knr_names.first() {
                    let name = self.src.interner().resolve(n).to_string();
                    self.error_at(
                        sp,
                        format!(
                            "a parameter list without types is only allowed in a function definition (unknown type name '{name}'?)"
                        ),
                    );
                    return;
                }
            }
        }
    }

    fn starts_function_body(&self, d: &Declarator) -> bool {
        if self.is(Punct::LBrace) {
            return true;
        }
        // K&R: `int f(a, b) int a; char b; { ... }`.
        match d.derived.first() {
            Some(DerivedDecl::Function(f)) if !f.knr_names.is_empty() => self.starts_declaration(),
            _ => false,
        }
    }

    fn function_def(
        &mut self,
        specs: DeclSpecs,
        declarator: Declarator,
        start: Span,
    ) -> PResult<FunctionDef> {
        if let Some((n, _)) = declarator.name {
            self.scopes.declare(n, false);
        }
        // The body's scope holds the parameters.
        self.scopes.push();
        let r = self.function_def_body(specs, declarator, start);
        self.scopes.pop();
        r
    }

    fn function_def_body(
        &mut self,
        specs: DeclSpecs,
        declarator: Declarator,
        start: Span,
    ) -> PResult<FunctionDef> {
        let mut knr_decls = Vec::new();
        if let Some(DerivedDecl::Function(f)) = declarator.derived.first() {
            for p in &f.params {
                if let Some((n, _)) = p.declarator.name {
                    self.scopes.declare(n, false);
                }
            }
            for &(n, _) in &f.knr_names {
                self.scopes.declare(n, false);
            }
        }
        while !self.is(Punct::LBrace) && !self.at_eof() {
            let dstart = self.span();
            let specs = self.decl_specs(SpecCtx::NoExpr)?;
            if specs.type_specs.is_empty() && specs.storage.is_none() {
                return Err(self.error_here("expected function body after function declarator"));
            }
            knr_decls.push(self.block_declaration(specs, dstart)?);
        }
        if !self.is(Punct::LBrace) {
            return Err(self.error_here("expected function body after function declarator"));
        }
        let body = self.compound_stmt_in_scope()?;
        Ok(FunctionDef {
            specs,
            declarator,
            knr_decls,
            body,
            span: start.to(self.prev_span),
        })
    }
}

enum DeclOrDef {
    Decl(Declaration),
    Def(FunctionDef),
}

fn is_type_keyword(k: Sym) -> bool {
    matches!(
        k,
        kw::Void
            | kw::Char
            | kw::Short
            | kw::Int
            | kw::Long
            | kw::Float
            | kw::Double
            | kw::Signed
            | kw::Signed2
            | kw::Signed3
            | kw::Unsigned
            | kw::Bool
            | kw::Complex
            | kw::Imaginary
            | kw::Int128
            | kw::Int128T
            | kw::Uint128T
            | kw::Float16
            | kw::Bf16
            | kw::VaList
            | kw::Struct
            | kw::Union
            | kw::Enum
            | kw::Typeof
            | kw::Typeof2
            | kw::Typeof3
            | kw::TypeofUnqual
            | kw::TypeofUnqual2
            | kw::TypeofUnqual3
            | kw::AutoType
            | kw::Atomic
    )
}

fn is_qualifier_keyword(k: Sym) -> bool {
    matches!(
        k,
        kw::Const
            | kw::Const2
            | kw::Const3
            | kw::Volatile
            | kw::Volatile2
            | kw::Volatile3
            | kw::Restrict
            | kw::Restrict2
            | kw::Restrict3
    )
}

fn is_storage_or_function_keyword(k: Sym) -> bool {
    matches!(
        k,
        kw::Typedef
            | kw::Extern
            | kw::Static
            | kw::Auto
            | kw::Register
            | kw::ThreadLocal
            | kw::Thread
            | kw::Inline
            | kw::Inline2
            | kw::Inline3
            | kw::Noreturn
    )
}

/// A declarator while it is parsed: its lists grow, and become the tree's
/// exact-size lists once it is complete.
#[derive(Default)]
struct DeclaratorParts {
    name: Option<(Sym, Span)>,
    derived: Vec<DerivedDecl>,
    attrs: Vec<Attribute>,
}

/// Pushes with exact growth: most of these lists have one or two elements,
/// and `Vec`'s default first allocation of four large AST nodes would
/// dominate the memory (and time) of parsing vmlinux.h.
#[inline]
pub(super) fn push_exact<T>(v: &mut Vec<T>, x: T) {
    if v.len() == v.capacity() {
        v.reserve_exact(1);
    }
    v.push(x);
}
