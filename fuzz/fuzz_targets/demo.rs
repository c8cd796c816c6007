//! The fixed side of the `waivers` and `verify_diff` targets: the sample
//! snapshot `snapshots/demo` evaluated once per process with the built-in
//! pack, as its findings and its JSON report.

// Each target uses part of this module.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use iam_audit::evidence::source::Buffers;
use iam_audit::exec::Sequential;
use iam_audit::model::Thresholds;
use iam_audit::pipeline::{self, Run};
use iam_audit::report::Report;

/// The as-of time the fixed report is evaluated at (and waivers judged at).
pub const AS_OF: &str = "2026-11-20T09:30:00Z";

/// The demo snapshot's report, built on first use.
pub fn report() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../snapshots/demo");
        let files: BTreeMap<PathBuf, Vec<u8>> = std::fs::read_dir(&folder)
            .expect("snapshots/demo is readable")
            .map(|entry| {
                let path = entry.expect("a folder entry").path();
                let name = PathBuf::from(path.file_name().expect("a file name"));
                (name, std::fs::read(&path).expect("a demo file is readable"))
            })
            .collect();
        let buffers = Buffers(files);
        let pack =
            iam_audit::commands::load_pack(&Default::default()).expect("the built-in pack loads");
        let thresholds = Thresholds::default();
        let run = Run {
            pack: &pack,
            as_of: iam_audit::evidence::time::Timestamp::parse(AS_OF).ok(),
            thresholds: &thresholds,
            waivers: None,
            benchmark: None,
        };
        let sources = [buffers.snapshot()];
        pipeline::evaluate(&run, &sources, false, &buffers, &Sequential, &|_| {})
            .expect("the demo snapshot evaluates")
            .report
    })
}

/// The demo report as `evaluate --format json` writes it.
pub fn report_json() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| iam_audit::report::json::render(report()))
}
