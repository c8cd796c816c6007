//! IAM roles and their trust paths: one `AssumeRole` request per
//! (statement, principal) of a trust policy, and the trusted principals'
//! entities.

use std::collections::BTreeSet;
use std::sync::Arc;

use cedar_policy::EntityUid;
use serde_json::{json, Map, Value};

use super::{messages, policies, Builder, RequestContext};
use crate::error::Error;
use crate::evidence::authorization_details::Document;
use crate::evidence::time::Timestamp;
use crate::evidence::EvidenceKind;
use crate::model::arn;
use crate::model::cedar::{self, Type};
use crate::model::trust::{self, trust_paths, PrincipalKind, TrustPath};
use crate::model::{sanity, Action, EntityRef};

/// How many days back AWS reports a role's last use (`RoleLastUsed`).
const ROLE_USE_TRACKED_DAYS: i64 = 400;

impl Builder<'_> {
    /// Role entities and their trust paths; returns the support roles' ARNs.
    pub(super) fn roles(&mut self) -> Result<Vec<String>, Error> {
        let mut support = Vec::new();
        let Some(details) = &self.snapshot.authorization_details else {
            return Ok(support);
        };
        for r in details.roles.iter().flatten() {
            let uid = Type::Role.uid(&r.arn);
            let is_support = r
                .attached
                .iter()
                .any(|p| policies::aws_managed_name(&p.arn) == Some(policies::SUPPORT_POLICY));
            if is_support {
                support.push(r.arn.clone());
            }
            let mut a = self.attrs(Type::Role);
            a.put_str("arn", &r.arn)
                .put_str("name", &r.name)
                .put_str("path", &r.path)
                .put_str("account_id", arn::account_of(&r.arn))
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
                )
                .put_with("attached_aws_managed_policies", || {
                    policies::aws_managed_ids(&r.attached)
                });
            let mut parents = self.account_parent(&r.arn);
            parents.extend(
                r.attached
                    .iter()
                    .map(|p| policies::managed_policy_uid(&p.arn)),
            );
            self.entity_with_ancestors(uid.clone(), a, &parents, &[], &r.tags)?;
            // Each trust path points at its statement; an unreadable trust
            // policy's stand-in request at the document itself.
            let trust_at = format!("{}/AssumeRolePolicyDocument", r.pointer);
            let start = self.requests.next_key();
            self.trust(&r.arn, &r.trust_policy, (&r.file, &trust_at))?;
            self.locate_since(start, self.detail_location(&r.file, &trust_at));
            let start = self.requests.next_key();
            self.hold_policies(Type::Role, &r.arn, &r.attached, &r.inline)?;
            self.locate_since(start, self.detail_location(&r.file, &r.pointer));
            let unknown = self.role_use_unknown(r.last_used, r.created);
            let message = messages::identity_review_message("role", &r.attached);
            let at = self.detail_location(&r.file, &r.pointer);
            self.holder_request(Type::Role, &r.arn, message.clone(), Some(at))?;
            let review = self.review_entry(
                Type::Role,
                &r.arn,
                (EvidenceKind::AuthorizationDetails, &r.file, &r.pointer),
                message,
            );
            review.unknown.extend(unknown);
        }
        support.sort();
        Ok(support)
    }

    /// What the evidence cannot tell about a role's last use. A role without
    /// `RoleLastUsed` counts as never used and is judged by its age, which
    /// needs `CreateDate`; and AWS tracks role use for 400 days only, so with
    /// a threshold over 400 days a role old enough to fail may have been
    /// used before the tracking window: unknown, never a guess.
    fn role_use_unknown(
        &self,
        last_used: Option<Timestamp>,
        created: Option<Timestamp>,
    ) -> Vec<(&'static str, String)> {
        if last_used.is_some() {
            return Vec::new();
        }
        let Some(created) = created else {
            return vec![("created", messages::ROLE_AGE_UNKNOWN.into())];
        };
        let threshold = self.thresholds.get("role-unused-days");
        match self.as_of.time {
            Some(now)
                if threshold > ROLE_USE_TRACKED_DAYS && now.days_since(created) >= threshold =>
            {
                vec![("last_used", messages::role_use_unknown(threshold))]
            }
            _ => Vec::new(),
        }
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
            Ok(doc) if trust::analysable(doc) => doc,
            other => {
                let why = match other {
                    Err(problem) => messages::trust_unreadable(problem),
                    Ok(doc) => trust::too_costly(doc),
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
                    messages::TRUST_UNREADABLE.into(),
                )?;
                req.unreadable = Some(why);
                return Ok(());
            }
        };
        self.warnings
            .extend(sanity::trust_policy_oddities(doc, role_arn));
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
            let message = messages::trust_message(&path);
            let location = self.detail_location(
                statement_at.0,
                &format!("{}/Statement/{}", statement_at.1, path.statement_index),
            );
            let principal_name: Arc<str> = path.principal.id.as_str().into();
            let req = self.request(
                id,
                Action::AssumeRole,
                EntityRef::named(principal_type, &principal_name),
                EntityRef::named(Type::Role, &role_name),
                ctx,
                role_name.clone(),
                message.into(),
            )?;
            req.location = Some(Arc::new(location));
            // A principal the reader does not recognise cannot be judged:
            // whether it must use MFA is unknown, never a pass.
            if path.principal.kind == PrincipalKind::Other {
                req.missing.push((
                    EvidenceKind::AuthorizationDetails,
                    messages::unrecognised_principal(&path),
                ));
            }
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
    m.insert("mfa_reason".into(), json!(path.mfa_gate.explanation()));
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
    m.insert("mfa_reason".into(), json!(""));
    m.insert("external_id_required".into(), json!(false));
    m.insert("cross_account".into(), json!(false));
    m.insert("condition_keys".into(), json!([]));
    m.insert("actions".into(), json!([]));
    m
}

#[cfg(test)]
mod tests {
    use super::super::tests::{attr, details, entity, model, request, request_ids};
    use super::*;
    use crate::evidence::snapshot::Snapshot;

    const ROLE: &str = "arn:aws:iam::123456789012:role/ops/support";

    fn snapshot(trust: &str) -> Snapshot {
        let snapshot = Snapshot {
            authorization_details: Some(details(
                "",
                "",
                &format!(
                    r#"{{"RoleName":"support","Arn":"{ROLE}","Path":"/ops/","AssumeRolePolicyDocument":{trust},"AttachedManagedPolicies":[{{"PolicyName":"AWSSupportAccess","PolicyArn":"arn:aws:iam::aws:policy/AWSSupportAccess"}}]}}"#
                ),
                "",
            )),
            ..Default::default()
        };
        snapshot
    }

    const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"Ops","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::999999999999:root","arn:aws:iam::999999999999:root"]},"Action":"sts:AssumeRole"},
        {"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

    #[test]
    fn one_path_per_statement_and_principal() {
        let m = model(&snapshot(TRUST));
        let ids: Vec<&str> = request_ids(&m)
            .into_iter()
            .filter(|id| id.contains("/statement/"))
            .collect();
        assert_eq!(
            ids,
            [
                format!("{ROLE}/statement/0/principal/arn:aws:iam::999999999999:root"),
                format!("{ROLE}/statement/1/principal/ec2.amazonaws.com"),
            ]
        );
        let aws = request(&m, ids[0]);
        assert_eq!(aws.context_json["cross_account"], true);
        assert_eq!(aws.context_json["mfa_gated"], false);
        assert_eq!(aws.context_json["statement_sid"], "Ops");
        assert!(aws.message.starts_with("statement `Ops`: trusts `arn:aws:iam::999999999999:root` (account) without requiring MFA"), "{}", aws.message);
        let location = aws.location.as_deref().expect("located");
        assert_eq!(
            location.pointer.as_deref(),
            Some("/RoleDetailList/0/AssumeRolePolicyDocument/Statement/0")
        );
        let service = request(&m, ids[1]);
        assert_eq!(service.principal.ty, Type::ServicePrincipal);
        assert!(
            service
                .message
                .starts_with("statement #1: trusts the service"),
            "{}",
            service.message
        );
        // The trusted account's principal is in that account.
        let principal =
            entity(&m, Type::AwsPrincipal, "arn:aws:iam::999999999999:root").expect("made");
        assert_eq!(
            principal
                .attr("account_id")
                .map(|v| v.expect("a value").to_string())
                .as_deref(),
            Some("\"999999999999\"")
        );
    }

    #[test]
    fn a_role_holding_the_support_policy_is_a_support_role() {
        let m = model(&snapshot(TRUST));
        let review = &m.requests.iter().last().expect("the account review");
        assert_eq!(
            review.context_json["support_roles"],
            serde_json::json!([ROLE])
        );
        assert_eq!(&*review.message, format!("support roles: `{ROLE}`"));
        assert_eq!(
            attr(&m, Type::Role, ROLE, "is_service_linked").as_deref(),
            Some("false")
        );
        assert_eq!(attr(&m, Type::Role, ROLE, "path").as_deref(), Some("/ops/"));
    }

    #[test]
    fn an_unreadable_trust_policy_is_one_request_that_errors() {
        let m = model(&snapshot(r#"{"Statement":"not a list"}"#));
        let req = request(&m, &format!("{ROLE}/trust-policy"));
        assert_eq!(req.action, Action::AssumeRole);
        assert_eq!(&*req.principal.id, "?");
        assert!(
            req.unreadable
                .as_deref()
                .is_some_and(|why| why.starts_with("the trust policy does not decode")),
            "{:?}",
            req.unreadable
        );
    }

    #[test]
    fn the_stand_in_context_has_the_same_facts_as_a_real_one() {
        let m = model(&snapshot(TRUST));
        let real = &request(
            &m,
            &format!("{ROLE}/statement/1/principal/ec2.amazonaws.com"),
        )
        .context_json;
        let real_keys: Vec<&String> = real.as_object().expect("an object").keys().collect();
        let mut stand_in = super::super::common_context(
            crate::model::AsOf {
                time: None,
                source: crate::model::AsOfSource::None,
            },
            &crate::model::Thresholds::default(),
        );
        stand_in.extend(trust_context_unknown());
        let stand_in_keys: Vec<&String> = stand_in.keys().collect();
        assert_eq!(stand_in_keys, real_keys);
    }
}
