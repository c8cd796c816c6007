//! `iam-audit`: parses the command line, runs the library, maps the outcome
//! to an exit code (0 clean, 1 a control failed or errored, 2 unusable input,
//! policy or arguments). All the work is in the library.

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

use iam_audit::cli::{Cli, Command, Format};
use iam_audit::error::Error;
use iam_audit::report::{json, table};
use iam_audit::run::{self, EvaluateOptions, PolicyOptions};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match dispatch(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprint!("{}", error_text(&e));
            ExitCode::from(2)
        }
    }
}

fn error_text(e: &Error) -> String {
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

fn dispatch(command: Command) -> Result<u8, Error> {
    match command {
        Command::Evaluate(args) => {
            let options = EvaluateOptions {
                paths: args.paths,
                policies: PolicyOptions {
                    paths: args.policy.policies,
                    no_default: args.policy.no_default_policies,
                },
                as_of: args.as_of,
                limits: iam_audit::evidence::read::Limits {
                    max_input_size: args.max_input_size,
                },
            };
            let evaluation = run::evaluate(&options)?;
            let report = &evaluation.report;
            let text = match args.format {
                Format::Json => json::render(report),
                Format::Table => {
                    let to_terminal = args.output.is_none() && io::stdout().is_terminal();
                    let style = table::Style {
                        color: to_terminal
                            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
                        width: if to_terminal { terminal_width() } else { None },
                    };
                    table::render(report, style)
                }
            };
            for w in &report.warnings {
                eprintln!("warning: {}", iam_audit::report::escape_text(w));
            }
            for s in report.snapshots.iter().filter(|s| !s.errors.is_empty()) {
                for e in &s.errors {
                    eprintln!("error: {e}");
                }
            }
            emit(&text, args.output.as_deref())?;
            Ok(if evaluation.unusable {
                2
            } else if report.has_failures() {
                1
            } else {
                0
            })
        }
        Command::Validate(args) => {
            let pack = run::load_pack(&PolicyOptions {
                paths: args.policies,
                no_default: args.no_default_policies,
            })?;
            let n = pack.controls.len();
            emit(
                &format!("{n} polic{} valid\n", if n == 1 { "y" } else { "ies" }),
                None,
            )?;
            Ok(0)
        }
        Command::Entities(args) => {
            let schema = iam_audit::engine::schema()?;
            let (sources, multi) = run::sources(&args.paths)?;
            let [source] = sources.as_slice() else {
                return Err(Error::Usage(format!(
                    "`entities` prints one snapshot; the paths given hold {}{}",
                    sources.len(),
                    if multi {
                        " (an organization: name one account folder)"
                    } else {
                        ""
                    }
                )));
            };
            let prepared = run::prepare(source, &schema, args.as_of)?;
            let text = iam_audit::model::entities_json(&prepared.entities)?;
            emit(&text, args.output.as_deref())?;
            Ok(0)
        }
        Command::Verify(args) => {
            let verification = iam_audit::verify::verify(&iam_audit::verify::VerifyOptions {
                report: args.report,
                paths: args.paths,
                policies: PolicyOptions {
                    paths: args.policy.policies,
                    no_default: args.policy.no_default_policies,
                },
                limits: iam_audit::evidence::read::Limits {
                    max_input_size: args.max_input_size,
                },
            })?;
            emit(&verification.render(), None)?;
            Ok(if verification.differences.is_empty() {
                0
            } else {
                1
            })
        }
        Command::Schema => {
            emit(iam_audit::engine::SCHEMA_TEXT, None)?;
            Ok(0)
        }
    }
}

/// Writes to stdout (quietly stopping on a closed pipe, like `head` expects)
/// or atomically to a file: a temporary file beside it, then a rename, so an
/// interrupted run never leaves half a report.
fn emit(text: &str, output: Option<&Path>) -> Result<(), Error> {
    match output {
        None => {
            let mut out = io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(Error::Output {
                    path: "stdout".into(),
                    source: e,
                }),
                Ok(()) => Ok(()),
            }
        }
        Some(path) => {
            let shown = path.display().to_string();
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
            let result = std::fs::write(&tmp, text).and_then(|_| std::fs::rename(&tmp, path));
            if result.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            result.map_err(|source| Error::Output {
                path: shown,
                source,
            })
        }
    }
}

fn terminal_width() -> Option<u16> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .or(Some(120))
}
