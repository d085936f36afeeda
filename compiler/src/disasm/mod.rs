//! The BPF disassembler: instructions as text, in the pseudo-C syntax exactly
//! as `llvm-objdump-19 -d` prints it (`r1 = *(u32 *)(r2 + 0x0)`,
//! `if w1 s> 0x3 goto +0x1 <f+0x48>`), or in GNU `as`'s conventional syntax
//! (`ldxw %r1,[%r2+0]`); and whole ELF objects like `llvm-objdump -dr`:
//! every executable section, symbols as labels, relocations by symbol name.

use crate::bpf::insn::*;
use object::{Object, ObjectSection, ObjectSymbol, RelocationFlags, SectionFlags, SymbolKind};
use std::fmt::Write;

/// How to print.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct DisasmOptions {
    /// GNU conventional syntax instead of pseudo-C.
    pub gnu: bool,
    /// Print 32-bit loads, stores and atomics with `w` registers, as
    /// `llvm-objdump --mcpu=v3` (or later) does; without it, 32-bit atomics
    /// other than `lock ... +=` print as `<unknown>`, as llvm-objdump's
    /// default CPU does.
    pub alu32: bool,
}

/// `0x1f`, `-0x8` as llvm prints immediates.
fn hex(v: i64) -> String {
    if v < 0 {
        format!("-0x{:x}", (v as i128).unsigned_abs())
    } else {
        format!("0x{v:x}")
    }
}

fn size_bits(code: u8) -> u32 {
    match code & 0x18 {
        BPF_B => 8,
        BPF_H => 16,
        BPF_W => 32,
        _ => 64,
    }
}

fn mem(base: u8, off: i16) -> String {
    if off < 0 {
        format!("(r{base} - {})", hex(-(off as i64)))
    } else {
        format!("(r{base} + {})", hex(off as i64))
    }
}

fn alu_op(op: u8, signed: bool) -> Option<&'static str> {
    Some(match (op, signed) {
        (BPF_ADD, false) => "+=",
        (BPF_SUB, false) => "-=",
        (BPF_MUL, false) => "*=",
        (BPF_DIV, false) => "/=",
        (BPF_DIV, true) => "s/=",
        (BPF_MOD, false) => "%=",
        (BPF_MOD, true) => "s%=",
        (BPF_OR, false) => "|=",
        (BPF_AND, false) => "&=",
        (BPF_LSH, false) => "<<=",
        (BPF_RSH, false) => ">>=",
        (BPF_ARSH, false) => "s>>=",
        (BPF_XOR, false) => "^=",
        _ => return None,
    })
}

fn jmp_op(op: u8) -> Option<&'static str> {
    Some(match op {
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
        _ => return None,
    })
}

/// `may_goto` (`BPF_JMP | BPF_JCOND`).
const BPF_JCOND: u8 = 0xe0;

/// The slot a branch at `pc` goes to, if the instruction is a branch.
pub fn branch_target(insn: &Insn, pc: usize) -> Option<i64> {
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
    Some(pc as i64 + 1 + rel)
}

/// The text of one instruction; `next` is the second slot of an
/// `ld_imm64`; `target` is the `<sym+0x..>` annotation of a branch.
pub fn format_insn(
    insn: &Insn,
    next: Option<&Insn>,
    target: Option<&str>,
    opts: DisasmOptions,
) -> String {
    // The GNU printer is only asked about encodings the pseudo-C one knows.
    let text = if opts.gnu {
        pseudo_insn(insn, next, true).and_then(|_| gnu_insn(insn, next))
    } else {
        pseudo_insn(insn, next, opts.alu32)
    };
    match (text, target) {
        (Some(t), Some(l)) if !opts.gnu => format!("{t} <{l}>"),
        (Some(t), _) => t,
        (None, _) => "<unknown>".to_string(),
    }
}

fn rel(v: i64) -> String {
    if v < 0 {
        format!("-0x{:x}", -v)
    } else {
        format!("+0x{v:x}")
    }
}

fn pseudo_insn(insn: &Insn, next: Option<&Insn>, alu32: bool) -> Option<String> {
    let class = insn.class();
    let op = insn.code & 0xf0;
    let x = insn.code & BPF_X != 0;
    let (d, s) = (insn.dst, insn.src);
    if d > 10 || s > 10 {
        return None;
    }
    Some(match class {
        BPF_ALU | BPF_ALU64 => {
            let p = if class == BPF_ALU { "w" } else { "r" };
            let src = if x {
                format!("{p}{s}")
            } else {
                hex(insn.imm as i64)
            };
            match op {
                BPF_MOV if x && insn.off == 1 && class == BPF_ALU64 && insn.imm != 0 => format!(
                    "r{d} = addr_space_cast(r{s}, {}, {})",
                    hex((insn.imm >> 16) as i64),
                    hex((insn.imm & 0xffff) as i64)
                ),
                BPF_MOV
                    if x && matches!(insn.off, 8 | 16 | 32)
                        && !(class == BPF_ALU && insn.off == 32) =>
                {
                    format!("{p}{d} = (s{}){p}{s}", insn.off)
                }
                BPF_MOV if insn.off != 0 || (x && insn.imm != 0) => return None,
                BPF_MOV => format!("{p}{d} = {src}"),
                BPF_NEG if !x && insn.off == 0 && insn.imm == 0 => format!("{p}{d} = -{p}{d}"),
                BPF_END if matches!(insn.imm, 16 | 32 | 64) => {
                    let kind = match (class, x) {
                        (BPF_ALU64, false) => "bswap",
                        (BPF_ALU64, true) => return None,
                        (_, true) => "be",
                        _ => "le",
                    };
                    format!("r{d} = {kind}{} r{d}", insn.imm)
                }
                _ => {
                    let signed = insn.off == 1 && (op == BPF_DIV || op == BPF_MOD);
                    if insn.off != 0 && !signed {
                        return None;
                    }
                    format!("{p}{d} {} {src}", alu_op(op, signed)?)
                }
            }
        }
        BPF_LDX => {
            let mode = insn.code & 0xe0;
            let bits = size_bits(insn.code);
            let (sign, p) = match mode {
                BPF_MEM if alu32 && bits < 64 => ("u", "w"),
                BPF_MEM => ("u", "r"),
                BPF_MEMSX if bits < 64 => ("s", "r"),
                _ => return None,
            };
            format!("{p}{d} = *({sign}{bits} *){}", mem(s, insn.off))
        }
        BPF_ST if insn.code & 0xe0 == BPF_MEM => format!(
            "*(u{} *){} = {}",
            size_bits(insn.code),
            mem(d, insn.off),
            hex(insn.imm as i64)
        ),
        BPF_STX => {
            let bits = size_bits(insn.code);
            let p = if alu32 && bits < 64 { "w" } else { "r" };
            match insn.code & 0xe0 {
                BPF_MEM => format!("*(u{bits} *){} = {p}{s}", mem(d, insn.off)),
                BPF_ATOMIC if bits == 32 || bits == 64 => {
                    // Without alu32, llvm-objdump knows only the v1 32-bit
                    // `XADDW` pattern, which also matches the fetch bit.
                    if bits == 32 && !alu32 {
                        return match insn.imm {
                            0x00 | 0x01 => {
                                Some(format!("lock *(u32 *){} += r{s}", mem(d, insn.off)))
                            }
                            _ => None,
                        };
                    }
                    let m = mem(d, insn.off);
                    let inner = &m[1..m.len() - 1];
                    match insn.imm {
                        0x00 | 0x40 | 0x50 | 0xa0 => {
                            let o = match insn.imm as u8 {
                                0x00 => "+=",
                                0x40 => "|=",
                                0x50 => "&=",
                                _ => "^=",
                            };
                            format!("lock *(u{bits} *){m} {o} {p}{s}")
                        }
                        0x01 | 0x41 | 0x51 | 0xa1 => {
                            let f = match insn.imm {
                                0x01 => "add",
                                0x41 => "or",
                                0x51 => "and",
                                _ => "xor",
                            };
                            format!("{p}{s} = atomic_fetch_{f}((u{bits} *){m}, {p}{s})")
                        }
                        0xe1 if bits == 64 => format!("r{s} = xchg_64({inner}, r{s})"),
                        0xe1 => format!("w{s} = xchg32_32({inner}, w{s})"),
                        0xf1 if bits == 64 => format!("r0 = cmpxchg_64({inner}, r0, r{s})"),
                        0xf1 => format!("w0 = cmpxchg32_32({inner}, w0, w{s})"),
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
        BPF_LD => {
            let mode = insn.code & 0xe0;
            if insn.is_ld_imm64() {
                let hi = next?.imm as u32 as u64;
                let v = (hi << 32) | insn.imm as u32 as u64;
                return Some(format!("r{d} = {} ll", hex(v as i64)));
            }
            let bits = size_bits(insn.code);
            if bits == 64 {
                return None;
            }
            match mode {
                BPF_ABS => format!("r0 = *(u{bits} *)skb[{}]", hex(insn.imm as i64)),
                BPF_IND if insn.imm == 0 => format!("r0 = *(u{bits} *)skb[r{s}]"),
                BPF_IND => format!("r0 = *(u{bits} *)skb[r{s} + {}]", hex(insn.imm as i64)),
                _ => return None,
            }
        }
        BPF_JMP | BPF_JMP32 => {
            let p = if class == BPF_JMP32 { "w" } else { "r" };
            match op {
                BPF_JA if class == BPF_JMP32 => format!("gotol {}", rel(insn.imm as i64)),
                BPF_JA => format!("goto {}", rel(insn.off as i64)),
                BPF_EXIT if class == BPF_JMP => "exit".to_string(),
                BPF_CALL if class == BPF_JMP && x => format!("callx r{d}"),
                BPF_CALL if class == BPF_JMP => format!("call {}", hex(insn.imm as i64)),
                BPF_JCOND if class == BPF_JMP => format!("may_goto {}", rel(insn.off as i64)),
                _ => {
                    let c = jmp_op(op)?;
                    let src = if x {
                        format!("{p}{s}")
                    } else {
                        hex(insn.imm as i64)
                    };
                    format!("if {p}{d} {c} {src} goto {}", rel(insn.off as i64))
                }
            }
        }
        _ => return None,
    })
}

fn gnu_reg(r: u8) -> String {
    if r == 10 {
        "%fp".into()
    } else {
        format!("%r{r}")
    }
}

fn gnu_mem(base: u8, off: i16) -> String {
    format!("[{}+{}]", gnu_reg(base), off)
}

fn gnu_insn(insn: &Insn, next: Option<&Insn>) -> Option<String> {
    let class = insn.class();
    let op = insn.code & 0xf0;
    let x = insn.code & BPF_X != 0;
    let (d, s) = (insn.dst, insn.src);
    let sfx = |c: u8| {
        if c == BPF_ALU || c == BPF_JMP32 {
            "32"
        } else {
            ""
        }
    };
    let src = if x { gnu_reg(s) } else { insn.imm.to_string() };
    let size = |code: u8| match code & 0x18 {
        BPF_B => "b",
        BPF_H => "h",
        BPF_W => "w",
        _ => "dw",
    };
    Some(match class {
        BPF_ALU | BPF_ALU64 => {
            let name = match (op, insn.off) {
                (BPF_ADD, 0) => "add",
                (BPF_SUB, 0) => "sub",
                (BPF_MUL, 0) => "mul",
                (BPF_DIV, 0) => "div",
                (BPF_DIV, 1) => "sdiv",
                (BPF_OR, 0) => "or",
                (BPF_AND, 0) => "and",
                (BPF_LSH, 0) => "lsh",
                (BPF_RSH, 0) => "rsh",
                (BPF_MOD, 0) => "mod",
                (BPF_MOD, 1) => "smod",
                (BPF_XOR, 0) => "xor",
                (BPF_MOV, 0) => "mov",
                (BPF_ARSH, 0) => "arsh",
                (BPF_MOV, 8 | 16 | 32) if x => {
                    return Some(format!(
                        "movs{} {},{},{}",
                        sfx(class),
                        gnu_reg(d),
                        gnu_reg(s),
                        insn.off
                    ))
                }
                (BPF_NEG, 0) => return Some(format!("neg{} {}", sfx(class), gnu_reg(d))),
                (BPF_END, 0) if class == BPF_ALU64 => {
                    return Some(format!("bswap{} {}", insn.imm, gnu_reg(d)))
                }
                (BPF_END, 0) => {
                    let k = if x { "endbe" } else { "endle" };
                    return Some(format!("{k} {},{}", gnu_reg(d), insn.imm));
                }
                _ => return None,
            };
            format!("{name}{} {},{src}", sfx(class), gnu_reg(d))
        }
        BPF_LDX => {
            let s_ = if insn.code & 0xe0 == BPF_MEMSX {
                "s"
            } else {
                ""
            };
            format!(
                "ldx{s_}{} {},{}",
                size(insn.code),
                gnu_reg(d),
                gnu_mem(s, insn.off)
            )
        }
        BPF_ST => format!(
            "st{} {},{}",
            size(insn.code),
            gnu_mem(d, insn.off),
            insn.imm
        ),
        BPF_STX if insn.code & 0xe0 == BPF_MEM => {
            format!(
                "stx{} {},{}",
                size(insn.code),
                gnu_mem(d, insn.off),
                gnu_reg(s)
            )
        }
        BPF_STX => {
            let w = if insn.code & 0x18 == BPF_W { "32" } else { "" };
            let name = match insn.imm {
                // binutils 2.40's names for the v1 atomic add.
                0x00 if w.is_empty() => "xadddw",
                0x00 => "xaddw",
                0x40 => "aor",
                0x50 => "aand",
                0xa0 => "axor",
                0x01 => "afadd",
                0x41 => "afor",
                0x51 => "afand",
                0xa1 => "afxor",
                0xe1 => "axchg",
                0xf1 => "acmp",
                _ => return None,
            };
            let w = if name.starts_with("xadd") { "" } else { w };
            format!("{name}{w} {},{}", gnu_mem(d, insn.off), gnu_reg(s))
        }
        BPF_LD if insn.is_ld_imm64() => {
            let hi = next?.imm as u32 as u64;
            let v = (hi << 32) | insn.imm as u32 as u64;
            format!("lddw {},{}", gnu_reg(d), v as i64)
        }
        BPF_LD => match insn.code & 0xe0 {
            BPF_ABS => format!("ldabs{} {}", size(insn.code), insn.imm),
            BPF_IND => format!("ldind{} {},{}", size(insn.code), gnu_reg(s), insn.imm),
            _ => return None,
        },
        _ => match op {
            BPF_JA if class == BPF_JMP32 => format!("jal {}", rel_dec(insn.imm as i64)),
            BPF_JA => format!("ja {}", rel_dec(insn.off as i64)),
            BPF_EXIT => "exit".into(),
            BPF_CALL if x => format!("callx {}", gnu_reg(d)),
            BPF_CALL => format!("call {}", insn.imm),
            BPF_JCOND => format!("jcond {}", rel_dec(insn.off as i64)),
            _ => {
                let name = match op {
                    BPF_JEQ => "jeq",
                    BPF_JGT => "jgt",
                    BPF_JGE => "jge",
                    BPF_JSET => "jset",
                    BPF_JNE => "jne",
                    BPF_JSGT => "jsgt",
                    BPF_JSGE => "jsge",
                    BPF_JLT => "jlt",
                    BPF_JLE => "jle",
                    BPF_JSLT => "jslt",
                    BPF_JSLE => "jsle",
                    _ => return None,
                };
                format!(
                    "{name}{} {},{src},{}",
                    sfx(class),
                    gnu_reg(d),
                    rel_dec(insn.off as i64)
                )
            }
        },
    })
}

fn rel_dec(v: i64) -> String {
    format!("{v:+}")
}

fn reloc_type_name(t: u32) -> String {
    match t {
        1 => "R_BPF_64_64".into(),
        2 => "R_BPF_64_ABS64".into(),
        3 => "R_BPF_64_ABS32".into(),
        4 => "R_BPF_64_NODYLD32".into(),
        10 => "R_BPF_64_32".into(),
        other => format!("R_BPF_{other}"),
    }
}

/// Disassembles every executable section of an ELF object like
/// `llvm-objdump -dr` (pseudo-C) or in GNU syntax; `name` is the file name
/// printed in the header.
pub fn disassemble_object_named(
    bytes: &[u8],
    name: &str,
    opts: DisasmOptions,
) -> Result<String, String> {
    let file = object::File::parse(bytes).map_err(|e| format!("{name}: {e}"))?;
    let mut out = format!("\n{name}:\tfile format elf64-bpf\n");
    for section in file.sections() {
        let exec = matches!(section.flags(), SectionFlags::Elf { sh_flags } if sh_flags & u64::from(object::elf::SHF_EXECINSTR) != 0);
        if !exec || section.size() == 0 {
            continue;
        }
        let sname = section.name().unwrap_or("?").to_string();
        let data = section.data().map_err(|e| format!("{name}: {e}"))?;
        // Labels: the section's symbols other than section/file symbols.
        let mut labels: Vec<(u64, String)> = file
            .symbols()
            .filter(|s| s.section_index() == Some(section.index()))
            .filter(|s| !matches!(s.kind(), SymbolKind::Section | SymbolKind::File))
            .filter_map(|s| Some((s.address(), s.name().ok()?.to_string())))
            .filter(|(_, n)| !n.is_empty())
            .collect();
        labels.sort();
        let mut relocs: Vec<(u64, String, String)> = Vec::new();
        for (off, r) in section.relocations() {
            let t = match r.flags() {
                RelocationFlags::Elf { r_type } => r_type,
                _ => 0,
            };
            let sym = match r.target() {
                object::RelocationTarget::Symbol(i) => match file.symbol_by_index(i) {
                    Ok(s) if s.kind() == SymbolKind::Section => s
                        .section_index()
                        .and_then(|si| file.section_by_index(si).ok())
                        .and_then(|sec| sec.name().ok().map(str::to_string))
                        .unwrap_or_default(),
                    Ok(s) => s.name().unwrap_or("").to_string(),
                    Err(_) => "?".into(),
                },
                _ => "?".into(),
            };
            relocs.push((off, reloc_type_name(t), sym));
        }
        relocs.sort_by_key(|r| r.0);
        let _ = write!(out, "\nDisassembly of section {sname}:\n");
        if labels.first().is_none_or(|l| l.0 != 0) {
            let _ = write!(out, "\n{:016x} <{sname}>:\n", 0);
        }
        let label_for = |addr: u64| -> String {
            match labels.iter().rev().find(|l| l.0 <= addr) {
                Some((a, n)) if *a == addr => n.clone(),
                Some((a, n)) => format!("{n}+0x{:x}", addr - a),
                None if addr == 0 => sname.clone(),
                None => format!("{sname}+0x{addr:x}"),
            }
        };
        let mut pc = 0usize;
        let n = data.len() / 8;
        while pc < n {
            let addr = pc as u64 * 8;
            for (_, l) in labels.iter().filter(|l| l.0 == addr) {
                let _ = write!(out, "\n{addr:016x} <{l}>:\n");
            }
            let insn = Insn::decode(&data[pc * 8..pc * 8 + 8]);
            let wide = insn.is_ld_imm64() && pc + 1 < n;
            let next = wide.then(|| Insn::decode(&data[pc * 8 + 8..pc * 8 + 16]));
            let len = if wide { 16 } else { 8 };
            let hexbytes: Vec<String> = data[pc * 8..pc * 8 + len]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let target = branch_target(&insn, pc).map(|t| label_for((t * 8) as u64));
            let text = format_insn(&insn, next.as_ref(), target.as_deref(), opts);
            let _ = writeln!(out, "{pc:>8}:\t{}\t{text}", hexbytes.join(" "));
            for (off, t, sym) in relocs
                .iter()
                .filter(|r| r.0 >= addr && r.0 < addr + len as u64)
            {
                let _ = writeln!(out, "\t\t{off:016x}:  {t}\t{sym}");
            }
            pc += len / 8;
        }
    }
    Ok(out)
}

/// [`disassemble_object_named`] with no file name in the header and
/// llvm-objdump's default CPU.
pub fn disassemble_object(bytes: &[u8], gnu: bool) -> Result<String, String> {
    disassemble_object_named(bytes, "", DisasmOptions { gnu, alu32: false })
}
