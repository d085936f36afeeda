//! CO-RE ("compile once, run everywhere") relocations: instructions whose
//! constant libbpf rewrites at load time for the running kernel's types
//! (`.BTF.ext` core_relo records, `struct bpf_core_relo` in libbpf).
//!
//! A relocated constant travels from sema to the object as one value: sema
//! makes a [`CoreRelo`] (a builtin's result, or the byte offset of a member
//! of a `preserve_access_index` record), lowering turns it into an opaque
//! `ir::Op::CoreValue` (no pass can fold, merge or forward it into something
//! libbpf cannot patch), instruction selection puts it on the one
//! instruction that holds the constant (a `mov`, an `ld_imm64`, or the
//! offset of the load or store it addresses), and encoding records that
//! instruction's slot in [`crate::bpf::insn::MachFunction::core_relos`].

use crate::sema::types::TypeId;

/// `enum bpf_core_relo_kind`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CoreKind {
    FieldByteOffset = 0,
    FieldByteSize = 1,
    FieldExists = 2,
    FieldSigned = 3,
    FieldLshiftU64 = 4,
    FieldRshiftU64 = 5,
    TypeIdLocal = 6,
    TypeIdTarget = 7,
    TypeExists = 8,
    TypeSize = 9,
    EnumvalExists = 10,
    EnumvalValue = 11,
    TypeMatches = 12,
}

impl CoreKind {
    /// The kind numbered `n` in `enum bpf_core_relo_kind`.
    pub fn from_u32(n: u32) -> Option<CoreKind> {
        use CoreKind::*;
        Some(match n {
            0 => FieldByteOffset,
            1 => FieldByteSize,
            2 => FieldExists,
            3 => FieldSigned,
            4 => FieldLshiftU64,
            5 => FieldRshiftU64,
            6 => TypeIdLocal,
            7 => TypeIdTarget,
            8 => TypeExists,
            9 => TypeSize,
            10 => EnumvalExists,
            11 => EnumvalValue,
            12 => TypeMatches,
            _ => return None,
        })
    }

    /// clang puts these constants in an `ld_imm64` (the others in a `mov`).
    pub fn uses_ld_imm64(self) -> bool {
        matches!(
            self,
            CoreKind::TypeIdLocal
                | CoreKind::TypeIdTarget
                | CoreKind::EnumvalExists
                | CoreKind::EnumvalValue
        )
    }

    /// A field's property. clang computes each distinct field relocation
    /// once per function (the same access is the same constant); the type
    /// and enum queries are separate intrinsic calls, one per use.
    pub fn is_field(self) -> bool {
        (self as u32) <= CoreKind::FieldRshiftU64 as u32
    }

    /// A BTF type id, known only once `.BTF` is built.
    pub fn is_type_id(self) -> bool {
        matches!(self, CoreKind::TypeIdLocal | CoreKind::TypeIdTarget)
    }

    /// The name llvm-objdump prints.
    pub fn name(self) -> &'static str {
        use CoreKind::*;
        match self {
            FieldByteOffset => "byte_off",
            FieldByteSize => "byte_sz",
            FieldExists => "field_exists",
            FieldSigned => "signed",
            FieldLshiftU64 => "lshift_u64",
            FieldRshiftU64 => "rshift_u64",
            TypeIdLocal => "local_type_id",
            TypeIdTarget => "target_type_id",
            TypeExists => "type_exists",
            TypeSize => "type_size",
            EnumvalExists => "enumval_exists",
            EnumvalValue => "enumval_value",
            TypeMatches => "type_matches",
        }
    }
}

/// One relocated constant.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CoreRelo {
    pub kind: CoreKind,
    /// The root type as the source wrote it (typedefs kept, qualifiers
    /// dropped): the record of a field access, the type of a type query, the
    /// enum of an enumerator.
    pub ty: TypeId,
    /// clang's access string: `0:1:2` (the pointer's index, then member
    /// indices in BTF order and array indices) for fields, `0` for types,
    /// the enumerator's index for enum values.
    pub access: String,
    /// The constant with this program's own types, which libbpf expects to
    /// find in the instruction before patching it. For type ids it is 0 until
    /// the object writer knows the BTF id.
    pub value: i64,
    /// The access string ends with an array index: clang puts one index per
    /// array member in it (`p->a[2][1]` is `0:k:2`, then a plain offset).
    pub ends_in_index: bool,
}

/// A relocation at an instruction of a machine function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoreReloAt {
    /// Instruction slot in the function.
    pub insn: usize,
    pub relo: CoreRelo,
}

/// `sizeof(struct bpf_core_relo)`: insn_off, type_id, access_str_off, kind.
pub const CORE_RELO_SIZE: u32 = 16;
