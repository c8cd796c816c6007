//! `--format sarif`: SARIF 2.1.0 for code-scanning tools (GitHub code
//! scanning, Azure DevOps, SARIF viewers). Valid against the OASIS schema
//! shipped in `schemas/sarif-schema-2.1.0.json` (a test checks).
//!
//! Mapping:
//! - one `run`; the tool's `driver` has one **rule per policy**: `id` = the
//!   policy id, `name` = the id in PascalCase, `shortDescription` = the
//!   title, `help` = the remediation, `defaultConfiguration.level` from the
//!   severity (critical/high → `error`, medium → `warning`, low/info →
//!   `note`), severity, version and CIS references in `properties`, and
//!   `properties.security-severity`, the score GitHub code scanning reads to
//!   rank an alert ([`security_severity`]). A policy's `@reference` (the
//!   built-in ones: the AWS Security Hub control, or the IAM User Guide page)
//!   is the rule's `helpUri`, and ends `help.markdown`: GitHub shows the
//!   Markdown help and ignores `helpUri`.
//! - one **result per `fail`**, at the rule's level.
//! - an **`error`** result (the evidence for a path does not decode, or Cedar
//!   could not evaluate) is also a result, with `kind: fail` and level
//!   `error` whatever the severity: the control could not be shown to hold,
//!   the exit code counts it as a failure, and a scanner must not hide it as
//!   a note. Its message starts with "not evaluable:".
//! - a `waived` result is listed with an external `suppression`, so scanners
//!   show it as suppressed rather than open. Passes, `not-evaluated` and
//!   `not-applicable` results are not SARIF results (they are in the JSON).
//! - **locations**: the evidence file (`artifactLocation.uri`, relative, as
//!   the report's `evidence[].path`, percent-encoded, with `uriBaseId`
//!   `EVIDENCE`) with a `region.startLine` whenever the result's evidence
//!   location has a line: a bare credential report's row, or, for JSON
//!   evidence, the line where the location's JSON pointer's value starts
//!   (an authorization-details entry, a trust statement, `/SummaryMap`,
//!   `/PasswordPolicy`; for a credential report envelope, the line of
//!   `Content`, since a row inside the base64 text has no line of its own
//!   in the file). Lines count LF, CRLF and a lone CR, which the run states
//!   in `newlineSequences`. The JSON pointer is also a logical location
//!   (kind `member`); the subject ARN always is one (kind `resource`). An
//!   account-wide result points at the evidence file its control requires,
//!   with no region (the whole file).
//! - `partialFingerprints["iamAuditResultId/v1"]` is the result's stable
//!   `id`; `partialFingerprints.primaryLocationLineHash`, the only one GitHub
//!   reads, is derived from it (`primary_location_line_hash`), so
//!   code-scanning tools track a finding across runs whatever moves in the
//!   export.
//! - `artifacts` lists every evidence file with its SHA-256 and size.
//! - `originalUriBaseIds.EVIDENCE` is the folder given to `evaluate`, the
//!   base of every artifact URI. It has a `description` and no `uri`: the
//!   report never holds an absolute path of the machine that made it (it
//!   must be the same bytes wherever it is made), and SARIF 2.1.0 §3.14.14
//!   lets a base without `uri` be resolved by the consumer (an upload step
//!   that knows where the evidence sits in its repository).
//! - `automationDetails.id` is `iam-audit/<account id>/` for one account
//!   and `iam-audit/organization/` for an organization: the category code
//!   scanning keeps analyses apart by, so each account's alerts are tracked
//!   on their own and a rerun replaces the previous run of the same scope.
//! - The driver's `informationUri` is the package's `homepage` (else
//!   `repository`) when the build sets one (a distributor's); the project
//!   publishes no address, so its own builds have none rather than an
//!   invented one (`information_uri`).
//!
//! GitHub code scanning's documented limits (20 runs, one here; 1,000
//! locations per result, one here; 20 tags per rule, at most 9 here) are
//! met, except two that a large scope can pass: a run of more than 25,000
//! results, or a log over 10 MB gzip-compressed, is rejected by the upload,
//! and of up to 25,000 only 5,000 are kept (the largest single account
//! gives 10,481 results, 0.5 MB gzip-compressed). The log is never truncated
//! to fit: the README says how to split it (`--select`/`--ignore` by
//! control, one account per run).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Map, Value};

use super::{PolicyEntry, Report};
use crate::results::{Finding, Status};

/// `$schema` of the log: the OASIS location of the schema in `schemas/`.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Characters kept as they are in a relative URI path: RFC 3986 unreserved
/// characters and `/` (paths use `/` on every platform).
const URI_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// The base every artifact URI is relative to (`originalUriBaseIds`).
pub const EVIDENCE_BASE: &str = "EVIDENCE";

/// `properties.security-severity` of a rule: a CVSS-like score from 0.0 to
/// 10.0, as a string, which GitHub code scanning maps back to a severity
/// (9.0 and over critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low). The
/// values sit inside each band so critical and high alerts no longer look
/// alike; `info` is 0.0, below every band.
pub fn security_severity(severity: &str) -> &'static str {
    match severity {
        "critical" => "9.5",
        "high" => "8.0",
        "medium" => "5.5",
        "low" => "3.0",
        _ => "0.0",
    }
}

/// SARIF level of a severity.
pub fn level(severity: &str) -> &'static str {
    match severity {
        "critical" | "high" => "error",
        "medium" => "warning",
        _ => "note",
    }
}

pub fn render(report: &Report) -> String {
    let rules: Vec<Value> = report
        .policies
        .iter()
        .map(|p| rule(p, report.requirement_tags(&p.id)))
        .collect();
    let results: Vec<Value> = report
        .results
        .iter()
        .filter(|r| matches!(r.status, Status::Fail | Status::Error | Status::Waived))
        .map(|r| result(report, r))
        .collect();
    let artifacts: Vec<Value> = report
        .evidence
        .iter()
        .map(|e| {
            json!({
                "location": artifact_location(&e.path),
                "length": e.bytes,
                "hashes": { "sha-256": e.sha256 },
                "properties": { "kind": e.kind },
            })
        })
        .collect();
    let mut run_properties = Map::new();
    run_properties.insert("asOf".into(), json!(report.as_of));
    run_properties.insert("asOfSource".into(), json!(report.as_of_source));
    if let Some(p) = &report.pack {
        run_properties.insert(
            "pack".into(),
            json!({ "name": p.name, "version": p.version }),
        );
    }
    run_properties.insert("summary".into(), json!(report.summary));
    let mut driver = Map::new();
    driver.insert("name".into(), json!(report.tool.name));
    if let Some(uri) = information_uri() {
        driver.insert("informationUri".into(), json!(uri));
    }
    driver.insert("version".into(), json!(report.tool.version));
    driver.insert("semanticVersion".into(), json!(report.tool.version));
    driver.insert("rules".into(), Value::Array(rules));
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "automationDetails": { "id": automation_id(report) },
            "originalUriBaseIds": {
                EVIDENCE_BASE: {
                    "description": {
                        "text": "The folder given to `iam-audit evaluate` (for a single file, the folder that holds it); every artifact URI is relative to it."
                    }
                }
            },
            "artifacts": artifacts,
            "results": results,
            "newlineSequences": NEWLINE_SEQUENCES,
            "columnKind": "unicodeCodePoints",
            "properties": run_properties,
        }]
    });
    let mut out = serde_json::to_string_pretty(&log)
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialize the SARIF log: {e}\"}}"));
    out.push('\n');
    out
}

/// A rule; `requirements`: the chosen frameworks' requirements it gives
/// evidence for, added to its tags (code scanning filters alerts by tag).
fn rule(p: &PolicyEntry, requirements: Vec<String>) -> Value {
    let help = p
        .remediation
        .clone()
        .unwrap_or_else(|| "No remediation is given for this control.".into());
    let mut properties = Map::new();
    properties.insert("severity".into(), json!(p.severity));
    properties.insert(
        "security-severity".into(),
        json!(security_severity(p.severity.as_str())),
    );
    properties.insert("version".into(), json!(p.version));
    properties.insert("source".into(), json!(p.source));
    properties.insert("requires".into(), json!(p.requires));
    if !p.cis_aws.is_empty() {
        properties.insert("cis_aws".into(), json!(p.cis_aws));
    }
    let mut tags = vec!["security".to_string(), "iam".to_string()];
    tags.extend(p.cis_aws.keys().map(|v| format!("cis-aws-{v}")));
    tags.extend(requirements);
    properties.insert("tags".into(), json!(tags));
    let mut help = json!({ "text": help });
    if let Some(uri) = &p.reference {
        // GitHub code scanning shows `help.markdown` (instead of the text)
        // and ignores `helpUri`: the reference goes in both.
        help["markdown"] = json!(format!(
            "{}\n\nReference: <{uri}>",
            help["text"].as_str().unwrap_or_default()
        ));
    }
    let mut rule = json!({
        "id": p.id,
        "name": pascal_case(&p.id),
        "shortDescription": { "text": p.title },
        "fullDescription": { "text": format!("{} ({} severity)", p.title, p.severity) },
        "help": help,
        "defaultConfiguration": { "level": level(p.severity.as_str()) },
        "properties": properties,
    });
    if let (Some(uri), Some(obj)) = (&p.reference, rule.as_object_mut()) {
        obj.insert("helpUri".into(), json!(uri));
    }
    rule
}

/// The lines ends a region's `startLine` counts (SARIF's default is CRLF
/// and LF only): a lone CR ends a line too, as in the credential report's
/// row lines and the JSON lines of `evidence::lines`.
const NEWLINE_SEQUENCES: [&str; 3] = ["\r\n", "\n", "\r"];

/// The driver's `informationUri`: the package's homepage, else its
/// repository, as set in `Cargo.toml` when the binary was built (a
/// distributor that publishes the tool sets one). The project itself
/// publishes no address, so its own builds leave the property out rather
/// than invent one.
fn information_uri() -> Option<&'static str> {
    [
        option_env!("CARGO_PKG_HOMEPAGE"),
        option_env!("CARGO_PKG_REPOSITORY"),
    ]
    .into_iter()
    .flatten()
    .find(|uri| !uri.trim().is_empty())
}

fn result(report: &Report, r: &Finding) -> Value {
    let rule_index = report.policies.iter().position(|p| *p.id == *r.policy);
    let (result_level, text) = match r.status {
        Status::Error => ("error", format!("not evaluable: {}", r.message)),
        _ => (level(r.severity.as_str()), r.message.to_string()),
    };
    let mut value = json!({
        "ruleId": r.policy,
        "kind": "fail",
        "level": result_level,
        "message": { "text": text },
        "locations": [location(report, r)],
        "partialFingerprints": {
            "iamAuditResultId/v1": r.id,
            "primaryLocationLineHash": primary_location_line_hash(&r.id),
        },
        "properties": {
            "status": r.status.as_str(),
            "severity": r.severity,
            "account": r.account,
            "subject": r.subject,
            "principal": r.principal,
            "action": r.action,
            "resource": r.resource,
            "resultId": r.id,
        },
    });
    if let (Some(i), Some(obj)) = (rule_index, value.as_object_mut()) {
        obj.insert("ruleIndex".into(), json!(i));
    }
    if let (Some(n), Some(props)) = (
        r.labels.benchmark_control.as_deref(),
        value.get_mut("properties").and_then(|p| p.as_object_mut()),
    ) {
        props.insert("benchmarkControl".into(), json!(n));
        if let Some(b) = &report.benchmark {
            props.insert("benchmark".into(), json!(b));
        }
    }
    if let (Some(tags), Some(props)) = (
        r.labels.requirements.as_deref(),
        value.get_mut("properties").and_then(|p| p.as_object_mut()),
    ) {
        props.insert("requirements".into(), json!(tags));
    }
    if r.status == Status::Waived {
        if let Some(obj) = value.as_object_mut() {
            obj.insert(
                "suppressions".into(),
                json!([{ "kind": "external", "status": "accepted" }]),
            );
        }
    }
    value
}

fn location(report: &Report, r: &Finding) -> Value {
    let mut logical = vec![json!({
        "name": r.subject,
        "fullyQualifiedName": r.subject,
        "kind": "resource",
    })];
    let mut region = None;
    let file = match &r.location {
        Some(l) => {
            if let Some(pointer) = &l.pointer {
                logical.push(json!({
                    "name": pointer,
                    "fullyQualifiedName": format!("{}#{}", l.file, pointer),
                    "kind": "member",
                }));
            }
            region = l.line.map(|line| json!({ "startLine": line }));
            Some(l.file.clone())
        }
        None => account_evidence(report, r),
    };
    let mut location = Map::new();
    if let Some(file) = file {
        let mut physical = Map::new();
        physical.insert("artifactLocation".into(), artifact_location(&file));
        if let Some(region) = region {
            physical.insert("region".into(), region);
        }
        location.insert("physicalLocation".into(), Value::Object(physical));
    }
    location.insert("logicalLocations".into(), Value::Array(logical));
    Value::Object(location)
}

/// For an account-wide result: the first evidence file of the result's
/// snapshot whose kind the control requires (what the finding was read
/// from), else the snapshot's first evidence file.
fn account_evidence(report: &Report, r: &Finding) -> Option<String> {
    let prefix = if report.snapshots.len() > 1 {
        let snapshot = report
            .snapshots
            .iter()
            .find(|s| s.account.as_deref() == Some(&*r.account))?;
        format!("{}/", snapshot.name)
    } else {
        String::new()
    };
    let requires = report
        .policy(&r.policy)
        .map(|p| p.requires.clone())
        .unwrap_or_default();
    let in_snapshot = || {
        report
            .evidence
            .iter()
            .filter(|e| e.path.starts_with(&prefix) && e.kind != "not-evidence")
    };
    in_snapshot()
        .find(|e| requires.contains(&e.kind))
        .or_else(|| in_snapshot().next())
        .map(|e| e.path.clone())
}

/// `partialFingerprints.primaryLocationLineHash`, the one fingerprint GitHub
/// code scanning reads (it ignores the others): 16 hex digits of the
/// SHA-256 of the result's stable id, then `:1`, the shape GitHub's own
/// upload action writes. Its action computes one from the text around the
/// line only when the log has none; this one follows the result, not a line
/// that moves whenever the export is taken again.
fn primary_location_line_hash(id: &str) -> String {
    let digest = crate::evidence::sha256_hex(id.as_bytes());
    format!("{}:1", digest.get(..16).unwrap_or(&digest))
}

/// An evidence file's `artifactLocation`: its URI relative to the
/// [`EVIDENCE_BASE`].
fn artifact_location(path: &str) -> Value {
    json!({ "uri": uri(path), "uriBaseId": EVIDENCE_BASE })
}

/// `automationDetails.id`: `iam-audit/<account id>/` for one snapshot whose
/// account is known, else `iam-audit/organization/` (several accounts) or
/// `iam-audit/` (an account the evidence does not name). The trailing `/`
/// makes it a category with no run id (SARIF 2.1.0 §3.17.4), so the id is the
/// same on every run of the same scope.
fn automation_id(report: &Report) -> String {
    match report.snapshots.as_slice() {
        [only] => match &only.account {
            Some(account) => format!("iam-audit/{account}/"),
            None => "iam-audit/".into(),
        },
        [] => "iam-audit/".into(),
        _ => "iam-audit/organization/".into(),
    }
}

/// A relative path as a URI reference.
fn uri(path: &str) -> String {
    utf8_percent_encode(path, URI_PATH).to_string()
}

/// `console-password-requires-mfa` → `ConsolePasswordRequiresMfa`.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_map_to_levels() {
        assert_eq!(level("critical"), "error");
        assert_eq!(level("high"), "error");
        assert_eq!(level("medium"), "warning");
        assert_eq!(level("low"), "note");
        assert_eq!(level("info"), "note");
    }

    #[test]
    fn severities_map_to_github_security_severity_bands() {
        let score = |s| security_severity(s).parse::<f64>().unwrap();
        assert!(score("critical") >= 9.0);
        assert!((7.0..9.0).contains(&score("high")));
        assert!((4.0..7.0).contains(&score("medium")));
        assert!((0.1..4.0).contains(&score("low")));
        assert_eq!(score("info"), 0.0);
    }

    #[test]
    fn uris_are_percent_encoded_relative_paths() {
        assert_eq!(
            uri("acct/credential report.csv"),
            "acct/credential%20report.csv"
        );
        assert_eq!(uri("a#b?c"), "a%23b%3Fc");
        assert_eq!(uri("é.json"), "%C3%A9.json");
    }

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(
            pascal_case("console-password-requires-mfa"),
            "ConsolePasswordRequiresMfa"
        );
    }
}
