//! The CIS AWS Foundations Benchmark's IAM section, per benchmark version:
//! what `iam-audit policies --benchmark cis-aws-vX.Y` lists and what
//! `evaluate --benchmark` filters and labels by.
//!
//! Control numbers move between versions (v5.0 dropped "security
//! questions", v6.0 moved IAM to section 2), so each control keeps one
//! number per version, as a string (`1.10` is not `1.1`). Which built-in
//! policy covers a control is not stored here: it is read from the loaded
//! policies' `@cis_aws` annotations, so a custom policy that declares a CIS
//! number is listed too.

use std::collections::BTreeMap;
use std::sync::Arc;

use cedar_policy::PolicySet;

use crate::engine::PolicyPack;
use crate::error::Error;

/// Benchmark versions this catalogue knows, oldest first. v7.0 is left out
/// until its numbering can be confirmed against the published benchmark.
pub const VERSIONS: [&str; 7] = ["1.4", "1.5", "2.0", "3.0", "4.0", "5.0", "6.0"];

/// One IAM control of the benchmark.
pub struct CisControl {
    pub title: &'static str,
    /// (benchmark version, control number); versions without the control
    /// are absent.
    pub numbers: &'static [(&'static str, &'static str)],
    /// Why exported IAM evidence cannot decide it (`None`: it can).
    pub undecidable: Option<&'static str>,
}

macro_rules! numbers {
    ($old:literal, $v5:literal, $v6:literal) => {
        &[
            ("1.4", $old),
            ("1.5", $old),
            ("2.0", $old),
            ("3.0", $old),
            ("4.0", $old),
            ("5.0", $v5),
            ("6.0", $v6),
        ]
    };
}

/// The IAM section, in v1.4 order.
pub const CONTROLS: &[CisControl] = &[
    CisControl {
        title: "Maintain current contact details",
        numbers: numbers!("1.1", "1.1", "2.1"),
        undecidable: Some("account contact details are not IAM evidence (`aws account get-contact-information`)"),
    },
    CisControl {
        title: "Ensure security contact information is registered",
        numbers: numbers!("1.2", "1.2", "2.2"),
        undecidable: Some("alternate contacts are not IAM evidence (`aws account get-alternate-contact`)"),
    },
    CisControl {
        title: "Ensure security questions are registered in the AWS account",
        numbers: &[("1.4", "1.3"), ("1.5", "1.3"), ("2.0", "1.3"), ("3.0", "1.3"), ("4.0", "1.3")],
        undecidable: Some("visible in the console only; no API exports them"),
    },
    CisControl {
        title: "Ensure no 'root' user account access key exists",
        numbers: numbers!("1.4", "1.3", "2.3"),
        undecidable: None,
    },
    CisControl {
        title: "Ensure MFA is enabled for the 'root' user account",
        numbers: numbers!("1.5", "1.4", "2.4"),
        undecidable: None,
    },
    CisControl {
        title: "Ensure hardware MFA is enabled for the 'root' user account",
        numbers: numbers!("1.6", "1.5", "2.5"),
        undecidable: None,
    },
    CisControl {
        title: "Eliminate use of the 'root' user for administrative and daily tasks",
        numbers: numbers!("1.7", "1.6", "2.6"),
        undecidable: None,
    },
    CisControl {
        title: "Ensure IAM password policy requires minimum length of 14 or greater",
        numbers: numbers!("1.8", "1.7", "2.7"),
        undecidable: None,
    },
    CisControl {
        title: "Ensure IAM password policy prevents password reuse",
        numbers: numbers!("1.9", "1.8", "2.8"),
        undecidable: None,
    },
    CisControl {
        title: "Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password",
        numbers: numbers!("1.10", "1.9", "2.9"),
        undecidable: None,
    },
    CisControl {
        title: "Do not setup access keys during initial user setup for all IAM users that have a console password",
        numbers: numbers!("1.11", "1.10", "2.10"),
        undecidable: None,
    },
    CisControl {
        title: "Ensure credentials unused for 45 days or greater are disabled",
        numbers: numbers!("1.12", "1.11", "2.11"),
        undecidable: None,
    },
    CisControl {
        title: "Ensure there is only one active access key available for any single IAM user",
        numbers: numbers!("1.13", "1.12", "2.12"),
        undecidable: None,
    },
    CisControl {
        title: "Ensure access keys are rotated every 90 days or less",
        numbers: numbers!("1.14", "1.13", "2.13"),
        undecidable: None,
    },
    CisControl {
        title: "Ensure IAM Users Receive Permissions Only Through Groups",
        numbers: numbers!("1.15", "1.14", "2.14"),
        undecidable: None,
    },
    CisControl {
        title: "Ensure IAM policies that allow full \"*:*\" administrative privileges are not attached",
        numbers: numbers!("1.16", "1.15", "2.15"),
        undecidable: None,
    },
    CisControl {
        title: "Ensure a support role has been created to manage incidents with AWS Support",
        numbers: numbers!("1.17", "1.16", "2.16"),
        undecidable: None,
    },
    CisControl {
        title: "Ensure IAM instance roles are used for AWS resource access from instances",
        numbers: numbers!("1.18", "1.17", "2.17"),
        undecidable: Some("needs the EC2 instances and their instance profiles (`aws ec2 describe-instances`), not IAM evidence"),
    },
    CisControl {
        title: "Ensure that all the expired SSL/TLS certificates stored in AWS IAM are removed",
        numbers: numbers!("1.19", "1.18", "2.18"),
        undecidable: None,
    },
    CisControl {
        title: "Ensure that IAM Access analyzer is enabled for all regions",
        numbers: numbers!("1.20", "1.19", "2.19"),
        undecidable: Some("needs `aws accessanalyzer list-analyzers` in every region, not IAM evidence"),
    },
    CisControl {
        title: "Ensure IAM users are managed centrally via identity federation or AWS Organizations for multi-account environments",
        numbers: numbers!("1.21", "1.20", "2.20"),
        undecidable: Some("a manual, organization-wide judgement; one account's exports cannot show it"),
    },
    CisControl {
        title: "Ensure access to AWSCloudShellFullAccess is restricted",
        numbers: &[("2.0", "1.22"), ("3.0", "1.22"), ("4.0", "1.22"), ("5.0", "1.21"), ("6.0", "2.21")],
        undecidable: None,
    },
];

/// One benchmark version, as named on the command line (`cis-aws-v3.0`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Benchmark {
    /// `3.0`.
    pub version: String,
}

impl Benchmark {
    /// Parses `cis-aws-v3.0` (also `cis-aws-3.0`).
    pub fn parse(text: &str) -> Result<Benchmark, String> {
        let version = text
            .strip_prefix("cis-aws-v")
            .or_else(|| text.strip_prefix("cis-aws-"))
            .unwrap_or("");
        if VERSIONS.contains(&version) {
            Ok(Benchmark {
                version: version.to_string(),
            })
        } else {
            Err(format!(
                "unknown benchmark `{text}`; known: {}",
                VERSIONS
                    .iter()
                    .map(|v| format!("`cis-aws-v{v}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    }

    /// `cis-aws-v3.0`.
    pub fn id(&self) -> String {
        format!("cis-aws-v{}", self.version)
    }

    /// The benchmark's IAM controls in benchmark order: (number, control).
    pub fn controls(&self) -> Vec<(&'static str, &'static CisControl)> {
        let mut out: Vec<(&'static str, &'static CisControl)> = CONTROLS
            .iter()
            .filter_map(|c| {
                c.numbers
                    .iter()
                    .find(|(v, _)| *v == self.version)
                    .map(|(_, n)| (*n, c))
            })
            .collect();
        out.sort_by_key(|(n, _)| number_key(n));
        out
    }

    /// The loaded policies that declare each number of this version.
    pub fn coverage(&self, pack: &PolicyPack) -> BTreeMap<String, Vec<String>> {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for c in &pack.controls {
            if let Some(n) = c.cis_aws.get(&self.version) {
                map.entry(n.clone()).or_default().push(c.id.clone());
            }
        }
        map
    }

    /// Keeps only the controls that declare a number in this version.
    pub fn restrict(&self, pack: PolicyPack) -> Result<PolicyPack, Error> {
        let controls: Vec<_> = pack
            .controls
            .iter()
            .filter(|c| c.cis_aws.contains_key(&self.version))
            .cloned()
            .collect();
        if controls.is_empty() {
            return Err(Error::Usage(format!(
                "no loaded policy declares a control of `{}` (`@cis_aws(\"{}=...\")`)",
                self.id(),
                self.version
            )));
        }
        keep_controls(pack, controls)
    }

    /// Each control's number in this version, by policy id: what the
    /// report's results are labelled with.
    pub fn numbers<'p>(&self, pack: &'p PolicyPack) -> BTreeMap<&'p str, Arc<str>> {
        pack.controls
            .iter()
            .filter_map(|c| Some((c.id.as_str(), c.cis_aws.get(&self.version)?.as_str().into())))
            .collect()
    }
}

/// The pack with only `controls` (a subset of its own), the Cedar set
/// rebuilt from them.
pub fn keep_controls(
    pack: PolicyPack,
    controls: Vec<crate::engine::Control>,
) -> Result<PolicyPack, Error> {
    let mut set = PolicySet::new();
    for c in &controls {
        set.add(c.policy.clone())
            .map_err(|e| Error::Internal(format!("cannot rebuild the policy set: {e}")))?;
    }
    Ok(PolicyPack {
        controls,
        set,
        builtin_version: pack.builtin_version,
        schema: pack.schema,
        // What the whole pack reads: a superset of what these controls
        // read, so the same decisions.
        reading: pack.reading,
        files: pack.files,
        selection: pack.selection,
    })
}

/// `1.10` sorts after `1.9`: compare dotted numbers part by part.
pub fn number_key(n: &str) -> Vec<u32> {
    n.split('.')
        .map(|p| p.parse().unwrap_or(u32::MAX))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_version_numbers_its_controls_uniquely_and_in_order() {
        for v in VERSIONS {
            let b = Benchmark::parse(&format!("cis-aws-v{v}")).unwrap();
            let numbers: Vec<&str> = b.controls().iter().map(|(n, _)| *n).collect();
            let mut unique = numbers.clone();
            unique.dedup();
            assert_eq!(numbers, unique, "{v}");
            let section = if v == "6.0" { "2." } else { "1." };
            for (i, n) in numbers.iter().enumerate() {
                assert_eq!(*n, format!("{section}{}", i + 1), "{v}");
            }
        }
        assert_eq!(
            Benchmark::parse("cis-aws-v1.4").unwrap().controls().len(),
            21
        );
        assert_eq!(
            Benchmark::parse("cis-aws-v3.0").unwrap().controls().len(),
            22
        );
        assert_eq!(
            Benchmark::parse("cis-aws-v5.0").unwrap().controls().len(),
            21
        );
    }

    #[test]
    fn ten_is_not_one() {
        assert!(number_key("1.10") > number_key("1.9"));
        assert_ne!(number_key("1.10"), number_key("1.1"));
    }

    #[test]
    fn unknown_benchmark_lists_the_known_ones() {
        let e = Benchmark::parse("cis-aws-v7.0").unwrap_err();
        assert!(e.contains("`cis-aws-v6.0`"), "{e}");
    }
}
