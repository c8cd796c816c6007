//! Errors a user can act on: every input problem names the file and the
//! place in it (row and column, JSON pointer, or line and column).
//!
//! Messages are lowercase, put user input in backticks, and carry help text
//! where there is something to do about them (the style of Cedar's own
//! diagnostics).

use std::fmt;

/// Where in a file a problem sits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    /// The whole file.
    File,
    /// A CSV record: 1-based line of the file and, when known, the column name.
    Row { line: u64, column: Option<String> },
    /// A JSON value, as an RFC 6901 pointer (`""` is the whole document).
    Pointer(String),
    /// A text position, 1-based.
    LineColumn { line: usize, column: usize },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File => Ok(()),
            Location::Row { line, column: None } => write!(f, "line {line}"),
            Location::Row {
                line,
                column: Some(c),
            } => write!(f, "line {line}, column `{c}`"),
            Location::Pointer(p) if p.is_empty() => write!(f, "JSON pointer `/`"),
            Location::Pointer(p) => write!(f, "JSON pointer `{p}`"),
            Location::LineColumn { line, column } => write!(f, "{line}:{column}"),
        }
    }
}

/// A problem with one input file that makes it unusable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file as the user named it (relative, never canonicalized).
    pub file: String,
    pub location: Location,
    pub message: String,
    pub help: Option<String>,
}

impl InputError {
    pub fn new(file: impl Into<String>, location: Location, message: impl Into<String>) -> Self {
        InputError {
            file: file.into(),
            location,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Location::File => write!(f, "{}: {}", self.file, self.message)?,
            Location::LineColumn { line, column } => {
                write!(f, "{}:{line}:{column}: {}", self.file, self.message)?
            }
            loc => write!(f, "{}: {loc}: {}", self.file, self.message)?,
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// Everything that can stop a run before a report exists. Each maps to exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more input files are unusable; all problems found are listed.
    #[error("{}", join_lines(.0))]
    Input(Vec<InputError>),
    /// The policies do not load (parse, annotation or validation errors),
    /// already rendered with their source spans.
    #[error("{0}")]
    Policy(String),
    /// A problem with the command line that clap could not catch.
    #[error("{0}")]
    Usage(String),
    /// A bug: something the tool built itself was rejected (please report it).
    #[error("internal error: {0}")]
    Internal(String),
    #[error("cannot write `{path}`: {source}")]
    Output {
        path: String,
        source: std::io::Error,
    },
}

fn join_lines(errors: &[InputError]) -> String {
    errors
        .iter()
        .map(|e| format!("error: {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::Input(vec![e])
    }
}
