//! Text form of the IR, for debugging (`bpfcc --emit-ir`) and tests.

use super::*;
use std::fmt::Write;

/// An inline asm's template, operands and clobbers.
fn asm(out: &mut String, a: &InlineAsmOp) {
    let ops: Vec<String> = a
        .operands
        .iter()
        .map(|o| {
            let name = o
                .name
                .as_deref()
                .map(|n| format!("[{n}]"))
                .unwrap_or_default();
            match o.kind {
                AsmArgKind::Output(_) => format!("{name}=r"),
                AsmArgKind::InOut(v) => format!("{name}+r {v}"),
                AsmArgKind::Reg(v) => format!("{name}r {v}"),
                AsmArgKind::RegOrImm(v) => format!("{name}ri {v}"),
                AsmArgKind::Imm(v) => format!("{name}i {v}"),
            }
        })
        .collect();
    let mut clob = if a.clobbers_caller_saved {
        " clobbers r0-r5".to_string()
    } else {
        String::new()
    };
    for r in &a.clobbered_callee_saved {
        let _ = write!(clob, " clobbers r{r}");
    }
    let _ = write!(out, "{:?} ({}){clob}", a.template, ops.join(", "));
}

fn bc(out: &mut String, call: &BlockCall) {
    let _ = write!(out, "{}", call.block);
    if !call.args.is_empty() {
        let args: Vec<String> = call.args.iter().map(|v| v.to_string()).collect();
        let _ = write!(out, "({})", args.join(", "));
    }
}

fn ty(t: Type) -> &'static str {
    match t {
        Type::I32 => "i32",
        Type::I64 => "i64",
    }
}

pub fn print_op(out: &mut String, op: &Op) {
    let list = |vs: &[Value]| {
        vs.iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = match op {
        Op::Iconst(c) => write!(out, "iconst {c}"),
        Op::CoreValue(r) => write!(
            out,
            "core_value {} {} \"{}\" {}",
            r.kind.name(),
            r.ty,
            r.access,
            r.value
        ),
        Op::Binary(o, a, b) => write!(out, "{} {a}, {b}", format!("{o:?}").to_lowercase()),
        Op::Unary(o, a) => write!(out, "{} {a}", format!("{o:?}").to_lowercase()),
        Op::Icmp(c, a, b) => write!(out, "icmp {} {a}, {b}", format!("{c:?}").to_lowercase()),
        Op::Extend {
            value,
            from_bits,
            signed,
        } => {
            write!(
                out,
                "{}ext{from_bits} {value}",
                if *signed { "s" } else { "u" }
            )
        }
        Op::Widen { value, signed } => {
            write!(out, "widen{} {value}", if *signed { "s" } else { "u" })
        }
        Op::Narrow(v) => write!(out, "narrow {v}"),
        Op::IsConstant(v) => write!(out, "is_constant {v}"),
        Op::Bswap { value, bits } => write!(out, "bswap{bits} {value}"),
        Op::Load {
            addr,
            offset,
            width,
            signed,
            volatile,
        } => write!(
            out,
            "load{}{}{} [{addr}{offset:+}]",
            if *volatile { ".volatile" } else { "" },
            if *signed { ".s" } else { "" },
            width.bytes() * 8
        ),
        Op::Store {
            addr,
            offset,
            value,
            width,
            volatile,
        } => write!(
            out,
            "store{}{} [{addr}{offset:+}], {value}",
            if *volatile { ".volatile" } else { "" },
            width.bytes() * 8
        ),
        Op::AtomicRmw {
            op,
            addr,
            offset,
            value,
            width,
        } => write!(
            out,
            "atomic_{}{} [{addr}{offset:+}], {value}",
            op.name(),
            width.bytes() * 8
        ),
        Op::AtomicCmpXchg {
            addr,
            offset,
            expected,
            new,
            width,
        } => write!(
            out,
            "cmpxchg{} [{addr}{offset:+}], {expected}, {new}",
            width.bytes() * 8
        ),
        Op::StackAddr { slot, offset } => write!(out, "stack_addr {slot}{offset:+}"),
        Op::SymbolAddr { target, addend } => match target {
            SymbolTarget::Data(d) => write!(out, "symbol_addr {d}{addend:+}"),
            SymbolTarget::Func(f) => write!(out, "symbol_addr {f}{addend:+}"),
            SymbolTarget::ExternFunc(name) => write!(out, "symbol_addr extern {name}{addend:+}"),
        },
        Op::Call { callee, args } => match callee {
            Callee::Helper(n) => write!(out, "call helper#{n}({})", list(args)),
            Callee::Func(f) => write!(out, "call {f}({})", list(args)),
            Callee::Kfunc(name) => write!(out, "call kfunc {name}({})", list(args)),
        },
        Op::CallIndirect { callee, args } => write!(out, "call_indirect {callee}({})", list(args)),
        Op::InlineAsm(a) => {
            out.push_str("inline_asm ");
            asm(out, a);
            Ok(())
        }
        Op::AsmOutput { asm, index } => write!(out, "asm_output {asm}, {index}"),
        Op::AsmGoto {
            asm: a,
            fallthrough,
            labels,
        } => {
            out.push_str("asm_goto ");
            asm(out, a);
            out.push_str(", ");
            bc(out, fallthrough);
            for l in labels {
                out.push_str(", ");
                bc(out, l);
            }
            Ok(())
        }
        Op::LoadPacket {
            skb,
            index,
            offset,
            width,
        } => match index {
            None => write!(out, "ld_abs{} {skb}, {offset}", width.bytes() * 8),
            Some(i) => write!(out, "ld_ind{} {skb}, {i}{offset:+}", width.bytes() * 8),
        },
        Op::Jump(b) => {
            out.push_str("jump ");
            bc(out, b);
            Ok(())
        }
        Op::Brif {
            cond,
            then_dest,
            else_dest,
        } => {
            let _ = write!(out, "brif {cond}, ");
            bc(out, then_dest);
            out.push_str(", ");
            bc(out, else_dest);
            Ok(())
        }
        Op::Return(None) => write!(out, "return"),
        Op::Return(Some(v)) => write!(out, "return {v}"),
        Op::Unreachable => write!(out, "unreachable"),
        Op::Trap => write!(out, "trap"),
    };
}

/// Prints a function in a form stable enough for tests to compare.
pub fn print_function(f: &Function) -> String {
    let mut out = String::new();
    let params: Vec<&str> = f.params.iter().map(|&t| ty(t)).collect();
    let _ = writeln!(
        out,
        "function {}({}){} section \"{}\" {{",
        f.name,
        params.join(", "),
        f.ret.map(|t| format!(" -> {}", ty(t))).unwrap_or_default(),
        f.section
    );
    for (ss, data) in f.slots.iter() {
        let _ = writeln!(
            out,
            "  {ss} = slot {} align {}{}",
            data.size,
            data.align,
            data.name
                .as_ref()
                .map(|n| format!(" ; {n}"))
                .unwrap_or_default()
        );
    }
    for &b in &f.layout {
        let params: Vec<String> = f.blocks[b]
            .params
            .iter()
            .map(|&v| format!("{v}: {}", ty(f.value_type(v))))
            .collect();
        if params.is_empty() {
            let _ = writeln!(out, "{b}:");
        } else {
            let _ = writeln!(out, "{b}({}):", params.join(", "));
        }
        for &i in &f.blocks[b].insts {
            out.push_str("    ");
            if let Some(r) = f.insts[i].result {
                let _ = write!(out, "{r}: {} = ", ty(f.value_type(r)));
            }
            print_op(&mut out, &f.insts[i].op);
            out.push('\n');
        }
    }
    out.push_str("}\n");
    out
}

pub fn print_module(m: &Module) -> String {
    let mut out = String::new();
    for (id, d) in m.data.iter() {
        let _ = writeln!(
            out,
            "{id} = data \"{}\" section \"{}\" size {} align {}",
            d.name, d.section, d.size, d.align
        );
    }
    for (id, f) in m.functions.iter() {
        let _ = write!(out, "; {id}\n{}", print_function(f));
    }
    out
}
