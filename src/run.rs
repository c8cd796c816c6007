//! The pipeline, end to end, as library calls that `main` and the tests share:
//! evidence → model → Cedar → report. Data flows one way.

use std::path::PathBuf;

use cedar_policy::{Entities, Schema};

use crate::engine::{self, PolicyPack, PolicySource};
use crate::error::{Error, InputError};
use crate::evidence::read::Limits;
use crate::evidence::snapshot::{self, Snapshot, SnapshotSource, Target};
use crate::evidence::time::Timestamp;
use crate::model::{self, AsOf, AsOfSource, Model};
use crate::report::{Pack, Report, SnapshotEntry, Summary, Tool, SCHEMA_VERSION};

/// Which policies a run loads (the same for `evaluate` and `validate`).
#[derive(Debug, Clone, Default)]
pub struct PolicyOptions {
    /// `--policies PATH`, files or folders of `.cedar` files.
    pub paths: Vec<PathBuf>,
    /// `--no-default-policies`.
    pub no_default: bool,
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
    engine::load_policies(&sources, !options.no_default)
}

#[derive(Debug, Clone, Default)]
pub struct EvaluateOptions {
    pub paths: Vec<PathBuf>,
    pub policies: PolicyOptions,
    /// `--as-of`: overrides the evidence's own time.
    pub as_of: Option<Timestamp>,
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
pub struct Prepared {
    pub snapshot: Snapshot,
    pub model: Model,
    pub entities: Entities,
}

/// The as-of time: `--as-of`, else the credential report's `GeneratedTime`.
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
        None => AsOf {
            time: None,
            source: AsOfSource::None,
        },
    }
}

/// Loads one snapshot and builds its model and Cedar entities (once).
pub fn prepare(
    source: &SnapshotSource,
    schema: &Schema,
    as_of: Option<Timestamp>,
) -> Result<Prepared, Error> {
    prepare_with(source, schema, as_of, &Limits::default())
}

/// [`prepare`] with explicit limits on what is read.
pub fn prepare_with(
    source: &SnapshotSource,
    schema: &Schema,
    as_of: Option<Timestamp>,
    limits: &Limits,
) -> Result<Prepared, Error> {
    let snapshot = snapshot::load_with(source, limits).map_err(Error::Input)?;
    let model = model::build(&snapshot, as_of_for(&snapshot, as_of))?;
    let entities =
        Entities::from_entities(model.entities.iter().cloned(), Some(schema)).map_err(|e| {
            Error::Internal(format!(
                "the snapshot's entities do not match the schema: {e}"
            ))
        })?;
    Ok(Prepared {
        snapshot,
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

/// `iam-audit evaluate`.
pub fn evaluate(options: &EvaluateOptions) -> Result<Evaluation, Error> {
    let pack = load_pack(&options.policies)?;
    let schema = engine::schema()?;
    let (sources, multi) = sources(&options.paths)?;

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
    };
    let mut unusable = false;
    let mut times = Vec::new();
    for source in &sources {
        let prefix = if multi {
            format!("{}/", source.name)
        } else {
            String::new()
        };
        let prepared = match prepare_with(source, &schema, options.as_of, &options.limits) {
            Ok(p) => p,
            Err(e) if multi => {
                unusable = true;
                report.snapshots.push(SnapshotEntry {
                    name: source.name.clone(),
                    account: None,
                    as_of: None,
                    as_of_source: AsOfSource::None.as_str().into(),
                    status: "unusable",
                    errors: error_lines(&e),
                });
                continue;
            }
            Err(e) => return Err(e),
        };
        let findings = engine::evaluate(&pack, &prepared.model, &prepared.entities);
        let as_of = prepared.model.as_of;
        times.push(as_of);
        report.snapshots.push(SnapshotEntry {
            name: source.name.clone(),
            account: Some(prepared.model.account.id.clone()),
            as_of: as_of.time.map(|t| t.to_cedar()),
            as_of_source: as_of.source.as_str().into(),
            status: "evaluated",
            errors: Vec::new(),
        });
        report.evidence.extend(
            prepared
                .snapshot
                .files
                .iter()
                .map(|f| Report::evidence_entry(&prefix, f)),
        );
        let label = |w: &String| {
            if multi {
                format!("{}: {w}", source.name)
            } else {
                w.clone()
            }
        };
        report
            .warnings
            .extend(prepared.snapshot.warnings.iter().map(label));
        report
            .warnings
            .extend(prepared.model.warnings.iter().map(label));
        report.results.extend(findings);
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
    report.results.sort_by(|a, b| {
        (&a.account, &a.policy, &a.subject, &a.id).cmp(&(&b.account, &b.policy, &b.subject, &b.id))
    });
    report.summary = Summary::of(&report.results);
    Ok(Evaluation { report, unusable })
}

fn error_lines(e: &Error) -> Vec<String> {
    match e {
        Error::Input(errors) => errors.iter().map(InputError::to_string).collect(),
        other => vec![other.to_string()],
    }
}
