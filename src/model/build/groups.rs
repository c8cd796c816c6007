//! IAM groups: their entities, whose parents their members inherit, and the
//! policies they hold.

use std::collections::BTreeMap;

use super::{messages, policies, Builder};
use crate::error::Error;
use crate::model::arn;
use crate::model::cedar::{self, Type};

impl Builder<'_> {
    /// Group entities; returns group name → ARN for resolving `GroupList`.
    pub(super) fn groups(&mut self) -> Result<BTreeMap<String, String>, Error> {
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
                .put_str("account_id", arn::account_of(&g.arn))
                .put("inline_policy_count", cedar::long(g.inline.len() as i64))
                .put_with("attached_aws_managed_policies", || {
                    policies::aws_managed_ids(&g.attached)
                });
            let mut parents = self.account_parent(&g.arn);
            parents.extend(
                g.attached
                    .iter()
                    .map(|p| policies::managed_policy_uid(&p.arn)),
            );
            self.entity(uid.clone(), a, &parents)?;
            self.group_parents.insert(g.arn.clone(), parents);
            let start = self.requests.next_key();
            self.hold_policies(Type::Group, &g.arn, &g.attached, &g.inline)?;
            self.locate_since(start, self.detail_location(&g.file, &g.pointer));
            let message = messages::identity_review_message("group", &g.attached);
            let at = self.detail_location(&g.file, &g.pointer);
            self.holder_request(Type::Group, &g.arn, message, Some(at))?;
        }
        Ok(arns)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{details, entity, model, request};
    use super::*;
    use crate::evidence::snapshot::Snapshot;

    const GROUP: &str = "arn:aws:iam::123456789012:group/team/Admins";
    const POLICY: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

    fn snapshot() -> Snapshot {
        let snapshot = Snapshot {
            authorization_details: Some(details(
                r#"{"UserName":"ann","Arn":"arn:aws:iam::123456789012:user/ann","Path":"/","GroupList":["Admins"]}"#,
                &format!(
                    r#"{{"GroupName":"Admins","Arn":"{GROUP}","Path":"/team/","AttachedManagedPolicies":[{{"PolicyName":"AdministratorAccess","PolicyArn":"{POLICY}"}}]}}"#
                ),
                "",
                "",
            )),
            ..Default::default()
        };
        snapshot
    }

    #[test]
    fn members_find_their_group_by_name_and_inherit_its_parents() {
        let m = model(&snapshot());
        let ann = entity(&m, Type::User, "arn:aws:iam::123456789012:user/ann").expect("ann");
        let ancestors: Vec<String> = m
            .entities
            .iter()
            .map(|e| cedar_policy::Entity::from(e.clone()))
            .filter(|e| e.uid() == ann.uid())
            .flat_map(|e| {
                let store = cedar_policy::Entities::from_entities([e], None).expect("a store");
                let uid = ann.uid();
                store
                    .ancestors(&uid)
                    .map(|a| a.map(ToString::to_string).collect::<Vec<_>>())
                    .unwrap_or_default()
            })
            .collect();
        // The group's path comes from its ARN, not from the name in GroupList.
        assert!(ancestors.iter().any(|a| a.contains(GROUP)), "{ancestors:?}");
        assert!(
            ancestors
                .iter()
                .any(|a| a == r#"Iam::AwsManagedPolicy::"AdministratorAccess""#),
            "{ancestors:?}"
        );
    }

    #[test]
    fn a_groups_policies_are_held_and_located_at_the_group() {
        let m = model(&snapshot());
        let held = request(&m, &format!("{GROUP}/holds/{POLICY}"));
        assert_eq!(
            &*held.message,
            format!("`AdministratorAccess` is attached to `{GROUP}`")
        );
        let location = held.location.as_deref().expect("located");
        assert_eq!(location.file, "details.json");
        assert_eq!(location.pointer.as_deref(), Some("/GroupDetailList/0"));
        let group = entity(&m, Type::Group, GROUP).expect("the group");
        assert_eq!(
            group
                .attr("account_id")
                .map(|v| v.expect("a value").to_string())
                .as_deref(),
            Some("\"123456789012\"")
        );
    }
}
