//! Decoding of literal spellings: integer and floating constants,
//! character constants and string literals (escapes, prefixes).
//!
//! BPF is little-endian with a signed 8-bit `char` and a 32-bit `wchar_t`
//! (`int`), as clang's BPF target defines them.

use super::ast::StrPrefix;

/// What a preprocessing number turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum IntOrFloat {
    Int {
        value: u64,
        unsigned: bool,
        longs: u8,
        decimal: bool,
        too_large: bool,
    },
    /// A floating constant; the spelling is kept as is.
    Float,
}

/// Classifies and evaluates a preprocessing number.
pub(super) fn parse_number(text: &str) -> Result<IntOrFloat, String> {
    let b = text.as_bytes();
    let (radix, digits_start) = if b.len() >= 2 && b[0] == b'0' && (b[1] | 0x20) == b'x' {
        (16, 2)
    } else if b.len() >= 2 && b[0] == b'0' && (b[1] | 0x20) == b'b' {
        (2, 2)
    } else if b.first() == Some(&b'0') {
        (8, 0)
    } else {
        (10, 0)
    };
    // A floating constant has a '.', or an exponent ('e' in decimal, 'p' in hex).
    let is_float = if radix == 16 {
        b.iter().any(|&c| c == b'.' || c == b'p' || c == b'P')
    } else if radix == 2 {
        false
    } else {
        b.iter().any(|&c| c == b'.' || c == b'e' || c == b'E')
    };
    if is_float {
        return check_float(text, radix == 16).map(|()| IntOrFloat::Float);
    }
    let mut i = digits_start;
    let mut value: u64 = 0;
    let mut too_large = false;
    while i < b.len() {
        let c = b[i];
        let d = match c {
            b'0'..=b'9' => (c - b'0') as u32,
            b'a'..=b'f' if radix == 16 => (c - b'a' + 10) as u32,
            b'A'..=b'F' if radix == 16 => (c - b'A' + 10) as u32,
            // C23 digit separators.
            b'\'' => {
                i += 1;
                continue;
            }
            _ => break,
        };
        if d >= radix {
            return Err(format!(
                "invalid digit '{}' in {} constant",
                c as char,
                if radix == 8 { "octal" } else { "binary" }
            ));
        }
        match value
            .checked_mul(radix as u64)
            .and_then(|v| v.checked_add(d as u64))
        {
            Some(v) => value = v,
            None => {
                too_large = true;
                value = value.wrapping_mul(radix as u64).wrapping_add(d as u64);
            }
        }
        i += 1;
    }
    if i == digits_start && radix != 8 {
        return Err(format!(
            "invalid suffix '{}' on integer constant",
            &text[digits_start..]
        ));
    }
    let suffix = &text[i..];
    let (unsigned, longs) = match int_suffix(suffix) {
        Some(x) => x,
        None => return Err(format!("invalid suffix '{suffix}' on integer constant")),
    };
    Ok(IntOrFloat::Int {
        value,
        unsigned,
        longs,
        decimal: radix == 10,
        too_large,
    })
}

/// `u`, `l`, `ll` in either order and case (`ll` not mixed-case).
fn int_suffix(s: &str) -> Option<(bool, u8)> {
    let mut unsigned = false;
    let mut longs = 0u8;
    let mut rest = s;
    let mut seen_u = false;
    let mut seen_l = false;
    while !rest.is_empty() {
        if !seen_u && (rest.starts_with('u') || rest.starts_with('U')) {
            unsigned = true;
            seen_u = true;
            rest = &rest[1..];
        } else if !seen_l && (rest.starts_with("ll") || rest.starts_with("LL")) {
            longs = 2;
            seen_l = true;
            rest = &rest[2..];
        } else if !seen_l && (rest.starts_with('l') || rest.starts_with('L')) {
            longs = 1;
            seen_l = true;
            rest = &rest[1..];
        } else {
            return None;
        }
    }
    Some((unsigned, longs))
}

fn check_float(text: &str, hex: bool) -> Result<(), String> {
    let b = text.as_bytes();
    let mut i = if hex { 2 } else { 0 };
    let mut digits = 0;
    let is_digit = |c: u8| {
        if hex {
            c.is_ascii_hexdigit()
        } else {
            c.is_ascii_digit()
        }
    };
    while i < b.len() && (is_digit(b[i]) || b[i] == b'.') {
        if b[i] != b'.' {
            digits += 1;
        }
        i += 1;
    }
    if digits == 0 {
        return Err(format!("invalid floating constant '{text}'"));
    }
    let exp = if hex { b'p' } else { b'e' };
    if i < b.len() && (b[i] | 0x20) == exp {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == s {
            return Err("exponent has no digits".to_string());
        }
    } else if hex {
        return Err("hexadecimal floating constant requires an exponent".to_string());
    }
    match &text[i..] {
        "" | "f" | "F" | "l" | "L" | "f16" | "F16" => Ok(()),
        s => Err(format!("invalid suffix '{s}' on floating constant")),
    }
}

/// The prefix of a string or character literal spelling.
pub(super) fn string_prefix(text: &str) -> StrPrefix {
    match text.as_bytes().first() {
        Some(b'L') => StrPrefix::Wide,
        Some(b'U') => StrPrefix::Utf32,
        Some(b'u') if text.as_bytes().get(1) == Some(&b'8') => StrPrefix::Utf8,
        Some(b'u') => StrPrefix::Utf16,
        _ => StrPrefix::None,
    }
}

fn prefix_len(p: StrPrefix) -> usize {
    match p {
        StrPrefix::None => 0,
        StrPrefix::Utf8 => 2,
        _ => 1,
    }
}

/// One unit of literal content.
enum Unit {
    /// A byte from a `\x`/octal escape or (in narrow literals) the source.
    Raw(u32),
    /// A Unicode code point (from `\u`, `\U`, or decoded source UTF-8).
    Char(u32),
}

/// Iterates over the content of a literal between its quotes. `wide`
/// decodes source UTF-8 into code points instead of bytes.
struct Units<'a> {
    b: &'a [u8],
    i: usize,
    wide: bool,
    warning: Option<String>,
}

impl Iterator for Units<'_> {
    type Item = Result<Unit, String>;

    fn next(&mut self) -> Option<Self::Item> {
        let b = self.b;
        let c = *b.get(self.i)?;
        if c != b'\\' {
            if self.wide && c >= 0x80 {
                // Decode one UTF-8 sequence (the source is valid UTF-8).
                let len = match c {
                    0xC0..=0xDF => 2,
                    0xE0..=0xEF => 3,
                    _ => 4,
                };
                let end = (self.i + len).min(b.len());
                let s = std::str::from_utf8(&b[self.i..end]).ok();
                self.i = end;
                let cp = s
                    .and_then(|s| s.chars().next())
                    .map(|c| c as u32)
                    .unwrap_or(0xFFFD);
                return Some(Ok(Unit::Char(cp)));
            }
            self.i += 1;
            return Some(Ok(Unit::Raw(c as u32)));
        }
        self.i += 1;
        let Some(&e) = b.get(self.i) else {
            return Some(Err("incomplete escape sequence".to_string()));
        };
        self.i += 1;
        let v = match e {
            b'n' => b'\n' as u32,
            b't' => b'\t' as u32,
            b'r' => b'\r' as u32,
            b'a' => 7,
            b'b' => 8,
            b'f' => 12,
            b'v' => 11,
            b'e' | b'E' => 27,
            b'\\' | b'\'' | b'"' | b'?' => e as u32,
            b'0'..=b'7' => {
                let mut v = (e - b'0') as u32;
                let mut n = 1;
                while n < 3 && self.i < b.len() && (b'0'..=b'7').contains(&b[self.i]) {
                    v = v * 8 + (b[self.i] - b'0') as u32;
                    self.i += 1;
                    n += 1;
                }
                v
            }
            b'x' => {
                let s = self.i;
                let mut v: u32 = 0;
                let mut overflow = false;
                while self.i < b.len() && b[self.i].is_ascii_hexdigit() {
                    let d = (b[self.i] as char).to_digit(16).unwrap_or(0);
                    overflow |= v > 0x0FFF_FFFF;
                    v = v.wrapping_mul(16) | d;
                    self.i += 1;
                }
                if self.i == s {
                    return Some(Err("\\x used with no following hex digits".to_string()));
                }
                if overflow {
                    return Some(Err("hex escape sequence out of range".to_string()));
                }
                v
            }
            b'u' | b'U' => {
                let n = if e == b'u' { 4 } else { 8 };
                if self.i + n > b.len() || !b[self.i..self.i + n].iter().all(u8::is_ascii_hexdigit)
                {
                    return Some(Err(format!(
                        "incomplete universal character name; expected {n} hex digits"
                    )));
                }
                let text = std::str::from_utf8(&b[self.i..self.i + n]).unwrap_or("0");
                let v = u32::from_str_radix(text, 16).unwrap_or(0);
                self.i += n;
                if char::from_u32(v).is_none() {
                    return Some(Err("invalid universal character".to_string()));
                }
                return Some(Ok(Unit::Char(v)));
            }
            other => {
                self.warning = Some(format!("unknown escape sequence '\\{}'", other as char));
                other as u32
            }
        };
        Some(Ok(Unit::Raw(v)))
    }
}

/// Decodes a character constant: its value as C gives it (sign-extended for
/// plain `char`, multi-character constants packed big-endian into an `int`
/// like gcc and clang), its prefix, and an optional warning.
pub(super) fn decode_char(text: &str) -> Result<(i64, StrPrefix, Option<String>), String> {
    let prefix = string_prefix(text);
    let body = &text[prefix_len(prefix)..];
    let inner = body
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .ok_or_else(|| "missing terminating ' character".to_string())?;
    let wide = !matches!(prefix, StrPrefix::None | StrPrefix::Utf8);
    let mut units = Units {
        b: inner.as_bytes(),
        i: 0,
        wide,
        warning: None,
    };
    let mut values: Vec<u32> = Vec::new();
    for u in units.by_ref() {
        match u? {
            Unit::Raw(v) => values.push(v),
            Unit::Char(cp) if wide => values.push(cp),
            Unit::Char(cp) => {
                let mut buf = [0u8; 4];
                let s = char::from_u32(cp)
                    .unwrap_or('\u{FFFD}')
                    .encode_utf8(&mut buf);
                values.extend(s.bytes().map(u32::from));
            }
        }
    }
    let mut warning = units.warning;
    if values.is_empty() {
        return Err("empty character constant".to_string());
    }
    let value = match prefix {
        StrPrefix::None => {
            if values.len() == 1 {
                values[0] as u8 as i8 as i64
            } else {
                warning = Some("multi-character character constant".to_string());
                let mut v: u32 = 0;
                for &x in &values {
                    v = (v << 8) | (x & 0xFF);
                }
                v as i32 as i64
            }
        }
        StrPrefix::Utf8 => {
            if values.len() != 1 {
                return Err("character too large for enclosing character literal type".to_string());
            }
            (values[0] & 0xFF) as i64
        }
        StrPrefix::Utf16 => {
            if values.len() != 1 || values[0] > 0xFFFF {
                return Err("character too large for enclosing character literal type".to_string());
            }
            values[0] as i64
        }
        StrPrefix::Wide | StrPrefix::Utf32 => {
            if values.len() != 1 {
                warning = Some("extraneous characters in character constant ignored".to_string());
            }
            let v = values[values.len() - 1];
            if prefix == StrPrefix::Wide {
                v as i32 as i64
            } else {
                v as i64
            }
        }
    };
    Ok((value, prefix, warning))
}

/// Appends the decoded content of one string literal piece to `out`. Plain
/// and `u8` literals give bytes (escapes as written, `\u` as UTF-8); wide
/// ones (`u`, `U`, `L`) give the UTF-8 encoding of their code points, which
/// sema re-encodes for the element type. Returns a warning, if any.
pub(super) fn decode_string(
    text: &str,
    prefix: StrPrefix,
    out: &mut Vec<u8>,
) -> Result<Option<String>, String> {
    let own = string_prefix(text);
    let body = &text[prefix_len(own)..];
    let inner = body
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or_else(|| "missing terminating '\"' character".to_string())?;
    // Fast path: no escapes and narrow output.
    let narrow = matches!(prefix, StrPrefix::None | StrPrefix::Utf8);
    if narrow && !inner.contains('\\') {
        out.extend_from_slice(inner.as_bytes());
        return Ok(None);
    }
    let mut units = Units {
        b: inner.as_bytes(),
        i: 0,
        wide: !narrow,
        warning: None,
    };
    for u in units.by_ref() {
        match (u?, prefix) {
            (Unit::Raw(v), StrPrefix::None | StrPrefix::Utf8) => {
                if v > 0xFF {
                    return Err("octal escape sequence out of range".to_string());
                }
                out.push(v as u8);
            }
            (Unit::Char(cp), StrPrefix::None | StrPrefix::Utf8) => {
                let mut buf = [0u8; 4];
                let s = char::from_u32(cp)
                    .unwrap_or('\u{FFFD}')
                    .encode_utf8(&mut buf);
                out.extend_from_slice(s.as_bytes());
            }
            (unit, _) => {
                // A `\x`/octal escape is one code unit: in a `u` string at most 0xFFFF.
                let (v, limit) = match unit {
                    Unit::Raw(v) if prefix == StrPrefix::Utf16 => (v, 0xFFFF),
                    Unit::Raw(v) | Unit::Char(v) => (v, u32::MAX),
                };
                let Some(c) = char::from_u32(v).filter(|_| v <= limit) else {
                    return Err(format!(
                        "escape value {v:#x} in a wide string literal is not a Unicode character (unsupported)"
                    ));
                };
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    Ok(units.warning)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(text: &str) -> (u64, bool, u8, bool, bool) {
        match parse_number(text) {
            Ok(IntOrFloat::Int {
                value,
                unsigned,
                longs,
                decimal,
                too_large,
            }) => (value, unsigned, longs, decimal, too_large),
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn integers() {
        assert_eq!(int("0"), (0, false, 0, false, false));
        assert_eq!(int("42"), (42, false, 0, true, false));
        assert_eq!(int("0x1fULL"), (31, true, 2, false, false));
        assert_eq!(int("0X1Fu"), (31, true, 0, false, false));
        assert_eq!(int("017"), (15, false, 0, false, false));
        assert_eq!(int("0b101"), (5, false, 0, false, false));
        assert_eq!(int("10lu"), (10, true, 1, true, false));
        assert_eq!(int("10LLU"), (10, true, 2, true, false));
        assert_eq!(
            int("18446744073709551615"),
            (u64::MAX, false, 0, true, false)
        );
        assert!(int("18446744073709551616").4);
        assert!(parse_number("09").is_err());
        assert!(parse_number("10lL").is_err());
        assert!(parse_number("10uu").is_err());
        assert!(parse_number("10z").is_err());
        assert!(parse_number("0x").is_err());
    }

    #[test]
    fn floats() {
        assert_eq!(parse_number("1.5"), Ok(IntOrFloat::Float));
        assert_eq!(parse_number("1e10"), Ok(IntOrFloat::Float));
        assert_eq!(parse_number(".5f"), Ok(IntOrFloat::Float));
        assert_eq!(parse_number("0x1p3"), Ok(IntOrFloat::Float));
        assert!(parse_number("1.5q").is_err());
        assert!(parse_number("0x1.5").is_err());
        assert!(parse_number("1e").is_err());
    }

    #[test]
    fn chars() {
        assert_eq!(decode_char("'a'").unwrap().0, 97);
        assert_eq!(decode_char("'\\n'").unwrap().0, 10);
        assert_eq!(decode_char("'\\0'").unwrap().0, 0);
        assert_eq!(decode_char("'\\377'").unwrap().0, -1);
        assert_eq!(decode_char("'\\xff'").unwrap().0, -1);
        assert_eq!(decode_char("'\\''").unwrap().0, 39);
        let (v, _, w) = decode_char("'ab'").unwrap();
        assert_eq!(v, 0x6162);
        assert!(w.is_some());
        assert_eq!(decode_char("L'\\xffffffff'").unwrap().0, -1);
        assert_eq!(decode_char("L'é'").unwrap(), (0xE9, StrPrefix::Wide, None));
        assert_eq!(decode_char("u'\\u20ac'").unwrap().0, 0x20AC);
        assert_eq!(decode_char("U'\\U0001F600'").unwrap().0, 0x1F600);
        assert_eq!(decode_char("u8'a'").unwrap(), (97, StrPrefix::Utf8, None));
        assert!(decode_char("''").is_err());
        assert!(decode_char("'\\x'").is_err());
    }

    #[test]
    fn strings() {
        let mut out = Vec::new();
        decode_string(r#""a\tb\x41\101\u00e9""#, StrPrefix::None, &mut out).unwrap();
        assert_eq!(out, b"a\tbAA\xc3\xa9");
        let mut out = Vec::new();
        decode_string(r#""hi\u20ac""#, StrPrefix::Utf16, &mut out).unwrap();
        assert_eq!(out, "hi€".as_bytes());
        let mut out = Vec::new();
        decode_string(r#"L"é\x41""#, StrPrefix::Wide, &mut out).unwrap();
        assert_eq!(out, "éA".as_bytes());
        let mut out = Vec::new();
        assert!(decode_string(r#"L"\xd800""#, StrPrefix::Wide, &mut out).is_err());
        let mut out = Vec::new();
        assert!(decode_string(r#""\400""#, StrPrefix::None, &mut out).is_err());
        let mut out = Vec::new();
        let w = decode_string(r#""\q""#, StrPrefix::None, &mut out).unwrap();
        assert!(w.is_some());
    }
}
