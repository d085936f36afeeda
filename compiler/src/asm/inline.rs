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
            pieces.push((out.len() as u32, map.span(from as u32, to as u32)));
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
