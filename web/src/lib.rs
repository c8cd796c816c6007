//! The browser edition's one entry: files a page holds (relative paths and
//! bytes) and `evaluate`'s options as the command line spells them, in;
//! the report in every format the command line writes, or its errors as
//! the command line states them, out.
//!
//! Nothing here decides a verdict, a layout or a message: the options are
//! parsed by the command line's own definitions, the files are listed by
//! the same intake rules as folders on disk
//! (`iam_audit::evidence::intake`), and the run is the command line's
//! `evaluate` after its file reading (`commands::evaluate::evaluate_listed`),
//! on one thread. The page's worker calls it; see web/page/.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{CommandFactory, FromArgMatches};
use wasm_bindgen::prelude::*;

use iam_audit::cli::args::Cli;
use iam_audit::commands::evaluate::{self, Listed};
use iam_audit::commands::{self, Outcome, Output};
use iam_audit::engine::PolicySource;
use iam_audit::error::Error;
use iam_audit::evidence::intake::{self, Memory};
use iam_audit::evidence::source::Buffers;
use iam_audit::exec::Sequential;
use iam_audit::report::{self, table, Format, Report};
use iam_audit::results::Status;
use iam_audit::text::escape_lines;
use iam_audit::waivers::WaiverSet;

/// What a page hands over before a run: the evidence (a dropped folder's
/// files under their paths relative to the folder's parent, or picked files
/// by name), custom policies and a waivers file.
#[wasm_bindgen]
#[derive(Default)]
pub struct Inputs {
    evidence: BTreeMap<PathBuf, Vec<u8>>,
    folders: Vec<PathBuf>,
    policies: Vec<(String, Vec<u8>)>,
    waivers: Option<(String, Vec<u8>)>,
}

#[wasm_bindgen]
impl Inputs {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Inputs {
        Inputs::default()
    }

    /// An evidence file: `path` is `/`-separated, `X/a/b.json` for a file
    /// of the dropped folder `X`, `b.json` for a picked file.
    pub fn add_file(&mut self, path: &str, bytes: Vec<u8>) {
        self.evidence.insert(PathBuf::from(path), bytes);
    }

    /// A folder with nothing in it (a dropped folder's empty subfolder).
    pub fn add_folder(&mut self, path: &str) {
        self.folders.push(PathBuf::from(path));
    }

    /// A `.cedar` file, as `--policies NAME` names it.
    pub fn add_policy(&mut self, name: &str, bytes: Vec<u8>) {
        self.policies.push((name.to_string(), bytes));
    }

    /// A waivers file, as `--waivers NAME` names it.
    pub fn set_waivers(&mut self, name: &str, bytes: Vec<u8>) {
        self.waivers = Some((name.to_string(), bytes));
    }

    /// The command line this run equals, `iam-audit evaluate …` with
    /// `options` (shown to the user; quoted for a POSIX shell).
    pub fn command_line(&self, options: Vec<String>) -> String {
        let words = self.arguments(options);
        words
            .iter()
            .map(|w| shell_quote(w))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Runs `iam-audit evaluate OPTIONS PATHS` on the files held, on this
    /// thread. `progress` is called with each snapshot's name as it is
    /// judged.
    pub fn evaluate(self, options: Vec<String>, progress: &js_sys::Function) -> Evaluation {
        let words = self.arguments(options);
        let color = iam_audit::cli::clap_color(words.iter().map(Into::into));
        let parsed = Cli::command()
            .color(color)
            .try_get_matches_from(&words)
            .and_then(|mut matches| {
                Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut Cli::command()))
            });
        let cli = match parsed {
            Ok(cli) => cli,
            // As `main` prints a usage error: escaped, exit code 2.
            Err(e) => return Evaluation::failed(escape_lines(&e.render().to_string())),
        };
        let quiet = cli.quiet;
        let options = match iam_audit::cli::command(cli) {
            Ok(commands::Command::Evaluate(options)) => options,
            Ok(_) => {
                return Evaluation::failed("error: the page runs `evaluate` only\n".into());
            }
            Err(e) => return Evaluation::failed(iam_audit::cli::error_text(&e)),
        };
        let tick = |name: &str| {
            let _ = progress.call1(&JsValue::NULL, &JsValue::from_str(name));
        };
        match self.run(&options, &tick) {
            Ok(evaluated) => Evaluation::of(evaluate::outcome(options, evaluated), quiet),
            Err(e) => Evaluation::failed(iam_audit::cli::error_text(&e)),
        }
    }
}

impl Inputs {
    /// `iam-audit evaluate`, the options, the policies and waivers held,
    /// then the paths at the top of the evidence.
    fn arguments(&self, options: Vec<String>) -> Vec<String> {
        let mut words = vec!["iam-audit".to_string(), "evaluate".to_string()];
        words.extend(options);
        for (name, _) in &self.policies {
            words.extend(["--policies".to_string(), name.clone()]);
        }
        if let Some((name, _)) = &self.waivers {
            words.extend(["--waivers".to_string(), name.clone()]);
        }
        words.push("--".into());
        let memory = Memory::new(BTreeMap::new(), &self.tops());
        words.extend(
            memory
                .top()
                .iter()
                .map(|p| p.to_string_lossy().into_owned()),
        );
        words
    }

    /// Every path held, as an empty listing would hold it, for the top
    /// names alone.
    fn tops(&self) -> Vec<PathBuf> {
        self.evidence
            .keys()
            .chain(&self.folders)
            .filter_map(|p| p.components().next())
            .map(|c| PathBuf::from(c.as_os_str()))
            .collect()
    }

    /// What `commands::evaluate::evaluate` does after reading files, with
    /// the files held: the same order of checks, the same messages.
    fn run(
        self,
        options: &evaluate::Options,
        tick: &(dyn Fn(&str) + Sync),
    ) -> Result<evaluate::Evaluated, Error> {
        iam_audit::frameworks::benchmark_of(&options.frameworks)?;
        let mut sources = Vec::new();
        for (name, bytes) in self.policies {
            sources.push(PolicySource::from_bytes(name.clone(), name, bytes)?);
        }
        let pack = evaluate::pack_of(options, &sources)?;
        let waivers = match &self.waivers {
            Some((name, bytes)) => Some(WaiverSet::parse(name, name, bytes)?),
            None => None,
        };
        let memory = Memory::new(self.evidence, &self.folders);
        let paths = memory.top();
        let resolved = intake::resolve(
            &memory,
            &paths,
            &options.intake.exclude,
            options.intake.layout,
        )?;
        let listed = Listed::of(resolved)?;
        let reader = Buffers(memory.into_files());
        evaluate::evaluate_listed(options, &pack, waivers, listed, &reader, &Sequential, tick)
    }
}

/// A run's outcome, for the page: the exit code, what the command line
/// prints on stderr, and the report in any format.
#[wasm_bindgen]
pub struct Evaluation {
    code: u8,
    messages: String,
    report: Option<(Box<Report>, table::Style)>,
}

#[wasm_bindgen]
impl Evaluation {
    /// The command line's exit code: 0, 1 or 2.
    pub fn code(&self) -> u8 {
        self.code
    }

    /// What the command line prints on stderr, line by line.
    pub fn messages(&self) -> String {
        self.messages.clone()
    }

    /// Whether there is a report (an error before any snapshot was judged
    /// leaves none).
    pub fn has_report(&self) -> bool {
        self.report.is_some()
    }

    /// The report in `format` (`--format`'s names: table, json, csv,
    /// markdown, sarif, junit, html, xlsx): the bytes `-o FILE` writes.
    pub fn render(&self, format: &str) -> Result<Vec<u8>, JsError> {
        let Some((report, style)) = &self.report else {
            return Err(JsError::new("no report"));
        };
        let Some(format) = Format::ALL.into_iter().find(|f| f.name() == format) else {
            return Err(JsError::new(&format!("no format `{format}`")));
        };
        let mut out = Vec::new();
        report::write(report, format, *style, &mut out)
            .map_err(|e| JsError::new(&e.to_string()))?;
        Ok(out)
    }
}

#[wasm_bindgen]
impl Evaluation {
    /// The report at a glance, as JSON: the summary's counts and the first
    /// `limit` failing or erroring results (policy, severity, account,
    /// subject, message), in the report's order; `null` without a report.
    /// The page shows it at once, while the whole HTML report is laid out.
    pub fn glance(&self, limit: usize) -> String {
        let Some((report, _)) = &self.report else {
            return "null".into();
        };
        let failures: Vec<serde_json::Value> = report
            .results
            .iter()
            .filter(|f| matches!(f.status, Status::Fail | Status::Error))
            .take(limit)
            .map(|f| {
                serde_json::json!({
                    "status": f.status,
                    "severity": f.severity,
                    "policy": &*f.policy,
                    "account": &*f.account,
                    "subject": &*f.subject,
                    "message": &*f.message,
                })
            })
            .collect();
        serde_json::json!({ "summary": report.summary, "failures": failures }).to_string()
    }
}

impl Evaluation {
    fn failed(messages: String) -> Evaluation {
        Evaluation {
            code: 2,
            messages,
            report: None,
        }
    }

    /// As `main` prints an outcome's notes (`--quiet` keeps errors only).
    fn of(outcome: Outcome, quiet: bool) -> Evaluation {
        let mut messages = String::new();
        for note in &outcome.notes {
            if !(quiet && note.starts_with("warning:")) {
                messages.push_str(&escape_lines(note));
                messages.push('\n');
            }
        }
        let report = match outcome.output {
            Output::Report { report, style, .. } => Some((report, style)),
            Output::Text(_) => None,
        };
        Evaluation {
            code: outcome.code,
            messages,
            report,
        }
    }
}

/// A word as a POSIX shell reads it back.
fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}
