//! IR passes. Each file is one pass; its doc comment says what it does and
//! what it preserves.
//!
//! Rules every pass keeps so that the kernel verifier accepts what it
//! accepted before: no load, packet load or call ever runs on a path where
//! it did not (nothing is hoisted above the branch that guards it, packet
//! loads stay behind their bounds checks); a later load may only reuse the
//! value of an identical one that has already run with no write in between
//! (which is what makes a reloaded `skb->data` the checked pointer); a
//! pointer comparison (the null check of a helper's result) is never
//! rewritten into arithmetic. The passes are local: they fold,
//! forward and delete, but never move a memory access to another block
//! (inlining copies a callee's body in order, in place of the call).
//! Comparisons are never merged and end up right before the branch that
//! tests them, so that the back end emits one conditional jump, from which
//! the verifier learns the bounds of the compared values.

pub mod const_fold;
pub mod cse;
pub mod dce;
pub mod dominators;
pub mod dse;
pub mod inline;
pub mod mem2reg;
pub mod simplify_cfg;
pub mod sink_compares;
pub mod store_forward;
pub mod unroll;

#[cfg(test)]
mod source_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod unroll_tests;

use crate::ir::{Function, Inst, InstData, Module, Op, Type, ValueData, ValueDef};
use crate::source::Span;

/// How many rounds of the scalar passes `optimize` runs at most.
const MAX_ROUNDS: usize = 8;

/// Runs the pipeline for `-O<opt_level>`.
///
/// -O0: inlining of `always_inline` functions (as clang's always-inliner
/// does at every level), then mem2reg (the verifier needs loop counters in
/// registers), then unrolling of the loops whose exit compares two pointers
/// (the verifier cannot bound them; see `unroll`).
///
/// -O1 and up: mem2reg, then constant folding, dead code elimination, common
/// subexpression elimination, store-to-load forwarding, dead store
/// elimination and CFG simplification, repeated until nothing changes (at
/// most `MAX_ROUNDS`); then inlining of `always_inline`, small, and
/// single-use static functions, and the scalar passes again; then full
/// unrolling of loops with a small constant trip count, and the scalar
/// passes again when a loop was unrolled.
///
/// Every level then puts each branch's comparison right before it (for the
/// back end and the verifier) and removes static functions nothing calls
/// any more.
pub fn optimize(module: &mut Module, opt_level: u8) {
    if cfg!(debug_assertions) {
        check_module(module, "before optimization (as lowered)");
    }
    // Static functions lowering emitted with nothing referring to them are
    // `used`: they stay.
    let keep = inline::unreferenced_functions(module);
    let remove_dead_functions = |m: &mut Module| inline::remove_dead_functions(m, &keep);
    if opt_level == 0 {
        run_pass(module, "inline", inline::run_always_inline);
        run_pass(module, "mem2reg", mem2reg::run);
        run_pass(
            module,
            "resolve_is_constant",
            const_fold::resolve_is_constant,
        );
        run_pass(module, "unroll", unroll::run_pointer_exits);
        run_pass(module, "sink_compares", sink_compares::run);
        run_pass(module, "remove_dead_functions", remove_dead_functions);
        return;
    }
    run_pass(module, "mem2reg", mem2reg::run);
    scalar_rounds(module);
    // Callees are inlined in their optimized form (their size decides), and
    // the callers are cleaned up again afterwards.
    if run_pass(module, "inline", inline::run) {
        // Merging the inlined entry blocks makes the addresses of locals
        // passed to inlined callees feed their loads and stores directly;
        // those locals can then be promoted.
        scalar_rounds(module);
        if run_pass(module, "mem2reg", mem2reg::run) {
            scalar_rounds(module);
        }
    }
    // `__builtin_constant_p` of parameters, now that inlined calls have
    // their arguments in place.
    if run_pass(
        module,
        "resolve_is_constant",
        const_fold::resolve_is_constant,
    ) {
        scalar_rounds(module);
    }
    // Unrolled loops index their arrays at constant offsets: forwarding and
    // folding clean up after them.
    if run_pass(module, "unroll", unroll::run) {
        scalar_rounds(module);
    }
    run_pass(module, "sink_compares", sink_compares::run);
    run_pass(module, "remove_dead_functions", remove_dead_functions);
}

/// The scalar passes, repeated until nothing changes (at most `MAX_ROUNDS`).
fn scalar_rounds(module: &mut Module) {
    for _ in 0..MAX_ROUNDS {
        let mut changed = false;
        changed |= run_pass(module, "const_fold", const_fold::run);
        changed |= run_pass(module, "dce", dce::run);
        changed |= run_pass(module, "cse", cse::run);
        changed |= run_pass(module, "store_forward", store_forward::run);
        changed |= run_pass(module, "dse", dse::run);
        changed |= run_pass(module, "simplify_cfg", simplify_cfg::run);
        if !changed {
            break;
        }
    }
}

/// Runs one pass over the module, checking the IR afterwards in debug builds.
fn run_pass(module: &mut Module, name: &str, pass: impl FnOnce(&mut Module) -> bool) -> bool {
    let changed = pass(module);
    if cfg!(debug_assertions) {
        check_module(module, &format!("after pass {name}"));
    }
    changed
}

/// Panics if a function of the module is not valid SSA: an invariant the
/// back end relies on.
fn check_module(module: &Module, when: &str) {
    for (_, f) in module.functions.iter() {
        if let Err(e) = crate::ir::verify::verify_ssa(f) {
            panic!(
                "IR invalid {when}: {e}\n{}",
                crate::ir::print::print_function(f)
            );
        }
    }
}

/// The functions of the module that have blocks (the passes skip any
/// without, rather than assume an entry block).
fn functions_with_bodies(module: &mut Module) -> impl Iterator<Item = &mut Function> {
    module
        .functions
        .values_mut()
        .filter(|f| !f.layout.is_empty())
}

/// Creates an instruction outside any block (the caller places it), with a
/// result of type `result` if given.
fn create_inst(f: &mut Function, op: Op, result: Option<Type>, span: Span) -> Inst {
    let inst = f.insts.push(InstData { op, result: None });
    if let Some(ty) = result {
        let v = f.values.push(ValueData {
            ty,
            def: ValueDef::Inst(inst),
        });
        f.insts[inst].result = Some(v);
    }
    f.srclocs[inst] = span;
    inst
}
