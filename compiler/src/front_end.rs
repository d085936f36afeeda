//! The front end of a C compilation: preprocessing, parsing and checking as
//! one stream, on two threads.
//!
//! The preprocessor and the parser run on the caller's thread: the parser
//! asks the preprocessor for tokens as it needs them and sends its top-level
//! items in batches, each with the syntax tree it owns ([`ParsedBatch`]);
//! sema checks each batch on a second thread as it comes and sends the tree
//! back to be reused.
//! Neither the tokens nor the syntax tree of a whole unit ever exist, and
//! sema (about 40% of the front end's time on vmlinux.h) overlaps the rest.
//! To even out the threads, the parser leaves some tag definitions for
//! sema's thread to parse ([`crate::parse::deferred`]).
//!
//! The two sides share no data. The preprocessor's side owns the interner;
//! sema uses a fork of it ([`Interner::fork`]) that each batch brings up to
//! date, so a symbol in the tree means the same string on both sides. The
//! names sema compares symbols against are interned before the fork, so an
//! attribute spelled in the source and sema's name for it are one symbol.
//! Each side has its own diagnostics; the preprocessor's and the parser's
//! come first in the result. Warning ranges (`#pragma GCC diagnostic`) and
//! the other side's error count travel with the batches. What comes out does
//! not depend on the threads' timing: batch boundaries are fixed by the
//! input, and each side numbers its own symbols alone.

use crate::diag::{Diagnostics, IgnoredWarnings};
use crate::heap::reserve_thread_heap;
use crate::intern::{Interner, NewStrings};
use crate::parse::deferred::FileTypedefs;
use crate::parse::{ParsedBatch, Parser};
use crate::preprocess::{PreprocessOptions, PreprocessOutput, Preprocessor};
use crate::sema::{tir, CheckerState, SemaNames, SemaOptions, StreamChecker};
use crate::source::{FileId, SourceMap};

/// Of the file-scope tag definitions, the share the parser leaves to
/// sema's thread (every `DEFER_EVERY`th; see `parse::deferred`): on
/// vmlinux.h, where they are most of the parsing, it evens out the two
/// threads' work.
const DEFER_EVERY: u32 = 2;

/// Batches the parser may run ahead of sema.
const BATCHES_AHEAD: usize = 8;

/// A batch of parsed items, with what sema's side needs to read them.
struct Batch {
    parsed: ParsedBatch,
    /// The strings interned since the previous batch.
    strings: NewStrings,
    /// The errors the preprocessor and the parser have reported so far.
    errors: usize,
    /// Where warnings are off so far.
    ignored_warnings: Vec<IgnoredWarnings>,
}

/// Preprocesses, parses and checks `main`; `interner` ends up holding every
/// string of the compilation and `diags` every diagnostic.
pub(crate) fn check_c(
    main: FileId,
    pp_options: &PreprocessOptions,
    sources: &mut SourceMap,
    interner: &mut Interner,
    diags: &mut Diagnostics,
    sema_options: &SemaOptions,
) -> (tir::Program, PreprocessOutput) {
    if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
        return check_c_on_one_thread(main, pp_options, sources, interner, diags, sema_options);
    }
    // Before the fork: see the module's documentation.
    let names = SemaNames::new(interner);
    let n_items = expected_items(sources, main);
    let mut fork = interner.fork();
    let first_new_string = interner.len();
    let mut front_diags = Diagnostics {
        warnings_as_errors: diags.warnings_as_errors,
        suppress_warnings: diags.suppress_warnings,
        ..Diagnostics::new()
    };
    let threaded = std::thread::scope(|scope| {
        let (to_sema, from_parser) = std::sync::mpsc::sync_channel::<Batch>(BATCHES_AHEAD);
        // Checked trees go back to be freed (or reused) where they were made.
        let (to_recycle, checked) = std::sync::mpsc::channel::<ParsedBatch>();
        let (fork, sema_diags) = (&mut fork, &mut *diags);
        // Sema gets the new thread: the preprocessor and the parser keep the
        // caller's, whose heap the binary set up at start (`heap.rs`).
        let sema_thread = std::thread::Builder::new()
            .name("sema".into())
            .spawn_scoped(scope, move || {
                reserve_thread_heap();
                // Sema's tables, and the fork as it grows, are made here,
                // in this thread's heap: fresh memory is costly to touch
                // (the kernel zeroes it; in a VM the host may have to
                // supply it), and this thread has time to spare while the
                // parser's does not.
                *fork = fork.clone();
                let mut sema = StreamChecker::new(CheckerState::with_names(n_items, names));
                let mut typedefs = FileTypedefs::default();
                // A closed channel (the parser panicked) ends the loop.
                while let Ok(batch) = from_parser.recv() {
                    fork.append(&batch.strings);
                    sema_diags.ignored_warnings = batch.ignored_warnings;
                    typedefs.add(&batch.parsed.typedefs);
                    let errors = batch.errors;
                    sema.check(
                        &batch.parsed,
                        &typedefs,
                        fork,
                        sema_diags,
                        sema_options,
                        errors,
                    );
                    if batch.parsed.last {
                        break;
                    }
                    // Gone only if the parser is done.
                    let _ = to_recycle.send(batch.parsed);
                }
                sema.finish(fork)
            });
        let Ok(sema_thread) = sema_thread else {
            return None;
        };
        let pp = Preprocessor::start(main, pp_options, sources, interner, &mut front_diags);
        let mut parser = Parser::streaming(pp);
        parser.defer_tag_definitions(DEFER_EVERY);
        let mut sent = first_new_string;
        loop {
            for batch in checked.try_iter() {
                parser.recycle(batch);
            }
            let parsed = parser.next_batch();
            let last = parsed.last;
            let (interner, diags) = parser.src.parts();
            let batch = Batch {
                parsed,
                strings: interner.strings_since(sent),
                errors: diags.error_count(),
                ignored_warnings: diags.ignored_warnings.clone(),
            };
            sent = interner.len();
            if to_sema.send(batch).is_err() || last {
                break;
            }
        }
        let pp = parser.into_preprocessor().map(|pp| pp.finish());
        match (sema_thread.join(), pp) {
            (Ok(program), Some(pp)) => Some((program, pp)),
            (Ok(_), None) => unreachable!("a streaming parser reads from the preprocessor"),
            (Err(panic), _) => std::panic::resume_unwind(panic),
        }
    });
    match threaded {
        Some((program, pp)) => {
            fork.append(&interner.strings_since(fork.len()));
            *interner = fork;
            let sema_diags = std::mem::take(&mut diags.list);
            diags.list = front_diags.list;
            diags.list.extend(sema_diags);
            diags.ignored_warnings = front_diags.ignored_warnings;
            (program, pp)
        }
        None => check_c_on_one_thread(main, pp_options, sources, interner, diags, sema_options),
    }
}

/// [`check_c`] on the caller's thread alone (with one CPU, or where no
/// thread can be started): the same stream, with sema taking each batch in
/// turn.
pub(crate) fn check_c_on_one_thread(
    main: FileId,
    pp_options: &PreprocessOptions,
    sources: &mut SourceMap,
    interner: &mut Interner,
    diags: &mut Diagnostics,
    sema_options: &SemaOptions,
) -> (tir::Program, PreprocessOutput) {
    let state = CheckerState::new(expected_items(sources, main), interner);
    // Sema's diagnostics follow the others, as with two threads.
    let mut sema_diags = Diagnostics {
        warnings_as_errors: diags.warnings_as_errors,
        suppress_warnings: diags.suppress_warnings,
        ..Diagnostics::new()
    };
    let pp = Preprocessor::start(main, pp_options, sources, interner, diags);
    let mut parser = Parser::streaming(pp);
    let mut sema = StreamChecker::new(state);
    let mut typedefs = FileTypedefs::default();
    loop {
        let batch = parser.next_batch();
        let (interner, diags) = parser.src.parts();
        sema_diags
            .ignored_warnings
            .clone_from(&diags.ignored_warnings);
        let errors = diags.error_count();
        typedefs.add(&batch.typedefs);
        sema.check(
            &batch,
            &typedefs,
            interner,
            &mut sema_diags,
            sema_options,
            errors,
        );
        if batch.last {
            break;
        }
        parser.recycle(batch);
    }
    let program = sema.finish(parser.src.interner_mut());
    let pp = match parser.into_preprocessor() {
        Some(pp) => pp.finish(),
        None => unreachable!("a streaming parser reads from the preprocessor"),
    };
    diags.list.append(&mut sema_diags.list);
    (program, pp)
}

/// File-scope items to size sema's tables for: vmlinux.h has one per ~170
/// bytes.
fn expected_items(sources: &SourceMap, main: FileId) -> usize {
    sources.file(main).text.len() / 170
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checked program's types and the rendered diagnostics of `src`,
    /// through [`check_c`] or [`check_c_on_one_thread`].
    fn front_end(src: &str, threaded: bool) -> (String, String) {
        let mut sources = SourceMap::new();
        let mut interner = Interner::new();
        let mut diags = Diagnostics::new();
        let main = sources.add("t.c", None, src.to_string());
        let pp_options = PreprocessOptions::default();
        let sema_options = SemaOptions { cpu_version: 3 };
        let run = if threaded {
            check_c
        } else {
            check_c_on_one_thread
        };
        let (program, _) = run(
            main,
            &pp_options,
            &mut sources,
            &mut interner,
            &mut diags,
            &sema_options,
        );
        let t = &program.types;
        let types = format!(
            "{:?}\n{:?}\n{:?}",
            t.types.values().collect::<Vec<_>>(),
            t.records.values().collect::<Vec<_>>(),
            t.enums.values().collect::<Vec<_>>()
        );
        (types, diags.render(&sources))
    }

    /// Tag definitions the parser leaves to sema's thread (every
    /// `DEFER_EVERY`th) give the same program as parsed in place: typedefs
    /// declared just before one in the same batch, `#pragma clang
    /// attribute` regions, nested and anonymous records, enums and bit
    /// fields; and a typedef declared after one is not seen by it.
    #[test]
    fn deferred_tag_definitions_check_as_parsed_in_place() {
        let mut src = String::from(
            "#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)\n",
        );
        for i in 0..40 {
            src += &format!(
                "typedef unsigned int u{i};\n\
                 struct s{i} {{ u{i} a : 3; struct {{ int x; }} inner; union {{ long l; char c[4]; }}; }};\n\
                 enum e{i} {{ E{i}A = {i}, E{i}B = sizeof(struct s{i}) }};\n\
                 union un{i} {{ struct s{i} s; enum e{i} e; u{i} arr[E{i}B]; }};\n"
            );
        }
        src += "#pragma clang attribute pop\n";
        let (threaded, diags) = front_end(&src, true);
        assert_eq!(diags, "");
        assert_eq!(threaded, front_end(&src, false).0);

        let late = "struct a0 {int x;}; struct a1 {int x;}; struct a2 {int x;};\n\
                    struct late { later_t x; };\n\
                    typedef int later_t;\n";
        let (_, threaded) = front_end(late, true);
        assert!(
            threaded.contains("unknown type name 'later_t'"),
            "{threaded}"
        );
        assert_eq!(threaded, front_end(late, false).1);
    }
}
