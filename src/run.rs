//! The pipeline, end to end, as library calls that `main` and the tests share:
//! evidence → model → Cedar → report. Data flows one way.

use std::path::PathBuf;

use cedar_policy::{Entities, Schema};

use crate::engine::{self, Finding, Findings, PolicyPack, PolicySource};
use crate::error::{Error, InputError};
use crate::evidence::read::Limits;
use crate::evidence::snapshot::{self, Snapshot, SnapshotSource, Target};
use crate::evidence::time::Timestamp;
use crate::model::{self, AsOf, AsOfSource, EntityReads, Model, Thresholds};
use crate::report::{Pack, Report, SnapshotEntry, Summary, Tool, SCHEMA_VERSION};

/// Which policies a run loads (the same for `evaluate` and `validate`).
#[derive(Debug, Clone, Default)]
pub struct PolicyOptions {
    /// `--policies PATH`, files or folders of `.cedar` files.
    pub paths: Vec<PathBuf>,
    /// `--no-default-policies`.
    pub no_default: bool,
    /// `--select`/`--ignore`: which of the loaded controls run.
    pub selection: engine::Selection,
}

/// Loads and validates the policies of a run.
pub fn load_pack(options: &PolicyOptions) -> Result<PolicyPack, Error> {
    let mut sources: Vec<PolicySource> = Vec::new();
    for p in &options.paths {
        sources.extend(engine::load::read_sources(p)?);
    }
    if options.no_default && sources.is_empty() {
        return Err(Error::Usage(
            "`--no-default-policies` without `--policies PATH` leaves nothing to evaluate".into(),
        ));
    }
    engine::load_selected(&sources, !options.no_default, &options.selection)
}

#[derive(Debug, Clone, Default)]
pub struct EvaluateOptions {
    pub paths: Vec<PathBuf>,
    pub policies: PolicyOptions,
    /// `--as-of`: overrides the evidence's own time.
    pub as_of: Option<Timestamp>,
    /// `--waivers FILE`.
    pub waivers: Option<PathBuf>,
    /// How many snapshots to evaluate at once (`--jobs`); `None`: one per core.
    pub jobs: Option<usize>,
    /// Draw a progress bar on stderr for organizations (the caller checks
    /// that stderr is a terminal).
    pub progress: bool,
    /// `--threshold NAME=VALUE` settings over the CIS defaults.
    pub thresholds: Thresholds,
    /// `--benchmark cis-aws-vX.Y`: only that benchmark's controls, labelled
    /// with its control numbers.
    pub benchmark: Option<crate::catalogue::Benchmark>,
    /// `--max-input-size` and other limits on what is read.
    pub limits: Limits,
}

/// The outcome of `evaluate`: a report, and whether some snapshot of an
/// organization was unusable (exit code 2 even though a report exists).
pub struct Evaluation {
    pub report: Report,
    pub unusable: bool,
}

/// One snapshot, normalized: what `entities` and the evaluation start from.
/// The typed evidence is gone by then: the model holds what the controls
/// read, and the evidence would only add to the peak of memory.
pub struct Prepared {
    /// The snapshot's files, as the report's evidence block lists them.
    pub files: Vec<crate::evidence::EvidenceFile>,
    /// The snapshot's warnings (the model has its own).
    pub warnings: Vec<String>,
    pub model: Model,
    pub entities: Entities,
}

/// The as-of time: `--as-of`, else the credential report's `GeneratedTime`,
/// else the manifest's `exported_at`.
pub fn as_of_for(snapshot: &Snapshot, flag: Option<Timestamp>) -> AsOf {
    if let Some(t) = flag {
        return AsOf {
            time: Some(t),
            source: AsOfSource::Flag,
        };
    }
    match snapshot
        .credential_report
        .as_ref()
        .and_then(|(_, r)| r.generated_time)
    {
        Some(t) => AsOf {
            time: Some(t),
            source: AsOfSource::CredentialReport,
        },
        None => match snapshot.manifest.as_ref().and_then(|(_, m)| m.exported_at) {
            Some(t) => AsOf {
                time: Some(t),
                source: AsOfSource::Manifest,
            },
            None => AsOf {
                time: None,
                source: AsOfSource::None,
            },
        },
    }
}

/// Loads one snapshot and builds its model and Cedar entities (once).
pub fn prepare(
    source: &SnapshotSource,
    schema: &Schema,
    as_of: Option<Timestamp>,
) -> Result<Prepared, Error> {
    prepare_with(
        source,
        schema,
        as_of,
        &Thresholds::default(),
        &Limits::default(),
    )
}

/// [`prepare`] with the run's thresholds and limits on what is read.
pub fn prepare_with(
    source: &SnapshotSource,
    schema: &Schema,
    as_of: Option<Timestamp>,
    thresholds: &Thresholds,
    limits: &Limits,
) -> Result<Prepared, Error> {
    prepare_on(
        source,
        schema,
        as_of,
        thresholds,
        limits,
        &EntityReads::everything(),
        1,
    )
}

/// [`prepare_with`], the entities holding only what `reads` names, on up to
/// `threads` threads (a large file hashed and read beside its check, the roles
/// normalized beside the users); the result is the same.
pub fn prepare_on(
    source: &SnapshotSource,
    schema: &Schema,
    as_of: Option<Timestamp>,
    thresholds: &Thresholds,
    limits: &Limits,
    reads: &EntityReads,
    threads: usize,
) -> Result<Prepared, Error> {
    let mut snapshot = snapshot::load_on(source, limits, threads).map_err(Error::Input)?;
    let as_of = as_of_for(&snapshot, as_of);
    let normalized = model::normalize(&snapshot, as_of, thresholds, reads, threads)?;
    let files = std::mem::take(&mut snapshot.files);
    let warnings = std::mem::take(&mut snapshot.warnings);
    // The evidence goes before the model's lists are joined, the moment
    // memory peaks.
    crate::parallel::drop_aside(threads > 1, snapshot);
    let mut model = normalized.finish();
    // The entities move into Cedar's store: the model keeps no second copy.
    let built = std::mem::take(&mut model.entities);
    let entities = model::cedar::entity_store(built, schema, reads)?;
    Ok(Prepared {
        files,
        warnings,
        model,
        entities,
    })
}

/// The snapshot sources of a command line, flattening organizations, and
/// whether the run is a multi-snapshot one.
pub fn sources(paths: &[PathBuf]) -> Result<(Vec<SnapshotSource>, bool), Error> {
    let targets = snapshot::resolve(paths)?;
    let multi = targets.len() > 1
        || targets
            .iter()
            .any(|t| matches!(t, Target::Organization { .. }));
    let mut out: Vec<SnapshotSource> = Vec::new();
    for t in targets {
        match t {
            Target::Snapshot(mut s) => {
                if multi {
                    // Several snapshots side by side need names to tell them apart.
                    s.name = s.folder.clone().unwrap_or_else(|| "files".into());
                }
                out.push(s);
            }
            Target::Organization { accounts, .. } => out.extend(accounts),
        }
    }
    let mut names = std::collections::BTreeSet::new();
    for s in &out {
        if !names.insert(s.name.clone()) {
            return Err(Error::Usage(format!(
                "two snapshots are named `{}`: evaluate them separately, or rename one folder",
                s.name
            )));
        }
    }
    Ok((out, multi))
}

/// One snapshot, loaded and judged (waivers not yet applied). The Cedar
/// entity store and the model's requests are dropped as soon as the snapshot
/// is judged, so that a large organization does not hold them for every account
/// until the merge.
struct Judged {
    /// The snapshot's files, as the report's evidence block lists them.
    files: Vec<crate::evidence::EvidenceFile>,
    /// The snapshot's warnings, then the model's.
    warnings: Vec<String>,
    account: model::AccountRef,
    as_of: AsOf,
    findings: Findings,
}

/// `iam-audit evaluate`.
pub fn evaluate(options: &EvaluateOptions) -> Result<Evaluation, Error> {
    let mut pack = load_pack(&options.policies)?;
    if let Some(benchmark) = &options.benchmark {
        pack = benchmark.restrict(pack)?;
    }
    let waivers = match &options.waivers {
        Some(path) => Some(crate::waivers::load(path)?),
        None => None,
    };
    let schema = &pack.schema;
    // The entities hold only what the policies of the run can read.
    let reads = EntityReads::of_policies(&pack.set, schema);
    let (sources, multi) = sources(&options.paths)?;
    let jobs = options.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1)
    });
    let progress = crate::progress::Bar::new(sources.len(), options.progress && multi);
    // The cores go to the accounts of an organization, or to the requests of
    // a lone snapshot.
    let threads_per_snapshot = if sources.len() == 1 { jobs } else { 1 };
    let judged = crate::parallel::map(&sources, jobs, |source| {
        let outcome = prepare_on(
            source,
            schema,
            options.as_of,
            &options.thresholds,
            &options.limits,
            &reads,
            threads_per_snapshot,
        )
        .map(|prepared| {
            let Prepared {
                files,
                warnings,
                model,
                entities,
            } = prepared;
            let judgement = engine::judge_with(&pack, &model, &entities, threads_per_snapshot);
            crate::parallel::drop_aside(threads_per_snapshot > 1, entities);
            let mut findings = judgement.findings(&model);
            if let Some(benchmark) = &options.benchmark {
                benchmark.label(&pack, &mut findings);
            }
            let Model {
                account,
                as_of,
                warnings: model_warnings,
                requests,
                ..
            } = model;
            crate::parallel::drop_aside(threads_per_snapshot > 1, requests);
            let mut warnings = warnings;
            warnings.extend(model_warnings);
            Judged {
                files,
                warnings,
                account,
                as_of,
                findings,
            }
        });
        progress.tick(&source.name);
        outcome
    });
    progress.finish();
    let mut applier = waivers.as_deref().map(crate::waivers::Applier::new);

    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool::default(),
        as_of: None,
        as_of_source: AsOfSource::None.as_str().into(),
        pack: pack.builtin_version.clone().map(|version| Pack {
            name: "iam-audit-builtin",
            version,
        }),
        evidence: Vec::new(),
        policies: Report::policy_entries(&pack),
        snapshots: Vec::new(),
        summary: Summary::default(),
        results: Vec::new(),
        warnings: Vec::new(),
        waivers: None,
        thresholds: options.thresholds.as_map(),
        benchmark: options.benchmark.as_ref().map(|b| b.id()),
    };
    let mut unusable = false;
    let mut times = Vec::new();
    for (source, outcome) in sources.iter().zip(judged) {
        let prefix = if multi {
            format!("{}/", source.name)
        } else {
            String::new()
        };
        let Judged {
            files,
            warnings,
            account,
            as_of,
            mut findings,
        } = match outcome {
            Ok(j) => j,
            Err(e) if multi => {
                unusable = true;
                report.snapshots.push(SnapshotEntry {
                    name: source.name.clone(),
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
        // Locations name files as the report's `evidence` block does. A
        // finding shares its location with its request's other findings:
        // each gets its own copy, prefixed once.
        if !prefix.is_empty() {
            for location in findings.iter_mut().filter_map(|f| f.location.as_mut()) {
                std::sync::Arc::make_mut(location)
                    .file
                    .insert_str(0, &prefix);
            }
        }
        times.push(as_of);
        if let Some(applier) = applier.as_mut() {
            applier.apply(&mut findings, as_of.time);
        }
        report.snapshots.push(SnapshotEntry {
            name: source.name.clone(),
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
        let label = |w: &String| {
            if multi {
                format!("{}: {w}", source.name)
            } else {
                w.clone()
            }
        };
        report.warnings.extend(warnings.iter().map(label));
        if waivers.is_some() && as_of.time.is_none() {
            report.warnings.push(label(&"no as-of time, so no waiver can apply: pass `--as-of`, or include the credential report envelope (its `GeneratedTime`)".to_string()));
        }
        // A lone snapshot's findings become the results as they are: no
        // second copy of tens of megabytes.
        if report.results.is_empty() {
            report.results = findings;
        } else {
            report.results.extend(findings);
        }
    }
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
    report.waivers = applier.map(crate::waivers::Applier::finish);
    Ok(Evaluation { report, unusable })
}

fn error_lines(e: &Error) -> Vec<String> {
    match e {
        Error::Input(errors) => errors.iter().map(InputError::to_string).collect(),
        other => vec![other.to_string()],
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use cedar_policy::Entities;

    use super::*;

    /// Policies that read attributes the built-in pack does not, each behind
    /// `has`, so that a left-out attribute would change a result, and that
    /// test membership (`in`) in groups, users and policies.
    const PROBES: &str = r#"
@id("probe-user-path") @title("t") @severity("low") @version("1.0.0")
forbid (principal is Iam::User, action == Iam::Action::"SignInToConsole", resource)
when { principal has path && principal.path == "/" && principal.group_names.contains("Admins") };

@id("probe-role-tags") @title("t") @severity("low") @version("1.0.0")
forbid (principal, action == Iam::Action::"AssumeRole", resource)
when { resource.hasTag("team") || (resource has name && resource.name like "*dmin*") };

@id("probe-any-arn") @title("t") @severity("low") @version("1.0.0")
forbid (principal, action, resource)
when { principal has arn && principal.arn like "*:root" };

@id("probe-literal") @title("t") @severity("low") @version("1.0.0")
forbid (principal, action == Iam::Action::"Review", resource)
when { Iam::Account::"123456789012" has alias };

@id("probe-in-group") @title("t") @severity("low") @version("1.0.0")
forbid (principal, action == Iam::Action::"SignInToConsole", resource)
when { principal in Iam::Group::"arn:aws:iam::123456789012:group/Admins" };

@id("probe-key-in-owner") @title("t") @severity("low") @version("1.0.0")
forbid (principal, action == Iam::Action::"UseAccessKey", resource)
when { resource in principal };

@id("probe-in-set") @title("t") @severity("low") @version("1.0.0")
forbid (principal in Iam::Account::"123456789012", action == Iam::Action::"HoldPolicy", resource)
when { principal in [Iam::ManagedPolicy::"arn:aws:iam::123456789012:policy/deploy-artifacts"] };
"#;

    /// Every attribute, tag and ancestor of every entity in a store.
    fn attribute_count(store: &Entities) -> usize {
        store
            .iter()
            .map(|e| {
                let e = e.as_ref();
                e.keys().count() + e.tag_keys().count() + e.ancestors().count()
            })
            .sum()
    }

    #[test]
    fn entities_holding_only_what_policies_read_judge_the_same() {
        let schema = engine::schema().expect("schema");
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let probes = PolicySource {
            name: "probes.cedar".into(),
            report_name: "probes.cedar".into(),
            text: PROBES.into(),
        };
        let examples =
            engine::load::read_sources(&root.join("policies/examples")).expect("examples");
        let packs = [
            engine::load_policies(&[], true).expect("built-in"),
            engine::load_policies(&examples, true).expect("built-in and examples"),
            engine::load_policies(&[probes], false).expect("probes"),
        ];
        let mut folders = vec![
            root.join("snapshots/demo"),
            root.join("snapshots/compliant"),
            root.join("snapshots/org"),
        ];
        let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures"))
            .expect("fixtures")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir() && !p.ends_with("policies"))
            .collect();
        fixtures.sort();
        folders.extend(fixtures);
        let (mut judged, mut smaller, mut probed) = (0, 0, 0);
        for folder in &folders {
            let Ok((sources, _)) = sources(std::slice::from_ref(folder)) else {
                continue;
            };
            for source in &sources {
                let prepared = |reads: &EntityReads| {
                    prepare_on(
                        source,
                        &schema,
                        None,
                        &Thresholds::default(),
                        &Limits::default(),
                        reads,
                        1,
                    )
                };
                for (n, pack) in packs.iter().enumerate() {
                    let reads = EntityReads::of_policies(&pack.set, &schema);
                    let (full, sliced) =
                        match (prepared(&EntityReads::everything()), prepared(&reads)) {
                            (Ok(full), Ok(sliced)) => (full, sliced),
                            (Err(a), Err(b)) => {
                                assert_eq!(a.to_string(), b.to_string());
                                continue;
                            }
                            _ => panic!("{}: one of the two fails", folder.display()),
                        };
                    let theirs = engine::evaluate(pack, &full.model, &full.entities);
                    let ours = engine::evaluate(pack, &sliced.model, &sliced.entities);
                    assert_eq!(
                        ours.len(),
                        theirs.len(),
                        "{} with pack {n}",
                        folder.display()
                    );
                    for (a, b) in ours.iter().zip(&theirs) {
                        assert_eq!(a, b, "{} with pack {n}", folder.display());
                    }
                    judged += 1;
                    smaller += usize::from(
                        attribute_count(&sliced.entities) < attribute_count(&full.entities),
                    );
                    probed += usize::from(
                        n == 2 && ours.iter().any(|f| f.status == engine::Status::Fail),
                    );
                }
            }
        }
        assert!(
            judged >= 45,
            "only {judged} snapshot x pack pairs were judged"
        );
        assert!(
            smaller >= judged / 2,
            "only {smaller} of {judged} stores were smaller"
        );
        assert!(probed >= 3, "the probes failed on only {probed} snapshots");
    }
}
