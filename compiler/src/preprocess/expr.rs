//! `#if` expression evaluation (C11 6.10.1) in `intmax_t`/`uintmax_t`
//! (64-bit), after macro expansion and `defined` have been applied.

use super::token::{Punct, TokenKind};
use super::{PTok, Preprocessor};
use crate::source::Span;

/// A value with its signedness (the usual arithmetic conversions pick
/// unsigned when either operand is unsigned).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Value {
    pub bits: u64,
    pub unsigned: bool,
}

impl Value {
    fn signed(v: i64) -> Value {
        Value {
            bits: v as u64,
            unsigned: false,
        }
    }
    fn truth(b: bool) -> Value {
        Value::signed(b as i64)
    }
    fn is_true(self) -> bool {
        self.bits != 0
    }
}

struct Error {
    span: Span,
    message: String,
}

struct ExprParser<'p, 'a> {
    pp: &'p Preprocessor<'a>,
    toks: &'p [PTok],
    pos: usize,
    end_span: Span,
}

/// Parses an integer literal's spelling as the preprocessor sees it.
pub(crate) fn parse_int(spelling: &str) -> Result<Value, String> {
    let s = spelling.replace('\'', "");
    let lower = s.to_ascii_lowercase();
    // Split off the suffix.
    let (digits, radix) = if let Some(r) = lower.strip_prefix("0x") {
        (r, 16)
    } else if let Some(r) = lower.strip_prefix("0b") {
        (r, 2)
    } else if lower.starts_with('0') && lower.len() > 1 {
        (&lower[1..], 8)
    } else {
        (&lower[..], 10)
    };
    let body_len = digits
        .find(|c: char| !c.is_digit(radix))
        .unwrap_or(digits.len());
    let (body, suffix) = digits.split_at(body_len);
    if radix != 16 && (suffix.starts_with('.') || suffix.starts_with('e'))
        || radix == 16 && suffix.starts_with(['.', 'p'])
    {
        return Err("floating point literal in preprocessor expression".into());
    }
    let unsigned_suffix = match suffix {
        "" | "l" | "ll" => false,
        "u" | "ul" | "lu" | "ull" | "llu" => true,
        _ => return Err(format!("invalid suffix '{}' on integer constant", &s[s.len() - suffix.len()..])),
    };
    if body.is_empty() && radix != 8 {
        return Err(format!("invalid integer constant '{s}'"));
    }
    let v = if body.is_empty() {
        0
    } else {
        u64::from_str_radix(body, radix)
            .map_err(|_| "integer literal is too large to be represented in any integer type".to_string())?
    };
    // Decimal literals that do not fit intmax_t become unsigned (with a warning
    // in clang); octal/hex ones too.
    Ok(Value {
        bits: v,
        unsigned: unsigned_suffix || v > i64::MAX as u64,
    })
}

/// The value of a character constant (`'a'`, `'\n'`, `L'x'`, `'ab'`).
pub(crate) fn char_value(spelling: &str) -> Result<i64, String> {
    let (prefix, rest) = match spelling.find('\'') {
        Some(i) => (&spelling[..i], &spelling[i + 1..]),
        None => return Err("invalid character constant".into()),
    };
    let body = rest.strip_suffix('\'').unwrap_or(rest);
    let bytes = body.as_bytes();
    let mut vals: Vec<u32> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && i + 1 < bytes.len() {
            i += 1;
            let c = bytes[i];
            let v = match c {
                b'n' => 10,
                b't' => 9,
                b'r' => 13,
                b'a' => 7,
                b'b' => 8,
                b'f' => 12,
                b'v' => 11,
                b'e' | b'E' => 27,
                b'x' => {
                    let mut v: u32 = 0;
                    i += 1;
                    while i < bytes.len() && bytes[i].is_ascii_hexdigit() {
                        v = v.wrapping_mul(16) + (bytes[i] as char).to_digit(16).unwrap();
                        i += 1;
                    }
                    vals.push(v);
                    continue;
                }
                b'0'..=b'7' => {
                    let mut v: u32 = 0;
                    let mut n = 0;
                    while n < 3 && i < bytes.len() && (b'0'..=b'7').contains(&bytes[i]) {
                        v = v * 8 + (bytes[i] - b'0') as u32;
                        i += 1;
                        n += 1;
                    }
                    vals.push(v);
                    continue;
                }
                other => other as u32,
            };
            vals.push(v);
            i += 1;
        } else {
            // A UTF-8 sequence counts as its bytes for plain char constants.
            let ch = body[i..].chars().next().unwrap();
            if prefix.is_empty() {
                for b in body[i..i + ch.len_utf8()].bytes() {
                    vals.push(b as u32);
                }
            } else {
                vals.push(ch as u32);
            }
            i += ch.len_utf8();
        }
    }
    if vals.is_empty() {
        return Err("empty character constant".into());
    }
    Ok(match prefix {
        // Plain char is signed on BPF; multi-char constants are int.
        "" => {
            if vals.len() == 1 {
                vals[0] as u8 as i8 as i64
            } else {
                let mut v: u32 = 0;
                for x in &vals {
                    v = (v << 8) | (x & 0xff);
                }
                v as i32 as i64
            }
        }
        "L" | "U" => *vals.last().unwrap() as i32 as i64,
        "u" => (*vals.last().unwrap() & 0xffff) as i64,
        _ => (*vals.last().unwrap() & 0xff) as i64,
    })
}

impl<'p, 'a> ExprParser<'p, 'a> {
    fn peek(&self) -> Option<&PTok> {
        self.toks.get(self.pos)
    }

    fn peek_punct(&self) -> Option<Punct> {
        match self.peek()?.tok.kind {
            TokenKind::Punct(p) => Some(p),
            _ => None,
        }
    }

    fn here(&self) -> Span {
        self.peek().map_or(self.end_span, |t| t.tok.span)
    }

    fn err<T>(&self, message: impl Into<String>) -> Result<T, Error> {
        Err(Error {
            span: self.here(),
            message: message.into(),
        })
    }

    /// `expr` (with the comma operator).
    fn expr(&mut self, eval: bool) -> Result<Value, Error> {
        let mut v = self.conditional(eval)?;
        while self.peek_punct() == Some(Punct::Comma) {
            self.pos += 1;
            v = self.conditional(eval)?;
        }
        Ok(v)
    }

    fn conditional(&mut self, eval: bool) -> Result<Value, Error> {
        let c = self.binary(0, eval)?;
        if self.peek_punct() != Some(Punct::Question) {
            return Ok(c);
        }
        self.pos += 1;
        let a = self.expr(eval && c.is_true())?;
        if self.peek_punct() != Some(Punct::Colon) {
            return self.err("expected ':' in preprocessor expression");
        }
        self.pos += 1;
        let b = self.conditional(eval && !c.is_true())?;
        let unsigned = a.unsigned || b.unsigned;
        let r = if c.is_true() { a } else { b };
        Ok(Value {
            bits: r.bits,
            unsigned,
        })
    }

    fn precedence(p: Punct) -> Option<u8> {
        use Punct::*;
        Some(match p {
            PipePipe => 1,
            AmpAmp => 2,
            Pipe => 3,
            Caret => 4,
            Amp => 5,
            EqEq | Ne => 6,
            Lt | Gt | Le | Ge => 7,
            Shl | Shr => 8,
            Plus | Minus => 9,
            Star | Slash | Percent => 10,
            _ => return None,
        })
    }

    /// Binary operators of precedence above `min`, by precedence climbing.
    fn binary(&mut self, min: u8, eval: bool) -> Result<Value, Error> {
        let mut lhs = self.unary(eval)?;
        loop {
            let Some(p) = self.peek_punct() else { break };
            let Some(prec) = Self::precedence(p) else { break };
            if prec <= min {
                break;
            }
            let op_span = self.here();
            self.pos += 1;
            let rhs_eval = match p {
                Punct::AmpAmp => eval && lhs.is_true(),
                Punct::PipePipe => eval && !lhs.is_true(),
                _ => eval,
            };
            let rhs = self.binary(prec, rhs_eval)?;
            lhs = self.apply(p, lhs, rhs, eval, op_span)?;
        }
        Ok(lhs)
    }

    fn apply(&self, p: Punct, a: Value, b: Value, eval: bool, span: Span) -> Result<Value, Error> {
        use Punct::*;
        let unsigned = a.unsigned || b.unsigned;
        let (x, y) = (a.bits, b.bits);
        let arith = |bits: u64| Value { bits, unsigned };
        Ok(match p {
            AmpAmp => Value::truth(a.is_true() && b.is_true()),
            PipePipe => Value::truth(a.is_true() || b.is_true()),
            Pipe => arith(x | y),
            Caret => arith(x ^ y),
            Amp => arith(x & y),
            EqEq => Value::truth(x == y),
            Ne => Value::truth(x != y),
            Lt | Gt | Le | Ge => {
                let ord = if unsigned {
                    x.cmp(&y)
                } else {
                    (x as i64).cmp(&(y as i64))
                };
                Value::truth(match p {
                    Lt => ord.is_lt(),
                    Gt => ord.is_gt(),
                    Le => ord.is_le(),
                    _ => ord.is_ge(),
                })
            }
            // Shifts keep the left operand's type.
            Shl => Value {
                bits: if y >= 64 { 0 } else { x << y },
                unsigned: a.unsigned,
            },
            Shr => Value {
                bits: if a.unsigned {
                    if y >= 64 {
                        0
                    } else {
                        x >> y
                    }
                } else {
                    ((x as i64) >> y.min(63)) as u64
                },
                unsigned: a.unsigned,
            },
            Plus => arith(x.wrapping_add(y)),
            Minus => arith(x.wrapping_sub(y)),
            Star => arith(x.wrapping_mul(y)),
            Slash | Percent => {
                if y == 0 {
                    if !eval {
                        return Ok(arith(0));
                    }
                    return Err(Error {
                        span,
                        message: if p == Slash {
                            "division by zero in preprocessor expression".into()
                        } else {
                            "remainder by zero in preprocessor expression".into()
                        },
                    });
                }
                let r = if unsigned {
                    if p == Slash {
                        x / y
                    } else {
                        x % y
                    }
                } else if p == Slash {
                    (x as i64).wrapping_div(y as i64) as u64
                } else {
                    (x as i64).wrapping_rem(y as i64) as u64
                };
                arith(r)
            }
            _ => unreachable!("not a binary operator"),
        })
    }

    fn unary(&mut self, eval: bool) -> Result<Value, Error> {
        let Some(t) = self.peek().copied() else {
            return self.err("expected value in expression");
        };
        self.pos += 1;
        match t.tok.kind {
            TokenKind::Punct(Punct::Plus) => self.unary(eval),
            TokenKind::Punct(Punct::Minus) => {
                let v = self.unary(eval)?;
                Ok(Value {
                    bits: v.bits.wrapping_neg(),
                    unsigned: v.unsigned,
                })
            }
            TokenKind::Punct(Punct::Tilde) => {
                let v = self.unary(eval)?;
                Ok(Value {
                    bits: !v.bits,
                    unsigned: v.unsigned,
                })
            }
            TokenKind::Punct(Punct::Bang) => {
                let v = self.unary(eval)?;
                Ok(Value::truth(!v.is_true()))
            }
            TokenKind::Punct(Punct::LParen) => {
                let v = self.expr(eval)?;
                if self.peek_punct() != Some(Punct::RParen) {
                    return self.err("expected ')' in preprocessor expression");
                }
                self.pos += 1;
                Ok(v)
            }
            TokenKind::Number(s) => {
                let sp = self.pp.interner.resolve(s);
                parse_int(sp).map_err(|message| Error {
                    span: t.tok.span,
                    message,
                })
            }
            TokenKind::Char(s) => {
                let sp = self.pp.interner.resolve(s);
                char_value(sp).map(Value::signed).map_err(|message| Error {
                    span: t.tok.span,
                    message,
                })
            }
            // Identifiers left after expansion are 0 (C11 6.10.1p4)...
            TokenKind::Ident(_) => {
                // ... but a call of an undefined function-like macro is an error.
                if self.peek_punct() == Some(Punct::LParen) {
                    let name = self.pp.spelling(t.tok.kind).into_owned();
                    return Err(Error {
                        span: t.tok.span,
                        message: format!("function-like macro '{name}' is not defined"),
                    });
                }
                Ok(Value::signed(0))
            }
            _ => {
                self.pos -= 1;
                if t.tok.kind == TokenKind::Eof {
                    return self.err("expected value in expression");
                }
                let sp = self.pp.spelling(t.tok.kind).into_owned();
                self.err(format!("invalid token at start of a preprocessor expression: '{sp}'"))
            }
        }
    }
}

impl<'a> Preprocessor<'a> {
    /// Evaluates the expanded tokens of a `#if`; errors count as false.
    pub(crate) fn evaluate(&mut self, toks: &[PTok], directive: Span) -> bool {
        let end_span = toks.last().map_or(directive, |t| t.tok.span);
        let mut p = ExprParser {
            pp: self,
            toks,
            pos: 0,
            end_span,
        };
        let r = p.expr(true).and_then(|v| {
            if p.pos < toks.len() {
                let sp = p.pp.spelling(toks[p.pos].tok.kind).into_owned();
                p.err(format!(
                    "token is not a valid binary operator in a preprocessor subexpression: '{sp}'"
                ))
            } else {
                Ok(v)
            }
        });
        match r {
            Ok(v) => v.is_true(),
            Err(e) => {
                if !toks.is_empty() {
                    self.diags.error(e.span, e.message);
                }
                false
            }
        }
    }
}
