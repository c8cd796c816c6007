//! Rendering a `@message` for one result, from the entities and the context
//! Cedar judged.

use cedar_policy::{Entity, EvalResult};

use super::{FactPath, Filter, MessageTemplate, Part, Root, UNKNOWN};
use crate::evidence::time::Timestamp;

/// The facts of one request, as Cedar saw them.
pub struct Facts<'a> {
    pub principal: Option<&'a Entity>,
    pub resource: Option<&'a Entity>,
    /// The request's context, in Cedar's JSON form.
    pub context: &'a serde_json::Value,
    pub as_of: Option<Timestamp>,
}

/// A value read from an entity or the context.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    Long(i64),
    Bool(bool),
    Set(Vec<Value>),
    Record(Vec<(String, Value)>),
    /// `datetime("...")`, `duration("...")`, `ip(...)`: the function and its argument.
    Extension(String, String),
}

impl MessageTemplate {
    /// The message for one request.
    pub fn render(&self, facts: &Facts) -> String {
        let mut out = String::new();
        write_parts(&self.parts, facts, &mut out);
        out
    }
}

fn write_parts(parts: &[Part], facts: &Facts, out: &mut String) {
    for part in parts {
        match part {
            Part::Text(t) => out.push_str(t),
            Part::Fact(f) => match lookup(&f.path, facts) {
                Some(v) => out.push_str(&print(&v, f.filter, facts.as_of)),
                None => out.push_str(UNKNOWN),
            },
            Part::If {
                condition,
                then,
                otherwise,
            } => {
                let holds = match lookup(condition, facts) {
                    None | Some(Value::Bool(false)) => false,
                    Some(Value::Text(t)) => !t.is_empty(),
                    Some(Value::Set(items)) => !items.is_empty(),
                    Some(_) => true,
                };
                write_parts(if holds { then } else { otherwise }, facts, out);
            }
        }
    }
}

fn lookup(path: &FactPath, facts: &Facts) -> Option<Value> {
    let Some((first, rest)) = path.attributes.split_first() else {
        let entity = match path.root {
            Root::Principal => facts.principal?,
            Root::Resource => facts.resource?,
            Root::Context => return None,
        };
        return Some(Value::Text(entity.uid().id().unescaped().to_string()));
    };
    let mut value = match path.root {
        Root::Principal => from_cedar(facts.principal?.attr(first)?.ok()?),
        Root::Resource => from_cedar(facts.resource?.attr(first)?.ok()?),
        // The context is JSON: walk to the value before converting it, so a
        // record (the thresholds, the password policy) is not copied whole
        // for each placeholder.
        Root::Context => {
            let mut at = facts.context.get(first)?;
            for name in rest {
                at = at.get(name)?;
            }
            return from_json(at);
        }
    };
    for name in rest {
        let Value::Record(fields) = value else {
            return None;
        };
        value = fields.into_iter().find(|(k, _)| k == name)?.1;
    }
    Some(value)
}

fn from_cedar(v: EvalResult) -> Value {
    match v {
        EvalResult::Bool(b) => Value::Bool(b),
        EvalResult::Long(n) => Value::Long(n),
        EvalResult::String(s) => Value::Text(s),
        EvalResult::EntityUid(uid) => Value::Text(uid.id().unescaped().to_string()),
        EvalResult::Set(set) => Value::Set(set.iter().cloned().map(from_cedar).collect()),
        EvalResult::Record(record) => Value::Record(
            record
                .iter()
                .map(|(k, v)| (k.to_string(), from_cedar(v.clone())))
                .collect(),
        ),
        EvalResult::ExtensionValue(text) => extension(&text),
    }
}

/// `datetime("2026-10-02T00:00:00Z")` → (`datetime`, `2026-10-02T00:00:00Z`).
fn extension(text: &str) -> Value {
    let parsed = text.split_once('(').and_then(|(f, rest)| {
        let arg = rest.strip_suffix(')')?.trim();
        let arg = arg.strip_prefix('"')?.strip_suffix('"')?;
        Some((f.to_string(), arg.to_string()))
    });
    match parsed {
        Some((f, arg)) => Value::Extension(f, arg),
        None => Value::Text(text.to_string()),
    }
}

fn from_json(v: &serde_json::Value) -> Option<Value> {
    use serde_json::Value as J;
    Some(match v {
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => Value::Long(n.as_i64()?),
        J::String(s) => Value::Text(s.clone()),
        J::Array(items) => Value::Set(items.iter().filter_map(from_json).collect()),
        J::Object(map) => {
            if let Some(ext) = map.get("__extn") {
                let f = ext.get("fn")?.as_str()?;
                let arg = ext.get("arg")?.as_str()?;
                Value::Extension(f.to_string(), arg.to_string())
            } else if let Some(entity) = map.get("__entity") {
                Value::Text(entity.get("id")?.as_str()?.to_string())
            } else {
                Value::Record(
                    map.iter()
                        .filter_map(|(k, v)| Some((k.clone(), from_json(v)?)))
                        .collect(),
                )
            }
        }
        J::Null => return None,
    })
}

fn print(value: &Value, filter: Option<Filter>, as_of: Option<Timestamp>) -> String {
    match (filter, value) {
        (None, v) => plain(v),
        (Some(Filter::Date), Value::Extension(f, arg)) if f == "datetime" => {
            match Timestamp::parse(arg) {
                Ok(t) => t.to_string().chars().take(10).collect(),
                Err(_) => arg.clone(),
            }
        }
        (Some(Filter::Age), Value::Extension(f, arg)) if f == "datetime" => {
            match (Timestamp::parse(arg), as_of) {
                (Ok(t), Some(as_of)) => days(as_of.days_since(t)),
                _ => UNKNOWN.to_string(),
            }
        }
        (Some(Filter::Days), Value::Extension(f, arg)) if f == "duration" => {
            match duration_millis(arg) {
                Some(ms) => days(ms.div_euclid(86_400_000)),
                None => arg.clone(),
            }
        }
        // The check refuses a filter on a value of another type.
        (Some(_), v) => plain(v),
    }
}

/// `1 day`, `90 days`.
fn days(n: i64) -> String {
    if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::Text(s) => s.clone(),
        Value::Long(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Set(items) if items.is_empty() => "none".to_string(),
        Value::Set(items) => items.iter().map(plain).collect::<Vec<_>>().join(", "),
        Value::Record(fields) => fields
            .iter()
            .map(|(k, v)| format!("{k}: {}", plain(v)))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Extension(_, arg) => arg.clone(),
    }
}

/// A Cedar duration (`90d`, `1d2h`, `-3h30m`, `500ms`) in milliseconds.
fn duration_millis(text: &str) -> Option<i64> {
    let (sign, mut rest) = match text.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, text),
    };
    let mut total: i64 = 0;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        let n: i64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let (unit, len) = if rest.starts_with("ms") {
            (1, 2)
        } else {
            match rest.chars().next()? {
                'd' => (86_400_000, 1),
                'h' => (3_600_000, 1),
                'm' => (60_000, 1),
                's' => (1_000, 1),
                _ => return None,
            }
        };
        total = total.checked_add(n.checked_mul(unit)?)?;
        rest = &rest[len..];
    }
    Some(sign * total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facts(context: &serde_json::Value) -> Facts<'_> {
        Facts {
            principal: None,
            resource: None,
            context,
            as_of: Timestamp::parse("2026-11-20T00:00:00Z").ok(),
        }
    }

    #[test]
    fn context_facts_print_through_their_filters() {
        let ctx = json!({
            "as_of": {"__extn": {"fn": "datetime", "arg": "2026-11-20T00:00:00Z"}},
            "seen": {"__extn": {"fn": "datetime", "arg": "2026-10-02T12:30:00Z"}},
            "thresholds": {"root_use_window": {"__extn": {"fn": "duration", "arg": "90d"}}, "min": 14},
            "names": ["b", "a"],
            "flag": false
        });
        let t = MessageTemplate::parse(
            "{seen|date}, {seen|age} days before as-of (limit {thresholds.root_use_window|days}); min {thresholds.min}; {names}; {missing}; {if flag}yes{else}no{end}",
        );
        // Paths start with their root.
        assert!(t.is_err());
        let t = MessageTemplate::parse(
            "{context.seen|date}, {context.seen|age} before as-of (limit {context.thresholds.root_use_window|days}); min {context.thresholds.min}; {context.names}; {context.missing}; {if context.flag}yes{else}no{end}",
        )
        .unwrap();
        assert_eq!(
            t.render(&facts(&ctx)),
            "2026-10-02, 48 days before as-of (limit 90 days); min 14; b, a; unknown; no"
        );
    }

    #[test]
    fn absent_entities_print_unknown() {
        let ctx = json!({});
        let t =
            MessageTemplate::parse("{principal.name} {if resource.active}x{else}y{end}").unwrap();
        assert_eq!(t.render(&facts(&ctx)), "unknown y");
    }

    #[test]
    fn durations_read_like_cedar() {
        assert_eq!(duration_millis("90d"), Some(90 * 86_400_000));
        assert_eq!(duration_millis("1d2h3m4s5ms"), Some(93_784_005));
        assert_eq!(duration_millis("-1d"), Some(-86_400_000));
        assert_eq!(duration_millis("1x"), None);
        assert_eq!(duration_millis("d"), None);
    }

    #[test]
    fn extension_values_split_into_function_and_argument() {
        assert_eq!(
            extension(r#"datetime("2026-10-02T00:00:00Z")"#),
            Value::Extension("datetime".into(), "2026-10-02T00:00:00Z".into())
        );
        assert_eq!(extension("odd"), Value::Text("odd".into()));
    }
}
