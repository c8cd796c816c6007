//! Renders Cedar's diagnostics with the file name they belong to.
//!
//! Cedar's errors carry source spans (line and column) but not the file; the
//! wrapper below puts the file's text, named, behind the same spans and draws
//! them with miette, without colour so that output is stable.

use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

/// A diagnostic shown against a named file.
pub struct InFile<'a> {
    pub inner: &'a dyn Diagnostic,
    pub source: NamedSource<String>,
}

impl fmt::Debug for InFile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner, f)
    }
}

impl fmt::Display for InFile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner, f)
    }
}

impl std::error::Error for InFile<'_> {}

impl Diagnostic for InFile<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.help()
    }
    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.url()
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.inner.labels()
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        self.inner.related()
    }
}

/// Draws one diagnostic against `file`/`text`, with a `file:line:col` header
/// so that editors and people find the place.
pub fn render(inner: &dyn Diagnostic, file: &str, text: &str) -> String {
    let location = inner
        .labels()
        .and_then(|mut labels| labels.next())
        .map(|label| {
            let (line, col) = line_col(text, label.offset());
            format!("{file}:{line}:{col}")
        })
        .unwrap_or_else(|| file.to_string());
    let wrapped = InFile {
        inner,
        source: NamedSource::new(file, text.to_string()),
    };
    let mut out = format!("error: {location}: {inner}\n");
    let handler =
        GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(100);
    let mut drawn = String::new();
    if handler.render_report(&mut drawn, &wrapped).is_ok() {
        out.push_str(&without_message(&drawn));
    }
    out
}

/// miette's drawing without its first lines, `  × <message>` (and the
/// message's wrapped lines, `  │ ...`): the `error: file:line:col:
/// message` line above already says it, and a message printed twice reads
/// as two errors.
fn without_message(drawn: &str) -> String {
    let mut lines = drawn.split_inclusive('\n').peekable();
    if lines
        .peek()
        .is_some_and(|l| l.trim_start().starts_with('×'))
    {
        lines.next();
        while lines
            .peek()
            .is_some_and(|l| l.trim_start().starts_with('│'))
        {
            lines.next();
        }
    }
    lines.collect()
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// A simple message tied to a span of a file, for the checks iam-audit adds
/// on top of Cedar (annotations, ids, effects).
#[derive(Debug)]
pub struct PolicyProblem {
    pub message: String,
    pub help: Option<String>,
    pub offset: usize,
    pub len: usize,
}

impl fmt::Display for PolicyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PolicyProblem {}

impl Diagnostic for PolicyProblem {
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            None,
            (self.offset, self.len),
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let t = "ab\ncd\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 4), (2, 2));
        assert_eq!(line_col(t, 99), (3, 1));
    }
}
