//! IR passes. Each file is one pass; its doc comment says what it does and
//! what it preserves.

use crate::ir::Module;

/// Runs the pipeline for `-O<opt_level>`.
pub fn optimize(module: &mut Module, opt_level: u8) {
    let _ = (module, opt_level);
    todo!("passes")
}
