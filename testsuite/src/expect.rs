//! The `.expect` file format: what each program in a test object must compute.
//!
//! ```text
//! # Comments run from '#' to the end of the line.
//! cpu 4                       # optional: the file needs -mcpu=v4 (default v3)
//!
//! program add_u64             # a program, by its C function name (the pin name)
//! run ctx {u64 3, u64 4, u64 0} -> 7 ctx_out {u64 3, u64 4, u64 7}
//! run ctx {u32 1, u64 2} -> 3            # no ctx_out: only the return value is compared
//!
//! program proto_filter
//! run packet packed {hex "ffffffffffff000000000000", be16 0x0800, zero 20} -> 1
//! run packet hex "00112233" -> 0 packet_out hex "00112233"
//! ```
//!
//! A run gives the input (`ctx` bytes for `syscall` programs, `packet` bytes for
//! socket/xdp/tc programs), `->`, the expected return value (an integer, taken
//! modulo 2^32 as the kernel reports it) and optionally the expected bytes
//! written back (`ctx_out` / `packet_out`). A `?` instead of the return value
//! marks a run whose results the host oracle has yet to fill in.
//!
//! Byte blobs:
//! - `{ fields }` lays the fields out like a C struct: natural alignment,
//!   padded to a multiple of the largest alignment;
//! - `packed { fields }` puts them back to back (packets);
//! - `hex "0a0b0c"` gives the bytes directly (spaces, `|`, `:` and `.` may
//!   separate them: `hex "0a0b | 0c"`).
//!
//! A field is `T value` with `T` one of `u8 s8 u16 s16 u32 s32 u64 s64`
//! (little-endian, as BPF on x86 sees memory) or `be16 be32 be64` (network
//! order), or `hex "..."`, `str "..."` (bytes without a NUL), `zero N`;
//! `T[N] value` stands for N fields `T value` (an array, or output slots).

use std::fmt;
use std::ops::Range;

/// A parsed `.expect` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectFile {
    /// The `-mcpu=vN` the programs need (3 unless the file says `cpu N`).
    pub cpu: u8,
    pub programs: Vec<ProgramExpect>,
}

/// The runs of one program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramExpect {
    pub name: String,
    pub line: usize,
    pub runs: Vec<Run>,
}

/// What a run feeds the program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// `ctx_in` of a `syscall` program (written back by the kernel).
    Ctx,
    /// `data_in` of a socket/xdp/tc program.
    Packet,
}

/// One BPF_PROG_TEST_RUN and its expected outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub line: usize,
    pub kind: InputKind,
    pub input: Blob,
    /// `None` while the oracle has not filled it in (`-> ?`).
    pub retval: Option<u32>,
    /// Byte range of the `?` in the file text, for the oracle to replace.
    pub placeholder: Option<Range<usize>>,
    /// Expected ctx/packet bytes after the run, when given.
    pub output: Option<Vec<u8>>,
}

/// Bytes together with the fields that produced them (for rendering values back).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blob {
    pub bytes: Vec<u8>,
    pub fields: Vec<PlacedField>,
    pub packed: bool,
}

/// A field at its offset in a blob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacedField {
    pub offset: usize,
    pub field: Field,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Field {
    Int { ty: IntType, value: i128 },
    Hex(Vec<u8>),
    Str(Vec<u8>),
    Zero(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntType {
    U8,
    S8,
    U16,
    S16,
    U32,
    S32,
    U64,
    S64,
    Be16,
    Be32,
    Be64,
}

impl IntType {
    fn from_name(s: &str) -> Option<IntType> {
        Some(match s {
            "u8" => IntType::U8,
            "s8" => IntType::S8,
            "u16" => IntType::U16,
            "s16" => IntType::S16,
            "u32" => IntType::U32,
            "s32" => IntType::S32,
            "u64" => IntType::U64,
            "s64" => IntType::S64,
            "be16" => IntType::Be16,
            "be32" => IntType::Be32,
            "be64" => IntType::Be64,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            IntType::U8 => "u8",
            IntType::S8 => "s8",
            IntType::U16 => "u16",
            IntType::S16 => "s16",
            IntType::U32 => "u32",
            IntType::S32 => "s32",
            IntType::U64 => "u64",
            IntType::S64 => "s64",
            IntType::Be16 => "be16",
            IntType::Be32 => "be32",
            IntType::Be64 => "be64",
        }
    }

    pub fn size(self) -> usize {
        match self {
            IntType::U8 | IntType::S8 => 1,
            IntType::U16 | IntType::S16 | IntType::Be16 => 2,
            IntType::U32 | IntType::S32 | IntType::Be32 => 4,
            IntType::U64 | IntType::S64 | IntType::Be64 => 8,
        }
    }

    fn signed(self) -> bool {
        matches!(
            self,
            IntType::S8 | IntType::S16 | IntType::S32 | IntType::S64
        )
    }

    fn big_endian(self) -> bool {
        matches!(self, IntType::Be16 | IntType::Be32 | IntType::Be64)
    }

    /// The bytes of `value`, which must be representable as either the signed
    /// or the unsigned integer of this width.
    fn encode(self, value: i128) -> Result<Vec<u8>, String> {
        let bits = self.size() as u32 * 8;
        let min = -(1i128 << (bits - 1));
        let max = (1i128 << bits) - 1;
        if value < min || value > max {
            return Err(format!("{value} does not fit in {}", self.name()));
        }
        let raw = (value as u128) & (u128::MAX >> (128 - bits));
        let le = raw.to_le_bytes();
        let mut bytes = le[..self.size()].to_vec();
        if self.big_endian() {
            bytes.reverse();
        }
        Ok(bytes)
    }

    /// The value stored in `bytes` (exactly `size()` of them).
    fn decode(self, bytes: &[u8]) -> i128 {
        let mut b = bytes.to_vec();
        if self.big_endian() {
            b.reverse();
        }
        let mut raw = [0u8; 16];
        raw[..b.len()].copy_from_slice(&b);
        let v = u128::from_le_bytes(raw);
        let bits = self.size() as u32 * 8;
        if self.signed() && v >> (bits - 1) & 1 == 1 {
            (v as i128) - (1i128 << bits)
        } else {
            v as i128
        }
    }
}

impl Field {
    fn align(&self) -> usize {
        match self {
            Field::Int { ty, .. } => ty.size(),
            _ => 1,
        }
    }
}

impl Blob {
    /// The same layout rendered with the values found in `bytes` (the output
    /// of a run), or `hex "..."` when the layout cannot describe them exactly
    /// (a different length, or non-zero bytes in padding).
    pub fn render_like(&self, bytes: &[u8]) -> String {
        let only_hex = matches!(
            self.fields.as_slice(),
            [PlacedField {
                field: Field::Hex(_),
                ..
            }]
        );
        if bytes.len() == self.bytes.len() && !self.fields.is_empty() && !only_hex {
            let mut fields = Vec::new();
            let mut rebuilt = vec![0u8; bytes.len()];
            for pf in &self.fields {
                let len = match &pf.field {
                    Field::Int { ty, .. } => ty.size(),
                    Field::Hex(h) | Field::Str(h) => h.len(),
                    Field::Zero(n) => *n,
                };
                let slice = &bytes[pf.offset..pf.offset + len];
                rebuilt[pf.offset..pf.offset + len].copy_from_slice(slice);
                fields.push(match &pf.field {
                    Field::Int { ty, .. } => render_int(*ty, slice),
                    Field::Zero(n) if slice.iter().any(|&b| b != 0) => {
                        // Output written over `zero N` reads best as words.
                        let word = [IntType::U64, IntType::U32, IntType::U16]
                            .into_iter()
                            .find(|t| n % t.size() == 0 && pf.offset % t.size() == 0)
                            .unwrap_or(IntType::U8);
                        slice
                            .chunks(word.size())
                            .map(|c| render_int(word, c))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                    Field::Str(_)
                        if slice
                            .iter()
                            .all(|&b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\') =>
                    {
                        format!("str \"{}\"", String::from_utf8_lossy(slice))
                    }
                    Field::Zero(_) if slice.iter().all(|&b| b == 0) => format!("zero {len}"),
                    _ => format!("hex \"{}\"", hex_string(slice)),
                });
            }
            if rebuilt == bytes {
                let prefix = if self.packed { "packed " } else { "" };
                return format!("{prefix}{{{}}}", fields.join(", "));
            }
        }
        format!("hex \"{}\"", hex_string(bytes))
    }
}

/// `T value`: big-endian and large unsigned values in hex, others in decimal.
fn render_int(ty: IntType, bytes: &[u8]) -> String {
    let v = ty.decode(bytes);
    if ty.big_endian() || (!ty.signed() && v > u32::MAX as i128) {
        format!("{} {:#x}", ty.name(), v)
    } else {
        format!("{} {}", ty.name(), v)
    }
}

/// Lower-case hex, no separators.
pub fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A parse error with its 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Word(String),
    Int(i128),
    Str(String),
    Punct(&'static str),
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Word(w) => write!(f, "`{w}`"),
            Tok::Int(i) => write!(f, "`{i}`"),
            Tok::Str(s) => write!(f, "\"{s}\""),
            Tok::Punct(p) => write!(f, "`{p}`"),
        }
    }
}

struct Lexed {
    tok: Tok,
    line: usize,
    range: Range<usize>,
}

fn lex(text: &str) -> Result<Vec<Lexed>, ParseError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        match c {
            b'\n' => {
                line += 1;
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'{' | b'}' | b',' | b'?' | b'[' | b']' => {
                let p = match c {
                    b'{' => "{",
                    b'}' => "}",
                    b',' => ",",
                    b'[' => "[",
                    b']' => "]",
                    _ => "?",
                };
                i += 1;
                out.push(Lexed {
                    tok: Tok::Punct(p),
                    line,
                    range: start..i,
                });
            }
            b'-' if bytes.get(i + 1) == Some(&b'>') => {
                i += 2;
                out.push(Lexed {
                    tok: Tok::Punct("->"),
                    line,
                    range: start..i,
                });
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\n' {
                        return Err(ParseError {
                            line,
                            message: "unterminated string".into(),
                        });
                    }
                    i += 1;
                }
                if i >= bytes.len() {
                    return Err(ParseError {
                        line,
                        message: "unterminated string".into(),
                    });
                }
                i += 1;
                out.push(Lexed {
                    tok: Tok::Str(text[start + 1..i - 1].to_string()),
                    line,
                    range: start..i,
                });
            }
            b'-' | b'0'..=b'9' => {
                i += 1;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let word = text[start..i].replace('_', "");
                let (neg, digits) = match word.strip_prefix('-') {
                    Some(d) => (true, d),
                    None => (false, word.as_str()),
                };
                let parsed = if let Some(h) = digits
                    .strip_prefix("0x")
                    .or_else(|| digits.strip_prefix("0X"))
                {
                    i128::from_str_radix(h, 16)
                } else {
                    digits.parse::<i128>()
                };
                let v = parsed.map_err(|_| ParseError {
                    line,
                    message: format!("bad number `{}`", &text[start..i]),
                })?;
                out.push(Lexed {
                    tok: Tok::Int(if neg { -v } else { v }),
                    line,
                    range: start..i,
                });
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                out.push(Lexed {
                    tok: Tok::Word(text[start..i].to_string()),
                    line,
                    range: start..i,
                });
            }
            _ => {
                return Err(ParseError {
                    line,
                    message: format!("unexpected character `{}`", c as char),
                })
            }
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Lexed>,
    pos: usize,
    last_line: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|l| &l.tok)
    }

    fn line(&self) -> usize {
        self.toks.get(self.pos).map_or(self.last_line, |l| l.line)
    }

    fn err<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            line: self.line(),
            message: message.into(),
        })
    }

    fn next(&mut self, what: &str) -> Result<Tok, ParseError> {
        match self.toks.get(self.pos) {
            Some(l) => {
                self.pos += 1;
                Ok(l.tok.clone())
            }
            None => self.err(format!("expected {what}, found the end of the file")),
        }
    }

    fn expect_punct(&mut self, p: &str) -> Result<(), ParseError> {
        match self.next(&format!("`{p}`"))? {
            Tok::Punct(q) if q == p => Ok(()),
            t => {
                self.pos -= 1;
                self.err(format!("expected `{p}`, found {t}"))
            }
        }
    }

    fn int(&mut self, what: &str) -> Result<i128, ParseError> {
        match self.next(what)? {
            Tok::Int(v) => Ok(v),
            t => {
                self.pos -= 1;
                self.err(format!("expected {what}, found {t}"))
            }
        }
    }

    fn string(&mut self) -> Result<String, ParseError> {
        match self.next("a string")? {
            Tok::Str(s) => Ok(s),
            t => {
                self.pos -= 1;
                self.err(format!("expected a string, found {t}"))
            }
        }
    }

    fn hex(&mut self) -> Result<Vec<u8>, ParseError> {
        let s = self.string()?;
        let digits: Vec<u8> = s
            .bytes()
            .filter(|b| !b.is_ascii_whitespace() && !matches!(b, b'|' | b':' | b'.'))
            .collect();
        if !digits.len().is_multiple_of(2) || !digits.iter().all(|b| b.is_ascii_hexdigit()) {
            return self.err(format!("bad hex string \"{s}\""));
        }
        Ok(digits
            .chunks(2)
            .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
            .collect())
    }

    /// One field, or `T[N] value`: N fields of type T with the same value.
    fn fields(&mut self) -> Result<Vec<Field>, ParseError> {
        let is_array = matches!(
            (self.toks.get(self.pos).map(|l| &l.tok), self.toks.get(self.pos + 1).map(|l| &l.tok)),
            (Some(Tok::Word(w)), Some(Tok::Punct("["))) if IntType::from_name(w).is_some()
        );
        if !is_array {
            return Ok(vec![self.field()?]);
        }
        let Some(Tok::Word(w)) = self.peek().cloned() else {
            unreachable!()
        };
        let ty = IntType::from_name(&w).unwrap();
        self.pos += 2;
        let n = self.int("an element count")?;
        if !(1..=4096).contains(&n) {
            return self.err(format!("bad element count {n}"));
        }
        self.expect_punct("]")?;
        let value = self.int("a value")?;
        if let Err(e) = ty.encode(value) {
            self.pos -= 1;
            return self.err(e);
        }
        Ok(vec![Field::Int { ty, value }; n as usize])
    }

    fn field(&mut self) -> Result<Field, ParseError> {
        let word = match self.next("a field")? {
            Tok::Word(w) => w,
            t => {
                self.pos -= 1;
                return self.err(format!("expected a field type, found {t}"));
            }
        };
        match word.as_str() {
            "hex" => Ok(Field::Hex(self.hex()?)),
            "str" => Ok(Field::Str(self.string()?.into_bytes())),
            "zero" => {
                let n = self.int("a byte count")?;
                if !(0..=65536).contains(&n) {
                    return self.err(format!("bad byte count {n}"));
                }
                Ok(Field::Zero(n as usize))
            }
            w => match IntType::from_name(w) {
                Some(ty) => {
                    let value = self.int("a value")?;
                    if let Err(e) = ty.encode(value) {
                        self.pos -= 1;
                        return self.err(e);
                    }
                    Ok(Field::Int { ty, value })
                }
                None => self.err(format!("unknown field type `{w}`")),
            },
        }
    }

    fn blob(&mut self) -> Result<Blob, ParseError> {
        let packed = match self.peek() {
            Some(Tok::Word(w)) if w == "hex" => {
                self.pos += 1;
                let bytes = self.hex()?;
                return Ok(Blob {
                    fields: vec![PlacedField {
                        offset: 0,
                        field: Field::Hex(bytes.clone()),
                    }],
                    bytes,
                    packed: true,
                });
            }
            Some(Tok::Word(w)) if w == "packed" => {
                self.pos += 1;
                true
            }
            _ => false,
        };
        self.expect_punct("{")?;
        let mut fields = Vec::new();
        loop {
            if self.peek() == Some(&Tok::Punct("}")) {
                self.pos += 1;
                break;
            }
            fields.extend(self.fields()?);
            match self.next("`,` or `}`")? {
                Tok::Punct(",") => {}
                Tok::Punct("}") => break,
                t => {
                    self.pos -= 1;
                    return self.err(format!("expected `,` or `}}`, found {t}"));
                }
            }
        }
        let mut bytes = Vec::new();
        let mut placed = Vec::new();
        let mut max_align = 1;
        for field in fields {
            let align = if packed { 1 } else { field.align() };
            max_align = max_align.max(align);
            while bytes.len() % align != 0 {
                bytes.push(0);
            }
            let offset = bytes.len();
            match &field {
                Field::Int { ty, value } => bytes.extend(ty.encode(*value).expect("checked")),
                Field::Hex(h) | Field::Str(h) => bytes.extend_from_slice(h),
                Field::Zero(n) => bytes.resize(bytes.len() + n, 0),
            }
            placed.push(PlacedField { offset, field });
        }
        while bytes.len() % max_align != 0 {
            bytes.push(0);
        }
        Ok(Blob {
            bytes,
            fields: placed,
            packed,
        })
    }

    fn run(&mut self, line: usize) -> Result<Run, ParseError> {
        let kind = match self.next("`ctx` or `packet`")? {
            Tok::Word(w) if w == "ctx" => InputKind::Ctx,
            Tok::Word(w) if w == "packet" => InputKind::Packet,
            t => {
                self.pos -= 1;
                return self.err(format!("expected `ctx` or `packet`, found {t}"));
            }
        };
        let input = self.blob()?;
        self.expect_punct("->")?;
        let (retval, placeholder) = match self.toks.get(self.pos) {
            Some(Lexed {
                tok: Tok::Punct("?"),
                range,
                ..
            }) => {
                let r = range.clone();
                self.pos += 1;
                (None, Some(r))
            }
            _ => {
                let v = self.int("the return value")?;
                if v < i32::MIN as i128 || v > u32::MAX as i128 {
                    self.pos -= 1;
                    return self.err(format!("return value {v} does not fit in 32 bits"));
                }
                (Some(v as u32), None)
            }
        };
        let out_word = match kind {
            InputKind::Ctx => "ctx_out",
            InputKind::Packet => "packet_out",
        };
        let output = match self.peek() {
            Some(Tok::Word(w)) if w == out_word => {
                self.pos += 1;
                Some(self.blob()?.bytes)
            }
            Some(Tok::Word(w)) if w == "ctx_out" || w == "packet_out" => {
                return self.err(format!(
                    "`{w}` does not go with a `{}` input",
                    match kind {
                        InputKind::Ctx => "ctx",
                        InputKind::Packet => "packet",
                    }
                ));
            }
            _ => None,
        };
        Ok(Run {
            line,
            kind,
            input,
            retval,
            placeholder,
            output,
        })
    }
}

/// Parses the text of an `.expect` file.
pub fn parse(text: &str) -> Result<ExpectFile, ParseError> {
    let toks = lex(text)?;
    let last_line = text.lines().count().max(1);
    let mut p = Parser {
        toks,
        pos: 0,
        last_line,
    };
    let mut cpu = None;
    let mut programs: Vec<ProgramExpect> = Vec::new();
    while p.pos < p.toks.len() {
        let line = p.line();
        match p.next("a directive")? {
            Tok::Word(w) if w == "cpu" => {
                if cpu.is_some() || !programs.is_empty() {
                    return Err(ParseError {
                        line,
                        message: "`cpu` must come once, before the programs".into(),
                    });
                }
                let v = p.int("a CPU version")?;
                if !(1..=4).contains(&v) {
                    return Err(ParseError {
                        line,
                        message: format!("CPU version {v} is not 1 to 4"),
                    });
                }
                cpu = Some(v as u8);
            }
            Tok::Word(w) if w == "program" => {
                let name = match p.next("a program name")? {
                    Tok::Word(n) => n,
                    t => {
                        return Err(ParseError {
                            line,
                            message: format!("expected a program name, found {t}"),
                        })
                    }
                };
                if programs.iter().any(|q| q.name == name) {
                    return Err(ParseError {
                        line,
                        message: format!("program `{name}` is listed twice"),
                    });
                }
                programs.push(ProgramExpect {
                    name,
                    line,
                    runs: Vec::new(),
                });
            }
            Tok::Word(w) if w == "run" => {
                let run = p.run(line)?;
                match programs.last_mut() {
                    Some(prog) => prog.runs.push(run),
                    None => {
                        return Err(ParseError {
                            line,
                            message: "`run` before any `program`".into(),
                        })
                    }
                }
            }
            t => {
                return Err(ParseError {
                    line,
                    message: format!("expected `cpu`, `program` or `run`, found {t}"),
                })
            }
        }
    }
    if programs.is_empty() {
        return Err(ParseError {
            line: last_line,
            message: "no `program` in the file".into(),
        });
    }
    for prog in &programs {
        if prog.runs.is_empty() {
            return Err(ParseError {
                line: prog.line,
                message: format!("program `{}` has no `run`", prog.name),
            });
        }
    }
    Ok(ExpectFile {
        cpu: cpu.unwrap_or(3),
        programs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn struct_layout_aligns_fields_and_pads_the_end() {
        let f = parse("program p\nrun ctx {u8 1, u32 2, u64 -1, u16 0x1234} -> 5").unwrap();
        let run = &f.programs[0].runs[0];
        assert_eq!(run.kind, InputKind::Ctx);
        assert_eq!(run.retval, Some(5));
        let mut want = vec![1, 0, 0, 0, 2, 0, 0, 0];
        want.extend([0xff; 8]);
        want.extend([0x34, 0x12, 0, 0, 0, 0, 0, 0]);
        assert_eq!(run.input.bytes, want);
        assert_eq!(f.cpu, 3);
        let f = parse("program p\nrun ctx {u16 1, u32[2] 7} -> 0").unwrap();
        let blob = &f.programs[0].runs[0].input;
        assert_eq!(blob.bytes, vec![1, 0, 0, 0, 7, 0, 0, 0, 7, 0, 0, 0]);
        assert_eq!(blob.render_like(&blob.bytes), "{u16 1, u32 7, u32 7}");
    }

    #[test]
    fn packed_blobs_and_network_order() {
        let f = parse(
            "cpu 4\nprogram q # comment\nrun packet packed {hex \"aa|bb\", be16 0x0800, u8 7, str \"hi\", zero 2} -> -1 packet_out hex \"00\"",
        )
        .unwrap();
        assert_eq!(f.cpu, 4);
        let run = &f.programs[0].runs[0];
        assert_eq!(
            run.input.bytes,
            vec![0xaa, 0xbb, 0x08, 0x00, 7, b'h', b'i', 0, 0]
        );
        assert_eq!(run.retval, Some(u32::MAX));
        assert_eq!(run.output, Some(vec![0]));
    }

    #[test]
    fn placeholder_is_recorded() {
        let text = "program p\nrun ctx {u32 1} -> ?\n";
        let f = parse(text).unwrap();
        let run = &f.programs[0].runs[0];
        assert_eq!(run.retval, None);
        assert_eq!(&text[run.placeholder.clone().unwrap()], "?");
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("program p\nrun ctx {u8 300} -> 1").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("does not fit in u8"), "{e}");
        let e = parse("program p\n\nrun ctx {u8 3} 1").unwrap_err();
        assert_eq!(e.line, 3);
        let e = parse("program p\n").unwrap_err();
        assert!(e.message.contains("no `run`"), "{e}");
        let e = parse("program p\nrun packet {u8 1} -> 0 ctx_out {u8 1}").unwrap_err();
        assert!(e.message.contains("does not go with"), "{e}");
    }

    #[test]
    fn render_like_reuses_the_input_layout() {
        let f = parse("program p\nrun ctx {u8 1, s32 -2, be16 0x800} -> 0").unwrap();
        let blob = &f.programs[0].runs[0].input;
        let mut out = blob.bytes.clone();
        out[4..8].copy_from_slice(&(-7i32).to_le_bytes());
        assert_eq!(blob.render_like(&out), "{u8 1, s32 -7, be16 0x800}");
        // A byte changed in padding cannot be described by the layout.
        out[1] = 9;
        assert!(blob.render_like(&out).starts_with("hex \""));
    }
}
