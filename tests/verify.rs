//! `verify` replays the verdicts: a report whose results, summaries, waiver
//! states or recorded settings were edited is never "verified", and a report
//! that cannot be replayed is "not verifiable" (exit 1).

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

use common::*;

/// `evaluate ARGS --format json -o DIR/report.json`; the report's path.
fn report_of(dir: &Path, args: &[&str]) -> PathBuf {
    let report = dir.join("report.json");
    let mut all = vec!["evaluate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json", "-o", report.to_str().unwrap()]);
    let out = run(&all);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    report
}

fn read(report: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(report).unwrap()).unwrap()
}

/// Writes an edited report beside the original and returns its path.
fn edited(report: &Path, name: &str, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let mut value = read(report);
    edit(&mut value);
    let path = report.with_file_name(name);
    let mut text = serde_json::to_string_pretty(&value).unwrap();
    text.push('\n');
    std::fs::write(&path, text).unwrap();
    path
}

/// `verify REPORT EVIDENCE... EXTRA...`: exit code and stdout.
fn verify(report: &Path, evidence: &[&str], extra: &[&str]) -> (i32, String) {
    let mut args = vec!["verify", report.to_str().unwrap()];
    args.extend_from_slice(evidence);
    args.extend_from_slice(extra);
    let out = run(&args);
    (out.status.code().unwrap(), stdout(&out))
}

fn results(v: &mut Value) -> &mut Vec<Value> {
    v["results"].as_array_mut().unwrap()
}

fn first_failure(v: &Value) -> usize {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .position(|r| r["status"] == "fail")
        .expect("a failing result")
}

fn bump(v: &mut Value, status: &str, by: i64) {
    let n = v["summary"][status].as_i64().unwrap() + by;
    v["summary"][status] = n.into();
    let s = &mut v["snapshots"][0]["summary"][status];
    *s = (s.as_i64().unwrap() + by).into();
}

#[test]
fn a_fresh_report_is_verified_and_says_what_it_replayed() {
    let dir = tempfile::tempdir().unwrap();
    let report = report_of(dir.path(), &["snapshots/demo"]);
    let (code, text) = verify(&report, &["snapshots/demo"], &[]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.starts_with("verified: the report was produced from these 6 evidence files and this policy pack (21 policies), and evaluating them again with the report's settings gives the same "),
        "{text}"
    );
    let value = read(&report);
    let n = value["results"].as_array().unwrap().len();
    assert!(
        text.contains(&format!("gives the same {n} results")),
        "{text}"
    );
    assert_eq!(value["run"]["as_of"], Value::Null);
    assert_eq!(value["run"]["default_policies"], true);
}

#[test]
fn a_failure_flipped_to_pass_differs_with_or_without_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let report = report_of(dir.path(), &["snapshots/demo"]);
    let i = first_failure(&read(&report));
    let id = read(&report)["results"][i]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let fails = read(&report)["summary"]["fail"].as_u64().unwrap();
    let flipped = edited(&report, "flipped.json", |v| {
        results(v)[i]["status"] = "pass".into()
    });
    let (code, text) = verify(&flipped, &["snapshots/demo"], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(&format!(
            "differs: result `{id}`: report says `pass`, evidence gives `fail`"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "differs: `summary` `fail` says {fails}, but the report's results hold {}",
            fails - 1
        )),
        "{text}"
    );

    let adjusted = edited(&report, "adjusted.json", |v| {
        results(v)[i]["status"] = "pass".into();
        bump(v, "fail", -1);
        bump(v, "pass", 1);
    });
    let (code, text) = verify(&adjusted, &["snapshots/demo"], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(&format!(
            "differs: result `{id}`: report says `pass`, evidence gives `fail`"
        )),
        "{text}"
    );
    // The summaries count the edited results, and differ from the evidence's.
    assert!(!text.contains("the report's results hold"), "{text}");
    assert!(
        text.contains(&format!(
            "differs: `summary` `fail`: report says {}, evidence gives {fails}",
            fails - 1
        )),
        "{text}"
    );

    // Every failure flipped, summaries adjusted: each is named.
    let all = edited(&report, "all.json", |v| {
        let mut n = 0;
        for r in results(v) {
            if r["status"] == "fail" {
                r["status"] = "pass".into();
                n += 1;
            }
        }
        bump(v, "fail", -n);
        bump(v, "pass", n);
    });
    let (code, text) = verify(&all, &["snapshots/demo"], &[]);
    assert_eq!(code, 1);
    assert_eq!(
        text.matches("report says `pass`, evidence gives `fail`")
            .count(),
        fails as usize,
        "{text}"
    );
}

#[test]
fn a_deleted_failure_differs() {
    let dir = tempfile::tempdir().unwrap();
    let report = report_of(dir.path(), &["snapshots/demo"]);
    let i = first_failure(&read(&report));
    let id = read(&report)["results"][i]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let deleted = edited(&report, "deleted.json", |v| {
        results(v).remove(i);
        bump(v, "fail", -1);
        bump(v, "total", -1);
    });
    let (code, text) = verify(&deleted, &["snapshots/demo"], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(&format!(
            "differs: result `{id}` is missing from the report (the evidence gives `fail`)"
        )),
        "{text}"
    );
    // An invented result is named too.
    let invented = edited(&report, "invented.json", |v| {
        let mut r = v["results"][i].clone();
        r["id"] = "root-mfa/arn:aws:iam::123456789012:user/nobody".into();
        results(v).push(r);
    });
    let (code, text) = verify(&invented, &["snapshots/demo"], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("differs: result `root-mfa/arn:aws:iam::123456789012:user/nobody` is in the report (`fail`), but the evidence gives no such result"),
        "{text}"
    );
}

#[test]
fn recorded_as_of_and_thresholds_are_replayed_and_edits_to_them_differ() {
    let dir = tempfile::tempdir().unwrap();
    let report = report_of(
        dir.path(),
        &[
            "snapshots/demo",
            "--as-of",
            "2026-01-01",
            "--threshold",
            "key-rotation-days=36500",
        ],
    );
    let value = read(&report);
    assert_eq!(value["run"]["as_of"], "2026-01-01T00:00:00Z");
    let (code, text) = verify(&report, &["snapshots/demo"], &[]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.starts_with("note: the report's settings, replayed: --as-of 2026-01-01T00:00:00Z, --threshold key-rotation-days=36500\nverified: "),
        "{text}"
    );

    // The report claims the default threshold, keeping its lenient verdicts.
    let claimed = edited(&report, "thresholds.json", |v| {
        v["thresholds"]["key-rotation-days"] = 90.into()
    });
    let (code, text) = verify(&claimed, &["snapshots/demo"], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("access-keys-rotated-90-days/"), "{text}");
    assert!(
        text.contains("report says `pass`, evidence gives `fail`"),
        "{text}"
    );

    // Another as-of time: other verdicts, and the as-of time itself differs.
    let moved = edited(&report, "as-of.json", |v| {
        v["run"]["as_of"] = "2026-11-20T00:00:00Z".into()
    });
    let (code, text) = verify(&moved, &["snapshots/demo"], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("differs: `as_of`: report says `2026-01-01T00:00:00Z`, evidence gives `2026-11-20T00:00:00Z`"),
        "{text}"
    );
}

#[test]
fn a_recorded_waiver_is_replayed_and_edits_to_waivers_differ() {
    let dir = tempfile::tempdir().unwrap();
    let waivers = dir.path().join("waivers.json");
    std::fs::write(
        &waivers,
        r#"{"waivers": [{"policy": "console-password-requires-mfa", "subject": "*", "reason": "all of them", "approver": "ann", "expires": "2099-01-01"}]}"#,
    )
    .unwrap();
    let report = report_of(
        dir.path(),
        &["snapshots/demo", "--waivers", waivers.to_str().unwrap()],
    );
    let value = read(&report);
    assert_eq!(value["run"]["waivers"]["file"], "waivers.json");
    assert!(value["summary"]["waived"].as_u64().unwrap() > 0);
    // The file is gone: the report's copy is what is replayed.
    std::fs::remove_file(&waivers).unwrap();
    let (code, text) = verify(&report, &["snapshots/demo"], &[]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("--waivers waivers.json (sha256 "), "{text}");
    assert!(
        text.contains("1 waiver, replayed from the report's copy"),
        "{text}"
    );

    // The auditor's own copy of the waivers file can be checked against the record.
    let copy = dir.path().join("copy.json");
    std::fs::write(
        &copy,
        read(&report)["run"]["waivers"]["text"].as_str().unwrap(),
    )
    .unwrap();
    let (code, text) = verify(
        &report,
        &["snapshots/demo"],
        &["--waivers", copy.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{text}");
    std::fs::write(&copy, r#"{"waivers": []}"#).unwrap();
    let (code, text) = verify(
        &report,
        &["snapshots/demo"],
        &["--waivers", copy.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("differs: the waivers file given has sha256 "),
        "{text}"
    );
    assert!(
        text.contains("the report was made with `waivers.json` of sha256 "),
        "{text}"
    );

    let state = edited(&report, "state.json", |v| {
        v["waivers"][0]["state"] = "expired".into()
    });
    let (code, text) = verify(&state, &["snapshots/demo"], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(
            "differs: waiver `/waivers/0` `state`: report says `expired`, evidence gives `applied`"
        ),
        "{text}"
    );

    // The recorded text changed: its hash no longer matches.
    let text_edit = edited(&report, "text.json", |v| {
        let t = v["run"]["waivers"]["text"]
            .as_str()
            .unwrap()
            .replace("2099", "2000");
        v["run"]["waivers"]["text"] = t.into();
    });
    let (code, text) = verify(&text_edit, &["snapshots/demo"], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("not verifiable: the recorded waivers text (`run.waivers.text`) has sha256"),
        "{text}"
    );
    assert!(
        !text.contains("\nverified") && !text.starts_with("verified"),
        "{text}"
    );

    // The waivers removed from the record: the failures come back.
    let dropped = edited(&report, "dropped.json", |v| {
        v["run"]["waivers"] = Value::Null
    });
    let (code, text) = verify(&dropped, &["snapshots/demo"], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("report says `waived`, evidence gives `fail`"),
        "{text}"
    );
}

#[test]
fn an_organization_is_replayed_and_its_results_named_with_their_account() {
    let dir = tempfile::tempdir().unwrap();
    let report = report_of(dir.path(), &["snapshots/org"]);
    let (code, text) = verify(&report, &["snapshots/org"], &[]);
    assert_eq!(code, 0, "{text}");
    let i = first_failure(&read(&report));
    let value = read(&report);
    let (id, account) = (
        value["results"][i]["id"].as_str().unwrap().to_string(),
        value["results"][i]["account"].as_str().unwrap().to_string(),
    );
    let flipped = edited(&report, "flipped.json", |v| {
        results(v)[i]["status"] = "pass".into()
    });
    let (code, text) = verify(&flipped, &["snapshots/org"], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(&format!("differs: result `{id}` of account `{account}`: report says `pass`, evidence gives `fail`")),
        "{text}"
    );
}

#[test]
fn custom_policies_must_be_given_and_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let custom = root().join("tests/fixtures/policies/custom/contractors.cedar");
    let custom = custom.to_str().unwrap();
    let report = report_of(dir.path(), &["snapshots/demo", "--policies", custom]);
    assert_eq!(
        read(&report)["run"]["policy_files"][0]["path"],
        "contractors.cedar"
    );
    let (code, text) = verify(&report, &["snapshots/demo"], &["--policies", custom]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("--policies contractors.cedar"), "{text}");

    let (code, text) = verify(&report, &["snapshots/demo"], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(
            "differs: the report was made with the policy file `contractors.cedar` (sha256 "
        ),
        "{text}"
    );

    // Another file of the same name.
    let other = dir.path().join("contractors.cedar");
    let changed = std::fs::read_to_string(custom).unwrap() + "\n// a comment\n";
    std::fs::write(&other, changed).unwrap();
    let (code, text) = verify(
        &report,
        &["snapshots/demo"],
        &["--policies", other.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("is not among the `--policies` given"),
        "{text}"
    );
    assert!(
        text.contains("is not one the report was made with"),
        "{text}"
    );
}

#[test]
fn a_recorded_selection_and_benchmark_are_replayed() {
    let dir = tempfile::tempdir().unwrap();
    let report = report_of(
        dir.path(),
        &[
            "snapshots/demo",
            "--benchmark",
            "cis-aws-v5.0",
            "--ignore",
            "root-*",
        ],
    );
    assert_eq!(read(&report)["run"]["ignore"][0], "root-*");
    let (code, text) = verify(&report, &["snapshots/demo"], &[]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("--benchmark cis-aws-v5.0, --ignore root-*"),
        "{text}"
    );

    // Given to verify, the selection must be the report's.
    let (code, text) = verify(&report, &["snapshots/demo"], &["--select", "root-*"]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("`--select`/`--ignore` given to `verify` (--select root-*) are not the report's (--ignore root-*)"), "{text}");
}

#[test]
fn a_report_without_its_settings_is_not_verifiable() {
    let dir = tempfile::tempdir().unwrap();
    let report = report_of(dir.path(), &["snapshots/demo"]);
    let old = edited(&report, "old.json", |v| {
        v.as_object_mut().unwrap().remove("run");
    });
    let (code, text) = verify(&old, &["snapshots/demo"], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("not verifiable: the report does not record the settings of its run (`run`)"),
        "{text}"
    );
    assert!(
        !text.contains("\nverified") && !text.starts_with("verified"),
        "{text}"
    );

    let other_version = edited(&report, "version.json", |v| {
        v["tool"]["version"] = "0.0.1".into()
    });
    let (code, text) = verify(&other_version, &["snapshots/demo"], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("not verifiable: the report was made by iam-audit 0.0.1"),
        "{text}"
    );
}

#[test]
fn a_reformatted_report_is_not_the_one_evaluate_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let report = report_of(dir.path(), &["snapshots/demo"]);
    let compact = dir.path().join("compact.json");
    std::fs::write(&compact, serde_json::to_string(&read(&report)).unwrap()).unwrap();
    let (code, text) = verify(&compact, &["snapshots/demo"], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("every value agrees, but the report's text is not what `evaluate` writes"),
        "{text}"
    );
}

#[test]
fn strings_from_the_report_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let report = report_of(dir.path(), &["snapshots/demo"]);
    let i = first_failure(&read(&report));
    let hostile = edited(&report, "hostile.json", |v| {
        results(v)[i]["message"] = "\u{1b}[2J\u{1b}]52;c;aGk=\u{7}\u{202e}".into();
        results(v)[i]["id"] = "x\u{1b}[31m".into();
    });
    let out = run(&["verify", hostile.to_str().unwrap(), "snapshots/demo"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'),
        "{text}"
    );
    assert!(text.contains("x\\u{1b}[31m"), "{text}");
}

/// `--exclude` decides which files are evidence: the report records it, and
/// `verify` reads the folder again with it, without being told.
#[test]
fn recorded_excludes_are_replayed_and_other_excludes_differ() {
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("ev");
    copy_tree(&root().join("snapshots/demo"), &evidence);
    // A stray export the run was told to leave out: read, it would change
    // the verdicts (a second account summary makes the folder unusable).
    std::fs::write(
        evidence.join("old-summary.json"),
        r#"{"SummaryMap": {"AccountMFAEnabled": 0, "AccountAccessKeysPresent": 1}}"#,
    )
    .unwrap();
    let ev = evidence.to_str().unwrap();
    let report = report_of(dir.path(), &[ev, "--exclude", "old-*"]);
    assert_eq!(
        read(&report)["run"]["exclude"],
        serde_json::json!(["old-*"])
    );

    let (code, out) = verify(&report, &[ev], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("--exclude old-*"), "{out}");

    let (code, out) = verify(&report, &[ev], &["--exclude", "*.md"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("`--exclude` given to `verify` (*.md) is not the report's (old-*)"),
        "{out}"
    );

    // The record edited away: the stray file is read again, and differs.
    let unrecorded = edited(&report, "unrecorded.json", |v| {
        v["run"].as_object_mut().unwrap().remove("exclude");
    });
    let (code, out) = verify(&unrecorded, &[ev], &[]);
    assert_eq!(code, 1, "{out}");
}
