//! Uniquely named temporary directories (object files) and bpffs pin
//! directories, removed when dropped — also when a test fails or panics.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// `<prefix>-<pid>-<n>`: unique within this process and across processes.
pub fn unique_name(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}-{}-{n}", std::process::id())
}

/// A temporary directory under the system temp dir.
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    pub fn new(what: &str) -> Result<ScratchDir, String> {
        let path = std::env::temp_dir().join(unique_name(&format!("bpfcc-test-{what}")));
        std::fs::create_dir_all(&path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        Ok(ScratchDir { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A directory in bpffs where `bpftool prog loadall` pins an object's
/// programs; dropping it unpins them (which unloads them once no fd is left).
pub struct PinDir {
    path: PathBuf,
}

impl PinDir {
    /// A fresh, not yet created, path `/sys/fs/bpf/bpfcc-test-<pid>-<n>`.
    pub fn new() -> PinDir {
        PinDir {
            path: Path::new("/sys/fs/bpf").join(unique_name("bpfcc-test")),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The names pinned in the directory, sorted.
    pub fn pinned(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.path)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }
}

/// Removes pin directories left by test processes that no longer exist (a
/// run killed before its destructors ran); returns how many were removed.
pub fn sweep_stale_pins() -> usize {
    let Ok(rd) = std::fs::read_dir("/sys/fs/bpf") else {
        return 0;
    };
    let mut removed = 0;
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix("bpfcc-test-") else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        drop(PinDir { path: e.path() });
        removed += 1;
    }
    removed
}

impl Default for PinDir {
    fn default() -> Self {
        PinDir::new()
    }
}

impl Drop for PinDir {
    fn drop(&mut self) {
        // bpffs has no recursive removal: unlink each pin, then the directory.
        if let Ok(rd) = std::fs::read_dir(&self.path) {
            for e in rd.flatten() {
                let _ = std::fs::remove_file(e.path());
            }
        }
        let _ = std::fs::remove_dir(&self.path);
    }
}
