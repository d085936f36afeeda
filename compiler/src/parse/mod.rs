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
pub(crate) mod deferred;
mod expr;
mod literal;
mod stmt;
#[cfg(test)]
mod tests;

use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::intern::{Interner, Sym, KEYWORDS};
use crate::preprocess::token::{Expansion, Punct, Token, TokenKind};
use crate::preprocess::Preprocessor;
use crate::source::Span;
use ast::{ExprId, ExprKind, TranslationUnit};
use deferred::{DeferredItem, FileTypedefs};
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
    /// Indices into the token stream given to the parser.
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
    let source = TokenSource::List {
        expansions: context.expansions,
        record_attributes: context.record_attributes,
        interner,
        diags,
    };
    let mut p = Parser::new(source, tokens.to_vec());
    while let Some(item) = p.next_item() {
        p.tu.items.push(item);
    }
    // Up to half of the list's capacity is spare after doubling; given
    // back, it is reused by sema.
    p.tu.items.shrink_to_fit();
    p.tu
}

/// Top-level items, with the syntax tree they own, parsed to be checked
/// together ([`Parser::next_batch`]).
pub(crate) struct ParsedBatch {
    /// The items, and the arenas of their expressions and statements.
    pub tree: TranslationUnit,
    /// The last batch of the unit.
    pub last: bool,
    /// Tag definitions among the items left for sema's thread to parse
    /// ([`Parser::defer_tag_definitions`]), in order.
    pub deferred: Vec<DeferredItem>,
    /// Their tokens, back to back.
    pub deferred_tokens: Vec<Token>,
    /// The typedef names declared at file scope by this batch's items, in
    /// order: what a deferred item after them needs to know.
    pub typedefs: Vec<Sym>,
    /// The `#pragma clang attribute` regions so far, when items were
    /// deferred.
    pub record_attributes: Vec<RecordAttributeRegion>,
}

/// Where the parser's tokens come from, and who lends it the interner and
/// the diagnostics meanwhile.
pub(crate) enum TokenSource<'a> {
    /// A complete token list, given up front.
    List {
        expansions: &'a [Expansion],
        record_attributes: &'a [RecordAttributeRegion],
        interner: &'a mut Interner,
        diags: &'a mut Diagnostics,
    },
    /// The preprocessor, run as far as the parser has read: the tokens of a
    /// whole translation unit never exist at once, so their memory is
    /// reused instead of growing with the input (and they are read while
    /// still in the cache).
    Preprocessor(Box<Preprocessor<'a>>),
}

impl<'a> TokenSource<'a> {
    #[inline]
    pub(crate) fn interner(&self) -> &Interner {
        match self {
            TokenSource::List { interner, .. } => interner,
            TokenSource::Preprocessor(pp) => pp.interner(),
        }
    }

    pub(crate) fn interner_mut(&mut self) -> &mut Interner {
        self.parts().0
    }

    pub(crate) fn diags(&mut self) -> &mut Diagnostics {
        self.parts().1
    }

    /// The interner and the diagnostics, both at once.
    pub(crate) fn parts(&mut self) -> (&mut Interner, &mut Diagnostics) {
        match self {
            TokenSource::List {
                interner, diags, ..
            } => (interner, diags),
            TokenSource::Preprocessor(pp) => pp.interner_and_diags(),
        }
    }

    /// The `#pragma clang attribute` regions read so far.
    fn record_attributes(&self) -> &[RecordAttributeRegion] {
        match self {
            TokenSource::List {
                record_attributes, ..
            } => record_attributes,
            TokenSource::Preprocessor(pp) => &pp.attribute_regions.regions,
        }
    }

    fn expansions(&self) -> &[Expansion] {
        match self {
            TokenSource::List { expansions, .. } => expansions,
            TokenSource::Preprocessor(pp) => &pp.expansions,
        }
    }
}

/// Tokens the parser may look at beyond the current one without asking the
/// preprocessor for more (longer looks, like a run of string literals, ask
/// with [`Parser::ensure_ahead`]).
const LOOKAHEAD: usize = 16;

/// Tokens asked of the preprocessor at a time: enough that refills are
/// rare, few enough (about 230 KB) that they are parsed while in the cache.
const REFILL: usize = 8192;

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
struct Scopes<'a> {
    visible: SymMap<bool>,
    undo: Vec<(Sym, Option<bool>)>,
    marks: Vec<usize>,
    /// File-scope typedef names declared since the last batch, in order.
    file_typedefs: Vec<Sym>,
    /// For an item parsed apart: the unit's file-scope typedefs, of which
    /// the first `.1` were declared before it.
    outer: Option<(&'a FileTypedefs, u32)>,
}

impl Scopes<'_> {
    fn is_typedef(&self, s: Sym) -> bool {
        match self.visible.get(&s) {
            Some(&t) => t,
            None => self
                .outer
                .is_some_and(|(typedefs, before)| typedefs.declared_before(s, before)),
        }
    }

    fn declare(&mut self, s: Sym, is_typedef: bool) {
        let prev = self.visible.insert(s, is_typedef);
        if !self.marks.is_empty() {
            self.undo.push((s, prev));
        } else if is_typedef {
            self.file_typedefs.push(s);
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
pub(crate) struct Parser<'a> {
    /// Tokens read and not yet dropped: the current top-level item's and
    /// those ahead of it. `toks[0]` is token number `base` of the stream.
    toks: Vec<Token>,
    base: usize,
    /// The current token's number in the stream (`toks[pos - base]`).
    /// Positions are absolute so that dropping read tokens moves nothing a
    /// parsing function may have saved.
    pos: usize,
    /// Where the current top-level item began: the tokens from just before
    /// it on are kept.
    item_start: usize,
    /// `pos` at which to ask the preprocessor for more tokens
    /// (`usize::MAX` once it has given them all).
    refill_at: usize,
    pub(crate) src: TokenSource<'a>,
    /// The preprocessor reported an error: the tokens it made from then on
    /// were dropped for an `Eof`, where the parser stays silent (the item
    /// cut short there would only give follow-on errors).
    input_cut: bool,
    /// The tree: a whole unit's items with [`parse`]; with
    /// [`Parser::next_item`] the expressions and statements of the items
    /// returned since [`Parser::clear_tree`].
    pub(crate) tu: TranslationUnit,
    scopes: Scopes<'a>,
    /// Tag definitions to leave to sema's thread: every `defer_every`th
    /// ([`Parser::defer_tag_definitions`]); 0 for none.
    defer_every: u32,
    /// Tag definitions seen, for `defer_every`.
    tag_definitions: u32,
    /// File-scope typedef names declared so far.
    typedef_count: u32,
    /// The tokens of the batch's deferred items (a buffer reused from
    /// batch to batch).
    deferred_tokens: Vec<Token>,
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
}

const MAX_DEPTH: u32 = 1000;

impl<'a> Parser<'a> {
    /// A parser of `toks` (all of them for a list; none yet for the
    /// preprocessor, which is asked as the parser goes).
    fn new(src: TokenSource<'a>, toks: Vec<Token>) -> Parser<'a> {
        let last_span = toks.last().map(|t| t.span).unwrap_or_default();
        let eof = Token {
            kind: TokenKind::Eof,
            span: Span::new(last_span.file, last_span.end, last_span.end),
            expansion: None,
            leading_space: false,
            at_line_start: true,
        };
        let refill_at = match src {
            TokenSource::List { .. } => usize::MAX,
            TokenSource::Preprocessor(_) => 0,
        };
        let mut p = Parser {
            toks,
            base: 0,
            pos: 0,
            item_start: 0,
            refill_at,
            src,
            input_cut: false,
            tu: TranslationUnit::default(),
            scopes: Scopes::default(),
            defer_every: 0,
            tag_definitions: 0,
            typedef_count: 0,
            deferred_tokens: Vec::new(),
            prev_span: Span::default(),
            attr_names: SymMap::default(),
            depth: 0,
            eof,
            type_spec_stack: Vec::new(),
            member_stack: Vec::new(),
            member_declarator_stack: Vec::new(),
            param_stack: Vec::new(),
            derived_scratch: Vec::new(),
        };
        p.refill();
        p
    }

    /// A parser that runs `pp` as it reads.
    pub(crate) fn streaming(pp: Preprocessor<'a>) -> Parser<'a> {
        Parser::new(TokenSource::Preprocessor(Box::new(pp)), Vec::new())
    }

    /// Asks the preprocessor for more tokens, if it is the source and
    /// fewer than [`LOOKAHEAD`] are left ahead.
    fn refill(&mut self) {
        while self.base + self.toks.len() - self.pos < LOOKAHEAD {
            if !self.read_more() {
                return;
            }
        }
        self.refill_at = self.base + self.toks.len() - LOOKAHEAD;
    }

    /// Ends the input at the tokens read so far, with an `Eof` where the
    /// parser stays silent (see `input_cut`).
    fn end_input_here(&mut self) {
        let end = self.toks.last().map(|t| t.span).unwrap_or_default();
        let mut eof = self.eof;
        eof.span = Span::new(end.file, end.end, end.end);
        self.toks.push(eof);
        self.input_cut = true;
        self.refill_at = usize::MAX;
    }

    /// Makes sure token `pos + n` has been read, if the input has it.
    fn ensure_ahead(&mut self, n: usize) {
        while self.pos + n >= self.base + self.toks.len() {
            if !self.read_more() {
                return;
            }
        }
        self.refill_at = (self.base + self.toks.len()).saturating_sub(LOOKAHEAD);
    }

    /// Appends up to [`REFILL`] tokens from the preprocessor; false (and no
    /// more refills) once the input's `Eof` has been read.
    fn read_more(&mut self) -> bool {
        if self.refill_at == usize::MAX {
            return false;
        }
        let TokenSource::Preprocessor(pp) = &mut self.src else {
            self.refill_at = usize::MAX;
            return false;
        };
        // Tokens before the current item are done with (but the one just
        // before it, where an error after it may point).
        let done = self.item_start.min(self.pos).saturating_sub(1) - self.base;
        if done > 0 {
            self.toks.drain(..done);
            self.base += done;
        }
        let (kept, errors) = (self.toks.len(), pp.interner_and_diags().1.error_count());
        // The preprocessor appends to the parser's buffer in place.
        std::mem::swap(&mut self.toks, &mut pp.out);
        pp.out_base = self.base;
        let more = pp.fill(pp.out.len() + REFILL);
        std::mem::swap(&mut self.toks, &mut pp.out);
        if pp.interner_and_diags().1.error_count() > errors {
            // As with a whole-file preprocessor error before parsing: what
            // follows is not parsed (the preprocessor still runs to the end
            // when finished, for its other errors).
            self.toks.truncate(kept);
            self.end_input_here();
            return false;
        }
        if !more {
            self.refill_at = usize::MAX;
            if let Some(last) = self.toks.last() {
                self.eof.span = last.span;
            }
        }
        more
    }

    /// The next top-level item, or `None` at the end of the input. Its
    /// expressions and statements are in [`Parser::tu`]'s arenas.
    pub(crate) fn next_item(&mut self) -> Option<ast::ExternalDecl> {
        loop {
            self.item_start = self.pos;
            if self.at_eof() {
                return None;
            }
            let start = self.pos;
            let item = match self.external_decl() {
                Ok(item) => item,
                Err(Reported) => {
                    self.sync_top(0);
                    None
                }
            };
            if self.pos == start {
                // Nothing consumed: skip the token so the loop always advances.
                self.bump();
            }
            if item.is_some() {
                return item;
            }
        }
    }

    /// The next items, with their syntax tree (the last batch may have
    /// none).
    pub(crate) fn next_batch(&mut self) -> ParsedBatch {
        /// Items gathered before they are checked together (resuming sema
        /// per item would move its state around for nothing).
        const BATCH_ITEMS: usize = 64;
        /// ... or fewer, once their expressions and statements number this
        /// many.
        const BATCH_NODES: usize = 4096;
        let mut deferred = Vec::new();
        let last = loop {
            if self.defer_every > 0 && self.defer_tag_definition(&mut deferred) {
                if self.tu.items.len() + deferred.len() >= BATCH_ITEMS {
                    break false;
                }
                continue;
            }
            let Some(item) = self.next_item() else {
                break true;
            };
            self.tu.items.push(item);
            if self.tu.items.len() + deferred.len() >= BATCH_ITEMS
                || self.tu.exprs.len() + self.tu.stmts.len() >= BATCH_NODES
            {
                break false;
            }
        };
        let record_attributes = if deferred.is_empty() {
            Vec::new()
        } else {
            self.src.record_attributes().to_vec()
        };
        let typedefs = std::mem::take(&mut self.scopes.file_typedefs);
        self.typedef_count += typedefs.len() as u32;
        ParsedBatch {
            tree: std::mem::take(&mut self.tu),
            last,
            deferred,
            deferred_tokens: std::mem::take(&mut self.deferred_tokens),
            typedefs,
            record_attributes,
        }
    }

    /// Takes back the tree of a batch that has been checked: its items are
    /// freed here and its arenas keep their memory for the next batch (with
    /// sema on another thread, this is also where the memory came from).
    pub(crate) fn recycle(&mut self, batch: ParsedBatch) {
        let (mut tree, mut tokens) = (batch.tree, batch.deferred_tokens);
        tokens.clear();
        if self.deferred_tokens.capacity() == 0 {
            self.deferred_tokens = tokens;
        }
        tree.items.clear();
        tree.exprs.clear();
        tree.stmts.clear();
        if self.tu.items.is_empty() && self.tu.exprs.is_empty() && self.tu.stmts.is_empty() {
            self.tu = tree;
        }
    }

    /// The preprocessor, once the input has been parsed.
    pub(crate) fn into_preprocessor(self) -> Option<Box<Preprocessor<'a>>> {
        match self.src {
            TokenSource::Preprocessor(pp) => Some(pp),
            TokenSource::List { .. } => None,
        }
    }

    // -- token cursor ------------------------------------------------------

    #[inline]
    fn tok(&self) -> &Token {
        self.toks.get(self.pos - self.base).unwrap_or(&self.eof)
    }

    #[inline]
    fn peek(&self, n: usize) -> &Token {
        self.toks.get(self.pos - self.base + n).unwrap_or(&self.eof)
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
        if let Some(t) = self.toks.get(self.pos - self.base) {
            self.prev_span = t.span;
            if !matches!(t.kind, TokenKind::Eof) {
                self.pos += 1;
                if self.pos >= self.refill_at {
                    self.refill();
                }
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
        self.report(d.with_note(Some(open), format!("to match this '{opener}'")));
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
            let Some(e) = self.src.expansions().get(id.index()) else {
                break;
            };
            d.notes.push((
                Some(e.definition),
                format!(
                    "in expansion of macro '{}'",
                    self.src.interner().resolve(e.macro_name)
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
        self.report(d);
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
        self.report(d);
        Reported
    }

    fn warning_at(&mut self, span: Span, message: impl Into<String>) {
        if !self.silent() {
            self.src.diags().warning(span, message);
        }
    }

    /// Reports `d`, unless at the `Eof` of input cut short.
    fn report(&mut self, d: Diagnostic) {
        if !self.silent() {
            self.src.diags().push(d);
        }
    }

    fn silent(&self) -> bool {
        self.input_cut && self.at_eof()
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
