//! Policy documents read straight from their JSON text: the fast path.
//!
//! [`super::policy_document::parse_document`] reads a document from a
//! `serde_json::Value`, which costs a map per object and a string per key
//! before a single statement is looked at; on an account at the IAM quota
//! maximum that was 8% of a run. Most documents in an export are plain: the
//! keys IAM defines, each once, with the types IAM requires. [`read`] reads
//! exactly those into a [`PolicyDocument`] in one pass over the text, and
//! gives up (`None`) on anything else: an unknown key, a repeated key, a
//! wrong type, a missing element. The caller then takes the general path,
//! which reads such documents, or says precisely what is wrong with them.
//!
//! So the fast path never decides anything on its own: where it answers, it
//! answers what the general path would (a test holds the two together on
//! every document of the fixtures and on mutations of them).

use std::fmt;

use percent_encoding::percent_decode_str;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::evidence::policy_document::{
    ActionList, Condition, Effect, PolicyDocument, Principal, PrincipalKey, ResourceList, Statement,
};

/// Reads a document given as JSON text (an object, or a string holding a
/// JSON or URL-encoded object), or `None` to let the general path decide.
pub fn read(text: &str) -> Option<PolicyDocument> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('"') {
        let inner: String = serde_json::from_str(text).ok()?;
        let inner = inner.trim();
        if inner.starts_with('{') {
            object(inner)
        } else if inner.starts_with('%') {
            // As the general path: percent escapes only, `+` stays literal.
            object(&percent_decode_str(inner).decode_utf8().ok()?)
        } else {
            None
        }
    } else {
        object(text)
    }
}

fn object(text: &str) -> Option<PolicyDocument> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let document = deserializer.deserialize_map(DocumentVisitor).ok()?;
    deserializer.end().ok()?;
    Some(document)
}

/// Any reason to leave the document to the general path; the message is
/// never shown.
fn give_up<E: de::Error>() -> E {
    E::custom("left to the general path")
}

/// Whether `serde_json::Map` keeps keys in document order (its
/// `preserve_order` feature, switched on by whichever dependency asks for
/// it) or sorts them. Principals and conditions come out in the map's order
/// on the general path, so here too.
fn maps_keep_document_order() -> bool {
    use std::sync::OnceLock;
    static KEEPS: OnceLock<bool> = OnceLock::new();
    *KEEPS.get_or_init(|| {
        let mut map = serde_json::Map::new();
        map.insert("b".into(), serde_json::Value::Null);
        map.insert("a".into(), serde_json::Value::Null);
        map.keys().next().is_some_and(|k| k == "b")
    })
}

/// Keys in the order the general path's map would give them, or `None` when
/// one repeats.
fn in_map_order<T>(mut entries: Vec<(String, T)>) -> Option<Vec<(String, T)>> {
    let mut names: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
    names.sort_unstable();
    if names.windows(2).any(|w| w[0] == w[1]) {
        return None;
    }
    if !maps_keep_document_order() {
        entries.sort_by(|a, b| a.0.cmp(&b.0));
    }
    Some(entries)
}

/// A string value, as an owned `String` (the documents outlive the text).
#[derive(Clone, Copy)]
struct Text;

impl<'de> Visitor<'de> for Text {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
}

/// An object key, borrowed from the text when it has no escapes: the keys
/// of statements and documents are only compared.
struct Key;

impl<'de> Visitor<'de> for Key {
    type Value = std::borrow::Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(v.to_owned()))
    }
}

/// A string, or an array of strings (`Action`, `Resource`, principal values).
#[derive(Clone, Copy)]
struct StringList;

impl<'de> Visitor<'de> for StringList {
    type Value = Vec<String>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or an array of strings")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<String>, E> {
        Ok(vec![v.to_owned()])
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Vec<String>, E> {
        Ok(vec![v])
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<String>, A::Error> {
        elements(seq, Text)
    }
}

/// One condition value as IAM compares it: a string, or a boolean or number
/// as the text it prints as (the general path's `Value` would print it so).
#[derive(Clone, Copy)]
struct Scalar;

impl<'de> Visitor<'de> for Scalar {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, boolean or number")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(serde_json::Number::from(v).to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(serde_json::Number::from(v).to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        serde_json::Number::from_f64(v)
            .map(|n| n.to_string())
            .ok_or_else(give_up)
    }
}

/// A condition key's values: one scalar or an array of them.
#[derive(Clone, Copy)]
struct Scalars;

impl<'de> Visitor<'de> for Scalars {
    type Value = Vec<String>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scalar or an array of scalars")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<String>, E> {
        Scalar.visit_str(v).map(|s| vec![s])
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Vec<String>, E> {
        Ok(vec![v])
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Vec<String>, E> {
        Scalar.visit_bool(v).map(|s| vec![s])
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Vec<String>, E> {
        Scalar.visit_i64(v).map(|s| vec![s])
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Vec<String>, E> {
        Scalar.visit_u64(v).map(|s| vec![s])
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Vec<String>, E> {
        Scalar.visit_f64(v).map(|s| vec![s])
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<String>, A::Error> {
        elements(seq, Scalar)
    }
}

/// An object's entries in document order.
type Keyed<T> = Vec<(String, T)>;

/// An object read as its entries in document order, each value by `seed`.
#[derive(Clone, Copy)]
struct Entries<S>(S);

impl<'de, S: DeserializeSeed<'de> + Copy> Visitor<'de> for Entries<S> {
    type Value = Vec<(String, S::Value)>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(key) = map.next_key_seed(Text)? {
            let value = map.next_value_seed(self.0)?;
            out.push((key, value));
        }
        Ok(out)
    }
}

impl<'de, S: DeserializeSeed<'de> + Copy> DeserializeSeed<'de> for Entries<S> {
    type Value = Vec<(String, S::Value)>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

/// `Principal`: the string `*`, or an object of principal keys.
struct PrincipalSeed;

impl<'de> Visitor<'de> for PrincipalSeed {
    type Value = Principal;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a principal")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Principal, E> {
        if v == "*" {
            Ok(Principal::Any)
        } else {
            Err(give_up())
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Principal, A::Error> {
        let keyed = Entries(StringList).visit_map(map)?;
        let keyed = in_map_order(keyed).ok_or_else(give_up)?;
        let mut entries = Vec::new();
        for (name, values) in keyed {
            let key = PrincipalKey::from_name(&name);
            entries.extend(values.into_iter().map(|v| (key.clone(), v)));
        }
        Ok(Principal::Keyed(entries))
    }
}

/// `Condition`: operator → key → values.
fn conditions(blocks: Keyed<Keyed<Vec<String>>>) -> Option<Vec<Condition>> {
    let mut out = Vec::new();
    for (operator, keys) in in_map_order(blocks)? {
        for (key, values) in in_map_order(keys)? {
            out.push(Condition {
                operator: operator.clone(),
                key,
                values,
            });
        }
    }
    Some(out)
}

/// One statement object, at `index` in the document's `Statement` array.
struct StatementSeed {
    index: usize,
}

/// Keeps the first value of a key, or gives up when it comes again.
fn once<T, E: de::Error>(slot: &mut Option<T>, value: T) -> Result<(), E> {
    if slot.is_some() {
        return Err(give_up());
    }
    *slot = Some(value);
    Ok(())
}

impl<'de> Visitor<'de> for StatementSeed {
    type Value = Statement;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a statement object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Statement, A::Error> {
        let (mut sid, mut effect) = (None, None);
        let (mut action, mut not_action, mut resource, mut not_resource) = (None, None, None, None);
        let (mut principal, mut not_principal, mut condition) = (None, None, None);
        while let Some(key) = map.next_key_seed(Key)? {
            match key.as_ref() {
                "Sid" => once(&mut sid, map.next_value_seed(Text)?)?,
                "Effect" => {
                    let value = map.next_value_seed(Text)?;
                    let parsed = match value.as_str() {
                        "Allow" => Effect::Allow,
                        "Deny" => Effect::Deny,
                        _ => return Err(give_up()),
                    };
                    once(&mut effect, parsed)?;
                }
                "Action" => once(&mut action, map.next_value_seed(StringList)?)?,
                "NotAction" => once(&mut not_action, map.next_value_seed(StringList)?)?,
                "Resource" => once(&mut resource, map.next_value_seed(StringList)?)?,
                "NotResource" => once(&mut not_resource, map.next_value_seed(StringList)?)?,
                "Principal" => once(&mut principal, map.next_value_seed(PrincipalSeed)?)?,
                "NotPrincipal" => once(&mut not_principal, map.next_value_seed(PrincipalSeed)?)?,
                "Condition" => once(
                    &mut condition,
                    map.next_value_seed(Entries(Entries(Scalars)))?,
                )?,
                _ => return Err(give_up()),
            }
        }
        let actions = match (action, not_action) {
            (Some(_), Some(_)) => return Err(give_up()),
            (Some(list), None) => ActionList::Action(list),
            (None, Some(list)) => ActionList::NotAction(list),
            (None, None) => ActionList::Missing,
        };
        let resources = match (resource, not_resource) {
            (Some(_), Some(_)) => return Err(give_up()),
            (Some(list), None) => ResourceList::Resource(list),
            (None, Some(list)) => ResourceList::NotResource(list),
            (None, None) => ResourceList::Missing,
        };
        if principal.is_some() && not_principal.is_some() {
            return Err(give_up());
        }
        let conditions = match condition {
            Some(blocks) => conditions(blocks).ok_or_else(give_up)?,
            None => Vec::new(),
        };
        Ok(Statement {
            index: self.index,
            sid,
            effect: effect.ok_or_else(give_up)?,
            actions,
            resources,
            principal,
            not_principal,
            conditions,
        })
    }
}

/// `Statement`: one object, or an array of them.
struct Statements;

impl<'de> Visitor<'de> for Statements {
    type Value = Vec<Statement>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a statement or an array of statements")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<Statement>, A::Error> {
        StatementSeed { index: 0 }.visit_map(map).map(|s| vec![s])
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Statement>, A::Error> {
        let mut out = Vec::new();
        while let Some(s) = seq.next_element_seed(StatementSeed { index: out.len() })? {
            out.push(s);
        }
        Ok(out)
    }
}

/// The document object: `Version`, `Id` and `Statement`.
struct DocumentVisitor;

impl<'de> Visitor<'de> for DocumentVisitor {
    type Value = PolicyDocument;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a policy document")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PolicyDocument, A::Error> {
        let (mut version, mut id, mut statements) = (None, None, None);
        while let Some(key) = map.next_key_seed(Key)? {
            match key.as_ref() {
                "Version" => once(&mut version, map.next_value_seed(Text)?)?,
                // Typed as a string only so that anything else (which the
                // general path ignores, duplicate keys inside it included)
                // goes there.
                "Id" => once(&mut id, map.next_value_seed(Text)?)?,
                "Statement" => once(&mut statements, map.next_value_seed(Statements)?)?,
                _ => return Err(give_up()),
            }
        }
        Ok(PolicyDocument {
            version,
            statements: statements.ok_or_else(give_up)?,
        })
    }
}

/// Each visitor here is also the seed that reads its value: by `any` (the
/// visitor says which JSON types it takes), by `map`, or by `str` for keys.
macro_rules! seeds {
    ($($visitor:ident => $read:ident),* $(,)?) => {$(
        impl<'de> DeserializeSeed<'de> for $visitor {
            type Value = <$visitor as Visitor<'de>>::Value;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.$read(self)
            }
        }
    )*};
}

seeds!(
    Text => deserialize_any,
    Key => deserialize_str,
    StringList => deserialize_any,
    Scalar => deserialize_any,
    Scalars => deserialize_any,
    PrincipalSeed => deserialize_any,
    StatementSeed => deserialize_map,
    Statements => deserialize_any,
);

/// Every element of an array, each read by `seed`.
fn elements<'de, A: SeqAccess<'de>, S: DeserializeSeed<'de> + Copy>(
    mut seq: A,
    seed: S,
) -> Result<Vec<S::Value>, A::Error> {
    let mut out = Vec::new();
    while let Some(element) = seq.next_element_seed(seed)? {
        out.push(element);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::json;
    use crate::evidence::pointer::escape_pointer;
    use crate::evidence::policy_document::{parse_document, DocumentError};
    use serde_json::Value;
    use std::path::Path;

    /// The general path, as `authorization_details` takes it for a document's text.
    fn general(text: &str) -> Result<PolicyDocument, String> {
        let value = json::from_str(text).map_err(|e| e.to_string())?;
        parse_document(&value).map_err(|DocumentError { message, .. }| message)
    }

    /// The property: where the fast path answers, the general path answers
    /// the same. Returns whether the fast path answered.
    fn agrees(text: &str) -> bool {
        match read(text) {
            None => false,
            Some(fast) => {
                assert_eq!(Ok(fast), general(text), "fast path differs on {text}");
                true
            }
        }
    }

    const DOCUMENT_KEYS: [&str; 3] = ["PolicyDocument", "Document", "AssumeRolePolicyDocument"];

    fn collect_documents(value: &Value, out: &mut Vec<Value>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    if DOCUMENT_KEYS.contains(&k.as_str()) {
                        out.push(v.clone());
                    } else {
                        collect_documents(v, out);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| collect_documents(v, out)),
            _ => {}
        }
    }

    fn json_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                json_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }

    /// Every policy document in the project's fixtures and sample snapshots.
    fn fixture_documents() -> Vec<Value> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        json_files(&root.join("tests/fixtures"), &mut files);
        json_files(&root.join("snapshots"), &mut files);
        files.sort();
        let mut documents = Vec::new();
        for file in files {
            let bytes = std::fs::read(&file).unwrap();
            if let Ok(value) = json::from_slice(&bytes) {
                collect_documents(&value, &mut documents);
            }
        }
        documents
    }

    /// JSON text of `value`, with the object at `dup` (a JSON pointer)
    /// writing its first key twice: `serde_json` cannot write that.
    fn text_with_duplicate(value: &Value, at: &str, dup: &str) -> String {
        match value {
            Value::Object(map) => {
                let mut parts: Vec<String> = map
                    .iter()
                    .map(|(k, v)| {
                        let child = format!("{at}/{}", escape_pointer(k));
                        format!(
                            "{}:{}",
                            Value::from(k.as_str()),
                            text_with_duplicate(v, &child, dup)
                        )
                    })
                    .collect();
                if at == dup {
                    if let Some(first) = parts.first().cloned() {
                        parts.push(first);
                    }
                }
                format!("{{{}}}", parts.join(","))
            }
            Value::Array(items) => {
                let parts: Vec<String> = items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| text_with_duplicate(v, &format!("{at}/{i}"), dup))
                    .collect();
                format!("[{}]", parts.join(","))
            }
            other => other.to_string(),
        }
    }

    /// Pointers of every value inside `value`.
    fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
        out.push(at.clone());
        match value {
            Value::Object(map) => map
                .iter()
                .for_each(|(k, v)| pointers(v, format!("{at}/{}", escape_pointer(k)), out)),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .for_each(|(i, v)| pointers(v, format!("{at}/{i}"), out)),
            _ => {}
        }
    }

    fn replace_at(value: &Value, at: &str, with: &Value) -> Value {
        let mut copy = value.clone();
        *copy.pointer_mut(at).unwrap() = with.clone();
        copy
    }

    #[test]
    fn fixture_documents_read_the_same_on_both_paths() {
        let documents = fixture_documents();
        assert!(documents.len() > 100, "only {} documents", documents.len());
        let (mut answered, mut readable) = (0, 0);
        for document in &documents {
            let text = document.to_string();
            readable += usize::from(general(&text).is_ok());
            answered += usize::from(agrees(&text));
            // The pretty form the AWS CLI writes, and the two string forms.
            agrees(&serde_json::to_string_pretty(document).unwrap());
            if document.is_object() {
                agrees(&Value::from(text.as_str()).to_string());
                let encoded = percent_encoding::utf8_percent_encode(
                    &text,
                    percent_encoding::NON_ALPHANUMERIC,
                );
                agrees(&Value::from(encoded.to_string()).to_string());
            }
        }
        // Not vacuous: the fast path answers for nearly every readable document.
        assert!(
            answered * 10 >= readable * 9,
            "fast path answered {answered} of {readable} readable documents"
        );
    }

    #[test]
    fn mutated_documents_never_read_differently() {
        const REPLACEMENTS: &str = r#"[null, true, false, 0, -3, 18446744073709551615, 1.5, 1e300, "",
            "*", "Allow", "Deny", "x", [], {}, ["a"], ["a", 1, true], [null], [[]], {"AWS": "*"},
            {"Bool": {"aws:MultiFactorAuthPresent": "true"}}, {"StringEquals": {"k": ["v", 2]}},
            {"Effect": "Allow"}]"#;
        let replacements: Vec<Value> = serde_json::from_str(REPLACEMENTS).unwrap();
        // Documents of varied shapes, each mutated at every place.
        let mut seen = std::collections::BTreeSet::new();
        let documents: Vec<Value> = fixture_documents()
            .into_iter()
            .filter(|d| d.is_object() && seen.insert(d.to_string()))
            .take(40)
            .collect();
        let (mut cases, mut answered) = (0, 0);
        for document in &documents {
            let mut at = Vec::new();
            pointers(document, String::new(), &mut at);
            for pointer in &at {
                for with in &replacements {
                    cases += 1;
                    answered +=
                        usize::from(agrees(&replace_at(document, pointer, with).to_string()));
                }
                // A key IAM does not define, and a repeated key.
                if let Value::Object(_) = document.pointer(pointer).unwrap() {
                    let mut extra = document.clone();
                    if let Some(Value::Object(map)) = extra.pointer_mut(pointer) {
                        map.insert("Unknown".into(), Value::Null);
                    }
                    agrees(&extra.to_string());
                    let duplicated = text_with_duplicate(document, "", pointer);
                    assert!(
                        read(&duplicated).is_none(),
                        "a repeated key read: {duplicated}"
                    );
                    assert!(general(&duplicated).is_err());
                }
            }
        }
        assert!(cases > 1000 && answered > 100, "{answered} of {cases}");
    }

    #[test]
    fn numbers_and_booleans_in_conditions_read_as_the_text_iam_compares() {
        let text = r#"{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": [3600, -1, 2.50]},
                          "Bool": {"aws:SecureTransport": false}}}}"#;
        assert!(agrees(text));
        let document = read(text).unwrap();
        let values: Vec<&str> = document.statements[0]
            .conditions
            .iter()
            .flat_map(|c| c.values.iter().map(String::as_str))
            .collect();
        assert!(values.contains(&"3600") && values.contains(&"-1") && values.contains(&"2.5"));
        assert!(values.contains(&"false"));
    }

    #[test]
    fn principal_and_condition_keys_keep_the_general_paths_order() {
        let text = r#"{"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"Service": "b.amazonaws.com", "AWS": ["arn:aws:iam::1:root", "*"]},
            "Condition": {"StringLike": {"z": "1", "a": "2"}, "Bool": {"m": true}}}]}"#;
        assert!(agrees(text));
    }

    #[test]
    fn anything_unusual_is_left_to_the_general_path() {
        for text in [
            r#"{"Statement": []}"#,
            r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow"}}"#,
        ] {
            assert!(agrees(text), "{text}");
        }
        for text in [
            r#"{"Version": "2012-10-17"}"#,
            r#"{"Statement": {"Effect": "allow"}}"#,
            r#"{"Statement": {"Effect": "Allow", "Action": "a", "NotAction": "b"}}"#,
            r#"{"Statement": {"Effect": "Allow", "Principal": "*", "NotPrincipal": "*"}}"#,
            r#"{"Statement": {"Effect": "Allow", "Principal": "arn:aws:iam::1:root"}}"#,
            r#"{"Statement": {"Effect": "Allow", "Effect": "Allow"}}"#,
            r#"{"Statement": {"Effect": "Allow", "Condition": {"Bool": {"k": "1", "k": "2"}}}}"#,
            r#"{"Statement": {"Effect": "Allow"}, "Id": {"a": 1, "a": 2}}"#,
            r#"{"Statement": {"Effect": "Allow"}} trailing"#,
            r#""not a document""#,
            "[]",
        ] {
            assert!(read(text).is_none(), "{text}");
        }
        // Left to the general path, which reads it: an unknown statement key.
        let unknown = r#"{"Statement": {"Effect": "Allow", "Extra": {"a": 1}}}"#;
        assert!(read(unknown).is_none() && general(unknown).is_ok());
    }
}
