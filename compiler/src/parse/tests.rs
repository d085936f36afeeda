//! Parser tests: each construct the parser accepts, the tree it builds, and
//! error recovery with diagnostic positions.
//!
//! Input is tokenized by a small lexer here (no preprocessing), so these
//! tests do not depend on the preprocessor.

use super::ast::*;
use crate::diag::{Diagnostics, Severity};
use crate::intern::{Interner, Sym};
use crate::preprocess::token::{Expansion, ExpansionId, Punct, Token, TokenKind};
use crate::source::{FileId, SourceMap, Span};

/// Tokenizes C source without preprocessing (lines starting with `#` are
/// skipped).
pub(super) fn lex(src: &str, file: FileId, interner: &mut Interner) -> Vec<Token> {
    let b = src.as_bytes();
    let mut i = 0;
    let mut toks = Vec::new();
    let mut line_start = true;
    let mut space = false;
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line_start = true;
            space = true;
            i += 1;
            continue;
        }
        if c.is_ascii_whitespace() {
            space = true;
            i += 1;
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                i += 1;
            }
            i += 2;
            space = true;
            continue;
        }
        if c == b'#' && line_start {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        let is_quote_start = |j: usize| matches!(b.get(j), Some(b'\'') | Some(b'"'));
        let prefix_len = if (c == b'L' || c == b'U' || c == b'u') && is_quote_start(i + 1) {
            1
        } else if c == b'u' && b.get(i + 1) == Some(&b'8') && is_quote_start(i + 2) {
            2
        } else {
            0
        };
        let kind = if c == b'\'' || c == b'"' || prefix_len > 0 {
            i += prefix_len;
            let q = b[i];
            i += 1;
            while i < b.len() && b[i] != q {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            let s = interner.intern(&src[start..i]);
            if q == b'\'' {
                TokenKind::Char(s)
            } else {
                TokenKind::Str(s)
            }
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            TokenKind::Ident(interner.intern(&src[start..i]))
        } else if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            i += 1;
            while i < b.len() {
                let d = b[i];
                let exponent_sign =
                    (d == b'+' || d == b'-') && matches!(b[i - 1], b'e' | b'E' | b'p' | b'P');
                if exponent_sign || d.is_ascii_alphanumeric() || d == b'.' || d == b'_' {
                    i += 1;
                } else {
                    break;
                }
            }
            TokenKind::Number(interner.intern(&src[start..i]))
        } else {
            const PUNCTS: &[(&str, Punct)] = &[
                ("...", Punct::Ellipsis),
                ("<<=", Punct::ShlAssign),
                (">>=", Punct::ShrAssign),
                ("->", Punct::Arrow),
                ("++", Punct::PlusPlus),
                ("--", Punct::MinusMinus),
                ("<<", Punct::Shl),
                (">>", Punct::Shr),
                ("<=", Punct::Le),
                (">=", Punct::Ge),
                ("==", Punct::EqEq),
                ("!=", Punct::Ne),
                ("&&", Punct::AmpAmp),
                ("||", Punct::PipePipe),
                ("*=", Punct::StarAssign),
                ("/=", Punct::SlashAssign),
                ("%=", Punct::PercentAssign),
                ("+=", Punct::PlusAssign),
                ("-=", Punct::MinusAssign),
                ("&=", Punct::AmpAssign),
                ("^=", Punct::CaretAssign),
                ("|=", Punct::PipeAssign),
                ("##", Punct::HashHash),
                ("[", Punct::LBracket),
                ("]", Punct::RBracket),
                ("(", Punct::LParen),
                (")", Punct::RParen),
                ("{", Punct::LBrace),
                ("}", Punct::RBrace),
                (".", Punct::Dot),
                ("&", Punct::Amp),
                ("*", Punct::Star),
                ("+", Punct::Plus),
                ("-", Punct::Minus),
                ("~", Punct::Tilde),
                ("!", Punct::Bang),
                ("/", Punct::Slash),
                ("%", Punct::Percent),
                ("<", Punct::Lt),
                (">", Punct::Gt),
                ("^", Punct::Caret),
                ("|", Punct::Pipe),
                ("?", Punct::Question),
                (":", Punct::Colon),
                (";", Punct::Semi),
                ("=", Punct::Assign),
                (",", Punct::Comma),
                ("#", Punct::Hash),
            ];
            match PUNCTS.iter().find(|(s, _)| src[i..].starts_with(s)) {
                Some((s, p)) => {
                    i += s.len();
                    TokenKind::Punct(*p)
                }
                None => {
                    let ch = src[i..].chars().next().unwrap_or('?');
                    i += ch.len_utf8();
                    TokenKind::Other(ch)
                }
            }
        };
        toks.push(Token {
            kind,
            span: Span::new(file, start as u32, i as u32),
            expansion: None,
            leading_space: space,
            at_line_start: line_start,
        });
        line_start = false;
        space = false;
    }
    toks.push(Token {
        kind: TokenKind::Eof,
        span: Span::new(file, b.len() as u32, b.len() as u32),
        expansion: None,
        leading_space: false,
        at_line_start: true,
    });
    toks
}

struct Parsed {
    tu: TranslationUnit,
    interner: Interner,
    diags: Diagnostics,
    sources: SourceMap,
}

impl Parsed {
    fn name(&self, s: Sym) -> &str {
        self.interner.resolve(s)
    }
    fn errors(&self) -> Vec<String> {
        self.diags
            .list
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                format!(
                    "{}: {}",
                    d.span.map(|s| self.sources.describe(s)).unwrap_or_default(),
                    d.message
                )
            })
            .collect()
    }
    fn decl(&self, i: usize) -> &Declaration {
        match &self.tu.items[i] {
            ExternalDecl::Declaration(d) => d,
            other => panic!("item {i} is not a declaration: {other:?}"),
        }
    }
    fn func(&self, i: usize) -> &FunctionDef {
        match &self.tu.items[i] {
            ExternalDecl::FunctionDef(f) => f,
            other => panic!("item {i} is not a function: {other:?}"),
        }
    }
    fn expr(&self, e: ExprId) -> &ExprKind {
        &self.tu.exprs[e].kind
    }
    fn stmt(&self, s: StmtId) -> &StmtKind {
        &self.tu.stmts[s].kind
    }
    /// The body items of function item `i`.
    fn body(&self, i: usize) -> &[BlockItem] {
        match self.stmt(self.func(i).body) {
            StmtKind::Compound(items) => items,
            other => panic!("body is {other:?}"),
        }
    }
    /// The expression of the `n`th statement of function item `i` (an
    /// expression statement or `return e;`).
    fn body_expr(&self, i: usize, n: usize) -> ExprId {
        match &self.body(i)[n] {
            BlockItem::Stmt(s) => match self.stmt(*s) {
                StmtKind::Expr(Some(e)) | StmtKind::Return(Some(e)) => *e,
                other => panic!("statement is {other:?}"),
            },
            other => panic!("item is {other:?}"),
        }
    }
    /// Renders an expression as fully parenthesised text.
    fn show(&self, e: ExprId) -> String {
        match self.expr(e) {
            ExprKind::Ident(s) => self.name(*s).to_string(),
            ExprKind::IntLit { value, .. } => value.to_string(),
            ExprKind::CharLit { value, .. } => format!("'{value}'"),
            ExprKind::StringLit { bytes, .. } => format!("{:?}", String::from_utf8_lossy(bytes)),
            ExprKind::Unary(op, a) => format!("({op:?} {})", self.show(*a)),
            ExprKind::Binary(op, a, b) => format!("({} {op:?} {})", self.show(*a), self.show(*b)),
            ExprKind::Assign(op, a, b) => format!("({} ={op:?} {})", self.show(*a), self.show(*b)),
            ExprKind::Cond { cond, then, els } => format!(
                "({} ? {} : {})",
                self.show(*cond),
                then.map(|t| self.show(t)).unwrap_or_default(),
                self.show(*els)
            ),
            ExprKind::Cast(_, a) => format!("(cast {})", self.show(*a)),
            ExprKind::Call(f, args) => format!(
                "{}({})",
                self.show(*f),
                args.iter()
                    .map(|a| self.show(*a))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ExprKind::Index(a, i) => format!("{}[{}]", self.show(*a), self.show(*i)),
            ExprKind::Member(a, m, _) => format!("{}.{}", self.show(*a), self.name(*m)),
            ExprKind::Arrow(a, m, _) => format!("{}->{}", self.show(*a), self.name(*m)),
            ExprKind::SizeofExpr(a) => format!("sizeof {}", self.show(*a)),
            ExprKind::SizeofType(_) => "sizeof(type)".to_string(),
            other => format!("{other:?}"),
        }
    }
}

fn parse_src(src: &str) -> Parsed {
    let mut interner = Interner::new();
    let mut sources = SourceMap::new();
    let file = sources.add("t.c", None, src.to_string());
    let toks = lex(src, file, &mut interner);
    let mut diags = Diagnostics::new();
    let tu = super::parse(&toks, &mut interner, &mut diags);
    Parsed {
        tu,
        interner,
        diags,
        sources,
    }
}

/// Parses and asserts there were no errors.
fn ok(src: &str) -> Parsed {
    let p = parse_src(src);
    assert!(
        p.errors().is_empty(),
        "unexpected errors: {:#?}",
        p.errors()
    );
    p
}

fn declarator_name(p: &Parsed, d: &Declarator) -> String {
    d.name
        .map(|(s, _)| p.name(s).to_string())
        .unwrap_or_default()
}

/// A compact rendering of `derived`, name outward: `[3]`, `*`, `*c`, `()`.
fn derived(d: &Declarator) -> String {
    d.derived
        .iter()
        .map(|x| match x {
            DerivedDecl::Pointer { quals, .. } if quals.is_const => "*c".to_string(),
            DerivedDecl::Pointer { .. } => "*".to_string(),
            DerivedDecl::Array {
                size: ArraySize::Unspecified,
                ..
            } => "[]".to_string(),
            DerivedDecl::Array {
                size: ArraySize::Star,
                ..
            } => "[*]".to_string(),
            DerivedDecl::Array { .. } => "[n]".to_string(),
            DerivedDecl::Function(f) => format!(
                "({}{}{})",
                f.params.len(),
                if f.variadic { "..." } else { "" },
                if f.no_prototype { "?" } else { "" }
            ),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------
// Declarations

#[test]
fn declarator_shapes() {
    let p = ok(
        "int *a[3]; int (*b)[3]; int (*f)(int, char); int *g(void); \
                int (*(*h)(int))[4]; char **const *c; int k(); int v(int, ...); \
                int (*fp[2])(void);",
    );
    let got: Vec<String> = (0..p.tu.items.len())
        .map(|i| {
            let d = &p.decl(i).declarators[0].declarator;
            format!("{}:{}", declarator_name(&p, d), derived(d))
        })
        .collect();
    assert_eq!(
        got,
        [
            "a:[n] *",
            "b:* [n]",
            "f:* (2)",
            "g:(0) *",
            "h:* (1) * [n]",
            "c:* *c *",
            "k:(0?)",
            "v:(1...)",
            "fp:[n] * (0)",
        ]
    );
}

#[test]
fn abstract_declarators_in_casts_and_params() {
    let p = ok("void f(int (*)(int), char *[], int [*], unsigned);\n\
                int g(void) { return sizeof(int (*)[3]) + (int)(long)(char *)0; }");
    let f = &p.decl(0).declarators[0].declarator;
    let DerivedDecl::Function(fd) = &f.derived[0] else {
        panic!()
    };
    let shapes: Vec<String> = fd.params.iter().map(|x| derived(&x.declarator)).collect();
    assert_eq!(shapes, ["* (1)", "[] *", "[*]", ""]);
}

#[test]
fn typedef_scopes() {
    // `T * x;` is a declaration iff T is a typedef name in scope; an inner
    // variable named T hides the typedef.
    let p = ok("typedef int T;\n\
                int f(int x) { T * y; { int T = 2; T * x; } T * z; return 0; }");
    let body = p.body(1);
    assert!(matches!(body[0], BlockItem::Decl(_)));
    let BlockItem::Stmt(inner) = body[1] else {
        panic!()
    };
    let StmtKind::Compound(items) = p.stmt(inner) else {
        panic!()
    };
    assert!(matches!(items[0], BlockItem::Decl(_)));
    let BlockItem::Stmt(mul) = items[1] else {
        panic!("T * x should be an expression")
    };
    let StmtKind::Expr(Some(e)) = p.stmt(mul) else {
        panic!()
    };
    assert_eq!(p.show(*e), "(T Mul x)");
    assert!(
        matches!(body[2], BlockItem::Decl(_)),
        "typedef visible again after the block"
    );
}

#[test]
fn typedef_shadowed_by_parameter_and_enumerator() {
    let p = ok("typedef int T; typedef int U;\n\
                int f(int T) { return T * 2; }\n\
                int g(void) { enum { U = 3 }; return U * 2; }\n\
                int h(void) { U * p; return 0; }");
    assert_eq!(p.show(p.body_expr(2, 0)), "(T Mul 2)");
    assert_eq!(p.show(p.body_expr(3, 1)), "(U Mul 2)");
    assert!(matches!(p.body(4)[0], BlockItem::Decl(_)));
}

#[test]
fn typedef_name_as_member_and_declarator() {
    // `u64 u64;` declares a member named u64; `unsigned T` with T a typedef
    // declares T.
    let p = ok("typedef unsigned long u64; struct s { u64 u64; }; typedef int T; unsigned T;");
    let ExternalDecl::Declaration(d) = &p.tu.items[1] else {
        panic!()
    };
    let TypeSpec::Record(r) = &d.specs.type_specs[0] else {
        panic!()
    };
    let m = &r.members.as_ref().unwrap()[0];
    assert!(matches!(m.specs.type_specs[0], TypeSpec::TypedefName(..)));
    assert_eq!(
        declarator_name(&p, r.declarators(m)[0].declarator.as_ref().unwrap()),
        "u64"
    );
    let d = p.decl(3);
    assert_eq!(declarator_name(&p, &d.declarators[0].declarator), "T");
}

#[test]
fn records_bitfields_anonymous_members() {
    let p = ok("struct __attribute__((packed)) s {\n\
                  int a : 3, : 2, b;\n\
                  union { int x; char y; };\n\
                  struct { int z; } named;\n\
                  unsigned int flex[];\n\
                } __attribute__((aligned(8)));\n\
                struct fwd; union u;");
    let d = p.decl(0);
    let TypeSpec::Record(r) = &d.specs.type_specs[0] else {
        panic!()
    };
    assert_eq!(p.name(r.name.unwrap().0), "s");
    let attrs: Vec<&str> = r.attrs.iter().map(|a| p.name(a.name)).collect();
    assert_eq!(attrs, ["packed", "aligned"]);
    let m = r.members.as_ref().unwrap();
    assert_eq!(m.len(), 4);
    assert_eq!(r.declarators(&m[0]).len(), 3);
    assert!(r.declarators(&m[0])[0].bit_width.is_some());
    assert!(r.declarators(&m[0])[1].declarator.is_none());
    assert!(r.declarators(&m[0])[2].bit_width.is_none());
    assert!(r.declarators(&m[1]).is_empty(), "anonymous union member");
    // Without a body or attributes, a record specifier is a `RecordRef`.
    let TypeSpec::RecordRef(fwd) = &p.decl(1).specs.type_specs[0] else {
        panic!()
    };
    assert!(!fwd.is_union && p.name(fwd.name) == "fwd");
    let TypeSpec::RecordRef(u) = &p.decl(2).specs.type_specs[0] else {
        panic!()
    };
    assert!(u.is_union);
    // It spans `union u`, as the full form would.
    assert_eq!(u.span().end - u.span().start, "union u".len() as u32);
}

#[test]
fn enums() {
    let p = ok(
        "enum e : unsigned char { A, B = 5, C __attribute__((deprecated)) = B + 1, };\n\
                enum f { X } __attribute__((packed)); struct s { enum f g : 3; enum f : 2; };",
    );
    let TypeSpec::Enum(e) = &p.decl(0).specs.type_specs[0] else {
        panic!()
    };
    assert!(e.underlying.is_some());
    let list = e.enumerators.as_ref().unwrap();
    assert_eq!(list.len(), 3);
    assert!(list[0].value.is_none() && list[1].value.is_some());
    assert_eq!(p.name(list[2].attrs[0].name), "deprecated");
    let TypeSpec::Enum(f) = &p.decl(1).specs.type_specs[0] else {
        panic!()
    };
    assert_eq!(f.attrs.len(), 1);
    let TypeSpec::Record(s) = &p.decl(2).specs.type_specs[0] else {
        panic!()
    };
    let m = s.members.as_ref().unwrap();
    assert!(s.declarators(&m[0])[0].bit_width.is_some());
    assert!(s.declarators(&m[1])[0].declarator.is_none());
}

#[test]
fn attributes_everywhere() {
    let p = ok(
        "__attribute__((unused)) static int __attribute__((section(\".maps\"))) m \
                __attribute__((aligned(8), __used__));\n\
                int * __attribute__((btf_type_tag(\"user\"))) up;\n\
                [[gnu::unused]] int c23;\n\
                int f(int a __attribute__((unused)), int __attribute__((x)) b) {\n\
                  lbl: __attribute__((unused));\n\
                  switch (a) { case 1: a++; __attribute__((fallthrough)); default: break; }\n\
                  return 0;\n\
                }\n\
                void g(void) __attribute__((noreturn));",
    );
    let d = p.decl(0);
    let spec_attrs: Vec<&str> = d.specs.attrs.iter().map(|a| p.name(a.name)).collect();
    assert_eq!(spec_attrs, ["unused", "section"]);
    let section = p.expr(d.specs.attrs[1].args[0]);
    assert!(matches!(section, ExprKind::StringLit { bytes, .. } if bytes == b".maps"));
    let dattrs: Vec<&str> = d.declarators[0]
        .declarator
        .attrs
        .iter()
        .map(|a| p.name(a.name))
        .collect();
    assert_eq!(dattrs, ["aligned", "used"]);
    let up = &p.decl(1).declarators[0].declarator;
    let DerivedDecl::Pointer { attrs, .. } = &up.derived[0] else {
        panic!()
    };
    assert_eq!(p.name(attrs[0].name), "btf_type_tag");
    assert_eq!(p.name(p.decl(2).specs.attrs[0].name), "unused");
    let g = &p.decl(4).declarators[0].declarator;
    assert_eq!(p.name(g.attrs[0].name), "noreturn");
}

#[test]
fn attribute_arguments() {
    let p = ok(
        "void f(const char *fmt, ...) __attribute__((format(printf, 1, 2)));\n\
                int x __attribute__((const, mode(DI)));",
    );
    let a = &p.decl(0).declarators[0].declarator.attrs[0];
    assert_eq!(a.args.len(), 3);
    assert!(matches!(p.expr(a.args[0]), ExprKind::Ident(s) if p.name(*s) == "printf"));
    let b = &p.decl(1).declarators[0].declarator.attrs;
    assert_eq!(p.name(b[0].name), "const");
    assert_eq!(p.name(b[1].name), "mode");
}

#[test]
fn asm_labels_and_specifier_extensions() {
    let p = ok("unsigned long long load_byte(void *skb, unsigned long long off) asm(\"llvm.bpf.load.byte\");\n\
                _Alignas(16) char buf[16]; _Alignas(long) char b2;\n\
                _Atomic(int) ai; _Atomic int aq;\n\
                __typeof__(ai) t1; typeof(int *) t2; __typeof_unqual__(const int) t3;\n\
                __int128 i128; unsigned __int128 u128; __uint128_t u2;\n\
                __extension__ typedef __builtin_va_list va_list;\n\
                _Static_assert(sizeof(int) == 4, \"int\"); static_assert(1);\n\
                _Thread_local int tl; __thread int tl2; inline _Noreturn void nr(void);\n\
                void fa(void) { __auto_type q = 1; }");
    let d = p.decl(0);
    assert_eq!(
        d.declarators[0].declarator.asm_label.as_deref(),
        Some(&b"llvm.bpf.load.byte"[..])
    );
    assert!(matches!(p.decl(1).specs.alignas[0], AlignAs::Expr(_)));
    assert!(matches!(p.decl(2).specs.alignas[0], AlignAs::Type(_)));
    assert!(matches!(p.decl(3).specs.type_specs[0], TypeSpec::Atomic(_)));
    assert!(p.decl(4).specs.quals.is_atomic);
    assert!(matches!(
        p.decl(5).specs.type_specs[0],
        TypeSpec::TypeofExpr { unqual: false, .. }
    ));
    assert!(matches!(
        p.decl(6).specs.type_specs[0],
        TypeSpec::TypeofType { unqual: false, .. }
    ));
    assert!(matches!(
        p.decl(7).specs.type_specs[0],
        TypeSpec::TypeofType { unqual: true, .. }
    ));
    let basic = |i: usize| match p.decl(i).specs.type_specs[..] {
        [TypeSpec::Basic(b)] => b,
        ref other => panic!("{other:?}"),
    };
    let int128 = BasicSpecs {
        int128: 1,
        ..BasicSpecs::default()
    };
    let uint128 = BasicSpecs {
        unsigned: 1,
        ..int128
    };
    assert_eq!(basic(8), int128);
    assert_eq!(basic(9), uint128, "unsigned __int128");
    assert_eq!(basic(10), uint128, "__uint128_t");
    assert_eq!(
        basic(11),
        BasicSpecs {
            va_list: 1,
            ..BasicSpecs::default()
        }
    );
    assert!(matches!(
        p.tu.items[12],
        ExternalDecl::StaticAssert(StaticAssert {
            message: Some(_),
            ..
        })
    ));
    assert!(matches!(
        p.tu.items[13],
        ExternalDecl::StaticAssert(StaticAssert { message: None, .. })
    ));
    assert!(p.decl(14).specs.thread_local && p.decl(15).specs.thread_local);
    assert!(p.decl(16).specs.is_inline && p.decl(16).specs.is_noreturn);
    let BlockItem::Decl(q) = &p.body(17)[0] else {
        panic!()
    };
    assert!(matches!(q.specs.type_specs[..], [TypeSpec::AutoType]));
}

#[test]
fn knr_function_definition() {
    let p = ok("int add(a, b) int a; long b; { return a + b; }");
    let f = p.func(0);
    let DerivedDecl::Function(fd) = &f.declarator.derived[0] else {
        panic!()
    };
    assert_eq!(fd.knr_names.len(), 2);
    assert_eq!(f.knr_decls.len(), 2);
}

#[test]
fn function_definitions_with_pointer_returns() {
    let p = ok("static int *(f)(void) { return 0; } int (*g(int x))[3] { return 0; }");
    assert_eq!(derived(&p.func(0).declarator), "(0) *");
    assert_eq!(derived(&p.func(1).declarator), "(1) * [n]");
}

#[test]
fn initializers_and_designators() {
    let p = ok("struct s { int a; struct { int b[4]; } c; } v = { .a = 1, .c.b[2] = 3, [0 ... 3] = 4, 5, { 6 }, x: 7 };\n\
                int arr[] = { [1] = 1, [2 ... 5] = 2 }; int e[2] = {};");
    let init = p.decl(0).declarators[0].init.as_ref().unwrap();
    let Initializer::List(items, _) = init else {
        panic!()
    };
    assert_eq!(items.len(), 6);
    assert!(matches!(items[0].designators[..], [Designator::Field(..)]));
    assert!(matches!(
        items[1].designators[..],
        [
            Designator::Field(..),
            Designator::Field(..),
            Designator::Index(_)
        ]
    ));
    assert!(matches!(items[2].designators[..], [Designator::Range(..)]));
    assert!(items[3].designators.is_empty());
    assert!(matches!(items[4].init, Initializer::List(..)));
    assert!(matches!(items[5].designators[..], [Designator::Field(..)]));
    let Some(Initializer::List(e, _)) = &p.decl(2).declarators[0].init else {
        panic!()
    };
    assert!(e.is_empty());
}

// ---------------------------------------------------------------------------
// Statements

#[test]
fn all_statements() {
    let p = ok("int f(int x) {\n\
                  __label__ done;\n\
                  int i;\n\
                  for (i = 0; i < 3; i++) continue;\n\
                  for (int j = 0; ; ) break;\n\
                  for (;;) { break; }\n\
                  while (x) x--;\n\
                  do { x++; } while (x < 10);\n\
                  if (x) x = 1; else if (!x) x = 2; else ;\n\
                  switch (x) { case 1 ... 3: break; case 4: default: x = 0; }\n\
                  goto done;\n\
                  void *p = &&done;\n\
                  goto *p;\n\
                done: __attribute__((unused))\n\
                  return x;\n\
                }");
    let kinds: Vec<&str> = p
        .body(0)
        .iter()
        .map(|it| match it {
            BlockItem::Decl(_) => "decl",
            BlockItem::StaticAssert(_) => "sa",
            BlockItem::Stmt(s) => match p.stmt(*s) {
                StmtKind::LocalLabels(_) => "labels",
                StmtKind::For { .. } => "for",
                StmtKind::While { .. } => "while",
                StmtKind::DoWhile { .. } => "do",
                StmtKind::If { .. } => "if",
                StmtKind::Switch { .. } => "switch",
                StmtKind::Goto(..) => "goto",
                StmtKind::GotoIndirect(_) => "goto*",
                StmtKind::Label { .. } => "label",
                _ => "other",
            },
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "labels", "decl", "for", "for", "for", "while", "do", "if", "switch", "goto", "decl",
            "goto*", "label"
        ]
    );
    let BlockItem::Stmt(for2) = p.body(0)[3] else {
        panic!()
    };
    assert!(matches!(
        p.stmt(for2),
        StmtKind::For {
            init: ForInit::Decl(_),
            cond: None,
            step: None,
            ..
        }
    ));
    let BlockItem::Stmt(sw) = p.body(0)[8] else {
        panic!()
    };
    let StmtKind::Switch { body, .. } = p.stmt(sw) else {
        panic!()
    };
    let StmtKind::Compound(cases) = p.stmt(*body) else {
        panic!()
    };
    let BlockItem::Stmt(c0) = cases[0] else {
        panic!()
    };
    assert!(matches!(p.stmt(c0), StmtKind::Case { hi: Some(_), .. }));
    let BlockItem::Stmt(c1) = cases[1] else {
        panic!()
    };
    let StmtKind::Case { body, hi: None, .. } = p.stmt(c1) else {
        panic!()
    };
    assert!(matches!(p.stmt(*body), StmtKind::Default { .. }));
    let BlockItem::Stmt(l) = p.body(0)[12] else {
        panic!()
    };
    let StmtKind::Label { attrs, body, .. } = p.stmt(l) else {
        panic!()
    };
    assert_eq!(attrs.len(), 1);
    assert!(matches!(p.stmt(*body), StmtKind::Return(Some(_))));
}

#[test]
fn dangling_else_binds_to_inner_if() {
    let p = ok("void f(int a, int b) { if (a) if (b) a = 1; else a = 2; }");
    let BlockItem::Stmt(s) = p.body(0)[0] else {
        panic!()
    };
    let StmtKind::If { then, els, .. } = p.stmt(s) else {
        panic!()
    };
    assert!(els.is_none());
    assert!(matches!(p.stmt(*then), StmtKind::If { els: Some(_), .. }));
}

#[test]
fn asm_statements() {
    let p = ok("asm(\".globl x\\n\" \"x:\");\n\
                int f(int a) {\n\
                  int r;\n\
                  asm volatile (\"%[out] = %[in]\\n\\t\" \"r0 = 1\" : [out] \"=r\"(r) : [in] \"r\"(a), \"i\"(3) : \"r0\", \"memory\");\n\
                  __asm__ __volatile__ goto (\"if %0 > 0 goto %l[l1]\" : : \"r\"(a) : : l1, l2);\n\
                  asm inline (\"\");\n\
                  asm(\"\" ::: \"memory\");\n\
                l1: l2: return r;\n\
                }");
    let ExternalDecl::Asm(text, _) = &p.tu.items[0] else {
        panic!()
    };
    assert_eq!(text, b".globl x\nx:");
    let asm = |n: usize| -> &AsmStmt {
        let BlockItem::Stmt(s) = &p.body(1)[n] else {
            panic!()
        };
        let StmtKind::Asm(a) = p.stmt(*s) else {
            panic!()
        };
        a
    };
    let a = asm(1);
    assert!(a.is_volatile && !a.is_goto);
    assert_eq!(a.template, b"%[out] = %[in]\n\tr0 = 1");
    assert_eq!(a.outputs.len(), 1);
    assert_eq!(p.name(a.outputs[0].name.unwrap()), "out");
    assert_eq!(a.outputs[0].constraint, b"=r");
    assert_eq!(a.inputs.len(), 2);
    assert!(a.inputs[1].name.is_none());
    assert_eq!(a.clobbers, [b"r0".to_vec(), b"memory".to_vec()]);
    let g = asm(2);
    assert!(g.is_goto && g.is_volatile);
    assert_eq!(g.inputs.len(), 1);
    assert_eq!(g.labels.len(), 2);
    assert!(asm(3).is_inline);
    assert_eq!(asm(4).clobbers.len(), 1);
}

// ---------------------------------------------------------------------------
// Expressions

#[test]
fn precedence_and_associativity() {
    let p = ok("int f(int a, int b, int c) {\n\
                  a = b = c;\n\
                  a + b * c - a;\n\
                  a << 1 + 2;\n\
                  a & b == c;\n\
                  a || b && c | a ^ b;\n\
                  a ? b : c ? a : b;\n\
                  a ?: b;\n\
                  a += b, c;\n\
                  -a++ * !b;\n\
                  *a->b.c[1]++;\n\
                  sizeof a + 1;\n\
                  a < b > c <= a >= b != c;\n\
                  a - b - c;\n\
                  a % b / c;\n\
                }");
    let exprs: Vec<String> = (0..14).map(|n| p.show(p.body_expr(0, n))).collect();
    assert_eq!(
        exprs,
        [
            "(a =None (b =None c))",
            "((a Add (b Mul c)) Sub a)",
            "(a Shl (1 Add 2))",
            "(a BitAnd (b Eq c))",
            "(a LogOr (b LogAnd (c BitOr (a BitXor b))))",
            "(a ? b : (c ? a : b))",
            "(a ?  : b)",
            "((a =Some(Add) b) Comma c)",
            "((Neg (PostInc a)) Mul (LogNot b))",
            "(Deref (PostInc a->b.c[1]))",
            "(sizeof a Add 1)",
            "(((((a Lt b) Gt c) Le a) Ge b) Ne c)",
            "((a Sub b) Sub c)",
            "((a Rem b) Div c)",
        ]
    );
}

#[test]
fn casts_versus_parenthesised_expressions() {
    let p = ok("typedef int T;\n\
                int f(int a, int b) {\n\
                  (T)a;\n\
                  (a)-b;\n\
                  (T)-b;\n\
                  (unsigned long)(T *)&a;\n\
                  (T){1};\n\
                  (struct s { int x; }){ .x = 1 }.x;\n\
                  sizeof(T);\n\
                  sizeof(a);\n\
                  sizeof (T){2};\n\
                  _Alignof(T) + __alignof__(a);\n\
                  f(a, (b, a));\n\
                }");
    let e = |n| p.body_expr(1, n);
    assert!(matches!(p.expr(e(0)), ExprKind::Cast(..)));
    assert_eq!(p.show(e(1)), "(a Sub b)");
    assert_eq!(p.show(e(2)), "(cast (Neg b))");
    assert!(
        matches!(p.expr(e(3)), ExprKind::Cast(_, inner) if matches!(p.expr(*inner), ExprKind::Cast(..)))
    );
    assert!(matches!(p.expr(e(4)), ExprKind::CompoundLiteral(..)));
    assert!(
        matches!(p.expr(e(5)), ExprKind::Member(lit, ..) if matches!(p.expr(*lit), ExprKind::CompoundLiteral(..)))
    );
    assert!(matches!(p.expr(e(6)), ExprKind::SizeofType(_)));
    assert!(matches!(p.expr(e(7)), ExprKind::SizeofExpr(_)));
    assert!(
        matches!(p.expr(e(8)), ExprKind::SizeofExpr(x) if matches!(p.expr(*x), ExprKind::CompoundLiteral(..)))
    );
    let ExprKind::Binary(_, l, r) = p.expr(e(9)) else {
        panic!()
    };
    assert!(matches!(p.expr(*l), ExprKind::AlignofType(_)));
    assert!(matches!(p.expr(*r), ExprKind::AlignofExpr(_)));
    assert_eq!(p.show(e(10)), "f(a, (b Comma a))");
}

#[test]
fn gnu_and_c11_builtins() {
    let p = ok("struct s { struct { int c; } b[4]; };\n\
                int f(int a, __builtin_va_list ap) {\n\
                  __builtin_offsetof(struct s, b[2].c);\n\
                  __builtin_va_arg(ap, int);\n\
                  __builtin_types_compatible_p(int, const int);\n\
                  __builtin_choose_expr(1, a, 2);\n\
                  _Generic(a, int: 1, char *: 2, default: 3);\n\
                  ({ int t = a; t * 2; });\n\
                  __real__ a + __imag__ a;\n\
                  __extension__ (a + 1);\n\
                  __builtin_expect(a, 0);\n\
                }");
    let e = |n| p.body_expr(1, n);
    let ExprKind::Offsetof(_, path) = p.expr(e(0)) else {
        panic!()
    };
    assert!(matches!(
        path[..],
        [
            Designator::Field(..),
            Designator::Index(_),
            Designator::Field(..)
        ]
    ));
    assert!(matches!(p.expr(e(1)), ExprKind::VaArg(..)));
    assert!(matches!(p.expr(e(2)), ExprKind::TypesCompatible(..)));
    assert!(matches!(p.expr(e(3)), ExprKind::ChooseExpr(..)));
    let ExprKind::Generic(_, assocs) = p.expr(e(4)) else {
        panic!()
    };
    assert_eq!(assocs.len(), 3);
    assert!(assocs[2].0.is_none());
    let ExprKind::StmtExpr(s) = p.expr(e(5)) else {
        panic!()
    };
    let StmtKind::Compound(items) = p.stmt(*s) else {
        panic!()
    };
    assert_eq!(items.len(), 2);
    let ExprKind::Binary(_, l, _) = p.expr(e(6)) else {
        panic!()
    };
    assert!(matches!(p.expr(*l), ExprKind::Unary(UnaryOp::Real, _)));
    assert_eq!(p.show(e(7)), "(a Add 1)");
    assert_eq!(p.show(e(8)), "__builtin_expect(a, 0)");
}

#[test]
fn literals() {
    let p = ok("void f(void) {\n\
                  0x1fULL; 017; 0b11; 42u; 10l; 99LLU; 18446744073709551615;\n\
                  1.5; 1e3f; 0x1p4;\n\
                  'a'; '\\n'; '\\x7f'; '\\377'; 'ab'; L'x'; u'\\u00e9'; U'\\U0001F600'; u8'z';\n\
                  \"a\" \"b\\tc\"; u8\"x\" \"y\"; L\"w\" \"z\"; \"\\101\\x42\";\n\
                }");
    let lits: Vec<ExprKind> = (0..23).map(|n| p.expr(p.body_expr(0, n)).clone()).collect();
    let int = |k: &ExprKind| match k {
        ExprKind::IntLit {
            value,
            unsigned,
            longs,
            decimal,
            too_large,
        } => (*value, *unsigned, *longs, *decimal, *too_large),
        other => panic!("{other:?}"),
    };
    assert_eq!(int(&lits[0]), (31, true, 2, false, false));
    assert_eq!(int(&lits[1]), (15, false, 0, false, false));
    assert_eq!(int(&lits[2]), (3, false, 0, false, false));
    assert_eq!(int(&lits[3]), (42, true, 0, true, false));
    assert_eq!(int(&lits[4]), (10, false, 1, true, false));
    assert_eq!(int(&lits[5]), (99, true, 2, true, false));
    assert_eq!(int(&lits[6]), (u64::MAX, false, 0, true, false));
    for k in &lits[7..10] {
        assert!(matches!(k, ExprKind::FloatLit(_)));
    }
    let ch = |k: &ExprKind| match k {
        ExprKind::CharLit { value, prefix } => (*value, *prefix),
        other => panic!("{other:?}"),
    };
    assert_eq!(ch(&lits[10]), (97, StrPrefix::None));
    assert_eq!(ch(&lits[11]), (10, StrPrefix::None));
    assert_eq!(ch(&lits[12]), (127, StrPrefix::None));
    assert_eq!(ch(&lits[13]), (-1, StrPrefix::None));
    assert_eq!(ch(&lits[14]), (0x6162, StrPrefix::None));
    assert_eq!(ch(&lits[15]), (120, StrPrefix::Wide));
    assert_eq!(ch(&lits[16]), (0xE9, StrPrefix::Utf16));
    assert_eq!(ch(&lits[17]), (0x1F600, StrPrefix::Utf32));
    assert_eq!(ch(&lits[18]), (122, StrPrefix::Utf8));
    let st = |k: &ExprKind| match k {
        ExprKind::StringLit { bytes, prefix } => (bytes.clone(), *prefix),
        other => panic!("{other:?}"),
    };
    assert_eq!(st(&lits[19]), (b"ab\tc".to_vec(), StrPrefix::None));
    assert_eq!(st(&lits[20]), (b"xy".to_vec(), StrPrefix::Utf8));
    assert_eq!(st(&lits[21]), (b"wz".to_vec(), StrPrefix::Wide));
    assert_eq!(st(&lits[22]), (b"AB".to_vec(), StrPrefix::None));
    // 'ab' warns like clang's -Wmultichar.
    assert!(p
        .diags
        .list
        .iter()
        .any(|d| d.message.contains("multi-character")));
}

#[test]
fn soft_keywords_are_identifiers() {
    // GNU C17: `bool`, `true`, `false` are ordinary names (vmlinux.h defines them).
    let p = ok("typedef _Bool bool; enum { false = 0, true = 1 }; bool b = true; int nullptr;");
    assert!(matches!(
        p.decl(2).specs.type_specs[0],
        TypeSpec::TypedefName(..)
    ));
}

#[test]
fn spans_cover_expressions() {
    let src = "int f(int a) { return (a + 1) * 2; }";
    let p = ok(src);
    let e = p.body_expr(0, 0);
    let sp = p.tu.exprs[e].span;
    assert_eq!(&src[sp.range()], "(a + 1) * 2");
}

// ---------------------------------------------------------------------------
// Errors and recovery

#[test]
fn reports_several_errors_with_positions() {
    let p = parse_src(
        "int f(int a) {\n\
         \x20 a = 1\n\
         \x20 return a +;\n\
         \x20 if (a { a = 2; }\n\
         \x20 return a;\n\
         }\n\
         int g(void) { return 1 }\n\
         int ok(void) { return 2; }\n",
    );
    assert_eq!(
        p.errors(),
        [
            "t.c:2:8: expected ';' after expression",
            "t.c:3:13: expected expression",
            "t.c:4:9: expected ')'",
            "t.c:7:23: expected ';' after return statement",
        ]
    );
    // The last function parsed despite the errors before it.
    let names: Vec<String> =
        p.tu.items
            .iter()
            .filter_map(|i| match i {
                ExternalDecl::FunctionDef(f) => Some(declarator_name(&p, &f.declarator)),
                _ => None,
            })
            .collect();
    assert!(names.contains(&"ok".to_string()), "{names:?}");
}

#[test]
fn top_level_recovery() {
    let p = parse_src(
        "int x\n\
         int y;\n\
         struct s { int a; int b c; int d; };\n\
         foo z;\n\
         static bar *w;\n\
         int good;\n",
    );
    assert_eq!(
        p.errors(),
        [
            "t.c:1:6: expected ';' after top level declarator",
            "t.c:3:24: expected ';' at end of declaration list",
            "t.c:4:1: unknown type name 'foo'",
            "t.c:5:8: unknown type name 'bar'",
        ]
    );
    let last = p.tu.items.last().unwrap();
    let ExternalDecl::Declaration(d) = last else {
        panic!()
    };
    assert_eq!(declarator_name(&p, &d.declarators[0].declarator), "good");
    // The struct kept its other members.
    let s = p.tu.items.iter().find_map(|i| match i {
        ExternalDecl::Declaration(d) => match &d.specs.type_specs[..] {
            [TypeSpec::Record(r)] => r.members.as_ref().map(|m| m.len()),
            _ => None,
        },
        _ => None,
    });
    assert_eq!(s, Some(2));
}

#[test]
fn unknown_type_in_block_and_params() {
    let p = parse_src("void f(void) { foo x; x = 1; }\nvoid g(baz y);\nint h;");
    assert_eq!(
        p.errors(),
        [
            "t.c:1:16: unknown type name 'foo'",
            "t.c:2:8: unknown type name 'baz'"
        ]
    );
}

#[test]
fn bad_literals_are_reported() {
    let p = parse_src("int a = 09; int b = 1z; int c = '';");
    assert_eq!(
        p.errors(),
        [
            "t.c:1:9: invalid digit '9' in octal constant",
            "t.c:1:21: invalid suffix 'z' on integer constant",
            "t.c:1:33: empty character constant",
        ]
    );
}

#[test]
fn garbage_terminates_without_panic() {
    // Unbalanced and random input must end with errors, not hang or panic.
    for src in [
        "}}}{{{",
        "int f( { ) ; ] [",
        "struct { int a; ",
        "int f(void) { if (",
        "(((((",
        "int x = { { { ;",
        "typedef struct a b c d;",
        "enum { A = , B, };",
        "__attribute__((( int x;",
        "int f(void) { asm(\"x\" : : : : ); }",
        "@ # $ int y;",
        "int a[;",
        "void f(void) { case: default }",
    ] {
        let p = parse_src(src);
        assert!(!p.errors().is_empty(), "no error for {src:?}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let src = format!("int x = {}1{};", "(".repeat(5000), ")".repeat(5000));
    let p = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || parse_src(&src).errors())
        .unwrap()
        .join()
        .unwrap();
    assert!(p.iter().any(|e| e.contains("nesting too deep")));
}

#[test]
fn macro_expansion_note() {
    let src = "int x = FOO;\n";
    let mut interner = Interner::new();
    let mut sources = SourceMap::new();
    let file = sources.add("t.c", None, src.to_string());
    let mut toks = lex(src, file, &mut interner);
    // Pretend `FOO` expanded to `1 +` and the `;` ended it early.
    let foo = interner.intern("FOO");
    let one = interner.intern("1");
    let call = toks[3].span;
    toks.splice(
        3..4,
        [
            Token {
                kind: TokenKind::Number(one),
                span: call,
                expansion: Some(ExpansionId::new(0)),
                leading_space: true,
                at_line_start: false,
            },
            Token {
                kind: TokenKind::Punct(Punct::Plus),
                span: call,
                expansion: Some(ExpansionId::new(0)),
                leading_space: true,
                at_line_start: false,
            },
        ],
    );
    let expansions = [Expansion {
        macro_name: foo,
        call_site: call,
        definition: Span::new(file, 0, 3),
        parent: None,
    }];
    let mut diags = Diagnostics::new();
    let toks_with_paren = toks;
    super::parse_with_expansions(&toks_with_paren, &expansions, &mut interner, &mut diags);
    let d = diags
        .list
        .iter()
        .find(|d| d.severity == Severity::Error)
        .unwrap();
    assert_eq!(d.message, "expected expression");
    assert_eq!(sources.describe(d.span.unwrap()), "t.c:1:12");
    assert!(
        d.notes.iter().all(|(_, n)| !n.contains("FOO")),
        "the ';' is not from the macro"
    );
    // An error on a token from the macro gets the note.
    let src2 = "int y = BAR;\n";
    let file2 = sources.add("u.c", None, src2.to_string());
    let mut toks2 = lex(src2, file2, &mut interner);
    let bar = interner.intern("BAR");
    toks2[3].kind = TokenKind::Punct(Punct::RParen);
    toks2[3].expansion = Some(ExpansionId::new(0));
    let expansions2 = [Expansion {
        macro_name: bar,
        call_site: toks2[3].span,
        definition: Span::new(file2, 0, 3),
        parent: None,
    }];
    let mut diags2 = Diagnostics::new();
    super::parse_with_expansions(&toks2, &expansions2, &mut interner, &mut diags2);
    let d = &diags2.list[0];
    assert_eq!(d.message, "expected expression");
    assert_eq!(d.notes.len(), 1);
    assert_eq!(d.notes[0].1, "in expansion of macro 'BAR'");
    let rendered = diags2.render(&sources);
    assert!(rendered.contains("u.c:1:"), "{rendered}");
}

// ---------------------------------------------------------------------------
// Corpus

/// Parses every BPF selftest program, preprocessed by `clang-19 -E -P` (the
/// preprocessor-independent way to get real input), and prints how many
/// parse without error and the first error of each failure. Run with
/// `cargo test -p bpfcc --lib parse::tests::selftests_corpus -- --ignored --nocapture`
/// (add `--release` for meaningful timings).
#[test]
#[ignore]
fn selftests_corpus() {
    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::time::{Duration, Instant};

    let linux = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../target/ref/linux-source-6.12"
    ));
    let progs = linux.join("tools/testing/selftests/bpf/progs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&progs)
        .expect("selftests dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    files.sort();

    // libbpf's bpf_helpers.h includes the generated bpf_helper_defs.h.
    let gen = std::env::temp_dir().join("bpfcc-parser-corpus");
    std::fs::create_dir_all(&gen).expect("temp dir");
    if !gen.join("bpf_helper_defs.h").exists() {
        let out = Command::new("python3")
            .arg(linux.join("scripts/bpf_doc.py"))
            .args(["--header", "--file"])
            .arg(linux.join("include/uapi/linux/bpf.h"))
            .output()
            .expect("bpf_doc.py");
        std::fs::write(gen.join("bpf_helper_defs.h"), out.stdout).expect("write helper defs");
    }
    let preprocess = |file: &Path| -> Option<String> {
        let out = Command::new("clang-19")
            .args([
                "--target=bpf",
                "-E",
                "-P",
                "-mcpu=v3",
                "-D__TARGET_ARCH_x86",
            ])
            .arg(format!(
                "-I{}",
                linux.join("tools/testing/selftests/bpf").display()
            ))
            .arg(format!("-I{}", linux.join("tools/lib").display()))
            .arg(format!("-I{}", progs.display()))
            .arg(concat!("-I", env!("CARGO_MANIFEST_DIR"), "/../target/ref"))
            .arg(format!("-I{}", gen.display()))
            .args(["-idirafter", "/usr/include/x86_64-linux-gnu"])
            .arg(file)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    };
    // Preprocess on two threads (the slow part), in file order.
    let texts: Vec<Option<String>> = std::thread::scope(|scope| {
        let (a, b) = files.split_at(files.len() / 2);
        let ha = scope.spawn(|| a.iter().map(|f| preprocess(f)).collect::<Vec<_>>());
        let hb = scope.spawn(|| b.iter().map(|f| preprocess(f)).collect::<Vec<_>>());
        let mut v = ha.join().unwrap();
        v.extend(hb.join().unwrap());
        v
    });

    let total = files.len();
    let (mut ok, mut failed, mut not_preprocessed) = (0, Vec::new(), 0);
    let mut parse_time = Duration::ZERO;
    for (path, text) in files.iter().zip(texts) {
        let Some(text) = text else {
            not_preprocessed += 1;
            continue;
        };
        let mut interner = Interner::new();
        let mut sources = SourceMap::new();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let file = sources.add(name.clone(), None, text.clone());
        let toks = lex(&text, file, &mut interner);
        let mut diags = Diagnostics::new();
        let t = Instant::now();
        let _tu = super::parse(&toks, &mut interner, &mut diags);
        parse_time += t.elapsed();
        if diags.has_errors() {
            let first = diags
                .list
                .iter()
                .find(|d| d.severity == Severity::Error)
                .unwrap();
            let (line, col) = first.span.map(|s| sources.line_col(s)).unwrap_or((0, 0));
            let text_line = first
                .span
                .map(|s| sources.file(s.file).line_text(line).trim().to_string())
                .unwrap_or_default();
            failed.push(format!(
                "{name}:{line}:{col}: {} ({} errors) | {}",
                first.message,
                diags.error_count(),
                text_line.chars().take(120).collect::<String>()
            ));
        } else {
            ok += 1;
        }
    }
    for f in &failed {
        println!("FAIL {f}");
    }
    println!(
        "selftests: {total} programs, {not_preprocessed} not preprocessable by clang, \
         {ok} parse without error, {} with errors; total parse time {:.1} ms",
        failed.len(),
        parse_time.as_secs_f64() * 1e3
    );
}

#[test]
fn identifier_list_outside_definition_is_an_error() {
    let p = parse_src("int f(u32 x);\nint g(u32);\nstruct s { int (*cb)(foo); };");
    assert_eq!(
        p.errors(),
        [
            "t.c:1:7: unknown type name 'u32'",
            "t.c:2:7: a parameter list without types is only allowed in a function definition (unknown type name 'u32'?)",
            "t.c:3:22: a parameter list without types is only allowed in a function definition (unknown type name 'foo'?)",
        ]
    );
}

#[test]
fn standard_attributes_after_declarator_name() {
    let p = ok("int x [[maybe_unused]], y[2] [[gnu::aligned(8)]];");
    let d = p.decl(0);
    assert_eq!(
        p.name(d.declarators[0].declarator.attrs[0].name),
        "maybe_unused"
    );
    assert_eq!(derived(&d.declarators[1].declarator), "[n]");
    assert_eq!(p.name(d.declarators[1].declarator.attrs[0].name), "aligned");
}

/// The speed target: parse time of vmlinux.h (tokenized by the test lexer,
/// which is not timed). Run with `cargo test --release -p bpfcc --lib
/// parse::tests::vmlinux_parse_time -- --ignored --nocapture`.
#[test]
#[ignore]
fn vmlinux_parse_time() {
    use std::time::{Duration, Instant};
    let vmlinux = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../target/ref/vmlinux.h"
    ))
    .expect("vmlinux.h");
    let mut interner = Interner::new();
    let mut sources = SourceMap::new();
    let file = sources.add("vmlinux.h", None, vmlinux.clone());
    let toks = lex(&vmlinux, file, &mut interner);
    // On a loaded machine wall time overstates the work; the thread's CPU
    // time (schedstat, in ns) does not.
    let cpu_ns = || -> u64 {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    // The first parse runs on fresh memory (page faults included, as in a
    // compilation); later ones reuse the memory of the freed trees and show
    // the parser's own cost.
    let rss_kb = || -> u64 {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                let line = s.lines().find(|l| l.starts_with("VmRSS:"))?.to_string();
                line.split_whitespace().nth(1)?.parse().ok()
            })
            .unwrap_or(0)
    };
    let mut first = (Duration::ZERO, 0u64);
    let mut tree_mb = 0;
    let mut best = Duration::MAX;
    let mut best_cpu = u64::MAX;
    let iterations: usize = std::env::var("BPFCC_PARSE_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6)
        .max(2);
    for i in 0..iterations {
        let mut diags = Diagnostics::new();
        let rss_before = rss_kb();
        let c = cpu_ns();
        let t = Instant::now();
        let tu = super::parse(&toks, &mut interner, &mut diags);
        let (wall, cpu) = (t.elapsed(), cpu_ns() - c);
        if i == 0 {
            first = (wall, cpu);
            tree_mb = rss_kb().saturating_sub(rss_before) / 1024;
        } else {
            best = best.min(wall);
            best_cpu = best_cpu.min(cpu);
        }
        assert_eq!(diags.error_count(), 0, "{}", diags.render(&sources));
        drop(tu);
    }
    println!(
        "vmlinux.h: first parse {:.2} ms wall, {:.2} ms CPU",
        first.0.as_secs_f64() * 1e3,
        first.1 as f64 / 1e6
    );
    println!("vmlinux.h: {} items, the tree takes about {tree_mb} MB", {
        let mut diags = Diagnostics::new();
        super::parse(&toks, &mut interner, &mut diags).items.len()
    });
    println!(
        "vmlinux.h: {} tokens, later parses {:.2} ms wall, {:.2} ms CPU (best of {})",
        toks.len(),
        best.as_secs_f64() * 1e3,
        best_cpu as f64 / 1e6,
        iterations - 1
    );
}

#[test]
#[ignore]
fn print_node_sizes() {
    use std::mem::size_of;
    println!(
        "ExternalDecl {} Declaration {} DeclSpecs {} TypeSpec {} MemberDecl {} MemberDeclarator {} Declarator {} DerivedDecl {} InitDeclarator {} Expr {} Stmt {}",
        size_of::<ExternalDecl>(),
        size_of::<Declaration>(),
        size_of::<DeclSpecs>(),
        size_of::<TypeSpec>(),
        size_of::<MemberDecl>(),
        size_of::<MemberDeclarator>(),
        size_of::<Declarator>(),
        size_of::<DerivedDecl>(),
        size_of::<InitDeclarator>(),
        size_of::<Expr>(),
        size_of::<Stmt>()
    );
}

/// Like [`selftests_corpus`], with bpfcc's own preprocessor: how many of
/// the selftests preprocess and parse without error, and the time each
/// stage takes. Run with `cargo test --release -p bpfcc --lib
/// parse::tests::selftests_corpus_own_preprocessor -- --ignored --nocapture`.
#[test]
#[ignore]
fn selftests_corpus_own_preprocessor() {
    use crate::preprocess::{preprocess, MacroOp, PreprocessOptions};
    use std::path::{Path, PathBuf};
    use std::time::{Duration, Instant};

    let linux = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../target/ref/linux-source-6.12"
    ));
    let progs = linux.join("tools/testing/selftests/bpf/progs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&progs)
        .expect("selftests dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    files.sort();
    let gen = std::env::temp_dir().join("bpfcc-parser-corpus");
    std::fs::create_dir_all(&gen).expect("temp dir");
    if !gen.join("bpf_helper_defs.h").exists() {
        let out = std::process::Command::new("python3")
            .arg(linux.join("scripts/bpf_doc.py"))
            .args(["--header", "--file"])
            .arg(linux.join("include/uapi/linux/bpf.h"))
            .output()
            .expect("bpf_doc.py");
        std::fs::write(gen.join("bpf_helper_defs.h"), out.stdout).expect("write helper defs");
    }
    let options = PreprocessOptions {
        include_dirs: vec![
            linux.join("tools/testing/selftests/bpf"),
            linux.join("tools/lib"),
            progs.clone(),
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/ref")),
            gen.clone(),
        ],
        // Where clang looks by default for --target=bpf, then the host's
        // multiarch directory as the selftests' Makefile adds it.
        system_dirs: vec![
            PathBuf::from("/usr/local/include"),
            PathBuf::from("/usr/include"),
        ],
        after_dirs: vec![PathBuf::from("/usr/include/x86_64-linux-gnu")],
        macro_ops: vec![MacroOp::Define("__TARGET_ARCH_x86".into(), None)],
        cpu_version: 3,
        opt_level: 2,
        ..Default::default()
    };
    let (mut ok, mut pp_failed, mut failed) = (0, 0, Vec::new());
    let (mut pp_time, mut parse_time) = (Duration::ZERO, Duration::ZERO);
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).expect("read");
        let mut sources = SourceMap::new();
        let mut interner = Interner::new();
        let mut diags = Diagnostics::new();
        let main = sources.add(name.clone(), Some(path.clone()), text);
        let t = Instant::now();
        let pp = preprocess(main, &options, &mut sources, &mut interner, &mut diags);
        pp_time += t.elapsed();
        if diags.has_errors() {
            pp_failed += 1;
            if std::env::var_os("BPFCC_SHOW_PP_ERRORS").is_some() {
                let first = diags
                    .list
                    .iter()
                    .find(|d| d.severity == Severity::Error)
                    .unwrap();
                let at = first.span.map(|s| sources.describe(s)).unwrap_or_default();
                println!("PP-FAIL {name}: {at}: {}", first.message);
            }
            continue;
        }
        let t = Instant::now();
        let tu =
            super::parse_with_expansions(&pp.tokens, &pp.expansions, &mut interner, &mut diags);
        parse_time += t.elapsed();
        std::mem::forget(tu);
        if diags.has_errors() {
            let first = diags
                .list
                .iter()
                .find(|d| d.severity == Severity::Error)
                .unwrap();
            let at = first.span.map(|s| sources.describe(s)).unwrap_or_default();
            failed.push(format!("{name}: {at}: {}", first.message));
        } else {
            ok += 1;
        }
    }
    for f in &failed {
        println!("FAIL {f}");
    }
    println!(
        "selftests (own preprocessor): {} programs, {pp_failed} with preprocessor errors, \
         {ok} parse without error, {} with parse errors; preprocess {:.0} ms, parse {:.0} ms",
        files.len(),
        failed.len(),
        pp_time.as_secs_f64() * 1e3,
        parse_time.as_secs_f64() * 1e3
    );
}

#[test]
fn libbpf_program_shapes() {
    // What bpf_helpers.h and a map definition expand to.
    let p = ok("typedef unsigned int __u32; typedef unsigned long long __u64;\n\
                static void *(* const bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;\n\
                static long (* const bpf_trace_printk)(const char *fmt, __u32 fmt_size, ...) = (void *) 6;\n\
                struct {\n\
                  int (*type)[2];\n\
                  int (*max_entries)[1];\n\
                  typeof(__u32) *key;\n\
                  __u64 *value;\n\
                } my_map __attribute__((section(\".maps\"), used));\n\
                char _license[] __attribute__((section(\"license\"), used)) = \"GPL\";\n\
                __attribute__((section(\"xdp\"), used))\n\
                int prog(struct xdp_md *ctx) {\n\
                  __u32 key = 0; __u64 *v;\n\
                  v = bpf_map_lookup_elem(&my_map, &key);\n\
                  if (!v) return 1;\n\
                  __sync_fetch_and_add(v, 1);\n\
                  ({ static const char ____fmt[] = \"v %d\\n\"; bpf_trace_printk(____fmt, sizeof(____fmt), *v); });\n\
                  return 2;\n\
                }");
    let d = p.decl(2);
    assert_eq!(derived(&d.declarators[0].declarator), "*c (2) *");
    let d = p.decl(3);
    assert_eq!(derived(&d.declarators[0].declarator), "*c (2...)");
    let m = p.decl(4);
    assert_eq!(p.name(m.declarators[0].declarator.attrs[0].name), "section");
    let TypeSpec::Record(r) = &m.specs.type_specs[0] else {
        panic!()
    };
    let first = r.declarators(&r.members.as_ref().unwrap()[0])[0]
        .declarator
        .as_ref()
        .unwrap();
    assert_eq!(derived(first), "* [n]");
    let f = p.func(6);
    assert_eq!(p.name(f.specs.attrs[0].name), "section");
}

#[test]
fn every_single_token_deletion_recovers() {
    // Deleting any one token of a valid program must give errors (or a
    // still-valid program), never a panic or a hang.
    let src = "typedef struct { int a; unsigned b : 3; } S;\n\
               enum e { A = 1, B };\n\
               static int (*fp)(int, char *) = 0;\n\
               int f(S *s, int n) {\n\
                 int i, t = 0;\n\
                 for (i = 0; i < n; i++) { t += s[i].a * (int)sizeof(S); }\n\
                 switch (n) { case 1 ... 2: t++; break; default: t--; }\n\
                 if (t > 0 && !n) t = ({ int q = t; q << 1; }); else t = n ? t : 1;\n\
                 asm volatile(\"r0 = %0\" :: \"r\"(t) : \"r0\");\n\
                 return (S){ .a = t }.a;\n\
               }\n";
    let mut interner = Interner::new();
    let mut sources = SourceMap::new();
    let file = sources.add("t.c", None, src.to_string());
    let toks = lex(src, file, &mut interner);
    for i in 0..toks.len() - 1 {
        let mut mutated = toks.clone();
        mutated.remove(i);
        let mut diags = Diagnostics::new();
        let tu = super::parse(&mutated, &mut interner, &mut diags);
        assert!(
            tu.items.len() <= 8,
            "deleting token {i} gave {} items",
            tu.items.len()
        );
        // Also duplicate the token.
        let mut mutated = toks.clone();
        mutated.insert(i, toks[i]);
        let mut diags = Diagnostics::new();
        super::parse(&mutated, &mut interner, &mut diags);
    }
}

#[test]
fn errors_inside_macro_expansions_through_the_preprocessor() {
    use crate::preprocess::{preprocess, PreprocessOptions};
    let src = "#define CALL(x) f(x, )\nint f(int, int);\nint y = CALL(1);\nint z = 1 +;\n";
    let mut sources = SourceMap::new();
    let mut interner = Interner::new();
    let mut diags = Diagnostics::new();
    let main = sources.add("m.c", None, src.to_string());
    let options = PreprocessOptions {
        nostdinc: true,
        ..Default::default()
    };
    let pp = preprocess(main, &options, &mut sources, &mut interner, &mut diags);
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    super::parse_with_expansions(&pp.tokens, &pp.expansions, &mut interner, &mut diags);
    let errors: Vec<_> = diags
        .list
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 2, "{}", diags.render(&sources));
    assert_eq!(errors[0].message, "expected expression");
    assert_eq!(sources.describe(errors[0].span.unwrap()), "m.c:3:9");
    assert_eq!(errors[0].notes.len(), 1);
    assert_eq!(errors[0].notes[0].1, "in expansion of macro 'CALL'");
    assert_eq!(sources.describe(errors[1].span.unwrap()), "m.c:4:12");
    assert!(errors[1].notes.is_empty());
    let rendered = diags.render(&sources);
    assert!(
        rendered.contains("in expansion of macro 'CALL'"),
        "{rendered}"
    );
}

#[test]
fn pragma_attribute_regions_apply_to_records_defined_inside() {
    let src = "struct a { int x; };\nstruct b { struct c { int y; } c; union { int z; } u; } *pb;\nstruct a *ref;\nstruct d { int w; };\n";
    let mut interner = Interner::new();
    let mut sources = SourceMap::new();
    let file = sources.add("t.c", None, src.to_string());
    let toks = lex(src, file, &mut interner);
    // The region covers lines 2 and 3: `struct b` to the end of `ref;`.
    let start = toks.iter().position(|t| t.span.start == 21).unwrap();
    let end = toks
        .iter()
        .position(|t| t.span.start as usize == src.find("struct d").unwrap())
        .unwrap();
    let pai = interner.intern("preserve_access_index");
    let regions = [super::RecordAttributeRegion {
        tokens: start..end,
        name: pai,
        span: Span::new(file, 0, 0),
    }];
    let context = super::ParseContext {
        expansions: &[],
        record_attributes: &regions,
    };
    let mut diags = Diagnostics::new();
    let tu = super::parse_with_context(&toks, &context, &mut interner, &mut diags);
    assert!(!diags.has_errors());
    let record_attrs = |i: usize| -> Vec<usize> {
        let ExternalDecl::Declaration(d) = &tu.items[i] else {
            panic!()
        };
        let r = match &d.specs.type_specs[0] {
            TypeSpec::Record(r) => r,
            // A reference has no attributes.
            TypeSpec::RecordRef(_) => return vec![0],
            _ => panic!(),
        };
        let mut v = vec![r.attrs.len()];
        for m in r.members.iter().flatten() {
            if let TypeSpec::Record(inner) = &m.specs.type_specs[0] {
                v.push(inner.attrs.len());
            }
        }
        v
    };
    assert_eq!(record_attrs(0), [0]);
    assert_eq!(record_attrs(1), [1, 1, 1], "nested records too");
    assert_eq!(record_attrs(2), [0], "a reference is not a definition");
    assert_eq!(record_attrs(3), [0]);
}

#[test]
fn unclosed_bracket_does_not_swallow_the_closing_brace() {
    let p = parse_src(
        "struct s { int a; int b[; int c; };\nint after;\nvoid f(void) { g(1, ; }\nint last;\n",
    );
    assert_eq!(
        p.errors(),
        [
            "t.c:1:25: expected expression",
            "t.c:3:21: expected expression"
        ]
    );
    let names: Vec<String> =
        p.tu.items
            .iter()
            .filter_map(|i| match i {
                ExternalDecl::Declaration(d) => d
                    .declarators
                    .first()
                    .map(|x| declarator_name(&p, &x.declarator)),
                ExternalDecl::FunctionDef(f) => Some(declarator_name(&p, &f.declarator)),
                _ => None,
            })
            .collect();
    assert_eq!(names, ["after", "f", "last"]);
    assert_eq!(p.tu.items.len(), 4, "the struct, after, f, last");
}

#[test]
fn small_list_keeps_one_element_inline() {
    let none: SmallList<u32> = std::iter::empty().collect();
    assert!(none.is_empty() && matches!(none, SmallList::Many(_)));
    let one: SmallList<u32> = [7].into_iter().collect();
    assert!(matches!(one, SmallList::One(7)));
    assert_eq!(&one[..], &[7]);
    let three: SmallList<u32> = [1, 2, 3].into_iter().collect();
    assert_eq!(&three[..], &[1, 2, 3]);
    assert_eq!((&three).into_iter().sum::<u32>(), 6);
    assert!(matches!(SmallList::from(vec![5u32]), SmallList::One(5)));
    assert_eq!(&SmallList::from(vec![1u32, 2])[..], &[1, 2]);
    assert!(SmallList::<u32>::from(Vec::new()).is_empty());
}

#[test]
fn keyword_specifiers_are_counted_in_one_entry() {
    let p = parse_src("long unsigned int a; int long long b; struct s { unsigned x : 3; } c;");
    let basic = |i: usize| match p.decl(i).specs.type_specs[..] {
        [TypeSpec::Basic(b)] => b,
        ref other => panic!("{other:?}"),
    };
    let lu = BasicSpecs {
        long: 1,
        unsigned: 1,
        int: 1,
        ..BasicSpecs::default()
    };
    assert_eq!(basic(0), lu);
    assert_eq!(
        basic(1),
        BasicSpecs {
            long: 2,
            int: 1,
            ..BasicSpecs::default()
        }
    );
    let TypeSpec::Record(r) = &p.decl(2).specs.type_specs[0] else {
        panic!()
    };
    let m = &r.members.as_ref().unwrap()[0];
    assert!(matches!(
        m.specs.type_specs[..],
        [TypeSpec::Basic(BasicSpecs { unsigned: 1, .. })]
    ));
}

#[test]
fn rare_list_allocates_only_with_elements() {
    let mut l: RareList<u32> = RareList::default();
    assert!(l.is_empty());
    assert!(RareList::<u32>::from(Vec::new()).is_empty());
    l.push(1);
    l.as_vec_mut().extend([2, 3]);
    assert_eq!(&l[..], &[1, 2, 3]);
    assert_eq!((&l).into_iter().count(), 3);
    assert_eq!(&RareList::from(vec![4u32])[..], &[4]);
    let p = parse_src("struct s { int a __attribute__((aligned(8))), b; _Alignas(4) char c; };");
    let TypeSpec::Record(r) = &p.decl(0).specs.type_specs[0] else {
        panic!()
    };
    let m = r.members.as_ref().unwrap();
    let ds = r.declarators(&m[0]);
    let a = ds[0].declarator.as_ref().unwrap();
    assert_eq!(p.name(a.attrs[0].name), "aligned");
    assert!(ds[1].declarator.as_ref().unwrap().attrs.is_empty());
    assert_eq!(m[1].specs.alignas.len(), 1);
    assert!(m[0].specs.alignas.is_empty() && m[0].specs.attrs.is_empty());
}
