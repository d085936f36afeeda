//! Dead store elimination for stack slots that are never read.
//!
//! A slot whose address is not taken and whose `StackAddr` results are used
//! only as the address of non-volatile stores is written but never read: its
//! stores are removed (dead code elimination then removes the addresses, and
//! the back end gives the slot no frame space). Slots read anywhere, or whose
//! address reaches anything but a store's address operand, are untouched.

use crate::ir::*;
use cranelift_entity::SecondaryMap;

pub fn run(module: &mut Module) -> bool {
    let mut changed = false;
    for (_, f) in module.functions.iter_mut() {
        changed |= eliminate(f);
    }
    changed
}

/// Dead store elimination on one function.
pub fn eliminate(f: &mut Function) -> bool {
    let mut dead: SecondaryMap<StackSlot, bool> = SecondaryMap::new();
    for (s, d) in f.slots.iter() {
        dead[s] = !d.address_taken;
    }
    let mut addr_of: SecondaryMap<Value, Option<StackSlot>> = SecondaryMap::new();
    let mut any_store = false;
    for &b in &f.layout {
        for &i in &f.blocks[b].insts {
            if let (Op::StackAddr { slot, .. }, Some(r)) = (&f.insts[i].op, f.insts[i].result) {
                addr_of[r] = Some(*slot);
            }
        }
    }
    for &b in &f.layout {
        for &i in &f.blocks[b].insts {
            match &f.insts[i].op {
                Op::Store {
                    addr,
                    value,
                    volatile,
                    ..
                } => {
                    if let Some(s) = addr_of[*addr] {
                        any_store = true;
                        if *volatile {
                            dead[s] = false;
                        }
                    }
                    if let Some(s) = addr_of[*value] {
                        dead[s] = false;
                    }
                }
                Op::StackAddr { .. } => {}
                op => op.for_each_arg(|v| {
                    if let Some(s) = addr_of[v] {
                        dead[s] = false;
                    }
                }),
            }
        }
    }
    if !any_store {
        return false;
    }
    let mut changed = false;
    for k in 0..f.layout.len() {
        let b = f.layout[k];
        let insts = std::mem::take(&mut f.blocks[b].insts);
        let kept: Vec<Inst> = insts
            .iter()
            .copied()
            .filter(|&i| match &f.insts[i].op {
                Op::Store { addr, .. } => !addr_of[*addr].is_some_and(|s| dead[s]),
                _ => true,
            })
            .collect();
        changed |= kept.len() != insts.len();
        f.blocks[b].insts = kept;
    }
    changed
}
