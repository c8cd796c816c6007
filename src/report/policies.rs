//! `iam-audit policies`: the control catalogue, as a table or JSON.
//!
//! Without `--benchmark`: every loaded control (id, version, severity, CIS
//! numbers, title). With `--benchmark cis-aws-vX.Y`: that version's IAM
//! controls in benchmark order, the loaded policies that cover each, and
//! plainly which ones exported evidence cannot decide and why.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use serde_json::json;

use super::escape_text;
use crate::catalogue::{number_key, Benchmark};
use crate::engine::PolicyPack;

fn table() -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    t
}

/// `1.4=1.10 5.0=1.9` in benchmark-version order.
fn cis_text(cis: &std::collections::BTreeMap<String, String>) -> String {
    let mut pairs: Vec<(&String, &String)> = cis.iter().collect();
    pairs.sort_by_key(|(v, _)| number_key(v));
    pairs
        .iter()
        .map(|(v, n)| format!("{v}={n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every loaded control, sorted by id.
pub fn render_list(pack: &PolicyPack, as_json: bool) -> String {
    if as_json {
        let list: Vec<_> = pack
            .controls
            .iter()
            .map(|c| {
                json!({
                    "id": c.id,
                    "version": c.version,
                    "title": c.title,
                    "severity": c.severity.as_str(),
                    "source": c.source,
                    "requires": c.requires.iter().map(|r| r.name()).collect::<Vec<_>>(),
                    "cis_aws": c.cis_aws,
                    "message": c.message.as_ref().map(|m| m.text()),
                    "reference": c.reference,
                })
            })
            .collect();
        return format!(
            "{}\n",
            serde_json::to_string_pretty(&list).unwrap_or_default()
        );
    }
    let mut t = table();
    t.set_header(vec![
        "Policy",
        "Version",
        "Severity",
        "CIS AWS (version=control)",
        "Title",
    ]);
    for c in &pack.controls {
        let cis = if c.cis_aws.is_empty() {
            "beyond CIS".to_string()
        } else {
            cis_text(&c.cis_aws)
        };
        t.add_row(vec![
            escape_text(&c.id),
            escape_text(&c.version),
            c.severity.as_str().to_string(),
            escape_text(&cis),
            escape_text(&c.title),
        ]);
    }
    format!(
        "{t}\n{} control{} loaded\n",
        pack.controls.len(),
        if pack.controls.len() == 1 { "" } else { "s" }
    )
}

/// One benchmark version's IAM controls, in benchmark order.
pub fn render_benchmark(pack: &PolicyPack, benchmark: &Benchmark, as_json: bool) -> String {
    let coverage = benchmark.coverage(pack);
    let controls = benchmark.controls();
    let rows: Vec<(String, String, Vec<String>, Option<&str>)> = controls
        .iter()
        .map(|(n, c)| {
            (
                n.to_string(),
                c.title.to_string(),
                coverage.get(*n).cloned().unwrap_or_default(),
                c.undecidable,
            )
        })
        .collect();
    if as_json {
        let list: Vec<_> = rows
            .iter()
            .map(|(n, title, policies, why)| {
                json!({
                    "control": n,
                    "title": title,
                    "policies": policies,
                    "decidable": why.is_none(),
                    "why_not": why,
                })
            })
            .collect();
        let doc = json!({"benchmark": benchmark.id(), "controls": list});
        return format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        );
    }
    let mut t = table();
    t.set_header(vec!["Control", "Covered by", "Title"]);
    let mut covered = 0;
    let mut undecidable = Vec::new();
    let mut uncovered = Vec::new();
    for (n, title, policies, why) in &rows {
        let cell = match (policies.is_empty(), why) {
            (false, _) => {
                covered += 1;
                policies.join(", ")
            }
            (true, Some(why)) => {
                undecidable.push(n.clone());
                format!("cannot be decided from exported evidence: {why}")
            }
            (true, None) => {
                uncovered.push(n.clone());
                "no loaded policy (the exports could decide it)".to_string()
            }
        };
        t.add_row(vec![n.clone(), escape_text(&cell), title.clone()]);
    }
    let mut out = format!(
        "CIS AWS Foundations Benchmark v{}, Identity and Access Management\n{t}\n",
        benchmark.version
    );
    out.push_str(&format!(
        "{covered} of {} controls covered by loaded policies",
        rows.len()
    ));
    if !undecidable.is_empty() {
        out.push_str(&format!(
            "; exported evidence cannot decide {}",
            undecidable.join(", ")
        ));
    }
    if !uncovered.is_empty() {
        out.push_str(&format!("; not covered: {}", uncovered.join(", ")));
    }
    out.push('\n');
    out
}
