//! End-to-end: every program in `programs/` built by bpfcc (-O0, -O2) and
//! clang-19, loaded and run in the kernel, compared with its `.expect` file.
//! See `bpfcc_testsuite::endtoend` for the environment variables.

use bpfcc_testsuite::endtoend::{programs_dir, run_all, Plan};

#[test]
fn programs_compute_their_expected_results() {
    let plan = Plan::from_env();
    for note in &plan.notes {
        println!("{note}");
    }
    let report = run_all(&programs_dir(), &plan);
    println!("{}", report.summary());
    if !report.failures.is_empty() {
        let mut text = String::new();
        for f in &report.failures {
            text.push_str("\nFAIL: ");
            text.push_str(f);
        }
        panic!("{}{text}", report.summary());
    }
    assert!(report.programs > 0, "no test programs found");
}
