//! Typed IAM policy documents, parsed from the three forms exports use.
//!
//! `PolicyDocument`, `Document` and `AssumeRolePolicyDocument` arrive as a JSON
//! object (AWS CLI, boto3), as an RFC 3986 URL-encoded JSON string (the raw API
//! and most SDKs), or as a plain string holding JSON (hand-made dumps). All
//! three become one [`PolicyDocument`] here, so the analyses never see the
//! difference.
//!
//! The parser is strict about JSON types (a number where IAM expects a string
//! is a broken export, and guessing could turn a broken document into a
//! passing control) but tolerant of statement keys it does not know. Every
//! error carries a JSON pointer relative to the document root, so the caller
//! can append it to the pointer of the document inside its file.
//!
//! `serde_json` object iteration order depends on its `preserve_order`
//! feature (a dependency may switch it on). Nothing here depends on that order
//! for correctness: it only decides the order of principals and conditions,
//! and that order is deterministic in either build.

use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use crate::evidence::json::kind;
use crate::evidence::pointer::escape_pointer;

/// A parsed IAM policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDocument {
    /// `Version` as written (`2012-10-17`, `2008-10-17`); IAM defaults it when absent.
    pub version: Option<String>,
    pub statements: Vec<Statement>,
}

/// One statement of a policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Position in the document's `Statement` array (0 for a lone object).
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    pub actions: ActionList,
    pub resources: ResourceList,
    /// The `Principal` element.
    pub principal: Option<Principal>,
    /// The `NotPrincipal` element.
    pub not_principal: Option<Principal>,
    /// In document order: operator order, then key order, as the JSON map iterates.
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

/// The `Action` or `NotAction` element (IAM forbids both in one statement).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionList {
    Action(Vec<String>),
    NotAction(Vec<String>),
    /// Neither element: the statement applies to no action.
    Missing,
}

impl ActionList {
    /// Whether a statement with this element applies to `action`
    /// (`NotAction` applies to every action none of its patterns match).
    pub fn covers(&self, action: &str) -> bool {
        match self {
            ActionList::Action(patterns) => patterns.iter().any(|p| action_matches(p, action)),
            ActionList::NotAction(patterns) => !patterns.iter().any(|p| action_matches(p, action)),
            ActionList::Missing => false,
        }
    }
}

/// The `Resource` or `NotResource` element. Trust policies have neither.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceList {
    Resource(Vec<String>),
    NotResource(Vec<String>),
    Missing,
}

/// A `Principal` or `NotPrincipal` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// The bare string `"*"`.
    Any,
    /// Each value of each key, in order. `{"AWS": "*"}` stays here: deciding
    /// that it means "anyone" is the analysis' job, not the parser's.
    Keyed(Vec<(PrincipalKey, String)>),
}

/// A key of a principal object. Only the exact AWS casing is recognized
/// because IAM itself rejects `aws` or `service`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PrincipalKey {
    Aws,
    Service,
    Federated,
    CanonicalUser,
    Other(String),
}

impl PrincipalKey {
    pub(crate) fn from_name(name: &str) -> PrincipalKey {
        match name {
            "AWS" => PrincipalKey::Aws,
            "Service" => PrincipalKey::Service,
            "Federated" => PrincipalKey::Federated,
            "CanonicalUser" => PrincipalKey::CanonicalUser,
            other => PrincipalKey::Other(other.to_string()),
        }
    }

    /// The key as it appears in a document.
    pub fn as_str(&self) -> &str {
        match self {
            PrincipalKey::Aws => "AWS",
            PrincipalKey::Service => "Service",
            PrincipalKey::Federated => "Federated",
            PrincipalKey::CanonicalUser => "CanonicalUser",
            PrincipalKey::Other(name) => name,
        }
    }
}

/// One (operator, key) pair of a `Condition` block with its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// As written; IAM compares operator names case-insensitively.
    pub operator: String,
    /// As written; IAM compares key names case-insensitively.
    pub key: String,
    /// JSON booleans and numbers rendered as text (`true` becomes `"true"`),
    /// because IAM compares them as the strings they print as.
    pub values: Vec<String>,
}

/// A document that cannot be read. `pointer` is an RFC 6901 JSON pointer
/// relative to the document root (`""` is the whole document); `message` is
/// lowercase with user input in backticks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", render_error(.pointer, .message))]
pub struct DocumentError {
    pub pointer: String,
    pub message: String,
}

impl DocumentError {
    fn new(pointer: &str, message: impl Into<String>) -> DocumentError {
        DocumentError {
            pointer: pointer.to_string(),
            message: message.into(),
        }
    }

    /// The pointer under `base`, the pointer of the document inside its file
    /// (e.g. `/RoleDetailList/3/AssumeRolePolicyDocument`).
    pub fn pointer_under(&self, base: &str) -> String {
        format!("{base}{}", self.pointer)
    }
}

fn render_error(pointer: &str, message: &str) -> String {
    if pointer.is_empty() {
        message.to_string()
    } else {
        format!("at `{pointer}`: {message}")
    }
}

/// Parses a policy document in any of its three forms.
pub fn parse_document(value: &Value) -> Result<PolicyDocument, DocumentError> {
    match value {
        Value::Object(map) => parse_object(map),
        Value::String(text) => match decode_string(text)? {
            Value::Object(map) => parse_object(&map),
            other => Err(DocumentError::new(
                "",
                format!(
                    "expected the string to hold a policy document (a JSON object), found {}",
                    kind(&other)
                ),
            )),
        },
        other => Err(DocumentError::new(
            "",
            format!(
                "expected a policy document (a JSON object or a string holding one), found {}",
                kind(other)
            ),
        )),
    }
}

/// Turns the string forms into JSON. Detection is by the first character:
/// JSON text starts with `{`, a URL-encoded object starts with `%7B`; nothing
/// else is a policy document, and guessing further would hide broken exports.
fn decode_string(text: &str) -> Result<Value, DocumentError> {
    let trimmed = text.trim();
    if trimmed.starts_with('{') {
        crate::evidence::json::from_str(trimmed).map_err(|e| {
            DocumentError::new(
                "",
                format!("the policy document string is not valid JSON: {e}"),
            )
        })
    } else if trimmed.starts_with('%') {
        // Percent escapes only: RFC 3986 encoding keeps `+` literal, unlike
        // form encoding, and IAM documents can contain a real `+`.
        let decoded = percent_decode_str(trimmed).decode_utf8().map_err(|_| {
            DocumentError::new(
                "",
                "the URL-encoded policy document does not decode to UTF-8 text",
            )
        })?;
        crate::evidence::json::from_str(&decoded).map_err(|e| {
            DocumentError::new(
                "",
                format!("the URL-encoded policy document is not valid JSON once decoded: {e}"),
            )
        })
    } else {
        Err(DocumentError::new(
            "",
            format!(
                "expected a policy document (a JSON object, a JSON string or a URL-encoded one \
                 starting with `%7B`), found the string `{}`",
                quote(trimmed)
            ),
        ))
    }
}

fn parse_object(map: &Map<String, Value>) -> Result<PolicyDocument, DocumentError> {
    let version = optional_string(map, "Version", "")?;
    let statements = match map.get("Statement") {
        None => {
            return Err(DocumentError::new(
                "",
                "the policy document has no `Statement` element",
            ))
        }
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| parse_statement(item, i, &format!("/Statement/{i}")))
            .collect::<Result<Vec<_>, _>>()?,
        Some(item @ Value::Object(_)) => vec![parse_statement(item, 0, "/Statement")?],
        Some(other) => {
            return Err(DocumentError::new(
                "/Statement",
                format!(
                    "expected an object or an array of objects, found {}",
                    kind(other)
                ),
            ))
        }
    };
    Ok(PolicyDocument {
        version,
        statements,
    })
}

fn parse_statement(value: &Value, index: usize, ptr: &str) -> Result<Statement, DocumentError> {
    let Value::Object(map) = value else {
        return Err(DocumentError::new(
            ptr,
            format!("expected a statement object, found {}", kind(value)),
        ));
    };
    let sid = optional_string(map, "Sid", ptr)?;
    let effect = parse_effect(map, ptr)?;
    let actions = match either(map, "Action", "NotAction", ptr)? {
        Either::First(list) => ActionList::Action(list),
        Either::Second(list) => ActionList::NotAction(list),
        Either::Neither => ActionList::Missing,
    };
    let resources = match either(map, "Resource", "NotResource", ptr)? {
        Either::First(list) => ResourceList::Resource(list),
        Either::Second(list) => ResourceList::NotResource(list),
        Either::Neither => ResourceList::Missing,
    };
    if map.contains_key("Principal") && map.contains_key("NotPrincipal") {
        // IAM rejects this; accepting it would leave the analyses to guess
        // which of the two the author meant.
        return Err(DocumentError::new(
            ptr,
            "the statement has both `Principal` and `NotPrincipal`",
        ));
    }
    let principal = map
        .get("Principal")
        .map(|v| parse_principal(v, &child(ptr, "Principal")))
        .transpose()?;
    let not_principal = map
        .get("NotPrincipal")
        .map(|v| parse_principal(v, &child(ptr, "NotPrincipal")))
        .transpose()?;
    let conditions = match map.get("Condition") {
        Some(v) => parse_conditions(v, &child(ptr, "Condition"))?,
        None => Vec::new(),
    };
    Ok(Statement {
        index,
        sid,
        effect,
        actions,
        resources,
        principal,
        not_principal,
        conditions,
    })
}

fn parse_effect(map: &Map<String, Value>, ptr: &str) -> Result<Effect, DocumentError> {
    let at = child(ptr, "Effect");
    match map.get("Effect") {
        None => Err(DocumentError::new(
            ptr,
            "the statement has no `Effect` element",
        )),
        // IAM compares the effect case-sensitively and rejects `allow`; so do we,
        // rather than read a document IAM would never have accepted.
        Some(Value::String(s)) if s == "Allow" => Ok(Effect::Allow),
        Some(Value::String(s)) if s == "Deny" => Ok(Effect::Deny),
        Some(Value::String(s)) => Err(DocumentError::new(
            &at,
            format!(
                "`{}` is not an effect (expected `Allow` or `Deny`, which IAM compares case-sensitively)",
                quote(s)
            ),
        )),
        Some(other) => Err(DocumentError::new(
            &at,
            format!("expected the string `Allow` or `Deny`, found {}", kind(other)),
        )),
    }
}

enum Either {
    First(Vec<String>),
    Second(Vec<String>),
    Neither,
}

/// Reads one of two mutually exclusive string-list elements (`Action` /
/// `NotAction`, `Resource` / `NotResource`).
fn either(
    map: &Map<String, Value>,
    first: &str,
    second: &str,
    ptr: &str,
) -> Result<Either, DocumentError> {
    match (map.get(first), map.get(second)) {
        (Some(_), Some(_)) => Err(DocumentError::new(
            ptr,
            format!("the statement has both `{first}` and `{second}`"),
        )),
        (Some(v), None) => Ok(Either::First(string_list(v, &child(ptr, first))?)),
        (None, Some(v)) => Ok(Either::Second(string_list(v, &child(ptr, second))?)),
        (None, None) => Ok(Either::Neither),
    }
}

fn parse_principal(value: &Value, ptr: &str) -> Result<Principal, DocumentError> {
    match value {
        Value::String(s) if s == "*" => Ok(Principal::Any),
        // IAM allows no other bare string (`"Principal": "arn:..."` is rejected).
        Value::String(s) => Err(DocumentError::new(
            ptr,
            format!(
                "expected `*` or an object such as `{{\"AWS\": ...}}`, found the string `{}`",
                quote(s)
            ),
        )),
        Value::Object(keys) => {
            let mut entries = Vec::new();
            for (name, values) in keys {
                let key = PrincipalKey::from_name(name);
                for v in string_list(values, &child(ptr, name))? {
                    entries.push((key.clone(), v));
                }
            }
            Ok(Principal::Keyed(entries))
        }
        other => Err(DocumentError::new(
            ptr,
            format!(
                "expected `*` or an object of principal keys, found {}",
                kind(other)
            ),
        )),
    }
}

fn parse_conditions(value: &Value, ptr: &str) -> Result<Vec<Condition>, DocumentError> {
    let Value::Object(operators) = value else {
        return Err(DocumentError::new(
            ptr,
            format!(
                "expected an object of condition operators, found {}",
                kind(value)
            ),
        ));
    };
    let mut conditions = Vec::new();
    for (operator, keys) in operators {
        let op_ptr = child(ptr, operator);
        let Value::Object(keys) = keys else {
            return Err(DocumentError::new(
                &op_ptr,
                format!("expected an object of condition keys, found {}", kind(keys)),
            ));
        };
        for (key, values) in keys {
            conditions.push(Condition {
                operator: operator.clone(),
                key: key.clone(),
                values: condition_values(values, &child(&op_ptr, key))?,
            });
        }
    }
    Ok(conditions)
}

/// Condition values may be strings, booleans or numbers, alone or in an
/// array (mixed arrays included); IAM matches them as text.
fn condition_values(value: &Value, ptr: &str) -> Result<Vec<String>, DocumentError> {
    const EXPECTED: &str = "expected a string, boolean or number, or an array of them";
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                scalar_text(item).ok_or_else(|| {
                    DocumentError::new(
                        &format!("{ptr}/{i}"),
                        format!("expected a string, boolean or number, found {}", kind(item)),
                    )
                })
            })
            .collect(),
        other => scalar_text(other)
            .map(|text| vec![text])
            .ok_or_else(|| DocumentError::new(ptr, format!("{EXPECTED}, found {}", kind(other)))),
    }
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn string_list(value: &Value, ptr: &str) -> Result<Vec<String>, DocumentError> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(DocumentError::new(
                    &format!("{ptr}/{i}"),
                    format!("expected a string, found {}", kind(other)),
                )),
            })
            .collect(),
        other => Err(DocumentError::new(
            ptr,
            format!(
                "expected a string or an array of strings, found {}",
                kind(other)
            ),
        )),
    }
}

fn optional_string(
    map: &Map<String, Value>,
    name: &str,
    ptr: &str,
) -> Result<Option<String>, DocumentError> {
    match map.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(DocumentError::new(
            &child(ptr, name),
            format!("expected a string, found {}", kind(other)),
        )),
    }
}

/// Appends one reference token, escaped per RFC 6901: condition keys such as
/// `aws:PrincipalTag/team` contain `/`.
fn child(ptr: &str, token: &str) -> String {
    format!("{ptr}/{}", escape_pointer(token))
}

/// User input for a message: shortened, with control characters and
/// backticks escaped so it cannot break out of its backtick quotes or the line.
fn quote(text: &str) -> String {
    const MAX_CHARS: usize = 80;
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == MAX_CHARS {
            out.push('…');
            break;
        }
        if c == '`' || c.is_control() {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// CIS "full administrative privileges": some `Allow` statement whose
/// `Action` (not `NotAction`) contains `*` or `*:*` and whose `Resource`
/// contains `*`. Conditions are ignored, as CIS ignores them.
pub fn allows_full_admin(doc: &PolicyDocument) -> bool {
    doc.statements.iter().any(|s| {
        s.effect == Effect::Allow
            && matches!(&s.actions, ActionList::Action(a) if a.iter().any(|a| a == "*" || a == "*:*"))
            && matches!(&s.resources, ResourceList::Resource(r) if r.iter().any(|r| r == "*"))
    })
}

/// IAM action wildcard match: case-insensitive, `*` matches any run of
/// characters (empty included), `?` exactly one.
///
/// Greedy matching that remembers only the most recent `*`: when a later
/// literal fails, retrying from the last star is enough, because any match an
/// earlier star could make the later star can make too. That bounds the work
/// by pattern length × action length, so hostile patterns such as
/// `*a*a*a*a*b` cannot trigger exponential backtracking.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    let pattern: Vec<char> = pattern.to_lowercase().chars().collect();
    let action: Vec<char> = action.to_lowercase().chars().collect();
    let (mut p, mut a) = (0usize, 0usize);
    // (pattern position of the last `*`, action position it currently absorbs up to)
    let mut star: Option<(usize, usize)> = None;
    while let Some(&c) = action.get(a) {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, a));
                p += 1;
            }
            Some(&pc) if pc == '?' || pc == c => {
                p += 1;
                a += 1;
            }
            _ => match star {
                Some((sp, sa)) => {
                    // Let the last star absorb one more character and retry.
                    star = Some((sp, sa + 1));
                    p = sp + 1;
                    a = sa + 1;
                }
                None => return false,
            },
        }
    }
    while pattern.get(p) == Some(&'*') {
        p += 1;
    }
    p == pattern.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::{Duration, Instant};

    fn parse(value: Value) -> PolicyDocument {
        parse_document(&value).unwrap()
    }

    fn error(value: Value) -> DocumentError {
        parse_document(&value).unwrap_err()
    }

    fn trust_json() -> Value {
        json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "a+b",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
            }]
        })
    }

    fn expected_trust() -> PolicyDocument {
        PolicyDocument {
            version: Some("2012-10-17".into()),
            statements: vec![Statement {
                index: 0,
                sid: Some("a+b".into()),
                effect: Effect::Allow,
                actions: ActionList::Action(vec!["sts:AssumeRole".into()]),
                resources: ResourceList::Missing,
                principal: Some(Principal::Keyed(vec![(
                    PrincipalKey::Aws,
                    "arn:aws:iam::111122223333:root".into(),
                )])),
                not_principal: None,
                conditions: vec![Condition {
                    operator: "Bool".into(),
                    key: "aws:MultiFactorAuthPresent".into(),
                    values: vec!["true".into()],
                }],
            }],
        }
    }

    // ---- the three forms ----

    #[test]
    fn object_form() {
        assert_eq!(parse(trust_json()), expected_trust());
    }

    #[test]
    fn plain_json_string_form_with_surrounding_whitespace() {
        let text = format!("\n  {}  ", trust_json());
        assert_eq!(parse(Value::String(text)), expected_trust());
    }

    #[test]
    fn url_encoded_form_keeps_plus() {
        // `+` must stay `+` (RFC 3986, not form encoding); `%20` is a space.
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Sid%22%3A%22a+b%22%2C\
            %22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A111122223333%3Aroot%22%7D%2C\
            %22Action%22%3A%22sts%3AAssumeRole%22%2C%22Condition%22%3A%7B%22Bool%22%3A%7B%22aws%3AMultiFactorAuthPresent%22%3A\
            %22true%22%7D%7D%7D%5D%7D";
        assert_eq!(parse(json!(encoded)), expected_trust());
        let spaced = parse(json!(
            "%7B%22Statement%22%3A%7B%22Sid%22%3A%22x%20y%22%2C%22Effect%22%3A%22Deny%22%7D%7D"
        ));
        assert_eq!(spaced.statements[0].sid.as_deref(), Some("x y"));
    }

    #[test]
    fn url_encoded_invalid_utf8_is_an_error() {
        let e = error(json!("%7B%22Sid%22%3A%22%FF%22%7D"));
        assert_eq!(e.pointer, "");
        assert!(e.message.contains("UTF-8"), "{}", e.message);
    }

    #[test]
    fn url_encoded_invalid_json_is_an_error() {
        let e = error(json!("%7B%22Statement"));
        assert!(e.message.contains("not valid JSON"), "{}", e.message);
    }

    #[test]
    fn plain_string_with_invalid_json_is_an_error() {
        let e = error(json!("{\"Statement\": "));
        assert_eq!(e.pointer, "");
        assert!(e
            .message
            .starts_with("the policy document string is not valid JSON"));
    }

    #[test]
    fn string_of_other_text_is_an_error() {
        let e = error(json!("Version=2012-10-17"));
        assert_eq!(e.pointer, "");
        assert!(e.message.contains("`Version=2012-10-17`"), "{}", e.message);
    }

    #[test]
    fn string_holding_an_array_is_an_error() {
        let e = error(json!("%5B%5D"));
        assert_eq!(
            e.message,
            "expected the string to hold a policy document (a JSON object), found an array"
        );
    }

    #[test]
    fn non_object_non_string_is_an_error() {
        let e = error(json!(42));
        assert_eq!(e.pointer, "");
        assert!(e.message.ends_with("found a number"));
        assert!(error(Value::Null).message.ends_with("found null"));
    }

    // ---- statement shapes ----

    #[test]
    fn lone_statement_object_has_index_zero() {
        let doc = parse(json!({"Statement": {"Effect": "Allow", "Action": "s3:GetObject"}}));
        assert_eq!(doc.version, None);
        assert_eq!(doc.statements.len(), 1);
        assert_eq!(doc.statements[0].index, 0);
        // Pointers into a lone object carry no index.
        let e = error(json!({"Statement": {"Effect": "allow"}}));
        assert_eq!(e.pointer, "/Statement/Effect");
    }

    #[test]
    fn statement_indices_follow_the_array() {
        let doc = parse(json!({"Statement": [
            {"Effect": "Allow", "Action": "a:b"},
            {"Effect": "Deny", "NotAction": ["c:d", "e:*"], "NotResource": "arn:x"}
        ]}));
        assert_eq!(doc.statements[1].index, 1);
        assert_eq!(doc.statements[1].effect, Effect::Deny);
        assert_eq!(
            doc.statements[1].actions,
            ActionList::NotAction(vec!["c:d".into(), "e:*".into()])
        );
        assert_eq!(
            doc.statements[1].resources,
            ResourceList::NotResource(vec!["arn:x".into()])
        );
        assert_eq!(doc.statements[0].resources, ResourceList::Missing);
    }

    #[test]
    fn empty_statement_array_is_allowed() {
        assert!(parse(json!({"Statement": []})).statements.is_empty());
    }

    #[test]
    fn missing_statement_is_an_error() {
        let e = error(json!({"Version": "2012-10-17"}));
        assert_eq!(e.pointer, "");
        assert_eq!(e.message, "the policy document has no `Statement` element");
    }

    #[test]
    fn missing_action_is_tolerated() {
        let doc = parse(json!({"Statement": {"Effect": "Allow"}}));
        assert_eq!(doc.statements[0].actions, ActionList::Missing);
        assert!(!doc.statements[0].actions.covers("sts:AssumeRole"));
    }

    #[test]
    fn unknown_statement_keys_are_tolerated() {
        let doc = parse(
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Foo": [1, {}]}], "Id": "x"}),
        );
        assert_eq!(doc.statements.len(), 1);
    }

    #[test]
    fn empty_action_array_is_an_empty_list() {
        let doc = parse(json!({"Statement": {"Effect": "Allow", "Action": []}}));
        assert_eq!(doc.statements[0].actions, ActionList::Action(vec![]));
    }

    // ---- type errors and their pointers ----

    #[test]
    fn statement_of_wrong_type() {
        let e = error(json!({"Statement": "x"}));
        assert_eq!(e.pointer, "/Statement");
        assert_eq!(
            e.message,
            "expected an object or an array of objects, found a string"
        );
        let e = error(json!({"Statement": [{"Effect": "Allow"}, 3]}));
        assert_eq!(e.pointer, "/Statement/1");
        assert_eq!(e.message, "expected a statement object, found a number");
    }

    #[test]
    fn version_and_sid_must_be_strings() {
        let e = error(json!({"Version": 2012, "Statement": []}));
        assert_eq!(
            (e.pointer.as_str(), e.message.as_str()),
            ("/Version", "expected a string, found a number")
        );
        let e = error(json!({"Statement": [{"Sid": true, "Effect": "Allow"}]}));
        assert_eq!(e.pointer, "/Statement/0/Sid");
    }

    #[test]
    fn effect_errors() {
        let e = error(json!({"Statement": [{"Effect": "Allow"}, {"Action": "*"}]}));
        assert_eq!(e.pointer, "/Statement/1");
        assert_eq!(e.message, "the statement has no `Effect` element");

        let e = error(json!({"Statement": [{"Effect": "Allow"}, {"Effect": "allow"}]}));
        assert_eq!(e.pointer, "/Statement/1/Effect");
        assert!(
            e.message.starts_with("`allow` is not an effect"),
            "{}",
            e.message
        );

        let e = error(json!({"Statement": [{"Effect": ["Allow"]}]}));
        assert_eq!(e.pointer, "/Statement/0/Effect");
        assert_eq!(
            e.message,
            "expected the string `Allow` or `Deny`, found an array"
        );
    }

    #[test]
    fn action_errors() {
        let e = error(json!({"Statement": [{"Effect": "Allow", "Action": 5}]}));
        assert_eq!(e.pointer, "/Statement/0/Action");
        assert_eq!(
            e.message,
            "expected a string or an array of strings, found a number"
        );

        let e = error(json!({"Statement": [{"Effect": "Allow", "Action": ["a:b", null]}]}));
        assert_eq!(e.pointer, "/Statement/0/Action/1");
        assert_eq!(e.message, "expected a string, found null");

        let e = error(json!({"Statement": [{"Effect": "Allow", "NotAction": {}}]}));
        assert_eq!(e.pointer, "/Statement/0/NotAction");

        let e =
            error(json!({"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "s3:*"}]}));
        assert_eq!(e.pointer, "/Statement/0");
        assert_eq!(e.message, "the statement has both `Action` and `NotAction`");
    }

    #[test]
    fn resource_errors() {
        let e = error(json!({"Statement": [{"Effect": "Allow", "Resource": [true]}]}));
        assert_eq!(e.pointer, "/Statement/0/Resource/0");
        let e = error(json!({"Statement": [{"Effect": "Allow", "NotResource": 1.5}]}));
        assert_eq!(e.pointer, "/Statement/0/NotResource");
        let e =
            error(json!({"Statement": [{"Effect": "Allow", "Resource": "*", "NotResource": "*"}]}));
        assert_eq!(
            e.message,
            "the statement has both `Resource` and `NotResource`"
        );
    }

    #[test]
    fn principal_forms() {
        let doc = parse(json!({"Statement": [
            {"Effect": "Allow", "Principal": "*"},
            {"Effect": "Allow", "Principal": {"AWS": "*"}},
            {"Effect": "Deny", "NotPrincipal": {"AWS": ["111122223333", "AIDAEXAMPLE"],
                "CanonicalUser": "abc", "Federated": "cognito-identity.amazonaws.com",
                "Service": [], "Weird": "x"}}
        ]}));
        assert_eq!(doc.statements[0].principal, Some(Principal::Any));
        assert_eq!(
            doc.statements[1].principal,
            Some(Principal::Keyed(vec![(PrincipalKey::Aws, "*".into())]))
        );
        assert_eq!(doc.statements[2].principal, None);
        let Some(Principal::Keyed(entries)) = &doc.statements[2].not_principal else {
            panic!("expected keyed NotPrincipal");
        };
        // Keys were written in alphabetical order, so the order is the same
        // with or without serde_json's `preserve_order`.
        assert_eq!(
            entries,
            &vec![
                (PrincipalKey::Aws, "111122223333".to_string()),
                (PrincipalKey::Aws, "AIDAEXAMPLE".to_string()),
                (PrincipalKey::CanonicalUser, "abc".to_string()),
                (
                    PrincipalKey::Federated,
                    "cognito-identity.amazonaws.com".to_string()
                ),
                (PrincipalKey::Other("Weird".into()), "x".to_string()),
            ]
        );
        assert_eq!(PrincipalKey::Other("Weird".into()).as_str(), "Weird");
        assert_eq!(PrincipalKey::Aws.as_str(), "AWS");
    }

    #[test]
    fn principal_key_casing_is_exact() {
        let doc = parse(json!({"Statement": {"Effect": "Allow", "Principal": {"aws": "*"}}}));
        assert_eq!(
            doc.statements[0].principal,
            Some(Principal::Keyed(vec![(
                PrincipalKey::Other("aws".into()),
                "*".into()
            )]))
        );
    }

    #[test]
    fn principal_errors() {
        let e =
            error(json!({"Statement": [{"Effect": "Allow", "Principal": "arn:aws:iam::1:root"}]}));
        assert_eq!(e.pointer, "/Statement/0/Principal");
        assert!(
            e.message.contains("found the string `arn:aws:iam::1:root`"),
            "{}",
            e.message
        );

        let e = error(json!({"Statement": [{"Effect": "Allow", "Principal": 7}]}));
        assert_eq!(e.pointer, "/Statement/0/Principal");

        let e = error(json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["x", 1]}}]}));
        assert_eq!(e.pointer, "/Statement/0/Principal/AWS/1");

        let e =
            error(json!({"Statement": [{"Effect": "Deny", "NotPrincipal": {"Service": false}}]}));
        assert_eq!(e.pointer, "/Statement/0/NotPrincipal/Service");

        let e = error(
            json!({"Statement": [{"Effect": "Deny", "Principal": "*", "NotPrincipal": "*"}]}),
        );
        assert_eq!(e.pointer, "/Statement/0");
    }

    #[test]
    fn condition_values_render_as_text() {
        let doc = parse(json!({"Statement": {"Effect": "Allow", "Condition": {
            "Bool": {"aws:MultiFactorAuthPresent": true, "aws:SecureTransport": [false, "true"]},
            "NumericLessThan": {"aws:MultiFactorAuthAge": 3600, "x:y": [1.5, "2"]}
        }}}));
        let got: Vec<(&str, &str, Vec<&str>)> = doc.statements[0]
            .conditions
            .iter()
            .map(|c| {
                (
                    c.operator.as_str(),
                    c.key.as_str(),
                    c.values.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("Bool", "aws:MultiFactorAuthPresent", vec!["true"]),
                ("Bool", "aws:SecureTransport", vec!["false", "true"]),
                ("NumericLessThan", "aws:MultiFactorAuthAge", vec!["3600"]),
                ("NumericLessThan", "x:y", vec!["1.5", "2"]),
            ]
        );
    }

    #[test]
    fn condition_errors() {
        let e = error(json!({"Statement": [{"Effect": "Allow", "Condition": []}]}));
        assert_eq!(e.pointer, "/Statement/0/Condition");
        assert_eq!(
            e.message,
            "expected an object of condition operators, found an array"
        );

        let e = error(json!({"Statement": [{"Effect": "Allow", "Condition": {"Bool": "true"}}]}));
        assert_eq!(e.pointer, "/Statement/0/Condition/Bool");
        assert_eq!(
            e.message,
            "expected an object of condition keys, found a string"
        );

        let e =
            error(json!({"Statement": [{"Effect": "Allow", "Condition": {"Null": {"k": null}}}]}));
        assert_eq!(e.pointer, "/Statement/0/Condition/Null/k");
        assert_eq!(
            e.message,
            "expected a string, boolean or number, or an array of them, found null"
        );

        // `/` and `~` in keys are escaped in the pointer (RFC 6901).
        let e = error(json!({"Statement": [{"Effect": "Allow", "Condition":
            {"StringEquals": {"aws:PrincipalTag/team~x": ["a", {"b": 1}]}}}]}));
        assert_eq!(
            e.pointer,
            "/Statement/0/Condition/StringEquals/aws:PrincipalTag~1team~0x/1"
        );
        assert_eq!(
            e.message,
            "expected a string, boolean or number, found an object"
        );
    }

    #[test]
    fn error_display_and_pointer_under() {
        let e = error(json!({"Statement": [{"Effect": "Allow", "Action": 5}]}));
        assert_eq!(
            e.to_string(),
            "at `/Statement/0/Action`: expected a string or an array of strings, found a number"
        );
        assert_eq!(
            e.pointer_under("/RoleDetailList/2/AssumeRolePolicyDocument"),
            "/RoleDetailList/2/AssumeRolePolicyDocument/Statement/0/Action"
        );
        assert_eq!(error(json!(1)).to_string(), error(json!(1)).message);
    }

    #[test]
    fn quoted_input_cannot_break_out() {
        let e = error(json!({"Statement": {"Effect": "a`b\nc"}}));
        assert!(
            e.message.starts_with("`a\\u{60}b\\u{a}c` is not an effect"),
            "{}",
            e.message
        );
        let long = "x".repeat(200);
        let e = error(json!({"Statement": {"Effect": long}}));
        assert!(
            e.message.contains(&format!("`{}…`", "x".repeat(80))),
            "{}",
            e.message
        );
    }

    // ---- full admin ----

    fn admin(statement: Value) -> bool {
        allows_full_admin(&parse(json!({"Statement": statement})))
    }

    #[test]
    fn full_admin_detection() {
        assert!(admin(
            json!({"Effect": "Allow", "Action": "*", "Resource": "*"})
        ));
        assert!(admin(
            json!({"Effect": "Allow", "Action": ["*:*"], "Resource": "*"})
        ));
        assert!(admin(json!([
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Allow", "Action": ["iam:PassRole", "*"], "Resource": ["arn:aws:s3:::b", "*"]}
        ])));
        // Conditions are ignored (CIS definition).
        assert!(admin(
            json!({"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}})
        ));
    }

    #[test]
    fn not_full_admin() {
        assert!(!admin(
            json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
        ));
        assert!(!admin(
            json!({"Effect": "Allow", "NotAction": "*", "Resource": "*"})
        ));
        assert!(!admin(
            json!({"Effect": "Deny", "Action": "*", "Resource": "*"})
        ));
        assert!(!admin(
            json!({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::*"})
        ));
        assert!(!admin(
            json!({"Effect": "Allow", "Action": "*", "NotResource": "*"})
        ));
        assert!(!admin(json!({"Effect": "Allow", "Action": "*"})));
        assert!(!admin(
            json!({"Effect": "Allow", "Action": ["s3:*", "iam:*"], "Resource": "*"})
        ));
        assert!(!admin(json!([])));
    }

    // ---- action matching ----

    #[test]
    fn action_matching_basics() {
        assert!(action_matches("sts:AssumeRole", "sts:AssumeRole"));
        assert!(action_matches("STS:assumerole", "sts:AssumeRole"));
        assert!(action_matches("sts:AssumeRole", "STS:ASSUMEROLE"));
        assert!(!action_matches("sts:AssumeRole", "sts:AssumeRoleWithSAML"));
        assert!(!action_matches("sts:AssumeRoleWithSAML", "sts:AssumeRole"));
        assert!(action_matches(
            "sts:Assume*",
            "sts:AssumeRoleWithWebIdentity"
        ));
        assert!(action_matches("sts:Assume*", "sts:Assume"));
        assert!(action_matches("sts:*", "sts:AssumeRole"));
        assert!(!action_matches("sts:*", "iam:PassRole"));
        assert!(action_matches("*", "sts:AssumeRole"));
        assert!(action_matches("*", ""));
        assert!(action_matches("**", "x"));
        assert!(action_matches("*:*", "s3:GetObject"));
        assert!(action_matches("*Role", "sts:AssumeRole"));
        assert!(action_matches("s*s:Assume*Role", "sts:AssumeRole"));
        assert!(!action_matches("*Role", "sts:AssumeRoleWithSAML"));
        assert!(action_matches("sts:AssumeRol?", "sts:AssumeRole"));
        assert!(action_matches("st?:*", "sts:TagSession"));
        assert!(!action_matches("sts:AssumeRole?", "sts:AssumeRole"));
        assert!(!action_matches("?", ""));
        assert!(action_matches("", ""));
        assert!(!action_matches("", "sts:AssumeRole"));
        assert!(!action_matches("sts:AssumeRole", ""));
        // `?` is one character, not one byte.
        assert!(action_matches("a?c", "aéc"));
    }

    #[test]
    fn action_matching_has_no_exponential_backtracking() {
        let long = "a".repeat(100_000);
        let start = Instant::now();
        assert!(!action_matches("*a*a*a*a*b", &long));
        assert!(!action_matches("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", &long));
        assert!(action_matches("*a*a*a*a*a", &long));
        assert!(!action_matches(
            &"*a".repeat(50).replace("a*a*a", "a*b*a"),
            &long
        ));
        // Generous bound: even an unoptimized build takes milliseconds; an
        // exponential matcher would not finish at all.
        assert!(start.elapsed() < Duration::from_secs(10));
    }
}
