//! The command line: clang's and gcc's flag spellings (as BPF builds such as
//! the kernel selftests pass them) turned into an [`Invocation`].
//!
//! GCC-style flags (`-Ifoo` and `-I foo`, `-DX=1`, `-Wp,-MD,file`) do not fit
//! clap's model, so a hand-written loop reads them; clap handles bpfcc's own
//! long options (`--personality`, `--emit-ir`) and `--help`.

use super::{Emit, Language, Options};
use crate::preprocess::{MacroOp, Personality};
use clap::{Arg, ArgAction, Command};
use std::fmt;
use std::path::{Path, PathBuf};

/// What the command line asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Compile the inputs.
    Compile,
    /// `--help`: print this text.
    Help(String),
    /// `--version` (or `-v` without inputs).
    Version,
    /// `-mcpu=help`: list the CPUs.
    CpuHelp,
}

/// Dependency-file output (`-M`, `-MD`, ...).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DepOptions {
    /// `-M`/`-MM`: write only the dependencies (instead of compiling).
    pub only_deps: bool,
    /// `-MD`/`-MMD`: write them as a side effect of compiling.
    pub side_effect: bool,
    /// False for `-MM`/`-MMD`: leave out headers from system directories.
    pub system_headers: bool,
    /// `-MF`.
    pub file: Option<PathBuf>,
    /// `-MT` (as given) and `-MQ` (already quoted for make), in order.
    pub targets: Vec<String>,
    /// `-MP`: a phony target for each header.
    pub phony: bool,
}

impl DepOptions {
    pub fn enabled(&self) -> bool {
        self.only_deps || self.side_effect
    }
}

/// Everything the command line says.
#[derive(Clone, Debug)]
pub struct Invocation {
    pub action: Action,
    pub options: Options,
    /// Input files in order; `-` is standard input.
    pub inputs: Vec<PathBuf>,
    /// `-o`.
    pub output: Option<PathBuf>,
    pub deps: DepOptions,
    /// `-v`: print the version and the stages run to stderr.
    pub verbose: bool,
    /// Neither `-c`, `-S`, `-E`, `-fsyntax-only` nor `--emit-ir`: clang would
    /// link, which BPF objects never need.
    pub wants_link: bool,
}

/// A command-line error, printed as `bpfcc: error: <message>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgError(pub String);

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ArgError {}

fn unknown(arg: &str) -> ArgError {
    ArgError(format!("unknown argument: '{arg}'"))
}

/// `-f` flags accepted and ignored: they change nothing bpfcc does, and BPF
/// builds pass them. Each also accepted with `no-`.
const ACCEPTED_F_FLAGS: &[&str] = &[
    "asynchronous-unwind-tables",
    "builtin",
    "caret-diagnostics",
    "color-diagnostics",
    "common",
    "delete-null-pointer-checks",
    "diagnostics-show-option",
    "discard-value-names",
    "dwarf2-cfi-asm",
    "exceptions",
    "fatal-errors",
    "freestanding",
    "function-sections",
    "data-sections",
    "gnu89-inline",
    "hosted",
    "ident",
    "inline",
    "inline-functions",
    "inline-small-functions",
    "jump-tables",
    "keep-inline-functions",
    "merge-all-constants",
    "ms-extensions",
    "omit-frame-pointer",
    "optimize-sibling-calls",
    "pic",
    "PIC",
    "pie",
    "PIE",
    "plt",
    "show-column",
    "show-source-location",
    "signed-char",
    "unsigned-char",
    "slp-vectorize",
    "stack-protector",
    "stack-protector-all",
    "stack-protector-strong",
    "standalone-debug",
    "strict-aliasing",
    "strict-overflow",
    "tree-vectorize",
    "unroll-loops",
    "unwind-tables",
    "vectorize",
    "verbose-asm",
    "wrapv",
    "zero-initialized-in-bss",
    "short-enums",
    "short-wchar",
    "trapping-math",
    "math-errno",
    "var-tracking",
    "var-tracking-assignments",
    "record-command-line",
    "emit-compact-unwind-non-canonical",
    "diagnostics-show-note-include-stack",
    "macro-backtrace-limit",
    "pack-struct",
    "integrated-as",
    "builtin-bpf",
    "split-dwarf-inlining",
    "debug-types-section",
    "stack-clash-protection",
    "stack-check",
    "cf-protection",
    "semantic-interposition",
    "reorder-blocks",
    "align-functions",
    "pcc-struct-return",
    "ms-volatile",
    "use-init-array",
    "allow-store-data-races",
    "conserve-stack",
];

/// `-f` flags taking a value (`-fname=value`), accepted and ignored.
const ACCEPTED_F_VALUE_FLAGS: &[&str] = &[
    "diagnostics-color",
    "color-diagnostics",
    "message-length",
    "debug-prefix-map",
    "macro-prefix-map",
    "file-prefix-map",
    "max-errors",
    "error-limit",
    "template-depth",
    "macro-backtrace-limit",
    "stack-protector-guard",
    "visibility",
    "debug-default-version",
    "diagnostics-format",
    "ms-compatibility-version",
    "no-builtin",
    "builtin",
    "trivial-auto-var-init",
    "cf-protection",
    "align-functions",
];

const STD_VALUES: &[&str] = &[
    "c89",
    "c90",
    "c99",
    "c9x",
    "c11",
    "c1x",
    "c17",
    "c18",
    "c2x",
    "c23",
    "gnu89",
    "gnu90",
    "gnu99",
    "gnu9x",
    "gnu11",
    "gnu1x",
    "gnu17",
    "gnu18",
    "gnu2x",
    "gnu23",
    "iso9899:1990",
    "iso9899:199409",
    "iso9899:1999",
    "iso9899:2011",
    "iso9899:2017",
    "iso9899:2018",
];

/// The clap description of bpfcc's interface: parses bpfcc's own long options
/// and renders `--help`.
pub fn command() -> Command {
    Command::new("bpfcc")
        .version(env!("CARGO_PKG_VERSION"))
        .about("A C compiler for BPF, a drop-in for clang/gcc in BPF builds")
        .override_usage("bpfcc [options] -c file.c [-o file.o]")
        .disable_version_flag(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("personality")
                .long("personality")
                .value_parser(["clang", "gcc"])
                .help("Predefine the macros of clang-19 (default) or of GCC's BPF back end"),
        )
        .arg(
            Arg::new("emit-ir")
                .long("emit-ir")
                .action(ArgAction::SetTrue)
                .help("Print the optimized SSA IR instead of an object"),
        )
        .arg(
            Arg::new("help")
                .long("help")
                .action(ArgAction::SetTrue)
                .help("Print this help"),
        )
        .arg(
            Arg::new("version")
                .long("version")
                .action(ArgAction::SetTrue)
                .help("Print the version"),
        )
        .after_help(
            "Compatible flags (clang/gcc spellings):\n  \
             -c -S -E -o <file>         object / pseudo-C assembly / preprocessed output\n  \
             -fsyntax-only              stop after checking\n  \
             --target=bpf -mcpu=v1..v4  BPF target and ISA version (default v3)\n  \
             -O0 -O1 -O2 -O3 -Os -Oz    optimization level\n  \
             -g -g0 -gbtf               debug info\n  \
             -I -isystem -idirafter -iquote -include -D -U -nostdinc\n  \
             -M -MM -MD -MMD -MF -MT -MQ -MP   dependency files\n  \
             -Werror -Wno-error -w      warnings (other -W flags are accepted)\n  \
             -std=<c standard> -x c     language\n\
             See docs/usage.md for the full list.",
        )
}

/// The version text (`--version`).
pub fn version_text() -> String {
    format!(
        "bpfcc version {} (a C compiler for BPF, compatible with clang-19's command line)\n\
         Target: bpf\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// What `-mcpu=help` prints (the selftests grep it for `v4`).
pub fn cpu_help_text() -> String {
    "Available CPUs for this target:\n\n\tgeneric\n\tprobe\n\tv1\n\tv2\n\tv3\n\tv4\n\n\
     Use -mcpu to specify the target's processor.\n"
        .to_string()
}

/// A flag's value: the rest of the argument (`-Ifoo`) or the next argument
/// (`-I foo`).
struct ArgReader<'a> {
    args: &'a [String],
    pos: usize,
}

impl<'a> ArgReader<'a> {
    fn next(&mut self) -> Option<&'a str> {
        let a = self.args.get(self.pos)?;
        self.pos += 1;
        Some(a)
    }

    /// The value of a flag spelled `flag` (joined or separate).
    fn value(&mut self, arg: &'a str, flag: &str) -> Result<&'a str, ArgError> {
        let rest = &arg[flag.len()..];
        if !rest.is_empty() {
            return Ok(rest);
        }
        self.next().ok_or_else(|| {
            ArgError(format!(
                "argument to '{flag}' is missing (expected 1 value)"
            ))
        })
    }

    /// The value of a flag that is only separate (`-o file`) or `--flag=value`.
    fn separate(&mut self, flag: &str) -> Result<&'a str, ArgError> {
        self.next().ok_or_else(|| {
            ArgError(format!(
                "argument to '{flag}' is missing (expected 1 value)"
            ))
        })
    }
}

fn parse_cpu(v: &str) -> Result<Option<u8>, ArgError> {
    Ok(Some(match v {
        "v1" | "generic" => 1,
        "v2" => 2,
        // `probe` asks the running kernel; every kernel bpfcc targets has v3.
        "v3" | "probe" => 3,
        "v4" => 4,
        "help" => return Ok(None),
        _ => {
            return Err(ArgError(format!(
                "unsupported argument '{v}' to option '-mcpu=' (expected v1, v2, v3, v4, generic or probe)"
            )))
        }
    }))
}

fn parse_target(v: &str) -> Result<(), ArgError> {
    match v {
        "bpf"
        | "bpfel"
        | "bpf-unknown-none"
        | "bpfel-unknown-none"
        | "bpf-pc-linux"
        | "bpfel-unknown-linux-gnu"
        | "bpf-unknown-linux-gnu" => Ok(()),
        "bpfeb" | "bpfeb-unknown-none" | "bpfeb-unknown-linux-gnu" => Err(ArgError(
            "big-endian BPF (--target=bpfeb) is not supported".into(),
        )),
        _ => Err(ArgError(format!(
            "unsupported target '{v}': bpfcc only compiles for bpf (bpfel)"
        ))),
    }
}

fn parse_opt_level(v: &str) -> Result<u8, ArgError> {
    Ok(match v {
        "" => 1,
        "0" => 0,
        "1" | "g" => 1,
        "2" | "s" | "z" => 2,
        "fast" => 3,
        n => match n.parse::<u32>() {
            Ok(n) => n.min(3) as u8,
            Err(_) => return Err(ArgError(format!("invalid integral value '{n}' in '-O{n}'"))),
        },
    })
}

fn parse_macro_define(v: &str) -> MacroOp {
    match v.split_once('=') {
        Some((name, value)) => MacroOp::Define(name.to_string(), Some(value.to_string())),
        None => MacroOp::Define(v.to_string(), None),
    }
}

fn check_input_language(path: &Path, lang: Language) -> Result<(), ArgError> {
    if lang != Language::ByExtension {
        return Ok(());
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some("o") | Some("a") | Some("so") => Err(ArgError(format!(
            "'{}': linking is not supported (bpfcc writes relocatable objects; use bpftool gen object)",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// `-Wp,-MD,file` and friends: the preprocessor flags kbuild passes this way.
fn parse_wp(v: &str, inv: &mut Invocation) -> Result<(), ArgError> {
    let parts: Vec<&str> = v.split(',').collect();
    let mut i = 0;
    while i < parts.len() {
        match parts[i] {
            "-MD" | "-MMD" => {
                inv.deps.side_effect = true;
                inv.deps.system_headers = parts[i] == "-MD";
                if let Some(f) = parts.get(i + 1) {
                    inv.deps.file = Some(PathBuf::from(f));
                    i += 1;
                }
            }
            "-MP" => inv.deps.phony = true,
            "-MF" | "-MT" | "-MQ" => {
                let flag = parts[i];
                let value = parts
                    .get(i + 1)
                    .ok_or_else(|| ArgError(format!("-Wp,{flag} needs a value")))?;
                i += 1;
                match flag {
                    "-MF" => inv.deps.file = Some(PathBuf::from(value)),
                    "-MT" => inv.deps.targets.push(value.to_string()),
                    _ => inv.deps.targets.push(super::depfile::quote_target(value)),
                }
            }
            d if d.starts_with("-D") => inv
                .options
                .preprocess
                .macro_ops
                .push(parse_macro_define(&d[2..])),
            u if u.starts_with("-U") => inv
                .options
                .preprocess
                .macro_ops
                .push(MacroOp::Undef(u[2..].to_string())),
            other => {
                return Err(ArgError(format!(
                    "unsupported preprocessor flag in '-Wp,{v}': '{other}'"
                )))
            }
        }
        i += 1;
    }
    Ok(())
}

/// Reads a command line (without the program name).
pub fn parse_args(args: &[String]) -> Result<Invocation, ArgError> {
    let mut inv = Invocation {
        action: Action::Compile,
        options: Options::default(),
        inputs: Vec::new(),
        output: None,
        deps: DepOptions::default(),
        verbose: false,
        wants_link: false,
    };
    let mut own_long: Vec<String> = vec!["bpfcc".to_string()];
    let (mut c, mut s, mut e, mut syntax_only) = (false, false, false, false);
    let mut lang = Language::ByExtension;
    let mut cpu_help = false;
    let mut r = ArgReader { args, pos: 0 };
    let mut only_inputs = false;
    while let Some(arg) = r.next() {
        if only_inputs || !arg.starts_with('-') || arg == "-" {
            let p = PathBuf::from(arg);
            check_input_language(&p, lang)?;
            inv.inputs.push(p);
            continue;
        }
        let pp = &mut inv.options.preprocess;
        match arg {
            "--" => only_inputs = true,
            "-c" => c = true,
            "-S" => s = true,
            "-E" => e = true,
            // With -E: the macros defined at the end instead of the text.
            "-dM" => pp.dump_macros = true,
            "-fsyntax-only" => syntax_only = true,
            "-v" => inv.verbose = true,
            "-w" => inv.options.suppress_warnings = true,
            "-Werror" => inv.options.warnings_as_errors = true,
            "-Wno-error" => inv.options.warnings_as_errors = false,
            "-nostdinc" | "-nostdlibinc" | "-nobuiltininc" => pp.nostdinc = true,
            "-g" | "-gbtf" | "-ggdb" | "-gdwarf" | "-gline-tables-only" | "-g1" | "-g2" | "-g3"
            | "-ggdb3" | "-gcolumn-info" => inv.options.debug_info = true,
            "-g0" | "-ggdb0" => inv.options.debug_info = false,
            "-gno-column-info" | "-gstrict-dwarf" | "-gno-strict-dwarf" => {}
            "-M" | "-MM" => {
                inv.deps.only_deps = true;
                inv.deps.system_headers = arg == "-M";
            }
            "-MD" | "-MMD" => {
                inv.deps.side_effect = true;
                inv.deps.system_headers = arg == "-MD";
            }
            "-MP" => inv.deps.phony = true,
            // -MG (missing headers are generated) is meaningless without a build
            // system generating BPF headers; accepted like clang.
            "-MG" => {}
            "-mlittle-endian" | "-EL" => {}
            "-mbig-endian" | "-EB" => {
                return Err(ArgError(
                    "big-endian BPF (-mbig-endian) is not supported".into(),
                ))
            }
            "-target" => parse_target(r.separate("-target")?)?,
            "-Xclang" => {
                r.separate("-Xclang")?;
            }
            "-pipe"
            | "-pedantic"
            | "-pedantic-errors"
            | "-ansi"
            | "-save-temps"
            | "-no-canonical-prefixes"
            | "-Qunused-arguments"
            | "-P"
            | "-C"
            | "-H"
            | "-trigraphs"
            | "-undef"
            | "-integrated-as" => {}
            "-o" => inv.output = Some(PathBuf::from(r.separate("-o")?)),
            "-x" => lang = parse_language(r.separate("-x")?)?,
            "--help" | "--version" | "--emit-ir" => own_long.push(arg.to_string()),
            "--personality" => {
                own_long.push(arg.to_string());
                own_long.push(r.separate(arg)?.to_string());
            }
            _ => parse_prefixed(
                arg,
                &mut r,
                &mut inv,
                &mut own_long,
                &mut lang,
                &mut cpu_help,
            )?,
        }
    }

    // bpfcc's own long options go through clap.
    let own = command().try_get_matches_from(&own_long).map_err(|e| {
        let text = e.to_string();
        let first = text
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("error: ");
        ArgError(first.to_string())
    })?;
    if own.get_flag("help") {
        inv.action = Action::Help(command().render_help().to_string());
        return Ok(inv);
    }
    if own.get_flag("version") || (inv.verbose && inv.inputs.is_empty()) {
        inv.action = Action::Version;
        return Ok(inv);
    }
    if cpu_help {
        inv.action = Action::CpuHelp;
        return Ok(inv);
    }
    if let Some(p) = own.get_one::<String>("personality") {
        inv.options.preprocess.personality = if p == "gcc" {
            Personality::Gcc
        } else {
            Personality::Clang
        };
    }
    let emit_ir = own.get_flag("emit-ir");

    // The last stage asked for wins, as in clang: -E, -fsyntax-only, -S, -c.
    inv.options.emit = if e || inv.deps.only_deps {
        Emit::Preprocessed
    } else if syntax_only {
        Emit::SyntaxOnly
    } else if emit_ir {
        Emit::Ir
    } else if s {
        Emit::Assembly
    } else {
        inv.wants_link = !c;
        Emit::Object
    };
    inv.options.preprocess.cpu_version = inv.options.cpu_version;
    inv.options.preprocess.opt_level = inv.options.opt_level;

    if inv.inputs.is_empty() {
        return Err(ArgError("no input files".into()));
    }
    if inv.wants_link {
        return Err(ArgError(
            "linking is not supported: pass -c (object), -S (assembly), -E or -fsyntax-only".into(),
        ));
    }
    let writes_per_input = matches!(inv.options.emit, Emit::Object | Emit::Assembly)
        || (inv.deps.only_deps && inv.deps.file.is_none());
    if inv.output.is_some() && inv.inputs.len() > 1 && writes_per_input {
        return Err(ArgError(
            "cannot specify -o when generating multiple output files".into(),
        ));
    }
    if inv.deps.file.is_some() && inv.inputs.len() > 1 {
        return Err(ArgError(
            "cannot specify -MF with multiple input files".into(),
        ));
    }
    // The last `-x` decides for every input (clang applies it to the inputs
    // after it; BPF builds pass one input).
    inv.options.language = lang;
    Ok(inv)
}

fn parse_language(v: &str) -> Result<Language, ArgError> {
    match v {
        "c" | "cpp-output" | "c-header" => Ok(Language::C),
        "none" => Ok(Language::ByExtension),
        "assembler" => Ok(Language::Assembler),
        "assembler-with-cpp" => Ok(Language::AssemblerWithCpp),
        other => Err(ArgError(format!("language not recognized: '{other}'"))),
    }
}

/// Flags recognised by their prefix: joined values and flag families.
fn parse_prefixed<'a>(
    arg: &'a str,
    r: &mut ArgReader<'a>,
    inv: &mut Invocation,
    own_long: &mut Vec<String>,
    lang: &mut Language,
    cpu_help: &mut bool,
) -> Result<(), ArgError> {
    let pp = &mut inv.options.preprocess;
    // Longest prefixes first: `-isystem` before `-I`, `-MMD` is matched exactly above.
    if let Some(v) = arg.strip_prefix("--target=") {
        return parse_target(v);
    }
    if let Some(v) = arg.strip_prefix("-mcpu=") {
        match parse_cpu(v)? {
            Some(n) => inv.options.cpu_version = n,
            None => *cpu_help = true,
        }
        return Ok(());
    }
    if let Some(v) = arg.strip_prefix("-march=") {
        return match v {
            "bpf" | "bpfel" => Ok(()),
            _ => Err(ArgError(format!(
                "unsupported argument '{v}' to option '-march='"
            ))),
        };
    }
    if arg.starts_with("--personality=") || arg.starts_with("--emit-ir=") {
        own_long.push(arg.to_string());
        return Ok(());
    }
    if let Some(v) = arg
        .strip_prefix("-std=")
        .or_else(|| arg.strip_prefix("--std="))
    {
        return if STD_VALUES.contains(&v) {
            Ok(())
        } else {
            Err(ArgError(format!("invalid value '{v}' in '-std={v}'")))
        };
    }
    if let Some(v) = arg.strip_prefix("-O") {
        inv.options.opt_level = parse_opt_level(v)?;
        return Ok(());
    }
    for (flag, dest) in [
        ("-isystem", 0u8),
        ("-idirafter", 1),
        ("-iquote", 2),
        ("-include", 3),
        ("-I", 4),
    ] {
        if arg.starts_with(flag) {
            let v = PathBuf::from(r.value(arg, flag)?);
            match dest {
                0 => pp.system_dirs.push(v),
                1 => pp.after_dirs.push(v),
                2 => pp.quote_dirs.push(v),
                3 => pp.force_includes.push(v),
                _ => pp.include_dirs.push(v),
            }
            return Ok(());
        }
    }
    if arg.starts_with("-D") {
        let v = r.value(arg, "-D")?;
        pp.macro_ops.push(parse_macro_define(v));
        return Ok(());
    }
    if arg.starts_with("-U") {
        let v = r.value(arg, "-U")?;
        pp.macro_ops.push(MacroOp::Undef(v.to_string()));
        return Ok(());
    }
    for flag in ["-MF", "-MT", "-MQ"] {
        if arg.starts_with(flag) {
            let v = r.value(arg, flag)?;
            match flag {
                "-MF" => inv.deps.file = Some(PathBuf::from(v)),
                "-MT" => inv.deps.targets.push(v.to_string()),
                _ => inv.deps.targets.push(super::depfile::quote_target(v)),
            }
            return Ok(());
        }
    }
    if let Some(v) = arg.strip_prefix("-o") {
        inv.output = Some(PathBuf::from(v));
        return Ok(());
    }
    if let Some(v) = arg.strip_prefix("-x") {
        *lang = parse_language(v)?;
        return Ok(());
    }
    if let Some(v) = arg.strip_prefix("-Wl,") {
        return Err(ArgError(format!(
            "linking is not supported: '-Wl,{v}' (bpfcc writes relocatable objects)"
        )));
    }
    if let Some(v) = arg.strip_prefix("-Wp,") {
        return parse_wp(v, inv);
    }
    if arg.starts_with("-Wa,") {
        // The assembler is built in and takes no options; clang ignores the
        // usual ones (`-Wa,--noexecstack`) for BPF too.
        return Ok(());
    }
    if let Some(w) = arg.strip_prefix("-W") {
        if w.is_empty() {
            return Err(unknown(arg));
        }
        // `-Werror=<warning>` and `-Wno-error=<warning>`: per-warning
        // promotion, accepted; the warnings themselves are bpfcc's own.
        return Ok(());
    }
    if let Some(f) = arg.strip_prefix("-f") {
        let name = f.strip_prefix("no-").unwrap_or(f);
        if let Some((key, _)) = name.split_once('=') {
            if ACCEPTED_F_VALUE_FLAGS.contains(&key) {
                return Ok(());
            }
            return Err(unknown(arg));
        }
        if ACCEPTED_F_FLAGS.contains(&name) || name.starts_with("builtin-") {
            return Ok(());
        }
        return Err(unknown(arg));
    }
    if let Some(g) = arg.strip_prefix("-gdwarf-") {
        return match g {
            "2" | "3" | "4" | "5" => {
                inv.options.debug_info = true;
                Ok(())
            }
            _ => Err(unknown(arg)),
        };
    }
    if let Some(m) = arg.strip_prefix("-m") {
        // BPF target features bpfcc has (or that change nothing for it):
        // `-mco-re` (BTF relocations), `-mattr=+alu32`, `-mno-...`.
        let accepted = m == "co-re"
            || m.starts_with("attr=")
            || m.starts_with("tune=")
            || m.starts_with("no-")
            || m == "alu32"
            || m == "jmp-ext"
            || m == "xbpf";
        return if accepted { Ok(()) } else { Err(unknown(arg)) };
    }
    if arg.starts_with("--") {
        return Err(unknown(arg));
    }
    Err(unknown(arg))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Invocation, ArgError> {
        let v: Vec<String> = s.split_whitespace().map(String::from).collect();
        parse_args(&v)
    }

    #[test]
    fn value_forms() {
        let inv = parse("-c -Ifoo -I bar -DX=1 -D Y -UZ x.c").unwrap();
        assert_eq!(
            inv.options.preprocess.include_dirs,
            vec![PathBuf::from("foo"), PathBuf::from("bar")]
        );
        assert_eq!(
            inv.options.preprocess.macro_ops,
            vec![
                MacroOp::Define("X".into(), Some("1".into())),
                MacroOp::Define("Y".into(), None),
                MacroOp::Undef("Z".into())
            ]
        );
    }
}
