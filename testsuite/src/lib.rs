//! bpfcc's end-to-end testsuite: C programs built by bpfcc and clang-19,
//! loaded into the running kernel and run with BPF_PROG_TEST_RUN, and C files
//! that must be rejected with given diagnostics.
//!
//! The modules are reusable by other tests: [`kernel`] (bpf() syscall
//! wrappers), [`expect`] (the `.expect` format), [`build`] (compiling with
//! bpfcc or clang), [`scratch`] (temp and pin directories cleaned up on drop).

pub mod build;
pub mod compat;
pub mod endtoend;
pub mod expect;
pub mod kernel;
pub mod negative;
pub mod scratch;
