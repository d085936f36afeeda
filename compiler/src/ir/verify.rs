//! Structural checks of a function, run after each pass in debug builds and
//! tests: every block in the layout ends in exactly one terminator, jump
//! arguments match block parameters in number and type, operands are defined
//! values of the right types, and no instruction reads an alias.

use super::*;

pub fn verify_function(f: &Function) -> Result<(), String> {
    let err = |msg: String| Err(format!("{}: {msg}", f.name));
    if f.layout.is_empty() {
        return err("no blocks".into());
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
                if !f.layout.contains(&bc.block) {
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
