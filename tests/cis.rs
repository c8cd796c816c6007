//! The CIS AWS Foundations IAM controls on fixtures written for them
//! (`tests/fixtures/cis-*`, described in tests/fixtures/CASES.md): the set of
//! failing subjects per control must be exactly right. Every fixture carries
//! its own as-of time (or none, on purpose), so nothing depends on the day
//! the tests run.

mod common;

use common::*;
use serde_json::Value;

const RICH: &str = "tests/fixtures/cis-rich";
const ROOT: &str = "arn:aws:iam::123456789012:root";

fn user(name: &str) -> String {
    format!("arn:aws:iam::123456789012:user/{name}")
}

fn status_of(report: &Value, policy: &str) -> Vec<String> {
    results_of(report, policy)
        .into_iter()
        .map(|(_, _, s)| s)
        .collect()
}

fn message_of(report: &Value, policy: &str) -> String {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["policy"] == policy)
        .map(|r| r["message"].as_str().unwrap().to_string())
        .unwrap_or_default()
}

#[test]
fn rich_fixture_fails_exactly_these_subjects() {
    let (code, report) = json_report(&[RICH]);
    assert_eq!(code, 1);
    assert_eq!(report["as_of"], "2026-06-30T12:00:00Z");
    // Root: an active key (used 29 days before as-of) and a virtual MFA device.
    assert_eq!(failing(&report, "root-no-access-keys"), set(&[ROOT]));
    assert!(failing(&report, "root-mfa").is_empty());
    assert_eq!(status_of(&report, "root-mfa"), vec!["pass"]);
    assert_eq!(failing(&report, "root-hardware-mfa"), set(&[ROOT]));
    assert_eq!(failing(&report, "root-not-used-recently"), set(&[ROOT]));
    // An active key never used, on a user with a console password.
    assert_eq!(
        failing(&report, "access-keys-not-created-at-setup"),
        set(&[&user("u-never-key")])
    );
    // Exactly 45 days unused fails; 44 days and a bit passes; a never-used
    // password or key fails once it is 45 days old, not before.
    assert_eq!(
        failing(&report, "credentials-unused-45-days"),
        set(&[
            &user("u-stale-password"),
            &user("u-never-password-old"),
            &user("u-old-never-key"),
        ])
    );
    assert_eq!(
        failing(&report, "one-active-access-key"),
        set(&[&user("u-two-keys")])
    );
    // Rotated exactly 90 days before as-of fails; an old inactive key does not.
    assert_eq!(
        failing(&report, "access-keys-rotated-90-days"),
        set(&[&user("u-old-never-key")])
    );
    assert_eq!(
        failing(&report, "permissions-through-groups-only"),
        set(&[&user("u-direct"), &user("u-inline")])
    );
    // `*:*` in the default version (URL-encoded, with a condition) and an
    // inline `*`/`*` fail; `*:*` only in a non-default version, `NotAction`
    // and AWS's ReadOnlyAccess do not.
    assert_eq!(
        failing(&report, "no-full-admin-policy-attached"),
        set(&[
            "arn:aws:iam::123456789012:policy/star-colon-star",
            "arn:aws:iam::123456789012:role/ops",
        ])
    );
    // The CLI's `NoSuchEntity` text: the account has no password policy.
    assert_eq!(failing(&report, "password-policy-min-length"), set(&[ROOT]));
    assert_eq!(
        failing(&report, "password-policy-prevents-reuse"),
        set(&[ROOT])
    );
    assert_eq!(
        message_of(&report, "password-policy-min-length"),
        "the account has no password policy (AWS then allows 8 characters); at least 14 required"
    );
    let kinds: Vec<&str> = report["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec![
            "authorization-details",
            "credential-report",
            "password-policy",
            "virtual-mfa-devices"
        ]
    );
}

#[test]
fn every_control_result_is_one_per_subject_where_the_contract_says_so() {
    let (_, report) = json_report(&[RICH]);
    // One result per IAM user for the per-user controls.
    for policy in ["one-active-access-key", "permissions-through-groups-only"] {
        let subjects: Vec<String> = results_of(&report, policy)
            .into_iter()
            .map(|(s, _, _)| s)
            .collect();
        assert_eq!(subjects.len(), 11, "{policy}");
        assert!(!subjects.iter().any(|s| s.ends_with(":root")), "{policy}");
    }
    // One result for root per root control.
    for policy in ["root-no-access-keys", "root-mfa", "root-hardware-mfa"] {
        assert_eq!(results_of(&report, policy).len(), 1, "{policy}");
    }
}

#[test]
fn adjusted_thresholds_change_exactly_the_affected_subjects() {
    let (_, report) = json_report(&[
        RICH,
        "--threshold",
        "unused-days=40",
        "--threshold",
        "root-use-days=20",
        "--threshold",
        "key-rotation-days=91",
    ]);
    assert_eq!(report["thresholds"]["unused-days"], 40);
    assert_eq!(report["thresholds"]["password-min-length"], 14);
    assert_eq!(
        failing(&report, "credentials-unused-45-days"),
        set(&[
            &user("u-stale-password"),
            &user("u-44-days"),
            &user("u-40-days"),
            &user("u-never-password-old"),
            &user("u-old-never-key"),
        ])
    );
    // Root's key was used 29 days before as-of: outside a 20-day window.
    assert!(failing(&report, "root-not-used-recently").is_empty());
    assert!(failing(&report, "access-keys-rotated-90-days").is_empty());
}

#[test]
fn password_thresholds_apply_to_a_present_policy() {
    let (_, report) = json_report(&["snapshots/compliant"]);
    assert!(failing(&report, "password-policy-min-length").is_empty());
    let (_, report) = json_report(&[
        "snapshots/compliant",
        "--threshold",
        "password-min-length=17",
        "--threshold",
        "password-reuse=24",
    ]);
    assert_eq!(
        failing(&report, "password-policy-min-length"),
        set(&["arn:aws:iam::123456789012:root"])
    );
    assert!(failing(&report, "password-policy-prevents-reuse").is_empty());
}

#[test]
fn bad_threshold_is_a_usage_error() {
    let out = run(&["evaluate", RICH, "--threshold", "unused=30"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown threshold `unused`"),
        "{}",
        stderr(&out)
    );
    let out = run(&["evaluate", RICH, "--threshold", "unused-days=soon"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn centralized_root_is_not_applicable_and_missing_exports_are_named() {
    let (code, report) = json_report(&["tests/fixtures/cis-centralized-root"]);
    assert_eq!(code, 0);
    for policy in ["root-no-access-keys", "root-mfa", "root-hardware-mfa"] {
        assert_eq!(
            status_of(&report, policy),
            vec!["not-applicable"],
            "{policy}"
        );
    }
    assert!(message_of(&report, "root-mfa").contains("centralized root access"));
    for policy in [
        "password-policy-min-length",
        "password-policy-prevents-reuse",
    ] {
        assert_eq!(status_of(&report, policy), vec!["not-evaluated"]);
        assert!(
            message_of(&report, policy).contains("`password-policy` export")
                && message_of(&report, policy).contains("aws iam get-account-password-policy"),
            "{}",
            message_of(&report, policy)
        );
    }
    // No as-of time (a bare CSV, no manifest): age-based controls say how to supply one.
    assert_eq!(report["as_of_source"], "none");
    for policy in [
        "credentials-unused-45-days",
        "access-keys-rotated-90-days",
        "root-not-used-recently",
    ] {
        assert_eq!(
            status_of(&report, policy),
            vec!["not-evaluated"],
            "{policy}"
        );
        let m = message_of(&report, policy);
        assert!(m.contains("--as-of") && m.contains("snapshot.json"), "{m}");
    }
    // With an as-of time, kim's password (used 2026-06-01) is judged.
    let (_, report) = json_report(&[
        "tests/fixtures/cis-centralized-root",
        "--as-of",
        "2026-07-20",
    ]);
    assert_eq!(report["as_of_source"], "flag");
    assert_eq!(
        failing(&report, "credentials-unused-45-days"),
        set(&["arn:aws:iam::111122223333:user/kim"])
    );
    assert_eq!(
        status_of(&report, "root-not-used-recently"),
        vec!["not-applicable"]
    );
}

#[test]
fn account_summary_decides_root_controls_and_the_manifest_sets_as_of() {
    let (code, report) = json_report(&["tests/fixtures/cis-summary-only"]);
    assert_eq!(code, 1);
    let root = "arn:aws:iam::210987654321:root";
    assert_eq!(report["as_of"], "2026-06-30T12:00:00Z");
    assert_eq!(report["as_of_source"], "manifest");
    assert_eq!(report["snapshots"][0]["account"], "210987654321");
    assert_eq!(failing(&report, "root-no-access-keys"), set(&[root]));
    assert_eq!(failing(&report, "root-mfa"), set(&[root]));
    // `{"PasswordPolicy": null}`: no password policy, so both fail.
    assert_eq!(failing(&report, "password-policy-min-length"), set(&[root]));
    // The summary cannot tell root's last use, nor virtual from hardware.
    assert_eq!(
        status_of(&report, "root-not-used-recently"),
        vec!["not-evaluated"]
    );
    assert_eq!(
        status_of(&report, "root-hardware-mfa"),
        vec!["not-evaluated"]
    );
    assert!(message_of(&report, "root-hardware-mfa").contains("list-virtual-mfa-devices"));
}

#[test]
fn as_of_flag_beats_the_report_and_the_report_beats_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join(RICH), dir.path());
    std::fs::write(
        dir.path().join("snapshot.json"),
        r#"{"account_id": "123456789012", "exported_at": "2027-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    let (_, report) = json_report(&[path]);
    assert_eq!(report["as_of_source"], "credential-report");
    assert_eq!(report["as_of"], "2026-06-30T12:00:00Z");
    let (_, report) = json_report(&[path, "--as-of", "2026-07-01"]);
    assert_eq!(report["as_of_source"], "flag");
}

#[test]
fn demo_hooks_fail_as_documented() {
    let (_, report) = json_report(&["snapshots/demo"]);
    let erin = user("erin.ops@example.com");
    assert_eq!(failing(&report, "one-active-access-key"), set(&[&erin]));
    assert_eq!(
        failing(&report, "access-keys-rotated-90-days"),
        set(&[&erin])
    );
    assert_eq!(
        failing(&report, "credentials-unused-45-days"),
        set(&[&user("dave")])
    );
    assert_eq!(
        failing(&report, "permissions-through-groups-only"),
        set(&["arn:aws:iam::123456789012:user/service/ci-deploy"])
    );
    assert_eq!(
        failing(&report, "no-full-admin-policy-attached"),
        set(&["arn:aws:iam::aws:policy/AdministratorAccess"])
    );
    assert!(failing(&report, "access-keys-not-created-at-setup").is_empty());
    assert_eq!(failing(&report, "root-hardware-mfa"), set(&[ROOT]));
    // Root has a password and no key: a pass, not `not-applicable`.
    assert_eq!(status_of(&report, "root-no-access-keys"), vec!["pass"]);
    assert_eq!(status_of(&report, "root-mfa"), vec!["pass"]);
    assert_eq!(failing(&report, "password-policy-min-length"), set(&[ROOT]));
    assert!(failing(&report, "password-policy-prevents-reuse").is_empty());
}

#[test]
fn benchmark_filter_labels_results_with_that_versions_numbers() {
    let (_, report) = json_report(&["snapshots/demo", "--benchmark", "cis-aws-v5.0"]);
    assert_eq!(report["benchmark"], "cis-aws-v5.0");
    let results = report["results"].as_array().unwrap();
    // support-role-trust-requires-mfa is beyond CIS: filtered out.
    assert!(!results
        .iter()
        .any(|r| r["policy"] == "support-role-trust-requires-mfa"));
    let number = |policy: &str| {
        results
            .iter()
            .find(|r| r["policy"] == policy)
            .map(|r| r["benchmark_control"].as_str().unwrap().to_string())
    };
    assert_eq!(
        number("console-password-requires-mfa").as_deref(),
        Some("1.9")
    );
    assert_eq!(number("root-no-access-keys").as_deref(), Some("1.3"));
    assert_eq!(
        number("access-keys-not-created-at-setup").as_deref(),
        Some("1.10")
    );
    let (_, report) = json_report(&["snapshots/demo", "--benchmark", "cis-aws-v3.0"]);
    let results = report["results"].as_array().unwrap();
    assert!(results
        .iter()
        .filter(|r| r["policy"] == "console-password-requires-mfa")
        .all(|r| r["benchmark_control"] == "1.10"));
    let out = run(&["evaluate", "snapshots/demo", "--benchmark", "cis-aws-v9.9"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cis-aws-v6.0"));
}

#[test]
fn policies_command_lists_the_benchmark_in_order() {
    let out = run(&[
        "policies",
        "--benchmark",
        "cis-aws-v3.0",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let controls = doc["controls"].as_array().unwrap();
    let numbers: Vec<&str> = controls
        .iter()
        .map(|c| c["control"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (1..=22).map(|i| format!("1.{i}")).collect();
    assert_eq!(numbers, expected);
    let by_number = |n: &str| controls.iter().find(|c| c["control"] == n).unwrap();
    assert_eq!(
        by_number("1.10")["policies"][0],
        "console-password-requires-mfa"
    );
    assert_eq!(by_number("1.4")["policies"][0], "root-no-access-keys");
    assert_eq!(
        by_number("1.16")["policies"][0],
        "no-full-admin-policy-attached"
    );
    assert_eq!(by_number("1.1")["decidable"], false);
    assert_eq!(by_number("1.20")["decidable"], false);
    // Every control exported evidence can decide is covered.
    for c in controls {
        let covered = !c["policies"].as_array().unwrap().is_empty();
        assert_eq!(covered, c["decidable"] == true, "{c}");
    }
    assert_eq!(
        by_number("1.19")["policies"][0],
        "server-certificates-not-expired"
    );
    assert_eq!(
        by_number("1.22")["policies"][0],
        "no-cloudshell-full-access"
    );
    let out = run(&["policies", "--benchmark", "cis-aws-v5.0"]);
    let text = stdout(&out);
    assert!(
        text.contains("cannot be decided from exported evidence"),
        "{text}"
    );
    assert!(text.contains("16 of 21 controls covered"), "{text}");
    let out = run(&["policies"]);
    let text = stdout(&out);
    assert!(text.contains("21 controls loaded"), "{text}");
    assert!(text.contains("1.4=1.10 1.5=1.10 2.0=1.10 3.0=1.10 4.0=1.10 5.0=1.9 6.0=2.9"));
}

#[test]
fn builtin_cis_numbers_agree_with_the_catalogue() {
    // Each built-in control's numbers must all name the same catalogue entry.
    let out = run(&["policies", "--format", "json"]);
    let list: Value = serde_json::from_str(&stdout(&out)).unwrap();
    for version in ["1.4", "1.5", "2.0", "3.0", "4.0", "5.0", "6.0"] {
        let out = run(&[
            "policies",
            "--benchmark",
            &format!("cis-aws-v{version}"),
            "--format",
            "json",
        ]);
        let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
        for c in doc["controls"].as_array().unwrap() {
            assert!(
                c["policies"].as_array().unwrap().len() <= 1,
                "{version}: {c}"
            );
        }
        for p in list.as_array().unwrap() {
            if let Some(n) = p["cis_aws"][version].as_str() {
                let entry = doc["controls"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| c["control"] == n)
                    .unwrap_or_else(|| {
                        panic!("{version}={n} of {} is not in the catalogue", p["id"])
                    });
                assert_eq!(entry["policies"][0], p["id"]);
            }
        }
    }
    // The same control keeps the same title in every version.
    let title = |version: &str, policy: &str| {
        let out = run(&["policies", "--benchmark", version, "--format", "json"]);
        let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
        doc["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["policies"][0] == policy)
            .map(|c| c["title"].as_str().unwrap().to_string())
            .unwrap()
    };
    for p in list.as_array().unwrap() {
        let id = p["id"].as_str().unwrap();
        // The first and the last version that number the control (CloudShell
        // joined in v2.0).
        let versions: Vec<&String> = p["cis_aws"].as_object().unwrap().keys().collect();
        let (Some(first), Some(last)) = (versions.first(), versions.last()) else {
            continue;
        };
        assert_eq!(
            title(&format!("cis-aws-v{first}"), id),
            title(&format!("cis-aws-v{last}"), id),
            "{id}"
        );
    }
}

#[test]
fn bad_new_evidence_names_the_file_and_pointer() {
    let cases: [(&str, &str, &str); 3] = [
        (
            "snapshot.json",
            r#"{"exported_at": "yesterday"}"#,
            "JSON pointer `/exported_at`",
        ),
        (
            "pp.json",
            r#"{"PasswordPolicy": {"MinimumPasswordLength": "14"}}"#,
            "pp.json: JSON pointer `/PasswordPolicy`",
        ),
        (
            "mfa.json",
            r#"{"VirtualMFADevices": [{"EnableDate": "2024-01-01T00:00:00Z"}]}"#,
            "mfa.json: JSON pointer `/VirtualMFADevices/0`",
        ),
    ];
    for (name, text, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(
            root().join("snapshots/demo/credential-report.json"),
            dir.path().join("credential-report.json"),
        )
        .unwrap();
        std::fs::write(dir.path().join(name), text).unwrap();
        let out = run(&["evaluate", dir.path().to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(out.stdout.is_empty(), "{name}: a partial report");
        assert!(stderr(&out).contains(expected), "{name}: {}", stderr(&out));
    }
}

/// `--benchmark` labels results with their control numbers in every
/// format, not only in JSON: a CIS workpaper shows CIS numbers.
#[test]
fn benchmark_numbers_appear_in_every_format() {
    let shown = |format: &str| {
        let out = run(&[
            "evaluate",
            "snapshots/demo",
            "--benchmark",
            "cis-aws-v5.0",
            "--format",
            format,
        ]);
        stdout(&out)
    };
    // console-password-requires-mfa is 1.9 in v5.0.
    for format in ["table", "markdown", "html", "junit"] {
        let text = shown(format);
        assert!(text.contains("cis-aws-v5.0 1.9"), "{format}: {text}");
    }
    let csv = shown("csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|c| c == name).unwrap();
    let (policy, control) = (column("policy"), column("benchmark_control"));
    assert!(
        reader
            .records()
            .map(|r| r.unwrap())
            .any(|r| &r[policy] == "console-password-requires-mfa" && &r[control] == "1.9"),
        "{csv}"
    );
    let sarif: serde_json::Value = serde_json::from_str(&shown("sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results
        .iter()
        .any(|r| r["ruleId"] == "console-password-requires-mfa"
            && r["properties"]["benchmarkControl"] == "1.9"
            && r["properties"]["benchmark"] == "cis-aws-v5.0"));
}
