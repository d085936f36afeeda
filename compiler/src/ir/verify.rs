//! Structural checks of a function, run after each pass in debug builds and
//! tests: every block in the layout ends in exactly one terminator, jump
//! arguments match block parameters in number and type, operands are defined
//! values of the right types, and no instruction reads an alias.
//!
//! [`verify_ssa`] checks more, for the passes: every value read is defined
//! by an instruction or parameter in the layout, its definition dominates
//! the use (in reachable blocks), and operand and result types fit each
//! operation.

use super::*;
use cranelift_entity::SecondaryMap;

pub fn verify_function(f: &Function) -> Result<(), String> {
    let err = |msg: String| Err(format!("{}: {msg}", f.name));
    if f.layout.is_empty() {
        return err("no blocks".into());
    }
    let mut in_layout: SecondaryMap<Block, bool> = SecondaryMap::new();
    for &b in &f.layout {
        if in_layout[b] {
            return err(format!("{b} is twice in the layout"));
        }
        in_layout[b] = true;
    }
    for &b in &f.layout {
        let data = &f.blocks[b];
        let Some(&last) = data.insts.last() else {
            return err(format!("{b} is empty"));
        };
        for &i in &data.insts {
            let op = &f.insts[i].op;
            if op.is_terminator() != (i == last) {
                return err(format!("{b}: terminator misplaced at {i}"));
            }
            let mut bad = None;
            op.for_each_arg(|v| {
                if !matches!(f.values[v].def, ValueDef::Inst(_) | ValueDef::Param(..)) {
                    bad = Some(v);
                }
            });
            if let Some(v) = bad {
                return err(format!("{i} reads {v}, which is an alias"));
            }
            if let Op::Binary(_, a, b) | Op::Icmp(_, a, b) = op {
                if f.value_type(*a) != f.value_type(*b) {
                    return err(format!("{i}: operand types differ"));
                }
            }
            let mut calls = Vec::new();
            match op {
                Op::Jump(bc) => calls.push(bc),
                Op::Brif {
                    then_dest,
                    else_dest,
                    ..
                } => {
                    calls.push(then_dest);
                    calls.push(else_dest)
                }
                _ => {}
            }
            for bc in calls {
                let params = &f.blocks[bc.block].params;
                if params.len() != bc.args.len() {
                    return err(format!(
                        "{i}: {} takes {} arguments, given {}",
                        bc.block,
                        params.len(),
                        bc.args.len()
                    ));
                }
                for (p, a) in params.iter().zip(&bc.args) {
                    if f.value_type(*p) != f.value_type(*a) {
                        return err(format!(
                            "{i}: argument {a} to {} has the wrong type",
                            bc.block
                        ));
                    }
                }
                if !in_layout[bc.block] {
                    return err(format!(
                        "{i}: jumps to {} which is not in the layout",
                        bc.block
                    ));
                }
            }
        }
    }
    Ok(())
}

/// [`verify_function`], plus definitions dominating their uses and the types
/// of every operation.
pub fn verify_ssa(f: &Function) -> Result<(), String> {
    verify_function(f)?;
    let err = |msg: String| Err(format!("{}: {msg}", f.name));
    let dom = crate::passes::dominators::DomTree::compute(f);
    // Where each instruction is, as (block, position).
    let mut place: SecondaryMap<Inst, Option<(Block, u32)>> = SecondaryMap::new();
    let mut placed_block: SecondaryMap<Block, bool> = SecondaryMap::new();
    for &b in &f.layout {
        placed_block[b] = true;
        for (n, &i) in f.blocks[b].insts.iter().enumerate() {
            if place[i].is_some() {
                return err(format!("{i} is placed twice"));
            }
            place[i] = Some((b, n as u32));
        }
    }
    for &b in &f.layout {
        for (n, &p) in f.blocks[b].params.iter().enumerate() {
            if f.values[p].def != ValueDef::Param(b, n as u32) {
                return err(format!(
                    "{p}, parameter {n} of {b}, is defined as {:?}",
                    f.values[p].def
                ));
            }
        }
    }
    for (n, &p) in f.blocks[f.entry()].params.iter().enumerate() {
        if f.params.get(n).copied() != Some(f.value_type(p)) {
            return err(format!(
                "entry parameter {p} does not match the function's parameters"
            ));
        }
    }
    if f.blocks[f.entry()].params.len() != f.params.len() {
        return err("the entry block's parameters are not the function's".into());
    }
    for &b in &f.layout {
        let reachable = dom.is_reachable(b);
        for (n, &i) in f.blocks[b].insts.iter().enumerate() {
            let data = &f.insts[i];
            if let Some(r) = data.result {
                if f.values[r].def != ValueDef::Inst(i) {
                    return err(format!(
                        "{r}, the result of {i}, is defined as {:?}",
                        f.values[r].def
                    ));
                }
            }
            let mut bad = None;
            data.op.for_each_arg(|v| {
                if bad.is_some() {
                    return;
                }
                let (db, dn) = match f.values[v].def {
                    ValueDef::Inst(d) => match place[d] {
                        Some(at) => at,
                        None => {
                            bad = Some(format!("{i} reads {v}, whose instruction is not placed"));
                            return;
                        }
                    },
                    ValueDef::Param(pb, _) => {
                        if !placed_block[pb] {
                            bad = Some(format!("{i} reads {v}, a parameter of a removed block"));
                            return;
                        }
                        (pb, 0)
                    }
                    ValueDef::Alias(_) => return,
                };
                let param = matches!(f.values[v].def, ValueDef::Param(..));
                let dominated = if db == b {
                    param || dn < n as u32
                } else {
                    !reachable || dom.dominates(db, b)
                };
                if !dominated {
                    bad = Some(format!(
                        "{i} in {b} reads {v}, whose definition does not dominate it"
                    ));
                }
            });
            if let Some(msg) = bad {
                return err(msg);
            }
            if let Err(msg) = check_types(f, data) {
                return err(format!("{i}: {msg}"));
            }
        }
    }
    Ok(())
}

/// Operand and result types of one instruction.
fn check_types(f: &Function, data: &InstData) -> Result<(), String> {
    let ty = |v: Value| f.value_type(v);
    let rty = data.result.map(ty);
    let expect = |want: Option<Type>| {
        if rty == want {
            Ok(())
        } else {
            Err(format!("result type {rty:?}, expected {want:?}"))
        }
    };
    let is_i64 = |v: Value, what: &str| {
        if ty(v) == Type::I64 {
            Ok(())
        } else {
            Err(format!("{what} {v} is not i64"))
        }
    };
    match &data.op {
        Op::Iconst(_) | Op::CoreValue(_) | Op::Icmp(..) => {
            if rty.is_none() {
                return Err("no result".into());
            }
            Ok(())
        }
        Op::Binary(_, a, _) | Op::Unary(_, a) => expect(Some(ty(*a))),
        Op::Extend {
            value, from_bits, ..
        } => {
            if !matches!(from_bits, 8 | 16 | 32) || u32::from(*from_bits) > ty(*value).bits() {
                return Err(format!("extension from {from_bits} bits of {value}"));
            }
            expect(Some(ty(*value)))
        }
        Op::Widen { value, .. } => {
            if ty(*value) != Type::I32 {
                return Err(format!("widen of {value}, which is not i32"));
            }
            expect(Some(Type::I64))
        }
        Op::IsConstant(_) => expect(Some(Type::I32)),
        Op::Narrow(value) => {
            is_i64(*value, "narrow of")?;
            expect(Some(Type::I32))
        }
        Op::Bswap { value, bits } => {
            if !matches!(bits, 16 | 32 | 64) || u32::from(*bits) > ty(*value).bits() {
                return Err(format!("bswap of {bits} bits of {value}"));
            }
            expect(Some(ty(*value)))
        }
        Op::Load { addr, .. } => {
            is_i64(*addr, "address")?;
            if rty.is_none() {
                return Err("load without result".into());
            }
            Ok(())
        }
        Op::Store { addr, .. } => {
            is_i64(*addr, "address")?;
            expect(None)
        }
        Op::AtomicRmw {
            addr, value, width, ..
        } => {
            is_i64(*addr, "address")?;
            atomic_width(*width, ty(*value))?;
            expect(Some(ty(*value)))
        }
        Op::AtomicCmpXchg {
            addr,
            expected,
            new,
            width,
            ..
        } => {
            is_i64(*addr, "address")?;
            if ty(*expected) != ty(*new) {
                return Err(format!(
                    "cmpxchg of {expected} and {new} of different types"
                ));
            }
            atomic_width(*width, ty(*new))?;
            expect(Some(ty(*new)))
        }
        Op::StackAddr { .. } | Op::SymbolAddr { .. } => expect(Some(Type::I64)),
        Op::Call { args, .. } | Op::CallIndirect { args, .. } => {
            if args.len() > 5 {
                return Err(format!("call with {} arguments", args.len()));
            }
            Ok(())
        }
        Op::InlineAsm(a) => {
            let outputs = a
                .operands
                .iter()
                .filter(|o| matches!(o.kind, AsmArgKind::Output(_) | AsmArgKind::InOut(_)))
                .count();
            match (outputs, rty) {
                (0, None) | (1.., Some(_)) => Ok(()),
                _ => Err(format!(
                    "inline asm with {outputs} outputs and result {rty:?}"
                )),
            }
        }
        Op::AsmOutput { asm, index } => {
            let outputs = match f.values[*asm].def {
                ValueDef::Inst(i) => match &f.insts[i].op {
                    Op::InlineAsm(a) => a
                        .operands
                        .iter()
                        .filter(|o| matches!(o.kind, AsmArgKind::Output(_) | AsmArgKind::InOut(_)))
                        .count(),
                    _ => 0,
                },
                _ => 0,
            };
            if *index == 0 || *index as usize >= outputs {
                return Err(format!(
                    "asm_output {index} of {asm}, which has {outputs} outputs"
                ));
            }
            if rty.is_none() {
                return Err("asm_output without result".into());
            }
            Ok(())
        }
        Op::AsmGoto { asm, .. } => {
            if asm
                .operands
                .iter()
                .any(|o| matches!(o.kind, AsmArgKind::Output(_) | AsmArgKind::InOut(_)))
            {
                return Err("asm_goto with outputs".into());
            }
            expect(None)
        }
        Op::LoadPacket { width, .. } => {
            if width.bytes() > 4 {
                return Err("packet load wider than 4 bytes".into());
            }
            if rty.is_none() {
                return Err("packet load without result".into());
            }
            Ok(())
        }
        Op::Return(Some(v)) => match f.ret {
            Some(t) if t != ty(*v) => Err(format!("returns {v} of the wrong type")),
            _ => Ok(()),
        },
        Op::Jump(_) | Op::Brif { .. } | Op::Return(None) | Op::Unreachable | Op::Trap => {
            expect(None)
        }
    }
}

/// BPF's atomics are 4 bytes on `I32` values and 8 on `I64` ones.
fn atomic_width(width: MemWidth, ty: Type) -> Result<(), String> {
    match (width, ty) {
        (MemWidth::B4, Type::I32) | (MemWidth::B8, Type::I64) => Ok(()),
        _ => Err(format!(
            "atomic of {} bytes on an {ty:?} value",
            width.bytes()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::builder::FunctionBuilder;

    /// entry: brif x, a, b;  a: v = x + x; jump b;  b: return v (not dominated).
    fn non_dominating_use() -> Function {
        let mut f = Function::new("f", ".text", vec![Type::I64], Some(Type::I64));
        let mut b = FunctionBuilder::new(&mut f);
        let [entry, a, join] = [(); 3].map(|_| b.create_block());
        let x = b.append_block_param(entry, Type::I64);
        b.switch_to_block(entry);
        b.brif(x, a, join);
        b.switch_to_block(a);
        let v = b.binary(BinOp::Add, x, x);
        b.jump(join, vec![]);
        b.switch_to_block(join);
        b.ret(Some(v));
        f
    }

    #[test]
    fn verify_ssa_finds_uses_not_dominated_by_their_definition() {
        let f = non_dominating_use();
        assert!(verify_function(&f).is_ok());
        let e = verify_ssa(&f).unwrap_err();
        assert!(e.contains("does not dominate"), "{e}");
    }

    #[test]
    fn verify_ssa_checks_types_and_placement() {
        let mut f = Function::new("f", ".text", vec![Type::I64], Some(Type::I64));
        let mut b = FunctionBuilder::new(&mut f);
        let entry = b.create_block();
        let x = b.append_block_param(entry, Type::I64);
        b.switch_to_block(entry);
        let n = b.ins_value(Op::Narrow(x), Type::I32);
        let bad = b.ins_value(Op::Narrow(n), Type::I32);
        b.ret(Some(x));
        assert!(verify_ssa(&f).unwrap_err().contains("not i64"));
        // Removing the instruction that defines a used value.
        let def = f.def_inst(bad).unwrap();
        f.insts[def].op = Op::Widen {
            value: n,
            signed: false,
        };
        f.values[bad].ty = Type::I64;
        let ret = f.terminator(entry);
        f.insts[ret].op = Op::Return(Some(bad));
        assert_eq!(verify_ssa(&f), Ok(()));
        f.blocks[entry]
            .insts
            .retain(|&i| f.insts[i].result != Some(n));
        assert!(verify_ssa(&f).unwrap_err().contains("not placed"));
        // A value used before its definition in the same block.
        let mut g = Function::new("g", ".text", vec![Type::I64], Some(Type::I64));
        let mut b = FunctionBuilder::new(&mut g);
        let entry = b.create_block();
        let x = b.append_block_param(entry, Type::I64);
        b.switch_to_block(entry);
        let y = b.binary(BinOp::Add, x, x);
        let z = b.binary(BinOp::Add, y, x);
        b.ret(Some(z));
        g.blocks[entry].insts.swap(0, 1);
        assert!(verify_ssa(&g).unwrap_err().contains("does not dominate"));
    }
}
