//! The parse floor: the least work any tool must do on a snapshot, reading
//! every file and parsing it with `serde_json` (into `serde_json::Value`) or
//! `csv`, and nothing else. Benchmarks report iam-audit's end-to-end time as
//! a ratio to this program's.
//!
//! ```text
//! cargo run --release --example parse_floor -- /tmp/ev-large
//! ```

use std::fs;
use std::path::Path;

use base64::Engine;

fn main() {
    let mut values = 0usize;
    let mut rows = 0usize;
    for arg in std::env::args().skip(1) {
        visit(Path::new(&arg), &mut values, &mut rows);
    }
    // Print something derived from the parse so none of it is optimized away.
    println!("{values} JSON documents, {rows} CSV rows");
}

fn visit(path: &Path, values: &mut usize, rows: &mut usize) {
    if path.is_dir() {
        let mut entries: Vec<_> = fs::read_dir(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        entries.sort();
        for e in entries {
            visit(&e, values, rows);
        }
        return;
    }
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if bytes.first() == Some(&b'{') || bytes.first() == Some(&b'[') {
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        *values += 1;
        // A credential report envelope carries the CSV inside: decode and parse it too.
        if let Some(content) = value.get("Content").and_then(|c| c.as_str()) {
            let csv = base64::engine::general_purpose::STANDARD
                .decode(content)
                .unwrap_or_else(|_| content.as_bytes().to_vec());
            *rows += count_rows(&csv);
        }
    } else {
        *rows += count_rows(&bytes);
    }
}

fn count_rows(bytes: &[u8]) -> usize {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    reader.records().filter_map(Result::ok).count()
}
