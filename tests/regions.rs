//! Evidence locations down to the line, in every format: a result whose
//! location is a JSON pointer (an authorization-details entry, a trust
//! statement, `/SummaryMap`, `/PasswordPolicy`, a credential report
//! envelope's `/Content`) carries the 1-based line where the pointer's value
//! starts in the file, and SARIF gives it as `region.startLine`.
//!
//! Each expected line is computed here independently of the tool: the
//! fixture's text is walked down the pointer with `serde_json`'s borrowed
//! raw values, and the line is counted up to where the value's text starts
//! (for a pointer into a value the file holds as one string, such as a
//! statement of a URL-encoded trust policy, the deepest value the file does
//! hold). Also here: the rules' `helpUri` from `@reference`, the driver's
//! `informationUri`, and `@reference` checked at load.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::*;
use serde_json::value::RawValue;
use serde_json::Value;

/// 1-based line of byte `offset` of `text`; a line ends at LF, CRLF or a
/// lone CR.
fn line_at(text: &str, offset: usize) -> u64 {
    let before = &text.as_bytes()[..offset];
    let breaks = before
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && before.get(i + 1) != Some(&b'\n')))
        .count();
    breaks as u64 + 1
}

/// The line where the value at `pointer` starts in JSON `text`, walking
/// down as far as the file's own JSON goes.
fn expected_line(text: &str, pointer: &str) -> u64 {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut raw: &RawValue = serde_json::from_str(body).expect("the fixture is JSON");
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let next = match raw.get().trim_start().as_bytes().first() {
            Some(b'{') => serde_json::from_str::<BTreeMap<String, &RawValue>>(raw.get())
                .unwrap()
                .get(&token)
                .copied(),
            Some(b'[') => token.parse::<usize>().ok().and_then(|i| {
                serde_json::from_str::<Vec<&RawValue>>(raw.get())
                    .unwrap()
                    .get(i)
                    .copied()
            }),
            _ => None,
        };
        match next {
            Some(n) => raw = n,
            None => break,
        }
    }
    let offset = raw.get().as_ptr() as usize - text.as_ptr() as usize;
    line_at(text, offset)
}

/// What kind of place a pointer names, for counting what the tests cover.
fn kind_of(pointer: &str) -> &'static str {
    let tail = match pointer.strip_prefix('/').map(|p| p.split_once('/')) {
        Some(Some((first, rest))) if first.parse::<usize>().is_ok() => format!("/{rest}"),
        _ => pointer.to_string(),
    };
    if tail.contains("/Statement/") {
        "trust statement"
    } else if tail.ends_with("/AssumeRolePolicyDocument") {
        "trust policy"
    } else if tail.starts_with("/UserDetailList/") {
        "user entry"
    } else if tail.starts_with("/RoleDetailList/") {
        "role entry"
    } else if tail.starts_with("/GroupDetailList/") {
        "group entry"
    } else if tail.starts_with("/Policies/") {
        "policy entry"
    } else if tail.starts_with("/ServerCertificateMetadataList/") {
        "server certificate entry"
    } else {
        match tail.as_str() {
            "/Content" => "envelope",
            "/SummaryMap" => "account summary",
            "/PasswordPolicy" | "/Error" => "password policy",
            _ => "other",
        }
    }
}

/// Checks every located result of the JSON report of `folder` (evaluated
/// with `extra` arguments) against the files, and its SARIF region; returns
/// how many results of each kind were checked.
fn check_folder(folder: &Path, extra: &[&str]) -> BTreeMap<&'static str, usize> {
    let path = folder.to_str().unwrap();
    let mut args = vec!["evaluate", path, "--format", "json"];
    args.extend(extra);
    let out = run(&args);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{path}: {}",
        stderr(&out)
    );
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_valid_report(&report);
    args[3] = "sarif";
    let sarif: Value = serde_json::from_str(&stdout(&run(&args))).unwrap();
    let regions: BTreeMap<&str, &Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["partialFingerprints"]["iamAuditResultId/v1"]
                    .as_str()
                    .unwrap(),
                &r["locations"][0]["physicalLocation"],
            )
        })
        .collect();
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    let mut seen: BTreeMap<&'static str, usize> = BTreeMap::new();
    for r in report["results"].as_array().unwrap() {
        let Some(pointer) = r["location"]["pointer"].as_str() else {
            continue;
        };
        let file = r["location"]["file"].as_str().unwrap();
        let text = texts.entry(file.to_string()).or_insert_with(|| {
            let bytes = std::fs::read(folder.join(file)).unwrap();
            decode(&bytes)
        });
        let want = expected_line(text, pointer);
        assert_eq!(
            r["location"]["line"].as_u64(),
            Some(want),
            "{path}: {} at {file}#{pointer}",
            r["id"]
        );
        *seen.entry(kind_of(pointer)).or_default() += 1;
        if let Some(physical) = regions.get(r["id"].as_str().unwrap()) {
            assert_eq!(physical["region"]["startLine"].as_u64(), Some(want));
            assert_eq!(
                physical["artifactLocation"]["uri"].as_str().unwrap(),
                file.replace(' ', "%20")
            );
        }
    }
    seen
}

/// A file's text: UTF-16 with a byte order mark decoded, else UTF-8.
fn decode(bytes: &[u8]) -> String {
    match bytes {
        [0xFF, 0xFE, rest @ ..] => {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).unwrap()
        }
        _ => String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

#[test]
fn every_json_location_carries_the_line_where_its_value_starts() {
    let mut seen: BTreeMap<&'static str, usize> = BTreeMap::new();
    for folder in [
        "snapshots/demo",
        "snapshots/compliant",
        "snapshots/org",
        "tests/fixtures/hostile-names",
        "tests/fixtures/paged",
        "tests/fixtures/cis-rich",
        "tests/fixtures/cis-summary-only",
        "tests/fixtures/trust-matrix",
        "tests/fixtures/envelope-decoded",
    ] {
        for (kind, n) in check_folder(&root().join(folder), &[]) {
            *seen.entry(kind).or_default() += n;
        }
    }
    let kinds: BTreeSet<&str> = seen.keys().copied().collect();
    for kind in [
        "user entry",
        "role entry",
        "group entry",
        "policy entry",
        "server certificate entry",
        "trust policy",
        "trust statement",
        "envelope",
        "account summary",
        "password policy",
    ] {
        assert!(
            kinds.contains(kind),
            "no `{kind}` location checked: {seen:?}"
        );
    }
    assert!(!kinds.contains("other"), "{seen:?}");
}

#[test]
fn an_envelope_row_points_at_the_line_of_content() {
    let report = json_report(&["snapshots/org"]).1;
    let text = std::fs::read_to_string(
        root().join("snapshots/org/111111111111-prod/credential-report.json"),
    )
    .unwrap();
    let content_line = line_at(&text, text.find("\"Content\"").unwrap());
    let mut checked = 0;
    for r in report["results"].as_array().unwrap() {
        if r["location"]["file"] == "111111111111-prod/credential-report.json" {
            assert_eq!(r["location"]["pointer"], "/Content");
            assert_eq!(r["location"]["line"].as_u64(), Some(content_line));
            checked += 1;
        }
    }
    assert!(checked > 0);
    // The CSV has it in its `evidence_line` column.
    let csv = stdout(&run(&["evaluate", "snapshots/org", "--format", "csv"]));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (file, line) = (column("evidence_file"), column("evidence_line"));
    let rows = reader
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[file] == "111111111111-prod/credential-report.json")
        .inspect(|r| assert_eq!(r[line], content_line.to_string()))
        .count();
    assert_eq!(rows, checked);
}

#[test]
fn organization_paths_page_arrays_utf16_and_escaped_keys_keep_their_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let org = tmp.path().join("org");
    copy_tree(&root().join("snapshots/org"), &org);

    // One account's authorization details become an array of two pages
    // (pointers start `/0`, `/1`), with keys written with JSON escapes.
    let a = org.join("111111111111-prod/authorization-details.json");
    let page: Value = serde_json::from_str(&std::fs::read_to_string(&a).unwrap()).unwrap();
    let mut first = page.clone();
    let mut second = serde_json::json!({ "IsTruncated": false });
    for list in ["RoleDetailList", "Policies"] {
        if let Some(v) = first.as_object_mut().unwrap().remove(list) {
            second[list] = v;
        }
    }
    first["IsTruncated"] = true.into();
    first["Marker"] = "next".into();
    let text = serde_json::to_string_pretty(&serde_json::json!([first, second]))
        .unwrap()
        .replace(
            "\"AssumeRolePolicyDocument\"",
            "\"Assume\\u0052olePolicyDocument\"",
        )
        .replace("\"UserDetailList\"", "\"User\\u0044etailList\"");
    assert!(text.contains("\\u0052") && text.contains("\\u0044"));
    std::fs::write(&a, text).unwrap();

    // The other's are UTF-16 with a byte order mark and CRLF line ends.
    let b = org.join("222222222222-dev/authorization-details.json");
    let original = std::fs::read_to_string(&b).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        original
            .replace('\n', "\r\n")
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    std::fs::write(&b, utf16).unwrap();

    let seen = check_folder(&org, &[]);
    for kind in ["user entry", "role entry", "envelope"] {
        assert!(seen.contains_key(kind), "no `{kind}` location: {seen:?}");
    }
    // The paths carry the account folder, and the array's pointers the page.
    let report = json_report(&[org.to_str().unwrap()]).1;
    let located = |report: &Value, file: &str| -> BTreeMap<String, u64> {
        report["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["location"]["file"] == file)
            .filter_map(|r| {
                Some((
                    r["location"]["pointer"].as_str()?.to_string(),
                    r["location"]["line"].as_u64()?,
                ))
            })
            .collect()
    };
    let array = located(&report, "111111111111-prod/authorization-details.json");
    assert!(
        array.keys().any(|p| p.starts_with("/0/UserDetailList/")),
        "{array:?}"
    );
    assert!(
        array.keys().any(|p| p.starts_with("/1/RoleDetailList/")),
        "{array:?}"
    );
    // UTF-16 changes no line: the same pointers, the lines of the original.
    let dev = "222222222222-dev/authorization-details.json";
    let utf16_lines = located(&report, dev);
    assert!(utf16_lines.len() > 1, "{utf16_lines:?}");
    assert_eq!(
        utf16_lines,
        located(&json_report(&["snapshots/org"]).1, dev)
    );
}

#[test]
fn rules_link_their_reference_and_the_driver_invents_no_address() {
    let log: Value = serde_json::from_str(&stdout(&run(&[
        "evaluate",
        "snapshots/demo",
        "--format",
        "sarif",
    ])))
    .unwrap();
    let driver = &log["runs"][0]["tool"]["driver"];
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 21);
    let policies: Value =
        serde_json::from_str(&stdout(&run(&["policies", "--format", "json"]))).unwrap();
    let references: BTreeMap<&str, &str> = policies
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["reference"].as_str().unwrap()))
        .collect();
    for rule in rules {
        let uri = rule["helpUri"]
            .as_str()
            .unwrap_or_else(|| panic!("{} has no helpUri", rule["id"]));
        assert!(uri.starts_with("https://docs.aws.amazon.com/"), "{uri}");
        assert!(!uri.contains(char::is_whitespace));
        assert_eq!(references[rule["id"].as_str().unwrap()], uri);
    }
    // GitHub shows `help.markdown`, not `helpUri`: the reference ends it.
    for rule in rules {
        let markdown = rule["help"]["markdown"].as_str().unwrap();
        assert!(markdown.starts_with(rule["help"]["text"].as_str().unwrap()));
        assert!(
            markdown.ends_with(&format!(
                "Reference: <{}>",
                rule["helpUri"].as_str().unwrap()
            )),
            "{markdown}"
        );
    }
    // The one fingerprint GitHub reads follows the result id: 16 hex
    // digits and `:1`, one per result.
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let hashes: BTreeSet<&str> = results
        .iter()
        .map(|r| {
            let hash = r["partialFingerprints"]["primaryLocationLineHash"]
                .as_str()
                .unwrap();
            let (hex, n) = hash.split_once(':').unwrap();
            assert_eq!(n, "1");
            assert_eq!(hex.len(), 16);
            assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
            hash
        })
        .collect();
    assert_eq!(hashes.len(), results.len());
    // The Security Hub control each CIS control maps to.
    let by_id: BTreeMap<&str, &str> = rules
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["helpUri"].as_str().unwrap()))
        .collect();
    assert!(by_id["console-password-requires-mfa"].ends_with("iam-controls.html#iam-5"));
    assert!(by_id["root-hardware-mfa"].ends_with("iam-controls.html#iam-6"));
    // The JSON report's policies carry it too.
    let report = json_report(&["snapshots/demo"]).1;
    for p in report["policies"].as_array().unwrap() {
        assert_eq!(
            p["reference"].as_str(),
            Some(references[p["id"].as_str().unwrap()])
        );
    }
    // The package names no homepage or repository, so there is no
    // `informationUri`; a distributor's build that sets one shows it.
    match [
        option_env!("CARGO_PKG_HOMEPAGE"),
        option_env!("CARGO_PKG_REPOSITORY"),
    ]
    .into_iter()
    .flatten()
    .find(|u| !u.is_empty())
    {
        None => assert!(driver.get("informationUri").is_none(), "{driver}"),
        Some(uri) => assert_eq!(driver["informationUri"], uri),
    }
}

#[test]
fn a_reference_that_is_no_absolute_https_url_is_a_load_error_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    for bad in [
        "http://docs.aws.amazon.com/x",
        "docs.aws.amazon.com/x",
        "https://",
        "https://exa mple.com/",
        "https://example.com/a b",
        "https://example.com/\"><script>",
        "javascript:alert(1)",
    ] {
        let file = tmp.path().join("custom.cedar");
        std::fs::write(
            &file,
            format!(
                "@id(\"custom-ref\")\n@title(\"t\")\n@severity(\"low\")\n@version(\"1.0.0\")\n@reference(\"{}\")\nforbid (principal, action, resource);\n",
                bad.replace('"', "\\\"")
            ),
        )
        .unwrap();
        let out = run(&["validate", "--policies", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = stderr(&out);
        assert!(err.contains("is not an absolute https URL"), "{bad}: {err}");
        assert!(err.contains("custom.cedar:5:"), "{bad}: {err}");
    }
    let file = tmp.path().join("good.cedar");
    std::fs::write(
        &file,
        "@id(\"custom-ref\")\n@title(\"t\")\n@severity(\"low\")\n@version(\"1.0.0\")\n@reference(\"https://example.com:8443/a/b?c=d#e\")\nforbid (principal, action, resource);\n",
    )
    .unwrap();
    let out = run(&["validate", "--policies", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
