//! Loading policies: parse every file, read the annotations, give each policy
//! its `@id`, refuse what the engine cannot judge (`permit` policies,
//! templates, duplicate ids), and validate the whole set in strict mode
//! against the schema. Every problem is reported, each against its file.

use std::collections::BTreeMap;
use std::str::FromStr;

use cedar_policy::{Effect, PolicyId, PolicySet, ValidationMode, Validator};

use super::diagnostics::{render, PolicyProblem};
use super::select::Selection;
use super::{builtin, schema, Control, PolicyPack, Requirement};
use crate::error::Error;
use crate::evidence::{sha256_hex, EvidenceKind};
use crate::status::Severity;

/// One policy file's text and the names to show for it.
#[derive(Debug, Clone)]
pub struct PolicySource {
    /// The path as the user gave it, for diagnostics (editors jump to it).
    pub name: String,
    /// A machine-independent name for the report: `builtin/<file>`, or the
    /// path relative to the folder given, prefixed by that folder's name.
    pub report_name: String,
    pub text: String,
}

impl PolicySource {
    /// A policy file's bytes, which must be UTF-8 text: `name` and
    /// `report_name` as in the fields.
    pub fn from_bytes(name: String, report_name: String, bytes: Vec<u8>) -> Result<Self, Error> {
        let text = String::from_utf8(bytes)
            .map_err(|_| Error::Policy(format!("error: {name}: not UTF-8 text\n")))?;
        Ok(PolicySource {
            name,
            report_name,
            text,
        })
    }
}

/// The built-in pack's files, named `builtin/<file>`.
pub fn builtin_sources() -> Vec<PolicySource> {
    builtin::FILES
        .iter()
        .map(|(name, text)| PolicySource {
            name: format!("builtin/{name}"),
            report_name: format!("builtin/{name}"),
            text: (*text).to_string(),
        })
        .collect()
}

/// Loads the controls of a run. `builtin` adds the embedded pack first.
pub fn load_policies(extra: &[PolicySource], builtin: bool) -> Result<PolicyPack, Error> {
    load_selected(extra, builtin, &Selection::default())
}

/// Loads the controls of a run and keeps those `selection` chooses. Every
/// file is parsed and every policy's annotations are checked (ids must be
/// known to select by them); only the chosen controls are validated against
/// the schema and evaluated, so `validate` with the same flags checks exactly
/// what `evaluate` would run.
pub fn load_selected(
    extra: &[PolicySource],
    builtin: bool,
    selection: &Selection,
) -> Result<PolicyPack, Error> {
    let mut sources = if builtin {
        builtin_sources()
    } else {
        Vec::new()
    };
    sources.extend(extra.iter().cloned());
    let mut problems: Vec<String> = Vec::new();
    let mut controls: Vec<Control> = Vec::new();
    // id → (file, line:col) of its first definition, for duplicate errors.
    let mut first_seen: BTreeMap<String, String> = BTreeMap::new();
    // policy id → source index, to render validation errors against their file.
    let mut origin: BTreeMap<String, usize> = BTreeMap::new();
    // policy id → where the policy starts in its file.
    let mut starts: BTreeMap<String, usize> = BTreeMap::new();

    for (index, source) in sources.iter().enumerate() {
        let parsed = match PolicySet::from_str(&source.text) {
            Ok(set) => set,
            Err(errors) => {
                // Each parse error is its own diagnostic so none hides another.
                for e in errors.iter() {
                    problems.push(render(e, &source.name, &source.text));
                }
                continue;
            }
        };
        if parsed.templates().next().is_some() {
            problems.push(format!(
                "error: {}: policy templates (with `?principal`/`?resource` slots) are not supported: write a static policy\n",
                source.name
            ));
        }
        // `PolicySet` iteration order is a hash order: sort by position in the file.
        let mut policies: Vec<(usize, cedar_policy::Policy)> = parsed
            .policies()
            .map(|p| {
                let text = p.to_cedar().unwrap_or_default();
                (source.text.find(&text).unwrap_or(0), p.clone())
            })
            .collect();
        policies.sort_by_key(|(offset, _)| *offset);
        for (offset, policy) in policies {
            match control(source, offset, &policy) {
                Ok(c) => {
                    let here = {
                        let (l, col) = super::diagnostics::line_col(&source.text, offset);
                        format!("{}:{l}:{col}", source.name)
                    };
                    if let Some(first) = first_seen.get(&c.id) {
                        let problem = PolicyProblem {
                            message: format!("duplicate policy id `{}` (first defined at {first})", c.id),
                            help: Some("every `@id` must be unique across all loaded files, built-in ones included: rename this policy".into()),
                            offset,
                            len: source.text.get(offset..).and_then(|t| t.find('\n')).unwrap_or(1).max(1),
                        };
                        problems.push(render(&problem, &source.name, &source.text));
                        continue;
                    }
                    first_seen.insert(c.id.clone(), here);
                    origin.insert(c.id.clone(), index);
                    starts.insert(c.id.clone(), offset);
                    controls.push(c);
                }
                Err(problem) => problems.push(render(&problem, &source.name, &source.text)),
            }
        }
    }

    if problems.is_empty() && !selection.is_empty() {
        let ids: Vec<&str> = controls.iter().map(|c| c.id.as_str()).collect();
        let unmatched = selection.unmatched(&ids);
        if !unmatched.is_empty() {
            return Err(Error::Usage(format!(
                "{} match{} no loaded policy id (`iam-audit policies`, with the same `--policies` flags, lists them; globs use `*` and `?`)",
                unmatched.join(", "),
                if unmatched.len() == 1 { "es" } else { "" }
            )));
        }
        controls.retain(|c| selection.keeps(&c.id));
        if controls.is_empty() {
            return Err(Error::Usage(
                "`--select`/`--ignore` leave no policy to evaluate".into(),
            ));
        }
    }

    let mut set = PolicySet::new();
    for c in &controls {
        if let Err(e) = set.add(c.policy.clone()) {
            problems.push(format!("error: {}: {e}\n", c.source));
        }
    }

    let schema = schema()?;
    // Validate what did load even when other files failed: one error never
    // hides the next (a syntax error in one file must not mask a misspelt
    // attribute in another).
    {
        let validator = Validator::new(schema.clone());
        let result = validator.validate(&set, ValidationMode::Strict);
        let mut rendered: Vec<(String, usize, String)> = result
            .validation_errors()
            .map(|e| {
                let id = e.policy_id().to_string();
                // Sort by place in the file (then text), not by rendered
                // text, in which line 10 would come before line 5.
                let offset = miette::Diagnostic::labels(e)
                    .and_then(|mut l| l.next())
                    .map(|l| l.offset())
                    .unwrap_or(0);
                match origin.get(&id).and_then(|i| sources.get(*i)) {
                    Some(src) => (src.name.clone(), offset, render(e, &src.name, &src.text)),
                    None => (String::new(), offset, format!("error: {e}\n")),
                }
            })
            .collect();
        // Validation errors come from a hash set: sort them for stable output.
        rendered.sort();
        problems.extend(rendered.into_iter().map(|(_, _, r)| r));
    }

    // Every `@message` against the schema (its policy validated or not: a
    // typo in a message is worth reporting beside a typo in a condition).
    let templated: Vec<(
        &str,
        &cedar_policy::Policy,
        &super::message::MessageTemplate,
    )> = controls
        .iter()
        .filter_map(|c| Some((c.id.as_str(), &c.policy, c.message.as_ref()?)))
        .collect();
    let checked = super::message::check::check(&templated, &schema);
    for unsound in &checked.unsound {
        let (id, _, _) = templated[unsound.control];
        let Some(src) = origin.get(id).and_then(|i| sources.get(*i)) else {
            continue;
        };
        let (offset, len) = starts
            .get(id)
            .and_then(|&at| {
                let (within, len) = annotation_span(src.text.get(at..)?, "message")?;
                Some((at + within, len))
            })
            .unwrap_or((0, 1));
        let problem = PolicyProblem {
            message: format!("policy `{id}`: `@message`: {}", unsound.message),
            help: unsound.help.clone(),
            offset,
            len,
        };
        problems.push(render(&problem, &src.name, &src.text));
    }

    if !problems.is_empty() {
        let count = problems.len();
        let mut text = problems.join("\n");
        text.push_str(&format!(
            "\n{count} policy error{}: nothing was evaluated\n",
            if count == 1 { "" } else { "s" }
        ));
        return Err(Error::Policy(text));
    }
    controls.sort_by(|a, b| a.id.cmp(&b.id));
    let mut reading = set.clone();
    for p in checked.reading {
        // The checks' ids (`message-check/...`) cannot clash with an `@id`,
        // which holds no `/`.
        let _ = reading.add(p);
    }
    Ok(PolicyPack {
        controls,
        set,
        reading,
        builtin_version: if builtin { builtin::version() } else { None },
        schema,
        files: extra
            .iter()
            .map(|s| super::PolicyFile {
                path: s.report_name.clone(),
                sha256: sha256_hex(s.text.as_bytes()),
            })
            .collect(),
        selection: selection.clone(),
    })
}

/// Reads one policy's annotations into a [`Control`] (with the Cedar policy
/// renamed to its `@id`).
fn control(
    source: &PolicySource,
    offset: usize,
    policy: &cedar_policy::Policy,
) -> Result<Control, PolicyProblem> {
    let text = policy.to_cedar().unwrap_or_default();
    // The policy's text where it stands in its file (when it is found
    // there), to point at the annotation a problem is about.
    let in_file = source
        .text
        .get(offset..)
        .is_some_and(|t| t.starts_with(&text));
    let problem_at = |annotation: &str, message: String, help: &str| {
        let (at, len) = in_file
            .then(|| annotation_span(&text, annotation))
            .flatten()
            .unwrap_or((0, text.find('\n').unwrap_or(text.len())));
        PolicyProblem {
            message,
            help: if help.is_empty() {
                None
            } else {
                Some(help.to_string())
            },
            offset: offset + at,
            len: len.max(1),
        }
    };
    let problem = |message: String, help: &str| problem_at("id", message, help);
    let Some(id) = policy.annotation("id") else {
        return Err(problem(
            "policy has no `@id` annotation".into(),
            "add a unique, stable, kebab-case id above the policy, e.g. `@id(\"users-have-mfa\")`",
        ));
    };
    let id = id.to_string();
    if id.is_empty()
        || id
            .chars()
            .any(|c| c.is_whitespace() || c == '/' || c.is_control())
    {
        return Err(problem(
            format!("`@id(\"{}\")` is not a usable id", id.escape_debug()),
            "ids are non-empty and hold no spaces or `/` (they start result ids such as `<id>/<subject>`); use kebab-case",
        ));
    }
    if policy.effect() == Effect::Permit {
        return Err(problem(
            format!("policy `{id}` is a `permit` policy"),
            "a control states what must not happen: write it as `forbid (...) when { <the violation> };`",
        ));
    }
    let severity = match policy.annotation("severity") {
        None => Severity::Medium,
        Some(s) => Severity::parse(s).ok_or_else(|| {
            problem_at(
                "severity",
                format!("policy `{id}`: unknown `@severity(\"{s}\")`"),
                "use one of `critical`, `high`, `medium`, `low`, `info`",
            )
        })?,
    };
    let version = policy.annotation("version").unwrap_or("0.0.0").to_string();
    if !is_semver(&version) {
        return Err(problem_at(
                "version",
            format!("policy `{id}`: `@version(\"{version}\")` is not a semantic version"),
            "write `MAJOR.MINOR.PATCH`, e.g. `@version(\"1.0.0\")`, and bump it whenever the policy text changes",
        ));
    }
    let mut requires = Vec::new();
    if let Some(list) = policy.annotation("requires") {
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let r = if item == "as-of" {
                Requirement::AsOf
            } else if item.contains('|') {
                let mut kinds = Vec::new();
                for alt in item.split('|').map(str::trim) {
                    match EvidenceKind::parse(alt) {
                        Some(k) => kinds.push(k),
                        None => {
                            return Err(problem_at(
                                "requires",
                                format!("policy `{id}`: `@requires` names `{alt}`, which is not an evidence kind"),
                                "alternatives are evidence kinds separated by `|`, e.g. `credential-report|account-summary`",
                            ))
                        }
                    }
                }
                kinds.sort();
                kinds.dedup();
                Requirement::AnyOf(kinds)
            } else if let Some(kind) = EvidenceKind::parse(item) {
                Requirement::Evidence(kind)
            } else {
                let known = EvidenceKind::ALL
                    .map(|k| format!("`{}`", k.as_str()))
                    .join(", ");
                return Err(problem_at(
                    "requires",
                    format!(
                        "policy `{id}`: `@requires` names `{item}`, which is not an evidence kind"
                    ),
                    &format!("use a comma-separated list of {known} or `as-of` (`a|b` when either export will do)"),
                ));
            };
            requires.push(r);
        }
    }
    // A policy that reads the as-of time needs one, declared or not.
    if crate::model::reads::reads_attribute(policy, "as_of") {
        requires.push(Requirement::AsOf);
    }
    requires.sort();
    requires.dedup();
    let subject_is_resource = match policy.annotation("subject") {
        None => false,
        Some("resource") => true,
        Some("path") => false,
        Some(other) => {
            return Err(problem_at(
                "subject",
                format!("policy `{id}`: unknown `@subject(\"{other}\")`"),
                "use `@subject(\"resource\")` to name results by the resource's ARN (a managed policy, or an inline policy's holder), or leave it out",
            ))
        }
    };
    let message = match policy.annotation("message") {
        None => None,
        Some(text) => Some(super::message::MessageTemplate::parse(text).map_err(|e| {
            problem_at(
                "message",
                format!("policy `{id}`: `@message`: {}", e.message),
                &e.help,
            )
        })?),
    };
    let cis_aws = match policy.annotation("cis_aws") {
        None => BTreeMap::new(),
        Some(s) => parse_cis(s).map_err(|m| {
            problem_at(
                "cis_aws",
                format!("policy `{id}`: {m}"),
                "write `@cis_aws(\"<benchmark version>=<control> ...\")`, e.g. `@cis_aws(\"3.0=1.10 5.0=1.9\")`",
            )
        })?,
    };
    let maps = match policy.annotation("maps") {
        None => Vec::new(),
        Some(s) => crate::framework_data::parse_maps(s).map_err(|m| {
            problem_at(
                "maps",
                format!("policy `{id}`: {m}"),
                "write `@maps(\"<framework>:<requirement> ...\")`, e.g. `@maps(\"nist-800-53-r5:AC-2(1) pci-dss-v4.0.1:8.4.2\")`; `iam-audit frameworks` lists the framework ids",
            )
        })?,
    };
    let reference = match policy.annotation("reference") {
        None => None,
        Some(url) if is_https_url(url) => Some(url.to_string()),
        Some(url) => {
            return Err(problem_at(
                "reference",
                format!(
                    "policy `{id}`: `@reference(\"{}\")` is not an absolute https URL",
                    url.escape_debug()
                ),
                "write the address of the public page that describes the control, e.g. `@reference(\"https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-5\")`",
            ))
        }
    };
    Ok(Control {
        title: policy.annotation("title").unwrap_or(&id).to_string(),
        severity,
        version,
        remediation: policy.annotation("remediation").map(str::to_string),
        reference,
        requires,
        cis_aws,
        maps,
        subject_is_resource,
        message,
        source: source.report_name.clone(),
        sha256: sha256_hex(text.as_bytes()),
        policy: policy.new_id(PolicyId::new(&id)),
        id,
    })
}

/// Whether `url` is an absolute `https` URL a report can hand to a browser
/// or a code-scanning tool as it is: `https://`, a host of letters, digits,
/// `.`, `-` (and a `:port`), then only characters RFC 3986 allows in a URI
/// (no space, quote, `<`, `>` or other character that would need encoding).
fn is_https_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(host_end);
    let host_name = host.split(':').next().unwrap_or("");
    let port_ok = host
        .split_once(':')
        .is_none_or(|(_, port)| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()));
    !host_name.is_empty()
        && !host_name.starts_with(['.', '-'])
        && host_name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && port_ok
        && tail
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b))
}

/// Where `@name(...)` stands in a policy's text: its offset and length up to
/// the end of its line. Annotations come before the effect, one per line as
/// written in practice; the search stops at the line that starts the
/// effect, and anything else (an annotation sharing a line) is not found.
fn annotation_span(text: &str, name: &str) -> Option<(usize, usize)> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end();
        let trimmed = content.trim_start();
        if trimmed.starts_with("forbid") || trimmed.starts_with("permit") {
            return None;
        }
        if let Some(after) = trimmed.strip_prefix('@').map(str::trim_start) {
            if after
                .strip_prefix(name)
                .is_some_and(|rest| rest.trim_start().starts_with('('))
            {
                let indent = content.len() - trimmed.len();
                return Some((start + indent, trimmed.len()));
            }
        }
        start += line.len();
    }
    None
}

fn is_semver(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// `"3.0=1.10 5.0=1.9"` → {"3.0": "1.10", "5.0": "1.9"}. Control numbers stay
/// strings: `1.10` is not `1.1`.
pub fn parse_cis(s: &str) -> Result<BTreeMap<String, String>, String> {
    let mut map = BTreeMap::new();
    for pair in s.split_whitespace() {
        let (version, control) = pair
            .split_once('=')
            .ok_or_else(|| format!("`@cis_aws` entry `{pair}` is not `<version>=<control>`"))?;
        if version.is_empty() || control.is_empty() {
            return Err(format!(
                "`@cis_aws` entry `{pair}` is not `<version>=<control>`"
            ));
        }
        if map
            .insert(version.to_string(), control.to_string())
            .is_some()
        {
            return Err(format!(
                "`@cis_aws` names benchmark version `{version}` twice"
            ));
        }
    }
    Ok(map)
}
