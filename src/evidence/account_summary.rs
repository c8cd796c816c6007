//! `aws iam get-account-summary`: account-wide counters, among them whether
//! root has MFA (`AccountMFAEnabled`) and access keys (`AccountAccessKeysPresent`).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{InputError, Location};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountSummary {
    /// Every counter of `SummaryMap`, by name.
    pub counters: BTreeMap<String, i64>,
}

impl AccountSummary {
    pub fn get(&self, name: &str) -> Option<i64> {
        self.counters.get(name).copied()
    }
}

pub fn looks_like_summary(value: &Value) -> bool {
    value.get("SummaryMap").is_some()
}

/// Reads a summary whose shape the JSON Schema already accepted.
pub fn parse(file: &str, value: &Value) -> Result<AccountSummary, InputError> {
    let map = value
        .get("SummaryMap")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            InputError::new(
                file,
                Location::Pointer("/SummaryMap".into()),
                "expected an object",
            )
        })?;
    let mut counters = BTreeMap::new();
    for (k, v) in map {
        let n = v.as_i64().ok_or_else(|| {
            InputError::new(
                file,
                Location::Pointer(format!(
                    "/SummaryMap/{}",
                    crate::evidence::pointer::escape_pointer(k)
                )),
                "expected an integer",
            )
        })?;
        counters.insert(k.clone(), n);
    }
    Ok(AccountSummary { counters })
}
