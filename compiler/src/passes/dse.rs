//! Dead store elimination for stack slots.
//!
//! Only slots whose accesses are all visible are considered: the address is
//! not taken and every `StackAddr` result is used only as the address of
//! loads and stores (at any offset and width), so nothing else can read the
//! slot. For those:
//!
//! - a slot that is never loaded has all its stores removed (dead code
//!   elimination then removes the addresses, and the back end gives the slot
//!   no frame space);
//! - within a block, a store whose bytes are all overwritten by a later store
//!   before any load of the slot reads them is removed (a zero-initialized
//!   struct whose fields are then assigned).
//!
//! Volatile stores are never removed, and a volatile access to a slot ends
//! the tracking of that slot in the block. Everything a load can observe is
//! unchanged.

use super::functions_with_bodies;
use crate::ir::*;
use cranelift_entity::SecondaryMap;

pub fn run(module: &mut Module) -> bool {
    let mut changed = false;
    for f in functions_with_bodies(module) {
        changed |= eliminate(f);
    }
    changed
}

/// How a slot is accessed.
#[derive(Copy, Clone, Debug, Default, PartialEq)]
pub enum Access {
    /// Only through the address operands of loads and stores.
    #[default]
    Visible,
    /// Like `Visible`, and some load reads it.
    Loaded,
    /// Its address escapes (or is taken): leave it alone.
    Escapes,
}

/// The stack slots of a function and how they are accessed.
pub struct SlotAccesses {
    /// The slot and offset each `StackAddr` result stands for.
    pub addr_of: SecondaryMap<Value, Option<(StackSlot, i32)>>,
    pub access: SecondaryMap<StackSlot, Access>,
}

/// Finds which slots are accessed only through loads and stores.
pub fn slot_accesses(f: &Function) -> SlotAccesses {
    let mut access: SecondaryMap<StackSlot, Access> = SecondaryMap::new();
    for (s, d) in f.slots.iter() {
        if d.address_taken {
            access[s] = Access::Escapes;
        }
    }
    let mut addr_of: SecondaryMap<Value, Option<(StackSlot, i32)>> = SecondaryMap::new();
    for &b in &f.layout {
        for &i in &f.blocks[b].insts {
            if let (Op::StackAddr { slot, offset }, Some(r)) = (&f.insts[i].op, f.insts[i].result) {
                addr_of[r] = Some((*slot, *offset));
            }
        }
    }
    for &b in &f.layout {
        for &i in &f.blocks[b].insts {
            match &f.insts[i].op {
                Op::Store { value, .. } => {
                    if let Some((s, _)) = addr_of[*value] {
                        access[s] = Access::Escapes;
                    }
                }
                Op::Load { addr, .. } => {
                    if let Some((s, _)) = addr_of[*addr] {
                        if access[s] != Access::Escapes {
                            access[s] = Access::Loaded;
                        }
                    }
                }
                Op::StackAddr { .. } => {}
                op => op.for_each_arg(|v| {
                    if let Some((s, _)) = addr_of[v] {
                        access[s] = Access::Escapes;
                    }
                }),
            }
        }
    }
    SlotAccesses { addr_of, access }
}

/// Dead store elimination on one function.
pub fn eliminate(f: &mut Function) -> bool {
    if f.slots.is_empty() {
        return false;
    }
    let SlotAccesses { addr_of, access } = slot_accesses(f);

    // Stores not yet read in the current block, per slot: (store, first
    // byte, end byte).
    let mut pending: SecondaryMap<StackSlot, Vec<(Inst, i64, i64)>> = SecondaryMap::new();
    let mut dead: SecondaryMap<Inst, bool> = SecondaryMap::new();
    for &b in &f.layout {
        let mut touched: Vec<StackSlot> = Vec::new();
        for &i in &f.blocks[b].insts {
            let (addr, offset, width, volatile, is_store) = match f.insts[i].op {
                Op::Store {
                    addr,
                    offset,
                    width,
                    volatile,
                    ..
                } => (addr, offset, width, volatile, true),
                Op::Load {
                    addr,
                    offset,
                    width,
                    volatile,
                    ..
                } => (addr, offset, width, volatile, false),
                _ => continue,
            };
            let Some((s, base)) = addr_of[addr] else {
                continue;
            };
            match access[s] {
                Access::Escapes => continue,
                Access::Visible => {
                    // Never read: every non-volatile store is dead.
                    if is_store && !volatile {
                        dead[i] = true;
                    }
                    continue;
                }
                Access::Loaded => {}
            }
            if volatile {
                pending[s].clear();
                continue;
            }
            let start = i64::from(base) + i64::from(offset);
            let end = start + i64::from(width.bytes());
            if is_store {
                // Earlier stores whose bytes this one covers entirely are dead.
                pending[s].retain(|&(p, ps, pe)| {
                    let covered = start <= ps && pe <= end;
                    if covered {
                        dead[p] = true;
                    }
                    !covered
                });
                pending[s].push((i, start, end));
                touched.push(s);
            } else {
                // A load keeps the stores it reads.
                pending[s].retain(|&(_, ps, pe)| pe <= start || end <= ps);
            }
        }
        for s in touched {
            pending[s].clear();
        }
    }
    let mut changed = false;
    for k in 0..f.layout.len() {
        let b = f.layout[k];
        let before = f.blocks[b].insts.len();
        f.blocks[b].insts.retain(|&i| !dead[i]);
        changed |= f.blocks[b].insts.len() != before;
    }
    changed
}
