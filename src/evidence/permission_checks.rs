//! What two AWS checks read in a permissions policy, decided once when the
//! document is read so the model carries only a yes or no:
//!
//! - [`allows_service_wildcard`], Security Hub IAM.21 (AWS Config
//!   `iam-policy-no-statements-with-full-access`): an `Allow` statement that
//!   grants every action of at least one service;
//! - [`allows_kms_decrypt_all_keys`], Security Hub KMS.2 (AWS Config
//!   `iam-inline-policy-blocked-kms-actions` with `kms:Decrypt` and
//!   `kms:ReEncryptFrom` blocked): an `Allow` statement that grants either
//!   action on every KMS key.
//!
//! Conditions are ignored by both, as the AWS checks ignore them: a
//! condition can narrow a grant only in ways these checks do not model.

use crate::evidence::policy_document::{
    action_matches, ActionList, Effect, PolicyDocument, ResourceList,
};

/// The KMS actions KMS.2 blocks on all keys.
pub const KMS_DECRYPT_ACTIONS: [&str; 2] = ["kms:Decrypt", "kms:ReEncryptFrom"];

/// IAM.21: some `Allow` statement grants every action of a service.
///
/// - `Action` with a pattern whose action part (after the first `:`) is
///   only `*`s: `s3:*`, `S3:*`, `*:*`, `s3*:*`; or the pattern `*` itself,
///   which grants every action of every service. `ec2:Describe*` does not
///   count: it names a prefix of the service's actions.
/// - `NotAction`: the statement grants every action its patterns do not
///   match, so every service it does not name is granted whole; it counts
///   unless one of its patterns matches every action (`*`, `*:*`).
/// - `Resource`/`NotResource` and conditions are not read.
pub fn allows_service_wildcard(doc: &PolicyDocument) -> bool {
    doc.statements.iter().any(|s| {
        s.effect == Effect::Allow
            && match &s.actions {
                ActionList::Action(patterns) => patterns.iter().any(|p| grants_whole_service(p)),
                ActionList::NotAction(patterns) => {
                    !patterns.iter().any(|p| matches_every_action(p))
                }
                ActionList::Missing => false,
            }
    })
}

/// `service:*` (any case, any run of `*`s), or `*`.
fn grants_whole_service(pattern: &str) -> bool {
    match pattern.split_once(':') {
        Some((service, action)) => !service.is_empty() && only_stars(action),
        None => only_stars(pattern),
    }
}

/// `*`, `**`, `*:*`: a pattern that matches every action.
fn matches_every_action(pattern: &str) -> bool {
    match pattern.split_once(':') {
        Some((service, action)) => only_stars(service) && only_stars(action),
        None => only_stars(pattern),
    }
}

fn only_stars(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c == '*')
}

/// KMS.2: some `Allow` statement grants `kms:Decrypt` or `kms:ReEncryptFrom`
/// (matched as IAM matches actions: `kms:*`, `kms:De*`, `*`, and a
/// `NotAction` that does not exclude them) on every KMS key:
///
/// - `Resource` with `*`, or with a KMS ARN pattern that names every key of
///   every region and account: `arn:<partition>:kms:*:*:*` or
///   `arn:<partition>:kms:*:*:key/*` (partition literal or `*`; region and
///   account `*`). A pattern bound to one region or one account is not
///   "all keys";
/// - `NotResource` whose patterns exclude no KMS key: none is `*` and none
///   has a service part matching `kms`.
pub fn allows_kms_decrypt_all_keys(doc: &PolicyDocument) -> bool {
    doc.statements.iter().any(|s| {
        s.effect == Effect::Allow
            && KMS_DECRYPT_ACTIONS.iter().any(|a| s.actions.covers(a))
            && match &s.resources {
                ResourceList::Resource(patterns) => patterns.iter().any(|p| all_keys(p)),
                ResourceList::NotResource(patterns) => !patterns.iter().any(|p| excludes_keys(p)),
                ResourceList::Missing => false,
            }
    })
}

/// A `Resource` pattern that covers every KMS key.
fn all_keys(pattern: &str) -> bool {
    if only_stars(pattern) {
        return true;
    }
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    let [arn, _partition, service, region, account, resource] = parts[..] else {
        return false;
    };
    arn.eq_ignore_ascii_case("arn")
        && action_matches(service, "kms")
        && only_stars(region)
        && only_stars(account)
        && (only_stars(resource) || resource.strip_prefix("key/").is_some_and(only_stars))
}

/// A `NotResource` pattern that leaves some KMS key out.
fn excludes_keys(pattern: &str) -> bool {
    if only_stars(pattern) {
        return true;
    }
    match pattern.split(':').nth(2) {
        Some(service) => action_matches(service, "kms"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::policy_document::parse_document;
    use serde_json::{json, Value};

    fn doc(statement: Value) -> PolicyDocument {
        parse_document(&json!({"Version": "2012-10-17", "Statement": statement})).unwrap()
    }

    fn wildcard(statement: Value) -> bool {
        allows_service_wildcard(&doc(statement))
    }

    fn kms(statement: Value) -> bool {
        allows_kms_decrypt_all_keys(&doc(statement))
    }

    #[test]
    fn a_whole_service_fails_in_any_case_and_a_prefix_passes() {
        for action in ["s3:*", "S3:*", "iam:**", "s3*:*", "*:*", "*"] {
            assert!(
                wildcard(
                    json!({"Effect": "Allow", "Action": action, "Resource": "arn:aws:s3:::b"})
                ),
                "{action}"
            );
        }
        for action in ["ec2:Describe*", "s3:Get*", "s3:GetObject", "s3:?*", ":*"] {
            assert!(
                !wildcard(json!({"Effect": "Allow", "Action": [action], "Resource": "*"})),
                "{action}"
            );
        }
    }

    #[test]
    fn deny_statements_and_missing_actions_never_count() {
        assert!(!wildcard(
            json!({"Effect": "Deny", "Action": "s3:*", "Resource": "*"})
        ));
        assert!(!wildcard(json!({"Effect": "Allow", "Resource": "*"})));
    }

    #[test]
    fn not_action_counts_unless_it_excludes_every_action() {
        assert!(wildcard(
            json!({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"})
        ));
        assert!(!wildcard(
            json!({"Effect": "Allow", "NotAction": "*", "Resource": "*"})
        ));
        assert!(!wildcard(
            json!({"Effect": "Allow", "NotAction": ["s3:*", "*:*"], "Resource": "*"})
        ));
    }

    #[test]
    fn kms_decrypt_on_every_key_fails_by_any_matching_pattern() {
        for action in [
            "kms:Decrypt",
            "kms:ReEncryptFrom",
            "kms:*",
            "kms:De*",
            "KMS:decrypt",
            "*",
            "kms:ReEncrypt*",
        ] {
            assert!(
                kms(json!({"Effect": "Allow", "Action": action, "Resource": "*"})),
                "{action}"
            );
        }
        for action in [
            "kms:Encrypt",
            "kms:ReEncryptTo",
            "kms:GenerateDataKey",
            "s3:*",
        ] {
            assert!(
                !kms(json!({"Effect": "Allow", "Action": action, "Resource": "*"})),
                "{action}"
            );
        }
        assert!(!kms(
            json!({"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"})
        ));
    }

    #[test]
    fn not_action_that_leaves_decrypt_allowed_counts() {
        assert!(kms(
            json!({"Effect": "Allow", "NotAction": "kms:Encrypt", "Resource": "*"})
        ));
        assert!(kms(
            json!({"Effect": "Allow", "NotAction": "kms:Decrypt", "Resource": "*"})
        ));
        assert!(!kms(
            json!({"Effect": "Allow", "NotAction": ["kms:Decrypt", "kms:ReEncrypt*"], "Resource": "*"})
        ));
        assert!(!kms(
            json!({"Effect": "Allow", "NotAction": "kms:*", "Resource": "*"})
        ));
    }

    #[test]
    fn all_keys_patterns_fail_and_narrower_ones_pass() {
        for resource in [
            "*",
            "arn:aws:kms:*:*:key/*",
            "arn:aws:kms:*:*:*",
            "arn:aws-us-gov:kms:*:*:key/*",
            "arn:*:kms:*:*:key/*",
        ] {
            assert!(
                kms(
                    json!({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": ["arn:aws:s3:::b", resource]})
                ),
                "{resource}"
            );
        }
        for resource in [
            "arn:aws:kms:us-east-1:*:key/*",
            "arn:aws:kms:*:123456789012:key/*",
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:*:*:alias/*",
            "arn:aws:s3:::*",
        ] {
            assert!(
                !kms(json!({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": resource})),
                "{resource}"
            );
        }
    }

    #[test]
    fn not_resource_counts_unless_it_excludes_keys() {
        assert!(kms(
            json!({"Effect": "Allow", "Action": "kms:Decrypt", "NotResource": "arn:aws:s3:::b/*"})
        ));
        assert!(!kms(
            json!({"Effect": "Allow", "Action": "kms:Decrypt", "NotResource": "arn:aws:kms:us-east-1:1:key/k"})
        ));
        assert!(!kms(
            json!({"Effect": "Allow", "Action": "kms:Decrypt", "NotResource": "*"})
        ));
    }
}
