//! `--format json`: the stable, machine-readable report (contract in
//! docs/contract.md, described by `schemas/report.schema.json`).

use std::io::Write;

use super::Report;

/// Pretty-printed JSON with a final newline, written piece by piece to
/// `out`. Struct fields serialize in declaration order and every list is
/// pre-sorted, so output is byte-stable.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // serde_json writes a few bytes at a time (5 million writes for a large
    // account's report); through `dyn Write` each was a call that could not
    // be inlined. A buffer of a concrete type takes them inline and hands
    // `out` whole blocks.
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut buffered, report)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}

/// [`write`] into one string.
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out)
        .map_err(|e| e.to_string())
        .and_then(|()| String::from_utf8(out).map_err(|e| e.to_string()))
        // Serializing plain owned data to memory cannot fail, and serde_json
        // writes UTF-8; keep a valid document anyway.
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialize the report: {e}\"}}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streaming_writes_the_same_bytes_as_render() {
        let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots/demo");
        let options = crate::commands::evaluate::Options::new(vec![demo]);
        let outcome = crate::commands::evaluate::run(options).expect("the demo snapshot evaluates");
        let crate::commands::Output::Report { report, .. } = outcome.output else {
            panic!("evaluate outputs a report");
        };
        let mut streamed = Vec::new();
        write(&report, &mut streamed).expect("writes to memory");
        assert!(streamed.len() > 10_000, "{} bytes", streamed.len());
        assert_eq!(streamed, render(&report).into_bytes());
    }
}
