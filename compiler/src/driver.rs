//! Running the pipeline: the in-process API behind the `bpfcc` binary.
//!
//! [`compile`] reads one input and runs preprocess → parse → sema → lower →
//! passes → back end → object writer, stopping after the stage [`Emit`] asks
//! for, or after any stage that reported errors (the diagnostics are then the
//! output). [`args`] turns a clang/gcc command line into [`Options`];
//! [`depfile`] writes make dependency files.

pub mod args;
pub mod depfile;

use crate::bpf::{self, BackendOptions};
use crate::diag::Diagnostics;
use crate::intern::Interner;
use crate::preprocess::{self, PreprocessOptions, PreprocessOutput};
use crate::sema::SemaOptions;
use crate::source::{SourceMap, SourceText};
use crate::{asm, btf, dwarf, elf, front_end, ir, lower, passes};
use std::path::{Path, PathBuf};

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
    /// `-fsyntax-only`: stop after semantic checks; no output.
    SyntaxOnly,
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
    /// `-x`: the language of the input (default: from its name).
    pub language: Language,
}

/// What an input is written in.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum Language {
    /// `.s` and `.S`/`.sx` are assembly, anything else C.
    #[default]
    ByExtension,
    C,
    /// `-x assembler`: BPF assembly, pseudo-C or GNU syntax.
    Assembler,
    /// `-x assembler-with-cpp`: assembly through the preprocessor first.
    AssemblerWithCpp,
}

impl Language {
    /// The language of the input named `name`.
    pub fn of(self, name: &str) -> Language {
        if self != Language::ByExtension {
            return self;
        }
        match Path::new(name).extension().and_then(|e| e.to_str()) {
            Some("s") => Language::Assembler,
            Some("S") | Some("sx") => Language::AssemblerWithCpp,
            _ => Language::C,
        }
    }
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
            language: Language::ByExtension,
        }
    }
}

pub struct CompileOutput {
    /// The object, assembly, preprocessed text or IR; `None` when there were
    /// errors (and for `-fsyntax-only`).
    pub output: Option<Vec<u8>>,
    pub diagnostics: Diagnostics,
    pub sources: SourceMap,
    /// Every file read (for `-MD`), main file first.
    pub dependencies: Vec<PathBuf>,
    /// Those of `dependencies` that are system headers (left out by `-MMD`).
    pub system_dependencies: Vec<PathBuf>,
}

impl CompileOutput {
    /// The diagnostics rendered as text.
    pub fn render_diagnostics(&self) -> String {
        self.diagnostics.render(&self.sources)
    }

    /// True when the compilation failed (errors, or warnings with `-Werror`).
    pub fn failed(&self) -> bool {
        self.diagnostics.has_errors()
    }
}

/// The built-in header directory (`runtime-headers/`): `$BPFCC_RUNTIME_HEADERS`,
/// else next to the installed binary (`<exe>/../runtime-headers`) or in the
/// source tree when run from `target/<profile>/`; `None` means the headers
/// embedded in the binary.
pub fn runtime_headers_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("BPFCC_RUNTIME_HEADERS") {
        return Some(PathBuf::from(dir));
    }
    let exe = std::env::current_exe().ok()?;
    let exe_dir = exe.parent()?;
    [
        exe_dir.join("../runtime-headers"),
        exe_dir.join("../../runtime-headers"),
    ]
    .into_iter()
    .find(|d| d.is_dir())
}

/// Compiles one input.
pub fn compile(input: Input, options: &Options) -> CompileOutput {
    compile_with(input, options, Teardown::Free)
}

/// Like [`compile`], for a process that exits right after: the token stream,
/// syntax tree, typed tree and IR are never freed. Freeing them is pure work
/// at exit (millions of small allocations for a vmlinux.h), the OS reclaims
/// the memory anyway.
pub fn compile_then_exit(input: Input, options: &Options) -> CompileOutput {
    compile_with(input, options, Teardown::Leak)
}

/// Whether the compiler's large intermediate structures are freed.
#[derive(Copy, Clone, PartialEq, Eq)]
enum Teardown {
    Free,
    Leak,
}

/// Owns a value that is dropped, or deliberately leaked, per [`Teardown`].
struct Phase<T> {
    value: std::mem::ManuallyDrop<T>,
    teardown: Teardown,
}

impl<T> Phase<T> {
    fn new(value: T, teardown: Teardown) -> Phase<T> {
        Phase {
            value: std::mem::ManuallyDrop::new(value),
            teardown,
        }
    }
}

impl<T> std::ops::Deref for Phase<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> std::ops::DerefMut for Phase<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

impl<T> Drop for Phase<T> {
    fn drop(&mut self) {
        if self.teardown == Teardown::Free {
            // SAFETY: dropped exactly once, here; `value` is not used after.
            unsafe { std::mem::ManuallyDrop::drop(&mut self.value) }
        }
    }
}

fn compile_with(input: Input, options: &Options, teardown: Teardown) -> CompileOutput {
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics {
        warnings_as_errors: options.warnings_as_errors,
        suppress_warnings: options.suppress_warnings,
        ..Diagnostics::new()
    };
    let (main, source_name) = match input {
        Input::File(path) => {
            let name = path.to_string_lossy().into_owned();
            let read = if path == Path::new("-") {
                read_stdin().map(SourceText::from_bytes)
            } else {
                SourceText::read(&path)
            };
            match read {
                Ok(text) => {
                    let display = if path == Path::new("-") {
                        "<stdin>".to_string()
                    } else {
                        name.clone()
                    };
                    (sources.add(display, Some(path), text), name)
                }
                Err(e) => {
                    diags.error_nospan(format!("cannot read '{name}': {e}"));
                    return CompileOutput {
                        output: None,
                        diagnostics: diags,
                        sources,
                        dependencies: Vec::new(),
                        system_dependencies: Vec::new(),
                    };
                }
            }
        }
        Input::Source { name, text } => (sources.add(name.clone(), None, text), name),
    };

    let language = options.language.of(&source_name);
    if language == Language::Assembler {
        let text = sources.file(main).text.to_string();
        return assemble_text(&text, &source_name, options, sources, diags);
    }

    let mut pp_options = options.preprocess.clone();
    pp_options.cpu_version = options.cpu_version;
    pp_options.opt_level = options.opt_level;
    add_default_system_dirs(&mut pp_options);
    let mut interner = Phase::new(Interner::new(), teardown);
    if options.emit == Emit::Preprocessed || language == Language::AssemblerWithCpp {
        let pp = Phase::new(
            preprocess::preprocess(main, &pp_options, &mut sources, &mut interner, &mut diags),
            teardown,
        );
        let (dependencies, system_dependencies) = dependencies_of(&pp, &sources);
        let finish = |output: Option<Vec<u8>>, diagnostics: Diagnostics, sources: SourceMap| {
            finished(
                output,
                diagnostics,
                sources,
                &dependencies,
                &system_dependencies,
            )
        };
        if diags.has_errors() {
            return finish(None, diags, sources);
        }
        if pp_options.dump_macros {
            let mut text = pp.macros.join("\n");
            text.push('\n');
            return finish(Some(text.into_bytes()), diags, sources);
        }
        let text = preprocess::write_preprocessed(&pp, &sources, &interner);
        if options.emit == Emit::Preprocessed {
            return finish(Some(text.into_bytes()), diags, sources);
        }
        let out = assemble_text(&text, &source_name, options, sources, diags);
        return CompileOutput {
            dependencies,
            system_dependencies,
            ..out
        };
    }
    // C: the preprocessor, the parser and sema run as one stream.
    let sema_options = SemaOptions {
        cpu_version: options.cpu_version,
    };
    let (program, pp) = front_end::check_c(
        main,
        &pp_options,
        &mut sources,
        &mut interner,
        &mut diags,
        &sema_options,
    );
    let program = Phase::new(program, teardown);
    let (dependencies, system_dependencies) = dependencies_of(&pp, &sources);
    let finish = |output: Option<Vec<u8>>, diagnostics: Diagnostics, sources: SourceMap| {
        finished(
            output,
            diagnostics,
            sources,
            &dependencies,
            &system_dependencies,
        )
    };
    if diags.has_errors() || options.emit == Emit::SyntaxOnly {
        return finish(None, diags, sources);
    }

    let mut module = Phase::new(lower::lower(&program, &interner, &mut diags), teardown);
    if diags.has_errors() {
        return finish(None, diags, sources);
    }
    passes::optimize(&mut module, options.opt_level);
    if options.emit == Emit::Ir {
        return finish(
            Some(ir::print::print_module(&module).into_bytes()),
            diags,
            sources,
        );
    }

    let backend = BackendOptions {
        cpu_version: options.cpu_version,
        opt_level: options.opt_level,
    };
    let functions = bpf::compile_module(&module, &backend, &mut diags);
    if diags.has_errors() {
        return finish(None, diags, sources);
    }
    match options.emit {
        Emit::Assembly => {
            let text = bpf::asm_print::print_assembly(&functions, &module);
            finish(Some(text.into_bytes()), diags, sources)
        }
        _ => {
            let file_name = Path::new(&source_name)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or(source_name.clone());
            let btf = btf::BtfInput {
                program: &program,
                interner: &interner,
                sources: &sources,
            };
            let object =
                elf::write_object_with_btf(&module, &functions, Some(&file_name), Some(&btf))
                    .map_err(|e| e.to_string());
            // `-g`: DWARF describing types, functions, variables and lines, appended
            // to the object (the BTF above is written with or without it).
            let object = object.and_then(|bytes| {
                if !options.debug_info {
                    return Ok(bytes);
                }
                let comp_dir = std::env::current_dir()
                    .map(|d| d.to_string_lossy().into_owned())
                    .unwrap_or_else(|_| ".".into());
                let producer = concat!("bpfcc version ", env!("CARGO_PKG_VERSION"));
                let debug = dwarf::build(
                    &program, &module, &functions, &sources, &interner, &comp_dir, producer,
                );
                dwarf::add_to_object(&bytes, &debug).map_err(|e| e.to_string())
            });
            match object {
                Ok(bytes) => finish(Some(bytes), diags, sources),
                Err(e) => {
                    diags.error_nospan(format!("internal error writing the object: {e}"));
                    finish(None, diags, sources)
                }
            }
        }
    }
}

/// The files read (for `-MD`), and those of them that are system headers
/// (left out by `-MMD`).
fn dependencies_of(pp: &PreprocessOutput, sources: &SourceMap) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut system: Vec<PathBuf> = pp
        .system_files
        .iter()
        .filter_map(|&f| sources.file(f).path.clone())
        .collect();
    system.sort();
    system.dedup();
    (pp.dependencies.clone(), system)
}

/// The result of a compilation: `output` only if there were no errors.
fn finished(
    output: Option<Vec<u8>>,
    diagnostics: Diagnostics,
    sources: SourceMap,
    dependencies: &[PathBuf],
    system_dependencies: &[PathBuf],
) -> CompileOutput {
    let output = if diagnostics.has_errors() {
        None
    } else {
        output
    };
    CompileOutput {
        output,
        diagnostics,
        sources,
        dependencies: dependencies.to_vec(),
        system_dependencies: system_dependencies.to_vec(),
    }
}

/// Assembles BPF assembly (`.s`, or `.S` after preprocessing) into an object;
/// `-S` and `-E` give the text back, as clang does for assembly input.
fn assemble_text(
    text: &str,
    name: &str,
    options: &Options,
    sources: SourceMap,
    mut diags: Diagnostics,
) -> CompileOutput {
    let done = |output, diagnostics, sources| CompileOutput {
        output,
        diagnostics,
        sources,
        dependencies: Vec::new(),
        system_dependencies: Vec::new(),
    };
    match options.emit {
        Emit::Assembly | Emit::Preprocessed => {
            return done(Some(text.as_bytes().to_vec()), diags, sources)
        }
        Emit::SyntaxOnly | Emit::Ir => {}
        Emit::Object => {}
    }
    match asm::assemble_file(text, name) {
        Ok(bytes) if options.emit == Emit::Object => done(Some(bytes), diags, sources),
        Ok(_) => done(None, diags, sources),
        Err((asm_sources, asm_diags)) => {
            // The assembler's positions are in its own copy of the text.
            diags.list.extend(asm_diags.list);
            done(None, diags, asm_sources)
        }
    }
}

/// clang's default search list for `--target=bpf` on Linux is
/// `/usr/local/include`, its resource directory, then `/usr/include` (where
/// libbpf's `<bpf/bpf_helpers.h>` lives), before any `-idirafter`: the
/// same order here around bpfcc's built-in headers. `-nostdinc` drops them.
fn add_default_system_dirs(pp: &mut PreprocessOptions) {
    if pp.nostdinc {
        return;
    }
    let local = PathBuf::from("/usr/local/include");
    if local.is_dir() && !pp.system_dirs.contains(&local) {
        pp.system_dirs.push(local);
    }
    let usr = PathBuf::from("/usr/include");
    if usr.is_dir() && !pp.after_dirs.contains(&usr) {
        pp.after_dirs.insert(0, usr);
    }
}

fn read_stdin() -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::new();
    std::io::stdin().read_to_end(&mut buf)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Input {
        Input::Source {
            name: "t.c".into(),
            text: text.into(),
        }
    }

    #[test]
    fn preprocess_only_stops_before_parsing() {
        let options = Options {
            emit: Emit::Preprocessed,
            ..Options::default()
        };
        // Not C, but -E does not care.
        let out = compile(source("#define N 3\nN N ) (\n"), &options);
        assert!(!out.failed(), "{}", out.render_diagnostics());
        let text = String::from_utf8(out.output.unwrap()).unwrap();
        assert!(text.contains("3 3 ) ("), "{text}");
    }

    #[test]
    fn syntax_only_checks_and_writes_nothing() {
        let options = Options {
            emit: Emit::SyntaxOnly,
            ..Options::default()
        };
        let out = compile(source("int f(int x) { return x + 1; }\n"), &options);
        assert!(!out.failed(), "{}", out.render_diagnostics());
        assert!(out.output.is_none());
        let out = compile(source("int f(int x) { return y; }\n"), &options);
        assert!(out.failed());
        assert!(out.output.is_none());
        assert!(out.render_diagnostics().contains("t.c:1:23"));
        // Errors from the preprocessor stop before the parser.
        let out = compile(source("#error stop here\nint x = ;\n"), &options);
        assert_eq!(
            out.diagnostics.error_count(),
            1,
            "{}",
            out.render_diagnostics()
        );
    }

    #[test]
    fn warnings_as_errors_fail_the_compile() {
        let mut options = Options {
            emit: Emit::SyntaxOnly,
            ..Options::default()
        };
        let text = "#warning careful\nint x;\n";
        assert!(!compile(source(text), &options).failed());
        options.warnings_as_errors = true;
        assert!(compile(source(text), &options).failed());
        options.warnings_as_errors = false;
        options.suppress_warnings = true;
        assert!(compile(source(text), &options).diagnostics.list.is_empty());
    }

    #[test]
    fn unreadable_input_is_a_diagnostic() {
        let out = compile(
            Input::File("/nonexistent/bpfcc/x.c".into()),
            &Options::default(),
        );
        assert!(out.failed());
        assert!(out.output.is_none());
        assert!(out
            .render_diagnostics()
            .contains("cannot read '/nonexistent/bpfcc/x.c'"));
    }

    #[test]
    fn runtime_headers_from_environment() {
        // Only this test sets the variable.
        std::env::set_var("BPFCC_RUNTIME_HEADERS", "/opt/bpfcc/headers");
        assert_eq!(
            runtime_headers_dir(),
            Some(PathBuf::from("/opt/bpfcc/headers"))
        );
        std::env::remove_var("BPFCC_RUNTIME_HEADERS");
    }
}
