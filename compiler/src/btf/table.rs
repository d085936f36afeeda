//! The BTF type and string tables and their binary encoding
//! (`include/uapi/linux/btf.h`, Documentation/bpf/btf.rst).
//!
//! Types are kept structured until [`BtfTable::encode`] so that references
//! to not-yet-decided types (a struct seen only through a pointer inside
//! another struct, which becomes a forward declaration unless it is defined
//! elsewhere, as clang does) can be patched at the end.

use std::collections::HashMap;

pub const BTF_MAGIC: u16 = 0xeb9f;

pub const KIND_INT: u32 = 1;
pub const KIND_PTR: u32 = 2;
pub const KIND_ARRAY: u32 = 3;
pub const KIND_STRUCT: u32 = 4;
pub const KIND_UNION: u32 = 5;
pub const KIND_ENUM: u32 = 6;
pub const KIND_FWD: u32 = 7;
pub const KIND_TYPEDEF: u32 = 8;
pub const KIND_VOLATILE: u32 = 9;
pub const KIND_CONST: u32 = 10;
pub const KIND_RESTRICT: u32 = 11;
pub const KIND_FUNC: u32 = 12;
pub const KIND_FUNC_PROTO: u32 = 13;
pub const KIND_VAR: u32 = 14;
pub const KIND_DATASEC: u32 = 15;
pub const KIND_FLOAT: u32 = 16;
pub const KIND_DECL_TAG: u32 = 17;
pub const KIND_TYPE_TAG: u32 = 18;
pub const KIND_ENUM64: u32 = 19;

/// `BTF_INT_SIGNED`, `BTF_INT_CHAR`, `BTF_INT_BOOL`.
pub const INT_SIGNED: u32 = 1;
pub const INT_BOOL: u32 = 4;

/// FUNC linkage (`BTF_FUNC_STATIC`, `_GLOBAL`, `_EXTERN`); VAR linkage uses
/// the same numbers (`BTF_VAR_STATIC`, `_GLOBAL_ALLOCATED`, `_GLOBAL_EXTERN`).
pub const LINKAGE_STATIC: u32 = 0;
pub const LINKAGE_GLOBAL: u32 = 1;
pub const LINKAGE_EXTERN: u32 = 2;

/// Ids from this value up are placeholders for types decided at the end
/// ([`BtfTable::resolve_placeholders`]); no real table gets this big.
pub const PLACEHOLDER_BASE: u32 = 0xf000_0000;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Member {
    pub name: u32,
    pub ty: u32,
    /// Bit offset; with `bitfield_size` when the record has bitfields.
    pub bit_offset: u32,
    pub bitfield_size: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SecInfo {
    pub ty: u32,
    pub offset: u32,
    pub size: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum BtfKind {
    Int {
        size: u32,
        encoding: u32,
        bits: u32,
    },
    Ptr(u32),
    Array {
        elem: u32,
        index: u32,
        len: u32,
    },
    Record {
        is_union: bool,
        size: u32,
        /// `kind_flag`: member offsets carry bitfield sizes.
        has_bitfields: bool,
        members: Vec<Member>,
    },
    Enum {
        signed: bool,
        size: u32,
        values: Vec<(u32, i64)>,
    },
    Fwd {
        is_union: bool,
    },
    Typedef(u32),
    Volatile(u32),
    Const(u32),
    Restrict(u32),
    Func {
        proto: u32,
        linkage: u32,
    },
    FuncProto {
        ret: u32,
        /// (name, type); a trailing `(0, 0)` marks a variadic function.
        params: Vec<(u32, u32)>,
    },
    Var {
        ty: u32,
        linkage: u32,
    },
    Datasec {
        size: u32,
        vars: Vec<SecInfo>,
    },
    Float {
        size: u32,
    },
    DeclTag {
        ty: u32,
        component: i32,
    },
    TypeTag(u32),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BtfType {
    /// Offset of the name in the string table (0: anonymous).
    pub name: u32,
    pub kind: BtfKind,
}

/// The string section: NUL-terminated strings, offset 0 the empty string,
/// each distinct string stored once.
pub struct StringTable {
    bytes: Vec<u8>,
    offsets: HashMap<Vec<u8>, u32>,
}

impl Default for StringTable {
    fn default() -> Self {
        StringTable {
            bytes: vec![0],
            offsets: HashMap::new(),
        }
    }
}

impl StringTable {
    pub fn add(&mut self, s: &[u8]) -> u32 {
        if s.is_empty() {
            return 0;
        }
        if let Some(&o) = self.offsets.get(s) {
            return o;
        }
        let o = self.bytes.len() as u32;
        self.bytes.extend_from_slice(s);
        self.bytes.push(0);
        self.offsets.insert(s.to_vec(), o);
        o
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The string at `offset` (for tests and dumps).
    pub fn get(&self, offset: u32) -> &[u8] {
        let rest = &self.bytes[offset as usize..];
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        &rest[..end]
    }
}

/// Types by id (id 0 is `void`, so `types[i]` has id `i + 1`).
#[derive(Default)]
pub struct BtfTable {
    pub types: Vec<BtfType>,
    pub strings: StringTable,
    /// Structural dedup of types that have no identity of their own
    /// (everything but records, enums, forward declarations and functions).
    dedup: HashMap<BtfType, u32>,
}

impl BtfTable {
    /// Appends a type and returns its id.
    pub fn push(&mut self, t: BtfType) -> u32 {
        self.types.push(t);
        self.types.len() as u32
    }

    /// Returns the id of an identical type already in the table, else
    /// appends it.
    pub fn intern(&mut self, t: BtfType) -> u32 {
        if let Some(&id) = self.dedup.get(&t) {
            return id;
        }
        let id = self.push(t.clone());
        self.dedup.insert(t, id);
        id
    }

    pub fn get(&self, id: u32) -> &BtfType {
        &self.types[id as usize - 1]
    }

    pub fn get_mut(&mut self, id: u32) -> &mut BtfType {
        &mut self.types[id as usize - 1]
    }

    /// Replaces every reference `>= PLACEHOLDER_BASE` by `map(placeholder)`.
    pub fn resolve_placeholders(&mut self, map: impl Fn(u32) -> u32) {
        let fix = |r: &mut u32| {
            if *r >= PLACEHOLDER_BASE {
                *r = map(*r);
            }
        };
        for t in &mut self.types {
            match &mut t.kind {
                BtfKind::Ptr(r)
                | BtfKind::Typedef(r)
                | BtfKind::Volatile(r)
                | BtfKind::Const(r)
                | BtfKind::Restrict(r)
                | BtfKind::TypeTag(r) => fix(r),
                BtfKind::Array { elem, .. } => fix(elem),
                BtfKind::Record { members, .. } => members.iter_mut().for_each(|m| fix(&mut m.ty)),
                BtfKind::FuncProto { ret, params } => {
                    fix(ret);
                    params.iter_mut().for_each(|(_, t)| fix(t));
                }
                BtfKind::Var { ty, .. } | BtfKind::DeclTag { ty, .. } => fix(ty),
                BtfKind::Func { proto, .. } => fix(proto),
                BtfKind::Datasec { vars, .. } => vars.iter_mut().for_each(|v| fix(&mut v.ty)),
                BtfKind::Int { .. }
                | BtfKind::Enum { .. }
                | BtfKind::Fwd { .. }
                | BtfKind::Float { .. } => {}
            }
        }
    }

    /// The `.BTF` section: header, type section, string section.
    pub fn encode(&self) -> Vec<u8> {
        let mut types: Vec<u8> = Vec::new();
        let mut w = |v: u32| types.extend_from_slice(&v.to_le_bytes());
        for t in &self.types {
            let info = |kind: u32, vlen: usize, kind_flag: bool| {
                (kind << 24) | (vlen as u32 & 0xffff) | ((kind_flag as u32) << 31)
            };
            match &t.kind {
                BtfKind::Int {
                    size,
                    encoding,
                    bits,
                } => {
                    w(t.name);
                    w(info(KIND_INT, 0, false));
                    w(*size);
                    w((encoding << 24) | bits);
                }
                BtfKind::Ptr(r) => {
                    w(t.name);
                    w(info(KIND_PTR, 0, false));
                    w(*r);
                }
                BtfKind::Array { elem, index, len } => {
                    w(t.name);
                    w(info(KIND_ARRAY, 0, false));
                    w(0);
                    w(*elem);
                    w(*index);
                    w(*len);
                }
                BtfKind::Record {
                    is_union,
                    size,
                    has_bitfields,
                    members,
                } => {
                    let kind = if *is_union { KIND_UNION } else { KIND_STRUCT };
                    w(t.name);
                    w(info(kind, members.len(), *has_bitfields));
                    w(*size);
                    for m in members {
                        w(m.name);
                        w(m.ty);
                        if *has_bitfields {
                            w((m.bitfield_size << 24) | m.bit_offset);
                        } else {
                            w(m.bit_offset);
                        }
                    }
                }
                BtfKind::Enum {
                    signed,
                    size,
                    values,
                } => {
                    let kind = if *size == 8 { KIND_ENUM64 } else { KIND_ENUM };
                    w(t.name);
                    w(info(kind, values.len(), *signed));
                    w(*size);
                    for &(name, v) in values {
                        w(name);
                        w(v as u32);
                        if kind == KIND_ENUM64 {
                            w((v as u64 >> 32) as u32);
                        }
                    }
                }
                BtfKind::Fwd { is_union } => {
                    w(t.name);
                    w(info(KIND_FWD, 0, *is_union));
                    w(0);
                }
                BtfKind::Typedef(r) => {
                    w(t.name);
                    w(info(KIND_TYPEDEF, 0, false));
                    w(*r);
                }
                BtfKind::Volatile(r) => {
                    w(t.name);
                    w(info(KIND_VOLATILE, 0, false));
                    w(*r);
                }
                BtfKind::Const(r) => {
                    w(t.name);
                    w(info(KIND_CONST, 0, false));
                    w(*r);
                }
                BtfKind::Restrict(r) => {
                    w(t.name);
                    w(info(KIND_RESTRICT, 0, false));
                    w(*r);
                }
                BtfKind::Func { proto, linkage } => {
                    w(t.name);
                    w(info(KIND_FUNC, *linkage as usize, false));
                    w(*proto);
                }
                BtfKind::FuncProto { ret, params } => {
                    w(t.name);
                    w(info(KIND_FUNC_PROTO, params.len(), false));
                    w(*ret);
                    for &(name, ty) in params {
                        w(name);
                        w(ty);
                    }
                }
                BtfKind::Var { ty, linkage } => {
                    w(t.name);
                    w(info(KIND_VAR, 0, false));
                    w(*ty);
                    w(*linkage);
                }
                BtfKind::Datasec { size, vars } => {
                    w(t.name);
                    w(info(KIND_DATASEC, vars.len(), false));
                    w(*size);
                    for v in vars {
                        w(v.ty);
                        w(v.offset);
                        w(v.size);
                    }
                }
                BtfKind::Float { size } => {
                    w(t.name);
                    w(info(KIND_FLOAT, 0, false));
                    w(*size);
                }
                BtfKind::DeclTag { ty, component } => {
                    w(t.name);
                    w(info(KIND_DECL_TAG, 0, false));
                    w(*ty);
                    w(*component as u32);
                }
                BtfKind::TypeTag(r) => {
                    w(t.name);
                    w(info(KIND_TYPE_TAG, 0, false));
                    w(*r);
                }
            }
        }
        let strings = self.strings.bytes();
        let mut out = Vec::with_capacity(24 + types.len() + strings.len());
        out.extend_from_slice(&BTF_MAGIC.to_le_bytes());
        out.push(1); // version
        out.push(0); // flags
        for v in [24u32, 0, types.len() as u32, types.len() as u32, strings.len() as u32] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&types);
        out.extend_from_slice(strings);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_stored_once() {
        let mut s = StringTable::default();
        let a = s.add(b"int");
        let b = s.add(b"long");
        assert_eq!(s.add(b"int"), a);
        assert_eq!(s.add(b""), 0);
        assert_eq!(s.get(b), b"long");
        assert_eq!(s.bytes(), b"\0int\0long\0");
    }

    #[test]
    fn int_and_pointer_encoding() {
        let mut t = BtfTable::default();
        let name = t.strings.add(b"int");
        let int = t.intern(BtfType {
            name,
            kind: BtfKind::Int {
                size: 4,
                encoding: INT_SIGNED,
                bits: 32,
            },
        });
        let p = t.intern(BtfType {
            name: 0,
            kind: BtfKind::Ptr(int),
        });
        assert_eq!(
            t.intern(BtfType {
                name: 0,
                kind: BtfKind::Ptr(int)
            }),
            p
        );
        let b = t.encode();
        assert_eq!(&b[0..4], &[0x9f, 0xeb, 1, 0]);
        let u = |o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap());
        assert_eq!(u(4), 24);
        assert_eq!(u(12), 16 + 12); // type_len
        assert_eq!(u(16), 28); // str_off
        assert_eq!(u(20), 5); // "\0int\0"
        assert_eq!(u(24), name);
        assert_eq!(u(28), KIND_INT << 24);
        assert_eq!(u(32), 4);
        assert_eq!(u(36), (INT_SIGNED << 24) | 32);
        assert_eq!(u(44), KIND_PTR << 24);
        assert_eq!(u(48), 1);
    }

    #[test]
    fn placeholders_are_patched() {
        let mut t = BtfTable::default();
        let p = t.push(BtfType {
            name: 0,
            kind: BtfKind::Ptr(PLACEHOLDER_BASE + 3),
        });
        t.resolve_placeholders(|ph| ph - PLACEHOLDER_BASE + 10);
        assert_eq!(t.get(p).kind, BtfKind::Ptr(13));
    }
}
