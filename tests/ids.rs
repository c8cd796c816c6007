//! Result ids are unique by construction: every report `evaluate` writes is
//! one `diff` and `verify` accept. A managed policy attached twice is judged
//! once (with a warning), two inline policies of one name in one holder are
//! an error naming both, and two snapshots of one account in an organization
//! are both unusable, naming each other.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use common::*;

fn edit_json(path: &Path, edit: impl FnOnce(&mut Value)) {
    let mut value: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    edit(&mut value);
    std::fs::write(path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
}

/// The report of `evaluate EVIDENCE --format json -o DIR/report.json`: exit
/// code and report; then `diff` of the report with itself and `verify`
/// must both accept it.
fn evaluate_and_reread(dir: &Path, evidence: &Path) -> (i32, Value) {
    let report = dir.join("report.json");
    let out = run(&[
        "evaluate",
        evidence.to_str().unwrap(),
        "--format",
        "json",
        "-o",
        report.to_str().unwrap(),
    ]);
    let code = out.status.code().unwrap();
    let value: Value = serde_json::from_slice(&std::fs::read(&report).unwrap())
        .unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    assert_valid_report(&value);
    let ids: Vec<(String, String)> = value["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["account"].as_str().unwrap().to_string(),
                r["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let unique: BTreeSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate result ids");
    let r = report.to_str().unwrap();
    let diff = run(&["diff", r, r]);
    assert_eq!(diff.status.code(), Some(0), "{}", stderr(&diff));
    let verify = run(&["verify", r, evidence.to_str().unwrap()]);
    assert_eq!(verify.status.code(), Some(0), "{}", stdout(&verify));
    (code, value)
}

#[test]
fn a_managed_policy_attached_twice_is_judged_once() {
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("demo");
    copy_tree(&root().join("snapshots/demo"), &evidence);
    edit_json(&evidence.join("authorization-details.json"), |v| {
        for role in v["RoleDetailList"].as_array_mut().unwrap() {
            let list = role["AttachedManagedPolicies"].as_array_mut().unwrap();
            if let Some(first) = list.first().cloned() {
                list.push(first);
            }
        }
    });
    let (code, report) = evaluate_and_reread(dir.path(), &evidence);
    assert_eq!(code, 1);
    let warnings = report["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains(
                "to `arn:aws:iam::123456789012:role/aws-support` twice; it is judged once"
            )),
        "{warnings:?}"
    );
}

#[test]
fn two_inline_policies_of_one_name_are_an_error_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("demo");
    copy_tree(&root().join("snapshots/demo"), &evidence);
    let mut at = None;
    edit_json(&evidence.join("authorization-details.json"), |v| {
        for (i, role) in v["RoleDetailList"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .enumerate()
        {
            let list = role["RolePolicyList"].as_array_mut().unwrap();
            if let Some(first) = list.first().cloned() {
                list.push(first);
                at.get_or_insert(i);
            }
        }
    });
    let i = at.expect("a role with an inline policy");
    let out = run(&["evaluate", evidence.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out);
    assert!(
        text.contains(&format!(
            "authorization-details.json: JSON pointer `/RoleDetailList/{i}/RolePolicyList/1/PolicyName`: two inline policies named `"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "in one holder, at `/RoleDetailList/{i}/RolePolicyList/0` and `/RoleDetailList/{i}/RolePolicyList/1`"
        )),
        "{text}"
    );
}

#[test]
fn two_snapshots_of_one_account_are_unusable_and_name_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("org");
    copy_tree(&root().join("snapshots/org"), &org);
    copy_tree(
        &root().join("snapshots/org/111111111111-prod"),
        &org.join("prod-again"),
    );
    let (code, report) = evaluate_and_reread(dir.path(), &org);
    assert_eq!(code, 2);
    let snapshots = report["snapshots"].as_array().unwrap();
    let status = |name: &str| {
        snapshots
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("{name}"))
            .clone()
    };
    assert_eq!(status("222222222222-dev")["status"], "evaluated");
    for (name, other) in [
        ("111111111111-prod", "prod-again"),
        ("prod-again", "111111111111-prod"),
    ] {
        let s = status(name);
        assert_eq!(s["status"], "unusable", "{name}");
        let error = s["errors"][0].as_str().unwrap();
        assert!(
            error.contains(&format!(
                "this snapshot and `{other}` are all of account 111111111111"
            )),
            "{error}"
        );
    }
    assert!(report["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["account"] == "222222222222"));
}
