//! Lowering tests from C source: preprocess, parse, check and lower a
//! snippet, verify the IR, then run its functions in the IR interpreter as
//! lowered and after the -O0 and -O2 pipelines, comparing with the values C
//! requires.

use super::lower;
use crate::diag::Diagnostics;
use crate::intern::Interner;
use crate::ir::interp::{self, Env, Memory, NoEnv, Trap};
use crate::ir::verify::{verify_function, verify_ssa};
use crate::ir::{print, Module};
use crate::preprocess::{self, PreprocessOptions};
use crate::sema::{self, SemaOptions};
use crate::source::SourceMap;

/// Lowers `src`; returns the module and the rendered diagnostics.
fn compile(src: &str) -> (Module, Diagnostics, String) {
    let mut sources = SourceMap::new();
    let file = sources.add("test.c", None, src.to_string());
    let mut interner = Interner::new();
    let mut diags = Diagnostics::new();
    let options = PreprocessOptions {
        cpu_version: 4,
        ..Default::default()
    };
    let pp = preprocess::preprocess(file, &options, &mut sources, &mut interner, &mut diags);
    let tu = crate::parse::parse(&pp.tokens, &mut interner, &mut diags);
    let program = sema::check(
        &tu,
        &mut interner,
        &SemaOptions { cpu_version: 4 },
        &mut diags,
    );
    if diags.has_errors() {
        panic!("front end errors:\n{}", diags.render(&sources));
    }
    let module = lower(&program, &interner, &mut diags);
    for f in module.functions.values() {
        if let Err(e) = verify_function(f).and_then(|_| verify_ssa(f)) {
            panic!("{e}\n{}", print::print_function(f));
        }
    }
    let rendered = diags.render(&sources);
    (module, diags, rendered)
}

fn compile_ok(src: &str) -> Module {
    let (m, diags, text) = compile(src);
    assert!(!diags.has_errors(), "{text}");
    m
}

fn run_in(m: &Module, name: &str, args: &[u64], env: &mut dyn Env) -> Result<u64, Trap> {
    let (id, _) = m
        .functions
        .iter()
        .find(|(_, f)| f.name == name)
        .unwrap_or_else(|| panic!("no function {name}"));
    interp::run(m, id, args, env).map(|r| r.unwrap_or(0))
}

/// Compiles once and checks `name(args) == expect` for each case, as lowered
/// and after -O0 and -O2.
fn check(src: &str, name: &str, cases: &[(&[u64], u64)]) {
    check_env(src, name, cases, &mut NoEnv)
}

fn check_env(src: &str, name: &str, cases: &[(&[u64], u64)], env: &mut dyn Env) {
    let m = compile_ok(src);
    let mut versions = vec![("as lowered", m.clone())];
    for level in [0u8, 2] {
        let mut o = m.clone();
        crate::passes::optimize(&mut o, level);
        versions.push((if level == 0 { "-O0" } else { "-O2" }, o));
    }
    for (what, module) in &versions {
        for (args, expect) in cases {
            let got = run_in(module, name, args, env).unwrap_or_else(|t| {
                panic!(
                    "{what}: {name}{args:?} trapped: {t:?}\n{}",
                    print::print_module(module)
                )
            });
            assert_eq!(
                got,
                *expect,
                "{what}: {name}{args:?}\n{}",
                print::print_module(module)
            );
        }
    }
}

fn s32(v: i32) -> u64 {
    v as u32 as u64
}

#[test]
fn smoke() {
    check(
        "int f(int a, int b) { return a * b + 1; }",
        "f",
        &[(&[6, 7], 43)],
    );
}

#[test]
fn integer_arithmetic_and_conversions() {
    let src = r#"
        int sdiv(int a, int b) { return a / b * 100 + a % b; }
        unsigned udiv(unsigned a, unsigned b) { return a / b * 100 + a % b; }
        int shr(int a, unsigned b) { return (a >> 3) + (int)(b >> 3); }
        long widen(int a, unsigned b) { return (long)a * 1000000 + b; }
        int narrow(long a) { return (int)a; }
        int chars(int x) { char c = x; unsigned char u = x; signed char s = x; return c * 1000000 + u * 1000 + s; }
        int shorts(int x) { short s = x; unsigned short u = x; return s + u; }
        int booleans(long x) { _Bool b = x; _Bool n = !x; return b * 10 + n; }
        unsigned long mixed(unsigned int a, long b) { return a + b; }
        int neg(int a) { return -a + ~a; }
        long lshift(long a, int n) { return a << n; }
        int cmp(int a, unsigned b) { return (a < 0) + ((unsigned)a < b) * 2 + (a == b) * 4; }
    "#;
    check(
        src,
        "sdiv",
        &[(&[s32(-7), 2], s32(-301)), (&[100, 7], 1402)],
    );
    check(
        src,
        "udiv",
        &[(
            &[s32(-7), 2],
            (0xffff_fff9u32 / 2).wrapping_mul(100).wrapping_add(1) as u64,
        )],
    );
    check(
        src,
        "shr",
        &[(&[s32(-64), 0xffff_fff8], s32(-8 + 0x1fff_ffff))],
    );
    check(
        src,
        "widen",
        &[(
            &[s32(-2), 0xffff_ffff],
            (-2_000_000i64 + 0xffff_ffff) as u64,
        )],
    );
    check(
        src,
        "narrow",
        &[(&[0x1_2345_6789], 0x2345_6789), (&[u64::MAX], s32(-1))],
    );
    check(
        src,
        "chars",
        &[
            (&[0x1ff], s32(-1_000_000 + 255_000 - 1)),
            (&[0x17f], s32(127_000_000 + 127_000 + 127)),
        ],
    );
    check(
        src,
        "shorts",
        &[
            (&[0x18000], s32(-32768 + 32768)),
            (&[0xffff], s32(-1 + 65535)),
        ],
    );
    check(src, "booleans", &[(&[1 << 33], 10), (&[0], 1)]);
    check(src, "mixed", &[(&[0xffff_ffff, u64::MAX], 0xffff_fffe)]);
    check(src, "neg", &[(&[5], s32(-5 + -6))]);
    check(src, "lshift", &[(&[3, 40], 3 << 40)]);
    check(
        src,
        "cmp",
        &[(&[s32(-1), 5], 1), (&[3, 5], 2), (&[5, 5], 4)],
    );
}

#[test]
fn control_flow() {
    let src = r#"
        int loops(int n) {
            int s = 1, i;
            for (i = 0; i < n; i++) {
                if (i % 2) continue;
                s += i;
                if (s > 50) break;
            }
            while (n > 0) { n -= 3; s++; }
            do { s *= 2; } while (s < 10);
            return s;
        }
        int gotos(int n) {
            int r = 0;
        again:
            r += n;
            if (--n > 0) goto again;
            return r;
        }
        int ternary(int a, int b) { return a > b ? a - b : b - a; }
        int logic(int a, int b) { int x = 0; if ((a && b) || (!a && (x = 7))) return 100 + x; return x; }
        int nested(int n) {
            int c = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    if (j > i) break;
                    c++;
                }
            return c;
        }
        int noret(int a) { if (a) return 5; }
    "#;
    let loops = |n: i32| {
        let mut s = 1i32;
        let mut i = 0;
        while i < n {
            if i % 2 == 0 {
                s += i;
                if s > 50 {
                    break;
                }
            }
            i += 1;
        }
        let mut n = n;
        while n > 0 {
            n -= 3;
            s += 1;
        }
        loop {
            s *= 2;
            if s >= 10 {
                break;
            }
        }
        s
    };
    check(
        src,
        "loops",
        &[
            (&[0], s32(loops(0))),
            (&[7], s32(loops(7))),
            (&[40], s32(loops(40))),
        ],
    );
    check(src, "gotos", &[(&[4], 10), (&[0], 0)]);
    check(src, "ternary", &[(&[3, 10], 7), (&[10, 3], 7)]);
    check(
        src,
        "logic",
        &[(&[1, 1], 100), (&[0, 0], 107), (&[1, 0], 0)],
    );
    check(src, "nested", &[(&[4], 10)]);
    check(src, "noret", &[(&[1], 5), (&[0], 0)]);
}

#[test]
fn switches() {
    let src = r#"
        int small(int x) {
            switch (x) {
            case 1: return 10;
            case 2:
            case 3: x += 100;
            case 4: return x;
            default: return -1;
            }
        }
        int big(unsigned x) {
            int r = 0;
            switch (x) {
            case 0: r = 1; break;
            case 10: r = 2; break;
            case 20 ... 29: r = 3; break;
            case 30: r = 4; break;
            case 40: r = 5; break;
            case 50: r = 6; break;
            case 60: r = 7; break;
            case 0xfffffff0u: r = 8; break;
            case 70: r = 9;
            }
            return r;
        }
        int signed_big(long x) {
            switch (x) {
            case -100: return 1; case -50: return 2; case -1: return 3; case 0: return 4;
            case 1: return 5; case 50: return 6; case 100: return 7; case 1L << 40: return 8;
            }
            return 0;
        }
    "#;
    check(
        src,
        "small",
        &[
            (&[1], 10),
            (&[2], 102),
            (&[3], 103),
            (&[4], 4),
            (&[5], s32(-1)),
        ],
    );
    let big = |x: u32| match x {
        0 => 1,
        10 => 2,
        20..=29 => 3,
        30 => 4,
        40 => 5,
        50 => 6,
        60 => 7,
        0xffff_fff0 => 8,
        70 => 9,
        _ => 0,
    };
    let xs: Vec<u32> = vec![
        0,
        1,
        10,
        19,
        20,
        25,
        29,
        30,
        40,
        50,
        60,
        70,
        71,
        0xffff_fff0,
        u32::MAX,
        0x8000_0000,
    ];
    let cases: Vec<([u64; 1], u64)> = xs.iter().map(|&x| ([x as u64], big(x))).collect();
    let cases: Vec<(&[u64], u64)> = cases.iter().map(|(a, e)| (&a[..], *e)).collect();
    check(src, "big", &cases);
    let sb = |x: i64| match x {
        -100 => 1,
        -50 => 2,
        -1 => 3,
        0 => 4,
        1 => 5,
        50 => 6,
        100 => 7,
        0x100_0000_0000 => 8,
        _ => 0,
    };
    let xs = [
        -100i64,
        -99,
        -50,
        -1,
        0,
        1,
        2,
        50,
        100,
        1 << 40,
        (1 << 40) + 1,
        i64::MIN,
    ];
    let cases: Vec<([u64; 1], u64)> = xs.iter().map(|&x| ([x as u64], sb(x))).collect();
    let cases: Vec<(&[u64], u64)> = cases.iter().map(|(a, e)| (&a[..], *e)).collect();
    check(src, "signed_big", &cases);
}

#[test]
fn structs_unions_arrays_and_bitfields() {
    let src = r#"
        struct inner { short a; char b; };
        struct s { int x; struct inner in; long y; unsigned f1 : 3, f2 : 7; int sf : 5; char arr[5]; };
        union u { unsigned int w; unsigned char b[4]; };
        static long sum(struct s *p) {
            return p->x + p->in.a + p->in.b + p->y + p->f1 * 1000 + p->f2 * 10000 + p->sf * 100000 + p->arr[4];
        }
        long init(int v) {
            struct s a = { .x = v, .in = { .a = -2, .b = 3 }, .y = 1L << 40, .f1 = 5, .f2 = 100, .sf = -3, .arr = "abcd" };
            struct s b;
            b = a;
            b.f1++;
            b.sf -= 10;
            b.arr[4] = 7;
            return sum(&b);
        }
        unsigned unions(unsigned v) { union u x; x.w = v; x.b[0] = 0xff; return x.w; }
        int arrays(int n) {
            int a[10] = {0};
            for (int i = 0; i < 10; i++) a[i] = i * n;
            int *p = a + 3, *q = &a[8];
            return (q - p) * 1000 + *(p + 1) + q[-1];
        }
        long bits(long v) { struct { unsigned long lo : 20, mid : 40, hi : 4; } b = {0}; b.mid = v; b.hi = 15; b.lo = v; return b.mid + b.lo + b.hi; }
    "#;
    let expect_init = |v: i64| {
        // sf: (-3 - 10) in a signed 5-bit field: -13.
        v - 2 + 3 + (1i64 << 40) + 6 * 1000 + 100 * 10000 + (-13) * 100000 + 7
    };
    check(
        src,
        "init",
        &[
            (&[5], expect_init(5) as u64),
            (&[s32(-9)], expect_init(-9) as u64),
        ],
    );
    check(src, "unions", &[(&[0x12345678], 0x123456ff)]);
    check(src, "arrays", &[(&[3], 5000 + 12 + 21)]);
    let bits = |v: u64| (v & ((1 << 40) - 1)) + (v & 0xfffff) + 15;
    check(
        src,
        "bits",
        &[
            (&[0x12_3456_789a], bits(0x12_3456_789a)),
            (&[u64::MAX], bits(u64::MAX)),
        ],
    );
}

#[test]
fn pointers_and_memory_builtins() {
    let src = r#"
        struct rec { int a, b, c; };
        long diff(long i, long j) { struct rec r[10]; struct rec *p = &r[i], *q = &r[j]; return p - q; }
        int inc(int *p) { return (*p)++ + ++*p; }
        int through(int v) { int x = v; return inc(&x) * 100 + x; }
        unsigned long copy(unsigned long v) {
            unsigned long a = v, b;
            unsigned char buf[16];
            __builtin_memset(buf, 0xab, sizeof(buf));
            __builtin_memcpy(&b, &a, sizeof(b));
            __builtin_memcpy(buf + 3, &b, 4);
            return b + buf[2] + ((unsigned long)buf[3] << 56) + buf[15];
        }
        long swaps(long v) { return __builtin_bswap16(v) + __builtin_bswap32(v) + __builtin_bswap64(v); }
    "#;
    check(src, "diff", &[(&[7, 2], 5), (&[1, 9], (-8i64) as u64)]);
    check(src, "through", &[(&[5], s32((5 + 7) * 100 + 7))]);
    let v: u64 = 0x1122_3344_5566_7788;
    check(src, "copy", &[(&[v], v + 0xab + (0x88u64 << 56) + 0xab)]);
    let sw =
        |v: u64| (v as u16).swap_bytes() as u64 + (v as u32).swap_bytes() as u64 + v.swap_bytes();
    check(src, "swaps", &[(&[v], sw(v))]);
}

#[test]
fn atomic_builtins_read_and_write_memory() {
    let src = r#"
        typedef unsigned long long u64;
        typedef unsigned int u32;
        u64 g;
        u32 g32 = 7;
        /* Loads around an atomic are not merged or forwarded across it. */
        u64 around(u64 *p, u64 v) { u64 a = *p; __sync_fetch_and_add(p, v); return *p - a; }
        /* A local updated atomically stays in memory: no store forwarding, no mem2reg. */
        u64 local(u64 v) { u64 c = 5; __sync_fetch_and_add(&c, v); __sync_fetch_and_sub(&c, 1); return c; }
        /* The store before an xchg is read by it; the result unused is still done. */
        u64 swap(u64 v) { u64 c = 1; u64 o = __sync_lock_test_and_set(&c, v); __sync_fetch_and_or(&c, 0x100); return o * 1000 + c; }
        static inline u32 bump(u32 *p, u32 by) { return __sync_add_and_fetch(p, by); }
        u32 inlined(u32 v) { u32 c = v; bump(&c, 2); u32 r = bump(&c, 3); return r * 10 + c; }
        u64 loop(u64 v) { u64 c = v; for (int i = 0; i < 4; i++) __sync_fetch_and_add(&c, i); return c; }
        u64 globals(u64 v) {
            g = v;
            __sync_fetch_and_xor(&g, 0xff);
            u64 old = __sync_fetch_and_and(&g, 0xf0f);
            __atomic_fetch_add(&g32, 1, __ATOMIC_RELAXED);
            return old * 100000 + g * 100 + g32;
        }
        u64 cas(u64 v, u64 expect) {
            u64 c = v, e = v;
            u64 old = __sync_val_compare_and_swap(&c, expect, 42);
            int ok = __atomic_compare_exchange_n(&c, &e, 7, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
            return old * 1000000 + c * 10000 + e * 10 + ok;
        }
        int bool_cas(u32 v) { u32 c = v; return __sync_bool_compare_and_swap(&c, 3, 4) * 10 + c; }
        long relaxed(long v) { long c; __atomic_store_n(&c, v, __ATOMIC_RELAXED); return __atomic_load_n(&c, __ATOMIC_RELAXED) + 1; }
        int sub_fetch(int v) { int c = v; int a = __sync_sub_and_fetch(&c, 5); int b = __sync_fetch_and_sub(&c, 1); return a * 100 + b + c; }
    "#;
    check(src, "local", &[(&[10], 14)]);
    check(src, "swap", &[(&[2], 1000 + 0x102)]);
    check(src, "inlined", &[(&[1], s32(6 * 10 + 6))]);
    check(src, "loop", &[(&[10], 16)]);
    check(
        src,
        "globals",
        &[(&[0x1234], 0x12cb * 100000 + 0x20b * 100 + 8)],
    );
    // Equal: swapped to 42, then the compare-exchange fails (e gets 42).
    check(src, "cas", &[(&[5, 5], 5 * 1000000 + 42 * 10000 + 42 * 10)]);
    // Different: no swap; the compare-exchange succeeds (e stays 5).
    check(
        src,
        "cas",
        &[(&[5, 6], 5 * 1000000 + 7 * 10000 + 5 * 10 + 1)],
    );
    check(src, "bool_cas", &[(&[3], s32(14)), (&[2], s32(2))]);
    check(src, "relaxed", &[(&[41], 42)]);
    check(src, "sub_fetch", &[(&[20], s32(15 * 100 + 15 + 14))]);
    let m = compile_ok(src);
    let (id, _) = m
        .functions
        .iter()
        .find(|(_, f)| f.name == "around")
        .unwrap();
    for level in [0u8, 2] {
        let mut o = m.clone();
        crate::passes::optimize(&mut o, level);
        let mut machine = interp::Machine::new(&o);
        let p = machine.memory.alloc(8);
        machine
            .memory
            .store(p, crate::ir::MemWidth::B8, 100)
            .unwrap();
        let r = machine.call(id, &[p, 9], &mut NoEnv).unwrap();
        assert_eq!(r, Some(9), "-O{level}\n{}", print::print_module(&o));
        assert_eq!(
            machine.memory.load(p, crate::ir::MemWidth::B8).unwrap(),
            109
        );
    }
}

/// `__builtin_constant_p` of an `always_inline` function's parameter is
/// decided after inlining (libbpf's `bpf_tail_call_static` relies on it).
#[test]
fn constant_p_of_inlined_parameters() {
    let src = r#"
        static inline __attribute__((always_inline)) int k(int x) { return __builtin_constant_p(x) ? 100 : x; }
        int with_constant(int v) { return k(7) + v; }
        int with_variable(int v) { return k(v); }
    "#;
    let m = compile_ok(src);
    for level in [0u8, 2] {
        let mut o = m.clone();
        crate::passes::optimize(&mut o, level);
        let text = print::print_module(&o);
        assert!(!text.contains("is_constant"), "-O{level}: resolved\n{text}");
        assert_eq!(
            run_in(&o, "with_constant", &[1], &mut NoEnv),
            Ok(101),
            "{text}"
        );
        assert_eq!(
            run_in(&o, "with_variable", &[5], &mut NoEnv),
            Ok(5),
            "{text}"
        );
    }
}

#[test]
fn globals_strings_and_statement_expressions() {
    let src = r#"
        int counter = 7;
        static int hits;
        static const char msg[] = "hey";
        const volatile int cfg = 3;
        char LICENSE[] __attribute__((section("license"))) = "GPL";
        static int unused_global = 1;
        static int unused_fn(void) { return unused_global; }
        int *ptr = &counter;
        int bump(int by) {
            counter += by;
            hits++;
            int r = ({ int t = counter; t * 2; });
            return r + hits + msg[1] + cfg + (ptr != 0);
        }
        int strings(int i) { const char *s = "hello"; return s[i]; }
    "#;
    let m = compile_ok(src);
    let data: Vec<(&str, &str)> = m
        .data
        .values()
        .map(|d| (d.name.as_str(), d.section.as_str()))
        .collect();
    assert!(data.contains(&("counter", ".data")), "{data:?}");
    assert!(data.contains(&("hits", ".bss")), "{data:?}");
    assert!(data.contains(&("msg", ".rodata")), "{data:?}");
    assert!(data.contains(&("cfg", ".rodata")), "{data:?}");
    assert!(data.contains(&("LICENSE", "license")), "{data:?}");
    assert!(data.contains(&("ptr", ".data")), "{data:?}");
    assert!(!data.iter().any(|d| d.0 == "unused_global"), "{data:?}");
    assert!(!m.functions.values().any(|f| f.name == "unused_fn"));
    let ptr = m.data.values().find(|d| d.name == "ptr").unwrap();
    assert_eq!(ptr.relocs.len(), 1);
    // (The interpreter does not apply data relocations: `ptr` reads as null.)
    check(src, "bump", &[(&[3], 20 + 1 + b'e' as u64 + 3)]);
    check(src, "strings", &[(&[1], b'e' as u64), (&[4], b'o' as u64)]);
}

/// libbpf's helper declarations: a constant function pointer is `call N`.
#[test]
fn helper_calls() {
    let src = r#"
        static long (*bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;
        static long (*bpf_get_smp_processor_id)(void) = (void *) 8;
        struct { int x; } map __attribute__((section(".maps")));
        __attribute__((section("xdp"))) int prog(void *ctx) {
            int key = bpf_get_smp_processor_id();
            long v = bpf_map_lookup_elem(&map, &key);
            return v ? (int)v : 0;
        }
    "#;
    let m = compile_ok(src);
    assert!(m.data.values().all(|d| !d.name.starts_with("bpf_")));
    assert_eq!(m.functions.values().next().unwrap().section, "xdp");
    let mut env = interp::HelperEnv {
        helper: |id: i64, args: &[u64], mem: &mut Memory| match id {
            8 => Ok(3),
            1 => {
                let key = mem.load(args[1], crate::ir::MemWidth::B4)?;
                Ok(key * 11)
            }
            _ => Err(Trap::UnknownHelper(id)),
        },
        packet: vec![],
    };
    check_env(src, "prog", &[(&[0], 33)], &mut env);
}

#[test]
fn asm_goto_ends_its_block_with_the_labels_as_successors() {
    let m = compile_ok(
        "int f(int a) { asm goto(\"if %[a] > 3 goto %l[out]\" :: [a]\"r\"(a) :: out); return 0; out: return 1; }",
    );
    let f = m.functions.values().next().unwrap();
    let text = print::print_function(f);
    assert!(
        text.contains("asm_goto \"if %[a] > 3 goto %l[out]\" ([a]r v"),
        "{text}"
    );
    let (_, diags, text) = compile(
        "int f(void) { int x; asm goto(\"goto %l[out]\" : \"=r\"(x) ::: out); return x; out: return 1; }",
    );
    assert!(diags.has_errors());
    assert!(
        text.contains("test.c:1:53: `asm goto` with outputs is not supported yet"),
        "{text}"
    );
}

#[test]
fn inline_asm_operands_become_one_instruction() {
    let m = compile_ok(
        "long f(long a) { long x; asm volatile(\"%[x] = %[a]; %[x] += %[k]\" \
         : [x]\"=r\"(x) : [a]\"r\"(a), [k]\"i\"(3) : \"r1\", \"memory\"); return x; }",
    );
    let f = m.functions.values().next().unwrap();
    let text = print::print_function(f);
    assert!(
        text.contains("inline_asm \"%[x] = %[a]; %[x] += %[k]\" ([x]=r, [a]r v"),
        "{text}"
    );
    assert!(text.contains("clobbers r0-r5"), "{text}");
    // The interpreter runs no BPF code: it reports the asm.
    assert!(run_in(&m, "f", &[1], &mut NoEnv).is_err());
}

#[test]
fn unsupported_asm_constraints_are_reported() {
    let (_, diags, text) = compile("int f(int a) { asm volatile(\"\" : : \"x\"(a)); return 0; }");
    assert!(diags.has_errors());
    assert!(
        text.contains("unsupported asm input constraint \"x\""),
        "{text}"
    );
}

#[test]
fn later_asm_outputs_are_projections_of_the_asm() {
    let m = compile_ok(
        "int f(void) { int a, b; asm(\"%0 = 1; %1 = 2\" : \"=r\"(a), \"=&r\"(b)); return a + b; }",
    );
    let text = print::print_function(m.functions.values().next().unwrap());
    assert!(text.contains("asm_output v"), "{text}");
}

/// The selftests' BPF programs through the whole front end and lowering:
/// counts files that lower cleanly, lowering diagnostics by message, and
/// panics (lowering, verification or the -O2 passes). `LOWER_ONLY=name`
/// restricts the run to matching files.
#[test]
#[ignore]
fn corpus_selftests() {
    use std::collections::BTreeMap;
    use std::panic::{catch_unwind, AssertUnwindSafe};
    let Some((opts, files)) = crate::reference_sources::selftests_corpus("bpfcc-lower-inc") else {
        println!("SKIP: linux-source-6.12 is not unpacked (cargo xtask refs)");
        return;
    };
    let only = std::env::var("LOWER_ONLY").ok();
    let (mut clean, mut front_fail, mut diag_fail, mut panics) = (0, 0, 0, 0);
    let mut msgs: BTreeMap<String, usize> = BTreeMap::new();
    for f in &files {
        if only
            .as_ref()
            .is_some_and(|o| !f.to_string_lossy().contains(o.as_str()))
        {
            continue;
        }
        let mut sources = SourceMap::new();
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let file = sources.add(f.display().to_string(), Some(f.clone()), text);
        let mut interner = Interner::new();
        let mut diags = Diagnostics::new();
        let pp = preprocess::preprocess(file, &opts, &mut sources, &mut interner, &mut diags);
        let tu = crate::parse::parse(&pp.tokens, &mut interner, &mut diags);
        let program = sema::check(
            &tu,
            &mut interner,
            &SemaOptions { cpu_version: 3 },
            &mut diags,
        );
        if diags.has_errors() {
            front_fail += 1;
            continue;
        }
        let result = catch_unwind(AssertUnwindSafe(|| {
            let mut m = lower(&program, &interner, &mut diags);
            for func in m.functions.values() {
                if let Err(e) = verify_function(func).and_then(|_| verify_ssa(func)) {
                    panic!("invalid IR: {e}");
                }
            }
            if !diags.has_errors() {
                crate::passes::optimize(&mut m, 2);
            }
        }));
        if result.is_err() {
            panics += 1;
            println!("PANIC {}", f.display());
            continue;
        }
        if diags.has_errors() {
            diag_fail += 1;
            let first = diags
                .list
                .iter()
                .find(|d| d.severity == crate::diag::Severity::Error)
                .unwrap();
            let place = first.span.map(|s| sources.describe(s)).unwrap_or_default();
            println!("LOWER {place}: {}", first.message);
            *msgs.entry(first.message.clone()).or_default() += 1;
        } else {
            clean += 1;
        }
    }
    let mut v: Vec<_> = msgs.into_iter().collect();
    v.sort_by_key(|b| std::cmp::Reverse(b.1));
    for (m, n) in &v {
        println!("{n:4}  {m}");
    }
    println!(
        "selftests: {} files, {front_fail} front-end failures, {clean} lower cleanly, {diag_fail} with lowering errors, {panics} panics",
        files.len()
    );
}

/// Structs of at most 16 bytes travel in one or two registers, as clang
/// passes them; passing larger ones is refused.
#[test]
fn struct_arguments() {
    let src = r#"
        struct small { short a; char b; };
        struct two { int a; int c; long b; };
        static __attribute__((noinline)) int take(struct small s, int k, struct two t) {
            return s.a * 1000 + s.b * 100 + k + t.a + t.b + t.c;
        }
        int call(int x) { struct small s = { -3, 7 }; struct two t = { x, 5, 1L << 33 }; return take(s, 2, t); }
    "#;
    let m = compile_ok(src);
    let take = m.functions.values().find(|f| f.name == "take").unwrap();
    use crate::ir::Type::*;
    assert_eq!(take.params, vec![I64, I32, I64, I64]);
    check(
        src,
        "call",
        &[(&[10], s32((-3000 + 700 + 2 + 10 + 5 + (1i64 << 33)) as i32))],
    );
    let (m, diags, text) = compile(
        "struct big { long a, b, c; };
         long f(struct big b) { return b.a + b.c; }
         long g(struct big *p) { return f(*p); }",
    );
    // The callee compiles (it reads the caller's copy); the call is refused.
    assert_eq!(diags.error_count(), 1, "{text}");
    assert!(
        text.contains("test.c:3:43: passing a struct or union larger than 16 bytes"),
        "{text}"
    );
    let f = m.functions.values().find(|f| f.name == "f").unwrap();
    assert_eq!(f.params, vec![I64]);
}

/// `always_inline` functions and static functions with more than five
/// argument registers (BPF_PROG's inner functions) are lowered in place and
/// not emitted; their locals, labels, loops and returns stay their own.
#[test]
fn inlining_at_calls() {
    let src = r#"
        static inline __attribute__((always_inline)) int clamp(int v, int lo, int hi) {
            if (v < lo) return lo;
            int r = v;
            for (int i = 0; i < 3; i++) { if (r > hi) { r = hi; break; } }
            return r;
        }
        static __attribute__((always_inline)) int six(int a, int b, int c, int d, int e, int f) {
            switch (a) { case 1: goto out; default: break; }
            return a + b * 2 + c * 3 + d * 4 + e * 5 + f * 6;
        out:
            return -1;
        }
        static __attribute__((always_inline)) void nothing(int *p) { *p += 1; }
        int outer(int x) {
            int k = 10;
            nothing(&k);
            for (int i = 0; i < 2; i++) k += clamp(x, 0, 100);
            return k + six(x, 1, 2, 3, 4, 5) * 1000;
        }
    "#;
    let m = compile_ok(src);
    let names: Vec<&str> = m.functions.values().map(|f| f.name.as_str()).collect();
    assert_eq!(names, vec!["outer"]);
    let expect = |x: i32| {
        let c = x.clamp(0, 100);
        let six = if x == 1 { -1 } else { x + 2 + 6 + 12 + 20 + 30 };
        11 + 2 * c + six * 1000
    };
    check(
        src,
        "outer",
        &[
            (&[5], s32(expect(5))),
            (&[1], s32(expect(1))),
            (&[s32(-4)], s32(expect(-4))),
            (&[500], s32(expect(500))),
        ],
    );
}

/// A static function returning a struct is inlined, the struct returned
/// through a temporary (bpf_experimental.h's guard constructors).
#[test]
fn inlined_struct_return() {
    let src = r#"
        struct pair { int a; long b; };
        static inline struct pair make(int x) {
            struct pair p = { x, 2L * x };
            if (x < 0) { struct pair z = { 0, -1 }; return z; }
            return p;
        }
        long use(int x) { struct pair p = make(x); make(1); return p.b * 10 + p.a + make(x + 1).a * 1000; }
    "#;
    let m = compile_ok(src);
    assert_eq!(m.functions.len(), 1);
    let expect = |x: i64| {
        let mk = |x: i64| if x < 0 { (0, -1) } else { (x, 2 * x) };
        let (a, b) = mk(x);
        b * 10 + a + mk(x + 1).0 * 1000
    };
    check(
        src,
        "use",
        &[
            (&[4], expect(4) as u64),
            (&[s32(-5)], expect(-5) as u64),
            (&[s32(-1)], expect(-1) as u64),
        ],
    );
}

/// Members of packed structs are accessed in aligned pieces: the verifier
/// refuses misaligned stack, context and packet accesses.
#[test]
fn packed_members_use_aligned_pieces() {
    let src = r#"
        struct __attribute__((packed)) wire { unsigned char kind; unsigned int value; short port; long big; };
        long f(long v) {
            struct wire w;
            w.kind = 1;
            w.value = v;
            w.port = v >> 8;
            w.big = v * 3;
            return w.value + w.port + w.kind + w.big;
        }
    "#;
    let m = compile_ok(src);
    use crate::ir::Op;
    let f = m.functions.values().next().unwrap();
    let w = f
        .slots
        .iter()
        .find(|(_, d)| d.name.as_deref() == Some("w"))
        .unwrap()
        .0;
    for inst in f.insts.values() {
        if let Op::Load { addr, width, .. } | Op::Store { addr, width, .. } = inst.op {
            let on_w = f
                .def_inst(addr)
                .is_some_and(|i| matches!(f.insts[i].op, Op::StackAddr { slot, .. } if slot == w));
            if on_w {
                assert_eq!(
                    width,
                    crate::ir::MemWidth::B1,
                    "{}",
                    print::print_function(f)
                );
            }
        }
    }
    let v: i64 = 0x1234_5678_9abc;
    let expect = (v as u32) as i64 + (v >> 8) as i16 as i64 + 1 + v * 3;
    check(
        src,
        "f",
        &[
            (&[v as u64], expect as u64),
            (&[u64::MAX], (u32::MAX as i64 - 1 + 1 - 3) as u64),
        ],
    );
}

/// Constant offsets from a pointer stay in the access (`load [ctx+12]`),
/// never in a pointer computed first: the verifier refuses
/// "dereference of modified ctx ptr".
#[test]
fn context_fields_use_base_plus_offset() {
    let src = r#"
        struct ctx { int a; int b; long r[4]; unsigned short s[4]; };
        int f(struct ctx *c) { c->r[2] = c->a + c->s[3] + ((unsigned char *)c)[4]; return (&c->r[1])[1]; }
    "#;
    let m = compile_ok(src);
    use crate::ir::Op;
    let f = m.functions.values().next().unwrap();
    for inst in f.insts.values() {
        if let Op::Binary(..) = inst.op {
            let uses_ctx = inst.op.args().iter().any(|&a| {
                f.def_inst(a).is_some_and(|i| {
                    matches!(
                        f.insts[i].op,
                        Op::Load {
                            offset: 0,
                            width: crate::ir::MemWidth::B8,
                            ..
                        }
                    )
                })
            });
            assert!(!uses_ctx, "{}", print::print_function(f));
        }
    }
    let text = print::print_function(f);
    for access in ["+46]", "+4]", "+24]"] {
        assert!(text.contains(access), "{access}: {text}");
    }
}

/// A volatile local keeps its slot through mem2reg: its accesses stay.
#[test]
fn volatile_locals_stay_in_memory() {
    let src = "int f(int x) { volatile int v = x; v += 1; return v; }";
    let mut m = compile_ok(src);
    crate::passes::optimize(&mut m, 2);
    let text = print::print_module(&m);
    assert!(text.contains("store.volatile32"), "{text}");
    assert!(text.contains("load.volatile32"), "{text}");
    check(src, "f", &[(&[41], 42)]);
}

/// Resolves the addresses of extern functions as libbpf would (present
/// kfuncs at some kernel address, missing weak ones at 0) and implements
/// `here(x) = x + 4` and `strong() = 0`.
struct KsymEnv {
    present: &'static [&'static str],
}

impl Env for KsymEnv {
    fn kfunc_addr(&mut self, name: &str) -> Result<u64, Trap> {
        Ok(if self.present.contains(&name) {
            0xffff_ffff_8100_0000
        } else {
            0
        })
    }

    fn call_kfunc(&mut self, name: &str, args: &[u64], _: &mut Memory) -> Result<u64, Trap> {
        match name {
            "here" => Ok(args[0] + 4),
            "strong" => Ok(0),
            _ => Err(Trap::UnknownKfunc(name.to_string())),
        }
    }
}

/// `bpf_ksym_exists(kfunc)`: the address of an extern function is a symbol
/// address, null when a weak kfunc is missing; weak-ness reaches the module.
#[test]
fn extern_function_addresses() {
    let src = r#"
        extern int here(int) __attribute__((section(".ksyms"), weak));
        extern void gone(void) __attribute__((section(".ksyms"), weak));
        extern void strong(void) __attribute__((section(".ksyms")));
        int f(void) {
            int r = 0;
            if (!!here) r += here(1);
            if (!!gone) r += 10;
            strong();
            return r + (gone ? 100 : 1000);
        }
    "#;
    let m = compile_ok(src);
    assert_eq!(m.extern_functions, ["here", "gone", "strong"]);
    let weak: Vec<&str> = m.weak_extern_functions.iter().map(String::as_str).collect();
    assert_eq!(weak, ["gone", "here"]);
    assert_eq!(
        m.extern_function_linkage("strong"),
        crate::ir::Linkage::Global
    );
    assert_eq!(m.extern_function_linkage("gone"), crate::ir::Linkage::Weak);
    let text = print::print_module(&m);
    assert!(text.contains("symbol_addr extern here+0"), "{text}");
    assert!(text.contains("symbol_addr extern gone+0"), "{text}");

    let present = &mut KsymEnv {
        present: &["here", "strong"],
    };
    check_env(src, "f", &[(&[], 1005)], present);
    let all = &mut KsymEnv {
        present: &["here", "gone", "strong"],
    };
    check_env(src, "f", &[(&[], 115)], all);
}

/// A `kernel_helper` function has no symbol: taking its address is an error
/// with a location, not a panic or a null constant.
#[test]
fn helper_address_is_an_error() {
    let src = r#"
        long helper(void) __attribute__((kernel_helper(7)));
        long f(void) { return (long)&helper; }
    "#;
    let (_, diags, text) = compile(src);
    assert!(diags.has_errors(), "{text}");
    assert!(text.contains("test.c:3:"), "{text}");
    assert!(text.contains("kernel_helper"), "{text}");
}

/// `__imm_insn`: a compound literal of constant fields read as a `long`
/// becomes the constant (here `r1 = 0x12345678 ll`'s first slot).
#[test]
fn imm_insn_compound_literal_is_a_constant() {
    let m = compile_ok(
        "struct insn { unsigned char code; unsigned char dst:4, src:4; short off; int imm; };\n\
         void f(void) { asm volatile(\".8byte %[i]\" :: [i]\"i\"(*(long *)&((struct insn){0x18, 1, 2, -1, 0x12345678}))); }",
    );
    let f = m.functions.values().next().unwrap();
    let text = print::print_function(f);
    let expected = 0x1234_5678_ffff_2118u64 as i64;
    assert!(text.contains(&format!("iconst {expected}")), "{text}");
}
