//! Choosing controls by id, the way linters do: `--select ID...` keeps only
//! the matching controls, `--ignore ID...` drops matching ones (ignore wins).
//! Patterns are ids or globs (`*` any run of characters, `?` one character),
//! e.g. `root-*`. A pattern that matches no loaded control is a usage error:
//! a typo must not silently evaluate nothing (or everything).

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
        let selected = self.select.is_empty() || self.select.iter().any(|p| glob_match(p, id));
        selected && !self.ignore.iter().any(|p| glob_match(p, id))
    }

    /// The patterns (with their flag) that match none of `ids`.
    pub fn unmatched(&self, ids: &[&str]) -> Vec<String> {
        let flagged = self
            .select
            .iter()
            .map(|p| ("--select", p))
            .chain(self.ignore.iter().map(|p| ("--ignore", p)));
        flagged
            .filter(|(_, p)| !ids.iter().any(|id| glob_match(p, id)))
            .map(|(flag, p)| format!("`{flag} {p}`"))
            .collect()
    }
}

/// Glob matching over characters: `*` matches any run (also empty), `?` one
/// character, everything else itself. Iterative with one backtrack point, so
/// it is linear-ish and never recurses on untrusted patterns.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_like_a_shell() {
        assert!(glob_match("root-*", "root-has-mfa"));
        assert!(glob_match("root-*", "root-"));
        assert!(!glob_match("root-*", "no-root-keys"));
        assert!(glob_match("*mfa*", "console-password-requires-mfa"));
        assert!(glob_match("support-role-?xists", "support-role-exists"));
        assert!(!glob_match("support-role", "support-role-exists"));
        assert!(glob_match("a*b*c", "aXXbYYc"));
        assert!(!glob_match("a*b*c", "aXXbYY"));
        assert!(glob_match("*", ""));
    }

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
