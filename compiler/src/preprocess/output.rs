//! `-E` output: the token stream printed as text, with `# line "file" flags`
//! markers as clang prints them (1: entering an include, 2: returning to a
//! file, 3: system header), line breaks where the source had them, and a
//! space wherever the source had whitespace or two tokens would otherwise
//! lex as one.

use super::token::{Punct as P, Token, TokenKind};
use super::PreprocessOutput;
use crate::intern::Interner;
use crate::source::{FileId, SourceMap};
use std::fmt::Write;

/// Up to this many blank lines are printed as newlines; more become a marker.
const MAX_BLANK_LINES: u32 = 8;

fn spelling<'i>(t: &Token, interner: &'i Interner) -> std::borrow::Cow<'i, str> {
    use std::borrow::Cow;
    match t.kind {
        TokenKind::Ident(s) | TokenKind::Number(s) | TokenKind::Char(s) | TokenKind::Str(s) => {
            Cow::Borrowed(interner.resolve(s))
        }
        TokenKind::Punct(p) => Cow::Borrowed(p.as_str()),
        TokenKind::Other(c) => Cow::Owned(c.to_string()),
        TokenKind::Eof => Cow::Borrowed(""),
    }
}

/// Whether printing `b` right after `a` could lex differently (clang's
/// `TokenConcatenation::AvoidConcat`, conservative like it).
fn would_paste(a: &Token, a_text: &str, b: &Token, b_text: &str) -> bool {
    use TokenKind::*;
    let first = b_text.as_bytes().first().copied().unwrap_or(b' ');
    let last = a_text.as_bytes().last().copied().unwrap_or(b' ');
    // `x=` pastes for every operator that has an assignment form or `==`/`!=`.
    if first == b'=' && matches!(a.kind, Punct(_)) && b"!%&*+-/<=>^|".contains(&last) {
        return true;
    }
    match a.kind {
        Ident(_) => match b.kind {
            Number(_) => first != b'.',
            Ident(_) => true,
            Char(_) | Str(_) => matches!(a_text, "L" | "u" | "U" | "u8"),
            _ => false,
        },
        Number(_) => {
            first.is_ascii_alphanumeric()
                || matches!(first, b'_' | b'.' | b'+' | b'-' | b'$')
                || first >= 0x80
        }
        Punct(P::Dot) => first == b'.' || first.is_ascii_digit(),
        Punct(P::Amp) => first == b'&',
        Punct(P::Plus) => first == b'+',
        Punct(P::Minus) => first == b'-' || first == b'>',
        Punct(P::Slash) => first == b'*' || first == b'/',
        Punct(P::Lt) => matches!(first, b'<' | b':' | b'%'),
        Punct(P::Gt) => first == b'>',
        Punct(P::Pipe) => first == b'|',
        Punct(P::Percent) => first == b'>' || first == b':',
        Punct(P::Colon) => first == b'>',
        Punct(P::Hash) => matches!(first, b'#' | b'@' | b'%'),
        _ => false,
    }
}

/// `b` followed `a` directly in the same source file (so printing them
/// together re-lexes the same way).
fn adjacent_in_source(a: &Token, b: &Token) -> bool {
    a.expansion.is_none()
        && b.expansion.is_none()
        && a.span.file == b.span.file
        && a.span.end == b.span.start
}

/// Line and column of token starts. Tokens mostly come in source order, so
/// it walks forward from the previous token's line (a binary search over a
/// vmlinux.h's 134k line starts for each of its half million tokens was a
/// third of `-E`), and searches only on a jump.
struct LineCursor<'s> {
    file: Option<FileId>,
    starts: &'s [u32],
    /// Index in `starts` of the previous token's line.
    line: usize,
}

impl<'s> LineCursor<'s> {
    /// Steps tried forward before a binary search.
    const WALK: usize = 8;

    /// 1-based line and column of `offset` in `file`, as [`SourceFile::line_col`].
    ///
    /// [`SourceFile::line_col`]: crate::source::SourceFile::line_col
    fn line_col(&mut self, sources: &'s SourceMap, file: FileId, offset: u32) -> (u32, u32) {
        if self.file != Some(file) {
            self.file = Some(file);
            self.starts = sources.file(file).line_starts();
            self.line = 0;
        }
        let starts = self.starts;
        let mut l = self.line;
        if starts[l] <= offset {
            let mut steps = 0;
            while l + 1 < starts.len() && starts[l + 1] <= offset {
                l += 1;
                steps += 1;
                if steps == Self::WALK {
                    l += starts[l..].partition_point(|&s| s <= offset) - 1;
                    break;
                }
            }
        } else {
            l = starts[..l].partition_point(|&s| s <= offset) - 1;
        }
        self.line = l;
        (l as u32 + 1, offset - starts[l] + 1)
    }
}

fn marker(out: &mut String, line: u32, name: &str, flag: Option<u8>, system: bool) {
    let _ = write!(out, "# {line} \"");
    for c in name.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    if let Some(f) = flag {
        let _ = write!(out, " {f}");
    }
    if system {
        out.push_str(" 3");
    }
    out.push('\n');
}

/// The `-E` text of a preprocessed token stream.
pub fn write_preprocessed(
    out: &PreprocessOutput,
    sources: &SourceMap,
    interner: &Interner,
) -> String {
    let mut s = String::with_capacity(out.tokens.len() * 6);
    let is_system = |f: FileId| out.system_files.binary_search(&f).is_ok();
    // The include stack as the output has seen it.
    let mut stack: Vec<FileId> = Vec::new();
    // The main file is where the final EOF token is.
    if let Some(eof) = out.tokens.last() {
        marker(&mut s, 1, &sources.file(eof.span.file).name, None, false);
        stack.push(eof.span.file);
    }
    let mut line = 1u32;
    let mut at_bol = true;
    let mut prev: Option<(&Token, std::borrow::Cow<str>)> = None;
    let mut cursor = LineCursor {
        file: None,
        starts: &[],
        line: 0,
    };
    for t in &out.tokens {
        if t.kind == TokenKind::Eof {
            break;
        }
        let file = t.span.file;
        let (tline, col) = cursor.line_col(sources, file, t.span.start);
        if stack.last() != Some(&file) {
            if !at_bol {
                s.push('\n');
            }
            let name = &sources.file(file).name;
            if stack.is_empty() {
                marker(&mut s, 1, name, None, false);
                stack.push(file);
                line = 1;
            } else if let Some(pos) = stack.iter().rposition(|&f| f == file) {
                stack.truncate(pos + 1);
                marker(&mut s, tline, name, Some(2), is_system(file));
                line = tline;
            } else {
                stack.push(file);
                marker(&mut s, 1, name, Some(1), is_system(file));
                line = 1;
            }
            at_bol = true;
        }
        if tline > line {
            if tline - line <= MAX_BLANK_LINES {
                for _ in 0..(tline - line) {
                    s.push('\n');
                }
            } else {
                if !at_bol {
                    s.push('\n');
                }
                marker(
                    &mut s,
                    tline,
                    &sources.file(file).name,
                    None,
                    is_system(file),
                );
            }
            line = tline;
            at_bol = true;
        }
        let text = spelling(t, interner);
        if at_bol {
            // Indent like the source, as clang does.
            for _ in 1..col.min(256) {
                s.push(' ');
            }
        } else if let Some((p, ptext)) = &prev {
            if t.leading_space || (!adjacent_in_source(p, t) && would_paste(p, ptext, t, &text)) {
                s.push(' ');
            }
        }
        s.push_str(&text);
        at_bol = false;
        prev = Some((t, text));
    }
    if !at_bol {
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::LineCursor;
    use crate::source::SourceMap;

    #[test]
    fn line_cursor_agrees_with_line_col() {
        let mut sources = SourceMap::new();
        let text: String = (0..200).map(|n| "x".repeat(n % 7) + "\n").collect();
        let a = sources.add("a", None, text.clone());
        let b = sources.add("b", None, "one\ntwo\n\nthree");
        // Forward steps, long jumps, backward jumps and file switches.
        let mut offsets: Vec<(crate::source::FileId, u32)> = Vec::new();
        for o in 0..text.len() as u32 {
            offsets.push((a, o));
        }
        for o in [500, 3, 599, 0, 598, 250, 251, 100, 400] {
            offsets.push((a, o));
            offsets.push((b, o % 14));
        }
        let mut cursor = LineCursor {
            file: None,
            starts: &[],
            line: 0,
        };
        for (file, o) in offsets {
            assert_eq!(
                cursor.line_col(&sources, file, o),
                sources.file(file).line_col(o),
                "offset {o}"
            );
        }
    }
}
