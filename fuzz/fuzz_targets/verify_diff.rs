//! A mutated JSON report as the OLD side of `diff` against the demo
//! snapshot's report, and as the report `verify` reads. `diff`: the bytes
//! through `parse_report` (JSON, the report schema, unique result ids), then
//! `compare` both ways and with itself, and both renderers (the JSON one must
//! parse). `verify`: the bytes through `read_report` (claims and the recorded
//! run settings, waivers included), then compared value by value with the
//! demo report. An `Error::Internal` is a crash.
#![no_main]

mod demo;

use iam_audit::commands::{diff, verify};
use iam_audit::error::Error;
use libfuzzer_sys::fuzz_target;

fn fixed_new() -> &'static diff::ReportView {
    static NEW: std::sync::OnceLock<diff::ReportView> = std::sync::OnceLock::new();
    NEW.get_or_init(|| {
        diff::parse_report("new.json", demo::report_json().as_bytes())
            .expect("the demo report reads back")
    })
}

fn fixed_value() -> &'static serde_json::Value {
    static VALUE: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    VALUE
        .get_or_init(|| serde_json::from_str(demo::report_json()).expect("the demo report is JSON"))
}

fuzz_target!(|data: &[u8]| {
    match diff::parse_report("old.json", data) {
        Ok(old) => {
            let new = fixed_new();
            let drift = diff::compare(&old, new);
            let text = diff::render_json(&drift);
            assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
            let _ = diff::render_table(&drift);
            let _ = diff::render_table(&diff::compare(new, &old));
            assert_eq!(drift, diff::compare(&old, new), "diff is deterministic");
            let same = diff::compare(&old, &old);
            for list in [
                &same.new_failures,
                &same.resolved_failures,
                &same.no_longer_evaluated,
                &same.status_changes,
                &same.added,
                &same.removed,
            ] {
                assert!(list.is_empty(), "a report does not drift from itself");
            }
        }
        Err(Error::Internal(message)) => panic!("internal error: {message}"),
        Err(_) => {}
    }
    match verify::read_report("report.json", data) {
        Ok(_) => {
            // With the tool's own reader: it takes a UTF-8 byte order
            // mark, which `serde_json` alone refuses.
            let claimed = iam_audit::evidence::json::parse_file("report.json", data, "")
                .expect("a report `verify` read is JSON");
            let mut differences = Vec::new();
            verify::compare_reports(&claimed, fixed_value(), &mut differences);
            let mut again = Vec::new();
            verify::compare_reports(&claimed, fixed_value(), &mut again);
            assert_eq!(differences, again, "verify's comparison is deterministic");
        }
        Err(Error::Internal(message)) => panic!("internal error: {message}"),
        Err(_) => {}
    }
});
