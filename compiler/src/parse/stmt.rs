//! Statements, block items and `asm` statements.

use super::ast::*;
use super::decl::SpecCtx;
use super::literal;
use super::{ident_of, kw, PResult, Parser, Reported, LOOKAHEAD};
use crate::preprocess::token::{Punct, TokenKind};
use crate::source::Span;

impl Parser<'_> {
    /// A statement; on a syntax error it reports, resynchronises and returns
    /// an empty statement, so it always makes progress.
    pub(super) fn statement(&mut self) -> StmtId {
        let start = self.span();
        let before = self.pos;
        match self.enter().and_then(|()| {
            let r = self.statement_inner();
            self.leave();
            r
        }) {
            Ok(s) => s,
            Err(Reported) => {
                self.sync_stmt();
                if self.pos == before && !self.is(Punct::RBrace) {
                    self.bump();
                }
                self.mk_stmt(StmtKind::Expr(None), start.to(self.prev_span))
            }
        }
    }

    fn statement_inner(&mut self) -> PResult<StmtId> {
        let start = self.span();
        if self.at_attribute() {
            // Statement attributes (`__attribute__((fallthrough));`) have no
            // effect on code generation.
            self.skip_attributes()?;
            if self.eat(Punct::Semi) {
                return Ok(self.mk_stmt(StmtKind::Expr(None), start.to(self.prev_span)));
            }
        }
        if let Some(name) = self.ident() {
            if self.peek(1).is_punct(Punct::Colon) {
                return self.labeled_stmt(name, start);
            }
        }
        if self.is(Punct::LBrace) {
            return self.compound_stmt();
        }
        if self.eat(Punct::Semi) {
            return Ok(self.mk_stmt(StmtKind::Expr(None), start));
        }
        let kind = match self.keyword() {
            Some(kw::If) => {
                self.bump();
                let cond = self.paren_cond("if")?;
                let then = self.statement();
                let els = if self.is_kw(kw::Else) {
                    self.bump();
                    Some(self.statement())
                } else {
                    None
                };
                StmtKind::If { cond, then, els }
            }
            Some(kw::While) => {
                self.bump();
                let cond = self.paren_cond("while")?;
                let body = self.statement();
                StmtKind::While { cond, body }
            }
            Some(kw::Do) => {
                self.bump();
                let body = self.statement();
                if !self.is_kw(kw::While) {
                    return Err(self.error_here("expected 'while' in do/while loop"));
                }
                self.bump();
                let cond = self.paren_cond("while")?;
                if !self.eat(Punct::Semi) {
                    self.missing_semi("expected ';' after do/while statement")?;
                }
                StmtKind::DoWhile { body, cond }
            }
            Some(kw::For) => {
                self.bump();
                self.scopes.push();
                let r = self.for_stmt();
                self.scopes.pop();
                r?
            }
            Some(kw::Switch) => {
                self.bump();
                let cond = self.paren_cond("switch")?;
                let body = self.statement();
                StmtKind::Switch { cond, body }
            }
            Some(kw::Case) => {
                self.bump();
                let lo = self.cond_expr()?;
                let hi = if self.eat(Punct::Ellipsis) {
                    Some(self.cond_expr()?)
                } else {
                    None
                };
                if !self.eat(Punct::Colon) {
                    return Err(self.error_at_prev_end("expected ':' after 'case'"));
                }
                let body = self.label_body();
                StmtKind::Case { lo, hi, body }
            }
            Some(kw::Default) => {
                self.bump();
                if !self.eat(Punct::Colon) {
                    return Err(self.error_at_prev_end("expected ':' after 'default'"));
                }
                let body = self.label_body();
                StmtKind::Default { body }
            }
            Some(kw::Break) => {
                self.bump();
                self.semi_after("break")?;
                StmtKind::Break
            }
            Some(kw::Continue) => {
                self.bump();
                self.semi_after("continue")?;
                StmtKind::Continue
            }
            Some(kw::Goto) => {
                self.bump();
                if self.eat(Punct::Star) {
                    let e = self.expr()?;
                    self.semi_after("goto")?;
                    StmtKind::GotoIndirect(e)
                } else {
                    let (l, label_span) = self.expect_ident("identifier")?;
                    self.semi_after("goto")?;
                    StmtKind::Goto(l, label_span)
                }
            }
            Some(kw::Return) => {
                self.bump();
                let e = if self.is(Punct::Semi) {
                    None
                } else {
                    Some(self.expr()?)
                };
                self.semi_after("return")?;
                StmtKind::Return(e)
            }
            Some(kw::Asm | kw::Asm2 | kw::Asm3) => StmtKind::Asm(self.asm_stmt()?),
            _ => {
                let e = self.expr()?;
                if !self.eat(Punct::Semi) {
                    self.missing_semi("expected ';' after expression")?;
                }
                StmtKind::Expr(Some(e))
            }
        };
        Ok(self.mk_stmt(kind, start.to(self.prev_span)))
    }

    fn semi_after(&mut self, what: &str) -> PResult<()> {
        if self.eat(Punct::Semi) {
            Ok(())
        } else {
            self.missing_semi(&format!("expected ';' after {what} statement"))
        }
    }

    /// The statement after `case x:`, `default:` or a label. C23 allows the
    /// label at the end of a block; so does clang, so accept it.
    fn label_body(&mut self) -> StmtId {
        if self.is(Punct::RBrace) {
            return self.mk_stmt(StmtKind::Expr(None), self.prev_span);
        }
        self.statement()
    }

    fn labeled_stmt(&mut self, name: crate::intern::Sym, start: Span) -> PResult<StmtId> {
        self.bump();
        self.bump();
        let mut attrs = Vec::new();
        self.attributes(&mut attrs)?;
        if self.starts_declaration() {
            // C23 allows it, but the declaration would need the label's
            // enclosing block as its scope, which the tree cannot express.
            return Err(self.error_here(
                "a label can only be part of a statement and a declaration is not a statement",
            ));
        }
        let body = self.label_body();
        Ok(self.mk_stmt(
            StmtKind::Label { name, attrs, body },
            start.to(self.prev_span),
        ))
    }

    fn paren_cond(&mut self, what: &str) -> PResult<ExprId> {
        let open = self.span();
        self.expect(Punct::LParen, &format!("after '{what}'"))?;
        let e = self.expr()?;
        self.expect_close(Punct::RParen, open)?;
        Ok(e)
    }

    fn for_stmt(&mut self) -> PResult<StmtKind> {
        let open = self.span();
        self.expect(Punct::LParen, "after 'for'")?;
        let init = if self.eat(Punct::Semi) {
            ForInit::None
        } else if self.starts_declaration() || self.is_kw(kw::Extension) {
            let start = self.span();
            let specs = self.decl_specs(SpecCtx::Block)?;
            ForInit::Decl(self.block_declaration(specs, start)?)
        } else {
            let e = self.expr()?;
            self.expect(Punct::Semi, "in 'for' statement specifier")?;
            ForInit::Expr(e)
        };
        let cond = if self.is(Punct::Semi) {
            None
        } else {
            Some(self.expr()?)
        };
        self.expect(Punct::Semi, "in 'for' statement specifier")?;
        let step = if self.is(Punct::RParen) {
            None
        } else {
            Some(self.expr()?)
        };
        self.expect_close(Punct::RParen, open)?;
        let body = self.statement();
        Ok(StmtKind::For {
            init,
            cond,
            step,
            body,
        })
    }

    /// `{ block-item* }` with its own scope.
    pub(super) fn compound_stmt(&mut self) -> PResult<StmtId> {
        self.scopes.push();
        let r = self.compound_stmt_in_scope();
        self.scopes.pop();
        r
    }

    /// `{ block-item* }` in the current scope (function bodies share the
    /// parameters' scope).
    pub(super) fn compound_stmt_in_scope(&mut self) -> PResult<StmtId> {
        let open = self.span();
        self.expect(Punct::LBrace, "")?;
        let mut items = Vec::new();
        while !self.is(Punct::RBrace) && !self.at_eof() {
            let before = self.pos;
            match self.block_item() {
                Ok(Some(item)) => items.push(item),
                Ok(None) => {}
                Err(Reported) => self.sync_stmt(),
            }
            if self.pos == before && !self.is(Punct::RBrace) {
                self.bump();
            }
        }
        self.expect_close(Punct::RBrace, open)?;
        Ok(self.mk_stmt(StmtKind::Compound(items), open.to(self.prev_span)))
    }

    fn block_item(&mut self) -> PResult<Option<BlockItem>> {
        if self.is_kw(kw::Label) {
            let start = self.span();
            self.bump();
            let mut names = Vec::new();
            loop {
                names.push(self.expect_ident("identifier")?.0);
                if !self.eat(Punct::Comma) {
                    break;
                }
            }
            self.expect(Punct::Semi, "at end of declaration")?;
            let s = self.mk_stmt(StmtKind::LocalLabels(names), start.to(self.prev_span));
            return Ok(Some(BlockItem::Stmt(s)));
        }
        if self.is_kw(kw::StaticAssert) || self.is_kw(kw::StaticAssert2) {
            return Ok(Some(BlockItem::StaticAssert(self.static_assert()?)));
        }
        // `__extension__` may prefix a declaration or an expression.
        let mut ext = 0;
        while self.peek(ext).is_ident(kw::Extension) {
            ext += 1;
            self.ensure_ahead(ext + LOOKAHEAD / 2);
        }
        let decl_follows = {
            let save = self.pos;
            self.pos += ext;
            let d = self.starts_declaration() || self.unknown_type_at_block_start();
            self.pos = save;
            d
        };
        if decl_follows {
            for _ in 0..ext {
                self.bump();
            }
            return self.block_item_decl();
        }
        Ok(Some(BlockItem::Stmt(self.statement())))
    }

    /// `foo bar;` where `foo` is not a type: clang reports an unknown type
    /// name and carries on as if it were one.
    fn unknown_type_at_block_start(&self) -> bool {
        ident_of(self.tok()).is_some() && ident_of(self.peek(1)).is_some()
    }

    fn block_item_decl(&mut self) -> PResult<Option<BlockItem>> {
        let start = self.span();
        let specs = if self.unknown_type_at_block_start() {
            self.decl_specs(SpecCtx::NoExpr)?
        } else {
            self.decl_specs(SpecCtx::Block)?
        };
        if specs.type_specs.is_empty()
            && specs.storage.is_none()
            && specs.quals == Qualifiers::default()
        {
            if specs.attrs.is_empty() {
                return Err(self.error_here("expected expression"));
            }
            // Only attributes: a statement attribute before a statement.
            return Ok(Some(BlockItem::Stmt(self.statement())));
        }
        Ok(Some(BlockItem::Decl(self.block_declaration(specs, start)?)))
    }

    // -- asm -----------------------------------------------------------------

    /// The source map of an asm template made of the string literal tokens
    /// `first..end`: exact for each literal written in the file, the whole
    /// literal's place for one that comes out of a macro.
    fn template_pieces(&self, first: usize, end: usize) -> Vec<(u32, Span)> {
        let mut pieces = Vec::new();
        let mut offset = 0u32;
        for t in &self.toks[first - self.base..end - self.base] {
            let TokenKind::Str(s) = t.kind else { continue };
            let spelling = self.src.interner().resolve(s);
            let mut bytes = Vec::new();
            if literal::decode_string(spelling, StrPrefix::None, &mut bytes).is_err() {
                // Reported by the template's own decoding.
                return Vec::new();
            }
            let exact =
                t.expansion.is_none() && (t.span.end - t.span.start) as usize == spelling.len();
            match exact
                .then(|| crate::asm::template_pieces(spelling, t.span, &bytes))
                .flatten()
            {
                Some(ps) => pieces.extend(ps.into_iter().map(|(o, sp)| (o + offset, sp))),
                None => pieces.push((offset, t.span)),
            }
            offset += bytes.len() as u32;
        }
        pieces
    }

    /// `asm [volatile|inline|goto]* ( template : outputs : inputs : clobbers : labels );`
    fn asm_stmt(&mut self) -> PResult<AsmStmt> {
        self.bump();
        let mut a = AsmStmt {
            is_volatile: false,
            is_goto: false,
            is_inline: false,
            template: Vec::new(),
            template_span: self.span(),
            template_pieces: Vec::new(),
            outputs: Vec::new(),
            inputs: Vec::new(),
            clobbers: Vec::new(),
            labels: Vec::new(),
        };
        loop {
            match self.keyword() {
                Some(kw::Volatile | kw::Volatile2 | kw::Volatile3) => a.is_volatile = true,
                Some(kw::Inline | kw::Inline2 | kw::Inline3) => a.is_inline = true,
                Some(kw::Goto) => a.is_goto = true,
                _ => break,
            }
            self.bump();
        }
        let open = self.span();
        self.expect(Punct::LParen, "after 'asm'")?;
        let first = self.pos;
        let (template, _, tspan) = self.string_literal_bytes()?;
        a.template_pieces = self.template_pieces(first, self.pos);
        a.template = template;
        a.template_span = tspan;
        // Sections are separated by ':'; each may be empty.
        let mut section = 0;
        while self.eat(Punct::Colon) {
            section += 1;
            match section {
                1 => a.outputs = self.asm_operands()?,
                2 => a.inputs = self.asm_operands()?,
                3 => {
                    while self.is_string() {
                        a.clobbers.push(self.string_literal_bytes()?.0);
                        if !self.eat(Punct::Comma) {
                            break;
                        }
                    }
                }
                4 => {
                    if !a.is_goto {
                        return Err(self.error_here("expected ')'"));
                    }
                    while let Some(l) = self.ident() {
                        a.labels.push((l, self.span()));
                        self.bump();
                        if !self.eat(Punct::Comma) {
                            break;
                        }
                    }
                }
                _ => return Err(self.error_here("expected ')'")),
            }
        }
        self.expect_close(Punct::RParen, open)?;
        if !self.eat(Punct::Semi) {
            self.missing_semi("expected ';' after asm statement")?;
        }
        Ok(a)
    }

    fn asm_operands(&mut self) -> PResult<Vec<AsmOperand>> {
        let mut ops = Vec::new();
        while self.is_string() || self.is(Punct::LBracket) {
            let start = self.span();
            let name = if self.is(Punct::LBracket) {
                let open = self.span();
                self.bump();
                let (n, _) = self.expect_ident("identifier")?;
                self.expect_close(Punct::RBracket, open)?;
                Some(n)
            } else {
                None
            };
            let (constraint, _, _) = self.string_literal_bytes()?;
            let open = self.span();
            self.expect(Punct::LParen, "after asm constraint")?;
            let expr = self.expr()?;
            self.expect_close(Punct::RParen, open)?;
            ops.push(AsmOperand {
                name,
                constraint,
                expr,
                span: start.to(self.prev_span),
            });
            if !self.eat(Punct::Comma) {
                break;
            }
        }
        Ok(ops)
    }
}
