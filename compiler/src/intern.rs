//! String interning for identifiers and literal spellings.
//!
//! Tokens carry a [`Sym`] instead of a `String`, so that lexing, macro
//! expansion and parsing never allocate per token and compare names as
//! integers. C keywords are interned first, in the order of [`KEYWORDS`], so
//! the parser recognises them by index.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

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
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.hash = (self.hash.rotate_left(5) ^ u64::from_le_bytes(buf)).wrapping_mul(K);
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

pub struct Interner {
    map: HashMap<Box<str>, Sym, BuildHasherDefault<FxHasher>>,
    strings: Vec<Box<str>>,
}

impl Default for Interner {
    fn default() -> Self {
        Interner::new()
    }
}

impl Interner {
    pub fn new() -> Interner {
        let mut i = Interner {
            map: HashMap::with_capacity_and_hasher(4096, Default::default()),
            strings: Vec::with_capacity(4096),
        };
        for k in KEYWORDS {
            i.intern(k);
        }
        i
    }

    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&sym) = self.map.get(s) {
            return sym;
        }
        let sym = Sym(self.strings.len() as u32);
        let boxed: Box<str> = s.into();
        self.strings.push(boxed.clone());
        self.map.insert(boxed, sym);
        sym
    }

    /// Makes room for `additional` more strings (the preprocessor sizes the
    /// table from the input so it is not rehashed while lexing).
    pub fn reserve(&mut self, additional: usize) {
        self.map.reserve(additional);
        self.strings.reserve(additional);
    }

    /// The symbol for `s` if it was interned already.
    pub fn get(&self, s: &str) -> Option<Sym> {
        self.map.get(s).copied()
    }

    pub fn resolve(&self, sym: Sym) -> &str {
        &self.strings[sym.0 as usize]
    }

    /// The symbol of keyword `k`, which must be in [`KEYWORDS`].
    pub fn keyword(k: &str) -> Sym {
        Sym(KEYWORDS
            .iter()
            .position(|x| *x == k)
            .expect("not a keyword") as u32)
    }
}
