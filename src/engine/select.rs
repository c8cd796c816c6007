//! Choosing controls by id, the way linters do: `--select ID...` keeps only
//! the matching controls, `--ignore ID...` drops matching ones (ignore wins).
//! Patterns are ids or globs (`*` any run of characters, `?` one character,
//! as [`crate::glob`] defines them), e.g. `root-*`. A pattern that matches no
//! loaded control is a usage error: a typo must not silently evaluate
//! nothing (or everything).

use crate::glob;

/// The `--select`/`--ignore` patterns of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    pub fn is_empty(&self) -> bool {
        self.select.is_empty() && self.ignore.is_empty()
    }

    /// Whether the control `id` is kept.
    pub fn keeps(&self, id: &str) -> bool {
        let selected = self.select.is_empty() || self.select.iter().any(|p| glob::matches(p, id));
        selected && !self.ignore.iter().any(|p| glob::matches(p, id))
    }

    /// The patterns (with their flag) that match none of `ids`.
    pub fn unmatched(&self, ids: &[&str]) -> Vec<String> {
        let flagged = self
            .select
            .iter()
            .map(|p| ("--select", p))
            .chain(self.ignore.iter().map(|p| ("--ignore", p)));
        flagged
            .filter(|(_, p)| !ids.iter().any(|id| glob::matches(p, id)))
            .map(|(flag, p)| format!("`{flag} {p}`"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignore_wins_over_select() {
        let s = Selection {
            select: vec!["support-*".into()],
            ignore: vec!["*-exists".into()],
        };
        assert!(s.keeps("support-role-trust-requires-mfa"));
        assert!(!s.keeps("support-role-exists"));
        assert!(!s.keeps("console-password-requires-mfa"));
    }

    #[test]
    fn unmatched_patterns_are_named_with_their_flag() {
        let s = Selection {
            select: vec!["console-*".into(), "typo".into()],
            ignore: vec!["nothing-*".into()],
        };
        assert_eq!(
            s.unmatched(&["console-password-requires-mfa"]),
            vec!["`--select typo`", "`--ignore nothing-*`"]
        );
    }
}
