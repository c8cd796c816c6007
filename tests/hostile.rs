//! The bad-input corpus (`tests/fixtures/hostile/`, one snapshot folder per
//! case, made by its `generate.py`) and the cases too large to commit, each
//! recorded as a CLI snapshot (exit code, stdout, stderr). The decision for
//! every case (error, or tolerant reading with a warning) is in
//! docs/hostile-inputs.md. Also: `--max-input-size`, `verify`, and atomic
//! outputs.

mod common;

use std::path::Path;

use common::*;
use insta_cmd::assert_cmd_snapshot;

fn case(name: &str) -> std::process::Command {
    cmd(&["evaluate", &format!("tests/fixtures/hostile/{name}")])
}

/// No output of any case may look like a panic.
fn assert_no_panic(name: &str) {
    let out = case(name).output().unwrap();
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{name}: {err}");
    assert!(matches!(out.status.code(), Some(0..=2)), "{name}");
}

// ---- required errors (exit 2) ----

#[test]
fn header_only() {
    assert_cmd_snapshot!(case("header-only"));
}

#[test]
fn binary_garbage() {
    assert_cmd_snapshot!(case("binary-garbage"));
}

#[test]
fn binary_without_nul_bytes() {
    assert_cmd_snapshot!(case("binary-without-nul"));
}

#[test]
fn row_with_too_few_fields() {
    assert_cmd_snapshot!(case("short-row"));
}

#[test]
fn unparseable_timestamp() {
    assert_cmd_snapshot!(case("bad-timestamp"));
}

/// Found while fuzzing: this once reached Cedar and came out as an
/// internal error.
#[test]
fn timestamp_outside_four_digit_years() {
    assert_cmd_snapshot!(case("timestamp-outside-four-digit-years"));
}

#[test]
fn unknown_boolean() {
    assert_cmd_snapshot!(case("unknown-boolean"));
}

#[test]
fn duplicate_header_column() {
    assert_cmd_snapshot!(case("duplicate-header-column"));
}

#[test]
fn bom_in_the_middle() {
    assert_cmd_snapshot!(case("bom-in-the-middle"));
}

#[test]
fn json_syntax_error() {
    assert_cmd_snapshot!(case("json-syntax-error"));
}

#[test]
fn json_duplicate_keys() {
    assert_cmd_snapshot!(case("json-duplicate-keys"));
}

#[test]
fn numbers_where_strings_belong() {
    assert_cmd_snapshot!(case("numbers-where-strings-belong"));
}

#[test]
fn envelope_content_is_a_number() {
    assert_cmd_snapshot!(case("envelope-content-number"));
}

/// 100,000 levels of nesting: serde_json's recursion limit answers, no stack overflow.
#[test]
fn deep_nesting() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("deep")).unwrap();
    let text = format!(
        "{{\"RoleDetailList\": {}",
        "[".repeat(100_000) + &"]".repeat(100_000)
    ) + "}";
    std::fs::write(dir.path().join("deep/authorization-details.json"), text).unwrap();
    assert_cmd_snapshot!(cmd(&["evaluate", "deep"]).current_dir(dir.path()));
}

/// A JSON string larger than the input limit: refused before it is read.
#[test]
fn string_larger_than_the_input_limit() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("large")).unwrap();
    let text = format!(
        "{{\"Content\": \"{}\", \"GeneratedTime\": \"2026-11-20T09:30:00Z\"}}",
        "A".repeat(2_000_000)
    );
    std::fs::write(dir.path().join("large/credential-report.json"), text).unwrap();
    assert_cmd_snapshot!(
        cmd(&["evaluate", "large", "--max-input-size", "1048576"]).current_dir(dir.path())
    );
}

#[test]
fn max_input_size_is_a_number_of_bytes() {
    assert_cmd_snapshot!(cmd(&[
        "evaluate",
        "snapshots/demo",
        "--max-input-size",
        "1MiB"
    ]));
}

// ---- tolerant readings (a warning on stderr and in the report) ----

#[test]
fn utf16_with_bom() {
    assert_cmd_snapshot!(case("utf16-with-bom"));
}

#[test]
fn utf16_without_bom() {
    assert_cmd_snapshot!(case("utf16-without-bom"));
}

#[test]
fn latin1() {
    assert_cmd_snapshot!(case("latin1"));
}

#[test]
fn rows_with_extra_fields() {
    assert_cmd_snapshot!(case("extra-fields"));
}

/// Values past the header's last column mean the row does not line up (an
/// unquoted comma shifts every later cell): refused, never read.
#[test]
fn rows_with_values_in_extra_fields() {
    assert_cmd_snapshot!(case("extra-fields-with-values"));
}

/// Two rows of one user that disagree: either would hide the other's
/// findings (a second row without MFA), so the file is refused, naming both
/// lines; identical rows are a warning.
#[test]
fn duplicate_users() {
    assert_cmd_snapshot!(case("duplicate-users"));
    // Swapped, the answer is the same: no order of rows passes.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(
        root().join("tests/fixtures/hostile/duplicate-users/credential_report.csv"),
    )
    .unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.swap(2, 3);
    std::fs::write(
        dir.path().join("credential_report.csv"),
        lines.join("\n") + "\n",
    )
    .unwrap();
    let out = run(&["evaluate", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("is listed twice, on line 3 and line 4, and the rows differ (`mfa_active`)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn duplicate_users_identical() {
    assert_cmd_snapshot!(case("duplicate-users-identical"));
}

#[test]
fn user_of_another_account() {
    assert_cmd_snapshot!(case("user-of-another-account"));
}

#[test]
fn timestamps_after_as_of() {
    assert_cmd_snapshot!(case("timestamps-after-as-of"));
}

#[test]
fn snapshot_of_two_accounts() {
    assert_cmd_snapshot!(case("snapshot-of-two-accounts"));
}

#[test]
fn trust_policy_not_json_after_url_decoding() {
    assert_cmd_snapshot!(case("trust-policy-not-json-after-url-decoding"));
}

#[test]
fn trust_policy_with_duplicate_keys() {
    assert_cmd_snapshot!(case("trust-policy-duplicate-keys"));
}

#[test]
fn statement_empty() {
    assert_cmd_snapshot!(case("statement-empty"));
}

#[test]
fn unknown_condition_operator() {
    assert_cmd_snapshot!(case("unknown-condition-operator"));
}

#[test]
fn principal_not_an_arn() {
    assert_cmd_snapshot!(case("principal-not-an-arn"));
}

/// An undecodable trust policy is an `error` result (exit 1), never a pass,
/// and the tolerant readings put their warning in the JSON report too.
#[test]
fn tolerant_readings_reach_the_json_report() {
    for name in [
        "trust-policy-not-json-after-url-decoding",
        "trust-policy-duplicate-keys",
    ] {
        let (code, report) = json_report(&[&format!("tests/fixtures/hostile/{name}")]);
        assert_eq!(code, 1, "{name}");
        let statuses = results_of(&report, "support-role-trust-requires-mfa");
        assert_eq!(statuses.len(), 1, "{name}");
        assert_eq!(statuses[0].2, "error", "{name}");
    }
    for (name, needle) in [
        ("utf16-with-bom", "UTF-16LE"),
        ("utf16-without-bom", "UTF-16BE"),
        ("latin1", "Latin-1"),
        ("extra-fields", "extra fields are empty and ignored"),
        ("duplicate-users-identical", "twice"),
        ("user-of-another-account", "several accounts"),
        ("timestamps-after-as-of", "after the as-of time"),
        ("snapshot-of-two-accounts", "several accounts"),
        ("statement-empty", "empty `Statement`"),
        ("unknown-condition-operator", "unknown condition operator"),
        ("principal-not-an-arn", "kind `other`"),
    ] {
        let (code, report) = json_report(&[&format!("tests/fixtures/hostile/{name}")]);
        assert!(code < 2, "{name}");
        let warnings = report["warnings"].as_array().unwrap();
        assert!(
            warnings
                .iter()
                .any(|w| w.as_str().unwrap().contains(needle)),
            "{name}: {warnings:?}"
        );
    }
}

#[test]
fn identity_policy_documents_not_json() {
    assert_cmd_snapshot!(cmd(&[
        "evaluate",
        "tests/fixtures/hostile/policy-documents-not-json",
        "--policies",
        "tests/fixtures/policies/full-admin",
        "--format",
        "json"
    ]));
}

/// Inline and managed policy documents that do not decode: holding them is
/// an `error` result with the document's pointer, never a pass.
#[test]
fn undecodable_identity_policies_are_error_results() {
    let (code, report) = json_report(&[
        "tests/fixtures/hostile/policy-documents-not-json",
        "--policies",
        "tests/fixtures/policies/full-admin",
    ]);
    assert_eq!(code, 1);
    let held: Vec<(String, String)> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["policy"] == "no-full-admin-policies" && r["status"] == "error")
        .map(|r| {
            (
                r["resource"].as_str().unwrap().to_string(),
                r["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(held.len(), 2, "{held:?}");
    assert_eq!(held[0].0, "arn:aws:iam::123456789012:policy/broken-admin");
    assert!(
        held[0]
            .1
            .contains("`/Policies/0/PolicyVersionList/0/Document`"),
        "{}",
        held[0].1
    );
    assert!(
        held[1]
            .1
            .contains("`/UserDetailList/0/UserPolicyList/0/PolicyDocument`"),
        "{}",
        held[1].1
    );
}

/// A crafted trust policy whose principals × condition keys would cost
/// millions of requests is one `error` result, not an exhausted machine.
#[test]
fn crafted_trust_policy_over_the_analysis_limit_is_an_error_result() {
    let dir = tempfile::tempdir().unwrap();
    // Within the principal limit (1,024), over the cost limit:
    // 500 × (2,500 + 1) > 1,000,000.
    let principals: Vec<String> = (0..500)
        .map(|i| format!("arn:aws:iam::111122223333:user/u{i}"))
        .collect();
    let conditions: serde_json::Map<String, serde_json::Value> = (0..2_500)
        .map(|i| (format!("aws:PrincipalTag/k{i}"), serde_json::json!("v")))
        .collect();
    let trust = serde_json::json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": principals}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": conditions}}]});
    let authz = serde_json::json!({"UserDetailList": [], "GroupDetailList": [], "Policies": [],
        "RoleDetailList": [{"Path": "/", "RoleName": "Support", "RoleId": "AROASUPPORTXXXXXXXXXX",
            "Arn": "arn:aws:iam::123456789012:role/Support", "CreateDate": "2024-01-01T00:00:00Z",
            "AssumeRolePolicyDocument": trust, "RolePolicyList": [], "Tags": [],
            "AttachedManagedPolicies": [{"PolicyName": "AWSSupportAccess",
                "PolicyArn": "arn:aws:iam::aws:policy/AWSSupportAccess"}]}]});
    std::fs::write(
        dir.path().join("authorization-details.json"),
        authz.to_string(),
    )
    .unwrap();
    let (code, report) = json_report(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    let trust = results_of(&report, "support-role-trust-requires-mfa");
    assert_eq!(trust.len(), 1);
    assert_eq!(trust[0].2, "error");
    let message = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["policy"] == "support-role-trust-requires-mfa")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("too large to analyse"), "{message}");
}

#[test]
fn no_case_panics() {
    for entry in std::fs::read_dir(root().join("tests/fixtures/hostile")).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            assert_no_panic(&entry.file_name().to_string_lossy());
        }
    }
}

// ---- verify ----

fn evaluate_to(report: &Path, evidence: &str) {
    let out = run(&[
        "evaluate",
        evidence,
        "--format",
        "json",
        "-o",
        report.to_str().unwrap(),
    ]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
}

#[test]
fn verify_identical_evidence_and_pack() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    evaluate_to(&report, "snapshots/demo");
    let out = run(&["verify", report.to_str().unwrap(), "snapshots/demo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).starts_with("verified: the report was produced from these 6 evidence files and this policy pack (21 policies), and evaluating them again"),
        "{}",
        stdout(&out)
    );
    // An organization resolves the same way as in `evaluate`.
    evaluate_to(&report, "snapshots/org");
    let out = run(&["verify", report.to_str().unwrap(), "snapshots/org"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn verify_lists_every_difference() {
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("demo");
    copy_tree(&root().join("snapshots/demo"), &evidence);
    let report = dir.path().join("report.json");
    evaluate_to(&report, evidence.to_str().unwrap());

    // One byte changed, one file added, one policy added.
    let csv = evidence.join("credential-report.json");
    let mut bytes = std::fs::read(&csv).unwrap();
    bytes.push(b'\n');
    std::fs::write(&csv, bytes).unwrap();
    std::fs::write(evidence.join("notes.txt"), "hello\n").unwrap();
    let out = cmd(&[
        "verify",
        "report.json",
        "demo",
        "--policies",
        root()
            .join("tests/fixtures/policies/custom")
            .to_str()
            .unwrap(),
    ])
    .current_dir(dir.path())
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("differs: evidence `credential-report.json` changed: the report has sha256 "),
        "{text}"
    );
    assert!(
        text.contains(
            "differs: evidence `notes.txt` is among the files given but not in the report"
        ),
        "{text}"
    );
    assert!(text.contains("is loaded but not in the report"), "{text}");
    assert!(
        text.ends_with("between the report and these files and policies\n"),
        "{text}"
    );

    // A missing file and a missing built-in pack.
    std::fs::remove_file(&csv).unwrap();
    std::fs::remove_file(evidence.join("notes.txt")).unwrap();
    let out = cmd(&[
        "verify",
        "report.json",
        "demo",
        "--no-default-policies",
        "--policies",
        root()
            .join("tests/fixtures/policies/custom")
            .to_str()
            .unwrap(),
    ])
    .current_dir(dir.path())
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("differs: evidence `credential-report.json` is in the report but not among the files given"), "{text}");
    assert!(text.contains("differs: policy `console-password-requires-mfa` is in the report but not in the loaded policies"), "{text}");
    assert!(
        text.contains("differs: built-in pack: the report has version"),
        "{text}"
    );
}

#[test]
fn verify_refuses_an_unreadable_report() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("not-json.json"), "{\"schema_version\": 1,").unwrap();
    std::fs::write(dir.path().join("other.json"), "{\"hello\": 1}").unwrap();
    std::fs::write(
        dir.path().join("bad-hash.json"),
        "{\"schema_version\": 1, \"evidence\": [{\"path\": \"a\", \"sha256\": \"xyz\", \"bytes\": 1}], \"policies\": []}",
    )
    .unwrap();
    let demo = root().join("snapshots/demo");
    for name in [
        "not-json.json",
        "other.json",
        "bad-hash.json",
        "missing.json",
    ] {
        let out = cmd(&["verify", name, demo.to_str().unwrap()])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            stderr(&out).starts_with(&format!("error: {name}")),
            "{}",
            stderr(&out)
        );
    }
}

// ---- outputs ----

/// `-o` replaces an existing file whole (a longer old file leaves no tail),
/// and nothing is written next to the evidence or left beside the output.
#[test]
fn output_replaces_the_file_whole_and_writes_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("evidence");
    copy_tree(&root().join("snapshots/demo"), &evidence);
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let report = out_dir.join("report.json");
    std::fs::write(&report, "x".repeat(1_000_000)).unwrap();
    let listing = |p: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(p)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let evidence_before = listing(&evidence);
    let out = run(&[
        "evaluate",
        evidence.to_str().unwrap(),
        "--format",
        "json",
        "-o",
        report.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let written = std::fs::read_to_string(&report).unwrap();
    let value: serde_json::Value =
        serde_json::from_str(&written).expect("the whole file is one report");
    assert_valid_report(&value);
    assert_eq!(listing(&out_dir), ["report.json"]);
    assert_eq!(listing(&evidence), evidence_before);
}
