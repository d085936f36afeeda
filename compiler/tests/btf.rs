//! BTF and objects with maps, globals and externs, against clang-19.
//!
//! Each program of `testsuite/btf/` is compiled by bpfcc and by clang-19
//! (`-O2 -g --target=bpf -mcpu=v3`), and:
//! - `bpftool btf dump file` of both must describe the same named types,
//!   functions, variables, decl tags and data sections (type ids normalised
//!   away: each reference is replaced by a description of what it refers to);
//! - bpfcc's object must load (`bpftool prog loadall`: the kernel accepts its
//!   BTF and the verifier its programs);
//! - `syscall` programs run with BPF_PROG_TEST_RUN in both builds must return
//!   the same values and leave the same map and global-data contents;
//! - `bpftool gen skeleton` must give the same data-section structs;
//! - `bpftool gen object` links two bpfcc objects into one that loads and runs.
//!
//! Tools or privileges missing: the test prints `SKIP: <why>` and passes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn program_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testsuite/btf")
}

fn arch_include() -> String {
    let out = Command::new("uname").arg("-m").output().ok();
    let arch = out
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "x86_64".into());
    format!("-I/usr/include/{arch}-linux-gnu")
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn can_load() -> Result<(), String> {
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

/// A scratch directory per test, removed first.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bpfcc-btf-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(cmd: &mut Command) -> Result<String, String> {
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

/// Compiles `testsuite/btf/<name>.c` into `<dir>/bpfcc/<name>.o`.
fn bpfcc(name: &str, dir: &Path) -> PathBuf {
    let out_dir = dir.join("bpfcc");
    std::fs::create_dir_all(&out_dir).unwrap();
    let obj = out_dir.join(format!("{name}.o"));
    let src = program_dir().join(format!("{name}.c"));
    run(Command::new(env!("CARGO_BIN_EXE_bpfcc"))
        .args(["-O2", "-g", "--target=bpf", "-mcpu=v3", &arch_include(), "-c"])
        .arg(&src)
        .arg("-o")
        .arg(&obj))
    .unwrap_or_else(|e| panic!("bpfcc: {e}"));
    obj
}

/// Compiles with clang-19 into `<dir>/clang/<name>.o` (same file name, so
/// libbpf names the global-data maps alike).
fn clang(name: &str, dir: &Path) -> PathBuf {
    let out_dir = dir.join("clang");
    std::fs::create_dir_all(&out_dir).unwrap();
    let obj = out_dir.join(format!("{name}.o"));
    let src = program_dir().join(format!("{name}.c"));
    run(Command::new("clang-19")
        .args(["-O2", "-g", "--target=bpf", "-mcpu=v3", &arch_include(), "-c"])
        .arg(&src)
        .arg("-o")
        .arg(&obj))
    .unwrap_or_else(|e| panic!("clang: {e}"));
    obj
}

// ------------------------------------------------------------ BTF dumps

/// One type of `bpftool btf dump file` text output.
struct DumpedType {
    kind: String,
    name: String,
    /// The header after the name (`size=4 vlen=2`, `type_id=3 linkage=global`).
    attrs: String,
    /// Member / parameter / enumerator / DATASEC entry lines.
    lines: Vec<String>,
}

struct Dump {
    types: BTreeMap<u32, DumpedType>,
}

fn parse_dump(text: &str) -> Dump {
    let mut types = BTreeMap::new();
    let mut current: Option<u32> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix('[') {
            let (id, rest) = rest.split_once("] ").expect("[id] header");
            let id: u32 = id.parse().unwrap();
            let (kind, rest) = rest.split_once(' ').unwrap_or((rest, ""));
            let rest = rest.strip_prefix('\'').unwrap_or(rest);
            let (name, attrs) = rest.split_once('\'').unwrap_or(("", rest));
            types.insert(
                id,
                DumpedType {
                    kind: kind.to_string(),
                    name: name.to_string(),
                    attrs: attrs.trim().to_string(),
                    lines: Vec::new(),
                },
            );
            current = Some(id);
        } else if let (Some(id), Some(l)) = (current, line.strip_prefix('\t')) {
            types.get_mut(&id).unwrap().lines.push(l.to_string());
        }
    }
    Dump { types }
}

impl Dump {
    /// Replaces every `type_id=N` (and `ret_type_id=N`) by what N is.
    fn resolve_refs(&self, text: &str, depth: u32) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find("type_id=") {
            let (before, after) = rest.split_at(i + "type_id=".len());
            out.push_str(before);
            let digits = after.chars().take_while(|c| c.is_ascii_digit()).count();
            let id: u32 = after[..digits].parse().unwrap_or(0);
            out.push_str(&format!("<{}>", self.describe(id, depth + 1)));
            rest = &after[digits..];
        }
        out.push_str(rest);
        out
    }

    /// A named type by kind and name; an anonymous one by its structure.
    fn describe(&self, id: u32, depth: u32) -> String {
        if id == 0 {
            return "void".into();
        }
        let Some(t) = self.types.get(&id) else {
            return format!("missing#{id}");
        };
        if t.name != "(anon)" || depth > 8 {
            return format!("{} '{}'", t.kind, t.name);
        }
        let mut s = format!("{} {}", t.kind, self.resolve_refs(&t.attrs, depth));
        for l in &t.lines {
            s.push_str(" {");
            s.push_str(&self.resolve_refs(l, depth));
            s.push('}');
        }
        s
    }

    /// The comparable description of every named type, function, variable,
    /// decl tag and data section, sorted.
    fn definitions(&self) -> Vec<String> {
        let mut defs = Vec::new();
        for t in self.types.values() {
            let named = t.name != "(anon)";
            if !named && t.kind != "DECL_TAG" {
                continue;
            }
            if t.kind == "DATASEC" {
                // clang leaves sizes and offsets to libbpf (0), bpfcc writes
                // them: compare the variables and their sizes.
                let mut vars: Vec<String> = t
                    .lines
                    .iter()
                    .map(|l| {
                        let l = self.resolve_refs(l, 0);
                        match (l.find(" offset="), l.find(" size=")) {
                            (Some(a), Some(b)) => format!("{}{}", &l[..a], &l[b..]),
                            _ => l,
                        }
                    })
                    .collect();
                vars.sort();
                defs.push(format!("DATASEC '{}' {}", t.name, vars.join(" ; ")));
                continue;
            }
            let mut s = format!("{} '{}' {}", t.kind, t.name, self.resolve_refs(&t.attrs, 0));
            for l in &t.lines {
                s.push_str(" {");
                s.push_str(&self.resolve_refs(l, 0));
                s.push('}');
            }
            defs.push(s);
        }
        defs.sort();
        defs
    }
}

fn btf_dump(obj: &Path) -> Result<Dump, String> {
    run(Command::new("bpftool").arg("btf").arg("dump").arg("file").arg(obj)).map(|t| parse_dump(&t))
}

/// Every line in one list and not in the other (multiset difference).
fn difference(a: &[String], b: &[String]) -> (Vec<String>, Vec<String>) {
    let mut only_a = Vec::new();
    let mut rest_b: Vec<&String> = b.iter().collect();
    for x in a {
        match rest_b.iter().position(|y| *y == x) {
            Some(i) => {
                rest_b.remove(i);
            }
            None => only_a.push(x.clone()),
        }
    }
    (only_a, rest_b.into_iter().cloned().collect())
}

// ------------------------------------------------------------ bpf() syscall

const BPF_PROG_TEST_RUN: libc::c_long = 10;
const BPF_OBJ_GET: libc::c_long = 7;

fn bpf(cmd: libc::c_long, attr: &mut [u64; 16]) -> i64 {
    // SAFETY: `attr` is a zeroed, 128-byte `union bpf_attr` the kernel reads
    // (and, for test runs, writes) within its size.
    unsafe { libc::syscall(libc::SYS_bpf, cmd, attr.as_mut_ptr(), 128usize) }
}

fn obj_get(path: &Path) -> Result<i32, String> {
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
fn test_run_syscall(pinned: &Path) -> Result<u32, String> {
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
fn load(obj: &Path, dir: &Path) -> Result<(), String> {
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

fn unpin(dir: &Path) {
    // bpffs directories hold only pins: removing the tree unpins.
    let _ = std::fs::remove_dir_all(dir);
}

fn pinned_names(dir: &Path) -> Vec<String> {
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

/// The contents of every dumpable pinned map, by name (ringbuf, perf event,
/// prog and stack maps cannot be dumped and are left out).
fn map_contents(maps: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for name in pinned_names(maps) {
        if let Ok(text) = run(Command::new("bpftool")
            .args(["map", "dump", "pinned"])
            .arg(maps.join(&name)))
        {
            out.insert(name, text);
        }
    }
    out
}

// ------------------------------------------------------------ tests

const PROGRAMS: [&str; 6] = ["maps", "globals", "externs", "subprogs", "link_a", "link_b"];

/// Named types, functions, variables and data sections equal clang's.
#[test]
fn btf_matches_clang() {
    if !have("clang-19") || !have("bpftool") {
        println!("SKIP: clang-19 or bpftool is not installed");
        return;
    }
    let dir = scratch("dump");
    let mut failures = Vec::new();
    for name in PROGRAMS {
        let ours = btf_dump(&bpfcc(name, &dir)).unwrap();
        let theirs = btf_dump(&clang(name, &dir)).unwrap();
        println!(
            "{name}: bpfcc {} BTF types, clang {}",
            ours.types.len(),
            theirs.types.len()
        );
        let (only_ours, only_theirs) = difference(&ours.definitions(), &theirs.definitions());
        if !only_ours.is_empty() || !only_theirs.is_empty() {
            failures.push(format!(
                "{name}:\n  only bpfcc:\n    {}\n  only clang:\n    {}",
                only_ours.join("\n    "),
                only_theirs.join("\n    ")
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The kernel accepts bpfcc's BTF and programs; `syscall` programs return
/// what clang's build returns and leave the same maps and globals.
#[test]
fn objects_load_and_run_like_clang() {
    if let Err(why) = can_load() {
        println!("SKIP: {why}");
        return;
    }
    let with_clang = have("clang-19");
    let dir = scratch("load");
    let mut failures = Vec::new();
    let mut loaded = 0;
    for name in ["maps", "globals", "externs", "subprogs"] {
        let ours = bpfcc(name, &dir);
        let pin_ours = Path::new("/sys/fs/bpf").join(format!(
            "bpfcc-btf-{}-{name}",
            std::process::id()
        ));
        let pin_theirs = Path::new("/sys/fs/bpf").join(format!(
            "bpfcc-btf-clang-{}-{name}",
            std::process::id()
        ));
        unpin(&pin_ours);
        if let Err(e) = load(&ours, &pin_ours) {
            failures.push(format!("{name}: bpfcc's object does not load: {e}"));
            unpin(&pin_ours);
            continue;
        }
        loaded += 1;
        if with_clang {
            let theirs = clang(name, &dir);
            unpin(&pin_theirs);
            match load(&theirs, &pin_theirs) {
                Err(e) => failures.push(format!("{name}: clang's object does not load: {e}")),
                Ok(()) => {
                    let progs = pinned_names(&pin_ours.join("progs"));
                    assert_eq!(progs, pinned_names(&pin_theirs.join("progs")));
                    for p in &progs {
                        // Only `syscall` programs run without a packet.
                        let a = test_run_syscall(&pin_ours.join("progs").join(p));
                        let b = test_run_syscall(&pin_theirs.join("progs").join(p));
                        match (a, b) {
                            (Ok(a), Ok(b)) if a != b => failures.push(format!(
                                "{name}/{p}: returns {a} with bpfcc, {b} with clang"
                            )),
                            (Err(e), Ok(_)) => failures.push(format!("{name}/{p}: {e}")),
                            _ => {}
                        }
                    }
                    let ours_maps = map_contents(&pin_ours.join("maps"));
                    // clang's constant pools (`.rodata.cst16` for a struct
                    // literal) are its own business.
                    let mut theirs_maps = map_contents(&pin_theirs.join("maps"));
                    theirs_maps.retain(|name, _| !name.contains("rodata_cst"));
                    if ours_maps != theirs_maps {
                        failures.push(format!(
                            "{name}: maps differ after the runs\n bpfcc: {ours_maps:#?}\n clang: {theirs_maps:#?}"
                        ));
                    }
                }
            }
            unpin(&pin_theirs);
        }
        unpin(&pin_ours);
    }
    println!("{loaded} of 4 bpfcc objects loaded");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The `.bss`/`.data`/`.rodata` structs of `bpftool gen skeleton`.
fn skeleton_structs(obj: &Path, name: &str) -> Result<Vec<String>, String> {
    let text = run(Command::new("bpftool")
        .args(["gen", "skeleton"])
        .arg(obj)
        .args(["name", name]))?;
    let mut structs = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(s) = current.as_mut() {
            s.push_str(line.trim());
            s.push('\n');
            if line.trim_start().starts_with('}') {
                structs.push(current.take().unwrap());
            }
        } else if line.trim_start().starts_with(&format!("struct {name}__"))
            && line.trim_end().ends_with('{')
            && !line.contains("__elf_bytes")
        {
            current = Some(format!("{}\n", line.trim()));
        }
    }
    Ok(structs)
}

#[test]
fn skeleton_data_structs_match_clang() {
    if !have("clang-19") || !have("bpftool") {
        println!("SKIP: clang-19 or bpftool is not installed");
        return;
    }
    let dir = scratch("skel");
    for name in ["globals", "maps", "subprogs"] {
        let ours = skeleton_structs(&bpfcc(name, &dir), name).unwrap();
        let mut theirs = skeleton_structs(&clang(name, &dir), name).unwrap();
        // clang's constant pools (struct literals) have empty structs.
        theirs.retain(|s| !s.contains("__rodata_cst"));
        assert!(
            ours.iter().any(|s| s.contains("__bss") || s.contains("__data")) || name != "globals"
        );
        assert_eq!(ours, theirs, "{name}: skeleton structs differ");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `bpftool gen object` links two bpfcc objects; the result loads and the
/// call across them works.
#[test]
fn linked_objects_load() {
    if let Err(why) = can_load() {
        println!("SKIP: {why}");
        return;
    }
    let dir = scratch("link");
    let a = bpfcc("link_a", &dir);
    let b = bpfcc("link_b", &dir);
    let linked = dir.join("linked.o");
    run(Command::new("bpftool")
        .args(["gen", "object"])
        .arg(&linked)
        .arg(&a)
        .arg(&b))
    .unwrap();
    let pin = Path::new("/sys/fs/bpf").join(format!("bpfcc-btf-{}-link", std::process::id()));
    unpin(&pin);
    let loaded = load(&linked, &pin);
    let ran = loaded
        .clone()
        .and_then(|()| test_run_syscall(&pin.join("progs").join("use_shared")));
    unpin(&pin);
    let _ = std::fs::remove_dir_all(&dir);
    // shared_sub(20) = 20 + b_offset (2).
    assert_eq!(ran, Ok(22), "{loaded:?}");
}

/// Map-in-map with an initialized `values` array.
#[test]
#[ignore = "sema/lower: the flexible `values[]` initializer is not counted in the object's size"]
fn map_in_map_values() {
    if let Err(why) = can_load() {
        println!("SKIP: {why}");
        return;
    }
    let dir = scratch("mim");
    let obj = bpfcc("mapinmap", &dir);
    let pin = Path::new("/sys/fs/bpf").join(format!("bpfcc-btf-{}-mim", std::process::id()));
    unpin(&pin);
    let r = load(&obj, &pin);
    unpin(&pin);
    let _ = std::fs::remove_dir_all(&dir);
    r.unwrap();
}
