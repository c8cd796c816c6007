//! `iam-audit entities`: a snapshot's Cedar entities, in Cedar's JSON
//! entity format.

use std::path::PathBuf;

use super::{prepare_one, Outcome};
use crate::error::Error;
use crate::evidence::time::Timestamp;

pub struct Options {
    pub paths: Vec<PathBuf>,
    pub as_of: Option<Timestamp>,
    pub output: Option<PathBuf>,
}

pub fn run(options: &Options) -> Result<Outcome, Error> {
    let schema = crate::engine::schema()?;
    let prepared = prepare_one(&options.paths, &schema, options.as_of, "entities")?;
    let mut outcome = Outcome::text(crate::model::entities_json(&prepared.entities)?, 0);
    outcome.destination = options.output.clone();
    Ok(outcome)
}
