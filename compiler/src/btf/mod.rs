//! BTF (`.BTF`) and its extension (`.BTF.ext`) for the object file.
//!
//! libbpf needs BTF as soon as an object has maps or externs, and the
//! verifier uses it for global functions, so bpfcc always emits it (clang
//! only with `-g`). It is built from the typed program (types with typedefs,
//! globals, function signatures and parameter names), the IR module (which
//! objects exist and in which section), the machine functions (where each
//! function and statement starts) and the source map (file names and line
//! text for line info), following clang's `BTFDebug` conventions:
//!
//! - a FUNC + FUNC_PROTO per function with machine code (linkage static or
//!   global) and per extern function referenced (kfuncs, linkage extern);
//! - a VAR per data object (static 0, global 1, extern 2), `btf_decl_tag`s as
//!   DECL_TAGs, and a DATASEC per section, sorted by name, with each
//!   variable's real offset and size ([`ObjectLayout`] comes from the ELF
//!   writer's placement); `.ksyms` also lists the `__ksym` kfuncs;
//! - `.BTF.ext` with func_info (8-byte records) and line_info (16-byte
//!   records, `line << 10 | column`) per code section.

pub mod convert;
pub mod core;
pub mod table;

use crate::bpf::insn::{MachFunction, RelocTarget};
use crate::intern::Interner;
use crate::ir::{DataId, Linkage, Module};
use crate::sema::tir;
use crate::sema::types::{FunctionType, IntKind, TypeId, TypeKind, TypeTable};
use crate::source::{SourceMap, Span};
use convert::{Converter, Ctx};
use std::collections::BTreeMap;
use table::*;

/// What BTF is built from besides the IR: the typed program and its sources.
pub struct BtfInput<'a> {
    pub program: &'a tir::Program,
    pub interner: &'a Interner,
    pub sources: &'a SourceMap,
}

/// Where the ELF writer placed everything.
#[derive(Clone, Debug, Default)]
pub struct ObjectLayout {
    /// For each machine function (same index): its section and byte offset.
    pub functions: Vec<(String, u64)>,
    /// Byte offset of each defined data object in its section.
    pub data: BTreeMap<DataId, u64>,
    /// Size of each data section.
    pub section_sizes: BTreeMap<String, u64>,
}

/// The contents of `.BTF` and `.BTF.ext`.
pub struct BtfSections {
    pub btf: Vec<u8>,
    /// Empty when there are no functions.
    pub ext: Vec<u8>,
    /// The `ld_imm64`s of CO-RE type-id relocations, which must hold the
    /// type's id in `.BTF`: (function index, instruction slot, id).
    pub type_id_imms: Vec<(usize, usize, u32)>,
}

const EXTERN_SECTIONS: [&str; 2] = [".ksyms", ".kconfig"];

/// Builds both sections.
pub fn build(
    input: &BtfInput,
    module: &Module,
    functions: &[MachFunction],
    layout: &ObjectLayout,
) -> BtfSections {
    let program = input.program;
    let interner = input.interner;
    let mut cv = Converter::new(&program.types, interner);

    // Symbol name → typed declaration (a definition wins over declarations).
    let mut tir_functions: BTreeMap<String, tir::FuncId> = BTreeMap::new();
    for (id, f) in program.functions.iter() {
        let name = match &f.asm_label {
            Some(l) => l.clone(),
            None => interner.resolve(f.name).to_string(),
        };
        let defined = f.body.is_some();
        match tir_functions.get(&name) {
            Some(&old) if program.functions[old].body.is_some() || !defined => {}
            _ => {
                tir_functions.insert(name, id);
            }
        }
    }
    let tir_globals = match_globals(program, interner, module);

    let mut datasecs: BTreeMap<String, Vec<SecInfo>> = BTreeMap::new();

    // Map definitions first, as clang visits them before anything else: the
    // key and value types they point to are emitted in full.
    let mut map_types: BTreeMap<DataId, u32> = BTreeMap::new();
    for (did, d) in module.data.iter() {
        if d.section != ".maps" || d.is_extern {
            continue;
        }
        if let Some(&g) = tir_globals.get(&did) {
            map_types.insert(did, cv.map_definition(program.globals[g].ty));
        }
    }

    // Functions with machine code.
    let mut func_ids = Vec::with_capacity(functions.len());
    for mf in functions {
        let tf = tir_functions.get(&mf.name).map(|&i| &program.functions[i]);
        let proto = match tf {
            Some(f) => function_proto(&mut cv, f),
            None => {
                // Not from C (cannot happen for compiled sources): an
                // `int f(void)` signature keeps func_info consistent.
                let int = cv.int(IntKind::Int);
                cv.table.push(BtfType {
                    name: 0,
                    kind: BtfKind::FuncProto {
                        ret: int,
                        params: Vec::new(),
                    },
                })
            }
        };
        let linkage = if mf.linkage == Linkage::Local {
            LINKAGE_STATIC
        } else {
            LINKAGE_GLOBAL
        };
        let name = cv.str(mf.name.as_bytes());
        let id = cv.table.push(BtfType {
            name,
            kind: BtfKind::Func { proto, linkage },
        });
        if let Some(f) = tf {
            decl_tags(&mut cv, id, &f.attrs);
        }
        func_ids.push(id);
    }

    // Extern functions referenced by code: kfuncs.
    let mut extern_names: Vec<&str> = module.extern_functions.iter().map(String::as_str).collect();
    for mf in functions {
        for r in &mf.relocs {
            if let RelocTarget::Extern(n) = &r.target {
                extern_names.push(n);
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for name in extern_names {
        if !seen.insert(name) {
            continue;
        }
        let Some(f) = tir_functions.get(name).map(|&i| &program.functions[i]) else {
            continue;
        };
        if f.body.is_some() || f.helper_id.is_some() {
            continue;
        }
        let Some(ft) = function_type(&program.types, f.ty) else {
            continue;
        };
        let proto = cv.proto(ft, &[]);
        let name_off = cv.str(name.as_bytes());
        let id = cv.table.push(BtfType {
            name: name_off,
            kind: BtfKind::Func {
                proto,
                linkage: LINKAGE_EXTERN,
            },
        });
        decl_tags(&mut cv, id, &f.attrs);
        if let Some(sec) = &f.section {
            datasecs.entry(sec.clone()).or_default().push(SecInfo {
                ty: id,
                offset: 0,
                size: 0,
            });
        }
    }

    // Variables.
    for (did, d) in module.data.iter() {
        // Compiler-made objects (string literals) have no C name.
        if d.name.starts_with('.') {
            continue;
        }
        let Some(g) = tir_globals.get(&did).map(|&i| &program.globals[i]) else {
            continue;
        };
        if g.helper_id.is_some() {
            continue;
        }
        if d.is_extern && d.section.is_empty() {
            // A plain `extern` resolved by the linker: clang leaves it out.
            continue;
        }
        let ty = match map_types.get(&did) {
            Some(&ty) => ty,
            None => cv.qual(g.ty, Ctx::Normal),
        };
        let linkage = if d.is_extern {
            LINKAGE_EXTERN
        } else if d.linkage == Linkage::Local {
            LINKAGE_STATIC
        } else {
            LINKAGE_GLOBAL
        };
        let name = cv.str(d.name.as_bytes());
        let var = cv.table.push(BtfType {
            name,
            kind: BtfKind::Var { ty, linkage },
        });
        decl_tags(&mut cv, var, &g.attrs);
        let offset = if d.is_extern {
            0
        } else {
            layout.data.get(&did).copied().unwrap_or(0)
        };
        datasecs
            .entry(d.section.clone())
            .or_default()
            .push(SecInfo {
                ty: var,
                offset: offset as u32,
                size: d.size as u32,
            });
    }

    for (sec, vars) in datasecs {
        let size = if EXTERN_SECTIONS.contains(&sec.as_str()) {
            // libbpf lays out extern sections itself.
            0
        } else {
            layout.section_sizes.get(&sec).copied().unwrap_or(0)
        };
        let name = cv.str(sec.as_bytes());
        cv.table.push(BtfType {
            name,
            kind: BtfKind::Datasec {
                size: size as u32,
                vars,
            },
        });
    }

    // CO-RE relocations: their root types must be in `.BTF`.
    let mut core_relos: Vec<Vec<[u32; 4]>> = Vec::with_capacity(functions.len());
    let mut type_id_imms = Vec::new();
    for (fi, mf) in functions.iter().enumerate() {
        let mut records = Vec::with_capacity(mf.core_relos.len());
        for at in &mf.core_relos {
            let ty = cv.ty(at.relo.ty, Ctx::Normal);
            let access = cv.str(at.relo.access.as_bytes());
            if at.relo.kind.is_type_id() {
                type_id_imms.push((fi, at.insn, ty));
            }
            records.push([at.insn as u32 * 8, ty, access, at.relo.kind as u32]);
        }
        core_relos.push(records);
    }

    let mut table = cv.finish();
    let ext = if functions.is_empty() {
        Vec::new()
    } else {
        encode_ext(
            &mut table,
            input.sources,
            functions,
            layout,
            &func_ids,
            &core_relos,
        )
    };
    BtfSections {
        btf: table.encode(),
        ext,
        type_id_imms,
    }
}

/// The typed global each data object comes from. Lowering creates the
/// objects in declaration order with the globals' names, but names are not
/// unique (static locals of one function: `f.___fmt` several times), so the
/// objects are matched in order, each to the next global with its name,
/// extern-ness and size.
fn match_globals(
    program: &tir::Program,
    interner: &Interner,
    module: &Module,
) -> BTreeMap<DataId, tir::GlobalId> {
    let globals: Vec<(tir::GlobalId, &tir::Global)> = program.globals.iter().collect();
    let fits = |d: &crate::ir::DataObject, g: &tir::Global| {
        interner.resolve(g.name) == d.name
            && g.is_extern == d.is_extern
            && match program.types.size_of(g.ty.ty) {
                // Flexible array members and `[]` arrays take their size
                // from the initializer.
                Some(size) => d.size >= size,
                None => true,
            }
    };
    let mut out = BTreeMap::new();
    let mut cursor = 0;
    for (did, d) in module.data.iter() {
        if let Some(i) = (cursor..globals.len()).find(|&i| fits(d, globals[i].1)) {
            out.insert(did, globals[i].0);
            cursor = i + 1;
        }
    }
    out
}

fn function_type(types: &TypeTable, ty: TypeId) -> Option<&FunctionType> {
    match types.ckind(ty) {
        TypeKind::Function(ft) => Some(ft),
        _ => None,
    }
}

/// A defined function's prototype, with its parameters' names.
fn function_proto(cv: &mut Converter, f: &tir::Function) -> u32 {
    let types = cv.types;
    let Some(ft) = function_type(types, f.ty) else {
        // sema gives every function a function type; stay total anyway.
        let int = cv.int(IntKind::Int);
        return cv.table.push(BtfType {
            name: 0,
            kind: BtfKind::FuncProto {
                ret: int,
                params: Vec::new(),
            },
        });
    };
    let names: Vec<Option<crate::intern::Sym>> = match &f.body {
        Some(b) => b.params.iter().map(|&l| b.locals[l].name).collect(),
        None => Vec::new(),
    };
    cv.proto(ft, &names)
}

/// A function's or variable's `btf_decl_tag`s: its parameters' first (with
/// their index), then its own, in clang's order.
fn decl_tags(cv: &mut Converter, target: u32, attrs: &tir::DeclAttrs) {
    for (index, tag) in &attrs.param_decl_tags {
        cv.decl_tag(target, *index as i32, tag);
    }
    for tag in &attrs.decl_tags {
        cv.decl_tag(target, -1, tag);
    }
}

/// The file name clang records in line info: the path as opened, made
/// absolute against the working directory.
fn line_info_file_name(sources: &SourceMap, span: Span) -> String {
    let file = sources.file(span.file);
    match &file.path {
        Some(p) if p.is_absolute() => p.to_string_lossy().into_owned(),
        Some(p) => match std::env::current_dir() {
            Ok(cwd) => cwd.join(p).to_string_lossy().into_owned(),
            Err(_) => p.to_string_lossy().into_owned(),
        },
        None => file.name.clone(),
    }
}

/// `.BTF.ext`: header, func_info, line_info, and CO-RE relocations
/// (`core_relos`: per function, `bpf_core_relo` records with function-relative
/// instruction offsets). Its strings (section names, file names, line text)
/// go into `.BTF`'s table.
fn encode_ext(
    table: &mut BtfTable,
    sources: &SourceMap,
    functions: &[MachFunction],
    layout: &ObjectLayout,
    func_ids: &[u32],
    core_relos: &[Vec<[u32; 4]>],
) -> Vec<u8> {
    // Section → (func_info, line_info, core_relo) records, in order of the
    // section's first function.
    type Records = (Vec<[u32; 2]>, Vec<[u32; 4]>, Vec<[u32; 4]>);
    let mut sections: Vec<(String, Records)> = Vec::new();
    let mut files: BTreeMap<crate::source::FileId, u32> = BTreeMap::new();
    for (i, mf) in functions.iter().enumerate() {
        let (sec, base) = &layout.functions[i];
        let idx = match sections.iter().position(|(s, _)| s == sec) {
            Some(i) => i,
            None => {
                sections.push((sec.clone(), (Vec::new(), Vec::new(), Vec::new())));
                sections.len() - 1
            }
        };
        sections[idx].1 .0.push([*base as u32, func_ids[i]]);
        for &[off, ty, access, kind] in &core_relos[i] {
            sections[idx]
                .1
                 .2
                .push([*base as u32 + off, ty, access, kind]);
        }
        // The verifier wants a line at each function's first instruction and
        // strictly increasing offsets.
        let mut lines: Vec<(usize, Span)> = Vec::with_capacity(mf.lines.len() + 1);
        for &(slot, span) in &mf.lines {
            if span == Span::default() || slot >= mf.insns.len() {
                continue;
            }
            if lines.last().is_some_and(|&(s, _)| s >= slot) {
                continue;
            }
            lines.push((slot, span));
        }
        if lines.first().is_none_or(|&(s, _)| s != 0) && !mf.insns.is_empty() {
            lines.insert(0, (0, mf.span));
        }
        for (slot, span) in lines {
            let file_off = *files.entry(span.file).or_insert_with(|| {
                table
                    .strings
                    .add(line_info_file_name(sources, span).as_bytes())
            });
            let (line, col) = sources.line_col(span);
            let text = sources.file(span.file).line_text(line);
            let line_off = table.strings.add(text.as_bytes());
            sections[idx].1 .1.push([
                (*base + slot as u64 * 8) as u32,
                file_off,
                line_off,
                (line << 10) | col.min(0x3ff),
            ]);
        }
    }
    let mut func_info: Vec<u8> = 8u32.to_le_bytes().to_vec();
    let mut line_info: Vec<u8> = 16u32.to_le_bytes().to_vec();
    let mut core_info: Vec<u8> = Vec::new();
    for (sec, (funcs, lines, relos)) in &sections {
        let name = table.strings.add(sec.as_bytes());
        // Only sections with relocations get a core_relo block, as clang.
        if !relos.is_empty() {
            if core_info.is_empty() {
                core_info.extend_from_slice(&core::CORE_RELO_SIZE.to_le_bytes());
            }
            core_info.extend_from_slice(&name.to_le_bytes());
            core_info.extend_from_slice(&(relos.len() as u32).to_le_bytes());
            for rec in relos {
                rec.iter()
                    .for_each(|v| core_info.extend_from_slice(&v.to_le_bytes()));
            }
        }
        for (out, n) in [(&mut func_info, funcs.len()), (&mut line_info, lines.len())] {
            out.extend_from_slice(&name.to_le_bytes());
            out.extend_from_slice(&(n as u32).to_le_bytes());
        }
        for rec in funcs {
            rec.iter()
                .for_each(|v| func_info.extend_from_slice(&v.to_le_bytes()));
        }
        for rec in lines {
            rec.iter()
                .for_each(|v| line_info.extend_from_slice(&v.to_le_bytes()));
        }
    }
    let mut out = Vec::with_capacity(32 + func_info.len() + line_info.len() + core_info.len());
    out.extend_from_slice(&BTF_MAGIC.to_le_bytes());
    out.push(1);
    out.push(0);
    let fi = func_info.len() as u32;
    let li = line_info.len() as u32;
    let ci = core_info.len() as u32;
    for v in [32u32, 0, fi, fi, li, fi + li, ci] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&func_info);
    out.extend_from_slice(&line_info);
    out.extend_from_slice(&core_info);
    out
}
