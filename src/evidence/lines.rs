//! The line on which a JSON value starts, by JSON pointer: what turns a
//! result's evidence location (`/UserDetailList/3`) into a place a reader
//! (or a code-scanning alert) can jump to.
//!
//! The typed readers do not keep positions (serde builds values, not
//! spans), and the bytes are gone by the time the findings exist, so one
//! extra pass over each JSON file's text, while it is still in memory,
//! records the lines of the values a location can name (`wanted`): every
//! top-level member (`/Content`, `/SummaryMap`, `/PasswordPolicy`), every
//! entry of an authorization-details list and of a server certificate list, and a role's trust policy and its
//! statements (each of these under `/N` in a file that holds an array of
//! pages). On the largest account (the IAM quota maximum) that is 27,308
//! pointers.
//!
//! Lines are those of the file as stored: a line ends at LF, CRLF or a lone
//! CR, as the credential report's row lines do. A file transcoded from
//! UTF-16 or Latin-1 is scanned in its decoded text, which has the same
//! line breaks at the same places (each break is one character in every
//! one of these encodings), so its lines are the file's.
//!
//! The scan trusts nothing: it runs beside the JSON checks on a large file,
//! before they have accepted it, so bad JSON makes it record odd lines (then
//! thrown away with the failed file), never panic; nesting below the
//! deepest wanted value is counted, not stored.

use std::borrow::Cow;

use crate::evidence::pointer::escape_pointer;

/// The lines of the values of one JSON file that a location can name.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ValueLines {
    /// `(pointer, 1-based line)`, sorted by pointer.
    entries: Vec<(Box<str>, u64)>,
}

impl ValueLines {
    /// Scans JSON text (a UTF-8 byte order mark is skipped).
    pub fn scan(text: &[u8]) -> ValueLines {
        let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
        let mut entries = Scanner::default().run(text);
        entries.sort_unstable();
        entries.dedup_by(|a, b| a.0 == b.0);
        ValueLines { entries }
    }

    /// The line where the value at `pointer` starts; for a pointer into a
    /// value the scan does not record (a statement inside a trust policy
    /// written as a URL-encoded string, `/Statement/0` of a lone statement
    /// object), the line of the nearest recorded value that contains it.
    /// `None` when no part of the pointer is recorded.
    pub fn line_of(&self, pointer: &str) -> Option<u64> {
        let mut at = pointer;
        while !at.is_empty() {
            if let Ok(i) = self.entries.binary_search_by(|(p, _)| (**p).cmp(at)) {
                return Some(self.entries[i].1);
            }
            at = &at[..at.rfind('/')?];
        }
        None
    }

    /// How many values are recorded.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// One step of a pointer.
#[derive(Debug)]
enum Step<'a> {
    Key(Cow<'a, str>),
    Index(usize),
}

/// An open object or array the scan is inside.
struct Frame<'a> {
    /// The member or item being read: for an object its latest key (`None`
    /// before the first), for an array its index.
    step: Option<Step<'a>>,
    /// An object whose next string is a key.
    expects_key: bool,
}

/// The deepest value [`wanted`] records: a trust statement, in a file that
/// holds an array of pages.
const MAX_TRACKED: usize = 6;

/// Whether the value at `path` (below the root) is recorded. `pages` is a
/// file whose root is an array of authorization-details pages, whose first
/// step is the page's index.
fn wanted(path: &[Frame], pages: bool) -> bool {
    let path = if pages {
        match path.split_first() {
            Some((_, rest)) => rest,
            None => return false,
        }
    } else {
        path
    };
    let key = |i: usize| match path.get(i).and_then(|f| f.step.as_ref()) {
        Some(Step::Key(k)) => Some(&**k),
        _ => None,
    };
    let index = |i: usize| {
        matches!(
            path.get(i).and_then(|f| f.step.as_ref()),
            Some(Step::Index(_))
        )
    };
    let trust = || {
        key(0) == Some("RoleDetailList") && index(1) && key(2) == Some("AssumeRolePolicyDocument")
    };
    match path.len() {
        1 => key(0).is_some(),
        2 => {
            key(0).is_some_and(|k| {
                crate::evidence::authorization_details::PAGE_KEYS.contains(&k)
                    || k == "ServerCertificateMetadataList"
            }) && index(1)
        }
        3 => trust(),
        4 => trust() && key(3) == Some("Statement"),
        5 => trust() && key(3) == Some("Statement") && index(4),
        _ => false,
    }
}

#[derive(Default)]
struct Scanner<'a> {
    line: u64,
    stack: Vec<Frame<'a>>,
    /// Open containers below [`MAX_TRACKED`], counted only.
    untracked: usize,
    /// The root is an array (of pages).
    pages: bool,
    found: Vec<(Box<str>, u64)>,
}

impl<'a> Scanner<'a> {
    fn run(mut self, text: &'a [u8]) -> Vec<(Box<str>, u64)> {
        self.line = 1;
        let mut i = 0;
        while let Some(&b) = text.get(i) {
            if self.untracked > 0 {
                // Inside a value no location names: only strings, brackets
                // and line ends matter, so the bytes between are skipped.
                match text[i..].iter().position(|&c| DEEP_TOKENS[usize::from(c)]) {
                    Some(k) => i += k,
                    None => break,
                }
                match text[i] {
                    b'"' => {
                        i = string_end(text, i);
                        continue;
                    }
                    b'{' | b'[' => self.untracked += 1,
                    b'}' | b']' => self.untracked -= 1,
                    b'\n' => self.line += 1,
                    _ => {
                        // `\r`: a line end unless `\n` follows.
                        if text.get(i + 1) != Some(&b'\n') {
                            self.line += 1;
                        }
                    }
                }
                i += 1;
                continue;
            }
            match b {
                b'\n' => {
                    self.line += 1;
                    // The indentation of a pretty-printed export.
                    while matches!(text.get(i + 1), Some(b' ' | b'\t')) {
                        i += 1;
                    }
                }
                b'\r' if text.get(i + 1) != Some(&b'\n') => self.line += 1,
                b' ' | b'\t' | b'\r' | b':' => {}
                b'"' => {
                    let end = string_end(text, i);
                    if self.untracked == 0 {
                        self.string(&text[i..end]);
                    }
                    i = end;
                    continue;
                }
                b',' => {
                    if self.untracked == 0 {
                        if let Some(top) = self.stack.last_mut() {
                            match &mut top.step {
                                Some(Step::Index(n)) => *n += 1,
                                _ => top.expects_key = true,
                            }
                        }
                    }
                }
                b'{' | b'[' => {
                    if self.untracked > 0 {
                        self.untracked += 1;
                    } else {
                        if self.stack.is_empty() && b == b'[' {
                            self.pages = true;
                        }
                        self.value();
                        // Below the deepest wanted value nothing is recorded:
                        // the container is counted, its members not tracked.
                        if self.stack.len() >= MAX_TRACKED {
                            self.untracked += 1;
                        } else {
                            self.stack.push(Frame {
                                step: (b == b'[').then_some(Step::Index(0)),
                                expects_key: b == b'{',
                            });
                        }
                    }
                }
                b'}' | b']' => {
                    if self.untracked > 0 {
                        self.untracked -= 1;
                    } else {
                        self.stack.pop();
                    }
                }
                _ => {
                    // A number, `true`, `false` or `null`: none holds a line
                    // break or a delimiter.
                    if self.untracked == 0 {
                        self.value();
                    }
                    while text.get(i + 1).is_some_and(|&c| {
                        !matches!(
                            c,
                            b',' | b':'
                                | b']'
                                | b'}'
                                | b'{'
                                | b'['
                                | b'"'
                                | b' '
                                | b'\t'
                                | b'\r'
                                | b'\n'
                        )
                    }) {
                        i += 1;
                    }
                }
            }
            i += 1;
        }
        self.found
    }

    /// A string at a tracked depth: an object's key, or a value.
    fn string(&mut self, quoted: &'a [u8]) {
        match self.stack.last_mut() {
            Some(top) if top.expects_key => {
                top.expects_key = false;
                top.step = Some(Step::Key(key_text(quoted)));
            }
            _ => self.value(),
        }
    }

    /// A value starts on the current line.
    fn value(&mut self) {
        if self.stack.is_empty() || !wanted(&self.stack, self.pages) {
            return;
        }
        let mut pointer = String::new();
        for frame in &self.stack {
            pointer.push('/');
            match &frame.step {
                Some(Step::Key(k)) => pointer.push_str(&escape_pointer(k)),
                Some(Step::Index(n)) => pointer.push_str(&n.to_string()),
                None => {}
            }
        }
        self.found.push((pointer.into_boxed_str(), self.line));
    }
}

/// The bytes that matter inside a value no location names.
const DEEP_TOKENS: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 7 {
        table[b"\"{}[]\n\r"[i] as usize] = true;
        i += 1;
    }
    table
};

/// The index just past the string that starts with the quote at `start`
/// (the end of the text if it is not closed). Strings are most of an
/// export's bytes: they are skipped with `memchr`'s vectorised search.
fn string_end(text: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while let Some(rest) = text.get(i..) {
        match memchr::memchr2(b'"', b'\\', rest) {
            Some(k) if rest[k] == b'"' => return i + k + 1,
            Some(k) => i += k + 2,
            None => break,
        }
    }
    text.len()
}

/// An object key's text from its quoted form, escapes decoded.
fn key_text(quoted: &[u8]) -> Cow<'_, str> {
    let inner = quoted
        .get(1..quoted.len().saturating_sub(1))
        .unwrap_or_default();
    match std::str::from_utf8(inner) {
        Ok(plain) if !plain.contains('\\') => Cow::Borrowed(plain),
        _ => Cow::Owned(
            std::str::from_utf8(quoted)
                .ok()
                .and_then(|q| serde_json::from_str::<String>(q).ok())
                .unwrap_or_else(|| String::from_utf8_lossy(inner).into_owned()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 1-based line of the first occurrence of `needle` in `text`.
    fn line_of_text(text: &str, needle: &str) -> u64 {
        let at = text.find(needle).expect("needle in text");
        text[..at].matches('\n').count() as u64 + 1
    }

    const DETAILS: &str = r#"{
  "UserDetailList": [
    {"UserName": "a", "Arn": "arn:aws:iam::1:user/a"},
    {
      "UserName": "b\"[{",
      "Arn": "arn:aws:iam::1:user/b"
    }
  ],
  "RoleDetailList": [
    {
      "RoleName": "r",
      "AssumeRolePolicyDocument": {
        "Version": "2012-10-17",
        "Statement": [
          {"Effect": "Allow", "Principal": {"AWS": "x"}},
          {"Effect": "Deny",
           "Principal": "*"}
        ]
      }
    },
    {"RoleName": "s", "AssumeRolePolicyDocument": "%7B%22Statement%22%3A%5B%5D%7D"},
    {"RoleName": "t",
     "AssumeRolePolicyDocument": {"Statement":
       {"Effect": "Allow"}}}
  ],
  "IsTruncated": false
}"#;

    #[test]
    fn entries_trust_policies_and_statements_get_the_line_their_value_starts_on() {
        let lines = ValueLines::scan(DETAILS.as_bytes());
        assert_eq!(lines.line_of("/UserDetailList"), Some(2));
        assert_eq!(
            lines.line_of("/UserDetailList/0"),
            Some(line_of_text(DETAILS, "{\"UserName\": \"a\""))
        );
        assert_eq!(lines.line_of("/UserDetailList/1"), Some(4));
        assert_eq!(lines.line_of("/RoleDetailList/0"), Some(10));
        assert_eq!(
            lines.line_of("/RoleDetailList/0/AssumeRolePolicyDocument"),
            Some(12)
        );
        assert_eq!(
            lines.line_of("/RoleDetailList/0/AssumeRolePolicyDocument/Statement/1"),
            Some(line_of_text(DETAILS, "{\"Effect\": \"Deny\""))
        );
        // A document written as a string: its statements are inside it.
        assert_eq!(
            lines.line_of("/RoleDetailList/1/AssumeRolePolicyDocument/Statement/0"),
            Some(line_of_text(DETAILS, "\"%7B"))
        );
        // A lone statement object has no `/0`: the `Statement` value's line.
        assert_eq!(
            lines.line_of("/RoleDetailList/2/AssumeRolePolicyDocument/Statement/0"),
            Some(line_of_text(DETAILS, "{\"Effect\": \"Allow\"}}}"))
        );
        assert_eq!(lines.line_of("/IsTruncated"), Some(26));
        // Values deeper than a location names are not kept.
        assert_eq!(lines.line_of("/UserDetailList/1/Arn"), Some(4));
        assert_eq!(lines.line_of("/Nothing/here"), None);
        assert_eq!(lines.line_of(""), None);
        assert_eq!(lines.len(), 15);
    }

    #[test]
    fn pages_in_an_array_are_pointed_at_by_index() {
        let text = "[\n{\"UserDetailList\": [\n{\"UserName\": \"a\"}]},\n{\"UserDetailList\": [],\n \"RoleDetailList\": [{},\n{\"AssumeRolePolicyDocument\": {\"Statement\": [\n{\"Effect\": \"Allow\"},\n{}]}}]}\n]";
        let lines = ValueLines::scan(text.as_bytes());
        assert_eq!(lines.line_of("/0/UserDetailList/0"), Some(3));
        assert_eq!(lines.line_of("/1/RoleDetailList/1"), Some(6));
        assert_eq!(lines.line_of("/1/RoleDetailList/0"), Some(5));
        // A statement, the deepest value recorded, in the second page.
        let statement = "/1/RoleDetailList/1/AssumeRolePolicyDocument/Statement";
        assert_eq!(lines.line_of(&format!("{statement}/0")), Some(7));
        assert_eq!(lines.line_of(&format!("{statement}/1")), Some(8));
        assert_eq!(lines.line_of(&format!("{statement}/1/Effect")), Some(8));
    }

    #[test]
    fn keys_are_escaped_as_pointers_escape_them() {
        let text = "{\"a/b\": 1,\r\n\"c~d\": 2,\r\"e\\u002ff\": [3],\n\"\u{e9}\": null}";
        let lines = ValueLines::scan(text.as_bytes());
        assert_eq!(lines.line_of("/a~1b"), Some(1));
        assert_eq!(lines.line_of("/c~0d"), Some(2));
        // A lone CR ends a line too; an escaped `/` in a key is a `/`.
        assert_eq!(lines.line_of("/e~1f"), Some(3));
        assert_eq!(lines.line_of("/\u{e9}"), Some(4));
    }

    #[test]
    fn a_byte_order_mark_and_bad_json_do_no_harm() {
        let lines = ValueLines::scan("\u{feff}{\"Content\":\n\"x\"}".as_bytes());
        assert_eq!(lines.line_of("/Content"), Some(2));
        for bad in [
            "]]]}}}",
            "{\"a\": \"unclosed",
            "{\"a\\",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
            "{\"UserDetailList\": [1, 2, }",
            "\\",
        ] {
            let _ = ValueLines::scan(bad.as_bytes());
        }
        // Nesting deeper than any location is counted, not stored.
        let deep = format!(
            "{{\"k\": {}1{}, \"z\": 0}}",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        let lines = ValueLines::scan(deep.as_bytes());
        assert_eq!(lines.line_of("/z"), Some(1));
        assert_eq!(lines.len(), 2);
    }
}
