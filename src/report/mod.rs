//! The report: plain data assembled from the results of a run
//! ([`assemble`]), and one renderer per output format ([`json`], [`table`],
//! [`csv`], [`markdown`], [`sarif`], [`junit`], [`html`], [`xlsx`]), chosen
//! in one place ([`write`]). Every renderer is a pure function of the
//! [`Report`] (the table also of its [`table::Style`]); JSON is written
//! piece by piece, XLSX as the bytes of a zip file, the others as one string.
//!
//! Everything in a report is sorted and free of wall-clock time, absolute
//! paths and random ids, so the same evidence and policies give the same
//! bytes on any machine.

pub mod assemble;
pub mod csv;
pub mod framework_list;
pub mod frameworks;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod policies;
pub mod sarif;
pub mod table;
pub mod xlsx;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::PolicyPack;
use crate::evidence::EvidenceFile;
use crate::results::{Finding, Findings, Severity, Status};

/// A report's output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
    Markdown,
    Sarif,
    Junit,
    Html,
    Xlsx,
}

impl Format {
    pub const ALL: [Format; 8] = [
        Format::Table,
        Format::Json,
        Format::Csv,
        Format::Markdown,
        Format::Sarif,
        Format::Junit,
        Format::Html,
        Format::Xlsx,
    ];

    /// Its name on the command line (`--format`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Markdown => "markdown",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
        }
    }

    /// Is the output binary (a zip file), not text? A terminal is no place
    /// for it.
    pub fn is_binary(self) -> bool {
        self == Format::Xlsx
    }
}

impl Format {
    /// The format a file's extension names when several `-o` are given.
    pub fn of_extension(ext: &str) -> Option<Format> {
        Some(match ext {
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "xml" => Format::Junit,
            "md" | "markdown" => Format::Markdown,
            "csv" => Format::Csv,
            "html" | "htm" => Format::Html,
            "txt" => Format::Table,
            "xlsx" => Format::Xlsx,
            _ => return None,
        })
    }
}

/// Writes `report` in `format` to `out`.
pub fn write(
    report: &Report,
    format: Format,
    style: table::Style,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let text = match format {
        Format::Json => return json::write(report, out),
        Format::Table => table::render(report, style),
        Format::Csv => csv::render(report, style.csv_bom),
        Format::Markdown => markdown::render(report),
        Format::Sarif => sarif::render(report),
        Format::Junit => junit::render(report),
        Format::Html => html::render(report),
        Format::Xlsx => {
            let bytes = xlsx::render(report).map_err(std::io::Error::other)?;
            return out.write_all(&bytes);
        }
    };
    out.write_all(text.as_bytes())
}

/// The JSON report's `schema_version`; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

impl Default for Tool {
    fn default() -> Self {
        Tool {
            name: "iam-audit",
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pack {
    pub name: &'static str,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceEntry {
    pub path: String,
    /// The evidence kind, or `not-evidence` for a file listed with a warning.
    pub kind: String,
    pub sha256: String,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyEntry {
    pub id: String,
    pub version: String,
    pub sha256: String,
    pub title: String,
    pub severity: Severity,
    pub source: String,
    pub requires: Vec<String>,
    pub cis_aws: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
    /// `@reference`: the public page that describes the control.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnapshotEntry {
    pub name: String,
    /// The account id, or `null` when the snapshot could not be read.
    pub account: Option<String>,
    pub as_of: Option<String>,
    pub as_of_source: String,
    /// `evaluated`, or `unusable` when its evidence could not be read.
    pub status: &'static str,
    pub errors: Vec<String>,
    /// This account's counts by status (`null` when it was unusable).
    pub summary: Option<Summary>,
}

/// Counts of results by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub total: usize,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    #[serde(rename = "not-applicable")]
    pub not_applicable: usize,
    #[serde(rename = "not-evaluated")]
    pub not_evaluated: usize,
    pub waived: usize,
}

impl Summary {
    pub fn of(results: &[Box<Finding>]) -> Summary {
        let mut s = Summary {
            total: results.len(),
            ..Summary::default()
        };
        for r in results {
            *s.slot(r.status) += 1;
        }
        s
    }

    fn slot(&mut self, status: Status) -> &mut usize {
        match status {
            Status::Pass => &mut self.pass,
            Status::Fail => &mut self.fail,
            Status::Error => &mut self.error,
            Status::NotApplicable => &mut self.not_applicable,
            Status::NotEvaluated => &mut self.not_evaluated,
            Status::Waived => &mut self.waived,
        }
    }

    pub fn count(&self, status: Status) -> usize {
        match status {
            Status::Pass => self.pass,
            Status::Fail => self.fail,
            Status::Error => self.error,
            Status::NotApplicable => self.not_applicable,
            Status::NotEvaluated => self.not_evaluated,
            Status::Waived => self.waived,
        }
    }
}

/// A whole run's report (the JSON format's contract is in docs/contract.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    /// The as-of time of the evaluation (RFC 3339, UTC), when there is one
    /// and, for several snapshots, when they all share it.
    pub as_of: Option<String>,
    /// `flag`, `credential-report`, `none`, or `per-snapshot`.
    pub as_of_source: String,
    pub pack: Option<Pack>,
    pub evidence: Vec<EvidenceEntry>,
    pub policies: Vec<PolicyEntry>,
    pub snapshots: Vec<SnapshotEntry>,
    pub summary: Summary,
    pub results: Findings,
    pub warnings: Vec<String>,
    /// Every waiver of `--waivers FILE` with what it did; absent without the flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waivers: Option<Vec<crate::waivers::WaiverEntry>>,
    /// The thresholds of the run (`--threshold`), by name.
    pub thresholds: BTreeMap<String, i64>,
    /// `evaluate --benchmark`: the benchmark the results are filtered to
    /// and labelled with (`cis-aws-v5.0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub benchmark: Option<String>,
    /// The per-requirement view of each framework chosen (`--benchmark`);
    /// absent without one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub frameworks: Vec<frameworks::FrameworkView>,
    /// How each folder given was read (one snapshot or an organization),
    /// and why; absent when only files were given.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub layout: Vec<crate::evidence::source::FolderLayout>,
    /// The rest of what decides the verdicts (with `thresholds`,
    /// `benchmark` and `tool.version`): what `verify` replays.
    pub run: RunRecord,
}

/// The settings of a run that decide its verdicts and are not elsewhere in
/// the report (`run` in the JSON report; docs/contract.md). `verify`
/// evaluates the evidence again with exactly these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunRecord {
    /// `--as-of` (RFC 3339, UTC), or `null` when the evidence's own time was used.
    pub as_of: Option<String>,
    /// Whether the built-in pack was loaded (no `--no-default-policies`).
    pub default_policies: bool,
    /// `--policies`: every custom `.cedar` file loaded, in load order.
    pub policy_files: Vec<crate::engine::PolicyFile>,
    /// `--select` and `--ignore` patterns, as given.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// `--waivers FILE`: its name, hash and whole text, or `null`.
    pub waivers: Option<WaiversRecord>,
    /// `--exclude` patterns, as given (absent when none): they decide which
    /// files are evidence. Set by the face that reads the files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    /// `--organization` or `--snapshot`, when given: how the folders were
    /// told to be read. Set by the face that reads the files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_as: Option<String>,
}

/// A waivers file as the report records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaiversRecord {
    /// The file's name, without its folders.
    pub file: String,
    /// SHA-256 of the file's bytes (which are `text`, as UTF-8).
    pub sha256: String,
    pub text: String,
}

impl Report {
    /// The report's policy entries, from the loaded pack.
    pub fn policy_entries(pack: &PolicyPack) -> Vec<PolicyEntry> {
        pack.controls
            .iter()
            .map(|c| PolicyEntry {
                id: c.id.clone(),
                version: c.version.clone(),
                sha256: c.sha256.clone(),
                title: c.title.clone(),
                severity: c.severity,
                source: c.source.clone(),
                requires: c.requires.iter().map(|r| r.name()).collect(),
                cis_aws: c.cis_aws.clone(),
                remediation: c.remediation.clone(),
                reference: c.reference.clone(),
            })
            .collect()
    }

    pub fn evidence_entry(prefix: &str, f: &EvidenceFile) -> EvidenceEntry {
        EvidenceEntry {
            path: format!("{prefix}{}", f.path),
            kind: f
                .kind
                .map(|k| k.as_str())
                .unwrap_or("not-evidence")
                .to_string(),
            sha256: f.sha256.clone(),
            bytes: f.bytes,
        }
    }

    /// A result's benchmark number as every human format shows it,
    /// `cis-aws-v5.0 1.9`, under `evaluate --benchmark`.
    pub fn benchmark_label(&self, f: &Finding) -> Option<String> {
        let n = f.labels.benchmark_control.as_deref()?;
        Some(match &self.benchmark {
            Some(b) => format!("{b} {n}"),
            None => n.to_string(),
        })
    }

    /// The requirements of the chosen frameworks that `policy` gives
    /// evidence for, as `<framework>:<requirement>`, in framework order.
    pub fn requirement_tags(&self, policy: &str) -> Vec<String> {
        self.frameworks
            .iter()
            .flat_map(|view| {
                view.requirements
                    .iter()
                    .filter(|r| r.controls.iter().any(|c| c == policy))
                    .map(|r| view.tag(r))
            })
            .collect()
    }

    /// The policy entry of a result's `policy` id.
    pub fn policy(&self, id: &str) -> Option<&PolicyEntry> {
        self.policies.iter().find(|p| p.id == id)
    }

    /// The results of one policy, in report order.
    pub fn results_of(&self, policy: &str) -> Vec<&Finding> {
        self.results
            .iter()
            .filter(|r| *r.policy == *policy)
            .map(|r| &**r)
            .collect()
    }

    /// Does any result make the run fail (exit code 1)?
    pub fn has_failures(&self) -> bool {
        self.summary.fail > 0 || self.summary.error > 0
    }
}

pub use crate::text::escape_text;

/// An input error as a person reads it (`file:place: message`, then its
/// help on a second line), every part escaped: each can hold text from the
/// input (a file name, a JSON pointer, a column name, a key quoted in the
/// message), and none may bring an escape sequence, a line break or a bidi
/// control to a terminal. The one line break is the error's own. Both the
/// command line's errors and a report's unusable snapshots show errors so.
pub fn input_error_text(e: &crate::error::InputError) -> String {
    use crate::error::Location;
    let file = escape_text(&e.file);
    let message = escape_text(&e.message);
    let mut out = match &e.location {
        Location::File => format!("{file}: {message}"),
        Location::LineColumn { line, column } => format!("{file}:{line}:{column}: {message}"),
        place => format!("{file}: {}: {message}", escape_text(&place.to_string())),
    };
    if let Some(help) = &e.help {
        out.push_str("\n  help: ");
        out.push_str(&escape_text(help));
    }
    out
}
