//! No string from the input reaches a terminal raw: escape sequences (ESC
//! `[2J` clears the screen, OSC 52 writes the clipboard), BEL, bidi
//! controls (U+202E) and bytes that are not UTF-8, in file and folder names
//! and inside files, fed through every kind of error, warning and output
//! the tool prints. Every byte on stdout and stderr must be printable text
//! or a line break.

#![cfg(unix)]

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

/// Clear the screen; write the clipboard (OSC 52, ended by BEL); reverse
/// the text that follows.
const NASTY: &str = "\u{1b}[2J\u{1b}]52;c;SGVsbG8=\u{7}\u{202e}";

/// The nasty text as it may sit inside a JSON string.
const NASTY_JSON: &str = "\\u001b[2J\\u001b]52;c;SGVsbG8=\\u0007\\u202e";

/// Panics when `out` holds a control character other than a line break, a
/// bidi control, or bytes that are not UTF-8.
fn assert_clean(what: &str, out: &Output) {
    assert_clean_streams(what, out, true);
}

/// As [`assert_clean`]; with `stdout_is_text` false, stdout is a JSON
/// document (data, whose string escaping turns every C0 control into
/// `\u00XX`) and is only checked for C0 controls.
fn assert_clean_streams(what: &str, out: &Output, stdout_is_text: bool) {
    for (stream, bytes, text_rules) in [
        ("stdout", &out.stdout, stdout_is_text),
        ("stderr", &out.stderr, true),
    ] {
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => panic!("{what}: {stream} is not UTF-8 ({e})"),
        };
        if let Some(c) = text.chars().find(|&c| {
            (c.is_control() && c != '\n' && (text_rules || c < '\u{20}'))
                || (text_rules
                    && matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}'))
        }) {
            panic!("{what}: a raw {c:?} on {stream}:\n{text}");
        }
    }
}

/// A name made of `prefix`, the nasty text and `suffix`.
fn nasty_name(prefix: &str, suffix: &str) -> String {
    format!("{prefix}{NASTY}{suffix}")
}

fn p(path: &Path) -> &OsStr {
    path.as_os_str()
}

fn run_os(args: &[&OsStr]) -> Output {
    let mut c = cmd(&[]);
    c.args(args);
    c.output().expect("the binary runs")
}

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

fn demo_copy(to: &Path) {
    copy_tree(&root().join("snapshots/demo"), to);
}

/// Runs `evaluate` on a copy of the demo with `change` applied, and checks
/// the outputs (in every format that a terminal could be shown).
fn evaluate_case(what: &str, change: impl FnOnce(&Path), expected: Option<i32>) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap");
    demo_copy(&snap);
    change(&snap);
    let mut last = None;
    for format in ["table", "json", "markdown"] {
        let out = run_os(&[os("evaluate"), p(&snap), os("--format"), os(format)]);
        if let Some(code) = expected {
            assert_eq!(
                out.status.code(),
                Some(code),
                "{what} ({format}): {}",
                stderr(&out)
            );
        }
        assert_clean_streams(&format!("{what} ({format})"), &out, format != "json");
        last = Some(out);
    }
    last.expect("ran")
}

#[test]
fn names_and_contents_from_the_input_are_escaped_in_every_error() {
    // An empty file, a broken export and a file that cannot be listed,
    // each with the nasty text in its name.
    let out = evaluate_case(
        "empty file",
        |s| std::fs::write(s.join(nasty_name("empty", ".json")), "").unwrap(),
        Some(2),
    );
    assert!(stderr(&out).contains("\\u{1b}[2J\\u{1b}]52;c;SGVsbG8=\\u{7}\\u{202e}"));
    evaluate_case(
        "binary export",
        |s| std::fs::write(s.join(nasty_name("b", ".json")), b"{\x00\x01}").unwrap(),
        Some(2),
    );
    evaluate_case(
        "dangling symlink",
        |s| std::os::unix::fs::symlink("nowhere", s.join(nasty_name("link", ".json"))).unwrap(),
        Some(2),
    );
    evaluate_case(
        "FIFO",
        |s| {
            let made = std::process::Command::new("mkfifo")
                .arg(s.join(nasty_name("fifo", "")))
                .status();
            assert!(made.is_ok_and(|st| st.success()));
        },
        Some(2),
    );
    // A duplicate key whose name holds the nasty text: its JSON pointer.
    evaluate_case(
        "duplicate key",
        |s| {
            let text = format!(
                "{{\"UserDetailList\": [{{\"UserName\": \"u\", \"{NASTY_JSON}\": 1, \"{NASTY_JSON}\": 2}}]}}"
            );
            std::fs::write(s.join("dup.json"), text).unwrap();
        },
        Some(2),
    );
    // A schema violation under a key that holds it ("additional properties").
    evaluate_case(
        "schema error",
        |s| {
            let text = format!(
                "{{\"SummaryMap\": {{\"AccountMFAEnabled\": \"{NASTY_JSON}\"}}, \"{NASTY_JSON}\": 1}}"
            );
            std::fs::write(s.join("summary.json"), text).unwrap();
        },
        Some(2),
    );
    // A credential report whose columns and cells hold it.
    evaluate_case(
        "credential report cell",
        |s| {
            let csv = format!(
                "user,arn,{NASTY}\n<root_account>,arn:aws:iam::123456789012:root,x\n{NASTY},arn:aws:iam::123456789012:user/{NASTY},{NASTY}\n"
            );
            std::fs::write(s.join("report.csv"), csv).unwrap();
        },
        None,
    );
    // A name that is not UTF-8 on an unreadable file.
    evaluate_case(
        "non-UTF-8 name",
        |s| {
            let name = OsStr::from_bytes(b"x\xfe\x1b[2J.json");
            std::fs::write(s.join(name), "{\"UserDetailList\": [").unwrap();
        },
        Some(2),
    );
}

#[test]
fn warnings_notes_and_tables_are_escaped() {
    // A file that is not evidence (a warning) and a PDF (skipped), named
    // with it; a user whose name holds it (the table).
    evaluate_case(
        "warnings",
        |s| {
            std::fs::write(s.join(nasty_name("notes", ".txt")), "see the PDF\n").unwrap();
            std::fs::write(s.join(nasty_name("scan", ".pdf")), "%PDF-1.4").unwrap();
            std::fs::write(s.join(nasty_name(".hidden", "")), "x").unwrap();
        },
        Some(1),
    );
    // An organization whose account folders hold it, one of them unusable,
    // and a stray file at its top: errors, notes and the layout note.
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("org");
    std::fs::create_dir(&org).unwrap();
    demo_copy(&org.join(nasty_name("good", "")));
    let bad = org.join(nasty_name("bad", ""));
    demo_copy(&bad);
    std::fs::write(bad.join(nasty_name("e", ".json")), "").unwrap();
    std::fs::write(org.join(nasty_name("README", ".txt")), "hello\n").unwrap();
    for format in ["table", "json", "markdown"] {
        let out = run_os(&[os("evaluate"), p(&org), os("--format"), os(format)]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert_clean_streams(&format!("organization ({format})"), &out, format != "json");
    }
    let out = run_os(&[os("evaluate"), p(&org), os("--organization")]);
    assert_clean("organization (flag)", &out);
}

#[test]
fn every_other_command_escapes_what_it_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A path that does not exist, as evidence, policies, waivers, report.
    let missing = d.join(nasty_name("missing", ""));
    for args in [
        vec![os("evaluate"), p(&missing)],
        vec![
            os("evaluate"),
            os("snapshots/demo"),
            os("--policies"),
            p(&missing),
        ],
        vec![
            os("evaluate"),
            os("snapshots/demo"),
            os("--waivers"),
            p(&missing),
        ],
        vec![os("entities"), p(&missing)],
        vec![os("requests"), p(&missing)],
        vec![os("diff"), p(&missing), p(&missing)],
        vec![os("verify"), p(&missing), os("snapshots/demo")],
        vec![os("test"), p(&missing)],
    ] {
        let out = run_os(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_clean(&format!("{args:?}"), &out);
    }
    // Usage errors quote what was typed.
    for args in [
        vec![
            os("evaluate"),
            os("snapshots/demo"),
            os("--format"),
            os(NASTY),
        ],
        vec![
            os("evaluate"),
            os("snapshots/demo"),
            os("--select"),
            os(NASTY),
        ],
        vec![os(NASTY)],
        vec![
            os("explain"),
            os("snapshots/demo"),
            os("--subject"),
            os(NASTY),
        ],
    ] {
        let out = run_os(&args);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert_clean(&format!("{args:?}"), &out);
    }
    // A waivers file with an unknown key and a policy id that holds it.
    let waivers = d.join("waivers.json");
    std::fs::write(
        &waivers,
        format!("{{\"waivers\": [{{\"policy\": \"{NASTY_JSON}\", \"subject\": \"*\", \"reason\": \"r\", \"approver\": \"a\", \"expires\": \"2030-01-01\", \"{NASTY_JSON}\": 1}}]}}"),
    )
    .unwrap();
    let out = run_os(&[
        os("evaluate"),
        os("snapshots/demo"),
        os("--waivers"),
        p(&waivers),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_clean("waivers with an unknown key", &out);
    // A `.cedar` file whose name and text hold it, with a syntax error:
    // the diagnostic's snippet.
    let policies = d.join(nasty_name("bad", ".cedar"));
    std::fs::write(
        &policies,
        format!("forbid (principal, action, resource) when {{ \"{NASTY}\" }}\n@@@"),
    )
    .unwrap();
    let out = run_os(&[os("validate"), os("--policies"), p(&policies)]);
    assert_eq!(out.status.code(), Some(2));
    assert_clean("validate", &out);
    // A report given to `diff` with a key it does not know, and one whose
    // results hold it (the drift table).
    let report = d.join("r.json");
    let made = run(&[
        "evaluate",
        "snapshots/demo",
        "--format",
        "json",
        "-o",
        report.to_str().unwrap(),
    ]);
    assert_eq!(made.status.code(), Some(1));
    let text = std::fs::read_to_string(&report).unwrap();
    let odd = d.join(nasty_name("odd", ".json"));
    std::fs::write(
        &odd,
        text.replacen("{", &format!("{{\"{NASTY_JSON}\": 1,"), 1),
    )
    .unwrap();
    let out = run_os(&[os("diff"), p(&report), p(&odd)]);
    assert_eq!(out.status.code(), Some(2));
    assert_clean("diff, an unknown key", &out);
    let renamed = d.join("renamed.json");
    std::fs::write(
        &renamed,
        text.replace(
            "arn:aws:iam::123456789012:user/bob",
            &format!("arn:aws:iam::123456789012:user/{NASTY_JSON}"),
        ),
    )
    .unwrap();
    let out = run_os(&[os("diff"), p(&report), p(&renamed)]);
    assert_clean("diff, a drift table", &out);
    // `verify` on evidence whose file names hold it and whose bytes changed.
    let snap = d.join("snap");
    demo_copy(&snap);
    let evidence = snap.join(nasty_name("extra", ".txt"));
    std::fs::write(&evidence, "one\n").unwrap();
    let report2 = d.join("r2.json");
    let made = run_os(&[
        os("evaluate"),
        p(&snap),
        os("--format"),
        os("json"),
        os("-o"),
        p(&report2),
    ]);
    assert_eq!(made.status.code(), Some(1), "{}", stderr(&made));
    std::fs::write(&evidence, "two\n").unwrap();
    let out = run_os(&[os("verify"), p(&report2), p(&snap)]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert_clean("verify", &out);
    // `explain` and `entities` on a snapshot with such names.
    let out = run_os(&[os("explain"), p(&snap), os("--subject"), os("bob")]);
    assert_clean("explain", &out);
}

/// Distinct names on disk stay distinct in the report, and `verify`
/// accepts the report `evaluate` just wrote.
#[test]
fn names_that_are_not_utf8_are_recorded_reversibly() {
    let dir = tempfile::tempdir().unwrap();
    let snap: PathBuf = dir.path().join("snap");
    demo_copy(&snap);
    std::fs::write(snap.join(OsStr::from_bytes(b"x\xfe.txt")), "one\n").unwrap();
    std::fs::write(snap.join(OsStr::from_bytes(b"x\xff.txt")), "two\n").unwrap();
    std::fs::write(snap.join("x\\xFE.txt"), "three\n").unwrap();
    let report = dir.path().join("r.json");
    let out = run_os(&[
        os("evaluate"),
        p(&snap),
        os("--format"),
        os("json"),
        os("-o"),
        p(&report),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let mut paths: Vec<&str> = value["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .filter(|p| p.starts_with('x'))
        .collect();
    paths.sort();
    assert_eq!(paths, ["x\\\\xFE.txt", "x\\xFE.txt", "x\\xFF.txt"]);
    let out = run_os(&[os("verify"), p(&report), p(&snap)]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

/// A custom policy's id and title are input too: the table, the policies
/// list and `validate` show them escaped.
#[test]
fn a_custom_policys_id_and_title_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("nasty.cedar");
    std::fs::write(
        &policy,
        "@id(\"nasty-title\") @title(\"t\\u{1b}]52;c;eA==\\u{7}\\u{202e}\") @severity(\"low\") @version(\"1.0.0\")\n\
         forbid (principal is Iam::User, action == Iam::Action::\"SignInToConsole\", resource);\n",
    )
    .unwrap();
    for (args, code) in [
        (vec!["evaluate", "snapshots/demo"], 1),
        (
            vec!["evaluate", "snapshots/demo", "--format", "markdown"],
            1,
        ),
        (vec!["policies"], 0),
        (vec!["validate"], 0),
    ] {
        let mut all: Vec<&OsStr> = args.iter().map(|a| os(a)).collect();
        all.extend([os("--policies"), p(&policy)]);
        let out = run_os(&all);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
        assert_clean(&format!("{args:?}"), &out);
    }
    // An id with such characters is refused; the refusal quotes it.
    let bad = dir.path().join("bad-id.cedar");
    std::fs::write(
        &bad,
        "@id(\"x\\u{1b}[2J\\u{202e}\") @title(\"t\") @severity(\"low\") @version(\"1.0.0\")\n\
         forbid (principal is Iam::User, action == Iam::Action::\"SignInToConsole\", resource);\n",
    )
    .unwrap();
    let out = run_os(&[os("validate"), os("--policies"), p(&bad)]);
    assert_eq!(out.status.code(), Some(2));
    assert_clean("a bad id", &out);
}
