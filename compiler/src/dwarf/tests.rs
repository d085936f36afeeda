//! Debug sections of small programs, and their appending to objects, read
//! back with `object` (no external tools; tests/dwarf.rs runs those).

use super::*;
use crate::bpf::{self, BackendOptions};
use crate::diag::Diagnostics;
use crate::preprocess::{self, PreprocessOptions};
use crate::sema::{self, SemaOptions};
use crate::{elf, lower, parse, passes};
use object::{Object, ObjectSection, ObjectSymbol, RelocationTarget as ObjTarget};

/// The writer's object and the debug sections of `text`.
fn compile(text: &str) -> (Vec<u8>, DebugSections) {
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let main = sources.add("t.c", None, text.to_string());
    let mut interner = Interner::new();
    let options = PreprocessOptions {
        nostdinc: true,
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
    let mut module = lower::lower(&program, &interner, &mut diags);
    passes::optimize(&mut module, 2);
    let backend = BackendOptions {
        cpu_version: 3,
        opt_level: 2,
    };
    let functions = bpf::compile_module(&module, &backend, &mut diags);
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    let object = elf::write_object_file(&module, &functions, Some("t.c")).unwrap();
    let debug = build(
        &program, &module, &functions, &sources, &interner, "/src", "bpfcc",
    );
    (object, debug)
}

const PROGRAM: &str = r#"
struct point { int x, y; struct point *next; };
struct point origin;
int total = 7;
static __attribute__((noinline)) int norm(struct point *p) { return p->x + p->y; }
__attribute__((section("xdp"))) int f(void *ctx) { return norm(&origin) + total; }
__attribute__((section("tc"))) int g(void *ctx) { return total; }
"#;

fn strings(section: &DebugSection) -> Vec<String> {
    section
        .data
        .split(|&b| b == 0)
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect()
}

#[test]
fn unit_header_is_dwarf5_for_8_byte_addresses() {
    let (_, debug) = compile(PROGRAM);
    let info = debug.get(".debug_info").unwrap();
    let length = u32::from_le_bytes(info.data[..4].try_into().unwrap()) as usize;
    assert_eq!(length + 4, info.data.len());
    assert_eq!(&info.data[4..6], &5u16.to_le_bytes());
    assert_eq!(info.data[6], DW_UT_compile.0);
    assert_eq!(info.data[7], 8);
    let names = strings(debug.get(".debug_str").unwrap());
    for name in [
        "bpfcc", "t.c", "/src", "point", "origin", "total", "norm", "f", "g", "int",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} not in {names:?}");
    }
}

#[test]
fn relocations_name_sections_and_symbols_with_addends_in_place() {
    let (_, debug) = compile(PROGRAM);
    let info = debug.get(".debug_info").unwrap();
    // The abbreviation table offset right after the version.
    assert_eq!(
        info.relocs[0],
        DebugReloc {
            offset: 8,
            size: 4,
            target: DebugRelocTarget::DebugSection(".debug_abbrev".into()),
            addend: 0,
        }
    );
    let code: Vec<&DebugReloc> = info
        .relocs
        .iter()
        .filter(|r| matches!(r.target, DebugRelocTarget::CodeSection(_)))
        .collect();
    // `norm` (.text), `f` (xdp), `g` (tc): each subprogram's low_pc.
    assert_eq!(code.len(), 3, "{code:?}");
    assert!(code.iter().all(|r| r.size == 8 && r.addend == 0));
    let vars: Vec<&DebugRelocTarget> = info
        .relocs
        .iter()
        .filter(|r| matches!(r.target, DebugRelocTarget::Symbol(_)))
        .map(|r| &r.target)
        .collect();
    assert_eq!(
        vars,
        [
            &DebugRelocTarget::Symbol("origin".into()),
            &DebugRelocTarget::Symbol("total".into())
        ]
    );
    for s in &debug.sections {
        for r in &s.relocs {
            let at = r.offset as usize;
            let mut stored = [0u8; 8];
            stored[..r.size as usize].copy_from_slice(&s.data[at..at + r.size as usize]);
            assert_eq!(i64::from_le_bytes(stored), r.addend, "{} {r:?}", s.name);
        }
    }
    // Three code sections: a range list, not low_pc/high_pc.
    assert!(debug.get(".debug_rnglists").is_some());
}

#[test]
fn one_code_section_gets_low_and_high_pc() {
    let (_, debug) = compile("int f(void *ctx) { return 1; }\nint g(void *ctx) { return 2; }\n");
    assert!(debug.get(".debug_rnglists").is_none());
    let line = debug.get(".debug_line").unwrap();
    // One sequence: one DW_LNE_set_address relocated against .text.
    let text_relocs: Vec<&DebugReloc> = line
        .relocs
        .iter()
        .filter(|r| r.target == DebugRelocTarget::CodeSection(".text".into()))
        .collect();
    assert_eq!(text_relocs.len(), 1);
}

#[test]
fn appended_sections_are_read_back_with_their_relocations() {
    let (plain, debug) = compile(PROGRAM);
    let bytes = add_to_object(&plain, &debug).unwrap();
    let file = object::File::parse(&*bytes).unwrap();
    for s in &debug.sections {
        let section = file.section_by_name(&s.name).unwrap();
        assert_eq!(section.data().unwrap(), &s.data[..]);
        let relocs: Vec<_> = section.relocations().collect();
        assert_eq!(relocs.len(), s.relocs.len(), "{}", s.name);
        for ((offset, r), want) in relocs.iter().zip(&s.relocs) {
            assert_eq!(*offset, want.offset);
            let ObjTarget::Symbol(index) = r.target() else {
                panic!("not a symbol")
            };
            let symbol = file.symbol_by_index(index).unwrap();
            match &want.target {
                DebugRelocTarget::Symbol(name) => assert_eq!(symbol.name().unwrap(), name),
                DebugRelocTarget::DebugSection(name) | DebugRelocTarget::CodeSection(name) => {
                    assert_eq!(symbol.kind(), object::SymbolKind::Section);
                    let target = file.section_by_index(symbol.section_index().unwrap());
                    assert_eq!(target.unwrap().name().unwrap(), name);
                }
            }
        }
    }
    // The code's relocations still name the same symbols.
    let before = object::File::parse(&*plain).unwrap();
    for section in before.sections() {
        let after = file.section_by_name(section.name().unwrap()).unwrap();
        let names = |f: &object::File, s: &object::Section| -> Vec<(u64, String)> {
            s.relocations()
                .map(|(o, r)| match r.target() {
                    ObjTarget::Symbol(i) => {
                        let sym = f.symbol_by_index(i).unwrap();
                        let name = if sym.kind() == object::SymbolKind::Section {
                            f.section_by_index(sym.section_index().unwrap())
                                .unwrap()
                                .name()
                                .unwrap()
                                .to_string()
                        } else {
                            sym.name().unwrap().to_string()
                        };
                        (o, name)
                    }
                    _ => (o, String::new()),
                })
                .collect()
        };
        assert_eq!(names(&before, &section), names(&file, &after));
    }
}

#[test]
fn same_program_same_bytes() {
    let (a_plain, a) = compile(PROGRAM);
    let (b_plain, b) = compile(PROGRAM);
    assert_eq!(
        add_to_object(&a_plain, &a).unwrap(),
        add_to_object(&b_plain, &b).unwrap()
    );
}

#[test]
fn objects_that_cannot_take_the_sections_are_refused() {
    let (plain, debug) = compile(PROGRAM);
    assert!(add_to_object(b"not an object", &debug).is_err());
    let twice = add_to_object(&plain, &debug).unwrap();
    let e = add_to_object(&twice, &debug).unwrap_err();
    assert!(e.0.contains("already has"), "{e}");
    let mut missing = debug.clone();
    missing.sections[0].relocs.push(DebugReloc {
        offset: 0,
        size: 4,
        target: DebugRelocTarget::Symbol("no_such_symbol".into()),
        addend: 0,
    });
    let e = add_to_object(&plain, &missing).unwrap_err();
    assert!(e.0.contains("no_such_symbol"), "{e}");
}

#[test]
fn data_only_unit_has_no_code_range() {
    let (plain, debug) = compile("int x = 1;\nstruct s { long a; } y;\n");
    let info = debug.get(".debug_info").unwrap();
    assert!(info
        .relocs
        .iter()
        .all(|r| !matches!(r.target, DebugRelocTarget::CodeSection(_))));
    assert!(debug.get(".debug_rnglists").is_none());
    let names = strings(debug.get(".debug_str").unwrap());
    assert!(names.iter().any(|n| n == "y"), "{names:?}");
    add_to_object(&plain, &debug).unwrap();
}

#[test]
fn called_helpers_are_described_by_number() {
    let (_, debug) = compile(
        "static long (*const ktime)(void) = (void *) 5;\n\
         static long (*const unused_helper)(void) = (void *) 6;\n\
         extern unsigned int prandom(void) __attribute__((kernel_helper(7)));\n\
         int f(void *ctx) { return ktime() + prandom(); }\n",
    );
    let names = strings(debug.get(".debug_str").unwrap());
    assert!(names.iter().any(|n| n == "ktime"), "{names:?}");
    assert!(names.iter().any(|n| n == "prandom"), "{names:?}");
    assert!(!names.iter().any(|n| n == "unused_helper"), "{names:?}");
}
