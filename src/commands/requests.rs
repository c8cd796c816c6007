//! `iam-audit requests`: every access-path request of a snapshot, in the
//! form the official `cedar` CLI reads with `--request-json`.

use serde_json::{json, Value};

use super::{print_one, OneSnapshot, Outcome};
use crate::error::Error;
use crate::model::cedar::Type;
use crate::model::{AccessRequest, Model};

pub fn run(options: &OneSnapshot) -> Result<Outcome, Error> {
    print_one(options, "requests", |p| requests_text(&p.model))
}

/// One request in Cedar's request JSON (`principal`, `action`, `resource`
/// as entity-uid strings such as `Iam::User::"arn:aws:iam::1:user/a"`, and
/// `context` in Cedar's JSON value format), plus its `id` and `subject`,
/// which the `cedar` CLI ignores.
pub fn request_json(req: &AccessRequest) -> Value {
    json!({
        "id": req.id,
        "subject": req.subject,
        "principal": req.principal.uid().to_string(),
        "action": Type::Action.uid(req.action.name()).to_string(),
        "resource": req.resource.uid().to_string(),
        "context": &*req.context_json,
    })
}

/// Every request of a snapshot, sorted by id, as a pretty JSON array.
pub fn requests_text(model: &Model) -> Result<String, Error> {
    let mut requests: Vec<&AccessRequest> = model.requests.iter().collect();
    requests.sort_by(|a, b| a.id.cmp(&b.id));
    let list: Vec<Value> = requests.into_iter().map(request_json).collect();
    let mut out = serde_json::to_string_pretty(&Value::Array(list))
        .map_err(|e| Error::Internal(format!("cannot serialize requests: {e}")))?;
    out.push('\n');
    Ok(out)
}
