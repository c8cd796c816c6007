//! `iam-audit`: parses the command line, runs the library, maps the outcome
//! to an exit code (0 clean, 1 a control failed or errored, 2 unusable input,
//! policy or arguments). All the work is in the library.

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

use iam_audit::cli::{Cli, Command, DiffFormat, Format};
use iam_audit::error::Error;
use iam_audit::report::{csv, html, json, junit, markdown, sarif, table};
use iam_audit::run::{self, EvaluateOptions, PolicyOptions};

/// Normalizing a large account allocates millions of small strings and Cedar
/// values; mimalloc serves them faster than the system allocator (measured in
/// BENCHMARKS.md). Its 2.x series (the `v2` feature) is used: on the largest
/// account it holds 4 MiB less at the peak than 3.x on both cores and 30 MiB
/// less on one, at the same speed.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
                    selection: args.policy.selection(),
                    paths: args.policy.policies,
                    no_default: args.policy.no_default_policies,
                },
                as_of: args.as_of,
                waivers: args.waivers,
                jobs: args.jobs.map(usize::from),
                progress: io::stderr().is_terminal(),
                thresholds: iam_audit::model::Thresholds::from_settings(&args.thresholds)
                    .map_err(Error::Usage)?,
                benchmark: args.benchmark,
                limits: iam_audit::evidence::read::Limits {
                    max_input_size: args.max_input_size,
                },
            };
            let exit_policy = iam_audit::exit_policy::ExitPolicy {
                statuses: args.fail_on.iter().map(|s| s.status()).collect(),
                min_severity: args.min_severity.map(|s| s.severity()),
            };
            let evaluation = run::evaluate(&options)?;
            let report = &evaluation.report;
            let text = match args.format {
                // Streamed below, never held as one string.
                Format::Json => String::new(),
                Format::Csv => csv::render(report),
                Format::Markdown => markdown::render(report),
                Format::Sarif => sarif::render(report),
                Format::Junit => junit::render(report),
                Format::Html => html::render(report),
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
            match args.format {
                Format::Json => emit_with(args.output.as_deref(), |w| json::write(report, w))?,
                _ => emit(&text, args.output.as_deref())?,
            }
            let code = if evaluation.unusable {
                2
            } else {
                exit_policy.exit_code(report)
            };
            // The process exits next, and the system takes the memory back
            // whole: freeing a large account's 36,000 results string by
            // string only delays the exit (3 ms, interleaved runs).
            std::mem::forget(evaluation);
            Ok(code)
        }
        Command::Validate(args) => {
            let pack = run::load_pack(&PolicyOptions {
                selection: args.selection(),
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
        Command::Diff(args) => {
            let old = iam_audit::diff::read_report(&args.old)?;
            let new = iam_audit::diff::read_report(&args.new)?;
            let drift = iam_audit::diff::compare(&old, &new);
            let text = match args.format {
                DiffFormat::Json => iam_audit::diff::render_json(&drift),
                DiffFormat::Table => iam_audit::diff::render_table(&drift),
            };
            emit(&text, args.output.as_deref())?;
            Ok(u8::from(!drift.new_failures.is_empty()))
        }
        Command::Policies(args) => {
            let pack = run::load_pack(&PolicyOptions {
                selection: args.policy.selection(),
                paths: args.policy.policies,
                no_default: args.policy.no_default_policies,
            })?;
            let json = match args.format {
                Format::Json => true,
                Format::Table => false,
                other => {
                    return Err(Error::Usage(format!(
                        "`policies` prints `table` or `json`, not `{other:?}`"
                    )))
                }
            };
            let text = match &args.benchmark {
                None => iam_audit::report::policies::render_list(&pack, json),
                Some(b) => iam_audit::report::policies::render_benchmark(&pack, b, json),
            };
            emit(&text, None)?;
            Ok(0)
        }
        Command::Requests(args) => {
            let schema = iam_audit::engine::schema()?;
            let prepared =
                iam_audit::inspect::prepare_one(&args.paths, &schema, args.as_of, "requests")?;
            let text = iam_audit::inspect::requests_text(&prepared.model)?;
            emit(&text, args.output.as_deref())?;
            Ok(0)
        }
        Command::Explain(args) => {
            let pack = run::load_pack(&PolicyOptions {
                selection: args.policy.selection(),
                paths: args.policy.policies.clone(),
                no_default: args.policy.no_default_policies,
            })?;
            let prepared =
                iam_audit::inspect::prepare_one(&args.paths, &pack.schema, args.as_of, "explain")?;
            let findings = iam_audit::engine::evaluate(&pack, &prepared.model, &prepared.entities);
            let entities = iam_audit::model::entities_json(&prepared.entities)?;
            let value =
                iam_audit::inspect::explain(&prepared.model, &entities, &findings, &args.subject)?;
            let text = match args.format {
                Format::Json => {
                    let mut t = serde_json::to_string_pretty(&value)
                        .map_err(|e| Error::Internal(format!("cannot serialize: {e}")))?;
                    t.push('\n');
                    t
                }
                Format::Table => iam_audit::inspect::explain_text(&value),
                other => {
                    return Err(Error::Usage(format!(
                        "`explain` prints `table` or `json`, not `{other:?}`"
                    )))
                }
            };
            emit(&text, None)?;
            Ok(0)
        }
        Command::Test(args) => {
            let outcome = iam_audit::policytest::run_tests(&args.dir)?;
            emit(&outcome.text, None)?;
            Ok(if outcome.failed > 0 { 1 } else { 0 })
        }
        Command::Schema => {
            emit(iam_audit::engine::SCHEMA_TEXT, None)?;
            Ok(0)
        }
        Command::Verify(args) => {
            let verification = iam_audit::verify::verify(&iam_audit::verify::VerifyOptions {
                report: args.report,
                paths: args.paths,
                policies: PolicyOptions {
                    selection: args.policy.selection(),
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
    }
}

/// Writes to stdout (quietly stopping on a closed pipe, like `head` expects)
/// or atomically to a file: a temporary file beside it, then a rename, so an
/// interrupted run never leaves half a report.
fn emit(text: &str, output: Option<&Path>) -> Result<(), Error> {
    emit_with(output, |w| w.write_all(text.as_bytes()))
}

/// [`emit`] for output written piece by piece (the JSON report is streamed
/// rather than built as one string: for an organization it is hundreds of
/// megabytes).
fn emit_with(
    output: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Error> {
    match output {
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            match write(&mut out).and_then(|_| out.flush()) {
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
            // `/dev/null`, a FIFO or a terminal cannot be replaced by a
            // rename (and must not be): write to them directly.
            let special = std::fs::metadata(path).is_ok_and(|m| !m.is_file());
            if special {
                let mut out = std::fs::File::create(path)
                    .map(io::BufWriter::new)
                    .map_err(|source| Error::Output {
                        path: shown.clone(),
                        source,
                    })?;
                return write(&mut out)
                    .and_then(|_| out.flush())
                    .map_err(|source| Error::Output {
                        path: shown,
                        source,
                    });
            }
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
            let result = std::fs::File::create(&tmp)
                .and_then(|file| {
                    let mut out = io::BufWriter::new(file);
                    write(&mut out)?;
                    out.flush()
                })
                .and_then(|_| std::fs::rename(&tmp, path));
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
