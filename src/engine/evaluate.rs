//! Evaluation: every access path of a snapshot against every control in
//! scope, with Cedar deciding.
//!
//! The policy set is forbid-only, so Cedar's decision is always Deny; the
//! signal is which policies were *determining* (their conditions held:
//! `fail`) and which *errored* (`error`, never a silent pass). Whether a
//! request is in a policy's scope is decided from the policy's scope
//! constraints and the entity hierarchy, exactly as Cedar reads `==`, `in`
//! and `is`.
//!
//! Cedar evaluates every policy of the set it is given for every request, so
//! each request is judged against a set of just the controls in its scope
//! (built once per distinct combination): a policy out of scope can neither
//! be satisfied nor error, so the decisions are the same, for a fraction of
//! the work.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use cedar_policy::{
    ActionConstraint, Authorizer, Entities, EntityUid, Policy, PolicySet, PrincipalConstraint,
    Request, ResourceConstraint,
};

use super::message::render::Facts;
use super::{Control, PolicyPack, Requirement};
use crate::evidence::time::Timestamp;
use crate::exec::Executor;
use crate::model::cedar::Type;
use crate::model::{AccessRequest, Model};
use crate::status::Status;

/// Below this many requests a snapshot is judged as one task: starting
/// threads would cost more than it saves.
const PARALLEL_MIN_REQUESTS: usize = 2_000;

/// What Cedar decided for a snapshot, before it is written out as findings.
///
/// Findings repeat the request's strings (subject, names, message) for every
/// control in scope; a verdict holds only indices. Judging first and writing
/// the findings once Cedar's store is gone keeps the two from sharing the
/// peak of memory: [`judge`], drop the `Entities`, then
/// `results::findings`.
pub struct Judgement<'p> {
    /// Controls that cannot run on this snapshot, and why.
    pub unrunnable: Vec<(&'p Control, String)>,
    pub runnable: Vec<&'p Control>,
    pub verdicts: Vec<Verdict>,
}

/// One (runnable control, request) outcome, by index: 24 bytes, as there
/// is one for each of the 36,000 results of the largest account and the
/// lists of them grow while judging, late in the run when fresh memory
/// raises the peak (they were 48 bytes).
pub struct Verdict {
    /// The request's index in the model's list.
    pub request: usize,
    /// The message when it is not the request's own (errors, missing
    /// evidence): rare, so behind a thin pointer.
    #[allow(clippy::box_collection)]
    pub message: Option<Box<String>>,
    /// The control's index in [`Judgement::runnable`].
    pub control: u32,
    pub status: Status,
}

/// Judges every request of the snapshot against the controls in its scope,
/// in as many shares as the executor runs at once. The findings are put in
/// order once every share is judged, so the result does not depend on the
/// executor.
pub fn judge<'p>(
    pack: &'p PolicyPack,
    model: &Model,
    entities: &Entities,
    exec: &dyn Executor,
) -> Judgement<'p> {
    // Controls that cannot run on this snapshot at all.
    let mut unrunnable = Vec::new();
    let mut runnable: Vec<&Control> = Vec::new();
    for control in &pack.controls {
        match unmet_requirement(control, model) {
            Some(message) => unrunnable.push((control, message)),
            None => runnable.push(control),
        }
    }

    let threads = if model.requests.len() < PARALLEL_MIN_REQUESTS {
        1
    } else {
        exec.width().max(1)
    };
    // Requests of a kind sit together and cost alike, but kinds differ
    // (a user meets more controls than an access key): halves of the list
    // took 44 and 82 ms on the largest account. So each thread takes every
    // `threads`-th block (a chunk of the list, at most 512 requests), and the
    // shares cost about the same.
    let blocks: Vec<(usize, &[AccessRequest])> = model.requests.blocks().collect();
    let shares: Vec<Vec<(usize, &[AccessRequest])>> = (0..threads)
        .map(|t| blocks.iter().skip(t).step_by(threads).copied().collect())
        .filter(|share: &Vec<_>| !share.is_empty())
        .collect();
    let shares = crate::exec::map(exec, &shares, threads, |share| {
        judge_requests(share, &runnable, entities, threads > 1, model.as_of.time)
    });
    Judgement {
        unrunnable,
        runnable,
        verdicts: shares.into_iter().flatten().collect(),
    }
}

/// A control's scope constraints, read from the policy once per snapshot
/// (Cedar rebuilds them on every call).
struct Scope {
    principal: PrincipalConstraint,
    action: ActionConstraint,
    resource: ResourceConstraint,
}

impl Scope {
    fn of(control: &Control) -> Scope {
        Scope {
            principal: control.policy.principal_constraint(),
            action: control.policy.action_constraint(),
            resource: control.policy.resource_constraint(),
        }
    }
}

/// The verdicts on some blocks of requests (each block starts at its index
/// in the model's list).
fn judge_requests(
    blocks: &[(usize, &[AccessRequest])],
    runnable: &[&Control],
    entities: &Entities,
    beside_others: bool,
    as_of: Option<Timestamp>,
) -> Vec<Verdict> {
    let authorizer = Authorizer::new();
    let scopes: Vec<Scope> = runnable.iter().map(|c| Scope::of(c)).collect();
    let policies: Vec<Policy> = runnable
        .iter()
        .map(|c| {
            if beside_others {
                copy_for_thread(&c.policy)
            } else {
                c.policy.clone()
            }
        })
        .collect();
    // In-scope controls (indices into `runnable`) → a Cedar set of just those.
    let mut sets: HashMap<Vec<usize>, Result<PolicySet, String>> = HashMap::new();
    let mut verdicts = Vec::new();
    let mut in_scope: Vec<usize> = Vec::new();
    let requests = blocks
        .iter()
        .flat_map(|&(offset, block)| block.iter().enumerate().map(move |(i, r)| (offset + i, r)));
    for (index, req) in requests {
        // The request's entities, made once and shared by every scope check
        // and Cedar.
        let uids = Uids {
            principal: req.principal.uid(),
            action: Type::Action.uid(req.action.name()),
            resource: req.resource.uid(),
        };
        in_scope.clear();
        in_scope.extend(
            scopes
                .iter()
                .enumerate()
                .filter(|(_, scope)| scope.admits(&uids, entities))
                .map(|(i, _)| i),
        );
        if in_scope.is_empty() {
            continue;
        }
        let set = match sets.get(&in_scope) {
            Some(set) => set,
            None => {
                let set = policy_set(in_scope.iter().map(|&i| &policies[i]));
                sets.entry(in_scope.clone()).or_insert(set)
            }
        };
        // For the controls' `@message`s: the entities as Cedar sees them,
        // looked up only when a control in scope writes one.
        let templated = in_scope.iter().any(|&c| runnable[c].message.is_some());
        let (principal, resource) = if templated {
            (entities.get(&uids.principal), entities.get(&uids.resource))
        } else {
            (None, None)
        };
        let decided = match set {
            Ok(set) => decide(&authorizer, req, uids, set, entities),
            Err(why) => Decided {
                satisfied: BTreeSet::new(),
                errors: BTreeMap::new(),
                refused: Some(why.clone()),
            },
        };
        for &control in &in_scope {
            let (status, mut message) = verdict_of(runnable[control], req, &decided);
            if let (None, Some(template)) = (&message, &runnable[control].message) {
                message = Some(template.render(&Facts {
                    principal,
                    resource,
                    context: &req.context_json,
                    as_of,
                }));
            }
            verdicts.push(Verdict {
                request: index,
                message: message.map(Box::new),
                // An index into the pack's controls, a few dozen.
                control: control as u32,
                status,
            });
        }
    }
    verdicts
}

/// A Cedar set of some controls of a validated pack. Their ids are unique
/// (the pack was built from them), so adding cannot fail; should it ever,
/// the requests judged with it report `error`, never a pass.
fn policy_set<'p>(policies: impl Iterator<Item = &'p Policy>) -> Result<PolicySet, String> {
    let mut set = PolicySet::new();
    for p in policies {
        set.add(p.clone())
            .map_err(|e| format!("cannot build the policy set of `{}`: {e}", p.id()))?;
    }
    Ok(set)
}

/// A policy for one of several threads judging at once.
///
/// For every request, Cedar clones the expression trees of the policies it
/// evaluates, and their nodes are reference counted: two threads sharing
/// one copy bounce the counters' cache lines between the cores. Parsed again
/// from its text, a thread's copy shares nothing with the others': judging
/// the largest account on two threads took 61 instead of 80 ms. Should the
/// text not parse again (it always does), the shared policy serves, only
/// slower.
fn copy_for_thread(policy: &Policy) -> Policy {
    Policy::parse(Some(policy.id().clone()), policy.to_string()).unwrap_or_else(|_| policy.clone())
}

/// Why a control cannot run on this snapshot, if it cannot.
fn unmet_requirement(control: &Control, model: &Model) -> Option<String> {
    for r in &control.requires {
        match r {
            Requirement::Evidence(kind) => {
                if model.available.contains(kind) {
                    continue;
                }
                if let Some((_, why)) = model.incomplete.iter().find(|(k, _)| k == kind) {
                    return Some(format!("needs complete `{kind}`: {why}"));
                }
                return Some(format!(
                    "needs the `{kind}` export, which this snapshot lacks (produce it with `{}`)",
                    kind.command()
                ));
            }
            Requirement::AnyOf(kinds) => {
                if kinds.iter().any(|k| model.available.contains(k)) {
                    continue;
                }
                return Some(format!(
                    "needs one of these exports, which this snapshot lacks: {}",
                    kinds
                        .iter()
                        .map(|k| format!("`{k}` (`{}`)", k.command()))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ));
            }
            Requirement::AsOf => {
                if model.as_of.time.is_none() {
                    return Some(
                        "needs an as-of time, and the evidence has none (a bare CSV has no `GeneratedTime`): pass `--as-of YYYY-MM-DD`, use the credential report's JSON envelope, or add `exported_at` to a `snapshot.json` manifest".into(),
                    );
                }
            }
        }
    }
    None
}

/// What Cedar said about one request: the determining (satisfied) policies
/// and the policies that errored, with their messages.
struct Decided {
    satisfied: BTreeSet<String>,
    errors: BTreeMap<String, Vec<String>>,
    /// The request itself was refused (a bug in normalization).
    refused: Option<String>,
}

/// A request's principal, action and resource as Cedar's uids.
struct Uids {
    principal: EntityUid,
    action: EntityUid,
    resource: EntityUid,
}

fn decide(
    authorizer: &Authorizer,
    req: &AccessRequest,
    Uids {
        principal,
        action,
        resource,
    }: Uids,
    set: &PolicySet,
    entities: &Entities,
) -> Decided {
    let mut decided = Decided {
        satisfied: BTreeSet::new(),
        errors: BTreeMap::new(),
        refused: None,
    };
    let request = match Request::new(principal, action, resource, req.context.clone(), None) {
        Ok(r) => r,
        Err(e) => {
            decided.refused = Some(e.to_string());
            return decided;
        }
    };
    let response = authorizer.is_authorized(&request, set, entities);
    for id in response.diagnostics().reason() {
        // The id's text as it is, without going through `Display`.
        let id: &str = id.as_ref();
        decided.satisfied.insert(id.to_owned());
    }
    for e in response.diagnostics().errors() {
        let (id, message) = match e {
            cedar_policy::AuthorizationError::PolicyEvaluationError(err) => {
                (err.policy_id().to_string(), err.inner().to_string())
            }
        };
        decided.errors.entry(id).or_default().push(message);
    }
    for messages in decided.errors.values_mut() {
        messages.sort();
    }
    decided
}

/// A control's status on a request, and its message when it is not the
/// request's own.
fn verdict_of(
    control: &Control,
    req: &AccessRequest,
    decided: &Decided,
) -> (Status, Option<String>) {
    if let Some(why) = &req.unreadable {
        return (Status::Error, Some(why.clone()));
    }
    let needs = |kind| control.requires.iter().any(|r| r.names(kind));
    if let Some((_, why)) = req.missing.iter().find(|(k, _)| needs(*k)) {
        return (Status::NotEvaluated, Some(why.clone()));
    }
    // Rare: the policy is read only for requests with an unknown fact.
    if let Some((_, why)) = req
        .unknown
        .iter()
        .find(|(attribute, _)| crate::model::reads::reads_attribute(&control.policy, attribute))
    {
        return (Status::NotEvaluated, Some(why.clone()));
    }
    if let Some(why) = &decided.refused {
        return (
            Status::Error,
            Some(format!("the request could not be built: {why}")),
        );
    }
    if let Some(messages) = decided.errors.get(&control.id) {
        return (
            Status::Error,
            Some(format!("policy evaluation error: {}", messages.join("; "))),
        );
    }
    if decided.satisfied.contains(&control.id) {
        (Status::Fail, None)
    } else {
        (Status::Pass, None)
    }
}

/// Is the request in the control's scope (principal, action, resource
/// constraints, with `in` following the entity hierarchy)?
impl Scope {
    /// Whether a request falls in this scope, as Cedar reads `==`, `in` and `is`.
    fn admits(
        &self,
        Uids {
            principal,
            action,
            resource,
        }: &Uids,
        entities: &Entities,
    ) -> bool {
        let principal_ok = match &self.principal {
            PrincipalConstraint::Any => true,
            PrincipalConstraint::Eq(uid) => uid == principal,
            PrincipalConstraint::In(uid) => is_in(entities, principal, uid),
            PrincipalConstraint::Is(t) => principal.type_name() == t,
            PrincipalConstraint::IsIn(t, uid) => {
                principal.type_name() == t && is_in(entities, principal, uid)
            }
        };
        if !principal_ok {
            return false;
        }
        let action_ok = match &self.action {
            ActionConstraint::Any => true,
            ActionConstraint::Eq(uid) => uid == action,
            // The schema defines no action groups, so `in [..]` is membership.
            ActionConstraint::In(list) => list.contains(action),
        };
        if !action_ok {
            return false;
        }
        match &self.resource {
            ResourceConstraint::Any => true,
            ResourceConstraint::Eq(uid) => uid == resource,
            ResourceConstraint::In(uid) => is_in(entities, resource, uid),
            ResourceConstraint::Is(t) => resource.type_name() == t,
            ResourceConstraint::IsIn(t, uid) => {
                resource.type_name() == t && is_in(entities, resource, uid)
            }
        }
    }
}

fn is_in(entities: &Entities, entity: &EntityUid, ancestor: &EntityUid) -> bool {
    entities.is_ancestor_of(ancestor, entity)
}
