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
use crate::parse::deferred::{parse_deferred, FileTypedefs};
use crate::parse::{ast, ParsedBatch};
pub(crate) use check::{CheckerState, SemaNames};

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

/// Like [`check`], for a caller that is done with the syntax tree's items
/// (the driver streams instead: [`check_stream`]):
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

/// Sema over a stream of [`ParsedBatch`]es, each checked as it comes and
/// then freed: the syntax tree of a whole unit never exists.
///
/// Once the preprocessor or the parser has reported an error, later batches
/// are not checked: an item after a missing header or a syntax error would
/// mostly give follow-on errors.
pub(crate) struct StreamChecker {
    state: Option<CheckerState>,
    checking: bool,
}

impl StreamChecker {
    pub fn new(state: CheckerState) -> StreamChecker {
        StreamChecker {
            state: Some(state),
            checking: true,
        }
    }

    /// Checks `batch`, unless `errors_elsewhere` (reported by the
    /// preprocessor and the parser so far) stops checking. Its deferred
    /// items are parsed first, with the unit's typedefs so far
    /// (`typedefs`, which must have the batch's), and checked in their
    /// places among the others.
    pub fn check(
        &mut self,
        batch: &ParsedBatch,
        typedefs: &FileTypedefs,
        interner: &mut Interner,
        diags: &mut Diagnostics,
        options: &SemaOptions,
        errors_elsewhere: usize,
    ) {
        self.checking &= errors_elsewhere == 0;
        let mut deferred = None;
        if self.checking {
            let errors = diags.error_count();
            deferred = Some(parse_deferred(batch, typedefs, interner, diags));
            // A syntax error in a deferred item stops checking as one the
            // parser reported would have, before the batch.
            self.checking &= diags.error_count() == errors;
        }
        let (Some(state), Some(deferred)) = (self.state.take().filter(|_| self.checking), deferred)
        else {
            return;
        };
        let items = &batch.tree.items;
        let mut checker = check::Checker::resume(state, &batch.tree, interner, options, diags);
        let mut from = 0;
        for (d, parsed) in batch.deferred.iter().zip(&deferred.items) {
            checker.tu = &batch.tree;
            for item in &items[from..d.at] {
                checker.external_decl(item);
            }
            from = d.at;
            checker.tu = &deferred.tree;
            for item in &deferred.tree.items[parsed.clone()] {
                checker.external_decl(item);
            }
        }
        checker.tu = &batch.tree;
        for item in &items[from..] {
            checker.external_decl(item);
        }
        if batch.last {
            checker.finish_unit();
        }
        self.state = Some(checker.suspend());
    }

    /// The typed program of the batches checked.
    pub fn finish(self, interner: &mut Interner) -> tir::Program {
        match self.state {
            Some(state) => state.into_program(),
            None => CheckerState::new(0, interner).into_program(),
        }
    }
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

    /// Checks `src` the way the driver does (streamed from the
    /// preprocessor) and the whole-unit way; the IR of both, and the
    /// diagnostics of the streamed one.
    fn streamed_and_whole(src: &str) -> (String, String, String) {
        let lowered = |prog: &tir::Program, interner: &Interner| {
            let mut diags = Diagnostics::new();
            let module = crate::lower::lower(prog, interner, &mut diags);
            crate::ir::print::print_module(&module)
        };
        let opts = PreprocessOptions::default();
        let sema_opts = SemaOptions { cpu_version: 3 };
        let streamed_with = |threads: bool| {
            let mut sources = SourceMap::new();
            let mut interner = Interner::new();
            let mut diags = Diagnostics::new();
            let main = sources.add("t.c", None, src.to_string());
            let check = if threads {
                crate::front_end::check_c
            } else {
                crate::front_end::check_c_on_one_thread
            };
            let (prog, _) = check(
                main,
                &opts,
                &mut sources,
                &mut interner,
                &mut diags,
                &sema_opts,
            );
            (lowered(&prog, &interner), diags.render(&sources))
        };
        let (streamed, rendered) = streamed_with(true);
        assert_eq!((streamed.clone(), rendered.clone()), streamed_with(false));
        let (whole, _, _) = run(src, true);
        let mut interner = Interner::new();
        // `run` does not give its interner back: check again for the names.
        let mut sources = SourceMap::new();
        let mut diags = Diagnostics::new();
        let main = sources.add("t.c", None, src.to_string());
        let pp = preprocess::preprocess(main, &opts, &mut sources, &mut interner, &mut diags);
        let mut tu = crate::parse::parse(&pp.tokens, &mut interner, &mut diags);
        let prog = check_consuming_items(&mut tu, &mut interner, &sema_opts, &mut diags);
        assert_eq!(whole.functions.len(), prog.functions.len());
        (streamed, lowered(&prog, &interner), rendered)
    }

    /// A unit many times the parser's refill size: items, a function body,
    /// a run of string literals and of `__extension__`s all cross refills.
    #[test]
    fn streaming_across_refills_checks_the_same() {
        let mut src = String::new();
        for i in 0..600 {
            src += &format!(
                "typedef int t{i}; struct s{i} {{ int a; t{i} b[2]; }};\n\
                 static int f{i}(struct s{i} *p) {{ return p->a + p->b[1] + {i}; }}\n"
            );
        }
        src += "const char msg[] = ";
        for i in 0..9000 {
            src += &format!("\"{}\" ", i % 10);
        }
        src += ";\nint big(int x) {\n";
        for i in 0..3000 {
            src += &format!("  x = x * 3 + {i};\n");
        }
        src += "  return x;\n}\nint ext(void) { ";
        src += &"__extension__ ".repeat(10000);
        src += "int y = 1; return y + f7(0) + msg[8999]; }\n";
        let (streamed, whole, diags) = streamed_and_whole(&src);
        assert_eq!(diags, "");
        assert!(streamed.contains("big"), "{streamed}");
        assert_eq!(streamed, whole);
    }

    /// A preprocessor error ends the parse where it happened: an error in
    /// an earlier item is still reported, nothing after the directive is.
    #[test]
    fn preprocessor_error_cuts_the_stream() {
        let mut src = String::from("int early(void) { return undeclared; }\n");
        for i in 0..3000 {
            src += &format!("int g{i} = {i};\n");
        }
        src += "#error stop here\nint late = ;\nint later(void) { return also_undeclared; }\n";
        let (_, _, diags) = streamed_and_whole(&src);
        assert!(
            diags.contains("use of undeclared identifier 'undeclared'"),
            "{diags}"
        );
        assert!(diags.contains("stop here"), "{diags}");
        assert!(!diags.contains("expected expression"), "{diags}");
        assert!(!diags.contains("also_undeclared"), "{diags}");
    }

    /// `#pragma GCC diagnostic ignored` holds for code checked before the
    /// preprocessor has read the matching `pop`.
    #[test]
    fn ignored_warnings_hold_before_their_pop_is_read() {
        let mut src = String::from(
            "#pragma GCC diagnostic push\n\
             #pragma GCC diagnostic ignored \"-Wint-conversion\"\n\
             int *p(long v) { return v; }\n",
        );
        for i in 0..4000 {
            src += &format!("int g{i} = {i};\n");
        }
        src += "#pragma GCC diagnostic pop\nint *q(long v) { return v; }\n";
        let (_, _, diags) = streamed_and_whole(&src);
        let lines: Vec<&str> = diags.lines().filter(|l| l.starts_with("warning")).collect();
        assert_eq!(lines.len(), 1, "{diags}");
        assert!(lines[0].contains(&format!("t.c:{}:", 4000 + 5)), "{diags}");
    }
}
