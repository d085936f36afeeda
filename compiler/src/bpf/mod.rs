//! The BPF back end: instruction selection, register allocation, frame layout
//! and encoding, from IR functions to [`insn::MachFunction`]s; and the
//! pseudo-C assembly printer for `-S`.

pub mod insn;

use crate::diag::Diagnostics;
use crate::ir::Module;

#[derive(Clone, Debug)]
pub struct BackendOptions {
    /// `-mcpu=vN`: 1 to 4.
    pub cpu_version: u8,
    pub opt_level: u8,
}

/// Compiles every function of the module, in order.
pub fn compile_module(
    module: &Module,
    options: &BackendOptions,
    diags: &mut Diagnostics,
) -> Vec<insn::MachFunction> {
    let _ = (module, options, diags);
    todo!("back end")
}
