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

mod support;
use support::{arch_include, can_load, have, load, pinned_names, run, test_run_syscall, unpin};

fn program_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testsuite/btf")
}

/// A scratch directory per test, removed first.
fn scratch(name: &str) -> PathBuf {
    support::scratch_in("btf", name)
}

/// Compiles `testsuite/btf/<name>.c` into `<dir>/bpfcc/<name>.o`.
fn bpfcc(name: &str, dir: &Path) -> PathBuf {
    let out_dir = dir.join("bpfcc");
    std::fs::create_dir_all(&out_dir).unwrap();
    let obj = out_dir.join(format!("{name}.o"));
    let src = program_dir().join(format!("{name}.c"));
    run(Command::new(env!("CARGO_BIN_EXE_bpfcc"))
        .args([
            "-O2",
            "-g",
            "--target=bpf",
            "-mcpu=v3",
            &arch_include(),
            "-c",
        ])
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
        .args([
            "-O2",
            "-g",
            "--target=bpf",
            "-mcpu=v3",
            &arch_include(),
            "-c",
        ])
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
    run(Command::new("bpftool")
        .arg("btf")
        .arg("dump")
        .arg("file")
        .arg(obj))
    .map(|t| parse_dump(&t))
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

const PROGRAMS: [&str; 8] = [
    "maps",
    "globals",
    "externs",
    "subprogs",
    "link_a",
    "link_b",
    "ksym_exists",
    "decl_tags",
];

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
    const LOADED: [&str; 5] = ["maps", "globals", "externs", "subprogs", "decl_tags"];
    for name in LOADED {
        let ours = bpfcc(name, &dir);
        let pin_ours =
            Path::new("/sys/fs/bpf").join(format!("bpfcc-btf-{}-{name}", std::process::id()));
        let pin_theirs =
            Path::new("/sys/fs/bpf").join(format!("bpfcc-btf-clang-{}-{name}", std::process::id()));
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
    println!("{loaded} of {} bpfcc objects loaded", LOADED.len());
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
    for name in ["globals", "maps", "subprogs", "externs", "link_b"] {
        let ours = skeleton_structs(&bpfcc(name, &dir), name).unwrap();
        let mut theirs = skeleton_structs(&clang(name, &dir), name).unwrap();
        // clang's constant pools (struct literals) have empty structs.
        theirs.retain(|s| !s.contains("__rodata_cst"));
        assert!(
            ours.iter()
                .any(|s| s.contains("__bss") || s.contains("__data"))
                || name != "globals"
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

/// A relocation as (symbol name, ELF type, opcode of the instruction at the
/// place).
type RelocDesc = (String, u32, u8);

/// Each relocation of section `section` of an ELF object, sorted; and the
/// undefined symbols as (name, weak).
fn relocations_and_undefined(obj: &Path, section: &str) -> (Vec<RelocDesc>, Vec<(String, bool)>) {
    use object::{Object, ObjectSection, ObjectSymbol, RelocationFlags, RelocationTarget};
    let bytes = std::fs::read(obj).unwrap();
    let elf = object::File::parse(&*bytes).unwrap();
    let sec = elf.section_by_name(section).unwrap();
    let code = sec.data().unwrap();
    let mut relocs = Vec::new();
    for (offset, r) in sec.relocations() {
        let RelocationTarget::Symbol(sym) = r.target() else {
            panic!("relocation at {offset:#x} is not against a symbol");
        };
        let name = elf
            .symbol_by_index(sym)
            .unwrap()
            .name()
            .unwrap()
            .to_string();
        let RelocationFlags::Elf { r_type } = r.flags() else {
            unreachable!("an ELF object has ELF relocations")
        };
        relocs.push((name, r_type, code[offset as usize]));
    }
    relocs.sort();
    let mut undefined: Vec<(String, bool)> = elf
        .symbols()
        .filter(|s| s.is_undefined() && !s.name().unwrap_or("").is_empty())
        .map(|s| (s.name().unwrap().to_string(), s.is_weak()))
        .collect();
    undefined.sort();
    (relocs, undefined)
}

/// Weak kfuncs and `bpf_ksym_exists`: the address of an extern function is an
/// `ld_imm64` with `R_BPF_64_64` against its weak undefined symbol, as clang
/// emits it; loaded, it is non-null for a kfunc of the running kernel and null
/// for one the kernel lacks (whose dead call libbpf leaves to the verifier).
#[test]
fn weak_kfunc_addresses() {
    const R_BPF_64_64: u32 = 1;
    const R_BPF_64_32: u32 = 10;
    const LD_IMM64: u8 = 0x18;
    const CALL: u8 = 0x85;
    let dir = scratch("ksym");
    let ours = bpfcc("ksym_exists", &dir);
    let (relocs, undefined) = relocations_and_undefined(&ours, "syscall");
    let kfuncs = [
        "bpf_rcu_read_lock",
        "bpf_rcu_read_unlock",
        "bpfcc_no_such_kfunc",
    ];
    assert_eq!(
        undefined,
        kfuncs.map(|k| (k.to_string(), true)).to_vec(),
        "the kfuncs are WEAK undefined symbols"
    );
    for k in kfuncs {
        assert!(
            relocs.contains(&(k.to_string(), R_BPF_64_64, LD_IMM64)),
            "no ld_imm64 of {k}: {relocs:?}"
        );
        assert!(
            relocs.contains(&(k.to_string(), R_BPF_64_32, CALL)),
            "no call of {k}: {relocs:?}"
        );
    }
    let theirs = have("clang-19").then(|| clang("ksym_exists", &dir));
    if let Some(theirs) = &theirs {
        assert_eq!(
            (relocs, undefined),
            relocations_and_undefined(theirs, "syscall"),
            "bpfcc's relocations and undefined symbols differ from clang's"
        );
    }
    if let Err(why) = can_load() {
        println!("SKIP loading: {why}");
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    let mut results = Vec::new();
    for (who, obj) in std::iter::once(("bpfcc", &ours)).chain(theirs.iter().map(|o| ("clang", o))) {
        let pin =
            Path::new("/sys/fs/bpf").join(format!("bpfcc-btf-{}-ksym-{who}", std::process::id()));
        unpin(&pin);
        let ran = load(obj, &pin).and_then(|()| test_run_syscall(&pin.join("progs").join("run")));
        unpin(&pin);
        results.push((who, ran));
    }
    let _ = std::fs::remove_dir_all(&dir);
    // bpf_rcu_read_lock exists (+1), bpfcc_no_such_kfunc does not (+100),
    // bpf_rcu_read_unlock exists (+1000).
    for (who, ran) in results {
        assert_eq!(ran, Ok(1101), "{who}'s build");
    }
}

/// Map-in-map with an initialized `values` array.
#[test]
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

// ------------------------------------------------ in-process, no tools needed

mod decoded {
    //! A small `.BTF` / `.BTF.ext` reader for checking bpfcc's output.

    pub struct Type {
        pub kind: u32,
        pub name: String,
        pub kind_flag: bool,
        pub vlen: u32,
        pub size_or_type: u32,
        /// The words after the common header (members, params, entries...).
        pub extra: Vec<u32>,
    }

    pub struct Btf {
        pub types: Vec<Type>,
        pub strings: Vec<u8>,
    }

    fn u32_at(b: &[u8], o: usize) -> u32 {
        u32::from_le_bytes(b[o..o + 4].try_into().unwrap())
    }

    impl Btf {
        pub fn parse(b: &[u8]) -> Btf {
            assert_eq!(&b[0..4], &[0x9f, 0xeb, 1, 0], "magic, version, flags");
            let hdr = u32_at(b, 4) as usize;
            let (toff, tlen) = (u32_at(b, 8) as usize, u32_at(b, 12) as usize);
            let (soff, slen) = (u32_at(b, 16) as usize, u32_at(b, 20) as usize);
            assert_eq!(hdr + soff + slen, b.len(), "sections cover the data");
            let strings = b[hdr + soff..hdr + soff + slen].to_vec();
            assert_eq!(strings.first(), Some(&0));
            assert_eq!(strings.last(), Some(&0));
            let t = &b[hdr + toff..hdr + toff + tlen];
            let mut types = Vec::new();
            let mut o = 0;
            while o < t.len() {
                let name_off = u32_at(t, o);
                let info = u32_at(t, o + 4);
                let size_or_type = u32_at(t, o + 8);
                o += 12;
                let kind = (info >> 24) & 0x1f;
                let vlen = info & 0xffff;
                let words = match kind {
                    1 | 14 | 17 => 1,
                    3 => 3,
                    4 | 5 => 3 * vlen,
                    6 | 13 => 2 * vlen,
                    15 | 19 => 3 * vlen,
                    _ => 0,
                } as usize;
                let extra = (0..words).map(|i| u32_at(t, o + 4 * i)).collect();
                o += 4 * words;
                types.push(Type {
                    kind,
                    name: Self::str_at(&strings, name_off),
                    kind_flag: info >> 31 == 1,
                    vlen,
                    size_or_type,
                    extra,
                });
            }
            Btf { types, strings }
        }

        pub fn str_at(strings: &[u8], off: u32) -> String {
            let rest = &strings[off as usize..];
            let end = rest.iter().position(|&c| c == 0).unwrap();
            String::from_utf8_lossy(&rest[..end]).into_owned()
        }

        pub fn string(&self, off: u32) -> String {
            Self::str_at(&self.strings, off)
        }

        /// (id, type) of the first type of `kind` named `name`.
        pub fn find(&self, kind: u32, name: &str) -> Option<(u32, &Type)> {
            self.types
                .iter()
                .enumerate()
                .find(|(_, t)| t.kind == kind && t.name == name)
                .map(|(i, t)| (i as u32 + 1, t))
        }

        pub fn get(&self, id: u32) -> &Type {
            &self.types[id as usize - 1]
        }
    }

    /// `.BTF.ext` records: (section, records) for func_info and line_info.
    pub struct Ext {
        pub func_info: Vec<(String, Vec<[u32; 2]>)>,
        pub line_info: Vec<(String, Vec<[u32; 4]>)>,
    }

    impl Ext {
        pub fn parse(b: &[u8], btf: &Btf) -> Ext {
            assert_eq!(&b[0..4], &[0x9f, 0xeb, 1, 0]);
            let hdr = u32_at(b, 4) as usize;
            assert_eq!(hdr, 32, "clang's header, with CO-RE relocation fields");
            let read = |off: usize, len: usize, rec_words: usize| {
                let s = &b[hdr + off..hdr + off + len];
                assert_eq!(u32_at(s, 0) as usize, rec_words * 4, "record size");
                let mut out = Vec::new();
                let mut o = 4;
                while o < s.len() {
                    let sec = btf.string(u32_at(s, o));
                    let n = u32_at(s, o + 4) as usize;
                    o += 8;
                    let mut recs = Vec::new();
                    for _ in 0..n {
                        recs.push(
                            (0..rec_words)
                                .map(|i| u32_at(s, o + 4 * i))
                                .collect::<Vec<_>>(),
                        );
                        o += 4 * rec_words;
                    }
                    out.push((sec, recs));
                }
                out
            };
            let fi = read(u32_at(b, 8) as usize, u32_at(b, 12) as usize, 2);
            let li = read(u32_at(b, 16) as usize, u32_at(b, 20) as usize, 4);
            Ext {
                func_info: fi
                    .into_iter()
                    .map(|(s, r)| (s, r.into_iter().map(|v| [v[0], v[1]]).collect()))
                    .collect(),
                line_info: li
                    .into_iter()
                    .map(|(s, r)| (s, r.into_iter().map(|v| [v[0], v[1], v[2], v[3]]).collect()))
                    .collect(),
            }
        }
    }
}

const KIND_INT: u32 = 1;
const KIND_PTR: u32 = 2;
const KIND_STRUCT: u32 = 4;
const KIND_ENUM: u32 = 6;
const KIND_FWD: u32 = 7;
const KIND_FUNC: u32 = 12;
const KIND_FUNC_PROTO: u32 = 13;
const KIND_VAR: u32 = 14;
const KIND_DATASEC: u32 = 15;
const KIND_DECL_TAG: u32 = 17;
const KIND_TYPE_TAG: u32 = 18;
const KIND_ENUM64: u32 = 19;

fn compile_source(text: &str) -> Vec<u8> {
    let out = bpfcc::compile(
        bpfcc::Input::Source {
            name: "t.c".into(),
            text: text.into(),
        },
        &bpfcc::Options {
            opt_level: 2,
            ..bpfcc::Options::default()
        },
    );
    assert!(!out.failed(), "{}", out.render_diagnostics());
    out.output.unwrap()
}

fn sections(obj: &[u8]) -> (decoded::Btf, Option<decoded::Ext>) {
    use object::{Object, ObjectSection};
    let elf = object::File::parse(obj).unwrap();
    let btf = decoded::Btf::parse(elf.section_by_name(".BTF").unwrap().data().unwrap());
    let ext = elf
        .section_by_name(".BTF.ext")
        .map(|s| decoded::Ext::parse(s.data().unwrap(), &btf));
    (btf, ext)
}

const TYPES_SOURCE: &str = r#"
#define SEC(n) __attribute__((section(n), used))
struct later;
struct node { struct node *next; struct other *o; struct later *l; unsigned a : 3, b : 5; int c; };
struct other { int x; };
enum e { A, B };
enum s { M = -1 };
enum w { W = 0x100000000ULL };
typedef unsigned long ulong_t;
struct node head;
ulong_t counter SEC(".data.ctr") = 1;
static const volatile int cfg = 3;
enum e ev; enum s sv; enum w wv;
int __attribute__((btf_type_tag("user"))) *uptr;
int tagged __attribute__((btf_decl_tag("hello")));
_Bool flag; char ch; signed char sch; unsigned char uch;
extern int ext_kcfg __attribute__((section(".kconfig")));
static __attribute__((noinline)) int sub(int v) { return v + cfg; }
SEC("xdp") int prog(void *ctx)
{
	counter++;
	ev = B;
	return sub(head.c) + ext_kcfg + tagged;
}
char LICENSE[] SEC("license") = "GPL";
"#;

#[test]
fn types_follow_clang_conventions() {
    let obj = compile_source(TYPES_SOURCE);
    let (btf, _) = sections(&obj);
    // A record with bitfields: kind_flag, sizes in the member offsets.
    let (_, node) = btf.find(KIND_STRUCT, "node").unwrap();
    assert!(node.kind_flag);
    assert_eq!(node.vlen, 6);
    let member = |i: usize| &node.extra[3 * i..3 * i + 3];
    assert_eq!(member(3)[2], (3 << 24) | 192, "a: 3 bits at bit 192");
    assert_eq!(member(4)[2], (5 << 24) | 195, "b: 5 bits at bit 195");
    assert_eq!(member(5)[2], 224, "c: no bitfield size");
    // `struct other` is reached only through a member pointer: FWD, as with
    // clang; `struct node` is defined, and its self-pointer points to it.
    assert!(btf.find(KIND_FWD, "other").is_some());
    assert!(btf.find(KIND_STRUCT, "other").is_none());
    assert!(btf.find(KIND_FWD, "later").is_some());
    let (node_id, _) = btf.find(KIND_STRUCT, "node").unwrap();
    let next = btf.get(member(0)[1]);
    assert_eq!((next.kind, next.size_or_type), (KIND_PTR, node_id));
    // Enum signedness and ENUM64.
    assert!(!btf.find(KIND_ENUM, "e").unwrap().1.kind_flag);
    assert!(btf.find(KIND_ENUM, "s").unwrap().1.kind_flag);
    let (_, w) = btf.find(KIND_ENUM64, "w").unwrap();
    assert_eq!(
        (w.size_or_type, w.extra.clone()),
        (8, vec![w.extra[0], 0, 1])
    );
    // INT encodings: char signed, _Bool BOOL, unsigned none.
    let enc = |name: &str| btf.find(KIND_INT, name).unwrap().1.extra[0] >> 24;
    assert_eq!(enc("char"), 1);
    assert_eq!(enc("signed char"), 1);
    assert_eq!(enc("unsigned char"), 0);
    assert_eq!(enc("_Bool"), 4);
    assert_eq!(enc("unsigned long"), 0);
    // Type tag between the pointer and the pointee.
    let (_, uptr) = btf.find(KIND_VAR, "uptr").unwrap();
    let p = btf.get(uptr.size_or_type);
    assert_eq!(p.kind, KIND_PTR);
    let tag = btf.get(p.size_or_type);
    assert_eq!((tag.kind, tag.name.as_str()), (KIND_TYPE_TAG, "user"));
    // Decl tag on a variable, component -1.
    let (tagged, _) = btf.find(KIND_VAR, "tagged").unwrap();
    let dt = btf
        .types
        .iter()
        .find(|t| t.kind == KIND_DECL_TAG && t.name == "hello")
        .unwrap();
    assert_eq!((dt.size_or_type, dt.extra[0]), (tagged, u32::MAX));
    // Linkage of functions and variables.
    assert_eq!(btf.find(KIND_FUNC, "sub").unwrap().1.vlen, 0);
    assert_eq!(btf.find(KIND_FUNC, "prog").unwrap().1.vlen, 1);
    assert_eq!(btf.find(KIND_VAR, "cfg").unwrap().1.extra[0], 0);
    assert_eq!(btf.find(KIND_VAR, "counter").unwrap().1.extra[0], 1);
    assert_eq!(btf.find(KIND_VAR, "ext_kcfg").unwrap().1.extra[0], 2);
    // Parameter names in the prototype.
    let (_, sub) = btf.find(KIND_FUNC, "sub").unwrap();
    let proto = btf.get(sub.size_or_type);
    assert_eq!(proto.kind, KIND_FUNC_PROTO);
    assert_eq!(btf.string(proto.extra[0]), "v");
}

#[test]
fn datasec_offsets_are_the_symbols() {
    use object::{Object, ObjectSymbol};
    let obj = compile_source(TYPES_SOURCE);
    let (btf, _) = sections(&obj);
    let elf = object::File::parse(&*obj).unwrap();
    let mut checked = 0;
    for sec in btf.types.iter().filter(|t| t.kind == KIND_DATASEC) {
        // DATASECs come sorted by name.
        for e in sec.extra.chunks(3) {
            let var = btf.get(e[0]);
            if var.kind != KIND_VAR || var.extra[0] == 2 {
                continue;
            }
            let sym = elf.symbol_by_name(&var.name).unwrap();
            assert_eq!(e[1] as u64, sym.address(), "{}", var.name);
            assert_eq!(e[2] as u64, sym.size(), "{}", var.name);
            checked += 1;
        }
    }
    assert!(checked >= 8, "{checked}");
    let names: Vec<&str> = btf
        .types
        .iter()
        .filter(|t| t.kind == KIND_DATASEC)
        .map(|t| t.name.as_str())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert!(names.contains(&".kconfig") && names.contains(&".data.ctr"));
}

#[test]
fn func_and_line_info() {
    let obj = compile_source(TYPES_SOURCE);
    let (btf, ext) = sections(&obj);
    let ext = ext.unwrap();
    let fi: Vec<(String, Vec<String>)> = ext
        .func_info
        .iter()
        .map(|(s, recs)| {
            (
                s.clone(),
                recs.iter().map(|r| btf.get(r[1]).name.clone()).collect(),
            )
        })
        .collect();
    assert_eq!(
        fi,
        vec![
            (".text".to_string(), vec!["sub".to_string()]),
            ("xdp".to_string(), vec!["prog".to_string()])
        ]
    );
    for (sec, lines) in &ext.line_info {
        assert_eq!(lines[0][0], 0, "{sec}: a line at the function's start");
        assert!(
            lines.windows(2).all(|w| w[0][0] < w[1][0]),
            "{sec}: increasing"
        );
        for l in lines {
            assert_eq!(btf.string(l[1]), "t.c");
            let (line, col) = (l[3] >> 10, l[3] & 0x3ff);
            let text = TYPES_SOURCE.lines().nth(line as usize - 1).unwrap();
            assert_eq!(btf.string(l[2]), text);
            assert!(col >= 1 && (col as usize) <= text.len() + 1);
        }
    }
    // The statement `counter++;` starts a line record.
    let xdp = &ext.line_info.iter().find(|(s, _)| s == "xdp").unwrap().1;
    assert!(xdp.iter().any(|l| btf.string(l[2]).trim() == "counter++;"));
}

#[test]
fn output_is_deterministic() {
    assert_eq!(compile_source(TYPES_SOURCE), compile_source(TYPES_SOURCE));
}

/// A struct first seen through a member's pointer (deferred), then through
/// a parameter of a kfunc: it must be defined and the pointer lead to it,
/// else libbpf finds the kfunc's prototype incompatible with the kernel's.
#[test]
fn deferred_struct_completed_when_reached_elsewhere() {
    let obj = compile_source(
        r#"
struct cg { long id; };
struct holder { struct cg *c; };
struct holder h;
extern void release(struct cg *c) __attribute__((section(".ksyms")));
__attribute__((noinline)) int take(struct holder *hp) { release(hp->c); return 0; }
__attribute__((section("syscall"), used)) int run(void *ctx) { return take(&h); }
"#,
    );
    let (btf, _) = sections(&obj);
    assert!(btf.find(KIND_FWD, "cg").is_none());
    let (cg, _) = btf.find(KIND_STRUCT, "cg").unwrap();
    let (_, release) = btf.find(KIND_FUNC, "release").unwrap();
    let proto = btf.get(release.size_or_type);
    let param = btf.get(proto.extra[1]);
    assert_eq!((param.kind, param.size_or_type), (KIND_PTR, cg));
}

/// Static locals of one name (what `bpf_printk` makes) each get their own
/// type, whose size is the DATASEC entry's: the kernel rejects a smaller one.
#[test]
fn same_named_static_locals() {
    let obj = compile_source(
        r#"
int x;
__attribute__((section("syscall"), used)) int run(void *ctx)
{
	{ static const char a[] = "ab"; x += a[x & 1]; }
	{ static const char a[] = "abcdef"; x += a[x & 3]; }
	return x;
}
"#,
    );
    let (btf, _) = sections(&obj);
    let mut sizes = Vec::new();
    for sec in btf.types.iter().filter(|t| t.kind == KIND_DATASEC) {
        for e in sec.extra.chunks(3) {
            let var = btf.get(e[0]);
            if var.name == "run.a" {
                let array = btf.get(var.size_or_type);
                assert_eq!(array.kind, 3);
                assert_eq!(array.extra[2], e[2], "array length = entry size");
                sizes.push(e[2]);
            }
        }
    }
    sizes.sort();
    assert_eq!(sizes, vec![3, 7]);
}

/// `__hidden` (`visibility("hidden")`) functions and variables are
/// `STV_HIDDEN`, as clang writes them: libbpf then treats a hidden global
/// function as static instead of verifying it on its own.
#[test]
fn hidden_symbols_have_hidden_visibility() {
    use object::{Object, ObjectSymbol, SymbolFlags};
    let obj = compile_source(
        r#"
#define __hidden __attribute__((visibility("hidden")))
__hidden int shared_count;
int visible_count;
__hidden __attribute__((noinline)) int bump(int *p) { return p ? ++*p : 0; }
__attribute__((noinline)) int bump_visible(int *p) { return p ? --*p : 0; }
__attribute__((section("syscall"), used)) int run(void *ctx)
{
	return bump(&shared_count) + bump_visible(&visible_count);
}
"#,
    );
    let elf = object::File::parse(&*obj).unwrap();
    let other = |name: &str| {
        let s = elf.symbols().find(|s| s.name() == Ok(name)).unwrap();
        assert!(s.is_global(), "{name} stays global");
        match s.flags() {
            SymbolFlags::Elf { st_other, .. } => st_other & 3,
            f => panic!("{f:?}"),
        }
    };
    assert_eq!(other("bump"), object::elf::STV_HIDDEN);
    assert_eq!(other("shared_count"), object::elf::STV_HIDDEN);
    assert_eq!(other("bump_visible"), object::elf::STV_DEFAULT);
    assert_eq!(other("visible_count"), object::elf::STV_DEFAULT);
}
