//! Inlining of BPF-to-BPF calls.
//!
//! A call to a function of this module is replaced by a copy of the callee's
//! body when the callee is `always_inline`, or (from -O1) when it lives in
//! `.text` and is small, or `static` and called only once; a global function
//! inlined this way stays in the object for other users, as with clang.
//! Functions marked `noinline` or `naked`, weak functions, program entries
//! (a section other than `.text`) and calls on a recursion cycle stay calls. Callees
//! are processed before their callers, so each body is copied with its own
//! inlined calls already in it. The caller's block is split after the call:
//! the callee's entry block receives the call's arguments as a jump, each
//! `return` jumps to the continuation block with the returned value as its
//! parameter, and the callee's stack slots become slots of the caller.
//!
//! [`remove_dead_functions`] (run at the end of the pipeline) removes the
//! `static` functions in `.text` that are no longer referenced (by a call,
//! an address, or a data object's relocation), as clang does; the remaining
//! functions keep their relative order.
//!
//! What runs is unchanged: the same instructions in the same order, with
//! the callee's stack slots in the caller's frame.

use crate::ir::*;
use cranelift_entity::{EntityRef, PrimaryMap, SecondaryMap};

/// Largest callee inlined for being small, in instructions that cost
/// machine code (see [`inline_cost`]).
const SMALL_FUNCTION: usize = 48;

/// A caller stops growing by inlining past this many instructions (only
/// `always_inline` callees are inlined beyond it).
const MAX_CALLER_SIZE: usize = 20_000;

/// Inlines `always_inline` callees only (the -O0 behaviour).
pub fn run_always_inline(module: &mut Module) -> bool {
    inline_module(module, false)
}

/// Inlines `always_inline` callees, small functions and single-use static ones.
pub fn run(module: &mut Module) -> bool {
    inline_module(module, true)
}

fn inline_module(module: &mut Module, small_statics: bool) -> bool {
    let call_sites = count_call_sites(module);
    let mut changed = false;
    // Callees already processed; a callee not yet done is on a recursion
    // cycle with the caller and stays a call.
    let mut done: SecondaryMap<FuncId, bool> = SecondaryMap::new();
    for caller in bottom_up_order(module) {
        let mut f = std::mem::replace(
            &mut module.functions[caller],
            Function::new("", "", vec![], None),
        );
        let cx = InlineCx {
            caller,
            module,
            call_sites: &call_sites,
            done: &done,
            small_statics,
        };
        changed |= inline_calls(&mut f, &cx);
        module.functions[caller] = f;
        done[caller] = true;
    }
    changed
}

/// The functions of the module that nothing refers to (no call, address or
/// data relocation names them).
pub fn unreferenced_functions(module: &Module) -> SecondaryMap<FuncId, bool> {
    let mut referenced: SecondaryMap<FuncId, bool> = SecondaryMap::new();
    for (_, f) in module.functions.iter() {
        for &b in &f.layout {
            for &i in &f.blocks[b].insts {
                match &f.insts[i].op {
                    Op::Call {
                        callee: Callee::Func(c),
                        ..
                    }
                    | Op::SymbolAddr {
                        target: SymbolTarget::Func(c),
                        ..
                    } => referenced[*c] = true,
                    _ => {}
                }
            }
        }
    }
    for (_, d) in module.data.iter() {
        for (_, target, _) in &d.relocs {
            if let SymbolTarget::Func(c) = target {
                referenced[*c] = true;
            }
        }
    }
    let mut out = SecondaryMap::new();
    for id in module.functions.keys() {
        out[id] = !referenced[id];
    }
    out
}

#[cfg(test)]
pub(crate) fn tests_call_sites(module: &Module) -> SecondaryMap<FuncId, u32> {
    count_call_sites(module)
}

/// How many call instructions name each function.
fn count_call_sites(module: &Module) -> SecondaryMap<FuncId, u32> {
    let mut n: SecondaryMap<FuncId, u32> = SecondaryMap::new();
    for (_, f) in module.functions.iter() {
        for &b in &f.layout {
            for &i in &f.blocks[b].insts {
                if let Op::Call {
                    callee: Callee::Func(c),
                    ..
                } = f.insts[i].op
                {
                    n[c] += 1;
                }
            }
        }
    }
    n
}

/// The functions of the module called directly by `f`, in order of appearance.
fn direct_callees(f: &Function) -> Vec<FuncId> {
    let mut out = Vec::new();
    for &b in &f.layout {
        for &i in &f.blocks[b].insts {
            if let Op::Call {
                callee: Callee::Func(c),
                ..
            } = f.insts[i].op
            {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// Every function, callees before callers (depth-first postorder over the
/// call graph, from the functions in module order).
fn bottom_up_order(module: &Module) -> Vec<FuncId> {
    let mut state: SecondaryMap<FuncId, u8> = SecondaryMap::new(); // 0 new, 1 open, 2 done
    let mut order = Vec::with_capacity(module.functions.len());
    for root in module.functions.keys() {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, direct_callees(&module.functions[root]))];
        state[root] = 1;
        while let Some((f, callees)) = stack.last_mut() {
            match callees.pop() {
                Some(c) if c.index() < module.functions.len() && state[c] == 0 => {
                    state[c] = 1;
                    let next = direct_callees(&module.functions[c]);
                    stack.push((c, next));
                }
                Some(_) => {}
                None => {
                    state[*f] = 2;
                    order.push(*f);
                    stack.pop();
                }
            }
        }
    }
    order
}

fn inst_count(f: &Function) -> usize {
    f.layout.iter().map(|&b| f.blocks[b].insts.len()).sum()
}

/// The size a callee counts for when deciding to inline it: its
/// instructions, except those that usually cost no machine code (constants
/// and addresses folded into their users, width changes, plain jumps).
fn inline_cost(f: &Function) -> usize {
    f.layout
        .iter()
        .flat_map(|&b| f.blocks[b].insts.iter())
        .filter(|&&i| {
            !matches!(
                f.insts[i].op,
                Op::Iconst(_)
                    | Op::StackAddr { .. }
                    | Op::SymbolAddr { .. }
                    | Op::Widen { .. }
                    | Op::Narrow(_)
                    | Op::Jump(_)
            )
        })
        .count()
}

/// What deciding and doing the inlining into one caller needs.
struct InlineCx<'a> {
    caller: FuncId,
    /// The module, with the caller's body taken out.
    module: &'a Module,
    call_sites: &'a SecondaryMap<FuncId, u32>,
    done: &'a SecondaryMap<FuncId, bool>,
    small_statics: bool,
}

impl InlineCx<'_> {
    /// Whether a call to `callee_id` with `nargs` arguments is to be inlined.
    fn should_inline(&self, callee_id: FuncId, nargs: usize) -> bool {
        let Some(callee) = self.module.functions.get(callee_id) else {
            return false;
        };
        if callee_id == self.caller
            || !self.done[callee_id]
            || callee.noinline
            || callee.naked
            || callee.layout.is_empty()
            || callee.params.len() != nargs
            || callee.linkage == Linkage::Weak
            || callee.section != ".text"
        {
            return false;
        }
        if callee.always_inline {
            return true;
        }
        if !self.small_statics {
            return false;
        }
        let small = inline_cost(callee) <= SMALL_FUNCTION;
        match callee.linkage {
            Linkage::Local => small || self.call_sites[callee_id] == 1,
            // A global function stays in the object, but its calls are
            // inlined when it is small, as clang does (the verifier then
            // checks the body in its caller's context, not on its own).
            Linkage::Global => small,
            Linkage::Weak => false,
        }
    }
}

/// Inlines the eligible calls of `f` (the caller, taken out of the module).
fn inline_calls(f: &mut Function, cx: &InlineCx) -> bool {
    let module = cx.module;
    let mut size = inst_count(f);
    let mut changed = false;
    let mut work: Vec<Block> = f.layout.clone();
    work.reverse();
    while let Some(b) = work.pop() {
        let found = f.blocks[b].insts.iter().enumerate().find_map(|(n, &i)| {
            let Op::Call {
                callee: Callee::Func(c),
                args,
            } = &f.insts[i].op
            else {
                return None;
            };
            let eligible = cx.should_inline(*c, args.len()) && {
                let callee = &module.functions[*c];
                callee.always_inline || size + inst_count(callee) <= MAX_CALLER_SIZE
            };
            eligible.then_some((n, *c))
        });
        let Some((n, c)) = found else {
            continue;
        };
        let callee = &module.functions[c];
        size += inst_count(callee);
        let cont = inline_call(f, b, n, callee);
        changed = true;
        // The rest of the block, now in `cont`, may hold more calls.
        work.push(cont);
    }
    if changed {
        f.resolve_aliases();
    }
    changed
}

/// Replaces the call at position `n` of block `b` by a copy of `callee`;
/// returns the continuation block holding what followed the call.
fn inline_call(f: &mut Function, b: Block, n: usize, callee: &Function) -> Block {
    let call = f.blocks[b].insts[n];
    let call_span = f.srclocs[call];
    let Op::Call { args, .. } = f.insts[call].op.clone() else {
        unreachable!("inline_call on a non-call")
    };
    let result = f.insts[call].result;

    // The continuation: what followed the call, with the result as parameter.
    let cont = f.blocks.push(BlockData::default());
    let rest = f.blocks[b].insts.split_off(n + 1);
    f.blocks[b].insts.pop();
    f.blocks[cont].insts = rest;
    let cont_param = result.map(|r| {
        let ty = f.value_type(r);
        let p = f.values.push(ValueData {
            ty,
            def: ValueDef::Param(cont, 0),
        });
        f.blocks[cont].params.push(p);
        f.replace_uses(r, p);
        p
    });

    // Blocks, slots and values of the copy.
    let mut block_map: SecondaryMap<Block, Option<Block>> = SecondaryMap::new();
    for &cb in &callee.layout {
        block_map[cb] = Some(f.blocks.push(BlockData::default()));
    }
    let mut slot_map: SecondaryMap<StackSlot, Option<StackSlot>> = SecondaryMap::new();
    for (s, data) in callee.slots.iter() {
        slot_map[s] = Some(f.slots.push(data.clone()));
    }
    let mut value_map: SecondaryMap<Value, Option<Value>> = SecondaryMap::new();
    for &cb in &callee.layout {
        let nb = block_map[cb].unwrap();
        for (k, &p) in callee.blocks[cb].params.iter().enumerate() {
            let v = f.values.push(ValueData {
                ty: callee.value_type(p),
                def: ValueDef::Param(nb, k as u32),
            });
            f.blocks[nb].params.push(v);
            value_map[p] = Some(v);
        }
    }
    // Instruction results get values first: a use may come before its
    // definition in layout order.
    for &cb in &callee.layout {
        let nb = block_map[cb].unwrap();
        for &ci in &callee.blocks[cb].insts {
            let ni = f.insts.push(InstData {
                op: Op::Unreachable,
                result: None,
            });
            if let Some(r) = callee.insts[ci].result {
                let v = f.values.push(ValueData {
                    ty: callee.value_type(r),
                    def: ValueDef::Inst(ni),
                });
                f.insts[ni].result = Some(v);
                value_map[r] = Some(v);
            }
            f.srclocs[ni] = callee.srclocs[ci];
            f.blocks[nb].insts.push(ni);
        }
    }
    let map_value =
        |v: Value| value_map[callee.resolve(v)].expect("value defined outside the callee's layout");
    for &cb in &callee.layout {
        let nb = block_map[cb].unwrap();
        let new_insts = f.blocks[nb].insts.clone();
        for (&ci, &ni) in callee.blocks[cb].insts.iter().zip(&new_insts) {
            let mut op = callee.insts[ci].op.clone();
            op.map_args(map_value);
            for bc in op.block_calls_mut() {
                bc.block = block_map[bc.block].expect("jump out of the callee's layout");
            }
            if let Op::StackAddr { slot, .. } = &mut op {
                *slot = slot_map[*slot].unwrap();
            }
            let span = f.srclocs[ni];
            if let Op::Return(v) = op {
                // return v → jump cont(v), converted to the call's type.
                let mut jump_args = Vec::new();
                if let Some(p) = cont_param {
                    let want = f.value_type(p);
                    let mut extra = Vec::new();
                    let v = match v {
                        Some(v) => v,
                        None => {
                            // A value-less return where the caller uses the
                            // result: the value is indeterminate in C.
                            let c = new_inst(f, Op::Iconst(0), Some(want), span);
                            extra.push(c);
                            f.insts[c].result.unwrap()
                        }
                    };
                    let v = match (f.value_type(v), want) {
                        (Type::I32, Type::I64) => {
                            let c = new_inst(
                                f,
                                Op::Widen {
                                    value: v,
                                    signed: false,
                                },
                                Some(want),
                                span,
                            );
                            extra.push(c);
                            f.insts[c].result.unwrap()
                        }
                        (Type::I64, Type::I32) => {
                            let c = new_inst(f, Op::Narrow(v), Some(want), span);
                            extra.push(c);
                            f.insts[c].result.unwrap()
                        }
                        _ => v,
                    };
                    if !extra.is_empty() {
                        let insts = &mut f.blocks[nb].insts;
                        let at = insts.len() - 1;
                        insts.splice(at..at, extra);
                    }
                    jump_args.push(v);
                }
                f.insts[ni].op = Op::Jump(BlockCall {
                    block: cont,
                    args: jump_args,
                });
            } else {
                f.insts[ni].op = op;
            }
        }
    }

    // The call becomes a jump to the copy's entry with the call's arguments.
    let entry = block_map[callee.entry()].unwrap();
    let jump = new_inst(
        f,
        Op::Jump(BlockCall { block: entry, args }),
        None,
        call_span,
    );
    f.blocks[b].insts.push(jump);

    // Layout: the copy, then the continuation, right after `b`.
    let at = f.layout.iter().position(|&x| x == b).unwrap() + 1;
    let mut new_blocks: Vec<Block> = callee
        .layout
        .iter()
        .map(|&cb| block_map[cb].unwrap())
        .collect();
    new_blocks.push(cont);
    f.layout.splice(at..at, new_blocks);
    cont
}

fn new_inst(f: &mut Function, op: Op, result: Option<Type>, span: crate::source::Span) -> Inst {
    super::create_inst(f, op, result, span)
}

/// Removes `static` `.text` functions nothing refers to any more (after
/// inlining, or when dead code held their last call), renumbering the others
/// (in order) everywhere they are named.
///
/// Functions in `keep` stay whatever refers to them: the ones lowering
/// emitted without any reference (`__attribute__((used))`).
pub fn remove_dead_functions(module: &mut Module, keep: &SecondaryMap<FuncId, bool>) -> bool {
    let n = module.functions.len();
    let mut live: SecondaryMap<FuncId, bool> = SecondaryMap::new();
    let mut work = Vec::new();
    for (id, f) in module.functions.iter() {
        if f.linkage != Linkage::Local || f.section != ".text" || keep[id] {
            live[id] = true;
            work.push(id);
        }
    }
    for (_, d) in module.data.iter() {
        for (_, target, _) in &d.relocs {
            if let SymbolTarget::Func(id) = target {
                if id.index() < n && !live[*id] {
                    live[*id] = true;
                    work.push(*id);
                }
            }
        }
    }
    while let Some(id) = work.pop() {
        let f = &module.functions[id];
        for &b in &f.layout {
            for &i in &f.blocks[b].insts {
                let target = match &f.insts[i].op {
                    Op::Call {
                        callee: Callee::Func(c),
                        ..
                    } => Some(*c),
                    Op::SymbolAddr {
                        target: SymbolTarget::Func(c),
                        ..
                    } => Some(*c),
                    _ => None,
                };
                if let Some(c) = target {
                    if c.index() < n && !live[c] {
                        live[c] = true;
                        work.push(c);
                    }
                }
            }
        }
    }
    if module.functions.keys().all(|id| live[id]) {
        return false;
    }
    let old = std::mem::take(&mut module.functions);
    let mut renumber: SecondaryMap<FuncId, Option<FuncId>> = SecondaryMap::new();
    let mut functions = PrimaryMap::new();
    for (id, f) in old.into_iter() {
        if live[id] {
            renumber[id] = Some(functions.push(f));
        }
    }
    // Only references from live code remain, so every target has a new id.
    let map = |id: &mut FuncId| {
        if let Some(new) = renumber[*id] {
            *id = new;
        }
    };
    for (_, f) in functions.iter_mut() {
        for (_, inst) in f.insts.iter_mut() {
            match &mut inst.op {
                Op::Call {
                    callee: Callee::Func(c),
                    ..
                } => map(c),
                Op::SymbolAddr {
                    target: SymbolTarget::Func(c),
                    ..
                } => map(c),
                _ => {}
            }
        }
    }
    for (_, d) in module.data.iter_mut() {
        for (_, target, _) in &mut d.relocs {
            if let SymbolTarget::Func(c) = target {
                map(c);
            }
        }
    }
    module.functions = functions;
    true
}
