//! The framework data of `policies/frameworks/` (see `docs/frameworks.md`),
//! embedded in the binary and parsed once: each framework's requirement
//! list with the AWS checks its sources map to each requirement, and
//! `controls.json`, which says which iam-audit control is equivalent to
//! which AWS check.
//!
//! This module reads nothing else of the crate (it is ground every stage
//! stands on), so that the engine can check a policy's `@maps` annotation
//! against it while loading.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde::Deserialize;

/// The embedded files, in the order `iam-audit frameworks` lists them.
const FILES: [(&str, &str); 4] = [
    (
        "aws-fsbp.json",
        include_str!("../policies/frameworks/aws-fsbp.json"),
    ),
    (
        "nist-800-53-r5.json",
        include_str!("../policies/frameworks/nist-800-53-r5.json"),
    ),
    (
        "nist-800-171-r2.json",
        include_str!("../policies/frameworks/nist-800-171-r2.json"),
    ),
    (
        "pci-dss-v4.0.1.json",
        include_str!("../policies/frameworks/pci-dss-v4.0.1.json"),
    ),
];
const CONTROLS: &str = include_str!("../policies/frameworks/controls.json");

/// One framework file.
#[derive(Debug, Deserialize)]
pub struct FrameworkData {
    pub id: String,
    pub name: String,
    pub version: String,
    /// Which requirements count as the framework's, and why.
    pub requirement_list: String,
    pub sources: Vec<Source>,
    pub requirements: Vec<RequirementData>,
}

/// Where a framework's requirement list and mappings come from.
#[derive(Debug, Deserialize)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub url: String,
}

/// One requirement and the AWS checks its sources map to it.
#[derive(Debug, Deserialize)]
pub struct RequirementData {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub mapped: Vec<Mapped>,
    /// Why no iam-audit control decides it, and what would.
    pub manual: Option<String>,
}

/// An AWS check a source maps to a requirement.
#[derive(Debug, Deserialize)]
pub struct Mapped {
    pub security_hub: Option<String>,
    pub config_rule: Option<String>,
}

/// `controls.json`: each iam-audit control's equivalent AWS checks.
#[derive(Debug, Deserialize)]
struct ControlsFile {
    controls: Vec<Equivalence>,
}

/// One iam-audit control and the AWS checks it is equivalent to.
#[derive(Debug, Deserialize)]
pub struct Equivalence {
    pub policy: String,
    #[serde(default)]
    pub security_hub: Vec<String>,
    #[serde(default)]
    pub config_rules: Vec<String>,
    /// Even the equivalents differ in a way the file's `note` states.
    #[serde(default)]
    pub partial: bool,
    /// Not built yet: never loaded, so it counts as absent.
    #[serde(default)]
    pub planned: bool,
}

impl Equivalence {
    /// Whether this control is equivalent to a check mapped to `r`.
    pub fn maps_to(&self, r: &RequirementData) -> bool {
        r.mapped.iter().any(|m| {
            m.security_hub
                .as_ref()
                .is_some_and(|c| self.security_hub.contains(c))
                || m.config_rule
                    .as_ref()
                    .is_some_and(|c| self.config_rules.contains(c))
        })
    }
}

/// Every framework file and `controls.json`, parsed.
#[derive(Debug)]
pub struct Catalogue {
    pub frameworks: Vec<FrameworkData>,
    pub equivalences: Vec<Equivalence>,
}

impl Catalogue {
    pub fn framework(&self, id: &str) -> Option<&FrameworkData> {
        self.frameworks.iter().find(|f| f.id == id)
    }

    pub fn equivalence(&self, policy: &str) -> Option<&Equivalence> {
        self.equivalences.iter().find(|e| e.policy == policy)
    }
}

/// The embedded catalogue, parsed on first use. `Err` (the embedded data
/// does not parse) is a defect of this build, never of the input.
pub fn catalogue() -> Result<&'static Catalogue, String> {
    static PARSED: OnceLock<Result<Catalogue, String>> = OnceLock::new();
    PARSED.get_or_init(parse).as_ref().map_err(Clone::clone)
}

fn parse() -> Result<Catalogue, String> {
    let mut frameworks = Vec::new();
    let mut ids = BTreeSet::new();
    for (name, text) in FILES {
        let f: FrameworkData = serde_json::from_str(text)
            .map_err(|e| format!("the embedded framework file `{name}` does not parse: {e}"))?;
        if !ids.insert(f.id.clone()) {
            return Err(format!("framework id `{}` is embedded twice", f.id));
        }
        let mut seen = BTreeSet::new();
        for r in &f.requirements {
            if !seen.insert(r.id.as_str()) {
                return Err(format!("`{name}` lists requirement `{}` twice", r.id));
            }
        }
        frameworks.push(f);
    }
    let controls: ControlsFile = serde_json::from_str(CONTROLS)
        .map_err(|e| format!("the embedded `controls.json` does not parse: {e}"))?;
    Ok(Catalogue {
        frameworks,
        equivalences: controls.controls,
    })
}

/// The closest of `known` to `word`, when close enough to be a typo.
pub fn did_you_mean<'k>(word: &str, known: impl IntoIterator<Item = &'k str>) -> Option<&'k str> {
    known
        .into_iter()
        .map(|k| {
            (
                strsim::levenshtein(&word.to_lowercase(), &k.to_lowercase()),
                k,
            )
        })
        .filter(|(d, k)| *d <= 3.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
}

/// Parses `@maps("nist-800-53-r5:AC-2(1) pci-dss-v4.0.1:8.4.2")`: each
/// entry names a framework of the catalogue and one of its requirements.
/// Returns (framework id, requirement id) pairs, sorted, without repeats.
pub fn parse_maps(text: &str) -> Result<Vec<(String, String)>, String> {
    let catalogue = catalogue()?;
    let mut out = BTreeSet::new();
    let entries: Vec<&str> = text.split_whitespace().collect();
    if entries.is_empty() {
        return Err("`@maps` is empty".into());
    }
    for entry in entries {
        let Some((framework, requirement)) = entry.split_once(':') else {
            return Err(format!(
                "`@maps` entry `{}` is not `<framework>:<requirement>`",
                entry.escape_debug()
            ));
        };
        let Some(f) = catalogue.framework(framework) else {
            let known = catalogue.frameworks.iter().map(|f| f.id.as_str());
            let hint = match did_you_mean(framework, known.clone()) {
                Some(k) => format!("did you mean `{k}`? "),
                None => String::new(),
            };
            let cis = if framework.starts_with("cis") {
                " (a CIS benchmark number is declared with `@cis_aws`)"
            } else {
                ""
            };
            return Err(format!(
                "`@maps` names unknown framework `{}`{cis}; {hint}known: {}",
                framework.escape_debug(),
                known
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        };
        if !f.requirements.iter().any(|r| r.id == requirement) {
            let hint = match did_you_mean(requirement, f.requirements.iter().map(|r| r.id.as_str()))
            {
                Some(k) => format!("did you mean `{}:{k}`? ", f.id),
                None => String::new(),
            };
            return Err(format!(
                "`@maps` names requirement `{}` that `{}` does not list; {hint}`iam-audit policies --framework {}` lists its requirements",
                requirement.escape_debug(),
                f.id,
                f.id
            ));
        }
        out.insert((framework.to_string(), requirement.to_string()));
    }
    Ok(out.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_data_parses() {
        let c = catalogue().expect("the embedded framework data parses");
        let ids: Vec<&str> = c.frameworks.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "aws-fsbp",
                "nist-800-53-r5",
                "nist-800-171-r2",
                "pci-dss-v4.0.1"
            ]
        );
        assert!(c.equivalence("console-password-requires-mfa").is_some());
        assert!(c.frameworks.iter().all(|f| !f.requirements.is_empty()));
    }

    #[test]
    fn maps_entries_are_checked_with_a_suggestion() {
        assert_eq!(
            parse_maps("pci-dss-v4.0.1:8.4.2 nist-800-53-r5:AC-2(1)").unwrap(),
            [
                ("nist-800-53-r5".to_string(), "AC-2(1)".to_string()),
                ("pci-dss-v4.0.1".to_string(), "8.4.2".to_string())
            ]
        );
        let e = parse_maps("nist-800-53-r4:AC-2").unwrap_err();
        assert!(e.contains("did you mean `nist-800-53-r5`?"), "{e}");
        let e = parse_maps("nist-800-53-r5:AC-22").unwrap_err();
        assert!(e.contains("did you mean `nist-800-53-r5:AC-2"), "{e}");
        assert!(parse_maps("AC-2").is_err());
        assert!(parse_maps(" ").is_err());
    }
}
