//! `iam-audit validate`: loads the policies `evaluate` would load with the
//! same flags and says whether they are valid (errors are exit code 2).

use super::{load_pack, Outcome, PolicyOptions};
use crate::error::Error;

pub fn run(options: &PolicyOptions) -> Result<Outcome, Error> {
    let n = load_pack(options)?.controls.len();
    Ok(Outcome::text(
        format!("{n} polic{} valid\n", if n == 1 { "y" } else { "ies" }),
        0,
    ))
}
