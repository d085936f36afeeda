//! Writing the ELF relocatable object (`EM_BPF`) through the `object` crate.
//!
//! The layout follows what clang-19 writes for `--target=bpf -c`, because
//! libbpf and bpftool read these objects by convention rather than by a spec:
//!
//! - one executable section per function section name (`SEC("xdp")` → `xdp`,
//!   the rest in `.text`), functions concatenated in order, a `STT_FUNC`
//!   symbol for each at its offset;
//! - data sections (`.data`, `.rodata`, `.bss`, `.maps`, `license`, ...) with
//!   each object at its aligned offset and a `STT_OBJECT` symbol (none for
//!   compiler-made local objects such as string literals, named `.str...`);
//! - `.rel<section>` relocations encoded exactly as clang encodes them:
//!   * `call` (`R_BPF_64_32`): a global/weak callee gets a relocation against
//!     its own symbol and `imm = -1`; a static callee in the same section gets
//!     no relocation, just the pc-relative `imm`; a static callee in another
//!     section gets a relocation against that section's symbol and
//!     `imm = callee_slot - 1`;
//!   * `ld_imm64` (`R_BPF_64_64`): a global symbol gets a relocation against
//!     itself and `imm = addend`; a static one (data or function) gets a
//!     relocation against its section's symbol and `imm = offset + addend`;
//!   * addresses inside data (`R_BPF_64_ABS64`, 8 bytes): the same choice of
//!     symbol, the implicit addend stored in the data.
//!
//! Output is deterministic: sections, symbols and relocations come out in the
//! order of the module's functions and data, never of a hash map.

use crate::bpf::insn::{Insn, MachFunction, Reloc, RelocKind, RelocTarget};
use crate::btf::{BtfInput, ObjectLayout};
use crate::ir::{DataId, FuncId, Linkage, Module, SymbolTarget};
use object::write::{
    Object, Relocation, SectionId, StandardSegment, Symbol, SymbolId, SymbolSection,
};
use object::{
    elf, Architecture, BinaryFormat, Endianness, RelocationFlags, SectionKind, SymbolFlags,
    SymbolKind, SymbolScope,
};
use std::collections::BTreeMap;
use std::fmt;

/// `R_BPF_64_64`: the 64-bit immediate of an `ld_imm64`.
pub const R_BPF_64_64: u32 = elf::R_BPF_64_64;
/// `R_BPF_64_ABS64`: a 64-bit address in data.
pub const R_BPF_64_ABS64: u32 = 2;
/// `R_BPF_64_32`: the immediate of a `call`.
pub const R_BPF_64_32: u32 = elf::R_BPF_64_32;

/// Machine code or data that cannot be put into an object: always a bug in an
/// earlier stage (a relocation outside its function, a call to data), reported
/// instead of writing a broken object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectError(pub String);

impl fmt::Display for ObjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ObjectError {}

/// Writes the object for `module` whose functions the back end compiled to
/// `functions`.
///
/// Panics only on inconsistent back-end output (see [`ObjectError`]); the
/// driver calls [`write_object_file`] and reports such errors as diagnostics.
pub fn write_object(module: &Module, functions: &[MachFunction]) -> Vec<u8> {
    match write_object_file(module, functions, None) {
        Ok(bytes) => bytes,
        Err(e) => panic!("object writer: {e}"),
    }
}

/// Writes the object; `source_name` becomes the `STT_FILE` symbol clang puts
/// first in the symbol table. No BTF (see [`write_object_with_btf`]).
pub fn write_object_file(
    module: &Module,
    functions: &[MachFunction],
    source_name: Option<&str>,
) -> Result<Vec<u8>, ObjectError> {
    write_object_with_btf(module, functions, source_name, None)
}

/// Writes the object with `.BTF` and `.BTF.ext` built from `btf` (placed
/// after the data sections, as clang places them), whose DATASEC offsets and
/// func/line info offsets are this writer's placement.
pub fn write_object_with_btf(
    module: &Module,
    functions: &[MachFunction],
    source_name: Option<&str>,
    btf: Option<&BtfInput>,
) -> Result<Vec<u8>, ObjectError> {
    let mut w = ObjectWriter::new(module, functions);
    if let Some(name) = source_name {
        w.obj.add_file_symbol(name.as_bytes().to_vec());
    }
    w.place_functions()?;
    w.place_data()?;
    if let Some(input) = btf {
        let sections = crate::btf::build(input, module, functions, &w.layout());
        w.set_type_id_imms(&sections.type_id_imms);
        let segment = w.obj.segment_name(StandardSegment::Data).to_vec();
        let id = w
            .obj
            .add_section(segment.clone(), b".BTF".to_vec(), SectionKind::Other);
        w.obj.set_section_data(id, sections.btf, 4);
        if !sections.ext.is_empty() {
            let id = w
                .obj
                .add_section(segment, b".BTF.ext".to_vec(), SectionKind::Other);
            w.obj.set_section_data(id, sections.ext, 4);
        }
    }
    w.add_definition_symbols();
    w.relocate_functions()?;
    w.relocate_data()?;
    w.store_data();
    w.obj
        .write()
        .map_err(|e| ObjectError(format!("cannot write the object: {e}")))
}

/// Where a function or data object ended up.
#[derive(Copy, Clone)]
struct Placement {
    section: SectionId,
    /// Byte offset in the section.
    offset: u64,
    size: u64,
    local: bool,
}

/// What a relocation resolves to.
enum Resolved {
    Defined(Placement, Option<SymbolId>),
    Undefined(SymbolId),
}

struct DataSection {
    id: SectionId,
    contents: Option<Vec<u8>>,
    size: u64,
    align: u64,
}

struct ObjectWriter<'a> {
    module: &'a Module,
    functions: &'a [MachFunction],
    obj: Object<'static>,
    /// Sections by name, in creation order through `SectionId`.
    sections: BTreeMap<String, SectionId>,
    /// Instructions of each executable section, filled before being stored.
    text: Vec<(SectionId, Vec<Insn>)>,
    /// Each data section's contents (`None` for NOBITS), size and alignment,
    /// kept until the data relocations are applied.
    data: Vec<DataSection>,
    /// Placement of each machine function, by index in `functions`.
    func_places: Vec<Placement>,
    /// Module function → index in `functions` (by name: the back end may leave
    /// out functions nothing refers to, e.g. static ones inlined everywhere).
    func_index: BTreeMap<&'a str, usize>,
    data_places: BTreeMap<DataId, Placement>,
    func_symbols: Vec<Option<SymbolId>>,
    data_symbols: BTreeMap<DataId, SymbolId>,
    section_symbols: BTreeMap<SectionId, SymbolId>,
    undefined_symbols: BTreeMap<String, SymbolId>,
}

fn is_bss_section(name: &str) -> bool {
    name == ".bss" || name.starts_with(".bss.")
}

/// `.rodata.str1.1`-style sections hold mergeable NUL-terminated strings.
fn is_string_section(name: &str) -> bool {
    name.starts_with(".rodata.str")
}

fn is_readonly_section(name: &str) -> bool {
    name == ".rodata" || name.starts_with(".rodata.")
}

fn symbol_scope(linkage: Linkage) -> (SymbolScope, bool) {
    match linkage {
        Linkage::Global => (SymbolScope::Dynamic, false),
        Linkage::Weak => (SymbolScope::Dynamic, true),
        Linkage::Local => (SymbolScope::Compilation, false),
    }
}

impl<'a> ObjectWriter<'a> {
    fn new(module: &'a Module, functions: &'a [MachFunction]) -> Self {
        let mut obj = Object::new(BinaryFormat::Elf, Architecture::Bpf, Endianness::Little);
        // No `.note.GNU-stack` and friends: libbpf expects only what clang emits.
        obj.flags = object::FileFlags::Elf {
            os_abi: elf::ELFOSABI_NONE,
            abi_version: 0,
            e_flags: 0,
        };
        let func_index = functions
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.as_str(), i))
            .collect();
        ObjectWriter {
            module,
            functions,
            obj,
            sections: BTreeMap::new(),
            text: Vec::new(),
            data: Vec::new(),
            func_places: Vec::new(),
            func_index,
            data_places: BTreeMap::new(),
            func_symbols: Vec::new(),
            data_symbols: BTreeMap::new(),
            section_symbols: BTreeMap::new(),
            undefined_symbols: BTreeMap::new(),
        }
    }

    /// Where [`Self::place_functions`] and [`Self::place_data`] put
    /// everything, for BTF.
    fn layout(&self) -> ObjectLayout {
        let section_name =
            |id: SectionId| self.obj.section(id).name().unwrap_or_default().to_string();
        ObjectLayout {
            functions: self
                .func_places
                .iter()
                .map(|p| (section_name(p.section), p.offset))
                .collect(),
            data: self
                .data_places
                .iter()
                .map(|(&id, p)| (id, p.offset))
                .collect(),
            section_sizes: self
                .data
                .iter()
                .map(|s| (section_name(s.id), s.size))
                .collect(),
        }
    }

    fn section(&mut self, name: &str, kind: SectionKind) -> SectionId {
        if let Some(&id) = self.sections.get(name) {
            return id;
        }
        let segment = self.obj.segment_name(StandardSegment::Data).to_vec();
        let id = self
            .obj
            .add_section(segment, name.as_bytes().to_vec(), kind);
        self.sections.insert(name.to_string(), id);
        id
    }

    /// Lays out the executable sections: `.text` first, then the others in
    /// order of their first function. Like clang, `.text` exists even when
    /// empty (then with clang's alignment of 4).
    /// Puts BTF type ids into the `ld_imm64`s of CO-RE type-id relocations
    /// (libbpf checks that they hold the local id): (function index, slot, id).
    fn set_type_id_imms(&mut self, imms: &[(usize, usize, u32)]) {
        for &(fi, slot, id) in imms {
            let place = self.func_places[fi];
            let Some((_, insns)) = self.text.iter_mut().find(|(s, _)| *s == place.section) else {
                continue;
            };
            if let Some(insn) = insns.get_mut(place.offset as usize / 8 + slot) {
                insn.imm = id as i32;
            }
        }
    }

    fn place_functions(&mut self) -> Result<(), ObjectError> {
        let functions = self.functions;
        let id = self.section(".text", SectionKind::Text);
        self.text.push((id, Vec::new()));
        for f in functions {
            if f.section.is_empty() {
                return Err(ObjectError(format!(
                    "function `{}` has no section name",
                    f.name
                )));
            }
            let id = self.section(&f.section, SectionKind::Text);
            let slot = match self.text.iter().position(|(s, _)| *s == id) {
                Some(i) => i,
                None => {
                    self.text.push((id, Vec::new()));
                    self.text.len() - 1
                }
            };
            let insns = &mut self.text[slot].1;
            let offset = insns.len() as u64 * 8;
            insns.extend_from_slice(&f.insns);
            self.func_places.push(Placement {
                section: id,
                offset,
                size: f.insns.len() as u64 * 8,
                local: f.linkage == Linkage::Local,
            });
        }
        Ok(())
    }

    /// Lays out the data sections (see [`Self::clang_data_order`]).
    fn place_data(&mut self) -> Result<(), ObjectError> {
        let module = self.module;
        let mut ids: Vec<DataId> = Vec::new();
        for (id, d) in module.data.iter() {
            if d.is_extern {
                continue;
            }
            if d.section.is_empty() {
                return Err(ObjectError(format!(
                    "data object `{}` has no section name",
                    d.name
                )));
            }
            if !d.bytes.is_empty() && d.bytes.len() as u64 != d.size {
                return Err(ObjectError(format!(
                    "data object `{}` has {} bytes of contents but size {}",
                    d.name,
                    d.bytes.len(),
                    d.size
                )));
            }
            ids.push(id);
        }
        // Objects in clang's order; sections in order of their first object,
        // as clang's assembler creates them.
        let rank = self.clang_data_order();
        ids.sort_by_key(|i| rank[i]);
        let mut order: Vec<(&str, Vec<DataId>)> = Vec::new();
        for id in ids {
            let section = module.data[id].section.as_str();
            match order.iter_mut().find(|(s, _)| *s == section) {
                Some((_, ids)) => ids.push(id),
                None => order.push((section, vec![id])),
            }
        }
        let nobits = |ids: &[DataId]| {
            ids.iter()
                .all(|&i| module.data[i].bytes.iter().all(|&b| b == 0))
        };
        for (name, ids) in order {
            let is_bss = is_bss_section(name) && nobits(&ids);
            let kind = if is_bss {
                SectionKind::UninitializedData
            } else if is_string_section(name) {
                SectionKind::ReadOnlyString
            } else if is_readonly_section(name) {
                SectionKind::ReadOnlyData
            } else {
                SectionKind::Data
            };
            let section = self.section(name, kind);
            let mut contents: Vec<u8> = Vec::new();
            let mut size = 0u64;
            let mut align = 1u64;
            for id in ids {
                let d = &module.data[id];
                let a = d.align.max(1);
                if !a.is_power_of_two() {
                    return Err(ObjectError(format!(
                        "data object `{}` has alignment {a}, not a power of two",
                        d.name
                    )));
                }
                align = align.max(a);
                let offset = size.next_multiple_of(a);
                size = offset + d.size;
                if !is_bss {
                    contents.resize(offset as usize, 0);
                    if d.bytes.is_empty() {
                        contents.resize(size as usize, 0);
                    } else {
                        contents.extend_from_slice(&d.bytes);
                    }
                }
                self.data_places.insert(
                    id,
                    Placement {
                        section,
                        offset,
                        size: d.size,
                        local: d.linkage == Linkage::Local,
                    },
                );
            }
            self.data.push(DataSection {
                id: section,
                contents: (!is_bss).then_some(contents),
                size,
                align,
            });
        }
        Ok(())
    }

    /// The order in which clang lays out data objects within a section, so
    /// that offsets (and the skeletons `bpftool gen skeleton` derives from
    /// them) match. clang creates an object's LLVM variable at its first
    /// reference or at its definition, whichever comes first, and only
    /// initialized globals are defined where they stand (statics are
    /// deferred, tentative definitions such as `int x;` wait for the end of
    /// the unit). So: initialized globals in order, each preceded by the
    /// not yet created objects its initializer points to; then objects in
    /// order of first use in the code of the global functions and then of
    /// the static ones (which clang emits when first called); then the rest.
    fn clang_data_order(&self) -> BTreeMap<DataId, usize> {
        let module = self.module;
        struct Order {
            rank: BTreeMap<DataId, usize>,
            next: usize,
        }
        fn create(module: &Module, id: DataId, o: &mut Order) {
            if o.rank.contains_key(&id) {
                return;
            }
            // Reserved first so that cycles of addresses end.
            o.rank.insert(id, usize::MAX);
            for (_, target, _) in &module.data[id].relocs {
                match target {
                    SymbolTarget::Data(t) if module.data.get(*t).is_some() => create(module, *t, o),
                    _ => {}
                }
            }
            o.rank.insert(id, o.next);
            o.next += 1;
        }
        let mut order = Order {
            rank: BTreeMap::new(),
            next: 0,
        };
        let rank = &mut order;
        for (id, d) in module.data.iter() {
            if d.linkage != Linkage::Local && !d.bytes.is_empty() {
                create(module, id, rank);
            }
        }
        let by_linkage = |local: bool| {
            self.functions
                .iter()
                .filter(move |f| (f.linkage == Linkage::Local) == local)
        };
        for f in by_linkage(false).chain(by_linkage(true)) {
            let mut relocs: Vec<&Reloc> = f.relocs.iter().collect();
            relocs.sort_by_key(|r| r.insn);
            for r in relocs {
                if let RelocTarget::Data(id) = r.target {
                    if module.data.get(id).is_some() {
                        create(module, id, rank);
                    }
                }
            }
        }
        for id in module.data.keys() {
            create(module, id, rank);
        }
        order.rank
    }

    /// A symbol for every function and every named data object, in module
    /// order (the object crate puts the local ones first).
    fn add_definition_symbols(&mut self) {
        for (i, f) in self.functions.iter().enumerate() {
            let place = self.func_places[i];
            let (scope, weak) = symbol_scope(f.linkage);
            let flags = self.visibility(&f.name, f.linkage, elf::STT_FUNC);
            let id = self.obj.add_symbol(Symbol {
                name: f.name.as_bytes().to_vec(),
                value: place.offset,
                size: place.size,
                kind: SymbolKind::Text,
                scope,
                weak,
                section: SymbolSection::Section(place.section),
                flags,
            });
            self.func_symbols.push(Some(id));
        }
        for (id, d) in self.module.data.iter() {
            let Some(place) = self.data_places.get(&id).copied() else {
                continue;
            };
            // Objects the compiler made up (string literals: `.str`, `.L.str`;
            // no C name starts with '.') are private labels, without a
            // symbol, as with clang.
            if d.linkage == Linkage::Local && d.name.starts_with('.') {
                continue;
            }
            let (scope, weak) = symbol_scope(d.linkage);
            let flags = self.visibility(&d.name, d.linkage, elf::STT_OBJECT);
            let sym = self.obj.add_symbol(Symbol {
                name: d.name.as_bytes().to_vec(),
                value: place.offset,
                size: place.size,
                kind: SymbolKind::Data,
                scope,
                weak,
                section: SymbolSection::Section(place.section),
                flags,
            });
            self.data_symbols.insert(id, sym);
        }
    }

    /// `STV_HIDDEN` for a defined global symbol declared `__hidden` (as
    /// clang); the default visibility otherwise.
    fn visibility(&self, name: &str, linkage: Linkage, ty: u8) -> SymbolFlags<SectionId, SymbolId> {
        let bind = match linkage {
            Linkage::Local => return SymbolFlags::None,
            Linkage::Global => elf::STB_GLOBAL,
            Linkage::Weak => elf::STB_WEAK,
        };
        if !self.module.hidden_symbols.contains(name) {
            return SymbolFlags::None;
        }
        SymbolFlags::Elf {
            st_info: (bind << 4) | ty,
            st_other: elf::STV_HIDDEN,
        }
    }

    fn section_symbol(&mut self, section: SectionId) -> SymbolId {
        if let Some(&s) = self.section_symbols.get(&section) {
            return s;
        }
        let s = self.obj.section_symbol(section);
        self.section_symbols.insert(section, s);
        s
    }

    fn undefined_symbol(&mut self, name: &str, linkage: Linkage) -> SymbolId {
        if let Some(&s) = self.undefined_symbols.get(name) {
            return s;
        }
        let s = self.obj.add_symbol(Symbol {
            name: name.as_bytes().to_vec(),
            value: 0,
            size: 0,
            kind: SymbolKind::Unknown,
            scope: SymbolScope::Dynamic,
            weak: linkage == Linkage::Weak,
            section: SymbolSection::Undefined,
            flags: SymbolFlags::None,
        });
        self.undefined_symbols.insert(name.to_string(), s);
        s
    }

    fn resolve_func(&mut self, id: FuncId) -> Result<Resolved, ObjectError> {
        let Some(f) = self.module.functions.get(id) else {
            return Err(ObjectError(format!(
                "relocation against unknown function {id}"
            )));
        };
        match self.func_index.get(f.name.as_str()) {
            Some(&i) => Ok(Resolved::Defined(self.func_places[i], self.func_symbols[i])),
            None => Err(ObjectError(format!(
                "relocation against function `{}`, which has no machine code",
                f.name
            ))),
        }
    }

    fn resolve_data(&mut self, id: DataId) -> Result<Resolved, ObjectError> {
        let Some(d) = self.module.data.get(id) else {
            return Err(ObjectError(format!("relocation against unknown data {id}")));
        };
        match self.data_places.get(&id) {
            Some(&place) => Ok(Resolved::Defined(
                place,
                self.data_symbols.get(&id).copied(),
            )),
            None => Ok(Resolved::Undefined(
                self.undefined_symbol(&d.name, d.linkage),
            )),
        }
    }

    fn resolve_symbol_target(&mut self, t: &SymbolTarget) -> Result<Resolved, ObjectError> {
        match t {
            SymbolTarget::Data(d) => self.resolve_data(*d),
            SymbolTarget::Func(f) => self.resolve_func(*f),
            SymbolTarget::ExternFunc(name) => Ok(Resolved::Undefined(
                self.undefined_symbol(name, self.module.extern_function_linkage(name)),
            )),
        }
    }

    /// The symbol a relocation against `r` names and the value clang adds to
    /// the place (`offset` of the target within that symbol).
    fn reloc_symbol(&mut self, r: Resolved) -> (SymbolId, Option<u64>) {
        match r {
            Resolved::Defined(place, Some(sym)) if !place.local => (sym, None),
            Resolved::Defined(place, _) => (self.section_symbol(place.section), Some(place.offset)),
            Resolved::Undefined(sym) => (sym, None),
        }
    }

    fn relocate_functions(&mut self) -> Result<(), ObjectError> {
        let functions = self.functions;
        for (fi, f) in functions.iter().enumerate() {
            let place = self.func_places[fi];
            let first_slot = (place.offset / 8) as usize;
            for r in &f.relocs {
                self.relocate_insn(f, first_slot, place.section, r)?;
            }
        }
        let text = std::mem::take(&mut self.text);
        for (section, insns) in text {
            let bytes: Vec<u8> = insns.iter().flat_map(|i| i.encode()).collect();
            let align = if bytes.is_empty() { 4 } else { 8 };
            self.obj.set_section_data(section, bytes, align);
        }
        Ok(())
    }

    fn relocate_insn(
        &mut self,
        f: &MachFunction,
        first_slot: usize,
        section: SectionId,
        r: &Reloc,
    ) -> Result<(), ObjectError> {
        let slots = if r.kind == RelocKind::Ld64 { 2 } else { 1 };
        if r.insn + slots > f.insns.len() {
            return Err(ObjectError(format!(
                "relocation at instruction {} is outside function `{}` ({} instructions)",
                r.insn,
                f.name,
                f.insns.len()
            )));
        }
        let slot = first_slot + r.insn;
        let text_index = self
            .text
            .iter()
            .position(|(s, _)| *s == section)
            .expect("every function's section has its text");
        let resolved = match &r.target {
            RelocTarget::Func(id) => self.resolve_func(*id)?,
            RelocTarget::Data(id) => {
                if r.kind == RelocKind::Call {
                    let name = self
                        .module
                        .data
                        .get(*id)
                        .map_or(String::new(), |d| d.name.clone());
                    return Err(ObjectError(format!(
                        "call to data object `{name}` in function `{}`",
                        f.name
                    )));
                }
                self.resolve_data(*id)?
            }
            // A name in inline asm (`call subprog`) that this unit defines:
            // the same `.text` relocation as a call from C.
            RelocTarget::Extern(name) if self.func_index.contains_key(name.as_str()) => {
                let i = self.func_index[name.as_str()];
                Resolved::Defined(self.func_places[i], self.func_symbols[i])
            }
            RelocTarget::Extern(name) => {
                Resolved::Undefined(self.undefined_symbol(name, self.extern_linkage(name)))
            }
        };
        let insns = &mut self.text[text_index].1;
        match r.kind {
            RelocKind::Call => {
                if insns[slot].code != (crate::bpf::insn::BPF_JMP | crate::bpf::insn::BPF_CALL) {
                    return Err(ObjectError(format!(
                        "call relocation on a non-call instruction in `{}`",
                        f.name
                    )));
                }
                let (symbol, imm) = match resolved {
                    // A static callee in the same section: a plain pc-relative call.
                    Resolved::Defined(p, _) if p.local && p.section == section => {
                        insns[slot].imm = (p.offset / 8) as i32 - (slot as i32 + 1);
                        return Ok(());
                    }
                    Resolved::Defined(p, _) if p.local => {
                        (self.section_symbol(p.section), (p.offset / 8) as i32 - 1)
                    }
                    Resolved::Defined(_, Some(sym)) | Resolved::Undefined(sym) => (sym, -1),
                    Resolved::Defined(p, None) => {
                        (self.section_symbol(p.section), (p.offset / 8) as i32 - 1)
                    }
                };
                self.text[text_index].1[slot].imm = imm;
                self.add_relocation(section, slot as u64 * 8, symbol, R_BPF_64_32)
            }
            RelocKind::Ld64 => {
                if !insns[slot].is_ld_imm64() {
                    return Err(ObjectError(format!(
                        "ld_imm64 relocation on another instruction in `{}`",
                        f.name
                    )));
                }
                let (symbol, base) = self.reloc_symbol(resolved);
                let value = (base.unwrap_or(0) as i64).wrapping_add(r.addend);
                let insns = &mut self.text[text_index].1;
                insns[slot].imm = value as i32;
                insns[slot + 1].imm = (value >> 32) as i32;
                self.add_relocation(section, slot as u64 * 8, symbol, R_BPF_64_64)
            }
        }
    }

    /// An extern named only by string: weak if the module declares a weak
    /// extern function or data object of that name.
    fn extern_linkage(&self, name: &str) -> Linkage {
        if self.module.extern_function_linkage(name) == Linkage::Weak {
            return Linkage::Weak;
        }
        self.module
            .data
            .values()
            .find(|d| d.is_extern && d.name == name)
            .map_or(Linkage::Global, |d| d.linkage)
    }

    fn relocate_data(&mut self) -> Result<(), ObjectError> {
        let module = self.module;
        for (id, d) in module.data.iter() {
            if d.relocs.is_empty() {
                continue;
            }
            let Some(place) = self.data_places.get(&id).copied() else {
                return Err(ObjectError(format!(
                    "extern `{}` cannot have initial contents",
                    d.name
                )));
            };
            for (offset, target, addend) in &d.relocs {
                if offset + 8 > d.size {
                    return Err(ObjectError(format!(
                        "address at offset {offset} does not fit in `{}` ({} bytes)",
                        d.name, d.size
                    )));
                }
                let resolved = self.resolve_symbol_target(target)?;
                let (symbol, base) = self.reloc_symbol(resolved);
                let value = (base.unwrap_or(0) as i64).wrapping_add(*addend);
                let at = place.offset + offset;
                let section = self
                    .data
                    .iter_mut()
                    .find(|s| s.id == place.section)
                    .expect("every placed object's section is in `data`");
                let Some(contents) = section.contents.as_mut() else {
                    return Err(ObjectError(format!(
                        "`{}` holds an address but is in a zero-filled section",
                        d.name
                    )));
                };
                contents[at as usize..at as usize + 8].copy_from_slice(&value.to_le_bytes());
                self.add_relocation(place.section, at, symbol, R_BPF_64_ABS64)?;
            }
        }
        Ok(())
    }

    fn store_data(&mut self) {
        for s in std::mem::take(&mut self.data) {
            match s.contents {
                Some(bytes) => self.obj.set_section_data(s.id, bytes, s.align),
                None => {
                    self.obj.append_section_bss(s.id, s.size, s.align);
                }
            }
        }
    }

    fn add_relocation(
        &mut self,
        section: SectionId,
        offset: u64,
        symbol: SymbolId,
        r_type: u32,
    ) -> Result<(), ObjectError> {
        // The addend is already in place (REL, implicit addends): pass 0 so the
        // object crate leaves the bytes alone.
        self.obj
            .add_relocation(
                section,
                Relocation {
                    offset,
                    symbol,
                    addend: 0,
                    flags: RelocationFlags::Elf { r_type },
                },
            )
            .map_err(|e| ObjectError(format!("cannot add a relocation: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_classes() {
        assert!(is_bss_section(".bss"));
        assert!(is_bss_section(".bss.counters"));
        assert!(!is_bss_section(".bssx"));
        assert!(is_string_section(".rodata.str1.1"));
        assert!(is_readonly_section(".rodata.cst16"));
        assert!(!is_readonly_section(".data.ro"));
    }
}
