//! Appending [`DebugSections`] to a finished ELF64 little-endian relocatable
//! object (what the ELF writer produces), until the writer emits them itself.
//!
//! The object is edited rather than rebuilt so that everything already in it
//! (section order, symbols, `.BTF`, relocations) stays byte for byte: the
//! debug sections and their `.rel.debug_*` sections are added after the
//! existing sections, the section-name table and the symbol table are
//! rewritten at the end of the file, and a new section header table follows.
//! Relocations refer to sections through `STT_SECTION` symbols, which are
//! added where missing; since local symbols must precede global ones, the
//! global symbols move up and every existing relocation is renumbered.

use super::{DebugRelocTarget, DebugSections};
use std::fmt;

/// An object that cannot take the debug sections: not an ELF64 LE
/// relocatable with a symbol table, or a relocation to a symbol it lacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppendError(pub String);

impl fmt::Display for AppendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AppendError {}

const SHT_PROGBITS: u32 = 1;
const SHT_SYMTAB: u32 = 2;
const SHT_RELA: u32 = 4;
const SHT_REL: u32 = 9;
const SHT_LLVM_ADDRSIG: u32 = 0x6fff_4c03;
const SHF_MERGE: u64 = 0x10;
const SHF_STRINGS: u64 = 0x20;
const SHF_INFO_LINK: u64 = 0x40;
const STT_SECTION: u8 = 3;
const R_BPF_64_ABS64: u64 = 2;
const R_BPF_64_ABS32: u64 = 3;
const SYM_SIZE: usize = 24;
const SHDR_SIZE: usize = 64;

#[derive(Clone, Debug)]
struct SectionHeader {
    name: u32,
    kind: u32,
    flags: u64,
    addr: u64,
    offset: u64,
    size: u64,
    link: u32,
    info: u32,
    align: u64,
    entsize: u64,
}

impl SectionHeader {
    fn read(b: &[u8]) -> SectionHeader {
        SectionHeader {
            name: u32_at(b, 0),
            kind: u32_at(b, 4),
            flags: u64_at(b, 8),
            addr: u64_at(b, 16),
            offset: u64_at(b, 24),
            size: u64_at(b, 32),
            link: u32_at(b, 40),
            info: u32_at(b, 44),
            align: u64_at(b, 48),
            entsize: u64_at(b, 56),
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.name.to_le_bytes());
        out.extend_from_slice(&self.kind.to_le_bytes());
        out.extend_from_slice(&self.flags.to_le_bytes());
        out.extend_from_slice(&self.addr.to_le_bytes());
        out.extend_from_slice(&self.offset.to_le_bytes());
        out.extend_from_slice(&self.size.to_le_bytes());
        out.extend_from_slice(&self.link.to_le_bytes());
        out.extend_from_slice(&self.info.to_le_bytes());
        out.extend_from_slice(&self.align.to_le_bytes());
        out.extend_from_slice(&self.entsize.to_le_bytes());
    }

    fn range(&self) -> std::ops::Range<usize> {
        self.offset as usize..(self.offset + self.size) as usize
    }
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(b[at..at + 2].try_into().unwrap())
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

fn c_str(table: &[u8], at: usize) -> &[u8] {
    let rest = table.get(at..).unwrap_or(&[]);
    let end = rest.iter().position(|&c| c == 0).unwrap_or(rest.len());
    &rest[..end]
}

fn pad_to(out: &mut Vec<u8>, align: usize) {
    while !out.len().is_multiple_of(align) {
        out.push(0);
    }
}

fn err(msg: impl Into<String>) -> AppendError {
    AppendError(msg.into())
}

/// Returns `elf` with `debug`'s sections and their relocation sections added.
pub fn add_to_object(elf: &[u8], debug: &DebugSections) -> Result<Vec<u8>, AppendError> {
    if elf.len() < 64 || &elf[..4] != b"\x7fELF" || elf[4] != 2 || elf[5] != 1 {
        return Err(err("not an ELF64 little-endian object"));
    }
    let shoff = u64_at(elf, 0x28) as usize;
    let shentsize = u16_at(elf, 0x3a) as usize;
    let shnum = u16_at(elf, 0x3c) as usize;
    let shstrndx = u16_at(elf, 0x3e) as usize;
    if shentsize != SHDR_SIZE || shoff + shnum * SHDR_SIZE > elf.len() || shstrndx >= shnum {
        return Err(err("malformed section header table"));
    }
    let mut headers: Vec<SectionHeader> = (0..shnum)
        .map(|i| SectionHeader::read(&elf[shoff + i * SHDR_SIZE..]))
        .collect();
    for h in &headers {
        if h.kind != 8 && h.offset + h.size > elf.len() as u64 {
            return Err(err("a section lies outside the file"));
        }
    }
    let shstrtab = elf[headers[shstrndx].range()].to_vec();
    let section_name = |h: &SectionHeader| c_str(&shstrtab, h.name as usize).to_vec();
    let section_index = |name: &str| {
        headers
            .iter()
            .position(|h| section_name(h) == name.as_bytes())
    };
    for s in &debug.sections {
        if section_index(&s.name).is_some() {
            return Err(err(format!("the object already has a {} section", s.name)));
        }
    }
    let symtab_index = headers
        .iter()
        .position(|h| h.kind == SHT_SYMTAB)
        .ok_or_else(|| err("the object has no symbol table"))?;
    if headers.iter().any(|h| h.kind == SHT_LLVM_ADDRSIG) {
        // Its symbol indices would need renumbering too.
        return Err(err("objects with .llvm_addrsig are not supported"));
    }
    let symtab = headers[symtab_index].clone();
    if symtab.link as usize >= shnum {
        return Err(err("malformed symbol table"));
    }
    let strtab = elf[headers[symtab.link as usize].range()].to_vec();
    let mut symbols: Vec<Vec<u8>> = elf[symtab.range()]
        .chunks_exact(SYM_SIZE)
        .map(|s| s.to_vec())
        .collect();
    let first_global = symtab.info as usize;
    if first_global > symbols.len() {
        return Err(err("malformed symbol table"));
    }

    // The new sections' indices: each debug section, then its relocations.
    let mut debug_index = Vec::new();
    let mut next = shnum;
    for s in &debug.sections {
        debug_index.push(next);
        next += if s.relocs.is_empty() { 1 } else { 2 };
    }
    let index_of_debug = |name: &str| {
        debug
            .sections
            .iter()
            .position(|s| s.name == name)
            .map(|i| debug_index[i])
    };

    // Section symbols to add (section index → new local symbol position).
    let mut new_locals: Vec<usize> = Vec::new();
    let existing_section_symbol = |shndx: usize| {
        symbols
            .iter()
            .position(|s| s[4] & 0xf == STT_SECTION && u16_at(s, 6) as usize == shndx)
    };
    let section_symbol_needed = |shndx: usize, new_locals: &mut Vec<usize>| {
        if existing_section_symbol(shndx).is_none() && !new_locals.contains(&shndx) {
            new_locals.push(shndx);
        }
    };
    for s in &debug.sections {
        for r in &s.relocs {
            match &r.target {
                DebugRelocTarget::DebugSection(name) => {
                    let i = index_of_debug(name)
                        .ok_or_else(|| err(format!("relocation to missing section {name}")))?;
                    section_symbol_needed(i, &mut new_locals);
                }
                DebugRelocTarget::CodeSection(name) => {
                    let i = section_index(name)
                        .ok_or_else(|| err(format!("relocation to missing section {name}")))?;
                    section_symbol_needed(i, &mut new_locals);
                }
                DebugRelocTarget::Symbol(_) => {}
            }
        }
    }
    let added = new_locals.len();
    let renumber = |old: usize| {
        if old >= first_global {
            old + added
        } else {
            old
        }
    };
    let mut out = elf.to_vec();
    // Existing relocations follow their symbols.
    for h in &headers {
        if (h.kind == SHT_REL || h.kind == SHT_RELA) && h.link as usize == symtab_index {
            let entsize = if h.kind == SHT_REL { 16 } else { 24 };
            for at in h.range().step_by(entsize) {
                let info = u64_at(&out, at + 8);
                let sym = renumber((info >> 32) as usize) as u64;
                out[at + 8..at + 16]
                    .copy_from_slice(&((sym << 32) | (info & 0xffff_ffff)).to_le_bytes());
            }
        }
    }
    let new_symbols: Vec<Vec<u8>> = new_locals
        .iter()
        .map(|&shndx| {
            let mut s = vec![0u8; SYM_SIZE];
            s[4] = STT_SECTION; // STB_LOCAL
            s[6..8].copy_from_slice(&(shndx as u16).to_le_bytes());
            s
        })
        .collect();
    symbols.splice(first_global..first_global, new_symbols);
    let symbol_index = |target: &DebugRelocTarget| -> Result<usize, AppendError> {
        let shndx = match target {
            DebugRelocTarget::DebugSection(name) => index_of_debug(name).unwrap(),
            DebugRelocTarget::CodeSection(name) => section_index(name).unwrap(),
            DebugRelocTarget::Symbol(name) => {
                return symbols
                    .iter()
                    .position(|s| {
                        s[4] & 0xf != STT_SECTION
                            && c_str(&strtab, u32_at(s, 0) as usize) == name.as_bytes()
                    })
                    .ok_or_else(|| err(format!("relocation to missing symbol {name}")));
            }
        };
        Ok(symbols
            .iter()
            .position(|s| s[4] & 0xf == STT_SECTION && u16_at(s, 6) as usize == shndx)
            .expect("section symbols were added above"))
    };

    // Section names.
    let mut names = shstrtab.clone();
    let mut add_name = |name: &str| {
        let at = names.len() as u32;
        names.extend_from_slice(name.as_bytes());
        names.push(0);
        at
    };
    let mut new_headers = Vec::new();
    let mut contents: Vec<Vec<u8>> = Vec::new();
    for (i, s) in debug.sections.iter().enumerate() {
        let strings = s.name == ".debug_str" || s.name == ".debug_line_str";
        new_headers.push(SectionHeader {
            name: add_name(&s.name),
            kind: SHT_PROGBITS,
            flags: if strings { SHF_MERGE | SHF_STRINGS } else { 0 },
            addr: 0,
            offset: 0,
            size: s.data.len() as u64,
            link: 0,
            info: 0,
            align: 1,
            entsize: if strings { 1 } else { 0 },
        });
        contents.push(s.data.clone());
        if s.relocs.is_empty() {
            continue;
        }
        let mut rel = Vec::with_capacity(s.relocs.len() * 16);
        for r in &s.relocs {
            let kind = match r.size {
                4 => R_BPF_64_ABS32,
                8 => R_BPF_64_ABS64,
                n => return Err(err(format!("{n}-byte relocation in {}", s.name))),
            };
            let sym = symbol_index(&r.target)? as u64;
            rel.extend_from_slice(&r.offset.to_le_bytes());
            rel.extend_from_slice(&((sym << 32) | kind).to_le_bytes());
        }
        new_headers.push(SectionHeader {
            name: add_name(&format!(".rel{}", s.name)),
            kind: SHT_REL,
            flags: SHF_INFO_LINK,
            addr: 0,
            offset: 0,
            size: rel.len() as u64,
            link: symtab_index as u32,
            info: debug_index[i] as u32,
            align: 8,
            entsize: 16,
        });
        contents.push(rel);
    }

    // New symbol table and section names at the end, then the new sections.
    pad_to(&mut out, 8);
    headers[symtab_index].offset = out.len() as u64;
    headers[symtab_index].size = (symbols.len() * SYM_SIZE) as u64;
    headers[symtab_index].info = (first_global + added) as u32;
    for s in &symbols {
        out.extend_from_slice(s);
    }
    headers[shstrndx].offset = out.len() as u64;
    headers[shstrndx].size = names.len() as u64;
    out.extend_from_slice(&names);
    for (h, data) in new_headers.iter_mut().zip(&contents) {
        pad_to(&mut out, h.align as usize);
        h.offset = out.len() as u64;
        out.extend_from_slice(data);
    }
    pad_to(&mut out, 8);
    let new_shoff = out.len() as u64;
    for h in headers.iter().chain(&new_headers) {
        h.write(&mut out);
    }
    let total = headers.len() + new_headers.len();
    if total >= 0xff00 {
        return Err(err("too many sections"));
    }
    out[0x28..0x30].copy_from_slice(&new_shoff.to_le_bytes());
    out[0x3c..0x3e].copy_from_slice(&(total as u16).to_le_bytes());
    Ok(out)
}
