//! Evidence as clients send it, through the real binary: folders with
//! other files in them (documents, images, archives, binary data), stray
//! files at the top of an organization, `--exclude`, `--organization` and
//! `--snapshot`; and an organization in which one account folder cannot be
//! listed or read.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

/// The first bytes of a file of each format that is never evidence.
const OTHER_FORMATS: &[(&str, &[u8])] = &[
    ("request-list.pdf", b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj"),
    ("screenshots.xlsx", b"PK\x03\x04\x14\x00\x06\x00\x08\x00"),
    ("old.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00"),
    ("console.png", b"\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR"),
    ("photo.jpg", b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"),
    ("logo.gif", b"GIF89a\x01\x00\x01\x00"),
    ("backup.json.gz", b"\x1F\x8B\x08\x00\x00\x00\x00\x00"),
    ("export.7z", b"7z\xBC\xAF\x27\x1C\x00\x04"),
    ("export.rar", b"Rar!\x1A\x07\x01\x00"),
    ("tool.db", b"SQLite format 3\x00\x10\x00"),
];

fn run_in(args: &[&str]) -> (i32, String, String) {
    let out = run(args);
    (
        out.status.code().expect("exit code"),
        stdout(&out),
        stderr(&out),
    )
}

fn json_of(args: &[&str]) -> (i32, Value, String) {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "json"]);
    let (code, out, err) = run_in(&all);
    let report: Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}); stderr: {err}"));
    assert_valid_report(&report);
    (code, report, err)
}

fn demo_copy(to: &Path) {
    copy_tree(&root().join("snapshots/demo"), to);
}

fn warnings(report: &Value) -> Vec<String> {
    report["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| w.as_str().expect("string").to_string())
        .collect()
}

fn p(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temporary path")
}

#[test]
fn files_of_other_formats_are_skipped_with_one_summarised_warning_each_kind() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("acme");
    demo_copy(&snap);
    for (name, bytes) in OTHER_FORMATS {
        std::fs::write(snap.join(name), bytes).unwrap();
    }
    // Twenty scans: one line for all of them.
    std::fs::create_dir(snap.join("scans")).unwrap();
    for i in 0..20 {
        std::fs::write(snap.join(format!("scans/{i:02}.pdf")), b"%PDF-1.4 x").unwrap();
    }
    let (code, report, err) = json_of(&["evaluate", p(&snap)]);
    let (plain_code, plain, _) = json_of(&["evaluate", "snapshots/demo"]);
    assert_eq!(code, plain_code, "{err}");
    assert_eq!(report["results"], plain["results"]);
    let warnings = warnings(&report);
    let pdf: Vec<&String> = warnings
        .iter()
        .filter(|w| w.starts_with("a PDF document;"))
        .collect();
    assert_eq!(pdf.len(), 1, "{warnings:#?}");
    assert!(
        pdf[0].contains(
            "21 entries skipped: `request-list.pdf`, `scans/00.pdf`, `scans/01.pdf` and 18 more"
        ),
        "{}",
        pdf[0]
    );
    for what in [
        "zip archive",
        "legacy Office",
        "PNG",
        "JPEG",
        "GIF",
        "gzip",
        "7z",
        "RAR",
        "NUL bytes",
    ] {
        assert!(
            warnings
                .iter()
                .any(|w| w.contains(what) && w.contains("1 entry skipped")),
            "{what}: {warnings:#?}"
        );
    }
    // At most one warning line per kind on stderr, never one per file.
    assert!(err.lines().count() <= 12, "{err}");
    // Every file looked at is still listed, with its hash.
    let listed = report["evidence"].as_array().unwrap();
    assert!(listed
        .iter()
        .any(|e| e["path"] == "scans/19.pdf" && e["kind"] == "not-evidence"));
}

#[test]
fn a_file_that_looks_like_evidence_is_evidence_and_its_defects_are_errors() {
    for (name, bytes) in [
        ("authz.json", &b"{\"UserDetailList\": [\x00\x01]}"[..]),
        (
            "report.csv",
            b"user,arn,password_enabled\n\x00\x00\x00\x01\n",
        ),
        ("truncated.json", b"[{\"UserDetailList\": ["),
        ("empty.json", b""),
    ] {
        let dir = tempfile::tempdir().unwrap();
        demo_copy(dir.path());
        std::fs::write(dir.path().join(name), bytes).unwrap();
        let (code, out, err) = run_in(&["evaluate", p(dir.path())]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(out.is_empty(), "{name}: a partial report");
        assert!(err.contains(&format!("error: {name}")), "{name}: {err}");
    }
}

#[test]
fn a_stray_file_at_the_top_of_an_organization_keeps_it_an_organization() {
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("org");
    copy_tree(&root().join("snapshots/org"), &org);
    std::fs::write(org.join("README.txt"), "evidence for the Q3 audit\n").unwrap();
    std::fs::write(org.join("request.pdf"), b"%PDF-1.4").unwrap();
    let (code, report, err) = json_of(&["evaluate", p(&org)]);
    let (plain_code, plain) = json_report(&["snapshots/org"]);
    assert_eq!(code, plain_code, "{err}");
    assert_eq!(report["results"], plain["results"]);
    assert_eq!(report["layout"][0]["read_as"], "organization");
    let reason = report["layout"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("no file at its top is evidence")
            && reason.contains("`README.txt`, `request.pdf`"),
        "{reason}"
    );
    let first = err.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("warning: `") && first.contains("read as an organization: 2 accounts"),
        "{err}"
    );
    assert!(first.contains("README.txt"), "{err}");
}

#[test]
fn an_evidence_file_at_the_top_keeps_a_folder_one_snapshot_unless_told_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("org");
    copy_tree(&root().join("snapshots/org"), &org);
    // One account's credential report also at the top.
    let first_account = std::fs::read_dir(&org)
        .unwrap()
        .map(|e| e.unwrap().path())
        .min()
        .unwrap();
    let report_file = std::fs::read_dir(&first_account)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|f| std::fs::read_to_string(f).is_ok_and(|t| t.contains("GeneratedTime")))
        .expect("a credential report envelope");
    std::fs::copy(&report_file, org.join("credential-report.json")).unwrap();

    let (code, out, err) = run_in(&["evaluate", p(&org), "--format", "json"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("read as one snapshot: `credential-report.json` at its top is evidence (credential-report); pass `--organization`"),
        "{err}"
    );

    let (code, report, err) = json_of(&["evaluate", p(&org), "--organization"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(report["snapshots"].as_array().unwrap().len(), 2);
    assert_eq!(report["layout"][0]["read_as"], "organization");
    assert!(err.contains("`--organization` was given"), "{err}");
    assert!(err.contains("`credential-report.json`"), "{err}");

    // `--snapshot` reads an organization folder as one snapshot (here two
    // accounts' reports that differ: an error, which says why it was read so).
    let (code, _, err) = run_in(&["evaluate", "snapshots/org", "--snapshot"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("read as one snapshot: `--snapshot` was given"),
        "{err}"
    );
    let (code, _, err) = run_in(&["evaluate", "snapshots/demo", "--organization"]);
    assert_eq!(code, 2);
    assert!(err.contains("no subfolders"), "{err}");
    let (code, _, _) = run_in(&["evaluate", "snapshots/org", "--snapshot", "--organization"]);
    assert_eq!(code, 2);
}

#[test]
fn exclude_leaves_out_matching_paths_relative_to_the_folder_given() {
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("org");
    copy_tree(&root().join("snapshots/org"), &org);
    let accounts: Vec<String> = std::fs::read_dir(&org)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    // A broken export in a scratch folder and notes everywhere.
    for a in &accounts {
        std::fs::create_dir(org.join(a).join("scratch")).unwrap();
        std::fs::write(org.join(a).join("scratch/half.json"), "{\"Users\": [").unwrap();
        std::fs::write(org.join(a).join("notes.md"), "# notes\n").unwrap();
    }
    let (code, _, err) = run_in(&["evaluate", p(&org)]);
    assert_eq!(code, 2, "{err}");
    let (code, report, err) = json_of(&[
        "evaluate",
        p(&org),
        "--exclude",
        "*/scratch",
        "--exclude",
        "*.md",
    ]);
    assert_eq!(code, 1, "{err}");
    let paths: Vec<&str> = report["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(
        paths
            .iter()
            .all(|p| !p.contains("scratch") && !p.ends_with(".md")),
        "{paths:?}"
    );
    assert!(
        warnings(&report)
            .iter()
            .any(|w| w.starts_with("excluded by `--exclude`; 4 entries skipped")),
        "{:?}",
        warnings(&report)
    );
    // The same flags on the commands that read one snapshot.
    let account = org.join(&accounts[0]);
    for command in ["entities", "requests"] {
        let (code, _, err) = run_in(&[command, p(&account), "--exclude", "scratch"]);
        assert_eq!(code, 0, "{command}: {err}");
        let (code, _, _) = run_in(&[command, p(&account)]);
        assert_eq!(code, 2, "{command} without --exclude");
    }
    let account_id = accounts[0].split('-').next().unwrap();
    let (code, _, err) = run_in(&[
        "explain",
        p(&account),
        "--subject",
        account_id,
        "--exclude",
        "scratch",
    ]);
    assert_ne!(code, 2, "explain: {err}");
    // `verify` resolves the evidence as `evaluate` did.
    let report_path = dir.path().join("report.json");
    let out = run(&[
        "evaluate",
        p(&org),
        "--exclude",
        "*/scratch",
        "--exclude",
        "*.md",
        "--format",
        "json",
        "-o",
        p(&report_path),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let (code, out, err) = run_in(&[
        "verify",
        p(&report_path),
        p(&org),
        "--exclude",
        "*/scratch",
        "--exclude",
        "*.md",
    ]);
    assert_eq!(code, 0, "{out}{err}");
}
