//! Test data shared by the credential report's unit tests: the headers of
//! both formats, sample rows, and shorthands around [`parse_csv`].

use crate::error::{InputError, Location};
use crate::evidence::time::Timestamp;

use super::{parse_csv, CredentialReport};

pub(super) const H22: &str = "user,arn,user_creation_time,password_enabled,password_last_used,\
password_last_changed,password_next_rotation,mfa_active,access_key_1_active,\
access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,\
access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,\
access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,\
cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

pub(super) const H16: &str = "user,arn,user_creation_time,password_enabled,password_last_used,\
password_last_changed,password_next_rotation,mfa_active,access_key_1_active,\
access_key_1_last_rotated,access_key_2_active,access_key_2_last_rotated,\
cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

pub(super) const ROOT22: &str =
    "<root_account>,arn:aws:iam::123456789012:root,2022-03-08T16:02:25+00:00,\
not_supported,2022-12-21T16:19:23+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,\
false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";

pub(super) const ALICE22: &str = "alice,arn:aws:iam::123456789012:user/alice,2022-05-27T10:25:43+00:00,\
true,no_information,2022-05-27T10:25:44+00:00,N/A,false,true,2022-05-27T10:25:44+00:00,\
2022-12-21T18:30:00+00:00,us-east-1,rds,false,2022-06-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A";

pub(super) fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).expect("a timestamp")
}

pub(super) fn csv(lines: &[&str]) -> String {
    lines.join("\n") + "\n"
}

pub(super) fn ok(text: &str) -> CredentialReport {
    parse_csv("r.csv", text.as_bytes()).expect("a report")
}

pub(super) fn err(text: &[u8]) -> InputError {
    parse_csv("r.csv", text).expect_err("refused")
}

pub(super) fn row_at(line: u64, column: &str) -> Location {
    Location::Row {
        line,
        column: Some(column.to_string()),
    }
}
