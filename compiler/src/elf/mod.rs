//! Writing the ELF relocatable object (`EM_BPF`) through the `object` crate.

use crate::bpf::insn::MachFunction;
use crate::ir::Module;

pub fn write_object(module: &Module, functions: &[MachFunction]) -> Vec<u8> {
    let _ = (module, functions);
    todo!("object writer")
}
