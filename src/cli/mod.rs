//! The command-line face: arguments ([`args`]) turned into a command's
//! options ([`command`]), the file system ([`files`], [`read`]), threads
//! ([`threads`]), the progress bar ([`progress`]) and output ([`output`]).
//! Everything that touches the machine lives here; the pipeline below
//! takes bytes and an executor.

pub mod args;
pub mod files;
pub mod output;
pub mod progress;
pub mod read;
pub mod threads;

use std::io::IsTerminal;

use clap::CommandFactory;

use crate::commands::{self, completions, diff, evaluate, explain, man, policies, test, verify};
use crate::error::Error;
use std::path::PathBuf;

use crate::report::{table, Format};
use crate::text::{escape_lines, escape_text};
use args::{Cli, ColorWhen, Command, TableOrJson};

/// The width a table is wrapped to when it goes to a pipe or a file (and
/// `COLUMNS` does not say otherwise): rows stay readable in a pager, a log
/// or an editor instead of running to hundreds of characters.
pub const PIPE_WIDTH: u16 = 100;

/// Narrower than this, a table cannot be laid out at all; a smaller
/// terminal or `COLUMNS` gets this width (and the terminal wraps).
const MIN_WIDTH: u16 = 40;

/// The options of the command the arguments name.
pub fn command(cli: Cli) -> Result<commands::Command, Error> {
    let Cli {
        color,
        quiet,
        command,
    } = cli;
    Ok(match command {
        Command::Evaluate(args) => {
            let Outputs {
                format,
                first: output,
                more,
            } = outputs(args.format, args.output)?;
            // A workbook is a zip file: on a terminal it is noise, and its
            // bytes may drive the terminal. Refused before anything is read.
            if format.is_binary() && output.is_none() && std::io::stdout().is_terminal() {
                return Err(Error::Usage(format!(
                    "`--format {}` writes a binary file, which a terminal cannot show: give `-o FILE.{}`, or redirect stdout",
                    format.name(),
                    format.name()
                )));
            }
            commands::Command::Evaluate(evaluate::Options {
                policies: args.policy.options(),
                intake: args.intake.intake(args.max_input_size),
                stdout_is_terminal: output.is_none() && std::io::stdout().is_terminal(),
                paths: args.paths,
                as_of: args.as_of,
                waivers: args.waivers,
                jobs: args.jobs.map(usize::from),
                progress: !quiet && std::io::stderr().is_terminal(),
                thresholds: crate::model::Thresholds::from_settings(&args.thresholds)
                    .map_err(Error::Usage)?,
                frameworks: crate::frameworks::dedup(args.frameworks),
                limits: files::Limits {
                    max_input_size: args.max_input_size,
                },
                exit_policy: crate::results::ExitPolicy {
                    statuses: args.fail_on.iter().map(|s| s.status()).collect(),
                    min_severity: args.min_severity.map(|s| s.severity()),
                },
                format,
                style: table::Style {
                    csv_bom: args.csv_bom,
                    ..table_style(color, output.is_some())
                },
                output,
                more_outputs: more,
            })
        }
        Command::Validate(args) => commands::Command::Validate(args.options()),
        Command::Entities(args) => commands::Command::Entities(commands::OneSnapshot {
            intake: args.intake.intake(files::DEFAULT_MAX_INPUT_SIZE),
            paths: args.paths,
            as_of: args.as_of,
            output: args.output,
        }),
        Command::Schema => commands::Command::Schema,
        Command::Diff(args) => commands::Command::Diff(diff::Options {
            old: args.old,
            new: args.new,
            json: args.format == TableOrJson::Json,
            output: args.output,
            fail_on_lost: args.fail_on_lost,
        }),
        Command::Policies(args) => commands::Command::Policies(policies::Options {
            policies: args.policy.options(),
            frameworks: crate::frameworks::dedup(args.frameworks),
            json: args.format == TableOrJson::Json,
        }),
        Command::Frameworks(args) => commands::Command::Frameworks(commands::frameworks::Options {
            policies: args.policy.options(),
            json: args.format == TableOrJson::Json,
        }),
        Command::Requests(args) => commands::Command::Requests(commands::OneSnapshot {
            intake: args.intake.intake(files::DEFAULT_MAX_INPUT_SIZE),
            paths: args.paths,
            as_of: args.as_of,
            output: args.output,
        }),
        Command::Explain(args) => commands::Command::Explain(explain::Options {
            json: args.format == TableOrJson::Json,
            policies: args.policy.options(),
            intake: args.intake.intake(files::DEFAULT_MAX_INPUT_SIZE),
            paths: args.paths,
            subject: args.subject,
            as_of: args.as_of,
        }),
        Command::CollectScript => commands::Command::CollectScript,
        Command::Completions(args) => commands::Command::Completions(completions::Options {
            cli: Cli::command(),
            shell: args.shell,
        }),
        Command::Man(args) => commands::Command::Man(man::Options {
            cli: Cli::command(),
            command: args.command,
        }),
        Command::Test(args) => commands::Command::Test(test::Options { dir: args.dir }),
        Command::Verify(args) => commands::Command::Verify(verify::Options {
            policies: args.policy.options(),
            report: args.report,
            intake: args.intake.intake(args.max_input_size),
            paths: args.paths,
            waivers: args.waivers,
            limits: files::Limits {
                max_input_size: args.max_input_size,
            },
        }),
    })
}

/// An error as the command line prints it (policy diagnostics come
/// rendered; input errors name their file and place).
///
/// This is where every error reaches the terminal, so every one is escaped
/// here: input errors escape each of their parts
/// ([`crate::report::input_error_text`]), a rendered policy diagnostic line by line (a `.cedar` file's
/// name or text in its snippet), and the rest whole.
pub fn error_text(e: &Error) -> String {
    let text = match e {
        Error::Policy(rendered) => escape_lines(rendered),
        Error::Input(errors) => errors
            .iter()
            .map(|e| format!("error: {}\n", crate::report::input_error_text(e)))
            .collect(),
        other => format!("error: {}\n", escape_text(&other.to_string())),
    };
    if text.ends_with('\n') {
        text
    } else {
        format!("{text}\n")
    }
}

/// `--color` as clap's own help and errors should follow it, read from the
/// raw arguments (clap colours its messages before the parse is done):
/// the last `--color WHEN` or `--color=WHEN` wins, as in the parse.
pub fn clap_color(args: impl IntoIterator<Item = std::ffi::OsString>) -> clap::ColorChoice {
    let args: Vec<String> = args
        .into_iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut choice = clap::ColorChoice::Auto;
    for (i, arg) in args.iter().enumerate() {
        if arg == "--" {
            break;
        }
        let value = match arg.strip_prefix("--color") {
            Some("") => args.get(i + 1).map(String::as_str),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        match value.map(str::to_ascii_lowercase).as_deref() {
            Some("always") => choice = clap::ColorChoice::Always,
            Some("never") => choice = clap::ColorChoice::Never,
            Some("auto") => choice = clap::ColorChoice::Auto,
            _ => {}
        }
    }
    choice
}

/// How the table is drawn where it goes. Colours: `--color`, and for
/// `auto` a terminal on stdout without `NO_COLOR`. Width: a file gets
/// [`PIPE_WIDTH`] (the same bytes whatever the environment); stdout gets
/// `COLUMNS` when it is set, else the terminal's width, else (a pipe)
/// [`PIPE_WIDTH`].
/// Where `evaluate` writes: the first output (stdout without `-o`) and
/// the others, each with its format.
struct Outputs {
    format: Format,
    first: Option<PathBuf>,
    more: Vec<(Format, PathBuf)>,
}

/// `evaluate`'s outputs: with one `-o` (or none) the `--format`; with
/// several, each file's format from its extension, checked before anything
/// is read.
fn outputs(format: Format, files: Vec<PathBuf>) -> Result<Outputs, Error> {
    if files.len() <= 1 {
        return Ok(Outputs {
            format,
            first: files.into_iter().next(),
            more: Vec::new(),
        });
    }
    let mut all = Vec::new();
    for file in files {
        if all.iter().any(|(_, f): &(Format, PathBuf)| *f == file) {
            return Err(Error::Usage(format!(
                "`-o {}` is given twice",
                escape_text(&file.display().to_string())
            )));
        }
        let ext = file
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let Some(f) = Format::of_extension(&ext) else {
            return Err(Error::Usage(format!(
                "`-o {}`: with several `-o`, each file's extension names its format, and `.{}` names none (`.json`, `.sarif`, `.xml` for JUnit, `.md`, `.csv`, `.html`, `.xlsx`, `.txt` for the table)",
                escape_text(&file.display().to_string()),
                escape_text(&ext)
            )));
        };
        all.push((f, file));
    }
    let (format, first) = all.remove(0);
    Ok(Outputs {
        format,
        first: Some(first),
        more: all,
    })
}

fn table_style(color: ColorWhen, to_file: bool) -> table::Style {
    let terminal = !to_file && std::io::stdout().is_terminal();
    let color = match color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let width = if to_file {
        PIPE_WIDTH
    } else {
        columns()
            .or_else(|| if terminal { terminal_width() } else { None })
            .unwrap_or(PIPE_WIDTH)
    };
    table::Style {
        color,
        width: Some(width.max(MIN_WIDTH)),
        csv_bom: false,
    }
}

/// `COLUMNS`, when it holds a width.
fn columns() -> Option<u16> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .filter(|&w| w > 0)
}

/// The width of the terminal on stdout.
#[cfg(not(target_arch = "wasm32"))]
fn terminal_width() -> Option<u16> {
    terminal_size::terminal_size().map(|(terminal_size::Width(w), _)| w)
}

#[cfg(target_arch = "wasm32")]
fn terminal_width() -> Option<u16> {
    None
}
