//! Control-flow graph cleanup.
//!
//! - Branches on a constant, branches whose two targets are the same block
//!   with the same arguments, and branches with one side going straight to
//!   `unreachable` (`if (c) __builtin_unreachable();`) become jumps.
//! - Jumps through empty forwarding blocks (no parameters, only a `jump`) go
//!   straight to the final target.
//! - A block that is the only successor of its only predecessor, which jumps
//!   to it, is merged into that predecessor (its parameters become the jump's
//!   arguments).
//! - Blocks unreachable from the entry are removed, and the layout becomes
//!   the reverse postorder, so that the `then` side of a branch and most jump
//!   targets directly follow their predecessor (the back end elides jumps to
//!   the next block).
//!
//! What runs is unchanged: every path through the function executes the same
//! non-terminator instructions in the same order. No instruction moves
//! between blocks except by merging a block into its sole predecessor, which
//! keeps each access behind the same branches.

use super::dominators::reverse_postorder;
use super::functions_with_bodies;
use crate::ir::*;
use cranelift_entity::SecondaryMap;

pub fn run(module: &mut Module) -> bool {
    let mut changed = false;
    for f in functions_with_bodies(module) {
        changed |= simplify(f);
    }
    changed
}

/// All the simplifications on one function.
pub fn simplify(f: &mut Function) -> bool {
    let mut changed = remove_unreachable_blocks(f);
    changed |= fold_branches(f);
    changed |= thread_jumps(f);
    changed |= fold_branches(f);
    changed |= remove_unreachable_blocks(f);
    changed |= merge_blocks(f);
    changed |= layout_in_reverse_postorder(f);
    changed
}

/// Drops blocks the entry cannot reach from the layout.
pub fn remove_unreachable_blocks(f: &mut Function) -> bool {
    let rpo = reverse_postorder(f);
    if rpo.len() == f.layout.len() {
        return false;
    }
    let mut reachable: SecondaryMap<Block, bool> = SecondaryMap::new();
    for &b in &rpo {
        reachable[b] = true;
    }
    f.layout.retain(|&b| reachable[b]);
    true
}

/// Branches on constants and branches to one target with the same arguments
/// become jumps.
pub fn fold_branches(f: &mut Function) -> bool {
    let mut changed = false;
    for k in 0..f.layout.len() {
        let t = f.terminator(f.layout[k]);
        let Op::Brif {
            cond,
            then_dest,
            else_dest,
        } = &f.insts[t].op
        else {
            continue;
        };
        let target = match f.const_value(*cond) {
            Some(c) => {
                let c = match f.value_type(*cond) {
                    Type::I32 => c as u32 as u64,
                    Type::I64 => c as u64,
                };
                if c != 0 {
                    then_dest.clone()
                } else {
                    else_dest.clone()
                }
            }
            None if then_dest == else_dest => then_dest.clone(),
            // A side that reaches `unreachable` at once is never taken.
            None if is_unreachable_block(f, then_dest.block) => else_dest.clone(),
            None if is_unreachable_block(f, else_dest.block) => then_dest.clone(),
            None => continue,
        };
        f.insts[t].op = Op::Jump(target);
        changed = true;
    }
    changed
}

/// A block that only says control never gets there.
fn is_unreachable_block(f: &Function, b: Block) -> bool {
    let insts = &f.blocks[b].insts;
    insts.len() == 1 && matches!(f.insts[insts[0]].op, Op::Unreachable)
}

/// Redirects jumps to empty forwarding blocks to where those blocks jump.
///
/// The forwarding block's jump arguments are defined in blocks dominating it,
/// which therefore dominate each of its predecessors too.
pub fn thread_jumps(f: &mut Function) -> bool {
    let entry = f.entry();
    let mut forward: SecondaryMap<Block, Option<BlockCall>> = SecondaryMap::new();
    let mut any = false;
    for &b in &f.layout {
        let data = &f.blocks[b];
        if b == entry || !data.params.is_empty() || data.insts.len() != 1 {
            continue;
        }
        if let Op::Jump(bc) = &f.insts[data.insts[0]].op {
            if bc.block != b {
                forward[b] = Some(bc.clone());
                any = true;
            }
        }
    }
    if !any {
        return false;
    }
    let limit = f.layout.len();
    let resolve = |bc: &BlockCall| -> Option<BlockCall> {
        let mut cur = forward[bc.block].clone()?;
        // Forwarding chains end at a block that is not forwarding; a cycle
        // of forwarding blocks (an empty infinite loop) is left alone.
        for _ in 0..limit {
            match &forward[cur.block] {
                Some(next) => cur = next.clone(),
                None => return Some(cur),
            }
        }
        None
    };
    let mut changed = false;
    for k in 0..f.layout.len() {
        let b = f.layout[k];
        if forward[b].is_some() {
            continue;
        }
        let t = f.terminator(b);
        let mut op = f.insts[t].op.clone();
        let mut rewrote = false;
        for bc in op.block_calls_mut() {
            if let Some(to) = resolve(bc) {
                debug_assert!(bc.args.is_empty());
                *bc = to;
                rewrote = true;
            }
        }
        if rewrote {
            f.insts[t].op = op;
            changed = true;
        }
    }
    changed
}

/// Merges each block into its predecessor when that predecessor ends in a
/// jump to it and is its only predecessor.
pub fn merge_blocks(f: &mut Function) -> bool {
    let entry = f.entry();
    let mut pred_count: SecondaryMap<Block, u32> = SecondaryMap::new();
    for &b in &f.layout {
        for s in f.insts[f.terminator(b)].op.successors() {
            pred_count[s] += 1;
        }
    }
    let mut removed: SecondaryMap<Block, bool> = SecondaryMap::new();
    let mut changed = false;
    for k in 0..f.layout.len() {
        let b = f.layout[k];
        if removed[b] {
            continue;
        }
        loop {
            let t = f.terminator(b);
            let Op::Jump(bc) = &f.insts[t].op else {
                break;
            };
            let c = bc.block;
            if c == b || c == entry || pred_count[c] != 1 {
                break;
            }
            let args = bc.args.clone();
            let params = std::mem::take(&mut f.blocks[c].params);
            for (p, a) in params.into_iter().zip(args) {
                let a = f.resolve(a);
                f.replace_uses(p, a);
            }
            let moved = std::mem::take(&mut f.blocks[c].insts);
            let insts = &mut f.blocks[b].insts;
            insts.pop();
            insts.extend(moved);
            removed[c] = true;
            changed = true;
        }
    }
    if changed {
        f.layout.retain(|&b| !removed[b]);
        f.resolve_aliases();
    }
    changed
}

/// Orders the layout in reverse postorder (dropping unreachable blocks).
pub fn layout_in_reverse_postorder(f: &mut Function) -> bool {
    let rpo = reverse_postorder(f);
    if rpo == f.layout {
        return false;
    }
    f.layout = rpo;
    true
}
