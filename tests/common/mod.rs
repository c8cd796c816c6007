//! Helpers shared by the integration tests: run the real binary from the
//! project root (so paths in messages are the relative ones a user types),
//! check JSON reports against `schemas/report.schema.json`, and read the
//! failing subjects per control out of a report.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `iam-audit ARGS...`, run in the project root, with colours off.
pub fn cmd(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_iam-audit"));
    c.args(args).current_dir(root()).env("NO_COLOR", "1");
    c
}

pub fn run(args: &[&str]) -> Output {
    cmd(args).output().expect("the binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

/// Evaluates and returns the JSON report, after checking it against the
/// report schema (every JSON report a test produces goes through here).
pub fn json_report(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["evaluate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let out = run(&all);
    let text = stdout(&out);
    let report: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("not JSON ({e}); stderr: {}", stderr(&out)));
    assert_valid_report(&report);
    (out.status.code().expect("exit code"), report)
}

pub fn assert_valid_report(report: &Value) {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schemas/report.schema.json")).expect("schema file"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report violates its schema:\n{}",
        errors.join("\n")
    );
}

/// policy id → subjects whose result has `status`.
pub fn subjects_with(report: &Value, status: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in report["results"].as_array().expect("results") {
        if r["status"] == status {
            map.entry(r["policy"].as_str().unwrap().to_string())
                .or_default()
                .insert(r["subject"].as_str().unwrap().to_string());
        }
    }
    map
}

/// Subjects failing one control.
pub fn failing(report: &Value, policy: &str) -> BTreeSet<String> {
    subjects_with(report, "fail")
        .remove(policy)
        .unwrap_or_default()
}

pub fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Results of one control, as (subject, principal, status).
pub fn results_of(report: &Value, policy: &str) -> Vec<(String, String, String)> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["policy"] == policy)
        .map(|r| {
            (
                r["subject"].as_str().unwrap().to_string(),
                r["principal"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Copies a folder tree (for determinism tests from another location).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The sample snapshots, and names that start with formula characters, hold
/// pipes, `<script>`, quotes, commas, line breaks, Markdown syntax and
/// non-ASCII text: what every report format is tried on.
pub const FORMAT_FIXTURES: &[(&str, &str)] = &[
    ("demo", "snapshots/demo"),
    ("compliant", "snapshots/compliant"),
    ("org", "snapshots/org"),
    ("hostile", "tests/fixtures/hostile-names"),
];

/// `evaluate PATH --format FORMAT` (and any further arguments), which must
/// give a report (exit code 0 or 1): its stdout.
pub fn render_format(path: &str, format: &str) -> String {
    let out = run(&["evaluate", path, "--format", format]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "`{format}` of `{path}` failed: {}",
        stderr(&out)
    );
    stdout(&out)
}
