//! The output of `aws iam get-account-authorization-details`: users, groups,
//! roles and managed policies, merged from one or several pages.
//!
//! Parsing is in two steps so that errors are precise: the raw JSON is first
//! checked against `schemas/authorization-details.schema.json` (which yields a
//! JSON pointer for any wrong type), then read into the typed structs below.
//! Policy documents are decoded here (object, URL-encoded or JSON string); a
//! document that does not decode is kept as an error value so the controls
//! that depend on it report `error` instead of hiding the whole export.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::error::{InputError, Location};
use crate::evidence::policy_document::{parse_document, DocumentError, PolicyDocument};
use crate::evidence::time::Timestamp;

/// A policy document as found, or why it could not be read (with the JSON
/// pointer of the document inside its file).
pub type Document = Result<PolicyDocument, DocumentProblem>;

/// A document that does not decode: the file, the pointer, the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentProblem {
    pub file: String,
    pub pointer: String,
    pub message: String,
}

impl std::fmt::Display for DocumentProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: JSON pointer `{}`: {}",
            self.file, self.pointer, self.message
        )
    }
}

/// One complete export (all pages merged). A list is `None` when the export
/// lacks it (`--filter`), which is different from an empty list.
#[derive(Debug, Clone, Default)]
pub struct AuthorizationDetails {
    pub users: Option<Vec<UserDetail>>,
    pub groups: Option<Vec<GroupDetail>>,
    pub roles: Option<Vec<RoleDetail>>,
    pub policies: Option<Vec<ManagedPolicyDetail>>,
}

impl AuthorizationDetails {
    /// The lists this export lacks (`UserDetailList`, ...), in a fixed order.
    pub fn missing_lists(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.users.is_none() {
            missing.push("UserDetailList");
        }
        if self.groups.is_none() {
            missing.push("GroupDetailList");
        }
        if self.roles.is_none() {
            missing.push("RoleDetailList");
        }
        if self.policies.is_none() {
            missing.push("Policies");
        }
        missing
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedPolicy {
    pub name: String,
    pub arn: String,
}

#[derive(Debug, Clone)]
pub struct InlinePolicy {
    pub name: String,
    pub document: Document,
}

#[derive(Debug, Clone)]
pub struct UserDetail {
    pub file: String,
    pub pointer: String,
    pub name: String,
    pub arn: String,
    pub path: String,
    pub id: String,
    pub created: Option<Timestamp>,
    pub groups: Vec<String>,
    pub attached: Vec<AttachedPolicy>,
    pub inline: Vec<InlinePolicy>,
    pub permissions_boundary: Option<String>,
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct GroupDetail {
    pub file: String,
    pub pointer: String,
    pub name: String,
    pub arn: String,
    pub path: String,
    pub id: String,
    pub created: Option<Timestamp>,
    pub attached: Vec<AttachedPolicy>,
    pub inline: Vec<InlinePolicy>,
}

#[derive(Debug, Clone)]
pub struct RoleDetail {
    pub file: String,
    pub pointer: String,
    pub name: String,
    pub arn: String,
    pub path: String,
    pub id: String,
    pub created: Option<Timestamp>,
    pub trust_policy: Document,
    pub attached: Vec<AttachedPolicy>,
    pub inline: Vec<InlinePolicy>,
    pub permissions_boundary: Option<String>,
    pub tags: Vec<(String, String)>,
    pub last_used: Option<Timestamp>,
}

#[derive(Debug, Clone)]
pub struct ManagedPolicyDetail {
    pub file: String,
    pub pointer: String,
    pub name: String,
    pub arn: String,
    pub path: String,
    pub default_version_id: String,
    pub attachment_count: i64,
    /// The document of the default version; `None` when the export lists no
    /// version marked default.
    pub default_document: Option<Document>,
}

// ---- raw shapes, as exported -------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawPage {
    user_detail_list: Option<Vec<RawUser>>,
    group_detail_list: Option<Vec<RawGroup>>,
    role_detail_list: Option<Vec<RawRole>>,
    policies: Option<Vec<RawPolicy>>,
    #[serde(default)]
    is_truncated: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawUser {
    user_name: String,
    arn: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    user_id: String,
    create_date: Option<String>,
    #[serde(default)]
    user_policy_list: Vec<RawInline>,
    #[serde(default)]
    group_list: Vec<String>,
    #[serde(default)]
    attached_managed_policies: Vec<RawAttached>,
    permissions_boundary: Option<RawBoundary>,
    #[serde(default)]
    tags: Vec<RawTag>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawGroup {
    group_name: String,
    arn: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    group_id: String,
    create_date: Option<String>,
    #[serde(default)]
    group_policy_list: Vec<RawInline>,
    #[serde(default)]
    attached_managed_policies: Vec<RawAttached>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawRole {
    role_name: String,
    arn: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    role_id: String,
    create_date: Option<String>,
    assume_role_policy_document: Option<Value>,
    #[serde(default)]
    role_policy_list: Vec<RawInline>,
    #[serde(default)]
    attached_managed_policies: Vec<RawAttached>,
    permissions_boundary: Option<RawBoundary>,
    #[serde(default)]
    tags: Vec<RawTag>,
    role_last_used: Option<RawRoleLastUsed>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawPolicy {
    policy_name: String,
    arn: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    default_version_id: String,
    attachment_count: Option<i64>,
    #[serde(default)]
    policy_version_list: Vec<RawPolicyVersion>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawPolicyVersion {
    document: Option<Value>,
    #[serde(default)]
    version_id: String,
    #[serde(default)]
    is_default_version: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawInline {
    policy_name: String,
    policy_document: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawAttached {
    policy_name: String,
    policy_arn: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawBoundary {
    permissions_boundary_arn: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawTag {
    key: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawRoleLastUsed {
    last_used_date: Option<String>,
}

/// Does this JSON value look like one page (or the merged output) of the
/// export? Used by content detection.
pub fn looks_like_page(value: &Value) -> bool {
    match value {
        Value::Object(map) => [
            "UserDetailList",
            "GroupDetailList",
            "RoleDetailList",
            "Policies",
        ]
        .iter()
        .any(|k| map.contains_key(*k)),
        _ => false,
    }
}

/// One page as read from one file (a file may hold an array of pages; then
/// `pointer` is `/0`, `/1`, ...).
pub struct Page {
    file: String,
    pointer: String,
    raw: RawPage,
}

impl Page {
    pub fn is_truncated(&self) -> bool {
        self.raw.is_truncated == Some(true)
    }

    pub fn file(&self) -> &str {
        &self.file
    }

    pub fn pointer(&self) -> &str {
        &self.pointer
    }
}

/// Reads one page whose shape the JSON Schema already accepted.
pub fn read_page(file: &str, pointer: &str, value: Value) -> Result<Page, InputError> {
    let raw: RawPage = serde_json::from_value(value).map_err(|e| {
        InputError::new(
            file,
            Location::Pointer(pointer.to_string()),
            format!("not a valid authorization details page: {e}"),
        )
    })?;
    Ok(Page {
        file: file.to_string(),
        pointer: pointer.to_string(),
        raw,
    })
}

/// Merges the pages of one account's export. Exactly one page may lack
/// `IsTruncated: true` (the last one); an entity found twice is an error.
pub fn merge_pages(pages: Vec<Page>) -> Result<AuthorizationDetails, Vec<InputError>> {
    let mut errors = Vec::new();
    let complete: Vec<&Page> = pages.iter().filter(|p| !p.is_truncated()).collect();
    match complete.len() {
        0 => {
            let where_ = pages
                .iter()
                .map(|p| format!("`{}{}`", p.file, p.pointer))
                .collect::<Vec<_>>()
                .join(", ");
            let first = pages.first().map(|p| p.file.clone()).unwrap_or_default();
            errors.push(
                InputError::new(
                    first,
                    Location::Pointer("/IsTruncated".into()),
                    format!(
                        "incomplete authorization details: every page ({where_}) has `IsTruncated: true`, so the last page is missing"
                    ),
                )
                .with_help(
                    "export again with the AWS CLI's automatic pagination (`aws iam get-account-authorization-details > authz.json`), or add the remaining pages (those fetched with `--starting-token <Marker>`) to the snapshot",
                ),
            );
        }
        1 => {}
        _ => {
            let names = complete
                .iter()
                .map(|p| format!("`{}{}`", p.file, p.pointer))
                .collect::<Vec<_>>()
                .join(", ");
            let first = complete.first().map(|p| p.file.clone()).unwrap_or_default();
            errors.push(
                InputError::new(
                    first,
                    Location::Pointer("/IsTruncated".into()),
                    format!(
                        "several complete authorization details exports in one snapshot ({names}): only the last page of an export lacks `IsTruncated: true`"
                    ),
                )
                .with_help("put each export in its own snapshot folder, or keep only the newest"),
            );
        }
    }

    let mut out = AuthorizationDetails::default();
    let mut seen: BTreeMap<(&'static str, String), String> = BTreeMap::new();
    for page in pages {
        let Page { file, pointer, raw } = page;
        if let Some(list) = raw.user_detail_list {
            let users = out.users.get_or_insert_with(Vec::new);
            for (i, u) in list.into_iter().enumerate() {
                let at = format!("{pointer}/UserDetailList/{i}");
                check_unique(&mut seen, &mut errors, "user", &u.arn, &file, &at);
                match user(&file, &at, u) {
                    Ok(u) => users.push(u),
                    Err(e) => errors.push(e),
                }
            }
        }
        if let Some(list) = raw.group_detail_list {
            let groups = out.groups.get_or_insert_with(Vec::new);
            for (i, g) in list.into_iter().enumerate() {
                let at = format!("{pointer}/GroupDetailList/{i}");
                check_unique(&mut seen, &mut errors, "group", &g.arn, &file, &at);
                match group(&file, &at, g) {
                    Ok(g) => groups.push(g),
                    Err(e) => errors.push(e),
                }
            }
        }
        if let Some(list) = raw.role_detail_list {
            let roles = out.roles.get_or_insert_with(Vec::new);
            for (i, r) in list.into_iter().enumerate() {
                let at = format!("{pointer}/RoleDetailList/{i}");
                check_unique(&mut seen, &mut errors, "role", &r.arn, &file, &at);
                match role(&file, &at, r) {
                    Ok(r) => roles.push(r),
                    Err(e) => errors.push(e),
                }
            }
        }
        if let Some(list) = raw.policies {
            let policies = out.policies.get_or_insert_with(Vec::new);
            for (i, p) in list.into_iter().enumerate() {
                let at = format!("{pointer}/Policies/{i}");
                check_unique(&mut seen, &mut errors, "policy", &p.arn, &file, &at);
                match policy(&file, &at, p) {
                    Ok(p) => policies.push(p),
                    Err(e) => errors.push(e),
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn check_unique(
    seen: &mut BTreeMap<(&'static str, String), String>,
    errors: &mut Vec<InputError>,
    what: &'static str,
    arn: &str,
    file: &str,
    at: &str,
) {
    let here = format!("`{file}` at `{at}`");
    if let Some(first) = seen.insert((what, arn.to_string()), here) {
        errors.push(
            InputError::new(
                file,
                Location::Pointer(format!("{at}/Arn")),
                format!("{what} `{arn}` appears twice in the authorization details (first in {first})"),
            )
            .with_help("pages of one export never repeat an entity: are two different exports in the same snapshot folder?"),
        );
    }
}

fn timestamp(file: &str, at: String, text: Option<&str>) -> Result<Option<Timestamp>, InputError> {
    match text {
        None => Ok(None),
        Some(t) => Timestamp::parse(t)
            .map(Some)
            .map_err(|e| InputError::new(file, Location::Pointer(at), e)),
    }
}

fn document(file: &str, at: &str, value: &Value) -> Document {
    parse_document(value).map_err(|DocumentError { pointer, message }| DocumentProblem {
        file: file.to_string(),
        pointer: format!("{at}{pointer}"),
        message,
    })
}

fn inline_policies(file: &str, at: &str, list: Vec<RawInline>) -> Vec<InlinePolicy> {
    list.into_iter()
        .enumerate()
        .map(|(i, p)| InlinePolicy {
            document: document(
                file,
                &format!("{at}/{i}/PolicyDocument"),
                &p.policy_document,
            ),
            name: p.policy_name,
        })
        .collect()
}

fn attached(list: Vec<RawAttached>) -> Vec<AttachedPolicy> {
    list.into_iter()
        .map(|a| AttachedPolicy {
            name: a.policy_name,
            arn: a.policy_arn,
        })
        .collect()
}

fn tags(list: Vec<RawTag>) -> Vec<(String, String)> {
    list.into_iter().map(|t| (t.key, t.value)).collect()
}

fn user(file: &str, at: &str, u: RawUser) -> Result<UserDetail, InputError> {
    Ok(UserDetail {
        created: timestamp(file, format!("{at}/CreateDate"), u.create_date.as_deref())?,
        inline: inline_policies(file, &format!("{at}/UserPolicyList"), u.user_policy_list),
        file: file.to_string(),
        pointer: at.to_string(),
        name: u.user_name,
        arn: u.arn,
        path: u.path,
        id: u.user_id,
        groups: u.group_list,
        attached: attached(u.attached_managed_policies),
        permissions_boundary: u.permissions_boundary.map(|b| b.permissions_boundary_arn),
        tags: tags(u.tags),
    })
}

fn group(file: &str, at: &str, g: RawGroup) -> Result<GroupDetail, InputError> {
    Ok(GroupDetail {
        created: timestamp(file, format!("{at}/CreateDate"), g.create_date.as_deref())?,
        inline: inline_policies(file, &format!("{at}/GroupPolicyList"), g.group_policy_list),
        file: file.to_string(),
        pointer: at.to_string(),
        name: g.group_name,
        arn: g.arn,
        path: g.path,
        id: g.group_id,
        attached: attached(g.attached_managed_policies),
    })
}

fn role(file: &str, at: &str, r: RawRole) -> Result<RoleDetail, InputError> {
    let trust_at = format!("{at}/AssumeRolePolicyDocument");
    let trust_policy = match &r.assume_role_policy_document {
        Some(v) => document(file, &trust_at, v),
        None => Err(DocumentProblem {
            file: file.to_string(),
            pointer: trust_at,
            message: "the role has no `AssumeRolePolicyDocument`".into(),
        }),
    };
    let last_used = timestamp(
        file,
        format!("{at}/RoleLastUsed/LastUsedDate"),
        r.role_last_used
            .as_ref()
            .and_then(|l| l.last_used_date.as_deref()),
    )?;
    Ok(RoleDetail {
        created: timestamp(file, format!("{at}/CreateDate"), r.create_date.as_deref())?,
        inline: inline_policies(file, &format!("{at}/RolePolicyList"), r.role_policy_list),
        file: file.to_string(),
        pointer: at.to_string(),
        name: r.role_name,
        arn: r.arn,
        path: r.path,
        id: r.role_id,
        trust_policy,
        attached: attached(r.attached_managed_policies),
        permissions_boundary: r.permissions_boundary.map(|b| b.permissions_boundary_arn),
        tags: tags(r.tags),
        last_used,
    })
}

fn policy(file: &str, at: &str, p: RawPolicy) -> Result<ManagedPolicyDetail, InputError> {
    // Only the default version is in force. `IsDefaultVersion` and
    // `DefaultVersionId` say the same thing; accept either.
    let default = p.policy_version_list.iter().enumerate().find(|(_, v)| {
        v.is_default_version
            || (!p.default_version_id.is_empty() && v.version_id == p.default_version_id)
    });
    let default_document = default.map(|(i, v)| {
        let doc_at = format!("{at}/PolicyVersionList/{i}/Document");
        match &v.document {
            Some(d) => document(file, &doc_at, d),
            None => Err(DocumentProblem {
                file: file.to_string(),
                pointer: doc_at,
                message: "the default policy version has no `Document`".into(),
            }),
        }
    });
    Ok(ManagedPolicyDetail {
        file: file.to_string(),
        pointer: at.to_string(),
        name: p.policy_name,
        arn: p.arn,
        path: p.path,
        default_version_id: p.default_version_id,
        attachment_count: p.attachment_count.unwrap_or(0),
        default_document,
    })
}
