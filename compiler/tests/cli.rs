//! The command line (argument → Options, without running the pipeline), the
//! dependency-file format (checked against what clang-19 writes), and the ELF
//! writer (objects built from hand-written machine code, read back with the
//! `object` crate and loaded into the kernel with bpftool when possible).

use bpfcc::bpf::insn::*;
use bpfcc::driver::args::{parse_args, Action, ArgError, Invocation};
use bpfcc::driver::depfile;
use bpfcc::driver::Emit;
use bpfcc::elf::{write_object, write_object_file};
use bpfcc::ir::{DataId, DataObject, FuncId, Function, Linkage, Module, SymbolTarget, Type};
use bpfcc::preprocess::{MacroOp, Personality};
use bpfcc::source::Span;
use object::read::elf::ElfFile64;
use object::{
    Object, ObjectSection, ObjectSymbol, RelocationFlags, RelocationTarget, SectionKind,
    SymbolKind, SymbolSection,
};
use std::path::{Path, PathBuf};
use std::process::Command;

fn parse(line: &str) -> Result<Invocation, ArgError> {
    let v: Vec<String> = line.split_whitespace().map(String::from).collect();
    parse_args(&v)
}

fn err(line: &str) -> String {
    parse(line).expect_err("expected an error").0
}

// ---------------------------------------------------------------- arguments

#[test]
fn selftests_command_line() {
    // What tools/testing/selftests/bpf/Makefile passes (BPF_CFLAGS, CLANG_CFLAGS
    // and the build rule), with a per-file -fno-strict-aliasing.
    let inv = parse(
        "-g -Wall -Werror -D__TARGET_ARCH_x86 -mlittle-endian -I/out/tools/include -I/src \
         -I/src/include/uapi -I/out/usr/include -Wno-compare-distinct-pointer-types \
         -idirafter /usr/lib/llvm-19/lib/clang/19/include -idirafter /usr/include \
         -fno-strict-aliasing -O2 --target=bpf -c progs/test.c -mcpu=v3 -o out/test.bpf.o",
    )
    .unwrap();
    assert_eq!(inv.action, Action::Compile);
    assert_eq!(inv.options.emit, Emit::Object);
    assert_eq!(inv.options.opt_level, 2);
    assert_eq!(inv.options.cpu_version, 3);
    assert_eq!(inv.options.preprocess.cpu_version, 3);
    assert_eq!(inv.options.preprocess.opt_level, 2);
    assert!(inv.options.debug_info);
    assert!(inv.options.warnings_as_errors);
    assert_eq!(inv.options.preprocess.include_dirs.len(), 4);
    assert_eq!(
        inv.options.preprocess.after_dirs,
        vec![
            PathBuf::from("/usr/lib/llvm-19/lib/clang/19/include"),
            PathBuf::from("/usr/include")
        ]
    );
    assert_eq!(
        inv.options.preprocess.macro_ops,
        vec![MacroOp::Define("__TARGET_ARCH_x86".into(), None)]
    );
    assert_eq!(inv.inputs, vec![PathBuf::from("progs/test.c")]);
    assert_eq!(inv.output, Some(PathBuf::from("out/test.bpf.o")));
}

#[test]
fn joined_and_separate_values() {
    let inv = parse(
        "-c -Ia -I b -isystem s1 -isystems2 -iquote q -idirafter d -include f.h -includeg.h \
         -DX=1 -D Y -D Z=a=b -UX -U W -nostdinc x.c",
    )
    .unwrap();
    let pp = &inv.options.preprocess;
    assert_eq!(
        pp.include_dirs,
        vec![PathBuf::from("a"), PathBuf::from("b")]
    );
    assert_eq!(
        pp.system_dirs,
        vec![PathBuf::from("s1"), PathBuf::from("s2")]
    );
    assert_eq!(pp.quote_dirs, vec![PathBuf::from("q")]);
    assert_eq!(pp.after_dirs, vec![PathBuf::from("d")]);
    assert_eq!(
        pp.force_includes,
        vec![PathBuf::from("f.h"), PathBuf::from("g.h")]
    );
    assert!(pp.nostdinc);
    assert_eq!(
        pp.macro_ops,
        vec![
            MacroOp::Define("X".into(), Some("1".into())),
            MacroOp::Define("Y".into(), None),
            MacroOp::Define("Z".into(), Some("a=b".into())),
            MacroOp::Undef("X".into()),
            MacroOp::Undef("W".into()),
        ]
    );
    // A flag whose value is missing.
    assert!(err("-c x.c -I").contains("argument to '-I' is missing"));
    assert!(err("-c x.c -o").contains("argument to '-o' is missing"));
}

#[test]
fn stages() {
    assert_eq!(parse("-c x.c").unwrap().options.emit, Emit::Object);
    assert_eq!(parse("-S x.c").unwrap().options.emit, Emit::Assembly);
    assert_eq!(parse("-E x.c").unwrap().options.emit, Emit::Preprocessed);
    assert_eq!(
        parse("-fsyntax-only x.c").unwrap().options.emit,
        Emit::SyntaxOnly
    );
    assert_eq!(parse("--emit-ir x.c").unwrap().options.emit, Emit::Ir);
    // The earliest stage asked for wins, as in clang.
    assert_eq!(parse("-c -S x.c").unwrap().options.emit, Emit::Assembly);
    assert_eq!(parse("-c -E x.c").unwrap().options.emit, Emit::Preprocessed);
    assert_eq!(
        parse("-S -fsyntax-only x.c").unwrap().options.emit,
        Emit::SyntaxOnly
    );
    assert!(err("x.c").contains("linking is not supported"));
    assert_eq!(err("-c"), "no input files");
}

#[test]
fn cpu_and_optimization_levels() {
    let cpu = |s: &str| parse(&format!("-c x.c {s}")).unwrap().options.cpu_version;
    assert_eq!(cpu(""), 3);
    assert_eq!(cpu("-mcpu=v1"), 1);
    assert_eq!(cpu("-mcpu=v2"), 2);
    assert_eq!(cpu("-mcpu=v4"), 4);
    assert_eq!(cpu("-mcpu=generic"), 1);
    assert_eq!(cpu("-mcpu=probe"), 3);
    assert_eq!(cpu("-mcpu=v4 -mcpu=v2"), 2);
    assert!(err("-c x.c -mcpu=v5").contains("'-mcpu='"));
    assert_eq!(parse("-mcpu=help").unwrap().action, Action::CpuHelp);

    let opt = |s: &str| parse(&format!("-c x.c {s}")).unwrap().options.opt_level;
    assert_eq!(opt(""), 0);
    assert_eq!(opt("-O0"), 0);
    assert_eq!(opt("-O"), 1);
    assert_eq!(opt("-O1"), 1);
    assert_eq!(opt("-O2"), 2);
    assert_eq!(opt("-O3"), 3);
    assert_eq!(opt("-Os"), 2);
    assert_eq!(opt("-Oz"), 2);
    assert_eq!(opt("-Og"), 1);
    assert_eq!(opt("-O2 -O0"), 0);
    assert!(err("-c x.c -Ox").contains("-Ox"));
}

#[test]
fn targets_and_machine_flags() {
    for ok in [
        "--target=bpf",
        "--target=bpfel",
        "-target bpf",
        "-mlittle-endian",
        "-mco-re",
        "-mno-co-re",
        "-mattr=+alu32",
        "-march=bpf",
    ] {
        parse(&format!("-c x.c {ok}")).unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    assert!(err("-c x.c -mbig-endian").contains("big-endian"));
    assert!(err("-c x.c --target=bpfeb").contains("big-endian"));
    assert!(err("-c x.c --target=x86_64-linux-gnu").contains("unsupported target"));
}

#[test]
fn debug_and_warning_flags() {
    let inv = |s: &str| parse(&format!("-c x.c {s}")).unwrap().options;
    assert!(!inv("").debug_info);
    assert!(inv("-g").debug_info);
    assert!(inv("-gbtf").debug_info);
    assert!(inv("-gdwarf-4").debug_info);
    assert!(!inv("-g -g0").debug_info);
    assert!(inv("-Werror").warnings_as_errors);
    assert!(!inv("-Werror -Wno-error").warnings_as_errors);
    assert!(!inv("-Wall -Wextra -Wno-unused-variable -Werror=format").warnings_as_errors);
    assert!(inv("-w").suppress_warnings);
    assert!(err("-c x.c -Wl,--gc-sections").contains("linking is not supported"));
}

#[test]
fn language_standard_and_f_flags() {
    for ok in [
        "-std=gnu11",
        "-std=c17",
        "-x c",
        "-xc",
        "-fno-stack-protector",
        "-ffreestanding",
        "-fno-builtin",
        "-fno-builtin-memcpy",
        "-fno-inline",
        "-fno-strict-aliasing",
        "-fdiagnostics-color=always",
        "-fmacro-prefix-map=/a=/b",
        "-Xclang -target-feature -Xclang +alu32",
        "-pipe",
    ] {
        parse(&format!("-c x.c {ok}")).unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    assert_eq!(err("-c x.c -foo"), "unknown argument: '-foo'");
    assert_eq!(
        err("-c x.c --frobnicate"),
        "unknown argument: '--frobnicate'"
    );
    assert!(err("-c x.c -std=c++17").contains("-std=c++17"));
    assert_eq!(
        parse("-x assembler -c x.s").unwrap().options.language,
        bpfcc::driver::Language::Assembler
    );
    assert!(parse("-c x.S").is_ok());
    // `-x c` makes any name C.
    assert!(parse("-c -x c x.S").is_ok());
}

#[test]
fn personality_version_help() {
    assert_eq!(
        parse("-c x.c --personality=gcc")
            .unwrap()
            .options
            .preprocess
            .personality,
        Personality::Gcc
    );
    assert_eq!(
        parse("-c x.c --personality gcc")
            .unwrap()
            .options
            .preprocess
            .personality,
        Personality::Gcc
    );
    assert_eq!(
        parse("-c x.c").unwrap().options.preprocess.personality,
        Personality::Clang
    );
    assert!(err("-c x.c --personality=msvc").contains("msvc"));
    assert_eq!(parse("--version").unwrap().action, Action::Version);
    assert_eq!(parse("-v").unwrap().action, Action::Version);
    let v = parse("-v -c x.c").unwrap();
    assert!(v.verbose && v.action == Action::Compile);
    match parse("--help").unwrap().action {
        Action::Help(text) => assert!(text.contains("--personality") && text.contains("-mcpu")),
        a => panic!("{a:?}"),
    }
}

#[test]
fn several_inputs_and_outputs() {
    let inv = parse("-c a.c b.c").unwrap();
    assert_eq!(inv.inputs.len(), 2);
    assert!(err("-c a.c b.c -o x.o").contains("multiple output files"));
    assert_eq!(
        parse("-c a.c -o -").unwrap().output,
        Some(PathBuf::from("-"))
    );
    assert_eq!(
        parse("-c a.c -oa.o").unwrap().output,
        Some(PathBuf::from("a.o"))
    );
    // `--` ends the options.
    assert_eq!(
        parse("-c -- -weird.c").unwrap().inputs,
        vec![PathBuf::from("-weird.c")]
    );
    assert_eq!(parse("-E -").unwrap().inputs, vec![PathBuf::from("-")]);
}

#[test]
fn dependency_flags() {
    let d = parse("-c x.c -MD -MF x.d -MT t1 -MQ $t2 -MP").unwrap().deps;
    assert!(d.side_effect && !d.only_deps && d.system_headers && d.phony);
    assert_eq!(d.file, Some(PathBuf::from("x.d")));
    assert_eq!(d.targets, vec!["t1".to_string(), "$$t2".to_string()]);
    let d = parse("-c x.c -MMD -MFx.d").unwrap().deps;
    assert!(d.side_effect && !d.system_headers);
    assert_eq!(d.file, Some(PathBuf::from("x.d")));
    let inv = parse("-MM x.c").unwrap();
    assert!(inv.deps.only_deps && !inv.deps.system_headers);
    assert_eq!(inv.options.emit, Emit::Preprocessed);
    // kbuild's spelling.
    let d = parse("-c x.c -Wp,-MMD,dir/.x.o.d").unwrap().deps;
    assert!(d.side_effect && !d.system_headers);
    assert_eq!(d.file, Some(PathBuf::from("dir/.x.o.d")));
}

// ---------------------------------------------------------- dependency files

#[test]
fn dependency_rule_matches_clang() {
    // clang-19 -Iinc -isystem sys -MD -MP -c f.c -o out/f.o
    let files: Vec<String> = [
        "f.c",
        "inc/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.h",
        "inc/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.h",
        "sys/c.h",
    ]
    .map(String::from)
    .to_vec();
    let target = depfile::default_target(Path::new("f.c"), Some(Path::new("out/f.o")));
    assert_eq!(
        depfile::format_rule(&[target], &files, true),
        "out/f.o: f.c inc/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.h \\\n  \
         inc/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.h sys/c.h\n\
         inc/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.h:\n\
         inc/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.h:\n\
         sys/c.h:\n"
    );
    // -MMD -MT 'a$b c' -MQ 'a$b c' (system header left out by the caller).
    let targets = vec!["a$b c".to_string(), depfile::quote_target("a$b c")];
    assert_eq!(
        depfile::format_rule(&targets, &files[..3], false),
        "a$b c a$$b\\ c: f.c inc/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.h \\\n  \
         inc/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.h\n"
    );
    // -M without -o: the target is the input's stem.
    assert_eq!(depfile::default_target(Path::new("dir/f.c"), None), "f.o");
    assert_eq!(
        depfile::default_depfile(Path::new("f.c"), Some(Path::new("out/f.bpf.o"))),
        PathBuf::from("out/f.bpf.d")
    );
    assert_eq!(
        depfile::default_depfile(Path::new("src/f.c"), None),
        PathBuf::from("f.d")
    );
}

#[test]
fn dependency_file_escapes() {
    let files = vec![
        "my file.c".to_string(),
        "a#b$c.h".to_string(),
        "x\\ y.h".to_string(),
    ];
    assert_eq!(
        depfile::format_rule(&["t.o".to_string()], &files, false),
        "t.o: my\\ file.c a\\#b$$c.h x\\\\\\ y.h\n"
    );
    assert_eq!(depfile::quote_target("a b#c$d"), "a\\ b\\#c$$d");
}

// -------------------------------------------------------------- the binary

#[test]
fn binary_reports_bad_arguments() {
    let out = Command::new(env!("CARGO_BIN_EXE_bpfcc"))
        .args(["-c", "x.c", "-foo"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "bpfcc: error: unknown argument: '-foo'\n"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_bpfcc"))
        .args(["--target=bpf", "-mcpu=help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("\tv4\n"));
    let out = Command::new(env!("CARGO_BIN_EXE_bpfcc"))
        .args(["-c", "/nonexistent/x.c"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file or directory"));
}

// ---------------------------------------------------------------- ELF writer

const MOV64_K: u8 = BPF_ALU64 | BPF_MOV | BPF_K;
const MOV64_X: u8 = BPF_ALU64 | BPF_MOV | BPF_X;
const ADD64_K: u8 = BPF_ALU64 | BPF_ADD | BPF_K;
const ADD64_X: u8 = BPF_ALU64 | BPF_ADD | BPF_X;
const LDX_W: u8 = BPF_LDX | BPF_MEM | BPF_W;
const LD_DW: u8 = BPF_LD | BPF_IMM | BPF_DW;
const CALL: u8 = BPF_JMP | BPF_CALL;
const EXIT: u8 = BPF_JMP | BPF_EXIT;

fn mf(
    name: &str,
    section: &str,
    linkage: Linkage,
    insns: Vec<Insn>,
    relocs: Vec<Reloc>,
) -> MachFunction {
    MachFunction {
        name: name.into(),
        section: section.into(),
        linkage,
        insns,
        relocs,
        core_relos: vec![],
        lines: vec![],
        stack_size: 0,
        span: Span::default(),
    }
}

fn data(
    name: &str,
    section: &str,
    linkage: Linkage,
    bytes: &[u8],
    size: u64,
    align: u64,
) -> DataObject {
    DataObject {
        name: name.into(),
        section: section.into(),
        linkage,
        is_extern: false,
        size,
        align,
        bytes: bytes.to_vec(),
        relocs: vec![],
        span: Span::default(),
    }
}

fn ir_function(module: &mut Module, name: &str, section: &str, linkage: Linkage) -> FuncId {
    let mut f = Function::new(name, section, vec![], Some(Type::I32));
    f.linkage = linkage;
    module.functions.push(f)
}

fn call(target: FuncId, at: usize) -> Reloc {
    Reloc {
        insn: at,
        kind: RelocKind::Call,
        target: RelocTarget::Func(target),
        addend: 0,
    }
}

fn ld64(target: DataId, at: usize, addend: i64) -> Reloc {
    Reloc {
        insn: at,
        kind: RelocKind::Ld64,
        target: RelocTarget::Data(target),
        addend,
    }
}

fn i(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> Insn {
    Insn::new(code, dst, src, off, imm)
}

/// The smallest program: `r0 = 0; exit` in `socket`, with a license.
fn minimal() -> (Module, Vec<MachFunction>) {
    let mut m = Module::default();
    ir_function(&mut m, "prog", "socket", Linkage::Global);
    m.data
        .push(data("_license", "license", Linkage::Global, b"GPL\0", 4, 1));
    let f = mf(
        "prog",
        "socket",
        Linkage::Global,
        vec![i(MOV64_K, 0, 0, 0, 0), i(EXIT, 0, 0, 0, 0)],
        vec![],
    );
    (m, vec![f])
}

/// `xdp` program calling a static and a global subprogram in `.text` (the
/// global one calls the static one: a same-section call) and reading a global
/// and a static variable of `.data`; it returns
/// `ssub() + gsub() + gvar + svar + rodata` = 2 + 3 + 5 + 7 + 11 = 28.
fn with_calls_and_data() -> (Module, Vec<MachFunction>) {
    let mut m = Module::default();
    let gsub = ir_function(&mut m, "gsub", ".text", Linkage::Global);
    let ssub = ir_function(&mut m, "ssub", ".text", Linkage::Local);
    ir_function(&mut m, "prog", "xdp", Linkage::Global);
    let gvar = m.data.push(data(
        "gvar",
        ".data",
        Linkage::Global,
        &5u32.to_le_bytes(),
        4,
        4,
    ));
    let svar = m.data.push(data(
        "svar",
        ".data",
        Linkage::Local,
        &[0, 0, 0, 0, 7, 0, 0, 0],
        8,
        4,
    ));
    let ro = m.data.push(data(
        "ro",
        ".rodata",
        Linkage::Global,
        &11u64.to_le_bytes(),
        8,
        8,
    ));
    m.data
        .push(data("counter", ".bss", Linkage::Global, &[], 8, 8));
    m.data
        .push(data("_license", "license", Linkage::Global, b"GPL\0", 4, 1));
    let gsub_f = mf(
        "gsub",
        ".text",
        Linkage::Global,
        vec![
            i(CALL, 0, BPF_PSEUDO_CALL, 0, 0),
            i(ADD64_K, 0, 0, 0, 1),
            i(EXIT, 0, 0, 0, 0),
        ],
        vec![call(ssub, 0)],
    );
    let ssub_f = mf(
        "ssub",
        ".text",
        Linkage::Local,
        vec![i(MOV64_K, 0, 0, 0, 2), i(EXIT, 0, 0, 0, 0)],
        vec![],
    );
    let prog = mf(
        "prog",
        "xdp",
        Linkage::Global,
        vec![
            i(CALL, 0, BPF_PSEUDO_CALL, 0, 0),
            i(MOV64_X, 6, 0, 0, 0),
            i(CALL, 0, BPF_PSEUDO_CALL, 0, 0),
            i(ADD64_X, 6, 0, 0, 0),
            i(LD_DW, 1, 0, 0, 0),
            i(0, 0, 0, 0, 0),
            i(LDX_W, 1, 1, 0, 0),
            i(ADD64_X, 6, 1, 0, 0),
            i(LD_DW, 1, 0, 0, 0),
            i(0, 0, 0, 0, 0),
            i(LDX_W, 1, 1, 0, 0),
            i(ADD64_X, 6, 1, 0, 0),
            i(LD_DW, 1, 0, 0, 0),
            i(0, 0, 0, 0, 0),
            i(LDX_W, 1, 1, 0, 0),
            i(ADD64_X, 6, 1, 0, 0),
            i(MOV64_X, 0, 6, 0, 0),
            i(EXIT, 0, 0, 0, 0),
        ],
        vec![
            call(ssub, 0),
            call(gsub, 2),
            ld64(gvar, 4, 0),
            // svar's value is 4 bytes into it.
            ld64(svar, 8, 4),
            ld64(ro, 12, 0),
        ],
    );
    (m, vec![gsub_f, ssub_f, prog])
}

fn section_bytes<'a>(elf: &'a ElfFile64<'a>, name: &str) -> &'a [u8] {
    elf.section_by_name(name)
        .unwrap_or_else(|| panic!("no section {name}"))
        .data()
        .unwrap()
}

/// (offset, r_type, symbol name or section name for section symbols).
fn relocations(elf: &ElfFile64, section: &str) -> Vec<(u64, u32, String)> {
    let s = elf.section_by_name(section).unwrap();
    s.relocations()
        .map(|(off, r)| {
            let RelocationFlags::Elf { r_type } = r.flags() else {
                panic!("not an ELF relocation")
            };
            let RelocationTarget::Symbol(idx) = r.target() else {
                panic!("relocation without symbol")
            };
            assert!(r.has_implicit_addend(), "BPF uses REL");
            let sym = elf.symbol_by_index(idx).unwrap();
            let name = if sym.kind() == SymbolKind::Section {
                elf.section_by_index(sym.section_index().unwrap())
                    .unwrap()
                    .name()
                    .unwrap()
                    .to_string()
            } else {
                sym.name().unwrap().to_string()
            };
            (off, r_type, name)
        })
        .collect()
}

fn insn_at(bytes: &[u8], slot: usize) -> Insn {
    Insn::decode(&bytes[slot * 8..slot * 8 + 8])
}

#[test]
fn minimal_object_layout() {
    let (m, f) = minimal();
    let bytes = write_object_file(&m, &f, Some("prog.c")).unwrap();
    let elf = ElfFile64::<object::Endianness>::parse(&*bytes).unwrap();
    let header = elf.elf_header();
    assert_eq!(
        header.e_machine.get(object::Endianness::Little),
        object::elf::EM_BPF
    );
    assert_eq!(
        header.e_type.get(object::Endianness::Little),
        object::elf::ET_REL
    );
    assert!(elf.is_little_endian() && elf.is_64());

    let text = elf.section_by_name("socket").unwrap();
    assert_eq!(text.kind(), SectionKind::Text);
    assert_eq!(text.align(), 8);
    assert_eq!(
        text.data().unwrap(),
        &[0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]
    );
    // An empty `.text`, as clang writes it.
    let text = elf.section_by_name(".text").unwrap();
    assert_eq!((text.size(), text.align()), (0, 4));
    let license = elf.section_by_name("license").unwrap();
    assert_eq!(license.data().unwrap(), b"GPL\0");
    assert_eq!(license.kind(), SectionKind::Data);

    let syms: Vec<_> = elf.symbols().collect();
    // The file symbol first, as clang writes it.
    assert_eq!(syms[0].kind(), SymbolKind::File);
    assert_eq!(syms[0].name().unwrap(), "prog.c");
    let prog = elf.symbol_by_name("prog").unwrap();
    assert_eq!(prog.kind(), SymbolKind::Text);
    assert!(prog.is_global());
    assert_eq!((prog.address(), prog.size()), (0, 16));
    let lic = elf.symbol_by_name("_license").unwrap();
    assert_eq!(lic.kind(), SymbolKind::Data);
    assert_eq!(lic.size(), 4);
    // Same input, same bytes.
    assert_eq!(bytes, write_object_file(&m, &f, Some("prog.c")).unwrap());
    assert_eq!(write_object(&m, &f), write_object(&m, &f));
}

#[test]
fn relocations_are_encoded_like_clang() {
    let (m, f) = with_calls_and_data();
    let bytes = write_object(&m, &f);
    let elf = ElfFile64::<object::Endianness>::parse(&*bytes).unwrap();

    // .text: gsub (slots 0-2) then ssub (slots 3-4). gsub's call to the static
    // ssub in the same section is resolved in place: imm = 3 - (0 + 1).
    let text = section_bytes(&elf, ".text");
    assert_eq!(text.len(), 5 * 8);
    assert_eq!(insn_at(text, 0).imm, 2);
    assert!(elf.section_by_name(".rel.text").is_none());

    let xdp = section_bytes(&elf, "xdp");
    // Static callee in another section: against `.text`, imm = slot - 1.
    assert_eq!(insn_at(xdp, 0).imm, 3 - 1);
    // Global callee: against its symbol, imm = -1.
    assert_eq!(insn_at(xdp, 2).imm, -1);
    // Global variable: its symbol, imm = addend.
    assert_eq!(insn_at(xdp, 4).imm, 0);
    // Static variable at offset 4 of .data plus addend 4: `.data`, imm = 8.
    assert_eq!(insn_at(xdp, 8).imm, 8);
    assert_eq!(insn_at(xdp, 9).imm, 0);
    assert_eq!(
        relocations(&elf, "xdp"),
        vec![
            (0, 10, ".text".to_string()),
            (16, 10, "gsub".to_string()),
            (32, 1, "gvar".to_string()),
            (64, 1, ".data".to_string()),
            (96, 1, "ro".to_string()),
        ]
    );
    let rel = elf.section_by_name(".relxdp").unwrap();
    assert_eq!(rel.kind(), SectionKind::Metadata);

    // Data sections: contents, flags, NOBITS .bss.
    assert_eq!(
        section_bytes(&elf, ".data"),
        &[5, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0]
    );
    assert_eq!(elf.section_by_name(".data").unwrap().align(), 4);
    assert_eq!(
        elf.section_by_name(".rodata").unwrap().kind(),
        SectionKind::ReadOnlyData
    );
    let bss = elf.section_by_name(".bss").unwrap();
    assert_eq!(bss.kind(), SectionKind::UninitializedData);
    assert_eq!(bss.size(), 8);

    // Symbols: static ones local, at their offsets.
    let ssub = elf.symbol_by_name("ssub").unwrap();
    assert!(ssub.is_local());
    assert_eq!((ssub.address(), ssub.size()), (24, 16));
    let svar = elf.symbol_by_name("svar").unwrap();
    assert!(svar.is_local());
    assert_eq!(svar.address(), 4);
    assert_eq!(svar.kind(), SymbolKind::Data);
    // Local symbols come first in an ELF symbol table.
    let first_global = elf.symbols().position(|s| s.is_global()).unwrap();
    assert!(elf.symbols().skip(first_global).all(|s| s.is_global()));
}

#[test]
fn externs_weak_functions_and_addresses_in_data() {
    let mut m = Module::default();
    let cb = ir_function(&mut m, "cb", ".text", Linkage::Local);
    let weak = ir_function(&mut m, "wf", ".text", Linkage::Weak);
    ir_function(&mut m, "prog", "tc", Linkage::Global);
    let arr = m.data.push(data(
        "arr",
        ".data",
        Linkage::Local,
        &[1, 0, 0, 0, 2, 0, 0, 0],
        8,
        4,
    ));
    let mut ptrs = data("ptrs", ".data", Linkage::Global, &[0; 16], 16, 8);
    ptrs.relocs = vec![
        (0, SymbolTarget::Data(arr), 4),
        (8, SymbolTarget::Func(cb), 0),
    ];
    m.data.push(ptrs);
    let hz = m.data.push(DataObject {
        is_extern: true,
        ..data("CONFIG_HZ", ".kconfig", Linkage::Weak, &[], 4, 4)
    });
    let lit = m.data.push(data(
        ".str",
        ".rodata.str1.1",
        Linkage::Local,
        b"hi\0",
        3,
        1,
    ));
    let funcs = vec![
        mf(
            "cb",
            ".text",
            Linkage::Local,
            vec![i(MOV64_K, 0, 0, 0, 0), i(EXIT, 0, 0, 0, 0)],
            vec![],
        ),
        mf(
            "wf",
            ".text",
            Linkage::Weak,
            vec![i(MOV64_K, 0, 0, 0, 1), i(EXIT, 0, 0, 0, 0)],
            vec![],
        ),
        mf(
            "prog",
            "tc",
            Linkage::Global,
            vec![
                i(LD_DW, 2, 0, 0, 0),
                i(0, 0, 0, 0, 0),
                i(CALL, 0, 0, 0, 181),
                i(CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, 0),
                i(LD_DW, 1, 0, 0, 0),
                i(0, 0, 0, 0, 0),
                i(CALL, 0, BPF_PSEUDO_CALL, 0, 0),
                i(LD_DW, 1, 0, 0, 0),
                i(0, 0, 0, 0, 0),
                i(EXIT, 0, 0, 0, 0),
            ],
            vec![
                Reloc {
                    insn: 0,
                    kind: RelocKind::Ld64,
                    target: RelocTarget::Func(cb),
                    addend: 0,
                },
                Reloc {
                    insn: 3,
                    kind: RelocKind::Call,
                    target: RelocTarget::Extern("bpf_kfunc_x".into()),
                    addend: 0,
                },
                ld64(hz, 4, 0),
                call(weak, 6),
                ld64(lit, 7, 1),
            ],
        ),
    ];
    let bytes = write_object(&m, &funcs);
    let elf = ElfFile64::<object::Endianness>::parse(&*bytes).unwrap();
    let tc = section_bytes(&elf, "tc");
    // &cb (static, at offset 0 of .text): `.text`, imm = byte offset.
    assert_eq!(insn_at(tc, 0).imm, 0);
    assert_eq!(insn_at(tc, 3).imm, -1);
    assert_eq!(insn_at(tc, 6).imm, -1);
    // The string literal has no symbol: section symbol, imm = its offset + 1.
    assert_eq!(insn_at(tc, 7).imm, 1);
    assert!(elf.symbol_by_name(".str").is_none());
    assert_eq!(
        relocations(&elf, "tc"),
        vec![
            (0, 1, ".text".to_string()),
            (24, 10, "bpf_kfunc_x".to_string()),
            (32, 1, "CONFIG_HZ".to_string()),
            (48, 10, "wf".to_string()),
            (56, 1, ".rodata.str1.1".to_string()),
        ]
    );
    let hz = elf.symbol_by_name("CONFIG_HZ").unwrap();
    assert!(hz.is_undefined() && hz.is_weak());
    assert_eq!(hz.section(), SymbolSection::Undefined);
    let kf = elf.symbol_by_name("bpf_kfunc_x").unwrap();
    assert!(kf.is_undefined() && kf.is_global() && !kf.is_weak());
    assert!(elf.symbol_by_name("wf").unwrap().is_weak());
    // Addresses in data: R_BPF_64_ABS64 against `.data`/`.text`, the offset
    // in the data (arr is at 0 of .data, plus addend 4; cb at 0 of .text).
    assert_eq!(
        relocations(&elf, ".data"),
        vec![(8, 2, ".data".to_string()), (16, 2, ".text".to_string())]
    );
    let d = section_bytes(&elf, ".data");
    assert_eq!(&d[8..16], &4u64.to_le_bytes());
    assert_eq!(&d[16..24], &0u64.to_le_bytes());
    let strs = elf.section_by_name(".rodata.str1.1").unwrap();
    assert_eq!(strs.kind(), SectionKind::ReadOnlyString);
}

#[test]
fn inconsistent_machine_code_is_an_error() {
    let (m, mut f) = minimal();
    f[0].relocs.push(Reloc {
        insn: 5,
        kind: RelocKind::Call,
        target: RelocTarget::Extern("x".into()),
        addend: 0,
    });
    let e = write_object_file(&m, &f, None).unwrap_err();
    assert!(e.0.contains("outside function"), "{e}");
    let (m, mut f) = minimal();
    f[0].relocs.push(Reloc {
        insn: 0,
        kind: RelocKind::Ld64,
        target: RelocTarget::Extern("x".into()),
        addend: 0,
    });
    f[0].insns.push(i(EXIT, 0, 0, 0, 0));
    let e = write_object_file(&m, &f, None).unwrap_err();
    assert!(e.0.contains("ld_imm64"), "{e}");
    // A call to a function the back end left out.
    let (mut m, mut f) = minimal();
    let gone = ir_function(&mut m, "gone", ".text", Linkage::Local);
    f[0].insns.insert(0, i(CALL, 0, BPF_PSEUDO_CALL, 0, -1));
    f[0].relocs.push(call(gone, 0));
    let e = write_object_file(&m, &f, None).unwrap_err();
    assert!(e.0.contains("`gone`, which has no machine code"), "{e}");
}

// ------------------------------------------------- loading into the kernel

/// A bpffs directory for this test, removed on drop.
struct Pins(PathBuf);

impl Drop for Pins {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Loads `object` with `bpftool prog loadall`; `None` (with a SKIP line) when
/// bpftool, bpffs or the permission is missing.
fn load_with_bpftool(name: &str, object: &[u8]) -> Option<(Pins, Vec<String>)> {
    if Command::new("bpftool").arg("version").output().is_err() {
        eprintln!("SKIP: bpftool not installed");
        return None;
    }
    if !Path::new("/sys/fs/bpf").is_dir() {
        eprintln!("SKIP: /sys/fs/bpf not mounted");
        return None;
    }
    let dir = std::env::temp_dir().join(format!("bpfcc-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let obj = dir.join("prog.o");
    std::fs::write(&obj, object).unwrap();
    let pins = Pins(PathBuf::from(format!(
        "/sys/fs/bpf/bpfcc-cli-{}-{name}",
        std::process::id()
    )));
    let out = Command::new("bpftool")
        .args(["prog", "loadall"])
        .arg(&obj)
        .arg(&pins.0)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        if stderr.contains("Operation not permitted") || stderr.contains("Permission denied") {
            eprintln!("SKIP: no permission to load BPF programs");
            return None;
        }
        panic!("bpftool refused the object:\n{stderr}");
    }
    let mut progs: Vec<String> = std::fs::read_dir(&pins.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    progs.sort();
    Some((pins, progs))
}

#[test]
fn minimal_object_loads() {
    let (m, f) = minimal();
    if let Some((_pins, progs)) = load_with_bpftool("minimal", &write_object(&m, &f)) {
        assert_eq!(progs, vec!["prog".to_string()]);
    }
}

#[test]
fn calls_and_data_load_and_compute() {
    let (m, f) = with_calls_and_data();
    let Some((pins, progs)) = load_with_bpftool("calls", &write_object(&m, &f)) else {
        return;
    };
    // libbpf turned the global subprogram into part of `prog`, not a program.
    assert_eq!(progs, vec!["prog".to_string()]);
    // Run it: the return value proves every relocation landed.
    let packet = std::env::temp_dir().join(format!("bpfcc-cli-{}-pkt", std::process::id()));
    std::fs::write(&packet, [0u8; 64]).unwrap();
    let out = Command::new("bpftool")
        .args(["prog", "run", "pinned"])
        .arg(pins.0.join("prog"))
        .arg("data_in")
        .arg(&packet)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&packet);
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        eprintln!(
            "SKIP: bpftool prog run failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    assert!(stdout.contains("Return value: 28"), "{stdout}");
}

// ------------------------------------------- against clang's own objects

/// Rebuilds the module and machine code clang compiled `source` to (from its
/// object: functions, data objects, relocations turned back into targets),
/// zeroes every immediate a relocation determines, writes the object again
/// and checks that sections, symbols, relocations and instruction bytes come
/// out exactly as clang wrote them.
fn roundtrip_clang(name: &str, source: &str) {
    let dir = std::env::temp_dir().join(format!("bpfcc-cli-{}-rt-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let c = dir.join(format!("{name}.c"));
    let o = dir.join(format!("{name}.o"));
    std::fs::write(&c, source).unwrap();
    let status = Command::new("clang-19")
        .args(["--target=bpf", "-O2", "-c"])
        .arg(&c)
        .arg("-o")
        .arg(&o)
        .status();
    let clang_bytes = match status {
        Ok(s) if s.success() => std::fs::read(&o).unwrap(),
        Ok(_) => panic!("clang-19 failed on {name}"),
        Err(_) => {
            eprintln!("SKIP: clang-19 not installed");
            let _ = std::fs::remove_dir_all(&dir);
            return;
        }
    };
    let _ = std::fs::remove_dir_all(&dir);
    let clang = ElfFile64::<object::Endianness>::parse(&*clang_bytes).unwrap();
    let (module, functions) = rebuild(&clang);
    let ours_bytes = write_object_file(&module, &functions, Some(&format!("{name}.c"))).unwrap();
    let ours = ElfFile64::<object::Endianness>::parse(&*ours_bytes).unwrap();

    let sections = |e: &ElfFile64| -> Vec<String> {
        e.sections()
            .filter(|s| {
                let n = s.name().unwrap();
                !n.is_empty()
                    && n != ".llvm_addrsig"
                    && !matches!(n, ".strtab" | ".symtab" | ".shstrtab")
                    && !n.starts_with(".rel")
            })
            .map(|s| s.name().unwrap().to_string())
            .collect()
    };
    assert_eq!(sections(&ours), sections(&clang), "{name}: section order");
    for s in sections(&clang) {
        let (a, b) = (
            clang.section_by_name(&s).unwrap(),
            ours.section_by_name(&s).unwrap(),
        );
        assert_eq!(b.kind(), a.kind(), "{name}: kind of {s}");
        assert_eq!(b.align(), a.align(), "{name}: alignment of {s}");
        assert_eq!(b.size(), a.size(), "{name}: size of {s}");
        assert_eq!(b.flags(), a.flags(), "{name}: flags of {s}");
        if a.kind() != SectionKind::UninitializedData {
            assert_eq!(b.data().unwrap(), a.data().unwrap(), "{name}: bytes of {s}");
        }
        assert_eq!(
            relocations(&ours, &s),
            relocations(&clang, &s),
            "{name}: relocations of {s}"
        );
    }
    let symbols = |e: &ElfFile64| {
        let mut v: Vec<String> = e
            .symbols()
            .filter(|s| s.kind() != SymbolKind::Section)
            .map(|s| {
                let section = s
                    .section_index()
                    .map(|i| e.section_by_index(i).unwrap().name().unwrap().to_string());
                format!(
                    "{} {:?} global={} weak={} {:?} {} {}",
                    s.name().unwrap(),
                    s.kind(),
                    s.is_global(),
                    s.is_weak(),
                    section,
                    s.address(),
                    s.size()
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(symbols(&ours), symbols(&clang), "{name}: symbols");
}

/// The module and machine functions behind a clang object.
fn rebuild(elf: &ElfFile64) -> (Module, Vec<MachFunction>) {
    use std::collections::BTreeMap;
    let mut m = Module::default();
    let mut funcs: Vec<MachFunction> = Vec::new();
    // (section index, address) -> function / data object
    let mut func_at: BTreeMap<(usize, u64), (FuncId, usize)> = BTreeMap::new();
    let mut data_at: BTreeMap<(usize, u64), (DataId, u64)> = BTreeMap::new();
    let linkage = |s: &object::read::elf::ElfSymbol64<object::Endianness>| {
        if s.is_weak() {
            Linkage::Weak
        } else if s.is_global() {
            Linkage::Global
        } else {
            Linkage::Local
        }
    };
    for section in elf.sections() {
        let sname = section.name().unwrap().to_string();
        let idx = section.index().0;
        let mut syms: Vec<_> = elf
            .symbols()
            .filter(|s| {
                s.section_index().map(|i| i.0) == Some(idx) && s.kind() != SymbolKind::Section
            })
            .collect();
        syms.sort_by_key(|s| s.address());
        match section.kind() {
            SectionKind::Text => {
                let bytes = section.data().unwrap();
                for s in syms {
                    let (a, n) = (s.address() as usize, s.size() as usize);
                    let insns = bytes[a..a + n].chunks(8).map(Insn::decode).collect();
                    let mut f = Function::new(s.name().unwrap(), sname.clone(), vec![], None);
                    f.linkage = linkage(&s);
                    let id = m.functions.push(f);
                    func_at.insert((idx, s.address()), (id, funcs.len()));
                    funcs.push(mf(s.name().unwrap(), &sname, linkage(&s), insns, vec![]));
                }
            }
            SectionKind::Data
            | SectionKind::ReadOnlyData
            | SectionKind::ReadOnlyString
            | SectionKind::UninitializedData => {
                let bss = section.kind() == SectionKind::UninitializedData;
                let bytes = if bss {
                    &[][..]
                } else {
                    section.data().unwrap()
                };
                // Objects, with private (symbol-less) ones for the gaps.
                let mut objects: Vec<(String, Linkage, u64, u64)> = Vec::new();
                let mut end = 0;
                for s in &syms {
                    if s.address() > end {
                        objects.push((
                            format!(".L.gap{end}"),
                            Linkage::Local,
                            end,
                            s.address() - end,
                        ));
                    }
                    objects.push((s.name().unwrap().into(), linkage(s), s.address(), s.size()));
                    end = s.address() + s.size();
                }
                if end < section.size() {
                    objects.push((
                        format!(".L.tail{end}"),
                        Linkage::Local,
                        end,
                        section.size() - end,
                    ));
                }
                for (oname, link, addr, size) in objects {
                    let align = if addr == 0 {
                        section.align()
                    } else {
                        (1u64 << addr.trailing_zeros()).min(section.align())
                    };
                    let contents = if bss {
                        vec![]
                    } else {
                        bytes[addr as usize..(addr + size) as usize].to_vec()
                    };
                    let id = m
                        .data
                        .push(data(&oname, &sname, link, &contents, size, align));
                    data_at.insert((idx, addr), (id, size));
                }
            }
            _ => {}
        }
    }
    let find_data = |section: usize, offset: u64| -> (DataId, u64) {
        let (&(_, start), &(id, _)) = data_at
            .range((section, 0)..=(section, offset))
            .next_back()
            .unwrap();
        (id, offset - start)
    };
    let mut externs: BTreeMap<String, DataId> = BTreeMap::new();
    let mut pending_data_relocs = Vec::new();
    for section in elf.sections() {
        let idx = section.index().0;
        for (off, r) in section.relocations() {
            let RelocationFlags::Elf { r_type } = r.flags() else {
                unreachable!()
            };
            let RelocationTarget::Symbol(si) = r.target() else {
                unreachable!()
            };
            let sym = elf.symbol_by_index(si).unwrap();
            if section.kind() != SectionKind::Text {
                // An address in data: the implicit addend is in the bytes.
                let implicit = u64::from_le_bytes(
                    section.data().unwrap()[off as usize..off as usize + 8]
                        .try_into()
                        .unwrap(),
                );
                let (obj, within) = find_data(idx, off);
                let target = if sym.kind() == SymbolKind::Section {
                    let ti = sym.section_index().unwrap().0;
                    match elf
                        .section_by_index(sym.section_index().unwrap())
                        .unwrap()
                        .kind()
                    {
                        SectionKind::Text => (SymbolTarget::Func(func_at[&(ti, implicit)].0), 0),
                        _ => {
                            let (d, o) = find_data(ti, implicit);
                            (SymbolTarget::Data(d), o as i64)
                        }
                    }
                } else if sym.kind() == SymbolKind::Text {
                    let ti = sym.section_index().unwrap().0;
                    (
                        SymbolTarget::Func(func_at[&(ti, sym.address())].0),
                        implicit as i64,
                    )
                } else {
                    let ti = sym.section_index().unwrap().0;
                    (
                        SymbolTarget::Data(data_at[&(ti, sym.address())].0),
                        implicit as i64,
                    )
                };
                assert_eq!(r_type, 2);
                pending_data_relocs.push((obj, within, target.0, target.1));
                continue;
            }
            let (&(_, fstart), &(_, fi)) =
                func_at.range((idx, 0)..=(idx, off)).next_back().unwrap();
            let slot = ((off - fstart) / 8) as usize;
            let insn = funcs[fi].insns[slot];
            let kind = if r_type == 10 {
                RelocKind::Call
            } else {
                RelocKind::Ld64
            };
            let imm = insn.imm as i64 as u64 & 0xffff_ffff;
            let (target, addend) = if sym.is_undefined() {
                let name = sym.name().unwrap().to_string();
                if kind == RelocKind::Call {
                    (RelocTarget::Extern(name), 0)
                } else {
                    let link = linkage(&sym);
                    let id = *externs.entry(name.clone()).or_insert_with(|| {
                        m.data.push(DataObject {
                            is_extern: true,
                            ..data(&name, ".ksyms", link, &[], 0, 1)
                        })
                    });
                    (RelocTarget::Data(id), imm as i64)
                }
            } else {
                let ti = sym.section_index().unwrap().0;
                let target_is_text = elf
                    .section_by_index(sym.section_index().unwrap())
                    .unwrap()
                    .kind()
                    == SectionKind::Text;
                let at = if sym.kind() == SymbolKind::Section {
                    if kind == RelocKind::Call {
                        (insn.imm as i64 + 1) as u64 * 8
                    } else {
                        imm
                    }
                } else {
                    sym.address()
                };
                if target_is_text {
                    (RelocTarget::Func(func_at[&(ti, at)].0), 0)
                } else if sym.kind() == SymbolKind::Section {
                    let (d, o) = find_data(ti, at);
                    (RelocTarget::Data(d), o as i64)
                } else {
                    (RelocTarget::Data(data_at[&(ti, at)].0), imm as i64)
                }
            };
            // The writer must compute these immediates itself.
            funcs[fi].insns[slot].imm = 0;
            funcs[fi].relocs.push(Reloc {
                insn: slot,
                kind,
                target,
                addend,
            });
        }
    }
    for (obj, within, target, addend) in pending_data_relocs {
        let d = &mut m.data[obj];
        d.bytes[within as usize..within as usize + 8].fill(0);
        d.relocs.push((within, target, addend));
    }
    // BPF-to-BPF calls clang resolved in place (static callee, same section).
    let starts: BTreeMap<(String, u64), FuncId> = func_at
        .iter()
        .map(|(&(si, a), &(id, _))| {
            (
                (
                    elf.section_by_index(object::SectionIndex(si))
                        .unwrap()
                        .name()
                        .unwrap()
                        .to_string(),
                    a,
                ),
                id,
            )
        })
        .collect();
    let offsets: Vec<u64> = {
        let mut v = vec![0; funcs.len()];
        for (&(_, a), &(_, fi)) in &func_at {
            v[fi] = a;
        }
        v
    };
    for (fi, f) in funcs.iter_mut().enumerate() {
        for slot in 0..f.insns.len() {
            let insn = f.insns[slot];
            if insn.code == CALL
                && insn.src == BPF_PSEUDO_CALL
                && !f.relocs.iter().any(|r| r.insn == slot)
            {
                let target = (offsets[fi] / 8) as i64 + slot as i64 + 1 + insn.imm as i64;
                let id = starts[&(f.section.clone(), target as u64 * 8)];
                f.insns[slot].imm = 0;
                f.relocs.push(Reloc {
                    insn: slot,
                    kind: RelocKind::Call,
                    target: RelocTarget::Func(id),
                    addend: 0,
                });
            }
        }
    }
    (m, funcs)
}

#[test]
fn same_object_as_clang_calls_and_data() {
    roundtrip_clang(
        "calls",
        r#"
#define SEC(n) __attribute__((section(n), used))
int gvar = 5;
static int svar1 = 6;
static int svar2 = 7;
int bssv;
const volatile int rov = 3;
char _license[] SEC("license") = "GPL";
static __attribute__((noinline)) int sf(int x) { return x + svar2 + svar1; }
__attribute__((noinline)) int gf(int x) { return x * gvar + bssv; }
__attribute__((noinline)) __attribute__((weak)) int wf(int x) { return x - 1; }
static __attribute__((noinline)) int sf3(int x) { return sf(x) + gf(x); }
int tf(int x) { return sf3(x) + 1; }
SEC("socket") int prog1(void *ctx) { svar1++; return sf(1) + gf(2) + rov + wf(3); }
SEC("socket") int prog2(void *ctx) { return sf(4) + tf(2); }
SEC("xdp") int prog3(void *ctx) { return gf(5); }
"#,
    );
}

#[test]
fn same_object_as_clang_externs_and_pointers() {
    roundtrip_clang(
        "externs",
        r#"
#define SEC(n) __attribute__((section(n), used))
extern int bpf_kfunc_x(int) __attribute__((section(".ksyms")));
extern int CONFIG_HZ __attribute__((section(".kconfig"), weak));
static long (*bpf_loop)(unsigned nr, void *cb, void *ctx, unsigned long flags) = (void *) 181;
static int cb(unsigned i, void *ctx) { return 0; }
int gcb(unsigned i, void *ctx) { return 1; }
static int arr[4] = {1,2,3,4};
int *ptrs[2] = { &arr[1], &arr[2] };
struct inner { int type; int max_entries; };
struct inner im SEC(".maps");
static struct inner sim SEC(".maps");
struct { int type; void *values[2]; } outer SEC(".maps") = { .values = { &im, &sim } };
const char msg[] = "hello";
extern void take(const char *);
SEC("tc") int prog1(void *ctx) {
  bpf_loop(1, cb, 0, 0); bpf_loop(1, gcb, 0, 0);
  take("a literal"); take(msg);
  return bpf_kfunc_x(2) + CONFIG_HZ + arr[2] + *ptrs[1];
}
"#,
    );
}

#[test]
fn same_object_as_clang_program_sections_only() {
    roundtrip_clang(
        "sections",
        r#"
#define SEC(n) __attribute__((section(n), used))
char _license[] SEC("license") = "Dual BSD/GPL";
unsigned int _version SEC("version") = 1;
static volatile long counts[3];
SEC("xdp") int count(void *ctx) { counts[1]++; return 2; }
SEC("tc/ingress") int pass(void *ctx) { return counts[1] > 3; }
SEC("socket") int drop(void *ctx) { return 0; }
SEC("socket") int keep(void *ctx) { return -1; }
"#,
    );
}

// ------------------------------------------ the binary with the front end

/// A scratch directory with `f.c` including two headers from `inc/` and one
/// from the system directory `sys/`, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("bpfcc-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for sub in ["inc", "sys", "out"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        let write = |p: &str, s: &str| std::fs::write(dir.join(p), s).unwrap();
        write("inc/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.h", "#define A 1\n");
        write(
            "inc/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.h",
            "#define B 2\n",
        );
        write("sys/c.h", "#define C 3\n");
        write(
            "f.c",
            "#include \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.h\"\n\
             #include \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.h\"\n\
             #include <c.h>\n\
             int x = A + B + C + VAL;\n",
        );
        Scratch(dir)
    }

    fn run(&self, program: &str, args: &[&str]) -> std::process::Output {
        Command::new(program)
            .args(args)
            .current_dir(&self.0)
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"))
    }

    fn read(&self, p: &str) -> String {
        std::fs::read_to_string(self.0.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const BPFCC: &str = env!("CARGO_BIN_EXE_bpfcc");

fn have_clang() -> bool {
    Command::new("clang-19").arg("--version").output().is_ok()
}

#[test]
fn dependency_files_end_to_end() {
    let s = Scratch::new("deps");
    let base = [
        "-Iinc",
        "-isystem",
        "sys",
        "-DVAL=4",
        "-fsyntax-only",
        "f.c",
    ];
    let expect_md = "out/f.o: f.c inc/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.h \\\n  \
                     inc/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.h sys/c.h\n\
                     inc/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.h:\n\
                     inc/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.h:\n\
                     sys/c.h:\n";
    let md = [
        &base[..],
        &["-MD", "-MP", "-MF", "out/f.d", "-MT", "out/f.o"],
    ]
    .concat();
    let out = s.run(BPFCC, &md);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(s.read("out/f.d"), expect_md);
    // -MMD leaves the system header out; -M prints to stdout.
    let out = s.run(BPFCC, &[&base[..], &["-MM"]].concat());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "f.o: f.c inc/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.h \\\n  \
         inc/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.h\n"
    );
    // Files next to the main one and `-I.` headers are written without
    // `./`, as clang writes them (`./m.c` too).
    std::fs::write(s.0.join("near.h"), "#define NEAR 5\n").unwrap();
    std::fs::write(
        s.0.join("m.c"),
        "#include \"near.h\"\n#include <c.h>\nint y = NEAR;\n",
    )
    .unwrap();
    let out = s.run(BPFCC, &["-I.", "-Isys", "-M", "./m.c"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "m.o: m.c near.h sys/c.h\n"
    );
    // kbuild's -Wp,-MMD,file.
    let out = s.run(BPFCC, &[&base[..], &["-Wp,-MMD,out/k.d"]].concat());
    assert!(out.status.success());
    assert!(s.read("out/k.d").starts_with("f.o: f.c inc/"));
    if !have_clang() {
        eprintln!("SKIP: clang-19 not installed");
        return;
    }
    for extra in [
        &["-MD", "-MP", "-MF", "out/c.d", "-MT", "out/f.o"][..],
        &["-MMD", "-MF", "out/c.d", "-MQ", "a$b c"][..],
    ] {
        let clang = s.run(
            "clang-19",
            &[&["--target=bpf"][..], &base[..], extra].concat(),
        );
        assert!(clang.status.success());
        let clang_rule = s.read("out/c.d");
        let ours = s.run(BPFCC, &[&base[..], extra].concat());
        assert!(ours.status.success());
        assert_eq!(s.read("out/c.d"), clang_rule, "{extra:?}");
    }
}

#[test]
fn preprocess_and_check_end_to_end() {
    let s = Scratch::new("pp");
    let out = s.run(
        BPFCC,
        &["-Iinc", "-isystem", "sys", "-DVAL=40", "-E", "f.c"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("int x = 1 + 2 + 3 + 40;"), "{text}");
    // -o writes the file instead.
    let out = s.run(
        BPFCC,
        &[
            "-Iinc", "-isystem", "sys", "-DVAL=1", "-E", "f.c", "-o", "out/f.i",
        ],
    );
    assert!(out.status.success() && out.stdout.is_empty());
    assert!(s.read("out/f.i").contains("int x = 1 + 2 + 3 + 1;"));
    // Without -DVAL the checker finds the undeclared identifier: exit 1, the
    // position first, clang's summary last.
    let out = s.run(BPFCC, &["-Iinc", "-isystem", "sys", "-fsyntax-only", "f.c"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("f.c:4:21"), "{stderr}");
    assert!(stderr.ends_with("1 error generated.\n"), "{stderr}");
    // A missing header.
    let out = s.run(BPFCC, &["-fsyntax-only", "-DVAL=1", "f.c"]);
    assert_eq!(out.status.code(), Some(1));
    // A failed compile still writes its -MD rule, as clang does.
    let out = s.run(
        BPFCC,
        &["-Iinc", "-isystem", "sys", "-fsyntax-only", "-MD", "f.c"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(s.read("f.d").starts_with("f.o: f.c inc/"));
}

/// `-dM -E` prints the macros defined at the end as clang does (the
/// selftests Makefile reads `$(CLANG) -dM -E - </dev/null`); bpfcc adds only
/// its own `__bpfcc*` macros.
#[test]
fn dump_macros_like_clang() {
    let s = Scratch::new("dm");
    std::fs::write(
        s.0.join("dm.c"),
        "#define F(a, b)  a   +  b\n#define G(x, ...) f(x, __VA_ARGS__)\n\
         #define N(a, rest...) a rest\n#define EMPTY\n#define GONE 1\n#undef GONE\n",
    )
    .unwrap();
    let ours = s.run(BPFCC, &["-dM", "-E", "dm.c"]);
    assert!(ours.status.success());
    let ours = String::from_utf8_lossy(&ours.stdout).into_owned();
    for line in [
        "#define F(a,b) a + b\n",
        "#define G(x,...) f(x, __VA_ARGS__)\n",
        "#define N(a,rest...) a rest\n",
        "#define EMPTY \n",
    ] {
        assert!(ours.contains(line), "{line:?} missing:\n{ours}");
    }
    assert!(
        !ours.contains("GONE") && !ours.contains("__FILE__"),
        "{ours}"
    );
    if !have_clang() {
        eprintln!("SKIP: clang-19 not installed");
        return;
    }
    // (bpfcc's default CPU is v3, clang's v1: both are given one.)
    for args in [
        &["-mcpu=v1", "-dM", "-E", "dm.c"][..],
        &["-mcpu=v3", "-O2", "-dM", "-E", "-"][..],
    ] {
        let theirs = s.run("clang-19", &[&["--target=bpf"][..], args].concat());
        let ours = s.run(BPFCC, args);
        let ours: String = String::from_utf8_lossy(&ours.stdout)
            .lines()
            .filter(|l| !l.starts_with("#define __bpfcc"))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(ours, String::from_utf8_lossy(&theirs.stdout), "{args:?}");
    }
}

/// The built-in <stddef.h> gives only what `__need_*` asks for (as clang's
/// and gcc's do), and everything on a plain include, however often.
#[test]
fn stddef_honours_need_macros() {
    let s = Scratch::new("stddef");
    std::fs::write(
        s.0.join("sd.c"),
        "#define __need_size_t\n#include <stddef.h>\n\
         #if defined(NULL) || defined(offsetof) || defined(__need_size_t)\n#error too much\n#endif\n\
         size_t a = sizeof(int);\n#include <stddef.h>\n\
         struct pt { int x, y; };\nptrdiff_t d = 1;\nvoid *p = NULL;\nwchar_t w = 1;\n\
         int off = offsetof(struct pt, y);\n#include <stddef.h>\n",
    )
    .unwrap();
    let out = s.run(BPFCC, &["-fsyntax-only", "sd.c"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    if have_clang() {
        let out = s.run("clang-19", &["--target=bpf", "-fsyntax-only", "sd.c"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn warnings_werror_and_w() {
    let s = Scratch::new("warn");
    std::fs::write(s.0.join("w.c"), "#warning careful\nint x;\n").unwrap();
    let out = s.run(BPFCC, &["-fsyntax-only", "w.c"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("careful") && stderr.ends_with("1 warning generated.\n"),
        "{stderr}"
    );
    let out = s.run(BPFCC, &["-fsyntax-only", "-Werror", "w.c"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).ends_with("1 error generated.\n"));
    let out = s.run(BPFCC, &["-fsyntax-only", "-Werror", "-Wno-error", "w.c"]);
    assert!(out.status.success());
    let out = s.run(BPFCC, &["-fsyntax-only", "-w", "w.c"]);
    assert!(out.status.success() && out.stderr.is_empty());
}

#[test]
fn standard_input() {
    use std::io::Write;
    let mut child = Command::new(BPFCC)
        .args(["-E", "-DN=7", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"int n = N;\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("int n = 7;"));
}

/// `#pragma GCC diagnostic ignored "-Wint-conversion"` between push and pop
/// (as libbpf's BPF_PROG spells it, through `_Pragma` in a macro) silences
/// that warning group there and only there.
#[test]
fn diagnostic_pragmas_silence_a_warning_group() {
    let text = r#"
#define QUIET(x) _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wint-conversion\"") x _Pragma("GCC diagnostic pop")
int f(void *p)
{
	int a;
	QUIET(a = p;)
	int b = p;
#pragma clang diagnostic ignored "-Wint-conversion"
	int c = p;
	return a + b + c;
}
"#;
    let out = bpfcc::compile(
        bpfcc::Input::Source {
            name: "pragma.c".into(),
            text: text.into(),
        },
        &bpfcc::Options {
            emit: Emit::SyntaxOnly,
            ..Default::default()
        },
    );
    let warnings: Vec<String> = out
        .diagnostics
        .list
        .iter()
        .filter_map(|d| d.span.map(|s| out.sources.describe(s)))
        .collect();
    assert_eq!(
        warnings,
        vec!["pragma.c:7:10".to_string()],
        "{}",
        out.render_diagnostics()
    );
}

/// A fresh directory under the system temp dir for one test.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bpfcc-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `bpfcc -S` output assembles back (`.s` input) into the same code and
/// relocations as `bpfcc -c`; `.S` goes through the preprocessor; `-x
/// assembler` overrides the name; `--disassemble` prints what was assembled.
#[test]
fn assembly_input_and_disassembly() {
    let dir = scratch_dir("asm");
    let c = dir.join("p.c");
    std::fs::write(
        &c,
        "static __attribute__((noinline)) int twice(int x) { return x * 2; }\n\
         __attribute__((section(\"xdp\"))) int prog(void *ctx) { return twice(21); }\n\
         char _license[] __attribute__((section(\"license\"))) = \"GPL\";\n",
    )
    .unwrap();
    let bpfcc = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_bpfcc"))
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "bpfcc {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    bpfcc(&["-O2", "-c", "p.c", "-o", "from_c.o"]);
    bpfcc(&["-O2", "-S", "p.c", "-o", "p.s"]);
    bpfcc(&["-c", "p.s", "-o", "from_s.o"]);
    std::fs::copy(dir.join("p.s"), dir.join("p.txt")).unwrap();
    bpfcc(&["-x", "assembler", "-c", "p.txt", "-o", "from_txt.o"]);
    let code = |name: &str| {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let file = object::File::parse(&*bytes).unwrap();
        let mut sections = Vec::new();
        for s in file.sections() {
            if s.kind() == object::SectionKind::Text && s.size() > 0 {
                let relocs: Vec<u64> = s.relocations().map(|(off, _)| off).collect();
                sections.push((
                    s.name().unwrap().to_string(),
                    s.data().unwrap().to_vec(),
                    relocs,
                ));
            }
        }
        sections.sort();
        sections
    };
    assert_eq!(code("from_s.o"), code("from_c.o"));
    assert_eq!(code("from_txt.o"), code("from_c.o"));

    std::fs::write(
        dir.join("q.S"),
        "#define ANSWER 42\n\t.text\nf:\n\tr0 = ANSWER\n\texit\n",
    )
    .unwrap();
    bpfcc(&["-c", "q.S", "-o", "q.o"]);
    let text = String::from_utf8(bpfcc(&["--disassemble", "q.o"])).unwrap();
    assert!(text.contains("r0 = 0x2a"), "{text}");

    std::fs::write(dir.join("bad.s"), "\tr0 = 1\n\tfrob r1\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bpfcc"))
        .args(["-c", "bad.s", "-o", "bad.o"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("bad.s:2:"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
