//! String interning for identifiers and literal spellings.
//!
//! Tokens carry a [`Sym`] instead of a `String`, so that lexing, macro
//! expansion and parsing never allocate per token and compare names as
//! integers. C keywords are interned first, in the order of [`KEYWORDS`], so
//! the parser recognises them by index.

use std::hash::Hasher;

/// FxHash (rustc's hasher): identifiers are short and not attacker-chosen,
/// and SipHash was the largest single cost of lexing vmlinux.h.
#[derive(Default)]
struct FxHasher {
    hash: u64,
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes(c.try_into().unwrap());
            self.hash = (self.hash.rotate_left(5) ^ v).wrapping_mul(K);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The tail as one word without a variable-length copy (a memcpy
            // call and a failed store forwarding on every short identifier):
            // overlapping 4/2/1-byte loads.
            let n = rest.len();
            let v = if n >= 4 {
                let lo = u32::from_le_bytes(rest[..4].try_into().unwrap()) as u64;
                let hi = u32::from_le_bytes(rest[n - 4..].try_into().unwrap()) as u64;
                lo | hi << 32
            } else {
                rest[0] as u64 | (rest[n / 2] as u64) << 8 | (rest[n - 1] as u64) << 16
            };
            // The length keeps tails that load alike apart ("ab" vs "abb").
            self.hash = (self.hash.rotate_left(5) ^ v ^ (n as u64) << 56).wrapping_mul(K);
        }
    }

    #[inline]
    fn write_u8(&mut self, b: u8) {
        self.hash = (self.hash.rotate_left(5) ^ b as u64).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// An interned string.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(pub u32);

/// C keywords and their GNU spellings, interned at fixed indices:
/// `Sym(i)` is `KEYWORDS[i]`.
pub const KEYWORDS: &[&str] = &[
    "auto",
    "break",
    "case",
    "char",
    "const",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extern",
    "float",
    "for",
    "goto",
    "if",
    "inline",
    "int",
    "long",
    "register",
    "restrict",
    "return",
    "short",
    "signed",
    "sizeof",
    "static",
    "struct",
    "switch",
    "typedef",
    "union",
    "unsigned",
    "void",
    "volatile",
    "while",
    "_Alignas",
    "_Alignof",
    "_Atomic",
    "_Bool",
    "_Complex",
    "_Generic",
    "_Imaginary",
    "_Noreturn",
    "_Static_assert",
    "_Thread_local",
    "__attribute__",
    "__attribute",
    "__asm__",
    "__asm",
    "asm",
    "__const",
    "__const__",
    "__inline",
    "__inline__",
    "__restrict",
    "__restrict__",
    "__signed",
    "__signed__",
    "__volatile",
    "__volatile__",
    "__typeof__",
    "__typeof",
    "typeof",
    "__typeof_unqual__",
    "__typeof_unqual",
    "typeof_unqual",
    "__extension__",
    "__alignof__",
    "__alignof",
    "alignof",
    "__int128",
    "__int128_t",
    "__uint128_t",
    "__label__",
    "__builtin_offsetof",
    "__builtin_va_arg",
    "__builtin_types_compatible_p",
    "__auto_type",
    "static_assert",
    "bool",
    "true",
    "false",
    "__thread",
    "thread_local",
    "__seg_fs",
    "__seg_gs",
    "__real__",
    "__imag__",
    "__builtin_va_list",
    "__builtin_choose_expr",
    "__builtin_convertvector",
    "__builtin_bit_cast",
    "nullptr",
    "_Float16",
    "__bf16",
];

/// The interned strings, and an open-addressing hash table over them.
///
/// Every identifier occurrence the lexer sees goes through [`Interner::intern`]
/// (a vmlinux.h has a quarter million, 62k of them distinct), and its cost is
/// cache misses, so the layout is built for them: one 8-byte slot per entry
/// holding 32 bits of the hash (a probe rarely touches a string that does not
/// match) and where the entry's record is; the record holds the symbol, the
/// length and the bytes together, so a lookup of a rarely used name misses
/// twice (slot, record) instead of three times (slot, symbol's span, bytes).
/// Records are back to back in one buffer: no allocation per new string.
///
/// A fork ([`Interner::fork`]) is a copy that follows its original: the
/// original's later strings are appended to it in the original's numbering
/// ([`Interner::strings_since`], [`Interner::append`]), so symbols made by
/// either mean the same string in the fork; strings the fork interns itself
/// get symbols from [`FORK_LOCAL`] up, which the original never makes. (The
/// preprocessor runs on its own thread with the original while the parser
/// and sema use a fork.) A string can then have two symbols in the fork, one
/// from each side; the fork's own lookups only find the strings it had when
/// forked and those it interned itself, so its own answers stay consistent.
#[derive(Clone)]
pub struct Interner {
    /// `0` is an empty slot; otherwise `(hash tag << 32) | (record offset + 1)`.
    slots: Vec<u64>,
    /// `log2(slots.len())`.
    slot_bits: u32,
    /// Per symbol: its index (u32 LE), its length (u32 LE), its bytes.
    records: Vec<u8>,
    /// `(start, end)` of each symbol's bytes in `records`, by symbol index.
    spans: Vec<(u32, u32)>,
    /// How many of `spans` are in the table: all of them, except in a fork,
    /// where the original's strings appended after the fork are not.
    indexed: usize,
    /// A fork's own strings: `local_spans[i]` is symbol `FORK_LOCAL + i`.
    local_spans: Vec<(u32, u32)>,
    forked: bool,
}

/// The first symbol of a fork's own strings.
pub const FORK_LOCAL: u32 = 1 << 31;

/// Strings an interner made after a given symbol, for its forks.
pub struct NewStrings {
    /// Their records, back to back (as in `Interner::records`).
    records: Vec<u8>,
    count: usize,
}

/// Bytes of a record before the string: symbol and length.
const RECORD_HEADER: usize = 8;

impl Default for Interner {
    fn default() -> Self {
        Interner::new()
    }
}

/// The FxHash of a string's bytes.
#[inline]
fn hash_str(s: &str) -> u64 {
    Interner::hash_of(s.as_bytes())
}

#[inline]
fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes(b[i..i + 4].try_into().unwrap())
}

/// `a == b` for slices of equal length, without a `memcmp` call for the
/// short strings identifiers are (two overlapping word compares).
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |x: &[u8], i: usize| u64::from_le_bytes(x[i..i + 8].try_into().unwrap());
    match n {
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        4..=7 => u32_at(a, 0) == u32_at(b, 0) && u32_at(a, n - 4) == u32_at(b, n - 4),
        0..=3 => a.iter().zip(b).all(|(x, y)| x == y),
        _ => a == b,
    }
}

impl Interner {
    pub fn new() -> Interner {
        let mut i = Interner {
            slots: Vec::new(),
            slot_bits: 0,
            records: Vec::with_capacity(64 * 1024),
            spans: Vec::with_capacity(4096),
            indexed: 0,
            local_spans: Vec::new(),
            forked: false,
        };
        i.grow_to(8192);
        for k in KEYWORDS {
            i.intern(k);
        }
        i
    }

    /// The symbol of `s` if interned, else the empty slot where it would go.
    #[inline]
    fn find(&self, s: &str, hash: u64) -> Result<Sym, usize> {
        let mask = self.slots.len() - 1;
        // FxHash's high bits are the well-mixed ones: index by them, tag with
        // the low half.
        let mut i = (hash >> (64 - self.slot_bits)) as usize;
        let tag = hash as u32;
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                return Err(i);
            }
            if (slot >> 32) as u32 == tag {
                let at = (slot as u32 - 1) as usize;
                let len = u32_at(&self.records, at + 4) as usize;
                let start = at + RECORD_HEADER;
                if len == s.len() && same_bytes(&self.records[start..start + len], s.as_bytes()) {
                    return Ok(Sym(u32_at(&self.records, at)));
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Where symbol `index`'s bytes are in `records`.
    #[inline]
    fn span(&self, index: usize) -> (u32, u32) {
        match self.spans.get(index) {
            Some(&span) => span,
            None => self.local_spans[index - FORK_LOCAL as usize],
        }
    }

    #[inline]
    fn str_at(&self, index: usize) -> &str {
        let (start, end) = self.span(index);
        let bytes = &self.records[start as usize..end as usize];
        // SAFETY: the bytes were copied from a `&str` by `intern`, whole.
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }

    /// Rebuilds the table with `capacity` slots (a power of two).
    fn grow_to(&mut self, capacity: usize) {
        debug_assert!(capacity.is_power_of_two());
        self.slot_bits = capacity.trailing_zeros();
        self.slots = vec![0; capacity];
        let mask = capacity - 1;
        let local = (0..self.local_spans.len()).map(|i| i + FORK_LOCAL as usize);
        for index in (0..self.indexed).chain(local) {
            let hash = hash_str(self.str_at(index));
            let mut i = (hash >> (64 - self.slot_bits)) as usize;
            while self.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            let record = self.span(index).0 as u64 - RECORD_HEADER as u64;
            self.slots[i] = ((hash as u32 as u64) << 32) | (record + 1);
        }
    }

    pub fn intern(&mut self, s: &str) -> Sym {
        self.intern_hashed(s, hash_str(s))
    }

    /// The hash [`Interner::intern_hashed`] and [`Interner::prefetch`] take.
    #[inline]
    pub fn hash_of(s: &[u8]) -> u64 {
        let mut h = FxHasher::default();
        h.write(s);
        h.finish()
    }

    /// Starts loading the table slot where `hash`'s string is looked up,
    /// so that interning it a little later does not wait for memory.
    #[inline]
    pub fn prefetch(&self, hash: u64) {
        let i = (hash >> (64 - self.slot_bits)) as usize;
        #[cfg(target_arch = "x86_64")]
        if let Some(slot) = self.slots.get(i) {
            // SAFETY: a prefetch has no effect but on the cache; the
            // address is an element of `slots`.
            unsafe {
                use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
                _mm_prefetch::<_MM_HINT_T0>((slot as *const u64).cast());
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = i;
    }

    /// [`Interner::intern`] with `s`'s hash ([`Interner::hash_of`]) known.
    #[inline]
    pub fn intern_hashed(&mut self, s: &str, hash: u64) -> Sym {
        debug_assert_eq!(hash, hash_str(s));
        let empty = match self.find(s, hash) {
            Ok(sym) => return sym,
            Err(empty) => empty,
        };
        let index = if self.forked {
            FORK_LOCAL + self.local_spans.len() as u32
        } else {
            self.spans.len() as u32
        };
        let record = self.records.len();
        self.records.extend_from_slice(&index.to_le_bytes());
        self.records
            .extend_from_slice(&(s.len() as u32).to_le_bytes());
        self.records.extend_from_slice(s.as_bytes());
        // `+ 1` in the slot: the last record's offset must fit too.
        assert!(
            self.records.len() < u32::MAX as usize,
            "interned strings exceed 4 GiB"
        );
        let span = ((record + RECORD_HEADER) as u32, self.records.len() as u32);
        if self.forked {
            self.local_spans.push(span);
        } else {
            self.spans.push(span);
            self.indexed += 1;
        }
        self.slots[empty] = ((hash as u32 as u64) << 32) | (record as u64 + 1);
        // Keep the load at most one half: probes stay short.
        if (self.indexed + self.local_spans.len()) * 2 > self.slots.len() {
            self.grow_to(self.slots.len() * 2);
        }
        Sym(index)
    }

    /// Makes room for `additional` more strings (the preprocessor sizes the
    /// table from the input so it is not rehashed while lexing).
    pub fn reserve(&mut self, additional: usize) {
        let needed = (self.spans.len() + additional) * 2;
        if needed > self.slots.len() {
            self.grow_to(needed.next_power_of_two());
        }
        self.spans.reserve(additional);
    }

    /// A copy that goes on from here, following this interner through
    /// [`Interner::append`] (see the type's documentation).
    pub fn fork(&self) -> Interner {
        Interner {
            forked: true,
            ..self.clone()
        }
    }

    /// The number of strings interned (not counting a fork's own).
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The strings interned from symbol `from` on, for a fork of this
    /// interner that has the ones before.
    pub fn strings_since(&self, from: usize) -> NewStrings {
        debug_assert!(!self.forked, "a fork's strings are not numbered for others");
        let start = match self.spans.get(from) {
            Some(&(start, _)) => start as usize - RECORD_HEADER,
            None => self.records.len(),
        };
        NewStrings {
            records: self.records[start..].to_vec(),
            count: self.spans.len().saturating_sub(from),
        }
    }

    /// Appends the original's strings `new` (which continue this fork's
    /// copy of them) under the original's symbols; they are not added to
    /// the table (see the type's documentation).
    pub fn append(&mut self, new: &NewStrings) {
        let mut at = 0;
        for _ in 0..new.count {
            let len = u32_at(&new.records, at + 4) as usize;
            debug_assert_eq!(u32_at(&new.records, at) as usize, self.spans.len());
            let start = self.records.len();
            self.records
                .extend_from_slice(&new.records[at..at + RECORD_HEADER + len]);
            self.spans
                .push(((start + RECORD_HEADER) as u32, self.records.len() as u32));
            at += RECORD_HEADER + len;
        }
        assert!(
            self.records.len() < u32::MAX as usize,
            "interned strings exceed 4 GiB"
        );
    }

    /// The symbol for `s` if it was interned already.
    pub fn get(&self, s: &str) -> Option<Sym> {
        self.find(s, hash_str(s)).ok()
    }

    pub fn resolve(&self, sym: Sym) -> &str {
        self.str_at(sym.0 as usize)
    }

    /// The symbol of keyword `k`, which must be in [`KEYWORDS`].
    pub fn keyword(k: &str) -> Sym {
        Sym(KEYWORDS
            .iter()
            .position(|x| *x == k)
            .expect("not a keyword") as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_have_fixed_symbols() {
        let i = Interner::new();
        for (n, k) in KEYWORDS.iter().enumerate() {
            assert_eq!(i.get(k), Some(Sym(n as u32)));
            assert_eq!(i.resolve(Sym(n as u32)), *k);
        }
        assert_eq!(Interner::keyword("while"), i.get("while").unwrap());
    }

    #[test]
    fn same_string_same_symbol_across_growth() {
        let mut i = Interner::new();
        let names: Vec<String> = (0..50_000).map(|n| format!("name_{n}")).collect();
        let syms: Vec<Sym> = names.iter().map(|s| i.intern(s)).collect();
        for (s, &sym) in names.iter().zip(&syms) {
            assert_eq!(i.intern(s), sym);
            assert_eq!(i.get(s), Some(sym));
            assert_eq!(i.resolve(sym), s);
        }
        let distinct: std::collections::BTreeSet<Sym> = syms.iter().copied().collect();
        assert_eq!(distinct.len(), names.len());
        assert_eq!(i.get("name_50000"), None);
    }

    #[test]
    fn strings_differing_in_one_byte_are_distinct_at_every_length() {
        // Every length the word-compare and tail-hash paths distinguish, with
        // the difference at each position (first, middle, last word).
        let mut i = Interner::new();
        let mut seen = std::collections::BTreeMap::new();
        for len in 0..40 {
            let base = "x".repeat(len);
            for at in 0..len {
                let mut v = base.clone().into_bytes();
                v[at] = b'y';
                let s = String::from_utf8(v).unwrap();
                assert!(seen.insert(s.clone(), i.intern(&s)).is_none());
            }
            seen.insert(base.clone(), i.intern(&base));
        }
        let distinct: std::collections::BTreeSet<Sym> = seen.values().copied().collect();
        assert_eq!(distinct.len(), seen.len());
        for (s, &sym) in &seen {
            assert_eq!(i.get(s), Some(sym));
            assert_eq!(i.resolve(sym), s);
        }
    }

    #[test]
    fn same_bytes_is_slice_equality() {
        for len in 0..40 {
            let a = vec![b'x'; len];
            assert!(same_bytes(&a, &a.clone()));
            for at in 0..len {
                let mut b = a.clone();
                b[at] = b'y';
                assert!(!same_bytes(&a, &b), "length {len}, difference at {at}");
            }
            assert!(!same_bytes(&a, &vec![b'x'; len + 1]));
        }
    }

    #[test]
    fn empty_and_prefix_strings_are_distinct() {
        let mut i = Interner::new();
        i.reserve(10);
        let e = i.intern("");
        let a = i.intern("abcdefgh");
        let b = i.intern("abcdefgh\0");
        let c = i.intern("abcdefg");
        assert!(e != a && a != b && b != c && a != c);
        assert_eq!(i.resolve(e), "");
        assert_eq!(i.resolve(b), "abcdefgh\0");
    }

    #[test]
    fn a_fork_follows_its_original_and_keeps_its_own_strings_apart() {
        let mut original = Interner::new();
        let a = original.intern("alpha");
        let mut fork = original.fork();
        assert_eq!(fork.intern("alpha"), a);
        // Interned on both sides after the fork.
        let mine = fork.intern("mine");
        let b = original.intern("beta");
        let also = original.intern("mine");
        assert!(mine.0 >= FORK_LOCAL && also.0 < FORK_LOCAL);
        fork.append(&original.strings_since(fork.len()));
        assert_eq!(fork.resolve(b), "beta");
        assert_eq!(fork.resolve(also), "mine");
        assert_eq!(fork.resolve(mine), "mine");
        // The fork's own lookups stay with its own symbol, through growth.
        for n in 0..20_000 {
            fork.intern(&format!("local_{n}"));
        }
        assert_eq!(fork.intern("mine"), mine);
        assert_eq!(fork.get("alpha"), Some(a));
        assert_eq!(fork.get("beta"), None, "appended strings are not looked up");
        for n in 0..20_000 {
            let s = format!("local_{n}");
            assert_eq!(fork.resolve(fork.get(&s).unwrap()), s);
        }
        // Nothing new: appending nothing changes nothing.
        let n = fork.len();
        fork.append(&original.strings_since(original.len()));
        assert_eq!(fork.len(), n);
    }
}
