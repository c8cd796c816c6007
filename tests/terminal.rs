//! A terminal tool among terminal tools: the table's width (`COLUMNS`, a
//! pipe's 100 columns, results as blocks when a table would not fit),
//! `--color`, `--quiet`, shell completions and man pages generated from the
//! command line's definitions, help that lists only accepted values, and a
//! reader that closes stdout early.

mod common;

use std::process::Stdio;

use common::*;

/// The table lines of `text` (box drawing), each at most `width` columns.
fn assert_table_lines_fit(text: &str, width: usize) {
    let mut tables = 0;
    for line in text.lines() {
        if line.starts_with(['┌', '│', '╞', '└']) {
            tables += 1;
            let columns = line.chars().count();
            assert!(columns <= width, "{columns} > {width}: {line}");
        }
    }
    assert!(tables > 0, "no table in:\n{text}");
}

#[test]
fn a_pipe_gets_100_columns_and_results_one_block_each() {
    let out = run(&["evaluate", "snapshots/demo"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert_table_lines_fit(&text, 100);
    // Each result is a block whose values are whole: an ARN is never cut,
    // so `grep` finds it.
    assert!(
        text.contains(
            "fail  console-password-requires-mfa\n  subject    arn:aws:iam::123456789012:user/bob\n  principal  arn:aws:iam::123456789012:user/bob\n  finding    console password enabled; no MFA device is active\n"
        ),
        "{text}"
    );
    // Control ids are never cut either.
    assert!(
        text.contains("│ access-keys-not-created-at-setup "),
        "{text}"
    );
    assert!(
        text.contains("│ no-service-wildcard-in-customer-policies ┆"),
        "{text}"
    );
}

#[test]
fn columns_sets_the_width_on_80_and_200_columns() {
    for width in [80, 200] {
        let out = cmd(&["evaluate", "snapshots/demo"])
            .env("COLUMNS", width.to_string())
            .output()
            .unwrap();
        let text = stdout(&out);
        assert_table_lines_fit(&text, width);
        assert!(text.contains("│ permissions-through-groups-only"), "{text}");
    }
    // Wide enough for the whole results table: a table, not blocks.
    let out = cmd(&["evaluate", "snapshots/org"])
        .env("COLUMNS", "400")
        .output()
        .unwrap();
    let text = stdout(&out);
    // The header row: the control column as wide as the longest id.
    assert!(
        text.lines()
            .any(|l| l.starts_with("│ Status         ┆ Control ")
                && l.contains(&format!("┆ Control{} ┆ Account", " ".repeat(33)))),
        "{text}"
    );
    assert!(!text.contains("\n  subject    "), "{text}");
    // A report written to a file does not depend on COLUMNS.
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for columns in ["60", "300"] {
        let path = dir.path().join(format!("{columns}.txt"));
        let p = path.to_str().unwrap();
        let out = cmd(&["evaluate", "snapshots/demo", "-o", p])
            .env("COLUMNS", columns)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        files.push(std::fs::read_to_string(&path).unwrap());
    }
    assert_eq!(files[0], files[1]);
    assert_eq!(files[0], stdout(&run(&["evaluate", "snapshots/demo"])));
}

#[test]
fn color_is_auto_always_or_never_and_no_color_is_honoured() {
    let coloured = |args: &[&str], no_color: Option<&str>| {
        let mut c = cmd(args);
        c.env_remove("NO_COLOR");
        if let Some(v) = no_color {
            c.env("NO_COLOR", v);
        }
        let out = c.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        stdout(&out).contains("\u{1b}[")
    };
    let demo = ["evaluate", "snapshots/demo"];
    // A pipe: no colours unless asked for.
    assert!(!coloured(&demo, None));
    assert!(!coloured(
        &["evaluate", "snapshots/demo", "--color", "auto"],
        None
    ));
    assert!(coloured(
        &["evaluate", "snapshots/demo", "--color", "always"],
        None
    ));
    assert!(coloured(
        &["evaluate", "snapshots/demo", "--color=ALWAYS"],
        None
    ));
    assert!(coloured(
        &["--color", "always", "evaluate", "snapshots/demo"],
        None
    ));
    // `always` is an explicit request, stronger than the environment.
    assert!(coloured(
        &["evaluate", "snapshots/demo", "--color", "always"],
        Some("1")
    ));
    assert!(!coloured(
        &["evaluate", "snapshots/demo", "--color", "never"],
        None
    ));
    // clap's own help follows the flag too.
    let help = run(&["evaluate", "--help", "--color", "always"]);
    assert!(stdout(&help).contains("\u{1b}["), "{}", stdout(&help));
    let help = run(&["--color=never", "evaluate", "--help"]);
    assert!(!stdout(&help).contains("\u{1b}["));
    let out = run(&["evaluate", "snapshots/demo", "--color", "sometimes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[possible values: auto, always, never]"));
}

#[test]
fn quiet_drops_warnings_but_never_errors() {
    let latin1 = "tests/fixtures/hostile/latin1";
    let loud = run(&["evaluate", latin1]);
    assert!(stderr(&loud).contains("warning: "), "{}", stderr(&loud));
    let quiet = run(&["evaluate", latin1, "--quiet"]);
    assert_eq!(quiet.status.code(), loud.status.code());
    assert_eq!(stderr(&quiet), "");
    assert_eq!(
        stdout(&quiet),
        stdout(&loud),
        "the report keeps its warnings"
    );
    assert_eq!(stderr(&run(&["-q", "evaluate", latin1])), "");

    let broken = run(&["evaluate", "tests/fixtures/bad-boolean", "-q"]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(stderr(&broken).contains("error"), "{}", stderr(&broken));
}

#[test]
fn table_or_json_commands_list_and_accept_only_those() {
    for command in ["explain", "policies", "diff"] {
        let out = run(&[command, "-h"]);
        let help = stdout(&out);
        assert!(help.contains("[possible values: table, json]"), "{help}");
        assert!(!help.contains("html"), "{help}");
    }
    let out = run(&["policies", "--format", "html"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("[possible values: table, json]"),
        "{}",
        stderr(&out)
    );
    let out = run(&[
        "explain",
        "snapshots/demo",
        "--subject",
        "bob",
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[possible values: table, json]"));
    // Every value listed is accepted, in any case.
    for format in ["table", "json", "JSON"] {
        let out = run(&["policies", "--format", format]);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        let out = run(&[
            "explain",
            "snapshots/demo",
            "--subject",
            "bob",
            "--format",
            format,
        ]);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
    }
}

#[test]
fn a_mistyped_selection_names_the_command_that_lists_the_ids() {
    let out = run(&["evaluate", "snapshots/demo", "--select", "root-mfx"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("`iam-audit policies`"), "{err}");
    assert!(!err.contains("validate"), "{err}");
    // And that command does list them.
    assert!(stdout(&run(&["policies"])).contains("root-mfa"));
}

#[test]
fn bash_completion_loads_and_offers_commands_and_values() {
    let out = run(&["completions", "bash"]);
    assert_eq!(out.status.code(), Some(0));
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("iam-audit.bash");
    std::fs::write(&script, &out.stdout).unwrap();
    // Complete `iam-audit ev`, then `iam-audit explain --format `.
    let complete = |words: &str, current: usize| {
        let program = format!(
            "source '{}' && COMP_WORDS=({words}) && COMP_CWORD={current} && COMP_LINE='{words}' && COMP_POINT=${{#COMP_LINE}} && _iam__audit iam-audit \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$COMP_CWORD-1]}}\" && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        );
        let out = std::process::Command::new("bash")
            .args(["-c", &program])
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut words: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .map(str::to_string)
            .collect();
        words.sort();
        words
    };
    assert_eq!(complete("iam-audit ev", 1), ["evaluate"]);
    assert_eq!(
        complete("iam-audit co", 1),
        ["collect-script", "completions"]
    );
    assert_eq!(
        complete("iam-audit explain --format ''", 3),
        ["json", "table"]
    );
    assert_eq!(
        complete("iam-audit evaluate snapshots/demo --fail-o", 3),
        ["--fail-on"]
    );
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let out = run(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(stdout(&out).contains("collect-script"), "{shell}");
    }
    assert_eq!(run(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn man_pages_are_generated_from_the_definitions() {
    let out = run(&["man"]);
    assert_eq!(out.status.code(), Some(0));
    let page = stdout(&out);
    assert!(page.contains(".TH iam-audit 1"), "{page}");
    for command in [
        "evaluate",
        "validate",
        "diff",
        "verify",
        "completions",
        "collect\\-script",
    ] {
        assert!(page.contains(command), "{command} is missing");
    }
    let out = run(&["man", "evaluate"]);
    assert_eq!(out.status.code(), Some(0));
    let page = stdout(&out);
    assert!(page.contains(".TH iam-audit-evaluate 1"), "{page}");
    assert!(page.contains("\\-\\-format"), "{page}");
    assert!(page.contains("\\-\\-quiet"), "global flags are listed");
    let out = run(&["man", "evalute"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no such command; one of evaluate"));
}

/// `iam-audit evaluate ... | head -1`: the reader goes away; the run ends
/// without a word, with the exit code the audit would have had.
#[test]
fn a_closed_stdout_ends_the_run_quietly_with_the_audits_code() {
    for (args, code) in [
        (&["evaluate", "snapshots/demo", "--format", "json"][..], 1),
        (&["evaluate", "snapshots/compliant", "--format", "json"], 0),
        (&["schema"], 0),
    ] {
        let mut child = cmd(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader closes the pipe before anything is written.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        assert_eq!(stderr(&out), "", "{args:?}");
    }
}
