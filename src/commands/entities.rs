//! `iam-audit entities`: a snapshot's Cedar entities, in Cedar's JSON
//! entity format.

use super::{prepare_one, OneSnapshot, Outcome};
use crate::error::Error;

pub fn run(options: &OneSnapshot) -> Result<Outcome, Error> {
    let schema = crate::engine::schema()?;
    let prepared = prepare_one(
        &options.paths,
        &schema,
        options.as_of,
        "entities",
        options.output.as_deref(),
    )?;
    let mut outcome = Outcome::text(crate::model::entities_json(&prepared.entities)?, 0);
    outcome.destination = options.output.clone();
    Ok(outcome)
}
