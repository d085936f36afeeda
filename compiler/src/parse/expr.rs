//! Expressions: precedence climbing for binary operators, casts and
//! compound literals (told apart from parenthesised expressions by the
//! typedef table), GNU builtins with type arguments, and literals.

use super::ast::*;
use super::literal::{self, IntOrFloat};
use super::{kw, PResult, Parser};
use crate::preprocess::token::{Punct, TokenKind};
use crate::source::Span;

/// Binding power of a binary operator token (higher binds tighter).
fn binary_op(p: Punct) -> Option<(BinaryOp, u8)> {
    use BinaryOp::*;
    Some(match p {
        Punct::Star => (Mul, 10),
        Punct::Slash => (Div, 10),
        Punct::Percent => (Rem, 10),
        Punct::Plus => (Add, 9),
        Punct::Minus => (Sub, 9),
        Punct::Shl => (Shl, 8),
        Punct::Shr => (Shr, 8),
        Punct::Lt => (Lt, 7),
        Punct::Gt => (Gt, 7),
        Punct::Le => (Le, 7),
        Punct::Ge => (Ge, 7),
        Punct::EqEq => (Eq, 6),
        Punct::Ne => (Ne, 6),
        Punct::Amp => (BitAnd, 5),
        Punct::Caret => (BitXor, 4),
        Punct::Pipe => (BitOr, 3),
        Punct::AmpAmp => (LogAnd, 2),
        Punct::PipePipe => (LogOr, 1),
        _ => return None,
    })
}

fn assign_op(p: Punct) -> Option<Option<BinaryOp>> {
    use BinaryOp::*;
    Some(match p {
        Punct::Assign => None,
        Punct::StarAssign => Some(Mul),
        Punct::SlashAssign => Some(Div),
        Punct::PercentAssign => Some(Rem),
        Punct::PlusAssign => Some(Add),
        Punct::MinusAssign => Some(Sub),
        Punct::ShlAssign => Some(Shl),
        Punct::ShrAssign => Some(Shr),
        Punct::AmpAssign => Some(BitAnd),
        Punct::CaretAssign => Some(BitXor),
        Punct::PipeAssign => Some(BitOr),
        _ => return None,
    })
}

impl Parser<'_> {
    fn span_of(&self, e: ExprId) -> Span {
        self.tu.exprs[e].span
    }

    /// A full expression (with the comma operator).
    pub(super) fn expr(&mut self) -> PResult<ExprId> {
        let mut lhs = self.assign_expr()?;
        while self.eat(Punct::Comma) {
            let rhs = self.assign_expr()?;
            let sp = self.span_of(lhs).to(self.span_of(rhs));
            lhs = self.mk_expr(ExprKind::Binary(BinaryOp::Comma, lhs, rhs), sp);
        }
        Ok(lhs)
    }

    pub(super) fn assign_expr(&mut self) -> PResult<ExprId> {
        self.enter()?;
        let r = self.assign_expr_inner();
        self.leave();
        r
    }

    fn assign_expr_inner(&mut self) -> PResult<ExprId> {
        let lhs = self.cond_expr()?;
        if let TokenKind::Punct(p) = self.kind() {
            if let Some(op) = assign_op(p) {
                self.bump();
                let rhs = self.assign_expr()?;
                let sp = self.span_of(lhs).to(self.span_of(rhs));
                return Ok(self.mk_expr(ExprKind::Assign(op, lhs, rhs), sp));
            }
        }
        Ok(lhs)
    }

    /// A conditional expression (what constant expressions are).
    pub(super) fn cond_expr(&mut self) -> PResult<ExprId> {
        let cond = self.binary_expr(1)?;
        if !self.is(Punct::Question) {
            return Ok(cond);
        }
        self.bump();
        let then = if self.is(Punct::Colon) {
            None
        } else {
            Some(self.expr()?)
        };
        if !self.eat(Punct::Colon) {
            return Err(self.error_here("expected ':'"));
        }
        self.enter()?;
        let els = self.cond_expr();
        self.leave();
        let els = els?;
        let sp = self.span_of(cond).to(self.span_of(els));
        Ok(self.mk_expr(ExprKind::Cond { cond, then, els }, sp))
    }

    /// Precedence climbing over the left-associative binary operators.
    fn binary_expr(&mut self, min_prec: u8) -> PResult<ExprId> {
        let mut lhs = self.cast_expr()?;
        while let TokenKind::Punct(p) = self.kind() {
            let Some((op, prec)) = binary_op(p) else {
                break;
            };
            if prec < min_prec {
                break;
            }
            self.bump();
            let rhs = self.binary_expr(prec + 1)?;
            let sp = self.span_of(lhs).to(self.span_of(rhs));
            lhs = self.mk_expr(ExprKind::Binary(op, lhs, rhs), sp);
        }
        Ok(lhs)
    }

    fn cast_expr(&mut self) -> PResult<ExprId> {
        if self.is(Punct::LParen) && self.token_starts_type_name(1) {
            let start = self.span();
            self.bump();
            let ty = self.type_name()?;
            self.expect_close(Punct::RParen, start)?;
            if self.is(Punct::LBrace) {
                let lit = self.compound_literal(ty, start)?;
                return self.postfix_tail(lit);
            }
            self.enter()?;
            let operand = self.cast_expr();
            self.leave();
            let operand = operand?;
            let sp = start.to(self.span_of(operand));
            return Ok(self.mk_expr(ExprKind::Cast(Box::new(ty), operand), sp));
        }
        self.unary_expr()
    }

    fn compound_literal(&mut self, ty: TypeName, start: Span) -> PResult<ExprId> {
        let init = self.init_list()?;
        Ok(self.mk_expr(
            ExprKind::CompoundLiteral(Box::new(ty), init),
            start.to(self.prev_span),
        ))
    }

    fn unary_expr(&mut self) -> PResult<ExprId> {
        let start = self.span();
        let op = match self.kind() {
            TokenKind::Punct(Punct::PlusPlus) => Some(UnaryOp::PreInc),
            TokenKind::Punct(Punct::MinusMinus) => Some(UnaryOp::PreDec),
            TokenKind::Punct(Punct::Amp) => Some(UnaryOp::AddrOf),
            TokenKind::Punct(Punct::Star) => Some(UnaryOp::Deref),
            TokenKind::Punct(Punct::Plus) => Some(UnaryOp::Plus),
            TokenKind::Punct(Punct::Minus) => Some(UnaryOp::Neg),
            TokenKind::Punct(Punct::Tilde) => Some(UnaryOp::BitNot),
            TokenKind::Punct(Punct::Bang) => Some(UnaryOp::LogNot),
            TokenKind::Ident(kw::Real) => Some(UnaryOp::Real),
            TokenKind::Ident(kw::Imag) => Some(UnaryOp::Imag),
            _ => None,
        };
        if let Some(op) = op {
            self.bump();
            self.enter()?;
            // `++`/`--` take a unary expression, the others a cast expression.
            let operand = if matches!(op, UnaryOp::PreInc | UnaryOp::PreDec) {
                self.unary_expr()
            } else {
                self.cast_expr()
            };
            self.leave();
            let operand = operand?;
            let sp = start.to(self.span_of(operand));
            return Ok(self.mk_expr(ExprKind::Unary(op, operand), sp));
        }
        match self.kind() {
            TokenKind::Punct(Punct::AmpAmp) => {
                // GNU `&&label`.
                self.bump();
                let (l, sp) = self.expect_ident("identifier")?;
                Ok(self.mk_expr(ExprKind::LabelAddr(l), start.to(sp)))
            }
            TokenKind::Ident(kw::Extension) => {
                self.bump();
                self.cast_expr()
            }
            TokenKind::Ident(kw::Sizeof) => {
                self.bump();
                self.sizeof_like(start, true)
            }
            TokenKind::Ident(kw::Alignof | kw::Alignof2 | kw::Alignof3 | kw::Alignof4) => {
                self.bump();
                self.sizeof_like(start, false)
            }
            _ => {
                let e = self.primary_expr()?;
                self.postfix_tail(e)
            }
        }
    }

    /// After `sizeof` / `_Alignof`: a parenthesised type name, a compound
    /// literal, or a unary expression.
    fn sizeof_like(&mut self, start: Span, is_sizeof: bool) -> PResult<ExprId> {
        if self.is(Punct::LParen) && self.token_starts_type_name(1) {
            let open = self.span();
            self.bump();
            let ty = self.type_name()?;
            self.expect_close(Punct::RParen, open)?;
            let operand = if self.is(Punct::LBrace) {
                let lit = self.compound_literal(ty, open)?;
                self.postfix_tail(lit)?
            } else {
                let kind = if is_sizeof {
                    ExprKind::SizeofType(Box::new(ty))
                } else {
                    ExprKind::AlignofType(Box::new(ty))
                };
                return Ok(self.mk_expr(kind, start.to(self.prev_span)));
            };
            let kind = if is_sizeof {
                ExprKind::SizeofExpr(operand)
            } else {
                ExprKind::AlignofExpr(operand)
            };
            return Ok(self.mk_expr(kind, start.to(self.prev_span)));
        }
        self.enter()?;
        let operand = self.unary_expr();
        self.leave();
        let operand = operand?;
        let kind = if is_sizeof {
            ExprKind::SizeofExpr(operand)
        } else {
            ExprKind::AlignofExpr(operand)
        };
        let sp = start.to(self.span_of(operand));
        Ok(self.mk_expr(kind, sp))
    }

    /// Postfix operators after a primary expression.
    fn postfix_tail(&mut self, mut e: ExprId) -> PResult<ExprId> {
        loop {
            let start = self.span_of(e);
            match self.kind() {
                TokenKind::Punct(Punct::LBracket) => {
                    let open = self.span();
                    self.bump();
                    let idx = self.expr()?;
                    self.expect_close(Punct::RBracket, open)?;
                    e = self.mk_expr(ExprKind::Index(e, idx), start.to(self.prev_span));
                }
                TokenKind::Punct(Punct::LParen) => {
                    let open = self.span();
                    self.bump();
                    let mut args = Vec::new();
                    if !self.is(Punct::RParen) {
                        loop {
                            args.push(self.assign_expr()?);
                            if !self.eat(Punct::Comma) {
                                break;
                            }
                        }
                    }
                    self.expect_close(Punct::RParen, open)?;
                    e = self.mk_expr(ExprKind::Call(e, args), start.to(self.prev_span));
                }
                TokenKind::Punct(p @ (Punct::Dot | Punct::Arrow)) => {
                    self.bump();
                    let (name, sp) = self.member_name()?;
                    let kind = if p == Punct::Dot {
                        ExprKind::Member(e, name, sp)
                    } else {
                        ExprKind::Arrow(e, name, sp)
                    };
                    e = self.mk_expr(kind, start.to(sp));
                }
                TokenKind::Punct(p @ (Punct::PlusPlus | Punct::MinusMinus)) => {
                    self.bump();
                    let op = if p == Punct::PlusPlus {
                        UnaryOp::PostInc
                    } else {
                        UnaryOp::PostDec
                    };
                    e = self.mk_expr(ExprKind::Unary(op, e), start.to(self.prev_span));
                }
                _ => return Ok(e),
            }
        }
    }

    /// A member name after `.` or `->` (any identifier, keywords excluded).
    fn member_name(&mut self) -> PResult<(crate::intern::Sym, Span)> {
        self.expect_ident("identifier")
    }

    fn primary_expr(&mut self) -> PResult<ExprId> {
        let start = self.span();
        match self.kind() {
            TokenKind::Ident(s) => {
                if let Some(id) = self.ident() {
                    self.bump();
                    return Ok(self.mk_expr(ExprKind::Ident(id), start));
                }
                self.keyword_primary(s, start)
            }
            TokenKind::Number(s) => {
                self.bump();
                let text = self.src.interner().resolve(s);
                let kind = match literal::parse_number(text) {
                    Ok(IntOrFloat::Int {
                        value,
                        unsigned,
                        longs,
                        decimal,
                        too_large,
                    }) => {
                        if too_large {
                            self.warning_at(start, "integer literal is too large to be represented in any integer type");
                        }
                        ExprKind::IntLit {
                            value,
                            unsigned,
                            longs,
                            decimal,
                            too_large,
                        }
                    }
                    Ok(IntOrFloat::Float) => ExprKind::FloatLit(s),
                    Err(msg) => {
                        self.error_at(start, msg);
                        ExprKind::Error
                    }
                };
                Ok(self.mk_expr(kind, start))
            }
            TokenKind::Char(s) => {
                self.bump();
                let text = self.src.interner().resolve(s);
                let kind = match literal::decode_char(text) {
                    Ok((value, prefix, warning)) => {
                        if let Some(w) = warning {
                            self.warning_at(start, w);
                        }
                        ExprKind::CharLit { value, prefix }
                    }
                    Err(msg) => {
                        self.error_at(start, msg);
                        ExprKind::Error
                    }
                };
                Ok(self.mk_expr(kind, start))
            }
            TokenKind::Str(_) => {
                let (bytes, prefix, sp) = self.string_literal_bytes()?;
                Ok(self.mk_expr(ExprKind::StringLit { bytes, prefix }, sp))
            }
            TokenKind::Punct(Punct::LParen) => {
                self.bump();
                if self.is(Punct::LBrace) {
                    // GNU statement expression `({ ... })`.
                    self.enter()?;
                    let body = self.compound_stmt();
                    self.leave();
                    let body = body?;
                    self.expect_close(Punct::RParen, start)?;
                    return Ok(self.mk_expr(ExprKind::StmtExpr(body), start.to(self.prev_span)));
                }
                let e = self.expr()?;
                self.expect_close(Punct::RParen, start)?;
                // The parenthesised expression needs no node; widen its span
                // so diagnostics cover the parentheses.
                let sp = start.to(self.prev_span);
                self.tu.exprs[e].span = self.tu.exprs[e].span.to(sp);
                Ok(e)
            }
            _ => Err(self.error_here("expected expression")),
        }
    }

    /// Keywords that begin primary expressions: GNU builtins with type
    /// arguments and `_Generic`.
    fn keyword_primary(&mut self, k: crate::intern::Sym, start: Span) -> PResult<ExprId> {
        match k {
            kw::Generic => {
                self.bump();
                let open = self.span();
                self.expect(Punct::LParen, "after '_Generic'")?;
                let ctrl = self.assign_expr()?;
                let mut assocs = Vec::new();
                while self.eat(Punct::Comma) {
                    let ty = if self.is_kw(kw::Default) {
                        self.bump();
                        None
                    } else {
                        Some(self.type_name()?)
                    };
                    self.expect(Punct::Colon, "")?;
                    let e = self.assign_expr()?;
                    assocs.push((ty, e));
                }
                self.expect_close(Punct::RParen, open)?;
                Ok(self.mk_expr(ExprKind::Generic(ctrl, assocs), start.to(self.prev_span)))
            }
            kw::Offsetof => {
                self.bump();
                let open = self.span();
                self.expect(Punct::LParen, "after '__builtin_offsetof'")?;
                let ty = self.type_name()?;
                self.expect(Punct::Comma, "")?;
                let mut path = Vec::new();
                let (first, sp) = self.expect_ident("identifier")?;
                path.push(Designator::Field(first, sp));
                loop {
                    if self.eat(Punct::Dot) {
                        let (f, sp) = self.expect_ident("identifier")?;
                        path.push(Designator::Field(f, sp));
                    } else if self.is(Punct::LBracket) {
                        let o = self.span();
                        self.bump();
                        let i = self.expr()?;
                        self.expect_close(Punct::RBracket, o)?;
                        path.push(Designator::Index(i));
                    } else {
                        break;
                    }
                }
                self.expect_close(Punct::RParen, open)?;
                Ok(self.mk_expr(
                    ExprKind::Offsetof(Box::new(ty), path),
                    start.to(self.prev_span),
                ))
            }
            kw::VaArg => {
                self.bump();
                let open = self.span();
                self.expect(Punct::LParen, "after '__builtin_va_arg'")?;
                let ap = self.assign_expr()?;
                self.expect(Punct::Comma, "")?;
                let ty = self.type_name()?;
                self.expect_close(Punct::RParen, open)?;
                Ok(self.mk_expr(ExprKind::VaArg(ap, Box::new(ty)), start.to(self.prev_span)))
            }
            kw::TypesCompatible => {
                self.bump();
                let open = self.span();
                self.expect(Punct::LParen, "after '__builtin_types_compatible_p'")?;
                let a = self.type_name()?;
                self.expect(Punct::Comma, "")?;
                let b = self.type_name()?;
                self.expect_close(Punct::RParen, open)?;
                Ok(self.mk_expr(
                    ExprKind::TypesCompatible(Box::new(a), Box::new(b)),
                    start.to(self.prev_span),
                ))
            }
            kw::ChooseExpr => {
                self.bump();
                let open = self.span();
                self.expect(Punct::LParen, "after '__builtin_choose_expr'")?;
                let c = self.assign_expr()?;
                self.expect(Punct::Comma, "")?;
                let a = self.assign_expr()?;
                self.expect(Punct::Comma, "")?;
                let b = self.assign_expr()?;
                self.expect_close(Punct::RParen, open)?;
                Ok(self.mk_expr(ExprKind::ChooseExpr(c, a, b), start.to(self.prev_span)))
            }
            kw::ConvertVector | kw::BitCast => {
                let name = self.src.interner().resolve(k).to_string();
                Err(self.error_here(format!("'{name}' is not supported")))
            }
            _ => {
                let name = self.src.interner().resolve(k).to_string();
                Err(self.error_here(format!("expected expression before '{name}'")))
            }
        }
    }

    pub(super) fn is_string(&self) -> bool {
        matches!(self.kind(), TokenKind::Str(_))
    }

    /// Adjacent string literals, concatenated with escapes decoded: the
    /// bytes, the resulting prefix and the span of all the pieces.
    pub(super) fn string_literal_bytes(&mut self) -> PResult<(Vec<u8>, StrPrefix, Span)> {
        let start = self.span();
        let first = self.pos;
        let mut prefix = StrPrefix::None;
        let mut n = 0;
        // First the prefix the whole literal gets: a plain piece adopts the
        // prefix of a prefixed one.
        loop {
            self.ensure_ahead(n);
            let TokenKind::Str(s) = self.peek(n).kind else {
                break;
            };
            let p = literal::string_prefix(self.src.interner().resolve(s));
            if p != StrPrefix::None {
                if prefix != StrPrefix::None && prefix != p {
                    let sp = self.peek(n).span;
                    return Err(self.error_at(
                        sp,
                        "unsupported non-standard concatenation of string literals",
                    ));
                }
                prefix = p;
            }
            n += 1;
        }
        if n == 0 {
            return Err(self.error_here("expected string literal"));
        }
        let mut bytes = Vec::new();
        for i in 0..n {
            let t = self.toks[first + i - self.base];
            let TokenKind::Str(s) = t.kind else {
                unreachable!("counted above")
            };
            let text = self.src.interner().resolve(s);
            match literal::decode_string(text, prefix, &mut bytes) {
                Ok(None) => {}
                Ok(Some(w)) => self.warning_at(t.span, w),
                Err(msg) => {
                    self.error_at(t.span, msg);
                }
            }
        }
        for _ in 0..n {
            self.bump();
        }
        Ok((bytes, prefix, start.to(self.prev_span)))
    }
}
