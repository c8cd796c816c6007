//! The command line as a user meets it: exit codes, stdout and stderr for
//! good and bad inputs, recorded with insta-cmd (one snapshot per case).

mod common;

use common::*;
use insta_cmd::assert_cmd_snapshot;

#[test]
fn bad_boolean_names_file_line_and_column() {
    assert_cmd_snapshot!(cmd(&["evaluate", "tests/fixtures/bad-boolean"]));
}

#[test]
fn missing_column_is_named() {
    assert_cmd_snapshot!(cmd(&["evaluate", "tests/fixtures/missing-column"]));
}

#[test]
fn truncated_json_names_line_and_column() {
    assert_cmd_snapshot!(cmd(&["evaluate", "tests/fixtures/truncated-json"]));
}

#[test]
fn wrong_json_type_names_the_pointer() {
    assert_cmd_snapshot!(cmd(&["evaluate", "tests/fixtures/wrong-type"]));
}

#[test]
fn new_controls_pass_fail_and_not_evaluated() {
    assert_cmd_snapshot!(cmd(&[
        "evaluate",
        "tests/fixtures/new-controls",
        "--format",
        "csv"
    ]));
}

#[test]
fn truncated_server_certificates_are_incomplete_evidence() {
    assert_cmd_snapshot!(cmd(&["evaluate", "tests/fixtures/certificates-truncated"]));
}

#[test]
fn a_bad_certificate_expiration_names_the_pointer() {
    assert_cmd_snapshot!(cmd(&[
        "evaluate",
        "tests/fixtures/certificates-bad-expiration"
    ]));
}

#[test]
fn lone_truncated_page_is_incomplete_evidence() {
    assert_cmd_snapshot!(cmd(&["evaluate", "tests/fixtures/lone-truncated-page"]));
}

#[test]
fn all_pages_truncated_is_incomplete_evidence() {
    assert_cmd_snapshot!(cmd(&["evaluate", "tests/fixtures/all-pages-truncated"]));
}

#[test]
fn an_entity_on_two_pages_is_an_error() {
    assert_cmd_snapshot!(cmd(&["evaluate", "tests/fixtures/duplicate-entity-pages"]));
}

#[test]
fn empty_file_is_an_error() {
    assert_cmd_snapshot!(cmd(&["evaluate", "tests/fixtures/empty-file"]));
}

#[test]
fn folder_without_evidence_is_an_error() {
    assert_cmd_snapshot!(cmd(&["evaluate", "tests/fixtures/no-evidence"]));
}

#[test]
fn two_different_credential_reports_are_an_error() {
    assert_cmd_snapshot!(cmd(&["evaluate", "tests/fixtures/two-reports-differ"]));
}

#[test]
fn missing_path_is_an_error() {
    assert_cmd_snapshot!(cmd(&["evaluate", "tests/fixtures/does-not-exist"]));
}

#[test]
fn bad_as_of_is_a_usage_error() {
    assert_cmd_snapshot!(cmd(&["evaluate", "snapshots/demo", "--as-of", "yesterday"]));
}

#[test]
fn unknown_format_is_a_usage_error() {
    let out = run(&["evaluate", "snapshots/demo", "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("yaml"));
}

#[test]
fn every_bad_input_exits_2_with_no_report_and_no_panic() {
    for case in [
        "bad-boolean",
        "missing-column",
        "truncated-json",
        "wrong-type",
        "lone-truncated-page",
        "all-pages-truncated",
        "duplicate-entity-pages",
        "empty-file",
        "no-evidence",
        "two-reports-differ",
        "certificates-truncated",
        "certificates-bad-expiration",
    ] {
        let path = format!("tests/fixtures/{case}");
        for format in ["table", "json"] {
            let out = run(&["evaluate", &path, "--format", format]);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{case}: {err}");
            assert!(
                out.stdout.is_empty(),
                "{case}: a partial report was printed"
            );
            assert!(err.starts_with("error: "), "{case}: {err}");
            assert!(!err.contains("panicked"), "{case}: {err}");
        }
    }
}

#[test]
fn files_given_directly_form_one_snapshot() {
    let (code, report) = json_report(&[
        "snapshots/demo/credential-report.json",
        "snapshots/demo/authorization-details.json",
        "snapshots/demo/account-summary.json",
        "snapshots/demo/password-policy.json",
        "snapshots/demo/virtual-mfa-devices.json",
        "snapshots/demo/server-certificates.json",
    ]);
    assert_eq!(code, 1);
    let (_, folder) = json_report(&["snapshots/demo"]);
    assert_eq!(report["results"], folder["results"]);
    let paths: Vec<&str> = report["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "account-summary.json",
            "authorization-details.json",
            "credential-report.json",
            "password-policy.json",
            "server-certificates.json",
            "virtual-mfa-devices.json"
        ]
    );
}

#[test]
fn a_single_csv_file_is_a_snapshot() {
    let (code, report) = json_report(&["tests/fixtures/csv-16-columns/credential_report.csv"]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["evidence"][0]["path"], "credential_report.csv");
}

#[test]
fn schema_command_prints_the_cedar_schema() {
    let out = run(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        std::fs::read_to_string(root().join("schemas/iam.cedarschema")).unwrap()
    );
}
