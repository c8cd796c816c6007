//! The framework data in `policies/frameworks/` (see `docs/frameworks.md`):
//! every file matches `schemas/framework.schema.json`, every mapping names a
//! source its file declares, every control in `controls.json` is a built-in
//! policy or a planned one, and every requirement either maps to an AWS
//! check or says why it is manual, exactly when no control decides it.

mod common;

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use common::root;
use serde_json::{json, Value};

const SCHEMA: &str = "schemas/framework.schema.json";
const FOLDER: &str = "policies/frameworks";
const CONTROLS: &str = "controls.json";

/// Controls that are planned and that `controls.json` may map before they
/// are built (`"planned": true`). The six of issue #23 are built; a new
/// planned control is named here until it is.
const PLANNED: &[&str] = &[];

/// The frameworks expected in the folder: a file removed by mistake fails.
const FRAMEWORKS: &[&str] = &[
    "aws-fsbp",
    "nist-800-171-r2",
    "nist-800-53-r5",
    "pci-dss-v4.0.1",
];

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join(SCHEMA)).expect("the schema is readable");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

/// (file name, parsed JSON) of every `.json` file in the folder, sorted.
fn files() -> Vec<(String, Value)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join(FOLDER))
        .expect("policies/frameworks/ is readable")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            assert!(
                name.ends_with(".json"),
                "{FOLDER}/{name}: only JSON files belong here"
            );
            let text = std::fs::read_to_string(&p).expect("readable");
            let value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{FOLDER}/{name} is not JSON: {e}"));
            (name, value)
        })
        .collect()
}

fn controls_file() -> Value {
    files()
        .into_iter()
        .find(|(n, _)| n == CONTROLS)
        .map(|(_, v)| v)
        .expect("controls.json exists")
}

fn frameworks() -> Vec<(String, Value)> {
    files().into_iter().filter(|(n, _)| n != CONTROLS).collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The checks that some control decides exactly: ("security_hub" or
/// "config_rule", id) -> policies. Entries marked `partial` count only as
/// related, never as equivalent.
fn exact_equivalents() -> BTreeMap<(String, String), Vec<String>> {
    let mut out: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for c in controls_file()["controls"].as_array().expect("controls") {
        if c.get("partial").is_some() {
            continue;
        }
        let policy = c["policy"].as_str().expect("policy").to_string();
        for (kind, key) in [
            ("security_hub", "security_hub"),
            ("config_rule", "config_rules"),
        ] {
            for id in strings(&c[key]) {
                out.entry((kind.to_string(), id))
                    .or_default()
                    .push(policy.clone());
            }
        }
    }
    out
}

fn mapped_key(m: &Value) -> (String, String) {
    for kind in ["security_hub", "config_rule"] {
        if let Some(id) = m.get(kind).and_then(Value::as_str) {
            return (kind.to_string(), id.to_string());
        }
    }
    panic!("a mapped item without security_hub or config_rule: {m}")
}

/// Natural order: runs of digits compare as numbers, so `AC-3(7)` comes
/// before `AC-3(15)`, `8.3.9` before `8.3.10.1` and `IAM.8` before `IAM.21`.
fn natural(a: &str, b: &str) -> Ordering {
    fn parts(s: &str) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        let mut rest = s;
        while !rest.is_empty() {
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits > 0 {
                out.push((rest[..digits].parse().unwrap_or(u64::MAX), String::new()));
                rest = &rest[digits..];
            } else {
                let text =
                    rest.len() - rest.trim_start_matches(|c: char| !c.is_ascii_digit()).len();
                out.push((0, rest[..text].to_string()));
                rest = &rest[text..];
            }
        }
        out
    }
    parts(a).cmp(&parts(b))
}

#[test]
fn every_file_matches_the_schema() {
    let validator = validator();
    let all = files();
    assert!(all.len() > FRAMEWORKS.len(), "found only {all:?}");
    let mut problems = Vec::new();
    for (name, value) in &all {
        for e in validator.iter_errors(value) {
            problems.push(format!("{FOLDER}/{name} at `{}`: {e}", e.instance_path()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_schema_rejects_what_the_format_forbids() {
    let validator = validator();
    let good = json!({
        "id": "x", "name": "X", "version": "1", "requirement_list": "all",
        "sources": [{"id": "s", "title": "S", "url": "https://example.invalid/", "checked": "2026-12-02"}],
        "requirements": [{"id": "1", "title": "one", "mapped": [{"security_hub": "IAM.1", "source": "s"}]}]
    });
    assert!(validator.is_valid(&good), "the minimal framework is valid");
    let mut unknown_key = good.clone();
    unknown_key["requirements"][0]["status"] = json!("pass");
    assert!(
        !validator.is_valid(&unknown_key),
        "an unknown key is refused"
    );
    let mut both = good.clone();
    both["requirements"][0]["mapped"][0]["config_rule"] = json!("iam-user-mfa-enabled");
    assert!(!validator.is_valid(&both), "a mapped item names one check");
    let mut no_source = good.clone();
    no_source["requirements"][0]["mapped"][0] = json!({"security_hub": "IAM.1"});
    assert!(
        !validator.is_valid(&no_source),
        "a mapping names its source"
    );
    let mut http = good;
    http["sources"][0]["url"] = json!("http://example.invalid/");
    assert!(!validator.is_valid(&http), "sources are https");
    let control = json!({"description": "d", "controls": [
        {"policy": "root-mfa", "security_hub": ["IAM.9"], "config_rules": [], "note": "n", "partial": false}
    ]});
    assert!(
        !validator.is_valid(&control),
        "`partial` is present only when true"
    );
}

#[test]
fn the_expected_frameworks_are_there_and_named_after_their_ids() {
    let found: Vec<String> = frameworks()
        .iter()
        .map(|(name, v)| {
            let id = v["id"].as_str().expect("id");
            assert_eq!(
                format!("{id}.json"),
                *name,
                "{FOLDER}/{name}: file name is the id"
            );
            id.to_string()
        })
        .collect();
    assert_eq!(found, FRAMEWORKS);
}

#[test]
fn every_mapping_names_a_source_its_file_declares() {
    for (name, f) in frameworks() {
        let declared: Vec<String> = f["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .map(|s| s["id"].as_str().expect("source id").to_string())
            .collect();
        let unique: BTreeSet<&String> = declared.iter().collect();
        assert_eq!(unique.len(), declared.len(), "{name}: a source id repeats");
        let mut used = BTreeSet::new();
        for r in f["requirements"].as_array().expect("requirements") {
            for m in r["mapped"].as_array().expect("mapped") {
                let source = m["source"].as_str().expect("source");
                assert!(
                    declared.iter().any(|d| d == source),
                    "{name}: requirement `{}` cites source `{source}`, which the file does not declare",
                    r["id"].as_str().unwrap_or_default()
                );
                used.insert(source.to_string());
            }
        }
        assert!(!used.is_empty(), "{name}: no mapping at all");
    }
}

#[test]
fn every_control_is_built_in_or_planned_and_every_built_in_control_is_listed() {
    let pack = iam_audit::commands::load_pack(&Default::default()).expect("built-in pack loads");
    let built_in: BTreeSet<String> = pack.controls.iter().map(|c| c.id.clone()).collect();
    let mut listed = BTreeSet::new();
    for c in controls_file()["controls"].as_array().expect("controls") {
        let id = c["policy"].as_str().expect("policy").to_string();
        let planned = c.get("planned").is_some();
        assert!(
            built_in.contains(&id) || (planned && PLANNED.contains(&id.as_str())),
            "controls.json: `{id}` is neither a built-in policy nor a planned one{}",
            if planned {
                ""
            } else {
                " (a planned control needs \"planned\": true)"
            }
        );
        assert!(
            listed.insert(id.clone()),
            "controls.json: `{id}` is listed twice"
        );
    }
    let missing: Vec<&String> = built_in.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "controls.json does not list the built-in controls {missing:?}"
    );
    for p in PLANNED {
        assert!(
            listed.contains(*p),
            "controls.json does not list the planned `{p}`"
        );
    }
}

#[test]
fn an_equivalence_is_claimed_by_one_control_only() {
    // Two controls claiming the same check exactly would make a requirement's
    // status depend on which one the reader picks.
    for ((kind, id), policies) in exact_equivalents() {
        assert_eq!(
            policies.len(),
            1,
            "{kind} `{id}` is claimed as an exact equivalent by {policies:?}"
        );
    }
}

#[test]
fn requirement_ids_are_unique_and_in_natural_order() {
    for (name, f) in frameworks() {
        let ids: Vec<&str> = f["requirements"]
            .as_array()
            .expect("requirements")
            .iter()
            .map(|r| r["id"].as_str().expect("id"))
            .collect();
        let unique: BTreeSet<&&str> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{name}: a requirement id repeats");
        let mut sorted = ids.clone();
        sorted.sort_by(|a, b| natural(a, b));
        assert_eq!(ids, sorted, "{name}: requirements are not in natural order");
    }
}

#[test]
fn natural_order_compares_numbers_as_numbers() {
    assert_eq!(natural("AC-3(7)", "AC-3(15)"), Ordering::Less);
    assert_eq!(natural("AC-2", "AC-2(1)"), Ordering::Less);
    assert_eq!(natural("AC-2(3)", "AC-3"), Ordering::Less);
    assert_eq!(natural("8.3.9", "8.3.10.1"), Ordering::Less);
    assert_eq!(natural("IAM.21", "IAM.8"), Ordering::Greater);
    assert_eq!(natural("12.10.3", "8.6.3"), Ordering::Greater);
}

#[test]
fn a_requirement_is_manual_exactly_when_no_control_decides_it() {
    let exact = exact_equivalents();
    for (name, f) in frameworks() {
        for r in f["requirements"].as_array().expect("requirements") {
            let id = r["id"].as_str().expect("id");
            let mapped = r["mapped"].as_array().expect("mapped");
            let decided = mapped.iter().any(|m| exact.contains_key(&mapped_key(m)));
            let manual = r.get("manual").is_some();
            assert!(
                !mapped.is_empty() || manual,
                "{name}: requirement `{id}` maps to nothing and is not manual"
            );
            assert_eq!(
                manual,
                !decided,
                "{name}: requirement `{id}` {}",
                if decided {
                    "has `manual` although a control is equivalent to one of its mapped checks"
                } else {
                    "needs `manual`: no control is equivalent to any of its mapped checks"
                }
            );
            let keys: BTreeSet<(String, String)> = mapped.iter().map(mapped_key).collect();
            assert_eq!(
                keys.len(),
                mapped.len(),
                "{name}: `{id}` maps a check twice"
            );
        }
    }
}

#[test]
fn fsbp_requirements_are_security_hub_controls_mapped_to_themselves() {
    let f = frameworks()
        .into_iter()
        .find(|(n, _)| n == "aws-fsbp.json")
        .map(|(_, v)| v)
        .expect("aws-fsbp.json");
    for r in f["requirements"].as_array().expect("requirements") {
        let id = r["id"].as_str().expect("id");
        let mapped = r["mapped"].as_array().expect("mapped");
        assert_eq!(mapped.len(), 1, "FSBP `{id}` maps one control");
        assert_eq!(mapped[0]["security_hub"].as_str(), Some(id));
    }
}

#[test]
fn the_pack_loads_no_framework_file() {
    // The data is JSON beside the policies; the pack embeds `.cedar` files
    // only, so adding frameworks never changes what `evaluate` loads.
    for (name, _) in iam_audit::engine::builtin::FILES {
        assert!(name.ends_with(".cedar") && !name.contains('/'), "{name}");
    }
}
