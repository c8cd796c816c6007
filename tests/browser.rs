//! The browser edition in a real browser: `web/test/browser.mjs` opens the
//! built page (`bash web/build.sh` writes `target/web/iam-audit.html`) from
//! disk in Debian's headless Chromium, gives it `snapshots/demo`,
//! `snapshots/org`, hostile names, an organization with a broken account,
//! options (waivers, a framework, a threshold, custom policies, exclude,
//! ignore) and input errors, saves every format through the page's
//! buttons and compares each file byte for byte with this binary's `-o`
//! output; the exit code and the messages must equal the command line's,
//! and no request may leave the page.
//!
//! Under `CI=true` a missing page, Node.js, `web/test/node_modules` (from
//! `npm ci`) or Chromium fails the test; elsewhere it is skipped with a
//! message saying what to run.

use std::path::{Path, PathBuf};
use std::process::Command;

fn missing(root: &Path, page: &Path) -> Vec<String> {
    let mut missing = Vec::new();
    if !page.is_file() {
        missing.push(format!("the page {} (bash web/build.sh)", page.display()));
    }
    if !root.join("web/test/node_modules/puppeteer-core").is_dir() {
        missing.push("web/test/node_modules (npm ci --prefix web/test)".into());
    }
    let chromium = std::env::var_os("CHROMIUM").unwrap_or_else(|| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        missing.push("Chromium (apt-get install chromium)".into());
    }
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("Node.js".into());
    }
    missing
}

#[test]
fn the_page_saves_the_bytes_the_command_line_writes_and_fetches_nothing() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let page = std::env::var_os("IAM_AUDIT_PAGE")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/web/iam-audit.html"));
    let missing = missing(&root, &page);
    if !missing.is_empty() {
        let message = format!("the browser test needs {}", missing.join(", "));
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
        eprintln!("skipped: {message}");
        return;
    }
    let work = tempfile::tempdir().expect("a temporary folder");
    let output = Command::new("node")
        .arg(root.join("web/test/browser.mjs"))
        .arg(&page)
        .arg(env!("CARGO_BIN_EXE_iam-audit"))
        .arg(&root)
        .arg(work.path())
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("{stdout}{stderr}");
    assert!(output.status.success(), "the browser test failed");
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.ends_with(" passed, 0 failed") && !last.starts_with("0 passed"),
        "{last}"
    );
}
