//! Authorization details (and any other JSON export) through the content
//! detector: JSON parsing with duplicate-key and depth checks, the JSON
//! Schema check, page reading and the policy documents inside.
#![no_main]

use iam_audit::evidence::detect::{detect, Detected};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(Detected::AuthorizationDetails(pages)) = detect("fuzz.json", data, &iam_audit::exec::Sequential) {
        // Merging exercises the duplicate-entity and truncation checks.
        let _ = iam_audit::evidence::authorization_details::merge_pages(pages);
    }
});
