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
use crate::evidence::skipped::{self, Skipped};
use crate::evidence::source::{EvidenceReader, FolderLayout, SnapshotSource, Target};
use crate::text::escape_text;
use crate::waivers::Waiver;

/// Deeper folders than this are not walked (a guard against symlink loops).
const MAX_DEPTH: usize = 16;

/// Reads evidence files from disk for the pipeline.
#[derive(Debug, Clone, Copy, Default)]
pub struct Files {
    pub limits: Limits,
}

impl EvidenceReader for Files {
    /// A listed file's key is its path, or its target's for an entry that
    /// was a symlink when listed (see `Walk`): a symlink found there now
    /// was put there since, and is refused.
    fn read(&self, shown: &str, key: &Path) -> Result<Vec<u8>, InputError> {
        read_checked(shown, key, &self.limits, false)
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
/// larger than `limits.max_input_size`. A symlink at `path` is followed
/// (the user named it).
pub fn read_file(shown: &str, path: &Path, limits: &Limits) -> Result<Vec<u8>, InputError> {
    read_checked(shown, path, limits, true)
}

/// Opens `path` once and checks the open handle, never the path: checking
/// by path and then opening leaves a moment in which the file can be
/// swapped (for a FIFO, whose blocking open would hang the run, or a
/// symlink to another file). On unix the open is non-blocking (a FIFO or
/// device opens at once, and is then refused as not a regular file) and,
/// unless `follow`, refuses a symlink at the last component (`ELOOP`).
fn open_regular(path: &Path, follow: bool) -> Result<(File, u64), Refused> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let nofollow = if follow { 0 } else { libc::O_NOFOLLOW };
        options.custom_flags(libc::O_NONBLOCK | nofollow);
    }
    #[cfg(not(unix))]
    let _ = follow;
    let file = options.open(path).map_err(Refused::Io)?;
    let meta = file.metadata().map_err(Refused::Io)?;
    // Only regular files are evidence: a FIFO may never end, nor a device.
    if !meta.is_file() {
        return Err(Refused::NotRegular(if meta.is_dir() {
            "a folder where a file was listed (it was replaced while the run read it)"
        } else {
            "not a regular file (a FIFO, socket or device); evidence files are exported files"
        }));
    }
    Ok((file, meta.len()))
}

/// Why [`open_regular`] refused a file.
enum Refused {
    Io(std::io::Error),
    NotRegular(&'static str),
}

impl Refused {
    /// The message, `what` naming the file (`cannot read the waivers file: ...`).
    fn message(&self, what: &str) -> String {
        match self {
            Refused::Io(e) => format!("cannot read{what}: {}", io_reason(e)),
            Refused::NotRegular(why) => (*why).to_string(),
        }
    }
}

/// [`read_file`], following a symlink at `path` or not.
fn read_checked(
    shown: &str,
    path: &Path,
    limits: &Limits,
    follow: bool,
) -> Result<Vec<u8>, InputError> {
    let max = limits.max_input_size;
    let (file, size) = open_regular(path, follow)
        .map_err(|r| InputError::new(shown, Location::File, r.message("")))?;
    if size > max {
        return Err(too_large(shown, Some(size), max));
    }
    // The read stops one byte past the limit: a file that grows while it
    // is read cannot make the tool allocate without bound.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| {
            InputError::new(
                shown,
                Location::File,
                format!("cannot read: {}", io_reason(&e)),
            )
        })?;
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

/// How `--organization` or `--snapshot` read a folder whose top holds
/// both files and folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForcedLayout {
    /// `--snapshot`: the folder is one snapshot, whatever its top holds.
    Snapshot,
    /// `--organization`: each subfolder is an account; files at the top are
    /// ignored with a warning.
    Organization,
}

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

/// What the command line's paths turned out to be.
pub struct Resolved {
    pub targets: Vec<Target>,
    /// How each folder given was read, and why.
    pub layouts: Vec<FolderLayout>,
}

impl Resolved {
    /// The notes a face prints about how folders were read: only the
    /// decisions that were not obvious (a folder with files and folders at
    /// its top, or a flag), each naming the folder.
    pub fn notes(&self) -> Vec<String> {
        self.layouts
            .iter()
            .filter(|l| l.notable || l.ignores_files)
            .map(|l| {
                format!(
                    "{}: `{}` read as {}: {}",
                    if l.ignores_files { "warning" } else { "note" },
                    escape_text(&l.shown),
                    if l.read_as == "organization" {
                        "an organization"
                    } else {
                        "one snapshot"
                    },
                    escape_text(&l.reason)
                )
            })
            .collect()
    }
}

/// `--exclude` globs, compiled once.
struct Excludes(Vec<(String, Option<regex::Regex>)>);

impl Excludes {
    fn new(globs: &[String]) -> Result<Excludes, Error> {
        globs
            .iter()
            .map(|g| {
                crate::glob::compile(g)
                    .map(|re| (g.clone(), re))
                    .map_err(|_| {
                        Error::Usage(format!(
                            "`--exclude {}` is too large a pattern",
                            escape_text(g)
                        ))
                    })
            })
            .collect::<Result<_, _>>()
            .map(Excludes)
    }

    fn matches(&self, rel: &str) -> bool {
        self.0
            .iter()
            .any(|(glob, re)| crate::glob::is_match(glob, re.as_ref(), rel))
    }
}

/// Why an entry left out by `--exclude` is skipped.
const EXCLUDED: &str = "excluded by `--exclude`";

/// Maps command-line paths to targets, with the default intake (no
/// exclusion, the layout decided by each folder's content).
pub fn resolve(paths: &[PathBuf]) -> Result<Vec<Target>, Error> {
    resolve_with(paths, &Intake::default()).map(|r| r.targets)
}

/// Maps command-line paths to targets. Files given directly are gathered into
/// one snapshot placed first; folders follow in the order given.
pub fn resolve_with(paths: &[PathBuf], intake: &Intake) -> Result<Resolved, Error> {
    let excludes = Excludes::new(&intake.exclude)?;
    let mut direct: Vec<(String, PathBuf)> = Vec::new();
    let mut targets = Vec::new();
    let mut layouts = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let shown = path.display().to_string();
        match fs::metadata(path) {
            Err(e) => errors.push(InputError::new(
                shown,
                Location::File,
                format!("cannot read: {}", io_reason(&e)),
            )),
            Ok(meta) if meta.is_dir() => match folder_target(path, intake, &excludes) {
                Ok((t, layout)) => {
                    targets.push(t);
                    layouts.push(layout);
                }
                Err(e) => errors.push(e),
            },
            Ok(_) => {
                let name = path
                    .file_name()
                    .map(recorded_name)
                    .unwrap_or_else(|| shown.clone());
                if direct.iter().any(|(n, _)| *n == name) {
                    errors.push(InputError::new(
                        shown,
                        Location::File,
                        format!("two files named `{name}` given directly: the report names files by their name"),
                    ));
                } else {
                    // A file named on the command line may be a symlink:
                    // the user chose it. It is opened through its target,
                    // and a symlink put in its place later is refused.
                    let key = fs::canonicalize(path).unwrap_or_else(|_| path.clone());
                    direct.push((name, key));
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::Input(errors));
    }
    if let [only] = layouts.as_mut_slice() {
        if direct.is_empty() {
            only.folder = ".".into();
        }
    }
    if !direct.is_empty() {
        direct.sort();
        targets.insert(
            0,
            Target::Snapshot(SnapshotSource {
                name: ".".into(),
                files: direct,
                skipped: Vec::new(),
                errors: Vec::new(),
                folder: None,
                location: "the files given".into(),
            }),
        );
    }
    Ok(Resolved { targets, layouts })
}

fn io_reason(e: &std::io::Error) -> String {
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::ELOOP) {
        return "a symbolic link where a file was listed, or a loop of symbolic links (refused)"
            .into();
    }
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// A file or folder name as the report records it, reversibly: distinct
/// names give distinct strings. A name in UTF-8 is kept as it is, except
/// that `\` is doubled; a byte that is not UTF-8 becomes `\xNN` (two
/// uppercase hex digits). The names whose bytes are `x`, 0xFE, `.json` and
/// `x`, 0xFF, `.json` are recorded as `x\xFE.json` and `x\xFF.json`; the
/// UTF-8 name `x\xFE.json` (a real backslash) as `x\\xFE.json`.
pub fn recorded_name(name: &std::ffi::OsStr) -> String {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(name).to_vec();
    #[cfg(not(unix))]
    let bytes = name.to_string_lossy().into_owned().into_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

fn folder_name(path: &Path) -> String {
    // `evaluate .` has no file name: use the canonical folder's name for the
    // label only (it never reaches a path in the report).
    path.file_name()
        .map(recorded_name)
        .or_else(|| {
            fs::canonicalize(path)
                .ok()
                .and_then(|p| p.file_name().map(recorded_name))
        })
        .unwrap_or_else(|| "snapshot".into())
}

/// A folder's entry, as listed.
struct Entry {
    /// As the report records it ([`recorded_name`]).
    name: String,
    path: PathBuf,
    /// A folder (through a symlink or not).
    is_dir: bool,
    /// The entry itself is a symbolic link.
    is_symlink: bool,
}

/// The folder given on the command line, as one snapshot or an
/// organization of account folders, and how it was decided.
fn folder_target(
    dir: &Path,
    intake: &Intake,
    excludes: &Excludes,
) -> Result<(Target, FolderLayout), InputError> {
    let shown = dir.display().to_string();
    let entries = read_dir_sorted(dir, &shown)?;
    let visible: Vec<&Entry> = entries
        .iter()
        .filter(|e| !e.name.starts_with('.') && !excludes.matches(&e.name))
        .collect();
    if visible.is_empty() {
        return Err(InputError::new(
            shown,
            Location::File,
            if entries.is_empty() {
                "the folder holds no evidence (it is empty)"
            } else {
                "the folder holds no evidence (only hidden or excluded entries)"
            },
        )
        .with_help(
            "put the exported files (credential report, authorization details) in the folder",
        ));
    }
    let folders: Vec<&Entry> = visible.iter().copied().filter(|e| e.is_dir).collect();
    let top_files: Vec<&Entry> = visible.iter().copied().filter(|e| !e.is_dir).collect();
    let folder = folder_name(dir);
    let layout = |read_as: &'static str, reason: String, notable: bool| FolderLayout {
        folder: folder.clone(),
        shown: shown.clone(),
        read_as,
        reason,
        notable,
        ignores_files: false,
    };
    let organization = match intake.layout {
        Some(ForcedLayout::Snapshot) => None,
        Some(ForcedLayout::Organization) if folders.is_empty() => {
            return Err(InputError::new(
                shown,
                Location::File,
                "`--organization` was given, but the folder has no subfolders to read as accounts",
            ))
        }
        Some(ForcedLayout::Organization) => Some(("`--organization` was given".to_string(), true)),
        None if folders.is_empty() => None,
        None if top_files.is_empty() => {
            Some(("every entry at its top is a folder".to_string(), false))
        }
        None => {
            // Files and folders side by side: an evidence file at the top
            // makes it one snapshot (its subfolders hold more of it); stray
            // files (a README, the evidence request as a PDF) do not.
            match top_files.iter().find_map(|e| {
                let bytes = read_file(&e.name, &e.path, &intake.limits).ok()?;
                crate::evidence::detect::identify(&e.name, &bytes)
                    .ok()
                    .map(|kind| (e.name.clone(), kind))
            }) {
                Some((name, kind)) => {
                    let mut source = walk_snapshot(".".into(), dir, "", excludes);
                    source.folder = Some(folder.clone());
                    let reason = format!(
                        "`{name}` at its top is evidence ({kind}); pass `--organization` to read each subfolder as an account"
                    );
                    return Ok((Target::Snapshot(source), layout("snapshot", reason, true)));
                }
                None => Some(("no file at its top is evidence".to_string(), true)),
            }
        }
    };
    let Some((mut reason, notable)) = organization else {
        let reason = match intake.layout {
            Some(ForcedLayout::Snapshot) => "`--snapshot` was given".to_string(),
            _ => "it holds files and no subfolders".to_string(),
        };
        // A lone snapshot is named `.`: its paths are relative to it, and
        // the report must not change when the folder is renamed or moved.
        let mut source = walk_snapshot(".".into(), dir, "", excludes);
        source.folder = Some(folder.clone());
        let notable = intake.layout.is_some();
        return Ok((
            Target::Snapshot(source),
            layout("snapshot", reason, notable),
        ));
    };
    let accounts = folders
        .iter()
        .map(|e| {
            let given = format!("{}/", e.name);
            let mut source = walk_snapshot(e.name.clone(), &e.path, &given, excludes);
            source.folder = Some(e.name.clone());
            source
        })
        .collect::<Vec<_>>();
    reason = format!("{} accounts, one per subfolder: {reason}", accounts.len());
    if !top_files.is_empty() {
        let names: Vec<String> = top_files
            .iter()
            .take(3)
            .map(|e| format!("`{}`", e.name))
            .collect();
        let more = match top_files.len().saturating_sub(3) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        reason.push_str(&format!(
            "; ignored, in no account: {}{more} at its top",
            names.join(", ")
        ));
    }
    let mut layout = layout("organization", reason, notable);
    layout.ignores_files = !top_files.is_empty();
    Ok((
        Target::Organization {
            name: folder.clone(),
            accounts,
        },
        layout,
    ))
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

/// One snapshot's folder listed: its files, what was skipped, and what
/// could not be listed (which makes the snapshot unusable, never the run).
/// `given` is the folder's path relative to the folder given on the command
/// line (empty, or the account folder and `/`), which `--exclude` matches.
fn walk_snapshot(name: String, dir: &Path, given: &str, excludes: &Excludes) -> SnapshotSource {
    let mut source = SnapshotSource {
        name,
        files: Vec::new(),
        skipped: Vec::new(),
        errors: Vec::new(),
        folder: None,
        location: dir.display().to_string(),
    };
    let mut walk = Walk {
        excludes,
        given,
        out: &mut source,
        ancestors: Vec::new(),
    };
    walk.folder(dir, "", 0);
    source.files.sort();
    source.skipped.sort();
    source
}

/// The state of one snapshot's walk.
struct Walk<'a> {
    excludes: &'a Excludes,
    given: &'a str,
    out: &'a mut SnapshotSource,
    /// The folders above the one being listed, by device and inode, to
    /// tell a symlink loop at once (unix).
    ancestors: Vec<(u64, u64)>,
}

impl Walk<'_> {
    fn folder(&mut self, dir: &Path, prefix: &str, depth: usize) {
        let shown = dir.display().to_string();
        if depth > MAX_DEPTH {
            self.out.errors.push(InputError::new(
                shown,
                Location::File,
                format!("folders nested more than {MAX_DEPTH} deep"),
            ));
            return;
        }
        #[cfg(unix)]
        let id = {
            use std::os::unix::fs::MetadataExt;
            match fs::metadata(dir) {
                Ok(m) => Some((m.dev(), m.ino())),
                Err(_) => None,
            }
        };
        #[cfg(unix)]
        if let Some(id) = id {
            if self.ancestors.contains(&id) {
                self.out.errors.push(InputError::new(
                    shown,
                    Location::File,
                    "a symbolic link loop: this folder is one of the folders it is in",
                ));
                return;
            }
            self.ancestors.push(id);
        }
        match read_dir_sorted(dir, &shown) {
            Err(e) => self.out.errors.push(e),
            Ok(entries) => {
                for entry in entries {
                    let rel = format!("{prefix}{}", entry.name);
                    if entry.name.starts_with('.') {
                        self.out.skipped.push(Skipped {
                            path: rel,
                            reason: skipped::HIDDEN.into(),
                        });
                    } else if self.excludes.matches(&format!("{}{rel}", self.given)) {
                        self.out.skipped.push(Skipped {
                            path: rel,
                            reason: EXCLUDED.into(),
                        });
                    } else if entry.is_dir {
                        self.folder(&entry.path, &format!("{rel}/"), depth + 1);
                    } else {
                        // A symlink is opened through its target; any other
                        // entry is opened without following links, so a
                        // symlink swapped in after the listing is refused.
                        let key = if entry.is_symlink {
                            fs::canonicalize(&entry.path).unwrap_or(entry.path)
                        } else {
                            entry.path
                        };
                        self.out.files.push((rel, key));
                    }
                }
            }
        }
        #[cfg(unix)]
        if id.is_some() {
            self.ancestors.pop();
        }
    }
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
pub fn waivers(path: &Path) -> Result<Vec<Waiver>, Error> {
    let file = path.display().to_string();
    let max = crate::waivers::MAX_FILE_BYTES;
    let refused = |message: String| InputError::new(&file, Location::File, message);
    let (handle, size) =
        open_regular(path, true).map_err(|r| refused(r.message(" the waivers file")))?;
    if size > max {
        return Err(refused(format!(
            "the waivers file is {size} bytes; at most {max} are read"
        ))
        .into());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    handle
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| refused(Refused::Io(e).message(" the waivers file")))?;
    if bytes.len() as u64 > max {
        return Err(refused(format!(
            "the waivers file holds more than {max} bytes; at most {max} are read"
        ))
        .into());
    }
    crate::waivers::parse(&file, &bytes)
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
