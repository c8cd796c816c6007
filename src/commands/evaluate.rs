//! `iam-audit evaluate`: snapshots of evidence judged against the policies,
//! and the report in one format.

use std::path::PathBuf;

use super::{load_pack, Outcome, Output, PolicyOptions};
use crate::cli::files::{self, Files, Limits};
use crate::cli::progress::Bar;
use crate::cli::threads::Threads;
use crate::error::Error;
use crate::evidence::time::Timestamp;
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
    let Evaluated {
        evaluation: Evaluation { report, unusable },
        layout_notes,
        multi,
    } = evaluate(&options, None)?;
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
    Ok(Outcome {
        notes,
        output: Output::Report {
            report: Box::new(report),
            format: options.format,
            style: options.style,
        },
        destination: options.output,
        more_destinations: options.more_outputs,
        code,
    })
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
    let pack = frameworks::restrict(load_pack(&options.policies)?, &options.frameworks)?;
    let waivers = match &options.waivers {
        Some(path) => Some(files::waivers(path)?),
        None => recorded,
    };
    let resolved = files::resolve_with(&options.paths, &options.intake)?;
    let layout_notes = resolved.notes();
    let layouts = resolved.layouts.clone();
    let (sources, multi) = pipeline::snapshots_of(resolved.targets)?;
    let read = sources
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
    let progress = Bar::new(sources.len(), options.progress && multi);
    let run = Run {
        pack: &pack,
        as_of: options.as_of,
        thresholds: &options.thresholds,
        waivers: waivers.as_ref(),
        frameworks: &options.frameworks,
    };
    let reader = Files {
        limits: options.limits,
    };
    let evaluation = pipeline::evaluate(&run, &sources, multi, &reader, &threads, &|name| {
        progress.tick(name)
    });
    progress.finish();
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
