//! C types (sema's [`TypeTable`]) to BTF types, with clang's conventions:
//! typedefs kept, qualifiers as CONST → VOLATILE → RESTRICT chains,
//! `btf_type_tag`s between a pointer and its pointee, `char` as a signed INT,
//! enum signedness in `kind_flag` and 64-bit enums as ENUM64, and a named
//! struct or union reached only through a pointer inside another record
//! emitted as a forward declaration (FWD) unless it is defined elsewhere.

use super::table::*;
use crate::intern::{Interner, Sym};
use crate::sema::types::{
    EnumId, FunctionType, IntKind, QualType, RecordId, TypeId, TypeKind, TypeTable,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Where a type is being converted, for clang's forward-declaration rule.
#[derive(Copy, Clone, PartialEq, Eq)]
pub enum Ctx {
    Normal,
    /// The type of a record member.
    Member,
    /// Below a pointer in a record member's type.
    MemberPointee,
}

pub struct Converter<'a> {
    pub types: &'a TypeTable,
    pub interner: &'a Interner,
    pub table: BtfTable,
    memo: HashMap<TypeId, u32>,
    records: BTreeMap<RecordId, u32>,
    enums: BTreeMap<EnumId, u32>,
    /// Records referred to before being decided, in order: placeholder
    /// `PLACEHOLDER_BASE + i` stands for `deferred[i]`.
    deferred: Vec<RecordId>,
    deferred_index: BTreeMap<RecordId, u32>,
    array_index: Option<u32>,
    /// BTF typedefs whose `btf_decl_tag`s are written (once each).
    tagged_typedefs: BTreeSet<u32>,
}

impl<'a> Converter<'a> {
    pub fn new(types: &'a TypeTable, interner: &'a Interner) -> Self {
        Converter {
            types,
            interner,
            table: BtfTable::default(),
            memo: HashMap::new(),
            records: BTreeMap::new(),
            enums: BTreeMap::new(),
            deferred: Vec::new(),
            deferred_index: BTreeMap::new(),
            array_index: None,
            tagged_typedefs: BTreeSet::new(),
        }
    }

    /// A DECL_TAG `tag` on `target` (`component` -1: the whole thing; else a
    /// member's or parameter's index).
    pub fn decl_tag(&mut self, target: u32, component: i32, tag: &[u8]) {
        let name = self.str(tag);
        self.table.push(BtfType {
            name,
            kind: BtfKind::DeclTag {
                ty: target,
                component,
            },
        });
    }

    pub fn str(&mut self, s: &[u8]) -> u32 {
        self.table.strings.add(s)
    }

    pub fn sym(&mut self, s: Sym) -> u32 {
        let text = self.interner.resolve(s);
        self.table.strings.add(text.as_bytes())
    }

    fn wrap(&mut self, kind: BtfKind) -> u32 {
        self.table.intern(BtfType { name: 0, kind })
    }

    /// A qualified type: `const` outermost, then `volatile`, then `restrict`.
    pub fn qual(&mut self, qt: QualType, ctx: Ctx) -> u32 {
        let mut id = self.ty(qt.ty, ctx);
        if qt.quals.is_restrict {
            id = self.wrap(BtfKind::Restrict(id));
        }
        if qt.quals.is_volatile {
            id = self.wrap(BtfKind::Volatile(id));
        }
        if qt.quals.is_const {
            id = self.wrap(BtfKind::Const(id));
        }
        id
    }

    pub fn ty(&mut self, id: TypeId, ctx: Ctx) -> u32 {
        if let Some(&b) = self.memo.get(&id) {
            if ctx != Ctx::MemberPointee {
                self.complete_deferred(id, ctx);
            }
            return b;
        }
        let types = self.types;
        let b = match types.kind(id) {
            TypeKind::Void => 0,
            TypeKind::Int(k) => self.int(*k),
            TypeKind::Float { size } => {
                let name = match size {
                    2 => "_Float16",
                    4 => "float",
                    8 => "double",
                    _ => "long double",
                };
                let name = self.str(name.as_bytes());
                self.table.intern(BtfType {
                    name,
                    kind: BtfKind::Float { size: *size as u32 },
                })
            }
            TypeKind::Pointer { pointee, type_tags } => {
                let inner_ctx = if ctx == Ctx::Normal {
                    Ctx::Normal
                } else {
                    Ctx::MemberPointee
                };
                let mut inner = self.qual(*pointee, inner_ctx);
                // `int __a __b *`: PTR → TYPE_TAG b → TYPE_TAG a → int.
                for &tag in type_tags {
                    let name = self.sym(tag);
                    inner = self.table.intern(BtfType {
                        name,
                        kind: BtfKind::TypeTag(inner),
                    });
                }
                self.wrap(BtfKind::Ptr(inner))
            }
            TypeKind::Array { elem, len } => {
                let elem = self.qual(*elem, Ctx::Normal);
                let index = self.array_index_type();
                self.wrap(BtfKind::Array {
                    elem,
                    index,
                    len: len.unwrap_or(0) as u32,
                })
            }
            TypeKind::Function(ft) => self.proto(ft, &[]),
            TypeKind::Record(r) => return self.record(*r, ctx),
            TypeKind::Enum(e) => self.enumeration(*e),
            TypeKind::Typedef { name, target } => {
                let target = self.qual(*target, ctx);
                let name = self.sym(*name);
                let t = self.table.intern(BtfType {
                    name,
                    kind: BtfKind::Typedef(target),
                });
                if let Some(tags) = self.types.typedef_decl_tags.get(&id) {
                    if self.tagged_typedefs.insert(t) {
                        for tag in tags {
                            self.decl_tag(t, -1, tag);
                        }
                    }
                }
                t
            }
            TypeKind::VaList => {
                // `__builtin_va_list` is `char *` on BPF.
                let c = self.int(IntKind::Char);
                let p = self.wrap(BtfKind::Ptr(c));
                let name = self.str(b"__builtin_va_list");
                self.table.intern(BtfType {
                    name,
                    kind: BtfKind::Typedef(p),
                })
            }
        };
        self.memo.insert(id, b);
        b
    }

    /// `id` was converted before, maybe below a member's pointer, where a
    /// struct it leads to was deferred. Reached now from elsewhere, follow
    /// its pointers and typedefs to the first type not converted yet and
    /// convert it in this context, so that such a struct gets defined (what
    /// clang's `visitTypeEntry` does on a type it has seen).
    fn complete_deferred(&mut self, id: TypeId, ctx: Ctx) {
        let types = self.types;
        let mut t = id;
        let mut seen_pointer = false;
        loop {
            let next = match types.kind(t) {
                TypeKind::Pointer { pointee, .. } => {
                    seen_pointer |= ctx == Ctx::Member;
                    pointee.ty
                }
                TypeKind::Typedef { target, .. } => target.ty,
                _ => return,
            };
            let next_ctx = if seen_pointer {
                Ctx::MemberPointee
            } else {
                ctx
            };
            match types.kind(next) {
                TypeKind::Record(r) if !self.records.contains_key(r) => {
                    self.record(*r, next_ctx);
                    return;
                }
                _ if !self.memo.contains_key(&next) => {
                    self.ty(next, next_ctx);
                    return;
                }
                _ => t = next,
            }
        }
    }

    pub fn int(&mut self, k: IntKind) -> u32 {
        use IntKind::*;
        let name = match k {
            Bool => "_Bool",
            Char => "char",
            SChar => "signed char",
            UChar => "unsigned char",
            Short => "short",
            UShort => "unsigned short",
            Int => "int",
            UInt => "unsigned int",
            Long => "long",
            ULong => "unsigned long",
            LongLong => "long long",
            ULongLong => "unsigned long long",
            Int128 => "__int128",
            UInt128 => "unsigned __int128",
        };
        let encoding = if k == Bool {
            INT_BOOL
        } else if k.is_signed() {
            INT_SIGNED
        } else {
            0
        };
        let name = self.str(name.as_bytes());
        self.table.intern(BtfType {
            name,
            kind: BtfKind::Int {
                size: k.size() as u32,
                encoding,
                bits: k.size() as u32 * 8,
            },
        })
    }

    /// The index type of every ARRAY, as clang names it.
    fn array_index_type(&mut self) -> u32 {
        if let Some(id) = self.array_index {
            return id;
        }
        let name = self.str(b"__ARRAY_SIZE_TYPE__");
        let id = self.table.intern(BtfType {
            name,
            kind: BtfKind::Int {
                size: 4,
                encoding: 0,
                bits: 32,
            },
        });
        self.array_index = Some(id);
        id
    }

    /// A FUNC_PROTO; `names` gives parameter names where known.
    pub fn proto(&mut self, ft: &FunctionType, names: &[Option<Sym>]) -> u32 {
        let ret = self.qual(ft.ret, Ctx::Normal);
        let mut params = Vec::with_capacity(ft.params.len() + 1);
        for (i, p) in ft.params.iter().enumerate() {
            let ty = self.qual(*p, Ctx::Normal);
            let name = match names.get(i).copied().flatten() {
                Some(s) => self.sym(s),
                None => 0,
            };
            params.push((name, ty));
        }
        if ft.variadic {
            params.push((0, 0));
        }
        self.table.push(BtfType {
            name: 0,
            kind: BtfKind::FuncProto { ret, params },
        })
    }

    fn record(&mut self, r: RecordId, ctx: Ctx) -> u32 {
        if let Some(&id) = self.records.get(&r) {
            return id;
        }
        let def = &self.types.records[r];
        if ctx == Ctx::MemberPointee && def.name.is_some() && def.complete {
            let next = self.deferred.len() as u32;
            let i = *self.deferred_index.entry(r).or_insert(next);
            if i == next {
                self.deferred.push(r);
            }
            return PLACEHOLDER_BASE + i;
        }
        let name = def.name.map_or(0, |n| self.sym(n));
        if !def.complete {
            let id = self.table.push(BtfType {
                name,
                kind: BtfKind::Fwd {
                    is_union: def.is_union,
                },
            });
            self.records.insert(r, id);
            return id;
        }
        let has_bitfields = def.fields.iter().any(|f| f.bitfield.is_some());
        let id = self.table.push(BtfType {
            name,
            kind: BtfKind::Record {
                is_union: def.is_union,
                size: def.size as u32,
                has_bitfields,
                members: Vec::new(),
            },
        });
        self.records.insert(r, id);
        let mut members = Vec::with_capacity(def.fields.len());
        // (member index, its `btf_decl_tag`s): DECL_TAGs with a component index.
        let mut tagged: Vec<(usize, Vec<Vec<u8>>)> = Vec::new();
        for f in &def.fields {
            // Unnamed bitfields are padding: clang's debug info leaves them out.
            if f.name.is_none() && f.bitfield.is_some() {
                continue;
            }
            if !f.decl_tags.is_empty() {
                tagged.push((members.len(), f.decl_tags.to_vec()));
            }
            let ty = self.qual(f.ty, Ctx::Member);
            let name = f.name.map_or(0, |n| self.sym(n));
            let (bit_offset, bitfield_size) = match f.bitfield {
                Some(bf) => (f.offset as u32 * 8 + bf.bit_offset, bf.width),
                None => (f.offset as u32 * 8, 0),
            };
            members.push(Member {
                name,
                ty,
                bit_offset,
                bitfield_size,
            });
        }
        if let BtfKind::Record { members: m, .. } = &mut self.table.get_mut(id).kind {
            *m = members;
        }
        // clang's order: the record's own tags, then its members'.
        for tag in &def.decl_tags {
            self.decl_tag(id, -1, tag);
        }
        for (index, tags) in tagged {
            for tag in tags {
                self.decl_tag(id, index as i32, &tag);
            }
        }
        id
    }

    fn enumeration(&mut self, e: EnumId) -> u32 {
        if let Some(&id) = self.enums.get(&e) {
            return id;
        }
        let def = &self.types.enums[e];
        let name = def.name.map_or(0, |n| self.sym(n));
        let values = def
            .values
            .iter()
            .map(|&(n, v)| (self.sym(n), v))
            .collect::<Vec<_>>();
        let id = self.table.push(BtfType {
            name,
            kind: BtfKind::Enum {
                signed: def.underlying.is_signed(),
                size: def.underlying.size() as u32,
                values,
            },
        });
        self.enums.insert(e, id);
        id
    }

    /// The type of a variable in `.maps`: the key, value and inner-map types
    /// its members point to are emitted in full (as clang's
    /// `visitMapDefType` does), then the variable's own type.
    pub fn map_definition(&mut self, qt: QualType) -> u32 {
        let types = self.types;
        let mut t = types.canonical(qt.ty);
        while let TypeKind::Array { elem, .. } = types.kind(t) {
            t = types.canonical(elem.ty);
        }
        if let TypeKind::Record(r) = types.kind(t) {
            for f in &types.records[*r].fields {
                let mut ft = types.canonical(f.ty.ty);
                // `__array(values, struct inner)`: an array of pointers.
                while let TypeKind::Array { elem, .. } = types.kind(ft) {
                    ft = types.canonical(elem.ty);
                }
                if let TypeKind::Pointer { pointee, .. } = types.kind(ft) {
                    self.qual(*pointee, Ctx::Normal);
                }
            }
        }
        self.qual(qt, Ctx::Normal)
    }

    /// Decides the deferred records: the full type if it was emitted
    /// meanwhile, else a FWD; then patches every placeholder reference.
    pub fn finish(mut self) -> BtfTable {
        let mut resolved = Vec::with_capacity(self.deferred.len());
        for &r in &self.deferred.clone() {
            let id = match self.records.get(&r) {
                Some(&id) => id,
                None => {
                    let def = &self.types.records[r];
                    let name = def.name.map_or(0, |n| self.sym(n));
                    let id = self.table.push(BtfType {
                        name,
                        kind: BtfKind::Fwd {
                            is_union: def.is_union,
                        },
                    });
                    self.records.insert(r, id);
                    id
                }
            };
            resolved.push(id);
        }
        self.table
            .resolve_placeholders(|p| resolved[(p - PLACEHOLDER_BASE) as usize]);
        self.table
    }
}
