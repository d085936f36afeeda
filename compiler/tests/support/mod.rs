//! Kernel plumbing shared by the integration tests that load objects:
//! running tools, `bpftool prog loadall`, pins, and BPF_PROG_TEST_RUN of
//! `syscall` programs through the bpf() syscall.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs a command; its stdout, or an error with its output.
pub fn run(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{cmd:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

pub const BPF_PROG_TEST_RUN: libc::c_long = 10;
pub const BPF_OBJ_GET: libc::c_long = 7;

pub fn bpf(cmd: libc::c_long, attr: &mut [u64; 16]) -> i64 {
    // SAFETY: `attr` is a zeroed, 128-byte `union bpf_attr` the kernel reads
    // (and, for test runs, writes) within its size.
    unsafe { libc::syscall(libc::SYS_bpf, cmd, attr.as_mut_ptr(), 128usize) }
}

pub fn obj_get(path: &Path) -> Result<i32, String> {
    let c = std::ffi::CString::new(path.to_string_lossy().as_bytes()).unwrap();
    let mut attr = [0u64; 16];
    attr[0] = c.as_ptr() as u64;
    let fd = bpf(BPF_OBJ_GET, &mut attr);
    if fd < 0 {
        return Err(format!(
            "BPF_OBJ_GET {}: {}",
            path.display(),
            std::io::Error::last_os_error()
        ));
    }
    Ok(fd as i32)
}

/// Runs a pinned `syscall` program once; its return value.
pub fn test_run_syscall(pinned: &Path) -> Result<u32, String> {
    let fd = obj_get(pinned)?;
    let mut ctx = [0u8; 64];
    let mut attr = [0u64; 16];
    attr[0] = fd as u64; // prog_fd; retval in the upper half
    attr[5] = ctx.len() as u64; // ctx_size_in (offset 40); ctx_size_out 0
    attr[6] = ctx.as_mut_ptr() as u64; // ctx_in
    let r = bpf(BPF_PROG_TEST_RUN, &mut attr);
    let err = std::io::Error::last_os_error();
    // SAFETY: fd came from BPF_OBJ_GET and is closed once.
    unsafe { libc::close(fd) };
    if r < 0 {
        return Err(format!("BPF_PROG_TEST_RUN {}: {err}", pinned.display()));
    }
    Ok((attr[0] >> 32) as u32)
}

/// `bpftool prog loadall` into `<dir>/progs`, maps pinned in `<dir>/maps`.
pub fn load(obj: &Path, dir: &Path) -> Result<(), String> {
    let progs = dir.join("progs");
    let maps = dir.join("maps");
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    run(Command::new("bpftool")
        .args(["prog", "loadall"])
        .arg(obj)
        .arg(&progs)
        .arg("pinmaps")
        .arg(&maps))
    .map(|_| ())
}

pub fn unpin(dir: &Path) {
    // bpffs directories hold only pins: removing the tree unpins.
    let _ = std::fs::remove_dir_all(dir);
}

pub fn pinned_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// `-I` for the architecture's multiarch headers (`asm/types.h`).
pub fn arch_include() -> String {
    let out = Command::new("uname").arg("-m").output().ok();
    let arch = out
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "x86_64".into());
    format!("-I/usr/include/{arch}-linux-gnu")
}

/// Whether `tool --version` runs.
pub fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether programs can be loaded here; `Err` says why not (for `SKIP:`).
pub fn can_load() -> Result<(), String> {
    if !have("bpftool") {
        return Err("bpftool is not installed".into());
    }
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Err("not root: cannot load BPF programs".into());
    }
    if !Path::new("/sys/fs/bpf").is_dir() {
        return Err("/sys/fs/bpf is not mounted".into());
    }
    let mounted = std::fs::read_to_string("/proc/mounts")
        .is_ok_and(|m| m.lines().any(|l| l.contains(" /sys/fs/bpf bpf ")));
    if !mounted {
        return Err("bpffs is not mounted on /sys/fs/bpf".into());
    }
    Ok(())
}

/// A fresh scratch directory `bpfcc-<suite>-<pid>-<name>` (removed first).
pub fn scratch_in(suite: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bpfcc-{suite}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
