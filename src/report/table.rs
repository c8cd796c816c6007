//! `--format table` (the default): what a person reads on a terminal.
//!
//! A summary per control, then every result that is not a pass, failing
//! results first and grouped by control, then the warnings and a one-line
//! total. Passing
//! results are counted, not listed: on a real account they are most of the
//! report (`--format json` lists them all).

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, ColumnConstraint, ContentArrangement, Table, Width as ComfyWidth};

use super::{escape_text, Report};
use crate::results::{Finding, Status};

/// How to draw: colours only for a terminal without `NO_COLOR`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
    /// The width tables wrap to (the command line gives the terminal's,
    /// `COLUMNS`, or 100 for a pipe or a file); `None`: never wrapped.
    pub width: Option<u16>,
    /// `--csv-bom`: the CSV starts with a UTF-8 byte-order mark. A choice
    /// of how the report is written, like the two above, kept with them.
    pub csv_bom: bool,
}

pub fn render(report: &Report, style: Style) -> String {
    let mut out = String::new();
    out.push_str(&scope_line(report));

    // The waived column only when waivers were given, so that reports
    // without waivers look as they always did.
    let show_waived = report.waivers.is_some() || report.summary.waived > 0;
    let mut controls = new_table(style);
    let mut header = vec![
        "Control",
        "Severity",
        "Fail",
        "Error",
        "Not evaluated",
        "Not applicable",
        "Pass",
    ];
    if show_waived {
        header.insert(4, "Waived");
    }
    controls.set_header(header);
    for p in &report.policies {
        let of = |s: Status| {
            report
                .results
                .iter()
                .filter(|r| *r.policy == *p.id && r.status == s)
                .count()
        };
        let mut row = vec![
            Cell::new(cell_text(&p.id)),
            Cell::new(p.severity),
            count_cell(of(Status::Fail), Hue::Red, style),
            count_cell(of(Status::Error), Hue::Magenta, style),
            Cell::new(of(Status::NotEvaluated)),
            Cell::new(of(Status::NotApplicable)),
            Cell::new(of(Status::Pass)),
        ];
        if show_waived {
            row.insert(4, count_cell(of(Status::Waived), Hue::Cyan, style));
        }
        controls.add_row(row);
    }
    keep_whole(&mut controls, 0, report.policies.iter().map(|p| p.id.len()));
    out.push_str(&controls.to_string());
    out.push('\n');

    for view in &report.frameworks {
        out.push('\n');
        out.push_str(&framework_table(view, style));
        out.push('\n');
    }

    let mut findings: Vec<&Finding> = report
        .results
        .iter()
        .filter(|r| r.status != Status::Pass)
        .map(|f| &**f)
        .collect();
    findings.sort_by(|a, b| {
        (a.status, &a.policy, &a.subject, &a.id).cmp(&(b.status, &b.policy, &b.subject, &b.id))
    });
    if !findings.is_empty() {
        out.push('\n');
        out.push_str(&findings_list(report, &findings, style));
        out.push('\n');
    }
    if report.snapshots.len() > 1 {
        out.push('\n');
        out.push_str(&accounts_table(report, style));
        out.push('\n');
    }
    if let Some(waivers) = &report.waivers {
        out.push('\n');
        out.push_str(&waivers_table(waivers, style));
        out.push('\n');
    }
    for s in report.snapshots.iter().filter(|s| !s.errors.is_empty()) {
        out.push_str(&format!(
            "\nSnapshot `{}` is unusable:\n",
            cell_text(&s.name)
        ));
        for e in &s.errors {
            for line in e.lines() {
                out.push_str(&format!("  {}\n", cell_text(line)));
            }
        }
    }
    // Warnings last, before the total: a folder of client files can add
    // some, and the results must not scroll away under them.
    if !report.warnings.is_empty() {
        out.push_str("\nWarnings:\n");
        for w in &report.warnings {
            out.push_str(&format!("  - {}\n", cell_text(w)));
        }
    }
    out.push('\n');
    out.push_str(&summary_line(report));
    out
}

/// Every result that is not a pass: a table when it fits the width, else
/// one block per result (a table of ARNs and sentences squeezed into 100
/// columns wraps every cell, and a wrapped ARN can no longer be searched
/// for):
///
/// ```text
/// fail  console-password-requires-mfa
///   subject    arn:aws:iam::123456789012:user/bob
///   principal  arn:aws:iam::123456789012:user/bob
///   finding    console password enabled; no MFA device is active
///   evidence   credential-report.json /Content
/// ```
fn findings_list(report: &Report, findings: &[&Finding], style: Style) -> String {
    let several_accounts = report.snapshots.len() > 1;
    let rows: Vec<[String; 7]> = findings
        .iter()
        .map(|f| {
            [
                f.status.as_str().to_string(),
                match report.benchmark_label(f) {
                    Some(label) => format!("{} ({})", cell_text(&f.policy), cell_text(&label)),
                    None => cell_text(&f.policy),
                },
                cell_text(&f.account),
                cell_text(&f.subject),
                cell_text(&f.principal),
                match &f.labels.waiver {
                    Some(w) => format!(
                        "{} (waived until {} by {}: {})",
                        cell_text(&f.message),
                        w.expires,
                        cell_text(&w.approver),
                        cell_text(&w.reason)
                    ),
                    None => cell_text(&f.message),
                },
                f.location.as_deref().map(location_text).unwrap_or_default(),
            ]
        })
        .collect();
    let mut header = vec![
        "Status",
        "Control",
        "Account",
        "Subject",
        "Principal",
        "Finding",
    ];
    let shown: Vec<usize> = (0..6).filter(|&i| i != 2 || several_accounts).collect();
    // The table's width unwrapped: each column's widest cell, one space of
    // padding either side, a border between and around them.
    let natural: usize = shown
        .iter()
        .map(|&i| {
            rows.iter()
                .map(|r| {
                    let cell = r[i].chars().count();
                    // The finding's cell also holds the place, on its own line.
                    if i == 5 {
                        cell.max(r[6].chars().count() + 3)
                    } else {
                        cell
                    }
                })
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
                + 3
        })
        .sum::<usize>()
        + 1;
    if style.width.is_some_and(|w| natural > usize::from(w)) {
        let mut out = String::new();
        for (f, row) in findings.iter().zip(&rows) {
            if !out.is_empty() {
                out.push('\n');
            }
            let status = if style.color {
                paint_text(&row[0], f.status)
            } else {
                row[0].clone()
            };
            out.push_str(&format!("{status}  {}\n", row[1]));
            if several_accounts {
                out.push_str(&format!("  account    {}\n", row[2]));
            }
            out.push_str(&format!("  subject    {}\n", row[3]));
            out.push_str(&format!("  principal  {}\n", row[4]));
            out.push_str(&format!("  finding    {}\n", row[5]));
            if !row[6].is_empty() {
                out.push_str(&format!("  evidence   {}\n", row[6]));
            }
        }
        out.pop();
        return out;
    }
    let mut table = new_table(style);
    if !several_accounts {
        header.remove(2);
    }
    table.set_header(header);
    for (f, row) in findings.iter().zip(&rows) {
        let mut cells = vec![status_cell(f.status, style)];
        cells.extend(shown[1..].iter().map(|&i| {
            // The evidence's place under the finding, on a line of its own.
            if i == 5 && !row[6].is_empty() {
                Cell::new(format!("{}\nat {}", row[5], row[6]))
            } else {
                Cell::new(&row[i])
            }
        }));
        table.add_row(cells);
    }
    keep_whole(&mut table, 0, rows.iter().map(|r| r[0].len()));
    keep_whole(&mut table, 1, rows.iter().map(|r| r[1].len()));
    table.to_string()
}

/// A status word in its colour, for text outside a table.
fn paint_text(text: &str, status: Status) -> String {
    let code = match status {
        Status::Fail => 31,
        Status::Error => 35,
        Status::NotEvaluated | Status::NotApplicable => 33,
        Status::Waived => 36,
        Status::Pass => 32,
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// Where a result's evidence is, in one line: `file line N /pointer`.
fn location_text(l: &crate::model::EvidenceLocation) -> String {
    let mut text = cell_text(&l.file);
    if let Some(line) = l.line {
        text.push_str(&format!(" line {line}"));
    }
    if let Some(p) = &l.pointer {
        text.push(' ');
        text.push_str(&cell_text(p));
    }
    text
}

/// Keeps the words of column `index` whole when a width makes the table
/// wrap (a control id cut as `access-keys-not-created-at-set|up` reads as
/// two words): the column is at least as wide as its longest entry, up to
/// half of the table.
fn keep_whole(t: &mut Table, index: usize, lengths: impl Iterator<Item = usize>) {
    let Some(width) = t.width() else { return };
    let longest = lengths.max().unwrap_or(0);
    // The constraint counts the cell's padding, one space either side.
    let longest = u16::try_from(longest)
        .unwrap_or(u16::MAX)
        .saturating_add(2)
        .min(width / 2);
    if let Some(column) = t.column_mut(index) {
        column.set_constraint(ColumnConstraint::LowerBoundary(ComfyWidth::Fixed(longest)));
    }
}

/// Per-account totals of an organization (unusable accounts included).
fn accounts_table(report: &Report, style: Style) -> String {
    let mut t = new_table(style);
    t.set_header(vec![
        "Snapshot",
        "Account",
        "Fail",
        "Error",
        "Waived",
        "Not evaluated",
        "Not applicable",
        "Pass",
    ]);
    for s in &report.snapshots {
        let mut row = vec![
            Cell::new(cell_text(&s.name)),
            Cell::new(s.account.as_deref().map(cell_text).unwrap_or_default()),
        ];
        match &s.summary {
            Some(sum) => row.extend([
                count_cell(sum.fail, Hue::Red, style),
                count_cell(sum.error, Hue::Magenta, style),
                Cell::new(sum.waived),
                Cell::new(sum.not_evaluated),
                Cell::new(sum.not_applicable),
                Cell::new(sum.pass),
            ]),
            None => row.push(status_cell_text("unusable", Hue::Magenta, style)),
        }
        t.add_row(row);
    }
    t.to_string()
}

/// A framework's requirements in its order, each with its status, the
/// controls that decide it (or why none does) and their results.
fn framework_table(view: &super::frameworks::FrameworkView, style: Style) -> String {
    use super::frameworks::RequirementStatus as R;
    let mut t = new_table(style);
    t.set_header(vec![
        "Requirement",
        "Status",
        "Title",
        "Controls",
        "Results, or why manual",
    ]);
    for r in &view.requirements {
        let hue = match r.status {
            R::Fail => Hue::Red,
            R::NotEvaluated => Hue::Yellow,
            R::Pass => Hue::Green,
            R::Manual => Hue::Cyan,
        };
        let (controls, results) = match &r.manual {
            Some(why) => ("none".to_string(), cell_text(why)),
            None => (
                r.controls
                    .iter()
                    .map(|c| cell_text(c))
                    .collect::<Vec<_>>()
                    .join("\n"),
                r.results_text(),
            ),
        };
        t.add_row(vec![
            Cell::new(cell_text(&r.id)),
            status_cell_text(&r.status_text(), hue, style),
            Cell::new(cell_text(&r.title)),
            Cell::new(controls),
            Cell::new(results),
        ]);
    }
    keep_whole(&mut t, 0, view.requirements.iter().map(|r| r.id.len()));
    keep_whole(
        &mut t,
        3,
        view.requirements
            .iter()
            .flat_map(|r| r.controls.iter().map(|c| c.chars().count())),
    );
    format!(
        "{}: {}\n{t}",
        cell_text(&view.heading()),
        cell_text(&view.summary_text())
    )
}

/// Every waiver with its state, so that expired and unmatched ones are seen.
fn waivers_table(waivers: &[crate::waivers::WaiverEntry], style: Style) -> String {
    let mut t = new_table(style);
    t.set_header(vec![
        "Waiver", "Covers", "Expires", "Approver", "Reason", "State", "Matched", "Waived",
    ]);
    for w in waivers {
        let covers = match (&w.result, &w.policy, &w.subject) {
            (Some(id), _, _) => format!("result {}", cell_text(id)),
            (None, Some(p), Some(s)) => format!("{} on {}", cell_text(p), cell_text(s)),
            _ => String::new(),
        };
        let color = match w.state {
            "applied" => Hue::Cyan,
            _ => Hue::Yellow,
        };
        t.add_row(vec![
            Cell::new(&w.pointer),
            Cell::new(covers),
            Cell::new(&w.expires),
            Cell::new(cell_text(&w.approver)),
            Cell::new(cell_text(&w.reason)),
            status_cell_text(w.state, color, style),
            Cell::new(w.matched),
            Cell::new(w.waived),
        ]);
    }
    format!("Waivers:\n{t}")
}

/// The most characters of one value the table shows. comfy-table lays a
/// cell out in time that grows faster than its length (a 10 MB user name
/// took 52 s), so a longer value is cut here, and the table stays linear in
/// its input; the JSON report holds every value whole.
pub const MAX_CELL_CHARS: usize = 2_000;

/// Text from the report made safe for the terminal ([`escape_text`]) and
/// cut to [`MAX_CELL_CHARS`], saying how much was left out.
fn cell_text(s: &str) -> String {
    // Escaping can only lengthen text, so the cut is taken on the raw text
    // first: a 10 MB value is never escaped whole.
    let end = s
        .char_indices()
        .nth(MAX_CELL_CHARS)
        .map_or(s.len(), |(i, _)| i);
    if end == s.len() {
        let escaped = escape_text(s);
        if escaped.chars().count() <= MAX_CELL_CHARS {
            return escaped;
        }
    }
    let escaped: String = escape_text(&s[..end])
        .chars()
        .take(MAX_CELL_CHARS)
        .collect();
    format!(
        "{escaped}… (cut: {} bytes in all, see `--format json`)",
        s.len()
    )
}

fn status_cell_text(text: &str, color: Hue, style: Style) -> Cell {
    let cell = Cell::new(text);
    if style.color {
        paint(cell, color)
    } else {
        cell
    }
}

fn new_table(style: Style) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    match style.width {
        Some(w) => {
            t.set_content_arrangement(ContentArrangement::Dynamic);
            t.set_width(w);
        }
        None => {
            without_terminal(&mut t);
        }
    }
    if style.color {
        enforce_styling(&mut t);
    }
    t
}

/// The colours the table uses. Cells are coloured through comfy-table's
/// terminal support, which only the command line's build has (a WebAssembly
/// build has no terminal): elsewhere [`paint`] leaves a cell as it is.
#[derive(Debug, Clone, Copy)]
enum Hue {
    Red,
    Magenta,
    Yellow,
    Cyan,
    Green,
}

#[cfg(not(target_arch = "wasm32"))]
fn paint(cell: Cell, hue: Hue) -> Cell {
    use comfy_table::Color;
    cell.fg(match hue {
        Hue::Red => Color::Red,
        Hue::Magenta => Color::Magenta,
        Hue::Yellow => Color::Yellow,
        Hue::Cyan => Color::Cyan,
        Hue::Green => Color::Green,
    })
}

#[cfg(target_arch = "wasm32")]
fn paint(cell: Cell, _hue: Hue) -> Cell {
    cell
}

/// Colours even when comfy-table would not detect a terminal (the caller
/// decided: `Style::color`).
#[cfg(not(target_arch = "wasm32"))]
fn enforce_styling(t: &mut Table) {
    t.enforce_styling();
}

#[cfg(target_arch = "wasm32")]
fn enforce_styling(_t: &mut Table) {}

/// Lays `t` out as for a pipe, whatever stdout is: no colour, no width read
/// from a terminal (a build without terminal support never reads one).
pub fn without_terminal(t: &mut Table) {
    #[cfg(not(target_arch = "wasm32"))]
    t.force_no_tty();
    #[cfg(target_arch = "wasm32")]
    let _ = t;
}

fn status_cell(status: Status, style: Style) -> Cell {
    let cell = Cell::new(status.as_str());
    if !style.color {
        return cell;
    }
    match status {
        Status::Fail => paint(cell, Hue::Red),
        Status::Error => paint(cell, Hue::Magenta),
        Status::NotEvaluated | Status::NotApplicable => paint(cell, Hue::Yellow),
        Status::Waived => paint(cell, Hue::Cyan),
        Status::Pass => paint(cell, Hue::Green),
    }
}

fn count_cell(n: usize, color: Hue, style: Style) -> Cell {
    let cell = Cell::new(n);
    if style.color && n > 0 {
        paint(cell, color)
    } else {
        cell
    }
}

fn scope_line(report: &Report) -> String {
    let accounts: Vec<String> = report
        .snapshots
        .iter()
        .map(|s| match (&s.account, s.name.as_str()) {
            (Some(a), ".") => format!("account {}", cell_text(a)),
            (Some(a), name) => format!("{} (account {})", cell_text(name), cell_text(a)),
            (None, name) => format!("{} (unusable)", cell_text(name)),
        })
        .collect();
    let as_of = match &report.as_of {
        Some(t) => format!("as of {t} (from {})", report.as_of_source),
        None if report.as_of_source == "per-snapshot" => "as-of time per snapshot".to_string(),
        None => "no as-of time".to_string(),
    };
    format!(
        "Evidence: {}; {as_of}; {} control{}\n",
        accounts.join(", "),
        report.policies.len(),
        if report.policies.len() == 1 { "" } else { "s" }
    )
}

/// e.g. `3 failed, 1 error, 4 not evaluated, 1 not applicable, 12 passed (21 results)`.
pub fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let mut parts = vec![format!("{} failed", s.fail)];
    parts.push(format!(
        "{} error{}",
        s.error,
        if s.error == 1 { "" } else { "s" }
    ));
    if s.waived > 0 {
        parts.push(format!("{} waived", s.waived));
    }
    parts.push(format!("{} not evaluated", s.not_evaluated));
    parts.push(format!("{} not applicable", s.not_applicable));
    parts.push(format!("{} passed", s.pass));
    format!("{} ({} results)\n", parts.join(", "), s.total)
}

#[cfg(test)]
mod tests {
    use super::{cell_text, MAX_CELL_CHARS};

    #[test]
    fn long_cells_are_cut_after_escaping_and_say_so() {
        assert_eq!(cell_text("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        let long = "é".repeat(MAX_CELL_CHARS + 5);
        let cut = cell_text(&long);
        assert!(cut.starts_with(&"é".repeat(MAX_CELL_CHARS)));
        assert!(cut.ends_with(&format!(
            "é… (cut: {} bytes in all, see `--format json`)",
            long.len()
        )));
        // Escapes count towards the limit: a cell of control characters
        // is no longer than any other.
        let cut = cell_text(&"\u{7}".repeat(MAX_CELL_CHARS));
        assert!(cut.chars().count() < MAX_CELL_CHARS + 60, "{}", cut.len());
        assert!(cut.starts_with("\\u{7}\\u{7}"));
    }
}
