//! Memory accesses: addresses of lvalues, scalar loads and stores, bitfield
//! reads and read-modify-writes, and aggregate copies and fills split into
//! the widest aligned accesses (the verifier wants plain loads and stores; BPF
//! has no memcpy).

use super::function::FnLower;
use super::Scalar;
use crate::ir::{BinOp, MemWidth, Op, StackSlot, Type, Value};
use crate::sema::types::BitField;

/// What an address is relative to.
#[derive(Copy, Clone, Debug)]
pub(crate) enum Base {
    /// A stack slot (`r10`-relative once laid out).
    Slot(StackSlot),
    /// A pointer value.
    Value(Value),
}

/// An lvalue's address: `base + offset`, with the alignment known for it.
#[derive(Copy, Clone, Debug)]
pub(crate) struct Addr {
    pub base: Base,
    pub offset: i64,
    /// Alignment of `base + offset`, in bytes (a power of two).
    pub align: u64,
}

impl Addr {
    pub fn new(base: Base, align: u64) -> Addr {
        Addr {
            base,
            offset: 0,
            align: align.max(1),
        }
    }

    /// The address `off` bytes further.
    pub fn at(self, off: i64) -> Addr {
        let align = if off == 0 {
            self.align
        } else {
            self.align.min(1u64 << off.trailing_zeros().min(63))
        };
        Addr {
            base: self.base,
            offset: self.offset.wrapping_add(off),
            align,
        }
    }
}

/// BPF's load/store offset field is 16 bits; larger offsets are added first.
fn fits_insn_offset(off: i64) -> bool {
    (i16::MIN as i64..=i16::MAX as i64).contains(&off)
}

/// The widest access width usable at alignment `align` for `remaining` bytes.
fn chunk_width(align: u64, remaining: u64) -> u64 {
    let mut w = 8;
    while w > align || w > remaining {
        w /= 2;
    }
    w
}

impl FnLower<'_, '_, '_> {
    /// The address as a pointer value.
    pub fn materialize(&mut self, a: Addr) -> Value {
        match a.base {
            Base::Slot(slot) => self.b.ins_value(
                Op::StackAddr {
                    slot,
                    offset: a.offset as i32,
                },
                Type::I64,
            ),
            Base::Value(v) => {
                if a.offset == 0 {
                    v
                } else {
                    let c = self.b.iconst(Type::I64, a.offset);
                    self.b.binary(BinOp::Add, v, c)
                }
            }
        }
    }

    /// A pointer and the offset to put in the access instruction.
    pub(super) fn access_parts(&mut self, a: Addr) -> (Value, i32) {
        match a.base {
            Base::Value(v) if fits_insn_offset(a.offset) => (v, a.offset as i32),
            _ => (self.materialize(a), 0),
        }
    }

    /// Loads `width` bytes, extended by `signed` to `ty`.
    pub fn load_raw(
        &mut self,
        a: Addr,
        width: u64,
        signed: bool,
        ty: Type,
        volatile: bool,
    ) -> Value {
        let (addr, offset) = self.access_parts(a);
        let width = MemWidth::from_bytes(width).expect("access width");
        self.b.ins_value(
            Op::Load {
                addr,
                offset,
                width,
                signed,
                volatile,
            },
            ty,
        )
    }

    pub fn store_raw(&mut self, a: Addr, value: Value, width: u64, volatile: bool) {
        let (addr, offset) = self.access_parts(a);
        let width = MemWidth::from_bytes(width).expect("access width");
        self.b.ins(
            Op::Store {
                addr,
                offset,
                value,
                width,
                volatile,
            },
            None,
        );
    }

    /// A scalar of type `s` from memory, extended as its C type requires.
    pub fn load_scalar(&mut self, a: Addr, s: Scalar, volatile: bool) -> Value {
        if a.align < s.size {
            // A member of a packed struct: the verifier refuses misaligned
            // accesses, so read it in aligned pieces, as clang does.
            let v = self.load_unaligned(a, s.size, s.ty, volatile);
            return if s.signed && s.size < 4 {
                self.b.ins_value(
                    Op::Extend {
                        value: v,
                        from_bits: (s.size * 8) as u8,
                        signed: true,
                    },
                    Type::I32,
                )
            } else {
                v
            };
        }
        // Only bytes and halves need extension into an I32; a 4-byte load into
        // an I32 and an 8-byte load into an I64 are exact.
        let signed = s.signed && s.size < 4;
        self.load_raw(a, s.size, signed, s.ty, volatile)
    }

    pub fn store_scalar(&mut self, a: Addr, value: Value, s: Scalar, volatile: bool) {
        self.store_unit(a, value, s.size, volatile)
    }

    /// Loads `size` bytes zero-extended into `ty`, in aligned pieces when `a`
    /// is less aligned than `size` (or `size` is not a power of two).
    fn load_unit(&mut self, a: Addr, size: u64, ty: Type, volatile: bool) -> Value {
        if a.align >= size && size.is_power_of_two() {
            self.load_raw(a, size, false, ty, volatile)
        } else {
            self.load_unaligned(a, size, ty, volatile)
        }
    }

    /// Stores the low `size` bytes of `value`, in aligned pieces when `a` is
    /// less aligned than `size` (or `size` is not a power of two).
    fn store_unit(&mut self, a: Addr, value: Value, size: u64, volatile: bool) {
        if a.align >= size && size.is_power_of_two() {
            return self.store_raw(a, value, size, volatile);
        }
        let mut off = 0;
        while off < size {
            let w = chunk_width(a.at(off as i64).align, size - off);
            let part = self.shift(BinOp::LShr, value, (off * 8) as u32);
            self.store_raw(a.at(off as i64), part, w, volatile);
            off += w;
        }
    }

    /// `size` bytes at `a`, little-endian, combined from aligned pieces.
    fn load_unaligned(&mut self, a: Addr, size: u64, ty: Type, volatile: bool) -> Value {
        let mut acc: Option<Value> = None;
        let mut off = 0;
        while off < size {
            let w = chunk_width(a.at(off as i64).align, size - off);
            let v = self.load_raw(a.at(off as i64), w, false, ty, volatile);
            let v = self.shift(BinOp::Shl, v, (off * 8) as u32);
            acc = Some(match acc {
                None => v,
                Some(prev) => self.b.binary(BinOp::Or, prev, v),
            });
            off += w;
        }
        acc.unwrap_or_else(|| self.b.iconst(ty, 0))
    }

    /// Reads a bitfield of type `s` whose storage unit (of `s.size` bytes) is at `a`.
    pub fn load_bitfield(&mut self, a: Addr, s: Scalar, bf: BitField, volatile: bool) -> Value {
        let unit = self.load_unit(a, s.size, s.ty, volatile);
        self.extract_bits(unit, s, bf)
    }

    /// The field's value from its storage unit's value.
    fn extract_bits(&mut self, unit: Value, s: Scalar, bf: BitField) -> Value {
        let bits = s.ty.bits();
        if s.signed && !s.is_bool {
            let left = bits - bf.bit_offset - bf.width;
            let v = self.shift(BinOp::Shl, unit, left);
            self.shift(BinOp::AShr, v, bits - bf.width)
        } else {
            let v = self.shift(BinOp::LShr, unit, bf.bit_offset);
            if bf.bit_offset + bf.width == bits {
                v
            } else {
                let m = self.b.iconst(s.ty, low_mask(bf.width));
                self.b.binary(BinOp::And, v, m)
            }
        }
    }

    fn shift(&mut self, op: BinOp, v: Value, amount: u32) -> Value {
        if amount == 0 {
            return v;
        }
        let ty = self.b.func.value_type(v);
        let c = self.b.iconst(ty, amount as i64);
        self.b.binary(op, v, c)
    }

    /// Writes `value` (of the field's type) into a bitfield; returns the value
    /// the field now holds (what the assignment expression yields).
    pub fn store_bitfield(
        &mut self,
        a: Addr,
        value: Value,
        s: Scalar,
        bf: BitField,
        volatile: bool,
    ) -> Value {
        let unit = self.load_unit(a, s.size, s.ty, volatile);
        let field_mask = low_mask(bf.width);
        let m = self.b.iconst(s.ty, field_mask);
        let v = self.b.binary(BinOp::And, value, m);
        let placed = self.shift(BinOp::Shl, v, bf.bit_offset);
        let hole = !(field_mask << bf.bit_offset);
        let hole = self.b.iconst(s.ty, hole);
        let kept = self.b.binary(BinOp::And, unit, hole);
        let new = self.b.binary(BinOp::Or, kept, placed);
        self.store_unit(a, new, s.size, volatile);
        // The stored value, read back as the field's type.
        if s.signed && !s.is_bool && bf.width < s.ty.bits() {
            let bits = s.ty.bits();
            let v = self.shift(BinOp::Shl, value, bits - bf.width);
            self.shift(BinOp::AShr, v, bits - bf.width)
        } else {
            v
        }
    }

    /// Copies `size` bytes from `src` to `dst` with the widest accesses both
    /// alignments allow, in increasing address order.
    pub fn copy_bytes(&mut self, dst: Addr, src: Addr, size: u64, volatile: bool) {
        let align = dst.align.min(src.align);
        let mut off = 0;
        while off < size {
            let w = chunk_width(align, size - off);
            let ty = if w == 8 { Type::I64 } else { Type::I32 };
            let v = self.load_raw(src.at(off as i64), w, false, ty, volatile);
            self.store_raw(dst.at(off as i64), v, w, volatile);
            off += w;
        }
    }

    /// Stores `size` copies of the byte `byte` (a constant) at `dst`.
    pub fn fill_const(&mut self, dst: Addr, byte: u8, size: u64, volatile: bool) {
        let pattern = i64::from_le_bytes([byte; 8]);
        let mut consts: [Option<Value>; 2] = [None, None];
        let mut off = 0;
        while off < size {
            let w = chunk_width(dst.align, size - off);
            let (i, ty) = if w == 8 {
                (1, Type::I64)
            } else {
                (0, Type::I32)
            };
            let v = match consts[i] {
                Some(v) => v,
                None => {
                    let v = self.b.iconst(ty, pattern);
                    consts[i] = Some(v);
                    v
                }
            };
            self.store_raw(dst.at(off as i64), v, w, volatile);
            off += w;
        }
    }

    /// Stores `size` copies of the low byte of `value` at `dst`.
    pub fn fill_value(&mut self, dst: Addr, value: Value, size: u64) {
        let v = match self.b.func.value_type(value) {
            Type::I64 => value,
            Type::I32 => self.b.ins_value(
                Op::Widen {
                    value,
                    signed: false,
                },
                Type::I64,
            ),
        };
        let ff = self.b.iconst(Type::I64, 0xff);
        let byte = self.b.binary(BinOp::And, v, ff);
        let ones = self.b.iconst(Type::I64, 0x0101_0101_0101_0101);
        let pattern = self.b.binary(BinOp::Mul, byte, ones);
        let mut off = 0;
        while off < size {
            let w = chunk_width(dst.align, size - off);
            self.store_raw(dst.at(off as i64), pattern, w, false);
            off += w;
        }
    }

    /// Stores literal bytes at `dst`, packed into the widest aligned constants.
    pub fn store_bytes(&mut self, dst: Addr, bytes: &[u8]) {
        let mut off = 0usize;
        while off < bytes.len() {
            let w = chunk_width(dst.at(off as i64).align, (bytes.len() - off) as u64) as usize;
            let mut buf = [0u8; 8];
            buf[..w].copy_from_slice(&bytes[off..off + w]);
            let raw = u64::from_le_bytes(buf);
            // An I32 constant holds the low 32 bits, sign-extended for printing.
            let (ty, c) = if w == 8 {
                (Type::I64, raw as i64)
            } else {
                (Type::I32, raw as u32 as i32 as i64)
            };
            let v = self.b.iconst(ty, c);
            self.store_raw(dst.at(off as i64), v, w as u64, false);
            off += w;
        }
    }
}

impl FnLower<'_, '_, '_> {
    /// `size` (at most 8) bytes at `a` as one little-endian `I64`, read with
    /// the widest accesses the alignment allows.
    pub fn load_chunk(&mut self, a: Addr, size: u64) -> Value {
        self.load_unaligned(a, size, Type::I64, false)
    }

    /// Stores the low `size` (at most 8) bytes of the `I64` `v` at `a`.
    pub fn store_chunk(&mut self, a: Addr, v: Value, size: u64) {
        self.store_unit(a, v, size, false)
    }
}

/// The low `width` bits set.
pub(crate) fn low_mask(width: u32) -> i64 {
    if width >= 64 {
        -1
    } else {
        ((1u64 << width) - 1) as i64
    }
}
