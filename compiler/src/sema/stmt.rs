//! Statements and block-scope declarations: scopes, loops and `switch`
//! (case values converted and checked for duplicates), labels and `goto`,
//! `return` conversions, `asm` statements, statement expressions.

use super::check::{Binding, Checker, SwitchCtx, SymMap};
use super::decl::GlobalDecl;
use super::tir::{self, CaseId, Expr, ExprKind, Linkage, Stmt, StmtKind};
use super::types::QualType;
use crate::parse::ast::{self, BlockItem, StmtId};
use crate::source::Span;

impl Checker<'_> {
    /// The items of a block, in the current scope.
    pub fn block_items(&mut self, items: &[BlockItem]) -> Vec<Stmt> {
        self.block_items_with_result(items, false).0
    }

    /// The last expression statement of a block, under any labels
    /// (`l: ret;` ends libbpf's `__bpf_cmp`), if the block ends with one.
    fn result_stmt(
        &self,
        item: &BlockItem,
    ) -> Option<(Vec<(crate::intern::Sym, Span)>, ast::ExprId)> {
        let BlockItem::Stmt(mut s) = item else {
            return None;
        };
        let mut labels = Vec::new();
        loop {
            let st = &self.tu.stmts[s];
            match &st.kind {
                ast::StmtKind::Label { name, body, .. } => {
                    labels.push((*name, st.span));
                    s = *body;
                }
                ast::StmtKind::Expr(Some(e)) => return Some((labels, *e)),
                _ => return None,
            }
        }
    }

    /// A block's items; with `want_result`, a final expression statement is
    /// returned apart as the value of a statement expression.
    fn block_items_with_result(
        &mut self,
        items: &[BlockItem],
        want_result: bool,
    ) -> (Vec<Stmt>, Option<Expr>) {
        let mut result = None;
        let mut items = items;
        let mut result_item = None;
        if want_result {
            if let Some(last) = items.last() {
                if let Some(r) = self.result_stmt(last) {
                    result_item = Some(r);
                    items = &items[..items.len() - 1];
                }
            }
        }
        let mut out = Vec::with_capacity(items.len());
        // `__label__` declarations open a label namespace for this block.
        let local_labels = items.iter().any(|i| {
            matches!(i, BlockItem::Stmt(s) if matches!(self.tu.stmts[*s].kind, ast::StmtKind::LocalLabels(_)))
        });
        if local_labels {
            let ctx = self.fn_cx_mut();
            ctx.label_scopes.push(SymMap::default());
        }
        for item in items {
            match item {
                BlockItem::Decl(d) => {
                    let stmts = self.block_declaration(d);
                    out.extend(stmts);
                }
                BlockItem::StaticAssert(sa) => self.static_assert(sa),
                BlockItem::Stmt(s) => {
                    let st = self.stmt(*s);
                    if !matches!(self.tu.stmts[*s].kind, ast::StmtKind::LocalLabels(_)) {
                        out.push(st);
                    }
                }
            }
        }
        if let Some((labels, e)) = result_item {
            for (name, span) in labels {
                let l = self.label(name, span, true);
                out.push(Stmt {
                    kind: StmtKind::Label(l),
                    span,
                });
            }
            let v = self.expr_nodecay(e);
            let v = if self.types.is_aggregate(v.ty.ty) && !self.is_array(v.ty.ty) {
                v
            } else {
                self.rvalue(v)
            };
            result = Some(v);
        }
        // Leaving the block: its cleanup variables' functions run, last first.
        let depth = self.scopes.len();
        if let Some(ctx) = self.fn_ctx.as_mut() {
            while ctx.cleanups.last().is_some_and(|(d, _)| *d >= depth) {
                let (_, call) = ctx.cleanups.pop().unwrap();
                let span = call.span;
                out.push(Stmt {
                    kind: StmtKind::Expr(call),
                    span,
                });
            }
        }
        if local_labels {
            let ctx = self.fn_cx_mut();
            let scope = ctx.label_scopes.pop().unwrap();
            let mut undefined: Vec<(Span, crate::intern::Sym)> = scope
                .iter()
                .filter(|(_, st)| !st.defined)
                .map(|(n, st)| (st.first_use, *n))
                .collect();
            undefined.sort_by_key(|(s, _)| (s.file, s.start));
            for (span, n) in undefined {
                let s = self.name(n).to_string();
                self.error(span, format!("use of undeclared label '{s}'"));
            }
        }
        (out, result)
    }

    /// Takes the pending compound-literal declarations, placing them before `s`.
    fn with_pending(&mut self, s: Stmt) -> Stmt {
        let pending = match self.fn_ctx.as_mut() {
            Some(ctx) if !ctx.pending.is_empty() => std::mem::take(&mut ctx.pending),
            _ => return s,
        };
        let span = s.span;
        let mut v = pending;
        v.push(s);
        Stmt {
            kind: StmtKind::Block(v),
            span,
        }
    }

    fn take_pending(&mut self) -> Vec<Stmt> {
        match self.fn_ctx.as_mut() {
            Some(ctx) => std::mem::take(&mut ctx.pending),
            None => vec![],
        }
    }

    /// A declaration in a block: locals, static locals, block-scope externs,
    /// typedefs, tags.
    pub fn block_declaration(&mut self, d: &ast::Declaration) -> Vec<Stmt> {
        let mut out = Vec::new();
        let base = self.base_type(&d.specs, Self::is_forward_decl(d));
        if d.declarators.is_empty() {
            self.check_empty_decl(d);
            return out;
        }
        let is_auto = d
            .specs
            .type_specs
            .iter()
            .any(|t| matches!(t, ast::TypeSpec::AutoType));
        for id in &d.declarators {
            let Some((name, nspan)) = id.declarator.name else {
                self.error(id.span, "declarator requires an identifier");
                continue;
            };
            let mut ty = self.declarator_type(base, &id.declarator, &d.specs.attrs);
            if d.specs.storage == Some(ast::StorageClass::Typedef) {
                let tags = self.decl_tags(d.specs.attrs.iter().chain(id.declarator.attrs.iter()));
                self.typedef(name, nspan, ty, tags);
                continue;
            }
            if self.is_function(ty.ty) {
                self.declare_function(name, nspan, ty.ty, &d.specs, &id.declarator, false);
                continue;
            }
            let attrs = self.gather_attrs(d.specs.attrs.iter().chain(id.declarator.attrs.iter()));
            let alignas = self.alignas_of(&d.specs);
            match d.specs.storage {
                Some(ast::StorageClass::Extern) => {
                    self.declare_global(GlobalDecl {
                        name,
                        span: nspan,
                        ty,
                        linkage: Linkage::External,
                        is_extern: true,
                        attrs,
                        alignas,
                        init: id.init.as_ref(),
                        symbol_name: None,
                    });
                    continue;
                }
                Some(ast::StorageClass::Static) => {
                    self.check_redecl_local(name, nspan);
                    let fname = self.name(self.fn_cx().name).to_string();
                    let sym_name = format!("{fname}.{}", self.name(name));
                    let sym = self.interner.intern(&sym_name);
                    if let Some(g) = self.declare_global(GlobalDecl {
                        name,
                        span: nspan,
                        ty,
                        linkage: Linkage::Internal,
                        is_extern: false,
                        attrs,
                        alignas,
                        init: id.init.as_ref(),
                        symbol_name: Some(sym),
                    }) {
                        self.bind(name, Binding::Global(g));
                        if !self.is_complete(self.globals[g].ty.ty) {
                            let s = self.type_str(self.globals[g].ty);
                            self.error(nspan, format!("variable has incomplete type '{s}'"));
                        }
                    }
                    continue;
                }
                _ => {}
            }
            self.check_redecl_local(name, nspan);
            if is_auto {
                ty = match &id.init {
                    Some(ast::Initializer::Expr(_)) => QualType::new(self.t.void),
                    _ => {
                        self.error(nspan, "'__auto_type' declaration needs an initializer");
                        self.err_qt()
                    }
                };
            }
            let cleanup_attr = d
                .specs
                .attrs
                .iter()
                .chain(id.declarator.attrs.iter())
                .find(|a| a.name == self.n.cleanup);
            if attrs.section.is_some() {
                self.warning(
                    nspan,
                    "'section' attribute only applies to functions, global variables",
                );
            }
            // The name is in scope in its own initializer (`T *p = (typeof(p))x;`);
            // an array's size may still come from the initializer.
            let l = self.new_local(Some(name), ty, 1, nspan);
            if !is_auto {
                self.bind(name, Binding::Local(l));
            }
            let mut init = None;
            if is_auto && !self.is_error(ty.ty) {
                let Some(ast::Initializer::Expr(e)) = &id.init else {
                    unreachable!()
                };
                let v = self.expr(*e);
                ty = QualType {
                    ty: v.ty.ty,
                    quals: base.quals,
                };
                init = Some(tir::LocalInit::Expr(v));
            } else if let Some(i) = &id.init {
                let (li, nty) = self.local_init(ty, i);
                ty = nty;
                init = Some(li);
            }
            if self.is_void(ty.ty) || (!self.is_complete(ty.ty) && !self.is_error(ty.ty)) {
                let s = self.type_str(ty);
                self.error(nspan, format!("variable has incomplete type '{s}'"));
                ty = self.err_qt();
            }
            let natural = self.types.align_of(ty.ty);
            let align = natural
                .max(attrs.align.unwrap_or(1))
                .max(alignas.unwrap_or(1));
            {
                let local = &mut self
                    .fn_ctx
                    .as_mut()
                    .expect("checked outside a function body")
                    .locals[l];
                local.ty = ty;
                local.align = align;
                local.address_taken |= self.types.is_aggregate(ty.ty);
            }
            self.bind(name, Binding::Local(l));
            let q = self.types.canonical_qual(ty).quals;
            if q.is_const && !q.is_volatile {
                if let Some(tir::LocalInit::Expr(Expr {
                    kind: ExprKind::Const(_),
                    ..
                })) = &init
                {
                    self.fn_cx_mut().const_locals.insert(l);
                }
            }
            if let Some(a) = cleanup_attr {
                self.register_cleanup(l, a, nspan);
            }
            // CO-RE: members of a `preserve_access_index` record are
            // initialized through relocated stores after the declaration.
            let relocated = match init.as_mut() {
                Some(i) => self.relocate_local_init(l, ty, i, id.span),
                None => Vec::new(),
            };
            let mut decl = Stmt {
                kind: StmtKind::Decl { local: l, init },
                span: id.span,
            };
            decl = self.with_pending(decl);
            out.push(decl);
            out.extend(relocated);
        }
        out
    }

    fn alignas_of(&mut self, specs: &ast::DeclSpecs) -> Option<u64> {
        let mut best: Option<u64> = None;
        for a in &specs.alignas {
            let v = match a {
                ast::AlignAs::Expr(e) => self.const_int(*e).map(|v| v as u64),
                ast::AlignAs::Type(tn) => {
                    let qt = self.type_name(tn);
                    Some(self.types.align_of(qt.ty))
                }
            };
            if let Some(v) = v.filter(|v| *v > 0) {
                best = Some(best.unwrap_or(1).max(v));
            }
        }
        best
    }

    fn check_redecl_local(&mut self, name: crate::intern::Sym, span: Span) {
        if let Some(b) = self.lookup_current(name) {
            let n = self.name(name).to_string();
            let msg = match b {
                Binding::Local(_) | Binding::Global(_) => format!("redefinition of '{n}'"),
                _ => format!("redefinition of '{n}' as different kind of symbol"),
            };
            self.error(span, msg);
        }
    }

    pub fn stmt(&mut self, id: StmtId) -> Stmt {
        let tu = self.tu;
        let s = &tu.stmts[id];
        let span = s.span;
        let kind = match &s.kind {
            ast::StmtKind::Compound(items) => {
                self.push_scope();
                let v = self.block_items(items);
                self.pop_scope();
                StmtKind::Block(v)
            }
            ast::StmtKind::Expr(None) => StmtKind::Block(vec![]),
            ast::StmtKind::Expr(Some(e)) => {
                let v = self.expr_nodecay(*e);
                let v = self.discarded(v);
                let st = Stmt {
                    kind: StmtKind::Expr(v),
                    span,
                };
                return self.with_pending(st);
            }
            ast::StmtKind::If { cond, then, els } => {
                let c = self.cond_expr(*cond);
                let pending = self.take_pending();
                self.push_scope();
                let t = self.stmt(*then);
                self.pop_scope();
                let e = els.map(|e| {
                    self.push_scope();
                    let s = self.stmt(e);
                    self.pop_scope();
                    Box::new(s)
                });
                let st = Stmt {
                    kind: StmtKind::If {
                        cond: c,
                        then: Box::new(t),
                        els: e,
                    },
                    span,
                };
                return self.prefix(pending, st);
            }
            ast::StmtKind::While { cond, body } => {
                let c = self.cond_expr(*cond);
                let pending = self.take_pending();
                let b = self.loop_body(*body);
                let st = Stmt {
                    kind: StmtKind::While {
                        cond: c,
                        body: Box::new(b),
                    },
                    span,
                };
                return self.prefix(pending, st);
            }
            ast::StmtKind::DoWhile { body, cond } => {
                let b = self.loop_body(*body);
                let c = self.cond_expr(*cond);
                let pending = self.take_pending();
                let st = Stmt {
                    kind: StmtKind::DoWhile {
                        body: Box::new(b),
                        cond: c,
                    },
                    span,
                };
                return self.prefix(pending, st);
            }
            ast::StmtKind::For {
                init,
                cond,
                step,
                body,
            } => {
                self.push_scope();
                let init_stmts = match init {
                    ast::ForInit::None => vec![],
                    ast::ForInit::Expr(e) => {
                        let v = self.expr_nodecay(*e);
                        let v = self.discarded(v);
                        let espan = v.span;
                        let st = Stmt {
                            kind: StmtKind::Expr(v),
                            span: espan,
                        };
                        vec![self.with_pending(st)]
                    }
                    ast::ForInit::Decl(d) => self.block_declaration(d),
                };
                let c = cond.map(|c| self.cond_expr(c));
                let st = step.map(|e| {
                    let v = self.expr_nodecay(e);
                    self.discarded(v)
                });
                let pending = self.take_pending();
                let level = self.scopes.len();
                // `break` leaves the body's scopes only: the for statement's own
                // cleanups (`exits`) follow the loop, so they run once on every way out.
                let b = self.loop_body(*body);
                let exits = self.leave_scopes(level, true);
                self.pop_scope();
                let mut init_stmts = init_stmts;
                init_stmts.extend(pending);
                let f = Stmt {
                    kind: StmtKind::For {
                        init: init_stmts,
                        cond: c,
                        step: st,
                        body: Box::new(b),
                    },
                    span,
                };
                if exits.is_empty() {
                    return f;
                }
                let mut v = vec![f];
                v.extend(exits);
                StmtKind::Block(v)
            }
            ast::StmtKind::Switch { cond, body } => return self.switch(*cond, *body, span),
            ast::StmtKind::Case { lo, hi, body } => {
                let case = self.case_label(*lo, *hi, span);
                let inner = self.stmt(*body);
                return self.labelled(case, inner, span);
            }
            ast::StmtKind::Default { body } => {
                let case = match self.fn_cx_mut().switches.last_mut() {
                    None => {
                        self.error(span, "'default' statement not in switch statement");
                        None
                    }
                    Some(sw) if sw.default.is_some() => {
                        self.error(span, "multiple default labels in one switch");
                        None
                    }
                    Some(_) => {
                        let ctx = self.fn_cx_mut();
                        let id = CaseId::from_u32(ctx.next_case);
                        ctx.next_case += 1;
                        ctx.switches.last_mut().unwrap().default = Some(id);
                        Some(id)
                    }
                };
                let inner = self.stmt(*body);
                return self.labelled(case, inner, span);
            }
            ast::StmtKind::Break => {
                let ctx = self.fn_cx();
                if ctx.break_depth == 0 {
                    self.error(span, "'break' statement not in loop or switch statement");
                    StmtKind::Break
                } else {
                    let level = ctx.jump_levels.last().map_or(usize::MAX, |j| j.1);
                    return self.jump_with_cleanups(level, StmtKind::Break, span);
                }
            }
            ast::StmtKind::Continue => {
                let ctx = self.fn_cx();
                if ctx.loop_depth == 0 {
                    self.error(span, "'continue' statement not in loop statement");
                    StmtKind::Continue
                } else {
                    let level = ctx
                        .jump_levels
                        .iter()
                        .rev()
                        .find(|j| j.0)
                        .map_or(usize::MAX, |j| j.2);
                    return self.jump_with_cleanups(level, StmtKind::Continue, span);
                }
            }
            ast::StmtKind::Goto(name, label_span) => {
                if !self.fn_cx().cleanups.is_empty() {
                    self.unsupported(
                        span,
                        "'goto' in the scope of a 'cleanup' variable is not supported by bpfcc yet",
                    );
                }
                // An undefined label is reported at its name, as clang does.
                StmtKind::Goto(self.label(*name, *label_span, false))
            }
            ast::StmtKind::GotoIndirect(_) => {
                self.error(span, "indirect goto is not supported by BPF");
                StmtKind::Block(vec![])
            }
            ast::StmtKind::Label { name, body, .. } => {
                let l = self.label(*name, span, true);
                let inner = self.stmt(*body);
                return Stmt {
                    kind: StmtKind::Block(vec![
                        Stmt {
                            kind: StmtKind::Label(l),
                            span,
                        },
                        inner,
                    ]),
                    span,
                };
            }
            ast::StmtKind::Return(e) => return self.return_stmt(*e, span),
            ast::StmtKind::Asm(a) => {
                let st = self.asm_stmt(a, span);
                return self.with_pending(st);
            }
            ast::StmtKind::LocalLabels(names) => {
                let ctx = self.fn_cx_mut();
                for n in names {
                    let id = ctx.labels.push(tir::Label { name: *n, span });
                    let scope = ctx.label_scopes.last_mut().unwrap();
                    if scope.contains_key(n) {
                        continue;
                    }
                    scope.insert(
                        *n,
                        super::check::LabelState {
                            id,
                            defined: false,
                            first_use: span,
                        },
                    );
                }
                StmtKind::Block(vec![])
            }
        };
        Stmt { kind, span }
    }

    fn prefix(&mut self, pending: Vec<Stmt>, st: Stmt) -> Stmt {
        if pending.is_empty() {
            return st;
        }
        let span = st.span;
        let mut v = pending;
        v.push(st);
        Stmt {
            kind: StmtKind::Block(v),
            span,
        }
    }

    fn labelled(&mut self, case: Option<CaseId>, inner: Stmt, span: Span) -> Stmt {
        match case {
            Some(c) => Stmt {
                kind: StmtKind::Block(vec![
                    Stmt {
                        kind: StmtKind::Case(c),
                        span,
                    },
                    inner,
                ]),
                span,
            },
            None => inner,
        }
    }

    /// A loop body: its own scope, `break`/`continue` allowed; both leave
    /// the body's scopes (a `for` statement's own cleanups follow the loop).
    fn loop_body(&mut self, body: StmtId) -> Stmt {
        let body_level = self.scopes.len() + 1;
        let ctx = self.fn_cx_mut();
        ctx.loop_depth += 1;
        ctx.break_depth += 1;
        ctx.jump_levels.push((true, body_level, body_level));
        self.push_scope();
        let b = self.stmt(body);
        self.pop_scope();
        let ctx = self.fn_cx_mut();
        ctx.loop_depth -= 1;
        ctx.break_depth -= 1;
        ctx.jump_levels.pop();
        b
    }

    /// Calls of the cleanup functions of variables declared at scope depth
    /// `level` or deeper, last declared first; `pop` forgets them (their
    /// scope ends here).
    fn leave_scopes(&mut self, level: usize, pop: bool) -> Vec<Stmt> {
        let Some(ctx) = self.fn_ctx.as_mut() else {
            return vec![];
        };
        let mut out = Vec::new();
        for (d, call) in ctx.cleanups.iter().rev() {
            if *d < level {
                break;
            }
            out.push(Stmt {
                kind: StmtKind::Expr(call.clone()),
                span: call.span,
            });
        }
        if pop {
            let keep = ctx.cleanups.iter().take_while(|(d, _)| *d < level).count();
            ctx.cleanups.truncate(keep);
        }
        out
    }

    /// A jump preceded by the cleanups of the scopes it leaves.
    fn jump_with_cleanups(&mut self, level: usize, jump: StmtKind, span: Span) -> Stmt {
        let mut v = self.leave_scopes(level, false);
        let st = Stmt { kind: jump, span };
        if v.is_empty() {
            return st;
        }
        v.push(st);
        Stmt {
            kind: StmtKind::Block(v),
            span,
        }
    }

    /// `__attribute__((cleanup(f)))` on local `l`: `f(&l)` runs when its scope is left.
    fn register_cleanup(&mut self, l: tir::LocalId, a: &ast::Attribute, span: Span) {
        let func = a.args.first().and_then(|e| match &self.tu.exprs[*e].kind {
            ast::ExprKind::Ident(n) => match self.lookup(*n) {
                Some(Binding::Func(f)) => Some(f),
                _ => None,
            },
            _ => None,
        });
        let Some(f) = func else {
            self.error(a.span, "'cleanup' argument must be a function");
            return;
        };
        let ty = self.fn_cx().locals[l].ty;
        let local = Expr {
            kind: ExprKind::Local(l),
            ty,
            span,
        };
        let addr = self.addr_of(local, span);
        let fty = self.functions[f].ty;
        let (param, ret) = match self.ck(fty) {
            super::types::TypeKind::Function(ft) => (ft.params.first().copied(), ft.ret.ty),
            _ => (None, self.t.void),
        };
        let arg = match param {
            Some(p) => self.convert_assign(addr, p, "passing to parameter of type"),
            None => addr,
        };
        let callee = match self.functions[f].helper_id {
            Some(h) => tir::Callee::Helper(h),
            None => tir::Callee::Direct(f),
        };
        let call = self.mk(
            ExprKind::Call {
                callee,
                args: vec![arg],
            },
            ret,
            span,
        );
        let v = self.t.void;
        let call = self.cast_to(call, v);
        let depth = self.scopes.len();
        self.fn_cx_mut().cleanups.push((depth, call));
    }

    /// A controlling expression (`if`, loops): a scalar rvalue.
    fn cond_expr(&mut self, e: ast::ExprId) -> Expr {
        let v = self.expr(e);
        self.scalar_cond(v)
    }

    /// An expression evaluated for its side effects.
    fn discarded(&mut self, v: Expr) -> Expr {
        if self.is_error(v.ty.ty) {
            return v;
        }
        if Self::is_lvalue(&v) && !self.types.is_aggregate(v.ty.ty) && !self.is_function(v.ty.ty) {
            // A volatile read must happen; others are harmless loads.
            return self.rvalue(v);
        }
        if let ExprKind::Func(_) = v.kind {
            return self.rvalue(v);
        }
        v
    }

    fn switch(&mut self, cond: ast::ExprId, body: StmtId, span: Span) -> Stmt {
        let c = self.expr(cond);
        let c = if self.is_error(c.ty.ty) {
            c
        } else if !self.is_integer(c.ty.ty) {
            let s = self.type_str(c.ty);
            self.error(
                c.span,
                format!("statement requires expression of integer type ('{s}' invalid)"),
            );
            self.error_expr(c.span)
        } else {
            self.promote(c)
        };
        let pending = self.take_pending();
        let ty = c.ty.ty;
        let ctx = self
            .fn_ctx
            .as_mut()
            .expect("checked outside a function body");
        ctx.switches.push(SwitchCtx {
            ty,
            cases: vec![],
            case_spans: vec![],
            default: None,
        });
        ctx.break_depth += 1;
        let level = self.scopes.len() + 1;
        ctx.jump_levels.push((false, level, level));
        self.push_scope();
        let b = self.stmt(body);
        self.pop_scope();
        let ctx = self.fn_cx_mut();
        ctx.break_depth -= 1;
        ctx.jump_levels.pop();
        let sw = ctx.switches.pop().unwrap();
        let st = Stmt {
            kind: StmtKind::Switch {
                cond: c,
                cases: sw.cases,
                default: sw.default,
                body: Box::new(b),
            },
            span,
        };
        self.prefix(pending, st)
    }

    fn case_label(
        &mut self,
        lo: ast::ExprId,
        hi: Option<ast::ExprId>,
        span: Span,
    ) -> Option<CaseId> {
        let lo_v = self.const_int(lo);
        let hi_v = match hi {
            Some(h) => self.const_int(h),
            None => lo_v,
        };
        let Some(sw_ty) = self.fn_cx().switches.last().map(|s| s.ty) else {
            self.error(span, "'case' statement not in switch statement");
            return None;
        };
        let (Some(lo_v), Some(hi_v)) = (lo_v, hi_v) else {
            return None;
        };
        // Convert to the promoted condition type.
        let lo_c = self.wrap_to(lo_v, sw_ty);
        let hi_c = self.wrap_to(hi_v, sw_ty);
        let signed = self.is_signed(sw_ty);
        let le = |a: i64, b: i64| {
            if signed {
                a <= b
            } else {
                (a as u64) <= (b as u64)
            }
        };
        if !le(lo_c, hi_c) {
            self.warning(span, "empty case range specified");
            return None;
        }
        let ctx = self.fn_cx_mut();
        let id = CaseId::from_u32(ctx.next_case);
        ctx.next_case += 1;
        let sw = ctx.switches.last_mut().unwrap();
        let dup = sw
            .cases
            .iter()
            .zip(&sw.case_spans)
            .find(|(c, _)| le(c.lo, hi_c) && le(lo_c, c.hi))
            .map(|(c, s)| (c.lo, *s));
        sw.cases.push(tir::SwitchCase {
            lo: lo_c,
            hi: hi_c,
            id,
        });
        sw.case_spans.push(span);
        if let Some((v, prev)) = dup {
            let shown = if signed {
                v.to_string()
            } else {
                (v as u64).to_string()
            };
            let d = crate::diag::Diagnostic {
                severity: crate::diag::Severity::Error,
                message: format!("duplicate case value '{shown}'"),
                span: Some(span),
                notes: vec![],
            }
            .with_note(Some(prev), "previous case defined here");
            self.diags.push(d);
        }
        Some(id)
    }

    fn return_stmt(&mut self, e: Option<ast::ExprId>, span: Span) -> Stmt {
        let ret = self.fn_cx().ret;
        let fname = self.name(self.fn_cx().name).to_string();
        let value = match e {
            None => {
                if !self.is_void(ret.ty) && !self.is_error(ret.ty) {
                    self.warning(
                        span,
                        format!("non-void function '{fname}' should return a value"),
                    );
                }
                None
            }
            Some(e) => {
                let v = self.expr(e);
                if self.is_void(ret.ty) {
                    if !self.is_void(v.ty.ty) && !self.is_error(v.ty.ty) {
                        self.error(
                            span,
                            format!("void function '{fname}' should not return a value"),
                        );
                    }
                    Some(v)
                } else if self.is_void(v.ty.ty) {
                    self.error(
                        span,
                        "returning 'void' from a function with incompatible result type",
                    );
                    None
                } else {
                    Some(self.convert_assign(v, QualType::new(ret.ty), "returning"))
                }
            }
        };
        let exits = self.leave_scopes(0, false);
        if exits.is_empty() {
            let st = Stmt {
                kind: StmtKind::Return(value),
                span,
            };
            return self.with_pending(st);
        }
        // Cleanups run after the value is computed and before returning it.
        let mut v = Vec::new();
        let value = match value {
            Some(e) if !self.is_void(e.ty.ty) && !self.is_error(e.ty.ty) => {
                let ty = QualType::new(e.ty.ty);
                let align = self.types.align_of(ty.ty);
                let t = self.new_local(None, ty, align, span);
                v.push(Stmt {
                    kind: StmtKind::Decl {
                        local: t,
                        init: Some(tir::LocalInit::Expr(e)),
                    },
                    span,
                });
                let local = Expr {
                    kind: ExprKind::Local(t),
                    ty,
                    span,
                };
                Some(self.rvalue(local))
            }
            Some(e) => {
                v.push(Stmt {
                    kind: StmtKind::Expr(e),
                    span,
                });
                None
            }
            None => None,
        };
        v.extend(exits);
        v.push(Stmt {
            kind: StmtKind::Return(value),
            span,
        });
        let st = Stmt {
            kind: StmtKind::Block(v),
            span,
        };
        self.with_pending(st)
    }

    fn asm_stmt(&mut self, a: &ast::AsmStmt, span: Span) -> Stmt {
        let mut outputs = Vec::with_capacity(a.outputs.len());
        for o in &a.outputs {
            let v = self.expr_nodecay(o.expr);
            if !self.is_error(v.ty.ty) {
                if !o.constraint.starts_with(b"=") && !o.constraint.starts_with(b"+") {
                    self.error(o.span, "output operand constraint lacks '='");
                } else if !Self::is_lvalue(&v) {
                    self.error(o.span, "invalid lvalue in asm output");
                } else if let ExprKind::Member {
                    bitfield: Some(_), ..
                } = v.kind
                {
                    self.error(o.span, "asm output cannot be a bit-field");
                }
                self.mark_address_taken_if_memory(&v, &o.constraint);
            }
            outputs.push(tir::AsmOperand {
                name: o.name,
                constraint: o.constraint.clone(),
                expr: v,
            });
        }
        let mut inputs = Vec::with_capacity(a.inputs.len());
        for i in &a.inputs {
            let v = if i.constraint.contains(&b'm') {
                let v = self.expr_nodecay(i.expr);
                self.mark_address_taken_if_memory(&v, &i.constraint);
                v
            } else if immediate_only(&i.constraint) {
                // Folded as clang folds it: `offsetof` spelled
                // `&((T *)0)->m` on a `preserve_access_index` record is a
                // constant here, not a CO-RE relocation.
                self.const_context += 1;
                let v = self.expr(i.expr);
                self.const_context -= 1;
                v
            } else {
                self.expr(i.expr)
            };
            // An `i` operand may become constant only after inlining
            // (bpf_helpers.h's bpf_tail_call_static): the back end checks it.
            let v = match self.constant_literal_bytes(&v, &i.constraint) {
                Some(c) => Expr {
                    kind: ExprKind::Const(c),
                    ty: v.ty,
                    span: v.span,
                },
                None => v,
            };
            inputs.push(tir::AsmOperand {
                name: i.name,
                constraint: i.constraint.clone(),
                expr: v,
            });
        }
        let labels = a
            .labels
            .iter()
            .map(|(n, s)| self.label(*n, *s, false))
            .collect();
        Stmt {
            kind: StmtKind::Asm(tir::AsmStmt {
                is_volatile: a.is_volatile || a.is_goto || a.outputs.is_empty(),
                template: a.template.clone(),
                template_span: a.template_span,
                template_pieces: a.template_pieces.clone(),
                outputs,
                inputs,
                clobbers: a.clobbers.clone(),
                labels,
            }),
            span,
        }
    }

    /// The selftests' `__imm_insn(name, insn)`, `[name]"i"(*(long *)&(insn))`
    /// with a compound literal whose fields are constants: the literal's
    /// first 8 bytes as an integer (the `.8byte` of a raw instruction).
    fn constant_literal_bytes(&self, v: &Expr, constraint: &[u8]) -> Option<i64> {
        if !constraint.ends_with(b"i") {
            return None;
        }
        let ExprKind::Load(lv) = &v.kind else {
            return None;
        };
        if self.types.size_of(v.ty.ty) != Some(8) {
            return None;
        }
        let mut e: &Expr = lv;
        let local = loop {
            match &e.kind {
                ExprKind::Deref(x) | ExprKind::Cast(x) | ExprKind::AddrOf(x) => e = x,
                ExprKind::Local(l) => break *l,
                _ => return None,
            }
        };
        let ctx = self.fn_ctx.as_ref()?;
        let stores = ctx.pending.iter().find_map(|s| match &s.kind {
            StmtKind::Decl {
                local: l,
                init: Some(tir::LocalInit::Aggregate(stores)),
            } if *l == local => Some(stores),
            _ => None,
        })?;
        let mut bits: u64 = 0;
        for st in stores {
            let tir::InitStore::Value {
                offset,
                bitfield,
                value,
            } = st
            else {
                return None;
            };
            let mut c: &Expr = value;
            while let ExprKind::Cast(x) = &c.kind {
                c = x;
            }
            let ExprKind::Const(k) = c.kind else {
                return None;
            };
            let size = self.types.size_of(value.ty.ty)?;
            let (shift, width) = match bitfield {
                Some(bf) => (offset * 8 + u64::from(bf.bit_offset), u64::from(bf.width)),
                None => (offset * 8, size * 8),
            };
            if shift + width > 64 {
                return None;
            }
            let mask = if width >= 64 {
                u64::MAX
            } else {
                (1u64 << width) - 1
            };
            bits = (bits & !(mask << shift)) | (((k as u64) & mask) << shift);
        }
        Some(bits as i64)
    }

    fn mark_address_taken_if_memory(&mut self, v: &Expr, constraint: &[u8]) {
        if constraint.contains(&b'm') {
            self.mark_address_taken(v);
        }
    }

    /// `({ ... })`: the value is that of the last expression statement.
    pub fn stmt_expr(&mut self, s: StmtId, span: Span) -> Expr {
        if self.fn_ctx.is_none() {
            self.error(span, "statement expression not allowed at file scope");
            return self.error_expr(span);
        }
        let ast::StmtKind::Compound(items) = &self.tu.stmts[s].kind else {
            return self.error_expr(span);
        };
        self.push_scope();
        // Compound literals inside belong to the inner statements.
        let outer_pending = self.take_pending();
        let (mut body, result) = self.block_items_with_result(items, true);
        body.extend(self.take_pending());
        self.pop_scope();
        if let Some(ctx) = self.fn_ctx.as_mut() {
            ctx.pending = outer_pending;
        }
        let ty = match &result {
            Some(r) => QualType::new(r.ty.ty),
            None => QualType::new(self.t.void),
        };
        Expr {
            kind: ExprKind::StmtExpr {
                body,
                result: result.map(Box::new),
            },
            ty,
            span,
        }
    }
}

/// An asm operand constraint that admits only an immediate (`"i"`, `"n"`).
fn immediate_only(constraint: &[u8]) -> bool {
    constraint.iter().any(|c| matches!(c, b'i' | b'n'))
        && !constraint
            .iter()
            .any(|c| matches!(c, b'r' | b'g' | b'm' | b'w' | b'p'))
}
