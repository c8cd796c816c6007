//! Interoperability with Cedar's own tooling: what `iam-audit entities` and
//! `iam-audit requests` print loads with the `cedar-policy` crate exactly as
//! the official `cedar` CLI loads it (`Entities::from_json_str` with the
//! schema, `Context::from_json_value` with the schema and action, a
//! schema-validated `Request`), and Cedar's `Authorizer`, given the policy
//! files as they are on disk, names the same determining policies as
//! iam-audit's `fail` results (and none of its `pass` results).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use cedar_policy::{
    Authorizer, Context, Entities, EntityUid, PolicyId, PolicySet, Request, Schema,
};
use common::*;
use serde_json::Value;

fn schema() -> Schema {
    Schema::from_cedarschema_str(iam_audit::engine::SCHEMA_TEXT)
        .expect("schema parses")
        .0
}

/// The policy files loaded as the `cedar` CLI loads them: parsed, then each
/// policy renamed to its `@id` annotation.
fn policy_set(files: &[&str]) -> PolicySet {
    let mut set = PolicySet::new();
    for f in files {
        let text = std::fs::read_to_string(root().join(f)).expect("policy file");
        let parsed = PolicySet::from_str(&text).expect("policies parse");
        for p in parsed.policies() {
            let id = p.annotation("id").expect("every policy has @id");
            set.add(p.new_id(PolicyId::new(id))).expect("unique ids");
        }
    }
    set
}

fn check(evidence: &[&str], extra: &[&str], files: &[&str]) -> usize {
    let schema = schema();
    let out = run(&[&["entities"], evidence, extra].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let entities = Entities::from_json_str(&stdout(&out), Some(&schema))
        .expect("entities load with the schema");

    let out = run(&[&["requests"], evidence, extra].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let requests: Vec<Value> = serde_json::from_str(&stdout(&out)).expect("requests are JSON");
    assert!(!requests.is_empty());

    let mut args: Vec<&str> = evidence.to_vec();
    args.extend_from_slice(extra);
    for f in files.iter().filter(|f| f.starts_with("policies/examples")) {
        args.extend_from_slice(&["--policies", f]);
    }
    let (_, report) = json_report(&args);
    // request id → (policy → status), from iam-audit.
    let mut judged: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for r in report["results"].as_array().expect("results") {
        let policy = r["policy"].as_str().expect("policy");
        let id = r["id"].as_str().expect("id");
        if let Some(request_id) = id.strip_prefix(&format!("{policy}/")) {
            judged.entry(request_id.to_string()).or_default().insert(
                policy.to_string(),
                r["status"].as_str().expect("status").to_string(),
            );
        }
    }

    let policies = policy_set(files);
    let authorizer = Authorizer::new();
    let mut compared = 0;
    for q in &requests {
        let uid = |k: &str| EntityUid::from_str(q[k].as_str().expect(k)).expect("an entity uid");
        let (principal, action, resource) = (uid("principal"), uid("action"), uid("resource"));
        let context = Context::from_json_value(q["context"].clone(), Some((&schema, &action)))
            .unwrap_or_else(|e| panic!("context of {}: {e}", q["id"]));
        let request = Request::new(principal, action, resource, context, Some(&schema))
            .unwrap_or_else(|e| panic!("request {} does not validate: {e}", q["id"]));
        let response = authorizer.is_authorized(&request, &policies, &entities);
        assert_eq!(response.diagnostics().errors().count(), 0, "{}", q["id"]);
        let determining: BTreeSet<String> = response
            .diagnostics()
            .reason()
            .map(|p| p.to_string())
            .collect();
        let id = q["id"].as_str().expect("id");
        for (policy, status) in judged.get(id).into_iter().flatten() {
            match status.as_str() {
                "fail" => assert!(
                    determining.contains(policy),
                    "{id}: iam-audit fails `{policy}`, cedar does not name it: {determining:?}"
                ),
                "pass" => assert!(
                    !determining.contains(policy),
                    "{id}: iam-audit passes `{policy}`, cedar names it determining"
                ),
                _ => continue,
            }
            compared += 1;
        }
    }
    compared
}

/// Every file of the built-in pack (a test in tests/policies.rs checks this
/// list against `policies/*.cedar`).
const BUILTIN: &[&str] = &[
    "policies/cis-credentials.cedar",
    "policies/cis-password-policy.cedar",
    "policies/cis-permissions.cedar",
    "policies/cis-root.cedar",
    "policies/console-password-requires-mfa.cedar",
    "policies/policy-wildcards.cedar",
    "policies/roles.cedar",
    "policies/server-certificates.cedar",
    "policies/support-role.cedar",
    "policies/users-have-mfa.cedar",
];

#[test]
fn builtin_list_is_every_policy_file() {
    let mut on_disk: Vec<String> = std::fs::read_dir(root().join("policies"))
        .unwrap()
        .map(|e| format!("policies/{}", e.unwrap().file_name().to_string_lossy()))
        .filter(|n| n.ends_with(".cedar"))
        .collect();
    on_disk.sort();
    assert_eq!(on_disk, BUILTIN);
}

#[test]
fn demo_entities_and_requests_load_and_cedar_agrees() {
    let mut files = BUILTIN.to_vec();
    let examples: Vec<String> = std::fs::read_dir(root().join("policies/examples"))
        .expect("examples")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "cedar"))
        .map(|p| {
            format!(
                "policies/examples/{}",
                p.file_name().expect("name").to_string_lossy()
            )
        })
        .collect();
    let mut examples = examples;
    examples.sort();
    files.extend(examples.iter().map(String::as_str));
    let compared = check(&["snapshots/demo"], &[], &files);
    assert!(compared > 30, "only {compared} results compared");
}

#[test]
fn acme_and_trust_matrix_agree_with_cedar() {
    let mut files = BUILTIN.to_vec();
    files.extend([
        "policies/examples/console-password-unused-45-days.cedar",
        "policies/examples/public-trust-requires-org-id.cedar",
        "policies/examples/cross-account-trust-requires-external-id.cedar",
    ]);
    let compared = check(
        &["policies/examples/tests/acme"],
        &["--as-of", "2026-07-01T12:00:00Z"],
        &files,
    );
    assert!(compared > 10, "only {compared} results compared");
    let compared = check(&["tests/fixtures/trust-matrix"], &[], BUILTIN);
    assert!(compared > 10, "only {compared} results compared");
}

#[test]
fn requests_are_sorted_and_in_cedar_request_json_form() {
    let out = run(&["requests", "snapshots/demo"]);
    let requests: Vec<Value> = serde_json::from_str(&stdout(&out)).expect("JSON");
    let ids: Vec<&str> = requests
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    let bob = requests
        .iter()
        .find(|r| r["id"] == "arn:aws:iam::123456789012:user/bob")
        .expect("bob's console request");
    assert_eq!(
        bob["principal"],
        r#"Iam::User::"arn:aws:iam::123456789012:user/bob""#
    );
    assert_eq!(bob["action"], r#"Iam::Action::"SignInToConsole""#);
    assert_eq!(bob["resource"], r#"Iam::Account::"123456789012""#);
    assert_eq!(
        bob["context"]["as_of"]["__extn"]["arg"],
        "2026-11-20T09:30:00Z"
    );
}

#[test]
fn requests_of_an_organization_is_a_usage_error() {
    let out = run(&["requests", "snapshots/org"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("name one account folder"),
        "{}",
        stderr(&out)
    );
}
