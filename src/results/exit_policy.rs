//! The exit policy of `evaluate`: which results make the exit code 1.
//!
//! By default a `fail` or an `error` result does (the contract). `--fail-on`
//! chooses the statuses (e.g. `fail,error,not-evaluated` so that a missing
//! export breaks CI) and `--min-severity` leaves results of less severe
//! controls out. Neither changes the report: the same evidence gives the
//! same report whatever a pipeline decides to fail on. Exit code 2 (unusable
//! input) is decided before and is never masked.

use std::collections::BTreeSet;

use super::{Finding, Severity, Status};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitPolicy {
    /// Statuses that count (`pass` never does).
    pub statuses: BTreeSet<Status>,
    /// Results of controls less severe than this do not count.
    pub min_severity: Option<Severity>,
}

impl Default for ExitPolicy {
    fn default() -> Self {
        ExitPolicy {
            statuses: [Status::Fail, Status::Error].into_iter().collect(),
            min_severity: None,
        }
    }
}

impl ExitPolicy {
    /// Does this result count toward exit code 1?
    pub fn counts(&self, finding: &Finding) -> bool {
        if !self.statuses.contains(&finding.status) {
            return false;
        }
        // `Severity` orders from `critical` (least) to `info` (greatest).
        self.min_severity.is_none_or(|min| finding.severity <= min)
    }

    /// 1 when some result counts, else 0.
    pub fn exit_code(&self, results: &[Box<Finding>]) -> u8 {
        u8::from(results.iter().any(|f| self.counts(f)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(status: Status, severity: &str) -> Finding {
        Finding {
            id: crate::results::ResultId::new("p", "s"),
            policy: "p".into(),
            status,
            severity: Severity::parse(severity).unwrap_or(Severity::Info),
            account: "1".into(),
            subject: "s".into(),
            principal: "s".into(),
            action: "",
            resource: "1".into(),
            message: "".into(),
            labels: crate::results::Labels::default(),
            location: None,
        }
    }

    #[test]
    fn default_counts_fail_and_error_only() {
        let p = ExitPolicy::default();
        assert!(p.counts(&finding(Status::Fail, "info")));
        assert!(p.counts(&finding(Status::Error, "low")));
        for s in [
            Status::Pass,
            Status::Waived,
            Status::NotEvaluated,
            Status::NotApplicable,
        ] {
            assert!(!p.counts(&finding(s, "critical")), "{s:?}");
        }
    }

    #[test]
    fn min_severity_keeps_that_severity_and_above() {
        let p = ExitPolicy {
            min_severity: Some(Severity::High),
            ..ExitPolicy::default()
        };
        assert!(p.counts(&finding(Status::Fail, "critical")));
        assert!(p.counts(&finding(Status::Fail, "high")));
        assert!(!p.counts(&finding(Status::Fail, "medium")));
        assert!(!p.counts(&finding(Status::Error, "info")));
    }
}
