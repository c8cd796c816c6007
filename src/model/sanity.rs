//! Warnings about evidence that reads fine but is probably not what it
//! seems: times after the as-of time, and trust policies with parts IAM would
//! not accept (unknown condition operators, principals that are not ARNs, an
//! empty `Statement`). None changes a result; each is listed in the report so
//! that an auditor can look. Each kind is capped per source so that a crafted
//! file cannot bury the report in warnings.

use crate::evidence::credential_report::ReportTime;
use crate::evidence::policy_document::{Effect, PolicyDocument, Principal, PrincipalKey};
use crate::evidence::snapshot::Snapshot;
use crate::evidence::time::Timestamp;

use super::trust::{classify_principal, PrincipalKind};

/// At most this many warnings of one kind per file or document; the rest are counted.
const MAX_PER_KIND: usize = 10;

/// Credential report times after the as-of time: the evidence is newer than
/// the time it is judged at (a wrong `--as-of`, or edited evidence).
pub fn times_after_as_of(snapshot: &Snapshot, as_of: Option<Timestamp>) -> Vec<String> {
    let (Some(as_of), Some((file, report))) = (as_of, &snapshot.credential_report) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for row in &report.rows {
        let mut cells: Vec<(&str, ReportTime)> = vec![
            ("user_creation_time", row.user_creation_time),
            ("password_last_used", row.password_last_used),
            ("password_last_changed", row.password_last_changed),
        ];
        let keys = [
            ("access_key_1_last_rotated", "access_key_1_last_used_date"),
            ("access_key_2_last_rotated", "access_key_2_last_used_date"),
        ];
        for (key, (rotated, used)) in row.access_keys.iter().zip(keys) {
            cells.push((rotated, key.last_rotated));
            cells.push((used, key.last_used));
        }
        for (cert, rotated) in row
            .certs
            .iter()
            .zip(["cert_1_last_rotated", "cert_2_last_rotated"])
        {
            cells.push((rotated, cert.last_rotated));
        }
        for (column, time) in cells {
            if let Some(t) = time.timestamp().filter(|t| *t > as_of) {
                found.push(format!(
                    "{file}: line {}, column `{column}`: {} is after the as-of time {}; ages computed from it are negative (is `--as-of` right?)",
                    row.line,
                    t.to_cedar(),
                    as_of.to_cedar()
                ));
            }
        }
    }
    capped(found, &format!("{file}: times after the as-of time"))
}

/// Parts of a role's trust policy that IAM would refuse, read tolerantly.
pub fn trust_policy_oddities(doc: &PolicyDocument, role_arn: &str) -> Vec<String> {
    let mut out = Vec::new();
    if doc.statements.is_empty() {
        out.push(format!(
            "role `{role_arn}`: the trust policy has an empty `Statement`, so no one can assume the role"
        ));
    }
    let mut operators = Vec::new();
    let mut principals = Vec::new();
    for statement in &doc.statements {
        for condition in &statement.conditions {
            if !is_known_operator(&condition.operator) {
                operators.push(format!(
                    "role `{role_arn}`: statement #{}: unknown condition operator `{}` (IAM would refuse it); it is never read as an MFA gate",
                    statement.index,
                    show(&condition.operator)
                ));
            }
        }
        if statement.effect != Effect::Allow {
            continue;
        }
        if let Some(Principal::Keyed(entries)) = &statement.principal {
            for (key, value) in entries {
                if *key == PrincipalKey::Aws
                    && classify_principal(key, value, role_arn).kind == PrincipalKind::Other
                {
                    principals.push(format!(
                        "role `{role_arn}`: statement #{}: principal `{}` is neither `*`, an account id nor an IAM account, user or role ARN; read as kind `other`, which no built-in control judges",
                        statement.index,
                        show(value)
                    ));
                }
            }
        }
    }
    out.extend(capped(
        operators,
        &format!("role `{role_arn}`: unknown condition operators"),
    ));
    out.extend(capped(
        principals,
        &format!("role `{role_arn}`: principals that are not ARNs"),
    ));
    out
}

/// IAM's condition operators: the base names, each (but `Null`) also with
/// `IfExists`, all optionally behind `ForAllValues:`/`ForAnyValue:`.
/// Compared case-insensitively, as IAM does.
fn is_known_operator(operator: &str) -> bool {
    const BASE: [&str; 27] = [
        "stringequals",
        "stringnotequals",
        "stringequalsignorecase",
        "stringnotequalsignorecase",
        "stringlike",
        "stringnotlike",
        "numericequals",
        "numericnotequals",
        "numericlessthan",
        "numericlessthanequals",
        "numericgreaterthan",
        "numericgreaterthanequals",
        "dateequals",
        "datenotequals",
        "datelessthan",
        "datelessthanequals",
        "dategreaterthan",
        "dategreaterthanequals",
        "bool",
        "binaryequals",
        "ipaddress",
        "notipaddress",
        "arnequals",
        "arnlike",
        "arnnotequals",
        "arnnotlike",
        "null",
    ];
    let lower = operator.to_ascii_lowercase();
    let unprefixed = lower
        .strip_prefix("forallvalues:")
        .or_else(|| lower.strip_prefix("foranyvalue:"))
        .unwrap_or(&lower);
    let base = match unprefixed.strip_suffix("ifexists") {
        Some(b) if b != "null" => b,
        _ => unprefixed,
    };
    BASE.contains(&base)
}

fn capped(mut found: Vec<String>, what: &str) -> Vec<String> {
    if found.len() > MAX_PER_KIND {
        let rest = found.len() - MAX_PER_KIND;
        found.truncate(MAX_PER_KIND);
        found.push(format!("{what}: {rest} more not listed"));
    }
    found
}

/// A value made safe to print between backticks: control characters
/// escaped, long values shortened.
fn show(value: &str) -> String {
    let mut out: String = value
        .chars()
        .take(80)
        .flat_map(char::escape_debug)
        .collect();
    if value.chars().nth(80).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators() {
        for known in [
            "StringEquals",
            "stringlikeifexists",
            "ForAnyValue:StringLike",
            "ForAllValues:ArnNotLikeIfExists",
            "Bool",
            "BoolIfExists",
            "Null",
            "NumericLessThanEqualsIfExists",
        ] {
            assert!(is_known_operator(known), "{known}");
        }
        for unknown in [
            "BoolEqualsMaybe",
            "NullIfExists",
            "ForSomeValues:Bool",
            "",
            "IfExists",
        ] {
            assert!(!is_known_operator(unknown), "{unknown}");
        }
    }

    #[test]
    fn capped_counts_the_rest() {
        let found: Vec<String> = (0..12).map(|i| i.to_string()).collect();
        let out = capped(found, "x");
        assert_eq!(out.len(), 11);
        assert_eq!(out[10], "x: 2 more not listed");
    }
}
