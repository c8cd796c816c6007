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
//! A folder with files and folders at its top is one snapshot when one of
//! those files is evidence, else an organization (`--organization` and
//! `--snapshot` decide instead); `--exclude` leaves entries out. Inside a
//! snapshot's folder, whatever cannot be listed (a folder that cannot be
//! read, a symlink loop, folders nested too deep) makes that snapshot
//! unusable, never the run: an organization survives any one account.
//!
//! Files are read by [`super::read`]: opened once, checked on the handle.

use std::fs;
use std::path::{Path, PathBuf};

use crate::engine::PolicySource;
use crate::error::{Error, InputError, Location};
use crate::evidence::skipped::{self, Skipped};
use crate::evidence::source::{FolderLayout, SnapshotSource, Target};
use crate::text::escape_text;
use crate::waivers::WaiverSet;

use super::read::io_reason;
pub use super::read::{read_file, read_limited, Files, Limits, DEFAULT_MAX_INPUT_SIZE};

/// Deeper folders than this are not walked (a guard against symlink loops).
const MAX_DEPTH: usize = 16;

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

impl ForcedLayout {
    /// The word the report records (`run.read_as`): the flag's name.
    pub fn flag(self) -> &'static str {
        match self {
            ForcedLayout::Snapshot => "snapshot",
            ForcedLayout::Organization => "organization",
        }
    }

    /// Reads [`flag`](Self::flag) back.
    pub fn from_flag(word: &str) -> Option<ForcedLayout> {
        match word {
            "snapshot" => Some(ForcedLayout::Snapshot),
            "organization" => Some(ForcedLayout::Organization),
            _ => None,
        }
    }
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
    /// The notes a face prints about how folders were read, each naming
    /// the folder: every organization, a folder with files and folders at
    /// its top, a flag's decision (a folder of files read as one snapshot
    /// goes without saying).
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
        Some(ForcedLayout::Organization) => Some("`--organization` was given".to_string()),
        None if folders.is_empty() => None,
        None if top_files.is_empty() => Some("every entry at its top is a folder".to_string()),
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
                None => Some("no file at its top is evidence".to_string()),
            }
        }
    };
    let Some(mut reason) = organization else {
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
    // Always said: reading a folder as several accounts is a decision the
    // user should see (a snapshot whose files all sit in subfolders reads
    // so too).
    let mut layout = layout("organization", reason, true);
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
    /// The folders being walked, from the snapshot's down, as the file
    /// system resolves them, to tell a symlink loop at once.
    ancestors: Vec<PathBuf>,
}

impl Walk<'_> {
    fn folder(&mut self, dir: &Path, prefix: &str, depth: usize) {
        // Errors name a subfolder by its path in the snapshot, as they
        // name files; the snapshot's own folder as the user named it.
        let shown = match prefix.strip_suffix('/') {
            Some(rel) => rel.to_string(),
            None => dir.display().to_string(),
        };
        if depth > MAX_DEPTH {
            self.out.errors.push(InputError::new(
                shown,
                Location::File,
                format!("folders nested more than {MAX_DEPTH} deep"),
            ));
            return;
        }
        // A folder that holds one of the folders being walked (`loop ->
        // ..`, `up -> ../..`) is a symlink loop: refused at once, rather
        // than walked again and again down to the depth limit.
        let real = fs::canonicalize(dir).ok();
        if let Some(real) = &real {
            if self.ancestors.iter().any(|a| a.starts_with(real)) {
                self.out.errors.push(InputError::new(
                    shown,
                    Location::File,
                    "a symbolic link loop: this folder holds the folder it is in",
                ));
                return;
            }
        }
        let pushed = real.map(|r| self.ancestors.push(r)).is_some();
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
        if pushed {
            self.ancestors.pop();
        }
    }
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
    use crate::evidence::source::EvidenceReader;

    /// A listed file swapped for a FIFO or a symlink before it is read is
    /// refused at once on the open handle, never waited on or followed.
    #[cfg(unix)]
    #[test]
    fn a_file_swapped_after_the_listing_is_refused_on_the_open_handle() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.json"), "{}").unwrap();
        std::fs::write(dir.path().join("b.json"), "{}").unwrap();
        std::fs::write(dir.path().join("secret"), "not evidence").unwrap();
        let source = walk_snapshot(".".into(), dir.path(), "", &Excludes(Vec::new()));
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
        let source = walk_snapshot(".".into(), dir.path(), "", &Excludes(Vec::new()));
        let (_, c) = source.files.iter().find(|(n, _)| n == "c.json").unwrap();
        assert_eq!(files.read("c.json", c).unwrap(), b"not evidence");
    }

    #[test]
    fn names_are_recorded_reversibly() {
        use std::ffi::OsStr;
        assert_eq!(
            recorded_name(OsStr::new("credential-report.json")),
            "credential-report.json"
        );
        assert_eq!(recorded_name(OsStr::new("a\\b")), "a\\\\b");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let fe = recorded_name(OsStr::from_bytes(b"x\xFE.json"));
            let ff = recorded_name(OsStr::from_bytes(b"x\xFF.json"));
            assert_eq!(fe, "x\\xFE.json");
            assert_eq!(ff, "x\\xFF.json");
            // The UTF-8 name that spells the escape is recorded differently.
            assert_eq!(recorded_name(OsStr::new("x\\xFE.json")), "x\\\\xFE.json");
            // A valid multi-byte character cut short is two escaped bytes.
            assert_eq!(recorded_name(OsStr::from_bytes(b"\xC3(")), "\\xC3(");
        }
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
