//! Tests of the pass pipeline: hand-written functions whose optimized IR is
//! compared as text, and a property test that builds random functions the
//! way lowering does (locals in stack slots, structured control flow, loops
//! with counters on the stack, helper calls, packet loads) and checks with
//! the interpreter that every optimization level computes the same results
//! and makes the same helper calls.

use super::*;
use crate::ir::builder::FunctionBuilder;
use crate::ir::interp::{Env, Machine, Memory, Trap};
use crate::ir::print::{self, print_function};
use crate::ir::*;
use cranelift_entity::SecondaryMap;

/// xorshift64*: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// Values that exercise edge cases more often than uniform ones.
    fn interesting(&mut self) -> u64 {
        match self.below(8) {
            0 => 0,
            1 => 1,
            2 => u64::MAX,
            3 => self.pick(&[
                0x7f,
                0x80,
                0xff,
                0x7fff,
                0x8000,
                0xffff,
                0x8000_0000,
                0xffff_ffff,
            ]),
            4 => i64::MIN as u64,
            5 => self.below(16),
            6 => self.below(64),
            _ => self.next(),
        }
    }
}

/// Helper calls and packet of the property test: every call is logged, and
/// its result depends on how many calls came before, so removing, adding or
/// reordering calls changes what the test sees.
struct LoggingEnv {
    log: Vec<(i64, Vec<u64>)>,
    packet: Vec<u8>,
}

impl Env for LoggingEnv {
    fn call_helper(&mut self, id: i64, args: &[u64], _: &mut Memory) -> Result<u64, Trap> {
        self.log.push((id, args.to_vec()));
        let mut h = (self.log.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        for &a in args {
            h = (h ^ a).wrapping_mul(0x100_0000_01b3);
        }
        Ok(h >> (id as u64 % 40))
    }

    fn packet(&self) -> &[u8] {
        &self.packet
    }
}

/// A scalar local of the generated function.
#[derive(Copy, Clone)]
struct Local {
    slot: StackSlot,
    width: MemWidth,
    /// An address made once in the entry block, as some lowerings do; `None`
    /// makes a fresh `stack_addr` at each access.
    addr: Option<Value>,
}

struct Gen<'r> {
    rng: &'r mut Rng,
    locals: Vec<Local>,
    /// An address-taken array of four u32 (stays in memory).
    array: StackSlot,
    /// A 16-byte struct accessed at constant offsets and mixed widths: stays
    /// in memory, its address never escapes (dead store elimination).
    record: StackSlot,
    global: DataId,
    params: Vec<Value>,
    ret: Type,
    /// A function of the module this one may call with (i64, i32) -> i64.
    callee: Option<FuncId>,
    /// Statements left to generate, so functions stay small.
    budget: u32,
}

impl Gen<'_> {
    fn local_addr(&mut self, b: &mut FunctionBuilder, local: Local) -> Value {
        match local.addr {
            Some(a) => a,
            None => b.ins_value(
                Op::StackAddr {
                    slot: local.slot,
                    offset: 0,
                },
                Type::I64,
            ),
        }
    }

    /// A random field of the record: (address, width).
    fn record_field(&mut self, b: &mut FunctionBuilder) -> (Value, MemWidth) {
        // Few distinct fields, so that accesses often overlap.
        let width = self
            .rng
            .pick(&[MemWidth::B2, MemWidth::B4, MemWidth::B8, MemWidth::B8]);
        let offset = self.rng.pick(&[0, 8]) + if width == MemWidth::B2 { 2 } else { 0 };
        let addr = b.ins_value(
            Op::StackAddr {
                slot: self.record,
                offset,
            },
            Type::I64,
        );
        (addr, width)
    }

    fn convert(&mut self, b: &mut FunctionBuilder, v: Value, ty: Type) -> Value {
        match (b.func.value_type(v), ty) {
            (Type::I64, Type::I32) => b.ins_value(Op::Narrow(v), Type::I32),
            (Type::I32, Type::I64) => {
                let signed = self.rng.chance(50);
                b.ins_value(Op::Widen { value: v, signed }, Type::I64)
            }
            _ => v,
        }
    }

    fn expr(&mut self, b: &mut FunctionBuilder, ty: Type, depth: u32) -> Value {
        let leaf = depth == 0 || self.rng.chance(30);
        if leaf {
            return match self.rng.below(7) {
                6 => {
                    let (addr, width) = self.record_field(b);
                    let signed = self.rng.chance(50);
                    b.ins_value(load(addr, width, signed), ty)
                }
                0 | 1 => {
                    let c = self.rng.interesting() as i64;
                    b.iconst(ty, c)
                }
                2 => {
                    let p = self.rng.pick(&self.params.clone());
                    self.convert(b, p, ty)
                }
                3 => {
                    // A global, read at an offset.
                    let g = b.ins_value(
                        Op::SymbolAddr {
                            target: SymbolTarget::Data(self.global),
                            addend: 0,
                        },
                        Type::I64,
                    );
                    let width = self.rng.pick(&[MemWidth::B1, MemWidth::B2, MemWidth::B4]);
                    let offset = self.rng.below(4) as i32 * 4;
                    let signed = self.rng.chance(50);
                    b.ins_value(
                        Op::Load {
                            addr: g,
                            offset,
                            width,
                            signed,
                            volatile: false,
                        },
                        ty,
                    )
                }
                _ => {
                    let local = self.rng.pick(&self.locals.clone());
                    let addr = self.local_addr(b, local);
                    let signed = self.rng.chance(50);
                    b.ins_value(
                        Op::Load {
                            addr,
                            offset: 0,
                            width: local.width,
                            signed,
                            volatile: false,
                        },
                        ty,
                    )
                }
            };
        }
        match self.rng.below(10) {
            0..=3 => {
                let op = self.rng.pick(&[
                    BinOp::Add,
                    BinOp::Sub,
                    BinOp::Mul,
                    BinOp::UDiv,
                    BinOp::SDiv,
                    BinOp::URem,
                    BinOp::SRem,
                    BinOp::And,
                    BinOp::Or,
                    BinOp::Xor,
                    BinOp::Shl,
                    BinOp::LShr,
                    BinOp::AShr,
                ]);
                let x = self.expr(b, ty, depth - 1);
                let y = if self.rng.chance(20) {
                    x
                } else {
                    self.expr(b, ty, depth - 1)
                };
                b.binary(op, x, y)
            }
            4 => {
                let op = self.rng.pick(&[UnOp::Neg, UnOp::Not]);
                let x = self.expr(b, ty, depth - 1);
                b.ins_value(Op::Unary(op, x), ty)
            }
            5 => {
                let oty = self.rng.pick(&[Type::I32, Type::I64]);
                let cond = self.rng.pick(&[
                    Cond::Eq,
                    Cond::Ne,
                    Cond::Ult,
                    Cond::Ule,
                    Cond::Ugt,
                    Cond::Uge,
                    Cond::Slt,
                    Cond::Sle,
                    Cond::Sgt,
                    Cond::Sge,
                    Cond::Set,
                ]);
                let x = self.expr(b, oty, depth - 1);
                let y = self.expr(b, oty, depth - 1);
                b.icmp(cond, x, y, ty)
            }
            6 => {
                let bits: &[u8] = if ty == Type::I64 {
                    &[8, 16, 32]
                } else {
                    &[8, 16]
                };
                let from_bits = self.rng.pick(bits);
                let signed = self.rng.chance(50);
                let x = self.expr(b, ty, depth - 1);
                let e = b.ins_value(
                    Op::Extend {
                        value: x,
                        from_bits,
                        signed,
                    },
                    ty,
                );
                if self.rng.chance(30) {
                    // Extend again: const_fold drops redundant extensions.
                    let signed = self.rng.chance(50);
                    b.ins_value(
                        Op::Extend {
                            value: e,
                            from_bits: self.rng.pick(bits),
                            signed,
                        },
                        ty,
                    )
                } else {
                    e
                }
            }
            7 => {
                let bits: &[u8] = if ty == Type::I64 {
                    &[16, 32, 64]
                } else {
                    &[16, 32]
                };
                let bits = self.rng.pick(bits);
                let x = self.expr(b, ty, depth - 1);
                b.ins_value(Op::Bswap { value: x, bits }, ty)
            }
            8 if self.callee.is_some() && self.rng.chance(50) => {
                let a = self.expr(b, Type::I64, depth - 1);
                let c = self.expr(b, Type::I32, depth - 1);
                let r = b.ins_value(
                    Op::Call {
                        callee: Callee::Func(self.callee.unwrap()),
                        args: vec![a, c],
                    },
                    Type::I64,
                );
                self.convert(b, r, ty)
            }
            8 => {
                // A helper call: has side effects, never removed or moved.
                let n = self.rng.below(3) as usize;
                let args: Vec<Value> = (0..n).map(|_| self.expr(b, Type::I64, depth - 1)).collect();
                let id = self.rng.pick(&[1i64, 5, 14]);
                let r = b.ins_value(
                    Op::Call {
                        callee: Callee::Helper(id),
                        args,
                    },
                    Type::I64,
                );
                self.convert(b, r, ty)
            }
            _ => {
                // A packet load; out of bounds ends the run.
                let skb = self.params[0];
                let width = self.rng.pick(&[MemWidth::B1, MemWidth::B2, MemWidth::B4]);
                let offset = self.rng.below(12) as i32;
                let index = if self.rng.chance(30) {
                    Some(b.iconst(Type::I64, self.rng.below(4) as i64))
                } else {
                    None
                };
                let v = b.ins_value(
                    Op::LoadPacket {
                        skb,
                        index,
                        offset,
                        width,
                    },
                    Type::I64,
                );
                self.convert(b, v, ty)
            }
        }
    }

    fn store_local(&mut self, b: &mut FunctionBuilder, local: Local, value: Value) {
        let addr = self.local_addr(b, local);
        b.ins(
            Op::Store {
                addr,
                offset: 0,
                value,
                width: local.width,
                volatile: false,
            },
            None,
        );
    }

    /// Appends statements to the current block; leaves the builder in an
    /// open block (possibly unreachable after a return).
    fn stmts(&mut self, b: &mut FunctionBuilder, depth: u32) {
        let n = 1 + self.rng.below(4);
        for _ in 0..n {
            if self.budget == 0 {
                return;
            }
            self.budget -= 1;
            self.stmt(b, depth);
        }
    }

    fn stmt(&mut self, b: &mut FunctionBuilder, depth: u32) {
        let kind = if depth == 0 {
            self.rng.below(4)
        } else {
            self.rng.below(8)
        };
        match kind {
            3 => {
                let (addr, width) = self.record_field(b);
                let ty = if width == MemWidth::B8 {
                    Type::I64
                } else {
                    self.rng.pick(&[Type::I32, Type::I64])
                };
                let v = self.expr(b, ty, 2);
                b.ins(store(addr, v, width), None);
            }
            0 | 1 => {
                let local = self.rng.pick(&self.locals.clone());
                let ty = if local.width == MemWidth::B8 || self.rng.chance(30) {
                    self.rng.pick(&[Type::I32, Type::I64])
                } else {
                    Type::I32
                };
                let v = self.expr(b, ty, 3);
                self.store_local(b, local, v);
            }
            2 => {
                // array[i & 3] = v; reads back happen through loads below.
                let i = self.expr(b, Type::I64, 2);
                let three = b.iconst(Type::I64, 3);
                let idx = b.binary(BinOp::And, i, three);
                let four = b.iconst(Type::I64, 4);
                let off = b.binary(BinOp::Mul, idx, four);
                let base = b.ins_value(
                    Op::StackAddr {
                        slot: self.array,
                        offset: 0,
                    },
                    Type::I64,
                );
                let addr = b.binary(BinOp::Add, base, off);
                let v = self.expr(b, Type::I32, 2);
                // Or an atomic read-modify-write or cmpxchg there, its old
                // value kept or dropped: never removed, merged or forwarded
                // across.
                // The atomic goes to the array element or to a local of 4 or
                // 8 bytes (whose loads may share one address value).
                let wide: Vec<Local> = self
                    .locals
                    .iter()
                    .copied()
                    .filter(|l| matches!(l.width, MemWidth::B4 | MemWidth::B8))
                    .collect();
                let (addr, v, width, ty) = match wide.first() {
                    Some(_) if self.rng.chance(50) => {
                        let local = self.rng.pick(&wide);
                        let ty = if local.width == MemWidth::B8 {
                            Type::I64
                        } else {
                            Type::I32
                        };
                        // As lowering marks a local whose address `&x` is
                        // passed to a builtin.
                        b.func.slots[local.slot].address_taken = true;
                        let a = self.local_addr(b, local);
                        let v = self.convert(b, v, ty);
                        (a, v, local.width, ty)
                    }
                    _ => (addr, v, MemWidth::B4, Type::I32),
                };
                let old = match self.rng.below(6) {
                    0 => {
                        let op = self.rng.pick(&[
                            AtomicOp::Add,
                            AtomicOp::And,
                            AtomicOp::Or,
                            AtomicOp::Xor,
                            AtomicOp::Xchg,
                        ]);
                        Some(b.ins_value(
                            Op::AtomicRmw {
                                op,
                                addr,
                                offset: 0,
                                value: v,
                                width,
                            },
                            ty,
                        ))
                    }
                    1 => {
                        let expected = self.expr(b, ty, 1);
                        Some(b.ins_value(
                            Op::AtomicCmpXchg {
                                addr,
                                offset: 0,
                                expected,
                                new: v,
                                width,
                            },
                            ty,
                        ))
                    }
                    _ => {
                        b.ins(
                            Op::Store {
                                addr,
                                offset: 0,
                                value: v,
                                width,
                                volatile: false,
                            },
                            None,
                        );
                        None
                    }
                };
                if let Some(old) = old.filter(|_| self.rng.chance(50)) {
                    let local = self.rng.pick(&self.locals.clone());
                    let old = self.convert(b, old, Type::I64);
                    self.store_local(b, local, old);
                }
                // and a read of a fixed element into a local
                let local = self.rng.pick(&self.locals.clone());
                let e = self.rng.below(4) as i32;
                let base = b.ins_value(
                    Op::StackAddr {
                        slot: self.array,
                        offset: e * 4,
                    },
                    Type::I64,
                );
                let r = b.ins_value(
                    Op::Load {
                        addr: base,
                        offset: 0,
                        width: MemWidth::B4,
                        signed: self.rng.chance(50),
                        volatile: false,
                    },
                    Type::I64,
                );
                self.store_local(b, local, r);
            }
            4 | 5 => {
                let cty = self.rng.pick(&[Type::I32, Type::I64]);
                let c = self.expr(b, cty, 2);
                let then_b = b.create_block();
                let else_b = b.create_block();
                let join = b.create_block();
                b.brif(c, then_b, else_b);
                b.switch_to_block(then_b);
                self.stmts(b, depth - 1);
                if !b.is_terminated() {
                    b.jump(join, vec![]);
                }
                b.switch_to_block(else_b);
                if self.rng.chance(50) {
                    self.stmts(b, depth - 1);
                }
                if !b.is_terminated() {
                    b.jump(join, vec![]);
                }
                b.switch_to_block(join);
            }
            6 => {
                // for (i = 0; i < n; i++) { ... } with i in a stack slot.
                let slot = b.create_slot(4, 4, Some("i".into()), Span::default());
                let counter = Local {
                    slot,
                    width: MemWidth::B4,
                    addr: None,
                };
                let zero = b.iconst(Type::I32, 0);
                self.store_local(b, counter, zero);
                let head = b.create_block();
                let body = b.create_block();
                let exit = b.create_block();
                b.jump(head, vec![]);
                b.switch_to_block(head);
                let a = self.local_addr(b, counter);
                let i = b.ins_value(
                    Op::Load {
                        addr: a,
                        offset: 0,
                        width: MemWidth::B4,
                        signed: false,
                        volatile: false,
                    },
                    Type::I32,
                );
                let n = b.iconst(Type::I32, 1 + self.rng.below(4) as i64);
                let c = b.icmp(Cond::Ult, i, n, Type::I32);
                b.brif(c, body, exit);
                b.switch_to_block(body);
                self.stmts(b, depth - 1);
                if !b.is_terminated() {
                    let a = self.local_addr(b, counter);
                    let i = b.ins_value(
                        Op::Load {
                            addr: a,
                            offset: 0,
                            width: MemWidth::B4,
                            signed: false,
                            volatile: false,
                        },
                        Type::I32,
                    );
                    let one = b.iconst(Type::I32, 1);
                    let i2 = b.binary(BinOp::Add, i, one);
                    self.store_local(b, counter, i2);
                    b.jump(head, vec![]);
                }
                b.switch_to_block(exit);
                if self.rng.chance(50) {
                    // The counter is also read after the loop.
                    let local = self.rng.pick(&self.locals.clone());
                    let a = self.local_addr(b, counter);
                    let i = b.ins_value(
                        Op::Load {
                            addr: a,
                            offset: 0,
                            width: MemWidth::B4,
                            signed: false,
                            volatile: false,
                        },
                        Type::I64,
                    );
                    self.store_local(b, local, i);
                }
            }
            _ => {
                // return expr; and code after it (unreachable).
                let v = self.expr(b, self.ret, 2);
                b.ret(Some(v));
                let dead = b.create_block();
                b.switch_to_block(dead);
            }
        }
    }
}

/// A random function in the shape lowering produces.
///
/// With `defined`, every local and the array are initialized first, so that
/// no read sees an indeterminate value (which inlining may change: an
/// inlined callee's slots are not fresh at each call).
fn random_function(
    rng: &mut Rng,
    global: DataId,
    callee: Option<FuncId>,
    defined: bool,
) -> Function {
    let mut f = Function::new("f", "socket", vec![Type::I64, Type::I32], Some(Type::I64));
    let mut b = FunctionBuilder::new(&mut f);
    let entry = b.create_block();
    let p0 = b.append_block_param(entry, Type::I64);
    let p1 = b.append_block_param(entry, Type::I32);
    b.switch_to_block(entry);
    let mut locals = Vec::new();
    for k in 0..1 + rng.below(5) {
        let width = rng.pick(&[MemWidth::B1, MemWidth::B2, MemWidth::B4, MemWidth::B8]);
        let slot = b.create_slot(
            width.bytes(),
            width.bytes(),
            Some(format!("x{k}")),
            Span::default(),
        );
        let addr = rng
            .chance(40)
            .then(|| b.ins_value(Op::StackAddr { slot, offset: 0 }, Type::I64));
        locals.push(Local { slot, width, addr });
    }
    let array = b.create_slot(16, 4, Some("arr".into()), Span::default());
    b.func.slots[array].address_taken = true;
    let record = b.create_slot(16, 8, Some("rec".into()), Span::default());
    // Locals start initialized half of the time (else they read as 0 after
    // mem2reg and as the zeroed slot before: both 0).
    let mut gen = Gen {
        rng,
        locals: locals.clone(),
        array,
        record,
        global,
        params: vec![p0, p1],
        ret: Type::I64,
        callee,
        budget: 14,
    };
    if defined {
        let zero = b.iconst(Type::I32, 0);
        for slot in [array, record] {
            for e in 0..4 {
                let a = b.ins_value(
                    Op::StackAddr {
                        slot,
                        offset: e * 4,
                    },
                    Type::I64,
                );
                b.ins(store(a, zero, MemWidth::B4), None);
            }
        }
    }
    for l in locals {
        if defined || gen.rng.chance(50) {
            let v = gen.expr(&mut b, Type::I64, 1);
            gen.store_local(&mut b, l, v);
        }
    }
    gen.stmts(&mut b, 3);
    let v = gen.expr(&mut b, Type::I64, 2);
    b.ret(Some(v));
    f
}

fn global_object() -> DataObject {
    DataObject {
        name: "g".into(),
        section: ".data".into(),
        linkage: Linkage::Global,
        is_extern: false,
        size: 16,
        align: 8,
        bytes: (0..16u8)
            .map(|x| x.wrapping_mul(37).wrapping_add(0x71))
            .collect(),
        relocs: vec![],
        span: Span::default(),
    }
}

type Outcome = (Result<Option<u64>, Trap>, Vec<(i64, Vec<u64>)>);

fn execute(m: &Module, args: &[u64], packet: &[u8]) -> Outcome {
    let mut env = LoggingEnv {
        log: Vec::new(),
        packet: packet.to_vec(),
    };
    let mut machine = Machine::new(m);
    let r = machine.call(FuncId::from_u32(0), args, &mut env);
    (r, env.log)
}

use cranelift_entity::EntityRef;

#[test]
fn optimization_preserves_results_of_random_functions() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut checked = 0;
    let mut shrunk = 0;
    for case in 0..300 {
        let mut m = Module::default();
        let global = m.data.push(global_object());
        let f = random_function(&mut rng, global, None, false);
        verify::verify_function(&f).unwrap();
        m.functions.push(f);
        let inputs: Vec<(Vec<u64>, Vec<u8>)> = (0..6)
            .map(|_| {
                let args = vec![rng.interesting(), rng.interesting()];
                let len = rng.below(20) as usize;
                let packet = (0..len).map(|_| rng.next() as u8).collect();
                (args, packet)
            })
            .collect();
        let expected: Vec<Outcome> = inputs.iter().map(|(a, p)| execute(&m, a, p)).collect();
        for level in [0u8, 1, 2] {
            let mut opt = m.clone();
            optimize(&mut opt, level);
            // Same input, same output.
            let mut again = m.clone();
            optimize(&mut again, level);
            assert_eq!(print::print_module(&again), print::print_module(&opt));
            let before = print_function(&m.functions[FuncId::new(0)]);
            let after = print_function(&opt.functions[FuncId::new(0)]);
            if after.len() < before.len() {
                shrunk += 1;
            }
            for ((args, packet), want) in inputs.iter().zip(&expected) {
                let got = execute(&opt, args, packet);
                assert_eq!(
                    &got, want,
                    "case {case} at -O{level}, args {args:?}, packet {packet:?}\nbefore:\n{before}\nafter:\n{after}"
                );
                checked += 1;
            }
            if level > 0 {
                // Every promotable local is gone from memory after mem2reg
                // (the array and the record stay).
                let fo = &opt.functions[FuncId::new(0)];
                for &b in &fo.layout {
                    for &i in &fo.blocks[b].insts {
                        if let Op::StackAddr { slot, .. } = fo.insts[i].op {
                            assert!(
                                fo.slots[slot].address_taken
                                    || fo.slots[slot].name.as_deref() == Some("rec"),
                                "case {case}: {slot} kept\n{after}"
                            );
                        }
                    }
                }
            }
        }
    }
    assert_eq!(checked, 300 * 3 * 6);
    assert!(
        shrunk > 500,
        "optimization rarely shrank the code ({shrunk})"
    );
}

/// A random acyclic SSA function with block parameters: every block computes
/// from its own parameters and the function's arguments, then returns or
/// branches forward with arguments (sometimes on a constant, sometimes to
/// one block twice, sometimes through an empty forwarding block). Exercises
/// folding, parameter propagation and removal, threading and merging
/// directly, without mem2reg.
fn random_cfg_function(rng: &mut Rng) -> Function {
    let mut f = Function::new("g", ".text", vec![Type::I64, Type::I32], Some(Type::I64));
    let mut b = FunctionBuilder::new(&mut f);
    let n = 3 + rng.below(8) as usize;
    let blocks: Vec<Block> = (0..n).map(|_| b.create_block()).collect();
    let args = vec![
        b.append_block_param(blocks[0], Type::I64),
        b.append_block_param(blocks[0], Type::I32),
    ];
    // Parameters of the other blocks (some are empty forwarding blocks).
    let mut forwarding = vec![false; n];
    for k in 1..n {
        if k + 1 < n && rng.chance(15) {
            forwarding[k] = true;
            continue;
        }
        for _ in 0..rng.below(4) {
            let ty = rng.pick(&[Type::I32, Type::I64]);
            b.append_block_param(blocks[k], ty);
        }
    }
    for k in 0..n {
        b.switch_to_block(blocks[k]);
        if forwarding[k] {
            let t = k + 1 + rng.below((n - k - 1) as u64) as usize;
            let call_args = block_args(rng, &mut b, blocks[t], &args);
            b.jump(blocks[t], call_args);
            continue;
        }
        let mut pool: Vec<Value> = args.clone();
        pool.extend(b.func.blocks[blocks[k]].params.clone());
        for _ in 0..rng.below(6) {
            let x = rng.pick(&pool);
            let ty = b.func.value_type(x);
            let y = if rng.chance(40) {
                let c = rng.interesting() as i64;
                b.iconst(ty, c)
            } else {
                let y = rng.pick(&pool);
                match (b.func.value_type(y), ty) {
                    (Type::I64, Type::I32) => b.ins_value(Op::Narrow(y), Type::I32),
                    (Type::I32, Type::I64) => b.ins_value(
                        Op::Widen {
                            value: y,
                            signed: true,
                        },
                        Type::I64,
                    ),
                    _ => y,
                }
            };
            let v = match rng.below(4) {
                0 => b.icmp(
                    rng.pick(&[Cond::Eq, Cond::Slt, Cond::Ugt, Cond::Set]),
                    x,
                    y,
                    ty,
                ),
                _ => {
                    let op = rng.pick(&[
                        BinOp::Add,
                        BinOp::Sub,
                        BinOp::Mul,
                        BinOp::UDiv,
                        BinOp::SRem,
                        BinOp::And,
                        BinOp::Or,
                        BinOp::Xor,
                        BinOp::Shl,
                        BinOp::AShr,
                    ]);
                    b.binary(op, x, y)
                }
            };
            pool.push(v);
        }
        // Fold everything computed into the returned or passed values.
        if k + 1 == n || rng.chance(15) {
            let mut acc = b.iconst(Type::I64, 0);
            for &v in &pool {
                let w = match b.func.value_type(v) {
                    Type::I32 => b.ins_value(
                        Op::Widen {
                            value: v,
                            signed: false,
                        },
                        Type::I64,
                    ),
                    Type::I64 => v,
                };
                let m = b.iconst(Type::I64, 31);
                let s = b.binary(BinOp::Mul, acc, m);
                acc = b.binary(BinOp::Add, s, w);
            }
            b.ret(Some(acc));
            continue;
        }
        let t1 = k + 1 + rng.below((n - k - 1) as u64) as usize;
        let a1 = block_args(rng, &mut b, blocks[t1], &pool);
        if rng.chance(30) {
            b.jump(blocks[t1], a1);
            continue;
        }
        let t2 = if rng.chance(20) {
            t1
        } else {
            k + 1 + rng.below((n - k - 1) as u64) as usize
        };
        let a2 = if t2 == t1 && rng.chance(50) {
            a1.clone()
        } else {
            block_args(rng, &mut b, blocks[t2], &pool)
        };
        let cond = if rng.chance(20) {
            let c = rng.below(2) as i64;
            b.iconst(Type::I32, c)
        } else {
            rng.pick(&pool)
        };
        b.ins(
            Op::Brif {
                cond,
                then_dest: BlockCall {
                    block: blocks[t1],
                    args: a1,
                },
                else_dest: BlockCall {
                    block: blocks[t2],
                    args: a2,
                },
            },
            None,
        );
    }
    f
}

/// Arguments of the right types for `target`, taken from `pool` or made constant.
fn block_args(rng: &mut Rng, b: &mut FunctionBuilder, target: Block, pool: &[Value]) -> Vec<Value> {
    let params = b.func.blocks[target].params.clone();
    params
        .iter()
        .map(|&p| {
            let ty = b.func.value_type(p);
            let same: Vec<Value> = pool
                .iter()
                .copied()
                .filter(|&v| b.func.value_type(v) == ty)
                .collect();
            if same.is_empty() || rng.chance(25) {
                let c = rng.pick(&[0i64, 1, 7, -1]);
                b.iconst(ty, c)
            } else {
                rng.pick(&same)
            }
        })
        .collect()
}

#[test]
fn optimization_preserves_results_of_random_cfgs() {
    let mut rng = Rng(0xdead_beef_cafe_f00d);
    let mut merged = 0;
    for case in 0..400 {
        let mut m = Module::default();
        let f = random_cfg_function(&mut rng);
        verify::verify_function(&f).unwrap();
        let blocks_before = f.layout.len();
        m.functions.push(f);
        let inputs: Vec<Vec<u64>> = (0..8)
            .map(|_| vec![rng.interesting(), rng.interesting()])
            .collect();
        let expected: Vec<Outcome> = inputs.iter().map(|a| execute(&m, a, &[])).collect();
        let mut opt = m.clone();
        optimize(&mut opt, 2);
        let fo = &opt.functions[FuncId::new(0)];
        if fo.layout.len() < blocks_before {
            merged += 1;
        }
        // Only reachable blocks remain, each with a terminator that is not a
        // branch on a constant and not a branch to one target twice with the
        // same arguments, and no empty forwarding block is left.
        for &b in &fo.layout {
            let t = fo.terminator(b);
            if let Op::Brif {
                cond,
                then_dest,
                else_dest,
            } = &fo.insts[t].op
            {
                assert!(fo.const_value(*cond).is_none(), "case {case}");
                assert!(then_dest != else_dest, "case {case}");
            }
            if b != fo.entry() && fo.blocks[b].params.is_empty() {
                assert!(
                    fo.blocks[b].insts.len() > 1 || !matches!(fo.insts[t].op, Op::Jump(_)),
                    "case {case}: forwarding block {b} left\n{}",
                    print_function(fo)
                );
            }
        }
        for (args, want) in inputs.iter().zip(&expected) {
            let got = execute(&opt, args, &[]);
            assert_eq!(
                &got,
                want,
                "case {case}, args {args:?}\nbefore:\n{}\nafter:\n{}",
                print_function(&m.functions[FuncId::new(0)]),
                print_function(fo)
            );
        }
    }
    assert!(
        merged > 200,
        "simplify_cfg rarely removed blocks ({merged})"
    );
}

fn load(addr: Value, width: MemWidth, signed: bool) -> Op {
    Op::Load {
        addr,
        offset: 0,
        width,
        signed,
        volatile: false,
    }
}

fn store(addr: Value, value: Value, width: MemWidth) -> Op {
    Op::Store {
        addr,
        offset: 0,
        value,
        width,
        volatile: false,
    }
}

fn one_function_module(f: Function) -> Module {
    let mut m = Module::default();
    m.functions.push(f);
    m
}

fn printed(m: &Module) -> String {
    print_function(&m.functions[FuncId::new(0)])
}

fn run0(m: &Module, args: &[u64]) -> Option<u64> {
    crate::ir::interp::run(m, FuncId::new(0), args, &mut crate::ir::interp::NoEnv).unwrap()
}

/// `int f(int c) { int x = 5; if (c) x = 7; return x; }` as lowering writes it.
fn diamond() -> Module {
    let mut f = Function::new("f", ".text", vec![Type::I32], Some(Type::I32));
    let mut b = FunctionBuilder::new(&mut f);
    let entry = b.create_block();
    let then_b = b.create_block();
    let join = b.create_block();
    let c = b.append_block_param(entry, Type::I32);
    let x = b.create_slot(4, 4, Some("x".into()), Span::default());
    b.switch_to_block(entry);
    let xa = b.ins_value(Op::StackAddr { slot: x, offset: 0 }, Type::I64);
    let five = b.iconst(Type::I32, 5);
    b.ins(store(xa, five, MemWidth::B4), None);
    b.brif(c, then_b, join);
    b.switch_to_block(then_b);
    let seven = b.iconst(Type::I32, 7);
    b.ins(store(xa, seven, MemWidth::B4), None);
    b.jump(join, vec![]);
    b.switch_to_block(join);
    let r = b.ins_value(load(xa, MemWidth::B4, true), Type::I32);
    b.ret(Some(r));
    one_function_module(f)
}

#[test]
fn mem2reg_puts_a_variable_in_a_block_parameter() {
    let mut m = diamond();
    optimize(&mut m, 0);
    assert_eq!(
        printed(&m),
        "function f(i32) -> i32 section \".text\" {
  ss0 = slot 0 align 4 ; x
block0(v0: i32):
    v2: i32 = iconst 5
    brif v0, block1, block2(v2)
block1:
    v3: i32 = iconst 7
    jump block2(v3)
block2(v5: i32):
    return v5
}
"
    );
    assert_eq!(run0(&m, &[0]), Some(5));
    assert_eq!(run0(&m, &[3]), Some(7));
}

#[test]
fn o2_promotes_the_diamond_and_keeps_its_results() {
    let mut m = diamond();
    optimize(&mut m, 2);
    // The then block is a forwarding block once x's value is a parameter;
    // nothing is left to fold, but the layout keeps then after the branch.
    assert_eq!(run0(&m, &[0]), Some(5));
    assert_eq!(run0(&m, &[1]), Some(7));
    assert!(!printed(&m).contains("stack_addr"));
}

/// A slot accessed as `kind` says, plus a loop back to the entry block.
fn slot_function(
    address_taken: bool,
    offset: i32,
    widths: [MemWidth; 2],
    volatile: bool,
) -> Module {
    let mut f = Function::new("f", ".text", vec![Type::I64], Some(Type::I64));
    let mut b = FunctionBuilder::new(&mut f);
    let entry = b.create_block();
    let a = b.append_block_param(entry, Type::I64);
    let s = b.create_slot(8, 8, Some("s".into()), Span::default());
    b.func.slots[s].address_taken = address_taken;
    b.switch_to_block(entry);
    let sa = b.ins_value(Op::StackAddr { slot: s, offset }, Type::I64);
    if address_taken {
        // The address escapes to a helper.
        b.ins(
            Op::Call {
                callee: Callee::Helper(1),
                args: vec![sa],
            },
            None,
        );
    }
    b.ins(
        Op::Store {
            addr: sa,
            offset: 0,
            value: a,
            width: widths[0],
            volatile,
        },
        None,
    );
    let r = b.ins_value(load(sa, widths[1], false), Type::I64);
    b.ret(Some(r));
    one_function_module(f)
}

#[test]
fn mem2reg_leaves_slots_that_are_not_plain_scalars() {
    use MemWidth::*;
    for (taken, offset, widths, volatile) in [
        (true, 0, [B8, B8], false),
        (false, 4, [B4, B4], false),
        (false, 0, [B8, B4], false),
        (false, 0, [B8, B8], true),
    ] {
        let mut m = slot_function(taken, offset, widths, volatile);
        let before = printed(&m);
        optimize(&mut m, 0);
        assert_eq!(printed(&m), before);
    }
    let mut m = slot_function(false, 0, [B8, B8], false);
    optimize(&mut m, 0);
    assert!(!printed(&m).contains("load"), "{}", printed(&m));
    assert_eq!(run0(&m, &[u64::MAX]), Some(u64::MAX));
}

#[test]
fn mem2reg_keeps_the_truncation_and_extension_of_narrow_slots() {
    // char c = a; return (long)c (signed) + (unsigned char)c
    let mut f = Function::new("f", ".text", vec![Type::I64], Some(Type::I64));
    let mut b = FunctionBuilder::new(&mut f);
    let entry = b.create_block();
    let a = b.append_block_param(entry, Type::I64);
    let s = b.create_slot(1, 1, Some("c".into()), Span::default());
    b.switch_to_block(entry);
    let sa = b.ins_value(Op::StackAddr { slot: s, offset: 0 }, Type::I64);
    b.ins(store(sa, a, MemWidth::B1), None);
    let x = b.ins_value(load(sa, MemWidth::B1, true), Type::I64);
    let y = b.ins_value(load(sa, MemWidth::B1, false), Type::I64);
    let r = b.binary(BinOp::Add, x, y);
    b.ret(Some(r));
    let m = one_function_module(f);
    for level in [0, 2] {
        let mut o = m.clone();
        optimize(&mut o, level);
        assert!(!printed(&o).contains("load"));
        for v in [0u64, 0x7f, 0x80, 0x1c8, u64::MAX] {
            assert_eq!(run0(&o, &[v]), run0(&m, &[v]), "{v:#x} at -O{level}");
        }
    }
    assert_eq!(run0(&m, &[0x1c8]), Some((-56i64 + 200) as u64));
}

#[test]
fn mem2reg_gives_a_looping_entry_block_a_new_entry() {
    // entry(n): s = s + n (s starts at 0... via slot); n = n - 1; if n goto entry
    let mut f = Function::new("f", ".text", vec![Type::I64], Some(Type::I64));
    let mut b = FunctionBuilder::new(&mut f);
    let entry = b.create_block();
    let exit = b.create_block();
    let n = b.append_block_param(entry, Type::I64);
    let s = b.create_slot(8, 8, Some("s".into()), Span::default());
    b.switch_to_block(entry);
    let sa = b.ins_value(Op::StackAddr { slot: s, offset: 0 }, Type::I64);
    let old = b.ins_value(load(sa, MemWidth::B8, false), Type::I64);
    let new = b.binary(BinOp::Add, old, n);
    b.ins(store(sa, new, MemWidth::B8), None);
    let one = b.iconst(Type::I64, 1);
    let n1 = b.binary(BinOp::Sub, n, one);
    b.ins(
        Op::Brif {
            cond: n1,
            then_dest: BlockCall {
                block: entry,
                args: vec![n1],
            },
            else_dest: BlockCall {
                block: exit,
                args: vec![],
            },
        },
        None,
    );
    b.switch_to_block(exit);
    let r = b.ins_value(load(sa, MemWidth::B8, false), Type::I64);
    b.ret(Some(r));
    let m = one_function_module(f);
    // The slot is zero-filled in the interpreter, and mem2reg's undefined
    // value is 0, so the two agree.
    assert_eq!(run0(&m, &[4]), Some(10));
    for level in [0, 1] {
        let mut o = m.clone();
        optimize(&mut o, level);
        let fo = &o.functions[FuncId::new(0)];
        assert_ne!(fo.entry(), entry);
        assert_eq!(fo.blocks[fo.entry()].params.len(), 1);
        assert!(!printed(&o).contains("load"));
        assert_eq!(run0(&o, &[4]), Some(10));
        assert_eq!(run0(&o, &[1]), Some(1));
    }
}

/// `f(x) = body(x)` for a straight-line body built by `build`.
fn straight_line(ty: Type, build: impl FnOnce(&mut FunctionBuilder, Value) -> Value) -> Module {
    let mut f = Function::new("f", ".text", vec![ty], Some(ty));
    let mut b = FunctionBuilder::new(&mut f);
    let entry = b.create_block();
    let x = b.append_block_param(entry, ty);
    b.switch_to_block(entry);
    let r = build(&mut b, x);
    b.ret(Some(r));
    one_function_module(f)
}

#[test]
fn const_fold_folds_constants_and_identities() {
    let m = straight_line(Type::I32, |b, x| {
        let c6 = b.iconst(Type::I32, 6);
        let c7 = b.iconst(Type::I32, 7);
        let c42 = b.binary(BinOp::Mul, c6, c7); // 42
        let zero = b.binary(BinOp::Sub, c42, c42); // 0
        let one = b.binary(BinOp::UDiv, c7, c7); // 1
        let a = b.binary(BinOp::Add, x, zero); // x
        let m1 = b.binary(BinOp::Mul, a, one); // x
        let o = b.binary(BinOp::Or, zero, m1); // x
        let big = b.iconst(Type::I32, 0xffff_ffff);
        let neg = b.binary(BinOp::Add, big, c42); // 41, wrapped at 32 bits
        b.binary(BinOp::Xor, o, neg)
    });
    let mut o = m.clone();
    optimize(&mut o, 1);
    assert_eq!(
        printed(&o),
        "function f(i32) -> i32 section \".text\" {
block0(v0: i32):
    v10: i32 = iconst 41
    v11: i32 = xor v0, v10
    return v11
}
"
    );
    assert_eq!(run0(&o, &[1]), Some(40));
}

#[test]
fn const_fold_leaves_division_by_zero_and_wide_shifts() {
    let m = straight_line(Type::I32, |b, _| {
        let c7 = b.iconst(Type::I32, 7);
        let zero = b.iconst(Type::I32, 0);
        let d = b.binary(BinOp::UDiv, c7, zero);
        let c32 = b.iconst(Type::I32, 32);
        let s = b.binary(BinOp::Shl, c7, c32);
        b.binary(BinOp::Add, d, s)
    });
    let mut o = m.clone();
    optimize(&mut o, 2);
    let text = printed(&o);
    assert!(text.contains("udiv") && text.contains("shl"), "{text}");
    assert_eq!(run0(&o, &[0]), run0(&m, &[0]));
}

#[test]
fn const_fold_drops_redundant_extensions_only() {
    let m = straight_line(Type::I64, |b, x| {
        let l = b.ins_value(load(x, MemWidth::B1, false), Type::I64);
        // A zero-extended byte is already zero-extended from 16 bits...
        let e1 = b.ins_value(
            Op::Extend {
                value: l,
                from_bits: 16,
                signed: false,
            },
            Type::I64,
        );
        // ...and sign-extending it from 16 bits changes nothing either...
        let e2 = b.ins_value(
            Op::Extend {
                value: e1,
                from_bits: 16,
                signed: true,
            },
            Type::I64,
        );
        // ...but sign-extending from 8 bits does.
        b.ins_value(
            Op::Extend {
                value: e2,
                from_bits: 8,
                signed: true,
            },
            Type::I64,
        )
    });
    let mut o = m.clone();
    optimize(&mut o, 2);
    assert_eq!(
        printed(&o),
        "function f(i64) -> i64 section \".text\" {
block0(v0: i64):
    v1: i64 = load8 [v0+0]
    v4: i64 = sext8 v1
    return v4
}
"
    );
}

#[test]
fn dce_removes_unused_values_and_dead_loop_parameters() {
    // loop(i, junk): if i < x { junk2 = junk * 3 (unused elsewhere); loop(i+1, junk2) } return i
    let mut f = Function::new("f", ".text", vec![Type::I64], Some(Type::I64));
    let mut b = FunctionBuilder::new(&mut f);
    let entry = b.create_block();
    let head = b.create_block();
    let body = b.create_block();
    let exit = b.create_block();
    let x = b.append_block_param(entry, Type::I64);
    b.switch_to_block(entry);
    let zero = b.iconst(Type::I64, 0);
    let unused = b.ins_value(load(x, MemWidth::B8, false), Type::I64);
    let _ = unused;
    b.jump(head, vec![zero, x]);
    let i = b.append_block_param(head, Type::I64);
    let junk = b.append_block_param(head, Type::I64);
    b.switch_to_block(head);
    let c = b.icmp(Cond::Ult, i, x, Type::I64);
    b.brif(c, body, exit);
    b.switch_to_block(body);
    let three = b.iconst(Type::I64, 3);
    let junk2 = b.binary(BinOp::Mul, junk, three);
    let one = b.iconst(Type::I64, 1);
    let i2 = b.binary(BinOp::Add, i, one);
    b.ins(
        Op::Call {
            callee: Callee::Helper(6),
            args: vec![i],
        },
        None,
    );
    b.jump(head, vec![i2, junk2]);
    b.switch_to_block(exit);
    b.ret(Some(i));
    let mut m = one_function_module(f);
    assert!(dce::run(&mut m));
    assert_eq!(
        printed(&m),
        "function f(i64) -> i64 section \".text\" {
block0(v0: i64):
    v1: i64 = iconst 0
    jump block1(v1)
block1(v3: i64):
    v5: i64 = icmp ult v3, v0
    brif v5, block2, block3
block2:
    v8: i64 = iconst 1
    v9: i64 = add v3, v8
    call helper#6(v3)
    jump block1(v9)
block3:
    return v3
}
"
    );
    assert!(!dce::run(&mut m));
}

#[test]
fn simplify_cfg_threads_merges_and_orders_blocks() {
    // entry: brif x, A, F;  F: jump B;  B: jump C;  A: return 1;  C: return 2
    // (in the layout order entry, C, B, F, A).
    let mut f = Function::new("f", ".text", vec![Type::I64], Some(Type::I64));
    let mut b = FunctionBuilder::new(&mut f);
    let entry = b.create_block();
    let c = b.create_block();
    let bb = b.create_block();
    let fwd = b.create_block();
    let a = b.create_block();
    let x = b.append_block_param(entry, Type::I64);
    b.switch_to_block(entry);
    b.brif(x, a, fwd);
    b.switch_to_block(fwd);
    b.jump(bb, vec![]);
    b.switch_to_block(bb);
    let two = b.iconst(Type::I64, 2);
    b.jump(c, vec![two]);
    let p = b.append_block_param(c, Type::I64);
    b.switch_to_block(c);
    b.ret(Some(p));
    b.switch_to_block(a);
    let one = b.iconst(Type::I64, 1);
    b.ret(Some(one));
    let mut m = one_function_module(f);
    assert!(simplify_cfg::run(&mut m));
    assert_eq!(
        printed(&m),
        "function f(i64) -> i64 section \".text\" {
block0(v0: i64):
    brif v0, block4, block2
block4:
    v3: i64 = iconst 1
    return v3
block2:
    v1: i64 = iconst 2
    return v1
}
"
    );
    assert!(!simplify_cfg::run(&mut m));
}

#[test]
fn cse_reuses_dominating_computations_only() {
    // entry: t = x*x; brif x, L, R;  L: u = x*x (reused), return u+t;  R: load twice (kept)
    let mut f = Function::new("f", ".text", vec![Type::I64], Some(Type::I64));
    let mut b = FunctionBuilder::new(&mut f);
    let entry = b.create_block();
    let l = b.create_block();
    let r = b.create_block();
    let x = b.append_block_param(entry, Type::I64);
    b.switch_to_block(entry);
    let t = b.binary(BinOp::Mul, x, x);
    b.brif(x, l, r);
    b.switch_to_block(l);
    let c1 = b.iconst(Type::I64, 5);
    let s1 = b.binary(BinOp::Add, x, c1);
    let c2 = b.iconst(Type::I64, 5);
    let s2 = b.binary(BinOp::Add, c2, x);
    let u = b.binary(BinOp::Mul, x, x);
    let v = b.binary(BinOp::Add, u, t);
    let w = b.binary(BinOp::Add, s1, s2);
    let z = b.binary(BinOp::Xor, v, w);
    b.ret(Some(z));
    b.switch_to_block(r);
    // The second load reads the first's value; the one after the store
    // reads memory again.
    let l1 = b.ins_value(load(x, MemWidth::B8, false), Type::I64);
    let l2 = b.ins_value(load(x, MemWidth::B8, false), Type::I64);
    b.ins(store(x, t, MemWidth::B8), None);
    let l3 = b.ins_value(load(x, MemWidth::B8, false), Type::I64);
    b.ins(
        Op::Call {
            callee: Callee::Helper(2),
            args: vec![x],
        },
        None,
    );
    let l4 = b.ins_value(load(x, MemWidth::B8, false), Type::I64);
    let s = b.binary(BinOp::Sub, l1, l2);
    let s = b.binary(BinOp::Sub, s, l3);
    let s = b.binary(BinOp::Sub, s, l4);
    b.ret(Some(s));
    let mut m = one_function_module(f);
    assert!(cse::run(&mut m));
    let text = printed(&m);
    assert_eq!(text.matches("mul").count(), 1, "{text}");
    // x+5 and 5+x are one value, whichever iconst each reads.
    assert_eq!(text.matches(" add ").count(), 3, "{text}");
    assert!(text.contains("sub v10, v10"), "{text}");
    assert_eq!(text.matches("load64").count(), 3, "{text}");
    assert!(!cse::run(&mut m));
}

#[test]
fn dse_removes_stores_to_slots_never_read() {
    let mut f = Function::new("f", ".text", vec![Type::I64], Some(Type::I64));
    let mut b = FunctionBuilder::new(&mut f);
    let entry = b.create_block();
    let x = b.append_block_param(entry, Type::I64);
    let dead = b.create_slot(16, 8, Some("unused".into()), Span::default());
    let read = b.create_slot(16, 8, Some("used".into()), Span::default());
    b.switch_to_block(entry);
    for (slot, off) in [(dead, 0), (dead, 8), (read, 0), (read, 8)] {
        let a = b.ins_value(Op::StackAddr { slot, offset: off }, Type::I64);
        b.ins(store(a, x, MemWidth::B8), None);
    }
    let a = b.ins_value(
        Op::StackAddr {
            slot: read,
            offset: 8,
        },
        Type::I64,
    );
    let v = b.ins_value(load(a, MemWidth::B8, false), Type::I64);
    b.ret(Some(v));
    let mut m = one_function_module(f);
    assert!(dse::run(&mut m));
    let text = printed(&m);
    assert_eq!(text.matches("store64").count(), 2, "{text}");
    assert!(!text.contains("store64 [v2"), "{text}");
    assert_eq!(run0(&m, &[9]), Some(9));
}

#[test]
fn inlining_preserves_results_and_removes_dead_statics() {
    let mut rng = Rng(0x0005_eed0_f1a1_14e5);
    let mut inlined = 0;
    for case in 0..150 {
        let mut m = Module::default();
        let global = m.data.push(global_object());
        // fn0 (the program) calls fn1, which calls fn2; fn1 and fn2 are static.
        let caller = random_function(&mut rng, global, Some(FuncId::new(1)), false);
        let mut mid = random_function(&mut rng, global, Some(FuncId::new(2)), true);
        let mut leaf = random_function(&mut rng, global, None, true);
        for g in [&mut mid, &mut leaf] {
            g.section = ".text".into();
            g.linkage = Linkage::Local;
            g.always_inline = rng.chance(30);
            g.noinline = !g.always_inline && rng.chance(30);
        }
        mid.name = "mid".into();
        leaf.name = "leaf".into();
        let always = [mid.always_inline, leaf.always_inline];
        let never = [mid.noinline, leaf.noinline];
        m.functions.push(caller);
        m.functions.push(mid);
        m.functions.push(leaf);
        let sites = inline::tests_call_sites(&m);
        let inputs: Vec<(Vec<u64>, Vec<u8>)> = (0..5)
            .map(|_| {
                let args = vec![rng.interesting(), rng.interesting()];
                let packet = (0..rng.below(20)).map(|_| rng.next() as u8).collect();
                (args, packet)
            })
            .collect();
        let expected: Vec<Outcome> = inputs.iter().map(|(a, p)| execute(&m, a, p)).collect();
        for level in [0u8, 2] {
            let mut opt = m.clone();
            optimize(&mut opt, level);
            let names: Vec<&str> = opt.functions.values().map(|f| f.name.as_str()).collect();
            assert_eq!(names[0], "f", "case {case}: the program stays first");
            for (k, name) in ["mid", "leaf"].into_iter().enumerate() {
                let kept = names.contains(&name);
                let id = FuncId::new(k + 1);
                if level == 2 && !never[k] && sites[id] == 1 {
                    assert!(!kept, "case {case}: single-use {name} kept");
                }
                // A function nothing referred to in the input is `used`:
                // lowering emitted it on purpose.
                if sites[id] == 0 {
                    assert!(kept, "case {case} -O{level}: unreferenced {name} removed");
                } else if always[k] {
                    assert!(!kept, "case {case} -O{level}: always_inline {name} kept");
                }
            }
            // What remains is called, and never an always_inline function.
            let mut called: SecondaryMap<FuncId, bool> = SecondaryMap::new();
            for g in opt.functions.values() {
                for &b in &g.layout {
                    for &i in &g.blocks[b].insts {
                        if let Op::Call {
                            callee: Callee::Func(c),
                            ..
                        } = g.insts[i].op
                        {
                            called[c] = true;
                            assert!(!opt.functions[c].always_inline, "case {case}");
                        }
                    }
                }
            }
            let initially_unreferenced = |name: &str| {
                ["mid", "leaf"]
                    .iter()
                    .position(|&n| n == name)
                    .is_some_and(|k| sites[FuncId::new(k + 1)] == 0)
            };
            for (id, g) in opt.functions.iter().skip(1) {
                assert!(
                    called[id] || initially_unreferenced(&g.name),
                    "case {case}: {} kept but not called",
                    g.name
                );
            }
            if opt.functions.len() < m.functions.len() {
                inlined += 1;
            }
            for ((args, packet), want) in inputs.iter().zip(&expected) {
                let got = execute(&opt, args, packet);
                assert_eq!(
                    &got,
                    want,
                    "case {case} at -O{level}, args {args:?}\nbefore:\n{}\nafter:\n{}",
                    print::print_module(&m),
                    print::print_module(&opt)
                );
            }
        }
    }
    assert!(inlined > 100, "few functions inlined ({inlined})");
}

/// A long chain of diamonds, each updating a variable kept in a stack slot,
/// with a loop around it all: a check that no pass is quadratic in the
/// number of blocks (the verifier checks run in debug builds too).
#[test]
fn large_functions_optimize_quickly() {
    let mut f = Function::new("big", ".text", vec![Type::I64], Some(Type::I64));
    let mut b = FunctionBuilder::new(&mut f);
    let entry = b.create_block();
    let x = b.append_block_param(entry, Type::I64);
    let s = b.create_slot(8, 8, Some("s".into()), Span::default());
    let t = b.create_slot(8, 8, Some("t".into()), Span::default());
    b.switch_to_block(entry);
    let sa = b.ins_value(Op::StackAddr { slot: s, offset: 0 }, Type::I64);
    let ta = b.ins_value(Op::StackAddr { slot: t, offset: 0 }, Type::I64);
    b.ins(store(sa, x, MemWidth::B8), None);
    b.ins(store(ta, x, MemWidth::B8), None);
    let n = 3000;
    for k in 0..n {
        let v = b.ins_value(load(sa, MemWidth::B8, false), Type::I64);
        let kc = b.iconst(Type::I64, k);
        let c = b.icmp(Cond::Ugt, v, kc, Type::I32);
        let then_b = b.create_block();
        let join = b.create_block();
        b.brif(c, then_b, join);
        b.switch_to_block(then_b);
        let w = b.ins_value(load(ta, MemWidth::B8, false), Type::I64);
        let one = b.iconst(Type::I64, 1);
        let w2 = b.binary(BinOp::Add, w, one);
        b.ins(store(ta, w2, MemWidth::B8), None);
        let v2 = b.binary(BinOp::LShr, v, one);
        b.ins(store(sa, v2, MemWidth::B8), None);
        b.jump(join, vec![]);
        b.switch_to_block(join);
    }
    let r = b.ins_value(load(ta, MemWidth::B8, false), Type::I64);
    b.ret(Some(r));
    let m = one_function_module(f);
    let start = std::time::Instant::now();
    let mut o = m.clone();
    optimize(&mut o, 2);
    let elapsed = start.elapsed();
    assert!(
        elapsed < std::time::Duration::from_secs(20),
        "optimizing {n} diamonds took {elapsed:?}"
    );
    assert!(!printed(&o).contains("load"));
    for arg in [0u64, 5, 1 << 40, u64::MAX] {
        assert_eq!(run0(&o, &[arg]), run0(&m, &[arg]));
    }
}

#[test]
fn dse_keeps_stores_that_a_load_reads_before_the_overwrite() {
    // rec.a = x; y = rec.a (low half); rec.a = 0; rec.b = 5; rec.b = y; return rec.a + rec.b
    let mut f = Function::new("f", ".text", vec![Type::I64], Some(Type::I64));
    let mut b = FunctionBuilder::new(&mut f);
    let entry = b.create_block();
    let x = b.append_block_param(entry, Type::I64);
    let rec = b.create_slot(16, 8, Some("rec".into()), Span::default());
    b.switch_to_block(entry);
    let a = b.ins_value(
        Op::StackAddr {
            slot: rec,
            offset: 0,
        },
        Type::I64,
    );
    let bf = b.ins_value(
        Op::StackAddr {
            slot: rec,
            offset: 8,
        },
        Type::I64,
    );
    b.ins(store(a, x, MemWidth::B8), None);
    let y = b.ins_value(load(a, MemWidth::B4, false), Type::I64);
    let zero = b.iconst(Type::I64, 0);
    b.ins(store(a, zero, MemWidth::B8), None);
    let five = b.iconst(Type::I64, 5);
    b.ins(store(bf, five, MemWidth::B8), None);
    b.ins(store(bf, y, MemWidth::B8), None);
    let ra = b.ins_value(load(a, MemWidth::B8, false), Type::I64);
    let rb = b.ins_value(load(bf, MemWidth::B8, false), Type::I64);
    let r = b.binary(BinOp::Add, ra, rb);
    b.ret(Some(r));
    let mut m = one_function_module(f);
    assert!(dse::run(&mut m));
    let text = printed(&m);
    // Only `rec.b = 5` is dead.
    assert_eq!(text.matches("store64").count(), 3, "{text}");
    assert!(!text.contains(&format!(", {five}\n")), "{text}");
    assert_eq!(run0(&m, &[0x1_0000_0007]), Some(7));
}

#[test]
fn locals_passed_to_inlined_callees_are_promoted() {
    // static __always_inline void add(long *p, long v) { *p += v; }
    // long f(long n) { long s = 0; for (long i = 0; i < n; i++) add(&s, i); return s; }
    let mut m = Module::default();
    let mut f = Function::new("f", "xdp", vec![Type::I64], Some(Type::I64));
    let mut add = Function::new("add", ".text", vec![Type::I64, Type::I64], None);
    add.linkage = Linkage::Local;
    add.always_inline = true;
    {
        let mut b = FunctionBuilder::new(&mut add);
        let e = b.create_block();
        let p = b.append_block_param(e, Type::I64);
        let v = b.append_block_param(e, Type::I64);
        b.switch_to_block(e);
        let old = b.ins_value(load(p, MemWidth::B8, false), Type::I64);
        let new = b.binary(BinOp::Add, old, v);
        b.ins(store(p, new, MemWidth::B8), None);
        b.ret(None);
    }
    {
        let mut b = FunctionBuilder::new(&mut f);
        let entry = b.create_block();
        let head = b.create_block();
        let body = b.create_block();
        let exit = b.create_block();
        let n = b.append_block_param(entry, Type::I64);
        let s = b.create_slot(8, 8, Some("s".into()), Span::default());
        b.func.slots[s].address_taken = true;
        b.switch_to_block(entry);
        let sa = b.ins_value(Op::StackAddr { slot: s, offset: 0 }, Type::I64);
        let zero = b.iconst(Type::I64, 0);
        b.ins(store(sa, zero, MemWidth::B8), None);
        b.jump(head, vec![zero]);
        let i = b.append_block_param(head, Type::I64);
        b.switch_to_block(head);
        let c = b.icmp(Cond::Slt, i, n, Type::I32);
        b.brif(c, body, exit);
        b.switch_to_block(body);
        let sa2 = b.ins_value(Op::StackAddr { slot: s, offset: 0 }, Type::I64);
        b.ins(
            Op::Call {
                callee: Callee::Func(FuncId::new(1)),
                args: vec![sa2, i],
            },
            None,
        );
        let one = b.iconst(Type::I64, 1);
        let i2 = b.binary(BinOp::Add, i, one);
        b.jump(head, vec![i2]);
        b.switch_to_block(exit);
        let r = b.ins_value(load(sa, MemWidth::B8, false), Type::I64);
        b.ret(Some(r));
    }
    m.functions.push(f);
    m.functions.push(add);
    assert_eq!(run0(&m, &[5]), Some(10));
    let mut o2 = m.clone();
    optimize(&mut o2, 2);
    assert_eq!(o2.functions.len(), 1);
    let text = printed(&o2);
    assert!(!text.contains("load") && !text.contains("store"), "{text}");
    assert_eq!(run0(&o2, &[5]), Some(10));
    // -O0 inlines too, but keeps the local in memory.
    let mut o0 = m.clone();
    optimize(&mut o0, 0);
    assert_eq!(o0.functions.len(), 1);
    assert_eq!(run0(&o0, &[5]), Some(10));
}

/// Random chains of extensions, widening, narrowing, masks, shifts and
/// comparisons: `const_fold` drops the extensions that change nothing, and
/// must keep every one that does.
#[test]
fn redundant_extension_removal_preserves_results() {
    let mut rng = Rng(0x0e7e_4510_4e5c_a1e5);
    let mut removed = 0;
    for case in 0..2000 {
        let mut f = Function::new("f", ".text", vec![Type::I64, Type::I32], Some(Type::I64));
        let mut b = FunctionBuilder::new(&mut f);
        let e = b.create_block();
        let x = b.append_block_param(e, Type::I64);
        let y = b.append_block_param(e, Type::I32);
        b.switch_to_block(e);
        let mut v = if rng.chance(50) { x } else { y };
        for _ in 0..1 + rng.below(6) {
            let ty = b.func.value_type(v);
            v = match rng.below(9) {
                0..=2 => {
                    let bits: &[u8] = if ty == Type::I64 {
                        &[8, 16, 32]
                    } else {
                        &[8, 16]
                    };
                    let from_bits = rng.pick(bits);
                    let signed = rng.chance(50);
                    b.ins_value(
                        Op::Extend {
                            value: v,
                            from_bits,
                            signed,
                        },
                        ty,
                    )
                }
                3 if ty == Type::I32 => {
                    let signed = rng.chance(50);
                    b.ins_value(Op::Widen { value: v, signed }, Type::I64)
                }
                3 => b.ins_value(Op::Narrow(v), Type::I32),
                4 => {
                    let m = rng.pick(&[1i64, 0x7f, 0xff, 0xfff, 0xffff, 0x7fff_ffff, 0xffff_ffff]);
                    let c = b.iconst(ty, m);
                    if rng.chance(50) {
                        b.binary(BinOp::And, v, c)
                    } else {
                        b.binary(BinOp::And, c, v)
                    }
                }
                5 => {
                    let k = 1 + rng.below(u64::from(ty.bits()) - 1);
                    let c = b.iconst(ty, k as i64);
                    b.binary(BinOp::LShr, v, c)
                }
                6 => {
                    let c = b.iconst(ty, rng.interesting() as i64);
                    b.icmp(Cond::Ult, v, c, rng.pick(&[Type::I32, Type::I64]))
                }
                _ => {
                    let c = b.iconst(ty, rng.interesting() as i64);
                    b.binary(BinOp::Add, v, c)
                }
            };
        }
        if b.func.value_type(v) == Type::I32 {
            let signed = rng.chance(50);
            v = b.ins_value(Op::Widen { value: v, signed }, Type::I64);
        }
        b.ret(Some(v));
        let m = one_function_module(f);
        let mut o = m.clone();
        optimize(&mut o, 2);
        let count = |m: &Module| printed(m).matches("ext").count() - 1; // and .text
        if count(&o) < count(&m) {
            removed += 1;
        }
        for _ in 0..24 {
            let args = [rng.interesting(), rng.interesting()];
            assert_eq!(
                run0(&o, &args),
                run0(&m, &args),
                "case {case}, args {args:?}\nbefore:\n{}\nafter:\n{}",
                printed(&m),
                printed(&o)
            );
        }
    }
    assert!(removed > 200, "few extensions removed ({removed})");
}

#[test]
fn extensions_across_widening_are_kept_when_they_matter() {
    // (long)(unsigned)(int)(signed char)y, then sign-extended from 16 bits:
    // the widening cleared the upper half, so the last extension matters.
    for (inner_signed, widen_signed, outer_bits, outer_signed, removable) in [
        (true, false, 16, true, false),
        (true, true, 16, true, true),
        (false, true, 16, true, true),
        (false, false, 32, false, true),
        (true, false, 32, false, true),
        (true, true, 8, false, false),
    ] {
        let m = straight_line(Type::I32, |b, y| {
            let e = b.ins_value(
                Op::Extend {
                    value: y,
                    from_bits: 8,
                    signed: inner_signed,
                },
                Type::I32,
            );
            let w = b.ins_value(
                Op::Widen {
                    value: e,
                    signed: widen_signed,
                },
                Type::I64,
            );
            let o = b.ins_value(
                Op::Extend {
                    value: w,
                    from_bits: outer_bits,
                    signed: outer_signed,
                },
                Type::I64,
            );
            let sh = b.iconst(Type::I64, 40);
            let hi = b.binary(BinOp::LShr, o, sh);
            let lo = b.ins_value(Op::Narrow(o), Type::I32);
            let hi = b.ins_value(Op::Narrow(hi), Type::I32);
            b.binary(BinOp::Xor, lo, hi)
        });
        let mut o = m.clone();
        optimize(&mut o, 2);
        let kept = printed(&o).matches("ext").count() - 1; // and .text
        assert_eq!(kept == 1, removable, "{}", printed(&o));
        for y in [0u64, 0x7f, 0x80, 0xff, 0x1234_5680] {
            assert_eq!(run0(&o, &[y]), run0(&m, &[y]));
        }
    }
}

/// Random stores and loads at overlapping offsets and widths in a struct
/// local whose address never escapes, across the arms of `if`s: store
/// forwarding and dead store elimination must leave the loaded values as
/// they were.
#[test]
fn struct_locals_forwarding_preserves_results() {
    let mut rng = Rng(0x57c0_0f0e_0a4d_0001);
    let mut forwarded = 0;
    for case in 0..400 {
        let mut f = Function::new("f", ".text", vec![Type::I64, Type::I32], Some(Type::I64));
        let mut b = FunctionBuilder::new(&mut f);
        let entry = b.create_block();
        let x = b.append_block_param(entry, Type::I64);
        let y = b.append_block_param(entry, Type::I32);
        let rec = b.create_slot(16, 8, Some("rec".into()), Span::default());
        b.switch_to_block(entry);
        let mut acc = b.iconst(Type::I64, 0);
        for _ in 0..1 + rng.below(3) {
            let then_b = b.create_block();
            let join = b.create_block();
            let mut in_then = false;
            for step in 0..4 + rng.below(10) {
                if step == 2 && rng.chance(60) {
                    b.brif(y, then_b, join);
                    b.switch_to_block(then_b);
                    in_then = true;
                }
                let width = rng.pick(&[MemWidth::B1, MemWidth::B2, MemWidth::B4, MemWidth::B8]);
                let offset = rng.below(17 - u64::from(width.bytes())) as i32;
                let (base, off) = if rng.chance(50) {
                    (offset, 0)
                } else {
                    (0, offset)
                };
                let addr = b.ins_value(
                    Op::StackAddr {
                        slot: rec,
                        offset: base,
                    },
                    Type::I64,
                );
                // Sometimes as pointer arithmetic: &rec + k - (k - off).
                let (addr, off) = if rng.chance(30) {
                    let k = rng.below(4) as i64;
                    let kc = b.iconst(Type::I64, k);
                    let p = b.binary(BinOp::Add, addr, kc);
                    let back = b.iconst(Type::I64, k - i64::from(off));
                    (b.binary(BinOp::Sub, p, back), 0)
                } else {
                    (addr, off)
                };
                if rng.chance(50) {
                    let v = if rng.chance(50) {
                        x
                    } else if rng.chance(50) {
                        y
                    } else {
                        let c = rng.interesting() as i64;
                        b.iconst(Type::I64, c)
                    };
                    b.ins(
                        Op::Store {
                            addr,
                            offset: off,
                            value: v,
                            width,
                            volatile: rng.chance(15),
                        },
                        None,
                    );
                } else {
                    let ty = rng.pick(&[Type::I32, Type::I64]);
                    let l = b.ins_value(
                        Op::Load {
                            addr,
                            offset: off,
                            width,
                            signed: rng.chance(50),
                            volatile: false,
                        },
                        ty,
                    );
                    let l = if ty == Type::I32 {
                        b.ins_value(
                            Op::Widen {
                                value: l,
                                signed: false,
                            },
                            Type::I64,
                        )
                    } else {
                        l
                    };
                    let k = b.iconst(Type::I64, 0x1000_0001);
                    let m = b.binary(BinOp::Mul, acc, k);
                    acc = b.binary(BinOp::Xor, m, l);
                }
            }
            if in_then {
                // acc is not carried out of the arm: fold it into memory.
                let a = b.ins_value(
                    Op::StackAddr {
                        slot: rec,
                        offset: 8,
                    },
                    Type::I64,
                );
                b.ins(store(a, acc, MemWidth::B8), None);
                b.jump(join, vec![]);
                b.switch_to_block(join);
                let a = b.ins_value(
                    Op::StackAddr {
                        slot: rec,
                        offset: 8,
                    },
                    Type::I64,
                );
                acc = b.ins_value(load(a, MemWidth::B8, false), Type::I64);
            } else {
                b.jump(join, vec![]);
                b.switch_to_block(then_b);
                b.jump(join, vec![]);
                b.switch_to_block(join);
            }
        }
        let a = b.ins_value(
            Op::StackAddr {
                slot: rec,
                offset: 0,
            },
            Type::I64,
        );
        let whole = b.ins_value(load(a, MemWidth::B8, false), Type::I64);
        let r = b.binary(BinOp::Add, acc, whole);
        b.ret(Some(r));
        let m = one_function_module(f);
        let mut o = m.clone();
        optimize(&mut o, 2);
        // The pointer arithmetic became stack addresses.
        assert!(
            !printed(&o).contains(" sub "),
            "case {case}\n{}",
            printed(&o)
        );
        if printed(&o).matches("load").count() < printed(&m).matches("load").count() {
            forwarded += 1;
        }
        for _ in 0..8 {
            let args = [rng.interesting(), rng.interesting()];
            assert_eq!(
                run0(&o, &args),
                run0(&m, &args),
                "case {case}, args {args:?}\nbefore:\n{}\nafter:\n{}",
                printed(&m),
                printed(&o)
            );
        }
    }
    assert!(forwarded > 200, "few loads forwarded ({forwarded})");
}

#[test]
fn branches_to_unreachable_become_jumps() {
    // if (x > 10) __builtin_unreachable(); return x;
    let mut f = Function::new("f", ".text", vec![Type::I64], Some(Type::I64));
    let mut b = FunctionBuilder::new(&mut f);
    let [entry, dead, rest] = [(); 3].map(|_| b.create_block());
    let x = b.append_block_param(entry, Type::I64);
    b.switch_to_block(entry);
    let ten = b.iconst(Type::I64, 10);
    let c = b.icmp(Cond::Ugt, x, ten, Type::I32);
    b.brif(c, dead, rest);
    b.switch_to_block(dead);
    b.ins(Op::Unreachable, None);
    b.switch_to_block(rest);
    b.ret(Some(x));
    let mut m = one_function_module(f);
    optimize(&mut m, 2);
    assert_eq!(
        printed(&m),
        "function f(i64) -> i64 section \".text\" {
block0(v0: i64):
    return v0
}
"
    );
}

/// Many locals and many blocks at once: mem2reg's work per local must not
/// grow with the number of stores of the other locals.
#[test]
fn many_locals_optimize_quickly() {
    let mut f = Function::new("many", ".text", vec![Type::I64], Some(Type::I64));
    let mut b = FunctionBuilder::new(&mut f);
    let entry = b.create_block();
    let x = b.append_block_param(entry, Type::I64);
    b.switch_to_block(entry);
    let n = 400;
    let slots: Vec<Value> = (0..n)
        .map(|k| {
            let s = b.create_slot(8, 8, Some(format!("l{k}")), Span::default());
            let a = b.ins_value(Op::StackAddr { slot: s, offset: 0 }, Type::I64);
            b.ins(store(a, x, MemWidth::B8), None);
            a
        })
        .collect();
    for k in 0..n {
        let v = b.ins_value(load(slots[k], MemWidth::B8, false), Type::I64);
        let then_b = b.create_block();
        let join = b.create_block();
        b.brif(v, then_b, join);
        b.switch_to_block(then_b);
        let w = b.ins_value(load(slots[(k * 7 + 1) % n], MemWidth::B8, false), Type::I64);
        let s = b.binary(BinOp::Add, v, w);
        b.ins(store(slots[(k * 13 + 5) % n], s, MemWidth::B8), None);
        b.jump(join, vec![]);
        b.switch_to_block(join);
    }
    let mut acc = b.iconst(Type::I64, 0);
    for &a in slots.iter().step_by(37) {
        let v = b.ins_value(load(a, MemWidth::B8, false), Type::I64);
        acc = b.binary(BinOp::Xor, acc, v);
    }
    b.ret(Some(acc));
    let m = one_function_module(f);
    let start = std::time::Instant::now();
    let mut o = m.clone();
    optimize(&mut o, 2);
    let elapsed = start.elapsed();
    assert!(
        elapsed < std::time::Duration::from_secs(20),
        "{n} locals took {elapsed:?}"
    );
    assert!(!printed(&o).contains("load"));
    for arg in [0u64, 1, 0x8000_0000_0000_0001] {
        assert_eq!(run0(&o, &[arg]), run0(&m, &[arg]));
    }
}

#[test]
fn small_global_functions_are_inlined_and_kept() {
    for (noinline, level, inlined) in [(false, 2, true), (true, 2, false), (false, 0, false)] {
        let mut m = Module::default();
        let mut prog = Function::new("prog", "xdp", vec![Type::I64], Some(Type::I64));
        {
            let mut b = FunctionBuilder::new(&mut prog);
            let e = b.create_block();
            let x = b.append_block_param(e, Type::I64);
            b.switch_to_block(e);
            let r = b.ins_value(
                Op::Call {
                    callee: Callee::Func(FuncId::new(1)),
                    args: vec![x],
                },
                Type::I64,
            );
            b.ret(Some(r));
        }
        let mut g = Function::new("g", ".text", vec![Type::I64], Some(Type::I64));
        g.noinline = noinline;
        {
            let mut b = FunctionBuilder::new(&mut g);
            let e = b.create_block();
            let x = b.append_block_param(e, Type::I64);
            b.switch_to_block(e);
            let three = b.iconst(Type::I64, 3);
            let r = b.binary(BinOp::Mul, x, three);
            b.ret(Some(r));
        }
        m.functions.push(prog);
        m.functions.push(g);
        optimize(&mut m, level);
        assert_eq!(m.functions.len(), 2, "the global function stays");
        assert_eq!(!printed(&m).contains("call"), inlined, "{}", printed(&m));
        assert_eq!(run0(&m, &[5]), Some(15));
    }
}

#[test]
fn comparisons_stay_next_to_their_branches() {
    // if (x < 16) a(); if (x < 16) b();  -- the second comparison is not
    // replaced by the first's 0/1 result.
    let mut f = Function::new("f", ".text", vec![Type::I64], Some(Type::I64));
    let mut b = FunctionBuilder::new(&mut f);
    let [entry, t1, j1, t2, j2] = [(); 5].map(|_| b.create_block());
    let x = b.append_block_param(entry, Type::I64);
    b.switch_to_block(entry);
    let k = b.iconst(Type::I64, 16);
    let c1 = b.icmp(Cond::Ult, x, k, Type::I32);
    b.brif(c1, t1, j1);
    b.switch_to_block(t1);
    b.ins(
        Op::Call {
            callee: Callee::Helper(1),
            args: vec![],
        },
        None,
    );
    b.jump(j1, vec![]);
    b.switch_to_block(j1);
    let k2 = b.iconst(Type::I64, 16);
    let c2 = b.icmp(Cond::Ult, x, k2, Type::I32);
    b.brif(c2, t2, j2);
    b.switch_to_block(t2);
    b.ins(
        Op::Call {
            callee: Callee::Helper(2),
            args: vec![],
        },
        None,
    );
    b.jump(j2, vec![]);
    b.switch_to_block(j2);
    b.ret(Some(x));
    let mut m = one_function_module(f);
    optimize(&mut m, 2);
    assert_eq!(
        printed(&m).matches("icmp ult").count(),
        2,
        "{}",
        printed(&m)
    );
}

#[test]
fn comparisons_computed_earlier_are_copied_to_their_branch() {
    // _Bool ok = x < 16; n = helper(); if (ok) ... ; return ok
    let mut f = Function::new("f", ".text", vec![Type::I64], Some(Type::I32));
    let mut b = FunctionBuilder::new(&mut f);
    let [entry, mid, t, j] = [(); 4].map(|_| b.create_block());
    let x = b.append_block_param(entry, Type::I64);
    b.switch_to_block(entry);
    let k = b.iconst(Type::I64, 16);
    let ok = b.icmp(Cond::Ult, x, k, Type::I32);
    b.brif(x, mid, j);
    b.switch_to_block(mid);
    b.ins(
        Op::Call {
            callee: Callee::Helper(1),
            args: vec![],
        },
        None,
    );
    b.brif(ok, t, j);
    b.switch_to_block(t);
    b.ins(
        Op::Call {
            callee: Callee::Helper(2),
            args: vec![],
        },
        None,
    );
    b.jump(j, vec![]);
    b.switch_to_block(j);
    b.ret(Some(ok));
    let m = one_function_module(f);
    for level in [0, 2] {
        let mut o = m.clone();
        optimize(&mut o, level);
        let fo = &o.functions[FuncId::new(0)];
        for &blk in &fo.layout {
            let term = fo.terminator(blk);
            if let Op::Brif { cond, .. } = fo.insts[term].op {
                if let Some(d) = fo.def_inst(cond) {
                    if matches!(fo.insts[d].op, Op::Icmp(..)) {
                        let insts = &fo.blocks[blk].insts;
                        assert_eq!(insts[insts.len() - 2], d, "{}", printed(&o));
                    }
                }
            }
        }
        // The original stays for the return.
        assert_eq!(
            printed(&o).matches("icmp ult").count(),
            2,
            "{}",
            printed(&o)
        );
    }
}

#[test]
fn reloads_after_a_bounds_check_reuse_the_checked_value() {
    // d = ctx->data; if (d + 54 > ctx->data_end) return 0; d2 = ctx->data;
    // (merged: the check is on the same value) ; then a join after a store
    // in one arm: the reload there stays.
    let mut f = Function::new("f", "tc", vec![Type::I64], Some(Type::I64));
    let mut b = FunctionBuilder::new(&mut f);
    let [entry, out, ok, arm, join] = [(); 5].map(|_| b.create_block());
    let ctx = b.append_block_param(entry, Type::I64);
    let ld = |b: &mut FunctionBuilder, off: i32| {
        b.ins_value(
            Op::Load {
                addr: ctx,
                offset: off,
                width: MemWidth::B4,
                signed: false,
                volatile: false,
            },
            Type::I64,
        )
    };
    b.switch_to_block(entry);
    let d = ld(&mut b, 76);
    let e = ld(&mut b, 80);
    let k = b.iconst(Type::I64, 54);
    let end = b.binary(BinOp::Add, d, k);
    let c = b.icmp(Cond::Ugt, end, e, Type::I32);
    b.brif(c, out, ok);
    b.switch_to_block(out);
    let zero = b.iconst(Type::I64, 0);
    b.ret(Some(zero));
    b.switch_to_block(ok);
    let d2 = ld(&mut b, 76);
    b.brif(d2, arm, join);
    b.switch_to_block(arm);
    let zero = b.iconst(Type::I64, 0);
    b.ins(store(ctx, zero, MemWidth::B4), None);
    b.jump(join, vec![]);
    b.switch_to_block(join);
    let d3 = ld(&mut b, 76);
    let r = b.binary(BinOp::Add, d2, d3);
    b.ret(Some(r));
    let mut m = one_function_module(f);
    let before = m.clone();
    optimize(&mut m, 2);
    let text = printed(&m);
    // d2 is d; d3 (after a join with a store on one side) is loaded again.
    assert_eq!(text.matches("load32 [v0+76]").count(), 2, "{text}");
    for ctx_bytes in [[0u8; 96], [7u8; 96]] {
        let run = |m: &Module| {
            let mut machine = Machine::new(m);
            let addr = machine.memory.alloc_bytes(ctx_bytes.to_vec());
            machine.call(FuncId::new(0), &[addr], &mut crate::ir::interp::NoEnv)
        };
        assert_eq!(run(&m), run(&before));
    }
}
