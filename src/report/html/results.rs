//! The results part of the HTML page: the filters, a table of every result
//! that is not a pass (failures first, each with its finding, remediation
//! and evidence location), and beneath it the passes, collapsed in a
//! `<details>` (counted, one click away, in compact rows without
//! remediation): on a large organization they are most of the page, and
//! most readers never open them. Choosing the `pass` status opens them.

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
    out.push_str("<table id=\"results\" class=\"results\">\n<colgroup><col class=\"w-status\"><col class=\"w-sev\"><col class=\"w-ctl\">");
    if several_accounts {
        out.push_str("<col class=\"w-acct\">");
    }
    out.push_str("<col class=\"w-subject\"><col class=\"w-finding\"><col class=\"w-where\"></colgroup>\n<thead><tr><th>Status</th><th>Severity</th><th>Control</th>");
    if several_accounts {
        out.push_str("<th>Account</th>");
    }
    out.push_str("<th>Subject</th><th>Finding</th><th>Evidence</th></tr></thead>\n<tbody>\n");
    for r in others {
        row(report, r, several_accounts, out);
    }
    out.push_str("</tbody>\n</table>\n<p id=\"none\" hidden>No result matches these filters.</p>\n");
    if !passes.is_empty() {
        let _ = write!(
            out,
            "<details id=\"passes\"><summary>{n} passed result{s} <span id=\"passes-shown\"></span></summary>\n<table class=\"results passes\">\n<colgroup><col class=\"w-ctl\">",
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
        out.push_str("<th>Subject</th><th>Finding</th><th>Evidence</th></tr></thead>\n<tbody>\n");
        for r in passes {
            row(report, r, several_accounts, out);
        }
        out.push_str("</tbody>\n</table>\n</details>\n");
    }
    out.push_str("</section>\n");
}

/// One result's row. A pass has no status, severity or remediation cells:
/// its table says what it is.
fn row(report: &Report, r: &Finding, several_accounts: bool, out: &mut String) {
    let pass = r.status == Status::Pass;
    let _ = write!(
        out,
        "<tr class=\"result {s}\" data-status=\"{s}\" data-severity=\"{sev}\" data-control=\"{c}\"",
        s = r.status.as_str(),
        sev = escape(r.severity.as_str()),
        c = escape(&r.policy)
    );
    if several_accounts {
        let _ = write!(out, " data-account=\"{}\"", escape(&r.account));
    }
    out.push('>');
    if !pass {
        let _ = write!(
            out,
            "<td><span class=\"badge {s}\">{s}</span></td><td><span class=\"sev {sev}\">{sev}</span></td>",
            s = r.status.as_str(),
            sev = escape(r.severity.as_str()),
        );
    }
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
        .and_then(|p| p.remediation.as_deref())
        .filter(|_| !pass);
    if let Some(fix) = remediation {
        let _ = write!(
            out,
            "<div class=\"fix\"><b>Remediation:</b> {}</div>",
            with_code(fix)
        );
    }
    let _ = writeln!(out, "</td><td class=\"where\">{}</td></tr>", location(r));
}
