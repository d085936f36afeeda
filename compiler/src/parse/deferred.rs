//! Tag definitions parsed on sema's thread.
//!
//! With the front end on two threads ([`crate::front_end`]), the thread
//! that preprocesses and parses is the one the compile waits for: sema's
//! has time to spare. So the parser can leave some file-scope tag
//! definitions (`struct s { ... };`, most of a vmlinux.h) unparsed: it only
//! finds where each ends, by its braces, and hands over its tokens
//! ([`DeferredItem`]); sema's thread parses a batch's deferred items
//! before checking them in their places ([`parse_deferred`]), so their
//! syntax tree is made, read and freed on that one thread. Every fourth
//! tag definition goes (`front_end::DEFER_EVERY`): on vmlinux.h the
//! parsing thread's time drops by about a tenth, the other's grows by as
//! much, and neither waits much for the other.
//!
//! A definition parses the same wherever it is parsed: its tokens are the
//! same, and the only context the parser keeps that a file-scope tag
//! definition depends on is which names are typedefs, all of them at file
//! scope (no declaration inside a struct or enum body declares one).
//! Those declared before the item are known from [`FileTypedefs`]. What
//! differs is only for a syntax error in a deferred item: sema's thread
//! reports it, after the parser's own diagnostics and without "in
//! expansion of macro" notes (the expansion table stays with the
//! preprocessor).

use super::{ParsedBatch, Parser, SymMap, TokenSource};
use crate::diag::Diagnostics;
use crate::intern::Sym;
use crate::parse::ast::TranslationUnit;
use crate::parse::kw;
use crate::preprocess::token::{Punct, TokenKind};
use crate::source::Span;

/// A file-scope tag definition left unparsed.
pub(crate) struct DeferredItem {
    /// Where it goes among its batch's items: just before `items[at]`.
    pub at: usize,
    /// Where its tokens are in the batch's `deferred_tokens`.
    pub tokens: std::ops::Range<usize>,
    /// The position of its first token in the unit's token stream (the
    /// `#pragma clang attribute` regions are in those positions).
    pub base: usize,
    /// How many file-scope typedefs were declared before it.
    pub typedefs_before: u32,
}

/// The unit's file-scope typedef names, each with its place in the order
/// of their declarations.
#[derive(Default)]
pub(crate) struct FileTypedefs {
    order: SymMap<u32>,
    count: u32,
}

impl FileTypedefs {
    /// Adds a batch's typedef names ([`super::ParsedBatch::typedefs`]).
    pub fn add(&mut self, names: &[Sym]) {
        for &name in names {
            self.order.entry(name).or_insert(self.count);
            self.count += 1;
        }
    }

    /// `s` is one of the first `n` typedef names declared.
    pub(super) fn declared_before(&self, s: Sym, n: u32) -> bool {
        self.order.get(&s).is_some_and(|&at| at < n)
    }
}

impl Parser<'_> {
    /// Leaves every `every`th file-scope tag definition to be parsed on
    /// sema's thread (see the module's documentation); 0 for none.
    pub(crate) fn defer_tag_definitions(&mut self, every: u32) {
        self.defer_every = every;
    }

    /// At a file-scope item `struct name { ... };` (or `union`, `enum`,
    /// with or without the name) that is due to be deferred: takes its
    /// tokens onto `out` and returns true.
    pub(super) fn defer_tag_definition(&mut self, out: &mut Vec<DeferredItem>) -> bool {
        let is_tag = matches!(
            self.tok().kind,
            TokenKind::Ident(kw::Struct | kw::Union | kw::Enum)
        );
        if !is_tag {
            return false;
        }
        self.item_start = self.pos;
        let mut open = 1;
        if super::ident_of(self.peek(1)).is_some() && super::keyword_of(self.peek(1)).is_none() {
            open = 2;
        }
        if !self.peek(open).is_punct(Punct::LBrace) {
            return false;
        }
        self.tag_definitions += 1;
        if !self.tag_definitions.is_multiple_of(self.defer_every) {
            return false;
        }
        // The matching `}`, then `;`.
        let mut depth = 0usize;
        let mut close = open;
        loop {
            self.ensure_ahead(close + 1);
            match self.peek(close).kind {
                TokenKind::Punct(Punct::LBrace) => depth += 1,
                TokenKind::Punct(Punct::RBrace) => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                TokenKind::Eof => return false,
                _ => {}
            }
            close += 1;
        }
        if !self.peek(close + 1).is_punct(Punct::Semi) {
            return false;
        }
        let first = self.pos - self.base;
        let end = first + close + 2;
        let at = self.deferred_tokens.len();
        self.deferred_tokens
            .extend_from_slice(&self.toks[first..end]);
        let last = self.toks[end - 1].span;
        out.push(DeferredItem {
            at: self.tu.items.len(),
            tokens: at..self.deferred_tokens.len(),
            base: self.pos,
            typedefs_before: self.typedef_count + self.scopes.file_typedefs.len() as u32,
        });
        // Past the `;`, as `bump` would go.
        self.prev_span = last;
        self.pos += close + 2;
        if self.pos >= self.refill_at {
            self.refill();
        }
        true
    }
}

/// A batch's deferred items, parsed.
pub(crate) struct DeferredTree {
    /// Their syntax tree.
    pub tree: TranslationUnit,
    /// Per deferred item, its items in the tree: itself, after any
    /// `_Static_assert` from its body.
    pub items: Vec<std::ops::Range<usize>>,
}

/// Parses the deferred items of `batch`, each as the parser would have
/// where it was: with the regions of the batch and the typedefs declared
/// before it (`typedefs` has the batch's).
pub(crate) fn parse_deferred(
    batch: &ParsedBatch,
    typedefs: &FileTypedefs,
    interner: &mut crate::intern::Interner,
    diags: &mut Diagnostics,
) -> DeferredTree {
    let mut items = Vec::with_capacity(batch.deferred.len());
    let Some(last) = batch.deferred_tokens.last() else {
        return DeferredTree {
            tree: TranslationUnit::default(),
            items,
        };
    };
    let source = TokenSource::List {
        expansions: &[],
        record_attributes: &batch.record_attributes,
        interner,
        diags,
    };
    let mut toks = Vec::with_capacity(batch.deferred_tokens.len() + 1);
    toks.extend_from_slice(&batch.deferred_tokens);
    let mut eof = *last;
    eof.kind = TokenKind::Eof;
    eof.span = Span::new(last.span.file, last.span.end, last.span.end);
    eof.expansion = None;
    toks.push(eof);
    let mut p = Parser::new(source, toks);
    for d in &batch.deferred {
        // Positions in the stream, as the regions have them: `toks[i]` is
        // at `base + i`.
        p.base = d.base - d.tokens.start;
        p.pos = d.base;
        p.scopes.outer = Some((typedefs, d.typedefs_before));
        let first = p.tu.items.len();
        // One declaration, which ends at the item's `;`.
        if let Some(decl) = p.next_item() {
            p.tu.items.push(decl);
        }
        if p.pos != d.base + d.tokens.len() {
            // An error made the parser skip elsewhere: the batch is not
            // checked (see `StreamChecker::check`).
            break;
        }
        items.push(first..p.tu.items.len());
    }
    DeferredTree { tree: p.tu, items }
}
