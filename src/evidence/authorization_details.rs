//! The output of `aws iam get-account-authorization-details`: users, groups,
//! roles and managed policies, merged from one or several pages.
//!
//! The JSON text is read straight into the typed structs below, which accept
//! exactly what `schemas/authorization-details.schema.json` accepts (a unit
//! test compares them); only when that fails is the schema run, so that the
//! error names the JSON pointer of what is wrong.
//! Policy documents are decoded here (object, URL-encoded or JSON string); a
//! document that does not decode is kept as an error value so the controls
//! that depend on it report `error` instead of hiding the whole export.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::error::{InputError, Location};
use crate::evidence::permission_checks::{allows_kms_decrypt_all_keys, allows_service_wildcard};
use crate::evidence::policy_document::{
    allows_full_admin, parse_document, DocumentError, PolicyDocument,
};
use crate::evidence::time::Timestamp;

/// A policy document as found, or why it could not be read (with the JSON
/// pointer of the document inside its file).
pub type Document = Result<PolicyDocument, DocumentProblem>;

/// A permissions policy (inline, or a managed policy's default version),
/// read and checked like any document but kept only as the facts the model
/// reads of it: on the largest account the statements of 7,600 such
/// documents, kept whole, were a tenth of the peak of memory.
pub type Permissions = Result<PermissionFacts, DocumentProblem>;

/// What the model reads of a permissions policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PermissionFacts {
    /// A statement allows `*` (or `*:*`) on `*` ([`allows_full_admin`]).
    pub allows_full_admin: bool,
    /// A statement allows every action of some service (IAM.21,
    /// [`allows_service_wildcard`]).
    pub allows_service_wildcard: bool,
    /// A statement allows `kms:Decrypt` or `kms:ReEncryptFrom` on every key
    /// (KMS.2, [`allows_kms_decrypt_all_keys`]).
    pub allows_kms_decrypt_all_keys: bool,
}

impl PermissionFacts {
    pub fn of(document: &PolicyDocument) -> PermissionFacts {
        PermissionFacts {
            allows_full_admin: allows_full_admin(document),
            allows_service_wildcard: allows_service_wildcard(document),
            allows_kms_decrypt_all_keys: allows_kms_decrypt_all_keys(document),
        }
    }
}

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
    pub document: Permissions,
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
    pub default_document: Option<Permissions>,
}

// ---- raw shapes, as exported -------------------------------------------
//
// These structs accept exactly what `schemas/authorization-details.schema.json`
// accepts (a test mutates every field of a page and checks that both agree):
// a page that deserializes into them needs no schema pass, and one that does
// not is handed to the schema, whose JSON pointers say what is wrong. Fields
// iam-audit does not use are still typed, so that a wrong type is refused as
// the schema refuses it; `non_null` refuses the `null` that `Option` would take
// for an absent key.

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawPage<'a> {
    #[serde(borrow, default, deserialize_with = "non_null")]
    user_detail_list: Option<Vec<Obj<RawUser<'a>>>>,
    #[serde(borrow, default, deserialize_with = "non_null")]
    group_detail_list: Option<Vec<Obj<RawGroup<'a>>>>,
    #[serde(borrow, default, deserialize_with = "non_null")]
    role_detail_list: Option<Vec<Obj<RawRole<'a>>>>,
    #[serde(borrow, default, deserialize_with = "non_null")]
    policies: Option<Vec<Obj<RawPolicy<'a>>>>,
    #[serde(default, deserialize_with = "non_null")]
    is_truncated: Option<bool>,
    #[serde(default, deserialize_with = "non_null")]
    #[allow(dead_code)] // typed only to be checked
    marker: Option<String>,
}

/// A struct that must be written as a JSON object: serde's derived structs
/// also take an array of the fields in order, which the schema refuses.
struct Obj<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectOnly<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for ObjectOnly<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        deserializer
            .deserialize_map(ObjectOnly(std::marker::PhantomData))
            .map(Obj)
    }
}

/// A present key's value must not be `null` (absent is fine).
fn non_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// A policy document as exported: a JSON object, or a string (URL-encoded
/// or plain JSON), borrowed as its JSON text from the file's and decoded by
/// `parse_document` only when used: the versions of a managed policy that
/// are not the default are never read, and no document is copied.
struct RawDocument<'a>(&'a RawValue);

impl<'de: 'a, 'a> Deserialize<'de> for RawDocument<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <&'a RawValue>::deserialize(deserializer)?;
        if raw.get().trim_start().starts_with(['{', '"']) {
            Ok(RawDocument(raw))
        } else {
            Err(serde::de::Error::custom(
                "a policy document is a JSON object or a string",
            ))
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawUser<'a> {
    user_name: String,
    arn: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    user_id: String,
    #[serde(default, deserialize_with = "non_null")]
    create_date: Option<String>,
    #[serde(borrow, default)]
    user_policy_list: Vec<Obj<RawInline<'a>>>,
    #[serde(default)]
    group_list: Vec<String>,
    #[serde(default)]
    attached_managed_policies: Vec<Obj<RawAttached>>,
    #[serde(default, deserialize_with = "non_null")]
    permissions_boundary: Option<Obj<RawBoundary>>,
    #[serde(default)]
    tags: Vec<Obj<RawTag>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawGroup<'a> {
    group_name: String,
    arn: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    group_id: String,
    #[serde(default, deserialize_with = "non_null")]
    create_date: Option<String>,
    #[serde(borrow, default)]
    group_policy_list: Vec<Obj<RawInline<'a>>>,
    #[serde(default)]
    attached_managed_policies: Vec<Obj<RawAttached>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawRole<'a> {
    role_name: String,
    arn: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    role_id: String,
    #[serde(default, deserialize_with = "non_null")]
    create_date: Option<String>,
    #[serde(borrow)]
    assume_role_policy_document: RawDocument<'a>,
    #[serde(default, deserialize_with = "non_null")]
    #[allow(dead_code)] // typed only to be checked
    instance_profile_list: Option<Vec<serde::de::IgnoredAny>>,
    #[serde(borrow, default)]
    role_policy_list: Vec<Obj<RawInline<'a>>>,
    #[serde(default)]
    attached_managed_policies: Vec<Obj<RawAttached>>,
    #[serde(default, deserialize_with = "non_null")]
    permissions_boundary: Option<Obj<RawBoundary>>,
    #[serde(default)]
    tags: Vec<Obj<RawTag>>,
    #[serde(default, deserialize_with = "non_null")]
    role_last_used: Option<Obj<RawRoleLastUsed>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)] // some fields are typed only to be checked
struct RawPolicy<'a> {
    policy_name: String,
    arn: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    policy_id: String,
    #[serde(default)]
    default_version_id: String,
    attachment_count: Option<i64>,
    permissions_boundary_usage_count: Option<i64>,
    is_attachable: Option<bool>,
    description: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    create_date: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    update_date: Option<String>,
    #[serde(borrow)]
    policy_version_list: Vec<Obj<RawPolicyVersion<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawPolicyVersion<'a> {
    #[serde(borrow, default, deserialize_with = "non_null")]
    document: Option<RawDocument<'a>>,
    #[serde(default)]
    version_id: String,
    is_default_version: bool,
    #[serde(default, deserialize_with = "non_null")]
    #[allow(dead_code)] // typed only to be checked
    create_date: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawInline<'a> {
    policy_name: String,
    #[serde(borrow)]
    policy_document: RawDocument<'a>,
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
    #[serde(default)]
    #[allow(dead_code)] // typed only to be checked
    permissions_boundary_type: String,
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
    #[serde(default, deserialize_with = "non_null")]
    last_used_date: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // typed only to be checked
    region: String,
}

/// Does this JSON value look like one page (or the merged output) of the
/// export? Used by content detection.
pub fn looks_like_page(value: &Value) -> bool {
    match value {
        Value::Object(map) => PAGE_KEYS.iter().any(|k| map.contains_key(*k)),
        _ => false,
    }
}

/// The top-level keys of which a page has at least one.
pub const PAGE_KEYS: [&str; 4] = [
    "UserDetailList",
    "GroupDetailList",
    "RoleDetailList",
    "Policies",
];

/// One page as read from one file (a file may hold an array of pages; then
/// `pointer` is `/0`, `/1`, ...), its entries converted as it was read: the
/// raw entries borrow their policy documents from the file's text, which is
/// freed once its pages are read.
pub struct Page {
    file: String,
    pointer: String,
    is_truncated: bool,
    users: Option<Vec<Entry<UserDetail>>>,
    groups: Option<Vec<Entry<GroupDetail>>>,
    roles: Option<Vec<Entry<RoleDetail>>>,
    policies: Option<Vec<Entry<ManagedPolicyDetail>>>,
}

/// One entry of a page's list: its ARN (to find repeats across pages) and
/// what it converted to, or why it did not.
type Entry<T> = (String, Result<T, InputError>);

impl Page {
    pub fn is_truncated(&self) -> bool {
        self.is_truncated
    }

    pub fn file(&self) -> &str {
        &self.file
    }

    pub fn pointer(&self) -> &str {
        &self.pointer
    }
}

/// Reads one page whose shape the JSON Schema already accepted, at
/// `pointer` in `file` (`""` for a whole file, `/N` in an array of pages).
pub fn read_page(file: &str, pointer: &str, value: &Value) -> Result<Page, InputError> {
    let invalid = |e: serde_json::Error| {
        InputError::new(
            file,
            Location::Pointer(pointer.to_string()),
            format!("not a valid authorization details page: {e}"),
        )
    };
    // Back to text: documents are kept as JSON text. Only the rare files
    // that hold an array of pages come this way.
    let text = serde_json::to_string(value).map_err(invalid)?;
    read_page_text(file, pointer, &text).map_err(invalid)
}

/// Reads one page straight from JSON text that [`crate::evidence::json::check`]
/// accepted (so no key repeats), without building a `Value` of the whole
/// file. An error when the text does not have the page's shape: the caller
/// then asks the JSON Schema what is wrong.
pub fn read_page_text(file: &str, pointer: &str, text: &str) -> Result<Page, serde_json::Error> {
    let raw: RawPage<'_> = serde_json::from_str(text)?;
    // Each entry of a list is converted at `{pointer}/{list}/{index}` and
    // keyed by its ARN.
    fn entries<R: Listed, T>(
        (file, pointer, name): (&str, &str, &str),
        list: Option<Vec<Obj<R>>>,
        one: fn(&str, &str, R) -> Result<T, InputError>,
    ) -> Option<Vec<Entry<T>>> {
        list.map(|list| {
            list.into_iter()
                .enumerate()
                .map(|(i, Obj(raw))| {
                    let arn = raw.arn().to_string();
                    (arn, one(file, &format!("{pointer}/{name}/{i}"), raw))
                })
                .collect()
        })
    }
    let list = |name| (file, pointer, name);
    Ok(Page {
        file: file.to_string(),
        pointer: pointer.to_string(),
        is_truncated: raw.is_truncated == Some(true),
        users: entries(list("UserDetailList"), raw.user_detail_list, user),
        groups: entries(list("GroupDetailList"), raw.group_detail_list, group),
        roles: entries(list("RoleDetailList"), raw.role_detail_list, role),
        policies: entries(list("Policies"), raw.policies, policy),
    })
}

/// An entry of one of a page's lists: each is known by its ARN.
trait Listed {
    fn arn(&self) -> &str;
}

macro_rules! listed {
    ($($raw:ident),*) => {$(
        impl Listed for $raw<'_> {
            fn arn(&self) -> &str {
                &self.arn
            }
        }
    )*};
}

listed!(RawUser, RawGroup, RawRole, RawPolicy);

/// Merges the pages of one account's export. Exactly one page may lack
/// `IsTruncated: true` (the last one); an entity found twice is an error.
pub fn merge_pages(pages: Vec<Page>) -> Result<AuthorizationDetails, Vec<InputError>> {
    let mut errors = Vec::new();
    let complete: Vec<&Page> = pages.iter().filter(|p| !p.is_truncated()).collect();
    match complete.len() {
        0 => {
            let where_ = named_pages(pages.iter());
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
            let names = named_pages(complete.iter().copied());
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

    // Each kind of entity is gathered on its own; the errors are then put
    // back in the order of the pages and, within a page, of the lists.
    let mut users = Vec::new();
    let mut groups = Vec::new();
    let mut roles = Vec::new();
    let mut policies = Vec::new();
    for (index, page) in pages.into_iter().enumerate() {
        let Page {
            file,
            pointer,
            users: page_users,
            groups: page_groups,
            roles: page_roles,
            policies: page_policies,
            ..
        } = page;
        let at = |list| (index, file.clone(), format!("{pointer}/{list}"));
        if let Some(list) = page_users {
            users.push((at("UserDetailList"), list));
        }
        if let Some(list) = page_groups {
            groups.push((at("GroupDetailList"), list));
        }
        if let Some(list) = page_roles {
            roles.push((at("RoleDetailList"), list));
        }
        if let Some(list) = page_policies {
            policies.push((at("Policies"), list));
        }
    }
    let (users, user_errors) = gather("user", users);
    let (groups, group_errors) = gather("group", groups);
    let (roles, role_errors) = gather("role", roles);
    let (policies, policy_errors) = gather("policy", policies);
    // (page, list) → errors, in the order the lists appear in a page.
    let mut placed: Vec<((usize, u8), Vec<InputError>)> = Vec::new();
    for (order, list_errors) in [user_errors, group_errors, role_errors, policy_errors]
        .into_iter()
        .enumerate()
    {
        placed.extend(
            list_errors
                .into_iter()
                .map(|(page, es)| ((page, order as u8), es)),
        );
    }
    placed.sort_by_key(|(key, _)| *key);
    errors.extend(placed.into_iter().flat_map(|(_, es)| es));
    if errors.is_empty() {
        Ok(AuthorizationDetails {
            users,
            groups,
            roles,
            policies,
        })
    } else {
        Err(errors)
    }
}

/// Pages as a message lists them: `` `file/pointer` ``, comma-separated.
fn named_pages<'a>(pages: impl Iterator<Item = &'a Page>) -> String {
    pages
        .map(|p| format!("`{}{}`", p.file, p.pointer))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where a list sits: the page's index, its file, and the list's pointer.
type ListAt = (usize, String, String);

/// One kind of entity, gathered: the entries (`None` when no page has the
/// list) and, per page index, that page's errors.
type Gathered<T> = (Option<Vec<T>>, Vec<(usize, Vec<InputError>)>);

/// The converted entries of one kind of list across pages, and the errors
/// per page: an entry that did not convert, or an ARN seen before (`what`
/// names the kind). `None` when no page has the list.
fn gather<T>(what: &'static str, lists: Vec<(ListAt, Vec<Entry<T>>)>) -> Gathered<T> {
    if lists.is_empty() {
        return (None, Vec::new());
    }
    let mut out = Vec::with_capacity(lists.iter().map(|(_, l)| l.len()).sum());
    let mut errors = Vec::new();
    // ARN → where it was first seen: (list, entry), written out only for a
    // repeat, which is rare.
    let mut seen: HashMap<String, (usize, usize)> = HashMap::new();
    let places: Vec<(String, String)> = lists
        .iter()
        .map(|((_, file, pointer), _)| (file.clone(), pointer.clone()))
        .collect();
    for (n, ((page, file, pointer), list)) in lists.into_iter().enumerate() {
        let mut page_errors = Vec::new();
        for (i, (arn, converted)) in list.into_iter().enumerate() {
            if let Some(&(first_list, first_entry)) = seen.get(&arn) {
                let (first_file, first_pointer) = &places[first_list];
                page_errors.push(
                    InputError::new(
                        file.as_str(),
                        Location::Pointer(format!("{pointer}/{i}/Arn")),
                        format!("{what} `{arn}` appears twice in the authorization details (first in `{first_file}` at `{first_pointer}/{first_entry}`)"),
                    )
                    .with_help("pages of one export never repeat an entity: are two different exports in the same snapshot folder?"),
                );
            } else {
                seen.insert(arn, (n, i));
            }
            match converted {
                Ok(t) => out.push(t),
                Err(e) => page_errors.push(e),
            }
        }
        errors.push((page, page_errors));
    }
    (Some(out), errors)
}

/// A timestamp at `{at}{key}`; the pointer is written only for an error
/// (writing it for each of 10,000 timestamps was a measurable cost).
fn timestamp(
    file: &str,
    (at, key): (&str, &str),
    text: Option<&str>,
) -> Result<Option<Timestamp>, InputError> {
    match text {
        None => Ok(None),
        Some(t) => Timestamp::parse(t)
            .map(Some)
            .map_err(|e| InputError::new(file, Location::Pointer(format!("{at}{key}")), e)),
    }
}

/// The document at the pointer `at` gives, which is written only for a
/// problem: most documents have none.
fn document(file: &str, at: impl Fn() -> String, raw: &RawDocument) -> Document {
    let problem = |pointer: &str, message: String| DocumentProblem {
        file: file.to_string(),
        pointer: format!("{}{pointer}", at()),
        message,
    };
    // Most documents are plain and read straight from their text; the rest
    // take the general path, which reads them or says what is wrong.
    if let Some(document) = crate::evidence::policy_text::read(raw.0.get()) {
        return Ok(document);
    }
    // The text was checked when the file was read; this cannot fail short of
    // a bug, and would then be this document's problem, not a panic.
    let value = crate::evidence::json::from_str(raw.0.get())
        .map_err(|e| problem("", format!("cannot read the document: {e}")))?;
    parse_document(&value).map_err(|DocumentError { pointer, message }| problem(&pointer, message))
}

/// A permissions policy at the pointer `at` gives: read and checked as any
/// [`document`], kept as the facts the model reads of it.
fn permissions(file: &str, at: impl Fn() -> String, raw: &RawDocument) -> Permissions {
    document(file, at, raw).map(|doc| PermissionFacts::of(&doc))
}

/// The inline policies listed at `{at}{key}`. Two of one name in one
/// holder are an error naming both: IAM keys inline policies by name, so
/// an export never holds both, and which one IAM enforces is not for the
/// tool to guess (each would also give results of the same id).
fn inline_policies(
    file: &str,
    (at, key): (&str, &str),
    list: Vec<Obj<RawInline<'_>>>,
) -> Result<Vec<InlinePolicy>, InputError> {
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(list.len());
    for (i, Obj(p)) in list.into_iter().enumerate() {
        if let Some(j) = first.insert(p.policy_name.clone(), i) {
            return Err(InputError::new(
                file,
                Location::Pointer(format!("{at}{key}/{i}/PolicyName")),
                format!(
                    "two inline policies named `{}` in one holder, at `{at}{key}/{j}` and `{at}{key}/{i}`",
                    crate::text::escape_text(&p.policy_name)
                ),
            )
            .with_help(
                "IAM names an identity's inline policies uniquely, so one of them is not what IAM enforces; export again",
            ));
        }
        out.push(InlinePolicy {
            document: permissions(
                file,
                || format!("{at}{key}/{i}/PolicyDocument"),
                &p.policy_document,
            ),
            name: p.policy_name,
        });
    }
    Ok(out)
}

fn attached(list: Vec<Obj<RawAttached>>) -> Vec<AttachedPolicy> {
    list.into_iter()
        .map(|Obj(a)| AttachedPolicy {
            name: a.policy_name,
            arn: a.policy_arn,
        })
        .collect()
}

fn tags(list: Vec<Obj<RawTag>>) -> Vec<(String, String)> {
    list.into_iter().map(|Obj(t)| (t.key, t.value)).collect()
}

fn user(file: &str, at: &str, u: RawUser<'_>) -> Result<UserDetail, InputError> {
    Ok(UserDetail {
        created: timestamp(file, (at, "/CreateDate"), u.create_date.as_deref())?,
        inline: inline_policies(file, (at, "/UserPolicyList"), u.user_policy_list)?,
        file: file.to_string(),
        pointer: at.to_string(),
        name: u.user_name,
        arn: u.arn,
        path: u.path,
        id: u.user_id,
        groups: u.group_list,
        attached: attached(u.attached_managed_policies),
        permissions_boundary: u
            .permissions_boundary
            .map(|Obj(b)| b.permissions_boundary_arn),
        tags: tags(u.tags),
    })
}

fn group(file: &str, at: &str, g: RawGroup<'_>) -> Result<GroupDetail, InputError> {
    Ok(GroupDetail {
        created: timestamp(file, (at, "/CreateDate"), g.create_date.as_deref())?,
        inline: inline_policies(file, (at, "/GroupPolicyList"), g.group_policy_list)?,
        file: file.to_string(),
        pointer: at.to_string(),
        name: g.group_name,
        arn: g.arn,
        path: g.path,
        id: g.group_id,
        attached: attached(g.attached_managed_policies),
    })
}

fn role(file: &str, at: &str, r: RawRole<'_>) -> Result<RoleDetail, InputError> {
    let trust_policy = document(
        file,
        || format!("{at}/AssumeRolePolicyDocument"),
        &r.assume_role_policy_document,
    );
    let last_used = timestamp(
        file,
        (at, "/RoleLastUsed/LastUsedDate"),
        r.role_last_used
            .as_ref()
            .and_then(|Obj(l)| l.last_used_date.as_deref()),
    )?;
    Ok(RoleDetail {
        created: timestamp(file, (at, "/CreateDate"), r.create_date.as_deref())?,
        inline: inline_policies(file, (at, "/RolePolicyList"), r.role_policy_list)?,
        file: file.to_string(),
        pointer: at.to_string(),
        name: r.role_name,
        arn: r.arn,
        path: r.path,
        id: r.role_id,
        trust_policy,
        attached: attached(r.attached_managed_policies),
        permissions_boundary: r
            .permissions_boundary
            .map(|Obj(b)| b.permissions_boundary_arn),
        tags: tags(r.tags),
        last_used,
    })
}

fn policy(file: &str, at: &str, p: RawPolicy<'_>) -> Result<ManagedPolicyDetail, InputError> {
    // Only the default version is in force. `IsDefaultVersion` and
    // `DefaultVersionId` say the same thing; accept either.
    let default = p
        .policy_version_list
        .iter()
        .enumerate()
        .find(|(_, Obj(v))| {
            v.is_default_version
                || (!p.default_version_id.is_empty() && v.version_id == p.default_version_id)
        });
    let default_document = default.map(|(i, Obj(v))| {
        let doc_at = || format!("{at}/PolicyVersionList/{i}/Document");
        match &v.document {
            Some(d) => permissions(file, doc_at, d),
            None => Err(DocumentProblem {
                file: file.to_string(),
                pointer: doc_at(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::schemas::{self, SchemaKind};
    use serde_json::json;

    /// A page with every key the schema describes.
    fn full_page() -> Value {
        let doc = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]});
        json!({
            "UserDetailList": [{
                "Path": "/", "UserName": "alice", "UserId": "AIDA1",
                "Arn": "arn:aws:iam::111122223333:user/alice",
                "CreateDate": "2020-01-01T00:00:00Z",
                "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": doc}],
                "GroupList": ["admins"],
                "AttachedManagedPolicies": [{"PolicyName": "p", "PolicyArn": "arn:aws:iam::111122223333:policy/p"}],
                "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::111122223333:policy/b"},
                "Tags": [{"Key": "team", "Value": "a"}]
            }],
            "GroupDetailList": [{
                "Path": "/", "GroupName": "admins", "GroupId": "AGPA1",
                "Arn": "arn:aws:iam::111122223333:group/admins",
                "CreateDate": "2020-01-01T00:00:00Z",
                "GroupPolicyList": [{"PolicyName": "g", "PolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"}],
                "AttachedManagedPolicies": []
            }],
            "RoleDetailList": [{
                "Path": "/", "RoleName": "r", "RoleId": "AROA1",
                "Arn": "arn:aws:iam::111122223333:role/r",
                "CreateDate": "2020-01-01T00:00:00Z",
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
                "InstanceProfileList": [{"anything": 1}],
                "RolePolicyList": [],
                "AttachedManagedPolicies": [],
                "PermissionsBoundary": {"PermissionsBoundaryArn": "arn:aws:iam::111122223333:policy/b"},
                "Tags": [],
                "RoleLastUsed": {"LastUsedDate": "2024-01-01T00:00:00Z", "Region": "us-east-1"}
            }],
            "Policies": [{
                "PolicyName": "p", "PolicyId": "ANPA1",
                "Arn": "arn:aws:iam::111122223333:policy/p",
                "Path": "/", "DefaultVersionId": "v2", "AttachmentCount": 1,
                "PermissionsBoundaryUsageCount": null, "IsAttachable": true,
                "Description": "d", "CreateDate": "2020-01-01T00:00:00Z",
                "UpdateDate": "2020-01-02T00:00:00Z",
                "PolicyVersionList": [
                    {"Document": doc, "VersionId": "v2", "IsDefaultVersion": true, "CreateDate": "2020-01-02T00:00:00Z"},
                    {"VersionId": "v1", "IsDefaultVersion": false}
                ]
            }],
            "IsTruncated": false,
            "Marker": "m"
        })
    }

    /// Every pointer to a node of `value`.
    fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let p = format!("{at}/{k}");
                    out.push(p.clone());
                    pointers(v, p, out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    let p = format!("{at}/{i}");
                    out.push(p.clone());
                    pointers(v, p, out);
                }
            }
            _ => {}
        }
    }

    fn verdicts(page: &Value) -> (bool, bool) {
        let by_schema = schemas::check(SchemaKind::AuthorizationDetails, "f", "", page).is_ok();
        let text = serde_json::to_string(page).expect("serializes");
        let typed = read_page_text("f", "", &text).is_ok();
        (by_schema, typed)
    }

    /// The typed reader is the gate and the schema explains its refusals,
    /// so both must accept exactly the same pages: replace every node of a
    /// full page with every JSON type, and remove every key, and compare.
    #[test]
    fn typed_reading_accepts_exactly_what_the_schema_accepts() {
        let page = full_page();
        assert_eq!(verdicts(&page), (true, true));
        let mut all = Vec::new();
        pointers(&page, String::new(), &mut all);
        let replacements = [
            json!(null),
            json!(true),
            json!(7),
            json!(-7),
            json!(1.5),
            json!("text"),
            json!([]),
            json!(["text"]),
            json!({}),
            json!({"PolicyName": "x", "PolicyArn": "y"}),
        ];
        let mut compared = 0;
        for pointer in &all {
            for replacement in &replacements {
                let mut mutated = page.clone();
                *mutated.pointer_mut(pointer).expect("pointer exists") = replacement.clone();
                let (by_schema, typed) = verdicts(&mutated);
                assert_eq!(
                    by_schema, typed,
                    "`{pointer}` = {replacement}: schema says {by_schema}, typed reading says {typed}"
                );
                compared += 1;
            }
            // Remove the key (or array item).
            let (parent, last) = pointer.rsplit_once('/').expect("has a parent");
            let mut mutated = page.clone();
            match mutated.pointer_mut(parent).or(Some(&mut Value::Null)) {
                Some(Value::Object(map)) => {
                    map.remove(last);
                }
                Some(Value::Array(items)) => {
                    items.remove(last.parse::<usize>().expect("index"));
                }
                _ => {}
            }
            let (by_schema, typed) = verdicts(&mutated);
            assert_eq!(by_schema, typed, "without `{pointer}`");
            compared += 1;
        }
        assert!(compared > 1000, "{compared}");
    }

    #[test]
    fn a_struct_written_as_an_array_is_refused() {
        let page = json!({"UserDetailList": [["alice", "arn:aws:iam::1:user/alice"]]});
        assert_eq!(verdicts(&page), (false, false));
    }

    /// Pages that repeat users, roles and policies across files and within
    /// a list, with entries that do not convert: every repeat and every
    /// entry that does not convert is an error, in the order of the pages
    /// and, within a page, of the lists.
    #[test]
    fn merged_errors_follow_the_pages_and_their_lists() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/duplicate-entity-pages"
        );
        let page = |name: &str| {
            let text = std::fs::read_to_string(format!("{dir}/{name}")).expect("fixture");
            read_page_text(name, "", &text).expect("a page")
        };
        let mut bad: Value =
            serde_json::from_slice(&std::fs::read(format!("{dir}/page-2.json")).expect("fixture"))
                .expect("json");
        bad["IsTruncated"] = json!(true);
        bad["UserDetailList"][0]["CreateDate"] = json!("yesterday");
        let bad_role = bad["RoleDetailList"][0].clone();
        bad["RoleDetailList"]
            .as_array_mut()
            .expect("a list")
            .push(bad_role);
        let bad_text = serde_json::to_string(&bad).expect("prints");
        let pages = vec![
            page("page-1.json"),
            read_page_text("bad.json", "", &bad_text).expect("a page"),
            page("page-2.json"),
        ];
        let sequential: String = match merge_pages(pages) {
            Ok(d) => panic!("merged: {d:?}"),
            Err(es) => es.iter().map(|e| format!("{e}\n")).collect(),
        };
        for expected in ["user `", "role `", "policy `", "bad.json", "yesterday"] {
            assert!(sequential.contains(expected), "{expected}: {sequential}");
        }
        // Errors follow the pages, and within a page the lists.
        let user = sequential.find("bad.json: JSON pointer `/UserDetailList/0/CreateDate`");
        let role = sequential.find("bad.json: JSON pointer `/RoleDetailList/1/Arn`");
        let later_page = sequential.find("page-2.json: JSON pointer `/UserDetailList/0/Arn`");
        assert!(
            user.is_some() && user < role && role < later_page,
            "{sequential}"
        );
    }
}
