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
use bpfcc::{elf, lower, parse, passes};
use std::path::PathBuf;
use std::process::Command;

/// Compiles `text` (as `name`) at -O2 and returns the object with debug info,
/// plus the debug sections themselves.
fn compile_with_debug_info(name: &str, text: &str) -> (Vec<u8>, dwarf::DebugSections) {
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let main = sources.add(name, Some(PathBuf::from(name)), text.to_string());
    let mut interner = Interner::new();
    let pp = preprocess::preprocess(
        main,
        &PreprocessOptions::default(),
        &mut sources,
        &mut interner,
        &mut diags,
    );
    let tu = parse::parse(&pp.tokens, &mut interner, &mut diags);
    let program = sema::check(&tu, &mut interner, &SemaOptions { cpu_version: 3 }, &mut diags);
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    let mut module = lower::lower(&program, &interner, &mut diags);
    passes::optimize(&mut module, 2);
    let backend = BackendOptions {
        cpu_version: 3,
        opt_level: 2,
    };
    let functions = bpf::compile_module(&module, &backend, &mut diags);
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    let object = elf::write_object_file(&module, &functions, Some(name)).expect("object");
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
    (with_debug, debug)
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

const TYPES: &str = r#"typedef unsigned int u32;
typedef unsigned long long u64;
struct node {
    struct node *next;
    int value;
    unsigned flag:1, kind:3, :0, wide:20;
    const volatile char *name;
    u32 grid[2][3];
    union { int i; long l; } u;
};
enum color { RED, GREEN = 5, BLUE = -1 };
struct node head;
int counter = 3;
static const char message[] = "hi";
_Bool enabled;
unsigned char bytes[4];

static __attribute__((noinline)) int sum(struct node *n, enum color c)
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
    return sum(&head, GREEN) + message[0] + enabled + bytes[1];
}

__attribute__((section("tc"))) int other(void *ctx)
{
    return counter * 2;
}

char _license[] __attribute__((section("license"))) = "GPL";
"#;

#[test]
fn sections_and_relocations_are_as_clang_lays_them_out() {
    let (_, debug) = compile_with_debug_info("types.c", TYPES);
    let names: Vec<&str> = debug.sections.iter().map(|s| s.name.as_str()).collect();
    for wanted in [".debug_abbrev", ".debug_info", ".debug_line", ".debug_str", ".debug_line_str"] {
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
    let (a, _) = compile_with_debug_info("types.c", TYPES);
    let (b, _) = compile_with_debug_info("types.c", TYPES);
    assert_eq!(a, b);
}

#[test]
fn dwarfdump_verifies_and_describes_the_program() {
    if !have("llvm-dwarfdump-19") {
        eprintln!("SKIP: llvm-dwarfdump-19 missing");
        return;
    }
    let (object, _) = compile_with_debug_info("types.c", TYPES);
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
    let (object, _) = compile_with_debug_info("types.c", TYPES);
    let path = temp_object("lines", &object);
    let (ok, text) = run("llvm-dwarfdump-19", &["--debug-line", path.to_str().unwrap()]);
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
    let line_of = |needle: &str| {
        TYPES.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1
    };
    for stmt in ["head.value = counter;", "return sum(&head", "return counter * 2;", "while (n) {", "n = n->next;"] {
        assert!(lines.contains(&line_of(stmt)), "no row at `{stmt}`:\n{text}");
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
    let (object, _) = compile_with_debug_info("types.c", TYPES);
    let path = temp_object("pahole", &object);
    let p = path.to_str().unwrap();
    // pahole adds its own .BTF: drop the writer's first.
    let (ok, text) = run("llvm-objcopy-19", &["--remove-section=.BTF", "--remove-section=.BTF.ext", p]);
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
    ] {
        assert!(btf.contains(wanted), "{wanted} missing:\n{btf}");
    }
}
