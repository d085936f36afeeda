//! DWARF 5 debug information for `-g`, written through `gimli`.
//!
//! One compile unit describes the translation unit: its types (base types
//! with their `DW_ATE` encodings, pointers, qualifiers, typedefs, arrays with
//! subranges, structs and unions with their members and bit fields, enums,
//! function prototypes), the functions that have machine code (with their
//! address range, `DW_OP_reg10` frame base, parameters and locals), the global
//! variables (located by `DW_OP_addr` on their symbol), the extern functions
//! called (declarations), the helpers called (variables whose constant value
//! is the helper number, as clang describes libbpf's helper pointers),
//! `btf_decl_tag`/`btf_type_tag` as `DW_TAG_LLVM_annotation`, and the line
//! table built from each [`MachFunction`]'s statement positions. This is what
//! `pahole -J` turns into BTF, and what debuggers and `bpftool prog dump
//! jited linum` read.
//!
//! [`build`] produces the sections with the relocations an ELF object needs
//! (section offsets between debug sections, addresses in code sections,
//! variable symbols), clang's way: `R_BPF_64_ABS32` for 4-byte offsets,
//! `R_BPF_64_ABS64` for 8-byte addresses, REL with the addend stored in the
//! bytes. [`add_to_object`] appends them to an object the ELF writer made.
//!
//! Differences from clang-19, on purpose: strings use `DW_FORM_strp` and
//! addresses `DW_FORM_addr` (clang uses `strx1`/`addrx` through
//! `.debug_str_offsets`/`.debug_addr`); both are valid DWARF 5 and every
//! consumer reads them, and they need no extra sections.
//!
//! Not described yet: locations of parameters and locals (they are listed
//! without `DW_AT_location`), lexical blocks (block-scoped locals sit in their
//! function), functions inlined everywhere (no abstract/inlined-subroutine
//! entries), `.debug_frame`, and the types clang adds for explicit casts and
//! for enums whose constants are used (the typed tree no longer shows them).

mod object_file;

pub use object_file::{add_to_object, AppendError};

use crate::bpf::insn::{MachFunction, BPF_CALL, BPF_JMP};
use crate::intern::{Interner, Sym};
use crate::ir;
use crate::sema::tir::{self, Linkage};
use crate::sema::types::{FunctionType, IntKind, QualType, Quals, TypeId, TypeKind};
use crate::source::{FileId, SourceMap, Span};
use gimli::write::{
    Address, AttributeValue, DwarfUnit, EndianVec, Expression, LineProgram, LineString, Range,
    RangeList, RelocateWriter, Relocation, RelocationTarget, Sections, UnitEntryId,
};
use gimli::{constants::*, Encoding, Format, LineEncoding, LittleEndian, Register};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// What a relocation in a debug section refers to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DebugRelocTarget {
    /// Another debug section (through its section symbol): an offset into it.
    DebugSection(String),
    /// A code section (through its section symbol): an address in it.
    CodeSection(String),
    /// A named symbol (a global variable).
    Symbol(String),
}

/// One relocation. The addend is also stored in the section bytes at
/// `offset` (BPF objects use REL relocations with implicit addends); it is
/// repeated here for writers that emit RELA.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DebugReloc {
    pub offset: u64,
    /// 4 (`R_BPF_64_ABS32`) or 8 (`R_BPF_64_ABS64`).
    pub size: u8,
    pub target: DebugRelocTarget,
    pub addend: i64,
}

/// One debug section: `.debug_info`, `.debug_abbrev`, `.debug_line`, ...
#[derive(Clone, Debug)]
pub struct DebugSection {
    pub name: String,
    pub data: Vec<u8>,
    pub relocs: Vec<DebugReloc>,
}

/// The debug sections of a translation unit, in the order an object lists them.
#[derive(Clone, Debug, Default)]
pub struct DebugSections {
    pub sections: Vec<DebugSection>,
}

impl DebugSections {
    pub fn get(&self, name: &str) -> Option<&DebugSection> {
        self.sections.iter().find(|s| s.name == name)
    }
}

/// `DW_TAG_LLVM_annotation` (LLVM's vendor tag for `btf_*_tag` attributes).
const DW_TAG_LLVM_ANNOTATION: gimli::DwTag = gimli::DwTag(0x6000);
/// `DW_LANG_C11`.
const LANGUAGE: gimli::DwLang = DW_LANG_C11;
/// BPF's frame pointer, `r10` (DWARF register numbers are the BPF registers).
const FRAME_REGISTER: Register = Register(10);

/// Builds the debug sections for a compiled translation unit. Functions are
/// placed as the ELF writer places them: concatenated per section, in order.
pub fn build(
    program: &tir::Program,
    module: &ir::Module,
    functions: &[MachFunction],
    sources: &SourceMap,
    interner: &Interner,
    comp_dir: &str,
    producer: &str,
) -> DebugSections {
    let encoding = Encoding {
        format: Format::Dwarf32,
        version: 5,
        address_size: 8,
    };
    let mut b = Builder {
        program,
        sources,
        interner,
        dwarf: DwarfUnit::new(encoding),
        symbols: Vec::new(),
        symbol_index: BTreeMap::new(),
        types: HashMap::new(),
        base_types: BTreeMap::new(),
        files: BTreeMap::new(),
        array_index_type: None,
    };
    b.compile_unit(module, functions, comp_dir, producer);
    b.finish()
}

struct Builder<'a> {
    program: &'a tir::Program,
    sources: &'a SourceMap,
    interner: &'a Interner,
    dwarf: DwarfUnit,
    /// Relocation targets that gimli refers to as `Address::Symbol { symbol }`.
    symbols: Vec<DebugRelocTarget>,
    symbol_index: BTreeMap<DebugRelocTarget, usize>,
    /// Type entries by (type, qualifiers), so each is described once.
    types: HashMap<(TypeId, (bool, bool, bool)), UnitEntryId>,
    base_types: BTreeMap<IntKind, UnitEntryId>,
    /// Source files → line program file ids.
    files: BTreeMap<FileId, gimli::write::FileId>,
    /// `__ARRAY_SIZE_TYPE__`, clang's index type for array subranges.
    array_index_type: Option<UnitEntryId>,
}

/// Where a machine function starts: its section and byte offset.
struct Placed<'a> {
    function: &'a MachFunction,
    offset: u64,
}

impl<'a> Builder<'a> {
    fn symbol(&mut self, target: DebugRelocTarget) -> usize {
        if let Some(&i) = self.symbol_index.get(&target) {
            return i;
        }
        self.symbols.push(target.clone());
        self.symbol_index.insert(target, self.symbols.len() - 1);
        self.symbols.len() - 1
    }

    fn code_address(&mut self, section: &str, offset: u64) -> Address {
        let symbol = self.symbol(DebugRelocTarget::CodeSection(section.to_string()));
        Address::Symbol {
            symbol,
            addend: offset as i64,
        }
    }

    fn name(&self, sym: Sym) -> &'a str {
        self.interner.resolve(sym)
    }

    fn compile_unit(
        &mut self,
        module: &ir::Module,
        functions: &'a [MachFunction],
        comp_dir: &str,
        producer: &str,
    ) {
        // Functions grouped by section in the order sections first appear, as
        // the ELF writer lays them out.
        let mut sections: Vec<(String, Vec<Placed<'a>>, u64)> = Vec::new();
        for f in functions {
            let slot = match sections.iter().position(|(name, ..)| *name == f.section) {
                Some(i) => i,
                None => {
                    sections.push((f.section.clone(), Vec::new(), 0));
                    sections.len() - 1
                }
            };
            let (_, placed, size) = &mut sections[slot];
            placed.push(Placed {
                function: f,
                offset: *size,
            });
            *size += f.insns.len() as u64 * 8;
        }
        sections.retain(|(_, _, size)| *size > 0);

        let main_file = self
            .sources
            .files()
            .next()
            .map(|(_, f)| f.name.clone())
            .unwrap_or_default();
        let encoding = self.dwarf.unit.encoding();
        let comp_dir_string = LineString::new(comp_dir, encoding, &mut self.dwarf.line_strings);
        let main_string =
            LineString::new(main_file.as_str(), encoding, &mut self.dwarf.line_strings);
        self.dwarf.unit.line_program = LineProgram::new(
            encoding,
            LineEncoding::default(),
            comp_dir_string,
            main_string,
            None,
        );

        let root = self.dwarf.unit.root();
        let producer = self.dwarf.strings.add(producer);
        let name = self.dwarf.strings.add(main_file.as_str());
        let dir = self.dwarf.strings.add(comp_dir);
        let cu = self.dwarf.unit.get_mut(root);
        cu.set(DW_AT_producer, AttributeValue::StringRef(producer));
        cu.set(DW_AT_language, AttributeValue::Language(LANGUAGE));
        cu.set(DW_AT_name, AttributeValue::StringRef(name));
        cu.set(DW_AT_comp_dir, AttributeValue::StringRef(dir));
        match sections.as_slice() {
            [] => {}
            [(section, _, size)] => {
                let low = self.code_address(section, 0);
                let cu = self.dwarf.unit.get_mut(root);
                cu.set(DW_AT_low_pc, AttributeValue::Address(low));
                cu.set(DW_AT_high_pc, AttributeValue::Udata(*size));
            }
            _ => {
                let ranges: Vec<Range> = sections
                    .iter()
                    .map(|(section, _, size)| Range::StartLength {
                        begin: self.code_address(section, 0),
                        length: *size,
                    })
                    .collect();
                let id = self.dwarf.unit.ranges.add(RangeList(ranges));
                let cu = self.dwarf.unit.get_mut(root);
                cu.set(DW_AT_low_pc, AttributeValue::Address(Address::Constant(0)));
                cu.set(DW_AT_ranges, AttributeValue::RangeListRef(id));
            }
        }

        self.global_variables(module);
        self.helpers(functions);
        self.subprograms(&sections);
        self.extern_functions(module);
        self.line_table(&sections);
    }

    fn finish(mut self) -> DebugSections {
        let mut sections = Sections::new(SectionWriter::default());
        self.dwarf
            .write(&mut sections)
            .expect("gimli writes a consistent unit");
        let mut out = DebugSections::default();
        let symbols = &self.symbols;
        let _ = sections.for_each(|id, w| -> Result<(), ()> {
            if w.data.slice().is_empty() {
                return Ok(());
            }
            let mut data = w.data.slice().to_vec();
            let relocs = w
                .relocs
                .iter()
                .map(|r| {
                    // REL: the addend lives in the relocated bytes.
                    let at = r.offset;
                    let n = r.size as usize;
                    data[at..at + n].copy_from_slice(&r.addend.to_le_bytes()[..n]);
                    DebugReloc {
                        offset: r.offset as u64,
                        size: r.size,
                        target: match r.target {
                            RelocationTarget::Section(s) => {
                                DebugRelocTarget::DebugSection(s.name().to_string())
                            }
                            RelocationTarget::Symbol(i) => symbols[i].clone(),
                        },
                        addend: r.addend,
                    }
                })
                .collect();
            out.sections.push(DebugSection {
                name: id.name().to_string(),
                data,
                relocs,
            });
            Ok(())
        });
        out
    }

    // ---- source positions ----

    fn file(&mut self, file: FileId) -> gimli::write::FileId {
        if let Some(&id) = self.files.get(&file) {
            return id;
        }
        let source = self.sources.file(file);
        let full = source
            .path
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|| source.name.clone());
        let path = Path::new(&full);
        let base = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| full.clone());
        let parent = path
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let encoding = self.dwarf.unit.encoding();
        let program = &mut self.dwarf.unit.line_program;
        let dir = if parent.is_empty() {
            program.default_directory()
        } else {
            let s = LineString::new(parent.as_str(), encoding, &mut self.dwarf.line_strings);
            program.add_directory(s)
        };
        let name = LineString::new(base.as_str(), encoding, &mut self.dwarf.line_strings);
        let id = program.add_file(name, dir, None);
        self.files.insert(file, id);
        id
    }

    fn decl(&mut self, entry: UnitEntryId, span: Span) {
        let file = self.file(span.file);
        let (line, _) = self.sources.line_col(span);
        let e = self.dwarf.unit.get_mut(entry);
        e.set(DW_AT_decl_file, AttributeValue::FileIndex(Some(file)));
        e.set(DW_AT_decl_line, AttributeValue::Udata(line as u64));
    }

    fn set_name(&mut self, entry: UnitEntryId, name: &str) {
        let s = self.dwarf.strings.add(name);
        self.dwarf
            .unit
            .get_mut(entry)
            .set(DW_AT_name, AttributeValue::StringRef(s));
    }

    fn new_entry(&mut self, parent: UnitEntryId, tag: gimli::DwTag) -> UnitEntryId {
        self.dwarf.unit.add(parent, tag)
    }

    fn set(&mut self, entry: UnitEntryId, attr: gimli::DwAt, value: AttributeValue) {
        self.dwarf.unit.get_mut(entry).set(attr, value);
    }

    /// Sets `DW_AT_type` unless the type is `void` (which DWARF leaves out).
    fn set_type(&mut self, entry: UnitEntryId, qt: QualType) {
        if let Some(t) = self.qual_type(qt) {
            self.set(entry, DW_AT_type, AttributeValue::UnitRef(t));
        }
    }

    // ---- types ----

    /// The entry of a qualified type; `None` for unqualified `void`.
    fn qual_type(&mut self, qt: QualType) -> Option<UnitEntryId> {
        let Quals {
            is_const,
            is_volatile,
            is_restrict,
        } = qt.quals;
        if !(is_const || is_volatile || is_restrict) {
            return self.ty(qt.ty);
        }
        let key = (qt.ty, (is_const, is_volatile, is_restrict));
        if let Some(&id) = self.types.get(&key) {
            return Some(id);
        }
        // Outermost first, as clang nests them: const(volatile(restrict(T))).
        let (tag, inner) = if is_const {
            (
                DW_TAG_const_type,
                Quals {
                    is_const: false,
                    ..qt.quals
                },
            )
        } else if is_volatile {
            (
                DW_TAG_volatile_type,
                Quals {
                    is_volatile: false,
                    ..qt.quals
                },
            )
        } else {
            (DW_TAG_restrict_type, Quals::default())
        };
        let root = self.dwarf.unit.root();
        let id = self.new_entry(root, tag);
        self.types.insert(key, id);
        self.set_type(
            id,
            QualType {
                ty: qt.ty,
                quals: inner,
            },
        );
        Some(id)
    }

    /// The entry of an unqualified type; `None` for `void`.
    fn ty(&mut self, ty: TypeId) -> Option<UnitEntryId> {
        let types = &self.program.types;
        if let TypeKind::Int(k) = types.kind(ty) {
            return Some(self.base_type(*k));
        }
        let key = (ty, (false, false, false));
        if let Some(&id) = self.types.get(&key) {
            return Some(id);
        }
        let root = self.dwarf.unit.root();
        // The entry is registered before its parts are described so that
        // recursive types (a list node pointing to itself) terminate.
        let id = match types.kind(ty) {
            TypeKind::Void => return None,
            TypeKind::Int(_) => unreachable!(),
            TypeKind::Float { size } => {
                let id = self.new_entry(root, DW_TAG_base_type);
                let name = match size {
                    2 => "_Float16",
                    4 => "float",
                    8 => "double",
                    _ => "long double",
                };
                self.set_name(id, name);
                self.set(id, DW_AT_encoding, AttributeValue::Encoding(DW_ATE_float));
                self.set(id, DW_AT_byte_size, AttributeValue::Udata(*size as u64));
                self.types.insert(key, id);
                id
            }
            TypeKind::Pointer { pointee, type_tags } => {
                let id = self.new_entry(root, DW_TAG_pointer_type);
                self.types.insert(key, id);
                self.set_type(id, *pointee);
                for &tag in type_tags {
                    self.annotation(id, "btf_type_tag", self.name(tag).as_bytes());
                }
                id
            }
            TypeKind::VaList => {
                // `__builtin_va_list` is only declarable; an untyped pointer
                // has its size.
                let id = self.new_entry(root, DW_TAG_pointer_type);
                self.types.insert(key, id);
                id
            }
            TypeKind::Array { elem, len } => {
                let id = self.new_entry(root, DW_TAG_array_type);
                self.types.insert(key, id);
                // int a[2][3] is one array type with two subranges.
                let mut dims = vec![*len];
                let mut elem = *elem;
                while elem.quals == Quals::default() {
                    match types.kind(elem.ty) {
                        TypeKind::Array { elem: e, len } => {
                            dims.push(*len);
                            elem = *e;
                        }
                        _ => break,
                    }
                }
                self.set_type(id, elem);
                let index = self.array_index_type();
                for len in dims {
                    let sub = self.new_entry(id, DW_TAG_subrange_type);
                    self.set(sub, DW_AT_type, AttributeValue::UnitRef(index));
                    if let Some(n) = len {
                        self.set(sub, DW_AT_count, AttributeValue::Udata(n));
                    }
                }
                id
            }
            TypeKind::Function(ft) => {
                let id = self.new_entry(root, DW_TAG_subroutine_type);
                self.types.insert(key, id);
                self.prototype(id, ft, None, &[]);
                id
            }
            TypeKind::Record(r) => {
                let def = &types.records[*r];
                let tag = if def.is_union {
                    DW_TAG_union_type
                } else {
                    DW_TAG_structure_type
                };
                let id = self.new_entry(root, tag);
                self.types.insert(key, id);
                if let Some(name) = def.name {
                    self.set_name(id, self.name(name));
                }
                if !def.complete {
                    self.set(id, DW_AT_declaration, AttributeValue::Flag(true));
                    return Some(id);
                }
                self.set(id, DW_AT_byte_size, AttributeValue::Udata(def.size));
                self.decl(id, def.span);
                for field in &def.fields {
                    // Unnamed bit fields are padding, not members (as clang).
                    if field.name.is_none() && field.bitfield.is_some() {
                        continue;
                    }
                    let m = self.new_entry(id, DW_TAG_member);
                    if let Some(name) = field.name {
                        self.set_name(m, self.name(name));
                    }
                    self.set_type(m, field.ty);
                    self.decl(m, field.span);
                    self.decl_tags(m, &field.decl_tags);
                    match field.bitfield {
                        Some(bf) => {
                            self.set(m, DW_AT_bit_size, AttributeValue::Udata(bf.width as u64));
                            self.set(
                                m,
                                DW_AT_data_bit_offset,
                                AttributeValue::Udata(field.offset * 8 + bf.bit_offset as u64),
                            );
                        }
                        None => self.set(
                            m,
                            DW_AT_data_member_location,
                            AttributeValue::Udata(field.offset),
                        ),
                    }
                }
                self.decl_tags(id, &def.decl_tags);
                id
            }
            TypeKind::Enum(e) => {
                let def = &types.enums[*e];
                let id = self.new_entry(root, DW_TAG_enumeration_type);
                self.types.insert(key, id);
                if let Some(name) = def.name {
                    self.set_name(id, self.name(name));
                }
                if !def.complete {
                    self.set(id, DW_AT_declaration, AttributeValue::Flag(true));
                    return Some(id);
                }
                let underlying = self.base_type(def.underlying);
                self.set(id, DW_AT_type, AttributeValue::UnitRef(underlying));
                self.set(
                    id,
                    DW_AT_byte_size,
                    AttributeValue::Udata(def.underlying.size()),
                );
                self.decl(id, def.span);
                let signed = def.underlying.is_signed();
                for &(name, value) in &def.values {
                    let v = self.new_entry(id, DW_TAG_enumerator);
                    self.set_name(v, self.name(name));
                    let value = if signed {
                        AttributeValue::Sdata(value)
                    } else {
                        AttributeValue::Udata(value as u64)
                    };
                    self.set(v, DW_AT_const_value, value);
                }
                id
            }
            TypeKind::Typedef { name, target } => {
                let id = self.new_entry(root, DW_TAG_typedef);
                self.types.insert(key, id);
                self.set_name(id, self.name(*name));
                self.set_type(id, *target);
                if let Some(tags) = types.typedef_decl_tags.get(&key.0) {
                    self.decl_tags(id, tags);
                }
                id
            }
        };
        Some(id)
    }

    fn base_type(&mut self, k: IntKind) -> UnitEntryId {
        if let Some(&id) = self.base_types.get(&k) {
            return id;
        }
        use IntKind::*;
        let (name, encoding) = match k {
            Bool => ("_Bool", DW_ATE_boolean),
            Char => ("char", DW_ATE_signed_char),
            SChar => ("signed char", DW_ATE_signed_char),
            UChar => ("unsigned char", DW_ATE_unsigned_char),
            Short => ("short", DW_ATE_signed),
            UShort => ("unsigned short", DW_ATE_unsigned),
            Int => ("int", DW_ATE_signed),
            UInt => ("unsigned int", DW_ATE_unsigned),
            Long => ("long", DW_ATE_signed),
            ULong => ("unsigned long", DW_ATE_unsigned),
            LongLong => ("long long", DW_ATE_signed),
            ULongLong => ("unsigned long long", DW_ATE_unsigned),
            Int128 => ("__int128", DW_ATE_signed),
            UInt128 => ("unsigned __int128", DW_ATE_unsigned),
        };
        let id = self.base_type_named(name, encoding, k.size());
        self.base_types.insert(k, id);
        id
    }

    fn base_type_named(&mut self, name: &str, encoding: gimli::DwAte, size: u64) -> UnitEntryId {
        let root = self.dwarf.unit.root();
        let id = self.new_entry(root, DW_TAG_base_type);
        self.set_name(id, name);
        self.set(id, DW_AT_encoding, AttributeValue::Encoding(encoding));
        self.set(id, DW_AT_byte_size, AttributeValue::Udata(size));
        id
    }

    fn array_index_type(&mut self) -> UnitEntryId {
        if let Some(id) = self.array_index_type {
            return id;
        }
        let id = self.base_type_named("__ARRAY_SIZE_TYPE__", DW_ATE_unsigned, 8);
        self.array_index_type = Some(id);
        id
    }

    /// Return type and parameters of a prototype or subprogram `entry`;
    /// `params` gives the parameters' names and positions for a definition.
    fn prototype(
        &mut self,
        entry: UnitEntryId,
        ft: &FunctionType,
        params: Option<&[(Option<Sym>, Span)]>,
        param_tags: &[(u32, Vec<u8>)],
    ) {
        if ft.has_prototype {
            self.set(entry, DW_AT_prototyped, AttributeValue::Flag(true));
        }
        self.set_type(entry, ft.ret);
        for (i, &p) in ft.params.iter().enumerate() {
            let e = self.new_entry(entry, DW_TAG_formal_parameter);
            if let Some(&(name, span)) = params.and_then(|ps| ps.get(i)) {
                if let Some(name) = name {
                    self.set_name(e, self.name(name));
                }
                self.decl(e, span);
            }
            self.set_type(e, p);
            for (_, tag) in param_tags.iter().filter(|(index, _)| *index as usize == i) {
                self.annotation(e, "btf_decl_tag", tag);
            }
        }
        if ft.variadic {
            self.new_entry(entry, DW_TAG_unspecified_parameters);
        }
    }

    /// A `DW_TAG_LLVM_annotation` child, clang's carrier of `btf_decl_tag`
    /// and `btf_type_tag` that pahole turns into BTF tags.
    fn annotation(&mut self, parent: UnitEntryId, kind: &str, value: &[u8]) {
        let a = self.new_entry(parent, DW_TAG_LLVM_ANNOTATION);
        self.set_name(a, kind);
        let v = self.dwarf.strings.add(value);
        self.set(a, DW_AT_const_value, AttributeValue::StringRef(v));
    }

    fn decl_tags(&mut self, entry: UnitEntryId, tags: &[Vec<u8>]) {
        for tag in tags {
            self.annotation(entry, "btf_decl_tag", tag);
        }
    }

    // ---- variables and functions ----

    /// The globals that made it into the object (as clang, unused statics
    /// and unused extern declarations are not described).
    fn global_variables(&mut self, module: &ir::Module) {
        let root = self.dwarf.unit.root();
        let program = self.program;
        let data: BTreeMap<&str, &ir::DataObject> =
            module.data.values().map(|d| (d.name.as_str(), d)).collect();
        for (_, g) in program.globals.iter() {
            if g.synthesized || g.helper_id.is_some() {
                continue;
            }
            let name = self.name(g.name);
            let Some(object) = data.get(name) else {
                continue;
            };
            let id = self.new_entry(root, DW_TAG_variable);
            self.set_name(id, name);
            self.set_type(id, g.ty);
            if g.linkage == Linkage::External {
                self.set(id, DW_AT_external, AttributeValue::Flag(true));
            }
            self.decl(id, g.span);
            if object.is_extern || g.is_extern {
                self.set(id, DW_AT_declaration, AttributeValue::Flag(true));
            } else {
                let symbol = self.symbol(DebugRelocTarget::Symbol(name.to_string()));
                let mut location = Expression::new();
                location.op_addr(Address::Symbol { symbol, addend: 0 });
                self.set(id, DW_AT_location, AttributeValue::Exprloc(location));
            }
            self.decl_tags(id, &g.attrs.decl_tags);
        }
    }

    /// The helpers the code calls, as clang describes libbpf's
    /// `static ret (*const name)(...) = (void *)id`: a variable of pointer to
    /// function type whose constant value is the helper number. bpfcc's
    /// `kernel_helper(id)` prototypes are described the same way.
    fn helpers(&mut self, functions: &[MachFunction]) {
        let called: BTreeSet<i64> = functions
            .iter()
            .flat_map(|f| &f.insns)
            .filter(|i| i.code == BPF_JMP | BPF_CALL && i.src == 0)
            .map(|i| i.imm as i64)
            .collect();
        let program = self.program;
        let root = self.dwarf.unit.root();
        let mut described = BTreeSet::new();
        let variables = program
            .globals
            .values()
            .filter_map(|g| Some((g.helper_id?, g.name, g.span, Some(g.ty), None)));
        let prototypes = program
            .functions
            .values()
            .filter_map(|f| Some((f.helper_id?, f.name, f.span, None, Some(f.ty))));
        for (id, name, span, variable_type, function_type) in variables.chain(prototypes) {
            if !called.contains(&id) || !described.insert(self.name(name)) {
                continue;
            }
            let v = self.new_entry(root, DW_TAG_variable);
            self.set_name(v, self.name(name));
            match (variable_type, function_type) {
                // The `const` of the pointer is left out, as clang does for a
                // variable that is only a constant.
                (Some(qt), _) => self.set_type(v, QualType::new(qt.ty)),
                (None, Some(ft)) => {
                    let pointer = self.new_entry(root, DW_TAG_pointer_type);
                    if let Some(f) = self.ty(ft) {
                        self.set(pointer, DW_AT_type, AttributeValue::UnitRef(f));
                    }
                    self.set(v, DW_AT_type, AttributeValue::UnitRef(pointer));
                }
                (None, None) => unreachable!(),
            }
            self.decl(v, span);
            self.set(v, DW_AT_const_value, AttributeValue::Udata(id as u64));
        }
    }

    /// The typed functions by symbol name, those with a body or without.
    fn functions_by_name(&self, with_body: bool) -> BTreeMap<&'a str, &'a tir::Function> {
        let program = self.program;
        program
            .functions
            .values()
            .filter(|d| d.body.is_some() == with_body)
            .map(|d| {
                (
                    d.asm_label.as_deref().unwrap_or_else(|| self.name(d.name)),
                    d,
                )
            })
            .collect()
    }

    fn subprograms(&mut self, sections: &[(String, Vec<Placed<'a>>, u64)]) {
        let program = self.program;
        let root = self.dwarf.unit.root();
        let defined = self.functions_by_name(true);
        for (section, placed, _) in sections {
            for p in placed {
                let f = p.function;
                // The typed function this machine code came from.
                let Some(&def) = defined.get(f.name.as_str()) else {
                    continue;
                };
                let body = def.body.as_ref().expect("checked above");
                let id = self.new_entry(root, DW_TAG_subprogram);
                let low = self.code_address(section, p.offset);
                self.set(id, DW_AT_low_pc, AttributeValue::Address(low));
                self.set(
                    id,
                    DW_AT_high_pc,
                    AttributeValue::Udata(f.insns.len() as u64 * 8),
                );
                let mut frame = Expression::new();
                frame.op_reg(FRAME_REGISTER);
                self.set(id, DW_AT_frame_base, AttributeValue::Exprloc(frame));
                self.set_name(id, &f.name);
                self.decl(id, def.span);
                if def.linkage == Linkage::External {
                    self.set(id, DW_AT_external, AttributeValue::Flag(true));
                }
                let params: Vec<(Option<Sym>, Span)> = body
                    .params
                    .iter()
                    .map(|&l| (body.locals[l].name, body.locals[l].span))
                    .collect();
                match program.types.ckind(def.ty) {
                    TypeKind::Function(ft) => {
                        self.prototype(id, ft, Some(&params), &def.attrs.param_decl_tags)
                    }
                    _ => unreachable!("a function has a function type"),
                }
                self.decl_tags(id, &def.attrs.decl_tags);
                // Locals (not parameters), without locations: the optimizer
                // keeps values in registers the line table does not track.
                for (local_id, local) in body.locals.iter() {
                    if body.params.contains(&local_id) {
                        continue;
                    }
                    let Some(name) = local.name else { continue };
                    let v = self.new_entry(id, DW_TAG_variable);
                    self.set_name(v, self.name(name));
                    self.decl(v, local.span);
                    self.set_type(v, local.ty);
                }
            }
        }
    }

    /// Functions called but defined elsewhere (kfuncs, other objects'
    /// functions): declarations, as clang describes them.
    fn extern_functions(&mut self, module: &ir::Module) {
        let program = self.program;
        let root = self.dwarf.unit.root();
        let declared = self.functions_by_name(false);
        for name in &module.extern_functions {
            let Some(&def) = declared.get(name.as_str()) else {
                continue;
            };
            let TypeKind::Function(ft) = program.types.ckind(def.ty) else {
                continue;
            };
            let id = self.new_entry(root, DW_TAG_subprogram);
            self.set_name(id, name);
            self.decl(id, def.span);
            self.prototype(id, ft, None, &def.attrs.param_decl_tags);
            self.set(id, DW_AT_declaration, AttributeValue::Flag(true));
            self.set(id, DW_AT_external, AttributeValue::Flag(true));
            self.decl_tags(id, &def.attrs.decl_tags);
        }
    }

    fn line_table(&mut self, sections: &[(String, Vec<Placed<'a>>, u64)]) {
        for (section, placed, size) in sections {
            let start = self.code_address(section, 0);
            self.dwarf.unit.line_program.begin_sequence(Some(start));
            let mut last = 0u64;
            for p in placed {
                let mut lines: Vec<(usize, Span)> = p.function.lines.clone();
                lines.sort_by_key(|&(insn, _)| insn);
                if lines.first().is_none_or(|&(insn, _)| insn != 0) {
                    lines.insert(0, (0, p.function.span));
                }
                for (insn, span) in lines {
                    let address = p.offset + insn as u64 * 8;
                    if address < last || insn >= p.function.insns.len().max(1) {
                        continue;
                    }
                    last = address;
                    let file = self.file(span.file);
                    let (line, column) = self.sources.line_col(span);
                    let row = self.dwarf.unit.line_program.row();
                    row.address_offset = address;
                    row.file = file;
                    row.line = line as u64;
                    row.column = column as u64;
                    self.dwarf.unit.line_program.generate_row();
                }
            }
            self.dwarf.unit.line_program.end_sequence(*size);
        }
    }
}

/// A section's bytes and the relocations gimli asked for while writing it.
#[derive(Clone)]
struct SectionWriter {
    data: EndianVec<LittleEndian>,
    relocs: Vec<Relocation>,
}

impl Default for SectionWriter {
    fn default() -> Self {
        SectionWriter {
            data: EndianVec::new(LittleEndian),
            relocs: Vec::new(),
        }
    }
}

impl RelocateWriter for SectionWriter {
    type Writer = EndianVec<LittleEndian>;

    fn writer(&self) -> &Self::Writer {
        &self.data
    }

    fn writer_mut(&mut self) -> &mut Self::Writer {
        &mut self.data
    }

    fn relocate(&mut self, relocation: Relocation) {
        self.relocs.push(relocation);
    }
}

#[cfg(test)]
mod tests;
