//! Thin wrappers over the bpf() system call for the tests: opening pinned
//! programs and maps, BPF_PROG_TEST_RUN, map element access, and a probe that
//! tells whether this machine can load BPF programs at all.
//!
//! Attributes are built as zeroed `bpf_attr`-sized buffers with the fields of
//! one command set, as the kernel requires unused trailing bytes to be zero.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::Path;

const BPF_MAP_CREATE: i32 = 0;
const BPF_MAP_LOOKUP_ELEM: i32 = 1;
const BPF_MAP_UPDATE_ELEM: i32 = 2;
const BPF_MAP_GET_NEXT_KEY: i32 = 4;
const BPF_PROG_LOAD: i32 = 5;
const BPF_OBJ_GET: i32 = 7;
const BPF_PROG_TEST_RUN: i32 = 10;
const BPF_OBJ_GET_INFO_BY_FD: i32 = 15;

const BPF_PROG_TYPE_SOCKET_FILTER: u32 = 1;

/// Big enough for every command used here (the kernel's `union bpf_attr` is
/// larger, but only the bytes up to `size` are read).
#[repr(C, align(8))]
#[derive(Default)]
struct Attr {
    words: [u64; 16],
}

impl Attr {
    fn set_u32(&mut self, offset: usize, v: u32) {
        let w = &mut self.words[offset / 8];
        let shift = (offset % 8) * 8;
        *w = (*w & !(0xffff_ffffu64 << shift)) | ((v as u64) << shift);
    }

    fn set_u64(&mut self, offset: usize, v: u64) {
        debug_assert!(offset.is_multiple_of(8));
        self.words[offset / 8] = v;
    }

    fn get_u32(&self, offset: usize) -> u32 {
        (self.words[offset / 8] >> ((offset % 8) * 8)) as u32
    }
}

fn sys_bpf(cmd: i32, attr: &mut Attr, size: usize) -> io::Result<i64> {
    // SAFETY: `attr` is a live, writable buffer of at least `size` bytes, and
    // every pointer stored in it refers to memory that outlives the call.
    let r = unsafe {
        libc::syscall(
            libc::SYS_bpf,
            cmd as libc::c_long,
            attr as *mut Attr as *mut libc::c_void,
            size as libc::c_uint,
        )
    };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r as i64)
    }
}

fn owned_fd(fd: i64) -> OwnedFd {
    // SAFETY: the kernel just returned this descriptor to us; nothing else owns it.
    unsafe { OwnedFd::from_raw_fd(fd as i32) }
}

/// BPF_OBJ_GET: opens a pinned program or map.
pub fn obj_get(path: &Path) -> io::Result<OwnedFd> {
    let c = CString::new(path.as_os_str().as_encoded_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in path"))?;
    let mut attr = Attr::default();
    attr.set_u64(0, c.as_ptr() as u64); // pathname
    sys_bpf(BPF_OBJ_GET, &mut attr, 16).map(owned_fd)
}

/// The outcome of one BPF_PROG_TEST_RUN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestRunResult {
    pub retval: u32,
    /// The context after the run (`syscall` programs: the kernel copies the
    /// context back into `ctx_in`) or the packet after the run.
    pub output: Vec<u8>,
}

// Offsets of the `test` member of union bpf_attr.
const T_PROG_FD: usize = 0;
const T_RETVAL: usize = 4;
const T_DATA_SIZE_IN: usize = 8;
const T_DATA_SIZE_OUT: usize = 12;
const T_DATA_IN: usize = 16;
const T_DATA_OUT: usize = 24;
const T_CTX_SIZE_IN: usize = 40;
const T_CTX_IN: usize = 48;
const T_SIZE: usize = 80;

/// BPF_PROG_TEST_RUN of a `syscall` program: only ctx_in is passed (the
/// kernel refuses data, ctx_out, repeat and flags for this type) and the
/// context written back into it is returned as the output.
pub fn test_run_ctx(prog: &OwnedFd, ctx: &[u8]) -> io::Result<TestRunResult> {
    let mut buf = ctx.to_vec();
    let mut attr = Attr::default();
    attr.set_u32(T_PROG_FD, prog.as_raw_fd() as u32);
    if !buf.is_empty() {
        attr.set_u32(T_CTX_SIZE_IN, buf.len() as u32);
        attr.set_u64(T_CTX_IN, buf.as_mut_ptr() as u64);
    }
    sys_bpf(BPF_PROG_TEST_RUN, &mut attr, T_SIZE)?;
    Ok(TestRunResult {
        retval: attr.get_u32(T_RETVAL),
        output: buf,
    })
}

/// BPF_PROG_TEST_RUN of a packet program (socket filter, XDP, tc) on `packet`.
pub fn test_run_packet(prog: &OwnedFd, packet: &[u8]) -> io::Result<TestRunResult> {
    let mut out = vec![0u8; packet.len() + 4096];
    let mut attr = Attr::default();
    attr.set_u32(T_PROG_FD, prog.as_raw_fd() as u32);
    attr.set_u32(T_DATA_SIZE_IN, packet.len() as u32);
    attr.set_u64(T_DATA_IN, packet.as_ptr() as u64);
    attr.set_u32(T_DATA_SIZE_OUT, out.len() as u32);
    attr.set_u64(T_DATA_OUT, out.as_mut_ptr() as u64);
    sys_bpf(BPF_PROG_TEST_RUN, &mut attr, T_SIZE)?;
    let n = attr.get_u32(T_DATA_SIZE_OUT) as usize;
    out.truncate(n.min(out.len()));
    Ok(TestRunResult {
        retval: attr.get_u32(T_RETVAL),
        output: out,
    })
}

/// Key and value sizes of a map, from BPF_OBJ_GET_INFO_BY_FD.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapInfo {
    pub map_type: u32,
    pub id: u32,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub name: String,
}

/// BPF_OBJ_GET_INFO_BY_FD on a map.
pub fn map_info(map: &OwnedFd) -> io::Result<MapInfo> {
    // struct bpf_map_info starts: type, id, key_size, value_size, max_entries,
    // map_flags, name[16], ...
    let mut info = [0u8; 88];
    let mut attr = Attr::default();
    attr.set_u32(0, map.as_raw_fd() as u32); // bpf_fd
    attr.set_u32(4, info.len() as u32); // info_len
    attr.set_u64(8, info.as_mut_ptr() as u64); // info
    sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &mut attr, 16)?;
    let word = |i: usize| u32::from_le_bytes(info[i * 4..i * 4 + 4].try_into().unwrap());
    let name_bytes = &info[24..40];
    let end = name_bytes.iter().position(|&b| b == 0).unwrap_or(16);
    Ok(MapInfo {
        map_type: word(0),
        id: word(1),
        key_size: word(2),
        value_size: word(3),
        max_entries: word(4),
        name: String::from_utf8_lossy(&name_bytes[..end]).into_owned(),
    })
}

/// `BPF_MAP_TYPE_HASH`.
pub const MAP_TYPE_HASH: u32 = 1;
/// `BPF_MAP_TYPE_ARRAY`.
pub const MAP_TYPE_ARRAY: u32 = 2;

/// BPF_MAP_CREATE (for tests that prepare or inspect maps themselves).
pub fn map_create(
    map_type: u32,
    key_size: u32,
    value_size: u32,
    max_entries: u32,
) -> io::Result<OwnedFd> {
    let mut attr = Attr::default();
    attr.set_u32(0, map_type);
    attr.set_u32(4, key_size);
    attr.set_u32(8, value_size);
    attr.set_u32(12, max_entries);
    sys_bpf(BPF_MAP_CREATE, &mut attr, 48).map(owned_fd)
}

/// BPF_MAP_LOOKUP_ELEM: the value under `key` (`value_size` bytes; for per-CPU
/// maps pass the size of all CPUs' values), or `None` when absent.
pub fn map_lookup(map: &OwnedFd, key: &[u8], value_size: usize) -> io::Result<Option<Vec<u8>>> {
    let mut value = vec![0u8; value_size];
    let mut attr = Attr::default();
    attr.set_u32(0, map.as_raw_fd() as u32);
    attr.set_u64(8, key.as_ptr() as u64);
    attr.set_u64(16, value.as_mut_ptr() as u64);
    match sys_bpf(BPF_MAP_LOOKUP_ELEM, &mut attr, 32) {
        Ok(_) => Ok(Some(value)),
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok(None),
        Err(e) => Err(e),
    }
}

/// BPF_MAP_UPDATE_ELEM with BPF_ANY.
pub fn map_update(map: &OwnedFd, key: &[u8], value: &[u8]) -> io::Result<()> {
    let mut attr = Attr::default();
    attr.set_u32(0, map.as_raw_fd() as u32);
    attr.set_u64(8, key.as_ptr() as u64);
    attr.set_u64(16, value.as_ptr() as u64);
    sys_bpf(BPF_MAP_UPDATE_ELEM, &mut attr, 32).map(|_| ())
}

/// BPF_MAP_GET_NEXT_KEY: the key after `key` (the first key when `key` is
/// `None`), or `None` at the end.
pub fn map_next_key(
    map: &OwnedFd,
    key: Option<&[u8]>,
    key_size: usize,
) -> io::Result<Option<Vec<u8>>> {
    let mut next = vec![0u8; key_size];
    let mut attr = Attr::default();
    attr.set_u32(0, map.as_raw_fd() as u32);
    attr.set_u64(8, key.map_or(0, |k| k.as_ptr() as u64));
    attr.set_u64(16, next.as_mut_ptr() as u64);
    match sys_bpf(BPF_MAP_GET_NEXT_KEY, &mut attr, 32) {
        Ok(_) => Ok(Some(next)),
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Every key of a map, in the kernel's iteration order.
pub fn map_keys(map: &OwnedFd, key_size: usize) -> io::Result<Vec<Vec<u8>>> {
    let mut keys: Vec<Vec<u8>> = Vec::new();
    loop {
        match map_next_key(map, keys.last().map(|k| k.as_slice()), key_size)? {
            Some(k) => keys.push(k),
            None => return Ok(keys),
        }
    }
}

/// Whether BPF programs can be loaded and test-run here; `Err` says why not.
pub fn probe() -> Result<(), String> {
    if !Path::new("/sys/fs/bpf").is_dir() {
        return Err("/sys/fs/bpf does not exist".into());
    }
    // SAFETY: statfs on a NUL-terminated literal path into a zeroed struct.
    let bpffs = unsafe {
        let mut st: libc::statfs = std::mem::zeroed();
        libc::statfs(c"/sys/fs/bpf".as_ptr(), &mut st) == 0 && st.f_type == 0xcafe4a11
    };
    if !bpffs {
        return Err("bpffs is not mounted on /sys/fs/bpf".into());
    }
    // r0 = 7; exit — loaded as a socket filter and run once.
    let insns: [u64; 2] = [0x0000_0007_0000_00b7, 0x0000_0000_0000_0095];
    let license = c"GPL";
    let mut attr = Attr::default();
    attr.set_u32(0, BPF_PROG_TYPE_SOCKET_FILTER);
    attr.set_u32(4, insns.len() as u32);
    attr.set_u64(8, insns.as_ptr() as u64);
    attr.set_u64(16, license.as_ptr() as u64);
    let fd = sys_bpf(BPF_PROG_LOAD, &mut attr, 72)
        .map_err(|e| format!("the kernel refuses to load BPF programs: {e}"))?;
    let fd = owned_fd(fd);
    let r = test_run_packet(&fd, &[0u8; 64])
        .map_err(|e| format!("BPF_PROG_TEST_RUN does not work: {e}"))?;
    if r.retval != 7 {
        return Err(format!(
            "BPF_PROG_TEST_RUN returned {} instead of 7",
            r.retval
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_wrappers_round_trip() {
        if let Err(why) = probe() {
            println!("SKIP: {why}");
            return;
        }
        let map = map_create(MAP_TYPE_HASH, 4, 8, 16).expect("BPF_MAP_CREATE");
        let info = map_info(&map).unwrap();
        assert_eq!(
            (
                info.map_type,
                info.key_size,
                info.value_size,
                info.max_entries
            ),
            (MAP_TYPE_HASH, 4, 8, 16)
        );
        assert_eq!(map_lookup(&map, &7u32.to_le_bytes(), 8).unwrap(), None);
        for k in [7u32, 3, 11] {
            map_update(&map, &k.to_le_bytes(), &(k as u64 * 100).to_le_bytes()).unwrap();
        }
        let v = map_lookup(&map, &3u32.to_le_bytes(), 8).unwrap().unwrap();
        assert_eq!(u64::from_le_bytes(v.try_into().unwrap()), 300);
        let mut keys: Vec<u32> = map_keys(&map, 4)
            .unwrap()
            .into_iter()
            .map(|k| u32::from_le_bytes(k.try_into().unwrap()))
            .collect();
        keys.sort();
        assert_eq!(keys, vec![3, 7, 11]);
    }
}
