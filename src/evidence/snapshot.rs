//! From command-line paths to loaded snapshots.
//!
//! The contract (design.md): files named directly form one snapshot together;
//! each folder is one snapshot (its files, at any depth, recognised by
//! content); a folder whose entries are all folders is an organization, each
//! subfolder a snapshot. Every file read is hashed for the report's evidence
//! block. Paths in the report are relative (to the snapshot folder) or bare
//! file names, so a report never depends on where the evidence was unpacked.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, InputError, Location};
use crate::evidence::account_summary::AccountSummary;
use crate::evidence::authorization_details::{self, AuthorizationDetails, Page};
use crate::evidence::credential_report::CredentialReport;
use crate::evidence::detect::{detect_on, Detected, SIDE_BY_SIDE_MIN_BYTES};
use crate::evidence::encoding::to_utf8;
use crate::evidence::manifest::Manifest;
use crate::evidence::password_policy::PasswordPolicy;
use crate::evidence::read::{read_file, Limits};
use crate::evidence::virtual_mfa::VirtualMfaDevices;
use crate::evidence::{sha256_hex, EvidenceFile, EvidenceKind};

/// Deeper folders than this are not walked (a guard against symlink loops).
const MAX_DEPTH: usize = 16;

/// Where one snapshot's files come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotSource {
    /// The account folder's name in an organization; `.` for a lone snapshot
    /// (a folder or files given directly), whose paths are relative to it.
    pub name: String,
    /// (path as reported, path on disk), sorted by reported path.
    pub files: Vec<(String, PathBuf)>,
    /// Entries that were skipped while walking (hidden files, ...), as warnings.
    pub skipped: Vec<String>,
    /// The folder's own name (`None` for files given directly): the
    /// snapshot's name when several are evaluated together.
    pub folder: Option<String>,
    /// The folder as the user named it, for messages about the whole snapshot.
    pub location: String,
}

/// What the command line asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Snapshot(SnapshotSource),
    /// A folder of snapshot folders: its name and one source per account folder.
    Organization {
        name: String,
        accounts: Vec<SnapshotSource>,
    },
}

/// A snapshot's evidence, read and validated.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub name: String,
    pub files: Vec<EvidenceFile>,
    /// The credential report and the file it came from.
    pub credential_report: Option<(String, CredentialReport)>,
    pub authorization_details: Option<AuthorizationDetails>,
    pub account_summary: Option<(String, AccountSummary)>,
    pub virtual_mfa_devices: Option<(String, VirtualMfaDevices)>,
    pub password_policy: Option<(String, PasswordPolicy)>,
    /// The optional `snapshot.json` manifest.
    pub manifest: Option<(String, Manifest)>,
    /// Tolerated oddities (files that are not evidence, extra CSV fields, ...).
    pub warnings: Vec<String>,
}

impl Snapshot {
    /// The evidence kinds this snapshot holds.
    pub fn has(&self, kind: EvidenceKind) -> bool {
        match kind {
            EvidenceKind::CredentialReport => self.credential_report.is_some(),
            EvidenceKind::AuthorizationDetails => self.authorization_details.is_some(),
            EvidenceKind::AccountSummary => self.account_summary.is_some(),
            EvidenceKind::VirtualMfaDevices => self.virtual_mfa_devices.is_some(),
            EvidenceKind::PasswordPolicy => self.password_policy.is_some(),
            EvidenceKind::Manifest => self.manifest.is_some(),
        }
    }
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
    let entries = read_dir_sorted(dir).map_err(|e| {
        InputError::new(
            &shown,
            Location::File,
            format!("cannot read folder: {}", io_reason(&e)),
        )
    })?;
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

/// Entries of a folder sorted by name: (name, path, is a folder).
fn read_dir_sorted(dir: &Path) -> std::io::Result<Vec<(String, PathBuf, bool)>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
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
    let entries = read_dir_sorted(dir).map_err(|e| {
        InputError::new(
            &shown,
            Location::File,
            format!("cannot read folder: {}", io_reason(&e)),
        )
    })?;
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

/// Reads, detects and validates every file of one snapshot. All problems are
/// collected so that one run shows every broken file.
pub fn load(source: &SnapshotSource) -> Result<Snapshot, Vec<InputError>> {
    load_with(source, &Limits::default())
}

/// [`load`] with explicit limits (`--max-input-size`).
pub fn load_with(source: &SnapshotSource, limits: &Limits) -> Result<Snapshot, Vec<InputError>> {
    load_on(source, limits, 1)
}

/// One file, read, hashed and recognised.
struct ReadFile {
    text_warning: Option<String>,
    sha256: String,
    bytes: u64,
    detected: Detected,
}

/// Reads, hashes, decodes and recognises one file; with `parallel`, a large
/// file is checked and read on two threads (see [`detect_on`]).
fn read_one(
    shown: &str,
    path: &Path,
    limits: &Limits,
    parallel: bool,
) -> Result<ReadFile, Vec<InputError>> {
    let bytes = read_file(shown, path, limits).map_err(|e| vec![e])?;
    // UTF-16 and Latin-1 are read with a warning; hashes stay those of the bytes on disk.
    let text = to_utf8(shown, &bytes).map_err(|e| vec![e])?;
    // The hash (12 ms for the 20 MB of the largest account) runs beside the
    // reading, which leaves a core idle part of the time.
    let (sha256, detected) = crate::parallel::both(
        parallel && bytes.len() >= SIDE_BY_SIDE_MIN_BYTES,
        || sha256_hex(&bytes),
        || detect_on(shown, &text.bytes, parallel),
    );
    let detected = detected?;
    Ok(ReadFile {
        text_warning: text.warning,
        sha256,
        bytes: bytes.len() as u64,
        detected,
    })
}

/// [`load_with`], a large file hashed, checked and read on up to `threads`
/// threads; the result is the same.
///
/// The files are read one after the other, each parse reusing the memory the
/// previous one freed. Reading the authorization details and the credential
/// report side by side saved up to 5 ms on the largest account but held both
/// parses at once: 115 -> 125 MiB at the peak, against the parse floor's 126.
pub fn load_on(
    source: &SnapshotSource,
    limits: &Limits,
    threads: usize,
) -> Result<Snapshot, Vec<InputError>> {
    let mut snapshot = Snapshot {
        name: source.name.clone(),
        warnings: source.skipped.clone(),
        ..Snapshot::default()
    };
    let mut errors = Vec::new();
    let mut reports: Vec<(String, CredentialReport)> = Vec::new();
    let mut pages: Vec<Page> = Vec::new();
    let mut summaries: Vec<(String, AccountSummary)> = Vec::new();
    let mut mfa_lists: Vec<(String, VirtualMfaDevices)> = Vec::new();
    let mut password_policies: Vec<(String, PasswordPolicy)> = Vec::new();
    let mut manifests: Vec<(String, Manifest)> = Vec::new();
    for (shown, path) in &source.files {
        let file = match read_one(shown, path, limits, threads > 1) {
            Ok(f) => f,
            Err(es) => {
                errors.extend(es);
                continue;
            }
        };
        snapshot.warnings.extend(file.text_warning);
        let detected = file.detected;
        snapshot.files.push(EvidenceFile {
            path: shown.clone(),
            kind: detected.kind(),
            sha256: file.sha256,
            bytes: file.bytes,
        });
        match detected {
            Detected::CredentialReport(r) => {
                snapshot
                    .warnings
                    .extend(r.warnings.iter().map(|w| format!("{shown}: {w}")));
                reports.push((shown.clone(), r));
            }
            Detected::AuthorizationDetails(ps) => pages.extend(ps),
            Detected::AccountSummary(s) => summaries.push((shown.clone(), s)),
            Detected::VirtualMfaDevices(v) => mfa_lists.push((shown.clone(), v)),
            Detected::PasswordPolicy(p) => password_policies.push((shown.clone(), p)),
            Detected::Manifest(m) => manifests.push((shown.clone(), m)),
            Detected::NotEvidence(why) => {
                snapshot.warnings.push(format!("{shown}: {why}; ignored"))
            }
        }
    }

    // Two credential reports are fine only when they say the same thing (a CSV
    // and its envelope, say); keep the one that knows its generation time.
    reports.sort_by(|a, b| {
        b.1.generated_time
            .is_some()
            .cmp(&a.1.generated_time.is_some())
            .then(a.0.cmp(&b.0))
    });
    if let Some((first_file, first)) = reports.first() {
        for (file, other) in &reports[1..] {
            if other.content_sha256 != first.content_sha256 {
                errors.push(
                    InputError::new(
                        file,
                        Location::File,
                        format!("a second credential report that differs from `{first_file}`"),
                    )
                    .with_help("a snapshot is one account at one time: keep one credential report per snapshot folder"),
                );
            }
        }
    }
    snapshot.credential_report = reports.into_iter().next();

    snapshot.account_summary = one_of(summaries, "account summary", &mut errors);
    snapshot.virtual_mfa_devices = one_of(mfa_lists, "virtual MFA device list", &mut errors);
    snapshot.password_policy = one_of(password_policies, "password policy", &mut errors);
    snapshot.manifest = one_of(manifests, "snapshot manifest", &mut errors);

    if !pages.is_empty() {
        match authorization_details::merge_pages(pages) {
            Ok(d) => snapshot.authorization_details = Some(d),
            Err(es) => errors.extend(es),
        }
    }

    // A manifest describes evidence; on its own it is none.
    if errors.is_empty()
        && snapshot
            .files
            .iter()
            .all(|f| matches!(f.kind, None | Some(EvidenceKind::Manifest)))
    {
        // Name the file when there is only one, else the snapshot.
        let label = match source.files.as_slice() {
            [(only, _)] => only.clone(),
            _ => source.location.clone(),
        };
        errors.push(
            InputError::new(
                label,
                Location::File,
                "no AWS IAM evidence found (no credential report, authorization details, account summary, virtual MFA device list or password policy)",
            )
            .with_help("export the evidence with `aws iam get-credential-report` and `aws iam get-account-authorization-details`"),
        );
    }
    if errors.is_empty() {
        snapshot.warnings.sort();
        snapshot.files.sort();
        Ok(snapshot)
    } else {
        Err(dedup(errors))
    }
}

/// The one export of a kind in a snapshot: several files are fine only when
/// they say the same thing (the first by path is kept).
fn one_of<T: PartialEq>(
    mut found: Vec<(String, T)>,
    what: &str,
    errors: &mut Vec<InputError>,
) -> Option<(String, T)> {
    found.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some((first_file, first)) = found.first() {
        for (file, other) in &found[1..] {
            if other != first {
                errors.push(
                    InputError::new(
                        file,
                        Location::File,
                        format!("a second {what} that differs from `{first_file}`"),
                    )
                    .with_help("a snapshot is one account at one time: keep one file per export in each snapshot folder"),
                );
            }
        }
    }
    found.into_iter().next()
}

fn dedup(mut errors: Vec<InputError>) -> Vec<InputError> {
    let mut seen = BTreeMap::new();
    errors.retain(|e| seen.insert(e.to_string(), ()).is_none());
    errors
}
