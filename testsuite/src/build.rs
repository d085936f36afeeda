//! Building a test program: with bpfcc through its library API, or with
//! clang-19 as the reference compiler.

use bpfcc::driver::{Emit, Input, Options};
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::process::Command;
use std::sync::Once;

/// The reference compiler's executable.
pub const CLANG: &str = "clang-19";

/// One way of building the programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Build {
    Bpfcc { opt_level: u8 },
    Clang,
}

impl Build {
    pub fn label(self) -> String {
        match self {
            Build::Bpfcc { opt_level } => format!("bpfcc -O{opt_level}"),
            Build::Clang => "clang-19 -O2".to_string(),
        }
    }

    /// Compiles `source` for `-mcpu=v<cpu>` to an ELF object.
    pub fn compile(self, source: &Path, cpu: u8) -> Result<Vec<u8>, String> {
        match self {
            Build::Bpfcc { opt_level } => compile_bpfcc(source, opt_level, cpu),
            Build::Clang => compile_clang(source, cpu),
        }
    }
}

/// The options bpfcc gets for `-O<opt_level> -mcpu=v<cpu> -c`.
pub fn bpfcc_options(opt_level: u8, cpu: u8) -> Options {
    let mut options = Options {
        emit: Emit::Object,
        opt_level,
        cpu_version: cpu,
        ..Options::default()
    };
    options.preprocess.cpu_version = cpu;
    options.preprocess.opt_level = opt_level;
    options
}

thread_local! {
    /// Set while this thread runs bpfcc: its panics are captured, not printed.
    static CAPTURED_PANIC: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that records the message and location of a
/// panic on a thread running bpfcc instead of printing it with a backtrace;
/// panics elsewhere go to the previous hook.
fn install_panic_capture() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let captured = CAPTURED_PANIC.with(|c| {
                let mut c = c.borrow_mut();
                match c.as_mut() {
                    Some(slot) => {
                        let msg = info
                            .payload()
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| {
                                info.payload().downcast_ref::<&str>().map(|s| s.to_string())
                            })
                            .unwrap_or_else(|| "(non-string panic payload)".to_string());
                        *slot = Some(match info.location() {
                            Some(l) => format!("{msg} (at {}:{})", l.file(), l.line()),
                            None => msg,
                        });
                        true
                    }
                    None => false,
                }
            });
            if !captured {
                previous(info);
            }
        }));
    });
}

/// Runs `f`; a panic becomes `Err` with its message and location, and is not
/// printed.
pub fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_panic_capture();
    CAPTURED_PANIC.with(|c| *c.borrow_mut() = Some(None));
    let result = catch_unwind(AssertUnwindSafe(f));
    let captured = CAPTURED_PANIC.with(|c| c.borrow_mut().take()).flatten();
    result.map_err(|_| captured.unwrap_or_else(|| "(no message)".to_string()))
}

/// Runs bpfcc in-process; a panic is reported as an error (with its message
/// and location), not propagated.
pub fn run_bpfcc(source: &Path, options: &Options) -> Result<bpfcc::CompileOutput, String> {
    let input = Input::File(source.to_path_buf());
    catch_panic(|| bpfcc::compile(input, options)).map_err(|e| format!("bpfcc panicked: {e}"))
}

fn compile_bpfcc(source: &Path, opt_level: u8, cpu: u8) -> Result<Vec<u8>, String> {
    let out = run_bpfcc(source, &bpfcc_options(opt_level, cpu))?;
    match out.output {
        Some(obj) if !out.diagnostics.has_errors() => {
            if obj.starts_with(b"\x7fELF") {
                Ok(obj)
            } else {
                Err("bpfcc's output is not an ELF object".into())
            }
        }
        _ => Err(format!(
            "bpfcc failed:\n{}",
            out.render_diagnostics().trim_end()
        )),
    }
}

/// Whether clang-19 can be run.
pub fn clang_available() -> bool {
    Command::new(CLANG)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn compile_clang(source: &Path, cpu: u8) -> Result<Vec<u8>, String> {
    let dir = crate::scratch::ScratchDir::new("clang")?;
    let obj = dir.path().join("prog.o");
    let out = Command::new(CLANG)
        .args(["--target=bpf", "-O2", &format!("-mcpu=v{cpu}"), "-c"])
        .arg(source)
        .arg("-o")
        .arg(&obj)
        .output()
        .map_err(|e| format!("cannot run {CLANG}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{CLANG} failed:\n{}",
            String::from_utf8_lossy(&out.stderr).trim_end()
        ));
    }
    std::fs::read(&obj).map_err(|e| format!("cannot read {}: {e}", obj.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_errors_with_their_location() {
        let r: Result<(), String> = catch_panic(|| panic!("boom {}", 7));
        let e = r.unwrap_err();
        assert!(e.starts_with("boom 7 (at testsuite/src/build.rs:"), "{e}");
        assert_eq!(catch_panic(|| 5), Ok(5));
        // The capture is over: a later caught panic on this thread is captured afresh.
        let e = catch_panic(|| -> u8 { panic!("again") }).unwrap_err();
        assert!(e.starts_with("again"), "{e}");
    }
}
