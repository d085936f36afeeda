//! The BPF back end: instruction selection, register allocation, frame layout
//! and encoding, from IR functions to [`insn::MachFunction`]s; and the
//! pseudo-C assembly printer for `-S`.

pub mod asm_print;
pub mod emit;
pub mod frame;
pub mod insn;
pub mod isel;
pub mod mir;
pub mod regalloc;
#[cfg(test)]
mod tests;

use crate::diag::Diagnostics;
use crate::ir::{Function, Module};

#[derive(Clone, Debug)]
pub struct BackendOptions {
    /// `-mcpu=vN`: 1 to 4.
    pub cpu_version: u8,
    pub opt_level: u8,
}

/// Compiles every function of the module, in order. Problems (unsupported
/// operations, a frame over 512 bytes) are reported to `diags`; a function
/// with errors comes back without instructions.
pub fn compile_module(
    module: &Module,
    options: &BackendOptions,
    diags: &mut Diagnostics,
) -> Vec<insn::MachFunction> {
    module
        .functions
        .values()
        .map(|f| compile_function(f, options, diags))
        .collect()
}

/// Compiles one function.
pub fn compile_function(
    f: &Function,
    options: &BackendOptions,
    diags: &mut Diagnostics,
) -> insn::MachFunction {
    let empty = || insn::MachFunction {
        name: f.name.clone(),
        section: f.section.clone(),
        linkage: f.linkage,
        insns: Vec::new(),
        relocs: Vec::new(),
        core_relos: Vec::new(),
        lines: Vec::new(),
        stack_size: 0,
        span: f.span,
    };
    if !(1..=4).contains(&options.cpu_version) {
        diags.error_nospan(format!(
            "unsupported -mcpu=v{} (v1 to v4 are supported)",
            options.cpu_version
        ));
        return empty();
    }
    if let Err(e) = crate::ir::verify::verify_function(f) {
        diags.error(f.span, format!("internal error: invalid IR: {e}"));
        return empty();
    }
    let errors_before = diags.error_count();
    let mut m = isel::select(f, options, diags);
    if diags.error_count() > errors_before {
        return empty();
    }
    if let Err(e) = regalloc::allocate(&mut m) {
        diags.error(f.span, format!("in function '{}': {e}", f.name));
        return empty();
    }
    let frame = frame::layout(f, &m, diags);
    if diags.error_count() > errors_before {
        return empty();
    }
    emit::encode(f, m, &frame, options.cpu_version, diags)
}
