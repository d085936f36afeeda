//! Control-flow analyses the passes share: reverse postorder of the blocks
//! reachable from the entry, the dominator tree (Cooper, Harvey and Kennedy's
//! "A Simple, Fast Dominance Algorithm") and dominance frontiers.
//!
//! Nothing here changes a function.

use crate::ir::{BinOp, Block, Cond, Function, Op, Value};
use cranelift_entity::SecondaryMap;

/// Blocks reachable from the entry in reverse postorder. At a `Brif` the
/// `else` successor is visited first, so that the `then` block comes right
/// after its branch when it is not reached earlier (the back end then
/// branches on the inverted condition to `else`); for bit tests, which
/// cannot be inverted, it is the other way round.
pub fn reverse_postorder(f: &Function) -> Vec<Block> {
    let mut visited: SecondaryMap<Block, bool> = SecondaryMap::new();
    let mut post = Vec::new();
    // (block, successors left to visit, reversed so that pop gives the next)
    let mut stack: Vec<(Block, Vec<Block>)> = Vec::new();
    let entry = f.entry();
    visited[entry] = true;
    stack.push((entry, visit_order(f, entry)));
    while let Some((b, succs)) = stack.last_mut() {
        if let Some(s) = succs.pop() {
            if !visited[s] {
                visited[s] = true;
                let order = visit_order(f, s);
                stack.push((s, order));
            }
        } else {
            post.push(*b);
            stack.pop();
        }
    }
    post.reverse();
    post
}

/// Successors of `b` as a stack: the last one is visited first.
fn visit_order(f: &Function, b: Block) -> Vec<Block> {
    let Some(&t) = f.blocks[b].insts.last() else {
        return Vec::new();
    };
    let op = &f.insts[t].op;
    // successors() is [then, else]; popping visits else first, so then
    // follows the branch...
    let mut order = op.successors();
    // ...except for a bit test, which BPF branches on only one way (`JSET`
    // has no inverse): there the else side should follow.
    if let Op::Brif { cond, .. } = op {
        if is_bit_test(f, *cond) {
            order.reverse();
        }
    }
    order
}

/// Whether a branch on `cond` is a bit test (`a & b`, `a & b != 0`).
fn is_bit_test(f: &Function, cond: Value) -> bool {
    let op_of = |v: Value| f.def_inst(v).map(|i| &f.insts[i].op);
    match op_of(cond) {
        Some(Op::Icmp(Cond::Set, ..)) | Some(Op::Binary(BinOp::And, ..)) => true,
        Some(Op::Icmp(Cond::Ne, a, b)) => {
            let and_with_zero = |x: Value, y: Value| {
                f.const_value(y) == Some(0) && matches!(op_of(x), Some(Op::Binary(BinOp::And, ..)))
            };
            and_with_zero(*a, *b) || and_with_zero(*b, *a)
        }
        _ => false,
    }
}

/// The dominator tree of the blocks reachable from the entry.
pub struct DomTree {
    /// Reachable blocks in reverse postorder.
    pub rpo: Vec<Block>,
    /// Position of each reachable block in `rpo`; `u32::MAX` for unreachable ones.
    pub rpo_index: SecondaryMap<Block, u32>,
    /// Immediate dominator; `None` for the entry and unreachable blocks.
    pub idom: SecondaryMap<Block, Option<Block>>,
    /// Children in the dominator tree, in reverse postorder.
    pub children: SecondaryMap<Block, Vec<Block>>,
    /// Predecessor edges of every reachable block, from reachable blocks only.
    pub preds: SecondaryMap<Block, Vec<Block>>,
    /// Entry and exit times of a depth-first walk of the dominator tree: `a`
    /// dominates `b` when `b`'s interval nests in `a`'s.
    enter: SecondaryMap<Block, u32>,
    exit: SecondaryMap<Block, u32>,
}

impl DomTree {
    pub fn compute(f: &Function) -> DomTree {
        let rpo = reverse_postorder(f);
        let mut rpo_index: SecondaryMap<Block, u32> = SecondaryMap::with_default(u32::MAX);
        for (i, &b) in rpo.iter().enumerate() {
            rpo_index[b] = i as u32;
        }
        let mut preds: SecondaryMap<Block, Vec<Block>> = SecondaryMap::new();
        for &b in &rpo {
            let t = f.terminator(b);
            for s in f.insts[t].op.successors() {
                preds[s].push(b);
            }
        }
        // idom by rpo index; the entry is its own idom during the iteration.
        let n = rpo.len();
        let mut idom: Vec<u32> = vec![u32::MAX; n];
        if n > 0 {
            idom[0] = 0;
        }
        let mut changed = true;
        while changed {
            changed = false;
            for i in 1..n {
                let b = rpo[i];
                let mut new_idom = u32::MAX;
                for &p in &preds[b] {
                    let pi = rpo_index[p];
                    if idom[pi as usize] == u32::MAX {
                        continue;
                    }
                    new_idom = if new_idom == u32::MAX {
                        pi
                    } else {
                        intersect(&idom, pi, new_idom)
                    };
                }
                if new_idom != idom[i] {
                    idom[i] = new_idom;
                    changed = true;
                }
            }
        }
        let mut idom_map: SecondaryMap<Block, Option<Block>> = SecondaryMap::new();
        let mut children: SecondaryMap<Block, Vec<Block>> = SecondaryMap::new();
        for i in 1..n {
            let d = rpo[idom[i] as usize];
            idom_map[rpo[i]] = Some(d);
            children[d].push(rpo[i]);
        }
        let mut tree = DomTree {
            rpo,
            rpo_index,
            idom: idom_map,
            children,
            preds,
            enter: SecondaryMap::new(),
            exit: SecondaryMap::new(),
        };
        tree.number();
        tree
    }

    /// Numbers the dominator tree for [`DomTree::dominates`].
    fn number(&mut self) {
        let Some(&entry) = self.rpo.first() else {
            return;
        };
        let mut clock = 0u32;
        let mut stack = vec![(entry, 0usize)];
        self.enter[entry] = clock;
        while let Some((b, next)) = stack.last_mut() {
            let b = *b;
            if let Some(&c) = self.children[b].get(*next) {
                *next += 1;
                clock += 1;
                self.enter[c] = clock;
                stack.push((c, 0));
            } else {
                clock += 1;
                self.exit[b] = clock;
                stack.pop();
            }
        }
    }

    pub fn is_reachable(&self, b: Block) -> bool {
        self.rpo_index[b] != u32::MAX
    }

    /// Whether `a` dominates `b` (every block dominates itself).
    pub fn dominates(&self, a: Block, b: Block) -> bool {
        self.is_reachable(a)
            && self.is_reachable(b)
            && self.enter[a] <= self.enter[b]
            && self.exit[b] <= self.exit[a]
    }

    /// Dominance frontier of every reachable block.
    pub fn frontiers(&self) -> SecondaryMap<Block, Vec<Block>> {
        let mut df: SecondaryMap<Block, Vec<Block>> = SecondaryMap::new();
        for &b in &self.rpo {
            let preds = &self.preds[b];
            if preds.len() < 2 {
                continue;
            }
            let Some(d) = self.idom[b] else {
                // The entry with predecessors: it is in the frontier of
                // every block on a path back to it.
                for &p in preds {
                    let mut runner = Some(p);
                    while let Some(r) = runner {
                        if !df[r].contains(&b) {
                            df[r].push(b);
                        }
                        runner = self.idom[r];
                    }
                }
                continue;
            };
            for &p in preds {
                let mut runner = p;
                while runner != d {
                    if !df[runner].contains(&b) {
                        df[runner].push(b);
                    }
                    match self.idom[runner] {
                        Some(r) => runner = r,
                        None => break,
                    }
                }
            }
        }
        df
    }

    /// Blocks in dominator-tree preorder (parents before children).
    pub fn preorder(&self) -> Vec<Block> {
        let mut out = Vec::with_capacity(self.rpo.len());
        let Some(&entry) = self.rpo.first() else {
            return out;
        };
        let mut stack = vec![entry];
        while let Some(b) = stack.pop() {
            out.push(b);
            stack.extend(self.children[b].iter().rev());
        }
        out
    }
}

fn intersect(idom: &[u32], mut a: u32, mut b: u32) -> u32 {
    while a != b {
        while a > b {
            a = idom[a as usize];
        }
        while b > a {
            b = idom[b as usize];
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::builder::FunctionBuilder;
    use crate::ir::Type;

    /// entry → head; head → body | exit; body → left | right; left, right →
    /// latch; latch → head. Plus an unreachable block.
    #[test]
    fn loop_with_a_diamond() {
        let mut f = Function::new("f", ".text", vec![Type::I64], None);
        let mut b = FunctionBuilder::new(&mut f);
        let [entry, head, body, left, right, latch, exit, dead] = [(); 8].map(|_| b.create_block());
        let x = b.append_block_param(entry, Type::I64);
        b.switch_to_block(entry);
        b.jump(head, vec![]);
        b.switch_to_block(head);
        b.brif(x, body, exit);
        b.switch_to_block(body);
        b.brif(x, left, right);
        for arm in [left, right] {
            b.switch_to_block(arm);
            b.jump(latch, vec![]);
        }
        b.switch_to_block(latch);
        b.jump(head, vec![]);
        b.switch_to_block(exit);
        b.ret(None);
        b.switch_to_block(dead);
        b.jump(exit, vec![]);
        let dom = DomTree::compute(&f);
        assert_eq!(dom.rpo, [entry, head, body, left, right, latch, exit]);
        assert!(!dom.is_reachable(dead));
        assert_eq!(dom.idom[latch], Some(body));
        assert_eq!(dom.idom[exit], Some(head));
        assert_eq!(dom.idom[entry], None);
        assert!(dom.dominates(head, latch));
        assert!(dom.dominates(latch, latch));
        assert!(!dom.dominates(left, latch));
        assert!(!dom.dominates(dead, exit) && !dom.dominates(exit, dead));
        let df = dom.frontiers();
        assert_eq!(df[left], [latch]);
        assert_eq!(df[right], [latch]);
        assert_eq!(df[latch], [head]);
        assert_eq!(df[body], [head]);
        assert_eq!(df[head], [head]);
        assert!(df[entry].is_empty() && df[exit].is_empty());
        assert_eq!(
            dom.preorder(),
            [entry, head, body, left, right, latch, exit]
        );
    }

    #[test]
    fn bit_tests_put_the_else_side_next() {
        for bit_test in [false, true] {
            let mut f = Function::new("f", ".text", vec![Type::I64], Some(Type::I64));
            let mut b = FunctionBuilder::new(&mut f);
            let [entry, then_b, else_b] = [(); 3].map(|_| b.create_block());
            let x = b.append_block_param(entry, Type::I64);
            b.switch_to_block(entry);
            let four = b.iconst(Type::I64, 4);
            let op = if bit_test { BinOp::And } else { BinOp::Sub };
            let c = b.binary(op, x, four);
            b.brif(c, then_b, else_b);
            for blk in [then_b, else_b] {
                b.switch_to_block(blk);
                b.ret(Some(x));
            }
            let next = if bit_test { else_b } else { then_b };
            assert_eq!(reverse_postorder(&f)[1], next);
        }
    }
}
