//! The columns of a credential report: the table of every column the reader
//! knows, the header that says where each one sits in this report, and the
//! cheap sniff that tells a credential report CSV from other text.

use std::collections::HashMap;

use crate::error::{InputError, Location};
use crate::evidence::encoding::strip_utf8_bom;

use super::text::show;

/// A column the reader knows: its name as AWS writes it (lowercase) and its
/// place in [`COLUMNS`]. The header resolves every known column to its index
/// once, so a row's cells are found by place; hashing 22 names for each row
/// was about 40% of the time spent on a 5,000-user report's rows.
#[derive(Debug, Clone, Copy)]
pub(super) struct Column {
    pub(super) place: usize,
    pub(super) name: &'static str,
}

const fn column(place: usize, name: &'static str) -> Column {
    Column { place, name }
}

pub(super) const USER: Column = column(0, "user");
pub(super) const ARN: Column = column(1, "arn");
pub(super) const USER_CREATION_TIME: Column = column(2, "user_creation_time");
pub(super) const PASSWORD_ENABLED: Column = column(3, "password_enabled");
pub(super) const PASSWORD_LAST_USED: Column = column(4, "password_last_used");
pub(super) const PASSWORD_LAST_CHANGED: Column = column(5, "password_last_changed");
pub(super) const PASSWORD_NEXT_ROTATION: Column = column(6, "password_next_rotation");
pub(super) const MFA_ACTIVE: Column = column(7, "mfa_active");

/// The five columns of one access key slot.
pub(super) struct KeyColumns {
    pub(super) active: Column,
    pub(super) last_rotated: Column,
    pub(super) last_used_date: Column,
    pub(super) last_used_region: Column,
    pub(super) last_used_service: Column,
}

pub(super) const KEY_COLUMNS: [KeyColumns; 2] = [
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

/// Each certificate slot's `active` and `last_rotated` columns.
pub(super) const CERT_COLUMNS: [(Column, Column); 2] = [
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

/// The columns without which a row means nothing.
const REQUIRED: [Column; 4] = [USER, ARN, PASSWORD_ENABLED, MFA_ACTIVE];

/// Help for a header that does not make the file a credential report.
pub(super) const HEADER_HELP: &str =
    "is this an AWS IAM credential report? its header starts with `user,arn,user_creation_time,...`";

/// How much of a file [`looks_like_csv`] reads for the header line: a real
/// header is about 400 bytes.
const SNIFF_LIMIT: usize = 64 * 1024;

/// Cheap content sniff used by file detection: does this text look like a
/// credential report CSV, that is, does its first line (after an optional
/// BOM) name both the `user` and the `arn` columns?
pub fn looks_like_csv(bytes: &[u8]) -> bool {
    let bytes = strip_utf8_bom(bytes);
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

/// The header row: where each known column sits.
pub(super) struct Header {
    /// The physical line the header is on.
    pub(super) line: u64,
    /// How many cells the header has.
    pub(super) len: usize,
    /// For each of [`COLUMNS`], by its place: its index in a record and its
    /// name as written (trimmed), or `None` when this report lacks it.
    pub(super) places: Vec<Option<(usize, String)>>,
    /// Both `access_key_N_last_used_date` columns are present.
    pub(super) has_last_used_columns: bool,
    /// Set when only some `access_key_N_last_used_*` columns are present.
    pub(super) partial_last_used: Option<String>,
}

impl Header {
    /// Resolves every known column to its index in `record` (the header
    /// record, on physical line `line`), checking names once here so rows
    /// are read by place.
    pub(super) fn parse(
        file: &str,
        record: &csv::StringRecord,
        line: u64,
    ) -> Result<Header, InputError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::credential_report::fixtures::{csv, err, ok, row_at, H16, H22, ROOT22};
    use crate::evidence::credential_report::{PasswordEnabled, ReportTime};

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
    fn header_names_are_case_insensitive_and_trimmed() {
        let header = H22
            .replacen("user,", "User,", 1)
            .replace("mfa_active", " MFA_Active ");
        let r = ok(&csv(&[&header, ROOT22]));
        assert!(r.rows[0].is_root && r.rows[0].mfa_active);
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
    fn unknown_extra_column_is_ignored() {
        let r = ok(&csv(&[
            "user,arn,future_column,password_enabled,mfa_active,",
            "<root_account>,arn:aws:iam::1:root,whatever,true,true,",
        ]));
        assert!(r.rows[0].is_root);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
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

    fn record(cells: &[&str]) -> csv::StringRecord {
        csv::StringRecord::from(cells.to_vec())
    }

    #[test]
    fn header_resolves_each_known_column_to_its_index() {
        let header = Header::parse(
            "r.csv",
            &record(&[
                "",
                "Mfa_Active ",
                "future",
                "user",
                "ARN",
                "password_enabled",
                "",
            ]),
            3,
        )
        .expect("a header");
        assert_eq!(header.line, 3);
        assert_eq!(header.len, 7);
        assert_eq!(header.places.len(), COLUMNS.len());
        let place = |c: Column| header.places[c.place].clone();
        assert_eq!(place(USER), Some((3, "user".to_string())));
        // The name as written (trimmed) is kept for messages.
        assert_eq!(place(MFA_ACTIVE), Some((1, "Mfa_Active".to_string())));
        assert_eq!(place(ARN), Some((4, "ARN".to_string())));
        assert_eq!(place(USER_CREATION_TIME), None);
        assert!(!header.has_last_used_columns);
        assert_eq!(header.partial_last_used, None);
    }

    #[test]
    fn header_notes_which_last_used_columns_there_are() {
        let mut names: Vec<&str> = H22.split(',').collect();
        let full = Header::parse("r.csv", &record(&names), 1).expect("a header");
        assert!(full.has_last_used_columns);
        assert_eq!(full.partial_last_used, None);
        // Without one region column, both dates are still there.
        names.retain(|n| *n != "access_key_2_last_used_region");
        let partial = Header::parse("r.csv", &record(&names), 1).expect("a header");
        assert!(partial.has_last_used_columns);
        assert_eq!(
            partial.partial_last_used.as_deref(),
            Some("header has 5 of the 6 `access_key_N_last_used_*` columns; the missing ones read as absent")
        );
        let old = Header::parse("r.csv", &record(&H16.split(',').collect::<Vec<_>>()), 1)
            .expect("a header");
        assert!(!old.has_last_used_columns);
        assert_eq!(old.partial_last_used, None);
    }
}
