//! `iam-audit test DIR`: policy unit tests, in the spirit of `opa test` and
//! `cedar run-tests`.
//!
//! The policies are every `.cedar` file under DIR (the built-in pack is not
//! added: a test folder says exactly what it tests). The tests are every
//! `*.test.json` file under DIR, each a list of cases: evidence (a snapshot
//! path relative to the test file, or inline files), an optional as-of time,
//! and the expected results. The format is documented in
//! `docs/policy-reference.md` ("Policy tests").
//!
//! Outcome: one `PASS`/`FAIL` line per case, a diff of expected (`-`) and
//! actual (`+`) results under a failing case, then exactly `N passed, M
//! failed`. Exit 0 when all pass, 1 when one fails, 2 when a test file is
//! malformed (the file and a JSON pointer are named) or the policies do not
//! load.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::Outcome;
use crate::cli::files;
use crate::engine::{self, PolicyPack};
use crate::error::{Error, InputError, Location};
use crate::evidence::pointer::escape_pointer;
use crate::evidence::source::Buffers;
use crate::evidence::time::Timestamp;
use crate::exec::Sequential;
use crate::pipeline::{self, PrepareOptions};
use crate::results::{Finding, Findings, Status};
use crate::text::escape_text;

/// Where a test file is, and a pointer into it, for malformed-file errors.
fn malformed(file: &str, pointer: &str, message: impl Into<String>) -> Error {
    Error::Input(vec![InputError::new(
        file,
        Location::Pointer(pointer.to_string()),
        message,
    )
    .with_help(
        "see \"Policy tests\" in docs/policy-reference.md for the format",
    )])
}

/// Where a case's evidence comes from.
#[derive(Debug, Clone)]
enum Evidence {
    /// Paths relative to the test file's folder (files together form one
    /// snapshot; a folder is one snapshot).
    Paths(Vec<PathBuf>),
    /// Inline files: name → content (a string is written as is, any other
    /// JSON value as JSON).
    Inline(Vec<(String, String)>),
}

/// One expected `(policy, subject) → status`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expectation {
    policy: String,
    subject: String,
    status: String,
}

#[derive(Debug, Clone)]
struct Case {
    name: String,
    evidence: Evidence,
    as_of: Option<Timestamp>,
    expect: Vec<Expectation>,
    /// policy → the exact set of subjects that must fail it.
    failing: BTreeMap<String, BTreeSet<String>>,
}

/// The outcome of a whole `test` run.
pub struct TestRun {
    /// The printed text (per-case lines, diffs, summary).
    pub text: String,
    pub passed: usize,
    pub failed: usize,
}

pub struct Options {
    /// A folder of `.cedar` policies and `*.test.json` tests.
    pub dir: PathBuf,
}

/// Exit code 1 when a test fails.
pub fn run(options: &Options) -> Result<Outcome, Error> {
    let outcome = run_tests(&options.dir)?;
    Ok(Outcome::text(outcome.text, u8::from(outcome.failed > 0)))
}

/// Runs the tests under `dir`.
pub fn run_tests(dir: &Path) -> Result<TestRun, Error> {
    let shown = dir.display().to_string();
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "`{shown}` is not a folder: `iam-audit test` takes a folder of `.cedar` policies and `*.test.json` tests"
        )));
    }
    let sources = files::policy_sources(dir)?;
    let pack = engine::load_policies(&sources, false)?;
    let mut test_files = Vec::new();
    collect_tests(dir, &mut test_files, 0)
        .map_err(|e| Error::Usage(format!("cannot read folder `{shown}`: {e}")))?;
    test_files.sort();
    if test_files.is_empty() {
        return Err(Error::Usage(format!(
            "no `*.test.json` files under `{shown}`; see \"Policy tests\" in docs/policy-reference.md"
        )));
    }
    // Read and check every file first: a malformed file stops the run
    // before anything is reported (exit 2), like a policy that does not load.
    let mut files = Vec::new();
    for path in &test_files {
        let name = path.display().to_string();
        let cases = parse_file(path, &name, &pack)?;
        files.push((path, name, cases));
    }
    let schema = &pack.schema;
    let mut text = String::new();
    let (mut passed, mut failed) = (0, 0);
    for (path, name, cases) in files {
        let base = path.parent().unwrap_or(Path::new("."));
        for (index, case) in cases.iter().enumerate() {
            let findings = evaluate_case(base, &name, index, case, &pack, schema)?;
            let diff = compare(case, &findings);
            if diff.is_empty() {
                passed += 1;
                // Test and case names come from the test files.
                text.push_str(&format!(
                    "PASS {}: {}\n",
                    escape_text(&name),
                    escape_text(&case.name)
                ));
            } else {
                failed += 1;
                text.push_str(&format!(
                    "FAIL {}: {}\n",
                    escape_text(&name),
                    escape_text(&case.name)
                ));
                for line in diff {
                    text.push_str(&format!("  {}\n", escape_text(&line)));
                }
            }
        }
    }
    text.push_str(&format!("{passed} passed, {failed} failed\n"));
    Ok(TestRun {
        text,
        passed,
        failed,
    })
}

fn collect_tests(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> std::io::Result<()> {
    if depth > 16 {
        return Ok(());
    }
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_tests(&path, out, depth + 1)?;
        } else if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().ends_with(".test.json"))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// The largest `*.test.json` file read (tests are written by people).
const MAX_TEST_FILE_BYTES: u64 = 64 * 1024 * 1024;

const STATUSES: [&str; 5] = ["fail", "pass", "error", "not-evaluated", "not-applicable"];

fn parse_file(path: &Path, name: &str, pack: &PolicyPack) -> Result<Vec<Case>, Error> {
    let bytes = crate::cli::files::read_limited(name, path, MAX_TEST_FILE_BYTES, "the test file")?;
    let doc: Value = serde_json::from_slice(&bytes).map_err(|e| {
        Error::Input(vec![InputError::new(
            name,
            Location::LineColumn {
                line: e.line(),
                column: e.column(),
            },
            format!("not valid JSON: {e}"),
        )])
    })?;
    let top = doc
        .as_object()
        .ok_or_else(|| malformed(name, "", "a test file is a JSON object with `tests`"))?;
    for key in top.keys() {
        if !matches!(key.as_str(), "description" | "tests") {
            return Err(malformed(
                name,
                &format!("/{}", escape_pointer(key)),
                format!("unknown key `{key}` (known: `description`, `tests`)"),
            ));
        }
    }
    let tests = top
        .get("tests")
        .and_then(Value::as_array)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| malformed(name, "/tests", "`tests` must be a non-empty array of cases"))?;
    let known: BTreeSet<&str> = pack.controls.iter().map(|c| c.id.as_str()).collect();
    let mut cases = Vec::new();
    for (i, t) in tests.iter().enumerate() {
        cases.push(parse_case(t, name, &format!("/tests/{i}"), &known)?);
    }
    Ok(cases)
}

fn parse_case(t: &Value, file: &str, at: &str, known: &BTreeSet<&str>) -> Result<Case, Error> {
    let obj = t
        .as_object()
        .ok_or_else(|| malformed(file, at, "a test case is a JSON object"))?;
    for key in obj.keys() {
        if !matches!(
            key.as_str(),
            "name" | "description" | "evidence" | "files" | "as_of" | "expect" | "failing"
        ) {
            return Err(malformed(
                file,
                &format!("{at}/{}", escape_pointer(key)),
                format!("unknown key `{key}` (known: `name`, `description`, `evidence`, `files`, `as_of`, `expect`, `failing`)"),
            ));
        }
    }
    let name = obj
        .get("name")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            malformed(
                file,
                &format!("{at}/name"),
                "each case needs a `name` (a non-empty string)",
            )
        })?
        .to_string();
    let evidence = match (obj.get("evidence"), obj.get("files")) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(malformed(
                file,
                at,
                "give exactly one of `evidence` (paths relative to the test file) and `files` (inline evidence)",
            ))
        }
        (Some(v), None) => {
            let list: Vec<&Value> = match v {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            let mut paths = Vec::new();
            for (j, p) in list.iter().enumerate() {
                let s = p.as_str().filter(|s| !s.is_empty()).ok_or_else(|| {
                    let ptr = if v.is_array() {
                        format!("{at}/evidence/{j}")
                    } else {
                        format!("{at}/evidence")
                    };
                    malformed(file, &ptr, "`evidence` is a path or an array of paths (strings)")
                })?;
                paths.push(PathBuf::from(s));
            }
            if paths.is_empty() {
                return Err(malformed(file, &format!("{at}/evidence"), "`evidence` is empty"));
            }
            Evidence::Paths(paths)
        }
        (None, Some(v)) => {
            let map = v.as_object().filter(|m| !m.is_empty()).ok_or_else(|| {
                malformed(
                    file,
                    &format!("{at}/files"),
                    "`files` is a non-empty object: file name → content (a string, or JSON)",
                )
            })?;
            let mut files = Vec::new();
            for (fname, content) in map {
                let ok = !fname.is_empty()
                    && !fname.starts_with('.')
                    && !fname.contains(['/', '\\'])
                    && !fname.chars().any(char::is_control);
                if !ok {
                    return Err(malformed(
                        file,
                        &format!("{at}/files/{}", escape_pointer(fname)),
                        format!("`{}` is not a plain file name (no folders, not hidden)", fname.escape_debug()),
                    ));
                }
                let text = match content {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                files.push((fname.clone(), text));
            }
            Evidence::Inline(files)
        }
    };
    let as_of = match obj.get("as_of") {
        None => None,
        Some(v) => {
            let s = v.as_str().unwrap_or_default();
            Some(Timestamp::parse(s).map_err(|e| {
                malformed(
                    file,
                    &format!("{at}/as_of"),
                    format!("`as_of` is not a time ({e}); use RFC 3339 or `YYYY-MM-DD`"),
                )
            })?)
        }
    };
    let mut expect = Vec::new();
    if let Some(v) = obj.get("expect") {
        let items = v.as_array().ok_or_else(|| {
            malformed(
                file,
                &format!("{at}/expect"),
                "`expect` is an array of `{\"policy\", \"subject\", \"status\"}`",
            )
        })?;
        for (j, item) in items.iter().enumerate() {
            let here = format!("{at}/expect/{j}");
            let field = |k: &str| -> Result<String, Error> {
                item.get(k)
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .ok_or_else(|| {
                        malformed(
                            file,
                            &format!("{here}/{k}"),
                            format!("`{k}` is required (a non-empty string)"),
                        )
                    })
            };
            let e = Expectation {
                policy: field("policy")?,
                subject: field("subject")?,
                status: field("status")?,
            };
            if let Some(keys) = item.as_object() {
                if let Some(k) = keys
                    .keys()
                    .find(|k| !matches!(k.as_str(), "policy" | "subject" | "status"))
                {
                    return Err(malformed(
                        file,
                        &format!("{here}/{}", escape_pointer(k)),
                        format!("unknown key `{k}` (known: `policy`, `subject`, `status`)"),
                    ));
                }
            }
            if !known.contains(e.policy.as_str()) {
                return Err(malformed(
                    file,
                    &format!("{here}/policy"),
                    format!("no loaded policy has the id `{}`", e.policy),
                ));
            }
            if !STATUSES.contains(&e.status.as_str()) {
                return Err(malformed(
                    file,
                    &format!("{here}/status"),
                    format!("unknown status `{}` (one of `fail`, `pass`, `error`, `not-evaluated`, `not-applicable`)", e.status),
                ));
            }
            expect.push(e);
        }
    }
    let mut failing = BTreeMap::new();
    if let Some(v) = obj.get("failing") {
        let map = v.as_object().ok_or_else(|| {
            malformed(file, &format!("{at}/failing"), "`failing` is an object: policy id → array of the subjects that fail it (`[]` for none)")
        })?;
        for (policy, subjects) in map {
            let here = format!("{at}/failing/{}", escape_pointer(policy));
            if !known.contains(policy.as_str()) {
                return Err(malformed(
                    file,
                    &here,
                    format!("no loaded policy has the id `{policy}`"),
                ));
            }
            let list = subjects.as_array().ok_or_else(|| {
                malformed(
                    file,
                    &here,
                    "the failing subjects are an array of strings (`[]` for none)",
                )
            })?;
            let mut set = BTreeSet::new();
            for (j, s) in list.iter().enumerate() {
                let s = s.as_str().ok_or_else(|| {
                    malformed(
                        file,
                        &format!("{here}/{j}"),
                        "a subject is a string (an ARN)",
                    )
                })?;
                set.insert(s.to_string());
            }
            failing.insert(policy.clone(), set);
        }
    }
    if expect.is_empty() && failing.is_empty() {
        return Err(malformed(
            file,
            at,
            "a case expects something: give `expect` and/or `failing`",
        ));
    }
    Ok(Case {
        name,
        evidence,
        as_of,
        expect,
        failing,
    })
}

/// Loads a case's evidence and evaluates the pack on it.
fn evaluate_case(
    base: &Path,
    file: &str,
    index: usize,
    case: &Case,
    pack: &PolicyPack,
    schema: &cedar_policy::Schema,
) -> Result<Findings, Error> {
    let at = format!("/tests/{index}");
    let options = PrepareOptions {
        as_of: case.as_of,
        ..PrepareOptions::default()
    };
    let outcome = match &case.evidence {
        Evidence::Paths(paths) => {
            let paths: Vec<PathBuf> = paths.iter().map(|p| base.join(p)).collect();
            files::resolve(&paths)
                .and_then(pipeline::snapshots_of)
                .and_then(|(sources, _)| {
                    let [source] = sources.as_slice() else {
                        return Err(Error::Usage(format!(
                            "the evidence holds {} snapshots; a case tests one",
                            sources.len()
                        )));
                    };
                    super::prepare_from_disk(source, schema, case.as_of)
                })
        }
        // Inline files are one snapshot, read from memory.
        Evidence::Inline(inline) => {
            let buffers = Buffers(
                inline
                    .iter()
                    .map(|(name, text)| (PathBuf::from(name), text.clone().into_bytes()))
                    .collect(),
            );
            pipeline::prepare(&buffers.snapshot(), &buffers, schema, &options, &Sequential)
        }
    }
    .map(|prepared| crate::results::evaluate(pack, &prepared.model, &prepared.entities));
    outcome.map_err(|e| {
        let pointer = match case.evidence {
            Evidence::Paths(_) => format!("{at}/evidence"),
            Evidence::Inline(_) => format!("{at}/files"),
        };
        let detail = match &e {
            Error::Input(errors) => errors
                .iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        };
        malformed(
            file,
            &pointer,
            format!(
                "the evidence of case `{}` does not load: {detail}",
                case.name
            ),
        )
    })
}

/// The status of `(policy, subject)`: the worst of its results (a role with
/// one failing trust path fails), `None` when it has no result.
fn status_of(findings: &[Box<Finding>], policy: &str, subject: &str) -> Option<Status> {
    findings
        .iter()
        .filter(|f| *f.policy == *policy && *f.subject == *subject)
        .map(|f| f.status)
        .min()
}

/// The diff of expected (`-`) and actual (`+`) results; empty when they agree.
fn compare(case: &Case, findings: &[Box<Finding>]) -> Vec<String> {
    let mut diff = Vec::new();
    for e in &case.expect {
        let actual = status_of(findings, &e.policy, &e.subject)
            .map(Status::as_str)
            .unwrap_or("(no result)");
        if actual != e.status {
            diff.push(format!(
                "- {} {} {}",
                e.policy,
                crate::report::escape_text(&e.subject),
                e.status
            ));
            diff.push(format!(
                "+ {} {} {}",
                e.policy,
                crate::report::escape_text(&e.subject),
                actual
            ));
        }
    }
    for (policy, expected) in &case.failing {
        let actual: BTreeSet<String> = findings
            .iter()
            .filter(|f| *f.policy == **policy && f.status == Status::Fail)
            .map(|f| f.subject.to_string())
            .collect();
        for missing in expected.difference(&actual) {
            let got = status_of(findings, policy, missing)
                .map(Status::as_str)
                .unwrap_or("(no result)");
            diff.push(format!(
                "- {policy} {} fail (expected to fail; actual: {got})",
                crate::report::escape_text(missing)
            ));
        }
        for extra in actual.difference(expected) {
            diff.push(format!(
                "+ {policy} {} fail (fails, not expected)",
                crate::report::escape_text(extra)
            ));
        }
    }
    diff
}
