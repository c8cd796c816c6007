//! `iam-audit entities`: a snapshot's Cedar entities, in Cedar's JSON
//! entity format.

use super::{print_one, OneSnapshot, Outcome};
use crate::error::Error;

pub fn run(options: &OneSnapshot) -> Result<Outcome, Error> {
    print_one(options, "entities", |p| {
        crate::model::entities_json(&p.entities)
    })
}
