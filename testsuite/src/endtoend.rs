//! The end-to-end run: every program in `programs/` is built by each build
//! (bpfcc -O0, bpfcc -O2, clang-19), loaded with `bpftool prog loadall`, and
//! each of its programs is run with BPF_PROG_TEST_RUN on the inputs of its
//! `.expect` file; return values and written-back bytes are compared with the
//! expectations and between the builds. Each bpfcc build is also compiled
//! twice, and the two objects must be identical.
//!
//! Environment:
//! - `BPFCC_TEST_ONLY=clang` (or `bpfcc`) runs one compiler's builds only;
//! - `BPFCC_TEST_FILTER=substr` runs only the programs whose file name contains it;
//! - `BPFCC_TEST_NO_KERNEL=1` only builds the programs, as on a machine that
//!   cannot load them;
//! - `BPFCC_TEST_KEEP=dir` saves the object of every build that fails as
//!   `dir/<program>.<build>.o` for inspection (`llvm-objdump-19 -dr`).

use crate::build::{clang_available, Build};
use crate::expect::{self, ExpectFile, InputKind, ProgramExpect, Run};
use crate::kernel::{self, TestRunResult};
use crate::scratch::{PinDir, ScratchDir};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A `foo.c` with its `foo.expect`.
#[derive(Clone, Debug)]
pub struct TestProgram {
    pub name: String,
    pub source: PathBuf,
    pub expect: PathBuf,
}

/// The directory of the test programs.
pub fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("programs")
}

/// Every `*.c` under `dir`, sorted by name; a `.c` without `.expect` is
/// returned too (and reported as a failure by [`run_program`]).
pub fn discover(dir: &Path) -> Result<Vec<TestProgram>, String> {
    let rd = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut out: Vec<TestProgram> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .map(|p| TestProgram {
            name: p.file_stem().unwrap().to_string_lossy().into_owned(),
            expect: p.with_extension("expect"),
            source: p,
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// What to run, decided once from the environment and the machine.
pub struct Plan {
    pub builds: Vec<Build>,
    /// `Err(why)` when programs cannot be loaded here: builds are still checked.
    pub kernel: Result<(), String>,
    pub filter: Option<String>,
    /// `BPFCC_TEST_KEEP=dir`: objects of failing builds are saved there.
    pub keep_failed: Option<PathBuf>,
    /// Lines to print before the results (`SKIP: ...`).
    pub notes: Vec<String>,
}

impl Plan {
    pub fn from_env() -> Plan {
        let only = std::env::var("BPFCC_TEST_ONLY").ok();
        let mut notes = Vec::new();
        let mut builds = Vec::new();
        if let Some(other) = only.as_deref().filter(|o| *o != "clang" && *o != "bpfcc") {
            notes.push(format!(
                "BPFCC_TEST_ONLY={other} is neither `clang` nor `bpfcc`: running every build"
            ));
        }
        if only.as_deref() != Some("clang") {
            builds.push(Build::Bpfcc { opt_level: 0 });
            builds.push(Build::Bpfcc { opt_level: 2 });
        } else {
            notes.push("SKIP: bpfcc builds (BPFCC_TEST_ONLY=clang)".to_string());
        }
        if only.as_deref() != Some("bpfcc") {
            if clang_available() {
                builds.push(Build::Clang);
            } else {
                notes.push(format!("SKIP: {} not installed", crate::build::CLANG));
            }
        } else {
            notes.push("SKIP: clang-19 build (BPFCC_TEST_ONLY=bpfcc)".to_string());
        }
        let kernel = if std::env::var_os("BPFCC_TEST_NO_KERNEL").is_some() {
            Err("BPFCC_TEST_NO_KERNEL is set".to_string())
        } else {
            kernel::probe()
        };
        match &kernel {
            Err(why) => notes.push(format!("SKIP: loading and running programs: {why}")),
            Ok(()) => {
                let stale = crate::scratch::sweep_stale_pins();
                if stale > 0 {
                    notes.push(format!("removed {stale} pin directories of dead test runs"));
                }
            }
        }
        Plan {
            builds,
            kernel,
            filter: std::env::var("BPFCC_TEST_FILTER")
                .ok()
                .filter(|s| !s.is_empty()),
            keep_failed: std::env::var_os("BPFCC_TEST_KEEP").map(PathBuf::from),
            notes,
        }
    }
}

/// Totals and failures of a whole run.
#[derive(Default, Debug)]
pub struct Report {
    pub programs: usize,
    pub builds: usize,
    /// Test runs due (one program, one input, one build), whether or not the
    /// build got far enough to execute them.
    pub runs: usize,
    pub runs_passed: usize,
    pub failures: Vec<String>,
}

impl Report {
    pub fn summary(&self) -> String {
        format!(
            "{} test programs, {} builds, {}/{} test runs passed, {} failures",
            self.programs,
            self.builds,
            self.runs_passed,
            self.runs,
            self.failures.len()
        )
    }
}

/// Runs every program of `dir` under `plan`.
pub fn run_all(dir: &Path, plan: &Plan) -> Report {
    let mut report = Report::default();
    let programs = match discover(dir) {
        Ok(p) => p,
        Err(e) => {
            report.failures.push(e);
            return report;
        }
    };
    for prog in programs {
        if let Some(f) = &plan.filter {
            if !prog.name.contains(f.as_str()) {
                continue;
            }
        }
        report.programs += 1;
        run_program(&prog, plan, &mut report);
    }
    report
}

/// Results of one build of one file: per program name, per run index.
type Outcomes = BTreeMap<(String, usize), TestRunResult>;

/// Builds, loads and runs one test program under every build of `plan`.
pub fn run_program(prog: &TestProgram, plan: &Plan, report: &mut Report) {
    let file = format!("{}.c", prog.name);
    let expect = match std::fs::read_to_string(&prog.expect) {
        Ok(text) => match expect::parse(&text) {
            Ok(e) => e,
            Err(e) => {
                report
                    .failures
                    .push(format!("{}: {}", prog.expect.display(), e));
                return;
            }
        },
        Err(e) => {
            report.failures.push(format!(
                "{file}: cannot read {}: {e}",
                prog.expect.display()
            ));
            return;
        }
    };
    let total_runs: usize = expect.programs.iter().map(|p| p.runs.len()).sum();
    let mut by_build: Vec<(Build, Outcomes)> = Vec::new();
    for &build in &plan.builds {
        report.builds += 1;
        // Counted up front, so runs a failed build never gets to are not passes.
        if plan.kernel.is_ok() {
            report.runs += total_runs;
        }
        let ctx = format!("{file} [{}]", build.label());
        let obj = match build.compile(&prog.source, expect.cpu) {
            Ok(obj) => obj,
            Err(e) => {
                report.failures.push(format!("{ctx}: {}", indent_tail(&e)));
                continue;
            }
        };
        // Same input, same output: a second compilation must give the same bytes.
        if matches!(build, Build::Bpfcc { .. }) {
            match build.compile(&prog.source, expect.cpu) {
                Ok(again) if again == obj => {}
                Ok(again) => report.failures.push(format!(
                    "{ctx}: a second compilation gave a different object ({} bytes, first difference at byte {})",
                    again.len(),
                    again
                        .iter()
                        .zip(&obj)
                        .position(|(a, b)| a != b)
                        .unwrap_or(again.len().min(obj.len()))
                )),
                Err(e) => report
                    .failures
                    .push(format!("{ctx}: the second compilation failed: {}", indent_tail(&e))),
            }
        }
        if plan.kernel.is_err() {
            continue;
        }
        let failures_before = report.failures.len();
        match load_and_run(&obj, &expect, &ctx, report) {
            Ok(outcomes) => by_build.push((build, outcomes)),
            Err(e) => report.failures.push(format!("{ctx}: {e}")),
        }
        if report.failures.len() > failures_before {
            if let Some(dir) = &plan.keep_failed {
                let label = build.label().replace([' ', '-'], "");
                let path = dir.join(format!("{}.{label}.o", prog.name));
                let saved = std::fs::create_dir_all(dir).and_then(|_| std::fs::write(&path, &obj));
                if let Err(e) = saved {
                    report.failures.push(format!(
                        "{ctx}: cannot keep the object in {}: {e}",
                        path.display()
                    ));
                }
            }
        }
    }
    compare_builds(&file, &expect, &by_build, report);
}

/// Loads an object, checks its programs against the expect file and runs them.
fn load_and_run(
    obj: &[u8],
    expect: &ExpectFile,
    ctx: &str,
    report: &mut Report,
) -> Result<Outcomes, String> {
    let scratch = ScratchDir::new("obj")?;
    let obj_path = scratch.path().join("prog.o");
    std::fs::write(&obj_path, obj).map_err(|e| format!("cannot write the object: {e}"))?;
    let pins = PinDir::new();
    let out = Command::new("bpftool")
        .args(["prog", "loadall"])
        .arg(&obj_path)
        .arg(pins.path())
        .output()
        .map_err(|e| format!("cannot run bpftool: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "bpftool prog loadall failed:\n{}",
            indent_tail(&String::from_utf8_lossy(&out.stderr))
        ));
    }
    let pinned = pins.pinned();
    let mut problems = Vec::new();
    for name in &pinned {
        if !expect.programs.iter().any(|p| &p.name == name) {
            problems.push(format!(
                "the object has program `{name}`, which the expect file does not list"
            ));
        }
    }
    let mut outcomes = Outcomes::new();
    for p in &expect.programs {
        if !pinned.contains(&p.name) {
            problems.push(format!(
                "program `{}` (expect line {}) is not in the object (it has: {})",
                p.name,
                p.line,
                pinned.join(", ")
            ));
            continue;
        }
        let fd = match kernel::obj_get(&pins.path().join(&p.name)) {
            Ok(fd) => fd,
            Err(e) => {
                problems.push(format!("BPF_OBJ_GET of `{}` failed: {e}", p.name));
                continue;
            }
        };
        for (i, run) in p.runs.iter().enumerate() {
            let result = match run.kind {
                InputKind::Ctx => kernel::test_run_ctx(&fd, &run.input.bytes),
                InputKind::Packet => kernel::test_run_packet(&fd, &run.input.bytes),
            };
            match result {
                Ok(r) => {
                    match check_run(p, run, &r) {
                        Some(msg) => report.failures.push(format!("{ctx}: {msg}")),
                        None => report.runs_passed += 1,
                    }
                    outcomes.insert((p.name.clone(), i), r);
                }
                Err(e) => report.failures.push(format!(
                    "{ctx}: program `{}` run at expect line {}: BPF_PROG_TEST_RUN failed: {e}",
                    p.name, run.line
                )),
            }
        }
    }
    if problems.is_empty() {
        Ok(outcomes)
    } else {
        for m in &problems[1..] {
            report.failures.push(format!("{ctx}: {m}"));
        }
        Err(problems.swap_remove(0))
    }
}

/// `None` when the run gave what the expect file says, else the difference.
fn check_run(p: &ProgramExpect, run: &Run, r: &TestRunResult) -> Option<String> {
    let mut msg = String::new();
    match run.retval {
        None => {
            let _ = write!(
                msg,
                "return value {} (the expect file has `?`: fill it in)",
                r.retval as i32
            );
        }
        Some(want) if want != r.retval => {
            let _ = write!(
                msg,
                "returned {} ({:#x}), expected {} ({:#x})",
                r.retval as i32, r.retval, want as i32, want
            );
        }
        Some(_) => {}
    }
    if let Some(want) = &run.output {
        if want != &r.output {
            if !msg.is_empty() {
                msg.push_str("; ");
            }
            let what = match run.kind {
                InputKind::Ctx => "ctx_out",
                InputKind::Packet => "packet_out",
            };
            let _ = write!(
                msg,
                "{what} is {}, expected {}",
                run.input.render_like(&r.output),
                run.input.render_like(want)
            );
        }
    }
    if msg.is_empty() {
        None
    } else {
        Some(format!(
            "program `{}` run at expect line {}: {msg}",
            p.name, run.line
        ))
    }
}

/// Reports where a bpfcc build computes something other than clang's build
/// (whether or not either matches the expectation, the difference is a bug
/// or an unfaithful test).
fn compare_builds(
    file: &str,
    expect: &ExpectFile,
    by_build: &[(Build, Outcomes)],
    report: &mut Report,
) {
    let Some((_, reference)) = by_build.iter().find(|(b, _)| *b == Build::Clang) else {
        return;
    };
    for (build, outcomes) in by_build {
        if *build == Build::Clang {
            continue;
        }
        for ((name, i), r) in outcomes {
            let Some(c) = reference.get(&(name.clone(), *i)) else {
                continue;
            };
            if c != r {
                let run = expect
                    .programs
                    .iter()
                    .find(|p| &p.name == name)
                    .map(|p| &p.runs[*i]);
                let line = run.map_or(0, |r| r.line);
                let mut msg = format!(
                    "{file} [{}]: program `{name}` run at expect line {line} differs from clang-19: returned {}",
                    build.label(),
                    r.retval as i32
                );
                if c.retval != r.retval {
                    let _ = write!(msg, " where clang's returned {}", c.retval as i32);
                }
                if c.output != r.output {
                    if let Some(run) = run {
                        let _ = write!(
                            msg,
                            "; output {} where clang's is {}",
                            run.input.render_like(&r.output),
                            run.input.render_like(&c.output)
                        );
                    }
                }
                report.failures.push(msg);
            }
        }
    }
}

/// A tool's output indented under the failure line, shortened: of the
/// verifier's instruction trace (`123: (bf) r1 = r2 ...`) only the last 12
/// lines are kept, as the reason for a rejection is at its end.
fn indent_tail(text: &str) -> String {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    let is_trace = |l: &str| {
        let t = l.trim_start();
        let digits = t.bytes().take_while(|b| b.is_ascii_digit()).count();
        digits > 0 && t[digits..].starts_with(':')
    };
    let trace_total = lines.iter().filter(|l| is_trace(l)).count();
    let mut trace_seen = 0;
    let mut omitted = 0;
    let mut out = String::new();
    for l in &lines {
        if is_trace(l) {
            trace_seen += 1;
            if trace_seen + 12 <= trace_total {
                omitted += 1;
                continue;
            }
        }
        if omitted > 0 {
            let _ = write!(out, "\n    ... ({omitted} lines of verifier trace omitted)");
            omitted = 0;
        }
        let _ = write!(out, "\n    {l}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program(text: &str) -> ProgramExpect {
        expect::parse(text).unwrap().programs.remove(0)
    }

    #[test]
    fn check_run_reports_return_value_and_output_differences() {
        let p = program("program p\nrun ctx {u32 1, s32 2} -> 7 ctx_out {u32 1, s32 -3}");
        let run = &p.runs[0];
        let mut out = run.input.bytes.clone();
        out[4..8].copy_from_slice(&(-3i32).to_le_bytes());
        let ok = TestRunResult {
            retval: 7,
            output: out.clone(),
        };
        assert_eq!(check_run(&p, run, &ok), None);

        let bad_ret = TestRunResult {
            retval: u32::MAX,
            output: out,
        };
        let msg = check_run(&p, run, &bad_ret).unwrap();
        assert!(
            msg.contains("returned -1 (0xffffffff), expected 7"),
            "{msg}"
        );
        assert!(msg.contains("expect line 2"), "{msg}");

        let bad_out = TestRunResult {
            retval: 7,
            output: run.input.bytes.clone(),
        };
        let msg = check_run(&p, run, &bad_out).unwrap();
        assert!(
            msg.contains("ctx_out is {u32 1, s32 2}, expected {u32 1, s32 -3}"),
            "{msg}"
        );
    }

    #[test]
    fn placeholders_never_pass() {
        let p = program("program p\nrun ctx {u32 1} -> ?");
        let r = TestRunResult {
            retval: 0,
            output: vec![1, 0, 0, 0],
        };
        assert!(check_run(&p, &p.runs[0], &r)
            .unwrap()
            .contains("fill it in"));
    }

    #[test]
    fn verifier_traces_are_shortened_to_their_end() {
        let mut log = String::from("libbpf: prog 'x': BPF program load failed\n");
        for i in 0..100 {
            log.push_str(&format!("{i}: (b7) r0 = 0\n"));
        }
        log.push_str("R1 invalid mem access\nprocessed 100 insns\n");
        let short = indent_tail(&log);
        assert!(
            short.contains("(88 lines of verifier trace omitted)"),
            "{short}"
        );
        assert!(short.contains("99: (b7)"));
        assert!(!short.contains("\n    87: (b7)"));
        assert!(short.contains("R1 invalid mem access"));
        assert!(short.contains("load failed"));
    }

    #[test]
    fn every_program_has_an_expect_file_that_parses() {
        let programs = discover(&programs_dir()).unwrap();
        assert!(programs.len() >= 90, "only {} programs", programs.len());
        for p in &programs {
            let text = std::fs::read_to_string(&p.expect)
                .unwrap_or_else(|e| panic!("{}: {e}", p.expect.display()));
            let e = expect::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", p.expect.display()));
            for prog in &e.programs {
                for run in &prog.runs {
                    assert!(run.retval.is_some(), "{}: `?` at line {}", p.name, run.line);
                }
            }
        }
    }
}
