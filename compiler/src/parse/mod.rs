//! The parser: a hand-written recursive-descent parser for C11 with the GNU
//! extensions BPF programs use, producing the [`ast`].

pub mod ast;

use crate::diag::Diagnostics;
use crate::intern::Interner;
use crate::preprocess::token::Token;

/// Parses a preprocessed token stream (ending in `TokenKind::Eof`).
pub fn parse(
    tokens: &[Token],
    interner: &mut Interner,
    diags: &mut Diagnostics,
) -> ast::TranslationUnit {
    let _ = (tokens, interner, diags);
    todo!("parser")
}
