//! `iam-audit policies`: the loaded controls, or a CIS benchmark's IAM
//! controls and what covers each.

use super::{load_pack, Outcome, PolicyOptions};
use crate::catalogue::Benchmark;
use crate::error::Error;
use crate::report::policies::{render_benchmark, render_list};

pub struct Options {
    pub policies: PolicyOptions,
    pub benchmark: Option<Benchmark>,
    /// JSON instead of a table.
    pub json: bool,
}

pub fn run(options: &Options) -> Result<Outcome, Error> {
    let pack = load_pack(&options.policies)?;
    let text = match &options.benchmark {
        None => render_list(&pack, options.json),
        Some(b) => render_benchmark(&pack, b, options.json),
    };
    Ok(Outcome::text(text, 0))
}
