//! Evidence: the exported files an auditor received, recognised by content
//! and read into typed, validated structures.
//!
//! - [`snapshot`] maps command-line paths to snapshots (files given together,
//!   a folder, or an organization of folders) and loads each one;
//! - [`detect`] decides what one file is;
//! - one module per export ([`credential_report`], [`authorization_details`],
//!   [`account_summary`], [`virtual_mfa`], [`password_policy`],
//!   [`server_certificates`]) and for the
//!   policy documents inside them; [`manifest`] reads the optional
//!   `snapshot.json`;
//! - [`skipped`] says what a snapshot left out, in summary;
//! - [`schemas`] holds the JSON Schemas every JSON input is checked against;
//! - [`lines`] finds the line where a JSON value starts, by pointer, for
//!   evidence locations;
//! - [`pointer`] escapes JSON pointer tokens for messages; it imports no other
//!   evidence module, so the readers and [`detect`] (which calls them) share
//!   it without importing one another.

pub mod account_summary;
pub mod authorization_details;
pub mod credential_report;
pub mod detect;
pub mod encoding;
pub mod intake;
pub mod json;
pub mod lines;
pub mod manifest;
pub mod password_policy;
pub mod permission_checks;
pub mod pointer;
pub mod policy_document;
pub mod policy_text;
pub mod schemas;
pub mod server_certificates;
pub mod skipped;
pub mod snapshot;
pub mod source;
pub mod time;
pub mod virtual_mfa;

use std::fmt;

/// What an evidence file is. Policies name these in `@requires`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EvidenceKind {
    CredentialReport,
    AuthorizationDetails,
    AccountSummary,
    VirtualMfaDevices,
    PasswordPolicy,
    /// The optional `aws iam list-server-certificates` pages.
    ServerCertificates,
    /// The optional `snapshot.json` manifest.
    Manifest,
}

impl EvidenceKind {
    pub const ALL: [EvidenceKind; 7] = [
        EvidenceKind::CredentialReport,
        EvidenceKind::AuthorizationDetails,
        EvidenceKind::AccountSummary,
        EvidenceKind::VirtualMfaDevices,
        EvidenceKind::PasswordPolicy,
        EvidenceKind::ServerCertificates,
        EvidenceKind::Manifest,
    ];

    /// The stable name used in reports and in `@requires`.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::CredentialReport => "credential-report",
            EvidenceKind::AuthorizationDetails => "authorization-details",
            EvidenceKind::AccountSummary => "account-summary",
            EvidenceKind::VirtualMfaDevices => "virtual-mfa-devices",
            EvidenceKind::PasswordPolicy => "password-policy",
            EvidenceKind::ServerCertificates => "server-certificates",
            EvidenceKind::Manifest => "manifest",
        }
    }

    pub fn parse(name: &str) -> Option<EvidenceKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The AWS CLI command that produces this export, for help texts.
    pub fn command(self) -> &'static str {
        match self {
            EvidenceKind::CredentialReport => {
                "aws iam generate-credential-report && aws iam get-credential-report"
            }
            EvidenceKind::AuthorizationDetails => "aws iam get-account-authorization-details",
            EvidenceKind::AccountSummary => "aws iam get-account-summary",
            EvidenceKind::VirtualMfaDevices => "aws iam list-virtual-mfa-devices",
            EvidenceKind::PasswordPolicy => "aws iam get-account-password-policy",
            EvidenceKind::ServerCertificates => "aws iam list-server-certificates",
            EvidenceKind::Manifest => "a `snapshot.json` manifest written by the exporter",
        }
    }
}

impl fmt::Display for EvidenceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One file that was read, as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EvidenceFile {
    /// Relative to the snapshot folder, or the file name for a file given directly.
    pub path: String,
    /// `None` for a file that is not evidence (listed with a warning).
    pub kind: Option<EvidenceKind>,
    pub sha256: String,
    pub bytes: u64,
}

/// Lowercase hex SHA-256 of some bytes: the one hash of the tool, for the
/// files a report lists and for a credential report's CSV text.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
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

    #[test]
    fn sha256_is_lowercase_hex() {
        // The FIPS 180-2 test vector for "abc".
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in EvidenceKind::ALL {
            assert_eq!(EvidenceKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(EvidenceKind::parse("credential_report"), None);
    }
}
