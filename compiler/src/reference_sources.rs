//! Where tests and benchmarks find the reference material they compare
//! against: the kernel's sources (linux-source-6.12: the BPF selftests,
//! libbpf's headers, the UAPI `bpf.h`) and a `vmlinux.h` of the running kernel.
//!
//! `cargo xtask refs` unpacks both into `target/ref/` (`.ci/run` does this
//! first). The environment variables `BPFCC_LINUX_SOURCE` and
//! `BPFCC_VMLINUX_H` point elsewhere. Tests that need them print `SKIP: ...`
//! when they are missing.

use std::path::PathBuf;

/// `target/ref` of this workspace.
pub fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/ref")
}

/// The unpacked linux-source-6.12 tree, if present.
pub fn linux_source() -> Option<PathBuf> {
    let dir = match std::env::var_os("BPFCC_LINUX_SOURCE") {
        Some(d) => PathBuf::from(d),
        None => reference_dir().join("linux-source-6.12"),
    };
    dir.join("tools/testing/selftests/bpf")
        .is_dir()
        .then_some(dir)
}

/// A `vmlinux.h` of the running kernel, if present.
pub fn vmlinux_h() -> Option<PathBuf> {
    let path = match std::env::var_os("BPFCC_VMLINUX_H") {
        Some(p) => PathBuf::from(p),
        None => reference_dir().join("vmlinux.h"),
    };
    path.is_file().then_some(path)
}

/// The directory holding [`vmlinux_h`] (an include path for `#include "vmlinux.h"`).
pub fn vmlinux_dir() -> Option<PathBuf> {
    vmlinux_h().and_then(|p| p.parent().map(|d| d.to_path_buf()))
}

/// The selftests' `progs/*.c` (sorted) and the preprocessor options the
/// selftests Makefile builds them with (`-mcpu=v3`, its include directories,
/// a generated `bpf_helper_defs.h` under `temp/<scratch>`), for the
/// corpus tests of the front-end stages. `None` without the kernel sources.
#[cfg(test)]
pub fn selftests_corpus(
    scratch: &str,
) -> Option<(crate::preprocess::PreprocessOptions, Vec<PathBuf>)> {
    use crate::preprocess::{MacroOp, PreprocessOptions};
    let linux = linux_source()?;
    let inc = std::env::temp_dir().join(scratch);
    let defs = inc.join("bpf_helper_defs.h");
    if !defs.exists() {
        std::fs::create_dir_all(&inc).ok()?;
        let out = std::process::Command::new("python3")
            .current_dir(&linux)
            .args([
                "scripts/bpf_doc.py",
                "--header",
                "--file",
                "include/uapi/linux/bpf.h",
            ])
            .output()
            .ok()?;
        std::fs::write(&defs, out.stdout).ok()?;
    }
    let st = linux.join("tools/testing/selftests/bpf");
    let options = PreprocessOptions {
        cpu_version: 3,
        include_dirs: vec![
            st.clone(),
            linux.join("tools/lib"),
            st.join("progs"),
            reference_dir(),
            inc,
            linux.join("tools/include/uapi"),
        ],
        after_dirs: vec![
            "/usr/include".into(),
            "/usr/include/x86_64-linux-gnu".into(),
        ],
        macro_ops: vec![MacroOp::Define("__TARGET_ARCH_x86".into(), None)],
        ..Default::default()
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(st.join("progs"))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    files.sort();
    Some((options, files))
}
