//! Puts each branch's comparison right before the branch.
//!
//! The back end turns a comparison read only by the branch that ends its
//! block into one conditional jump, and the kernel verifier learns the
//! bounds of the compared values only from such a jump (not from a 0/1
//! value tested later). When a branch tests a comparison computed in another
//! block, or one that has other uses, a copy of the comparison is made just
//! before the branch and the branch reads the copy; the original stays for
//! its other uses, and goes if the branch was its only reader.
//!
//! A comparison is pure and its operands dominate the branch (they dominate
//! the original comparison, which dominates the branch), so results are
//! unchanged.

use super::create_inst;
use super::functions_with_bodies;
use crate::ir::*;
use cranelift_entity::SecondaryMap;

pub fn run(module: &mut Module) -> bool {
    let mut changed = false;
    for f in functions_with_bodies(module) {
        changed |= sink(f);
    }
    changed
}

/// Comparison sinking on one function.
pub fn sink(f: &mut Function) -> bool {
    let mut uses: SecondaryMap<Value, u32> = SecondaryMap::new();
    let mut block_of: SecondaryMap<Inst, Option<Block>> = SecondaryMap::new();
    for &b in &f.layout {
        for &i in &f.blocks[b].insts {
            block_of[i] = Some(b);
            f.insts[i].op.for_each_arg(|v| uses[v] += 1);
        }
    }
    let mut changed = false;
    for k in 0..f.layout.len() {
        let b = f.layout[k];
        let t = f.terminator(b);
        let Op::Brif { cond, .. } = f.insts[t].op else {
            continue;
        };
        let Some(ci) = f.def_inst(cond) else {
            continue;
        };
        let Op::Icmp(c, x, y) = f.insts[ci].op else {
            continue;
        };
        if block_of[ci] == Some(b) && uses[cond] == 1 {
            continue;
        }
        let ty = f.value_type(cond);
        let span = f.srclocs[t];
        let copy = create_inst(f, Op::Icmp(c, x, y), Some(ty), span);
        let v = f.insts[copy].result.unwrap();
        let insts = &mut f.blocks[b].insts;
        insts.insert(insts.len() - 1, copy);
        if let Op::Brif { cond, .. } = &mut f.insts[t].op {
            *cond = v;
        }
        // The original, if the branch was its only reader, goes.
        uses[cond] -= 1;
        if uses[cond] == 0 {
            if let Some(ob) = block_of[ci] {
                f.blocks[ob].insts.retain(|&i| i != ci);
            }
        }
        changed = true;
    }
    changed
}
