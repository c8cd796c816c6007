//! The AWS IAM credential report (`aws iam get-credential-report`), read
//! into typed rows.
//!
//! Two forms arrive: the bare CSV ([`parse_csv`]) and the CLI/SDK response
//! envelope `{"Content", "ReportFormat", "GeneratedTime"}`
//! ([`parse_envelope`]), whose `Content` is base64 of the CSV (AWS CLI) or the
//! CSV text itself (boto3 dumps). Both end in the same [`CredentialReport`].
//!
//! Why it is strict where it is and lenient where it is:
//!
//! - Columns are mapped by header name (trimmed, case-insensitive), never by
//!   position: the header gained six `access_key_N_last_used_*` columns in
//!   2015, and one real export begins `User,arn,...`. Unknown columns are
//!   ignored so a future AWS column does not break old binaries.
//! - Values are never guessed. A boolean that is not `true`/`false`, or a
//!   time that is neither a timestamp nor one of the documented special
//!   values, stops the run with the line and column: an audit built on a
//!   misread cell is worse than no audit.
//! - The special time values `N/A`, `no_information` and `not_supported` stay
//!   distinct ([`ReportTime`]): "password never used" (`no_information`) and
//!   "no password" (`N/A`) lead to different findings.
//! - User names and ARNs are opaque: hand-edited or tool-made evidence can
//!   hold anything, and the tool escapes names where it prints them instead
//!   of rejecting the file. Only an empty name or ARN is an error.
//! - Oddities that do not change the meaning of a row (a row longer than the
//!   header, a `<root_account>` row without a `:root` ARN, a repeated ARN)
//!   are kept as warnings, each `line N: ...`. For an envelope, line numbers
//!   count lines of the decoded `Content`.

use std::borrow::Cow;
use std::collections::HashMap;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::error::{InputError, Location};
use crate::evidence::time::Timestamp;

/// The `user` value AWS writes on the root user's row.
pub const ROOT_USER: &str = "<root_account>";

/// A parsed credential report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialReport {
    /// `GeneratedTime` from the envelope; `None` for a bare CSV, which does
    /// not say when it was made.
    pub generated_time: Option<Timestamp>,
    /// In file order, root included.
    pub rows: Vec<CredentialRow>,
    /// `false` for the pre-2015 16-column format, which cannot tell whether a
    /// key was ever used. True when both `access_key_N_last_used_date`
    /// columns are present.
    pub has_last_used_columns: bool,
    /// Lowercase hex SHA-256 of the CSV text after the BOM is stripped, so two
    /// copies of one report (even one bare, one in an envelope) compare equal.
    pub content_sha256: String,
    /// Tolerated oddities, each `line N: ...`.
    pub warnings: Vec<String>,
    /// Read from the JSON envelope: row line numbers count lines of the
    /// decoded `Content`, not of the file (reports locate rows accordingly).
    pub envelope: bool,
}

/// One row of the report: an IAM user, or the root user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRow {
    /// 1-based physical line where the record starts.
    pub line: u64,
    pub user: String,
    pub arn: String,
    /// `user` is `<root_account>` and the ARN ends in `:root`.
    pub is_root: bool,
    pub user_creation_time: ReportTime,
    pub password_enabled: PasswordEnabled,
    pub password_last_used: ReportTime,
    pub password_last_changed: ReportTime,
    pub password_next_rotation: ReportTime,
    pub mfa_active: bool,
    pub access_keys: [AccessKeySlot; 2],
    pub certs: [CertificateSlot; 2],
}

/// `password_enabled`: the root row of older exports says `not_supported`,
/// which is neither yes nor no.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PasswordEnabled {
    Yes,
    No,
    NotSupported,
}

impl PasswordEnabled {
    /// The value as the report writes it, lowercase.
    pub fn as_str(self) -> &'static str {
        match self {
            PasswordEnabled::Yes => "true",
            PasswordEnabled::No => "false",
            PasswordEnabled::NotSupported => "not_supported",
        }
    }
}

/// A time cell. The special values are distinct states, not "missing".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportTime {
    At(Timestamp),
    /// `N/A`: the credential does not exist, or was never used (keys).
    NotApplicable,
    /// `no_information`: the password was never used, or not since Oct 2014.
    NoInformation,
    /// `not_supported`: the root row's password columns.
    NotSupported,
    /// The column is not in this report (older format or trimmed export).
    Absent,
}

impl ReportTime {
    pub fn timestamp(&self) -> Option<Timestamp> {
        match self {
            ReportTime::At(t) => Some(*t),
            _ => None,
        }
    }

    /// A stable lowercase name of the state, for facts and messages.
    pub fn as_str(&self) -> &'static str {
        match self {
            ReportTime::At(_) => "at",
            ReportTime::NotApplicable => "n/a",
            ReportTime::NoInformation => "no_information",
            ReportTime::NotSupported => "not_supported",
            ReportTime::Absent => "absent",
        }
    }
}

/// One of the two access key slots of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKeySlot {
    pub active: bool,
    /// AWS fills this for inactive keys too: it does not mean "active".
    pub last_rotated: ReportTime,
    pub last_used: ReportTime,
    /// `None` for `N/A` (no key, never used, or a global service) or an
    /// absent column.
    pub last_used_region: Option<String>,
    pub last_used_service: Option<String>,
}

/// One of the two X.509 signing certificate slots of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertificateSlot {
    pub active: bool,
    pub last_rotated: ReportTime,
}

/// A column the reader knows: its name as AWS writes it (lowercase) and its
/// place in [`COLUMNS`]. The header resolves every known column to its index
/// once, so a row's cells are found by place; hashing 22 names for each row
/// was about 40% of the time spent on a 5,000-user report's rows.
#[derive(Debug, Clone, Copy)]
struct Column {
    place: usize,
    name: &'static str,
}

const fn column(place: usize, name: &'static str) -> Column {
    Column { place, name }
}

const USER: Column = column(0, "user");
const ARN: Column = column(1, "arn");
const USER_CREATION_TIME: Column = column(2, "user_creation_time");
const PASSWORD_ENABLED: Column = column(3, "password_enabled");
const PASSWORD_LAST_USED: Column = column(4, "password_last_used");
const PASSWORD_LAST_CHANGED: Column = column(5, "password_last_changed");
const PASSWORD_NEXT_ROTATION: Column = column(6, "password_next_rotation");
const MFA_ACTIVE: Column = column(7, "mfa_active");

struct KeyColumns {
    active: Column,
    last_rotated: Column,
    last_used_date: Column,
    last_used_region: Column,
    last_used_service: Column,
}

const KEY_COLUMNS: [KeyColumns; 2] = [
    KeyColumns {
        active: column(8, "access_key_1_active"),
        last_rotated: column(9, "access_key_1_last_rotated"),
        last_used_date: column(10, "access_key_1_last_used_date"),
        last_used_region: column(11, "access_key_1_last_used_region"),
        last_used_service: column(12, "access_key_1_last_used_service"),
    },
    KeyColumns {
        active: column(13, "access_key_2_active"),
        last_rotated: column(14, "access_key_2_last_rotated"),
        last_used_date: column(15, "access_key_2_last_used_date"),
        last_used_region: column(16, "access_key_2_last_used_region"),
        last_used_service: column(17, "access_key_2_last_used_service"),
    },
];

const CERT_COLUMNS: [(Column, Column); 2] = [
    (
        column(18, "cert_1_active"),
        column(19, "cert_1_last_rotated"),
    ),
    (
        column(20, "cert_2_active"),
        column(21, "cert_2_last_rotated"),
    ),
];

/// Every known column, each at its `place`.
const COLUMNS: [Column; 22] = {
    let [k1, k2] = KEY_COLUMNS;
    let [(c1a, c1r), (c2a, c2r)] = CERT_COLUMNS;
    [
        USER,
        ARN,
        USER_CREATION_TIME,
        PASSWORD_ENABLED,
        PASSWORD_LAST_USED,
        PASSWORD_LAST_CHANGED,
        PASSWORD_NEXT_ROTATION,
        MFA_ACTIVE,
        k1.active,
        k1.last_rotated,
        k1.last_used_date,
        k1.last_used_region,
        k1.last_used_service,
        k2.active,
        k2.last_rotated,
        k2.last_used_date,
        k2.last_used_region,
        k2.last_used_service,
        c1a,
        c1r,
        c2a,
        c2r,
    ]
};

const REQUIRED: [Column; 4] = [USER, ARN, PASSWORD_ENABLED, MFA_ACTIVE];

const HEADER_HELP: &str =
    "is this an AWS IAM credential report? its header starts with `user,arn,user_creation_time,...`";

const TIME_HELP: &str = "a credential report time is a timestamp such as \
     `2024-01-31T12:00:00Z`, or one of `N/A`, `no_information`, `not_supported`";

/// How much of a file [`looks_like_csv`] reads for the header line: a real
/// header is about 400 bytes.
const SNIFF_LIMIT: usize = 64 * 1024;

/// A bare CSV file (bytes as read). `file` is the display name used in errors.
pub fn parse_csv(file: &str, bytes: &[u8]) -> Result<CredentialReport, InputError> {
    parse_report(file, bytes, None)
}

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
                json_kind(value)
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
                        json_kind(format)
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
                    format!("expected a timestamp string, found {}", json_kind(v)),
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
                format!("expected a string, found {}", json_kind(other)),
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

/// Cheap content sniff used by file detection: does this text look like a
/// credential report CSV (header starting with `user,` case-insensitively
/// after an optional BOM, and containing `arn`)?
pub fn looks_like_csv(bytes: &[u8]) -> bool {
    let bytes = strip_bom(bytes);
    let head = bytes.get(..SNIFF_LIMIT).unwrap_or(bytes);
    let first_line = match head.iter().position(|&b| b == b'\n') {
        Some(end) => head.get(..end).unwrap_or(head),
        None => head,
    };
    header_names_user_and_arn(first_line)
}

/// Does a header line name both the `user` and the `arn` columns, in any
/// order and case (columns are mapped by name, so the order is free)?
fn header_names_user_and_arn(line: &[u8]) -> bool {
    let line = String::from_utf8_lossy(line);
    let mut user = false;
    let mut arn = false;
    for field in line.split(',') {
        let name = field.trim().trim_matches('"').trim();
        user |= name.eq_ignore_ascii_case("user");
        arn |= name.eq_ignore_ascii_case("arn");
    }
    user && arn
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

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

fn parse_report(
    file: &str,
    bytes: &[u8],
    generated_time: Option<Timestamp>,
) -> Result<CredentialReport, InputError> {
    let text = decode_text(file, bytes)?;
    let content_sha256 = hex_sha256(text.as_bytes());

    let mut reader = csv::ReaderBuilder::new()
        // The header is read as a record so that it gets a position and the
        // same checks as every other record.
        .has_headers(false)
        // Field counts are checked here, to tell short rows (an error) from
        // long ones (a warning) and to name the line.
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::new(text);

    if !read_record(file, &mut lines, &mut reader, &mut record)? {
        return Err(empty_error(file));
    }
    let header = Header::parse(file, &record, lines.record_line(&record))?;

    let mut rows = Vec::new();
    let mut warnings = Vec::new();
    while read_record(file, &mut lines, &mut reader, &mut record)? {
        let line = lines.record_line(&record);
        if record.len() < header.len {
            return Err(InputError::new(
                file,
                Location::Row { line, column: None },
                format!(
                    "row has {} field{} but the header has {}",
                    record.len(),
                    if record.len() == 1 { "" } else { "s" },
                    header.len
                ),
            )
            .with_help(
                "each row needs one value per header column; a value containing a comma \
                 must be in double quotes, and every opening quote needs a closing one",
            ));
        }
        if record.len() > header.len {
            warnings.push(format!(
                "line {line}: row has {} fields but the header has {}; the extra fields are ignored",
                record.len(),
                header.len
            ));
        }
        let cells = Cells {
            file,
            header: &header,
            record: &record,
            line,
        };
        rows.push(cells.row()?);
    }

    if rows.is_empty() {
        return Err(InputError::new(
            file,
            Location::File,
            "no rows: a credential report always has the `<root_account>` row",
        )
        .with_help("the file holds only a header; was the report cut short?"));
    }

    if let Some(note) = &header.partial_last_used {
        warnings.push(format!("line {}: {note}", header.line));
    }
    root_and_duplicate_warnings(&rows, header.line, &mut warnings);

    Ok(CredentialReport {
        generated_time,
        has_last_used_columns: header.has_last_used_columns,
        rows,
        content_sha256,
        warnings,
        envelope: false,
    })
}

/// Checks the bytes are UTF-8 text, strips one leading BOM, and rejects what
/// no CSV export contains: further BOMs (concatenated files) and control
/// characters (binary data). Tab, CR and LF are text.
fn decode_text<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, InputError> {
    let utf8_help = "expected an AWS IAM credential report: CSV text in UTF-8";
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(
            InputError::new(file, Location::File, "file is UTF-16, not UTF-8")
                .with_help("save the credential report as UTF-8 (as AWS delivers it)"),
        );
    }
    let bytes = strip_bom(bytes);
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

fn empty_error(file: &str) -> InputError {
    InputError::new(file, Location::File, "empty file").with_help(
        "expected an AWS IAM credential report: a CSV whose header starts with `user,arn,...`",
    )
}

/// 1-based line number of the position just after `before`. A line break is
/// LF, CRLF or a lone CR (the csv reader accepts all three).
fn line_of(before: &[u8]) -> u64 {
    let breaks = before
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && before.get(i + 1) != Some(&b'\n')))
        .count();
    u64::try_from(breaks).unwrap_or(u64::MAX).saturating_add(1)
}

fn read_record(
    file: &str,
    lines: &mut LineCounter,
    reader: &mut csv::Reader<&[u8]>,
    record: &mut csv::StringRecord,
) -> Result<bool, InputError> {
    // The text is already valid UTF-8 and read from memory, so this can only
    // fail on cases the csv crate adds in the future; report them anyway.
    reader.read_record(record).map_err(|e| {
        let line = lines.line_at(e.position());
        InputError::new(
            file,
            Location::Row { line, column: None },
            format!("cannot read the CSV: {e}"),
        )
    })
}

/// The 1-based physical line where a record starts.
///
/// Not `csv::Position::line()`: csv 1.4 counts a CRLF terminator as no new
/// line and ignores skipped blank lines, so every row of a CRLF file (as AWS
/// writes them on Windows tools) would point at the wrong line. The record's
/// byte offset is also reported at the previous terminator (or blank line), so
/// line breaks after it are skipped before counting.
///
/// Records arrive in order, so the count carries on from the previous record
/// instead of starting over: counting from the top for every row made a
/// 5,000-user report quadratic (14% of a whole evaluation).
struct LineCounter<'a> {
    text: &'a [u8],
    /// Byte offset up to which breaks are counted, always at the start of a
    /// record (never between the CR and LF of one break).
    offset: usize,
    /// Line breaks before `offset`.
    breaks: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            offset: 0,
            breaks: 0,
        }
    }

    fn record_line(&mut self, record: &csv::StringRecord) -> u64 {
        self.line_at(record.position())
    }

    fn line_at(&mut self, position: Option<&csv::Position>) -> u64 {
        let bytes = self.text;
        let reported = position.map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        let rest = bytes.get(reported..).unwrap_or_default();
        let start = rest
            .iter()
            .position(|b| !matches!(b, b'\r' | b'\n'))
            .map_or(bytes.len(), |skip| reported.saturating_add(skip));
        if start < self.offset {
            // Not expected (records only move forward); count from the top.
            return line_of(bytes.get(..start).unwrap_or(bytes));
        }
        // `start` is a record's first byte or the end of the text, so no CRLF
        // pair straddles two counted stretches.
        let stretch = bytes.get(self.offset..start).unwrap_or_default();
        self.breaks = self.breaks.saturating_add(line_of(stretch) - 1);
        self.offset = start;
        self.breaks.saturating_add(1)
    }
}

/// The header row: where each known column sits.
struct Header {
    line: u64,
    len: usize,
    /// For each of [`COLUMNS`], by its place: its index in a record and its
    /// name as written (trimmed), or `None` when this report lacks it.
    places: Vec<Option<(usize, String)>>,
    has_last_used_columns: bool,
    /// Set when only some `access_key_N_last_used_*` columns are present.
    partial_last_used: Option<String>,
}

impl Header {
    fn parse(file: &str, record: &csv::StringRecord, line: u64) -> Result<Header, InputError> {
        let mut columns: HashMap<String, (usize, String)> = HashMap::new();
        for (index, name) in record.iter().enumerate() {
            let written = name.trim();
            // An empty name (a trailing comma) is an unknown column; two of
            // them are not a "duplicate".
            if written.is_empty() {
                continue;
            }
            let key = written.to_ascii_lowercase();
            if let Some((_, first)) = columns.get(&key) {
                return Err(InputError::new(
                    file,
                    Location::Row {
                        line,
                        column: Some(written.to_string()),
                    },
                    format!(
                        "duplicate column `{}` (same as `{}`, column names are case-insensitive)",
                        show(written),
                        show(first)
                    ),
                )
                .with_help("each column may appear once; which copy to believe is not for the tool to guess"));
            }
            columns.insert(key, (index, written.to_string()));
        }

        if let Some(missing) = REQUIRED.iter().find(|c| !columns.contains_key(c.name)) {
            return Err(InputError::new(
                file,
                Location::Row { line, column: None },
                format!("missing required column `{}`", missing.name),
            )
            .with_help(HEADER_HELP));
        }

        let last_used: Vec<&str> = KEY_COLUMNS
            .iter()
            .flat_map(|k| [k.last_used_date, k.last_used_region, k.last_used_service])
            .map(|c| c.name)
            .collect();
        let present = last_used
            .iter()
            .filter(|c| columns.contains_key(**c))
            .count();
        let has_last_used_columns = KEY_COLUMNS
            .iter()
            .all(|k| columns.contains_key(k.last_used_date.name));
        let partial_last_used = (present != 0 && present != last_used.len()).then(|| {
            format!(
                "header has {present} of the {} `access_key_N_last_used_*` columns; the missing ones read as absent",
                last_used.len()
            )
        });

        let places = COLUMNS.iter().map(|c| columns.remove(c.name)).collect();
        Ok(Header {
            line,
            len: record.len(),
            places,
            has_last_used_columns,
            partial_last_used,
        })
    }
}

/// One record seen through the header.
struct Cells<'a> {
    file: &'a str,
    header: &'a Header,
    record: &'a csv::StringRecord,
    line: u64,
}

impl<'a> Cells<'a> {
    /// The raw cell and its column name as written, or `None` when the
    /// column is not in this report.
    fn get(&self, column: Column) -> Option<(&'a str, &'a str)> {
        let (index, written) = self.header.places.get(column.place)?.as_ref()?;
        Some((self.record.get(*index)?, written.as_str()))
    }

    fn error(&self, written: &str, message: String) -> InputError {
        InputError::new(
            self.file,
            Location::Row {
                line: self.line,
                column: Some(written.to_string()),
            },
            message,
        )
    }

    fn row(&self) -> Result<CredentialRow, InputError> {
        let user = self.required_text(USER, "user name")?;
        let arn = self.required_text(ARN, "ARN")?;
        let is_root = user == ROOT_USER && arn.ends_with(":root");

        let password_enabled = match self.get(PASSWORD_ENABLED) {
            None => PasswordEnabled::No,
            Some((raw, written)) => {
                let v = raw.trim();
                if v.eq_ignore_ascii_case("true") {
                    PasswordEnabled::Yes
                } else if v.eq_ignore_ascii_case("false") {
                    PasswordEnabled::No
                } else if v.eq_ignore_ascii_case("not_supported") {
                    PasswordEnabled::NotSupported
                } else {
                    return Err(self.error(
                        written,
                        format!(
                            "{}: expected `true`, `false` or `not_supported`",
                            describe_bad(v, "a boolean")
                        ),
                    ));
                }
            }
        };

        let key = |k: &KeyColumns| -> Result<AccessKeySlot, InputError> {
            Ok(AccessKeySlot {
                active: self.boolean(k.active)?,
                last_rotated: self.time(k.last_rotated)?,
                last_used: self.time(k.last_used_date)?,
                last_used_region: self.text(k.last_used_region),
                last_used_service: self.text(k.last_used_service),
            })
        };
        let cert = |(active, rotated): (Column, Column)| -> Result<CertificateSlot, InputError> {
            Ok(CertificateSlot {
                active: self.boolean(active)?,
                last_rotated: self.time(rotated)?,
            })
        };
        let [k1, k2] = &KEY_COLUMNS;
        let [c1, c2] = CERT_COLUMNS;

        Ok(CredentialRow {
            line: self.line,
            user_creation_time: self.time(USER_CREATION_TIME)?,
            password_enabled,
            password_last_used: self.time(PASSWORD_LAST_USED)?,
            password_last_changed: self.time(PASSWORD_LAST_CHANGED)?,
            password_next_rotation: self.time(PASSWORD_NEXT_ROTATION)?,
            mfa_active: self.boolean(MFA_ACTIVE)?,
            access_keys: [key(k1)?, key(k2)?],
            certs: [cert(c1)?, cert(c2)?],
            user,
            arn,
            is_root,
        })
    }

    /// `user` and `arn`: kept exactly as written (opaque), but never empty.
    fn required_text(&self, column: Column, what: &str) -> Result<String, InputError> {
        match self.get(column) {
            Some((raw, _)) if !raw.trim().is_empty() => Ok(raw.to_string()),
            Some((_, written)) => Err(self
                .error(written, format!("empty {what}"))
                .with_help("every credential report row names a user and its ARN")),
            // Required columns are checked with the header; kept total anyway.
            None => Err(InputError::new(
                self.file,
                Location::Row {
                    line: self.line,
                    column: None,
                },
                format!("missing required column `{}`", column.name),
            )
            .with_help(HEADER_HELP)),
        }
    }

    /// A `true`/`false` cell; an absent column reads as `false` (a report
    /// without `cert_1_active` shows no active certificate).
    fn boolean(&self, column: Column) -> Result<bool, InputError> {
        let Some((raw, written)) = self.get(column) else {
            return Ok(false);
        };
        let v = raw.trim();
        if v.eq_ignore_ascii_case("true") {
            Ok(true)
        } else if v.eq_ignore_ascii_case("false") {
            Ok(false)
        } else {
            Err(self.error(
                written,
                format!(
                    "{}: expected `true` or `false`",
                    describe_bad(v, "a boolean")
                ),
            ))
        }
    }

    fn time(&self, column: Column) -> Result<ReportTime, InputError> {
        let Some((raw, written)) = self.get(column) else {
            return Ok(ReportTime::Absent);
        };
        let v = raw.trim();
        if v.eq_ignore_ascii_case("N/A") {
            return Ok(ReportTime::NotApplicable);
        }
        if v.eq_ignore_ascii_case("no_information") {
            return Ok(ReportTime::NoInformation);
        }
        if v.eq_ignore_ascii_case("not_supported") {
            return Ok(ReportTime::NotSupported);
        }
        if v.is_empty() {
            return Err(self
                .error(written, "empty value: expected a time".to_string())
                .with_help(TIME_HELP));
        }
        Timestamp::parse(v).map(ReportTime::At).map_err(|reason| {
            // The parser's reason quotes the value raw; use it unless the
            // value needs escaping or shortening to be printed.
            let message = if show(v) == v {
                reason
            } else {
                format!("`{}` is not a timestamp", show(v))
            };
            self.error(written, message).with_help(TIME_HELP)
        })
    }

    /// Region and service: free text; `N/A` (and an empty cell) is `None`.
    fn text(&self, column: Column) -> Option<String> {
        let (raw, _) = self.get(column)?;
        let v = raw.trim();
        (!v.is_empty() && !v.eq_ignore_ascii_case("N/A")).then(|| v.to_string())
    }
}

/// Rows that are probably not what they seem; none changes how a row reads.
fn root_and_duplicate_warnings(
    rows: &[CredentialRow],
    header_line: u64,
    warnings: &mut Vec<String>,
) {
    let mut first_line_of_arn: HashMap<&str, u64> = HashMap::new();
    let mut first_root: Option<u64> = None;
    for row in rows {
        if row.user == ROOT_USER && !row.is_root {
            warnings.push(format!(
                "line {}: user `{ROOT_USER}` has ARN `{}`, which does not end in `:root`; not treated as the root user",
                row.line,
                show(&row.arn)
            ));
        }
        if row.user != ROOT_USER && row.arn.ends_with(":root") {
            warnings.push(format!(
                "line {}: ARN `{}` ends in `:root` but the user is `{}`, not `{ROOT_USER}`; not treated as the root user",
                row.line,
                show(&row.arn),
                show(&row.user)
            ));
        }
        if row.is_root {
            match first_root {
                Some(first) => warnings.push(format!(
                    "line {}: a second root user row (the first is on line {first})",
                    row.line
                )),
                None => first_root = Some(row.line),
            }
        }
        if let Some(first) = first_line_of_arn.get(row.arn.as_str()) {
            warnings.push(format!(
                "line {}: ARN `{}` already appears on line {first}",
                row.line,
                show(&row.arn)
            ));
        } else {
            first_line_of_arn.insert(row.arn.as_str(), row.line);
        }
    }
    if first_root.is_none() {
        warnings.push(format!(
            "line {header_line}: no `{ROOT_USER}` row; the report says nothing about the root user"
        ));
    }
}

/// "`x` is not a boolean", or "empty value" for an empty cell.
fn describe_bad(value: &str, what: &str) -> String {
    if value.is_empty() {
        "empty value".to_string()
    } else {
        format!("`{}` is not {what}", show(value))
    }
}

/// User input made safe to print between backticks: control characters
/// escaped, long values shortened.
fn show(value: &str) -> String {
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

fn show_byte(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        char::from(byte).to_string()
    } else {
        format!("\\x{byte:02X}")
    }
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        // Writing to a String cannot fail.
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const H22: &str = "user,arn,user_creation_time,password_enabled,password_last_used,\
password_last_changed,password_next_rotation,mfa_active,access_key_1_active,\
access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,\
access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,\
access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,\
cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

    const H16: &str = "user,arn,user_creation_time,password_enabled,password_last_used,\
password_last_changed,password_next_rotation,mfa_active,access_key_1_active,\
access_key_1_last_rotated,access_key_2_active,access_key_2_last_rotated,\
cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

    const ROOT22: &str = "<root_account>,arn:aws:iam::123456789012:root,2022-03-08T16:02:25+00:00,\
not_supported,2022-12-21T16:19:23+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,\
false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";

    const ALICE22: &str = "alice,arn:aws:iam::123456789012:user/alice,2022-05-27T10:25:43+00:00,\
true,no_information,2022-05-27T10:25:44+00:00,N/A,false,true,2022-05-27T10:25:44+00:00,\
2022-12-21T18:30:00+00:00,us-east-1,rds,false,2022-06-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A";

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    fn csv(lines: &[&str]) -> String {
        lines.join("\n") + "\n"
    }

    fn ok(text: &str) -> CredentialReport {
        parse_csv("r.csv", text.as_bytes()).unwrap()
    }

    fn err(text: &[u8]) -> InputError {
        parse_csv("r.csv", text).unwrap_err()
    }

    fn row_at(line: u64, column: &str) -> Location {
        Location::Row {
            line,
            column: Some(column.to_string()),
        }
    }

    #[test]
    fn reads_the_22_column_format() {
        let r = ok(&csv(&[H22, ROOT22, ALICE22]));
        assert!(r.has_last_used_columns);
        assert_eq!(r.generated_time, None);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        assert_eq!(r.rows.len(), 2);

        let root = &r.rows[0];
        assert_eq!(root.line, 2);
        assert!(root.is_root);
        assert_eq!(root.password_enabled, PasswordEnabled::NotSupported);
        assert_eq!(root.password_last_changed, ReportTime::NotSupported);
        assert_eq!(root.password_next_rotation, ReportTime::NotSupported);
        assert!(root.mfa_active);

        let alice = &r.rows[1];
        assert_eq!(alice.line, 3);
        assert_eq!(alice.user, "alice");
        assert_eq!(alice.arn, "arn:aws:iam::123456789012:user/alice");
        assert!(!alice.is_root);
        assert_eq!(alice.password_enabled, PasswordEnabled::Yes);
        assert!(!alice.mfa_active);
        assert_eq!(
            alice.user_creation_time,
            ReportTime::At(ts("2022-05-27T10:25:43Z"))
        );
        let k1 = &alice.access_keys[0];
        assert!(k1.active);
        assert_eq!(k1.last_used, ReportTime::At(ts("2022-12-21T18:30:00Z")));
        assert_eq!(k1.last_used_region.as_deref(), Some("us-east-1"));
        assert_eq!(k1.last_used_service.as_deref(), Some("rds"));
        // An inactive key can still carry a rotation date.
        let k2 = &alice.access_keys[1];
        assert!(!k2.active);
        assert_eq!(k2.last_rotated, ReportTime::At(ts("2022-06-01T00:00:00Z")));
        assert_eq!(k2.last_used, ReportTime::NotApplicable);
        assert_eq!(k2.last_used_region, None);
        assert_eq!(
            alice.certs,
            [CertificateSlot {
                active: false,
                last_rotated: ReportTime::NotApplicable
            }; 2]
        );
    }

    #[test]
    fn reads_the_16_column_format() {
        let r = ok(&csv(&[
            H16,
            "<root_account>,arn:aws:iam::1:root,2014-01-01T00:00:00+00:00,not_supported,\
             2014-02-01T00:00:00+00:00,not_supported,not_supported,false,false,N/A,false,N/A,false,N/A,false,N/A",
            "bob,arn:aws:iam::1:user/bob,2014-01-02T00:00:00+00:00,false,N/A,N/A,N/A,false,\
             true,2014-01-03T00:00:00+00:00,false,N/A,true,2014-01-04T00:00:00+00:00,false,N/A",
        ]));
        assert!(!r.has_last_used_columns);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        let bob = &r.rows[1];
        assert!(bob.access_keys[0].active);
        assert_eq!(bob.access_keys[0].last_used, ReportTime::Absent);
        assert_eq!(bob.access_keys[0].last_used_region, None);
        assert_eq!(
            bob.certs[0],
            CertificateSlot {
                active: true,
                last_rotated: ReportTime::At(ts("2014-01-04T00:00:00Z"))
            }
        );
    }

    #[test]
    fn maps_columns_by_name_in_any_order() {
        let r = ok(&csv(&[
            "mfa_active,password_enabled,arn,user",
            "true,false,arn:aws:iam::1:user/a,a",
            "FALSE,True,arn:aws:iam::1:root,<root_account>",
        ]));
        assert_eq!(r.rows[0].user, "a");
        assert!(r.rows[0].mfa_active);
        assert_eq!(r.rows[0].password_enabled, PasswordEnabled::No);
        assert!(r.rows[1].is_root);
        assert_eq!(r.rows[1].password_enabled, PasswordEnabled::Yes);
        assert!(!r.rows[1].mfa_active);
        // Optional columns not in the report.
        assert_eq!(r.rows[0].user_creation_time, ReportTime::Absent);
        assert!(!r.rows[0].access_keys[0].active);
        assert!(!r.rows[0].certs[1].active);
        assert!(!r.has_last_used_columns);
    }

    #[test]
    fn header_names_are_case_insensitive_and_trimmed() {
        let header = H22
            .replacen("user,", "User,", 1)
            .replace("mfa_active", " MFA_Active ");
        let r = ok(&csv(&[&header, ROOT22]));
        assert!(r.rows[0].is_root && r.rows[0].mfa_active);
    }

    #[test]
    fn bom_crlf_and_no_trailing_newline() {
        let text = format!("\u{feff}{H22}\r\n{ROOT22}\r\n{ALICE22}");
        let r = ok(&text);
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.rows[1].line, 3);
        assert_eq!(r.rows[1].access_keys[1].last_used_service, None);
        // CRLF never leaks into the last cell.
        assert_eq!(r.rows[1].certs[1].last_rotated, ReportTime::NotApplicable);
        // The hash ignores the BOM.
        let without_bom = format!("{H22}\r\n{ROOT22}\r\n{ALICE22}");
        assert_eq!(r.content_sha256, ok(&without_bom).content_sha256);
        assert_eq!(r.content_sha256.len(), 64);
        assert!(r
            .content_sha256
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)));
    }

    #[test]
    fn booleans_ignore_case_and_spaces() {
        let r = ok(&csv(&[
            "user,arn,password_enabled,mfa_active,access_key_1_active,cert_2_active",
            "<root_account>,arn:aws:iam::1:root,NOT_SUPPORTED,TRUE,False, true ",
        ]));
        let root = &r.rows[0];
        assert_eq!(root.password_enabled, PasswordEnabled::NotSupported);
        assert!(root.mfa_active);
        assert!(!root.access_keys[0].active);
        assert!(root.access_keys[0].last_used_region.is_none());
        assert!(root.certs[1].active);
        assert!(!root.certs[0].active);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }

    #[test]
    fn time_states_stay_distinct() {
        let r = ok(&csv(&[
            "user,arn,password_enabled,mfa_active,password_last_used",
            "<root_account>,arn:aws:iam::1:root,true,true,no_information",
            "a,arn:aws:iam::1:user/a,false,false,N/A",
            "b,arn:aws:iam::1:user/b,true,false,2024-01-31T12:00:00Z",
            "c,arn:aws:iam::1:user/c,true,false,Not_Supported",
            "d,arn:aws:iam::1:user/d,true,false,n/a",
        ]));
        let states: Vec<ReportTime> = r.rows.iter().map(|x| x.password_last_used).collect();
        assert_eq!(
            states,
            [
                ReportTime::NoInformation,
                ReportTime::NotApplicable,
                ReportTime::At(ts("2024-01-31T12:00:00Z")),
                ReportTime::NotSupported,
                ReportTime::NotApplicable,
            ]
        );
        let names: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            ["no_information", "n/a", "at", "not_supported", "n/a"]
        );
        assert_eq!(ReportTime::Absent.as_str(), "absent");
        assert_eq!(states[2].timestamp(), Some(ts("2024-01-31T12:00:00Z")));
        assert_eq!(states[0].timestamp(), None);
    }

    #[test]
    fn every_timestamp_form_in_one_file() {
        let r = ok(&csv(&[
            "user,arn,password_enabled,mfa_active,user_creation_time,password_last_used,password_last_changed,cert_1_last_rotated",
            "<root_account>,arn:aws:iam::1:root,true,true,2017-06-10T02:35:07+00:00,2017-06-10T02:35:07Z,\
             2017-06-10 02:35:07+00:00,2017-06-10T02:35:07.000Z",
        ]));
        let root = &r.rows[0];
        let want = ReportTime::At(ts("2017-06-10T02:35:07Z"));
        assert_eq!(root.user_creation_time, want);
        assert_eq!(root.password_last_used, want);
        assert_eq!(root.password_last_changed, want);
        assert_eq!(root.certs[0].last_rotated, want);
    }

    #[test]
    fn quoted_name_with_a_comma() {
        let r = ok(&csv(&[
            "\"user\",\"arn\",\"password_enabled\",\"mfa_active\"",
            "<root_account>,arn:aws:iam::1:root,true,true",
            "\"smith,john\",\"arn:aws:iam::1:user/smith,john\",false,false",
        ]));
        assert_eq!(r.rows[1].user, "smith,john");
        assert_eq!(r.rows[1].arn, "arn:aws:iam::1:user/smith,john");
        assert_eq!(r.rows[1].line, 3);
    }

    #[test]
    fn odd_names_are_kept_as_written() {
        let r = ok(&csv(&[
            "user,arn,password_enabled,mfa_active",
            "<root_account>,arn:aws:iam::1:root,true,true",
            " we!rd name ,not-an-arn,false,false",
        ]));
        assert_eq!(r.rows[1].user, " we!rd name ");
        assert_eq!(r.rows[1].arn, "not-an-arn");
    }

    #[test]
    fn unknown_extra_column_is_ignored() {
        let r = ok(&csv(&[
            "user,arn,future_column,password_enabled,mfa_active,",
            "<root_account>,arn:aws:iam::1:root,whatever,true,true,",
        ]));
        assert!(r.rows[0].is_root);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }

    #[test]
    fn bad_boolean_names_line_and_column() {
        let e = err(csv(&[
            "user,arn,password_enabled,MFA_Active",
            "<root_account>,arn:aws:iam::1:root,true,true",
            "a,arn:aws:iam::1:user/a,true,yes",
        ])
        .as_bytes());
        assert_eq!(e.file, "r.csv");
        assert_eq!(e.location, row_at(3, "MFA_Active"));
        assert_eq!(
            e.message,
            "`yes` is not a boolean: expected `true` or `false`"
        );

        let e = err(csv(&["user,arn,password_enabled,mfa_active", "a,b,maybe,true"]).as_bytes());
        assert_eq!(e.location, row_at(2, "password_enabled"));
        assert_eq!(
            e.message,
            "`maybe` is not a boolean: expected `true`, `false` or `not_supported`"
        );

        let e = err(csv(&["user,arn,password_enabled,mfa_active", "a,b,true,"]).as_bytes());
        assert_eq!(e.message, "empty value: expected `true` or `false`");
    }

    #[test]
    fn missing_required_column() {
        let e = err(csv(&["user,arn,password_enabled", "a,b,true"]).as_bytes());
        assert_eq!(
            e.location,
            Location::Row {
                line: 1,
                column: None
            }
        );
        assert_eq!(e.message, "missing required column `mfa_active`");
        assert_eq!(e.help.as_deref(), Some(HEADER_HELP));
    }

    #[test]
    fn duplicate_column() {
        let e = err(csv(&[
            "user,arn,password_enabled,mfa_active,ARN",
            "a,b,true,true,c",
        ])
        .as_bytes());
        assert_eq!(e.location, row_at(1, "ARN"));
        assert!(
            e.message.starts_with("duplicate column `ARN`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn short_row_is_an_error() {
        let e = err(csv(&[H22, ROOT22, "alice,arn:aws:iam::1:user/alice,N/A,true"]).as_bytes());
        assert_eq!(
            e.location,
            Location::Row {
                line: 3,
                column: None
            }
        );
        assert_eq!(e.message, "row has 4 fields but the header has 22");
    }

    #[test]
    fn long_row_is_a_warning() {
        let r = ok(&csv(&[H22, &format!("{ROOT22},extra,more"), ALICE22]));
        assert_eq!(r.rows.len(), 2);
        assert_eq!(
            r.warnings,
            ["line 2: row has 24 fields but the header has 22; the extra fields are ignored"]
        );
    }

    #[test]
    fn bad_timestamp() {
        let text = csv(&[H22, ROOT22]).replace("2022-03-08T16:02:25+00:00", "2022-03-08T16:02:25");
        let e = err(text.as_bytes());
        assert_eq!(e.location, row_at(2, "user_creation_time"));
        assert!(e.message.contains("`2022-03-08T16:02:25`"), "{}", e.message);
        assert!(e.message.contains("no time zone"), "{}", e.message);
        assert_eq!(e.help.as_deref(), Some(TIME_HELP));

        let text = csv(&[H22, ROOT22]).replace("2022-03-08T16:02:25+00:00", "never");
        let e = err(text.as_bytes());
        assert!(
            e.message.starts_with("`never` is not a timestamp"),
            "{}",
            e.message
        );

        let text = csv(&[H22, ROOT22]).replace("2022-03-08T16:02:25+00:00", "");
        assert_eq!(err(text.as_bytes()).message, "empty value: expected a time");
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
    fn header_only_is_an_error() {
        for text in [H22.to_string(), csv(&[H22]), csv(&[H22, ""])] {
            let e = err(text.as_bytes());
            assert_eq!(e.location, Location::File);
            assert_eq!(
                e.message,
                "no rows: a credential report always has the `<root_account>` row"
            );
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
    fn empty_user_or_arn_is_an_error() {
        let e = err(csv(&[
            "user,arn,password_enabled,mfa_active",
            " ,arn:aws:iam::1:user/a,true,true",
        ])
        .as_bytes());
        assert_eq!(e.location, row_at(2, "user"));
        assert_eq!(e.message, "empty user name");
        let e = err(csv(&["user,Arn,password_enabled,mfa_active", "a,,true,true"]).as_bytes());
        assert_eq!(e.location, row_at(2, "Arn"));
        assert_eq!(e.message, "empty ARN");
    }

    #[test]
    fn root_detection() {
        let r = ok(&csv(&[
            "user,arn,password_enabled,mfa_active",
            "root,arn:aws:iam::1:user/root,true,false",
            "<root_account>,arn:aws:iam::1:root,true,true",
            "<root_account>,arn:aws:iam::1:user/x,true,true",
            "admin,arn:aws-us-gov:iam::1:root,true,true",
        ]));
        let roots: Vec<bool> = r.rows.iter().map(|x| x.is_root).collect();
        assert_eq!(roots, [false, true, false, false]);
        assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
        assert!(r.warnings[0].starts_with("line 4: user `<root_account>`"));
        assert!(r.warnings[1].starts_with("line 5: ARN `arn:aws-us-gov:iam::1:root`"));
    }

    #[test]
    fn other_warnings() {
        let r = ok(&csv(&[
            "user,arn,password_enabled,mfa_active,access_key_1_last_used_date",
            "a,arn:aws:iam::1:user/a,true,false,N/A",
            "a,arn:aws:iam::1:user/a,true,false,N/A",
        ]));
        assert!(!r.has_last_used_columns);
        assert_eq!(
            r.warnings,
            [
                "line 1: header has 1 of the 6 `access_key_N_last_used_*` columns; the missing ones read as absent",
                "line 3: ARN `arn:aws:iam::1:user/a` already appears on line 2",
                "line 1: no `<root_account>` row; the report says nothing about the root user",
            ]
        );
    }

    #[test]
    fn multiline_quoted_field_keeps_physical_lines() {
        let r = ok(&csv(&[
            "user,arn,password_enabled,mfa_active",
            "\"two",
            "lines\",arn:aws:iam::1:user/x,true,true",
            "<root_account>,arn:aws:iam::1:root,true,true",
        ]));
        assert_eq!(r.rows[0].user, "two\nlines");
        assert_eq!(r.rows[1].line, 4);
        let e = err(csv(&[
            "user,arn,password_enabled,mfa_active",
            "<root_account>,arn:aws:iam::1:root,true,true",
            "\"unterminated,arn:aws:iam::1:user/x,true,true",
            "b,arn:aws:iam::1:user/b,true,true",
        ])
        .as_bytes());
        assert_eq!(
            e.location,
            Location::Row {
                line: 3,
                column: None
            }
        );
    }

    #[test]
    fn line_numbers_are_physical() {
        // Blank lines are skipped by the reader but still count.
        let text = format!("\n{H22}\r\n\r\n{ROOT22}\r\n\r\n\r\n{ALICE22}\r\n");
        let r = ok(&text);
        let lines: Vec<u64> = r.rows.iter().map(|x| x.line).collect();
        assert_eq!(lines, [4, 7]);

        let text = format!("{H22}\r\n{ROOT22}\r\n\r\na,b,c\r\n");
        let e = err(text.as_bytes());
        assert_eq!(
            e.location,
            Location::Row {
                line: 4,
                column: None
            }
        );

        // Lone CR line breaks (classic Mac).
        let r = ok(&format!("{H22}\r{ROOT22}\r{ALICE22}"));
        assert_eq!(r.rows[1].line, 3);

        let text = format!("\n\n{}", csv(&["user,arn,password_enabled", "a,b,true"]));
        let e = err(text.as_bytes());
        assert_eq!(
            e.location,
            Location::Row {
                line: 3,
                column: None
            }
        );
    }

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
    fn known_columns_sit_at_their_places() {
        for (i, c) in COLUMNS.iter().enumerate() {
            assert_eq!(c.place, i, "{}", c.name);
        }
        // The 22 columns of today's report, each once, and no other.
        let mut known: Vec<&str> = COLUMNS.iter().map(|c| c.name).collect();
        known.sort_unstable();
        let mut written: Vec<&str> = H22.split(',').collect();
        written.sort_unstable();
        assert_eq!(known, written);
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
    fn sniffing() {
        assert!(looks_like_csv(H22.as_bytes()));
        assert!(looks_like_csv(format!("\u{feff}{H16}\r\n").as_bytes()));
        assert!(looks_like_csv(b"User,ARN,mfa_active"));
        assert!(looks_like_csv(b"\"user\",\"arn\"\n"));
        assert!(!looks_like_csv(b"user,name\narn"));
        assert!(!looks_like_csv(b"{\"Content\": \"user,arn\"}"));
        assert!(!looks_like_csv(b""));
        assert!(!looks_like_csv(b"username,arn"));
    }

    #[test]
    fn shown_values_are_escaped_and_short() {
        assert_eq!(show("a\nb"), "a\\nb");
        assert_eq!(show(&"x".repeat(100)).chars().count(), 81);
        let e = err(csv(&["user,arn,password_enabled,mfa_active", "a,b,true,\"y\ne\""]).as_bytes());
        assert_eq!(
            e.message,
            "`y\\ne` is not a boolean: expected `true` or `false`"
        );
    }
}
