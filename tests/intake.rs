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

/// Runs a command to its end, or kills it and fails after `limit` (a run
/// that blocks on a FIFO must fail the test, not hang it).
fn output_within(
    mut command: std::process::Command,
    limit: std::time::Duration,
) -> std::process::Output {
    use std::process::Stdio;
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // Drain the pipes on threads so that a large output cannot block it.
    let mut out_pipe = child.stdout.take().expect("stdout");
    let mut err_pipe = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut out_pipe, &mut buf).map(|_| buf)
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut err_pipe, &mut buf).map(|_| buf)
    });
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("the run did not end within {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    std::process::Output {
        status,
        stdout: out_reader.join().expect("joins").expect("reads"),
        stderr: err_reader.join().expect("joins").expect("reads"),
    }
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

/// One account folder broken in every way a folder can be: each makes
/// only its account unusable, the others are reported, and every stderr
/// line about an account names it.
#[cfg(unix)]
#[test]
fn an_organization_survives_any_one_broken_account() {
    use std::os::unix::fs::{symlink, PermissionsExt};

    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("org");
    let good = root().join("snapshots/org/111111111111-prod");
    let account = |name: &str| {
        let path = org.join(name);
        copy_tree(&good, &path);
        path
    };
    std::fs::create_dir(&org).unwrap();
    account("a-good");
    // A symlink back up the tree, directly and from a subfolder.
    symlink("..", account("b-loop").join("loop")).unwrap();
    let sub = account("c-loop-below").join("sub");
    std::fs::create_dir(&sub).unwrap();
    symlink("../..", sub.join("up")).unwrap();
    // Folders nested deeper than the walk goes.
    let mut deep = account("d-deep");
    for i in 0..20 {
        deep = deep.join(format!("n{i}"));
    }
    std::fs::create_dir_all(&deep).unwrap();
    // A FIFO where a file should be (never opened blocking).
    let fifo = account("e-fifo").join("pipe.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    // A dangling symlink.
    symlink("nowhere.json", account("f-dangling").join("gone.json")).unwrap();
    // A folder that cannot be read (unless the tests run as root).
    // Another account than `a-good`'s: two snapshots of one account in a
    // run are both unusable, and this one is evaluated when the tests run
    // as root.
    let other = org.join("g-locked");
    copy_tree(&root().join("snapshots/org/222222222222-dev"), &other);
    let locked = other.join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let locked_out = std::fs::read_dir(&locked).is_err();

    let out = output_within(
        cmd(&["evaluate", p(&org), "--format", "json"]),
        std::time::Duration::from_secs(60),
    );
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).expect("a report");
    assert_valid_report(&report);
    let status = |name: &str| {
        report["snapshots"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .map(|s| s["status"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no snapshot {name}"))
    };
    assert_eq!(status("a-good"), "evaluated");
    for broken in ["b-loop", "c-loop-below", "d-deep", "e-fifo", "f-dangling"] {
        assert_eq!(status(broken), "unusable", "{broken}");
    }
    assert_eq!(
        status("g-locked"),
        if locked_out { "unusable" } else { "evaluated" }
    );
    let err = stderr(&out);
    for line in err.lines() {
        if line.starts_with("error: ") || line.starts_with("  ") {
            assert!(
                [
                    "b-loop",
                    "c-loop-below",
                    "d-deep",
                    "e-fifo",
                    "f-dangling",
                    "g-locked"
                ]
                .iter()
                .any(|a| line.contains(&format!("{a}: "))),
                "a line that names no account: {line}"
            );
        }
    }
    assert!(
        err.contains("error: b-loop: loop: a symbolic link loop"),
        "{err}"
    );
    assert!(
        err.contains("error: c-loop-below: sub/up: a symbolic link loop"),
        "{err}"
    );
    assert!(err.contains("error: d-deep: n0/n1/"), "{err}");
    assert!(
        err.contains("error: e-fifo: pipe.json: not a regular file"),
        "{err}"
    );
    assert!(
        err.contains("error: f-dangling: gone.json: cannot read"),
        "{err}"
    );
}

/// On a terminal (`script` gives the run one), the warnings come after the
/// report, and a table, which holds them itself, is not followed by them
/// again on stderr.
#[cfg(unix)]
#[test]
fn on_a_terminal_warnings_come_after_the_report() {
    let has_script = std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script {
        return; // no way to give the run a terminal here
    }
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap");
    demo_copy(&snap);
    std::fs::write(snap.join("scan.pdf"), b"%PDF-1.4").unwrap();
    let on_terminal = |format: &str| {
        let line = format!(
            "'{}' evaluate '{}' --format {format}",
            env!("CARGO_BIN_EXE_iam-audit"),
            p(&snap)
        );
        let out = std::process::Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .env("NO_COLOR", "1")
            .output()
            .expect("script runs");
        String::from_utf8_lossy(&out.stdout).replace('\r', "")
    };
    let json = on_terminal("json");
    let report_end = json.rfind("\n}\n").expect("the report");
    let warning = json
        .find("warning: a PDF document; 1 entry skipped: `scan.pdf`")
        .expect("the warning");
    assert!(warning > report_end, "{json}");
    let table = on_terminal("table");
    assert_eq!(table.matches("a PDF document").count(), 1, "{table}");
    let warnings = table.find("Warnings:").expect("the table's warnings");
    let results = table
        .find("console-password-requires-mfa")
        .expect("results");
    assert!(warnings > results, "{table}");
}

/// A file over `--max-input-size` that is no evidence by its first bytes
/// (a screen recording) is skipped, hashed as it streams by; one that may
/// be evidence stays an error. `verify` reads both as `evaluate` did.
#[test]
fn a_file_too_large_to_read_is_skipped_when_it_is_surely_no_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap");
    demo_copy(&snap);
    let limit = 200_000u64;
    // An MP4 (no signature of the list: binary by its NUL bytes) and a PDF.
    let mut video = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00".to_vec();
    video.resize(300_000, 0x5A);
    std::fs::write(snap.join("walkthrough.mp4"), &video).unwrap();
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(250_000, b'x');
    std::fs::write(snap.join("request.pdf"), &pdf).unwrap();
    let limit_arg = limit.to_string();
    let (code, report, err) = json_of(&["evaluate", p(&snap), "--max-input-size", &limit_arg]);
    assert_eq!(code, 1, "{err}");
    let entry = report["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "walkthrough.mp4")
        .expect("listed");
    assert_eq!(entry["bytes"], 300_000);
    assert_eq!(entry["kind"], "not-evidence");
    use sha2::Digest;
    let expected: String = sha2::Sha256::digest(&video)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(entry["sha256"], expected.as_str());
    assert!(
        warnings(&report)
            .iter()
            .any(|w| w.contains("larger than `--max-input-size`") && w.contains("request.pdf")),
        "{:?}",
        warnings(&report)
    );
    // `verify` agrees with the report.
    let out_path = dir.path().join("r.json");
    let out = run(&[
        "evaluate",
        p(&snap),
        "--max-input-size",
        &limit_arg,
        "--format",
        "json",
        "-o",
        p(&out_path),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let (code, out, err) = run_in(&[
        "verify",
        p(&out_path),
        p(&snap),
        "--max-input-size",
        &limit_arg,
    ]);
    assert_eq!(code, 0, "{out}{err}");
    // A large file that may be evidence is still refused.
    let mut json = b"{\"UserDetailList\": [".to_vec();
    json.resize(300_000, b' ');
    std::fs::write(snap.join("big.json"), &json).unwrap();
    let (code, _, err) = run_in(&["evaluate", p(&snap), "--max-input-size", &limit_arg]);
    assert_eq!(code, 2);
    assert!(
        err.contains("big.json: the file holds 300000 bytes"),
        "{err}"
    );
}

/// Every file a run reads is opened once and checked on the handle: a FIFO
/// given as waivers, a report, a policy or test file is refused at once.
#[cfg(unix)]
#[test]
fn a_fifo_in_place_of_any_input_is_refused_without_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let cedar_dir = dir.path().join("policies");
    std::fs::create_dir(&cedar_dir).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(cedar_dir.join("p.cedar"))
        .status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let made = std::process::Command::new("mkfifo")
        .arg(cedar_dir.join("p.test.json"))
        .status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let f = p(&fifo);
    for args in [
        vec!["evaluate", "snapshots/demo", "--waivers", f],
        vec!["diff", f, f],
        vec!["verify", f, "snapshots/demo"],
        vec!["evaluate", f],
        vec!["validate", "--policies", p(&cedar_dir)],
        vec!["test", p(&cedar_dir)],
    ] {
        let out = output_within(cmd(&args), std::time::Duration::from_secs(30));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("not a regular file"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}
