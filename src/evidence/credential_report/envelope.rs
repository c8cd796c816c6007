//! The CLI/SDK response around a credential report,
//! `{"Content", "ReportFormat", "GeneratedTime"}`: its keys checked, and its
//! `Content` taken as CSV text as it is, or decoded from base64 straight out
//! of the JSON string (copied first only to drop line wrapping).

use std::borrow::Cow;

use base64::Engine as _;

use crate::error::{InputError, Location};
use crate::evidence::json;
use crate::evidence::time::Timestamp;

use super::report::CredentialReport;
use super::rows::parse_report;
use super::text::show;

/// The envelope, already parsed as JSON by the caller.
pub fn parse_envelope(
    file: &str,
    value: &serde_json::Value,
) -> Result<CredentialReport, InputError> {
    let envelope_help = "a credential report envelope looks like \
         `{\"Content\": \"...\", \"ReportFormat\": \"text/csv\", \"GeneratedTime\": \"...\"}`";
    let Some(object) = value.as_object() else {
        return Err(InputError::new(
            file,
            Location::Pointer(String::new()),
            format!(
                "expected a JSON object with `Content`, found {}",
                json::kind(value)
            ),
        )
        .with_help(envelope_help));
    };

    // JSON null is read as "not there": some dumpers write every key.
    let present = |key: &str| object.get(key).filter(|v| !v.is_null());

    if let Some(format) = present("ReportFormat") {
        let pointer = Location::Pointer("/ReportFormat".into());
        match format.as_str() {
            Some(f) if f.trim().eq_ignore_ascii_case("text/csv") => {}
            Some(f) => {
                return Err(InputError::new(
                    file,
                    pointer,
                    format!(
                        "`{}` is not a supported report format: expected `text/csv`",
                        show(f)
                    ),
                ))
            }
            None => {
                return Err(InputError::new(
                    file,
                    pointer,
                    format!(
                        "expected the string `text/csv`, found {}",
                        json::kind(format)
                    ),
                ))
            }
        }
    }

    let generated_time = match present("GeneratedTime") {
        None => None,
        Some(v) => {
            let pointer = Location::Pointer("/GeneratedTime".into());
            let Some(text) = v.as_str() else {
                return Err(InputError::new(
                    file,
                    pointer,
                    format!("expected a timestamp string, found {}", json::kind(v)),
                ));
            };
            match Timestamp::parse(text) {
                Ok(t) => Some(t),
                Err(reason) => return Err(InputError::new(file, pointer, reason).with_help(
                    "`GeneratedTime` is when AWS generated the report, e.g. `2019-05-07T15:40:22Z`",
                )),
            }
        }
    };

    let content = match present("Content") {
        Some(serde_json::Value::String(s)) => s,
        Some(other) => {
            return Err(InputError::new(
                file,
                Location::Pointer("/Content".into()),
                format!("expected a string, found {}", json::kind(other)),
            )
            .with_help(envelope_help))
        }
        None => {
            return Err(InputError::new(
                file,
                Location::Pointer(String::new()),
                "missing key `Content`",
            )
            .with_help(envelope_help))
        }
    };

    let csv_bytes: Cow<'_, [u8]> = if content_is_csv_text(content) {
        Cow::Borrowed(content.as_bytes())
    } else {
        Cow::Owned(decode_base64(content).map_err(|reason| {
            InputError::new(
                file,
                Location::Pointer("/Content".into()),
                format!("`Content` is neither CSV text nor valid base64: {reason}"),
            )
            .with_help("the AWS CLI writes `Content` as base64 of the CSV; SDK dumps write the CSV text itself")
        })?)
    };

    // Line numbers in these errors count lines of the decoded CSV, not of the
    // JSON file: the prefix says so.
    let mut report = parse_report(file, &csv_bytes, generated_time).map_err(|mut e| {
        e.message = format!("in `Content`: {}", e.message);
        e
    })?;
    report.envelope = true;
    Ok(report)
}

/// Whether an envelope's `Content` is the CSV text itself rather than base64.
/// Base64 never contains `,`, so the two cannot be confused.
fn content_is_csv_text(content: &str) -> bool {
    content.contains(',')
}

/// Standard-alphabet base64; the CLI may wrap lines, so whitespace is
/// dropped first, and missing padding is tolerated.
fn decode_base64(content: &str) -> Result<Vec<u8>, String> {
    use base64::engine::{
        general_purpose::GeneralPurpose, DecodePaddingMode, GeneralPurposeConfig,
    };
    let engine = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    // The CLI writes one line, so the text is usually decoded in place. ASCII
    // whitespace never sits inside a multi-byte character, so dropping it
    // byte by byte leaves the same bytes, and offsets, as dropping characters.
    let content = content.as_bytes();
    let compact: Cow<'_, [u8]> = if content.iter().any(u8::is_ascii_whitespace) {
        Cow::Owned(
            content
                .iter()
                .copied()
                .filter(|b| !b.is_ascii_whitespace())
                .collect(),
        )
    } else {
        Cow::Borrowed(content)
    };
    engine.decode(&compact).map_err(|e| match e {
        base64::DecodeError::InvalidByte(offset, byte) => format!(
            "invalid character `{}` at offset {offset} (whitespace not counted)",
            show_byte(byte)
        ),
        base64::DecodeError::InvalidLength(len) => {
            format!("{len} base64 characters cannot encode whole bytes")
        }
        base64::DecodeError::InvalidLastSymbol(offset, byte) => format!(
            "invalid last character `{}` at offset {offset} (whitespace not counted)",
            show_byte(byte)
        ),
        base64::DecodeError::InvalidPadding => "invalid padding".to_string(),
    })
}

/// A byte of `Content` as a message shows it: itself when printable ASCII.
fn show_byte(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        char::from(byte).to_string()
    } else {
        format!("\\x{byte:02X}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use crate::evidence::credential_report::fixtures::{csv, ok, ts, ALICE22, H22, ROOT22};

    #[test]
    fn envelope_with_base64_content() {
        use base64::engine::general_purpose::STANDARD;
        let text = csv(&[H22, ROOT22, ALICE22]);
        let encoded = STANDARD.encode(&text);
        // The CLI may wrap long base64 lines.
        let (a, b) = encoded.split_at(40);
        let value = json!({
            "Content": format!("{a}\n{b}"),
            "ReportFormat": "text/csv",
            "GeneratedTime": "2019-05-07T15:40:22Z",
            "ResponseMetadata": {"RequestId": "x"}
        });
        let r = parse_envelope("env.json", &value).unwrap();
        assert_eq!(r.generated_time, Some(ts("2019-05-07T15:40:22Z")));
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.content_sha256, ok(&text).content_sha256);
    }

    #[test]
    fn envelope_with_csv_content() {
        let text = csv(&[H22, ROOT22, ALICE22]);
        let value = json!({"Content": text, "GeneratedTime": "2019-05-07 15:40:22+00:00"});
        let r = parse_envelope("env.json", &value).unwrap();
        assert_eq!(r.generated_time, Some(ts("2019-05-07T15:40:22Z")));
        assert_eq!(r.rows[1].user, "alice");

        // Quoted header, and no GeneratedTime at all.
        let value = json!({"Content": "\"User\",arn,password_enabled,mfa_active\n<root_account>,arn:aws:iam::1:root,true,true"});
        let r = parse_envelope("env.json", &value).unwrap();
        assert_eq!(r.generated_time, None);
        assert!(r.rows[0].is_root);
    }

    #[test]
    fn envelope_errors_inside_content_say_so() {
        let value = json!({"Content": csv(&[H22, ROOT22, "a,b,c"])});
        let e = parse_envelope("env.json", &value).unwrap_err();
        assert_eq!(e.file, "env.json");
        assert_eq!(
            e.location,
            Location::Row {
                line: 3,
                column: None
            }
        );
        assert_eq!(
            e.message,
            "in `Content`: row has 3 fields but the header has 22"
        );
    }

    #[test]
    fn envelope_with_bad_generated_time() {
        let value = json!({"Content": csv(&[H22, ROOT22]), "GeneratedTime": "yesterday"});
        let e = parse_envelope("env.json", &value).unwrap_err();
        assert_eq!(e.location, Location::Pointer("/GeneratedTime".into()));
        assert!(e.message.contains("`yesterday`"), "{}", e.message);

        let value = json!({"Content": csv(&[H22, ROOT22]), "GeneratedTime": 1557243622});
        let e = parse_envelope("env.json", &value).unwrap_err();
        assert_eq!(e.message, "expected a timestamp string, found a number");
    }

    #[test]
    fn wrapped_base64_offsets_do_not_count_whitespace() {
        let e = parse_envelope("env.json", &json!({"Content": "dXNl\r\ncixh!"})).unwrap_err();
        assert!(e.message.contains("`!` at offset 8"), "{}", e.message);
        // A non-ASCII character is refused at its first byte's offset.
        let e = parse_envelope("env.json", &json!({"Content": "dXNl cixh\u{e9}"})).unwrap_err();
        assert!(e.message.contains("at offset 8"), "{}", e.message);
    }

    #[test]
    fn envelope_with_invalid_base64() {
        let value = json!({"Content": "dXNlcixhcm4K!!!"});
        let e = parse_envelope("env.json", &value).unwrap_err();
        assert_eq!(e.location, Location::Pointer("/Content".into()));
        assert!(
            e.message
                .starts_with("`Content` is neither CSV text nor valid base64"),
            "{}",
            e.message
        );
        assert!(e.message.contains("`!` at offset 12"), "{}", e.message);

        // Valid base64 of something that is not a report.
        use base64::engine::general_purpose::STANDARD;
        let value = json!({"Content": STANDARD.encode(b"\x00\x01\x02binary")});
        let e = parse_envelope("env.json", &value).unwrap_err();
        assert!(
            e.message
                .starts_with("in `Content`: unexpected control character"),
            "{}",
            e.message
        );
    }

    #[test]
    fn envelope_shape_errors() {
        let e = parse_envelope("env.json", &json!([1])).unwrap_err();
        assert_eq!(e.location, Location::Pointer(String::new()));
        assert_eq!(
            e.message,
            "expected a JSON object with `Content`, found an array"
        );

        let e = parse_envelope("env.json", &json!({"ReportFormat": "text/csv"})).unwrap_err();
        assert_eq!(e.message, "missing key `Content`");

        let e = parse_envelope("env.json", &json!({"Content": 5})).unwrap_err();
        assert_eq!(e.location, Location::Pointer("/Content".into()));

        let value = json!({"Content": csv(&[H22, ROOT22]), "ReportFormat": "text/html"});
        let e = parse_envelope("env.json", &value).unwrap_err();
        assert_eq!(e.location, Location::Pointer("/ReportFormat".into()));
        assert_eq!(
            e.message,
            "`text/html` is not a supported report format: expected `text/csv`"
        );

        let e = parse_envelope("env.json", &json!({"Content": ""})).unwrap_err();
        assert_eq!(e.message, "in `Content`: empty file");
    }

    #[test]
    fn csv_text_is_told_from_base64_by_a_comma() {
        assert!(content_is_csv_text("user,arn\n"));
        assert!(!content_is_csv_text("dXNlcixhcm4K"));
    }

    #[test]
    fn base64_drops_whitespace_and_tolerates_missing_padding() {
        assert_eq!(
            decode_base64("dXNlcixhcm4K").as_deref(),
            Ok(&b"user,arn\n"[..])
        );
        assert_eq!(
            decode_base64("dXNl\r\ncixh cm4K\n").as_deref(),
            Ok(&b"user,arn\n"[..])
        );
        assert_eq!(decode_base64("dXNlcg").as_deref(), Ok(&b"user"[..]));
        assert_eq!(decode_base64("dXNlcg==").as_deref(), Ok(&b"user"[..]));
        assert_eq!(
            decode_base64("dXNlc"),
            Err("5 base64 characters cannot encode whole bytes".to_string())
        );
        assert_eq!(
            decode_base64("dX\u{1}N"),
            Err("invalid character `\\x01` at offset 2 (whitespace not counted)".to_string())
        );
    }
}
