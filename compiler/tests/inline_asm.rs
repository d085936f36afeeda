//! Inline asm against clang-19: each program below is built by bpfcc (through
//! the library API) and by clang-19, both objects are loaded with `bpftool
//! prog loadall` (the verifier must accept bpfcc's), and every `syscall`
//! program is run with BPF_PROG_TEST_RUN: bpfcc's build must return what
//! clang's does.
//!
//! Tools or privileges missing: the test prints `SKIP: <why>` and passes.

use std::path::{Path, PathBuf};
use std::process::Command;

mod support;
use support::{arch_include, can_load, have, load, pinned_names, run, test_run_syscall, unpin};

/// `(name, source)`: syscall programs whose results depend on the asm.
const PROGRAMS: &[(&str, &str)] = &[
    (
        "operands",
        r#"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
int counter = 5;
SEC("syscall")
int outputs_and_inputs(void *ctx)
{
	long x, y = 3, a;
	asm volatile("" ::: "memory");
	asm volatile("%[x] = 5" : [x]"=r"(x));
	asm volatile("%[y] += %[x]" : [y]"+r"(y) : [x]"r"(x));
	asm volatile("%0 *= %1" : "+r"(y) : "i"(10));
	asm volatile("%[a] = %[g] ll; %[a] = *(u32 *)(%[a] + 0)" : [a]"=r"(a) : [g]"i"(&counter));
	return y + a;
}
SEC("syscall")
int store_through_asm(void *ctx)
{
	long v = 17;
	asm volatile("r1 = %[g] ll; *(u32 *)(r1 + 0) = %[v]"
		     :: [g]"i"(&counter), [v]"r"(v) : "r1", "memory");
	return counter * 2;
}
SEC("syscall")
int narrow_operands(void *ctx)
{
	/* 32-bit operands are `wN` with ALU32: the upper half is cleared. */
	int a = -5, x;
	asm volatile("%[x] = %[a]; %[x] += 7" : [x]"=r"(x) : [a]"r"(a));
	return x;
}
SEC("syscall")
int memory_operands(void *ctx)
{
	/* "m": the template reads `(rN + 0)`, the object's address. */
	struct { long a, b; } s = { 40, 2 };
	long r;
	asm volatile("%[r] = *(u64 *)%[a]; r1 = *(u64 *)%2; %[r] += r1"
		     : [r]"=r"(r) : [a]"m"(s.a), "m"(s.b) : "r1");
	return r;
}
SEC("syscall")
int tied_operands(void *ctx)
{
	/* "0": the input arrives in the output's register (libbpf 1.1's
	 * barrier_var), referenced by number or by name. */
	__u32 i = 6;
	long a = 5, b;
	asm volatile("" : "=r"(i) : "0"(i));
	asm volatile("%0 += 10; %[in] *= 2" : "=r"(b) : [in]"0"(a));
	return i * 1000 + b;
}
struct counter { long n; };
SEC("syscall")
int address_operand(void *ctx)
{
	/* "p": the pointer in a register, read through by the asm. */
	struct counter c = { 41 };
	struct counter *pc = &c;
	long r;
	asm volatile("%[r] = *(u64 *)(%[pc] + 0); %[r] += 1" : [r]"=r"(r) : [pc]"p"(pc) : "memory");
	return r;
}
struct insn {
	unsigned char code;
	unsigned char dst_reg:4;
	unsigned char src_reg:4;
	short off;
	int imm;
};
struct pair { int a, b; };
SEC("syscall")
int instruction_operand(void *ctx)
{
	/* The selftests' __imm_insn: an instruction built as a compound
	 * literal (bitfields, an offsetof written as `&((T *)0)->m`), read
	 * as a constant: `*(u32 *)(r1 + 4) = 42`. */
	struct pair p = { 1, 2 };
	asm volatile("r1 = %[p]; .8byte %[st]"
		     :: [p]"r"(&p),
		        [st]"i"(*(long *)&((struct insn){ .code = 0x62, .dst_reg = 1,
				.off = (long)&((struct pair *)0)->b, .imm = 42 }))
		     : "r1", "memory");
	return p.a * 100 + p.b;
}
char _license[] SEC("license") = "GPL";
"#,
    ),
    (
        "naked",
        r#"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#define __naked __attribute__((naked))
#define __imm(name) [name]"i"(name)
#define __imm_addr(name) [name]"i"(&name)
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, int);
	__type(value, long);
} arr SEC(".maps");
SEC("syscall")
__naked int naked_lookup(void)
{
	asm volatile ("					\
	r1 = 1;						\
	*(u32*)(r10 - 4) = r1;				\
	r2 = r10;					\
	r2 += -4;					\
	r1 = %[arr] ll;					\
	call %[bpf_map_lookup_elem];			\
	if r0 == 0 goto l0_%=;				\
	r1 = 40;					\
	*(u64*)(r0 + 0) = r1;				\
	r0 = 42;					\
	exit;						\
l0_%=:	r0 = 7;						\
	exit;						\
"	:
	: __imm(bpf_map_lookup_elem),
	  __imm_addr(arr)
	: "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "memory");
}
/* A subprogram only inline asm calls (`call triple`, as the selftests'
 * verifier programs do): a `.text` call relocation, as clang writes it. */
static __attribute__((noinline, used)) int triple(int x)
{
	return x * 3;
}
SEC("syscall")
__naked int call_subprog_in_asm(void)
{
	asm volatile ("					\
	r1 = 14;					\
	call triple;					\
	exit;						\
"	::: "memory");
}
/* Clobbered r6-r9: values live across the asm stay out of them, and so
 * does an input (as clang: `vals` goes to another register). */
volatile long seed = 3;
long vals[2] = { 5, 6 };
SEC("syscall")
int clobbers_callee_saved(void *ctx)
{
	long a = seed, b = a + 100, c = a * 3, d = a ^ 5, e = a + 9;
	asm volatile ("r6 = 1; r7 = 2; r8 = 3; r9 = 4;" ::: "r6", "r7", "r8", "r9");
	return a + b * 2 + c * 3 + d * 4 + e * 5;
}
SEC("syscall")
__naked int naked_input_beside_clobber(void)
{
	asm volatile ("					\
	r6 = 1;						\
	r0 = *(u64 *)(%[vals] + 8);			\
	r0 += r6;					\
	exit;						\
"	:: [vals]"r"(vals) : "r6");
}
SEC("syscall")
int call_in_asm(void *ctx)
{
	long kept = 1000, found;
	/* r0-r5 are clobbered: `kept` must live in r6-r9 across the asm. */
	asm volatile ("					\
	r1 = 1;						\
	*(u32*)(r10 - 8) = r1;				\
	r2 = r10;					\
	r2 += -8;					\
	r1 = %[arr] ll;					\
	call %[bpf_map_lookup_elem];			\
	%[found] = r0;					\
"	: [found]"=r"(found)
	: __imm(bpf_map_lookup_elem), __imm_addr(arr)
	: "r0", "r1", "r2", "r3", "r4", "r5", "memory");
	if (!found)
		return 1;
	return kept + *(long *)found;
}
char _license[] SEC("license") = "GPL";
"#,
    ),
];

/// A scratch directory per test, removed first.
fn scratch(name: &str) -> PathBuf {
    support::scratch_in("inline-asm", name)
}

/// Compiles `src` with bpfcc's library API into `<dir>/bpfcc/<name>.o`.
fn bpfcc(name: &str, src: &Path, dir: &Path) -> Result<PathBuf, String> {
    let out_dir = dir.join("bpfcc");
    std::fs::create_dir_all(&out_dir).unwrap();
    let obj = out_dir.join(format!("{name}.o"));
    let mut options = bpfcc::driver::Options {
        opt_level: 2,
        debug_info: true,
        ..Default::default()
    };
    options.preprocess.opt_level = 2;
    let arch = arch_include();
    options
        .preprocess
        .include_dirs
        .push(PathBuf::from(arch.trim_start_matches("-I")));
    let out = bpfcc::driver::compile(bpfcc::driver::Input::File(src.to_path_buf()), &options);
    if out.failed() {
        return Err(format!("bpfcc {name}:\n{}", out.render_diagnostics()));
    }
    std::fs::write(&obj, out.output.unwrap_or_default()).unwrap();
    Ok(obj)
}

fn clang(name: &str, src: &Path, dir: &Path) -> Result<PathBuf, String> {
    let out_dir = dir.join("clang");
    std::fs::create_dir_all(&out_dir).unwrap();
    let obj = out_dir.join(format!("{name}.o"));
    run(Command::new("clang-19")
        .args(["-O2", "-g", "--target=bpf", &arch_include(), "-c"])
        .arg(src)
        .arg("-o")
        .arg(&obj))?;
    Ok(obj)
}

#[test]
fn inline_asm_programs_run_like_clang() {
    if let Err(why) = can_load() {
        println!("SKIP: {why}");
        return;
    }
    if !have("clang-19") {
        println!("SKIP: clang-19 is not installed");
        return;
    }
    let dir = scratch("run");
    let mut failures = Vec::new();
    let mut ran = 0;
    for (name, source) in PROGRAMS {
        let src = dir.join(format!("{name}.c"));
        std::fs::write(&src, source).unwrap();
        let (ours, theirs) = match (bpfcc(name, &src, &dir), clang(name, &src, &dir)) {
            (Ok(a), Ok(b)) => (a, b),
            (a, b) => {
                failures.push(format!("{name}: {:?} {:?}", a.err(), b.err()));
                continue;
            }
        };
        let pid = std::process::id();
        let pin_ours = Path::new("/sys/fs/bpf").join(format!("bpfcc-inline-asm-{pid}-{name}"));
        let pin_theirs =
            Path::new("/sys/fs/bpf").join(format!("bpfcc-inline-asm-clang-{pid}-{name}"));
        unpin(&pin_ours);
        unpin(&pin_theirs);
        match (load(&ours, &pin_ours), load(&theirs, &pin_theirs)) {
            (Ok(()), Ok(())) => {
                let progs = pinned_names(&pin_ours.join("progs"));
                assert_eq!(progs, pinned_names(&pin_theirs.join("progs")));
                for p in &progs {
                    let a = test_run_syscall(&pin_ours.join("progs").join(p));
                    let b = test_run_syscall(&pin_theirs.join("progs").join(p));
                    match (a, b) {
                        (Ok(a), Ok(b)) if a == b => ran += 1,
                        (a, b) => failures.push(format!("{name}/{p}: bpfcc {a:?}, clang {b:?}")),
                    }
                }
            }
            (a, b) => failures.push(format!("{name}: load: bpfcc {a:?}, clang {b:?}")),
        }
        unpin(&pin_ours);
        unpin(&pin_theirs);
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(ran, 12, "every program ran");
}

/// Errors in asm are reported at their place, never as a panic or wrong code.
#[test]
fn inline_asm_errors_are_diagnosed() {
    let compile = |text: &str| {
        let options = bpfcc::driver::Options {
            opt_level: 2,
            ..Default::default()
        };
        let input = bpfcc::driver::Input::Source {
            name: "bad.c".into(),
            text: text.into(),
        };
        let out = bpfcc::driver::compile(input, &options);
        assert!(out.failed(), "{text}");
        out.render_diagnostics()
    };
    let text = compile(
        "long f(long a) { long x; asm(\"%[x] = %[a]\" : [x]\"=r\"(x) : [a]\"i\"(a)); return x; }",
    );
    assert!(
        text.contains("\"i\" asm operand `a` must be a constant or the address of a global"),
        "{text}"
    );
    // "m" takes an object: not a value, not a bit-field (clang's columns).
    let text = compile(
        "long f(long x) { long r; asm(\"%0 = *(u64 *)%1\" : \"=r\"(r) : \"m\"(x + 1)); return r; }",
    );
    assert!(
        text.contains("bad.c:1:64: this expression does not designate an object"),
        "{text}"
    );
    let text = compile("long f(long a) { long r; asm(\"\" : \"=r\"(r) : \"1\"(a)); return r; }");
    assert!(
        text.contains("bad.c:1:49: asm input constraint \"1\" names no output"),
        "{text}"
    );
    // Columns stay exact after escapes and across concatenated literals
    // (clang points at the line's start; bpfcc at the offending operand).
    let text = compile(
        "int f(int a) {\n\tasm volatile(\"r0 = 1;\\n\\tr2 += w3;\" ::: \"r0\", \"r2\");\n\
         \tasm volatile(\"r0 = 1;\"\n\t\t\"\\tr1 = 2;\\n\"\n\t\t\"r2 += w3;\" ::: \"r0\", \"r1\", \"r2\");\n\
         \treturn a;\n}\n",
    );
    assert!(
        text.contains("bad.c:2:33: `r` and `w` registers mixed in one instruction"),
        "{text}"
    );
    assert!(
        text.contains("bad.c:5:10: `r` and `w` registers mixed in one instruction"),
        "{text}"
    );
    // Text after a rewritten "m" reference keeps its column.
    let text = compile(
        "long f(long x) { long r; asm(\"%0 = *(u64 *)%1; %0 += r11\" : \"=r\"(r) : \"m\"(x)); return r; }",
    );
    assert!(text.contains("bad.c:1:54: expected an immediate"), "{text}");
    let text = compile(
        "struct b { int a:3, c:5; } v;\nlong f(void) { long r; asm(\"%0 = *(u64 *)%1\" : \"=r\"(r) : \"m\"(v.c)); return r; }",
    );
    assert!(
        text.contains("bad.c:2:62: a bit-field cannot be an asm memory (\"m\") operand"),
        "{text}"
    );
    let text = compile(
        "int f(void)\n{\n\tasm volatile(\"r0 = 1;\\n\"\n\t\t\"r0 = frob;\");\n\treturn 0;\n}\n",
    );
    assert!(
        text.contains("bad.c:4:"),
        "the error is on the template's second line:\n{text}"
    );
}
