//! The credential report in both forms: the bytes as a bare CSV, and the same
//! bytes wrapped as the `Content` of an envelope (as text and as base64 is
//! covered by the detect path). Errors are fine; panics, hangs and OOMs are not.
#![no_main]

use iam_audit::evidence::credential_report;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = credential_report::looks_like_csv(data);
    let _ = credential_report::parse_csv("fuzz.csv", data);
    if let Ok(text) = std::str::from_utf8(data) {
        let envelope = serde_json::json!({
            "Content": text,
            "ReportFormat": "text/csv",
            "GeneratedTime": "2026-11-20T09:30:00Z",
        });
        let _ = credential_report::parse_envelope("fuzz.json", &envelope);
    }
    // The whole file detector, which also reads envelopes written as JSON.
    let _ = iam_audit::evidence::detect::detect("fuzz", data, &iam_audit::exec::Sequential);
});
