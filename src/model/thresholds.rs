//! The numbers in the controls (45 days unused, 90 days between key
//! rotations, a 90-day root-use window, 14 characters, 24 remembered
//! passwords, roles unused 90 days, certificates valid 30 more days), kept out of the policy text: every request's context carries
//! them as `context.thresholds`, so a policy reads
//! `context.as_of.durationSince(k.last_rotated) >= context.thresholds.access_key_max_age`
//! and an auditor whose standard differs changes a flag, not a policy.
//!
//! Set with `--threshold NAME=VALUE` (repeatable); the report lists the
//! values used, so two reports with different thresholds never look alike.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

/// One adjustable threshold: its flag name, context field, default, and unit.
pub struct ThresholdSpec {
    /// `--threshold` name, kebab-case.
    pub name: &'static str,
    /// Field of `context.thresholds`.
    pub field: &'static str,
    pub default: i64,
    /// Days become a Cedar `duration`; counts stay a `Long`.
    pub days: bool,
    pub meaning: &'static str,
}

/// Every threshold, in the order the help text and the report list them.
pub const SPECS: [ThresholdSpec; 7] = [
    ThresholdSpec {
        name: "unused-days",
        field: "credentials_unused",
        default: 45,
        days: true,
        meaning: "an IAM user's password or active access key unused (or never used and older than) this many days is stale",
    },
    ThresholdSpec {
        name: "key-rotation-days",
        field: "access_key_max_age",
        default: 90,
        days: true,
        meaning: "an active access key must have been rotated within this many days",
    },
    ThresholdSpec {
        name: "root-use-days",
        field: "root_use_window",
        default: 90,
        days: true,
        meaning: "root's password and keys must not have been used within this many days before the as-of time",
    },
    ThresholdSpec {
        name: "password-min-length",
        field: "password_min_length",
        default: 14,
        days: false,
        meaning: "the password policy must require at least this many characters",
    },
    ThresholdSpec {
        name: "password-reuse",
        field: "password_reuse_prevention",
        default: 24,
        days: false,
        meaning: "the password policy must remember at least this many previous passwords",
    },
    ThresholdSpec {
        name: "role-unused-days",
        field: "role_unused",
        default: 90,
        days: true,
        meaning: "an IAM role not used (or never used and older than) this many days is stale; AWS tracks role use for 400 days",
    },
    ThresholdSpec {
        name: "certificate-expiry-days",
        field: "certificate_expiry_warning",
        default: 30,
        days: true,
        meaning: "a server certificate must stay valid at least this many days after the as-of time",
    },
];

/// The values of one run, by `--threshold` name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thresholds {
    values: BTreeMap<&'static str, i64>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            values: SPECS.iter().map(|s| (s.name, s.default)).collect(),
        }
    }
}

impl Thresholds {
    /// Applies `NAME=VALUE` settings over the defaults.
    pub fn from_settings<S: AsRef<str>>(settings: &[S]) -> Result<Thresholds, String> {
        let mut t = Thresholds::default();
        for s in settings {
            t.set(s.as_ref())?;
        }
        Ok(t)
    }

    /// Applies one `NAME=VALUE` setting.
    pub fn set(&mut self, setting: &str) -> Result<(), String> {
        let names = || {
            SPECS
                .iter()
                .map(|s| format!("`{}`", s.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Some((name, value)) = setting.split_once('=') else {
            return Err(format!(
                "`--threshold {setting}` is not `NAME=VALUE` (names: {})",
                names()
            ));
        };
        let Some(spec) = SPECS.iter().find(|s| s.name == name.trim()) else {
            return Err(format!(
                "unknown threshold `{}` (known: {})",
                name.trim(),
                names()
            ));
        };
        let n: i64 = value
            .trim()
            .parse()
            .ok()
            .filter(|n| (0..=36_500).contains(n))
            .ok_or_else(|| {
                format!(
                    "threshold `{}` needs a whole number from 0 to 36500, not `{}`",
                    spec.name,
                    value.trim()
                )
            })?;
        self.values.insert(spec.name, n);
        Ok(())
    }

    pub fn get(&self, name: &str) -> i64 {
        self.values.get(name).copied().unwrap_or(0)
    }

    /// By `--threshold` name, for the report.
    pub fn as_map(&self) -> BTreeMap<String, i64> {
        self.values
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect()
    }

    /// `context.thresholds`, in Cedar's JSON form.
    pub fn context_json(&self) -> Value {
        let mut m = Map::new();
        for spec in &SPECS {
            let n = self.get(spec.name);
            let v = if spec.days {
                json!({"__extn": {"fn": "duration", "arg": format!("{n}d")}})
            } else {
                json!(n)
            };
            m.insert(spec.field.into(), v);
        }
        Value::Object(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_cis_numbers() {
        let t = Thresholds::default();
        assert_eq!(t.get("unused-days"), 45);
        assert_eq!(t.get("key-rotation-days"), 90);
        assert_eq!(t.get("root-use-days"), 90);
        assert_eq!(t.get("password-min-length"), 14);
        assert_eq!(t.get("password-reuse"), 24);
        assert_eq!(t.get("role-unused-days"), 90);
        assert_eq!(t.get("certificate-expiry-days"), 30);
        assert_eq!(t.context_json()["role_unused"]["__extn"]["arg"], "90d");
        assert_eq!(
            t.context_json()["certificate_expiry_warning"]["__extn"]["arg"],
            "30d"
        );
        assert_eq!(
            t.context_json()["credentials_unused"]["__extn"]["arg"],
            "45d"
        );
    }

    #[test]
    fn settings_override_and_bad_ones_are_named() {
        let t = Thresholds::from_settings(&["unused-days=30", "password-min-length = 16"]).unwrap();
        assert_eq!(t.get("unused-days"), 30);
        assert_eq!(t.get("password-min-length"), 16);
        assert!(Thresholds::from_settings(&["unused=30"])
            .unwrap_err()
            .contains("unknown threshold `unused`"));
        assert!(Thresholds::from_settings(&["unused-days=-1"])
            .unwrap_err()
            .contains("whole number"));
        assert!(Thresholds::from_settings(&["unused-days"])
            .unwrap_err()
            .contains("NAME=VALUE"));
    }
}
