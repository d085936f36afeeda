//! DWARF for `-g`: C programs compiled by bpfcc, with `dwarf::build`'s
//! sections appended by `dwarf::add_to_object`, must pass
//! `llvm-dwarfdump-19 --verify`, describe the program's types, functions and
//! variables as `llvm-dwarfdump-19 --debug-info` shows them, have line rows on
//! the right source lines, and convert to BTF with `pahole -J` (checked with
//! `bpftool btf dump file`). Missing tools: `SKIP: <why>` and a pass.

use bpfcc::bpf::{self, BackendOptions};
use bpfcc::diag::Diagnostics;
use bpfcc::dwarf::{self, DebugRelocTarget};
use bpfcc::intern::Interner;
use bpfcc::preprocess::{self, PreprocessOptions};
use bpfcc::sema::{self, SemaOptions};
use bpfcc::source::SourceMap;
use bpfcc::{btf, elf, lower, parse, passes};
use std::path::{Path, PathBuf};
use std::process::Command;

fn arch_include() -> PathBuf {
    let out = Command::new("uname").arg("-m").output().ok();
    let arch = out
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "x86_64".into());
    PathBuf::from(format!("/usr/include/{arch}-linux-gnu"))
}

/// Compiles `text` (as `name`) at -O2 -mcpu=v3 as the driver does, and
/// returns the object with `.BTF` and the debug info, plus the debug
/// sections themselves.
/// A program compiled with and without debug information.
struct Compiled {
    /// The writer's object with the debug sections appended.
    object: Vec<u8>,
    debug: dwarf::DebugSections,
    /// The writer's object as it was.
    plain: Vec<u8>,
}

fn compile_with_debug_info(name: &str, text: &str) -> Compiled {
    try_compile_with_debug_info(name, text).unwrap()
}

/// [`compile_with_debug_info`], with compile errors (C the rest of the
/// compiler does not support yet) returned instead of failing.
fn try_compile_with_debug_info(name: &str, text: &str) -> Result<Compiled, String> {
    try_compile_with_include(name, text, None)
}

/// [`try_compile_with_debug_info`] with one more `-I` directory.
fn try_compile_with_include(
    name: &str,
    text: &str,
    include: Option<&Path>,
) -> Result<Compiled, String> {
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let main = sources.add(name, Some(PathBuf::from(name)), text.to_string());
    let mut interner = Interner::new();
    let options = PreprocessOptions {
        include_dirs: include
            .map(Path::to_path_buf)
            .into_iter()
            .chain([arch_include()])
            .collect(),
        after_dirs: vec![PathBuf::from("/usr/include")],
        builtin_include_dir: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime-headers")),
        cpu_version: 3,
        opt_level: 2,
        ..PreprocessOptions::default()
    };
    let pp = preprocess::preprocess(main, &options, &mut sources, &mut interner, &mut diags);
    let tu = parse::parse(&pp.tokens, &mut interner, &mut diags);
    let program = sema::check(
        &tu,
        &mut interner,
        &SemaOptions { cpu_version: 3 },
        &mut diags,
    );
    if diags.has_errors() {
        return Err(diags.render(&sources));
    }
    let mut module = lower::lower(&program, &interner, &mut diags);
    passes::optimize(&mut module, 2);
    let backend = BackendOptions {
        cpu_version: 3,
        opt_level: 2,
    };
    let functions = bpf::compile_module(&module, &backend, &mut diags);
    if diags.has_errors() {
        return Err(diags.render(&sources));
    }
    let btf = btf::BtfInput {
        program: &program,
        interner: &interner,
        sources: &sources,
    };
    let file_name = Path::new(name).file_name().unwrap().to_str().unwrap();
    let object = elf::write_object_with_btf(&module, &functions, Some(file_name), Some(&btf))
        .map_err(|e| e.to_string())?;
    let debug = dwarf::build(
        &program,
        &module,
        &functions,
        &sources,
        &interner,
        "/work/src",
        "bpfcc test",
    );
    let with_debug = dwarf::add_to_object(&object, &debug).expect("debug sections appended");
    Ok(Compiled {
        object: with_debug,
        debug,
        plain: object,
    })
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn temp_object(tag: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bpfcc-dwarf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{tag}.o"));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn run(cmd: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(cmd).args(args).output().expect("tool runs");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

const TYPES: &str = r#"typedef unsigned int __attribute__((btf_decl_tag("word"))) u32;
typedef unsigned long long u64;
struct __attribute__((btf_decl_tag("list"))) node {
    struct node *next;
    int value;
    unsigned flag:1, kind:3, :0, wide:20;
    const volatile char *name;
    u32 grid[2][3];
    union { int i; long l; } u;
};
enum color { RED, GREEN = 5, BLUE = -1 };
struct node head;
int counter __attribute__((btf_decl_tag("hot"))) = 3;
int __attribute__((btf_type_tag("user"))) *uptr;
extern int bpf_test_kfunc(struct node *n, int v) __attribute__((section(".ksyms")));
static const char message[] = "hi";
_Bool enabled;
unsigned char bytes[4];

static __attribute__((noinline)) int sum(struct node *n __attribute__((btf_decl_tag("walked"))), enum color c)
{
    int total = 0;
    while (n) {
        total += n->value + c;
        n = n->next;
    }
    return total;
}

__attribute__((section("xdp"))) int prog(void *ctx)
{
    head.value = counter;
    return sum(&head, GREEN) + message[0] + enabled + bytes[1] + bpf_test_kfunc(&head, 1);
}

__attribute__((section("tc"), btf_decl_tag("entry"))) int other(void *ctx)
{
    return counter * 2;
}

char _license[] __attribute__((section("license"))) = "GPL";
"#;

#[test]
fn sections_and_relocations_are_as_clang_lays_them_out() {
    let Compiled { debug, .. } = compile_with_debug_info("types.c", TYPES);
    let names: Vec<&str> = debug.sections.iter().map(|s| s.name.as_str()).collect();
    for wanted in [
        ".debug_abbrev",
        ".debug_info",
        ".debug_line",
        ".debug_str",
        ".debug_line_str",
    ] {
        assert!(names.contains(&wanted), "{wanted} missing from {names:?}");
    }
    let info = debug.get(".debug_info").unwrap();
    // Version 5, 8-byte addresses.
    assert_eq!(u16::from_le_bytes([info.data[4], info.data[5]]), 5);
    assert_eq!(info.data[7], 8);
    let targets: Vec<&DebugRelocTarget> = info.relocs.iter().map(|r| &r.target).collect();
    assert!(targets.contains(&&DebugRelocTarget::DebugSection(".debug_abbrev".into())));
    assert!(targets.contains(&&DebugRelocTarget::DebugSection(".debug_line".into())));
    assert!(targets.contains(&&DebugRelocTarget::CodeSection("xdp".into())));
    assert!(targets.contains(&&DebugRelocTarget::CodeSection(".text".into())));
    assert!(targets.contains(&&DebugRelocTarget::Symbol("counter".into())));
    for r in &info.relocs {
        // REL: the addend is in the bytes.
        let at = r.offset as usize;
        let mut stored = [0u8; 8];
        stored[..r.size as usize].copy_from_slice(&info.data[at..at + r.size as usize]);
        assert_eq!(i64::from_le_bytes(stored), r.addend, "{r:?}");
    }
    // Same input, same bytes.
    let a = compile_with_debug_info("types.c", TYPES).object;
    let b = compile_with_debug_info("types.c", TYPES).object;
    assert_eq!(a, b);
}

#[test]
fn dwarfdump_verifies_and_describes_the_program() {
    if !have("llvm-dwarfdump-19") {
        eprintln!("SKIP: llvm-dwarfdump-19 missing");
        return;
    }
    let Compiled { object, .. } = compile_with_debug_info("types.c", TYPES);
    let path = temp_object("verify", &object);
    let path = path.to_str().unwrap();
    let (ok, text) = run("llvm-dwarfdump-19", &["--verify", path]);
    assert!(ok && text.contains("No errors."), "{text}");

    let (ok, info) = run("llvm-dwarfdump-19", &["--debug-info", path]);
    assert!(ok, "{info}");
    for wanted in [
        "DW_AT_language\t(DW_LANG_C11)",
        "DW_AT_producer\t(\"bpfcc test\")",
        "DW_AT_comp_dir\t(\"/work/src\")",
        "DW_AT_name\t(\"types.c\")",
        "DW_TAG_structure_type",
        "DW_AT_name\t(\"node\")",
        "DW_TAG_union_type",
        "DW_AT_bit_size\t(1)",
        "DW_AT_data_bit_offset\t(96)",
        "DW_AT_bit_size\t(20)",
        "DW_AT_data_bit_offset\t(128)",
        "DW_AT_count\t(2)",
        "DW_AT_count\t(3)",
        "DW_AT_name\t(\"__ARRAY_SIZE_TYPE__\")",
        "DW_TAG_volatile_type",
        "DW_TAG_const_type",
        "DW_TAG_typedef",
        "DW_AT_name\t(\"u32\")",
        "DW_TAG_enumeration_type",
        "DW_AT_name\t(\"GREEN\")",
        "DW_AT_const_value\t(5)",
        "DW_AT_const_value\t(-1)",
        "DW_AT_encoding\t(DW_ATE_boolean)",
        "DW_AT_encoding\t(DW_ATE_unsigned_char)",
        "DW_AT_encoding\t(DW_ATE_signed_char)",
        "DW_AT_name\t(\"sum\")",
        "DW_AT_name\t(\"prog\")",
        "DW_AT_external\t(0x01)",
        "DW_AT_prototyped\t(0x01)",
        " \"int\")",
        "\"void *\"",
        "\"u32[2][3]\"",
        "DW_AT_frame_base\t(DW_OP_reg10 W10)",
        "DW_TAG_formal_parameter",
        "DW_AT_name\t(\"total\")",
        "DW_AT_location\t(DW_OP_addr 0x0)",
        "DW_AT_name\t(\"counter\")",
        "DW_AT_ranges",
        "DW_TAG_LLVM_annotation",
        "DW_AT_name\t(\"btf_decl_tag\")",
        "DW_AT_const_value\t(\"hot\")",
        "DW_AT_const_value\t(\"entry\")",
        "DW_AT_name\t(\"btf_type_tag\")",
        "DW_AT_const_value\t(\"user\")",
        "DW_AT_name\t(\"bpf_test_kfunc\")",
        "DW_AT_declaration\t(0x01)",
    ] {
        assert!(info.contains(wanted), "{wanted} missing:\n{info}");
    }
}

#[test]
fn line_rows_point_at_the_statements() {
    if !have("llvm-dwarfdump-19") {
        eprintln!("SKIP: llvm-dwarfdump-19 missing");
        return;
    }
    let Compiled { object, .. } = compile_with_debug_info("types.c", TYPES);
    let path = temp_object("lines", &object);
    let (ok, text) = run(
        "llvm-dwarfdump-19",
        &["--debug-line", path.to_str().unwrap()],
    );
    assert!(ok, "{text}");
    assert!(text.contains("name: \"types.c\""), "{text}");
    // Rows: "0x<address> <line> <column> <file> ...".
    let rows: Vec<(u64, u64)> = text
        .lines()
        .filter(|l| l.starts_with("0x"))
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            let addr = u64::from_str_radix(it.next()?.trim_start_matches("0x"), 16).ok()?;
            Some((addr, it.next()?.parse().ok()?))
        })
        .collect();
    let lines: Vec<u64> = rows.iter().map(|&(_, l)| l).collect();
    let line_of = |needle: &str| TYPES.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1;
    for stmt in [
        "head.value = counter;",
        "return sum(&head",
        "return counter * 2;",
        "while (n) {",
        "n = n->next;",
    ] {
        assert!(
            lines.contains(&line_of(stmt)),
            "no row at `{stmt}`:\n{text}"
        );
    }
    // Every row is on a line of code, inside a function body.
    let first = line_of("static __attribute__((noinline)) int sum");
    let last = line_of("return counter * 2;");
    for &l in &lines {
        assert!((first..=last + 1).contains(&l), "row on line {l}:\n{text}");
    }
}

#[test]
fn pahole_converts_the_dwarf_to_btf() {
    if !have("pahole") || !have("bpftool") || !have("llvm-objcopy-19") {
        eprintln!("SKIP: pahole, bpftool or llvm-objcopy-19 missing");
        return;
    }
    let Compiled { object, .. } = compile_with_debug_info("types.c", TYPES);
    let path = temp_object("pahole", &object);
    let p = path.to_str().unwrap();
    // pahole adds its own .BTF: drop the writer's first.
    let (ok, text) = run(
        "llvm-objcopy-19",
        &["--remove-section=.BTF", "--remove-section=.BTF.ext", p],
    );
    assert!(ok, "{text}");
    let (ok, text) = run("pahole", &["-J", p]);
    assert!(ok, "pahole -J failed: {text}");
    let (ok, btf) = run("bpftool", &["btf", "dump", "file", p]);
    assert!(ok, "{btf}");
    for wanted in [
        "STRUCT 'node' size=",
        "'next' type_id=",
        "'wide' type_id=2 bits_offset=128 bitfield_size=20",
        "'flag' type_id=2 bits_offset=96 bitfield_size=1",
        "TYPEDEF 'u32'",
        "ENUM 'color'",
        "'GREEN' val=5",
        "FUNC 'prog'",
        "FUNC 'other'",
        "INT '_Bool' size=1 bits_offset=0 nr_bits=8 encoding=BOOL",
        "TYPE_TAG 'user'",
        "DECL_TAG 'entry'",
        "DECL_TAG 'word'",
        "DECL_TAG 'list'",
        "DECL_TAG 'walked' type_id=",
    ] {
        assert!(btf.contains(wanted), "{wanted} missing:\n{btf}");
    }
}

fn corpus(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testsuite")
        .join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "c"))
        .collect();
    files.sort();
    files
}

/// The named types and functions of `bpftool btf dump file`, each as its
/// kind, name and (for records) member names and bit offsets, with type ids
/// left out so that two objects compare.
fn named_btf(dump: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in dump.lines() {
        if line.starts_with('[') {
            if let Some(c) = current.take() {
                out.push(c);
            }
            let rest = line.split_once("] ").map(|x| x.1).unwrap_or("");
            let mut words = rest.split_whitespace();
            let kind = words.next().unwrap_or("");
            let name = words.next().unwrap_or("");
            if name != "'(anon)'"
                && matches!(kind, "STRUCT" | "UNION" | "ENUM" | "TYPEDEF" | "FUNC")
            {
                let size = rest.split_whitespace().find(|w| w.starts_with("size="));
                current = Some(format!("{kind} {name} {}", size.unwrap_or("")));
            }
        } else if let Some(c) = current.as_mut() {
            // Member: 'name' type_id=N bits_offset=M [bitfield_size=K]; enumerator: 'name' val=V.
            let words: Vec<&str> = line
                .split_whitespace()
                .filter(|w| !w.starts_with("type_id="))
                .collect();
            c.push_str(" | ");
            c.push_str(&words.join(" "));
        }
    }
    out.extend(current);
    out.sort();
    out.dedup();
    out
}

/// pahole's BTF of an object's DWARF (its own `.BTF` removed first).
fn pahole_btf(tag: &str, object: &[u8]) -> Result<String, String> {
    let path = temp_object(tag, object);
    let p = path.to_str().unwrap();
    let (ok, text) = run(
        "llvm-objcopy-19",
        &["--remove-section=.BTF", "--remove-section=.BTF.ext", p],
    );
    if !ok {
        return Err(format!("objcopy: {text}"));
    }
    let (ok, text) = run("pahole", &["-J", p]);
    if !ok {
        return Err(format!("pahole -J: {text}"));
    }
    let (ok, dump) = run("bpftool", &["btf", "dump", "file", p]);
    if !ok {
        return Err(format!("bpftool btf dump: {dump}"));
    }
    Ok(dump)
}

/// Every program of the test suite: the DWARF verifies and pahole converts it.
#[test]
fn test_suite_programs_verify_and_convert() {
    if !have("llvm-dwarfdump-19") || !have("pahole") || !have("bpftool") || !have("llvm-objcopy-19")
    {
        eprintln!("SKIP: llvm-dwarfdump-19, pahole, bpftool or llvm-objcopy-19 missing");
        return;
    }
    let mut failures = Vec::new();
    let mut count = 0;
    for path in corpus("btf").into_iter().chain(corpus("programs")) {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.to_str().unwrap();
        let Ok(Compiled { object, .. }) = try_compile_with_debug_info(name, &text) else {
            // Not this module's concern: compile failures are other tests'.
            continue;
        };
        let tag = path.file_stem().unwrap().to_str().unwrap();
        let obj = temp_object(tag, &object);
        let (ok, out) = run("llvm-dwarfdump-19", &["--verify", obj.to_str().unwrap()]);
        if !ok || !out.contains("No errors.") {
            failures.push(format!("{name}: dwarfdump --verify:\n{out}"));
            continue;
        }
        if let Err(e) = pahole_btf(tag, &object) {
            failures.push(format!("{name}: {e}"));
        }
        count += 1;
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{count} programs verified and converted");
    assert!(count > 100, "only {count} programs");
}

/// The BTF pahole makes from bpfcc's DWARF names the same structs, unions,
/// enums, typedefs and functions, with the same members at the same bit
/// offsets, as the BTF it makes from clang-19's DWARF.
#[test]
fn pahole_sees_what_it_sees_in_clangs_dwarf() {
    compare_with_clang(&corpus("btf"), None, 5, true);
}

/// Compares pahole's view of bpfcc's and clang's DWARF for `programs`.
///
/// `all`: bpfcc must describe everything clang does. Without it, bpfcc may
/// describe less (types clang adds for explicit casts and for enums whose
/// constants are used, which the typed tree no longer shows), but whatever it
/// describes must be what clang describes.
fn compare_with_clang(programs: &[PathBuf], vmlinux: Option<&Path>, at_least: usize, all: bool) {
    if !have("clang-19") || !have("pahole") || !have("bpftool") || !have("llvm-objcopy-19") {
        eprintln!("SKIP: clang-19, pahole, bpftool or llvm-objcopy-19 missing");
        return;
    }
    let mut failures = Vec::new();
    let mut compared = 0;
    for path in programs {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.to_str().unwrap();
        let tag = path.file_stem().unwrap().to_str().unwrap();
        let Ok(Compiled { object, .. }) = try_compile_with_include(name, &text, vmlinux) else {
            continue;
        };
        let ours = named_btf(&pahole_btf(&format!("{tag}-bpfcc"), &object).unwrap());
        let clang_obj = temp_object(&format!("{tag}-clang"), b"");
        let include = format!("-I{}", arch_include().display());
        let vmlinux_include = format!("-I{}", vmlinux.unwrap_or(Path::new(".")).display());
        let (ok, out) = run(
            "clang-19",
            &[
                "-O2",
                "-g",
                "--target=bpf",
                "-mcpu=v3",
                &include,
                &vmlinux_include,
                "-c",
                name,
                "-o",
                clang_obj.to_str().unwrap(),
            ],
        );
        if !ok {
            // Programs clang refuses (known-failure notes of the compat suite).
            assert!(!all, "clang-19 fails on {name}: {out}");
            continue;
        }
        let theirs = named_btf(
            &pahole_btf(&format!("{tag}-clang"), &std::fs::read(&clang_obj).unwrap()).unwrap(),
        );
        assert!(
            theirs.iter().any(|t| t.starts_with("FUNC")),
            "{name}: {theirs:#?}"
        );
        compared += 1;
        let missing: Vec<&String> = theirs.iter().filter(|t| !ours.contains(t)).collect();
        let extra: Vec<&String> = ours.iter().filter(|t| !theirs.contains(t)).collect();
        if (all && !missing.is_empty()) || !extra.is_empty() {
            failures.push(format!(
                "{name}:\n  only clang: {missing:#?}\n  only bpfcc: {extra:#?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("{compared} programs compared");
    assert!(compared >= at_least, "only {compared} programs compiled");
}

/// The same for the compat programs (vmlinux.h types, CO-RE records).
#[test]
fn pahole_sees_in_compat_programs_what_it_sees_in_clangs_dwarf() {
    if !have("clang-19") || !have("pahole") || !have("bpftool") || !have("llvm-objcopy-19") {
        eprintln!("SKIP: clang-19, pahole, bpftool or llvm-objcopy-19 missing");
        return;
    }
    let Some(vmlinux) = vmlinux_dir() else {
        eprintln!("SKIP: no kernel BTF to make vmlinux.h from");
        return;
    };
    compare_with_clang(&corpus("compat"), Some(&vmlinux), 20, false);
}

/// Appending the debug sections leaves the code, its relocations (whose
/// symbols are renumbered) and the BTF as they were, and libbpf still loads
/// the programs.
#[test]
fn objects_with_debug_info_keep_their_code_and_load() {
    if !have("llvm-objdump-19") {
        eprintln!("SKIP: llvm-objdump-19 missing");
        return;
    }
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let can_load = root && have("bpftool") && Path::new("/sys/fs/bpf").is_dir();
    let mut loaded = 0;
    for path in corpus("btf") {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.to_str().unwrap();
        let tag = path.file_stem().unwrap().to_str().unwrap();
        let Ok(c) = try_compile_with_debug_info(name, &text) else {
            continue;
        };
        let plain = temp_object(&format!("{tag}-plain"), &c.plain);
        let debug = temp_object(&format!("{tag}-debug"), &c.object);
        let dump = |p: &Path| {
            let (ok, text) = run("llvm-objdump-19", &["-dr", p.to_str().unwrap()]);
            assert!(ok, "{text}");
            // Drop the header line naming the file.
            text.lines().skip(2).collect::<Vec<_>>().join("\n")
        };
        assert_eq!(
            dump(&plain),
            dump(&debug),
            "{name}: code or relocations changed"
        );
        if have("bpftool") {
            let btf = |p: &Path| run("bpftool", &["btf", "dump", "file", p.to_str().unwrap()]);
            assert_eq!(btf(&plain), btf(&debug), "{name}: .BTF changed");
        }
        if !can_load {
            continue;
        }
        let pin = format!("/sys/fs/bpf/bpfcc-dwarf-{}-{tag}", std::process::id());
        let (plain_ok, _) = run(
            "bpftool",
            &["prog", "loadall", plain.to_str().unwrap(), &pin],
        );
        let _ = std::fs::remove_dir_all(&pin);
        if !plain_ok {
            // The programs themselves do not load here (kernel support):
            // nothing to compare.
            continue;
        }
        let (ok, out) = run(
            "bpftool",
            &["prog", "loadall", debug.to_str().unwrap(), &pin],
        );
        let _ = std::fs::remove_dir_all(&pin);
        assert!(
            ok,
            "{name}: the object with debug info does not load:\n{out}"
        );
        loaded += 1;
    }
    if can_load {
        eprintln!("{loaded} objects with debug info loaded");
        assert!(loaded >= 3, "only {loaded} objects loaded");
    } else {
        eprintln!("SKIP (loading): needs root, bpftool and /sys/fs/bpf");
    }
}

/// The running kernel's vmlinux.h, generated as the compat runner does.
fn vmlinux_dir() -> Option<PathBuf> {
    if !Path::new("/sys/kernel/btf/vmlinux").exists() || !have("bpftool") {
        return None;
    }
    let dir = std::env::temp_dir().join(format!("bpfcc-dwarf-{}-vmlinux", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let out = Command::new("bpftool")
        .args([
            "btf",
            "dump",
            "file",
            "/sys/kernel/btf/vmlinux",
            "format",
            "c",
        ])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    std::fs::write(dir.join("vmlinux.h"), out.stdout).ok()?;
    Some(dir)
}

/// The compat programs (CO-RE through vmlinux.h, kprobes of several
/// architectures, kfuncs, kconfig externs): the DWARF verifies and pahole
/// converts it.
#[test]
fn compat_programs_verify_and_convert() {
    if !have("llvm-dwarfdump-19") || !have("pahole") || !have("bpftool") || !have("llvm-objcopy-19")
    {
        eprintln!("SKIP: llvm-dwarfdump-19, pahole, bpftool or llvm-objcopy-19 missing");
        return;
    }
    let Some(vmlinux) = vmlinux_dir() else {
        eprintln!("SKIP: no kernel BTF to make vmlinux.h from");
        return;
    };
    let mut failures = Vec::new();
    let mut count = 0;
    for path in corpus("compat")
        .into_iter()
        .chain(corpus("compat/build-only"))
    {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.to_str().unwrap();
        let Ok(Compiled { object, .. }) = try_compile_with_include(name, &text, Some(&vmlinux))
        else {
            continue;
        };
        let tag = format!("compat-{}", path.file_stem().unwrap().to_str().unwrap());
        let obj = temp_object(&tag, &object);
        let (ok, out) = run("llvm-dwarfdump-19", &["--verify", obj.to_str().unwrap()]);
        if !ok || !out.contains("No errors.") {
            failures.push(format!("{name}: dwarfdump --verify:\n{out}"));
            continue;
        }
        if let Err(e) = pahole_btf(&tag, &object) {
            failures.push(format!("{name}: {e}"));
        }
        count += 1;
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{count} compat programs verified and converted");
    assert!(count >= 30, "only {count} programs");
}

/// Units without code (data only) and with a single code section verify too.
#[test]
fn small_units_verify() {
    if !have("llvm-dwarfdump-19") {
        eprintln!("SKIP: llvm-dwarfdump-19 missing");
        return;
    }
    for (tag, text) in [
        ("data-only", "int x = 1;\nstruct s { long a; } y;\n"),
        (
            "one-section",
            "int f(void *c) { return 1; }\nint g(void *c) { return 2; }\n",
        ),
        ("empty", "typedef int unused;\n"),
        (
            "helpers",
            "#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n\
             SEC(\"xdp\") int p(void *ctx) { return bpf_get_prandom_u32() & 1; }\n",
        ),
    ] {
        let Compiled { object, .. } = compile_with_debug_info(&format!("{tag}.c"), text);
        let path = temp_object(tag, &object);
        let (ok, out) = run("llvm-dwarfdump-19", &["--verify", path.to_str().unwrap()]);
        assert!(ok && out.contains("No errors."), "{tag}: {out}");
        if tag == "helpers" {
            let (_, info) = run(
                "llvm-dwarfdump-19",
                &["--debug-info", path.to_str().unwrap()],
            );
            let at = info.find("(\"bpf_get_prandom_u32\")").expect(&info);
            assert!(info[at..].contains("DW_AT_const_value\t(7)"), "{info}");
        }
    }
}
