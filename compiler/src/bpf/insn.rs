//! BPF instructions as the kernel encodes them (`include/uapi/linux/bpf.h`,
//! Documentation/bpf/standardization/instruction-set.rst), and the machine code
//! of one function as the back end hands it to the object writer.

use crate::ir::{DataId, FuncId, Linkage};
use crate::source::Span;

// Instruction classes.
pub const BPF_LD: u8 = 0x00;
pub const BPF_LDX: u8 = 0x01;
pub const BPF_ST: u8 = 0x02;
pub const BPF_STX: u8 = 0x03;
pub const BPF_ALU: u8 = 0x04;
pub const BPF_JMP: u8 = 0x05;
pub const BPF_JMP32: u8 = 0x06;
pub const BPF_ALU64: u8 = 0x07;

// Sizes (load/store).
pub const BPF_W: u8 = 0x00;
pub const BPF_H: u8 = 0x08;
pub const BPF_B: u8 = 0x10;
pub const BPF_DW: u8 = 0x18;

// Modes (load/store).
pub const BPF_IMM: u8 = 0x00;
pub const BPF_ABS: u8 = 0x20;
pub const BPF_IND: u8 = 0x40;
pub const BPF_MEM: u8 = 0x60;
/// Sign-extending load (v4).
pub const BPF_MEMSX: u8 = 0x80;
pub const BPF_ATOMIC: u8 = 0xc0;

// Atomic operations (the `imm` of `BPF_STX | BPF_ATOMIC`): `BPF_ADD`,
// `BPF_OR`, `BPF_AND`, `BPF_XOR`, optionally with `BPF_FETCH`, and these.
pub const BPF_FETCH: i32 = 0x01;
pub const BPF_XCHG: i32 = 0xe0 | BPF_FETCH;
pub const BPF_CMPXCHG: i32 = 0xf0 | BPF_FETCH;

// Source operand.
pub const BPF_K: u8 = 0x00;
pub const BPF_X: u8 = 0x08;

// ALU operations.
pub const BPF_ADD: u8 = 0x00;
pub const BPF_SUB: u8 = 0x10;
pub const BPF_MUL: u8 = 0x20;
pub const BPF_DIV: u8 = 0x30;
pub const BPF_OR: u8 = 0x40;
pub const BPF_AND: u8 = 0x50;
pub const BPF_LSH: u8 = 0x60;
pub const BPF_RSH: u8 = 0x70;
pub const BPF_NEG: u8 = 0x80;
pub const BPF_MOD: u8 = 0x90;
pub const BPF_XOR: u8 = 0xa0;
pub const BPF_MOV: u8 = 0xb0;
pub const BPF_ARSH: u8 = 0xc0;
/// Byte swap: `BPF_ALU | BPF_END | BPF_TO_LE/BE` (v1), `BPF_ALU64 | BPF_END` bswap (v4).
pub const BPF_END: u8 = 0xd0;
pub const BPF_TO_LE: u8 = 0x00;
pub const BPF_TO_BE: u8 = 0x08;

// Jump operations.
pub const BPF_JA: u8 = 0x00;
pub const BPF_JEQ: u8 = 0x10;
pub const BPF_JGT: u8 = 0x20;
pub const BPF_JGE: u8 = 0x30;
pub const BPF_JSET: u8 = 0x40;
/// `may_goto` (`BPF_JMP | BPF_JCOND`, v4 kernels' bounded-loop escape).
pub const BPF_JCOND: u8 = 0xe0;
pub const BPF_JNE: u8 = 0x50;
pub const BPF_JSGT: u8 = 0x60;
pub const BPF_JSGE: u8 = 0x70;
pub const BPF_CALL: u8 = 0x80;
pub const BPF_EXIT: u8 = 0x90;
pub const BPF_JLT: u8 = 0xa0;
pub const BPF_JLE: u8 = 0xb0;
pub const BPF_JSLT: u8 = 0xc0;
pub const BPF_JSLE: u8 = 0xd0;

// `src` of special instructions.
/// `ld_imm64` of a map fd / `call` of a BPF-to-BPF function.
pub const BPF_PSEUDO_MAP_FD: u8 = 1;
pub const BPF_PSEUDO_CALL: u8 = 1;
pub const BPF_PSEUDO_KFUNC_CALL: u8 = 2;

/// One 8-byte instruction slot (`ld_imm64` takes two).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Insn {
    pub code: u8,
    pub dst: u8,
    pub src: u8,
    pub off: i16,
    pub imm: i32,
}

impl Insn {
    pub fn new(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> Insn {
        Insn {
            code,
            dst,
            src,
            off,
            imm,
        }
    }

    /// Little-endian encoding.
    pub fn encode(&self) -> [u8; 8] {
        let mut b = [0u8; 8];
        b[0] = self.code;
        b[1] = (self.dst & 0xf) | (self.src << 4);
        b[2..4].copy_from_slice(&self.off.to_le_bytes());
        b[4..8].copy_from_slice(&self.imm.to_le_bytes());
        b
    }

    pub fn decode(b: &[u8]) -> Insn {
        Insn {
            code: b[0],
            dst: b[1] & 0xf,
            src: b[1] >> 4,
            off: i16::from_le_bytes([b[2], b[3]]),
            imm: i32::from_le_bytes([b[4], b[5], b[6], b[7]]),
        }
    }

    pub fn class(&self) -> u8 {
        self.code & 0x07
    }

    /// The first slot of a 16-byte `ld_imm64`.
    pub fn is_ld_imm64(&self) -> bool {
        self.code == BPF_LD | BPF_IMM | BPF_DW
    }
}

/// What a relocation refers to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RelocTarget {
    Func(FuncId),
    Data(DataId),
    /// An undefined symbol (kfunc, extern).
    Extern(String),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum RelocKind {
    /// `R_BPF_64_64` on an `ld_imm64`.
    Ld64,
    /// `R_BPF_64_32` on a `call` (BPF-to-BPF or kfunc).
    Call,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reloc {
    /// Index of the instruction slot (8-byte unit) in the function.
    pub insn: usize,
    pub kind: RelocKind,
    pub target: RelocTarget,
    /// For `Ld64`: the offset within the target (clang puts it in the
    /// instruction's immediate, the symbol's value in the relocation).
    pub addend: i64,
}

/// The machine code of one function.
#[derive(Clone, Debug)]
pub struct MachFunction {
    pub name: String,
    pub section: String,
    pub linkage: Linkage,
    pub insns: Vec<Insn>,
    pub relocs: Vec<Reloc>,
    /// CO-RE relocations (`.BTF.ext`), by instruction slot.
    pub core_relos: Vec<crate::btf::core::CoreReloAt>,
    /// Instruction slot index -> source position, at each statement's first
    /// instruction (for `.BTF.ext` line info and DWARF).
    pub lines: Vec<(usize, Span)>,
    /// Bytes of stack used below r10.
    pub stack_size: u32,
    pub span: Span,
}
