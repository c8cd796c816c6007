//! `iam-audit frameworks`: every framework `--framework` accepts, and how
//! much of each the loaded controls cover.

use super::{load_pack, Outcome, PolicyOptions};
use crate::error::Error;
use crate::frameworks::{known_ids, Framework};
use crate::report::framework_list::render_frameworks;

pub struct Options {
    pub policies: PolicyOptions,
    /// JSON instead of a table.
    pub json: bool,
}

pub fn run(options: &Options) -> Result<Outcome, Error> {
    let pack = load_pack(&options.policies)?;
    let frameworks = known_ids()?
        .iter()
        .map(|id| Framework::parse(id).map_err(Error::Internal))
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(Outcome::text(
        render_frameworks(&pack, &frameworks, options.json),
        0,
    ))
}
