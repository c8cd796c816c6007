//! Cedar's entity store of a snapshot (moving to `model::cedar`).

use cedar_policy::{Entities, Schema};

use crate::error::Error;
use crate::model::{self, EntityReads};

/// Cedar's entity store of one snapshot, with the schema's action entities.
///
/// The builder closes the hierarchy itself (see
/// [`model::cedar::SnapshotEntity`]) and makes entities that conform to the
/// schema by construction. Debug builds (every test) have Cedar check both,
/// the closure for completeness and, when the entities hold every attribute
/// (`reads`), each entity against the schema; release builds take them as
/// they are. On the largest account the per-entity check was half the cost
/// of the store (295 ms -> 144 ms for 16,908 entities) and Cedar's own
/// closure most of the rest.
pub fn entity_store(
    built: impl IntoIterator<Item = model::cedar::SnapshotEntity>,
    schema: &Schema,
    reads: &EntityReads,
) -> Result<Entities, Error> {
    use cedar_policy_core::entities::{Entities as CoreEntities, TCComputation};
    use cedar_policy_core::extensions::Extensions;
    use cedar_policy_core::validator::CoreSchema;
    let mismatch = |e: String| {
        Error::Internal(format!(
            "the snapshot's entities do not match the schema: {e}"
        ))
    };
    let extensions = Extensions::all_available();
    let store = if cfg!(debug_assertions) && *reads == EntityReads::everything() {
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

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashSet};
    use std::path::PathBuf;

    use cedar_policy::{Entities, EntityUid};
    use cedar_policy_core::ast;

    use super::*;
    use crate::engine;
    use crate::model::Model;

    fn model_of(folder: &str) -> Model {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(folder);
        let targets = crate::cli::files::resolve(&[path]).expect("a snapshot folder");
        let (sources, _) = crate::pipeline::snapshots_of(targets).expect("one snapshot");
        let files = crate::cli::files::Files::default();
        let snapshot =
            crate::evidence::snapshot::load(&sources[0], &files, &crate::exec::Sequential)
                .expect("loads");
        let as_of = crate::pipeline::as_of_for(&snapshot, None);
        model::build(&snapshot, as_of).expect("builds")
    }

    /// The entity as Cedar would get it from the JSON format: direct parents
    /// only, the closure left to Cedar.
    fn parents_only(entity: &ast::Entity) -> cedar_policy::Entity {
        let (uid, attrs, _, parents, tags) = entity.clone().into_inner();
        ast::Entity::new_with_attr_partial_value(uid, attrs, HashSet::new(), parents, tags).into()
    }

    fn ancestors(store: &Entities, uid: &EntityUid) -> BTreeSet<String> {
        store
            .ancestors(uid)
            .map(|a| a.map(ToString::to_string).collect())
            .unwrap_or_default()
    }

    #[test]
    fn the_builders_closure_is_cedars() {
        let schema = engine::schema().expect("schema");
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
        let schema = engine::schema().expect("schema");
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
