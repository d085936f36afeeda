//! The predefined macros: exactly what `clang-19 --target=bpf -mcpu=vN -dM -E`
//! (or `bpf-gcc -dM -E` for the GCC personality) defines, plus bpfcc's own,
//! followed by the command line's `-D`/`-U`/`-include`. The result is the
//! text of the `<built-in>` buffer preprocessed before the main file.

use super::{MacroOp, Personality, PreprocessOptions};
use std::fmt::Write;

/// clang-19's predefines for BPF that do not depend on `-mcpu` or `-O`.
const CLANG_BASE: &str = include_str!("predefined_clang.txt");
/// bpf-gcc 12's predefines that do not depend on `-O`.
const GCC_BASE: &str = include_str!("predefined_gcc.txt");

/// `__BPF_FEATURE_*` macros clang defines, with the first CPU version that has each.
const CPU_FEATURES: &[(&str, u8)] = &[
    ("ADDR_SPACE_CAST", 1),
    ("JMP_EXT", 2),
    ("MAY_GOTO", 2),
    ("ALU32", 3),
    ("JMP32", 3),
    ("BSWAP", 4),
    ("GOTOL", 4),
    ("LDSX", 4),
    ("MOVSX", 4),
    ("SDIV_SMOD", 4),
    ("ST", 4),
];

/// The `<built-in>` buffer for `o`.
pub(crate) fn predefines_text(o: &PreprocessOptions) -> String {
    let mut s = String::with_capacity(16 * 1024);
    match o.personality {
        Personality::Clang => {
            s.push_str(CLANG_BASE);
            // clang's default is v1.
            let cpu = o.cpu_version.clamp(1, 4);
            let _ = writeln!(s, "#define __BPF_CPU_VERSION__ {cpu}");
            for (name, since) in CPU_FEATURES {
                if cpu >= *since {
                    let _ = writeln!(s, "#define __BPF_FEATURE_{name} 1");
                }
            }
        }
        Personality::Gcc => s.push_str(GCC_BASE),
    }
    if o.opt_level > 0 {
        s.push_str("#define __OPTIMIZE__ 1\n");
    } else {
        s.push_str("#define __NO_INLINE__ 1\n");
    }
    s.push_str("#define __bpfcc__ 1\n");
    let mut version = env!("CARGO_PKG_VERSION").split('.');
    for part in ["major", "minor", "patchlevel"] {
        let v = version.next().unwrap_or("0");
        let _ = writeln!(s, "#define __bpfcc_{part}__ {v}");
    }
    for op in &o.macro_ops {
        match op {
            MacroOp::Define(name, value) => {
                // `-D F(x)=x` defines a function-like macro, like clang.
                let _ = writeln!(s, "#define {name} {}", value.as_deref().unwrap_or("1"));
            }
            MacroOp::Undef(name) => {
                let _ = writeln!(s, "#undef {name}");
            }
        }
    }
    for f in &o.force_includes {
        let p = f.to_string_lossy();
        let _ = writeln!(s, "#include \"{}\"", p.replace('\\', "\\\\").replace('"', "\\\""));
    }
    s
}
