//! Criterion benchmarks of each in-process stage of one snapshot, through the
//! library's own stage functions (the ones `iam-audit evaluate` calls):
//! `load` (read, hash, decode, detect, parse and validate every file),
//! `normalize` (evidence → entities and access requests), `entities` (Cedar's
//! store), `evaluate` (every request against the built-in pack, on one thread
//! and on every core), `render` (the JSON report) and `end_to_end`.
//!
//! ```text
//! cargo run --release --example generate -- --size large --out /tmp/iam-audit-bench/large
//! IAM_AUDIT_BENCH_DIR=/tmp/iam-audit-bench/large cargo bench --bench stages
//! ```
//!
//! `bench/run.sh` does both, and prints the medians.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BatchSize, Criterion};
use iam_audit::cli::files::{self, Files};
use iam_audit::cli::threads::Threads;
use iam_audit::commands::{self, evaluate, Output};
use iam_audit::evidence::snapshot;
use iam_audit::exec::Sequential;
use iam_audit::model::{self, Thresholds};
use iam_audit::{engine, pipeline, report};

// The binary's allocator, so each stage costs what it costs in `iam-audit`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let dir = PathBuf::from(
        std::env::var_os("IAM_AUDIT_BENCH_DIR")
            .unwrap_or_else(|| "/tmp/iam-audit-bench/large".into()),
    );
    if !dir.is_dir() {
        eprintln!(
            "no evidence at {}: generate it with `cargo run --release --example generate -- --size large --out {}` (or set IAM_AUDIT_BENCH_DIR)",
            dir.display(),
            dir.display()
        );
        std::process::exit(2);
    }
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    stages(&mut c, dir);
    c.final_summary();
}

fn stages(c: &mut Criterion, dir: PathBuf) {
    let fail =
        |e: &dyn std::fmt::Debug| -> ! { panic!("the benchmark's evidence is unusable: {e:?}") };
    let threads = Threads::new(None);
    let (sources, _) = files::resolve(std::slice::from_ref(&dir))
        .and_then(pipeline::snapshots_of)
        .unwrap_or_else(|e| fail(&e));
    let source = &sources[0];
    let schema = engine::schema().unwrap_or_else(|e| fail(&e));
    let pack = commands::load_pack(&Default::default()).unwrap_or_else(|e| fail(&e));
    let thresholds = Thresholds::default();
    let reads = model::EntityReads::of_policies(&pack.set, &schema);
    let reader = Files::default();

    c.bench_function("load", |b| {
        b.iter(|| snapshot::load(black_box(source), &reader, &threads).unwrap_or_else(|e| fail(&e)))
    });
    let snap = snapshot::load(source, &reader, &threads).unwrap_or_else(|e| fail(&e));
    let options = model::ModelOptions {
        as_of: pipeline::as_of_for(&snap, None),
        thresholds: &thresholds,
        reads: &reads,
    };

    c.bench_function("normalize", |b| {
        b.iter(|| {
            model::normalize(black_box(&snap), &options, &threads)
                .map(model::Normalized::finish)
                .unwrap_or_else(|e| fail(&e))
        })
    });
    let mut model = model::normalize(&snap, &options, &threads)
        .map(model::Normalized::finish)
        .unwrap_or_else(|e| fail(&e));
    let built = std::mem::take(&mut model.entities);

    c.bench_function("entities", |b| {
        b.iter_batched(
            || built.clone(),
            |entities| {
                model::cedar::entity_store(entities, &schema, &reads).unwrap_or_else(|e| fail(&e))
            },
            BatchSize::PerIteration,
        )
    });
    let entities = model::cedar::entity_store(built, &schema, &reads).unwrap_or_else(|e| fail(&e));

    c.bench_function("evaluate (1 thread)", |b| {
        b.iter(|| {
            iam_audit::results::findings(
                engine::judge(&pack, black_box(&model), &entities, &Sequential),
                &model,
            )
        })
    });
    c.bench_function("evaluate (all cores)", |b| {
        b.iter(|| {
            iam_audit::results::findings(
                engine::judge(&pack, black_box(&model), &entities, &threads),
                &model,
            )
        })
    });

    let evaluate = || {
        let outcome =
            evaluate::run(evaluate::Options::new(vec![dir.clone()])).unwrap_or_else(|e| fail(&e));
        match outcome.output {
            Output::Report { report, .. } => report,
            Output::Text(_) => fail(&"evaluate printed text, not a report"),
        }
    };
    let report = evaluate();
    c.bench_function("render (json)", |b| {
        b.iter(|| report::json::render(black_box(&report)))
    });
    c.bench_function("end to end (evaluate + render json)", |b| {
        b.iter(|| report::json::render(&evaluate()))
    });
}
