//! Policy loading as an author meets it: the built-in pack is valid and
//! embedded whole; bad policies get exit 2 with file, line and column; custom
//! policies add to the pack; evaluation errors become `error` results.

mod common;

use common::*;
use insta_cmd::assert_cmd_snapshot;

#[test]
fn builtin_pack_validates() {
    let out = run(&["validate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "21 policies valid\n");
}

#[test]
fn every_policy_file_is_embedded() {
    let mut on_disk: Vec<String> = std::fs::read_dir(root().join("policies"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".cedar"))
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> = iam_audit::engine::builtin::FILES
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    embedded.sort();
    assert_eq!(on_disk, embedded);
    for (name, text) in iam_audit::engine::builtin::FILES {
        assert_eq!(
            *text,
            std::fs::read_to_string(root().join("policies").join(name)).unwrap()
        );
    }
}

#[test]
fn builtin_ids_are_the_contract() {
    let pack = iam_audit::commands::load_pack(&Default::default()).unwrap();
    let ids: Vec<&str> = pack.controls.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "access-keys-not-created-at-setup",
            "access-keys-rotated-90-days",
            "console-password-requires-mfa",
            "credentials-unused-45-days",
            "no-cloudshell-full-access",
            "no-full-admin-policy-attached",
            "no-kms-decrypt-all-keys-inline",
            "no-service-wildcard-in-customer-policies",
            "one-active-access-key",
            "password-policy-min-length",
            "password-policy-prevents-reuse",
            "permissions-through-groups-only",
            "roles-unused-90-days",
            "root-hardware-mfa",
            "root-mfa",
            "root-no-access-keys",
            "root-not-used-recently",
            "server-certificates-not-expired",
            "support-role-exists",
            "support-role-trust-requires-mfa",
            "users-have-mfa"
        ]
    );
    for c in &pack.controls {
        assert!(c.remediation.is_some(), "{} has no remediation", c.id);
        assert_ne!(c.version, "0.0.0", "{} has no @version", c.id);
    }
}

#[test]
fn misspelt_attribute_names_file_line_and_the_right_attribute() {
    assert_cmd_snapshot!(cmd(&[
        "validate",
        "--policies",
        "tests/fixtures/policies/misspelt-attribute.cedar"
    ]));
}

#[test]
fn permit_policy_is_refused() {
    assert_cmd_snapshot!(cmd(&[
        "validate",
        "--policies",
        "tests/fixtures/policies/permit.cedar"
    ]));
}

#[test]
fn policy_without_id_is_refused() {
    assert_cmd_snapshot!(cmd(&[
        "validate",
        "--policies",
        "tests/fixtures/policies/no-id.cedar"
    ]));
}

#[test]
fn duplicate_of_a_builtin_id_is_refused() {
    assert_cmd_snapshot!(cmd(&[
        "validate",
        "--policies",
        "tests/fixtures/policies/duplicate-builtin-id.cedar"
    ]));
    // Without the built-in pack the same file is fine.
    let out = run(&[
        "validate",
        "--no-default-policies",
        "--policies",
        "tests/fixtures/policies/duplicate-builtin-id.cedar",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn unknown_severity_is_refused() {
    assert_cmd_snapshot!(cmd(&[
        "validate",
        "--policies",
        "tests/fixtures/policies/bad-severity.cedar"
    ]));
}

#[test]
fn syntax_error_names_file_line_and_column() {
    assert_cmd_snapshot!(cmd(&[
        "validate",
        "--policies",
        "tests/fixtures/policies/syntax-error.cedar"
    ]));
}

#[test]
fn evaluate_refuses_bad_policies_before_reading_evidence() {
    let out = run(&[
        "evaluate",
        "snapshots/demo",
        "--policies",
        "tests/fixtures/policies/misspelt-attribute.cedar",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("tests/fixtures/policies/misspelt-attribute.cedar:10:"));
}

#[test]
fn custom_policies_add_to_the_pack() {
    let (code, report) = json_report(&[
        "snapshots/demo",
        "--policies",
        "tests/fixtures/policies/custom/contractors.cedar",
    ]);
    assert_eq!(code, 1);
    let ids: Vec<&str> = report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"console-password-requires-mfa"));
    assert!(ids.contains(&"contractors-no-access-keys"));
    let builtin = report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "console-password-requires-mfa")
        .unwrap();
    assert_eq!(
        builtin["source"],
        "builtin/console-password-requires-mfa.cedar"
    );
    let custom = report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "contractors-no-access-keys")
        .unwrap();
    assert_eq!(custom["source"], "contractors.cedar");
}

#[test]
fn evaluation_errors_are_error_results_never_passes() {
    let (code, report) = json_report(&[
        "snapshots/demo",
        "--no-default-policies",
        "--policies",
        "tests/fixtures/policies/custom/overflow.cedar",
    ]);
    assert_eq!(code, 1, "an error result makes the run fail");
    let statuses: Vec<(String, String, String)> = results_of(&report, "overflowing-arithmetic");
    assert!(!statuses.is_empty());
    // Users with an active key overflow; users without keys add 0.
    let errored: Vec<&(String, String, String)> =
        statuses.iter().filter(|s| s.2 == "error").collect();
    assert!(!errored.is_empty(), "{statuses:?}");
    for r in report["results"].as_array().unwrap() {
        if r["status"] == "error" {
            assert!(r["message"].as_str().unwrap().contains("overflow"), "{r}");
        }
    }
}

#[test]
fn no_default_policies_without_policies_is_a_usage_error() {
    let out = run(&["evaluate", "snapshots/demo", "--no-default-policies"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--no-default-policies"));
}

#[test]
fn entities_output_loads_back_with_the_schema() {
    let out = run(&["entities", "snapshots/demo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let schema = iam_audit::engine::schema().unwrap();
    let entities = cedar_policy::Entities::from_json_str(&stdout(&out), Some(&schema))
        .expect("entities load with the schema");
    let user: cedar_policy::EntityUid = r#"Iam::User::"arn:aws:iam::123456789012:user/bob""#
        .parse()
        .unwrap();
    assert!(entities.get(&user).is_some());
    // Stable output.
    assert_eq!(stdout(&out), stdout(&run(&["entities", "snapshots/demo"])));
}
