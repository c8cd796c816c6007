//! `iam-audit verify REPORT.json EVIDENCE_PATH...`: was this report produced
//! from exactly these files and this policy pack?
//!
//! The evidence paths are resolved as `evaluate` resolves them (files given
//! together, a snapshot folder, an organization), every file is hashed again,
//! and the policies are loaded with the same flags; the result is compared
//! with the report's `evidence` and `policies` blocks. Nothing is parsed
//! beyond hashing: a file that changed by one byte is a difference, whatever
//! it holds now. The report itself is untrusted input: anything but a JSON
//! report of `schema_version` 1 with well-formed `evidence` and `policies` is
//! an error (exit 2), never "verified".

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::Value;

use super::{load_pack, Outcome, PolicyOptions};
use crate::cli::files::{self, read_file, Limits};
use crate::error::{Error, InputError, Location};
use crate::evidence::sha256_hex;
use crate::evidence::source::{Contents, EvidenceReader};
use crate::report::{Report, SCHEMA_VERSION};

/// What `verify` compares.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub report: PathBuf,
    pub paths: Vec<PathBuf>,
    /// `--exclude`, `--organization`, `--snapshot`, as `evaluate` had them.
    pub intake: files::Intake,
    pub policies: PolicyOptions,
    pub limits: Limits,
}

/// The outcome: every difference found (none means verified) and notes that
/// do not change the answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    pub differences: Vec<String>,
    pub notes: Vec<String>,
    pub files: usize,
    pub policies: usize,
}

impl Verification {
    /// The text `verify` prints.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Notes and differences quote names from the report and the
        // evidence: escaped, as every line on a terminal.
        for note in &self.notes {
            out.push_str(&format!("note: {}\n", crate::text::escape_text(note)));
        }
        if self.differences.is_empty() {
            out.push_str(&format!(
                "verified: the report was produced from these {} evidence file{} and this policy pack ({} polic{})\n",
                self.files,
                if self.files == 1 { "" } else { "s" },
                self.policies,
                if self.policies == 1 { "y" } else { "ies" }
            ));
        } else {
            for d in &self.differences {
                out.push_str(&format!("differs: {}\n", crate::text::escape_text(d)));
            }
            out.push_str(&format!(
                "not verified: {} difference{} between the report and these files and policies\n",
                self.differences.len(),
                if self.differences.len() == 1 { "" } else { "s" }
            ));
        }
        out
    }
}

/// A file's hash and size as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hashed {
    sha256: String,
    bytes: u64,
}

/// A policy as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PolicyPin {
    version: String,
    sha256: String,
}

/// What the report claims.
struct Claims {
    evidence: BTreeMap<String, Hashed>,
    policies: BTreeMap<String, PolicyPin>,
    pack_version: Option<String>,
    tool_version: Option<String>,
    /// Snapshots the report lists as unusable: it holds no hashes for them.
    unusable: BTreeSet<String>,
}

/// Exit code 0 when verified, 1 when something differs.
pub fn run(options: &Options) -> Result<Outcome, Error> {
    let verification = verify(options)?;
    let code = u8::from(!verification.differences.is_empty());
    Ok(Outcome::text(verification.render(), code))
}

pub fn verify(options: &Options) -> Result<Verification, Error> {
    let shown = options.report.display().to_string();
    let bytes = read_file(&shown, &options.report, &options.limits)?;
    let claims = read_claims(&shown, &bytes)?;

    let pack = load_pack(&options.policies)?;
    let (sources, multi) = crate::pipeline::snapshots_of(
        files::resolve_with(&options.paths, &options.intake)?.targets,
    )?;

    let mut result = Verification::default();
    let mut found: BTreeMap<String, Hashed> = BTreeMap::new();
    let mut read_errors = Vec::new();
    for source in &sources {
        if claims.unusable.contains(&source.name) {
            result.notes.push(format!(
                "snapshot `{}` was unusable when the report was made: the report holds no hashes for its files",
                source.name
            ));
            continue;
        }
        let prefix = if multi {
            format!("{}/", source.name)
        } else {
            String::new()
        };
        for (rel, path) in &source.files {
            let reported = format!("{prefix}{rel}");
            // Read as `evaluate` reads it: a file over the limit that is
            // no evidence is hashed as it streams by.
            let reader = files::Files {
                limits: options.limits,
            };
            match reader.contents(&reported, path) {
                Ok(Contents::Bytes(bytes)) => {
                    found.insert(
                        reported,
                        Hashed {
                            sha256: sha256_hex(&bytes),
                            bytes: bytes.len() as u64,
                        },
                    );
                }
                Ok(Contents::Skipped { sha256, bytes, .. }) => {
                    found.insert(reported, Hashed { sha256, bytes });
                }
                Err(e) => read_errors.push(e),
            }
        }
    }
    if !read_errors.is_empty() {
        return Err(Error::Input(read_errors));
    }

    for (path, claimed) in &claims.evidence {
        match found.get(path) {
            None => result.differences.push(format!(
                "evidence `{path}` is in the report but not among the files given"
            )),
            Some(now) if now != claimed => result.differences.push(format!(
                "evidence `{path}` changed: the report has sha256 {} ({} bytes), the file has {} ({} bytes)",
                claimed.sha256, claimed.bytes, now.sha256, now.bytes
            )),
            Some(_) => {}
        }
    }
    for path in found.keys().filter(|p| !claims.evidence.contains_key(*p)) {
        result.differences.push(format!(
            "evidence `{path}` is among the files given but not in the report"
        ));
    }

    let loaded: BTreeMap<String, PolicyPin> = Report::policy_entries(&pack)
        .into_iter()
        .map(|p| {
            (
                p.id,
                PolicyPin {
                    version: p.version,
                    sha256: p.sha256,
                },
            )
        })
        .collect();
    for (id, claimed) in &claims.policies {
        match loaded.get(id) {
            None => result.differences.push(format!(
                "policy `{id}` is in the report but not in the loaded policies"
            )),
            Some(now) if now != claimed => result.differences.push(format!(
                "policy `{id}` changed: the report has version {} sha256 {}, the loaded policy has version {} sha256 {}",
                claimed.version, claimed.sha256, now.version, now.sha256
            )),
            Some(_) => {}
        }
    }
    for id in loaded
        .keys()
        .filter(|id| !claims.policies.contains_key(*id))
    {
        result
            .differences
            .push(format!("policy `{id}` is loaded but not in the report"));
    }
    if claims.pack_version != pack.builtin_version {
        result.differences.push(format!(
            "built-in pack: the report has {}, the loaded policies have {}",
            describe_pack(claims.pack_version.as_deref()),
            describe_pack(pack.builtin_version.as_deref())
        ));
    }
    let tool = crate::report::Tool::default();
    if claims.tool_version.as_deref() != Some(tool.version) {
        result.notes.push(format!(
            "the report was made by iam-audit {}, this is {}: the same files and policies may give other results",
            claims.tool_version.as_deref().unwrap_or("(unknown version)"),
            tool.version
        ));
    }
    result.files = found.len();
    result.policies = loaded.len();
    Ok(result)
}

fn describe_pack(version: Option<&str>) -> String {
    match version {
        Some(v) => format!("version {v}"),
        None => "none (`--no-default-policies`)".to_string(),
    }
}

/// Reads the report's claims, refusing anything that is not a well-formed
/// JSON report (exit 2): a report that cannot be read proves nothing.
fn read_claims(file: &str, bytes: &[u8]) -> Result<Claims, Error> {
    let value = crate::evidence::json::from_slice(bytes).map_err(|e| {
        InputError::new(
            file,
            Location::LineColumn {
                line: e.line(),
                column: e.column(),
            },
            format!("the report is not valid JSON: {e}"),
        )
        .with_help("`verify` reads the JSON report of `iam-audit evaluate --format json`")
    })?;
    let bad = |pointer: &str, expected: &str| {
        Error::from(
            InputError::new(
                file,
                Location::Pointer(pointer.to_string()),
                format!("expected {expected}"),
            )
            .with_help("`verify` reads the JSON report of `iam-audit evaluate --format json`"),
        )
    };
    if value.get("schema_version").and_then(Value::as_u64) != Some(u64::from(SCHEMA_VERSION)) {
        return Err(bad(
            "/schema_version",
            &format!("`schema_version` {SCHEMA_VERSION}: is this an iam-audit JSON report?"),
        ));
    }
    let string_at = |item: &Value, pointer: &str, key: &str| -> Result<String, Error> {
        item.get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| bad(&format!("{pointer}/{key}"), "a string"))
    };
    let sha_at = |item: &Value, pointer: &str| -> Result<String, Error> {
        let sha = string_at(item, pointer, "sha256")?;
        if sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(sha.to_ascii_lowercase())
        } else {
            Err(bad(&format!("{pointer}/sha256"), "64 hexadecimal digits"))
        }
    };

    let mut evidence = BTreeMap::new();
    let items = value
        .get("evidence")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("/evidence", "an array"))?;
    for (i, item) in items.iter().enumerate() {
        let pointer = format!("/evidence/{i}");
        let path = string_at(item, &pointer, "path")?;
        let sha256 = sha_at(item, &pointer)?;
        let bytes = item
            .get("bytes")
            .and_then(Value::as_u64)
            .ok_or_else(|| bad(&format!("{pointer}/bytes"), "a byte count"))?;
        if evidence
            .insert(path.clone(), Hashed { sha256, bytes })
            .is_some()
        {
            return Err(bad(
                &format!("{pointer}/path"),
                &format!("each path once; `{path}` is listed twice"),
            ));
        }
    }

    let mut policies = BTreeMap::new();
    let items = value
        .get("policies")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("/policies", "an array"))?;
    for (i, item) in items.iter().enumerate() {
        let pointer = format!("/policies/{i}");
        let id = string_at(item, &pointer, "id")?;
        let version = string_at(item, &pointer, "version")?;
        let sha256 = sha_at(item, &pointer)?;
        if policies
            .insert(id.clone(), PolicyPin { version, sha256 })
            .is_some()
        {
            return Err(bad(
                &format!("{pointer}/id"),
                &format!("each policy id once; `{id}` is listed twice"),
            ));
        }
    }

    let pack_version = match value.get("pack") {
        None | Some(Value::Null) => None,
        Some(pack) => Some(
            pack.get("version")
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| bad("/pack/version", "a string"))?,
        ),
    };
    let tool_version = value
        .pointer("/tool/version")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut unusable = BTreeSet::new();
    if let Some(snapshots) = value.get("snapshots").and_then(Value::as_array) {
        for s in snapshots {
            if s.get("status").and_then(Value::as_str) == Some("unusable") {
                if let Some(name) = s.get("name").and_then(Value::as_str) {
                    unusable.insert(name.to_string());
                }
            }
        }
    }
    Ok(Claims {
        evidence,
        policies,
        pack_version,
        tool_version,
        unusable,
    })
}
