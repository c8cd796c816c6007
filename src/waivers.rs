//! Waivers (`evaluate --waivers FILE`): justified, expiring exceptions.
//!
//! A waiver names the failures it covers (a policy id and a subject ARN or
//! glob, or one result id), why (`reason`), who accepted the risk
//! (`approver`) and until when (`expires`, a date). A covered `fail` becomes
//! `waived` while the evidence's **as-of time** is before the expiry date at
//! 00:00:00Z. The wall clock is never read: the same evidence and waivers
//! give the same report on any day. Without an as-of time no waiver can
//! apply, and the report says so.
//!
//! Every waiver is listed in the report with its state (`applied`,
//! `expired`, `unmatched`, `no-as-of`), so that waivers cannot rot silently.
//!
//! Subject globs mean what [`crate::glob`] says: `*` is any run of
//! characters, `/` included (as `*` in the ARNs of IAM policies:
//! `arn:aws:iam::*:user/contractors/*` covers every path below
//! `contractors/`), `?` is exactly one character, everything else is
//! literal; matching takes time linear in the subject's length, so no
//! pattern can make a run slow.

use std::collections::HashMap;
use std::sync::Arc;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::error::{Error, InputError, Location};
use crate::evidence::schemas::{self, SchemaKind};
use crate::evidence::time::Timestamp;
use crate::results::{Finding, Status, WaiverRef};

/// Waivers files are written by people; anything bigger is a mistake.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The most subject globs (subjects with `*` or `?`) one waivers file may
/// hold, and their most bytes in all. Each glob is compiled once to a
/// regular expression, whose memory grows with its length; without a bound
/// 100,000 globs of 150 bytes took gigabytes. Exact subjects and result ids
/// cost no compilation and are bounded by the file size only.
pub const MAX_GLOBS: usize = 2_000;
pub const MAX_GLOB_BYTES: usize = 64 * 1024;

/// What a waiver covers.
#[derive(Debug, Clone)]
pub enum Selector {
    /// A policy id, and the subject ARN exactly (`pattern: None`) or as a glob.
    Subject {
        policy: String,
        subject: String,
        pattern: Option<Regex>,
    },
    /// One result id, exactly.
    Result(String),
}

/// One waiver of the file, in file order.
#[derive(Debug, Clone)]
pub struct Waiver {
    /// The waiver's place in the file (`/waivers/3`), to find it again.
    pub pointer: String,
    pub selector: Selector,
    pub reason: String,
    pub approver: String,
    /// As written (`YYYY-MM-DD`).
    pub expires: String,
    /// 00:00:00Z on the expiry date: the first instant the waiver no longer applies.
    pub expires_at: Timestamp,
}

impl Waiver {
    /// Does this waiver name this result (whatever its status and the date)?
    pub fn covers(&self, finding: &Finding) -> bool {
        match &self.selector {
            Selector::Result(id) => finding.id == *id,
            Selector::Subject {
                policy,
                subject,
                pattern,
            } => {
                *finding.policy == **policy
                    && crate::glob::is_match(subject, pattern.as_ref(), &finding.subject)
            }
        }
    }

    /// Is the waiver in force at `as_of`? Only strictly before the expiry date.
    pub fn in_force_at(&self, as_of: Timestamp) -> bool {
        as_of < self.expires_at
    }
}

/// A waiver as listed in the report (`waivers[]`), with what it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaiverEntry {
    pub pointer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    pub reason: String,
    pub approver: String,
    pub expires: String,
    /// `applied`, `expired`, `unmatched` or `no-as-of`.
    pub state: &'static str,
    /// Failing results the waiver names (whether or not it was in force).
    pub matched: usize,
    /// Of those, the results it turned into `waived`.
    pub waived: usize,
}

/// A waivers file as a run uses it: its waivers, and its text as read, which
/// the report records (`run.waivers`) so that `verify` can replay the run
/// without the file.
#[derive(Debug, Clone)]
pub struct WaiverSet {
    /// The file's name without its folders (a report holds no absolute path).
    pub name: String,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
    /// The file's text, exactly as read (a waivers file is UTF-8 JSON).
    pub text: String,
    pub waivers: Vec<Waiver>,
}

impl WaiverSet {
    /// Reads a waivers file's bytes: `shown` names it in errors, `name` is
    /// what the report records.
    pub fn parse(shown: &str, name: &str, bytes: &[u8]) -> Result<WaiverSet, Error> {
        let waivers = parse(shown, bytes)?;
        // `parse` accepts UTF-8 only, so this holds for every parsed file.
        let text = std::str::from_utf8(bytes)
            .map_err(|_| Error::Internal("a parsed waivers file is not UTF-8".into()))?
            .to_string();
        Ok(WaiverSet {
            name: name.to_string(),
            sha256: crate::evidence::sha256_hex(bytes),
            text,
            waivers,
        })
    }
}

#[derive(Deserialize)]
struct WaiversFile {
    waivers: Vec<RawWaiver>,
}

#[derive(Deserialize)]
struct RawWaiver {
    policy: Option<String>,
    subject: Option<String>,
    result: Option<String>,
    reason: String,
    approver: String,
    expires: String,
}

impl Waiver {
    /// The policy id the waiver names (a result id starts with it).
    pub fn policy(&self) -> &str {
        match &self.selector {
            Selector::Subject { policy, .. } => policy,
            Selector::Result(id) => id.split('/').next().unwrap_or(id),
        }
    }
}

/// Warnings for waivers that name a policy the run does not load (a typo
/// would otherwise leave them silently `unmatched`), with the closest
/// loaded id when one is near.
pub fn unknown_policies<'a>(
    waivers: &[Waiver],
    loaded: impl Iterator<Item = &'a str> + Clone,
) -> Vec<String> {
    waivers
        .iter()
        .filter(|w| !loaded.clone().any(|id| id == w.policy()))
        .map(|w| {
            let near = loaded
                .clone()
                .map(|id| (strsim::levenshtein(id, w.policy()), id))
                .filter(|(d, id)| *d <= 3.max(id.len() / 4))
                .min();
            let hint = match near {
                Some((_, id)) => format!(" (did you mean `{id}`?)"),
                None => String::new(),
            };
            format!(
                "waiver `{}` names policy `{}`, which this run does not load{hint}: it can waive nothing",
                w.pointer,
                crate::text::escape_text(w.policy())
            )
        })
        .collect()
}

/// Reads and validates the bytes of a waivers file (`file` names it in
/// errors): JSON syntax (line:column), the schema (JSON pointer), then
/// calendar dates and globs (JSON pointer). Every problem found is
/// reported; any makes the run stop with exit code 2.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Vec<Waiver>, Error> {
    let value = crate::evidence::json::parse_file(
        file,
        bytes,
        "a waivers file is `{\"waivers\": [{\"policy\": ..., \"subject\": ..., \"reason\": ..., \"approver\": ..., \"expires\": \"YYYY-MM-DD\"}]}`",
    )?;
    schemas::check(SchemaKind::Waivers, file, "", &value).map_err(Error::Input)?;
    let parsed: WaiversFile = serde_json::from_value(value).map_err(|e| {
        // The schema admits exactly this shape, so this is a bug.
        Error::Internal(format!(
            "a schema-valid waivers file does not deserialize: {e}"
        ))
    })?;

    // Bounded before anything is compiled.
    let globs: Vec<&str> = parsed
        .waivers
        .iter()
        .filter(|w| w.result.is_none())
        .filter_map(|w| w.subject.as_deref())
        .filter(|s| s.contains(['*', '?']))
        .collect();
    let glob_bytes: usize = globs.iter().map(|g| g.len()).sum();
    if globs.len() > MAX_GLOBS || glob_bytes > MAX_GLOB_BYTES {
        return Err(InputError::new(
            file,
            Location::File,
            format!(
                "the waivers file holds {} subject globs of {glob_bytes} bytes in all; at most {MAX_GLOBS} globs \
                 of {MAX_GLOB_BYTES} bytes in all are compiled",
                globs.len()
            ),
        )
        .with_help(
            "name failures by exact subject or result id (any number of those), or cover them with fewer, shorter globs",
        )
        .into());
    }

    let mut errors = Vec::new();
    let mut waivers = Vec::new();
    for (i, raw) in parsed.waivers.into_iter().enumerate() {
        let pointer = format!("/waivers/{i}");
        let expires_at = match Timestamp::parse(&raw.expires) {
            Ok(t) => Some(t),
            Err(e) => {
                errors.push(InputError::new(
                    file,
                    Location::Pointer(format!("{pointer}/expires")),
                    e,
                ));
                None
            }
        };
        let selector = match (raw.policy, raw.subject, raw.result) {
            (_, _, Some(id)) => Some(Selector::Result(id)),
            (Some(policy), Some(subject), None) => match compile_glob(&subject) {
                Ok(pattern) => Some(Selector::Subject {
                    policy,
                    subject,
                    pattern,
                }),
                Err(e) => {
                    errors.push(InputError::new(
                        file,
                        Location::Pointer(format!("{pointer}/subject")),
                        e,
                    ));
                    None
                }
            },
            _ => {
                return Err(Error::Internal(
                    "a schema-valid waiver has neither `result` nor `policy` and `subject`".into(),
                ))
            }
        };
        if let (Some(selector), Some(expires_at)) = (selector, expires_at) {
            waivers.push(Waiver {
                pointer,
                selector,
                reason: raw.reason,
                approver: raw.approver,
                expires: raw.expires,
                expires_at,
            });
        }
    }
    if errors.is_empty() {
        Ok(waivers)
    } else {
        Err(Error::Input(errors))
    }
}

/// `None` for a subject without wildcards (compared exactly); else the glob
/// as an anchored regular expression (see [`crate::glob`]).
pub fn compile_glob(glob: &str) -> Result<Option<Regex>, String> {
    crate::glob::compile(glob)
        .map_err(|e| format!("the subject glob `{glob}` is too large to compile: {e}"))
}

/// One policy's subject globs, by the literal text before their first
/// wildcard: a subject is matched only against the globs whose literal
/// start it begins with (one hash lookup per distinct start length), so
/// 1,500 globs of ARNs cost a few lookups per failure instead of 1,500
/// regular expression matches.
#[derive(Default)]
struct GlobIndex<'a> {
    by_start: HashMap<&'a str, Vec<usize>>,
    /// The distinct lengths of the literal starts, ascending.
    lengths: Vec<usize>,
}

impl<'a> GlobIndex<'a> {
    fn add(&mut self, glob: &'a str, waiver: usize) {
        let start = &glob[..glob.find(['*', '?']).unwrap_or(glob.len())];
        self.by_start.entry(start).or_default().push(waiver);
        if let Err(at) = self.lengths.binary_search(&start.len()) {
            self.lengths.insert(at, start.len());
        }
    }

    /// The waivers whose glob may match `subject` (their literal start is
    /// a prefix of it); the caller matches each.
    fn candidates<'s>(&'s self, subject: &'s str) -> impl Iterator<Item = usize> + 's {
        self.lengths
            .iter()
            .take_while(move |&&n| n <= subject.len())
            .filter_map(move |&n| subject.get(..n))
            .filter_map(move |start| self.by_start.get(start))
            .flatten()
            .copied()
    }
}

/// Applies waivers snapshot by snapshot (each has its own as-of time) and
/// keeps count, for the report's `waivers` list.
///
/// The waivers are indexed once: by result id, by (policy, exact subject),
/// and the globs by policy. A failure is then checked against the waivers
/// that can name it only, so a run costs time linear in waivers + results
/// for ids and exact subjects (a waiver file of 100,000 exact ids was
/// checked against every failure before), plus one glob match per glob of
/// the failure's policy whose literal start the subject begins with
/// ([`GlobIndex`]).
pub struct Applier<'a> {
    waivers: &'a [Waiver],
    by_result: HashMap<&'a str, Vec<usize>>,
    by_subject: HashMap<(&'a str, &'a str), Vec<usize>>,
    globs_by_policy: HashMap<&'a str, GlobIndex<'a>>,
    matched: Vec<usize>,
    waived: Vec<usize>,
    /// Per waiver: a covered failure was past the expiry date.
    expired_match: Vec<bool>,
    /// The earliest and the latest as-of time of the evaluated snapshots:
    /// a waiver is in force at some snapshot when it expires after the
    /// earliest, and expired at some when it expires at or before the latest.
    earliest: Option<Timestamp>,
    latest: Option<Timestamp>,
}

impl<'a> Applier<'a> {
    pub fn new(waivers: &'a [Waiver]) -> Self {
        let n = waivers.len();
        let mut by_result: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_subject: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        let mut globs_by_policy: HashMap<&str, GlobIndex<'a>> = HashMap::new();
        for (i, w) in waivers.iter().enumerate() {
            match &w.selector {
                Selector::Result(id) => by_result.entry(id).or_default().push(i),
                Selector::Subject {
                    policy,
                    subject,
                    pattern: None,
                } => by_subject.entry((policy, subject)).or_default().push(i),
                Selector::Subject {
                    policy, subject, ..
                } => globs_by_policy.entry(policy).or_default().add(subject, i),
            }
        }
        Applier {
            waivers,
            by_result,
            by_subject,
            globs_by_policy,
            matched: vec![0; n],
            waived: vec![0; n],
            expired_match: vec![false; n],
            earliest: None,
            latest: None,
        }
    }

    /// Starts a snapshot evaluated at `as_of` (each snapshot of an
    /// organization has its own as-of time).
    pub fn begin_snapshot(&mut self, as_of: Option<Timestamp>) {
        if let Some(t) = as_of {
            self.earliest = Some(self.earliest.map_or(t, |e| e.min(t)));
            self.latest = Some(self.latest.map_or(t, |l| l.max(t)));
        }
    }

    /// The waivers that name this finding, in file order.
    fn covering(&self, finding: &Finding) -> Vec<usize> {
        let mut found: Vec<usize> = Vec::new();
        if let Some(list) = self.by_result.get(finding.id.as_str()) {
            found.extend(list);
        }
        if let Some(list) = self.by_subject.get(&(&*finding.policy, &*finding.subject)) {
            found.extend(list);
        }
        if let Some(globs) = self.globs_by_policy.get(&*finding.policy) {
            found.extend(
                globs
                    .candidates(&finding.subject)
                    .filter(|&i| self.waivers[i].covers(finding)),
            );
        }
        found.sort_unstable();
        found
    }

    /// The waiver that turns this result of a snapshot evaluated at `as_of`
    /// into `waived`, if any: only a failure can be waived, and the first
    /// waiver in the file that covers it and is in force is the one the
    /// result refers to. Every covering waiver counts the match.
    pub fn waiver_for(
        &mut self,
        finding: &Finding,
        as_of: Option<Timestamp>,
    ) -> Option<Arc<WaiverRef>> {
        if finding.status != Status::Fail {
            return None;
        }
        let mut chosen = None;
        for i in self.covering(finding) {
            let w = &self.waivers[i];
            self.matched[i] += 1;
            match as_of {
                Some(t) if w.in_force_at(t) => {
                    chosen.get_or_insert(i);
                }
                Some(_) => self.expired_match[i] = true,
                None => {}
            }
        }
        let i = chosen?;
        let w = &self.waivers[i];
        self.waived[i] += 1;
        Some(Arc::new(WaiverRef {
            pointer: w.pointer.clone(),
            reason: w.reason.clone(),
            approver: w.approver.clone(),
            expires: w.expires.clone(),
        }))
    }

    /// The report's `waivers` list, in file order.
    pub fn finish(self) -> Vec<WaiverEntry> {
        self.waivers
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let in_force_somewhere = self.earliest.is_some_and(|t| w.in_force_at(t));
                let expired_somewhere = self.latest.is_some_and(|t| !w.in_force_at(t));
                let state = if self.waived[i] > 0 {
                    "applied"
                } else if self.matched[i] > 0 {
                    if self.expired_match[i] {
                        "expired"
                    } else if in_force_somewhere {
                        // Every covered failure was also covered by an
                        // earlier waiver in the file.
                        "applied"
                    } else {
                        "no-as-of"
                    }
                } else if expired_somewhere && !in_force_somewhere {
                    "expired"
                } else {
                    "unmatched"
                };
                let (policy, subject, result) = match &w.selector {
                    Selector::Subject {
                        policy, subject, ..
                    } => (Some(policy.clone()), Some(subject.clone()), None),
                    Selector::Result(id) => (None, None, Some(id.clone())),
                };
                WaiverEntry {
                    pointer: w.pointer.clone(),
                    policy,
                    subject,
                    result,
                    reason: w.reason.clone(),
                    approver: w.approver.clone(),
                    expires: w.expires.clone(),
                    state,
                    matched: self.matched[i],
                    waived: self.waived[i],
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A subject glob as a waiver compiles and matches it.
    fn glob(p: &str, s: &str) -> bool {
        crate::glob::is_match(p, compile_glob(p).unwrap().as_ref(), s)
    }

    #[test]
    fn pathological_globs_stay_fast() {
        let pattern = "a*".repeat(200) + "b";
        let subject = "a".repeat(2000);
        let start = std::time::Instant::now();
        assert!(!glob(&pattern, &subject));
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    fn failure(policy: &str, subject: &str) -> Finding {
        Finding {
            id: crate::results::ResultId::new(policy, subject),
            policy: policy.into(),
            status: Status::Fail,
            severity: crate::results::Severity::High,
            account: "1".into(),
            subject: subject.into(),
            principal: subject.into(),
            action: "",
            resource: "1".into(),
            message: "".into(),
            labels: crate::results::Labels::default(),
            location: None,
        }
    }

    #[test]
    fn the_index_picks_the_first_waiver_in_file_order_and_counts_every_match() {
        let waivers = parse(
            "w.json",
            br#"{"waivers":[
              {"policy":"p","subject":"arn:x:*","reason":"r","approver":"a","expires":"2000-01-01"},
              {"result":"p/arn:x:u","reason":"r","approver":"a","expires":"2099-01-01"},
              {"policy":"p","subject":"arn:x:u","reason":"r","approver":"a","expires":"2099-01-01"},
              {"policy":"q","subject":"*","reason":"r","approver":"a","expires":"2099-01-01"},
              {"policy":"p","subject":"arn:x:?","reason":"r","approver":"a","expires":"2099-01-01"}
            ]}"#,
        )
        .unwrap();
        let mut applier = Applier::new(&waivers);
        let now = Timestamp::parse("2026-01-01").ok();
        applier.begin_snapshot(now);
        // Waiver 0 covers it but has expired; 1 is the first in force.
        let chosen = applier.waiver_for(&failure("p", "arn:x:u"), now).unwrap();
        assert_eq!(chosen.pointer, "/waivers/1");
        assert!(applier.waiver_for(&failure("p", "other"), now).is_none());
        let entries = applier.finish();
        let states: Vec<(&str, usize, usize)> = entries
            .iter()
            .map(|e| (e.state, e.matched, e.waived))
            .collect();
        assert_eq!(
            states,
            [
                ("expired", 1, 0),
                ("applied", 1, 1),
                ("applied", 1, 0),
                ("unmatched", 0, 0),
                ("applied", 1, 0)
            ]
        );
    }

    #[test]
    fn too_many_globs_are_refused_before_any_is_compiled() {
        let many: Vec<String> = (0..=MAX_GLOBS)
            .map(|i| format!(r#"{{"policy":"p","subject":"*{i}","reason":"r","approver":"a","expires":"2099-01-01"}}"#))
            .collect();
        let text = format!(r#"{{"waivers":[{}]}}"#, many.join(","));
        let e = errors(&text);
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with(&format!(
                "w.json: the waivers file holds {} subject globs of ",
                MAX_GLOBS + 1
            )),
            "{e:?}"
        );
        // Few globs, long ones (a subject is at most 2,048 characters).
        let n = MAX_GLOB_BYTES / 2000 + 1;
        let long: Vec<String> = (0..n)
            .map(|_| format!(r#"{{"policy":"p","subject":"{}","reason":"r","approver":"a","expires":"2099-01-01"}}"#, "*a".repeat(1000)))
            .collect();
        let text = format!(r#"{{"waivers":[{}]}}"#, long.join(","));
        assert!(
            errors(&text)[0].contains(&format!("{n} subject globs of {} bytes in all", n * 2000)),
            "{:?}",
            errors(&text)
        );
        // Exact subjects and result ids are not globs: any number of them.
        let exact: Vec<String> = (0..5 * MAX_GLOBS)
            .map(|i| {
                format!(
                    r#"{{"result":"p/{i}","reason":"r","approver":"a","expires":"2099-01-01"}}"#
                )
            })
            .collect();
        let text = format!(r#"{{"waivers":[{}]}}"#, exact.join(","));
        assert_eq!(
            parse("w.json", text.as_bytes()).unwrap().len(),
            5 * MAX_GLOBS
        );
    }

    #[test]
    fn expiry_is_exclusive_at_midnight_utc() {
        let w = &parse(
            "w.json",
            br#"{"waivers":[{"policy":"p","subject":"s","reason":"r","approver":"a","expires":"2026-12-01"}]}"#,
        )
        .unwrap()[0];
        assert!(w.in_force_at(Timestamp::parse("2026-11-30T23:59:59.999Z").unwrap()));
        assert!(!w.in_force_at(Timestamp::parse("2026-12-01T00:00:00Z").unwrap()));
        // 00:30 at UTC+1 is still the day before in UTC.
        assert!(w.in_force_at(Timestamp::parse("2026-12-01T00:30:00+01:00").unwrap()));
    }

    fn errors(text: &str) -> Vec<String> {
        match parse("w.json", text.as_bytes()) {
            Err(Error::Input(errors)) => errors.iter().map(|e| e.to_string()).collect(),
            other => panic!("expected input errors, got {other:?}"),
        }
    }

    #[test]
    fn bad_waivers_name_the_pointer() {
        assert_eq!(
            errors(r#"{"waivers":[{"policy":"p","subject":"s","reason":" ","approver":"a","expires":"2026-12-01"}]}"#),
            ["w.json: JSON pointer `/waivers/0/reason`: `reason` must not be empty: say why, and who accepted the risk"]
        );
        assert_eq!(
            errors(r#"{"waivers":[{"policy":"p","subject":"s","reason":"r","approver":"a","expires":"2026-02-30"}]}"#),
            ["w.json: JSON pointer `/waivers/0/expires`: `2026-02-30` is not a valid calendar date"]
        );
        assert_eq!(
            errors(
                r#"{"waivers":[{"policy":"p","subject":"s","reason":"r","approver":"a","expires":"31/12/2026"}]}"#
            ),
            ["w.json: JSON pointer `/waivers/0/expires`: expected a date `YYYY-MM-DD`"]
        );
        assert_eq!(
            errors(r#"{"waivers":[{"policy":"p","subject":"s","result":"x","reason":"r","approver":"a","expires":"2026-12-01"}]}"#),
            ["w.json: JSON pointer `/waivers/0`: a waiver names either `policy` and `subject`, or one result id in `result`, not both"]
        );
        assert_eq!(
            errors(
                r#"{"waivers":[{"policy":"p","subject":"s","reason":"r","expires":"2026-12-01"}]}"#
            ),
            ["w.json: JSON pointer `/waivers/0`: missing required key `approver`"]
        );
        assert_eq!(errors("{\"waivers\": [\n  {\"policy\": }\n]}").len(), 1);
        assert!(errors("{\"waivers\": [\n  {\"policy\": }\n]}")[0].starts_with("w.json:2:"));
    }
}
