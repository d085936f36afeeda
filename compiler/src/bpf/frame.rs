//! Stack frame layout: offsets below `r10` for the stack slots still
//! referenced after instruction selection and for the register allocator's
//! spill slots, and the check against BPF's 512-byte stack limit.

use super::mir::*;
use crate::diag::Diagnostics;
use crate::ir::{Function, StackSlot};
use cranelift_entity::SecondaryMap;
use std::collections::BTreeSet;

/// The BPF stack limit per function (and per call chain).
pub const STACK_LIMIT: u32 = 512;

pub struct FrameLayout {
    slot_offsets: SecondaryMap<StackSlot, i32>,
    spill_offsets: Vec<i32>,
    /// Bytes used below r10, a multiple of 8.
    pub size: u32,
}

impl FrameLayout {
    /// The `r10`-relative offset of a frame location.
    pub fn offset(&self, at: FrameRef) -> i32 {
        match at {
            FrameRef::Slot(s) => self.slot_offsets[s],
            FrameRef::Spill(k) => self.spill_offsets[k as usize],
        }
    }
}

fn align_up(x: u32, a: u32) -> u32 {
    x.div_ceil(a.max(1)) * a.max(1)
}

/// Lays out the frame of `m` (machine code of `f`); reports a frame over the
/// limit at the function.
pub fn layout(f: &Function, m: &MFunction, diags: &mut Diagnostics) -> FrameLayout {
    let mut used = BTreeSet::new();
    // Accesses at known offsets in each slot: (offset, width).
    let mut accesses: SecondaryMap<StackSlot, Vec<(i32, u32)>> = SecondaryMap::new();
    for block in &m.blocks {
        for mi in block {
            if let MInst::Load {
                addr: Addr::Frame(FrameRef::Slot(s), off),
                width,
                ..
            }
            | MInst::Store {
                addr: Addr::Frame(FrameRef::Slot(s), off),
                width,
                ..
            }
            | MInst::Atomic {
                addr: Addr::Frame(FrameRef::Slot(s), off),
                width,
                ..
            } = &mi.inst
            {
                accesses[*s].push((*off, width.bytes()));
            }
            match &mi.inst {
                MInst::FrameAddr {
                    at: FrameRef::Slot(s),
                    ..
                }
                | MInst::Load {
                    addr: Addr::Frame(FrameRef::Slot(s), _),
                    ..
                }
                | MInst::Store {
                    addr: Addr::Frame(FrameRef::Slot(s), _),
                    ..
                }
                | MInst::Atomic {
                    addr: Addr::Frame(FrameRef::Slot(s), _),
                    ..
                } => {
                    used.insert(*s);
                }
                _ => {}
            }
        }
    }
    // Slots in order of declaration, each at its alignment (at most 8, the
    // largest the verifier tracks), then the spill slots.
    let mut slot_offsets = SecondaryMap::new();
    let mut top = 0u32;
    for &s in &used {
        let data = &f.slots[s];
        let align = data.align.clamp(1, 8);
        // The verifier refuses misaligned stack accesses: a packed struct's
        // fields may need the slot to start off its natural alignment. The
        // slot starts at -top; take the first top that suits every access.
        let suits = |top: u32| {
            let start = -(top as i64);
            start % align as i64 == 0
                && accesses[s]
                    .iter()
                    .all(|&(off, w)| (start + off as i64).rem_euclid(w as i64) == 0)
        };
        let lowest = top + data.size;
        top = (lowest..lowest + 8)
            .find(|&t| suits(t))
            .unwrap_or_else(|| align_up(lowest, align));
        slot_offsets[s] = -(top as i32);
    }
    let mut spill_offsets = Vec::new();
    top = align_up(top, 8);
    for _ in 0..m.num_spills {
        top += 8;
        spill_offsets.push(-(top as i32));
    }
    let size = align_up(top, 8);
    if size > STACK_LIMIT {
        let mut named: Vec<(u32, &str)> = used
            .iter()
            .filter_map(|&s| f.slots[s].name.as_deref().map(|n| (f.slots[s].size, n)))
            .collect();
        named.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let largest: Vec<String> = named
            .iter()
            .take(3)
            .map(|(size, name)| format!("'{name}' ({size} bytes)"))
            .collect();
        let mut msg = format!(
            "stack size {size} exceeds the BPF limit of {STACK_LIMIT} bytes in function '{}'",
            f.name
        );
        if !largest.is_empty() {
            msg += &format!("; largest: {}", largest.join(", "));
        }
        if m.num_spills > 0 {
            msg += &format!("; {} bytes of register spills", 8 * m.num_spills);
        }
        diags.error(f.span, msg);
    }
    FrameLayout {
        slot_offsets,
        spill_offsets,
        size,
    }
}
