//! The parse floor: reads every file of the snapshots named on the command
//! line and parses it with `serde_json` (into `serde_json::Value`) or `csv`,
//! and nothing else. bench/run.sh reports iam-audit's end-to-end time and
//! peak memory as ratios to this program's.
//!
//! A JSON file is parsed whole into a `Value` (every document iam-audit
//! reads is a JSON object or array); a credential report's AWS CLI envelope
//! has its base64 `Content` decoded and the CSV inside parsed into records
//! too; any other file (a bare CSV credential report) is parsed as CSV. The
//! system allocator, serde_json's default features: what a plain program
//! gets, nothing tuned.
//!
//! ```text
//! cd bench/floor && cargo build --release
//! bench/floor/target/release/parse-floor /tmp/iam-audit-bench/large
//! ```

use std::fs;
use std::path::Path;

use base64::Engine;

/// What was parsed, printed at the end so that none of the parse can be
/// optimized away.
#[derive(Default)]
struct Counts {
    documents: usize,
    rows: usize,
}

fn main() {
    let mut counts = Counts::default();
    for arg in std::env::args().skip(1) {
        visit(Path::new(&arg), &mut counts);
    }
    println!(
        "{} JSON documents, {} CSV rows",
        counts.documents, counts.rows
    );
}

/// Parses one file, or every file under a folder in sorted order.
fn visit(path: &Path, counts: &mut Counts) {
    if path.is_dir() {
        let mut entries: Vec<_> = fs::read_dir(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .map(|e| {
                e.unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                    .path()
            })
            .collect();
        entries.sort();
        for entry in entries {
            visit(&entry, counts);
        }
        return;
    }
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') | Some(b'[') => {
            let value: serde_json::Value = serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            counts.documents += 1;
            if let Some(content) = value.get("Content").and_then(|c| c.as_str()) {
                let csv = base64::engine::general_purpose::STANDARD
                    .decode(content)
                    .unwrap_or_else(|e| panic!("{}: Content: {e}", path.display()));
                counts.rows += csv_rows(&csv);
            }
        }
        _ => counts.rows += csv_rows(&bytes),
    }
}

/// Parses CSV text into records (the header included) and counts them.
fn csv_rows(bytes: &[u8]) -> usize {
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    reader
        .into_records()
        .map(|r| r.unwrap_or_else(|e| panic!("CSV: {e}")))
        .count()
}
