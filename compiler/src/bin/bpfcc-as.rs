//! `bpfcc-as file.s -o file.o`: assembles BPF assembly (pseudo-C and GNU
//! syntax) into an ELF object, until the driver takes `.s` input.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut input = None;
    let mut output = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "-o" => output = args.next(),
            "-c" => {}
            s if s.starts_with('-') => {
                eprintln!("bpfcc-as: unknown option `{s}`");
                return ExitCode::FAILURE;
            }
            _ => input = Some(a),
        }
    }
    let Some(input) = input else {
        eprintln!("bpfcc-as: no input file");
        return ExitCode::FAILURE;
    };
    let text = match std::fs::read_to_string(&input) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("bpfcc-as: error: {input}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let output = output.unwrap_or_else(|| {
        let stem = input.strip_suffix(".s").unwrap_or(&input);
        format!("{stem}.o")
    });
    match bpfcc::asm::assemble_file(&text, &input) {
        Ok(bytes) => match std::fs::write(&output, bytes) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("bpfcc-as: error: {output}: {e}");
                ExitCode::FAILURE
            }
        },
        Err((sources, diags)) => {
            eprint!("{}", diags.render(&sources));
            ExitCode::FAILURE
        }
    }
}
