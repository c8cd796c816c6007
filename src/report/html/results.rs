//! The results part of the HTML page: the filters, a table of every result
//! that is not a pass (failures first, each with its finding, remediation
//! and evidence location), and beneath it the passes, collapsed in a
//! `<details>`: counted, one click away. On a large organization passes are
//! most of the results and most readers never open them, so the page holds
//! them as compact data ([`pass_data`], a JSON block the browser never
//! runs) and the script lists them, with the same escaping as text nodes,
//! when they are opened or a filter could match them (choosing the `pass`
//! status opens them). A 300-account organization's page: 68 MB with a row
//! per pass, 41 MB so.

use std::fmt::Write as _;

use super::{escape, location, with_code, ORDER};
use crate::report::Report;
use crate::results::{Finding, Status};

/// A filter `<select>` whose options are `all` (empty value) and each value.
fn select(out: &mut String, label: &str, id: &str, values: impl Iterator<Item = String>) {
    let _ = write!(
        out,
        "<label>{label} <select id=\"{id}\"><option value=\"\">all</option>"
    );
    for v in values {
        let _ = write!(out, "<option value=\"{v}\">{v}</option>", v = escape(&v));
    }
    out.push_str("</select></label>\n");
}

pub(super) fn findings(report: &Report, out: &mut String) {
    let several_accounts = report.snapshots.len() > 1;
    out.push_str("<section id=\"findings\">\n<h2>Results</h2>\n<div class=\"filters\">\n");
    select(
        out,
        "Status",
        "f-status",
        ORDER.iter().map(|s| s.as_str().to_string()),
    );
    select(
        out,
        "Severity",
        "f-severity",
        crate::results::Severity::ALL
            .iter()
            .map(|s| s.as_str().to_string()),
    );
    select(
        out,
        "Control",
        "f-control",
        report.policies.iter().map(|p| p.id.clone()),
    );
    if several_accounts {
        select(
            out,
            "Account",
            "f-account",
            report.snapshots.iter().filter_map(|s| s.account.clone()),
        );
    }
    out.push_str(
        "<label>Text <input id=\"f-text\" type=\"search\" placeholder=\"control, subject, principal, finding…\"></label>\n",
    );
    let _ = writeln!(
        out,
        "<span id=\"shown\" data-shown=\"{n}\">{n} results</span>\n</div>",
        n = report.results.len()
    );
    let (passes, others): (Vec<&Finding>, Vec<&Finding>) = report
        .results
        .iter()
        .map(|f| &**f)
        .partition(|r| r.status == Status::Pass);
    let mut others = others;
    others.sort_by_key(|r| {
        (
            ORDER.iter().position(|s| *s == r.status),
            &r.policy,
            &r.account,
            &r.subject,
            &r.id,
        )
    });
    // Chromium paginates one large table in time that grows faster than
    // its rows (a 35,068-row table of a 300-account organization did not
    // print in 25 minutes; the same rows as blocks printed in about 5), so
    // past this many rows the printed results are laid out as blocks, each
    // control's page opening on a header line instead of a repeated
    // table header.
    const PRINT_AS_TABLE_MAX_ROWS: usize = 2_000;
    let print_class = if others.len() > PRINT_AS_TABLE_MAX_ROWS {
        " print-blocks"
    } else {
        ""
    };
    // The account column, which the rows' grid of columns must count.
    let account_class = if several_accounts {
        " with-account"
    } else {
        ""
    };
    let _ = write!(out, "<table id=\"results\" class=\"results{print_class}{account_class}\">\n<colgroup><col class=\"w-status\"><col class=\"w-sev\"><col class=\"w-ctl\">");
    if several_accounts {
        out.push_str("<col class=\"w-acct\">");
    }
    out.push_str("<col class=\"w-subject\"><col class=\"w-finding\"><col class=\"w-where\"></colgroup>\n<thead><tr><th>Status</th><th>Severity</th><th>Control</th>");
    if several_accounts {
        out.push_str("<th>Account</th>");
    }
    out.push_str("<th>Subject</th><th>Finding</th><th>Evidence</th></tr></thead>\n<tbody>\n");
    // Printed, each control's results (per status) start a page of their
    // own, so a workpaper files one control per sheet, and its remediation
    // is printed once, with the first row: on a large organization the
    // same text tens of thousands of times would be most of the pages. On
    // screen the class does nothing.
    let mut previous: Option<(Status, &str)> = None;
    for r in others {
        let group = (r.status, &*r.policy);
        let first_of_group = previous != Some(group);
        previous = Some(group);
        row(report, r, several_accounts, first_of_group, out);
    }
    out.push_str(
        "</tbody>\n</table>\n<p id=\"none\" hidden>No result matches these filters.</p>\n",
    );
    if !passes.is_empty() {
        let _ = write!(
            out,
            "<details id=\"passes\"><summary>{n} passed result{s} <span id=\"passes-shown\"></span></summary>\n<p class=\"note\">Listed when opened or searched: the page holds them as data until then, so that a large report stays light. The JSON report lists them too.</p>\n<table class=\"results passes{account_class}\">\n<colgroup><col class=\"w-ctl\">",
            n = passes.len(),
            s = if passes.len() == 1 { "" } else { "s" }
        );
        if several_accounts {
            out.push_str("<col class=\"w-acct\">");
        }
        out.push_str("<col class=\"w-subject\"><col class=\"w-finding\"><col class=\"w-where\"></colgroup>\n<thead><tr><th>Control</th>");
        if several_accounts {
            out.push_str("<th>Account</th>");
        }
        out.push_str("<th>Subject</th><th>Finding</th><th>Evidence</th></tr></thead>\n<tbody id=\"passes-rows\"></tbody>\n</table>\n</details>\n");
        pass_data(report, &passes, several_accounts, out);
    }
    out.push_str("</section>\n");
}

/// The passes as the script's data: `{"controls": [[id, severity,
/// benchmark label]], "accounts": [..], "files": [..], "rows": [[control,
/// account, subject, principal (empty when the subject), finding, file
/// (-1: none), line (0: none), pointer]]}`, indexes into the lists. Every
/// `<` is written `\u003c`, so no text can close the block.
fn pass_data(report: &Report, passes: &[&Finding], several_accounts: bool, out: &mut String) {
    use std::collections::BTreeMap;
    let mut controls: BTreeMap<&str, usize> = BTreeMap::new();
    let mut accounts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut files: BTreeMap<&str, usize> = BTreeMap::new();
    for r in passes {
        controls.entry(&r.policy).or_insert(0);
        accounts.entry(&r.account).or_insert(0);
        if let Some(l) = &r.location {
            files.entry(&l.file).or_insert(0);
        }
    }
    // Indexes in sorted order, so the bytes depend on the results only.
    for map in [&mut controls, &mut accounts, &mut files] {
        for (i, v) in map.values_mut().enumerate() {
            *v = i;
        }
    }
    let control_list: Vec<serde_json::Value> = controls
        .keys()
        .map(|id| {
            let first = passes.iter().find(|r| &*r.policy == *id);
            serde_json::json!([
                id,
                first.map(|r| r.severity.as_str()).unwrap_or_default(),
                first
                    .and_then(|r| report.benchmark_label(r))
                    .unwrap_or_default()
            ])
        })
        .collect();
    let rows: Vec<serde_json::Value> = passes
        .iter()
        .map(|r| {
            let principal = if r.principal != r.subject {
                &*r.principal
            } else {
                ""
            };
            let (file, line, pointer) = match &r.location {
                Some(l) => (
                    files[l.file.as_str()] as i64,
                    l.line.unwrap_or(0),
                    l.pointer.as_deref().unwrap_or_default(),
                ),
                None => (-1, 0, ""),
            };
            serde_json::json!([
                controls[&*r.policy],
                accounts[&*r.account],
                &*r.subject,
                principal,
                &*r.message,
                file,
                line,
                pointer
            ])
        })
        .collect();
    let data = serde_json::json!({
        "several_accounts": several_accounts,
        "controls": control_list,
        "accounts": accounts.keys().collect::<Vec<_>>(),
        "files": files.keys().collect::<Vec<_>>(),
        "rows": rows,
    });
    let text = data.to_string().replace('<', "\\u003c");
    let _ = writeln!(
        out,
        "<script type=\"application/json\" id=\"passes-data\">{text}</script>"
    );
}

/// One result's row (every status but `pass`, which [`pass_data`] holds).
fn row(
    report: &Report,
    r: &Finding,
    several_accounts: bool,
    first_of_group: bool,
    out: &mut String,
) {
    let _ = write!(
        out,
        "<tr class=\"result {s}{brk}\" data-status=\"{s}\" data-severity=\"{sev}\" data-control=\"{c}\"",
        s = r.status.as_str(),
        brk = if first_of_group { " group-start" } else { "" },
        sev = escape(r.severity.as_str()),
        c = escape(&r.policy)
    );
    if several_accounts {
        let _ = write!(out, " data-account=\"{}\"", escape(&r.account));
    }
    let _ = write!(
        out,
        "><td><span class=\"badge {s}\">{s}</span></td><td><span class=\"sev {sev}\">{sev}</span></td>",
        s = r.status.as_str(),
        sev = escape(r.severity.as_str()),
    );
    let _ = write!(out, "<td class=\"ctl\">{}", escape(&r.policy));
    if let Some(label) = report.benchmark_label(r) {
        // The benchmark number under the control id, in the same cell.
        let _ = write!(out, "<br><small>{}</small>", escape(&label));
    }
    out.push_str("</td>");
    if several_accounts {
        let _ = write!(out, "<td>{}</td>", escape(&r.account));
    }
    let principal = if r.principal != r.subject && !r.principal.is_empty() {
        format!("<small>principal: {}</small>", escape(&r.principal))
    } else {
        String::new()
    };
    let _ = write!(
        out,
        "<td class=\"subject\">{}{principal}</td><td>{}",
        escape(&r.subject),
        with_code(&r.message)
    );
    let remediation = report
        .policy(&r.policy)
        .and_then(|p| p.remediation.as_deref());
    if let Some(fix) = remediation {
        let _ = write!(
            out,
            "<div class=\"fix\"><b>Remediation:</b> {}</div>",
            with_code(fix)
        );
    }
    let _ = writeln!(out, "</td><td class=\"where\">{}</td></tr>", location(r));
}
