//! `bpfcc-objdump [-M gnu] [--mcpu=v3|v4] file.o...`: disassembles BPF
//! objects like `llvm-objdump -dr`.

use bpfcc::disasm::{disassemble_object_named, DisasmOptions};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut opts = DisasmOptions::default();
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "-d" | "-r" | "-dr" | "--disassemble" | "--reloc" => {}
            "--gnu" | "-Mgnu" => opts.gnu = true,
            "-M" => opts.gnu = args.next().as_deref() == Some("gnu"),
            "--mcpu=v3" | "--mcpu=v4" | "--mattr=+alu32" => opts.alu32 = true,
            "--mcpu=v1" | "--mcpu=v2" => opts.alu32 = false,
            "-h" | "--help" => {
                println!("usage: bpfcc-objdump [-M gnu] [--mcpu=v1|v2|v3|v4] file.o...");
                return ExitCode::SUCCESS;
            }
            s if s.starts_with('-') => {
                eprintln!("bpfcc-objdump: unknown option `{s}`");
                return ExitCode::FAILURE;
            }
            _ => files.push(a),
        }
    }
    if files.is_empty() {
        eprintln!("bpfcc-objdump: no input files");
        return ExitCode::FAILURE;
    }
    let mut status = ExitCode::SUCCESS;
    for f in files {
        match std::fs::read(&f)
            .map_err(|e| format!("{f}: {e}"))
            .and_then(|b| disassemble_object_named(&b, &f, opts))
        {
            Ok(text) => print!("{text}"),
            Err(e) => {
                eprintln!("bpfcc-objdump: error: {e}");
                status = ExitCode::FAILURE;
            }
        }
    }
    status
}
