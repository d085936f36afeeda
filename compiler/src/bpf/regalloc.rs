//! Register allocation over r0-r9: virtual registers, in order of their
//! first program point, each get a physical register none of whose occupied
//! live ranges overlaps theirs.
//!
//! Live ranges come from block liveness (the usual backward data flow) over
//! the blocks in layout order, with holes: a loop variable's copies on the
//! back edge do not keep its register taken through the whole loop.
//! Registers the calling convention fixes (call
//! arguments in r1-r5, results in r0, r6 for packet loads, the clobbering of
//! r0-r5 by calls) are ranges a virtual register assigned to that register
//! must not overlap, so values live across a call end up in r6-r9.
//!
//! When no register is free, the values ending last are spilled to an
//! 8-byte stack slot: every definition stores it, every use reloads it into a
//! new short-lived register, and allocation starts over. Copies are
//! coalesced through hints (a move's destination prefers its source's
//! register), and moves whose ends get the same register disappear.

use super::mir::*;
use crate::ir::MemWidth;
use std::collections::BTreeMap;

/// Allocation order: caller-saved registers first, r6-r9 for values that
/// live across calls.
const ORDER: [u8; 10] = [1, 2, 3, 4, 5, 0, 6, 7, 8, 9];

/// Program points: instruction `i` (in layout order) reads at `2i + 2` and
/// writes at `2i + 3`; the function's arguments are written at 1.
fn use_pos(i: usize) -> u32 {
    2 * i as u32 + 2
}

fn def_pos(i: usize) -> u32 {
    2 * i as u32 + 3
}

struct BitSet(Vec<u64>);

impl BitSet {
    fn new(n: u32) -> BitSet {
        BitSet(vec![0; n.div_ceil(64) as usize])
    }
    fn insert(&mut self, i: u32) {
        self.0[(i / 64) as usize] |= 1 << (i % 64);
    }
    fn contains(&self, i: u32) -> bool {
        self.0[(i / 64) as usize] & (1 << (i % 64)) != 0
    }
    fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &bits)| {
            (0..64)
                .filter(move |b| bits & (1u64 << b) != 0)
                .map(move |b| w as u32 * 64 + b)
        })
    }
}

/// Allocates registers for `m` in place: afterwards every register is
/// physical and `m.num_spills` is the number of spill slots used.
pub fn allocate(m: &mut MFunction) -> Result<(), String> {
    let mut unspillable = vec![false; m.num_vregs as usize];
    for _round in 0..100 {
        unspillable.resize(m.num_vregs as usize, false);
        let intervals = Intervals::compute(m);
        match intervals.scan(&unspillable) {
            Ok(assignment) => {
                apply(m, &assignment);
                return Ok(());
            }
            Err(Outcome::Spill(spilled)) => {
                spill(m, &spilled, &mut unspillable);
            }
            Err(Outcome::Impossible) => break,
        }
    }
    Err("register allocation failed: too many values live at once".into())
}

enum Outcome {
    Spill(Vec<VReg>),
    Impossible,
}

/// Sorts and merges touching or overlapping ranges.
fn merge(ranges: &mut Vec<(u32, u32)>) {
    ranges.sort_unstable();
    let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
    for &(s, e) in ranges.iter() {
        match merged.last_mut() {
            Some(last) if s <= last.1 + 1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    *ranges = merged;
}

struct Intervals {
    /// Per virtual register: sorted disjoint ranges of program points where
    /// it is live (empty if it does not occur).
    ranges: Vec<Vec<(u32, u32)>>,
    /// Per physical register r0-r9: sorted disjoint ranges where the calling
    /// convention takes it.
    fixed: Vec<Vec<(u32, u32)>>,
    hint_phys: Vec<Option<u8>>,
    partner: Vec<Option<VReg>>,
}

impl Intervals {
    fn compute(m: &MFunction) -> Intervals {
        let nv = m.num_vregs;
        let nb = m.blocks.len();
        // Liveness.
        let mut gen: Vec<BitSet> = (0..nb).map(|_| BitSet::new(nv)).collect();
        let mut kill: Vec<BitSet> = (0..nb).map(|_| BitSet::new(nv)).collect();
        let mut succs: Vec<Vec<MBlock>> = vec![Vec::new(); nb];
        for (b, insts) in m.blocks.iter().enumerate() {
            for mi in insts {
                mi.inst.for_each_use(|r| {
                    if let Reg::V(v) = r {
                        if !kill[b].contains(v) {
                            gen[b].insert(v);
                        }
                    }
                });
                mi.inst.for_each_def(|r| {
                    if let Reg::V(v) = r {
                        kill[b].insert(v);
                    }
                });
                succs[b].extend(mi.inst.targets());
            }
        }
        let mut live_in: Vec<BitSet> = (0..nb).map(|_| BitSet::new(nv)).collect();
        let mut live_out: Vec<BitSet> = (0..nb).map(|_| BitSet::new(nv)).collect();
        let mut changed = true;
        while changed {
            changed = false;
            for &b in m.order.iter().rev() {
                let b = b as usize;
                let words = live_out[b].0.len();
                for w in 0..words {
                    let mut out = 0u64;
                    for &s in &succs[b] {
                        out |= live_in[s as usize].0[w];
                    }
                    let inn = gen[b].0[w] | (out & !kill[b].0[w]);
                    if out != live_out[b].0[w] || inn != live_in[b].0[w] {
                        changed = true;
                        live_out[b].0[w] = out;
                        live_in[b].0[w] = inn;
                    }
                }
            }
        }

        let mut ranges: Vec<Vec<(u32, u32)>> = vec![Vec::new(); nv as usize];
        let mut fixed: Vec<Vec<(u32, u32)>> = vec![Vec::new(); 10];
        let mut hint_phys = vec![None; nv as usize];
        let mut partner = vec![None; nv as usize];
        // Register-to-register copies: (destination, source, read point).
        let mut copies: Vec<(VReg, VReg, u32)> = Vec::new();
        // End of the live range being built, per register live at the
        // current point of the backward walk.
        let mut live_end: Vec<u32> = vec![u32::MAX; nv as usize];
        let mut first_index = 0usize;
        for &b in &m.order {
            let insts = &m.blocks[b as usize];
            if insts.is_empty() {
                continue;
            }
            let first = use_pos(first_index);
            let last = def_pos(first_index + insts.len() - 1);
            let mut live: Vec<VReg> = live_out[b as usize].iter().collect();
            for &v in &live {
                live_end[v as usize] = last;
            }
            for (k, mi) in insts.iter().enumerate().rev() {
                let i = first_index + k;
                let (u, d) = (use_pos(i), def_pos(i));
                let early = mi.inst.early_clobbers();
                mi.inst.for_each_def(|r| {
                    if let Reg::V(v) = r {
                        let e = std::mem::replace(&mut live_end[v as usize], u32::MAX);
                        // An early-clobber output is live while the inputs
                        // are read, so it cannot share their registers.
                        let start = if early.contains(&r) { u } else { d };
                        // A dead definition still takes its register for a moment.
                        ranges[v as usize].push((start, if e == u32::MAX { d } else { e }));
                    }
                });
                mi.inst.for_each_use(|r| {
                    if let Reg::V(v) = r {
                        if live_end[v as usize] == u32::MAX {
                            live_end[v as usize] = u;
                            live.push(v);
                        }
                    }
                });
            }
            for v in live {
                let e = std::mem::replace(&mut live_end[v as usize], u32::MAX);
                if e != u32::MAX {
                    ranges[v as usize].push((first, e));
                }
            }
            // Fixed registers, forwards. Index of the open range per register.
            let mut open: [Option<usize>; 10] = [None; 10];
            for (k, mi) in insts.iter().enumerate() {
                let i = first_index + k;
                let (u, d) = (use_pos(i), def_pos(i));
                mi.inst.for_each_use(|r| {
                    if let Reg::P(p) = r {
                        if p < 10 {
                            let p = p as usize;
                            match open[p] {
                                Some(k) => fixed[p][k].1 = u,
                                // Live into the block: a function argument.
                                None => {
                                    fixed[p].push((first - 1, u));
                                    open[p] = Some(fixed[p].len() - 1);
                                }
                            }
                        }
                    }
                });
                if mi.inst.clobbers_caller_saved() {
                    // Inline asm may clobber r0-r5 before it reads its register
                    // inputs: those must not be there either.
                    let from = if matches!(mi.inst, MInst::InlineAsm(_)) {
                        u
                    } else {
                        d
                    };
                    for p in 0..=5 {
                        fixed[p].push((from, d));
                        open[p] = Some(fixed[p].len() - 1);
                    }
                }
                if let MInst::InlineAsm(a) = &mi.inst {
                    // Clobbered r6-r9 hold nothing across the asm and no
                    // operand, as r0-r5 above.
                    for &p in &a.clobbered_callee_saved {
                        let p = p as usize;
                        fixed[p].push((u, d));
                        open[p] = Some(fixed[p].len() - 1);
                    }
                }
                mi.inst.for_each_def(|r| {
                    if let Reg::P(p) = r {
                        if p < 10 {
                            let p = p as usize;
                            fixed[p].push((d, d));
                            open[p] = Some(fixed[p].len() - 1);
                        }
                    }
                });
                if let MInst::Mov {
                    dst,
                    src: Operand::Reg(src),
                    sext: 0,
                    ..
                } = mi.inst
                {
                    match (dst, src) {
                        (Reg::V(d), Reg::P(p)) | (Reg::P(p), Reg::V(d)) => {
                            hint_phys[d as usize].get_or_insert(p);
                        }
                        (Reg::V(d), Reg::V(s)) => {
                            partner[d as usize].get_or_insert(s);
                            partner[s as usize].get_or_insert(d);
                            copies.push((d, s, u));
                        }
                        _ => {}
                    }
                }
            }
            first_index += insts.len();
        }
        ranges.iter_mut().for_each(merge);
        fixed.iter_mut().for_each(merge);
        // A value whose last use is a copy prefers the physical register the
        // copy's destination wants (a fetched atomic result computed on and
        // returned in r0, as clang's); later copies first, so chains pass
        // the preference back.
        copies.sort_by_key(|&(_, _, u)| std::cmp::Reverse(u));
        for &(d, s, u) in &copies {
            let dies_here = ranges[s as usize].last().is_some_and(|r| r.1 == u);
            if dies_here && hint_phys[s as usize].is_none() {
                hint_phys[s as usize] = hint_phys[d as usize];
            }
        }
        Intervals {
            ranges,
            fixed,
            hint_phys,
            partner,
        }
    }

    fn scan(&self, unspillable: &[bool]) -> Result<Vec<u8>, Outcome> {
        let nv = self.ranges.len();
        let mut order: Vec<VReg> = (0..nv as u32)
            .filter(|&v| !self.ranges[v as usize].is_empty())
            .collect();
        order.sort_by_key(|&v| (self.ranges[v as usize][0].0, v));
        let end = |v: VReg| self.ranges[v as usize].last().map_or(0, |r| r.1);
        // Per physical register: start -> (end, owner); `None` owns the
        // calling convention's ranges. Ranges in one register never overlap.
        let mut taken: Vec<BTreeMap<u32, (u32, Option<VReg>)>> = self
            .fixed
            .iter()
            .map(|rs| rs.iter().map(|&(s, e)| (s, (e, None))).collect())
            .collect();
        let interfering = |taken: &BTreeMap<u32, (u32, Option<VReg>)>, v: VReg| {
            let mut owners: Vec<Option<VReg>> = Vec::new();
            for &(s, e) in &self.ranges[v as usize] {
                for (_, &(oe, owner)) in taken.range(..=e).rev() {
                    if oe < s {
                        break;
                    }
                    if !owners.contains(&owner) {
                        owners.push(owner);
                    }
                }
            }
            owners
        };
        let mut reg: Vec<Option<u8>> = vec![None; nv];
        let mut spilled: Vec<VReg> = Vec::new();
        for v in order {
            let partner_reg = self.partner[v as usize].and_then(|p| reg[p as usize]);
            let choice = self.hint_phys[v as usize]
                .into_iter()
                .chain(partner_reg)
                .chain(ORDER)
                .find(|&p| interfering(&taken[p as usize], v).is_empty());
            let p = match choice {
                Some(p) => p,
                None => {
                    // Evict what occupies the register whose occupants live
                    // longest, if they outlive `v`.
                    let mut best: Option<(u32, u8, Vec<VReg>)> = None;
                    for p in ORDER {
                        let owners = interfering(&taken[p as usize], v);
                        let Some(owners) = owners
                            .into_iter()
                            .map(|o| o.filter(|&o| !unspillable[o as usize]))
                            .collect::<Option<Vec<VReg>>>()
                        else {
                            continue;
                        };
                        let reach = owners.iter().map(|&o| end(o)).min().unwrap_or(0);
                        if best.as_ref().is_none_or(|b| reach > b.0) {
                            best = Some((reach, p, owners));
                        }
                    }
                    match best {
                        Some((reach, p, owners)) if reach > end(v) || unspillable[v as usize] => {
                            for o in owners {
                                for &(s, _) in &self.ranges[o as usize] {
                                    taken[p as usize].remove(&s);
                                }
                                reg[o as usize] = None;
                                spilled.push(o);
                            }
                            p
                        }
                        _ if !unspillable[v as usize] => {
                            spilled.push(v);
                            continue;
                        }
                        _ => return Err(Outcome::Impossible),
                    }
                }
            };
            reg[v as usize] = Some(p);
            for &(s, e) in &self.ranges[v as usize] {
                taken[p as usize].insert(s, (e, Some(v)));
            }
        }
        if !spilled.is_empty() {
            spilled.sort_unstable();
            return Err(Outcome::Spill(spilled));
        }
        Ok(reg.into_iter().map(|r| r.unwrap_or(0)).collect())
    }
}

/// Rewrites spilled registers: a reload before each use, a store after each
/// definition, through new registers that are never spilled. A value
/// defined and then updated by the next instruction (`t = a; t += b`) keeps
/// its new register in between and is stored once, after the update.
fn spill(m: &mut MFunction, spilled: &[VReg], unspillable: &mut Vec<bool>) {
    let mut slot_of = vec![None; m.num_vregs as usize];
    for &v in spilled {
        slot_of[v as usize] = Some(m.num_spills);
        m.num_spills += 1;
    }
    let store = |t: VReg, s: u32, span| MI {
        inst: MInst::Store {
            addr: Addr::Frame(FrameRef::Spill(s), 0),
            width: MemWidth::B8,
            src: Operand::Reg(Reg::V(t)),
        },
        span,
        core: None,
    };
    for b in 0..m.blocks.len() {
        let old = std::mem::take(&mut m.blocks[b]);
        let mut out = Vec::with_capacity(old.len());
        // Spilled values the previous instruction defined, not stored yet:
        // (value, its register, slot).
        let mut pending: Vec<(VReg, VReg, u32)> = Vec::new();
        for mut mi in old {
            let mut renamed: Vec<(VReg, VReg)> = Vec::new();
            let mut reloads = Vec::new();
            let mut defs: Vec<VReg> = Vec::new();
            mi.inst.for_each_def(|r| {
                if let Reg::V(v) = r {
                    defs.push(v);
                }
            });
            // Pending values this instruction does not update get stored now.
            pending.retain(|&(v, t, s)| {
                if defs.contains(&v) {
                    renamed.push((v, t));
                    true
                } else {
                    // The register still holds the value for this instruction.
                    out.push(store(t, s, mi.span));
                    renamed.push((v, t));
                    false
                }
            });
            mi.inst.for_each_use(|r| {
                if let Reg::V(v) = r {
                    if let Some(s) = slot_of[v as usize] {
                        if !renamed.iter().any(|&(o, _)| o == v) {
                            let t = m.num_vregs;
                            m.num_vregs += 1;
                            renamed.push((v, t));
                            reloads.push((t, s));
                        }
                    }
                }
            });
            for &v in &defs {
                if let Some(s) = slot_of[v as usize] {
                    let t = match renamed.iter().find(|&&(o, _)| o == v) {
                        Some(&(_, t)) => t,
                        None => {
                            let t = m.num_vregs;
                            m.num_vregs += 1;
                            renamed.push((v, t));
                            t
                        }
                    };
                    if !pending.iter().any(|&(o, _, _)| o == v) {
                        pending.push((v, t, s));
                    }
                }
            }
            unspillable.resize(m.num_vregs as usize, false);
            for &(_, t) in &renamed {
                unspillable[t as usize] = true;
            }
            for (t, s) in reloads {
                out.push(MI {
                    inst: MInst::Load {
                        dst: Reg::V(t),
                        addr: Addr::Frame(FrameRef::Spill(s), 0),
                        width: MemWidth::B8,
                        sx: false,
                    },
                    span: mi.span,
                    core: None,
                });
            }
            if !renamed.is_empty() {
                mi.inst.map_regs(|r| match r {
                    Reg::V(v) => match renamed.iter().find(|&&(o, _)| o == v) {
                        Some(&(_, t)) => Reg::V(t),
                        None => r,
                    },
                    p => p,
                });
            }
            out.push(mi);
        }
        // Blocks end in a jump or exit, which define nothing: nothing pending.
        debug_assert!(pending.is_empty());
        for (_, t, s) in pending {
            let span = out.last().map(|mi: &MI| mi.span).unwrap_or_default();
            out.push(store(t, s, span));
        }
        m.blocks[b] = out;
    }
}

/// Replaces virtual registers by their physical ones and drops moves that
/// became no-ops.
fn apply(m: &mut MFunction, assignment: &[u8]) {
    for block in &mut m.blocks {
        for mi in block.iter_mut() {
            mi.inst.map_regs(|r| match r {
                Reg::V(v) => Reg::P(assignment[v as usize]),
                p => p,
            });
        }
        block.retain(|mi| {
            !matches!(
                mi.inst,
                MInst::Mov {
                    dst,
                    src: Operand::Reg(src),
                    sext: 0,
                    truncates: false,
                    ..
                } if dst == src
            )
        });
    }
}
