//! The ELF object of an assembled file, with clang's conventions for
//! relocations (see `elf/mod.rs`): a global or undefined symbol is relocated
//! against itself (`call` keeps `imm = -1`); a local one against its
//! section's symbol, with its offset folded into the instruction's `imm`
//! (`ld_imm64`: `imm += offset`; `call`: `imm = offset / 8 - 1`) or into the
//! data (`.quad`).

use super::{AsmRelocKind, Assembly, Binding, SectionKind, SymbolType};
use object::write::{Object, Relocation, Symbol, SymbolId, SymbolSection};
use object::{
    elf, Architecture, BinaryFormat, Endianness, RelocationFlags, SymbolFlags, SymbolKind,
    SymbolScope,
};
use std::collections::BTreeMap;

pub fn write_object(asm: &Assembly, source_name: &str) -> Result<Vec<u8>, String> {
    let mut obj = Object::new(BinaryFormat::Elf, Architecture::Bpf, Endianness::Little);
    obj.flags = object::FileFlags::Elf {
        os_abi: elf::ELFOSABI_NONE,
        abi_version: 0,
        e_flags: 0,
    };
    let file = asm.file_name.as_deref().unwrap_or(source_name);
    obj.add_file_symbol(file.as_bytes().to_vec());
    let segment = obj
        .segment_name(object::write::StandardSegment::Data)
        .to_vec();
    let mut ids = Vec::new();
    let mut sections = asm.sections.clone();
    for s in &sections {
        let kind = match s.kind {
            SectionKind::Code => object::SectionKind::Text,
            SectionKind::Data => object::SectionKind::Data,
            SectionKind::ReadOnly => object::SectionKind::ReadOnlyData,
            SectionKind::Bss => object::SectionKind::UninitializedData,
        };
        ids.push(obj.add_section(segment.clone(), s.name.as_bytes().to_vec(), kind));
    }
    let mut symbols: BTreeMap<&str, SymbolId> = BTreeMap::new();
    for s in asm.symbols.iter().filter(|s| !super::is_temporary(&s.name)) {
        let (scope, weak) = match s.binding {
            Binding::Local => (SymbolScope::Compilation, false),
            Binding::Global => (SymbolScope::Dynamic, false),
            Binding::Weak => (SymbolScope::Dynamic, true),
        };
        let kind = match s.kind {
            SymbolType::Func => SymbolKind::Text,
            SymbolType::Object => SymbolKind::Data,
            SymbolType::NoType if s.section.is_some() => SymbolKind::Label,
            SymbolType::NoType => SymbolKind::Unknown,
        };
        let id = obj.add_symbol(Symbol {
            name: s.name.as_bytes().to_vec(),
            value: s.offset,
            size: s.size,
            kind,
            scope,
            weak,
            section: match s.section {
                Some(i) => SymbolSection::Section(ids[i]),
                None => SymbolSection::Undefined,
            },
            flags: if s.hidden {
                let bind = match s.binding {
                    Binding::Local => elf::STB_LOCAL,
                    Binding::Global => elf::STB_GLOBAL,
                    Binding::Weak => elf::STB_WEAK,
                };
                let ty = match (s.kind, s.section) {
                    (SymbolType::Func, Some(_)) => elf::STT_FUNC,
                    (SymbolType::Object, _) => elf::STT_OBJECT,
                    _ => elf::STT_NOTYPE,
                };
                SymbolFlags::Elf {
                    st_info: (bind << 4) | ty,
                    st_other: elf::STV_HIDDEN,
                }
            } else {
                SymbolFlags::None
            },
        });
        symbols.insert(&s.name, id);
    }
    let by_name: BTreeMap<&str, &super::AsmSymbol> =
        asm.symbols.iter().map(|s| (s.name.as_str(), s)).collect();
    let mut relocs = Vec::new();
    for (si, sec) in sections.iter_mut().enumerate() {
        for r in &sec.relocs {
            let sym = by_name.get(r.symbol.as_str());
            let local = sym.filter(|s| s.binding == Binding::Local && s.section.is_some());
            let at = r.offset as usize;
            let target = match local {
                Some(l) => {
                    let base = l.offset as i64;
                    let b = &mut sec.bytes;
                    match r.kind {
                        AsmRelocKind::Ld64 => {
                            let v = (base + r.addend) as i32;
                            b[at + 4..at + 8].copy_from_slice(&v.to_le_bytes());
                        }
                        AsmRelocKind::Call => {
                            let v = (base / 8 - 1) as i32;
                            b[at + 4..at + 8].copy_from_slice(&v.to_le_bytes());
                        }
                        AsmRelocKind::Abs64 => {
                            let v = base + r.addend;
                            b[at..at + 8].copy_from_slice(&v.to_le_bytes());
                        }
                        AsmRelocKind::Abs32 => {
                            let v = (base + r.addend) as i32;
                            b[at..at + 4].copy_from_slice(&v.to_le_bytes());
                        }
                    }
                    obj.section_symbol(ids[l.section.unwrap_or(0)])
                }
                None => match symbols.get(r.symbol.as_str()) {
                    Some(&id) => id,
                    None => return Err(format!("`{}` is not defined", r.symbol)),
                },
            };
            let r_type = match r.kind {
                AsmRelocKind::Ld64 => elf::R_BPF_64_64,
                AsmRelocKind::Call => elf::R_BPF_64_32,
                AsmRelocKind::Abs64 => R_BPF_64_ABS64,
                AsmRelocKind::Abs32 => R_BPF_64_ABS32,
            };
            relocs.push((si, r.offset, target, r_type));
        }
    }
    for (si, sec) in sections.iter().enumerate() {
        if sec.kind == SectionKind::Bss && sec.bytes.iter().all(|&b| b == 0) {
            obj.append_section_bss(ids[si], sec.bytes.len() as u64, sec.align);
        } else {
            obj.set_section_data(ids[si], sec.bytes.clone(), sec.align);
        }
    }
    for (si, offset, symbol, r_type) in relocs {
        obj.add_relocation(
            ids[si],
            Relocation {
                offset,
                symbol,
                addend: 0,
                flags: RelocationFlags::Elf { r_type },
            },
        )
        .map_err(|e| format!("cannot add a relocation: {e}"))?;
    }
    obj.write()
        .map_err(|e| format!("cannot write the object: {e}"))
}

/// Not in the `object` crate's list: `R_BPF_64_ABS64` and `R_BPF_64_ABS32`
/// of llvm's `BPF.def`.
const R_BPF_64_ABS64: u32 = 2;
const R_BPF_64_ABS32: u32 = 3;
