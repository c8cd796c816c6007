//! Managed and inline policies: their entities, how a managed policy's ARN
//! becomes its entity, and the `HoldPolicy` requests of the identities that
//! hold them.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use cedar_policy::EntityUid;

use super::{messages, Builder, RequestContext};
use crate::error::Error;
use crate::evidence::authorization_details::{AttachedPolicy, InlinePolicy};
use crate::evidence::snapshot::Snapshot;
use crate::evidence::EvidenceKind;
use crate::model::arn::Arn;
use crate::model::cedar::{self, Type};
use crate::model::{Action, EntityRef};

/// The name of the AWS managed policy that makes a role a support role.
pub const SUPPORT_POLICY: &str = "AWSSupportAccess";

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
    let parsed = Arn::parse(arn)?;
    if parsed.service == "iam" && parsed.account == "aws" {
        parsed.resource.strip_prefix("policy/")
    } else {
        None
    }
}

/// The partition-free ids of the AWS managed policies among `attached`, as
/// a Cedar set (`attached_aws_managed_policies`).
pub(super) fn aws_managed_ids(attached: &[AttachedPolicy]) -> cedar::AttrValue {
    cedar::string_set(attached.iter().filter_map(|p| aws_managed_name(&p.arn)))
}

pub(super) fn unreadable_managed_policies(snapshot: &Snapshot) -> BTreeMap<String, String> {
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

/// The ARNs of the managed policies the export holds.
pub(super) fn exported_managed_policies(snapshot: &Snapshot) -> BTreeSet<&str> {
    snapshot
        .authorization_details
        .iter()
        .flat_map(|d| d.policies.iter().flatten())
        .map(|p| p.arn.as_str())
        .collect()
}

impl Builder<'_> {
    /// Managed policy entities: every policy in the export's `Policies` and
    /// every policy an identity references (a filtered export may reference
    /// policies it does not contain).
    pub(super) fn managed_policies(&mut self) -> Result<(), Error> {
        let Some(details) = &self.snapshot.authorization_details else {
            return Ok(());
        };
        struct Facts<'d> {
            arn: &'d str,
            name: &'d str,
            path: &'d str,
            default_version: &'d str,
            full_admin: bool,
            service_wildcard: bool,
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
            let service_wildcard =
                matches!(&p.default_document, Some(Ok(facts)) if facts.allows_service_wildcard);
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
                        service_wildcard,
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
                        service_wildcard: false,
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
            if !aws {
                a.put(
                    "allows_service_wildcard",
                    cedar::boolean(f.service_wildcard),
                );
            }
            self.entity(uid, a, &[])?;
        }
        // One review per customer managed policy the export holds, attached
        // or not (IAM.21 judges every policy the account created).
        for p in details.policies.iter().flatten() {
            if aws_managed_name(&p.arn).is_some() {
                continue;
            }
            let message =
                messages::policy_review_message(&p.default_version_id, p.attachment_count);
            let review = self.review_entry(
                Type::ManagedPolicy,
                &p.arn,
                (EvidenceKind::AuthorizationDetails, &p.file, &p.pointer),
                message,
            );
            match &p.default_document {
                Some(Ok(_)) => {}
                Some(Err(problem)) => {
                    review.unreadable = Some(messages::managed_unreadable(&problem.to_string()))
                }
                None => review.unknown.push((
                    "allows_service_wildcard",
                    messages::POLICY_WITHOUT_DEFAULT.into(),
                )),
            }
        }
        Ok(())
    }

    /// `HoldPolicy` requests (and inline policy entities) for one identity.
    pub(super) fn hold_policies(
        &mut self,
        holder_type: Type,
        holder_arn: &str,
        attached: &[AttachedPolicy],
        inline: &[InlinePolicy],
    ) -> Result<(), Error> {
        // One copy of the holder's ARN for all its paths' names and subjects.
        let holder_name: Arc<str> = holder_arn.into();
        // An attachment listed twice means one attachment (IAM attaches a
        // policy to an identity at most once): one request, so one result
        // of its id, and a warning about the export.
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for p in attached {
            if !seen.insert(p.arn.as_str()) {
                self.warnings
                    .push(messages::duplicate_attachment(&p.arn, holder_arn));
                continue;
            }
            let ctx = RequestContext::Common;
            let unreadable = self.unreadable_managed.get(&p.arn).cloned();
            let exported = self.exported_managed.contains(p.arn.as_str());
            let policy_arn: Arc<str> = p.arn.as_str().into();
            let req = self.request(
                format!("{holder_arn}/holds/{}", p.arn),
                Action::HoldPolicy,
                EntityRef::named(holder_type, &holder_name),
                (managed_policy_ref(&policy_arn), policy_arn.clone()),
                ctx,
                holder_name.clone(),
                messages::attached_message(&p.name, holder_arn).into(),
            )?;
            req.resource_subject = policy_arn;
            if let Some(problem) = unreadable {
                req.unreadable = Some(messages::managed_unreadable(&problem));
            } else if !exported {
                req.unknown.push((
                    "allows_full_admin",
                    messages::managed_not_exported(&p.arn, holder_arn),
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
                )
                .put(
                    "allows_kms_decrypt_all_keys",
                    cedar::boolean(
                        matches!(&p.document, Ok(facts) if facts.allows_kms_decrypt_all_keys),
                    ),
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
                messages::inline_message(&p.name, holder_arn).into(),
            )?;
            if let Err(problem) = &p.document {
                req.unreadable = Some(messages::inline_unreadable(problem));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{attr, details, model, request};
    use super::*;
    use crate::evidence::snapshot::Snapshot;

    #[test]
    fn aws_managed_policies_are_named_alike_in_every_partition() {
        for arn in [
            "arn:aws:iam::aws:policy/AWSSupportAccess",
            "arn:aws-us-gov:iam::aws:policy/AWSSupportAccess",
        ] {
            assert_eq!(aws_managed_name(arn), Some(SUPPORT_POLICY));
            assert_eq!(
                managed_policy_uid(arn),
                Type::AwsManagedPolicy.uid("AWSSupportAccess")
            );
        }
        let own = "arn:aws:iam::123456789012:policy/AWSSupportAccess";
        assert_eq!(aws_managed_name(own), None);
        assert_eq!(managed_policy_uid(own), Type::ManagedPolicy.uid(own));
        assert_eq!(aws_managed_name("arn:aws:s3::aws:policy/x"), None);
    }

    #[test]
    fn a_request_keeps_the_uid_the_entity_has() {
        for arn in [
            "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
            "arn:aws:iam::123456789012:policy/deploy",
        ] {
            let arn: Arc<str> = arn.into();
            assert_eq!(managed_policy_ref(&arn).uid(), managed_policy_uid(&arn));
        }
    }

    const ANN: &str = "arn:aws:iam::123456789012:user/ann";
    const DEPLOY: &str = "arn:aws:iam::123456789012:policy/deploy";

    fn snapshot() -> Snapshot {
        let snapshot = Snapshot {
            authorization_details: Some(details(
                &format!(
                    r#"{{"UserName":"ann","Arn":"{ANN}","Path":"/",
                    "AttachedManagedPolicies":[{{"PolicyName":"deploy","PolicyArn":"{DEPLOY}"}},{{"PolicyName":"gone","PolicyArn":"arn:aws:iam::123456789012:policy/gone"}}],
                    "UserPolicyList":[{{"PolicyName":"all","PolicyDocument":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"*","Resource":"*"}}]}}}}]}}"#
                ),
                "",
                "",
                &format!(
                    r#"{{"PolicyName":"deploy","Arn":"{DEPLOY}","Path":"/","DefaultVersionId":"v2",
                    "PolicyVersionList":[{{"VersionId":"v2","IsDefaultVersion":true,"Document":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}]}}}}]}}"#
                ),
            )),
            ..Default::default()
        };
        snapshot
    }

    #[test]
    fn held_policies_are_entities_and_requests() {
        let m = model(&snapshot());
        assert_eq!(
            attr(&m, Type::ManagedPolicy, DEPLOY, "in_export").as_deref(),
            Some("true")
        );
        assert_eq!(
            attr(&m, Type::ManagedPolicy, DEPLOY, "default_version").as_deref(),
            Some("v2")
        );
        assert_eq!(
            attr(&m, Type::ManagedPolicy, DEPLOY, "allows_full_admin").as_deref(),
            Some("false")
        );
        // Referenced but not exported: an entity all the same.
        let gone = "arn:aws:iam::123456789012:policy/gone";
        assert_eq!(
            attr(&m, Type::ManagedPolicy, gone, "in_export").as_deref(),
            Some("false")
        );
        let held = request(&m, &format!("{ANN}/holds/{DEPLOY}"));
        assert_eq!(&*held.resource_subject, DEPLOY);
        assert_eq!(&*held.subject, ANN);
        let inline_id = format!("{ANN}/inline-policy/all");
        assert_eq!(
            attr(&m, Type::InlinePolicy, &inline_id, "allows_full_admin").as_deref(),
            Some("true")
        );
        let inline = request(&m, &format!("{ANN}/holds/{inline_id}"));
        assert_eq!(&*inline.message, format!("inline policy `all` of `{ANN}`"));
        assert!(inline.unreadable.is_none());
    }
}
