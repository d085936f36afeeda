//! The `bpfcc` binary: a drop-in for clang (or gcc) in BPF builds.
//!
//! Exit status: 0 on success, 1 on errors (command line or compile), 70 when
//! the compiler itself failed (an internal error, reported as such).

use bpfcc::diag::{Diagnostics, Severity};
use bpfcc::driver::args::{self, Action, Invocation};
use bpfcc::driver::{compile_then_exit, depfile, runtime_headers_dir, Emit, Input};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit status for an internal compiler error (`EX_SOFTWARE`).
const EXIT_INTERNAL: u8 = 70;

fn main() -> ExitCode {
    bpfcc::heap::configure_for_compiling();
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.iter().any(|a| a == "--disassemble") {
        return disassemble(&argv);
    }
    let mut inv = match args::parse_args(&argv) {
        Ok(inv) => inv,
        Err(e) => {
            to_stderr(&format!("bpfcc: error: {e}\n"));
            return ExitCode::from(1);
        }
    };
    match &inv.action {
        Action::Help(text) => {
            to_stdout(text);
            return ExitCode::SUCCESS;
        }
        Action::Version => {
            to_stdout(&args::version_text());
            return ExitCode::SUCCESS;
        }
        Action::CpuHelp => {
            to_stdout(&args::cpu_help_text());
            return ExitCode::SUCCESS;
        }
        Action::Compile => {}
    }
    if !inv.options.preprocess.nostdinc && inv.options.preprocess.builtin_include_dir.is_none() {
        inv.options.preprocess.builtin_include_dir = runtime_headers_dir();
    }
    if inv.verbose {
        to_stderr(&args::version_text());
        to_stderr(&search_list(&inv));
    }
    std::panic::set_hook(Box::new(|info| {
        to_stderr(&format!("bpfcc: internal compiler error: {info}\n"));
        to_stderr("bpfcc: note: this is a bug in bpfcc; please report it with the input file\n");
    }));

    let mut status = 0u8;
    for input in inv.inputs.clone() {
        let s = compile_one(&inv, &input);
        status = status.max(s);
    }
    ExitCode::from(status)
}

/// `bpfcc --disassemble [-M gnu] [--mcpu=vN] x.o...`: every code section in
/// pseudo-C (or GNU syntax) with relocations by symbol name, as
/// `llvm-objdump -dr` prints them.
fn disassemble(argv: &[String]) -> ExitCode {
    let mut opts = bpfcc::disasm::DisasmOptions::default();
    let mut files = Vec::new();
    let mut it = argv.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--disassemble" | "-d" | "-r" | "-dr" => {}
            "--gnu" | "-Mgnu" => opts.gnu = true,
            "-M" => opts.gnu = it.next().map(String::as_str) == Some("gnu"),
            "--mcpu=v3" | "--mcpu=v4" | "-mcpu=v3" | "-mcpu=v4" => opts.alu32 = true,
            "--mcpu=v1" | "--mcpu=v2" | "-mcpu=v1" | "-mcpu=v2" => opts.alu32 = false,
            s if s.starts_with('-') => {
                to_stderr(&format!(
                    "bpfcc: error: unknown argument with --disassemble: '{s}'\n"
                ));
                return ExitCode::from(1);
            }
            f => files.push(f.to_string()),
        }
    }
    if files.is_empty() {
        to_stderr("bpfcc: error: --disassemble: no input files\n");
        return ExitCode::from(1);
    }
    let mut status = ExitCode::SUCCESS;
    for f in files {
        let text = std::fs::read(&f)
            .map_err(|e| format!("{f}: {e}"))
            .and_then(|b| bpfcc::disasm::disassemble_object_named(&b, &f, opts));
        match text {
            Ok(text) => to_stdout(&text),
            Err(e) => {
                to_stderr(&format!("bpfcc: error: {e}\n"));
                status = ExitCode::from(1);
            }
        }
    }
    status
}

/// Compiles one input and writes its outputs; returns the exit status.
fn compile_one(inv: &Invocation, input: &Path) -> u8 {
    if inv.verbose {
        to_stderr(&format!("bpfcc: compiling {}\n", input.display()));
    }
    if input != Path::new("-") && !input.exists() {
        to_stderr(&format!(
            "bpfcc: error: no such file or directory: '{}'\n",
            input.display()
        ));
        return 1;
    }
    let options = &inv.options;
    let result =
        std::panic::catch_unwind(|| compile_then_exit(Input::File(input.to_path_buf()), options));
    let out = match result {
        Ok(out) => out,
        Err(_) => return EXIT_INTERNAL,
    };
    let rendered = out.render_diagnostics();
    if !rendered.is_empty() {
        to_stderr(&rendered);
    }
    to_stderr(&diagnostic_summary(&out.diagnostics));
    let deps = &inv.deps;
    // Like clang, `-MD` writes the rule even when compiling failed after
    // preprocessing: make still learns which headers to watch.
    let write_deps = if out.failed() {
        deps.side_effect && !out.dependencies.is_empty()
    } else {
        deps.enabled()
    };
    if write_deps {
        let rule = dependency_rule(inv, input, &out.dependencies, &out.system_dependencies);
        let dest = if deps.only_deps {
            deps.file.clone().or_else(|| inv.output.clone())
        } else {
            Some(
                deps.file
                    .clone()
                    .unwrap_or_else(|| depfile::default_depfile(input, inv.output.as_deref())),
            )
        };
        if let Err(e) = write_output(dest.as_deref(), rule.as_bytes()) {
            to_stderr(&format!("bpfcc: error: {e}\n"));
            return 1;
        }
        if deps.only_deps {
            return 0;
        }
    }
    if out.failed() {
        return 1;
    }

    let Some(bytes) = out.output else {
        return 0;
    };
    let dest = match (options.emit, &inv.output) {
        (_, Some(o)) => Some(o.clone()),
        (Emit::Object, None) => Some(with_extension_in_cwd(input, "o")),
        (Emit::Assembly, None) => Some(with_extension_in_cwd(input, "s")),
        _ => None,
    };
    match write_output(dest.as_deref(), &bytes) {
        Ok(()) => 0,
        Err(e) => {
            to_stderr(&format!("bpfcc: error: {e}\n"));
            1
        }
    }
}

/// The include search order, printed by `-v` in clang's words (build systems
/// such as the kernel selftests parse it).
fn search_list(inv: &Invocation) -> String {
    let pp = &inv.options.preprocess;
    let mut out = String::from("#include \"...\" search starts here:\n");
    for d in &pp.quote_dirs {
        out.push_str(&format!(" {}\n", d.display()));
    }
    out.push_str("#include <...> search starts here:\n");
    for d in pp.include_dirs.iter().chain(&pp.system_dirs) {
        out.push_str(&format!(" {}\n", d.display()));
    }
    if !pp.nostdinc {
        match &pp.builtin_include_dir {
            Some(d) => out.push_str(&format!(" {}\n", d.display())),
            None => out.push_str(" <built-in headers>\n"),
        }
    }
    for d in &pp.after_dirs {
        out.push_str(&format!(" {}\n", d.display()));
    }
    out.push_str("End of search list.\n");
    out
}

/// Writes to stderr; a closed stderr (`bpfcc ... 2>&1 | head`) is not an
/// error worth dying for.
fn to_stderr(s: &str) {
    let _ = std::io::stderr().lock().write_all(s.as_bytes());
}

fn to_stdout(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes()).and_then(|()| out.flush());
}

/// clang's closing line: `2 errors generated.`, `1 warning generated.`,
/// `1 warning and 1 error generated.` (warnings count as errors with
/// `-Werror`).
fn diagnostic_summary(d: &Diagnostics) -> String {
    let count = |sev: Severity| d.list.iter().filter(|x| x.severity == sev).count();
    let (mut errors, mut warnings) = (count(Severity::Error), count(Severity::Warning));
    if d.warnings_as_errors {
        errors += warnings;
        warnings = 0;
    }
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    match (warnings, errors) {
        (0, 0) => String::new(),
        (w, 0) => format!("{} generated.\n", plural(w, "warning")),
        (0, e) => format!("{} generated.\n", plural(e, "error")),
        (w, e) => format!(
            "{} and {} generated.\n",
            plural(w, "warning"),
            plural(e, "error")
        ),
    }
}

/// `<stem>.<ext>` in the current directory, as clang names `-c` outputs.
fn with_extension_in_cwd(input: &Path, ext: &str) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_os_string())
        .unwrap_or_else(|| "-".into());
    PathBuf::from(stem).with_extension(ext)
}

/// Writes to `dest`, or to stdout for `None` and `-`.
fn write_output(dest: Option<&Path>, bytes: &[u8]) -> Result<(), String> {
    match dest {
        Some(p) if p != Path::new("-") => std::fs::write(p, bytes)
            .map_err(|e| format!("unable to open output file '{}': {e}", p.display())),
        _ => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(bytes)
                .and_then(|()| stdout.flush())
                .map_err(|e| format!("cannot write to standard output: {e}"))
        }
    }
}

/// The make rule for `input`: the main file as given, then every header read
/// (without system headers for `-MM`/`-MMD`), each once.
fn dependency_rule(inv: &Invocation, input: &Path, read: &[PathBuf], system: &[PathBuf]) -> String {
    let deps = &inv.deps;
    let targets = if deps.targets.is_empty() {
        let output = if deps.only_deps {
            None
        } else {
            inv.output.as_deref()
        };
        vec![depfile::default_target(input, output)]
    } else {
        deps.targets.clone()
    };
    let main = if input == Path::new("-") {
        "-".to_string()
    } else {
        depfile::without_leading_dot_slash(&input.to_string_lossy()).to_string()
    };
    let mut seen = BTreeSet::new();
    let mut files = vec![main.clone()];
    seen.insert(main);
    for p in read.iter().skip(1) {
        if !deps.system_headers && system.binary_search(p).is_ok() {
            continue;
        }
        let name = depfile::without_leading_dot_slash(&p.to_string_lossy()).to_string();
        if seen.insert(name.clone()) {
            files.push(name);
        }
    }
    depfile::format_rule(&targets, &files, deps.phony)
}
