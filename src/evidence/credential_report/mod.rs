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
//!
//! The parts, in reading order: `text.rs` checks the bytes are text and
//! counts lines; `columns.rs` maps the header; `rows.rs` reads and checks
//! each record into the typed report of `report.rs`; `envelope.rs` unwraps
//! the JSON response and hands its CSV to `rows.rs`. This file only says what
//! other modules may use.

mod columns;
mod envelope;
mod report;
mod rows;
mod text;

pub use columns::looks_like_csv;
pub use envelope::parse_envelope;
pub use report::{
    AccessKeySlot, CertificateSlot, CredentialReport, CredentialRow, PasswordEnabled, ReportTime,
    ROOT_USER,
};
pub use rows::parse_csv;

#[cfg(test)]
mod fixtures;
