//! From a snapshot's listed files to its evidence, read and validated.
//!
//! Each file is recognised by content, whatever its name, and hashed for the
//! report's evidence block; exports of one kind that come in several files
//! (authorization-details pages, a credential report as CSV and as its
//! envelope) are merged or checked to agree. Which files form a snapshot is
//! the face's business (`cli::files` for folders on disk).

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{InputError, Location};
use crate::evidence::account_summary::AccountSummary;
use crate::evidence::authorization_details::{self, AuthorizationDetails, Page};
use crate::evidence::credential_report::CredentialReport;
use crate::evidence::detect::{detect, triage, Detected, Triaged, SIDE_BY_SIDE_MIN_BYTES};
use crate::evidence::lines::ValueLines;
use crate::evidence::manifest::Manifest;
use crate::evidence::password_policy::PasswordPolicy;
use crate::evidence::server_certificates::{self, ServerCertificatePage, ServerCertificates};
use crate::evidence::skipped::Skipped;
use crate::evidence::source::{Contents, EvidenceReader, SnapshotSource};
use crate::evidence::virtual_mfa::VirtualMfaDevices;
use crate::evidence::{sha256_hex, EvidenceFile, EvidenceKind};
use crate::exec::Executor;

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
    /// The optional `list-server-certificates` export, its pages merged.
    pub server_certificates: Option<ServerCertificates>,
    /// The optional `snapshot.json` manifest.
    pub manifest: Option<(String, Manifest)>,
    /// Tolerated oddities (extra CSV fields, converted encodings, ...).
    pub warnings: Vec<String>,
    /// Entries left out (hidden, not evidence), warned about in summary.
    pub skipped: Vec<Skipped>,
    /// For each JSON evidence file, by the name its locations give it, the
    /// lines where the values a location can point at start.
    pub lines: BTreeMap<String, ValueLines>,
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
            EvidenceKind::ServerCertificates => self.server_certificates.is_some(),
            EvidenceKind::Manifest => self.manifest.is_some(),
        }
    }
}

/// One file, read, hashed and recognised.
struct ReadFile {
    text_warning: Option<String>,
    sha256: String,
    bytes: u64,
    detected: Detected,
    /// For a JSON file, the lines of the values locations name.
    lines: Option<ValueLines>,
}

/// Reads, hashes, decodes and recognises one file; a large file is checked
/// and read as two tasks when the executor can run them side by side (see
/// [`detect`]).
fn read_one(
    shown: &str,
    key: &Path,
    reader: &dyn EvidenceReader,
    exec: &dyn Executor,
) -> Result<ReadFile, Vec<InputError>> {
    let parallel = exec.width() > 1;
    let bytes = match reader.contents(shown, key).map_err(|e| vec![e])? {
        Contents::Bytes(bytes) => bytes,
        Contents::Skipped {
            reason,
            sha256,
            bytes,
        } => {
            return Ok(ReadFile {
                text_warning: None,
                sha256,
                bytes,
                detected: Detected::NotEvidence(reason),
                lines: None,
            })
        }
    };
    // UTF-16 and Latin-1 are read with a warning; hashes stay those of the
    // bytes on disk. Another format's file, or binary data, is skipped
    // (still hashed: the report lists every file it looked at).
    let text = match triage(shown, &bytes).map_err(|e| vec![e])? {
        Triaged::Text(text) => text,
        Triaged::Skip(why) => {
            return Ok(ReadFile {
                text_warning: None,
                sha256: sha256_hex(&bytes),
                bytes: bytes.len() as u64,
                detected: Detected::NotEvidence(why.to_string()),
                lines: None,
            })
        }
    };
    // The hash (12 ms for the 20 MB of the largest account) and the scan for
    // the lines of JSON values (see `evidence::lines`) run beside the
    // reading, which leaves a core idle part of the time.
    let json = matches!(
        crate::evidence::encoding::strip_utf8_bom(&text.bytes)
            .trim_ascii_start()
            .first(),
        Some(b'{' | b'[')
    );
    let ((sha256, lines), detected) = crate::exec::both(
        exec,
        parallel && bytes.len() >= SIDE_BY_SIDE_MIN_BYTES,
        || {
            (
                sha256_hex(&bytes),
                json.then(|| ValueLines::scan(&text.bytes)),
            )
        },
        || detect(shown, &text.bytes, exec),
    );
    let detected = detected?;
    Ok(ReadFile {
        text_warning: text.warning,
        sha256,
        bytes: bytes.len() as u64,
        lines: lines.filter(|_| detected.kind().is_some()),
        detected,
    })
}

/// Reads, detects and validates every file of one snapshot, pulling each
/// file's bytes from `reader` in turn. All problems are collected so that
/// one run shows every broken file. Whatever the executor, the result is
/// the same.
///
/// The files are read one after the other, each parse reusing the memory the
/// previous one freed. Reading the authorization details and the credential
/// report side by side saved up to 5 ms on the largest account but held both
/// parses at once: 115 -> 125 MiB at the peak, against the parse floor's 126.
pub fn load(
    source: &SnapshotSource,
    reader: &dyn EvidenceReader,
    exec: &dyn Executor,
) -> Result<Snapshot, Vec<InputError>> {
    let mut snapshot = Snapshot {
        name: source.name.clone(),
        skipped: source.skipped.clone(),
        ..Snapshot::default()
    };
    // A folder that could not be listed whole leaves the snapshot unusable.
    let mut errors = source.errors.clone();
    let mut reports: Vec<(String, CredentialReport)> = Vec::new();
    let mut pages: Vec<Page> = Vec::new();
    let mut summaries: Vec<(String, AccountSummary)> = Vec::new();
    let mut mfa_lists: Vec<(String, VirtualMfaDevices)> = Vec::new();
    let mut password_policies: Vec<(String, PasswordPolicy)> = Vec::new();
    let mut manifests: Vec<(String, Manifest)> = Vec::new();
    let mut certificate_pages: Vec<ServerCertificatePage> = Vec::new();
    for (shown, path) in &source.files {
        let file = match read_one(shown, path, reader, exec) {
            Ok(f) => f,
            Err(es) => {
                errors.extend(es);
                continue;
            }
        };
        snapshot.warnings.extend(file.text_warning);
        if let Some(lines) = file.lines.filter(|l| !l.is_empty()) {
            snapshot.lines.insert(shown.clone(), lines);
        }
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
            Detected::ServerCertificates(p) => certificate_pages.push(p),
            Detected::Manifest(m) => manifests.push((shown.clone(), m)),
            Detected::NotEvidence(why) => snapshot.skipped.push(Skipped {
                path: shown.clone(),
                reason: why,
            }),
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

    if !certificate_pages.is_empty() {
        match server_certificates::merge_pages(certificate_pages) {
            Ok(c) => snapshot.server_certificates = Some(c),
            Err(es) => errors.extend(es),
        }
    }

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
        // What was left out, so that the error alone says why nothing was
        // found (`report.pdf` was a PDF document, ...).
        let mut message = "no AWS IAM evidence found (no credential report, authorization details, account summary, virtual MFA device list, password policy or server certificate list)".to_string();
        for line in crate::evidence::skipped::summarise(&snapshot.skipped) {
            message.push_str("; ");
            message.push_str(&line);
        }
        errors.push(
            InputError::new(label, Location::File, message)
            .with_help("export the evidence with `aws iam get-credential-report` and `aws iam get-account-authorization-details`"),
        );
    }
    if errors.is_empty() {
        snapshot.warnings.sort();
        snapshot.skipped.sort();
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
