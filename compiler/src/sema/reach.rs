//! Which `static` functions the emitted code can reach.
//!
//! Headers define many `static inline` functions that a program never calls
//! (bpf_tracing_net.h's CO-RE helpers). clang only generates code for the
//! ones used, so features bpfcc lacks are reported only when a function using
//! them is reachable from a global function or a static object's initializer.

use super::check::Checker;
use super::tir::Linkage;
use super::tir::{Callee, Expr, ExprKind, FuncId, InitStore, LocalInit, Stmt, StmtKind, SymbolRef};

impl Checker<'_> {
    /// Reports the postponed errors of functions that are reachable.
    pub fn report_deferred(&mut self) {
        if self.deferred.is_empty() {
            return;
        }
        let mut used = vec![false; self.functions.len()];
        let mut work: Vec<FuncId> = Vec::new();
        for (id, f) in self.functions.iter() {
            if f.body.is_some() && f.linkage == Linkage::External {
                work.push(id);
            }
        }
        for g in self.globals.values() {
            if let Some(init) = &g.init {
                for r in &init.relocs {
                    if let SymbolRef::Func(f) = r.target {
                        work.push(f);
                    }
                }
            }
        }
        while let Some(f) = work.pop() {
            if std::mem::replace(&mut used[f.as_u32() as usize], true) {
                continue;
            }
            if let Some(body) = &self.functions[f].body {
                let mut refs = Vec::new();
                for s in &body.body {
                    stmt_refs(s, &mut refs);
                }
                work.extend(refs);
            }
        }
        let deferred = std::mem::take(&mut self.deferred);
        for (f, span, msg) in deferred {
            if used[f.as_u32() as usize] {
                self.error(span, msg);
            }
        }
    }
}

fn stmt_refs(s: &Stmt, out: &mut Vec<FuncId>) {
    match &s.kind {
        StmtKind::Expr(e) => expr_refs(e, out),
        StmtKind::Decl { init, .. } => match init {
            Some(LocalInit::Expr(e)) => expr_refs(e, out),
            Some(LocalInit::Aggregate(stores)) => {
                for st in stores {
                    if let InitStore::Value { value, .. } = st {
                        expr_refs(value, out);
                    }
                }
            }
            None => {}
        },
        StmtKind::Block(v) => v.iter().for_each(|s| stmt_refs(s, out)),
        StmtKind::If { cond, then, els } => {
            expr_refs(cond, out);
            stmt_refs(then, out);
            if let Some(e) = els {
                stmt_refs(e, out);
            }
        }
        StmtKind::While { cond, body } | StmtKind::DoWhile { body, cond } => {
            expr_refs(cond, out);
            stmt_refs(body, out);
        }
        StmtKind::For {
            init,
            cond,
            step,
            body,
        } => {
            init.iter().for_each(|s| stmt_refs(s, out));
            cond.iter()
                .chain(step.iter())
                .for_each(|e| expr_refs(e, out));
            stmt_refs(body, out);
        }
        StmtKind::Switch { cond, body, .. } => {
            expr_refs(cond, out);
            stmt_refs(body, out);
        }
        StmtKind::Return(Some(e)) => expr_refs(e, out),
        StmtKind::Asm(a) => a
            .outputs
            .iter()
            .chain(a.inputs.iter())
            .for_each(|o| expr_refs(&o.expr, out)),
        StmtKind::Return(None)
        | StmtKind::Case(_)
        | StmtKind::Break
        | StmtKind::Continue
        | StmtKind::Goto(..)
        | StmtKind::Label(_) => {}
    }
}

fn expr_refs(e: &Expr, out: &mut Vec<FuncId>) {
    match &e.kind {
        ExprKind::Func(f) => out.push(*f),
        ExprKind::Call { callee, args } => {
            match callee {
                Callee::Direct(f) => out.push(*f),
                Callee::Indirect(c) => expr_refs(c, out),
                Callee::Helper(_) => {}
            }
            args.iter().for_each(|a| expr_refs(a, out));
        }
        ExprKind::Const(_) | ExprKind::CoreValue(_) | ExprKind::Local(_) | ExprKind::Global(_) => {}
        ExprKind::Deref(x)
        | ExprKind::Member { base: x, .. }
        | ExprKind::Load(x)
        | ExprKind::AddrOf(x)
        | ExprKind::Cast(x)
        | ExprKind::Unary(_, x)
        | ExprKind::IncDec { lhs: x, .. } => expr_refs(x, out),
        ExprKind::Binary(_, a, b)
        | ExprKind::PtrAdd {
            ptr: a, index: b, ..
        }
        | ExprKind::PtrDiff { lhs: a, rhs: b, .. }
        | ExprKind::LogAnd(a, b)
        | ExprKind::LogOr(a, b)
        | ExprKind::Comma(a, b)
        | ExprKind::Assign { lhs: a, rhs: b }
        | ExprKind::CompoundAssign { lhs: a, rhs: b, .. } => {
            expr_refs(a, out);
            expr_refs(b, out);
        }
        ExprKind::Cond { cond, then, els } => {
            expr_refs(cond, out);
            expr_refs(then, out);
            expr_refs(els, out);
        }
        ExprKind::StmtExpr { body, result } => {
            body.iter().for_each(|s| stmt_refs(s, out));
            if let Some(r) = result {
                expr_refs(r, out);
            }
        }
        ExprKind::Builtin(_, args) => args.iter().for_each(|a| expr_refs(a, out)),
    }
}
