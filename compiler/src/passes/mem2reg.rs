//! Promotes scalar stack variables to SSA values.
//!
//! A slot is promoted when its address is not taken, no access is volatile,
//! and every `StackAddr` of it has offset 0 and is used only as the `addr` of
//! loads and stores at offset 0 that all have one width: a C scalar whose
//! address never escapes. Block parameters are placed at the iterated
//! dominance frontier of the blocks that store to the slot, pruned to the
//! blocks where the variable is live (Cytron et al.); then a walk of the
//! dominator tree renames loads to the value last stored. A load before any
//! store reads `iconst 0` (the C value is indeterminate).
//!
//! Memory semantics are kept exactly: a store keeps the low `width` bytes of
//! its value (an `I32` for widths up to 4, an `I64` for 8) and a load
//! re-extends them as the load did (`Extend`, `Widen`, `Narrow`), so nothing
//! depends on how the value was computed. Promoted slots get size 0; their
//! `StackAddr`, loads and stores disappear. Unreachable blocks are removed
//! first, and an entry block that is a jump target gets a new entry in front
//! of it, since the entry's parameters are the function's arguments.
//!
//! This runs at every optimization level: the kernel verifier loses the
//! bounds of a loop counter that lives on the stack.

use super::dominators::DomTree;
use super::functions_with_bodies;
use super::{create_inst, simplify_cfg};
use crate::ir::*;
use cranelift_entity::SecondaryMap;

/// How a promoted slot is accessed.
#[derive(Copy, Clone)]
struct Candidate {
    /// The type the slot's contents are kept in: `I64` for width 8, else `I32`.
    ty: Type,
}

/// Runs mem2reg on every function of the module. Slots whose address the
/// front end saw taken but that only feed loads and stores (`&x` used only
/// as `*&x`, an array indexed by constants, a local passed to a callee that
/// has been inlined) lose their `address_taken` mark first.
pub fn run(module: &mut Module) -> bool {
    let mut changed = false;
    for f in functions_with_bodies(module) {
        changed |= unmark_unescaped_slots(f);
        changed |= promote(f);
    }
    changed
}

/// Clears `address_taken` on slots whose `StackAddr` results are used only as
/// the address operand of loads and stores: their address escapes nowhere
/// (the IR shows every use of an address). Returns whether a mark changed.
pub fn unmark_unescaped_slots(f: &mut Function) -> bool {
    let mut escapes: SecondaryMap<StackSlot, bool> = SecondaryMap::new();
    let mut addr_of: SecondaryMap<Value, Option<StackSlot>> = SecondaryMap::new();
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
                Op::Load { .. } | Op::StackAddr { .. } => {}
                Op::Store { value, .. } => {
                    if let Some(s) = addr_of[*value] {
                        escapes[s] = true;
                    }
                }
                op => op.for_each_arg(|v| {
                    if let Some(s) = addr_of[v] {
                        escapes[s] = true;
                    }
                }),
            }
        }
    }
    let mut changed = false;
    for (s, d) in f.slots.iter_mut() {
        if d.address_taken && !escapes[s] {
            d.address_taken = false;
            changed = true;
        }
    }
    changed
}

/// Finds the promotable slots of `f`: `None` for the others.
fn candidates(f: &Function) -> SecondaryMap<StackSlot, Option<Candidate>> {
    // Start from every slot whose address is not taken; disqualify on any
    // use that is not a plain load or store at offset 0.
    let mut ok: SecondaryMap<StackSlot, bool> = SecondaryMap::new();
    let mut width: SecondaryMap<StackSlot, Option<MemWidth>> = SecondaryMap::new();
    for (s, d) in f.slots.iter() {
        ok[s] = !d.address_taken && d.size > 0;
    }
    // Which slot each StackAddr value points to.
    let mut addr_of: SecondaryMap<Value, Option<StackSlot>> = SecondaryMap::new();
    for &b in &f.layout {
        for &i in &f.blocks[b].insts {
            if let Op::StackAddr { slot, offset } = f.insts[i].op {
                if offset != 0 {
                    ok[slot] = false;
                }
                if let Some(r) = f.insts[i].result {
                    addr_of[r] = Some(slot);
                }
            }
        }
    }
    let slot_of = |v: Value| addr_of[f.resolve(v)];
    for &b in &f.layout {
        for &i in &f.blocks[b].insts {
            let op = &f.insts[i].op;
            match *op {
                Op::Load {
                    addr,
                    offset,
                    width: w,
                    volatile,
                    ..
                }
                | Op::Store {
                    addr,
                    offset,
                    width: w,
                    volatile,
                    ..
                } => {
                    if let Some(s) = slot_of(addr) {
                        if offset != 0 || volatile || w.bytes() > f.slots[s].size {
                            ok[s] = false;
                        }
                        match width[s] {
                            None => width[s] = Some(w),
                            Some(prev) if prev != w => ok[s] = false,
                            Some(_) => {}
                        }
                    }
                    if let Op::Store { value, .. } = *op {
                        if let Some(s) = slot_of(value) {
                            ok[s] = false;
                        }
                    }
                }
                Op::StackAddr { .. } => {}
                _ => op.for_each_arg(|v| {
                    if let Some(s) = slot_of(v) {
                        ok[s] = false;
                    }
                }),
            }
        }
    }
    let mut out = SecondaryMap::new();
    for (s, _) in f.slots.iter() {
        if ok[s] {
            // A slot never loaded or stored has nothing to promote; its
            // StackAddr results are unused and it is promoted trivially.
            let w = width[s].unwrap_or(MemWidth::B8);
            let ty = if w == MemWidth::B8 {
                Type::I64
            } else {
                Type::I32
            };
            out[s] = Some(Candidate { ty });
        }
    }
    out
}

/// Gives the function an entry block without predecessors, if the entry is a
/// jump target.
fn ensure_entry_has_no_preds(f: &mut Function) {
    let entry = f.entry();
    let has_preds = f.layout.iter().any(|&b| {
        f.blocks[b]
            .insts
            .last()
            .is_some_and(|&t| f.insts[t].op.successors().contains(&entry))
    });
    if !has_preds {
        return;
    }
    let new_entry = f.blocks.push(BlockData::default());
    let old_params = f.blocks[entry].params.clone();
    let mut args = Vec::new();
    for (n, &p) in old_params.iter().enumerate() {
        let v = f.values.push(ValueData {
            ty: f.value_type(p),
            def: ValueDef::Param(new_entry, n as u32),
        });
        args.push(v);
    }
    f.blocks[new_entry].params = args.clone();
    let span = f.span;
    let jump = create_inst(f, Op::Jump(BlockCall { block: entry, args }), None, span);
    f.blocks[new_entry].insts.push(jump);
    f.layout.insert(0, new_entry);
}

fn promote(f: &mut Function) -> bool {
    let cands = candidates(f);
    let promoted: Vec<StackSlot> = f.slots.keys().filter(|&s| cands[s].is_some()).collect();
    if promoted.is_empty() {
        return false;
    }
    simplify_cfg::remove_unreachable_blocks(f);
    ensure_entry_has_no_preds(f);
    let dom = DomTree::compute(f);

    // Dense numbering of the promoted slots.
    let mut index: SecondaryMap<StackSlot, u32> = SecondaryMap::with_default(u32::MAX);
    for (k, &s) in promoted.iter().enumerate() {
        index[s] = k as u32;
    }
    let mut addr_of: SecondaryMap<Value, u32> = SecondaryMap::with_default(u32::MAX);
    for &b in &dom.rpo {
        for &i in &f.blocks[b].insts {
            if let Op::StackAddr { slot, .. } = f.insts[i].op {
                if let Some(r) = f.insts[i].result {
                    addr_of[r] = index[slot];
                }
            }
        }
    }
    let slot_index = |f: &Function, v: Value| -> Option<usize> {
        let k = addr_of[f.resolve(v)];
        (k != u32::MAX).then_some(k as usize)
    };

    // Blocks that store to each slot, and blocks where it is live on entry
    // (loaded before any store in the block).
    let n = promoted.len();
    let mut def_blocks: Vec<Vec<Block>> = vec![Vec::new(); n];
    let mut live_in: Vec<Vec<Block>> = vec![Vec::new(); n];
    for &b in &dom.rpo {
        let mut stored: Vec<u32> = Vec::new();
        for &i in &f.blocks[b].insts {
            match f.insts[i].op {
                Op::Store { addr, .. } => {
                    if let Some(k) = slot_index(f, addr) {
                        if !stored.contains(&(k as u32)) {
                            stored.push(k as u32);
                            def_blocks[k].push(b);
                        }
                    }
                }
                Op::Load { addr, .. } => {
                    if let Some(k) = slot_index(f, addr) {
                        if !stored.contains(&(k as u32)) && live_in[k].last() != Some(&b) {
                            live_in[k].push(b);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    // Liveness, then parameters at the pruned iterated dominance frontier.
    let frontiers = dom.frontiers();
    let mut params_of: SecondaryMap<Block, Vec<(u32, Value)>> = SecondaryMap::new();
    let mut live: SecondaryMap<Block, bool> = SecondaryMap::new();
    let mut has_param: SecondaryMap<Block, bool> = SecondaryMap::new();
    let mut defines: SecondaryMap<Block, bool> = SecondaryMap::new();
    for k in 0..n {
        for &b in &dom.rpo {
            live[b] = false;
            has_param[b] = false;
            defines[b] = false;
        }
        for &b in &def_blocks[k] {
            defines[b] = true;
        }
        let mut work = live_in[k].clone();
        for &b in &work {
            live[b] = true;
        }
        while let Some(b) = work.pop() {
            for &p in &dom.preds[b] {
                if !live[p] && !defines[p] {
                    live[p] = true;
                    work.push(p);
                }
            }
        }
        let mut work = def_blocks[k].clone();
        while let Some(b) = work.pop() {
            for &d in &frontiers[b] {
                if !has_param[d] && live[d] {
                    has_param[d] = true;
                    let ty = cands[promoted[k]].unwrap().ty;
                    let v = f.values.push(ValueData {
                        ty,
                        def: ValueDef::Param(d, f.blocks[d].params.len() as u32),
                    });
                    f.blocks[d].params.push(v);
                    params_of[d].push((k as u32, v));
                    work.push(d);
                }
            }
        }
    }

    // The undefined initial value of each type, made on first use.
    let entry = f.entry();
    let mut undef: [Option<Value>; 2] = [None, None];
    let mut undef_insts = Vec::new();
    let mut current: Vec<Option<Value>> = vec![None; n];
    // Undo log of `current` for the dominator-tree walk.
    let mut log: Vec<(u32, Option<Value>)> = Vec::new();
    enum Visit {
        Enter(Block),
        Exit(usize),
    }
    let mut stack = vec![Visit::Enter(entry)];
    while let Some(visit) = stack.pop() {
        let b = match visit {
            Visit::Exit(mark) => {
                while log.len() > mark {
                    let (k, v) = log.pop().unwrap();
                    current[k as usize] = v;
                }
                continue;
            }
            Visit::Enter(b) => b,
        };
        stack.push(Visit::Exit(log.len()));
        for &(k, v) in &params_of[b] {
            log.push((k, current[k as usize]));
            current[k as usize] = Some(v);
        }
        let old_insts = std::mem::take(&mut f.blocks[b].insts);
        let mut insts = Vec::with_capacity(old_insts.len());
        for i in old_insts {
            match f.insts[i].op.clone() {
                Op::StackAddr { slot, .. } if index[slot] != u32::MAX => {}
                Op::Store {
                    addr, value, width, ..
                } if slot_index(f, addr).is_some() => {
                    let k = slot_index(f, addr).unwrap();
                    let ty = cands[promoted[k]].unwrap().ty;
                    let value = f.resolve(value);
                    let vty = f.value_type(value);
                    let stored = match (vty, ty) {
                        (Type::I32, Type::I64) => {
                            debug_assert_eq!(width, MemWidth::B8);
                            Some(Op::Widen {
                                value,
                                signed: false,
                            })
                        }
                        (Type::I64, Type::I32) => Some(Op::Narrow(value)),
                        _ => None,
                    };
                    let v = match stored {
                        // Reuse the store's instruction for the conversion.
                        Some(op) => {
                            let r = f.values.push(ValueData {
                                ty,
                                def: ValueDef::Inst(i),
                            });
                            f.insts[i] = InstData {
                                op,
                                result: Some(r),
                            };
                            insts.push(i);
                            r
                        }
                        None => value,
                    };
                    log.push((k as u32, current[k]));
                    current[k] = Some(v);
                }
                Op::Load {
                    addr,
                    width,
                    signed,
                    ..
                } if slot_index(f, addr).is_some() => {
                    let k = slot_index(f, addr).unwrap();
                    let ty = cands[promoted[k]].unwrap().ty;
                    let stored = match current[k] {
                        Some(v) => v,
                        None => undef_value(f, &mut undef, &mut undef_insts, ty),
                    };
                    let result = f.insts[i].result.expect("load without result");
                    let rty = f.value_type(result);
                    let span = f.srclocs[i];
                    // The value loaded, as the load would have extended it.
                    let mut ops = Vec::new();
                    let bits = width.bytes() * 8;
                    if bits < 32 {
                        ops.push((
                            Op::Extend {
                                value: stored,
                                from_bits: bits as u8,
                                signed,
                            },
                            Type::I32,
                        ));
                    }
                    match (ty, rty) {
                        (Type::I32, Type::I64) => ops.push((
                            Op::Widen {
                                value: stored,
                                signed,
                            },
                            Type::I64,
                        )),
                        (Type::I64, Type::I32) => ops.push((Op::Narrow(stored), Type::I32)),
                        _ => {}
                    }
                    if ops.is_empty() {
                        f.replace_uses(result, stored);
                        continue;
                    }
                    let last = ops.len() - 1;
                    let mut v = stored;
                    for (n, (mut op, oty)) in ops.into_iter().enumerate() {
                        op.map_args(|_| v);
                        if n == last {
                            f.insts[i].op = op;
                            insts.push(i);
                        } else {
                            let c = create_inst(f, op, Some(oty), span);
                            insts.push(c);
                            v = f.insts[c].result.unwrap();
                        }
                    }
                }
                _ => insts.push(i),
            }
        }
        // Pass the current values to the successors' new parameters.
        if let Some(&t) = insts.last() {
            let mut op = std::mem::replace(&mut f.insts[t].op, Op::Unreachable);
            for bc in op.block_calls_mut() {
                for &(k, _) in &params_of[bc.block] {
                    let v = match current[k as usize] {
                        Some(v) => v,
                        None => {
                            let ty = cands[promoted[k as usize]].unwrap().ty;
                            undef_value(f, &mut undef, &mut undef_insts, ty)
                        }
                    };
                    bc.args.push(v);
                }
            }
            f.insts[t].op = op;
        }
        f.blocks[b].insts = insts;
        for &c in dom.children[b].iter().rev() {
            stack.push(Visit::Enter(c));
        }
    }
    if !undef_insts.is_empty() {
        let entry_insts = &mut f.blocks[entry].insts;
        entry_insts.splice(0..0, undef_insts);
    }
    for &s in &promoted {
        f.slots[s].size = 0;
    }
    f.resolve_aliases();
    true
}

/// The `iconst 0` standing for an undefined value of type `ty`, created once
/// (its instruction goes into `insts`, to be put at the top of the entry).
fn undef_value(
    f: &mut Function,
    undef: &mut [Option<Value>; 2],
    insts: &mut Vec<Inst>,
    ty: Type,
) -> Value {
    let cached = &mut undef[(ty == Type::I64) as usize];
    if let Some(v) = *cached {
        return v;
    }
    let span = f.span;
    let c = create_inst(f, Op::Iconst(0), Some(ty), span);
    insts.push(c);
    let v = f.insts[c].result.unwrap();
    *cached = Some(v);
    v
}
