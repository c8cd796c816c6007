//! Where a snapshot's evidence comes from: a list of named files, whose
//! bytes the face hands over one at a time.
//!
//! The pipeline never opens a file. The command line lists a folder's files
//! and reads each from disk within `--max-input-size` (`cli::files`); a
//! browser or a test hands over buffers it already holds ([`Buffers`]). The
//! files are pulled one after the other, so that each parse reuses the
//! memory the previous one freed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{InputError, Location};
use crate::evidence::skipped::Skipped;

/// One snapshot's files, as a face lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotSource {
    /// The account folder's name in an organization; `.` for a lone snapshot
    /// (a folder or files given directly), whose paths are relative to it.
    pub name: String,
    /// (path as reported, the face's key to its bytes), sorted by reported
    /// path. The command line's key is the path on disk (a name need not be
    /// UTF-8 there); a path is only a name here, never opened.
    pub files: Vec<(String, PathBuf)>,
    /// Entries that were skipped while listing (hidden files, ...), warned
    /// about in summary.
    pub skipped: Vec<Skipped>,
    /// What went wrong while listing (a folder that cannot be read, a
    /// symlink loop, folders nested too deep): the snapshot is unusable, as
    /// when one of its files cannot be read, and in an organization the
    /// other accounts are still evaluated.
    pub errors: Vec<InputError>,
    /// The folder's own name (`None` for files given directly): the
    /// snapshot's name when several are evaluated together.
    pub folder: Option<String>,
    /// The folder as the user named it, for messages about the whole snapshot.
    pub location: String,
}

/// What a command line or a page asked to evaluate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Snapshot(SnapshotSource),
    /// A folder of snapshot folders: its name and one source per account folder.
    Organization {
        name: String,
        accounts: Vec<SnapshotSource>,
    },
}

/// How a folder named on the command line was read, and why: the report's
/// `layout` and a note on stderr when it was not obvious.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FolderLayout {
    /// The folder's own name, or `.` when it is the only path given (the
    /// report must not change when the folder is renamed or moved).
    pub folder: String,
    /// The folder as the user named it, for messages.
    #[serde(skip)]
    pub shown: String,
    /// `snapshot` or `organization`.
    pub read_as: &'static str,
    pub reason: String,
    /// Whether the decision is worth a note on stderr: an organization, a
    /// folder with both files and folders at its top, or a flag decided.
    #[serde(skip)]
    pub notable: bool,
    /// An organization with files at its top, which belong to no account
    /// and are ignored: worth a warning.
    #[serde(skip)]
    pub ignores_files: bool,
}

/// Hands over the bytes of one listed file.
pub trait EvidenceReader: Sync {
    /// The bytes of the file `key`, reported as `shown` in errors.
    fn read(&self, shown: &str, key: &Path) -> Result<Vec<u8>, InputError>;

    /// The file's bytes, or, for a file too large to read whose first
    /// bytes show it is no evidence (a client's video or disk image), that
    /// it was skipped, with its hash and size. A face that holds every file
    /// whole has only bytes to give.
    fn contents(&self, shown: &str, key: &Path) -> Result<Contents, InputError> {
        self.read(shown, key).map(Contents::Bytes)
    }
}

/// What [`EvidenceReader::contents`] hands over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    Bytes(Vec<u8>),
    /// Not read whole: too large, and no evidence by its first bytes.
    Skipped {
        /// Why, for the warning.
        reason: String,
        /// The SHA-256 (lowercase hex) of every byte, hashed as it streamed by.
        sha256: String,
        bytes: u64,
    },
}

/// Files held in memory, by key: a browser's dropped files, a test's
/// evidence.
#[derive(Debug, Clone, Default)]
pub struct Buffers(pub BTreeMap<PathBuf, Vec<u8>>);

impl EvidenceReader for Buffers {
    fn read(&self, shown: &str, key: &Path) -> Result<Vec<u8>, InputError> {
        self.0
            .get(key)
            .cloned()
            .ok_or_else(|| InputError::new(shown, Location::File, "cannot read: no such file"))
    }
}

impl Buffers {
    /// One snapshot of these files (reported by their keys), as
    /// `iam-audit evaluate f1 … fn` reads files given directly.
    pub fn snapshot(&self) -> SnapshotSource {
        SnapshotSource {
            name: ".".into(),
            files: self
                .0
                .keys()
                .map(|k| (k.to_string_lossy().into_owned(), k.clone()))
                .collect(),
            skipped: Vec::new(),
            errors: Vec::new(),
            folder: None,
            location: "the files given".into(),
        }
    }
}
