//! Tests of loop unrolling: C loops run in the interpreter before and after
//! optimization at every level (results must agree), and the loops that
//! must be unrolled (or must stay loops) are checked by counting back edges.

use super::dominators::DomTree;
use super::optimize;
use super::source_tests::{check_program, lower_c, SEEDS};
use super::unroll;
use crate::ir::{Function, Module};

/// Back edges (jumps to a dominating block) of the function called `name`.
fn back_edges(m: &Module, name: &str) -> usize {
    let f: &Function = m
        .functions
        .values()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no function {name}"));
    let dom = DomTree::compute(f);
    dom.rpo
        .iter()
        .map(|&b| {
            f.insts[f.terminator(b)]
                .op
                .successors()
                .into_iter()
                .filter(|&s| dom.dominates(s, b))
                .count()
        })
        .sum()
}

fn optimized(text: &str, level: u8) -> Module {
    let mut m = lower_c(text);
    optimize(&mut m, level);
    m
}

const POINTER_LOOPS: &str = r#"
    unsigned sum_fwd(unsigned a, unsigned b) {
        unsigned buf[8], *p, *end = buf + 8, s = 0;
        for (int i = 0; i < 8; i++) buf[i] = a * i + (b >> i);
        for (p = buf; p < end; p++) s += *p;
        return s;
    }
    unsigned sum_ne(unsigned a) {
        unsigned char buf[6], *p, *end = &buf[6];
        unsigned s = 0;
        for (int i = 0; i < 6; i++) buf[i] = a >> (i * 4);
        for (p = buf; p != end; p += 2) s = s * 31 + *p;
        return s;
    }
    unsigned long back_do_while(unsigned long a) {
        unsigned long buf[5], *p = &buf[4], s = 0;
        for (int i = 0; i < 5; i++) buf[i] = a ^ (unsigned long)i << 8;
        do { s = (s << 3) ^ *p; } while (--p >= buf);
        return s;
    }
    int step_past(int a) {
        int buf[7], *p, s = 0;
        for (int i = 0; i < 7; i++) buf[i] = a + i;
        /* The step jumps over the bound: 3 iterations (0, 3, 6). */
        for (p = buf; p < buf + 7; p += 3) s = s * 5 + *p;
        return s;
    }
"#;

#[test]
fn pointer_exit_loops_are_unrolled_at_every_level() {
    check_program(POINTER_LOOPS, SEEDS);
    for level in [0u8, 1, 2] {
        let m = optimized(POINTER_LOOPS, level);
        // At -O0 the counting loops that fill the arrays stay.
        let counting = if level == 0 { 1 } else { 0 };
        for name in ["sum_fwd", "sum_ne", "back_do_while", "step_past"] {
            assert_eq!(
                back_edges(&m, name),
                counting,
                "{name} at -O{level}:\n{}",
                crate::ir::print::print_module(&m)
            );
        }
    }
}

const COUNTING_LOOPS: &str = r#"
    int up(int a) {
        int s = 0;
        for (int i = 0; i < 8; i++) s = s * 3 + (a >> i);
        return s;
    }
    int down_by_three(int a) {
        int s = 0;
        for (int i = 10; i > 0; i -= 3) s += a * i;
        return s;
    }
    unsigned do_while(unsigned a) {
        unsigned i = 0, s = 1;
        do { s = s * a + i; } while (++i < 5);
        return s;
    }
    unsigned not_equal(unsigned a) {
        unsigned s = 0;
        for (unsigned i = 0; i != 12; i += 4) s ^= a << i;
        return s;
    }
    unsigned char_wrap(unsigned a) {
        unsigned s = 0;
        for (unsigned char c = 250; c != 4; c++) s += c ^ a;
        return s;
    }
    long negative_start(long a) {
        long s = 0;
        for (long i = -3; i <= 5; i++) s += i * a;
        return s;
    }
    unsigned unsigned_wrap_start(unsigned a) {
        unsigned s = 0;
        /* 0xfffffffe, 0xffffffff, then 0 ends it: two iterations. */
        for (unsigned i = 0xfffffffe; i > 5; i++) s += a + i;
        return s;
    }
    int never(int a) {
        for (int i = 5; i < 3; i++) a += i;
        return a;
    }
    int with_branches(int a) {
        int s = 0;
        for (int i = 0; i < 6; i++) {
            if ((a >> i) & 1) s += i; else s -= a;
        }
        return s;
    }
    int nested(int a, int b) {
        int r = 0;
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                r += (a >> i) ^ (b << j);
        return r;
    }
"#;

#[test]
fn constant_trip_count_loops_are_unrolled_when_optimizing() {
    check_program(COUNTING_LOOPS, SEEDS);
    let names = [
        "up",
        "down_by_three",
        "do_while",
        "not_equal",
        "char_wrap",
        "negative_start",
        "unsigned_wrap_start",
        "never",
        "with_branches",
        "nested",
    ];
    let o2 = optimized(COUNTING_LOOPS, 2);
    let o0 = optimized(COUNTING_LOOPS, 0);
    for name in names {
        assert_eq!(
            back_edges(&o2, name),
            0,
            "{name}:\n{}",
            crate::ir::print::print_module(&o2)
        );
    }
    // -O0 unrolls only for the verifier: these loops stay.
    assert_eq!(back_edges(&o0, "up"), 1);
    assert_eq!(back_edges(&o0, "nested"), 2);
}

const LOOPS_THAT_STAY: &str = r#"
    int variable_bound(int a) {
        int s = 0;
        for (int i = 0; i < (a & 15); i++) s += i;
        return s;
    }
    int with_break(int a) {
        int s = 0;
        for (int i = 0; i < 8; i++) {
            if (s > a) break;
            s += i;
        }
        return s;
    }
    int too_many(int a) {
        int s = 0;
        for (int i = 0; i < 1000; i++) s += a ^ i;
        return s;
    }
    int too_big(int a) {
        int s = 0;
        for (int i = 0; i < 40; i++) {
            s = s * 3 + (a >> (i & 7)); s ^= s >> 3; s += a * i; s ^= s << 5;
            s = s * 7 + (a >> (i & 3)); s ^= s >> 9; s += a * s; s ^= s << 2;
            s = s * 9 + (a >> (i & 1)); s ^= s >> 1; s += a - i; s ^= s << 7;
        }
        return s;
    }
    int pointers_of_another_object(int a) {
        int x[4], y[4], *p, s = 0;
        for (int i = 0; i < 4; i++) { x[i] = a + i; y[i] = a - i; }
        /* Different objects: the comparison is not decided. */
        for (p = x; p != y + 4 && p != x + 4; p++) s += *p;
        return s;
    }
"#;

#[test]
fn loops_without_a_known_small_trip_count_stay() {
    check_program(LOOPS_THAT_STAY, SEEDS);
    let o2 = optimized(LOOPS_THAT_STAY, 2);
    for name in ["variable_bound", "with_break", "too_many", "too_big"] {
        assert_eq!(back_edges(&o2, name), 1, "{name}");
    }
    assert!(back_edges(&o2, "pointers_of_another_object") >= 1);
}

#[test]
fn unrolling_alone_keeps_results_and_removes_the_loop() {
    // The pass on its own (after mem2reg only), at its optimizing limits.
    let mut m = lower_c(COUNTING_LOOPS);
    super::mem2reg::run(&mut m);
    let before = m.clone();
    assert!(unroll::run(&mut m));
    for (id, f) in m.functions.iter() {
        crate::ir::verify::verify_ssa(f).unwrap();
        assert_eq!(back_edges(&m, &f.name), 0, "{}", f.name);
        for &seed in SEEDS {
            let args: Vec<u64> = (0..f.params.len() as u64).map(|k| seed ^ k).collect();
            let run =
                |m: &Module| crate::ir::interp::run(m, id, &args, &mut crate::ir::interp::NoEnv);
            assert_eq!(run(&m), run(&before), "{}{args:?}", f.name);
        }
    }
}

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

    fn small(&mut self) -> i64 {
        self.below(25) as i64 - 12
    }
}

/// A random counting loop as SSA: a counter (an integer, or a pointer into
/// a stack array) with a random start, step, bound and comparison, exiting
/// from the header or from the latch, with a branch in its body and its
/// values used after the loop.
fn random_loop(rng: &mut Rng) -> Function {
    use crate::ir::builder::FunctionBuilder;
    use crate::ir::*;
    let mut f = Function::new("loop", ".text", vec![Type::I64], Some(Type::I64));
    let conds = [
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
    ];
    let pointer = rng.below(3) == 0;
    let ty = if pointer || rng.below(2) == 0 {
        Type::I64
    } else {
        Type::I32
    };
    let cond = conds[rng.below(conds.len() as u64) as usize];
    let latch_exit = rng.below(2) == 0;
    let separate_latch = rng.below(2) == 0;
    let (start, step, bound) = (rng.small(), rng.small() / 3, rng.small());
    let swap = rng.below(2) == 0;
    let mut b = FunctionBuilder::new(&mut f);
    let slot = b.create_slot(128, 8, Some("array".into()), Default::default());
    let entry = b.create_block();
    let x = b.append_block_param(entry, Type::I64);
    let header = b.create_block();
    let i = b.append_block_param(header, ty);
    let acc = b.append_block_param(header, Type::I64);
    let body = b.create_block();
    let odd = b.create_block();
    let join = b.create_block();
    let acc2 = b.append_block_param(join, Type::I64);
    let exit = b.create_block();
    let out = b.append_block_param(exit, Type::I64);
    let out_i = b.append_block_param(exit, ty);

    // The array holds x, x+1, ... (16 words); the counter starts in its middle.
    b.switch_to_block(entry);
    for k in 0..16 {
        let a = b.ins_value(
            Op::StackAddr {
                slot,
                offset: 8 * k,
            },
            Type::I64,
        );
        let kc = b.iconst(Type::I64, k as i64);
        let v = b.binary(BinOp::Add, x, kc);
        b.ins(
            Op::Store {
                addr: a,
                offset: 0,
                value: v,
                width: MemWidth::B8,
                volatile: false,
            },
            None,
        );
    }
    let (start_v, bound_v, step_v) = if pointer {
        let s = b.ins_value(
            Op::StackAddr {
                slot,
                offset: (64 + 8 * start) as i32,
            },
            Type::I64,
        );
        let base = b.ins_value(Op::StackAddr { slot, offset: 0 }, Type::I64);
        let off = b.iconst(Type::I64, 64 + 8 * bound);
        let e = b.binary(BinOp::Add, base, off);
        (s, e, 8 * step)
    } else {
        (b.iconst(ty, start), b.iconst(ty, bound), step)
    };
    b.jump(header, vec![start_v, x]);

    let exit_test = |b: &mut FunctionBuilder, i: Value, acc: Value, stay: Block, stay_args| {
        let c = if swap {
            b.icmp(cond.swapped(), bound_v, i, Type::I32)
        } else {
            b.icmp(cond, i, bound_v, Type::I32)
        };
        b.ins(
            Op::Brif {
                cond: c,
                then_dest: BlockCall {
                    block: stay,
                    args: stay_args,
                },
                else_dest: BlockCall {
                    block: exit,
                    args: vec![acc, i],
                },
            },
            None,
        );
    };

    b.switch_to_block(header);
    if latch_exit {
        b.jump(body, vec![]);
    } else {
        exit_test(&mut b, i, acc, body, vec![]);
    }

    // acc = acc * 31 + (counter or the word it points at); odd: acc ^= x.
    b.switch_to_block(body);
    let term = if pointer {
        b.ins_value(
            Op::Load {
                addr: i,
                offset: 0,
                width: MemWidth::B8,
                signed: false,
                volatile: false,
            },
            Type::I64,
        )
    } else if ty == Type::I32 {
        b.ins_value(
            Op::Widen {
                value: i,
                signed: true,
            },
            Type::I64,
        )
    } else {
        i
    };
    let k31 = b.iconst(Type::I64, 31);
    let m = b.binary(BinOp::Mul, acc, k31);
    let sum = b.binary(BinOp::Add, m, term);
    let one = b.iconst(Type::I64, 1);
    let low = b.binary(BinOp::And, sum, one);
    b.ins(
        Op::Brif {
            cond: low,
            then_dest: BlockCall {
                block: odd,
                args: vec![],
            },
            else_dest: BlockCall {
                block: join,
                args: vec![sum],
            },
        },
        None,
    );
    b.switch_to_block(odd);
    let flipped = b.binary(BinOp::Xor, sum, x);
    b.jump(join, vec![flipped]);

    b.switch_to_block(join);
    let stepc = b.iconst(ty, step_v);
    let next = b.binary(BinOp::Add, i, stepc);
    if separate_latch {
        let latch = b.create_block();
        b.jump(latch, vec![]);
        b.switch_to_block(latch);
    }
    if latch_exit {
        exit_test(&mut b, next, acc2, header, vec![next, acc2]);
    } else {
        b.jump(header, vec![next, acc2]);
    }

    b.switch_to_block(exit);
    let out_i = if ty == Type::I32 {
        b.ins_value(
            Op::Widen {
                value: out_i,
                signed: false,
            },
            Type::I64,
        )
    } else {
        out_i
    };
    let r = b.binary(BinOp::Xor, out, out_i);
    b.ret(Some(r));
    f
}

#[test]
fn unrolling_random_loops_keeps_results() {
    use crate::ir::interp::{Machine, NoEnv};
    use crate::ir::FuncId;
    use cranelift_entity::EntityRef;
    let mut rng = Rng(0x5eed_1007_cafe_f00d);
    let mut unrolled = 0;
    for case in 0..400 {
        let f = random_loop(&mut rng);
        crate::ir::verify::verify_ssa(&f).unwrap();
        let mut m = Module::default();
        m.functions.push(f);
        let mut after = m.clone();
        let changed =
            unroll::unroll_function(after.functions.get_mut(FuncId::new(0)).unwrap(), true);
        let fa = &after.functions[FuncId::new(0)];
        crate::ir::verify::verify_ssa(fa).unwrap();
        if changed {
            unrolled += 1;
            assert_eq!(back_edges(&after, "loop"), 0);
        }
        for x in [0u64, 1, 7, u64::MAX, 0x8000_0000] {
            let run = |m: &Module| {
                let mut machine = Machine::new(m);
                machine.step_limit = 20_000;
                machine.call(FuncId::new(0), &[x], &mut NoEnv)
            };
            assert_eq!(
                run(&after),
                run(&m),
                "case {case}, x = {x}\nbefore:\n{}\nafter:\n{}",
                crate::ir::print::print_function(&m.functions[FuncId::new(0)]),
                crate::ir::print::print_function(fa)
            );
        }
    }
    // Most random loops end within the limits.
    assert!(unrolled > 150, "only {unrolled} loops unrolled");
}
