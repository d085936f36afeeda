//! Operand substitution in inline-asm templates, as clang and gcc do it:
//! `%[name]` and `%N` become the operand's text (a register such as `r3` or
//! `w3`, an immediate, a symbol name), `%l[name]`/`%lN` an `asm goto`
//! label, `%%` a `%`, `%=` a number unique to the asm statement. The result
//! goes to [`super::assemble_inline`] with a [`TextMap`] that keeps every
//! piece pointing at the template's source.

use super::TextMap;
use crate::source::Span;

/// One operand as the caller decided it: `name` from `[name]` in the
/// constraint list, `text` what replaces it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operand {
    pub name: Option<String>,
    pub text: String,
}

/// An error at a span of the template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubstError {
    pub message: String,
    pub span: Span,
}

/// Substitutes `operands` (outputs then inputs, numbered from 0) and
/// `labels` (numbered after the operands, as gcc numbers them) into
/// `template`; `map` locates the template in the source. `unique` replaces
/// `%=`.
pub fn substitute(
    template: &str,
    map: &TextMap,
    operands: &[Operand],
    labels: &[Operand],
    unique: u32,
) -> Result<(String, TextMap), SubstError> {
    let b = template.as_bytes();
    let mut out = String::with_capacity(template.len());
    let mut pieces: Vec<(u32, Span)> = Vec::new();
    let mut lit_start = 0usize;
    let mut i = 0usize;
    let flush = |out: &mut String, pieces: &mut Vec<(u32, Span)>, from: usize, to: usize| {
        if from < to {
            let base = out.len() as u32;
            let slice = map.slice(from as u32, to as u32);
            pieces.extend(slice.into_iter().map(|(o, s)| (base + o, s)));
            out.push_str(&template[from..to]);
        }
    };
    while i < b.len() {
        if b[i] != b'%' {
            i += 1;
            continue;
        }
        flush(&mut out, &mut pieces, lit_start, i);
        let start = i;
        i += 1;
        let err = |msg: String, end: usize| SubstError {
            message: msg,
            span: map.span(start as u32, end as u32),
        };
        let (text, end): (String, usize) = match b.get(i) {
            Some(b'%') => ("%".into(), i + 1),
            Some(b'=') => (unique.to_string(), i + 1),
            Some(c) => {
                let is_label = *c == b'l' && matches!(b.get(i + 1), Some(b'[' | b'0'..=b'9'));
                let j = if is_label { i + 1 } else { i };
                let (list, base) = if is_label {
                    (labels, operands.len())
                } else {
                    (operands, 0)
                };
                match b.get(j) {
                    Some(b'[') => {
                        let Some(close) = template[j..].find(']') else {
                            return Err(err("missing `]` in an asm operand".into(), j + 1));
                        };
                        let name = &template[j + 1..j + close];
                        let end = j + close + 1;
                        match list.iter().find(|o| o.name.as_deref() == Some(name)) {
                            Some(o) => (o.text.clone(), end),
                            None => {
                                return Err(err(format!("unknown asm operand `[{name}]`"), end))
                            }
                        }
                    }
                    Some(b'0'..=b'9') => {
                        let mut end = j;
                        while end < b.len() && b[end].is_ascii_digit() {
                            end += 1;
                        }
                        let n: usize = template[j..end].parse().unwrap_or(usize::MAX);
                        match n.checked_sub(base).and_then(|k| list.get(k)) {
                            Some(o) => (o.text.clone(), end),
                            None => {
                                return Err(err(format!("asm operand {n} does not exist"), end))
                            }
                        }
                    }
                    _ => {
                        return Err(err(
                            "invalid `%` in asm (write `%%` for a literal `%`)".into(),
                            j + 1,
                        ))
                    }
                }
            }
            None => return Err(err("invalid `%` at the end of asm (write `%%`)".into(), i)),
        };
        pieces.push((out.len() as u32, map.span(start as u32, end as u32)));
        out.push_str(&text);
        i = end;
        lit_start = end;
    }
    flush(&mut out, &mut pieces, lit_start, b.len());
    Ok((out, TextMap::from_pieces(pieces)))
}

/// The exact [`TextMap`] pieces of an asm template: `spelling` is the source
/// text of `span`, the template's string literal(s) as written (several
/// literals concatenated, with whitespace, comments and backslash-newline
/// splices between or inside them), and `template` their decoded bytes. Runs
/// of plain characters map to themselves and each escape (`\n`, `\t`, `\"`,
/// `\\`, octal, `\x`) to its whole spelling, so columns after escapes stay
/// exact.
/// `None` when the spelling does not decode to `template` (a template made
/// by a macro, a prefixed or non-ASCII literal): the caller keeps an
/// approximate map.
pub fn template_pieces(spelling: &str, span: Span, template: &[u8]) -> Option<Vec<(u32, Span)>> {
    let s = spelling.as_bytes();
    let mut pieces: Vec<(u32, Span)> = Vec::new();
    let mut out = 0u32;
    let at = |i: usize| span.start + i as u32;
    // The next byte of the spelling past any backslash-newline splices.
    let skip_splices = |mut i: usize| {
        while s.get(i) == Some(&b'\\') && matches!(s.get(i + 1), Some(b'\n' | b'\r')) {
            i += 2;
            if s[i - 1] == b'\r' && s.get(i) == Some(&b'\n') {
                i += 1;
            }
        }
        i
    };
    let mut i = 0;
    loop {
        // Between literals: whitespace and comments.
        loop {
            i = skip_splices(i);
            match s.get(i) {
                Some(c) if c.is_ascii_whitespace() => i += 1,
                Some(b'/') if s.get(i + 1) == Some(&b'/') => {
                    while i < s.len() && s[i] != b'\n' {
                        i += 1;
                    }
                }
                Some(b'/') if s.get(i + 1) == Some(&b'*') => {
                    i += spelling[i + 2..].find("*/")? + 4;
                }
                _ => break,
            }
        }
        match s.get(i) {
            None => break,
            Some(b'"') => i += 1,
            _ => return None,
        }
        // One literal's body.
        loop {
            i = skip_splices(i);
            let start = i;
            let byte = match *s.get(i)? {
                b'"' => {
                    i += 1;
                    break;
                }
                b'\n' => return None,
                b'\\' => {
                    i = skip_splices(i + 1);
                    let c = *s.get(i)?;
                    i += 1;
                    match c {
                        b'n' => b'\n',
                        b't' => b'\t',
                        b'r' => b'\r',
                        b'a' => 7,
                        b'b' => 8,
                        b'f' => 12,
                        b'v' => 11,
                        b'e' => 27,
                        b'\\' | b'"' | b'\'' | b'?' => c,
                        b'0'..=b'7' => {
                            let mut v = u32::from(c - b'0');
                            for _ in 0..2 {
                                match s.get(i) {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        i += 1;
                                    }
                                    _ => break,
                                }
                            }
                            u8::try_from(v).ok()?
                        }
                        b'x' => {
                            let digits =
                                s[i..].iter().take_while(|d| d.is_ascii_hexdigit()).count();
                            let v = u32::from_str_radix(&spelling[i..i + digits], 16).ok()?;
                            i += digits;
                            u8::try_from(v).ok()?
                        }
                        _ => return None,
                    }
                }
                c if c.is_ascii() => {
                    i += 1;
                    c
                }
                _ => return None,
            };
            if template.get(out as usize) != Some(&byte) {
                return None;
            }
            let plain = i - start == 1;
            match pieces.last_mut() {
                // A plain character right after a run of plain characters
                // extends that run.
                Some((o, sp)) if plain && sp.end == at(start) && sp.end - sp.start == out - *o => {
                    sp.end = at(i)
                }
                _ => pieces.push((out, Span::new(span.file, at(start), at(i)))),
            }
            out += 1;
        }
    }
    (out as usize == template.len()).then_some(pieces)
}
