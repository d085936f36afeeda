//! Semantic analysis: C's rules applied to the syntax tree, producing the
//! typed tree ([`tir`]).
//!
//! One `Checker` walks the translation unit in order:
//! declarations build types and layouts (`decl`, `layout`), expressions get
//! their types and implicit conversions (`expr`, folded by `fold`),
//! initializers are flattened (`init`) and statements checked (`stmt`).
//! Errors are reported through [`Diagnostics`] and produce an error type that
//! silences follow-on diagnostics. Features bpfcc lacks that appear only in
//! `static` functions nothing uses are not reported (`reach`), since no
//! code is generated for those functions (as with clang).

mod builtin;
mod check;
mod decl;
mod expr;
mod fold;
mod init;
mod layout;
mod reach;
mod stmt;
pub mod tir;
pub mod types;

#[cfg(test)]
mod tests;

use crate::diag::Diagnostics;
use crate::intern::Interner;
use crate::parse::ast;

#[derive(Clone, Debug, Default)]
pub struct SemaOptions {
    /// `-mcpu=vN` (signed division needs v4).
    pub cpu_version: u8,
}

pub fn check(
    tu: &ast::TranslationUnit,
    interner: &mut Interner,
    options: &SemaOptions,
    diags: &mut Diagnostics,
) -> tir::Program {
    let mut checker = check::Checker::new(tu, interner, options, diags);
    checker.check_unit();
    checker.finish()
}
