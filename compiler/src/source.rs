//! Source files and positions.
//!
//! Every file the compiler reads (the main input, headers, the command line's
//! predefines) gets a [`FileId`]; a [`Span`] is a byte range in one file.
//! Diagnostics and debug info turn spans into line and column through
//! [`SourceMap::line_col`].

use std::ops::Range;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Index of a file in the [`SourceMap`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range `start..end` in one file.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: u32, end: u32) -> Span {
        Span { file, start, end }
    }

    /// The smallest span covering `self` and `other` (same file assumed; else `self`).
    pub fn to(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One source file: its name as the user spelled it (for diagnostics and
/// line markers), its resolved path, and its text.
pub struct SourceFile {
    pub name: String,
    pub path: Option<PathBuf>,
    pub text: String,
    /// Computed on first use: most files never need a line number (a
    /// `-fsyntax-only` of vmlinux.h without diagnostics asks for none).
    line_starts: OnceLock<Vec<u32>>,
}

impl SourceFile {
    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let starts = self.line_starts();
        let line = match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        (line as u32 + 1, offset - starts[line] + 1)
    }

    /// The text of 1-based line `line`, without its newline.
    pub fn line_text(&self, line: u32) -> &str {
        let i = (line as usize).saturating_sub(1);
        let starts = self.line_starts();
        let start = starts.get(i).copied().unwrap_or(0) as usize;
        let end = starts
            .get(i + 1)
            .map(|&e| e as usize)
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn line_starts(&self) -> &[u32] {
        self.line_starts
            .get_or_init(|| line_starts(self.text.as_bytes()))
    }
}

/// All files read during one compilation.
#[derive(Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, name: impl Into<String>, path: Option<PathBuf>, text: String) -> FileId {
        self.files.push(SourceFile {
            name: name.into(),
            path,
            text,
            line_starts: OnceLock::new(),
        });
        FileId(self.files.len() as u32 - 1)
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn line_col(&self, span: Span) -> (u32, u32) {
        self.file(span.file).line_col(span.start)
    }

    /// `file:line:col` of the start of a span.
    pub fn describe(&self, span: Span) -> String {
        let (l, c) = self.line_col(span);
        format!("{}:{}:{}", self.file(span.file).name, l, c)
    }
}

/// The offset of each line's first byte: 0, and one past every `\n`.
///
/// Scans eight bytes at a time with an exact per-byte newline mask and walks
/// its set bits (no per-byte loop, few mispredicted branches): this matters
/// for a multi-megabyte vmlinux.h.
fn line_starts(bytes: &[u8]) -> Vec<u32> {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const NEWLINES: u64 = 0x0101_0101_0101_0101 * b'\n' as u64;
    // About one line per 24 bytes in C headers.
    let mut starts = Vec::with_capacity(bytes.len() / 24 + 1);
    starts.push(0u32);
    let mut chunks = bytes.chunks_exact(8);
    let mut base = 0u32;
    for c in &mut chunks {
        let x = u64::from_le_bytes(c.try_into().unwrap()) ^ NEWLINES;
        // The high bit of each byte of `zero` is set iff that byte of `x` is
        // zero: exact, no carries between bytes.
        let mut zero = !(((x & LOW7) + LOW7) | x | LOW7);
        while zero != 0 {
            starts.push(base + (zero.trailing_zeros() >> 3) + 1);
            zero &= zero - 1;
        }
        base += 8;
    }
    for (k, &b) in chunks.remainder().iter().enumerate() {
        if b == b'\n' {
            starts.push(base + k as u32 + 1);
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::line_starts;

    #[test]
    fn line_starts_match_a_bytewise_scan() {
        let text = "a\nbc\n\n0123456789abcdef\nxyz\n\n\n\n\n\n\n\n\n12345678\n1234567\nend";
        for cut in 0..text.len() {
            let t = &text.as_bytes()[..cut];
            let mut want = vec![0u32];
            want.extend(
                t.iter()
                    .enumerate()
                    .filter(|(_, &b)| b == b'\n')
                    .map(|(i, _)| i as u32 + 1),
            );
            assert_eq!(line_starts(t), want, "prefix of {cut} bytes");
        }
        // A 0x0b byte next to a newline must not be taken for one.
        assert_eq!(
            line_starts(b"\x0b\n\x0b\x0b\x0b\x0b\x0b\x0b\x0b"),
            vec![0, 2]
        );
    }
}
