//! The top of the HTML page, what a reader takes in before any single
//! result: a card per status, the accounts of an organization with their
//! counts (each a click away from its results), the per-requirement view of
//! a chosen framework, and a stacked bar per control.

use std::fmt::Write as _;

use super::{escape, label, ORDER};
use crate::report::frameworks::{FrameworkView, RequirementStatus};
use crate::report::Report;
use crate::results::{Finding, Status};

pub(super) fn glance(report: &Report, out: &mut String) {
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

/// An organization's accounts, unusable ones first, then the most failures
/// first: where to look, before what to look at. Each row's button filters
/// the results to its account.
pub(super) fn accounts(report: &Report, out: &mut String) {
    if report.snapshots.len() < 2 {
        return;
    }
    let mut snapshots: Vec<_> = report.snapshots.iter().collect();
    snapshots.sort_by_key(|s| {
        (
            s.summary.is_some(),
            std::cmp::Reverse(s.summary.as_ref().map_or(0, |m| m.fail + m.error)),
            &s.name,
        )
    });
    let unusable = snapshots.iter().filter(|s| s.summary.is_none()).count();
    let _ = writeln!(
        out,
        "<section id=\"accounts\">\n<h2>Accounts</h2>\n<p class=\"note\">{} account{}{}; unusable ones first, then by failures.</p>",
        snapshots.len(),
        if snapshots.len() == 1 { "" } else { "s" },
        if unusable > 0 {
            format!(", {unusable} unusable")
        } else {
            String::new()
        }
    );
    out.push_str("<table class=\"accounts\"><thead><tr><th>Snapshot</th><th>Account</th><th>Failed</th><th>Error</th><th>Not evaluated</th><th>Waived</th><th>Passed</th><th>Results</th></tr></thead><tbody>\n");
    for s in snapshots {
        let name = escape(&s.name);
        let account = escape(s.account.as_deref().unwrap_or("unknown"));
        match (&s.summary, &s.account) {
            (Some(m), Some(id)) => {
                let _ = writeln!(
                    out,
                    "<tr><td>{name}</td><td><code>{account}</code></td><td class=\"num{}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td><button type=\"button\" class=\"show-account\" data-account=\"{}\">show</button></td></tr>",
                    if m.fail > 0 { " bad" } else { "" },
                    m.fail,
                    m.error,
                    m.not_evaluated,
                    m.waived,
                    m.pass,
                    escape(id)
                );
            }
            _ => {
                let _ = writeln!(
                    out,
                    "<tr class=\"unusable\"><td>{name}</td><td>{account}</td><td colspan=\"6\"><span class=\"badge error\">unusable</span> {}</td></tr>",
                    s.errors
                        .iter()
                        .map(|e| escape(e))
                        .collect::<Vec<_>>()
                        .join("<br>")
                );
            }
        }
    }
    out.push_str("</tbody></table>\n</section>\n");
}

/// A chosen framework's requirements in its order, each with its status;
/// a control links to its results (`#control=<id>`).
pub(super) fn framework(view: &FrameworkView, out: &mut String) {
    let _ = writeln!(
        out,
        "<section class=\"framework\" id=\"framework-{id}\">\n<h2>{}</h2>\n<p class=\"note\">{}</p>",
        escape(&view.heading()),
        escape(&view.summary_text()),
        id = escape(&view.id)
    );
    out.push_str("<table class=\"requirements\"><thead><tr><th>Requirement</th><th>Status</th><th>Title</th><th>Controls</th><th>Results, or why manual</th></tr></thead><tbody>\n");
    for r in &view.requirements {
        let status = match r.status {
            RequirementStatus::Fail => "fail",
            RequirementStatus::NotEvaluated => "not-evaluated",
            RequirementStatus::Pass => "pass",
            RequirementStatus::Manual => "manual",
        };
        let (controls, results) = match &r.manual {
            Some(why) => ("none".to_string(), super::with_code(why)),
            None => (
                r.controls
                    .iter()
                    .map(|c| {
                        format!(
                            "<a href=\"#control={}\"><code>{}</code></a>",
                            escape(&percent(c)),
                            escape(c)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("<br>"),
                escape(&r.results_text()),
            ),
        };
        let _ = writeln!(
            out,
            "<tr class=\"req\"><td>{}</td><td><span class=\"badge {status}\">{}</span></td><td>{}</td><td>{controls}</td><td>{results}</td></tr>",
            escape(&r.id),
            escape(&r.status_text()),
            escape(&r.title)
        );
    }
    let _ = writeln!(
        out,
        "</tbody></table>\n<p class=\"note\">Source: {}</p>\n</section>",
        super::with_code(&view.source)
    );
}

/// A value as the page's script reads it from the fragment
/// (`decodeURIComponent`): everything but unreserved characters encoded.
fn percent(value: &str) -> String {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    const KEEP: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    utf8_percent_encode(value, KEEP).to_string()
}

pub(super) fn controls(report: &Report, out: &mut String) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragment_values_are_percent_encoded_as_the_script_decodes_them() {
        assert_eq!(percent("root-mfa"), "root-mfa");
        assert_eq!(percent("a b&c=d#e"), "a%20b%26c%3Dd%23e");
        assert_eq!(percent("é"), "%C3%A9");
    }
}
