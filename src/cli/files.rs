//! The command line's evidence: paths turned into snapshots by walking
//! folders on disk, and files read from disk within a size limit.
//!
//! Which files form a snapshot and when a folder is an organization is
//! decided in [`crate::evidence::intake`], for every face; this module is
//! the disk it lists ([`Disk`]): entries sorted by name, symlinks followed
//! to folders and files, a folder that holds one of its ancestors told by
//! its canonical path.
//!
//! Files are read by [`super::read`]: opened once, checked on the handle.

use std::fs;
use std::path::{Path, PathBuf};

use crate::engine::PolicySource;
use crate::error::{Error, InputError, Location};
use crate::evidence::intake::{self, Entry, Listing};
use crate::waivers::WaiverSet;

use super::read::io_reason;
pub use super::read::{read_file, read_limited, Files, Limits, DEFAULT_MAX_INPUT_SIZE};
pub use crate::evidence::intake::{recorded_name, ForcedLayout, Resolved};

/// How the command line takes in evidence folders: `--exclude`,
/// `--organization`/`--snapshot`, and the size limit for the files read
/// to decide between the two.
#[derive(Debug, Clone, Default)]
pub struct Intake {
    /// `--exclude GLOB`: entries whose path relative to the folder given
    /// matches are left out (a folder with everything in it).
    pub exclude: Vec<String>,
    pub layout: Option<ForcedLayout>,
    pub limits: Limits,
}

/// Maps command-line paths to targets, with the default intake (no
/// exclusion, the layout decided by each folder's content).
pub fn resolve(paths: &[PathBuf]) -> Result<Vec<crate::evidence::source::Target>, Error> {
    resolve_with(paths, &Intake::default()).map(|r| r.targets)
}

/// Maps command-line paths to targets. Files given directly are gathered into
/// one snapshot placed first; folders follow in the order given.
pub fn resolve_with(paths: &[PathBuf], intake: &Intake) -> Result<Resolved, Error> {
    let disk = Disk {
        limits: intake.limits,
    };
    intake::resolve(&disk, paths, &intake.exclude, intake.layout)
}

/// The file system as the intake rules list it.
pub struct Disk {
    /// Within which a file at a folder's top is read to tell whether it
    /// is evidence.
    pub limits: Limits,
}

impl Listing for Disk {
    fn is_dir(&self, path: &Path) -> Result<bool, String> {
        fs::metadata(path)
            .map(|m| m.is_dir())
            .map_err(|e| io_reason(&e))
    }

    fn entries(&self, dir: &Path, shown: &str) -> Result<Vec<Entry>, InputError> {
        read_dir_sorted(dir, shown)
    }

    /// A file named on the command line may be a symlink: the user chose
    /// it. It is opened through its target, and a symlink put in its place
    /// later is refused.
    fn given_key(&self, path: &Path) -> PathBuf {
        fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
    }

    /// A symlink is opened through its target; any other entry is opened
    /// without following links, so a symlink swapped in after the listing
    /// is refused.
    fn entry_key(&self, entry: Entry) -> PathBuf {
        if entry.is_symlink {
            fs::canonicalize(&entry.path).unwrap_or(entry.path)
        } else {
            entry.path
        }
    }

    fn real(&self, dir: &Path) -> Option<PathBuf> {
        fs::canonicalize(dir).ok()
    }

    fn folder_name(&self, path: &Path) -> String {
        // `evaluate .` has no file name: use the canonical folder's name for
        // the label only (it never reaches a path in the report).
        path.file_name()
            .map(recorded_name)
            .or_else(|| {
                fs::canonicalize(path)
                    .ok()
                    .and_then(|p| p.file_name().map(recorded_name))
            })
            .unwrap_or_else(|| "snapshot".into())
    }

    fn bytes(&self, name: &str, path: &Path) -> Option<Vec<u8>> {
        read_file(name, path, &self.limits).ok()
    }
}

/// Entries of a folder (`shown` in errors) sorted by name.
fn read_dir_sorted(dir: &Path, shown: &str) -> Result<Vec<Entry>, InputError> {
    let cannot = |e: std::io::Error| {
        InputError::new(
            shown,
            Location::File,
            format!("cannot read folder: {}", io_reason(&e)),
        )
    };
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).map_err(cannot)? {
        let entry = entry.map_err(cannot)?;
        let path = entry.path();
        let is_symlink = entry.file_type().is_ok_and(|t| t.is_symlink());
        // Through a symlink; a dangling one is listed as a file, which
        // then cannot be read (an error for its snapshot alone).
        let is_dir = fs::metadata(&path).is_ok_and(|m| m.is_dir());
        out.push(Entry {
            name: recorded_name(&entry.file_name()),
            path,
            is_dir,
            is_symlink,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The largest `.cedar` file read: policies are written by people, and the
/// whole built-in pack is a few dozen KiB.
const MAX_POLICY_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads `.cedar` files from a file or a folder (recursively, sorted), as
/// `--policies PATH` names them.
pub fn policy_sources(path: &Path) -> Result<Vec<PolicySource>, Error> {
    let shown = path.display().to_string();
    let meta = fs::metadata(path)
        .map_err(|e| Error::Policy(format!("error: {shown}: cannot read: {e}\n")))?;
    let mut files = Vec::new();
    if meta.is_dir() {
        collect_cedar_files(path, &mut files, 0)
            .map_err(|e| Error::Policy(format!("error: {shown}: cannot read folder: {e}\n")))?;
        files.sort();
        if files.is_empty() {
            return Err(Error::Policy(format!(
                "error: {shown}: no `.cedar` files in this folder\n"
            )));
        }
    } else {
        files.push(path.to_path_buf());
    }
    // Reports name policy files without the machine's absolute paths.
    let base_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "policies".into());
    let mut out = Vec::new();
    for f in files {
        let name = f.display().to_string();
        let report_name = if meta.is_dir() {
            let rel = f.strip_prefix(path).unwrap_or(&f);
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            format!("{base_name}/{rel}")
        } else {
            base_name.clone()
        };
        let bytes = read_limited(&name, &f, MAX_POLICY_FILE_BYTES, "the policy file")
            .map_err(|e| Error::Policy(format!("error: {e}\n")))?;
        out.push(PolicySource::from_bytes(name, report_name, bytes)?);
    }
    Ok(out)
}

fn collect_cedar_files(
    dir: &Path,
    out: &mut Vec<std::path::PathBuf>,
    depth: usize,
) -> std::io::Result<()> {
    if depth > 16 {
        return Ok(());
    }
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_cedar_files(&path, out, depth + 1)?;
        } else if path.extension().is_some_and(|e| e == "cedar") {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads a waivers file (`--waivers FILE`), at most
/// [`crate::waivers::MAX_FILE_BYTES`], and validates it.
pub fn waivers(path: &Path) -> Result<WaiverSet, Error> {
    let file = path.display().to_string();
    let max = crate::waivers::MAX_FILE_BYTES;
    let bytes = read_limited(&file, path, max, "the waivers file")?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.clone());
    crate::waivers::WaiverSet::parse(&file, &name, &bytes)
}

/// Refuses an output file that is one of the files the command reads
/// (`-o ev/credential-report.json`): the rename would replace the evidence
/// with the report. Compared as the file system sees them (symlinks and
/// `..` resolved), so another spelling of the same file is caught too.
pub fn refuse_overwriting<'a>(
    destination: Option<&Path>,
    inputs: impl IntoIterator<Item = &'a Path>,
) -> Result<(), Error> {
    let Some(output) = destination else {
        return Ok(());
    };
    // A file that does not exist yet cannot be one that was read.
    let Ok(output_real) = fs::canonicalize(output) else {
        return Ok(());
    };
    for input in inputs {
        if fs::canonicalize(input).is_ok_and(|real| real == output_real) {
            return Err(Error::Usage(format!(
                "`-o {}` is `{}`, a file this run reads: the output would replace it; write the output elsewhere",
                crate::text::escape_text(&output.display().to_string()),
                crate::text::escape_text(&input.display().to_string()),
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::source::{EvidenceReader, SnapshotSource, Target};

    /// The one snapshot a folder of files is.
    fn listed(dir: &Path) -> SnapshotSource {
        match resolve(&[dir.to_path_buf()]).unwrap().remove(0) {
            Target::Snapshot(source) => source,
            Target::Organization { .. } => panic!("a folder of files is one snapshot"),
        }
    }

    /// A listed file swapped for a FIFO or a symlink before it is read is
    /// refused at once on the open handle, never waited on or followed.
    #[cfg(unix)]
    #[test]
    fn a_file_swapped_after_the_listing_is_refused_on_the_open_handle() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.json"), "{}").unwrap();
        std::fs::write(dir.path().join("b.json"), "{}").unwrap();
        std::fs::write(dir.path().join("secret"), "not evidence").unwrap();
        let source = listed(dir.path());
        assert_eq!(source.files.len(), 3);
        let key = |name: &str| {
            source
                .files
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, k)| k.clone())
                .unwrap()
        };
        std::fs::remove_file(dir.path().join("a.json")).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(dir.path().join("a.json"))
            .status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        std::fs::remove_file(dir.path().join("b.json")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret"), dir.path().join("b.json")).unwrap();
        let files = Files::default();
        let e = files.read("a.json", &key("a.json")).unwrap_err();
        assert!(e.message.starts_with("not a regular file"), "{}", e.message);
        let e = files.read("b.json", &key("b.json")).unwrap_err();
        assert!(
            e.message
                .contains("a symbolic link where a file was listed"),
            "{}",
            e.message
        );
        // A symlink that was one when listed is read through its target.
        std::os::unix::fs::symlink(dir.path().join("secret"), dir.path().join("c.json")).unwrap();
        let source = listed(dir.path());
        let (_, c) = source.files.iter().find(|(n, _)| n == "c.json").unwrap();
        assert_eq!(files.read("c.json", c).unwrap(), b"not evidence");
    }

    #[test]
    fn an_output_that_is_an_input_is_refused_under_any_spelling() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let evidence = dir.path().join("credential-report.json");
        std::fs::write(&evidence, "{}").expect("writes");
        let other = dir.path().join("sub/../credential-report.json");
        std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
        let e = refuse_overwriting(Some(&other), [evidence.as_path()]).expect_err("refused");
        assert!(e.to_string().contains("a file this run reads"), "{e}");
        let fresh = dir.path().join("report.json");
        assert!(refuse_overwriting(Some(&fresh), [evidence.as_path()]).is_ok());
        assert!(refuse_overwriting(None, [evidence.as_path()]).is_ok());
    }
}
