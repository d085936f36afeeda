//! Negative tests: C files bpfcc must reject with given diagnostics.
//!
//! Each file in `errors/` states what it expects in comments:
//! `// ERROR 4:10: use of undeclared identifier 'y'` — an error at line 4,
//! column 10 whose message contains the text (case-insensitive; `...` in the
//! text matches anything, so `stack ... 512 ... buf` asks for those three
//! pieces in that order). `// ERROR 4: text` leaves the column open.
//! `// CPU 3` (optional) sets `-mcpu`. The compilation must fail, produce no
//! output, and not panic.

use crate::build::{bpfcc_options, run_bpfcc};
use std::path::{Path, PathBuf};

/// One expected diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectedError {
    pub line: u32,
    pub col: Option<u32>,
    /// Pieces of the message, matched in order.
    pub pieces: Vec<String>,
    /// Where the expectation is written (1-based line of the comment).
    pub written_at: usize,
}

/// What one negative test file asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NegativeTest {
    pub errors: Vec<ExpectedError>,
    pub cpu: u8,
}

/// Reads the `// ERROR` and `// CPU` comments of a file's text.
pub fn parse(text: &str) -> Result<NegativeTest, String> {
    let mut errors = Vec::new();
    let mut cpu = 3;
    for (i, line) in text.lines().enumerate() {
        let Some(pos) = line.find("//") else { continue };
        let comment = line[pos + 2..].trim();
        if let Some(rest) = comment.strip_prefix("CPU ") {
            cpu = rest
                .trim()
                .parse()
                .map_err(|_| format!("line {}: bad CPU version", i + 1))?;
            continue;
        }
        let Some(rest) = comment.strip_prefix("ERROR ") else {
            continue;
        };
        let bad = || format!("line {}: expected `// ERROR line[:col]: message`", i + 1);
        let (pos_text, msg) = rest.split_once(": ").ok_or_else(bad)?;
        let (line_no, col) = match pos_text.split_once(':') {
            Some((l, c)) => (
                l.trim().parse().map_err(|_| bad())?,
                Some(c.trim().parse().map_err(|_| bad())?),
            ),
            None => (pos_text.trim().parse().map_err(|_| bad())?, None),
        };
        let pieces: Vec<String> = msg
            .split("...")
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty())
            .collect();
        if pieces.is_empty() {
            return Err(bad());
        }
        errors.push(ExpectedError {
            line: line_no,
            col,
            pieces,
            written_at: i + 1,
        });
    }
    if errors.is_empty() {
        return Err("no `// ERROR` comment".into());
    }
    Ok(NegativeTest { errors, cpu })
}

fn message_matches(pieces: &[String], message: &str) -> bool {
    let m = message.to_lowercase();
    let mut at = 0;
    for p in pieces {
        match m[at..].find(p.as_str()) {
            Some(i) => at += i + p.len(),
            None => return false,
        }
    }
    true
}

/// The directory of the negative tests.
pub fn errors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("errors")
}

/// Compiles one negative test (at -O2) and returns what is wrong, if anything.
pub fn check_file(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let test = parse(&text)?;
    let out = run_bpfcc(path, &bpfcc_options(2, test.cpu))?;
    let rendered = out.render_diagnostics();
    let mut problems = Vec::new();
    if out.output.is_some() {
        problems.push("compilation produced output although it must fail".to_string());
    }
    if !out.diagnostics.has_errors() {
        problems.push("no error was reported".to_string());
    }
    let main_name = path.to_string_lossy();
    for want in &test.errors {
        let found = out.diagnostics.list.iter().any(|d| {
            if d.severity != bpfcc::diag::Severity::Error {
                return false;
            }
            let Some(span) = d.span else { return false };
            let file = out.sources.file(span.file);
            // Errors in included headers do not count for the main file's lines.
            if !(file.name == main_name || file.path.as_deref() == Some(path)) {
                return false;
            }
            let (l, c) = out.sources.line_col(span);
            l == want.line
                && want.col.is_none_or(|wc| wc == c)
                && message_matches(&want.pieces, &d.message)
        });
        if !found {
            let at = match want.col {
                Some(c) => format!("{}:{}", want.line, c),
                None => want.line.to_string(),
            };
            problems.push(format!(
                "missing error at {at} matching \"{}\" (written at line {})",
                want.pieces.join(" ... "),
                want.written_at
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n  bpfcc said:\n{}",
            problems.join("\n  "),
            rendered
                .lines()
                .map(|l| format!("    {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_error_comments() {
        let t = parse("int x; // ERROR 1:5: undeclared ... 'y'\n// CPU 4\n// ERROR 7: stack\n")
            .unwrap();
        assert_eq!(t.cpu, 4);
        assert_eq!(t.errors.len(), 2);
        assert_eq!(t.errors[0].line, 1);
        assert_eq!(t.errors[0].col, Some(5));
        assert_eq!(t.errors[0].pieces, vec!["undeclared", "'y'"]);
        assert_eq!(t.errors[1].col, None);
        assert!(parse("int x;").is_err());
        assert!(parse("// ERROR x:1: m").is_err());
    }

    #[test]
    fn pieces_match_in_order() {
        let p = vec!["stack".to_string(), "512".to_string(), "buf".to_string()];
        assert!(message_matches(
            &p,
            "Stack size 600 of 'buf' exceeds 512 for buf"
        ));
        assert!(!message_matches(
            &p,
            "buf uses 600 bytes of stack, limit 512"
        ));
    }
}
