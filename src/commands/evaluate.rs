//! `iam-audit evaluate`: snapshots of evidence judged against the policies,
//! and the report in one format.

use std::path::PathBuf;

use super::{load_pack_from, Outcome, Output, PolicyOptions};
use crate::cli::files::{self, Files, Limits, Resolved};
use crate::cli::progress::Bar;
use crate::cli::threads::Threads;
use crate::engine::{PolicyPack, PolicySource};
use crate::error::Error;
use crate::evidence::source::{EvidenceReader, FolderLayout, SnapshotSource};
use crate::evidence::time::Timestamp;
use crate::exec::Executor;
use crate::frameworks::{self, Framework};
use crate::model::Thresholds;
use crate::pipeline::{self, Evaluation, Run};
use crate::report::{table, Format};
use crate::results::ExitPolicy;
use crate::text::escape_text;
use crate::waivers::WaiverSet;

#[derive(Debug, Clone)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    /// `--exclude`, `--organization`, `--snapshot`.
    pub intake: files::Intake,
    pub policies: PolicyOptions,
    /// `--as-of`: overrides the evidence's own time.
    pub as_of: Option<Timestamp>,
    /// `--waivers FILE`.
    pub waivers: Option<PathBuf>,
    /// How many snapshots to evaluate at once (`--jobs`); `None`: one per core.
    pub jobs: Option<usize>,
    /// Draw a progress bar on stderr for organizations (the face checks
    /// that stderr is a terminal).
    pub progress: bool,
    pub thresholds: Thresholds,
    /// `--framework ID` (`--benchmark` is its alias): only the controls
    /// that give evidence for these frameworks' requirements, each result
    /// labelled with them; without repeats, in the order given.
    pub frameworks: Vec<Framework>,
    pub limits: Limits,
    pub exit_policy: ExitPolicy,
    pub format: Format,
    pub style: table::Style,
    pub output: Option<PathBuf>,
    /// The report in other formats to other files (several `-o`).
    pub more_outputs: Vec<(Format, PathBuf)>,
    /// stdout is a terminal (and no `-o`): a table shown there holds the
    /// warnings, and stderr does not repeat them.
    pub stdout_is_terminal: bool,
}

impl Options {
    /// `iam-audit evaluate PATHS --format json` with every other flag left
    /// at its default.
    pub fn new(paths: Vec<PathBuf>) -> Options {
        Options {
            paths,
            intake: files::Intake::default(),
            policies: PolicyOptions::default(),
            as_of: None,
            waivers: None,
            jobs: None,
            progress: false,
            thresholds: Thresholds::default(),
            frameworks: Vec::new(),
            limits: Limits::default(),
            exit_policy: ExitPolicy::default(),
            format: Format::Json,
            style: table::Style::default(),
            output: None,
            more_outputs: Vec::new(),
            stdout_is_terminal: false,
        }
    }
}

pub fn run(options: Options) -> Result<Outcome, Error> {
    let evaluated = evaluate(&options, None)?;
    Ok(outcome(options, evaluated))
}

/// The outcome of an evaluation: the report, the notes a face shows
/// beside it (how folders were read, warnings unless a table on a terminal
/// holds them, every unusable account's errors, each line naming its
/// account) and the exit code.
pub fn outcome(options: Options, evaluated: Evaluated) -> Outcome {
    let Evaluated {
        evaluation: Evaluation { report, unusable },
        layout_notes,
        multi,
    } = evaluated;
    let mut notes = layout_notes;
    let table_on_terminal =
        options.format == Format::Table && options.output.is_none() && options.stdout_is_terminal;
    if !table_on_terminal {
        notes.extend(
            report
                .warnings
                .iter()
                .map(|w| format!("warning: {}", escape_text(w))),
        );
    }
    // An unusable account's errors name it: in an organization the files
    // they name are relative to the account folder.
    for s in &report.snapshots {
        let account = if multi {
            format!("{}: ", escape_text(&s.name))
        } else {
            String::new()
        };
        for e in &s.errors {
            // Every line names the account, the help lines too.
            for (i, line) in e.lines().enumerate() {
                let line = escape_text(line);
                notes.push(if i == 0 {
                    format!("error: {account}{line}")
                } else {
                    format!("  {account}{}", line.trim_start())
                });
            }
        }
    }
    let code = if unusable {
        2
    } else {
        options.exit_policy.exit_code(&report.results)
    };
    Outcome {
        notes,
        output: Output::Report {
            report: Box::new(report),
            format: options.format,
            style: options.style,
        },
        destination: options.output,
        more_destinations: options.more_outputs,
        code,
    }
}

/// What [`evaluate`] gives: the evaluation, the notes on how the folders
/// were read, and whether the run covered several snapshots.
pub struct Evaluated {
    pub evaluation: Evaluation,
    pub layout_notes: Vec<String>,
    pub multi: bool,
}

/// Evaluates the evidence of `options` and assembles the report: what
/// `evaluate` prints and what `verify` replays, one code path for both.
/// The waivers are `options.waivers`' file, else `recorded` (the text a
/// report recorded, which `verify` replays).
pub fn evaluate(options: &Options, recorded: Option<WaiverSet>) -> Result<Evaluated, Error> {
    frameworks::benchmark_of(&options.frameworks)?;
    let pack = pack_of(options, &read_policies(&options.policies)?)?;
    let waivers = match &options.waivers {
        Some(path) => Some(files::waivers(path)?),
        None => recorded,
    };
    let listed = Listed::of(files::resolve_with(&options.paths, &options.intake)?)?;
    let read = listed
        .sources
        .iter()
        .flat_map(|s| s.files.iter().map(|(_, path)| path.as_path()));
    let inputs: Vec<&std::path::Path> = read.chain(options.waivers.as_deref()).collect();
    for destination in options
        .output
        .iter()
        .chain(options.more_outputs.iter().map(|(_, p)| p))
    {
        files::refuse_overwriting(Some(destination), inputs.iter().copied())?;
    }
    let threads = Threads::new(options.jobs);
    let progress = Bar::new(listed.sources.len(), options.progress && listed.multi);
    let reader = Files {
        limits: options.limits,
    };
    let evaluated = evaluate_listed(
        options,
        &pack,
        waivers,
        listed,
        &reader,
        &threads,
        &|name| progress.tick(name),
    );
    progress.finish();
    evaluated
}

/// The files `--policies` names, read.
fn read_policies(options: &PolicyOptions) -> Result<Vec<PolicySource>, Error> {
    let mut sources = Vec::new();
    for p in &options.paths {
        sources.extend(files::policy_sources(p)?);
    }
    Ok(sources)
}

/// The policies of a run (`sources`: the text of the files `--policies`
/// names, the built-in pack unless `--no-default-policies`), loaded,
/// validated, selected and restricted to its frameworks' controls.
pub fn pack_of(options: &Options, sources: &[PolicySource]) -> Result<PolicyPack, Error> {
    frameworks::benchmark_of(&options.frameworks)?;
    let pack = load_pack_from(sources.to_vec(), &options.policies)?;
    frameworks::restrict(pack, &options.frameworks)
}

/// The snapshots a run will judge, listed by a face, and the notes on how
/// its folders were read.
pub struct Listed {
    pub sources: Vec<SnapshotSource>,
    /// Several snapshots: each is named, and errors name their account.
    pub multi: bool,
    layouts: Vec<FolderLayout>,
    notes: Vec<String>,
}

impl Listed {
    /// The snapshots of the resolved paths, organizations flattened.
    pub fn of(resolved: Resolved) -> Result<Listed, Error> {
        let notes = resolved.notes();
        let layouts = resolved.layouts;
        let (sources, multi) = pipeline::snapshots_of(resolved.targets)?;
        Ok(Listed {
            sources,
            multi,
            layouts,
            notes,
        })
    }
}

/// Evaluates listed evidence with a loaded pack and assembles the report:
/// the part of [`evaluate`] that touches nothing but what it is given, so
/// that every face (the command line, a browser page) reaches the same
/// verdicts and the same report. `done` is told each snapshot's name as it
/// is judged.
pub fn evaluate_listed(
    options: &Options,
    pack: &PolicyPack,
    waivers: Option<WaiverSet>,
    listed: Listed,
    reader: &dyn EvidenceReader,
    exec: &dyn Executor,
    done: &(dyn Fn(&str) + Sync),
) -> Result<Evaluated, Error> {
    let Listed {
        sources,
        multi,
        layouts,
        notes: layout_notes,
    } = listed;
    let run = Run {
        pack,
        as_of: options.as_of,
        thresholds: &options.thresholds,
        waivers: waivers.as_ref(),
        frameworks: &options.frameworks,
    };
    let evaluation = pipeline::evaluate(&run, &sources, multi, reader, exec, done);
    let mut evaluation = evaluation.map_err(|e| super::with_layout_notes(e, &layout_notes))?;
    evaluation.report.layout = layouts;
    // The intake flags decide which files are evidence: recorded for
    // `verify`, which reads the folders again with them.
    evaluation.report.run.exclude = options.intake.exclude.clone();
    evaluation.report.run.read_as = options.intake.layout.map(|l| l.flag().to_string());
    if let Some(waivers) = &waivers {
        let loaded = pack.controls.iter().map(|c| c.id.as_str());
        evaluation
            .report
            .warnings
            .extend(crate::waivers::unknown_policies(&waivers.waivers, loaded));
    }
    Ok(Evaluated {
        evaluation,
        layout_notes,
        multi,
    })
}
