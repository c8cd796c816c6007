//! Every sample snapshot in `snapshots/`, rendered in every format and
//! compared with the committed insta snapshots; JSON reports are checked
//! against their schema and must be byte-identical across runs, working
//! directories and evidence locations.

mod common;

use common::*;

const SAMPLES: &[&str] = &["demo", "compliant", "org"];

#[test]
fn json_reports_match_their_snapshots() {
    for sample in SAMPLES {
        let path = format!("snapshots/{sample}");
        let out = run(&["evaluate", &path, "--format", "json"]);
        let text = stdout(&out);
        let report: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_valid_report(&report);
        insta::assert_snapshot!(format!("json_{sample}"), text);
    }
}

#[test]
fn table_reports_match_their_snapshots() {
    for sample in SAMPLES {
        let path = format!("snapshots/{sample}");
        let out = run(&["evaluate", &path]);
        insta::assert_snapshot!(format!("table_{sample}"), stdout(&out));
    }
}

#[test]
fn exit_codes_follow_the_contract() {
    assert_eq!(run(&["evaluate", "snapshots/demo"]).status.code(), Some(1));
    assert_eq!(
        run(&["evaluate", "snapshots/compliant"]).status.code(),
        Some(0)
    );
    assert_eq!(run(&["evaluate", "snapshots/org"]).status.code(), Some(1));
}

#[test]
fn json_is_byte_identical_across_runs_folders_and_working_directories() {
    let first = stdout(&run(&["evaluate", "snapshots/demo", "--format", "json"]));
    let again = stdout(&run(&["evaluate", "./snapshots/demo/", "--format", "json"]));
    assert_eq!(first, again);

    let tmp = tempfile::tempdir().unwrap();
    let moved = tmp.path().join("somewhere-else").join("acme-prod");
    copy_tree(&root().join("snapshots/demo"), &moved);
    let elsewhere = cmd(&["evaluate", "acme-prod", "--format", "json"])
        .current_dir(moved.parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(first, stdout(&elsewhere));
    let absolute = cmd(&["evaluate", moved.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(first, stdout(&absolute));
    assert!(!first.contains(tmp.path().to_str().unwrap()));
    assert!(!first.contains(root().to_str().unwrap()));
}

#[test]
fn output_file_holds_the_same_report() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("report.json");
    let out = run(&[
        "evaluate",
        "snapshots/demo",
        "--format",
        "json",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        written,
        stdout(&run(&["evaluate", "snapshots/demo", "--format", "json"]))
    );
    // Only the report is left behind: no temporary file.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}
