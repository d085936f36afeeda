//! An interpreter for IR functions, with BPF's semantics.
//!
//! It exists for tests: lowering checks that C code computes what it should,
//! and the passes check that they preserve what a function computes. Values
//! are `u64`s; an `I32` value always has its upper 32 bits clear, and every
//! 32-bit operation wraps at 32 bits as BPF's ALU32 instructions do. Division
//! follows BPF (v4 for the signed forms): `x / 0 == 0`, `x % 0 == x`,
//! `INT_MIN / -1 == INT_MIN`, `INT_MIN % -1 == 0`; shift amounts are masked
//! to the width.
//!
//! Memory is byte-addressed and split into regions (data objects, the stack
//! slots of each active call, and memory an [`Env`] allocates for its
//! helpers). A region's address is `(index + 1) << 32`, so any access that
//! leaves its region or touches a freed frame traps instead of corrupting a
//! neighbour. Helper and kfunc calls go to an [`Env`], which also supplies
//! the packet that `LoadPacket` reads (big-endian, as LD_ABS/LD_IND do).

use super::*;
use cranelift_entity::EntityRef;

/// Why a run stopped without returning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trap {
    /// More instructions executed than the step limit allows.
    StepLimit,
    /// Calls nested deeper than [`MAX_CALL_DEPTH`].
    CallDepth,
    /// A load or store outside every live region.
    MemoryFault { addr: u64, len: u32 },
    /// `LoadPacket` outside the packet: the kernel ends the program with
    /// return value 0.
    PacketOutOfBounds { offset: i64, len: u32 },
    /// Reached an `Unreachable` instruction.
    Unreachable,
    /// Reached a `Trap` instruction (`__builtin_trap`).
    Trap,
    /// Read a value that has not been computed on this path (broken SSA).
    UndefinedValue(Value),
    /// The environment does not implement this helper.
    UnknownHelper(i64),
    /// The environment does not implement this kfunc.
    UnknownKfunc(String),
    /// An indirect call to something that is not a function of the module.
    BadCallee(u64),
    /// The IR is not well formed (missing terminator, wrong argument count…).
    Malformed(String),
    /// An environment-defined failure.
    Env(String),
}

/// The deepest call nesting a run allows (the kernel allows 8 frames).
pub const MAX_CALL_DEPTH: usize = 64;

/// The default step limit of [`run`].
pub const DEFAULT_STEP_LIMIT: u64 = 1_000_000;

/// Byte-addressed memory made of separate regions.
#[derive(Clone, Debug, Default)]
pub struct Memory {
    /// `None` once freed (a returned call's stack slots); indices are never
    /// reused so that dangling pointers trap.
    regions: Vec<Option<Vec<u8>>>,
}

impl Memory {
    /// Creates a zero-filled region of `size` bytes and returns its address.
    pub fn alloc(&mut self, size: usize) -> u64 {
        self.alloc_bytes(vec![0; size])
    }

    /// Creates a region holding `bytes` and returns its address.
    pub fn alloc_bytes(&mut self, bytes: Vec<u8>) -> u64 {
        self.regions.push(Some(bytes));
        (self.regions.len() as u64) << 32
    }

    /// Frees the region at `addr` (an address [`Memory::alloc`] returned).
    pub fn free(&mut self, addr: u64) {
        if let Some(r) = (addr >> 32)
            .checked_sub(1)
            .and_then(|i| self.regions.get_mut(i as usize))
        {
            *r = None;
        }
    }

    fn locate(&self, addr: u64, len: u32) -> Result<(usize, usize), Trap> {
        let fault = Trap::MemoryFault { addr, len };
        let index = (addr >> 32).checked_sub(1).ok_or(fault.clone())? as usize;
        let start = (addr & 0xffff_ffff) as usize;
        match self.regions.get(index) {
            Some(Some(r)) if start + len as usize <= r.len() => Ok((index, start)),
            _ => Err(fault),
        }
    }

    /// The `len` bytes at `addr`.
    pub fn read(&self, addr: u64, len: u32) -> Result<&[u8], Trap> {
        let (i, s) = self.locate(addr, len)?;
        Ok(&self.regions[i].as_ref().unwrap()[s..s + len as usize])
    }

    /// Overwrites the bytes at `addr` with `bytes`.
    pub fn write(&mut self, addr: u64, bytes: &[u8]) -> Result<(), Trap> {
        let (i, s) = self.locate(addr, bytes.len() as u32)?;
        self.regions[i].as_mut().unwrap()[s..s + bytes.len()].copy_from_slice(bytes);
        Ok(())
    }

    /// A little-endian unsigned integer of `width` at `addr`.
    pub fn load(&self, addr: u64, width: MemWidth) -> Result<u64, Trap> {
        let bytes = self.read(addr, width.bytes())?;
        let mut buf = [0u8; 8];
        buf[..bytes.len()].copy_from_slice(bytes);
        Ok(u64::from_le_bytes(buf))
    }

    /// Stores the low `width` bytes of `value` at `addr`, little-endian.
    pub fn store(&mut self, addr: u64, width: MemWidth, value: u64) -> Result<(), Trap> {
        let n = width.bytes() as usize;
        self.write(addr, &value.to_le_bytes()[..n])
    }
}

/// What the interpreted program sees of the outside world.
pub trait Env {
    /// `call N` with its arguments (r1-r5); returns r0.
    fn call_helper(&mut self, id: i64, args: &[u64], mem: &mut Memory) -> Result<u64, Trap> {
        let _ = (args, mem);
        Err(Trap::UnknownHelper(id))
    }

    /// A call to a kernel function declared `extern`.
    fn call_kfunc(&mut self, name: &str, args: &[u64], mem: &mut Memory) -> Result<u64, Trap> {
        let _ = (args, mem);
        Err(Trap::UnknownKfunc(name.to_string()))
    }

    /// The address of a kernel function declared `extern` (`&kfunc`): 0 for
    /// a weak one the kernel lacks, as libbpf resolves it.
    fn kfunc_addr(&mut self, name: &str) -> Result<u64, Trap> {
        Err(Trap::UnknownKfunc(name.to_string()))
    }

    /// The packet `LoadPacket` reads.
    fn packet(&self) -> &[u8] {
        &[]
    }
}

/// An environment with no helpers and an empty packet.
pub struct NoEnv;

impl Env for NoEnv {}

/// An environment whose helper calls go to a closure, with a fixed packet.
pub struct HelperEnv<F> {
    pub helper: F,
    pub packet: Vec<u8>,
}

impl<F> Env for HelperEnv<F>
where
    F: FnMut(i64, &[u64], &mut Memory) -> Result<u64, Trap>,
{
    fn call_helper(&mut self, id: i64, args: &[u64], mem: &mut Memory) -> Result<u64, Trap> {
        (self.helper)(id, args, mem)
    }

    fn packet(&self) -> &[u8] {
        &self.packet
    }
}

/// Runs `func` of `module` on `args` with fresh memory and the default step
/// limit. Returns the function's return value (`None` for `void`).
pub fn run(
    module: &Module,
    func: FuncId,
    args: &[u64],
    env: &mut dyn Env,
) -> Result<Option<u64>, Trap> {
    Machine::new(module).call(func, args, env)
}

/// An interpreter with its memory, for runs that inspect or prepare memory
/// (data objects) around a call.
pub struct Machine<'m> {
    pub module: &'m Module,
    pub memory: Memory,
    pub step_limit: u64,
    pub steps: u64,
    data_addrs: SecondaryMap<DataId, u64>,
    depth: usize,
}

/// Addresses of functions (for `SymbolAddr` of a function and indirect calls)
/// live above every region.
const FUNC_ADDR_BASE: u64 = 0xf000_0000_0000_0000;

fn mask(ty: Type, v: u64) -> u64 {
    match ty {
        Type::I32 => v & 0xffff_ffff,
        Type::I64 => v,
    }
}

fn sign_extend(v: u64, bits: u32) -> u64 {
    if bits >= 64 {
        v
    } else {
        (((v << (64 - bits)) as i64) >> (64 - bits)) as u64
    }
}

/// A binary operation on values of type `ty` (operands already masked).
pub fn eval_binary(op: BinOp, ty: Type, a: u64, b: u64) -> u64 {
    let bits = ty.bits();
    let r = match ty {
        Type::I64 => match op {
            BinOp::Add => a.wrapping_add(b),
            BinOp::Sub => a.wrapping_sub(b),
            BinOp::Mul => a.wrapping_mul(b),
            BinOp::UDiv => a.checked_div(b).unwrap_or(0),
            BinOp::URem => a.checked_rem(b).unwrap_or(a),
            BinOp::SDiv => {
                if b == 0 {
                    0
                } else {
                    (a as i64).wrapping_div(b as i64) as u64
                }
            }
            BinOp::SRem => {
                if b == 0 {
                    a
                } else {
                    (a as i64).wrapping_rem(b as i64) as u64
                }
            }
            BinOp::And => a & b,
            BinOp::Or => a | b,
            BinOp::Xor => a ^ b,
            BinOp::Shl => a << (b & 63),
            BinOp::LShr => a >> (b & 63),
            BinOp::AShr => ((a as i64) >> (b & 63)) as u64,
        },
        Type::I32 => {
            let (a, b) = (a as u32, b as u32);
            (match op {
                BinOp::Add => a.wrapping_add(b),
                BinOp::Sub => a.wrapping_sub(b),
                BinOp::Mul => a.wrapping_mul(b),
                BinOp::UDiv => a.checked_div(b).unwrap_or(0),
                BinOp::URem => a.checked_rem(b).unwrap_or(a),
                BinOp::SDiv => {
                    if b == 0 {
                        0
                    } else {
                        (a as i32).wrapping_div(b as i32) as u32
                    }
                }
                BinOp::SRem => {
                    if b == 0 {
                        a
                    } else {
                        (a as i32).wrapping_rem(b as i32) as u32
                    }
                }
                BinOp::And => a & b,
                BinOp::Or => a | b,
                BinOp::Xor => a ^ b,
                BinOp::Shl => a << (b & 31),
                BinOp::LShr => a >> (b & 31),
                BinOp::AShr => ((a as i32) >> (b & 31)) as u32,
            }) as u64
        }
    };
    debug_assert!(bits == 64 || r >> bits == 0);
    r
}

/// A unary operation on a value of type `ty`.
pub fn eval_unary(op: UnOp, ty: Type, a: u64) -> u64 {
    mask(
        ty,
        match op {
            UnOp::Neg => a.wrapping_neg(),
            UnOp::Not => !a,
        },
    )
}

/// Whether `cond` holds between operands of type `ty`.
pub fn eval_cond(cond: Cond, ty: Type, a: u64, b: u64) -> bool {
    let (a, b) = (mask(ty, a), mask(ty, b));
    let (sa, sb) = (
        sign_extend(a, ty.bits()) as i64,
        sign_extend(b, ty.bits()) as i64,
    );
    match cond {
        Cond::Eq => a == b,
        Cond::Ne => a != b,
        Cond::Ult => a < b,
        Cond::Ule => a <= b,
        Cond::Ugt => a > b,
        Cond::Uge => a >= b,
        Cond::Slt => sa < sb,
        Cond::Sle => sa <= sb,
        Cond::Sgt => sa > sb,
        Cond::Sge => sa >= sb,
        Cond::Set => a & b != 0,
    }
}

/// `Extend` of the low `from_bits` of `v` to type `ty`.
pub fn eval_extend(ty: Type, v: u64, from_bits: u8, signed: bool) -> u64 {
    let from = u32::from(from_bits).min(ty.bits());
    let low = if from >= 64 {
        v
    } else {
        v & ((1u64 << from) - 1)
    };
    mask(ty, if signed { sign_extend(low, from) } else { low })
}

/// `Bswap` of the low `bits` of `v`, upper bits cleared, in type `ty`.
pub fn eval_bswap(ty: Type, v: u64, bits: u8) -> u64 {
    mask(
        ty,
        match bits {
            16 => (v as u16).swap_bytes() as u64,
            32 => (v as u32).swap_bytes() as u64,
            _ => v.swap_bytes(),
        },
    )
}

/// `Widen` of an `I32` value to `I64`.
pub fn eval_widen(v: u64, signed: bool) -> u64 {
    if signed {
        sign_extend(v & 0xffff_ffff, 32)
    } else {
        v & 0xffff_ffff
    }
}

struct Frame {
    values: Vec<Option<u64>>,
    slots: SecondaryMap<StackSlot, u64>,
}

impl<'m> Machine<'m> {
    /// A machine whose memory holds every data object of `module` (defined
    /// ones with their initial bytes, `.bss` and externs zero-filled).
    pub fn new(module: &'m Module) -> Machine<'m> {
        let mut memory = Memory::default();
        let mut data_addrs = SecondaryMap::new();
        for (id, d) in module.data.iter() {
            let mut bytes = d.bytes.clone();
            bytes.resize(bytes.len().max(d.size as usize), 0);
            data_addrs[id] = memory.alloc_bytes(bytes);
        }
        Machine {
            module,
            memory,
            step_limit: DEFAULT_STEP_LIMIT,
            steps: 0,
            data_addrs,
            depth: 0,
        }
    }

    /// The address of a data object in this machine's memory.
    pub fn data_addr(&self, id: DataId) -> u64 {
        self.data_addrs[id]
    }

    /// The address `SymbolAddr` of a function evaluates to.
    pub fn func_addr(&self, id: FuncId) -> u64 {
        FUNC_ADDR_BASE + id.as_u32() as u64
    }

    /// Calls `func` with `args` (each masked to its parameter type).
    pub fn call(
        &mut self,
        func: FuncId,
        args: &[u64],
        env: &mut dyn Env,
    ) -> Result<Option<u64>, Trap> {
        if self.depth >= MAX_CALL_DEPTH {
            return Err(Trap::CallDepth);
        }
        self.depth += 1;
        let f = &self.module.functions[func];
        let mut frame = Frame {
            values: vec![None; f.values.len()],
            slots: SecondaryMap::new(),
        };
        for (slot, data) in f.slots.iter() {
            frame.slots[slot] = self.memory.alloc(data.size as usize);
        }
        let result = self.run_body(f, args, &mut frame, env);
        for (_, &addr) in frame.slots.iter() {
            self.memory.free(addr);
        }
        self.depth -= 1;
        result
    }

    fn run_body(
        &mut self,
        f: &Function,
        args: &[u64],
        frame: &mut Frame,
        env: &mut dyn Env,
    ) -> Result<Option<u64>, Trap> {
        let Some(&entry) = f.layout.first() else {
            return Err(Trap::Malformed(format!("{} has no blocks", f.name)));
        };
        let mut block = entry;
        let mut incoming: Vec<u64> = args.to_vec();
        loop {
            let params = &f.blocks[block].params;
            if params.len() != incoming.len() {
                return Err(Trap::Malformed(format!(
                    "{block} takes {} arguments, given {}",
                    params.len(),
                    incoming.len()
                )));
            }
            for (&p, &a) in params.iter().zip(&incoming) {
                frame.values[p.index()] = Some(mask(f.value_type(p), a));
            }
            let mut next = None;
            for &inst in &f.blocks[block].insts {
                self.steps += 1;
                if self.steps > self.step_limit {
                    return Err(Trap::StepLimit);
                }
                match self.step(f, inst, frame, env)? {
                    Flow::Continue => {}
                    Flow::Goto(b, args) => {
                        next = Some((b, args));
                        break;
                    }
                    Flow::Return(v) => return Ok(v),
                }
            }
            let Some((b, args)) = next else {
                return Err(Trap::Malformed(format!("{block} has no terminator")));
            };
            block = b;
            incoming = args;
        }
    }

    fn get(&self, f: &Function, frame: &Frame, v: Value) -> Result<u64, Trap> {
        let v = f.resolve(v);
        frame.values[v.index()].ok_or(Trap::UndefinedValue(v))
    }

    fn block_call(&self, f: &Function, frame: &Frame, bc: &BlockCall) -> Result<Flow, Trap> {
        let args = bc
            .args
            .iter()
            .map(|&a| self.get(f, frame, a))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Flow::Goto(bc.block, args))
    }

    fn step(
        &mut self,
        f: &Function,
        inst: Inst,
        frame: &mut Frame,
        env: &mut dyn Env,
    ) -> Result<Flow, Trap> {
        let data = &f.insts[inst];
        let ty = data.result.map(|r| f.value_type(r));
        let rty = ty.unwrap_or(Type::I64);
        let get = |v: Value| self.get(f, frame, v);
        let result: u64 = match &data.op {
            Op::Iconst(c) => *c as u64,
            Op::CoreValue(r) => r.value as u64,
            Op::Binary(op, a, b) => {
                let oty = f.value_type(*a);
                eval_binary(*op, oty, mask(oty, get(*a)?), mask(oty, get(*b)?))
            }
            Op::Unary(op, a) => eval_unary(*op, rty, get(*a)?),
            Op::Icmp(c, a, b) => eval_cond(*c, f.value_type(*a), get(*a)?, get(*b)?) as u64,
            Op::Extend {
                value,
                from_bits,
                signed,
            } => eval_extend(rty, get(*value)?, *from_bits, *signed),
            Op::Widen { value, signed } => eval_widen(get(*value)?, *signed),
            Op::Narrow(v) => get(*v)? & 0xffff_ffff,
            Op::IsConstant(v) => crate::passes::const_fold::is_constant(f, *v) as u64,
            Op::Bswap { value, bits } => eval_bswap(rty, get(*value)?, *bits),
            Op::Load {
                addr,
                offset,
                width,
                signed,
                ..
            } => {
                let at = get(*addr)?.wrapping_add(*offset as i64 as u64);
                let v = self.memory.load(at, *width)?;
                if *signed {
                    sign_extend(v, width.bytes() * 8)
                } else {
                    v
                }
            }
            Op::Store {
                addr,
                offset,
                value,
                width,
                ..
            } => {
                let at = get(*addr)?.wrapping_add(*offset as i64 as u64);
                let v = get(*value)?;
                self.memory.store(at, *width, v)?;
                return Ok(Flow::Continue);
            }
            Op::AtomicRmw {
                op,
                addr,
                offset,
                value,
                width,
            } => {
                let at = get(*addr)?.wrapping_add(*offset as i64 as u64);
                let old = self.memory.load(at, *width)?;
                self.memory.store(at, *width, op.apply(old, get(*value)?))?;
                old
            }
            Op::AtomicCmpXchg {
                addr,
                offset,
                expected,
                new,
                width,
            } => {
                let at = get(*addr)?.wrapping_add(*offset as i64 as u64);
                let old = self.memory.load(at, *width)?;
                if old == mask(rty, get(*expected)?) {
                    self.memory.store(at, *width, get(*new)?)?;
                }
                old
            }
            Op::StackAddr { slot, offset } => {
                frame.slots[*slot].wrapping_add(*offset as i64 as u64)
            }
            Op::SymbolAddr { target, addend } => {
                let base = match target {
                    SymbolTarget::Data(d) => self.data_addrs[*d],
                    SymbolTarget::Func(func) => self.func_addr(*func),
                    SymbolTarget::ExternFunc(name) => env.kfunc_addr(name)?,
                };
                base.wrapping_add(*addend as u64)
            }
            Op::Call { callee, args } => {
                let args = args
                    .iter()
                    .map(|&a| get(a))
                    .collect::<Result<Vec<_>, _>>()?;
                match callee {
                    Callee::Helper(n) => env.call_helper(*n, &args, &mut self.memory)?,
                    Callee::Kfunc(name) => env.call_kfunc(name, &args, &mut self.memory)?,
                    Callee::Func(id) => self.call(*id, &args, env)?.unwrap_or(0),
                }
            }
            // A barrier (`asm volatile("" ::: "memory")`) does nothing here;
            // real instructions are BPF code the interpreter does not run.
            Op::InlineAsm(a) if a.template.trim().is_empty() && data.result.is_none() => {
                return Ok(Flow::Continue);
            }
            Op::InlineAsm(_) | Op::AsmOutput { .. } => {
                return Err(Trap::Env("inline assembly is not interpreted".into()));
            }
            Op::AsmGoto {
                asm, fallthrough, ..
            } if asm.template.trim().is_empty() => {
                return self.block_call(f, frame, fallthrough);
            }
            Op::AsmGoto { .. } => {
                return Err(Trap::Env("inline assembly is not interpreted".into()));
            }
            Op::CallIndirect { callee, args } => {
                let target = get(*callee)?;
                let args = args
                    .iter()
                    .map(|&a| get(a))
                    .collect::<Result<Vec<_>, _>>()?;
                let id = target
                    .checked_sub(FUNC_ADDR_BASE)
                    .filter(|&i| i < self.module.functions.len() as u64)
                    .ok_or(Trap::BadCallee(target))?;
                self.call(FuncId::from_u32(id as u32), &args, env)?
                    .unwrap_or(0)
            }
            Op::LoadPacket {
                index,
                offset,
                width,
                ..
            } => {
                let base = match index {
                    Some(i) => get(*i)? as u32 as i32 as i64,
                    None => 0,
                };
                let off = base + *offset as i64;
                let len = width.bytes();
                let packet = env.packet();
                let bytes = usize::try_from(off)
                    .ok()
                    .and_then(|o| packet.get(o..o + len as usize))
                    .ok_or(Trap::PacketOutOfBounds { offset: off, len })?;
                bytes.iter().fold(0u64, |acc, &b| (acc << 8) | b as u64)
            }
            Op::Jump(bc) => return self.block_call(f, frame, bc),
            Op::Brif {
                cond,
                then_dest,
                else_dest,
            } => {
                let c = mask(f.value_type(*cond), get(*cond)?);
                return self.block_call(f, frame, if c != 0 { then_dest } else { else_dest });
            }
            Op::Return(v) => {
                return Ok(Flow::Return(match v {
                    Some(v) => Some(mask(f.value_type(*v), get(*v)?)),
                    None => None,
                }))
            }
            Op::Unreachable => return Err(Trap::Unreachable),
            Op::Trap => return Err(Trap::Trap),
        };
        if let (Some(r), Some(ty)) = (data.result, ty) {
            frame.values[r.index()] = Some(mask(ty, result));
        }
        Ok(Flow::Continue)
    }
}

enum Flow {
    Continue,
    Goto(Block, Vec<u64>),
    Return(Option<u64>),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::builder::FunctionBuilder;

    fn module_with(f: Function) -> (Module, FuncId) {
        let mut m = Module::default();
        let id = m.functions.push(f);
        (m, id)
    }

    /// Builds `fn(a, b) -> op(a, b)` over type `ty`.
    fn binary_fn(op: BinOp, ty: Type) -> (Module, FuncId) {
        let mut f = Function::new("f", ".text", vec![ty, ty], Some(ty));
        let mut b = FunctionBuilder::new(&mut f);
        let e = b.create_block();
        let x = b.append_block_param(e, ty);
        let y = b.append_block_param(e, ty);
        b.switch_to_block(e);
        let r = b.binary(op, x, y);
        b.ret(Some(r));
        module_with(f)
    }

    fn bin(op: BinOp, ty: Type, a: u64, b: u64) -> u64 {
        let (m, id) = binary_fn(op, ty);
        run(&m, id, &[a, b], &mut NoEnv).unwrap().unwrap()
    }

    #[test]
    fn arithmetic_wraps_at_the_type_width() {
        assert_eq!(bin(BinOp::Add, Type::I32, 0xffff_ffff, 2), 1);
        assert_eq!(bin(BinOp::Add, Type::I64, 0xffff_ffff, 2), 0x1_0000_0001);
        assert_eq!(bin(BinOp::Sub, Type::I32, 0, 1), 0xffff_ffff);
        assert_eq!(bin(BinOp::Mul, Type::I32, 0x10000, 0x10000), 0);
        // Upper bits of I32 arguments are ignored.
        assert_eq!(bin(BinOp::Add, Type::I32, 0x5_0000_0001, 1), 2);
    }

    #[test]
    fn division_follows_bpf() {
        assert_eq!(bin(BinOp::UDiv, Type::I64, 7, 0), 0);
        assert_eq!(bin(BinOp::URem, Type::I64, 7, 0), 7);
        assert_eq!(bin(BinOp::UDiv, Type::I32, 7, 0), 0);
        assert_eq!(bin(BinOp::URem, Type::I32, 7, 0), 7);
        assert_eq!(bin(BinOp::SDiv, Type::I64, 7, 0), 0);
        assert_eq!(bin(BinOp::SRem, Type::I64, 7, 0), 7);
        assert_eq!(
            bin(BinOp::SDiv, Type::I32, (-7i32) as u32 as u64, 2),
            (-3i32) as u32 as u64
        );
        assert_eq!(
            bin(BinOp::SRem, Type::I32, (-7i32) as u32 as u64, 2),
            (-1i32) as u32 as u64
        );
        assert_eq!(
            bin(BinOp::SDiv, Type::I64, i64::MIN as u64, u64::MAX),
            i64::MIN as u64
        );
        assert_eq!(bin(BinOp::SRem, Type::I64, i64::MIN as u64, u64::MAX), 0);
        assert_eq!(
            bin(BinOp::SDiv, Type::I32, 0x8000_0000, 0xffff_ffff),
            0x8000_0000
        );
        assert_eq!(bin(BinOp::UDiv, Type::I32, 0xffff_fffe, 2), 0x7fff_ffff);
    }

    #[test]
    fn shifts_mask_their_amount() {
        assert_eq!(bin(BinOp::Shl, Type::I32, 1, 33), 2);
        assert_eq!(bin(BinOp::Shl, Type::I64, 1, 33), 1 << 33);
        assert_eq!(bin(BinOp::AShr, Type::I32, 0x8000_0000, 31), 0xffff_ffff);
        assert_eq!(bin(BinOp::LShr, Type::I32, 0x8000_0000, 31), 1);
        assert_eq!(bin(BinOp::AShr, Type::I64, 0x8000_0000, 31), 1);
    }

    #[test]
    fn conditions_compare_at_the_operand_width() {
        assert!(eval_cond(Cond::Slt, Type::I32, 0xffff_ffff, 0));
        assert!(!eval_cond(Cond::Slt, Type::I64, 0xffff_ffff, 0));
        assert!(eval_cond(Cond::Ugt, Type::I32, 0xffff_ffff, 0));
        assert!(eval_cond(Cond::Set, Type::I64, 6, 2));
        assert!(!eval_cond(Cond::Set, Type::I64, 6, 1));
        assert_eq!(eval_extend(Type::I64, 0x80, 8, true), u64::MAX - 0x7f);
        assert_eq!(eval_extend(Type::I32, 0x1_ff80, 8, true), 0xffff_ff80);
        assert_eq!(eval_extend(Type::I32, 0x1_ff80, 16, false), 0xff80);
        assert_eq!(eval_bswap(Type::I64, 0x1234_5678, 16), 0x7856);
        assert_eq!(eval_widen(0x8000_0000, true), 0xffff_ffff_8000_0000);
    }

    /// `sum(n) = 0 + 1 + … + (n-1)` with a loop over block parameters, and a
    /// stack slot holding the sum.
    #[test]
    fn loops_with_block_params_and_stack_slots() {
        let mut f = Function::new("sum", ".text", vec![Type::I64], Some(Type::I64));
        let mut b = FunctionBuilder::new(&mut f);
        let entry = b.create_block();
        let head = b.create_block();
        let body = b.create_block();
        let exit = b.create_block();
        let n = b.append_block_param(entry, Type::I64);
        let slot = b.create_slot(8, 8, Some("sum".into()), Span::default());
        b.switch_to_block(entry);
        let zero = b.iconst(Type::I64, 0);
        let sp = b.ins_value(Op::StackAddr { slot, offset: 0 }, Type::I64);
        b.ins(
            Op::Store {
                addr: sp,
                offset: 0,
                value: zero,
                width: MemWidth::B8,
                volatile: false,
            },
            None,
        );
        b.jump(head, vec![zero]);
        let i = b.append_block_param(head, Type::I64);
        b.switch_to_block(head);
        let c = b.icmp(Cond::Ult, i, n, Type::I32);
        b.brif(c, body, exit);
        b.switch_to_block(body);
        let load = Op::Load {
            addr: sp,
            offset: 0,
            width: MemWidth::B8,
            signed: false,
            volatile: false,
        };
        let s = b.ins_value(load.clone(), Type::I64);
        let s2 = b.binary(BinOp::Add, s, i);
        b.ins(
            Op::Store {
                addr: sp,
                offset: 0,
                value: s2,
                width: MemWidth::B8,
                volatile: false,
            },
            None,
        );
        let one = b.iconst(Type::I64, 1);
        let i2 = b.binary(BinOp::Add, i, one);
        b.jump(head, vec![i2]);
        b.switch_to_block(exit);
        let r = b.ins_value(load, Type::I64);
        b.ret(Some(r));
        verify::verify_function(&f).unwrap();
        let (m, id) = module_with(f);
        assert_eq!(run(&m, id, &[10], &mut NoEnv), Ok(Some(45)));
        assert_eq!(run(&m, id, &[0], &mut NoEnv), Ok(Some(0)));
        let mut machine = Machine::new(&m);
        machine.step_limit = 100;
        assert_eq!(machine.call(id, &[1000], &mut NoEnv), Err(Trap::StepLimit));
    }

    #[test]
    fn memory_widths_and_data_objects() {
        let mut m = Module::default();
        let d = m.data.push(DataObject {
            name: "g".into(),
            section: ".data".into(),
            linkage: Linkage::Global,
            is_extern: false,
            size: 8,
            align: 8,
            bytes: vec![0x80, 0xff, 0x01, 0x02, 0, 0, 0, 0x80],
            relocs: vec![],
            span: Span::default(),
        });
        let mut f = Function::new("f", ".text", vec![Type::I32], Some(Type::I64));
        let mut b = FunctionBuilder::new(&mut f);
        let e = b.create_block();
        let which = b.append_block_param(e, Type::I32);
        b.switch_to_block(e);
        let g = b.ins_value(
            Op::SymbolAddr {
                target: SymbolTarget::Data(d),
                addend: 0,
            },
            Type::I64,
        );
        let mut loads = Vec::new();
        for (width, signed) in [
            (MemWidth::B1, true),
            (MemWidth::B1, false),
            (MemWidth::B2, true),
            (MemWidth::B4, false),
            (MemWidth::B8, false),
        ] {
            loads.push(b.ins_value(
                Op::Load {
                    addr: g,
                    offset: 0,
                    width,
                    signed,
                    volatile: false,
                },
                Type::I64,
            ));
        }
        // Return loads[which] through a chain of compares.
        let blocks: Vec<Block> = (0..loads.len()).map(|_| b.create_block()).collect();
        let next: Vec<Block> = (0..loads.len()).map(|_| b.create_block()).collect();
        b.jump(next[0], vec![]);
        for k in 0..loads.len() {
            b.switch_to_block(next[k]);
            let kc = b.iconst(Type::I32, k as i64);
            let c = b.icmp(Cond::Eq, which, kc, Type::I32);
            let other = if k + 1 < loads.len() {
                next[k + 1]
            } else {
                blocks[k]
            };
            b.brif(c, blocks[k], other);
            b.switch_to_block(blocks[k]);
            b.ret(Some(loads[k]));
        }
        verify::verify_function(&f).unwrap();
        let id = m.functions.push(f);
        let r = |k| run(&m, id, &[k], &mut NoEnv).unwrap().unwrap();
        assert_eq!(r(0), (-128i64) as u64);
        assert_eq!(r(1), 0x80);
        assert_eq!(r(2), 0xffff_ffff_ffff_ff80);
        assert_eq!(r(3), 0x0201_ff80);
        assert_eq!(r(4), 0x8000_0000_0201_ff80);
    }

    #[test]
    fn out_of_bounds_accesses_trap() {
        let mut f = Function::new("f", ".text", vec![], Some(Type::I64));
        let mut b = FunctionBuilder::new(&mut f);
        let e = b.create_block();
        let slot = b.create_slot(4, 4, None, Span::default());
        b.switch_to_block(e);
        let sp = b.ins_value(Op::StackAddr { slot, offset: 0 }, Type::I64);
        let v = b.ins_value(
            Op::Load {
                addr: sp,
                offset: 2,
                width: MemWidth::B4,
                signed: false,
                volatile: false,
            },
            Type::I64,
        );
        b.ret(Some(v));
        let (m, id) = module_with(f);
        assert!(matches!(
            run(&m, id, &[], &mut NoEnv),
            Err(Trap::MemoryFault { len: 4, .. })
        ));
    }

    #[test]
    fn helpers_calls_and_packets() {
        let mut m = Module::default();
        // callee(x) = helper#5(x, 3)
        let mut g = Function::new("callee", ".text", vec![Type::I64], Some(Type::I64));
        let mut b = FunctionBuilder::new(&mut g);
        let e = b.create_block();
        let x = b.append_block_param(e, Type::I64);
        b.switch_to_block(e);
        let three = b.iconst(Type::I64, 3);
        let r = b.ins_value(
            Op::Call {
                callee: Callee::Helper(5),
                args: vec![x, three],
            },
            Type::I64,
        );
        b.ret(Some(r));
        let callee = m.functions.push(g);
        // f(skb) = callee(ld_abs16 [2]) + ld_ind8 [2 + 2]
        let mut f = Function::new("f", "socket", vec![Type::I64], Some(Type::I64));
        let mut b = FunctionBuilder::new(&mut f);
        let e = b.create_block();
        let skb = b.append_block_param(e, Type::I64);
        b.switch_to_block(e);
        let h = b.ins_value(
            Op::LoadPacket {
                skb,
                index: None,
                offset: 2,
                width: MemWidth::B2,
            },
            Type::I64,
        );
        let c = b.ins_value(
            Op::Call {
                callee: Callee::Func(callee),
                args: vec![h],
            },
            Type::I64,
        );
        let idx = b.iconst(Type::I64, 2);
        let p = b.ins_value(
            Op::LoadPacket {
                skb,
                index: Some(idx),
                offset: 2,
                width: MemWidth::B1,
            },
            Type::I64,
        );
        let s = b.binary(BinOp::Add, c, p);
        b.ret(Some(s));
        let id = m.functions.push(f);
        let mut env = HelperEnv {
            helper: |n: i64, args: &[u64], _: &mut Memory| {
                assert_eq!(n, 5);
                Ok(args[0] * 10 + args[1])
            },
            packet: vec![0, 1, 0x12, 0x34, 7],
        };
        assert_eq!(run(&m, id, &[0], &mut env), Ok(Some(0x1234 * 10 + 3 + 7)));
        env.packet.truncate(4);
        assert_eq!(
            run(&m, id, &[0], &mut env),
            Err(Trap::PacketOutOfBounds { offset: 4, len: 1 })
        );
        assert_eq!(
            run(&m, id, &[0], &mut NoEnv),
            Err(Trap::PacketOutOfBounds { offset: 2, len: 2 })
        );
    }
}
