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
