//! C types as sema resolves them, with their BPF layout (LP64, little endian).
//!
//! Types live in a [`TypeTable`] and are referred to by [`TypeId`]. Typedefs
//! stay in the table as sugar ([`TypeKind::Typedef`]) because BTF and DWARF name
//! them; code that needs the structure calls [`TypeTable::canonical`].
//! Qualifiers ride on [`QualType`], outside the table.

use crate::intern::Sym;
use crate::parse::ast::RareList;
use crate::source::Span;
use cranelift_entity::packed_option::PackedOption;
use cranelift_entity::{entity_impl, PrimaryMap, SecondaryMap};

#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(u32);
entity_impl!(TypeId, "ty");

#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordId(u32);
entity_impl!(RecordId, "record");

#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnumId(u32);
entity_impl!(EnumId, "enum");

#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Quals {
    pub is_const: bool,
    pub is_volatile: bool,
    pub is_restrict: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct QualType {
    pub ty: TypeId,
    pub quals: Quals,
}

impl QualType {
    pub fn new(ty: TypeId) -> QualType {
        QualType {
            ty,
            quals: Quals::default(),
        }
    }
}

/// Integer kinds by rank. `Char` is signed on BPF (as with clang and gcc).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IntKind {
    Bool,
    Char,
    SChar,
    UChar,
    Short,
    UShort,
    Int,
    UInt,
    Long,
    ULong,
    LongLong,
    ULongLong,
    Int128,
    UInt128,
}

impl IntKind {
    pub fn size(self) -> u64 {
        use IntKind::*;
        match self {
            Bool | Char | SChar | UChar => 1,
            Short | UShort => 2,
            Int | UInt => 4,
            Long | ULong | LongLong | ULongLong => 8,
            Int128 | UInt128 => 16,
        }
    }

    pub fn is_signed(self) -> bool {
        use IntKind::*;
        matches!(self, Char | SChar | Short | Int | Long | LongLong | Int128)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeKind {
    Void,
    Int(IntKind),
    /// `float`, `double`, `long double`, `_Float16`: representable so that headers
    /// declaring them parse; any use in code is an error.
    Float {
        size: u8,
    },
    Pointer {
        pointee: QualType,
        /// `btf_type_tag("...")` attributes on this pointer's pointee, outermost first.
        type_tags: Vec<Sym>,
    },
    /// `len == None`: incomplete (`int a[]`, flexible array member).
    Array {
        elem: QualType,
        len: Option<u64>,
    },
    Function(FunctionType),
    Record(RecordId),
    Enum(EnumId),
    Typedef {
        name: Sym,
        target: QualType,
    },
    /// `__builtin_va_list` (only declarable).
    VaList,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FunctionType {
    pub ret: QualType,
    pub params: Vec<QualType>,
    pub variadic: bool,
    /// `false` for `int f()`: unspecified parameters.
    pub has_prototype: bool,
}

#[derive(Clone, Debug)]
pub struct Field {
    /// `None` for an anonymous struct/union member or an unnamed bitfield.
    pub name: Option<Sym>,
    pub ty: QualType,
    /// Byte offset of the storage unit that holds the field.
    pub offset: u64,
    /// For a bitfield: bit offset within the storage unit at `offset` (whose size
    /// is that of `ty`), and width in bits.
    pub bitfield: Option<BitField>,
    /// `btf_decl_tag("...")` values on this member, in order (one pointer:
    /// vmlinux.h has ~69k fields, almost none tagged).
    pub decl_tags: RareList<Vec<u8>>,
    pub span: Span,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct BitField {
    pub bit_offset: u32,
    pub width: u32,
}

#[derive(Clone, Debug)]
pub struct RecordDef {
    pub name: Option<Sym>,
    pub is_union: bool,
    /// `false` while only declared (`struct foo;`).
    pub complete: bool,
    pub fields: Vec<Field>,
    pub size: u64,
    pub align: u64,
    pub packed: bool,
    /// `preserve_access_index` (CO-RE) and other record attributes (a
    /// `Vec`, not a `RareList`: vmlinux.h gives every record one).
    pub attrs: Vec<Sym>,
    /// `btf_decl_tag("...")` values on the record itself, in order.
    pub decl_tags: RareList<Vec<u8>>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct EnumDef {
    pub name: Option<Sym>,
    pub complete: bool,
    /// The integer type values are stored as (`unsigned int` or `int` unless a
    /// value needs 64 bits, as clang does).
    pub underlying: IntKind,
    pub values: Vec<(Sym, i64)>,
    pub span: Span,
}

/// Every type of a translation unit. Identical non-record types share one id
/// ([`TypeTable::intern`]).
#[derive(Default)]
pub struct TypeTable {
    pub types: PrimaryMap<TypeId, TypeKind>,
    pub records: PrimaryMap<RecordId, RecordDef>,
    pub enums: PrimaryMap<EnumId, EnumDef>,
    /// `btf_decl_tag("...")` values on typedefs (`typedef int __tag("x") t;`),
    /// by the typedef's type.
    pub typedef_decl_tags: std::collections::BTreeMap<TypeId, Vec<Vec<u8>>>,
    dedup: std::collections::HashMap<
        TypeKind,
        TypeId,
        std::hash::BuildHasherDefault<super::check::FxHasher>,
    >,
    /// `T *` and `const T *` without type tags, by `T`: almost every pointer
    /// a unit makes (vmlinux.h: 26k of 26k), found by index instead of by
    /// hashing the kind. These are not in `dedup`.
    pointers: SecondaryMap<TypeId, [PackedOption<TypeId>; 2]>,
}

impl TypeTable {
    pub fn new() -> TypeTable {
        TypeTable::default()
    }

    /// An empty table with room for `n` types (and proportionally many
    /// records and enums), so a large unit interns without rehashing.
    pub fn with_capacity(n: usize) -> TypeTable {
        TypeTable {
            types: PrimaryMap::with_capacity(n),
            records: PrimaryMap::with_capacity(n / 2),
            enums: PrimaryMap::with_capacity(n / 8),
            typedef_decl_tags: Default::default(),
            // Records, enums and most pointers stay out of it (`push_new`,
            // `pointers`): vmlinux.h puts a quarter of its types there.
            dedup: std::collections::HashMap::with_capacity_and_hasher(n / 4, Default::default()),
            pointers: SecondaryMap::with_capacity(n),
        }
    }

    /// The id of `kind`, created on first use.
    pub fn intern(&mut self, kind: TypeKind) -> TypeId {
        debug_assert!(
            !matches!(kind, TypeKind::Record(_) | TypeKind::Enum(_)),
            "records and enums get their type from `push_new`"
        );
        if let TypeKind::Pointer { pointee, type_tags } = &kind {
            let q = pointee.quals;
            if type_tags.is_empty() && !q.is_volatile && !q.is_restrict {
                let (to, is_const) = (pointee.ty, usize::from(q.is_const));
                if let Some(id) = self.pointers[to][is_const].expand() {
                    return id;
                }
                let id = self.types.push(kind);
                self.pointers[to][is_const] = id.into();
                return id;
            }
        }
        if let Some(&id) = self.dedup.get(&kind) {
            return id;
        }
        let id = self.types.push(kind.clone());
        self.dedup.insert(kind, id);
        id
    }

    /// The type of a record or enum just made (`kind` names a fresh id, so
    /// it cannot be in the table): it skips the dedup table, which would
    /// only grow by a third on vmlinux.h.
    pub fn push_new(&mut self, kind: TypeKind) -> TypeId {
        debug_assert!(matches!(kind, TypeKind::Record(_) | TypeKind::Enum(_)));
        self.types.push(kind)
    }

    pub fn kind(&self, id: TypeId) -> &TypeKind {
        &self.types[id]
    }

    /// `id` with typedefs stripped (qualifiers of the typedef targets dropped;
    /// use [`TypeTable::canonical_qual`] to keep them).
    pub fn canonical(&self, mut id: TypeId) -> TypeId {
        while let TypeKind::Typedef { target, .. } = &self.types[id] {
            id = target.ty;
        }
        id
    }

    /// Strips typedefs, merging the qualifiers found on the way.
    pub fn canonical_qual(&self, mut qt: QualType) -> QualType {
        while let TypeKind::Typedef { target, .. } = &self.types[qt.ty] {
            qt.ty = target.ty;
            qt.quals.is_const |= target.quals.is_const;
            qt.quals.is_volatile |= target.quals.is_volatile;
            qt.quals.is_restrict |= target.quals.is_restrict;
        }
        qt
    }

    /// The structure of `id` with typedefs stripped.
    pub fn ckind(&self, id: TypeId) -> &TypeKind {
        &self.types[self.canonical(id)]
    }

    /// `sizeof`, `None` for incomplete types and functions.
    pub fn size_of(&self, id: TypeId) -> Option<u64> {
        match self.ckind(id) {
            TypeKind::Void | TypeKind::Function(_) => None,
            TypeKind::Int(k) => Some(k.size()),
            TypeKind::Float { size } => Some(*size as u64),
            TypeKind::Pointer { .. } | TypeKind::VaList => Some(8),
            TypeKind::Array { elem, len } => Some(self.size_of(elem.ty)? * (*len)?),
            TypeKind::Record(r) => self.records[*r].complete.then_some(self.records[*r].size),
            TypeKind::Enum(e) => Some(self.enums[*e].underlying.size()),
            TypeKind::Typedef { .. } => unreachable!(),
        }
    }

    /// `_Alignof`; 1 for incomplete types.
    pub fn align_of(&self, id: TypeId) -> u64 {
        match self.ckind(id) {
            TypeKind::Void | TypeKind::Function(_) => 1,
            TypeKind::Int(k) => k.size(),
            TypeKind::Float { size } => *size as u64,
            TypeKind::Pointer { .. } | TypeKind::VaList => 8,
            TypeKind::Array { elem, .. } => self.align_of(elem.ty),
            TypeKind::Record(r) => self.records[*r].align.max(1),
            TypeKind::Enum(e) => self.enums[*e].underlying.size(),
            TypeKind::Typedef { .. } => unreachable!(),
        }
    }

    /// The integer kind of an integer or enum type (typedefs stripped).
    pub fn int_kind(&self, id: TypeId) -> Option<IntKind> {
        match self.ckind(id) {
            TypeKind::Int(k) => Some(*k),
            TypeKind::Enum(e) => Some(self.enums[*e].underlying),
            _ => None,
        }
    }

    pub fn is_pointer(&self, id: TypeId) -> bool {
        matches!(self.ckind(id), TypeKind::Pointer { .. })
    }

    /// Scalar: integer, enum or pointer (what fits a BPF register).
    pub fn is_scalar(&self, id: TypeId) -> bool {
        matches!(
            self.ckind(id),
            TypeKind::Int(_) | TypeKind::Enum(_) | TypeKind::Pointer { .. }
        )
    }

    /// Record or array: values handled through memory.
    pub fn is_aggregate(&self, id: TypeId) -> bool {
        matches!(self.ckind(id), TypeKind::Record(_) | TypeKind::Array { .. })
    }
}
