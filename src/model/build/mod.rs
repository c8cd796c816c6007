//! Builds the [`Model`] of one snapshot: entities first, then one request per
//! access path. Every map that is iterated here is a `BTreeMap`, so entity
//! and request order never depends on hashing (`HashMap`s are only looked
//! up).
//!
//! One file per kind of entity: [`account`] (which account, its entity and
//! the account-wide review), [`root`], [`users`] (users, access keys and the
//! credential facts root shares), [`groups`], [`roles`] (roles and their trust
//! paths), [`policies`] (managed and inline policies), [`certificates`]
//! (server certificates); [`messages`] holds the
//! text of every message. This file holds the [`Builder`] that they all add
//! to, and the public entry points.

mod account;
mod certificates;
mod groups;
mod messages;
mod policies;
mod roles;
mod root;
mod users;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use cedar_policy::EntityUid;
use serde_json::{json, Map, Value};

use super::arn::Arn;
use super::cedar::{self, Attrs, Type};
use super::reads::EntityReads;
use super::thresholds::Thresholds;
use super::{
    AccessRequest, AccountRef, Action, AsOf, ChunkedList, EntityRef, EvidenceLocation, Model,
};
use crate::error::Error;
use crate::evidence::credential_report::CredentialRow;
use crate::evidence::snapshot::Snapshot;
use crate::evidence::time::Timestamp;
use crate::evidence::EvidenceKind;
use crate::exec::Executor;

pub use policies::{aws_managed_name, managed_policy_uid, SUPPORT_POLICY};

/// How a snapshot's model is built.
#[derive(Debug, Clone, Copy)]
pub struct ModelOptions<'a> {
    /// Decided by the caller (flag, else the credential report's
    /// `GeneratedTime`, else the manifest's `exported_at`).
    pub as_of: AsOf,
    /// Go into every request's context.
    pub thresholds: &'a Thresholds,
    /// What the entities hold: every attribute and tag, or only what the
    /// run's policies read.
    pub reads: &'a EntityReads,
}

/// Normalizes a snapshot into entities and requests, all but the last step,
/// which [`Normalized::finish`] takes once the caller has freed the
/// evidence. When the executor runs two tasks at once, the roles are
/// normalized beside the rest; their entities, requests and warnings are
/// appended after the others', exactly where a sequential run puts them.
pub fn normalize(
    snapshot: &Snapshot,
    options: &ModelOptions<'_>,
    exec: &dyn Executor,
) -> Result<Normalized, Error> {
    let ModelOptions {
        as_of,
        thresholds,
        reads,
    } = *options;
    let account = account::pick_account(snapshot);
    let unreadable_managed = policies::unreadable_managed_policies(snapshot);
    let exported_managed = policies::exported_managed_policies(snapshot);
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
        exported_managed: &exported_managed,
        as_of,
        thresholds,
        contexts: cedar::ContextCache::with_base(common.clone()),
        group_parents: HashMap::new(),
        common_built: common_built.clone(),
    };
    let mut b = builder();
    let mut role_builder = builder();
    let (roles, rest) = crate::exec::both(
        exec,
        true,
        || role_builder.roles().map(|support| (role_builder, support)),
        || -> Result<(), Error> {
            b.warn_mixed_accounts();
            b.warnings
                .extend(super::sanity::times_after_as_of(snapshot, as_of.time));
            b.account_entity()?;
            b.root()?;
            b.managed_policies()?;
            let group_arns = b.groups()?;
            b.users(&group_arns)?;
            b.server_certificates()
        },
    );
    rest?;
    let (role_builder, support_roles) = roles?;
    let review_context = b.review_context(&support_roles)?;
    let account_message = messages::account_review_message(
        &support_roles,
        snapshot.password_policy.as_ref().map(|(_, p)| p),
    );
    // The account review's facts: the password policy export is one place.
    let account_sources = snapshot
        .password_policy
        .as_ref()
        .map(|(file, policy)| {
            let at = match policy.pointer() {
                Some(pointer) => json_location(snapshot, file, pointer),
                None => EvidenceLocation {
                    file: file.clone(),
                    line: None,
                    pointer: None,
                },
            };
            vec![(EvidenceKind::PasswordPolicy, Arc::new(at))]
        })
        .unwrap_or_default();
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
        account_sources,
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
    /// The `Review` requests of root, users, groups, roles, customer
    /// managed policies and server certificates, made last.
    reviews: Vec<PendingReview>,
    /// The one context every review carries.
    review_context: cedar::BuiltContext,
    account_message: String,
    account_sources: Vec<(EvidenceKind, Arc<EvidenceLocation>)>,
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
            req.unknown = pending.unknown;
            req.unreadable = pending.unreadable;
            req.location = pending.sources.first().map(|(_, l)| l.clone());
            req.sources = pending.sources;
            requests.push(req);
        }
        let id = self.account.root_arn();
        let mut review = access_request(
            id.clone(),
            Action::Review,
            account(),
            account(),
            self.review_context,
            id.into(),
            self.account_message.into(),
        );
        review.sources = self.account_sources;
        requests.push(review);
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
        unknown: Vec::new(),
        unreadable: None,
        location: None,
        sources: Vec::new(),
    }
}

/// The evidence kinds the snapshot holds completely, and those it holds in
/// part with the reason.
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
                    incomplete.push((kind, messages::filtered_export(&missing)));
                    continue;
                }
            }
        }
        available.insert(kind);
    }
    (available, incomplete)
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
    /// `Review` requests of root, users, groups, roles, customer managed
    /// policies and server certificates, made last, once the account-wide
    /// facts (support roles) are known.
    reviews: Vec<PendingReview>,
    /// Managed policy ARN → why its default version does not decode: holding
    /// it is an `error` result, never judged on a guessed document.
    unreadable_managed: BTreeMap<String, String>,
    /// The run's as-of time and thresholds, for the few facts the model
    /// must judge itself (root use in a report that cannot show key use).
    as_of: AsOf,
    thresholds: &'s Thresholds,
    /// The managed policies whose documents the export holds (a filtered
    /// export may attach others): what a policy allows is known only for
    /// these.
    exported_managed: &'s BTreeSet<&'s str>,
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

/// A `Review` request of one identity, waiting for the account-wide context.
struct PendingReview {
    id: String,
    principal: (EntityRef, Arc<str>),
    subject: Arc<str>,
    message: String,
    missing: Vec<(EvidenceKind, String)>,
    unknown: Vec<(&'static str, String)>,
    /// The evidence for the review does not decode (a customer managed
    /// policy's default version): every control in scope reports `error`.
    unreadable: Option<String>,
    /// Where each export holds the identity's facts.
    sources: Vec<(EvidenceKind, Arc<EvidenceLocation>)>,
}

impl<'s> Builder<'s> {
    fn account_uid(&self) -> EntityUid {
        Type::Account.uid(&self.account.id)
    }

    /// The account an ARN belongs to, as an entity parent, when it is this
    /// snapshot's account.
    fn account_parent(&self, arn: &str) -> Vec<EntityUid> {
        match Arn::parse(arn) {
            Some(a) if a.account == self.account.id => vec![self.account_uid()],
            _ => Vec::new(),
        }
    }

    /// An empty attribute list for an entity of type `ty`, which keeps what
    /// the policies can read of it.
    fn attrs(&self, ty: Type) -> Attrs<'s, EntityReads> {
        Attrs::new(self.reads, ty)
    }

    /// An entity whose parents have no parents of their own (accounts and
    /// policies are roots of the hierarchy), so its ancestors are its parents.
    fn entity(
        &mut self,
        uid: EntityUid,
        attrs: Attrs<EntityReads>,
        parents: &[EntityUid],
    ) -> Result<(), Error> {
        self.entity_with_ancestors(uid, attrs, parents, &[], &[])
    }

    /// An entity with its direct `parents`, its further ancestors
    /// (`indirect`: see [`cedar::SnapshotEntity`]) and its tags.
    fn entity_with_ancestors(
        &mut self,
        uid: EntityUid,
        attrs: Attrs<EntityReads>,
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
    /// CSV; for an envelope, `/Content` and the line where `Content`'s value
    /// starts: the row is inside that one (base64) string, so no line of the
    /// file is the row's own.
    fn row_location(&self, row: &CredentialRow) -> Option<Arc<EvidenceLocation>> {
        let (file, report) = self.snapshot.credential_report.as_ref()?;
        Some(Arc::new(if report.envelope {
            self.detail_location(file, "/Content")
        } else {
            EvidenceLocation {
                file: file.clone(),
                line: Some(row.line),
                pointer: None,
            }
        }))
    }

    /// A place in a JSON export by file and pointer (an authorization-details
    /// entry or a part of one, `/SummaryMap`, `/Content`), with the line
    /// where its value starts in the file (see `evidence::lines`).
    fn detail_location(&self, file: &str, pointer: &str) -> EvidenceLocation {
        json_location(self.snapshot, file, pointer)
    }

    /// The `HoldPolicies` request of a user, group or role: its own
    /// attachments judged once, located at its authorization-details entry.
    fn holder_request(
        &mut self,
        ty: Type,
        arn: &str,
        message: String,
        at: Option<EvidenceLocation>,
    ) -> Result<&mut AccessRequest, Error> {
        let name: Arc<str> = arn.into();
        let account = self.account.named();
        let req = self.request(
            format!("{arn}/holds"),
            Action::HoldPolicies,
            EntityRef::named(ty, &name),
            account,
            RequestContext::Common,
            name,
            message.into(),
        )?;
        req.location = at.map(Arc::new);
        Ok(req)
    }

    /// A `Review` of something one authorization-details entry (or another
    /// JSON export's entry) describes whole: a group, a role, a customer
    /// managed policy, a server certificate. Its id is `<ARN>/review`.
    fn review_entry(
        &mut self,
        ty: Type,
        arn: &str,
        (kind, file, pointer): (EvidenceKind, &str, &str),
        message: String,
    ) -> &mut PendingReview {
        let name: Arc<str> = arn.into();
        let at = Arc::new(self.detail_location(file, pointer));
        self.reviews.push(PendingReview {
            id: format!("{arn}/review"),
            principal: EntityRef::named(ty, &name),
            subject: name,
            message,
            missing: Vec::new(),
            unknown: Vec::new(),
            unreadable: None,
            sources: vec![(kind, at)],
        });
        let last = self.reviews.len() - 1;
        &mut self.reviews[last]
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
}

/// A place in a JSON export of `snapshot` by file and pointer, with the line
/// where the pointer's value starts (or the nearest value holding it).
fn json_location(snapshot: &Snapshot, file: &str, pointer: &str) -> EvidenceLocation {
    EvidenceLocation {
        file: file.to_string(),
        line: snapshot
            .lines
            .get(file)
            .and_then(|lines| lines.line_of(pointer)),
        pointer: Some(pointer.to_string()),
    }
}

fn datetime_json(t: Timestamp) -> Value {
    json!({"__extn": {"fn": "datetime", "arg": t.to_cedar()}})
}

#[cfg(test)]
pub(super) mod tests {
    //! Small evidence made in the tests, shared by the tests of every file of
    //! the builder.

    use super::*;
    use crate::evidence::authorization_details::{merge_pages, read_page_text};
    use crate::evidence::credential_report::{parse_csv, CredentialReport};

    const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

    /// A credential report row: `password` and `mfa` as the CSV writes them,
    /// `key` the first key slot (`None`: empty).
    pub(crate) fn row(
        user: &str,
        arn: &str,
        password: &str,
        mfa: bool,
        key: Option<bool>,
    ) -> String {
        let (active, rotated) = match key {
            Some(active) => (active, "2024-01-01T00:00:00+00:00"),
            None => (false, "N/A"),
        };
        format!(
            "{user},{arn},2021-01-01T00:00:00+00:00,{password},N/A,N/A,N/A,{mfa},{active},{rotated},N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
        )
    }

    /// A bare CSV credential report of `rows`.
    pub(crate) fn report(rows: &[String]) -> (String, CredentialReport) {
        let text = format!("{HEADER}\n{}\n", rows.join("\n"));
        let report = parse_csv("report.csv", text.as_bytes()).expect("a valid report");
        ("report.csv".to_string(), report)
    }

    /// One complete page of authorization details: `users`, `groups`,
    /// `roles`, `policies` are the JSON of the lists' entries.
    pub(crate) fn details(
        users: &str,
        groups: &str,
        roles: &str,
        policies: &str,
    ) -> crate::evidence::authorization_details::AuthorizationDetails {
        let text = format!(
            r#"{{"UserDetailList":[{users}],"GroupDetailList":[{groups}],"RoleDetailList":[{roles}],"Policies":[{policies}]}}"#
        );
        let page = read_page_text("details.json", "", &text).expect("a valid page");
        merge_pages(vec![page]).expect("one complete page")
    }

    /// The model of `snapshot` as of 2026-01-01.
    pub(crate) fn model(snapshot: &Snapshot) -> Model {
        let as_of = AsOf {
            time: Some(Timestamp::parse("2026-01-01T00:00:00Z").expect("a time")),
            source: super::super::AsOfSource::Flag,
        };
        let options = ModelOptions {
            as_of,
            thresholds: &Thresholds::default(),
            reads: &EntityReads::everything(),
        };
        normalize(snapshot, &options, &crate::exec::Sequential)
            .expect("builds")
            .finish()
    }

    /// The entity `ty::"id"` of a model, as Cedar's public API shows it.
    pub(crate) fn entity(m: &Model, ty: Type, id: &str) -> Option<cedar_policy::Entity> {
        let uid = ty.uid(id);
        m.entities
            .iter()
            .map(|e| cedar_policy::Entity::from(e.clone()))
            .find(|e| e.uid() == uid)
    }

    /// An attribute of an entity that must exist, printed as Cedar prints it.
    pub(crate) fn attr(m: &Model, ty: Type, id: &str, name: &str) -> Option<String> {
        let e = entity(m, ty, id).unwrap_or_else(|| panic!("no entity {ty:?} {id}"));
        e.attr(name).map(|v| match v.expect("a value") {
            cedar_policy::EvalResult::String(s) => s,
            other => other.to_string(),
        })
    }

    /// The request with id `id`.
    pub(crate) fn request<'m>(m: &'m Model, id: &str) -> &'m AccessRequest {
        m.requests
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("no request `{id}`"))
    }

    pub(crate) fn request_ids(m: &Model) -> Vec<&str> {
        m.requests.iter().map(|r| r.id.as_str()).collect()
    }

    const ROOT: &str = "arn:aws:iam::123456789012:root";

    #[test]
    fn a_filtered_export_is_incomplete_not_available() {
        let mut snapshot = Snapshot::default();
        let mut d = details("", "", "", "");
        d.roles = None;
        snapshot.authorization_details = Some(d);
        snapshot.credential_report =
            Some(report(&[row("<root_account>", ROOT, "false", true, None)]));
        let (available, incomplete) = availability(&snapshot);
        assert!(available.contains(&EvidenceKind::CredentialReport));
        assert!(!available.contains(&EvidenceKind::AuthorizationDetails));
        assert_eq!(incomplete.len(), 1);
        assert!(
            incomplete[0].1.contains("`RoleDetailList`"),
            "{}",
            incomplete[0].1
        );
    }

    #[test]
    fn the_account_review_comes_last_after_the_identities_reviews() {
        let snapshot = Snapshot {
            credential_report: Some(report(&[
                row("<root_account>", ROOT, "not_supported", true, None),
                row(
                    "ann",
                    "arn:aws:iam::123456789012:user/ann",
                    "true",
                    false,
                    None,
                ),
            ])),
            ..Default::default()
        };
        let m = model(&snapshot);
        let ids = request_ids(&m);
        let n = ids.len();
        assert_eq!(
            &ids[n - 3..],
            [
                "arn:aws:iam::123456789012:root/review",
                "arn:aws:iam::123456789012:user/ann/review",
                ROOT,
            ]
        );
        let account = request(&m, ROOT);
        assert_eq!(account.action, Action::Review);
        assert_eq!(account.principal.ty, Type::Account);
        assert_eq!(&*account.principal.id, "123456789012");
    }

    #[test]
    fn a_bare_reports_paths_point_at_their_row() {
        let snapshot = Snapshot {
            credential_report: Some(report(&[
                row("<root_account>", ROOT, "false", true, None),
                row(
                    "ann",
                    "arn:aws:iam::123456789012:user/ann",
                    "true",
                    false,
                    None,
                ),
            ])),
            ..Default::default()
        };
        let m = model(&snapshot);
        let location = request(&m, "arn:aws:iam::123456789012:user/ann")
            .location
            .as_deref()
            .expect("located");
        assert_eq!(location.file, "report.csv");
        assert_eq!(location.line, Some(3));
        assert_eq!(location.pointer, None);
    }

    #[test]
    fn every_request_carries_the_common_facts() {
        let snapshot = Snapshot {
            credential_report: Some(report(&[row(
                "ann",
                "arn:aws:iam::123456789012:user/ann",
                "true",
                false,
                Some(true),
            )])),
            ..Default::default()
        };
        let m = model(&snapshot);
        for r in m.requests.iter() {
            assert_eq!(
                r.context_json["as_of"]["__extn"]["arg"], "2026-01-01T00:00:00Z",
                "{}",
                r.id
            );
            assert!(r.context_json.get("thresholds").is_some(), "{}", r.id);
        }
    }
}
