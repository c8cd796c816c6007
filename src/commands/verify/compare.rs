//! The comparison of a report with its replay: lists matched by their keys
//! (results by account and id, snapshots by name, evidence by path,
//! policies by id, waivers by pointer), every leaf that differs named in
//! plain words, every string from the report escaped.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::text::escape_text;

/// Names every difference between the claimed and the replayed report.
pub fn reports(claimed: &Value, replayed: &Value, out: &mut Vec<String>) {
    let (Some(a), Some(b)) = (claimed.as_object(), replayed.as_object()) else {
        out.push("the report is not a JSON object".into());
        return;
    };
    let multi = b
        .get("snapshots")
        .and_then(Value::as_array)
        .is_some_and(|s| s.len() > 1);
    own_counts(claimed, out);
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for key in keys {
        let (x, y) = (a.get(key.as_str()), b.get(key.as_str()));
        match key.as_str() {
            "results" => compare_results(x, y, multi, out),
            "snapshots" => compare_keyed("snapshot", &["name"], x, y, out),
            "evidence" => compare_keyed("evidence", &["path"], x, y, out),
            "policies" => compare_keyed("policy", &["id"], x, y, out),
            "waivers" => compare_keyed("waiver", &["pointer"], x, y, out),
            _ => compare_values(&format!("`{}`", escape_text(key)), x, y, out),
        }
    }
}

/// Two values at `label`, naming each leaf that differs.
fn compare_values(
    label: &str,
    claimed: Option<&Value>,
    replayed: Option<&Value>,
    out: &mut Vec<String>,
) {
    match (claimed, replayed) {
        (Some(a), Some(b)) if a == b => {}
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                compare_values(
                    &format!("{label} `{}`", escape_text(k)),
                    a.get(k.as_str()),
                    b.get(k.as_str()),
                    out,
                );
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compare_values(&format!("{label} [{i}]"), Some(x), Some(y), out);
            }
        }
        (a, b) => out.push(format!(
            "{label}: report says {}, evidence gives {}",
            shown(a),
            shown(b)
        )),
    }
}

/// A JSON value in a message: escaped, and cut when long.
fn shown(v: Option<&Value>) -> String {
    const MAX: usize = 160;
    let Some(v) = v else {
        return "nothing".into();
    };
    let text = match v {
        Value::String(s) => format!("`{s}`"),
        other => other.to_string(),
    };
    let text = escape_text(&text);
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// The key of an element of a keyed list (`keys` joined), when it has them.
fn key_of(item: &Value, keys: &[&str]) -> Option<String> {
    let parts: Option<Vec<&str>> = keys.iter().map(|k| item.get(*k)?.as_str()).collect();
    parts.map(|p| p.join("\u{0}"))
}

/// Lists of objects matched by `keys` (evidence by path, waivers by pointer).
fn compare_keyed(
    what: &str,
    keys: &[&str],
    claimed: Option<&Value>,
    replayed: Option<&Value>,
    out: &mut Vec<String>,
) {
    let (Some(a), Some(b)) = (
        claimed.and_then(Value::as_array),
        replayed.and_then(Value::as_array),
    ) else {
        compare_values(&format!("`{what}` list"), claimed, replayed, out);
        return;
    };
    let a = index_by(what, keys, a, "report", out);
    let b = index_by(what, keys, b, "replay", out);
    for key in a.keys().chain(b.keys()).collect::<BTreeSet<_>>() {
        let label = format!("{what} `{}`", escape_text(&key.replace('\u{0}', " ")));
        match (a.get(key), b.get(key)) {
            (Some(_), None) => out.push(format!(
                "{label} is in the report, but the evidence gives none"
            )),
            (None, Some(_)) => out.push(format!("{label} is missing from the report")),
            (x, y) => compare_values(&label, x.copied(), y.copied(), out),
        }
    }
}

/// A keyed list's elements by key; a key seen twice is a difference.
fn index_by<'v>(
    what: &str,
    keys: &[&str],
    list: &'v [Value],
    side: &str,
    out: &mut Vec<String>,
) -> BTreeMap<String, &'v Value> {
    let mut map: BTreeMap<String, &Value> = BTreeMap::new();
    for item in list {
        let key = key_of(item, keys).unwrap_or_default();
        if map.insert(key.clone(), item).is_some() {
            out.push(format!(
                "{what} `{}` appears twice in the {side}",
                escape_text(&key.replace('\u{0}', " "))
            ));
        }
    }
    map
}

/// Results matched by account and id, their status differences said first.
fn compare_results(
    claimed: Option<&Value>,
    replayed: Option<&Value>,
    multi: bool,
    out: &mut Vec<String>,
) {
    let (Some(a), Some(b)) = (
        claimed.and_then(Value::as_array),
        replayed.and_then(Value::as_array),
    ) else {
        compare_values("`results`", claimed, replayed, out);
        return;
    };
    let label = |r: &Value| {
        let id = escape_text(r["id"].as_str().unwrap_or_default());
        if multi {
            format!(
                "result `{id}` of account `{}`",
                escape_text(r["account"].as_str().unwrap_or_default())
            )
        } else {
            format!("result `{id}`")
        }
    };
    let key = |r: &Value| key_of(r, &["account", "id"]).unwrap_or_default();
    let mut mine: BTreeMap<String, &Value> = BTreeMap::new();
    for r in a {
        if mine.insert(key(r), r).is_some() {
            out.push(format!("{} appears twice in the report", label(r)));
        }
    }
    let theirs: BTreeMap<String, &Value> = b.iter().map(|r| (key(r), r)).collect();
    for (k, r) in &mine {
        match theirs.get(k) {
            None => out.push(format!(
                "{} is in the report (`{}`), but the evidence gives no such result",
                label(r),
                escape_text(r["status"].as_str().unwrap_or_default())
            )),
            Some(t) => {
                if r["status"] != t["status"] {
                    out.push(format!(
                        "{}: report says {}, evidence gives {}",
                        label(r),
                        shown(r.get("status")),
                        shown(t.get("status"))
                    ));
                }
                let (Some(x), Some(y)) = (r.as_object(), t.as_object()) else {
                    continue;
                };
                let fields: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                for f in fields.into_iter().filter(|f| *f != "status") {
                    compare_values(
                        &format!("{} `{}`", label(r), escape_text(f)),
                        x.get(f.as_str()),
                        y.get(f.as_str()),
                        out,
                    );
                }
            }
        }
    }
    for (k, r) in &theirs {
        if !mine.contains_key(k) {
            out.push(format!(
                "{} is missing from the report (the evidence gives {})",
                label(r),
                shown(r.get("status"))
            ));
        }
    }
}

/// Whether the report's summaries count its own results: an edit that
/// changed a result and left its summary (or the reverse) is named even
/// where the replay agrees with one of the two.
fn own_counts(report: &Value, out: &mut Vec<String>) {
    let Some(results) = report.get("results").and_then(Value::as_array) else {
        return;
    };
    let mut total: BTreeMap<&str, u64> = BTreeMap::new();
    let mut by_account: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
    for r in results {
        let status = r["status"].as_str().unwrap_or_default();
        let account = r["account"].as_str().unwrap_or_default();
        *total.entry(status).or_default() += 1;
        *by_account
            .entry(account)
            .or_default()
            .entry(status)
            .or_default() += 1;
    }
    let check = |label: &str,
                 summary: &Value,
                 counts: &BTreeMap<&str, u64>,
                 n: u64,
                 out: &mut Vec<String>| {
        let Some(summary) = summary.as_object() else {
            return;
        };
        for (status, claimed) in summary {
            let held = if status == "total" {
                n
            } else {
                counts.get(status.as_str()).copied().unwrap_or(0)
            };
            if claimed.as_u64() != Some(held) {
                out.push(format!(
                    "{label} `{}` says {}, but the report's results hold {held}",
                    escape_text(status),
                    shown(Some(claimed))
                ));
            }
        }
    };
    check(
        "`summary`",
        &report["summary"],
        &total,
        results.len() as u64,
        out,
    );
    let snapshots = report.get("snapshots").and_then(Value::as_array);
    for s in snapshots.into_iter().flatten() {
        let Some(account) = s["account"].as_str() else {
            continue;
        };
        let empty = BTreeMap::new();
        let counts = by_account.get(account).unwrap_or(&empty);
        let n = counts.values().sum();
        let label = format!(
            "snapshot `{}` `summary`",
            escape_text(s["name"].as_str().unwrap_or_default())
        );
        check(&label, &s["summary"], counts, n, out);
    }
}
