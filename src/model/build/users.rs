//! IAM users and access keys (of users and of root), and the credential
//! facts that root and users share.

use std::collections::BTreeMap;
use std::sync::Arc;

use cedar_policy::EntityUid;

use super::{messages, policies, Builder, PendingReview, RequestContext};
use crate::error::Error;
use crate::evidence::authorization_details::UserDetail;
use crate::evidence::credential_report::{CredentialRow, PasswordEnabled};
use crate::evidence::EvidenceKind;
use crate::model::arn::Arn;
use crate::model::cedar::{self, Attrs, Type};
use crate::model::{Action, EntityReads, EntityRef};

/// Facts about one IAM user, from either export.
struct UserFacts<'s> {
    row: Option<&'s CredentialRow>,
    detail: Option<&'s UserDetail>,
}

impl<'s> Builder<'s> {
    pub(super) fn users(&mut self, group_arns: &BTreeMap<String, String>) -> Result<(), Error> {
        let mut users: BTreeMap<&str, UserFacts<'s>> = BTreeMap::new();
        if let Some((_, report)) = &self.snapshot.credential_report {
            for row in report.rows.iter().filter(|r| !r.is_root) {
                if let Some(first) = users.get(row.arn.as_str()).and_then(|f| f.row) {
                    self.warnings.push(messages::duplicate_row_warning(
                        &row.arn, first.line, row.line,
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
        let parsed = Arn::parse(arn);
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
            );
        put_credentials(
            &mut a,
            Credentials {
                row,
                mfa_active: row.is_some_and(|r| r.mfa_active),
                has_virtual_mfa: self.virtual_mfa_users.contains(arn),
                active_keys: row.map(active_keys).unwrap_or(0),
            },
        );
        a.put_time(
            "password_last_changed",
            row.and_then(|r| r.password_last_changed.timestamp()),
        )
        .put(
            "active_signing_certificates",
            cedar::long(
                row.map(|r| r.certs.iter().filter(|c| c.active).count() as i64)
                    .unwrap_or(0),
            ),
        )
        .put_with("attached_aws_managed_policies", || {
            policies::aws_managed_ids(facts.detail.map(|d| &d.attached[..]).unwrap_or(&[]))
        })
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
            parents.extend(
                d.attached
                    .iter()
                    .map(|p| policies::managed_policy_uid(&p.arn)),
            );
            tags = &d.tags;
        }
        self.entity_with_ancestors(uid.clone(), a, &parents, &indirect, tags)?;
        // An access key is in its user, and so in everything the user is in.
        parents.extend(indirect);

        // The console access path. A user the credential report does not list
        // has no evidence for it: not evaluated, never a pass.
        let message = match row {
            Some(r) => messages::console_message(r),
            None => messages::NO_REPORT_ROW.to_string(),
        };
        let ctx = RequestContext::Common;
        let location = match (row, facts.detail) {
            (Some(r), _) => self.row_location(r),
            (None, Some(d)) => Some(Arc::new(self.detail_location(&d.file, &d.pointer))),
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
                messages::USER_NOT_IN_REPORT_CONSOLE.into(),
            ));
        }
        if let Some(r) = row {
            self.access_keys(r, (&uid, Type::User), &parents)?;
        }
        if let Some(d) = facts.detail {
            let start = self.requests.next_key();
            self.hold_policies(Type::User, arn, &d.attached, &d.inline)?;
            self.locate_since(start, self.detail_location(&d.file, &d.pointer));
            let message = messages::identity_review_message("user", &d.attached);
            let at = self.detail_location(&d.file, &d.pointer);
            self.holder_request(Type::User, arn, message, Some(at))?;
        } else if self.snapshot.authorization_details.is_some() {
            // Only in the credential report: what is attached to the user is
            // unknown, never "nothing".
            let location = row.and_then(|r| self.row_location(r));
            let req =
                self.holder_request(Type::User, arn, messages::USER_NOT_IN_DETAILS.into(), None)?;
            req.location = location;
            req.missing.push((
                EvidenceKind::AuthorizationDetails,
                messages::USER_NOT_IN_DETAILS.into(),
            ));
        }

        // The user as a whole (key count, direct policies), judged once per
        // user; each export the user is absent from leaves its facts unknown.
        let mut missing = Vec::new();
        if row.is_none() && has_report {
            missing.push((
                EvidenceKind::CredentialReport,
                messages::USER_NOT_IN_REPORT_REVIEW.into(),
            ));
        }
        if facts.detail.is_none() && self.snapshot.authorization_details.is_some() {
            missing.push((
                EvidenceKind::AuthorizationDetails,
                messages::USER_NOT_IN_DETAILS.into(),
            ));
        }
        let mut sources = Vec::new();
        if let Some(at) = row.and_then(|r| self.row_location(r)) {
            sources.push((EvidenceKind::CredentialReport, at));
        }
        if let Some(d) = facts.detail {
            let at = Arc::new(self.detail_location(&d.file, &d.pointer));
            sources.push((EvidenceKind::AuthorizationDetails, at));
        }
        self.reviews.push(PendingReview {
            id: format!("{arn}/review"),
            principal: EntityRef::named(Type::User, &name),
            subject: name,
            message: messages::user_review_message(row, facts.detail),
            missing,
            unknown: Vec::new(),
            unreadable: None,
            sources,
        });
        Ok(())
    }

    /// The access keys of a credential report row, whose owner (a user or
    /// root) has the ancestors `owner_ancestors`.
    pub(super) fn access_keys(
        &mut self,
        row: &CredentialRow,
        (owner, owner_type): (&EntityUid, Type),
        owner_ancestors: &[EntityUid],
    ) -> Result<(), Error> {
        let report_has_key_use = self
            .snapshot
            .credential_report
            .as_ref()
            .is_some_and(|(_, r)| r.has_last_used_columns);
        let (as_of, unused_days) = (self.as_of.time, self.thresholds.get("unused-days"));
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
            let message = messages::access_key_message(slot, key);
            let ctx = RequestContext::Common;
            let location = self.row_location(row);
            let owner_arn: Arc<str> = row.arn.as_str().into();
            let key_name: Arc<str> = key_id.as_str().into();
            let req = self.request(
                key_id,
                Action::UseAccessKey,
                EntityRef::named(owner_type, &owner_arn),
                EntityRef::named(Type::AccessKey, &key_name),
                ctx,
                owner_arn,
                message.into(),
            )?;
            req.location = location;
            // AWS records a rotation time for every key it creates: an
            // active key without one is a row that contradicts itself, and
            // its age is unknown, never young.
            if key.active && key.last_rotated.timestamp().is_none() {
                req.unknown.push((
                    "last_rotated",
                    messages::key_without_rotation(slot, &row.arn),
                ));
            }
            // A 16-column report has no `access_key_N_last_used_date`: whether
            // an active key was ever used is unknown. Its age still bounds
            // its idleness: a key made less than `unused-days` ago cannot
            // have been idle that long, so `last_used` is unknown only for
            // older keys (or without an as-of time).
            if key.active && !report_has_key_use {
                let why = messages::key_use_unknown(slot, &row.arn);
                req.unknown.push(("last_used_state", why.clone()));
                let young = match (key.last_rotated.timestamp(), as_of) {
                    (Some(made), Some(now)) => now.days_since(made) < unused_days,
                    _ => false,
                };
                if !young {
                    req.unknown.push(("last_used", why));
                }
            }
        }
        Ok(())
    }
}

pub(super) fn active_keys(row: &CredentialRow) -> i64 {
    row.access_keys.iter().filter(|k| k.active).count() as i64
}

/// The credential facts that root and users both have, each with the same
/// meaning: the caller decides where they come from (root may have only the
/// account summary).
pub(super) struct Credentials<'r> {
    /// The identity's credential report row, if the report lists it.
    pub(super) row: Option<&'r CredentialRow>,
    pub(super) mfa_active: bool,
    pub(super) has_virtual_mfa: bool,
    pub(super) active_keys: i64,
}

/// Puts the credential attributes root and users share: one piece of code,
/// so that a control reading them judges both alike.
pub(super) fn put_credentials(a: &mut Attrs<EntityReads>, c: Credentials) {
    a.put_time(
        "password_last_used",
        c.row.and_then(|r| r.password_last_used.timestamp()),
    )
    .put_str(
        "password_last_used_state",
        c.row
            .map(|r| r.password_last_used.as_str())
            .unwrap_or("absent"),
    )
    .put("mfa_active", cedar::boolean(c.mfa_active))
    .put("has_virtual_mfa", cedar::boolean(c.has_virtual_mfa))
    .put("active_access_keys", cedar::long(c.active_keys));
}

#[cfg(test)]
mod tests {
    use super::super::tests::{attr, details, model, report, request, request_ids, row};
    use super::*;
    use crate::evidence::snapshot::Snapshot;

    const ANN: &str = "arn:aws:iam::123456789012:user/ann";

    #[test]
    fn the_shared_credential_attributes_come_from_the_row() {
        let (_, report) = report(&[row("ann", ANN, "true", true, Some(true))]);
        let reads = EntityReads::everything();
        let mut a = Attrs::new(&reads, Type::User);
        put_credentials(
            &mut a,
            Credentials {
                row: report.rows.first(),
                mfa_active: true,
                has_virtual_mfa: false,
                active_keys: 1,
            },
        );
        let e = cedar_policy::Entity::from(
            cedar::entity(Type::User.uid(ANN), a, &[], &[], &[]).expect("made"),
        );
        let get = |name| e.attr(name).map(|v| v.expect("a value").to_string());
        assert_eq!(get("password_last_used_state").as_deref(), Some("\"n/a\""));
        assert_eq!(get("mfa_active").as_deref(), Some("true"));
        assert_eq!(get("has_virtual_mfa").as_deref(), Some("false"));
        assert_eq!(get("active_access_keys").as_deref(), Some("1"));
        // `N/A` is no time: the attribute is left out.
        assert_eq!(get("password_last_used"), None);
    }

    #[test]
    fn without_a_row_the_credentials_are_absent_and_zero() {
        let reads = EntityReads::everything();
        let mut a = Attrs::new(&reads, Type::User);
        put_credentials(
            &mut a,
            Credentials {
                row: None,
                mfa_active: false,
                has_virtual_mfa: true,
                active_keys: 0,
            },
        );
        let e = cedar_policy::Entity::from(
            cedar::entity(Type::User.uid(ANN), a, &[], &[], &[]).expect("made"),
        );
        let get = |name| e.attr(name).map(|v| v.expect("a value").to_string());
        assert_eq!(
            get("password_last_used_state").as_deref(),
            Some("\"absent\"")
        );
        assert_eq!(get("has_virtual_mfa").as_deref(), Some("true"));
        assert_eq!(get("active_access_keys").as_deref(), Some("0"));
    }

    #[test]
    fn a_user_absent_from_the_report_lacks_evidence() {
        let snapshot = Snapshot {
            credential_report: Some(report(&[row(
                "bob",
                "arn:aws:iam::123456789012:user/bob",
                "false",
                false,
                None,
            )])),
            authorization_details: Some(details(
                &format!(r#"{{"UserName":"ann","Arn":"{ANN}","Path":"/"}}"#),
                "",
                "",
                "",
            )),
            ..Default::default()
        };
        let m = model(&snapshot);
        let console = request(&m, ANN);
        assert_eq!(&*console.message, "no row in the credential report");
        assert_eq!(console.missing.len(), 1);
        assert_eq!(console.missing[0].0, EvidenceKind::CredentialReport);
        let review = request(&m, &format!("{ANN}/review"));
        assert_eq!(review.missing.len(), 1);
        // Bob is in the report but not in the authorization details.
        let bob = request(&m, "arn:aws:iam::123456789012:user/bob/review");
        assert_eq!(bob.missing[0].0, EvidenceKind::AuthorizationDetails);
        assert_eq!(
            attr(&m, Type::User, ANN, "in_credential_report").as_deref(),
            Some("false")
        );
        assert_eq!(attr(&m, Type::User, ANN, "name").as_deref(), Some("ann"));
    }

    #[test]
    fn a_repeated_row_is_ignored_with_a_warning() {
        // The reader refuses rows of one user that differ; the same row
        // twice reaches the model, which reads it once.
        let snapshot = Snapshot {
            credential_report: Some(report(&[
                row("ann", ANN, "true", true, None),
                row("ann", ANN, "true", true, None),
            ])),
            ..Default::default()
        };
        let m = model(&snapshot);
        assert!(m.warnings.iter().any(|w| w.contains("lists `arn:aws:iam::123456789012:user/ann` twice; the first row (line 2) is used, line 3 is ignored")), "{:?}", m.warnings);
        assert_eq!(
            attr(&m, Type::User, ANN, "mfa_active").as_deref(),
            Some("true")
        );
    }

    #[test]
    fn a_key_slot_is_a_path_only_when_it_holds_a_key() {
        let snapshot = Snapshot {
            credential_report: Some(report(&[
                row("ann", ANN, "true", true, Some(false)),
                row(
                    "bob",
                    "arn:aws:iam::123456789012:user/bob",
                    "true",
                    true,
                    None,
                ),
            ])),
            ..Default::default()
        };
        let m = model(&snapshot);
        let ids = request_ids(&m);
        let key = format!("{ANN}/access-key/1");
        assert!(ids.contains(&key.as_str()), "{ids:?}");
        assert!(
            !ids.iter().any(|id| id.contains("user/bob/access-key")),
            "{ids:?}"
        );
        let req = request(&m, &key);
        assert_eq!(req.action, Action::UseAccessKey);
        assert!(
            req.message
                .starts_with("access key 1 inactive, last rotated 2024-01-01"),
            "{}",
            req.message
        );
        assert_eq!(
            attr(&m, Type::AccessKey, &key, "owner_arn").as_deref(),
            Some(ANN)
        );
        assert_eq!(
            attr(&m, Type::User, ANN, "active_access_keys").as_deref(),
            Some("0")
        );
    }
}
