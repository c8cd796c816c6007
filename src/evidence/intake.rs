//! Paths turned into snapshots: the one set of rules for which files form a
//! snapshot and when a folder is an organization, whatever holds the files
//! (the command line's disk, a browser page's dropped folder).
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
//! The rules never touch a file system: a face lists folders through a
//! [`Listing`]. [`Memory`] lists files a face already holds.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::error::{Error, InputError, Location};
use crate::evidence::skipped::{self, Skipped};
use crate::evidence::source::{FolderLayout, SnapshotSource, Target};
use crate::text::escape_text;

/// Deeper folders than this are not walked (a guard against symlink loops).
pub const MAX_DEPTH: usize = 16;

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

/// What the paths given turned out to be.
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

/// A folder's entry, as listed.
#[derive(Debug, Clone)]
pub struct Entry {
    /// As the report records it ([`recorded_name`]).
    pub name: String,
    /// Where the listing finds it again.
    pub path: PathBuf,
    /// A folder (through a symlink or not).
    pub is_dir: bool,
    /// The entry itself is a symbolic link.
    pub is_symlink: bool,
}

/// What the rules ask of whatever holds the files.
pub trait Listing {
    /// Whether a path given is a folder (`Ok(true)`) or a file, or why it
    /// cannot be read.
    fn is_dir(&self, path: &Path) -> Result<bool, String>;
    /// A folder's entries (`shown` in errors), sorted by name.
    fn entries(&self, dir: &Path, shown: &str) -> Result<Vec<Entry>, InputError>;
    /// The key by which a file given directly is read.
    fn given_key(&self, path: &Path) -> PathBuf;
    /// The key by which a listed file is read.
    fn entry_key(&self, entry: Entry) -> PathBuf;
    /// The folder as the listing resolves it, to tell a folder that holds
    /// one of its ancestors (a symlink loop); `None` where there are none.
    fn real(&self, dir: &Path) -> Option<PathBuf>;
    /// The folder's name, for labels.
    fn folder_name(&self, dir: &Path) -> String;
    /// A top-level file's bytes, to tell whether it is evidence; `None`
    /// when it cannot be read.
    fn bytes(&self, name: &str, path: &Path) -> Option<Vec<u8>>;
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

/// Maps the paths given to targets. Files given directly are gathered into
/// one snapshot placed first; folders follow in the order given. `exclude`
/// is `--exclude`, `layout` `--organization` or `--snapshot`.
pub fn resolve(
    listing: &dyn Listing,
    paths: &[PathBuf],
    exclude: &[String],
    layout: Option<ForcedLayout>,
) -> Result<Resolved, Error> {
    let excludes = Excludes::new(exclude)?;
    let mut direct: Vec<(String, PathBuf)> = Vec::new();
    let mut targets = Vec::new();
    let mut layouts = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let shown = path.display().to_string();
        match listing.is_dir(path) {
            Err(reason) => errors.push(InputError::new(
                shown,
                Location::File,
                format!("cannot read: {reason}"),
            )),
            Ok(true) => match folder_target(listing, path, layout, &excludes) {
                Ok((t, layout)) => {
                    targets.push(t);
                    layouts.push(layout);
                }
                Err(e) => errors.push(e),
            },
            Ok(false) => {
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
                    direct.push((name, listing.given_key(path)));
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

/// A folder given, as one snapshot or an organization of account folders,
/// and how it was decided.
fn folder_target(
    listing: &dyn Listing,
    dir: &Path,
    forced: Option<ForcedLayout>,
    excludes: &Excludes,
) -> Result<(Target, FolderLayout), InputError> {
    let shown = dir.display().to_string();
    let entries = listing.entries(dir, &shown)?;
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
    let folder = listing.folder_name(dir);
    let layout = |read_as: &'static str, reason: String, notable: bool| FolderLayout {
        folder: folder.clone(),
        shown: shown.clone(),
        read_as,
        reason,
        notable,
        ignores_files: false,
    };
    let organization = match forced {
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
                let bytes = listing.bytes(&e.name, &e.path)?;
                crate::evidence::detect::identify(&e.name, &bytes)
                    .ok()
                    .map(|kind| (e.name.clone(), kind))
            }) {
                Some((name, kind)) => {
                    let mut source = walk_snapshot(listing, ".".into(), dir, "", excludes);
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
        let reason = match forced {
            Some(ForcedLayout::Snapshot) => "`--snapshot` was given".to_string(),
            _ => "it holds files and no subfolders".to_string(),
        };
        // A lone snapshot is named `.`: its paths are relative to it, and
        // the report must not change when the folder is renamed or moved.
        let mut source = walk_snapshot(listing, ".".into(), dir, "", excludes);
        source.folder = Some(folder.clone());
        let notable = forced.is_some();
        return Ok((
            Target::Snapshot(source),
            layout("snapshot", reason, notable),
        ));
    };
    let accounts = folders
        .iter()
        .map(|e| {
            let given = format!("{}/", e.name);
            let mut source = walk_snapshot(listing, e.name.clone(), &e.path, &given, excludes);
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

/// One snapshot's folder listed: its files, what was skipped, and what
/// could not be listed (which makes the snapshot unusable, never the run).
/// `given` is the folder's path relative to the folder given (empty, or
/// the account folder and `/`), which `--exclude` matches.
fn walk_snapshot(
    listing: &dyn Listing,
    name: String,
    dir: &Path,
    given: &str,
    excludes: &Excludes,
) -> SnapshotSource {
    let mut source = SnapshotSource {
        name,
        files: Vec::new(),
        skipped: Vec::new(),
        errors: Vec::new(),
        folder: None,
        location: dir.display().to_string(),
    };
    let mut walk = Walk {
        listing,
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
    listing: &'a dyn Listing,
    excludes: &'a Excludes,
    given: &'a str,
    out: &'a mut SnapshotSource,
    /// The folders being walked, from the snapshot's down, as the listing
    /// resolves them, to tell a symlink loop at once.
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
        let real = self.listing.real(dir);
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
        match self.listing.entries(dir, &shown) {
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
                        let key = self.listing.entry_key(entry);
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

/// Files a face holds in memory (a browser page's dropped folder), listed
/// as the command line lists a folder on disk: a file `X/a/b.json` is in
/// the folder `X/a`, which is in `X`. Folders with no file in them can be
/// listed too (a dropped folder's empty subfolder).
#[derive(Debug, Clone, Default)]
pub struct Memory {
    /// Each folder's entries, by the folder's path ("" is the top).
    folders: BTreeMap<PathBuf, BTreeSet<(String, bool)>>,
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl Memory {
    /// The files (by their `/`-separated relative paths) and the folders
    /// known besides those that hold a file.
    pub fn new(files: BTreeMap<PathBuf, Vec<u8>>, empty_folders: &[PathBuf]) -> Memory {
        let mut memory = Memory {
            folders: BTreeMap::new(),
            files: BTreeMap::new(),
        };
        memory.folders.insert(PathBuf::new(), BTreeSet::new());
        for (path, is_dir) in files
            .keys()
            .map(|p| (p, false))
            .chain(empty_folders.iter().map(|p| (p, true)))
        {
            let mut child = path.as_path();
            let mut child_is_dir = is_dir;
            if is_dir {
                memory.folders.entry(child.to_path_buf()).or_default();
            }
            while let (Some(parent), Some(name)) = (child.parent(), child.file_name()) {
                let entry = (name.to_string_lossy().into_owned(), child_is_dir);
                memory
                    .folders
                    .entry(parent.to_path_buf())
                    .or_default()
                    .insert(entry);
                child = parent;
                child_is_dir = true;
            }
        }
        memory.files = files;
        memory
    }

    /// The paths at the top, as a command line would name them: every
    /// top-level folder and file, sorted.
    pub fn top(&self) -> Vec<PathBuf> {
        self.folders
            .get(Path::new(""))
            .map(|entries| entries.iter().map(|(n, _)| PathBuf::from(n)).collect())
            .unwrap_or_default()
    }

    /// The bytes held, for the reader.
    pub fn into_files(self) -> BTreeMap<PathBuf, Vec<u8>> {
        self.files
    }
}

impl Listing for Memory {
    fn is_dir(&self, path: &Path) -> Result<bool, String> {
        if self.folders.contains_key(path) {
            Ok(true)
        } else if self.files.contains_key(path) {
            Ok(false)
        } else {
            Err("no such file or folder".into())
        }
    }

    fn entries(&self, dir: &Path, shown: &str) -> Result<Vec<Entry>, InputError> {
        let entries = self.folders.get(dir).ok_or_else(|| {
            InputError::new(shown, Location::File, "cannot read folder: no such folder")
        })?;
        let mut out: Vec<Entry> = entries
            .iter()
            .map(|(name, is_dir)| Entry {
                name: recorded_name(std::ffi::OsStr::new(name)),
                path: dir.join(name),
                is_dir: *is_dir,
                is_symlink: false,
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn given_key(&self, path: &Path) -> PathBuf {
        path.to_path_buf()
    }

    fn entry_key(&self, entry: Entry) -> PathBuf {
        entry.path
    }

    fn real(&self, _dir: &Path) -> Option<PathBuf> {
        // Held files have no links, so no loops.
        None
    }

    fn folder_name(&self, dir: &Path) -> String {
        dir.file_name()
            .map(recorded_name)
            .unwrap_or_else(|| "snapshot".into())
    }

    fn bytes(&self, _name: &str, path: &Path) -> Option<Vec<u8>> {
        self.files.get(path).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn memory(files: &[&str], empty: &[&str]) -> Memory {
        let files = files
            .iter()
            .map(|p| (PathBuf::from(p), b"{}".to_vec()))
            .collect();
        let empty: Vec<PathBuf> = empty.iter().map(PathBuf::from).collect();
        Memory::new(files, &empty)
    }

    #[test]
    fn held_files_are_listed_as_folders_on_disk_are() {
        let m = memory(
            &["org/b/x.json", "org/a/.hidden", "org/a/sub/y.json", "f.csv"],
            &["org/c"],
        );
        assert_eq!(m.top(), vec![PathBuf::from("f.csv"), PathBuf::from("org")]);
        assert_eq!(m.is_dir(Path::new("org")), Ok(true));
        assert_eq!(m.is_dir(Path::new("f.csv")), Ok(false));
        assert!(m.is_dir(Path::new("nowhere")).is_err());
        let names: Vec<(String, bool)> = m
            .entries(Path::new("org"), "org")
            .unwrap()
            .into_iter()
            .map(|e| (e.name, e.is_dir))
            .collect();
        assert_eq!(
            names,
            vec![("a".into(), true), ("b".into(), true), ("c".into(), true)]
        );
        let resolved = resolve(&m, &[PathBuf::from("org")], &[], None).unwrap();
        let Target::Organization { accounts, .. } = &resolved.targets[0] else {
            panic!("an organization");
        };
        assert_eq!(accounts.len(), 3);
        assert_eq!(accounts[0].files[0].0, "sub/y.json");
        assert_eq!(accounts[0].skipped[0].path, ".hidden");
        assert!(accounts[2].files.is_empty());
        assert_eq!(resolved.layouts[0].folder, ".");
    }
}
