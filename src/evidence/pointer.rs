//! JSON pointers (RFC 6901) into the exports, for messages that say where
//! a value is.
//!
//! A leaf: it imports no other evidence module, so every reader (and the
//! file detection that calls them) can build pointers without importing one
//! another.

/// Escapes a key for use as one reference token of a JSON pointer: `~`
/// becomes `~0` and `/` becomes `~1` (condition keys such as
/// `aws:PrincipalTag/team` contain `/`).
pub fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_tilde_before_slash() {
        assert_eq!(escape_pointer("plain"), "plain");
        assert_eq!(
            escape_pointer("aws:PrincipalTag/team"),
            "aws:PrincipalTag~1team"
        );
        // `~` first: otherwise the `~` of `~1` would be escaped again.
        assert_eq!(escape_pointer("a~/b"), "a~0~1b");
        assert_eq!(escape_pointer("~1"), "~01");
        assert_eq!(escape_pointer(""), "");
    }
}
