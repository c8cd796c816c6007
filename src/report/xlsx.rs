//! `--format xlsx`: one workbook for a spreadsheet, with six sheets of
//! fixed names ([`SHEETS`]): `Summary` (the scope, the counts and one row
//! per account), `Results` (one row per result, the CSV's columns: waiver,
//! benchmark number and evidence location included), `Evidence` (every file
//! with its hash), `Controls` (every control loaded, with its version and
//! benchmark numbers), `Waivers` (each waiver of `--waivers` and what it
//! did) and `Requirements` (under `--benchmark`, each requirement of the
//! framework with its status, controls and result counts, as
//! [`super::frameworks`] decides them; the header only without one).
//!
//! Written by `rust_xlsxwriter`. Every piece of text goes in as a string
//! cell (`write_string`, never `write`, which guesses a type): a name that
//! starts with `=`, `+`, `-` or `@` stays text and is never a formula, so no
//! neutralizing `'` is needed, and the text reads back exactly as it was.
//! The library escapes what XML 1.0 cannot hold (C0 controls as Excel's
//! `_xHHHH_`, and a literal `_xHHHH_` so it is not read as one). Two
//! things it leaves to its caller, done here ([`put_text`]): a cell holds at
//! most 32,767 UTF-16 units, so longer text is cut with a note saying so; and
//! a string shaped like its own rich-text XML (`<r>…</r>`) would be written
//! unescaped, so such a string goes in as a one-run rich string, escaped.
//!
//! The bytes are the same on every run: the creation time in the document
//! properties is the report's as-of time (the library would read the
//! clock), zip entries carry the library's fixed 1980-01-01 time, and
//! nothing else varies. Text is data here, not a terminal's: bidi controls
//! and the like stay as they are, as in the JSON report.
//!
//! (On a native target the library lays out the six sheets' XML on scoped
//! threads of its own; on WebAssembly it does so in turn.)

use std::collections::BTreeMap;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::{csv, Report, Summary};
use crate::results::Status;

/// The sheets, in order.
pub const SHEETS: [&str; 6] = [
    "Summary",
    "Results",
    "Evidence",
    "Controls",
    "Waivers",
    "Requirements",
];

/// The `Requirements` sheet's header row (the JSON report's `frameworks`).
pub const REQUIREMENT_COLUMNS: [&str; 13] = [
    "framework",
    "requirement",
    "status",
    "title",
    "controls",
    "total",
    "pass",
    "fail",
    "error",
    "not-applicable",
    "not-evaluated",
    "waived",
    "manual_reason",
];

/// The `Evidence` sheet's header row.
pub const EVIDENCE_COLUMNS: [&str; 5] = ["path", "kind", "bytes", "sha256", "account"];

/// The `Controls` sheet's header row: the control, then its results by status.
pub const CONTROL_COLUMNS: [&str; 17] = [
    "policy",
    "version",
    "severity",
    "title",
    "benchmark_control",
    "cis_aws",
    "requires",
    "source",
    "sha256",
    "total",
    "pass",
    "fail",
    "error",
    "not-applicable",
    "not-evaluated",
    "waived",
    "remediation",
];

/// The `Waivers` sheet's header row (the JSON report's `waivers`).
pub const WAIVER_COLUMNS: [&str; 10] = [
    "pointer", "policy", "subject", "result", "reason", "approver", "expires", "state", "matched",
    "waived",
];

/// The per-account table on the `Summary` sheet.
pub const ACCOUNT_COLUMNS: [&str; 13] = [
    "account",
    "snapshot",
    "as_of",
    "as_of_source",
    "status",
    "total",
    "pass",
    "fail",
    "error",
    "not-applicable",
    "not-evaluated",
    "waived",
    "errors",
];

/// Excel's limit on the text of one cell, in UTF-16 code units.
pub const CELL_LIMIT: usize = 32_767;

/// Excel's rows per sheet, the header row included.
const ROW_LIMIT: usize = 1_048_576;

/// A column is never drawn wider than this many characters (the text
/// stays whole in the cell).
const MAX_WIDTH: usize = 60;

/// The creation time when the report has no as-of time: the zip format's
/// own epoch, which the entries carry too.
const NO_AS_OF: &str = "1980-01-01T00:00:00Z";

/// The workbook of a report, as the bytes of an `.xlsx` file.
pub fn render(report: &Report) -> Result<Vec<u8>, XlsxError> {
    if report.results.len() >= ROW_LIMIT {
        return Err(XlsxError::ParameterError(format!(
            "{} results do not fit one sheet ({} rows at most): use `--format json` or `--format csv`",
            report.results.len(),
            ROW_LIMIT - 1
        )));
    }
    let mut workbook = Workbook::new();
    workbook.set_properties(&properties(report));
    let bold = Format::new().set_bold();
    let plain = Format::new();
    let fill: [Fill; 6] = [summary, results, evidence, controls, waivers, requirements];
    for (name, fill) in SHEETS.into_iter().zip(fill) {
        fill(
            Sheet::new(workbook.add_worksheet(), name, &bold, &plain)?,
            report,
        )?;
    }
    workbook.save_to_buffer()
}

/// What fills one sheet.
type Fill = fn(Sheet, &Report) -> Result<(), XlsxError>;

/// The document properties: fixed text, and the as-of time as the
/// creation time (for several snapshots without a shared one, the latest).
fn properties(report: &Report) -> DocProperties {
    let latest = report
        .snapshots
        .iter()
        .filter_map(|s| s.as_of.as_deref())
        .max();
    let time = report.as_of.as_deref().or(latest).unwrap_or(NO_AS_OF);
    let created =
        ExcelDateTime::parse_from_str(time).or_else(|_| ExcelDateTime::parse_from_str(NO_AS_OF));
    let properties = DocProperties::new()
        .set_title("iam-audit report")
        .set_author(report.tool.name)
        .set_comment("Evaluated by iam-audit; the JSON report is the reference");
    match created {
        Ok(t) => properties.set_creation_datetime(&t),
        // Unreachable: the fallback is a valid time. Never the clock.
        Err(_) => properties,
    }
}

/// A worksheet being filled, with the widest text of each column so far.
struct Sheet<'w> {
    sheet: &'w mut Worksheet,
    bold: &'w Format,
    plain: &'w Format,
    widths: BTreeMap<u16, usize>,
}

impl<'w> Sheet<'w> {
    fn new(
        sheet: &'w mut Worksheet,
        name: &str,
        bold: &'w Format,
        plain: &'w Format,
    ) -> Result<Sheet<'w>, XlsxError> {
        sheet.set_name(name)?;
        Ok(Sheet {
            sheet,
            bold,
            plain,
            widths: BTreeMap::new(),
        })
    }

    fn measure(&mut self, col: u16, chars: usize) {
        let w = self.widths.entry(col).or_default();
        *w = (*w).max(chars.min(MAX_WIDTH));
    }

    /// A text cell (nothing for empty text: a blank cell).
    fn text(&mut self, row: u32, col: u16, text: &str) -> Result<(), XlsxError> {
        self.measure(col, text.chars().count());
        put_text(self.sheet, self.plain, row, col, text)
    }

    fn number(&mut self, row: u32, col: u16, n: u64) -> Result<(), XlsxError> {
        self.measure(col, n.to_string().len());
        // Counts and sizes stay below 2^53, exact in a double.
        self.sheet.write_number(row, col, n as f64)?;
        Ok(())
    }

    /// A header row of bold names.
    fn header(&mut self, row: u32, names: &[&str]) -> Result<(), XlsxError> {
        for (col, name) in (0u16..).zip(names) {
            self.measure(col, name.len());
            self.sheet
                .write_string_with_format(row, col, *name, self.bold)?;
        }
        Ok(())
    }

    /// A table of `rows` rows under its header at `row`: the header frozen
    /// when it is the sheet's first row, and an autofilter over it all.
    fn table(&mut self, row: u32, columns: usize, rows: usize) -> Result<(), XlsxError> {
        let last_col = u16::try_from(columns.saturating_sub(1)).unwrap_or(u16::MAX);
        let last_row = row.saturating_add(u32::try_from(rows).unwrap_or(u32::MAX));
        if row == 0 {
            self.sheet.set_freeze_panes(1, 0)?;
        }
        self.sheet.autofilter(row, 0, last_row, last_col)?;
        Ok(())
    }

    /// Sets each column's width to its widest text (two characters more
    /// for the filter button).
    fn finish(self) -> Result<(), XlsxError> {
        for (col, chars) in self.widths {
            self.sheet.set_column_width(col, (chars + 2) as f64)?;
        }
        Ok(())
    }
}

/// Writes `text` to a cell as a string, whatever it holds.
pub fn put_text(
    sheet: &mut Worksheet,
    plain: &Format,
    row: u32,
    col: u16,
    text: &str,
) -> Result<(), XlsxError> {
    let text = fit(text);
    if text.starts_with("<r>") && text.ends_with("</r>") {
        // The library keeps rich strings as their XML and writes any
        // string of that shape unescaped: as a rich string of one run this
        // text is escaped like any other.
        sheet.write_rich_string(row, col, &[(plain, &text)])?;
    } else {
        sheet.write_string(row, col, text)?;
    }
    Ok(())
}

/// `text` as a cell holds it: whole when it fits Excel's limit, else cut
/// at a character boundary with a note of how long it was.
pub fn fit(text: &str) -> std::borrow::Cow<'_, str> {
    // UTF-8 never takes fewer bytes than UTF-16 units: most text is
    // known to fit without counting.
    if text.len() <= CELL_LIMIT {
        return text.into();
    }
    let units = text.encode_utf16().count();
    if units <= CELL_LIMIT {
        return text.into();
    }
    let note = format!(
        " [… cut: the text is {units} UTF-16 units, more than a cell holds; the JSON report has it whole]"
    );
    let budget = CELL_LIMIT - note.encode_utf16().count();
    let mut used = 0;
    let end = text
        .char_indices()
        .find(|(_, c)| {
            used += c.len_utf16();
            used > budget
        })
        .map(|(i, _)| i)
        .unwrap_or(text.len());
    format!("{}{note}", &text[..end]).into()
}

fn summary(mut sheet: Sheet, report: &Report) -> Result<(), XlsxError> {
    let mut rows: Vec<(&str, String)> = vec![
        (
            "tool",
            format!("{} {}", report.tool.name, report.tool.version),
        ),
        (
            "pack",
            report
                .pack
                .as_ref()
                .map(|p| format!("{} {}", p.name, p.version))
                .unwrap_or_default(),
        ),
        ("as_of", report.as_of.clone().unwrap_or_default()),
        ("as_of_source", report.as_of_source.clone()),
        ("benchmark", report.benchmark.clone().unwrap_or_default()),
        (
            "accounts",
            report
                .snapshots
                .iter()
                .filter_map(|s| s.account.as_deref())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "waivers file",
            report
                .run
                .waivers
                .as_ref()
                .map(|w| format!("{} (sha256 {})", w.file, w.sha256))
                .unwrap_or_default(),
        ),
    ];
    let s = &report.summary;
    let counts: Vec<(&str, usize)> = vec![
        ("total", s.total),
        ("pass", s.pass),
        ("fail", s.fail),
        ("error", s.error),
        ("not-applicable", s.not_applicable),
        ("not-evaluated", s.not_evaluated),
        ("waived", s.waived),
        // What makes the exit code 1 under the default `--fail-on fail,error`.
        ("fail + error", s.fail + s.error),
    ];
    rows.extend(
        report
            .thresholds
            .iter()
            .map(|(name, value)| ("threshold", format!("{name} = {value}"))),
    );
    rows.extend(report.warnings.iter().map(|w| ("warning", w.clone())));
    sheet.header(0, &["field", "value"])?;
    let mut row = 1;
    for (name, value) in rows.iter().take(7) {
        sheet.text(row, 0, name)?;
        sheet.text(row, 1, value)?;
        row += 1;
    }
    for (name, n) in counts {
        sheet.text(row, 0, name)?;
        sheet.number(row, 1, n as u64)?;
        row += 1;
    }
    for (name, value) in rows.iter().skip(7) {
        sheet.text(row, 0, name)?;
        sheet.text(row, 1, value)?;
        row += 1;
    }
    sheet.sheet.set_freeze_panes(1, 0)?;
    // One row per account, under a blank row.
    row += 1;
    sheet.header(row, &ACCOUNT_COLUMNS)?;
    let table = row;
    for s in &report.snapshots {
        row += 1;
        sheet.text(row, 0, s.account.as_deref().unwrap_or_default())?;
        sheet.text(row, 1, &s.name)?;
        sheet.text(row, 2, s.as_of.as_deref().unwrap_or_default())?;
        sheet.text(row, 3, &s.as_of_source)?;
        sheet.text(row, 4, s.status)?;
        if let Some(counts) = &s.summary {
            for (col, n) in (5u16..).zip(by_status(counts)) {
                sheet.number(row, col, n as u64)?;
            }
        }
        sheet.text(row, 12, &s.errors.join("\n"))?;
    }
    sheet.table(table, ACCOUNT_COLUMNS.len(), report.snapshots.len())?;
    sheet.finish()
}

/// A summary's counts in the order of the count columns (total first).
fn by_status(s: &Summary) -> [usize; 7] {
    [
        s.total,
        s.count(Status::Pass),
        s.count(Status::Fail),
        s.count(Status::Error),
        s.count(Status::NotApplicable),
        s.count(Status::NotEvaluated),
        s.count(Status::Waived),
    ]
}

/// The column of [`csv::COLUMNS`] written as a number (the line of the
/// evidence, so that it sorts as one).
const LINE_COLUMN: &str = "evidence_line";

fn results(mut sheet: Sheet, report: &Report) -> Result<(), XlsxError> {
    sheet.header(0, &csv::COLUMNS)?;
    let line = csv::COLUMNS.iter().position(|c| *c == LINE_COLUMN);
    for (row, r) in (1u32..).zip(&report.results) {
        for (col, cell) in csv::cells(report, r).iter().enumerate() {
            let col = col as u16;
            let number = Some(usize::from(col))
                .filter(|c| line == Some(*c))
                .and_then(|_| cell.parse::<u64>().ok());
            match number {
                Some(n) => sheet.number(row, col, n)?,
                None => sheet.text(row, col, cell)?,
            }
        }
    }
    sheet.table(0, csv::COLUMNS.len(), report.results.len())?;
    sheet.finish()
}

/// The account of an evidence file: in an organization, the one of the
/// snapshot folder its path starts with; else the lone snapshot's.
fn account_of<'a>(report: &'a Report, path: &str) -> Option<&'a str> {
    let snapshot = match report.snapshots.as_slice() {
        [only] => Some(only),
        all => all.iter().find(|s| {
            path.strip_prefix(s.name.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
        }),
    };
    snapshot.and_then(|s| s.account.as_deref())
}

fn evidence(mut sheet: Sheet, report: &Report) -> Result<(), XlsxError> {
    sheet.header(0, &EVIDENCE_COLUMNS)?;
    for (row, e) in (1u32..).zip(&report.evidence) {
        sheet.text(row, 0, &e.path)?;
        sheet.text(row, 1, &e.kind)?;
        sheet.number(row, 2, e.bytes)?;
        sheet.text(row, 3, &e.sha256)?;
        sheet.text(row, 4, account_of(report, &e.path).unwrap_or_default())?;
    }
    sheet.table(0, EVIDENCE_COLUMNS.len(), report.evidence.len())?;
    sheet.finish()
}

fn controls(mut sheet: Sheet, report: &Report) -> Result<(), XlsxError> {
    let mut counts: BTreeMap<&str, Summary> = BTreeMap::new();
    for r in &report.results {
        let c = counts.entry(&*r.policy).or_default();
        c.total += 1;
        *c.slot(r.status) += 1;
    }
    // `cis-aws-v5.0` numbers controls by the key `5.0` of `cis_aws`.
    let version = report
        .benchmark
        .as_deref()
        .and_then(|b| b.strip_prefix("cis-aws-v"));
    sheet.header(0, &CONTROL_COLUMNS)?;
    for (row, p) in (1u32..).zip(&report.policies) {
        let number = version.and_then(|v| p.cis_aws.get(v));
        let cis = p
            .cis_aws
            .iter()
            .map(|(v, n)| format!("v{v} {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        for (col, text) in (0u16..).zip([
            p.id.as_str(),
            &p.version,
            &p.severity.to_string(),
            &p.title,
            number.map(String::as_str).unwrap_or_default(),
            &cis,
            &p.requires.join(", "),
            &p.source,
            &p.sha256,
        ]) {
            sheet.text(row, col, text)?;
        }
        let c = counts.get(p.id.as_str()).cloned().unwrap_or_default();
        for (col, n) in (9u16..).zip(by_status(&c)) {
            sheet.number(row, col, n as u64)?;
        }
        sheet.text(row, 16, p.remediation.as_deref().unwrap_or_default())?;
    }
    sheet.table(0, CONTROL_COLUMNS.len(), report.policies.len())?;
    sheet.finish()
}

fn waivers(mut sheet: Sheet, report: &Report) -> Result<(), XlsxError> {
    sheet.header(0, &WAIVER_COLUMNS)?;
    let all = report.waivers.as_deref().unwrap_or_default();
    for (row, w) in (1u32..).zip(all) {
        for (col, text) in (0u16..).zip([
            w.pointer.as_str(),
            w.policy.as_deref().unwrap_or_default(),
            w.subject.as_deref().unwrap_or_default(),
            w.result.as_deref().unwrap_or_default(),
            &w.reason,
            &w.approver,
            &w.expires,
            w.state,
        ]) {
            sheet.text(row, col, text)?;
        }
        sheet.number(row, 8, w.matched as u64)?;
        sheet.number(row, 9, w.waived as u64)?;
    }
    sheet.table(0, WAIVER_COLUMNS.len(), all.len())?;
    sheet.finish()
}

fn requirements(mut sheet: Sheet, report: &Report) -> Result<(), XlsxError> {
    sheet.header(0, &REQUIREMENT_COLUMNS)?;
    let mut row = 1u32;
    for view in &report.frameworks {
        for r in &view.requirements {
            for (col, text) in (0u16..).zip([
                view.id.as_str(),
                &r.id,
                &r.status_text(),
                &r.title,
                &r.controls.join(", "),
            ]) {
                sheet.text(row, col, text)?;
            }
            for (col, n) in (5u16..).zip(by_status(&r.results)) {
                sheet.number(row, col, n as u64)?;
            }
            sheet.text(row, 12, r.manual.as_deref().unwrap_or_default())?;
            row += 1;
        }
    }
    sheet.table(0, REQUIREMENT_COLUMNS.len(), row as usize - 1)?;
    sheet.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes each text to its own cell and reads the cells back with a
    /// spreadsheet library.
    fn round_trip(texts: &[&str]) -> Vec<String> {
        let mut workbook = Workbook::new();
        let plain = Format::new();
        let sheet = workbook.add_worksheet();
        for (row, text) in (0u32..).zip(texts) {
            put_text(sheet, &plain, row, 0, text).expect("writes");
        }
        let bytes = workbook.save_to_buffer().expect("saves");
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("reads");
        let range = book.worksheet_range("Sheet1").expect("the sheet");
        range
            .rows()
            .map(|row| match &row[0] {
                calamine::Data::String(s) => s.clone(),
                other => panic!("not a string cell: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn text_shaped_like_rich_text_xml_stays_text() {
        // Written as a plain string, the library would put these into the
        // shared strings unescaped: the first as a run, the second as XML
        // that is not well-formed.
        let texts = [
            "<r><t>rich</t></r>",
            "<r></t></si></sst></r>",
            "<r>&amp;</r>",
            "=cmd|' /C calc'!A0",
            "a\u{1}b_x0041_\u{202e}c",
        ];
        assert_eq!(round_trip(&texts), texts);
    }

    #[test]
    fn text_within_the_limit_is_kept_whole() {
        let at_limit = "a".repeat(CELL_LIMIT);
        assert_eq!(fit(&at_limit), at_limit.as_str());
        // 40,000 bytes of UTF-8, but 20,000 UTF-16 units: it fits.
        let accents = "é".repeat(20_000);
        assert_eq!(fit(&accents), accents.as_str());
        assert_eq!(fit("=cmd|' /C calc'!A0"), "=cmd|' /C calc'!A0");
    }

    #[test]
    fn longer_text_is_cut_visibly_to_the_limit_and_at_a_character() {
        // Astral characters are two UTF-16 units each: Excel counts units.
        for unit in ["a", "é", "😀"] {
            let long = unit.repeat(40_000);
            let cut = fit(&long);
            let units = cut.encode_utf16().count();
            assert!(units <= CELL_LIMIT, "{unit}: {units}");
            assert!(units > CELL_LIMIT - 2, "{unit}: cut too short ({units})");
            assert!(cut.contains("cut: the text is"), "{cut}");
            assert!(cut.starts_with(&unit.repeat(100)));
        }
    }
}
