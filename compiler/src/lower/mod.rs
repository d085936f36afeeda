//! Lowering: the typed tree to SSA IR.
//!
//! Only what the unit needs is emitted, as clang does: functions and objects
//! with external linkage (or `__attribute__((used))`) and everything they
//! reach through code or initializers; unused `static` functions and objects
//! (header helpers, libbpf's helper-pointer constants) produce nothing.
//!
//! Each emitted global becomes a [`DataObject`], each emitted function an IR
//! [`ir::Function`] built by `function::lower_function`: locals and
//! parameters live in stack slots, which `passes::mem2reg` later promotes to
//! SSA values when their address is never taken. Calls that a BPF call
//! cannot express or that clang always inlines (`always_inline`, more than
//! five argument registers, a static function returning a struct) are
//! lowered in place, and such functions are not emitted on their own.
//!
//! Files: `refs` (what is emitted), `function` (frames, statements,
//! inlining), `expr` (expressions), `memory` (addresses, loads and stores,
//! bitfields, copies).

#[cfg(test)]
mod c_source_tests;
mod expr;
mod function;
mod inline_asm;
mod memory;
mod refs;
#[cfg(test)]
mod tests;

use crate::diag::Diagnostics;
use crate::intern::Interner;
use crate::ir::{self, DataId, DataObject, Module, SymbolTarget};
use crate::sema::tir::{self, FuncId, GlobalId, Linkage, Program};
use crate::sema::types::{IntKind, QualType, TypeId, TypeKind};
use cranelift_entity::{EntityRef, SecondaryMap};
use std::collections::BTreeSet;

/// Lowers every emitted function and global of `program`.
pub fn lower(program: &Program, interner: &Interner, diags: &mut Diagnostics) -> Module {
    for (_, span) in &program.toplevel_asm {
        diags.error(*span, "top-level inline assembly is not supported yet");
    }
    let reach = refs::reachable(program);
    let mut module = Module::default();

    // Ids are given in declaration order, so output follows the source.
    let mut data_ids: SecondaryMap<GlobalId, Option<DataId>> = SecondaryMap::new();
    for (gid, g) in program.globals.iter() {
        if reach.globals.contains(&gid) {
            let obj = data_object(program, g, interner);
            data_ids[gid] = Some(module.data.push(obj));
        }
    }
    let mut func_ids: SecondaryMap<FuncId, Option<ir::FuncId>> = SecondaryMap::new();
    let mut next = 0usize;
    for (fid, f) in program.functions.iter() {
        if f.body.is_some() && reach.functions.contains(&fid) {
            func_ids[fid] = Some(ir::FuncId::new(next));
            next += 1;
        }
    }

    let mut cx = ModuleCx {
        program,
        interner,
        data_ids,
        func_ids,
        externs: Vec::new(),
        extern_set: BTreeSet::new(),
        weak_externs: BTreeSet::new(),
    };

    // Addresses in initializers.
    for (gid, g) in program.globals.iter() {
        let (Some(did), Some(init)) = (cx.data_ids[gid], &g.init) else {
            continue;
        };
        let mut relocs = Vec::new();
        for r in &init.relocs {
            match cx.symbol_target(r.target) {
                Some(t) => relocs.push((r.offset, t, r.addend)),
                None => diags.error(
                    g.span,
                    "the address of a BPF helper declared with `kernel_helper` cannot be stored in an initializer",
                ),
            }
        }
        module.data[did].relocs = relocs;
    }

    for (fid, f) in program.functions.iter() {
        if cx.func_ids[fid].is_none() {
            continue;
        }
        let func = function::lower_function(&mut cx, f, diags);
        module.functions.push(func);
    }
    module.extern_functions = cx.externs;
    module.weak_extern_functions = cx.weak_externs;
    let hidden_functions = program.functions.iter().filter(|(_, f)| f.attrs.hidden);
    let hidden_globals = program.globals.iter().filter(|(_, g)| g.attrs.hidden);
    module.hidden_symbols = hidden_functions
        .map(|(_, f)| interner.resolve(f.name).to_string())
        .chain(hidden_globals.map(|(_, g)| interner.resolve(g.name).to_string()))
        .collect();
    module
}

/// What every function's lowering shares: the program and the id maps.
pub(crate) struct ModuleCx<'a> {
    pub program: &'a Program,
    pub interner: &'a Interner,
    pub data_ids: SecondaryMap<GlobalId, Option<DataId>>,
    pub func_ids: SecondaryMap<FuncId, Option<ir::FuncId>>,
    /// Undefined functions called or whose address is taken (kfuncs), in
    /// order of first use.
    pub externs: Vec<String>,
    extern_set: BTreeSet<String>,
    /// Those of `externs` declared `__weak`.
    weak_externs: BTreeSet<String>,
}

impl ModuleCx<'_> {
    /// The symbol name of a function (its `asm("label")` if any).
    pub fn func_name(&self, f: &tir::Function) -> String {
        match &f.asm_label {
            Some(l) => l.clone(),
            None => self.interner.resolve(f.name).to_string(),
        }
    }

    /// Records a use of an undefined function and returns its name.
    pub fn extern_function(&mut self, f: FuncId) -> String {
        let func = &self.program.functions[f];
        let name = self.func_name(func);
        if self.extern_set.insert(name.clone()) {
            self.externs.push(name.clone());
        }
        // Any declaration may say `__weak`; sema merges the attributes.
        if func.attrs.weak {
            self.weak_externs.insert(name.clone());
        }
        name
    }

    /// The IR target of an address constant; `None` for a function that has
    /// no symbol: a BPF helper (`kernel_helper`).
    pub fn symbol_target(&mut self, s: tir::SymbolRef) -> Option<SymbolTarget> {
        match s {
            tir::SymbolRef::Global(g) => self.data_ids[g].map(SymbolTarget::Data),
            tir::SymbolRef::Func(f) => {
                if let Some(id) = self.func_ids[f] {
                    return Some(SymbolTarget::Func(id));
                }
                let func = &self.program.functions[f];
                if func.body.is_some() || func.helper_id.is_some() {
                    return None;
                }
                Some(SymbolTarget::ExternFunc(self.extern_function(f)))
            }
        }
    }
}

fn ir_linkage(linkage: Linkage, attrs: &tir::DeclAttrs) -> ir::Linkage {
    if attrs.weak {
        ir::Linkage::Weak
    } else {
        match linkage {
            Linkage::External => ir::Linkage::Global,
            Linkage::Internal => ir::Linkage::Local,
        }
    }
}

/// A global's object: its section as clang picks it, size, alignment and bytes.
fn data_object(program: &Program, g: &tir::Global, interner: &Interner) -> DataObject {
    let types = &program.types;
    let init_len = g.init.as_ref().map_or(0, |i| i.bytes.len() as u64);
    let size = types.size_of(g.ty.ty).unwrap_or(0).max(init_len);
    let align = if g.align > 0 {
        g.align
    } else {
        types.align_of(g.ty.ty)
    };
    let is_const = is_const_object(program, g.ty);
    let initialized = g
        .init
        .as_ref()
        .is_some_and(|i| !i.relocs.is_empty() || i.bytes.iter().any(|&b| b != 0));
    let name = interner.resolve(g.name);
    let section = match &g.section {
        Some(s) => s.clone(),
        None if g.is_extern => String::new(),
        // String literals (sema names them `.L.str`, `.L.str.1`, … as clang does)
        // go to clang's mergeable-strings section.
        None if g.synthesized && (name.starts_with(".str") || name.starts_with(".L.str")) => {
            ".rodata.str1.1".to_string()
        }
        // clang puts const objects in .rodata even when zero or uninitialized.
        None if is_const => ".rodata".to_string(),
        None if initialized => ".data".to_string(),
        None => ".bss".to_string(),
    };
    let bytes = if g.is_extern || (section == ".bss" && !initialized) {
        Vec::new()
    } else {
        let mut b = g.init.as_ref().map(|i| i.bytes.clone()).unwrap_or_default();
        b.resize(size as usize, 0);
        b
    };
    DataObject {
        name: name.to_string(),
        section,
        linkage: ir_linkage(g.linkage, &g.attrs),
        is_extern: g.is_extern,
        size: if g.is_extern && types.size_of(g.ty.ty).is_none() {
            0
        } else {
            size
        },
        align,
        bytes,
        relocs: Vec::new(),
        span: g.span,
    }
}

/// The object is const: the type is const-qualified, or an array of const elements.
fn is_const_object(program: &Program, qt: QualType) -> bool {
    let qt = program.types.canonical_qual(qt);
    if qt.quals.is_const {
        return true;
    }
    match program.types.kind(qt.ty) {
        TypeKind::Array { elem, .. } => is_const_object(program, *elem),
        _ => false,
    }
}

/// How a scalar C type is held in an IR value.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Scalar {
    pub ty: ir::Type,
    /// Size in memory, in bytes (1, 2, 4, 8).
    pub size: u64,
    pub signed: bool,
    /// `_Bool`: always 0 or 1.
    pub is_bool: bool,
}

impl Scalar {
    pub const INT: Scalar = Scalar {
        ty: ir::Type::I32,
        size: 4,
        signed: true,
        is_bool: false,
    };
    pub const LONG: Scalar = Scalar {
        ty: ir::Type::I64,
        size: 8,
        signed: true,
        is_bool: false,
    };
    pub const ULONG: Scalar = Scalar {
        ty: ir::Type::I64,
        size: 8,
        signed: false,
        is_bool: false,
    };

    /// Every value of `self` is a value of `to` with the same bits in an
    /// `I32`, so converting needs no extension.
    pub fn fits_in(self, to: Scalar) -> bool {
        self.is_bool
            || (self.size < to.size && (!self.signed || to.signed))
            || (self.size == to.size && self.signed == to.signed)
    }
}

/// The IR representation of a scalar type; `None` for anything else
/// (aggregates, void, floats, 128-bit integers).
pub(crate) fn scalar_of(program: &Program, ty: TypeId) -> Option<Scalar> {
    let types = &program.types;
    match types.ckind(ty) {
        TypeKind::Pointer { .. } => Some(Scalar::ULONG),
        _ => {
            let k = types.int_kind(ty)?;
            if matches!(k, IntKind::Int128 | IntKind::UInt128) {
                return None;
            }
            let size = k.size();
            Some(Scalar {
                ty: if size == 8 {
                    ir::Type::I64
                } else {
                    ir::Type::I32
                },
                size,
                signed: k.is_signed(),
                is_bool: k == IntKind::Bool,
            })
        }
    }
}
