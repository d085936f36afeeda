//! Negative tests: every file in `errors/` must be rejected by bpfcc with the
//! diagnostics its `// ERROR` comments give, without panicking.

use bpfcc_testsuite::negative::{check_file, errors_dir};

#[test]
fn invalid_programs_are_rejected_with_their_diagnostics() {
    if std::env::var("BPFCC_TEST_ONLY").as_deref() == Ok("clang") {
        println!("SKIP: negative tests need bpfcc (BPFCC_TEST_ONLY=clang)");
        return;
    }
    let dir = errors_dir();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("errors/ exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no negative tests in {}", dir.display());
    let mut failures = Vec::new();
    for f in &files {
        if let Err(e) = check_file(f) {
            failures.push(format!(
                "FAIL: {}: {e}",
                f.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    println!("{} negative tests, {} failed", files.len(), failures.len());
    if !failures.is_empty() {
        panic!(
            "{} of {} negative tests failed:\n{}",
            failures.len(),
            files.len(),
            failures.join("\n")
        );
    }
}

/// The negative tests are invalid for the reference compiler too (except the
/// ones marked `// CLANG-ACCEPTS`), so they test bpfcc's checks rather than
/// its bugs.
#[test]
fn invalid_programs_are_rejected_by_clang() {
    use bpfcc_testsuite::build::{clang_available, CLANG};
    if !clang_available() {
        println!("SKIP: {CLANG} not installed");
        return;
    }
    let dir = errors_dir();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("errors/ exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    files.sort();
    let scratch = bpfcc_testsuite::scratch::ScratchDir::new("neg").unwrap();
    let mut accepted = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let test = bpfcc_testsuite::negative::parse(&text).unwrap();
        let status = std::process::Command::new(CLANG)
            .args(["--target=bpf", "-O2", &format!("-mcpu=v{}", test.cpu), "-c"])
            .arg(f)
            .arg("-o")
            .arg(scratch.path().join("out.o"))
            .stderr(std::process::Stdio::null())
            .status()
            .expect("clang runs");
        let marked = text.contains("// CLANG-ACCEPTS");
        if status.success() != marked {
            accepted.push(format!(
                "{}: clang {} it",
                f.file_name().unwrap().to_string_lossy(),
                if status.success() {
                    "accepts"
                } else {
                    "rejects"
                }
            ));
        }
    }
    assert!(accepted.is_empty(), "{}", accepted.join("\n"));
}
