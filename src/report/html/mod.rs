//! `--format html`: one self-contained page for people.
//!
//! No external asset and no network: CSS and JS are inline, the charts are
//! inline SVG, and a Content-Security-Policy (`default-src 'none'`, the one
//! script allowed by its SHA-256) forbids the browser to load anything or to
//! run any other script, as defence in depth behind the escaping.
//!
//! Layout ([`overview`], [`results`]): the summary at a glance (a card per
//! status, clickable to filter); for an organization, a table of its
//! accounts with their counts, each a click away from its results; the
//! per-requirement view of a chosen framework (`--benchmark`); a stacked bar
//! per control; the results (failures first, then errors, not evaluated,
//! waived, not applicable), with the passes collapsed beneath them, with
//! filters by status, severity, control, account and text searched in the
//! whole row (written to and read from the URL, so a filtered view can be
//! shared: `report.html#status=fail&severity=high&control=<id>&account=<id>&q=<text>`;
//! the fragment is the whole filter state, and a malformed part of it is
//! skipped), each with its evidence message, location and the control's
//! remediation; then the scope (as-of time and source, policy pack,
//! snapshots, evidence files with SHA-256, controls with versions,
//! warnings). Without JavaScript every result is shown (the passes one click
//! away). The header names up to three accounts; more are counted.
//!
//! The styles ([`STYLE`], `style.css`) fit the page to its container from a
//! phone's width (rows become blocks under 700 px) to a desktop's (fixed
//! column widths, long names wrapped), and print it whole: every failing
//! result's finding and evidence, repeated table headers, no widgets.
//!
//! Every string from evidence or policies goes through [`escape`] (`&`, `<`,
//! `>`, `"`, `'` become entities; control characters visible escapes), in
//! text and in attributes alike.

use std::fmt::Write as _;

use base64::Engine as _;
use sha2::{Digest, Sha256};

mod overview;
mod results;

use super::Report;
use crate::results::{Finding, Status};

/// Text safe in HTML content and quoted attributes.
pub fn escape(text: &str) -> String {
    crate::text::escape_markup(text, "&#39;", |_| false)
}

/// Statuses in the order a reader needs them.
const ORDER: [Status; 6] = [
    Status::Fail,
    Status::Error,
    Status::NotEvaluated,
    Status::Waived,
    Status::NotApplicable,
    Status::Pass,
];

fn label(status: Status) -> &'static str {
    match status {
        Status::Fail => "failed",
        Status::Error => "error",
        Status::NotEvaluated => "not evaluated",
        Status::NotApplicable => "not applicable",
        Status::Waived => "waived",
        Status::Pass => "passed",
    }
}

/// The page's styles (screen, phone width and print).
const STYLE: &str = include_str!("style.css");

/// Filters the result rows by the selects (and the URL fragment); shows how
/// many rows are visible. Plain ES5, no dependency, runs from `file://`.
const SCRIPT: &str = include_str!("script.js");

pub fn render(report: &Report) -> String {
    let script_hash =
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(SCRIPT.as_bytes()));
    let mut out = String::with_capacity(32 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'; img-src data:; base-uri 'none'; form-action 'none'\">"
    );
    out.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    let _ = writeln!(
        out,
        "<title>IAM audit report: {}</title>",
        escape(&accounts(report))
    );
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");

    let _ = writeln!(
        out,
        "<header>\n<h1>IAM audit report</h1>\n<p>{} · {} · {} control{}</p>\n</header>\n<main>",
        escape(&accounts(report)),
        escape(&as_of(report)),
        report.policies.len(),
        if report.policies.len() == 1 { "" } else { "s" }
    );
    overview::glance(report, &mut out);
    overview::accounts(report, &mut out);
    for view in &report.frameworks {
        overview::framework(view, &mut out);
    }
    overview::controls(report, &mut out);
    results::findings(report, &mut out);
    scope(report, &mut out);
    let _ = writeln!(
        out,
        "</main>\n<footer>{} {} · the same evidence and policies give the same page</footer>",
        escape(report.tool.name),
        escape(report.tool.version)
    );
    let _ = writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>");
    out
}

/// The accounts the report covers, for the header and the title: up to
/// three named, more counted (300 names would fill a screen).
fn accounts(report: &Report) -> String {
    if report.snapshots.len() > 3 {
        let unusable = report
            .snapshots
            .iter()
            .filter(|s| s.account.is_none())
            .count();
        let mut text = format!("{} accounts", report.snapshots.len());
        if unusable > 0 {
            let _ = write!(text, " ({unusable} unusable)");
        }
        return text;
    }
    let names: Vec<String> = report
        .snapshots
        .iter()
        .map(|s| match (&s.account, s.name.as_str()) {
            (Some(a), ".") => format!("account {a}"),
            (Some(a), name) => format!("{name} (account {a})"),
            (None, name) => format!("{name} (unusable)"),
        })
        .collect();
    if names.is_empty() {
        "no snapshot".into()
    } else {
        names.join(", ")
    }
}

fn as_of(report: &Report) -> String {
    match &report.as_of {
        Some(t) => format!("as of {t} (from {})", report.as_of_source),
        None if report.as_of_source == "per-snapshot" => "as-of time per snapshot".into(),
        None => "no as-of time".into(),
    }
}

/// Text escaped for HTML, with each `` `quoted` `` name shown as code, as
/// the messages and remediations write names and commands. A backtick
/// without its pair stays as it is.
fn with_code(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        let paired = i % 2 == 1 && i + 1 < parts.len();
        if paired {
            let _ = write!(out, "<code>{}</code>", escape(part));
        } else {
            if i % 2 == 1 {
                out.push('`');
            }
            out.push_str(&escape(part));
        }
    }
    out
}

fn location(r: &Finding) -> String {
    match &r.location {
        None => String::new(),
        Some(l) => {
            let mut text = format!("<code>{}</code>", escape(&l.file));
            if let Some(line) = l.line {
                let _ = write!(text, " line {line}");
            }
            if let Some(p) = &l.pointer {
                let _ = write!(text, "<br><code>{}</code>", escape(p));
            }
            text
        }
    }
}

fn scope(report: &Report, out: &mut String) {
    out.push_str("<section id=\"scope\">\n<h2>Scope</h2>\n<dl class=\"scope\">\n");
    let _ = writeln!(out, "<dt>As of</dt><dd>{}</dd>", escape(&as_of(report)));
    let pack = match &report.pack {
        Some(p) => format!("{} {}", p.name, p.version),
        None => "none (only the policies given)".into(),
    };
    let _ = writeln!(out, "<dt>Policy pack</dt><dd>{}</dd>", escape(&pack));
    let _ = writeln!(
        out,
        "<dt>Tool</dt><dd>{} {}</dd>",
        escape(report.tool.name),
        escape(report.tool.version)
    );
    for s in &report.snapshots {
        let mut text = format!(
            "{}: account {}, {}",
            s.name,
            s.account.as_deref().unwrap_or("unknown"),
            s.status
        );
        if let Some(t) = &s.as_of {
            let _ = write!(text, ", as of {t} ({})", s.as_of_source);
        }
        let _ = write!(out, "<dt>Snapshot</dt><dd>{}", escape(&text));
        for e in &s.errors {
            let _ = write!(out, "<br>error: {}", escape(e));
        }
        out.push_str("</dd>\n");
    }
    out.push_str("</dl>\n<h3>Evidence</h3>\n<table class=\"evidence\"><thead><tr><th>File</th><th>Kind</th><th>SHA-256</th><th>Bytes</th></tr></thead><tbody>\n");
    for e in &report.evidence {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
            escape(&e.path),
            escape(&e.kind),
            escape(&e.sha256),
            e.bytes
        );
    }
    out.push_str("</tbody></table>\n<h3>Controls</h3>\n<table class=\"policies\"><thead><tr><th>Control</th><th>Version</th><th>Severity</th><th>Title</th><th>Source</th><th>SHA-256</th></tr></thead><tbody>\n");
    for p in &report.policies {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td><span class=\"sev {sev}\">{sev}</span></td><td>{}</td><td><code>{}</code></td><td><code>{}</code></td></tr>",
            escape(&p.id),
            escape(&p.version),
            escape(&p.title),
            escape(&p.source),
            escape(&p.sha256),
            sev = escape(p.severity.as_str())
        );
    }
    out.push_str("</tbody></table>\n");
    if !report.warnings.is_empty() {
        out.push_str("<h3>Warnings</h3>\n<ul>\n");
        for w in &report.warnings {
            let _ = writeln!(out, "<li>{}</li>", escape(w));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_names_show_as_code_and_stay_escaped() {
        assert_eq!(
            with_code("trusts `arn:<x>` and `y`; odd ` left"),
            "trusts <code>arn:&lt;x&gt;</code> and <code>y</code>; odd ` left"
        );
        assert_eq!(with_code("no quotes"), "no quotes");
        assert_eq!(with_code("`"), "`");
        assert_eq!(with_code("``"), "<code></code>");
    }

    #[test]
    fn escapes_markup_in_text_and_attributes() {
        assert_eq!(
            escape("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        );
        assert_eq!(escape("a\"b&c"), "a&quot;b&amp;c");
        assert_eq!(escape("x\ny"), "x\\ny");
    }
}
