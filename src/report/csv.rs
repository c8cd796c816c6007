//! `--format csv`: one row per result, for spreadsheets and pivot tables.
//!
//! The columns ([`COLUMNS`]) are stable: new ones are only ever appended.
//! The file is RFC 4180 (written by the `csv` crate: comma-separated, CRLF
//! line ends, fields with commas, quotes or line breaks quoted, quotes
//! doubled), UTF-8. With `--csv-bom` it starts with a byte-order mark
//! (U+FEFF): Excel on Windows reads a CSV without one in the machine's ANSI
//! code page and garbles non-ASCII IAM names. It is an option because a
//! reader that does not expect it sees it at the start of the first header
//! name, `account` (Python's `utf-8-sig`, the `csv` crate, LibreOffice and
//! pandas skip it).
//!
//! `as_of` is the as-of time of the result's snapshot (the account's, in an
//! organization), empty when the snapshot has none; the `waiver_*` columns
//! are the waiver that covers a `waived` result, empty on other rows;
//! `requirements` (under `--benchmark`) the framework requirements the
//! result gives evidence for, space-separated (`cis-aws-v5.0:1.9`).
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
use crate::results::Finding;

/// The UTF-8 byte-order mark the file starts with under `--csv-bom`.
pub const BOM: char = '\u{feff}';

/// The header row, in order.
pub const COLUMNS: [&str; 22] = [
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
    "as_of",
    "waiver_reason",
    "waiver_approver",
    "waiver_expires",
    "requirements",
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

/// The CSV of a report; `bom`: start with a UTF-8 byte-order mark.
pub fn render(report: &Report, bom: bool) -> String {
    let mut start = [0; 3];
    let start = if bom {
        BOM.encode_utf8(&mut start).as_bytes().to_vec()
    } else {
        Vec::new()
    };
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(start);
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(report.results.len() + 1);
    rows.push(COLUMNS.iter().map(|c| c.to_string()).collect());
    rows.extend(report.results.iter().map(|r| cells(report, r)));
    for row in rows {
        // Writing to a Vec cannot fail; a failure would only drop a row, and
        // the row count test would catch that.
        let _ = writer.write_record(row.iter().map(|c| neutralize(c)));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    // Every cell is a Rust string, so the bytes are UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// One result's cells, in the order of [`COLUMNS`], as data (not yet
/// neutralized): the XLSX workbook's results sheet holds the same cells.
pub fn cells(report: &Report, r: &Finding) -> Vec<String> {
    let policy = report.policy(&r.policy);
    let location = r.location.as_ref();
    let waiver = r.labels.waiver.as_deref();
    vec![
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
        as_of(report, r).unwrap_or_default().to_string(),
        waiver.map(|w| w.reason.clone()).unwrap_or_default(),
        waiver.map(|w| w.approver.clone()).unwrap_or_default(),
        waiver.map(|w| w.expires.clone()).unwrap_or_default(),
        r.labels
            .requirements
            .as_deref()
            .unwrap_or_default()
            .join(" "),
    ]
}

/// The as-of time of the snapshot a result comes from: the lone snapshot's,
/// or in an organization the one of the result's account (one snapshot per
/// account: the report refuses two).
fn as_of<'a>(report: &'a Report, r: &Finding) -> Option<&'a str> {
    let snapshot = match report.snapshots.as_slice() {
        [only] => Some(only),
        all => all
            .iter()
            .find(|s| s.account.as_deref() == Some(&*r.account)),
    };
    snapshot.and_then(|s| s.as_of.as_deref())
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
