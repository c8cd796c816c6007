//! Per-stage timings of one snapshot, through the library's own stage
//! functions (the same ones `iam-audit evaluate` calls), as medians of
//! several runs: where the end-to-end time of `bench/run.sh` goes.
//!
//! ```text
//! cargo run --release --example stages -- /tmp/iam-audit-bench/large [RUNS]
//! ```
//!
//! Stages: `load` (read, hash, decode, detect, parse and validate every file,
//! on every core), `normalize` (evidence → model: entities and access
//! requests, roles beside users on every core), `entities`
//! (Cedar's `Entities` store from the model's entities), `evaluate` (every
//! request against the built-in pack, on 1 thread and on every core), and
//! `render` (the JSON report of the whole run).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use iam_audit::evidence::read::Limits;
use iam_audit::evidence::snapshot;
use iam_audit::model::{self, Thresholds};
use iam_audit::run::{self, EvaluateOptions};
use iam_audit::{engine, report};

// The binary's allocator, so the stages cost what they cost in `iam-audit`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: stages SNAPSHOT_DIR [RUNS]")?);
    let runs: usize = args.next().map_or(Ok(5), |r| r.parse())?;
    let cores = std::thread::available_parallelism().map_or(1, usize::from);

    let (sources, _) = run::sources(std::slice::from_ref(&dir))?;
    let source = sources.first().ok_or("no snapshot")?;
    let schema = engine::schema()?;
    let pack = run::load_pack(&run::PolicyOptions::default())?;
    let thresholds = Thresholds::default();
    let limits = Limits::default();

    let mut times: Vec<(&str, Vec<Duration>)> = [
        "load",
        "normalize",
        "entities",
        "evaluate (1 thread)",
        "evaluate (all cores)",
        "render",
        "end to end (evaluate + render)",
    ]
    .into_iter()
    .map(|s| (s, Vec::new()))
    .collect();
    let mut counts = (0, 0, 0);
    for _ in 0..runs {
        let t = Instant::now();
        let snap = snapshot::load_on(source, &limits, cores).map_err(|e| format!("{e:?}"))?;
        times[0].1.push(t.elapsed());

        let t = Instant::now();
        let mut model = model::build_on(&snap, run::as_of_for(&snap, None), &thresholds, cores)?;
        times[1].1.push(t.elapsed());

        let t = Instant::now();
        let built = std::mem::take(&mut model.entities);
        let n_entities = built.len();
        let entities = run::entity_store(built, &schema)?;
        times[2].1.push(t.elapsed());

        let t = Instant::now();
        let findings = engine::evaluate_with(&pack, &model, &entities, 1);
        times[3].1.push(t.elapsed());
        let t = Instant::now();
        let again = engine::evaluate_with(&pack, &model, &entities, cores);
        times[4].1.push(t.elapsed());
        assert_eq!(findings.len(), again.len());
        counts = (n_entities, model.requests.len(), findings.len());

        let options = EvaluateOptions {
            paths: vec![dir.clone()],
            ..EvaluateOptions::default()
        };
        let t = Instant::now();
        let evaluation = run::evaluate(&options)?;
        let end_to_end_without_render = t.elapsed();
        let t = Instant::now();
        let text = report::json::render(&evaluation.report);
        times[5].1.push(t.elapsed());
        times[6].1.push(end_to_end_without_render + t.elapsed());
        assert!(!text.is_empty());
    }
    println!(
        "{}: {} entities, {} requests, {} results; median of {runs} runs, {cores} cores",
        dir.display(),
        counts.0,
        counts.1,
        counts.2
    );
    for (stage, mut samples) in times {
        samples.sort();
        let median = samples[samples.len() / 2];
        println!("{stage:>32}  {:>9.1} ms", median.as_secs_f64() * 1000.0);
    }
    Ok(())
}
