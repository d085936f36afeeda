//! `cargo xtask refs`: unpacks the reference material the tests compare
//! against into `target/ref/` (see `bpfcc::reference_sources`): the parts of
//! Debian's linux-source-6.12 tarball the tests read, and a `vmlinux.h` dumped
//! from the running kernel's BTF with bpftool. Missing pieces are reported and
//! skipped, so the tests that need them print SKIP.

use std::path::Path;
use std::process::Command;

const TARBALL: &str = "/usr/src/linux-source-6.12.tar.xz";

/// The parts of the kernel tree the tests use.
const PARTS: &[&str] = &[
    "linux-source-6.12/tools/testing/selftests/bpf",
    "linux-source-6.12/tools/lib/bpf",
    "linux-source-6.12/tools/include",
    "linux-source-6.12/include/uapi",
    "linux-source-6.12/scripts/bpf_doc.py",
];

pub fn main(root: &Path) -> Result<(), String> {
    let dir = root.join("target/ref");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;

    let tree = dir.join("linux-source-6.12");
    if tree.join("tools/testing/selftests/bpf").is_dir() {
        println!("refs: {} already unpacked", tree.display());
    } else if Path::new(TARBALL).is_file() {
        let status = Command::new("tar")
            .arg("-xf")
            .arg(TARBALL)
            .arg("-C")
            .arg(&dir)
            .args(PARTS)
            .status()
            .map_err(|e| format!("cannot run tar: {e}"))?;
        if !status.success() {
            return Err(format!("tar -xf {TARBALL} failed ({status})"));
        }
        println!("refs: unpacked {}", tree.display());
    } else {
        println!("SKIP: {TARBALL} missing (apt-get install linux-source-6.12)");
    }

    let vmlinux = dir.join("vmlinux.h");
    match Command::new("bpftool")
        .args([
            "btf",
            "dump",
            "file",
            "/sys/kernel/btf/vmlinux",
            "format",
            "c",
        ])
        .output()
    {
        Ok(out) if out.status.success() && !out.stdout.is_empty() => {
            std::fs::write(&vmlinux, &out.stdout)
                .map_err(|e| format!("cannot write {}: {e}", vmlinux.display()))?;
            println!("refs: wrote {}", vmlinux.display());
        }
        Ok(out) => println!(
            "SKIP: bpftool could not dump /sys/kernel/btf/vmlinux: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => println!("SKIP: bpftool not available: {e}"),
    }
    Ok(())
}
