//! The `-S` printer: encoded functions and the module's data objects in the
//! pseudo-C assembly syntax of `clang --target=bpf -S` (which clang's
//! integrated assembler reads back), e.g. `r1 = *(u32 *)(r6 + 0)`,
//! `if w1 < w2 goto LBB0_2`, `r1 = map ll`, `call 1`.

use super::insn::*;
use crate::ir::{Linkage, Module, SymbolTarget};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Assembly names of the module's symbols. Local symbols may share a name
/// in the object (two functions' `static` variables called `fmt`), but
/// labels in one assembly file must differ: later ones get `.1`, `.2`, ...
pub struct SymbolNames {
    functions: Vec<String>,
    data: Vec<String>,
}

impl SymbolNames {
    pub fn new(module: &Module) -> SymbolNames {
        let original: BTreeSet<&str> = module
            .functions
            .values()
            .map(|f| f.name.as_str())
            .chain(module.data.values().map(|d| d.name.as_str()))
            .collect();
        let mut used: BTreeSet<String> = BTreeSet::new();
        let mut unique = |name: &str| -> String {
            let mut candidate = name.to_string();
            let mut k = 0;
            while used.contains(&candidate) || (k > 0 && original.contains(candidate.as_str())) {
                k += 1;
                candidate = format!("{name}.{k}");
            }
            used.insert(candidate.clone());
            candidate
        };
        let functions = module.functions.values().map(|f| unique(&f.name)).collect();
        let data = module.data.values().map(|d| unique(&d.name)).collect();
        SymbolNames { functions, data }
    }

    pub fn function(&self, f: crate::ir::FuncId) -> &str {
        &self.functions[f.as_u32() as usize]
    }

    pub fn data(&self, d: crate::ir::DataId) -> &str {
        &self.data[d.as_u32() as usize]
    }

    fn reloc(&self, target: &RelocTarget) -> String {
        match target {
            RelocTarget::Func(f) => self.function(*f).to_string(),
            RelocTarget::Data(d) => self.data(*d).to_string(),
            RelocTarget::Extern(n) => n.clone(),
        }
    }
}

fn with_addend(name: &str, addend: i64) -> String {
    match addend {
        0 => name.to_string(),
        a if a > 0 => format!("{name}+{a}"),
        a => format!("{name}{a}"),
    }
}

fn size_name(code: u8) -> &'static str {
    match code & 0x18 {
        BPF_B => "8",
        BPF_H => "16",
        BPF_W => "32",
        _ => "64",
    }
}

fn mem(base: u8, off: i16) -> String {
    if off < 0 {
        format!("(r{base} - {})", -(off as i32))
    } else {
        format!("(r{base} + {off})")
    }
}

fn cond_text(op: u8) -> &'static str {
    match op {
        BPF_JEQ => "==",
        BPF_JNE => "!=",
        BPF_JGT => ">",
        BPF_JGE => ">=",
        BPF_JLT => "<",
        BPF_JLE => "<=",
        BPF_JSGT => "s>",
        BPF_JSGE => "s>=",
        BPF_JSLT => "s<",
        BPF_JSLE => "s<=",
        BPF_JSET => "&",
        _ => "?",
    }
}

fn alu_text(op: u8, signed: bool) -> &'static str {
    match (op, signed) {
        (BPF_ADD, _) => "+=",
        (BPF_SUB, _) => "-=",
        (BPF_MUL, _) => "*=",
        (BPF_DIV, false) => "/=",
        (BPF_DIV, true) => "s/=",
        (BPF_MOD, false) => "%=",
        (BPF_MOD, true) => "s%=",
        (BPF_OR, _) => "|=",
        (BPF_AND, _) => "&=",
        (BPF_LSH, _) => "<<=",
        (BPF_RSH, _) => ">>=",
        (BPF_ARSH, _) => "s>>=",
        (BPF_XOR, _) => "^=",
        _ => "?=",
    }
}

/// The jump target (slot index) of a branch instruction at `i`, if it is one.
fn branch_target(insn: &Insn, i: usize) -> Option<usize> {
    let class = insn.class();
    if class != BPF_JMP && class != BPF_JMP32 {
        return None;
    }
    let op = insn.code & 0xf0;
    if op == BPF_CALL || op == BPF_EXIT {
        return None;
    }
    let rel = if class == BPF_JMP32 && op == BPF_JA {
        insn.imm as i64
    } else {
        insn.off as i64
    };
    usize::try_from(i as i64 + 1 + rel).ok()
}

/// One instruction in pseudo-C. `label` names branch targets.
pub fn print_insn(
    insn: &Insn,
    next: Option<&Insn>,
    reloc: Option<&Reloc>,
    target_label: Option<&str>,
    names: &SymbolNames,
) -> String {
    let class = insn.class();
    let op = insn.code & 0xf0;
    let x = insn.code & BPF_X != 0;
    let (d, s) = (insn.dst, insn.src);
    match class {
        BPF_ALU | BPF_ALU64 => {
            let p = if class == BPF_ALU { "w" } else { "r" };
            let src = if x {
                format!("{p}{s}")
            } else {
                insn.imm.to_string()
            };
            match op {
                BPF_MOV if insn.off != 0 => format!("{p}{d} = (s{}){p}{s}", insn.off),
                BPF_MOV => format!("{p}{d} = {src}"),
                BPF_NEG => format!("{p}{d} = -{p}{d}"),
                BPF_END => {
                    let kind = if class == BPF_ALU64 {
                        "bswap"
                    } else if x {
                        "be"
                    } else {
                        "le"
                    };
                    format!("r{d} = {kind}{} r{d}", insn.imm)
                }
                _ => format!("{p}{d} {} {src}", alu_text(op, insn.off == 1)),
            }
        }
        BPF_LDX => {
            let sign = if insn.code & 0xe0 == BPF_MEMSX {
                "s"
            } else {
                "u"
            };
            format!(
                "r{d} = *({sign}{} *){}",
                size_name(insn.code),
                mem(s, insn.off)
            )
        }
        BPF_ST => format!(
            "*(u{} *){} = {}",
            size_name(insn.code),
            mem(d, insn.off),
            insn.imm
        ),
        BPF_STX if insn.code & 0xe0 == BPF_ATOMIC => {
            // clang's -S spelling: `w` registers for the 32-bit forms, at
            // every CPU version.
            let bits = size_name(insn.code);
            let p = if bits == "32" { "w" } else { "r" };
            let m = mem(d, insn.off);
            let inner = &m[1..m.len() - 1];
            match insn.imm {
                BPF_XCHG if bits == "32" => format!("w{s} = xchg32_32({inner}, w{s})"),
                BPF_XCHG => format!("r{s} = xchg_64({inner}, r{s})"),
                BPF_CMPXCHG if bits == "32" => format!("w0 = cmpxchg32_32({inner}, w0, w{s})"),
                BPF_CMPXCHG => format!("r0 = cmpxchg_64({inner}, r0, r{s})"),
                imm => {
                    let name = match (imm & !BPF_FETCH) as u8 {
                        BPF_ADD => "add",
                        BPF_AND => "and",
                        BPF_OR => "or",
                        _ => "xor",
                    };
                    if imm & BPF_FETCH != 0 {
                        format!("{p}{s} = atomic_fetch_{name}((u{bits} *){m}, {p}{s})")
                    } else {
                        let o = match name {
                            "add" => "+=",
                            "and" => "&=",
                            "or" => "|=",
                            _ => "^=",
                        };
                        format!("lock *(u{bits} *){m} {o} {p}{s}")
                    }
                }
            }
        }
        BPF_STX => format!("*(u{} *){} = r{s}", size_name(insn.code), mem(d, insn.off)),
        BPF_LD => {
            let mode = insn.code & 0xe0;
            if insn.is_ld_imm64() {
                return match reloc {
                    Some(r) => format!(
                        "r{d} = {} ll",
                        with_addend(&names.reloc(&r.target), r.addend)
                    ),
                    None => {
                        let hi = next.map_or(0, |n| n.imm) as u32 as u64;
                        let v = (hi << 32) | insn.imm as u32 as u64;
                        format!("r{d} = {} ll", v as i64)
                    }
                };
            }
            let size = size_name(insn.code);
            if mode == BPF_ABS {
                format!("r0 = *(u{size} *)skb[{}]", insn.imm)
            } else if insn.imm == 0 {
                format!("r0 = *(u{size} *)skb[r{s}]")
            } else {
                format!("r0 = *(u{size} *)skb[r{s} + {}]", insn.imm)
            }
        }
        _ => {
            // JMP / JMP32.
            let label = target_label.unwrap_or("?");
            match op {
                BPF_JA if class == BPF_JMP32 => format!("gotol {label}"),
                BPF_JA => format!("goto {label}"),
                BPF_JCOND if class == BPF_JMP => format!("may_goto {label}"),
                BPF_EXIT => "exit".to_string(),
                BPF_CALL => match reloc {
                    Some(r) => format!("call {}", names.reloc(&r.target)),
                    None => format!("call {}", insn.imm),
                },
                _ => {
                    let p = if class == BPF_JMP32 { "w" } else { "r" };
                    let src = if x {
                        format!("{p}{s}")
                    } else {
                        insn.imm.to_string()
                    };
                    format!("if {p}{d} {} {src} goto {label}", cond_text(op))
                }
            }
        }
    }
}

fn section_directive(section: &str, code: bool) -> String {
    match section {
        ".text" => "\t.text".into(),
        ".data" => "\t.data".into(),
        ".bss" => "\t.bss".into(),
        s if s.starts_with(".rodata") => format!("\t.section\t{s},\"a\",@progbits"),
        s if code => format!("\t.section\t{s},\"ax\",@progbits"),
        s => format!("\t.section\t{s},\"aw\",@progbits"),
    }
}

fn linkage_directive(out: &mut String, linkage: Linkage, name: &str) {
    match linkage {
        Linkage::Global => {
            let _ = writeln!(out, "\t.globl\t{name}");
        }
        Linkage::Weak => {
            let _ = writeln!(out, "\t.weak\t{name}");
        }
        Linkage::Local => {}
    }
}

/// Prints every function and data object of the module.
pub fn print_assembly(functions: &[MachFunction], module: &Module) -> String {
    let names = SymbolNames::new(module);
    let mut out = String::from("\t.text\n");
    let mut section = ".text".to_string();
    for (fi, f) in functions.iter().enumerate() {
        // `functions` are the module's, in order (as `compile_module` makes them).
        let name = if functions.len() == module.functions.len() {
            names.function(crate::ir::FuncId::from_u32(fi as u32))
        } else {
            &f.name
        };
        if f.section != section {
            out += &section_directive(&f.section, true);
            out.push('\n');
            section = f.section.clone();
        }
        linkage_directive(&mut out, f.linkage, name);
        let _ = writeln!(out, "\t.p2align\t3");
        let _ = writeln!(out, "\t.type\t{name},@function");
        let _ = writeln!(out, "{name}:");
        let mut labels: BTreeMap<usize, String> = BTreeMap::new();
        let mut i = 0;
        while i < f.insns.len() {
            if let Some(t) = branch_target(&f.insns[i], i) {
                labels.insert(t, String::new());
            }
            i += if f.insns[i].is_ld_imm64() { 2 } else { 1 };
        }
        for (k, name) in labels.values_mut().enumerate() {
            *name = format!("LBB{fi}_{}", k + 1);
        }
        let relocs: BTreeMap<usize, &Reloc> = f.relocs.iter().map(|r| (r.insn, r)).collect();
        let mut i = 0;
        while i < f.insns.len() {
            if let Some(l) = labels.get(&i) {
                let _ = writeln!(out, "{l}:");
            }
            let insn = &f.insns[i];
            let target = branch_target(insn, i).and_then(|t| labels.get(&t));
            let text = print_insn(
                insn,
                f.insns.get(i + 1),
                relocs.get(&i).copied(),
                target.map(|s| s.as_str()),
                &names,
            );
            let _ = writeln!(out, "\t{text}");
            i += if insn.is_ld_imm64() { 2 } else { 1 };
        }
        if let Some(l) = labels.get(&f.insns.len()) {
            let _ = writeln!(out, "{l}:");
        }
        let _ = writeln!(out, ".Lfunc_end{fi}:");
        let _ = writeln!(out, "\t.size\t{name}, .Lfunc_end{fi}-{name}");
    }
    for (id, d) in module.data.iter().filter(|(_, d)| !d.is_extern) {
        let name = names.data(id);
        let _ = writeln!(out, "\t.type\t{name},@object");
        out += &section_directive(&d.section, false);
        out.push('\n');
        linkage_directive(&mut out, d.linkage, name);
        if d.align > 1 {
            let _ = writeln!(out, "\t.p2align\t{}, 0x0", d.align.trailing_zeros());
        }
        let _ = writeln!(out, "{name}:");
        if d.bytes.is_empty() {
            if d.size > 0 {
                let _ = writeln!(out, "\t.zero\t{}", d.size);
            }
        } else {
            let relocs: BTreeMap<u64, (&SymbolTarget, i64)> =
                d.relocs.iter().map(|(o, t, a)| (*o, (t, *a))).collect();
            let mut pos = 0u64;
            let mut bytes: Vec<String> = Vec::new();
            let flush = |out: &mut String, bytes: &mut Vec<String>| {
                if !bytes.is_empty() {
                    let _ = writeln!(out, "\t.byte\t{}", bytes.join(","));
                    bytes.clear();
                }
            };
            while pos < d.bytes.len() as u64 {
                if let Some((t, a)) = relocs.get(&pos) {
                    flush(&mut out, &mut bytes);
                    let name = match t {
                        SymbolTarget::Data(x) => names.data(*x),
                        SymbolTarget::Func(x) => names.function(*x),
                        SymbolTarget::ExternFunc(x) => x,
                    };
                    let _ = writeln!(out, "\t.quad\t{}", with_addend(name, *a));
                    pos += 8;
                    continue;
                }
                bytes.push(d.bytes[pos as usize].to_string());
                if bytes.len() == 16 {
                    flush(&mut out, &mut bytes);
                }
                pos += 1;
            }
            flush(&mut out, &mut bytes);
        }
        let _ = writeln!(out, "\t.size\t{name}, {}", d.size);
        out.push('\n');
    }
    // Undefined weak symbols, as LLVM lists them at the end: variables, then
    // functions.
    for (id, d) in module.data.iter() {
        if d.is_extern && d.linkage == Linkage::Weak {
            let _ = writeln!(out, "\t.weak\t{}", names.data(id));
        }
    }
    for name in &module.extern_functions {
        if module.extern_function_linkage(name) == Linkage::Weak {
            let _ = writeln!(out, "\t.weak\t{name}");
        }
    }
    out
}
