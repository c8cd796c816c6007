//! The report's assembly: the judged snapshots of a run, labelled and put
//! together into one [`Report`].
//!
//! This is the one place where findings change after the engine made them,
//! in one pass per snapshot ([`Labeller`]): an organization's evidence
//! locations get the account folder in front, `--framework` adds each
//! result's requirements (and a CIS version's control number), and `--waivers` turns covered failures into `waived`.
//! The catalogue and the waivers only answer questions; they never edit a
//! finding.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{Pack, Report, RunRecord, SnapshotEntry, Summary, Tool, WaiversRecord, SCHEMA_VERSION};
use crate::catalogue::Benchmark;
use crate::engine::PolicyPack;
use crate::error::{Error, InputError};
use crate::evidence::skipped::{self, Skipped};
use crate::evidence::time::Timestamp;
use crate::evidence::EvidenceFile;
use crate::frameworks::{benchmark_of, Framework};
use crate::model::{AccountRef, AsOf, AsOfSource, Thresholds};
use crate::results::{Finding, Findings};
use crate::waivers::{Applier, WaiverSet};

/// One snapshot, loaded and judged, before labelling.
pub struct Judged {
    /// The snapshot's files, as the report's evidence block lists them.
    pub files: Vec<EvidenceFile>,
    /// The snapshot's warnings, then the model's.
    pub warnings: Vec<String>,
    /// What the snapshot left out, summarised over the whole run.
    pub skipped: Vec<Skipped>,
    pub account: AccountRef,
    pub as_of: AsOf,
    pub findings: Findings,
}

/// What the report says about the run as a whole, besides the snapshots.
pub struct RunFacts<'a> {
    pub pack: &'a PolicyPack,
    /// Several snapshots (an organization, or several folders): each is
    /// named and its evidence paths start with its name.
    pub multi: bool,
    pub waivers: Option<&'a WaiverSet>,
    pub thresholds: &'a Thresholds,
    /// `--framework`, in the order given.
    pub frameworks: &'a [Framework],
    /// `--as-of`, when given.
    pub as_of: Option<Timestamp>,
}

impl RunFacts<'_> {
    /// What the report records of the run for `verify` to replay it.
    fn record(&self) -> RunRecord {
        RunRecord {
            as_of: self.as_of.map(Timestamp::to_cedar),
            default_policies: self.pack.builtin_version.is_some(),
            policy_files: self.pack.files.clone(),
            select: self.pack.selection.select.clone(),
            ignore: self.pack.selection.ignore.clone(),
            waivers: self.waivers.map(|w| WaiversRecord {
                file: w.name.clone(),
                sha256: w.sha256.clone(),
                text: w.text.clone(),
            }),
            exclude: Vec::new(),
            read_as: None,
        }
    }
}

/// The report of a run, and whether some snapshot of an organization was
/// unusable (exit code 2 even though a report exists). A lone snapshot that
/// cannot be read is an error: there is no report.
pub fn assemble(
    facts: &RunFacts<'_>,
    outcomes: impl IntoIterator<Item = (String, Result<Judged, Error>)>,
) -> Result<(Report, bool), Error> {
    let multi = facts.multi;
    let benchmark = benchmark_of(facts.frameworks)?;
    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool::default(),
        as_of: None,
        as_of_source: AsOfSource::None.as_str().into(),
        pack: facts.pack.builtin_version.clone().map(|version| Pack {
            name: "iam-audit-builtin",
            version,
        }),
        evidence: Vec::new(),
        policies: Report::policy_entries(facts.pack),
        snapshots: Vec::new(),
        summary: Summary::default(),
        results: Vec::new(),
        warnings: Vec::new(),
        waivers: None,
        thresholds: facts.thresholds.as_map(),
        benchmark: benchmark.map(Benchmark::id),
        frameworks: Vec::new(),
        layout: Vec::new(),
        run: facts.record(),
    };
    let mut labeller = Labeller {
        numbers: benchmark.map(|b| b.numbers(facts.pack)),
        requirements: (!facts.frameworks.is_empty()).then(|| requirement_tags(facts)),
        waivers: facts.waivers.map(|w| Applier::new(&w.waivers)),
    };
    let mut unusable = false;
    let mut times = Vec::new();
    let mut left_out: Vec<Skipped> = Vec::new();
    for (name, outcome) in one_snapshot_per_account(outcomes) {
        let Judged {
            files,
            warnings,
            skipped,
            account,
            as_of,
            mut findings,
        } = match outcome {
            Ok(j) => j,
            Err(e) if multi => {
                unusable = true;
                report.snapshots.push(SnapshotEntry {
                    name,
                    account: None,
                    as_of: None,
                    as_of_source: AsOfSource::None.as_str().into(),
                    status: "unusable",
                    errors: error_lines(&e),
                    summary: None,
                });
                continue;
            }
            Err(e) => return Err(e),
        };
        let prefix = if multi {
            format!("{name}/")
        } else {
            String::new()
        };
        labeller.label(&mut findings, &prefix, as_of);
        times.push(as_of);
        report.snapshots.push(SnapshotEntry {
            name: name.clone(),
            account: Some(account.id.clone()),
            as_of: as_of.time.map(|t| t.to_cedar()),
            as_of_source: as_of.source.as_str().into(),
            status: "evaluated",
            errors: Vec::new(),
            summary: Some(Summary::of(&findings)),
        });
        report
            .evidence
            .extend(files.iter().map(|f| Report::evidence_entry(&prefix, f)));
        let label = |w: &str| {
            if multi {
                format!("{name}: {w}")
            } else {
                w.to_string()
            }
        };
        report.warnings.extend(warnings.iter().map(|w| label(w)));
        left_out.extend(skipped.into_iter().map(|s| Skipped {
            path: format!("{prefix}{}", s.path),
            reason: s.reason,
        }));
        if facts.waivers.is_some() && as_of.time.is_none() {
            report.warnings.push(label("no as-of time, so no waiver can apply: pass `--as-of`, or include the credential report envelope (its `GeneratedTime`)"));
        }
        // A lone snapshot's findings become the results as they are: no
        // second copy of tens of megabytes.
        if report.results.is_empty() {
            report.results = findings;
        } else {
            report.results.extend(findings);
        }
    }
    // One line per reason for the whole run, however many files and
    // accounts: an organization with a stray PDF in each account folder
    // would otherwise bury everything else.
    report.warnings.extend(skipped::summarise(&left_out));
    match times.as_slice() {
        [] => {}
        [first, rest @ ..] if rest.iter().all(|t| t == first) => {
            report.as_of = first.time.map(|t| t.to_cedar());
            report.as_of_source = first.source.as_str().into();
        }
        _ => report.as_of_source = "per-snapshot".into(),
    }
    report.evidence.sort_by(|a, b| a.path.cmp(&b.path));
    report.snapshots.sort_by(|a, b| a.name.cmp(&b.name));
    let order = |a: &Finding, b: &Finding| {
        (&a.account, &a.policy, &a.subject, &a.id).cmp(&(&b.account, &b.policy, &b.subject, &b.id))
    };
    // A lone snapshot's findings come sorted (one account; see
    // `Judgement::findings`); checking so would cost as much as sorting.
    if multi {
        report.results.sort_by(|a, b| order(a, b));
    } else {
        debug_assert!(report.results.is_sorted_by(|a, b| order(a, b).is_le()));
    }
    report.summary = Summary::of(&report.results);
    report.frameworks = facts
        .frameworks
        .iter()
        .map(|f| super::frameworks::view(f, facts.pack, &report.results))
        .collect();
    report.waivers = labeller.waivers.map(Applier::finish);
    Ok((report, unusable))
}

/// Two snapshots of one account in one run (the same account exported into
/// two folders of an organization) would give results of the same ids for
/// one account, which no report can hold apart: each of them is made
/// unusable, naming the others, and the rest of the run goes on.
fn one_snapshot_per_account(
    outcomes: impl IntoIterator<Item = (String, Result<Judged, Error>)>,
) -> Vec<(String, Result<Judged, Error>)> {
    let outcomes: Vec<(String, Result<Judged, Error>)> = outcomes.into_iter().collect();
    let mut folders: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, outcome) in &outcomes {
        if let Ok(judged) = outcome {
            folders
                .entry(judged.account.id.to_string())
                .or_default()
                .push(name.clone());
        }
    }
    outcomes
        .into_iter()
        .map(|(name, outcome)| {
            let Ok(judged) = &outcome else {
                return (name, outcome);
            };
            let account = judged.account.id.to_string();
            let shared = &folders[&account];
            if shared.len() < 2 {
                return (name, outcome);
            }
            let others: Vec<String> = shared
                .iter()
                .filter(|n| **n != name)
                .map(|n| format!("`{n}`"))
                .collect();
            let error = InputError::new(
                &name,
                crate::error::Location::File,
                format!(
                    "this snapshot and {} are all of account {account}: their results would share ids, so none of them is evaluated",
                    others.join(", ")
                ),
            )
            .with_help("evaluate each export of the account on its own, or keep one folder per account");
            (name, Err(Error::Input(vec![error])))
        })
        .collect()
}

/// Each policy's requirement tags (`nist-800-53-r5:AC-2`) over every
/// chosen framework, in the order the frameworks were given.
fn requirement_tags<'p>(facts: &RunFacts<'p>) -> BTreeMap<&'p str, Arc<[Arc<str>]>> {
    let mut tags: BTreeMap<&'p str, Vec<Arc<str>>> = BTreeMap::new();
    for f in facts.frameworks {
        let id = f.id();
        for c in f.coverage(facts.pack) {
            for policy in &c.controls {
                if let Some(control) = facts.pack.controls.iter().find(|k| k.id == *policy) {
                    tags.entry(control.id.as_str())
                        .or_default()
                        .push(format!("{id}:{}", c.id).into());
                }
            }
        }
    }
    tags.into_iter().map(|(p, t)| (p, Arc::from(t))).collect()
}

/// The labelling pass, the only code that edits a finding after the engine.
struct Labeller<'a> {
    /// `--benchmark`: control numbers by policy id.
    numbers: Option<BTreeMap<&'a str, Arc<str>>>,
    /// `--benchmark`: the requirement tags of each policy's results.
    requirements: Option<BTreeMap<&'a str, Arc<[Arc<str>]>>>,
    /// `--waivers`: the waivers, counting what each did.
    waivers: Option<Applier<'a>>,
}

impl Labeller<'_> {
    /// Labels one snapshot's findings: `prefix` (the account folder and a
    /// `/` in an organization, else empty) goes in front of evidence paths,
    /// as the report's `evidence` block names files.
    fn label(&mut self, findings: &mut Findings, prefix: &str, as_of: AsOf) {
        if let Some(applier) = self.waivers.as_mut() {
            applier.begin_snapshot(as_of.time);
        }
        if prefix.is_empty()
            && self.numbers.is_none()
            && self.requirements.is_none()
            && self.waivers.is_none()
        {
            return;
        }
        for finding in findings.iter_mut() {
            // A finding shares its location with its request's other
            // findings: each gets its own copy, prefixed once.
            if let Some(location) = finding.location.as_mut().filter(|_| !prefix.is_empty()) {
                Arc::make_mut(location).file.insert_str(0, prefix);
            }
            if let Some(numbers) = &self.numbers {
                finding.labels.benchmark_control = numbers.get(&*finding.policy).cloned();
            }
            if let Some(requirements) = &self.requirements {
                finding.labels.requirements = requirements.get(&*finding.policy).cloned();
            }
            if let Some(applier) = self.waivers.as_mut() {
                if let Some(waiver) = applier.waiver_for(finding, as_of.time) {
                    finding.status = crate::results::Status::Waived;
                    finding.labels.waiver = Some(waiver);
                }
            }
        }
    }
}

fn error_lines(e: &Error) -> Vec<String> {
    match e {
        Error::Input(errors) => errors.iter().map(super::input_error_text).collect(),
        other => vec![super::escape_text(&other.to_string())],
    }
}
