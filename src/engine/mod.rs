//! The engine: loads and validates policies once per run ([`load`]), then
//! judges each snapshot's access paths with Cedar ([`evaluate`]).

pub mod builtin;
pub mod diagnostics;
pub mod evaluate;
pub mod load;
pub mod message;
pub mod select;

use std::collections::BTreeMap;

use cedar_policy::{Policy, PolicySet, Schema};

use crate::status::Severity;

pub use evaluate::{judge, Judgement, Verdict};
pub use load::{load_policies, load_selected, PolicySource};
pub use select::Selection;

/// The Cedar schema every policy is validated against (`schemas/iam.cedarschema`).
pub const SCHEMA_TEXT: &str = include_str!("../../schemas/iam.cedarschema");

/// Parses the built-in schema. It ships in the binary, so a failure is a bug.
pub fn schema() -> Result<Schema, crate::error::Error> {
    Schema::from_cedarschema_str(SCHEMA_TEXT)
        .map(|(schema, _warnings)| schema)
        .map_err(|e| {
            crate::error::Error::Internal(format!("the built-in Cedar schema does not parse: {e}"))
        })
}

/// What a control needs before it can be judged (`@requires`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Requirement {
    Evidence(crate::evidence::EvidenceKind),
    /// Any one of these exports (`@requires("credential-report|account-summary")`):
    /// either can tell the facts the control reads.
    AnyOf(Vec<crate::evidence::EvidenceKind>),
    /// An as-of time (also implied by any policy that reads `context.as_of`).
    AsOf,
}

/// One loaded control: the Cedar policy and its annotations, read once.
#[derive(Debug, Clone)]
pub struct Control {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub version: String,
    pub remediation: Option<String>,
    /// `@reference`: the public page that describes the control (an
    /// absolute `https` URL, checked at load).
    pub reference: Option<String>,
    pub requires: Vec<Requirement>,
    /// CIS AWS Foundations benchmark version → control number.
    pub cis_aws: BTreeMap<String, String>,
    /// `@maps`: (framework id, requirement id) pairs the policy gives
    /// evidence for, checked against the framework data at load.
    pub maps: Vec<(String, String)>,
    /// `@subject("resource")`: results name the resource's ARN (a managed
    /// policy; the holder of an inline policy) instead of the path's subject.
    pub subject_is_resource: bool,
    /// `@message`: what each result says, from the request's facts. Without
    /// one, a result says what the model wrote about its access path.
    pub message: Option<message::MessageTemplate>,
    /// Where the policy came from (`builtin/<file>` or the path given).
    pub source: String,
    /// SHA-256 of the policy's own text.
    pub sha256: String,
    pub policy: Policy,
}

/// The controls of one run, validated, and the Cedar set built from them.
pub struct PolicyPack {
    /// Sorted by id.
    pub controls: Vec<Control>,
    pub set: PolicySet,
    /// The built-in pack's version, when the built-in pack is loaded.
    pub builtin_version: Option<String>,
    /// The schema the controls were validated against, parsed once per run
    /// (3 ms, a tenth of the time to load the built-in pack).
    pub schema: Schema,
    /// The controls and the checks of their `@message` placeholders: what
    /// the run's entity store must hold (`model::EntityReads::of_policies`).
    pub reading: PolicySet,
    /// The custom policy files loaded besides the built-in pack, in load
    /// order: the report records them so that `verify` can ask for them.
    pub files: Vec<PolicyFile>,
    /// The `--select`/`--ignore` patterns the controls were chosen with.
    pub selection: Selection,
}

/// A custom policy file as the report records it (`run.policy_files`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PolicyFile {
    /// The machine-independent name (`PolicySource::report_name`).
    pub path: String,
    /// SHA-256 of the file's text.
    pub sha256: String,
}

impl Requirement {
    /// The name used in `@requires` and in reports.
    pub fn name(&self) -> String {
        match self {
            Requirement::Evidence(k) => k.as_str().to_string(),
            Requirement::AnyOf(kinds) => kinds
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join("|"),
            Requirement::AsOf => "as-of".to_string(),
        }
    }

    /// Whether this requirement names `kind` (alone or as an alternative).
    pub fn names(&self, kind: crate::evidence::EvidenceKind) -> bool {
        match self {
            Requirement::Evidence(k) => *k == kind,
            Requirement::AnyOf(kinds) => kinds.contains(&kind),
            Requirement::AsOf => false,
        }
    }
}
