//! The built-in policy pack (`policies/`), embedded in the binary so the tool
//! works from anywhere with no files beside it.

/// (file name, text) of every built-in policy file. A test checks that this
/// list and the `.cedar` files at the top of `policies/` are the same.
pub const FILES: &[(&str, &str)] = &[
    (
        "cis-credentials.cedar",
        include_str!("../../policies/cis-credentials.cedar"),
    ),
    (
        "cis-password-policy.cedar",
        include_str!("../../policies/cis-password-policy.cedar"),
    ),
    (
        "cis-permissions.cedar",
        include_str!("../../policies/cis-permissions.cedar"),
    ),
    (
        "cis-root.cedar",
        include_str!("../../policies/cis-root.cedar"),
    ),
    (
        "console-password-requires-mfa.cedar",
        include_str!("../../policies/console-password-requires-mfa.cedar"),
    ),
    (
        "policy-wildcards.cedar",
        include_str!("../../policies/policy-wildcards.cedar"),
    ),
    ("roles.cedar", include_str!("../../policies/roles.cedar")),
    (
        "server-certificates.cedar",
        include_str!("../../policies/server-certificates.cedar"),
    ),
    (
        "support-role.cedar",
        include_str!("../../policies/support-role.cedar"),
    ),
    (
        "users-have-mfa.cedar",
        include_str!("../../policies/users-have-mfa.cedar"),
    ),
];

/// `policies/pack.json`: the pack's name and version.
pub const PACK_JSON: &str = include_str!("../../policies/pack.json");

/// The pack version from `pack.json`.
pub fn version() -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(PACK_JSON).ok()?;
    v.get("version")?.as_str().map(str::to_string)
}
