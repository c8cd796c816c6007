//! The snapshot's account: which one it is (the evidence may name several),
//! its entity, and the context of the account-wide `Review` requests.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use super::{messages, Builder};
use crate::error::Error;
use crate::evidence::password_policy::PasswordPolicy;
use crate::evidence::snapshot::Snapshot;
use crate::model::arn::{is_account_id, Arn};
use crate::model::cedar::{self, Type};
use crate::model::AccountRef;

/// The snapshot's account: the credential report's root row, else the most
/// frequent account among the evidence's ARNs (ties: the smallest id).
pub(super) fn pick_account(snapshot: &Snapshot) -> AccountRef {
    if let Some((_, report)) = &snapshot.credential_report {
        if let Some(arn) = report
            .rows
            .iter()
            .find(|r| r.is_root)
            .and_then(|r| Arn::parse(&r.arn))
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
        if let Some(a) = Arn::parse(arn) {
            if a.service == "iam" && is_account_id(a.account) {
                *counts
                    .entry((a.partition.to_string(), a.account.to_string()))
                    .or_insert(0) += 1;
            }
        }
    }
    counts
}

impl Builder<'_> {
    /// Warns when the evidence names identities of more than one account.
    pub(super) fn warn_mixed_accounts(&mut self) {
        let accounts: BTreeSet<String> = account_counts(self.snapshot)
            .into_keys()
            .map(|(_, a)| a)
            .collect();
        if accounts.len() > 1 {
            self.warnings.push(messages::mixed_accounts_warning(
                &accounts,
                &self.account.id,
            ));
        }
    }

    /// The account's entity, with the manifest's alias and labels (as tags).
    pub(super) fn account_entity(&mut self) -> Result<(), Error> {
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
                    self.warnings.push(messages::manifest_account_warning(
                        file,
                        id,
                        &self.account.id,
                    ));
                }
            }
        }
        self.entity_with_ancestors(self.account_uid(), a, &[], &[], &labels)
    }

    /// The context of every `Review` request: the account-wide facts.
    pub(super) fn review_context(
        &mut self,
        support_roles: &[String],
    ) -> Result<cedar::BuiltContext, Error> {
        let mut json = Map::new();
        json.insert("support_roles".into(), json!(support_roles));
        json.insert("password_policy".into(), self.password_policy_context());
        self.contexts
            .context(json)
            .map_err(|e| Error::Internal(format!("cannot build the review context: {e}")))
    }

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
}

#[cfg(test)]
mod tests {
    use super::super::tests::{details, model, report, row};
    use super::*;
    use crate::evidence::snapshot::Snapshot;

    fn user(arn: &str) -> String {
        let name = arn.rsplit('/').next().unwrap_or_default();
        format!(r#"{{"UserName":"{name}","Arn":"{arn}","Path":"/"}}"#)
    }

    #[test]
    fn the_root_row_names_the_account() {
        let snapshot = Snapshot {
            credential_report: Some(report(&[
                row("a", "arn:aws:iam::111111111111:user/a", "true", false, None),
                row("b", "arn:aws:iam::111111111111:user/b", "true", false, None),
                row(
                    "<root_account>",
                    "arn:aws-cn:iam::222222222222:root",
                    "false",
                    true,
                    None,
                ),
            ])),
            ..Default::default()
        };
        assert_eq!(
            pick_account(&snapshot),
            AccountRef {
                id: "222222222222".into(),
                partition: "aws-cn".into()
            }
        );
    }

    #[test]
    fn without_root_the_most_frequent_account_wins_and_ties_go_to_the_smallest() {
        let mut snapshot = Snapshot {
            authorization_details: Some(details(
                &[
                    user("arn:aws:iam::333333333333:user/a"),
                    user("arn:aws:iam::222222222222:user/b"),
                    user("arn:aws:iam::333333333333:user/c"),
                    user("arn:aws:iam::not-an-id:user/d"),
                ]
                .join(","),
                "",
                "",
                "",
            )),
            ..Default::default()
        };
        assert_eq!(pick_account(&snapshot).id, "333333333333");
        snapshot.authorization_details = Some(details(
            &[
                user("arn:aws:iam::333333333333:user/a"),
                user("arn:aws:iam::222222222222:user/b"),
            ]
            .join(","),
            "",
            "",
            "",
        ));
        assert_eq!(pick_account(&snapshot).id, "222222222222");
        // Several accounts: a warning names them all.
        let m = model(&snapshot);
        assert!(
            m.warnings
                .iter()
                .any(|w| w.contains("`222222222222`, `333333333333`")),
            "{:?}",
            m.warnings
        );
    }

    #[test]
    fn no_evidence_is_an_unknown_account() {
        let account = pick_account(&Snapshot::default());
        assert_eq!(account.id, "unknown");
        assert_eq!(account.partition, "aws");
    }

    #[test]
    fn the_review_context_says_whether_a_password_policy_was_exported() {
        let snapshot = Snapshot {
            credential_report: Some(report(&[row(
                "<root_account>",
                "arn:aws:iam::123456789012:root",
                "false",
                true,
                None,
            )])),
            ..Default::default()
        };
        let m = model(&snapshot);
        let review = &m
            .requests
            .iter()
            .last()
            .expect("the account review")
            .context_json;
        assert_eq!(review["password_policy"]["exported"], false);
        assert_eq!(review["password_policy"]["exists"], false);
        assert_eq!(review["support_roles"], serde_json::json!([]));
    }
}
