//! The root user: its entity, from the credential report's root row or else
//! the account summary, and its access paths.

use std::sync::Arc;

use super::users::{active_keys, put_credentials, Credentials};
use super::{messages, Builder, PendingReview, RequestContext};
use crate::error::Error;
use crate::evidence::credential_report::{CredentialRow, PasswordEnabled};
use crate::evidence::time::Timestamp;
use crate::evidence::EvidenceKind;
use crate::model::arn;
use crate::model::cedar::{self, Type};
use crate::model::{Action, EntityRef};

/// What the evidence says about root, from either export.
pub(super) struct RootFacts {
    pub(super) arn: String,
    /// `credential-report` or `account-summary`.
    pub(super) source: &'static str,
    /// `true`, `false`, `not_supported`, or `unknown` (account summary only).
    pub(super) password: &'static str,
    pub(super) mfa_active: bool,
    pub(super) active_keys: i64,
    /// Key slots that hold a key, active or not (credential report only).
    pub(super) key_slots: usize,
    /// The latest use of the password or any key.
    pub(super) last_used: Option<Timestamp>,
    /// Root has an active key, and the report (16 columns, before 2015)
    /// cannot show when keys were used.
    pub(super) key_use_unknown: bool,
}

impl Builder<'_> {
    /// Root's use when the report cannot show key use (16 columns): making a
    /// key is itself root use, so a key made within `root-use-days` is a
    /// recent use (`facts.last_used` moves to it). Otherwise the last key use
    /// is unknown, and the facts say so, for the controls that read it.
    fn root_use_unknown(
        &self,
        facts: &mut RootFacts,
        row: Option<&CredentialRow>,
    ) -> Vec<(&'static str, String)> {
        if facts.source == "account-summary" {
            // The summary tells MFA and keys, never when root was used.
            return vec![("last_used", messages::ROOT_USE_NOT_IN_SUMMARY.to_string())];
        }
        let (true, Some(row)) = (facts.key_use_unknown, row) else {
            return Vec::new();
        };
        let made = row
            .access_keys
            .iter()
            .filter(|k| k.active)
            .filter_map(|k| k.last_rotated.timestamp())
            .max();
        let window = self.thresholds.get("root-use-days");
        let recent = match (made, self.as_of.time) {
            (Some(made), Some(now)) => now.days_since(made) < window,
            _ => false,
        };
        if recent {
            facts.last_used = facts.last_used.max(made);
            return Vec::new();
        }
        vec![("last_used", messages::root_key_use_unknown(window))]
    }

    /// The root user: from the credential report's root row, else from the
    /// account summary (`AccountMFAEnabled`, `AccountAccessKeysPresent`).
    /// Root has access paths only when it has credentials: a console path
    /// unless its password is `false`, a key path per key slot, and one
    /// `Review` request that the root controls judge. Root with no password
    /// and no key (Organizations' centralized root access) has no path at
    /// all, so root controls are `not-applicable` there.
    pub(super) fn root(&mut self) -> Result<(), Error> {
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
                key_use_unknown: !self
                    .snapshot
                    .credential_report
                    .as_ref()
                    .is_some_and(|(_, r)| r.has_last_used_columns)
                    && row.access_keys.iter().any(|k| k.active),
            },
            None => {
                let Some((file, summary)) = &self.snapshot.account_summary else {
                    return Ok(());
                };
                let (Some(mfa), Some(keys)) = (
                    summary.get("AccountMFAEnabled"),
                    summary.get("AccountAccessKeysPresent"),
                ) else {
                    self.warnings
                        .push(messages::summary_without_root_warning(file));
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
                    key_use_unknown: false,
                }
            }
        };
        let mut facts = facts;
        let unknown = self.root_use_unknown(&mut facts, row);
        let has_credentials =
            facts.password != "false" || facts.active_keys > 0 || facts.key_slots > 0;
        let uid = Type::Root.uid(&facts.arn);
        let root_name: Arc<str> = facts.arn.as_str().into();
        let mut a = self.attrs(Type::Root);
        a.put_str("arn", &facts.arn)
            .put_str("account_id", arn::account_of(&facts.arn))
            .put_str("facts_source", facts.source)
            .put_str("password_enabled", facts.password);
        put_credentials(
            &mut a,
            Credentials {
                row,
                mfa_active: facts.mfa_active,
                has_virtual_mfa,
                active_keys: facts.active_keys,
            },
        );
        a.put(
            "has_hardware_mfa",
            cedar::boolean(facts.mfa_active && virtual_list.is_some() && !has_virtual_mfa),
        )
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
            let message = messages::root_console_message(&facts, row);
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
        let message = messages::root_message(&facts, virtual_list.map(|_| has_virtual_mfa));
        // Root's facts: its report row, else the account summary's map.
        let source = match row {
            Some(r) => self
                .row_location(r)
                .map(|at| (EvidenceKind::CredentialReport, at)),
            None => self.snapshot.account_summary.as_ref().map(|(file, _)| {
                let at = self.detail_location(file, "/SummaryMap");
                (EvidenceKind::AccountSummary, Arc::new(at))
            }),
        };
        self.reviews.push(PendingReview {
            id: format!("{}/review", facts.arn),
            principal: EntityRef::named(Type::Root, &root_name),
            subject: root_name,
            message,
            missing: Vec::new(),
            unknown,
            unreadable: None,
            sources: source.into_iter().collect(),
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{attr, entity, model, report, request, request_ids, row};
    use super::*;
    use crate::evidence::account_summary;
    use crate::evidence::snapshot::Snapshot;

    const ROOT: &str = "arn:aws:iam::123456789012:root";

    #[test]
    fn root_from_the_report_has_a_console_path_and_a_key_path() {
        let snapshot = Snapshot {
            credential_report: Some(report(&[row(
                "<root_account>",
                ROOT,
                "not_supported",
                true,
                Some(true),
            )])),
            ..Default::default()
        };
        let m = model(&snapshot);
        assert_eq!(
            attr(&m, Type::Root, ROOT, "password_enabled").as_deref(),
            Some("not_supported")
        );
        assert_eq!(
            attr(&m, Type::Root, ROOT, "active_access_keys").as_deref(),
            Some("1")
        );
        assert_eq!(
            attr(&m, Type::Root, ROOT, "facts_source").as_deref(),
            Some("credential-report")
        );
        assert_eq!(
            attr(&m, Type::Root, ROOT, "account_id").as_deref(),
            Some("123456789012")
        );
        let console = request(&m, &format!("{ROOT}/console"));
        assert_eq!(console.action, Action::SignInToConsole);
        assert!(
            console.message.starts_with("root password `not_supported`"),
            "{}",
            console.message
        );
        assert!(
            console.message.ends_with("MFA active"),
            "{}",
            console.message
        );
        assert!(request_ids(&m).contains(&"arn:aws:iam::123456789012:root/access-key/1"));
        let review = request(&m, &format!("{ROOT}/review"));
        assert!(
            review.message.contains("1 active access key"),
            "{}",
            review.message
        );
    }

    #[test]
    fn root_without_credentials_has_no_path() {
        let snapshot = Snapshot {
            credential_report: Some(report(&[row("<root_account>", ROOT, "false", false, None)])),
            ..Default::default()
        };
        let m = model(&snapshot);
        assert_eq!(
            attr(&m, Type::Root, ROOT, "has_credentials").as_deref(),
            Some("false")
        );
        assert!(
            !request_ids(&m)
                .iter()
                .any(|id| id.starts_with(ROOT) && *id != ROOT),
            "{:?}",
            request_ids(&m)
        );
    }

    #[test]
    fn the_account_summary_stands_in_for_a_missing_report() {
        let mut snapshot = Snapshot::default();
        let summary = serde_json::json!({"SummaryMap": {"AccountMFAEnabled": 0, "AccountAccessKeysPresent": 1}});
        snapshot.account_summary = Some((
            "summary.json".into(),
            account_summary::parse("summary.json", &summary).expect("a summary"),
        ));
        snapshot.manifest = None;
        let m = model(&snapshot);
        let root = "arn:aws:iam::unknown:root";
        assert_eq!(
            attr(&m, Type::Root, root, "password_enabled").as_deref(),
            Some("unknown")
        );
        assert_eq!(
            attr(&m, Type::Root, root, "mfa_active").as_deref(),
            Some("false")
        );
        let console = request(&m, &format!("{root}/console"));
        assert_eq!(
            &*console.message,
            "root password state unknown (account summary only); MFA not active"
        );
    }

    #[test]
    fn a_summary_without_the_root_keys_is_a_warning() {
        let mut snapshot = Snapshot::default();
        let summary = serde_json::json!({"SummaryMap": {"Users": 3}});
        snapshot.account_summary = Some((
            "summary.json".into(),
            account_summary::parse("summary.json", &summary).expect("a summary"),
        ));
        let m = model(&snapshot);
        assert!(m
            .warnings
            .iter()
            .any(|w| w.starts_with("summary.json: the account summary lacks")));
        assert!(entity(&m, Type::Root, "arn:aws:iam::unknown:root").is_none());
    }
}
