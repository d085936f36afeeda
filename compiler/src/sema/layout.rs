//! Struct and union layout as clang lays them out for BPF (the SysV rules):
//! natural alignment, bit-fields packed into storage units of their declared
//! type without straddling a unit boundary, unnamed bit-fields not affecting
//! the record's alignment, `packed` and `aligned(N)` on records and members.

use super::types::{BitField, Field, QualType, TypeTable};
use crate::intern::Sym;
use crate::source::Span;

/// A member as declared, before layout.
pub(crate) struct MemberIn {
    pub name: Option<Sym>,
    pub ty: QualType,
    pub bit_width: Option<u32>,
    /// The largest `aligned(N)` / `_Alignas(N)` on the member.
    pub align_attr: Option<u64>,
    /// `__attribute__((packed))` on the member itself.
    pub packed: bool,
    pub decl_tags: Vec<Vec<u8>>,
    pub span: Span,
}

pub(crate) struct Layout {
    pub fields: Vec<Field>,
    pub size: u64,
    pub align: u64,
    /// Spans of bit-fields whose storage unit does not fit in the record (only
    /// possible in packed records); the caller reports them.
    pub unsupported: Vec<Span>,
}

fn round_up(x: u64, a: u64) -> u64 {
    if a <= 1 {
        x
    } else {
        x.div_ceil(a) * a
    }
}

pub(crate) fn layout_record(
    types: &TypeTable,
    members: Vec<MemberIn>,
    is_union: bool,
    packed: bool,
    align_attr: Option<u64>,
) -> Layout {
    let mut offset_bits: u64 = 0;
    let mut size_bits: u64 = 0;
    let mut rec_align: u64 = 1;
    let mut fields = Vec::with_capacity(members.len());
    // Packed bit-fields are placed first and get their storage unit once the
    // record's size is known: (field index, bit position, unit size).
    let mut packed_bits: Vec<(usize, u64, u64)> = Vec::new();
    for m in members {
        let tsize = types.size_of(m.ty.ty).unwrap_or(0);
        let talign = types.align_of(m.ty.ty);
        let field_packed = packed || m.packed;
        let mut field_align = if field_packed { 1 } else { talign };
        if let Some(a) = m.align_attr {
            field_align = field_align.max(a);
        }
        if is_union {
            offset_bits = 0;
        }
        match m.bit_width {
            Some(w) => {
                let w = w as u64;
                if w == 0 {
                    // Pads to the type's alignment even in packed records, and
                    // at the end makes the record that long (clang), without
                    // raising the record's alignment.
                    if !is_union {
                        offset_bits = round_up(offset_bits, talign * 8);
                        size_bits = size_bits.max(offset_bits);
                    }
                    fields.push(Field {
                        name: m.name,
                        ty: m.ty,
                        offset: offset_bits / 8,
                        bitfield: Some(BitField {
                            bit_offset: 0,
                            width: 0,
                        }),
                        decl_tags: m.decl_tags.into(),
                        span: m.span,
                    });
                    continue;
                }
                if let Some(a) = m.align_attr {
                    offset_bits = round_up(offset_bits, a * 8);
                }
                let unit_bits = tsize * 8;
                if !field_packed
                    && unit_bits > 0
                    && offset_bits / unit_bits != (offset_bits + w - 1) / unit_bits
                {
                    offset_bits = round_up(offset_bits, talign * 8);
                }
                if m.name.is_some() {
                    rec_align = rec_align.max(field_align);
                }
                if field_packed {
                    packed_bits.push((fields.len(), offset_bits, tsize));
                    fields.push(Field {
                        name: m.name,
                        ty: m.ty,
                        offset: 0,
                        bitfield: Some(BitField {
                            bit_offset: 0,
                            width: w as u32,
                        }),
                        decl_tags: m.decl_tags.into(),
                        span: m.span,
                    });
                } else {
                    let unit_start = offset_bits / (talign * 8) * (talign * 8);
                    fields.push(Field {
                        name: m.name,
                        ty: m.ty,
                        offset: unit_start / 8,
                        bitfield: Some(BitField {
                            bit_offset: (offset_bits - unit_start) as u32,
                            width: w as u32,
                        }),
                        decl_tags: m.decl_tags.into(),
                        span: m.span,
                    });
                }
                offset_bits += w;
            }
            None => {
                offset_bits = round_up(offset_bits, field_align * 8);
                rec_align = rec_align.max(field_align);
                fields.push(Field {
                    name: m.name,
                    ty: m.ty,
                    offset: offset_bits / 8,
                    bitfield: None,
                    decl_tags: m.decl_tags.into(),
                    span: m.span,
                });
                offset_bits += tsize * 8;
            }
        }
        size_bits = size_bits.max(offset_bits);
    }
    if let Some(a) = align_attr {
        rec_align = rec_align.max(a);
    }
    let size = round_up(size_bits.div_ceil(8), rec_align);
    let mut unsupported = Vec::new();
    for (i, bit, unit) in packed_bits {
        // The unit holding the field: at the field's first byte if it fits
        // there, else as late as the record allows.
        let mut start = bit / 8;
        if start + unit > size {
            start = size.saturating_sub(unit);
        }
        let rel = bit - start * 8;
        let width = fields[i].bitfield.unwrap().width as u64;
        if unit > size || rel + width > unit * 8 {
            unsupported.push(fields[i].span);
        }
        fields[i].offset = start;
        fields[i].bitfield = Some(BitField {
            bit_offset: rel as u32,
            width: width as u32,
        });
    }
    Layout {
        fields,
        size,
        align: rec_align,
        unsupported,
    }
}
