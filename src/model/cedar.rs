//! Small helpers to build Cedar values directly (never by formatting and
//! re-parsing Cedar text, which is slower and an injection risk for
//! evidence-controlled names), the snapshot's entity store, and the walk of
//! policy conditions that `reads.rs` analyses.
//!
//! Every use of `cedar_policy_core` (Cedar's internals, whose API may change
//! in any release) is in this file, each with the reason the public
//! `cedar_policy` API is not enough there.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use cedar_policy::{
    Context, Entities, EntityId, EntityTypeName, EntityUid, RestrictedExpression, Schema,
};
use cedar_policy_core::ast;
use cedar_policy_core::extensions::Extensions;
use serde_json::{Map, Value};
use smol_str::SmolStr;

use crate::error::Error;
use crate::evidence::time::Timestamp;

/// What the run's policies can read of the snapshot's entities, as making
/// them needs to know it. The policy analysis (`reads.rs`, which calls this
/// file to walk policy conditions) implements it: a trait, so that this file
/// does not depend on that one in turn. Generic, not `dyn`: it is asked once
/// per attribute of every entity.
pub trait Reads {
    /// What the policies read of one entity type.
    type Of: ReadsOf;
    /// What they read of `ty`'s entities.
    fn of(&self, ty: Type) -> &Self::Of;
    /// Whether entities keep `ancestor` among their ancestors.
    fn keeps_ancestor(&self, ancestor: &EntityUid) -> bool;
    /// Whether they read everything (every attribute, tag and ancestor).
    fn everything(&self) -> bool;
}

/// What the policies read of the entities of one type.
pub trait ReadsOf {
    /// Whether a policy can read the attribute `name`.
    fn attribute(&self, name: &str) -> bool;
    /// Whether a policy can read tags.
    fn tags(&self) -> bool;
}

/// The entity types of `schemas/iam.cedarschema`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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
    ServerCertificate,
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
            Type::ServerCertificate => "Iam::ServerCertificate",
            Type::Action => "Iam::Action",
        }
    }

    pub const ALL: [Type; 14] = [
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
        Type::ServerCertificate,
        Type::Action,
    ];

    /// The type named `name` (`Iam::User`), if the schema has it.
    pub fn of_name(name: &str) -> Option<Type> {
        Type::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The position in [`Type::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The Cedar name of the type.
    pub fn type_name(self) -> EntityTypeName {
        static NAMES: OnceLock<Vec<EntityTypeName>> = OnceLock::new();
        let names = NAMES.get_or_init(|| {
            Type::ALL
                .iter()
                .filter_map(|t| EntityTypeName::from_str(t.name()).ok())
                .collect()
        });
        // The names above are fixed, valid Cedar names (a unit test parses
        // every one), so the index always exists.
        names[self.index()].clone()
    }

    /// The entity `<Type>::"<id>"`; `id` may hold any characters.
    pub fn uid(self, id: &str) -> EntityUid {
        EntityUid::from_type_name_and_id(self.type_name(), EntityId::new(id))
    }
}

/// An attribute value: a Cedar value, made directly.
///
/// Cedar's `Entity::new` takes restricted expressions and evaluates each
/// into a value; for literals that is an expression tree built only to be
/// taken apart again (on the largest account about 4% of all instructions).
/// Values are made here instead, the way Cedar's evaluator makes them (no
/// source location); a `datetime` is what Cedar's own constructor function
/// returns (see [`datetime`]). Debug builds check every entity against the schema
/// (see [`entity_store`]), and a unit test compares these values with
/// what Cedar evaluates.
pub type AttrValue = ast::Value;

// The value constructors below are Cedar core's, because an attribute is a
// core value (see [`AttrValue`]): the public API has no value type, only
// restricted expressions that Cedar evaluates again.
pub fn string(s: &str) -> AttrValue {
    ast::Value::from(s)
}

pub fn boolean(b: bool) -> AttrValue {
    ast::Value::from(b)
}

pub fn long(n: i64) -> AttrValue {
    ast::Value::from(n)
}

/// A timestamp as Cedar's `datetime`: the value Cedar's own `datetime`
/// constructor function returns for it.
///
/// The function is called directly rather than through Cedar's evaluator on
/// the expression `datetime("...")`: building and evaluating that expression
/// cost as much again as the constructor's own parsing, about 120 M of 4.96 G
/// instructions for the 25,665 timestamps of an account at the IAM quota
/// maximum. A unit test checks the two give equal values.
pub fn datetime(t: Timestamp) -> Result<AttrValue, String> {
    let refused =
        |e: &dyn std::fmt::Display| format!("cannot make `{}` a datetime: {e}", t.to_cedar());
    let constructor =
        datetime_constructor().ok_or_else(|| refused(&"Cedar's `datetime` function is missing"))?;
    match constructor.call(&[ast::Value::from(t.to_cedar())]) {
        Ok(ast::PartialValue::Value(value)) => Ok(value),
        Ok(ast::PartialValue::Residual(_)) => Err(refused(&"the constructor left it unknown")),
        Err(e) => Err(refused(&e)),
    }
}

/// Cedar's `datetime` constructor, looked up once. Core's extension
/// registry, because the public API offers the constructor only as an
/// expression to evaluate.
fn datetime_constructor() -> Option<&'static ast::ExtensionFunction> {
    static FUNCTION: OnceLock<Option<&'static ast::ExtensionFunction>> = OnceLock::new();
    *FUNCTION.get_or_init(|| {
        let name = ast::Name::parse_unqualified_name("datetime").ok()?;
        Extensions::all_available().func(&name).ok()
    })
}

pub fn string_set<'a>(items: impl IntoIterator<Item = &'a str>) -> AttrValue {
    ast::Value::set(items.into_iter().map(ast::Value::from), None)
}

/// An attribute list under construction, in a fixed order, holding only
/// what the policies can read (see [`Reads`]).
pub struct Attrs<'r, R: Reads> {
    /// What the run's policies read: which ancestors entities keep.
    reads: &'r R,
    /// What they read of this entity's type.
    wanted: &'r R::Of,
    values: Vec<(&'static str, AttrValue)>,
    /// The first value that could not be made (a timestamp Cedar refuses).
    refused: Option<String>,
}

impl<'r, R: Reads> Attrs<'r, R> {
    /// The attributes of an entity of type `ty`.
    pub fn new(reads: &'r R, ty: Type) -> Attrs<'r, R> {
        Attrs {
            reads,
            wanted: reads.of(ty),
            values: Vec::new(),
            refused: None,
        }
    }

    pub fn put(&mut self, name: &'static str, value: AttrValue) -> &mut Self {
        self.put_with(name, || value)
    }

    pub fn put_str(&mut self, name: &'static str, value: &str) -> &mut Self {
        self.put_with(name, || string(value))
    }

    /// A timestamp, made a Cedar `datetime` only when a policy can read it
    /// (making one is the costliest of the values).
    pub fn put_time(&mut self, name: &'static str, value: Option<Timestamp>) -> &mut Self {
        if !self.wanted.attribute(name) {
            return self;
        }
        match value.map(datetime) {
            Some(Ok(v)) => self.put(name, v),
            Some(Err(why)) => {
                self.refused.get_or_insert(why);
                self
            }
            None => self,
        }
    }

    /// A value that costs something to make (a set), made only when wanted.
    pub fn put_with(&mut self, name: &'static str, value: impl FnOnce() -> AttrValue) -> &mut Self {
        if self.wanted.attribute(name) {
            self.values.push((name, value()));
        }
        self
    }
}

/// A snapshot entity as the builder makes it: Cedar's core entity, with the
/// transitive closure of its ancestors already filled in.
///
/// Cedar's public `Entities::from_entities` computes the closure itself, with
/// a cycle-safe algorithm over hash maps of entity ids: 100+ ms for the
/// 16,908 entities of the largest account, on the one thread left at that
/// point. The builder knows the hierarchy, which is at most three levels deep
/// and has no cycles (an access key is in its user, a user in its groups, a
/// group in its policies and account), so it closes it as it goes. Debug
/// builds, hence every test, have Cedar check that the closure is complete
/// (`TCComputation::EnforceAlreadyComputed`); see [`entity_store`].
pub type SnapshotEntity = ast::Entity;

/// A [`SnapshotEntity`]: `parents` are its direct parents, `indirect` every
/// further ancestor (a parent listed in both counts as a parent). The tags
/// are kept only when a policy can read them.
pub fn entity<R: Reads>(
    uid: EntityUid,
    attrs: Attrs<R>,
    parents: &[EntityUid],
    indirect: &[EntityUid],
    tags: &[(String, String)],
) -> Result<SnapshotEntity, String> {
    if let Some(why) = attrs.refused {
        return Err(why);
    }
    // AWS tag keys are unique per resource; if evidence repeats one, the
    // last value wins, as it would on re-import.
    let tags: BTreeMap<&str, &str> = if attrs.wanted.tags() {
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    } else {
        BTreeMap::new()
    };
    // Only the ancestors some `in` can test (see `Reads::keeps_ancestor`).
    let keep = |p: &&EntityUid| attrs.reads.keeps_ancestor(p);
    let parent_set: HashSet<ast::EntityUID> = parents
        .iter()
        .filter(keep)
        .map(|p| p.as_ref().clone())
        .collect();
    let indirect: Vec<&EntityUid> = indirect.iter().filter(keep).collect();
    // Sized up front: a filtered iterator's size hint is zero, and growing
    // a set re-hashes every uid in it (SipHash, as Cedar's sets use).
    let mut indirect_set: HashSet<ast::EntityUID> = HashSet::with_capacity(indirect.len());
    indirect_set.extend(
        indirect
            .into_iter()
            .map(|p| p.as_ref().clone())
            .filter(|p| !parent_set.contains(p)),
    );
    // Cedar's core constructor, because the public `Entity::new` takes
    // restricted expressions (evaluated again into the values made here) and
    // has no way to pass the ancestors the builder already closed.
    // `new_static`: the long attribute names (`password_last_used_state`)
    // point at the binary instead of a heap copy per entity.
    Ok(ast::Entity::new_with_attr_partial_value(
        uid.into(),
        attrs
            .values
            .into_iter()
            .map(|(k, v)| (SmolStr::new_static(k), ast::PartialValue::from(v))),
        indirect_set,
        parent_set,
        tags.into_iter()
            .map(|(k, v)| (SmolStr::from(k), ast::PartialValue::from(string(v)))),
    ))
}

/// A context as JSON (for `requests` and `explain`) and as Cedar's.
pub type BuiltContext = (Arc<Value>, Context);

/// A request context in Cedar's JSON form (`__extn` escapes for datetime and
/// duration), converted to a Cedar [`Context`].
///
/// Most requests of a snapshot share one of a few contexts (every `HoldPolicy`
/// request carries only `as_of` and `thresholds`), so equal contexts are
/// built once and shared: a Cedar `Context` and the JSON are both cheap to
/// clone. Converting JSON values straight to restricted expressions, rather
/// than through `Context::from_json_value` (a serde round trip per value),
/// took the context cost of a 5,000-user account from 2.2 s to milliseconds.
#[derive(Default)]
pub struct ContextCache {
    /// The facts every context of this cache starts from (the snapshot's
    /// `as_of` and `thresholds`); a request adds its own after them.
    base: Map<String, Value>,
    /// Keyed by the added facts as printed: printing only those, not the
    /// base, made a key four times cheaper to make.
    built: HashMap<String, BuiltContext>,
    /// The facts last asked for and what they gave: consecutive requests (the
    /// policies one identity holds) mostly share them, and comparing is
    /// cheaper than printing the key.
    last: Option<(Map<String, Value>, BuiltContext)>,
}

impl ContextCache {
    /// A cache of contexts that each start from `base`.
    pub fn with_base(base: Map<String, Value>) -> ContextCache {
        ContextCache {
            base,
            ..ContextCache::default()
        }
    }

    /// The context of the base facts followed by `added` (an added key the
    /// base also has replaces the base's value, in the base's place).
    pub fn context(&mut self, added: Map<String, Value>) -> Result<BuiltContext, String> {
        if let Some((facts, entry)) = &self.last {
            if *facts == added {
                return Ok(entry.clone());
            }
        }
        let entry = self.build(&added)?;
        self.last = Some((added, entry.clone()));
        Ok(entry)
    }

    fn build(&mut self, added: &Map<String, Value>) -> Result<BuiltContext, String> {
        // serde_json's map keeps insertion order here (cedar-policy-core turns
        // on `preserve_order`), and the builder inserts a context's keys in a
        // fixed order, so equal facts print equally; were two built in
        // different orders, they would only be cached twice, each correct.
        let key = serde_json::to_string(added).map_err(|e| e.to_string())?;
        if let Some(hit) = self.built.get(&key) {
            return Ok(hit.clone());
        }
        let mut fields = self.base.clone();
        fields.extend(added.iter().map(|(k, v)| (k.clone(), v.clone())));
        let pairs = fields
            .iter()
            .map(|(k, v)| Ok((k.clone(), restricted(v)?)))
            .collect::<Result<Vec<_>, String>>()?;
        let context = Context::from_pairs(pairs).map_err(|e| e.to_string())?;
        let entry = (Arc::new(Value::Object(fields)), context);
        self.built.insert(key, entry.clone());
        Ok(entry)
    }
}

/// One context value (Cedar's JSON value form, as the model writes it) as a
/// restricted expression.
fn restricted(value: &Value) -> Result<RestrictedExpression, String> {
    Ok(match value {
        Value::Bool(b) => RestrictedExpression::new_bool(*b),
        Value::Number(n) => RestrictedExpression::new_long(
            n.as_i64()
                .ok_or_else(|| format!("`{n}` is not a Cedar Long"))?,
        ),
        Value::String(s) => RestrictedExpression::new_string(s.clone()),
        Value::Array(items) => RestrictedExpression::new_set(
            items
                .iter()
                .map(restricted)
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Value::Object(fields) => match extension(fields) {
            Some(("datetime", arg)) => RestrictedExpression::new_datetime(arg),
            Some(("duration", arg)) => RestrictedExpression::new_duration(arg),
            Some((other, _)) => return Err(format!("unexpected extension function `{other}`")),
            None => RestrictedExpression::new_record(
                fields
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), restricted(v)?)))
                    .collect::<Result<Vec<_>, String>>()?,
            )
            .map_err(|e| e.to_string())?,
        },
        Value::Null => return Err("null has no Cedar value".into()),
    })
}

/// `{"__extn": {"fn": F, "arg": A}}` → `(F, A)`.
fn extension(fields: &Map<String, Value>) -> Option<(&str, &str)> {
    if fields.len() != 1 {
        return None;
    }
    let extn = fields.get("__extn")?;
    Some((extn.get("fn")?.as_str()?, extn.get("arg")?.as_str()?))
}

/// Cedar's entity store of one snapshot, with the schema's action entities.
///
/// The builder closes the hierarchy itself (see [`SnapshotEntity`]) and
/// makes entities that conform to the schema by construction. Debug builds
/// (every test) have Cedar check both, the closure for completeness and,
/// when the entities hold every attribute (`reads`), each entity against the
/// schema; release builds take them as they are. On the largest account the
/// per-entity check was half the cost of the store (295 ms -> 144 ms for
/// 16,908 entities) and Cedar's own closure most of the rest.
pub fn entity_store<R: Reads>(
    built: impl IntoIterator<Item = SnapshotEntity>,
    schema: &Schema,
    reads: &R,
) -> Result<Entities, Error> {
    // Cedar's core store, because the public `Entities::from_entities`
    // always computes the closure and checks every entity against the
    // schema: it has no way to take (or only verify) a closure already made.
    use cedar_policy_core::entities::{Entities as CoreEntities, TCComputation};
    use cedar_policy_core::validator::CoreSchema;
    let mismatch = |e: String| {
        Error::Internal(format!(
            "the snapshot's entities do not match the schema: {e}"
        ))
    };
    let extensions = Extensions::all_available();
    let store = if cfg!(debug_assertions) && reads.everything() {
        CoreEntities::from_entities(
            built,
            Some(&CoreSchema::new(schema.as_ref())),
            TCComputation::EnforceAlreadyComputed,
            extensions,
        )
    } else {
        let actions = schema
            .action_entities()
            .map_err(|e| mismatch(e.to_string()))?;
        let actions: Vec<_> = actions.as_ref().iter().cloned().collect();
        CoreEntities::from_entities(
            built.into_iter().chain(actions),
            None::<&CoreSchema<'_>>,
            if cfg!(debug_assertions) {
                TCComputation::EnforceAlreadyComputed
            } else {
                TCComputation::AssumeAlreadyComputed
            },
            extensions,
        )
    };
    store
        .map(Entities::from)
        .map_err(|e| mismatch(e.to_string()))
}

/// What one expression of a policy's condition reads of the snapshot's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConditionRead {
    /// `e.attr`, `e has attr`, `e["attr"]` (`names`: the attribute; for
    /// `e has a.b.c` all of `a`, `b`, `c`, though only `a` is an attribute of
    /// `e`), `e.getTag(..)`, `e.hasTag(..)` (`tags`, no names).
    Data {
        receiver: Receiver,
        names: Vec<String>,
        tags: bool,
    },
    /// `_ in e`: membership in `container` is tested.
    In { container: Receiver },
}

/// What the expression a policy reads from (or tests membership in) is, as
/// far as entity types go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Receiver {
    /// The `principal` variable.
    Principal,
    /// The `resource` variable.
    Resource,
    /// The `context` record or the `action` (an entity of the schema, not of
    /// the snapshot).
    NotSnapshotData,
    /// An entity literal, of this type if it is one of the schema's.
    Literal(Option<Type>),
    /// A set literal of these.
    Set(Vec<Receiver>),
    /// Anything else: it may be any entity.
    Unknown,
}

/// What each expression of `policy`'s condition (its scope included) reads,
/// in the order Cedar walks them.
///
/// Cedar's core AST, because the public `Policy` API shows only the scope
/// and annotations: a condition is reachable only as text or JSON, which
/// would have to be parsed again to be walked.
pub fn condition_reads(policy: &cedar_policy::Policy) -> Vec<ConditionRead> {
    AsRef::<ast::Policy>::as_ref(policy)
        .condition()
        .subexpressions()
        .filter_map(condition_read)
        .collect()
}

/// What one expression reads, if anything.
fn condition_read(expr: &ast::Expr) -> Option<ConditionRead> {
    use ast::{BinaryOp, ExprKind};
    let (receiver, names, tags) = match expr.expr_kind() {
        ExprKind::GetAttr { expr, attr } | ExprKind::HasAttr { expr, attr } => {
            (expr, vec![attr.to_string()], false)
        }
        ExprKind::ExtHasAttr { expr, attrs } => {
            (expr, attrs.iter().map(|a| a.to_string()).collect(), false)
        }
        ExprKind::BinaryApp {
            op: BinaryOp::GetTag | BinaryOp::HasTag,
            arg1,
            ..
        } => (arg1, Vec::new(), true),
        ExprKind::BinaryApp {
            op: BinaryOp::In,
            arg2,
            ..
        } => {
            return Some(ConditionRead::In {
                container: receiver_of(arg2),
            })
        }
        _ => return None,
    };
    Some(ConditionRead::Data {
        receiver: receiver_of(receiver),
        names,
        tags,
    })
}

/// What a receiver expression is.
fn receiver_of(expr: &ast::Expr) -> Receiver {
    use ast::{ExprKind, Literal, Var};
    match expr.expr_kind() {
        ExprKind::Var(Var::Principal) => Receiver::Principal,
        ExprKind::Var(Var::Resource) => Receiver::Resource,
        ExprKind::Var(Var::Context | Var::Action) => Receiver::NotSnapshotData,
        ExprKind::Lit(Literal::EntityUID(uid)) => {
            Receiver::Literal(Type::of_name(&uid.entity_type().to_string()))
        }
        ExprKind::Set(items) => Receiver::Set(items.iter().map(receiver_of).collect()),
        _ => Receiver::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EntityReads;
    use cedar_policy_core::evaluator::RestrictedEvaluator;

    /// The expression `datetime("...")` for a timestamp, built from Cedar's
    /// own AST constructors: the reference [`datetime`] is checked against.
    fn datetime_expr(t: Timestamp) -> ast::RestrictedExpr {
        let name = ast::Name::parse_unqualified_name("datetime").expect("a valid name");
        ast::RestrictedExpr::call_extension_fn(
            name,
            [ast::RestrictedExpr::val(t.to_cedar().as_str())],
        )
    }

    #[test]
    fn every_type_name_parses() {
        for t in Type::ALL {
            assert!(EntityTypeName::from_str(t.name()).is_ok(), "{}", t.name());
            assert_eq!(t.uid("x").type_name().to_string(), t.name());
        }
    }

    #[test]
    fn datetimes_equal_cedars_own_constructor() {
        for millis in [0, 1_600_000_000_123, 253_402_300_799_000] {
            let t = Timestamp::from_millis(millis);
            let ours = RestrictedExpression::from(datetime_expr(t));
            let theirs = RestrictedExpression::new_datetime(t.to_cedar());
            assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
            let as_context = |e: RestrictedExpression| {
                Context::from_pairs([("t".to_string(), e)])
                    .expect("evaluates")
                    .to_string()
            };
            assert_eq!(as_context(ours), as_context(theirs));
        }
    }

    #[test]
    fn datetimes_are_those_cedars_evaluator_makes() {
        for millis in [
            -62_135_596_800_000,
            0,
            1_600_000_000_123,
            1_700_000_000_000,
            253_402_300_799_999,
        ] {
            let t = Timestamp::from_millis(millis);
            let ours = datetime(t).expect("made");
            let theirs = RestrictedEvaluator::new(Extensions::all_available())
                .interpret(datetime_expr(t).as_borrowed())
                .expect("evaluated");
            assert_eq!(ours, theirs);
            assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
            assert_eq!(ours.to_string(), theirs.to_string());
        }
    }

    #[test]
    fn values_are_those_cedar_evaluates() {
        let t = Timestamp::from_millis(1_600_000_000_123);
        let all = EntityReads::everything();
        let mut attrs = Attrs::new(&all, Type::User);
        attrs
            .put_str("name", "a \"quoted\" name longer than twenty-three bytes")
            .put("flag", boolean(true))
            .put("count", long(-7))
            .put("names", string_set(["b", "a", "b"]))
            .put_time("created", Some(t));
        let parents = [Type::Group.uid("g"), Type::Account.uid("1")];
        let indirect = [Type::ManagedPolicy.uid("p"), Type::Account.uid("1")];
        let tags = [("team", "x"), ("cost-centre", "y")];
        let owned_tags = tags.map(|(k, v)| (k.to_string(), v.to_string()));
        let ours =
            entity(Type::User.uid("u"), attrs, &parents, &indirect, &owned_tags).expect("made");

        let set = ast::RestrictedExpr::set(["b", "a", "b"].map(ast::RestrictedExpr::val));
        let theirs = ast::Entity::new(
            Type::User.uid("u").into(),
            [
                (
                    "name".into(),
                    ast::RestrictedExpr::val("a \"quoted\" name longer than twenty-three bytes"),
                ),
                ("flag".into(), ast::RestrictedExpr::val(true)),
                ("count".into(), ast::RestrictedExpr::val(-7)),
                ("names".into(), set),
                (
                    "created".into(),
                    RestrictedExpression::new_datetime(t.to_cedar())
                        .as_ref()
                        .clone(),
                ),
            ],
            [Type::ManagedPolicy.uid("p").into()].into_iter().collect(),
            parents.iter().map(|p| p.as_ref().clone()).collect(),
            tags.map(|(k, v)| (k.into(), ast::RestrictedExpr::val(v))),
            Extensions::all_available(),
        )
        .expect("cedar evaluates it");
        assert!(ours.deep_eq(&theirs), "{ours:?}\n{theirs:?}");
    }

    #[test]
    fn unread_attributes_and_tags_are_left_out() {
        let schema = crate::engine::schema().expect("schema");
        let set: cedar_policy::PolicySet =
            r#"forbid (principal is Iam::User, action, resource) when { principal.mfa_active };"#
                .parse()
                .expect("parses");
        let reads = EntityReads::of_policies(&set, &schema);
        let mut attrs = Attrs::new(&reads, Type::User);
        attrs
            .put_str("arn", "arn:aws:iam::1:user/u")
            .put("mfa_active", boolean(false))
            .put_with("group_names", || unreachable!("an unread set is not made"))
            .put_time("created", Some(Timestamp::from_millis(0)));
        let tags = [("team".to_string(), "x".to_string())];
        let made = entity(Type::User.uid("u"), attrs, &[], &[], &tags).expect("made");
        let names: Vec<&str> = made.keys().map(|k| k.as_str()).collect();
        assert_eq!(names, ["mfa_active"]);
        assert_eq!(made.tag_keys().count(), 0);
    }

    #[test]
    fn contexts_match_cedars_own_json_reading() {
        let json = serde_json::json!({
            "as_of": {"__extn": {"fn": "datetime", "arg": "2026-11-20T09:30:00Z"}},
            "thresholds": {"max_age": {"__extn": {"fn": "duration", "arg": "90d"}}, "min": 14},
            "keys": ["aws:MultiFactorAuthPresent", "sts:ExternalId"],
            "gated": true,
            "index": -1,
            "sid": "say \"hi\"",
        });
        let Value::Object(map) = json.clone() else {
            unreachable!()
        };
        let mut cache = ContextCache::default();
        let (kept, ours) = cache.context(map.clone()).expect("builds");
        let theirs = Context::from_json_value(json.clone(), None).expect("cedar reads it");
        assert_eq!(ours.to_string(), theirs.to_string());
        assert_eq!(*kept, json);
        // A second equal context is the same shared one.
        let (again, _) = cache.context(map).expect("builds");
        assert!(Arc::ptr_eq(&kept, &again));
    }

    #[test]
    fn contexts_start_from_the_base_facts() {
        let object = |v: Value| match v {
            Value::Object(map) => map,
            _ => unreachable!("an object literal"),
        };
        let base = object(serde_json::json!({"as_of": "t", "min": 14}));
        let mut cache = ContextCache::with_base(base);
        let (json, context) = cache
            .context(object(serde_json::json!({"gated": true, "min": 3})))
            .expect("builds");
        // The base's keys first; an added key replaces the base's value in place.
        let expected = serde_json::json!({"as_of": "t", "min": 3, "gated": true});
        assert_eq!(serde_json::to_string(&*json).unwrap(), expected.to_string());
        let theirs = Context::from_json_value(expected, None).expect("cedar reads it");
        assert_eq!(context.to_string(), theirs.to_string());
        // Other facts make another context; asking again for the first
        // (no longer the last asked) finds the one already built.
        let (other, _) = cache
            .context(object(serde_json::json!({"gated": false})))
            .expect("builds");
        assert_eq!(other["gated"], false);
        let (again, _) = cache
            .context(object(serde_json::json!({"gated": true, "min": 3})))
            .expect("builds");
        assert!(Arc::ptr_eq(&json, &again));
        // No added facts: the base alone.
        let (bare, _) = cache.context(Map::new()).expect("builds");
        assert_eq!(
            serde_json::to_string(&*bare).unwrap(),
            r#"{"as_of":"t","min":14}"#
        );
    }

    #[test]
    fn contexts_refuse_what_cedar_cannot_hold() {
        let mut cache = ContextCache::default();
        for bad in [
            serde_json::json!({"x": null}),
            serde_json::json!({"x": 1.5}),
            serde_json::json!({"x": {"__extn": {"fn": "ip", "arg": "10.0.0.1"}}}),
        ] {
            let Value::Object(map) = bad else {
                unreachable!()
            };
            assert!(cache.context(map).is_err());
        }
    }

    #[test]
    fn condition_reads_name_receivers_and_containers() {
        let policy: cedar_policy::Policy = r#"permit (principal, action, resource) when {
            principal.mfa_active && context has as_of && resource.hasTag("team")
            && principal in [Iam::Group::"g", Iam::Nope::"x"]
            && Iam::Account::"1" has alias.name
        };"#
        .parse()
        .expect("parses");
        let reads = condition_reads(&policy);
        let data = |receiver: Receiver, names: &[&str], tags: bool| ConditionRead::Data {
            receiver,
            names: names.iter().map(|n| n.to_string()).collect(),
            tags,
        };
        assert!(reads.contains(&data(Receiver::Principal, &["mfa_active"], false)));
        assert!(reads.contains(&data(Receiver::NotSnapshotData, &["as_of"], false)));
        assert!(reads.contains(&data(Receiver::Resource, &[], true)));
        assert!(reads.contains(&data(
            Receiver::Literal(Some(Type::Account)),
            &["alias", "name"],
            false
        )));
        assert!(reads.contains(&ConditionRead::In {
            container: Receiver::Set(vec![
                Receiver::Literal(Some(Type::Group)),
                Receiver::Literal(None)
            ])
        }));
    }

    #[test]
    fn ids_keep_any_characters() {
        let uid = Type::User.uid("arn:aws:iam::1:user/a\"b\\c\n");
        assert_eq!(uid.id().unescaped(), "arn:aws:iam::1:user/a\"b\\c\n");
    }

    fn model_of(folder: &str) -> crate::model::Model {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(folder);
        let targets = crate::cli::files::resolve(&[path]).expect("a snapshot folder");
        let (sources, _) = crate::pipeline::snapshots_of(targets).expect("one snapshot");
        let files = crate::cli::files::Files::default();
        let snapshot =
            crate::evidence::snapshot::load(&sources[0], &files, &crate::exec::Sequential)
                .expect("loads");
        let options = crate::model::ModelOptions {
            as_of: crate::pipeline::as_of_for(&snapshot, None),
            thresholds: &crate::model::Thresholds::default(),
            reads: &crate::model::EntityReads::everything(),
        };
        crate::model::normalize(&snapshot, &options, &crate::exec::Sequential)
            .expect("builds")
            .finish()
    }

    /// The entity as Cedar would get it from the JSON format: direct parents
    /// only, the closure left to Cedar.
    fn parents_only(entity: &ast::Entity) -> cedar_policy::Entity {
        let (uid, attrs, _, parents, tags) = entity.clone().into_inner();
        ast::Entity::new_with_attr_partial_value(uid, attrs, HashSet::new(), parents, tags).into()
    }

    fn ancestors(store: &Entities, uid: &EntityUid) -> std::collections::BTreeSet<String> {
        store
            .ancestors(uid)
            .map(|a| a.map(ToString::to_string).collect())
            .unwrap_or_default()
    }

    #[test]
    fn the_builders_closure_is_cedars() {
        let schema = crate::engine::schema().expect("schema");
        let mut deep = 0;
        for folder in [
            "snapshots/demo",
            "snapshots/compliant",
            "tests/fixtures/cis-rich",
            "tests/fixtures/hostile-names",
            "tests/fixtures/trust-matrix",
            "tests/fixtures/paged",
        ] {
            let model = model_of(folder);
            let cedars = Entities::from_entities(model.entities.iter().map(parents_only), None)
                .expect("cedar closes the hierarchy");
            let ours =
                entity_store(model.entities, &schema, &EntityReads::everything()).expect("store");
            for entity in cedars.iter() {
                let uid = entity.uid();
                let (theirs, mine) = (ancestors(&cedars, &uid), ancestors(&ours, &uid));
                assert_eq!(mine, theirs, "{folder}: ancestors of {uid}");
                let direct = entity.as_ref().parents().count();
                deep += usize::from(theirs.len() > direct);
            }
        }
        // Users in groups with policies, access keys of such users: the
        // comparison covers ancestors beyond the parents.
        assert!(deep >= 10, "only {deep} entities have indirect ancestors");
    }

    #[test]
    fn debug_builds_refuse_an_open_hierarchy() {
        if !cfg!(debug_assertions) {
            return;
        }
        let schema = crate::engine::schema().expect("schema");
        let model = model_of("snapshots/demo");
        // The same entities with only their direct parents: the closure is
        // incomplete wherever a user is in a group that has policies.
        let open: Vec<ast::Entity> = model
            .entities
            .iter()
            .map(|e| parents_only(e).as_ref().clone())
            .collect();
        let e = entity_store(open, &schema, &EntityReads::everything())
            .expect_err("an open hierarchy is refused");
        assert!(e.to_string().contains("transitive"), "{e}");
    }
}
