//! Back-end tests: hand-built IR compiled at every `-mcpu`, checked as
//! assembly, reassembled by clang (when installed) to check the encoding,
//! and run in the kernel as socket filters through BPF_PROG_TEST_RUN.

use super::asm_print::print_assembly;
use super::insn::*;
use super::*;
use crate::diag::Diagnostics;
use crate::ir::builder::FunctionBuilder;
use crate::ir::*;
use std::sync::OnceLock;

// ---- building test functions ----

/// A function `name(ctx: i64) -> i32` whose body `body` builds.
fn prog(body: impl FnOnce(&mut FunctionBuilder, Value)) -> Function {
    func("prog", vec![Type::I64], Some(Type::I32), |b, params| {
        body(b, params[0])
    })
}

fn func(
    name: &str,
    params: Vec<Type>,
    ret: Option<Type>,
    body: impl FnOnce(&mut FunctionBuilder, Vec<Value>),
) -> Function {
    let mut f = Function::new(name, "socket", params.clone(), ret);
    let mut b = FunctionBuilder::new(&mut f);
    let entry = b.create_block();
    let ps: Vec<Value> = params
        .iter()
        .map(|&t| b.append_block_param(entry, t))
        .collect();
    b.switch_to_block(entry);
    body(&mut b, ps);
    f
}

/// A value the back end cannot see as a constant: stored to the stack and
/// loaded back (volatile).
fn opaque(b: &mut FunctionBuilder, ty: Type, c: i64) -> Value {
    let (size, width) = match ty {
        Type::I32 => (4, MemWidth::B4),
        Type::I64 => (8, MemWidth::B8),
    };
    let slot = b.create_slot(size, size, None, Default::default());
    let addr = b.ins_value(Op::StackAddr { slot, offset: 0 }, Type::I64);
    let k = b.iconst(ty, c);
    b.ins(
        Op::Store {
            addr,
            offset: 0,
            value: k,
            width,
            volatile: true,
        },
        None,
    );
    b.ins_value(
        Op::Load {
            addr,
            offset: 0,
            width,
            signed: false,
            volatile: true,
        },
        ty,
    )
}

fn narrow(b: &mut FunctionBuilder, v: Value) -> Value {
    if b.func.value_type(v) == Type::I32 {
        v
    } else {
        b.ins_value(Op::Narrow(v), Type::I32)
    }
}

/// Returns the low 32 bits of `v` (`half == 0`) or the high ones (`half == 1`).
fn ret_half(b: &mut FunctionBuilder, v: Value, half: u32) {
    let v = if half == 1 {
        let k = b.iconst(Type::I64, 32);
        b.binary(BinOp::LShr, v, k)
    } else {
        v
    };
    let r = narrow(b, v);
    b.ret(Some(r));
}

// ---- compiling ----

fn options(cpu: u8) -> BackendOptions {
    BackendOptions {
        cpu_version: cpu,
        opt_level: 2,
    }
}

fn compile(module: &Module, cpu: u8) -> (Vec<MachFunction>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let out = compile_module(module, &options(cpu), &mut diags);
    (out, diags)
}

fn module_of(fs: Vec<Function>) -> Module {
    let mut m = Module::default();
    for f in fs {
        m.functions.push(f);
    }
    m
}

fn compile_ok(module: &Module, cpu: u8) -> Vec<MachFunction> {
    let (out, diags) = compile(module, cpu);
    assert!(
        !diags.has_errors(),
        "v{cpu}: {:?}\n{}",
        diags.list,
        crate::ir::print::print_function(&module.functions[FuncId::from_u32(0)])
    );
    out
}

fn asm(module: &Module, cpu: u8) -> String {
    print_assembly(&compile_ok(module, cpu), module)
}

fn error_messages(module: &Module, cpu: u8) -> Vec<String> {
    let (_, diags) = compile(module, cpu);
    diags.list.iter().map(|d| d.message.clone()).collect()
}

// ---- reassembling with clang ----

fn clang() -> Option<&'static str> {
    static FOUND: OnceLock<bool> = OnceLock::new();
    let found = *FOUND.get_or_init(|| {
        std::process::Command::new("clang-19")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    found.then_some("clang-19")
}

thread_local! {
    /// Compiled modules waiting to be reassembled, by CPU version.
    static PENDING: std::cell::RefCell<Vec<(u8, Module, Vec<MachFunction>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Queues a compiled module for [`reassemble_pending`].
fn check_reassembles(module: &Module, funcs: &[MachFunction], cpu: u8) {
    if clang().is_some() {
        PENDING.with(|p| p.borrow_mut().push((cpu, module.clone(), funcs.to_vec())));
    }
}

/// Assembles our `-S` output of the queued modules with clang (one file per
/// CPU version, each module's names and sections made unique) and checks that
/// clang encodes it to the same instructions as ours.
fn reassemble_pending() {
    let Some(clang) = clang() else { return };
    let pending = PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()));
    for cpu in 1..=4u8 {
        let mut text = String::new();
        let mut expected: Vec<(String, Vec<u8>, Vec<bool>)> = Vec::new();
        for (k, (_, module, funcs)) in pending.iter().enumerate().filter(|(_, p)| p.0 == cpu) {
            let mut module = module.clone();
            for f in module.functions.values_mut() {
                f.name = format!("{}_{k}", f.name);
            }
            for d in module.data.values_mut() {
                d.name = format!("{}_{k}", d.name);
                d.section = format!("d{k}{}", d.section);
            }
            let funcs: Vec<MachFunction> = funcs
                .iter()
                .map(|f| MachFunction {
                    name: format!("{}_{k}", f.name),
                    section: format!("t{k}{}", f.section),
                    ..f.clone()
                })
                .collect();
            // Labels are numbered per module: make them unique in the file.
            text += &print_assembly(&funcs, &module)
                .replace("LBB", &format!("LBB{k}_"))
                .replace(".Lfunc_end", &format!(".Lfunc_end{k}_"));
            for f in &funcs {
                let bytes: Vec<u8> = f.insns.iter().flat_map(|i| i.encode()).collect();
                // The assembler may point a relocation at the section symbol
                // and put the symbol's offset in the immediate: not compared.
                let mut masked = vec![false; f.insns.len()];
                for r in &f.relocs {
                    masked[r.insn] = true;
                    if r.kind == RelocKind::Ld64 {
                        masked[r.insn + 1] = true;
                    }
                }
                match expected.iter_mut().find(|(s, _, _)| *s == f.section) {
                    Some((_, e, m)) => {
                        e.extend(bytes);
                        m.extend(masked);
                    }
                    None => expected.push((f.section.clone(), bytes, masked)),
                }
            }
        }
        if expected.is_empty() {
            continue;
        }
        let dir = std::env::temp_dir().join(format!(
            "bpfcc-backend-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let s = dir.join("t.s");
        let o = dir.join("t.o");
        std::fs::write(&s, &text).unwrap();
        let out = std::process::Command::new(clang)
            .args(["--target=bpf", &format!("-mcpu=v{cpu}"), "-c"])
            .arg(&s)
            .arg("-o")
            .arg(&o)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "clang rejects our assembly:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes = std::fs::read(&o).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        use object::{Object, ObjectSection};
        let obj = object::File::parse(&*bytes).unwrap();
        for (sec, ours, masked) in expected {
            let theirs = obj
                .section_by_name(&sec)
                .unwrap_or_else(|| panic!("no section {sec}"))
                .data()
                .unwrap();
            let differs_at = |k: usize| {
                let (a, b) = (&theirs[8 * k..8 * k + 8], &ours[8 * k..8 * k + 8]);
                if masked[k] {
                    a[..4] != b[..4]
                } else {
                    a != b
                }
            };
            let mismatch = (theirs.len() != ours.len())
                .then_some(0)
                .or_else(|| (0..masked.len()).find(|&k| differs_at(k)));
            if let Some(at) = mismatch {
                let fn_text: String = text
                    .lines()
                    .skip_while(|l| !l.contains(&format!("section\t{sec},")))
                    .take(60)
                    .collect::<Vec<_>>()
                    .join("\n");
                panic!("v{cpu}: clang encodes our assembly of {sec} differently at instruction {at}:\n{fn_text}");
            }
        }
    }
}

// ---- running in the kernel ----

const BPF_PROG_LOAD: i64 = 5;
const BPF_PROG_TEST_RUN: i64 = 10;
const BPF_PROG_TYPE_SOCKET_FILTER: u32 = 1;

fn bpf(cmd: i64, attr: &mut [u8]) -> i64 {
    unsafe {
        libc::syscall(
            libc::SYS_bpf,
            cmd,
            attr.as_mut_ptr(),
            attr.len() as libc::c_uint,
        )
    }
}

fn put_u32(a: &mut [u8], at: usize, v: u32) {
    a[at..at + 4].copy_from_slice(&v.to_ne_bytes());
}

fn put_u64(a: &mut [u8], at: usize, v: u64) {
    a[at..at + 8].copy_from_slice(&v.to_ne_bytes());
}

/// Whether the bpf() syscall works here (else the kernel tests print SKIP).
fn kernel_available() -> bool {
    static OK: OnceLock<bool> = OnceLock::new();
    *OK.get_or_init(|| {
        let f = prog(|b, _| {
            let k = b.iconst(Type::I32, 0);
            b.ret(Some(k))
        });
        let m = module_of(vec![f]);
        match load(&m, &compile_ok(&m, 3), 0) {
            Ok(fd) => {
                unsafe { libc::close(fd) };
                true
            }
            Err(e) => {
                eprintln!("SKIP: cannot load BPF programs here: {e}");
                false
            }
        }
    })
}

/// The packet every test program runs on: byte i is i (after the 14-byte
/// Ethernet header, which socket filters do not see).
fn packet() -> Vec<u8> {
    (0..64u8).collect()
}

/// Links the functions (`entry` first; the others after it, calls resolved
/// by function index) and loads them as a socket filter. Data objects become
/// maps: `.maps` objects one-element arrays of 8-byte values, other data a
/// one-element array holding the object's bytes (as libbpf does for `.data`).
fn load(module: &Module, funcs: &[MachFunction], entry: usize) -> Result<i32, String> {
    let mut insns = Vec::new();
    let mut starts = vec![0usize; funcs.len()];
    let mut map_fds: Vec<(DataId, i32)> = Vec::new();
    let layout: Vec<usize> = std::iter::once(entry)
        .chain((0..funcs.len()).filter(|&i| i != entry))
        .collect();
    for &i in &layout {
        starts[i] = insns.len();
        insns.extend_from_slice(&funcs[i].insns);
    }
    let close_maps = |map_fds: &[(DataId, i32)]| {
        for &(_, fd) in map_fds {
            unsafe { libc::close(fd) };
        }
    };
    for (f, &start) in funcs.iter().zip(&starts) {
        for r in &f.relocs {
            let at = start + r.insn;
            match (&r.kind, &r.target) {
                (RelocKind::Call, RelocTarget::Func(callee)) => {
                    insns[at].imm =
                        (starts[callee.as_u32() as usize] as i64 - at as i64 - 1) as i32;
                }
                (RelocKind::Ld64, RelocTarget::Data(d)) => {
                    let data = &module.data[*d];
                    let is_map = data.section == ".maps";
                    let fd = match map_fds.iter().find(|(x, _)| x == d) {
                        Some(&(_, fd)) => fd,
                        None => {
                            let fd = if is_map {
                                create_array_map(8, None)
                            } else {
                                create_array_map(data.size.max(1) as u32, Some(&data.bytes))
                            };
                            let fd = fd.inspect_err(|_| close_maps(&map_fds))?;
                            map_fds.push((*d, fd));
                            fd
                        }
                    };
                    insns[at].imm = fd;
                    if is_map {
                        insns[at].src = BPF_PSEUDO_MAP_FD;
                    } else {
                        // BPF_PSEUDO_MAP_VALUE: the address of the value plus
                        // the offset in the second slot.
                        insns[at].src = 2;
                        insns[at + 1].imm = r.addend as i32;
                    }
                }
                _ => {
                    close_maps(&map_fds);
                    return Err(format!("test loader cannot resolve {r:?}"));
                }
            }
        }
    }
    let code: Vec<u8> = insns.iter().flat_map(|i| i.encode()).collect();
    let license = b"GPL\0";
    let mut log = vec![0u8; 1 << 20];
    let mut attr = [0u8; 144];
    put_u32(&mut attr, 0, BPF_PROG_TYPE_SOCKET_FILTER);
    put_u32(&mut attr, 4, insns.len() as u32);
    put_u64(&mut attr, 8, code.as_ptr() as u64);
    put_u64(&mut attr, 16, license.as_ptr() as u64);
    let mut fd = bpf(BPF_PROG_LOAD, &mut attr);
    if fd < 0 {
        // Again with the verifier's log, to say why (a long log of a program
        // that loads would not fit the buffer, so not asked for first).
        put_u32(&mut attr, 24, 1);
        put_u32(&mut attr, 28, log.len() as u32);
        put_u64(&mut attr, 32, log.as_mut_ptr() as u64);
        fd = bpf(BPF_PROG_LOAD, &mut attr);
    }
    // The program keeps its maps alive.
    close_maps(&map_fds);
    if fd < 0 {
        let err = std::io::Error::last_os_error();
        let end = log.iter().position(|&c| c == 0).unwrap_or(0);
        // The end of the log says why.
        let text = String::from_utf8_lossy(&log[..end]);
        let mut tail: Vec<&str> = text.lines().rev().take(40).collect();
        tail.reverse();
        return Err(format!("BPF_PROG_LOAD: {err}\n{}", tail.join("\n")));
    }
    Ok(fd as i32)
}

/// A one-element array map with 4-byte keys and `value_size`-byte values,
/// holding `init` if given.
fn create_array_map(value_size: u32, init: Option<&[u8]>) -> Result<i32, String> {
    const BPF_MAP_CREATE: i64 = 0;
    const BPF_MAP_UPDATE_ELEM: i64 = 2;
    const BPF_MAP_TYPE_ARRAY: u32 = 2;
    let mut attr = [0u8; 72];
    put_u32(&mut attr, 0, BPF_MAP_TYPE_ARRAY);
    put_u32(&mut attr, 4, 4);
    put_u32(&mut attr, 8, value_size);
    put_u32(&mut attr, 12, 1);
    let fd = bpf(BPF_MAP_CREATE, &mut attr);
    if fd < 0 {
        return Err(format!(
            "BPF_MAP_CREATE: {}",
            std::io::Error::last_os_error()
        ));
    }
    if let Some(bytes) = init.filter(|b| !b.is_empty()) {
        let key = 0u32;
        let mut value = bytes.to_vec();
        value.resize(value_size as usize, 0);
        let mut attr = [0u8; 32];
        put_u32(&mut attr, 0, fd as u32);
        put_u64(&mut attr, 8, &key as *const u32 as u64);
        put_u64(&mut attr, 16, value.as_ptr() as u64);
        if bpf(BPF_MAP_UPDATE_ELEM, &mut attr) < 0 {
            let e = std::io::Error::last_os_error();
            unsafe { libc::close(fd as i32) };
            return Err(format!("BPF_MAP_UPDATE_ELEM: {e}"));
        }
    }
    Ok(fd as i32)
}

fn test_run(fd: i32) -> Result<u32, String> {
    let mut data = packet();
    let mut attr = [0u8; 80];
    put_u32(&mut attr, 0, fd as u32);
    put_u32(&mut attr, 8, data.len() as u32);
    put_u64(&mut attr, 16, data.as_mut_ptr() as u64);
    put_u32(&mut attr, 32, 1);
    if bpf(BPF_PROG_TEST_RUN, &mut attr) < 0 {
        return Err(format!(
            "BPF_PROG_TEST_RUN: {}",
            std::io::Error::last_os_error()
        ));
    }
    Ok(u32::from_ne_bytes(attr[4..8].try_into().unwrap()))
}

/// Compiles the module (its first function is the program) at `cpu`, checks
/// the encoding through clang, and runs it: its return value, or `None`
/// when the kernel is not available.
fn run_module(module: &Module, cpu: u8) -> Option<u32> {
    let funcs = compile_ok(module, cpu);
    check_reassembles(module, &funcs, cpu);
    if !kernel_available() {
        return None;
    }
    let fd = load(module, &funcs, 0).unwrap_or_else(|e| {
        panic!(
            "v{cpu}: the verifier refuses:\n{e}\n{}",
            print_assembly(&funcs, module)
        )
    });
    let r = test_run(fd);
    unsafe { libc::close(fd) };
    Some(r.unwrap())
}

/// Runs the program that `build` makes at every CPU version from `min_cpu`
/// and checks its result.
fn check_all_cpus(min_cpu: u8, expected: u32, build: impl Fn() -> Vec<Function>) {
    for cpu in min_cpu..=4 {
        let m = module_of(build());
        if let Some(got) = run_module(&m, cpu) {
            assert_eq!(
                got,
                expected,
                "v{cpu}: wrong result\n{}",
                print_assembly(&compile_ok(&m, cpu), &m)
            );
        }
    }
}

/// Checks a 64-bit result through its two halves.
fn check64(min_cpu: u8, expected: u64, build: impl Fn(&mut FunctionBuilder) -> Value) {
    for half in 0..2 {
        let want = (expected >> (32 * half)) as u32;
        check_all_cpus(min_cpu, want, || {
            vec![prog(|b, _| {
                let v = build(b);
                ret_half(b, v, half);
            })]
        });
    }
}

fn check32(min_cpu: u8, expected: u32, build: impl Fn(&mut FunctionBuilder) -> Value) {
    check_all_cpus(min_cpu, expected, || {
        vec![prog(|b, _| {
            let v = build(b);
            b.ret(Some(v));
        })]
    });
}

fn eval_binary(op: BinOp, ty: Type, a: u64, b: u64) -> u64 {
    let mask = if ty == Type::I32 {
        0xffff_ffff
    } else {
        u64::MAX
    };
    let (a, b) = (a & mask, b & mask);
    let bits = ty.bits() as u64;
    let sa = |x: u64| {
        if ty == Type::I32 {
            x as u32 as i32 as i64
        } else {
            x as i64
        }
    };
    let r = match op {
        BinOp::Add => a.wrapping_add(b),
        BinOp::Sub => a.wrapping_sub(b),
        BinOp::Mul => a.wrapping_mul(b),
        BinOp::UDiv => a.checked_div(b).unwrap_or(0),
        // BPF: x % 0 == x.
        BinOp::URem => a.checked_rem(b).unwrap_or(a),
        BinOp::SDiv => sa(a).checked_div(sa(b)).unwrap_or(0) as u64,
        BinOp::SRem => sa(a).checked_rem(sa(b)).unwrap_or(sa(a)) as u64,
        BinOp::And => a & b,
        BinOp::Or => a | b,
        BinOp::Xor => a ^ b,
        BinOp::Shl => a << (b % bits),
        BinOp::LShr => a >> (b % bits),
        BinOp::AShr => (sa(a) >> (b % bits)) as u64,
    };
    r & mask
}

const BINOPS: [BinOp; 13] = [
    BinOp::Add,
    BinOp::Sub,
    BinOp::Mul,
    BinOp::UDiv,
    BinOp::URem,
    BinOp::SDiv,
    BinOp::SRem,
    BinOp::And,
    BinOp::Or,
    BinOp::Xor,
    BinOp::Shl,
    BinOp::LShr,
    BinOp::AShr,
];

#[test]
fn binary_ops_run() {
    let pairs: [(u64, u64); 3] = [
        (1000, 7),
        (0xffff_fff0_1234_5678, 0x1_0000_0003),
        (0x8000_0000, 0xffff_ffff_ffff_fffd),
    ];
    for op in BINOPS {
        let min_cpu = if matches!(op, BinOp::SDiv | BinOp::SRem) {
            4
        } else {
            1
        };
        for ty in [Type::I32, Type::I64] {
            for &(x, y) in &pairs {
                let y = if matches!(op, BinOp::Shl | BinOp::LShr | BinOp::AShr) {
                    y % ty.bits() as u64
                } else {
                    y
                };
                let want = eval_binary(op, ty, x, y);
                for imm in [false, true] {
                    let build = |b: &mut FunctionBuilder| {
                        let a = opaque(b, ty, x as i64);
                        let c = if imm {
                            b.iconst(ty, y as i64)
                        } else {
                            opaque(b, ty, y as i64)
                        };
                        b.binary(op, a, c)
                    };
                    match ty {
                        Type::I32 => check32(min_cpu, want as u32, build),
                        Type::I64 => check64(min_cpu, want, build),
                    }
                }
            }
        }
    }
    reassemble_pending();
}

#[test]
fn constants_run() {
    for c in [
        0i64,
        1,
        -1,
        0x7fff_ffff,
        -0x8000_0000,
        0x1234_5678_9abc,
        i64::MIN,
    ] {
        check64(1, c as u64, |b| {
            let k = b.iconst(Type::I64, c);
            // Through a copy, so the constant is materialized in a register.
            let z = opaque(b, Type::I64, 0);
            b.binary(BinOp::Or, z, k)
        });
        check32(1, c as u32, |b| {
            let k = b.iconst(Type::I32, c);
            let z = opaque(b, Type::I32, 0);
            b.binary(BinOp::Or, k, z)
        });
    }
    reassemble_pending();
}

const CONDS: [Cond; 11] = [
    Cond::Eq,
    Cond::Ne,
    Cond::Ult,
    Cond::Ule,
    Cond::Ugt,
    Cond::Uge,
    Cond::Slt,
    Cond::Sle,
    Cond::Sgt,
    Cond::Sge,
    Cond::Set,
];

fn eval_cond(c: Cond, ty: Type, a: u64, b: u64) -> bool {
    let (a, b, sa, sb) = match ty {
        Type::I32 => (
            a as u32 as u64,
            b as u32 as u64,
            a as i32 as i64,
            b as i32 as i64,
        ),
        Type::I64 => (a, b, a as i64, b as i64),
    };
    match c {
        Cond::Eq => a == b,
        Cond::Ne => a != b,
        Cond::Ult => a < b,
        Cond::Ule => a <= b,
        Cond::Ugt => a > b,
        Cond::Uge => a >= b,
        Cond::Slt => sa < sb,
        Cond::Sle => sa <= sb,
        Cond::Sgt => sa > sb,
        Cond::Sge => sa >= sb,
        Cond::Set => a & b != 0,
    }
}

/// Comparisons materialized as 0/1 and fused into branches, with register
/// and immediate operands (and a constant first operand).
#[test]
fn comparisons_run() {
    let pairs: [(u64, u64); 4] = [
        (5, 5),
        (3, 0xffff_fffe),
        (0xffff_ffff_8000_0000, 7),
        (0x1_0000_0000, 0x8000_0000),
    ];
    for cond in CONDS {
        for ty in [Type::I32, Type::I64] {
            for &(x, y) in &pairs {
                let want = eval_cond(cond, ty, x, y) as u32;
                // 0: both registers, 1: immediate second, 2: constant first.
                for form in 0..3 {
                    let operands = |b: &mut FunctionBuilder| match form {
                        0 => (opaque(b, ty, x as i64), opaque(b, ty, y as i64)),
                        1 => (opaque(b, ty, x as i64), b.iconst(ty, y as i64)),
                        _ => (b.iconst(ty, x as i64), opaque(b, ty, y as i64)),
                    };
                    check32(1, want, |b| {
                        let (l, r) = operands(b);
                        b.icmp(cond, l, r, Type::I32)
                    });
                    check_all_cpus(1, want * 10 + 1, || {
                        vec![prog(|b, _| {
                            let (l, r) = operands(b);
                            let c = b.icmp(cond, l, r, Type::I32);
                            let yes = b.create_block();
                            let no = b.create_block();
                            b.brif(c, yes, no);
                            b.switch_to_block(yes);
                            let k = b.iconst(Type::I32, 11);
                            b.ret(Some(k));
                            b.switch_to_block(no);
                            let k = b.iconst(Type::I32, 1);
                            b.ret(Some(k));
                        })]
                    });
                }
            }
        }
    }
    reassemble_pending();
}

#[test]
fn conversions_run() {
    let x: u64 = 0xfedc_ba98_8765_f4f3;
    for (from_bits, signed) in [
        (8, false),
        (8, true),
        (16, false),
        (16, true),
        (32, true),
        (32, false),
    ] {
        let ext = |v: u64, bits: u32| -> u64 {
            let sh = 64 - from_bits as u32;
            let r = if signed {
                (((v << sh) as i64) >> sh) as u64
            } else {
                (v << sh) >> sh
            };
            if bits == 32 {
                r & 0xffff_ffff
            } else {
                r
            }
        };
        check64(1, ext(x, 64), |b| {
            let v = opaque(b, Type::I64, x as i64);
            b.ins_value(
                Op::Extend {
                    value: v,
                    from_bits,
                    signed,
                },
                Type::I64,
            )
        });
        if from_bits < 32 {
            // The result must be zero-extended in its register: widen it.
            check64(1, ext(x, 32), |b| {
                let v = opaque(b, Type::I32, x as i64);
                let e = b.ins_value(
                    Op::Extend {
                        value: v,
                        from_bits,
                        signed,
                    },
                    Type::I32,
                );
                b.ins_value(
                    Op::Widen {
                        value: e,
                        signed: false,
                    },
                    Type::I64,
                )
            });
        }
    }
    for signed in [false, true] {
        let want = if signed {
            0x8765_f4f3u32 as i32 as i64 as u64
        } else {
            0x8765_f4f3
        };
        check64(1, want, |b| {
            let v = opaque(b, Type::I32, x as i64);
            b.ins_value(Op::Widen { value: v, signed }, Type::I64)
        });
    }
    // Narrow then widen: the upper half must be cleared.
    check64(1, 0x8765_f4f3, |b| {
        let v = opaque(b, Type::I64, x as i64);
        let n = b.ins_value(Op::Narrow(v), Type::I32);
        b.ins_value(
            Op::Widen {
                value: n,
                signed: false,
            },
            Type::I64,
        )
    });
    for bits in [16u8, 32, 64] {
        let want = match bits {
            16 => (x as u16).swap_bytes() as u64,
            32 => (x as u32).swap_bytes() as u64,
            _ => x.swap_bytes(),
        };
        check64(1, want, |b| {
            let v = opaque(b, Type::I64, x as i64);
            b.ins_value(Op::Bswap { value: v, bits }, Type::I64)
        });
    }
    check32(1, (x as u32).wrapping_neg(), |b| {
        let v = opaque(b, Type::I32, x as i64);
        b.ins_value(Op::Unary(UnOp::Neg, v), Type::I32)
    });
    check64(1, x.wrapping_neg(), |b| {
        let v = opaque(b, Type::I64, x as i64);
        b.ins_value(Op::Unary(UnOp::Neg, v), Type::I64)
    });
    check32(1, !(x as u32), |b| {
        let v = opaque(b, Type::I32, x as i64);
        b.ins_value(Op::Unary(UnOp::Not, v), Type::I32)
    });
    check64(1, !x, |b| {
        let v = opaque(b, Type::I64, x as i64);
        b.ins_value(Op::Unary(UnOp::Not, v), Type::I64)
    });
    reassemble_pending();
}

/// Stores and loads of every width, signed loads into both types, through a
/// stack address held in a register and through `r10` directly.
#[test]
fn memory_run() {
    let x: u64 = 0x8182_8384_f5f6_f7f8;
    for width in [MemWidth::B1, MemWidth::B2, MemWidth::B4, MemWidth::B8] {
        let n = width.bytes();
        for signed in [false, true] {
            for ty in [Type::I32, Type::I64] {
                if ty == Type::I32 && n == 8 {
                    continue;
                }
                let sh = 64 - 8 * n;
                let v = if signed {
                    (((x << sh) as i64) >> sh) as u64
                } else {
                    (x << sh) >> sh
                };
                let want = if ty == Type::I32 { v & 0xffff_ffff } else { v };
                for through_register in [false, true] {
                    check64(1, want, |b| {
                        let slot = b.create_slot(16, 8, Some("buf".into()), Default::default());
                        let addr = b.ins_value(Op::StackAddr { slot, offset: 0 }, Type::I64);
                        let addr = if through_register {
                            // An address computed at run time.
                            let z = opaque(b, Type::I64, 0);
                            b.binary(BinOp::Add, addr, z)
                        } else {
                            addr
                        };
                        let zero = b.iconst(Type::I64, 0);
                        b.ins(
                            Op::Store {
                                addr,
                                offset: 8,
                                value: zero,
                                width: MemWidth::B8,
                                volatile: false,
                            },
                            None,
                        );
                        let val = opaque(b, Type::I64, x as i64);
                        b.ins(
                            Op::Store {
                                addr,
                                offset: 8,
                                value: val,
                                width,
                                volatile: false,
                            },
                            None,
                        );
                        let l = b.ins_value(
                            Op::Load {
                                addr,
                                offset: 8,
                                width,
                                signed,
                                volatile: false,
                            },
                            ty,
                        );
                        if ty == Type::I32 {
                            b.ins_value(
                                Op::Widen {
                                    value: l,
                                    signed: false,
                                },
                                Type::I64,
                            )
                        } else {
                            l
                        }
                    });
                }
            }
        }
    }
    reassemble_pending();
}

/// Many values live across a helper call: more than r6-r9 can hold.
#[test]
fn spills_across_calls_run() {
    let n = 12;
    let want: u32 = (0..n).map(|i| (i * 3 + 1) as u32).sum::<u32>() * 2;
    check32(1, want, |b| {
        let vals: Vec<Value> = (0..n).map(|i| opaque(b, Type::I32, i * 3 + 1)).collect();
        // bpf_ktime_get_ns: clobbers r0-r5.
        let t = b
            .ins(
                Op::Call {
                    callee: Callee::Helper(5),
                    args: vec![],
                },
                Some(Type::I64),
            )
            .unwrap();
        let t2 = b.binary(BinOp::Sub, t, t);
        let t3 = b.ins_value(Op::Narrow(t2), Type::I32);
        let mut sum = t3;
        for &v in &vals {
            sum = b.binary(BinOp::Add, sum, v);
        }
        b.ins(
            Op::Call {
                callee: Callee::Helper(5),
                args: vec![],
            },
            Some(Type::I64),
        );
        for &v in &vals {
            sum = b.binary(BinOp::Add, sum, v);
        }
        sum
    });
    reassemble_pending();
}

/// BPF-to-BPF calls with five arguments, the callee using all of them after
/// a call of its own.
#[test]
fn bpf_to_bpf_calls_run() {
    let want = 1u32 + 2 * 2 + 3 * 3 + 4 * 4 + 5 * 5;
    check_all_cpus(1, want, || {
        let main = prog(|b, _| {
            let args: Vec<Value> = (1..=5).map(|i| opaque(b, Type::I32, i)).collect();
            let r = b
                .ins(
                    Op::Call {
                        callee: Callee::Func(FuncId::from_u32(1)),
                        args,
                    },
                    Some(Type::I32),
                )
                .unwrap();
            b.ret(Some(r));
        });
        let mut callee = func("weigh", vec![Type::I32; 5], Some(Type::I32), |b, ps| {
            b.ins(
                Op::Call {
                    callee: Callee::Helper(5),
                    args: vec![],
                },
                Some(Type::I64),
            );
            let mut sum = ps[0];
            for (i, &p) in ps.iter().enumerate().skip(1) {
                let k = b.iconst(Type::I32, i as i64 + 1);
                let m = b.binary(BinOp::Mul, p, k);
                sum = b.binary(BinOp::Add, sum, m);
            }
            b.ret(Some(sum));
        });
        callee.section = ".text".into();
        callee.linkage = Linkage::Local;
        vec![main, callee]
    });
    reassemble_pending();
}

/// A loop with block parameters: sum of 1..=n, and a parameter swap that
/// needs a parallel copy (Fibonacci).
#[test]
fn loops_run() {
    check32(1, 55, |b| {
        let n = b.iconst(Type::I32, 10);
        let head = b.create_block();
        let i = b.append_block_param(head, Type::I32);
        let acc = b.append_block_param(head, Type::I32);
        let exit = b.create_block();
        let result = b.append_block_param(exit, Type::I32);
        let zero = b.iconst(Type::I32, 0);
        let one = b.iconst(Type::I32, 1);
        b.jump(head, vec![one, zero]);
        b.switch_to_block(head);
        let acc2 = b.binary(BinOp::Add, acc, i);
        let i2 = b.binary(BinOp::Add, i, one);
        let more = b.icmp(Cond::Ule, i2, n, Type::I32);
        b.ins(
            Op::Brif {
                cond: more,
                then_dest: BlockCall {
                    block: head,
                    args: vec![i2, acc2],
                },
                else_dest: BlockCall {
                    block: exit,
                    args: vec![acc2],
                },
            },
            None,
        );
        b.switch_to_block(exit);
        result
    });
    // fib: (a, b) -> (b, a + b), and a count; then also (a, b) -> (b, a).
    check32(1, 55 + 89, |b| {
        let n = b.iconst(Type::I64, 10);
        let head = b.create_block();
        let a = b.append_block_param(head, Type::I64);
        let c = b.append_block_param(head, Type::I64);
        let k = b.append_block_param(head, Type::I64);
        let exit = b.create_block();
        let zero = b.iconst(Type::I64, 0);
        let one = b.iconst(Type::I64, 1);
        b.jump(head, vec![zero, one, zero]);
        b.switch_to_block(head);
        let sum = b.binary(BinOp::Add, a, c);
        let k2 = b.binary(BinOp::Add, k, one);
        let more = b.icmp(Cond::Ult, k2, n, Type::I32);
        let swap = b.create_block();
        let sa = b.append_block_param(swap, Type::I64);
        let sb = b.append_block_param(swap, Type::I64);
        b.ins(
            Op::Brif {
                cond: more,
                then_dest: BlockCall {
                    block: head,
                    args: vec![c, sum, k2],
                },
                else_dest: BlockCall {
                    block: swap,
                    args: vec![c, sum],
                },
            },
            None,
        );
        b.switch_to_block(swap);
        // One more round of swapping through the same parameters.
        b.jump(exit, vec![]);
        b.switch_to_block(exit);
        let t = b.binary(BinOp::Add, sa, sb);
        let t = b.binary(BinOp::Sub, t, zero);
        b.ins_value(Op::Narrow(t), Type::I32)
    });
    reassemble_pending();
}

/// LD_ABS and LD_IND: host-order values from the packet (after the
/// Ethernet header), the context moved to r6, values kept across them.
#[test]
fn packet_loads_run() {
    let p = packet();
    let at = |o: usize, n: usize| -> u32 {
        p[14 + o..14 + o + n]
            .iter()
            .fold(0u32, |acc, &x| (acc << 8) | x as u32)
    };
    let want = at(2, 1) + at(4, 2) + at(8, 4) + at(3 + 5, 2) + 7;
    check_all_cpus(1, want, || {
        vec![prog(|b, ctx| {
            let keep = opaque(b, Type::I32, 7);
            let mut sum = keep;
            for (off, w) in [(2, MemWidth::B1), (4, MemWidth::B2), (8, MemWidth::B4)] {
                let v = b.ins_value(
                    Op::LoadPacket {
                        skb: ctx,
                        index: None,
                        offset: off,
                        width: w,
                    },
                    Type::I32,
                );
                sum = b.binary(BinOp::Add, sum, v);
            }
            let ix = opaque(b, Type::I32, 3);
            let v = b.ins_value(
                Op::LoadPacket {
                    skb: ctx,
                    index: Some(ix),
                    offset: 5,
                    width: MemWidth::B2,
                },
                Type::I32,
            );
            sum = b.binary(BinOp::Add, sum, v);
            b.ret(Some(sum));
        })]
    });
    reassemble_pending();
}

// ---- assembly and encodings ----

#[test]
fn assembly_spelling() {
    let f = func("f", vec![Type::I32, Type::I32], Some(Type::I32), |b, ps| {
        let c = b.icmp(Cond::Ult, ps[0], ps[1], Type::I32);
        let yes = b.create_block();
        let no = b.create_block();
        b.brif(c, yes, no);
        b.switch_to_block(yes);
        let k = b.iconst(Type::I32, 3);
        let m = b.binary(BinOp::Mul, ps[0], k);
        b.ret(Some(m));
        b.switch_to_block(no);
        let k = b.iconst(Type::I32, 3);
        let s = b.binary(BinOp::LShr, ps[1], k);
        b.ret(Some(s));
    });
    let m = module_of(vec![f]);
    let v3 = asm(&m, 3);
    assert!(v3.contains("\t.section\tsocket,\"ax\",@progbits\n"), "{v3}");
    assert!(
        v3.contains("\t.globl\tf\n\t.p2align\t3\n\t.type\tf,@function\nf:\n"),
        "{v3}"
    );
    assert!(v3.contains("\tif w1 >= w2 goto LBB0_1\n"), "{v3}");
    assert!(
        v3.contains("\tw0 = w1\n\tw0 *= 3\n\texit\nLBB0_1:\n"),
        "{v3}"
    );
    assert!(
        v3.contains(".Lfunc_end0:\n\t.size\tf, .Lfunc_end0-f\n"),
        "{v3}"
    );
    // v1: no JMP32, no "less than" jumps: swapped to a "greater than".
    let v1 = asm(&m, 1);
    assert!(v1.contains("\tif r1 >= r2 goto LBB0_1\n"), "{v1}");
    assert!(!v1.contains(" < ") && !v1.contains("w1 >="), "{v1}");
}

#[test]
fn symbols_and_calls_print_with_relocations() {
    let mut m = Module::default();
    let map = m.data.push(DataObject {
        name: "counts".into(),
        section: ".maps".into(),
        linkage: Linkage::Global,
        is_extern: false,
        size: 32,
        align: 8,
        bytes: vec![],
        relocs: vec![],
        span: Default::default(),
    });
    let main = prog(|b, _| {
        let a = b.ins_value(
            Op::SymbolAddr {
                target: SymbolTarget::Data(map),
                addend: 0,
            },
            Type::I64,
        );
        let slot = b.create_slot(4, 4, Some("key".into()), Default::default());
        let key = b.ins_value(Op::StackAddr { slot, offset: 0 }, Type::I64);
        let zero = b.iconst(Type::I32, 0);
        b.ins(
            Op::Store {
                addr: key,
                offset: 0,
                value: zero,
                width: MemWidth::B4,
                volatile: false,
            },
            None,
        );
        b.ins(
            Op::Call {
                callee: Callee::Helper(1),
                args: vec![a, key],
            },
            Some(Type::I64),
        );
        let r = b
            .ins(
                Op::Call {
                    callee: Callee::Kfunc("bpf_kfunc_thing".into()),
                    args: vec![],
                },
                Some(Type::I32),
            )
            .unwrap();
        b.ret(Some(r));
    });
    m.functions.push(main);
    m.extern_functions.push("bpf_kfunc_thing".into());
    for cpu in 1..=4 {
        let funcs = compile_ok(&m, cpu);
        let text = print_assembly(&funcs, &m);
        assert!(text.contains("\t*(u32 *)(r10 - 4) = 0\n"), "{text}");
        assert!(text.contains("\tr2 = r10\n\tr2 += -4\n"), "{text}");
        assert!(text.contains("\tr1 = counts ll\n"), "{text}");
        assert!(text.contains("\tcall 1\n"), "{text}");
        assert!(text.contains("\tcall bpf_kfunc_thing\n"), "{text}");
        assert!(
            text.contains("counts:\n\t.zero\t32\n\t.size\tcounts, 32\n"),
            "{text}"
        );
        let f = &funcs[0];
        assert_eq!(f.stack_size, 8);
        let ld = f.relocs.iter().find(|r| r.kind == RelocKind::Ld64).unwrap();
        assert_eq!(ld.target, RelocTarget::Data(map));
        assert!(f.insns[ld.insn].is_ld_imm64());
        let call = f.relocs.iter().find(|r| r.kind == RelocKind::Call).unwrap();
        assert_eq!(call.target, RelocTarget::Extern("bpf_kfunc_thing".into()));
        assert_eq!(f.insns[call.insn].code, BPF_JMP | BPF_CALL);
        assert_eq!(f.insns[call.insn].src, BPF_PSEUDO_CALL);
        check_reassembles(&m, &funcs, cpu);
    }
    reassemble_pending();
}

#[test]
fn v4_instructions_are_used_only_at_v4() {
    let m = module_of(vec![prog(|b, _| {
        let v = opaque(b, Type::I64, 0x1234);
        let s = b.ins_value(Op::Bswap { value: v, bits: 16 }, Type::I64);
        let n = b.ins_value(Op::Narrow(s), Type::I32);
        let e = b.ins_value(
            Op::Extend {
                value: n,
                from_bits: 8,
                signed: true,
            },
            Type::I32,
        );
        b.ret(Some(e));
    })]);
    let v4 = asm(&m, 4);
    assert!(v4.contains("= bswap16 r"), "{v4}");
    assert!(v4.contains(" = (s8)w"), "{v4}");
    let v3 = asm(&m, 3);
    assert!(v3.contains("= be16 r"), "{v3}");
    assert!(v3.contains("<<= 24") && v3.contains("s>>= 24"), "{v3}");
}

#[test]
fn jumps_to_the_next_block_are_elided_and_lines_recorded() {
    let f = prog(|b, _| {
        let next = b.create_block();
        b.set_srcloc(crate::source::Span::new(Default::default(), 1, 2));
        b.jump(next, vec![]);
        b.switch_to_block(next);
        b.set_srcloc(crate::source::Span::new(Default::default(), 5, 9));
        let k = b.iconst(Type::I32, 2);
        b.ret(Some(k));
    });
    let m = module_of(vec![f]);
    let funcs = compile_ok(&m, 3);
    assert_eq!(funcs[0].insns.len(), 2, "{}", print_assembly(&funcs, &m));
    assert_eq!(
        funcs[0].lines,
        vec![(0, crate::source::Span::new(Default::default(), 5, 9))]
    );
}

#[test]
fn output_is_deterministic() {
    let build = || {
        module_of(vec![prog(|b, _| {
            let vals: Vec<Value> = (0..9).map(|i| opaque(b, Type::I64, i)).collect();
            b.ins(
                Op::Call {
                    callee: Callee::Helper(5),
                    args: vec![],
                },
                Some(Type::I64),
            );
            let mut s = vals[0];
            for &v in &vals[1..] {
                s = b.binary(BinOp::Xor, s, v);
            }
            let n = b.ins_value(Op::Narrow(s), Type::I32);
            b.ret(Some(n));
        })])
    };
    let a = asm(&build(), 2);
    let b = asm(&build(), 2);
    assert_eq!(a, b);
}

// ---- diagnostics ----

#[test]
fn stack_over_512_bytes_names_the_largest_variables() {
    let m = module_of(vec![prog(|b, _| {
        let slot = b.create_slot(600, 8, Some("buf".into()), Default::default());
        let small = b.create_slot(8, 8, Some("x".into()), Default::default());
        let unused = b.create_slot(4000, 8, Some("dead".into()), Default::default());
        let _ = unused;
        for s in [slot, small] {
            let a = b.ins_value(Op::StackAddr { slot: s, offset: 0 }, Type::I64);
            let z = b.iconst(Type::I64, 0);
            b.ins(
                Op::Store {
                    addr: a,
                    offset: 0,
                    value: z,
                    width: MemWidth::B8,
                    volatile: false,
                },
                None,
            );
        }
        let k = b.iconst(Type::I32, 0);
        b.ret(Some(k));
    })]);
    let errs = error_messages(&m, 3);
    assert_eq!(
        errs,
        vec!["stack size 608 exceeds the BPF limit of 512 bytes in function 'prog'; largest: 'buf' (600 bytes), 'x' (8 bytes)"]
    );
}

#[test]
fn unsupported_operations_are_diagnosed() {
    let indirect = module_of(vec![prog(|b, ctx| {
        b.ins(
            Op::CallIndirect {
                callee: ctx,
                args: vec![],
            },
            None,
        );
        let k = b.iconst(Type::I32, 0);
        b.ret(Some(k));
    })]);
    assert_eq!(
        error_messages(&indirect, 3),
        vec!["indirect calls are not supported by BPF"]
    );
    let six = module_of(vec![prog(|b, ctx| {
        b.ins(
            Op::Call {
                callee: Callee::Helper(6),
                args: vec![ctx; 6],
            },
            None,
        );
        let k = b.iconst(Type::I32, 0);
        b.ret(Some(k));
    })]);
    assert_eq!(
        error_messages(&six, 3),
        vec!["call with 6 arguments; BPF passes at most 5 (r1-r5)"]
    );
    let sdiv = module_of(vec![prog(|b, _| {
        let x = opaque(b, Type::I32, 7);
        let d = b.binary(BinOp::SDiv, x, x);
        b.ret(Some(d));
    })]);
    assert_eq!(error_messages(&sdiv, 4), Vec::<String>::new());
    assert_eq!(
        error_messages(&sdiv, 3),
        vec!["signed division needs -mcpu=v4; convert to unsigned div/mod"]
    );
    let trap = module_of(vec![prog(|b, _| {
        b.ins(Op::Trap, None);
    })]);
    assert_eq!(
        error_messages(&trap, 3),
        vec!["__builtin_trap is not supported by BPF"]
    );
}

/// A map lookup with its null check, and an update through the returned
/// pointer: the pointer patterns the verifier must accept.
#[test]
fn map_lookup_and_update_run() {
    for cpu in 1..=4 {
        let mut m = Module::default();
        let map = m.data.push(DataObject {
            name: "counts".into(),
            section: ".maps".into(),
            linkage: Linkage::Global,
            is_extern: false,
            size: 32,
            align: 8,
            bytes: vec![],
            relocs: vec![],
            span: Default::default(),
        });
        m.functions.push(prog(|b, _| {
            let slot = b.create_slot(4, 4, Some("key".into()), Default::default());
            let key = b.ins_value(Op::StackAddr { slot, offset: 0 }, Type::I64);
            let zero = b.iconst(Type::I32, 0);
            b.ins(
                Op::Store {
                    addr: key,
                    offset: 0,
                    value: zero,
                    width: MemWidth::B4,
                    volatile: false,
                },
                None,
            );
            let map_addr = b.ins_value(
                Op::SymbolAddr {
                    target: SymbolTarget::Data(map),
                    addend: 0,
                },
                Type::I64,
            );
            let p = b
                .ins(
                    Op::Call {
                        callee: Callee::Helper(1),
                        args: vec![map_addr, key],
                    },
                    Some(Type::I64),
                )
                .unwrap();
            let null = b.iconst(Type::I64, 0);
            let is_null = b.icmp(Cond::Eq, p, null, Type::I32);
            let missing = b.create_block();
            let found = b.create_block();
            b.brif(is_null, missing, found);
            b.switch_to_block(missing);
            let k = b.iconst(Type::I32, 1);
            b.ret(Some(k));
            b.switch_to_block(found);
            let old = b.ins_value(
                Op::Load {
                    addr: p,
                    offset: 0,
                    width: MemWidth::B8,
                    signed: false,
                    volatile: false,
                },
                Type::I64,
            );
            let five = b.iconst(Type::I64, 5);
            let new = b.binary(BinOp::Add, old, five);
            b.ins(
                Op::Store {
                    addr: p,
                    offset: 0,
                    value: new,
                    width: MemWidth::B8,
                    volatile: false,
                },
                None,
            );
            let again = b.ins_value(
                Op::Load {
                    addr: p,
                    offset: 0,
                    width: MemWidth::B4,
                    signed: false,
                    volatile: true,
                },
                Type::I32,
            );
            let k = b.iconst(Type::I32, 100);
            let r = b.binary(BinOp::Add, again, k);
            b.ret(Some(r));
        }));
        if let Some(got) = run_module(&m, cpu) {
            assert_eq!(got, 105, "v{cpu}\n{}", asm(&m, cpu));
        }
    }
    reassemble_pending();
}

#[test]
fn constant_branch_conditions_become_jumps() {
    for (c, want) in [(0, 2u32), (1, 1), (0x1_0000_0000, 2)] {
        let m = module_of(vec![prog(|b, _| {
            let k = b.iconst(Type::I32, c);
            let yes = b.create_block();
            let no = b.create_block();
            b.brif(k, yes, no);
            b.switch_to_block(yes);
            let one = b.iconst(Type::I32, 1);
            b.ret(Some(one));
            b.switch_to_block(no);
            let two = b.iconst(Type::I32, 2);
            b.ret(Some(two));
        })]);
        let text = asm(&m, 3);
        assert!(!text.contains("if "), "{text}");
        assert_eq!(text.matches("exit").count(), 1, "{text}");
        if let Some(got) = run_module(&m, 3) {
            assert_eq!(got, want);
        }
    }
    reassemble_pending();
}

/// Global data through `ld_imm64` with an addend (`.data` as a map value).
#[test]
fn global_data_with_addend_runs() {
    for cpu in 1..=4 {
        let mut m = Module::default();
        let data = m.data.push(DataObject {
            name: "table".into(),
            section: ".data".into(),
            linkage: Linkage::Global,
            is_extern: false,
            size: 16,
            align: 4,
            bytes: (1..=16).collect(),
            relocs: vec![],
            span: Default::default(),
        });
        m.functions.push(prog(|b, _| {
            let a = b.ins_value(
                Op::SymbolAddr {
                    target: SymbolTarget::Data(data),
                    addend: 4,
                },
                Type::I64,
            );
            let v = b.ins_value(
                Op::Load {
                    addr: a,
                    offset: 2,
                    width: MemWidth::B4,
                    signed: false,
                    volatile: false,
                },
                Type::I32,
            );
            b.ret(Some(v));
        }));
        let text = asm(&m, cpu);
        assert!(text.contains("\tr1 = table+4 ll\n"), "{text}");
        assert!(
            text.contains("table:\n\t.byte\t1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\n"),
            "{text}"
        );
        if let Some(got) = run_module(&m, cpu) {
            assert_eq!(got, u32::from_le_bytes([7, 8, 9, 10]), "v{cpu}\n{text}");
        }
    }
    reassemble_pending();
}

/// An I64 the back end knows is a number (not a pointer): `x ^ 0` computed.
fn scalar64(b: &mut FunctionBuilder, x: i64) -> Value {
    let v = opaque(b, Type::I64, x);
    let z = opaque(b, Type::I64, 0);
    b.binary(BinOp::Xor, v, z)
}

/// An I32 narrowed from an I64 number shares its register; every reader of
/// the whole register must see the upper half cleared.
#[test]
fn narrowed_values_are_cleared_where_read_whole() {
    let x: i64 = 0x7777_7777_0000_0005;
    // Returned directly: r0's upper half must be clear (checked by widening
    // in the caller).
    check64(1, 5, |b| {
        let v = scalar64(b, x);
        let n = b.ins_value(Op::Narrow(v), Type::I32);
        let out = b.create_block();
        let p = b.append_block_param(out, Type::I32);
        b.jump(out, vec![n]);
        b.switch_to_block(out);
        b.ins_value(
            Op::Widen {
                value: p,
                signed: false,
            },
            Type::I64,
        )
    });
    // Compared as 64 bits below v3, and used again afterwards.
    for (cond, k, want) in [
        (Cond::Eq, 5, 1u32),
        (Cond::Ult, 6, 1),
        (Cond::Ugt, 4, 1),
        (Cond::Ne, 5, 0),
    ] {
        check32(1, want * 100 + 5, |b| {
            let v = scalar64(b, x);
            let n = b.ins_value(Op::Narrow(v), Type::I32);
            let kv = opaque(b, Type::I32, k);
            let c = b.icmp(cond, n, kv, Type::I32);
            let hundred = b.iconst(Type::I32, 100);
            let m = b.binary(BinOp::Mul, c, hundred);
            b.binary(BinOp::Add, m, n)
        });
    }
    // Passed to a function that widens its argument, and stored 8 bytes wide.
    check_all_cpus(1, 5 + 5, || {
        let main = prog(|b, _| {
            let v = scalar64(b, x);
            let n = b.ins_value(Op::Narrow(v), Type::I32);
            let slot = b.create_slot(8, 8, None, Default::default());
            let a = b.ins_value(Op::StackAddr { slot, offset: 0 }, Type::I64);
            b.ins(
                Op::Store {
                    addr: a,
                    offset: 0,
                    value: n,
                    width: MemWidth::B8,
                    volatile: true,
                },
                None,
            );
            let back = b.ins_value(
                Op::Load {
                    addr: a,
                    offset: 0,
                    width: MemWidth::B8,
                    signed: false,
                    volatile: true,
                },
                Type::I64,
            );
            let r = b
                .ins(
                    Op::Call {
                        callee: Callee::Func(FuncId::from_u32(1)),
                        args: vec![n],
                    },
                    Some(Type::I64),
                )
                .unwrap();
            let sum = b.binary(BinOp::Add, r, back);
            ret_half(b, sum, 0);
        });
        let mut callee = func("widen", vec![Type::I32], Some(Type::I64), |b, ps| {
            let w = b.ins_value(
                Op::Widen {
                    value: ps[0],
                    signed: false,
                },
                Type::I64,
            );
            b.ret(Some(w));
        });
        callee.section = ".text".into();
        vec![main, callee]
    });
    reassemble_pending();
}

/// `if (a & b)`, `if ((a & b) != 0)` and `if ((a & b) == 0)` become JSET.
#[test]
fn bit_tests_branch_with_jset() {
    for ty in [Type::I32, Type::I64] {
        for (x, y) in [
            (0x1_0000_0006u64, 4u64),
            (0x1_0000_0006, 9),
            (0x8000_0000, 0x8000_0000),
        ] {
            let set = match ty {
                Type::I32 => (x as u32 & y as u32) != 0,
                Type::I64 => x & y != 0,
            };
            // 0: brif on the `&`; 1: `!= 0`; 2: `== 0`.
            for form in 0..3 {
                for imm in [false, true] {
                    let taken = if form == 2 { !set } else { set };
                    let build = || {
                        vec![prog(|b, _| {
                            let a = opaque(b, ty, x as i64);
                            let m = if imm {
                                b.iconst(ty, y as i64)
                            } else {
                                opaque(b, ty, y as i64)
                            };
                            let and = b.binary(BinOp::And, a, m);
                            let cond = match form {
                                0 => and,
                                _ => {
                                    let z = b.iconst(ty, 0);
                                    let c = if form == 1 { Cond::Ne } else { Cond::Eq };
                                    b.icmp(c, and, z, Type::I32)
                                }
                            };
                            let yes = b.create_block();
                            let no = b.create_block();
                            b.brif(cond, yes, no);
                            b.switch_to_block(yes);
                            let k = b.iconst(Type::I32, 1);
                            b.ret(Some(k));
                            b.switch_to_block(no);
                            let k = b.iconst(Type::I32, 2);
                            b.ret(Some(k));
                        })]
                    };
                    if !(imm && ty == Type::I64 && y > i32::MAX as u64) {
                        let m = module_of(build());
                        let text = asm(&m, 3);
                        assert!(text.contains(" & "), "{text}");
                        assert!(!text.contains("&="), "{text}");
                    }
                    check_all_cpus(1, if taken { 1 } else { 2 }, build);
                }
            }
        }
    }
    reassemble_pending();
}

/// Constants added to an address go into the access's offset, so a context
/// field is read through the context register itself (the verifier refuses
/// a modified context pointer); the addition disappears when nothing else
/// reads it.
#[test]
fn constant_offsets_fold_into_accesses() {
    let m = module_of(vec![prog(|b, ctx| {
        let k = b.iconst(Type::I64, 16);
        let a = b.binary(BinOp::Add, ctx, k);
        let k2 = b.iconst(Type::I64, 4);
        let a2 = b.binary(BinOp::Add, a, k2);
        let v = b.ins_value(
            Op::Load {
                addr: a2,
                offset: 4,
                width: MemWidth::B4,
                signed: false,
                volatile: false,
            },
            Type::I32,
        );
        let k3 = b.iconst(Type::I64, 8);
        let a3 = b.binary(BinOp::Sub, a, k3);
        let w = b.ins_value(
            Op::Load {
                addr: a3,
                offset: 0,
                width: MemWidth::B4,
                signed: false,
                volatile: false,
            },
            Type::I32,
        );
        let s = b.binary(BinOp::Add, v, w);
        b.ret(Some(s));
    })]);
    for cpu in 1..=4 {
        let text = asm(&m, cpu);
        assert!(text.contains("= *(u32 *)(r1 + 24)\n"), "{text}");
        assert!(text.contains("= *(u32 *)(r1 + 8)\n"), "{text}");
        assert!(!text.contains("r1 +="), "{text}");
    }
}

/// A packed struct on the stack: the slot is placed so that its fields'
/// accesses are aligned (the verifier refuses misaligned stack accesses).
#[test]
fn packed_stack_slots_are_placed_for_aligned_access() {
    let want = u32::from_le_bytes([2, 3, 4, 5]) + u16::from_le_bytes([6, 7]) as u32;
    check32(1, want, |b| {
        let other = b.create_slot(1, 1, Some("c".into()), Default::default());
        let slot = b.create_slot(7, 1, Some("w".into()), Default::default());
        let a = b.ins_value(Op::StackAddr { slot, offset: 0 }, Type::I64);
        let o = b.ins_value(
            Op::StackAddr {
                slot: other,
                offset: 0,
            },
            Type::I64,
        );
        let one = b.iconst(Type::I32, 1);
        b.ins(
            Op::Store {
                addr: o,
                offset: 0,
                value: one,
                width: MemWidth::B1,
                volatile: true,
            },
            None,
        );
        for i in 0..7 {
            let v = opaque(b, Type::I32, i + 1);
            b.ins(
                Op::Store {
                    addr: a,
                    offset: i as i32,
                    value: v,
                    width: MemWidth::B1,
                    volatile: true,
                },
                None,
            );
        }
        let x = b.ins_value(
            Op::Load {
                addr: a,
                offset: 1,
                width: MemWidth::B4,
                signed: false,
                volatile: true,
            },
            Type::I32,
        );
        let y = b.ins_value(
            Op::Load {
                addr: a,
                offset: 5,
                width: MemWidth::B2,
                signed: false,
                volatile: true,
            },
            Type::I32,
        );
        b.binary(BinOp::Add, x, y)
    });
    reassemble_pending();
}

/// Two local objects with one name (two functions' `static` variables) get
/// distinct labels in the assembly.
#[test]
fn duplicate_local_names_get_distinct_labels() {
    let mut m = Module::default();
    let mut ids = Vec::new();
    for byte in [7u8, 9] {
        ids.push(m.data.push(DataObject {
            name: "fmt".into(),
            section: ".rodata".into(),
            linkage: Linkage::Local,
            is_extern: false,
            size: 1,
            align: 1,
            bytes: vec![byte],
            relocs: vec![],
            span: Default::default(),
        }));
    }
    m.data.push(DataObject {
        name: "fmt.1".into(),
        section: ".rodata".into(),
        linkage: Linkage::Local,
        is_extern: false,
        size: 1,
        align: 1,
        bytes: vec![1],
        relocs: vec![],
        span: Default::default(),
    });
    m.functions.push(prog(|b, _| {
        let mut sum = b.iconst(Type::I32, 0);
        for &d in &ids {
            let a = b.ins_value(
                Op::SymbolAddr {
                    target: SymbolTarget::Data(d),
                    addend: 0,
                },
                Type::I64,
            );
            let v = b.ins_value(
                Op::Load {
                    addr: a,
                    offset: 0,
                    width: MemWidth::B1,
                    signed: false,
                    volatile: false,
                },
                Type::I32,
            );
            sum = b.binary(BinOp::Add, sum, v);
        }
        b.ret(Some(sum));
    }));
    let text = asm(&m, 3);
    assert!(
        text.contains("\nfmt:\n") && text.contains("\nfmt.2:\n") && text.contains("\nfmt.1:\n"),
        "{text}"
    );
    assert!(
        text.contains("= fmt ll\n") && text.contains("= fmt.2 ll\n"),
        "{text}"
    );
    if let Some(got) = run_module(&m, 3) {
        assert_eq!(got, 16);
    }
    reassemble_pending();
}

// ---- C programs through the whole compiler ----

/// Compiles C source through the front end, the passes and the back end.
fn compile_c(name: &str, text: &str, cpu: u8) -> Result<(Module, Vec<MachFunction>), String> {
    use crate::intern::Interner;
    use crate::preprocess::{self, PreprocessOptions};
    use crate::sema::{self, SemaOptions};
    use crate::source::SourceMap;
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let main = sources.add(name, None, text.to_string());
    let pp_options = PreprocessOptions {
        cpu_version: cpu,
        opt_level: 2,
        ..Default::default()
    };
    let mut interner = Interner::new();
    let pp = preprocess::preprocess(main, &pp_options, &mut sources, &mut interner, &mut diags);
    let tu = crate::parse::parse(&pp.tokens, &mut interner, &mut diags);
    let program = sema::check(
        &tu,
        &mut interner,
        &SemaOptions { cpu_version: cpu },
        &mut diags,
    );
    if diags.has_errors() {
        return Err(diags.render(&sources));
    }
    let mut module = crate::lower::lower(&program, &interner, &mut diags);
    if diags.has_errors() {
        return Err(diags.render(&sources));
    }
    crate::passes::optimize(&mut module, 2);
    let funcs = compile_module(&module, &options(cpu), &mut diags);
    if diags.has_errors() {
        return Err(diags.render(&sources));
    }
    Ok((module, funcs))
}

/// Realistic C (loops, calls with five arguments, structs and arrays on the
/// stack, globals, switch, register pressure, 64-bit arithmetic and byte
/// swaps) compiled at every CPU version: each program returns what clang's
/// build returns (its `// expect:` line).
#[test]
fn c_programs_run_at_every_cpu() {
    let programs = [
        ("arith.c", include_str!("testdata/arith.c")),
        ("bits.c", include_str!("testdata/bits.c")),
        ("control.c", include_str!("testdata/control.c")),
        ("globals.c", include_str!("testdata/globals.c")),
        ("mix_loop.c", include_str!("testdata/mix_loop.c")),
        ("nested.c", include_str!("testdata/nested.c")),
        ("pressure.c", include_str!("testdata/pressure.c")),
        ("stack.c", include_str!("testdata/stack.c")),
    ];
    for (name, text) in programs {
        let expected: u32 = text
            .lines()
            .find_map(|l| l.strip_prefix("// expect: "))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name}: no `// expect:` line"));
        for cpu in 1..=4 {
            let (module, funcs) =
                compile_c(name, text, cpu).unwrap_or_else(|e| panic!("{name} v{cpu}:\n{e}"));
            check_reassembles(&module, &funcs, cpu);
            if !kernel_available() {
                continue;
            }
            let entry = funcs
                .iter()
                .position(|f| f.section == "socket")
                .unwrap_or_else(|| panic!("{name}: no socket program"));
            let fd = load(&module, &funcs, entry).unwrap_or_else(|e| {
                panic!(
                    "{name} v{cpu}: the verifier refuses:\n{e}\n{}",
                    print_assembly(&funcs, &module)
                )
            });
            let got = test_run(fd);
            unsafe { libc::close(fd) };
            assert_eq!(
                got.unwrap(),
                expected,
                "{name} v{cpu}\n{}",
                print_assembly(&funcs, &module)
            );
        }
    }
    reassemble_pending();
}

/// A conditional jump over more than 32767 instructions: relaxed through
/// `gotol` at v4, a diagnostic below.
#[test]
fn long_branches_use_gotol_at_v4() {
    let n = 33_000;
    let build = |taken: i64| {
        module_of(vec![prog(|b, _| {
            let c = opaque(b, Type::I32, taken);
            let near = b.create_block();
            let far = b.create_block();
            b.brif(c, far, near);
            b.switch_to_block(near);
            let mut acc = opaque(b, Type::I32, 0);
            let one = b.iconst(Type::I32, 1);
            for _ in 0..n {
                acc = b.binary(BinOp::Add, acc, one);
            }
            b.ret(Some(acc));
            b.switch_to_block(far);
            let k = b.iconst(Type::I32, 7);
            b.ret(Some(k));
        })])
    };
    let m = build(1);
    assert_eq!(
        error_messages(&m, 3),
        vec!["conditional branch is too far (more than 32767 instructions)"]
    );
    let text = asm(&m, 4);
    assert!(text.contains("\tgotol LBB0_"), "{}", &text[..2000]);
    for (taken, want) in [(1, 7u32), (0, n as u32)] {
        if let Some(got) = run_module(&build(taken), 4) {
            assert_eq!(got, want);
        }
    }
    reassemble_pending();
}

/// A pointer narrowed to 32 bits is copied by a 32-bit move before any
/// 32-bit arithmetic (the verifier refuses 32-bit arithmetic on a pointer).
#[test]
fn narrowed_pointers_are_copied_before_32_bit_arithmetic() {
    check32(1, 3, |b| {
        let slot = b.create_slot(8, 8, None, Default::default());
        let base = b.ins_value(Op::StackAddr { slot, offset: 0 }, Type::I64);
        let z = opaque(b, Type::I64, 0);
        let p = b.binary(BinOp::Add, base, z);
        let n = b.ins_value(Op::Narrow(p), Type::I32);
        let zero = b.iconst(Type::I32, 0);
        let masked = b.binary(BinOp::And, n, zero);
        let three = b.iconst(Type::I32, 3);
        b.binary(BinOp::Add, masked, three)
    });
    reassemble_pending();
}

/// The address of an extern function (`bpf_ksym_exists`): an `ld_imm64`
/// relocated against its symbol, declared `.weak` in the assembly when weak.
#[test]
fn extern_function_address_is_ld_imm64() {
    let mut m = Module::default();
    let main = prog(|b, _| {
        let a = b.ins_value(
            Op::SymbolAddr {
                target: SymbolTarget::ExternFunc("bpf_maybe".into()),
                addend: 0,
            },
            Type::I64,
        );
        let zero = b.iconst(Type::I64, 0);
        let r = b.ins_value(Op::Icmp(Cond::Ne, a, zero), Type::I64);
        let r = b.ins_value(Op::Narrow(r), Type::I32);
        b.ret(Some(r));
    });
    m.functions.push(main);
    m.extern_functions.push("bpf_maybe".into());
    m.weak_extern_functions.insert("bpf_maybe".into());
    for cpu in 1..=4 {
        let funcs = compile_ok(&m, cpu);
        let text = print_assembly(&funcs, &m);
        assert!(text.contains("\tr1 = bpf_maybe ll\n"), "{text}");
        assert!(text.ends_with("\t.weak\tbpf_maybe\n"), "{text}");
        let f = &funcs[0];
        let ld = f.relocs.iter().find(|r| r.kind == RelocKind::Ld64).unwrap();
        assert_eq!(ld.target, RelocTarget::Extern("bpf_maybe".into()));
        assert_eq!(ld.addend, 0);
        assert!(f.insns[ld.insn].is_ld_imm64());
        check_reassembles(&m, &funcs, cpu);
    }
    reassemble_pending();
}

// ---- atomics ----

/// Builds `slot[8] = x; r = atomic(op, slot + 8, v)` and returns the memory
/// afterwards, and with `use_result` `mem * 1000003 + old` (64-bit).
fn atomic_rmw_prog(
    b: &mut FunctionBuilder,
    op: AtomicOp,
    width: MemWidth,
    x: u64,
    v: u64,
    use_result: bool,
    through_register: bool,
) -> Value {
    let ty = if width == MemWidth::B4 {
        Type::I32
    } else {
        Type::I64
    };
    let slot = b.create_slot(16, 8, Some("counter".into()), Default::default());
    let addr = b.ins_value(Op::StackAddr { slot, offset: 0 }, Type::I64);
    let addr = if through_register {
        let z = opaque(b, Type::I64, 0);
        b.binary(BinOp::Add, addr, z)
    } else {
        addr
    };
    let init = opaque(b, ty, x as i64);
    b.ins(
        Op::Store {
            addr,
            offset: 8,
            value: init,
            width,
            volatile: false,
        },
        None,
    );
    let operand = opaque(b, ty, v as i64);
    let old = b.ins_value(
        Op::AtomicRmw {
            op,
            addr,
            offset: 8,
            value: operand,
            width,
        },
        ty,
    );
    let widen = |b: &mut FunctionBuilder, v: Value| {
        if ty == Type::I32 {
            b.ins_value(
                Op::Widen {
                    value: v,
                    signed: false,
                },
                Type::I64,
            )
        } else {
            v
        }
    };
    let mem = b.ins_value(
        Op::Load {
            addr,
            offset: 8,
            width,
            signed: false,
            volatile: false,
        },
        ty,
    );
    let mem = widen(b, mem);
    if !use_result {
        return mem;
    }
    let old = widen(b, old);
    let k = b.iconst(Type::I64, 1000003);
    let scaled = b.binary(BinOp::Mul, mem, k);
    b.binary(BinOp::Add, scaled, old)
}

#[test]
fn atomic_rmw_run() {
    let (x, v) = (0x0123_4567_89ab_cdefu64, 0xff00_ff00_1234_5678u64);
    for width in [MemWidth::B4, MemWidth::B8] {
        let mask = if width == MemWidth::B4 {
            0xffff_ffff
        } else {
            u64::MAX
        };
        let (x, v) = (x & mask, v & mask);
        for op in [
            AtomicOp::Add,
            AtomicOp::And,
            AtomicOp::Or,
            AtomicOp::Xor,
            AtomicOp::Xchg,
        ] {
            let mem = op.apply(x, v) & mask;
            for use_result in [false, true] {
                // 32-bit atomics need ALU32 (v3), except the add without fetch.
                let min_cpu = match (width, op, use_result || op == AtomicOp::Xchg) {
                    (MemWidth::B8, ..) | (_, AtomicOp::Add, false) => 1,
                    _ => 3,
                };
                let want = if use_result {
                    mem.wrapping_mul(1000003).wrapping_add(x)
                } else {
                    mem
                };
                for through_register in [false, true] {
                    check64(min_cpu, want, |b| {
                        atomic_rmw_prog(b, op, width, x, v, use_result, through_register)
                    });
                }
            }
        }
    }
    reassemble_pending();
}

/// `cmpxchg` at `slot + 8` holding `x`, expecting `expected`: returns
/// `mem * 1000003 + old`.
fn cmpxchg_prog(
    b: &mut FunctionBuilder,
    width: MemWidth,
    x: u64,
    expected: u64,
    new: u64,
) -> Value {
    let ty = if width == MemWidth::B4 {
        Type::I32
    } else {
        Type::I64
    };
    let slot = b.create_slot(16, 8, None, Default::default());
    let addr = b.ins_value(Op::StackAddr { slot, offset: 0 }, Type::I64);
    let init = opaque(b, ty, x as i64);
    b.ins(
        Op::Store {
            addr,
            offset: 8,
            value: init,
            width,
            volatile: false,
        },
        None,
    );
    let e = opaque(b, ty, expected as i64);
    let n = opaque(b, ty, new as i64);
    let old = b.ins_value(
        Op::AtomicCmpXchg {
            addr,
            offset: 8,
            expected: e,
            new: n,
            width,
        },
        ty,
    );
    let mem = b.ins_value(
        Op::Load {
            addr,
            offset: 8,
            width,
            signed: false,
            volatile: false,
        },
        ty,
    );
    let (mem, old) = if ty == Type::I32 {
        let w = |b: &mut FunctionBuilder, v| {
            b.ins_value(
                Op::Widen {
                    value: v,
                    signed: false,
                },
                Type::I64,
            )
        };
        (w(b, mem), w(b, old))
    } else {
        (mem, old)
    };
    let k = b.iconst(Type::I64, 1000003);
    let scaled = b.binary(BinOp::Mul, mem, k);
    b.binary(BinOp::Add, scaled, old)
}

#[test]
fn cmpxchg_run() {
    for (width, min_cpu, x) in [
        (MemWidth::B8, 1, 0x1122_3344_5566_7788u64),
        (MemWidth::B4, 3, 0x5566_7788),
    ] {
        // Swaps when the expected value matches, else leaves memory alone;
        // the old contents come back either way.
        for (expected, new, mem) in [(x, 42, 42), (x ^ 1, 42, x)] {
            check64(min_cpu, mem.wrapping_mul(1000003).wrapping_add(x), |b| {
                cmpxchg_prog(b, width, x, expected, new)
            });
        }
    }
    reassemble_pending();
}

#[test]
fn atomics_assembly_and_diagnostics() {
    let build = |op, width, use_result| {
        module_of(vec![prog(|b, _| {
            let v = atomic_rmw_prog(b, op, width, 5, 3, use_result, true);
            let n = b.ins_value(Op::Narrow(v), Type::I32);
            b.ret(Some(n));
        })])
    };
    // Result unused: no BPF_FETCH, at v1 too; 32-bit registers in -S as clang's.
    let text = asm(&build(AtomicOp::Add, MemWidth::B8, false), 1);
    assert!(text.contains("lock *(u64 *)(r"), "{text}");
    let text = asm(&build(AtomicOp::Add, MemWidth::B4, false), 1);
    assert!(
        text.contains("lock *(u32 *)(r") && text.contains(") += w"),
        "{text}"
    );
    let text = asm(&build(AtomicOp::Or, MemWidth::B8, true), 1);
    assert!(text.contains("= atomic_fetch_or((u64 *)(r"), "{text}");
    let text = asm(&build(AtomicOp::Xchg, MemWidth::B4, false), 3);
    assert!(text.contains("= xchg32_32(r"), "{text}");
    // Below v3, clang's messages for 32-bit atomics other than XADDW.
    assert_eq!(
        error_messages(&build(AtomicOp::Add, MemWidth::B4, true), 2),
        ["Invalid usage of the XADD return value"]
    );
    for op in [AtomicOp::And, AtomicOp::Or, AtomicOp::Xor, AtomicOp::Xchg] {
        assert_eq!(
            error_messages(&build(op, MemWidth::B4, false), 1),
            ["unsupported atomic operation, please use 64 bit version"]
        );
    }
    let cas = module_of(vec![prog(|b, _| {
        let v = cmpxchg_prog(b, MemWidth::B4, 1, 1, 2);
        let n = b.ins_value(Op::Narrow(v), Type::I32);
        b.ret(Some(n));
    })]);
    assert_eq!(
        error_messages(&cas, 2),
        ["unsupported atomic operation, please use 64 bit version"]
    );
    let text = asm(&cas, 3);
    assert!(text.contains("w0 = cmpxchg32_32(r"), "{text}");
}

/// Values live across a cmpxchg never sit in r0, which it reads and writes;
/// with more of them than r6-r9 and r1-r5 free, some spill.
#[test]
fn values_live_across_cmpxchg_run() {
    for live in [3usize, 9] {
        let want: u64 = (1..=live as u64).map(|k| k * 1111).sum::<u64>() + 500 * 1000003 + 500;
        check64(1, want, |b| {
            let vals: Vec<Value> = (1..=live as i64)
                .map(|k| opaque(b, Type::I64, k * 1111))
                .collect();
            // 500 in memory, expected 500: swapped to 7; `mem * 1000003 +
            // old` turned back into 500 * 1000003 + 500.
            let r = cmpxchg_prog(b, MemWidth::B8, 500, 500, 7);
            let k = b.iconst(Type::I64, 7 * 1000003);
            let mut acc = b.binary(BinOp::Sub, r, k);
            let k = b.iconst(Type::I64, 500 * 1000003);
            acc = b.binary(BinOp::Add, acc, k);
            for v in vals {
                acc = b.binary(BinOp::Add, acc, v);
            }
            acc
        });
    }
    reassemble_pending();
}
