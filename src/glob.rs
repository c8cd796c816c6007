//! Glob patterns, one meaning wherever the tool takes them (`--select` and
//! `--ignore` control ids, waiver subjects): `*` is any run of characters
//! (also empty, `/` included), `?` is exactly one character, everything else
//! is literal.
//!
//! A glob with a wildcard compiles to an anchored regular expression (the
//! `regex` crate, already in the dependency tree through Cedar), which
//! matches in time linear in the subject's length whatever the pattern: a
//! backtracking matcher can be made slow by a pattern like `a*a*a*…b`.
//!
//! This module is a leaf: it imports nothing of the crate, so every stage can
//! use it.

use regex::Regex;

/// The most memory a compiled glob may take; patterns are written by people,
/// and anything bigger is a mistake rather than a pattern.
const SIZE_LIMIT: usize = 1 << 20;

/// `None` for a glob without wildcards (compare it exactly); else the glob
/// as an anchored regular expression. Fails only when the expression would
/// exceed [`SIZE_LIMIT`].
pub fn compile(glob: &str) -> Result<Option<Regex>, regex::Error> {
    if !glob.contains(['*', '?']) {
        return Ok(None);
    }
    let mut re = String::with_capacity(glob.len() + 8);
    re.push_str("^(?s:");
    let mut literal = String::new();
    for c in glob.chars() {
        if c == '*' || c == '?' {
            re.push_str(&regex::escape(&literal));
            literal.clear();
            re.push_str(if c == '*' { ".*" } else { "." });
        } else {
            literal.push(c);
        }
    }
    re.push_str(&regex::escape(&literal));
    re.push_str(")$");
    regex::RegexBuilder::new(&re)
        .size_limit(SIZE_LIMIT)
        .build()
        .map(Some)
}

/// Whether `text` matches `glob` as compiled by [`compile`] (a glob without
/// wildcards: `text` is equal to it). A compiled glob is a match of `glob`
/// against the subject, so it is used through this function too.
pub fn is_match(glob: &str, compiled: Option<&Regex>, text: &str) -> bool {
    match compiled {
        Some(re) => re.is_match(text),
        None => glob == text,
    }
}

/// One-off matching, for patterns used a few times: compiles `glob` and
/// matches `text`. A glob too large to compile matches nothing.
pub fn matches(glob: &str, text: &str) -> bool {
    match compile(glob) {
        Ok(compiled) => is_match(glob, compiled.as_ref(), text),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_like_a_shell() {
        assert!(matches("root-*", "root-has-mfa"));
        assert!(matches("root-*", "root-"));
        assert!(!matches("root-*", "no-root-keys"));
        assert!(matches("*mfa*", "console-password-requires-mfa"));
        assert!(matches("support-role-?xists", "support-role-exists"));
        assert!(!matches("support-role", "support-role-exists"));
        assert!(matches("support-role", "support-role"));
        assert!(matches("a*b*c", "aXXbYYc"));
        assert!(!matches("a*b*c", "aXXbYY"));
        assert!(matches("*", ""));
    }

    #[test]
    fn star_crosses_slashes_and_question_mark_is_one_character() {
        assert!(matches(
            "arn:aws:iam::*:user/contractors/*",
            "arn:aws:iam::1:user/contractors/eu/ann"
        ));
        assert!(!matches(
            "arn:aws:iam::*:user/contractors/*",
            "arn:aws:iam::1:user/staff/ann"
        ));
        assert!(matches(
            "arn:aws:iam::12345678901?:root",
            "arn:aws:iam::123456789012:root"
        ));
        assert!(!matches(
            "arn:aws:iam::12345678901?:root",
            "arn:aws:iam::12345678901:root"
        ));
        assert!(matches("a*b*c", "a-b-b-c"));
        assert!(!matches("a*b*c", "a-b-b-"));
    }

    #[test]
    fn regex_syntax_in_a_glob_is_literal() {
        assert!(matches(
            "arn:aws:iam::1:user/a.b+c(d)*",
            "arn:aws:iam::1:user/a.b+c(d)e"
        ));
        assert!(!matches(
            "arn:aws:iam::1:user/a.b*",
            "arn:aws:iam::1:user/aXb"
        ));
        assert!(matches("x?", "x\n"));
        assert!(matches("é?", "éü"));
        assert!(!matches("é?", "é"));
    }

    #[test]
    fn only_wildcards_compile() {
        assert!(compile("arn:aws:iam::1:user/a.b")
            .expect("compiles")
            .is_none());
        assert!(compile("a*").expect("compiles").is_some());
        assert!(compile("a?").expect("compiles").is_some());
    }

    #[test]
    fn a_glob_too_large_is_refused_and_matches_nothing() {
        let huge = "?".repeat(200_000);
        assert!(compile(&huge).is_err());
        assert!(!matches(&huge, &"x".repeat(200_000)));
    }

    #[test]
    fn pathological_globs_stay_fast() {
        let pattern = "a*".repeat(200) + "b";
        let subject = "a".repeat(2000);
        let start = std::time::Instant::now();
        assert!(!matches(&pattern, &subject));
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }
}
