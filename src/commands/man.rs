//! `iam-audit man [COMMAND]`: the manual page in roff, generated from the
//! command line's own definitions: `iam-audit(1)`, or `iam-audit-COMMAND(1)`
//! for one command (as git names its pages).

use super::Outcome;
use crate::error::Error;

pub struct Options {
    /// The command line's definitions (`clap::CommandFactory::command`).
    pub cli: clap::Command,
    /// A command's own page instead of the overview.
    pub command: Option<String>,
}

pub fn run(options: Options) -> Result<Outcome, Error> {
    let mut cli = options.cli;
    // Global flags (`--color`, `--quiet`) reach the commands only once built.
    cli.build();
    let page = match &options.command {
        None => cli,
        Some(name) => {
            let names: Vec<String> = cli
                .get_subcommands()
                .filter(|c| c.get_name() != "help")
                .map(|c| c.get_name().to_string())
                .collect();
            let Some(sub) = cli.find_subcommand(name) else {
                return Err(Error::Usage(format!(
                    "`iam-audit man {}`: no such command; one of {}",
                    crate::text::escape_text(name),
                    names.join(", ")
                )));
            };
            let title = format!("iam-audit-{}", sub.get_name());
            sub.clone()
                .display_name(title.clone())
                .bin_name(title)
                .version(env!("CARGO_PKG_VERSION"))
        }
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut out)
        .map_err(|e| Error::Usage(format!("cannot render the manual page: {e}")))?;
    Ok(Outcome::text(String::from_utf8_lossy(&out).into_owned(), 0))
}
