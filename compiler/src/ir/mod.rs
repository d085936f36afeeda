//! The SSA intermediate representation.
//!
//! A [`Module`] holds functions and data objects. A [`Function`] is a graph of
//! basic blocks in `cranelift-entity` arenas: each [`Block`] has parameters
//! (SSA's phis) and a list of instructions ending in exactly one terminator.
//! Values are typed `I32` or `I64` (BPF's 32-bit subregisters and 64-bit
//! registers; pointers are `I64`); narrower data exists only in memory, through
//! the widths of loads and stores and in [`Op::Extend`].
//!
//! Lowering builds functions with [`builder::FunctionBuilder`], keeping locals in
//! stack slots; `passes::mem2reg` puts them into SSA values. The passes and the
//! BPF back end talk to each other only through this module.

pub mod builder;
pub mod interp;
pub mod print;
pub mod verify;

use crate::source::Span;
use cranelift_entity::{entity_impl, PrimaryMap, SecondaryMap};
use std::collections::BTreeSet;

#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Block(u32);
entity_impl!(Block, "block");

#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Value(u32);
entity_impl!(Value, "v");

#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Inst(u32);
entity_impl!(Inst, "inst");

#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StackSlot(u32);
entity_impl!(StackSlot, "ss");

/// Index of a data object in [`Module::data`].
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DataId(u32);
entity_impl!(DataId, "data");

/// Index of a function in [`Module::functions`].
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncId(u32);
entity_impl!(FuncId, "fn");

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    I32,
    I64,
}

impl Type {
    pub fn bits(self) -> u32 {
        match self {
            Type::I32 => 32,
            Type::I64 => 64,
        }
    }
}

/// Width of a memory access in bytes: 1, 2, 4 or 8.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum MemWidth {
    B1,
    B2,
    B4,
    B8,
}

impl MemWidth {
    pub fn bytes(self) -> u32 {
        match self {
            MemWidth::B1 => 1,
            MemWidth::B2 => 2,
            MemWidth::B4 => 4,
            MemWidth::B8 => 8,
        }
    }

    pub fn from_bytes(n: u64) -> Option<MemWidth> {
        Some(match n {
            1 => MemWidth::B1,
            2 => MemWidth::B2,
            4 => MemWidth::B4,
            8 => MemWidth::B8,
            _ => return None,
        })
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    UDiv,
    SDiv,
    URem,
    SRem,
    And,
    Or,
    Xor,
    Shl,
    /// Logical (unsigned) shift right.
    LShr,
    /// Arithmetic (signed) shift right.
    AShr,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    Neg,
    /// Bitwise not.
    Not,
}

/// Integer comparisons, as BPF's conditional jumps have them.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Cond {
    Eq,
    Ne,
    /// Unsigned <, <=, >, >=.
    Ult,
    Ule,
    Ugt,
    Uge,
    /// Signed <, <=, >, >=.
    Slt,
    Sle,
    Sgt,
    Sge,
    /// `a & b != 0` (BPF's `JSET`).
    Set,
}

impl Cond {
    /// The condition that holds exactly when `self` does not (`None` for `Set`).
    pub fn inverse(self) -> Option<Cond> {
        use Cond::*;
        Some(match self {
            Eq => Ne,
            Ne => Eq,
            Ult => Uge,
            Ule => Ugt,
            Ugt => Ule,
            Uge => Ult,
            Slt => Sge,
            Sle => Sgt,
            Sgt => Sle,
            Sge => Slt,
            Set => return None,
        })
    }

    /// The condition with operands swapped: `a < b` is `b > a`.
    pub fn swapped(self) -> Cond {
        use Cond::*;
        match self {
            Ult => Ugt,
            Ule => Uge,
            Ugt => Ult,
            Uge => Ule,
            Slt => Sgt,
            Sle => Sge,
            Sgt => Slt,
            Sge => Sle,
            c => c,
        }
    }
}

/// A jump target with the arguments for its block parameters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BlockCall {
    pub block: Block,
    pub args: Vec<Value>,
}

/// What a call calls.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Callee {
    /// `call N`: a BPF helper.
    Helper(i64),
    /// A BPF-to-BPF call to a function of this module.
    Func(FuncId),
    /// A kernel function (kfunc) declared `extern`, by name.
    Kfunc(String),
}

/// An inline-asm statement: the back end substitutes the operands (in
/// registers it allocates, or constants) into the template and assembles it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct InlineAsmOp {
    pub template: String,
    /// Where each piece of `template` stands in the C source
    /// (`asm::TextMap::from_pieces`), so errors point inside the string.
    pub pieces: Vec<(u32, crate::source::Span)>,
    /// Outputs then inputs, as `%0`, `%1`... number them.
    pub operands: Vec<AsmArg>,
    /// The clobber list names r0-r5 (or all caller-saved registers): treated
    /// like a call's clobber.
    pub clobbers_caller_saved: bool,
    /// Callee-saved registers (r6-r9) the clobber list names: no value lives
    /// in them across the asm and no operand gets them.
    pub clobbered_callee_saved: Vec<u8>,
    /// The C names of an `asm goto`'s labels, for `%l[name]`.
    pub label_names: Vec<String>,
}

/// One operand of an [`InlineAsmOp`], with its `[name]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AsmArg {
    pub name: Option<String>,
    pub kind: AsmArgKind,
    /// The `w` constraint: a 32-bit register, spelled `wN` (with ALU32).
    /// `r` operands are 64-bit `rN`, 32-bit values zero-extended, as clang.
    pub sub_register: bool,
    /// `=&r`: an output written before the inputs are all read, so it
    /// takes a register of its own.
    pub early_clobber: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum AsmArgKind {
    /// `=r`: a register of this type read afterwards (the first output is
    /// the instruction's result, later ones [`Op::AsmOutput`]s).
    Output(Type),
    /// `+r`: a register holding this value before, the result after.
    InOut(Value),
    /// `r` (or `g`): a register holding this value.
    Reg(Value),
    /// `i`: a constant or a symbol address (after inlining and folding).
    Imm(Value),
    /// `ri`: a 32-bit constant if it has become one, else a register.
    RegOrImm(Value),
}

/// The read-modify-write operation of an [`Op::AtomicRmw`]: BPF_ATOMIC's
/// `BPF_ADD`, `BPF_AND`, `BPF_OR`, `BPF_XOR` and `BPF_XCHG` (subtraction is
/// an addition of the negated value, as in clang).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum AtomicOp {
    Add,
    And,
    Or,
    Xor,
    Xchg,
}

impl AtomicOp {
    /// The new memory contents from the old ones and the operand.
    pub fn apply(self, old: u64, v: u64) -> u64 {
        match self {
            AtomicOp::Add => old.wrapping_add(v),
            AtomicOp::And => old & v,
            AtomicOp::Or => old | v,
            AtomicOp::Xor => old ^ v,
            AtomicOp::Xchg => v,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            AtomicOp::Add => "add",
            AtomicOp::And => "and",
            AtomicOp::Or => "or",
            AtomicOp::Xor => "xor",
            AtomicOp::Xchg => "xchg",
        }
    }
}

/// Where an address constant points: emitted as `ld_imm64` with a relocation.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SymbolTarget {
    Data(DataId),
    Func(FuncId),
    /// A function declared but not defined here (a kfunc), by symbol name; it
    /// is listed in `Module::extern_functions`. Its address is 0 when a weak
    /// one is missing from the kernel (`bpf_ksym_exists`).
    ExternFunc(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// An integer constant (for `I32`, the low 32 bits matter).
    Iconst(i64),
    Binary(BinOp, Value, Value),
    Unary(UnOp, Value),
    /// 1 if the comparison holds, else 0 (of the result type). Both operands
    /// have the same type.
    Icmp(Cond, Value, Value),
    /// Sign- or zero-extend the low `from_bits` (8, 16 or 32) bits of a value to
    /// its whole type (result type = operand type); `I32` -> `I64` widening
    /// uses `Widen`.
    Extend {
        value: Value,
        from_bits: u8,
        signed: bool,
    },
    /// `I32` -> `I64`, zero- or sign-extending.
    Widen {
        value: Value,
        signed: bool,
    },
    /// `I64` -> `I32`: the low half.
    Narrow(Value),
    /// Byte swap of the low `bits` (16, 32, 64) bits, upper bits cleared.
    Bswap {
        value: Value,
        bits: u8,
    },
    /// 1 (`I32`) if `value` is a constant (or a symbol's address) once the
    /// optimizer has inlined and folded, else 0: `__builtin_constant_p` of
    /// an `always_inline` function's parameter. `passes::optimize` resolves
    /// every one.
    IsConstant(Value),
    /// A value from memory at `addr + offset`, zero- or sign-extended to the
    /// result type. `volatile` accesses are never removed, merged or reordered
    /// with other volatile accesses.
    Load {
        addr: Value,
        offset: i32,
        width: MemWidth,
        signed: bool,
        volatile: bool,
    },
    /// Store the low `width` bytes of `value` at `addr + offset`.
    Store {
        addr: Value,
        offset: i32,
        value: Value,
        width: MemWidth,
        volatile: bool,
    },
    /// Atomically replace the `width` (4 or 8) bytes at `addr + offset` by
    /// `op(old, value)`; the result (of `value`'s type, `width` bytes wide) is
    /// the old contents. The back end uses the form without `BPF_FETCH` when
    /// the result is unused. Never removed, merged or moved across other
    /// memory accesses.
    AtomicRmw {
        op: AtomicOp,
        addr: Value,
        offset: i32,
        value: Value,
        width: MemWidth,
    },
    /// Atomically: `old = *(addr + offset); if old == expected { *(addr +
    /// offset) = new }`; the result is `old`. `expected` and `new` have the
    /// result's type, `width` (4 or 8) bytes wide.
    AtomicCmpXchg {
        addr: Value,
        offset: i32,
        expected: Value,
        new: Value,
        width: MemWidth,
    },
    /// A constant libbpf relocates at load time (CO-RE): a field's offset or
    /// size, a type's id, size or existence, an enumerator's value. Opaque to
    /// every pass (see `btf::core`); its value here is the program's own.
    CoreValue(Box<crate::btf::core::CoreRelo>),
    /// The address of a stack slot plus an offset (`r10`-relative).
    StackAddr {
        slot: StackSlot,
        offset: i32,
    },
    /// The address of a data object or function plus an addend (`ld_imm64` with
    /// a relocation).
    SymbolAddr {
        target: SymbolTarget,
        addend: i64,
    },
    /// A call; at most five arguments (r1-r5), result in r0.
    Call {
        callee: Callee,
        args: Vec<Value>,
    },
    /// A call through a function pointer (refused by the verifier, kept so the
    /// back end can report it at its place).
    CallIndirect {
        callee: Value,
        args: Vec<Value>,
    },
    /// LD_ABS (`index == None`) or LD_IND of `width` (1, 2 or 4) bytes from the
    /// packet of `skb` at `index + offset`; the result is the value in host order.
    LoadPacket {
        skb: Value,
        index: Option<Value>,
        offset: i32,
        width: MemWidth,
    },

    /// Inline assembly (`asm volatile(...)`): never removed, merged or moved,
    /// and it may read and write any memory (passes treat it as a call). Its
    /// result, if any, is the one register output.
    InlineAsm(Box<InlineAsmOp>),
    /// The `index`th register output (1 and up) of the inline asm whose first
    /// output is `asm`; it directly follows that asm.
    AsmOutput {
        asm: Value,
        index: u32,
    },

    // Terminators: the last instruction of every block, and only there.
    /// `asm goto`: the asm runs, then control goes on at `fallthrough`, or
    /// at `labels[k]` where the asm branches to its `k`th label.
    AsmGoto {
        asm: Box<InlineAsmOp>,
        fallthrough: BlockCall,
        labels: Vec<BlockCall>,
    },
    Jump(BlockCall),
    /// Branch on `cond != 0`.
    Brif {
        cond: Value,
        then_dest: BlockCall,
        else_dest: BlockCall,
    },
    Return(Option<Value>),
    /// Control never gets here (`__builtin_unreachable`, after a noreturn call).
    Unreachable,
    /// `__builtin_trap()`: the back end emits a call the verifier refuses, as clang does.
    Trap,
}

impl Op {
    pub fn is_terminator(&self) -> bool {
        matches!(
            self,
            Op::Jump(_)
                | Op::Brif { .. }
                | Op::AsmGoto { .. }
                | Op::Return(_)
                | Op::Unreachable
                | Op::Trap
        )
    }

    /// Has an effect beyond its result: not removable when unused.
    pub fn has_side_effects(&self) -> bool {
        match self {
            Op::Store { .. }
            | Op::AtomicRmw { .. }
            | Op::AtomicCmpXchg { .. }
            | Op::Call { .. }
            | Op::CallIndirect { .. }
            | Op::InlineAsm(_) => true,
            Op::Load { volatile, .. } => *volatile,
            // LD_ABS/LD_IND end the program when out of bounds.
            Op::LoadPacket { .. } => true,
            op => op.is_terminator(),
        }
    }

    /// The values this instruction reads, in order.
    pub fn args(&self) -> Vec<Value> {
        let mut v = Vec::new();
        self.for_each_arg(|a| v.push(a));
        v
    }

    pub fn for_each_arg(&self, mut f: impl FnMut(Value)) {
        match self {
            Op::Iconst(_) | Op::CoreValue(_) | Op::StackAddr { .. } | Op::SymbolAddr { .. } => {}
            Op::Binary(_, a, b) | Op::Icmp(_, a, b) => {
                f(*a);
                f(*b)
            }
            Op::Unary(_, a) | Op::Narrow(a) | Op::IsConstant(a) => f(*a),
            Op::Extend { value, .. } | Op::Widen { value, .. } | Op::Bswap { value, .. } => {
                f(*value)
            }
            Op::Load { addr, .. } => f(*addr),
            Op::Store { addr, value, .. } | Op::AtomicRmw { addr, value, .. } => {
                f(*addr);
                f(*value)
            }
            Op::AtomicCmpXchg {
                addr,
                expected,
                new,
                ..
            } => {
                f(*addr);
                f(*expected);
                f(*new)
            }
            Op::Call { args, .. } => args.iter().copied().for_each(f),
            Op::InlineAsm(a) => a.operands.iter().for_each(|o| match o.kind {
                AsmArgKind::Output(_) => {}
                AsmArgKind::InOut(v)
                | AsmArgKind::Reg(v)
                | AsmArgKind::RegOrImm(v)
                | AsmArgKind::Imm(v) => f(v),
            }),
            Op::AsmOutput { asm, .. } => f(*asm),
            Op::AsmGoto {
                asm,
                fallthrough,
                labels,
            } => {
                asm.operands.iter().for_each(|o| match o.kind {
                    AsmArgKind::Output(_) => {}
                    AsmArgKind::InOut(v)
                    | AsmArgKind::Reg(v)
                    | AsmArgKind::RegOrImm(v)
                    | AsmArgKind::Imm(v) => f(v),
                });
                fallthrough.args.iter().copied().for_each(&mut f);
                labels
                    .iter()
                    .for_each(|l| l.args.iter().copied().for_each(&mut f));
            }
            Op::CallIndirect { callee, args } => {
                f(*callee);
                args.iter().copied().for_each(f)
            }
            Op::LoadPacket { skb, index, .. } => {
                f(*skb);
                if let Some(i) = index {
                    f(*i)
                }
            }
            Op::Jump(bc) => bc.args.iter().copied().for_each(f),
            Op::Brif {
                cond,
                then_dest,
                else_dest,
            } => {
                f(*cond);
                then_dest.args.iter().copied().for_each(&mut f);
                else_dest.args.iter().copied().for_each(f)
            }
            Op::Return(v) => {
                if let Some(v) = v {
                    f(*v)
                }
            }
            Op::Unreachable | Op::Trap => {}
        }
    }

    /// Rewrites every value this instruction reads through `f`.
    pub fn map_args(&mut self, mut f: impl FnMut(Value) -> Value) {
        let mut g = |v: &mut Value| *v = f(*v);
        match self {
            Op::Iconst(_) | Op::CoreValue(_) | Op::StackAddr { .. } | Op::SymbolAddr { .. } => {}
            Op::Binary(_, a, b) | Op::Icmp(_, a, b) => {
                g(a);
                g(b)
            }
            Op::Unary(_, a) | Op::Narrow(a) | Op::IsConstant(a) => g(a),
            Op::Extend { value, .. } | Op::Widen { value, .. } | Op::Bswap { value, .. } => {
                g(value)
            }
            Op::Load { addr, .. } => g(addr),
            Op::Store { addr, value, .. } | Op::AtomicRmw { addr, value, .. } => {
                g(addr);
                g(value)
            }
            Op::AtomicCmpXchg {
                addr,
                expected,
                new,
                ..
            } => {
                g(addr);
                g(expected);
                g(new)
            }
            Op::Call { args, .. } => args.iter_mut().for_each(g),
            Op::InlineAsm(a) => a.operands.iter_mut().for_each(|o| match &mut o.kind {
                AsmArgKind::Output(_) => {}
                AsmArgKind::InOut(v)
                | AsmArgKind::Reg(v)
                | AsmArgKind::RegOrImm(v)
                | AsmArgKind::Imm(v) => g(v),
            }),
            Op::AsmOutput { asm, .. } => g(asm),
            Op::AsmGoto {
                asm,
                fallthrough,
                labels,
            } => {
                asm.operands.iter_mut().for_each(|o| match &mut o.kind {
                    AsmArgKind::Output(_) => {}
                    AsmArgKind::InOut(v)
                    | AsmArgKind::Reg(v)
                    | AsmArgKind::RegOrImm(v)
                    | AsmArgKind::Imm(v) => g(v),
                });
                fallthrough.args.iter_mut().for_each(&mut g);
                labels
                    .iter_mut()
                    .for_each(|l| l.args.iter_mut().for_each(&mut g));
            }
            Op::CallIndirect { callee, args } => {
                g(callee);
                args.iter_mut().for_each(g)
            }
            Op::LoadPacket { skb, index, .. } => {
                g(skb);
                if let Some(i) = index {
                    g(i)
                }
            }
            Op::Jump(bc) => bc.args.iter_mut().for_each(g),
            Op::Brif {
                cond,
                then_dest,
                else_dest,
            } => {
                g(cond);
                then_dest.args.iter_mut().for_each(&mut g);
                else_dest.args.iter_mut().for_each(g)
            }
            Op::Return(v) => {
                if let Some(v) = v {
                    g(v)
                }
            }
            Op::Unreachable | Op::Trap => {}
        }
    }

    /// The jump targets of a terminator.
    pub fn successors(&self) -> Vec<Block> {
        match self {
            Op::Jump(bc) => vec![bc.block],
            Op::Brif {
                then_dest,
                else_dest,
                ..
            } => vec![then_dest.block, else_dest.block],
            Op::AsmGoto {
                fallthrough,
                labels,
                ..
            } => std::iter::once(fallthrough)
                .chain(labels)
                .map(|bc| bc.block)
                .collect(),
            _ => vec![],
        }
    }

    /// The block calls of a terminator, in the order of [`Op::successors`].
    pub fn block_calls(&self) -> Vec<&BlockCall> {
        match self {
            Op::Jump(bc) => vec![bc],
            Op::Brif {
                then_dest,
                else_dest,
                ..
            } => vec![then_dest, else_dest],
            Op::AsmGoto {
                fallthrough,
                labels,
                ..
            } => std::iter::once(fallthrough).chain(labels).collect(),
            _ => vec![],
        }
    }

    pub fn block_calls_mut(&mut self) -> Vec<&mut BlockCall> {
        match self {
            Op::Jump(bc) => vec![bc],
            Op::Brif {
                then_dest,
                else_dest,
                ..
            } => vec![then_dest, else_dest],
            Op::AsmGoto {
                fallthrough,
                labels,
                ..
            } => std::iter::once(fallthrough).chain(labels).collect(),
            _ => vec![],
        }
    }
}

#[derive(Clone, Debug)]
pub struct InstData {
    pub op: Op,
    pub result: Option<Value>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ValueDef {
    /// The result of an instruction.
    Inst(Inst),
    /// The `n`th parameter of a block.
    Param(Block, u32),
    /// A value removed by a pass and replaced by another (see [`Function::resolve`]).
    Alias(Value),
}

#[derive(Clone, Debug)]
pub struct ValueData {
    pub ty: Type,
    pub def: ValueDef,
}

#[derive(Clone, Debug, Default)]
pub struct BlockData {
    pub params: Vec<Value>,
    /// In execution order; the last is the terminator.
    pub insts: Vec<Inst>,
}

#[derive(Clone, Debug)]
pub struct StackSlotData {
    pub size: u32,
    pub align: u32,
    /// The C variable it holds (for diagnostics such as "stack over 512
    /// bytes"), or `None` for temporaries.
    pub name: Option<String>,
    pub span: Span,
    /// Its address escapes (passed to a call, stored, compared): mem2reg keeps
    /// it in memory.
    pub address_taken: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Linkage {
    /// A global symbol (`STB_GLOBAL`); for functions, checked by the verifier
    /// on its own when it is not a program entry.
    Global,
    /// `static`: `STB_LOCAL`.
    Local,
    /// `__weak`.
    Weak,
}

#[derive(Clone, Debug)]
pub struct Function {
    pub name: String,
    /// The ELF section: `SEC("...")`, else `.text`.
    pub section: String,
    pub linkage: Linkage,
    pub params: Vec<Type>,
    pub ret: Option<Type>,
    pub blocks: PrimaryMap<Block, BlockData>,
    /// Blocks in layout order; the first is the entry block, whose parameters are
    /// the function's arguments.
    pub layout: Vec<Block>,
    pub insts: PrimaryMap<Inst, InstData>,
    pub values: PrimaryMap<Value, ValueData>,
    pub slots: PrimaryMap<StackSlot, StackSlotData>,
    /// Source position of each instruction (line info, diagnostics).
    pub srclocs: SecondaryMap<Inst, Span>,
    pub span: Span,
    /// `__always_inline`, `__noinline`, `__naked` as the inliner and back end need them.
    pub always_inline: bool,
    pub noinline: bool,
    pub naked: bool,
}

impl Function {
    pub fn new(
        name: impl Into<String>,
        section: impl Into<String>,
        params: Vec<Type>,
        ret: Option<Type>,
    ) -> Function {
        Function {
            name: name.into(),
            section: section.into(),
            linkage: Linkage::Global,
            params,
            ret,
            blocks: PrimaryMap::new(),
            layout: Vec::new(),
            insts: PrimaryMap::new(),
            values: PrimaryMap::new(),
            slots: PrimaryMap::new(),
            srclocs: SecondaryMap::new(),
            span: Span::default(),
            always_inline: false,
            noinline: false,
            naked: false,
        }
    }

    pub fn entry(&self) -> Block {
        self.layout[0]
    }

    /// Follows aliases left by passes to the value that stands for `v`.
    pub fn resolve(&self, mut v: Value) -> Value {
        while let ValueDef::Alias(to) = self.values[v].def {
            v = to;
        }
        v
    }

    pub fn value_type(&self, v: Value) -> Type {
        self.values[v].ty
    }

    /// The terminator of a block.
    pub fn terminator(&self, b: Block) -> Inst {
        *self.blocks[b]
            .insts
            .last()
            .expect("block without terminator")
    }

    /// The instruction defining `v`, if it is an instruction result.
    pub fn def_inst(&self, v: Value) -> Option<Inst> {
        match self.values[self.resolve(v)].def {
            ValueDef::Inst(i) => Some(i),
            _ => None,
        }
    }

    /// The constant `v` is defined as, if any.
    pub fn const_value(&self, v: Value) -> Option<i64> {
        match self.def_inst(v).map(|i| &self.insts[i].op) {
            Some(Op::Iconst(c)) => Some(*c),
            _ => None,
        }
    }

    /// Replaces every use of `from` by `to` (making `from` an alias).
    pub fn replace_uses(&mut self, from: Value, to: Value) {
        if from != to {
            self.values[from].def = ValueDef::Alias(to);
        }
    }

    /// Rewrites every instruction argument through aliases, so that no
    /// instruction reads an alias. Passes that call `replace_uses` call this
    /// before they finish.
    pub fn resolve_aliases(&mut self) {
        let values = &self.values;
        let resolve = |mut v: Value| {
            while let ValueDef::Alias(to) = values[v].def {
                v = to;
            }
            v
        };
        for (_, inst) in self.insts.iter_mut() {
            inst.op.map_args(resolve);
        }
    }

    /// Predecessors of every block (one entry per edge), for blocks in the layout.
    pub fn predecessors(&self) -> SecondaryMap<Block, Vec<Block>> {
        let mut preds: SecondaryMap<Block, Vec<Block>> = SecondaryMap::new();
        for &b in &self.layout {
            if let Some(&t) = self.blocks[b].insts.last() {
                for s in self.insts[t].op.successors() {
                    preds[s].push(b);
                }
            }
        }
        preds
    }
}

/// A global object: a map definition, `.data`/`.rodata`/`.bss` variable, the
/// license string, or an extern.
#[derive(Clone, Debug)]
pub struct DataObject {
    pub name: String,
    pub section: String,
    pub linkage: Linkage,
    /// Declared `extern` (no bytes; `.ksyms`, `.kconfig` or an undefined symbol).
    pub is_extern: bool,
    pub size: u64,
    pub align: u64,
    /// Initial contents (`size` bytes), empty for `.bss` and externs.
    pub bytes: Vec<u8>,
    /// Addresses stored in `bytes`: (offset, target, addend).
    pub relocs: Vec<(u64, SymbolTarget, i64)>,
    pub span: Span,
}

/// Everything one translation unit compiles to.
#[derive(Clone, Debug, Default)]
pub struct Module {
    pub functions: PrimaryMap<FuncId, Function>,
    pub data: PrimaryMap<DataId, DataObject>,
    /// Functions that are declared but not defined here (kfuncs, externs),
    /// referred to by `Callee::Kfunc` or `SymbolTarget::ExternFunc`.
    pub extern_functions: Vec<String>,
    /// Those of `extern_functions` declared `__attribute__((weak))`: their
    /// undefined symbols are `STB_WEAK`, so libbpf lets them be missing.
    pub weak_extern_functions: BTreeSet<String>,
    /// Functions and variables declared `visibility("hidden")` (libbpf's
    /// `__hidden`): `STV_HIDDEN` symbols, which libbpf treats as static.
    pub hidden_symbols: BTreeSet<String>,
}

impl Module {
    /// The binding of the undefined symbol of extern function `name`: weak if
    /// it was declared `__weak`, else global.
    pub fn extern_function_linkage(&self, name: &str) -> Linkage {
        if self.weak_extern_functions.contains(name) {
            Linkage::Weak
        } else {
            Linkage::Global
        }
    }
}
