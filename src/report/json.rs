//! `--format json`: the stable, machine-readable report (contract in
//! design.md, described by `schemas/report.schema.json`).

use super::Report;

/// Pretty-printed JSON with a final newline. Struct fields serialize in
/// declaration order and every list is pre-sorted, so output is byte-stable.
pub fn render(report: &Report) -> String {
    let mut out = serde_json::to_string_pretty(report).unwrap_or_else(|e| {
        // Serializing plain owned data cannot fail; keep a valid document anyway.
        format!("{{\"error\": \"cannot serialize the report: {e}\"}}")
    });
    out.push('\n');
    out
}
