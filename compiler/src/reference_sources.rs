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
