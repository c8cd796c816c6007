//! Files and folders a snapshot leaves out (hidden entries, files that are
//! not evidence), and the warnings that tell about them.
//!
//! A client's evidence folder can hold thousands of extra files: one warning
//! each would bury everything else. The warnings are summarised instead, one
//! line per reason with a count and the first few names; the report's
//! `evidence` block still lists every file that was read, with its hash.

use std::collections::BTreeMap;

/// One entry left out of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    /// As the report names files (relative to the snapshot folder; the
    /// account folder in front in an organization).
    pub path: String,
    /// Why, as the warning says it (entries are grouped by it).
    pub reason: String,
}

/// How many names a summary line shows before "and N more".
const NAMES_SHOWN: usize = 3;

/// Why a hidden entry is skipped.
pub const HIDDEN: &str = "hidden: the name starts with `.`";

/// One warning per reason, sorted by reason: how many entries, the first
/// few names (sorted), and how many more.
pub fn summarise(skipped: &[Skipped]) -> Vec<String> {
    let mut by_reason: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for s in skipped {
        by_reason.entry(&s.reason).or_default().push(&s.path);
    }
    by_reason
        .into_iter()
        .map(|(reason, mut paths)| {
            paths.sort_unstable();
            let count = paths.len();
            let shown: Vec<String> = paths
                .iter()
                .take(NAMES_SHOWN)
                .map(|p| format!("`{p}`"))
                .collect();
            let more = match count.saturating_sub(NAMES_SHOWN) {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            let entries = if count == 1 { "entry" } else { "entries" };
            format!(
                "{reason}; {count} {entries} skipped: {}{more}",
                shown.join(", ")
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skipped(path: &str, reason: &str) -> Skipped {
        Skipped {
            path: path.into(),
            reason: reason.into(),
        }
    }

    #[test]
    fn one_line_per_reason_with_a_count_and_the_first_names() {
        let mut all: Vec<Skipped> = (0..20)
            .map(|i| skipped(&format!("scan-{i:02}.pdf"), "a PDF document"))
            .collect();
        all.push(skipped(".DS_Store", HIDDEN));
        let lines = summarise(&all);
        assert_eq!(
            lines,
            [
                "a PDF document; 20 entries skipped: `scan-00.pdf`, `scan-01.pdf`, `scan-02.pdf` and 17 more",
                "hidden: the name starts with `.`; 1 entry skipped: `.DS_Store`",
            ]
        );
        assert!(summarise(&[]).is_empty());
    }
}
