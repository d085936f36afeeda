//! Lowering tests on typed trees built by hand (each with the C it stands
//! for), checked with the IR verifier and run in the IR interpreter.

use super::lower;
use crate::diag::Diagnostics;
use crate::intern::Interner;
use crate::ir::interp::{self, Env, HelperEnv, Memory, NoEnv, Trap};
use crate::ir::verify::{verify_function, verify_ssa};
use crate::ir::{self, print, Module, Op};
use crate::sema::tir::*;
use crate::sema::types::*;
use crate::source::Span;
use cranelift_entity::PrimaryMap;

// ---------------------------------------------------------------------------
// Building typed trees

#[derive(Copy, Clone)]
struct Tys {
    void: TypeId,
    bool_: TypeId,
    char: TypeId,
    uchar: TypeId,
    short: TypeId,
    ushort: TypeId,
    int: TypeId,
    uint: TypeId,
    long: TypeId,
    ulong: TypeId,
}

struct P {
    prog: Program,
    names: Interner,
    t: Tys,
}

impl P {
    fn new() -> P {
        let mut types = TypeTable::new();
        let mut i = |k| types.intern(TypeKind::Int(k));
        let t = Tys {
            bool_: i(IntKind::Bool),
            char: i(IntKind::Char),
            uchar: i(IntKind::UChar),
            short: i(IntKind::Short),
            ushort: i(IntKind::UShort),
            int: i(IntKind::Int),
            uint: i(IntKind::UInt),
            long: i(IntKind::Long),
            ulong: i(IntKind::ULong),
            void: types.intern(TypeKind::Void),
        };
        P {
            prog: Program {
                types,
                globals: PrimaryMap::new(),
                functions: PrimaryMap::new(),
                toplevel_asm: vec![],
            },
            names: Interner::new(),
            t,
        }
    }

    fn ptr(&mut self, to: TypeId) -> TypeId {
        self.ptr_q(QualType::new(to))
    }

    fn ptr_q(&mut self, to: QualType) -> TypeId {
        self.prog.types.intern(TypeKind::Pointer {
            pointee: to,
            type_tags: vec![],
        })
    }

    fn array(&mut self, elem: TypeId, len: u64) -> TypeId {
        self.prog.types.intern(TypeKind::Array {
            elem: QualType::new(elem),
            len: Some(len),
        })
    }

    /// A record from `(type, offset, bitfield)` fields.
    fn record(
        &mut self,
        fields: &[(TypeId, u64, Option<BitField>)],
        size: u64,
        align: u64,
        is_union: bool,
    ) -> TypeId {
        let fields = fields
            .iter()
            .map(|&(ty, offset, bitfield)| Field {
                name: None,
                ty: QualType::new(ty),
                offset,
                bitfield,
                decl_tags: Default::default(),
                span: Span::default(),
            })
            .collect();
        let r = self.prog.types.records.push(RecordDef {
            name: None,
            is_union,
            complete: true,
            fields,
            size,
            align,
            packed: false,
            attrs: vec![],
            decl_tags: Default::default(),
            span: Span::default(),
        });
        self.prog.types.push_new(TypeKind::Record(r))
    }

    fn func(&mut self, name: &str, ret: TypeId, fb: Fb, stmts: Vec<Stmt>) -> FuncId {
        self.func_full(name, ret, fb, Some(stmts), Linkage::External, None)
    }

    fn func_full(
        &mut self,
        name: &str,
        ret: TypeId,
        fb: Fb,
        stmts: Option<Vec<Stmt>>,
        linkage: Linkage,
        section: Option<&str>,
    ) -> FuncId {
        let params = fb.params.iter().map(|&p| fb.locals[p].ty).collect();
        let ty = self.prog.types.intern(TypeKind::Function(FunctionType {
            ret: QualType::new(ret),
            params,
            variadic: false,
            has_prototype: true,
        }));
        let body = stmts.map(|body| FunctionBody {
            params: fb.params,
            locals: fb.locals,
            labels: fb.labels,
            body,
            end_span: Span::default(),
        });
        let name = self.names.intern(name);
        self.prog.functions.push(Function {
            name,
            ty,
            linkage,
            section: section.map(|s| s.to_string()),
            attrs: DeclAttrs::default(),
            is_inline: false,
            helper_id: None,
            asm_label: None,
            body,
            span: Span::default(),
        })
    }

    fn global(
        &mut self,
        name: &str,
        ty: QualType,
        init: Option<Vec<u8>>,
        linkage: Linkage,
        section: Option<&str>,
    ) -> GlobalId {
        let name = self.names.intern(name);
        let align = self.prog.types.align_of(ty.ty);
        self.prog.globals.push(Global {
            name,
            ty,
            linkage,
            is_extern: false,
            init: init.map(|bytes| ConstInit {
                bytes,
                relocs: vec![],
            }),
            section: section.map(|s| s.to_string()),
            align,
            attrs: DeclAttrs::default(),
            synthesized: false,
            helper_id: None,
            span: Span::default(),
        })
    }

    fn lower(&self) -> (Module, Diagnostics) {
        let mut diags = Diagnostics::new();
        let m = lower(&self.prog, &self.names, &mut diags);
        for f in m.functions.values() {
            if let Err(e) = verify_function(f).and_then(|_| verify_ssa(f)) {
                panic!("{e}\n{}", print::print_function(f));
            }
        }
        (m, diags)
    }

    fn lower_ok(&self) -> Module {
        let (m, diags) = self.lower();
        assert!(!diags.has_errors(), "{:?}", diags.list);
        m
    }

    fn run(&self, name: &str, args: &[u64]) -> u64 {
        self.run_env(name, args, &mut NoEnv)
    }

    /// Runs `name` as lowered, and after the -O0 and -O2 pipelines: all
    /// three must agree.
    fn run_env(&self, name: &str, args: &[u64], env: &mut dyn Env) -> u64 {
        let m = self.lower_ok();
        let r = run_module(&m, name, args, env)
            .unwrap_or_else(|t| panic!("trap {t:?}\n{}", print::print_module(&m)));
        for level in [0, 2] {
            let mut o = m.clone();
            crate::passes::optimize(&mut o, level);
            let ro = run_module(&o, name, args, env)
                .unwrap_or_else(|t| panic!("-O{level}: trap {t:?}\n{}", print::print_module(&o)));
            assert_eq!(r, ro, "-O{level} differs\n{}", print::print_module(&o));
        }
        r
    }
}

fn func_id(m: &Module, name: &str) -> ir::FuncId {
    m.functions
        .iter()
        .find(|(_, f)| f.name == name)
        .map(|(id, _)| id)
        .unwrap_or_else(|| panic!("no function {name}"))
}

fn run_module(m: &Module, name: &str, args: &[u64], env: &mut dyn Env) -> Result<u64, Trap> {
    interp::run(m, func_id(m, name), args, env).map(|r| r.unwrap_or(0))
}

/// The locals of a function under construction.
#[derive(Default)]
struct Fb {
    locals: PrimaryMap<LocalId, Local>,
    params: Vec<LocalId>,
    labels: PrimaryMap<LabelId, Label>,
    cases: u32,
}

impl Fb {
    fn local(&mut self, ty: TypeId, align: u64) -> LocalId {
        self.locals.push(Local {
            name: None,
            ty: QualType::new(ty),
            align,
            address_taken: false,
            span: Span::default(),
        })
    }

    fn param(&mut self, ty: TypeId, align: u64) -> LocalId {
        let l = self.local(ty, align);
        self.params.push(l);
        l
    }

    fn label(&mut self) -> LabelId {
        self.labels.push(Label {
            name: crate::intern::Sym(0),
            span: Span::default(),
        })
    }

    fn case(&mut self) -> CaseId {
        self.cases += 1;
        CaseId::from_u32(self.cases - 1)
    }
}

fn x(kind: ExprKind, ty: TypeId) -> Expr {
    Expr {
        kind,
        ty: QualType::new(ty),
        span: Span::default(),
    }
}
fn k(v: i64, ty: TypeId) -> Expr {
    x(ExprKind::Const(v), ty)
}
fn var(l: LocalId, ty: TypeId) -> Expr {
    x(ExprKind::Local(l), ty)
}
fn ld(lv: Expr) -> Expr {
    let ty = lv.ty.ty;
    x(ExprKind::Load(Box::new(lv)), ty)
}
fn get(l: LocalId, ty: TypeId) -> Expr {
    ld(var(l, ty))
}
fn cast(e: Expr, ty: TypeId) -> Expr {
    x(ExprKind::Cast(Box::new(e)), ty)
}
fn bin(op: BinOp, a: Expr, b: Expr, ty: TypeId) -> Expr {
    x(ExprKind::Binary(op, Box::new(a), Box::new(b)), ty)
}
fn set(lhs: Expr, rhs: Expr) -> Expr {
    let ty = lhs.ty.ty;
    x(
        ExprKind::Assign {
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        ty,
    )
}
fn member(base: Expr, offset: u64, bitfield: Option<BitField>, ty: TypeId) -> Expr {
    x(
        ExprKind::Member {
            base: Box::new(base),
            offset,
            bitfield,
        },
        ty,
    )
}
fn addr(lv: Expr, ptr_ty: TypeId) -> Expr {
    x(ExprKind::AddrOf(Box::new(lv)), ptr_ty)
}
fn deref(p: Expr, ty: TypeId) -> Expr {
    x(ExprKind::Deref(Box::new(p)), ty)
}
fn st(kind: StmtKind) -> Stmt {
    Stmt {
        kind,
        span: Span::default(),
    }
}
fn ex(e: Expr) -> Stmt {
    st(StmtKind::Expr(e))
}
fn ret(e: Expr) -> Stmt {
    st(StmtKind::Return(Some(e)))
}
fn decl(l: LocalId, e: Expr) -> Stmt {
    st(StmtKind::Decl {
        local: l,
        init: Some(LocalInit::Expr(e)),
    })
}
fn if_(cond: Expr, then: Stmt, els: Option<Stmt>) -> Stmt {
    st(StmtKind::If {
        cond,
        then: Box::new(then),
        els: els.map(Box::new),
    })
}
fn block(stmts: Vec<Stmt>) -> Stmt {
    st(StmtKind::Block(stmts))
}
fn s32(v: i32) -> u64 {
    v as u32 as u64
}

// ---------------------------------------------------------------------------
// Tests

/// int add(int a, int b) { return a + b; }
#[test]
fn params_and_arithmetic() {
    let mut p = P::new();
    let t = p.t;
    let mut fb = Fb::default();
    let a = fb.param(t.int, 4);
    let b = fb.param(t.int, 4);
    p.func(
        "add",
        t.int,
        fb,
        vec![ret(bin(BinOp::Add, get(a, t.int), get(b, t.int), t.int))],
    );
    assert_eq!(p.run("add", &[2, 3]), 5);
    assert_eq!(p.run("add", &[s32(-7), 3]), s32(-4));
    let m = p.lower_ok();
    let text = print::print_module(&m);
    assert!(
        text.contains("function add(i32, i32) -> i32 section \".text\""),
        "{text}"
    );
}

/// Signed and unsigned division, remainder and right shift pick the right op.
/// int f(int a, int b) { return a / b * 1000 + a % b * 10 + (a >> 1); }
/// unsigned g(unsigned a, unsigned b) { same }
#[test]
fn signedness_of_division_and_shift() {
    for (ty, signed) in [(P::new().t.int, true), (P::new().t.uint, false)] {
        let mut p = P::new();
        let mut fb = Fb::default();
        let a = fb.param(ty, 4);
        let b = fb.param(ty, 4);
        let e = bin(
            BinOp::Add,
            bin(
                BinOp::Add,
                bin(
                    BinOp::Mul,
                    bin(BinOp::Div, get(a, ty), get(b, ty), ty),
                    k(1000, ty),
                    ty,
                ),
                bin(
                    BinOp::Mul,
                    bin(BinOp::Rem, get(a, ty), get(b, ty), ty),
                    k(10, ty),
                    ty,
                ),
                ty,
            ),
            bin(BinOp::Shr, get(a, ty), k(1, ty), ty),
            ty,
        );
        p.func("f", ty, fb, vec![ret(e)]);
        let (a, b) = (-7i32, 2i32);
        let expect = if signed {
            (a / b * 1000 + a % b * 10 + (a >> 1)) as u32
        } else {
            let (a, b) = (a as u32, b as u32);
            (a / b)
                .wrapping_mul(1000)
                .wrapping_add(a % b * 10)
                .wrapping_add(a >> 1)
        };
        assert_eq!(p.run("f", &[s32(a), s32(b)]), expect as u64);
    }
}

/// char f(char c) { c += 100; return c; } — the narrow result wraps as char.
/// unsigned char g(unsigned char c) { c++; return c; }
/// short h(int x) { return (short)x; }
#[test]
fn narrow_types_wrap() {
    let mut p = P::new();
    let t = p.t;
    let mut fb = Fb::default();
    let c = fb.param(t.char, 1);
    p.func(
        "f",
        t.char,
        fb,
        vec![
            ex(x(
                ExprKind::CompoundAssign {
                    op: CompoundOp::Arith {
                        op: BinOp::Add,
                        op_ty: t.int,
                    },
                    lhs: Box::new(var(c, t.char)),
                    rhs: Box::new(k(100, t.int)),
                },
                t.char,
            )),
            ret(get(c, t.char)),
        ],
    );
    let mut fb = Fb::default();
    let c = fb.param(t.uchar, 1);
    p.func(
        "g",
        t.uchar,
        fb,
        vec![
            ex(x(
                ExprKind::IncDec {
                    lhs: Box::new(var(c, t.uchar)),
                    delta: 1,
                    pre: false,
                },
                t.uchar,
            )),
            ret(get(c, t.uchar)),
        ],
    );
    let mut fb = Fb::default();
    let v = fb.param(t.int, 4);
    p.func("h", t.short, fb, vec![ret(cast(get(v, t.int), t.short))]);
    // (char)(100 + 100) == -56, held sign-extended in 32 bits.
    assert_eq!(p.run("f", &[100]), s32(-56));
    assert_eq!(p.run("f", &[s32(-100)]), 0);
    assert_eq!(p.run("g", &[255]), 0);
    assert_eq!(p.run("g", &[41]), 42);
    assert_eq!(p.run("h", &[0x18000]), s32(-32768));
    assert_eq!(p.run("h", &[0x7fff]), 0x7fff);
}

/// Conversions: long l = (int)x (sign), (unsigned)x to long (zero), (_Bool)256.
/// long f(int x) { return x; }  long g(unsigned x) { return x; }
/// int b(long x) { return (_Bool)x; }  long n(long x) { return (int)x; }
#[test]
fn conversions() {
    let mut p = P::new();
    let t = p.t;
    let mut fb = Fb::default();
    let a = fb.param(t.int, 4);
    p.func("f", t.long, fb, vec![ret(cast(get(a, t.int), t.long))]);
    let mut fb = Fb::default();
    let a = fb.param(t.uint, 4);
    p.func("g", t.long, fb, vec![ret(cast(get(a, t.uint), t.long))]);
    let mut fb = Fb::default();
    let a = fb.param(t.long, 8);
    p.func(
        "b",
        t.int,
        fb,
        vec![ret(cast(cast(get(a, t.long), t.bool_), t.int))],
    );
    let mut fb = Fb::default();
    let a = fb.param(t.long, 8);
    p.func(
        "n",
        t.long,
        fb,
        vec![ret(cast(cast(get(a, t.long), t.int), t.long))],
    );
    assert_eq!(p.run("f", &[s32(-1)]), u64::MAX);
    assert_eq!(p.run("g", &[s32(-1)]), 0xffff_ffff);
    assert_eq!(p.run("b", &[1 << 40]), 1);
    assert_eq!(p.run("b", &[0]), 0);
    assert_eq!(p.run("n", &[0x1_8000_0000]), (-0x8000_0000i64) as u64);
}

/// int sum(int n) { int s = 0; for (int i = 0; i < n; i++) { if (i == 3) continue;
///   if (i == 7) break; s += i; } return s; }
#[test]
fn for_loop_with_break_and_continue() {
    let mut p = P::new();
    let t = p.t;
    let mut fb = Fb::default();
    let n = fb.param(t.int, 4);
    let s = fb.local(t.int, 4);
    let i = fb.local(t.int, 4);
    let body = block(vec![
        if_(
            bin(BinOp::Eq, get(i, t.int), k(3, t.int), t.int),
            st(StmtKind::Continue),
            None,
        ),
        if_(
            bin(BinOp::Eq, get(i, t.int), k(7, t.int), t.int),
            st(StmtKind::Break),
            None,
        ),
        ex(x(
            ExprKind::CompoundAssign {
                op: CompoundOp::Arith {
                    op: BinOp::Add,
                    op_ty: t.int,
                },
                lhs: Box::new(var(s, t.int)),
                rhs: Box::new(get(i, t.int)),
            },
            t.int,
        )),
    ]);
    p.func(
        "sum",
        t.int,
        fb,
        vec![
            decl(s, k(0, t.int)),
            st(StmtKind::For {
                init: vec![decl(i, k(0, t.int))],
                cond: Some(bin(BinOp::Lt, get(i, t.int), get(n, t.int), t.int)),
                step: Some(x(
                    ExprKind::IncDec {
                        lhs: Box::new(var(i, t.int)),
                        delta: 1,
                        pre: false,
                    },
                    t.int,
                )),
                body: Box::new(body),
            }),
            ret(get(s, t.int)),
        ],
    );
    assert_eq!(p.run("sum", &[0]), 0);
    assert_eq!(p.run("sum", &[5]), 1 + 2 + 4);
    assert_eq!(p.run("sum", &[100]), 1 + 2 + 4 + 5 + 6);
}

/// unsigned f(unsigned n) { unsigned c = 0; while (n) { n &= n - 1; c++; }
///   do { c += 100; } while (0); return c; }
#[test]
fn while_and_do_while() {
    let mut p = P::new();
    let t = p.t;
    let mut fb = Fb::default();
    let n = fb.param(t.uint, 4);
    let c = fb.local(t.uint, 4);
    p.func(
        "f",
        t.uint,
        fb,
        vec![
            decl(c, k(0, t.uint)),
            st(StmtKind::While {
                cond: get(n, t.uint),
                body: Box::new(block(vec![
                    ex(set(
                        var(n, t.uint),
                        bin(
                            BinOp::And,
                            get(n, t.uint),
                            bin(BinOp::Sub, get(n, t.uint), k(1, t.uint), t.uint),
                            t.uint,
                        ),
                    )),
                    ex(x(
                        ExprKind::IncDec {
                            lhs: Box::new(var(c, t.uint)),
                            delta: 1,
                            pre: true,
                        },
                        t.uint,
                    )),
                ])),
            }),
            st(StmtKind::DoWhile {
                body: Box::new(ex(set(
                    var(c, t.uint),
                    bin(BinOp::Add, get(c, t.uint), k(100, t.uint), t.uint),
                ))),
                cond: k(0, t.int),
            }),
            ret(get(c, t.uint)),
        ],
    );
    assert_eq!(p.run("f", &[0]), 100);
    assert_eq!(p.run("f", &[0xf0f0]), 108);
    assert_eq!(p.run("f", &[u32::MAX as u64]), 132);
}

/// A switch over `cases` (lo, hi, result) with default -1 and one fallthrough:
/// the case after the first adds 1000 and falls into the next one.
fn switch_program(cases: &[(i64, i64)], signed: bool) -> P {
    let mut p = P::new();
    let t = p.t;
    let ty = if signed { t.int } else { t.uint };
    let mut fb = Fb::default();
    let v = fb.param(ty, 4);
    let r = fb.local(t.int, 4);
    let mut scases = Vec::new();
    let mut body = Vec::new();
    for (i, &(lo, hi)) in cases.iter().enumerate() {
        let id = fb.case();
        scases.push(SwitchCase { lo, hi, id });
        body.push(st(StmtKind::Case(id)));
        if i == 1 {
            // case …: r = 1000; (falls through)
            body.push(ex(set(var(r, t.int), k(1000, t.int))));
            continue;
        }
        body.push(ex(set(
            var(r, t.int),
            bin(BinOp::Add, get(r, t.int), k(i as i64, t.int), t.int),
        )));
        body.push(st(StmtKind::Break));
    }
    let d = fb.case();
    body.push(st(StmtKind::Case(d)));
    body.push(ex(set(var(r, t.int), k(-1, t.int))));
    p.func(
        "sw",
        t.int,
        fb,
        vec![
            decl(r, k(0, t.int)),
            st(StmtKind::Switch {
                cond: get(v, ty),
                cases: scases,
                default: Some(d),
                body: Box::new(block(body)),
            }),
            ret(get(r, t.int)),
        ],
    );
    p
}

fn switch_expect(cases: &[(i64, i64)], v: i64) -> i64 {
    match cases.iter().position(|&(lo, hi)| lo <= v && v <= hi) {
        None => -1,
        Some(1) => 1000 + 2,
        Some(i) => i as i64,
    }
}

#[test]
fn switch_compare_chain_and_binary_search() {
    let small: &[(i64, i64)] = &[(1, 1), (5, 5), (7, 9), (-3, -3)];
    let many: Vec<(i64, i64)> = (0..40)
        .map(|i| {
            let lo = i * 10 - 200;
            (lo, if i % 3 == 0 { lo + 4 } else { lo })
        })
        .collect();
    for cases in [small, &many[..]] {
        let p = switch_program(cases, true);
        let m = p.lower_ok();
        for v in -260..260 {
            let got = run_module(&m, "sw", &[s32(v as i32)], &mut NoEnv).unwrap();
            assert_eq!(got, s32(switch_expect(cases, v) as i32), "value {v}");
        }
    }
    // Many cases: a binary search, so far fewer than 40 comparisons run.
    let p = switch_program(&many, true);
    let m = p.lower_ok();
    let mut machine = interp::Machine::new(&m);
    machine
        .call(func_id(&m, "sw"), &[s32(195)], &mut NoEnv)
        .unwrap();
    assert!(machine.steps < 60, "{} steps", machine.steps);
}

/// Unsigned switch values order as unsigned: case 0xffffffff and case 1.
#[test]
fn switch_unsigned_order() {
    let cases: Vec<(i64, i64)> = (0..10)
        .map(|i| (i, i))
        .chain([(0xffff_fff0, 0xffff_ffff)])
        .collect();
    let p = switch_program(&cases, false);
    let m = p.lower_ok();
    for v in [
        0u32,
        1,
        5,
        9,
        10,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_fff0,
        u32::MAX,
    ] {
        let got = run_module(&m, "sw", &[v as u64], &mut NoEnv).unwrap();
        assert_eq!(got, s32(switch_expect(&cases, v as i64) as i32), "{v:#x}");
    }
}

/// int f(int a, int b) { int n = 0; if (a > 0 && (n = 5, b > 0) || !a) return n + 1;
///   return a ? n : 77; }
#[test]
fn logical_operators_short_circuit() {
    let mut p = P::new();
    let t = p.t;
    let mut fb = Fb::default();
    let a = fb.param(t.int, 4);
    let b = fb.param(t.int, 4);
    let n = fb.local(t.int, 4);
    let and = x(
        ExprKind::LogAnd(
            Box::new(bin(BinOp::Gt, get(a, t.int), k(0, t.int), t.int)),
            Box::new(x(
                ExprKind::Comma(
                    Box::new(set(var(n, t.int), k(5, t.int))),
                    Box::new(bin(BinOp::Gt, get(b, t.int), k(0, t.int), t.int)),
                ),
                t.int,
            )),
        ),
        t.int,
    );
    let or = x(
        ExprKind::LogOr(
            Box::new(and),
            Box::new(x(
                ExprKind::Unary(UnOp::LogNot, Box::new(get(a, t.int))),
                t.int,
            )),
        ),
        t.int,
    );
    p.func(
        "f",
        t.int,
        fb,
        vec![
            decl(n, k(0, t.int)),
            if_(
                or,
                ret(bin(BinOp::Add, get(n, t.int), k(1, t.int), t.int)),
                None,
            ),
            ret(x(
                ExprKind::Cond {
                    cond: Box::new(get(a, t.int)),
                    then: Box::new(get(n, t.int)),
                    els: Box::new(k(77, t.int)),
                },
                t.int,
            )),
        ],
    );
    assert_eq!(p.run("f", &[1, 1]), 6);
    assert_eq!(p.run("f", &[1, 0]), 5);
    assert_eq!(p.run("f", &[0, 0]), 1);
    assert_eq!(p.run("f", &[s32(-1), 0]), 0);
}

/// Logical operators as values: int f(int a, int b) { return (a && b) + (a || b) * 2; }
#[test]
fn logical_operators_as_values() {
    let mut p = P::new();
    let t = p.t;
    let mut fb = Fb::default();
    let a = fb.param(t.int, 4);
    let b = fb.param(t.int, 4);
    let and = x(
        ExprKind::LogAnd(Box::new(get(a, t.int)), Box::new(get(b, t.int))),
        t.int,
    );
    let or = x(
        ExprKind::LogOr(Box::new(get(a, t.int)), Box::new(get(b, t.int))),
        t.int,
    );
    p.func(
        "f",
        t.int,
        fb,
        vec![ret(bin(
            BinOp::Add,
            and,
            bin(BinOp::Mul, or, k(2, t.int), t.int),
            t.int,
        ))],
    );
    assert_eq!(p.run("f", &[0, 0]), 0);
    assert_eq!(p.run("f", &[3, 0]), 2);
    assert_eq!(p.run("f", &[0, 9]), 2);
    assert_eq!(p.run("f", &[5, 9]), 3);
}

/// struct s { int a; signed char b; long c; int bf1:3, bf2:5; unsigned u:7; };
/// long f(int x) { struct s v = { .a = x, .bf1 = -2, .u = 100 }; v.bf2 = x;
///   struct s w; w = v; w.bf1 += 1; return w.a * 10000 + w.bf1 * 1000 + w.bf2 * 100 + w.u + w.b + w.c; }
#[test]
fn struct_init_copy_and_bitfields() {
    let mut p = P::new();
    let t = p.t;
    let bf1 = BitField {
        bit_offset: 0,
        width: 3,
    };
    let bf2 = BitField {
        bit_offset: 3,
        width: 5,
    };
    let bfu = BitField {
        bit_offset: 8,
        width: 7,
    };
    let rec = p.record(
        &[
            (t.int, 0, None),
            (t.char, 4, None),
            (t.long, 8, None),
            (t.int, 16, Some(bf1)),
            (t.int, 16, Some(bf2)),
            (t.uint, 16, Some(bfu)),
        ],
        24,
        8,
        false,
    );
    let mut fb = Fb::default();
    let xp = fb.param(t.int, 4);
    let v = fb.local(rec, 8);
    let w = fb.local(rec, 8);
    let field = |l, off, bf, ty| member(var(l, rec), off, bf, ty);
    let init = st(StmtKind::Decl {
        local: v,
        init: Some(LocalInit::Aggregate(vec![
            InitStore::Value {
                offset: 0,
                bitfield: None,
                value: get(xp, t.int),
            },
            InitStore::Value {
                offset: 16,
                bitfield: Some(bf1),
                value: k(-2, t.int),
            },
            InitStore::Value {
                offset: 16,
                bitfield: Some(bfu),
                value: k(100, t.uint),
            },
        ])),
    });
    let widen = |e: Expr| cast(e, t.long);
    let sum = [
        bin(
            BinOp::Mul,
            ld(field(w, 0, None, t.int)),
            k(10000, t.int),
            t.int,
        ),
        bin(
            BinOp::Mul,
            ld(field(w, 16, Some(bf1), t.int)),
            k(1000, t.int),
            t.int,
        ),
        bin(
            BinOp::Mul,
            ld(field(w, 16, Some(bf2), t.int)),
            k(100, t.int),
            t.int,
        ),
        cast(ld(field(w, 16, Some(bfu), t.uint)), t.int),
        cast(ld(field(w, 4, None, t.char)), t.int),
    ]
    .into_iter()
    .map(widen)
    .chain([ld(field(w, 8, None, t.long))])
    .reduce(|a, b| bin(BinOp::Add, a, b, t.long))
    .unwrap();
    p.func(
        "f",
        t.long,
        fb,
        vec![
            init,
            ex(set(field(v, 16, Some(bf2), t.int), get(xp, t.int))),
            ex(set(var(w, rec), var(v, rec))),
            ex(x(
                ExprKind::CompoundAssign {
                    op: CompoundOp::Arith {
                        op: BinOp::Add,
                        op_ty: t.int,
                    },
                    lhs: Box::new(field(w, 16, Some(bf1), t.int)),
                    rhs: Box::new(k(1, t.int)),
                },
                t.int,
            )),
            ret(sum),
        ],
    );
    let expect = |x: i64| {
        // bf2 is a signed 5-bit field: x wraps into -16..15.
        let bf2 = (x << 59) >> 59;
        x * 10000 - 1000 + bf2 * 100 + 100
    };
    for xv in [0i64, 5, 15, 16, 31, -1, -16] {
        assert_eq!(p.run("f", &[s32(xv as i32)]) as i64, expect(xv), "x = {xv}");
    }
    // The padding after `b` and the bytes of `c` are zeroed, the rest stored.
    let m = p.lower_ok();
    let text = print::print_module(&m);
    assert!(text.contains("store64"), "{text}");
}

/// The value of a bitfield assignment is the truncated value:
/// int f(int x) { struct { unsigned u:4; int s:4; } v = {0}; return (v.u = x) * 100 + (v.s = x); }
#[test]
fn bitfield_assignment_value() {
    let mut p = P::new();
    let t = p.t;
    let bu = BitField {
        bit_offset: 0,
        width: 4,
    };
    let bs = BitField {
        bit_offset: 4,
        width: 4,
    };
    let rec = p.record(&[(t.uint, 0, Some(bu)), (t.int, 0, Some(bs))], 4, 4, false);
    let mut fb = Fb::default();
    let xp = fb.param(t.int, 4);
    let v = fb.local(rec, 4);
    p.func(
        "f",
        t.int,
        fb,
        vec![
            st(StmtKind::Decl {
                local: v,
                init: Some(LocalInit::Aggregate(vec![])),
            }),
            ret(bin(
                BinOp::Add,
                bin(
                    BinOp::Mul,
                    cast(
                        set(
                            member(var(v, rec), 0, Some(bu), t.uint),
                            cast(get(xp, t.int), t.uint),
                        ),
                        t.int,
                    ),
                    k(100, t.int),
                    t.int,
                ),
                set(member(var(v, rec), 0, Some(bs), t.int), get(xp, t.int)),
                t.int,
            )),
        ],
    );
    assert_eq!(p.run("f", &[9]), s32(900 - 7));
    assert_eq!(p.run("f", &[0x17]), s32(700 + 7));
}

/// Pointer arithmetic and differences with an element size of 12:
/// long f(long i, long j) { struct t a[8]; struct t *p = &a[i], *q = a + j; q -= 1;
///   return (p - q) * 100 + (q + 2 - p); }
#[test]
fn pointer_arithmetic() {
    let mut p = P::new();
    let t = p.t;
    let elem = p.record(
        &[(t.int, 0, None), (t.int, 4, None), (t.int, 8, None)],
        12,
        4,
        false,
    );
    let arr = p.array(elem, 8);
    let pe = p.ptr(elem);
    let mut fb = Fb::default();
    let i = fb.param(t.long, 8);
    let j = fb.param(t.long, 8);
    let a = fb.local(arr, 4);
    let pp = fb.local(pe, 8);
    let qq = fb.local(pe, 8);
    let decay = || addr(var(a, arr), pe);
    let padd = |ptr: Expr, idx: Expr| {
        x(
            ExprKind::PtrAdd {
                ptr: Box::new(ptr),
                index: Box::new(idx),
                scale: 12,
            },
            pe,
        )
    };
    let pdiff = |l: Expr, r: Expr| {
        x(
            ExprKind::PtrDiff {
                lhs: Box::new(l),
                rhs: Box::new(r),
                scale: 12,
            },
            t.long,
        )
    };
    p.func(
        "f",
        t.long,
        fb,
        vec![
            decl(pp, addr(deref(padd(decay(), get(i, t.long)), elem), pe)),
            decl(qq, padd(decay(), get(j, t.long))),
            ex(x(
                ExprKind::CompoundAssign {
                    op: CompoundOp::PtrAdd {
                        scale: 12,
                        negate: true,
                    },
                    lhs: Box::new(var(qq, pe)),
                    rhs: Box::new(k(1, t.long)),
                },
                pe,
            )),
            ret(bin(
                BinOp::Add,
                bin(
                    BinOp::Mul,
                    pdiff(get(pp, pe), get(qq, pe)),
                    k(100, t.long),
                    t.long,
                ),
                pdiff(padd(get(qq, pe), k(2, t.long)), get(pp, pe)),
                t.long,
            )),
        ],
    );
    for (i, j) in [(0i64, 0i64), (7, 1), (1, 7), (3, 3)] {
        let d = i - (j - 1);
        assert_eq!(p.run("f", &[i as u64, j as u64]) as i64, d * 100 + (2 - d));
    }
}

/// Globals: sections as clang picks them, unused statics dropped, loads and
/// stores through `SymbolAddr`.
/// int counter = 5; static int hidden = 3; static int unused = 9; const int k = 0;
/// int zero; const volatile int cfg; char _license[] SEC("license") = "GPL";
/// int bump(int by) { counter += by; zero++; return counter + hidden + k; }
#[test]
fn globals_sections_and_reachability() {
    let mut p = P::new();
    let t = p.t;
    let int_q = QualType::new(t.int);
    let const_int = QualType {
        ty: t.int,
        quals: Quals {
            is_const: true,
            ..Default::default()
        },
    };
    let cv_int = QualType {
        ty: t.int,
        quals: Quals {
            is_const: true,
            is_volatile: true,
            is_restrict: false,
        },
    };
    let counter = p.global(
        "counter",
        int_q,
        Some(5i32.to_le_bytes().to_vec()),
        Linkage::External,
        None,
    );
    let hidden = p.global(
        "hidden",
        int_q,
        Some(3i32.to_le_bytes().to_vec()),
        Linkage::Internal,
        None,
    );
    p.global(
        "unused",
        int_q,
        Some(9i32.to_le_bytes().to_vec()),
        Linkage::Internal,
        None,
    );
    let kk = p.global("k", const_int, None, Linkage::External, None);
    let zero = p.global("zero", int_q, None, Linkage::External, None);
    p.global("cfg", cv_int, None, Linkage::External, None);
    let lic_ty = p.array(t.char, 4);
    p.global(
        "_license",
        QualType::new(lic_ty),
        Some(b"GPL\0".to_vec()),
        Linkage::External,
        Some("license"),
    );
    let g = |id, ty| x(ExprKind::Global(id), ty);
    let mut fb = Fb::default();
    let by = fb.param(t.int, 4);
    p.func(
        "bump",
        t.int,
        fb,
        vec![
            ex(x(
                ExprKind::CompoundAssign {
                    op: CompoundOp::Arith {
                        op: BinOp::Add,
                        op_ty: t.int,
                    },
                    lhs: Box::new(g(counter, t.int)),
                    rhs: Box::new(get(by, t.int)),
                },
                t.int,
            )),
            ex(x(
                ExprKind::IncDec {
                    lhs: Box::new(g(zero, t.int)),
                    delta: 1,
                    pre: false,
                },
                t.int,
            )),
            ret(bin(
                BinOp::Add,
                bin(
                    BinOp::Add,
                    ld(g(counter, t.int)),
                    ld(g(hidden, t.int)),
                    t.int,
                ),
                ld(g(kk, t.int)),
                t.int,
            )),
        ],
    );
    let m = p.lower_ok();
    let sections: Vec<(&str, &str, ir::Linkage)> = m
        .data
        .values()
        .map(|d| (d.name.as_str(), d.section.as_str(), d.linkage))
        .collect();
    assert_eq!(
        sections,
        vec![
            ("counter", ".data", ir::Linkage::Global),
            ("hidden", ".data", ir::Linkage::Local),
            ("k", ".rodata", ir::Linkage::Global),
            ("zero", ".bss", ir::Linkage::Global),
            ("cfg", ".rodata", ir::Linkage::Global),
            ("_license", "license", ir::Linkage::Global),
        ]
    );
    let by_name = |n: &str| m.data.values().find(|d| d.name == n).unwrap();
    assert_eq!(by_name("k").bytes, vec![0; 4]);
    assert!(by_name("zero").bytes.is_empty());
    assert_eq!(by_name("_license").bytes, b"GPL\0");
    let mut machine = interp::Machine::new(&m);
    let f = func_id(&m, "bump");
    assert_eq!(machine.call(f, &[10], &mut NoEnv).unwrap(), Some(18));
    assert_eq!(machine.call(f, &[1], &mut NoEnv).unwrap(), Some(19));
    let zero_addr = machine.data_addr(ir::DataId::from_u32(3));
    assert_eq!(machine.memory.load(zero_addr, ir::MemWidth::B4).unwrap(), 2);
}

/// Calls: a static function reached only through a call is emitted, a helper
/// goes to `call N`, an undefined function becomes a kfunc, noreturn ends
/// the block; an unused static function is dropped.
/// static int twice(int v) { return v * 2; }  static int dead(void) { return 1; }
/// extern int bpf_kf(int);  long prog(void *ctx) { return twice(bpf_helper_7(3)) + bpf_kf(1); }
#[test]
fn calls_helpers_kfuncs_and_reachability() {
    let mut p = P::new();
    let t = p.t;
    let vp = p.ptr(t.void);
    let mut fb = Fb::default();
    let v = fb.param(t.int, 4);
    let twice = p.func_full(
        "twice",
        t.int,
        fb,
        Some(vec![ret(bin(
            BinOp::Mul,
            get(v, t.int),
            k(2, t.int),
            t.int,
        ))]),
        Linkage::Internal,
        None,
    );
    p.func_full(
        "dead",
        t.int,
        Fb::default(),
        Some(vec![ret(k(1, t.int))]),
        Linkage::Internal,
        None,
    );
    let mut fb = Fb::default();
    fb.param(t.int, 4);
    let kf = p.func_full("bpf_kf", t.int, fb, None, Linkage::External, None);
    let call = |callee, args: Vec<Expr>, ty| x(ExprKind::Call { callee, args }, ty);
    let mut fb = Fb::default();
    fb.param(vp, 8);
    let body = vec![ret(cast(
        bin(
            BinOp::Add,
            call(
                Callee::Direct(twice),
                vec![cast(
                    call(Callee::Helper(7), vec![k(3, t.long)], t.long),
                    t.int,
                )],
                t.int,
            ),
            call(Callee::Direct(kf), vec![k(1, t.int)], t.int),
            t.int,
        ),
        t.long,
    ))];
    p.func_full(
        "prog",
        t.long,
        fb,
        Some(body),
        Linkage::External,
        Some("xdp"),
    );
    let m = p.lower_ok();
    let names: Vec<&str> = m.functions.values().map(|f| f.name.as_str()).collect();
    assert_eq!(names, vec!["twice", "prog"]);
    assert_eq!(m.extern_functions, vec!["bpf_kf".to_string()]);
    assert_eq!(m.functions[func_id(&m, "prog")].section, "xdp");
    assert_eq!(
        m.functions[func_id(&m, "twice")].linkage,
        ir::Linkage::Local
    );
    struct E;
    impl Env for E {
        fn call_helper(&mut self, id: i64, args: &[u64], _: &mut Memory) -> Result<u64, Trap> {
            assert_eq!(id, 7);
            Ok(args[0] * 10)
        }
        fn call_kfunc(&mut self, name: &str, args: &[u64], _: &mut Memory) -> Result<u64, Trap> {
            assert_eq!(name, "bpf_kf");
            Ok(args[0] + 4)
        }
    }
    assert_eq!(run_module(&m, "prog", &[0], &mut E).unwrap(), 65);
}

/// memset/memcpy builtins expand into aligned stores; bswap; goto.
/// int f(int x) { char buf[13]; __builtin_memset(buf, x, 13); int a[2];
///   __builtin_memcpy(a, buf + 1, 8); if (x == 1) goto out; return __builtin_bswap32(a[1]);
///   out: return a[0] + buf[12]; }
#[test]
fn builtins_and_goto() {
    let mut p = P::new();
    let t = p.t;
    let buf_ty = p.array(t.char, 13);
    let a_ty = p.array(t.int, 2);
    let pc = p.ptr(t.char);
    let pi = p.ptr(t.int);
    let vp = p.ptr(t.void);
    let mut fb = Fb::default();
    let xp = fb.param(t.int, 4);
    let buf = fb.local(buf_ty, 1);
    let a = fb.local(a_ty, 4);
    let out = fb.label();
    let elem = |l, arr, ptr, ty, i: i64, scale| {
        deref(
            x(
                ExprKind::PtrAdd {
                    ptr: Box::new(addr(var(l, arr), ptr)),
                    index: Box::new(k(i, t.long)),
                    scale,
                },
                ptr,
            ),
            ty,
        )
    };
    p.func(
        "f",
        t.int,
        fb,
        vec![
            st(StmtKind::Decl {
                local: buf,
                init: None,
            }),
            ex(x(
                ExprKind::Builtin(
                    Builtin::Memset { size: 13 },
                    vec![cast(addr(var(buf, buf_ty), pc), vp), get(xp, t.int)],
                ),
                vp,
            )),
            ex(x(
                ExprKind::Builtin(
                    Builtin::Memcpy { size: 8 },
                    vec![
                        cast(addr(var(a, a_ty), pi), vp),
                        cast(
                            x(
                                ExprKind::PtrAdd {
                                    ptr: Box::new(addr(var(buf, buf_ty), pc)),
                                    index: Box::new(k(1, t.long)),
                                    scale: 1,
                                },
                                pc,
                            ),
                            vp,
                        ),
                    ],
                ),
                vp,
            )),
            if_(
                bin(BinOp::Eq, get(xp, t.int), k(1, t.int), t.int),
                st(StmtKind::Goto(out)),
                None,
            ),
            ret(x(
                ExprKind::Builtin(
                    Builtin::Bswap { bits: 32 },
                    vec![cast(ld(elem(a, a_ty, pi, t.int, 1, 4)), t.uint)],
                ),
                t.uint,
            )),
            st(StmtKind::Label(out)),
            ret(bin(
                BinOp::Add,
                ld(elem(a, a_ty, pi, t.int, 0, 4)),
                cast(ld(elem(buf, buf_ty, pc, t.char, 12, 1)), t.int),
                t.int,
            )),
        ],
    );
    assert_eq!(p.run("f", &[0x1ab]), 0xabababab);
    assert_eq!(p.run("f", &[1]), 0x01010101 + 1);
    assert_eq!(p.run("f", &[0xff]), 0xffff_ffff);
    // The copy from buf + 1 is byte-aligned: it uses byte accesses.
    let m = p.lower_ok();
    let f = &m.functions[func_id(&m, "f")];
    let byte_loads = f
        .insts
        .values()
        .filter(|i| {
            matches!(
                i.op,
                Op::Load {
                    width: ir::MemWidth::B1,
                    ..
                }
            )
        })
        .count();
    assert!(byte_loads >= 8, "{}", print::print_function(f));
}

/// LD_ABS for a constant offset, LD_IND otherwise.
/// int f(struct __sk_buff *skb, int i) { return load_half(skb, 12) + load_byte(skb, i); }
#[test]
fn packet_loads() {
    let mut p = P::new();
    let t = p.t;
    let vp = p.ptr(t.void);
    let mut fb = Fb::default();
    let skb = fb.param(vp, 8);
    let i = fb.param(t.long, 8);
    let lp = |w, off| {
        x(
            ExprKind::Builtin(Builtin::LoadPacket { width: w }, vec![get(skb, vp), off]),
            t.long,
        )
    };
    p.func(
        "f",
        t.long,
        fb,
        vec![ret(bin(
            BinOp::Add,
            lp(2, k(12, t.long)),
            lp(1, get(i, t.long)),
            t.long,
        ))],
    );
    let m = p.lower_ok();
    let text = print::print_module(&m);
    assert!(text.contains("ld_abs16"), "{text}");
    assert!(text.contains("ld_ind8"), "{text}");
    let mut packet = vec![0u8; 20];
    packet[12] = 0x08;
    packet[13] = 0x00;
    packet[15] = 7;
    let mut env = HelperEnv {
        helper: |id, _: &[u64], _: &mut Memory| Err(Trap::UnknownHelper(id)),
        packet,
    };
    assert_eq!(run_module(&m, "f", &[0, 15], &mut env).unwrap(), 0x800 + 7);
}

/// Volatile lvalues give volatile loads and stores.
/// int f(volatile int *p) { *p = 1; return *p; }
#[test]
fn volatile_accesses() {
    let mut p = P::new();
    let t = p.t;
    let vint = QualType {
        ty: t.int,
        quals: Quals {
            is_volatile: true,
            ..Default::default()
        },
    };
    let pv = p.ptr_q(vint);
    let mut fb = Fb::default();
    let pp = fb.param(pv, 8);
    let lv = || Expr {
        kind: ExprKind::Deref(Box::new(get(pp, pv))),
        ty: vint,
        span: Span::default(),
    };
    p.func(
        "f",
        t.int,
        fb,
        vec![ex(set(lv(), k(1, t.int))), ret(ld(lv()))],
    );
    let m = p.lower_ok();
    let text = print::print_module(&m);
    assert!(text.contains("store.volatile32"), "{text}");
    assert!(text.contains("load.volatile32"), "{text}");
}

/// A void function falls off its end with `return`, a non-void one returns 0;
/// code after return goes to an unreachable block and still verifies.
/// void v(void) { return; v(); }  int n(void) { }
#[test]
fn implicit_returns_and_dead_code() {
    let mut p = P::new();
    let t = p.t;
    p.func(
        "v",
        t.void,
        Fb::default(),
        vec![
            st(StmtKind::Return(None)),
            ex(x(
                ExprKind::Call {
                    callee: Callee::Direct(FuncId::from_u32(0)),
                    args: vec![],
                },
                t.void,
            )),
        ],
    );
    p.func("n", t.int, Fb::default(), vec![]);
    let m = p.lower_ok();
    assert_eq!(m.functions[func_id(&m, "v")].ret, None);
    assert_eq!(run_module(&m, "n", &[], &mut NoEnv).unwrap(), 0);
    let text = print::print_function(&m.functions[func_id(&m, "v")]);
    assert!(text.contains("return\n"), "{text}");
}

/// A barrier lowers to one side-effecting instruction that -O2 keeps.
#[test]
fn inline_asm_barrier_is_kept() {
    let mut p = P::new();
    let t = p.t;
    let span = Span::new(crate::source::FileId(0), 10, 20);
    p.func(
        "f",
        t.int,
        Fb::default(),
        vec![
            Stmt {
                kind: StmtKind::Asm(AsmStmt {
                    is_volatile: true,
                    template: b"".to_vec(),
                    template_span: span,
                    template_pieces: vec![],
                    outputs: vec![],
                    inputs: vec![],
                    clobbers: vec![b"memory".to_vec()],
                    labels: vec![],
                }),
                span,
            },
            ret(k(0, t.int)),
        ],
    );
    let (mut m, diags) = p.lower();
    assert_eq!(diags.error_count(), 0);
    crate::passes::optimize(&mut m, 2);
    let f = m.functions.values().next().unwrap();
    let text = crate::ir::print::print_function(f);
    assert!(text.contains("inline_asm \"\" ()"), "{text}");
}

/// Same input, same output: lowering twice prints the same IR.
#[test]
fn deterministic_output() {
    let p = switch_program(
        &[(1, 1), (2, 2), (3, 3), (4, 4), (5, 9), (20, 20), (30, 30)],
        true,
    );
    let a = print::print_module(&p.lower_ok());
    let b = print::print_module(&p.lower_ok());
    assert_eq!(a, b);
}

/// Shift counts of another type, and unsigned 64-bit comparison:
/// int f(unsigned short h, long n) { h <<= n; return h; }
/// int g(unsigned long a, unsigned long b) { return a < b; }
#[test]
fn shift_counts_and_unsigned_compare() {
    let mut p = P::new();
    let t = p.t;
    let mut fb = Fb::default();
    let h = fb.param(t.ushort, 2);
    let n = fb.param(t.long, 8);
    p.func(
        "f",
        t.int,
        fb,
        vec![
            ex(x(
                ExprKind::CompoundAssign {
                    op: CompoundOp::Arith {
                        op: BinOp::Shl,
                        op_ty: t.int,
                    },
                    lhs: Box::new(var(h, t.ushort)),
                    rhs: Box::new(get(n, t.long)),
                },
                t.ushort,
            )),
            ret(cast(get(h, t.ushort), t.int)),
        ],
    );
    let mut fb = Fb::default();
    let a = fb.param(t.ulong, 8);
    let b = fb.param(t.ulong, 8);
    p.func(
        "g",
        t.int,
        fb,
        vec![ret(bin(BinOp::Lt, get(a, t.ulong), get(b, t.ulong), t.int))],
    );
    assert_eq!(p.run("f", &[0x1234, 4]), 0x2340);
    assert_eq!(p.run("f", &[0xffff, 15]), 0x8000);
    assert_eq!(p.run("g", &[u64::MAX, 1]), 0);
    assert_eq!(p.run("g", &[1, u64::MAX]), 1);
}

/// Aggregate-valued `?:` and statement expressions, copied through addresses:
/// struct pair { int a, b; };
/// int f(int c) { struct pair x = {1, 2}, y = {3, 4}, z;
///   z = c ? x : y; return ({ struct pair t = z; t.b; }) * 10 + z.a; }
#[test]
fn aggregate_conditional_and_statement_expression() {
    let mut p = P::new();
    let t = p.t;
    let pair = p.record(&[(t.int, 0, None), (t.int, 4, None)], 8, 4, false);
    let mut fb = Fb::default();
    let c = fb.param(t.int, 4);
    let xl = fb.local(pair, 4);
    let yl = fb.local(pair, 4);
    let zl = fb.local(pair, 4);
    let tl = fb.local(pair, 4);
    let init = |l, a, b| {
        st(StmtKind::Decl {
            local: l,
            init: Some(LocalInit::Aggregate(vec![
                InitStore::Value {
                    offset: 0,
                    bitfield: None,
                    value: k(a, t.int),
                },
                InitStore::Value {
                    offset: 4,
                    bitfield: None,
                    value: k(b, t.int),
                },
            ])),
        })
    };
    let cond = x(
        ExprKind::Cond {
            cond: Box::new(get(c, t.int)),
            then: Box::new(var(xl, pair)),
            els: Box::new(var(yl, pair)),
        },
        pair,
    );
    let stmt_expr = x(
        ExprKind::StmtExpr {
            body: vec![decl(tl, var(zl, pair))],
            result: Some(Box::new(ld(member(var(tl, pair), 4, None, t.int)))),
        },
        t.int,
    );
    p.func(
        "f",
        t.int,
        fb,
        vec![
            init(xl, 1, 2),
            init(yl, 3, 4),
            ex(set(var(zl, pair), cond)),
            ret(bin(
                BinOp::Add,
                bin(BinOp::Mul, stmt_expr, k(10, t.int), t.int),
                ld(member(var(zl, pair), 0, None, t.int)),
                t.int,
            )),
        ],
    );
    assert_eq!(p.run("f", &[1]), 21);
    assert_eq!(p.run("f", &[0]), 43);
}

/// Function addresses and indirect calls; memset with a variable byte.
/// static int inc(int v) { return v + 1; }
/// int f(int b) { int (*fp)(int) = inc; long x; __builtin_memset(&x, b, 8);
///   return fp((int)x); }
#[test]
fn function_pointers_and_variable_memset() {
    let mut p = P::new();
    let t = p.t;
    let fn_ty = p.prog.types.intern(TypeKind::Function(FunctionType {
        ret: QualType::new(t.int),
        params: vec![QualType::new(t.int)],
        variadic: false,
        has_prototype: true,
    }));
    let fp_ty = p.ptr(fn_ty);
    let pl = p.ptr(t.long);
    let vp = p.ptr(t.void);
    let mut fb = Fb::default();
    let v = fb.param(t.int, 4);
    let inc = p.func_full(
        "inc",
        t.int,
        fb,
        Some(vec![ret(bin(
            BinOp::Add,
            get(v, t.int),
            k(1, t.int),
            t.int,
        ))]),
        Linkage::Internal,
        None,
    );
    let mut fb = Fb::default();
    let b = fb.param(t.int, 4);
    let fp = fb.local(fp_ty, 8);
    let xl = fb.local(t.long, 8);
    fb.locals[xl].address_taken = true;
    p.func(
        "f",
        t.int,
        fb,
        vec![
            decl(fp, x(ExprKind::Func(inc), fp_ty)),
            ex(x(
                ExprKind::Builtin(
                    Builtin::Memset { size: 8 },
                    vec![cast(addr(var(xl, t.long), pl), vp), get(b, t.int)],
                ),
                vp,
            )),
            ret(x(
                ExprKind::Call {
                    callee: Callee::Indirect(Box::new(get(fp, fp_ty))),
                    args: vec![cast(get(xl, t.long), t.int)],
                },
                t.int,
            )),
        ],
    );
    let m = p.lower_ok();
    let f = &m.functions[func_id(&m, "f")];
    assert!(f.slots.values().any(|s| s.address_taken && s.size == 8));
    assert_eq!(
        run_module(&m, "f", &[0x12], &mut NoEnv).unwrap(),
        0x12121213
    );
    assert_eq!(run_module(&m, "f", &[0x1ff], &mut NoEnv).unwrap(), 0);
}

/// Initializers holding addresses become relocations; string literals go to
/// `.rodata.str1.1`; `used` keeps a static object; unused externs vanish.
/// static const char *names[] = { "ab" };  __attribute__((used)) static int keep;
/// extern int ext;  int *ptrs[2] = { 0, &keep };
#[test]
fn initializer_relocations_and_string_literals() {
    let mut p = P::new();
    let t = p.t;
    let str_ty = p.array(t.char, 3);
    let lit = p.global(
        ".str",
        QualType::new(str_ty),
        Some(b"ab\0".to_vec()),
        Linkage::Internal,
        None,
    );
    p.prog.globals[lit].synthesized = true;
    let pc = p.ptr(t.char);
    let names_ty = p.array(pc, 1);
    let names = p.global(
        "names",
        QualType::new(names_ty),
        Some(vec![0; 8]),
        Linkage::External,
        None,
    );
    p.prog.globals[names]
        .init
        .as_mut()
        .unwrap()
        .relocs
        .push(ConstReloc {
            offset: 0,
            target: SymbolRef::Global(lit),
            addend: 1,
        });
    let keep = p.global("keep", QualType::new(t.int), None, Linkage::Internal, None);
    p.prog.globals[keep].attrs.used = true;
    let ext = p.global("ext", QualType::new(t.int), None, Linkage::External, None);
    p.prog.globals[ext].is_extern = true;
    let pi = p.ptr(t.int);
    let ptrs_ty = p.array(pi, 2);
    let ptrs = p.global(
        "ptrs",
        QualType::new(ptrs_ty),
        Some(vec![0; 16]),
        Linkage::External,
        None,
    );
    p.prog.globals[ptrs]
        .init
        .as_mut()
        .unwrap()
        .relocs
        .push(ConstReloc {
            offset: 8,
            target: SymbolRef::Global(keep),
            addend: 0,
        });
    let m = p.lower_ok();
    let got: Vec<(&str, &str, u64)> = m
        .data
        .values()
        .map(|d| (d.name.as_str(), d.section.as_str(), d.size))
        .collect();
    assert_eq!(
        got,
        vec![
            (".str", ".rodata.str1.1", 3),
            ("names", ".data", 8),
            ("keep", ".bss", 4),
            ("ptrs", ".data", 16),
        ]
    );
    let names = m.data.values().find(|d| d.name == "names").unwrap();
    assert_eq!(
        names.relocs,
        vec![(0, ir::SymbolTarget::Data(ir::DataId::from_u32(0)), 1)]
    );
    let ptrs = m.data.values().find(|d| d.name == "ptrs").unwrap();
    assert_eq!(
        ptrs.relocs,
        vec![(8, ir::SymbolTarget::Data(ir::DataId::from_u32(2)), 0)]
    );
}

/// Unsupported constructs are reported at their place, not lowered wrongly:
/// a struct returned by value, a call with six arguments.
#[test]
fn unsupported_constructs_are_diagnosed() {
    let mut p = P::new();
    let t = p.t;
    let pair = p.record(&[(t.int, 0, None), (t.int, 4, None)], 8, 4, false);
    let mut fb = Fb::default();
    let l = fb.local(pair, 4);
    p.func("s", pair, fb, vec![ret(var(l, pair))]);
    let mut fb = Fb::default();
    for _ in 0..6 {
        fb.param(t.int, 4);
    }
    p.func("six", t.int, fb, vec![ret(k(0, t.int))]);
    let (_, diags) = p.lower();
    let msgs: Vec<&str> = diags.list.iter().map(|d| d.message.as_str()).collect();
    assert!(
        msgs.iter().any(|m| m.contains("returns a struct")),
        "{msgs:?}"
    );
    assert!(msgs.iter().any(|m| m.contains("at most 5")), "{msgs:?}");
}
