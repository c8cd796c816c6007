//! The built-in controls on fixtures written for each trap in
//! docs/evidence-formats.md and docs/mfa-semantics.md: the set of failing subjects
//! per control must be exactly right (tests/fixtures/CASES.md explains each).

mod common;

use common::*;

const ACCT_ROOT: &str = "arn:aws:iam::123456789012:root";

fn role(name: &str) -> String {
    format!("arn:aws:iam::123456789012:role/{name}")
}

fn user(name: &str) -> String {
    format!("arn:aws:iam::123456789012:user/{name}")
}

/// (role, principal) pairs of failing trust paths.
fn failing_paths(report: &serde_json::Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = results_of(report, "support-role-trust-requires-mfa")
        .into_iter()
        .filter(|(_, _, status)| status == "fail")
        .map(|(subject, principal, _)| (subject, principal))
        .collect();
    v.sort();
    v
}

#[test]
fn demo_fails_exactly_the_documented_subjects() {
    let (code, report) = json_report(&["snapshots/demo"]);
    assert_eq!(code, 1);
    assert_eq!(
        failing(&report, "console-password-requires-mfa"),
        set(&[&user("bob"), &user("carol")])
    );
    assert!(failing(&report, "support-role-exists").is_empty());
    assert_eq!(
        failing_paths(&report),
        vec![(role("aws-support-legacy"), ACCT_ROOT.to_string())]
    );
    // grace is in the authorization details only: no evidence, never a pass.
    let grace = results_of(&report, "console-password-requires-mfa")
        .into_iter()
        .find(|(s, _, _)| *s == user("grace"))
        .expect("a result for grace");
    assert_eq!(grace.2, "not-evaluated");
    assert_eq!(report["as_of"], "2026-11-20T09:30:00Z");
    assert_eq!(report["as_of_source"], "credential-report");
}

#[test]
fn trust_matrix_fails_exactly_the_ungated_paths() {
    let (code, report) = json_report(&["tests/fixtures/trust-matrix"]);
    assert_eq!(code, 1);
    let tm_alice = user("tm-alice");
    let ops = role("ops-automation");
    let mut expected: Vec<(String, String)> = vec![
        (role("case-statement-object"), tm_alice.clone()),
        (role("case-bare-account-id"), ACCT_ROOT.into()),
        (role("case-principal-star"), "*".into()),
        (role("case-bool-if-exists"), ACCT_ROOT.into()),
        (
            role("case-numeric-less-than-if-exists-age"),
            ACCT_ROOT.into(),
        ),
        (role("case-bool-true-or-false"), ACCT_ROOT.into()),
        (role("case-null-present-false"), ACCT_ROOT.into()),
        (role("case-for-all-values-bool"), ACCT_ROOT.into()),
        (role("case-deny-bool-false-not-guard"), ACCT_ROOT.into()),
        (role("case-two-allows-one-ungated"), ops.clone()),
        (role("case-principal-array-mixed"), tm_alice.clone()),
        (role("case-principal-array-mixed"), ops.clone()),
        (role("case-url-encoded"), ACCT_ROOT.into()),
        (role("case-json-string"), ACCT_ROOT.into()),
        (role("case-action-sts-star"), ACCT_ROOT.into()),
        (role("case-action-star"), ACCT_ROOT.into()),
        (role("case-not-action-iam"), ACCT_ROOT.into()),
        (
            role("case-external-id-only"),
            "arn:aws:iam::210987654321:root".into(),
        ),
    ];
    expected.sort();
    assert_eq!(failing_paths(&report), expected);

    // Gated, guarded, dead, service and federated paths never fail, and the
    // customer policy that shares the name makes no support role.
    let results = results_of(&report, "support-role-trust-requires-mfa");
    for passing in [
        "case-key-odd-case-json-bool",
        "case-numeric-less-than-age",
        "case-null-age-false",
        "case-for-any-value-bool",
        "case-deny-guard-bool-if-exists",
        "case-deny-guard-null-age",
        "case-url-encoded-gated",
        "case-deleted-principal",
    ] {
        let of_role: Vec<_> = results.iter().filter(|r| r.0 == role(passing)).collect();
        assert!(!of_role.is_empty(), "{passing} has no result");
        assert!(
            of_role.iter().all(|r| r.2 == "pass"),
            "{passing}: {of_role:?}"
        );
    }
    for no_result in [
        "case-service-only",
        "case-saml-federated",
        "case-customer-policy-named-support-access",
    ] {
        assert!(
            results.iter().all(|r| r.0 != role(no_result)),
            "{no_result} is out of the control's scope"
        );
    }
    assert!(failing(&report, "support-role-exists").is_empty());
}

#[test]
fn trust_findings_explain_the_statement_and_the_gate() {
    let (_, report) = json_report(&["tests/fixtures/trust-matrix"]);
    let message = |role_name: &str| -> String {
        report["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["policy"] == "support-role-trust-requires-mfa"
                    && r["subject"] == role(role_name)
                    && r["status"] == "fail"
            })
            .map(|r| r["message"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert!(message("case-bool-if-exists").contains("`BoolIfExists`"));
    assert!(message("case-deny-bool-false-not-guard").contains("statement `AllowAccount`"));
    assert!(message("case-two-allows-one-ungated").contains("statement `LegacyAutomation`"));
    let ids: Vec<&str> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(
        &"support-role-trust-requires-mfa/arn:aws:iam::123456789012:role/case-bool-if-exists/statement/0/principal/arn:aws:iam::123456789012:root"
    ));
    let unique: std::collections::BTreeSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "result ids are unique");
}

#[test]
fn govcloud_partition_matches_the_aws_managed_policy() {
    let (code, report) = json_report(&["tests/fixtures/govcloud"]);
    assert_eq!(code, 1);
    assert_eq!(
        failing(&report, "console-password-requires-mfa"),
        set(&["arn:aws-us-gov:iam::123456789012:user/gov-analyst"])
    );
    assert!(failing(&report, "support-role-exists").is_empty());
    assert_eq!(
        failing_paths(&report),
        vec![(
            "arn:aws-us-gov:iam::123456789012:role/aws-support".to_string(),
            "arn:aws-us-gov:iam::123456789012:root".to_string()
        )]
    );
    assert_eq!(report["results"][0]["account"], "123456789012");
}

#[test]
fn pages_with_odd_names_merge_by_content() {
    let (code, report) = json_report(&["tests/fixtures/paged"]);
    assert_eq!(code, 1);
    assert_eq!(
        failing(&report, "console-password-requires-mfa"),
        set(&[&user("quinn")])
    );
    assert!(failing(&report, "support-role-exists").is_empty());
    assert_eq!(
        failing_paths(&report),
        vec![(role("support-breakglass"), ACCT_ROOT.to_string())]
    );
    let warnings = report["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(|w| w
            .as_str()
            .unwrap()
            .ends_with("1 entry skipped: `notes.txt`")),
        "{warnings:?}"
    );
    let kinds: Vec<(&str, &str)> = report["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap(), e["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Page2.JSON", "authorization-details"),
            ("authz", "authorization-details"),
            ("credentials", "credential-report"),
            ("notes.txt", "not-evidence"),
            ("zz-first-page.dat", "authorization-details"),
        ]
    );
    // The warning reaches stderr too.
    let out = run(&["evaluate", "tests/fixtures/paged"]);
    assert!(stderr(&out).contains("1 entry skipped: `notes.txt`"));
}

#[test]
fn old_16_column_report_with_quoted_names() {
    let (code, report) = json_report(&["tests/fixtures/csv-16-columns"]);
    assert_eq!(code, 1);
    assert_eq!(
        failing(&report, "console-password-requires-mfa"),
        set(&[&user("smith,john"), &user("legacy")])
    );
    let not_evaluated = subjects_with(&report, "not-evaluated");
    assert!(not_evaluated.contains_key("support-role-exists"));
    assert!(not_evaluated.contains_key("support-role-trust-requires-mfa"));
    assert_eq!(report["as_of"], serde_json::Value::Null);
    assert_eq!(report["as_of_source"], "none");
}

#[test]
fn decoded_envelope_in_another_column_order() {
    let (code, report) = json_report(&["tests/fixtures/envelope-decoded"]);
    assert_eq!(code, 1);
    assert_eq!(
        failing(&report, "console-password-requires-mfa"),
        set(&[&user("uma")])
    );
    assert_eq!(report["as_of"], "2026-11-20T09:30:00Z");
}

#[test]
fn identical_reports_in_two_forms_are_one() {
    let (code, report) = json_report(&["tests/fixtures/two-reports-identical"]);
    // Root signed in 2026-10-02, within 90 days of the as-of time, and a
    // user without MFA (users-have-mfa reads only the credential report):
    // the only failures.
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        subjects_with(&report, "fail")
            .into_keys()
            .collect::<Vec<_>>(),
        ["root-not-used-recently"]
    );
    assert_eq!(report["evidence"].as_array().unwrap().len(), 2);
    // The envelope's GeneratedTime wins over the bare CSV.
    assert_eq!(report["as_of_source"], "credential-report");
}

#[test]
fn filtered_export_cannot_prove_absence() {
    let (code, report) = json_report(&["tests/fixtures/filtered-export"]);
    // Root signed in 2026-10-02, within 90 days of the as-of time: the only failure.
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        subjects_with(&report, "fail")
            .into_keys()
            .collect::<Vec<_>>(),
        ["root-not-used-recently", "users-have-mfa"]
    );
    let not_evaluated = subjects_with(&report, "not-evaluated");
    assert_eq!(not_evaluated["support-role-exists"], set(&[ACCT_ROOT]));
    assert_eq!(
        not_evaluated["support-role-trust-requires-mfa"],
        set(&[ACCT_ROOT])
    );
    let message = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["policy"] == "support-role-exists")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("`RoleDetailList`"), "{message}");
}

#[test]
fn look_alike_support_roles_do_not_count() {
    let (code, report) = json_report(&["tests/fixtures/no-support-role"]);
    assert_eq!(code, 1);
    assert_eq!(failing(&report, "support-role-exists"), set(&[ACCT_ROOT]));
    let trust = results_of(&report, "support-role-trust-requires-mfa");
    assert_eq!(
        trust,
        vec![(
            ACCT_ROOT.to_string(),
            "123456789012".to_string(),
            "not-applicable".to_string()
        )]
    );
}

#[test]
fn organization_reports_each_account() {
    let (code, report) = json_report(&["snapshots/org"]);
    assert_eq!(code, 1);
    assert_eq!(
        failing(&report, "console-password-requires-mfa"),
        set(&["arn:aws:iam::222222222222:user/dev-intern"])
    );
    let accounts: Vec<&str> = report["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["account"].as_str().unwrap())
        .collect();
    assert_eq!(accounts, ["111111111111", "222222222222"]);
    assert!(report["evidence"][0]["path"]
        .as_str()
        .unwrap()
        .starts_with("111111111111-prod/"));
}

#[test]
fn organization_with_a_broken_account_still_reports_the_others() {
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
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_report(&report);
    assert_eq!(
        failing(&report, "console-password-requires-mfa"),
        set(&["arn:aws:iam::222222222222:user/dev-intern"])
    );
    let broken = &report["snapshots"][2];
    assert_eq!(broken["name"], "333333333333-broken");
    assert_eq!(broken["status"], "unusable");
    assert!(broken["errors"][0].as_str().unwrap().contains("mfa_active"));
    assert!(stderr(&out).contains("credential_report.csv: line 3, column `mfa_active`"));
}

#[test]
fn as_of_flag_overrides_the_report_time() {
    let (_, report) = json_report(&["snapshots/demo", "--as-of", "2027-01-31"]);
    assert_eq!(report["as_of"], "2027-01-31T00:00:00Z");
    assert_eq!(report["as_of_source"], "flag");
}

#[test]
fn iam_condition_logic_decides_the_mfa_gate() {
    let (code, report) = json_report(&["tests/fixtures/iam-condition-logic"]);
    assert_eq!(code, 1);
    let results = results_of(&report, "support-role-trust-requires-mfa");
    let status = |name: &str| -> Vec<String> {
        results
            .iter()
            .filter(|r| r.0 == role(name))
            .map(|r| r.2.clone())
            .collect()
    };
    // Refused for every kind of request without MFA: by the Allow's own
    // conditions (a role has no long-term keys), or by Denies.
    for passing in [
        "case-string-equals-true",
        "case-age-lower-bound",
        "case-role-principal-bool-if-exists",
        "case-deny-without-condition",
        "case-denies-share-the-work",
    ] {
        assert_eq!(status(passing), ["pass"], "{passing}");
    }
    // Something gets through: a negated operator on an absent key, an
    // operator IAM does not define, long-term keys of a user.
    for failing in [
        "case-string-not-equals-false",
        "case-undefined-operator",
        "case-user-principal-bool-if-exists",
    ] {
        assert_eq!(status(failing), ["fail"], "{failing}");
    }
    let message = |name: &str| {
        report["results"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| {
                r["policy"] == "support-role-trust-requires-mfa"
                    && r["subject"] == role(name).as_str()
            })
            .and_then(|r| r["message"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    assert!(message("case-deny-without-condition").contains("with MFA or without"));
    assert!(message("case-undefined-operator").contains("does not define"));
}

/// An export made with `--filter User Group Role LocalManagedPolicy` holds
/// no AWS managed policy's document: holding `AdministratorAccess` is then
/// unknown, never a pass (and never a failure either).
#[test]
fn an_attached_policy_without_its_document_is_not_evaluated() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    copy_tree(&root().join("snapshots/demo"), &demo);
    let path = demo.join("authorization-details.json");
    let mut details: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    details["Policies"]
        .as_array_mut()
        .unwrap()
        .retain(|p| p["Arn"] != admin);
    std::fs::write(&path, details.to_string()).unwrap();
    let (_, report) = json_report(&[demo.to_str().unwrap()]);
    let held: Vec<_> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["policy"] == "no-full-admin-policy-attached" && r["subject"] == admin)
        .collect();
    assert!(
        !held.is_empty(),
        "AdministratorAccess is attached in the demo"
    );
    for r in held {
        assert_eq!(r["status"], "not-evaluated", "{r}");
        let message = r["message"].as_str().unwrap();
        assert!(
            message.contains("does not hold the policy's document"),
            "{message}"
        );
    }
    // Holding a policy directly is judged all the same: that needs no document.
    let direct = results_of(&report, "permissions-through-groups-only");
    assert!(direct.iter().any(|r| r.2 == "fail"));
}

/// AWS records `access_key_N_last_rotated` for every key it creates: an
/// active key with `N/A` there is a row that contradicts itself, and the
/// key's age is unknown, never young.
#[test]
fn an_active_key_without_a_rotation_time_is_not_evaluated() {
    use base64::Engine as _;
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    copy_tree(&root().join("snapshots/demo"), &demo);
    let envelope: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(demo.join("credential-report.json")).unwrap(),
    )
    .unwrap();
    let csv = base64::engine::general_purpose::STANDARD
        .decode(envelope["Content"].as_str().unwrap())
        .unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let column = header
        .iter()
        .position(|c| *c == "access_key_1_last_rotated")
        .unwrap();
    let user = "arn:aws:iam::123456789012:user/alice";
    let edited: Vec<String> = csv
        .lines()
        .map(|line| {
            let mut cells: Vec<&str> = line.split(',').collect();
            if cells[1] == user {
                cells[column] = "N/A";
            }
            cells.join(",")
        })
        .collect();
    std::fs::remove_file(demo.join("credential-report.json")).unwrap();
    std::fs::write(demo.join("credential-report.csv"), edited.join("\n") + "\n").unwrap();
    let (_, report) = json_report(&[demo.to_str().unwrap(), "--as-of", "2026-11-20T09:30:00Z"]);
    let key = format!("access-keys-rotated-90-days/{user}/access-key/1");
    let result = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == key.as_str())
        .unwrap_or_else(|| panic!("no result {key}"));
    assert_eq!(result["status"], "not-evaluated", "{result}");
    assert!(result["message"]
        .as_str()
        .unwrap()
        .contains("contradicts itself"));
}

/// A 16-column (pre-2015) report cannot show when a key was used. Making a
/// root key is root use, so a key made within `root-use-days` fails
/// `root-not-used-recently`; an older one leaves root's use unknown.
#[test]
fn root_use_in_a_sixteen_column_report_is_never_a_guess() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_2_active,access_key_2_last_rotated,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n\
<root_account>,arn:aws:iam::123456789012:root,2012-02-11T09:14:33+00:00,not_supported,2013-01-01T00:00:00+00:00,not_supported,not_supported,true,true,2014-10-01T00:00:00+00:00,false,N/A,false,N/A,false,N/A\n";
    let file = tmp.path().join("credential-report.csv");
    std::fs::write(&file, csv).unwrap();
    let status = |as_of: &str| {
        let (_, report) = json_report(&[file.to_str().unwrap(), "--as-of", as_of]);
        results_of(&report, "root-not-used-recently")
            .into_iter()
            .map(|r| r.2)
            .collect::<Vec<_>>()
    };
    // The key was made 50 days before: root was used.
    assert_eq!(status("2014-11-20"), ["fail"]);
    // Made 243 days before, and the report cannot show its use since.
    assert_eq!(status("2015-06-01"), ["not-evaluated"]);
}

/// A 16-column report cannot show whether or when a user's key was used:
/// `access-keys-not-created-at-setup` cannot tell a never-used key, and
/// `credentials-unused-45-days` cannot judge a key older than the limit (a
/// younger one cannot have been idle that long, so it passes).
#[test]
fn user_key_use_in_a_sixteen_column_report_is_never_a_guess() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_2_active,access_key_2_last_rotated,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n\
<root_account>,arn:aws:iam::123456789012:root,2012-02-11T09:14:33+00:00,not_supported,N/A,not_supported,not_supported,true,false,N/A,false,N/A,false,N/A,false,N/A\n\
old,arn:aws:iam::123456789012:user/old,2013-01-01T00:00:00+00:00,true,2014-11-01T00:00:00+00:00,2013-01-01T00:00:00+00:00,N/A,true,true,2014-01-01T00:00:00+00:00,false,N/A,false,N/A,false,N/A\n\
young,arn:aws:iam::123456789012:user/young,2013-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2014-11-10T00:00:00+00:00,false,N/A,false,N/A,false,N/A\n";
    let file = tmp.path().join("credential-report.csv");
    std::fs::write(&file, csv).unwrap();
    let (_, report) = json_report(&[file.to_str().unwrap(), "--as-of", "2014-11-20"]);
    let status_of = |policy: &str, who: &str| -> Vec<String> {
        results_of(&report, policy)
            .into_iter()
            .filter(|r| r.0.ends_with(&format!("user/{who}")))
            .map(|r| r.2.to_string())
            .collect()
    };
    assert_eq!(
        status_of("access-keys-not-created-at-setup", "old"),
        ["not-evaluated"]
    );
    assert_eq!(
        status_of("credentials-unused-45-days", "old"),
        ["pass", "not-evaluated"]
    );
    // The console path (no password) and the key made 10 days before.
    assert_eq!(
        status_of("credentials-unused-45-days", "young"),
        ["pass", "pass"]
    );
    // The key's age is known: rotation is judged as usual.
    assert_eq!(status_of("access-keys-rotated-90-days", "old"), ["fail"]);
    let text = report.to_string();
    assert!(
        text.contains("cannot show whether or when a key was used"),
        "{text}"
    );
}

/// Root's facts completed from the account summary (the report has no root
/// row) cannot show when root was used.
#[test]
fn root_use_from_the_account_summary_is_not_evaluated() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("credential-report.csv"),
        "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n\
ann,arn:aws:iam::123456789012:user/ann,2026-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("account-summary.json"),
        r#"{"SummaryMap": {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0, "Users": 1}}"#,
    )
    .unwrap();
    let (_, report) = json_report(&[tmp.path().to_str().unwrap(), "--as-of", "2026-11-20"]);
    let statuses: Vec<String> = results_of(&report, "root-not-used-recently")
        .into_iter()
        .map(|r| r.2.to_string())
        .collect();
    assert_eq!(statuses, ["not-evaluated"], "{report:#}");
    assert_eq!(
        results_of(&report, "root-mfa")
            .into_iter()
            .map(|r| r.2.to_string())
            .collect::<Vec<_>>(),
        ["pass"]
    );
}

/// IAM refuses trust policies over 4,096 characters, which hold at most
/// 1,024 principal values: a role whose trust policy names more was not
/// exported from IAM. It is one `error` (never a pass, never a million
/// results); up to the limit every path is judged.
#[test]
fn a_trust_policy_larger_than_iam_allows_is_an_error_not_a_flood() {
    let evaluate = |principals: usize| {
        let tmp = tempfile::tempdir().unwrap();
        let aws: Vec<String> = (0..principals).map(|p| format!("{p:012}")).collect();
        let details = serde_json::json!({
            "UserDetailList": [], "GroupDetailList": [], "Policies": [],
            "RoleDetailList": [{
                "Path": "/", "RoleName": "aws-support", "RoleId": "AROAEXAMPLE",
                "Arn": "arn:aws:iam::123456789012:role/aws-support",
                "CreateDate": "2020-01-01T00:00:00Z",
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": aws}}
                ]},
                "InstanceProfileList": [], "RolePolicyList": [], "Tags": [], "RoleLastUsed": {},
                "AttachedManagedPolicies": [{"PolicyName": "AWSSupportAccess", "PolicyArn": "arn:aws:iam::aws:policy/AWSSupportAccess"}]
            }]
        });
        std::fs::write(
            tmp.path().join("authorization-details.json"),
            details.to_string(),
        )
        .unwrap();
        let (_, report) = json_report(&[tmp.path().to_str().unwrap()]);
        results_of(&report, "support-role-trust-requires-mfa")
            .into_iter()
            .map(|r| r.2)
            .collect::<Vec<_>>()
    };
    let at_limit = evaluate(1_024);
    assert_eq!(at_limit.len(), 1_024);
    assert!(at_limit.iter().all(|s| s == "fail"));
    assert_eq!(evaluate(1_025), ["error"]);
}
