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
    let mut checker = check::Checker::new(tu, tu.items.len(), interner, options, diags);
    checker.check_unit();
    checker.finish()
}

/// Like [`check`], for a caller that is done with the syntax tree's items:
/// takes them out of `tu` (leaving it with its expression and statement
/// arenas) and frees each once it is checked, so that sema's memory comes
/// from the tree's instead of fresh pages (for a vmlinux.h, 25 MB of tree
/// against 13 MB of types and typed tree).
pub fn check_consuming_items(
    tu: &mut ast::TranslationUnit,
    interner: &mut Interner,
    options: &SemaOptions,
    diags: &mut Diagnostics,
) -> tir::Program {
    let items = std::mem::take(&mut tu.items);
    let mut checker = check::Checker::new(tu, items.len(), interner, options, diags);
    checker.check_items(items);
    checker.finish()
}

#[cfg(test)]
mod consuming_tests {
    use super::*;
    use crate::preprocess::{self, PreprocessOptions};
    use crate::source::SourceMap;

    /// Parses `src` and checks it with [`check`] or [`check_consuming_items`].
    fn run(src: &str, consuming: bool) -> (tir::Program, String, usize) {
        let mut sources = SourceMap::new();
        let mut interner = Interner::new();
        let mut diags = Diagnostics::new();
        let main = sources.add("t.c", None, src.to_string());
        let opts = PreprocessOptions::default();
        let pp = preprocess::preprocess(main, &opts, &mut sources, &mut interner, &mut diags);
        let mut tu = crate::parse::parse(&pp.tokens, &mut interner, &mut diags);
        let sema_opts = SemaOptions { cpu_version: 3 };
        let prog = if consuming {
            check_consuming_items(&mut tu, &mut interner, &sema_opts, &mut diags)
        } else {
            check(&tu, &mut interner, &sema_opts, &mut diags)
        };
        (prog, diags.render(&sources), tu.items.len())
    }

    #[test]
    fn keyword_specifier_combinations() {
        let (_, d, _) = run(
            "long unsigned int a; unsigned char b; int long long c; __uint128_t d;\n\
             signed unsigned e;\n\
             long long long f;\n\
             struct t { int x; } long g;\n",
            true,
        );
        assert!(
            d.contains("t.c:2:1: invalid combination of type specifiers"),
            "{d}"
        );
        assert!(
            d.contains("t.c:3:1: invalid combination of type specifiers"),
            "{d}"
        );
        assert!(
            d.contains("t.c:4:1: cannot combine with previous type specifier"),
            "{d}"
        );
        assert!(!d.contains("t.c:1:"), "{d}");
    }

    #[test]
    fn consuming_the_items_checks_the_same() {
        let src = "struct s { int a; struct s *next; union { char c; long l; }; };\n\
                   typedef struct s s_t;\n\
                   static int g = sizeof(s_t);\n\
                   int f(s_t *p) { return p->a + g; }\n\
                   int h(void) { return undeclared; }\n";
        let (a, da, na) = run(src, false);
        let (b, db, nb) = run(src, true);
        assert_eq!((na, nb), (5, 0), "the items are taken out of the unit");
        assert!(da.contains("undeclared"), "{da}");
        assert_eq!(da, db);
        assert_eq!(a.globals.len(), b.globals.len());
        assert_eq!(a.functions.len(), b.functions.len());
        let sizes =
            |p: &tir::Program| -> Vec<u64> { p.types.records.values().map(|r| r.size).collect() };
        assert_eq!(sizes(&a), sizes(&b));
        assert_eq!(sizes(&b)[0], 24);
    }
}
