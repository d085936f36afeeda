//! Make-style dependency files (`-M`, `-MD`, `-MF`, `-MT`, `-MQ`, `-MP`),
//! formatted byte for byte as clang writes them: targets, `:`, the main file
//! then the headers, lines wrapped before column 75 with ` \`, and with `-MP`
//! an empty rule for each header.

use std::path::{Path, PathBuf};

/// Lines are wrapped so that they stay within this many columns.
const MAX_COLUMNS: usize = 75;

/// `-MQ`: quotes the characters make treats specially in a target.
pub fn quote_target(target: &str) -> String {
    let mut out = String::with_capacity(target.len());
    let bytes: Vec<char> = target.chars().collect();
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            ' ' | '\t' => {
                // Backslashes before a space would escape the escape: double them.
                let mut j = i;
                while j > 0 && bytes[j - 1] == '\\' {
                    out.push('\\');
                    j -= 1;
                }
                out.push('\\');
            }
            '$' => out.push('$'),
            '#' => out.push('\\'),
            _ => {}
        }
        out.push(c);
    }
    out
}

/// A file name in a rule, escaped for make as clang does.
fn escape_filename(name: &str, out: &mut String) {
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            // '#' the way gcc escapes it (one backslash, whatever precedes).
            '#' => out.push('\\'),
            ' ' => {
                let mut j = i;
                while j > 0 && chars[j - 1] == '\\' {
                    out.push('\\');
                    j -= 1;
                }
                out.push('\\');
            }
            '$' => out.push('$'),
            _ => {}
        }
        out.push(c);
    }
}

/// The default target: the output file (`-o`), else `<stem>.o`.
pub fn default_target(input: &Path, output: Option<&Path>) -> String {
    match output {
        Some(o) if o != Path::new("-") => quote_target(&o.to_string_lossy()),
        _ => {
            let stem = input
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "-".into());
            quote_target(&format!("{stem}.o"))
        }
    }
}

/// The dependency file for `-MD` without `-MF`: the output with `.d`, else
/// `<stem>.d`.
pub fn default_depfile(input: &Path, output: Option<&Path>) -> PathBuf {
    match output {
        Some(o) if o != Path::new("-") => o.with_extension("d"),
        _ => {
            let stem = input.file_stem().unwrap_or_else(|| "-".as_ref());
            PathBuf::from(stem).with_extension("d")
        }
    }
}

/// `name` without leading `./` components (`./foo.h`, `.//./foo.h`):
/// clang writes dependencies that way.
pub fn without_leading_dot_slash(mut name: &str) -> &str {
    while let Some(rest) = name.strip_prefix("./") {
        name = rest.trim_start_matches('/');
    }
    name
}

/// Formats the rule: `targets` (already quoted) depend on `files` (the main
/// file first); `phony` adds `header:` rules.
pub fn format_rule(targets: &[String], files: &[String], phony: bool) -> String {
    let mut out = String::new();
    let mut columns = 0;
    for t in targets {
        let n = t.chars().count();
        if columns == 0 {
            columns = n;
        } else if columns + n + 2 > MAX_COLUMNS {
            out.push_str(" \\\n  ");
            columns = n + 2;
        } else {
            out.push(' ');
            columns += n + 1;
        }
        out.push_str(t);
    }
    out.push(':');
    columns += 1;
    for f in files {
        let n = f.chars().count();
        // Leave room for a trailing " \" in case the next file needs a break.
        if columns + n + 1 + 2 > MAX_COLUMNS {
            out.push_str(" \\\n ");
            columns = 2;
        }
        out.push(' ');
        escape_filename(f, &mut out);
        columns += n + 1;
    }
    out.push('\n');
    if phony {
        for f in files.iter().skip(1) {
            escape_filename(f, &mut out);
            out.push_str(":\n");
        }
    }
    out
}
