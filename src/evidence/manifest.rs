//! `snapshot.json`: an optional manifest an exporter writes beside the
//! exports, saying which account they describe and when they were taken.
//!
//! ```json
//! {"account_id": "123456789012", "account_alias": "acme-prod",
//!  "exported_at": "2026-11-20T09:45:00Z", "labels": {"env": "prod"}}
//! ```
//!
//! Recognised by content like every export (a JSON object with
//! `exported_at` or `account_id`, in snake case unlike AWS's keys), and
//! checked against `schemas/snapshot-manifest.schema.json`. `exported_at` is
//! the as-of time when neither `--as-of` nor a credential report's
//! `GeneratedTime` gives one.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{InputError, Location};
use crate::evidence::time::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Manifest {
    pub account_id: Option<String>,
    pub account_alias: Option<String>,
    pub exported_at: Option<Timestamp>,
    /// Free-form labels (`env`, `ticket`, ...), exposed as the account's tags.
    pub labels: BTreeMap<String, String>,
}

/// A manifest has `exported_at`, or `account_id` and only manifest keys:
/// another tool's JSON that merely has an `account_id` is not evidence (a
/// warning), while a manifest with a misspelt key is still caught by the
/// schema.
pub fn looks_like_manifest(value: &Value) -> bool {
    const KEYS: [&str; 5] = [
        "$schema",
        "account_id",
        "account_alias",
        "exported_at",
        "labels",
    ];
    match value.as_object() {
        Some(map) if map.contains_key("exported_at") => true,
        Some(map) => {
            map.contains_key("account_id") && map.keys().all(|k| KEYS.contains(&k.as_str()))
        }
        None => false,
    }
}

/// Reads a manifest whose shape the JSON Schema already accepted.
pub fn parse(file: &str, value: &Value) -> Result<Manifest, InputError> {
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
    let exported_at = match text("exported_at") {
        None => None,
        Some(s) => Some(Timestamp::parse(&s).map_err(|e| {
            InputError::new(file, Location::Pointer("/exported_at".into()), e)
                .with_help("write the export time in RFC 3339, e.g. `2026-11-20T09:45:00Z`")
        })?),
    };
    let mut labels = BTreeMap::new();
    if let Some(map) = value.get("labels").and_then(Value::as_object) {
        for (k, v) in map {
            let v = v.as_str().ok_or_else(|| {
                InputError::new(
                    file,
                    Location::Pointer(format!(
                        "/labels/{}",
                        crate::evidence::pointer::escape_pointer(k)
                    )),
                    "expected a string",
                )
            })?;
            labels.insert(k.clone(), v.to_string());
        }
    }
    Ok(Manifest {
        account_id: text("account_id"),
        account_alias: text("account_alias"),
        exported_at,
        labels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_every_field() {
        let m = parse(
            "snapshot.json",
            &json!({"account_id": "123456789012", "account_alias": "acme", "exported_at": "2026-11-20 09:45:00+00:00", "labels": {"env": "prod"}}),
        )
        .unwrap();
        assert_eq!(m.account_id.as_deref(), Some("123456789012"));
        assert_eq!(
            m.exported_at.map(|t| t.to_cedar()).as_deref(),
            Some("2026-11-20T09:45:00Z")
        );
        assert_eq!(m.labels.get("env").map(String::as_str), Some("prod"));
    }

    #[test]
    fn only_manifest_shaped_json_is_a_manifest() {
        assert!(looks_like_manifest(&json!({"exported_at": "x", "typo": 1})));
        assert!(looks_like_manifest(&json!({"account_id": "123456789012"})));
        assert!(!looks_like_manifest(
            &json!({"account_id": "1", "findings": []})
        ));
    }

    #[test]
    fn bad_time_names_the_pointer() {
        let e = parse("snapshot.json", &json!({"exported_at": "last week"})).unwrap_err();
        assert_eq!(e.location, Location::Pointer("/exported_at".into()));
    }
}
