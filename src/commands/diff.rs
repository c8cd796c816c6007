//! `iam-audit diff OLD.json NEW.json`: drift between two JSON reports.
//!
//! Results are matched by (account, result id), which is stable across
//! runs, tool versions and pack versions, and unique across the accounts of
//! an organization. Each result that differs lands in exactly one list:
//!
//! - `new_failures`: failing (`fail` or `error`) in NEW, and absent or not
//!   failing in OLD;
//! - `resolved_failures`: failing in OLD, and not failing in NEW: judged
//!   again and passing (or waived), or gone while its control still judged
//!   that account (the subject itself went away);
//! - `no_longer_evaluated`: failing in OLD, and no longer judged in NEW: now
//!   `not-evaluated`, or gone because NEW lacks the control, lacks the
//!   account, or could not run the control there (its evidence or the as-of
//!   time went missing). A loss of evidence is never a fix; `--fail-on-lost`
//!   makes it exit 1 too;
//! - `status_changes`: any other change of status;
//! - `added` / `removed`: results only in one report, not failing in either.
//!
//! Policies (by id: version and sha256) and evidence files (by path: sha256)
//! that were added, removed or changed are listed too. Both inputs are
//! validated against `schemas/report.schema.json` first. Output is
//! deterministic: every list is sorted and file names are not echoed (they
//! may be absolute).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::Table;
use serde::{Deserialize, Serialize};

use super::Outcome;
use crate::error::{Error, InputError, Location};
use crate::text::escape_text;

pub struct Options {
    /// The earlier JSON report.
    pub old: PathBuf,
    /// The later JSON report.
    pub new: PathBuf,
    /// JSON instead of tables.
    pub json: bool,
    pub output: Option<PathBuf>,
    /// `--fail-on-lost`: a failure no longer evaluated also exits 1.
    pub fail_on_lost: bool,
}

/// Exit code 1 when there is a new failure (or, with `--fail-on-lost`, a
/// failure no longer evaluated).
pub fn run(options: &Options) -> Result<Outcome, Error> {
    let old = read_report(&options.old)?;
    let new = read_report(&options.new)?;
    let drift = compare(&old, &new);
    let text = if options.json {
        render_json(&drift)
    } else {
        render_table(&drift)
    };
    let lost = options.fail_on_lost && !drift.no_longer_evaluated.is_empty();
    let code = u8::from(!drift.new_failures.is_empty() || lost);
    let mut outcome = Outcome::text(text, code);
    outcome.destination = options.output.clone();
    Ok(outcome)
}

/// Reports of very large organizations are big, but not this big.
const MAX_REPORT_BYTES: u64 = 1 << 30;

/// The parts of a report that drift is computed from.
#[derive(Debug, Clone, Deserialize)]
pub struct ReportView {
    tool: ToolView,
    as_of: Option<String>,
    pack: Option<PackView>,
    evidence: Vec<EvidenceView>,
    policies: Vec<PolicyView>,
    snapshots: Vec<SnapshotView>,
    summary: BTreeMap<String, usize>,
    results: Vec<ResultView>,
}

#[derive(Debug, Clone, Deserialize)]
struct ToolView {
    version: String,
}

#[derive(Debug, Clone, Deserialize)]
struct PackView {
    version: String,
}

#[derive(Debug, Clone, Deserialize)]
struct EvidenceView {
    path: String,
    sha256: String,
}

#[derive(Debug, Clone, Deserialize)]
struct PolicyView {
    id: String,
    version: String,
    sha256: String,
}

#[derive(Debug, Clone, Deserialize)]
struct SnapshotView {
    account: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct ResultView {
    id: String,
    policy: String,
    status: String,
    severity: String,
    account: String,
    subject: String,
    message: String,
}

/// Reads a JSON report: size, UTF-8, JSON syntax (line:column), the report
/// schema (JSON pointer), then unique (account, id) pairs (JSON pointer).
pub fn read_report(path: &Path) -> Result<ReportView, Error> {
    let file = path.display().to_string();
    // Opened once and checked on the handle: a FIFO put there never hangs
    // the run.
    let bytes = crate::cli::files::read_limited(&file, path, MAX_REPORT_BYTES, "the report")?;
    parse_report(&file, &bytes)
}

/// [`read_report`] on bytes already read; `file` names them in errors.
pub fn parse_report(file: &str, bytes: &[u8]) -> Result<ReportView, Error> {
    let help = "`diff` compares two reports written by `iam-audit evaluate --format json`";
    let value = crate::evidence::json::parse_file(file, bytes, help)?;
    super::check_report_schema(file, &value, help)?;
    let view: ReportView = serde_json::from_value(value)
        .map_err(|e| Error::Internal(format!("a schema-valid report does not deserialize: {e}")))?;
    let mut seen = BTreeSet::new();
    for (i, r) in view.results.iter().enumerate() {
        if !seen.insert((r.account.as_str(), r.id.as_str())) {
            return Err(InputError::new(
                file,
                Location::Pointer(format!("/results/{i}/id")),
                format!(
                    "result `{}` of account `{}` appears twice",
                    escape_text(&r.id),
                    escape_text(&r.account)
                ),
            )
            .with_help("a report has one result per id and account; was it edited by hand?")
            .into());
        }
    }
    Ok(view)
}

/// One side of the comparison, for context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    pub tool_version: String,
    pub pack_version: Option<String>,
    pub as_of: Option<String>,
    pub accounts: Vec<String>,
    pub summary: BTreeMap<String, usize>,
}

/// A result that differs between the two reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultChange {
    pub account: String,
    pub id: String,
    pub policy: String,
    pub subject: String,
    pub severity: String,
    /// The status in OLD, or `null` when the result is new.
    pub before: Option<String>,
    /// The status in NEW, or `null` when the result is gone.
    pub after: Option<String>,
    /// The message of the newer side that has the result.
    pub message: String,
    /// For a failure no longer evaluated: why, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyVersion {
    pub version: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyChange {
    pub id: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    pub before: Option<PolicyVersion>,
    pub after: Option<PolicyVersion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceChange {
    pub path: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    pub before_sha256: Option<String>,
    pub after_sha256: Option<String>,
}

/// The drift between two reports (`diff --format json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Drift {
    pub old: Side,
    pub new: Side,
    pub new_failures: Vec<ResultChange>,
    pub resolved_failures: Vec<ResultChange>,
    pub no_longer_evaluated: Vec<ResultChange>,
    pub status_changes: Vec<ResultChange>,
    pub added: Vec<ResultChange>,
    pub removed: Vec<ResultChange>,
    pub policies: Vec<PolicyChange>,
    pub evidence: Vec<EvidenceChange>,
}

fn failing(status: &str) -> bool {
    status == "fail" || status == "error"
}

fn side(r: &ReportView) -> Side {
    let accounts: BTreeSet<String> = r
        .snapshots
        .iter()
        .filter_map(|s| s.account.clone())
        .collect();
    Side {
        tool_version: r.tool.version.clone(),
        pack_version: r.pack.as_ref().map(|p| p.version.clone()),
        as_of: r.as_of.clone(),
        accounts: accounts.into_iter().collect(),
        summary: r.summary.clone(),
    }
}

/// Compares two reports (see the module documentation for the lists).
pub fn compare(old: &ReportView, new: &ReportView) -> Drift {
    let index = |r: &ReportView| -> BTreeMap<(String, String), ResultView> {
        r.results
            .iter()
            .map(|x| ((x.account.clone(), x.id.clone()), x.clone()))
            .collect()
    };
    let (before, after) = (index(old), index(new));
    let keys: BTreeSet<&(String, String)> = before.keys().chain(after.keys()).collect();

    let mut drift = Drift {
        old: side(old),
        new: side(new),
        new_failures: Vec::new(),
        resolved_failures: Vec::new(),
        no_longer_evaluated: Vec::new(),
        status_changes: Vec::new(),
        added: Vec::new(),
        removed: Vec::new(),
        policies: Vec::new(),
        evidence: Vec::new(),
    };
    for key in keys {
        let (b, a) = (before.get(key), after.get(key));
        let Some(latest) = a.or(b) else { continue };
        let change = ResultChange {
            account: latest.account.clone(),
            id: latest.id.clone(),
            policy: latest.policy.clone(),
            subject: latest.subject.clone(),
            severity: latest.severity.clone(),
            before: b.map(|x| x.status.clone()),
            after: a.map(|x| x.status.clone()),
            message: latest.message.clone(),
            why: None,
        };
        let was = b.is_some_and(|x| failing(&x.status));
        let is = a.is_some_and(|x| failing(&x.status));
        let list = match (b, a) {
            _ if is && !was => &mut drift.new_failures,
            (Some(x), _) if was && !is => match lost(x, a, new) {
                Some(why) => {
                    drift.no_longer_evaluated.push(ResultChange {
                        why: Some(why),
                        ..change
                    });
                    continue;
                }
                None => &mut drift.resolved_failures,
            },
            (Some(x), Some(y)) if x.status != y.status => &mut drift.status_changes,
            (Some(_), Some(_)) => continue,
            (None, Some(_)) => &mut drift.added,
            (Some(_), None) => &mut drift.removed,
            (None, None) => continue,
        };
        list.push(change);
    }
    for list in [
        &mut drift.new_failures,
        &mut drift.resolved_failures,
        &mut drift.no_longer_evaluated,
        &mut drift.status_changes,
        &mut drift.added,
        &mut drift.removed,
    ] {
        list.sort_by(|x, y| {
            (&x.account, &x.policy, &x.subject, &x.id)
                .cmp(&(&y.account, &y.policy, &y.subject, &y.id))
        });
    }

    let policies = |r: &ReportView| -> BTreeMap<String, PolicyVersion> {
        r.policies
            .iter()
            .map(|p| {
                (
                    p.id.clone(),
                    PolicyVersion {
                        version: p.version.clone(),
                        sha256: p.sha256.clone(),
                    },
                )
            })
            .collect()
    };
    let (pb, pa) = (policies(old), policies(new));
    for (id, change, b, a) in changes(&pb, &pa) {
        drift.policies.push(PolicyChange {
            id: id.clone(),
            change,
            before: b.cloned(),
            after: a.cloned(),
        });
    }

    let evidence = |r: &ReportView| -> BTreeMap<String, String> {
        r.evidence
            .iter()
            .map(|e| (e.path.clone(), e.sha256.clone()))
            .collect()
    };
    let (eb, ea) = (evidence(old), evidence(new));
    for (path, change, b, a) in changes(&eb, &ea) {
        drift.evidence.push(EvidenceChange {
            path: path.clone(),
            change,
            before_sha256: b.cloned(),
            after_sha256: a.cloned(),
        });
    }
    drift
}

/// Why a result that failed in OLD is no longer judged in NEW, or `None`
/// when NEW judged it (or judged its control in that account, and the
/// subject went away).
fn lost(old: &ResultView, new_result: Option<&ResultView>, new: &ReportView) -> Option<String> {
    if let Some(now) = new_result {
        return (now.status == "not-evaluated")
            .then(|| format!("no longer evaluated: {}", now.message));
    }
    if !new.policies.iter().any(|p| p.id == old.policy) {
        return Some(format!(
            "the control `{}` is not in the new report's policies",
            old.policy
        ));
    }
    if !new
        .snapshots
        .iter()
        .any(|s| s.account.as_deref() == Some(old.account.as_str()))
    {
        return Some(format!(
            "account {} was not evaluated in the new report",
            old.account
        ));
    }
    let judged = new
        .results
        .iter()
        .filter(|r| r.account == old.account && r.policy == old.policy);
    let mut unjudged = None;
    for r in judged {
        if r.status != "not-evaluated" {
            return None;
        }
        unjudged.get_or_insert(r);
    }
    Some(match unjudged {
        Some(r) => format!(
            "the control could not run on the new evidence: {}",
            r.message
        ),
        None => "the control has no result for this account in the new report".into(),
    })
}

/// Pretty-printed JSON with a final newline.
pub fn render_json(drift: &Drift) -> String {
    let mut out = serde_json::to_string_pretty(drift)
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialize the drift: {e}\"}}"));
    out.push('\n');
    out
}

fn new_table() -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    crate::report::table::without_terminal(&mut t);
    t
}

fn opt(s: &Option<String>) -> String {
    s.as_deref().map(escape_text).unwrap_or_else(|| "-".into())
}

/// Tables for a person: context, counts, then each non-empty list.
pub fn render_table(drift: &Drift) -> String {
    let mut out = format!(
        "Old: as of {}, pack {}, tool {}, accounts {}\nNew: as of {}, pack {}, tool {}, accounts {}\n\n",
        opt(&drift.old.as_of),
        opt(&drift.old.pack_version),
        escape_text(&drift.old.tool_version),
        escape_text(&drift.old.accounts.join(", ")),
        opt(&drift.new.as_of),
        opt(&drift.new.pack_version),
        escape_text(&drift.new.tool_version),
        escape_text(&drift.new.accounts.join(", ")),
    );

    let mut counts = new_table();
    counts.set_header(vec!["Status", "Old", "New"]);
    for status in [
        "fail",
        "error",
        "waived",
        "not-evaluated",
        "not-applicable",
        "pass",
        "total",
    ] {
        let of = |s: &Side| s.summary.get(status).copied().unwrap_or(0);
        counts.add_row(vec![
            status.to_string(),
            of(&drift.old).to_string(),
            of(&drift.new).to_string(),
        ]);
    }
    out.push_str(&counts.to_string());
    out.push('\n');

    let sections = [
        ("New failures", &drift.new_failures),
        ("Resolved failures", &drift.resolved_failures),
        (
            "No longer evaluated (not fixes)",
            &drift.no_longer_evaluated,
        ),
        ("Other status changes", &drift.status_changes),
        ("Added results", &drift.added),
        ("Removed results", &drift.removed),
    ];
    for (title, list) in sections {
        if list.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title} ({}):\n", list.len()));
        let mut t = new_table();
        t.set_header(vec!["Change", "Control", "Account", "Subject", "Finding"]);
        for c in list {
            t.add_row(vec![
                format!("{} → {}", opt(&c.before), opt(&c.after)),
                escape_text(&c.policy),
                escape_text(&c.account),
                escape_text(&c.subject),
                escape_text(c.why.as_ref().unwrap_or(&c.message)),
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }
    if !drift.policies.is_empty() {
        out.push_str(&format!("\nPolicies changed ({}):\n", drift.policies.len()));
        let mut t = new_table();
        t.set_header(vec!["Control", "Change", "Old", "New"]);
        let show = |v: &Option<PolicyVersion>| match v {
            Some(v) => format!(
                "{} ({})",
                escape_text(&v.version),
                v.sha256.chars().take(12).collect::<String>()
            ),
            None => "-".into(),
        };
        for p in &drift.policies {
            t.add_row(vec![
                escape_text(&p.id),
                p.change.to_string(),
                show(&p.before),
                show(&p.after),
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }
    if !drift.evidence.is_empty() {
        out.push_str(&format!("\nEvidence changed ({}):\n", drift.evidence.len()));
        let mut t = new_table();
        t.set_header(vec!["File", "Change", "Old sha256", "New sha256"]);
        let short = |s: &Option<String>| match s {
            Some(s) => s.chars().take(12).collect(),
            None => "-".into(),
        };
        for e in &drift.evidence {
            t.add_row(vec![
                escape_text(&e.path),
                e.change.to_string(),
                short(&e.before_sha256),
                short(&e.after_sha256),
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    out.push_str(&format!(
        "\n{}, {}, {} no longer evaluated, {}, {} added, {} removed; {} and {} changed\n",
        plural(drift.new_failures.len(), "new failure", "new failures"),
        plural(
            drift.resolved_failures.len(),
            "resolved failure",
            "resolved failures"
        ),
        drift.no_longer_evaluated.len(),
        plural(
            drift.status_changes.len(),
            "other status change",
            "other status changes"
        ),
        drift.added.len(),
        drift.removed.len(),
        plural(drift.policies.len(), "policy", "policies"),
        plural(drift.evidence.len(), "evidence file", "evidence files"),
    ));
    out
}

/// Keys of two maps that were added, removed or changed (sorted by key),
/// with the value before and after.
#[allow(clippy::type_complexity)]
fn changes<'m, K: Ord, V: PartialEq>(
    before: &'m BTreeMap<K, V>,
    after: &'m BTreeMap<K, V>,
) -> Vec<(&'m K, &'static str, Option<&'m V>, Option<&'m V>)> {
    let keys: BTreeSet<&K> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter_map(|k| {
            let (b, a) = (before.get(k), after.get(k));
            let change = match (b, a) {
                (None, Some(_)) => "added",
                (Some(_), None) => "removed",
                (Some(x), Some(y)) if x != y => "changed",
                _ => return None,
            };
            Some((k, change, b, a))
        })
        .collect()
}
