//! What the loaded policies can read of the snapshot's entities: per entity
//! type its attributes and its tags, and the types of the ancestors an `in`
//! can test.
//!
//! A Cedar policy reads an entity's data only through `e.attr`, `e has attr`
//! (`e["attr"]` is the same), `e.getTag(..)`/`e.hasTag(..)` and `e in ..`,
//! and an attribute's name is always written out in the policy. So what no
//! policy can read can be left out of the entity store without changing any
//! decision. On the largest account the built-in pack reads 14 of the
//! schema's attribute names, no tags, and membership only in AWS managed
//! policies; leaving out the rest took peak RSS from 216 to 158 MiB (one
//! thread) with a byte-identical report.
//!
//! The analysis is conservative: an access whose receiver is `principal` or
//! `resource` counts for every type the policy's scope and actions allow
//! there; a receiver that is an entity literal counts for that literal's
//! type; any other receiver, unless it is the `context` record itself, counts
//! for every type. `iam-audit entities`, `explain` and `test` always see
//! everything ([`EntityReads::everything`]).

use std::collections::BTreeSet;

use cedar_policy::{
    ActionConstraint, EntityTypeName, EntityUid, PolicySet, PrincipalConstraint,
    ResourceConstraint, Schema,
};

use super::cedar::{self, ConditionRead, Receiver, Type};

/// What the policies can read of the entities of one type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeReads {
    /// Every attribute ([`EntityReads::everything`]).
    all: bool,
    /// The attributes named, when not `all`.
    attributes: BTreeSet<String>,
    tags: bool,
}

impl TypeReads {
    const EVERYTHING: TypeReads = TypeReads {
        all: true,
        attributes: BTreeSet::new(),
        tags: true,
    };

    /// Whether a policy can read the attribute `name`.
    pub fn attribute(&self, name: &str) -> bool {
        self.all || self.attributes.contains(name)
    }

    /// Whether a policy can read tags.
    pub fn tags(&self) -> bool {
        self.tags
    }
}

impl cedar::ReadsOf for TypeReads {
    fn attribute(&self, name: &str) -> bool {
        TypeReads::attribute(self, name)
    }

    fn tags(&self) -> bool {
        TypeReads::tags(self)
    }
}

/// What the policies can read, per entity type of the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityReads {
    /// Indexed like [`Type::ALL`].
    types: Vec<TypeReads>,
    /// The types of the ancestors entities keep: those an `in` can test.
    /// `None`: every ancestor.
    ancestors: Option<Vec<EntityTypeName>>,
}

impl EntityReads {
    /// Every attribute, tag and ancestor of every entity.
    pub fn everything() -> EntityReads {
        EntityReads {
            types: vec![TypeReads::EVERYTHING; Type::ALL.len()],
            ancestors: None,
        }
    }

    /// Nothing at all (the start of the analysis).
    fn nothing() -> EntityReads {
        EntityReads {
            types: vec![TypeReads::default(); Type::ALL.len()],
            ancestors: Some(Vec::new()),
        }
    }

    /// What `ty`'s entities must hold.
    pub fn of(&self, ty: Type) -> &TypeReads {
        &self.types[ty.index()]
    }

    /// Whether entities keep `ancestor` among their ancestors: some `in`
    /// can test membership in an entity of its type.
    ///
    /// Kept or not by the ancestor's type alone, whatever the member's type,
    /// so that the kept hierarchy stays transitively closed: an entity keeps
    /// every kept-type ancestor of each ancestor it keeps.
    pub fn keeps_ancestor(&self, ancestor: &EntityUid) -> bool {
        match &self.ancestors {
            None => true,
            Some(types) => types.iter().any(|t| t == ancestor.type_name()),
        }
    }

    /// Ancestors of `ty` are kept from now on.
    fn keep_ancestors_of(&mut self, ty: Type) {
        if let Some(types) = &mut self.ancestors {
            let name = ty.type_name();
            if !types.contains(&name) {
                types.push(name);
            }
        }
    }

    /// What the policies of `set` can read, with `schema` telling which
    /// entity types each action applies to.
    pub fn of_policies(set: &PolicySet, schema: &Schema) -> EntityReads {
        let mut reads = EntityReads::nothing();
        let actions = ActionIndex::new(schema);
        for policy in set.policies() {
            let acts = actions.matching(&policy.action_constraint());
            let principals = scope_types(
                match policy.principal_constraint() {
                    PrincipalConstraint::Eq(uid) => Scope::Uid(uid),
                    PrincipalConstraint::Is(ty) | PrincipalConstraint::IsIn(ty, _) => {
                        Scope::Type(ty)
                    }
                    PrincipalConstraint::Any | PrincipalConstraint::In(_) => Scope::Any,
                },
                acts.as_deref(),
                |a| {
                    schema
                        .principals_for_action(a)
                        .map(|t| t.cloned().collect())
                },
            );
            let resources = scope_types(
                match policy.resource_constraint() {
                    ResourceConstraint::Eq(uid) => Scope::Uid(uid),
                    ResourceConstraint::Is(ty) | ResourceConstraint::IsIn(ty, _) => Scope::Type(ty),
                    ResourceConstraint::Any | ResourceConstraint::In(_) => Scope::Any,
                },
                acts.as_deref(),
                |a| schema.resources_for_action(a).map(|t| t.cloned().collect()),
            );
            // The condition includes the scope (`principal in ...` too).
            for read in cedar::condition_reads(policy) {
                match read {
                    ConditionRead::Data {
                        receiver,
                        names,
                        tags,
                    } => reads.note(&receiver, &names, tags, &principals, &resources),
                    ConditionRead::In { container } => {
                        for ty in entity_types(&container, &principals, &resources) {
                            reads.keep_ancestors_of(ty);
                        }
                    }
                }
            }
        }
        reads
    }

    /// Records what one expression reads: the attributes `names` and, if
    /// `tags`, the tags of what `receiver` can be.
    fn note(
        &mut self,
        receiver: &Receiver,
        names: &[String],
        tags: bool,
        principals: &Types,
        resources: &Types,
    ) {
        for ty in entity_types(receiver, principals, resources) {
            let entry = &mut self.types[ty.index()];
            entry.attributes.extend(names.iter().cloned());
            entry.tags |= tags;
        }
    }
}

impl cedar::Reads for EntityReads {
    type Of = TypeReads;

    fn of(&self, ty: Type) -> &TypeReads {
        EntityReads::of(self, ty)
    }

    fn keeps_ancestor(&self, ancestor: &EntityUid) -> bool {
        EntityReads::keeps_ancestor(self, ancestor)
    }

    fn everything(&self) -> bool {
        *self == EntityReads::everything()
    }
}

/// Whether `policy` reads an attribute called `name` (of any entity or record).
pub fn reads_attribute(policy: &cedar_policy::Policy, name: &str) -> bool {
    cedar::condition_reads(policy).iter().any(
        |read| matches!(read, ConditionRead::Data { names, .. } if names.iter().any(|n| n == name)),
    )
}

/// The types of the snapshot's entities `receiver` can be (or, for a set,
/// hold).
fn entity_types(receiver: &Receiver, principals: &Types, resources: &Types) -> Vec<Type> {
    match receiver {
        Receiver::Principal => principals.list(),
        Receiver::Resource => resources.list(),
        Receiver::NotSnapshotData => Vec::new(),
        Receiver::Literal(ty) => ty.iter().copied().collect(),
        Receiver::Set(items) => {
            let mut types: Vec<Type> = items
                .iter()
                .flat_map(|item| entity_types(item, principals, resources))
                .collect();
            types.sort();
            types.dedup();
            types
        }
        Receiver::Unknown => Type::ALL.to_vec(),
    }
}

/// The entity types a variable can have.
#[derive(Debug, Clone)]
enum Types {
    All,
    Some(BTreeSet<Type>),
}

impl Types {
    fn list(&self) -> Vec<Type> {
        match self {
            Types::All => Type::ALL.to_vec(),
            Types::Some(set) => set.iter().copied().collect(),
        }
    }
}

/// A scope constraint, as far as types go.
enum Scope {
    Any,
    Uid(EntityUid),
    Type(EntityTypeName),
}

/// The types `principal` (or `resource`) can have in a policy: its scope
/// constraint's, among those the policy's actions apply to. `None` for the
/// actions means any action (then only the scope constrains).
fn scope_types(
    scope: Scope,
    actions: Option<&[EntityUid]>,
    applies_to: impl Fn(&EntityUid) -> Option<Vec<EntityTypeName>>,
) -> Types {
    let scoped = match scope {
        Scope::Any => None,
        Scope::Uid(uid) => Some(uid.type_name().clone()),
        Scope::Type(ty) => Some(ty),
    };
    let mut by_action: Option<BTreeSet<Type>> = None;
    if let Some(actions) = actions {
        let mut set = BTreeSet::new();
        for action in actions {
            // An action the schema does not know: anything goes.
            let Some(names) = applies_to(action) else {
                return Types::All;
            };
            set.extend(names.iter().filter_map(|n| Type::of_name(&n.to_string())));
        }
        by_action = Some(set);
    }
    match (scoped, by_action) {
        (None, None) => Types::All,
        (None, Some(set)) => Types::Some(set),
        (Some(name), by_action) => {
            let set: BTreeSet<Type> = Type::of_name(&name.to_string())
                .into_iter()
                .filter(|t| by_action.as_ref().is_none_or(|s| s.contains(t)))
                .collect();
            Types::Some(set)
        }
    }
}

/// The schema's actions and their action groups, to resolve `action in [..]`.
struct ActionIndex {
    /// Each action with itself and every group it is in.
    actions: Vec<(EntityUid, Vec<EntityUid>)>,
}

impl ActionIndex {
    fn new(schema: &Schema) -> ActionIndex {
        let groups = schema.action_entities().ok();
        let actions = schema
            .actions()
            .map(|a| {
                let mut up = vec![a.clone()];
                if let Some(ancestors) = groups.as_ref().and_then(|g| g.ancestors(a)) {
                    up.extend(ancestors.cloned());
                }
                (a.clone(), up)
            })
            .collect();
        ActionIndex { actions }
    }

    /// The actions a constraint admits; `None` for any action.
    fn matching(&self, constraint: &ActionConstraint) -> Option<Vec<EntityUid>> {
        let named: &[EntityUid] = match constraint {
            ActionConstraint::Any => return None,
            ActionConstraint::Eq(uid) => std::slice::from_ref(uid),
            ActionConstraint::In(uids) => uids,
        };
        let mut out: Vec<EntityUid> = self
            .actions
            .iter()
            .filter(|(_, up)| up.iter().any(|a| named.contains(a)))
            .map(|(a, _)| a.clone())
            .collect();
        // A named action the schema does not list (validation refuses it)
        // stays, so that `scope_types` sees it and assumes the worst.
        out.extend(
            named
                .iter()
                .filter(|n| !self.actions.iter().any(|(a, _)| a == *n))
                .cloned(),
        );
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn reads(text: &str) -> EntityReads {
        let schema = crate::engine::schema().expect("schema");
        let set = PolicySet::from_str(text).expect("policies parse");
        EntityReads::of_policies(&set, &schema)
    }

    /// The types that may read `attr`.
    fn readers(r: &EntityReads, attr: &str) -> Vec<Type> {
        Type::ALL
            .into_iter()
            .filter(|t| r.of(*t).attribute(attr))
            .collect()
    }

    fn taggers(r: &EntityReads) -> Vec<Type> {
        Type::ALL.into_iter().filter(|t| r.of(*t).tags()).collect()
    }

    #[test]
    fn types_index_their_list() {
        for (i, t) in Type::ALL.into_iter().enumerate() {
            assert_eq!(t.index(), i);
            assert_eq!(Type::of_name(t.name()), Some(t));
        }
        assert_eq!(Type::of_name("Iam::Nothing"), None);
    }

    #[test]
    fn the_builtin_pack_reads_few_attributes_and_no_tags() {
        let schema = crate::engine::schema().expect("schema");
        let pack = crate::engine::load_policies(&[], true).expect("built-in pack");
        let r = EntityReads::of_policies(&pack.set, &schema);
        assert!(r.of(Type::User).attribute("mfa_active"));
        assert!(r.of(Type::User).attribute("password_enabled"));
        assert!(r.of(Type::AccessKey).attribute("last_rotated"));
        assert!(r.of(Type::ManagedPolicy).attribute("allows_full_admin"));
        assert!(r.of(Type::InlinePolicy).attribute("allows_full_admin"));
        assert!(!r.of(Type::User).attribute("arn"));
        assert!(!r.of(Type::User).attribute("group_names"));
        // Roles: only what `roles-unused-90-days` and the CloudShell control
        // read.
        assert!(r.of(Type::Role).attribute("last_used"));
        assert!(r.of(Type::Role).attribute("attached_aws_managed_policies"));
        assert!(!r.of(Type::Role).attribute("has_permissions_boundary"));
        assert_eq!(taggers(&r), Vec::<Type>::new());
        assert_ne!(r, EntityReads::everything());
    }

    #[test]
    fn a_policy_reads_an_attribute_by_any_path_to_it() {
        let reads_as_of = |when: &str| {
            let text = format!("forbid (principal, action, resource) when {{ {when} }};");
            let policy = cedar_policy::Policy::from_str(&text).expect("parses");
            reads_attribute(&policy, "as_of")
        };
        assert!(reads_as_of("context.as_of > context.as_of"));
        assert!(reads_as_of("context has as_of"));
        assert!(reads_as_of(r#"context["as_of"] == "x""#));
        assert!(reads_as_of("principal has as_of.time"));
        assert!(!reads_as_of(r#"context.thresholds == "as_of""#));
        assert!(!reads_as_of("principal has time.as_of_day"));
    }

    #[test]
    fn scope_and_actions_type_the_receiver() {
        let r = reads(
            r#"forbid (principal is Iam::User, action, resource) when { principal.path == "/" };"#,
        );
        assert_eq!(readers(&r, "path"), vec![Type::User]);

        let r = reads(
            r#"forbid (principal, action == Iam::Action::"HoldPolicy", resource) when { resource.name == "x" };"#,
        );
        assert_eq!(
            readers(&r, "name"),
            vec![
                Type::ManagedPolicy,
                Type::AwsManagedPolicy,
                Type::InlinePolicy
            ]
        );

        let r = reads(
            r#"forbid (principal, action in [Iam::Action::"SignInToConsole", Iam::Action::"Review"], resource) when { principal has arn };"#,
        );
        assert_eq!(
            readers(&r, "arn"),
            vec![
                Type::Account,
                Type::Root,
                Type::User,
                Type::Role,
                Type::ManagedPolicy,
                Type::ServerCertificate
            ]
        );

        // No scope, any action: any type at all.
        let r = reads(r#"forbid (principal, action, resource) when { principal.name == "x" };"#);
        assert_eq!(readers(&r, "name"), Type::ALL.to_vec());
    }

    #[test]
    fn other_receivers_count_for_their_type_or_every_type() {
        let r = reads(
            r#"forbid (principal, action, resource) when { Iam::Role::"arn:aws:iam::1:role/x".name == "x" };"#,
        );
        assert_eq!(readers(&r, "name"), vec![Type::Role]);

        let r = reads(
            r#"forbid (principal is Iam::User, action, resource is Iam::Account)
               when { (if context.as_of > datetime("2020-01-01") then principal else resource).arn == "x" };"#,
        );
        assert_eq!(readers(&r, "arn"), Type::ALL.to_vec());

        // The context is a record: its fields are no entity's attributes.
        let r = reads(
            r#"forbid (principal, action == Iam::Action::"AssumeRole", resource) when { context.mfa_gated };"#,
        );
        assert_eq!(readers(&r, "mfa_gated"), Vec::<Type>::new());
    }

    #[test]
    fn tags_are_kept_for_the_types_that_read_them() {
        let r = reads(
            r#"forbid (principal is Iam::User, action, resource) when { principal.hasTag("team") };"#,
        );
        assert_eq!(taggers(&r), vec![Type::User]);
        let r = reads(
            r#"forbid (principal, action == Iam::Action::"AssumeRole", resource) when { resource.hasTag("x") && resource.getTag("x") == "y" };"#,
        );
        assert_eq!(taggers(&r), vec![Type::Role]);
    }

    #[test]
    fn ancestors_are_kept_for_the_types_an_in_tests() {
        let keeps = |r: &EntityReads| -> Vec<Type> {
            Type::ALL
                .into_iter()
                .filter(|t| r.keeps_ancestor(&t.uid("x")))
                .collect()
        };
        let schema = crate::engine::schema().expect("schema");
        let pack = crate::engine::load_policies(&[], true).expect("built-in pack");
        // `resource is Iam::Role in Iam::AwsManagedPolicy::"AWSSupportAccess"`,
        // and the actions of `action in [...]`.
        let r = EntityReads::of_policies(&pack.set, &schema);
        assert_eq!(keeps(&r), vec![Type::AwsManagedPolicy, Type::Action]);

        let r = reads(
            r#"forbid (principal, action == Iam::Action::"UseAccessKey", resource) when { resource in principal };"#,
        );
        assert_eq!(keeps(&r), vec![Type::Root, Type::User]);

        let r = reads(
            r#"forbid (principal in Iam::Group::"g", action, resource) when { principal in [Iam::Account::"1", Iam::ManagedPolicy::"p"] };"#,
        );
        assert_eq!(
            keeps(&r),
            vec![Type::Account, Type::Group, Type::ManagedPolicy]
        );

        let r = reads(
            r#"forbid (principal, action, resource) when { principal in (if context has x then principal else resource) };"#,
        );
        assert_eq!(keeps(&r), Type::ALL.to_vec());
        assert_eq!(keeps(&EntityReads::everything()), Type::ALL.to_vec());
    }

    #[test]
    fn nested_has_names_the_entity_attribute() {
        let r = reads(
            r#"forbid (principal is Iam::User, action, resource) when { principal has group_names };"#,
        );
        assert_eq!(readers(&r, "group_names"), vec![Type::User]);
    }
}
