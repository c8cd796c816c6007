//! A waivers file: the bytes through `WaiverSet::parse` (JSON with the
//! duplicate-key check, the waivers schema, dates, the glob budget and glob
//! compilation), then, when they parse, applied to the findings of the demo
//! snapshot at a fixed as-of time and without one. Applying must not panic,
//! must give the same answer twice, and may only waive a failure that the
//! chosen waiver covers and that is in force; an `Error::Internal` is a crash.
#![no_main]

mod demo;

use iam_audit::error::Error;
use iam_audit::evidence::time::Timestamp;
use iam_audit::results::Status;
use iam_audit::waivers::{Applier, WaiverSet};
use libfuzzer_sys::fuzz_target;

/// Applies the waivers to the demo findings: what each finding got, and the
/// report's `waivers` list.
fn apply(set: &WaiverSet, as_of: Option<Timestamp>) -> (Vec<Option<String>>, String) {
    let mut applier = Applier::new(&set.waivers);
    applier.begin_snapshot(as_of);
    let mut chosen = Vec::new();
    for finding in &demo::report().results {
        let waiver = applier.waiver_for(finding, as_of);
        if let Some(w) = &waiver {
            assert_eq!(finding.status, Status::Fail, "only a failure is waived");
            let source = set
                .waivers
                .iter()
                .find(|x| x.pointer == w.pointer)
                .expect("the waiver applied is one of the file's");
            assert!(
                source.covers(finding),
                "the waiver applied covers the finding"
            );
            let t = as_of.expect("no waiver applies without an as-of time");
            assert!(source.in_force_at(t), "the waiver applied is in force");
        }
        chosen.push(waiver.map(|w| w.pointer.clone()));
    }
    let entries = applier.finish();
    assert_eq!(entries.len(), set.waivers.len(), "every waiver is listed");
    (chosen, format!("{entries:?}"))
}

fuzz_target!(|data: &[u8]| {
    let set = match WaiverSet::parse("waivers.json", "waivers.json", data) {
        Ok(set) => set,
        Err(Error::Internal(message)) => panic!("internal error: {message}"),
        Err(_) => return,
    };
    let as_of = Timestamp::parse(demo::AS_OF).ok();
    for t in [as_of, None] {
        let first = apply(&set, t);
        assert_eq!(first, apply(&set, t), "applying waivers is deterministic");
    }
});
