//! The built-in pack's version lock: `policies/versions.lock` records, for
//! every built-in policy, its `@version` and the sha256 of its text (the
//! same sha256 the JSON report prints). Changing a policy's text without
//! bumping its `@version` fails here, so two reports with the same policy
//! versions were produced by the same rules.
//!
//! After an intended change: bump `@version` in the policy (and the pack
//! version in `policies/pack.json`), then run
//! `UPDATE_VERSIONS_LOCK=1 cargo test --test versions` and commit the lock.

mod common;

use std::collections::BTreeMap;

use common::root;

const LOCK: &str = "policies/versions.lock";
const HEADER: &str = "# id version sha256 of every built-in policy (see tests/versions.rs).\n# After changing a policy: bump its @version, then `UPDATE_VERSIONS_LOCK=1 cargo test --test versions`.\n";

fn semver(v: &str) -> Vec<u64> {
    v.split(['-', '+'])
        .next()
        .unwrap_or("")
        .split('.')
        .map(|p| p.parse().unwrap_or(0))
        .collect()
}

fn read_lock(text: &str) -> BTreeMap<String, (String, String)> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(parts.len(), 3, "{LOCK}: `{l}` is not `id version sha256`");
            (
                parts[0].to_string(),
                (parts[1].to_string(), parts[2].to_string()),
            )
        })
        .collect()
}

#[test]
fn builtin_policy_text_changes_bump_their_version() {
    let pack = iam_audit::commands::load_pack(&Default::default()).expect("built-in pack loads");
    let path = root().join(LOCK);
    let lock = read_lock(&std::fs::read_to_string(&path).unwrap_or_default());
    let mut unbumped = Vec::new();
    let mut stale = Vec::new();
    for c in &pack.controls {
        match lock.get(&c.id) {
            None => stale.push(format!("`{}` {} is not in the lock", c.id, c.version)),
            Some((v, sha)) if *v == c.version && *sha != c.sha256 => unbumped.push(format!(
                "`{}` ({}): its text changed but `@version(\"{v}\")` did not; bump it",
                c.source, c.id
            )),
            Some((v, _)) if *v != c.version => {
                if semver(&c.version) <= semver(v) {
                    unbumped.push(format!(
                        "`{}`: `@version(\"{}\")` is not greater than the locked {v}",
                        c.id, c.version
                    ));
                } else {
                    stale.push(format!("`{}` was bumped {v} -> {}", c.id, c.version));
                }
            }
            Some(_) => {}
        }
    }
    for id in lock.keys() {
        if !pack.controls.iter().any(|c| &c.id == id) {
            stale.push(format!("`{id}` is locked but no longer built in"));
        }
    }
    assert!(
        unbumped.is_empty(),
        "built-in policies changed without a version bump:\n  {}",
        unbumped.join("\n  ")
    );
    if stale.is_empty() {
        return;
    }
    if std::env::var_os("UPDATE_VERSIONS_LOCK").is_some() {
        let mut text = HEADER.to_string();
        for c in &pack.controls {
            text.push_str(&format!("{} {} {}\n", c.id, c.version, c.sha256));
        }
        std::fs::write(&path, text).expect("write the lock");
        return;
    }
    panic!(
        "{LOCK} is out of date:\n  {}\nrun `UPDATE_VERSIONS_LOCK=1 cargo test --test versions` and commit the lock",
        stale.join("\n  ")
    );
}

#[test]
fn the_lock_file_is_sorted_and_complete() {
    let text = std::fs::read_to_string(root().join(LOCK)).expect("the lock exists");
    assert!(text.starts_with(HEADER), "{LOCK} lost its header");
    let ids: Vec<String> = read_lock(&text).into_keys().collect();
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split_whitespace().next().unwrap_or(""))
        .collect();
    assert_eq!(lines, ids, "{LOCK} is sorted by id, one line each");
}
