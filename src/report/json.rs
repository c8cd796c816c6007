//! `--format json`: the stable, machine-readable report (contract in
//! docs/contract.md, described by `schemas/report.schema.json`).

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{EvidenceEntry, Pack, PolicyEntry, Report, RunRecord, SnapshotEntry, Summary, Tool};
use crate::model::EvidenceLocation;
use crate::results::{Finding, WaiverRef};
use crate::waivers::WaiverEntry;

/// Pretty-printed JSON with a final newline, written piece by piece to
/// `out`: exactly the bytes `serde_json::to_writer_pretty(report)` writes
/// (tested), faster. Struct fields serialize in declaration order and every
/// list is pre-sorted, so output is byte-stable.
///
/// The results are most of a report (36,000 of them on the largest
/// account), and serde_json checks every byte of every string for escapes
/// one at a time: writing them here, with strings that need no escape
/// copied whole, took the report from a tenth of the run's instructions to
/// a fraction of that. The parts around them go through serde_json.
pub fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    // Through `dyn Write` each small write would be a call that cannot be
    // inlined; a buffer of a concrete type takes them inline and hands `out`
    // whole blocks.
    let mut buffered = io::BufWriter::with_capacity(1 << 16, out);
    let head = serde_json::to_vec_pretty(&Head::of(report))?;
    // `{ ... }` without its closing `\n}`: the results follow.
    buffered.write_all(head.strip_suffix(b"\n}").unwrap_or(&head))?;
    buffered.write_all(b",\n  \"results\": ")?;
    write_results(&report.results, &mut buffered)?;
    let tail = serde_json::to_vec_pretty(&Tail::of(report))?;
    // `{ ... }` without its opening `{`: its fields continue the report's.
    buffered.write_all(b",")?;
    buffered.write_all(tail.strip_prefix(b"{").unwrap_or(&tail))?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}

/// The report's fields before `results`, as [`Report`] serializes them.
#[derive(Serialize)]
struct Head<'r> {
    schema_version: u32,
    tool: &'r Tool,
    as_of: &'r Option<String>,
    as_of_source: &'r str,
    pack: &'r Option<Pack>,
    evidence: &'r [EvidenceEntry],
    policies: &'r [PolicyEntry],
    snapshots: &'r [SnapshotEntry],
    summary: &'r Summary,
}

impl<'r> Head<'r> {
    fn of(r: &'r Report) -> Self {
        Head {
            schema_version: r.schema_version,
            tool: &r.tool,
            as_of: &r.as_of,
            as_of_source: &r.as_of_source,
            pack: &r.pack,
            evidence: &r.evidence,
            policies: &r.policies,
            snapshots: &r.snapshots,
            summary: &r.summary,
        }
    }
}

/// The report's fields after `results`, as [`Report`] serializes them.
#[derive(Serialize)]
struct Tail<'r> {
    warnings: &'r [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    waivers: &'r Option<Vec<WaiverEntry>>,
    thresholds: &'r BTreeMap<String, i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    benchmark: &'r Option<String>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    frameworks: &'r [super::frameworks::FrameworkView],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    layout: &'r [crate::evidence::source::FolderLayout],
    run: &'r RunRecord,
}

impl<'r> Tail<'r> {
    fn of(r: &'r Report) -> Self {
        Tail {
            warnings: &r.warnings,
            waivers: &r.waivers,
            thresholds: &r.thresholds,
            benchmark: &r.benchmark,
            frameworks: &r.frameworks,
            layout: &r.layout,
            run: &r.run,
        }
    }
}

/// The `results` array at the report's first level of indentation.
fn write_results(results: &[Box<Finding>], w: &mut impl Write) -> io::Result<()> {
    if results.is_empty() {
        return w.write_all(b"[]");
    }
    w.write_all(b"[")?;
    for (i, f) in results.iter().enumerate() {
        w.write_all(if i == 0 { b"\n    {" } else { b",\n    {" })?;
        field(w, 6, "id", &f.id)?;
        more(w, 6, "policy", &f.policy)?;
        more(w, 6, "status", f.status.as_str())?;
        more(w, 6, "severity", f.severity.as_str())?;
        more(w, 6, "account", &f.account)?;
        more(w, 6, "subject", &f.subject)?;
        more(w, 6, "principal", &f.principal)?;
        more(w, 6, "action", f.action)?;
        more(w, 6, "resource", &f.resource)?;
        more(w, 6, "message", &f.message)?;
        if let Some(waiver) = &f.labels.waiver {
            let WaiverRef {
                pointer,
                reason,
                approver,
                expires,
            } = &**waiver;
            w.write_all(b",\n      \"waiver\": {")?;
            field(w, 8, "pointer", pointer)?;
            more(w, 8, "reason", reason)?;
            more(w, 8, "approver", approver)?;
            more(w, 8, "expires", expires)?;
            w.write_all(b"\n      }")?;
        }
        if let Some(number) = &f.labels.benchmark_control {
            more(w, 6, "benchmark_control", number)?;
        }
        if let Some(tags) = &f.labels.requirements {
            w.write_all(b",\n      \"requirements\": ")?;
            if tags.is_empty() {
                w.write_all(b"[]")?;
            } else {
                for (i, tag) in tags.iter().enumerate() {
                    w.write_all(if i == 0 {
                        b"[\n        "
                    } else {
                        b",\n        "
                    })?;
                    string(w, tag)?;
                }
                w.write_all(b"\n      ]")?;
            }
        }
        if let Some(location) = &f.location {
            let EvidenceLocation {
                file,
                line,
                pointer,
            } = &**location;
            w.write_all(b",\n      \"location\": {")?;
            field(w, 8, "file", file)?;
            if let Some(line) = line {
                w.write_all(b",\n        \"line\": ")?;
                w.write_all(line.to_string().as_bytes())?;
            }
            if let Some(pointer) = pointer {
                more(w, 8, "pointer", pointer)?;
            }
            w.write_all(b"\n      }")?;
        }
        w.write_all(b"\n    }")?;
    }
    w.write_all(b"\n  ]")
}

/// The first `"key": "value"` of an object, on a line of its own at
/// `indent` spaces. Keys are this module's own names, which need no escape.
fn field(w: &mut impl Write, indent: usize, key: &str, value: &str) -> io::Result<()> {
    w.write_all(&b"\n          "[..=indent])?;
    w.write_all(b"\"")?;
    w.write_all(key.as_bytes())?;
    w.write_all(b"\": ")?;
    string(w, value)
}

/// A further `"key": "value"` of an object.
fn more(w: &mut impl Write, indent: usize, key: &str, value: &str) -> io::Result<()> {
    w.write_all(b",")?;
    field(w, indent, key, value)
}

/// Whether JSON needs an escape in `s`: a control character, `"` or `\\`.
/// Sixteen bytes are checked at once, with no early exit inside a block, so
/// that the compiler checks them side by side: a byte-by-byte check cost 9
/// instructions a byte of the largest account's report.
fn needs_escape(s: &[u8]) -> bool {
    let special = |b: u8| (b < 0x20) | (b == b'"') | (b == b'\\');
    let mut blocks = s.chunks_exact(16);
    for block in &mut blocks {
        if block.iter().fold(false, |any, &b| any | special(b)) {
            return true;
        }
    }
    blocks.remainder().iter().any(|&b| special(b))
}

/// A JSON string. Most need no escape and are copied whole; the rest go
/// through serde_json, so that escapes are spelled exactly as elsewhere in
/// the report.
fn string(w: &mut impl Write, s: &str) -> io::Result<()> {
    if !needs_escape(s.as_bytes()) {
        w.write_all(b"\"")?;
        w.write_all(s.as_bytes())?;
        w.write_all(b"\"")
    } else {
        serde_json::to_writer(w, s).map_err(io::Error::from)
    }
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

    /// What serde_json writes for the whole report, which [`write`] must
    /// equal byte for byte.
    fn by_serde(report: &Report) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(report).expect("serializes");
        out.push(b'\n');
        out
    }

    fn evaluate(paths: Vec<std::path::PathBuf>, waivers: Option<&str>) -> Option<Report> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut options = crate::commands::evaluate::Options::new(paths);
        options.waivers = waivers.map(|w| root.join(w));
        options.frameworks = crate::frameworks::Framework::parse("cis-aws-v5.0")
            .into_iter()
            .collect();
        match crate::commands::evaluate::run(options).ok()?.output {
            crate::commands::Output::Report { report, .. } => Some(*report),
            crate::commands::Output::Text(_) => None,
        }
    }

    #[test]
    fn writes_what_serde_json_writes_for_every_fixture() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut folders: Vec<_> = ["snapshots", "tests/fixtures"]
            .iter()
            .flat_map(|d| std::fs::read_dir(root.join(d)).into_iter().flatten())
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        folders.sort();
        let mut compared = 0;
        for folder in folders {
            let name = folder.display().to_string();
            for waivers in [None, Some("tests/fixtures/waivers/demo.json")] {
                let Some(report) = evaluate(vec![folder.clone()], waivers) else {
                    continue;
                };
                let mut ours = Vec::new();
                write(&report, &mut ours).expect("writes to memory");
                assert!(ours == by_serde(&report), "{name}");
                compared += 1;
            }
        }
        // Locations with lines and pointers, hostile names, waived results
        // and benchmark numbers are among them.
        assert!(compared >= 30, "only {compared} reports compared");
    }

    #[test]
    fn an_empty_report_is_written_as_serde_json_writes_it() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut report = evaluate(vec![root.join("snapshots/demo")], None).expect("evaluates");
        report.results.clear();
        report.warnings.clear();
        let mut ours = Vec::new();
        write(&report, &mut ours).expect("writes to memory");
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&by_serde(&report))
        );
    }

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
