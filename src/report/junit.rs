//! `--format junit`: JUnit XML for CI test-report parsers (GitLab, Jenkins,
//! Azure DevOps, GitHub test-report actions).
//!
//! Mapping: `<testsuites name="iam-audit">` holds one `<testsuite>` per
//! policy (`name` = policy id) with one `<testcase>` per result:
//! `classname` = the policy id, `name` = the result's id without the policy
//! prefix (the subject's ARN, or the ARN plus the access path, so names are
//! unique within a suite). Status → element: `fail` → `<failure>` (message =
//! the reason, text = reason, subject, principal, evidence location and
//! remediation), `error` → `<error>`, `not-evaluated`, `not-applicable` and
//! `waived` → `<skipped>` with the reason, `pass` → an empty test case.
//! Counts (`tests`, `failures`, `errors`, `skipped`) are on every suite and on
//! the root. `time` is always 0: reports carry no clock.
//!
//! Escaping ([`escape`]): `&`, `<`, `>`, `"` and `'` become entities, and
//! characters XML 1.0 forbids or that would be normalized away in an
//! attribute (control characters, line breaks, U+FFFE/U+FFFF) become visible
//! `\n`, `\u{..}` escapes, so every report is well-formed XML whatever the
//! names hold.

use std::fmt::Write as _;

use super::Report;
use crate::results::{Finding, Status};

/// Text safe in XML content and in double- or single-quoted attributes.
/// U+FFFE and U+FFFF, which XML forbids, are shown as escapes too.
pub fn escape(text: &str) -> String {
    crate::text::escape_markup(text, "&apos;", |c| matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn add(&mut self, status: Status) {
        self.tests += 1;
        match status {
            Status::Fail => self.failures += 1,
            Status::Error => self.errors += 1,
            Status::NotEvaluated | Status::NotApplicable | Status::Waived => self.skipped += 1,
            Status::Pass => {}
        }
    }

    fn attributes(&self) -> String {
        format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"0\"",
            self.tests, self.failures, self.errors, self.skipped
        )
    }
}

pub fn render(report: &Report) -> String {
    let mut total = Counts::default();
    let mut suites = String::new();
    for p in &report.policies {
        let results = report.results_of(&p.id);
        let mut counts = Counts::default();
        let mut cases = String::new();
        for r in &results {
            counts.add(r.status);
            total.add(r.status);
            case(
                &mut cases,
                r,
                p.remediation.as_deref(),
                report.benchmark_label(r),
            );
        }
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{}\" {}>",
            escape(&p.id),
            counts.attributes()
        );
        suites.push_str("    <properties>\n");
        for (name, value) in [
            ("title", p.title.as_str()),
            ("severity", p.severity.as_str()),
            ("version", p.version.as_str()),
            ("source", p.source.as_str()),
        ] {
            let _ = writeln!(
                suites,
                "      <property name=\"{name}\" value=\"{}\"/>",
                escape(value)
            );
        }
        // The chosen frameworks' requirements the control gives evidence
        // for: one property each, as every result of the suite shares them.
        for tag in report.requirement_tags(&p.id) {
            let _ = writeln!(
                suites,
                "      <property name=\"requirement\" value=\"{}\"/>",
                escape(&tag)
            );
        }
        suites.push_str("    </properties>\n");
        suites.push_str(&cases);
        suites.push_str("  </testsuite>\n");
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"iam-audit\" {}>",
        total.attributes()
    );
    out.push_str(&suites);
    out.push_str("</testsuites>\n");
    out
}

fn case(out: &mut String, r: &Finding, remediation: Option<&str>, benchmark: Option<String>) {
    let name =
        r.id.strip_prefix(&format!("{}/", r.policy))
            .unwrap_or(&r.id);
    let _ = write!(
        out,
        "    <testcase classname=\"{}\" name=\"{}\" time=\"0\"",
        escape(&r.policy),
        escape(name)
    );
    let element = match r.status {
        Status::Pass => {
            out.push_str("/>\n");
            return;
        }
        Status::Fail => "failure",
        Status::Error => "error",
        Status::NotEvaluated | Status::NotApplicable | Status::Waived => "skipped",
    };
    out.push_str(">\n");
    let message = match r.status {
        Status::NotEvaluated => format!("not evaluated: {}", r.message),
        Status::NotApplicable => format!("not applicable: {}", r.message),
        Status::Waived => format!("waived: {}", r.message),
        _ => r.message.to_string(),
    };
    let mut details = vec![
        format!("status: {}", r.status.as_str()),
        format!("severity: {}", r.severity),
        format!("account: {}", escape(&r.account)),
        format!("subject: {}", escape(&r.subject)),
        format!("principal: {}", escape(&r.principal)),
        format!("reason: {}", escape(&r.message)),
    ];
    if let Some(l) = &r.location {
        let mut at = escape(&l.file);
        if let Some(line) = l.line {
            let _ = write!(at, " line {line}");
        }
        if let Some(p) = &l.pointer {
            let _ = write!(at, " {}", escape(p));
        }
        details.push(format!("evidence: {at}"));
    }
    if let Some(label) = &benchmark {
        details.push(format!("benchmark control: {}", escape(label)));
    }
    if let Some(fix) = remediation {
        details.push(format!("remediation: {}", escape(fix)));
    }
    if element == "skipped" {
        let _ = writeln!(out, "      <skipped message=\"{}\"/>", escape(&message));
    } else {
        let _ = writeln!(
            out,
            "      <{element} message=\"{}\" type=\"{}\">{}</{element}>",
            escape(&message),
            r.status.as_str(),
            details.join("\n")
        );
    }
    out.push_str("    </testcase>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_characters_xml_forbids() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
        assert_eq!(escape("a\u{0}b\nc"), "a\\u{0}b\\nc");
        assert_eq!(escape("\u{FFFF}"), "\\u{ffff}");
    }
}
