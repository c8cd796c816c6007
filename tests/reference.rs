//! The schema documents itself and `docs/policy-reference.md` documents the
//! schema: every entity type, attribute, context field and action of
//! `schemas/iam.cedarschema` has a comment in the schema and a row (or
//! section) in the reference page. A new attribute without documentation
//! fails here with the exact list of what is missing.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use cedar_policy::SchemaFragment;
use serde_json::Value;

const PAGE: &str = "docs/policy-reference.md";

/// What the schema declares, read from its JSON form.
struct Declared {
    /// entity type (`Iam::User`) → attribute names.
    entities: BTreeMap<String, BTreeSet<String>>,
    /// context type (`TrustPath`) → field names.
    contexts: BTreeMap<String, BTreeSet<String>>,
    actions: BTreeSet<String>,
}

fn attributes(record: &Value) -> BTreeSet<String> {
    record["attributes"]
        .as_object()
        .map(|a| a.keys().cloned().collect())
        .unwrap_or_default()
}

fn declared() -> Declared {
    let (fragment, _) = SchemaFragment::from_cedarschema_str(iam_audit::engine::SCHEMA_TEXT)
        .expect("the schema parses");
    let json = fragment
        .to_json_value()
        .expect("the schema has a JSON form");
    let mut d = Declared {
        entities: BTreeMap::new(),
        contexts: BTreeMap::new(),
        actions: BTreeSet::new(),
    };
    for (namespace, ns) in json.as_object().expect("namespaces") {
        for (name, entity) in ns["entityTypes"].as_object().into_iter().flatten() {
            d.entities
                .insert(format!("{namespace}::{name}"), attributes(&entity["shape"]));
        }
        for (name, ty) in ns["commonTypes"].as_object().into_iter().flatten() {
            d.contexts.insert(name.clone(), attributes(ty));
        }
        for name in ns["actions"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(n, _)| n)
        {
            d.actions.insert(name.clone());
        }
    }
    assert!(
        d.entities.len() >= 12 && d.actions.len() >= 5,
        "the schema's JSON form changed shape"
    );
    d
}

/// The page's `### `Name`` sections → the first-column names of their table rows.
fn documented(page: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut sections: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in page.lines() {
        if let Some(heading) = line
            .strip_prefix("### ")
            .or_else(|| line.strip_prefix("## "))
        {
            current = heading
                .split('`')
                .nth(1)
                .map(str::to_string)
                .or_else(|| Some(heading.to_string()));
            sections
                .entry(current.clone().unwrap_or_default())
                .or_default();
        } else if let (Some(section), Some(row)) = (&current, line.strip_prefix("| `")) {
            if let Some((name, _)) = row.split_once('`') {
                sections
                    .entry(section.clone())
                    .or_default()
                    .insert(name.to_string());
            }
        }
    }
    sections
}

#[test]
fn every_schema_declaration_is_in_the_reference_page() {
    let d = declared();
    let page = std::fs::read_to_string(common::root().join(PAGE)).expect("the page exists");
    let sections = documented(&page);
    let mut missing = Vec::new();
    for (entity, attrs) in &d.entities {
        match sections.get(entity) {
            None => missing.push(format!(
                "entity type `{entity}` (a `### `{entity}`` section)"
            )),
            Some(rows) => missing.extend(attrs.difference(rows).map(|a| {
                format!("attribute `{entity}.{a}` (a `| `{a}` |` row under `### `{entity}``)")
            })),
        }
    }
    for (context, fields) in &d.contexts {
        match sections.get(context) {
            None => missing.push(format!("context type `{context}` (a `### `{context}` (context)` section)")),
            Some(rows) => missing.extend(
                fields
                    .difference(rows)
                    .map(|f| format!("context field `{context}.{f}` (a `| `{f}` |` row under `### `{context}` (context)`)")),
            ),
        }
    }
    let actions = sections
        .iter()
        .find(|(k, _)| k.starts_with("Actions"))
        .map(|(_, rows)| rows.clone())
        .unwrap_or_default();
    missing.extend(
        d.actions
            .difference(&actions)
            .map(|a| format!("action `{a}` (a `| `{a}` |` row in `## Actions: the access paths`)")),
    );
    assert!(
        missing.is_empty(),
        "{PAGE} does not document {} schema declaration(s):\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
    // And documents nothing the schema lacks (a renamed attribute).
    let mut stale = Vec::new();
    for (entity, attrs) in d.entities.iter().chain(d.contexts.iter()) {
        if let Some(rows) = sections.get(entity) {
            stale.extend(rows.difference(attrs).map(|r| format!("`{entity}.{r}`")));
        }
    }
    assert!(
        stale.is_empty(),
        "{PAGE} documents what the schema lacks: {}",
        stale.join(", ")
    );
}

#[test]
fn every_schema_declaration_has_a_comment() {
    let mut previous = "";
    let mut uncommented = Vec::new();
    for (n, line) in iam_audit::engine::SCHEMA_TEXT.lines().enumerate() {
        let t = line.trim();
        let is_declaration = t.starts_with("entity ")
            || t.starts_with("action ")
            || t.starts_with("type ")
            || (t.ends_with(',')
                && t.split_once(':').is_some_and(|(name, _)| {
                    let name = name.trim_end_matches('?');
                    !name.is_empty()
                        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        && !matches!(name, "principal" | "resource" | "context")
                }));
        if is_declaration && !previous.starts_with("//") {
            uncommented.push(format!("schemas/iam.cedarschema:{}: `{t}`", n + 1));
        }
        if !t.is_empty() {
            previous = t;
        }
    }
    assert!(
        uncommented.is_empty(),
        "declarations without a `//` comment on the line above (say what it means and which export it comes from):\n  {}",
        uncommented.join("\n  ")
    );
}
