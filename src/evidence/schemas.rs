//! The JSON Schemas in `schemas/`, embedded in the binary and compiled once.
//!
//! `$ref`s resolve only inside each schema document: the `jsonschema` crate is
//! built without its HTTP and file resolvers, so no schema can make the tool
//! touch the network or read another file.

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::Validator;
use serde_json::Value;

use crate::error::{InputError, Location};
use crate::evidence::json;

/// The JSON inputs that have a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    AuthorizationDetails,
    CredentialReportEnvelope,
    AccountSummary,
    /// `evaluate --waivers FILE`.
    Waivers,
    /// A JSON report read back by `diff`.
    Report,
    VirtualMfaDevices,
    PasswordPolicy,
    ServerCertificates,
    Manifest,
}

impl SchemaKind {
    /// The schema's source text, as shipped in `schemas/`.
    pub fn source(self) -> &'static str {
        match self {
            SchemaKind::AuthorizationDetails => {
                include_str!("../../schemas/authorization-details.schema.json")
            }
            SchemaKind::CredentialReportEnvelope => {
                include_str!("../../schemas/credential-report-envelope.schema.json")
            }
            SchemaKind::AccountSummary => include_str!("../../schemas/account-summary.schema.json"),
            SchemaKind::Waivers => include_str!("../../schemas/waivers.schema.json"),
            SchemaKind::Report => include_str!("../../schemas/report.schema.json"),
            SchemaKind::VirtualMfaDevices => {
                include_str!("../../schemas/virtual-mfa-devices.schema.json")
            }
            SchemaKind::PasswordPolicy => include_str!("../../schemas/password-policy.schema.json"),
            SchemaKind::ServerCertificates => {
                include_str!("../../schemas/server-certificates.schema.json")
            }
            SchemaKind::Manifest => include_str!("../../schemas/snapshot-manifest.schema.json"),
        }
    }

    fn cell(self) -> &'static OnceLock<Result<Validator, String>> {
        static AUTHZ: OnceLock<Result<Validator, String>> = OnceLock::new();
        static ENVELOPE: OnceLock<Result<Validator, String>> = OnceLock::new();
        static SUMMARY: OnceLock<Result<Validator, String>> = OnceLock::new();
        static WAIVERS: OnceLock<Result<Validator, String>> = OnceLock::new();
        static REPORT: OnceLock<Result<Validator, String>> = OnceLock::new();
        static VIRTUAL_MFA: OnceLock<Result<Validator, String>> = OnceLock::new();
        static PASSWORD_POLICY: OnceLock<Result<Validator, String>> = OnceLock::new();
        static MANIFEST: OnceLock<Result<Validator, String>> = OnceLock::new();
        static SERVER_CERTIFICATES: OnceLock<Result<Validator, String>> = OnceLock::new();
        match self {
            SchemaKind::AuthorizationDetails => &AUTHZ,
            SchemaKind::CredentialReportEnvelope => &ENVELOPE,
            SchemaKind::AccountSummary => &SUMMARY,
            SchemaKind::Waivers => &WAIVERS,
            SchemaKind::Report => &REPORT,
            SchemaKind::VirtualMfaDevices => &VIRTUAL_MFA,
            SchemaKind::PasswordPolicy => &PASSWORD_POLICY,
            SchemaKind::Manifest => &MANIFEST,
            SchemaKind::ServerCertificates => &SERVER_CERTIFICATES,
        }
    }

    fn validator(self) -> Result<&'static Validator, String> {
        self.cell()
            .get_or_init(|| {
                let schema: Value = serde_json::from_str(self.source())
                    .map_err(|e| format!("built-in schema is not JSON: {e}"))?;
                jsonschema::validator_for(&schema)
                    .map_err(|e| format!("built-in schema does not compile: {e}"))
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// At most this many schema violations are reported per file: enough to fix a
/// file in one go, few enough to read.
const MAX_REPORTED: usize = 20;

/// Checks `value` (found at `prefix` inside `file`) against a schema. Every
/// violation becomes an error with its JSON pointer.
pub fn check(
    kind: SchemaKind,
    file: &str,
    prefix: &str,
    value: &Value,
) -> Result<(), Vec<InputError>> {
    let validator = match kind.validator() {
        Ok(v) => v,
        Err(e) => return Err(vec![InputError::new(file, Location::File, e)]),
    };
    let mut all = validator.iter_errors(value);
    let mut errors: Vec<InputError> = all
        .by_ref()
        .take(MAX_REPORTED)
        .map(|err| {
            let pointer = err.instance_path().as_str().to_string();
            let found = value.pointer(&pointer);
            let message = match err.kind() {
                ValidationErrorKind::Type { kind } => {
                    let expected = match kind {
                        TypeKind::Single(t) => t.to_string(),
                        TypeKind::Multiple(set) => set
                            .iter()
                            .map(|t| t.to_string())
                            .collect::<Vec<_>>()
                            .join(" or "),
                    };
                    format!("expected {expected}, found {}", type_name(found))
                }
                ValidationErrorKind::Required { property } => {
                    format!(
                        "missing required key `{}`",
                        property.as_str().unwrap_or_default()
                    )
                }
                ValidationErrorKind::Constant { expected_value } => {
                    format!("expected `{expected_value}`, found `{}`", short(found))
                }
                other if kind == SchemaKind::Waivers => {
                    waiver_message(&pointer, other).unwrap_or_else(|| err.to_string())
                }
                _ => err.to_string(),
            };
            InputError::new(
                file,
                Location::Pointer(format!("{prefix}{pointer}")),
                message,
            )
        })
        .collect();
    // The validator reports in document order, which is the order to fix
    // things in; say how many more there are rather than flooding.
    let more = all.count();
    if more > 0 {
        errors.push(InputError::new(
            file,
            Location::File,
            format!(
                "{more} more schema violation{} not shown",
                if more == 1 { "" } else { "s" }
            ),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Clearer words than the generic validator messages for the mistakes a
/// person writing a waivers file makes.
fn waiver_message(pointer: &str, kind: &ValidationErrorKind) -> Option<String> {
    let field = pointer.rsplit('/').next().unwrap_or_default();
    match kind {
        ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::OneOfMultipleValid { .. } => Some(
            "a waiver names either `policy` and `subject`, or one result id in `result`, not both"
                .into(),
        ),
        ValidationErrorKind::MinLength { .. } | ValidationErrorKind::Pattern { .. }
            if field == "reason" || field == "approver" =>
        {
            Some(format!(
                "`{field}` must not be empty: say why, and who accepted the risk"
            ))
        }
        ValidationErrorKind::Pattern { .. } if field == "expires" => {
            Some("expected a date `YYYY-MM-DD`".into())
        }
        _ => None,
    }
}

/// What was found where the schema expected something else; "nothing" for
/// a pointer that leads nowhere.
fn type_name(v: Option<&Value>) -> &'static str {
    v.map_or("nothing", json::kind)
}

fn short(v: Option<&Value>) -> String {
    let text = v.map(|v| v.to_string()).unwrap_or_default();
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}...")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_builtin_schema_compiles() {
        for kind in [
            SchemaKind::AuthorizationDetails,
            SchemaKind::CredentialReportEnvelope,
            SchemaKind::AccountSummary,
            SchemaKind::Waivers,
            SchemaKind::Report,
            SchemaKind::VirtualMfaDevices,
            SchemaKind::PasswordPolicy,
            SchemaKind::ServerCertificates,
            SchemaKind::Manifest,
        ] {
            assert!(kind.validator().is_ok(), "{kind:?}");
        }
    }

    #[test]
    fn wrong_type_names_the_pointer() {
        let errs = check(
            SchemaKind::AuthorizationDetails,
            "a.json",
            "",
            &json!({"UserDetailList": {}}),
        )
        .unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(
            errs[0].location,
            Location::Pointer("/UserDetailList".into())
        );
        assert_eq!(errs[0].message, "expected array, found an object");
    }

    #[test]
    fn missing_key_names_the_parent() {
        let errs = check(
            SchemaKind::AuthorizationDetails,
            "a.json",
            "/0",
            &json!({"RoleDetailList": [{"RoleName": "x", "Arn": "arn:aws:iam::1:role/x"}]}),
        )
        .unwrap_err();
        assert_eq!(
            errs[0].location,
            Location::Pointer("/0/RoleDetailList/0".into())
        );
        assert!(errs[0].message.contains("AssumeRolePolicyDocument"));
    }
}
