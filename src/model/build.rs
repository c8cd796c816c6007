//! Builds the [`Model`] of one snapshot: entities first, then one request per
//! access path. Every map that is iterated here is a `BTreeMap`, so entity
//! and request order never depends on hashing (`HashMap`s are only looked
//! up).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use cedar_policy::EntityUid;
use serde_json::{json, Map, Value};

use super::cedar::{self, Attrs, Type};
use super::reads::EntityReads;
use super::thresholds::Thresholds;
use super::trust::{trust_paths, PrincipalKind, TrustPath};
use super::{
    AccessRequest, AccountRef, Action, AsOf, ChunkedList, EntityRef, EvidenceLocation, Model,
};
use crate::error::Error;
use crate::evidence::authorization_details::{AttachedPolicy, Document, InlinePolicy};
use crate::evidence::credential_report::{CredentialRow, PasswordEnabled, ReportTime};
use crate::evidence::password_policy::PasswordPolicy;
use crate::evidence::snapshot::Snapshot;
use crate::evidence::time::Timestamp;
use crate::evidence::EvidenceKind;

/// The name of the AWS managed policy that makes a role a support role.
pub const SUPPORT_POLICY: &str = "AWSSupportAccess";

/// The parts of an ARN: `arn:partition:service:region:account:resource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

pub fn parse_arn(text: &str) -> Option<Arn<'_>> {
    let mut parts = text.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let partition = parts.next()?;
    let service = parts.next()?;
    let _region = parts.next()?;
    let account = parts.next()?;
    let resource = parts.next()?;
    Some(Arn {
        partition,
        service,
        account,
        resource,
    })
}

/// The entity of a managed policy: AWS managed policies get a partition-free
/// id (the ARN after `policy/`) so one policy text matches in every partition.
pub fn managed_policy_uid(arn: &str) -> EntityUid {
    match managed_policy_key(arn) {
        (true, name) => Type::AwsManagedPolicy.uid(name),
        (false, arn) => Type::ManagedPolicy.uid(arn),
    }
}

/// [`managed_policy_uid`] as a request keeps it, its id shared with `arn`
/// when that is the id.
fn managed_policy_ref(arn: &Arc<str>) -> EntityRef {
    match managed_policy_key(arn) {
        (true, name) => EntityRef {
            ty: Type::AwsManagedPolicy,
            id: name.into(),
        },
        (false, _) => EntityRef::new(Type::ManagedPolicy, arn),
    }
}

/// What [`managed_policy_uid`] is made of: whether the policy is AWS
/// managed, and the uid's id. Equal keys give equal uids and only they.
fn managed_policy_key(arn: &str) -> (bool, &str) {
    match aws_managed_name(arn) {
        Some(name) => (true, name),
        None => (false, arn),
    }
}

/// `Some("AWSSupportAccess")` for `arn:<any partition>:iam::aws:policy/AWSSupportAccess`.
pub fn aws_managed_name(arn: &str) -> Option<&str> {
    let parsed = parse_arn(arn)?;
    if parsed.service == "iam" && parsed.account == "aws" {
        parsed.resource.strip_prefix("policy/")
    } else {
        None
    }
}

/// Builds the model with the default thresholds. `as_of` was decided by the
/// caller (flag, else the credential report's `GeneratedTime`, else the
/// manifest's `exported_at`).
pub fn build(snapshot: &Snapshot, as_of: AsOf) -> Result<Model, Error> {
    build_with(snapshot, as_of, &Thresholds::default())
}

/// Builds the model, every entity with all its attributes and tags;
/// `thresholds` go into every request's context.
pub fn build_with(
    snapshot: &Snapshot,
    as_of: AsOf,
    thresholds: &Thresholds,
) -> Result<Model, Error> {
    build_on(snapshot, as_of, thresholds, &EntityReads::everything(), 1)
}

/// [`build_with`], the entities holding only what `reads` names. With more
/// than one thread the roles are normalized on a second thread beside the
/// rest; their entities, requests and warnings are appended after the
/// others', exactly where a sequential run puts them.
pub fn build_on(
    snapshot: &Snapshot,
    as_of: AsOf,
    thresholds: &Thresholds,
    reads: &EntityReads,
    threads: usize,
) -> Result<Model, Error> {
    normalize(snapshot, as_of, thresholds, reads, threads).map(Normalized::finish)
}

/// [`build_on`] but for the last step, which [`Normalized::finish`] takes
/// once the caller has freed the evidence.
pub fn normalize(
    snapshot: &Snapshot,
    as_of: AsOf,
    thresholds: &Thresholds,
    reads: &EntityReads,
    threads: usize,
) -> Result<Normalized, Error> {
    let account = pick_account(snapshot);
    let unreadable_managed = unreadable_managed_policies(snapshot);
    let common = common_context(as_of, thresholds);
    // Built once and shared by every request that carries only these facts:
    // cloning the JSON map and looking it up again for each of 20,000 such
    // requests was most of what a request cost.
    let common_built = cedar::ContextCache::with_base(common.clone())
        .context(Map::new())
        .map_err(|e| Error::Internal(format!("cannot build the common context: {e}")))?;
    let virtual_mfa_users: HashSet<&str> = snapshot
        .virtual_mfa_devices
        .iter()
        .flat_map(|(_, v)| v.devices.iter().filter_map(|d| d.user_arn.as_deref()))
        .collect();
    let builder = || Builder {
        snapshot,
        reads,
        virtual_mfa_users: &virtual_mfa_users,
        account: account.clone(),
        entities: ChunkedList::new(),
        requests: ChunkedList::new(),
        warnings: Vec::new(),
        principals: BTreeSet::new(),
        reviews: Vec::new(),
        unreadable_managed: unreadable_managed.clone(),
        contexts: cedar::ContextCache::with_base(common.clone()),
        group_parents: HashMap::new(),
        common_built: common_built.clone(),
    };
    let mut b = builder();
    let mut role_builder = builder();
    let (roles, rest) = crate::exec::both(
        &crate::exec::Sequential,
        threads > 1,
        || role_builder.roles().map(|support| (role_builder, support)),
        || -> Result<(), Error> {
            b.warn_mixed_accounts();
            b.warnings
                .extend(super::sanity::times_after_as_of(snapshot, as_of.time));
            b.account_entity()?;
            b.root()?;
            b.managed_policies()?;
            let group_arns = b.groups()?;
            b.users(&group_arns)
        },
    );
    rest?;
    let (role_builder, support_roles) = roles?;
    let review_context = b.review_context(&support_roles)?;
    let account_message = b.account_review_message(&support_roles);
    let (available, incomplete) = availability(snapshot);
    let mut reviews = b.reviews;
    reviews.extend(role_builder.reviews);
    Ok(Normalized {
        account: b.account,
        as_of,
        available,
        incomplete,
        parts: [
            Made {
                entities: b.entities,
                requests: b.requests,
                warnings: b.warnings,
            },
            Made {
                entities: role_builder.entities,
                requests: role_builder.requests,
                warnings: role_builder.warnings,
            },
        ],
        reviews,
        review_context,
        account_message,
    })
}

/// A snapshot normalized but for the last step, holding nothing of the
/// evidence: the caller frees the evidence before [`Normalized::finish`]
/// joins the lists, the moment memory peaks (on the largest account the
/// typed evidence was a quarter of the peak).
pub struct Normalized {
    account: AccountRef,
    as_of: AsOf,
    available: BTreeSet<EvidenceKind>,
    incomplete: Vec<(EvidenceKind, String)>,
    /// What the main part made, then the roles' part (made beside it).
    parts: [Made; 2],
    /// The `Review` requests of root and users, made last.
    reviews: Vec<PendingReview>,
    /// The one context every review carries.
    review_context: cedar::BuiltContext,
    account_message: String,
}

/// What one part of the normalization made.
struct Made {
    entities: ChunkedList<cedar::SnapshotEntity>,
    requests: ChunkedList<AccessRequest>,
    warnings: Vec<String>,
}

impl Normalized {
    /// The model: the parts' lists joined by their chunks (see
    /// [`ChunkedList`]), without a copy; the reviews added.
    pub fn finish(self) -> Model {
        let [main, roles] = self.parts;
        let Made {
            mut entities,
            mut requests,
            mut warnings,
        } = main;
        entities.append(roles.entities);
        requests.append(roles.requests);
        warnings.extend(roles.warnings);
        let account = self.account.named();
        let account = || account.clone();
        for pending in self.reviews {
            let mut req = access_request(
                pending.id,
                Action::Review,
                pending.principal,
                account(),
                self.review_context.clone(),
                pending.subject,
                pending.message.into(),
            );
            req.missing = pending.missing;
            requests.push(req);
        }
        let id = self.account.root_arn();
        requests.push(access_request(
            id.clone(),
            Action::Review,
            account(),
            account(),
            self.review_context,
            id.into(),
            self.account_message.into(),
        ));
        Model {
            account: self.account,
            as_of: self.as_of,
            entities,
            requests,
            available: self.available,
            incomplete: self.incomplete,
            warnings,
        }
    }
}

/// One access path's request, before its location and caveats are known.
fn access_request(
    id: String,
    action: Action,
    (principal, principal_name): (EntityRef, Arc<str>),
    (resource, resource_name): (EntityRef, Arc<str>),
    (context_json, context): cedar::BuiltContext,
    subject: Arc<str>,
    message: Arc<str>,
) -> AccessRequest {
    AccessRequest {
        id,
        action,
        principal,
        resource,
        context,
        context_json,
        resource_subject: subject.clone(),
        subject,
        principal_name,
        resource_name,
        message,
        missing: Vec::new(),
        unreadable: None,
        location: None,
    }
}

fn availability(snapshot: &Snapshot) -> (BTreeSet<EvidenceKind>, Vec<(EvidenceKind, String)>) {
    let mut available = BTreeSet::new();
    let mut incomplete = Vec::new();
    for kind in EvidenceKind::ALL {
        if !snapshot.has(kind) {
            continue;
        }
        if kind == EvidenceKind::AuthorizationDetails {
            if let Some(d) = &snapshot.authorization_details {
                let missing = d.missing_lists();
                if !missing.is_empty() {
                    incomplete.push((
                        kind,
                        format!(
                            "the authorization details lack {} (exported with `--filter`?), so they cannot show what is absent",
                            missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
                        ),
                    ));
                    continue;
                }
            }
        }
        available.insert(kind);
    }
    (available, incomplete)
}

/// The snapshot's account: the credential report's root row, else the most
/// frequent account among the evidence's ARNs (ties: the smallest id).
fn pick_account(snapshot: &Snapshot) -> AccountRef {
    if let Some((_, report)) = &snapshot.credential_report {
        if let Some(arn) = report
            .rows
            .iter()
            .find(|r| r.is_root)
            .and_then(|r| parse_arn(&r.arn))
        {
            return AccountRef {
                id: arn.account.to_string(),
                partition: arn.partition.to_string(),
            };
        }
    }
    let counts = account_counts(snapshot);
    // Without a root row, the manifest says which account this is.
    if let Some(id) = snapshot
        .manifest
        .as_ref()
        .and_then(|(_, m)| m.account_id.clone())
    {
        let partition = counts
            .keys()
            .find(|(_, a)| *a == id)
            .map(|(p, _)| p.clone())
            .unwrap_or_else(|| "aws".into());
        return AccountRef { id, partition };
    }
    let best = counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(k, _)| k.clone());
    match best {
        Some((partition, id)) => AccountRef { id, partition },
        None => AccountRef {
            id: "unknown".into(),
            partition: "aws".into(),
        },
    }
}

/// (partition, account) → number of identities in the evidence.
fn account_counts(snapshot: &Snapshot) -> BTreeMap<(String, String), usize> {
    let mut arns: Vec<&str> = Vec::new();
    if let Some((_, report)) = &snapshot.credential_report {
        arns.extend(report.rows.iter().map(|r| r.arn.as_str()));
    }
    if let Some(d) = &snapshot.authorization_details {
        arns.extend(d.users.iter().flatten().map(|u| u.arn.as_str()));
        arns.extend(d.groups.iter().flatten().map(|g| g.arn.as_str()));
        arns.extend(d.roles.iter().flatten().map(|r| r.arn.as_str()));
    }
    let mut counts = BTreeMap::new();
    for arn in arns {
        if let Some(a) = parse_arn(arn) {
            if a.service == "iam" && is_account_id(a.account) {
                *counts
                    .entry((a.partition.to_string(), a.account.to_string()))
                    .or_insert(0) += 1;
            }
        }
    }
    counts
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Where a request's context comes from.
enum RequestContext {
    /// Only the common facts (`Builder::common_built`).
    Common,
    /// The common facts and these of its own, as Cedar JSON.
    Own(Map<String, Value>),
}

struct Builder<'s> {
    snapshot: &'s Snapshot,
    /// What the policies can read of each entity: the rest is left out.
    reads: &'s EntityReads,
    /// The users a virtual MFA device is assigned to (ARNs), looked up once
    /// per user rather than by a scan of every device.
    virtual_mfa_users: &'s HashSet<&'s str>,
    account: AccountRef,
    entities: ChunkedList<cedar::SnapshotEntity>,
    requests: ChunkedList<AccessRequest>,
    warnings: Vec<String>,
    /// Trusted principals already added (many roles trust the same one).
    principals: BTreeSet<EntityUid>,
    /// `Review` requests of root and users, made last, once the account-wide
    /// facts (support roles) are known.
    reviews: Vec<PendingReview>,
    /// Managed policy ARN → why its default version does not decode: holding
    /// it is an `error` result, never judged on a guessed document.
    unreadable_managed: BTreeMap<String, String>,
    /// Request contexts built so far (most requests share one).
    contexts: cedar::ContextCache,
    /// Group ARN → the group's parents, which are its members' further
    /// ancestors (groups are made before users).
    group_parents: HashMap<String, Vec<EntityUid>>,
    /// The common facts (`as_of`, `thresholds`) as a context, built once.
    common_built: cedar::BuiltContext,
}

/// The context every request carries, as Cedar JSON.
fn common_context(as_of: AsOf, thresholds: &Thresholds) -> Map<String, Value> {
    let mut m = Map::new();
    // Without an as-of time, the engine marks every policy that reads
    // `context.as_of` as not evaluated; the epoch only keeps the context
    // well-typed.
    let t = as_of.time.unwrap_or(Timestamp::from_millis(0));
    m.insert("as_of".into(), datetime_json(t));
    m.insert("thresholds".into(), thresholds.context_json());
    m
}

fn unreadable_managed_policies(snapshot: &Snapshot) -> BTreeMap<String, String> {
    let Some(details) = &snapshot.authorization_details else {
        return BTreeMap::new();
    };
    details
        .policies
        .iter()
        .flatten()
        .filter_map(|p| match &p.default_document {
            Some(Err(problem)) => Some((p.arn.clone(), problem.to_string())),
            _ => None,
        })
        .collect()
}

/// A `Review` request of one identity, waiting for the account-wide context.
struct PendingReview {
    id: String,
    principal: (EntityRef, Arc<str>),
    subject: Arc<str>,
    message: String,
    missing: Vec<(EvidenceKind, String)>,
}

/// What the evidence says about root, from either export.
struct RootFacts {
    arn: String,
    /// `credential-report` or `account-summary`.
    source: &'static str,
    /// `true`, `false`, `not_supported`, or `unknown` (account summary only).
    password: &'static str,
    mfa_active: bool,
    active_keys: i64,
    /// Key slots that hold a key, active or not (credential report only).
    key_slots: usize,
    /// The latest use of the password or any key.
    last_used: Option<Timestamp>,
}

/// Facts about one IAM user, from either export.
struct UserFacts<'s> {
    row: Option<&'s CredentialRow>,
    detail: Option<&'s crate::evidence::authorization_details::UserDetail>,
}

impl<'s> Builder<'s> {
    fn warn_mixed_accounts(&mut self) {
        let accounts: BTreeSet<String> = account_counts(self.snapshot)
            .into_keys()
            .map(|(_, a)| a)
            .collect();
        if accounts.len() > 1 {
            self.warnings.push(format!(
                "the evidence names identities of several accounts ({}); account-wide results are about `{}`",
                accounts.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", "),
                self.account.id
            ));
        }
    }

    fn account_uid(&self) -> EntityUid {
        Type::Account.uid(&self.account.id)
    }

    /// The account an ARN belongs to, as an entity parent, when it is this
    /// snapshot's account.
    fn account_parent(&self, arn: &str) -> Vec<EntityUid> {
        match parse_arn(arn) {
            Some(a) if a.account == self.account.id => vec![self.account_uid()],
            _ => Vec::new(),
        }
    }

    /// An empty attribute list for an entity of type `ty`, which keeps what
    /// the policies can read of it.
    fn attrs(&self, ty: Type) -> Attrs<'s> {
        Attrs::new(self.reads, ty)
    }

    /// An entity whose parents have no parents of their own (accounts and
    /// policies are roots of the hierarchy), so its ancestors are its parents.
    fn entity(&mut self, uid: EntityUid, attrs: Attrs, parents: &[EntityUid]) -> Result<(), Error> {
        self.entity_with_ancestors(uid, attrs, parents, &[], &[])
    }

    /// An entity with its direct `parents`, its further ancestors
    /// (`indirect`: see [`cedar::SnapshotEntity`]) and its tags.
    fn entity_with_ancestors(
        &mut self,
        uid: EntityUid,
        attrs: Attrs,
        parents: &[EntityUid],
        indirect: &[EntityUid],
        tags: &[(String, String)],
    ) -> Result<(), Error> {
        let e = cedar::entity(uid.clone(), attrs, parents, indirect, tags)
            .map_err(|e| Error::Internal(format!("cannot build entity {uid}: {e}")))?;
        self.entities.push(e);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn request(
        &mut self,
        id: String,
        action: Action,
        (principal, principal_name): (EntityRef, Arc<str>),
        (resource, resource_name): (EntityRef, Arc<str>),
        context: RequestContext,
        subject: Arc<str>,
        message: Arc<str>,
    ) -> Result<&mut AccessRequest, Error> {
        let (context_json, ctx) = match context {
            RequestContext::Common => Ok(self.common_built.clone()),
            RequestContext::Own(json) => self.contexts.context(json),
        }
        .map_err(|e| Error::Internal(format!("cannot build the context of `{id}`: {e}")))?;
        Ok(self.requests.push(access_request(
            id,
            action,
            (principal, principal_name),
            (resource, resource_name),
            (context_json, ctx),
            subject,
            message,
        )))
    }

    /// The credential report row of a user (or root): its line for a bare
    /// CSV; for an envelope, `/Content` (the row's line counts lines of the
    /// decoded text, not of the JSON file).
    fn row_location(&self, row: &CredentialRow) -> Option<Arc<EvidenceLocation>> {
        let (file, report) = self.snapshot.credential_report.as_ref()?;
        Some(Arc::new(if report.envelope {
            EvidenceLocation {
                file: file.clone(),
                line: None,
                pointer: Some("/Content".into()),
            }
        } else {
            EvidenceLocation {
                file: file.clone(),
                line: Some(row.line),
                pointer: None,
            }
        }))
    }

    /// Gives every request added since `start` a location (the identity
    /// entry their facts come from), unless it already has one.
    fn locate_since(&mut self, start: usize, location: EvidenceLocation) {
        let location = Arc::new(location);
        for req in self.requests.iter_mut_from(start) {
            if req.location.is_none() {
                req.location = Some(location.clone());
            }
        }
    }

    fn account_entity(&mut self) -> Result<(), Error> {
        let mut a = self.attrs(Type::Account);
        a.put_str("account_id", &self.account.id.clone())
            .put_str("partition", &self.account.partition.clone());
        let mut labels: Vec<(String, String)> = Vec::new();
        if let Some((file, m)) = &self.snapshot.manifest {
            if let Some(alias) = &m.account_alias {
                a.put_str("alias", alias);
            }
            labels = m.labels.clone().into_iter().collect();
            if let Some(id) = &m.account_id {
                if *id != self.account.id {
                    self.warnings.push(format!(
                        "{file}: the manifest names account `{id}`, the evidence describes `{}`",
                        self.account.id
                    ));
                }
            }
        }
        self.entity_with_ancestors(self.account_uid(), a, &[], &[], &labels)
    }

    /// The root user: from the credential report's root row, else from the
    /// account summary (`AccountMFAEnabled`, `AccountAccessKeysPresent`).
    /// Root has access paths only when it has credentials: a console path
    /// unless its password is `false`, a key path per key slot, and one
    /// `Review` request that the root controls judge. Root with no password
    /// and no key (Organizations' centralized root access) has no path at
    /// all, so root controls are `not-applicable` there.
    fn root(&mut self) -> Result<(), Error> {
        let row = self
            .snapshot
            .credential_report
            .as_ref()
            .and_then(|(_, r)| r.rows.iter().find(|r| r.is_root));
        let virtual_list = self.snapshot.virtual_mfa_devices.as_ref().map(|(_, v)| v);
        let has_virtual_mfa = virtual_list.is_some_and(|v| v.root_has_virtual());
        let facts = match row {
            Some(row) => RootFacts {
                arn: row.arn.clone(),
                source: "credential-report",
                password: match row.password_enabled {
                    PasswordEnabled::Yes => "true",
                    PasswordEnabled::No => "false",
                    PasswordEnabled::NotSupported => "not_supported",
                },
                mfa_active: row.mfa_active,
                active_keys: active_keys(row),
                key_slots: row
                    .access_keys
                    .iter()
                    .filter(|k| k.active || k.last_rotated.timestamp().is_some())
                    .count(),
                last_used: row
                    .access_keys
                    .iter()
                    .filter_map(|k| k.last_used.timestamp())
                    .chain(row.password_last_used.timestamp())
                    .max(),
            },
            None => {
                let Some((file, summary)) = &self.snapshot.account_summary else {
                    return Ok(());
                };
                let (Some(mfa), Some(keys)) = (
                    summary.get("AccountMFAEnabled"),
                    summary.get("AccountAccessKeysPresent"),
                ) else {
                    self.warnings.push(format!(
                        "{file}: the account summary lacks `AccountMFAEnabled` or `AccountAccessKeysPresent`, so it says nothing about root"
                    ));
                    return Ok(());
                };
                RootFacts {
                    arn: self.account.root_arn(),
                    source: "account-summary",
                    // The summary does not say whether root has a password;
                    // AWS gives every standalone account's root one.
                    password: "unknown",
                    mfa_active: mfa > 0,
                    active_keys: i64::from(keys > 0),
                    key_slots: 0,
                    last_used: None,
                }
            }
        };
        let has_credentials =
            facts.password != "false" || facts.active_keys > 0 || facts.key_slots > 0;
        let uid = Type::Root.uid(&facts.arn);
        let root_name: Arc<str> = facts.arn.as_str().into();
        let mut a = self.attrs(Type::Root);
        a.put_str("arn", &facts.arn)
            .put_str(
                "account_id",
                parse_arn(&facts.arn).map(|a| a.account).unwrap_or(""),
            )
            .put_str("facts_source", facts.source)
            .put_str("password_enabled", facts.password)
            .put_time(
                "password_last_used",
                row.and_then(|r| r.password_last_used.timestamp()),
            )
            .put_str(
                "password_last_used_state",
                row.map(|r| r.password_last_used.as_str())
                    .unwrap_or("absent"),
            )
            .put("mfa_active", cedar::boolean(facts.mfa_active))
            .put("has_virtual_mfa", cedar::boolean(has_virtual_mfa))
            .put(
                "has_hardware_mfa",
                cedar::boolean(facts.mfa_active && virtual_list.is_some() && !has_virtual_mfa),
            )
            .put("active_access_keys", cedar::long(facts.active_keys))
            .put("has_credentials", cedar::boolean(has_credentials))
            .put_time("last_used", facts.last_used);
        let parents = self.account_parent(&facts.arn);
        self.entity(uid.clone(), a, &parents)?;
        if !has_credentials {
            return Ok(());
        }
        if facts.password != "false" {
            let ctx = RequestContext::Common;
            let account = self.account.named();
            let message = match row {
                Some(r) => format!(
                    "root password `{}`, last used {}; MFA {}",
                    facts.password,
                    describe_time(&r.password_last_used),
                    if facts.mfa_active {
                        "active"
                    } else {
                        "not active"
                    }
                ),
                None => format!(
                    "root password state unknown (account summary only); MFA {}",
                    if facts.mfa_active {
                        "active"
                    } else {
                        "not active"
                    }
                ),
            };
            self.request(
                format!("{}/console", facts.arn),
                Action::SignInToConsole,
                EntityRef::named(Type::Root, &root_name),
                account,
                ctx,
                root_name.clone(),
                message.into(),
            )?;
        }
        if let Some(r) = row {
            self.access_keys(r, (&uid, Type::Root), &parents)?;
        }
        let message = root_message(&facts, virtual_list.map(|_| has_virtual_mfa));
        self.reviews.push(PendingReview {
            id: format!("{}/review", facts.arn),
            principal: EntityRef::named(Type::Root, &root_name),
            subject: root_name,
            message,
            missing: Vec::new(),
        });
        Ok(())
    }

    /// The access keys of a credential report row, whose owner (a user or
    /// root) has the ancestors `owner_ancestors`.
    fn access_keys(
        &mut self,
        row: &CredentialRow,
        (owner, owner_type): (&EntityUid, Type),
        owner_ancestors: &[EntityUid],
    ) -> Result<(), Error> {
        for (i, key) in row.access_keys.iter().enumerate() {
            let slot = i + 1;
            // A slot holds a key when it is active or AWS recorded a rotation
            // (AWS fills `last_rotated` for inactive keys too).
            if !key.active && key.last_rotated.timestamp().is_none() {
                continue;
            }
            let key_id = format!("{}/access-key/{slot}", row.arn);
            let uid = Type::AccessKey.uid(&key_id);
            let mut a = self.attrs(Type::AccessKey);
            a.put("slot", cedar::long(slot as i64))
                .put_str("owner_arn", &row.arn)
                .put("active", cedar::boolean(key.active))
                .put_time("last_rotated", key.last_rotated.timestamp())
                .put_time("last_used", key.last_used.timestamp())
                .put_str("last_used_state", key.last_used.as_str());
            self.entity_with_ancestors(
                uid.clone(),
                a,
                std::slice::from_ref(owner),
                owner_ancestors,
                &[],
            )?;
            let message = format!(
                "access key {slot} {}, last rotated {}, last used {}",
                if key.active { "active" } else { "inactive" },
                describe_time(&key.last_rotated),
                describe_time(&key.last_used),
            );
            let ctx = RequestContext::Common;
            let location = self.row_location(row);
            let owner_arn: Arc<str> = row.arn.as_str().into();
            let key_name: Arc<str> = key_id.as_str().into();
            self.request(
                key_id,
                Action::UseAccessKey,
                EntityRef::named(owner_type, &owner_arn),
                EntityRef::named(Type::AccessKey, &key_name),
                ctx,
                owner_arn,
                message.into(),
            )?
            .location = location;
        }
        Ok(())
    }

    /// Managed policy entities: every policy in the export's `Policies` and
    /// every policy an identity references (a filtered export may reference
    /// policies it does not contain).
    fn managed_policies(&mut self) -> Result<(), Error> {
        let Some(details) = &self.snapshot.authorization_details else {
            return Ok(());
        };
        struct Facts<'d> {
            arn: &'d str,
            name: &'d str,
            path: &'d str,
            default_version: &'d str,
            full_admin: bool,
            in_export: bool,
        }
        // Keyed by what makes the uid (AWS managed or not, and the id), not
        // by the uid printed: printing 7,600 uids of the largest account
        // cost 50 M instructions. Entities are sorted when printed, so this
        // order only decides the order they are made in.
        let mut by_uid: BTreeMap<(bool, &str), (EntityUid, Facts<'_>)> = BTreeMap::new();
        for p in details.policies.iter().flatten() {
            let full_admin =
                matches!(&p.default_document, Some(Ok(facts)) if facts.allows_full_admin);
            by_uid.insert(
                managed_policy_key(&p.arn),
                (
                    managed_policy_uid(&p.arn),
                    Facts {
                        arn: &p.arn,
                        name: &p.name,
                        path: &p.path,
                        default_version: &p.default_version_id,
                        full_admin,
                        in_export: true,
                    },
                ),
            );
        }
        let referenced = details
            .users
            .iter()
            .flatten()
            .flat_map(|u| u.attached.iter())
            .chain(
                details
                    .groups
                    .iter()
                    .flatten()
                    .flat_map(|g| g.attached.iter()),
            )
            .chain(
                details
                    .roles
                    .iter()
                    .flatten()
                    .flat_map(|r| r.attached.iter()),
            );
        for AttachedPolicy { name, arn } in referenced {
            by_uid.entry(managed_policy_key(arn)).or_insert_with(|| {
                (
                    managed_policy_uid(arn),
                    Facts {
                        arn,
                        name,
                        path: "",
                        default_version: "",
                        full_admin: false,
                        in_export: false,
                    },
                )
            });
        }
        for ((aws, _), (uid, f)) in by_uid {
            let mut a = self.attrs(if aws {
                Type::AwsManagedPolicy
            } else {
                Type::ManagedPolicy
            });
            a.put_str("arn", f.arn)
                .put_str("name", f.name)
                .put_str("path", f.path)
                .put("in_export", cedar::boolean(f.in_export))
                .put("allows_full_admin", cedar::boolean(f.full_admin))
                .put_str("default_version", f.default_version);
            self.entity(uid, a, &[])?;
        }
        Ok(())
    }

    /// Group entities; returns group name → ARN for resolving `GroupList`.
    fn groups(&mut self) -> Result<BTreeMap<String, String>, Error> {
        let mut arns = BTreeMap::new();
        let Some(details) = &self.snapshot.authorization_details else {
            return Ok(arns);
        };
        for g in details.groups.iter().flatten() {
            arns.insert(g.name.clone(), g.arn.clone());
            let uid = Type::Group.uid(&g.arn);
            let mut a = self.attrs(Type::Group);
            a.put_str("arn", &g.arn)
                .put_str("name", &g.name)
                .put_str("path", &g.path)
                .put_str(
                    "account_id",
                    parse_arn(&g.arn).map(|a| a.account).unwrap_or(""),
                )
                .put("inline_policy_count", cedar::long(g.inline.len() as i64));
            let mut parents = self.account_parent(&g.arn);
            parents.extend(g.attached.iter().map(|p| managed_policy_uid(&p.arn)));
            self.entity(uid.clone(), a, &parents)?;
            self.group_parents.insert(g.arn.clone(), parents);
            let start = self.requests.next_key();
            self.hold_policies(Type::Group, &g.arn, &g.attached, &g.inline)?;
            self.locate_since(start, detail_location(&g.file, &g.pointer));
        }
        Ok(arns)
    }

    fn users(&mut self, group_arns: &BTreeMap<String, String>) -> Result<(), Error> {
        let mut users: BTreeMap<&str, UserFacts<'s>> = BTreeMap::new();
        if let Some((_, report)) = &self.snapshot.credential_report {
            for row in report.rows.iter().filter(|r| !r.is_root) {
                if let Some(first) = users.get(row.arn.as_str()).and_then(|f| f.row) {
                    self.warnings.push(format!(
                        "the credential report lists `{}` twice; the first row (line {}) is used, line {} is ignored",
                        row.arn, first.line, row.line
                    ));
                    continue;
                }
                users.insert(
                    &row.arn,
                    UserFacts {
                        row: Some(row),
                        detail: None,
                    },
                );
            }
        }
        if let Some(details) = &self.snapshot.authorization_details {
            for u in details.users.iter().flatten() {
                users
                    .entry(&u.arn)
                    .or_insert(UserFacts {
                        row: None,
                        detail: None,
                    })
                    .detail = Some(u);
            }
        }
        let has_report = self.snapshot.credential_report.is_some();
        for (arn, facts) in users {
            self.user(arn, &facts, group_arns, has_report)?;
        }
        Ok(())
    }

    fn user(
        &mut self,
        arn: &str,
        facts: &UserFacts<'s>,
        group_arns: &BTreeMap<String, String>,
        has_report: bool,
    ) -> Result<(), Error> {
        let uid = Type::User.uid(arn);
        let parsed = parse_arn(arn);
        let name = facts
            .detail
            .map(|d| d.name.clone())
            .or_else(|| facts.row.map(|r| r.user.clone()))
            .unwrap_or_default();
        let path = facts.detail.map(|d| d.path.as_str()).unwrap_or_else(|| {
            // The credential report has no path column; the ARN carries it.
            ""
        });
        let row = facts.row;
        let created = row
            .and_then(|r| r.user_creation_time.timestamp())
            .or_else(|| facts.detail.and_then(|d| d.created));
        let mut a = self.attrs(Type::User);
        a.put_str("arn", arn)
            .put_str("name", &name)
            .put_str("path", path)
            .put_str("account_id", parsed.map(|p| p.account).unwrap_or(""))
            .put_with("group_names", || {
                cedar::string_set(
                    facts
                        .detail
                        .into_iter()
                        .flat_map(|d| d.groups.iter().map(String::as_str)),
                )
            })
            .put("in_credential_report", cedar::boolean(row.is_some()))
            .put(
                "in_authorization_details",
                cedar::boolean(facts.detail.is_some()),
            )
            .put_time("created", created)
            .put(
                "password_enabled",
                cedar::boolean(row.is_some_and(|r| r.password_enabled == PasswordEnabled::Yes)),
            )
            .put_time(
                "password_last_used",
                row.and_then(|r| r.password_last_used.timestamp()),
            )
            .put_str(
                "password_last_used_state",
                row.map(|r| r.password_last_used.as_str())
                    .unwrap_or("absent"),
            )
            .put_time(
                "password_last_changed",
                row.and_then(|r| r.password_last_changed.timestamp()),
            )
            .put(
                "mfa_active",
                cedar::boolean(row.is_some_and(|r| r.mfa_active)),
            )
            .put(
                "active_access_keys",
                cedar::long(row.map(active_keys).unwrap_or(0)),
            )
            .put(
                "active_signing_certificates",
                cedar::long(
                    row.map(|r| r.certs.iter().filter(|c| c.active).count() as i64)
                        .unwrap_or(0),
                ),
            )
            .put(
                "has_virtual_mfa",
                cedar::boolean(self.virtual_mfa_users.contains(arn)),
            )
            .put(
                "attached_policy_count",
                cedar::long(facts.detail.map(|d| d.attached.len() as i64).unwrap_or(0)),
            )
            .put(
                "inline_policy_count",
                cedar::long(facts.detail.map(|d| d.inline.len() as i64).unwrap_or(0)),
            )
            .put(
                "has_permissions_boundary",
                cedar::boolean(
                    facts
                        .detail
                        .is_some_and(|d| d.permissions_boundary.is_some()),
                ),
            );
        let mut parents = self.account_parent(arn);
        // The groups' own parents are the user's further ancestors.
        let mut indirect = Vec::new();
        let mut tags: &[(String, String)] = &[];
        if let Some(d) = facts.detail {
            for g in &d.groups {
                // GroupList holds names; the group's ARN carries its path, so
                // look it up, falling back to the path-less ARN.
                let group_arn = group_arns.get(g).cloned().unwrap_or_else(|| {
                    format!(
                        "arn:{}:iam::{}:group/{g}",
                        parsed.map(|p| p.partition).unwrap_or("aws"),
                        parsed.map(|p| p.account).unwrap_or("")
                    )
                });
                if let Some(up) = self.group_parents.get(&group_arn) {
                    indirect.extend(up.iter().cloned());
                }
                parents.push(Type::Group.uid(&group_arn));
            }
            parents.extend(d.attached.iter().map(|p| managed_policy_uid(&p.arn)));
            tags = &d.tags;
        }
        self.entity_with_ancestors(uid.clone(), a, &parents, &indirect, tags)?;
        // An access key is in its user, and so in everything the user is in.
        parents.extend(indirect);

        // The console access path. A user the credential report does not list
        // has no evidence for it: not evaluated, never a pass.
        let message = match row {
            Some(r) => console_message(r),
            None => "no row in the credential report".to_string(),
        };
        let ctx = RequestContext::Common;
        let location = match (row, facts.detail) {
            (Some(r), _) => self.row_location(r),
            (None, Some(d)) => Some(Arc::new(detail_location(&d.file, &d.pointer))),
            (None, None) => None,
        };
        let name: Arc<str> = arn.into();
        let req = self.request(
            arn.to_string(),
            Action::SignInToConsole,
            EntityRef::named(Type::User, &name),
            self.account.named(),
            ctx,
            name.clone(),
            message.into(),
        )?;
        req.location = location;
        if row.is_none() && has_report {
            req.missing.push((
                EvidenceKind::CredentialReport,
                "the user is absent from the credential report (created after it was generated?), so there is no evidence about its password or MFA".into(),
            ));
        }
        if let Some(r) = row {
            self.access_keys(r, (&uid, Type::User), &parents)?;
        }
        if let Some(d) = facts.detail {
            let start = self.requests.next_key();
            self.hold_policies(Type::User, arn, &d.attached, &d.inline)?;
            self.locate_since(start, detail_location(&d.file, &d.pointer));
        }

        // The user as a whole (key count, direct policies), judged once per
        // user; each export the user is absent from leaves its facts unknown.
        let mut missing = Vec::new();
        if row.is_none() && has_report {
            missing.push((
                EvidenceKind::CredentialReport,
                "the user is absent from the credential report (created after it was generated?), so there is no evidence about its credentials".into(),
            ));
        }
        if facts.detail.is_none() && self.snapshot.authorization_details.is_some() {
            missing.push((
                EvidenceKind::AuthorizationDetails,
                "the user is absent from the authorization details, so there is no evidence about its policies".into(),
            ));
        }
        self.reviews.push(PendingReview {
            id: format!("{arn}/review"),
            principal: EntityRef::named(Type::User, &name),
            subject: name,
            message: user_review_message(row, facts.detail),
            missing,
        });
        Ok(())
    }

    /// `HoldPolicy` requests (and inline policy entities) for one identity.
    fn hold_policies(
        &mut self,
        holder_type: Type,
        holder_arn: &str,
        attached: &[AttachedPolicy],
        inline: &[InlinePolicy],
    ) -> Result<(), Error> {
        // One copy of the holder's ARN for all its paths' names and subjects.
        let holder_name: Arc<str> = holder_arn.into();
        for p in attached {
            let ctx = RequestContext::Common;
            let unreadable = self.unreadable_managed.get(&p.arn).cloned();
            let policy_arn: Arc<str> = p.arn.as_str().into();
            let req = self.request(
                format!("{holder_arn}/holds/{}", p.arn),
                Action::HoldPolicy,
                EntityRef::named(holder_type, &holder_name),
                (managed_policy_ref(&policy_arn), policy_arn.clone()),
                ctx,
                holder_name.clone(),
                format!("`{}` is attached to `{holder_arn}`", p.name).into(),
            )?;
            req.resource_subject = policy_arn;
            if let Some(problem) = unreadable {
                req.unreadable = Some(format!(
                    "the managed policy's default version does not decode: {problem}"
                ));
            }
        }
        for p in inline {
            let id = format!("{holder_arn}/inline-policy/{}", p.name);
            let uid = Type::InlinePolicy.uid(&id);
            let mut a = self.attrs(Type::InlinePolicy);
            a.put_str("name", &p.name)
                .put_str("holder_arn", holder_arn)
                .put(
                    "allows_full_admin",
                    cedar::boolean(matches!(&p.document, Ok(facts) if facts.allows_full_admin)),
                );
            self.entity(uid, a, &[])?;
            let ctx = RequestContext::Common;
            let inline_name: Arc<str> = id.as_str().into();
            let req = self.request(
                format!("{holder_arn}/holds/{id}"),
                Action::HoldPolicy,
                EntityRef::named(holder_type, &holder_name),
                EntityRef::named(Type::InlinePolicy, &inline_name),
                ctx,
                holder_name.clone(),
                format!("inline policy `{}` of `{holder_arn}`", p.name).into(),
            )?;
            if let Err(problem) = &p.document {
                req.unreadable = Some(format!("the inline policy does not decode: {problem}"));
            }
        }
        Ok(())
    }

    /// Role entities and their trust paths; returns the support roles' ARNs.
    fn roles(&mut self) -> Result<Vec<String>, Error> {
        let mut support = Vec::new();
        let Some(details) = &self.snapshot.authorization_details else {
            return Ok(support);
        };
        for r in details.roles.iter().flatten() {
            let uid = Type::Role.uid(&r.arn);
            let is_support = r
                .attached
                .iter()
                .any(|p| aws_managed_name(&p.arn) == Some(SUPPORT_POLICY));
            if is_support {
                support.push(r.arn.clone());
            }
            let mut a = self.attrs(Type::Role);
            a.put_str("arn", &r.arn)
                .put_str("name", &r.name)
                .put_str("path", &r.path)
                .put_str(
                    "account_id",
                    parse_arn(&r.arn).map(|a| a.account).unwrap_or(""),
                )
                .put(
                    "is_service_linked",
                    cedar::boolean(r.path.starts_with("/aws-service-role/")),
                )
                .put_time("created", r.created)
                .put_time("last_used", r.last_used)
                .put("inline_policy_count", cedar::long(r.inline.len() as i64))
                .put(
                    "has_permissions_boundary",
                    cedar::boolean(r.permissions_boundary.is_some()),
                );
            let mut parents = self.account_parent(&r.arn);
            parents.extend(r.attached.iter().map(|p| managed_policy_uid(&p.arn)));
            self.entity_with_ancestors(uid.clone(), a, &parents, &[], &r.tags)?;
            // Each trust path points at its statement; an unreadable trust
            // policy's stand-in request at the document itself.
            let trust_at = format!("{}/AssumeRolePolicyDocument", r.pointer);
            let start = self.requests.next_key();
            self.trust(&r.arn, &r.trust_policy, (&r.file, &trust_at))?;
            self.locate_since(start, detail_location(&r.file, &trust_at));
            let start = self.requests.next_key();
            self.hold_policies(Type::Role, &r.arn, &r.attached, &r.inline)?;
            self.locate_since(start, detail_location(&r.file, &r.pointer));
        }
        support.sort();
        Ok(support)
    }

    /// `statement_at`: the file and the JSON pointer of the trust policy
    /// document, to locate each path at its statement.
    fn trust(
        &mut self,
        role_arn: &str,
        document: &Document,
        statement_at: (&str, &str),
    ) -> Result<(), Error> {
        let role_name: Arc<str> = role_arn.into();
        let doc = match document {
            Ok(doc) if super::trust::analysis_cost(doc) <= super::trust::MAX_ANALYSIS_COST => doc,
            other => {
                let why = match other {
                    Err(problem) => format!("the trust policy does not decode: {problem}"),
                    Ok(doc) => super::trust::too_costly(doc),
                };
                // The trust policy cannot be read, so no path can be judged:
                // one request stands for the whole role and errors.
                let ctx = RequestContext::Own(trust_context_unknown());
                // A principal of its own: `*` would clash with the real
                // "anyone" principal of other roles' trust policies.
                let principal = Type::AwsPrincipal.uid("?");
                self.principal_entity(&principal, PrincipalKind::Other, None)?;
                let req = self.request(
                    format!("{role_arn}/trust-policy"),
                    Action::AssumeRole,
                    EntityRef::named(Type::AwsPrincipal, &"?".into()),
                    EntityRef::named(Type::Role, &role_name),
                    ctx,
                    role_name,
                    "the trust policy does not decode".into(),
                )?;
                req.unreadable = Some(why);
                return Ok(());
            }
        };
        self.warnings
            .extend(super::sanity::trust_policy_oddities(doc, role_arn));
        let mut seen = BTreeSet::new();
        for path in trust_paths(doc, role_arn) {
            let (principal, principal_type) = match path.principal.kind {
                PrincipalKind::Service => (
                    Type::ServicePrincipal.uid(&path.principal.id),
                    Type::ServicePrincipal,
                ),
                PrincipalKind::Federated => (
                    Type::FederatedPrincipal.uid(&path.principal.id),
                    Type::FederatedPrincipal,
                ),
                _ => (
                    Type::AwsPrincipal.uid(&path.principal.id),
                    Type::AwsPrincipal,
                ),
            };
            if principal_type == Type::AwsPrincipal {
                self.principal_entity(
                    &principal,
                    path.principal.kind,
                    path.principal.account.as_deref(),
                )?;
            } else if self.principals.insert(principal.clone()) {
                let attrs = self.attrs(principal_type);
                self.entity(principal.clone(), attrs, &[])?;
            }
            let id = format!(
                "{role_arn}/statement/{}/principal/{}",
                path.statement_index, path.principal.id
            );
            // A statement can name one principal twice; one path suffices.
            if !seen.insert(id.clone()) {
                continue;
            }
            let ctx = RequestContext::Own(trust_context(&path));
            let message = trust_message(&path);
            let location = detail_location(
                statement_at.0,
                &format!("{}/Statement/{}", statement_at.1, path.statement_index),
            );
            let principal_name: Arc<str> = path.principal.id.as_str().into();
            self.request(
                id,
                Action::AssumeRole,
                EntityRef::named(principal_type, &principal_name),
                EntityRef::named(Type::Role, &role_name),
                ctx,
                role_name.clone(),
                message.into(),
            )?
            .location = Some(Arc::new(location));
        }
        Ok(())
    }

    fn principal_entity(
        &mut self,
        uid: &EntityUid,
        kind: PrincipalKind,
        account: Option<&str>,
    ) -> Result<(), Error> {
        if !self.principals.insert(uid.clone()) {
            return Ok(());
        }
        let mut a = self.attrs(Type::AwsPrincipal);
        a.put_str("kind", kind.as_str());
        let mut parents = Vec::new();
        if let Some(acct) = account {
            a.put_str("account_id", acct);
            parents.push(Type::Account.uid(acct));
        }
        self.entity(uid.clone(), a, &parents)
    }

    /// The context of every `Review` request: the account-wide facts.
    fn review_context(&mut self, support_roles: &[String]) -> Result<cedar::BuiltContext, Error> {
        let mut json = Map::new();
        json.insert("support_roles".into(), json!(support_roles));
        json.insert("password_policy".into(), self.password_policy_context());
        self.contexts
            .context(json)
            .map_err(|e| Error::Internal(format!("cannot build the review context: {e}")))
    }
}

impl Builder<'_> {
    /// `context.password_policy`: the password policy export's facts (all
    /// zero and `exists: false` when the account has none, `exported: false`
    /// when the snapshot lacks the export).
    fn password_policy_context(&self) -> Value {
        let exported = self.snapshot.password_policy.is_some();
        let facts = match &self.snapshot.password_policy {
            Some((_, PasswordPolicy::Present(f))) => Some(f),
            _ => None,
        };
        json!({
            "exported": exported,
            "exists": facts.is_some(),
            "minimum_length": facts.map(|f| f.minimum_length).unwrap_or(0),
            "reuse_prevention": facts.map(|f| f.reuse_prevention).unwrap_or(0),
            "max_age_days": facts.map(|f| f.max_age_days).unwrap_or(0),
            "require_symbols": facts.is_some_and(|f| f.require_symbols),
            "require_numbers": facts.is_some_and(|f| f.require_numbers),
            "require_uppercase": facts.is_some_and(|f| f.require_uppercase),
            "require_lowercase": facts.is_some_and(|f| f.require_lowercase),
        })
    }

    /// The account review's message: the facts its controls judge.
    fn account_review_message(&self, support_roles: &[String]) -> String {
        let support = if support_roles.is_empty() {
            format!("no role has the AWS managed policy `{SUPPORT_POLICY}` attached")
        } else {
            format!(
                "support roles: {}",
                support_roles
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        match &self.snapshot.password_policy {
            None => support,
            Some((_, PasswordPolicy::Absent(how))) => {
                format!("{support}; no password policy ({how})")
            }
            Some((_, PasswordPolicy::Present(f))) => format!(
                "{support}; password policy: minimum length {}, remembers {} previous password{}",
                f.minimum_length,
                f.reuse_prevention,
                if f.reuse_prevention == 1 { "" } else { "s" }
            ),
        }
    }
}

fn root_message(facts: &RootFacts, virtual_mfa: Option<bool>) -> String {
    let mfa = match (facts.mfa_active, virtual_mfa) {
        (false, _) => "no MFA device active".to_string(),
        (true, None) => "MFA active".to_string(),
        (true, Some(true)) => "MFA active: a virtual device".to_string(),
        (true, Some(false)) => {
            "MFA active: no virtual device, so a hardware or FIDO device".to_string()
        }
    };
    let keys = match (facts.source, facts.active_keys) {
        ("account-summary", 0) => "no access key (`AccountAccessKeysPresent` 0)".to_string(),
        ("account-summary", _) => "access keys present (`AccountAccessKeysPresent` 1)".to_string(),
        (_, 0) => "no active access key".to_string(),
        (_, 1) => "1 active access key".to_string(),
        (_, n) => format!("{n} active access keys"),
    };
    let used = match (facts.source, facts.last_used) {
        ("account-summary", _) => "last use unknown (account summary only)".to_string(),
        (_, Some(t)) => format!("last used {}", t.to_cedar()),
        (_, None) => "no recorded use".to_string(),
    };
    format!(
        "root ({}): password `{}`; {mfa}; {keys}; {used}",
        facts.source, facts.password
    )
}

fn user_review_message(
    row: Option<&CredentialRow>,
    detail: Option<&crate::evidence::authorization_details::UserDetail>,
) -> String {
    let mut parts = Vec::new();
    if let Some(r) = row {
        parts.push(match active_keys(r) {
            0 => "no active access key".to_string(),
            1 => "1 active access key".to_string(),
            n => format!("{n} active access keys"),
        });
    }
    if let Some(d) = detail {
        let mut direct: Vec<String> = d.attached.iter().map(|p| format!("`{}`", p.arn)).collect();
        direct.extend(d.inline.iter().map(|p| format!("inline `{}`", p.name)));
        parts.push(if direct.is_empty() {
            "no policy attached or embedded directly".to_string()
        } else {
            format!("policies directly on the user: {}", direct.join(", "))
        });
    }
    if parts.is_empty() {
        "no facts about the user".into()
    } else {
        parts.join("; ")
    }
}

/// An authorization-details entry (or a part of one) by file and pointer.
fn detail_location(file: &str, pointer: &str) -> EvidenceLocation {
    EvidenceLocation {
        file: file.to_string(),
        line: None,
        pointer: Some(pointer.to_string()),
    }
}

fn active_keys(row: &CredentialRow) -> i64 {
    row.access_keys.iter().filter(|k| k.active).count() as i64
}

fn datetime_json(t: Timestamp) -> Value {
    json!({"__extn": {"fn": "datetime", "arg": t.to_cedar()}})
}

fn trust_context(path: &TrustPath) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("statement_index".into(), json!(path.statement_index));
    m.insert(
        "statement_sid".into(),
        json!(path.sid.clone().unwrap_or_default()),
    );
    m.insert("principal_kind".into(), json!(path.principal.kind.as_str()));
    m.insert("mfa_gate".into(), json!(path.mfa_gate.as_str()));
    m.insert("mfa_gated".into(), json!(path.mfa_gate.is_gated()));
    m.insert(
        "external_id_required".into(),
        json!(path.external_id_required),
    );
    m.insert("cross_account".into(), json!(path.cross_account));
    m.insert("condition_keys".into(), json!(path.condition_keys));
    m.insert("actions".into(), json!(path.actions));
    m
}

/// The context of the stand-in request for an unreadable trust policy:
/// well-typed, never consulted (the request reports `error`).
fn trust_context_unknown() -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("statement_index".into(), json!(-1));
    m.insert("statement_sid".into(), json!(""));
    m.insert("principal_kind".into(), json!("other"));
    m.insert("mfa_gate".into(), json!("none"));
    m.insert("mfa_gated".into(), json!(false));
    m.insert("external_id_required".into(), json!(false));
    m.insert("cross_account".into(), json!(false));
    m.insert("condition_keys".into(), json!([]));
    m.insert("actions".into(), json!([]));
    m
}

fn statement_label(path: &TrustPath) -> String {
    match &path.sid {
        Some(sid) if !sid.is_empty() => format!("statement `{sid}`"),
        _ => format!("statement #{}", path.statement_index),
    }
}

fn trust_message(path: &TrustPath) -> String {
    let who = format!("`{}` ({})", path.principal.id, path.principal.kind.as_str());
    let stmt = statement_label(path);
    match path.principal.kind {
        PrincipalKind::Service => format!("{stmt}: trusts the service {who}; services carry no MFA"),
        PrincipalKind::Federated => format!(
            "{stmt}: trusts the identity provider {who}; MFA is the identity provider's job and is not checked here"
        ),
        PrincipalKind::UnknownId => format!(
            "{stmt}: trusts {who}, the id of a deleted principal: a stale trust entry that no one can use"
        ),
        _ if path.mfa_gate.is_gated() => {
            format!("{stmt}: trusts {who}; MFA required ({})", path.mfa_gate.explanation())
        }
        _ => format!("{stmt}: trusts {who} without requiring MFA: {}", path.mfa_gate.explanation()),
    }
}

fn console_message(r: &CredentialRow) -> String {
    match (r.password_enabled, r.mfa_active) {
        (PasswordEnabled::Yes, false) => {
            let mut m = "console password enabled, no MFA device active".to_string();
            if r.password_last_used == ReportTime::NoInformation {
                m.push_str(" (password never used)");
            }
            m
        }
        (PasswordEnabled::Yes, true) => "console password enabled, MFA device active".into(),
        (PasswordEnabled::No, _) => "no console password".into(),
        (PasswordEnabled::NotSupported, _) => "console password state `not_supported`".into(),
    }
}

fn describe_time(t: &ReportTime) -> String {
    match t {
        ReportTime::At(ts) => ts.to_cedar(),
        ReportTime::NotApplicable => "N/A".into(),
        ReportTime::NoInformation => "no_information".into(),
        ReportTime::NotSupported => "not_supported".into(),
        ReportTime::Absent => "not in this report".into(),
    }
}
