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
    assert_eq!(
        pp("int x = 0x1fULL + 'a' - \"s\\n\";"),
        "int x = 0x1fULL + 'a' - \"s\\n\" ;"
    );
}

#[test]
fn object_and_function_macros() {
    assert_eq!(
        pp("#define A 1 + 2\n#define F(x, y) (x * y)\nA F(A, 3)"),
        "1 + 2 ( 1 + 2 * 3 )"
    );
}

#[test]
fn include_and_conditionals() {
    let dir = std::env::temp_dir().join(format!("bpfcc-pp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a.h"),
        "#ifndef A_H\n#define A_H\nint a;\n#endif\n",
    )
    .unwrap();
    let opts = PreprocessOptions {
        include_dirs: vec![dir.clone()],
        ..Default::default()
    };
    let (t, e) = pp_with("#include <a.h>\n#include \"a.h\"\n#if defined(A_H) && A_H + 1 == 1\nyes\n#else\nno\n#endif\n", &opts);
    assert!(e.is_empty(), "{e:?}");
    assert_eq!(t, "int a ; yes");
    std::fs::remove_dir_all(&dir).ok();
}

/// Spellings of the tokens of `-E` text, skipping `#` lines (line markers and
/// the `#pragma`s clang keeps).
fn spellings_of_text(text: &str, interner: &mut Interner) -> Vec<String> {
    let mut lx = lexer::Lexer::new(FileId(0));
    let mut out = Vec::new();
    let src = text.as_bytes();
    loop {
        match lx.next(src, interner) {
            lexer::Lexed::Token(t) => {
                if t.at_line_start && t.kind == TokenKind::Punct(token::Punct::Hash) {
                    lx.skip_line(src);
                    continue;
                }
                out.push(spelling_of(&t, interner));
            }
            lexer::Lexed::Newline => {}
            lexer::Lexed::Eof => break,
        }
    }
    out
}

fn spelling_of(t: &Token, interner: &Interner) -> String {
    match t.kind {
        TokenKind::Ident(s) | TokenKind::Number(s) | TokenKind::Char(s) | TokenKind::Str(s) => {
            interner.resolve(s).to_string()
        }
        TokenKind::Punct(p) => p.as_str().to_string(),
        TokenKind::Other(c) => c.to_string(),
        TokenKind::Eof => String::new(),
    }
}

/// The corpus check: preprocesses every BPF selftest program with bpfcc and
/// with `clang-19 -E` (same flags; both use clang's own resource headers so
/// that the preprocessors, not the headers, are compared) and counts files
/// whose token sequences match exactly. Run with
/// `cargo test -p bpfcc --lib preprocess::tests::corpus_selftests -- --ignored --nocapture`;
/// `PP_CORPUS_FILTER=a,b` restricts it to files whose names contain `a` or `b`, `PP_CORPUS_VERBOSE=1`
/// prints each mismatch.
#[test]
#[ignore]
fn corpus_selftests() {
    use std::path::Path;
    use std::process::Command;
    use std::time::{Duration, Instant};
    if Command::new("clang-19").arg("--version").output().is_err() {
        println!("SKIP: clang-19 not installed");
        return;
    }
    let linux = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../target/ref/linux-source-6.12"
    ));
    let progs = linux.join("tools/testing/selftests/bpf/progs");
    if !progs.is_dir() {
        println!("SKIP: {} missing", progs.display());
        return;
    }
    let cache = std::env::temp_dir().join("bpfcc-pp-corpus");
    std::fs::create_dir_all(&cache).unwrap();
    // bpf_helper_defs.h is generated in the kernel build.
    let gen = cache.join("gen");
    if !gen.join("bpf_helper_defs.h").exists() {
        std::fs::create_dir_all(&gen).unwrap();
        let out = Command::new("python3")
            .current_dir(linux)
            .args([
                "scripts/bpf_doc.py",
                "--header",
                "--file",
                "include/uapi/linux/bpf.h",
            ])
            .output()
            .unwrap();
        std::fs::write(gen.join("bpf_helper_defs.h"), out.stdout).unwrap();
    }
    let resource = Command::new("clang-19")
        .arg("-print-resource-dir")
        .output()
        .unwrap();
    let resource = PathBuf::from(String::from_utf8_lossy(&resource.stdout).trim()).join("include");
    let include_dirs: Vec<PathBuf> = vec![
        linux.join("tools/testing/selftests/bpf"),
        linux.join("tools/lib"),
        progs.clone(),
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/ref")),
        linux.join("tools/include/uapi"),
        gen.clone(),
    ];
    let after_dirs = vec![
        PathBuf::from("/usr/include/x86_64-linux-gnu"),
        PathBuf::from("/usr/include"),
    ];
    let defines = [("__TARGET_ARCH_x86", None), ("ENABLE_ATOMICS_TESTS", None)];
    let opts = PreprocessOptions {
        include_dirs: include_dirs.clone(),
        after_dirs: after_dirs.clone(),
        builtin_include_dir: Some(resource),
        macro_ops: defines
            .iter()
            .map(|(n, v): &(&str, Option<&str>)| {
                MacroOp::Define(n.to_string(), v.map(|s| s.to_string()))
            })
            .collect(),
        cpu_version: 3,
        opt_level: 2,
        ..Default::default()
    };
    let filter = std::env::var("PP_CORPUS_FILTER").ok();
    let verbose = std::env::var("PP_CORPUS_VERBOSE").is_ok();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&progs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "c"))
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            filter
                .as_ref()
                .is_none_or(|f| f.split(',').any(|f| name.contains(f)))
        })
        .collect();
    files.sort();
    let (mut matched, mut mismatched, mut clang_failed, mut ours_failed) = (0, 0, 0, 0);
    let mut ours_time = Duration::ZERO;
    let mut mismatch_names = Vec::new();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let cached = cache.join(format!("{name}.i"));
        let clang_text = match std::fs::read_to_string(&cached) {
            Ok(t) => Some(t),
            Err(_) => {
                let mut cmd = Command::new("clang-19");
                cmd.args(["--target=bpf", "-E", "-O2", "-mcpu=v3"]);
                for (n, _) in &defines {
                    cmd.arg(format!("-D{n}"));
                }
                for d in &include_dirs {
                    cmd.arg("-I").arg(d);
                }
                for d in &after_dirs {
                    cmd.arg("-idirafter").arg(d);
                }
                cmd.arg(f);
                let out = cmd.output().unwrap();
                if out.status.success() {
                    let t = String::from_utf8_lossy(&out.stdout).into_owned();
                    std::fs::write(&cached, &t).unwrap();
                    Some(t)
                } else {
                    None
                }
            }
        };
        let mut sources = SourceMap::new();
        let mut interner = Interner::new();
        let mut diags = Diagnostics::new();
        let text = std::fs::read_to_string(f).unwrap();
        let main = sources.add(f.to_string_lossy(), Some(f.clone()), text);
        let start = Instant::now();
        let out = preprocess(main, &opts, &mut sources, &mut interner, &mut diags);
        ours_time += start.elapsed();
        let Some(clang_text) = clang_text else {
            clang_failed += 1;
            continue;
        };
        if diags.has_errors() {
            ours_failed += 1;
            if verbose {
                println!("ERRORS {name}:\n{}", diags.render(&sources));
            }
            mismatch_names.push(name);
            continue;
        }
        let ours: Vec<String> = out
            .tokens
            .iter()
            .take_while(|t| t.kind != TokenKind::Eof)
            .map(|t| spelling_of(t, &interner))
            .collect();
        let theirs = spellings_of_text(&clang_text, &mut interner);
        if ours == theirs {
            matched += 1;
        } else {
            mismatched += 1;
            if verbose {
                let i = ours
                    .iter()
                    .zip(&theirs)
                    .position(|(a, b)| a != b)
                    .unwrap_or(ours.len().min(theirs.len()));
                let lo = i.saturating_sub(8);
                println!(
                    "MISMATCH {name} at token {i} (ours {} tokens, clang {}):\n  ours:  {}\n  clang: {}",
                    ours.len(),
                    theirs.len(),
                    ours[lo..(i + 8).min(ours.len())].join(" "),
                    theirs[lo..(i + 8).min(theirs.len())].join(" ")
                );
            }
            mismatch_names.push(name);
        }
    }
    println!(
        "corpus: {} files, {matched} match clang -E exactly, {mismatched} differ, {ours_failed} with bpfcc errors, {clang_failed} rejected by clang; bpfcc preprocessing total {:.3}s",
        files.len(),
        ours_time.as_secs_f64()
    );
    if !mismatch_names.is_empty() {
        println!("differing: {}", mismatch_names.join(" "));
    }
}

fn pp_errs(src: &str) -> Vec<String> {
    pp_with(src, &PreprocessOptions::default()).1
}

#[test]
fn recursion_stops() {
    assert_eq!(pp("#define foo foo\nfoo"), "foo");
    assert_eq!(pp("#define AA BB\n#define BB AA\nAA BB"), "AA BB");
    assert_eq!(pp("#define f(x) x f\nf(1)(2)"), "1 f ( 2 )");
    assert_eq!(pp("#define g(x) x\n#define h g(\nh 5)"), "5");
    assert_eq!(pp("#define f(x) g(x)\n#define g(x) f(x)\nf(1)"), "f ( 1 )");
    // An argument is expanded before substitution, and the result rescanned.
    assert_eq!(pp("#define ID(x) x\n#define TWO 2\nID(ID(TWO))"), "2");
}

#[test]
fn function_macro_without_parens_is_an_identifier() {
    assert_eq!(pp("#define f(x) [x]\nint f; f (3)"), "int f ; [ 3 ]");
    assert_eq!(pp("#define f(x) [x]\nf\n(4)"), "[ 4 ]");
}

#[test]
fn stringify_and_paste() {
    assert_eq!(
        pp("#define str(x) #x\n#define xstr(x) str(x)\nxstr(a  +  \"b\\n\" 'c')"),
        r#""a + \"b\\n\" 'c'""#
    );
    assert_eq!(
        pp("#define cat(a,b) a ## b\ncat(1,2) cat(,x) cat(+,+) cat(,)"),
        "12 x ++"
    );
    assert_eq!(pp("#define str(x) #x\nstr() str( a   b )"), r#""" "a b""#);
    assert_eq!(pp("#define cat3(a,b,c) a##b##c\ncat3(x,,z)"), "xz");
}

#[test]
fn paste_error() {
    let e = pp_errs("#define cat(a,b) a ## b\ncat(+,-)");
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].contains("pasting formed '+-'"), "{e:?}");
}

#[test]
fn variadic_macros() {
    assert_eq!(
        pp("#define e(...) __VA_OPT__(x) y __VA_ARGS__\ne() e(1)"),
        "y x y 1"
    );
    assert_eq!(
        pp("#define v(f,...) f(0, ## __VA_ARGS__)\nv(q) v(q,1) v(q,)"),
        "q ( 0 ) q ( 0 , 1 ) q ( 0 )"
    );
    assert_eq!(pp("#define n(args...) g(args)\nn(1, 2)"), "g ( 1 , 2 )");
    assert_eq!(pp("#define c(a, ...) #__VA_ARGS__\nc(1, 2,3)"), r#""2,3""#);
    assert_eq!(
        pp("#define F(a, ...) f(a __VA_OPT__(,) __VA_ARGS__)\nF(1) F(1, 2)"),
        "f ( 1 ) f ( 1 , 2 )"
    );
}

#[test]
fn argument_count_errors() {
    let e = pp_errs("#define f(a, b) a\nf(1)");
    assert!(e.len() == 1 && e[0].contains("too few arguments"), "{e:?}");
    let e = pp_errs("#define f(a) a\nf(1, 2)");
    assert!(e.len() == 1 && e[0].contains("too many arguments"), "{e:?}");
    assert!(e[0].starts_with("test.c:2:1"), "{e:?}");
    let e = pp_errs("#define f(a) a\nf(1");
    assert!(
        e.len() == 1 && e[0].contains("unterminated function-like macro invocation"),
        "{e:?}"
    );
    // Commas inside parentheses do not split arguments.
    assert_eq!(pp("#define f(a) [a]\nf((1, 2))"), "[ ( 1 , 2 ) ]");
}

#[test]
fn builtin_macros() {
    assert_eq!(pp("__LINE__\n\n__LINE__ __FILE__"), "1 3 \"test.c\"");
    assert_eq!(pp("__COUNTER__ __COUNTER__ __COUNTER__"), "0 1 2");
    assert_eq!(pp("__DATE__ __TIME__"), "\"Jan  1 1970\" \"00:00:00\"");
    assert_eq!(pp("__INCLUDE_LEVEL__ __BASE_FILE__"), "0 \"test.c\"");
    assert_eq!(
        pp("#line 100 \"foo.c\"\n__LINE__ __FILE__"),
        "100 \"foo.c\""
    );
    assert_eq!(pp("#define L __LINE__\nL\nL"), "2 3");
    // A multi-line invocation is on the line of its `)`, as in clang.
    assert_eq!(pp("#define F(x) __LINE__ x\nF(a\n)"), "3 a");
    assert_eq!(
        pp("#ifdef __FILE__\nyes\n#endif\n#if defined(__has_include)\nyes\n#endif"),
        "yes yes"
    );
}

#[test]
fn if_expressions() {
    let cases = [
        ("1 + 2 * 3 == 7", true),
        ("(1 << 63) < 0", true),
        ("-1 > 0u", true),
        ("-1 < 0", true),
        ("0xffffffffffffffff == -1", true),
        ("18446744073709551615 == -1", true),
        (
            "'a' == 97 && '\\n' == 10 && '\\377' < 0 && 'ab' == 24930",
            true,
        ),
        ("0 && 1 / 0", false),
        ("1 || 1 % 0", true),
        ("1 ? 2 : (1/0)", true),
        ("(2 > 1) + 1 == 2", true),
        ("~0 == -1 && !0 && -(-3) == 3", true),
        ("undefined_ident == 0", true),
        ("0x10 == 16 && 010 == 8 && 0b11 == 3 && 10ULL == 10", true),
        ("(1, 0)", false),
        ("7 / 2 == 3 && -7 / 2 == -3 && -7 % 2 == -1", true),
        ("-1 >> 1 == -1", true),
    ];
    for (e, want) in cases {
        let src = format!("#if {e}\nyes\n#else\nno\n#endif");
        assert_eq!(pp(&src), if want { "yes" } else { "no" }, "#if {e}");
    }
}

#[test]
fn if_errors() {
    let e = pp_errs("#if 1 / 0\n#endif");
    assert!(e.len() == 1 && e[0].contains("division by zero"), "{e:?}");
    let e = pp_errs("#if 1 +\n#endif");
    assert!(e.len() == 1 && e[0].contains("expected value"), "{e:?}");
    let e = pp_errs("#if (1\n#endif");
    assert!(e.len() == 1 && e[0].contains("expected ')'"), "{e:?}");
    let e = pp_errs("#if 1\nx");
    assert!(
        e.len() == 1 && e[0].contains("unterminated conditional directive"),
        "{e:?}"
    );
    assert!(e[0].starts_with("test.c:1:1"), "{e:?}");
    let e = pp_errs("#endif");
    assert!(e.len() == 1 && e[0].contains("#endif without #if"), "{e:?}");
    let e = pp_errs("#if 1.5\n#endif");
    assert!(e.len() == 1 && e[0].contains("floating point"), "{e:?}");
    let e = pp_errs("#define F(x) x\n#if G(1)\n#endif");
    assert!(e.len() == 1 && e[0].contains("'G' is not defined"), "{e:?}");
}

#[test]
fn conditional_chains() {
    let src = "#define B 2\n#if B == 1\none\n#elif B == 2\ntwo\n#elif B == 2\nagain\n#else\nelse\n#endif\n\
               #ifdef B\nb\n#endif\n#ifndef B\nnotb\n#elifdef B\nelifdef\n#endif\n\
               #if 0\n#if garbage (\n#error no\n#endif\n'unterminated in skipped text\n#else\nelse2\n#endif";
    assert_eq!(pp(src), "two b elifdef else2");
    let e = pp_errs("#if 1\n#else\n#else\n#endif");
    assert!(e.iter().any(|m| m.contains("#else after #else")), "{e:?}");
}

#[test]
fn error_and_warning_directives() {
    let (_, e) = pp_with("\n  #error this is  bad\n", &PreprocessOptions::default());
    assert_eq!(e, vec!["test.c:2:3: this is  bad".to_string()]);
    let mut sources = SourceMap::new();
    let mut interner = Interner::new();
    let mut diags = Diagnostics::new();
    let main = sources.add("test.c", None, "#warning careful\nx".to_string());
    preprocess(
        main,
        &PreprocessOptions::default(),
        &mut sources,
        &mut interner,
        &mut diags,
    );
    assert_eq!(diags.list.len(), 1);
    assert_eq!(diags.list[0].severity, Severity::Warning);
    assert_eq!(diags.list[0].message, "careful");
}

#[test]
fn lexical_errors() {
    let e = pp_errs("int x; /* never closed");
    assert!(
        e.len() == 1 && e[0].contains("unterminated /* comment"),
        "{e:?}"
    );
    let e = pp_errs("char *s = \"abc;\nint y;");
    assert!(
        e.len() == 1 && e[0].contains("missing terminating '\"'"),
        "{e:?}"
    );
    assert!(e[0].starts_with("test.c:1:"), "{e:?}");
    let e = pp_errs("#foo\n");
    assert!(
        e.len() == 1 && e[0].contains("invalid preprocessing directive"),
        "{e:?}"
    );
    // A missing header is fatal: nothing after it is preprocessed.
    let (t, e) = pp_with(
        "a\n#include \"does-not-exist.h\"\nb\n#if\n",
        &PreprocessOptions::default(),
    );
    assert!(
        e.len() == 1 && e[0].contains("'does-not-exist.h' file not found"),
        "{e:?}"
    );
    assert!(e[0].starts_with("test.c:2:1"), "{e:?}");
    assert_eq!(t, "a");
}

#[test]
fn splices_comments_and_digraphs() {
    assert_eq!(
        pp("in\\\nt x /* c */ = 1; // line \\\n still comment\ny"),
        "int x = 1 ; y"
    );
    assert_eq!(pp("#define A \\\n  42\nA"), "42");
    assert_eq!(pp("a<:1:> <% %> %:"), "a [ 1 ] { } #");
    assert_eq!(
        pp("x+++++y a->b c<<=d e...f .5e+3 1.0p-2"),
        "x ++ ++ + y a -> b c <<= d e ... f .5e+3 1.0p-2"
    );
    assert_eq!(pp("L'a' u8\"s\" U\"t\" u'c'"), "L'a' u8\"s\" U\"t\" u'c'");
}

#[test]
fn token_flags_and_spans() {
    let mut sources = SourceMap::new();
    let mut interner = Interner::new();
    let mut diags = Diagnostics::new();
    let main = sources.add(
        "t.c",
        None,
        "#define M(x) (x + 1)\nint a =  M(2);\n".to_string(),
    );
    let out = preprocess(
        main,
        &PreprocessOptions::default(),
        &mut sources,
        &mut interner,
        &mut diags,
    );
    assert!(diags.list.is_empty());
    let toks = &out.tokens;
    // int a = ( 2 + 1 ) ; EOF
    assert_eq!(toks.len(), 10);
    assert!(toks[0].at_line_start && !toks[0].leading_space);
    assert!(toks[1].leading_space && !toks[1].at_line_start);
    assert_eq!(toks[0].expansion, None);
    let e = toks[3].expansion.expect("from a macro");
    assert_eq!(interner.resolve(out.expansions[e.index()].macro_name), "M");
    // Tokens out of the macro carry the invocation's span `M(2)`.
    for t in &toks[3..8] {
        assert_eq!(&sources.file(main).text[t.span.range()], "M(2)");
        assert_eq!(t.expansion, Some(e));
    }
    assert!(toks[3].leading_space);
    assert_eq!(toks[8].expansion, None);
    assert_eq!(toks[9].kind, TokenKind::Eof);
}

#[test]
fn has_features() {
    let src = "__has_attribute(packed) __has_attribute(__packed__) __has_attribute(gnu::section) \
               __has_attribute(nonsense) __has_builtin(__builtin_memcpy) __has_builtin(__builtin_frame_address) \
               __has_c_attribute(fallthrough) __has_declspec_attribute(dllexport) __has_feature(c_static_assert) \
               __has_include(<stddef.h>) __has_include(\"nope.h\") __has_include_next(<stdint.h>)";
    assert_eq!(pp(src), "1 1 1 0 1 0 201910 0 1 1 0 1");
    let (t, e) = pp_with(
        "__has_include(<stddef.h>)",
        &PreprocessOptions {
            nostdinc: true,
            ..Default::default()
        },
    );
    assert!(e.is_empty());
    assert_eq!(t, "0");
    assert_eq!(
        pp("#if __has_attribute(always_inline) && !__has_builtin(nope)\nok\n#endif"),
        "ok"
    );
}

#[test]
fn embedded_headers() {
    let src = "#include <stddef.h>\n#include <stdint.h>\n#include <stdbool.h>\n#include <limits.h>\n\
               #include <stdarg.h>\n#include <stdalign.h>\n#include <stdnoreturn.h>\n#include <float.h>\n\
               #include <stdatomic.h>\n\
               #if INT_MAX != 2147483647 || UINT64_MAX != 18446744073709551615u || INT64_MIN >= 0\n#error limits\n#endif\n\
               X: offsetof(struct s, f) NULL true INT64_C(5) UINT32_C(7)";
    let t = pp(src);
    let tail = t.split("X :").nth(1).unwrap().trim().to_string();
    assert_eq!(
        tail,
        "__builtin_offsetof ( struct s , f ) ( ( void * ) 0 ) 1 5L 7U"
    );
    assert!(t.contains("typedef long unsigned int size_t ;"), "{t}");
    assert!(t.contains("typedef long int int64_t ;"), "{t}");
}

#[test]
fn pragmas() {
    assert_eq!(pp("#pragma once\n#pragma GCC diagnostic push\n#pragma clang loop unroll(full)\n_Pragma(\"unroll\") x"), "x");
    assert_eq!(
        pp("#define X 1\n#pragma push_macro(\"X\")\n#undef X\n#define X 2\nX\n#pragma pop_macro(\"X\")\nX"),
        "2 1"
    );
    let e = pp_errs("#pragma GCC error \"stop\"");
    assert_eq!(e.len(), 1);
    assert!(e[0].contains("stop"));
}

#[test]
fn command_line_macros_and_forced_includes() {
    let dir = std::env::temp_dir().join(format!("bpfcc-pp-forced-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let forced = dir.join("forced.h");
    std::fs::write(&forced, "int forced;\n#define FROM_FORCED 7\n").unwrap();
    let opts = PreprocessOptions {
        macro_ops: vec![
            MacroOp::Define("A".into(), None),
            MacroOp::Define("B".into(), Some("2 + 3".into())),
            MacroOp::Define("F(x)".into(), Some("[x]".into())),
            MacroOp::Define("C".into(), None),
            MacroOp::Undef("C".into()),
        ],
        force_includes: vec![forced],
        ..Default::default()
    };
    let (t, e) = pp_with("A B F(1) C FROM_FORCED", &opts);
    assert!(e.is_empty(), "{e:?}");
    assert_eq!(t, "int forced ; 1 2 + 3 [ 1 ] C 7");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn include_search_order_and_next() {
    let dir = std::env::temp_dir().join(format!("bpfcc-pp-search-{}", std::process::id()));
    let (d1, d2, dq) = (dir.join("one"), dir.join("two"), dir.join("quote"));
    for d in [&d1, &d2, &dq] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(d1.join("h.h"), "one\n#include_next <h.h>\n").unwrap();
    std::fs::write(d2.join("h.h"), "two\n").unwrap();
    std::fs::write(dq.join("h.h"), "quote\n").unwrap();
    std::fs::write(
        dir.join("main.c"),
        "#if __has_include(\"unused.h\")\n#endif\n#include \"h.h\"\n#include <h.h>\n#include \"sub.h\"\n#include \"sub.h\"\n",
    )
    .unwrap();
    // Checked by __has_include only: not a dependency.
    std::fs::write(dir.join("unused.h"), "").unwrap();
    std::fs::write(dir.join("sub.h"), "#pragma once\nsub\n").unwrap();
    let opts = PreprocessOptions {
        quote_dirs: vec![dq.clone()],
        include_dirs: vec![d1.clone()],
        system_dirs: vec![d2.clone()],
        ..Default::default()
    };
    let mut sources = SourceMap::new();
    let mut interner = Interner::new();
    let mut diags = Diagnostics::new();
    let main_path = dir.join("main.c");
    let main = sources.add(
        main_path.to_string_lossy(),
        Some(main_path.clone()),
        std::fs::read_to_string(&main_path).unwrap(),
    );
    let out = preprocess(main, &opts, &mut sources, &mut interner, &mut diags);
    assert!(diags.list.is_empty(), "{}", diags.render(&sources));
    let words: Vec<&str> = out
        .tokens
        .iter()
        .filter_map(|t| match t.kind {
            TokenKind::Ident(s) => Some(interner.resolve(s)),
            _ => None,
        })
        .collect();
    assert_eq!(words, ["quote", "one", "two", "sub"]);
    let deps: Vec<PathBuf> = out.dependencies.clone();
    assert_eq!(
        deps,
        vec![
            main_path,
            dq.join("h.h"),
            d1.join("h.h"),
            d2.join("h.h"),
            dir.join("sub.h")
        ]
    );
    // -E output: markers with flags, the system header flagged 3.
    let text = write_preprocessed(&out, &sources, &interner);
    let two = d2.join("h.h");
    assert!(
        text.contains(&format!("# 1 \"{}\" 1 3\ntwo\n", two.display())),
        "{text}"
    );
    assert!(
        text.starts_with(&format!("# 1 \"{}\"\n", dir.join("main.c").display())),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn include_guard_skips_rereading() {
    let dir = std::env::temp_dir().join(format!("bpfcc-pp-guard-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("g.h"),
        "/* c */\n#ifndef G_H\n#define G_H\nguarded\n#endif\n",
    )
    .unwrap();
    std::fs::write(dir.join("n.h"), "#ifndef N_H\n#define N_H\n#endif\nafter\n").unwrap();
    let opts = PreprocessOptions {
        include_dirs: vec![dir.clone()],
        ..Default::default()
    };
    let mut sources = SourceMap::new();
    let mut interner = Interner::new();
    let mut diags = Diagnostics::new();
    let src = "#include <g.h>\n#include <g.h>\n#include <n.h>\n#include <n.h>\n";
    let main = sources.add("m.c", None, src.to_string());
    let mut pp = Preprocessor::new(&opts, &mut sources, &mut interner, &mut diags);
    pp.main_file = main;
    pp.define_builtins();
    pp.push_file(main, None);
    let mut words = Vec::new();
    loop {
        let t = pp.next_expanded();
        if t.tok.kind == TokenKind::Eof {
            break;
        }
        words.push(pp.spelling(t.tok.kind).into_owned());
    }
    assert_eq!(words, ["guarded", "after", "after"]);
    let g = pp.find_include("g.h", true, false).unwrap().file;
    let n = pp.find_include("n.h", true, false).unwrap().file;
    assert!(pp.guards.contains_key(&g));
    assert!(!pp.guards.contains_key(&n));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn preprocessed_output_format() {
    let mut sources = SourceMap::new();
    let mut interner = Interner::new();
    let mut diags = Diagnostics::new();
    let src = "#define P(a, b) a+b\nint x = P(1, 2);\n  y\n\n\n\n\n\n\n\n\n\n\n\nz -P(-1,-2)\n#define E 1e\nE+1 1 +2 1+ 2\n";
    let main = sources.add("o.c", None, src.to_string());
    let out = preprocess(
        main,
        &PreprocessOptions::default(),
        &mut sources,
        &mut interner,
        &mut diags,
    );
    let text = write_preprocessed(&out, &sources, &interner);
    // What clang-19 -E prints for the same source (after its built-in lines).
    assert_eq!(
        text,
        "# 1 \"o.c\"\n\nint x = 1 +2;\n  y\n# 15 \"o.c\"\nz - -1 +-2\n\n1e +1 1 +2 1+ 2\n"
    );
}

#[test]
fn deterministic_output() {
    let src = "#define A(x) x ## 1 __COUNTER__\nA(a) A(b)\n#include <stdint.h>\nuint8_t z;";
    let run = || {
        let mut sources = SourceMap::new();
        let mut interner = Interner::new();
        let mut diags = Diagnostics::new();
        let main = sources.add("d.c", None, src.to_string());
        let out = preprocess(
            main,
            &PreprocessOptions::default(),
            &mut sources,
            &mut interner,
            &mut diags,
        );
        write_preprocessed(&out, &sources, &interner)
    };
    assert_eq!(run(), run());
}

/// Our predefined macros against `clang-19 -dM -E` for every `-mcpu`.
#[test]
fn predefines_match_clang() {
    use std::process::Command;
    for (cpu, opt) in [(1u8, 0u8), (2, 2), (3, 2), (4, 0), (4, 2)] {
        let out = Command::new("clang-19")
            .args([
                "--target=bpf",
                &format!("-mcpu=v{cpu}"),
                &format!("-O{opt}"),
                "-dM",
                "-E",
                "-x",
                "c",
                "/dev/null",
            ])
            .output();
        let Ok(out) = out else {
            println!("SKIP: clang-19 not installed");
            return;
        };
        let mut theirs: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        let opts = PreprocessOptions {
            cpu_version: cpu,
            opt_level: opt,
            ..Default::default()
        };
        let mut ours: Vec<String> = predefined::predefines_text(&opts)
            .lines()
            .filter(|l| !l.starts_with("#define __bpfcc"))
            .map(str::to_string)
            .collect();
        theirs.sort();
        ours.sort();
        assert_eq!(ours, theirs, "-mcpu=v{cpu} -O{opt}");
    }
}

/// The same for the GCC personality against `bpf-gcc -dM -E`.
#[test]
fn predefines_match_gcc() {
    use std::process::Command;
    let Ok(out) = Command::new("bpf-gcc")
        .args(["-O2", "-dM", "-E", "-x", "c", "/dev/null"])
        .output()
    else {
        println!("SKIP: bpf-gcc not installed");
        return;
    };
    let mut theirs: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    let opts = PreprocessOptions {
        personality: Personality::Gcc,
        opt_level: 2,
        ..Default::default()
    };
    let mut ours: Vec<String> = predefined::predefines_text(&opts)
        .lines()
        .filter(|l| !l.starts_with("#define __bpfcc"))
        .map(str::to_string)
        .collect();
    theirs.sort();
    ours.sort();
    assert_eq!(ours, theirs);
}

#[test]
fn predefines_are_defined() {
    let opts = PreprocessOptions {
        cpu_version: 4,
        opt_level: 2,
        ..Default::default()
    };
    let (t, e) = pp_with(
        "__bpf__ __BPF_CPU_VERSION__ __BPF_FEATURE_ST __OPTIMIZE__ __bpfcc__ __clang_major__",
        &opts,
    );
    assert!(e.is_empty());
    assert_eq!(t, "1 4 1 1 1 19");
}

/// Times preprocessing of target/ref/vmlinux.h (meaningful in release:
/// `cargo test --release -p bpfcc --lib preprocess::tests::bench_vmlinux -- --ignored --nocapture`).
#[test]
#[ignore]
fn bench_vmlinux() {
    let path = PathBuf::from(std::env::var("PP_BENCH_FILE").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../target/ref/vmlinux.h").into()
    }));
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("SKIP: {} missing", path.display());
        return;
    };
    // CPU time of this thread (the machine is shared; wall time is noisy).
    let cpu = || -> f64 {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| {
                s.split_whitespace()
                    .next()
                    .and_then(|n| n.parse::<f64>().ok())
            })
            .map_or(0.0, |ns| ns / 1e9)
    };
    let mut best = f64::MAX;
    let mut best_cpu = f64::MAX;
    let mut ntok = 0;
    for _ in 0..10 {
        let mut sources = SourceMap::new();
        let mut interner = Interner::new();
        let mut diags = Diagnostics::new();
        let main = sources.add(path.to_string_lossy(), Some(path.clone()), text.clone());
        let start = std::time::Instant::now();
        let cpu_start = cpu();
        let out = preprocess(
            main,
            &PreprocessOptions::default(),
            &mut sources,
            &mut interner,
            &mut diags,
        );
        best_cpu = best_cpu.min(cpu() - cpu_start);
        best = best.min(start.elapsed().as_secs_f64());
        assert!(!diags.has_errors(), "{}", diags.render(&sources));
        ntok = out.tokens.len();
    }
    println!(
        "{}: {} tokens, best of 10: {:.2} ms wall, {:.2} ms CPU",
        path.display(),
        ntok,
        best * 1e3,
        best_cpu * 1e3
    );
}

/// Times the lexer alone over vmlinux.h, with a fresh and a warm interner.
#[test]
#[ignore]
fn bench_lexer_only() {
    let Ok(text) = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../target/ref/vmlinux.h"
    )) else {
        println!("SKIP: target/ref/vmlinux.h missing (cargo xtask refs)");
        return;
    };
    let cpu = || -> f64 {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| {
                s.split_whitespace()
                    .next()
                    .and_then(|n| n.parse::<f64>().ok())
            })
            .map_or(0.0, |ns| ns / 1e6)
    };
    for _ in 0..5 {
        let mut interner = Interner::new();
        interner.reserve(text.len() / 40);
        let mut n = 0;
        let mut times = [0.0; 2];
        for t in &mut times {
            let start = cpu();
            let mut lx = lexer::Lexer::new(FileId(0));
            while let lexer::Lexed::Token(_) = lx.next(text.as_bytes(), &mut interner) {
                n += 1;
            }
            *t = cpu() - start;
        }
        println!(
            "{} tokens: fresh interner {:.2} ms CPU, warm {:.2} ms CPU",
            n / 2,
            times[0],
            times[1]
        );
    }
}

#[test]
fn feature_lists_sorted_and_unique() {
    for list in [features::SUPPORTED_ATTRIBUTES, features::SUPPORTED_BUILTINS] {
        for w in list.windows(2) {
            assert!(w[0] < w[1], "{} before {}", w[0], w[1]);
        }
    }
    assert!(features::is_supported_attribute("__always_inline__"));
    assert!(features::is_supported_attribute("btf_decl_tag"));
    assert!(!features::is_supported_attribute("__"));
    assert!(features::is_supported_builtin("__builtin_bswap64"));
    assert!(!features::is_supported_builtin("__builtin_frame_address"));
}

/// Prints `-E` output of `$PP_FILE` (with `$PP_ARGS`: space-separated `-I`,
/// `-D`, `-idirafter=`, `-resource=` (built-in dir) options), for comparing against `clang-19 -E` by hand.
#[test]
#[ignore]
fn dump_preprocessed() {
    let Ok(file) = std::env::var("PP_FILE") else {
        println!("SKIP: set PP_FILE");
        return;
    };
    let mut opts = PreprocessOptions::default();
    for a in std::env::var("PP_ARGS")
        .unwrap_or_default()
        .split_whitespace()
    {
        if let Some(d) = a.strip_prefix("-I") {
            opts.include_dirs.push(PathBuf::from(d));
        } else if let Some(d) = a.strip_prefix("-D") {
            let (n, v) = match d.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (d.to_string(), None),
            };
            opts.macro_ops.push(MacroOp::Define(n, v));
        } else if let Some(d) = a.strip_prefix("-idirafter=") {
            opts.after_dirs.push(PathBuf::from(d));
        } else if let Some(d) = a.strip_prefix("-resource=") {
            opts.builtin_include_dir = Some(PathBuf::from(d));
        }
    }
    let mut sources = SourceMap::new();
    let mut interner = Interner::new();
    let mut diags = Diagnostics::new();
    let path = PathBuf::from(&file);
    let main = sources.add(
        file.clone(),
        Some(path.clone()),
        std::fs::read_to_string(&path).unwrap(),
    );
    let out = preprocess(main, &opts, &mut sources, &mut interner, &mut diags);
    eprint!("{}", diags.render(&sources));
    print!("{}", write_preprocessed(&out, &sources, &interner));
}

#[test]
fn char_constants_in_if() {
    // An unknown escape of a non-ASCII character must not split it.
    assert!(expr::char_value("'\\é'").is_ok());
    assert_eq!(expr::char_value("'\\x41'").unwrap(), 65);
    assert_eq!(expr::char_value("L'\\xff'").unwrap(), 255);
    assert_eq!(expr::char_value("'\\0'").unwrap(), 0);
    assert!(expr::char_value("''").is_err());
    assert_eq!(pp("#if '\\'' == 39 && '\\\\' == 92\nok\n#endif"), "ok");
}

/// Every truncation of a source full of preprocessor constructs must be
/// handled with diagnostics, never a panic.
#[test]
fn truncated_inputs_do_not_panic() {
    let src = "#define F(a, ...) #a a##__VA_ARGS__ __VA_OPT__(, a) \\\n  x\n#define G(x) F(x, 1)\n\
               #if defined(F) && __has_include(<stddef.h>) && 'a' + 1 > (2 ? 3 : 4)\nG(\"s\" 'c' /* c */ 1.5e+3)\n\
               #elif __has_attribute(packed)\n#else\n#endif\n#include \"nope.h\"\n_Pragma(\"once\") __LINE__\n\
               #pragma push_macro(\"F\")\n#line 7 \"x.c\"\n#error stop\n// tail";
    for end in 0..=src.len() {
        if !src.is_char_boundary(end) {
            continue;
        }
        let _ = pp_with(&src[..end], &PreprocessOptions::default());
    }
}

#[test]
fn directives_inside_macro_arguments() {
    assert_eq!(
        pp("#define F(a, b) [a|b]\n#define X\nF(1,\n#ifdef X\n2\n#else\n3\n#endif\n)"),
        "[ 1 | 2 ]"
    );
}

#[test]
fn include_macro_expanded_and_has_include_forms() {
    let dir = std::env::temp_dir().join(format!("bpfcc-pp-incmac-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/h.h"), "from_h\n").unwrap();
    let opts = PreprocessOptions {
        include_dirs: vec![dir.clone()],
        ..Default::default()
    };
    let src = "#define HDR <sub/h.h>\n#define Q \"sub/h.h\"\n#include HDR\n#include Q\n\
               #if __has_include(<sub/h.h>) && __has_include(\"sub/h.h\") && !__has_include(<sub/none.h>)\nyes\n#endif\n\
               #if __has_include(HDR)\nmacro_form\n#endif";
    let (t, e) = pp_with(src, &opts);
    assert!(e.is_empty(), "{e:?}");
    assert_eq!(t, "from_h from_h yes macro_form");
    std::fs::remove_dir_all(&dir).ok();
}

/// Random sequences of preprocessor fragments (a fixed-seed generator, so
/// failures reproduce) must never panic or loop.
#[test]
fn random_fragments_do_not_panic() {
    const PIECES: &[&str] = &[
        "#define ",
        "#if ",
        "#ifdef ",
        "#elif ",
        "#else\n",
        "#endif\n",
        "#undef ",
        "#include ",
        "#line ",
        "#pragma ",
        "\n",
        " ",
        "(",
        ")",
        ",",
        "##",
        "#",
        "__VA_ARGS__",
        "__VA_OPT__",
        "F",
        "G",
        "x",
        "F(",
        "G(a,",
        "\"s\"",
        "'c'",
        "\"",
        "'",
        "/*",
        "*/",
        "//",
        "\\\n",
        "defined",
        "1",
        "0x1u",
        "...",
        "_Pragma(\"once\")",
        "__has_include(",
        "<",
        ">",
        "__LINE__",
        "__COUNTER__",
        "+",
        "-",
        "/",
        "?",
        ":",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let rounds: usize = std::env::var("PP_FUZZ_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    for _ in 0..rounds {
        let mut src = String::new();
        for _ in 0..(next() % 60) {
            src.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
        }
        let _ = pp_with(&src, &PreprocessOptions::default());
    }
}

#[test]
fn ident_end_agrees_with_the_byte_classes() {
    // Every byte value at every position of a 40-byte run (the 16-byte steps,
    // their boundaries and the byte-wise tail), after identifier bytes.
    for b in 0..=255u8 {
        for at in 0..40 {
            let mut text = vec![b'a'; 40];
            text[at] = b;
            for from in [0, 1, 15, 16, 17] {
                let from = from.min(at);
                let want = if lexer::is_ident_continue(b) { 40 } else { at };
                assert_eq!(
                    lexer::ident_end(&text, from),
                    want,
                    "byte {b:#x} at {at}, from {from}"
                );
            }
        }
    }
    let mixed = b"Az_$09\xc3\xa9zZ_aaaaaaaaaaaaaaaaaaaa+";
    assert_eq!(lexer::ident_end(mixed, 0), mixed.len() - 1);
}

#[test]
fn plain_runs_and_macro_names_interleave() {
    // The top level moves plain tokens straight to the output and hands macro
    // names, function-like names without `(`, directives and the end of the
    // file to the expanding path: every switch between the two, in order.
    let src = "#define M x y\n#define F(a) [a]\n\
               a M b F c F(d) e\n\
               #define M z\n\
               M f\n\
               F\n(g) h F";
    assert_eq!(pp(src), "a x y b F c [ d ] e z f [ g ] h F");
    // A redefinition between two uses of a name in one line is impossible;
    // across lines each use sees the definition in force.
    assert_eq!(
        pp("#define A 1\nA A\n#undef A\nA\n#define A 2\nA"),
        "1 1 A 2"
    );
}

/// The lexer's look-ahead for interner slots (`IdentsAhead`) guesses
/// identifiers in comments, literals and numbers too, and misses ones split
/// by line splices: whatever it guessed, every identifier gets the symbol of
/// its own spelling (an interner built one string at a time agrees).
#[test]
fn identifiers_get_their_own_symbols_whatever_the_lookahead_guessed() {
    let text = "/* alpha beta */ int gamma = 0x1fULL + 1e10 + 'c' + sizeof(\"delta\");\n\
                // epsilon zeta eta\n\
                L\"theta\" u8\"iota\" kap\\\npa lambda_ mu$ 9nu xi0 /*o*/omicron\n\
                struct list_head *next, *prev; unsigned long long pi;\n";
    let mut interner = Interner::new();
    let mut lx = lexer::Lexer::new(FileId(0));
    let mut idents = Vec::new();
    let src = text.as_bytes();
    while let lexer::Lexed::Token(t) = lx.next(src, &mut interner) {
        if let TokenKind::Ident(s) = t.kind {
            idents.push((s, interner.resolve(s).to_string()));
        }
    }
    let spelled: Vec<&str> = idents.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(
        spelled,
        [
            "int",
            "gamma",
            "sizeof",
            "kappa",
            "lambda_",
            "mu$",
            "xi0",
            "omicron",
            "struct",
            "list_head",
            "next",
            "prev",
            "unsigned",
            "long",
            "long",
            "pi"
        ]
    );
    for (sym, s) in &idents {
        assert_eq!(interner.get(s), Some(*sym), "{s}");
    }
}
