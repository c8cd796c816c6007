//! Every policy file under `policies/` (built-in pack, examples, and any
//! folder added later) is formatted exactly as `cedar format` would format
//! it, using the official formatter crate. Fix a failure with
//! `CEDAR_FORMAT_WRITE=1 cargo test --test formatting` (rewrites the files),
//! or `cedar format -w --policies FILE` with the cedar CLI.

mod common;

use std::path::{Path, PathBuf};

use cedar_policy_formatter::{policies_str_to_pretty, Config};

fn cedar_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("policies/ is readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            cedar_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "cedar") {
            out.push(path);
        }
    }
}

#[test]
fn policies_are_cedar_format_clean() {
    let mut files = Vec::new();
    cedar_files(&common::root().join("policies"), &mut files);
    files.sort();
    assert!(files.len() >= 8, "found only {files:?}");
    let mut unformatted = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("readable");
        let pretty = policies_str_to_pretty(&text, &Config::default())
            .unwrap_or_else(|e| panic!("{}: the formatter refuses it: {e:?}", f.display()));
        if pretty != text && std::env::var_os("CEDAR_FORMAT_WRITE").is_some() {
            std::fs::write(f, &pretty).expect("rewrite the file formatted");
            continue;
        }
        if pretty != text {
            unformatted.push(format!(
                "{}:\n--- expected (cedar format) ---\n{pretty}",
                f.strip_prefix(common::root()).unwrap_or(f).display()
            ));
        }
    }
    assert!(
        unformatted.is_empty(),
        "not `cedar format`-clean (run `cedar format -w --policies FILE`):\n{}",
        unformatted.join("\n")
    );
}
