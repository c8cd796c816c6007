//! Small helpers to build Cedar values directly (never by formatting and
//! re-parsing Cedar text, which is slower and an injection risk for
//! evidence-controlled names).

use std::str::FromStr;
use std::sync::OnceLock;

use cedar_policy::{EntityId, EntityTypeName, EntityUid, RestrictedExpression};

use crate::evidence::time::Timestamp;

/// The entity types of `schemas/iam.cedarschema`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Account,
    Root,
    User,
    Group,
    Role,
    ManagedPolicy,
    AwsManagedPolicy,
    InlinePolicy,
    AccessKey,
    AwsPrincipal,
    ServicePrincipal,
    FederatedPrincipal,
    Action,
}

impl Type {
    pub fn name(self) -> &'static str {
        match self {
            Type::Account => "Iam::Account",
            Type::Root => "Iam::Root",
            Type::User => "Iam::User",
            Type::Group => "Iam::Group",
            Type::Role => "Iam::Role",
            Type::ManagedPolicy => "Iam::ManagedPolicy",
            Type::AwsManagedPolicy => "Iam::AwsManagedPolicy",
            Type::InlinePolicy => "Iam::InlinePolicy",
            Type::AccessKey => "Iam::AccessKey",
            Type::AwsPrincipal => "Iam::AwsPrincipal",
            Type::ServicePrincipal => "Iam::ServicePrincipal",
            Type::FederatedPrincipal => "Iam::FederatedPrincipal",
            Type::Action => "Iam::Action",
        }
    }

    const ALL: [Type; 13] = [
        Type::Account,
        Type::Root,
        Type::User,
        Type::Group,
        Type::Role,
        Type::ManagedPolicy,
        Type::AwsManagedPolicy,
        Type::InlinePolicy,
        Type::AccessKey,
        Type::AwsPrincipal,
        Type::ServicePrincipal,
        Type::FederatedPrincipal,
        Type::Action,
    ];

    fn type_name(self) -> EntityTypeName {
        static NAMES: OnceLock<Vec<EntityTypeName>> = OnceLock::new();
        let names = NAMES.get_or_init(|| {
            Type::ALL
                .iter()
                .filter_map(|t| EntityTypeName::from_str(t.name()).ok())
                .collect()
        });
        // The names above are fixed, valid Cedar names (a unit test parses
        // every one), so the index always exists.
        let index = Type::ALL.iter().position(|t| *t == self).unwrap_or(0);
        names[index].clone()
    }

    /// The entity `<Type>::"<id>"`; `id` may hold any characters.
    pub fn uid(self, id: &str) -> EntityUid {
        EntityUid::from_type_name_and_id(self.type_name(), EntityId::new(id))
    }
}

pub fn string(s: &str) -> RestrictedExpression {
    RestrictedExpression::new_string(s.to_string())
}

pub fn boolean(b: bool) -> RestrictedExpression {
    RestrictedExpression::new_bool(b)
}

pub fn long(n: i64) -> RestrictedExpression {
    RestrictedExpression::new_long(n)
}

pub fn datetime(t: Timestamp) -> RestrictedExpression {
    RestrictedExpression::new_datetime(t.to_cedar())
}

pub fn string_set<'a>(items: impl IntoIterator<Item = &'a str>) -> RestrictedExpression {
    RestrictedExpression::new_set(items.into_iter().map(string))
}

/// An attribute list under construction, in a fixed order.
#[derive(Default)]
pub struct Attrs(pub Vec<(String, RestrictedExpression)>);

impl Attrs {
    pub fn put(&mut self, name: &str, value: RestrictedExpression) -> &mut Self {
        self.0.push((name.to_string(), value));
        self
    }

    pub fn put_str(&mut self, name: &str, value: &str) -> &mut Self {
        self.put(name, string(value))
    }

    pub fn put_time(&mut self, name: &str, value: Option<Timestamp>) -> &mut Self {
        if let Some(t) = value {
            self.put(name, datetime(t));
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_name_parses() {
        for t in Type::ALL {
            assert!(EntityTypeName::from_str(t.name()).is_ok(), "{}", t.name());
            assert_eq!(t.uid("x").type_name().to_string(), t.name());
        }
    }

    #[test]
    fn ids_keep_any_characters() {
        let uid = Type::User.uid("arn:aws:iam::1:user/a\"b\\c\n");
        assert_eq!(uid.id().unescaped(), "arn:aws:iam::1:user/a\"b\\c\n");
    }
}
