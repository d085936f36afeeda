//! The parser: a hand-written recursive-descent parser for C11 with the GNU
//! extensions BPF programs use, producing the [`ast`].
//!
//! It reads the preprocessor's tokens directly (there is no separate lexer
//! stage), tracks typedef names through block scopes to resolve C's
//! `T * x;` ambiguity, and decodes literals on the fly. Errors are reported at
//! the offending token and followed by a resynchronisation (to `;`, the
//! enclosing `}`, or the next declaration), so one run reports several errors
//! and always terminates.

pub mod ast;
mod decl;
mod expr;
mod literal;
mod stmt;
#[cfg(test)]
mod tests;

use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::intern::{Interner, Sym, KEYWORDS};
use crate::preprocess::token::{Expansion, Punct, Token, TokenKind};
use crate::source::Span;
use ast::{ExprId, ExprKind, TranslationUnit};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Parses a preprocessed token stream (ending in `TokenKind::Eof`).
pub fn parse(
    tokens: &[Token],
    interner: &mut Interner,
    diags: &mut Diagnostics,
) -> ast::TranslationUnit {
    parse_with_expansions(tokens, &[], interner, diags)
}

/// Like [`parse`], with the preprocessor's macro expansion table, so that
/// errors in tokens that came out of a macro get an "in expansion of macro"
/// note.
pub fn parse_with_expansions(
    tokens: &[Token],
    expansions: &[Expansion],
    interner: &mut Interner,
    diags: &mut Diagnostics,
) -> ast::TranslationUnit {
    let context = ParseContext {
        expansions,
        record_attributes: &[],
    };
    parse_with_context(tokens, &context, interner, diags)
}

/// What the preprocessor knows beyond the tokens.
#[derive(Default, Clone, Copy)]
pub struct ParseContext<'a> {
    /// The macro expansion table, for "in expansion of macro" notes.
    pub expansions: &'a [Expansion],
    /// `#pragma clang attribute push/pop` regions, in token order.
    pub record_attributes: &'a [RecordAttributeRegion],
}

/// The tokens between `#pragma clang attribute push(__attribute__((name)),
/// apply_to = record)` and its `pop` (vmlinux.h wraps its types in one with
/// `preserve_access_index`, which CO-RE relies on): every struct or union
/// defined there gets the attribute `name` (underscores stripped, no
/// arguments).
#[derive(Clone, Debug)]
pub struct RecordAttributeRegion {
    /// Indices into the token slice given to the parser.
    pub tokens: std::ops::Range<usize>,
    pub name: Sym,
    /// The `#pragma`, for the attribute's span.
    pub span: Span,
}

/// The most general entry point: [`parse`] with a [`ParseContext`].
pub fn parse_with_context(
    tokens: &[Token],
    context: &ParseContext,
    interner: &mut Interner,
    diags: &mut Diagnostics,
) -> ast::TranslationUnit {
    let mut p = Parser::new(tokens, context.expansions, interner, diags);
    p.record_attributes = context.record_attributes;
    p.translation_unit();
    p.tu
}

/// The result of a parsing function: `Err` means an error was already
/// reported and the caller must resynchronise.
type PResult<T> = Result<T, Reported>;

/// Marker for "a diagnostic has been emitted".
#[derive(Debug, Clone, Copy)]
struct Reported;

/// The symbol of a keyword, computed at compile time from [`KEYWORDS`].
const fn kw(name: &str) -> Sym {
    let mut i = 0;
    while i < KEYWORDS.len() {
        let k = KEYWORDS[i].as_bytes();
        let n = name.as_bytes();
        if k.len() == n.len() {
            let mut j = 0;
            while j < k.len() && k[j] == n[j] {
                j += 1;
            }
            if j == k.len() {
                return Sym(i as u32);
            }
        }
        i += 1;
    }
    panic!("not a keyword")
}

/// Keyword symbols, usable in patterns.
#[allow(non_upper_case_globals)]
mod kw {
    use super::kw;
    use crate::intern::Sym;
    pub const Auto: Sym = kw("auto");
    pub const Break: Sym = kw("break");
    pub const Case: Sym = kw("case");
    pub const Char: Sym = kw("char");
    pub const Const: Sym = kw("const");
    pub const Continue: Sym = kw("continue");
    pub const Default: Sym = kw("default");
    pub const Do: Sym = kw("do");
    pub const Double: Sym = kw("double");
    pub const Else: Sym = kw("else");
    pub const Enum: Sym = kw("enum");
    pub const Extern: Sym = kw("extern");
    pub const Float: Sym = kw("float");
    pub const For: Sym = kw("for");
    pub const Goto: Sym = kw("goto");
    pub const If: Sym = kw("if");
    pub const Inline: Sym = kw("inline");
    pub const Int: Sym = kw("int");
    pub const Long: Sym = kw("long");
    pub const Register: Sym = kw("register");
    pub const Restrict: Sym = kw("restrict");
    pub const Return: Sym = kw("return");
    pub const Short: Sym = kw("short");
    pub const Signed: Sym = kw("signed");
    pub const Sizeof: Sym = kw("sizeof");
    pub const Static: Sym = kw("static");
    pub const Struct: Sym = kw("struct");
    pub const Switch: Sym = kw("switch");
    pub const Typedef: Sym = kw("typedef");
    pub const Union: Sym = kw("union");
    pub const Unsigned: Sym = kw("unsigned");
    pub const Void: Sym = kw("void");
    pub const Volatile: Sym = kw("volatile");
    pub const While: Sym = kw("while");
    pub const Alignas: Sym = kw("_Alignas");
    pub const Alignof: Sym = kw("_Alignof");
    pub const Atomic: Sym = kw("_Atomic");
    pub const Bool: Sym = kw("_Bool");
    pub const Complex: Sym = kw("_Complex");
    pub const Generic: Sym = kw("_Generic");
    pub const Imaginary: Sym = kw("_Imaginary");
    pub const Noreturn: Sym = kw("_Noreturn");
    pub const StaticAssert: Sym = kw("_Static_assert");
    pub const ThreadLocal: Sym = kw("_Thread_local");
    pub const Attribute: Sym = kw("__attribute__");
    pub const Attribute2: Sym = kw("__attribute");
    pub const Asm: Sym = kw("__asm__");
    pub const Asm2: Sym = kw("__asm");
    pub const Asm3: Sym = kw("asm");
    pub const Const2: Sym = kw("__const");
    pub const Const3: Sym = kw("__const__");
    pub const Inline2: Sym = kw("__inline");
    pub const Inline3: Sym = kw("__inline__");
    pub const Restrict2: Sym = kw("__restrict");
    pub const Restrict3: Sym = kw("__restrict__");
    pub const Signed2: Sym = kw("__signed");
    pub const Signed3: Sym = kw("__signed__");
    pub const Volatile2: Sym = kw("__volatile");
    pub const Volatile3: Sym = kw("__volatile__");
    pub const Typeof: Sym = kw("__typeof__");
    pub const Typeof2: Sym = kw("__typeof");
    pub const Typeof3: Sym = kw("typeof");
    pub const TypeofUnqual: Sym = kw("__typeof_unqual__");
    pub const TypeofUnqual2: Sym = kw("__typeof_unqual");
    pub const TypeofUnqual3: Sym = kw("typeof_unqual");
    pub const Extension: Sym = kw("__extension__");
    pub const Alignof2: Sym = kw("__alignof__");
    pub const Alignof3: Sym = kw("__alignof");
    pub const Alignof4: Sym = kw("alignof");
    pub const Int128: Sym = kw("__int128");
    pub const Int128T: Sym = kw("__int128_t");
    pub const Uint128T: Sym = kw("__uint128_t");
    pub const Label: Sym = kw("__label__");
    pub const Offsetof: Sym = kw("__builtin_offsetof");
    pub const VaArg: Sym = kw("__builtin_va_arg");
    pub const TypesCompatible: Sym = kw("__builtin_types_compatible_p");
    pub const AutoType: Sym = kw("__auto_type");
    pub const StaticAssert2: Sym = kw("static_assert");
    pub const BoolC23: Sym = kw("bool");
    pub const True: Sym = kw("true");
    pub const False: Sym = kw("false");
    pub const Thread: Sym = kw("__thread");
    pub const ThreadLocal2: Sym = kw("thread_local");
    pub const SegFs: Sym = kw("__seg_fs");
    pub const SegGs: Sym = kw("__seg_gs");
    pub const Real: Sym = kw("__real__");
    pub const Imag: Sym = kw("__imag__");
    pub const VaList: Sym = kw("__builtin_va_list");
    pub const ChooseExpr: Sym = kw("__builtin_choose_expr");
    pub const ConvertVector: Sym = kw("__builtin_convertvector");
    pub const BitCast: Sym = kw("__builtin_bit_cast");
    pub const Nullptr: Sym = kw("nullptr");
    pub const Float16: Sym = kw("_Float16");
    pub const Bf16: Sym = kw("__bf16");
}

/// Words in [`KEYWORDS`] that are keywords only in C23 or on other targets;
/// in GNU C17 (clang's default) they are ordinary identifiers (`vmlinux.h`
/// has `typedef _Bool bool;` and `enum { false, true };`).
fn is_soft_keyword(s: Sym) -> bool {
    matches!(
        s,
        kw::BoolC23 | kw::True | kw::False | kw::Nullptr | kw::ThreadLocal2 | kw::SegFs | kw::SegGs
    )
}

/// A multiplicative hash for `Sym` keys: the typedef table is consulted for
/// almost every identifier, and SipHash would dominate the parse of vmlinux.h.
#[derive(Default, Clone, Copy)]
struct SymHasher(u64);

impl Hasher for SymHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u32(&mut self, i: u32) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type SymMap<V> = HashMap<Sym, V, BuildHasherDefault<SymHasher>>;

/// Ordinary identifiers in scope and whether each is a typedef name. One map
/// with an undo log per block scope, so lookups cost one hash probe however
/// deep the nesting.
#[derive(Default)]
struct Scopes {
    visible: SymMap<bool>,
    undo: Vec<(Sym, Option<bool>)>,
    marks: Vec<usize>,
}

impl Scopes {
    fn is_typedef(&self, s: Sym) -> bool {
        self.visible.get(&s).copied().unwrap_or(false)
    }

    fn declare(&mut self, s: Sym, is_typedef: bool) {
        let prev = self.visible.insert(s, is_typedef);
        if !self.marks.is_empty() {
            self.undo.push((s, prev));
        }
    }

    fn push(&mut self) {
        self.marks.push(self.undo.len());
    }

    fn pop(&mut self) {
        let Some(mark) = self.marks.pop() else { return };
        while self.undo.len() > mark {
            let (s, prev) = self.undo.pop().expect("undo entry");
            match prev {
                Some(v) => {
                    self.visible.insert(s, v);
                }
                None => {
                    self.visible.remove(&s);
                }
            }
        }
    }
}

/// Parser state: the token cursor, the tree being built and the typedef scopes.
struct Parser<'a> {
    toks: &'a [Token],
    pos: usize,
    expansions: &'a [Expansion],
    interner: &'a mut Interner,
    diags: &'a mut Diagnostics,
    tu: TranslationUnit,
    scopes: Scopes,
    /// Span of the last consumed token (ends of nodes).
    prev_span: Span,
    /// Attribute names with their underscores stripped, cached by spelling.
    attr_names: SymMap<Sym>,
    /// Nesting depth of recursive constructs, to stop runaway recursion on
    /// pathological input with a diagnostic instead of a stack overflow.
    depth: u32,
    eof: Token,
    /// Scratch stacks (see `decl_specs` and `record_body`).
    type_spec_stack: Vec<ast::TypeSpec>,
    member_stack: Vec<ast::MemberDecl>,
    /// Member declarators being gathered, shared by nested records like
    /// `member_stack`.
    member_declarator_stack: Vec<ast::MemberDeclarator>,
    /// Parameters being gathered, shared by nested prototypes, so that each
    /// list is allocated once at its exact size.
    param_stack: Vec<ast::ParamDecl>,
    /// A declarator's derived parts while it is parsed, reused from one
    /// declarator to the next (nested ones get their own).
    derived_scratch: Vec<ast::DerivedDecl>,
    record_attributes: &'a [RecordAttributeRegion],
}

const MAX_DEPTH: u32 = 1000;

impl<'a> Parser<'a> {
    fn new(
        toks: &'a [Token],
        expansions: &'a [Expansion],
        interner: &'a mut Interner,
        diags: &'a mut Diagnostics,
    ) -> Parser<'a> {
        let last_span = toks.last().map(|t| t.span).unwrap_or_default();
        let eof = Token {
            kind: TokenKind::Eof,
            span: Span::new(last_span.file, last_span.end, last_span.end),
            expansion: None,
            leading_space: false,
            at_line_start: true,
        };
        Parser {
            toks,
            pos: 0,
            expansions,
            interner,
            diags,
            tu: TranslationUnit::default(),
            scopes: Scopes::default(),
            prev_span: Span::default(),
            attr_names: SymMap::default(),
            depth: 0,
            eof,
            type_spec_stack: Vec::new(),
            member_stack: Vec::new(),
            member_declarator_stack: Vec::new(),
            param_stack: Vec::new(),
            derived_scratch: Vec::new(),
            record_attributes: &[],
        }
    }

    // -- token cursor ------------------------------------------------------

    #[inline]
    fn tok(&self) -> &Token {
        self.toks.get(self.pos).unwrap_or(&self.eof)
    }

    #[inline]
    fn peek(&self, n: usize) -> &Token {
        self.toks.get(self.pos + n).unwrap_or(&self.eof)
    }

    #[inline]
    fn kind(&self) -> TokenKind {
        self.tok().kind
    }

    #[inline]
    fn span(&self) -> Span {
        self.tok().span
    }

    #[inline]
    fn at_eof(&self) -> bool {
        matches!(self.kind(), TokenKind::Eof)
    }

    #[inline]
    fn bump(&mut self) {
        if self.pos < self.toks.len() {
            self.prev_span = self.toks[self.pos].span;
            if !matches!(self.toks[self.pos].kind, TokenKind::Eof) {
                self.pos += 1;
            }
        }
    }

    #[inline]
    fn is(&self, p: Punct) -> bool {
        self.kind() == TokenKind::Punct(p)
    }

    #[inline]
    fn is_kw(&self, k: Sym) -> bool {
        self.kind() == TokenKind::Ident(k)
    }

    #[inline]
    fn eat(&mut self, p: Punct) -> bool {
        if self.is(p) {
            self.bump();
            true
        } else {
            false
        }
    }

    /// The current token's keyword symbol, if it is a (hard) keyword.
    #[inline]
    fn keyword(&self) -> Option<Sym> {
        keyword_of(self.tok())
    }

    /// The current token as an ordinary identifier (not a keyword).
    #[inline]
    fn ident(&self) -> Option<Sym> {
        ident_of(self.tok())
    }

    /// Consumes `p` or reports "expected 'p' <context>".
    fn expect(&mut self, p: Punct, context: &str) -> PResult<()> {
        if self.eat(p) {
            return Ok(());
        }
        let msg = if context.is_empty() {
            format!("expected '{}'", p.as_str())
        } else {
            format!("expected '{}' {}", p.as_str(), context)
        };
        Err(self.error_here(msg))
    }

    /// Consumes the `)` matching the `(` at `open`, or reports it missing with
    /// a note at the opening parenthesis.
    fn expect_close(&mut self, close: Punct, open: Span) -> PResult<()> {
        if self.eat(close) {
            return Ok(());
        }
        let opener = match close {
            Punct::RParen => "(",
            Punct::RBracket => "[",
            _ => "{",
        };
        let d = self.diag_at(
            self.span(),
            format!("expected '{}'", close.as_str()),
            self.tok().expansion,
        );
        self.diags
            .push(d.with_note(Some(open), format!("to match this '{opener}'")));
        Err(Reported)
    }

    fn expect_ident(&mut self, what: &str) -> PResult<(Sym, Span)> {
        if let Some(s) = self.ident() {
            let sp = self.span();
            self.bump();
            return Ok((s, sp));
        }
        Err(self.error_here(format!("expected {what}")))
    }

    // -- diagnostics -------------------------------------------------------

    fn diag_at(
        &self,
        span: Span,
        message: String,
        expansion: Option<crate::preprocess::token::ExpansionId>,
    ) -> Diagnostic {
        let mut d = Diagnostic {
            severity: Severity::Error,
            message,
            span: Some(span),
            notes: vec![],
        };
        // Innermost expansion first, as clang lists them; the chain is
        // bounded to stay safe against a malformed table.
        let mut cur = expansion;
        let mut guard = 0;
        while let Some(id) = cur {
            let Some(e) = self.expansions.get(id.index()) else {
                break;
            };
            d.notes.push((
                Some(e.definition),
                format!(
                    "in expansion of macro '{}'",
                    self.interner.resolve(e.macro_name)
                ),
            ));
            cur = e.parent;
            guard += 1;
            if guard > 64 {
                break;
            }
        }
        d
    }

    /// Reports an error at the current token.
    fn error_here(&mut self, message: impl Into<String>) -> Reported {
        let t = *self.tok();
        let d = self.diag_at(t.span, message.into(), t.expansion);
        self.diags.push(d);
        Reported
    }

    /// Reports an error at `span` (with the current token's macro context
    /// when the span is the current token's).
    fn error_at(&mut self, span: Span, message: impl Into<String>) -> Reported {
        let exp = if span == self.span() {
            self.tok().expansion
        } else {
            None
        };
        let d = self.diag_at(span, message.into(), exp);
        self.diags.push(d);
        Reported
    }

    fn warning_at(&mut self, span: Span, message: impl Into<String>) {
        self.diags.warning(span, message);
    }

    /// Guards recursion depth; pair with `leave`.
    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            return Err(self.error_here("nesting too deep"));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // -- recovery ----------------------------------------------------------

    /// Skips to the end of the current statement: past a `;` at this nesting
    /// level, or up to (not past) a `}` closing the enclosing block.
    fn sync_stmt(&mut self) {
        // Braces and parentheses are counted apart: an unclosed `(` or `[`
        // before the error must not swallow the block's closing `}`.
        let (mut braces, mut parens) = (0i32, 0i32);
        loop {
            match self.kind() {
                TokenKind::Eof => return,
                TokenKind::Punct(Punct::LParen | Punct::LBracket) => parens += 1,
                TokenKind::Punct(Punct::RParen | Punct::RBracket) if parens > 0 => parens -= 1,
                TokenKind::Punct(Punct::LBrace) => braces += 1,
                TokenKind::Punct(Punct::RBrace) => {
                    if braces == 0 {
                        return;
                    }
                    braces -= 1;
                    if braces == 0 && parens == 0 {
                        // A block statement ended: the statement is over.
                        self.bump();
                        return;
                    }
                }
                TokenKind::Punct(Punct::Semi) if braces == 0 && parens == 0 => {
                    self.bump();
                    return;
                }
                _ => {}
            }
            self.bump();
        }
    }

    /// Skips to the next top-level declaration: past a `;` at file level or
    /// past the `}` that returns to file level.
    fn sync_top(&mut self, brace_depth: i32) {
        let mut depth = brace_depth;
        let mut parens = 0i32;
        loop {
            match self.kind() {
                TokenKind::Eof => return,
                TokenKind::Punct(Punct::LParen | Punct::LBracket) => parens += 1,
                TokenKind::Punct(Punct::RParen | Punct::RBracket) => parens = (parens - 1).max(0),
                TokenKind::Punct(Punct::LBrace) => depth += 1,
                TokenKind::Punct(Punct::RBrace) => {
                    depth -= 1;
                    if depth == 0 {
                        self.bump();
                        // `struct s { ... } x;` continues after the brace.
                        if self.is(Punct::Semi) {
                            self.bump();
                        } else if !self.tok().at_line_start {
                            continue;
                        }
                        return;
                    }
                    if depth < 0 {
                        depth = 0;
                    }
                }
                TokenKind::Punct(Punct::Semi) if depth <= 0 && parens == 0 => {
                    self.bump();
                    return;
                }
                _ => {}
            }
            self.bump();
        }
    }

    // -- tree building -----------------------------------------------------

    fn mk_expr(&mut self, kind: ExprKind, span: Span) -> ExprId {
        self.tu.exprs.push(ast::Expr { kind, span })
    }

    fn mk_stmt(&mut self, kind: ast::StmtKind, span: Span) -> ast::StmtId {
        self.tu.stmts.push(ast::Stmt { kind, span })
    }

    // -- translation unit --------------------------------------------------

    fn translation_unit(&mut self) {
        while !self.at_eof() {
            let start = self.pos;
            match self.external_decl() {
                Ok(Some(item)) => self.tu.items.push(item),
                Ok(None) => {}
                Err(Reported) => self.sync_top(0),
            }
            if self.pos == start {
                // Nothing consumed: skip the token so the loop always advances.
                self.bump();
            }
        }
        // Up to half of the list's capacity is spare after doubling; given
        // back, it is reused by sema.
        self.tu.items.shrink_to_fit();
    }
}

/// The keyword symbol of a token, if it is one (soft keywords excluded).
#[inline]
fn keyword_of(t: &Token) -> Option<Sym> {
    match t.kind {
        TokenKind::Ident(s) if (s.0 as usize) < KEYWORDS.len() && !is_soft_keyword(s) => Some(s),
        _ => None,
    }
}

/// The token as an ordinary identifier (including soft keywords).
#[inline]
fn ident_of(t: &Token) -> Option<Sym> {
    match t.kind {
        TokenKind::Ident(s) if (s.0 as usize) >= KEYWORDS.len() || is_soft_keyword(s) => Some(s),
        _ => None,
    }
}
