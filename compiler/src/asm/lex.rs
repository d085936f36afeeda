//! Splitting assembly text into statements and statements into tokens.
//!
//! Comments (`#` at a statement start or after whitespace, `//`, `/* */`) are
//! removed; statements end at a newline or `;` (GNU `as` treats `;` as a
//! statement separator for BPF, and clang's `-S` output never uses it inside a
//! statement). Every token keeps its byte range in the text so diagnostics can
//! point at it.

/// A token of one statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok<'a> {
    /// A name: registers, mnemonics, labels, symbols, directives (`.globl`),
    /// `%r1`-style registers with the `%` kept.
    Ident(&'a str),
    /// An integer literal (decimal, `0x` hex, `0` octal, `0b` binary).
    Num(u64),
    /// A string literal with escapes decoded.
    Str(Vec<u8>),
    /// Punctuation, longest match first (`s>>=`, `<<=`, `s<=`, `==`, `+`...).
    Punct(&'static str),
}

#[derive(Clone, Debug)]
pub struct Token<'a> {
    pub tok: Tok<'a>,
    /// Byte range in the assembly text.
    pub start: u32,
    pub end: u32,
}

/// One statement: its tokens and where its text ends (for errors about
/// something missing at the end).
#[derive(Debug)]
pub struct Statement<'a> {
    pub tokens: Vec<Token<'a>>,
    pub end: u32,
}

/// Punctuation of both syntaxes, longest first so a greedy match is right.
const PUNCTS: &[&str] = &[
    "s>>=", "s<=", "s>=", "<<=", ">>=", "s/=", "s%=", "s>>", "==", "!=", "<=", ">=", "+=", "-=",
    "*=", "/=", "%=", "|=", "&=", "^=", "<<", ">>", "s<", "s>", "=", "<", ">", "&", "+", "-", "*",
    "(", ")", "[", "]", ",", ":", "/", "%", "|", "^", "~", "!",
];

/// An error with the byte range it is about.
#[derive(Debug)]
pub struct LexError {
    pub message: String,
    pub start: u32,
    pub end: u32,
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b'.' || c == b'$' || c == b'%' || c == b'@'
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c == b'$'
}

/// Splits `text` into statements.
pub fn statements(text: &str) -> Result<Vec<Statement<'_>>, LexError> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut cur: Vec<Token> = Vec::new();
    let mut i = 0usize;
    macro_rules! end_statement {
        ($end:expr) => {{
            if !cur.is_empty() {
                out.push(Statement {
                    tokens: std::mem::take(&mut cur),
                    end: $end as u32,
                });
            }
        }};
    }
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' | b';' => {
                end_statement!(i);
                i += 1;
            }
            b' ' | b'\t' | b'\r' | 0x0b | 0x0c => i += 1,
            b'#' => {
                // `#` starts a comment (clang's `-S` uses it); line markers
                // `# 1 "file"` of a preprocessed `.S` are comments too.
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let open = i;
                i += 2;
                loop {
                    if i + 1 >= b.len() {
                        return Err(LexError {
                            message: "unterminated comment".into(),
                            start: open as u32,
                            end: open as u32 + 2,
                        });
                    }
                    if b[i] == b'*' && b[i + 1] == b'/' {
                        i += 2;
                        break;
                    }
                    i += 1;
                }
            }
            b'"' => {
                let start = i;
                i += 1;
                let mut s = Vec::new();
                loop {
                    if i >= b.len() || b[i] == b'\n' {
                        return Err(LexError {
                            message: "unterminated string".into(),
                            start: start as u32,
                            end: i as u32,
                        });
                    }
                    match b[i] {
                        b'"' => {
                            i += 1;
                            break;
                        }
                        b'\\' if i + 1 < b.len() => {
                            i += 1;
                            let e = b[i];
                            i += 1;
                            match e {
                                b'n' => s.push(b'\n'),
                                b't' => s.push(b'\t'),
                                b'r' => s.push(b'\r'),
                                b'b' => s.push(8),
                                b'f' => s.push(12),
                                b'0'..=b'7' => {
                                    let mut v = (e - b'0') as u32;
                                    let mut n = 1;
                                    while n < 3 && i < b.len() && (b'0'..=b'7').contains(&b[i]) {
                                        v = v * 8 + (b[i] - b'0') as u32;
                                        i += 1;
                                        n += 1;
                                    }
                                    s.push(v as u8);
                                }
                                b'x' => {
                                    let mut v = 0u32;
                                    while i < b.len() && b[i].is_ascii_hexdigit() {
                                        v = v * 16 + (b[i] as char).to_digit(16).unwrap_or(0);
                                        i += 1;
                                    }
                                    s.push(v as u8);
                                }
                                other => s.push(other),
                            }
                        }
                        other => {
                            s.push(other);
                            i += 1;
                        }
                    }
                }
                cur.push(Token {
                    tok: Tok::Str(s),
                    start: start as u32,
                    end: i as u32,
                });
            }
            b'0'..=b'9' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                let lit = &text[start..i];
                // `1b`/`1f` are references to numeric local labels.
                if lit.len() >= 2
                    && (lit.ends_with('b') || lit.ends_with('f'))
                    && lit[..lit.len() - 1].bytes().all(|c| c.is_ascii_digit())
                {
                    cur.push(Token {
                        tok: Tok::Ident(lit),
                        start: start as u32,
                        end: i as u32,
                    });
                    continue;
                }
                match parse_number(lit) {
                    Some(v) => cur.push(Token {
                        tok: Tok::Num(v),
                        start: start as u32,
                        end: i as u32,
                    }),
                    None => {
                        return Err(LexError {
                            message: format!("invalid number `{lit}`"),
                            start: start as u32,
                            end: i as u32,
                        })
                    }
                }
            }
            c if is_ident_start(c)
                && (c != b'%' || b.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic())) =>
            {
                let start = i;
                i += 1;
                while i < b.len() && is_ident_char(b[i]) {
                    i += 1;
                }
                let word = &text[start..i];
                // `s>>=`, `s<`, `s/=`...: signed operators start with `s`.
                if word == "s" {
                    if let Some(p) = PUNCTS
                        .iter()
                        .find(|p| p.starts_with('s') && text[start..].starts_with(*p))
                    {
                        i = start + p.len();
                        cur.push(Token {
                            tok: Tok::Punct(p),
                            start: start as u32,
                            end: i as u32,
                        });
                        continue;
                    }
                }
                cur.push(Token {
                    tok: Tok::Ident(word),
                    start: start as u32,
                    end: i as u32,
                });
            }
            _ => {
                let rest = &text[i..];
                match PUNCTS
                    .iter()
                    .find(|p| !p.starts_with('s') && rest.starts_with(*p))
                {
                    Some(p) => {
                        cur.push(Token {
                            tok: Tok::Punct(p),
                            start: i as u32,
                            end: (i + p.len()) as u32,
                        });
                        i += p.len();
                    }
                    None => {
                        let ch = rest.chars().next().unwrap_or('?');
                        return Err(LexError {
                            message: format!("unexpected character `{ch}`"),
                            start: i as u32,
                            end: (i + ch.len_utf8()) as u32,
                        });
                    }
                }
            }
        }
    }
    end_statement!(b.len());
    Ok(out)
}

/// An integer literal as `as` reads it.
pub fn parse_number(lit: &str) -> Option<u64> {
    let lit = lit.trim_end_matches(['u', 'U', 'l', 'L']);
    if let Some(h) = lit.strip_prefix("0x").or_else(|| lit.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()
    } else if let Some(bin) = lit.strip_prefix("0b").or_else(|| lit.strip_prefix("0B")) {
        u64::from_str_radix(bin, 2).ok()
    } else if lit.len() > 1 && lit.starts_with('0') {
        u64::from_str_radix(&lit[1..], 8).ok()
    } else {
        lit.parse().ok()
    }
}
