//! IAM's condition logic, as far as a trust policy's MFA verdict needs it:
//! what one condition does for each kind of request that can assume a
//! role, knowing only the MFA keys (docs/mfa-semantics.md has the table).
//!
//! A request from an AWS principal is one of three kinds:
//! - signed with long-term access keys: `aws:MultiFactorAuthPresent` and
//!   `aws:MultiFactorAuthAge` are both absent;
//! - signed with temporary credentials obtained without MFA: `Present` is
//!   `false`, the age absent;
//! - made after MFA: `Present` is `true`, the age some number of seconds.
//!
//! Every other key is unknown to the evidence, so a condition on one may or
//! may not hold ([`Truth::Unknown`]): it never makes a gate, and it keeps a
//! `Deny` from being sure to apply. The rules follow the IAM User Guide's
//! "IAM JSON policy elements: Condition operators" (operators, `...IfExists`,
//! the `Null` check), "Condition keys with multiple values" (`ForAllValues:`
//! and `ForAnyValue:`, including an absent key) and "Creating a condition
//! with multiple keys or values" (values OR'd, keys and operators AND'd).

/// The MFA condition keys, lowercased (IAM compares key names
/// case-insensitively).
pub const KEY_MFA_PRESENT: &str = "aws:multifactorauthpresent";
pub const KEY_MFA_AGE: &str = "aws:multifactorauthage";

/// A kind of request that can assume a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// Long-term access keys: both MFA keys absent.
    LongTermKeys,
    /// Temporary credentials obtained without MFA: `Present` is `false`.
    TemporaryWithoutMfa,
    /// After MFA: `Present` is `true`, the age a number not known here.
    WithMfa,
}

impl RequestKind {
    pub const ALL: [RequestKind; 3] = [
        RequestKind::LongTermKeys,
        RequestKind::TemporaryWithoutMfa,
        RequestKind::WithMfa,
    ];
}

/// What a condition is for a kind of request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    True,
    False,
    /// It turns on a key the evidence does not know, or on an operator IAM
    /// does not define.
    Unknown,
}

/// A key's value in a kind of request, as far as it is known.
enum Value {
    Absent,
    Text(&'static str),
    /// Present, but its value is not known (the MFA age after MFA).
    SomeNumber,
    /// A key other than the MFA keys: anything, or absent.
    Unknown,
}

fn value_of(key: &str, kind: RequestKind) -> Value {
    match (key, kind) {
        (KEY_MFA_PRESENT, RequestKind::LongTermKeys) => Value::Absent,
        (KEY_MFA_PRESENT, RequestKind::TemporaryWithoutMfa) => Value::Text("false"),
        (KEY_MFA_PRESENT, RequestKind::WithMfa) => Value::Text("true"),
        (KEY_MFA_AGE, RequestKind::WithMfa) => Value::SomeNumber,
        (KEY_MFA_AGE, _) => Value::Absent,
        _ => Value::Unknown,
    }
}

/// The type an operator compares values as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
}

/// A condition operator, parsed: its comparison, whether it is negated,
/// and its `...IfExists` and set prefixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Operator {
    family: Family,
    compare: Compare,
    negated: bool,
    if_exists: bool,
    set: Option<SetPrefix>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compare {
    Equals,
    EqualsIgnoreCase,
    Like,
    LessThan,
    LessThanEquals,
    GreaterThan,
    GreaterThanEquals,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetPrefix {
    ForAllValues,
    ForAnyValue,
}

/// The operators IAM defines (names compared case-insensitively), or
/// `None` for `Null` (see [`evaluate`]) and for anything else.
fn parse_operator(name: &str) -> Option<Operator> {
    let lower = name.to_ascii_lowercase();
    let (set, rest) = if let Some(r) = lower.strip_prefix("forallvalues:") {
        (Some(SetPrefix::ForAllValues), r)
    } else if let Some(r) = lower.strip_prefix("foranyvalue:") {
        (Some(SetPrefix::ForAnyValue), r)
    } else {
        (None, lower.as_str())
    };
    let (if_exists, base) = match rest.strip_suffix("ifexists") {
        Some(b) => (true, b),
        None => (false, rest),
    };
    use Compare::*;
    use Family::*;
    let (family, compare, negated) = match base {
        "stringequals" => (String, Equals, false),
        "stringnotequals" => (String, Equals, true),
        "stringequalsignorecase" => (String, EqualsIgnoreCase, false),
        "stringnotequalsignorecase" => (String, EqualsIgnoreCase, true),
        "stringlike" => (String, Like, false),
        "stringnotlike" => (String, Like, true),
        "numericequals" => (Numeric, Equals, false),
        "numericnotequals" => (Numeric, Equals, true),
        "numericlessthan" => (Numeric, LessThan, false),
        "numericlessthanequals" => (Numeric, LessThanEquals, false),
        "numericgreaterthan" => (Numeric, GreaterThan, false),
        "numericgreaterthanequals" => (Numeric, GreaterThanEquals, false),
        "dateequals" => (Date, Equals, false),
        "datenotequals" => (Date, Equals, true),
        "datelessthan" => (Date, LessThan, false),
        "datelessthanequals" => (Date, LessThanEquals, false),
        "dategreaterthan" => (Date, GreaterThan, false),
        "dategreaterthanequals" => (Date, GreaterThanEquals, false),
        "bool" => (Bool, Equals, false),
        "binaryequals" => (Binary, Equals, false),
        "ipaddress" => (Ip, Equals, false),
        "notipaddress" => (Ip, Equals, true),
        "arnequals" => (Arn, Equals, false),
        "arnlike" => (Arn, Like, false),
        "arnnotequals" => (Arn, Equals, true),
        "arnnotlike" => (Arn, Like, true),
        _ => return None,
    };
    Some(Operator {
        family,
        compare,
        negated,
        if_exists,
        set,
    })
}

/// Whether `name` is an operator IAM defines (`Null` included).
pub fn is_defined(name: &str) -> bool {
    name.eq_ignore_ascii_case("null") || parse_operator(name).is_some()
}

/// What the condition `{operator: {key: values}}` is for a kind of request.
/// Several values are OR'd (for a negated operator: none may match).
pub fn evaluate(operator: &str, key: &str, values: &[String], kind: RequestKind) -> Truth {
    let key = key.to_ascii_lowercase();
    let value = value_of(&key, kind);
    if matches!(value, Value::Unknown) {
        return Truth::Unknown;
    }
    if operator.eq_ignore_ascii_case("null") {
        // `Null: true` holds when the key is absent, `Null: false` when it
        // is present.
        let present = !matches!(value, Value::Absent);
        let wanted = if present { "false" } else { "true" };
        return truth(values.iter().any(|v| v.eq_ignore_ascii_case(wanted)));
    }
    let Some(op) = parse_operator(operator) else {
        return Truth::Unknown;
    };
    match value {
        Value::Absent => {
            // An absent key: `...IfExists` holds, `ForAllValues:` holds (an
            // empty set), `ForAnyValue:` does not, a negated operator holds
            // (nothing matches), any other does not.
            let holds = op.if_exists
                || op.set == Some(SetPrefix::ForAllValues)
                || (op.set.is_none() && op.negated);
            truth(holds)
        }
        Value::Text(text) => {
            // One value in the request: `ForAllValues:` and `ForAnyValue:`
            // compare it as the plain operator does.
            match matches_any(op, text, values) {
                Some(any) => truth(any != op.negated),
                // A value of the wrong type for the operator never matches.
                None => Truth::False,
            }
        }
        Value::SomeNumber => match (op.family, op.compare) {
            // A bound on the age can go either way; only its type is known.
            (Family::Numeric, _) => Truth::Unknown,
            _ => Truth::False,
        },
        Value::Unknown => Truth::Unknown,
    }
}

fn truth(b: bool) -> Truth {
    if b {
        Truth::True
    } else {
        Truth::False
    }
}

/// Whether `text` (the request's value) matches any of `values` under the
/// operator's comparison, or `None` when `text` is not of the operator's
/// type. A policy value of the wrong type matches nothing.
fn matches_any(op: Operator, text: &str, values: &[String]) -> Option<bool> {
    match op.family {
        Family::String => Some(values.iter().any(|v| match op.compare {
            Compare::EqualsIgnoreCase => v.eq_ignore_ascii_case(text),
            Compare::Like => crate::glob::matches(v, text),
            _ => v == text,
        })),
        Family::Bool => {
            let b = parse_bool(text)?;
            Some(values.iter().any(|v| parse_bool(v) == Some(b)))
        }
        Family::Numeric => {
            let n: f64 = text.trim().parse().ok()?;
            Some(
                values
                    .iter()
                    .filter_map(|v| v.trim().parse::<f64>().ok())
                    .any(|v| match op.compare {
                        Compare::LessThan => n < v,
                        Compare::LessThanEquals => n <= v,
                        Compare::GreaterThan => n > v,
                        Compare::GreaterThanEquals => n >= v,
                        _ => n == v,
                    }),
            )
        }
        // The MFA keys hold a boolean or a number: never a date, binary
        // data, an IP address or an ARN.
        Family::Date | Family::Binary | Family::Ip | Family::Arn => None,
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Truth::*;

    const PRESENT: &str = "aws:MultiFactorAuthPresent";
    const AGE: &str = "aws:MultiFactorAuthAge";

    fn eval(op: &str, key: &str, values: &[&str]) -> [Truth; 3] {
        let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        RequestKind::ALL.map(|kind| evaluate(op, key, &values, kind))
    }

    #[test]
    fn bool_true_refuses_long_term_keys_and_temporary_credentials_without_mfa() {
        assert_eq!(eval("Bool", PRESENT, &["true"]), [False, False, True]);
        assert_eq!(eval("Bool", PRESENT, &["false"]), [False, True, False]);
        assert_eq!(
            eval("Bool", PRESENT, &["true", "false"]),
            [False, True, True]
        );
    }

    #[test]
    fn if_exists_holds_on_an_absent_key() {
        assert_eq!(
            eval("BoolIfExists", PRESENT, &["true"]),
            [True, False, True]
        );
        assert_eq!(
            eval("BoolIfExists", PRESENT, &["false"]),
            [True, True, False]
        );
        assert_eq!(
            eval("NumericLessThanIfExists", AGE, &["3600"]),
            [True, True, Unknown]
        );
    }

    #[test]
    fn string_equals_true_is_a_gate_and_its_negation_is_not() {
        assert_eq!(
            eval("StringEquals", PRESENT, &["true"]),
            [False, False, True]
        );
        assert_eq!(
            eval("StringEquals", PRESENT, &["True"]),
            [False, False, False]
        );
        assert_eq!(
            eval("StringEqualsIgnoreCase", PRESENT, &["TRUE"]),
            [False, False, True]
        );
        assert_eq!(
            eval("StringNotEquals", PRESENT, &["false"]),
            [True, False, True]
        );
        assert_eq!(eval("StringLike", PRESENT, &["t*"]), [False, False, True]);
        assert_eq!(eval("StringNotLike", PRESENT, &["f*"]), [True, False, True]);
    }

    #[test]
    fn null_tests_presence() {
        assert_eq!(eval("Null", PRESENT, &["true"]), [True, False, False]);
        assert_eq!(eval("Null", PRESENT, &["false"]), [False, True, True]);
        assert_eq!(eval("Null", AGE, &["false"]), [False, False, True]);
        assert_eq!(eval("null", AGE, &["true"]), [True, True, False]);
    }

    #[test]
    fn numeric_operators_on_the_age_refuse_an_absent_key() {
        for op in [
            "NumericLessThan",
            "NumericLessThanEquals",
            "NumericGreaterThanEquals",
            "NumericEquals",
        ] {
            assert_eq!(eval(op, AGE, &["3600"]), [False, False, Unknown], "{op}");
        }
        // Negated: nothing matches an absent key, so it holds.
        assert_eq!(eval("NumericNotEquals", AGE, &["0"]), [True, True, Unknown]);
    }

    #[test]
    fn set_prefixes_on_an_absent_key() {
        assert_eq!(
            eval("ForAnyValue:Bool", PRESENT, &["true"]),
            [False, False, True]
        );
        assert_eq!(
            eval("ForAllValues:Bool", PRESENT, &["true"]),
            [True, False, True]
        );
        assert_eq!(
            eval("ForAnyValue:NumericLessThan", AGE, &["3600"]),
            [False, False, Unknown]
        );
        // A negated operator under `ForAnyValue:` still needs a value.
        assert_eq!(
            eval("ForAnyValue:StringNotEquals", PRESENT, &["false"]),
            [False, False, True]
        );
    }

    #[test]
    fn a_value_of_the_wrong_type_never_matches() {
        assert_eq!(
            eval("NumericEquals", PRESENT, &["1"]),
            [False, False, False]
        );
        assert_eq!(eval("Bool", PRESENT, &["yes"]), [False, False, False]);
        assert_eq!(
            eval("DateEquals", PRESENT, &["2026-01-01"]),
            [False, False, False]
        );
        assert_eq!(
            eval("ArnNotEquals", PRESENT, &["arn:aws:iam::1:root"]),
            [True, False, False]
        );
    }

    #[test]
    fn other_keys_and_undefined_operators_are_unknown() {
        assert_eq!(
            eval("StringEquals", "sts:ExternalId", &["x"]),
            [Unknown, Unknown, Unknown]
        );
        assert_eq!(
            eval("BoolEquals", PRESENT, &["true"]),
            [Unknown, Unknown, Unknown]
        );
        assert!(!is_defined("BoolEquals"));
        assert!(is_defined("ForAnyValue:StringLikeIfExists"));
        assert!(is_defined("Null"));
    }

    #[test]
    fn key_and_operator_names_are_case_insensitive() {
        assert_eq!(
            eval("bool", "AWS:MULTIFACTORAUTHPRESENT", &["TRUE"]),
            [False, False, True]
        );
    }
}
