//! The typed credential report: what a report, a row and its cells mean
//! once read. The CSV row reader (`rows.rs`) fills them in; this file only
//! says what they hold.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_have_stable_names() {
        let at = ReportTime::At(Timestamp::parse("2024-01-31T12:00:00Z").expect("a timestamp"));
        assert_eq!(at.as_str(), "at");
        assert_eq!(
            at.timestamp(),
            Timestamp::parse("2024-01-31T12:00:00Z").ok()
        );
        for (state, name) in [
            (ReportTime::NotApplicable, "n/a"),
            (ReportTime::NoInformation, "no_information"),
            (ReportTime::NotSupported, "not_supported"),
            (ReportTime::Absent, "absent"),
        ] {
            assert_eq!(state.as_str(), name);
            assert_eq!(state.timestamp(), None, "{name}");
        }
        assert_eq!(PasswordEnabled::Yes.as_str(), "true");
        assert_eq!(PasswordEnabled::No.as_str(), "false");
        assert_eq!(PasswordEnabled::NotSupported.as_str(), "not_supported");
    }
}
