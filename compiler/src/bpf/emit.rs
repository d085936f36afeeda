//! Branch layout and encoding: removes jumps to the next block (inverting a
//! conditional jump where that saves one), computes branch offsets and
//! encodes the allocated machine code into [`MachFunction`] instructions,
//! relocations and line entries.

use super::frame::FrameLayout;
use super::insn::*;
use super::mir::*;
use crate::asm::TargetField;
use crate::diag::Diagnostics;
use crate::ir::{Cond, Function, MemWidth};
use crate::source::Span;

/// A conditional jump with the opposite condition, legal at `cpu`, if any.
fn invert(inst: &MInst, new_target: MBlock, cpu: u8) -> Option<MInst> {
    let MInst::Jcc {
        cond, w32, a, b, ..
    } = inst
    else {
        return None;
    };
    let inv = cond.inverse()?;
    if cond_is_native(inv, cpu) {
        return Some(MInst::Jcc {
            cond: inv,
            w32: *w32,
            a: *a,
            b: *b,
            target: new_target,
        });
    }
    match b {
        Operand::Reg(rb) => Some(MInst::Jcc {
            cond: inv.swapped(),
            w32: *w32,
            a: *rb,
            b: Operand::Reg(*a),
            target: new_target,
        }),
        Operand::Imm(_) => None,
    }
}

/// Sends branches to blocks that only jump on straight to the final
/// target, and drops the blocks no branch reaches any more. Runs while every
/// block still ends in a jump or an exit (no fall-through yet).
fn thread_jumps(m: &mut MFunction) {
    let forward = |m: &MFunction, mut t: MBlock| {
        for _ in 0..m.blocks.len() {
            match m.blocks[t as usize].as_slice() {
                [MI {
                    inst: MInst::Jmp { target },
                    ..
                }] if *target != t => t = *target,
                _ => break,
            }
        }
        t
    };
    for b in 0..m.blocks.len() {
        for k in 0..m.blocks[b].len() {
            for t in m.blocks[b][k].inst.targets() {
                let to = forward(m, t);
                m.blocks[b][k].inst.retarget(t, to);
            }
        }
    }
    let mut reachable = vec![false; m.blocks.len()];
    let mut work = vec![m.order[0]];
    while let Some(b) = work.pop() {
        if std::mem::replace(&mut reachable[b as usize], true) {
            continue;
        }
        work.extend(m.blocks[b as usize].iter().flat_map(|mi| mi.inst.targets()));
    }
    m.order.retain(|&b| reachable[b as usize]);
}

/// Removes branches to the block laid out next.
fn layout_branches(m: &mut MFunction, cpu: u8) {
    thread_jumps(m);
    for k in 0..m.order.len() {
        let b = m.order[k] as usize;
        let next = m.order.get(k + 1).copied();
        let insts = &mut m.blocks[b];
        let n = insts.len();
        if n >= 2 {
            if let (Some(t), MInst::Jmp { target: e }) =
                (insts[n - 2].inst.target(), insts[n - 1].inst.clone())
            {
                if matches!(insts[n - 2].inst, MInst::Jcc { .. }) && Some(t) == next {
                    if t == e {
                        insts.truncate(n - 2);
                    } else if let Some(inv) = invert(&insts[n - 2].inst, e, cpu) {
                        insts[n - 2].inst = inv;
                        insts.truncate(n - 1);
                    }
                }
            }
        }
        if let Some(MInst::Jmp { target }) = insts.last().map(|mi| &mi.inst) {
            if Some(*target) == next {
                insts.pop();
            }
        }
    }
}

/// Instruction slots `inst` takes; `long`: a conditional jump relaxed to
/// `if cond goto +1; goto +1; gotol target` (v4, target beyond 16 bits).
fn size_of(inst: &MInst, frame: &FrameLayout, long: bool) -> usize {
    match inst {
        MInst::Jcc { .. } if long => 3,
        MInst::LdImm64 { .. } | MInst::SetCond { .. } => 2,
        MInst::InlineAsm(a) => a.encoded.len(),
        MInst::FrameAddr { at, off, .. } => {
            if frame.offset(*at) + off == 0 {
                1
            } else {
                2
            }
        }
        _ => 1,
    }
}

fn phys(r: Reg) -> u8 {
    match r {
        Reg::P(p) => p,
        Reg::V(v) => panic!("virtual register v{v} after register allocation"),
    }
}

fn size_bits(w: MemWidth) -> u8 {
    match w {
        MemWidth::B1 => BPF_B,
        MemWidth::B2 => BPF_H,
        MemWidth::B4 => BPF_W,
        MemWidth::B8 => BPF_DW,
    }
}

fn jmp_op(c: Cond) -> u8 {
    match c {
        Cond::Eq => BPF_JEQ,
        Cond::Ne => BPF_JNE,
        Cond::Ult => BPF_JLT,
        Cond::Ule => BPF_JLE,
        Cond::Ugt => BPF_JGT,
        Cond::Uge => BPF_JGE,
        Cond::Slt => BPF_JSLT,
        Cond::Sle => BPF_JSLE,
        Cond::Sgt => BPF_JSGT,
        Cond::Sge => BPF_JSGE,
        Cond::Set => BPF_JSET,
    }
}

fn alu_class(w32: bool) -> u8 {
    if w32 {
        BPF_ALU
    } else {
        BPF_ALU64
    }
}

fn operand(src: Operand) -> (u8, u8, i32) {
    match src {
        Operand::Reg(r) => (BPF_X, phys(r), 0),
        Operand::Imm(k) => (BPF_K, 0, k),
    }
}

struct Encoder<'a> {
    out: MachFunction,
    frame: &'a FrameLayout,
    cpu: u8,
    last_span: Option<Span>,
}

impl Encoder<'_> {
    fn push(&mut self, insn: Insn) {
        self.out.insns.push(insn);
    }

    fn mem_off(&self, addr: Addr, diags: &mut Diagnostics, span: Span) -> (u8, i16) {
        let (base, off) = match addr {
            Addr::Reg(r, off) => (phys(r), off as i64),
            Addr::Frame(at, off) => (10, self.frame.offset(at) as i64 + off as i64),
        };
        match i16::try_from(off) {
            Ok(o) => (base, o),
            Err(_) => {
                diags.error(span, format!("memory offset {off} does not fit in 16 bits"));
                (base, 0)
            }
        }
    }

    /// `off` of a jump at slot `at` to slot `to`.
    fn rel(at: usize, to: usize) -> i64 {
        to as i64 - (at as i64 + 1)
    }

    fn encode(&mut self, mi: &MI, block_addr: &[usize], long: bool, diags: &mut Diagnostics) {
        let at = self.out.insns.len();
        if mi.span != Span::default() && self.last_span != Some(mi.span) {
            self.out.lines.push((at, mi.span));
            self.last_span = Some(mi.span);
        }
        if let Some(r) = &mi.core {
            self.out.core_relos.push(crate::btf::core::CoreReloAt {
                insn: at,
                relo: (**r).clone(),
            });
        }
        match &mi.inst {
            MInst::Mov {
                w32,
                dst,
                src,
                sext,
                ..
            } => {
                let (x, s, imm) = operand(*src);
                let code = alu_class(*w32) | BPF_MOV | x;
                self.push(Insn::new(code, phys(*dst), s, *sext as i16, imm));
            }
            MInst::Alu {
                op,
                w32,
                dst,
                src,
                signed,
            } => {
                let (x, s, imm) = operand(*src);
                let code = alu_class(*w32) | op | x;
                self.push(Insn::new(code, phys(*dst), s, *signed as i16, imm));
            }
            MInst::Neg { w32, dst } => {
                self.push(Insn::new(alu_class(*w32) | BPF_NEG, phys(*dst), 0, 0, 0))
            }
            MInst::Swap { bits, bswap, dst } => {
                let code = if *bswap {
                    BPF_ALU64 | BPF_END | BPF_TO_LE
                } else {
                    BPF_ALU | BPF_END | BPF_TO_BE
                };
                self.push(Insn::new(code, phys(*dst), 0, 0, *bits as i32));
            }
            MInst::LdImm64 { dst, imm, reloc } => {
                if let Some(target) = reloc {
                    self.out.relocs.push(Reloc {
                        insn: at,
                        kind: RelocKind::Ld64,
                        target: target.clone(),
                        addend: *imm,
                    });
                }
                self.push(Insn::new(
                    BPF_LD | BPF_IMM | BPF_DW,
                    phys(*dst),
                    0,
                    0,
                    *imm as i32,
                ));
                self.push(Insn::new(0, 0, 0, 0, (*imm >> 32) as i32));
            }
            MInst::FrameAddr { dst, at: loc, off } => {
                let d = phys(*dst);
                self.push(Insn::new(BPF_ALU64 | BPF_MOV | BPF_X, d, 10, 0, 0));
                let total = self.frame.offset(*loc) + off;
                if total != 0 {
                    self.push(Insn::new(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, total));
                }
            }
            MInst::Load {
                dst,
                addr,
                width,
                sx,
            } => {
                let (base, off) = self.mem_off(*addr, diags, mi.span);
                let mode = if *sx { BPF_MEMSX } else { BPF_MEM };
                let code = BPF_LDX | mode | size_bits(*width);
                self.push(Insn::new(code, phys(*dst), base, off, 0));
            }
            MInst::Store { addr, width, src } => {
                let (base, off) = self.mem_off(*addr, diags, mi.span);
                let insn = match src {
                    Operand::Reg(r) => Insn::new(
                        BPF_STX | BPF_MEM | size_bits(*width),
                        base,
                        phys(*r),
                        off,
                        0,
                    ),
                    Operand::Imm(k) => {
                        Insn::new(BPF_ST | BPF_MEM | size_bits(*width), base, 0, off, *k)
                    }
                };
                self.push(insn);
            }
            MInst::Atomic {
                op,
                width,
                addr,
                src,
            } => {
                let (base, off) = self.mem_off(*addr, diags, mi.span);
                self.push(Insn::new(
                    BPF_STX | BPF_ATOMIC | size_bits(*width),
                    base,
                    phys(*src),
                    off,
                    *op,
                ));
            }
            MInst::SetCond {
                dst,
                dst_w32,
                cond,
                cmp_w32,
                a,
                b,
            } => {
                let (x, s, imm) = operand(*b);
                let class = if *cmp_w32 { BPF_JMP32 } else { BPF_JMP };
                self.push(Insn::new(class | jmp_op(*cond) | x, phys(*a), s, 1, imm));
                let code = alu_class(*dst_w32) | BPF_MOV | BPF_K;
                self.push(Insn::new(code, phys(*dst), 0, 0, 0));
            }
            MInst::Call { target, .. } => {
                let code = BPF_JMP | BPF_CALL;
                match target {
                    CallTarget::Helper(n) => self.push(Insn::new(code, 0, 0, 0, *n)),
                    CallTarget::Func(f) => {
                        self.out.relocs.push(Reloc {
                            insn: at,
                            kind: RelocKind::Call,
                            target: RelocTarget::Func(*f),
                            addend: 0,
                        });
                        self.push(Insn::new(code, 0, BPF_PSEUDO_CALL, 0, -1));
                    }
                    CallTarget::Kfunc(name) => {
                        // As clang: the object has src_reg = BPF_PSEUDO_CALL and a
                        // relocation to the extern; libbpf only accepts that form and
                        // rewrites it to BPF_PSEUDO_KFUNC_CALL when it resolves the kfunc.
                        self.out.relocs.push(Reloc {
                            insn: at,
                            kind: RelocKind::Call,
                            target: RelocTarget::Extern(name.clone()),
                            addend: 0,
                        });
                        self.push(Insn::new(code, 0, BPF_PSEUDO_CALL, 0, -1));
                    }
                }
            }
            MInst::LdPacket { width, index, imm } => {
                let size = size_bits(*width);
                let insn = match index {
                    None => Insn::new(BPF_LD | BPF_ABS | size, 0, 0, 0, *imm),
                    Some(r) => Insn::new(BPF_LD | BPF_IND | size, 0, phys(*r), 0, *imm),
                };
                self.push(insn);
            }
            MInst::Jcc {
                cond,
                w32,
                a,
                b,
                target,
            } if long => {
                let (x, s, imm) = operand(*b);
                let class = if *w32 { BPF_JMP32 } else { BPF_JMP };
                self.push(Insn::new(class | jmp_op(*cond) | x, phys(*a), s, 1, imm));
                self.push(Insn::new(BPF_JMP | BPF_JA, 0, 0, 1, 0));
                let rel = Self::rel(at + 2, block_addr[*target as usize]);
                self.push(Insn::new(BPF_JMP32 | BPF_JA, 0, 0, 0, rel as i32));
            }
            MInst::Jcc {
                cond,
                w32,
                a,
                b,
                target,
            } => {
                let rel = Self::rel(at, block_addr[*target as usize]);
                let off = i16::try_from(rel).unwrap_or_else(|_| {
                    diags.error(
                        mi.span,
                        "conditional branch is too far (more than 32767 instructions)",
                    );
                    0
                });
                let (x, s, imm) = operand(*b);
                let class = if *w32 { BPF_JMP32 } else { BPF_JMP };
                self.push(Insn::new(class | jmp_op(*cond) | x, phys(*a), s, off, imm));
            }
            MInst::Jmp { target } => {
                let rel = Self::rel(at, block_addr[*target as usize]);
                match i16::try_from(rel) {
                    Ok(off) => self.push(Insn::new(BPF_JMP | BPF_JA, 0, 0, off, 0)),
                    // `gotol` (v4) has a 32-bit offset in the immediate.
                    Err(_) if self.cpu >= 4 => {
                        self.push(Insn::new(BPF_JMP32 | BPF_JA, 0, 0, 0, rel as i32))
                    }
                    Err(_) => {
                        diags.error(
                            mi.span,
                            "branch is too far for -mcpu below v4 (more than 32767 instructions)",
                        );
                        self.push(Insn::new(BPF_JMP | BPF_JA, 0, 0, 0, 0));
                    }
                }
            }
            MInst::Exit { .. } => self.push(Insn::new(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)),
            MInst::InlineAsm(a) => {
                self.out.relocs.extend(a.relocs.iter().map(|r| Reloc {
                    insn: at + r.insn,
                    ..r.clone()
                }));
                let first = self.out.insns.len();
                self.out.insns.extend_from_slice(&a.encoded);
                // `asm goto`: branches to C labels, now that blocks have addresses.
                for &(slot, label, field) in &a.label_refs {
                    let rel = Self::rel(at + slot, block_addr[label as usize]);
                    let insn = &mut self.out.insns[first + slot];
                    match field {
                        TargetField::Off => match i16::try_from(rel) {
                            Ok(off) => insn.off = off,
                            Err(_) => diags.error(
                                mi.span,
                                "asm goto label is too far for a 16-bit jump offset",
                            ),
                        },
                        TargetField::Imm => insn.imm = rel as i32,
                    }
                }
            }
        }
    }
}

/// The placeholder name of the `k`th operand's symbol in an asm template.
fn asm_symbol_name(k: usize) -> String {
    format!("__bpfcc_asm_operand_{k}")
}

/// The placeholder name of the `k`th `asm goto` label in an asm template.
fn asm_label_name(k: usize) -> String {
    format!("__bpfcc_asm_label_{k}")
}

/// Substitutes the (now physical) operands into an inline-asm template and
/// assembles it; errors point into the template in the C source.
fn assemble_inline_asm(a: &mut MAsm, span: Span, diags: &mut Diagnostics) {
    use crate::asm::{self, AsmRelocKind, TextMap};
    let map = TextMap::from_pieces(a.pieces.clone());
    let mut symbols = Vec::new();
    let operands: Vec<asm::Operand> = a
        .operands
        .iter()
        .enumerate()
        .map(|(k, (name, o))| asm::Operand {
            name: name.clone(),
            text: match o {
                MAsmOperand::Out(r) | MAsmOperand::InOut(r) | MAsmOperand::In(r) => {
                    let w = if a.sub_register.get(k) == Some(&true) {
                        'w'
                    } else {
                        'r'
                    };
                    format!("{w}{}", phys(*r))
                }
                MAsmOperand::Imm(c) => c.to_string(),
                MAsmOperand::Symbol(t) => {
                    symbols.push((asm_symbol_name(k), t.clone()));
                    asm_symbol_name(k)
                }
            },
        })
        .collect();
    let labels: Vec<asm::Operand> = (0..a.labels.len())
        .map(|k| asm::Operand {
            name: a.label_names.get(k).cloned(),
            text: asm_label_name(k),
        })
        .collect();
    let (text, tmap) = match asm::substitute(&a.template, &map, &operands, &labels, 0) {
        Ok(x) => x,
        Err(e) => {
            diags.error(e.span, e.message);
            return;
        }
    };
    let out = match asm::assemble_inline(&text, &tmap) {
        Ok(out) => out,
        Err(d) => {
            d.list.into_iter().for_each(|x| diags.push(x));
            return;
        }
    };
    let mut label_refs = Vec::with_capacity(out.label_refs.len());
    for (slot, label, field) in &out.label_refs {
        match (0..a.labels.len()).find(|&k| asm_label_name(k) == *label) {
            Some(k) => label_refs.push((*slot, a.labels[k], *field)),
            None => {
                diags.error(
                    span,
                    format!("inline asm branches to `{label}`, which it does not define"),
                );
                return;
            }
        }
    }
    a.label_refs = label_refs;
    a.relocs = out
        .relocs
        .into_iter()
        .map(|(insn, kind, symbol, addend)| {
            let target = symbols
                .iter()
                .find(|(n, _)| *n == symbol)
                .map(|(_, t)| t.clone())
                .unwrap_or(RelocTarget::Extern(symbol));
            let kind = match kind {
                AsmRelocKind::Call => RelocKind::Call,
                _ => RelocKind::Ld64,
            };
            Reloc {
                insn,
                kind,
                target,
                addend,
            }
        })
        .collect();
    a.encoded = out.insns;
}

/// Encodes allocated machine code of `f`.
pub fn encode(
    f: &Function,
    mut m: MFunction,
    frame: &FrameLayout,
    cpu: u8,
    diags: &mut Diagnostics,
) -> MachFunction {
    layout_branches(&mut m, cpu);
    for b in &mut m.blocks {
        for mi in b {
            if let MInst::InlineAsm(a) = &mut mi.inst {
                assemble_inline_asm(a, mi.span, diags);
            }
        }
    }
    // Addresses; at v4, conditional jumps out of 16-bit reach are relaxed
    // until none is left (relaxing only moves code further apart).
    let mut long: Vec<Vec<bool>> = m.blocks.iter().map(|b| vec![false; b.len()]).collect();
    let mut block_addr = vec![0usize; m.blocks.len()];
    let mut addr;
    loop {
        addr = 0;
        for &b in &m.order {
            block_addr[b as usize] = addr;
            addr += m.blocks[b as usize]
                .iter()
                .zip(&long[b as usize])
                .map(|(mi, &l)| size_of(&mi.inst, frame, l))
                .sum::<usize>();
        }
        if cpu < 4 {
            break;
        }
        let mut changed = false;
        for &b in &m.order {
            let mut at = block_addr[b as usize];
            for (k, mi) in m.blocks[b as usize].iter().enumerate() {
                if let MInst::Jcc { target, .. } = mi.inst {
                    let rel = Encoder::rel(at, block_addr[target as usize]);
                    if !long[b as usize][k] && i16::try_from(rel).is_err() {
                        long[b as usize][k] = true;
                        changed = true;
                    }
                }
                at += size_of(&mi.inst, frame, long[b as usize][k]);
            }
        }
        if !changed {
            break;
        }
    }
    let mut enc = Encoder {
        out: MachFunction {
            name: f.name.clone(),
            section: f.section.clone(),
            linkage: f.linkage,
            insns: Vec::with_capacity(addr),
            relocs: Vec::new(),
            core_relos: Vec::new(),
            lines: Vec::new(),
            stack_size: frame.size,
            span: f.span,
        },
        frame,
        cpu,
        last_span: None,
    };
    for &b in &m.order {
        for (mi, &l) in m.blocks[b as usize].iter().zip(&long[b as usize]) {
            enc.encode(mi, &block_addr, l, diags);
        }
    }
    debug_assert_eq!(enc.out.insns.len(), addr);
    enc.out
}
