//! Results: what a run concludes, in the vocabulary every later stage shares.
//!
//! The engine makes [`Finding`]s (one per control and access path); the
//! report's assembly labels them in one pass (evidence locations of an
//! organization, benchmark numbers, waivers: see `report::assemble`), and the
//! renderers and the exit policy only read them. Nothing here knows how a
//! finding was reached or how it will be shown, so the engine, the waivers,
//! the catalogue and the renderers can all stand on this module without
//! standing on each other.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::Serialize;

use crate::model::EvidenceLocation;

pub mod exit_policy;
pub mod findings;

pub use crate::status::{Severity, Status};
pub use exit_policy::ExitPolicy;
pub use findings::{evaluate, findings};

/// A result's id, `<policy id>/<request id>`: unique in a report and stable
/// across runs (waivers, `diff` and code-scanning fingerprints key on it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ResultId(String);

impl ResultId {
    /// The id of `policy`'s result on the access path `request`.
    pub fn new(policy: &str, request: &str) -> ResultId {
        // `concat` sizes the string once; `format!` cost 35 M instructions
        // for the 36,000 results of a large account.
        ResultId([policy, "/", request].concat())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for ResultId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ResultId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for ResultId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<String> for ResultId {
    fn eq(&self, other: &String) -> bool {
        self.0 == *other
    }
}

/// A snapshot's findings, each in a box of its own. The list then holds 8
/// bytes per finding, and the findings fill memory freed earlier in the
/// run, where one block of 7 MB for the 36,000 findings of the largest
/// account was taken fresh at the end: that alone raised the peak resident
/// memory by 6 MiB (133.8 -> 127.7 MiB, `--jobs 1`).
#[allow(clippy::vec_box)]
pub type Findings = Vec<Box<Finding>>;

/// One (control, access path) outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub id: ResultId,
    // The text below is shared (`Arc<str>`) with the request and the control
    // it comes from: the 36,000 findings of the largest account were its
    // peak memory when each held copies (14 MiB of them).
    pub policy: Arc<str>,
    pub status: Status,
    pub severity: Severity,
    /// The account the snapshot describes.
    pub account: Arc<str>,
    pub subject: Arc<str>,
    pub principal: Arc<str>,
    pub action: &'static str,
    pub resource: Arc<str>,
    pub message: Arc<str>,
    /// What the labelling pass added: empty when the engine makes the
    /// finding.
    #[serde(flatten)]
    pub labels: Labels,
    /// Where in the evidence the finding's facts are (absent for
    /// account-wide results, which no single place shows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Arc<EvidenceLocation>>,
}

/// The annotations a finding gets after the engine, from the report's
/// assembly only. Each sits behind a pointer: most findings have none, and
/// inline they were a third of a finding's size.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Labels {
    /// For a `waived` result: the waiver that covers it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<Arc<WaiverRef>>,
    /// With `evaluate --benchmark`: the control's number in that benchmark
    /// version (`1.9` in CIS v5.0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub benchmark_control: Option<Arc<str>>,
    /// With `evaluate --benchmark`: the requirements the result gives
    /// evidence for, as `<framework>:<requirement>` (`cis-aws-v5.0:1.9`);
    /// shared by every result of the control.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirements: Option<Arc<[Arc<str>]>>,
}

/// The waiver a waived result refers to (`results[].waiver` in the report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaiverRef {
    /// The waiver's place in its file (a JSON pointer).
    pub pointer: String,
    pub reason: String,
    pub approver: String,
    pub expires: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_severities_read_back_what_they_print() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        for s in Severity::ALL {
            assert_eq!(Severity::parse(&s.to_string()), Some(s));
        }
        assert_eq!(Severity::parse("High"), None);
        assert!(Severity::Critical < Severity::Info);
    }

    #[test]
    fn a_result_id_joins_policy_and_request() {
        let id = ResultId::new("root-mfa", "arn:aws:iam::1:root");
        assert_eq!(id.as_str(), "root-mfa/arn:aws:iam::1:root");
        assert_eq!(
            serde_json::to_string(&id).ok().as_deref(),
            Some("\"root-mfa/arn:aws:iam::1:root\"")
        );
    }
}
