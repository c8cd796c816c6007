//! One IAM policy document: parsed from JSON (and from the string forms),
//! then every analysis that reads documents: trust paths and full-admin.
#![no_main]

use iam_audit::evidence::policy_document::{allows_full_admin, parse_document};
use iam_audit::model::trust::trust_paths;
use libfuzzer_sys::fuzz_target;

const ROLE: &str = "arn:aws:iam::123456789012:role/Fuzz";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The object form, and the same text as a string value (JSON or URL-encoded).
    let candidates = [
        serde_json::from_str::<serde_json::Value>(text).ok(),
        Some(serde_json::Value::String(text.to_string())),
    ];
    for value in candidates.into_iter().flatten() {
        if let Ok(doc) = parse_document(&value) {
            let _ = trust_paths(&doc, ROLE);
            let _ = allows_full_admin(&doc);
        }
    }
});
