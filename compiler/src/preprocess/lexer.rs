//! The pp-token lexer: turns the bytes of one source file into preprocessing
//! tokens (C11 6.4), handling line splices, comments and digraphs.
//!
//! The lexer keeps only a position; the file text is passed to every call so
//! the preprocessor can add files to the source map while lexers of including
//! files are suspended. Identifiers and literal spellings go through
//! the shared interner.

use super::token::{Punct, Token, TokenKind};
use crate::intern::{Interner, Sym};
use crate::source::{FileId, Span};

/// The symbol for a token's spelling.
#[inline]
pub(crate) fn intern_bytes(interner: &mut Interner, s: &[u8]) -> Sym {
    debug_assert!(std::str::from_utf8(s).is_ok());
    // SAFETY: `s` is a token's spelling cut from a `str` (a source file or a
    // pasted spelling) at token boundaries, and token boundaries never split a
    // UTF-8 sequence: identifiers and pp-numbers take every byte >= 0x80,
    // literals end at an ASCII quote or newline, punctuators are ASCII, and
    // `Other` tokens are whole `char`s. Removing line splices (ASCII) keeps
    // the text valid.
    interner.intern(unsafe { std::str::from_utf8_unchecked(s) })
}

/// [`intern_bytes`] with the spelling's hash known.
#[inline]
fn intern_hashed(interner: &mut Interner, s: &[u8], hash: u64) -> Sym {
    debug_assert!(std::str::from_utf8(s).is_ok());
    // SAFETY: as in `intern_bytes`.
    interner.intern_hashed(unsafe { std::str::from_utf8_unchecked(s) }, hash)
}

/// Why the lexer could not finish a token (reported by the preprocessor,
/// which knows whether the text is being skipped).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)]
pub(crate) enum LexError {
    UnterminatedComment,
    UnterminatedString,
    UnterminatedChar,
}

/// What one lexer step produced.
#[derive(Copy, Clone, Debug)]
pub(crate) enum Lexed {
    Token(Token),
    /// End of a line (only in directive mode).
    Newline,
    Eof,
}

/// Lexer state for one file.
pub(crate) struct Lexer {
    pub file: FileId,
    pub pos: usize,
    /// The next token is the first on its line.
    pub at_line_start: bool,
    /// Inside a directive: newlines are returned as [`Lexed::Newline`].
    pub in_directive: bool,
    /// Errors seen while lexing the last token.
    pub error: Option<(LexError, u32)>,
    ahead: IdentsAhead,
}

/// Identifiers a little ahead of the lexer, found by a rough scan of the
/// text, whose interner slots are being loaded ([`Interner::prefetch`]).
///
/// Interning an identifier is mostly waiting for its slot of the table
/// (vmlinux.h: 243k identifiers, 62k distinct, a 1 MB table): loaded while
/// the tokens before it are lexed, it is there when the lexer gets to it.
/// The scan takes anything that looks like an identifier (in comments and
/// literals too); the lexer uses an entry's hash only where it lexed an
/// identifier with exactly that start and end, so a wrong guess costs a
/// prefetch and nothing else.
struct IdentsAhead {
    /// `(start, end, hash)`, oldest first from `head`.
    ring: [(u32, u32, u64); IDENTS_AHEAD],
    head: usize,
    len: usize,
    /// Where the scan goes on.
    scan: usize,
}

/// How far ahead [`IdentsAhead`] scans, in identifiers: about a hundred
/// bytes of a header, which take the lexer longer than a load from memory.
const IDENTS_AHEAD: usize = 8;

impl IdentsAhead {
    const fn new() -> IdentsAhead {
        IdentsAhead {
            ring: [(0, 0, 0); IDENTS_AHEAD],
            head: 0,
            len: 0,
            scan: 0,
        }
    }

    /// The hash of the identifier `src[start..end]` the lexer just read
    /// (known if the scan found it), after which the scan goes on ahead.
    #[inline]
    fn hash(&mut self, src: &[u8], start: usize, end: usize, interner: &Interner) -> u64 {
        let mut known = None;
        while self.len > 0 {
            let (s, e, h) = self.ring[self.head];
            if s as usize > start {
                break;
            }
            self.head = (self.head + 1) % IDENTS_AHEAD;
            self.len -= 1;
            if s as usize == start && e as usize == end {
                known = Some(h);
                break;
            }
        }
        let hash = known.unwrap_or_else(|| Interner::hash_of(&src[start..end]));
        if self.scan < end {
            // Behind the lexer (at the start, or after it jumped): start
            // over from here.
            self.scan = end;
            self.len = 0;
        }
        while self.len < IDENTS_AHEAD {
            let Some((s, e)) = next_word(src, self.scan) else {
                break;
            };
            self.scan = e;
            let h = Interner::hash_of(&src[s..e]);
            interner.prefetch(h);
            self.ring[(self.head + self.len) % IDENTS_AHEAD] = (s as u32, e as u32, h);
            self.len += 1;
        }
        hash
    }
}

/// The next identifier-like word at or after `i`: a run of identifier
/// bytes that starts with an identifier start (runs starting with a digit,
/// numbers, are passed over).
#[inline]
fn next_word(src: &[u8], mut i: usize) -> Option<(usize, usize)> {
    loop {
        i = ident_byte_from(src, i);
        let c = *src.get(i)?;
        let end = ident_end(src, i + 1);
        if is_ident_start(c) {
            return Some((i, end));
        }
        i = end;
    }
}

/// Byte classes: bit 0 identifier start, bit 1 identifier continue.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        if c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c >= 0x80 {
            t[i] = 3;
        } else if c.is_ascii_digit() {
            t[i] = 2;
        }
        i += 1;
    }
    t
};

#[inline]
pub(crate) fn is_ident_start(c: u8) -> bool {
    CLASS[c as usize] & 1 != 0
}

#[inline]
pub(crate) fn is_ident_continue(c: u8) -> bool {
    CLASS[c as usize] & 2 != 0
}

/// The index of the first byte at or after `i` that cannot continue an
/// identifier (a line splice included: the caller handles those).
///
/// Sixteen bytes per step on x86-64 (identifiers average ten bytes, and a
/// byte loop pays a mispredicted exit branch per identifier); the last few
/// bytes of the text, and other targets, go byte by byte.
#[inline]
pub(crate) fn ident_end(src: &[u8], mut i: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    while i + 16 <= src.len() {
        let mask = ident_bytes_mask(src, i);
        if mask != 0xffff {
            return i + mask.trailing_ones() as usize;
        }
        i += 16;
    }
    while i < src.len() && is_ident_continue(src[i]) {
        i += 1;
    }
    i
}

/// The index of the first byte at or after `i` that can continue an
/// identifier (see [`ident_end`]).
#[inline]
fn ident_byte_from(src: &[u8], mut i: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    while i + 16 <= src.len() {
        let mask = ident_bytes_mask(src, i);
        if mask != 0 {
            return i + mask.trailing_zeros() as usize;
        }
        i += 16;
    }
    while i < src.len() && !is_ident_continue(src[i]) {
        i += 1;
    }
    i
}

/// Bit `k` set where `src[i + k]` can continue an identifier, for the 16
/// bytes from `i` (which must be in bounds).
#[cfg(target_arch = "x86_64")]
#[inline]
fn ident_bytes_mask(src: &[u8], i: usize) -> u32 {
    use std::arch::x86_64::*;
    assert!(i + 16 <= src.len());
    // SAFETY: SSE2 is part of the x86-64 baseline; the load reads
    // `src[i..i + 16]`, which is in bounds.
    unsafe {
        let v = _mm_loadu_si128(src.as_ptr().add(i) as *const __m128i);
        // `x` in `lo..lo + n` (unsigned) as a signed compare after a shift.
        let in_range = |x: __m128i, lo: u8, n: u8| {
            let t = _mm_sub_epi8(x, _mm_set1_epi8((lo ^ 0x80) as i8));
            _mm_cmplt_epi8(t, _mm_set1_epi8((n ^ 0x80) as i8))
        };
        // `| 0x20` folds A-Z onto a-z and moves no other byte into a-z.
        let alpha = in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a', 26);
        let digit = in_range(v, b'0', 10);
        let under = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'_' as i8));
        let dollar = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'$' as i8));
        let ok = _mm_or_si128(_mm_or_si128(alpha, digit), _mm_or_si128(under, dollar));
        // Bytes >= 0x80 (UTF-8) continue identifiers too: their top bit.
        (_mm_movemask_epi8(ok) | _mm_movemask_epi8(v)) as u32
    }
}

/// Length of a line splice (`\` newline) starting at `i`, or 0.
#[inline]
fn splice_len(src: &[u8], i: usize) -> usize {
    if src.get(i) != Some(&b'\\') {
        return 0;
    }
    match src.get(i + 1) {
        Some(b'\n') => 2,
        Some(b'\r') if src.get(i + 2) == Some(&b'\n') => 3,
        _ => 0,
    }
}

/// Removes line splices from a token's spelling.
pub(crate) fn clean_spelling(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let n = splice_len(raw, i);
        if n > 0 {
            i += n;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    out
}

impl Lexer {
    pub fn new(file: FileId) -> Lexer {
        Lexer {
            file,
            pos: 0,
            at_line_start: true,
            in_directive: false,
            error: None,
            ahead: IdentsAhead::new(),
        }
    }

    /// The byte at `i` after skipping line splices, and the index it is at.
    #[inline]
    fn at(src: &[u8], mut i: usize) -> (u8, usize) {
        loop {
            match src.get(i) {
                None => return (0, i),
                Some(b'\\') => {
                    let n = splice_len(src, i);
                    if n == 0 {
                        return (b'\\', i);
                    }
                    i += n;
                }
                Some(&c) => return (c, i),
            }
        }
    }

    /// Skips whitespace and comments; returns whether any were skipped, or
    /// `None` when a newline ends a directive.
    #[inline]
    fn skip_space(&mut self, src: &[u8]) -> Option<bool> {
        let mut space = false;
        let mut i = self.pos;
        while let Some(&c) = src.get(i) {
            match c {
                b' ' | b'\t' | b'\x0c' | b'\x0b' | b'\r' => {
                    i += 1;
                    space = true;
                }
                b'\n' => {
                    if self.in_directive {
                        self.pos = i;
                        return None;
                    }
                    i += 1;
                    self.at_line_start = true;
                    space = false;
                }
                b'\\' => {
                    let n = splice_len(src, i);
                    if n == 0 {
                        break;
                    }
                    i += n;
                }
                b'/' => {
                    let (c2, j) = Self::at(src, i + 1);
                    if c2 == b'/' {
                        // Line comment: runs to a newline not preceded by a splice.
                        let mut k = j + 1;
                        while k < src.len() {
                            if src[k] == b'\n' {
                                let prev = if k >= 1 && src[k - 1] == b'\r' {
                                    k - 1
                                } else {
                                    k
                                };
                                if prev >= 1 && src[prev - 1] == b'\\' {
                                    k += 1;
                                    continue;
                                }
                                break;
                            }
                            k += 1;
                        }
                        i = k;
                        space = true;
                    } else if c2 == b'*' {
                        let mut k = j + 1;
                        let mut closed = false;
                        while k < src.len() {
                            if src[k] == b'*' {
                                let (c3, m) = Self::at(src, k + 1);
                                if c3 == b'/' {
                                    k = m + 1;
                                    closed = true;
                                    break;
                                }
                            }
                            k += 1;
                        }
                        if !closed {
                            self.error = Some((LexError::UnterminatedComment, i as u32));
                            k = src.len();
                        }
                        i = k;
                        space = true;
                    } else {
                        break;
                    }
                }
                _ => break,
            }
        }
        self.pos = i;
        Some(space)
    }

    /// Lexes the next token. Spellings are interned.
    pub fn next(&mut self, src: &[u8], interner: &mut Interner) -> Lexed {
        self.next_inlined(src, interner)
    }

    /// [`Self::next`] inlined into the preprocessor's hot loop: the token
    /// stays in registers instead of a stack slot that the caller reads back
    /// piecewise (a stalled store-to-load forwarding per token).
    #[inline(always)]
    pub fn next_inlined(&mut self, src: &[u8], interner: &mut Interner) -> Lexed {
        let Some(leading_space) = self.skip_space(src) else {
            return Lexed::Newline;
        };
        let start = self.pos;
        if start >= src.len() {
            return Lexed::Eof;
        }
        let at_line_start = self.at_line_start;
        self.at_line_start = false;
        let c = src[start];
        let mut i = start + 1;
        let kind = match c {
            b'0'..=b'9' => {
                i = self.lex_number(src, start);
                self.intern_spelling(src, start, i, interner, TokenKind::Number)
            }
            b'.' if Self::at(src, i).0.is_ascii_digit() => {
                i = self.lex_number(src, start);
                self.intern_spelling(src, start, i, interner, TokenKind::Number)
            }
            b'"' => {
                i = self.lex_quoted(src, start + 1, b'"');
                self.intern_spelling(src, start, i, interner, TokenKind::Str)
            }
            b'\'' => {
                i = self.lex_quoted(src, start + 1, b'\'');
                self.intern_spelling(src, start, i, interner, TokenKind::Char)
            }
            c if is_ident_start(c) => {
                let mut dirty = false;
                i = ident_end(src, i);
                loop {
                    match src.get(i) {
                        Some(&c) if is_ident_continue(c) => i += 1,
                        Some(b'\\') => {
                            let n = splice_len(src, i);
                            if n == 0 {
                                break;
                            }
                            let (c2, _) = Self::at(src, i);
                            if !is_ident_continue(c2) {
                                break;
                            }
                            i += n;
                            dirty = true;
                        }
                        _ => break,
                    }
                }
                // Encoding prefixes of character and string literals.
                let (q, qi) = Self::at(src, i);
                if q == b'"' || q == b'\'' {
                    let word: &[u8] = &src[start..i];
                    let word = if dirty {
                        clean_spelling(word)
                    } else {
                        word.to_vec()
                    };
                    if matches!(&word[..], b"L" | b"u" | b"U" | b"u8") {
                        i = self.lex_quoted(src, qi + 1, q);
                        let make = if q == b'"' {
                            TokenKind::Str
                        } else {
                            TokenKind::Char
                        };
                        let kind = self.intern_spelling(src, start, i, interner, make);
                        self.pos = i;
                        return Lexed::Token(self.token(
                            kind,
                            start,
                            i,
                            leading_space,
                            at_line_start,
                        ));
                    }
                }
                if dirty {
                    let clean = clean_spelling(&src[start..i]);
                    TokenKind::Ident(intern_bytes(interner, &clean))
                } else {
                    let hash = self.ahead.hash(src, start, i, interner);
                    TokenKind::Ident(intern_hashed(interner, &src[start..i], hash))
                }
            }
            _ => {
                let (p, end) = Self::punct(src, start);
                i = end;
                match p {
                    Some(p) => TokenKind::Punct(p),
                    None => {
                        // A stray ASCII character (`@`, `\\`, a backquote...):
                        // bytes >= 0x80 all start identifiers.
                        i = start + 1;
                        TokenKind::Other(c as char)
                    }
                }
            }
        };
        self.pos = i;
        Lexed::Token(self.token(kind, start, i, leading_space, at_line_start))
    }

    #[inline]
    fn token(
        &self,
        kind: TokenKind,
        start: usize,
        end: usize,
        leading_space: bool,
        at_line_start: bool,
    ) -> Token {
        Token {
            kind,
            span: Span::new(self.file, start as u32, end as u32),
            expansion: None,
            leading_space,
            at_line_start,
        }
    }

    #[inline]
    fn intern_spelling(
        &self,
        src: &[u8],
        start: usize,
        end: usize,
        interner: &mut Interner,
        make: fn(Sym) -> TokenKind,
    ) -> TokenKind {
        let raw = &src[start..end];
        if raw.contains(&b'\\') && raw.windows(2).any(|w| w == b"\\\n" || w == b"\\\r") {
            make(intern_bytes(interner, &clean_spelling(raw)))
        } else {
            make(intern_bytes(interner, raw))
        }
    }

    /// A pp-number: digit or `.digit`, then identifier characters, dots and
    /// exponent signs.
    fn lex_number(&self, src: &[u8], start: usize) -> usize {
        let mut i = start + 1;
        let mut prev = src[start];
        loop {
            let (c, j) = Self::at(src, i);
            if is_ident_continue(c)
                || c == b'.'
                || ((c == b'+' || c == b'-') && matches!(prev, b'e' | b'E' | b'p' | b'P'))
            {
                prev = c;
                i = j + 1;
            } else if c == b'\'' && prev.is_ascii_alphanumeric() {
                // C23 digit separator, only between digits.
                let (n, _) = Self::at(src, j + 1);
                if n.is_ascii_alphanumeric() {
                    prev = c;
                    i = j + 1;
                } else {
                    return i;
                }
            } else {
                return i;
            }
        }
    }

    /// The rest of a string or character literal from just after the opening
    /// quote; returns the index after the closing quote (or the line end on error).
    fn lex_quoted(&mut self, src: &[u8], mut i: usize, quote: u8) -> usize {
        loop {
            match src.get(i) {
                None | Some(b'\n') => {
                    let what = if quote == b'"' {
                        LexError::UnterminatedString
                    } else {
                        LexError::UnterminatedChar
                    };
                    self.error = Some((what, i as u32));
                    // A CR before the newline is not part of the token.
                    if i > 0 && src.get(i - 1) == Some(&b'\r') {
                        return i - 1;
                    }
                    return i;
                }
                Some(&c) if c == quote => return i + 1,
                Some(b'\\') => {
                    let n = splice_len(src, i);
                    if n > 0 {
                        i += n;
                    } else {
                        // An escape: skip the next character (itself maybe spliced).
                        let (_, j) = Self::at(src, i + 1);
                        // A newline ends the literal (unterminated) even after `\\`.
                        if j >= src.len() || src[j] == b'\n' {
                            i = j;
                        } else {
                            i = j + 1;
                        }
                    }
                }
                Some(_) => i += 1,
            }
        }
    }

    /// The punctuator at `start`, longest match, digraphs included.
    fn punct(src: &[u8], start: usize) -> (Option<Punct>, usize) {
        use Punct::*;
        let c0 = src[start];
        let (c1, i1) = Self::at(src, start + 1);
        let one = |p| (Some(p), start + 1);
        let two = |p| (Some(p), i1 + 1);
        match c0 {
            b'[' => one(LBracket),
            b']' => one(RBracket),
            b'(' => one(LParen),
            b')' => one(RParen),
            b'{' => one(LBrace),
            b'}' => one(RBrace),
            b'~' => one(Tilde),
            b'?' => one(Question),
            b';' => one(Semi),
            b',' => one(Comma),
            b'.' => {
                if c1 == b'.' {
                    let (c2, i2) = Self::at(src, i1 + 1);
                    if c2 == b'.' {
                        return (Some(Ellipsis), i2 + 1);
                    }
                }
                one(Dot)
            }
            b'-' => match c1 {
                b'>' => two(Arrow),
                b'-' => two(MinusMinus),
                b'=' => two(MinusAssign),
                _ => one(Minus),
            },
            b'+' => match c1 {
                b'+' => two(PlusPlus),
                b'=' => two(PlusAssign),
                _ => one(Plus),
            },
            b'&' => match c1 {
                b'&' => two(AmpAmp),
                b'=' => two(AmpAssign),
                _ => one(Amp),
            },
            b'|' => match c1 {
                b'|' => two(PipePipe),
                b'=' => two(PipeAssign),
                _ => one(Pipe),
            },
            b'*' => match c1 {
                b'=' => two(StarAssign),
                _ => one(Star),
            },
            b'/' => match c1 {
                b'=' => two(SlashAssign),
                _ => one(Slash),
            },
            b'^' => match c1 {
                b'=' => two(CaretAssign),
                _ => one(Caret),
            },
            b'!' => match c1 {
                b'=' => two(Ne),
                _ => one(Bang),
            },
            b'=' => match c1 {
                b'=' => two(EqEq),
                _ => one(Assign),
            },
            b':' => match c1 {
                b'>' => two(RBracket),
                _ => one(Colon),
            },
            b'#' => match c1 {
                b'#' => two(HashHash),
                _ => one(Hash),
            },
            b'%' => match c1 {
                b'=' => two(PercentAssign),
                b'>' => two(RBrace),
                b':' => {
                    let (c2, i2) = Self::at(src, i1 + 1);
                    if c2 == b'%' {
                        let (c3, i3) = Self::at(src, i2 + 1);
                        if c3 == b':' {
                            return (Some(HashHash), i3 + 1);
                        }
                    }
                    two(Hash)
                }
                _ => one(Percent),
            },
            b'<' => match c1 {
                b'<' => {
                    let (c2, i2) = Self::at(src, i1 + 1);
                    if c2 == b'=' {
                        (Some(ShlAssign), i2 + 1)
                    } else {
                        two(Shl)
                    }
                }
                b'=' => two(Le),
                b':' => two(LBracket),
                b'%' => two(LBrace),
                _ => one(Lt),
            },
            b'>' => match c1 {
                b'>' => {
                    let (c2, i2) = Self::at(src, i1 + 1);
                    if c2 == b'=' {
                        (Some(ShrAssign), i2 + 1)
                    } else {
                        two(Shr)
                    }
                }
                b'=' => two(Ge),
                _ => one(Gt),
            },
            _ => (None, start + 1),
        }
    }

    /// In directive mode: the text of a `<...>` header name starting after
    /// whitespace, as `(name, span end)`; `None` when the next character is not `<`.
    pub fn header_name(&mut self, src: &[u8]) -> Option<(String, usize, usize)> {
        self.skip_space(src)?;
        let (c, i) = Self::at(src, self.pos);
        if c != b'<' {
            return None;
        }
        let start = self.pos;
        let mut k = i + 1;
        while k < src.len() && src[k] != b'>' && src[k] != b'\n' {
            k += 1;
        }
        if k >= src.len() || src[k] != b'>' {
            return None;
        }
        let name = clean_spelling(&src[i + 1..k]);
        self.pos = k + 1;
        Some((String::from_utf8_lossy(&name).into_owned(), start, k + 1))
    }

    /// Skips the rest of the current line (a directive's tail or a skipped
    /// line), leaving the lexer at the start of the next line.
    pub fn skip_line(&mut self, src: &[u8]) {
        let was = self.in_directive;
        self.in_directive = true;
        let mut scratch_err = None;
        std::mem::swap(&mut scratch_err, &mut self.error);
        loop {
            if self.skip_space(src).is_none() {
                break;
            }
            if self.pos >= src.len() {
                break;
            }
            // Step over one token without interning: quotes need care so a
            // `//` inside a string is not a comment.
            let c = src[self.pos];
            if c == b'"' || c == b'\'' {
                self.pos = self.lex_quoted(src, self.pos + 1, c);
            } else {
                self.pos += 1;
            }
        }
        self.error = scratch_err;
        self.in_directive = was;
        if self.pos < src.len() {
            // Consume the newline.
            self.pos += 1;
        }
        self.at_line_start = true;
    }
}

/// Lexes a standalone string (a pasted token, a `-D` value) into tokens.
pub(crate) fn lex_string(text: &str, file: FileId, interner: &mut Interner) -> (Vec<Token>, bool) {
    let mut lx = Lexer::new(file);
    let mut out = Vec::new();
    loop {
        match lx.next(text.as_bytes(), interner) {
            Lexed::Token(t) => out.push(t),
            Lexed::Newline => {}
            Lexed::Eof => break,
        }
    }
    (out, lx.error.is_some())
}
