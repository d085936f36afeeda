//! Dead code elimination (mark and sweep).
//!
//! Live are: instructions with side effects (stores, calls, volatile loads,
//! packet loads, terminators), the values they read (for a terminator, its
//! branch condition and return value; jump arguments only when the
//! parameter they feed is live), and transitively the definitions of live
//! values. Everything else is removed: pure instructions and non-volatile
//! loads whose results are unused, and block parameters that feed nothing
//! but themselves around a loop, together with their jump arguments. The
//! entry block's parameters (the function's arguments) stay.
//!
//! Side effects and their order are untouched; only values nothing observes
//! disappear.

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

/// Dead code elimination on one function.
pub fn eliminate(f: &mut Function) -> bool {
    let entry = f.entry();
    let calls_to = calls_to_blocks(f);
    let mut live: SecondaryMap<Value, bool> = SecondaryMap::new();
    let mut live_inst: SecondaryMap<Inst, bool> = SecondaryMap::new();
    let mut work: Vec<Value> = Vec::new();
    let mark = |v: Value, live: &mut SecondaryMap<Value, bool>, work: &mut Vec<Value>| {
        if !live[v] {
            live[v] = true;
            work.push(v);
        }
    };
    for &b in &f.layout {
        if b == entry {
            for &p in &f.blocks[b].params {
                mark(p, &mut live, &mut work);
            }
        }
        for &i in &f.blocks[b].insts {
            let op = &f.insts[i].op;
            if !op.has_side_effects() {
                continue;
            }
            live_inst[i] = true;
            match op {
                Op::Jump(_) => {}
                Op::Brif { cond, .. } => mark(*cond, &mut live, &mut work),
                op => op.for_each_arg(|v| mark(v, &mut live, &mut work)),
            }
        }
    }
    while let Some(v) = work.pop() {
        match f.values[v].def {
            ValueDef::Inst(i) => {
                live_inst[i] = true;
                f.insts[i]
                    .op
                    .for_each_arg(|a| mark(a, &mut live, &mut work));
            }
            ValueDef::Param(b, n) => {
                for &(t, k) in &calls_to[b] {
                    let arg = block_call(&f.insts[t].op, k).args[n as usize];
                    mark(arg, &mut live, &mut work);
                }
            }
            ValueDef::Alias(a) => mark(a, &mut live, &mut work),
        }
    }

    let mut changed = false;
    for k in 0..f.layout.len() {
        let b = f.layout[k];
        let before = f.blocks[b].insts.len();
        f.blocks[b].insts.retain(|&i| live_inst[i]);
        changed |= f.blocks[b].insts.len() != before;
        if b != entry {
            let keep: Vec<bool> = f.blocks[b].params.iter().map(|&p| live[p]).collect();
            if keep.contains(&false) {
                remove_block_params(f, b, &keep, &calls_to[b]);
                changed = true;
            }
        }
    }
    changed
}

/// Removes the parameters of `block` whose `keep` entry is false, and the
/// matching arguments of `calls` (every block call to `block`, as
/// (terminator, index among its block calls)).
pub fn remove_block_params(f: &mut Function, block: Block, keep: &[bool], calls: &[(Inst, usize)]) {
    let params = std::mem::take(&mut f.blocks[block].params);
    let mut kept = Vec::with_capacity(params.len());
    for (&p, &k) in params.iter().zip(keep) {
        if k {
            f.values[p].def = ValueDef::Param(block, kept.len() as u32);
            kept.push(p);
        }
    }
    f.blocks[block].params = kept;
    for &(t, n) in calls {
        let mut op = std::mem::replace(&mut f.insts[t].op, Op::Unreachable);
        if let Some(bc) = op.block_calls_mut().into_iter().nth(n) {
            debug_assert_eq!(bc.block, block);
            let mut it = keep.iter();
            bc.args.retain(|_| *it.next().unwrap());
        }
        f.insts[t].op = op;
    }
}

/// The block calls to each block, as (terminator, index among its block calls).
pub fn calls_to_blocks(f: &Function) -> SecondaryMap<Block, Vec<(Inst, usize)>> {
    let mut calls_to: SecondaryMap<Block, Vec<(Inst, usize)>> = SecondaryMap::new();
    for &b in &f.layout {
        let t = f.terminator(b);
        for (n, s) in f.insts[t].op.successors().into_iter().enumerate() {
            calls_to[s].push((t, n));
        }
    }
    calls_to
}

/// The `n`th block call of a terminator (a jump's only one, a branch's
/// `then` then `else`, an `asm goto`'s fall-through then labels).
pub fn block_call(op: &Op, n: usize) -> &BlockCall {
    op.block_calls()
        .into_iter()
        .nth(n)
        .unwrap_or_else(|| panic!("no block call {n} in {op:?}"))
}
