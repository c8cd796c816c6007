//! `--format csv`: one row per result, for spreadsheets and pivot tables.
//!
//! The columns ([`COLUMNS`]) are stable: new ones are only ever appended.
//! The file is RFC 4180 (written by the `csv` crate: comma-separated, CRLF
//! line ends, fields with commas, quotes or line breaks quoted, quotes
//! doubled), UTF-8 without a BOM.
//!
//! IAM names are opaque evidence and may start with `=`, `+`, `-` or `@`,
//! which a spreadsheet would run as a formula (CSV injection). Every cell
//! that starts with `=`, `+`, `-`, `@`, a tab, a carriage return or a line
//! feed (the blanks some spreadsheets skip before a formula) gets a leading
//! `'`, the usual neutralization (OWASP): spreadsheets show the text, and
//! the `'` marks the cell as changed. No other cell is touched, so a reader
//! of the file can undo it by dropping a leading `'` from cells whose second
//! character is one of those seven.

use super::Report;

/// The header row, in order.
pub const COLUMNS: [&str; 17] = [
    "account",
    "policy",
    "title",
    "severity",
    "status",
    "subject",
    "principal",
    "action",
    "resource",
    "message",
    "remediation",
    "evidence_file",
    "evidence_line",
    "evidence_pointer",
    "policy_version",
    "result_id",
    "benchmark_control",
];

/// Characters that make a spreadsheet read a cell as a formula (or, for tab,
/// carriage return and line feed, that some spreadsheets skip before one).
const FORMULA_STARTS: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\n'];

/// A cell as written: prefixed with `'` when it could start a formula.
pub fn neutralize(cell: &str) -> String {
    match cell.chars().next() {
        Some(c) if FORMULA_STARTS.contains(&c) => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

pub fn render(report: &Report) -> String {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(report.results.len() + 1);
    rows.push(COLUMNS.iter().map(|c| c.to_string()).collect());
    for r in &report.results {
        let policy = report.policy(&r.policy);
        let location = r.location.as_ref();
        rows.push(vec![
            r.account.to_string(),
            r.policy.to_string(),
            policy.map(|p| p.title.clone()).unwrap_or_default(),
            r.severity.to_string(),
            r.status.as_str().to_string(),
            r.subject.to_string(),
            r.principal.to_string(),
            r.action.to_string(),
            r.resource.to_string(),
            r.message.to_string(),
            policy
                .and_then(|p| p.remediation.clone())
                .unwrap_or_default(),
            location.map(|l| l.file.clone()).unwrap_or_default(),
            location
                .and_then(|l| l.line)
                .map(|n| n.to_string())
                .unwrap_or_default(),
            location.and_then(|l| l.pointer.clone()).unwrap_or_default(),
            policy.map(|p| p.version.clone()).unwrap_or_default(),
            r.id.to_string(),
            r.labels
                .benchmark_control
                .as_deref()
                .unwrap_or_default()
                .to_string(),
        ]);
    }
    for row in rows {
        // Writing to a Vec cannot fail; a failure would only drop a row, and
        // the row count test would catch that.
        let _ = writer.write_record(row.iter().map(|c| neutralize(c)));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    // Every cell is a Rust string, so the bytes are UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralized_and_nothing_else() {
        assert_eq!(neutralize("=1+1"), "'=1+1");
        assert_eq!(neutralize("+cmd"), "'+cmd");
        assert_eq!(neutralize("-2"), "'-2");
        assert_eq!(neutralize("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralize("\tx"), "'\tx");
        assert_eq!(neutralize("\rx"), "'\rx");
        assert_eq!(neutralize("\n=1+1"), "'\n=1+1");
        assert_eq!(neutralize("a=b"), "a=b");
        assert_eq!(neutralize("'quoted"), "'quoted");
        assert_eq!(neutralize(""), "");
    }
}
