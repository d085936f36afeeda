//! Macro definitions and expansion: `#define` parsing, argument collection,
//! substitution with `#`, `##`, `__VA_ARGS__`, `__VA_OPT__` and the GNU
//! `, ## __VA_ARGS__` comma rule, and the built-in macros (`__FILE__`,
//! `__has_include`, `_Pragma`, ...).

use super::features;
use super::lexer::lex_string;
use super::token::{Expansion, Punct, Token, TokenKind};
use super::{Context, PTok, Preprocessor, END_MARK, NO_EXPAND, PLACEMARKER};
use crate::intern::Sym;
use crate::source::{FileId, Span};
use std::rc::Rc;

/// Macros the preprocessor computes itself.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Builtin {
    File,
    Line,
    Counter,
    BaseFile,
    IncludeLevel,
    Date,
    Time,
    Timestamp,
    HasInclude,
    HasIncludeNext,
    HasAttribute,
    HasCAttribute,
    HasCppAttribute,
    HasDeclspecAttribute,
    HasBuiltin,
    HasFeature,
    HasExtension,
    HasWarning,
    IsIdentifier,
    /// `__building_module(x)`: bpfcc builds no modules.
    BuildingModule,
    Pragma,
}

#[derive(Clone, Debug)]
pub(crate) struct Macro {
    pub name: Sym,
    /// `Some` for function-like macros: the parameter names (the variadic one
    /// last, `__VA_ARGS__` unless GNU-named).
    pub params: Option<Vec<Sym>>,
    pub variadic: bool,
    /// Shared so that a nested expansion of the same macro (inside its own
    /// argument) can read the body while the outer one is substituting.
    pub body: Rc<[Token]>,
    /// For each body token, the parameter it names (`u16::MAX`: none).
    pub param_index: Rc<[u16]>,
    pub builtin: Option<Builtin>,
    pub def_span: Span,
    /// The macro's expansion is being read (it must not expand again).
    pub disabled: bool,
}

const NOT_PARAM: u16 = u16::MAX;

impl Macro {
    /// Same definition (C11 6.10.3p2): same parameters and the same body
    /// tokens with the same whitespace separation.
    fn same_as(&self, other: &Macro) -> bool {
        self.params == other.params
            && self.variadic == other.variadic
            && self.body.len() == other.body.len()
            && self
                .body
                .iter()
                .zip(other.body.iter())
                .enumerate()
                .all(|(i, (a, b))| a.kind == b.kind && (i == 0 || a.leading_space == b.leading_space))
    }
}

/// Collected arguments of one invocation: raw tokens, plus lazily the
/// macro-expanded form.
struct Args {
    raw: Vec<Vec<PTok>>,
    expanded: Vec<Option<Vec<PTok>>>,
}

impl<'a> Preprocessor<'a> {
    pub(crate) fn define_builtins(&mut self) {
        use Builtin::*;
        let list: &[(&str, Builtin)] = &[
            ("__FILE__", File),
            ("__LINE__", Line),
            ("__COUNTER__", Counter),
            ("__BASE_FILE__", BaseFile),
            ("__INCLUDE_LEVEL__", IncludeLevel),
            ("__DATE__", Date),
            ("__TIME__", Time),
            ("__TIMESTAMP__", Timestamp),
            ("__has_include", HasInclude),
            ("__has_include_next", HasIncludeNext),
            ("__has_attribute", HasAttribute),
            ("__has_c_attribute", HasCAttribute),
            ("__has_cpp_attribute", HasCppAttribute),
            ("__has_declspec_attribute", HasDeclspecAttribute),
            ("__has_builtin", HasBuiltin),
            ("__has_feature", HasFeature),
            ("__has_extension", HasExtension),
            ("__has_warning", HasWarning),
            ("__is_identifier", IsIdentifier),
            ("__building_module", BuildingModule),
            ("_Pragma", Pragma),
        ];
        for &(name, b) in list {
            let sym = self.intern(name);
            self.install_macro(Macro {
                name: sym,
                params: None,
                variadic: false,
                body: Rc::from(Vec::new()),
                param_index: Rc::from(Vec::new()),
                builtin: Some(b),
                def_span: Span::default(),
                disabled: false,
            });
        }
    }

    fn install_macro(&mut self, m: Macro) {
        let idx = m.name.0 as usize;
        if self.macro_of.len() <= idx {
            self.macro_of.resize(idx + 1, u32::MAX);
        }
        self.macros.push(m);
        self.macro_of[idx] = self.macros.len() as u32 - 1;
    }

    pub(crate) fn undefine(&mut self, s: Sym) {
        if let Some(slot) = self.macro_of.get_mut(s.0 as usize) {
            *slot = u32::MAX;
        }
    }

    /// Restores a `#pragma push_macro`ed definition (`u32::MAX`: undefined).
    pub(crate) fn set_macro_slot(&mut self, s: Sym, id: u32) {
        let idx = s.0 as usize;
        if self.macro_of.len() <= idx {
            self.macro_of.resize(idx + 1, u32::MAX);
        }
        self.macro_of[idx] = id;
    }

    pub(crate) fn macro_slot(&self, s: Sym) -> u32 {
        self.macro_of.get(s.0 as usize).copied().unwrap_or(u32::MAX)
    }

    /// `#define`, given the directive's tokens after `define`.
    pub(crate) fn define(&mut self, toks: &[PTok], directive_span: Span) {
        let Some(first) = toks.first() else {
            self.diags.error(directive_span, "macro name missing");
            return;
        };
        let TokenKind::Ident(name) = first.tok.kind else {
            self.diags.error(first.tok.span, "macro name must be an identifier");
            return;
        };
        if name == self.sym.defined {
            self.diags.error(first.tok.span, "'defined' cannot be used as a macro name");
            return;
        }
        let mut i = 1;
        let mut params = None;
        let mut variadic = false;
        if let Some(t) = toks.get(1) {
            if t.tok.is_punct(Punct::LParen) && !t.tok.leading_space {
                i = 2;
                let mut ps = Vec::new();
                loop {
                    let Some(t) = toks.get(i) else {
                        self.diags.error(directive_span, "missing ')' in macro parameter list");
                        return;
                    };
                    i += 1;
                    match t.tok.kind {
                        TokenKind::Punct(Punct::RParen) if ps.is_empty() => break,
                        TokenKind::Punct(Punct::Ellipsis) => {
                            variadic = true;
                            ps.push(self.sym.va_args);
                            if !toks.get(i).is_some_and(|t| t.tok.is_punct(Punct::RParen)) {
                                self.diags.error(t.tok.span, "missing ')' in macro parameter list");
                                return;
                            }
                            i += 1;
                            break;
                        }
                        TokenKind::Ident(p) => {
                            if ps.contains(&p) {
                                self.diags.error(
                                    t.tok.span,
                                    format!("duplicate macro parameter name '{}'", self.interner.resolve(p)),
                                );
                                return;
                            }
                            ps.push(p);
                            match toks.get(i).map(|t| t.tok.kind) {
                                Some(TokenKind::Punct(Punct::Comma)) => i += 1,
                                Some(TokenKind::Punct(Punct::RParen)) => {
                                    i += 1;
                                    break;
                                }
                                Some(TokenKind::Punct(Punct::Ellipsis)) => {
                                    // GNU named variadic parameter `args...`.
                                    variadic = true;
                                    i += 1;
                                    if !toks.get(i).is_some_and(|t| t.tok.is_punct(Punct::RParen)) {
                                        self.diags.error(t.tok.span, "missing ')' in macro parameter list");
                                        return;
                                    }
                                    i += 1;
                                    break;
                                }
                                _ => {
                                    let sp = toks.get(i).map(|t| t.tok.span).unwrap_or(t.tok.span);
                                    self.diags.error(sp, "expected comma in macro parameter list");
                                    return;
                                }
                            }
                        }
                        _ => {
                            self.diags.error(t.tok.span, "invalid token in macro parameter list");
                            return;
                        }
                    }
                }
                params = Some(ps);
            }
        }
        let mut body: Vec<Token> = toks[i..].iter().map(|t| t.tok).collect();
        if let Some(b) = body.first_mut() {
            b.leading_space = false;
        }
        for b in &mut body {
            b.at_line_start = false;
        }
        let mut param_index = vec![NOT_PARAM; body.len()];
        if let Some(ps) = &params {
            for (j, b) in body.iter().enumerate() {
                if let TokenKind::Ident(s) = b.kind {
                    if let Some(k) = ps.iter().position(|&p| p == s) {
                        param_index[j] = k as u16;
                    }
                }
            }
            // `#` must name a parameter (or `__VA_OPT__`).
            for j in 0..body.len() {
                if body[j].is_punct(Punct::Hash) {
                    let ok = param_index.get(j + 1).is_some_and(|&p| p != NOT_PARAM)
                        || body.get(j + 1).is_some_and(|t| t.is_ident(self.sym.va_opt));
                    if !ok {
                        self.diags.error(body[j].span, "'#' is not followed by a macro parameter");
                        return;
                    }
                }
            }
        }
        if body.first().is_some_and(|t| t.is_punct(Punct::HashHash))
            || (body.len() > 0 && body[body.len() - 1].is_punct(Punct::HashHash))
        {
            let sp = if body[0].is_punct(Punct::HashHash) {
                body[0].span
            } else {
                body[body.len() - 1].span
            };
            self.diags.error(sp, "'##' cannot appear at either end of a macro expansion");
            return;
        }
        let m = Macro {
            name,
            params,
            variadic,
            body: Rc::from(body),
            param_index: Rc::from(param_index),
            builtin: None,
            def_span: first.tok.span,
            disabled: false,
        };
        if let Some(old) = self.macro_id(name) {
            let old = &self.macros[old as usize];
            if old.builtin.is_some() {
                if self.builtin_file != Some(first.tok.span.file) {
                    self.diags.warning(
                        first.tok.span,
                        format!("redefining builtin macro '{}'", self.interner.resolve(name)),
                    );
                }
            } else if !old.same_as(&m) && self.builtin_file != Some(first.tok.span.file) {
                let prev = old.def_span;
                let d = crate::diag::Diagnostic {
                    severity: crate::diag::Severity::Warning,
                    message: format!("'{}' macro redefined", self.interner.resolve(name)),
                    span: Some(first.tok.span),
                    notes: vec![],
                }
                .with_note(Some(prev), "previous definition is here");
                self.diags.push(d);
            }
        }
        self.install_macro(m);
    }

    /// Tries to expand macro `m` named by `name_tok`; returns false when a
    /// function-like macro is not followed by `(` (then `name_tok` stands).
    pub(crate) fn expand_macro(&mut self, m: u32, name_tok: PTok) -> bool {
        if let Some(b) = self.macros[m as usize].builtin {
            return self.expand_builtin(b, name_tok);
        }
        let is_function = self.macros[m as usize].params.is_some();
        let mut end_span = name_tok.tok.span;
        let args = if is_function {
            // Peek for `(`, across newlines and the ends of macro contexts.
            let next = self.next_unexpanded();
            if !next.tok.is_punct(Punct::LParen) || next.flags & END_MARK != 0 {
                self.lookahead.push(next);
                return false;
            }
            match self.collect_args(m, name_tok) {
                Some((a, rp)) => {
                    end_span = rp;
                    a
                }
                None => return true,
            }
        } else {
            Args {
                raw: Vec::new(),
                expanded: Vec::new(),
            }
        };
        // The expansion's location: the outermost invocation.
        let (site, parent) = match name_tok.tok.expansion {
            Some(e) => (name_tok.tok.span, Some(e)),
            None => (name_tok.tok.span.to(end_span), None),
        };
        let def = &self.macros[m as usize];
        let exp = self.add_expansion(Expansion {
            macro_name: def.name,
            call_site: site,
            definition: def.def_span,
            parent,
        });
        let mut out = self.take_vec();
        self.substitute(m, args, &mut out);
        let mut first = true;
        for t in out.iter_mut() {
            t.tok.span = site;
            t.tok.expansion = Some(exp);
            t.tok.at_line_start = false;
            if first && t.flags & PLACEMARKER == 0 {
                t.tok.leading_space = name_tok.tok.leading_space;
                t.tok.at_line_start = name_tok.tok.at_line_start;
                first = false;
            }
        }
        out.retain(|t| t.flags & PLACEMARKER == 0);
        if out.is_empty() {
            self.give_vec(out);
            return true;
        }
        self.macros[m as usize].disabled = true;
        self.contexts.push(Context {
            toks: out,
            pos: 0,
            macro_id: Some(m),
            barrier: false,
        });
        true
    }

    /// Reads a function-like macro's arguments after its `(`; returns them
    /// and the span of the closing `)`, or `None` after an error.
    fn collect_args(&mut self, m: u32, name_tok: PTok) -> Option<(Args, Span)> {
        let nparams = self.macros[m as usize].params.as_ref().map_or(0, |p| p.len());
        let variadic = self.macros[m as usize].variadic;
        let mut raw: Vec<Vec<PTok>> = vec![Vec::new()];
        let mut depth = 0u32;
        self.collecting_args += 1;
        let rparen;
        loop {
            let mut t = self.next_unexpanded();
            if t.is_end() {
                self.collecting_args -= 1;
                // Leave the end (of a directive line or file) for the caller.
                self.lookahead.push(t);
                let name = self.interner.resolve(self.macros[m as usize].name).to_string();
                let d = crate::diag::Diagnostic {
                    severity: crate::diag::Severity::Error,
                    message: format!("unterminated function-like macro invocation '{name}'"),
                    span: Some(name_tok.tok.span),
                    notes: vec![],
                }
                .with_note(Some(self.macros[m as usize].def_span), "macro defined here");
                self.diags.push(d);
                return None;
            }
            match t.tok.kind {
                TokenKind::Punct(Punct::LParen) => depth += 1,
                TokenKind::Punct(Punct::RParen) => {
                    if depth == 0 {
                        rparen = t.tok.span;
                        break;
                    }
                    depth -= 1;
                }
                TokenKind::Punct(Punct::Comma) if depth == 0 => {
                    if !(variadic && raw.len() >= nparams) {
                        raw.push(Vec::new());
                        continue;
                    }
                }
                _ => {}
            }
            // A newline inside the arguments is whitespace.
            if t.tok.at_line_start {
                t.tok.leading_space = true;
                t.tok.at_line_start = false;
            }
            raw.last_mut().unwrap().push(t);
        }
        self.collecting_args -= 1;
        // `f()` passes one empty argument, which is no argument for `f()`.
        if nparams == 0 && raw.len() == 1 && raw[0].is_empty() {
            raw.clear();
        }
        if raw.len() < nparams {
            if variadic && raw.len() + 1 == nparams {
                // The variadic argument may be left out entirely.
                raw.push(Vec::new());
            } else {
                self.arg_count_error(m, name_tok, "too few arguments provided to function-like macro invocation");
                return None;
            }
        } else if raw.len() > nparams {
            self.arg_count_error(m, name_tok, "too many arguments provided to function-like macro invocation");
            return None;
        }
        let n = raw.len();
        Some((
            Args {
                raw,
                expanded: vec![None; n],
            },
            rparen,
        ))
    }

    fn arg_count_error(&mut self, m: u32, name_tok: PTok, msg: &str) {
        let d = crate::diag::Diagnostic {
            severity: crate::diag::Severity::Error,
            message: msg.to_string(),
            span: Some(name_tok.tok.span),
            notes: vec![],
        }
        .with_note(Some(self.macros[m as usize].def_span), "macro defined here");
        self.diags.push(d);
    }

    fn expanded_arg(&mut self, args: &mut Args, k: usize) -> Vec<PTok> {
        if let Some(e) = &args.expanded[k] {
            return e.clone();
        }
        let mut out = Vec::new();
        let raw = std::mem::take(&mut args.raw[k]);
        self.expand_list(&raw, &mut out);
        args.raw[k] = raw;
        args.expanded[k] = Some(out.clone());
        out
    }

    /// Replaces parameters in macro `m`'s body.
    fn substitute(&mut self, m: u32, mut args: Args, out: &mut Vec<PTok>) {
        let body = Rc::clone(&self.macros[m as usize].body);
        let pidx = Rc::clone(&self.macros[m as usize].param_index);
        self.substitute_range(m, &body, &pidx, 0, body.len(), &mut args, out);
    }

    #[allow(clippy::too_many_arguments)]
    fn substitute_range(
        &mut self,
        m: u32,
        body: &[Token],
        pidx: &[u16],
        start: usize,
        end: usize,
        args: &mut Args,
        out: &mut Vec<PTok>,
    ) {
        let variadic = self.macros[m as usize].variadic;
        let va_index = args.raw.len().wrapping_sub(1);
        let mut paste_next = false;
        let mut i = start;
        while i < end {
            let t = body[i];
            // `__VA_OPT__ ( ... )`
            if variadic && t.is_ident(self.sym.va_opt) {
                let (content_end, close) = match_paren(body, i + 1, end);
                let va_nonempty = !args.raw[va_index].is_empty()
                    && !self.expanded_arg(args, va_index).is_empty();
                let mut operand = Vec::new();
                if va_nonempty {
                    self.substitute_range(m, body, pidx, i + 2, content_end, args, &mut operand);
                }
                if operand.is_empty() {
                    operand.push(placemarker(t));
                } else {
                    operand[0].tok.leading_space = t.leading_space;
                }
                let pastes_after = body.get(close + 1).is_some_and(|t| t.is_punct(Punct::HashHash)) && close + 1 < end;
                self.append_operand(out, operand, &mut paste_next);
                i = close + 1;
                let _ = pastes_after;
                continue;
            }
            if t.is_punct(Punct::Hash) && i + 1 < end && self.macros[m as usize].params.is_some() {
                let next = body[i + 1];
                let text = if pidx[i + 1] != NOT_PARAM {
                    let k = pidx[i + 1] as usize;
                    let raw = std::mem::take(&mut args.raw[k]);
                    let s = self.stringify(&raw);
                    args.raw[k] = raw;
                    i += 2;
                    s
                } else if next.is_ident(self.sym.va_opt) {
                    let (content_end, close) = match_paren(body, i + 2, end);
                    let mut operand = Vec::new();
                    if !args.raw[va_index].is_empty() {
                        self.substitute_range(m, body, pidx, i + 3, content_end, args, &mut operand);
                    }
                    operand.retain(|t| t.flags & PLACEMARKER == 0);
                    i = close + 1;
                    self.stringify(&operand)
                } else {
                    i += 1;
                    self.append_operand(out, vec![PTok { tok: t, flags: 0 }], &mut paste_next);
                    continue;
                };
                let sym = self.intern(&text);
                let tok = Token {
                    kind: TokenKind::Str(sym),
                    ..t
                };
                self.append_operand(out, vec![PTok { tok, flags: 0 }], &mut paste_next);
                continue;
            }
            if t.is_punct(Punct::HashHash) {
                // GNU: `, ## __VA_ARGS__` drops the comma when the variadic
                // argument is empty, and otherwise does not paste.
                if variadic
                    && i + 1 < end
                    && pidx[i + 1] as usize == va_index
                    && pidx[i + 1] != NOT_PARAM
                    && out.last().is_some_and(|l| l.tok.is_punct(Punct::Comma))
                {
                    if args.raw[va_index].is_empty() {
                        out.pop();
                    } else {
                        let mut operand = args.raw[va_index].clone();
                        operand[0].tok.leading_space = body[i + 1].leading_space;
                        out.extend(operand);
                    }
                    i += 2;
                    continue;
                }
                paste_next = true;
                i += 1;
                continue;
            }
            if pidx[i] != NOT_PARAM {
                let k = pidx[i] as usize;
                let next_is_paste = i + 1 < end && body[i + 1].is_punct(Punct::HashHash);
                let mut operand = if paste_next || next_is_paste {
                    args.raw[k].clone()
                } else {
                    self.expanded_arg(args, k)
                };
                if operand.is_empty() {
                    operand.push(placemarker(t));
                } else {
                    operand[0].tok.leading_space = t.leading_space;
                }
                self.append_operand(out, operand, &mut paste_next);
                i += 1;
                continue;
            }
            self.append_operand(out, vec![PTok { tok: t, flags: 0 }], &mut paste_next);
            i += 1;
        }
    }

    /// Appends `operand`, pasting its first token onto the last one of `out`
    /// when a `##` preceded it.
    fn append_operand(&mut self, out: &mut Vec<PTok>, operand: Vec<PTok>, paste_next: &mut bool) {
        let mut it = operand.into_iter();
        if *paste_next {
            *paste_next = false;
            if let Some(first) = it.next() {
                match out.last_mut() {
                    Some(last) => {
                        if last.flags & PLACEMARKER != 0 {
                            *last = PTok {
                                tok: Token {
                                    leading_space: last.tok.leading_space,
                                    ..first.tok
                                },
                                flags: first.flags,
                            };
                        } else if first.flags & PLACEMARKER == 0 {
                            match self.paste(last.tok, first.tok) {
                                Some(t) => *last = PTok { tok: t, flags: 0 },
                                None => out.push(first),
                            }
                        }
                    }
                    None => out.push(first),
                }
            }
        }
        out.extend(it);
    }

    /// `a ## b`: the single token their spellings form, or an error.
    fn paste(&mut self, a: Token, b: Token) -> Option<Token> {
        let mut text = self.spelling(a.kind).into_owned();
        text.push_str(&self.spelling(b.kind));
        let (toks, err) = lex_string(&text, FileId(u32::MAX), self.interner);
        if toks.len() == 1 && !err {
            return Some(Token {
                kind: toks[0].kind,
                ..a
            });
        }
        if toks.is_empty() && !err {
            // `/` ## `/` forms a comment; clang rejects it like any other.
        }
        self.diags.error(
            a.span,
            format!("pasting formed '{text}', an invalid preprocessing token"),
        );
        None
    }

    /// `#x`: the spelling of the argument as a string literal.
    fn stringify(&self, toks: &[PTok]) -> String {
        let mut s = String::from("\"");
        for (i, t) in toks.iter().enumerate() {
            if t.flags & PLACEMARKER != 0 {
                continue;
            }
            if i > 0 && (t.tok.leading_space || t.tok.at_line_start) && s.len() > 1 {
                s.push(' ');
            }
            let sp = self.spelling(t.tok.kind);
            match t.tok.kind {
                TokenKind::Str(_) | TokenKind::Char(_) => {
                    for c in sp.chars() {
                        if c == '"' || c == '\\' {
                            s.push('\\');
                        }
                        s.push(c);
                    }
                }
                _ => s.push_str(&sp),
            }
        }
        s.push('"');
        s
    }

    /// Reads the parenthesised operand of a `__has_*` builtin as raw tokens.
    fn builtin_operand(&mut self, name_tok: PTok) -> Option<(Vec<PTok>, Span)> {
        let lp = self.next_unexpanded();
        if !lp.tok.is_punct(Punct::LParen) || lp.flags & END_MARK != 0 {
            let sp = lp.tok.span;
            self.lookahead.push(lp);
            let name = self.spelling(name_tok.tok.kind).into_owned();
            self.diags.error(sp, format!("missing '(' after '{name}'"));
            return None;
        }
        let mut toks = Vec::new();
        let mut depth = 0;
        loop {
            let t = self.next_unexpanded();
            if t.is_end() {
                self.lookahead.push(t);
                self.diags.error(t.tok.span, "missing ')' after builtin macro operand");
                return None;
            }
            match t.tok.kind {
                TokenKind::Punct(Punct::LParen) => depth += 1,
                TokenKind::Punct(Punct::RParen) => {
                    if depth == 0 {
                        return Some((toks, t.tok.span));
                    }
                    depth -= 1;
                }
                _ => {}
            }
            toks.push(t);
        }
    }

    /// Pushes one computed token as the expansion of builtin `name_tok`.
    fn push_builtin_result(&mut self, name_tok: PTok, kind: TokenKind, end: Span) {
        let m = match name_tok.tok.kind {
            TokenKind::Ident(s) => s,
            _ => return,
        };
        let (site, parent) = match name_tok.tok.expansion {
            Some(e) => (name_tok.tok.span, Some(e)),
            None => (name_tok.tok.span.to(end), None),
        };
        let exp = self.add_expansion(Expansion {
            macro_name: m,
            call_site: site,
            definition: Span::default(),
            parent,
        });
        let mut v = self.take_vec();
        v.push(PTok {
            tok: Token {
                kind,
                span: site,
                expansion: Some(exp),
                leading_space: name_tok.tok.leading_space,
                at_line_start: name_tok.tok.at_line_start,
            },
            flags: NO_EXPAND,
        });
        self.contexts.push(Context {
            toks: v,
            pos: 0,
            macro_id: None,
            barrier: false,
        });
    }

    fn number_token(&mut self, v: i64) -> TokenKind {
        TokenKind::Number(self.intern(&v.to_string()))
    }

    fn string_token(&mut self, s: &str) -> TokenKind {
        let mut lit = String::with_capacity(s.len() + 2);
        lit.push('"');
        for c in s.chars() {
            if c == '"' || c == '\\' {
                lit.push('\\');
            }
            lit.push(c);
        }
        lit.push('"');
        TokenKind::Str(self.intern(&lit))
    }

    fn expand_builtin(&mut self, b: Builtin, name_tok: PTok) -> bool {
        use Builtin::*;
        let sp = name_tok.tok.span;
        match b {
            File => {
                let n = self.presumed_file_name();
                let k = self.string_token(&n);
                self.push_builtin_result(name_tok, k, sp);
            }
            BaseFile => {
                let n = self.sources.file(self.main_file).name.clone();
                let k = self.string_token(&n);
                self.push_builtin_result(name_tok, k, sp);
            }
            Line => {
                let l = self.presumed_line(sp);
                let k = self.number_token(l);
                self.push_builtin_result(name_tok, k, sp);
            }
            Counter => {
                let c = self.counter as i64;
                self.counter += 1;
                let k = self.number_token(c);
                self.push_builtin_result(name_tok, k, sp);
            }
            IncludeLevel => {
                // The built-in buffer and the main file are level 0.
                let lvl = self
                    .files
                    .iter()
                    .filter(|f| Some(f.lexer.file) != self.builtin_file)
                    .count()
                    .saturating_sub(1);
                let k = self.number_token(lvl as i64);
                self.push_builtin_result(name_tok, k, sp);
            }
            Date => {
                let k = TokenKind::Str(self.intern("\"Jan  1 1970\""));
                self.push_builtin_result(name_tok, k, sp);
            }
            Time => {
                let k = TokenKind::Str(self.intern("\"00:00:00\""));
                self.push_builtin_result(name_tok, k, sp);
            }
            Timestamp => {
                let k = TokenKind::Str(self.intern("\"Thu Jan  1 00:00:00 1970\""));
                self.push_builtin_result(name_tok, k, sp);
            }
            HasInclude | HasIncludeNext => {
                let v = self.eval_has_include(name_tok, b == HasIncludeNext);
                if let Some((v, end)) = v {
                    let k = self.number_token(v as i64);
                    self.push_builtin_result(name_tok, k, end);
                }
            }
            Pragma => {
                let Some((toks, end)) = self.builtin_operand(name_tok) else {
                    return true;
                };
                match toks.as_slice() {
                    [t] if matches!(t.tok.kind, TokenKind::Str(_)) => {
                        let s = self.spelling(t.tok.kind).into_owned();
                        let text = destringize(&s);
                        self.pragma_text(&text, name_tok.tok.span.to(end));
                    }
                    _ => {
                        self.diags.error(name_tok.tok.span, "_Pragma takes a parenthesized string literal");
                    }
                }
            }
            _ => {
                let Some((toks, end)) = self.builtin_operand(name_tok) else {
                    return true;
                };
                // Operands are identifiers, maybe scoped (`gnu::packed`).
                let words: Vec<String> = toks
                    .iter()
                    .filter(|t| !t.tok.is_punct(Punct::Colon))
                    .map(|t| self.spelling(t.tok.kind).into_owned())
                    .collect();
                let v: i64 = match b {
                    HasAttribute => match words.as_slice() {
                        [w] => features::is_supported_attribute(w) as i64,
                        [scope, w] if scope == "gnu" || scope == "clang" => {
                            features::is_supported_attribute(w) as i64
                        }
                        _ => 0,
                    },
                    HasCAttribute => match words.as_slice() {
                        [w] => features::SUPPORTED_C_ATTRIBUTES
                            .iter()
                            .find(|(n, _)| *n == features::normalize_attribute(w))
                            .map_or(0, |&(_, v)| v as i64),
                        [scope, w] if scope == "gnu" || scope == "clang" => {
                            features::is_supported_attribute(w) as i64
                        }
                        _ => 0,
                    },
                    HasBuiltin => match words.as_slice() {
                        [w] => features::is_supported_builtin(w) as i64,
                        _ => 0,
                    },
                    HasFeature | HasExtension => match words.as_slice() {
                        [w] => features::SUPPORTED_FEATURES.contains(&w.as_str()) as i64,
                        _ => 0,
                    },
                    IsIdentifier => match toks.as_slice() {
                        [t] => match t.tok.kind {
                            TokenKind::Ident(s) => ((s.0 as usize) >= crate::intern::KEYWORDS.len()) as i64,
                            _ => 0,
                        },
                        _ => 0,
                    },
                    _ => 0,
                };
                let k = self.number_token(v);
                self.push_builtin_result(name_tok, k, end);
            }
        }
        true
    }

    /// `__has_include(...)`: 1 when the header exists.
    fn eval_has_include(&mut self, name_tok: PTok, next: bool) -> Option<(bool, Span)> {
        // The header name may be a `<...>` written directly in the file.
        let direct = self.lookahead.is_empty() && self.contexts.iter().all(|c| c.pos >= c.toks.len() && !c.barrier);
        let lp = self.next_unexpanded();
        if !lp.tok.is_punct(Punct::LParen) || lp.flags & END_MARK != 0 {
            let sp = lp.tok.span;
            self.lookahead.push(lp);
            self.diags.error(sp, "missing '(' after '__has_include'");
            return None;
        }
        let mut spec = None;
        if direct && self.contexts.is_empty() {
            if let Some(fs) = self.files.last_mut() {
                let src = self.sources.file(fs.lexer.file).text.as_bytes();
                let was = fs.lexer.in_directive;
                fs.lexer.in_directive = true;
                if let Some((name, _, _)) = fs.lexer.header_name(src) {
                    spec = Some((name, true));
                }
                fs.lexer.in_directive = was;
            }
        }
        let mut toks = Vec::new();
        let mut depth = 0;
        let end;
        loop {
            let t = if spec.is_some() { self.next_unexpanded() } else { self.next_expanded() };
            if t.is_end() {
                self.lookahead.push(t);
                self.diags.error(t.tok.span, "missing ')' after '__has_include'");
                return None;
            }
            match t.tok.kind {
                TokenKind::Punct(Punct::LParen) => depth += 1,
                TokenKind::Punct(Punct::RParen) => {
                    if depth == 0 {
                        end = t.tok.span;
                        break;
                    }
                    depth -= 1;
                }
                _ => {}
            }
            toks.push(t);
        }
        let spec = match spec {
            Some(s) => s,
            None => match self.header_spec_from_tokens(&toks) {
                Some(s) => s,
                None => {
                    self.diags.error(name_tok.tok.span, "expected \"FILENAME\" or <FILENAME>");
                    return None;
                }
            },
        };
        let found = self.find_include(&spec.0, spec.1, next).is_some();
        Some((found, end))
    }

    /// A header name from macro-expanded tokens: `"x.h"` or `< ... >`.
    pub(crate) fn header_spec_from_tokens(&self, toks: &[PTok]) -> Option<(String, bool)> {
        match toks.first()?.tok.kind {
            TokenKind::Str(s) => {
                let sp = self.interner.resolve(s);
                if toks.len() == 1 && sp.starts_with('"') && sp.len() >= 2 {
                    Some((sp[1..sp.len() - 1].to_string(), false))
                } else {
                    None
                }
            }
            TokenKind::Punct(Punct::Lt) => {
                let mut name = String::new();
                for (i, t) in toks[1..].iter().enumerate() {
                    if t.tok.is_punct(Punct::Gt) {
                        if i + 2 != toks.len() {
                            return None;
                        }
                        return Some((name, true));
                    }
                    if t.tok.leading_space && !name.is_empty() {
                        name.push(' ');
                    }
                    name.push_str(&self.spelling(t.tok.kind));
                }
                None
            }
            _ => None,
        }
    }
}

fn placemarker(t: Token) -> PTok {
    PTok {
        tok: Token {
            kind: TokenKind::Eof,
            ..t
        },
        flags: PLACEMARKER,
    }
}

/// Given the index of a `(`, the index of its matching `)` as
/// `(content end, close index)`; unmatched: `(end, end)`.
fn match_paren(body: &[Token], open: usize, end: usize) -> (usize, usize) {
    if !body.get(open).is_some_and(|t| t.is_punct(Punct::LParen)) {
        return (open.min(end), open.min(end).saturating_sub(1));
    }
    let mut depth = 0;
    for (j, t) in body.iter().enumerate().take(end).skip(open) {
        if t.is_punct(Punct::LParen) {
            depth += 1;
        } else if t.is_punct(Punct::RParen) {
            depth -= 1;
            if depth == 0 {
                return (j, j);
            }
        }
    }
    (end, end)
}

/// The text of a string literal for `_Pragma`: quotes and prefix removed,
/// `\"` and `\\` unescaped.
pub(crate) fn destringize(s: &str) -> String {
    let inner = s.trim_start_matches(['L', 'u', 'U', '8']);
    let inner = inner.strip_prefix('"').unwrap_or(inner);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&n) = chars.peek() {
                if n == '"' || n == '\\' {
                    out.push(n);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}
