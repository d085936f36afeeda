//! One instruction statement → its encoding, in either syntax: the pseudo-C
//! syntax llvm's integrated assembler reads (`r1 += r2`, `if w1 < 5 goto +2`,
//! `r0 = *(u8 *)skb[3]`, `lock *(u64 *)(r1 + 0) += r2`), and GNU `as`'s
//! conventional syntax (`add %r1, %r2`, `ldxw %r0, [%r1+4]`, `jeq %r1, 5, L`).
//! Branch targets and symbols are left symbolic for the caller to resolve.

use super::lex::{Tok, Token};
use crate::bpf::insn::*;

/// Where a branch goes.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// `+N` / `-N` slots relative to the next instruction.
    Relative(i64),
    /// A label, a numeric local label reference (`1b`, `1f`), or a C label
    /// in inline asm.
    Label(String),
}

/// Which field of the instruction a branch target goes into.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum TargetField {
    /// 16-bit `off` (conditional jumps, `goto`, `may_goto`).
    Off,
    /// 32-bit `imm` (`gotol`, `call` of a local function).
    Imm,
}

/// A symbol an instruction refers to.
#[derive(Clone, Debug, PartialEq)]
pub struct SymbolRef {
    pub name: String,
    pub addend: i64,
    pub kind: RelocKind,
}

/// One parsed instruction.
#[derive(Clone, Debug)]
pub struct Parsed {
    /// One slot, or two for `ld_imm64`.
    pub insns: Vec<Insn>,
    pub target: Option<(Target, TargetField, u32, u32)>,
    pub symbol: Option<(SymbolRef, u32, u32)>,
}

/// A parse error and the byte range it is about.
#[derive(Debug)]
pub struct InsnError {
    pub message: String,
    pub start: u32,
    pub end: u32,
}

type R<T> = Result<T, InsnError>;

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
struct Reg {
    n: u8,
    /// `wN` (32-bit view).
    w: bool,
}

struct Cursor<'t, 'a> {
    toks: &'t [Token<'a>],
    pos: usize,
    /// End of the statement, for "expected ..." at the end.
    end: u32,
}

impl<'t, 'a> Cursor<'t, 'a> {
    fn peek(&self) -> Option<&'t Tok<'a>> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }
    fn peek_at(&self, k: usize) -> Option<&'t Tok<'a>> {
        self.toks.get(self.pos + k).map(|t| &t.tok)
    }
    fn range(&self) -> (u32, u32) {
        match self.toks.get(self.pos) {
            Some(t) => (t.start, t.end),
            None => (self.end, self.end),
        }
    }
    fn err<T>(&self, message: impl Into<String>) -> R<T> {
        let (start, end) = self.range();
        Err(InsnError {
            message: message.into(),
            start,
            end,
        })
    }
    /// An error about token `i` of the statement.
    fn err_at<T>(&self, i: usize, message: impl Into<String>) -> R<T> {
        let t = &self.toks[i.min(self.toks.len() - 1)];
        Err(InsnError {
            message: message.into(),
            start: t.start,
            end: t.end,
        })
    }
    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Some(Tok::Punct(q)) if *q == p)
    }
    fn is_ident(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(q)) if *q == s)
    }
    fn eat_punct(&mut self, p: &str) -> bool {
        if self.is_punct(p) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expect_punct(&mut self, p: &str) -> R<()> {
        if self.eat_punct(p) {
            Ok(())
        } else {
            self.err(format!("expected `{p}`"))
        }
    }
    fn expect_ident(&mut self, s: &str) -> R<()> {
        if self.is_ident(s) {
            self.pos += 1;
            Ok(())
        } else {
            self.err(format!("expected `{s}`"))
        }
    }
    fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }
    fn expect_end(&self) -> R<()> {
        if self.at_end() {
            Ok(())
        } else {
            self.err("unexpected text after the instruction")
        }
    }

    fn peek_reg(&self) -> Option<Reg> {
        match self.peek() {
            Some(Tok::Ident(s)) => reg_name(s),
            _ => None,
        }
    }
    fn reg(&mut self) -> R<Reg> {
        match self.peek() {
            Some(Tok::Ident(s)) => match reg_name(s) {
                Some(r) => {
                    self.pos += 1;
                    Ok(r)
                }
                None => self.err(format!("invalid register `{s}`")),
            },
            _ => self.err("expected a register"),
        }
    }

    /// A constant expression: numbers, unary `-`/`~`/`+`, binary
    /// `+ - * << >> & | ^`, parentheses.
    fn const_expr(&mut self) -> R<i64> {
        let mut v = self.const_term()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Punct(p @ ("+" | "-" | "<<" | ">>" | "&" | "|" | "^"))) => *p,
                _ => return Ok(v),
            };
            // `(r1 + 8)` stops at the register.
            if !matches!(
                self.peek_at(1),
                Some(Tok::Num(_)) | Some(Tok::Punct("(" | "-" | "~"))
            ) {
                return Ok(v);
            }
            self.pos += 1;
            let r = self.const_term()?;
            v = match op {
                "+" => v.wrapping_add(r),
                "-" => v.wrapping_sub(r),
                "<<" => v.wrapping_shl(r as u32),
                ">>" => v.wrapping_shr(r as u32),
                "&" => v & r,
                "|" => v | r,
                _ => v ^ r,
            };
        }
    }
    fn const_term(&mut self) -> R<i64> {
        let mut v = self.const_unary()?;
        while self.is_punct("*") && matches!(self.peek_at(1), Some(Tok::Num(_))) {
            self.pos += 1;
            v = v.wrapping_mul(self.const_unary()?);
        }
        Ok(v)
    }
    fn const_unary(&mut self) -> R<i64> {
        match self.peek() {
            Some(Tok::Num(n)) => {
                self.pos += 1;
                Ok(*n as i64)
            }
            Some(Tok::Punct("-")) => {
                self.pos += 1;
                Ok(self.const_unary()?.wrapping_neg())
            }
            Some(Tok::Punct("+")) => {
                self.pos += 1;
                self.const_unary()
            }
            Some(Tok::Punct("~")) => {
                self.pos += 1;
                Ok(!self.const_unary()?)
            }
            Some(Tok::Punct("(")) => {
                self.pos += 1;
                let v = self.const_expr()?;
                self.expect_punct(")")?;
                Ok(v)
            }
            _ => self.err("expected an immediate"),
        }
    }
    fn starts_const(&self) -> bool {
        matches!(
            self.peek(),
            Some(Tok::Num(_)) | Some(Tok::Punct("-" | "+" | "~" | "("))
        )
    }

    /// A 32-bit immediate: any value whose two's complement fits 32 bits.
    fn imm32(&mut self) -> R<i32> {
        let (start, _) = self.range();
        let v = self.const_expr()?;
        let end = self.toks[self.pos - 1].end;
        if !(-(1i64 << 31)..(1i64 << 32)).contains(&v) {
            return Err(InsnError {
                message: format!("immediate {v} does not fit in 32 bits"),
                start,
                end,
            });
        }
        Ok(v as i32)
    }

    /// A 16-bit signed offset.
    fn off16(&mut self, negate: bool) -> R<i16> {
        let (start, _) = self.range();
        let mut v = self.const_expr()?;
        if negate {
            v = -v;
        }
        let end = self.toks[self.pos - 1].end;
        if !(-32768..=32767).contains(&v) {
            return Err(InsnError {
                message: format!("offset {v} does not fit in 16 bits"),
                start,
                end,
            });
        }
        Ok(v as i16)
    }

    /// A branch target: `+N`, `-N`, `N`, a label or `1f`/`1b`.
    fn target(&mut self, field: TargetField) -> R<(Target, TargetField, u32, u32)> {
        let (start, end) = self.range();
        let t = match self.peek() {
            Some(Tok::Ident(s)) if reg_name(s).is_none() => {
                self.pos += 1;
                Target::Label(s.to_string())
            }
            _ if self.starts_const() => Target::Relative(self.const_expr()?),
            _ => return self.err("expected a branch target"),
        };
        let end = self.toks.get(self.pos - 1).map_or(end, |t| t.end);
        Ok((t, field, start, end))
    }

    /// A symbol name with an optional `+ N`/`- N`.
    fn symbol(&mut self, kind: RelocKind) -> R<(SymbolRef, u32, u32)> {
        let (start, _) = self.range();
        let name = match self.peek() {
            Some(Tok::Ident(s)) if reg_name(s).is_none() => s.to_string(),
            _ => return self.err("expected a symbol"),
        };
        self.pos += 1;
        let mut addend = 0;
        if self.is_punct("+") || self.is_punct("-") {
            let neg = self.is_punct("-");
            self.pos += 1;
            let v = self.const_unary()?;
            addend = if neg { -v } else { v };
        }
        let end = self.toks[self.pos - 1].end;
        Ok((SymbolRef { name, addend, kind }, start, end))
    }
}

/// `r0`..`r10`, `w0`..`w10`, `%r0`, `%fp` (GNU), `%w1`.
fn reg_name(s: &str) -> Option<Reg> {
    let s = s.strip_prefix('%').unwrap_or(s);
    if s == "fp" {
        return Some(Reg { n: 10, w: false });
    }
    let (w, digits) = match s.as_bytes().first()? {
        b'r' => (false, &s[1..]),
        b'w' => (true, &s[1..]),
        _ => return None,
    };
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n: u8 = digits.parse().ok()?;
    if n > 10 || (digits.len() == 2 && digits.starts_with('0')) {
        return None;
    }
    Some(Reg { n, w })
}

/// Whether a name looks like a register the user got wrong (`r11`, `w12`).
fn looks_like_bad_reg(s: &str) -> bool {
    let s = s.strip_prefix('%').unwrap_or(s);
    s.len() >= 2
        && (s.starts_with('r') || s.starts_with('w'))
        && s[1..].bytes().all(|c| c.is_ascii_digit())
}

fn size_code(bits: &str) -> Option<u8> {
    Some(match bits {
        "8" => BPF_B,
        "16" => BPF_H,
        "32" => BPF_W,
        "64" => BPF_DW,
        _ => return None,
    })
}

fn alu_op(p: &str) -> Option<(u8, i16)> {
    Some(match p {
        "+=" => (BPF_ADD, 0),
        "-=" => (BPF_SUB, 0),
        "*=" => (BPF_MUL, 0),
        "/=" => (BPF_DIV, 0),
        "s/=" => (BPF_DIV, 1),
        "%=" => (BPF_MOD, 0),
        "s%=" => (BPF_MOD, 1),
        "|=" => (BPF_OR, 0),
        "&=" => (BPF_AND, 0),
        "<<=" => (BPF_LSH, 0),
        ">>=" => (BPF_RSH, 0),
        "s>>=" => (BPF_ARSH, 0),
        "^=" => (BPF_XOR, 0),
        _ => return None,
    })
}

fn jmp_op(p: &str) -> Option<u8> {
    Some(match p {
        "==" => BPF_JEQ,
        "!=" => BPF_JNE,
        ">" => BPF_JGT,
        ">=" => BPF_JGE,
        "<" => BPF_JLT,
        "<=" => BPF_JLE,
        "s>" => BPF_JSGT,
        "s>=" => BPF_JSGE,
        "s<" => BPF_JSLT,
        "s<=" => BPF_JSLE,
        "&" => BPF_JSET,
        _ => return None,
    })
}

fn one(insn: Insn) -> Parsed {
    Parsed {
        insns: vec![insn],
        target: None,
        symbol: None,
    }
}

/// Parses one instruction statement.
pub fn parse_insn(toks: &[Token<'_>], end: u32) -> R<Parsed> {
    let mut c = Cursor { toks, pos: 0, end };
    let first = match c.peek() {
        Some(Tok::Ident(s)) => *s,
        Some(Tok::Punct("*")) => return pseudo_store(&mut c),
        _ => return c.err("expected an instruction"),
    };
    let p = if let Some(r) = reg_name(first) {
        c.pos += 1;
        pseudo_assign(&mut c, r)?
    } else {
        match first {
            "if" => {
                c.pos += 1;
                pseudo_if(&mut c)?
            }
            "goto" | "gotol" | "may_goto" => {
                c.pos += 1;
                let (code, field) = match first {
                    "goto" => (BPF_JMP | BPF_JA, TargetField::Off),
                    "gotol" => (BPF_JMP32 | BPF_JA, TargetField::Imm),
                    // may_goto is `BPF_JMP | BPF_JCOND` (0xe0).
                    _ => (BPF_JMP | 0xe0, TargetField::Off),
                };
                let t = c.target(field)?;
                Parsed {
                    insns: vec![Insn::new(code, 0, 0, 0, 0)],
                    target: Some(t),
                    symbol: None,
                }
            }
            "call" => {
                c.pos += 1;
                if c.starts_const() {
                    let imm = c.imm32()?;
                    one(Insn::new(BPF_JMP | BPF_CALL, 0, 0, 0, imm))
                } else {
                    let s = c.symbol(RelocKind::Call)?;
                    Parsed {
                        insns: vec![Insn::new(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, -1)],
                        target: None,
                        symbol: Some(s),
                    }
                }
            }
            "callx" => {
                c.pos += 1;
                let r = c.reg()?;
                // llvm-19 puts the register in `dst`.
                one(Insn::new(BPF_JMP | BPF_CALL | BPF_X, r.n, 0, 0, 0))
            }
            "exit" => {
                c.pos += 1;
                one(Insn::new(BPF_JMP | BPF_EXIT, 0, 0, 0, 0))
            }
            "lock" => {
                c.pos += 1;
                pseudo_lock(&mut c)?
            }
            _ => {
                if looks_like_bad_reg(first) {
                    return c.err(format!("invalid register `{first}`"));
                }
                return gnu_insn(&mut c, first);
            }
        }
    };
    c.expect_end()?;
    Ok(p)
}

/// `(rN + off)` / `(rN - off)` / `(rN)`; returns base and offset.
fn mem_operand(c: &mut Cursor) -> R<(Reg, i16)> {
    c.expect_punct("(")?;
    let base = c.reg()?;
    let off = if c.eat_punct("+") {
        c.off16(false)?
    } else if c.eat_punct("-") {
        c.off16(true)?
    } else {
        0
    };
    c.expect_punct(")")?;
    Ok((base, off))
}

/// `*(u32 *)` or `(u32 *)`: returns (size code, signed).
fn pointer_cast(c: &mut Cursor) -> R<(u8, bool)> {
    c.expect_punct("(")?;
    let (size, signed) = match c.peek() {
        Some(Tok::Ident(t)) => {
            let (s, bits) = t.split_at(1);
            match (s, size_code(bits)) {
                ("u", Some(z)) => (z, false),
                ("s", Some(z)) if bits != "64" => (z, true),
                _ => return c.err(format!("invalid memory access type `{t}`")),
            }
        }
        _ => return c.err("expected a memory access type such as `u32`"),
    };
    c.pos += 1;
    c.expect_punct("*")?;
    c.expect_punct(")")?;
    Ok((size, signed))
}

fn no_mix(c: &Cursor, a: Reg, b: Reg, at: usize) -> R<()> {
    if a.w != b.w {
        let t = &c.toks[at];
        return Err(InsnError {
            message: "`r` and `w` registers mixed in one instruction".into(),
            start: t.start,
            end: t.end,
        });
    }
    Ok(())
}

fn pseudo_store(c: &mut Cursor) -> R<Parsed> {
    c.expect_punct("*")?;
    let (size, signed) = pointer_cast(c)?;
    if signed {
        return c.err("stores take an unsigned type");
    }
    let (base, off) = mem_operand(c)?;
    c.expect_punct("=")?;
    let p = if let Some(r) = c.peek_reg() {
        c.pos += 1;
        one(Insn::new(BPF_STX | BPF_MEM | size, base.n, r.n, off, 0))
    } else {
        let imm = c.imm32()?;
        one(Insn::new(BPF_ST | BPF_MEM | size, base.n, 0, off, imm))
    };
    c.expect_end()?;
    Ok(p)
}

/// `lock *(u64 *)(r1 + 0) += r2` (and `&=`, `|=`, `^=`).
fn pseudo_lock(c: &mut Cursor) -> R<Parsed> {
    c.expect_punct("*")?;
    let (size, signed) = pointer_cast(c)?;
    if signed || (size != BPF_W && size != BPF_DW) {
        return c.err("atomic operations take `u32` or `u64`");
    }
    let (base, off) = mem_operand(c)?;
    let op = match c.peek() {
        Some(Tok::Punct("+=")) => BPF_ADD,
        Some(Tok::Punct("&=")) => BPF_AND,
        Some(Tok::Punct("|=")) => BPF_OR,
        Some(Tok::Punct("^=")) => BPF_XOR,
        _ => return c.err("expected `+=`, `&=`, `|=` or `^=`"),
    };
    c.pos += 1;
    let src = c.reg()?;
    Ok(one(Insn::new(
        BPF_STX | BPF_ATOMIC | size,
        base.n,
        src.n,
        off,
        op as i32,
    )))
}

fn pseudo_if(c: &mut Cursor) -> R<Parsed> {
    let at = c.pos;
    let dst = c.reg()?;
    let op = match c.peek() {
        Some(Tok::Punct(p)) => match jmp_op(p) {
            Some(op) => op,
            None => return c.err(format!("invalid comparison `{p}`")),
        },
        _ => return c.err("expected a comparison"),
    };
    c.pos += 1;
    let class = if dst.w { BPF_JMP32 } else { BPF_JMP };
    let insn = if let Some(src) = c.peek_reg() {
        no_mix(c, dst, src, c.pos)?;
        let _ = at;
        c.pos += 1;
        Insn::new(class | op | BPF_X, dst.n, src.n, 0, 0)
    } else {
        let imm = c.imm32()?;
        Insn::new(class | op | BPF_K, dst.n, 0, 0, imm)
    };
    c.expect_ident("goto")?;
    let t = c.target(TargetField::Off)?;
    Ok(Parsed {
        insns: vec![insn],
        target: Some(t),
        symbol: None,
    })
}

/// Everything that starts with a register: `rD = ...`, `rD op= ...`.
fn pseudo_assign(c: &mut Cursor, dst: Reg) -> R<Parsed> {
    let class = if dst.w { BPF_ALU } else { BPF_ALU64 };
    let op_at = c.pos;
    let op = match c.peek() {
        Some(Tok::Punct(p)) => *p,
        _ => return c.err("expected `=` or an assignment operator"),
    };
    c.pos += 1;
    if op != "=" {
        let Some((alu, off)) = alu_op(op) else {
            c.pos = op_at;
            return c.err(format!("invalid operator `{op}`"));
        };
        if let Some(src) = c.peek_reg() {
            no_mix(c, dst, src, c.pos)?;
            c.pos += 1;
            return Ok(one(Insn::new(class | alu | BPF_X, dst.n, src.n, off, 0)));
        }
        let imm = c.imm32()?;
        return Ok(one(Insn::new(class | alu | BPF_K, dst.n, 0, off, imm)));
    }
    // `rD = ...`
    match c.peek() {
        Some(Tok::Punct("*")) => {
            c.pos += 1;
            let (size, signed) = pointer_cast(c)?;
            if c.is_ident("skb") {
                c.pos += 1;
                if dst.n != 0 || dst.w || signed {
                    return c.err("packet loads write `r0` with an unsigned type");
                }
                if size == BPF_DW {
                    return c.err("packet loads are at most 32 bits");
                }
                c.expect_punct("[")?;
                let insn = if let Some(r) = c.peek_reg() {
                    c.pos += 1;
                    let imm = if c.eat_punct("+") { c.imm32()? } else { 0 };
                    Insn::new(BPF_LD | BPF_IND | size, 0, r.n, 0, imm)
                } else {
                    Insn::new(BPF_LD | BPF_ABS | size, 0, 0, 0, c.imm32()?)
                };
                c.expect_punct("]")?;
                return Ok(one(insn));
            }
            let (base, off) = mem_operand(c)?;
            let mode = if signed { BPF_MEMSX } else { BPF_MEM };
            Ok(one(Insn::new(BPF_LDX | mode | size, dst.n, base.n, off, 0)))
        }
        Some(Tok::Punct("(")) if matches!(c.peek_at(1), Some(Tok::Ident(t)) if t.starts_with('s') && size_code(&t[1..]).is_some()) =>
        {
            // `rD = (s8)rS`: movsx.
            c.pos += 1;
            let Some(Tok::Ident(t)) = c.peek() else {
                unreachable!()
            };
            let bits: i16 = t[1..].parse().unwrap_or(0);
            if bits == 64 || (dst.w && bits == 32) {
                return c.err(format!("invalid sign extension `(s{bits})`"));
            }
            c.pos += 1;
            c.expect_punct(")")?;
            let src = c.reg()?;
            no_mix(c, dst, src, c.pos - 1)?;
            Ok(one(Insn::new(
                class | BPF_MOV | BPF_X,
                dst.n,
                src.n,
                bits,
                0,
            )))
        }
        Some(Tok::Punct("-"))
            if c.peek_at(1)
                .is_some_and(|t| matches!(t, Tok::Ident(s) if reg_name(s).is_some())) =>
        {
            c.pos += 1;
            let src = c.reg()?;
            if src != dst {
                return c.err("negation is `rN = -rN` with one register");
            }
            Ok(one(Insn::new(class | BPF_NEG, dst.n, 0, 0, 0)))
        }
        Some(Tok::Ident(word)) if reg_name(word).is_some() => {
            let src = c.reg()?;
            if !dst.w && src.w {
                // `r1 = w0`: clang's `-S` spelling of its zero-extending
                // 32-bit move (`MOV_32_64`), encoded as `w1 = w0`.
                return Ok(one(Insn::new(
                    BPF_ALU | BPF_MOV | BPF_X,
                    dst.n,
                    src.n,
                    0,
                    0,
                )));
            }
            no_mix(c, dst, src, c.pos - 1)?;
            Ok(one(Insn::new(class | BPF_MOV | BPF_X, dst.n, src.n, 0, 0)))
        }
        Some(Tok::Ident(word))
            if endian_op(word).is_some() && !c.toks.iter().any(|t| t.tok == Tok::Ident("ll")) =>
        {
            let (kind, bits) = endian_op(word).unwrap_or(("", 0));
            c.pos += 1;
            let src = c.reg()?;
            if src.n != dst.n || src.w || dst.w {
                return c.err(format!("`{word}` is `rN = {word} rN` with one register"));
            }
            let code = match kind {
                "be" => BPF_ALU | BPF_END | BPF_TO_BE,
                "le" => BPF_ALU | BPF_END | BPF_TO_LE,
                _ => BPF_ALU64 | BPF_END | BPF_TO_LE,
            };
            Ok(one(Insn::new(code, dst.n, 0, 0, bits)))
        }
        Some(Tok::Ident(word)) if is_atomic_fn(word) && c.peek_at(1) == Some(&Tok::Punct("(")) => {
            pseudo_atomic(c, dst)
        }
        Some(Tok::Ident("addr_space_cast")) => {
            c.pos += 1;
            c.expect_punct("(")?;
            let src = c.reg()?;
            c.expect_punct(",")?;
            let to = c.imm32()?;
            c.expect_punct(",")?;
            let from = c.imm32()?;
            c.expect_punct(")")?;
            if dst.w || src.w {
                return c.err("addr_space_cast takes `r` registers");
            }
            Ok(one(Insn::new(
                BPF_ALU64 | BPF_MOV | BPF_X,
                dst.n,
                src.n,
                1,
                (to << 16) | (from & 0xffff),
            )))
        }
        Some(Tok::Ident(_)) => {
            // `rD = sym ll`, `rD = sym + 8 ll`
            if dst.w {
                return c.err_at(0, "`ll` loads take an `r` register");
            }
            let s = c.symbol(RelocKind::Ld64)?;
            c.expect_ident("ll")?;
            let a = s.0.addend;
            Ok(Parsed {
                insns: vec![
                    Insn::new(BPF_LD | BPF_IMM | BPF_DW, dst.n, 0, 0, a as i32),
                    Insn::new(0, 0, 0, 0, (a >> 32) as i32),
                ],
                target: None,
                symbol: Some(s),
            })
        }
        _ => {
            let (start, _) = c.range();
            let v = c.const_expr()?;
            if c.is_ident("ll") {
                c.pos += 1;
                if dst.w {
                    return c.err_at(0, "`ll` loads take an `r` register");
                }
                return Ok(Parsed {
                    insns: vec![
                        Insn::new(BPF_LD | BPF_IMM | BPF_DW, dst.n, 0, 0, v as i32),
                        Insn::new(0, 0, 0, 0, (v >> 32) as i32),
                    ],
                    target: None,
                    symbol: None,
                });
            }
            if !(-(1i64 << 31)..(1i64 << 32)).contains(&v) {
                return Err(InsnError {
                    message: format!("immediate {v} does not fit in 32 bits (use `ll`)"),
                    start,
                    end: c.toks[c.pos - 1].end,
                });
            }
            Ok(one(Insn::new(
                class | BPF_MOV | BPF_K,
                dst.n,
                0,
                0,
                v as i32,
            )))
        }
    }
}

fn endian_op(word: &str) -> Option<(&'static str, i32)> {
    for kind in ["be", "le", "bswap"] {
        if let Some(bits) = word.strip_prefix(kind) {
            if let Ok(b @ (16 | 32 | 64)) = bits.parse::<i32>() {
                return Some((
                    match kind {
                        "be" => "be",
                        "le" => "le",
                        _ => "bswap",
                    },
                    b,
                ));
            }
        }
    }
    None
}

fn is_atomic_fn(w: &str) -> bool {
    matches!(
        w,
        "atomic_fetch_add"
            | "atomic_fetch_and"
            | "atomic_fetch_or"
            | "atomic_fetch_xor"
            | "xchg_64"
            | "xchg32_32"
            | "cmpxchg_64"
            | "cmpxchg32_32"
    )
}

/// `rD = atomic_fetch_add((u64 *)(rB + off), rD)`, `rD = xchg_64(rB + off, rD)`,
/// `r0 = cmpxchg_64(rB + off, r0, rS)` and the 32-bit forms.
fn pseudo_atomic(c: &mut Cursor, dst: Reg) -> R<Parsed> {
    let Some(Tok::Ident(name)) = c.peek() else {
        unreachable!()
    };
    let name = *name;
    c.pos += 1;
    c.expect_punct("(")?;
    let (size, base, off) = if name.starts_with("atomic_fetch_") {
        let (size, signed) = pointer_cast(c)?;
        if signed || (size != BPF_W && size != BPF_DW) {
            return c.err("atomic operations take `u32` or `u64`");
        }
        let (base, off) = mem_operand(c)?;
        (size, base, off)
    } else {
        let size = if name.ends_with("32_32") {
            BPF_W
        } else {
            BPF_DW
        };
        let base = c.reg()?;
        let off = if c.eat_punct("+") {
            c.off16(false)?
        } else if c.eat_punct("-") {
            c.off16(true)?
        } else {
            0
        };
        (size, base, off)
    };
    if dst.w != (size == BPF_W) {
        return c.err("the register width does not match the access size");
    }
    c.expect_punct(",")?;
    let op: i32 = match name {
        "atomic_fetch_add" => 0x01,
        "atomic_fetch_and" => 0x51,
        "atomic_fetch_or" => 0x41,
        "atomic_fetch_xor" => 0xa1,
        "xchg_64" | "xchg32_32" => 0xe1,
        _ => 0xf1,
    };
    let first = c.reg()?;
    let src = if op == 0xf1 {
        if first.n != 0 || dst.n != 0 {
            return c.err("cmpxchg compares and writes `r0`");
        }
        c.expect_punct(",")?;
        c.reg()?
    } else {
        if first.n != dst.n {
            return c.err("the fetched value goes to the source register");
        }
        first
    };
    if src.w != dst.w {
        return c.err("`r` and `w` registers mixed in one instruction");
    }
    c.expect_punct(")")?;
    Ok(one(Insn::new(
        BPF_STX | BPF_ATOMIC | size,
        base.n,
        src.n,
        off,
        op,
    )))
}

// ---------------------------------------------------------------------------
// GNU `as` conventional syntax.

/// `[%rB+off]`, `[%rB-off]`, `[%rB]`.
fn gnu_mem(c: &mut Cursor) -> R<(Reg, i16)> {
    c.expect_punct("[")?;
    let base = c.reg()?;
    let off = if c.eat_punct("+") {
        c.off16(false)?
    } else if c.eat_punct("-") {
        c.off16(true)?
    } else {
        0
    };
    c.expect_punct("]")?;
    Ok((base, off))
}

fn gnu_alu(m: &str) -> Option<u8> {
    Some(match m {
        "add" => BPF_ADD,
        "sub" => BPF_SUB,
        "mul" => BPF_MUL,
        "div" | "sdiv" => BPF_DIV,
        "or" => BPF_OR,
        "and" => BPF_AND,
        "lsh" => BPF_LSH,
        "rsh" => BPF_RSH,
        "mod" | "smod" => BPF_MOD,
        "xor" => BPF_XOR,
        "mov" => BPF_MOV,
        "arsh" => BPF_ARSH,
        _ => return None,
    })
}

fn gnu_jmp(m: &str) -> Option<u8> {
    Some(match m {
        "jeq" => BPF_JEQ,
        "jgt" => BPF_JGT,
        "jge" => BPF_JGE,
        "jlt" => BPF_JLT,
        "jle" => BPF_JLE,
        "jset" => BPF_JSET,
        "jne" => BPF_JNE,
        "jsgt" => BPF_JSGT,
        "jsge" => BPF_JSGE,
        "jslt" => BPF_JSLT,
        "jsle" => BPF_JSLE,
        _ => return None,
    })
}

fn gnu_size(s: &str) -> Option<u8> {
    Some(match s {
        "b" => BPF_B,
        "h" => BPF_H,
        "w" => BPF_W,
        "dw" => BPF_DW,
        _ => return None,
    })
}

fn gnu_insn(c: &mut Cursor, m: &str) -> R<Parsed> {
    let (mstart, mend) = c.range();
    c.pos += 1;
    let (base, is32) = match m.strip_suffix("32") {
        Some(b) => (b, true),
        None => (m, false),
    };
    let unknown = || InsnError {
        message: format!("unknown instruction `{m}`"),
        start: mstart,
        end: mend,
    };
    let p = if let Some(op) = gnu_alu(base) {
        let class = if is32 { BPF_ALU } else { BPF_ALU64 };
        let off = if base.starts_with('s') && base != "sub" {
            1
        } else {
            0
        };
        let dst = c.reg()?;
        c.expect_punct(",")?;
        if let Some(src) = c.peek_reg() {
            c.pos += 1;
            one(Insn::new(class | op | BPF_X, dst.n, src.n, off, 0))
        } else {
            one(Insn::new(class | op | BPF_K, dst.n, 0, off, c.imm32()?))
        }
    } else if base == "movs" {
        // `movs %rD, %rS, 8`: sign-extending move.
        let class = if is32 { BPF_ALU } else { BPF_ALU64 };
        let dst = c.reg()?;
        c.expect_punct(",")?;
        let src = c.reg()?;
        c.expect_punct(",")?;
        let bits = c.imm32()?;
        if !matches!(bits, 8 | 16 | 32) || (is32 && bits == 32) {
            return c.err("sign extension from 8, 16 or 32 bits");
        }
        one(Insn::new(
            class | BPF_MOV | BPF_X,
            dst.n,
            src.n,
            bits as i16,
            0,
        ))
    } else if base == "neg" {
        let class = if is32 { BPF_ALU } else { BPF_ALU64 };
        let dst = c.reg()?;
        one(Insn::new(class | BPF_NEG, dst.n, 0, 0, 0))
    } else if let Some(op) = gnu_jmp(base) {
        let class = if is32 { BPF_JMP32 } else { BPF_JMP };
        let dst = c.reg()?;
        c.expect_punct(",")?;
        let insn = if let Some(src) = c.peek_reg() {
            c.pos += 1;
            Insn::new(class | op | BPF_X, dst.n, src.n, 0, 0)
        } else {
            Insn::new(class | op | BPF_K, dst.n, 0, 0, c.imm32()?)
        };
        c.expect_punct(",")?;
        let t = c.target(TargetField::Off)?;
        Parsed {
            insns: vec![insn],
            target: Some(t),
            symbol: None,
        }
    } else {
        match m {
            "ja" | "jal" | "jcond" => {
                let (code, field) = match m {
                    "ja" => (BPF_JMP | BPF_JA, TargetField::Off),
                    "jal" => (BPF_JMP32 | BPF_JA, TargetField::Imm),
                    _ => (BPF_JMP | 0xe0, TargetField::Off),
                };
                let t = c.target(field)?;
                Parsed {
                    insns: vec![Insn::new(code, 0, 0, 0, 0)],
                    target: Some(t),
                    symbol: None,
                }
            }
            "endle" | "endbe" => {
                let dst = c.reg()?;
                c.expect_punct(",")?;
                let bits = c.imm32()?;
                if !matches!(bits, 16 | 32 | 64) {
                    return c.err("byte swaps are of 16, 32 or 64 bits");
                }
                let code = if m == "endle" {
                    BPF_ALU | BPF_END | BPF_TO_LE
                } else {
                    BPF_ALU | BPF_END | BPF_TO_BE
                };
                one(Insn::new(code, dst.n, 0, 0, bits))
            }
            "bswap16" | "bswap32" | "bswap64" => {
                let dst = c.reg()?;
                let bits = m[5..].parse().unwrap_or(0);
                one(Insn::new(BPF_ALU64 | BPF_END, dst.n, 0, 0, bits))
            }
            "lddw" => {
                let dst = c.reg()?;
                c.expect_punct(",")?;
                if c.starts_const() {
                    let v = c.const_expr()?;
                    Parsed {
                        insns: vec![
                            Insn::new(BPF_LD | BPF_IMM | BPF_DW, dst.n, 0, 0, v as i32),
                            Insn::new(0, 0, 0, 0, (v >> 32) as i32),
                        ],
                        target: None,
                        symbol: None,
                    }
                } else {
                    let s = c.symbol(RelocKind::Ld64)?;
                    let a = s.0.addend;
                    Parsed {
                        insns: vec![
                            Insn::new(BPF_LD | BPF_IMM | BPF_DW, dst.n, 0, 0, a as i32),
                            Insn::new(0, 0, 0, 0, (a >> 32) as i32),
                        ],
                        target: None,
                        symbol: Some(s),
                    }
                }
            }
            "call" | "exit" | "callx" => unreachable!("handled as pseudo-C"),
            _ => {
                if let Some(sz) = m.strip_prefix("ldabs").and_then(gnu_size) {
                    one(Insn::new(BPF_LD | BPF_ABS | sz, 0, 0, 0, c.imm32()?))
                } else if let Some(sz) = m.strip_prefix("ldind").and_then(gnu_size) {
                    let r = c.reg()?;
                    c.expect_punct(",")?;
                    one(Insn::new(BPF_LD | BPF_IND | sz, 0, r.n, 0, c.imm32()?))
                } else if let Some(sz) = m.strip_prefix("ldxs").and_then(gnu_size) {
                    if sz == BPF_DW {
                        return Err(unknown());
                    }
                    let dst = c.reg()?;
                    c.expect_punct(",")?;
                    let (b, off) = gnu_mem(c)?;
                    one(Insn::new(BPF_LDX | BPF_MEMSX | sz, dst.n, b.n, off, 0))
                } else if let Some(sz) = m.strip_prefix("ldx").and_then(gnu_size) {
                    let dst = c.reg()?;
                    c.expect_punct(",")?;
                    let (b, off) = gnu_mem(c)?;
                    one(Insn::new(BPF_LDX | BPF_MEM | sz, dst.n, b.n, off, 0))
                } else if let Some(sz) = m.strip_prefix("stx").and_then(gnu_size) {
                    let (b, off) = gnu_mem(c)?;
                    c.expect_punct(",")?;
                    let src = c.reg()?;
                    one(Insn::new(BPF_STX | BPF_MEM | sz, b.n, src.n, off, 0))
                } else if let Some(sz) = m.strip_prefix("st").and_then(gnu_size) {
                    let (b, off) = gnu_mem(c)?;
                    c.expect_punct(",")?;
                    one(Insn::new(BPF_ST | BPF_MEM | sz, b.n, 0, off, c.imm32()?))
                } else if let Some((sz, op)) = gnu_atomic(m) {
                    let (b, off) = gnu_mem(c)?;
                    c.expect_punct(",")?;
                    let src = c.reg()?;
                    one(Insn::new(BPF_STX | BPF_ATOMIC | sz, b.n, src.n, off, op))
                } else {
                    return Err(unknown());
                }
            }
        }
    };
    c.expect_end()?;
    Ok(p)
}

/// GNU atomic mnemonics: `xaddw`/`xadddw` (v1), `aadd`, `aand`, `aor`,
/// `axor`, `afadd`..., `axchg`, `acmp`, with `32` for the 32-bit forms.
fn gnu_atomic(m: &str) -> Option<(u8, i32)> {
    match m {
        "xaddw" => return Some((BPF_W, 0)),
        "xadddw" => return Some((BPF_DW, 0)),
        _ => {}
    }
    let (base, size) = match m.strip_suffix("32") {
        Some(b) => (b, BPF_W),
        None => (m, BPF_DW),
    };
    let op = match base {
        "aadd" => 0x00,
        "aor" => 0x40,
        "aand" => 0x50,
        "axor" => 0xa0,
        "afadd" => 0x01,
        "afor" => 0x41,
        "afand" => 0x51,
        "afxor" => 0xa1,
        "axchg" => 0xe1,
        "acmp" => 0xf1,
        _ => return None,
    };
    Some((size, op))
}
