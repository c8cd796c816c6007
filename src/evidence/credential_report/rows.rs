//! The CSV row reader: one pass over the records of a report's text, each
//! record's cells found by the header's places and checked (booleans, the
//! time states), then warnings about rows that are probably not what they
//! seem.

use std::collections::HashMap;

use crate::error::{InputError, Location};
use crate::evidence::sha256_hex;
use crate::evidence::time::Timestamp;

use super::columns::{
    Column, Header, KeyColumns, ARN, CERT_COLUMNS, HEADER_HELP, KEY_COLUMNS, MFA_ACTIVE,
    PASSWORD_ENABLED, PASSWORD_LAST_CHANGED, PASSWORD_LAST_USED, PASSWORD_NEXT_ROTATION, USER,
    USER_CREATION_TIME,
};
use super::report::{
    AccessKeySlot, CertificateSlot, CredentialReport, CredentialRow, PasswordEnabled, ReportTime,
    ROOT_USER,
};
use super::text::{decode_text, empty_error, line_of, show};

/// Help for a time cell that is none of the forms a report writes.
const TIME_HELP: &str = "a credential report time is a timestamp such as \
     `2024-01-31T12:00:00Z`, or one of `N/A`, `no_information`, `not_supported`";

/// A bare CSV file (bytes as read). `file` is the display name used in errors.
pub fn parse_csv(file: &str, bytes: &[u8]) -> Result<CredentialReport, InputError> {
    parse_report(file, bytes, None)
}

/// Reads the CSV text of a report (bare, or decoded from an envelope's
/// `Content`): checks the text, resolves the header, then reads each record
/// by the header's places.
pub(super) fn parse_report(
    file: &str,
    bytes: &[u8],
    generated_time: Option<Timestamp>,
) -> Result<CredentialReport, InputError> {
    let text = decode_text(file, bytes)?;
    let content_sha256 = sha256_hex(text.as_bytes());

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
            // Empty fields after the last column (trailing commas) change no
            // reading. Values there mean the row does not line up with the
            // header: an unquoted comma inside a value shifts every later
            // cell, and `mfa_active` could read a neighbour's `true`.
            if record.iter().skip(header.len).any(|f| !f.trim().is_empty()) {
                return Err(InputError::new(
                    file,
                    Location::Row { line, column: None },
                    format!(
                        "row has {} fields but the header has {}, and the extra ones hold values: the row does not line up with the header",
                        record.len(),
                        header.len
                    ),
                )
                .with_help(
                    "a value containing a comma must be in double quotes; an unquoted comma shifts every later cell, \
                     so no cell of this row can be trusted",
                ));
            }
            warnings.push(format!(
                "line {line}: row has {} fields but the header has {}; the extra fields are empty and ignored",
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
    root_and_duplicate_warnings(file, &rows, header.line, &mut warnings)?;

    Ok(CredentialReport {
        generated_time,
        has_last_used_columns: header.has_last_used_columns,
        rows,
        content_sha256,
        warnings,
        envelope: false,
    })
}

/// The next record into `record`; `false` at the end of the text.
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

/// Rows that are probably not what they seem. A user (or root) listed
/// twice with the same facts is a warning; with different facts it is an
/// error naming both lines: reading either row would hide what the other
/// says (a second row without MFA after one with it), and which one AWS
/// wrote last is not for the tool to guess.
fn root_and_duplicate_warnings(
    file: &str,
    rows: &[CredentialRow],
    header_line: u64,
    warnings: &mut Vec<String>,
) -> Result<(), InputError> {
    let mut first_of_arn: HashMap<&str, &CredentialRow> = HashMap::new();
    let mut first_root: Option<&CredentialRow> = None;
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
                Some(first) if first.arn != row.arn => {
                    return Err(disagreeing_rows(file, first, row, "arn"));
                }
                Some(_) => {}
                None => first_root = Some(row),
            }
        }
        if let Some(first) = first_of_arn.get(row.arn.as_str()) {
            if let Some(column) = first_difference(first, row) {
                return Err(disagreeing_rows(file, first, row, column));
            }
            warnings.push(format!(
                "line {}: ARN `{}` already appears on line {}, with the same values",
                row.line,
                show(&row.arn),
                first.line
            ));
        } else {
            first_of_arn.insert(row.arn.as_str(), row);
        }
    }
    if first_root.is_none() {
        warnings.push(format!(
            "line {header_line}: no `{ROOT_USER}` row; the report says nothing about the root user"
        ));
    }
    Ok(())
}

/// The first column in which two rows of one identity say different things.
fn first_difference(a: &CredentialRow, b: &CredentialRow) -> Option<&'static str> {
    let key = |k: &AccessKeySlot| {
        (
            k.active,
            k.last_rotated,
            k.last_used,
            k.last_used_region.clone(),
            k.last_used_service.clone(),
        )
    };
    [
        ("user", a.user == b.user),
        (
            "user_creation_time",
            a.user_creation_time == b.user_creation_time,
        ),
        ("password_enabled", a.password_enabled == b.password_enabled),
        (
            "password_last_used",
            a.password_last_used == b.password_last_used,
        ),
        (
            "password_last_changed",
            a.password_last_changed == b.password_last_changed,
        ),
        (
            "password_next_rotation",
            a.password_next_rotation == b.password_next_rotation,
        ),
        ("mfa_active", a.mfa_active == b.mfa_active),
        (
            "access_key_1_*",
            key(&a.access_keys[0]) == key(&b.access_keys[0]),
        ),
        (
            "access_key_2_*",
            key(&a.access_keys[1]) == key(&b.access_keys[1]),
        ),
        ("cert_1_*", a.certs[0] == b.certs[0]),
        ("cert_2_*", a.certs[1] == b.certs[1]),
    ]
    .into_iter()
    .find(|(_, same)| !same)
    .map(|(column, _)| column)
}

/// Two rows of one identity (or two root rows) that disagree: an error at
/// the second, naming both.
fn disagreeing_rows(
    file: &str,
    first: &CredentialRow,
    second: &CredentialRow,
    column: &str,
) -> InputError {
    let what = if first.is_root && second.is_root && first.arn != second.arn {
        "two root user rows".to_string()
    } else {
        format!("ARN `{}` is listed twice", show(&second.arn))
    };
    InputError::new(
        file,
        Location::Row {
            line: second.line,
            column: None,
        },
        format!(
            "{what}, on line {} and line {}, and the rows differ (`{column}`): reading either would hide what the other says",
            first.line, second.line
        ),
    )
    .with_help(
        "a credential report has one row per user; export the report again, or remove the row that is wrong",
    )
}

/// "`x` is not a boolean", or "empty value" for an empty cell.
fn describe_bad(value: &str, what: &str) -> String {
    if value.is_empty() {
        "empty value".to_string()
    } else {
        format!("`{}` is not {what}", show(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::credential_report::fixtures::{
        csv, err, ok, row_at, ts, ALICE22, H16, H22, ROOT22,
    };

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
    fn long_row_with_empty_extra_fields_is_a_warning() {
        let r = ok(&csv(&[H22, &format!("{ROOT22},, "), ALICE22]));
        assert_eq!(r.rows.len(), 2);
        assert_eq!(
            r.warnings,
            ["line 2: row has 24 fields but the header has 22; the extra fields are empty and ignored"]
        );
    }

    #[test]
    fn long_row_with_values_in_extra_fields_is_an_error() {
        let e = err(csv(&[H22, ALICE22, &format!("{ROOT22},extra,more")]).as_bytes());
        assert_eq!(
            e.location,
            Location::Row {
                line: 3,
                column: None
            }
        );
        assert!(
            e.message.starts_with(
                "row has 24 fields but the header has 22, and the extra ones hold values"
            ),
            "{e}"
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
                "line 3: ARN `arn:aws:iam::1:user/a` already appears on line 2, with the same values",
                "line 1: no `<root_account>` row; the report says nothing about the root user",
            ]
        );
    }

    #[test]
    fn rows_of_one_user_that_disagree_are_an_error_naming_both_lines() {
        let e = err(csv(&[
            "user,arn,password_enabled,mfa_active",
            "<root_account>,arn:aws:iam::1:root,true,true",
            "a,arn:aws:iam::1:user/a,true,true",
            "b,arn:aws:iam::1:user/b,true,true",
            "a,arn:aws:iam::1:user/a,true,false",
        ])
        .as_bytes());
        assert_eq!(
            e.to_string().lines().next().unwrap(),
            "r.csv: line 5: ARN `arn:aws:iam::1:user/a` is listed twice, on line 3 and line 5, and the rows differ (`mfa_active`): reading either would hide what the other says"
        );
        let e = err(csv(&[
            "user,arn,password_enabled,mfa_active",
            "<root_account>,arn:aws:iam::1:root,not_supported,true",
            "<root_account>,arn:aws:iam::2:root,not_supported,false",
        ])
        .as_bytes());
        assert!(
            e.message
                .starts_with("two root user rows, on line 2 and line 3"),
            "{e}"
        );
        // The same facts twice: a warning.
        let r = ok(&csv(&[
            "user,arn,password_enabled,mfa_active",
            "<root_account>,arn:aws:iam::1:root,not_supported,true",
            "<root_account>,arn:aws:iam::1:root,not_supported,true",
        ]));
        assert_eq!(
            r.warnings,
            ["line 3: ARN `arn:aws:iam::1:root` already appears on line 2, with the same values"]
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
    fn bad_cells_are_shown_escaped() {
        let e = err(csv(&["user,arn,password_enabled,mfa_active", "a,b,true,\"y\ne\""]).as_bytes());
        assert_eq!(
            e.message,
            "`y\\ne` is not a boolean: expected `true` or `false`"
        );
    }
}
