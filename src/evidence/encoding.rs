//! Text encodings of evidence files, before anything else reads them.
//!
//! AWS writes UTF-8. Files that passed through Windows tools or spreadsheets
//! arrive as UTF-16 (with or without a byte order mark) or as Latin-1. Their
//! meaning is not in doubt, so they are decoded to UTF-8 and the snapshot gets
//! a warning naming the encoding (the report's sha256 stays that of the bytes
//! on disk). Bytes that are no plausible text in any of these encodings are
//! binary data: an error, since no reading of them is safe.
//!
//! Decisions, in order:
//! 1. a UTF-16 byte order mark: decode as UTF-16 (malformed UTF-16 is an error);
//! 2. no BOM, but NUL bytes in every other position of the start of the file
//!    (ASCII text in UTF-16): decode as UTF-16 of that byte order;
//! 3. valid UTF-8: unchanged (a UTF-8 BOM and NUL bytes are left to the
//!    detector, which has its own messages for them);
//! 4. otherwise Latin-1 (read as Windows-1252, its superset for printable
//!    characters) when the file is mostly ASCII and holds no control
//!    characters; else an error naming the first byte that is not text.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::error::{InputError, Location};

/// A file's text as UTF-8, and a warning when it had to be converted.
#[derive(Debug)]
pub struct Utf8Text<'a> {
    pub bytes: Cow<'a, [u8]>,
    pub warning: Option<String>,
}

/// The UTF-8 byte order mark, which Windows tools write at the start of a file.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// `bytes` without one leading UTF-8 byte order mark, if there is one.
pub fn strip_utf8_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes)
}

/// Whether `bytes` are UTF-16 text, by a byte order mark or by the NUL bytes
/// of ASCII text in alternate positions (decisions 1 and 2 above).
pub fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\xFF\xFE")
        || bytes.starts_with(b"\xFE\xFF")
        || bomless_utf16(bytes).is_some()
}

/// How much of the start of a file is looked at to recognise BOM-less UTF-16.
const UTF16_SNIFF: usize = 4096;

/// Decodes `bytes` (the file `file`) to UTF-8; see the module comment.
pub fn to_utf8<'a>(file: &str, bytes: &'a [u8]) -> Result<Utf8Text<'a>, InputError> {
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(file, rest, UTF_16LE, "with a byte order mark");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(file, rest, UTF_16BE, "with a byte order mark");
    }
    if let Some(encoding) = bomless_utf16(bytes) {
        return utf16(file, bytes, encoding, "without a byte order mark");
    }
    let error = match std::str::from_utf8(bytes) {
        Ok(_) => {
            return Ok(Utf8Text {
                bytes: Cow::Borrowed(bytes),
                warning: None,
            })
        }
        Err(e) => e,
    };
    if bytes.contains(&0) {
        // Binary: the detector says so with its own message.
        return Ok(Utf8Text {
            bytes: Cow::Borrowed(bytes),
            warning: None,
        });
    }
    let non_ascii = bytes.iter().filter(|b| !b.is_ascii()).count();
    let control = bytes.iter().position(|&b| is_binary_control(b));
    if control.is_none() && non_ascii.saturating_mul(4) <= bytes.len() {
        let (text, _had_errors) = WINDOWS_1252.decode_without_bom_handling(bytes);
        return Ok(Utf8Text {
            bytes: Cow::Owned(text.into_owned().into_bytes()),
            warning: Some(format!(
                "{file}: not UTF-8 (byte `0x{:02X}` at offset {}); read as Latin-1 (Windows-1252) and converted to UTF-8: check that names read correctly, or re-save the file as UTF-8",
                bytes.get(error.valid_up_to()).copied().unwrap_or_default(),
                error.valid_up_to()
            )),
        });
    }
    let offset = control.unwrap_or(error.valid_up_to());
    let before = bytes.get(..offset).unwrap_or_default();
    Err(InputError::new(
        file,
        Location::LineColumn {
            line: before.iter().filter(|&&b| b == b'\n').count() + 1,
            column: offset - before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1,
        },
        format!(
            "the file is binary, not a text export: byte `0x{:02X}` at offset {offset} is not text in UTF-8, UTF-16 or Latin-1",
            bytes.get(offset).copied().unwrap_or_default()
        ),
    )
    .with_help("evidence files are the JSON or CSV text the AWS CLI writes; export the file again"))
}

/// C0 control characters that no text export contains (tab, line feed,
/// form feed and carriage return are text).
fn is_binary_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)) || b == 0x7F
}

/// ASCII text in UTF-16 without a BOM: NULs in (nearly) every odd position
/// (little endian) or every even one (big endian) of the start, and none in
/// the other.
fn bomless_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..UTF16_SNIFF.min(bytes.len() & !1))?;
    if head.len() < 4 {
        return None;
    }
    let pairs = head.len() / 2;
    let even_nul = head.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let mostly = |n: usize| n.saturating_mul(10) >= pairs.saturating_mul(9);
    if mostly(odd_nul) && even_nul == 0 {
        Some(UTF_16LE)
    } else if mostly(even_nul) && odd_nul == 0 {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn utf16<'a>(
    file: &str,
    bytes: &'a [u8],
    encoding: &'static Encoding,
    how: &str,
) -> Result<Utf8Text<'a>, InputError> {
    let name = encoding.name();
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok(Utf8Text {
            bytes: Cow::Owned(text.into_owned().into_bytes()),
            warning: Some(format!(
                "{file}: {name} text ({how}), converted to UTF-8; AWS exports are UTF-8"
            )),
        }),
        None => Err(InputError::new(
            file,
            Location::File,
            format!("the file starts as {name} text ({how}) but is not valid {name}"),
        )
        .with_help("was the file cut or joined with another file? export it again")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        for unit in text.encode_utf16() {
            out.extend(unit.to_le_bytes());
        }
        out
    }

    fn utf16be(text: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFE, 0xFF] } else { Vec::new() };
        for unit in text.encode_utf16() {
            out.extend(unit.to_be_bytes());
        }
        out
    }

    #[test]
    fn utf8_is_borrowed_without_warning() {
        let t = to_utf8("f", "user,arn\nj\u{f6}rg,x\n".as_bytes()).unwrap();
        assert!(matches!(t.bytes, Cow::Borrowed(_)));
        assert!(t.warning.is_none());
    }

    #[test]
    fn utf16_in_both_byte_orders_with_and_without_bom() {
        let text = "user,arn\nj\u{f6}rg,arn:aws:iam::1:user/j\n";
        for (bytes, name, bom) in [
            (utf16le(text, true), "UTF-16LE", "with a"),
            (utf16le(text, false), "UTF-16LE", "without a"),
            (utf16be(text, true), "UTF-16BE", "with a"),
            (utf16be(text, false), "UTF-16BE", "without a"),
        ] {
            let t = to_utf8("f", &bytes).unwrap();
            assert_eq!(std::str::from_utf8(&t.bytes).unwrap(), text);
            let w = t.warning.unwrap();
            assert!(w.contains(name) && w.contains(bom), "{w}");
        }
    }

    #[test]
    fn latin1_is_decoded_with_a_warning() {
        let t = to_utf8("f", b"user,arn\nj\xF6rg,x\n").unwrap();
        assert_eq!(
            std::str::from_utf8(&t.bytes).unwrap(),
            "user,arn\nj\u{f6}rg,x\n"
        );
        assert!(t.warning.unwrap().contains("`0xF6` at offset 10"));
    }

    #[test]
    fn binary_is_an_error_with_its_place() {
        let e = to_utf8("f", b"user\n\xFF\x01\x02\x03").unwrap_err();
        assert_eq!(e.location, Location::LineColumn { line: 2, column: 2 });
        assert!(e.message.contains("binary"), "{}", e.message);
        // Mostly non-ASCII bytes are no Latin-1 text either.
        let e = to_utf8("f", &[0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x82]).unwrap_err();
        assert!(e.message.contains("binary"), "{}", e.message);
    }

    #[test]
    fn odd_utf16_is_an_error() {
        // A lone high surrogate.
        let e = to_utf8("f", &[0xFF, 0xFE, 0x3D, 0xD8, 0x41, 0x00]).unwrap_err();
        assert!(e.message.contains("not valid UTF-16LE"), "{}", e.message);
    }

    #[test]
    fn nul_bytes_are_left_to_the_detector() {
        let t = to_utf8("f", b"{\x00\"a\xFF\": 1}").unwrap();
        assert!(t.warning.is_none());
    }
}
