//! `--framework` (and its alias `--benchmark`), `iam-audit frameworks`,
//! `policies --framework`, `@maps`, and `verify` of a report made with
//! frameworks: the per-requirement view for the frameworks of
//! `policies/frameworks/` alongside the CIS versions.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

const DEMO: &str = "snapshots/demo";

/// A custom policy that declares `maps`, written in `dir`.
fn custom(dir: &Path, maps: &str) -> String {
    let path = dir.join("custom.cedar");
    std::fs::write(
        &path,
        format!(
            "@id(\"custom-console-mfa\")\n@title(\"Console users have MFA (custom)\")\n@severity(\"high\")\n@version(\"1.0.0\")\n@requires(\"credential-report\")\n@maps(\"{maps}\")\nforbid (principal is Iam::User, action == Iam::Action::\"SignInToConsole\", resource)\nwhen {{ principal.password_enabled && !principal.mfa_active }};\n"
        ),
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

fn view<'r>(report: &'r Value, id: &str) -> &'r Value {
    report["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no view of {id}"))
}

fn requirement<'r>(view: &'r Value, id: &str) -> &'r Value {
    view["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no requirement {id}"))
}

#[test]
fn a_data_framework_restricts_labels_and_views_the_run() {
    let (code, report) = json_report(&[DEMO, "--framework", "nist-800-53-r5"]);
    assert_eq!(code, 1);
    // No CIS framework chosen: no CIS keys.
    assert!(report.get("benchmark").is_none());
    let v = view(&report, "nist-800-53-r5");
    assert_eq!(v["name"], "NIST SP 800-53 Revision 5");
    assert_eq!(v["requirements"].as_array().unwrap().len(), 16);
    // IA-2(1): console MFA among its controls; the demo has a console user
    // without MFA, so it fails, and that result carries the tag.
    let ia = requirement(v, "IA-2(1)");
    assert!(ia["controls"]
        .as_array()
        .unwrap()
        .contains(&Value::from("console-password-requires-mfa")));
    assert_eq!(ia["status"], "fail");
    let failing_mfa = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["policy"] == "console-password-requires-mfa" && r["status"] == "fail")
        .expect("a console user without MFA");
    assert!(failing_mfa["requirements"]
        .as_array()
        .unwrap()
        .contains(&Value::from("nist-800-53-r5:IA-2(1)")));
    assert!(failing_mfa.get("benchmark_control").is_none());
    // Manual with the file's reason; partial coverage marked.
    let manual = requirement(v, "IA-5(1)");
    assert_eq!(manual["status"], "manual");
    assert!(manual["manual"]
        .as_str()
        .unwrap()
        .contains("PasswordPolicy"));
    // AC-5 is decided in full by the KMS.2 and IAM.21 controls.
    assert!(requirement(v, "AC-5").get("partial").is_none());
    assert!(requirement(v, "AC-2").get("partial").is_none());
    // Only mapped controls ran: nothing about the support role, which maps
    // to no NIST 800-53 requirement.
    let policies: Vec<&str> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["policy"].as_str().unwrap())
        .collect();
    assert!(!policies.contains(&"support-role-trust-requires-mfa"));
}

#[test]
fn benchmark_is_an_alias_and_keeps_its_keys_next_to_other_frameworks() {
    let (_, alone) = json_report(&[DEMO, "--benchmark", "cis-aws-v5.0"]);
    let (_, alias) = json_report(&[DEMO, "--framework", "cis-aws-v5.0"]);
    assert_eq!(alone, alias);
    assert_eq!(alone["benchmark"], "cis-aws-v5.0");

    let (_, both) = json_report(&[
        DEMO,
        "--framework",
        "cis-aws-v5.0",
        "--framework",
        "pci-dss-v4.0.1",
    ]);
    assert_eq!(both["benchmark"], "cis-aws-v5.0");
    let ids: Vec<&str> = both["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["cis-aws-v5.0", "pci-dss-v4.0.1"]);
    // The CIS view is the one `--benchmark` alone gives.
    assert_eq!(view(&both, "cis-aws-v5.0"), view(&alone, "cis-aws-v5.0"));
    let mfa = both["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["policy"] == "console-password-requires-mfa")
        .unwrap();
    assert_eq!(mfa["benchmark_control"], "1.9");
    assert_eq!(
        mfa["requirements"],
        serde_json::json!(["cis-aws-v5.0:1.9", "pci-dss-v4.0.1:8.4.2"])
    );
    // Every human format names the other framework's requirements too.
    let text = stdout(&run(&[
        "evaluate",
        DEMO,
        "--framework",
        "cis-aws-v5.0",
        "--framework",
        "pci-dss-v4.0.1",
        "--format",
        "markdown",
    ]));
    assert!(text.contains("8.4.2"), "{text}");
    assert!(text.contains("PCI DSS"), "{text}");
}

#[test]
fn unknown_frameworks_and_two_cis_versions_are_usage_errors() {
    for command in ["evaluate", "policies"] {
        let mut args = vec![command];
        if command == "evaluate" {
            args.push(DEMO);
        }
        args.extend(["--framework", "pci-dss-4.0.1"]);
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{command}");
        let err = stderr(&out);
        assert!(err.contains("did you mean `pci-dss-v4.0.1`?"), "{err}");
        assert!(err.contains("`nist-800-171-r2`"), "{err}");
    }
    let out = run(&["evaluate", DEMO, "--framework", "soc2"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&[
        "evaluate",
        DEMO,
        "--framework",
        "cis-aws-v5.0",
        "--framework",
        "cis-aws-v3.0",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("choose one"), "{}", stderr(&out));
}

#[test]
fn frameworks_lists_every_id_with_its_coverage_and_says_what_is_missing() {
    let out = run(&["frameworks"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("frameworks_table", stdout(&out));
    let out = run(&["frameworks", "--format", "json"]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let list = v["frameworks"].as_array().unwrap();
    let ids: Vec<&str> = list.iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert!(
        ids.contains(&"cis-aws-v5.0") && ids.contains(&"aws-fsbp"),
        "{ids:?}"
    );
    for f in list {
        let n = f["requirements"].as_u64().unwrap();
        let sum = f["covered"].as_u64().unwrap()
            + f["partial"].as_u64().unwrap()
            + f["manual"].as_u64().unwrap();
        assert_eq!(n, sum, "{f}");
    }
    assert!(v["not_listed"].as_str().unwrap().contains("SOC 2"));
    // Coverage counts what is loaded: one control covers one CIS number.
    let out = run(&["frameworks", "--format", "json", "--select", "root-mfa"]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let cis = v["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "cis-aws-v5.0")
        .unwrap();
    assert_eq!(cis["covered"], 1, "{cis}");
    assert_eq!(cis["manual"], 20, "{cis}");
}

#[test]
fn policies_per_requirement_shows_coverage_and_files() {
    let out = run(&["policies", "--framework", "nist-800-53-r5"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("policies_nist_800_53_r5", stdout(&out));
    let out = run(&[
        "policies",
        "--framework",
        "nist-800-53-r5",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["framework"], "nist-800-53-r5");
    let reqs = v["requirements"].as_array().unwrap();
    let ia = reqs.iter().find(|r| r["requirement"] == "IA-2(1)").unwrap();
    assert_eq!(ia["coverage"], "covered");
    assert!(ia["policies"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == "console-password-requires-mfa"
            && p["file"] == "builtin/console-password-requires-mfa.cedar"));
    // Without the controls that map to it, a requirement says which would.
    let out = run(&[
        "policies",
        "--framework",
        "pci-dss-v4.0.1",
        "--format",
        "json",
        "--ignore",
        "*mfa*",
    ]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let r = v["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["requirement"] == "8.4.2")
        .unwrap()
        .clone();
    assert_eq!(r["coverage"], "manual", "{r}");
    assert!(
        r["manual"]
            .as_str()
            .unwrap()
            .contains("no loaded control maps to it"),
        "{r}"
    );
    // Two frameworks in JSON: an array of the two documents.
    let out = run(&[
        "policies",
        "--framework",
        "cis-aws-v5.0",
        "--benchmark",
        "aws-fsbp",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v[0]["benchmark"], "cis-aws-v5.0");
    assert_eq!(v[1]["framework"], "aws-fsbp");
}

#[test]
fn maps_joins_a_custom_policy_to_a_requirement() {
    let dir = tempfile::tempdir().unwrap();
    let policy = custom(dir.path(), "pci-dss-v4.0.1:8.3.6 nist-800-53-r5:AC-2");
    let (_, report) = json_report(&[
        DEMO,
        "--no-default-policies",
        "--policies",
        &policy,
        "--framework",
        "pci-dss-v4.0.1",
    ]);
    let v = view(&report, "pci-dss-v4.0.1");
    assert_eq!(
        requirement(v, "8.3.6")["controls"],
        serde_json::json!(["custom-console-mfa"])
    );
    assert_eq!(requirement(v, "8.3.6")["status"], "fail");
    let result = &report["results"][0];
    assert_eq!(
        result["requirements"],
        serde_json::json!(["pci-dss-v4.0.1:8.3.6"])
    );
}

#[test]
fn maps_with_an_unknown_framework_or_requirement_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    for (maps, hint) in [
        ("nist-800-53-r4:AC-2", "did you mean `nist-800-53-r5`?"),
        (
            "pci-dss-v4.0.1:8.4.22",
            "did you mean `pci-dss-v4.0.1:8.4.2`?",
        ),
        ("AC-2", "is not `<framework>:<requirement>`"),
    ] {
        let policy = custom(dir.path(), maps);
        let out = run(&["validate", "--no-default-policies", "--policies", &policy]);
        assert_eq!(out.status.code(), Some(2), "{maps}");
        let err = stderr(&out);
        assert!(err.contains("custom.cedar:6:1:"), "{err}");
        assert!(err.contains(hint), "{err}");
    }
}

#[test]
fn verify_replays_the_frameworks_and_rejects_an_edited_requirement() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let out = run(&[
        "evaluate",
        DEMO,
        "--framework",
        "nist-800-53-r5",
        "--framework",
        "aws-fsbp",
        "--format",
        "json",
        "-o",
        report.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = run(&["verify", report.to_str().unwrap(), DEMO]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("--framework nist-800-53-r5, --framework aws-fsbp"),
        "{text}"
    );

    let mut value: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let reqs = value["frameworks"][0]["requirements"]
        .as_array_mut()
        .unwrap();
    let failing = reqs.iter_mut().find(|r| r["status"] == "fail").unwrap();
    failing["status"] = "pass".into();
    let edited = dir.path().join("edited.json");
    std::fs::write(
        &edited,
        serde_json::to_string_pretty(&value).unwrap() + "\n",
    )
    .unwrap();
    let out = run(&["verify", edited.to_str().unwrap(), DEMO]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
}
