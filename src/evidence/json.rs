//! JSON parsing that refuses duplicate object keys.
//!
//! `serde_json` silently keeps the last of two equal keys, other JSON readers
//! keep the first, and AWS never writes both. A policy document with two
//! `Effect` keys or a role with two `AssumeRolePolicyDocument`s therefore has
//! no single meaning, and an audit that picks one could report `pass` for a
//! document IAM reads the other way. So a repeated key is an **error** naming
//! the key, its JSON pointer and its line and column.
//!
//! The value is built by a visitor over `serde_json`'s deserializer, so its
//! recursion limit (128 levels) stays on: deep nesting is a clear error, never
//! a stack overflow.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::evidence::pointer::escape_pointer;

/// Parses JSON bytes into a [`Value`], refusing duplicate keys (and bytes
/// that are not UTF-8, saying where).
pub fn from_slice(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    value_of(serde_json::Deserializer::from_slice(bytes))
}

/// Parses JSON text into a [`Value`], refusing duplicate keys. Text known
/// to be UTF-8 is not checked again string by string, as bytes are.
pub fn from_str(text: &str) -> Result<Value, serde_json::Error> {
    value_of(serde_json::Deserializer::from_str(text))
}

fn value_of<'de, R: serde_json::de::Read<'de>>(
    mut deserializer: serde_json::Deserializer<R>,
) -> Result<Value, serde_json::Error> {
    let value = ValueAt { path: &Path::Root }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// The top level of a document that [`check`] accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum Shape {
    /// An object, with its keys in document order.
    Object(Vec<String>),
    /// An array of this many items.
    Array(usize),
    /// A string, number, boolean or null.
    Scalar,
}

/// Checks JSON text without building it: the same syntax, nesting and
/// duplicate-key errors as [`from_str`], at a fraction of the cost and
/// memory. A typed reader can then deserialize the text directly, knowing
/// that no key repeats anywhere in it.
pub fn check(text: &str) -> Result<Shape, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let shape = CheckAt {
        path: &Path::Root,
        top: true,
    }
    .deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(shape)
}

/// Where a value sits, as a chain of parents: the JSON pointer is only
/// written out when a message needs it (formatting one per value was most of
/// the parse's cost).
enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(parent, key) => write!(f, "{parent}/{}", escape_pointer(key)),
            Path::Index(parent, i) => write!(f, "{parent}/{i}"),
        }
    }
}

fn duplicate_key<E: de::Error>(path: &Path, key: &str) -> E {
    let pointer = Path::Key(path, key);
    E::custom(format!(
        "duplicate key `{}` (JSON pointer `{pointer}`): JSON readers disagree on which value counts, so the document has no single meaning; remove one of them",
        show(key)
    ))
}

/// An object key, borrowed from the input when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The keys of one object seen so far: a short list (most objects have a
/// handful of keys), a hash set once it grows.
#[derive(Default)]
struct SeenKeys<'de> {
    few: Vec<Cow<'de, str>>,
    many: HashSet<Cow<'de, str>>,
}

impl<'de> SeenKeys<'de> {
    const FEW: usize = 16;

    /// Adds a key; `false` if it was already there.
    fn insert(&mut self, key: Cow<'de, str>) -> bool {
        if self.many.is_empty() {
            if self.few.contains(&key) {
                return false;
            }
            if self.few.len() < Self::FEW {
                self.few.push(key);
                return true;
            }
            self.many.extend(self.few.drain(..));
        }
        self.many.insert(key)
    }
}

/// Checks a value, knowing its path for messages about duplicate keys. Only
/// the top level (`top`) keeps its keys, for [`Shape`].
struct CheckAt<'p> {
    path: &'p Path<'p>,
    top: bool,
}

impl<'de> DeserializeSeed<'de> for CheckAt<'_> {
    type Value = Shape;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Shape, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CheckAt<'_> {
    type Value = Shape;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Shape, E> {
        Ok(Shape::Scalar)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Shape, E> {
        Ok(Shape::Scalar)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Shape, E> {
        Ok(Shape::Scalar)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Shape, E> {
        Ok(Shape::Scalar)
    }

    fn visit_str<E>(self, _: &str) -> Result<Shape, E> {
        Ok(Shape::Scalar)
    }

    fn visit_unit<E>(self) -> Result<Shape, E> {
        Ok(Shape::Scalar)
    }

    fn visit_none<E>(self) -> Result<Shape, E> {
        Ok(Shape::Scalar)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
        let mut i = 0;
        while seq
            .next_element_seed(CheckAt {
                path: &Path::Index(self.path, i),
                top: false,
            })?
            .is_some()
        {
            i += 1;
        }
        Ok(Shape::Array(i))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Shape, A::Error> {
        let mut seen = SeenKeys::default();
        let mut keys: Vec<String> = Vec::new();
        while let Some(Key(key)) = access.next_key::<Key>()? {
            if !seen.insert(key.clone()) {
                return Err(duplicate_key(self.path, &key));
            }
            let path = Path::Key(self.path, &key);
            access.next_value_seed(CheckAt {
                path: &path,
                top: false,
            })?;
            if self.top {
                keys.push(key.into_owned());
            }
        }
        Ok(Shape::Object(keys))
    }
}

/// Builds a value, knowing its path for messages about duplicate keys.
struct ValueAt<'p> {
    path: &'p Path<'p>,
}

impl<'de> DeserializeSeed<'de> for ValueAt<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueAt<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // JSON text has no NaN or infinity; a huge exponent is null as in serde_json.
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        loop {
            let path = Path::Index(self.path, items.len());
            match seq.next_element_seed(ValueAt { path: &path })? {
                Some(v) => items.push(v),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(Key(key)) = access.next_key::<Key>()? {
            if map.contains_key(key.as_ref()) {
                return Err(duplicate_key(self.path, &key));
            }
            let path = Path::Key(self.path, &key);
            let value = access.next_value_seed(ValueAt { path: &path })?;
            map.insert(key.into_owned(), value);
        }
        Ok(Value::Object(map))
    }
}

/// A key made safe to print between backticks.
fn show(key: &str) -> String {
    let mut out: String = key.chars().take(80).flat_map(char::escape_debug).collect();
    if key.chars().nth(80).is_some() {
        out.push('…');
    }
    out
}

/// What a JSON value is, as a message says it: "expected a string, found
/// an array".
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A whole UTF-8 JSON file the user hands the tool (a waivers file, a report
/// to compare): an optional BOM, then one document without repeated keys.
/// Errors name `file` and the place, with `help` saying what was expected.
pub fn parse_file(file: &str, bytes: &[u8], help: &str) -> Result<Value, crate::error::InputError> {
    use crate::error::{InputError, Location};
    let text = std::str::from_utf8(bytes).map_err(|e| {
        InputError::new(
            file,
            Location::File,
            format!("not UTF-8 text (byte {})", e.valid_up_to()),
        )
        .with_help(help)
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    from_str(text).map_err(|e| {
        InputError::new(
            file,
            Location::LineColumn {
                line: e.line(),
                column: e.column(),
            },
            format!("not valid JSON: {e}"),
        )
        .with_help(help)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_what_serde_json_reads() {
        let text = r#"{"a": [1, -2, 3.5, "x", null, true, {"b": {}}], "c": 18446744073709551615}"#;
        assert_eq!(
            from_str(text).unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
    }

    #[test]
    fn duplicate_key_names_pointer_line_and_column() {
        let e = from_str("{\"a\": [{\"x/y\": 1,\n \"x/y\": 2}]}").unwrap_err();
        let message = e.to_string();
        assert!(
            message.contains("duplicate key `x/y` (JSON pointer `/a/0/x~1y`)"),
            "{message}"
        );
        assert_eq!((e.line(), e.column()), (2, 6));
    }

    #[test]
    fn same_key_in_sibling_objects_is_fine() {
        assert_eq!(
            from_str(r#"[{"a": 1}, {"a": 2}]"#).unwrap(),
            json!([{"a": 1}, {"a": 2}])
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = "[".repeat(100_000);
        let e = from_str(&text).unwrap_err();
        assert!(e.to_string().contains("recursion limit"), "{e}");
        let text = "{\"a\":".repeat(100_000);
        let e = from_str(&text).unwrap_err();
        assert!(e.to_string().contains("recursion limit"), "{e}");
    }

    #[test]
    fn trailing_text_is_an_error() {
        assert!(from_str("{} {}").is_err());
        assert!(check("{} {}").is_err());
    }

    /// `check` refuses exactly what `from_slice` refuses, with the same
    /// message and position, and describes the top level.
    #[test]
    fn check_agrees_with_the_parser() {
        let many: String = (0..40).map(|i| format!("\"k{i}\": {i},")).collect();
        let cases = [
            r#"{"a": [1, -2, 3.5, "x", null, true, {"b": {}}], "c": 18446744073709551615}"#
                .to_string(),
            "{\"a\": [{\"x/y\": 1,\n \"x/y\": 2}]}".into(),
            r#"{"a": 1, "a": 2}"#.into(),
            r#"{"a": {"b\u0041": 1, "bA": 2}}"#.into(),
            format!("{{\"o\": {{{many} \"k7\": 0}}}}"),
            format!("{{\"o\": {{{many} \"z\": 0}}}}"),
            r#"[{"a": 1}, {"a": 2}]"#.into(),
            "[1, 2,".into(),
            "\"text\"".into(),
            "[".repeat(200),
            "{\"a\": tru}".into(),
        ];
        for text in &cases {
            let parsed = from_str(text);
            let checked = check(text);
            match (&parsed, &checked) {
                (Ok(_), Ok(_)) => {}
                (Err(p), Err(c)) => {
                    assert_eq!(p.to_string(), c.to_string(), "{text}");
                }
                _ => panic!("disagree on {text}: {parsed:?} vs {checked:?}"),
            }
        }
        assert_eq!(
            check(r#"{"b": 1, "a": {"x": 1}}"#).unwrap(),
            Shape::Object(vec!["b".into(), "a".into()])
        );
        assert_eq!(check("[1, [2]]").unwrap(), Shape::Array(2));
        assert_eq!(check("null").unwrap(), Shape::Scalar);
    }

    #[test]
    fn kinds_name_every_value() {
        let names: Vec<&str> = [
            serde_json::json!(null),
            serde_json::json!(true),
            serde_json::json!(1.5),
            serde_json::json!("s"),
            serde_json::json!([]),
            serde_json::json!({}),
        ]
        .iter()
        .map(kind)
        .collect();
        assert_eq!(
            names,
            [
                "null",
                "a boolean",
                "a number",
                "a string",
                "an array",
                "an object"
            ]
        );
    }
}
