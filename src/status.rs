//! The two scales every stage grades by: a result's [`Status`] and a
//! control's [`Severity`]. A leaf: the engine decides statuses, the policy
//! loader reads severities, and the results, the report and the exit
//! policy all speak of both.

use std::fmt;

use serde::Serialize;

/// A result's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Fail,
    Error,
    NotEvaluated,
    NotApplicable,
    Waived,
    Pass,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Fail,
        Status::Error,
        Status::NotEvaluated,
        Status::NotApplicable,
        Status::Waived,
        Status::Pass,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Fail => "fail",
            Status::Error => "error",
            Status::NotEvaluated => "not-evaluated",
            Status::NotApplicable => "not-applicable",
            Status::Waived => "waived",
            Status::Pass => "pass",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Severity of a control (`@severity`), from `critical` (least in the
/// order) to `info` (greatest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
