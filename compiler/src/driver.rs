//! Running the pipeline: the in-process API behind the `bpfcc` binary.

use crate::diag::Diagnostics;
use crate::preprocess::PreprocessOptions;
use crate::source::SourceMap;
use std::path::PathBuf;

/// What to compile.
pub enum Input {
    File(PathBuf),
    /// Source text with the name diagnostics should use.
    Source {
        name: String,
        text: String,
    },
}

/// What to produce.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum Emit {
    /// `-c`: an ELF object.
    #[default]
    Object,
    /// `-S`: pseudo-C assembly.
    Assembly,
    /// `-E`: preprocessed source.
    Preprocessed,
    /// `--emit-ir`: the optimized IR (debugging).
    Ir,
}

#[derive(Clone, Debug)]
pub struct Options {
    pub emit: Emit,
    pub opt_level: u8,
    /// `-mcpu=vN`, 1 to 4 (default 3).
    pub cpu_version: u8,
    /// `-g`.
    pub debug_info: bool,
    pub preprocess: PreprocessOptions,
    pub warnings_as_errors: bool,
    pub suppress_warnings: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            emit: Emit::Object,
            opt_level: 0,
            cpu_version: 3,
            debug_info: false,
            preprocess: PreprocessOptions {
                cpu_version: 3,
                ..Default::default()
            },
            warnings_as_errors: false,
            suppress_warnings: false,
        }
    }
}

pub struct CompileOutput {
    /// The object, assembly, preprocessed text or IR; `None` when there were errors.
    pub output: Option<Vec<u8>>,
    pub diagnostics: Diagnostics,
    pub sources: SourceMap,
    /// Every file read (for `-MD`).
    pub dependencies: Vec<PathBuf>,
}

impl CompileOutput {
    /// The diagnostics rendered as text.
    pub fn render_diagnostics(&self) -> String {
        self.diagnostics.render(&self.sources)
    }
}

/// Compiles one input.
pub fn compile(input: Input, options: &Options) -> CompileOutput {
    let _ = (input, options);
    todo!("driver")
}
