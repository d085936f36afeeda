//! bpfcc: a C compiler for BPF.
//!
//! The pipeline, one module each: [`preprocess`] → [`parse`] → [`sema`] →
//! [`lower`] → [`ir`] + [`passes`] → [`bpf`] (selection, allocation, encoding)
//! → [`elf`] (the object file). [`driver`] runs it from options; [`compile`]
//! is the in-process API.

pub mod asm;
pub mod bpf;
pub mod btf;
pub mod diag;
pub mod disasm;
pub mod driver;
pub mod dwarf;
pub mod elf;
mod front_end;
pub mod heap;
pub mod intern;
pub mod ir;
pub mod lower;
pub mod parse;
pub mod passes;
pub mod preprocess;
pub mod reference_sources;
pub mod sema;
pub mod source;

pub use driver::{compile, CompileOutput, Input, Options};
