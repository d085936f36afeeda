//! Semantic analysis: C's rules applied to the syntax tree, producing the
//! typed tree ([`tir`]).

pub mod tir;
pub mod types;

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
    let _ = (tu, interner, options, diags);
    todo!("sema")
}
