//! Source files and positions.
//!
//! Every file the compiler reads (the main input, headers, the command line's
//! predefines) gets a [`FileId`]; a [`Span`] is a byte range in one file.
//! Diagnostics and debug info turn spans into line and column through
//! [`SourceMap::line_col`].

use std::ops::Range;
use std::path::{Path, PathBuf};
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
    pub text: SourceText,
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

    pub fn add(
        &mut self,
        name: impl Into<String>,
        path: Option<PathBuf>,
        text: impl Into<SourceText>,
    ) -> FileId {
        self.files.push(SourceFile {
            name: name.into(),
            path,
            text: text.into(),
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

/// A file's text, as a `str`: read into memory, or, for a large file,
/// mapped from it as clang does. A mapped vmlinux.h (3 MB) is neither
/// copied nor put in fresh memory, whose pages the kernel would have to
/// zero at first touch: in a VM, a cost that varies with the host.
///
/// Like clang's, a mapping shows changes made to the file while the
/// compiler runs; a build that rewrites its sources during a compile gets
/// what it gets with either compiler.
pub struct SourceText(Text);

enum Text {
    Owned(String),
    #[cfg(unix)]
    Mapped(mapped::Mapping),
}

/// Files smaller than this are read: a mapping costs system calls that a
/// small read does not.
const MAP_AT_LEAST: u64 = 64 << 10;

impl SourceText {
    /// The text of the file at `path`. Bytes that are not UTF-8 (a Latin-1
    /// byte in a comment) become U+FFFD instead of stopping the compile.
    pub fn read(path: &Path) -> std::io::Result<SourceText> {
        #[cfg(unix)]
        {
            let file = std::fs::File::open(path)?;
            let meta = file.metadata()?;
            if meta.is_file() && meta.len() >= MAP_AT_LEAST {
                if let Some(m) = mapped::Mapping::of(&file, meta.len()) {
                    if std::str::from_utf8(m.bytes()).is_ok() {
                        return Ok(SourceText(Text::Mapped(m)));
                    }
                    return Ok(SourceText::from_bytes(m.bytes().to_vec()));
                }
            }
        }
        Ok(SourceText::from_bytes(std::fs::read(path)?))
    }

    /// `bytes` as text, invalid UTF-8 replaced (see [`SourceText::read`]).
    pub fn from_bytes(bytes: Vec<u8>) -> SourceText {
        SourceText(Text::Owned(String::from_utf8(bytes).unwrap_or_else(|e| {
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        })))
    }

    #[cfg(test)]
    fn is_mapped(&self) -> bool {
        !matches!(self.0, Text::Owned(_))
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            Text::Owned(s) => s,
            // SAFETY: checked to be UTF-8 when mapped (see the type's
            // documentation for a file changed afterwards).
            #[cfg(unix)]
            Text::Mapped(m) => unsafe { std::str::from_utf8_unchecked(m.bytes()) },
        }
    }
}

impl From<String> for SourceText {
    fn from(s: String) -> SourceText {
        SourceText(Text::Owned(s))
    }
}

impl From<&str> for SourceText {
    fn from(s: &str) -> SourceText {
        SourceText(Text::Owned(s.to_string()))
    }
}

impl std::ops::Deref for SourceText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for SourceText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

#[cfg(unix)]
mod mapped {
    use std::ffi::{c_int, c_long, c_void};
    use std::os::fd::AsRawFd;

    extern "C" {
        fn mmap(
            addr: *mut c_void,
            len: usize,
            prot: c_int,
            flags: c_int,
            fd: c_int,
            off: c_long,
        ) -> *mut c_void;
        fn munmap(addr: *mut c_void, len: usize) -> c_int;
    }
    const PROT_READ: c_int = 1;
    const MAP_PRIVATE: c_int = 2;
    const MAP_FAILED: *mut c_void = !0 as *mut c_void;

    /// A private, read-only mapping of a whole file.
    pub(super) struct Mapping {
        ptr: *const u8,
        len: usize,
    }

    // SAFETY: the mapping is read-only and owned by this value alone.
    unsafe impl Send for Mapping {}
    unsafe impl Sync for Mapping {}

    impl Mapping {
        /// `None` where the file cannot be mapped (the caller reads it).
        pub(super) fn of(file: &std::fs::File, len: u64) -> Option<Mapping> {
            let len = usize::try_from(len).ok().filter(|&n| n > 0)?;
            // SAFETY: a new private read-only mapping of an open file; no
            // existing memory is affected.
            let ptr = unsafe {
                mmap(
                    std::ptr::null_mut(),
                    len,
                    PROT_READ,
                    MAP_PRIVATE,
                    file.as_raw_fd(),
                    0,
                )
            };
            (ptr != MAP_FAILED).then_some(Mapping {
                ptr: ptr.cast(),
                len,
            })
        }

        pub(super) fn bytes(&self) -> &[u8] {
            // SAFETY: `ptr..ptr + len` is mapped readable while `self` lives.
            unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
        }
    }

    impl Drop for Mapping {
        fn drop(&mut self) {
            // SAFETY: unmaps exactly the mapping this value made.
            unsafe { munmap(self.ptr as *mut c_void, self.len) };
        }
    }
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

    /// A file large enough to be mapped reads as the same text, and a
    /// stray non-UTF-8 byte becomes U+FFFD, as when it is read.
    #[test]
    fn mapped_files_read_as_read_files_do() {
        let dir = std::env::temp_dir().join(format!("bpfcc-source-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let line = "struct list_head { struct list_head *next, *prev; };\n";
        let big = line.repeat((super::MAP_AT_LEAST as usize).div_ceil(line.len()) + 1);
        let cases: [(&str, Vec<u8>, bool); 3] = [
            ("small.h", b"int x;\n".to_vec(), false),
            ("big.h", big.clone().into_bytes(), cfg!(unix)),
            (
                "latin1.h",
                [big.as_bytes(), b"/* caf\xe9 */\n"].concat(),
                false,
            ),
        ];
        for (name, bytes, mapped) in cases {
            let path = dir.join(name);
            std::fs::write(&path, &bytes).unwrap();
            let text = super::SourceText::read(&path).unwrap();
            assert_eq!(text.as_str(), String::from_utf8_lossy(&bytes), "{name}");
            assert_eq!(text.is_mapped(), mapped, "{name}");
        }
        assert!(super::SourceText::read(&dir.join("missing.h")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
