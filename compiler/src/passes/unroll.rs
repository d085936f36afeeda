//! Full unrolling of loops with a constant trip count.
//!
//! A natural loop (one back edge from its latch to a header that dominates
//! it) is unrolled when it leaves through a single edge, from its header
//! (`while`/`for` form) or from its latch (`do`/`while` form), and the
//! branch on that edge can be decided for every iteration at compile time.
//! The decision comes from simulating the header's parameters: each is
//! followed symbolically as a constant, or as "a known base plus a constant
//! offset" where the base is a stack slot, a data object or a value defined
//! before the loop. A comparison of two such values with the same base is
//! decided by their offsets: exactly for `==`/`!=`, and for ordered
//! comparisons only between addresses of the same stack slot or data object,
//! which stay within their object (`p < buf + 8`). The simulation stops at
//! the first iteration that leaves, giving the trip count; a loop that needs
//! more than the limit's iterations is left alone.
//!
//! Unrolling lays out one copy of the loop per iteration, each copy's back
//! edge jumping to the next copy's header and its exit branch replaced by a
//! jump into the loop; the last copy is the original blocks, whose exit
//! branch becomes a jump out. Uses after the loop therefore keep referring
//! to the original values, which are now those of the last iteration. The
//! copies execute the same instructions in the same order as the loop did,
//! so every load, store and call runs exactly as before.
//!
//! When it runs: at -O1 and up, every loop within [`OPTIMIZING`]'s limits
//! (as clang's full unroller does for small constant trip counts). At every
//! level, including -O0, loops whose exit test compares two pointers are
//! unrolled within [`POINTER_EXIT`]'s limits: this is a verifier-friendliness
//! rule, not an optimization. The kernel verifier cannot decide a comparison
//! between two stack pointers, so it explores the path that walks past the
//! end of the array and refuses the program ("invalid read from stack");
//! unrolled, every access has a constant offset it can check.

use super::dominators::DomTree;
use super::functions_with_bodies;
use super::simplify_cfg::remove_unreachable_blocks;
use crate::ir::interp::{eval_binary, eval_cond, eval_extend, eval_unary, eval_widen};
use crate::ir::*;
use cranelift_entity::SecondaryMap;
use std::collections::{HashMap, HashSet};

/// How far a loop may be unrolled.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Most iterations of the loop body.
    pub max_trips: u32,
    /// Most instructions of all copies together.
    pub max_insts: usize,
}

/// For loops unrolled as an optimization (clang's full-unroll threshold is
/// of the same order).
pub const OPTIMIZING: Limits = Limits {
    max_trips: 64,
    max_insts: 400,
};

/// For loops whose exit compares two pointers: without unrolling the
/// verifier refuses them, so a larger program is the better outcome.
pub const POINTER_EXIT: Limits = Limits {
    max_trips: 256,
    max_insts: 4096,
};

/// How many loops of one function are unrolled at most (each unrolling
/// copies the loops nested in it, so this bounds the growth).
const MAX_UNROLLS_PER_FUNCTION: usize = 32;

/// -O1 and up: unrolls loops within [`OPTIMIZING`], and pointer-exit loops
/// within [`POINTER_EXIT`].
pub fn run(module: &mut Module) -> bool {
    let mut changed = false;
    for f in functions_with_bodies(module) {
        changed |= unroll_function(f, true);
    }
    changed
}

/// Every level: unrolls only the loops whose exit test compares two
/// pointers, within [`POINTER_EXIT`].
pub fn run_pointer_exits(module: &mut Module) -> bool {
    let mut changed = false;
    for f in functions_with_bodies(module) {
        changed |= unroll_function(f, false);
    }
    changed
}

/// Unrolls the loops of one function, innermost first; `optimizing` also
/// unrolls loops whose exit does not compare pointers.
pub fn unroll_function(f: &mut Function, optimizing: bool) -> bool {
    let mut changed = false;
    for _ in 0..MAX_UNROLLS_PER_FUNCTION {
        let loops = find_loops(f);
        let plan = loops
            .iter()
            .find_map(|l| plan_unroll(f, l, optimizing).map(|p| (l, p)));
        let Some((l, plan)) = plan else {
            break;
        };
        unroll(f, l, &plan);
        changed = true;
    }
    changed
}

/// A natural loop with a single back edge.
#[derive(Debug)]
struct Loop {
    header: Block,
    /// The block whose jump back to the header is the back edge.
    latch: Block,
    /// The loop's blocks in layout order (the header among them).
    blocks: Vec<Block>,
    in_loop: SecondaryMap<Block, bool>,
    /// The blocks outside the loop that jump to its header.
    entering: Vec<Block>,
}

/// The natural loops with a single back edge, smallest (innermost) first.
fn find_loops(f: &Function) -> Vec<Loop> {
    let dom = DomTree::compute(f);
    let mut latches: SecondaryMap<Block, Vec<Block>> = SecondaryMap::new();
    let mut headers = Vec::new();
    for &b in &dom.rpo {
        for s in f.insts[f.terminator(b)].op.successors() {
            if dom.dominates(s, b) {
                if latches[s].is_empty() {
                    headers.push(s);
                }
                if !latches[s].contains(&b) {
                    latches[s].push(b);
                }
            }
        }
    }
    let mut loops = Vec::new();
    for header in headers {
        let [latch] = latches[header][..] else {
            continue;
        };
        let mut in_loop: SecondaryMap<Block, bool> = SecondaryMap::new();
        in_loop[header] = true;
        let mut work = vec![latch];
        while let Some(b) = work.pop() {
            if in_loop[b] {
                continue;
            }
            in_loop[b] = true;
            work.extend(dom.preds[b].iter().copied());
        }
        let blocks = f.layout.iter().copied().filter(|&b| in_loop[b]).collect();
        let mut entering: Vec<Block> = dom.preds[header]
            .iter()
            .copied()
            .filter(|&p| !in_loop[p])
            .collect();
        entering.dedup();
        loops.push(Loop {
            header,
            latch,
            blocks,
            in_loop,
            entering,
        });
    }
    loops.sort_by_key(|l| l.blocks.len());
    loops
}

/// What [`unroll`] does to a loop.
#[derive(Debug)]
struct Plan {
    /// The block whose branch leaves the loop: the header or the latch.
    exiting: Block,
    /// Whether the `then` side of its branch is the one that stays.
    stay_on_then: bool,
    /// Copies of the loop blocks, the original (last) one included: one more
    /// than the times the exit branch stays in the loop.
    copies: usize,
}

/// Whether and how `l` can be unrolled.
fn plan_unroll(f: &Function, l: &Loop, optimizing: bool) -> Option<Plan> {
    // Exactly one edge leaves the loop, from the header or the latch.
    let mut exit_edge = None;
    for &b in &l.blocks {
        let t = f.terminator(b);
        for s in f.insts[t].op.successors() {
            if !l.in_loop[s] {
                if exit_edge.is_some() {
                    return None;
                }
                exit_edge = Some(b);
            }
        }
    }
    let exiting = exit_edge?;
    if exiting != l.header && exiting != l.latch {
        return None;
    }
    let Op::Brif {
        cond,
        then_dest,
        else_dest,
    } = &f.insts[f.terminator(exiting)].op
    else {
        return None;
    };
    let stay_on_then = l.in_loop[then_dest.block];
    // The latch reaches the header through one edge only, and when it is
    // the exiting block that edge is the one that stays.
    let latch_op = &f.insts[f.terminator(l.latch)].op;
    let back_edges = latch_op
        .successors()
        .iter()
        .filter(|&&s| s == l.header)
        .count();
    if back_edges != 1 {
        return None;
    }
    if exiting == l.latch {
        let stay = if stay_on_then { then_dest } else { else_dest };
        if stay.block != l.header {
            return None;
        }
    }
    let back_args = latch_op
        .clone()
        .block_calls_mut()
        .into_iter()
        .find(|bc| bc.block == l.header)?
        .args
        .clone();

    let pointer_exit = compares_pointers(f, l, *cond);
    if !optimizing && !pointer_exit {
        return None;
    }
    let limits = if pointer_exit {
        POINTER_EXIT
    } else {
        OPTIMIZING
    };

    let mut eval = Evaluator::new(f, l);
    let mut state = entry_state(f, l, &mut eval)?;

    // Iterations of the body: simulate until the exit branch leaves.
    let mut trips: u32 = 0;
    loop {
        eval.start_iteration(&state);
        let c = eval.eval(*cond)?;
        if c.base != Base::Const {
            return None;
        }
        let taken_then = c.off != 0;
        let stays = taken_then == stay_on_then;
        if !stays {
            break;
        }
        trips += 1;
        if trips > limits.max_trips {
            return None;
        }
        state = back_args.iter().map(|&a| eval.eval(a)).collect();
    }
    // The exiting block runs once more than it decides to stay: the header
    // one last time before leaving, or the whole body of the last iteration.
    let copies = trips as usize + 1;
    let body_runs = if exiting == l.header {
        trips
    } else {
        trips + 1
    };
    if body_runs > limits.max_trips {
        return None;
    }
    let size: usize = l.blocks.iter().map(|&b| f.blocks[b].insts.len()).sum();
    if size.saturating_mul(copies) > limits.max_insts {
        return None;
    }
    Some(Plan {
        exiting,
        stay_on_then,
        copies,
    })
}

/// The header parameters' values on entering the loop: those of every
/// entering edge, or unknown where the edges disagree. `None` when the
/// header has no entering edge.
fn entry_state(f: &Function, l: &Loop, eval: &mut Evaluator) -> Option<Vec<Option<Sym>>> {
    let mut state: Option<Vec<Option<Sym>>> = None;
    for &p in &l.entering {
        let op = &f.insts[f.terminator(p)].op;
        let calls = op.block_calls();
        for bc in calls.into_iter().filter(|bc| bc.block == l.header) {
            let values: Vec<Option<Sym>> = bc.args.iter().map(|&a| eval.eval(a)).collect();
            match &mut state {
                None => state = Some(values),
                Some(s) => {
                    for (known, new) in s.iter_mut().zip(values) {
                        if *known != new {
                            *known = None;
                        }
                    }
                }
            }
        }
    }
    state
}

/// Whether the exit condition compares two pointers (values based on an
/// address rather than constants).
fn compares_pointers(f: &Function, l: &Loop, cond: Value) -> bool {
    let Some(Op::Icmp(c, a, b)) = f.def_inst(cond).map(|i| &f.insts[i].op) else {
        return false;
    };
    if *c == Cond::Set || f.value_type(*a) != Type::I64 {
        return false;
    }
    let mut eval = Evaluator::new(f, l);
    let Some(start) = entry_state(f, l, &mut eval) else {
        return false;
    };
    eval.start_iteration(&start);
    let is_address =
        |s: Option<Sym>| matches!(s, Some(s) if matches!(s.base, Base::Slot(_) | Base::Data(_)));
    is_address(eval.eval(*a)) && is_address(eval.eval(*b))
}

/// What a symbolic value is offset from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Base {
    /// Nothing: the value is the constant `off`.
    Const,
    /// The address of a stack slot.
    Slot(StackSlot),
    /// The address of a data object.
    Data(DataId),
    /// A value defined outside the loop.
    Outside(Value),
}

/// `base + off`, `off` masked to the value's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Sym {
    base: Base,
    off: u64,
}

/// Symbolic evaluation of values during one iteration of a loop.
struct Evaluator<'f> {
    f: &'f Function,
    l: &'f Loop,
    /// Values of the header's parameters in this iteration.
    params: Vec<Option<Sym>>,
    /// Memo of this iteration (`None`: unknown). Hash maps rather than
    /// maps over all values: a loop is small, its function may not be.
    memo: HashMap<Value, Option<Sym>>,
    inst_in_loop: HashSet<Inst>,
    /// Depth of the recursion through definitions.
    depth: u32,
}

fn mask(ty: Type, v: u64) -> u64 {
    match ty {
        Type::I32 => v & 0xffff_ffff,
        Type::I64 => v,
    }
}

fn constant(off: u64) -> Sym {
    Sym {
        base: Base::Const,
        off,
    }
}

/// How deep evaluation follows definitions (a long chain of additions
/// before the loop is not worth following, nor the stack it would take).
const MAX_EVAL_DEPTH: u32 = 64;

/// Offsets past this (either way) from an object's address are not assumed
/// to stay inside the address space when comparing.
const MAX_OBJECT_OFFSET: i64 = 1 << 31;

impl<'f> Evaluator<'f> {
    fn new(f: &'f Function, l: &'f Loop) -> Evaluator<'f> {
        let inst_in_loop = l
            .blocks
            .iter()
            .flat_map(|&b| f.blocks[b].insts.iter().copied())
            .collect();
        Evaluator {
            f,
            l,
            params: Vec::new(),
            memo: HashMap::new(),
            inst_in_loop,
            depth: 0,
        }
    }

    fn start_iteration(&mut self, params: &[Option<Sym>]) {
        self.params = params.to_vec();
        self.memo.clear();
    }

    fn eval(&mut self, v: Value) -> Option<Sym> {
        let v = self.f.resolve(v);
        if let Some(&s) = self.memo.get(&v) {
            return s;
        }
        // Evaluated operands are defined earlier on the dominator tree, so
        // the recursion follows the SSA definitions, which are acyclic
        // except through block parameters (which end it).
        if self.depth >= MAX_EVAL_DEPTH {
            return None;
        }
        self.depth += 1;
        let s = self.compute(v);
        self.depth -= 1;
        self.memo.insert(v, s);
        s
    }

    fn compute(&mut self, v: Value) -> Option<Sym> {
        let f = self.f;
        let ty = f.value_type(v);
        let defined_outside = Sym {
            base: Base::Outside(v),
            off: 0,
        };
        let inst = match f.values[v].def {
            ValueDef::Param(b, n) if b == self.l.header => {
                return self.params.get(n as usize).copied().flatten();
            }
            ValueDef::Param(b, _) => return (!self.l.in_loop[b]).then_some(defined_outside),
            ValueDef::Inst(i) => i,
            ValueDef::Alias(_) => unreachable!("resolved"),
        };
        let computed = match f.insts[inst].op {
            Op::Iconst(c) => Some(constant(mask(ty, c as u64))),
            Op::StackAddr { slot, offset } => Some(Sym {
                base: Base::Slot(slot),
                off: offset as i64 as u64,
            }),
            Op::SymbolAddr {
                target: SymbolTarget::Data(d),
                addend,
            } => Some(Sym {
                base: Base::Data(d),
                off: addend as u64,
            }),
            Op::Binary(op, a, b) => self.binary(op, ty, a, b),
            Op::Unary(op, a) => self.constant_of(a).map(|a| constant(eval_unary(op, ty, a))),
            Op::Extend {
                value,
                from_bits,
                signed,
            } => self
                .constant_of(value)
                .map(|a| constant(eval_extend(ty, a, from_bits, signed))),
            Op::Widen { value, signed } => self
                .constant_of(value)
                .map(|a| constant(eval_widen(a, signed))),
            Op::Narrow(value) => self.constant_of(value).map(|a| constant(a & 0xffff_ffff)),
            Op::Icmp(cond, a, b) => self.compare(cond, a, b).map(|c| constant(c as u64)),
            _ => None,
        };
        // Anything else computed before the loop is the same in every
        // iteration: a base of its own.
        computed.or((!self.inst_in_loop.contains(&inst)).then_some(defined_outside))
    }

    fn constant_of(&mut self, v: Value) -> Option<u64> {
        match self.eval(v) {
            Some(Sym {
                base: Base::Const,
                off,
            }) => Some(off),
            _ => None,
        }
    }

    fn binary(&mut self, op: BinOp, ty: Type, a: Value, b: Value) -> Option<Sym> {
        let (sa, sb) = (self.eval(a)?, self.eval(b)?);
        match (sa.base, sb.base) {
            (Base::Const, Base::Const) => Some(constant(eval_binary(op, ty, sa.off, sb.off))),
            (_, Base::Const) if matches!(op, BinOp::Add | BinOp::Sub) => Some(Sym {
                base: sa.base,
                off: eval_binary(op, ty, sa.off, sb.off),
            }),
            (Base::Const, _) if op == BinOp::Add => Some(Sym {
                base: sb.base,
                off: eval_binary(op, ty, sa.off, sb.off),
            }),
            // The same base cancels out exactly, in modular arithmetic.
            (x, y) if x == y && op == BinOp::Sub => {
                Some(constant(eval_binary(op, ty, sa.off, sb.off)))
            }
            _ => None,
        }
    }

    /// Decides `a cond b`, if possible.
    fn compare(&mut self, cond: Cond, a: Value, b: Value) -> Option<bool> {
        let ty = self.f.value_type(a);
        let (sa, sb) = (self.eval(a)?, self.eval(b)?);
        if sa.base == Base::Const && sb.base == Base::Const {
            return Some(eval_cond(cond, ty, sa.off, sb.off));
        }
        if sa.base != sb.base {
            return None;
        }
        match cond {
            Cond::Eq => return Some(sa.off == sb.off),
            Cond::Ne => return Some(sa.off != sb.off),
            _ => {}
        }
        // Ordered comparisons of addresses in one object: the object does
        // not wrap around the address space, so offsets decide (kernel and
        // stack addresses have the sign bit set and stay away from it).
        if !matches!(sa.base, Base::Slot(_) | Base::Data(_)) || ty != Type::I64 || cond == Cond::Set
        {
            return None;
        }
        let (oa, ob) = (sa.off as i64, sb.off as i64);
        if oa.abs() > MAX_OBJECT_OFFSET || ob.abs() > MAX_OBJECT_OFFSET {
            return None;
        }
        // Within one object, offsets compare as signed numbers whatever the
        // signedness of the comparison.
        Some(match cond {
            Cond::Ult | Cond::Slt => oa < ob,
            Cond::Ule | Cond::Sle => oa <= ob,
            Cond::Ugt | Cond::Sgt => oa > ob,
            Cond::Uge | Cond::Sge => oa >= ob,
            Cond::Eq | Cond::Ne | Cond::Set => unreachable!("handled above"),
        })
    }
}

/// Unrolls `l` as `plan` says.
fn unroll(f: &mut Function, l: &Loop, plan: &Plan) {
    let clones = plan.copies - 1;
    // Per clone: the copy of each loop block and of each value defined in
    // the loop.
    let mut block_maps: Vec<SecondaryMap<Block, Option<Block>>> = Vec::with_capacity(clones);
    let mut value_maps: Vec<SecondaryMap<Value, Option<Value>>> = Vec::with_capacity(clones);
    let mut new_insts: Vec<Vec<(Inst, Inst)>> = Vec::with_capacity(clones);
    for _ in 0..clones {
        let mut bmap: SecondaryMap<Block, Option<Block>> = SecondaryMap::new();
        let mut vmap: SecondaryMap<Value, Option<Value>> = SecondaryMap::new();
        let mut pairs = Vec::new();
        for &b in &l.blocks {
            let nb = f.blocks.push(BlockData::default());
            bmap[b] = Some(nb);
            let params = f.blocks[b].params.clone();
            for (n, p) in params.into_iter().enumerate() {
                let np = f.values.push(ValueData {
                    ty: f.values[p].ty,
                    def: ValueDef::Param(nb, n as u32),
                });
                f.blocks[nb].params.push(np);
                vmap[p] = Some(np);
            }
            let insts = f.blocks[b].insts.clone();
            for i in insts {
                let data = f.insts[i].clone();
                let ni = f.insts.push(InstData {
                    op: data.op,
                    result: None,
                });
                if let Some(r) = data.result {
                    let nr = f.values.push(ValueData {
                        ty: f.values[r].ty,
                        def: ValueDef::Inst(ni),
                    });
                    f.insts[ni].result = Some(nr);
                    vmap[r] = Some(nr);
                }
                f.srclocs[ni] = f.srclocs[i];
                f.blocks[nb].insts.push(ni);
                pairs.push((i, ni));
            }
        }
        block_maps.push(bmap);
        value_maps.push(vmap);
        new_insts.push(pairs);
    }

    // The copy of the header that copy `k`'s back edge enters: the next
    // clone's, or the original's for the last clone.
    let header_of = |k: usize, maps: &[SecondaryMap<Block, Option<Block>>]| -> Block {
        if k < maps.len() {
            maps[k][l.header].expect("header copied")
        } else {
            l.header
        }
    };

    for k in 0..clones {
        for &(orig, ni) in &new_insts[k] {
            let vmap = &value_maps[k];
            let bmap = &block_maps[k];
            let resolve = |v: Value| {
                let v = f.resolve(v);
                vmap[v].unwrap_or(v)
            };
            let mut op = f.insts[orig].op.clone();
            op.map_args(resolve);
            let is_exit_branch = f.blocks[plan.exiting].insts.last() == Some(&orig);
            if is_exit_branch {
                // Not the last iteration: the branch stays in the loop.
                if let Op::Brif {
                    then_dest,
                    else_dest,
                    ..
                } = op
                {
                    op = Op::Jump(if plan.stay_on_then {
                        then_dest
                    } else {
                        else_dest
                    });
                }
            }
            let next_header = header_of(k + 1, &block_maps);
            for bc in op.block_calls_mut() {
                bc.block = if bc.block == l.header {
                    next_header
                } else {
                    bmap[bc.block].unwrap_or(bc.block)
                };
            }
            f.insts[ni].op = op;
        }
    }

    // The original blocks are the last iteration: their exit branch leaves.
    let t = f.terminator(plan.exiting);
    if let Op::Brif {
        then_dest,
        else_dest,
        ..
    } = f.insts[t].op.clone()
    {
        f.insts[t].op = Op::Jump(if plan.stay_on_then {
            else_dest
        } else {
            then_dest
        });
    }

    // Entering edges go to the first copy.
    let first = header_of(0, &block_maps);
    for k in 0..f.layout.len() {
        let b = f.layout[k];
        if l.in_loop[b] {
            continue;
        }
        let t = f.terminator(b);
        for bc in f.insts[t].op.block_calls_mut() {
            if bc.block == l.header {
                bc.block = first;
            }
        }
    }

    // Copies go before the original loop, in iteration order.
    let pos = f
        .layout
        .iter()
        .position(|&b| b == l.header)
        .expect("header in layout");
    let copies: Vec<Block> = block_maps
        .iter()
        .flat_map(|m| l.blocks.iter().map(move |&b| m[b].expect("copied")))
        .collect();
    f.layout.splice(pos..pos, copies);
    remove_unreachable_blocks(f);
}
