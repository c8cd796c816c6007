//! `iam-audit policies`: the loaded controls, or each chosen framework's
//! requirements and what covers each.

use super::{load_pack, Outcome, PolicyOptions};
use crate::error::Error;
use crate::frameworks::Framework;
use crate::report::framework_list::render_requirements;
use crate::report::policies::{render_benchmark, render_list};

pub struct Options {
    pub policies: PolicyOptions,
    /// `--framework` (`--benchmark`), without repeats, in the order given.
    pub frameworks: Vec<Framework>,
    /// JSON instead of a table.
    pub json: bool,
}

pub fn run(options: &Options) -> Result<Outcome, Error> {
    let pack = load_pack(&options.policies)?;
    let one = |f: &Framework| match f {
        Framework::Cis(b) => render_benchmark(&pack, b, options.json),
        Framework::Data(_) => render_requirements(&pack, f, options.json),
    };
    let text = match options.frameworks.as_slice() {
        [] => render_list(&pack, options.json),
        [f] => one(f),
        // Several: a JSON array of the documents, or the tables in turn.
        several if options.json => {
            let docs: Vec<String> = several
                .iter()
                .map(|f| one(f).trim_end().to_string())
                .collect();
            format!("[\n{}\n]\n", docs.join(",\n"))
        }
        several => several.iter().map(one).collect::<Vec<_>>().join("\n"),
    };
    Ok(Outcome::text(text, 0))
}
