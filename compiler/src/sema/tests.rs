//! Tests of semantic analysis: C snippets go through the preprocessor and
//! parser; the typed tree, layouts, constants and diagnostics are checked.
//! Layout numbers come from `clang-19 --target=bpf` on the same declarations.

use super::tir::{self, ExprKind, Program, StmtKind};
use super::types::{IntKind, TypeKind};
use super::SemaOptions;
use crate::diag::{Diagnostics, Severity};
use crate::intern::Interner;
use crate::preprocess::{self, PreprocessOptions};
use crate::source::SourceMap;

struct Checked {
    prog: Program,
    diags: Diagnostics,
    sources: SourceMap,
    interner: Interner,
}

impl Checked {
    fn errors(&self) -> Vec<String> {
        self.msgs(Severity::Error)
    }

    fn warnings(&self) -> Vec<String> {
        self.msgs(Severity::Warning)
    }

    /// `line:col: message` of each diagnostic of a severity.
    fn msgs(&self, sev: Severity) -> Vec<String> {
        self.diags
            .list
            .iter()
            .filter(|d| d.severity == sev)
            .map(|d| match d.span {
                Some(s) => {
                    let (l, c) = self.sources.line_col(s);
                    format!("{l}:{c}: {}", d.message)
                }
                None => d.message.clone(),
            })
            .collect()
    }

    fn global(&self, name: &str) -> &tir::Global {
        self.prog
            .globals
            .values()
            .find(|g| self.interner.resolve(g.name) == name)
            .unwrap_or_else(|| panic!("no global {name}"))
    }

    fn func(&self, name: &str) -> &tir::Function {
        self.prog
            .functions
            .values()
            .find(|f| self.interner.resolve(f.name) == name)
            .unwrap_or_else(|| panic!("no function {name}"))
    }

    /// The 8-byte little-endian values of a global `unsigned long v[]`.
    fn u64s(&self, name: &str) -> Vec<u64> {
        let g = self.global(name);
        let bytes = &g.init.as_ref().expect("initialized").bytes;
        bytes
            .chunks(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
            .collect()
    }
}

fn check_with(src: &str, cpu: u8) -> Checked {
    let mut sources = SourceMap::new();
    let mut interner = Interner::new();
    let mut diags = Diagnostics::new();
    let main = sources.add("t.c", None, src.to_string());
    let opts = PreprocessOptions {
        cpu_version: cpu,
        ..Default::default()
    };
    let pp = preprocess::preprocess(main, &opts, &mut sources, &mut interner, &mut diags);
    let tu = crate::parse::parse(&pp.tokens, &mut interner, &mut diags);
    assert!(
        !diags.has_errors(),
        "front end errors: {}",
        diags.render(&sources)
    );
    let prog = super::check(
        &tu,
        &mut interner,
        &SemaOptions { cpu_version: cpu },
        &mut diags,
    );
    Checked {
        prog,
        diags,
        sources,
        interner,
    }
}

fn check(src: &str) -> Checked {
    check_with(src, 3)
}

fn check_ok(src: &str) -> Checked {
    let c = check(src);
    assert!(
        c.errors().is_empty(),
        "unexpected errors: {:?}",
        c.diags.render(&c.sources)
    );
    c
}

#[test]
fn smoke() {
    let c = check_ok("int x; int f(int a) { return a + x; }");
    assert!(c.func("f").body.is_some());
}

// ---------------------------------------------------------------------------
// Corpus runs (ignored: they need /work/ref; run with `--ignored --nocapture`,
// in release mode for meaningful times).

const LINUX: &str = "/work/ref/linux-source-6.12";

/// Preprocesses, parses and checks one file; returns (pp+parse errors, sema
/// errors, first error text, sema time).
fn run_file(
    path: &std::path::Path,
    opts: &PreprocessOptions,
) -> (usize, usize, String, std::time::Duration) {
    let mut sources = SourceMap::new();
    let mut interner = Interner::new();
    let mut diags = Diagnostics::new();
    let text = std::fs::read_to_string(path).unwrap();
    let main = sources.add(path.display().to_string(), Some(path.to_path_buf()), text);
    let pp = preprocess::preprocess(main, opts, &mut sources, &mut interner, &mut diags);
    let tu = crate::parse::parse(&pp.tokens, &mut interner, &mut diags);
    let front = diags.error_count();
    let t = std::time::Instant::now();
    let _prog = super::check(
        &tu,
        &mut interner,
        &SemaOptions { cpu_version: 3 },
        &mut diags,
    );
    let dt = t.elapsed();
    let first = diags
        .list
        .iter()
        .find(|d| d.severity == Severity::Error)
        .map(|d| match d.span {
            Some(s) => format!("{}: {}", sources.describe(s), d.message),
            None => d.message.clone(),
        })
        .unwrap_or_default();
    (front, diags.error_count() - front, first, dt)
}

#[test]
#[ignore]
fn corpus_vmlinux_h() {
    let opts = PreprocessOptions {
        cpu_version: 3,
        ..Default::default()
    };
    let mut best = std::time::Duration::MAX;
    for _ in 0..5 {
        let (front, errs, first, dt) = run_file(std::path::Path::new("/work/ref/vmlinux.h"), &opts);
        assert_eq!(front, 0, "front end errors");
        assert_eq!(errs, 0, "sema errors, first: {first}");
        best = best.min(dt);
    }
    println!(
        "vmlinux.h: 0 errors, sema {:.2} ms (best of 5)",
        best.as_secs_f64() * 1e3
    );
}

/// The selftests' BPF programs: how many pass sema with no error.
#[test]
#[ignore]
fn corpus_selftests() {
    let inc = std::env::temp_dir().join("bpfcc-sema-inc");
    let defs = inc.join("bpf_helper_defs.h");
    if !defs.exists() {
        std::fs::create_dir_all(&inc).unwrap();
        let out = std::process::Command::new("python3")
            .current_dir(LINUX)
            .args([
                "scripts/bpf_doc.py",
                "--header",
                "--file",
                "include/uapi/linux/bpf.h",
            ])
            .output()
            .unwrap();
        std::fs::write(&defs, out.stdout).unwrap();
    }
    let st = format!("{LINUX}/tools/testing/selftests/bpf");
    let opts = PreprocessOptions {
        cpu_version: 3,
        include_dirs: vec![
            st.clone().into(),
            format!("{LINUX}/tools/lib").into(),
            format!("{st}/progs").into(),
            "/work/ref".into(),
            inc.clone(),
            format!("{LINUX}/tools/include/uapi").into(),
        ],
        macro_ops: vec![preprocess::MacroOp::Define(
            "__TARGET_ARCH_x86".into(),
            None,
        )],
        ..Default::default()
    };
    let mut files: Vec<_> = std::fs::read_dir(format!("{st}/progs"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    files.sort();
    let (mut ok, mut front_fail, mut sema_fail) = (0, 0, 0);
    let mut msgs: std::collections::BTreeMap<String, usize> = Default::default();
    let mut total = std::time::Duration::ZERO;
    let only = std::env::var("SEMA_ONLY").ok();
    for f in &files {
        if let Some(o) = &only {
            if !f.to_string_lossy().contains(o.as_str()) {
                continue;
            }
        }
        let (front, errs, first, dt) = run_file(f, &opts);
        total += dt;
        if front > 0 {
            front_fail += 1;
            println!("FRONT {}: {first}", f.display());
        } else if errs > 0 {
            sema_fail += 1;
            println!("SEMA {}: {first}", f.display());
            let key = first.split(": ").skip(1).collect::<Vec<_>>().join(": ");
            *msgs.entry(key).or_default() += 1;
        } else {
            ok += 1;
        }
    }
    let mut v: Vec<_> = msgs.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1));
    for (m, n) in v.iter().take(40) {
        println!("{n:4}  {m}");
    }
    println!(
        "selftests: {} files, {ok} pass sema, {sema_fail} sema errors, {front_fail} pp/parse errors; sema total {:.1} ms",
        files.len(),
        total.as_secs_f64() * 1e3
    );
}
