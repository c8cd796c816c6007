//! A credential report's bytes as text: UTF-8 and control-character checks
//! before any CSV reading, line numbers as an editor counts them, and cell
//! values made safe to print in messages.

use crate::error::{InputError, Location};
use crate::evidence::encoding::strip_utf8_bom;

/// Checks the bytes are UTF-8 text, strips one leading BOM, and rejects what
/// no CSV export contains: further BOMs (concatenated files) and control
/// characters (binary data). Tab, CR and LF are text.
pub(super) fn decode_text<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, InputError> {
    let utf8_help = "expected an AWS IAM credential report: CSV text in UTF-8";
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(
            InputError::new(file, Location::File, "file is UTF-16, not UTF-8")
                .with_help("save the credential report as UTF-8 (as AWS delivers it)"),
        );
    }
    let bytes = strip_utf8_bom(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
        let line = line_of(valid);
        let bad = bytes.get(e.valid_up_to()).copied().unwrap_or_default();
        InputError::new(
            file,
            Location::Row { line, column: None },
            format!("file is not UTF-8 text: byte `0x{bad:02X}` is not valid UTF-8"),
        )
        .with_help(utf8_help)
    })?;

    if text.trim().is_empty() {
        return Err(empty_error(file));
    }

    // Printable ASCII, tab and line breaks (every AWS report) are checked a
    // byte at a time, which the compiler vectorizes; the characters are
    // walked only when something else is there.
    let plain = |b: &u8| matches!(b, b' '..=b'~' | b'\t' | b'\r' | b'\n');
    if text.as_bytes().iter().all(plain) {
        return Ok(text);
    }
    if let Some((offset, c)) = text
        .char_indices()
        .find(|&(_, c)| c == '\u{feff}' || (c.is_control() && !matches!(c, '\t' | '\r' | '\n')))
    {
        let line = line_of(text.as_bytes().get(..offset).unwrap_or_default());
        let location = Location::Row { line, column: None };
        let error = if c == '\u{feff}' {
            InputError::new(
                file,
                location,
                "unexpected byte order mark (U+FEFF) inside the file: a credential report has one at most, at the start",
            )
            .with_help("was the file made by joining several files? keep one report per file")
        } else {
            InputError::new(
                file,
                location,
                format!(
                    "unexpected control character U+{:04X}: the file is not a credential report (binary data?)",
                    u32::from(c)
                ),
            )
            .with_help(utf8_help)
        };
        return Err(error);
    }
    Ok(text)
}

/// The error for a file with nothing but whitespace (or nothing at all).
pub(super) fn empty_error(file: &str) -> InputError {
    InputError::new(file, Location::File, "empty file").with_help(
        "expected an AWS IAM credential report: a CSV whose header starts with `user,arn,...`",
    )
}

/// 1-based line number of the position just after `before`. A line break is
/// LF, CRLF or a lone CR (the csv reader accepts all three).
pub(super) fn line_of(before: &[u8]) -> u64 {
    let breaks = before
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && before.get(i + 1) != Some(&b'\n')))
        .count();
    u64::try_from(breaks).unwrap_or(u64::MAX).saturating_add(1)
}

/// User input made safe to print between backticks: control characters
/// escaped, long values shortened.
pub(super) fn show(value: &str) -> String {
    const MAX_CHARS: usize = 80;
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        if i == MAX_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::credential_report::fixtures::{csv, ALICE22, H22, ROOT22};

    /// What [`decode_text`] itself refuses, without a CSV reader around it.
    fn err(bytes: &[u8]) -> InputError {
        decode_text("r.csv", bytes).expect_err("refused")
    }

    #[test]
    fn empty_file() {
        for text in [&b""[..], b"\xEF\xBB\xBF", b"\n\r\n  "] {
            let e = err(text);
            assert_eq!(e.location, Location::File);
            assert_eq!(e.message, "empty file");
        }
    }

    #[test]
    fn non_utf8_bytes() {
        let mut bytes = csv(&[H22, ROOT22]).into_bytes();
        bytes.extend_from_slice(b"j\xF6rg,arn:aws:iam::1:user/j,true,true\n");
        let e = err(&bytes);
        assert_eq!(
            e.location,
            Location::Row {
                line: 3,
                column: None
            }
        );
        assert!(
            e.message.starts_with("file is not UTF-8 text"),
            "{}",
            e.message
        );
        assert!(e.message.contains("0xF6"), "{}", e.message);

        let e = err(b"\xFF\xFEu\0s\0e\0r\0");
        assert_eq!(e.message, "file is UTF-16, not UTF-8");
    }

    #[test]
    fn nul_and_stray_bom_are_rejected() {
        let text = csv(&[H22, ROOT22]) + "\0\0\0";
        let e = err(text.as_bytes());
        assert_eq!(
            e.location,
            Location::Row {
                line: 3,
                column: None
            }
        );
        assert!(e.message.contains("U+0000"), "{}", e.message);

        let text = format!("\u{feff}\u{feff}{}", csv(&[H22, ROOT22]));
        let e = err(text.as_bytes());
        assert!(e.message.contains("byte order mark"), "{}", e.message);

        let text = format!("{}\u{feff}{}", csv(&[H22, ROOT22]), csv(&[H22, ALICE22]));
        assert!(err(text.as_bytes()).message.contains("byte order mark"));
    }

    #[test]
    fn text_comes_back_without_its_bom() {
        assert_eq!(
            decode_text("r.csv", b"\xEF\xBB\xBFuser,arn\n").ok(),
            Some("user,arn\n")
        );
        // Printable non-ASCII text is text: it takes the slower walk, and passes.
        assert_eq!(
            decode_text("r.csv", "j\u{f6}rg\t\r\n".as_bytes()).ok(),
            Some("j\u{f6}rg\t\r\n")
        );
    }

    #[test]
    fn lines_break_at_lf_crlf_and_lone_cr() {
        assert_eq!(line_of(b""), 1);
        assert_eq!(line_of(b"a\nb"), 2);
        // CRLF is one break, not two; a lone CR is one.
        assert_eq!(line_of(b"a\r\nb\r\n"), 3);
        assert_eq!(line_of(b"a\rb\rc"), 3);
        // A CR at the very end is a break (its LF, if any, is not in view).
        assert_eq!(line_of(b"a\r"), 2);
        assert_eq!(line_of(b"\n\r\n\r"), 4);
    }

    #[test]
    fn shown_values_are_escaped_and_short() {
        assert_eq!(show("plain `name`"), "plain `name`");
        assert_eq!(show("a\nb"), "a\\nb");
        assert_eq!(show("tab\there"), "tab\\there");
        let long = show(&"x".repeat(100));
        assert_eq!(long.chars().count(), 81);
        assert!(long.ends_with("x\u{2026}"), "{long}");
        assert_eq!(show(&"x".repeat(80)), "x".repeat(80));
    }
}
