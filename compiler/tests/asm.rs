//! The assembler (`bpfcc::asm`) and disassembler (`bpfcc::disasm`): an
//! instruction table in both syntaxes, round trips, and comparisons with
//! llvm-mc-19, clang-19, llvm-objdump-19 and bpf-as on generated files and
//! on the testsuite programs (each comparison SKIPs when its tool is
//! missing), and diagnostics.

use bpfcc::asm::{assemble, assemble_file, assemble_inline, AsmRelocKind, TargetField, TextMap};
use bpfcc::bpf::insn::Insn;
use bpfcc::disasm::{disassemble_object_named, format_insn, DisasmOptions};
use bpfcc::driver::{compile, Emit, Input, Options};
use bpfcc::source::{SourceMap, Span};
use object::{
    Object, ObjectSection, ObjectSymbol, RelocationFlags, RelocationTarget, SectionFlags,
};
use std::path::{Path, PathBuf};
use std::process::Command;

/// `(pseudo-C input, llvm-objdump-19 --mcpu=v4 text, GNU text, encoding)`,
/// every row checked against llvm-mc-19 when the table was made (and again
/// by `table_matches_llvm_mc` when it is installed).
const TABLE: &[(&str, &str, &str, &str)] = &[
    ("r1 += r2", "r1 += r2", "add %r1,%r2", "0f21000000000000"),
    ("r3 += -7", "r3 += -0x7", "add %r3,-7", "07030000f9ffffff"),
    ("r1 -= r2", "r1 -= r2", "sub %r1,%r2", "1f21000000000000"),
    ("r3 -= -7", "r3 -= -0x7", "sub %r3,-7", "17030000f9ffffff"),
    ("r1 *= r2", "r1 *= r2", "mul %r1,%r2", "2f21000000000000"),
    ("r3 *= -7", "r3 *= -0x7", "mul %r3,-7", "27030000f9ffffff"),
    ("r1 /= r2", "r1 /= r2", "div %r1,%r2", "3f21000000000000"),
    ("r3 /= -7", "r3 /= -0x7", "div %r3,-7", "37030000f9ffffff"),
    ("r1 %= r2", "r1 %= r2", "mod %r1,%r2", "9f21000000000000"),
    ("r3 %= -7", "r3 %= -0x7", "mod %r3,-7", "97030000f9ffffff"),
    ("r1 |= r2", "r1 |= r2", "or %r1,%r2", "4f21000000000000"),
    ("r3 |= -7", "r3 |= -0x7", "or %r3,-7", "47030000f9ffffff"),
    ("r1 &= r2", "r1 &= r2", "and %r1,%r2", "5f21000000000000"),
    ("r3 &= -7", "r3 &= -0x7", "and %r3,-7", "57030000f9ffffff"),
    ("r1 <<= r2", "r1 <<= r2", "lsh %r1,%r2", "6f21000000000000"),
    ("r3 <<= 5", "r3 <<= 0x5", "lsh %r3,5", "6703000005000000"),
    ("r1 >>= r2", "r1 >>= r2", "rsh %r1,%r2", "7f21000000000000"),
    ("r3 >>= 5", "r3 >>= 0x5", "rsh %r3,5", "7703000005000000"),
    (
        "r1 s>>= r2",
        "r1 s>>= r2",
        "arsh %r1,%r2",
        "cf21000000000000",
    ),
    ("r3 s>>= 5", "r3 s>>= 0x5", "arsh %r3,5", "c703000005000000"),
    ("r1 ^= r2", "r1 ^= r2", "xor %r1,%r2", "af21000000000000"),
    ("r3 ^= -7", "r3 ^= -0x7", "xor %r3,-7", "a7030000f9ffffff"),
    ("r1 s/= r2", "r1 s/= r2", "sdiv %r1,%r2", "3f21010000000000"),
    (
        "r3 s/= -7",
        "r3 s/= -0x7",
        "sdiv %r3,-7",
        "37030100f9ffffff",
    ),
    ("r1 s%= r2", "r1 s%= r2", "smod %r1,%r2", "9f21010000000000"),
    (
        "r3 s%= -7",
        "r3 s%= -0x7",
        "smod %r3,-7",
        "97030100f9ffffff",
    ),
    ("r1 = r2", "r1 = r2", "mov %r1,%r2", "bf21000000000000"),
    (
        "r4 = 0x7fffffff",
        "r4 = 0x7fffffff",
        "mov %r4,2147483647",
        "b7040000ffffff7f",
    ),
    ("r5 = -1", "r5 = -0x1", "mov %r5,-1", "b7050000ffffffff"),
    ("r6 = -r6", "r6 = -r6", "neg %r6", "8706000000000000"),
    (
        "r1 = (s8)r2",
        "r1 = (s8)r2",
        "movs %r1,%r2,8",
        "bf21080000000000",
    ),
    (
        "r1 = (s16)r2",
        "r1 = (s16)r2",
        "movs %r1,%r2,16",
        "bf21100000000000",
    ),
    ("w1 += w2", "w1 += w2", "add32 %r1,%r2", "0c21000000000000"),
    ("w3 += -7", "w3 += -0x7", "add32 %r3,-7", "04030000f9ffffff"),
    ("w1 -= w2", "w1 -= w2", "sub32 %r1,%r2", "1c21000000000000"),
    ("w3 -= -7", "w3 -= -0x7", "sub32 %r3,-7", "14030000f9ffffff"),
    ("w1 *= w2", "w1 *= w2", "mul32 %r1,%r2", "2c21000000000000"),
    ("w3 *= -7", "w3 *= -0x7", "mul32 %r3,-7", "24030000f9ffffff"),
    ("w1 /= w2", "w1 /= w2", "div32 %r1,%r2", "3c21000000000000"),
    ("w3 /= -7", "w3 /= -0x7", "div32 %r3,-7", "34030000f9ffffff"),
    ("w1 %= w2", "w1 %= w2", "mod32 %r1,%r2", "9c21000000000000"),
    ("w3 %= -7", "w3 %= -0x7", "mod32 %r3,-7", "94030000f9ffffff"),
    ("w1 |= w2", "w1 |= w2", "or32 %r1,%r2", "4c21000000000000"),
    ("w3 |= -7", "w3 |= -0x7", "or32 %r3,-7", "44030000f9ffffff"),
    ("w1 &= w2", "w1 &= w2", "and32 %r1,%r2", "5c21000000000000"),
    ("w3 &= -7", "w3 &= -0x7", "and32 %r3,-7", "54030000f9ffffff"),
    (
        "w1 <<= w2",
        "w1 <<= w2",
        "lsh32 %r1,%r2",
        "6c21000000000000",
    ),
    ("w3 <<= 5", "w3 <<= 0x5", "lsh32 %r3,5", "6403000005000000"),
    (
        "w1 >>= w2",
        "w1 >>= w2",
        "rsh32 %r1,%r2",
        "7c21000000000000",
    ),
    ("w3 >>= 5", "w3 >>= 0x5", "rsh32 %r3,5", "7403000005000000"),
    (
        "w1 s>>= w2",
        "w1 s>>= w2",
        "arsh32 %r1,%r2",
        "cc21000000000000",
    ),
    (
        "w3 s>>= 5",
        "w3 s>>= 0x5",
        "arsh32 %r3,5",
        "c403000005000000",
    ),
    ("w1 ^= w2", "w1 ^= w2", "xor32 %r1,%r2", "ac21000000000000"),
    ("w3 ^= -7", "w3 ^= -0x7", "xor32 %r3,-7", "a4030000f9ffffff"),
    (
        "w1 s/= w2",
        "w1 s/= w2",
        "sdiv32 %r1,%r2",
        "3c21010000000000",
    ),
    (
        "w3 s/= -7",
        "w3 s/= -0x7",
        "sdiv32 %r3,-7",
        "34030100f9ffffff",
    ),
    (
        "w1 s%= w2",
        "w1 s%= w2",
        "smod32 %r1,%r2",
        "9c21010000000000",
    ),
    (
        "w3 s%= -7",
        "w3 s%= -0x7",
        "smod32 %r3,-7",
        "94030100f9ffffff",
    ),
    ("w1 = w2", "w1 = w2", "mov32 %r1,%r2", "bc21000000000000"),
    (
        "w4 = 0x7fffffff",
        "w4 = 0x7fffffff",
        "mov32 %r4,2147483647",
        "b4040000ffffff7f",
    ),
    ("w5 = -1", "w5 = -0x1", "mov32 %r5,-1", "b4050000ffffffff"),
    ("w6 = -w6", "w6 = -w6", "neg32 %r6", "8406000000000000"),
    (
        "w1 = (s8)w2",
        "w1 = (s8)w2",
        "movs32 %r1,%r2,8",
        "bc21080000000000",
    ),
    (
        "w1 = (s16)w2",
        "w1 = (s16)w2",
        "movs32 %r1,%r2,16",
        "bc21100000000000",
    ),
    (
        "r1 = (s32)r2",
        "r1 = (s32)r2",
        "movs %r1,%r2,32",
        "bf21200000000000",
    ),
    (
        "r1 = be16 r1",
        "r1 = be16 r1",
        "endbe %r1,16",
        "dc01000010000000",
    ),
    (
        "r2 = le16 r2",
        "r2 = le16 r2",
        "endle %r2,16",
        "d402000010000000",
    ),
    (
        "r3 = bswap16 r3",
        "r3 = bswap16 r3",
        "bswap16 %r3",
        "d703000010000000",
    ),
    (
        "r1 = be32 r1",
        "r1 = be32 r1",
        "endbe %r1,32",
        "dc01000020000000",
    ),
    (
        "r2 = le32 r2",
        "r2 = le32 r2",
        "endle %r2,32",
        "d402000020000000",
    ),
    (
        "r3 = bswap32 r3",
        "r3 = bswap32 r3",
        "bswap32 %r3",
        "d703000020000000",
    ),
    (
        "r1 = be64 r1",
        "r1 = be64 r1",
        "endbe %r1,64",
        "dc01000040000000",
    ),
    (
        "r2 = le64 r2",
        "r2 = le64 r2",
        "endle %r2,64",
        "d402000040000000",
    ),
    (
        "r3 = bswap64 r3",
        "r3 = bswap64 r3",
        "bswap64 %r3",
        "d703000040000000",
    ),
    (
        "r1 = *(u8 *)(r2 + 4)",
        "w1 = *(u8 *)(r2 + 0x4)",
        "ldxb %r1,[%r2+4]",
        "7121040000000000",
    ),
    (
        "*(u8 *)(r10 - 8) = r3",
        "*(u8 *)(r10 - 0x8) = w3",
        "stxb [%fp+-8],%r3",
        "733af8ff00000000",
    ),
    (
        "*(u8 *)(r10 - 16) = -3",
        "*(u8 *)(r10 - 0x10) = -0x3",
        "stb [%fp+-16],-3",
        "720af0fffdffffff",
    ),
    (
        "w1 = *(u8 *)(r2 - 4)",
        "w1 = *(u8 *)(r2 - 0x4)",
        "ldxb %r1,[%r2+-4]",
        "7121fcff00000000",
    ),
    (
        "*(u8 *)(r10 - 8) = w3",
        "*(u8 *)(r10 - 0x8) = w3",
        "stxb [%fp+-8],%r3",
        "733af8ff00000000",
    ),
    (
        "r1 = *(u16 *)(r2 + 4)",
        "w1 = *(u16 *)(r2 + 0x4)",
        "ldxh %r1,[%r2+4]",
        "6921040000000000",
    ),
    (
        "*(u16 *)(r10 - 8) = r3",
        "*(u16 *)(r10 - 0x8) = w3",
        "stxh [%fp+-8],%r3",
        "6b3af8ff00000000",
    ),
    (
        "*(u16 *)(r10 - 16) = -3",
        "*(u16 *)(r10 - 0x10) = -0x3",
        "sth [%fp+-16],-3",
        "6a0af0fffdffffff",
    ),
    (
        "w1 = *(u16 *)(r2 - 4)",
        "w1 = *(u16 *)(r2 - 0x4)",
        "ldxh %r1,[%r2+-4]",
        "6921fcff00000000",
    ),
    (
        "*(u16 *)(r10 - 8) = w3",
        "*(u16 *)(r10 - 0x8) = w3",
        "stxh [%fp+-8],%r3",
        "6b3af8ff00000000",
    ),
    (
        "r1 = *(u32 *)(r2 + 4)",
        "w1 = *(u32 *)(r2 + 0x4)",
        "ldxw %r1,[%r2+4]",
        "6121040000000000",
    ),
    (
        "*(u32 *)(r10 - 8) = r3",
        "*(u32 *)(r10 - 0x8) = w3",
        "stxw [%fp+-8],%r3",
        "633af8ff00000000",
    ),
    (
        "*(u32 *)(r10 - 16) = -3",
        "*(u32 *)(r10 - 0x10) = -0x3",
        "stw [%fp+-16],-3",
        "620af0fffdffffff",
    ),
    (
        "w1 = *(u32 *)(r2 - 4)",
        "w1 = *(u32 *)(r2 - 0x4)",
        "ldxw %r1,[%r2+-4]",
        "6121fcff00000000",
    ),
    (
        "*(u32 *)(r10 - 8) = w3",
        "*(u32 *)(r10 - 0x8) = w3",
        "stxw [%fp+-8],%r3",
        "633af8ff00000000",
    ),
    (
        "r1 = *(u64 *)(r2 + 4)",
        "r1 = *(u64 *)(r2 + 0x4)",
        "ldxdw %r1,[%r2+4]",
        "7921040000000000",
    ),
    (
        "*(u64 *)(r10 - 8) = r3",
        "*(u64 *)(r10 - 0x8) = r3",
        "stxdw [%fp+-8],%r3",
        "7b3af8ff00000000",
    ),
    (
        "*(u64 *)(r10 - 16) = -3",
        "*(u64 *)(r10 - 0x10) = -0x3",
        "stdw [%fp+-16],-3",
        "7a0af0fffdffffff",
    ),
    (
        "r1 = *(s8 *)(r2 + 6)",
        "r1 = *(s8 *)(r2 + 0x6)",
        "ldxsb %r1,[%r2+6]",
        "9121060000000000",
    ),
    (
        "r1 = *(s16 *)(r2 + 6)",
        "r1 = *(s16 *)(r2 + 0x6)",
        "ldxsh %r1,[%r2+6]",
        "8921060000000000",
    ),
    (
        "r1 = *(s32 *)(r2 + 6)",
        "r1 = *(s32 *)(r2 + 0x6)",
        "ldxsw %r1,[%r2+6]",
        "8121060000000000",
    ),
    (
        "r0 = *(u8 *)skb[12]",
        "r0 = *(u8 *)skb[0xc]",
        "ldabsb 12",
        "300000000c000000",
    ),
    (
        "r0 = *(u8 *)skb[r6]",
        "r0 = *(u8 *)skb[r6]",
        "ldindb %r6,0",
        "5060000000000000",
    ),
    (
        "r0 = *(u16 *)skb[12]",
        "r0 = *(u16 *)skb[0xc]",
        "ldabsh 12",
        "280000000c000000",
    ),
    (
        "r0 = *(u16 *)skb[r6]",
        "r0 = *(u16 *)skb[r6]",
        "ldindh %r6,0",
        "4860000000000000",
    ),
    (
        "r0 = *(u32 *)skb[12]",
        "r0 = *(u32 *)skb[0xc]",
        "ldabsw 12",
        "200000000c000000",
    ),
    (
        "r0 = *(u32 *)skb[r6]",
        "r0 = *(u32 *)skb[r6]",
        "ldindw %r6,0",
        "4060000000000000",
    ),
    (
        "lock *(u64 *)(r1 + 8) += r2",
        "lock *(u64 *)(r1 + 0x8) += r2",
        "xadddw [%r1+8],%r2",
        "db21080000000000",
    ),
    (
        "lock *(u64 *)(r1 + 8) &= r2",
        "lock *(u64 *)(r1 + 0x8) &= r2",
        "aand [%r1+8],%r2",
        "db21080050000000",
    ),
    (
        "lock *(u64 *)(r1 + 8) |= r2",
        "lock *(u64 *)(r1 + 0x8) |= r2",
        "aor [%r1+8],%r2",
        "db21080040000000",
    ),
    (
        "lock *(u64 *)(r1 + 8) ^= r2",
        "lock *(u64 *)(r1 + 0x8) ^= r2",
        "axor [%r1+8],%r2",
        "db210800a0000000",
    ),
    (
        "r2 = atomic_fetch_add((u64 *)(r1 - 8), r2)",
        "r2 = atomic_fetch_add((u64 *)(r1 - 0x8), r2)",
        "afadd [%r1+-8],%r2",
        "db21f8ff01000000",
    ),
    (
        "r2 = atomic_fetch_and((u64 *)(r1 - 8), r2)",
        "r2 = atomic_fetch_and((u64 *)(r1 - 0x8), r2)",
        "afand [%r1+-8],%r2",
        "db21f8ff51000000",
    ),
    (
        "r2 = atomic_fetch_or((u64 *)(r1 - 8), r2)",
        "r2 = atomic_fetch_or((u64 *)(r1 - 0x8), r2)",
        "afor [%r1+-8],%r2",
        "db21f8ff41000000",
    ),
    (
        "r2 = atomic_fetch_xor((u64 *)(r1 - 8), r2)",
        "r2 = atomic_fetch_xor((u64 *)(r1 - 0x8), r2)",
        "afxor [%r1+-8],%r2",
        "db21f8ffa1000000",
    ),
    (
        "lock *(u32 *)(r1 + 8) += w2",
        "lock *(u32 *)(r1 + 0x8) += w2",
        "xaddw [%r1+8],%r2",
        "c321080000000000",
    ),
    (
        "lock *(u32 *)(r1 + 8) &= w2",
        "lock *(u32 *)(r1 + 0x8) &= w2",
        "aand32 [%r1+8],%r2",
        "c321080050000000",
    ),
    (
        "lock *(u32 *)(r1 + 8) |= w2",
        "lock *(u32 *)(r1 + 0x8) |= w2",
        "aor32 [%r1+8],%r2",
        "c321080040000000",
    ),
    (
        "lock *(u32 *)(r1 + 8) ^= w2",
        "lock *(u32 *)(r1 + 0x8) ^= w2",
        "axor32 [%r1+8],%r2",
        "c3210800a0000000",
    ),
    (
        "w2 = atomic_fetch_add((u32 *)(r1 - 8), w2)",
        "w2 = atomic_fetch_add((u32 *)(r1 - 0x8), w2)",
        "afadd32 [%r1+-8],%r2",
        "c321f8ff01000000",
    ),
    (
        "w2 = atomic_fetch_and((u32 *)(r1 - 8), w2)",
        "w2 = atomic_fetch_and((u32 *)(r1 - 0x8), w2)",
        "afand32 [%r1+-8],%r2",
        "c321f8ff51000000",
    ),
    (
        "w2 = atomic_fetch_or((u32 *)(r1 - 8), w2)",
        "w2 = atomic_fetch_or((u32 *)(r1 - 0x8), w2)",
        "afor32 [%r1+-8],%r2",
        "c321f8ff41000000",
    ),
    (
        "w2 = atomic_fetch_xor((u32 *)(r1 - 8), w2)",
        "w2 = atomic_fetch_xor((u32 *)(r1 - 0x8), w2)",
        "afxor32 [%r1+-8],%r2",
        "c321f8ffa1000000",
    ),
    (
        "r2 = xchg_64(r1 + 0, r2)",
        "r2 = xchg_64(r1 + 0x0, r2)",
        "axchg [%r1+0],%r2",
        "db210000e1000000",
    ),
    (
        "w2 = xchg32_32(r1 + 4, w2)",
        "w2 = xchg32_32(r1 + 0x4, w2)",
        "axchg32 [%r1+4],%r2",
        "c3210400e1000000",
    ),
    (
        "r0 = cmpxchg_64(r1 + 0, r0, r3)",
        "r0 = cmpxchg_64(r1 + 0x0, r0, r3)",
        "acmp [%r1+0],%r3",
        "db310000f1000000",
    ),
    (
        "w0 = cmpxchg32_32(r1 - 4, w0, w3)",
        "w0 = cmpxchg32_32(r1 - 0x4, w0, w3)",
        "acmp32 [%r1+-4],%r3",
        "c331fcfff1000000",
    ),
    (
        "if r1 == r2 goto +3",
        "if r1 == r2 goto +0x3",
        "jeq %r1,%r2,+3",
        "1d21030000000000",
    ),
    (
        "if r4 == -9 goto -2",
        "if r4 == -0x9 goto -0x2",
        "jeq %r4,-9,-2",
        "1504fefff7ffffff",
    ),
    (
        "if r1 != r2 goto +3",
        "if r1 != r2 goto +0x3",
        "jne %r1,%r2,+3",
        "5d21030000000000",
    ),
    (
        "if r4 != -9 goto -2",
        "if r4 != -0x9 goto -0x2",
        "jne %r4,-9,-2",
        "5504fefff7ffffff",
    ),
    (
        "if r1 > r2 goto +3",
        "if r1 > r2 goto +0x3",
        "jgt %r1,%r2,+3",
        "2d21030000000000",
    ),
    (
        "if r4 > -9 goto -2",
        "if r4 > -0x9 goto -0x2",
        "jgt %r4,-9,-2",
        "2504fefff7ffffff",
    ),
    (
        "if r1 >= r2 goto +3",
        "if r1 >= r2 goto +0x3",
        "jge %r1,%r2,+3",
        "3d21030000000000",
    ),
    (
        "if r4 >= -9 goto -2",
        "if r4 >= -0x9 goto -0x2",
        "jge %r4,-9,-2",
        "3504fefff7ffffff",
    ),
    (
        "if r1 < r2 goto +3",
        "if r1 < r2 goto +0x3",
        "jlt %r1,%r2,+3",
        "ad21030000000000",
    ),
    (
        "if r4 < -9 goto -2",
        "if r4 < -0x9 goto -0x2",
        "jlt %r4,-9,-2",
        "a504fefff7ffffff",
    ),
    (
        "if r1 <= r2 goto +3",
        "if r1 <= r2 goto +0x3",
        "jle %r1,%r2,+3",
        "bd21030000000000",
    ),
    (
        "if r4 <= -9 goto -2",
        "if r4 <= -0x9 goto -0x2",
        "jle %r4,-9,-2",
        "b504fefff7ffffff",
    ),
    (
        "if r1 s> r2 goto +3",
        "if r1 s> r2 goto +0x3",
        "jsgt %r1,%r2,+3",
        "6d21030000000000",
    ),
    (
        "if r4 s> -9 goto -2",
        "if r4 s> -0x9 goto -0x2",
        "jsgt %r4,-9,-2",
        "6504fefff7ffffff",
    ),
    (
        "if r1 s>= r2 goto +3",
        "if r1 s>= r2 goto +0x3",
        "jsge %r1,%r2,+3",
        "7d21030000000000",
    ),
    (
        "if r4 s>= -9 goto -2",
        "if r4 s>= -0x9 goto -0x2",
        "jsge %r4,-9,-2",
        "7504fefff7ffffff",
    ),
    (
        "if r1 s< r2 goto +3",
        "if r1 s< r2 goto +0x3",
        "jslt %r1,%r2,+3",
        "cd21030000000000",
    ),
    (
        "if r4 s< -9 goto -2",
        "if r4 s< -0x9 goto -0x2",
        "jslt %r4,-9,-2",
        "c504fefff7ffffff",
    ),
    (
        "if r1 s<= r2 goto +3",
        "if r1 s<= r2 goto +0x3",
        "jsle %r1,%r2,+3",
        "dd21030000000000",
    ),
    (
        "if r4 s<= -9 goto -2",
        "if r4 s<= -0x9 goto -0x2",
        "jsle %r4,-9,-2",
        "d504fefff7ffffff",
    ),
    (
        "if r1 & r2 goto +3",
        "if r1 & r2 goto +0x3",
        "jset %r1,%r2,+3",
        "4d21030000000000",
    ),
    (
        "if r4 & -9 goto -2",
        "if r4 & -0x9 goto -0x2",
        "jset %r4,-9,-2",
        "4504fefff7ffffff",
    ),
    (
        "if w1 == w2 goto +3",
        "if w1 == w2 goto +0x3",
        "jeq32 %r1,%r2,+3",
        "1e21030000000000",
    ),
    (
        "if w4 == -9 goto -2",
        "if w4 == -0x9 goto -0x2",
        "jeq32 %r4,-9,-2",
        "1604fefff7ffffff",
    ),
    (
        "if w1 != w2 goto +3",
        "if w1 != w2 goto +0x3",
        "jne32 %r1,%r2,+3",
        "5e21030000000000",
    ),
    (
        "if w4 != -9 goto -2",
        "if w4 != -0x9 goto -0x2",
        "jne32 %r4,-9,-2",
        "5604fefff7ffffff",
    ),
    (
        "if w1 > w2 goto +3",
        "if w1 > w2 goto +0x3",
        "jgt32 %r1,%r2,+3",
        "2e21030000000000",
    ),
    (
        "if w4 > -9 goto -2",
        "if w4 > -0x9 goto -0x2",
        "jgt32 %r4,-9,-2",
        "2604fefff7ffffff",
    ),
    (
        "if w1 >= w2 goto +3",
        "if w1 >= w2 goto +0x3",
        "jge32 %r1,%r2,+3",
        "3e21030000000000",
    ),
    (
        "if w4 >= -9 goto -2",
        "if w4 >= -0x9 goto -0x2",
        "jge32 %r4,-9,-2",
        "3604fefff7ffffff",
    ),
    (
        "if w1 < w2 goto +3",
        "if w1 < w2 goto +0x3",
        "jlt32 %r1,%r2,+3",
        "ae21030000000000",
    ),
    (
        "if w4 < -9 goto -2",
        "if w4 < -0x9 goto -0x2",
        "jlt32 %r4,-9,-2",
        "a604fefff7ffffff",
    ),
    (
        "if w1 <= w2 goto +3",
        "if w1 <= w2 goto +0x3",
        "jle32 %r1,%r2,+3",
        "be21030000000000",
    ),
    (
        "if w4 <= -9 goto -2",
        "if w4 <= -0x9 goto -0x2",
        "jle32 %r4,-9,-2",
        "b604fefff7ffffff",
    ),
    (
        "if w1 s> w2 goto +3",
        "if w1 s> w2 goto +0x3",
        "jsgt32 %r1,%r2,+3",
        "6e21030000000000",
    ),
    (
        "if w4 s> -9 goto -2",
        "if w4 s> -0x9 goto -0x2",
        "jsgt32 %r4,-9,-2",
        "6604fefff7ffffff",
    ),
    (
        "if w1 s>= w2 goto +3",
        "if w1 s>= w2 goto +0x3",
        "jsge32 %r1,%r2,+3",
        "7e21030000000000",
    ),
    (
        "if w4 s>= -9 goto -2",
        "if w4 s>= -0x9 goto -0x2",
        "jsge32 %r4,-9,-2",
        "7604fefff7ffffff",
    ),
    (
        "if w1 s< w2 goto +3",
        "if w1 s< w2 goto +0x3",
        "jslt32 %r1,%r2,+3",
        "ce21030000000000",
    ),
    (
        "if w4 s< -9 goto -2",
        "if w4 s< -0x9 goto -0x2",
        "jslt32 %r4,-9,-2",
        "c604fefff7ffffff",
    ),
    (
        "if w1 s<= w2 goto +3",
        "if w1 s<= w2 goto +0x3",
        "jsle32 %r1,%r2,+3",
        "de21030000000000",
    ),
    (
        "if w4 s<= -9 goto -2",
        "if w4 s<= -0x9 goto -0x2",
        "jsle32 %r4,-9,-2",
        "d604fefff7ffffff",
    ),
    (
        "if w1 & w2 goto +3",
        "if w1 & w2 goto +0x3",
        "jset32 %r1,%r2,+3",
        "4e21030000000000",
    ),
    (
        "if w4 & -9 goto -2",
        "if w4 & -0x9 goto -0x2",
        "jset32 %r4,-9,-2",
        "4604fefff7ffffff",
    ),
    ("goto +5", "goto +0x5", "ja +5", "0500050000000000"),
    ("goto -1", "goto -0x1", "ja -1", "0500ffff00000000"),
    ("gotol +7", "gotol +0x7", "jal +7", "0600000007000000"),
    (
        "may_goto +2",
        "may_goto +0x2",
        "jcond +2",
        "e500020000000000",
    ),
    ("call 12", "call 0xc", "call 12", "850000000c000000"),
    ("callx r3", "callx r3", "callx %r3", "8d03000000000000"),
    ("exit", "exit", "exit", "9500000000000000"),
    (
        "r1 = 0x123456789abcdef0 ll",
        "r1 = 0x123456789abcdef0 ll",
        "lddw %r1,1311768467463790320",
        "18010000f0debc9a0000000078563412",
    ),
    (
        "r9 = -2 ll",
        "r9 = -0x2 ll",
        "lddw %r9,-2",
        "18090000feffffff00000000ffffffff",
    ),
    (
        "r1 = addr_space_cast(r2, 0x0, 0x1)",
        "r1 = addr_space_cast(r2, 0x0, 0x1)",
        "",
        "bf21010001000000",
    ),
];

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Assembles text as a `.s` file; returns the `.text` bytes or the rendered
/// diagnostics.
fn asm_text(text: &str) -> Result<Vec<u8>, String> {
    let mut sources = SourceMap::new();
    let file = sources.add("t.s", None, text.to_string());
    match assemble(text, &TextMap::contiguous(file, 0)) {
        Ok(a) => Ok(a
            .sections
            .iter()
            .find(|s| s.name == ".text")
            .map(|s| s.bytes.clone())
            .unwrap_or_default()),
        Err(d) => Err(d.render(&sources)),
    }
}

fn insns_of(bytes: &[u8]) -> Vec<Insn> {
    bytes.chunks_exact(8).map(Insn::decode).collect()
}

#[test]
fn table_pseudo_c_and_gnu_encode_and_print() {
    let v4 = DisasmOptions {
        gnu: false,
        alu32: true,
    };
    let gnu = DisasmOptions {
        gnu: true,
        alu32: true,
    };
    for (pseudo, printed, gnu_text, enc) in TABLE {
        let bytes = asm_text(pseudo).unwrap_or_else(|e| panic!("{pseudo}: {e}"));
        assert_eq!(hex(&bytes), *enc, "{pseudo}");
        // llvm-objdump's spelling assembles to the same bytes.
        assert_eq!(hex(&asm_text(printed).unwrap()), *enc, "{printed}");
        let insns = insns_of(&bytes);
        assert_eq!(
            format_insn(&insns[0], insns.get(1), None, v4),
            *printed,
            "{enc}"
        );
        if !gnu_text.is_empty() {
            assert_eq!(
                format_insn(&insns[0], insns.get(1), None, gnu),
                *gnu_text,
                "{enc}"
            );
            assert_eq!(
                hex(&asm_text(gnu_text).unwrap_or_else(|e| panic!("{gnu_text}: {e}"))),
                *enc,
                "{gnu_text}"
            );
        }
    }
    assert!(TABLE.len() >= 170);
}

#[test]
fn syntaxes_mix_line_by_line_with_labels_and_comments() {
    let text = "\
        # a comment\n\
        start: r1 = 0 // pseudo-C\n\
        mov %r2, 5 ; add32 %r2, %r1\n\
        /* block\n comment */ 1: if r1 > r2 goto 1f\n\
        jeq %r1, 3, 1b\n\
        ja start\n\
        1:\n\
        goto +0\n\
        exit\n";
    let bytes = asm_text(text).unwrap();
    let insns = insns_of(&bytes);
    let o = DisasmOptions::default();
    let lines: Vec<String> = insns
        .iter()
        .map(|i| format_insn(i, None, None, o))
        .collect();
    assert_eq!(
        lines,
        [
            "r1 = 0x0",
            "r2 = 0x5",
            "w2 += w1",
            "if r1 > r2 goto +0x2",
            "if r1 == 0x3 goto -0x2",
            "goto -0x6",
            "goto +0x0",
            "exit"
        ]
    );
}

#[test]
fn round_trip_every_encodable_slot_pattern() {
    // Every opcode byte with varied fields: what the disassembler prints
    // (both syntaxes) assembles back to the same instruction.
    let mut checked = 0;
    for code in 0..=255u8 {
        for (dst, src, off, imm) in [
            (1u8, 2u8, 0i16, 0i32),
            (3, 4, -8, 16),
            (0, 0, 7, -1),
            (9, 10, 32767, 32),
            (2, 1, 1, 64),
            (1, 2, 8, 0x51),
        ] {
            let insn = Insn::new(code, dst, src, off, imm);
            let next = Insn::new(0, 0, 0, 0, 0x1234);
            for gnu in [false, true] {
                let o = DisasmOptions { gnu, alu32: true };
                let text = format_insn(&insn, Some(&next), None, o);
                if text == "<unknown>" {
                    continue;
                }
                let bytes = asm_text(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
                let back = insns_of(&bytes);
                assert_eq!(format_insn(&back[0], back.get(1), None, o), text);
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "{checked}");
}

#[test]
fn data_directives_symbols_and_sections() {
    let text = "\
        \t.text\n\
        \t.section\txdp,\"ax\",@progbits\n\
        \t.globl\tprog\n\
        \t.p2align\t3\n\
        \t.type\tprog,@function\n\
        prog:\n\
        \tr1 = counter ll\n\
        \tr2 = .L.str+2 ll\n\
        \tcall helper\n\
        \tcall 5\n\
        \texit\n\
        .Lfunc_end0:\n\
        \t.size\tprog, .Lfunc_end0-prog\n\
        \t.type\tcounter,@object\n\
        \t.data\n\
        \t.globl\tcounter\n\
        \t.p2align\t2, 0x0\n\
        counter:\n\
        \t.long\t5\n\
        \t.short\t-1\n\
        \t.byte\t1,2\n\
        \t.quad\tprog+8\n\
        \t.size\tcounter, 16\n\
        \t.section\t.rodata.str1.1,\"aMS\",@progbits,1\n\
        .L.str:\n\
        \t.asciz\t\"hi\\n\"\n\
        \t.ascii\t\"x\"\n\
        \t.section\t.bss,\"aw\",@nobits\n\
        \t.zero\t8\n";
    let mut sources = SourceMap::new();
    let file = sources.add("d.s", None, text.to_string());
    let a = assemble(text, &TextMap::contiguous(file, 0))
        .unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    let names: Vec<&str> = a.sections.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, [".text", "xdp", ".data", ".rodata.str1.1", ".bss"]);
    let data = &a.sections[2];
    assert_eq!(hex(&data.bytes), "05000000ffff01020800000000000000");
    assert_eq!(data.relocs[0].kind, AsmRelocKind::Abs64);
    assert_eq!(a.sections[3].bytes, b"hi\n\0x");
    let xdp = &a.sections[1];
    assert_eq!(xdp.relocs.len(), 3);
    assert_eq!(
        (xdp.relocs[1].symbol.as_str(), xdp.relocs[1].addend),
        (".L.str", 2)
    );
    let prog = a.symbols.iter().find(|s| s.name == "prog").unwrap();
    assert_eq!((prog.size, prog.section), (56, Some(1)));
    let obj = assemble_file(text, "d.s").unwrap_or_else(|(s, d)| panic!("{}", d.render(&s)));
    let f = object::File::parse(&*obj).unwrap();
    let sec = f.section_by_name("xdp").unwrap();
    let rels: Vec<(u64, u32, String)> = sec
        .relocations()
        .map(|(o, r)| {
            let RelocationFlags::Elf { r_type } = r.flags() else {
                panic!()
            };
            let RelocationTarget::Symbol(i) = r.target() else {
                panic!()
            };
            let s = f.symbol_by_index(i).unwrap();
            let name = if s.kind() == object::SymbolKind::Section {
                f.section_by_index(s.section_index().unwrap())
                    .unwrap()
                    .name()
                    .unwrap()
                    .to_string()
            } else {
                s.name().unwrap().to_string()
            };
            (o, r_type, name)
        })
        .collect();
    assert_eq!(
        rels,
        [
            (0, 1, "counter".to_string()),
            (16, 1, ".rodata.str1.1".to_string()),
            (32, 10, "helper".to_string())
        ]
    );
    // A local symbol's offset goes into the instruction, as clang does it.
    assert_eq!(Insn::decode(&sec.data().unwrap()[16..24]).imm, 2);
    assert_eq!(
        f.section_by_name(".bss").unwrap().kind(),
        object::SectionKind::UninitializedData
    );
}

/// The diagnostics of an assembly, rendered.
fn asm_errors(text: &str) -> String {
    asm_text(text).expect_err("expected an error")
}

#[test]
fn errors_point_at_line_and_column() {
    let cases = [
        (
            "r0 = 1\n  frob r1, 2\n",
            "t.s:2:3: unknown instruction `frob`",
        ),
        ("r0 = 1\nr11 = 2\n", "t.s:2:1: invalid register `r11`"),
        (
            "r1 += w2\n",
            "t.s:1:7: `r` and `w` registers mixed in one instruction",
        ),
        (
            "if w1 > r2 goto +1\n",
            "t.s:1:9: `r` and `w` registers mixed in one instruction",
        ),
        (
            "r1 = 0x100000000\n",
            "t.s:1:6: immediate 4294967296 does not fit in 32 bits (use `ll`)",
        ),
        (
            "r1 += 0x1ffffffff\n",
            "t.s:1:7: immediate 8589934591 does not fit in 32 bits",
        ),
        (
            "r1 = *(u8 *)(r2 + 40000)\n",
            "t.s:1:19: offset 40000 does not fit in 16 bits",
        ),
        ("exit\n goto nowhere\n", "t.s:2:7: unknown label `nowhere`"),
        ("if r1 == 0 goto 1b\n", "t.s:1:17: unknown label `1b`"),
        (
            "\t.frobnicate 3\n",
            "t.s:1:2: unknown directive `.frobnicate`",
        ),
        ("a:\na:\n", "t.s:2:1: label `a` is defined twice"),
        (
            "r1 = *(u128 *)(r2 + 0)\n",
            "t.s:1:8: invalid memory access type `u128`",
        ),
        ("w1 = 1 ll\n", "t.s:1:1: `ll` loads take an `r` register"),
        // `.rept`: the columns llvm-mc-19 reports.
        (
            "r0 = 0\n.rept -1\nr0 += 1\n.endr\n",
            "t.s:2:7: the `.rept` count -1 is negative",
        ),
        (
            "r0 = 0\n.rept 2\nr0 += 1\n",
            "t.s:2:1: no matching `.endr` for this `.rept`",
        ),
        ("exit\n.rept\n.endr\n", "t.s:2:6: `.rept` needs a count"),
        ("exit\n .endr\n", "t.s:2:2: `.endr` without a `.rept`"),
        (
            ".rept 2\ny: r0 = 1\n.endr\n",
            "t.s:2:1: label `y` is defined twice",
        ),
        (
            ".rept 3\n  frob r1, 2\n.endr\n",
            "t.s:2:3: unknown instruction `frob`",
        ),
    ];
    for (text, want) in cases {
        let got = asm_errors(text);
        assert!(got.contains(want), "{text:?}: want {want:?}, got:\n{got}");
    }
    // An error in a `.rept` body is reported once, not once per copy.
    let got = asm_errors(".rept 3\n  frob r1, 2\n.endr\n");
    assert_eq!(got.matches("unknown instruction").count(), 1, "{got}");
}

#[test]
fn inline_asm_template_with_c_labels_and_symbols() {
    // As the caller builds it from `asm goto("if %[x] > 5 goto %l[out]" ...)`:
    // operands already substituted; the text came from two string literals.
    let mut sources = SourceMap::new();
    let c = "asm volatile(\"r1 = my_map ll\\n\" \"if r3 > 5 goto out\\n1: r3 += 1\\n goto 1b\\n call sub\");";
    let file = sources.add("x.c", None, c.to_string());
    let text = "r1 = my_map ll\nif r3 > 5 goto out\n1: r3 += 1\n goto 1b\n call sub";
    // Piece 1: text 0..15 is source 14..31 ("...\n" escape is 2 bytes).
    let map = TextMap::from_pieces(vec![
        (0, Span::new(file, 14, 29)),
        (14, Span::new(file, 29, 31)),
        (15, Span::new(file, 34, 87)),
    ]);
    let asm = assemble_inline(text, &map).unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    assert_eq!(asm.insns.len(), 6);
    assert_eq!(asm.label_refs, [(2, "out".to_string(), TargetField::Off)]);
    assert_eq!(asm.insns[4].off, -2);
    assert_eq!(asm.relocs.len(), 2);
    assert_eq!(
        (asm.relocs[0].0, asm.relocs[0].1, asm.relocs[0].2.as_str()),
        (0, AsmRelocKind::Ld64, "my_map")
    );
    assert_eq!((asm.relocs[1].0, asm.relocs[1].1), (5, AsmRelocKind::Call));
    // An error points into the C string literal.
    let bad = "r1 = 1\nr2 += w3";
    let map = TextMap::from_pieces(vec![
        (0, Span::new(file, 14, 21)),
        (7, Span::new(file, 34, 50)),
    ]);
    let d = assemble_inline(bad, &map).unwrap_err();
    let out = d.render(&sources);
    assert!(
        out.contains("x.c:1:41: `r` and `w` registers mixed"),
        "{out}"
    );
}

// ------------------------------------------------ comparisons with tools

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("bpfcc-asm-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(cmd: &mut Command) -> Result<Vec<u8>, String> {
    let o = cmd.output().map_err(|e| e.to_string())?;
    if !o.status.success() {
        return Err(String::from_utf8_lossy(&o.stderr).into_owned());
    }
    Ok(o.stdout)
}

#[test]
fn table_matches_llvm_mc() {
    if !have("llvm-mc-19") {
        eprintln!("SKIP: llvm-mc-19 not installed");
        return;
    }
    let dir = tmpdir("mc");
    let src: String = TABLE.iter().map(|r| format!("\t{}\n", r.0)).collect();
    std::fs::write(dir.join("t.s"), &src).unwrap();
    run(Command::new("llvm-mc-19")
        .args(["-triple", "bpfel", "-mcpu=v4", "-filetype=obj", "-o"])
        .arg(dir.join("t.o"))
        .arg(dir.join("t.s")))
    .unwrap();
    let theirs = std::fs::read(dir.join("t.o")).unwrap();
    let f = object::File::parse(&*theirs).unwrap();
    let code = f.section_by_name(".text").unwrap().data().unwrap().to_vec();
    assert_eq!(hex(&code), TABLE.iter().map(|r| r.3).collect::<String>());
    assert_eq!(asm_text(&src).unwrap(), code);
}

#[test]
fn gnu_syntax_matches_bpf_as() {
    if !have("bpf-as") {
        eprintln!("SKIP: bpf-as not installed");
        return;
    }
    // binutils 2.40 predates the v4 instructions and `callx`.
    let new = [
        "sdiv", "smod", "movs", "bswap", "ldxs", "aadd", "aand", "aor", "axor", "af", "axchg",
        "acmp", "jal", "jcond", "callx",
    ];
    let rows: Vec<_> = TABLE
        .iter()
        .filter(|r| !r.2.is_empty() && !new.iter().any(|n| r.2.starts_with(n)))
        .collect();
    let dir = tmpdir("gas");
    let src: String = rows.iter().map(|r| format!("\t{}\n", r.2)).collect();
    std::fs::write(dir.join("t.s"), &src).unwrap();
    run(Command::new("bpf-as")
        .arg("-o")
        .arg(dir.join("t.o"))
        .arg(dir.join("t.s")))
    .unwrap();
    let theirs = std::fs::read(dir.join("t.o")).unwrap();
    let f = object::File::parse(&*theirs).unwrap();
    let code = f.section_by_name(".text").unwrap().data().unwrap().to_vec();
    assert_eq!(hex(&code), rows.iter().map(|r| r.3).collect::<String>());
    assert!(rows.len() > 120, "{}", rows.len());
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The testsuite programs with their `-mcpu`.
fn programs() -> Vec<(PathBuf, u8)> {
    let mut v: Vec<_> = std::fs::read_dir(repo().join("testsuite/programs"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "c"))
        .map(|p| {
            let expect = std::fs::read_to_string(p.with_extension("expect")).unwrap_or_default();
            let cpu = if expect.lines().any(|l| l.trim() == "cpu 4") {
                4
            } else {
                1
            };
            (p, cpu)
        })
        .collect();
    v.sort();
    v
}

/// Code sections: (name, bytes, relocations as (offset, type, symbol name)).
type Code = Vec<(String, Vec<u8>, Vec<(u64, u32, String)>)>;

fn code_of(obj: &[u8]) -> Code {
    let f = object::File::parse(obj).unwrap();
    let mut out = Vec::new();
    for s in f.sections() {
        let SectionFlags::Elf { sh_flags } = s.flags() else {
            continue;
        };
        if sh_flags & u64::from(object::elf::SHF_EXECINSTR) == 0 || s.size() == 0 {
            continue;
        }
        let mut rels = Vec::new();
        for (o, r) in s.relocations() {
            let RelocationFlags::Elf { r_type } = r.flags() else {
                continue;
            };
            let RelocationTarget::Symbol(i) = r.target() else {
                continue;
            };
            let sym = f.symbol_by_index(i).unwrap();
            let name = match sym.kind() {
                object::SymbolKind::Section => f
                    .section_by_index(sym.section_index().unwrap())
                    .unwrap()
                    .name()
                    .unwrap()
                    .to_string(),
                _ => sym.name().unwrap().to_string(),
            };
            rels.push((o, r_type, name));
        }
        out.push((
            s.name().unwrap().to_string(),
            s.data().unwrap().to_vec(),
            rels,
        ));
    }
    out
}

/// Symbols: (name, section name, value, size, kind, global, weak), sorted.
fn symbols_of(obj: &[u8]) -> Vec<(String, String, u64, u64, String, bool, bool)> {
    let f = object::File::parse(obj).unwrap();
    let mut v: Vec<_> = f
        .symbols()
        // clang's integrated assembler keeps the block labels an `asm goto`
        // jumps to as local symbols; they mean nothing to loaders.
        .filter(|s| {
            !(s.kind() == object::SymbolKind::Unknown
                && !s.is_global()
                && s.name().is_ok_and(|n| n.starts_with("LBB")))
        })
        .map(|s| {
            let sec = s
                .section_index()
                .and_then(|i| f.section_by_index(i).ok())
                .and_then(|x| x.name().ok().map(str::to_string))
                .unwrap_or_default();
            (
                s.name().unwrap_or("").to_string(),
                sec,
                s.address(),
                s.size(),
                format!("{:?}", s.kind()),
                s.is_global(),
                s.is_weak(),
            )
        })
        .collect();
    v.sort();
    v
}

fn clang(args: &[&str], src: &Path, out: &Path) -> Result<(), String> {
    run(Command::new("clang-19")
        .args(["--target=bpf", "-O2"])
        .args(args)
        .arg("-I")
        .arg(repo().join("runtime-headers"))
        .arg(src)
        .arg("-o")
        .arg(out))
    .map(|_| ())
}

#[test]
fn rept_matches_llvm_mc() {
    if !have("clang-19") {
        eprintln!("SKIP: clang-19 not installed");
        return;
    }
    let dir = tmpdir("rept");
    let cases = [
        // A count expression, numeric labels in the body (each copy its own).
        ".text\nr0 = 0\n.rept 1+2\n1: r0 += 1\n if r0 > 5 goto 1b\n.endr\nexit\n",
        // Nested, zero count, `;` separators as in inline asm.
        "r0 = 0; .rept 2; .rept 3; r0 += 2; .endr; .rept 0; r0 = 99; .endr; r0 *= 3; .endr; exit\n",
        // Data and a label after the body, branches across the copies.
        "goto end\n.rept 4\nr1 = r0\n.endr\nend: exit\n.data\n.rept 3\n.byte 1, 2\n.short 7\n.endr\n",
        // The selftests' verifier_gotol shape, with a long body.
        "gotol 1f\n0:\nr0 = 0\n.rept 40000\nr0 += 1\n.endr\nexit\n1: gotol 0b\n",
    ];
    for (k, text) in cases.iter().enumerate() {
        let src = dir.join(format!("rept{k}.s"));
        std::fs::write(&src, text).unwrap();
        let theirs = dir.join(format!("rept{k}.o"));
        run(Command::new("clang-19")
            .args(["--target=bpf", "-mcpu=v4", "-c"])
            .arg(&src)
            .arg("-o")
            .arg(&theirs))
        .unwrap();
        let ours = bpfcc::asm::assemble_file(text, "t.s")
            .unwrap_or_else(|(sources, d)| panic!("case {k}:\n{}", d.render(&sources)));
        let theirs = std::fs::read(&theirs).unwrap();
        assert_eq!(code_of(&ours), code_of(&theirs), "case {k}: {text}");
        let data = |obj: &[u8]| {
            let f = object::File::parse(obj).unwrap();
            f.section_by_name(".data")
                .map(|s| s.data().unwrap().to_vec())
        };
        assert_eq!(data(&ours), data(&theirs), "case {k}: {text}");
    }
}

#[test]
fn assembles_clang_s_output_into_clangs_code() {
    if !have("clang-19") {
        eprintln!("SKIP: clang-19 not installed");
        return;
    }
    let dir = tmpdir("clang-s");
    let (mut same, mut total) = (0, 0);
    for (p, cpu) in programs() {
        let n = p.file_stem().unwrap().to_string_lossy().into_owned();
        let mcpu = format!("-mcpu=v{cpu}");
        let (s, o) = (dir.join(format!("{n}.s")), dir.join(format!("{n}.o")));
        if clang(&[&mcpu, "-c"], &p, &o).is_err() {
            continue;
        }
        clang(&[&mcpu, "-S"], &p, &s).unwrap();
        total += 1;
        let text = std::fs::read_to_string(&s).unwrap();
        let ours =
            assemble_file(&text, &n).unwrap_or_else(|(s, d)| panic!("{n}: {}", d.render(&s)));
        let theirs = std::fs::read(&o).unwrap();
        assert_eq!(code_of(&ours), code_of(&theirs), "{n}");
        assert_eq!(symbols_of(&ours), symbols_of(&theirs), "{n}: symbols");
        same += 1;
    }
    eprintln!("clang -S output assembled into clang's code and symbols: {same}/{total}");
    assert!(total >= 100, "{total}");
}

/// bpfcc's object and `-S` text of a program.
fn bpfcc_build(p: &Path, cpu: u8) -> Option<(Vec<u8>, String)> {
    let mut o = Options {
        opt_level: 2,
        cpu_version: cpu,
        ..Options::default()
    };
    o.preprocess.cpu_version = cpu;
    let obj = compile(Input::File(p.to_path_buf()), &o).output?;
    o.emit = Emit::Assembly;
    let s = compile(Input::File(p.to_path_buf()), &o).output?;
    Some((obj, String::from_utf8(s).ok()?))
}

#[test]
fn bpfcc_s_output_reassembles_with_bpfcc_and_clang() {
    let dir = tmpdir("bpfcc-s");
    let with_clang = have("clang-19");
    let (mut n_ok, mut n_clang) = (0, 0);
    for (p, cpu) in programs() {
        let n = p.file_stem().unwrap().to_string_lossy().into_owned();
        let Some((obj, text)) = bpfcc_build(&p, cpu.max(3)) else {
            continue;
        };
        let ours =
            assemble_file(&text, &n).unwrap_or_else(|(s, d)| panic!("{n}: {}", d.render(&s)));
        assert_eq!(code_of(&ours), code_of(&obj), "{n}");
        n_ok += 1;
        if with_clang {
            let s = dir.join(format!("{n}.s"));
            let o = dir.join(format!("{n}.o"));
            std::fs::write(&s, &text).unwrap();
            run(Command::new("clang-19")
                .args(["--target=bpf", "-c"])
                .arg(&s)
                .arg("-o")
                .arg(&o))
            .unwrap_or_else(|e| panic!("{n}: {e}"));
            assert_eq!(
                code_of(&std::fs::read(&o).unwrap()),
                code_of(&obj),
                "{n}: clang"
            );
            n_clang += 1;
        }
    }
    eprintln!("bpfcc -S reassembled: {n_ok} by bpfcc, {n_clang} by clang");
    assert!(n_ok >= 90, "{n_ok}");
}

fn objdump_matches(obj: &Path, mcpu: Option<&str>) -> Result<(), String> {
    let mut cmd = Command::new("llvm-objdump-19");
    cmd.arg("-dr");
    if let Some(m) = mcpu {
        cmd.arg(m);
    }
    let theirs = String::from_utf8(run(cmd.arg(obj))?).unwrap();
    let opts = DisasmOptions {
        gnu: false,
        alu32: mcpu.is_some(),
    };
    let ours =
        disassemble_object_named(&std::fs::read(obj).unwrap(), &obj.to_string_lossy(), opts)?;
    if theirs != ours {
        return Err(format!(
            "{}:\n--- llvm-objdump\n{theirs}\n--- bpfcc\n{ours}",
            obj.display()
        ));
    }
    Ok(())
}

#[test]
fn disassembler_matches_llvm_objdump() {
    if !have("llvm-objdump-19") {
        eprintln!("SKIP: llvm-objdump-19 not installed");
        return;
    }
    let dir = tmpdir("objdump");
    let mut checked = 0;
    for (p, cpu) in programs() {
        let n = p.file_stem().unwrap().to_string_lossy().into_owned();
        if have("clang-19") {
            let o = dir.join(format!("{n}.clang.o"));
            if clang(&[&format!("-mcpu=v{cpu}"), "-c"], &p, &o).is_ok() {
                objdump_matches(&o, None).unwrap();
                objdump_matches(&o, Some("--mcpu=v4")).unwrap();
                checked += 2;
            }
        }
        if let Some((obj, _)) = bpfcc_build(&p, cpu.max(3)) {
            let o = dir.join(format!("{n}.bpfcc.o"));
            std::fs::write(&o, obj).unwrap();
            objdump_matches(&o, None).unwrap();
            checked += 1;
        }
    }
    // The table, assembled by us, every instruction kind.
    let src: String = TABLE.iter().map(|r| format!("\t{}\n", r.0)).collect();
    let o = dir.join("table.o");
    std::fs::write(
        &o,
        assemble_file(&src, "table.s").unwrap_or_else(|_| panic!()),
    )
    .unwrap();
    objdump_matches(&o, None).unwrap();
    objdump_matches(&o, Some("--mcpu=v4")).unwrap();
    eprintln!("objects disassembled like llvm-objdump: {}", checked + 2);
    assert!(checked >= 200, "{checked}");
}

/// The kernel selftests' `verifier_*.c` programs (inline asm, `__naked`
/// functions): bpfcc assembles clang's `-S` output of each into clang's code.
#[test]
fn assembles_clang_s_output_of_selftests_verifier_programs() {
    let (Some(linux), Some(vmlinux)) = (
        bpfcc::reference_sources::linux_source(),
        bpfcc::reference_sources::vmlinux_h(),
    ) else {
        eprintln!("SKIP: the kernel selftests or vmlinux.h missing (cargo xtask refs)");
        return;
    };
    let (linux, vmlinux) = (linux.as_path(), vmlinux.as_path());
    let selftests = linux.join("tools/testing/selftests/bpf");
    if !have("clang-19") {
        eprintln!("SKIP: clang-19 not installed");
        return;
    }
    let dir = tmpdir("selftests");
    // The selftests include "vmlinux.h" and <bpf/...> from the build tree.
    std::fs::copy(vmlinux, dir.join("vmlinux.h")).unwrap();
    std::fs::create_dir_all(dir.join("bpf")).unwrap();
    for e in std::fs::read_dir(linux.join("tools/lib/bpf")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "h") {
            std::fs::copy(&p, dir.join("bpf").join(p.file_name().unwrap())).unwrap();
        }
    }
    let defs = run(Command::new("python3")
        .arg(linux.join("scripts/bpf_doc.py"))
        .args(["--header", "--file"])
        .arg(linux.join("include/uapi/linux/bpf.h")));
    let Ok(defs) = defs else {
        eprintln!("SKIP: cannot generate bpf_helper_defs.h");
        return;
    };
    std::fs::write(dir.join("bpf/bpf_helper_defs.h"), defs).unwrap();
    let mut progs: Vec<PathBuf> = std::fs::read_dir(selftests.join("progs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("verifier_")
                && p.extension().is_some_and(|x| x == "c")
        })
        .collect();
    progs.sort();
    let (mut same, mut total) = (0, 0);
    for p in progs {
        let n = p.file_stem().unwrap().to_string_lossy().into_owned();
        let build = |kind: &str, out: &Path| {
            run(Command::new("clang-19")
                .args([
                    "--target=bpf",
                    "-O2",
                    "-mcpu=v3",
                    "-D__TARGET_ARCH_x86",
                    kind,
                ])
                .arg("-I")
                .arg(&dir)
                .arg("-I")
                .arg(&selftests)
                .arg("-I")
                .arg(selftests.join("progs"))
                .arg("-I")
                .arg(linux.join("tools/include"))
                .arg("-I")
                .arg(linux.join("tools/include/uapi"))
                .args(["-idirafter", "/usr/include/x86_64-linux-gnu"])
                .arg("-Wno-compare-distinct-pointer-types")
                .arg(&p)
                .arg("-o")
                .arg(out))
        };
        let (o, s) = (dir.join(format!("{n}.o")), dir.join(format!("{n}.s")));
        if build("-c", &o).is_err() {
            continue;
        }
        build("-S", &s).unwrap();
        total += 1;
        let text = std::fs::read_to_string(&s).unwrap();
        let ours =
            assemble_file(&text, &n).unwrap_or_else(|(s, d)| panic!("{n}: {}", d.render(&s)));
        assert_eq!(code_of(&ours), code_of(&std::fs::read(&o).unwrap()), "{n}");
        same += 1;
    }
    eprintln!("selftests verifier_*.c: clang -S assembled into clang's code: {same}/{total}");
    assert!(total >= 50, "{total}");
}

/// `template_pieces` on every asm statement of the selftests' verifier
/// programs, as parsed by bpfcc: the template's source spelling (literals
/// with `\` line splices, `\n`, `\t`, concatenation) maps back exactly, so a
/// diagnostic inside any of them can point at its true column.
#[test]
fn template_pieces_map_the_selftests_verifier_templates() {
    use bpfcc::asm::template_pieces;
    use bpfcc::parse::ast::StmtKind;
    use bpfcc::preprocess::{preprocess, MacroOp, PreprocessOptions};
    let (Some(linux), Some(vmlinux_dir)) = (
        bpfcc::reference_sources::linux_source(),
        bpfcc::reference_sources::vmlinux_dir(),
    ) else {
        eprintln!("SKIP: the kernel selftests or vmlinux.h missing (cargo xtask refs)");
        return;
    };
    let selftests = linux.join("tools/testing/selftests/bpf");
    let dir = tmpdir("template-pieces");
    let defs = run(Command::new("python3")
        .arg(linux.join("scripts/bpf_doc.py"))
        .args(["--header", "--file"])
        .arg(linux.join("include/uapi/linux/bpf.h")));
    let Ok(defs) = defs else {
        eprintln!("SKIP: cannot generate bpf_helper_defs.h");
        return;
    };
    std::fs::write(dir.join("bpf_helper_defs.h"), defs).unwrap();
    let options = PreprocessOptions {
        include_dirs: vec![
            selftests.clone(),
            linux.join("tools/lib"),
            selftests.join("progs"),
            vmlinux_dir,
            dir.clone(),
            linux.join("tools/include/uapi"),
        ],
        after_dirs: vec![
            "/usr/include".into(),
            "/usr/include/x86_64-linux-gnu".into(),
        ],
        macro_ops: vec![MacroOp::Define("__TARGET_ARCH_x86".into(), None)],
        cpu_version: 3,
        opt_level: 2,
        ..Default::default()
    };
    let mut progs: Vec<PathBuf> = std::fs::read_dir(selftests.join("progs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with("verifier_") && n.ends_with(".c")
        })
        .collect();
    progs.sort();
    let (mut exact, mut total, mut files, mut from_macros) = (0, 0, 0, 0);
    let mut misses = Vec::new();
    for p in progs {
        let mut sources = SourceMap::new();
        let mut interner = bpfcc::intern::Interner::new();
        let mut diags = bpfcc::diag::Diagnostics::new();
        let text = std::fs::read_to_string(&p).unwrap();
        let main = sources.add(p.display().to_string(), Some(p.clone()), text);
        let pp = preprocess(main, &options, &mut sources, &mut interner, &mut diags);
        if diags.has_errors() {
            continue;
        }
        let tu = bpfcc::parse::parse_with_expansions(
            &pp.tokens,
            &pp.expansions,
            &mut interner,
            &mut diags,
        );
        files += 1;
        for (_, st) in tu.stmts.iter() {
            let StmtKind::Asm(a) = &st.kind else {
                continue;
            };
            total += 1;
            let ts = a.template_span;
            let spelling = &sources.file(ts.file).text[ts.range()];
            // A template a macro made (`cond_break`, `barrier_var(i)`) has
            // the invocation as its span; one with `#if` lines or macros
            // between its literals spans those too: there the caller maps
            // literal by literal, or approximately.
            if !only_literals(spelling) {
                from_macros += 1;
                continue;
            }
            match template_pieces(spelling, ts, &a.template) {
                Some(pieces) => {
                    // Every piece lies inside the spelling, in order.
                    assert!(pieces
                        .windows(2)
                        .all(|w| w[0].0 < w[1].0 && w[0].1.end <= w[1].1.start));
                    assert!(pieces
                        .iter()
                        .all(|(_, s)| s.start >= ts.start && s.end <= ts.end));
                    exact += 1;
                }
                None => misses.push(format!("{}: {spelling:.60}", sources.describe(ts))),
            }
        }
    }
    eprintln!(
        "selftests verifier_*.c: {exact}/{total} asm templates mapped exactly, \
         {from_macros} made by or mixed with macros and #if ({files} files)"
    );
    assert!(
        files >= 90 && exact >= 1000,
        "{files} files, {exact} templates"
    );
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

/// Whether `spelling` is only string literals, whitespace and comments.
fn only_literals(spelling: &str) -> bool {
    let b = spelling.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => match spelling[i + 2..].find("*/") {
                Some(k) => i += k + 4,
                None => return false,
            },
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => return false,
        }
    }
    true
}
