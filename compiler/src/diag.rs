//! Diagnostics: collected during a compilation, rendered through
//! `codespan-reporting` as `file:line:col: error: message` with the source
//! line and a caret.

use crate::source::{FileId, SourceMap, Span};
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term;
use std::ops::Range;

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Note,
    Warning,
    Error,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// Where the problem is; `None` for errors with no place (a missing input file).
    pub span: Option<Span>,
    /// Secondary places with their explanations (for example "in expansion of macro X").
    pub notes: Vec<(Option<Span>, String)>,
}

impl Diagnostic {
    pub fn with_note(mut self, span: Option<Span>, note: impl Into<String>) -> Self {
        self.notes.push((span, note.into()));
        self
    }
}

/// The diagnostics of one compilation.
#[derive(Default, Debug)]
pub struct Diagnostics {
    pub list: Vec<Diagnostic>,
    /// `-Werror`: warnings count as errors.
    pub warnings_as_errors: bool,
    /// `-w`: warnings are dropped.
    pub suppress_warnings: bool,
    /// Source ranges where a warning group is off (`#pragma GCC diagnostic
    /// ignored "-Wint-conversion"` up to the matching `pop`); recorded by the
    /// preprocessor, honoured by [`Diagnostics::warning_in_group`].
    pub ignored_warnings: Vec<IgnoredWarnings>,
}

/// Warnings of `group` (the flag without `-W`, e.g. `int-conversion`) are
/// dropped inside `start..=end` of `file`. `_Pragma`s from a macro expansion
/// all sit at the invocation's span, so the range is inclusive of it.
#[derive(Clone, Debug)]
pub struct IgnoredWarnings {
    pub group: String,
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        if d.severity == Severity::Warning && self.suppress_warnings {
            return;
        }
        self.list.push(d);
    }

    pub fn error(&mut self, span: Span, message: impl Into<String>) {
        self.push(Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span: Some(span),
            notes: vec![],
        });
    }

    pub fn warning(&mut self, span: Span, message: impl Into<String>) {
        self.push(Diagnostic {
            severity: Severity::Warning,
            message: message.into(),
            span: Some(span),
            notes: vec![],
        });
    }

    /// Turns warnings of `group` off from `from` (the `ignored` pragma)
    /// through `to` (the `pop`, or the end of the file); a range spanning two
    /// files is ignored.
    pub fn ignore_warnings(&mut self, group: &str, from: Span, to: Span) {
        let range = self.start_ignoring_warnings(group, from);
        self.stop_ignoring_warnings(range, to);
    }

    /// Turns warnings of `group` off from `from` on, until
    /// [`Diagnostics::stop_ignoring_warnings`] closes the range. Open from the
    /// start, because the parser and sema may warn about code inside the
    /// range before the preprocessor has read its end.
    pub fn start_ignoring_warnings(&mut self, group: &str, from: Span) -> usize {
        self.ignored_warnings.push(IgnoredWarnings {
            group: group.to_string(),
            file: from.file,
            start: from.start,
            end: u32::MAX,
        });
        self.ignored_warnings.len() - 1
    }

    /// Ends the range `range` (from [`Diagnostics::start_ignoring_warnings`])
    /// at `to`; ending in another file, or before it began, empties it.
    pub fn stop_ignoring_warnings(&mut self, range: usize, to: Span) {
        let Some(r) = self.ignored_warnings.get_mut(range) else {
            return;
        };
        if to.file != r.file || to.end < r.start {
            r.end = 0;
            r.start = 1;
        } else {
            r.end = to.end;
        }
    }

    /// A warning of a `-W` group (e.g. `int-conversion`): dropped where a
    /// pragma turned that group off.
    pub fn warning_in_group(&mut self, span: Span, group: &str, message: impl Into<String>) {
        let ignored = self.ignored_warnings.iter().any(|r| {
            r.group == group && r.file == span.file && r.start <= span.start && span.end <= r.end
        });
        if !ignored {
            self.warning(span, message);
        }
    }

    pub fn error_nospan(&mut self, message: impl Into<String>) {
        self.push(Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span: None,
            notes: vec![],
        });
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(|d| {
            d.severity == Severity::Error
                || (self.warnings_as_errors && d.severity == Severity::Warning)
        })
    }

    pub fn error_count(&self) -> usize {
        self.list
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Renders every diagnostic as text (no colour), in the order reported.
    pub fn render(&self, sources: &SourceMap) -> String {
        let mut out = term::termcolor::NoColor::new(Vec::new());
        let config = term::Config {
            display_style: term::DisplayStyle::Rich,
            ..Default::default()
        };
        let files = SourceFiles(sources);
        for d in &self.list {
            let severity = match d.severity {
                Severity::Note => CsSeverity::Note,
                Severity::Warning if self.warnings_as_errors => CsSeverity::Error,
                Severity::Warning => CsSeverity::Warning,
                Severity::Error => CsSeverity::Error,
            };
            let mut labels = Vec::new();
            let mut extra = Vec::new();
            if let Some(s) = d.span {
                labels.push(Label::primary(s.file, s.range()));
            }
            for (span, note) in &d.notes {
                match span {
                    Some(s) => {
                        labels.push(Label::secondary(s.file, s.range()).with_message(note.clone()))
                    }
                    None => extra.push(note.clone()),
                }
            }
            // The message starts with file:line:col, as clang and gcc print it, so
            // tools and tests that grep for the position find it on the first line.
            let message = match d.span {
                Some(s) => format!("{}: {}", sources.describe(s), d.message),
                None => d.message.clone(),
            };
            let cs = CsDiagnostic::new(severity)
                .with_message(message)
                .with_labels(labels)
                .with_notes(extra);
            let _ = term::emit(&mut out, &config, &files, &cs);
        }
        String::from_utf8_lossy(&out.into_inner()).into_owned()
    }
}

/// Adapter giving codespan-reporting access to the source map.
struct SourceFiles<'a>(&'a SourceMap);

impl<'a> Files<'a> for SourceFiles<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.0.file(id).name)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.0.file(id).text)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        let starts = self.0.file(id).line_starts();
        Ok(match starts.binary_search(&(byte_index as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        })
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let f = self.0.file(id);
        let starts = f.line_starts();
        let start = *starts.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: starts.len(),
        })?;
        let end = starts
            .get(line_index + 1)
            .map(|&e| e as usize)
            .unwrap_or(f.text.len());
        Ok(start as usize..end)
    }
}
