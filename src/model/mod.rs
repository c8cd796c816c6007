//! Normalization: a loaded [`Snapshot`] becomes Cedar entities and the
//! access-path requests that the policies judge: one request per way in
//! (`SignInToConsole`, `UseAccessKey`, `AssumeRole` per trust statement and
//! principal, `HoldPolicy` per held policy), one `HoldPolicies` per user,
//! group and role, and one `Review` per identity, customer managed policy,
//! server certificate and for the account (see [`Action`]).
//!
//! Facts Cedar cannot compute (it has no quantifiers) are computed before
//! Cedar sees them, named for what they mean: here, whether a trust
//! statement is MFA-gated ([`trust`]) and which roles are support roles
//! ([`build`]); whether a policy allows full admin is computed when the
//! evidence is read (`evidence::authorization_details`), and the model
//! carries it into the policies' `allows_full_admin` attribute. The result,
//! [`Model`], is plain data plus Cedar values; nothing here evaluates
//! policies.

pub mod arn;
pub mod build;
pub mod cedar;
pub mod chunked;
pub mod conditions;
pub mod reads;
pub mod sanity;
pub mod thresholds;
pub mod trust;

use std::collections::BTreeSet;
use std::sync::Arc;

use cedar_policy::{Context, EntityUid};

use crate::evidence::time::Timestamp;
use crate::evidence::EvidenceKind;

pub use build::{normalize, ModelOptions, Normalized};
pub use chunked::ChunkedList;
pub use reads::EntityReads;
pub use thresholds::Thresholds;

/// Where the as-of time came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOfSource {
    /// `--as-of` on the command line.
    Flag,
    /// The credential report's `GeneratedTime`.
    CredentialReport,
    /// The `snapshot.json` manifest's `exported_at`.
    Manifest,
    /// No as-of time: age-based controls are not evaluated.
    None,
}

impl AsOfSource {
    pub fn as_str(self) -> &'static str {
        match self {
            AsOfSource::Flag => "flag",
            AsOfSource::CredentialReport => "credential-report",
            AsOfSource::Manifest => "manifest",
            AsOfSource::None => "none",
        }
    }
}

/// The time a snapshot describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsOf {
    pub time: Option<Timestamp>,
    pub source: AsOfSource,
}

/// The account a snapshot describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRef {
    pub id: String,
    pub partition: String,
}

impl AccountRef {
    /// `arn:<partition>:iam::<account>:root`, the subject of account-wide results.
    pub fn root_arn(&self) -> String {
        format!("arn:{}:iam::{}:root", self.partition, self.id)
    }

    /// The account as a request's principal or resource.
    pub fn named(&self) -> (EntityRef, Arc<str>) {
        EntityRef::named(cedar::Type::Account, &self.id.as_str().into())
    }
}

/// The Cedar actions, one per access path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    SignInToConsole,
    UseAccessKey,
    AssumeRole,
    HoldPolicy,
    HoldPolicies,
    Review,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::SignInToConsole,
        Action::UseAccessKey,
        Action::AssumeRole,
        Action::HoldPolicy,
        Action::HoldPolicies,
        Action::Review,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Action::SignInToConsole => "SignInToConsole",
            Action::UseAccessKey => "UseAccessKey",
            Action::AssumeRole => "AssumeRole",
            Action::HoldPolicy => "HoldPolicy",
            Action::HoldPolicies => "HoldPolicies",
            Action::Review => "Review",
        }
    }
}

/// Where in the evidence an access path comes from, so that reports can
/// point at it (SARIF locations, the JSON report's `location`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct EvidenceLocation {
    /// The evidence file, as the report's `evidence[].path` names it.
    pub file: String,
    /// 1-based line of the file (a bare credential report CSV's row).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// JSON pointer inside the file (an authorization-details entry or
    /// trust statement; `/Content` for a credential report envelope).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

/// One access path, as a Cedar request plus what the report needs to say
/// about it.
#[derive(Debug, Clone)]
pub struct AccessRequest {
    /// Unique within the snapshot and stable across runs; a result's id is
    /// `<policy id>/<request id>`.
    pub id: String,
    pub action: Action,
    pub principal: EntityRef,
    pub resource: EntityRef,
    pub context: Context,
    /// The context as JSON (Cedar's format), for `requests` and `explain`;
    /// shared by the requests whose contexts are equal.
    pub context_json: std::sync::Arc<serde_json::Value>,
    /// What a result is about (an ARN; see the contract's subject table).
    pub subject: Arc<str>,
    /// The ARN that stands for the resource, for controls annotated
    /// `@subject("resource")`: a managed policy's ARN; for what has no ARN of
    /// its own (an inline policy, an access key), the ARN of its holder.
    pub resource_subject: Arc<str>,
    /// Human names of the principal and resource (ARNs, `*`, service names).
    pub principal_name: Arc<str>,
    pub resource_name: Arc<str>,
    /// The path's facts in the evidence's own terms.
    pub message: Arc<str>,
    /// Evidence this particular path lacks (a user absent from the
    /// credential report): policies that need it are `not-evaluated` here.
    pub missing: Vec<(EvidenceKind, String)>,
    /// Facts (attribute names) the evidence cannot tell for this path, and
    /// why: a policy that reads one of them is `not-evaluated` here, never
    /// judged on the attribute's stand-in value.
    pub unknown: Vec<(&'static str, String)>,
    /// The evidence for this path could not be read (a trust policy that does
    /// not decode): every policy in scope reports `error` with this reason.
    pub unreadable: Option<String>,
    /// Where the evidence for this path is, when one place holds it
    /// (shared by the paths of one identity and by their findings).
    pub location: Option<Arc<EvidenceLocation>>,
    /// For a review, which judges facts from several exports: where each
    /// export holds them (a user's credential report row and its
    /// `/UserDetailList/N`). A result points at the place in the export its
    /// control requires, else at [`location`](Self::location).
    pub sources: Vec<(EvidenceKind, Arc<EvidenceLocation>)>,
}

/// An entity named by its type and id: how a request keeps its principal and
/// resource. Cedar's `EntityUid` takes 120 bytes and its own copy of a long
/// id; this takes 24, its id shared with the request's names, and the
/// `EntityUid` is made when the request is judged (two for each of the
/// 26,730 requests of the largest account, which held 6.4 MB of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityRef {
    pub ty: cedar::Type,
    pub id: Arc<str>,
}

impl EntityRef {
    pub fn new(ty: cedar::Type, id: &Arc<str>) -> Self {
        EntityRef { ty, id: id.clone() }
    }

    /// A request's principal or resource whose human name is its id (an
    /// ARN, a key id), both sharing one string.
    pub fn named(ty: cedar::Type, name: &Arc<str>) -> (Self, Arc<str>) {
        (EntityRef::new(ty, name), name.clone())
    }

    /// The entity's Cedar uid.
    pub fn uid(&self) -> EntityUid {
        self.ty.uid(&self.id)
    }
}

/// A snapshot, normalized.
pub struct Model {
    pub account: AccountRef,
    pub as_of: AsOf,
    /// Every entity, its ancestors closed (see [`cedar::SnapshotEntity`]).
    pub entities: ChunkedList<cedar::SnapshotEntity>,
    /// In the order they were made (see [`chunked`] for their keys).
    pub requests: ChunkedList<AccessRequest>,
    /// Evidence kinds the snapshot holds completely.
    pub available: BTreeSet<EvidenceKind>,
    /// Evidence present but incomplete, with the reason (a filtered export).
    pub incomplete: Vec<(EvidenceKind, String)>,
    pub warnings: Vec<String>,
}

/// The entities in Cedar's JSON entity format, sorted by type and id so the
/// output is stable (Cedar's own order is a hash order).
pub fn entities_json(entities: &cedar_policy::Entities) -> Result<String, crate::error::Error> {
    let value = entities
        .to_json_value()
        .map_err(|e| crate::error::Error::Internal(format!("cannot serialize entities: {e}")))?;
    let mut list = match value {
        serde_json::Value::Array(list) => list,
        other => vec![other],
    };
    let key = |v: &serde_json::Value| {
        let uid = &v["uid"];
        (
            uid["type"].as_str().unwrap_or_default().to_string(),
            uid["id"].as_str().unwrap_or_default().to_string(),
        )
    };
    list.sort_by_key(key);
    for entity in &mut list {
        sort_parents(entity);
    }
    let mut out = serde_json::to_string_pretty(&serde_json::Value::Array(list))
        .map_err(|e| crate::error::Error::Internal(format!("cannot serialize entities: {e}")))?;
    out.push('\n');
    Ok(out)
}

fn sort_parents(entity: &mut serde_json::Value) {
    if let Some(serde_json::Value::Array(parents)) = entity.get_mut("parents") {
        parents.sort_by_key(|p| p.to_string());
    }
}
