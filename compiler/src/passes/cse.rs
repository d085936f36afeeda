//! Common subexpression elimination over the dominator tree.
//!
//! A pure computation (binary and unary operations, comparisons, extensions,
//! widening, narrowing, byte swaps) that repeats one in the same block or in
//! a dominating block, with the same operands (or equal constants), is
//! replaced by the earlier result. Operands of commutative operations are
//! put in a canonical order first. Constants and addresses (`iconst`, `stack_addr`, `symbol_addr`) are
//! left alone: they are cheaper to rematerialize than to keep in one of
//! BPF's few callee-saved registers. Loads and calls are never merged, so
//! nothing moves across a branch that guards it.

use super::dominators::DomTree;
use crate::ir::*;
use std::collections::HashMap;

pub fn run(module: &mut Module) -> bool {
    let mut changed = false;
    for (_, f) in module.functions.iter_mut() {
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
        Op::Binary(..)
        | Op::Unary(..)
        | Op::Icmp(..)
        | Op::Extend { .. }
        | Op::Widen { .. }
        | Op::Narrow(_)
        | Op::Bswap { .. } => {}
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

/// Common subexpression elimination on one function.
pub fn eliminate(f: &mut Function) -> bool {
    let dom = DomTree::compute(f);
    let mut available: HashMap<(Op, Type), Value> = HashMap::new();
    let mut consts: HashMap<(i64, Type), Value> = HashMap::new();
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
        for i in old {
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
        for &c in dom.children[b].iter().rev() {
            stack.push(Visit::Enter(c));
        }
    }
    if changed {
        f.resolve_aliases();
    }
    changed
}
