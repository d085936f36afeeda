//! Which functions and globals the unit emits: the roots (external linkage or
//! `used`) and everything they refer to, transitively, through code and
//! initializers. This is what keeps `static` helpers of headers out of the
//! object, as clang does.

use super::function::inlined_at_call;
use crate::sema::tir::{
    Callee, Expr, ExprKind, FuncId, GlobalId, InitStore, LocalInit, Program, Stmt, StmtKind,
    SymbolRef,
};
use std::collections::BTreeSet;

pub(crate) struct Reachable {
    pub functions: BTreeSet<FuncId>,
    pub globals: BTreeSet<GlobalId>,
}

pub(crate) fn reachable(program: &Program) -> Reachable {
    let mut r = Reachable {
        functions: BTreeSet::new(),
        globals: BTreeSet::new(),
    };
    let mut work: Vec<SymbolRef> = Vec::new();
    for (id, f) in program.functions.iter() {
        let root = f.body.is_some()
            && ((f.linkage == crate::sema::tir::Linkage::External && !f.is_inline) || f.attrs.used);
        if root {
            work.push(SymbolRef::Func(id));
        }
    }
    for (id, g) in program.globals.iter() {
        // Helper pointers (`static long (*bpf_x)(...) = (void *) N;`) are
        // emitted only if code reads them as variables.
        let root = !g.is_extern
            && g.helper_id.is_none()
            && (g.linkage == crate::sema::tir::Linkage::External || g.attrs.used);
        if root {
            work.push(SymbolRef::Global(id));
        }
    }
    // Functions whose bodies were walked: emitted ones, and those only
    // inlined at their calls (whose references count for their callers).
    let mut scanned: BTreeSet<FuncId> = BTreeSet::new();
    let mut inlined: Vec<FuncId> = Vec::new();
    loop {
        if let Some(f) = inlined.pop() {
            if scanned.insert(f) {
                if let Some(body) = &program.functions[f].body {
                    let mut walker = Walker {
                        program,
                        out: &mut work,
                        inlined: &mut inlined,
                    };
                    walker.stmts(&body.body);
                }
            }
            continue;
        }
        let Some(s) = work.pop() else { break };
        match s {
            SymbolRef::Func(f) => {
                if !r.functions.insert(f) || !scanned.insert(f) {
                    continue;
                }
                if let Some(body) = &program.functions[f].body {
                    let mut walker = Walker {
                        program,
                        out: &mut work,
                        inlined: &mut inlined,
                    };
                    walker.stmts(&body.body);
                }
            }
            SymbolRef::Global(g) => {
                if !r.globals.insert(g) {
                    continue;
                }
                if let Some(init) = &program.globals[g].init {
                    work.extend(init.relocs.iter().map(|rel| rel.target));
                }
            }
        }
    }
    r
}

/// Collects the symbols a function body refers to; calls that lowering
/// inlines go to `inlined` instead.
struct Walker<'w> {
    program: &'w Program,
    out: &'w mut Vec<SymbolRef>,
    inlined: &'w mut Vec<FuncId>,
}

impl Walker<'_> {
    fn stmts(&mut self, stmts: &[Stmt]) {
        for s in stmts {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Expr(e) => self.expr(e),
            StmtKind::Decl { init, .. } => match init {
                None => {}
                Some(LocalInit::Expr(e)) => self.expr(e),
                Some(LocalInit::Aggregate(stores)) => {
                    for st in stores {
                        if let InitStore::Value { value, .. } = st {
                            self.expr(value)
                        }
                    }
                }
            },
            StmtKind::Block(b) => self.stmts(b),
            StmtKind::If { cond, then, els } => {
                self.expr(cond);
                self.stmt(then);
                if let Some(e) = els {
                    self.stmt(e)
                }
            }
            StmtKind::While { cond, body } | StmtKind::DoWhile { body, cond } => {
                self.expr(cond);
                self.stmt(body)
            }
            StmtKind::For {
                init,
                cond,
                step,
                body,
            } => {
                self.stmts(init);
                if let Some(c) = cond {
                    self.expr(c)
                }
                if let Some(s) = step {
                    self.expr(s)
                }
                self.stmt(body)
            }
            StmtKind::Switch { cond, body, .. } => {
                self.expr(cond);
                self.stmt(body)
            }
            StmtKind::Return(Some(e)) => self.expr(e),
            StmtKind::Asm(a) => {
                for op in a.outputs.iter().chain(&a.inputs) {
                    self.expr(&op.expr)
                }
            }
            StmtKind::Case(_)
            | StmtKind::Break
            | StmtKind::Continue
            | StmtKind::Goto(_)
            | StmtKind::Label(_)
            | StmtKind::Return(None) => {}
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Const(_) | ExprKind::CoreValue(_) | ExprKind::Local(_) => {}
            ExprKind::Global(g) => self.out.push(SymbolRef::Global(*g)),
            ExprKind::Func(f) => self.out.push(SymbolRef::Func(*f)),
            ExprKind::Deref(a)
            | ExprKind::Member { base: a, .. }
            | ExprKind::Load(a)
            | ExprKind::AddrOf(a)
            | ExprKind::Cast(a)
            | ExprKind::Unary(_, a) => self.expr(a),
            ExprKind::Binary(_, a, b)
            | ExprKind::LogAnd(a, b)
            | ExprKind::LogOr(a, b)
            | ExprKind::Comma(a, b)
            | ExprKind::Assign { lhs: a, rhs: b }
            | ExprKind::CompoundAssign { lhs: a, rhs: b, .. }
            | ExprKind::PtrAdd {
                ptr: a, index: b, ..
            }
            | ExprKind::PtrDiff { lhs: a, rhs: b, .. } => {
                self.expr(a);
                self.expr(b)
            }
            ExprKind::Cond { cond, then, els } => {
                self.expr(cond);
                self.expr(then);
                self.expr(els)
            }
            ExprKind::IncDec { lhs, .. } => self.expr(lhs),
            ExprKind::Call { callee, args } => {
                match callee {
                    Callee::Direct(f) if inlined_at_call(self.program, *f, args.len()) => {
                        self.inlined.push(*f)
                    }
                    Callee::Direct(f) => self.out.push(SymbolRef::Func(*f)),
                    Callee::Helper(_) => {}
                    Callee::Indirect(c) => self.expr(c),
                }
                args.iter().for_each(|a| self.expr(a))
            }
            ExprKind::StmtExpr { body, result } => {
                self.stmts(body);
                if let Some(r) = result {
                    self.expr(r)
                }
            }
            ExprKind::Builtin(_, args) => args.iter().for_each(|a| self.expr(a)),
        }
    }
}
