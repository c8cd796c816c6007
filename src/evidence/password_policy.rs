//! `aws iam get-account-password-policy`: the account's password policy, or
//! the fact that it has none.
//!
//! An account without a password policy makes the API fail with
//! `NoSuchEntity`, so exporters save different things. Recognised forms:
//!
//! - `{"PasswordPolicy": {...}}`: the CLI's output, a policy exists;
//! - `{"PasswordPolicy": null}`: the documented marker for "no password
//!   policy" (what to write by hand);
//! - the AWS CLI's error text saved from stderr, `An error occurred
//!   (NoSuchEntity) when calling the GetAccountPasswordPolicy operation: ...`;
//! - a boto3 error response, `{"Error": {"Code": "NoSuchEntity", "Message":
//!   "The Password Policy with domain name ... cannot be found."}}`.
//!
//! An empty file stays an error (an interrupted export looks the same), and
//! `{}` is not evidence: neither says that the policy is absent.

use serde_json::Value;

use crate::error::{InputError, Location};

/// The facts the controls read. Optional AWS fields absent from the export
/// take AWS's meaning of absence (reuse prevention off).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordPolicyFacts {
    /// `MinimumPasswordLength`.
    pub minimum_length: i64,
    /// `PasswordReusePrevention`, 0 when absent (reuse allowed).
    pub reuse_prevention: i64,
    /// `MaxPasswordAge`, 0 when absent (passwords never expire).
    pub max_age_days: i64,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
}

/// What the export says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordPolicy {
    /// The account has this policy.
    Present(PasswordPolicyFacts),
    /// The account has no password policy (`NoSuchEntity`); how the file said so.
    Absent(&'static str),
}

/// How the file said there is no policy: `{"PasswordPolicy": null}`.
pub const ABSENT_NULL: &str = "`PasswordPolicy: null`";
/// How the file said there is no policy: the AWS CLI's error text.
pub const ABSENT_CLI_TEXT: &str = "the AWS CLI's `NoSuchEntity` error";
/// How the file said there is no policy: a boto3 error response.
pub const ABSENT_ERROR_RESPONSE: &str = "a `NoSuchEntity` error response";

impl PasswordPolicy {
    /// The JSON pointer of the member that holds the answer, for the
    /// evidence location: `/PasswordPolicy` (a policy, or `null`), `/Error`
    /// (a boto3 error response); none for the CLI's error text, which is
    /// not JSON.
    pub fn pointer(&self) -> Option<&'static str> {
        match self {
            PasswordPolicy::Absent(how) if *how == ABSENT_CLI_TEXT => None,
            PasswordPolicy::Absent(how) if *how == ABSENT_ERROR_RESPONSE => Some("/Error"),
            _ => Some("/PasswordPolicy"),
        }
    }
}

pub fn looks_like_policy(value: &Value) -> bool {
    value.get("PasswordPolicy").is_some()
}

/// A boto3 error response for a missing password policy.
pub fn looks_like_no_such_entity(value: &Value) -> bool {
    let error = value.get("Error");
    let code = error.and_then(|e| e.get("Code")).and_then(Value::as_str);
    let message = error
        .and_then(|e| e.get("Message"))
        .and_then(Value::as_str)
        .unwrap_or("");
    code == Some("NoSuchEntity") && message.to_ascii_lowercase().contains("password policy")
}

/// The AWS CLI's error text for a missing password policy (saved stderr).
pub fn is_cli_no_such_entity(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with("An error occurred (NoSuchEntity)") && t.contains("GetAccountPasswordPolicy")
}

/// Reads `{"PasswordPolicy": ...}` whose shape the JSON Schema already accepted.
pub fn parse(file: &str, value: &Value) -> Result<PasswordPolicy, InputError> {
    let policy = match value.get("PasswordPolicy") {
        Some(Value::Null) => return Ok(PasswordPolicy::Absent(ABSENT_NULL)),
        Some(Value::Object(m)) => m,
        _ => {
            return Err(InputError::new(
                file,
                Location::Pointer("/PasswordPolicy".into()),
                "expected an object (or `null` for an account without a password policy)",
            ))
        }
    };
    let long = |key: &str| -> Result<Option<i64>, InputError> {
        match policy.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_i64().map(Some).ok_or_else(|| {
                InputError::new(
                    file,
                    Location::Pointer(format!("/PasswordPolicy/{key}")),
                    "expected an integer",
                )
            }),
        }
    };
    let flag = |key: &str| policy.get(key).and_then(Value::as_bool).unwrap_or(false);
    let minimum_length = long("MinimumPasswordLength")?.ok_or_else(|| {
        InputError::new(
            file,
            Location::Pointer("/PasswordPolicy".into()),
            "missing required key `MinimumPasswordLength`",
        )
    })?;
    Ok(PasswordPolicy::Present(PasswordPolicyFacts {
        minimum_length,
        reuse_prevention: long("PasswordReusePrevention")?.unwrap_or(0),
        max_age_days: long("MaxPasswordAge")?.unwrap_or(0),
        require_symbols: flag("RequireSymbols"),
        require_numbers: flag("RequireNumbers"),
        require_uppercase: flag("RequireUppercaseCharacters"),
        require_lowercase: flag("RequireLowercaseCharacters"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn present_policy_with_optional_fields_absent() {
        let p = parse(
            "p.json",
            &json!({"PasswordPolicy": {"MinimumPasswordLength": 14, "ExpirePasswords": false}}),
        )
        .unwrap();
        let PasswordPolicy::Present(f) = p else {
            panic!("expected a policy")
        };
        assert_eq!((f.minimum_length, f.reuse_prevention), (14, 0));
    }

    #[test]
    fn null_marker_and_error_forms_mean_absent() {
        assert!(matches!(
            parse("p.json", &json!({"PasswordPolicy": null})).unwrap(),
            PasswordPolicy::Absent(_)
        ));
        assert!(looks_like_no_such_entity(
            &json!({"Error": {"Code": "NoSuchEntity", "Message": "The Password Policy with domain name 123456789012 cannot be found."}})
        ));
        assert!(!looks_like_no_such_entity(
            &json!({"Error": {"Code": "NoSuchEntity", "Message": "The user with name x cannot be found."}})
        ));
        assert!(is_cli_no_such_entity("\nAn error occurred (NoSuchEntity) when calling the GetAccountPasswordPolicy operation: The Password Policy with domain name 123456789012 cannot be found.\n"));
        assert!(!is_cli_no_such_entity(
            "An error occurred (AccessDenied) when calling the GetAccountPasswordPolicy operation"
        ));
    }
}
