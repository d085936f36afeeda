//! `cargo xtask verifier-corpus`: the kernel selftests'
//! `progs/verifier_*.c` built by clang-19 and by bpfcc with the selftests'
//! flags, every program of each object loaded on its own (by the libbpf
//! loader in `verifier_corpus_loader.c`, the way the selftests' test_loader
//! does), and the verdicts compared: of the programs the kernel accepts from
//! clang's build, how many it accepts from bpfcc's.
//!
//! Objects, logs and the report go to target/verifier-corpus/.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

/// A program whose verification takes longer than this is counted as refused.
const LOAD_TIMEOUT_SECS: &str = "600";
const BUILD_TIMEOUT_SECS: &str = "120";
const EPERM: i32 = 1;

struct Args {
    only: Option<String>,
    bpfcc: Option<PathBuf>,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut a = Args {
        only: None,
        bpfcc: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--only" => a.only = Some(it.next().ok_or("--only needs a value")?.clone()),
            "--bpfcc" => a.bpfcc = Some(PathBuf::from(it.next().ok_or("--bpfcc needs a path")?)),
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    Ok(a)
}

pub fn main(args: &[String]) -> ExitCode {
    let args = match parse_args(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("xtask: error: {e}\n{}", super::USAGE);
            return ExitCode::FAILURE;
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One program's verdict from the loader.
#[derive(Clone)]
struct Verdict {
    section: String,
    expect: String,
    accepted: bool,
    errno: i32,
    reason: String,
}

/// One compiler's build of one file: its diagnostic if it failed, else the
/// verdict of each program by name (empty if the loader could not open it).
enum Build {
    Failed(String),
    /// Built, but libbpf refused to open the object (its message).
    Unopened(String),
    Loaded(BTreeMap<String, Verdict>),
}

fn run(args: &Args) -> Result<(), String> {
    let root = super::workspace_root();
    let (Some(linux), Some(vmlinux_dir)) = (
        bpfcc::reference_sources::linux_source(),
        bpfcc::reference_sources::vmlinux_dir(),
    ) else {
        return Err("the kernel sources or vmlinux.h are missing: run `cargo xtask refs`".into());
    };
    for tool in ["clang-19", "cc", "timeout"] {
        if !super::have(tool) {
            return Err(format!("{tool} is not installed"));
        }
    }
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let out = target_dir.join("verifier-corpus");
    for d in ["clang", "bpfcc", "inc"] {
        std::fs::create_dir_all(out.join(d))
            .map_err(|e| format!("cannot create {}: {e}", out.join(d).display()))?;
    }
    let bpfcc = match &args.bpfcc {
        Some(p) => p.clone(),
        None => {
            println!("building bpfcc (release)...");
            let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .args(["build", "--release", "--quiet", "-p", "bpfcc"])
                .current_dir(&root)
                .status()
                .map_err(|e| format!("cannot run cargo: {e}"))?;
            if !status.success() {
                return Err("cargo build --release failed".into());
            }
            target_dir.join("release/bpfcc")
        }
    };
    let uid = Command::new("id")
        .arg("-u")
        .output()
        .map_err(|e| e.to_string())?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Err("loading BPF programs needs root (CAP_BPF and CAP_SYS_ADMIN)".into());
    }
    let loader = build_loader(&root, &out)?;

    let helper_defs = out.join("inc/bpf_helper_defs.h");
    let defs = Command::new("python3")
        .arg(linux.join("scripts/bpf_doc.py"))
        .args(["--header", "--file"])
        .arg(linux.join("include/uapi/linux/bpf.h"))
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if !defs.status.success() {
        return Err("scripts/bpf_doc.py failed".into());
    }
    std::fs::write(&helper_defs, defs.stdout).map_err(|e| e.to_string())?;

    let selftests = linux.join("tools/testing/selftests/bpf");
    let flags = selftests_flags(&linux, &selftests, &vmlinux_dir, &out.join("inc"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(selftests.join("progs"))
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with("verifier_")
                && name.ends_with(".c")
                && args.only.as_ref().is_none_or(|o| name.contains(o.as_str()))
        })
        .collect();
    files.sort();

    let mut results = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        eprint!("\r[{}/{}] {name:<50}", i + 1, files.len());
        let clang = build_and_load(
            Path::new("clang-19"),
            &flags,
            file,
            &out.join("clang"),
            &name,
            &loader,
        );
        let ours = build_and_load(&bpfcc, &flags, file, &out.join("bpfcc"), &name, &loader);
        results.push((name, clang, ours));
    }
    eprintln!();
    let report = report(&results).replace(&format!("{}/", selftests.join("progs").display()), "");
    print!("{report}");
    let path = out.join("report.txt");
    std::fs::write(&path, &report).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}

/// The selftests Makefile's BPF_CFLAGS (`-g -O2 --target=bpf -mcpu=v3
/// -D__TARGET_ARCH_x86`, the selftests tree and libbpf's headers first),
/// without -Wall -Werror: the 6.12 sources warn under clang-19 already.
fn selftests_flags(linux: &Path, selftests: &Path, vmlinux_dir: &Path, inc: &Path) -> Vec<String> {
    let arch_inc = format!("/usr/include/{}-linux-gnu", std::env::consts::ARCH);
    let mut f: Vec<String> = [
        "-g",
        "-O2",
        "--target=bpf",
        "-mcpu=v3",
        "-D__TARGET_ARCH_x86",
    ]
    .map(String::from)
    .to_vec();
    for dir in [
        selftests.to_path_buf(),
        linux.join("tools/lib"),
        selftests.join("progs"),
        vmlinux_dir.to_path_buf(),
        inc.to_path_buf(),
        linux.join("tools/include/uapi"),
    ] {
        f.push(format!("-I{}", dir.display()));
    }
    for dir in ["/usr/include", arch_inc.as_str()] {
        f.push("-idirafter".into());
        f.push(dir.into());
    }
    f.push("-Wno-compare-distinct-pointer-types".into());
    f.push("-fno-strict-aliasing".into());
    f
}

fn build_loader(root: &Path, out: &Path) -> Result<PathBuf, String> {
    let src = root.join("xtask/src/verifier_corpus_loader.c");
    let bin = out.join("loader");
    let o = Command::new("cc")
        .args(["-O1", "-Wall", "-o"])
        .arg(&bin)
        .arg(&src)
        .arg("-lbpf")
        .output()
        .map_err(|e| format!("cannot run cc: {e}"))?;
    if !o.status.success() {
        return Err(format!(
            "cannot build the loader (libbpf-dev installed?):\n{}",
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    Ok(bin)
}

fn build_and_load(
    compiler: &Path,
    flags: &[String],
    file: &Path,
    dir: &Path,
    name: &str,
    loader: &Path,
) -> Build {
    let obj = dir.join(format!("{name}.o"));
    let _ = std::fs::remove_file(&obj);
    let built = Command::new("timeout")
        .arg(BUILD_TIMEOUT_SECS)
        .arg(compiler)
        .args(flags)
        .arg("-c")
        .arg(file)
        .arg("-o")
        .arg(&obj)
        .stdout(Stdio::null())
        .output();
    let built = match built {
        Ok(o) => o,
        Err(e) => return Build::Failed(format!("cannot run {}: {e}", compiler.display())),
    };
    let stderr = String::from_utf8_lossy(&built.stderr).into_owned();
    let _ = std::fs::write(dir.join(format!("{name}.build.log")), &stderr);
    if !built.status.success() || !obj.is_file() {
        return Build::Failed(first_error(&stderr, built.status.code()));
    }
    let loaded = Command::new("timeout")
        .arg(LOAD_TIMEOUT_SECS)
        .arg(loader)
        .arg(&obj)
        .output();
    let loaded = match loaded {
        Ok(o) => o,
        Err(e) => return Build::Failed(format!("cannot run the loader: {e}")),
    };
    let stdout = String::from_utf8_lossy(&loaded.stdout).into_owned();
    let _ = std::fs::write(dir.join(format!("{name}.load.log")), &stdout);
    let mut verdicts = BTreeMap::new();
    for line in stdout.lines() {
        let cols: Vec<&str> = line.splitn(6, '\t').collect();
        if let [prog, section, expect, verdict, errno, reason] = cols[..] {
            verdicts.insert(
                prog.to_string(),
                Verdict {
                    section: section.to_string(),
                    expect: expect.to_string(),
                    accepted: verdict == "ok",
                    errno: errno.parse().unwrap_or(0),
                    reason: reason.to_string(),
                },
            );
        }
    }
    if verdicts.is_empty() && !loaded.status.success() {
        let err = String::from_utf8_lossy(&loaded.stderr);
        let why = err.lines().find(|l| l.contains("libbpf:")).unwrap_or("");
        let why = why.split_once("libbpf:").map_or(why, |(_, w)| w.trim());
        return Build::Unopened(why.chars().take(240).collect());
    }
    Build::Loaded(verdicts)
}

/// The compiler's first `error:` line (or how it died), for the report.
fn first_error(stderr: &str, code: Option<i32>) -> String {
    let line = stderr
        .lines()
        .find(|l| l.contains("error") || l.contains("panicked"))
        .or_else(|| stderr.lines().next());
    match (line, code) {
        (_, Some(124)) => format!("timed out after {BUILD_TIMEOUT_SECS} s"),
        (Some(l), _) => l.chars().take(240).collect(),
        (None, Some(c)) => format!("exit status {c}, no diagnostic"),
        (None, None) => "killed by a signal, no diagnostic".into(),
    }
}

/// Refusals that no compiler can get past on this machine: program types the
/// VM refuses before the verifier runs, kernel objects (bpf_testmod, its
/// kfuncs, attach targets) that are not there, and section names the
/// system's libbpf does not know.
fn cannot_load_here(v: &Verdict) -> bool {
    let tracing = ["fentry", "fexit", "fmod_ret", "lsm", "freplace"]
        .iter()
        .any(|p| v.section.trim_start_matches('?').starts_with(p));
    (tracing && v.errno == EPERM)
        || v.reason.contains("bpf_testmod")
        || v.reason.contains("not found in kernel or module BTFs")
        || v.reason.contains("failed to find kernel BTF type ID")
        || v.reason.contains("failed to resolve CO-RE relocation")
        // Section names newer than the system's libbpf (tcx/, netfilter, ...).
        || v.reason.contains("missing BPF prog type")
}

/// A verifier message with its numbers and quoted names masked, so that the
/// same cause at different registers, offsets and functions groups together.
fn cause_key(reason: &str) -> String {
    let mut s = String::new();
    let mut last_digit = false;
    let mut quoted = false;
    for c in reason.chars() {
        if c == '\'' {
            if !quoted {
                s.push_str("'…");
            }
            quoted = !quoted;
            if !quoted {
                s.push('\'');
            }
            last_digit = false;
        } else if quoted {
        } else if c.is_ascii_digit() {
            if !last_digit {
                s.push('N');
            }
            last_digit = true;
        } else {
            s.push(c);
            last_digit = false;
        }
    }
    s
}

fn report(results: &[(String, Build, Build)]) -> String {
    let mut r = String::new();
    let files = results.len();
    let clang_built = results
        .iter()
        .filter(|(_, c, _)| matches!(c, Build::Loaded(_)))
        .count();
    let bpfcc_built = results
        .iter()
        .filter(|(_, _, b)| matches!(b, Build::Loaded(_)))
        .count();
    let (mut clang_programs, mut clang_ok, mut cannot, mut expected_refusal, mut other_refusal) =
        (0, 0, 0, 0, 0);
    let mut bpfcc_ok = 0;
    let mut regressions: Vec<(String, String, String)> = Vec::new();
    let mut causes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unexpected_clang: Vec<String> = Vec::new();
    let mut bpfcc_only = 0;
    for (file, clang, ours) in results {
        let Build::Loaded(clang) = clang else {
            continue;
        };
        for (prog, cv) in clang {
            clang_programs += 1;
            if !cv.accepted {
                if cannot_load_here(cv) {
                    cannot += 1;
                } else if cv.expect == "failure" {
                    expected_refusal += 1;
                } else {
                    other_refusal += 1;
                    unexpected_clang.push(format!("{file}/{prog}: {}", cv.reason));
                }
                if let Build::Loaded(b) = ours {
                    if b.get(prog).is_some_and(|bv| bv.accepted) {
                        bpfcc_only += 1;
                    }
                }
                continue;
            }
            clang_ok += 1;
            let (cause, detail) = match ours {
                Build::Failed(diag) => (format!("build: {}", strip_location(diag)), diag.clone()),
                Build::Unopened(why) => (
                    format!("libbpf open: {}", cause_key(why)),
                    format!("libbpf cannot open the object: {why}"),
                ),
                Build::Loaded(b) => match b.get(prog) {
                    Some(bv) if bv.accepted => {
                        bpfcc_ok += 1;
                        continue;
                    }
                    Some(bv) => (
                        format!("verifier: {}", cause_key(&bv.reason)),
                        bv.reason.clone(),
                    ),
                    None => ("program missing from bpfcc's object".into(), String::new()),
                },
            };
            causes
                .entry(cause)
                .or_default()
                .push(format!("{file}/{prog}"));
            regressions.push((file.clone(), prog.clone(), detail));
        }
    }
    let _ = writeln!(r, "verifier_*.c files: {files}");
    let _ = writeln!(
        r,
        "  built (and opened by libbpf): clang-19 {clang_built}, bpfcc {bpfcc_built}"
    );
    let _ = writeln!(r, "programs in clang's objects: {clang_programs}");
    let _ = writeln!(r, "  accepted from clang's build:  {clang_ok}");
    let _ = writeln!(r, "    of those, accepted from bpfcc's build: {bpfcc_ok}");
    let _ = writeln!(
        r,
        "  refused from clang's build, cannot load here (VM, bpf_testmod, old libbpf): {cannot}"
    );
    let _ = writeln!(
        r,
        "  refused from clang's build, marked __failure: {expected_refusal}"
    );
    let _ = writeln!(
        r,
        "  refused from clang's build, otherwise: {other_refusal}"
    );
    let _ = writeln!(
        r,
        "  refused from clang's build but accepted from bpfcc's: {bpfcc_only}"
    );
    let _ = writeln!(r);
    let _ = writeln!(r, "files bpfcc does not build, or libbpf does not open:");
    for (file, clang, ours) in results {
        let clang = match clang {
            Build::Loaded(_) => "",
            Build::Failed(_) => " (clang's build fails too)",
            Build::Unopened(_) => " (clang's object neither)",
        };
        match ours {
            Build::Failed(d) => {
                let _ = writeln!(r, "  {file}: {d}{clang}");
            }
            Build::Unopened(why) => {
                let _ = writeln!(r, "  {file}: libbpf cannot open it: {why}{clang}");
            }
            Build::Loaded(_) => {}
        }
    }
    let _ = writeln!(r);
    let _ = writeln!(
        r,
        "accepted from clang's build, refused from bpfcc's ({}):",
        regressions.len()
    );
    for (file, prog, detail) in &regressions {
        let _ = writeln!(r, "  {file}/{prog}: {detail}");
    }
    let _ = writeln!(r);
    let _ = writeln!(r, "bpfcc's refusals by cause:");
    let mut by_count: Vec<_> = causes.iter().collect();
    by_count.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    for (cause, progs) in by_count {
        let _ = writeln!(r, "  {:4}  {cause}", progs.len());
        let shown: Vec<&str> = progs.iter().take(3).map(String::as_str).collect();
        let more = if progs.len() > 3 { ", ..." } else { "" };
        let _ = writeln!(r, "        e.g. {}{more}", shown.join(", "));
    }
    if !unexpected_clang.is_empty() {
        let _ = writeln!(r);
        let _ = writeln!(
            r,
            "clang's build refused, not marked __failure ({}):",
            unexpected_clang.len()
        );
        for u in &unexpected_clang {
            let _ = writeln!(r, "  {u}");
        }
    }
    r
}

/// A diagnostic without its `path:line:col: ` part, for grouping build
/// failures (bpfcc writes `error: path:line:col: msg`, clang `path:line:col:
/// error: msg`).
fn strip_location(diag: &str) -> String {
    let mut rest = diag;
    let mut kept = String::new();
    while let Some(i) = rest.find(": ") {
        let head = &rest[..i];
        let mut parts = head.rsplitn(3, ':');
        let (col, line) = (parts.next(), parts.next());
        let is_location = [col, line]
            .iter()
            .all(|p| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())));
        if is_location {
            return format!("{kept}{}", &rest[i + 2..]);
        }
        kept.push_str(&rest[..i + 2]);
        rest = &rest[i + 2..];
    }
    diag.to_string()
}
