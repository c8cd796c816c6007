//! The per-requirement view of a framework chosen with `--framework` (a CIS
//! AWS Foundations Benchmark version, or a framework of
//! `policies/frameworks/`): for each requirement, the
//! loaded controls that give evidence for it, their results, and one status
//! an auditor can put in a workpaper.
//!
//! A requirement's status, from its results (`not-applicable` ones aside):
//! - `fail` when any result fails;
//! - else `not-evaluated` when any is `error` or `not-evaluated`;
//! - else `pass` (waived results are counted as such, never as passes). A
//!   pass with no passing result means the evidence was read and holds
//!   nothing the requirement is about (no console user, say): a missing
//!   export gives `not-evaluated` results, never none. The human formats
//!   say "nothing in scope" for it ([`RequirementView::nothing_in_scope`]);
//! - `manual` when no loaded control maps to it, with the reason: the
//!   exports cannot decide it (and what would), or no loaded policy covers it.
//!
//! The view is computed once, when the report is assembled, so that every
//! renderer shows the same statuses.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Summary;
use crate::engine::PolicyPack;
use crate::frameworks::Framework;
use crate::results::Finding;

/// A requirement's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequirementStatus {
    Fail,
    NotEvaluated,
    Pass,
    Manual,
}

impl RequirementStatus {
    pub const ALL: [RequirementStatus; 4] = [
        RequirementStatus::Fail,
        RequirementStatus::NotEvaluated,
        RequirementStatus::Pass,
        RequirementStatus::Manual,
    ];

    /// `not-evaluated`, as in the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            RequirementStatus::Fail => "fail",
            RequirementStatus::NotEvaluated => "not-evaluated",
            RequirementStatus::Pass => "pass",
            RequirementStatus::Manual => "manual",
        }
    }

    /// `NOT EVALUATED`, as the human formats print it.
    pub fn label(self) -> &'static str {
        match self {
            RequirementStatus::Fail => "FAIL",
            RequirementStatus::NotEvaluated => "NOT EVALUATED",
            RequirementStatus::Pass => "PASS",
            RequirementStatus::Manual => "MANUAL",
        }
    }
}

/// One framework as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrameworkView {
    /// `cis-aws-v5.0`, `nist-800-53-r5`: what `--framework` names.
    pub id: String,
    pub name: String,
    pub version: String,
    /// Where the requirement list and the mappings come from.
    pub source: String,
    pub summary: FrameworkSummary,
    pub requirements: Vec<RequirementView>,
}

/// Counts of requirements by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FrameworkSummary {
    pub total: usize,
    pub pass: usize,
    pub fail: usize,
    #[serde(rename = "not-evaluated")]
    pub not_evaluated: usize,
    pub manual: usize,
    /// PASS ÷ (PASS + FAIL) in per cent, one decimal (`null` when neither).
    pub pass_share: Option<String>,
}

impl FrameworkSummary {
    pub fn count(&self, status: RequirementStatus) -> usize {
        match status {
            RequirementStatus::Fail => self.fail,
            RequirementStatus::NotEvaluated => self.not_evaluated,
            RequirementStatus::Pass => self.pass,
            RequirementStatus::Manual => self.manual,
        }
    }
}

/// One requirement of a framework and what the run found for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequirementView {
    /// The requirement's id in its framework (`1.9`).
    pub id: String,
    pub title: String,
    pub status: RequirementStatus,
    /// The loaded controls (policy ids) that give evidence for it.
    pub controls: Vec<String>,
    /// Their results by status.
    pub results: Summary,
    /// The ids of every one of those results, in report order.
    pub result_ids: Vec<String>,
    /// For `manual`: why no loaded control decides it, and what would.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manual: Option<String>,
    /// Every control that covers it is only a partial equivalent of the
    /// checks its framework maps to it (`controls.json` says how).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}

impl RequirementView {
    /// A pass over no passing or waived result: the evidence holds nothing
    /// the requirement is about.
    pub fn nothing_in_scope(&self) -> bool {
        self.status == RequirementStatus::Pass && self.results.pass + self.results.waived == 0
    }
}

impl RequirementView {
    /// The status as the human formats print it: `PASS (2 waived)`,
    /// `PASS (nothing in scope)`, `FAIL`, `FAIL (partial)`.
    pub fn status_text(&self) -> String {
        let label = self.status.label();
        let text = if self.nothing_in_scope() {
            format!("{label} (nothing in scope)")
        } else if self.status == RequirementStatus::Pass && self.results.waived > 0 {
            format!("{label} ({} waived)", self.results.waived)
        } else {
            label.to_string()
        };
        if self.partial {
            format!("{text} (partial)")
        } else {
            text
        }
    }

    /// Its results counted, worst first: `3 fail, 1 error, 5 pass`.
    pub fn results_text(&self) -> String {
        let r = &self.results;
        let parts: Vec<String> = [
            (r.fail, "fail"),
            (r.error, "error"),
            (r.not_evaluated, "not evaluated"),
            (r.waived, "waived"),
            (r.not_applicable, "not applicable"),
            (r.pass, "pass"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, l)| format!("{n} {l}"))
        .collect();
        if parts.is_empty() {
            "no result".into()
        } else {
            parts.join(", ")
        }
    }
}

impl FrameworkView {
    /// `CIS Amazon Web Services Foundations Benchmark (IAM section) v5.0`.
    /// `NIST SP 800-53 Revision 5` (a name that already ends with its
    /// version is not repeated), `PCI DSS v4.0.1`.
    pub fn heading(&self) -> String {
        if self.name.ends_with(&self.version) {
            self.name.clone()
        } else if self.version.starts_with(|c: char| c.is_ascii_digit()) {
            format!("{} v{}", self.name, self.version)
        } else {
            format!("{} {}", self.name, self.version)
        }
    }

    /// `21 requirements: 9 FAIL, 5 PASS, 7 MANUAL; 35.7% of the decided pass`.
    pub fn summary_text(&self) -> String {
        let s = &self.summary;
        let mut parts: Vec<String> = RequirementStatus::ALL
            .iter()
            .filter(|st| s.count(**st) > 0)
            .map(|st| format!("{} {}", s.count(*st), st.label()))
            .collect();
        if parts.is_empty() {
            parts.push("none".into());
        }
        let mut text = format!(
            "{} requirement{}: {}",
            s.total,
            if s.total == 1 { "" } else { "s" },
            parts.join(", ")
        );
        if let Some(share) = &s.pass_share {
            text.push_str(&format!(
                "; {share}% of the requirements decided (PASS + FAIL) pass"
            ));
        }
        text
    }

    /// `cis-aws-v5.0:1.9`: how a result names a requirement it gives
    /// evidence for (SARIF tags, JUnit properties, CSV).
    pub fn tag(&self, requirement: &RequirementView) -> String {
        format!("{}:{}", self.id, requirement.id)
    }
}

/// The view of one framework over a run's results.
pub fn view(framework: &Framework, pack: &PolicyPack, results: &[Box<Finding>]) -> FrameworkView {
    let coverage = framework.coverage(pack);
    // Policy id → the requirements it gives evidence for.
    let mut by_policy: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in &coverage {
        for p in &c.controls {
            by_policy.entry(p.as_str()).or_default().push(c.id.as_str());
        }
    }
    let mut found: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for r in results {
        if let Some(ids) = by_policy.get(&*r.policy) {
            for id in ids {
                found.entry(id).or_default().push(r);
            }
        }
    }
    let requirements: Vec<RequirementView> = coverage
        .iter()
        .map(|c| {
            let listed = found
                .get(c.id.as_str())
                .map(Vec::as_slice)
                .unwrap_or_default();
            let mut view = requirement(
                &c.id,
                &c.title,
                c.controls.clone(),
                listed,
                c.manual.clone(),
            );
            view.partial = c.partial;
            view
        })
        .collect();
    FrameworkView {
        id: framework.id(),
        name: framework.name(),
        version: framework.version(),
        source: framework.source(),
        summary: summarise(&requirements),
        requirements,
    }
}

fn requirement(
    id: &str,
    title: &str,
    controls: Vec<String>,
    results: &[&Finding],
    manual: Option<String>,
) -> RequirementView {
    let mut counts = Summary {
        total: results.len(),
        ..Summary::default()
    };
    for r in results {
        *counts.slot(r.status) += 1;
    }
    let status = if manual.is_some() {
        RequirementStatus::Manual
    } else if counts.fail > 0 {
        RequirementStatus::Fail
    } else if counts.error > 0 || counts.not_evaluated > 0 {
        RequirementStatus::NotEvaluated
    } else {
        RequirementStatus::Pass
    };
    RequirementView {
        id: id.to_string(),
        title: title.to_string(),
        status,
        controls,
        results: counts,
        result_ids: results.iter().map(|r| r.id.to_string()).collect(),
        manual,
        partial: false,
    }
}

fn summarise(requirements: &[RequirementView]) -> FrameworkSummary {
    let mut s = FrameworkSummary {
        total: requirements.len(),
        ..FrameworkSummary::default()
    };
    for r in requirements {
        match r.status {
            RequirementStatus::Fail => s.fail += 1,
            RequirementStatus::NotEvaluated => s.not_evaluated += 1,
            RequirementStatus::Pass => s.pass += 1,
            RequirementStatus::Manual => s.manual += 1,
        }
    }
    let decided = s.pass + s.fail;
    // Integer arithmetic in tenths of a per cent, rounded half up: the
    // same text on every machine.
    if let Some(tenths) = (s.pass * 1000 + decided / 2).checked_div(decided) {
        s.pass_share = Some(format!("{}.{}", tenths / 10, tenths % 10));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::Status;

    fn view(statuses: &[RequirementStatus]) -> FrameworkSummary {
        let reqs: Vec<RequirementView> = statuses
            .iter()
            .map(|s| RequirementView {
                id: "1".into(),
                title: String::new(),
                status: *s,
                controls: Vec::new(),
                results: Summary::default(),
                result_ids: Vec::new(),
                manual: None,
                partial: false,
            })
            .collect();
        summarise(&reqs)
    }

    #[test]
    fn one_builder_views_cis_and_data_frameworks() {
        let pack = crate::engine::load_policies(&[], true).unwrap();
        let cis = crate::frameworks::Framework::parse("cis-aws-v5.0").unwrap();
        let v = super::view(&cis, &pack, &[]);
        assert_eq!(
            v.heading(),
            "CIS Amazon Web Services Foundations Benchmark (IAM section) v5.0"
        );
        assert_eq!(v.requirements.len(), 21);
        let nine = v.requirements.iter().find(|r| r.id == "1.9").unwrap();
        assert_eq!(nine.controls, ["console-password-requires-mfa"]);
        let nist = crate::frameworks::Framework::parse("nist-800-53-r5").unwrap();
        let v = super::view(&nist, &pack, &[]);
        assert_eq!(v.heading(), "NIST SP 800-53 Revision 5");
        // AC-5 is decided in full by the KMS.2 and IAM.21 controls.
        let ac5 = v.requirements.iter().find(|r| r.id == "AC-5").unwrap();
        assert!(!ac5.partial);
        assert!(ac5
            .controls
            .iter()
            .any(|c| c == "no-kms-decrypt-all-keys-inline"));
        assert_eq!(ac5.status_text(), "PASS (nothing in scope)");
        let ia51 = v.requirements.iter().find(|r| r.id == "IA-5(1)").unwrap();
        assert_eq!(ia51.status, RequirementStatus::Manual);
        assert!(ia51.manual.as_deref().unwrap().contains("PasswordPolicy"));
        assert_eq!(v.summary.total, 16);
        assert_eq!(v.summary.manual, 1);
    }

    #[test]
    fn share_is_pass_over_decided_in_tenths() {
        use RequirementStatus::*;
        let s = view(&[Pass, Pass, Fail, Manual, NotEvaluated]);
        assert_eq!((s.pass, s.fail, s.manual, s.not_evaluated), (2, 1, 1, 1));
        assert_eq!(s.pass_share.as_deref(), Some("66.7"));
        assert_eq!(view(&[Manual]).pass_share, None);
        assert_eq!(view(&[Pass]).pass_share.as_deref(), Some("100.0"));
        assert_eq!(view(&[Fail]).pass_share.as_deref(), Some("0.0"));
    }

    #[test]
    fn status_follows_the_worst_result() {
        let status = |counts: &[Status]| {
            let findings: Vec<Finding> = counts
                .iter()
                .map(|s| Finding {
                    id: crate::results::ResultId::new("p", "s"),
                    policy: "p".into(),
                    status: *s,
                    severity: crate::results::Severity::High,
                    account: "1".into(),
                    subject: "s".into(),
                    principal: "s".into(),
                    action: "",
                    resource: "1".into(),
                    message: "".into(),
                    labels: crate::results::Labels::default(),
                    location: None,
                })
                .collect();
            let refs: Vec<&Finding> = findings.iter().collect();
            requirement("1", "t", vec!["p".into()], &refs, None)
        };
        use RequirementStatus as R;
        let of = |s: &[Status]| status(s).status;
        assert_eq!(of(&[Status::Pass, Status::Fail, Status::Error]), R::Fail);
        assert_eq!(of(&[Status::Pass, Status::Error]), R::NotEvaluated);
        assert_eq!(of(&[Status::Pass, Status::NotEvaluated]), R::NotEvaluated);
        assert_eq!(of(&[Status::Pass, Status::Waived]), R::Pass);
        assert_eq!(of(&[Status::Waived]), R::Pass);
        assert!(!status(&[Status::Waived]).nothing_in_scope());
        assert_eq!(of(&[Status::Pass, Status::NotApplicable]), R::Pass);
        // Read evidence with nothing in scope: a pass that says so.
        assert!(status(&[Status::NotApplicable]).nothing_in_scope());
        assert!(status(&[]).nothing_in_scope());
        assert!(!status(&[Status::Pass]).nothing_in_scope());
        let mut partial = status(&[Status::Fail]);
        partial.partial = true;
        assert_eq!(partial.status_text(), "FAIL (partial)");
        let manual = requirement("1", "t", Vec::new(), &[], Some("why".into()));
        assert_eq!(manual.status, R::Manual);
        assert!(!manual.nothing_in_scope());
    }
}
