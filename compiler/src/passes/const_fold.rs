//! Constant folding and propagation, with algebraic identities.
//!
//! - Pure operations on constants (binary, unary, comparisons, extensions,
//!   widening, narrowing, byte swaps) become `iconst`, computed with the
//!   interpreter's BPF semantics. Division or remainder by a constant zero
//!   and shifts by the type's width or more are left alone (BPF defines the
//!   first and masks the amount of the second; the verifier refuses constant
//!   shifts that large, so the user should see them).
//! - Identities: `x+0`, `x-0`, `x|0`, `x^0`, shifts by 0, `x*1`, `x/1`,
//!   `x&-1` are `x`; `x*0`, `x&0`, `x%1`, `x-x`, `x^x` are 0; `x&x`, `x|x`
//!   are `x`; `narrow(widen(x))` is `x`; an extension of a value whose upper
//!   bits are already right (an extension or a narrow load) is that value.
//! - A stack address plus or minus a constant is a stack address.
//! - `is_constant` of a constant or a symbol's address is 1 (and, in
//!   [`resolve_is_constant`], of anything else 0).
//! - A branch on a constant becomes a jump.
//! - A block parameter that receives one value on every edge (apart from
//!   itself around a loop), or the same constant on every edge, is replaced
//!   by that value or constant.
//!
//! Results are identical on every input. Loads, calls and comparisons of
//! non-constant values (pointer null checks) are never rewritten.

use super::dce::{block_call, calls_to_blocks, remove_block_params};
use super::dominators::reverse_postorder;
use super::functions_with_bodies;
use super::{create_inst, simplify_cfg};
use crate::ir::interp::{eval_binary, eval_bswap, eval_cond, eval_extend, eval_unary, eval_widen};
use crate::ir::*;

pub fn run(module: &mut Module) -> bool {
    let mut changed = false;
    for f in functions_with_bodies(module) {
        changed |= fold(f);
    }
    changed
}

/// What an instruction simplifies to.
enum Folded {
    Const(u64),
    Value(Value),
    /// A cheaper operation with the same result.
    Op(Op),
}

/// The canonical `iconst` payload for `v` of type `ty`: an `I32` constant is
/// kept sign-extended, as BPF immediates are.
pub fn canonical_const(ty: Type, v: u64) -> i64 {
    match ty {
        Type::I32 => v as u32 as i32 as i64,
        Type::I64 => v as i64,
    }
}

fn mask(ty: Type, v: u64) -> u64 {
    match ty {
        Type::I32 => v & 0xffff_ffff,
        Type::I64 => v,
    }
}

/// Constant folding and propagation on one function.
pub fn fold(f: &mut Function) -> bool {
    let mut changed = false;
    for b in reverse_postorder(f) {
        let old = std::mem::take(&mut f.blocks[b].insts);
        let mut insts = Vec::with_capacity(old.len());
        for i in old {
            match simplify(f, i) {
                None => insts.push(i),
                Some(Folded::Const(c)) => {
                    let ty = f.value_type(f.insts[i].result.unwrap());
                    f.insts[i].op = Op::Iconst(canonical_const(ty, c));
                    insts.push(i);
                    changed = true;
                }
                Some(Folded::Value(v)) => {
                    let r = f.insts[i].result.unwrap();
                    f.replace_uses(r, v);
                    changed = true;
                }
                Some(Folded::Op(op)) => {
                    f.insts[i].op = op;
                    insts.push(i);
                    changed = true;
                }
            }
        }
        f.blocks[b].insts = insts;
    }
    if changed {
        f.resolve_aliases();
    }
    changed |= simplify_cfg::fold_branches(f);
    changed |= propagate_through_params(f);
    changed
}

/// Whether `v` is a constant or a symbol's address: `__builtin_constant_p`'s
/// answer for a value (the interpreter's too).
pub fn is_constant(f: &Function, v: Value) -> bool {
    matches!(
        f.def_inst(v).map(|i| &f.insts[i].op),
        Some(Op::Iconst(_) | Op::SymbolAddr { .. })
    )
}

/// Decides every `is_constant` left: 1 for constants, 0 for the rest. Run
/// once inlining has put the constant arguments in place.
pub fn resolve_is_constant(module: &mut Module) -> bool {
    let mut changed = false;
    for f in functions_with_bodies(module) {
        for &b in &f.layout {
            for &i in &f.blocks[b].insts {
                if let Op::IsConstant(v) = f.insts[i].op {
                    f.insts[i].op = Op::Iconst(is_constant(f, v) as i64);
                    changed = true;
                }
            }
        }
    }
    changed
}

/// The constant `v` stands for, masked to its type.
fn constant(f: &Function, v: Value) -> Option<u64> {
    f.const_value(v).map(|c| mask(f.value_type(v), c as u64))
}

fn simplify(f: &Function, i: Inst) -> Option<Folded> {
    let data = &f.insts[i];
    let rty = f.value_type(data.result?);
    let op = data.op.clone();
    match op {
        Op::Binary(op, a, b) => {
            let (a, b) = (f.resolve(a), f.resolve(b));
            simplify_binary(f, op, a, b)
        }
        Op::Unary(op, a) => constant(f, a).map(|c| Folded::Const(eval_unary(op, rty, c))),
        Op::Icmp(cond, a, b) => {
            let ty = f.value_type(a);
            let (ca, cb) = (constant(f, a)?, constant(f, b)?);
            Some(Folded::Const(eval_cond(cond, ty, ca, cb) as u64))
        }
        Op::Extend {
            value,
            from_bits,
            signed,
        } => {
            if let Some(c) = constant(f, value) {
                return Some(Folded::Const(eval_extend(rty, c, from_bits, signed)));
            }
            let value = f.resolve(value);
            match known_extension(f, value, 4) {
                Some((bits, s))
                    if (s == signed && bits <= u32::from(from_bits))
                        || (!s && bits < u32::from(from_bits)) =>
                {
                    Some(Folded::Value(value))
                }
                _ => None,
            }
        }
        Op::Widen { value, signed } => {
            constant(f, value).map(|c| Folded::Const(eval_widen(c, signed)))
        }
        Op::Narrow(value) => {
            if let Some(c) = constant(f, value) {
                return Some(Folded::Const(c & 0xffff_ffff));
            }
            match f.def_inst(value).map(|d| &f.insts[d].op) {
                Some(Op::Widen { value: inner, .. }) => Some(Folded::Value(f.resolve(*inner))),
                _ => None,
            }
        }
        Op::IsConstant(value) => is_constant(f, value).then_some(Folded::Const(1)),
        Op::Bswap { value, bits } => {
            constant(f, value).map(|c| Folded::Const(eval_bswap(rty, c, bits)))
        }
        _ => None,
    }
}

/// How `v` is known to be extended already: `(bits, signed)` when `v` equals
/// the sign- (or zero-) extension of its low `bits` bits to its type.
/// `depth` bounds the search through narrowing and widening.
fn known_extension(f: &Function, v: Value, depth: u32) -> Option<(u32, bool)> {
    let ty = f.value_type(v);
    let op = &f.insts[f.def_inst(v)?].op;
    let through = |inner: Value| {
        if depth == 0 {
            None
        } else {
            known_extension(f, f.resolve(inner), depth - 1)
        }
    };
    match op {
        Op::Extend {
            from_bits, signed, ..
        } => Some((u32::from(*from_bits), *signed)),
        Op::Load { width, signed, .. } if width.bytes() * 8 < ty.bits() => {
            Some((width.bytes() * 8, *signed))
        }
        Op::LoadPacket { width, .. } if width.bytes() * 8 < ty.bits() => {
            Some((width.bytes() * 8, false))
        }
        // 0 or 1.
        Op::Icmp(..) => Some((1, false)),
        Op::Widen { value, signed } => match through(*value) {
            Some((bits, s)) if bits < 32 && (s == *signed || !s) => Some((bits, s)),
            _ => Some((32, *signed)),
        },
        // The low 32 bits of a value extended from fewer bits are that
        // extension in 32 bits.
        Op::Narrow(value) => through(*value).filter(|&(bits, _)| bits < 32),
        Op::Binary(BinOp::And, a, b) => {
            let mask = constant(f, *b).or_else(|| constant(f, *a))?;
            // A mask below 2^bits zero-extends from `bits`.
            let bits = 64 - mask.leading_zeros();
            (bits < ty.bits()).then_some((bits.max(1), false))
        }
        Op::Binary(BinOp::LShr, _, amount) => {
            let k = constant(f, *amount)?;
            (k > 0 && k < u64::from(ty.bits())).then(|| (ty.bits() - k as u32, false))
        }
        _ => None,
    }
}

fn simplify_binary(f: &Function, op: BinOp, a: Value, b: Value) -> Option<Folded> {
    use BinOp::*;
    let ty = f.value_type(a);
    let ones = mask(ty, u64::MAX);
    let (ca, cb) = (constant(f, a), constant(f, b));
    if let (Some(x), Some(y)) = (ca, cb) {
        let divides = matches!(op, UDiv | SDiv | URem | SRem);
        let shifts = matches!(op, Shl | LShr | AShr);
        if (divides && y == 0) || (shifts && y >= u64::from(ty.bits())) {
            return None;
        }
        return Some(Folded::Const(eval_binary(op, ty, x, y)));
    }
    if let Some(y) = cb {
        match (op, y) {
            (Add | Sub | Or | Xor | Shl | LShr | AShr, 0) => return Some(Folded::Value(a)),
            (Mul | UDiv | SDiv, 1) => return Some(Folded::Value(a)),
            (Mul | And, 0) | (URem | SRem, 1) => return Some(Folded::Const(0)),
            (And, y) if y == ones => return Some(Folded::Value(a)),
            (Or, y) if y == ones => return Some(Folded::Const(ones)),
            _ => {}
        }
    }
    if let Some(x) = ca {
        match (op, x) {
            (Add | Or | Xor, 0) | (Mul, 1) => return Some(Folded::Value(b)),
            (Mul | And | Shl | LShr | AShr | UDiv | SDiv | URem | SRem, 0) => {
                return Some(Folded::Const(0))
            }
            (And, x) if x == ones => return Some(Folded::Value(b)),
            (Or, x) if x == ones => return Some(Folded::Const(ones)),
            _ => {}
        }
    }
    // A constant offset from a stack address is a stack address: the slot's
    // accesses stay visible to mem2reg, store forwarding and dead store
    // elimination.
    if let (Add | Sub, Some(Op::StackAddr { slot, offset })) =
        (op, f.def_inst(a).map(|d| &f.insts[d].op))
    {
        if let Some(c) = cb {
            let c = c as i64;
            let delta = if op == Add { Some(c) } else { c.checked_neg() };
            if let Some(new) = delta
                .and_then(|d| i64::from(*offset).checked_add(d))
                .and_then(|o| i32::try_from(o).ok())
            {
                return Some(Folded::Op(Op::StackAddr {
                    slot: *slot,
                    offset: new,
                }));
            }
        }
    }
    if a == b {
        match op {
            Sub | Xor => return Some(Folded::Const(0)),
            And | Or => return Some(Folded::Value(a)),
            _ => {}
        }
    }
    None
}

/// Replaces block parameters that receive one value (or one constant) on
/// every incoming edge.
fn propagate_through_params(f: &mut Function) -> bool {
    let entry = f.entry();
    let calls_to = calls_to_blocks(f);
    let mut changed = false;
    for k in 0..f.layout.len() {
        let b = f.layout[k];
        if b == entry || f.blocks[b].params.is_empty() || calls_to[b].is_empty() {
            continue;
        }
        let params = f.blocks[b].params.clone();
        let mut keep = vec![true; params.len()];
        let mut new_consts = Vec::new();
        for (n, &p) in params.iter().enumerate() {
            let incoming: Vec<Value> = calls_to[b]
                .iter()
                .map(|&(t, c)| f.resolve(block_call(&f.insts[t].op, c).args[n]))
                .collect();
            let mut others = incoming.iter().copied().filter(|&v| v != p);
            let Some(first) = others.next() else {
                continue;
            };
            let ty = f.value_type(p);
            if others.clone().all(|v| v == first) {
                f.replace_uses(p, first);
                keep[n] = false;
            } else if let Some(c) = constant(f, first) {
                if others.all(|v| constant(f, v) == Some(c)) {
                    let span = f.srclocs[f.terminator(b)];
                    let i = create_inst(f, Op::Iconst(canonical_const(ty, c)), Some(ty), span);
                    let r = f.insts[i].result.unwrap();
                    f.replace_uses(p, r);
                    new_consts.push(i);
                    keep[n] = false;
                }
            }
        }
        if keep.contains(&false) {
            remove_block_params(f, b, &keep, &calls_to[b]);
            f.blocks[b].insts.splice(0..0, new_consts);
            changed = true;
        }
    }
    if changed {
        f.resolve_aliases();
    }
    changed
}
