//! The C preprocessor: turns a source file and its includes into the token
//! stream the parser reads.

pub mod token;

use crate::diag::Diagnostics;
use crate::intern::Interner;
use crate::source::{FileId, SourceMap};
use std::path::PathBuf;
use token::{Expansion, Token};

/// Which compiler bpfcc presents itself as in predefined macros.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum Personality {
    /// clang 19 for BPF (`__clang__`, `__clang_major__` 19, `__GNUC__` 4).
    #[default]
    Clang,
    /// GCC's BPF back end (`__GNUC__` 12, `__BPF__`).
    Gcc,
}

/// Everything that shapes preprocessing, from the command line.
#[derive(Clone, Debug, Default)]
pub struct PreprocessOptions {
    /// `-iquote`: searched for `#include "..."` only.
    pub quote_dirs: Vec<PathBuf>,
    /// `-I`.
    pub include_dirs: Vec<PathBuf>,
    /// `-isystem`.
    pub system_dirs: Vec<PathBuf>,
    /// `-idirafter`.
    pub after_dirs: Vec<PathBuf>,
    /// `-D name[=value]` and `-U name`, in command-line order.
    pub macro_ops: Vec<MacroOp>,
    /// `-include file`, in order.
    pub force_includes: Vec<PathBuf>,
    /// `-nostdinc`: no built-in include directory.
    pub nostdinc: bool,
    /// The built-in header directory (`runtime-headers/`); when `None` the
    /// headers embedded in the binary are used.
    pub builtin_include_dir: Option<PathBuf>,
    pub personality: Personality,
    /// `-mcpu=vN`: 1 to 4.
    pub cpu_version: u8,
    /// `-O` level (for `__OPTIMIZE__`).
    pub opt_level: u8,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MacroOp {
    Define(String, Option<String>),
    Undef(String),
}

pub struct PreprocessOutput {
    pub tokens: Vec<Token>,
    pub expansions: Vec<Expansion>,
    /// Every file read, main file first (for `-MD`).
    pub dependencies: Vec<PathBuf>,
}

/// Preprocesses `main` (already in `sources`).
pub fn preprocess(
    main: FileId,
    options: &PreprocessOptions,
    sources: &mut SourceMap,
    interner: &mut Interner,
    diags: &mut Diagnostics,
) -> PreprocessOutput {
    let _ = (main, options, sources, interner, diags);
    todo!("preprocessor")
}
