//! Unit tests of the assembler's pieces: statements and tokens, text maps,
//! label resolution, directives.

use super::lex::{statements, Tok};
use super::*;
use crate::source::SourceMap;

fn asm(text: &str) -> Result<Assembly, String> {
    let mut sources = SourceMap::new();
    let file = sources.add("u.s", None, text.to_string());
    assemble(text, &TextMap::contiguous(file, 0)).map_err(|d| d.render(&sources))
}

#[test]
fn statements_split_on_newlines_and_semicolons_without_comments() {
    let st =
        statements("a: r1 += 2 ; w2 s>>= w3 # c\n/* x\ny */ r0 = *(u8 *)skb[1] // d\n").unwrap();
    assert_eq!(st.len(), 3);
    let kinds: Vec<&Tok> = st[1].tokens.iter().map(|t| &t.tok).collect();
    assert_eq!(
        kinds,
        [&Tok::Ident("w2"), &Tok::Punct("s>>="), &Tok::Ident("w3")]
    );
    assert_eq!(st[0].tokens[3].tok, Tok::Punct("+="));
    assert_eq!(st[2].tokens[0].tok, Tok::Ident("r0"));
}

#[test]
fn numbers_and_local_label_references() {
    let st = statements("x 0x1f 017 0b101 42 1b 2f \"a\\tb\\101\"").unwrap();
    let t: Vec<Tok> = st[0].tokens.iter().map(|t| t.tok.clone()).collect();
    assert_eq!(
        t,
        [
            Tok::Ident("x"),
            Tok::Num(31),
            Tok::Num(15),
            Tok::Num(5),
            Tok::Num(42),
            Tok::Ident("1b"),
            Tok::Ident("2f"),
            Tok::Str(b"a\tbA".to_vec())
        ]
    );
    assert!(statements("r1 = 0x").is_err());
    assert!(statements("/* open").is_err());
}

#[test]
fn text_map_follows_pieces_of_string_literals() {
    let f = FileId(3);
    let m = TextMap::from_pieces(vec![
        (0, Span::new(f, 100, 110)),
        (10, Span::new(f, 200, 250)),
    ]);
    assert_eq!(m.span(2, 4), Span::new(f, 102, 104));
    assert_eq!(m.span(12, 15), Span::new(f, 202, 205));
    // Past a piece's end: clamped to it.
    assert_eq!(m.span(9, 12).end, 110);
}

#[test]
fn numeric_labels_resolve_to_the_nearest_definition() {
    let a = asm("1: goto 1f\n1: goto 1b\n goto 1b\n1: exit\n").unwrap();
    let offs: Vec<i16> = a.sections[0].insns().iter().map(|i| i.off).collect();
    assert_eq!(offs, [0, -1, -2, 0]);
}

#[test]
fn local_calls_in_the_same_section_need_no_relocation() {
    let a =
        asm("f: call g\n exit\ng: r0 = 1\n exit\n .globl h\nh: call f\n call h\n exit\n").unwrap();
    let s = &a.sections[0];
    assert_eq!(s.insns()[0].imm, 1);
    // `h` is global: relocated; `f` is local in the same section: resolved.
    assert_eq!(s.relocs.len(), 1);
    assert_eq!((s.relocs[0].symbol.as_str(), s.relocs[0].offset), ("h", 40));
    assert_eq!(s.insns()[4].imm, -5);
}

#[test]
fn directives_track_sections_alignment_and_symbols() {
    let a = asm(
        ".section .rodata,\"a\",@progbits\n .byte 1\n .p2align 3\nx: .quad 7\n .size x, 8\n\
         .pushsection .maps,\"aw\"\n .zero 4\n .popsection\n .short 2\n .text\n .weak w\n call w\n",
    )
    .unwrap();
    let ro = &a.sections[1];
    assert_eq!(
        (ro.name.as_str(), ro.kind, ro.align),
        (".rodata", SectionKind::ReadOnly, 8)
    );
    assert_eq!(
        ro.bytes,
        [1, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 2, 0]
    );
    assert_eq!(a.sections[2].bytes, [0; 4]);
    let x = a.symbols.iter().find(|s| s.name == "x").unwrap();
    assert_eq!((x.offset, x.size, x.binding), (8, 8, Binding::Local));
    let w = a.symbols.iter().find(|s| s.name == "w").unwrap();
    assert_eq!((w.section, w.binding), (None, Binding::Weak));
}

#[test]
fn bad_directives_and_branches_are_errors() {
    for (text, want) in [
        (".p2align 40\n", "u.s:1:1: alignment too large"),
        (".byte 300\n", "u.s:1:7: value 300 does not fit in 1 bytes"),
        (
            ".section .a\nl: exit\n.text\n goto l\n",
            "u.s:4:7: branch to `l` in another section",
        ),
        (".size f, g - f\nf: exit\n", "`.size` is not a constant"),
        (".comm c, 4, 4\n", "common symbols are not supported"),
        ("r1 = (s64)r2\n", "invalid sign extension `(s64)`"),
        (
            "lock *(u16 *)(r1 + 0) += r2\n",
            "atomic operations take `u32` or `u64`",
        ),
        (
            "r0 = cmpxchg_64(r1 + 0, r2, r3)\n",
            "cmpxchg compares and writes `r0`",
        ),
    ] {
        let err = asm(text).expect_err(text);
        assert!(err.contains(want), "{text:?}: want {want:?} in\n{err}");
    }
}

#[test]
fn inline_operands_are_substituted_with_their_source_places() {
    let mut sources = SourceMap::new();
    // The template as it sits in a C string: `"r0 = %[x] ll; if %1 > 5 goto %l[out]; %%"`.
    let c = "asm goto(\"r1 = %[m] ll\\n if %1 > 5 goto %l[out]\\n r2 %%= 3\" ::);";
    let file = sources.add("i.c", None, c.to_string());
    let template = "r1 = %[m] ll\n if %1 > 5 goto %l[out]\n r2 %%= 3";
    // `\n` is two source bytes for one template byte.
    let map = TextMap::from_pieces(vec![
        (0, Span::new(file, 10, 22)),
        (12, Span::new(file, 22, 24)),
        (13, Span::new(file, 24, 46)),
        (35, Span::new(file, 46, 48)),
        (36, Span::new(file, 48, 57)),
    ]);
    let ops = [
        Operand {
            name: Some("m".into()),
            text: "my_map".into(),
        },
        Operand {
            name: Some("v".into()),
            text: "r7".into(),
        },
    ];
    let labels = [Operand {
        name: Some("out".into()),
        text: "out".into(),
    }];
    let (text, tmap) = substitute(template, &map, &ops, &labels, 0).unwrap();
    assert_eq!(text, "r1 = my_map ll\n if r7 > 5 goto out\n r2 %= 3");
    let a = assemble_inline(&text, &tmap).unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    assert_eq!(a.insns.len(), 4);
    assert_eq!(a.label_refs, [(2, "out".to_string(), TargetField::Off)]);
    assert_eq!(a.relocs[0].2, "my_map");
    // An operand that does not exist is reported at its `%` in the C source.
    let e = substitute("r0 = %[nope]", &TextMap::contiguous(file, 10), &ops, &[], 0).unwrap_err();
    assert_eq!((e.span.start, e.span.end), (15, 22));
    assert!(substitute("r0 = %q", &map, &ops, &[], 0).is_err());
    assert!(substitute("r0 = %5", &map, &ops, &[], 0).is_err());
    // An asm error in substituted text points at the operand in the source.
    let (text, tmap) =
        substitute("%[v] += w1", &TextMap::contiguous(file, 0), &ops, &[], 0).unwrap();
    let d = assemble_inline(&text, &tmap).unwrap_err();
    assert_eq!(d.list[0].span.map(|s| s.start), Some(8));
}

#[test]
fn hidden_symbols_keep_their_binding() {
    let a = asm(".weak f\n.hidden f\n.type f,@function\nf: exit\n").unwrap();
    let f = &a.symbols[0];
    assert_eq!(
        (f.binding, f.kind, f.hidden),
        (Binding::Weak, SymbolType::Func, true)
    );
    let obj = object::write_object(&a, "h.s").unwrap();
    let file = ::object::File::parse(&*obj).unwrap();
    use ::object::{Object, ObjectSymbol};
    let s = file.symbols().find(|s| s.name() == Ok("f")).unwrap();
    assert!(s.is_weak());
    let ::object::SymbolFlags::Elf { st_other, .. } = s.flags() else {
        panic!()
    };
    assert_eq!(st_other, ::object::elf::STV_HIDDEN);
}

#[test]
fn template_pieces_map_escapes_splices_and_concatenation_exactly() {
    use crate::source::{FileId, Span};
    let file = FileId(0);
    // Source: `"r0 = 1;\n" /* c */ "\tr1 = \"x\";\` newline `r2 = 3"`.
    let spelling = "\"r0 = 1;\\n\" /* c */ \"\\tr1 = \\\"x\\\";\\\nr2 = 3\"";
    let base = 100;
    let span = Span::new(file, base, base + spelling.len() as u32);
    let template = b"r0 = 1;\n\tr1 = \"x\";r2 = 3";
    let pieces = template_pieces(spelling, span, template).expect("decodes");
    let map = TextMap::from_pieces(pieces);
    let find = |needle: &str| base + spelling.find(needle).unwrap() as u32;
    let text = std::str::from_utf8(template).unwrap();
    let at = |t: &str| text.find(t).unwrap() as u32;
    // Every character maps to its own spelling, after any escape.
    assert_eq!(map.span(0, 2), Span::new(file, base + 1, base + 3));
    assert_eq!(map.span(at("r1"), at("r1") + 2).start, find("r1"));
    assert_eq!(map.span(at("x"), at("x") + 1).start, find("x"));
    // Past a backslash-newline splice.
    assert_eq!(map.span(at("r2"), at("r2") + 2).start, find("r2"));
    // An escape maps to its spelling's start, the next character past it.
    assert_eq!(map.span(at("\t"), at("\t") + 1).start, find("\\t"));
    assert_eq!(map.span(at("\t") + 1, at("\t") + 2).start, find("\\t") + 2);
    // Octal and hex escapes.
    let sp = "\"a\\101\\x42\"\"c\"";
    let span = Span::new(file, 0, sp.len() as u32);
    let map = TextMap::from_pieces(template_pieces(sp, span, b"aABc").unwrap());
    assert_eq!(map.span(1, 2).start, 2);
    assert_eq!(map.span(2, 3).start, 6);
    assert_eq!(map.span(3, 4).start, 12);
    // `\x` takes every hex digit that follows, as in C.
    assert_eq!(template_pieces("\"\\x42c\"", span, b"Bc"), None);
    // A spelling that is not the template (a macro's template): no map.
    assert_eq!(template_pieces("\"r0 = 1\"", span, b"r0 = 2"), None);
    assert_eq!(template_pieces("TEMPLATE", span, b"r0 = 2"), None);
    assert_eq!(template_pieces("u8\"r0\"", span, b"r0"), None);
}
