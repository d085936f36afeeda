//! Tests of the pass pipeline: hand-written functions whose optimized IR is
//! compared as text, and a property test that builds random functions the
//! way lowering does (locals in stack slots, structured control flow, loops
//! with counters on the stack, helper calls, packet loads) and checks with
//! the interpreter that every optimization level computes the same results
//! and makes the same helper calls.

use super::*;
use crate::ir::builder::FunctionBuilder;
use crate::ir::interp::{Env, Machine, Memory, Trap};
use crate::ir::print::print_function;
use crate::ir::*;

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
    global: DataId,
    params: Vec<Value>,
    ret: Type,
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
            return match self.rng.below(6) {
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
            self.rng.below(3)
        } else {
            self.rng.below(7)
        };
        match kind {
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
                b.ins(
                    Op::Store {
                        addr,
                        offset: 0,
                        value: v,
                        width: MemWidth::B4,
                        volatile: false,
                    },
                    None,
                );
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
            3 | 4 => {
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
            5 => {
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
fn random_function(rng: &mut Rng, global: DataId) -> Function {
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
    // Locals start initialized half of the time (else they read as 0 after
    // mem2reg and as the zeroed slot before: both 0).
    let mut gen = Gen {
        rng,
        locals: locals.clone(),
        array,
        global,
        params: vec![p0, p1],
        ret: Type::I64,
        budget: 14,
    };
    for l in locals {
        if gen.rng.chance(50) {
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
        let f = random_function(&mut rng, global);
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
                // Every promotable local is gone from memory after mem2reg.
                let fo = &opt.functions[FuncId::new(0)];
                for &b in &fo.layout {
                    for &i in &fo.blocks[b].insts {
                        if let Op::StackAddr { slot, .. } = fo.insts[i].op {
                            assert!(
                                fo.slots[slot].address_taken,
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
