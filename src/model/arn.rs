//! ARNs and account ids, read one way for the whole model: the builder
//! (accounts of identities, AWS managed policy names) and the trust analysis
//! (principals of trust policies) must agree on what an ARN's account is.

/// The parts of an ARN: `arn:partition:service:region:account:resource`;
/// the resource may hold further colons (and slashes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// The parts of `text`, or `None` when it is not `arn:` followed by
    /// five colon-separated fields (any of which may be empty).
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        let mut parts = text.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        let partition = parts.next()?;
        let service = parts.next()?;
        let _region = parts.next()?;
        let account = parts.next()?;
        let resource = parts.next()?;
        Some(Arn {
            partition,
            service,
            account,
            resource,
        })
    }
}

/// The account of an ARN, `""` when `text` is not an ARN (an attribute
/// that is always set, empty when unknown).
pub fn account_of(text: &str) -> &str {
    Arn::parse(text).map(|a| a.account).unwrap_or("")
}

/// Whether `text` is an AWS account id: exactly twelve ASCII digits.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resource_keeps_its_colons_and_slashes() {
        let arn = Arn::parse("arn:aws:sts::123456789012:assumed-role/r/s:x").expect("an ARN");
        assert_eq!(
            arn,
            Arn {
                partition: "aws",
                service: "sts",
                account: "123456789012",
                resource: "assumed-role/r/s:x",
            }
        );
    }

    #[test]
    fn empty_fields_are_kept_and_missing_ones_refused() {
        let arn = Arn::parse("arn:aws-cn:iam::aws:policy/AWSSupportAccess").expect("an ARN");
        assert_eq!(arn.partition, "aws-cn");
        assert_eq!(arn.account, "aws");
        assert_eq!(arn.resource, "policy/AWSSupportAccess");
        assert_eq!(Arn::parse("arn:::::").map(|a| a.resource), Some(""));
        assert_eq!(Arn::parse("arn:aws:iam::123456789012"), None);
        assert_eq!(Arn::parse("ARN:aws:iam::123456789012:root"), None);
        assert_eq!(Arn::parse("123456789012"), None);
    }

    #[test]
    fn account_of_is_empty_for_what_is_not_an_arn() {
        assert_eq!(
            account_of("arn:aws:iam::123456789012:user/a"),
            "123456789012"
        );
        assert_eq!(account_of("AIDAEXAMPLE"), "");
    }

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(is_account_id("123456789012"));
        assert!(!is_account_id("12345678901"));
        assert!(!is_account_id("1234567890123"));
        assert!(!is_account_id("12345678901a"));
        assert!(!is_account_id("aws"));
        // Non-ASCII digits are not account ids, whatever their byte length.
        assert!(!is_account_id("١٢٣٤٥٦"));
    }
}
