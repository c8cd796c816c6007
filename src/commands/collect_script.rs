//! `iam-audit collect-script`: prints the bash script that collects a
//! complete snapshot with the AWS CLI v2 (`collect.sh` beside this file,
//! kept as a script so it can be read and checked as one).
//!
//! iam-audit itself never touches the network: the account owner runs the
//! script with their own credentials and hands over the folders it writes.

use super::Outcome;

/// The script, with the version of the iam-audit that printed it.
pub fn script() -> String {
    include_str!("collect.sh").replace("@IAM_AUDIT_VERSION@", env!("CARGO_PKG_VERSION"))
}

pub fn run() -> Outcome {
    Outcome::text(script(), 0)
}
