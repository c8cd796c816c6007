//! `aws iam list-server-certificates`: the account's IAM server certificates
//! (TLS certificates for load balancers and CloudFront, uploaded to IAM),
//! with their expiration. An optional export: without it the certificate
//! control is not evaluated.
//!
//! The list is paginated like `get-account-authorization-details`: every
//! page but the last says `IsTruncated: true`. [`merge_pages`] joins the
//! pages of one snapshot and refuses a list that cannot be complete.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{InputError, Location};
use crate::evidence::time::Timestamp;

/// One certificate's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerCertificate {
    /// The file and the JSON pointer of its entry, for locations.
    pub file: String,
    pub pointer: String,
    pub name: String,
    pub arn: String,
    pub path: String,
    pub id: String,
    pub uploaded: Option<Timestamp>,
    pub expiration: Timestamp,
}

/// One page of the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerCertificatePage {
    pub file: String,
    /// `IsTruncated: true`: more pages follow.
    pub truncated: bool,
    pub certificates: Vec<ServerCertificate>,
}

impl ServerCertificatePage {
    /// The same list, whatever file holds it.
    fn same_content(&self, other: &ServerCertificatePage) -> bool {
        let facts = |p: &ServerCertificatePage| -> Vec<(String, String, String, String, Option<Timestamp>, Timestamp)> {
            p.certificates
                .iter()
                .map(|c| (c.arn.clone(), c.name.clone(), c.path.clone(), c.id.clone(), c.uploaded, c.expiration))
                .collect()
        };
        self.truncated == other.truncated && facts(self) == facts(other)
    }
}

/// Every page of one snapshot, merged.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServerCertificates {
    pub certificates: Vec<ServerCertificate>,
}

pub fn looks_like_list(value: &Value) -> bool {
    value.get("ServerCertificateMetadataList").is_some()
}

/// Reads a page whose shape the JSON Schema already accepted; a time that
/// does not parse is an error at its pointer.
pub fn parse(file: &str, value: &Value) -> Result<ServerCertificatePage, InputError> {
    const LIST: &str = "/ServerCertificateMetadataList";
    let items = value
        .get("ServerCertificateMetadataList")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            InputError::new(file, Location::Pointer(LIST.into()), "expected an array")
        })?;
    let mut certificates = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let pointer = format!("{LIST}/{i}");
        let at = |key: &str| Location::Pointer(format!("{pointer}/{key}"));
        let text = |key: &str| -> Result<String, InputError> {
            match item.get(key) {
                Some(Value::String(s)) => Ok(s.clone()),
                None => Ok(String::new()),
                Some(_) => Err(InputError::new(file, at(key), "expected a string")),
            }
        };
        let time = |key: &str| -> Result<Option<Timestamp>, InputError> {
            match item.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Timestamp::parse(s)
                    .map(Some)
                    .map_err(|e| InputError::new(file, at(key), e)),
                Some(_) => Err(InputError::new(file, at(key), "expected a string")),
            }
        };
        let arn = text("Arn")?;
        if arn.is_empty() {
            return Err(InputError::new(
                file,
                at("Arn"),
                "expected a certificate ARN, not an empty string",
            ));
        }
        let expiration = time("Expiration")?.ok_or_else(|| {
            InputError::new(
                file,
                at("Expiration"),
                "expected the certificate's expiration time",
            )
        })?;
        certificates.push(ServerCertificate {
            file: file.to_string(),
            name: text("ServerCertificateName")?,
            path: text("Path")?,
            id: text("ServerCertificateId")?,
            uploaded: time("UploadDate")?,
            expiration,
            arn,
            pointer,
        });
    }
    let truncated = value.get("IsTruncated").and_then(Value::as_bool) == Some(true);
    Ok(ServerCertificatePage {
        file: file.to_string(),
        truncated,
        certificates,
    })
}

/// Joins the pages of one snapshot. Exactly one page may lack
/// `IsTruncated: true` (the last); pages that all say more follow are an
/// incomplete list, and a certificate listed twice is an error naming both
/// places.
pub fn merge_pages(
    mut pages: Vec<ServerCertificatePage>,
) -> Result<ServerCertificates, Vec<InputError>> {
    pages.sort_by(|a, b| a.file.cmp(&b.file));
    // The same page saved twice (under two names) is one page.
    let mut kept: Vec<ServerCertificatePage> = Vec::with_capacity(pages.len());
    for page in pages {
        if !kept.iter().any(|k| k.same_content(&page)) {
            kept.push(page);
        }
    }
    let pages = kept;
    let last: Vec<&ServerCertificatePage> = pages.iter().filter(|p| !p.truncated).collect();
    if last.is_empty() {
        let files: Vec<String> = pages.iter().map(|p| format!("`{}`", p.file)).collect();
        // No page at all is no list either: an error, never an empty list
        // that would pass (the snapshot calls this only with pages).
        let first = pages.first().map(|p| p.file.clone()).unwrap_or_default();
        return Err(vec![InputError::new(
            first,
            Location::Pointer("/IsTruncated".into()),
            format!(
                "the server certificate list is incomplete: every page ({}) says `IsTruncated: true`, so the last page is missing (export every page: `aws iam list-server-certificates` without `--max-items`)",
                files.join(", ")
            ),
        )]);
    }
    if last.len() > 1 {
        return Err(vec![InputError::new(
            &last[1].file,
            Location::Pointer("/IsTruncated".into()),
            format!(
                "two server certificate pages (`{}` and `{}`) both say they are the last (no `IsTruncated: true`); a snapshot holds one export",
                last[0].file, last[1].file
            ),
        )]);
    }
    let mut seen: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut errors = Vec::new();
    let mut certificates = Vec::new();
    for page in pages {
        for c in page.certificates {
            if let Some((file, pointer)) = seen.get(&c.arn) {
                errors.push(InputError::new(
                    &c.file,
                    Location::Pointer(c.pointer.clone()),
                    format!(
                        "server certificate `{}` is listed twice: also at `{file}` `{pointer}`",
                        c.arn
                    ),
                ));
                continue;
            }
            seen.insert(c.arn.clone(), (c.file.clone(), c.pointer.clone()));
            certificates.push(c);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    certificates.sort_by(|a, b| a.arn.cmp(&b.arn));
    Ok(ServerCertificates { certificates })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cert(name: &str, expiration: &str) -> Value {
        json!({
            "Path": "/",
            "ServerCertificateName": name,
            "ServerCertificateId": "ASCAEXAMPLE",
            "Arn": format!("arn:aws:iam::123456789012:server-certificate/{name}"),
            "UploadDate": "2024-01-01T00:00:00Z",
            "Expiration": expiration
        })
    }

    #[test]
    fn reads_a_page() {
        let page = parse(
            "c.json",
            &json!({"ServerCertificateMetadataList": [cert("web", "2027-01-01T00:00:00Z")], "IsTruncated": false}),
        )
        .unwrap();
        assert!(!page.truncated);
        let c = &page.certificates[0];
        assert_eq!(c.name, "web");
        assert_eq!(c.pointer, "/ServerCertificateMetadataList/0");
        assert_eq!(
            c.expiration,
            Timestamp::parse("2027-01-01T00:00:00Z").unwrap()
        );
    }

    #[test]
    fn a_bad_expiration_names_its_pointer() {
        let err = parse(
            "c.json",
            &json!({"ServerCertificateMetadataList": [cert("a", "2027-01-01T00:00:00Z"), cert("b", "soon")]}),
        )
        .unwrap_err();
        assert_eq!(
            err.location,
            Location::Pointer("/ServerCertificateMetadataList/1/Expiration".into())
        );
    }

    #[test]
    fn pages_merge_and_an_incomplete_list_is_refused() {
        let page = |file: &str, name: &str, truncated: bool| ServerCertificatePage {
            file: file.into(),
            truncated,
            certificates: parse(
                file,
                &json!({"ServerCertificateMetadataList": [cert(name, "2027-01-01T00:00:00Z")]}),
            )
            .unwrap()
            .certificates,
        };
        let merged =
            merge_pages(vec![page("2.json", "b", false), page("1.json", "a", true)]).unwrap();
        assert_eq!(merged.certificates.len(), 2);
        // No page is an error, not an empty list that would pass.
        assert!(merge_pages(Vec::new()).is_err());
        let err = merge_pages(vec![page("1.json", "a", true)]).unwrap_err();
        assert!(err[0].message.contains("IsTruncated"), "{}", err[0].message);
        let err =
            merge_pages(vec![page("1.json", "a", false), page("2.json", "b", false)]).unwrap_err();
        assert!(
            err[0].message.contains("both say they are the last"),
            "{}",
            err[0].message
        );
        let same =
            merge_pages(vec![page("1.json", "a", false), page("2.json", "a", false)]).unwrap();
        assert_eq!(same.certificates.len(), 1);
        let err =
            merge_pages(vec![page("1.json", "a", true), page("2.json", "a", false)]).unwrap_err();
        assert!(
            err[0].message.contains("listed twice"),
            "{}",
            err[0].message
        );
    }
}
