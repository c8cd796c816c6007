//! `iam-audit verify REPORT.json EVIDENCE_PATH...`: was this report produced
//! from exactly these files and policies, and are its verdicts the ones
//! they give?
//!
//! Two steps. First the evidence paths are resolved as `evaluate` resolves
//! them (files given together, a snapshot folder, an organization), every
//! file is hashed again and compared with the report's `evidence` block, and
//! the policies loaded with the same flags are compared with its `policies`
//! block: a file that changed by one byte is a difference, whatever it holds
//! now. Then, when the files and policies are the ones the report names,
//! the evidence is **evaluated again** through `evaluate`'s own code
//! ([`super::evaluate::evaluate`]) with the settings the report records
//! (`run`, `thresholds`, `benchmark`, the ids of `frameworks`: docs/contract.md), and the report that
//! gives is compared with the one given, value by value (every result,
//! summary, snapshot and waiver state, each difference named) and then byte
//! for byte.
//!
//! The report is untrusted input: anything but a JSON report that follows
//! `schemas/report.schema.json` is an error (exit 2), never "verified". A
//! report that does not record what a replay needs (one written before
//! reports recorded `run`, or by another tool version) is "not verifiable"
//! (exit 1), never "verified". Every string taken from the report is
//! escaped before it is printed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::Value;

mod compare;

/// Compares a report's values with a replayed report's, naming each
/// difference (what `verify` does after the replay).
pub use compare::reports as compare_reports;

use super::{evaluate, load_pack, Outcome, PolicyOptions};
use crate::cli::files::{self, read_file, Limits};
use crate::engine::Selection;
use crate::error::{Error, InputError, Location};
use crate::evidence::sha256_hex;
use crate::evidence::source::{Contents, EvidenceReader};
use crate::evidence::time::Timestamp;
use crate::frameworks::{self, Framework};
use crate::model::Thresholds;
use crate::report::{Report, SCHEMA_VERSION};
use crate::text::escape_text;
use crate::waivers::WaiverSet;

/// What `verify` compares.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub report: PathBuf,
    pub paths: Vec<PathBuf>,
    /// `--policies` and `--no-default-policies`: the policy files at hand.
    /// The selection (`--select`/`--ignore`) is the report's own; given
    /// here, it must be the same.
    pub policies: PolicyOptions,
    /// `--waivers FILE`: must be the file the report records.
    pub waivers: Option<PathBuf>,
    /// `--exclude`, `--organization`, `--snapshot`, as `evaluate` had them.
    pub intake: files::Intake,
    pub limits: Limits,
}

/// The outcome: every difference found and every reason the report cannot
/// be replayed (none of either means verified), and notes that do not
/// change the answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    pub differences: Vec<String>,
    /// Why the verdicts cannot be checked (nothing to replay with).
    pub unverifiable: Vec<String>,
    pub notes: Vec<String>,
    pub files: usize,
    pub policies: usize,
    /// The results the replay compared, when it ran.
    pub replayed: Option<usize>,
}

/// At most this many differences are listed one by one (a report with every
/// result flipped would otherwise print tens of thousands of lines).
const MAX_LISTED: usize = 200;

impl Verification {
    /// Whether the report is verified (exit code 0).
    pub fn verified(&self) -> bool {
        self.differences.is_empty() && self.unverifiable.is_empty() && self.replayed.is_some()
    }

    /// The text `verify` prints.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for note in &self.notes {
            out.push_str(&format!("note: {note}\n"));
        }
        if self.verified() {
            out.push_str(&format!(
                "verified: the report was produced from these {} evidence file{} and this policy pack ({} polic{}), \
                 and evaluating them again with the report's settings gives the same {} result{}, summaries and waiver states\n",
                self.files,
                plural(self.files),
                self.policies,
                if self.policies == 1 { "y" } else { "ies" },
                self.replayed.unwrap_or(0),
                plural(self.replayed.unwrap_or(0)),
            ));
            return out;
        }
        for d in self.differences.iter().take(MAX_LISTED) {
            out.push_str(&format!("differs: {d}\n"));
        }
        if self.differences.len() > MAX_LISTED {
            out.push_str(&format!(
                "differs: … and {} more differences\n",
                self.differences.len() - MAX_LISTED
            ));
        }
        for reason in &self.unverifiable {
            out.push_str(&format!("not verifiable: {reason}\n"));
        }
        if self.differences.is_empty() {
            out.push_str("not verified: the report's verdicts cannot be replayed\n");
        } else {
            out.push_str(&format!(
                "not verified: {} difference{} between the report and these files and policies\n",
                self.differences.len(),
                plural(self.differences.len())
            ));
        }
        out
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A file's hash and size as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hashed {
    sha256: String,
    bytes: u64,
}

/// A policy as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PolicyPin {
    version: String,
    sha256: String,
}

/// What the report claims.
struct Claims {
    evidence: BTreeMap<String, Hashed>,
    policies: BTreeMap<String, PolicyPin>,
    pack_version: Option<String>,
    tool_version: Option<String>,
    /// Snapshots the report lists as unusable: it holds no hashes for them.
    unusable: BTreeSet<String>,
    /// The whole report.
    value: Value,
}

/// Exit code 0 when verified, 1 when something differs or the report
/// cannot be replayed.
pub fn run(options: &Options) -> Result<Outcome, Error> {
    let verification = verify(options)?;
    let code = u8::from(!verification.verified());
    Ok(Outcome::text(verification.render(), code))
}

pub fn verify(options: &Options) -> Result<Verification, Error> {
    let shown = options.report.display().to_string();
    let bytes = read_file(&shown, &options.report, &options.limits)?;
    let claims = read_claims(&shown, &bytes)?;
    let mut result = Verification::default();

    // What the replay would use; a report that lacks it still gets its
    // files and policies compared.
    let settings = match Settings::of(&claims.value) {
        Ok(s) => Some(s),
        Err(reason) => {
            result.unverifiable.push(reason);
            None
        }
    };
    let selection = settings
        .as_ref()
        .map(|s| s.selection.clone())
        .unwrap_or_default();
    if !options.policies.selection.is_empty() && options.policies.selection != selection {
        result.differences.push(format!(
            "`--select`/`--ignore` given to `verify` ({}) are not the report's ({})",
            describe_selection(&options.policies.selection),
            describe_selection(&selection)
        ));
    }
    let policy_options = PolicyOptions {
        paths: options.policies.paths.clone(),
        no_default: options.policies.no_default,
        selection,
    };

    if let Some(path) = &options.waivers {
        let given = files::waivers(path)?;
        let recorded = settings.as_ref().and_then(|s| s.waivers.as_ref());
        match recorded {
            Some(w) if w.sha256 == given.sha256 => {}
            Some(w) => result.differences.push(format!(
                "the waivers file given has sha256 {}, the report was made with `{}` of sha256 {}",
                given.sha256,
                escape_text(&w.name),
                w.sha256
            )),
            None => result.differences.push(
                "a waivers file is given, but the report records none (it was made without `--waivers`)".into(),
            ),
        }
    }
    // The folders are read as the run read them: its `--exclude` and
    // `--organization`/`--snapshot`, recorded; flags given here must agree.
    let mut intake = options.intake.clone();
    if let Some(settings) = &settings {
        if !intake.exclude.is_empty() && intake.exclude != settings.exclude {
            result.differences.push(format!(
                "`--exclude` given to `verify` ({}) is not the report's ({})",
                escape_text(&intake.exclude.join(", ")),
                escape_text(&settings.exclude.join(", "))
            ));
        }
        if intake.layout.is_some() && intake.layout != settings.read_as {
            result.differences.push(
                "`--organization`/`--snapshot` given to `verify` are not the report's".into(),
            );
        }
        intake.exclude = settings.exclude.clone();
        intake.layout = settings.read_as;
    }
    let options = &Options {
        intake,
        ..options.clone()
    };
    compare_evidence(options, &claims, &mut result)?;
    let loaded = compare_policies(&policy_options, settings.as_ref(), &claims, &mut result);

    let tool = crate::report::Tool::default();
    if claims.tool_version.as_deref() != Some(tool.version) {
        result.unverifiable.push(format!(
            "the report was made by iam-audit {}, this is {}: only the same version can replay its verdicts",
            escape_text(claims.tool_version.as_deref().unwrap_or("(unknown version)")),
            tool.version
        ));
    }
    if let (Some(settings), Some(loaded)) = (settings, loaded) {
        if result.differences.is_empty() && result.unverifiable.is_empty() {
            result.notes.extend(settings.describe());
            replay(
                options,
                policy_options,
                settings,
                &claims,
                &bytes,
                &mut result,
            );
            result.policies = loaded;
        }
    }
    Ok(result)
}

/// The evidence files given, hashed, against the report's `evidence`.
fn compare_evidence(
    options: &Options,
    claims: &Claims,
    result: &mut Verification,
) -> Result<(), Error> {
    let (sources, multi) = crate::pipeline::snapshots_of(
        files::resolve_with(&options.paths, &options.intake)?.targets,
    )?;
    let mut found: BTreeMap<String, Hashed> = BTreeMap::new();
    let mut read_errors = Vec::new();
    for source in &sources {
        if claims.unusable.contains(&source.name) {
            result.notes.push(format!(
                "snapshot `{}` was unusable when the report was made: the report holds no hashes for its files",
                escape_text(&source.name)
            ));
            continue;
        }
        let prefix = if multi {
            format!("{}/", source.name)
        } else {
            String::new()
        };
        for (rel, path) in &source.files {
            let reported = format!("{prefix}{rel}");
            // Read as `evaluate` reads it: a file over the limit that is
            // no evidence is hashed as it streams by.
            let reader = files::Files {
                limits: options.limits,
            };
            match reader.contents(&reported, path) {
                Ok(Contents::Skipped { sha256, bytes, .. }) => {
                    found.insert(reported, Hashed { sha256, bytes });
                }
                Ok(Contents::Bytes(bytes)) => {
                    found.insert(
                        reported,
                        Hashed {
                            sha256: sha256_hex(&bytes),
                            bytes: bytes.len() as u64,
                        },
                    );
                }
                Err(e) => read_errors.push(e),
            }
        }
    }
    if !read_errors.is_empty() {
        return Err(Error::Input(read_errors));
    }
    for (path, claimed) in &claims.evidence {
        let path_shown = escape_text(path);
        match found.get(path) {
            None => result.differences.push(format!(
                "evidence `{path_shown}` is in the report but not among the files given"
            )),
            Some(now) if now != claimed => result.differences.push(format!(
                "evidence `{path_shown}` changed: the report has sha256 {} ({} bytes), the file has {} ({} bytes)",
                claimed.sha256, claimed.bytes, now.sha256, now.bytes
            )),
            Some(_) => {}
        }
    }
    for path in found.keys().filter(|p| !claims.evidence.contains_key(*p)) {
        result.differences.push(format!(
            "evidence `{}` is among the files given but not in the report",
            escape_text(path)
        ));
    }
    result.files = found.len();
    Ok(())
}

/// The policies loaded with the report's selection (and frameworks) against
/// the report's `policies`, `pack` and `run.policy_files`. Returns how many
/// were loaded, or `None` when they cannot be loaded that way.
fn compare_policies(
    options: &PolicyOptions,
    settings: Option<&Settings>,
    claims: &Claims,
    result: &mut Verification,
) -> Option<usize> {
    let pack = load_pack(options).and_then(|pack| match settings {
        Some(s) => frameworks::restrict(pack, &s.frameworks),
        None => Ok(pack),
    });
    let pack = match pack {
        Ok(pack) => pack,
        Err(e) => {
            result.differences.push(format!(
                "the policies given cannot be loaded with the report's selection: {}",
                escape_text(e.to_string().trim_end())
            ));
            return None;
        }
    };
    let loaded: BTreeMap<String, PolicyPin> = Report::policy_entries(&pack)
        .into_iter()
        .map(|p| {
            (
                p.id,
                PolicyPin {
                    version: p.version,
                    sha256: p.sha256,
                },
            )
        })
        .collect();
    for (id, claimed) in &claims.policies {
        let id_shown = escape_text(id);
        match loaded.get(id) {
            None => result.differences.push(format!(
                "policy `{id_shown}` is in the report but not in the loaded policies"
            )),
            Some(now) if now != claimed => result.differences.push(format!(
                "policy `{id_shown}` changed: the report has version {} sha256 {}, the loaded policy has version {} sha256 {}",
                escape_text(&claimed.version), claimed.sha256, now.version, now.sha256
            )),
            Some(_) => {}
        }
    }
    for id in loaded
        .keys()
        .filter(|id| !claims.policies.contains_key(*id))
    {
        result.differences.push(format!(
            "policy `{}` is loaded but not in the report",
            escape_text(id)
        ));
    }
    if claims.pack_version != pack.builtin_version {
        result.differences.push(format!(
            "built-in pack: the report has {}, the loaded policies have {}",
            describe_pack(claims.pack_version.as_deref()),
            describe_pack(pack.builtin_version.as_deref())
        ));
    }
    if let Some(settings) = settings {
        let given: BTreeSet<(&str, &str)> = pack
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.sha256.as_str()))
            .collect();
        let recorded: BTreeSet<(&str, &str)> = settings
            .policy_files
            .iter()
            .map(|(p, s)| (p.as_str(), s.as_str()))
            .collect();
        for (path, sha) in recorded.difference(&given) {
            result.differences.push(format!(
                "the report was made with the policy file `{}` (sha256 {sha}), which is not among the `--policies` given",
                escape_text(path)
            ));
        }
        for (path, sha) in given.difference(&recorded) {
            result.differences.push(format!(
                "the policy file `{}` (sha256 {sha}) given with `--policies` is not one the report was made with",
                escape_text(path)
            ));
        }
    }
    Some(loaded.len())
}

fn describe_pack(version: Option<&str>) -> String {
    match version {
        Some(v) => format!("version {}", escape_text(v)),
        None => "none (`--no-default-policies`)".to_string(),
    }
}

fn describe_selection(s: &Selection) -> String {
    if s.is_empty() {
        return "none".into();
    }
    let flags = s
        .select
        .iter()
        .map(|p| format!("--select {p}"))
        .chain(s.ignore.iter().map(|p| format!("--ignore {p}")));
    escape_text(&flags.collect::<Vec<_>>().join(" "))
}

/// The settings a report records for its replay.
struct Settings {
    as_of: Option<Timestamp>,
    thresholds: Thresholds,
    /// The thresholds that differ from the CIS defaults, for the notes.
    changed_thresholds: Vec<String>,
    /// `--framework` (with `--benchmark`'s CIS version), in the order given.
    frameworks: Vec<Framework>,
    selection: Selection,
    policy_files: Vec<(String, String)>,
    waivers: Option<WaiverSet>,
    /// `--exclude` and `--organization`/`--snapshot` of the run.
    exclude: Vec<String>,
    read_as: Option<files::ForcedLayout>,
}

impl Settings {
    /// Reads `run`, `thresholds`, `benchmark` and `frameworks` of a
    /// schema-valid report;
    /// `Err` says why the report cannot be replayed.
    fn of(report: &Value) -> Result<Settings, String> {
        let Some(run) = report.get("run") else {
            return Err(
                "the report does not record the settings of its run (`run`): it was written by an \
                 iam-audit that did not record them, or edited; evaluate the evidence again"
                    .into(),
            );
        };
        let strings = |key: &str| -> Vec<String> {
            run[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default()
        };
        let as_of = match run["as_of"].as_str() {
            None => None,
            Some(t) => Some(Timestamp::parse(t).map_err(|e| {
                format!(
                    "the recorded `run.as_of` `{}` is not a time: {e}",
                    escape_text(t)
                )
            })?),
        };
        let mut settings_text = Vec::new();
        let mut changed_thresholds = Vec::new();
        let defaults = Thresholds::default().as_map();
        if let Some(map) = report.get("thresholds").and_then(Value::as_object) {
            for (name, value) in map {
                let value = value.as_i64().unwrap_or(-1);
                settings_text.push(format!("{name}={value}"));
                if defaults.get(name) != Some(&value) {
                    changed_thresholds.push(format!("{name}={value}"));
                }
            }
        }
        let thresholds = Thresholds::from_settings(&settings_text).map_err(|e| {
            format!(
                "the recorded `thresholds` cannot be replayed: {}",
                escape_text(&e)
            )
        })?;
        // The chosen frameworks are the ids of the report's views; a
        // report from before `--framework` records only `benchmark`.
        let mut chosen: Vec<&str> = report
            .get("frameworks")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|f| f["id"].as_str()).collect())
            .unwrap_or_default();
        if let Some(b) = report.get("benchmark").and_then(Value::as_str) {
            if chosen.is_empty() {
                chosen.push(b);
            }
        }
        let frameworks = chosen
            .iter()
            .map(|id| {
                Framework::parse(id).map_err(|e| {
                    format!(
                        "the recorded framework `{}` cannot be replayed: {}",
                        escape_text(id),
                        escape_text(&e)
                    )
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let policy_files = run["policy_files"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| {
                        Some((
                            f["path"].as_str()?.to_string(),
                            f["sha256"].as_str()?.to_string(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let waivers = match run.get("waivers").filter(|w| !w.is_null()) {
            None => None,
            Some(w) => {
                let (file, sha256, text) = (
                    w["file"].as_str().unwrap_or_default(),
                    w["sha256"].as_str().unwrap_or_default(),
                    w["text"].as_str().unwrap_or_default(),
                );
                let now = sha256_hex(text.as_bytes());
                if now != sha256 {
                    return Err(format!(
                        "the recorded waivers text (`run.waivers.text`) has sha256 {now}, not the recorded {}: it was edited",
                        escape_text(sha256)
                    ));
                }
                let shown = format!("the report's copy of `{}`", escape_text(file));
                Some(
                    WaiverSet::parse(&shown, file, text.as_bytes()).map_err(|e| {
                        format!(
                            "the recorded waivers do not parse: {}",
                            escape_text(e.to_string().trim_end())
                        )
                    })?,
                )
            }
        };
        Ok(Settings {
            as_of,
            thresholds,
            changed_thresholds,
            frameworks,
            selection: Selection {
                select: strings("select"),
                ignore: strings("ignore"),
            },
            policy_files,
            waivers,
            exclude: strings("exclude"),
            read_as: match run.get("read_as").and_then(Value::as_str) {
                None => None,
                Some(word) => Some(
                    files::ForcedLayout::from_flag(word)
                        .ok_or_else(|| format!("`run.read_as` is `{}`", escape_text(word)))?,
                ),
            },
        })
    }

    /// The settings that are not the defaults, as notes: what the verdicts
    /// were replayed with is for the reader to judge.
    fn describe(&self) -> Vec<String> {
        let mut used = Vec::new();
        if let Some(t) = self.as_of {
            used.push(format!("--as-of {}", t.to_cedar()));
        }
        for t in &self.changed_thresholds {
            used.push(format!("--threshold {}", escape_text(t)));
        }
        for f in &self.frameworks {
            // A CIS version under the flag's first name, as notes always said.
            let flag = match f {
                Framework::Cis(_) => "--benchmark",
                Framework::Data(_) => "--framework",
            };
            used.push(format!("{flag} {}", f.id()));
        }
        if !self.selection.is_empty() {
            used.push(describe_selection(&self.selection));
        }
        for (path, _) in &self.policy_files {
            used.push(format!("--policies {}", escape_text(path)));
        }
        for pattern in &self.exclude {
            used.push(format!("--exclude {}", escape_text(pattern)));
        }
        if let Some(layout) = self.read_as {
            used.push(format!("--{}", layout.flag()));
        }
        if let Some(w) = &self.waivers {
            used.push(format!(
                "--waivers {} (sha256 {}, {} waiver{}, replayed from the report's copy)",
                escape_text(&w.name),
                w.sha256,
                w.waivers.len(),
                plural(w.waivers.len())
            ));
        }
        if used.is_empty() {
            Vec::new()
        } else {
            vec![format!(
                "the report's settings, replayed: {}",
                used.join(", ")
            )]
        }
    }
}

/// Evaluates the evidence again with the report's settings, through
/// `evaluate`'s code, and compares the report that gives with the claims.
fn replay(
    options: &Options,
    policies: PolicyOptions,
    settings: Settings,
    claims: &Claims,
    bytes: &[u8],
    result: &mut Verification,
) {
    let mut evaluate_options = evaluate::Options::new(options.paths.clone());
    evaluate_options.policies = policies;
    evaluate_options.as_of = settings.as_of;
    evaluate_options.thresholds = settings.thresholds;
    evaluate_options.frameworks = settings.frameworks;
    evaluate_options.limits = options.limits;
    evaluate_options.intake = options.intake.clone();
    let report = match evaluate::evaluate(&evaluate_options, settings.waivers) {
        Ok(evaluated) => evaluated.evaluation.report,
        Err(e) => {
            result.differences.push(format!(
                "the evidence cannot be evaluated with the report's settings: {}",
                escape_text(e.to_string().trim_end())
            ));
            return;
        }
    };
    let written = crate::report::json::render(&report);
    let replayed = match crate::evidence::json::from_str(&written) {
        Ok(v) => v,
        Err(e) => {
            result
                .differences
                .push(format!("the replayed report does not read back: {e}"));
            return;
        }
    };
    compare::reports(&claims.value, &replayed, &mut result.differences);
    if result.differences.is_empty() && bytes != written.as_bytes() {
        let at = bytes
            .iter()
            .zip(written.as_bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let line = 1 + bytes[..at].iter().filter(|b| **b == b'\n').count();
        result.differences.push(format!(
            "every value agrees, but the report's text is not what `evaluate` writes for them (from line {line}): reformatted or reordered?"
        ));
    }
    result.replayed = Some(report.results.len());
}

/// The report-reading half of [`verify`] on bytes already read (`file` names
/// them in errors), touching no file: `Err` when the bytes are not a
/// well-formed JSON report (exit 2); otherwise why the settings it records
/// cannot be replayed, or `None` when they can. For tests and fuzzing.
pub fn read_report(file: &str, bytes: &[u8]) -> Result<Option<String>, Error> {
    let claims = read_claims(file, bytes)?;
    Ok(Settings::of(&claims.value).err())
}

/// Reads the report's claims, refusing anything that is not a well-formed
/// JSON report (exit 2): a report that cannot be read proves nothing.
fn read_claims(file: &str, bytes: &[u8]) -> Result<Claims, Error> {
    let help = "`verify` reads the JSON report of `iam-audit evaluate --format json`";
    let value = crate::evidence::json::parse_file(file, bytes, help)?;
    let bad = |pointer: &str, expected: &str| {
        Error::from(
            InputError::new(
                file,
                Location::Pointer(pointer.to_string()),
                format!("expected {expected}"),
            )
            .with_help(help),
        )
    };
    if value.get("schema_version").and_then(Value::as_u64) != Some(u64::from(SCHEMA_VERSION)) {
        return Err(bad(
            "/schema_version",
            &format!("`schema_version` {SCHEMA_VERSION}: is this an iam-audit JSON report?"),
        ));
    }
    super::check_report_schema(file, &value, help)?;
    // The schema holds every shape read below; these are checks all the same.
    let string_at = |item: &Value, pointer: &str, key: &str| -> Result<String, Error> {
        item.get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| bad(&format!("{pointer}/{key}"), "a string"))
    };
    let mut evidence = BTreeMap::new();
    let items = value
        .get("evidence")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("/evidence", "an array"))?;
    for (i, item) in items.iter().enumerate() {
        let pointer = format!("/evidence/{i}");
        let path = string_at(item, &pointer, "path")?;
        let sha256 = string_at(item, &pointer, "sha256")?;
        let bytes = item
            .get("bytes")
            .and_then(Value::as_u64)
            .ok_or_else(|| bad(&format!("{pointer}/bytes"), "a byte count"))?;
        if evidence
            .insert(path.clone(), Hashed { sha256, bytes })
            .is_some()
        {
            return Err(bad(
                &format!("{pointer}/path"),
                &format!("each path once; `{}` is listed twice", escape_text(&path)),
            ));
        }
    }

    let mut policies = BTreeMap::new();
    let items = value
        .get("policies")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("/policies", "an array"))?;
    for (i, item) in items.iter().enumerate() {
        let pointer = format!("/policies/{i}");
        let id = string_at(item, &pointer, "id")?;
        let version = string_at(item, &pointer, "version")?;
        let sha256 = string_at(item, &pointer, "sha256")?;
        if policies
            .insert(id.clone(), PolicyPin { version, sha256 })
            .is_some()
        {
            return Err(bad(
                &format!("{pointer}/id"),
                &format!(
                    "each policy id once; `{}` is listed twice",
                    escape_text(&id)
                ),
            ));
        }
    }

    let pack_version = value
        .pointer("/pack/version")
        .and_then(Value::as_str)
        .map(str::to_string);
    let tool_version = value
        .pointer("/tool/version")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut unusable = BTreeSet::new();
    if let Some(snapshots) = value.get("snapshots").and_then(Value::as_array) {
        for s in snapshots {
            if s.get("status").and_then(Value::as_str) == Some("unusable") {
                if let Some(name) = s.get("name").and_then(Value::as_str) {
                    unusable.insert(name.to_string());
                }
            }
        }
    }
    Ok(Claims {
        evidence,
        policies,
        pack_version,
        tool_version,
        unusable,
        value,
    })
}
