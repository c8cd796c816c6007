//! The byte-level entry points the fuzz targets drive (`fuzz/`), and the
//! inputs the fuzzers found, as ordinary tests: they run with `cargo test`
//! and need no cargo-fuzz.

mod common;

use iam_audit::commands::{diff, verify};
use iam_audit::error::Error;
use serde_json::Value;

use common::*;

/// The demo snapshot's JSON report, as `evaluate` writes it.
fn demo_report() -> String {
    let out = run(&["evaluate", "snapshots/demo", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn verify_reads_a_report_from_bytes_and_says_why_it_cannot_be_replayed() {
    let text = demo_report();
    let read = verify::read_report("report.json", text.as_bytes());
    assert!(matches!(read, Ok(None)), "{read:?}");

    let mut value: Value = serde_json::from_str(&text).unwrap();
    value.as_object_mut().unwrap().remove("run");
    let edited = serde_json::to_string(&value).unwrap();
    let reason = verify::read_report("report.json", edited.as_bytes())
        .unwrap()
        .expect("no `run`: not replayable");
    assert!(reason.contains("(`run`)"), "{reason}");

    match verify::read_report("report.json", b"{\"schema_version\": 1,") {
        Err(Error::Input(errors)) => assert_eq!(errors[0].file, "report.json"),
        other => panic!("a truncated report is an input error: {other:?}"),
    }
}

#[test]
fn verify_compares_report_values_from_bytes() {
    let text = demo_report();
    let value: Value = serde_json::from_str(&text).unwrap();
    let mut differences = Vec::new();
    verify::compare_reports(&value, &value, &mut differences);
    assert!(differences.is_empty(), "{differences:?}");

    let mut edited = value.clone();
    let first = edited["results"]
        .as_array()
        .unwrap()
        .iter()
        .position(|r| r["status"] == "fail")
        .unwrap();
    edited["results"][first]["status"] = "pass".into();
    verify::compare_reports(&edited, &value, &mut differences);
    assert!(
        differences.iter().any(|d| d.contains("fail")),
        "{differences:?}"
    );
}

#[test]
fn diff_of_a_report_with_itself_is_empty() {
    let text = demo_report();
    let view = diff::parse_report("old.json", text.as_bytes()).unwrap();
    let drift = diff::compare(&view, &view);
    assert!(drift.new_failures.is_empty() && drift.resolved_failures.is_empty());
    assert!(drift.status_changes.is_empty() && drift.added.is_empty());
    assert!(drift.removed.is_empty() && drift.no_longer_evaluated.is_empty());
}

/// Found by `verify_diff` (2026-12-02): a report that starts with a UTF-8
/// byte order mark is read by `verify` and `diff` (the tool's JSON reader
/// takes the mark, as for evidence), so anything checking a report they
/// accepted must read it the same way, not with `serde_json` alone.
#[test]
fn a_report_with_a_byte_order_mark_is_read_by_verify_and_diff() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(demo_report().as_bytes());
    assert!(serde_json::from_slice::<Value>(&bytes).is_err());
    let read = verify::read_report("report.json", &bytes);
    assert!(matches!(read, Ok(None)), "{read:?}");
    let value = iam_audit::evidence::json::parse_file("report.json", &bytes, "").unwrap();
    assert_eq!(value["schema_version"], 1);
    let view = diff::parse_report("old.json", &bytes).unwrap();
    assert!(diff::compare(&view, &view).new_failures.is_empty());
}
