//! What one file is, decided by its content, never by its name.
//!
//! Evidence folders arrive with more than exports in them (the client's
//! screenshots, spreadsheets, zipped copies), so a file is first triaged
//! ([`triage`]): one that starts with a known signature of another format
//! (PDF, zip/Office, OLE2, PNG, JPEG, GIF, gzip, 7z, RAR), or that is binary
//! (NUL bytes without being UTF-16, or no text in any encoding read), is
//! skipped with a warning, unless it *looks like evidence*: its first
//! non-blank character (after a BOM) is `{` or `[`, or its first line names a
//! `user` and an `arn` column. A file that looks like evidence is evidence,
//! and any defect in it is an error: a truncated or corrupted export must
//! never pass as a harmless extra file. An empty file is an error too (an
//! interrupted export looks the same).
//!
//! A JSON file is then recognised by its top-level keys; a CSV by its header.
//! Anything else is not evidence: the snapshot lists it with a warning.

use crate::exec::Executor;
use serde_json::Value;

use crate::error::{InputError, Location};
use crate::evidence::account_summary::{self, AccountSummary};
use crate::evidence::authorization_details::{self, Page};
use crate::evidence::credential_report::{self, CredentialReport};
use crate::evidence::encoding::{self, strip_utf8_bom, Utf8Text};
use crate::evidence::json;
use crate::evidence::manifest::{self, Manifest};
use crate::evidence::password_policy::{self, PasswordPolicy};
use crate::evidence::schemas::{self, SchemaKind};
use crate::evidence::server_certificates::{self, ServerCertificatePage};
use crate::evidence::virtual_mfa::{self, VirtualMfaDevices};
use crate::evidence::EvidenceKind;

/// What a file turned out to be.
pub enum Detected {
    CredentialReport(CredentialReport),
    /// Pages of the authorization details (one, or several from a JSON array).
    AuthorizationDetails(Vec<Page>),
    AccountSummary(AccountSummary),
    VirtualMfaDevices(VirtualMfaDevices),
    PasswordPolicy(PasswordPolicy),
    /// One page of `list-server-certificates`.
    ServerCertificates(ServerCertificatePage),
    Manifest(Manifest),
    /// Not evidence: the reason, for the warning.
    NotEvidence(String),
}

impl Detected {
    pub fn kind(&self) -> Option<EvidenceKind> {
        match self {
            Detected::CredentialReport(_) => Some(EvidenceKind::CredentialReport),
            Detected::AuthorizationDetails(_) => Some(EvidenceKind::AuthorizationDetails),
            Detected::AccountSummary(_) => Some(EvidenceKind::AccountSummary),
            Detected::VirtualMfaDevices(_) => Some(EvidenceKind::VirtualMfaDevices),
            Detected::PasswordPolicy(_) => Some(EvidenceKind::PasswordPolicy),
            Detected::ServerCertificates(_) => Some(EvidenceKind::ServerCertificates),
            Detected::Manifest(_) => Some(EvidenceKind::Manifest),
            Detected::NotEvidence(_) => None,
        }
    }
}

/// Signatures of formats that are never evidence, as the first bytes of a
/// file, and what the warning calls them.
const SIGNATURES: &[(&[u8], &str)] = &[
    (b"%PDF-", "a PDF document"),
    (
        b"PK\x03\x04",
        "a zip archive or Office document (XLSX, DOCX, PPTX)",
    ),
    (
        b"PK\x05\x06",
        "a zip archive or Office document (XLSX, DOCX, PPTX)",
    ),
    (
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        "a legacy Office document (XLS, DOC, MSG)",
    ),
    (b"\x89PNG\r\n\x1A\n", "a PNG image"),
    (b"\xFF\xD8\xFF", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1F\x8B", "a gzip archive"),
    (b"7z\xBC\xAF\x27\x1C", "a 7z archive"),
    (b"Rar!\x1A\x07", "a RAR archive"),
];

/// Why a binary file that does not look like evidence is skipped.
pub const BINARY_NUL: &str = "binary data (NUL bytes, and not UTF-16 text)";
/// Why a file that is no text in any encoding read is skipped.
pub const BINARY_NOT_TEXT: &str = "binary data (not text in UTF-8, UTF-16 or Latin-1)";

/// The format a file's first bytes announce, when it is one that is never
/// evidence.
pub fn signature(bytes: &[u8]) -> Option<&'static str> {
    SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, what)| *what)
}

/// Whether a file (its UTF-8 bytes) looks like evidence: after a UTF-8 BOM
/// and blanks it starts with `{` or `[`, or its first line names a `user`
/// and an `arn` column. Such a file is read as evidence, whatever else it
/// holds, so that its defects are errors.
pub fn looks_like_evidence(bytes: &[u8]) -> bool {
    let body = strip_utf8_bom(bytes);
    let first = body.iter().find(|b| !b.is_ascii_whitespace()).copied();
    matches!(first, Some(b'{') | Some(b'[')) || credential_report::looks_like_csv(body)
}

/// For a file too large to read, judged by its first bytes (a few KiB):
/// what it is when it is surely no evidence (another format's signature,
/// or binary data that does not look like evidence), else `None` (then the
/// size limit stands, as for any export).
pub fn not_evidence_by_head(head: &[u8]) -> Option<&'static str> {
    if let Some(what) = signature(head) {
        return Some(what);
    }
    if encoding::is_utf16(head) || looks_like_evidence(head) {
        return None;
    }
    if head.contains(&0) {
        return Some(BINARY_NUL);
    }
    // A multi-byte character cut at the end of the head is still text.
    let text = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() || encoding::to_utf8("", head).is_ok(),
    };
    (!text).then_some(BINARY_NOT_TEXT)
}

/// A file's bytes after triage: its text, to be recognised, or the reason
/// it is skipped.
pub enum Triaged<'a> {
    Text(Utf8Text<'a>),
    /// Not evidence, and not worth decoding: the reason for the warning.
    Skip(&'static str),
}

/// The first look at a file (see the module comment): skipped when it is
/// another format's file or binary and does not look like evidence, else
/// decoded to UTF-8 (UTF-16 and Latin-1 with a warning). An error only for
/// a file that looks like evidence (or is UTF-16) and is not text.
pub fn triage<'a>(file: &str, bytes: &'a [u8]) -> Result<Triaged<'a>, InputError> {
    if let Some(what) = signature(bytes) {
        return Ok(Triaged::Skip(what));
    }
    let text = match encoding::to_utf8(file, bytes) {
        Ok(text) => text,
        Err(_) if !encoding::is_utf16(bytes) && !looks_like_evidence(bytes) => {
            return Ok(Triaged::Skip(BINARY_NOT_TEXT))
        }
        Err(e) => return Err(e),
    };
    if text.bytes.contains(&0) && !looks_like_evidence(&text.bytes) {
        return Ok(Triaged::Skip(BINARY_NUL));
    }
    Ok(Triaged::Text(text))
}

/// What a file is, for deciding how a folder is read (an evidence file at
/// the top of a folder makes it one snapshot): `Ok` with the kind of
/// evidence (an export that fails its checks is still one), or `Err` with
/// why it is not evidence.
pub fn identify(file: &str, bytes: &[u8]) -> Result<&'static str, String> {
    let text = match triage(file, bytes) {
        Ok(Triaged::Text(text)) => text,
        Ok(Triaged::Skip(why)) => return Err(why.to_string()),
        Err(_) => return Ok("an export that does not read"),
    };
    match detect(file, &text.bytes, &crate::exec::Sequential) {
        Ok(Detected::NotEvidence(why)) => Err(why),
        Ok(found) => Ok(found.kind().map_or("evidence", EvidenceKind::as_str)),
        Err(_) => Ok("an export that does not read"),
    }
}

/// A file at least this large is checked and read side by side (see
/// [`detect`]), and hashed beside both; below it, a second task costs
/// more than it saves.
pub(crate) const SIDE_BY_SIDE_MIN_BYTES: usize = 1 << 20;

/// Decides what one file is from its bytes and, when it is evidence, reads
/// it into its typed form. An empty or binary file, or a recognised export
/// that fails its checks, is an error; a file that is not recognised is
/// [`Detected::NotEvidence`]. `file` is its display name for messages. When
/// the executor runs two tasks at once, a large JSON file's duplicate-key
/// check and its typed reading run side by side; the outcome is the same.
pub fn detect(file: &str, bytes: &[u8], exec: &dyn Executor) -> Result<Detected, Vec<InputError>> {
    let body = strip_utf8_bom(bytes);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(vec![InputError::new(
            file,
            Location::File,
            "the file is empty",
        )
        .with_help(
            "an interrupted download or export leaves an empty file: export it again",
        )]);
    }
    if body.contains(&0) {
        return Err(vec![InputError::new(
            file,
            Location::File,
            "the file is binary (it contains NUL bytes), not a text export",
        )
        .with_help("evidence files are the JSON or CSV text the AWS CLI writes; a UTF-16 file can be converted with `iconv -f UTF-16 -t UTF-8`")]);
    }
    let first = body.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if matches!(first, Some(b'{') | Some(b'[')) {
        return match std::str::from_utf8(body) {
            // Read as text: serde_json then does not check every string's
            // UTF-8 again (about 2% of all instructions on the largest
            // account).
            Ok(text) => detect_json(file, text, exec),
            // `to_utf8` lets only binary through, which has NUL bytes and is
            // refused above; serde_json would say where the bytes go wrong.
            Err(_) => json::from_slice(body)
                .map_err(|e| json_error(file, &e))
                .and_then(|value| detect_value(file, value)),
        };
    }
    // `aws iam get-account-password-policy 2> file` for an account without a
    // password policy: the CLI's error text is the evidence that there is none.
    if std::str::from_utf8(body).is_ok_and(password_policy::is_cli_no_such_entity) {
        return Ok(Detected::PasswordPolicy(PasswordPolicy::Absent(
            password_policy::ABSENT_CLI_TEXT,
        )));
    }
    if credential_report::looks_like_csv(bytes) {
        return credential_report::parse_csv(file, bytes)
            .map(Detected::CredentialReport)
            .map_err(|e| vec![e]);
    }
    Ok(Detected::NotEvidence(
        "not recognised as AWS IAM evidence (neither a credential report CSV nor a known JSON export)".into(),
    ))
}

fn detect_json(file: &str, body: &str, exec: &dyn Executor) -> Result<Detected, Vec<InputError>> {
    // Duplicate keys and nesting past serde_json's recursion limit are errors
    // (see `evidence::json`). The check builds nothing, so the largest export
    // (authorization details) can then be read straight into typed structs;
    // the schema is asked only when that fails, to say what is wrong.
    //
    // The check and the typed reading are independent passes over the same
    // bytes, so a large object is read as a page on a second thread while it
    // is checked; the page is used only if the check passes and finds the
    // keys of a page, exactly as when they run one after the other.
    let read_page = || authorization_details::read_page_text(file, "", body);
    let side_by_side = exec.width() > 1
        && body.len() >= SIDE_BY_SIDE_MIN_BYTES
        && body.trim_ascii_start().starts_with('{');
    let (early, shape) = crate::exec::both(
        exec,
        side_by_side,
        || side_by_side.then(read_page),
        || json::check(body),
    );
    let shape = shape.map_err(|e| json_error(file, &e))?;
    if let json::Shape::Object(keys) = &shape {
        if keys
            .iter()
            .any(|k| authorization_details::PAGE_KEYS.contains(&k.as_str()))
        {
            if let Ok(page) = early.unwrap_or_else(read_page) {
                return Ok(Detected::AuthorizationDetails(vec![page]));
            }
        }
    }
    let value: Value = json::from_str(body).map_err(|e| json_error(file, &e))?;
    detect_value(file, value)
}

/// The error for JSON that does not parse (or repeats a key, or nests too deep).
fn json_error(file: &str, e: &serde_json::Error) -> Vec<InputError> {
    let reason = strip_position(&e.to_string());
    let message = match e.classify() {
        serde_json::error::Category::Eof => {
            format!("the JSON ends too early ({reason}): the file is truncated")
        }
        _ if reason == "recursion limit exceeded" => "the JSON nests more than 128 levels deep; no AWS export does, so the file is not evidence (crafted or corrupted?)".to_string(),
        _ => format!("invalid JSON: {reason}"),
    };
    vec![InputError::new(
        file,
        Location::LineColumn {
            line: e.line(),
            column: e.column(),
        },
        message,
    )]
}

/// Recognises a parsed JSON document by its keys and reads it, after its
/// JSON Schema check.
fn detect_value(file: &str, value: Value) -> Result<Detected, Vec<InputError>> {
    if let Value::Array(items) = value {
        if items.is_empty() || !items.iter().all(authorization_details::looks_like_page) {
            return Ok(Detected::NotEvidence(
                "a JSON array, but not an array of authorization details pages".into(),
            ));
        }
        // An exporter that saved every page of the export in one array.
        let mut pages = Vec::with_capacity(items.len());
        let mut errors = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let at = format!("/{i}");
            match schemas::check(SchemaKind::AuthorizationDetails, file, &at, &item) {
                Ok(()) => match authorization_details::read_page(file, &at, &item) {
                    Ok(p) => pages.push(p),
                    Err(e) => errors.push(e),
                },
                Err(es) => errors.extend(es),
            }
        }
        return if errors.is_empty() {
            Ok(Detected::AuthorizationDetails(pages))
        } else {
            Err(errors)
        };
    }
    match &value {
        Value::Object(_) if authorization_details::looks_like_page(&value) => {
            schemas::check(SchemaKind::AuthorizationDetails, file, "", &value)?;
            let page = authorization_details::read_page(file, "", &value).map_err(|e| vec![e])?;
            Ok(Detected::AuthorizationDetails(vec![page]))
        }
        Value::Object(map) if map.contains_key("Content") && (map.contains_key("GeneratedTime") || map.contains_key("ReportFormat")) => {
            schemas::check(SchemaKind::CredentialReportEnvelope, file, "", &value)?;
            credential_report::parse_envelope(file, &value)
                .map(Detected::CredentialReport)
                .map_err(|e| vec![e])
        }
        Value::Object(_) if account_summary::looks_like_summary(&value) => {
            schemas::check(SchemaKind::AccountSummary, file, "", &value)?;
            account_summary::parse(file, &value)
                .map(Detected::AccountSummary)
                .map_err(|e| vec![e])
        }
        Value::Object(_) if virtual_mfa::looks_like_list(&value) => {
            schemas::check(SchemaKind::VirtualMfaDevices, file, "", &value)?;
            virtual_mfa::parse(file, &value)
                .map(Detected::VirtualMfaDevices)
                .map_err(|e| vec![e])
        }
        Value::Object(_) if server_certificates::looks_like_list(&value) => {
            schemas::check(SchemaKind::ServerCertificates, file, "", &value)?;
            server_certificates::parse(file, &value)
                .map(Detected::ServerCertificates)
                .map_err(|e| vec![e])
        }
        Value::Object(_) if password_policy::looks_like_policy(&value) => {
            schemas::check(SchemaKind::PasswordPolicy, file, "", &value)?;
            password_policy::parse(file, &value)
                .map(Detected::PasswordPolicy)
                .map_err(|e| vec![e])
        }
        Value::Object(_) if password_policy::looks_like_no_such_entity(&value) => Ok(
            Detected::PasswordPolicy(PasswordPolicy::Absent(password_policy::ABSENT_ERROR_RESPONSE)),
        ),
        Value::Object(_) if manifest::looks_like_manifest(&value) => {
            schemas::check(SchemaKind::Manifest, file, "", &value)?;
            manifest::parse(file, &value)
                .map(Detected::Manifest)
                .map_err(|e| vec![e])
        }
        _ => Ok(Detected::NotEvidence(
            "JSON, but not a known AWS IAM export (expected the keys of `get-account-authorization-details`, `get-credential-report`, `get-account-summary`, `list-virtual-mfa-devices`, `get-account-password-policy`, `list-server-certificates`, or a `snapshot.json` manifest)".into(),
        )),
    }
}

/// serde_json appends " at line L column C"; the location is printed separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::evidence::authorization_details::merge_pages;

    /// An authorization details page over 1 MiB (so it is read side by side),
    /// made of the demo snapshot's first user under many names.
    fn large_page() -> Value {
        let demo: Value = serde_json::from_str(include_str!(
            "../../snapshots/demo/authorization-details.json"
        ))
        .expect("demo parses");
        let user = demo["UserDetailList"][0].clone();
        let users: Vec<Value> = (0..4000)
            .map(|i| {
                let mut u = user.clone();
                u["UserName"] = json!(format!("user{i}"));
                u["Arn"] = json!(format!("arn:aws:iam::123456789012:user/user{i}"));
                u
            })
            .collect();
        json!({"UserDetailList": users, "GroupDetailList": [], "RoleDetailList": [], "Policies": [], "IsTruncated": false})
    }

    fn outcome(bytes: &[u8], parallel: bool) -> String {
        let exec: &dyn Executor = if parallel {
            &crate::cli::threads::Threads { width: 2 }
        } else {
            &crate::exec::Sequential
        };
        match detect("authz.json", bytes, exec) {
            Ok(Detected::AuthorizationDetails(pages)) => format!("page: {:?}", merge_pages(pages)),
            Ok(Detected::NotEvidence(why)) => format!("not evidence: {why}"),
            Ok(other) => format!("{:?}", other.kind()),
            Err(errors) => errors.iter().map(|e| format!("{e}\n")).collect(),
        }
    }

    fn skipped_as(bytes: &[u8]) -> Option<&'static str> {
        match triage("f", bytes) {
            Ok(Triaged::Skip(why)) => Some(why),
            Ok(Triaged::Text(_)) => None,
            Err(e) => panic!("an error, not a triage: {e}"),
        }
    }

    #[test]
    fn other_formats_and_binary_data_are_skipped() {
        for (bytes, what) in [
            (&b"%PDF-1.7\n%\xE2\xE3\xCF\xD3"[..], "PDF"),
            (b"PK\x03\x04\x14\x00\x06\x00", "zip"),
            (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00", "legacy Office"),
            (b"\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR", "PNG"),
            (b"\xFF\xD8\xFF\xE0\x00\x10JFIF", "JPEG"),
            (b"GIF89a\x01\x00", "GIF"),
            (b"\x1F\x8B\x08\x00", "gzip"),
            (b"7z\xBC\xAF\x27\x1C\x00\x04", "7z"),
            (b"Rar!\x1A\x07\x01\x00", "RAR"),
        ] {
            let why = skipped_as(bytes).unwrap_or_else(|| panic!("{what} not skipped"));
            assert!(why.contains(what), "{what}: {why}");
        }
        // NUL bytes that are not UTF-16, and bytes that are no text at all.
        assert_eq!(skipped_as(b"SQLite format 3\x00\x10\x00"), Some(BINARY_NUL));
        assert_eq!(
            skipped_as(&[0xA5, 0x01, 0x9C, 0xF0, 0x02, 0x88]),
            Some(BINARY_NOT_TEXT)
        );
        // Text that is not evidence goes on to be recognised (a warning later).
        assert_eq!(skipped_as(b"read me first\n"), None);
    }

    #[test]
    fn a_file_that_looks_like_evidence_is_never_skipped() {
        // A JSON export or a credential report header with a defect in it is
        // an error when it is read, never a skipped file.
        for bytes in [
            &b"\xEF\xBB\xBF  {\"UserDetailList\": [\x00]}"[..],
            b"[\x00\x01]",
            b"user,arn,password_enabled\n\x00\x01\x02\n",
            b"User , ARN\n\xA5\x01\x9C\xF0",
        ] {
            match triage("f", bytes) {
                Ok(Triaged::Skip(why)) => panic!("{bytes:?} skipped: {why}"),
                Ok(Triaged::Text(_)) | Err(_) => {}
            }
            let errors = match triage("f", bytes) {
                Ok(Triaged::Text(text)) => detect("f", &text.bytes, &crate::exec::Sequential).err(),
                Err(e) => Some(vec![e]),
                Ok(Triaged::Skip(_)) => None,
            };
            assert!(
                errors.is_some_and(|e| !e.is_empty()),
                "{bytes:?} is not an error"
            );
        }
        // UTF-16 text is decoded, not skipped for its NUL bytes.
        let utf16: Vec<u8> = "user,arn\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(skipped_as(&utf16), None);
        // An empty file stays an error.
        let empty = match triage("f", b" \n") {
            Ok(Triaged::Text(text)) => detect("f", &text.bytes, &crate::exec::Sequential).err(),
            _ => None,
        };
        assert!(empty.is_some_and(|e| e[0].message.contains("empty")));
    }

    #[test]
    fn a_head_tells_a_large_file_that_is_surely_no_evidence() {
        assert_eq!(
            not_evidence_by_head(b"%PDF-1.4 xxx"),
            Some("a PDF document")
        );
        assert_eq!(
            not_evidence_by_head(b"\x00\x00\x00\x20ftypisom"),
            Some(BINARY_NUL)
        );
        // May be evidence: the size limit stands.
        assert_eq!(not_evidence_by_head(b"  {\"UserDetailList\": [\x00"), None);
        assert_eq!(not_evidence_by_head(b"user,arn\n\x00"), None);
        assert_eq!(
            not_evidence_by_head(b"plain text, cut in a character \xC3"),
            None
        );
        let utf16: Vec<u8> = "{\"a\": 1}"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(not_evidence_by_head(&utf16), None);
    }

    #[test]
    fn identify_tells_evidence_from_stray_files() {
        assert_eq!(
            identify("r.csv", b"user,arn,user_creation_time\n"),
            Ok("an export that does not read")
        );
        let summary = br#"{"SummaryMap": {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0}}"#;
        assert_eq!(identify("s.json", summary), Ok("account-summary"));
        assert!(identify("README.txt", b"see the PDF").is_err());
        assert!(identify("x.pdf", b"%PDF-1.4").is_err());
        assert!(identify("package.json", br#"{"name": "x"}"#).is_err());
    }

    #[test]
    fn reading_side_by_side_changes_nothing() {
        let page = large_page();
        let not_a_page =
            serde_json::to_string(&json!({"Users": page["UserDetailList"]})).expect("prints");
        let page = serde_json::to_string(&page).expect("prints");
        assert!(page.len() > SIDE_BY_SIDE_MIN_BYTES);
        // A repeated key at the very end: the typed reading alone would not
        // notice it (the last value wins), the check must.
        let repeated = format!("{}, \"IsTruncated\": false}}", &page[..page.len() - 1]);
        let truncated = &page[..page.len() / 2];
        for (name, text) in [
            ("valid", page.as_str()),
            ("repeated key", repeated.as_str()),
            ("truncated", truncated),
            ("not a page", not_a_page.as_str()),
        ] {
            let sequential = outcome(text.as_bytes(), false);
            assert_eq!(outcome(text.as_bytes(), true), sequential, "{name}");
            let expected = match name {
                "valid" => "page: ",
                "repeated key" => "duplicate key",
                "truncated" => "truncated",
                _ => "not evidence: JSON, but not a known AWS IAM export",
            };
            assert!(
                sequential.contains(expected),
                "{name}: {}",
                &sequential[..sequential.len().min(300)]
            );
        }
    }
}
