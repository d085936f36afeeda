//! CO-RE relocations (`.BTF.ext` core_relo records), against clang-19.
//!
//! - The programs of `testsuite/core/` compiled by bpfcc and by clang-19
//!   (`-O2 -g --target=bpf -mcpu=v3`) must carry the same relocations per
//!   function: kind, root type and access string as `llvm-objdump -dr`
//!   decodes them from `.BTF.ext` (type ids and instruction offsets aside).
//! - `relo_run.c`, whose local types differ from the running kernel's on
//!   purpose, must load through libbpf (`bpftool prog loadall`), and each of
//!   its `syscall` programs must return the same value from both builds, a
//!   value only libbpf's patching gives.
//! - Misused CO-RE builtins are rejected with clang's messages and positions.
//!
//! Tools or privileges missing: the test prints `SKIP: <why>` and passes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

mod support;
use support::{arch_include, can_load, have, load, pinned_names, run, test_run_syscall, unpin};

fn program(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../testsuite/core/{name}.c"))
}

const FLAGS: [&str; 4] = ["-O2", "-g", "--target=bpf", "-mcpu=v3"];

/// Compiles `testsuite/core/<name>.c` with `compiler` into `<dir>/<tag>/<name>.o`.
fn compile(compiler: &str, tag: &str, name: &str, dir: &Path) -> PathBuf {
    let out_dir = dir.join(tag);
    std::fs::create_dir_all(&out_dir).unwrap();
    let obj = out_dir.join(format!("{name}.o"));
    run(Command::new(compiler)
        .args(FLAGS)
        .arg(arch_include())
        .arg("-c")
        .arg(program(name))
        .arg("-o")
        .arg(&obj))
    .unwrap_or_else(|e| panic!("{tag}: {e}"));
    obj
}

fn bpfcc(name: &str, dir: &Path) -> PathBuf {
    compile(env!("CARGO_BIN_EXE_bpfcc"), "bpfcc", name, dir)
}

fn clang(name: &str, dir: &Path) -> PathBuf {
    compile("clang-19", "clang", name, dir)
}

/// The CO-RE relocations of each function, as `llvm-objdump -dr` prints
/// them (`<byte_off> struct s::a (0:0)`), type ids left out, sorted (the two
/// compilers schedule instructions differently).
fn relocations(obj: &Path) -> BTreeMap<String, Vec<String>> {
    let text = run(Command::new("llvm-objdump-19").arg("-dr").arg(obj))
        .unwrap_or_else(|e| panic!("llvm-objdump: {e}"));
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut function = String::new();
    for line in text.lines() {
        if let Some(name) = line
            .strip_suffix(">:")
            .and_then(|l| l.split_once(" <"))
            .map(|(_, n)| n)
        {
            function = name.to_string();
        } else if let Some((_, relo)) = line.split_once("CO-RE ") {
            // `<kind> [id] type::access (spec)`: drop the id.
            let mut words: Vec<&str> = relo.split(' ').collect();
            if words.len() > 1 && words[1].starts_with('[') {
                words.remove(1);
            }
            out.entry(function.clone())
                .or_default()
                .push(words.join(" "));
        }
    }
    out.values_mut().for_each(|v| v.sort());
    out
}

fn skip_without_clang() -> bool {
    for tool in ["clang-19", "llvm-objdump-19"] {
        if !have(tool) {
            println!("SKIP: {tool} is not installed");
            return true;
        }
    }
    false
}

fn same_relocations_as_clang(name: &str) {
    if skip_without_clang() {
        return;
    }
    let dir = support::scratch_in("core", name);
    let ours = relocations(&bpfcc(name, &dir));
    let theirs = relocations(&clang(name, &dir));
    assert!(
        theirs.values().map(Vec::len).sum::<usize>() > 0,
        "clang's object has no CO-RE relocations"
    );
    assert_eq!(ours, theirs, "CO-RE relocations (bpfcc, then clang)");
}

#[test]
fn field_type_and_enum_relocations_match_clang() {
    same_relocations_as_clang("relo_records");
}

#[test]
fn libbpf_core_macros_match_clang() {
    same_relocations_as_clang("relo_run");
}

/// Loads `obj` and runs each of its `syscall` programs: name → result.
fn run_all(obj: &Path, pins: &Path) -> BTreeMap<String, u32> {
    load(obj, pins).unwrap_or_else(|e| panic!("loading {}: {e}", obj.display()));
    let progs = pins.join("progs");
    let mut out = BTreeMap::new();
    for name in pinned_names(&progs) {
        let r = test_run_syscall(&progs.join(&name));
        out.insert(name.clone(), r.unwrap_or_else(|e| panic!("{name}: {e}")));
    }
    unpin(pins);
    out
}

#[test]
fn relocated_values_match_clang_in_the_kernel() {
    if skip_without_clang() {
        return;
    }
    if let Err(why) = can_load() {
        println!("SKIP: {why}");
        return;
    }
    if !Path::new("/sys/kernel/btf/vmlinux").exists() {
        println!("SKIP: the kernel has no BTF");
        return;
    }
    let dir = support::scratch_in("core", "run");
    let pins = Path::new("/sys/fs/bpf").join(format!("bpfcc-core-{}", std::process::id()));
    let ours = run_all(&bpfcc("relo_run", &dir), &pins.join("bpfcc"));
    let theirs = run_all(&clang("relo_run", &dir), &pins.join("clang"));
    unpin(&pins);
    assert_eq!(ours.len(), 7, "programs run: {ours:?}");
    assert_eq!(ours, theirs, "results (bpfcc, then clang)");
    // Values only the kernel's types give (the local ones differ).
    assert_ne!(ours["type_size"], 8, "task_struct's size was not relocated");
    assert_ne!(ours["field_offset"], 4, "tgid's offset was not relocated");
    assert_eq!(ours["field_exists"], 110, "a missing type must not exist");
    // BPF_MAP_TYPE_ARRAY is 2 in the kernel (72 locally), and HASH exists.
    assert_eq!(ours["enum_value"], 102);
    assert_eq!(ours["type_id"], 1);
    assert_eq!(ours["read_pid"], 1, "BPF_CORE_READ of pid/tgid");
}

/// Misuse clang rejects, with clang's message at clang's position.
#[test]
fn misused_builtins_are_diagnosed_like_clang() {
    let dir = support::scratch_in("core", "misuse");
    let src = dir.join("misuse.c");
    std::fs::write(
        &src,
        "struct s { int a; int b:3; } __attribute__((preserve_access_index));\n\
         enum E { A, B };\n\
         int n;\n\
         long f1(struct s *p) { return __builtin_btf_type_id(*p, n); }\n\
         long f2(struct s *p) { return __builtin_preserve_type_info(p->a, 0); }\n\
         long f3(struct s *p) { return __builtin_preserve_enum_value(*(enum E *)3, 0); }\n\
         long f4(struct s *p) { return __builtin_preserve_field_info(p, 0); }\n\
         long f5(struct s *p) { return __builtin_preserve_enum_value(B, 1); }\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bpfcc"))
        .args(["-O2", "-c"])
        .arg(&src)
        .arg("-o")
        .arg(dir.join("misuse.o"))
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let expected = [
        "4:57: __builtin_btf_type_id argument 2 not a constant",
        "5:60: __builtin_preserve_type_info argument 1 invalid",
        "6:61: __builtin_preserve_enum_value argument 1 invalid",
        "7:61: __builtin_preserve_field_info argument 1 not a field access",
        "8:61: __builtin_preserve_enum_value argument 1 invalid",
    ];
    for e in expected {
        assert!(
            stderr.contains(&format!("misuse.c:{e}")),
            "missing `{e}` in:\n{stderr}"
        );
    }
    // clang agrees on every one (when it is here to ask).
    if have("clang-19") {
        let clang = Command::new("clang-19")
            .args(["-O2", "--target=bpf", "-g", "-c"])
            .arg(&src)
            .arg("-o")
            .arg(dir.join("misuse-clang.o"))
            .current_dir(&dir)
            .output()
            .unwrap();
        let clang_err = String::from_utf8_lossy(&clang.stderr);
        for e in expected {
            let (pos, msg) = e.split_once(": ").unwrap();
            assert!(
                clang_err.contains(&format!("misuse.c:{pos}: error: {msg}")),
                "clang does not say `{e}`:\n{clang_err}"
            );
        }
    }
}
