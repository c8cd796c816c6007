//! The whole pipeline, files to JSON report: the input is split into up to
//! three files of one snapshot (at `\n--8<--\n` markers), which the pipeline
//! reads from memory, detects, models, evaluates with the built-in pack and
//! renders. A report must also be valid JSON, and an `Error::Internal` (the
//! tool rejecting something it built itself) counts as a crash.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use iam_audit::engine::PolicyPack;
use iam_audit::error::Error;
use iam_audit::evidence::source::Buffers;
use iam_audit::exec::Sequential;
use iam_audit::model::Thresholds;
use iam_audit::pipeline::{self, Run};
use libfuzzer_sys::fuzz_target;

fn pack() -> &'static PolicyPack {
    static PACK: OnceLock<PolicyPack> = OnceLock::new();
    PACK.get_or_init(|| {
        iam_audit::commands::load_pack(&Default::default()).expect("the built-in pack loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let marker: &[u8] = b"\n--8<--\n";
    let mut parts: Vec<&[u8]> = Vec::new();
    let mut rest = data;
    while parts.len() < 2 {
        match rest.windows(marker.len()).position(|w| w == marker) {
            Some(i) => {
                parts.push(&rest[..i]);
                rest = &rest[i + marker.len()..];
            }
            None => break,
        }
    }
    parts.push(rest);
    let buffers = Buffers(
        parts
            .iter()
            .enumerate()
            .map(|(i, part)| (PathBuf::from(format!("file-{i}")), part.to_vec()))
            .collect(),
    );
    let thresholds = Thresholds::default();
    let run = Run {
        pack: pack(),
        as_of: iam_audit::evidence::time::Timestamp::parse("2026-11-20T09:30:00Z").ok(),
        thresholds: &thresholds,
        waivers: None,
        benchmark: None,
    };
    let sources = [buffers.snapshot()];
    match pipeline::evaluate(&run, &sources, false, &buffers, &Sequential, &|_| {}) {
        Ok(evaluation) => {
            let text = iam_audit::report::json::render(&evaluation.report);
            assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
        }
        // A bug by its own definition (something the tool built was
        // rejected), not a bad input: a finding like a panic.
        Err(Error::Internal(message)) => panic!("internal error: {message}"),
        Err(_) => {}
    }
});
