//! The compatibility matrix: every program of `testsuite/compat/` built by
//! clang-19, bpf-gcc (GCC 12) and bpfcc, once against our
//! `runtime-headers/bpf/` and once against libbpf's own headers
//! (`/usr/include/bpf`), each build loaded with `bpftool prog loadall` and run
//! with BPF_PROG_TEST_RUN on the inputs of its `.expect` file. A cell says
//! whether the build compiled, loaded, and gave the expected results (the
//! same as clang's build).
//!
//! A program may declare, in a line comment, a failure that is known and
//! not the header's fault: `// gcc-12 cannot: <why>` or
//! `// bpfcc-known-failure: <why>`. The matrix shows the reason; a listed
//! failure that no longer happens is reported, so the list stays true.

use crate::build::{bpfcc_options, run_bpfcc, CLANG};
use crate::expect::{self, ExpectFile, InputKind};
use crate::kernel::{self, TestRunResult};
use crate::scratch::{PinDir, ScratchDir};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// GCC's BPF cross compiler.
pub const GCC: &str = "bpf-gcc";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Compiler {
    Clang,
    Gcc,
    Bpfcc,
}

pub const COMPILERS: [Compiler; 3] = [Compiler::Clang, Compiler::Gcc, Compiler::Bpfcc];

impl Compiler {
    pub fn label(self) -> &'static str {
        match self {
            Compiler::Clang => "clang-19",
            Compiler::Gcc => "gcc-12",
            Compiler::Bpfcc => "bpfcc",
        }
    }

    /// `Err(why)` when the compiler is not installed.
    fn available(self) -> Result<(), String> {
        let exe = match self {
            Compiler::Clang => CLANG,
            Compiler::Gcc => GCC,
            Compiler::Bpfcc => return Ok(()),
        };
        match Command::new(exe).arg("--version").output() {
            Ok(o) if o.status.success() => Ok(()),
            _ => Err(format!("{exe} not installed")),
        }
    }
}

/// Which `bpf/*.h` the programs include.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Headers {
    /// runtime-headers/bpf of this repository.
    Ours,
    /// libbpf's, as installed by libbpf-dev.
    Libbpf,
}

impl Headers {
    pub fn label(self) -> &'static str {
        match self {
            Headers::Ours => "runtime-headers/bpf (ours)",
            Headers::Libbpf => "libbpf-dev /usr/include/bpf",
        }
    }

    fn dir_name(self) -> &'static str {
        match self {
            Headers::Ours => "ours",
            Headers::Libbpf => "libbpf",
        }
    }

    fn bpf_dir(self, root: &Path) -> PathBuf {
        match self {
            Headers::Ours => root.join("runtime-headers/bpf"),
            Headers::Libbpf => PathBuf::from("/usr/include/bpf"),
        }
    }
}

/// A compat program and what it declares about itself.
#[derive(Clone, Debug)]
pub struct CompatProgram {
    pub name: String,
    pub source: PathBuf,
    pub expect: PathBuf,
    /// `// gcc-12 cannot: why`.
    pub gcc_cannot: Option<String>,
    /// `// bpfcc-known-failure: why`.
    pub bpfcc_known_failure: Option<String>,
    /// It includes the running kernel's `vmlinux.h`.
    pub needs_vmlinux: bool,
}

/// The directory of the compat programs.
pub fn programs_dir(root: &Path) -> PathBuf {
    root.join("testsuite/compat")
}

/// Every `*.c` of `dir` with its annotations, sorted by name.
pub fn discover(dir: &Path) -> Result<Vec<CompatProgram>, String> {
    let rd = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut out = Vec::new();
    for p in rd.filter_map(|e| e.ok()).map(|e| e.path()) {
        if p.extension().is_none_or(|x| x != "c") {
            continue;
        }
        let text =
            std::fs::read_to_string(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        let note = |tag: &str| {
            text.lines()
                .find_map(|l| l.trim().strip_prefix(tag).map(|r| r.trim().to_string()))
        };
        out.push(CompatProgram {
            name: p.file_stem().unwrap().to_string_lossy().into_owned(),
            expect: p.with_extension("expect"),
            gcc_cannot: note("// gcc-12 cannot:"),
            bpfcc_known_failure: note("// bpfcc-known-failure:"),
            needs_vmlinux: text.contains("#include \"vmlinux.h\""),
            source: p,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// How far one build of one program got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The compiler is not installed, or the kernel cannot load programs.
    Skipped(String),
    CompileFailed(String),
    LoadFailed(String),
    /// Loaded and ran; `Err` says which run differed.
    Ran(Result<(), String>),
    /// Compiled, but the kernel cannot load programs here.
    CompiledOnly,
}

impl Outcome {
    pub fn compiled(&self) -> bool {
        matches!(
            self,
            Outcome::LoadFailed(_) | Outcome::Ran(_) | Outcome::CompiledOnly
        )
    }
    pub fn loaded(&self) -> bool {
        matches!(self, Outcome::Ran(_))
    }
    pub fn passed(&self) -> bool {
        matches!(self, Outcome::Ran(Ok(())))
    }
    /// The reason for a failure, in one line.
    pub fn reason(&self) -> Option<String> {
        let (what, text) = match self {
            Outcome::CompileFailed(e) => ("compile", e),
            Outcome::LoadFailed(e) => ("load", e),
            Outcome::Ran(Err(e)) => ("result", e),
            _ => return None,
        };
        Some(format!("{what}: {}", first_error_line(text)))
    }
}

/// The line of a tool's output that says what went wrong: for a load, the
/// verifier's last word (the line before "processed N insns") or libbpf's
/// complaint; for a compile, the first error.
fn first_error_line(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let verifier = lines
        .iter()
        .position(|l| l.starts_with("processed "))
        .and_then(|i| i.checked_sub(1))
        .map(|i| lines[i]);
    // libbpf's own failures, except those it recovers from (optional BTF).
    let libbpf = || {
        lines.iter().copied().find(|l| {
            l.starts_with("libbpf:")
                && (l.contains("failed") || l.contains("Error") || l.contains("error"))
                && !l.contains("BTF is optional")
                && !l.contains("BTF loading error")
                && !l.contains("failed to load object")
                && !l.contains("failed to load: ")
        })
    };
    let compiler = || {
        lines
            .iter()
            .copied()
            .find(|l| !l.starts_with("libbpf:") && (l.contains("error:") || l.starts_with("error")))
    };
    let pick = verifier
        .or_else(compiler)
        .or_else(libbpf)
        .or(lines.first().copied())
        .unwrap_or("(no output)");
    let mut s = pick.replace('|', "\\|");
    if s.len() > 200 {
        let mut cut = 200;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

/// Per header set, per program, per compiler.
pub type Matrix = BTreeMap<Headers, BTreeMap<String, BTreeMap<Compiler, Outcome>>>;

/// The result of [`run`].
pub struct CompatReport {
    pub matrix: Matrix,
    pub programs: Vec<CompatProgram>,
    /// The matrix as markdown (what docs/compat.md holds).
    pub markdown: String,
    /// What makes the run a failure: with our headers, a clang or bpfcc build
    /// that fails (unless listed as known), a gcc build that fails without a
    /// stated reason, a listed failure that did not happen, or gcc passing
    /// less with our headers than with libbpf's.
    pub problems: Vec<String>,
    /// Lines to show before the matrix (`SKIP: ...`).
    pub notes: Vec<String>,
}

/// The include directory of one header set: `bpf/` links to the headers, so
/// that only `<bpf/...>` differs between the legs.
fn include_dir(root: &Path, headers: Headers) -> Result<PathBuf, String> {
    let dir = root.join("target/compat-include").join(headers.dir_name());
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let link = dir.join("bpf");
    let want = headers.bpf_dir(root);
    if std::fs::read_link(&link).ok().as_deref() != Some(want.as_path()) {
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&want, &link)
            .map_err(|e| format!("cannot link {}: {e}", link.display()))?;
    }
    Ok(dir)
}

/// The directory with the running kernel's `vmlinux.h` (generated once with
/// bpftool), included by every build so programs can use `"vmlinux.h"`.
fn vmlinux_dir(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join("target/compat-include/vmlinux");
    let header = dir.join("vmlinux.h");
    if header.exists() {
        return Ok(dir);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let out = Command::new("bpftool")
        .args([
            "btf",
            "dump",
            "file",
            "/sys/kernel/btf/vmlinux",
            "format",
            "c",
        ])
        .output()
        .map_err(|e| format!("cannot run bpftool: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "bpftool cannot dump the kernel's BTF: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    // Written whole then renamed, so a concurrent run never sees half a header.
    let tmp = dir.join(format!("vmlinux.h.{}", std::process::id()));
    std::fs::write(&tmp, &out.stdout)
        .and_then(|_| std::fs::rename(&tmp, &header))
        .map_err(|e| format!("cannot write {}: {e}", header.display()))?;
    Ok(dir)
}

/// `/usr/include/<multiarch>`, where `<asm/types.h>` lives.
fn multiarch_include() -> PathBuf {
    PathBuf::from(format!("/usr/include/{}-linux-gnu", std::env::consts::ARCH))
}

/// Compiles `source` to an object with `compiler`, including `inc` first
/// (then the directory of `vmlinux.h`, when there is one).
pub fn compile(
    compiler: Compiler,
    source: &Path,
    inc: &Path,
    vmlinux: Option<&Path>,
    root: &Path,
) -> Result<Vec<u8>, String> {
    if compiler == Compiler::Bpfcc {
        let mut options = bpfcc_options(2, 3);
        options.debug_info = true;
        options.preprocess.include_dirs.push(inc.to_path_buf());
        options
            .preprocess
            .include_dirs
            .extend(vmlinux.map(Path::to_path_buf));
        options.preprocess.after_dirs.push(multiarch_include());
        options.preprocess.builtin_include_dir = Some(root.join("runtime-headers"));
        let out = run_bpfcc(source, &options)?;
        return match out.output {
            Some(obj) if !out.diagnostics.has_errors() => Ok(obj),
            _ => Err(out.render_diagnostics()),
        };
    }
    let scratch = ScratchDir::new("compat")?;
    let obj = scratch.path().join("prog.o");
    let mut cmd = match compiler {
        Compiler::Clang => {
            let mut c = Command::new(CLANG);
            c.args(["--target=bpf", "-O2", "-g", "-mcpu=v3"]);
            c
        }
        _ => {
            let mut c = Command::new(GCC);
            c.args(["-O2", "-gbtf", "-mco-re", "-mcpu=v3"]);
            c.arg("-idirafter").arg("/usr/include");
            c
        }
    };
    cmd.arg("-I").arg(inc);
    if let Some(v) = vmlinux {
        cmd.arg("-I").arg(v);
    }
    cmd.arg("-idirafter").arg(multiarch_include());
    cmd.arg("-c").arg(source).arg("-o").arg(&obj);
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", compiler.label()))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    std::fs::read(&obj).map_err(|e| format!("cannot read {}: {e}", obj.display()))
}

/// Results of one build: per (program, run index).
type Runs = BTreeMap<(String, usize), TestRunResult>;

/// Loads an object and runs the programs of its expect file.
fn load_and_run(obj: &[u8], expect: &ExpectFile) -> Result<Result<Runs, String>, String> {
    let scratch = ScratchDir::new("compat-obj")?;
    let obj_path = scratch.path().join("prog.o");
    std::fs::write(&obj_path, obj).map_err(|e| format!("cannot write the object: {e}"))?;
    let pins = PinDir::new();
    // Maps are pinned too: a program array is emptied by the kernel when its
    // last user reference goes, which would undo libbpf's initialisation.
    let map_pins = PinDir::new();
    let out = Command::new("bpftool")
        .args(["prog", "loadall"])
        .arg(&obj_path)
        .arg(pins.path())
        .arg("pinmaps")
        .arg(map_pins.path())
        .output()
        .map_err(|e| format!("cannot run bpftool: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let mut runs = Runs::new();
    for p in &expect.programs {
        let fd = kernel::obj_get(&pins.path().join(&p.name))
            .map_err(|e| format!("program `{}` is not in the object: {e}", p.name))?;
        for (i, run) in p.runs.iter().enumerate() {
            let r = match run.kind {
                InputKind::Ctx => kernel::test_run_ctx(&fd, &run.input.bytes),
                InputKind::Packet => kernel::test_run_packet(&fd, &run.input.bytes),
            };
            let r = match r {
                Ok(r) => r,
                Err(e) => {
                    return Ok(Err(format!(
                        "`{}` (expect line {}): BPF_PROG_TEST_RUN failed: {e}",
                        p.name, run.line
                    )))
                }
            };
            let retval_ok = run.retval == Some(r.retval);
            let output_ok = run.output.as_ref().is_none_or(|o| *o == r.output);
            if !retval_ok || !output_ok {
                return Ok(Err(format!(
                    "`{}` (expect line {}) returned {} with output {}",
                    p.name,
                    run.line,
                    r.retval as i32,
                    run.input.render_like(&r.output)
                )));
            }
            runs.insert((p.name.clone(), i), r);
        }
    }
    Ok(Ok(runs))
}

/// Builds, loads and runs every program (whose name contains `filter`, when
/// given) with every compiler and both header sets.
pub fn run(root: &Path, filter: Option<&str>) -> CompatReport {
    let mut notes = Vec::new();
    let mut problems = Vec::new();
    let kernel_ok = kernel::probe();
    if let Err(why) = &kernel_ok {
        notes.push(format!("SKIP: loading and running programs: {why}"));
    }
    let available: BTreeMap<Compiler, Result<(), String>> =
        COMPILERS.iter().map(|&c| (c, c.available())).collect();
    for (c, a) in &available {
        if let Err(why) = a {
            notes.push(format!("SKIP: {} builds: {why}", c.label()));
        }
    }
    let programs = match discover(&programs_dir(root)) {
        Ok(p) => p,
        Err(e) => {
            problems.push(e);
            Vec::new()
        }
    };
    let programs: Vec<CompatProgram> = programs
        .into_iter()
        .filter(|p| filter.is_none_or(|f| p.name.contains(f)))
        .collect();
    let vmlinux = match vmlinux_dir(root) {
        Ok(d) => Some(d),
        Err(e) => {
            notes.push(format!(
                "no vmlinux.h for the programs that include it: {e}"
            ));
            None
        }
    };
    // The two header sets are independent: each gets a thread (builds and
    // loads are mostly waiting on other processes and the kernel).
    let legs: Vec<(Headers, Leg)> = std::thread::scope(|scope| {
        let handles: Vec<_> = [Headers::Ours, Headers::Libbpf]
            .into_iter()
            .map(|headers| {
                let env = LegEnv {
                    root,
                    programs: &programs,
                    available: &available,
                    kernel_ok: kernel_ok.is_ok(),
                    vmlinux: vmlinux.as_deref(),
                };
                (headers, scope.spawn(move || run_leg(headers, &env)))
            })
            .collect();
        handles
            .into_iter()
            .map(|(h, t)| {
                let leg = t.join().unwrap_or_else(|_| Leg {
                    rows: BTreeMap::new(),
                    problems: vec![format!("{}: the run panicked", h.label())],
                });
                (h, leg)
            })
            .collect()
    });
    let mut matrix = Matrix::new();
    for (headers, leg) in legs {
        for p in leg.problems {
            if !problems.contains(&p) {
                problems.push(p);
            }
        }
        matrix.insert(headers, leg.rows);
    }
    check(&matrix, &programs, &mut problems);
    let markdown = render(&matrix, &programs, &notes);
    CompatReport {
        matrix,
        programs,
        markdown,
        problems,
        notes,
    }
}

/// What one header set's run needs to know.
struct LegEnv<'a> {
    root: &'a Path,
    programs: &'a [CompatProgram],
    available: &'a BTreeMap<Compiler, Result<(), String>>,
    kernel_ok: bool,
    vmlinux: Option<&'a Path>,
}

/// The rows of one header set, and what went wrong outside the cells.
struct Leg {
    rows: BTreeMap<String, BTreeMap<Compiler, Outcome>>,
    problems: Vec<String>,
}

/// Builds, loads and runs every program against one header set.
fn run_leg(headers: Headers, env: &LegEnv) -> Leg {
    let mut leg = Leg {
        rows: BTreeMap::new(),
        problems: Vec::new(),
    };
    let inc = match include_dir(env.root, headers) {
        Ok(d) => d,
        Err(e) => {
            leg.problems.push(e);
            return leg;
        }
    };
    for prog in env.programs {
        let expect = match std::fs::read_to_string(&prog.expect)
            .map_err(|e| e.to_string())
            .and_then(|t| expect::parse(&t).map_err(|e| e.to_string()))
        {
            Ok(e) => e,
            Err(e) => {
                leg.problems.push(format!("{}: {e}", prog.expect.display()));
                continue;
            }
        };
        let row = leg.rows.entry(prog.name.clone()).or_default();
        let mut clang_runs: Option<Runs> = None;
        for c in COMPILERS {
            let outcome = if let Err(why) = &env.available[&c] {
                Outcome::Skipped(why.clone())
            } else if prog.needs_vmlinux && env.vmlinux.is_none() {
                Outcome::Skipped("no vmlinux.h".to_string())
            } else {
                match compile(c, &prog.source, &inc, env.vmlinux, env.root) {
                    Err(e) => Outcome::CompileFailed(e),
                    Ok(_) if !env.kernel_ok => Outcome::CompiledOnly,
                    Ok(obj) => match load_and_run(&obj, &expect) {
                        Err(e) => Outcome::LoadFailed(e),
                        Ok(Err(e)) => Outcome::Ran(Err(e)),
                        Ok(Ok(runs)) => {
                            if c == Compiler::Clang {
                                clang_runs = Some(runs);
                                Outcome::Ran(Ok(()))
                            } else {
                                match &clang_runs {
                                    Some(cr) if *cr != runs => Outcome::Ran(Err(
                                        "differs from clang-19's build".to_string(),
                                    )),
                                    _ => Outcome::Ran(Ok(())),
                                }
                            }
                        }
                    },
                }
            };
            row.insert(c, relative_paths(outcome, env.root));
        }
    }
    leg
}

/// Compiles every program of `testsuite/compat/build-only/` (macros whose
/// programs cannot be test-run: kprobes of other architectures, iterators)
/// with every installed compiler against our headers; returns the failures
/// and the compilers skipped.
pub fn build_only(root: &Path) -> (Vec<String>, Vec<String>) {
    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    let dir = programs_dir(root).join("build-only");
    let programs = match discover(&dir) {
        Ok(p) => p,
        Err(e) => return (vec![e], skipped),
    };
    let inc = match include_dir(root, Headers::Ours) {
        Ok(d) => d,
        Err(e) => return (vec![e], skipped),
    };
    let vmlinux = vmlinux_dir(root).ok();
    for c in COMPILERS {
        if let Err(why) = c.available() {
            skipped.push(format!("SKIP: {} builds: {why}", c.label()));
            continue;
        }
        for p in &programs {
            if p.needs_vmlinux && vmlinux.is_none() {
                skipped.push(format!("SKIP: {}: no vmlinux.h", p.name));
                continue;
            }
            if let Err(e) = compile(c, &p.source, &inc, vmlinux.as_deref(), root) {
                failures.push(format!(
                    "{} [{}]: {}",
                    p.name,
                    c.label(),
                    first_error_line(&e)
                ));
            }
        }
    }
    (failures, skipped)
}

/// Messages name files relative to the workspace, so the matrix does not
/// depend on where the checkout is.
fn relative_paths(o: Outcome, root: &Path) -> Outcome {
    let prefix = format!("{}/", root.display());
    let fix = |s: String| s.replace(&prefix, "");
    match o {
        Outcome::CompileFailed(e) => Outcome::CompileFailed(fix(e)),
        Outcome::LoadFailed(e) => Outcome::LoadFailed(fix(e)),
        Outcome::Ran(Err(e)) => Outcome::Ran(Err(fix(e))),
        other => other,
    }
}

/// Whether a finished outcome counts as a pass (skips are neither).
fn finished(o: &Outcome) -> Option<bool> {
    match o {
        Outcome::Skipped(_) => None,
        Outcome::CompiledOnly => Some(true),
        other => Some(other.passed()),
    }
}

fn check(matrix: &Matrix, programs: &[CompatProgram], problems: &mut Vec<String>) {
    let Some(ours) = matrix.get(&Headers::Ours) else {
        return;
    };
    for p in programs {
        let Some(row) = ours.get(&p.name) else {
            continue;
        };
        for (c, o) in row {
            let known = match c {
                Compiler::Clang => None,
                Compiler::Gcc => p.gcc_cannot.as_ref(),
                Compiler::Bpfcc => p.bpfcc_known_failure.as_ref(),
            };
            match (finished(o), known) {
                (Some(false), None) => problems.push(format!(
                    "{} [{}]: {}",
                    p.name,
                    c.label(),
                    o.reason().unwrap_or_default()
                )),
                (Some(true), Some(why)) if !matches!(o, Outcome::CompiledOnly) => {
                    problems.push(format!(
                    "{} [{}]: passes, but is listed as a known failure ({why}): remove the note",
                    p.name,
                    c.label()
                ))
                }
                _ => {}
            }
        }
    }
    // gcc: every program that passes with libbpf's headers passes with ours.
    if let Some(libbpf) = matrix.get(&Headers::Libbpf) {
        for (name, row) in libbpf {
            let theirs = row.get(&Compiler::Gcc).and_then(finished);
            let mine = ours
                .get(name)
                .and_then(|r| r.get(&Compiler::Gcc))
                .and_then(finished);
            if theirs == Some(true) && mine == Some(false) {
                problems.push(format!(
                    "{name} [gcc-12]: passes with libbpf's headers but not with ours"
                ));
            }
            // The point of kernel_helper prototypes: gcc's indirect calls are gone.
            let indirect = matches!(row.get(&Compiler::Gcc),
                Some(Outcome::CompileFailed(e)) if e.contains("indirect call in function"));
            let stated = programs
                .iter()
                .any(|p| &p.name == name && p.gcc_cannot.is_some());
            if indirect && mine == Some(false) && !stated {
                problems.push(format!(
                    "{name} [gcc-12]: failed on indirect helper calls with libbpf's headers and still fails with ours"
                ));
            }
        }
    }
}

/// Counts of one column: (compiled, loaded, passed, total).
pub fn counts(matrix: &Matrix, headers: Headers, c: Compiler) -> (usize, usize, usize, usize) {
    let mut n = (0, 0, 0, 0);
    for row in matrix.get(&headers).into_iter().flat_map(|m| m.values()) {
        if let Some(o) = row.get(&c) {
            n.3 += 1;
            n.0 += usize::from(o.compiled());
            n.1 += usize::from(o.loaded());
            n.2 += usize::from(o.passed());
        }
    }
    n
}

fn cell(o: &Outcome) -> &'static str {
    match o {
        Outcome::Skipped(_) => "skipped",
        Outcome::CompileFailed(_) => "✗ compile",
        Outcome::LoadFailed(_) => "✓ compiled, ✗ load",
        Outcome::Ran(Err(_)) => "✓ compiled, ✓ loaded, ✗ result",
        Outcome::Ran(Ok(())) => "✓ compiled, ✓ loaded, ✓ same",
        Outcome::CompiledOnly => "✓ compiled (not loaded)",
    }
}

/// The matrix as markdown.
pub fn render(matrix: &Matrix, programs: &[CompatProgram], notes: &[String]) -> String {
    let mut md = String::from(
        "# Compatibility matrix\n\n\
         Generated by `cargo xtask compat` (also run by `cargo test -p bpfcc-testsuite --test compat`).\n\
         Each program of `testsuite/compat/` is built with clang-19 (`-O2 -g -mcpu=v3`), bpf-gcc 12\n\
         (`-O2 -gbtf -mco-re -mcpu=v3`) and bpfcc (`-O2 -g -mcpu=v3`), loaded with `bpftool prog loadall`\n\
         and run with BPF_PROG_TEST_RUN on the inputs of its `.expect` file. A cell says whether the build\n\
         compiled, loaded, and gave the expected results, the same as clang-19's build. The two tables\n\
         differ only in the `bpf/*.h` the programs include.\n\
         \n\
         Our `bpf_helper_defs.h` declares each helper as a prototype with\n\
         `__attribute__((kernel_helper(N)))` where the compiler has the attribute (gcc, bpfcc), so every\n\
         call is a direct `call N`; libbpf's function-pointer constants make gcc 12 load the pointer once\n\
         and call through a register when a function calls a helper twice (\"indirect call in function,\n\
         which are not supported by eBPF\"). A failure that is the compiler's, not the header's, is stated\n\
         in the program (`// gcc-12 cannot:` or `// bpfcc-known-failure:`) and shown below with what was\n\
         observed.\n",
    );
    for n in notes {
        let _ = write!(md, "\n{n}\n");
    }
    for (headers, rows) in matrix {
        let _ = write!(md, "\n## {}\n\n", headers.label());
        md.push_str("| compiler | compiled | loaded | same result |\n|---|---|---|---|\n");
        for c in COMPILERS {
            let (comp, load, pass, total) = counts(matrix, *headers, c);
            let _ = writeln!(
                md,
                "| {} | {comp}/{total} | {load}/{total} | {pass}/{total} |",
                c.label()
            );
        }
        md.push_str("\n| program | clang-19 | gcc-12 | bpfcc |\n|---|---|---|---|\n");
        let mut reasons = Vec::new();
        for (name, row) in rows {
            let _ = write!(md, "| {name} |");
            for c in COMPILERS {
                match row.get(&c) {
                    Some(o) => {
                        let _ = write!(md, " {}", cell(o));
                        if let Some(r) = o.reason() {
                            reasons.push((name.clone(), c, r));
                            let _ = write!(md, " [{}]", reasons.len());
                        }
                        md.push_str(" |");
                    }
                    None => md.push_str(" |"),
                }
            }
            md.push('\n');
        }
        if !reasons.is_empty() {
            md.push_str("\nWhy:\n\n");
            for (i, (name, c, r)) in reasons.iter().enumerate() {
                let prog = programs.iter().find(|p| &p.name == name);
                let known = match c {
                    Compiler::Gcc => prog.and_then(|p| p.gcc_cannot.as_ref()),
                    Compiler::Bpfcc => prog.and_then(|p| p.bpfcc_known_failure.as_ref()),
                    Compiler::Clang => None,
                };
                let _ = match known.filter(|_| *headers == Headers::Ours) {
                    Some(k) => writeln!(md, "{}. {name}, {}: {k} ({r})", i + 1, c.label()),
                    None => writeln!(md, "{}. {name}, {}: {r}", i + 1, c.label()),
                };
            }
        }
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_lines_are_picked_and_escaped() {
        assert_eq!(
            first_error_line("In file included from x.c:1:\nx.c:3:5: error: bad | thing\n"),
            "x.c:3:5: error: bad \\| thing"
        );
        assert_eq!(
            first_error_line(
                "libbpf: load failed\n0: (b7) r0 = 0\nR1 invalid mem access\nprocessed 3 insns\n"
            ),
            "R1 invalid mem access"
        );
        assert_eq!(
            first_error_line("libbpf: BTF loading error: -524\nlibbpf: Error loading .BTF into kernel: -524. BTF is optional, ignoring.\nlibbpf: failed to find BTF for extern 'x': -2\nError: failed to open object file\n"),
            "libbpf: failed to find BTF for extern 'x': -2"
        );
    }

    #[test]
    fn every_compat_program_has_an_expect_file_with_results() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let programs = discover(&programs_dir(root)).unwrap();
        assert!(
            programs.len() >= 30,
            "only {} compat programs",
            programs.len()
        );
        for p in &programs {
            let text = std::fs::read_to_string(&p.expect)
                .unwrap_or_else(|e| panic!("{}: {e}", p.expect.display()));
            let e = expect::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", p.expect.display()));
            assert!(!e.programs.is_empty(), "{}: no programs", p.name);
            for prog in &e.programs {
                assert!(
                    !prog.runs.is_empty(),
                    "{}: `{}` has no runs",
                    p.name,
                    prog.name
                );
                for run in &prog.runs {
                    assert!(run.retval.is_some(), "{}: `?` at line {}", p.name, run.line);
                }
            }
        }
    }
}
