//! Tests of semantic analysis: C snippets go through the preprocessor and
//! parser; the typed tree, layouts, constants and diagnostics are checked.
//! Layout numbers come from `clang-19 --target=bpf` on the same declarations.

use super::tir::{self, ExprKind, Program, StmtKind};
use super::types::{IntKind, TypeKind};
use super::SemaOptions;
use crate::diag::{Diagnostics, Severity};
use crate::intern::Interner;
use crate::preprocess::{self, PreprocessOptions};
use crate::source::SourceMap;

struct Checked {
    prog: Program,
    diags: Diagnostics,
    sources: SourceMap,
    interner: Interner,
}

impl Checked {
    fn errors(&self) -> Vec<String> {
        self.msgs(Severity::Error)
    }

    fn warnings(&self) -> Vec<String> {
        self.msgs(Severity::Warning)
    }

    /// `line:col: message` of each diagnostic of a severity.
    fn msgs(&self, sev: Severity) -> Vec<String> {
        self.diags
            .list
            .iter()
            .filter(|d| d.severity == sev)
            .map(|d| match d.span {
                Some(s) => {
                    let (l, c) = self.sources.line_col(s);
                    format!("{l}:{c}: {}", d.message)
                }
                None => d.message.clone(),
            })
            .collect()
    }

    fn global(&self, name: &str) -> &tir::Global {
        self.prog
            .globals
            .values()
            .find(|g| self.interner.resolve(g.name) == name)
            .unwrap_or_else(|| panic!("no global {name}"))
    }

    fn func(&self, name: &str) -> &tir::Function {
        self.prog
            .functions
            .values()
            .find(|f| self.interner.resolve(f.name) == name)
            .unwrap_or_else(|| panic!("no function {name}"))
    }

    /// The 8-byte little-endian values of a global `unsigned long v[]`.
    fn u64s(&self, name: &str) -> Vec<u64> {
        let g = self.global(name);
        let bytes = &g.init.as_ref().expect("initialized").bytes;
        bytes
            .chunks(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
            .collect()
    }
}

fn check_with(src: &str, cpu: u8) -> Checked {
    let mut sources = SourceMap::new();
    let mut interner = Interner::new();
    let mut diags = Diagnostics::new();
    let main = sources.add("t.c", None, src.to_string());
    let opts = PreprocessOptions {
        cpu_version: cpu,
        ..Default::default()
    };
    let pp = preprocess::preprocess(main, &opts, &mut sources, &mut interner, &mut diags);
    let tu = crate::parse::parse(&pp.tokens, &mut interner, &mut diags);
    assert!(
        !diags.has_errors(),
        "front end errors: {}",
        diags.render(&sources)
    );
    let prog = super::check(
        &tu,
        &mut interner,
        &SemaOptions { cpu_version: cpu },
        &mut diags,
    );
    Checked {
        prog,
        diags,
        sources,
        interner,
    }
}

fn check(src: &str) -> Checked {
    check_with(src, 3)
}

fn check_ok(src: &str) -> Checked {
    let c = check(src);
    assert!(
        c.errors().is_empty(),
        "unexpected errors: {:?}",
        c.diags.render(&c.sources)
    );
    c
}

#[test]
fn smoke() {
    let c = check_ok("int x; int f(int a) { return a + x; }");
    assert!(c.func("f").body.is_some());
}

/// The body statements of a function, flattened through blocks.
fn stmts(f: &tir::Function) -> Vec<&tir::Stmt> {
    fn walk<'a>(s: &'a tir::Stmt, out: &mut Vec<&'a tir::Stmt>) {
        out.push(s);
        if let StmtKind::Block(v) = &s.kind {
            for x in v {
                walk(x, out);
            }
        }
    }
    let mut out = Vec::new();
    for s in &f.body.as_ref().unwrap().body {
        walk(s, &mut out);
    }
    out
}

/// The expression of the function's first `return`.
fn ret_expr(f: &tir::Function) -> &tir::Expr {
    stmts(f)
        .into_iter()
        .find_map(|s| match &s.kind {
            StmtKind::Return(Some(e)) => Some(e),
            _ => None,
        })
        .expect("a return with a value")
}

#[test]
fn record_layouts_match_clang() {
    // Expected values from clang-19 --target=bpf on the same declarations.
    let c = check_ok(
        r#"
struct A { char a; int :3; };
struct B { char a; int b:3; };
struct C { char a; int :0; char b; };
struct D { char a; long b:40; int c:20; };
struct E { int a:4; char b; short c:10; };
struct __attribute__((packed)) F { char a; int b:20; int c; };
struct G { char a; char b[]; };
struct H { char a; int b __attribute__((aligned(16))); };
struct __attribute__((packed)) I { char a; int b __attribute__((aligned(2))); };
struct J { char a; struct { int x; char y; }; short z; };
struct K { char a; int b:4 __attribute__((aligned(8))); char c; };
struct __attribute__((aligned(8))) L { char a; };
struct M { char a; } __attribute__((packed, aligned(4)));
struct N { short a; char b; struct { char c; } __attribute__((packed)) d; };
union U { char a[5]; int b:3; };
struct P { char a; long b:3; };
struct Q { char a:4; char b:6; };
struct R { int a:31; int b:2; };
struct S { char a; _Alignas(8) char b; };
unsigned long v[] = {
 sizeof(struct A), _Alignof(struct A), sizeof(struct B), _Alignof(struct B),
 sizeof(struct C), _Alignof(struct C), __builtin_offsetof(struct C, b),
 sizeof(struct D), _Alignof(struct D), sizeof(struct E), _Alignof(struct E), __builtin_offsetof(struct E, b),
 sizeof(struct F), _Alignof(struct F), __builtin_offsetof(struct F, c),
 sizeof(struct G), sizeof(struct H), _Alignof(struct H), sizeof(struct I), _Alignof(struct I), __builtin_offsetof(struct I, b),
 sizeof(struct J), __builtin_offsetof(struct J, z), __builtin_offsetof(struct J, y),
 sizeof(struct K), __builtin_offsetof(struct K, c), _Alignof(struct K), sizeof(struct L), sizeof(struct M), _Alignof(struct M), sizeof(struct N),
 sizeof(union U), _Alignof(union U), sizeof(struct P), _Alignof(struct P), sizeof(struct Q), sizeof(struct R),
 sizeof(struct S), __builtin_offsetof(struct S, b),
};
"#,
    );
    assert_eq!(
        c.u64s("v"),
        vec![
            2, 1, 4, 4, 5, 1, 4, 16, 8, 4, 4, 1, 8, 1, 4, 1, 32, 16, 6, 2, 2, 16, 12, 8, 16, 9, 8,
            8, 4, 4, 4, 8, 4, 8, 8, 2, 8, 16, 8
        ]
    );
}

#[test]
fn zero_width_bitfields_match_clang() {
    // From vmlinux.h; clang: 64/1, 16/1, 8/1.
    let c = check_ok(
        r#"
struct a { char name[32]; unsigned short m; int: 0; unsigned b; unsigned c; unsigned long long d, e; unsigned p; } __attribute__((packed));
struct b { unsigned char g; unsigned char o[8]; char data[0]; long: 0; };
struct c { unsigned char e[6]; unsigned char f; long: 0; };
unsigned long v[] = { sizeof(struct a), _Alignof(struct a), sizeof(struct b), _Alignof(struct b), sizeof(struct c), _Alignof(struct c) };
"#,
    );
    assert_eq!(c.u64s("v"), vec![64, 1, 16, 1, 8, 1]);
}

#[test]
fn bitfield_storage_units() {
    let c = check_ok("struct D { char a; long b:40; int c:20; } d; struct __attribute__((packed)) F { char a; int b:20; int c; } f;");
    let rec = |name: &str| {
        c.prog
            .types
            .records
            .values()
            .find(|r| r.name.is_some_and(|n| c.interner.resolve(n) == name))
            .unwrap()
    };
    let d = rec("D");
    // b: bits 8..48 of the 8-byte unit at 0; c moved to the next int unit (bit 64).
    assert_eq!(
        (d.fields[1].offset, d.fields[1].bitfield.unwrap().bit_offset),
        (0, 8)
    );
    assert_eq!(
        (d.fields[2].offset, d.fields[2].bitfield.unwrap().bit_offset),
        (8, 0)
    );
    let f = rec("F");
    // Packed: b at bit 8, in a 4-byte unit starting at byte 1.
    let b = &f.fields[1];
    assert_eq!(b.offset * 8 + b.bitfield.unwrap().bit_offset as u64, 8);
    assert!(b.offset + 4 <= f.size);
}

#[test]
fn enum_types_match_clang() {
    let c = check_ok(
        r#"
enum E1 { X1 = -1 }; enum E2 { X2 = 0x80000000 }; enum E3 { X3 = 0x100000000 }; enum E4 { X4 = 1 };
enum __attribute__((packed)) E5 { X5 = 200 };
enum E6 : short { X6 };
enum E7 { A7, B7, C7 = 10, D7 };
unsigned long v[] = { sizeof(enum E1), sizeof(enum E2), sizeof(enum E3), sizeof(enum E5),
  (enum E4)-1 > 0, (enum E1)0 - 1 < 0, sizeof(X3), X2 > 0, sizeof(X2), sizeof(X1), sizeof(enum E6), D7, B7 };
"#,
    );
    assert_eq!(c.u64s("v"), vec![4, 4, 8, 1, 1, 1, 8, 1, 4, 4, 2, 11, 1]);
    let e = c
        .prog
        .types
        .enums
        .values()
        .find(|e| e.name.is_some_and(|n| c.interner.resolve(n) == "E4"))
        .unwrap();
    assert_eq!(e.underlying, IntKind::UInt);
}

#[test]
fn constant_expressions() {
    let c = check_ok(
        r#"
struct in { int x; int arr[4]; };
struct out { char c; struct in b[5]; };
enum { N = 3 };
_Static_assert(sizeof(int) == 4, "int");
_Static_assert(__builtin_offsetof(struct out, b[3].arr[2]) == 4 + 3 * 20 + 4 + 8, "offsetof");
char arr[N * 2 + 1];
int sel = __builtin_choose_expr(1, 10, 20);
int cp = __builtin_constant_p(N) + __builtin_constant_p(sel);
long v[] = { (unsigned char)300, (signed char)200, -1u > 0, 7 / 2, -7 / 2, -7 % 3, 1 << 4,
  -1 >> 1, 0xffffffffu + 1, (1 ? 5 : 6), 0 && sel, 1 || sel, ~0u, !5, sizeof arr,
  __builtin_types_compatible_p(int, const int), __builtin_types_compatible_p(int, long),
  _Generic(1ul, unsigned long: 4, default: 5), 'a', sizeof("abc"), __builtin_bswap32(0x11223344) };
"#,
    );
    let v: Vec<i64> = c.u64s("v").into_iter().map(|x| x as i64).collect();
    assert_eq!(
        v,
        vec![
            44, -56, 1, 3, -3, -1, 16, -1, 0, 5, 0, 1, 0xffffffff, 0, 7, 1, 0, 4, 97, 4, 0x44332211
        ]
    );
    assert_eq!(
        c.global("sel").init.as_ref().unwrap().bytes,
        vec![10, 0, 0, 0]
    );
    let cp = &c.global("cp").init.as_ref().unwrap().bytes;
    assert_eq!(cp[0], 1);
    // A const local with a constant initializer counts (bpf_experimental.h).
    let c = check_ok("int f(int v) { const long k = 5; long m = 6; _Static_assert(__builtin_constant_p(k), \"k\"); return __builtin_constant_p(m) + __builtin_constant_p(v); }");
    assert!(matches!(ret_expr(c.func("f")).kind, ExprKind::Const(0)));
    // An always_inline function's parameter is decided after inlining.
    let c = check_ok("static inline __attribute__((always_inline)) int g(int v) { return __builtin_constant_p(v); }\nint f(void) { return g(1); }");
    assert!(matches!(
        ret_expr(c.func("g")).kind,
        ExprKind::Builtin(tir::Builtin::ConstantP, _)
    ));
}

#[test]
fn constant_expression_errors() {
    let c =
        check("int n;\nint a[n];\n_Static_assert(1 == 2, \"nope\");\nstruct s { int x : 40; };\n");
    assert_eq!(
        c.errors(),
        vec![
            "2:7: variable length arrays are not supported",
            "3:1: static assertion failed: nope",
            "4:20: width of bit-field (40 bits) exceeds the width of its type (32 bits)",
        ]
    );
}

#[test]
fn global_initializers() {
    let c = check_ok(
        r#"
struct p { char c; int x; short y[3]; };
struct p a = { 1, 2, { 3, 4 } };
struct p b = { .y[1] = 9, .c = 5 };
struct p c[] = { 1, 2, 3, 4, 5, [2].x = 7 };
int d[10] = { [2 ... 4] = 6, 8 };
char s[] = "hi";
char t[2] = "hi";
struct bf { int a:3; unsigned b:5; int c; } e = { -1, 17, 3 };
union u { char c; int i; } f = { .i = 0x01020304 };
int g;
int *pg = &g;
int *pg2 = &d[3];
struct p *pc = &c[1];
"#,
    );
    let bytes = |n: &str| c.global(n).init.as_ref().unwrap().bytes.clone();
    assert_eq!(
        bytes("a"),
        vec![1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0]
    );
    assert_eq!(
        bytes("b"),
        vec![5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0]
    );
    let cb = bytes("c");
    assert_eq!(cb.len(), 48, "3 elements: brace elision then [2].x");
    assert_eq!(
        &cb[0..16],
        &[1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 4, 0, 5, 0, 0, 0]
    );
    assert!(cb[16..36].iter().all(|b| *b == 0));
    assert_eq!(&cb[36..40], &[7, 0, 0, 0]);
    let d: Vec<u32> = bytes("d")
        .chunks(4)
        .map(|x| u32::from_le_bytes(x.try_into().unwrap()))
        .collect();
    assert_eq!(d, vec![0, 0, 6, 6, 6, 8, 0, 0, 0, 0]);
    assert_eq!(bytes("s"), b"hi\0");
    assert_eq!(bytes("t"), b"hi");
    // a = -1 in 3 bits (7), b = 17 at bit 3: 7 | 17 << 3 = 0x8f.
    assert_eq!(bytes("e"), vec![0x8f, 0, 0, 0, 3, 0, 0, 0]);
    assert_eq!(bytes("f"), vec![4, 3, 2, 1]);
    let reloc = |n: &str| {
        let r = &c.global(n).init.as_ref().unwrap().relocs[0];
        let tir::SymbolRef::Global(g) = r.target else {
            panic!()
        };
        (
            c.interner.resolve(c.prog.globals[g].name).to_string(),
            r.offset,
            r.addend,
        )
    };
    assert_eq!(reloc("pg"), ("g".to_string(), 0, 0));
    assert_eq!(reloc("pg2"), ("d".to_string(), 0, 12));
    assert_eq!(reloc("pc"), ("c".to_string(), 0, 16));
    assert!(c.global("g").init.is_none());
}

#[test]
fn local_initializers_flatten() {
    let c = check_ok(
        r#"
struct p { char c; int x:4; int y; };
int f(int v) { struct p a = { .y = v, .x = 3 }; char s[] = "ab"; int n = v; return a.y + s[0] + n; }
"#,
    );
    let f = c.func("f");
    let decls: Vec<_> = stmts(f)
        .into_iter()
        .filter_map(|s| match &s.kind {
            StmtKind::Decl { local, init } => Some((*local, init.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(decls.len(), 3);
    let Some(tir::LocalInit::Aggregate(stores)) = &decls[0].1 else {
        panic!()
    };
    // x:4 shares the int unit at 0 with c (bits 8..12); y is at 4.
    assert!(matches!(
        stores[0],
        tir::InitStore::Value {
            offset: 4,
            bitfield: None,
            ..
        }
    ));
    assert!(matches!(
        stores[1],
        tir::InitStore::Value {
            offset: 0,
            bitfield: Some(super::types::BitField {
                bit_offset: 8,
                width: 4
            }),
            ..
        }
    ));
    let Some(tir::LocalInit::Aggregate(s2)) = &decls[1].1 else {
        panic!()
    };
    assert!(matches!(&s2[0], tir::InitStore::Bytes { offset: 0, bytes } if bytes == b"ab\0"));
    let body = f.body.as_ref().unwrap();
    assert_eq!(c.prog.types.size_of(body.locals[decls[1].0].ty.ty), Some(3));
    assert!(matches!(decls[2].1, Some(tir::LocalInit::Expr(_))));
}

#[test]
fn conversions_and_pointer_arithmetic() {
    let c = check_ok(
        r#"
int add(char a, char b) { return a + b; }
long *padd(long *p, int i) { return p + i; }
long pdiff(int *a, int *b) { return a - b; }
void *vadd(void *p) { return p + 3; }
unsigned mix(int a, unsigned b) { return a < b; }
long gnu(long a, long b) { return a ?: b; }
"#,
    );
    // char + char: both promoted to int.
    let e = ret_expr(c.func("add"));
    let ExprKind::Binary(tir::BinOp::Add, l, r) = &e.kind else {
        panic!("{e:?}")
    };
    assert_eq!(c.prog.types.int_kind(l.ty.ty), Some(IntKind::Int));
    assert!(matches!(l.kind, ExprKind::Cast(_)) && matches!(r.kind, ExprKind::Cast(_)));
    let e = ret_expr(c.func("padd"));
    let ExprKind::PtrAdd {
        scale: 8, index, ..
    } = &e.kind
    else {
        panic!("{e:?}")
    };
    assert_eq!(c.prog.types.int_kind(index.ty.ty), Some(IntKind::Long));
    assert!(matches!(
        ret_expr(c.func("pdiff")).kind,
        ExprKind::PtrDiff { scale: 4, .. }
    ));
    // GNU: void * arithmetic with scale 1.
    let e = ret_expr(c.func("vadd"));
    assert!(matches!(e.kind, ExprKind::PtrAdd { scale: 1, .. }), "{e:?}");
    // int < unsigned compares as unsigned; the result is int, converted back.
    let e = ret_expr(c.func("mix"));
    let ExprKind::Cast(inner) = &e.kind else {
        panic!("{e:?}")
    };
    let ExprKind::Binary(tir::BinOp::Lt, l, _) = &inner.kind else {
        panic!()
    };
    assert_eq!(c.prog.types.int_kind(l.ty.ty), Some(IntKind::UInt));
    // a ?: b: `a` stored once in a temporary.
    let e = ret_expr(c.func("gnu"));
    let ExprKind::Cond { cond, then, .. } = &e.kind else {
        panic!("{e:?}")
    };
    assert!(matches!(cond.kind, ExprKind::Assign { .. }));
    assert!(matches!(&then.kind, ExprKind::Load(l) if matches!(l.kind, ExprKind::Local(_))));
}

#[test]
fn member_access_folds_offsets() {
    let c = check_ok(
        r#"
struct in { int a; int b; };
struct out { long x; struct in i; union { int u; char c[8]; }; };
int f(struct out *o) { return o->i.b + o->c[2]; }
"#,
    );
    let e = ret_expr(c.func("f"));
    let ExprKind::Binary(_, l, r) = &e.kind else {
        panic!()
    };
    let ExprKind::Load(m) = &l.kind else {
        panic!("{l:?}")
    };
    assert!(
        matches!(m.kind, ExprKind::Member { offset: 12, .. }),
        "{m:?}"
    );
    // o->c[2]: anonymous union at 16, array decayed, indexed.
    let ExprKind::Cast(x) = &r.kind else {
        panic!("{r:?}")
    };
    let ExprKind::Load(d) = &x.kind else { panic!() };
    let ExprKind::Deref(p) = &d.kind else {
        panic!()
    };
    let ExprKind::PtrAdd { ptr, .. } = &p.kind else {
        panic!("{p:?}")
    };
    let ExprKind::AddrOf(arr) = &ptr.kind else {
        panic!()
    };
    assert!(matches!(arr.kind, ExprKind::Member { offset: 16, .. }));
}

#[test]
fn helpers_direct_calls() {
    let c = check_ok(
        r#"
enum { HELPER_ID = 14 };
static long (* const bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;
long bpf_get_pid(void) __attribute__((kernel_helper(HELPER_ID)));
int f(void *m) {
  int k = 0;
  bpf_map_lookup_elem(m, &k);
  bpf_map_lookup_elem(m, &k);
  return bpf_get_pid();
}
"#,
    );
    assert_eq!(c.global("bpf_map_lookup_elem").helper_id, Some(1));
    assert_eq!(c.func("bpf_get_pid").helper_id, Some(14));
    let calls: Vec<_> = stmts(c.func("f"))
        .into_iter()
        .filter_map(|s| match &s.kind {
            StmtKind::Expr(e) => match &e.kind {
                ExprKind::Call { callee, .. } => Some(callee.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(calls.len(), 2);
    assert!(calls.iter().all(|c| matches!(c, tir::Callee::Helper(1))));
    let e = ret_expr(c.func("f"));
    let ExprKind::Cast(call) = &e.kind else {
        panic!("{e:?}")
    };
    assert!(matches!(
        call.kind,
        ExprKind::Call {
            callee: tir::Callee::Helper(14),
            ..
        }
    ));
}

#[test]
fn packet_load_builtins() {
    let c = check_ok(
        r#"
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");
int f(void *skb) { return __builtin_bpf_load_byte(14) + load_half(skb, 12); }
"#,
    );
    let e = ret_expr(c.func("f"));
    let ExprKind::Cast(x) = &e.kind else {
        panic!("{e:?}")
    };
    let ExprKind::Binary(_, l, r) = &x.kind else {
        panic!()
    };
    let ExprKind::Builtin(tir::Builtin::LoadPacket { width: 1 }, a) = &l.kind else {
        panic!("{l:?}")
    };
    assert!(matches!(&a[0].kind, ExprKind::Load(p) if matches!(p.kind, ExprKind::Local(_))));
    assert!(matches!(
        r.kind,
        ExprKind::Builtin(tir::Builtin::LoadPacket { width: 2 }, _)
    ));
    let c = check("int g(void) { return __builtin_bpf_load_word(0); }");
    assert_eq!(c.errors().len(), 1);
}

#[test]
fn synthesized_globals() {
    let c = check_ok(
        r#"
const char *a = "x";
int f(void) { static int counter = 5; const char *s = "yy"; const char *t = "x"; counter++; return s[0] + t[0]; }
int *cl = (int[]){ 1, 2 };
"#,
    );
    assert_eq!(c.global(".L.str").init.as_ref().unwrap().bytes, b"x\0");
    assert_eq!(c.global(".L.str.1").init.as_ref().unwrap().bytes, b"yy\0");
    let st = c.global("f.counter");
    assert!(st.synthesized && st.linkage == tir::Linkage::Internal);
    assert_eq!(st.init.as_ref().unwrap().bytes, vec![5, 0, 0, 0]);
    assert!(c.global(".compoundliteral").synthesized);
}

#[test]
fn wide_strings() {
    let c = check_ok("unsigned short a[] = u\"a\\u00e9\"; int b[] = L\"\\u00e9\"; unsigned long n = sizeof(U\"xy\");");
    assert_eq!(
        c.global("a").init.as_ref().unwrap().bytes,
        vec![0x61, 0, 0xe9, 0, 0, 0]
    );
    assert_eq!(
        c.global("b").init.as_ref().unwrap().bytes,
        vec![0xe9, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(c.u64s("n"), vec![12]);
}

#[test]
fn const_objects_fold_in_static_initializers() {
    // As clang (GNU extension), from bpf_cubic.c.
    let c = check_ok("static const int beta = 717; static const unsigned scale = 8 * (1024 + beta) / 3; unsigned long v = scale;");
    assert_eq!(c.u64s("v"), vec![(8 * (1024 + 717) / 3) as u64]);
    let c = check("static int notconst = 1; static int w = notconst;");
    assert_eq!(
        c.errors(),
        vec!["1:41: initializer element is not a compile-time constant"]
    );
}

#[test]
fn typedefs_stay_as_sugar() {
    let c = check_ok("typedef unsigned int u32; typedef u32 __be32; __be32 x; typeof(x) y; __typeof_unqual__(const int) z;");
    let g = c.global("x");
    assert!(matches!(
        c.prog.types.kind(g.ty.ty),
        TypeKind::Typedef { .. }
    ));
    assert_eq!(c.prog.types.int_kind(g.ty.ty), Some(IntKind::UInt));
    assert_eq!(c.global("y").ty.ty, g.ty.ty);
    assert!(!c.global("z").ty.quals.is_const);
}

#[test]
fn switch_cases() {
    let c = check_ok(
        r#"
int f(unsigned char x) {
  switch (x) { case 1: return 1; case 2 ... 4: return 2; case 'a': break; default: return 0; }
  return 3;
}
"#,
    );
    let sw = stmts(c.func("f"))
        .into_iter()
        .find_map(|s| match &s.kind {
            StmtKind::Switch {
                cases,
                default,
                cond,
                ..
            } => Some((cases.clone(), *default, cond.ty.ty)),
            _ => None,
        })
        .unwrap();
    let ranges: Vec<_> = sw.0.iter().map(|c| (c.lo, c.hi)).collect();
    assert_eq!(ranges, vec![(1, 1), (2, 4), (97, 97)]);
    assert!(sw.1.is_some());
    assert_eq!(c.prog.types.int_kind(sw.2), Some(IntKind::Int));
}

#[test]
fn diagnostics_with_positions() {
    let c = check(
        r#"struct s { int a; };
int f(struct s *p) {
  int x = y;
  return p->b;
}
int g(int a, int b, int c, int d, int e, int h) { return a; }
int k(void) { undeclared_fn(1); break; goto nowhere; }
int m(int v) { return v / 3; }
int n(int v) { int r = v; switch (v) { case 1: case 1: r = 2; } continue; return r; }
struct s r(void);
int q(void) { int z = 1.5; return z(); }
"#,
    );
    assert_eq!(
        c.errors(),
        vec![
            "3:11: use of undeclared identifier 'y'",
            "4:13: no member named 'b' in 'struct s'",
            "6:5: too many arguments: BPF passes at most 5 arguments in registers",
            "7:15: call to undeclared function 'undeclared_fn'; ISO C99 and later do not support implicit function declarations",
            "7:33: 'break' statement not in loop or switch statement",
            "7:45: use of undeclared label 'nowhere'",
            "8:23: unsupported signed division, please convert to unsigned div/mod.",
            "9:48: duplicate case value '1'",
            "9:65: 'continue' statement not in loop statement",
            "11:23: floating point is not supported by BPF",
            "11:35: called object type 'int' is not a function or function pointer",
        ]
    );
}

#[test]
fn signed_division_allowed_from_v4() {
    let c = check_with(
        "int m(int v) { return v / 3 + v % 2; } unsigned u(unsigned v) { return v / 3; }",
        4,
    );
    assert!(c.errors().is_empty());
    let c = check("unsigned u(unsigned v) { return v / 3; } int k = -7 / 2;");
    assert!(c.errors().is_empty(), "{:?}", c.errors());
}

#[test]
fn signed_division_that_clang_optimizes_away() {
    // Non-negative operands divide as unsigned; `% 2^k` tested against zero
    // only looks at low bits. Other signed divisions stay errors.
    let c = check(
        "int f(unsigned char c, int x) {\n  int a = c / 64;\n  if (x % 2 == 0) a++;\n  if (x % 4) a++;\n  return a + (x & 7) % 3;\n}\nint g(int x) { return x % 4; }\n",
    );
    assert_eq!(
        c.errors(),
        vec!["7:23: unsupported signed division, please convert to unsigned div/mod."]
    );
    let f = c.func("f");
    let decl = stmts(f)
        .into_iter()
        .find_map(|s| match &s.kind {
            StmtKind::Decl {
                init: Some(tir::LocalInit::Expr(e)),
                ..
            } => Some(e.clone()),
            _ => None,
        })
        .unwrap();
    let ExprKind::Cast(div) = &decl.kind else {
        panic!("{decl:?}")
    };
    assert!(matches!(div.kind, ExprKind::Binary(tir::BinOp::Div, ..)));
    assert_eq!(c.prog.types.int_kind(div.ty.ty), Some(IntKind::UInt));
}

#[test]
fn unsupported_features_only_in_reachable_static_functions() {
    let src = "struct s { int a; };\nstatic inline int unused(struct s *p) { return __builtin_preserve_field_info(p->a, 0); }\nstatic inline int used(char *p) { return __sync_fetch_and_add(p, 1); }\nstatic int via_pointer(void) { double d = 1.0; return 0; }\nint (*fp)(void) = via_pointer;\nint prog(char *p) { return used(p); }\n";
    let c = check(src);
    assert_eq!(
        c.errors(),
        vec![
            "3:63: unsupported atomic operation, please use 32/64 bit version",
            "4:43: floating point is not supported by BPF",
        ]
    );
}

#[test]
fn errors_do_not_cascade() {
    let c = check("int f(void) { int a = nope + 1; a = nope->x * 2; return nope(3); }");
    assert_eq!(c.errors().len(), 3, "{:?}", c.errors());
    let e = c.errors();
    assert!(e[..2]
        .iter()
        .all(|e| e.contains("undeclared identifier 'nope'")));
    assert!(e[2].contains("call to undeclared function 'nope'"));
}

#[test]
fn labels_goto_and_asm() {
    let c = check_ok(
        r#"
int f(int x) {
  int out;
  { __label__ done; if (x) goto done; x++; done: ; }
  again:
  if (x-- > 3) goto again;
  asm volatile("%0 = %1" : "=r"(out) : "r"(x) : "r0");
  return out;
}
"#,
    );
    let f = c.func("f");
    assert_eq!(f.body.as_ref().unwrap().labels.len(), 2);
    let asm = stmts(f)
        .into_iter()
        .find_map(|s| match &s.kind {
            StmtKind::Asm(a) => Some(a.clone()),
            _ => None,
        })
        .unwrap();
    assert!(matches!(asm.outputs[0].expr.kind, ExprKind::Local(_)));
    assert!(matches!(asm.inputs[0].expr.kind, ExprKind::Load(_)));
    assert_eq!(asm.clobbers, vec![b"r0".to_vec()]);
    let c = check("int f(int x) { asm(\"\" : \"=r\"(x + 1)); return x; }");
    assert_eq!(c.errors(), vec!["1:25: invalid lvalue in asm output"]);
}

#[test]
fn memory_builtins_and_bswap() {
    let c = check_ok(
        r#"
struct s { long a, b; };
int f(struct s *d, struct s *src, unsigned v) {
  __builtin_memcpy(d, src, sizeof(*d));
  __builtin_memset(src, 0, 8);
  return __builtin_bswap32(v) + __builtin_bswap16(0x1234);
}
"#,
    );
    let st = stmts(c.func("f"));
    let builtins: Vec<_> = st
        .iter()
        .filter_map(|s| match &s.kind {
            StmtKind::Expr(e) => match &e.kind {
                ExprKind::Builtin(b, args) => Some((*b, args.len())),
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(
        builtins,
        vec![
            (tir::Builtin::Memcpy { size: 16 }, 2),
            (tir::Builtin::Memset { size: 8 }, 2)
        ]
    );
    let e = ret_expr(c.func("f"));
    let ExprKind::Cast(sum) = &e.kind else {
        panic!("{e:?}")
    };
    let ExprKind::Binary(_, l, r) = &sum.kind else {
        panic!()
    };
    assert!(matches!(
        l.kind,
        ExprKind::Builtin(tir::Builtin::Bswap { bits: 32 }, _)
    ));
    // bswap16 of a constant is folded: 0x3412, promoted.
    assert!(matches!(r.kind, ExprKind::Const(0x3412)));
    // Declared library functions are the builtins, as with clang.
    let c = check_ok("void *memcpy(void *, const void *, unsigned long); void f(long *d, long *s) { memcpy(d, s, 8); }");
    assert!(stmts(c.func("f")).iter().any(|s| matches!(&s.kind, StmtKind::Expr(e) if matches!(e.kind, ExprKind::Builtin(tir::Builtin::Memcpy { size: 8 }, _)))));
    let c = check("void f(char *d, char *s, int n) { __builtin_memcpy(d, s, n); }");
    assert_eq!(c.errors().len(), 1);
}

#[test]
fn typeof_auto_type_generic() {
    let c = check_ok(
        r#"
int f(long v) {
  __auto_type a = v + 1;
  typeof(a) b = a;
  int k = _Generic(b, long: 1, int: 2, default: 3);
  return k + sizeof(b);
}
"#,
    );
    let f = c.func("f");
    let body = f.body.as_ref().unwrap();
    let tys: Vec<_> = body
        .locals
        .values()
        .filter_map(|l| {
            l.name.map(|n| {
                (
                    c.interner.resolve(n).to_string(),
                    c.prog.types.int_kind(l.ty.ty),
                )
            })
        })
        .collect();
    assert!(tys.contains(&("a".to_string(), Some(IntKind::Long))));
    assert!(tys.contains(&("b".to_string(), Some(IntKind::Long))));
    let k = stmts(f)
        .into_iter()
        .find_map(|s| match &s.kind {
            StmtKind::Decl {
                local,
                init: Some(tir::LocalInit::Expr(e)),
            } if body.locals[*local]
                .name
                .is_some_and(|n| c.interner.resolve(n) == "k") =>
            {
                Some(e.clone())
            }
            _ => None,
        })
        .unwrap();
    assert!(matches!(k.kind, ExprKind::Const(1)));
}

#[test]
fn forward_declared_records_and_flexible_arrays() {
    let c = check_ok(
        r#"
struct node;
struct list { struct node *head; };
struct node { struct node *next; int v; };
struct msg { int len; char data[]; };
int f(struct list *l, struct msg *m) { return l->head->next->v + m->data[1] + sizeof(struct msg); }
union { struct { int a, b; }; long all; } u = { .b = 2 };
"#,
    );
    assert_eq!(
        c.global("u").init.as_ref().unwrap().bytes,
        vec![0, 0, 0, 0, 2, 0, 0, 0]
    );
    let c = check("struct later;\nint f(struct later *p) { return p->x; }\nstruct later v;\n");
    assert_eq!(
        c.errors(),
        vec![
            "2:36: incomplete definition of type 'struct later'",
            "3:14: tentative definition has type 'struct later' that is never completed",
        ]
    );
}

#[test]
fn cleanup_variables_run_at_scope_exits() {
    let c = check_ok(
        r#"
struct it { long a; };
void destroy(struct it *p);
int use(struct it *p);
int f(int n) {
  int r = 0;
  for (struct it x __attribute__((cleanup(destroy))) = {0}; n > 0; n--) {
    if (use(&x)) break;
    if (n == 3) continue;
    struct it y __attribute__((cleanup(destroy)));
    if (use(&y)) return r;
    r++;
  }
  return r;
}
"#,
    );
    // Count the calls of destroy() in the whole body.
    fn count(s: &tir::Stmt, n: &mut usize) {
        match &s.kind {
            StmtKind::Expr(e) => {
                if let ExprKind::Call {
                    callee: tir::Callee::Direct(_),
                    args,
                } = &e.kind
                {
                    if matches!(args[0].kind, ExprKind::AddrOf(_)) {
                        *n += 1;
                    }
                }
            }
            StmtKind::Block(v) => v.iter().for_each(|s| count(s, n)),
            StmtKind::If { then, els, .. } => {
                count(then, n);
                if let Some(e) = els {
                    count(e, n);
                }
            }
            StmtKind::For { body, .. } => count(body, n),
            _ => {}
        }
    }
    let mut n = 0;
    for s in &c.func("f").body.as_ref().unwrap().body {
        count(s, &mut n);
    }
    // break: none (it lands before the loop's own cleanup, which then runs
    // x's once); continue: none (x's scope is the loop's); the inner return:
    // y and x; the end of the body: y; after the loop: x.
    assert_eq!(n, 2 + 1 + 1);
}

#[test]
fn statement_expression_ending_in_a_label() {
    // libbpf's __bpf_cmp: `({ __label__ l; ...; asm goto(... : l); ret = 1; l: ret; })`.
    let c = check_ok(
        r#"
int f(int x) {
  int r = ({ __label__ l_true; int ret = 0;
             asm volatile goto("if %[v] > 3 goto %l[l_true]" :: [v] "r"(x) :: l_true);
             ret = 1;
           l_true:
             ret; });
  return r;
}
"#,
    );
    assert!(c.func("f").body.is_some());
}

#[test]
fn bitfield_promotions_match_clang() {
    let c = check_ok(
        r#"
struct s { long a:20; unsigned long b:32; unsigned long c:40; unsigned d:31; };
unsigned long v[] = { sizeof(((struct s*)0)->a + 0), sizeof(((struct s*)0)->b + 0), sizeof(((struct s*)0)->c + 0),
  _Generic(((struct s*)0)->d + 0, int: 1, default: 0), _Generic(((struct s*)0)->b + 0, unsigned: 1, default: 0) };
"#,
    );
    assert_eq!(c.u64s("v"), vec![4, 4, 8, 1, 1]);
}

#[test]
fn constant_folding_matches_clang() {
    // Values from `clang-19 --target=bpf -S -emit-llvm` of the same array.
    let c = check_ok(
        r#"
enum E { EA = -3, EB = 7 };
struct S { char c; short s; int i; long l; unsigned char uc; };
long v[] = {
  (char)200, (unsigned char)-1, (short)70000, (unsigned short)-1, -1 > 0u, -1L > 0u, -1 > 0ul,
  sizeof(1 ? (char)1 : (short)1), sizeof(1 ? 1 : 1L), sizeof((char)1 + (char)1), sizeof(~(unsigned char)0),
  ~(unsigned char)0, -(unsigned)1, (unsigned)-1 >> 1, -8 >> 1, 1u << 31, (int)(1u << 31), 0x7fffffff + 1u,
  (long)(int)0x80000000u, (unsigned long)-1 / 3, -7 % 3u, 7 % -3, EA + EB, sizeof(EA), EA < 0, (enum E)-1 < 0,
  sizeof(struct S), __builtin_offsetof(struct S, l), __builtin_offsetof(struct S, uc), sizeof((struct S*)0)->s,
  (long)&((struct S*)0)->i, 'a' + '\n', '\377', sizeof('a'), sizeof(u8"x"), sizeof(L"ab"), L'a',
  0 ? 1 : 2, 3 ?: 4, 0 ?: 5, !0, !!7, 5 && 0, 0 || 3, (1, 2), sizeof(int[3][4]), _Alignof(long long),
  (signed char)0x80 >> 1, (unsigned short)0x8000 << 1, 0xffffffffffffffff >> 63, 18446744073709551615u == -1,
  (_Bool)2, sizeof(_Bool), 4000000000, sizeof(4000000000), sizeof(0x80000000),
  sizeof(2147483648), 1 ? -1 : 0u, (long)(1 ? -1 : 0u), __builtin_constant_p(3 + 4), __builtin_choose_expr(0, 1, 2),
};
"#,
    );
    let v: Vec<i64> = c.u64s("v").into_iter().map(|x| x as i64).collect();
    let want: Vec<i64> = vec![
        -56,
        255,
        4464,
        65535,
        1,
        0,
        1,
        4,
        8,
        4,
        4,
        -1,
        4294967295,
        2147483647,
        -4,
        2147483648,
        -2147483648,
        2147483648,
        -2147483648,
        6148914691236517205,
        0,
        1,
        4,
        4,
        1,
        1,
        24,
        8,
        16,
        2,
        4,
        107,
        -1,
        4,
        2,
        12,
        97,
        2,
        3,
        5,
        1,
        1,
        0,
        1,
        2,
        48,
        8,
        -64,
        65536,
        1,
        1,
        1,
        1,
        4000000000,
        8,
        4,
        8,
        4294967295,
        4294967295,
        1,
        2,
    ];
    assert_eq!(v, want);
}

#[test]
fn aggregate_returns_are_rejected() {
    let c = check("struct s { int a; };\nstruct s mk(void) { struct s v = {1}; return v; }\nint use(struct s v) { return v.a; }\n");
    assert_eq!(
        c.errors(),
        vec!["2:10: aggregate returns are not supported by BPF"]
    );
}

#[test]
fn inline_functions_escape_calling_convention_limits() {
    // As with clang: functions that are inlined away are not bound by the
    // BPF calling convention; empty records need no register.
    let c = check(
        r#"
typedef struct {} empty_t;
struct s { int a; };
static inline empty_t mk(void) { empty_t e = {}; return e; }
static __attribute__((always_inline)) int six(int a, int b, int c, int d, int e, int f) { return a + f; }
static inline struct s get(int v) { struct s r = { v }; return r; }
int user(int v) { empty_t e = mk(); struct s x = get(v); return six(1, 2, 3, 4, 5, v) + x.a; }
"#,
    );
    assert!(c.errors().is_empty(), "{:?}", c.errors());
}

#[test]
fn warnings_for_pointer_mismatch() {
    let c = check("int f(long *p) { int *q = p; const int *r = q; int *s = r; return *s; }");
    assert!(c.errors().is_empty());
    let w = c.warnings();
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(w[0].contains("incompatible pointer types"));
    assert!(w[1].contains("discards qualifiers"));
    let c = check("int f(long v) { int *q = v; return 0; }");
    assert!(c.errors().is_empty());
    assert!(c.warnings()[0].contains("incompatible integer to pointer conversion"));
}

#[test]
fn redeclarations_merge() {
    let c = check_ok(
        r#"
extern int x;
int x = 3;
int y;
int y;
int f(int);
__attribute__((section("tc"))) int f(int a) { return a; }
int f(int);
static int h(void);
static int h(void) { return 1; }
"#,
    );
    assert!(!c.global("x").is_extern);
    assert_eq!(c.func("f").section.as_deref(), Some("tc"));
    assert_eq!(c.prog.functions.len(), 2);
    let c = check("int x = 1;\nint x = 2;\nint f(int);\nlong f(int);\n");
    assert_eq!(
        c.errors(),
        vec!["2:5: redefinition of 'x'", "4:6: conflicting types for 'f'"]
    );
}

#[test]
fn scopes_and_shadowing() {
    let c = check_ok(
        r#"
int x;
struct t { int a; };
int f(void) {
  int x = 1;
  { struct t { long b; } v; v.b = 2; x += v.b; }
  { extern int x; x = 3; }
  struct t w = { 4 };
  return x + w.a;
}
"#,
    );
    assert!(c.func("f").body.is_some());
}

#[test]
fn compound_literals_and_stmt_exprs() {
    let c = check_ok(
        r#"
struct p { int a, b; };
int f(int v) {
  struct p *q = &(struct p){ .b = v };
  int r = ({ int t = v * 2; t + 1; });
  return q->b + r;
}
"#,
    );
    let f = c.func("f");
    let locals = &f.body.as_ref().unwrap().locals;
    // v, the literal's temporary, q, t, r.
    assert!(locals.values().any(|l| l.name.is_none() && l.address_taken));
    assert!(stmts(f).iter().any(|s| matches!(
        &s.kind,
        StmtKind::Decl {
            init: Some(tir::LocalInit::Aggregate(_)),
            ..
        }
    )));
}

#[test]
fn int128_and_float_declarable_only() {
    let c = check_ok("typedef __int128 s128; typedef unsigned __int128 u128; struct x { u128 v; double d; float f; } g; _Static_assert(sizeof(struct x) == 32, \"\");");
    assert_eq!(c.prog.globals.len(), 1);
    let c = check("__int128 a; int f(void) { return a + 1; }");
    assert_eq!(c.errors().len(), 1, "{:?}", c.errors());
    let c = check("double d; int f(void) { return d; }");
    assert_eq!(
        c.errors(),
        vec!["1:32: floating point is not supported by BPF"]
    );
}

#[test]
fn attributes_are_recorded() {
    let c = check_ok(
        r#"
__attribute__((section("xdp"), used, weak, noinline, visibility("hidden"))) int prog(void *ctx) { return 0; }
static __attribute__((always_inline)) int inl(void) { return 1; }
int tagged __attribute__((btf_decl_tag("user"), aligned(16)));
"#,
    );
    let f = c.func("prog");
    assert_eq!(f.section.as_deref(), Some("xdp"));
    assert!(f.attrs.used && f.attrs.weak && f.attrs.noinline && f.attrs.hidden);
    assert!(c.func("inl").attrs.always_inline);
    let g = c.global("tagged");
    assert_eq!(g.align, 16);
    assert_eq!(g.attrs.decl_tags, vec![b"user".to_vec()]);
}

// ---------------------------------------------------------------------------
// Corpus runs (ignored: they need target/ref from `cargo xtask refs`; run with `--ignored --nocapture`,
// in release mode for meaningful times).

/// Preprocesses, parses and checks one file; returns (pp+parse errors, sema
/// errors, first error text, sema time).
fn run_file(
    path: &std::path::Path,
    opts: &PreprocessOptions,
) -> (usize, usize, String, std::time::Duration) {
    let mut sources = SourceMap::new();
    let mut interner = Interner::new();
    let mut diags = Diagnostics::new();
    let text = std::fs::read_to_string(path).unwrap();
    let main = sources.add(path.display().to_string(), Some(path.to_path_buf()), text);
    let pp = preprocess::preprocess(main, opts, &mut sources, &mut interner, &mut diags);
    let tu = crate::parse::parse(&pp.tokens, &mut interner, &mut diags);
    let front = diags.error_count();
    let t = std::time::Instant::now();
    let _prog = super::check(
        &tu,
        &mut interner,
        &SemaOptions { cpu_version: 3 },
        &mut diags,
    );
    let dt = t.elapsed();
    let first = diags
        .list
        .iter()
        .find(|d| d.severity == Severity::Error)
        .map(|d| match d.span {
            Some(s) => format!("{}: {}", sources.describe(s), d.message),
            None => d.message.clone(),
        })
        .unwrap_or_default();
    (front, diags.error_count() - front, first, dt)
}

#[test]
#[ignore]
fn corpus_vmlinux_h() {
    let opts = PreprocessOptions {
        cpu_version: 3,
        ..Default::default()
    };
    let path = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../target/ref/vmlinux.h"
    ));
    let (front, errs, first, _) = run_file(path, &opts);
    assert_eq!(front, 0, "front end errors");
    assert_eq!(errs, 0, "sema errors, first: {first}");
    // Sema alone, on one parsed unit, best of several runs (the machine is shared).
    let mut sources = SourceMap::new();
    let mut interner = Interner::new();
    let mut diags = Diagnostics::new();
    let text = std::fs::read_to_string(path).unwrap();
    let main = sources.add("vmlinux.h", None, text);
    // CPU time of this thread (the machine is shared: wall time says little).
    let cpu_ns = || -> u64 {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    let c0 = cpu_ns();
    let pp = preprocess::preprocess(main, &opts, &mut sources, &mut interner, &mut diags);
    let c1 = cpu_ns();
    let tu = crate::parse::parse(&pp.tokens, &mut interner, &mut diags);
    let c2 = cpu_ns();
    println!(
        "vmlinux.h: preprocess {:.2} ms CPU, parse {:.2} ms CPU (first run)",
        (c1 - c0) as f64 / 1e6,
        (c2 - c1) as f64 / 1e6
    );
    let mut best = std::time::Duration::MAX;
    let mut best_cpu = u64::MAX;
    let mut ntypes = 0;
    for _ in 0..20 {
        let c0 = cpu_ns();
        let t = std::time::Instant::now();
        let prog = super::check(
            &tu,
            &mut interner,
            &SemaOptions { cpu_version: 3 },
            &mut diags,
        );
        best = best.min(t.elapsed());
        best_cpu = best_cpu.min(cpu_ns() - c0);
        ntypes = prog.types.types.len();
        drop(prog);
    }
    assert!(!diags.has_errors());
    println!(
        "vmlinux.h: 0 errors, {} top-level items, {ntypes} types; sema {:.2} ms CPU, {:.2} ms wall (best of 20)",
        tu.items.len(),
        best_cpu as f64 / 1e6,
        best.as_secs_f64() * 1e3
    );
}

/// The selftests' BPF programs: how many pass sema with no error.
#[test]
#[ignore]
fn corpus_selftests() {
    let Some((opts, files)) = crate::reference_sources::selftests_corpus("bpfcc-sema-inc") else {
        println!("SKIP: linux-source-6.12 is not unpacked (cargo xtask refs)");
        return;
    };
    let (mut ok, mut front_fail, mut sema_fail) = (0, 0, 0);
    let mut msgs: std::collections::BTreeMap<String, usize> = Default::default();
    let mut total = std::time::Duration::ZERO;
    let only = std::env::var("SEMA_ONLY").ok();
    for f in &files {
        if let Some(o) = &only {
            if !f.to_string_lossy().contains(o.as_str()) {
                continue;
            }
        }
        let (front, errs, first, dt) = run_file(f, &opts);
        total += dt;
        if front > 0 {
            front_fail += 1;
            println!("FRONT {}: {first}", f.display());
        } else if errs > 0 {
            sema_fail += 1;
            println!("SEMA {}: {first}", f.display());
            let key = first.split(": ").skip(1).collect::<Vec<_>>().join(": ");
            *msgs.entry(key).or_default() += 1;
        } else {
            ok += 1;
        }
    }
    let mut v: Vec<_> = msgs.into_iter().collect();
    v.sort_by_key(|b| std::cmp::Reverse(b.1));
    for (m, n) in v.iter().take(40) {
        println!("{n:4}  {m}");
    }
    println!(
        "selftests: {} files, {ok} pass sema, {sema_fail} sema errors, {front_fail} pp/parse errors; sema total {:.1} ms",
        files.len(),
        total.as_secs_f64() * 1e3
    );
}

/// Size and alignment of every struct and union of vmlinux.h, against clang's.
#[test]
#[ignore]
fn corpus_vmlinux_layouts_match_clang() {
    let header = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../target/ref/vmlinux.h"
    ))
    .unwrap();
    let mut names = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for line in header.lines() {
        let Some(rest) = line.strip_suffix(" {") else {
            continue;
        };
        if (rest.starts_with("struct ") || rest.starts_with("union "))
            && rest.split(' ').count() == 2
            && seen.insert(rest.to_string())
        {
            names.push(rest.to_string());
        }
    }
    // Offsets of the directly named, non-bit-field members (one tab deep).
    let mut members: Vec<(String, String)> = Vec::new();
    let mut current: Option<String> = None;
    for line in header.lines() {
        if let Some(rest) = line.strip_suffix(" {") {
            current = (rest.split(' ').count() == 2
                && (rest.starts_with("struct ") || rest.starts_with("union ")))
            .then(|| rest.to_string());
            continue;
        }
        if line.starts_with('}') {
            current = None;
            continue;
        }
        let Some(rec) = &current else { continue };
        let Some(body) = line.strip_prefix('\t') else {
            continue;
        };
        if body.starts_with('\t')
            || body.contains(':')
            || !body.ends_with(';')
            || body.contains('{')
            || body.contains('}')
        {
            continue;
        }
        let name = if let Some(i) = body.find("(*") {
            body[i + 2..].split(')').next().unwrap_or("").to_string()
        } else {
            let t = body.trim_end_matches(';');
            let t = t.split('[').next().unwrap();
            t.rsplit([' ', '*']).next().unwrap_or("").to_string()
        };
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            members.push((rec.clone(), name));
        }
    }
    let mut src = format!(
        "#include \"{}/vmlinux.h\"\nunsigned long v[] = {{\n",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../target/ref")
    );
    for n in &names {
        src.push_str(&format!("sizeof({n}), _Alignof({n}),\n"));
    }
    src.push_str("};\nunsigned long offs[] = {\n");
    for (r, m) in &members {
        src.push_str(&format!("__builtin_offsetof({r}, {m}),\n"));
    }
    src.push_str("};\n");
    let mut child = std::process::Command::new("clang-19")
        .args([
            "--target=bpf",
            "-S",
            "-emit-llvm",
            "-o",
            "-",
            "-x",
            "c",
            "-",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("clang-19");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(src.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let ir = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "clang: {}",
        &err[..err.len().min(2000)]
    );
    let values = |var: &str| -> Vec<u64> {
        let line = ir
            .lines()
            .find(|l| l.starts_with(&format!("@{var} = ")))
            .expect("array in clang's IR");
        let list = &line[line.find("] [").unwrap() + 3..line.rfind(']').unwrap()];
        list.split(", ")
            .map(|x| x.trim_start_matches("i64 ").parse().unwrap())
            .collect()
    };
    let want = values("v");
    let want_offs = values("offs");
    let c = check_ok(&src);
    let got = c.u64s("v");
    let got_offs = c.u64s("offs");
    assert_eq!(got_offs.len(), want_offs.len());
    let mut bad_offs = 0;
    for (i, (r, m)) in members.iter().enumerate() {
        if got_offs[i] != want_offs[i] {
            bad_offs += 1;
            println!(
                "offsetof({r}, {m}): ours {}, clang {}",
                got_offs[i], want_offs[i]
            );
        }
    }
    println!(
        "{} member offsets compared, {bad_offs} differ",
        members.len()
    );
    assert_eq!(bad_offs, 0);
    assert_eq!(got.len(), want.len());
    let mut bad = 0;
    for (i, n) in names.iter().enumerate() {
        if got[2 * i..2 * i + 2] != want[2 * i..2 * i + 2] {
            bad += 1;
            println!(
                "{n}: ours {:?}, clang {:?}",
                &got[2 * i..2 * i + 2],
                &want[2 * i..2 * i + 2]
            );
        }
    }
    println!("{} records compared, {bad} differ", names.len());
    assert_eq!(bad, 0);
}

#[test]
fn typeless_ksym_extern_is_void() {
    let c = check_ok(
        r#"
extern const void bpf_prog_active __attribute__((section(".ksyms")));
extern const void maybe __attribute__((section(".ksyms"), weak));
void *p;
int f(void) { p = (void *)&bpf_prog_active; return &maybe != 0; }
"#,
    );
    let g = c.global("bpf_prog_active");
    assert!(g.is_extern);
    assert!(matches!(c.prog.types.ckind(g.ty.ty), TypeKind::Void));
    assert!(c.global("maybe").attrs.weak);
    // Only an extern declaration may have type void.
    let c = check("void v;\nextern void w = 1;\n");
    assert_eq!(
        c.errors(),
        vec![
            "1:6: variable has incomplete type 'void'",
            "2:13: variable has incomplete type 'void'",
        ]
    );
}

/// Sizes and bytes from `clang-19 --target=bpf` (symbol sizes in `.data`).
#[test]
fn flexible_array_member_initializers_grow_the_object() {
    let c = check_ok(
        r#"
struct A { int n; char c[]; } a1 = { 1, { 1, 2, 3 } };
struct B { int n; char c; char d[]; } b1 = { 1, 2, { 5 } };
struct B b2 = { .d = { [4] = 1 } };
struct A a3 = { 1, "hello" };
struct A a4 = { 1, {} };
struct C { long x; int y[]; } c1 = { 1, { 7 } };
"#,
    );
    let img = |n: &str| c.global(n).init.as_ref().unwrap().bytes.clone();
    assert_eq!(img("a1"), vec![1, 0, 0, 0, 1, 2, 3]);
    assert_eq!(img("b1"), vec![1, 0, 0, 0, 2, 5, 0, 0]);
    assert_eq!(img("b2"), vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    assert_eq!(img("a3"), b"\x01\0\0\0hello\0".to_vec());
    assert_eq!(img("a4"), vec![1, 0, 0, 0]);
    assert_eq!(img("c1"), vec![1, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0]);
    // The type stays the declared record.
    assert_eq!(c.prog.types.size_of(c.global("c1").ty.ty), Some(8));
}

/// libbpf's map-in-map and prog-array definitions (`__array(values, ...)`).
#[test]
fn map_in_map_values_initializers() {
    let c = check_ok(
        r#"
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define __array(name, val) typeof(val) *name[]
struct inner { __uint(type, 2); __uint(max_entries, 1); __type(key, int); __type(value, int); } a, b;
struct { __uint(type, 12); __uint(max_entries, 4); __type(key, int);
         __array(values, struct inner); } outer = { .values = { &a, &b } };
int prog(void *ctx) { return 0; }
struct { __uint(type, 3); __uint(max_entries, 4); __type(key, int);
         __array(values, int (void *)); } jt = { .values = { [1] = (void *)&prog } };
"#,
    );
    let targets = |n: &str| -> Vec<(u64, String)> {
        let ci = c.global(n).init.as_ref().unwrap();
        ci.relocs
            .iter()
            .map(|r| {
                let name = match r.target {
                    tir::SymbolRef::Global(g) => c.prog.globals[g].name,
                    tir::SymbolRef::Func(f) => c.prog.functions[f].name,
                };
                (r.offset, c.interner.resolve(name).to_string())
            })
            .collect()
    };
    let outer = c.global("outer").init.as_ref().unwrap();
    assert_eq!(outer.bytes, vec![0; 40]);
    assert_eq!(
        targets("outer"),
        vec![(24, "a".to_string()), (32, "b".to_string())]
    );
    assert_eq!(c.global("jt").init.as_ref().unwrap().bytes, vec![0; 40]);
    assert_eq!(targets("jt"), vec![(32, "prog".to_string())]);
}

#[test]
fn flexible_array_member_initializers_only_at_top_of_static_objects() {
    let c = check(
        r#"struct A { int n; char c[]; };
struct W { int q; struct A a; } w = { 1, { 2, { 3 } } };
struct A arr[2] = { { 1, { 2 } } };
int f(void) { struct A l = { 1, { 2 } }; return l.n; }
struct A ok = { 1, { 2 } };
int g(void) { struct A l = { .c = { 2 } }; static struct A s = { .c = { 4 } }; return l.n; }
struct W w2 = { .a.c = { 1 } };
struct A d = { .c[1] = 2 };
"#,
    );
    assert_eq!(
        c.errors(),
        vec![
            "2:47: initialization of flexible array member is not allowed",
            "3:26: initialization of flexible array member is not allowed",
            "4:33: initialization of flexible array member is not allowed",
            "6:35: initialization of flexible array member is not allowed",
            "7:24: initialization of flexible array member is not allowed",
            "8:19: designator into flexible array member subobject",
        ]
    );
    assert_eq!(c.global("ok").init.as_ref().unwrap().bytes.len(), 5);
    assert_eq!(c.global("g.s").init.as_ref().unwrap().bytes.len(), 5);
}

/// `int x = 0;` keeps a (zero) image; a tentative `int y;` has none, which
/// lowering uses to order `.bss` as clang does.
#[test]
fn explicit_zero_initializer_is_kept() {
    let c = check_ok("int x = 0;\nint y;\nstatic int z = {0};\nstruct { int a[2]; } s = {};\n");
    assert_eq!(c.global("x").init.as_ref().unwrap().bytes, vec![0; 4]);
    assert!(c.global("y").init.is_none());
    assert_eq!(c.global("z").init.as_ref().unwrap().bytes, vec![0; 4]);
    assert_eq!(c.global("s").init.as_ref().unwrap().bytes, vec![0; 8]);
}

/// `__builtin_memcmp`/`memcmp` with a constant size become byte compares
/// giving clang's results: `({ pa = a; pb = b; r = 0;
/// if (r == 0) r = (pa[i] > pb[i]) - (pa[i] < pb[i]); ...; r; })`, and a
/// difference for a trailing odd byte.
#[test]
fn memcmp_expands_to_byte_compares() {
    let c = check_ok(
        r#"
int memcmp(const void *, const void *, unsigned long);
int f(char *a, char *b) { return __builtin_memcmp(a, b, 3); }
int g(char *a) { return memcmp(a, "xyz", 2); }
int h(char *a) { return __builtin_memcmp(a, "x", 4); }
"#,
    );
    // The temporaries set, and per byte: ("sign" or "diff", constant byte).
    let shape = |f: &str| -> (usize, Vec<(&str, Option<i64>)>) {
        let e = ret_expr(c.func(f));
        let ExprKind::StmtExpr { body, result } = &e.kind else {
            panic!("{e:?}")
        };
        assert!(result.is_some());
        assert!(c.prog.types.int_kind(e.ty.ty) == Some(IntKind::Int));
        let sets = body
            .iter()
            .filter(|s| matches!(s.kind, StmtKind::Expr(_)))
            .count();
        let konst = |e: &tir::Expr| match e.kind {
            ExprKind::Const(v) => Some(v),
            _ => None,
        };
        let bytes = body
            .iter()
            .filter_map(|s| {
                let StmtKind::If { then, .. } = &s.kind else {
                    return None;
                };
                let StmtKind::Expr(set) = &then.kind else {
                    panic!("{then:?}")
                };
                let ExprKind::Assign { rhs, .. } = &set.kind else {
                    panic!("{set:?}")
                };
                let ExprKind::Binary(tir::BinOp::Sub, l, r) = &rhs.kind else {
                    panic!("{rhs:?}")
                };
                Some(match (&l.kind, &r.kind) {
                    (
                        ExprKind::Binary(tir::BinOp::Gt, _, gr),
                        ExprKind::Binary(tir::BinOp::Lt, _, _),
                    ) => ("sign", konst(gr)),
                    _ => ("diff", konst(r)),
                })
            })
            .collect();
        (sets, bytes)
    };
    // Two pointer temporaries and the result; 2 bytes in a word, then one.
    assert_eq!(
        shape("f"),
        (3, vec![("sign", None), ("sign", None), ("diff", None)])
    );
    // The literal's bytes are constants and the literal makes no object.
    assert_eq!(
        shape("g"),
        (
            2,
            vec![("sign", Some(b'x' as i64)), ("sign", Some(b'y' as i64))]
        )
    );
    // A literal shorter than the size is read through its object.
    assert_eq!(shape("h"), (3, vec![("sign", None); 4]));
    let literals: Vec<&[u8]> = c
        .prog
        .globals
        .values()
        .filter(|g| g.synthesized)
        .map(|g| g.init.as_ref().unwrap().bytes.as_slice())
        .collect();
    assert_eq!(literals, vec![b"x\0".as_slice()]);
    let c = check("int f(char *a, char *b, int n) { return __builtin_memcmp(a, b, n); }\nint x = __builtin_memcmp(\"a\", \"b\", 1);\n");
    assert_eq!(
        c.errors(),
        vec![
            "1:64: '__builtin_memcmp' with a non-constant size is not supported by BPF",
            "2:9: initializer element is not a compile-time constant",
        ]
    );
}

/// `#pragma GCC diagnostic ignored "-Wint-conversion"` regions (recorded in
/// `Diagnostics` by the preprocessor) drop the int-conversion warnings inside.
#[test]
fn int_conversion_warnings_honour_ignored_ranges() {
    let src = "long f(void *p) { return p; }\nlong g(void *p) { return p; }\nvoid *h(long v) { return v; }\n";
    let mut sources = SourceMap::new();
    let mut interner = Interner::new();
    let mut diags = Diagnostics::new();
    let main = sources.add("t.c", None, src.to_string());
    let at = |needle: &str| {
        let o = src.find(needle).unwrap() as u32;
        crate::source::Span::new(main, o, o + needle.len() as u32)
    };
    // f's body, and h's body.
    diags.ignore_warnings("int-conversion", at("{ return p; }"), at("{ return p; }"));
    diags.ignore_warnings("int-conversion", at("{ return v; }"), at("{ return v; }"));
    // Another group changes nothing.
    diags.ignore_warnings("unused-value", at("long g"), at("long g"));
    let pp = preprocess::preprocess(
        main,
        &PreprocessOptions::default(),
        &mut sources,
        &mut interner,
        &mut diags,
    );
    let tu = crate::parse::parse(&pp.tokens, &mut interner, &mut diags);
    super::check(
        &tu,
        &mut interner,
        &SemaOptions { cpu_version: 3 },
        &mut diags,
    );
    let warnings: Vec<String> = diags
        .list
        .iter()
        .map(|d| {
            let (l, c) = sources.line_col(d.span.unwrap());
            format!("{l}:{c}: {}", d.message)
        })
        .collect();
    assert_eq!(
        warnings,
        vec!["2:26: incompatible pointer to integer conversion returning 'long' from 'void *'"]
    );
}

/// `u8 a; a /= 2;` divides a non-negative promoted value: unsigned, accepted
/// before v4 as clang's optimizer accepts it; a signed lhs is still refused.
#[test]
fn compound_division_of_narrow_unsigned_is_unsigned() {
    let c = check_with(
        "int f(unsigned char a, unsigned short h, short s, int n) {\n  a /= 2; a %= 100; h /= 7;\n  s /= 2;\n  a /= n;\n  return a + h + s;\n}\n",
        3,
    );
    assert_eq!(
        c.errors(),
        vec![
            "3:3: unsupported signed division, please convert to unsigned div/mod.",
            "4:3: unsupported signed division, please convert to unsigned div/mod.",
        ]
    );
    let c = check_ok("int f(unsigned char a) { a /= 2; return a; }");
    let s = stmts(c.func("f"));
    let op_ty = s
        .iter()
        .find_map(|s| match &s.kind {
            StmtKind::Expr(e) => match &e.kind {
                ExprKind::CompoundAssign {
                    op: tir::CompoundOp::Arith { op_ty, .. },
                    ..
                } => Some(*op_ty),
                _ => None,
            },
            _ => None,
        })
        .unwrap();
    assert_eq!(c.prog.types.int_kind(op_ty), Some(IntKind::UInt));
}
