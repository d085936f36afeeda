//! Project tasks: `cargo xtask bench`, `cargo xtask gen-helpers` (see
//! [`gen_helpers`]), `cargo xtask compat` (see [`compat`]) and `cargo xtask
//! refs` (see [`refs`]).
//!
//! `bench` builds bpfcc in release mode, then measures, with repeated runs
//! and medians:
//! (a) the front end: `bpfcc -fsyntax-only` against
//!     `clang-19 -fsyntax-only --target=bpf` on vmlinux.h (the project's goal
//!     is bpfcc at least 5x faster);
//! (b) whole compiles (`-O2 -c`) of every testsuite program, bpfcc against
//!     clang-19.
//! Parts whose tools are missing print `SKIP: ...`.

mod compat;
mod gen_helpers;
mod refs;
mod verifier_corpus;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const USAGE: &str = "usage: cargo xtask bench [--runs N] [--vmlinux PATH]
       cargo xtask gen-helpers [BPF_H]
       cargo xtask compat [--only PROGRAM-SUBSTRING]
       cargo xtask refs
       cargo xtask verifier-corpus [--only FILE-SUBSTRING] [--bpfcc PATH]

  refs            unpacks linux-source-6.12's selftests, libbpf and UAPI headers and a
                  vmlinux.h of the running kernel into target/ref/ (the tests' references)

  verifier-corpus builds the selftests' progs/verifier_*.c with clang-19 and bpfcc (the
                  selftests' flags), loads each program alone, and reports how many of the
                  programs accepted from clang's build are accepted from bpfcc's
                  (report in target/verifier-corpus/report.txt; needs root and libbpf-dev)

  gen-helpers     writes runtime-headers/bpf/bpf_helper_defs.h from the kernel's UAPI
                  bpf.h (default: linux-source-6.12's include/uapi/linux/bpf.h)
  compat          builds testsuite/compat/*.c with clang-19, bpf-gcc and bpfcc against
                  runtime-headers/bpf and against libbpf's headers, loads and runs them,
                  prints the matrix and writes it to docs/compat.md

  --runs N        runs of each measurement (default 7; the front end, a run of
                  under a second, gets three times as many); the median is reported
  --vmlinux PATH  the header for the front-end benchmark (default: target/vmlinux.h,
                  generated with `bpftool btf dump file /sys/kernel/btf/vmlinux format c`)";

/// The front end must be at least this much faster than clang's.
const FRONT_END_GOAL: f64 = 5.0;

/// Front-end runs per `--runs`.
const FRONT_END_RUNS_PER_RUN: usize = 3;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => match BenchArgs::parse(&args[1..]) {
            Ok(b) => match bench(&b) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("xtask: error: {e}");
                    ExitCode::FAILURE
                }
            },
            Err(e) => {
                eprintln!("xtask: error: {e}\n{USAGE}");
                ExitCode::FAILURE
            }
        },
        Some("gen-helpers") => {
            let Some(bpf_h) = args
                .get(1)
                .map(PathBuf::from)
                .or_else(gen_helpers::default_bpf_h)
            else {
                eprintln!("xtask: error: linux-source-6.12 not found: give the path of bpf.h");
                return ExitCode::FAILURE;
            };
            let out = workspace_root().join(gen_helpers::OUTPUT);
            match gen_helpers::generate(&bpf_h).and_then(|text| {
                std::fs::write(&out, text)
                    .map_err(|e| format!("cannot write {}: {e}", out.display()))
            }) {
                Ok(()) => {
                    println!("wrote {}", out.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("xtask: error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("compat") => compat::main(&args[1..]),
        Some("verifier-corpus") => verifier_corpus::main(&args[1..]),
        Some("refs") => match refs::main(&workspace_root()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("xtask: error: {e}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("{USAGE}");
            ExitCode::FAILURE
        }
    }
}

struct BenchArgs {
    runs: usize,
    vmlinux: Option<PathBuf>,
}

impl BenchArgs {
    fn parse(args: &[String]) -> Result<BenchArgs, String> {
        let mut b = BenchArgs {
            runs: 7,
            vmlinux: None,
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--runs" => {
                    let v = it.next().ok_or("--runs needs a value")?;
                    b.runs = v
                        .parse()
                        .ok()
                        .filter(|&n| n > 0)
                        .ok_or_else(|| format!("bad --runs value '{v}'"))?;
                }
                "--vmlinux" => {
                    b.vmlinux = Some(PathBuf::from(it.next().ok_or("--vmlinux needs a path")?))
                }
                other => return Err(format!("unknown argument '{other}'")),
            }
        }
        Ok(b)
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Runs `cmd` to completion; the wall time, or the failure with its stderr.
fn time_run(cmd: &mut Command) -> Result<Duration, String> {
    let start = Instant::now();
    let out = cmd
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("{cmd:?}: {e}"))?;
    let elapsed = start.elapsed();
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first: Vec<&str> = stderr.lines().take(5).collect();
        return Err(format!("{:?} failed:\n{}", cmd, first.join("\n")));
    }
    Ok(elapsed)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn bench(args: &BenchArgs) -> Result<(), String> {
    let root = workspace_root();
    println!("building bpfcc (release)...");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "--quiet", "-p", "bpfcc"])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo build --release failed".into());
    }
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let bpfcc = target_dir.join("release/bpfcc");
    let clang = have("clang-19");

    front_end(args, &bpfcc, clang, &target_dir)?;
    whole_compile(args, &root, &bpfcc, clang, &target_dir)?;
    Ok(())
}

fn vmlinux_header(args: &BenchArgs, target_dir: &Path) -> Result<Option<PathBuf>, String> {
    if let Some(p) = &args.vmlinux {
        return Ok(Some(p.clone()));
    }
    let path = target_dir.join("vmlinux.h");
    if path.is_file() {
        return Ok(Some(path));
    }
    if !Path::new("/sys/kernel/btf/vmlinux").exists() {
        println!(
            "SKIP: front end: no /sys/kernel/btf/vmlinux to generate vmlinux.h (pass --vmlinux)"
        );
        return Ok(None);
    }
    let out = match Command::new("bpftool")
        .args([
            "btf",
            "dump",
            "file",
            "/sys/kernel/btf/vmlinux",
            "format",
            "c",
        ])
        .output()
    {
        Ok(o) if o.status.success() => o.stdout,
        Ok(o) => {
            println!(
                "SKIP: front end: bpftool btf dump failed: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            );
            return Ok(None);
        }
        Err(_) => {
            println!("SKIP: front end: bpftool not installed (pass --vmlinux)");
            return Ok(None);
        }
    };
    std::fs::create_dir_all(target_dir).map_err(|e| e.to_string())?;
    std::fs::write(&path, out).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Some(path))
}

fn front_end(args: &BenchArgs, bpfcc: &Path, clang: bool, target_dir: &Path) -> Result<(), String> {
    let Some(header) = vmlinux_header(args, target_dir)? else {
        return Ok(());
    };
    let size = std::fs::metadata(&header).map(|m| m.len()).unwrap_or(0);
    // Short runs are what a noisy machine disturbs most: more of them
    // steady the median, at a few seconds' cost.
    let runs = args.runs * FRONT_END_RUNS_PER_RUN;
    println!(
        "\nfront end: {} ({:.1} MB), -fsyntax-only, {} runs each",
        header.display(),
        size as f64 / 1e6,
        runs
    );
    let ours_cmd = || {
        let mut c = Command::new(bpfcc);
        c.args(["-fsyntax-only", "-x", "c"]).arg(&header);
        c
    };
    let theirs_cmd = || {
        let mut c = Command::new("clang-19");
        c.args(["-fsyntax-only", "--target=bpf", "-x", "c"])
            .arg(&header);
        c
    };
    // One warm-up run each, so both start from a warm page cache.
    if let Err(e) = time_run(&mut ours_cmd()) {
        println!("  bpfcc failed: {e}");
        return Ok(());
    }
    if !clang {
        let mut v = Vec::new();
        for _ in 0..runs {
            v.push(time_run(&mut ours_cmd())?);
        }
        println!(
            "  bpfcc -fsyntax-only                 median {}",
            secs(median(v))
        );
        println!("SKIP: front end: clang-19 not installed, no ratio");
        return Ok(());
    }
    time_run(&mut theirs_cmd())?;
    // The two compilers alternate, so that a change in the machine's load
    // (a VM's neighbours) weighs on both alike; each pair gives a ratio.
    let (mut ours, mut theirs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let a = time_run(&mut ours_cmd())?;
        let b = time_run(&mut theirs_cmd())?;
        ratios.push(b.as_secs_f64() / a.as_secs_f64());
        ours.push(a);
        theirs.push(b);
    }
    println!(
        "  bpfcc -fsyntax-only                 median {}",
        secs(median(ours))
    );
    println!(
        "  clang-19 -fsyntax-only --target=bpf median {}",
        secs(median(theirs))
    );
    ratios.sort_by(f64::total_cmp);
    let ratio = ratios[ratios.len() / 2];
    println!(
        "  bpfcc is {ratio:.1}x faster than clang-19 (median of {} alternating pairs; goal: {FRONT_END_GOAL}x: {})",
        runs,
        if ratio >= FRONT_END_GOAL {
            "met"
        } else {
            "NOT met"
        }
    );
    Ok(())
}

fn whole_compile(
    args: &BenchArgs,
    root: &Path,
    bpfcc: &Path,
    clang: bool,
    target_dir: &Path,
) -> Result<(), String> {
    let dir = root.join("testsuite/programs");
    let mut programs: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "c"))
            .collect(),
        Err(_) => Vec::new(),
    };
    programs.sort();
    if programs.is_empty() {
        println!("\nSKIP: whole compile: no programs in {}", dir.display());
        return Ok(());
    }
    let out_dir = target_dir.join("bench");
    std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
    let object = out_dir.join("out.o");

    // Some programs need -mcpu=v4 (signed division): use what clang accepts,
    // else v3; a program either compiler rejects is left out of the timing.
    let mut selected: Vec<(PathBuf, &str)> = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    for p in &programs {
        let cpu = if clang
            && time_run(&mut clang_cmd(p, "-mcpu=v3", &object)).is_err()
            && time_run(&mut clang_cmd(p, "-mcpu=v4", &object)).is_ok()
        {
            "-mcpu=v4"
        } else {
            "-mcpu=v3"
        };
        let ours_ok = time_run(&mut bpfcc_cmd(bpfcc, p, cpu, &object)).is_ok();
        let theirs_ok = !clang || time_run(&mut clang_cmd(p, cpu, &object)).is_ok();
        if ours_ok && theirs_ok {
            selected.push((p.clone(), cpu));
        } else {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let who = match (ours_ok, theirs_ok) {
                (false, false) => "both",
                (false, true) => "bpfcc",
                _ => "clang-19",
            };
            failed.push(format!("{name} ({who})"));
        }
    }
    println!(
        "\nwhole compile: {} of {} testsuite programs, -O2 -c, {} runs each",
        selected.len(),
        programs.len(),
        args.runs
    );
    if !failed.is_empty() {
        println!("  left out (failed to compile): {}", failed.join(", "));
    }
    if selected.is_empty() {
        return Ok(());
    }
    let total = |make: &dyn Fn(&Path, &str) -> Command| -> Result<Duration, String> {
        let mut runs = Vec::new();
        for _ in 0..args.runs {
            let mut sum = Duration::ZERO;
            for (p, cpu) in &selected {
                sum += time_run(&mut make(p, cpu))?;
            }
            runs.push(sum);
        }
        Ok(median(runs))
    };
    let ours = total(&|p, cpu| bpfcc_cmd(bpfcc, p, cpu, &object))?;
    println!("  bpfcc    -O2 -c (all programs)  median {}", secs(ours));
    if !clang {
        println!("SKIP: whole compile: clang-19 not installed, no ratio");
        return Ok(());
    }
    let theirs = total(&|p, cpu| clang_cmd(p, cpu, &object))?;
    println!("  clang-19 -O2 -c (all programs)  median {}", secs(theirs));
    println!(
        "  bpfcc is {:.1}x faster than clang-19",
        theirs.as_secs_f64() / ours.as_secs_f64()
    );
    Ok(())
}

fn bpfcc_cmd(bpfcc: &Path, program: &Path, cpu: &str, object: &Path) -> Command {
    let mut c = Command::new(bpfcc);
    c.args(["-O2", "-c", cpu])
        .arg(program)
        .arg("-o")
        .arg(object);
    c
}

fn clang_cmd(program: &Path, cpu: &str, object: &Path) -> Command {
    let mut c = Command::new("clang-19");
    c.args(["--target=bpf", "-O2", "-c", cpu])
        .arg(program)
        .arg("-o")
        .arg(object);
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_runs() {
        let ms = |v: &[u64]| {
            v.iter()
                .map(|&m| Duration::from_millis(m))
                .collect::<Vec<_>>()
        };
        assert_eq!(median(ms(&[30, 10, 20])), Duration::from_millis(20));
        // The upper middle for an even count: never below the true median.
        assert_eq!(median(ms(&[40, 10, 30, 20])), Duration::from_millis(30));
    }

    #[test]
    fn bench_arguments() {
        let args = |s: &str| -> Vec<String> { s.split_whitespace().map(String::from).collect() };
        let b = BenchArgs::parse(&args("--runs 3 --vmlinux /tmp/v.h")).unwrap();
        assert_eq!(b.runs, 3);
        assert_eq!(b.vmlinux, Some(PathBuf::from("/tmp/v.h")));
        assert_eq!(BenchArgs::parse(&[]).unwrap().runs, 7);
        assert!(BenchArgs::parse(&args("--runs 0")).is_err());
        assert!(BenchArgs::parse(&args("--runs")).is_err());
        assert!(BenchArgs::parse(&args("--fast")).is_err());
    }
}
