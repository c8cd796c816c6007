//! The pipeline, end to end, with no file system and no thread of its own:
//! listed evidence → typed evidence → model → Cedar entities → judged
//! findings → assembled report.
//!
//! A face (the command line, a browser page, a test) lists the snapshots
//! ([`SnapshotSource`]), hands over each file's bytes ([`EvidenceReader`])
//! and runs the parallel parts ([`Executor`]); every command that looks at
//! evidence goes through [`prepare`], and `evaluate` through [`evaluate`].

use std::collections::BTreeSet;

use cedar_policy::{Entities, Schema};

use crate::engine::{self, PolicyPack};
use crate::error::Error;
use crate::evidence::skipped::Skipped;
use crate::evidence::snapshot::{self, Snapshot};
use crate::evidence::source::{EvidenceReader, SnapshotSource, Target};
use crate::evidence::time::Timestamp;
use crate::evidence::EvidenceFile;
use crate::exec::{self, Executor, Sequential};
use crate::frameworks::Framework;
use crate::model::{self, AsOf, AsOfSource, EntityReads, Model, ModelOptions, Thresholds};
use crate::report::assemble::{self, Judged, RunFacts};
use crate::report::Report;
use crate::waivers::WaiverSet;

/// How a snapshot is turned into a model and entities.
#[derive(Debug, Clone, PartialEq)]
pub struct PrepareOptions {
    /// `--as-of`: overrides the evidence's own time.
    pub as_of: Option<Timestamp>,
    /// `--threshold NAME=VALUE` settings over the CIS defaults.
    pub thresholds: Thresholds,
    /// What the entities hold: everything (`entities`, `explain`), or what
    /// the run's policies can read.
    pub reads: EntityReads,
}

impl Default for PrepareOptions {
    fn default() -> Self {
        PrepareOptions {
            as_of: None,
            thresholds: Thresholds::default(),
            reads: EntityReads::everything(),
        }
    }
}

/// One snapshot, normalized: what `entities` and the evaluation start from.
/// The typed evidence is gone by then: the model holds what the controls
/// read, and the evidence would only add to the peak of memory.
pub struct Prepared {
    /// The snapshot's files, as the report's evidence block lists them.
    pub files: Vec<EvidenceFile>,
    /// The snapshot's warnings (the model has its own).
    pub warnings: Vec<String>,
    /// What the snapshot left out (summarised in the report's warnings).
    pub skipped: Vec<Skipped>,
    pub model: Model,
    pub entities: Entities,
}

/// The as-of time: `--as-of`, else the credential report's `GeneratedTime`,
/// else the manifest's `exported_at`.
pub fn as_of_for(snapshot: &Snapshot, flag: Option<Timestamp>) -> AsOf {
    let (time, source) = if let Some(t) = flag {
        (Some(t), AsOfSource::Flag)
    } else if let Some(t) = snapshot
        .credential_report
        .as_ref()
        .and_then(|(_, r)| r.generated_time)
    {
        (Some(t), AsOfSource::CredentialReport)
    } else if let Some(t) = snapshot.manifest.as_ref().and_then(|(_, m)| m.exported_at) {
        (Some(t), AsOfSource::Manifest)
    } else {
        (None, AsOfSource::None)
    };
    AsOf { time, source }
}

/// Loads one snapshot and builds its model and Cedar entities (once). With
/// an executor wider than one, a large file is hashed and read beside its
/// check and the roles are normalized beside the users; the result is the
/// same.
pub fn prepare(
    source: &SnapshotSource,
    reader: &dyn EvidenceReader,
    schema: &Schema,
    options: &PrepareOptions,
    exec: &dyn Executor,
) -> Result<Prepared, Error> {
    let mut snapshot = snapshot::load(source, reader, exec).map_err(Error::Input)?;
    let as_of = as_of_for(&snapshot, options.as_of);
    let model_options = ModelOptions {
        as_of,
        thresholds: &options.thresholds,
        reads: &options.reads,
    };
    let normalized = model::normalize(&snapshot, &model_options, exec)?;
    let files = std::mem::take(&mut snapshot.files);
    let warnings = std::mem::take(&mut snapshot.warnings);
    let skipped = std::mem::take(&mut snapshot.skipped);
    // The evidence goes before the model's lists are joined, the moment
    // memory peaks.
    exec::drop_aside(exec, true, snapshot);
    let mut model = normalized.finish();
    // The entities move into Cedar's store: the model keeps no second copy.
    let built = std::mem::take(&mut model.entities);
    let entities = model::cedar::entity_store(built, schema, &options.reads)?;
    Ok(Prepared {
        files,
        warnings,
        skipped,
        model,
        entities,
    })
}

/// The snapshots of some targets, organizations flattened, and whether the
/// run is a multi-snapshot one (then each snapshot is named, and the names
/// must differ).
pub fn snapshots_of(targets: Vec<Target>) -> Result<(Vec<SnapshotSource>, bool), Error> {
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
    let mut names = BTreeSet::new();
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

/// What `evaluate` judges the snapshots with.
pub struct Run<'a> {
    /// The policies, already restricted to the chosen frameworks' controls.
    pub pack: &'a PolicyPack,
    pub as_of: Option<Timestamp>,
    pub thresholds: &'a Thresholds,
    pub waivers: Option<&'a WaiverSet>,
    /// `--framework`: the results are labelled with their requirements
    /// (and a CIS version's control numbers).
    pub frameworks: &'a [Framework],
}

/// The outcome of `evaluate`: a report, and whether some snapshot of an
/// organization was unusable (exit code 2 even though a report exists).
pub struct Evaluation {
    pub report: Report,
    pub unusable: bool,
}

/// Evaluates the snapshots and assembles the report. `done` is told each
/// snapshot's name as it is judged (a face's progress bar).
pub fn evaluate(
    run: &Run<'_>,
    sources: &[SnapshotSource],
    multi: bool,
    reader: &dyn EvidenceReader,
    exec: &dyn Executor,
    done: &(dyn Fn(&str) + Sync),
) -> Result<Evaluation, Error> {
    let pack = run.pack;
    let options = PrepareOptions {
        as_of: run.as_of,
        thresholds: run.thresholds.clone(),
        // The entities hold only what the policies of the run can read.
        reads: EntityReads::of_policies(&pack.reading, &pack.schema),
    };
    // The executor goes to the accounts of an organization, or to the
    // requests of a lone snapshot.
    let inner: &dyn Executor = if sources.len() == 1 {
        exec
    } else {
        &Sequential
    };
    let judged = exec::map(exec, sources, exec.width(), |source| {
        let outcome = judge_one(pack, source, reader, &options, inner);
        done(&source.name);
        outcome
    });
    let facts = RunFacts {
        pack,
        multi,
        waivers: run.waivers,
        thresholds: run.thresholds,
        frameworks: run.frameworks,
        as_of: run.as_of,
    };
    let names = sources.iter().map(|s| s.name.clone());
    let (report, unusable) = assemble::assemble(&facts, names.zip(judged))?;
    Ok(Evaluation { report, unusable })
}

/// One snapshot, loaded and judged. The Cedar entity store and the model's
/// requests are dropped as soon as the snapshot is judged, so that a large
/// organization does not hold them for every account until the report.
fn judge_one(
    pack: &PolicyPack,
    source: &SnapshotSource,
    reader: &dyn EvidenceReader,
    options: &PrepareOptions,
    exec: &dyn Executor,
) -> Result<Judged, Error> {
    let Prepared {
        files,
        mut warnings,
        skipped,
        model,
        entities,
    } = prepare(source, reader, &pack.schema, options, exec)?;
    let judgement = engine::judge(pack, &model, &entities, exec);
    exec::drop_aside(exec, true, entities);
    let findings = crate::results::findings(judgement, &model);
    let Model {
        account,
        as_of,
        warnings: model_warnings,
        requests,
        ..
    } = model;
    exec::drop_aside(exec, true, requests);
    warnings.extend(model_warnings);
    Ok(Judged {
        files,
        warnings,
        skipped,
        account,
        as_of,
        findings,
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::cli::files;
    use crate::engine::PolicySource;
    use crate::results::Status;

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
        let examples = files::policy_sources(&root.join("policies/examples")).expect("examples");
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
            let Ok((sources, _)) =
                files::resolve(std::slice::from_ref(folder)).and_then(snapshots_of)
            else {
                continue;
            };
            for source in &sources {
                let prepared = |reads: &EntityReads| {
                    let options = PrepareOptions {
                        reads: reads.clone(),
                        ..PrepareOptions::default()
                    };
                    prepare(
                        source,
                        &files::Files::default(),
                        &schema,
                        &options,
                        &Sequential,
                    )
                };
                for (n, pack) in packs.iter().enumerate() {
                    let reads = EntityReads::of_policies(&pack.reading, &schema);
                    let (full, sliced) =
                        match (prepared(&EntityReads::everything()), prepared(&reads)) {
                            (Ok(full), Ok(sliced)) => (full, sliced),
                            (Err(a), Err(b)) => {
                                assert_eq!(a.to_string(), b.to_string());
                                continue;
                            }
                            _ => panic!("{}: one of the two fails", folder.display()),
                        };
                    let theirs = crate::results::evaluate(pack, &full.model, &full.entities);
                    let ours = crate::results::evaluate(pack, &sliced.model, &sliced.entities);
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
                    probed += usize::from(n == 2 && ours.iter().any(|f| f.status == Status::Fail));
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
