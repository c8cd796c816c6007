//! The frameworks a run can be reported against (`--framework ID`): the CIS
//! AWS Foundations Benchmark versions of [`crate::catalogue`], and the
//! frameworks of `policies/frameworks/` ([`crate::framework_data`]). For each, its
//! requirements in the framework's order and the loaded controls that give
//! evidence for each: what `evaluate` restricts to and reports per
//! requirement, and what `policies --framework` and `iam-audit frameworks`
//! list.
//!
//! A loaded control covers a requirement of a data framework when
//! `controls.json` makes it equivalent to an AWS check that a source maps to
//! the requirement, or when the policy declares it with `@maps`. The
//! coverage is partial when every control that covers it is only a partial
//! equivalent (a full equivalent decides the requirement on its own).

use std::collections::BTreeSet;

use crate::catalogue::{keep_controls, Benchmark};
use crate::engine::PolicyPack;
use crate::error::Error;
use crate::framework_data::{self as data, catalogue, did_you_mean, FrameworkData};

/// One framework, as `--framework` names it.
#[derive(Debug, Clone)]
pub enum Framework {
    /// `cis-aws-v5.0`.
    Cis(Benchmark),
    /// `nist-800-53-r5`, ...
    Data(&'static FrameworkData),
}

impl PartialEq for Framework {
    fn eq(&self, other: &Framework) -> bool {
        self.id() == other.id()
    }
}

/// One requirement and what covers it among the loaded controls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub id: String,
    pub title: String,
    /// Loaded policy ids, sorted.
    pub controls: Vec<String>,
    /// Every control that covers it differs from the mapped check in a way
    /// `controls.json` states.
    pub partial: bool,
    /// No loaded control covers it: why, and what would decide it.
    pub manual: Option<String>,
}

/// Every framework id, CIS versions first.
pub fn known_ids() -> Result<Vec<String>, Error> {
    let mut ids: Vec<String> = crate::catalogue::VERSIONS
        .iter()
        .map(|v| format!("cis-aws-v{v}"))
        .collect();
    ids.extend(framework_data()?.frameworks.iter().map(|f| f.id.clone()));
    Ok(ids)
}

/// The embedded data; it is ours, so a failure is a defect of this build.
pub fn framework_data() -> Result<&'static data::Catalogue, Error> {
    catalogue().map_err(Error::Internal)
}

impl Framework {
    /// Parses a framework id: `cis-aws-v5.0` (also `cis-aws-5.0`), or the
    /// id of a framework file. An unknown id names the closest known one.
    pub fn parse(text: &str) -> Result<Framework, String> {
        if let Ok(b) = Benchmark::parse(text) {
            return Ok(Framework::Cis(b));
        }
        let c = catalogue()?;
        if let Some(f) = c.framework(text) {
            return Ok(Framework::Data(f));
        }
        let known = known_ids().map_err(|e| e.to_string())?;
        let hint = match did_you_mean(text, known.iter().map(String::as_str)) {
            Some(k) => format!("did you mean `{k}`? "),
            None => String::new(),
        };
        Err(format!(
            "unknown framework `{}`; {hint}known: {} (`iam-audit frameworks` lists them)",
            text.escape_debug(),
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }

    pub fn id(&self) -> String {
        match self {
            Framework::Cis(b) => b.id(),
            Framework::Data(f) => f.id.clone(),
        }
    }

    pub fn name(&self) -> String {
        match self {
            Framework::Cis(_) => {
                "CIS Amazon Web Services Foundations Benchmark (IAM section)".into()
            }
            Framework::Data(f) => f.name.clone(),
        }
    }

    pub fn version(&self) -> String {
        match self {
            Framework::Cis(b) => b.version.clone(),
            Framework::Data(f) => f.version.clone(),
        }
    }

    /// Where the requirement list and the mappings come from.
    pub fn source(&self) -> String {
        match self {
            Framework::Cis(b) => format!(
                "CIS AWS Foundations Benchmark v{}: the recommendation numbers and titles of its IAM section; each control is mapped by its `@cis_aws` annotation",
                b.version
            ),
            Framework::Data(f) => f
                .sources
                .iter()
                .map(|s| format!("{} <{}>", s.title, s.url))
                .collect::<Vec<_>>()
                .join("; "),
        }
    }

    /// Each requirement in the framework's order, with what covers it.
    pub fn coverage(&self, pack: &PolicyPack) -> Vec<Coverage> {
        match self {
            Framework::Cis(b) => cis_coverage(b, pack),
            Framework::Data(f) => data_coverage(f, pack),
        }
    }

    /// Whether a loaded control gives evidence for any requirement.
    fn selects(&self, control: &crate::engine::Control) -> bool {
        match self {
            Framework::Cis(b) => control.cis_aws.contains_key(&b.version),
            Framework::Data(f) => {
                control.maps.iter().any(|(fw, _)| *fw == f.id)
                    || catalogue()
                        .ok()
                        .and_then(|c| c.equivalence(&control.id))
                        .is_some_and(|e| f.requirements.iter().any(|r| e.maps_to(r)))
            }
        }
    }
}

fn cis_coverage(b: &Benchmark, pack: &PolicyPack) -> Vec<Coverage> {
    let covered = b.coverage(pack);
    b.controls()
        .into_iter()
        .map(|(number, control)| {
            let controls = covered.get(number).cloned().unwrap_or_default();
            let manual = if !controls.is_empty() {
                None
            } else {
                Some(match control.undecidable {
                    Some(why) => format!("exported IAM evidence cannot decide it: {why}"),
                    None => format!(
                        "no loaded policy covers it; the exports can decide it (a custom policy declares it with `@cis_aws(\"{}={number}\")`)",
                        b.version
                    ),
                })
            };
            Coverage {
                id: number.to_string(),
                title: control.title.to_string(),
                controls,
                partial: false,
                manual,
            }
        })
        .collect()
}

fn data_coverage(f: &FrameworkData, pack: &PolicyPack) -> Vec<Coverage> {
    let equivalences = catalogue()
        .map(|c| c.equivalences.as_slice())
        .unwrap_or_default();
    f.requirements
        .iter()
        .map(|r| {
            let mut controls = BTreeSet::new();
            let mut full = false;
            for c in &pack.controls {
                let declared = c.maps.iter().any(|(fw, req)| *fw == f.id && *req == r.id);
                let equivalent = equivalences
                    .iter()
                    .find(|e| e.policy == c.id && e.maps_to(r));
                if declared || equivalent.is_some() {
                    controls.insert(c.id.clone());
                    full |= declared || equivalent.is_some_and(|e| !e.partial);
                }
            }
            let manual = if !controls.is_empty() {
                None
            } else if let Some(why) = &r.manual {
                Some(why.clone())
            } else {
                let would: Vec<String> = equivalences
                    .iter()
                    .filter(|e| e.maps_to(r))
                    .map(|e| {
                        if e.planned {
                            format!("`{}` (planned, not built yet)", e.policy)
                        } else {
                            format!("`{}`", e.policy)
                        }
                    })
                    .collect();
                Some(if would.is_empty() {
                    format!("no loaded control maps to it (a custom policy declares it with `@maps(\"{}:{}\")`)", f.id, r.id)
                } else {
                    format!("no loaded control maps to it; these would: {}", would.join(", "))
                })
            };
            Coverage {
                id: r.id.clone(),
                title: r.title.clone(),
                partial: !controls.is_empty() && !full,
                controls: controls.into_iter().collect(),
                manual,
            }
        })
        .collect()
}

/// The CIS benchmark among the chosen frameworks (its numbers label the
/// results: the report's `benchmark` and `benchmark_control`). Two CIS
/// versions at once would give a result two numbers: refused.
pub fn benchmark_of(frameworks: &[Framework]) -> Result<Option<&Benchmark>, Error> {
    let cis: Vec<&Benchmark> = frameworks
        .iter()
        .filter_map(|f| match f {
            Framework::Cis(b) => Some(b),
            Framework::Data(_) => None,
        })
        .collect();
    match cis.as_slice() {
        [] => Ok(None),
        [b] => Ok(Some(b)),
        [a, b, ..] => Err(Error::Usage(format!(
            "`{}` and `{}` are both CIS benchmark versions: choose one (a result carries one benchmark number)",
            a.id(),
            b.id()
        ))),
    }
}

/// The chosen frameworks without repeats, in the order given.
pub fn dedup(frameworks: Vec<Framework>) -> Vec<Framework> {
    let mut out: Vec<Framework> = Vec::new();
    for f in frameworks {
        if !out.contains(&f) {
            out.push(f);
        }
    }
    out
}

/// Keeps only the controls that give evidence for a requirement of any of
/// `frameworks` (none chosen: all of them).
pub fn restrict(pack: PolicyPack, frameworks: &[Framework]) -> Result<PolicyPack, Error> {
    if frameworks.is_empty() {
        return Ok(pack);
    }
    if let [Framework::Cis(b)] = frameworks {
        // The message `--benchmark` always gave.
        return b.restrict(pack);
    }
    let controls: Vec<_> = pack
        .controls
        .iter()
        .filter(|c| frameworks.iter().any(|f| f.selects(c)))
        .cloned()
        .collect();
    if controls.is_empty() {
        return Err(Error::Usage(format!(
            "no loaded policy gives evidence for a requirement of {} (`iam-audit frameworks` counts what covers each)",
            frameworks
                .iter()
                .map(|f| format!("`{}`", f.id()))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    keep_controls(pack, controls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_and_unknown_ones_get_a_suggestion() {
        assert_eq!(
            Framework::parse("cis-aws-v5.0").unwrap().id(),
            "cis-aws-v5.0"
        );
        assert_eq!(
            Framework::parse("cis-aws-5.0").unwrap().id(),
            "cis-aws-v5.0"
        );
        assert_eq!(
            Framework::parse("nist-800-53-r5").unwrap().id(),
            "nist-800-53-r5"
        );
        let e = Framework::parse("nist-800-53").unwrap_err();
        assert!(e.contains("did you mean `nist-800-53-r5`?"), "{e}");
        assert!(e.contains("`pci-dss-v4.0.1`"), "{e}");
        assert!(Framework::parse("soc2").is_err());
    }

    #[test]
    fn two_cis_versions_are_refused() {
        let two = [
            Framework::parse("cis-aws-v5.0").unwrap(),
            Framework::parse("cis-aws-v3.0").unwrap(),
        ];
        assert!(benchmark_of(&two).is_err());
        let one = dedup(vec![
            Framework::parse("cis-aws-v5.0").unwrap(),
            Framework::parse("cis-aws-5.0").unwrap(),
        ]);
        assert_eq!(one.len(), 1);
        assert_eq!(
            benchmark_of(&one).unwrap().map(Benchmark::id).as_deref(),
            Some("cis-aws-v5.0")
        );
    }
}
