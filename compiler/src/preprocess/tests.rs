//! Unit tests of the preprocessor.

use super::*;
use crate::diag::Severity;

/// Preprocesses `src` (with extra `files` written to a temp dir) and returns
/// the token spellings joined by spaces, plus the error messages.
fn pp_with(src: &str, opts: &PreprocessOptions) -> (String, Vec<String>) {
    let mut sources = SourceMap::new();
    let mut interner = Interner::new();
    let mut diags = Diagnostics::new();
    let main = sources.add("test.c", None, src.to_string());
    let out = preprocess(main, opts, &mut sources, &mut interner, &mut diags);
    let mut text = String::new();
    for t in &out.tokens {
        if t.kind == TokenKind::Eof {
            break;
        }
        if !text.is_empty() {
            text.push(' ');
        }
        match t.kind {
            TokenKind::Ident(s) | TokenKind::Number(s) | TokenKind::Char(s) | TokenKind::Str(s) => {
                text.push_str(interner.resolve(s))
            }
            TokenKind::Punct(p) => text.push_str(p.as_str()),
            TokenKind::Other(c) => text.push(c),
            TokenKind::Eof => {}
        }
    }
    let errs = diags
        .list
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let pos = d.span.map(|s| sources.describe(s)).unwrap_or_default();
            format!("{pos}: {}", d.message)
        })
        .collect();
    (text, errs)
}

fn pp(src: &str) -> String {
    let (t, e) = pp_with(src, &PreprocessOptions::default());
    assert!(e.is_empty(), "unexpected errors: {e:?}");
    t
}

#[test]
fn plain_tokens() {
    assert_eq!(pp("int x = 0x1fULL + 'a' - \"s\\n\";"), "int x = 0x1fULL + 'a' - \"s\\n\" ;");
}

#[test]
fn object_and_function_macros() {
    assert_eq!(pp("#define A 1 + 2\n#define F(x, y) (x * y)\nA F(A, 3)"), "1 + 2 ( 1 + 2 * 3 )");
}

#[test]
fn include_and_conditionals() {
    let dir = std::env::temp_dir().join(format!("bpfcc-pp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.h"), "#ifndef A_H\n#define A_H\nint a;\n#endif\n").unwrap();
    let opts = PreprocessOptions {
        include_dirs: vec![dir.clone()],
        ..Default::default()
    };
    let (t, e) = pp_with("#include <a.h>\n#include \"a.h\"\n#if defined(A_H) && A_H + 1 == 1\nyes\n#else\nno\n#endif\n", &opts);
    assert!(e.is_empty(), "{e:?}");
    assert_eq!(t, "int a ; yes");
    std::fs::remove_dir_all(&dir).ok();
}
