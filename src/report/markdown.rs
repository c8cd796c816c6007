//! `--format markdown`: an audit workpaper (GitHub-flavoured Markdown).
//!
//! Sections: the scope (tool, policy pack, as-of time and its source,
//! accounts, evidence files with SHA-256, controls with versions), a summary
//! table per control, then per control every result that is not a pass
//! (failures first) with the reason, and the control's remediation.
//!
//! Every piece of text that comes from evidence or policies goes through
//! [`escape`]: control characters become visible escapes (so nothing adds a
//! line and breaks a table row), and Markdown punctuation is
//! backslash-escaped (CommonMark allows a backslash before any ASCII
//! punctuation), so a name cannot open a table cell (`|`), code span,
//! emphasis, link, HTML tag, heading, math or mention.

use std::fmt::Write as _;

use super::{escape_text, Report};
use crate::results::{Finding, Status};

/// ASCII punctuation with a meaning inside a line of GitHub-flavoured
/// Markdown (code, emphasis, links, HTML, entities, tables, math, mentions,
/// strikethrough). Characters that matter only at the start of a line (`-`,
/// `+`, `.`) are left alone: escaped text never starts a line here, and ARNs
/// stay readable.
const SPECIAL: &[char] = &[
    '\\', '`', '*', '_', '{', '}', '[', ']', '(', ')', '<', '>', '#', '!', '|', '~', '&', '$', '@',
];

/// Text safe inside a table cell or a line of prose.
pub fn escape(text: &str) -> String {
    let visible = escape_text(text);
    let mut out = String::with_capacity(visible.len() + 8);
    for (i, c) in visible.char_indices() {
        let rest = visible.get(i + c.len_utf8()..).unwrap_or("");
        // `http://` and `www.` would become links (GFM autolinks).
        let autolink = (c == ':' && rest.starts_with("//"))
            || (c == '.'
                && visible
                    .get(..i)
                    .is_some_and(|b| b.to_ascii_lowercase().ends_with("www")));
        if SPECIAL.contains(&c) || autolink {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The order results are listed in: what needs attention first.
const LISTED: [Status; 5] = [
    Status::Fail,
    Status::Error,
    Status::NotEvaluated,
    Status::Waived,
    Status::NotApplicable,
];

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    out.push_str("# IAM audit workpaper\n\n");
    scope(report, &mut out);
    summary(report, &mut out);
    for view in &report.frameworks {
        framework(view, &mut out);
    }
    findings(report, &mut out);
    out
}

fn scope(report: &Report, out: &mut String) {
    out.push_str("## Scope\n\n");
    let _ = writeln!(
        out,
        "- **Tool:** {} {}",
        escape(report.tool.name),
        escape(report.tool.version)
    );
    match &report.pack {
        Some(p) => {
            let _ = writeln!(
                out,
                "- **Policy pack:** {} {}",
                escape(p.name),
                escape(&p.version)
            );
        }
        None => out.push_str("- **Policy pack:** none (only the policies given)\n"),
    }
    let as_of = match &report.as_of {
        Some(t) => format!("{} (source: {})", escape(t), escape(&report.as_of_source)),
        None if report.as_of_source == "per-snapshot" => "per snapshot (see below)".into(),
        None => "none: age-based controls are not evaluated".into(),
    };
    let _ = writeln!(out, "- **As of:** {as_of}");
    for s in &report.snapshots {
        let account = s.account.as_deref().unwrap_or("unknown");
        let when = match &s.as_of {
            Some(t) => format!(", as of {} ({})", escape(t), escape(&s.as_of_source)),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "- **Snapshot** {}: account {}{when}, {}",
            escape(&s.name),
            escape(account),
            escape(s.status)
        );
        for e in &s.errors {
            let _ = writeln!(out, "  - error: {}", escape(e));
        }
    }
    let _ = writeln!(
        out,
        "- **Results:** {} total: {} fail, {} error, {} not evaluated, {} not applicable, {} waived, {} pass",
        report.summary.total,
        report.summary.fail,
        report.summary.error,
        report.summary.not_evaluated,
        report.summary.not_applicable,
        report.summary.waived,
        report.summary.pass
    );
    out.push('\n');

    out.push_str("### Evidence\n\n");
    if report.evidence.is_empty() {
        out.push_str("No evidence file was read.\n\n");
    } else {
        out.push_str("| File | Kind | SHA-256 | Bytes |\n| --- | --- | --- | ---: |\n");
        for e in &report.evidence {
            let _ = writeln!(
                out,
                "| {} | {} | `{}` | {} |",
                escape(&e.path),
                escape(&e.kind),
                hex_only(&e.sha256),
                e.bytes
            );
        }
        out.push('\n');
    }

    out.push_str("### Controls\n\n");
    out.push_str("| Control | Version | Severity | Title | Source | SHA-256 |\n| --- | --- | --- | --- | --- | --- |\n");
    for p in &report.policies {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | `{}` |",
            escape(&p.id),
            escape(&p.version),
            escape(p.severity.as_str()),
            escape(&p.title),
            escape(&p.source),
            hex_only(&p.sha256)
        );
    }
    out.push('\n');

    if !report.warnings.is_empty() {
        out.push_str("### Warnings\n\n");
        for w in &report.warnings {
            let _ = writeln!(out, "- {}", escape(w));
        }
        out.push('\n');
    }
}

fn summary(report: &Report, out: &mut String) {
    out.push_str("## Summary per control\n\n");
    out.push_str("| Control | Severity | Fail | Error | Not evaluated | Not applicable | Waived | Pass | Total |\n");
    out.push_str("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for p in &report.policies {
        let of = report.results_of(&p.id);
        let n = |s: Status| of.iter().filter(|r| r.status == s).count();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            escape(&p.id),
            escape(p.severity.as_str()),
            n(Status::Fail),
            n(Status::Error),
            n(Status::NotEvaluated),
            n(Status::NotApplicable),
            n(Status::Waived),
            n(Status::Pass),
            of.len()
        );
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "| **all** | | {} | {} | {} | {} | {} | {} | {} |\n",
        s.fail, s.error, s.not_evaluated, s.not_applicable, s.waived, s.pass, s.total
    );
}

/// A framework's requirements in its order: the workpaper's test table.
fn framework(view: &super::frameworks::FrameworkView, out: &mut String) {
    let _ = writeln!(out, "## {}\n", escape(&view.heading()));
    let _ = writeln!(out, "{}\n", escape(&view.summary_text()));
    out.push_str("| Requirement | Status | Title | Controls | Results, or why manual |\n");
    out.push_str("| --- | --- | --- | --- | --- |\n");
    for r in &view.requirements {
        let (controls, results) = match &r.manual {
            Some(why) => ("none".to_string(), escape(why)),
            None => (
                r.controls
                    .iter()
                    .map(|c| escape(c))
                    .collect::<Vec<_>>()
                    .join(", "),
                escape(&r.results_text()),
            ),
        };
        let _ = writeln!(
            out,
            "| {} | **{}** | {} | {controls} | {results} |",
            escape(&r.id),
            escape(&r.status_text()),
            escape(&r.title)
        );
    }
    let _ = writeln!(out, "\nSource: {}\n", escape(&view.source));
}

fn findings(report: &Report, out: &mut String) {
    out.push_str("## Findings\n\n");
    let several_accounts = report.snapshots.len() > 1;
    let mut any = false;
    for p in &report.policies {
        let mut listed = report.results_of(&p.id);
        listed.retain(|r| r.status != Status::Pass);
        if listed.is_empty() {
            continue;
        }
        any = true;
        listed.sort_by_key(|r| {
            (
                LISTED.iter().position(|s| *s == r.status),
                &r.account,
                &r.subject,
                &r.id,
            )
        });
        // Under `--benchmark`, the heading carries the benchmark number.
        match listed.iter().find_map(|r| report.benchmark_label(r)) {
            Some(label) => {
                let _ = writeln!(out, "### {} ({})\n", escape(&p.id), escape(&label));
            }
            None => {
                let _ = writeln!(out, "### {}\n", escape(&p.id));
            }
        }
        let _ = writeln!(
            out,
            "**{}** (severity {}, version {})\n",
            escape(&p.title),
            escape(p.severity.as_str()),
            escape(&p.version)
        );
        if let Some(r) = &p.remediation {
            let _ = writeln!(out, "**Remediation:** {}\n", escape(r));
        }
        if several_accounts {
            out.push_str("| Status | Account | Subject | Principal | Reason | Evidence |\n| --- | --- | --- | --- | --- | --- |\n");
        } else {
            out.push_str(
                "| Status | Subject | Principal | Reason | Evidence |\n| --- | --- | --- | --- | --- |\n",
            );
        }
        for r in listed {
            let account = if several_accounts {
                format!(" {} |", escape(&r.account))
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "| {} |{account} {} | {} | {} | {} |",
                r.status.as_str(),
                escape(&r.subject),
                escape(&r.principal),
                escape(&r.message),
                location(r)
            );
        }
        out.push('\n');
    }
    if !any {
        out.push_str("Every result is a pass.\n");
    }
}

fn location(r: &Finding) -> String {
    match &r.location {
        None => String::new(),
        Some(l) => {
            let mut text = escape(&l.file);
            if let Some(line) = l.line {
                let _ = write!(text, " line {line}");
            }
            if let Some(p) = &l.pointer {
                let _ = write!(text, " {}", escape(p));
            }
            text
        }
    }
}

/// A digest inside a code span: only hex digits survive, so evidence can
/// never close the span (digests are computed here, this is belt and braces).
fn hex_only(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_hexdigit()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markdown_syntax_and_line_breaks() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("`x`"), "\\`x\\`");
        assert_eq!(escape("<script>"), "\\<script\\>");
        assert_eq!(escape("a\nb"), "a\\\\nb");
        assert_eq!(escape("*_[x]_*"), "\\*\\_\\[x\\]\\_\\*");
        assert_eq!(escape("émile"), "émile");
        assert_eq!(escape("see https://x.example"), "see https\\://x.example");
        assert_eq!(escape("www.x"), "www\\.x");
        assert_eq!(
            escape("arn:aws:iam::1:user/a-b.c"),
            "arn:aws:iam::1:user/a-b.c"
        );
    }
}
