//! The commands, one module per subcommand. Each takes a typed options
//! struct and returns an [`Outcome`]: what to print, where, and the exit
//! code. The command line (`cli`) builds the options from its arguments and
//! writes the outcome; nothing here parses arguments or writes output.
//!
//! Exit codes, for every command: 0 all is well, 1 the command's finding
//! (a failed control, a new failure, a failed test, a report that does not
//! verify), 2 unusable input, policy or arguments (an [`Error`]).

pub mod collect_script;
pub mod completions;
pub mod diff;
pub mod entities;
pub mod evaluate;
pub mod explain;
pub mod frameworks;
pub mod man;
pub mod policies;
pub mod requests;
pub mod schema;
pub mod test;
pub mod validate;
pub mod verify;

use std::path::{Path, PathBuf};

use crate::cli::files;
use crate::engine::{self, PolicyPack, PolicySource};
use crate::error::Error;
use crate::evidence::source::SnapshotSource;
use crate::evidence::time::Timestamp;
use crate::exec::Sequential;
use crate::pipeline::{self, PrepareOptions, Prepared};
use crate::report::{table, Format, Report};

/// A command and its options.
pub enum Command {
    Evaluate(evaluate::Options),
    Validate(PolicyOptions),
    Entities(OneSnapshot),
    Schema,
    Diff(diff::Options),
    Policies(policies::Options),
    Frameworks(frameworks::Options),
    Requests(OneSnapshot),
    Explain(explain::Options),
    Test(test::Options),
    Verify(verify::Options),
    CollectScript,
    Completions(completions::Options),
    Man(man::Options),
}

/// What a command produced.
pub struct Outcome {
    /// Printed on stderr before the output (already escaped).
    pub notes: Vec<String>,
    pub output: Output,
    /// Where the output goes: a file (written atomically), else stdout.
    pub destination: Option<PathBuf>,
    /// A report's output also goes to these files, each in its format
    /// (several `-o`).
    pub more_destinations: Vec<(Format, PathBuf)>,
    pub code: u8,
}

/// A command's output.
pub enum Output {
    Text(String),
    /// A report in one format; written piece by piece (the JSON report of
    /// an organization is hundreds of megabytes, never held as one string).
    Report {
        report: Box<Report>,
        format: Format,
        style: table::Style,
    },
}

impl Outcome {
    /// Text on stdout.
    pub fn text(text: String, code: u8) -> Outcome {
        Outcome {
            notes: Vec::new(),
            output: Output::Text(text),
            destination: None,
            more_destinations: Vec::new(),
            code,
        }
    }
}

/// Checks a JSON report given to `diff` or `verify` against
/// `schemas/report.schema.json`; the first error's help says what the
/// command reads (`help`) and that the file breaks the schema.
pub fn check_report_schema(file: &str, value: &serde_json::Value, help: &str) -> Result<(), Error> {
    use crate::evidence::schemas::{self, SchemaKind};
    schemas::check(SchemaKind::Report, file, "", value).map_err(|mut errors| {
        if let Some(first) = errors.first_mut() {
            first.help = Some(format!(
                "{help}; this file does not follow `schemas/report.schema.json`"
            ));
        }
        Error::Input(errors)
    })
}

/// Runs a command.
pub fn run(command: Command) -> Result<Outcome, Error> {
    match command {
        Command::Evaluate(o) => evaluate::run(o),
        Command::Validate(o) => validate::run(&o),
        Command::Entities(o) => entities::run(&o),
        Command::Schema => Ok(schema::run()),
        Command::Diff(o) => diff::run(&o),
        Command::Policies(o) => policies::run(&o),
        Command::Frameworks(o) => frameworks::run(&o),
        Command::Requests(o) => requests::run(&o),
        Command::Explain(o) => explain::run(&o),
        Command::Test(o) => test::run(&o),
        Command::Verify(o) => verify::run(&o),
        Command::CollectScript => Ok(collect_script::run()),
        Command::Completions(o) => Ok(completions::run(o)),
        Command::Man(o) => man::run(o),
    }
}

/// Which policies a run loads (the same for every command that loads them).
#[derive(Debug, Clone, Default)]
pub struct PolicyOptions {
    /// `--policies PATH`, files or folders of `.cedar` files.
    pub paths: Vec<PathBuf>,
    /// `--no-default-policies`.
    pub no_default: bool,
    /// `--select`/`--ignore`: which of the loaded controls run.
    pub selection: engine::Selection,
}

/// Loads and validates the policies of a run.
pub fn load_pack(options: &PolicyOptions) -> Result<PolicyPack, Error> {
    let mut sources: Vec<PolicySource> = Vec::new();
    for p in &options.paths {
        sources.extend(files::policy_sources(p)?);
    }
    load_pack_from(sources, options)
}

/// Loads and validates the policies of a run from the text of the files
/// `--policies` named (a face that holds them: a browser page).
pub fn load_pack_from(
    sources: Vec<PolicySource>,
    options: &PolicyOptions,
) -> Result<PolicyPack, Error> {
    if options.no_default && sources.is_empty() {
        return Err(Error::Usage(
            "`--no-default-policies` without `--policies PATH` leaves nothing to evaluate".into(),
        ));
    }
    engine::load_selected(&sources, !options.no_default, &options.selection)
}

/// The options of `entities` and `requests`, which print one snapshot's
/// entities or requests.
pub struct OneSnapshot {
    pub paths: Vec<PathBuf>,
    /// `--exclude`, `--organization`, `--snapshot`.
    pub intake: files::Intake,
    pub as_of: Option<Timestamp>,
    pub output: Option<PathBuf>,
}

/// `entities` and `requests`: one snapshot, every attribute in its
/// entities, printed by `print`.
pub fn print_one(
    options: &OneSnapshot,
    command: &str,
    print: impl FnOnce(&Prepared) -> Result<String, Error>,
) -> Result<Outcome, Error> {
    let schema = crate::engine::schema()?;
    let destination = options.output.as_deref();
    let (prepared, notes) = prepare_one(
        &options.paths,
        &options.intake,
        &schema,
        options.as_of,
        command,
        destination,
    )?;
    let mut outcome = Outcome::text(print(&prepared)?, 0);
    outcome.notes = notes;
    outcome.destination = options.output.clone();
    Ok(outcome)
}

/// Loads the one snapshot that `entities`, `requests` and `explain` look
/// at, every attribute in its entities, and the notes on how its folder was
/// read. `destination` is where the command will write, refused when it is
/// one of the snapshot's files.
pub fn prepare_one(
    paths: &[PathBuf],
    intake: &files::Intake,
    schema: &cedar_policy::Schema,
    as_of: Option<Timestamp>,
    command: &str,
    destination: Option<&Path>,
) -> Result<(Prepared, Vec<String>), Error> {
    let resolved = files::resolve_with(paths, intake)?;
    let notes = resolved.notes();
    let (sources, multi) = pipeline::snapshots_of(resolved.targets)?;
    let read = sources
        .iter()
        .flat_map(|s| s.files.iter().map(|(_, p)| p.as_path()));
    files::refuse_overwriting(destination, read)?;
    let [source] = sources.as_slice() else {
        return Err(Error::Usage(format!(
            "`{command}` looks at one snapshot; the paths given hold {}{}",
            sources.len(),
            if multi {
                " (an organization: name one account folder)"
            } else {
                ""
            }
        )));
    };
    let prepared =
        prepare_from_disk(source, schema, as_of).map_err(|e| with_layout_notes(e, &notes))?;
    Ok((prepared, notes))
}

/// An input error of a run whose folders were read in a way worth a note
/// (see [`files::Resolved::notes`]) ends with that note, so that a folder
/// read as one snapshot when it holds several accounts says why, and how
/// to read it otherwise, where the errors end.
pub fn with_layout_notes(e: Error, notes: &[String]) -> Error {
    match e {
        Error::Input(mut errors) if !notes.is_empty() => {
            if let Some(last) = errors.last_mut() {
                let joined = notes.join("\n  ");
                last.help = Some(match last.help.take() {
                    Some(help) => format!("{help}\n  {joined}"),
                    None => joined,
                });
            }
            Error::Input(errors)
        }
        other => other,
    }
}

/// One snapshot read from disk, every attribute in its entities, on the
/// calling thread (what the inspecting commands and policy tests need).
pub fn prepare_from_disk(
    source: &SnapshotSource,
    schema: &cedar_policy::Schema,
    as_of: Option<Timestamp>,
) -> Result<Prepared, Error> {
    let options = PrepareOptions {
        as_of,
        ..PrepareOptions::default()
    };
    pipeline::prepare(
        source,
        &files::Files::default(),
        schema,
        &options,
        &Sequential,
    )
}
