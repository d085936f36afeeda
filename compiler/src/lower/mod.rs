//! Lowering: the typed tree to SSA IR. Locals go into stack slots; mem2reg
//! later promotes those whose address is never taken.

use crate::diag::Diagnostics;
use crate::intern::Interner;
use crate::ir::Module;
use crate::sema::tir::Program;

pub fn lower(program: &Program, interner: &Interner, diags: &mut Diagnostics) -> Module {
    let _ = (program, interner, diags);
    todo!("lowering")
}
