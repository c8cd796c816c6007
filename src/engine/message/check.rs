//! Checking a `@message` against the schema, by Cedar's own validator.
//!
//! Each placeholder becomes a small policy with the control's scope whose
//! condition reads the placeholder's path through its filter
//! (`resource.last_used.toDate()`, `context.as_of.durationSince(...)`), one
//! per (principal type, action, resource type) the control covers. Cedar
//! validates them strictly; a placeholder is sound when its policy validates
//! for at least one of them, where reading an optional attribute counts
//! (it prints `unknown` when absent). Otherwise the error is Cedar's, with its
//! did-you-mean. Writing the check as Cedar keeps one source of truth for
//! what an attribute is and what a filter accepts: the schema and Cedar's
//! type rules, not a copy of them.
//!
//! The policies also tell what the templates read: the run keeps those
//! attributes in its entity store (see `model::reads`).

use std::collections::BTreeMap;

use cedar_policy::{
    ActionConstraint, EntityTypeName, EntityUid, Policy, PolicyId, PolicySet, PrincipalConstraint,
    ResourceConstraint, Schema, ValidationError, ValidationMode, Validator,
};

use super::{Fact, Filter, MessageTemplate};

/// A placeholder the schema does not support.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsound {
    /// The control's index in the list given to [`check`].
    pub control: usize,
    pub message: String,
    pub help: Option<String>,
}

/// What checking the templates found: the placeholders that are not sound,
/// and the policies that read what the sound ones print.
pub struct Checked {
    pub unsound: Vec<Unsound>,
    pub reading: Vec<Policy>,
}

/// Checks each control's template against the schema. `controls` holds
/// each control's id, its Cedar policy (for the scope) and its template.
pub fn check(controls: &[(&str, &Policy, &MessageTemplate)], schema: &Schema) -> Checked {
    let mut set = PolicySet::new();
    let mut reading = Vec::new();
    // (control index, fact) → the ids of its policies, one per environment.
    let mut planned: Vec<(usize, Fact, Vec<PolicyId>)> = Vec::new();
    let mut unsound = Vec::new();
    for (index, (id, policy, template)) in controls.iter().enumerate() {
        let environments = environments(policy, schema);
        for fact in template.facts() {
            let mut ids = Vec::new();
            for (principal, action, resource) in &environments {
                let policy_id =
                    PolicyId::new(format!("message-check/{id}/{}", set.num_of_policies()));
                let text = format!(
                    "forbid (principal is {principal}, action == {action}, resource is {resource}) when {{ {} }};",
                    condition(&fact)
                );
                match Policy::parse(Some(policy_id.clone()), &text) {
                    Ok(p) => {
                        // Ids are numbered by the set's size: always new.
                        if set.add(p.clone()).is_ok() {
                            reading.push(p);
                            ids.push(policy_id);
                        }
                    }
                    Err(_) => {
                        // An attribute name Cedar reserves (`in`, `if`...)
                        // cannot be read with a dot: no policy can read it.
                        unsound.push(Unsound {
                            control: index,
                            message: format!("the placeholder `{{{fact}}}` cannot be read"),
                            help: Some(
                                "name attributes the schema defines, as a policy would read them"
                                    .into(),
                            ),
                        });
                        ids.clear();
                        break;
                    }
                }
            }
            if !ids.is_empty() {
                planned.push((index, fact, ids));
            }
        }
    }

    let result = Validator::new(schema.clone()).validate(&set, ValidationMode::Strict);
    let mut errors: BTreeMap<String, Vec<&ValidationError>> = BTreeMap::new();
    for e in result.validation_errors() {
        errors.entry(e.policy_id().to_string()).or_default().push(e);
    }
    for (control, fact, ids) in planned {
        // Errors that make the placeholder unreadable where it is judged;
        // an optional attribute is readable (it prints `unknown` if absent).
        let fatal = |id: &PolicyId| -> Vec<&ValidationError> {
            errors
                .get(AsRef::<str>::as_ref(id))
                .map(|list| {
                    list.iter()
                        .copied()
                        .filter(|e| !matches!(e, ValidationError::UnsafeOptionalAttributeAccess(_)))
                        .collect()
                })
                .unwrap_or_default()
        };
        if ids.iter().any(|id| fatal(id).is_empty()) {
            continue;
        }
        // Cedar's reasons in the first environment (by the schema's order).
        let first = fatal(&ids[0]);
        // The condition reads the path twice: each reason once.
        let mut reasons: Vec<String> = Vec::new();
        for e in &first {
            let r = without_policy_prefix(&e.to_string());
            if !reasons.contains(&r) {
                reasons.push(r);
            }
        }
        let reason = reasons.join("; ");
        let help = first
            .iter()
            .filter_map(|e| miette::Diagnostic::help(*e).map(|h| h.to_string()))
            .next();
        unsound.push(Unsound {
            control,
            message: format!("the placeholder `{{{fact}}}` does not fit the schema: {reason}"),
            help: help.or_else(|| filter_help(fact.filter)),
        });
    }
    Checked { unsound, reading }
}

/// The condition that reads the placeholder as it prints.
fn condition(fact: &Fact) -> String {
    let p = fact.path.to_string();
    let read = match fact.filter {
        None => format!("({p})"),
        Some(Filter::Date) => format!("({p}).toDate()"),
        Some(Filter::Days) => format!("({p}).toDays()"),
        Some(Filter::Age) => format!("context.as_of.durationSince({p})"),
    };
    format!("{read} == {read}")
}

fn filter_help(filter: Option<Filter>) -> Option<String> {
    Some(
        match filter? {
            Filter::Date | Filter::Age => "`date` and `age` take a `datetime` attribute",
            Filter::Days => "`days` takes a `duration` attribute",
        }
        .to_string(),
    )
}

/// Cedar says "for policy `message-check/...`, ..."; that policy is ours,
/// not the user's.
fn without_policy_prefix(text: &str) -> String {
    match text.strip_prefix("for policy `") {
        Some(rest) => match rest.split_once("`, ") {
            Some((_, tail)) => tail.to_string(),
            None => text.to_string(),
        },
        None => text.to_string(),
    }
}

/// The (principal type, action, resource type) triples the policy's scope
/// admits, in the schema's terms.
fn environments(
    policy: &Policy,
    schema: &Schema,
) -> Vec<(EntityTypeName, EntityUid, EntityTypeName)> {
    let actions: Vec<EntityUid> = match policy.action_constraint() {
        ActionConstraint::Any => schema.actions().cloned().collect(),
        ActionConstraint::Eq(a) => vec![a],
        ActionConstraint::In(list) => list,
    };
    let principal_type: Option<EntityTypeName> = match policy.principal_constraint() {
        PrincipalConstraint::Is(t) | PrincipalConstraint::IsIn(t, _) => Some(t),
        PrincipalConstraint::Eq(uid) => Some(uid.type_name().clone()),
        PrincipalConstraint::Any | PrincipalConstraint::In(_) => None,
    };
    let resource_type: Option<EntityTypeName> = match policy.resource_constraint() {
        ResourceConstraint::Is(t) | ResourceConstraint::IsIn(t, _) => Some(t),
        ResourceConstraint::Eq(uid) => Some(uid.type_name().clone()),
        ResourceConstraint::Any | ResourceConstraint::In(_) => None,
    };
    let mut out = Vec::new();
    for action in actions {
        let (Some(principals), Some(resources)) = (
            schema.principals_for_action(&action),
            schema.resources_for_action(&action),
        ) else {
            continue;
        };
        let resources: Vec<EntityTypeName> = resources
            .filter(|r| resource_type.as_ref().is_none_or(|t| t == *r))
            .cloned()
            .collect();
        for p in principals.filter(|p| principal_type.as_ref().is_none_or(|t| t == *p)) {
            for r in &resources {
                out.push((p.clone(), action.clone(), r.clone()));
            }
        }
    }
    out.sort_by_key(|(p, a, r)| (p.to_string(), a.to_string(), r.to_string()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(policy: &str, template: &str) -> Checked {
        let schema = crate::engine::schema().unwrap();
        let policy = Policy::parse(None, policy).unwrap();
        let template = MessageTemplate::parse(template).unwrap();
        check(&[("p", &policy, &template)], &schema)
    }

    const ACCOUNT_REVIEW: &str = r#"forbid (principal is Iam::Account, action == Iam::Action::"Review", resource is Iam::Account);"#;
    const KEYS: &str = r#"forbid (principal is Iam::User, action == Iam::Action::"UseAccessKey", resource is Iam::AccessKey);"#;
    const EITHER: &str = r#"forbid (principal is Iam::User, action in [Iam::Action::"SignInToConsole", Iam::Action::"UseAccessKey"], resource);"#;

    #[test]
    fn sound_placeholders_pass_and_name_what_they_read() {
        let c = checked(
            ACCOUNT_REVIEW,
            "{context.password_policy.minimum_length} of {context.thresholds.password_min_length}; {principal.alias}",
        );
        assert_eq!(c.unsound, vec![]);
        assert!(!c.reading.is_empty());
        let c = checked(
            KEYS,
            "{resource.last_rotated|date} {resource.last_rotated|age} {context.thresholds.access_key_max_age|days}",
        );
        assert_eq!(c.unsound, vec![]);
    }

    #[test]
    fn typos_get_cedars_suggestion() {
        let c = checked(ACCOUNT_REVIEW, "{context.password_policy.minimun_length}");
        assert_eq!(c.unsound.len(), 1, "{:?}", c.unsound);
        let u = &c.unsound[0];
        assert!(
            u.message
                .contains("`{context.password_policy.minimun_length}`"),
            "{u:?}"
        );
        assert!(!u.message.contains("message-check"), "{u:?}");
        let all = format!("{} {:?}", u.message, u.help);
        assert!(all.contains("minimum_length"), "{all}");
    }

    #[test]
    fn filters_must_fit_the_type() {
        let c = checked(KEYS, "{resource.slot|date}");
        assert_eq!(c.unsound.len(), 1);
        let c = checked(KEYS, "{resource.last_used|days}");
        assert_eq!(c.unsound.len(), 1);
    }

    #[test]
    fn a_path_of_one_covered_type_is_enough() {
        // `last_used` is an access key's; the console path's resource is the
        // account, where it prints `unknown`.
        let c = checked(EITHER, "{resource.last_used|date}");
        assert_eq!(c.unsound, vec![]);
        let c = checked(EITHER, "{resource.lastused}");
        assert_eq!(c.unsound.len(), 1);
    }
}
