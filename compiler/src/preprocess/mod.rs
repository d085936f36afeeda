//! The C preprocessor: turns a source file and its includes into the token
//! stream the parser reads.
//!
//! Structure: [`lexer`] makes pp-tokens from file text; this module pulls
//! tokens from a stack of macro-expansion contexts above a stack of included
//! files; [`macros`] defines and expands macros (clang's model: a macro is
//! disabled while its expansion is being read, and an identifier naming a
//! disabled macro is painted so it never expands again); [`directives`]
//! handles `#` lines and conditional skipping; [`expr`] evaluates `#if`;
//! [`include`] finds headers; [`predefined`] writes the predefined macros;
//! [`output`] prints `-E` text.
//!
//! Checks beyond the unit tests (all `#[ignore]`d, in `tests.rs`):
//! `corpus_selftests` compares the token stream of every BPF selftest with
//! `clang-19 -E`; `bench_vmlinux` and `bench_lexer_only` time vmlinux.h
//! (run them with `--release`); `dump_preprocessed` prints `-E` for a file.

mod directives;
mod expr;
pub mod features;
mod include;
pub(crate) mod lexer;
mod macros;
mod output;
mod predefined;
#[cfg(test)]
mod tests;
pub mod token;

pub use output::write_preprocessed;

use crate::diag::Diagnostics;
use crate::intern::{Interner, Sym};
use crate::source::{FileId, SourceMap, Span};
use include::IncludeSearch;
use lexer::{Lexed, Lexer};
use macros::Macro;
use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::path::PathBuf;
use token::{Expansion, ExpansionId, Token, TokenKind};

/// Which compiler bpfcc presents itself as in predefined macros.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum Personality {
    /// clang 19 for BPF (`__clang__`, `__clang_major__` 19, `__GNUC__` 4).
    #[default]
    Clang,
    /// GCC's BPF back end (`__GNUC__` 12, `__BPF__`).
    Gcc,
}

/// Everything that shapes preprocessing, from the command line.
#[derive(Clone, Debug, Default)]
pub struct PreprocessOptions {
    /// `-iquote`: searched for `#include "..."` only.
    pub quote_dirs: Vec<PathBuf>,
    /// `-I`.
    pub include_dirs: Vec<PathBuf>,
    /// `-isystem`.
    pub system_dirs: Vec<PathBuf>,
    /// `-idirafter`.
    pub after_dirs: Vec<PathBuf>,
    /// `-D name[=value]` and `-U name`, in command-line order.
    pub macro_ops: Vec<MacroOp>,
    /// `-include file`, in order.
    pub force_includes: Vec<PathBuf>,
    /// `-nostdinc`: no built-in include directory.
    pub nostdinc: bool,
    /// The built-in header directory (`runtime-headers/`); when `None` the
    /// headers embedded in the binary are used.
    pub builtin_include_dir: Option<PathBuf>,
    pub personality: Personality,
    /// `-mcpu=vN`: 1 to 4.
    pub cpu_version: u8,
    /// `-O` level (for `__OPTIMIZE__`).
    pub opt_level: u8,
    /// `-dM`: collect the macros defined at the end (`PreprocessOutput::macros`).
    pub dump_macros: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MacroOp {
    Define(String, Option<String>),
    Undef(String),
}

pub struct PreprocessOutput {
    pub tokens: Vec<Token>,
    pub expansions: Vec<Expansion>,
    /// Every file read, main file first (for `-MD`).
    pub dependencies: Vec<PathBuf>,
    /// Files that are system headers (found through `-isystem`, the built-in
    /// directory or `-idirafter`, or marked `#pragma GCC system_header`);
    /// `-E` output flags them with `3`.
    pub system_files: Vec<FileId>,
    /// `#pragma clang attribute push/pop` regions, by index in `tokens`.
    pub record_attributes: Vec<crate::parse::RecordAttributeRegion>,
    /// With `-dM`: `#define` lines for every macro defined at the end of
    /// the input, predefined ones included, sorted by name (as clang).
    pub macros: Vec<String>,
}

/// Preprocesses `main` (already in `sources`) to the end, for `-E` and
/// for callers that want every token at once; the compiler proper streams
/// them to the parser instead ([`Preprocessor::fill`]).
pub fn preprocess(
    main: FileId,
    options: &PreprocessOptions,
    sources: &mut SourceMap,
    interner: &mut Interner,
    diags: &mut Diagnostics,
) -> PreprocessOutput {
    // Sized from vmlinux.h: about one token per 5.5 bytes.
    let len = sources.file(main).text.len();
    let mut pp = Preprocessor::start(main, options, sources, interner, diags);
    pp.out.reserve(len / 5);
    pp.fill(usize::MAX);
    pp.finish()
}

/// Internal token flags.
pub(crate) const NO_EXPAND: u8 = 1;
/// The end of a token list being expanded in isolation (a macro argument or a
/// directive line); also the end of a directive line from the file lexer.
pub(crate) const END_MARK: u8 = 2;
/// An empty macro argument next to `##` (C11 6.10.3.3 placemarker).
pub(crate) const PLACEMARKER: u8 = 4;

/// A token with the preprocessor's private flags.
#[derive(Copy, Clone, Debug)]
pub(crate) struct PTok {
    pub tok: Token,
    pub flags: u8,
}

impl PTok {
    fn marker(span: Span) -> PTok {
        PTok {
            tok: Token {
                kind: TokenKind::Eof,
                span,
                expansion: None,
                leading_space: false,
                at_line_start: false,
            },
            flags: END_MARK,
        }
    }

    pub fn is_end(&self) -> bool {
        self.flags & END_MARK != 0 || self.tok.kind == TokenKind::Eof
    }
}

/// A list of tokens being read instead of the file: a macro's expansion, or
/// (with `barrier`) a token list expanded in isolation.
struct Context {
    toks: Vec<PTok>,
    pos: usize,
    /// The macro to re-enable when this context is popped.
    macro_id: Option<u32>,
    /// Reading past the end yields an [`END_MARK`] instead of popping.
    barrier: bool,
}

/// Where a conditional's chain stands.
#[derive(Clone, Debug)]
struct Cond {
    /// Some branch of this `#if` chain was taken.
    taken: bool,
    /// `#else` was seen.
    seen_else: bool,
    /// The `#if` (for "unterminated conditional").
    span: Span,
}

/// Multiple-include optimisation: whether the file so far looks like
/// `#ifndef X #define X ... #endif` with nothing outside.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Guard {
    /// Nothing seen yet.
    Start,
    /// Inside the candidate guard `#ifndef` (at conditional depth 1).
    Inside(Sym),
    /// The guard's `#endif` was seen, nothing after it yet.
    Closed(Sym),
    NotGuarded,
}

/// One file on the include stack.
struct FileState {
    lexer: Lexer,
    conds: Vec<Cond>,
    /// Index of the search directory the file was found in (for `#include_next`).
    dir_index: Option<usize>,
    guard: Guard,
    /// `#line` adjustments: presumed line = real line + `line_delta`.
    line_delta: i64,
    /// `#line` file name override.
    presumed_name: Option<String>,
}

pub(crate) struct Preprocessor<'a> {
    options: &'a PreprocessOptions,
    sources: &'a mut SourceMap,
    interner: &'a mut Interner,
    diags: &'a mut Diagnostics,
    /// Macro definitions; `macro_of[sym]` indexes this (or `u32::MAX`).
    macros: Vec<Macro>,
    macro_of: Vec<u32>,
    files: Vec<FileState>,
    contexts: Vec<Context>,
    /// Tokens read ahead (peeking for a function-like macro's `(`), last first.
    lookahead: Vec<PTok>,
    /// Reading a macro's arguments: the end of a file does not pop it.
    collecting_args: u32,
    search: IncludeSearch,
    /// Resolved path → file, so a header is read from disk once.
    file_cache: HashMap<PathBuf, FileId>,
    once_files: HashSet<FileId>,
    guards: HashMap<FileId, Sym>,
    system_files: Vec<FileId>,
    dependencies: Vec<PathBuf>,
    dependency_set: HashSet<PathBuf>,
    /// Tokens produced and not yet taken by the consumer.
    pub(crate) out: Vec<Token>,
    /// The index in the whole token stream of `out[0]` (the consumer drops
    /// the tokens it has read).
    pub(crate) out_base: usize,
    /// `#pragma clang attribute` regions so far.
    pub(crate) attribute_regions: directives::AttributeRegions,
    /// Where [`Preprocessor::fill`] stops: `out` holds this many tokens.
    fill_limit: usize,
    /// The main file's end was reached (its `Eof` is in `out`).
    finished: bool,
    pub(crate) expansions: Vec<Expansion>,
    counter: u64,
    main_file: FileId,
    builtin_file: Option<FileId>,
    /// `#pragma push_macro` stacks.
    pushed_macros: HashMap<Sym, Vec<u32>>,
    /// Warning groups turned off by `#pragma GCC/clang diagnostic ignored`: the
    /// open range in the diagnostics and where it began; and the lengths of
    /// that list at each `diagnostic push`.
    ignored_warnings: Vec<(usize, Span)>,
    diagnostic_pushes: Vec<usize>,
    vec_pool: Vec<Vec<PTok>>,
    sym: KnownSyms,
}

/// Symbols the preprocessor compares against, interned once.
pub(crate) struct KnownSyms {
    pub defined: Sym,
    pub va_args: Sym,
    pub va_opt: Sym,
}

impl<'a> Preprocessor<'a> {
    fn new(
        options: &'a PreprocessOptions,
        sources: &'a mut SourceMap,
        interner: &'a mut Interner,
        diags: &'a mut Diagnostics,
    ) -> Preprocessor<'a> {
        let sym = KnownSyms {
            defined: interner.intern("defined"),
            va_args: interner.intern("__VA_ARGS__"),
            va_opt: interner.intern("__VA_OPT__"),
        };
        Preprocessor {
            search: IncludeSearch::new(options),
            options,
            sources,
            interner,
            diags,
            macros: Vec::new(),
            macro_of: Vec::new(),
            files: Vec::new(),
            contexts: Vec::new(),
            lookahead: Vec::new(),
            collecting_args: 0,
            file_cache: HashMap::new(),
            once_files: HashSet::new(),
            guards: HashMap::new(),
            system_files: Vec::new(),
            dependencies: Vec::new(),
            dependency_set: HashSet::new(),
            out: Vec::new(),
            out_base: 0,
            attribute_regions: Default::default(),
            fill_limit: 0,
            finished: false,
            expansions: Vec::new(),
            counter: 0,
            main_file: FileId(0),
            builtin_file: None,
            pushed_macros: HashMap::new(),
            ignored_warnings: Vec::new(),
            diagnostic_pushes: Vec::new(),
            vec_pool: Vec::new(),
            sym,
        }
    }

    /// A preprocessor positioned at the start of `main`, with the
    /// predefines, `-D`/`-U` and `-include` files read first.
    pub(crate) fn start(
        main: FileId,
        options: &'a PreprocessOptions,
        sources: &'a mut SourceMap,
        interner: &'a mut Interner,
        diags: &'a mut Diagnostics,
    ) -> Preprocessor<'a> {
        let mut pp = Preprocessor::new(options, sources, interner, diags);
        pp.main_file = main;
        let main_path = pp
            .sources
            .file(main)
            .path
            .clone()
            .unwrap_or_else(|| PathBuf::from(&pp.sources.file(main).name));
        pp.add_dependency(main_path);
        pp.define_builtins();
        // The predefines, -D/-U and -include run as a virtual file first; its
        // tokens (from forced includes) precede the main file's.
        let text = predefined::predefines_text(pp.options);
        let builtin = pp.sources.add("<built-in>", None, text);
        pp.builtin_file = Some(builtin);
        pp.push_file(main, None);
        pp.push_file(builtin, None);
        // Sized from vmlinux.h: one new symbol per 45 bytes (a table sized
        // for more is fresh memory the kernel must zero and the cache must
        // hold: for vmlinux.h 1 MB, not 2).
        let len = pp.sources.file(main).text.len();
        pp.interner.reserve(len / 48);
        pp
    }

    /// Preprocesses on until `out` holds `limit` tokens or the input ends
    /// (the last token is then `Eof`). Returns whether more may follow.
    pub(crate) fn fill(&mut self, limit: usize) -> bool {
        if self.finished {
            return false;
        }
        self.fill_limit = limit;
        while self.out.len() < limit {
            // Most of a header is plain tokens outside any macro expansion:
            // they go straight from the lexer to the output.
            if self.lookahead.is_empty() && self.contexts.is_empty() && self.plain_file_tokens() {
                continue;
            }
            let t = self.next_expanded();
            if t.tok.kind == TokenKind::Eof && t.flags & END_MARK == 0 {
                let mut eof = t.tok;
                eof.span = self.eof_span(self.main_file);
                self.out.push(eof);
                self.finished = true;
                return false;
            }
            if t.flags & (END_MARK | PLACEMARKER) != 0 {
                continue;
            }
            self.out.push(t.tok);
        }
        true
    }

    /// Preprocesses what is left and gives the remaining tokens and what was
    /// learnt about the input.
    pub(crate) fn finish(mut self) -> PreprocessOutput {
        self.fill(usize::MAX);
        self.end_ignored_warnings(0, None);
        self.system_files.sort();
        self.system_files.dedup();
        let macros = if self.options.dump_macros {
            self.macro_definitions()
        } else {
            Vec::new()
        };
        PreprocessOutput {
            macros,
            record_attributes: self.attribute_regions.regions,
            tokens: self.out,
            expansions: self.expansions,
            dependencies: self.dependencies,
            system_files: self.system_files,
        }
    }

    pub(crate) fn interner(&self) -> &Interner {
        self.interner
    }

    /// The interner and the diagnostics, lent to the parser and sema while
    /// the preprocessor waits between fills.
    pub(crate) fn interner_and_diags(&mut self) -> (&mut Interner, &mut Diagnostics) {
        (self.interner, self.diags)
    }

    fn eof_span(&self, main: FileId) -> Span {
        let len = self.sources.file(main).text.len() as u32;
        Span::new(main, len, len)
    }

    fn add_dependency(&mut self, p: PathBuf) {
        if self.dependency_set.insert(p.clone()) {
            self.dependencies.push(p);
        }
    }

    fn push_file(&mut self, file: FileId, dir_index: Option<usize>) {
        let mut lexer = Lexer::new(file);
        // A UTF-8 byte order mark is not part of the text.
        if self.sources.file(file).text.starts_with('\u{feff}') {
            lexer.pos = 3;
        }
        self.files.push(FileState {
            lexer,
            conds: Vec::new(),
            dir_index,
            guard: Guard::Start,
            line_delta: 0,
            presumed_name: None,
        });
    }

    /// The macro named `s`, if defined.
    #[inline]
    pub(crate) fn macro_id(&self, s: Sym) -> Option<u32> {
        match self.macro_of.get(s.0 as usize) {
            Some(&m) if m != u32::MAX => Some(m),
            _ => None,
        }
    }

    pub(crate) fn is_defined(&self, s: Sym) -> bool {
        self.macro_id(s).is_some()
    }

    fn take_vec(&mut self) -> Vec<PTok> {
        self.vec_pool.pop().unwrap_or_default()
    }

    fn give_vec(&mut self, mut v: Vec<PTok>) {
        v.clear();
        if self.vec_pool.len() < 64 {
            self.vec_pool.push(v);
        }
    }

    /// The next fully macro-expanded token.
    pub(crate) fn next_expanded(&mut self) -> PTok {
        loop {
            let mut t = self.next_unexpanded();
            if let TokenKind::Ident(s) = t.tok.kind {
                if t.flags & NO_EXPAND == 0 {
                    if let Some(m) = self.macro_id(s) {
                        if self.macros[m as usize].disabled {
                            t.flags |= NO_EXPAND;
                            return t;
                        }
                        if self.expand_macro(m, t) {
                            continue;
                        }
                    }
                }
            }
            return t;
        }
    }

    /// The next token without macro expansion: read-ahead first, then the
    /// innermost context, then the current file.
    pub(crate) fn next_unexpanded(&mut self) -> PTok {
        if let Some(t) = self.lookahead.pop() {
            return t;
        }
        while let Some(ctx) = self.contexts.last_mut() {
            if ctx.pos < ctx.toks.len() {
                let mut t = ctx.toks[ctx.pos];
                ctx.pos += 1;
                if let TokenKind::Ident(s) = t.tok.kind {
                    if let Some(m) = self.macro_id(s) {
                        if self.macros[m as usize].disabled {
                            t.flags |= NO_EXPAND;
                        }
                    }
                }
                return t;
            }
            if ctx.barrier {
                let span = ctx.toks.last().map(|t| t.tok.span).unwrap_or_default();
                return PTok::marker(span);
            }
            self.pop_context();
        }
        self.next_file_token()
    }

    fn pop_context(&mut self) {
        if let Some(ctx) = self.contexts.pop() {
            if let Some(m) = ctx.macro_id {
                self.macros[m as usize].disabled = false;
            }
            self.give_vec(ctx.toks);
        }
    }

    /// Expands `toks` in isolation (a macro argument), appending the result.
    pub(crate) fn expand_list(&mut self, toks: &[PTok], out: &mut Vec<PTok>) {
        let mut v = self.take_vec();
        v.extend_from_slice(toks);
        self.contexts.push(Context {
            toks: v,
            pos: 0,
            macro_id: None,
            barrier: true,
        });
        let depth = self.contexts.len();
        loop {
            let t = self.next_expanded();
            if t.flags & END_MARK != 0 && self.contexts.len() == depth {
                break;
            }
            if t.tok.kind == TokenKind::Eof && t.flags & END_MARK == 0 {
                // Cannot happen: a barrier stops reading before the file.
                break;
            }
            out.push(t);
        }
        self.pop_context();
    }

    /// Moves plain tokens of the current file (neither directives nor macro
    /// names) straight to the output, up to the next directive (which it
    /// runs): the same steps as [`Self::next_file_token`] without building
    /// [`PTok`]s or looking up the file per token. Returns `false` when
    /// [`Self::next_expanded`] must take the next token: a macro name (left
    /// in `lookahead`), the end of the file (not consumed: the lexer returns
    /// it again), a lexer in directive mode. Only for the top level: no
    /// context, no read-ahead, no arguments being collected.
    #[inline]
    fn plain_file_tokens(&mut self) -> bool {
        let Some(fs) = self.files.last_mut() else {
            return false;
        };
        if fs.lexer.in_directive {
            return false;
        }
        let src = self.sources.file(fs.lexer.file).text.as_bytes();
        loop {
            let Lexed::Token(t) = fs.lexer.next_inlined(src, self.interner) else {
                return false;
            };
            if let Some((err, pos)) = fs.lexer.error.take() {
                let span = Span::new(fs.lexer.file, pos, pos);
                report_lex_error(self.diags, err, span);
            }
            if t.at_line_start && t.kind == TokenKind::Punct(token::Punct::Hash) {
                self.directive(t);
                return true;
            }
            match fs.guard {
                Guard::Inside(_) | Guard::NotGuarded => {}
                _ => fs.guard = Guard::NotGuarded,
            }
            if let TokenKind::Ident(s) = t.kind {
                if matches!(self.macro_of.get(s.0 as usize), Some(&m) if m != u32::MAX) {
                    self.lookahead.push(PTok { tok: t, flags: 0 });
                    return false;
                }
            }
            self.out.push(t);
            if self.out.len() >= self.fill_limit {
                return true;
            }
        }
    }

    /// The next token of the current file, running directives on the way.
    fn next_file_token(&mut self) -> PTok {
        loop {
            let Some(fs) = self.files.last_mut() else {
                return PTok {
                    tok: Token {
                        kind: TokenKind::Eof,
                        span: Span::default(),
                        expansion: None,
                        leading_space: false,
                        at_line_start: true,
                    },
                    flags: 0,
                };
            };
            let src = self.sources.file(fs.lexer.file).text.as_bytes();
            let in_directive = fs.lexer.in_directive;
            match fs.lexer.next(src, self.interner) {
                Lexed::Token(t) => {
                    if let Some((err, pos)) = fs.lexer.error.take() {
                        let span = Span::new(fs.lexer.file, pos, pos);
                        report_lex_error(self.diags, err, span);
                    }
                    if t.at_line_start
                        && !in_directive
                        && t.kind == TokenKind::Punct(token::Punct::Hash)
                    {
                        self.directive(t);
                        continue;
                    }
                    if !in_directive {
                        match fs.guard {
                            Guard::Inside(_) | Guard::NotGuarded => {}
                            _ => fs.guard = Guard::NotGuarded,
                        }
                    }
                    return PTok { tok: t, flags: 0 };
                }
                Lexed::Newline => {
                    return PTok::marker(Span::new(
                        fs.lexer.file,
                        fs.lexer.pos as u32,
                        fs.lexer.pos as u32,
                    ));
                }
                Lexed::Eof => {
                    if let Some((err, pos)) = fs.lexer.error.take() {
                        let span = Span::new(fs.lexer.file, pos, pos);
                        self.report_lex_error(err, span);
                    }
                    let fs = self.files.last().unwrap();
                    if in_directive {
                        let p = fs.lexer.pos as u32;
                        return PTok::marker(Span::new(fs.lexer.file, p, p));
                    }
                    if self.collecting_args > 0 {
                        let p = fs.lexer.pos as u32;
                        let mut m = PTok::marker(Span::new(fs.lexer.file, p, p));
                        m.flags = 0;
                        return m;
                    }
                    self.pop_file();
                }
            }
        }
    }

    /// Ends the current file: reports open conditionals and records an
    /// include guard.
    fn pop_file(&mut self) {
        let Some(fs) = self.files.pop() else { return };
        for c in &fs.conds {
            self.diags
                .error(c.span, "unterminated conditional directive");
        }
        if let Guard::Closed(g) = fs.guard {
            self.guards.insert(fs.lexer.file, g);
        }
    }

    fn report_lex_error(&mut self, err: lexer::LexError, span: Span) {
        report_lex_error(self.diags, err, span);
    }
}

/// Reports a lexical error (a free function so callers holding a borrow of
/// the file stack can use it).
fn report_lex_error(diags: &mut Diagnostics, err: lexer::LexError, span: Span) {
    {
        use lexer::LexError::*;
        let msg = match err {
            UnterminatedComment => "unterminated /* comment",
            UnterminatedString => "missing terminating '\"' character",
            UnterminatedChar => "missing terminating ' character",
        };
        diags.error(span, msg);
    }
}

impl<'a> Preprocessor<'a> {
    /// `#define` lines of the macros defined now, as `clang -dM` prints
    /// them: parameters without spaces, the body's tokens separated by one
    /// space where the definition had whitespace; builtins left out.
    fn macro_definitions(&self) -> Vec<String> {
        let mut lines: Vec<(&str, String)> = Vec::new();
        for &m in &self.macro_of {
            let Some(m) = self.macros.get(m as usize) else {
                continue;
            };
            if m.builtin.is_some() {
                continue;
            }
            let name = self.interner.resolve(m.name);
            let mut line = format!("#define {name}");
            if let Some(params) = &m.params {
                let mut names: Vec<&str> =
                    params.iter().map(|&p| self.interner.resolve(p)).collect();
                if m.variadic {
                    if let Some(last) = names.last_mut() {
                        if *last == "__VA_ARGS__" {
                            *last = "...";
                        }
                    }
                }
                let mut list = names.join(",");
                if m.variadic && !list.ends_with("...") {
                    list.push_str("...");
                }
                let _ = write!(line, "({list})");
            }
            // One space after the name, even before an empty body (clang's).
            line.push(' ');
            for (k, t) in m.body.iter().enumerate() {
                if k > 0 && t.leading_space {
                    line.push(' ');
                }
                line.push_str(&self.spelling(t.kind));
            }
            lines.push((name, line));
        }
        lines.sort();
        lines.into_iter().map(|(_, l)| l).collect()
    }

    /// The spelling of a token.
    pub(crate) fn spelling(&self, kind: TokenKind) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        match kind {
            TokenKind::Ident(s) | TokenKind::Number(s) | TokenKind::Char(s) | TokenKind::Str(s) => {
                Cow::Borrowed(self.interner.resolve(s))
            }
            TokenKind::Punct(p) => Cow::Borrowed(p.as_str()),
            TokenKind::Other(c) => Cow::Owned(c.to_string()),
            TokenKind::Eof => Cow::Borrowed(""),
        }
    }

    pub(crate) fn intern(&mut self, s: &str) -> Sym {
        self.interner.intern(s)
    }

    /// Records an expansion and returns its id.
    pub(crate) fn add_expansion(&mut self, e: Expansion) -> ExpansionId {
        self.expansions.push(e);
        ExpansionId::new(self.expansions.len() - 1)
    }

    /// The presumed (`#line`-adjusted) line of a span in the current file stack.
    /// Like clang, a multi-line invocation counts as its last line (the `)`).
    pub(crate) fn presumed_line(&self, span: Span) -> i64 {
        let last = span.end.saturating_sub(1).max(span.start);
        let (line, _) = self.sources.file(span.file).line_col(last);
        let delta = self
            .files
            .iter()
            .rev()
            .find(|f| f.lexer.file == span.file)
            .map(|f| f.line_delta)
            .unwrap_or(0);
        line as i64 + delta
    }

    /// The presumed name of the current file (for `__FILE__`).
    pub(crate) fn presumed_file_name(&self) -> String {
        match self.files.last() {
            Some(f) => match &f.presumed_name {
                Some(n) => n.clone(),
                None => self.sources.file(f.lexer.file).name.clone(),
            },
            None => String::new(),
        }
    }
}
