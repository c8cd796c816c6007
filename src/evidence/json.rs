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

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::evidence::detect::escape_pointer;

/// Parses JSON text into a [`Value`], refusing duplicate keys.
pub fn from_slice(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = ValueAt { pointer: "" }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// Parses JSON text into a [`Value`], refusing duplicate keys.
pub fn from_str(text: &str) -> Result<Value, serde_json::Error> {
    from_slice(text.as_bytes())
}

/// Builds a value, knowing its pointer for messages about duplicate keys.
struct ValueAt<'p> {
    pointer: &'p str,
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
        let mut items = Vec::new();
        loop {
            let pointer = format!("{}/{}", self.pointer, items.len());
            match seq.next_element_seed(ValueAt { pointer: &pointer })? {
                Some(v) => items.push(v),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let pointer = format!("{}/{}", self.pointer, escape_pointer(&key));
            if map.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "duplicate key `{}` (JSON pointer `{pointer}`): JSON readers disagree on which value counts, so the document has no single meaning; remove one of them",
                    show(&key)
                )));
            }
            let value = access.next_value_seed(ValueAt { pointer: &pointer })?;
            map.insert(key, value);
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
    }
}
