//! `iam-audit collect-script`: the printed bash script, run under `bash`
//! against a stand-in `aws` (tests/fixtures/collect/aws, answering from the
//! fixture accounts beside it) first on PATH. Every folder it writes must
//! evaluate cleanly (exit 0 or 1, nothing on stderr); a failed call must
//! leave nothing that looks like evidence.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{root, run, stderr, stdout};
use serde_json::Value;

/// A temporary place with the printed script, the stand-in's state folder
/// and room for the output folders.
struct Desk {
    dir: tempfile::TempDir,
}

impl Desk {
    fn new() -> Desk {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let out = run(&["collect-script"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        std::fs::write(dir.path().join("collect.sh"), &out.stdout).expect("writes the script");
        std::fs::create_dir(dir.path().join("state")).expect("state folder");
        Desk { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `bash collect.sh ARGS...` with the stand-in first on PATH and
    /// `env` added.
    fn collect(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let stand_in = root().join("tests/fixtures/collect");
        let path = format!(
            "{}:{}",
            stand_in.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut c = std::process::Command::new("bash");
        c.arg(self.path("collect.sh"))
            .args(args)
            .current_dir(self.dir.path())
            .env("PATH", path)
            .env("FAKE_AWS_STATE", self.path("state"))
            .env("IAM_AUDIT_REPORT_POLL_SECONDS", "0")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("FAKE_AWS_FAIL")
            .env_remove("FAKE_AWS_NO_PAGINATION");
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().expect("bash runs")
    }

    /// The calls the stand-in received, one per line.
    fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.path("state/calls.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// What the desk holds besides the script and the state folder.
    fn left_over(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .expect("lists")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n != "collect.sh" && n != "state")
            .collect();
        names.sort();
        names
    }
}

fn files_of(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

const SNAPSHOT_FILES: [&str; 7] = [
    "account-summary.json",
    "authorization-details.json",
    "credential-report.json",
    "password-policy.json",
    "server-certificates.json",
    "snapshot.json",
    "virtual-mfa-devices.json",
];

/// `iam-audit evaluate DIR --format json`: exit 0 or 1, nothing but notes on
/// stderr, no warning in the report. Returns the report.
fn evaluates_cleanly(dir: &Path) -> Value {
    let dir = dir.to_str().expect("UTF-8 path");
    let out = run(&["evaluate", dir, "--format", "json"]);
    let code = out.status.code().expect("exit code");
    assert!(code == 0 || code == 1, "exit {code}: {}", stderr(&out));
    // Only notes (an organization is announced as such): no warning, no error.
    let err = stderr(&out);
    assert!(
        err.lines().all(|l| l.starts_with("note: ")),
        "evaluate printed more than notes on stderr: {err}"
    );
    let report: Value = serde_json::from_str(&stdout(&out)).expect("a JSON report");
    common::assert_valid_report(&report);
    assert_eq!(report["warnings"], serde_json::json!([]));
    // A table run must be as quiet.
    let table = run(&["evaluate", dir]);
    assert_eq!(stderr(&table), err);
    report
}

fn manifest(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("snapshot.json")).expect("manifest"))
        .expect("the manifest is JSON")
}

fn assert_exported_at_is_utc(manifest: &Value) {
    let t = manifest["exported_at"].as_str().expect("exported_at");
    let shape = regex::Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$").unwrap();
    assert!(shape.is_match(t), "exported_at `{t}` is not RFC 3339 UTC");
}

#[test]
fn the_printed_script_is_the_file_in_the_repository_with_the_version() {
    let out = run(&["collect-script"]);
    assert_eq!(out.status.code(), Some(0));
    let expected = std::fs::read_to_string(root().join("src/commands/collect.sh"))
        .expect("the script file")
        .replace("@IAM_AUDIT_VERSION@", env!("CARGO_PKG_VERSION"));
    assert_eq!(stdout(&out), expected);
    assert!(expected.starts_with("#!/usr/bin/env bash\n"));
    assert!(expected.contains("\nset -euo pipefail\n"));
    assert!(expected.contains(&format!("iam-audit {}", env!("CARGO_PKG_VERSION"))));
    assert!(!expected.contains("jq"), "the AWS CLI alone, no jq");
}

#[test]
fn one_account_waits_for_the_report_and_merges_every_page() {
    let desk = Desk::new();
    let out = desk.collect(&["evidence"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let folder = desk.path("evidence");
    assert_eq!(files_of(&folder), SNAPSHOT_FILES);
    assert_eq!(
        desk.left_over(),
        ["evidence"],
        "no temporary folder is left"
    );

    // The report was still generating on the first two polls: three
    // requests, then the report, never before.
    let calls = desk.calls();
    let generate = calls
        .iter()
        .filter(|c| c.starts_with("iam generate-credential-report"))
        .count();
    assert_eq!(generate, 3, "{calls:#?}");
    let first_get = calls
        .iter()
        .position(|c| c.starts_with("iam get-credential-report"))
        .expect("the report is fetched");
    let last_generate = calls
        .iter()
        .rposition(|c| c.starts_with("iam generate-credential-report"))
        .unwrap();
    assert!(first_get > last_generate);
    assert!(calls.iter().all(|c| !c.contains("--no-paginate")
        && !c.contains("--max-items")
        && !c.contains("--profile")));

    // Both pages in one document: the demo account's 8 users and 7 roles.
    let details: Value = serde_json::from_str(
        &std::fs::read_to_string(folder.join("authorization-details.json")).unwrap(),
    )
    .expect("one JSON document");
    assert_eq!(details["UserDetailList"].as_array().unwrap().len(), 8);
    assert_eq!(details["RoleDetailList"].as_array().unwrap().len(), 7);
    assert!(details.get("IsTruncated").is_none());

    let m = manifest(&folder);
    assert_eq!(m["account_id"], "123456789012");
    assert_eq!(m["account_alias"], "acme-demo");
    assert_exported_at_is_utc(&m);

    let report = evaluates_cleanly(&folder);
    // The same results as the demo snapshot the stand-in answered from.
    let (_, demo) = common::json_report(&["snapshots/demo"]);
    assert_eq!(report["results"], demo["results"]);
    assert_eq!(report["as_of_source"], "credential-report");
}

#[test]
fn a_missing_password_policy_is_written_as_the_documented_marker() {
    let desk = Desk::new();
    let out = desk.collect(&["evidence/", "--profile", "compliant"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let folder = desk.path("evidence");
    assert_eq!(files_of(&folder), SNAPSHOT_FILES);
    assert_eq!(
        std::fs::read_to_string(folder.join("password-policy.json")).unwrap(),
        "{\"PasswordPolicy\": null}\n"
    );
    assert!(desk
        .calls()
        .iter()
        .all(|c| c.contains("--profile compliant")));
    let report = evaluates_cleanly(&folder);
    let failing = common::subjects_with(&report, "fail");
    assert!(
        failing.contains_key("password-policy-min-length"),
        "no password policy fails the length control: {failing:?}"
    );
}

#[test]
fn several_profiles_and_roles_make_an_organization() {
    let desk = Desk::new();
    let out = desk.collect(
        &[
            "org",
            "--profile",
            "default",
            "--role-arn",
            "arn:aws:iam::222222222222:role/audit",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let org = desk.path("org");
    assert_eq!(files_of(&org), ["123456789012-acme-demo", "222222222222"]);
    for account in files_of(&org) {
        assert_eq!(files_of(&org.join(&account)), SNAPSHOT_FILES);
    }
    let dev = manifest(&org.join("222222222222"));
    assert_eq!(dev["account_id"], "222222222222");
    assert!(dev.get("account_alias").is_none(), "no alias, no key");
    assert!(desk
        .calls()
        .iter()
        .any(|c| c.starts_with("sts assume-role --role-arn arn:aws:iam::222222222222:role/audit")));

    let report = evaluates_cleanly(&org);
    let accounts: Vec<&str> = report["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["account"].as_str().unwrap())
        .collect();
    assert_eq!(accounts, ["123456789012", "222222222222"]);

    // Two profiles are an organization too (in a folder whose name has a
    // space, which the closing hint quotes for the shell).
    let out = desk.collect(
        &["two accounts", "--profile", "default", "--profile=dev"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).ends_with("next: iam-audit evaluate two\\ accounts\n"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        files_of(&desk.path("two accounts")),
        ["123456789012-acme-demo", "222222222222"]
    );
    evaluates_cleanly(&desk.path("two accounts"));
}

#[test]
fn a_failing_call_leaves_no_folder_and_says_which_call() {
    let desk = Desk::new();
    let out = desk.collect(
        &["evidence", "--profile", "default", "--profile", "dev"],
        &[("FAKE_AWS_FAIL", "iam get-account-summary")],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "profile default: `aws iam get-account-summary --output json` failed (exit 254)"
        ),
        "{err}"
    );
    assert!(err.contains("AccessDenied"), "{err}");
    assert!(err.contains("nothing was written to `evidence`"), "{err}");
    assert_eq!(desk.left_over(), Vec::<String>::new());

    // The second account failing removes the first one's finished folder too.
    let out = desk.collect(
        &[
            "org",
            "--profile",
            "default",
            "--role-arn",
            "arn:aws:iam::999999999999:role/audit",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("`aws sts assume-role"),
        "{}",
        stderr(&out)
    );
    assert_eq!(desk.left_over(), Vec::<String>::new());
}

#[test]
fn a_truncated_export_or_a_report_that_never_completes_is_refused() {
    let desk = Desk::new();
    let out = desk.collect(&["evidence"], &[("FAKE_AWS_NO_PAGINATION", "1")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("IsTruncated"), "{}", stderr(&out));
    assert_eq!(desk.left_over(), Vec::<String>::new());

    let desk = Desk::new();
    let out = desk.collect(&["evidence"], &[("IAM_AUDIT_REPORT_POLLS", "2")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("still `INPROGRESS` after 2 requests"),
        "{}",
        stderr(&out)
    );
    assert!(desk
        .calls()
        .iter()
        .all(|c| !c.starts_with("iam get-credential-report")));
    assert_eq!(desk.left_over(), Vec::<String>::new());
}

#[test]
fn an_existing_folder_a_repeated_account_and_bad_arguments_are_refused() {
    let desk = Desk::new();
    std::fs::create_dir(desk.path("evidence")).unwrap();
    std::fs::write(desk.path("evidence/keep.txt"), "mine").unwrap();
    let out = desk.collect(&["evidence"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(files_of(&desk.path("evidence")), ["keep.txt"]);
    assert!(desk.calls().is_empty(), "nothing is asked of AWS");

    let out = desk.collect(
        &[
            "org",
            "--profile",
            "dev",
            "--role-arn",
            "arn:aws:iam::222222222222:role/audit",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("account 222222222222 was already collected"),
        "{}",
        stderr(&out)
    );
    assert_eq!(desk.left_over(), ["evidence"]);

    for args in [&[][..], &["a", "b"], &["a", "--profile"], &["a", "--bogus"]] {
        let out = desk.collect(args, &[]);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&out).contains("usage: bash collect.sh OUTDIR"),
            "{args:?}"
        );
    }
    assert_eq!(desk.left_over(), ["evidence"]);
}
