//! `--format html`: one self-contained page for people.
//!
//! No external asset and no network: CSS and JS are inline, the charts are
//! inline SVG, and a Content-Security-Policy (`default-src 'none'`, the one
//! script allowed by its SHA-256) forbids the browser to load anything or to
//! run any other script, as defence in depth behind the escaping.
//!
//! Layout: the summary at a glance (a card per status, clickable to filter),
//! a stacked bar per control, the results (failures first, then errors, not
//! evaluated, waived, not applicable, passes) with filters by status,
//! severity, control and text searched in the whole row (written to and read
//! from the URL, so a filtered view can be shared:
//! `report.html#status=fail&severity=high&control=<id>&q=<text>`; a
//! malformed fragment part is skipped), each with its
//! evidence message, location and the control's remediation, then the scope
//! (as-of time and source, policy pack, snapshots, evidence files with
//! SHA-256, controls with versions, warnings). Without JavaScript every
//! result is shown.
//!
//! Every string from evidence or policies goes through [`escape`] (`&`, `<`,
//! `>`, `"`, `'` become entities; control characters visible escapes), in
//! text and in attributes alike.

use std::fmt::Write as _;

use base64::Engine as _;
use sha2::{Digest, Sha256};

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

const STYLE: &str = r##"
:root{--fail:#c62828;--error:#8e24aa;--not-evaluated:#ef8f00;--not-applicable:#90a4ae;--waived:#00838f;--pass:#2e7d32;--ink:#1d2430;--muted:#5f6b7a;--line:#e3e7ee;--bg:#f5f7fa}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--ink);background:var(--bg)}
header{background:#1f2a3a;color:#fff;padding:20px 32px}
header h1{margin:0 0 4px;font-size:22px;font-weight:600}
header p{margin:0;color:#c9d3e0}
main{max-width:1280px;margin:0 auto;padding:20px 32px 40px}
h2{font-size:17px;margin:28px 0 10px}
.cards{display:grid;grid-template-columns:repeat(7,minmax(0,1fr));gap:12px}
.card{background:#fff;border:1px solid var(--line);border-top:4px solid var(--muted);border-radius:8px;padding:12px 14px;cursor:pointer;text-align:left;font:inherit;color:inherit}
.card:hover{box-shadow:0 2px 8px rgba(0,0,0,.08)}
.card .n{display:block;font-size:28px;font-weight:700;line-height:1.1}
.card .l{color:var(--muted)}
.card.fail{border-top-color:var(--fail)}.card.fail .n{color:var(--fail)}
.card.error{border-top-color:var(--error)}.card.error .n{color:var(--error)}
.card.not-evaluated{border-top-color:var(--not-evaluated)}
.card.not-applicable{border-top-color:var(--not-applicable)}
.card.waived{border-top-color:var(--waived)}
.card.pass{border-top-color:var(--pass)}.card.pass .n{color:var(--pass)}
.panel{background:#fff;border:1px solid var(--line);border-radius:8px;padding:4px 16px}
.control{display:grid;grid-template-columns:minmax(0,2.2fr) 90px minmax(0,3fr) minmax(0,1.6fr);gap:14px;align-items:center;padding:10px 0;border-bottom:1px solid var(--line)}
.control:last-child{border-bottom:0}
.control .id{font-weight:600;word-break:break-all}
.control .title{color:var(--muted);font-size:13px}
.control svg{width:100%;height:16px;display:block;border-radius:4px;background:var(--line)}
.control .counts{font-size:13px;color:var(--muted)}
rect.fail{fill:var(--fail)}rect.error{fill:var(--error)}rect.not-evaluated{fill:var(--not-evaluated)}rect.not-applicable{fill:var(--not-applicable)}rect.waived{fill:var(--waived)}rect.pass{fill:var(--pass)}
.sev{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;background:#eceff4;color:var(--ink)}
.sev.critical{background:#4a0d0d;color:#fff}.sev.high{background:#fde4e4;color:#9b1c1c}.sev.medium{background:#fff1d6;color:#8a5300}.sev.low{background:#e5f1fb;color:#1b5e8a}.sev.info{background:#eceff4;color:#4a5566}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap}
.badge.fail{background:var(--fail)}.badge.error{background:var(--error)}.badge.not-evaluated{background:var(--not-evaluated)}.badge.not-applicable{background:var(--not-applicable)}.badge.waived{background:var(--waived)}.badge.pass{background:var(--pass)}
.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin:0 0 10px}
.filters label{color:var(--muted);font-size:13px}
.filters select,.filters input{font:inherit;padding:4px 6px;border:1px solid #c8d0db;border-radius:6px;background:#fff;margin-left:4px}
#shown{margin-left:auto;color:var(--muted)}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line);border-radius:8px;overflow:hidden}
th,td{text-align:left;vertical-align:top;padding:8px 10px;border-bottom:1px solid var(--line)}
th{background:#eef1f6;font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
td.subject{word-break:break-all;min-width:220px;max-width:340px}
td.ctl{min-width:170px;overflow-wrap:anywhere}
td.subject small{display:block;color:var(--muted)}
td.where{font-size:12px;color:var(--muted);word-break:break-all;max-width:220px}
.fix{margin-top:4px;font-size:13px;color:var(--muted)}
.fix b{color:var(--ink);font-weight:600}
tr.result.pass td{color:var(--muted)}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
dl.scope{display:grid;grid-template-columns:160px 1fr;gap:6px 16px;margin:0 0 14px}
dl.scope dt{color:var(--muted)}dl.scope dd{margin:0}
footer{color:var(--muted);font-size:12px;text-align:center;padding:0 0 28px}
@media (max-width:900px){.cards{grid-template-columns:repeat(3,1fr)}.control{grid-template-columns:1fr}}
@page{margin:12mm}
@media print{
header{background:none;color:#000;padding:0 0 8px}header p{color:#333}
main{max-width:none;padding:0}
.filters,#shown,#none{display:none!important}
.card{cursor:default;break-inside:avoid}
table{font-size:10px;border:0;width:100%}
thead{display:table-header-group}
tr{break-inside:avoid}
th,td{padding:3px 4px}
td.subject,td.ctl,td.where{min-width:0;max-width:none;word-break:normal;overflow-wrap:anywhere}
td.ctl{width:15%}td.subject{width:22%}td.where{width:20%}
code{font-size:9px;word-break:normal;overflow-wrap:anywhere}
.control{break-inside:avoid}
}
"##;

/// Filters the result rows by the selects (and the URL fragment); shows how
/// many rows are visible. Plain ES5, no dependency, runs from `file://`.
const SCRIPT: &str = r##"
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("#results tbody tr.result"));
  var filters = {
    status: document.getElementById("f-status"),
    severity: document.getElementById("f-severity"),
    control: document.getElementById("f-control")
  };
  var text = document.getElementById("f-text");
  var shown = document.getElementById("shown");
  var none = document.getElementById("none");
  function has(select, value) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) { return true; }
    }
    return false;
  }
  // A malformed fragment (`#q=%E0%A4%A`) is skipped, never thrown on:
  // a throw here would leave every row shown under filters that look set.
  function decode(s) {
    try { return decodeURIComponent(s); } catch (e) { return null; }
  }
  function readHash() {
    var parts = window.location.hash.replace(/^#/, "").split("&");
    for (var i = 0; i < parts.length; i++) {
      var kv = parts[i].split("=");
      var key = decode(kv[0] || "");
      var value = decode(kv.slice(1).join("=") || "");
      if (key === null || value === null) { continue; }
      if (filters.hasOwnProperty(key) && has(filters[key], value)) { filters[key].value = value; }
      if (key === "q") { text.value = value; }
    }
  }
  // The filters as a fragment, so that a filtered view can be shared.
  function writeHash() {
    var parts = [];
    for (var key in filters) {
      if (filters.hasOwnProperty(key) && filters[key].value) { parts.push(key + "=" + encodeURIComponent(filters[key].value)); }
    }
    if (text.value) { parts.push("q=" + encodeURIComponent(text.value)); }
    var hash = parts.length ? "#" + parts.join("&") : "";
    if (hash !== window.location.hash && window.history && window.history.replaceState) {
      try { window.history.replaceState(null, "", hash || window.location.pathname + window.location.search); } catch (e) { /* a file: URL may refuse; the view still filters */ }
    }
  }
  function apply() {
    var q = text.value.toLowerCase();
    var n = 0;
    rows.forEach(function (row) {
      var ok = true;
      for (var key in filters) {
        if (filters.hasOwnProperty(key) && filters[key].value && row.getAttribute("data-" + key) !== filters[key].value) { ok = false; }
      }
      // The text filter searches the whole row: control, subject,
      // principal, finding and evidence.
      if (ok && q && row.textContent.toLowerCase().indexOf(q) < 0) { ok = false; }
      row.hidden = !ok;
      if (ok) { n++; }
    });
    shown.textContent = n + " of " + rows.length + " results shown";
    shown.setAttribute("data-shown", String(n));
    none.hidden = n > 0;
  }
  function changed() { apply(); writeHash(); }
  for (var key in filters) {
    if (filters.hasOwnProperty(key)) { filters[key].addEventListener("change", changed); }
  }
  text.addEventListener("input", changed);
  Array.prototype.forEach.call(document.querySelectorAll(".card[data-status]"), function (card) {
    card.addEventListener("click", function () {
      var value = card.getAttribute("data-status");
      filters.status.value = filters.status.value === value ? "" : value;
      changed();
      document.getElementById("findings").scrollIntoView();
    });
  });
  window.addEventListener("hashchange", function () { readHash(); apply(); });
  readHash();
  apply();
})();
"##;

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
    glance(report, &mut out);
    controls(report, &mut out);
    findings(report, &mut out);
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

fn accounts(report: &Report) -> String {
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

fn glance(report: &Report, out: &mut String) {
    out.push_str("<section id=\"glance\" aria-label=\"Summary\">\n<h2>At a glance</h2>\n<div class=\"cards\">\n");
    for status in ORDER {
        let _ = writeln!(
            out,
            "<button type=\"button\" class=\"card {s}\" data-status=\"{s}\" title=\"show only {l}\"><span class=\"n\" id=\"count-{s}\">{n}</span><span class=\"l\">{l}</span></button>",
            s = status.as_str(),
            l = label(status),
            n = report.summary.count(status)
        );
    }
    let _ = writeln!(
        out,
        "<div class=\"card total\"><span class=\"n\" id=\"count-total\">{}</span><span class=\"l\">results</span></div>",
        report.summary.total
    );
    out.push_str("</div>\n</section>\n");
}

fn controls(report: &Report, out: &mut String) {
    out.push_str("<section id=\"controls\">\n<h2>Controls</h2>\n<div class=\"panel\">\n");
    for p in &report.policies {
        let results = report.results_of(&p.id);
        let total = results.len();
        let count = |s: Status| results.iter().filter(|r| r.status == s).count();
        let mut svg = String::new();
        let _ = write!(
            svg,
            "<svg viewBox=\"0 0 1000 16\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"results of {}\">",
            escape(&p.id)
        );
        let mut x = 0usize;
        let mut parts = Vec::new();
        for status in ORDER {
            let n = count(status);
            if n == 0 || total == 0 {
                continue;
            }
            // Integer widths that add up to exactly 1000.
            let end = (n + results_before(&results, status)) * 1000 / total;
            let _ = write!(
                svg,
                "<rect class=\"{s}\" x=\"{x}\" y=\"0\" width=\"{}\" height=\"16\"><title>{n} {l}</title></rect>",
                end - x,
                s = status.as_str(),
                l = label(status)
            );
            x = end;
            parts.push(format!(
                "<span class=\"c-{}\">{n} {}</span>",
                status.as_str(),
                label(status)
            ));
        }
        svg.push_str("</svg>");
        let _ = writeln!(
            out,
            "<div class=\"control\" data-control=\"{id}\"><div><div class=\"id\">{id}</div><div class=\"title\">{title}</div></div><div><span class=\"sev {sev}\">{sev}</span></div>{svg}<div class=\"counts\">{counts}</div></div>",
            id = escape(&p.id),
            title = escape(&p.title),
            sev = escape(p.severity.as_str()),
            counts = if parts.is_empty() {
                "no result".to_string()
            } else {
                parts.join(" · ")
            }
        );
    }
    out.push_str("</div>\n</section>\n");
}

/// How many results come before `status` in the bar's order.
fn results_before(results: &[&Finding], status: Status) -> usize {
    let rank = |s: Status| ORDER.iter().position(|o| *o == s);
    results
        .iter()
        .filter(|r| rank(r.status) < rank(status))
        .count()
}

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

fn findings(report: &Report, out: &mut String) {
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
    out.push_str(
        "<label>Subject <input id=\"f-text\" type=\"search\" placeholder=\"contains…\"></label>\n",
    );
    let _ = writeln!(
        out,
        "<span id=\"shown\" data-shown=\"{n}\">{n} results</span>\n</div>",
        n = report.results.len()
    );
    let several_accounts = report.snapshots.len() > 1;
    out.push_str(
        "<table id=\"results\">\n<thead><tr><th>Status</th><th>Severity</th><th>Control</th>",
    );
    if several_accounts {
        out.push_str("<th>Account</th>");
    }
    out.push_str("<th>Subject</th><th>Finding</th><th>Evidence</th></tr></thead>\n<tbody>\n");
    let mut rows: Vec<&Finding> = report.results.iter().map(|f| &**f).collect();
    rows.sort_by_key(|r| {
        (
            ORDER.iter().position(|s| *s == r.status),
            &r.policy,
            &r.account,
            &r.subject,
            &r.id,
        )
    });
    for r in rows {
        let remediation = report
            .policy(&r.policy)
            .and_then(|p| p.remediation.as_deref())
            .filter(|_| r.status != Status::Pass);
        let _ = write!(
            out,
            "<tr class=\"result {s}\" data-status=\"{s}\" data-severity=\"{sev}\" data-control=\"{c}\"><td><span class=\"badge {s}\">{s}</span></td><td><span class=\"sev {sev}\">{sev}</span></td><td class=\"ctl\">{c}</td>",
            s = r.status.as_str(),
            sev = escape(r.severity.as_str()),
            c = escape(&r.policy)
        );
        if let Some(label) = report.benchmark_label(r) {
            // The benchmark number under the control id, in the same cell.
            if out.ends_with("</td>") {
                out.truncate(out.len() - "</td>".len());
                let _ = write!(out, "<br><small>{}</small></td>", escape(&label));
            }
        }
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
        if let Some(fix) = remediation {
            let _ = write!(
                out,
                "<div class=\"fix\"><b>Remediation:</b> {}</div>",
                with_code(fix)
            );
        }
        let _ = writeln!(out, "</td><td class=\"where\">{}</td></tr>", location(r));
    }
    out.push_str("</tbody>\n</table>\n<p id=\"none\" hidden>No result matches these filters.</p>\n</section>\n");
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
