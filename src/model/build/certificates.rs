//! IAM server certificates (`list-server-certificates`): one entity and one
//! `Review` each.

use super::Builder;
use crate::error::Error;
use crate::evidence::EvidenceKind;
use crate::model::cedar::{self, Type};

impl Builder<'_> {
    pub(super) fn server_certificates(&mut self) -> Result<(), Error> {
        let Some(list) = &self.snapshot.server_certificates else {
            return Ok(());
        };
        for c in &list.certificates {
            let uid = Type::ServerCertificate.uid(&c.arn);
            // Whether it has expired is the one fact that needs the as-of
            // time; without one it is `false` and the control, which reads
            // `context.as_of` too, is not evaluated.
            let expired = self.as_of.time.is_some_and(|now| c.expiration < now);
            let mut a = self.attrs(Type::ServerCertificate);
            a.put_str("arn", &c.arn)
                .put_str("name", &c.name)
                .put_str("path", &c.path)
                .put_str("certificate_id", &c.id)
                .put_time("uploaded", c.uploaded)
                .put_time("expiration", Some(c.expiration))
                .put("expired", cedar::boolean(expired));
            let parents = self.account_parent(&c.arn);
            self.entity(uid, a, &parents)?;
            let message = format!(
                "server certificate `{}`, uploaded {}, expires {}",
                c.name,
                c.uploaded
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "at an unknown time".into()),
                c.expiration
            );
            self.review_entry(
                Type::ServerCertificate,
                &c.arn,
                (EvidenceKind::ServerCertificates, &c.file, &c.pointer),
                message,
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{attr, model, request};
    use super::*;
    use crate::evidence::server_certificates::{merge_pages, parse};
    use crate::evidence::snapshot::Snapshot;
    use serde_json::json;

    const CERT: &str = "arn:aws:iam::123456789012:server-certificate/web";

    fn snapshot(expiration: &str) -> Snapshot {
        let page = parse(
            "certs.json",
            &json!({"ServerCertificateMetadataList": [{
                "Path": "/", "ServerCertificateName": "web", "ServerCertificateId": "ASCA1",
                "Arn": CERT, "UploadDate": "2024-01-01T00:00:00Z", "Expiration": expiration
            }]}),
        )
        .expect("a page");
        Snapshot {
            server_certificates: Some(merge_pages(vec![page]).expect("complete")),
            ..Default::default()
        }
    }

    #[test]
    fn a_certificate_is_expired_only_after_its_expiration() {
        // The model's as-of time is 2026-01-01T00:00:00Z.
        let m = model(&snapshot("2025-12-31T23:59:59Z"));
        assert_eq!(
            attr(&m, Type::ServerCertificate, CERT, "expired").as_deref(),
            Some("true")
        );
        let m = model(&snapshot("2026-01-01T00:00:00Z"));
        assert_eq!(
            attr(&m, Type::ServerCertificate, CERT, "expired").as_deref(),
            Some("false")
        );
        let review = request(&m, &format!("{CERT}/review"));
        let at = review.location.as_deref().expect("located");
        assert_eq!(at.file, "certs.json");
        assert_eq!(
            at.pointer.as_deref(),
            Some("/ServerCertificateMetadataList/0")
        );
    }
}
