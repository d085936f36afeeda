//! Fills in the `-> ?` placeholders of `.expect` files by running the test
//! program's C function natively on the host, an oracle independent of both
//! BPF compilers.
//!
//! Usage: `cargo run -p bpfcc-testsuite --bin host-oracle -- programs/foo.c ...`
//!
//! Only `ctx` runs of programs that call no BPF helper can be computed this
//! way (x86-64 and BPF agree on integer sizes, struct and bitfield layout and
//! byte order). The function is built twice, at -O0 with UBSan and at -O2, and
//! the two must agree, so a program relying on undefined behaviour is caught
//! here instead of giving compiler-dependent expectations.

use bpfcc_testsuite::expect::{self, hex_string, InputKind};
use bpfcc_testsuite::scratch::ScratchDir;
use std::path::Path;
use std::process::{Command, ExitCode};

const DRIVER: &str = r#"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
extern unsigned int ORACLE_ENTRY(void *ctx);
int main(int argc, char **argv)
{
	const char *hex = argv[1];
	size_t n = strlen(hex) / 2;
	unsigned char *ctx = malloc(n ? n : 1);
	for (size_t i = 0; i < n; i++)
		sscanf(hex + 2 * i, "%2hhx", &ctx[i]);
	unsigned int r = ORACLE_ENTRY(ctx);
	printf("%u ", r);
	for (size_t i = 0; i < n; i++)
		printf("%02x", ctx[i]);
	printf("\n");
	return 0;
}
"#;

fn run_host(source: &Path, entry: &str, input: &[u8]) -> Result<(u32, Vec<u8>), String> {
    let dir = ScratchDir::new("oracle")?;
    let driver = dir.path().join("driver.c");
    std::fs::write(&driver, DRIVER).map_err(|e| e.to_string())?;
    let mut results = Vec::new();
    for flags in [
        &[
            "-O0",
            "-fsanitize=address,undefined",
            "-fno-sanitize-recover=all",
        ][..],
        &["-O2"][..],
    ] {
        let exe = dir.path().join(format!("prog{}", results.len()));
        let out = Command::new("clang-19")
            .args(flags)
            .args(["-w", "-fno-strict-aliasing"])
            .arg(format!("-DORACLE_ENTRY={entry}"))
            .arg(source)
            .arg(&driver)
            .arg("-o")
            .arg(&exe)
            .output()
            .map_err(|e| format!("cannot run clang-19: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "host build failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let out = Command::new(&exe)
            .arg(hex_string(input))
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "host run failed ({}):\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let (r, hex) = text
            .trim()
            .split_once(' ')
            .ok_or_else(|| format!("bad driver output {text:?}"))?;
        let r: u32 = r
            .parse()
            .map_err(|_| format!("bad driver output {text:?}"))?;
        let bytes = (0..hex.len() / 2)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
            .collect::<Vec<u8>>();
        results.push((r, bytes));
    }
    if results[0] != results[1] {
        return Err(format!(
            "-O0 and -O2 host builds disagree ({} vs {}): undefined behaviour?",
            results[0].0, results[1].0
        ));
    }
    Ok(results.swap_remove(0))
}

fn fill(source: &Path) -> Result<usize, String> {
    let expect_path = source.with_extension("expect");
    let text = std::fs::read_to_string(&expect_path)
        .map_err(|e| format!("cannot read {}: {e}", expect_path.display()))?;
    let file = expect::parse(&text).map_err(|e| format!("{}: {e}", expect_path.display()))?;
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for prog in &file.programs {
        let pending: Vec<_> = prog
            .runs
            .iter()
            .filter(|r| r.placeholder.is_some())
            .collect();
        if pending.is_empty() {
            continue;
        }
        let mut results = Vec::new();
        for run in &pending {
            if run.kind != InputKind::Ctx {
                return Err(format!(
                    "line {}: the host oracle only computes ctx runs",
                    run.line
                ));
            }
            let r = run_host(source, &prog.name, &run.input.bytes)
                .map_err(|e| format!("line {}: {e}", run.line))?;
            results.push(r);
        }
        // Give ctx_out for every run of a program that writes its context.
        let writes = pending
            .iter()
            .zip(&results)
            .any(|(run, (_, out))| out != &run.input.bytes);
        for (run, (r, out)) in pending.iter().zip(&results) {
            let mut s = if *r > i32::MAX as u32 {
                (*r as i32).to_string()
            } else {
                r.to_string()
            };
            if writes && run.output.is_none() {
                s.push_str(" ctx_out ");
                s.push_str(&run.input.render_like(out));
            }
            edits.push((run.placeholder.clone().unwrap(), s));
        }
    }
    let n = edits.len();
    let mut new = text.clone();
    edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    for (range, s) in edits {
        new.replace_range(range, &s);
    }
    if n > 0 {
        std::fs::write(&expect_path, new).map_err(|e| e.to_string())?;
    }
    Ok(n)
}

fn main() -> ExitCode {
    let mut ok = true;
    for arg in std::env::args().skip(1) {
        match fill(Path::new(&arg)) {
            Ok(n) => println!("{arg}: {n} runs filled in"),
            Err(e) => {
                eprintln!("{arg}: {e}");
                ok = false;
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
