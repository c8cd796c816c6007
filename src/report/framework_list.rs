//! `iam-audit frameworks` (every framework known, and how much of it the
//! loaded controls cover) and `iam-audit policies --framework ID` for a
//! framework of `policies/frameworks/` (its requirements in order: covered,
//! partial or manual, and which policy file covers what). A CIS version
//! keeps its own listing ([`super::policies::render_benchmark`]).

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use serde_json::{json, Value};

use super::escape_text;
use crate::engine::PolicyPack;
use crate::frameworks::{Coverage, Framework};

/// Why no SOC 2 or ISO/IEC 27001 framework is listed: said wherever the
/// list is shown, so that its absence is not read as an oversight.
pub const NOT_LISTED: &str = "SOC 2 and ISO/IEC 27001 are not listed: no AWS-published mapping of their criteria to these IAM checks could be read to source one, and no mapping is invented.";

fn table() -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    t
}

fn pretty(doc: &Value) -> String {
    format!(
        "{}\n",
        serde_json::to_string_pretty(doc).unwrap_or_default()
    )
}

/// Requirements covered fully, partially, and left manual.
fn counts(coverage: &[Coverage]) -> (usize, usize, usize) {
    let manual = coverage.iter().filter(|c| c.manual.is_some()).count();
    let partial = coverage.iter().filter(|c| c.partial).count();
    (coverage.len() - manual - partial, partial, manual)
}

/// Every framework, with its coverage by the loaded controls.
pub fn render_frameworks(pack: &PolicyPack, frameworks: &[Framework], as_json: bool) -> String {
    let rows: Vec<(&Framework, Vec<Coverage>)> =
        frameworks.iter().map(|f| (f, f.coverage(pack))).collect();
    if as_json {
        let list: Vec<Value> = rows
            .iter()
            .map(|(f, c)| {
                let (covered, partial, manual) = counts(c);
                json!({
                    "id": f.id(),
                    "name": f.name(),
                    "version": f.version(),
                    "requirements": c.len(),
                    "covered": covered,
                    "partial": partial,
                    "manual": manual,
                    "source": f.source(),
                })
            })
            .collect();
        return pretty(&json!({"frameworks": list, "not_listed": NOT_LISTED}));
    }
    let mut t = table();
    t.set_header(vec![
        "Framework",
        "Name",
        "Version",
        "Requirements",
        "Covered",
        "Partial",
        "Manual",
    ]);
    for (f, c) in &rows {
        let (covered, partial, manual) = counts(c);
        t.add_row(vec![
            f.id(),
            f.name(),
            f.version(),
            c.len().to_string(),
            covered.to_string(),
            partial.to_string(),
            manual.to_string(),
        ]);
    }
    let mut out = format!("{t}\n");
    out.push_str("Sources:\n");
    for (f, _) in &rows {
        if let Framework::Data(_) = f {
            out.push_str(&format!("  {}: {}\n", f.id(), escape_text(&f.source())));
        }
    }
    out.push_str("  cis-aws-v*: the CIS AWS Foundations Benchmark of that version (its IAM section); each control is mapped by its `@cis_aws` annotation\n");
    out.push_str(&format!("{NOT_LISTED}\n"));
    out
}

/// The loaded policy files by policy id, to say which file covers what.
fn file_of<'p>(pack: &'p PolicyPack, policy: &str) -> &'p str {
    pack.controls
        .iter()
        .find(|c| c.id == policy)
        .map(|c| c.source.as_str())
        .unwrap_or_default()
}

/// One framework's requirements in order: what covers each, or why not.
pub fn render_requirements(pack: &PolicyPack, framework: &Framework, as_json: bool) -> String {
    let coverage = framework.coverage(pack);
    if as_json {
        let list: Vec<Value> = coverage
            .iter()
            .map(|c| {
                let policies: Vec<Value> = c
                    .controls
                    .iter()
                    .map(|p| json!({"id": p, "file": file_of(pack, p)}))
                    .collect();
                json!({
                    "requirement": c.id,
                    "title": c.title,
                    "coverage": coverage_word(c),
                    "policies": policies,
                    "manual": c.manual,
                })
            })
            .collect();
        return pretty(&json!({
            "framework": framework.id(),
            "name": framework.name(),
            "version": framework.version(),
            "source": framework.source(),
            "requirements": list,
        }));
    }
    let mut t = table();
    t.set_header(vec!["Requirement", "Coverage", "Covered by", "Title"]);
    for c in &coverage {
        // One policy a line; each escaped on its own (a custom policy's
        // file name is input).
        let cell = match &c.manual {
            Some(why) => escape_text(why),
            None => c
                .controls
                .iter()
                .map(|p| escape_text(&format!("{p} ({})", file_of(pack, p))))
                .collect::<Vec<_>>()
                .join("\n"),
        };
        t.add_row(vec![
            c.id.clone(),
            coverage_word(c).to_string(),
            cell,
            escape_text(&c.title),
        ]);
    }
    let (covered, partial, manual) = counts(&coverage);
    format!(
        "{} ({}, version {})\n{t}\n{} requirements: {covered} covered, {partial} partial, {manual} manual\nSource: {}\n",
        framework.name(),
        framework.id(),
        framework.version(),
        coverage.len(),
        escape_text(&framework.source())
    )
}

fn coverage_word(c: &Coverage) -> &'static str {
    if c.manual.is_some() {
        "manual"
    } else if c.partial {
        "partial"
    } else {
        "covered"
    }
}
