//! Common subexpression elimination over the dominator tree.
//!
//! A pure computation (binary and unary operations, extensions, widening,
//! narrowing, byte swaps) that repeats one in the same block or in
//! a dominating block, with the same operands (or equal constants), is
//! replaced by the earlier result. Operands of commutative operations are
//! put in a canonical order first. A repeated CO-RE field relocation
//! (`core_value` of the same kind, type and access) is merged too, as clang
//! does. Constants and addresses (`iconst`, `stack_addr`, `symbol_addr`)
//! are left alone: they are cheaper to rematerialize than to keep in one of
//! BPF's few callee-saved registers.
//!
//! A non-volatile load that repeats an earlier load (same address value,
//! offset, width, extension and type) with no store, call or volatile access
//! in between reads the earlier result. The earlier load is in the same
//! block, or in a dominating block from which the path to the later one
//! has a single way into each block: it has already run whenever the later
//! one would, so no load moves above a branch that guards it. This is what
//! the verifier needs when a program reloads `skb->data` after a bounds
//! check: the checked pointer is reused instead of a fresh, unchecked one.
//! Calls and packet loads are never merged. Comparisons are never merged
//! either: each stays next to the branch that reads it, so that the back end
//! can fuse the two into one conditional jump, from which the verifier
//! learns the bounds of the compared values.

use super::dce;
use super::dominators::DomTree;
use super::functions_with_bodies;
use crate::ir::*;
use cranelift_entity::SecondaryMap;
use std::collections::HashMap;

pub fn run(module: &mut Module) -> bool {
    let mut changed = false;
    for f in functions_with_bodies(module) {
        changed |= eliminate(f);
    }
    changed
}

/// The key an expression is found under, or `None` if it must not be merged.
/// Constant operands are replaced by one representative value per constant
/// (in the key only), so that `x + 20` matches `x + 20` whichever `iconst`
/// each one reads.
fn key(f: &Function, i: Inst, consts: &mut HashMap<(i64, Type), Value>) -> Option<(Op, Type)> {
    let data = &f.insts[i];
    let ty = f.value_type(data.result?);
    let mut op = data.op.clone();
    match &mut op {
        // Comparisons are left where they are: the back end fuses a
        // comparison with the branch that reads it, and the verifier learns
        // bounds from that conditional jump, not from a 0/1 value computed
        // earlier.
        Op::Binary(..)
        | Op::Unary(..)
        | Op::Extend { .. }
        | Op::Widen { .. }
        | Op::Narrow(_)
        | Op::Bswap { .. } => {}
        // The same field relocation (kind, type and access) is the same
        // constant, as clang merges it; type and enum queries are one
        // intrinsic call per use in clang, each with its own instruction.
        Op::CoreValue(r) if r.kind.is_field() => {}
        _ => return None,
    }
    op.map_args(|v| {
        let v = f.resolve(v);
        match f.const_value(v) {
            Some(c) => *consts.entry((c, f.value_type(v))).or_insert(v),
            None => v,
        }
    });
    if let Op::Binary(bop, a, b) = &mut op {
        let commutative = matches!(
            bop,
            BinOp::Add | BinOp::Mul | BinOp::And | BinOp::Or | BinOp::Xor
        );
        if commutative && *b < *a {
            std::mem::swap(a, b);
        }
    }
    Some((op, ty))
}

/// Expressions (or loads) already computed, by key, with their value.
type Available = HashMap<(Op, Type), Value>;

/// Common subexpression elimination on one function.
pub fn eliminate(f: &mut Function) -> bool {
    let dom = DomTree::compute(f);
    let mut available: HashMap<(Op, Type), Value> = HashMap::new();
    let mut consts: HashMap<(i64, Type), Value> = HashMap::new();
    let calls_to = dce::calls_to_blocks(f);
    let mut loads_at_end: SecondaryMap<Block, Option<Available>> = SecondaryMap::new();
    // Undo log: keys added in the current dominator subtree.
    let mut log: Vec<(Op, Type)> = Vec::new();
    enum Visit {
        Enter(Block),
        Exit(usize),
    }
    let mut changed = false;
    let mut stack = vec![Visit::Enter(f.entry())];
    while let Some(visit) = stack.pop() {
        let b = match visit {
            Visit::Exit(mark) => {
                for k in log.drain(mark..) {
                    available.remove(&k);
                }
                continue;
            }
            Visit::Enter(b) => b,
        };
        stack.push(Visit::Exit(log.len()));
        let old = std::mem::take(&mut f.blocks[b].insts);
        let mut insts = Vec::with_capacity(old.len());
        // Loads done since the last write to memory: those of this block,
        // and those of the dominator when it is the only way in.
        let mut loads: Available = match dom.idom[b] {
            Some(d) if calls_to[b].len() == 1 => loads_at_end[d].clone().unwrap_or_default(),
            _ => HashMap::new(),
        };
        for i in old {
            match &f.insts[i].op {
                Op::Load {
                    volatile: false, ..
                } => {
                    let r = f.insts[i].result.unwrap();
                    let mut op = f.insts[i].op.clone();
                    op.map_args(|v| f.resolve(v));
                    let k = (op, f.value_type(r));
                    if let Some(&prev) = loads.get(&k) {
                        f.replace_uses(r, prev);
                        changed = true;
                        continue;
                    }
                    loads.insert(k, r);
                }
                // Anything that may write memory ends the reuse of loads.
                Op::Store { .. }
                | Op::AtomicRmw { .. }
                | Op::AtomicCmpXchg { .. }
                | Op::Call { .. }
                | Op::CallIndirect { .. }
                | Op::InlineAsm(_)
                | Op::Load { volatile: true, .. } => loads.clear(),
                _ => {}
            }
            if let Some(k) = key(f, i, &mut consts) {
                let r = f.insts[i].result.unwrap();
                if let Some(&prev) = available.get(&k) {
                    f.replace_uses(r, prev);
                    changed = true;
                    continue;
                }
                available.insert(k.clone(), r);
                log.push(k);
            }
            insts.push(i);
        }
        f.blocks[b].insts = insts;
        // Children entered only from here start from these.
        if dom.children[b].iter().any(|&c| calls_to[c].len() == 1) {
            loads_at_end[b] = Some(loads);
        }
        for &c in dom.children[b].iter().rev() {
            stack.push(Visit::Enter(c));
        }
    }
    if changed {
        f.resolve_aliases();
    }
    changed
}
