//! `iam-audit explain`: everything about one subject, for policy authors:
//! its requests, the entity attributes and parents the policies saw, the
//! context, and each in-scope control's status and why.
//!
//! It is plain data built from the [`Model`] and the engine's findings, so
//! it can never disagree with `evaluate`.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use std::path::PathBuf;

use super::requests::request_json;
use super::{load_pack, prepare_one, Outcome, PolicyOptions};
use crate::error::Error;
use crate::evidence::time::Timestamp;
use crate::model::{AccessRequest, Model};
use crate::results::{Finding, Status};
use crate::text::escape_text;

pub struct Options {
    pub paths: Vec<PathBuf>,
    /// `--exclude`, `--organization`, `--snapshot`.
    pub intake: crate::cli::files::Intake,
    /// An ARN, account id or name: as result subject, principal or resource.
    pub subject: String,
    pub policies: PolicyOptions,
    pub as_of: Option<Timestamp>,
    /// JSON instead of text.
    pub json: bool,
}

pub fn run(options: &Options) -> Result<Outcome, Error> {
    let pack = load_pack(&options.policies)?;
    let (prepared, notes) = prepare_one(
        &options.paths,
        &options.intake,
        &pack.schema,
        options.as_of,
        "explain",
        None,
    )?;
    let findings = crate::results::evaluate(&pack, &prepared.model, &prepared.entities);
    let entities = crate::model::entities_json(&prepared.entities)?;
    let value = explain(&prepared.model, &entities, &findings, &options.subject)?;
    let text = if options.json {
        let mut t = serde_json::to_string_pretty(&value)
            .map_err(|e| Error::Internal(format!("cannot serialize: {e}")))?;
        t.push('\n');
        t
    } else {
        explain_text(&value)
    };
    let mut outcome = Outcome::text(text, 0);
    outcome.notes = notes;
    Ok(outcome)
}

/// Why a control has the status it has, in words.
fn reason(status: Status) -> &'static str {
    match status {
        Status::Fail => "determining: the request is in the policy's scope and its conditions hold",
        Status::Pass => "in scope; the policy's conditions do not hold",
        Status::Error => "errored: Cedar could not evaluate the policy (or the evidence does not decode), never a silent pass",
        Status::NotEvaluated => "not evaluated: the evidence this control needs is missing for this path",
        Status::NotApplicable => "not applicable: no access path is in the control's scope",
        Status::Waived => "waived",
    }
}

/// Whether `subject` (as `--subject` gives it) names `arn`: the ARN (or
/// account id) itself, or a bare name, which names the IAM user, role or
/// group of that name whatever its path (`bob` names
/// `arn:aws:iam::1:user/team/bob`).
fn names(arn: &str, subject: &str) -> bool {
    if arn == subject {
        return true;
    }
    if subject.is_empty() || subject.contains(':') || subject.contains('/') {
        return false;
    }
    let Some((_, resource)) = arn
        .split_once(":iam::")
        .and_then(|(_, rest)| rest.split_once(':'))
    else {
        return false;
    };
    ["user/", "role/", "group/"]
        .iter()
        .any(|kind| resource.starts_with(kind) && resource.rsplit('/').next() == Some(subject))
}

/// The entities JSON (`iam-audit entities`), indexed by `(type, id)`.
fn entity_index(entities_json: &str) -> Result<BTreeMap<(String, String), Value>, Error> {
    let list: Vec<Value> = serde_json::from_str(entities_json)
        .map_err(|e| Error::Internal(format!("cannot read back the entities: {e}")))?;
    Ok(list
        .into_iter()
        .map(|e| {
            let key = (
                e["uid"]["type"].as_str().unwrap_or_default().to_string(),
                e["uid"]["id"].as_str().unwrap_or_default().to_string(),
            );
            (key, e)
        })
        .collect())
}

fn entity_of(index: &BTreeMap<(String, String), Value>, uid: &cedar_policy::EntityUid) -> Value {
    let key = (
        uid.type_name().to_string(),
        uid.id().unescaped().to_string(),
    );
    index.get(&key).cloned().unwrap_or(Value::Null)
}

/// `explain`: everything about `subject` in one snapshot, as JSON.
///
/// A request is about the subject when the subject is its result subject,
/// its principal or its resource (by ARN, account id or name). Results of
/// the whole account (`not-applicable`, `not-evaluated` for a missing
/// export) are listed when the subject is the account's root ARN.
pub fn explain(
    model: &Model,
    entities_json: &str,
    findings: &[Box<Finding>],
    subject: &str,
) -> Result<Value, Error> {
    let index = entity_index(entities_json)?;
    let mut requests: Vec<&AccessRequest> = model
        .requests
        .iter()
        .filter(|r| {
            [&r.subject, &r.principal_name, &r.resource_name]
                .iter()
                .any(|arn| names(arn, subject))
        })
        .collect();
    requests.sort_by(|a, b| a.id.cmp(&b.id));
    // Account-level results belong to no request: they have no action.
    let account_results: Vec<Value> = findings
        .iter()
        .filter(|f| *f.subject == *subject && f.action.is_empty())
        .map(|f| {
            json!({
                "policy": f.policy,
                "status": f.status,
                "reason": reason(f.status),
                "message": f.message,
            })
        })
        .collect();
    if requests.is_empty() && account_results.is_empty() {
        return Err(Error::Usage(format!(
            "no access path in this snapshot is about `{}`; `iam-audit requests PATH` lists every request with its subject, principal and resource",
            escape_text(subject)
        )));
    }
    let mut out_requests = Vec::new();
    for req in requests {
        let mut roles = Vec::new();
        if names(&req.subject, subject) {
            roles.push("subject");
        }
        if names(&req.principal_name, subject) {
            roles.push("principal");
        }
        if names(&req.resource_name, subject) {
            roles.push("resource");
        }
        let mut controls: Vec<Value> = findings
            .iter()
            .filter(|f| f.id == format!("{}/{}", f.policy, req.id))
            .map(|f| {
                json!({
                    "policy": f.policy,
                    "status": f.status,
                    "determining": f.status == Status::Fail,
                    "reason": reason(f.status),
                    "message": f.message,
                })
            })
            .collect();
        controls.sort_by(|a, b| a["policy"].as_str().cmp(&b["policy"].as_str()));
        let mut r = match request_json(req) {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        r.insert("as".into(), json!(roles));
        r.insert(
            "principal_entity".into(),
            entity_of(&index, &req.principal.uid()),
        );
        r.insert(
            "resource_entity".into(),
            entity_of(&index, &req.resource.uid()),
        );
        r.insert("controls".into(), Value::Array(controls));
        out_requests.push(Value::Object(r));
    }
    Ok(json!({
        "subject": subject,
        "account": model.account.id,
        "as_of": model.as_of.time.map(|t| t.to_cedar()),
        "requests": out_requests,
        "account_results": account_results,
    }))
}

/// A JSON value on one line, for the text form.
fn compact(v: &Value) -> String {
    escape_text(&v.to_string())
}

fn entity_lines(out: &mut String, label: &str, entity: &Value) {
    if entity.is_null() {
        out.push_str(&format!("  {label}: (no entity: a name only)\n"));
        return;
    }
    let uid = format!(
        "{}::{}",
        entity["uid"]["type"].as_str().unwrap_or_default(),
        compact(&entity["uid"]["id"])
    );
    out.push_str(&format!("  {label} {uid}\n"));
    if let Some(attrs) = entity["attrs"].as_object().filter(|a| !a.is_empty()) {
        for (k, v) in attrs {
            out.push_str(&format!("    .{k} = {}\n", compact(v)));
        }
    }
    if let Some(tags) = entity["tags"].as_object().filter(|t| !t.is_empty()) {
        for (k, v) in tags {
            out.push_str(&format!(
                "    tag {} = {}\n",
                compact(&json!(k)),
                compact(v)
            ));
        }
    }
    if let Some(parents) = entity["parents"].as_array().filter(|p| !p.is_empty()) {
        for p in parents {
            out.push_str(&format!(
                "    in {}::{}\n",
                p["type"].as_str().unwrap_or_default(),
                compact(&p["id"])
            ));
        }
    }
}

/// The text form of [`explain`]: one block per request.
pub fn explain_text(v: &Value) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "subject {}\naccount {}, as of {}\n",
        escape_text(v["subject"].as_str().unwrap_or_default()),
        escape_text(v["account"].as_str().unwrap_or_default()),
        v["as_of"].as_str().unwrap_or("(none)")
    ));
    for r in v["requests"].as_array().into_iter().flatten() {
        out.push('\n');
        let roles: Vec<&str> = r["as"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        out.push_str(&format!(
            "request {} (as {})\n",
            escape_text(r["id"].as_str().unwrap_or_default()),
            roles.join(", ")
        ));
        out.push_str(&format!(
            "  {} {} {}\n",
            escape_text(r["principal"].as_str().unwrap_or_default()),
            r["action"].as_str().unwrap_or_default(),
            escape_text(r["resource"].as_str().unwrap_or_default())
        ));
        out.push_str(&format!("  context {}\n", compact(&r["context"])));
        entity_lines(&mut out, "principal", &r["principal_entity"]);
        entity_lines(&mut out, "resource", &r["resource_entity"]);
        let controls = r["controls"].as_array().map(Vec::as_slice).unwrap_or(&[]);
        if controls.is_empty() {
            out.push_str("  controls: none in scope\n");
        }
        for c in controls {
            out.push_str(&format!(
                "  {:<14} {}: {}\n    {}\n",
                c["status"].as_str().unwrap_or_default(),
                c["policy"].as_str().unwrap_or_default(),
                c["reason"].as_str().unwrap_or_default(),
                escape_text(c["message"].as_str().unwrap_or_default())
            ));
        }
    }
    let account = v["account_results"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if !account.is_empty() {
        out.push_str("\naccount-wide results\n");
        for c in account {
            out.push_str(&format!(
                "  {:<14} {}: {}\n",
                c["status"].as_str().unwrap_or_default(),
                c["policy"].as_str().unwrap_or_default(),
                escape_text(c["message"].as_str().unwrap_or_default())
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::names;

    #[test]
    fn a_bare_name_names_users_roles_and_groups_whatever_their_path() {
        assert!(names("arn:aws:iam::1:user/bob", "bob"));
        assert!(names("arn:aws:iam::1:user/team/bob", "bob"));
        assert!(names("arn:aws:iam::1:role/bob", "bob"));
        assert!(names("arn:aws:iam::1:user/bob", "arn:aws:iam::1:user/bob"));
        assert!(!names("arn:aws:iam::1:user/bobby", "bob"));
        assert!(!names("arn:aws:iam::1:policy/bob", "bob"));
        assert!(!names("arn:aws:iam::1:user/bob", ""));
        assert!(names("123456789012", "123456789012"));
    }
}
