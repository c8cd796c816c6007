//! The policy author's commands end to end: all diagnostics at once,
//! `--select`/`--ignore`, `explain`, and `iam-audit test` (the built-in pack's
//! and the examples' own tests, a failing test's diff, malformed test files).

mod common;

use common::*;

#[test]
fn one_error_never_hides_the_next() {
    let out = run(&[
        "validate",
        "--policies",
        "tests/fixtures/policies/many-errors",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let headers: Vec<&str> = err.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(
        headers,
        [
            "error: tests/fixtures/policies/many-errors/b-syntax.cedar:4:1: unexpected token `when`",
            "error: tests/fixtures/policies/many-errors/c-annotations.cedar:2:1: policy has no `@id` annotation",
            "error: tests/fixtures/policies/many-errors/c-annotations.cedar:5:1: policy `many-errors-severity`: unknown `@severity(\"urgent\")`",
            "error: tests/fixtures/policies/many-errors/a-misspelt.cedar:5:8: for policy `many-errors-first`, attribute `mfa_actve` on entity type `Iam::User` not found",
            "error: tests/fixtures/policies/many-errors/a-misspelt.cedar:10:8: for policy `many-errors-second`, attribute `password_enabld` on entity type `Iam::User` not found",
        ]
    );
    // Each message once: the header line, not again in the drawing below it,
    // and a bad `@severity` drawn on its own line.
    assert_eq!(
        err.matches("unknown `@severity(\"urgent\")`").count(),
        1,
        "{err}"
    );
    assert_eq!(err.matches("attribute `mfa_actve`").count(), 1, "{err}");
    assert!(!err.contains('×'), "{err}");
    assert!(
        err.contains(" 5 │ @severity(\"urgent\")\n   · ───"),
        "{err}"
    );
    assert!(err.contains("help: did you mean `mfa_active`?"), "{err}");
    assert!(
        err.contains("help: did you mean `password_enabled`?"),
        "{err}"
    );
    assert!(
        err.ends_with("5 policy errors: nothing was evaluated\n"),
        "{err}"
    );
}

fn policy_ids(report: &serde_json::Value) -> Vec<String> {
    report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn select_and_ignore_choose_controls_by_id_or_glob() {
    let (code, report) = json_report(&["snapshots/demo", "--select", "support-*"]);
    assert_eq!(code, 1);
    assert_eq!(
        policy_ids(&report),
        ["support-role-exists", "support-role-trust-requires-mfa"]
    );
    let (code, report) = json_report(&[
        "snapshots/demo",
        "--ignore",
        "support-role-trust-*,console-*,root-*,password-*,access-keys-*,credentials-*,one-*,permissions-*,no-*,users-*,roles-*,server-*",
    ]);
    assert_eq!(code, 0, "only support-role-exists is left, and it passes");
    assert_eq!(policy_ids(&report), ["support-role-exists"]);
    let results = report["results"].as_array().unwrap();
    assert!(results.iter().all(|r| r["policy"] == "support-role-exists"));
    // Ignore wins over select.
    let (_, report) = json_report(&[
        "snapshots/demo",
        "--select",
        "support-*",
        "--ignore",
        "support-role-exists",
    ]);
    assert_eq!(policy_ids(&report), ["support-role-trust-requires-mfa"]);
}

#[test]
fn a_selection_pattern_that_matches_nothing_is_a_usage_error() {
    let out = run(&[
        "evaluate",
        "snapshots/demo",
        "--select",
        "console-*,no-such-control",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("`--select no-such-control` matches no loaded policy id"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn validate_checks_exactly_what_evaluate_would_load() {
    let out = run(&["validate", "--select", "console-*"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "1 policy valid\n");
    // A broken policy that the selection leaves out is not validated...
    let out = run(&[
        "validate",
        "--policies",
        "tests/fixtures/policies/misspelt-attribute.cedar",
        "--ignore",
        "every-user-has-*",
    ]);
    let ids = iam_audit::commands::load_pack(&Default::default())
        .unwrap()
        .controls
        .len();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{ids} policies valid\n"));
    // ...and evaluate, with the same flags, does not run it either.
    let out = run(&[
        "evaluate",
        "snapshots/compliant",
        "--policies",
        "tests/fixtures/policies/misspelt-attribute.cedar",
        "--ignore",
        "every-user-has-*",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn explain_shows_requests_attributes_context_and_why() {
    let out = run(&[
        "explain",
        "snapshots/demo",
        "--subject",
        "arn:aws:iam::123456789012:user/bob",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("subject arn:aws:iam::123456789012:user/bob\naccount 123456789012, as of 2026-11-20T09:30:00Z\n"), "{text}");
    assert!(
        text.contains("request arn:aws:iam::123456789012:user/bob (as subject, principal)"),
        "{text}"
    );
    assert!(text.contains("    .mfa_active = false\n"), "{text}");
    assert!(
        text.contains("    in Iam::Group::\"arn:aws:iam::123456789012:group/Developers\"\n"),
        "{text}"
    );
    assert!(text.contains("  context {\"as_of\""), "{text}");
    assert!(
        text.contains("  fail           console-password-requires-mfa: determining:"),
        "{text}"
    );
}

#[test]
fn explain_json_names_each_in_scope_control_with_its_status_and_reason() {
    let out = run(&[
        "explain",
        "snapshots/demo",
        "--subject",
        "arn:aws:iam::123456789012:role/aws-support-legacy",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let requests = v["requests"].as_array().unwrap();
    let trust = requests
        .iter()
        .find(|r| r["action"] == "Iam::Action::\"AssumeRole\"")
        .expect("the role's trust path");
    assert_eq!(trust["as"], serde_json::json!(["subject", "resource"]));
    assert_eq!(trust["context"]["mfa_gate"], "bool-if-exists");
    assert_eq!(trust["resource_entity"]["uid"]["type"], "Iam::Role");
    let controls = trust["controls"].as_array().unwrap();
    assert_eq!(controls.len(), 1);
    assert_eq!(controls[0]["policy"], "support-role-trust-requires-mfa");
    assert_eq!(controls[0]["status"], "fail");
    assert_eq!(controls[0]["determining"], true);

    // A user absent from the credential report: not evaluated, and why.
    let out = run(&[
        "explain",
        "snapshots/demo",
        "--subject",
        "arn:aws:iam::123456789012:user/grace",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let c = &v["requests"][0]["controls"][0];
    assert_eq!(c["status"], "not-evaluated");
    assert!(c["message"]
        .as_str()
        .unwrap()
        .contains("absent from the credential report"));
}

#[test]
fn explain_of_an_unknown_subject_is_a_usage_error() {
    let out = run(&[
        "explain",
        "snapshots/demo",
        "--subject",
        "arn:aws:iam::123456789012:user/nobody",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(
        "no access path in this snapshot is about `arn:aws:iam::123456789012:user/nobody`"
    ));
}

#[test]
fn the_shipped_policy_tests_pass() {
    let out = run(&["test", "policies"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    let last = text.lines().last().unwrap();
    let (passed, failed) = last.split_once(" passed, ").expect("summary line");
    assert_eq!(failed, "0 failed");
    let passed: usize = passed.parse().unwrap();
    assert!(passed >= 9, "{text}");
    assert_eq!(
        text.lines().filter(|l| l.starts_with("PASS ")).count(),
        passed
    );
    assert!(
        text.contains("PASS policies/tests/builtin.test.json: demo:"),
        "{text}"
    );
    assert!(
        text.contains("PASS policies/examples/tests/examples.test.json: acme snapshot:"),
        "{text}"
    );
}

/// A folder with one copy of a policy and the given test file.
fn test_dir(test: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("policies/console-password-requires-mfa.cedar"),
        dir.path().join("mfa.cedar"),
    )
    .unwrap();
    std::fs::write(dir.path().join("mfa.test.json"), test).unwrap();
    dir
}

#[test]
fn a_failing_test_prints_a_diff_and_exits_1() {
    let demo = root().join("snapshots/demo");
    let test = serde_json::json!({"tests": [
        {"name": "right", "evidence": demo, "expect": [
            {"policy": "console-password-requires-mfa", "subject": "arn:aws:iam::123456789012:user/bob", "status": "fail"}]},
        {"name": "wrong", "evidence": demo,
         "expect": [{"policy": "console-password-requires-mfa", "subject": "arn:aws:iam::123456789012:user/alice", "status": "fail"}],
         "failing": {"console-password-requires-mfa": ["arn:aws:iam::123456789012:user/bob", "arn:aws:iam::123456789012:user/dave"]}}
    ]});
    let dir = test_dir(&test.to_string());
    let out = cmd(&["test", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let file = dir.path().join("mfa.test.json").display().to_string();
    assert_eq!(
        text,
        format!(
            "PASS {file}: right\n\
             FAIL {file}: wrong\n  \
             - console-password-requires-mfa arn:aws:iam::123456789012:user/alice fail\n  \
             + console-password-requires-mfa arn:aws:iam::123456789012:user/alice pass\n  \
             - console-password-requires-mfa arn:aws:iam::123456789012:user/dave fail (expected to fail; actual: pass)\n  \
             + console-password-requires-mfa arn:aws:iam::123456789012:user/carol fail (fails, not expected)\n\
             1 passed, 1 failed\n"
        )
    );
}

#[test]
fn a_malformed_test_file_exits_2_naming_the_file_and_pointer() {
    let cases = [
        (
            r#"{"tests": [{"name": "x", "evidence": "e", "expect": [{"policy": "nope", "subject": "s", "status": "fail"}]}]}"#,
            "JSON pointer `/tests/0/expect/0/policy`: no loaded policy has the id `nope`",
        ),
        (
            r#"{"tests": [{"name": "x", "evidence": "e", "expect": [{"policy": "console-password-requires-mfa", "subject": "s", "status": "failed"}]}]}"#,
            "JSON pointer `/tests/0/expect/0/status`: unknown status `failed`",
        ),
        (
            r#"{"tests": [{"name": "x", "failing": {}}]}"#,
            "JSON pointer `/tests/0`: give exactly one of `evidence`",
        ),
        (
            r#"{"tests": [{"name": "x", "evidence": "missing-folder", "failing": {"console-password-requires-mfa": []}}]}"#,
            "JSON pointer `/tests/0/evidence`: the evidence of case `x` does not load",
        ),
        (
            r#"{"tests": [{"name": "x", "evidence": "e", "failing": {"console-password-requires-mfa": []}, "expected": []}]}"#,
            "JSON pointer `/tests/0/expected`: unknown key `expected`",
        ),
        (
            "{\"tests\": [\n  {\"name\": \"x\",}\n]}",
            "mfa.test.json:2:16: not valid JSON",
        ),
    ];
    for (test, message) in cases {
        let dir = test_dir(test);
        let out = cmd(&["test", dir.path().to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{test}");
        assert_eq!(stdout(&out), "", "nothing is reported for a malformed file");
        let err = stderr(&out);
        assert!(err.contains("mfa.test.json"), "{err}");
        assert!(err.contains(message), "{test}\n{err}");
    }
}

/// A custom control's `@message` is written from the request's facts, and a
/// placeholder the schema lacks is refused on the `@message` line with
/// Cedar's suggestion.
#[test]
fn custom_messages_are_checked_and_rendered() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good.cedar");
    std::fs::write(
        &good,
        r#"@id("min-length-12")
@message("minimum length {context.password_policy.minimum_length}; at least 13 wanted; alias {principal.alias}")
forbid (principal is Iam::Account, action == Iam::Action::"Review", resource is Iam::Account)
when { context.password_policy.minimum_length < 13 };
"#,
    )
    .unwrap();
    let out = run(&[
        "evaluate",
        "snapshots/demo",
        "--no-default-policies",
        "--policies",
        good.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{report:#}");
    assert_eq!(results[0]["status"], "fail");
    // The demo's manifest-less snapshot has no alias: `unknown`.
    assert_eq!(
        results[0]["message"],
        "minimum length 12; at least 13 wanted; alias unknown"
    );

    // `policies --format json` shows the template as written.
    let out = run(&[
        "policies",
        "--no-default-policies",
        "--policies",
        good.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        listed[0]["message"],
        "minimum length {context.password_policy.minimum_length}; at least 13 wanted; alias {principal.alias}"
    );

    let bad = tmp.path().join("bad.cedar");
    std::fs::write(
        &bad,
        r#"@id("typo")
@severity("low")
@message("minimum {context.password_policy.minimun_length}")
forbid (principal is Iam::Account, action == Iam::Action::"Review", resource is Iam::Account)
when { context.password_policy.minimum_length < 13 };
"#,
    )
    .unwrap();
    let out = run(&["validate", "--policies", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(":3:1: policy `typo`: `@message`: the placeholder `{context.password_policy.minimun_length}`"), "{err}");
    assert!(err.contains("did you mean `minimum_length`?"), "{err}");

    std::fs::write(&bad, "@id(\"f\")\n@message(\"{principal.name|dat}\")\nforbid (principal is Iam::User, action, resource);\n").unwrap();
    let err = stderr(&run(&["validate", "--policies", bad.to_str().unwrap()]));
    assert!(err.contains(":2:1: policy `f`: `@message`: the placeholder `{principal.name|dat}` names an unknown filter `dat`"), "{err}");
    assert!(err.contains("did you mean `date`?"), "{err}");
}
