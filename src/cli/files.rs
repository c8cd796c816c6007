//! The command line's evidence: paths turned into snapshots by walking
//! folders, and files read from disk within a size limit.
//!
//! Files named directly form one snapshot together; each folder is one
//! snapshot (its files, at any depth, recognised by content later); a folder
//! whose entries are all folders is an organization, each subfolder a
//! snapshot. Paths in the report are relative (to the snapshot folder) or
//! bare file names, so a report never depends on where the evidence was
//! unpacked.
//!
//! A file is checked against `--max-input-size` by its metadata before a byte
//! is read, and the read itself stops one byte past the limit, so a file that
//! grows while being read, a FIFO or a `/proc` file whose metadata says 0
//! cannot make the tool allocate without bound either. Parsing needs a few
//! times the file's size in memory; the default leaves room for the largest
//! real exports (tens of MiB) on an ordinary machine.

use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::engine::PolicySource;
use crate::error::{Error, InputError, Location};
use crate::evidence::source::{EvidenceReader, SnapshotSource, Target};
use crate::waivers::WaiverSet;

/// Deeper folders than this are not walked (a guard against symlink loops).
const MAX_DEPTH: usize = 16;

/// Reads evidence files from disk for the pipeline.
#[derive(Debug, Clone, Copy, Default)]
pub struct Files {
    pub limits: Limits,
}

impl EvidenceReader for Files {
    fn read(&self, shown: &str, key: &Path) -> Result<Vec<u8>, InputError> {
        read_file(shown, key, &self.limits)
    }
}

/// The default of `--max-input-size`: 512 MiB per file.
pub const DEFAULT_MAX_INPUT_SIZE: u64 = 512 * 1024 * 1024;

/// Limits on what a run reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest evidence file read, in bytes.
    pub max_input_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_size: DEFAULT_MAX_INPUT_SIZE,
        }
    }
}

/// Reads the file at `path` (shown as `shown` in messages), refusing one
/// larger than `limits.max_input_size`.
pub fn read_file(shown: &str, path: &Path, limits: &Limits) -> Result<Vec<u8>, InputError> {
    let max = limits.max_input_size;
    let cannot = |e: std::io::Error| {
        InputError::new(
            shown,
            Location::File,
            format!("cannot read: {}", io_reason(&e)),
        )
    };
    // Opening a FIFO blocks until someone writes to it, and a device never
    // ends: only regular files are evidence.
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(InputError::new(
            shown,
            Location::File,
            "not a regular file (a FIFO, socket or device); evidence files are exported files",
        ));
    }
    if meta.len() > max {
        return Err(too_large(shown, Some(meta.len()), max));
    }
    let file = File::open(path).map_err(cannot)?;
    let size = file.metadata().map_err(cannot)?.len();
    if size > max {
        return Err(too_large(shown, Some(size), max));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > max {
        return Err(too_large(shown, None, max));
    }
    Ok(bytes)
}

fn too_large(shown: &str, size: Option<u64>, max: u64) -> InputError {
    let message = match size {
        Some(s) => {
            format!("the file holds {s} bytes, more than the input limit of {max} bytes allows")
        }
        None => format!("the file holds more than the input limit of {max} bytes allows"),
    };
    InputError::new(shown, Location::File, message).with_help(
        "no AWS IAM export of a real account comes near this size; if the file is genuine, \
         raise the limit with `--max-input-size BYTES`",
    )
}

/// Maps command-line paths to targets. Files given directly are gathered into
/// one snapshot placed first; folders follow in the order given.
pub fn resolve(paths: &[PathBuf]) -> Result<Vec<Target>, Error> {
    let mut direct: Vec<(String, PathBuf)> = Vec::new();
    let mut targets = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let shown = path.display().to_string();
        match fs::metadata(path) {
            Err(e) => errors.push(InputError::new(
                shown,
                Location::File,
                format!("cannot read: {}", io_reason(&e)),
            )),
            Ok(meta) if meta.is_dir() => match folder_target(path) {
                Ok(t) => targets.push(t),
                Err(e) => errors.push(e),
            },
            Ok(_) => {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| shown.clone());
                if direct.iter().any(|(n, _)| *n == name) {
                    errors.push(InputError::new(
                        shown,
                        Location::File,
                        format!("two files named `{name}` given directly: the report names files by their name"),
                    ));
                } else {
                    direct.push((name, path.clone()));
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::Input(errors));
    }
    if !direct.is_empty() {
        direct.sort();
        targets.insert(
            0,
            Target::Snapshot(SnapshotSource {
                name: ".".into(),
                files: direct,
                skipped: Vec::new(),
                folder: None,
                location: "the files given".into(),
            }),
        );
    }
    Ok(targets)
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn folder_name(path: &Path) -> String {
    // `evaluate .` has no file name: use the canonical folder's name for the
    // label only (it never reaches a path in the report).
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .or_else(|| {
            fs::canonicalize(path)
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        })
        .unwrap_or_else(|| "snapshot".into())
}

fn folder_target(dir: &Path) -> Result<Target, InputError> {
    let shown = dir.display().to_string();
    let entries = read_dir_sorted(dir, &shown)?;
    let visible: Vec<&(String, PathBuf, bool)> = entries
        .iter()
        .filter(|(n, _, _)| !n.starts_with('.'))
        .collect();
    if visible.is_empty() {
        return Err(InputError::new(
            shown,
            Location::File,
            "the folder holds no evidence (it is empty)",
        )
        .with_help(
            "put the exported files (credential report, authorization details) in the folder",
        ));
    }
    if visible.iter().all(|(_, _, is_dir)| *is_dir) {
        let mut accounts = Vec::new();
        for (name, path, _) in visible {
            let mut source = walk_snapshot(name.clone(), path)?;
            source.folder = Some(name.clone());
            accounts.push(source);
        }
        return Ok(Target::Organization {
            name: folder_name(dir),
            accounts,
        });
    }
    // A lone snapshot is named `.`: its paths are relative to it, and the
    // report must not change when the folder is renamed or moved.
    let mut source = walk_snapshot(".".into(), dir)?;
    source.folder = Some(folder_name(dir));
    Ok(Target::Snapshot(source))
}

/// Entries of a folder (`shown` in errors) sorted by name: (name, path, is
/// a folder).
fn read_dir_sorted(dir: &Path, shown: &str) -> Result<Vec<(String, PathBuf, bool)>, InputError> {
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
        let is_dir = fs::metadata(&path).map(|m| m.is_dir()).unwrap_or(false);
        out.push((
            entry.file_name().to_string_lossy().into_owned(),
            path,
            is_dir,
        ));
    }
    out.sort();
    Ok(out)
}

fn walk_snapshot(name: String, dir: &Path) -> Result<SnapshotSource, InputError> {
    let mut source = SnapshotSource {
        name,
        files: Vec::new(),
        skipped: Vec::new(),
        folder: None,
        location: dir.display().to_string(),
    };
    walk(dir, "", 0, &mut source)?;
    source.files.sort();
    Ok(source)
}

fn walk(
    dir: &Path,
    prefix: &str,
    depth: usize,
    out: &mut SnapshotSource,
) -> Result<(), InputError> {
    let shown = dir.display().to_string();
    if depth > MAX_DEPTH {
        return Err(InputError::new(
            shown,
            Location::File,
            format!("folders nested more than {MAX_DEPTH} deep"),
        ));
    }
    let entries = read_dir_sorted(dir, &shown)?;
    for (name, path, is_dir) in entries {
        let rel = format!("{prefix}{name}");
        if name.starts_with('.') {
            out.skipped.push(format!("{rel}: hidden entry skipped"));
        } else if is_dir {
            walk(&path, &format!("{rel}/"), depth + 1, out)?;
        } else {
            out.files.push((rel, path));
        }
    }
    Ok(())
}

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
        let bytes = fs::read(&f)
            .map_err(|e| Error::Policy(format!("error: {name}: cannot read: {e}\n")))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| Error::Policy(format!("error: {name}: not UTF-8 text\n")))?;
        out.push(PolicySource {
            name,
            report_name,
            text,
        });
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
    let meta = std::fs::metadata(path).map_err(|e| {
        InputError::new(
            &file,
            Location::File,
            format!("cannot read the waivers file: {e}"),
        )
    })?;
    if meta.len() > crate::waivers::MAX_FILE_BYTES {
        return Err(InputError::new(
            &file,
            Location::File,
            format!(
                "the waivers file is {} bytes; at most {} are read",
                meta.len(),
                crate::waivers::MAX_FILE_BYTES
            ),
        )
        .into());
    }
    let bytes = std::fs::read(path).map_err(|e| {
        InputError::new(
            &file,
            Location::File,
            format!("cannot read the waivers file: {e}"),
        )
    })?;
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

    #[test]
    fn refuses_a_file_over_the_limit_and_reads_one_at_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, [b'x'; 100]).unwrap();
        let at = Limits {
            max_input_size: 100,
        };
        assert_eq!(read_file("f", &path, &at).unwrap().len(), 100);
        let under = Limits { max_input_size: 99 };
        let e = read_file("f", &path, &under).unwrap_err();
        assert_eq!(
            e.message,
            "the file holds 100 bytes, more than the input limit of 99 bytes allows"
        );
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_fifo_instead_of_blocking_on_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo here: nothing to test
        }
        let e = read_file("fifo", &path, &Limits::default()).unwrap_err();
        assert!(e.message.starts_with("not a regular file"), "{}", e.message);
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
