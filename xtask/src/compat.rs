//! `cargo xtask compat`: the compatibility matrix of the programs in
//! testsuite/compat/ (see `bpfcc_testsuite::compat`), printed and written to
//! docs/compat.md.

use std::process::ExitCode;

pub fn main(args: &[String]) -> ExitCode {
    let mut filter = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--only" => match it.next() {
                Some(v) => filter = Some(v.clone()),
                None => {
                    eprintln!("xtask: error: --only needs a value");
                    return ExitCode::FAILURE;
                }
            },
            other => {
                eprintln!("xtask: error: unknown argument '{other}'");
                return ExitCode::FAILURE;
            }
        }
    }
    let root = super::workspace_root();
    let report = bpfcc_testsuite::compat::run(&root, filter.as_deref());
    print!("{}", report.markdown);
    if filter.is_none() {
        let doc = root.join("docs/compat.md");
        if let Err(e) = std::fs::write(&doc, &report.markdown) {
            eprintln!("xtask: error: cannot write {}: {e}", doc.display());
            return ExitCode::FAILURE;
        }
        println!("wrote {}", doc.display());
    }
    if report.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        for p in &report.problems {
            eprintln!("compat: {p}");
        }
        ExitCode::FAILURE
    }
}
