//! The auditor's workflow features end to end through the real binary:
//! waivers (and their expiry boundary), the exit policy (`--fail-on`,
//! `--min-severity`), organizations evaluated in parallel (same bytes as
//! sequential, per-account totals), and `diff` between reports the tool
//! itself produced.

mod common;

use base64::Engine as _;

use std::path::Path;

use common::*;
use serde_json::Value;

const BOB: &str = "console-password-requires-mfa/arn:aws:iam::123456789012:user/bob";
const CAROL: &str = "console-password-requires-mfa/arn:aws:iam::123456789012:user/carol";
const LEGACY: &str = "support-role-trust-requires-mfa/arn:aws:iam::123456789012:role/aws-support-legacy/statement/0/principal/arn:aws:iam::123456789012:root";

/// The built-in pack before the CIS controls: these tests are about
/// waivers, the exit policy and `diff`, not about which controls the demo
/// fails, so they pin the controls they were written against.
const THREE_CONTROLS: &[&str] = &[
    "--no-default-policies",
    "--policies",
    "policies/console-password-requires-mfa.cedar",
    "--policies",
    "policies/support-role.cedar",
];

/// `args` followed by [`THREE_CONTROLS`].
fn three<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend_from_slice(THREE_CONTROLS);
    all
}

fn result<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no result `{id}`"))
}

fn waiver_states(report: &Value) -> Vec<(String, u64, u64)> {
    report["waivers"]
        .as_array()
        .expect("a waivers list")
        .iter()
        .map(|w| {
            (
                w["state"].as_str().unwrap().to_string(),
                w["matched"].as_u64().unwrap(),
                w["waived"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn one_waiver(subject: &str, expires: &str) -> String {
    format!(
        r#"{{"waivers": [{{"policy": "console-password-requires-mfa", "subject": "{subject}",
            "reason": "hardware token ordered", "approver": "ciso@example.com", "expires": "{expires}"}}]}}"#
    )
}

// ---------------------------------------------------------------- waivers

#[test]
fn waivers_turn_covered_failures_into_waived_and_list_every_waiver() {
    let (code, report) = json_report(&three(&[
        "snapshots/demo",
        "--waivers",
        "tests/fixtures/waivers/demo.json",
    ]));
    // carol still fails.
    assert_eq!(code, 1);
    assert_eq!(result(&report, BOB)["status"], "waived");
    assert_eq!(result(&report, LEGACY)["status"], "waived");
    assert_eq!(result(&report, CAROL)["status"], "fail");
    assert!(result(&report, CAROL).get("waiver").is_none());
    assert_eq!(
        result(&report, BOB)["waiver"],
        serde_json::json!({
            "pointer": "/waivers/0",
            "reason": "break-glass user; hardware MFA token ordered (ticket SEC-142)",
            "approver": "ciso@example.com",
            "expires": "2026-12-01"
        })
    );
    assert_eq!(report["summary"]["waived"], 2);
    assert_eq!(report["summary"]["fail"], 1);
    assert_eq!(report["snapshots"][0]["summary"]["waived"], 2);
    assert_eq!(
        waiver_states(&report),
        [
            ("applied".into(), 1, 1),
            ("applied".into(), 1, 1),
            ("unmatched".into(), 0, 0),
            ("expired".into(), 0, 0),
        ]
    );
}

#[test]
fn everything_waived_exits_0_and_the_table_shows_the_waivers() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(
        tmp.path(),
        "w.json",
        r#"{"waivers": [
            {"policy": "console-password-requires-mfa", "subject": "arn:aws:iam::123456789012:user/*",
             "reason": "MFA rollout in progress", "approver": "ciso@example.com", "expires": "2027-01-01"},
            {"policy": "support-role-trust-requires-mfa", "subject": "arn:aws:iam::123456789012:role/aws-support-legacy",
             "reason": "legacy role", "approver": "ciso@example.com", "expires": "2027-01-01"}
        ]}"#,
    );
    let (code, report) = json_report(&three(&["snapshots/demo", "--waivers", &file]));
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["fail"], 0);
    assert_eq!(report["summary"]["waived"], 3);
    // A glob never turns a non-failure into anything: grace stays not-evaluated.
    assert_eq!(report["summary"]["not-evaluated"], 1);
    assert_eq!(
        waiver_states(&report),
        [("applied".into(), 2, 2), ("applied".into(), 1, 1)]
    );

    // Wide enough that no cell wraps (a pipe gets 100 columns).
    let out = cmd(&three(&["evaluate", "snapshots/demo", "--waivers", &file]))
        .env("COLUMNS", "1000")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let table = stdout(&out);
    assert!(table.contains("Waived"), "{table}");
    assert!(
        table.contains("(waived until 2027-01-01 by ciso@example.com: MFA rollout in progress)")
    );
    assert!(table.contains("/waivers/1"));
    assert!(table.contains("0 failed, 0 errors, 3 waived"));
}

#[test]
fn a_waiver_applies_until_23_59_59_the_day_before_its_expiry_and_not_at_midnight() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(
        tmp.path(),
        "w.json",
        &one_waiver("arn:aws:iam::123456789012:user/bob", "2026-12-01"),
    );
    let (_, before) = json_report(&[
        "snapshots/demo",
        "--waivers",
        &file,
        "--as-of",
        "2026-11-30T23:59:59Z",
    ]);
    assert_eq!(result(&before, BOB)["status"], "waived");
    assert_eq!(waiver_states(&before), [("applied".into(), 1, 1)]);

    let (_, at) = json_report(&[
        "snapshots/demo",
        "--waivers",
        &file,
        "--as-of",
        "2026-12-01T00:00:00Z",
    ]);
    assert_eq!(result(&at, BOB)["status"], "fail");
    assert!(result(&at, BOB).get("waiver").is_none());
    assert_eq!(waiver_states(&at), [("expired".into(), 1, 0)]);

    // The same instant written with an offset: 00:59:59+01:00 is 23:59:59Z.
    let (_, offset) = json_report(&[
        "snapshots/demo",
        "--waivers",
        &file,
        "--as-of",
        "2026-12-01T00:59:59+01:00",
    ]);
    assert_eq!(result(&offset, BOB)["status"], "waived");
}

#[test]
fn without_an_as_of_time_no_waiver_applies_and_the_report_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(
        tmp.path(),
        "w.json",
        &one_waiver("arn:aws:iam::123456789012:user/legacy", "2999-01-01"),
    );
    // A bare CSV credential report carries no `GeneratedTime`.
    let (code, report) = json_report(&["tests/fixtures/csv-16-columns", "--waivers", &file]);
    assert_eq!(code, 1);
    assert_eq!(report["as_of"], Value::Null);
    assert_eq!(report["summary"]["waived"], 0);
    assert_eq!(waiver_states(&report), [("no-as-of".into(), 1, 0)]);
    assert!(report["warnings"].as_array().unwrap().iter().any(|w| w
        .as_str()
        .unwrap()
        .contains("no as-of time, so no waiver can apply")));

    let (_, with_flag) = json_report(&[
        "tests/fixtures/csv-16-columns",
        "--waivers",
        &file,
        "--as-of",
        "2026-11-20",
    ]);
    assert_eq!(with_flag["summary"]["waived"], 1);
}

#[test]
fn bad_waivers_files_exit_2_naming_the_file_and_the_place() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        (
            r#"{"waivers": [{"policy": "p", "subject": "s", "reason": "r", "approver": "", "expires": "2027-01-01"}]}"#,
            "JSON pointer `/waivers/0/approver`: `approver` must not be empty",
        ),
        (
            r#"{"waivers": [{"policy": "p", "subject": "s", "reason": "r", "approver": "a"}]}"#,
            "JSON pointer `/waivers/0`: missing required key `expires`",
        ),
        (
            r#"{"waivers": [{"policy": "p", "subject": "s", "reason": "r", "approver": "a", "expires": "2027-13-01"}]}"#,
            "JSON pointer `/waivers/0/expires`: `2027-13-01` is not a valid calendar date",
        ),
        (
            r#"{"waivers": [{"subject": "s", "reason": "r", "approver": "a", "expires": "2027-01-01"}]}"#,
            "JSON pointer `/waivers/0`: a waiver names either `policy` and `subject`, or one result id",
        ),
        (
            "{\"waivers\": [\n  {\"policy\": \"p\",}\n]}",
            "w.json:2:",
        ),
        (r#"[]"#, "JSON pointer `/`: expected object, found an array"),
    ];
    for (text, expected) in cases {
        let file = write(tmp.path(), "w.json", text);
        let out = run(&["evaluate", "snapshots/demo", "--waivers", &file]);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(out.stdout.is_empty(), "no partial report for {text}");
        let err = stderr(&out);
        assert!(err.contains(expected), "{text}\n→ {err}");
        assert!(err.contains("w.json"), "{err}");
    }
    let out = run(&[
        "evaluate",
        "snapshots/demo",
        "--waivers",
        "no/such/waivers.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no/such/waivers.json: cannot read the waivers file"));
}

// ------------------------------------------------------------ exit policy

#[test]
fn fail_on_not_evaluated_makes_a_missing_export_break_ci() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(
        tmp.path(),
        "w.json",
        r#"{"waivers": [
            {"policy": "console-password-requires-mfa", "subject": "*", "reason": "r", "approver": "a", "expires": "2027-01-01"},
            {"policy": "support-role-trust-requires-mfa", "subject": "*", "reason": "r", "approver": "a", "expires": "2027-01-01"}
        ]}"#,
    );
    let code = |extra: &[&str]| {
        let mut args = three(&["evaluate", "snapshots/demo", "--waivers", &file]);
        args.extend_from_slice(extra);
        run(&args).status.code()
    };
    assert_eq!(code(&[]), Some(0));
    // grace is absent from the credential report: not-evaluated.
    assert_eq!(code(&["--fail-on", "fail,error,not-evaluated"]), Some(1));
    assert_eq!(code(&["--fail-on", "waived"]), Some(1));
    assert_eq!(code(&["--fail-on", "error"]), Some(0));
}

#[test]
fn min_severity_ignores_less_severe_failures_for_the_exit_code_only() {
    // The demo fails nothing `critical`, and fails `high` controls.
    let code = |extra: &[&str]| {
        let mut args = vec!["evaluate", "snapshots/demo"];
        args.extend_from_slice(extra);
        run(&args).status.code()
    };
    assert_eq!(code(&["--min-severity", "high"]), Some(1));
    assert_eq!(code(&["--min-severity", "low"]), Some(1));
    assert_eq!(code(&["--min-severity", "critical"]), Some(0));
    // The report itself does not change.
    let plain = stdout(&run(&["evaluate", "snapshots/demo", "--format", "json"]));
    let filtered = stdout(&run(&[
        "evaluate",
        "snapshots/demo",
        "--format",
        "json",
        "--min-severity",
        "critical",
    ]));
    assert_eq!(plain, filtered);
}

#[test]
fn exit_policy_flags_reject_unknown_values_and_never_mask_exit_2() {
    for args in [
        ["--fail-on", "pass"],
        ["--fail-on", "fail,bogus"],
        ["--min-severity", "severe"],
    ] {
        let mut all = vec!["evaluate", "snapshots/demo"];
        all.extend_from_slice(&args);
        let out = run(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
    }
    let tmp = tempfile::tempdir().unwrap();
    let org = tmp.path().join("org");
    copy_tree(&root().join("snapshots/org"), &org);
    copy_tree(
        &root().join("tests/fixtures/bad-boolean"),
        &org.join("333333333333-broken"),
    );
    let out = cmd(&[
        "evaluate",
        org.to_str().unwrap(),
        "--min-severity",
        "critical",
        "--fail-on",
        "fail",
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

// ---------------------------------------------------------- organizations

#[test]
fn parallel_organizations_give_the_same_bytes_as_sequential() {
    let tmp = tempfile::tempdir().unwrap();
    let org = tmp.path().join("org");
    copy_tree(&root().join("snapshots/org"), &org);
    copy_tree(
        &root().join("snapshots/demo"),
        &org.join("123456789012-demo"),
    );
    copy_tree(
        &root().join("snapshots/compliant"),
        &org.join("444444444444-compliant"),
    );
    copy_tree(
        &root().join("tests/fixtures/bad-boolean"),
        &org.join("333333333333-broken"),
    );
    let org = org.to_str().unwrap();
    let report = |jobs: &str, format: &str| {
        let out = cmd(&["evaluate", org, "--jobs", jobs, "--format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        // Never a progress bar when stderr is not a terminal.
        assert!(!stderr(&out).contains("evaluating ["));
        out.stdout
    };
    let sequential = report("1", "json");
    assert_eq!(sequential, report("2", "json"));
    assert_eq!(sequential, report("5", "json"));
    assert_eq!(report("1", "table"), report("4", "table"));

    let parsed: Value = serde_json::from_slice(&sequential).unwrap();
    assert_valid_report(&parsed);
    let names: Vec<&str> = parsed["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "111111111111-prod",
            "123456789012-demo",
            "222222222222-dev",
            "333333333333-broken",
            "444444444444-compliant"
        ]
    );
    let out = cmd(&["evaluate", org, "--jobs", "0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn organizations_report_totals_per_account() {
    let (_, report) = json_report(&["snapshots/org"]);
    let snapshots = report["snapshots"].as_array().unwrap();
    let mut sum_fail = 0;
    let mut sum_total = 0;
    for s in snapshots {
        let account = s["account"].as_str().unwrap();
        let results: Vec<&Value> = report["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["account"] == account)
            .collect();
        assert_eq!(s["summary"]["total"], results.len());
        let fails = results.iter().filter(|r| r["status"] == "fail").count();
        assert_eq!(s["summary"]["fail"], fails);
        sum_fail += fails;
        sum_total += results.len();
    }
    // dev-intern has no MFA (console and users-have-mfa), and the support
    // role was never used.
    assert_eq!(snapshots[1]["summary"]["fail"], 3);
    assert_eq!(report["summary"]["fail"], sum_fail);
    assert_eq!(report["summary"]["total"], sum_total);

    let table = stdout(&run(&["evaluate", "snapshots/org"]));
    assert!(table.contains("│ Snapshot"), "{table}");
    assert!(table.contains("222222222222-dev"));
}

#[test]
fn an_unusable_account_has_no_summary_and_the_table_says_unusable() {
    let tmp = tempfile::tempdir().unwrap();
    let org = tmp.path().join("org");
    copy_tree(&root().join("snapshots/org"), &org);
    copy_tree(
        &root().join("tests/fixtures/bad-boolean"),
        &org.join("333333333333-broken"),
    );
    let out = cmd(&["evaluate", org.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_report(&report);
    assert_eq!(report["snapshots"][2]["summary"], Value::Null);
    assert_eq!(report["snapshots"][1]["summary"]["fail"], 3);
    let table = stdout(&cmd(&["evaluate", org.to_str().unwrap()]).output().unwrap());
    assert!(table.contains("unusable"));
}

// ------------------------------------------------------------------- diff

/// Writes `evaluate ARGS --format json` to `dir/name` and returns its path.
fn report_file(dir: &Path, name: &str, args: &[&str]) -> String {
    let path = dir.join(name).to_str().unwrap().to_string();
    let mut all = vec!["evaluate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json", "-o", &path]);
    let out = run(&all);
    assert!(out.status.code() != Some(2), "{}", stderr(&out));
    path
}

fn diff_json(old: &str, new: &str) -> (i32, Value) {
    let out = run(&["diff", old, new, "--format", "json"]);
    let drift: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stderr(&out)));
    (out.status.code().unwrap(), drift)
}

fn ids(drift: &Value, list: &str) -> Vec<String> {
    drift[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn diff_of_a_report_with_itself_is_empty_and_exits_0() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = report_file(tmp.path(), "demo.json", &["snapshots/demo"]);
    let (code, drift) = diff_json(&demo, &demo);
    assert_eq!(code, 0);
    for list in [
        "new_failures",
        "resolved_failures",
        "no_longer_evaluated",
        "status_changes",
        "added",
        "removed",
        "policies",
        "evidence",
    ] {
        assert_eq!(drift[list], serde_json::json!([]), "{list}");
    }
    let table = stdout(&run(&["diff", &demo, &demo]));
    assert!(table.ends_with(
        "0 new failures, 0 resolved failures, 0 no longer evaluated, 0 other status changes, 0 added, 0 removed; 0 policies and 0 evidence files changed\n"
    ));
}

#[test]
fn diff_finds_new_and_resolved_failures_and_exits_1_only_on_new_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = report_file(tmp.path(), "demo.json", &["snapshots/demo"]);
    let waived = report_file(
        tmp.path(),
        "waived.json",
        &[
            "snapshots/demo",
            "--waivers",
            "tests/fixtures/waivers/demo.json",
        ],
    );
    // demo → waived: bob and the legacy role no longer fail.
    let (code, drift) = diff_json(&demo, &waived);
    assert_eq!(code, 0);
    assert_eq!(ids(&drift, "new_failures"), Vec::<String>::new());
    assert_eq!(ids(&drift, "resolved_failures"), [BOB, LEGACY]);
    assert_eq!(drift["resolved_failures"][0]["before"], "fail");
    assert_eq!(drift["resolved_failures"][0]["after"], "waived");
    // waived → demo: they fail again.
    let (code, drift) = diff_json(&waived, &demo);
    assert_eq!(code, 1);
    assert_eq!(ids(&drift, "new_failures"), [BOB, LEGACY]);
    assert_eq!(drift["old"]["summary"]["waived"], 2);
    assert_eq!(drift["new"]["summary"]["waived"], 0);

    insta::assert_snapshot!(
        "diff_waived_to_demo_table",
        stdout(&run(&["diff", &waived, &demo]))
    );
}

#[test]
fn diff_across_accounts_lists_added_removed_and_evidence_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = report_file(tmp.path(), "demo.json", &three(&["snapshots/demo"]));
    let compliant = report_file(
        tmp.path(),
        "compliant.json",
        &three(&["snapshots/compliant"]),
    );
    let (code, drift) = diff_json(&demo, &compliant);
    assert_eq!(code, 0);
    assert_eq!(ids(&drift, "resolved_failures").len(), 3);
    assert!(drift["resolved_failures"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["after"].is_null() || c["after"] != "fail"));
    assert!(!ids(&drift, "removed").is_empty());
    assert!(!ids(&drift, "added").is_empty());
    let changes: Vec<(&str, &str)> = drift["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap(), e["change"].as_str().unwrap()))
        .collect();
    assert!(changes.contains(&("credential_report.csv", "added")));
    assert!(changes.contains(&("credential-report.json", "removed")));
    let (code, drift) = diff_json(&compliant, &demo);
    assert_eq!(code, 1);
    assert_eq!(ids(&drift, "new_failures"), [BOB, CAROL, LEGACY]);
    assert_eq!(drift["new_failures"][0]["before"], Value::Null);
}

#[test]
fn diff_reports_policies_added_and_as_of_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = report_file(tmp.path(), "demo.json", &three(&["snapshots/demo"]));
    let custom = report_file(
        tmp.path(),
        "custom.json",
        &three(&[
            "snapshots/demo",
            "--policies",
            "tests/fixtures/policies/custom",
        ]),
    );
    let (code, drift) = diff_json(&demo, &custom);
    assert_eq!(code, 1);
    let policies: Vec<(&str, &str)> = drift["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["change"].as_str().unwrap()))
        .collect();
    assert!(!policies.is_empty());
    assert!(policies.iter().all(|(_, c)| *c == "added"));
    assert!(drift["new_failures"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["before"].is_null()));

    let later = report_file(
        tmp.path(),
        "later.json",
        &three(&["snapshots/demo", "--as-of", "2027-01-31"]),
    );
    let (code, drift) = diff_json(&demo, &later);
    assert_eq!(code, 0);
    assert_eq!(drift["old"]["as_of"], "2026-11-20T09:30:00Z");
    assert_eq!(drift["new"]["as_of"], "2027-01-31T00:00:00Z");
}

#[test]
fn diff_works_across_organizations_and_is_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    let org = tmp.path().join("org");
    copy_tree(&root().join("snapshots/org"), &org);
    let before = report_file(tmp.path(), "before.json", &three(&[org.to_str().unwrap()]));
    copy_tree(
        &root().join("snapshots/demo"),
        &org.join("123456789012-demo"),
    );
    let after = report_file(tmp.path(), "after.json", &three(&[org.to_str().unwrap()]));
    let (code, drift) = diff_json(&before, &after);
    assert_eq!(code, 1);
    assert_eq!(ids(&drift, "new_failures"), [BOB, CAROL, LEGACY]);
    assert_eq!(
        drift["new"]["accounts"],
        serde_json::json!(["111111111111", "123456789012", "222222222222"])
    );
    let first = run(&["diff", &before, &after, "--format", "json"]).stdout;
    assert_eq!(
        first,
        run(&["diff", &before, &after, "--format", "json"]).stdout
    );
}

#[test]
fn diff_refuses_unreadable_or_invalid_reports_with_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = report_file(tmp.path(), "demo.json", &["snapshots/demo"]);
    let text = std::fs::read_to_string(&demo).unwrap();
    let mut report: Value = serde_json::from_str(&text).unwrap();
    let broken_json = write(tmp.path(), "broken.json", "{\n  \"schema_version\": 1,\n");
    let status = report["results"][0]["status"].clone();
    report["results"][0]["status"] = "maybe".into();
    let bad_status = write(tmp.path(), "bad-status.json", &report.to_string());
    report["results"][0]["status"] = status;
    let first = report["results"][0].clone();
    let results = report["results"].as_array_mut().unwrap();
    // The copy lands after every original result.
    let duplicate = format!(
        "twice.json: JSON pointer `/results/{}/id`: result",
        results.len()
    );
    results.push(first);
    let twice = write(tmp.path(), "twice.json", &report.to_string());
    let cases = [
        (broken_json.as_str(), "broken.json:3:"),
        (
            bad_status.as_str(),
            "bad-status.json: JSON pointer `/results/0/status`",
        ),
        (twice.as_str(), duplicate.as_str()),
        (
            "no/such/report.json",
            "no/such/report.json: cannot read the report",
        ),
    ];
    for (bad, expected) in cases {
        for args in [[&demo, bad], [bad, &demo]] {
            let out = run(&["diff", args[0], args[1]]);
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            assert!(out.stdout.is_empty());
            let err = stderr(&out);
            assert!(err.contains(expected), "{expected}\n→ {err}");
        }
    }
}

#[test]
fn the_readme_waivers_example_is_valid_and_does_what_it_says() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = &readme[readme.find("## Waivers").expect("a Waivers section")..];
    let start = section.find("```json\n").expect("a JSON example") + "```json\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "waivers.json", example);
    let (code, report) = json_report(&["snapshots/demo", "--waivers", &file]);
    assert_eq!(code, 1, "carol is not waived");
    assert_eq!(
        waiver_states(&report),
        [
            ("applied".into(), 1, 1),
            ("unmatched".into(), 0, 0),
            ("applied".into(), 1, 1),
        ]
    );
}

#[test]
fn diff_when_an_export_goes_missing_lists_lost_results_and_evidence() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = report_file(tmp.path(), "demo.json", &three(&["snapshots/demo"]));
    // The same account without its credential report: per-user MFA results
    // disappear and the control becomes one `not-evaluated` account result.
    let missing = tmp.path().join("demo");
    copy_tree(&root().join("snapshots/demo"), &missing);
    std::fs::remove_file(missing.join("credential-report.json")).unwrap();
    let missing = missing.to_str().unwrap();
    let partial = report_file(
        tmp.path(),
        "partial.json",
        &three(&[missing, "--as-of", "2026-11-20T09:30:00Z"]),
    );
    let (code, drift) = diff_json(&demo, &partial);
    assert_eq!(code, 0);
    // Bob and Carol still fail for all anyone knows: not fixes.
    assert_eq!(drift["resolved_failures"], serde_json::json!([]));
    assert_eq!(ids(&drift, "no_longer_evaluated"), [BOB, CAROL]);
    assert_eq!(drift["no_longer_evaluated"][0]["after"], Value::Null);
    let why = drift["no_longer_evaluated"][0]["why"].as_str().unwrap();
    assert!(
        why.contains("could not run") && why.contains("credential-report"),
        "{why}"
    );
    let out = run(&["diff", &demo, &partial, "--fail-on-lost"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        ids(&drift, "added"),
        ["console-password-requires-mfa/arn:aws:iam::123456789012:root"]
    );
    assert_eq!(drift["added"][0]["after"], "not-evaluated");
    assert_eq!(ids(&drift, "removed").len(), 6);
    let evidence: Vec<(&str, &str)> = drift["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap(), e["change"].as_str().unwrap()))
        .collect();
    assert_eq!(evidence, [("credential-report.json", "removed")]);
    // `--fail-on not-evaluated` is how a pipeline notices a missing export.
    let out = run(&three(&[
        "evaluate",
        missing,
        "--as-of",
        "2026-11-20T09:30:00Z",
        "--fail-on",
        "not-evaluated",
    ]));
    assert_eq!(out.status.code(), Some(1));
}

/// The demo's credential report re-exported as a bare CSV (no
/// `GeneratedTime`, so no as-of time): the age-based failures can no longer
/// be judged, and `diff` must not call them resolved.
#[test]
fn diff_never_calls_a_loss_of_the_as_of_time_a_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = report_file(tmp.path(), "demo.json", &["snapshots/demo"]);
    let bare = tmp.path().join("bare");
    copy_tree(&root().join("snapshots/demo"), &bare);
    let envelope: Value = serde_json::from_str(
        &std::fs::read_to_string(bare.join("credential-report.json")).unwrap(),
    )
    .unwrap();
    let csv = base64::engine::general_purpose::STANDARD
        .decode(envelope["Content"].as_str().unwrap())
        .unwrap();
    std::fs::write(bare.join("credential-report.csv"), csv).unwrap();
    std::fs::remove_file(bare.join("credential-report.json")).unwrap();
    let poorer = report_file(tmp.path(), "bare.json", &[bare.to_str().unwrap()]);
    let (code, drift) = diff_json(&demo, &poorer);
    assert_eq!(code, 0);
    assert_eq!(drift["resolved_failures"], serde_json::json!([]));
    let lost = ids(&drift, "no_longer_evaluated");
    assert!(
        lost.contains(&"access-keys-rotated-90-days/arn:aws:iam::123456789012:user/erin.ops@example.com/access-key/1".to_string()),
        "{lost:?}"
    );
    assert!(drift["no_longer_evaluated"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["why"].as_str().unwrap().contains("as-of time")));
    // The other way, richer evidence, is new failures, not lost ones.
    let (code, back) = diff_json(&poorer, &demo);
    assert_eq!(code, 1);
    assert_eq!(back["no_longer_evaluated"], serde_json::json!([]));
}

#[test]
fn diff_puts_each_result_in_exactly_one_list() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = report_file(tmp.path(), "demo.json", &["snapshots/demo"]);
    let mut report: Value = serde_json::from_str(&std::fs::read_to_string(&demo).unwrap()).unwrap();
    let set_status = |report: &mut Value, id: &str, status: &str| {
        for r in report["results"].as_array_mut().unwrap() {
            if r["id"] == id {
                r["status"] = status.into();
            }
        }
    };
    let alice = "console-password-requires-mfa/arn:aws:iam::123456789012:user/alice";
    set_status(&mut report, alice, "not-evaluated"); // pass → not-evaluated
    set_status(&mut report, BOB, "error"); // fail → error: still failing
    set_status(&mut report, CAROL, "pass"); // fail → pass
    set_status(
        &mut report,
        "console-password-requires-mfa/arn:aws:iam::123456789012:user/dave",
        "fail",
    ); // pass → fail
    let edited = write(tmp.path(), "edited.json", &report.to_string());
    let (code, drift) = diff_json(&demo, &edited);
    assert_eq!(code, 1);
    assert_eq!(
        ids(&drift, "new_failures"),
        ["console-password-requires-mfa/arn:aws:iam::123456789012:user/dave"]
    );
    assert_eq!(ids(&drift, "resolved_failures"), [CAROL]);
    assert_eq!(ids(&drift, "status_changes"), [alice, BOB]);
    assert_eq!(drift["status_changes"][1]["before"], "fail");
    assert_eq!(drift["status_changes"][1]["after"], "error");
    assert_eq!(drift["added"], serde_json::json!([]));
    assert_eq!(drift["removed"], serde_json::json!([]));
}

#[test]
fn hostile_waiver_text_is_escaped_in_the_table_and_kept_exactly_in_json() {
    let tmp = tempfile::tempdir().unwrap();
    let reason = "ok\\n\\u001b[2J=cmd|'x'<script>";
    let file = write(
        tmp.path(),
        "w.json",
        &format!(
            r#"{{"waivers": [{{"policy": "console-password-requires-mfa", "subject": "arn:aws:iam::123456789012:user/bob",
                "reason": "{reason}", "approver": "a\u202eb", "expires": "2027-01-01"}}]}}"#
        ),
    );
    let out = cmd(&["evaluate", "snapshots/demo", "--waivers", &file])
        .env("COLUMNS", "1000")
        .output()
        .unwrap();
    let table = stdout(&out);
    assert!(
        !table.contains('\u{1b}'),
        "a raw escape sequence reached the terminal"
    );
    assert!(!table.contains('\u{202e}'));
    assert!(table.contains("ok\\n\\u{1b}[2J=cmd|'x'<script>"), "{table}");
    let (_, report) = json_report(&["snapshots/demo", "--waivers", &file]);
    assert_eq!(
        result(&report, BOB)["waiver"]["reason"],
        "ok\n\u{1b}[2J=cmd|'x'<script>"
    );
}

/// A snapshot large enough that one account is spread over several threads
/// (files read side by side, roles beside users, requests in shares): the
/// report must be the same bytes whatever `--jobs` says.
#[test]
fn a_large_snapshot_reports_the_same_bytes_on_any_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let account = "123456789012";
    let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"}]});
    let admin = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    let mut csv = String::from("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_2_active,access_key_2_last_rotated,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n");
    csv.push_str(&format!("<root_account>,arn:aws:iam::{account}:root,2013-02-11T09:14:33+00:00,not_supported,2019-12-18T19:10:08+00:00,not_supported,not_supported,true,false,N/A,false,N/A,false,N/A,false,N/A\n"));
    let mut users = Vec::new();
    for i in 0..1_200 {
        let name = format!("user-{i:04}");
        let arn = format!("arn:aws:iam::{account}:user/{name}");
        let mfa = if i % 3 == 0 { "false" } else { "true" };
        let key = if i % 2 == 0 {
            "true,2020-01-01T00:00:00+00:00"
        } else {
            "false,N/A"
        };
        csv.push_str(&format!("{name},{arn},2019-01-01T00:00:00+00:00,true,2024-01-01T00:00:00+00:00,2019-06-01T00:00:00+00:00,N/A,{mfa},{key},false,N/A,false,N/A,false,N/A\n"));
        users.push(serde_json::json!({
            "UserName": name, "Arn": arn, "Path": "/", "UserId": format!("AIDA{i}"),
            "GroupList": ["team"],
            "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": if i % 50 == 0 { &admin } else { &doc }}],
            "AttachedManagedPolicies": [
                {"PolicyName": "app", "PolicyArn": format!("arn:aws:iam::{account}:policy/app")},
                {"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}
            ]
        }));
    }
    let roles: Vec<Value> = (0..300)
        .map(|i| {
            let condition = if i % 2 == 0 {
                serde_json::json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}})
            } else {
                serde_json::json!({})
            };
            serde_json::json!({
                "RoleName": format!("role-{i}"), "Arn": format!("arn:aws:iam::{account}:role/role-{i}"),
                "Path": "/", "RoleId": format!("AROA{i}"),
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Action": "sts:AssumeRole",
                    "Principal": {"AWS": format!("arn:aws:iam::{}:root", 100000000000u64 + i)},
                    "Condition": condition}]},
                "AttachedManagedPolicies": if i % 7 == 0 {
                    serde_json::json!([{"PolicyName": "AWSSupportAccess", "PolicyArn": "arn:aws:iam::aws:policy/AWSSupportAccess"}])
                } else {
                    serde_json::json!([])
                }
            })
        })
        .collect();
    let details = serde_json::json!({
        "UserDetailList": users,
        "GroupDetailList": [{"GroupName": "team", "Arn": format!("arn:aws:iam::{account}:group/team"), "Path": "/"}],
        "RoleDetailList": roles,
        "Policies": [{"PolicyName": "app", "Arn": format!("arn:aws:iam::{account}:policy/app"), "Path": "/",
            "DefaultVersionId": "v2", "AttachmentCount": 1200,
            "PolicyVersionList": [
                {"Document": doc, "VersionId": "v2", "IsDefaultVersion": true},
                {"Document": admin, "VersionId": "v1", "IsDefaultVersion": false}]}]
    });
    std::fs::write(dir.path().join("credential-report.csv"), csv).unwrap();
    std::fs::write(
        dir.path().join("authorization-details.json"),
        serde_json::to_vec(&details).unwrap(),
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    let report = |jobs: &str| {
        let out = cmd(&[
            "evaluate",
            path,
            "--as-of",
            "2025-01-01",
            "--jobs",
            jobs,
            "--format",
            "json",
        ])
        .output()
        .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        out.stdout
    };
    let sequential = report("1");
    let parsed: Value = serde_json::from_slice(&sequential).unwrap();
    assert_valid_report(&parsed);
    let results = parsed["results"].as_array().unwrap();
    assert!(results.len() > 4_000, "{} results", results.len());
    // Work for every kind of control: fails among users, keys and roles.
    let failing_policies: std::collections::BTreeSet<&str> = results
        .iter()
        .filter(|r| r["status"] == "fail")
        .map(|r| r["policy"].as_str().unwrap())
        .collect();
    assert!(failing_policies.len() >= 4, "{failing_policies:?}");
    assert_eq!(sequential, report("2"));
    assert_eq!(sequential, report("3"));
}

/// `-o` naming a file the run reads would replace the evidence with the
/// report: refused (exit 2), and the evidence is left as it was.
#[test]
fn output_over_the_evidence_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    copy_tree(&root().join("snapshots/demo"), &demo);
    let evidence = demo.join("credential-report.json");
    let before = std::fs::read(&evidence).unwrap();
    let target = demo.join("sub/../credential-report.json");
    std::fs::create_dir(demo.join("sub")).unwrap();
    let out = run(&[
        "evaluate",
        demo.to_str().unwrap(),
        "--format",
        "json",
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("a file this run reads"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&evidence).unwrap(), before);
}

/// A waiver whose policy id is misspelled would stay silently `unmatched`:
/// the run warns, naming the nearest loaded control.
#[test]
fn a_waiver_for_a_policy_not_loaded_is_a_warning_with_a_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(
        tmp.path(),
        "w.json",
        r#"{"waivers": [{"policy": "console-pasword-requires-mfa", "subject": "arn:aws:iam::123456789012:user/bob",
            "reason": "r", "approver": "a", "expires": "2027-01-01"}]}"#,
    );
    let (_, report) = json_report(&["snapshots/demo", "--waivers", &file]);
    let warnings: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w.as_str())
        .filter(|w| w.contains("/waivers/0"))
        .collect();
    assert_eq!(warnings.len(), 1, "{:?}", report["warnings"]);
    assert!(
        warnings[0].contains("did you mean `console-password-requires-mfa`"),
        "{}",
        warnings[0]
    );
    let out = run(&["evaluate", "snapshots/demo", "--waivers", &file]);
    assert!(stderr(&out).contains("console-pasword-requires-mfa"));
}
