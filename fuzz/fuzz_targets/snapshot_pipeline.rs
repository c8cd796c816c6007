//! The whole pipeline, files to JSON report: the input is split into up to
//! three files of one snapshot folder (at `\n--8<--\n` markers), which
//! `run::evaluate` reads, detects, models, evaluates with the built-in pack
//! and renders. A report must also be valid JSON, and an `Error::Internal`
//! (the tool rejecting something it built itself) counts as a crash.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use iam_audit::error::Error;
use iam_audit::run::{self, EvaluateOptions};
use libfuzzer_sys::fuzz_target;

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("iam-audit-fuzz-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&d);
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let dir = dir();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let _ = std::fs::remove_file(e.path());
        }
    }
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
    for (i, part) in parts.iter().enumerate() {
        if std::fs::write(dir.join(format!("file-{i}")), part).is_err() {
            return;
        }
    }
    let options = EvaluateOptions {
        paths: vec![dir.clone()],
        as_of: iam_audit::evidence::time::Timestamp::parse("2026-11-20T09:30:00Z").ok(),
        ..EvaluateOptions::default()
    };
    match run::evaluate(&options) {
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
