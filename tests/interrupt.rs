//! A run stopped while it writes `-o FILE` leaves nothing behind: neither
//! the temporary file nor a partial report.

#![cfg(unix)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;

/// A credential report of `users` console users without MFA: enough
/// results that the HTML page takes a while to render.
fn many_users(dir: &Path, users: usize) {
    let mut text = String::from(
        "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active\n\
         <root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,N/A,not_supported,not_supported,true\n",
    );
    for i in 0..users {
        text.push_str(&format!(
            "u{i},arn:aws:iam::123456789012:user/u{i},2020-01-01T00:00:00+00:00,true,N/A,N/A,N/A,false\n"
        ));
    }
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("credential_report.csv"), text).unwrap();
}

fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn sigint_and_sigterm_while_writing_remove_the_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("evidence");
    many_users(&evidence, 20_000);
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let target = out_dir.join("report.html");
    let mut caught = 0;
    for signal in ["-INT", "-TERM", "-INT", "-TERM", "-INT", "-TERM"] {
        let mut child = cmd(&[
            "evaluate",
            evidence.to_str().unwrap(),
            "--format",
            "html",
            "-o",
            target.to_str().unwrap(),
        ])
        .spawn()
        .unwrap();
        // The temporary file exists from before the page is rendered until
        // the rename: stop the run as soon as it appears.
        let start = Instant::now();
        while temporaries(&out_dir).is_empty() && start.elapsed() < Duration::from_secs(60) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = std::process::Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status();
        let status = child.wait().unwrap();
        assert!(
            temporaries(&out_dir).is_empty(),
            "left behind: {:?}",
            temporaries(&out_dir)
        );
        if status.code() == Some(130) {
            caught += 1;
            // Stopped before the rename: no report. (Stopped in the instant
            // after it, the report is whole.)
            if target.exists() {
                let page = std::fs::read_to_string(&target).unwrap();
                assert!(page.trim_end().ends_with("</html>"), "a partial report");
                std::fs::remove_file(&target).unwrap();
            }
        } else {
            // The run finished before the signal: the report is whole.
            assert_eq!(status.code(), Some(1));
            let page = std::fs::read_to_string(&target).unwrap();
            assert!(page.trim_end().ends_with("</html>"));
            std::fs::remove_file(&target).unwrap();
        }
    }
    assert!(
        caught >= 2,
        "only {caught} of 6 runs were stopped mid-write"
    );
}
