//! Trust paths of a role's trust policy and whether each one demands MFA.
//!
//! A trust path is one (statement, principal) pair where an `Allow` statement
//! lets that principal call `sts:AssumeRole`, `sts:AssumeRoleWithSAML` or
//! `sts:AssumeRoleWithWebIdentity`. For each path this module decides the
//! "MFA gate" exactly as `docs/mfa-semantics.md` defines it. The subtle part
//! is that `aws:MultiFactorAuthPresent` is *absent* on requests signed with
//! long-term access keys, so every operator that holds for an absent key
//! (`...IfExists`, `ForAllValues:`, `Null ... false` on the present key)
//! looks like MFA enforcement but is not.
//!
//! Operator and key names compare case-insensitively, as IAM compares them.
//! Everything here is a pure function of the parsed document and the role
//! ARN, so results are deterministic.

use std::fmt;

use super::arn::{is_account_id, Arn};
use super::conditions::{self, RequestKind, Truth, KEY_MFA_AGE, KEY_MFA_PRESENT};
use crate::evidence::policy_document::{
    Condition, Effect, PolicyDocument, Principal, PrincipalKey, Statement,
};

/// The actions that assume a role, in canonical casing and sorted order.
pub const ASSUME_ACTIONS: [&str; 3] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
];

/// What kind of principal a trust path trusts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalKind {
    /// `"*"` or `{"AWS": "*"}`: anyone with AWS credentials.
    Anyone,
    /// A whole account (any principal it delegates to), by id or `:root` ARN.
    Account,
    User,
    /// A role, or a session of one (`assumed-role`).
    Role,
    Service,
    Federated,
    /// An `AIDA...`/`AROA...` unique id: what AWS shows once the user or role
    /// is deleted. A dead entry, worth reporting as stale.
    UnknownId,
    /// `CanonicalUser`, unknown keys and malformed `AWS` values.
    Other,
}

impl PrincipalKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            PrincipalKind::Anyone => "anyone",
            PrincipalKind::Account => "account",
            PrincipalKind::User => "user",
            PrincipalKind::Role => "role",
            PrincipalKind::Service => "service",
            PrincipalKind::Federated => "federated",
            PrincipalKind::UnknownId => "unknown-id",
            PrincipalKind::Other => "other",
        }
    }
}

impl fmt::Display for PrincipalKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One principal value of a trust statement, classified.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TrustedPrincipal {
    pub kind: PrincipalKind,
    /// Normalized: `*` for anyone; a bare 12-digit account id becomes
    /// `arn:<partition>:iam::<account>:root` in the role's partition (IAM
    /// stores it that way too); everything else as written.
    pub id: String,
    /// The principal value exactly as in the document.
    pub as_written: String,
    /// The account of an account, user or role principal.
    pub account: Option<String>,
}

/// Whether, and why (not), a trust path demands MFA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MfaGate {
    // Gated.
    /// `Bool` `aws:MultiFactorAuthPresent` `true` (all values true).
    Bool,
    /// `ForAnyValue:Bool` `aws:MultiFactorAuthPresent` `true`.
    AnyValueBool,
    /// `NumericLessThan` / `NumericLessThanEquals` on `aws:MultiFactorAuthAge`.
    MfaAge,
    /// `Null` `aws:MultiFactorAuthAge` `false`.
    NullAge,
    /// A `Deny` statement refuses the path's requests without MFA.
    DenyGuard,
    /// Other conditions on the MFA keys that refuse every kind of request
    /// the principal can make without MFA (`StringEquals` `true`, a lower
    /// bound on the age, `BoolIfExists` for a role, which has no long-term
    /// keys, ...).
    MfaCondition,
    /// `Deny` statements refuse every request of the principal, with MFA
    /// or without: the path cannot be used at all.
    Unassumable,
    // Not gated.
    /// No condition at all.
    None,
    /// Conditions, but none on an MFA key.
    OtherKeysOnly,
    /// `BoolIfExists` on `aws:MultiFactorAuthPresent`.
    BoolIfExists,
    /// `Bool` on `aws:MultiFactorAuthPresent` whose values are not all `true`.
    BoolNotTrue,
    /// `Null` `aws:MultiFactorAuthPresent` `false`.
    NullPresent,
    /// A numeric `...IfExists` operator on `aws:MultiFactorAuthAge`.
    AgeIfExists,
    /// A `ForAllValues:` operator on an MFA key.
    ForAllValues,
    /// Any other operator on an MFA key.
    Other,
    /// An operator IAM does not define, on an MFA key: IAM would refuse the
    /// policy, and it is never read as a gate.
    UndefinedOperator,
}

impl MfaGate {
    pub fn as_str(&self) -> &'static str {
        match self {
            MfaGate::Bool => "bool",
            MfaGate::AnyValueBool => "any-value-bool",
            MfaGate::MfaAge => "mfa-age",
            MfaGate::NullAge => "null-age",
            MfaGate::DenyGuard => "deny-guard",
            MfaGate::MfaCondition => "mfa-condition",
            MfaGate::Unassumable => "unassumable",
            MfaGate::None => "none",
            MfaGate::OtherKeysOnly => "other-keys-only",
            MfaGate::BoolIfExists => "bool-if-exists",
            MfaGate::BoolNotTrue => "bool-not-true",
            MfaGate::NullPresent => "null-present",
            MfaGate::AgeIfExists => "age-if-exists",
            MfaGate::ForAllValues => "for-all-values",
            MfaGate::Other => "other-mfa-condition",
            MfaGate::UndefinedOperator => "undefined-operator",
        }
    }

    pub fn is_gated(&self) -> bool {
        matches!(
            self,
            MfaGate::Bool
                | MfaGate::AnyValueBool
                | MfaGate::MfaAge
                | MfaGate::NullAge
                | MfaGate::DenyGuard
                | MfaGate::MfaCondition
                | MfaGate::Unassumable
        )
    }

    /// A short human reason, fit for a finding.
    pub fn explanation(&self) -> &'static str {
        match self {
            MfaGate::Bool => {
                "`Bool` demands `aws:MultiFactorAuthPresent` be `true`; the key is absent on \
                 long-term access keys, so they are refused too"
            }
            MfaGate::AnyValueBool => {
                "`ForAnyValue:Bool` demands `aws:MultiFactorAuthPresent` be `true`; it is false \
                 when the key is absent"
            }
            MfaGate::MfaAge => {
                "a `NumericLessThan` bound on `aws:MultiFactorAuthAge`, a key present only when \
                 MFA was used"
            }
            MfaGate::NullAge => {
                "`Null` `false` on `aws:MultiFactorAuthAge` demands that the key exist, i.e. that \
                 MFA was used"
            }
            MfaGate::DenyGuard => {
                "a `Deny` statement refuses every request without MFA, long-term access keys \
                 included"
            }
            MfaGate::MfaCondition => {
                "its conditions on the MFA keys refuse every kind of request this principal can \
                 make without MFA"
            }
            MfaGate::Unassumable => {
                "a `Deny` statement refuses every request of this principal, with MFA or without"
            }
            MfaGate::None => "no condition",
            MfaGate::OtherKeysOnly => "conditions on other keys only, none on MFA",
            MfaGate::BoolIfExists => {
                "`BoolIfExists` lets requests signed with long-term access keys through (the key \
                 is absent, so the condition holds)"
            }
            MfaGate::BoolNotTrue => {
                "the `Bool` test on `aws:MultiFactorAuthPresent` does not demand `true` alone \
                 (values are OR'd, and `false` passes)"
            }
            MfaGate::NullPresent => {
                "`Null` `false` on `aws:MultiFactorAuthPresent` only demands temporary \
                 credentials, which carry the key without MFA too"
            }
            MfaGate::AgeIfExists => {
                "an `...IfExists` operator on `aws:MultiFactorAuthAge` lets requests without MFA \
                 through (the key is absent, so the condition holds)"
            }
            MfaGate::ForAllValues => {
                "a `ForAllValues:` operator holds when the key is absent, so requests without MFA \
                 pass"
            }
            MfaGate::Other => "a condition on an MFA key that does not demand MFA",
            MfaGate::UndefinedOperator => {
                "a condition operator IAM does not define, which is never read as demanding MFA"
            }
        }
    }

    /// Order of preference when a statement has several MFA conditions: a
    /// gate first, otherwise the most specific reason it is not one.
    fn rank(&self) -> u8 {
        match self {
            MfaGate::Bool => 0,
            MfaGate::AnyValueBool => 1,
            MfaGate::MfaAge => 2,
            MfaGate::NullAge => 3,
            MfaGate::DenyGuard => 4,
            MfaGate::MfaCondition => 5,
            MfaGate::Unassumable => 6,
            MfaGate::BoolIfExists => 7,
            MfaGate::BoolNotTrue => 8,
            MfaGate::NullPresent => 9,
            MfaGate::AgeIfExists => 10,
            MfaGate::ForAllValues => 11,
            MfaGate::Other => 12,
            MfaGate::UndefinedOperator => 13,
            MfaGate::OtherKeysOnly => 14,
            MfaGate::None => 15,
        }
    }
}

impl fmt::Display for MfaGate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One (statement, principal) pair that lets a principal assume the role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustPath {
    pub statement_index: usize,
    pub sid: Option<String>,
    pub principal: TrustedPrincipal,
    /// The assume actions the statement covers, canonical casing, sorted.
    pub actions: Vec<String>,
    /// The gate if one holds (statement condition or deny guard), else the
    /// most telling reason there is none.
    pub mfa_gate: MfaGate,
    /// `sts:ExternalId` is demanded by a `StringEquals`/`StringLike`-family
    /// operator (not `...IfExists`, which lets a missing id through).
    pub external_id_required: bool,
    /// All condition keys of the statement, lowercased, sorted, deduplicated.
    pub condition_keys: Vec<String>,
    /// The principal's account differs from the role's; anyone counts.
    pub cross_account: bool,
}

/// The role's partition and account, from its ARN.
struct RoleContext {
    partition: String,
    account: Option<String>,
}

impl RoleContext {
    fn from_arn(role_arn: &str) -> RoleContext {
        match Arn::parse(role_arn) {
            Some(arn) => RoleContext {
                partition: if arn.partition.is_empty() {
                    "aws".to_string()
                } else {
                    arn.partition.to_string()
                },
                account: Some(arn.account)
                    .filter(|a| !a.is_empty())
                    .map(str::to_string),
            },
            None => RoleContext {
                partition: "aws".to_string(),
                account: None,
            },
        }
    }
}

/// How a trust path would classify the principal value `value` under `key`
/// in the trust policy of `role_arn`.
pub fn classify_principal(key: &PrincipalKey, value: &str, role_arn: &str) -> TrustedPrincipal {
    classify(key, value, &RoleContext::from_arn(role_arn))
}

fn classify(key: &PrincipalKey, value: &str, role: &RoleContext) -> TrustedPrincipal {
    let principal = |kind, id: String, account: Option<&str>| TrustedPrincipal {
        kind,
        id,
        as_written: value.to_string(),
        account: account.map(str::to_string),
    };
    match key {
        PrincipalKey::Aws => classify_aws(value, role, principal),
        PrincipalKey::Service => principal(PrincipalKind::Service, value.to_string(), None),
        PrincipalKey::Federated => principal(PrincipalKind::Federated, value.to_string(), None),
        PrincipalKey::CanonicalUser | PrincipalKey::Other(_) => {
            principal(PrincipalKind::Other, value.to_string(), None)
        }
    }
}

fn classify_aws(
    value: &str,
    role: &RoleContext,
    principal: impl Fn(PrincipalKind, String, Option<&str>) -> TrustedPrincipal,
) -> TrustedPrincipal {
    let other = || principal(PrincipalKind::Other, value.to_string(), None);
    if value == "*" {
        return principal(PrincipalKind::Anyone, "*".to_string(), None);
    }
    if is_account_id(value) {
        // IAM rewrites a bare account id to the account's root ARN; doing the
        // same lets a Deny guard written one way cover a path written the other.
        let id = format!("arn:{}:iam::{value}:root", role.partition);
        return principal(PrincipalKind::Account, id, Some(value));
    }
    if let Some(arn) = Arn::parse(value) {
        // A principal ARN without a real account id is malformed: IAM would
        // not accept it, so it cannot be trusted to name anyone.
        if !is_account_id(arn.account) {
            return other();
        }
        let kind = match arn.service {
            "iam" if arn.resource == "root" => PrincipalKind::Account,
            "iam" if arn.resource.starts_with("user/") => PrincipalKind::User,
            "iam" if arn.resource.starts_with("role/") => PrincipalKind::Role,
            "sts" if arn.resource.starts_with("assumed-role/") => PrincipalKind::Role,
            _ => return other(),
        };
        return principal(kind, value.to_string(), Some(arn.account));
    }
    if !value.contains(':') && (value.starts_with("AIDA") || value.starts_with("AROA")) {
        return principal(PrincipalKind::UnknownId, value.to_string(), None);
    }
    other()
}

/// The principals an `Allow` statement trusts, in document order.
fn allowed_principals(statement: &Statement, role: &RoleContext) -> Vec<TrustedPrincipal> {
    match (&statement.principal, &statement.not_principal) {
        (Some(Principal::Any), _) => vec![TrustedPrincipal {
            kind: PrincipalKind::Anyone,
            id: "*".to_string(),
            as_written: "*".to_string(),
            account: None,
        }],
        (Some(Principal::Keyed(entries)), _) => entries
            .iter()
            .map(|(key, value)| classify(key, value, role))
            .collect(),
        // IAM refuses `NotPrincipal` in trust policies, so this only occurs
        // in hand-edited evidence. `Allow` + `NotPrincipal` trusts everyone
        // but the listed principals, so it is reported as anyone rather than
        // silently dropped.
        (None, Some(_)) => vec![TrustedPrincipal {
            kind: PrincipalKind::Anyone,
            id: "*".to_string(),
            as_written: "NotPrincipal".to_string(),
            account: None,
        }],
        (None, None) => Vec::new(),
    }
}

/// How one condition on an MFA key reads, alone.
fn classify_mfa_condition(operator: &str, key: &str, values: &[String]) -> MfaGate {
    // An empty value list matches nothing; it is odd enough to report as
    // "other" rather than reason about.
    if values.is_empty() {
        return MfaGate::Other;
    }
    if !conditions::is_defined(operator) {
        return MfaGate::UndefinedOperator;
    }
    if operator.starts_with("forallvalues:") {
        return MfaGate::ForAllValues;
    }
    let all_true = values.iter().all(|v| v.eq_ignore_ascii_case("true"));
    let all_false = values.iter().all(|v| v.eq_ignore_ascii_case("false"));
    match (key, operator) {
        (KEY_MFA_PRESENT, "bool") if all_true => MfaGate::Bool,
        (KEY_MFA_PRESENT, "foranyvalue:bool") if all_true => MfaGate::AnyValueBool,
        // Values are OR'd, so any `false` among them lets non-MFA requests in.
        (KEY_MFA_PRESENT, "bool" | "foranyvalue:bool") => MfaGate::BoolNotTrue,
        (KEY_MFA_PRESENT, "boolifexists") => MfaGate::BoolIfExists,
        (KEY_MFA_PRESENT, "null") if all_false => MfaGate::NullPresent,
        // An upper bound on the age; other operators that refuse an absent
        // key are found by the condition logic (`MfaGate::MfaCondition`).
        (KEY_MFA_AGE, "numericlessthan" | "numericlessthanequals") => MfaGate::MfaAge,
        (KEY_MFA_AGE, "null") if all_false => MfaGate::NullAge,
        (KEY_MFA_AGE, op) if op.starts_with("numeric") && op.ends_with("ifexists") => {
            MfaGate::AgeIfExists
        }
        _ => MfaGate::Other,
    }
}

/// The gate of an `Allow` statement from its own conditions. All conditions
/// of a statement must hold together, so one gate suffices.
fn statement_gate(conditions: &[Condition]) -> MfaGate {
    if conditions.is_empty() {
        return MfaGate::None;
    }
    conditions
        .iter()
        .filter_map(|c| {
            let key = c.key.to_lowercase();
            (key == KEY_MFA_PRESENT || key == KEY_MFA_AGE)
                .then(|| classify_mfa_condition(&c.operator.to_lowercase(), &key, &c.values))
        })
        .min_by_key(MfaGate::rank)
        .unwrap_or(MfaGate::OtherKeysOnly)
}

/// The principals a `Deny` statement guards, if it is an MFA guard.
enum Guard {
    Everyone,
    Principals(Vec<TrustedPrincipal>),
}

/// Every Deny guard of a document, indexed so that checking one path is a
/// few hash look-ups: a crafted document with thousands of Allow principals
/// and thousands of guarded principals must not cost their product.
/// A guard covers a path when it guards anyone, names the path's principal,
/// or names the account of a user or role path.
#[derive(Default)]
struct GuardIndex {
    everyone: bool,
    ids: std::collections::HashSet<String>,
    /// Accounts named by an account principal of a guard.
    accounts: std::collections::HashSet<String>,
}

impl GuardIndex {
    fn new(guards: impl Iterator<Item = Guard>) -> GuardIndex {
        let mut index = GuardIndex::default();
        for guard in guards {
            match guard {
                Guard::Everyone => index.everyone = true,
                Guard::Principals(list) => {
                    for g in list {
                        if g.kind == PrincipalKind::Anyone {
                            index.everyone = true;
                        }
                        if g.kind == PrincipalKind::Account {
                            if let Some(account) = &g.account {
                                index.accounts.insert(account.clone());
                            }
                        }
                        index.ids.insert(g.id);
                    }
                }
            }
        }
        index
    }

    fn covers(&self, path: &TrustedPrincipal) -> bool {
        self.everyone
            || self.ids.contains(&path.id)
            || (matches!(path.kind, PrincipalKind::User | PrincipalKind::Role)
                && path
                    .account
                    .as_ref()
                    .is_some_and(|a| self.accounts.contains(a)))
    }
}

/// The principals a `Deny` statement refuses a kind of request of,
/// whatever the keys the evidence does not know: it covers
/// `sts:AssumeRole`, names principals (not `NotPrincipal`), and every one
/// of its conditions holds for that kind (a condition on another key may
/// not, so it keeps the `Deny` from being sure to apply). Several `Deny`
/// statements may share the work, one for each kind.
fn deny_guard(statement: &Statement, role: &RoleContext, kind: RequestKind) -> Option<Guard> {
    if statement.effect != Effect::Deny
        || statement.not_principal.is_some()
        || !statement.actions.covers("sts:AssumeRole")
    {
        return None;
    }
    let applies = statement
        .conditions
        .iter()
        .all(|c| conditions::evaluate(&c.operator, &c.key, &c.values, kind) == Truth::True);
    if !applies {
        return None;
    }
    match &statement.principal {
        Some(Principal::Any) => Some(Guard::Everyone),
        Some(Principal::Keyed(entries)) => Some(Guard::Principals(
            entries.iter().map(|(k, v)| classify(k, v, role)).collect(),
        )),
        None => None,
    }
}

/// The kinds of request without MFA a principal can make: a role (or a
/// session of one) has no long-term access keys, anyone else may have.
fn kinds_without_mfa(kind: PrincipalKind) -> &'static [RequestKind] {
    match kind {
        PrincipalKind::Role => &[RequestKind::TemporaryWithoutMfa],
        _ => &[RequestKind::LongTermKeys, RequestKind::TemporaryWithoutMfa],
    }
}

/// Whether an `Allow` statement's own conditions refuse a kind of request:
/// its conditions must all hold, so one that cannot is enough.
fn allow_refuses(statement: &Statement, kind: RequestKind) -> bool {
    statement
        .conditions
        .iter()
        .any(|c| conditions::evaluate(&c.operator, &c.key, &c.values, kind) == Truth::False)
}

fn external_id_required(conditions: &[Condition]) -> bool {
    conditions.iter().any(|c| {
        let operator = c.operator.to_lowercase();
        // `ForAnyValue:` is false when the key is absent, so it demands the id too.
        let base = operator.strip_prefix("foranyvalue:").unwrap_or(&operator);
        c.key.eq_ignore_ascii_case("sts:ExternalId")
            && matches!(
                base,
                "stringequals" | "stringequalsignorecase" | "stringlike"
            )
    })
}

/// The most work [`trust_paths`] and the requests built from it may cost for
/// one trust policy, in (path × condition key) units. A real trust policy
/// (IAM allows at most 4,096 characters) costs a few hundred; a crafted one
/// with thousands of principals and thousands of condition keys in one
/// statement would cost their product in memory and time.
pub const MAX_ANALYSIS_COST: u64 = 1_000_000;

/// The size of what [`trust_paths`] builds for `doc`: for each `Allow`
/// statement, its principals × (its condition keys + 1).
pub fn analysis_cost(doc: &PolicyDocument) -> u64 {
    doc.statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
        .map(|s| principal_values(s).saturating_mul(s.conditions.len() as u64 + 1))
        .fold(0u64, u64::saturating_add)
}

/// The most principal values the `Allow` statements of a real trust policy
/// can name: IAM refuses trust policies over 4,096 characters (white space
/// not counted), and the shortest entry, `"*",`, takes four. Paths, and so
/// results, per role are bounded by it; a document over it was not exported
/// from IAM.
pub const MAX_TRUST_PRINCIPALS: u64 = 1_024;

/// How many principal values the `Allow` statements name, duplicates
/// included (each costs characters in the document).
pub fn principal_count(doc: &PolicyDocument) -> u64 {
    doc.statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
        .map(principal_values)
        .fold(0u64, u64::saturating_add)
}

/// How many principal values a statement names (`*` or a `NotPrincipal`
/// counts one): what its paths multiply by.
fn principal_values(s: &Statement) -> u64 {
    match (&s.principal, &s.not_principal) {
        (Some(Principal::Keyed(entries)), _) => entries.len() as u64,
        (None, None) => 0,
        _ => 1,
    }
}

/// Whether [`trust_paths`] may analyse `doc`: within IAM's own size limit
/// (see [`MAX_TRUST_PRINCIPALS`]) and [`MAX_ANALYSIS_COST`].
pub fn analysable(doc: &PolicyDocument) -> bool {
    principal_count(doc) <= MAX_TRUST_PRINCIPALS && analysis_cost(doc) <= MAX_ANALYSIS_COST
}

/// Why a document that is not [`analysable`] is not analysed.
pub fn too_costly(doc: &PolicyDocument) -> String {
    let principals = principal_count(doc);
    if principals > MAX_TRUST_PRINCIPALS {
        return format!(
            "the trust policy names {principals} principals in its Allow statements; IAM refuses trust policies over 4,096 characters, which hold at most {MAX_TRUST_PRINCIPALS}: this is not a trust policy exported from IAM (is the evidence crafted?)"
        );
    }
    format!(
        "the trust policy is too large to analyse: its statements' principals × condition keys come to {}, over the limit of {MAX_ANALYSIS_COST} (IAM allows trust policies of at most 4,096 characters; is the evidence crafted?)",
        analysis_cost(doc)
    )
}

/// One path per (`Allow` statement covering an assume action) × (principal
/// value), in statement order, then principal order as written.
pub fn trust_paths(doc: &PolicyDocument, role_arn: &str) -> Vec<TrustPath> {
    let role = RoleContext::from_arn(role_arn);
    let guards = RequestKind::ALL.map(|kind| {
        GuardIndex::new(
            doc.statements
                .iter()
                .filter_map(|s| deny_guard(s, &role, kind)),
        )
    });
    let denied =
        |kind: RequestKind, principal: &TrustedPrincipal| guards[kind as usize].covers(principal);
    let mut paths = Vec::new();
    for statement in doc.statements.iter().filter(|s| s.effect == Effect::Allow) {
        let actions: Vec<String> = ASSUME_ACTIONS
            .iter()
            .filter(|a| statement.actions.covers(a))
            .map(|a| a.to_string())
            .collect();
        if actions.is_empty() {
            continue;
        }
        let gate = statement_gate(&statement.conditions);
        let refused = RequestKind::ALL.map(|kind| allow_refuses(statement, kind));
        let external_id_required = external_id_required(&statement.conditions);
        let mut condition_keys: Vec<String> = statement
            .conditions
            .iter()
            .map(|c| c.key.to_lowercase())
            .collect();
        condition_keys.sort();
        condition_keys.dedup();
        for principal in allowed_principals(statement, &role) {
            // A path requires MFA when every kind of request the principal
            // can make without MFA is refused, by the statement's own
            // conditions or by a `Deny`. The statement's own gate is
            // reported first: it is the more specific reason, and it
            // survives edits to other statements.
            let without_mfa = kinds_without_mfa(principal.kind);
            let mfa_gate = if without_mfa.iter().all(|&k| refused[k as usize]) {
                if gate.is_gated() {
                    gate
                } else {
                    MfaGate::MfaCondition
                }
            } else if RequestKind::ALL.iter().all(|&k| denied(k, &principal)) {
                MfaGate::Unassumable
            } else if without_mfa
                .iter()
                .all(|&k| refused[k as usize] || denied(k, &principal))
            {
                MfaGate::DenyGuard
            } else if gate.is_gated() {
                // Cannot happen: every listed gate refuses both kinds. Err
                // toward a finding.
                MfaGate::Other
            } else {
                gate
            };
            let cross_account = principal.kind == PrincipalKind::Anyone
                || (principal.account.is_some() && principal.account != role.account);
            paths.push(TrustPath {
                statement_index: statement.index,
                sid: statement.sid.clone(),
                principal,
                actions: actions.clone(),
                mfa_gate,
                external_id_required,
                condition_keys: condition_keys.clone(),
                cross_account,
            });
        }
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::policy_document::parse_document;
    use serde_json::{json, Value};

    const ROLE: &str = "arn:aws:iam::111122223333:role/Support";
    const OTHER: &str = "arn:aws:iam::444455556666:root";

    fn paths_for(doc: Value, role_arn: &str) -> Vec<TrustPath> {
        trust_paths(&parse_document(&doc).unwrap(), role_arn)
    }

    fn paths(doc: Value) -> Vec<TrustPath> {
        paths_for(doc, ROLE)
    }

    /// The gate of a one-statement trust policy with `condition` on an account principal.
    fn gate(condition: Value) -> MfaGate {
        let p = paths(json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": OTHER},
            "Action": "sts:AssumeRole",
            "Condition": condition
        }]}));
        assert_eq!(p.len(), 1);
        p[0].mfa_gate
    }

    fn allow_without_condition(principal: Value) -> Value {
        json!({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})
    }

    /// The gate of an unconditioned `Allow` for `allowed`, next to `deny`.
    fn guarded(allowed: Value, deny: Value) -> MfaGate {
        let p = paths(json!({"Statement": [allow_without_condition(allowed), deny]}));
        assert_eq!(p.len(), 1);
        p[0].mfa_gate
    }

    // ---- table "When a statement is MFA-gated", row by row ----

    #[test]
    fn analysis_cost_is_principals_times_condition_keys() {
        let names: Vec<String> = (0..3)
            .map(|i| format!("arn:aws:iam::111122223333:user/u{i}"))
            .collect();
        let doc = parse_document(&json!({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": names}, "Action": "sts:AssumeRole",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "StringEquals": {"sts:ExternalId": "x"}}},
            {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
            {"Effect": "Deny", "Principal": {"AWS": names}, "Action": "sts:AssumeRole"}
        ]}))
        .unwrap();
        assert_eq!(analysis_cost(&doc), 3 * 3 + 1);
        assert!(too_costly(&doc).contains("come to 10, over the limit"));
    }

    #[test]
    fn row_bool_true_in_all_three_spellings() {
        assert_eq!(
            gate(json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}})),
            MfaGate::Bool
        );
        assert_eq!(
            gate(json!({"Bool": {"aws:MultiFactorAuthPresent": true}})),
            MfaGate::Bool
        );
        assert_eq!(
            gate(json!({"Bool": {"aws:MultiFactorAuthPresent": ["true"]}})),
            MfaGate::Bool
        );
        assert_eq!(
            gate(json!({"Bool": {"aws:MultiFactorAuthPresent": "TRUE"}})),
            MfaGate::Bool
        );
        assert_eq!(
            gate(json!({"Bool": {"aws:MultiFactorAuthPresent": [true, "True"]}})),
            MfaGate::Bool
        );
    }

    #[test]
    fn row_numeric_less_than_on_age() {
        assert_eq!(
            gate(json!({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})),
            MfaGate::MfaAge
        );
        assert_eq!(
            gate(json!({"NumericLessThanEquals": {"aws:MultiFactorAuthAge": 3600}})),
            MfaGate::MfaAge
        );
    }

    #[test]
    fn row_null_age_false() {
        assert_eq!(
            gate(json!({"Null": {"aws:MultiFactorAuthAge": "false"}})),
            MfaGate::NullAge
        );
        assert_eq!(
            gate(json!({"Null": {"aws:MultiFactorAuthAge": false}})),
            MfaGate::NullAge
        );
    }

    #[test]
    fn row_bool_if_exists_is_not_a_gate() {
        let g = gate(json!({"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}));
        assert_eq!(g, MfaGate::BoolIfExists);
        assert!(!g.is_gated());
        assert!(g.explanation().contains("long-term access keys"));
    }

    #[test]
    fn row_bool_true_or_false_is_not_a_gate() {
        assert_eq!(
            gate(json!({"Bool": {"aws:MultiFactorAuthPresent": ["true", "false"]}})),
            MfaGate::BoolNotTrue
        );
    }

    #[test]
    fn row_bool_false_is_not_a_gate() {
        assert_eq!(
            gate(json!({"Bool": {"aws:MultiFactorAuthPresent": "false"}})),
            MfaGate::BoolNotTrue
        );
        assert_eq!(
            gate(json!({"Bool": {"aws:MultiFactorAuthPresent": false}})),
            MfaGate::BoolNotTrue
        );
    }

    #[test]
    fn row_null_present_false_is_not_a_gate() {
        assert_eq!(
            gate(json!({"Null": {"aws:MultiFactorAuthPresent": "false"}})),
            MfaGate::NullPresent
        );
    }

    #[test]
    fn row_if_exists_numeric_on_age_is_not_a_gate() {
        for op in [
            "NumericLessThanIfExists",
            "NumericLessThanEqualsIfExists",
            "NumericGreaterThanIfExists",
            "numericlessthanifexists",
        ] {
            assert_eq!(
                gate(json!({op: {"aws:MultiFactorAuthAge": "3600"}})),
                MfaGate::AgeIfExists,
                "{op}"
            );
        }
    }

    #[test]
    fn row_for_any_value_bool_true_is_a_gate() {
        let g = gate(json!({"ForAnyValue:Bool": {"aws:MultiFactorAuthPresent": "true"}}));
        assert_eq!(g, MfaGate::AnyValueBool);
        assert!(g.is_gated());
        assert_eq!(
            gate(json!({"ForAnyValue:Bool": {"aws:MultiFactorAuthPresent": ["true", "false"]}})),
            MfaGate::BoolNotTrue
        );
    }

    #[test]
    fn row_for_all_values_is_not_a_gate() {
        assert_eq!(
            gate(json!({"ForAllValues:Bool": {"aws:MultiFactorAuthPresent": "true"}})),
            MfaGate::ForAllValues
        );
        assert_eq!(
            gate(json!({"ForAllValues:NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})),
            MfaGate::ForAllValues
        );
    }

    #[test]
    fn row_other_keys_only_is_not_a_gate() {
        for (op, key, value) in [
            ("StringEquals", "sts:ExternalId", "abc"),
            ("StringEquals", "aws:PrincipalOrgID", "o-1234567890"),
            ("IpAddress", "aws:SourceIp", "203.0.113.0/24"),
        ] {
            assert_eq!(
                gate(json!({op: {key: value}})),
                MfaGate::OtherKeysOnly,
                "{key}"
            );
        }
    }

    #[test]
    fn no_condition_is_none() {
        let p = paths(json!({"Statement": [allow_without_condition(json!({"AWS": OTHER}))]}));
        assert_eq!(p[0].mfa_gate, MfaGate::None);
        assert_eq!(p[0].mfa_gate.explanation(), "no condition");
        assert!(p[0].condition_keys.is_empty());
    }

    #[test]
    fn other_operators_on_mfa_keys_by_iams_logic() {
        // Refuse both kinds of request without MFA: gates.
        for condition in [
            json!({"StringEquals": {"aws:MultiFactorAuthPresent": "true"}}),
            json!({"StringEqualsIgnoreCase": {"aws:MultiFactorAuthPresent": "TRUE"}}),
            json!({"NumericGreaterThan": {"aws:MultiFactorAuthAge": "0"}}),
            json!({"NumericGreaterThanEquals": {"aws:MultiFactorAuthAge": "0"}}),
            json!({"ForAnyValue:NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}),
            // An empty list matches nothing: the statement never applies.
            json!({"Bool": {"aws:MultiFactorAuthPresent": []}}),
        ] {
            assert_eq!(
                gate(condition.clone()),
                MfaGate::MfaCondition,
                "{condition}"
            );
        }
        // Let one kind through: not gates.
        assert_eq!(
            gate(json!({"Null": {"aws:MultiFactorAuthAge": "true"}})),
            MfaGate::Other
        );
        assert_eq!(
            gate(json!({"Null": {"aws:MultiFactorAuthPresent": "true"}})),
            MfaGate::Other
        );
        assert_eq!(
            gate(json!({"StringNotEquals": {"aws:MultiFactorAuthPresent": "false"}})),
            MfaGate::Other
        );
        // Never a gate, and said so.
        assert_eq!(
            gate(json!({"MadeUpOperator": {"aws:MultiFactorAuthPresent": "true"}})),
            MfaGate::UndefinedOperator
        );
    }

    #[test]
    fn bool_if_exists_is_a_gate_for_a_role_which_has_no_long_term_keys() {
        let role = "arn:aws:iam::444455556666:role/Ops";
        let doc = json!({"Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": [role, OTHER]},
            "Action": "sts:AssumeRole",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}
        }]});
        let p = paths(doc);
        let gate_of = |id: &str| p.iter().find(|p| p.principal.id == id).map(|p| p.mfa_gate);
        assert_eq!(gate_of(role), Some(MfaGate::MfaCondition));
        assert_eq!(gate_of(OTHER), Some(MfaGate::BoolIfExists));
    }

    #[test]
    fn a_deny_without_condition_makes_the_path_unassumable() {
        let doc = json!({"Statement": [
            allow_without_condition(json!({"AWS": OTHER})),
            {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"}
        ]});
        let p = paths(doc);
        assert_eq!(p[0].mfa_gate, MfaGate::Unassumable);
        assert!(p[0].mfa_gate.is_gated());
    }

    #[test]
    fn denies_share_the_work_one_kind_each() {
        let deny = |condition: Value| json!({"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Condition": condition});
        let false_only = deny(json!({"Bool": {"aws:MultiFactorAuthPresent": "false"}}));
        let absent_only = deny(json!({"Null": {"aws:MultiFactorAuthPresent": "true"}}));
        let allow = allow_without_condition(json!({"AWS": OTHER}));
        let both = paths(json!({"Statement": [allow.clone(), false_only.clone(), absent_only]}));
        assert_eq!(both[0].mfa_gate, MfaGate::DenyGuard);
        // `Bool false` alone leaves long-term keys through (the key is absent).
        let one = paths(json!({"Statement": [allow, false_only]}));
        assert_eq!(one[0].mfa_gate, MfaGate::None);
    }

    #[test]
    fn one_gate_among_conditions_gates_the_statement() {
        assert_eq!(
            gate(json!({
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
                "StringEquals": {"sts:ExternalId": "x"}
            })),
            MfaGate::Bool
        );
        assert_eq!(
            gate(json!({
                "BoolIfExists": {"aws:MultiFactorAuthPresent": "true"},
                "NumericLessThan": {"aws:MultiFactorAuthAge": "900"}
            })),
            MfaGate::MfaAge
        );
    }

    #[test]
    fn specific_not_gated_reason_beats_other_keys() {
        assert_eq!(
            gate(json!({
                "BoolIfExists": {"aws:MultiFactorAuthPresent": "true"},
                "StringEquals": {"aws:PrincipalOrgID": "o-1"}
            })),
            MfaGate::BoolIfExists
        );
    }

    #[test]
    fn odd_case_keys_and_operators() {
        assert_eq!(
            gate(json!({"bool": {"AWS:multifactorauthpresent": "True"}})),
            MfaGate::Bool
        );
        assert_eq!(
            gate(json!({"BOOLIFEXISTS": {"Aws:MultiFactorAuthPresent": "true"}})),
            MfaGate::BoolIfExists
        );
        assert_eq!(
            gate(json!({"numericlessthan": {"AWS:MULTIFACTORAUTHAGE": 60}})),
            MfaGate::MfaAge
        );
        let p = paths(json!({"Statement": [{
            "Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "sts:AssumeRole",
            "Condition": {"Bool": {"AWS:multifactorauthpresent": true}, "StringEquals": {"aws:MultiFactorAuthPresent": "true"}}
        }]}));
        assert_eq!(p[0].mfa_gate, MfaGate::Bool);
        assert_eq!(p[0].condition_keys, vec!["aws:multifactorauthpresent"]);
    }

    // ---- Deny guards ----

    fn deny(principal: Value, condition: Value) -> Value {
        json!({"Effect": "Deny", "Principal": principal, "Action": "sts:AssumeRole", "Condition": condition})
    }

    #[test]
    fn deny_guard_bool_if_exists_false() {
        let g = guarded(
            json!({"AWS": OTHER}),
            deny(
                json!("*"),
                json!({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}),
            ),
        );
        assert_eq!(g, MfaGate::DenyGuard);
        assert!(g.is_gated());
    }

    #[test]
    fn deny_guard_null_age_true() {
        assert_eq!(
            guarded(
                json!({"AWS": OTHER}),
                deny(
                    json!({"AWS": "*"}),
                    json!({"Null": {"aws:multifactorauthage": true}})
                )
            ),
            MfaGate::DenyGuard
        );
    }

    #[test]
    fn deny_bool_false_is_not_a_guard() {
        assert_eq!(
            guarded(
                json!({"AWS": OTHER}),
                deny(
                    json!("*"),
                    json!({"Bool": {"aws:MultiFactorAuthPresent": "false"}})
                )
            ),
            MfaGate::None
        );
    }

    #[test]
    fn deny_with_a_second_condition_is_not_a_guard() {
        assert_eq!(
            guarded(
                json!({"AWS": OTHER}),
                deny(
                    json!("*"),
                    json!({
                        "BoolIfExists": {"aws:MultiFactorAuthPresent": "false"},
                        "StringEquals": {"aws:PrincipalOrgID": "o-1"}
                    })
                )
            ),
            MfaGate::None
        );
        // Two keys under one operator are two conditions as well.
        assert_eq!(
            guarded(
                json!({"AWS": OTHER}),
                deny(
                    json!("*"),
                    json!({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false", "aws:SecureTransport": "false"}})
                )
            ),
            MfaGate::None
        );
    }

    #[test]
    fn deny_with_not_principal_is_not_a_guard() {
        let deny = json!({"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::444455556666:user/x"},
            "Action": "sts:AssumeRole",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}});
        assert_eq!(guarded(json!({"AWS": OTHER}), deny), MfaGate::None);
    }

    #[test]
    fn deny_that_does_not_cover_assume_role_is_not_a_guard() {
        let deny = json!({"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRoleWithSAML",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}});
        assert_eq!(guarded(json!({"AWS": OTHER}), deny), MfaGate::None);
        let deny = json!({"Effect": "Deny", "Principal": "*", "Action": "sts:*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}});
        assert_eq!(guarded(json!({"AWS": OTHER}), deny), MfaGate::DenyGuard);
    }

    #[test]
    fn deny_guard_covers_by_principal() {
        let cond = json!({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}});
        let user = "arn:aws:iam::444455556666:user/alice";
        // Same ARN.
        assert_eq!(
            guarded(
                json!({"AWS": user}),
                deny(json!({"AWS": user}), cond.clone())
            ),
            MfaGate::DenyGuard
        );
        // The user's account, as root ARN or bare id.
        assert_eq!(
            guarded(
                json!({"AWS": user}),
                deny(json!({"AWS": OTHER}), cond.clone())
            ),
            MfaGate::DenyGuard
        );
        assert_eq!(
            guarded(
                json!({"AWS": user}),
                deny(json!({"AWS": "444455556666"}), cond.clone())
            ),
            MfaGate::DenyGuard
        );
        // An account written as id is covered by its root ARN and vice versa.
        assert_eq!(
            guarded(
                json!({"AWS": "444455556666"}),
                deny(json!({"AWS": OTHER}), cond.clone())
            ),
            MfaGate::DenyGuard
        );
        // Another account or another user does not cover.
        assert_eq!(
            guarded(
                json!({"AWS": user}),
                deny(json!({"AWS": "999999999999"}), cond.clone())
            ),
            MfaGate::None
        );
        assert_eq!(
            guarded(
                json!({"AWS": user}),
                deny(
                    json!({"AWS": "arn:aws:iam::444455556666:user/bob"}),
                    cond.clone()
                )
            ),
            MfaGate::None
        );
        // A user does not cover its whole account.
        assert_eq!(
            guarded(json!({"AWS": OTHER}), deny(json!({"AWS": user}), cond)),
            MfaGate::None
        );
    }

    #[test]
    fn statement_gate_is_preferred_over_a_guard() {
        let p = paths(json!({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "sts:AssumeRole",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
            deny(json!("*"), json!({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}))
        ]}));
        assert_eq!(p[0].mfa_gate, MfaGate::Bool);
    }

    #[test]
    fn guard_overrides_a_non_gating_condition() {
        let p = paths(json!({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "sts:AssumeRole",
             "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}},
            deny(json!("*"), json!({"Null": {"aws:MultiFactorAuthAge": "true"}}))
        ]}));
        assert_eq!(p[0].mfa_gate, MfaGate::DenyGuard);
    }

    // ---- "Test cases every implementation should get right" ----

    #[test]
    fn statement_object_instead_of_array() {
        let p = paths(json!({"Version": "2012-10-17", "Statement": {
            "Sid": "Only", "Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "sts:AssumeRole"
        }}));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].statement_index, 0);
        assert_eq!(p[0].sid.as_deref(), Some("Only"));
    }

    #[test]
    fn bare_account_id_principal() {
        let p =
            paths(json!({"Statement": [allow_without_condition(json!({"AWS": "444455556666"}))]}));
        assert_eq!(
            p[0].principal,
            TrustedPrincipal {
                kind: PrincipalKind::Account,
                id: "arn:aws:iam::444455556666:root".into(),
                as_written: "444455556666".into(),
                account: Some("444455556666".into()),
            }
        );
        assert!(p[0].cross_account);
    }

    #[test]
    fn principal_star_is_anyone() {
        for principal in [json!("*"), json!({"AWS": "*"})] {
            let p = paths(json!({"Statement": [allow_without_condition(principal)]}));
            assert_eq!(p[0].principal.kind, PrincipalKind::Anyone);
            assert_eq!(p[0].principal.id, "*");
            assert_eq!(p[0].principal.as_written, "*");
            assert_eq!(p[0].principal.account, None);
            assert!(p[0].cross_account);
        }
    }

    #[test]
    fn two_allow_statements_one_without_mfa() {
        let p = paths(json!({"Statement": [
            {"Sid": "WithMfa", "Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "sts:AssumeRole",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": true}}},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:user/alice"}, "Action": "sts:AssumeRole"}
        ]}));
        let got: Vec<_> = p
            .iter()
            .map(|t| (t.statement_index, t.sid.as_deref(), t.mfa_gate))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, Some("WithMfa"), MfaGate::Bool),
                (1, None, MfaGate::None)
            ]
        );
    }

    #[test]
    fn url_encoded_trust_document() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C\
            %22Principal%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A444455556666%3Aroot%22%7D%2C\
            %22Action%22%3A%22sts%3AAssumeRole%22%2C%22Condition%22%3A%7B%22BoolIfExists%22%3A%7B\
            %22aws%3AMultiFactorAuthPresent%22%3A%22true%22%7D%7D%7D%5D%7D";
        let p = paths(json!(encoded));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].principal.kind, PrincipalKind::Account);
        assert_eq!(p[0].mfa_gate, MfaGate::BoolIfExists);
    }

    #[test]
    fn wildcard_actions() {
        let all = vec![
            "sts:AssumeRole".to_string(),
            "sts:AssumeRoleWithSAML".to_string(),
            "sts:AssumeRoleWithWebIdentity".to_string(),
        ];
        for action in [
            json!("sts:*"),
            json!("*"),
            json!(["s3:GetObject", "STS:Assume*"]),
        ] {
            let p = paths(
                json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": action}}),
            );
            assert_eq!(p[0].actions, all, "{action}");
        }
        let p = paths(
            json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": OTHER},
            "Action": ["sts:assumerolewithsaml", "sts:AssumeRole"]}}),
        );
        assert_eq!(
            p[0].actions,
            vec!["sts:AssumeRole", "sts:AssumeRoleWithSAML"]
        );
        // Statements about other actions are not trust paths.
        let p = paths(json!({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": ["sts:TagSession", "s3:*"]},
            {"Effect": "Allow", "Principal": {"AWS": OTHER}}
        ]}));
        assert!(p.is_empty());
    }

    #[test]
    fn not_action() {
        let p = paths(
            json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": OTHER},
            "NotAction": "sts:AssumeRoleWith*"}}),
        );
        assert_eq!(p[0].actions, vec!["sts:AssumeRole"]);
        let p = paths(
            json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": OTHER},
            "NotAction": "s3:*"}}),
        );
        assert_eq!(p[0].actions.len(), 3);
        let p = paths(
            json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": OTHER},
            "NotAction": "sts:*"}}),
        );
        assert!(p.is_empty());
    }

    #[test]
    fn deny_statements_are_not_paths() {
        let p = paths(
            json!({"Statement": {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"}}),
        );
        assert!(p.is_empty());
    }

    #[test]
    fn gov_cloud_partition() {
        let p = paths_for(
            json!({"Statement": [allow_without_condition(json!({"AWS": ["444455556666", "111122223333"]}))]}),
            "arn:aws-us-gov:iam::111122223333:role/Support",
        );
        assert_eq!(p[0].principal.id, "arn:aws-us-gov:iam::444455556666:root");
        assert!(p[0].cross_account);
        assert_eq!(p[1].principal.id, "arn:aws-us-gov:iam::111122223333:root");
        assert!(!p[1].cross_account);
        let p = paths_for(
            json!({"Statement": [allow_without_condition(json!({"AWS": "arn:aws-us-gov:iam::444455556666:user/a"}))]}),
            "arn:aws-us-gov:iam::111122223333:role/Support",
        );
        assert_eq!(p[0].principal.kind, PrincipalKind::User);
        assert_eq!(p[0].principal.account.as_deref(), Some("444455556666"));
    }

    #[test]
    fn china_partition_and_non_arn_role() {
        let doc = json!({"Statement": [allow_without_condition(json!({"AWS": "444455556666"}))]});
        let p = paths_for(doc.clone(), "arn:aws-cn:iam::111122223333:role/x");
        assert_eq!(p[0].principal.id, "arn:aws-cn:iam::444455556666:root");
        // Not an ARN: partition `aws`, account unknown (so any account differs).
        let p = paths_for(doc, "Support");
        assert_eq!(p[0].principal.id, "arn:aws:iam::444455556666:root");
        assert!(p[0].cross_account);
    }

    #[test]
    fn service_only_trust() {
        let p = paths(json!({"Statement": [{"Effect": "Allow",
            "Principal": {"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]},
            "Action": "sts:AssumeRole"}]}));
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].principal.kind, PrincipalKind::Service);
        assert_eq!(p[0].principal.id, "ec2.amazonaws.com");
        assert_eq!(p[1].principal.as_written, "lambda.amazonaws.com");
        assert_eq!(p[0].principal.account, None);
        assert!(!p[0].cross_account);
        assert_eq!(p[0].mfa_gate, MfaGate::None);
    }

    #[test]
    fn saml_federated_permission_set_role() {
        let provider =
            "arn:aws:iam::111122223333:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE";
        let p = paths_for(
            json!({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Principal": {"Federated": provider},
                "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
            }]}),
            "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123",
        );
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].principal.kind, PrincipalKind::Federated);
        assert_eq!(p[0].principal.id, provider);
        assert_eq!(p[0].principal.account, None);
        assert_eq!(p[0].actions, vec!["sts:AssumeRoleWithSAML"]);
        assert_eq!(p[0].mfa_gate, MfaGate::OtherKeysOnly);
        assert_eq!(p[0].condition_keys, vec!["saml:aud"]);
        assert!(!p[0].cross_account);
    }

    #[test]
    fn deleted_principal_ids_are_unknown() {
        let p = paths(
            json!({"Statement": [allow_without_condition(json!({"AWS": ["AIDAJQABLZS4A3QDU576Q", "AROAEXAMPLEID"]}))]}),
        );
        assert_eq!(p[0].principal.kind, PrincipalKind::UnknownId);
        assert_eq!(p[0].principal.id, "AIDAJQABLZS4A3QDU576Q");
        assert_eq!(p[0].principal.account, None);
        assert!(!p[0].cross_account);
        assert_eq!(p[1].principal.kind, PrincipalKind::UnknownId);
    }

    #[test]
    fn principal_kinds() {
        let p = paths(json!({"Statement": [
            allow_without_condition(json!({"AWS": [
                "arn:aws:iam::444455556666:user/path/alice",
                "arn:aws:iam::444455556666:role/admin",
                "arn:aws:sts::444455556666:assumed-role/admin/session",
                "arn:aws:iam::444455556666:group/g",
                "arn:aws:iam::abc:root",
                "arn:aws:iam",
                "alice",
                "AIDA:x"
            ]})),
            allow_without_condition(json!({"CanonicalUser": "79a59df900b949e5", "Weird": "x"}))
        ]}));
        let kinds: Vec<_> = p.iter().map(|t| t.principal.kind.as_str()).collect();
        assert_eq!(
            kinds,
            vec![
                "user", "role", "role", "other", "other", "other", "other", "other", "other",
                "other"
            ]
        );
        assert_eq!(p[2].principal.account.as_deref(), Some("444455556666"));
        assert_eq!(p[3].principal.account, None);
        assert!(!p[3].cross_account);
    }

    #[test]
    fn allow_with_not_principal_is_anyone() {
        let p = paths(
            json!({"Statement": {"Effect": "Allow", "NotPrincipal": {"AWS": OTHER}, "Action": "sts:AssumeRole"}}),
        );
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].principal.kind, PrincipalKind::Anyone);
        assert_eq!(p[0].principal.as_written, "NotPrincipal");
    }

    #[test]
    fn external_id() {
        let ext = |condition: Value| {
            paths(
                json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": OTHER},
                "Action": "sts:AssumeRole", "Condition": condition}}),
            )[0]
            .external_id_required
        };
        assert!(ext(json!({"StringEquals": {"sts:ExternalId": "abc"}})));
        assert!(ext(json!({"stringlike": {"STS:externalid": "abc*"}})));
        assert!(ext(
            json!({"StringEqualsIgnoreCase": {"sts:ExternalId": "abc"}})
        ));
        assert!(ext(
            json!({"ForAnyValue:StringEquals": {"sts:ExternalId": "abc"}})
        ));
        assert!(!ext(
            json!({"StringEqualsIfExists": {"sts:ExternalId": "abc"}})
        ));
        assert!(!ext(json!({"StringNotEquals": {"sts:ExternalId": "abc"}})));
        assert!(!ext(
            json!({"ForAllValues:StringEquals": {"sts:ExternalId": "abc"}})
        ));
        assert!(!ext(json!({"StringEquals": {"aws:PrincipalOrgID": "abc"}})));
    }

    #[test]
    fn cross_account() {
        let p = paths(json!({"Statement": [allow_without_condition(json!({"AWS": [
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:iam::444455556666:role/x"
        ]}))]}));
        let got: Vec<bool> = p.iter().map(|t| t.cross_account).collect();
        assert_eq!(got, vec![false, false, true]);
    }

    #[test]
    fn condition_keys_are_lowercased_sorted_deduplicated() {
        let p = paths(
            json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "sts:AssumeRole",
            "Condition": {
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
                "StringEquals": {"sts:ExternalId": "x", "AWS:PrincipalOrgID": "o-1"},
                "StringLike": {"STS:EXTERNALID": "x*"}
            }}}),
        );
        assert_eq!(
            p[0].condition_keys,
            vec![
                "aws:multifactorauthpresent",
                "aws:principalorgid",
                "sts:externalid"
            ]
        );
        assert!(p[0].external_id_required);
    }

    #[test]
    fn order_is_statement_then_principal() {
        let p = paths(json!({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::444455556666:user/b", "arn:aws:iam::444455556666:user/a"],
                "Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
            deny(json!("*"), json!({"Bool": {"aws:MultiFactorAuthPresent": "false"}})),
            allow_without_condition(json!("*"))
        ]}));
        let got: Vec<_> = p
            .iter()
            .map(|t| (t.statement_index, t.principal.as_written.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, "arn:aws:iam::444455556666:user/b"),
                (0, "arn:aws:iam::444455556666:user/a"),
                (0, "ec2.amazonaws.com"),
                (2, "*"),
            ]
        );
    }

    #[test]
    fn names_are_distinct_and_stable() {
        let gates = [
            MfaGate::Bool,
            MfaGate::AnyValueBool,
            MfaGate::MfaAge,
            MfaGate::NullAge,
            MfaGate::DenyGuard,
            MfaGate::None,
            MfaGate::OtherKeysOnly,
            MfaGate::BoolIfExists,
            MfaGate::BoolNotTrue,
            MfaGate::NullPresent,
            MfaGate::AgeIfExists,
            MfaGate::ForAllValues,
            MfaGate::Other,
        ];
        let names: std::collections::BTreeSet<_> = gates.iter().map(|g| g.as_str()).collect();
        assert_eq!(names.len(), gates.len());
        let explanations: std::collections::BTreeSet<_> =
            gates.iter().map(|g| g.explanation()).collect();
        assert_eq!(explanations.len(), gates.len());
        assert_eq!(gates.iter().filter(|g| g.is_gated()).count(), 5);
        assert_eq!(MfaGate::Other.as_str(), "other-mfa-condition");
        assert_eq!(MfaGate::AgeIfExists.to_string(), "age-if-exists");
        assert_eq!(PrincipalKind::UnknownId.to_string(), "unknown-id");
    }
}
