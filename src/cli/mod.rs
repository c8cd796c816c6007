//! The command-line face: arguments ([`args`]) turned into a command's
//! options ([`command`]), the file system ([`files`]), threads
//! ([`threads`]), the progress bar ([`progress`]) and output ([`output`]).
//! Everything that touches the machine lives here; the pipeline below
//! takes bytes and an executor.

pub mod args;
pub mod files;
pub mod output;
pub mod progress;
pub mod threads;

use std::io::IsTerminal;

use crate::commands::{self, diff, evaluate, explain, policies, test, verify};
use crate::error::Error;
use crate::report::{table, Format};
use args::Command;

/// The options of the command the arguments name.
pub fn command(command: Command) -> Result<commands::Command, Error> {
    Ok(match command {
        Command::Evaluate(args) => {
            let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
            commands::Command::Evaluate(evaluate::Options {
                policies: args.policy.options(),
                paths: args.paths,
                as_of: args.as_of,
                waivers: args.waivers,
                jobs: args.jobs.map(usize::from),
                progress: std::io::stderr().is_terminal(),
                thresholds: crate::model::Thresholds::from_settings(&args.thresholds)
                    .map_err(Error::Usage)?,
                benchmark: args.benchmark,
                limits: files::Limits {
                    max_input_size: args.max_input_size,
                },
                exit_policy: crate::results::ExitPolicy {
                    statuses: args.fail_on.iter().map(|s| s.status()).collect(),
                    min_severity: args.min_severity.map(|s| s.severity()),
                },
                format: args.format,
                style: table::Style {
                    color: to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
                    width: if to_terminal { terminal_width() } else { None },
                },
                output: args.output,
            })
        }
        Command::Validate(args) => commands::Command::Validate(args.options()),
        Command::Entities(args) => commands::Command::Entities(commands::OneSnapshot {
            paths: args.paths,
            as_of: args.as_of,
            output: args.output,
        }),
        Command::Schema => commands::Command::Schema,
        Command::Diff(args) => commands::Command::Diff(diff::Options {
            old: args.old,
            new: args.new,
            json: args.format == args::DiffFormat::Json,
            output: args.output,
            fail_on_lost: args.fail_on_lost,
        }),
        Command::Policies(args) => commands::Command::Policies(policies::Options {
            policies: args.policy.options(),
            benchmark: args.benchmark,
            json: table_or_json("policies", args.format)?,
        }),
        Command::Requests(args) => commands::Command::Requests(commands::OneSnapshot {
            paths: args.paths,
            as_of: args.as_of,
            output: args.output,
        }),
        Command::Explain(args) => commands::Command::Explain(explain::Options {
            json: table_or_json("explain", args.format)?,
            policies: args.policy.options(),
            paths: args.paths,
            subject: args.subject,
            as_of: args.as_of,
        }),
        Command::Test(args) => commands::Command::Test(test::Options { dir: args.dir }),
        Command::Verify(args) => commands::Command::Verify(verify::Options {
            policies: args.policy.options(),
            report: args.report,
            paths: args.paths,
            waivers: args.waivers,
            limits: files::Limits {
                max_input_size: args.max_input_size,
            },
        }),
    })
}

/// `true` for JSON; commands that print only a table or JSON refuse the rest.
fn table_or_json(command: &str, format: Format) -> Result<bool, Error> {
    match format {
        Format::Json => Ok(true),
        Format::Table => Ok(false),
        other => Err(Error::Usage(format!(
            "`{command}` prints `table` or `json`, not `{other:?}`"
        ))),
    }
}

/// An error as the command line prints it (policy diagnostics come
/// rendered; input errors name their file and place).
pub fn error_text(e: &Error) -> String {
    let text = match e {
        Error::Policy(rendered) => rendered.clone(),
        Error::Input(_) => format!("{e}\n"),
        other => format!("error: {other}\n"),
    };
    if text.ends_with('\n') {
        text
    } else {
        format!("{text}\n")
    }
}

fn terminal_width() -> Option<u16> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .or(Some(120))
}
