//! `cargo test` entry of the compatibility matrix (see
//! `bpfcc_testsuite::compat`): fails on what `cargo xtask compat` reports as
//! a problem; compilers or a kernel that are missing are skipped.

use std::path::Path;

#[test]
fn compat_matrix() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let filter = std::env::var("BPFCC_COMPAT_FILTER").ok();
    let report = bpfcc_testsuite::compat::run(root, filter.as_deref());
    for n in &report.notes {
        println!("{n}");
    }
    println!("{}", report.markdown);
    assert!(
        report.problems.is_empty(),
        "compat matrix problems:\n{}",
        report.problems.join("\n")
    );
}

#[test]
fn build_only_programs_compile_with_every_compiler() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let (failures, skipped) = bpfcc_testsuite::compat::build_only(root);
    for s in &skipped {
        println!("{s}");
    }
    assert!(
        failures.is_empty(),
        "build-only failures:\n{}",
        failures.join("\n")
    );
}
