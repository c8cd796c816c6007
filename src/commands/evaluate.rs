//! `iam-audit evaluate`: snapshots of evidence judged against the policies,
//! and the report in one format.

use std::path::PathBuf;

use super::{load_pack, Outcome, Output, PolicyOptions};
use crate::catalogue::Benchmark;
use crate::cli::files::{self, Files, Limits};
use crate::cli::progress::Bar;
use crate::cli::threads::Threads;
use crate::error::Error;
use crate::evidence::time::Timestamp;
use crate::model::Thresholds;
use crate::pipeline::{self, Evaluation, Run};
use crate::report::{table, Format};
use crate::results::ExitPolicy;
use crate::text::escape_text;
use crate::waivers::WaiverSet;

#[derive(Debug, Clone)]
pub struct Options {
    pub paths: Vec<PathBuf>,
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
    /// `--benchmark cis-aws-vX.Y`: only that benchmark's controls, labelled
    /// with its control numbers.
    pub benchmark: Option<Benchmark>,
    pub limits: Limits,
    pub exit_policy: ExitPolicy,
    pub format: Format,
    pub style: table::Style,
    pub output: Option<PathBuf>,
}

impl Options {
    /// `iam-audit evaluate PATHS --format json` with every other flag left
    /// at its default.
    pub fn new(paths: Vec<PathBuf>) -> Options {
        Options {
            paths,
            policies: PolicyOptions::default(),
            as_of: None,
            waivers: None,
            jobs: None,
            progress: false,
            thresholds: Thresholds::default(),
            benchmark: None,
            limits: Limits::default(),
            exit_policy: ExitPolicy::default(),
            format: Format::Json,
            style: table::Style::default(),
            output: None,
        }
    }
}

pub fn run(options: Options) -> Result<Outcome, Error> {
    let Evaluation { report, unusable } = evaluate(&options, None)?;
    let mut notes: Vec<String> = report
        .warnings
        .iter()
        .map(|w| format!("warning: {}", escape_text(w)))
        .collect();
    for s in &report.snapshots {
        notes.extend(s.errors.iter().map(|e| format!("error: {e}")));
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
        code,
    })
}

/// Evaluates the evidence of `options` and assembles the report: what
/// `evaluate` prints and what `verify` replays, one code path for both.
/// The waivers are `options.waivers`' file, else `recorded` (the text a
/// report recorded, which `verify` replays).
pub fn evaluate(options: &Options, recorded: Option<WaiverSet>) -> Result<Evaluation, Error> {
    let mut pack = load_pack(&options.policies)?;
    if let Some(benchmark) = &options.benchmark {
        pack = benchmark.restrict(pack)?;
    }
    let waivers = match &options.waivers {
        Some(path) => Some(files::waivers(path)?),
        None => recorded,
    };
    let (sources, multi) = pipeline::snapshots_of(files::resolve(&options.paths)?)?;
    let read = sources
        .iter()
        .flat_map(|s| s.files.iter().map(|(_, path)| path.as_path()));
    files::refuse_overwriting(
        options.output.as_deref(),
        read.chain(options.waivers.as_deref()),
    )?;
    let threads = Threads::new(options.jobs);
    let progress = Bar::new(sources.len(), options.progress && multi);
    let run = Run {
        pack: &pack,
        as_of: options.as_of,
        thresholds: &options.thresholds,
        waivers: waivers.as_ref(),
        benchmark: options.benchmark.as_ref(),
    };
    let reader = Files {
        limits: options.limits,
    };
    let evaluation = pipeline::evaluate(&run, &sources, multi, &reader, &threads, &|name| {
        progress.tick(name)
    });
    progress.finish();
    let mut evaluation = evaluation?;
    if let Some(waivers) = &waivers {
        let loaded = pack.controls.iter().map(|c| c.id.as_str());
        evaluation
            .report
            .warnings
            .extend(crate::waivers::unknown_policies(&waivers.waivers, loaded));
    }
    Ok(evaluation)
}
