//! Preprocessing directives (`#define`, `#include`, `#if` and friends,
//! `#pragma`, `#line`, `#error`, ...) and the skipping of false conditional
//! groups.

use super::lexer::{lex_string, Lexed};
use super::macros::destringize;
use super::token::{Punct, Token, TokenKind};
use super::{Cond, Guard, PTok};
use super::{Context, Preprocessor};
use crate::intern::Sym;
use crate::parse::RecordAttributeRegion;
use crate::source::Span;

/// How deep `#include` may nest before we assume recursion.
const MAX_INCLUDE_DEPTH: usize = 200;

impl<'a> Preprocessor<'a> {
    /// Reads the rest of the current directive line as raw tokens and moves
    /// the lexer to the next line.
    pub(crate) fn read_line(&mut self) -> Vec<PTok> {
        let mut out = Vec::new();
        let Some(fs) = self.files.last_mut() else {
            return out;
        };
        let src = self.sources.file(fs.lexer.file).text.as_bytes();
        fs.lexer.in_directive = true;
        let mut err = None;
        while let Lexed::Token(t) = fs.lexer.next(src, self.interner) {
            if let Some(e) = fs.lexer.error.take() {
                err = Some((e, Span::new(fs.lexer.file, e.1, e.1)));
            }
            out.push(PTok { tok: t, flags: 0 });
        }
        fs.lexer.in_directive = false;
        if let Some(e) = fs.lexer.error.take() {
            err = Some((e, Span::new(fs.lexer.file, e.1, e.1)));
        }
        if let Some(((e, _), span)) = err {
            self.report_lex_error(e, span);
        }
        out
    }

    /// Discards the rest of the directive line.
    fn skip_rest_of_line(&mut self) {
        if let Some(fs) = self.files.last_mut() {
            let src = self.sources.file(fs.lexer.file).text.as_bytes();
            fs.lexer.skip_line(src);
        }
    }

    /// Reads the rest of the line and warns when it is not empty.
    fn expect_end_of_line(&mut self, directive: &str) {
        let rest = self.read_line();
        if let Some(t) = rest.first() {
            self.diags.warning(
                t.tok.span,
                format!("extra tokens at end of #{directive} directive"),
            );
        }
    }

    /// Runs the directive whose `#` is `hash`.
    pub(crate) fn directive(&mut self, hash: Token) {
        let name_tok = {
            let fs = self.files.last_mut().unwrap();
            let src = self.sources.file(fs.lexer.file).text.as_bytes();
            fs.lexer.in_directive = true;
            let r = fs.lexer.next(src, self.interner);
            fs.lexer.in_directive = false;
            r
        };
        let name_tok = match name_tok {
            Lexed::Token(t) => t,
            // The null directive.
            Lexed::Newline | Lexed::Eof => {
                self.note_guard_directive(None, false);
                return;
            }
        };
        let name = match name_tok.kind {
            TokenKind::Ident(s) => self.interner.resolve(s).to_string(),
            TokenKind::Number(_) => {
                // GNU line marker `# 12 "file" flags`.
                self.note_guard_directive(None, false);
                let mut toks = vec![PTok {
                    tok: name_tok,
                    flags: 0,
                }];
                toks.extend(self.read_line());
                self.line_directive(&toks, hash.span);
                return;
            }
            _ => {
                self.diags
                    .error(name_tok.span, "invalid preprocessing directive");
                self.skip_rest_of_line();
                return;
            }
        };
        let span = hash.span.to(name_tok.span);
        match name.as_str() {
            "define" => {
                self.note_guard_directive(None, false);
                let toks = self.read_line();
                self.define(&toks, span);
            }
            "undef" => {
                self.note_guard_directive(None, false);
                let toks = self.read_line();
                match toks.first().map(|t| t.tok.kind) {
                    Some(TokenKind::Ident(s)) => {
                        if s == self.sym.defined {
                            self.diags.error(
                                toks[0].tok.span,
                                "'defined' cannot be used as a macro name",
                            );
                        } else {
                            self.undefine(s);
                        }
                        if let Some(t) = toks.get(1) {
                            self.diags
                                .warning(t.tok.span, "extra tokens at end of #undef directive");
                        }
                    }
                    Some(_) => self
                        .diags
                        .error(toks[0].tok.span, "macro name must be an identifier"),
                    None => self.diags.error(span, "macro name missing"),
                }
            }
            "include" | "include_next" | "import" => {
                self.note_guard_directive(None, false);
                let next = name == "include_next";
                self.include_directive(span, next, name == "import");
            }
            "if" => {
                let toks = self.read_line();
                let guard = self.if_not_defined_guard(&toks);
                self.note_guard_directive(guard, false);
                if toks.is_empty() {
                    self.diags.error(span, "#if with no expression");
                }
                let v = self.eval_condition(toks, span);
                self.open_cond(v, span);
            }
            "ifdef" | "ifndef" => {
                let toks = self.read_line();
                let Some(TokenKind::Ident(s)) = toks.first().map(|t| t.tok.kind) else {
                    self.note_guard_directive(None, false);
                    let sp = toks.first().map_or(span, |t| t.tok.span);
                    if toks.is_empty() {
                        self.diags.error(sp, "macro name missing");
                    } else {
                        self.diags.error(sp, "macro name must be an identifier");
                    }
                    self.open_cond(false, span);
                    return;
                };
                let guard = if name == "ifndef" && toks.len() == 1 {
                    Some(s)
                } else {
                    None
                };
                self.note_guard_directive(guard, false);
                let defined = self.is_defined(s);
                self.open_cond(defined == (name == "ifdef"), span);
            }
            "elif" | "elifdef" | "elifndef" | "else" => {
                self.note_guard_directive(None, true);
                // We were in an active group, so every later branch is skipped.
                let Some(c) = self.files.last_mut().unwrap().conds.last_mut() else {
                    self.diags.error(span, format!("#{name} without #if"));
                    self.skip_rest_of_line();
                    return;
                };
                if c.seen_else {
                    let msg = format!("#{name} after #else");
                    self.diags.error(span, msg);
                }
                if name == "else" {
                    c.seen_else = true;
                    self.expect_end_of_line("else");
                } else {
                    self.skip_rest_of_line();
                }
                self.skip_group();
            }
            "endif" => {
                self.expect_end_of_line("endif");
                let fs = self.files.last_mut().unwrap();
                if fs.conds.pop().is_none() {
                    self.diags.error(span, "#endif without #if");
                    return;
                }
                if fs.conds.is_empty() {
                    if let Guard::Inside(g) = fs.guard {
                        fs.guard = Guard::Closed(g);
                    }
                }
            }
            "line" => {
                self.note_guard_directive(None, false);
                let toks = self.read_line();
                let mut expanded = Vec::new();
                self.expand_list(&toks, &mut expanded);
                self.line_directive(&expanded, span);
            }
            "error" | "warning" => {
                self.note_guard_directive(None, false);
                let toks = self.read_line();
                let text = self.line_text(&toks);
                if name == "error" {
                    self.diags.error(span, text);
                } else {
                    self.diags.warning(span, text);
                }
            }
            "pragma" => {
                self.note_guard_directive(None, false);
                let toks = self.read_line();
                self.pragma(&toks, span);
            }
            "ident" | "sccs" | "assert" | "unassert" => {
                self.note_guard_directive(None, false);
                self.skip_rest_of_line();
            }
            _ => {
                self.note_guard_directive(None, false);
                self.diags
                    .error(name_tok.span, "invalid preprocessing directive");
                self.skip_rest_of_line();
            }
        }
    }

    /// Updates the include-guard detection for a directive: `guard` is the
    /// macro of an `#ifndef X` / `#if !defined X`; `is_else` for `#else`/`#elif`.
    fn note_guard_directive(&mut self, guard: Option<Sym>, is_else: bool) {
        let Some(fs) = self.files.last_mut() else {
            return;
        };
        match fs.guard.clone() {
            Guard::Start => {
                fs.guard = match guard {
                    Some(g) => Guard::Inside(g),
                    None => Guard::NotGuarded,
                };
            }
            Guard::Inside(_) => {
                if is_else && fs.conds.len() == 1 {
                    fs.guard = Guard::NotGuarded;
                }
            }
            Guard::Closed(_) => fs.guard = Guard::NotGuarded,
            Guard::NotGuarded => {}
        }
    }

    /// `X` for `#if !defined X` or `#if !defined(X)`.
    fn if_not_defined_guard(&self, toks: &[PTok]) -> Option<Sym> {
        let kinds: Vec<TokenKind> = toks.iter().map(|t| t.tok.kind).collect();
        let defined = TokenKind::Ident(self.sym.defined);
        let bang = TokenKind::Punct(Punct::Bang);
        match kinds.as_slice() {
            [b, d, TokenKind::Ident(x)] if *b == bang && *d == defined => Some(*x),
            [b, d, TokenKind::Punct(Punct::LParen), TokenKind::Ident(x), TokenKind::Punct(Punct::RParen)]
                if *b == bang && *d == defined =>
            {
                Some(*x)
            }
            _ => None,
        }
    }

    fn open_cond(&mut self, value: bool, span: Span) {
        self.files.last_mut().unwrap().conds.push(Cond {
            taken: value,
            seen_else: false,
            span,
        });
        if !value {
            self.skip_group();
        }
    }

    /// Skips lines until the current conditional's next active branch or its
    /// `#endif`.
    fn skip_group(&mut self) {
        let mut depth = 0u32;
        loop {
            let Some(fs) = self.files.last_mut() else {
                return;
            };
            let src = self.sources.file(fs.lexer.file).text.as_bytes();
            let t = fs.lexer.next(src, self.interner);
            // Lexical errors in skipped text are not errors (except an unterminated comment).
            if let Some((e, pos)) = fs.lexer.error.take() {
                if e == super::lexer::LexError::UnterminatedComment {
                    let sp = Span::new(fs.lexer.file, pos, pos);
                    super::report_lex_error(self.diags, e, sp);
                }
            }
            let t = match t {
                Lexed::Token(t) => t,
                Lexed::Newline => continue,
                // The unterminated conditional is reported when the file is popped.
                Lexed::Eof => return,
            };
            if !(t.at_line_start && t.is_punct(Punct::Hash)) {
                fs.lexer.skip_line(src);
                continue;
            }
            fs.lexer.in_directive = true;
            let n = fs.lexer.next(src, self.interner);
            fs.lexer.in_directive = false;
            fs.lexer.error = None;
            let Lexed::Token(n) = n else {
                continue;
            };
            let name = match n.kind {
                TokenKind::Ident(s) => self.interner.resolve(s),
                _ => "",
            };
            let span = t.span.to(n.span);
            match name {
                "if" | "ifdef" | "ifndef" => {
                    depth += 1;
                    fs.lexer.skip_line(src);
                }
                "endif" => {
                    if depth == 0 {
                        self.expect_end_of_line("endif");
                        let fs = self.files.last_mut().unwrap();
                        fs.conds.pop();
                        if fs.conds.is_empty() {
                            if let Guard::Inside(g) = fs.guard {
                                fs.guard = Guard::Closed(g);
                            }
                        }
                        return;
                    }
                    depth -= 1;
                    fs.lexer.skip_line(src);
                }
                "else" if depth == 0 => {
                    let name = name.to_string();
                    self.note_guard_directive(None, true);
                    let c = self.files.last_mut().unwrap().conds.last_mut().unwrap();
                    let taken = c.taken;
                    if c.seen_else {
                        self.diags.error(span, format!("#{name} after #else"));
                    }
                    let c = self.files.last_mut().unwrap().conds.last_mut().unwrap();
                    c.seen_else = true;
                    c.taken = true;
                    self.expect_end_of_line("else");
                    if !taken {
                        return;
                    }
                }
                "elif" | "elifdef" | "elifndef" if depth == 0 => {
                    let name = name.to_string();
                    self.note_guard_directive(None, true);
                    let c = self.files.last().unwrap().conds.last().unwrap();
                    let (taken, seen_else) = (c.taken, c.seen_else);
                    if seen_else {
                        self.diags.error(span, format!("#{name} after #else"));
                    }
                    if taken {
                        self.skip_rest_of_line();
                        continue;
                    }
                    let toks = self.read_line();
                    let v = if name == "elif" {
                        if toks.is_empty() {
                            self.diags.error(span, "#elif with no expression");
                        }
                        self.eval_condition(toks, span)
                    } else {
                        match toks.first().map(|t| t.tok.kind) {
                            Some(TokenKind::Ident(s)) => self.is_defined(s) == (name == "elifdef"),
                            _ => {
                                self.diags.error(span, "macro name missing");
                                false
                            }
                        }
                    };
                    if v {
                        self.files
                            .last_mut()
                            .unwrap()
                            .conds
                            .last_mut()
                            .unwrap()
                            .taken = true;
                        return;
                    }
                }
                _ => fs.lexer.skip_line(src),
            }
        }
    }

    /// The source text of a directive's tokens (for `#error`).
    fn line_text(&self, toks: &[PTok]) -> String {
        let (Some(first), Some(last)) = (toks.first(), toks.last()) else {
            return String::new();
        };
        let f = self.sources.file(first.tok.span.file);
        let text = &f.text[first.tok.span.start as usize..last.tok.span.end as usize];
        text.replace("\\\n", "")
    }

    /// `#line N ["file"]` and GNU `# N "file" flags`.
    fn line_directive(&mut self, toks: &[PTok], span: Span) {
        let n = match toks.first().map(|t| t.tok.kind) {
            Some(TokenKind::Number(s)) => self.interner.resolve(s).parse::<i64>().ok(),
            _ => None,
        };
        let Some(n) = n else {
            self.diags.error(
                toks.first().map_or(span, |t| t.tok.span),
                "#line directive requires a simple digit sequence",
            );
            return;
        };
        let name = match toks.get(1).map(|t| t.tok.kind) {
            Some(TokenKind::Str(s)) => Some(destringize(self.interner.resolve(s))),
            Some(_) => {
                self.diags
                    .error(toks[1].tok.span, "invalid filename for #line directive");
                return;
            }
            None => None,
        };
        let fs = self.files.last_mut().unwrap();
        // The line after the directive gets number n.
        let file = self.sources.file(fs.lexer.file);
        let (next_line, _) = file.line_col(fs.lexer.pos.min(file.text.len()) as u32);
        let next_line = next_line as i64 + 1;
        fs.line_delta = n - next_line;
        if name.is_some() {
            fs.presumed_name = name;
        }
    }

    /// `#pragma`, given its tokens.
    fn pragma(&mut self, toks: &[PTok], span: Span) {
        let words: Vec<String> = toks
            .iter()
            .take(3)
            .map(|t| self.spelling(t.tok.kind).into_owned())
            .collect();
        let w: Vec<&str> = words.iter().map(|s| s.as_str()).collect();
        match w.as_slice() {
            ["once", ..] => {
                if let Some(f) = self.files.last() {
                    self.once_files.insert(f.lexer.file);
                }
            }
            ["GCC", "system_header", ..] | ["clang", "system_header", ..] => {
                if let Some(f) = self.files.last() {
                    if f.lexer.file != self.main_file {
                        self.system_files.push(f.lexer.file);
                    }
                }
            }
            ["push_macro", "(", ..] | ["pop_macro", "(", ..] => {
                let name = match toks.get(2).map(|t| t.tok.kind) {
                    Some(TokenKind::Str(s)) => destringize(self.interner.resolve(s)),
                    _ => return,
                };
                let sym = self.intern(&name);
                if w[0] == "push_macro" {
                    let slot = self.macro_slot(sym);
                    self.pushed_macros.entry(sym).or_default().push(slot);
                } else if let Some(slot) = self.pushed_macros.get_mut(&sym).and_then(|v| v.pop()) {
                    self.set_macro_slot(sym, slot);
                }
            }
            ["GCC", "error", ..] | ["GCC", "warning", ..] => {
                let msg = match toks.get(2).map(|t| t.tok.kind) {
                    Some(TokenKind::Str(s)) => destringize(self.interner.resolve(s)),
                    _ => String::new(),
                };
                if w[1] == "error" {
                    self.diags.error(span, msg);
                } else {
                    self.diags.warning(span, msg);
                }
            }
            ["GCC", "diagnostic", ..] | ["clang", "diagnostic", ..] => {
                self.diagnostic_pragma(toks, span)
            }
            ["clang", "attribute", ..] => {
                let words: Vec<String> = toks[2..]
                    .iter()
                    .map(|t| self.spelling(t.tok.kind).into_owned())
                    .collect();
                let words: Vec<&str> = words.iter().map(String::as_str).collect();
                if let Some(p) = parse_attribute_pragma(&words) {
                    let at = self.out_base + self.out.len();
                    self.attribute_regions.note(at, p, span, self.interner);
                }
            }
            // Everything else (`clang loop`, `unroll`, ...) has no effect on
            // bpfcc's output.
            _ => {}
        }
    }

    /// `#pragma GCC diagnostic push|pop|ignored "-Wgroup"` (and the clang
    /// spelling): the ranges where a warning group is off go to the
    /// diagnostics, which drop warnings of that group inside them (libbpf's
    /// BPF_PROG turns off `-Wint-conversion` this way).
    fn diagnostic_pragma(&mut self, toks: &[PTok], span: Span) {
        let action = toks.get(2).map(|t| self.spelling(t.tok.kind).into_owned());
        match action.as_deref() {
            Some("push") => self.diagnostic_pushes.push(self.ignored_warnings.len()),
            Some("pop") => {
                let keep = self.diagnostic_pushes.pop().unwrap_or(0);
                self.end_ignored_warnings(keep, Some(span));
            }
            Some("ignored") => {
                if let Some(TokenKind::Str(s)) = toks.get(3).map(|t| t.tok.kind) {
                    let flag = destringize(self.interner.resolve(s));
                    if let Some(group) = flag.strip_prefix("-W") {
                        let range = self.diags.start_ignoring_warnings(group, span);
                        self.ignored_warnings.push((range, span));
                    }
                }
            }
            _ => {}
        }
    }

    /// Closes the ignored ranges past the first `keep` at `end` (`None`: the end
    /// of the file each began in).
    pub(crate) fn end_ignored_warnings(&mut self, keep: usize, end: Option<Span>) {
        while self.ignored_warnings.len() > keep {
            let (range, start) = self.ignored_warnings.pop().expect("len checked");
            let end = match end {
                Some(e) if e.file == start.file => e,
                _ => {
                    let len = self.sources.file(start.file).text.len() as u32;
                    Span::new(start.file, len, len)
                }
            };
            self.diags.stop_ignoring_warnings(range, end);
        }
    }

    /// `_Pragma("text")`: runs `text` as a `#pragma`.
    pub(crate) fn pragma_text(&mut self, text: &str, span: Span) {
        let (toks, _) = lex_string(text, span.file, self.interner);
        let toks: Vec<PTok> = toks
            .into_iter()
            .map(|mut t| {
                t.span = span;
                PTok { tok: t, flags: 0 }
            })
            .collect();
        self.pragma(&toks, span);
    }

    /// Evaluates a `#if`/`#elif` line.
    fn eval_condition(&mut self, toks: Vec<PTok>, span: Span) -> bool {
        let mut v = self.take_vec();
        v.extend(toks);
        self.contexts.push(Context {
            toks: v,
            pos: 0,
            macro_id: None,
            barrier: true,
        });
        let depth = self.contexts.len();
        let mut expr = Vec::new();
        loop {
            let t = self.next_expanded();
            if t.flags & super::END_MARK != 0 && self.contexts.len() == depth {
                break;
            }
            if t.tok.kind == TokenKind::Eof {
                break;
            }
            if t.tok.is_ident(self.sym.defined) {
                expr.push(self.read_defined(t));
                continue;
            }
            expr.push(t);
        }
        self.pop_context();
        self.evaluate(&expr, span)
    }

    /// `defined X` / `defined(X)` after the `defined`, as a `0`/`1` token.
    fn read_defined(&mut self, defined: PTok) -> PTok {
        let mut t = self.next_unexpanded();
        let paren = t.tok.is_punct(Punct::LParen) && t.flags & super::END_MARK == 0;
        if paren {
            t = self.next_unexpanded();
        }
        let value = match t.tok.kind {
            TokenKind::Ident(s) if t.flags & super::END_MARK == 0 => self.is_defined(s),
            _ => {
                self.lookahead.push(t);
                self.diags
                    .error(defined.tok.span, "macro name missing after 'defined'");
                false
            }
        };
        if paren {
            let r = self.next_unexpanded();
            if !r.tok.is_punct(Punct::RParen) {
                self.lookahead.push(r);
                self.diags.error(r.tok.span, "missing ')' after 'defined'");
            }
        }
        let sym = self.intern(if value { "1" } else { "0" });
        PTok {
            tok: Token {
                kind: TokenKind::Number(sym),
                ..defined.tok
            },
            flags: 0,
        }
    }

    fn include_directive(&mut self, span: Span, next: bool, import: bool) {
        let direct = {
            let fs = self.files.last_mut().unwrap();
            let src = self.sources.file(fs.lexer.file).text.as_bytes();
            fs.lexer.in_directive = true;
            let r = fs.lexer.header_name(src);
            fs.lexer.in_directive = false;
            r
        };
        let spec = match direct {
            Some((name, _, _)) => {
                self.expect_end_of_line("include");
                Some((name, true))
            }
            None => {
                let toks = self.read_line();
                match toks.first().map(|t| t.tok.kind) {
                    Some(TokenKind::Str(_)) => {
                        if toks.len() > 1 {
                            self.diags.warning(
                                toks[1].tok.span,
                                "extra tokens at end of #include directive",
                            );
                        }
                        self.header_spec_from_tokens(&toks[..1])
                    }
                    None => None,
                    _ => {
                        let mut exp = Vec::new();
                        self.expand_list(&toks, &mut exp);
                        self.header_spec_from_tokens(&exp)
                    }
                }
            }
        };
        let Some((name, angled)) = spec else {
            self.diags
                .error(span, "expected \"FILENAME\" or <FILENAME>");
            return;
        };
        if name.is_empty() {
            self.diags.error(span, "empty filename");
            return;
        }
        let Some(found) = self.find_include(&name, angled, next) else {
            self.diags.error(span, format!("'{name}' file not found"));
            // Fatal, as in clang: what follows would only cascade into
            // errors about the missing declarations.
            self.files.clear();
            self.contexts.clear();
            self.lookahead.clear();
            return;
        };
        // Every header named by an #include is a dependency (even when its
        // guard skips it), one `__has_include` only checks is not.
        if let Some(p) = self.sources.file(found.file).path.clone() {
            self.add_dependency(p);
        }
        if self.once_files.contains(&found.file) {
            return;
        }
        if let Some(&g) = self.guards.get(&found.file) {
            if self.is_defined(g) {
                return;
            }
        }
        if import {
            self.once_files.insert(found.file);
        }
        if self.files.len() >= MAX_INCLUDE_DEPTH {
            self.diags.error(span, "#include nested too deeply");
            return;
        }
        if found.system {
            self.system_files.push(found.file);
        }
        self.push_file(found.file, found.dir_index);
    }
}

/// A `#pragma clang attribute` line, from its spelled words (after
/// `clang attribute`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum AttributePragma {
    /// `push(__attribute__((name)), apply_to = ...)`: `Some(name)`
    /// (underscores stripped) when the attribute has no arguments and applies
    /// to records (`record`, `any(record, ...)`, `record(unless(...))`),
    /// else `None` (bpfcc only needs record attributes, but the push still
    /// pairs with a pop).
    Push(Option<String>),
    /// `pop`.
    Pop,
}

/// Parses the words of `#pragma clang attribute ...` after `attribute`
/// (`push`, `(`, `__attribute__`, `(`, `(`, `name`, `)`, `)`, `,`,
/// `apply_to`, `=`, `record`, `)`), `None` for forms bpfcc ignores
/// (namespaced `ns.push`, the bare `push` + separate attribute form).
pub(crate) fn parse_attribute_pragma(words: &[&str]) -> Option<AttributePragma> {
    match words {
        ["pop", ..] => Some(AttributePragma::Pop),
        ["push", "(", "__attribute__", "(", "(", name, ")", ")", ",", rest @ ..] => {
            let applies_to_records = matches!(rest, ["apply_to", "=", targets @ ..]
                if targets.contains(&"record"));
            let name = name.trim_matches('_');
            let plain = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
            Some(AttributePragma::Push(
                (applies_to_records && plain).then(|| name.to_string()),
            ))
        }
        ["push", ..] => Some(AttributePragma::Push(None)),
        _ => None,
    }
}

/// The regions of `#pragma clang attribute push/pop` as they are read, by
/// token index in the stream the parser reads. A region is open (to
/// `usize::MAX`) from its push until its pop: the parser reads behind the
/// preprocessor, so a record it meets inside a region not yet closed is in
/// it either way. Nested pushes stack, an unmatched pop is ignored (clang
/// warns about it), a push never popped runs to the end.
#[derive(Default, Debug)]
pub(crate) struct AttributeRegions {
    /// In the order of their pushes.
    pub regions: Vec<RecordAttributeRegion>,
    /// The pushes not yet popped: their region, or `None` for a push that
    /// gives records no attribute bpfcc uses.
    open: Vec<Option<usize>>,
}

impl AttributeRegions {
    /// Takes the pragma `p`, at `span`, before token `at`.
    pub(crate) fn note(
        &mut self,
        at: usize,
        p: AttributePragma,
        span: Span,
        interner: &mut crate::intern::Interner,
    ) {
        match p {
            AttributePragma::Push(Some(name)) => {
                self.open.push(Some(self.regions.len()));
                self.regions.push(RecordAttributeRegion {
                    tokens: at..usize::MAX,
                    name: interner.intern(&name),
                    span,
                });
            }
            AttributePragma::Push(None) => self.open.push(None),
            AttributePragma::Pop => {
                if let Some(Some(i)) = self.open.pop() {
                    self.regions[i].tokens.end = at;
                }
            }
        }
    }
}

#[cfg(test)]
mod attribute_pragma_tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        // Spelled tokens, as the preprocessor gives them.
        let mut out = Vec::new();
        let mut cur = String::new();
        for c in s.chars() {
            if c.is_alphanumeric() || c == '_' {
                cur.push(c);
            } else {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                if !c.is_whitespace() {
                    out.push(c.to_string());
                }
            }
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        out
    }

    fn parse(s: &str) -> Option<AttributePragma> {
        let w = words(s);
        let w: Vec<&str> = w.iter().map(String::as_str).collect();
        parse_attribute_pragma(&w)
    }

    #[test]
    fn vmlinux_h_pragmas() {
        assert_eq!(
            parse("push (__attribute__((preserve_access_index)), apply_to = record)"),
            Some(AttributePragma::Push(Some("preserve_access_index".into())))
        );
        assert_eq!(
            parse("push(__attribute__((__preserve_access_index__)), apply_to = any(record, enum))"),
            Some(AttributePragma::Push(Some("preserve_access_index".into())))
        );
        assert_eq!(parse("pop"), Some(AttributePragma::Pop));
        // Not for records, or with arguments: pushed, no region.
        assert_eq!(
            parse("push(__attribute__((noinline)), apply_to = function)"),
            Some(AttributePragma::Push(None))
        );
        assert_eq!(
            parse("push(__attribute__((aligned(8))), apply_to = record)"),
            Some(AttributePragma::Push(None))
        );
        assert_eq!(parse("foo"), None);
    }

    #[test]
    fn regions_pair_pushes_with_pops() {
        let mut interner = crate::intern::Interner::default();
        let span = Span::default();
        let mut p = AttributeRegions::default();
        let pai = || AttributePragma::Push(Some("preserve_access_index".into()));
        p.note(10, pai(), span, &mut interner);
        p.note(20, AttributePragma::Push(None), span, &mut interner);
        p.note(30, AttributePragma::Pop, span, &mut interner);
        p.note(40, AttributePragma::Pop, span, &mut interner);
        p.note(45, AttributePragma::Pop, span, &mut interner); // unmatched
        p.note(50, pai(), span, &mut interner); // never popped
        let got: Vec<(std::ops::Range<usize>, String)> = p
            .regions
            .iter()
            .map(|r| (r.tokens.clone(), interner.resolve(r.name).to_string()))
            .collect();
        assert_eq!(
            got,
            vec![
                (10..40, "preserve_access_index".to_string()),
                (50..usize::MAX, "preserve_access_index".to_string())
            ]
        );
    }
}
