//! Store-to-load forwarding for stack slots whose address does not escape.
//!
//! For a slot accessed only through loads and stores (see
//! [`dse::slot_accesses`](super::dse::slot_accesses)), a load whose bytes
//! were all written by one earlier store, with no store to any of those
//! bytes in between, reads the stored value instead of memory: the value is
//! shifted to the load's offset within the store, re-extended as the load
//! would extend it, and narrowed or widened to the load's type. Stores are
//! tracked within a block and into blocks whose only predecessor is their
//! immediate dominator (the arms of an `if`), never across a join. A
//! volatile access to a slot ends the tracking of that slot. Struct locals
//! that are initialized and read field by field thus become SSA values, and
//! dead store elimination then removes the stores nobody reads.
//!
//! Loads only disappear; nothing moves, so no access crosses a branch that
//! guards it. Results are unchanged: the forwarded value is exactly the
//! bytes the load would have read.

use super::dominators::DomTree;
use super::dse::{slot_accesses, Access};
use super::functions_with_bodies;
use super::{create_inst, dce};
use crate::ir::*;
use cranelift_entity::SecondaryMap;

pub fn run(module: &mut Module) -> bool {
    let mut changed = false;
    for f in functions_with_bodies(module) {
        changed |= forward(f);
    }
    changed
}

/// A store whose bytes are still in the slot: slot, byte range, value.
#[derive(Clone, Copy)]
struct Written {
    slot: StackSlot,
    start: i64,
    end: i64,
    value: Value,
}

/// Store-to-load forwarding on one function.
pub fn forward(f: &mut Function) -> bool {
    let accesses = slot_accesses(f);
    if !f.slots.keys().any(|s| accesses.access[s] == Access::Loaded) {
        return false;
    }
    let dom = DomTree::compute(f);
    let calls_to = dce::calls_to_blocks(f);
    let mut end_state: SecondaryMap<Block, Option<Vec<Written>>> = SecondaryMap::new();
    let mut changed = false;
    for b in dom.preorder() {
        // Start from the dominator's state only when it is the sole way in
        // (one incoming edge, which then comes from the dominator).
        let mut state: Vec<Written> = match dom.idom[b] {
            Some(d) if calls_to[b].len() == 1 => end_state[d].clone().unwrap_or_default(),
            _ => Vec::new(),
        };
        let old = std::mem::take(&mut f.blocks[b].insts);
        let mut insts = Vec::with_capacity(old.len());
        for i in old {
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
                _ => {
                    insts.push(i);
                    continue;
                }
            };
            let Some((slot, base)) = accesses.addr_of[addr] else {
                insts.push(i);
                continue;
            };
            if accesses.access[slot] != Access::Loaded {
                insts.push(i);
                continue;
            }
            let start = i64::from(base) + i64::from(offset);
            let end = start + i64::from(width.bytes());
            let overlaps = |w: &Written| w.slot == slot && w.start < end && start < w.end;
            if volatile {
                state.retain(|w| w.slot != slot);
                insts.push(i);
                continue;
            }
            if is_store {
                state.retain(|w| !overlaps(w));
                let Op::Store { value, .. } = f.insts[i].op else {
                    unreachable!()
                };
                state.push(Written {
                    slot,
                    start,
                    end,
                    value,
                });
                insts.push(i);
                continue;
            }
            // A load: forward from the store that wrote all its bytes.
            let source = state
                .iter()
                .find(|w| w.slot == slot && w.start <= start && end <= w.end)
                .copied();
            let Some(w) = source else {
                insts.push(i);
                continue;
            };
            let Op::Load { signed, .. } = f.insts[i].op else {
                unreachable!()
            };
            let shift = 8 * (start - w.start);
            rewrite_load(f, i, w.value, shift, width, signed, &mut insts);
            changed = true;
        }
        f.blocks[b].insts = insts;
        end_state[b] = Some(state);
    }
    if changed {
        f.resolve_aliases();
    }
    changed
}

/// Replaces load `i` by the computation of its value from `stored`: the
/// bytes at `shift` bits, `width` wide, extended as the load extends them.
/// The new instructions go to `insts`; the load is dropped.
fn rewrite_load(
    f: &mut Function,
    i: Inst,
    stored: Value,
    shift: i64,
    width: MemWidth,
    signed: bool,
    insts: &mut Vec<Inst>,
) {
    let span = f.srclocs[i];
    let result = f.insts[i].result.expect("load without result");
    let rty = f.value_type(result);
    let mut push = |f: &mut Function, op: Op, ty: Type| {
        let c = create_inst(f, op, Some(ty), span);
        insts.push(c);
        f.insts[c].result.unwrap()
    };
    let bits = width.bytes() * 8;
    let mut v = stored;
    let extend = |v: Value| Op::Extend {
        value: v,
        from_bits: bits as u8,
        signed,
    };
    if f.value_type(stored) == Type::I32 {
        // The stored bytes past the 32-bit value (a width-8 store) are zero.
        if shift >= 32 {
            v = push(f, Op::Iconst(0), rty);
        } else if bits == 64 {
            if rty == Type::I64 {
                let op = Op::Widen {
                    value: v,
                    signed: false,
                };
                v = push(f, op, Type::I64);
            }
        } else {
            if shift > 0 {
                let amount = push(f, Op::Iconst(shift), Type::I32);
                v = push(f, Op::Binary(BinOp::LShr, v, amount), Type::I32);
            }
            if bits < 32 {
                v = push(f, extend(v), Type::I32);
            }
            if rty == Type::I64 {
                // Already extended from `bits`; widening keeps it so.
                v = push(f, Op::Widen { value: v, signed }, Type::I64);
            }
        }
    } else {
        if shift > 0 {
            let amount = push(f, Op::Iconst(shift), Type::I64);
            v = push(f, Op::Binary(BinOp::LShr, v, amount), Type::I64);
        }
        if rty == Type::I32 {
            v = push(f, Op::Narrow(v), Type::I32);
            if bits < 32 {
                v = push(f, extend(v), Type::I32);
            }
        } else if bits < 64 {
            v = push(f, extend(v), Type::I64);
        }
    }
    f.replace_uses(result, v);
}
