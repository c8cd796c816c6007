//! Real exports published in public repositories (`../shared/realworld/`,
//! beside the project, not part of it): each must load and evaluate without
//! an input error (exit 0 or 1, a valid JSON report). Skipped, with a note,
//! when that folder is absent.

mod common;

use common::*;

#[test]
fn every_real_export_evaluates_without_an_input_error() {
    let dir = root().join("../shared/realworld");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    };
    let mut folders: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    assert!(!folders.is_empty());
    for folder in folders {
        let path = folder.to_str().unwrap();
        let out = run(&["evaluate", path, "--format", "json"]);
        let code = out.status.code();
        assert!(
            matches!(code, Some(0) | Some(1)),
            "{path}: exit {code:?}: {}",
            stderr(&out)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_valid_report(&report);
        assert!(report["summary"]["total"].as_u64().unwrap() > 0, "{path}");
        assert_eq!(report["summary"]["error"], 0, "{path}: {report:#}");
    }
}

#[test]
fn real_exports_give_the_expected_findings() {
    let dir = root().join("../shared/realworld");
    if !dir.is_dir() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    let eval = |name: &str| json_report(&[dir.join(name).to_str().unwrap()]).1;
    // awstestbench: jake (password used, no MFA) and test_account (password
    // never used, no MFA) fail; root is never judged as an IAM user.
    let r = eval("awstestbench");
    assert_eq!(
        failing(&r, "console-password-requires-mfa"),
        set(&[
            "arn:aws:iam::278368863034:user/jake",
            "arn:aws:iam::278368863034:user/test_account"
        ])
    );
    // saa-2025: root has `password_enabled=true` and MFA; both users lack MFA.
    let r = eval("saa-2025");
    assert_eq!(
        failing(&r, "console-password-requires-mfa"),
        set(&[
            "arn:aws:iam::156041403698:user/Ad",
            "arn:aws:iam::156041403698:user/Regular"
        ])
    );
    // cloudmapper: the decoded-CSV envelope gives the as-of time.
    let r = eval("cloudmapper-demo");
    assert_eq!(r["as_of"], "2019-05-07T15:40:22Z");
    assert_eq!(
        failing(&r, "console-password-requires-mfa"),
        set(&["arn:aws:iam::123456789012:user/user"])
    );
    // cloudsplaining: no support role in either account.
    for name in ["cloudsplaining-example", "cloudsplaining-small"] {
        let r = eval(name);
        assert_eq!(failing(&r, "support-role-exists").len(), 1, "{name}");
    }
}
