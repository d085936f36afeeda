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

#[test]
fn pragma_attribute_regions_match_clang() {
    same_relocations_as_clang("relo_pragma");
}

#[test]
fn context_relocations_match_clang() {
    same_relocations_as_clang("relo_ctx");
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

/// One `bpf_core_relo` record of `.BTF.ext`: code section, instruction byte
/// offset, root type id, access string, kind.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Record {
    section: String,
    insn_off: u32,
    type_id: u32,
    access: String,
    kind: u32,
}

/// Decodes the core_relo records of an object (libbpf's `btf_ext_header`
/// and `bpf_core_relo` layout), checking the header along the way.
fn core_records(obj: &[u8]) -> Vec<Record> {
    use object::{Object, ObjectSection};
    let file = object::File::parse(obj).unwrap();
    let data = |name: &str| {
        file.section_by_name(name)
            .unwrap_or_else(|| panic!("no {name}"))
            .data()
            .unwrap()
            .to_vec()
    };
    let (btf, ext) = (data(".BTF"), data(".BTF.ext"));
    let u32_at = |b: &[u8], o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap());
    // .BTF strings.
    let btf_hdr = u32_at(&btf, 4) as usize;
    let str_off = btf_hdr + u32_at(&btf, 16) as usize;
    let string = |off: u32| {
        let s = &btf[str_off + off as usize..];
        String::from_utf8(s[..s.iter().position(|&c| c == 0).unwrap()].to_vec()).unwrap()
    };
    assert_eq!(u16::from_le_bytes([ext[0], ext[1]]), 0xeb9f, "magic");
    let hdr_len = u32_at(&ext, 4) as usize;
    assert!(hdr_len >= 32, "header without core_relo fields");
    let (off, len) = (u32_at(&ext, 24) as usize, u32_at(&ext, 28) as usize);
    let mut out = Vec::new();
    if len == 0 {
        return out;
    }
    let sub = &ext[hdr_len + off..hdr_len + off + len];
    let rec_size = u32_at(sub, 0) as usize;
    assert_eq!(rec_size, 16, "bpf_core_relo size");
    let mut at = 4;
    while at < sub.len() {
        let section = string(u32_at(sub, at));
        let n = u32_at(sub, at + 4) as usize;
        at += 8;
        for _ in 0..n {
            out.push(Record {
                section: section.clone(),
                insn_off: u32_at(sub, at),
                type_id: u32_at(sub, at + 4),
                access: string(u32_at(sub, at + 8)),
                kind: u32_at(sub, at + 12),
            });
            at += rec_size;
        }
    }
    assert_eq!(at, sub.len(), "core_relo subsection length");
    out
}

/// Compiles `source` with bpfcc (no other tool needed): the object.
fn bpfcc_source(name: &str, source: &str) -> Vec<u8> {
    let dir = support::scratch_in("core", name);
    let src = dir.join(format!("{name}.c"));
    let obj = dir.join(format!("{name}.o"));
    std::fs::write(&src, source).unwrap();
    run(Command::new(env!("CARGO_BIN_EXE_bpfcc"))
        .args(["-O2", "-c"])
        .arg(&src)
        .arg("-o")
        .arg(&obj))
    .unwrap_or_else(|e| panic!("bpfcc: {e}"));
    std::fs::read(&obj).unwrap()
}

/// The optimizer keeps relocated offsets apart: two records whose fields
/// are both at offset 0 are not merged, and an offset that is 4 here is not
/// folded into a constant (libbpf could not patch it any more).
#[test]
fn optimizer_keeps_relocations_apart() {
    let obj = bpfcc_source(
        "apart",
        "struct a { int x; int y; } __attribute__((preserve_access_index));\n\
         struct b { int x; int y; } __attribute__((preserve_access_index));\n\
         int same_offsets(struct a *p, struct b *q) { return p->x + q->x + p->x; }\n\
         long not_folded(struct a *p) { return (long)&p->y - (long)p; }\n",
    );
    let records = core_records(&obj);
    let summary: Vec<(u32, &str, u32)> = records
        .iter()
        .map(|r| (r.insn_off, r.access.as_str(), r.kind))
        .collect();
    // `p->x` twice is one load (the same relocation), `q->x` another.
    let zero: Vec<&Record> = records.iter().filter(|r| r.access == "0:0").collect();
    assert_eq!(zero.len(), 2, "{summary:?}");
    assert_ne!(zero[0].type_id, zero[1].type_id, "{summary:?}");
    let y: Vec<&Record> = records.iter().filter(|r| r.access == "0:1").collect();
    assert_eq!(y.len(), 1, "{summary:?}");
    assert!(records.iter().all(|r| r.kind == 0 && r.section == ".text"));
}

/// An `"i"` asm operand is folded as clang folds it: libbpf's `offsetof`
/// (`&((T *)0)->m`) of a `preserve_access_index` record is the plain offset
/// there (the selftests' `__imm_const(off, offsetof(...))`), while the same
/// expression elsewhere is relocated.
#[test]
fn immediate_asm_operands_are_not_relocated() {
    let obj = bpfcc_source(
        "imm_offsetof",
        "struct s { int a; int b; } __attribute__((preserve_access_index));\n\
         #define offsetof(T, m) ((unsigned long)&((T *)0)->m)\n\
         long f(void) {\n\
         \tlong x;\n\
         \tasm volatile(\"%0 = %1\" : \"=r\"(x) : \"i\"(offsetof(struct s, b)));\n\
         \treturn x + offsetof(struct s, b);\n\
         }\n",
    );
    let records = core_records(&obj);
    let summary: Vec<(u32, &str, u32)> = records
        .iter()
        .map(|r| (r.insn_off, r.access.as_str(), r.kind))
        .collect();
    assert_eq!(summary, [(8, "0:1", 0)], "only the second offsetof");
}

/// Type-id relocations hold the local BTF id, which libbpf checks before
/// patching: the `ld_imm64`'s immediate equals the record's type id.
#[test]
fn type_id_immediates_are_btf_ids() {
    let obj = bpfcc_source(
        "type_id",
        "union u { int a; long b; };\nstruct s { int x; };\n\
         long f(void) { return __builtin_btf_type_id(*(union u *)0, 0) * 1000 +\n\
         __builtin_btf_type_id(*(struct s *)0, 1); }\n",
    );
    use object::{Object, ObjectSection};
    let file = object::File::parse(&*obj).unwrap();
    let text = file
        .section_by_name(".text")
        .unwrap()
        .data()
        .unwrap()
        .to_vec();
    let records = core_records(&obj);
    assert_eq!(records.len(), 2, "{records:?}");
    let mut kinds: Vec<u32> = records.iter().map(|r| r.kind).collect();
    kinds.sort();
    assert_eq!(kinds, [6, 7]);
    for r in &records {
        let insn = &text[r.insn_off as usize..r.insn_off as usize + 8];
        assert_eq!(insn[0], 0x18, "ld_imm64 at {}", r.insn_off);
        let imm = u32::from_le_bytes(insn[4..8].try_into().unwrap());
        assert!(r.type_id > 0);
        assert_eq!(imm, r.type_id, "immediate of the relocated ld_imm64");
    }
}

/// A context and a kernel object read through local types laid out unlike
/// the kernel's: the verifier accepts bpfcc's build (as clang's) because
/// libbpf moved the loads, and refuses the same source without
/// `preserve_access_index`.
#[test]
fn context_fields_are_relocated_for_the_verifier() {
    if let Err(why) = can_load() {
        println!("SKIP: {why}");
        return;
    }
    if !Path::new("/sys/kernel/btf/vmlinux").exists() {
        println!("SKIP: the kernel has no BTF");
        return;
    }
    let dir = support::scratch_in("core", "ctx");
    let pins = Path::new("/sys/fs/bpf").join(format!("bpfcc-core-ctx-{}", std::process::id()));
    let mut objects = vec![("bpfcc", bpfcc("relo_ctx", &dir))];
    if have("clang-19") {
        objects.push(("clang", clang("relo_ctx", &dir)));
    }
    for (tag, obj) in &objects {
        let r = load(obj, &pins.join(tag));
        unpin(&pins.join(tag));
        r.unwrap_or_else(|e| panic!("{tag}'s build is refused: {e}"));
    }
    // Without the attribute the offsets are this file's, which the kernel
    // refuses: the check above depends on the relocations.
    let text = std::fs::read_to_string(program("relo_ctx")).unwrap();
    let plain = dir.join("plain_ctx.c");
    std::fs::write(
        &plain,
        text.replace("__attribute__((preserve_access_index))", ""),
    )
    .unwrap();
    let plain_obj = dir.join("plain_ctx.o");
    run(Command::new(env!("CARGO_BIN_EXE_bpfcc"))
        .args(FLAGS)
        .arg(arch_include())
        .arg("-c")
        .arg(&plain)
        .arg("-o")
        .arg(&plain_obj))
    .unwrap();
    let r = load(&plain_obj, &pins.join("plain"));
    unpin(&pins);
    assert!(
        r.is_err(),
        "the unrelocated build loads: the test proves nothing"
    );
}
