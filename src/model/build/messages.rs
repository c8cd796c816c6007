//! The text of the model's messages: what a request's `message` says about
//! its access path, what a request lacks, and the builder's warnings. Kept in
//! one place so that the wording stays consistent across entity kinds.

use crate::evidence::authorization_details::{AttachedPolicy, UserDetail};
use crate::evidence::credential_report::{
    AccessKeySlot, CredentialRow, PasswordEnabled, ReportTime,
};
use crate::evidence::password_policy::PasswordPolicy;
use crate::model::trust::{PrincipalKind, TrustPath};

use super::policies::SUPPORT_POLICY;
use super::root::RootFacts;
use super::users::active_keys;

pub(super) fn root_message(facts: &RootFacts, virtual_mfa: Option<bool>) -> String {
    let mfa = match (facts.mfa_active, virtual_mfa) {
        (false, _) => "no MFA device active".to_string(),
        (true, None) => "MFA active".to_string(),
        (true, Some(true)) => "MFA active: a virtual device".to_string(),
        (true, Some(false)) => {
            "MFA active: no virtual device, so a hardware or FIDO device".to_string()
        }
    };
    let keys = match (facts.source, facts.active_keys) {
        ("account-summary", 0) => "no access key (`AccountAccessKeysPresent` 0)".to_string(),
        ("account-summary", _) => "access keys present (`AccountAccessKeysPresent` 1)".to_string(),
        (_, 0) => "no active access key".to_string(),
        (_, 1) => "1 active access key".to_string(),
        (_, n) => format!("{n} active access keys"),
    };
    let used = match (facts.source, facts.last_used) {
        ("account-summary", _) => "last use unknown (account summary only)".to_string(),
        (_, Some(t)) => format!("last used {}", t.to_cedar()),
        (_, None) => "no recorded use".to_string(),
    };
    format!(
        "root ({}): password `{}`; {mfa}; {keys}; {used}",
        facts.source, facts.password
    )
}

pub(super) fn user_review_message(
    row: Option<&CredentialRow>,
    detail: Option<&UserDetail>,
) -> String {
    let mut parts = Vec::new();
    if let Some(r) = row {
        parts.push(match active_keys(r) {
            0 => "no active access key".to_string(),
            1 => "1 active access key".to_string(),
            n => format!("{n} active access keys"),
        });
    }
    if let Some(d) = detail {
        let mut direct: Vec<String> = d.attached.iter().map(|p| format!("`{}`", p.arn)).collect();
        direct.extend(d.inline.iter().map(|p| format!("inline `{}`", p.name)));
        parts.push(if direct.is_empty() {
            "no policy attached or embedded directly".to_string()
        } else {
            format!("policies directly on the user: {}", direct.join(", "))
        });
    }
    if parts.is_empty() {
        "no facts about the user".into()
    } else {
        parts.join("; ")
    }
}

fn statement_label(path: &TrustPath) -> String {
    match &path.sid {
        Some(sid) if !sid.is_empty() => format!("statement `{sid}`"),
        _ => format!("statement #{}", path.statement_index),
    }
}

/// Why root's last use is unknown in a 16-column report.
/// A group's or role's review: the managed policies attached to it.
pub(super) fn identity_review_message(kind: &str, attached: &[AttachedPolicy]) -> String {
    if attached.is_empty() {
        format!("no managed policy attached to the {kind}")
    } else {
        let names: Vec<String> = attached.iter().map(|p| format!("`{}`", p.arn)).collect();
        format!(
            "managed policies attached to the {kind}: {}",
            names.join(", ")
        )
    }
}

/// A customer managed policy's review.
pub(super) fn policy_review_message(default_version: &str, attachments: i64) -> String {
    format!(
        "customer managed policy, default version `{default_version}`, {attachments} attachments"
    )
}

/// A customer managed policy listed without a default version.
pub(super) const POLICY_WITHOUT_DEFAULT: &str = "the export lists no version of this policy marked `IsDefaultVersion`, so what it allows is unknown";

/// A role that has no `RoleLastUsed` and could have been used before the
/// 400 days AWS tracks.
pub(super) fn role_use_unknown(threshold_days: i64) -> String {
    format!("the role has no `RoleLastUsed.LastUsedDate`, and AWS tracks role use for 400 days only: with `role-unused-days={threshold_days}` (over 400) a use before the tracking window cannot be told from no use")
}

/// A role whose age is unknown and that was never used (as far as AWS
/// tracks).
pub(super) const ROLE_AGE_UNKNOWN: &str = "the role has neither `RoleLastUsed.LastUsedDate` nor `CreateDate`, so how long it has been unused is unknown";

pub(super) fn root_key_use_unknown(window_days: i64) -> String {
    format!(
        "root has an active access key, and the credential report has the 16 columns of before 2015, which cannot show when a key was used; the key was not made within the last {window_days} days either, so whether root was used recently cannot be judged (export a current credential report)"
    )
}

/// Why root's last use is unknown when its facts come from the account summary.
pub(super) const ROOT_USE_NOT_IN_SUMMARY: &str = "the credential report has no root row (`<root_account>`), and the account summary it was completed from cannot show when root was used (export a complete credential report)";

/// Why a user's key use is unknown in a 16-column report.
pub(super) fn key_use_unknown(slot: usize, owner_arn: &str) -> String {
    format!(
        "access key {slot} of `{owner_arn}` is active, and the credential report has the 16 columns of before 2015, which cannot show whether or when a key was used (export a current credential report)"
    )
}

/// Why an active key's age is unknown.
pub(super) fn key_without_rotation(slot: usize, owner_arn: &str) -> String {
    format!(
        "the credential report says access key {slot} of `{owner_arn}` is active, but its `access_key_{slot}_last_rotated` is `N/A`, which AWS fills for every key it creates: the row contradicts itself, so the key's age cannot be judged"
    )
}

/// Why what an attached managed policy allows is unknown.
pub(super) fn managed_not_exported(policy_arn: &str, holder_arn: &str) -> String {
    format!(
        "`{policy_arn}` is attached to `{holder_arn}`, but the export does not hold the policy's document (was it exported with a `--filter` that leaves out `AWSManagedPolicy` or `LocalManagedPolicy`?), so what it allows cannot be judged"
    )
}

/// Why a trust path whose principal is not recognised is not judged.
pub(super) fn unrecognised_principal(path: &TrustPath) -> String {
    format!(
        "{}: trusts `{}`, a principal the tool does not recognise (not `*`, an account, a user, a role, a service or an identity provider: a `CanonicalUser`, an unknown key or a malformed value), so whether it must use MFA cannot be judged",
        statement_label(path),
        path.principal.as_written
    )
}

pub(super) fn trust_message(path: &TrustPath) -> String {
    let who = format!("`{}` ({})", path.principal.id, path.principal.kind.as_str());
    let stmt = statement_label(path);
    match path.principal.kind {
        PrincipalKind::Service => format!("{stmt}: trusts the service {who}; services carry no MFA"),
        PrincipalKind::Federated => format!(
            "{stmt}: trusts the identity provider {who}; MFA is the identity provider's job and is not checked here"
        ),
        PrincipalKind::UnknownId => format!(
            "{stmt}: trusts {who}, the id of a deleted principal: a stale trust entry that no one can use"
        ),
        _ if path.mfa_gate.is_gated() => {
            format!("{stmt}: trusts {who}; MFA required ({})", path.mfa_gate.explanation())
        }
        _ => format!("{stmt}: trusts {who} without requiring MFA: {}", path.mfa_gate.explanation()),
    }
}

pub(super) fn console_message(r: &CredentialRow) -> String {
    match (r.password_enabled, r.mfa_active) {
        (PasswordEnabled::Yes, false) => {
            let mut m = "console password enabled, no MFA device active".to_string();
            if r.password_last_used == ReportTime::NoInformation {
                m.push_str(" (password never used)");
            }
            m
        }
        (PasswordEnabled::Yes, true) => "console password enabled, MFA device active".into(),
        (PasswordEnabled::No, _) => "no console password".into(),
        (PasswordEnabled::NotSupported, _) => "console password state `not_supported`".into(),
    }
}

pub(super) fn describe_time(t: &ReportTime) -> String {
    match t {
        ReportTime::At(ts) => ts.to_cedar(),
        ReportTime::NotApplicable => "N/A".into(),
        ReportTime::NoInformation => "no_information".into(),
        ReportTime::NotSupported => "not_supported".into(),
        ReportTime::Absent => "not in this report".into(),
    }
}

/// The account review's message: the facts its controls judge.
/// `password_policy`: the export, when the snapshot has one.
pub(super) fn account_review_message(
    support_roles: &[String],
    password_policy: Option<&PasswordPolicy>,
) -> String {
    let support = if support_roles.is_empty() {
        format!("no role has the AWS managed policy `{SUPPORT_POLICY}` attached")
    } else {
        format!(
            "support roles: {}",
            support_roles
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    match password_policy {
        None => support,
        Some(PasswordPolicy::Absent(how)) => {
            format!("{support}; no password policy ({how})")
        }
        Some(PasswordPolicy::Present(f)) => format!(
            "{support}; password policy: minimum length {}, remembers {} previous password{}",
            f.minimum_length,
            f.reuse_prevention,
            if f.reuse_prevention == 1 { "" } else { "s" }
        ),
    }
}

/// Root's console path: its password state and MFA.
pub(super) fn root_console_message(facts: &RootFacts, row: Option<&CredentialRow>) -> String {
    let mfa = if facts.mfa_active {
        "active"
    } else {
        "not active"
    };
    match row {
        Some(r) => format!(
            "root password `{}`, last used {}; MFA {mfa}",
            facts.password,
            describe_time(&r.password_last_used),
        ),
        None => format!("root password state unknown (account summary only); MFA {mfa}"),
    }
}

/// An access key's path: its state and when it was last rotated and used.
pub(super) fn access_key_message(slot: usize, key: &AccessKeySlot) -> String {
    format!(
        "access key {slot} {}, last rotated {}, last used {}",
        if key.active { "active" } else { "inactive" },
        describe_time(&key.last_rotated),
        describe_time(&key.last_used),
    )
}

/// A user's console path when the credential report has no row for it.
pub(super) const NO_REPORT_ROW: &str = "no row in the credential report";

/// Why a user's console path lacks evidence: absent from the report.
pub(super) const USER_NOT_IN_REPORT_CONSOLE: &str = "the user is absent from the credential report (created after it was generated?), so there is no evidence about its password or MFA";

/// Why a user's review lacks evidence: absent from the report.
pub(super) const USER_NOT_IN_REPORT_REVIEW: &str = "the user is absent from the credential report (created after it was generated?), so there is no evidence about its credentials";

/// Why a user's review lacks evidence: absent from the authorization details.
pub(super) const USER_NOT_IN_DETAILS: &str =
    "the user is absent from the authorization details, so there is no evidence about its policies";

/// A managed policy attached to an identity.
pub(super) fn attached_message(policy_name: &str, holder_arn: &str) -> String {
    format!("`{policy_name}` is attached to `{holder_arn}`")
}

/// An inline policy embedded in an identity.
pub(super) fn inline_message(policy_name: &str, holder_arn: &str) -> String {
    format!("inline policy `{policy_name}` of `{holder_arn}`")
}

/// Why a held managed policy cannot be judged.
pub(super) fn managed_unreadable(problem: &str) -> String {
    format!("the managed policy's default version does not decode: {problem}")
}

/// Why a held inline policy cannot be judged.
pub(super) fn inline_unreadable(problem: &impl std::fmt::Display) -> String {
    format!("the inline policy does not decode: {problem}")
}

/// The message of the stand-in request of a role whose trust policy cannot
/// be read.
pub(super) const TRUST_UNREADABLE: &str = "the trust policy does not decode";

/// Why a role's trust policy cannot be judged: it does not decode.
pub(super) fn trust_unreadable(problem: &impl std::fmt::Display) -> String {
    format!("the trust policy does not decode: {problem}")
}

/// Warning: the evidence names identities of more than one account.
pub(super) fn mixed_accounts_warning<'a>(
    accounts: impl IntoIterator<Item = &'a String>,
    chosen: &str,
) -> String {
    format!(
        "the evidence names identities of several accounts ({}); account-wide results are about `{chosen}`",
        accounts.into_iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", "),
    )
}

/// Warning: the manifest and the evidence disagree about the account.
pub(super) fn manifest_account_warning(file: &str, manifest: &str, evidence: &str) -> String {
    format!("{file}: the manifest names account `{manifest}`, the evidence describes `{evidence}`")
}

/// Warning: the account summary lacks what it would say about root.
pub(super) fn summary_without_root_warning(file: &str) -> String {
    format!(
        "{file}: the account summary lacks `AccountMFAEnabled` or `AccountAccessKeysPresent`, so it says nothing about root"
    )
}

/// Warning: the credential report lists a user twice.
pub(super) fn duplicate_row_warning(arn: &str, first: u64, ignored: u64) -> String {
    format!(
        "the credential report lists `{arn}` twice; the first row (line {first}) is used, line {ignored} is ignored"
    )
}

/// Why the authorization details are incomplete: lists left out of the
/// export (`missing`, their names).
pub(super) fn filtered_export(missing: &[impl std::fmt::Display]) -> String {
    format!(
        "the authorization details lack {} (exported with `--filter`?), so they cannot show what is absent",
        missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
    )
}

/// The same managed policy attached twice to one identity: one request
/// (one result), and a word about the export.
pub(super) fn duplicate_attachment(policy_arn: &str, holder_arn: &str) -> String {
    format!(
        "the authorization details attach `{policy_arn}` to `{holder_arn}` twice; it is judged once"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::password_policy::PasswordPolicy;

    fn root(source: &'static str, mfa_active: bool, active_keys: i64) -> RootFacts {
        RootFacts {
            arn: "arn:aws:iam::123456789012:root".into(),
            source,
            password: "not_supported",
            mfa_active,
            active_keys,
            key_slots: 0,
            last_used: None,
            key_use_unknown: false,
        }
    }

    #[test]
    fn root_messages_name_the_mfa_device_only_when_the_devices_were_exported() {
        let m = root_message(&root("credential-report", true, 2), None);
        assert_eq!(m, "root (credential-report): password `not_supported`; MFA active; 2 active access keys; no recorded use");
        let m = root_message(&root("credential-report", true, 1), Some(false));
        assert!(
            m.contains(
                "MFA active: no virtual device, so a hardware or FIDO device; 1 active access key;"
            ),
            "{m}"
        );
        let m = root_message(&root("account-summary", false, 1), Some(true));
        assert!(m.ends_with("no MFA device active; access keys present (`AccountAccessKeysPresent` 1); last use unknown (account summary only)"), "{m}");
    }

    #[test]
    fn the_account_review_lists_support_roles_and_the_password_policy() {
        assert_eq!(
            account_review_message(&[], None),
            "no role has the AWS managed policy `AWSSupportAccess` attached"
        );
        let roles = ["arn:a".to_string(), "arn:b".to_string()];
        assert_eq!(
            account_review_message(&roles, Some(&PasswordPolicy::Absent("NoSuchEntity"))),
            "support roles: `arn:a`, `arn:b`; no password policy (NoSuchEntity)"
        );
    }

    #[test]
    fn report_times_are_described_in_the_reports_terms() {
        assert_eq!(describe_time(&ReportTime::NotApplicable), "N/A");
        assert_eq!(describe_time(&ReportTime::NoInformation), "no_information");
        assert_eq!(describe_time(&ReportTime::Absent), "not in this report");
    }

    #[test]
    fn filtered_exports_name_the_missing_lists() {
        assert_eq!(
            filtered_export(&["UserDetailList", "Policies"]),
            "the authorization details lack `UserDetailList`, `Policies` (exported with `--filter`?), so they cannot show what is absent"
        );
    }
}
