//! Machine IR: BPF instructions over virtual registers, between instruction
//! selection and encoding. Every instruction here encodes to a fixed number of
//! instruction slots once its registers are physical; pseudo-instructions
//! (`FrameAddr`, `SetCond`) expand to short fixed sequences.

use crate::bpf::insn::RelocTarget;
use crate::ir::{Cond, FuncId, MemWidth, StackSlot};
use crate::source::Span;

pub type VReg = u32;

/// A virtual register before allocation, a physical one (`r0`-`r10`) after,
/// or a physical one that the calling convention fixes.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Reg {
    V(VReg),
    P(u8),
}

pub const R0: Reg = Reg::P(0);
pub const R6: Reg = Reg::P(6);
pub const R10: Reg = Reg::P(10);

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Operand {
    Reg(Reg),
    Imm(i32),
}

/// A stack location whose offset is known only after frame layout.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FrameRef {
    Slot(StackSlot),
    Spill(u32),
}

/// A memory address: a register plus an offset, or a frame location (`r10`
/// relative) plus an offset.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Addr {
    Reg(Reg, i32),
    Frame(FrameRef, i32),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallTarget {
    Helper(i32),
    Func(FuncId),
    Kfunc(String),
}

/// Index of a machine block in [`MFunction::blocks`].
pub type MBlock = u32;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MInst {
    /// `dst = src`, or `dst = (sN)src` when `sext` is 8, 16 or 32 (v4 `movsx`).
    /// `truncates`: a 32-bit move that clears the upper half on purpose, kept
    /// even when allocation makes `dst` and `src` the same register.
    Mov {
        w32: bool,
        dst: Reg,
        src: Operand,
        sext: u8,
        truncates: bool,
    },
    /// `dst op= src` (`op` is a `BPF_ADD`.. code); `signed` gives `s/=`, `s%=` (v4).
    Alu {
        op: u8,
        w32: bool,
        dst: Reg,
        src: Operand,
        signed: bool,
    },
    /// `dst = -dst`.
    Neg {
        w32: bool,
        dst: Reg,
    },
    /// `dst = be16/32/64 dst`, or with `bswap` (v4) `dst = bswap16/32/64 dst`.
    Swap {
        bits: u8,
        bswap: bool,
        dst: Reg,
    },
    /// `dst = imm ll`; with a relocation, `imm` is the addend.
    LdImm64 {
        dst: Reg,
        imm: i64,
        reloc: Option<RelocTarget>,
    },
    /// `dst = r10; dst += offset of the location`.
    FrameAddr {
        dst: Reg,
        at: FrameRef,
        off: i32,
    },
    Load {
        dst: Reg,
        addr: Addr,
        width: MemWidth,
        /// v4 sign-extending load.
        sx: bool,
    },
    Store {
        addr: Addr,
        width: MemWidth,
        src: Operand,
    },
    /// `BPF_STX | BPF_ATOMIC` of `width` 4 or 8: `op` is its immediate
    /// (`BPF_ADD`, `BPF_AND`, `BPF_OR`, `BPF_XOR`, optionally with
    /// `BPF_FETCH`; `BPF_XCHG`; `BPF_CMPXCHG`). Reads `addr` and `src`; the
    /// fetching forms write the old memory contents to `src`, except
    /// `BPF_CMPXCHG`, which compares with r0 and writes the old contents to r0.
    Atomic {
        op: i32,
        width: MemWidth,
        addr: Addr,
        src: Reg,
    },
    /// `if a cond b goto +1; dst = 0`: with `dst` already 1, materializes a
    /// comparison. `dst` is read and written.
    SetCond {
        dst: Reg,
        dst_w32: bool,
        cond: Cond,
        cmp_w32: bool,
        a: Reg,
        b: Operand,
    },
    /// Reads r1..r`nargs`, writes r0, clobbers r0-r5.
    Call {
        target: CallTarget,
        nargs: u8,
    },
    /// LD_ABS/LD_IND: reads r6 (and `index`), writes r0, clobbers r0-r5.
    LdPacket {
        width: MemWidth,
        index: Option<Reg>,
        imm: i32,
    },
    /// `if a cond b goto target` (`cond` is already legal for the CPU version).
    Jcc {
        cond: Cond,
        w32: bool,
        a: Reg,
        b: Operand,
        target: MBlock,
    },
    Jmp {
        target: MBlock,
    },
    /// `exit`; reads r0 when the function returns a value.
    Exit {
        uses_r0: bool,
    },
    /// Inline asm, assembled at encoding once its registers are physical.
    InlineAsm(Box<MAsm>),
}

/// An inline-asm statement between instruction selection and encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MAsm {
    pub template: String,
    /// The template's place in the C source (`asm::TextMap::from_pieces`).
    pub pieces: Vec<(u32, Span)>,
    /// Outputs then inputs, with their `[name]`.
    pub operands: Vec<(Option<String>, MAsmOperand)>,
    /// Per operand: a 32-bit register operand with ALU32, spelled `wN`.
    pub sub_register: Vec<bool>,
    /// Per operand: an early-clobber output (`=&r`), whose register no input
    /// may share.
    pub early_clobber: Vec<bool>,
    /// r0-r5 are clobbered, as by a call.
    pub clobbers_caller_saved: bool,
    /// r6-r9 the asm clobbers.
    pub clobbered_callee_saved: Vec<u8>,
    /// `asm goto` targets, for `%l[name]`/`%lN` in the template, and their
    /// C names.
    pub labels: Vec<MBlock>,
    pub label_names: Vec<String>,
    /// The assembled instructions and their relocations (slot indices
    /// relative to the first), filled in by encoding once registers are
    /// physical.
    pub encoded: Vec<crate::bpf::insn::Insn>,
    pub relocs: Vec<crate::bpf::insn::Reloc>,
    /// Branches to `labels`: (slot index relative to the first, label, the
    /// field that holds the offset), patched once blocks have addresses.
    pub label_refs: Vec<(usize, MBlock, crate::asm::TargetField)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MAsmOperand {
    /// `=r`: written.
    Out(Reg),
    /// `+r`: read and written.
    InOut(Reg),
    /// `r`: read.
    In(Reg),
    /// `i`: a constant.
    Imm(i64),
    /// `i` with a symbol's address: a placeholder name in the text, whose
    /// `ld_imm64`/`call` relocation is resolved to this target.
    Symbol(RelocTarget),
}

#[derive(Clone, Debug)]
pub struct MI {
    pub inst: MInst,
    pub span: Span,
    /// The CO-RE relocation of this instruction's constant: a `mov`'s or
    /// `ld_imm64`'s immediate, or a load's or store's offset.
    pub core: Option<Box<crate::btf::core::CoreRelo>>,
}

/// A machine function: blocks by id, and their layout order.
#[derive(Clone, Debug, Default)]
pub struct MFunction {
    pub blocks: Vec<Vec<MI>>,
    pub order: Vec<MBlock>,
    pub num_vregs: u32,
    /// Number of 8-byte spill slots (set by the register allocator).
    pub num_spills: u32,
}

impl MInst {
    /// Visits the registers read, in order.
    pub fn for_each_use(&self, mut f: impl FnMut(Reg)) {
        let op = |o: &Operand, f: &mut dyn FnMut(Reg)| {
            if let Operand::Reg(r) = o {
                f(*r)
            }
        };
        match self {
            MInst::Mov { src, .. } => op(src, &mut f),
            MInst::Alu { dst, src, .. } => {
                f(*dst);
                op(src, &mut f)
            }
            MInst::Neg { dst, .. } | MInst::Swap { dst, .. } => f(*dst),
            MInst::LdImm64 { .. } | MInst::FrameAddr { .. } | MInst::Jmp { .. } => {}
            MInst::Load { addr, .. } => {
                if let Addr::Reg(r, _) = addr {
                    f(*r)
                }
            }
            MInst::Store { addr, src, .. } => {
                if let Addr::Reg(r, _) = addr {
                    f(*r)
                }
                op(src, &mut f)
            }
            MInst::SetCond { dst, a, b, .. } => {
                f(*dst);
                f(*a);
                op(b, &mut f)
            }
            MInst::Atomic {
                op: code,
                addr,
                src,
                ..
            } => {
                if let Addr::Reg(r, _) = addr {
                    f(*r)
                }
                f(*src);
                if *code == crate::bpf::insn::BPF_CMPXCHG {
                    f(R0)
                }
            }
            MInst::Call { nargs, .. } => (1..=*nargs).for_each(|r| f(Reg::P(r))),
            MInst::LdPacket { index, .. } => {
                f(R6);
                if let Some(i) = index {
                    f(*i)
                }
            }
            MInst::Jcc { a, b, .. } => {
                f(*a);
                op(b, &mut f)
            }
            MInst::Exit { uses_r0 } => {
                if *uses_r0 {
                    f(R0)
                }
            }
            MInst::InlineAsm(a) => a.operands.iter().for_each(|(_, o)| {
                if let MAsmOperand::In(r) | MAsmOperand::InOut(r) = o {
                    f(*r)
                }
            }),
        }
    }

    /// Visits the registers written (not counting call clobbers).
    pub fn for_each_def(&self, mut f: impl FnMut(Reg)) {
        match self {
            MInst::Mov { dst, .. }
            | MInst::Alu { dst, .. }
            | MInst::Neg { dst, .. }
            | MInst::Swap { dst, .. }
            | MInst::LdImm64 { dst, .. }
            | MInst::FrameAddr { dst, .. }
            | MInst::Load { dst, .. }
            | MInst::SetCond { dst, .. } => f(*dst),
            MInst::Call { .. } | MInst::LdPacket { .. } => f(R0),
            MInst::Atomic { op, src, .. } => {
                if *op == crate::bpf::insn::BPF_CMPXCHG {
                    f(R0)
                } else if *op & crate::bpf::insn::BPF_FETCH != 0 {
                    f(*src)
                }
            }
            MInst::Store { .. } | MInst::Jcc { .. } | MInst::Jmp { .. } | MInst::Exit { .. } => {}
            MInst::InlineAsm(a) => a.operands.iter().for_each(|(_, o)| {
                if let MAsmOperand::Out(r) | MAsmOperand::InOut(r) = o {
                    f(*r)
                }
            }),
        }
    }

    /// The early-clobber outputs of inline asm: written while inputs are
    /// still being read.
    pub fn early_clobbers(&self) -> Vec<Reg> {
        match self {
            MInst::InlineAsm(a) => a
                .operands
                .iter()
                .zip(&a.early_clobber)
                .filter_map(|((_, o), &early)| match o {
                    MAsmOperand::Out(r) if early => Some(*r),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Calls, packet loads and inline asm that says so clobber r0-r5.
    pub fn clobbers_caller_saved(&self) -> bool {
        match self {
            MInst::Call { .. } | MInst::LdPacket { .. } => true,
            MInst::InlineAsm(a) => a.clobbers_caller_saved,
            _ => false,
        }
    }

    /// Rewrites every register operand (reads and writes) through `f`.
    pub fn map_regs(&mut self, mut f: impl FnMut(Reg) -> Reg) {
        let op = |o: &mut Operand, f: &mut dyn FnMut(Reg) -> Reg| {
            if let Operand::Reg(r) = o {
                *r = f(*r)
            }
        };
        let addr = |a: &mut Addr, f: &mut dyn FnMut(Reg) -> Reg| {
            if let Addr::Reg(r, _) = a {
                *r = f(*r)
            }
        };
        match self {
            MInst::Mov { dst, src, .. } | MInst::Alu { dst, src, .. } => {
                *dst = f(*dst);
                op(src, &mut f)
            }
            MInst::Neg { dst, .. }
            | MInst::Swap { dst, .. }
            | MInst::LdImm64 { dst, .. }
            | MInst::FrameAddr { dst, .. } => *dst = f(*dst),
            MInst::Load { dst, addr: a, .. } => {
                *dst = f(*dst);
                addr(a, &mut f)
            }
            MInst::Store { addr: a, src, .. } => {
                addr(a, &mut f);
                op(src, &mut f)
            }
            MInst::Atomic { addr: a, src, .. } => {
                addr(a, &mut f);
                *src = f(*src)
            }
            MInst::SetCond { dst, a, b, .. } => {
                *dst = f(*dst);
                *a = f(*a);
                op(b, &mut f)
            }
            MInst::LdPacket { index, .. } => {
                if let Some(i) = index {
                    *i = f(*i)
                }
            }
            MInst::Jcc { a, b, .. } => {
                *a = f(*a);
                op(b, &mut f)
            }
            MInst::Call { .. } | MInst::Jmp { .. } | MInst::Exit { .. } => {}
            MInst::InlineAsm(a) => a.operands.iter_mut().for_each(|(_, o)| {
                if let MAsmOperand::In(r) | MAsmOperand::InOut(r) | MAsmOperand::Out(r) = o {
                    *r = f(*r)
                }
            }),
        }
    }

    /// Jump target of a branch.
    pub fn target(&self) -> Option<MBlock> {
        match self {
            MInst::Jcc { target, .. } | MInst::Jmp { target } => Some(*target),
            _ => None,
        }
    }

    /// Every block this instruction may jump to: a branch's target, or the
    /// labels of an `asm goto`.
    pub fn targets(&self) -> Vec<MBlock> {
        match self {
            MInst::InlineAsm(a) => a.labels.clone(),
            _ => self.target().into_iter().collect(),
        }
    }

    /// Retargets every jump of this instruction to `from` at `to`.
    pub fn retarget(&mut self, from: MBlock, to: MBlock) {
        match self {
            MInst::Jcc { target, .. } | MInst::Jmp { target } if *target == from => *target = to,
            MInst::InlineAsm(a) => a
                .labels
                .iter_mut()
                .filter(|l| **l == from)
                .for_each(|l| *l = to),
            _ => {}
        }
    }
}

/// Whether BPF has a conditional jump for `cond` at this CPU version: v1 lacks
/// the "less than" forms (JLT, JLE, JSLT, JSLE), added in v2.
pub fn cond_is_native(cond: Cond, cpu: u8) -> bool {
    cpu >= 2 || !matches!(cond, Cond::Ult | Cond::Ule | Cond::Slt | Cond::Sle)
}
