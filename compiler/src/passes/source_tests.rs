//! End-to-end tests of the passes on C: each program goes through the front
//! end and lowering, then every function with scalar parameters runs in the
//! interpreter on many arguments, unoptimized and after `optimize` at -O0,
//! -O1 and -O2; results and helper calls must agree. The IR invariants
//! (`verify_ssa`) are checked after every pass in these debug builds.

use super::optimize;
use crate::diag::Diagnostics;
use crate::intern::Interner;
use crate::ir::interp::{Env, Machine, Memory, Trap};
use crate::ir::{Module, Op};
use crate::preprocess::{self, PreprocessOptions};
use crate::sema::{self, SemaOptions};
use crate::source::SourceMap;
use crate::{lower, parse};

/// Compiles C source to unoptimized IR; panics with the diagnostics on error.
pub(super) fn lower_c(text: &str) -> Module {
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let main = sources.add("test.c".to_string(), None, text.to_string());
    let mut interner = Interner::new();
    let options = PreprocessOptions {
        cpu_version: 3,
        ..Default::default()
    };
    let pp = preprocess::preprocess(main, &options, &mut sources, &mut interner, &mut diags);
    let tu = parse::parse(&pp.tokens, &mut interner, &mut diags);
    let program = sema::check(
        &tu,
        &mut interner,
        &SemaOptions { cpu_version: 3 },
        &mut diags,
    );
    let module = lower::lower(&program, &interner, &mut diags);
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    module
}

/// Helper calls are logged and answered from a running counter, so that
/// the order and number of calls matter.
struct CountingEnv {
    log: Vec<(i64, Vec<u64>)>,
}

impl Env for CountingEnv {
    fn call_helper(&mut self, id: i64, args: &[u64], _: &mut Memory) -> Result<u64, Trap> {
        self.log.push((id, args.to_vec()));
        Ok((self.log.len() as u64 * 7919) ^ args.first().copied().unwrap_or(0))
    }
}

type Outcome = (Result<Option<u64>, Trap>, Vec<(i64, Vec<u64>)>);

fn call(m: &Module, name: &str, args: &[u64]) -> Outcome {
    let id = m
        .functions
        .iter()
        .find(|(_, f)| f.name == name)
        .map(|(id, _)| id)
        .unwrap_or_else(|| panic!("no function {name}"));
    let mut env = CountingEnv { log: Vec::new() };
    let mut machine = Machine::new(m);
    let r = machine.call(id, args, &mut env);
    (r, env.log)
}

/// Runs every global function of `text` on `args_per_call` argument lists
/// at every level and compares with the unoptimized module. Returns the
/// optimized -O2 module for further checks.
pub(super) fn check_program(text: &str, seeds: &[u64]) -> Module {
    let base = lower_c(text);
    let mut optimized = Vec::new();
    for level in [0u8, 1, 2] {
        let mut m = base.clone();
        optimize(&mut m, level);
        optimized.push((level, m));
    }
    let entries: Vec<(String, usize)> = base
        .functions
        .values()
        .filter(|f| f.linkage == crate::ir::Linkage::Global)
        .map(|f| (f.name.clone(), f.params.len()))
        .collect();
    assert!(!entries.is_empty());
    for (name, nparams) in &entries {
        for &seed in seeds {
            let args: Vec<u64> = (0..*nparams as u64)
                .map(|k| seed.wrapping_mul(0x9e37_79b9).rotate_left(k as u32 * 13) ^ (k * 3))
                .collect();
            let want = call(&base, name, &args);
            assert!(
                !matches!(want.0, Err(Trap::StepLimit | Trap::UndefinedValue(_))),
                "{name}{args:?}: {want:?}"
            );
            for (level, m) in &optimized {
                let got = call(m, name, &args);
                assert_eq!(
                    got,
                    want,
                    "{name}{args:?} at -O{level}\n{}",
                    crate::ir::print::print_module(m)
                );
            }
        }
    }
    optimized.pop().unwrap().1
}

/// Arguments around interesting boundaries, plus a few arbitrary ones.
pub(super) const SEEDS: &[u64] = &[
    0,
    1,
    2,
    3,
    7,
    0x7f,
    0x80,
    0xff,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    u64::MAX,
    0x1234_5678_9abc_def0,
    99,
    1000,
];

fn count_ops(m: &Module, pred: impl Fn(&Op) -> bool) -> usize {
    m.functions
        .values()
        .map(|f| {
            f.layout
                .iter()
                .flat_map(|&b| f.blocks[b].insts.iter())
                .filter(|&&i| pred(&f.insts[i].op))
                .count()
        })
        .sum()
}

#[test]
fn loops_and_locals() {
    let m = check_program(
        r#"
        int sum_to(int n) {
            int s = 0;
            for (int i = 0; i < (n & 63); i++) {
                if ((unsigned)i % 3 == 0) continue;
                if (i > 40) break;
                s += i * i;
            }
            return s;
        }
        unsigned long collatz(unsigned long x) {
            unsigned long steps = 0;
            x = (x & 0xffff) + 1;
            while (x != 1 && steps < 200) {
                if (x & 1) x = 3 * x + 1; else x /= 2;
                steps++;
            }
            return steps;
        }
        int nested(int a, int b) {
            int r = 0;
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                    r += (a >> i) ^ (b << j);
            return r;
        }
        "#,
        SEEDS,
    );
    // Every local is promoted: no stack traffic is left.
    assert_eq!(
        count_ops(&m, |op| matches!(op, Op::Load { .. } | Op::Store { .. })),
        0
    );
}

#[test]
fn narrow_types_and_conversions() {
    check_program(
        r#"
        typedef unsigned char u8;
        typedef signed char s8;
        typedef unsigned short u16;
        typedef short s16;
        long conv(long x, int y) {
            u8 a = x;
            s8 b = x >> 3;
            u16 c = y * 3;
            s16 d = y - 100000;
            unsigned int e = a + b;
            long f = (long)b * c + d;
            return f ^ e ^ (u8)(a + 200) ^ (s8)(b - 100);
        }
        int cmp(unsigned int a, int b) {
            int r = 0;
            if (a < 10) r |= 1;
            if (b < -5) r |= 2;
            if ((u8)a == (u8)b) r |= 4;
            if ((s16)a > (s16)b) r |= 8;
            return r ? r : -1;
        }
        "#,
        SEEDS,
    );
}

#[test]
fn switch_and_short_circuit() {
    check_program(
        r#"
        int r_fallthrough(int v) { return v + 7; }
        int classify(int x, int y) {
            int r;
            switch (x & 15) {
            case 0: r = 10; break;
            case 1: case 2: r = y; break;
            case 7: r = y * 2;
            case 8: r = r_fallthrough(x); break;
            default: r = -1;
            }
            return (x > 3 && y < 5) || (r == 10) ? r + 1 : r - 1;
        }
        "#,
        SEEDS,
    );
}

#[test]
fn memory_structs_arrays_and_globals() {
    check_program(
        r#"
        struct pair { int a; short b; unsigned char c[6]; };
        static int table[8] = {3, 1, 4, 1, 5, 9, 2, 6};
        int counter;
        int structs(int x, int y) {
            struct pair p = {0};
            p.a = x;
            p.b = y;
            p.c[(unsigned)y % 6] = x;
            p.c[0] = 7;
            p.a += p.c[0] + p.c[(unsigned)x % 6];
            counter += p.a;
            return p.a + p.b + table[(unsigned)x & 7] + counter;
        }
        int arrays(unsigned int n) {
            int buf[8];
            for (int i = 0; i < 8; i++) buf[i] = i * n;
            int s = 0;
            for (int i = 0; i < 8; i++) s += buf[(i + n) & 7];
            return s;
        }
        "#,
        SEEDS,
    );
}

#[test]
fn inlining_of_static_functions() {
    let m = check_program(
        r#"
        static __attribute__((always_inline)) inline void bump(long *p, long v) { *p += v; }
        static long twice(long v) { return v * 2; }
        static __attribute__((noinline)) long kept(long v) { return v - 1; }
        long prog(long n) {
            long s = 0;
            for (long i = 0; i < (n & 15); i++) bump(&s, twice(i));
            return s + kept(s);
        }
        "#,
        SEEDS,
    );
    let names: Vec<&str> = m.functions.values().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["kept", "prog"]);
    assert_eq!(
        count_ops(&m, |op| matches!(op, Op::Load { .. } | Op::Store { .. })),
        0
    );
}

#[test]
fn helper_calls_keep_their_order_and_count() {
    check_program(
        r#"
        static long (*const helper1)(long a, long b) = (void *)1;
        static long (*const helper5)(long a) = (void *)5;
        long calls(long x) {
            long r = 0;
            long unused = helper5(x);
            for (int i = 0; i < 3; i++) {
                if (helper1(x, i) & 1) r += helper5(i);
            }
            return r;
        }
        "#,
        SEEDS,
    );
}

#[test]
fn lowering_of_dead_code_and_constant_conditions() {
    let m = check_program(
        r#"
        int consts(int x) {
            int a = 3, b = 4;
            if (a * b == 12) x += 1; else x -= 1;
            while (0) { x++; }
            if (sizeof(long) == 4) return 0;
            return x * (b - a);
        }
        "#,
        SEEDS,
    );
    // All the constant conditions are gone.
    assert_eq!(count_ops(&m, |op| matches!(op, Op::Brif { .. })), 0);
}
