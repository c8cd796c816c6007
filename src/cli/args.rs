//! The command line's arguments (clap definitions only; `cli` turns them
//! into a command's options).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::evidence::time::Timestamp;
use crate::frameworks::Framework;
use crate::model::Thresholds;

#[derive(Debug, Parser)]
#[command(
    name = "iam-audit",
    version,
    about = "Offline policy-as-code audits of exported AWS IAM evidence, with Cedar policies",
    long_about = "Offline policy-as-code audits of exported AWS IAM evidence.\n\n\
        iam-audit reads a credential report and the output of `aws iam get-account-authorization-details`, \
        turns them into Cedar entities and access paths, evaluates versioned Cedar policies, and prints a \
        report that is byte-identical whenever the same evidence meets the same policies. It never touches \
        the network.\n\n\
        Exit codes: 0 no control failed; 1 a control failed or errored; 2 unusable input, policy or arguments."
)]
pub struct Cli {
    /// When to colour the table: `auto` (stdout is a terminal and `NO_COLOR` is unset or empty),
    /// `always` or `never`.
    #[arg(
        long,
        global = true,
        value_enum,
        ignore_case = true,
        default_value = "auto",
        value_name = "WHEN"
    )]
    pub color: ColorWhen,
    /// No progress bar and no warnings on stderr (errors are still printed; the report still
    /// lists its warnings).
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colours when stdout is a terminal and `NO_COLOR` is unset or empty.
    Auto,
    /// Colours wherever the table goes.
    Always,
    /// No colours.
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate snapshots of evidence against the policies and print a report.
    Evaluate(EvaluateArgs),
    /// Validate the policies that `evaluate` would load with the same flags.
    Validate(PolicyArgs),
    /// Print the Cedar entities of a snapshot (Cedar's JSON entity format).
    Entities(EntitiesArgs),
    /// Print the Cedar schema policies are validated against.
    Schema,
    /// Compare two JSON reports (drift): new and resolved failures, status,
    /// policy and evidence changes. Exit 1 when there is a new failure.
    Diff(DiffArgs),
    /// List the loaded controls, or a framework's requirements and what covers each.
    Policies(PoliciesArgs),
    /// List the frameworks `--framework` accepts, their sources, and how many requirements
    /// the loaded controls cover.
    Frameworks(FrameworksArgs),
    /// Print every access-path request of a snapshot (JSON; each element is a `cedar authorize --request-json` request).
    Requests(EntitiesArgs),
    /// Show everything about one subject: its requests, the attributes and context the policies saw, and each control's status and why.
    Explain(ExplainArgs),
    /// Run the policy unit tests (`*.test.json`) of a folder against its `.cedar` policies.
    Test(TestArgs),
    /// Check that a JSON report was produced from exactly these evidence files and policies, and
    /// evaluate them again with the settings it records to check every verdict
    /// (exit 0 identical, 1 something differs or cannot be replayed, 2 the report is unreadable).
    Verify(VerifyArgs),
    /// Print the completion script of a shell (`source <(iam-audit completions bash)`).
    Completions(CompletionsArgs),
    /// Print the manual page (roff) of iam-audit, or of one command: `iam-audit man | man -l -`.
    Man(ManArgs),
    /// Print a bash script that collects complete evidence with the AWS CLI v2:
    /// `iam-audit collect-script > collect.sh`, then the account owner runs
    /// `bash collect.sh OUTDIR [--profile P]... [--role-arn ARN]...`.
    CollectScript,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum, ignore_case = true)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command (`evaluate`, `diff`, ...): its own page, `iam-audit-COMMAND(1)`.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

#[derive(Debug, Args)]
pub struct PoliciesArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// List this framework's requirements in order (repeatable), with the policy that covers
    /// each and those no loaded control decides (`cis-aws-v5.0`, `nist-800-53-r5`, ...:
    /// `iam-audit frameworks`). `--benchmark` is an alias.
    #[arg(long = "framework", alias = "benchmark", value_name = "FRAMEWORK", value_parser = parse_framework)]
    pub frameworks: Vec<Framework>,
    /// Output format.
    #[arg(long, value_enum, ignore_case = true, default_value = "table")]
    pub format: TableOrJson,
}

#[derive(Debug, Args)]
pub struct FrameworksArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Output format.
    #[arg(long, value_enum, ignore_case = true, default_value = "table")]
    pub format: TableOrJson,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Evidence of one snapshot: files or a snapshot folder.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub intake: IntakeArgs,
    /// The ARN (or account id, or name) the requests are about: as result subject, principal or resource.
    #[arg(long, value_name = "ARN")]
    pub subject: String,
    /// Output format.
    #[arg(long, value_enum, ignore_case = true, default_value = "table")]
    pub format: TableOrJson,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The time the evidence describes (RFC 3339 or a date); default: the credential report's
    /// `GeneratedTime`, else the manifest's `exported_at`. Ages are measured from it.
    #[arg(long, value_name = "TIME", value_parser = parse_as_of)]
    pub as_of: Option<Timestamp>,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// A folder of `.cedar` policies and `*.test.json` tests (searched recursively).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The JSON report (`evaluate --format json`).
    #[arg(value_name = "REPORT")]
    pub report: PathBuf,
    /// The evidence, given as it was to `evaluate`: files, a snapshot folder or an organization folder.
    #[arg(required = true, value_name = "EVIDENCE_PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub intake: IntakeArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The waivers file the report should have been made with: its hash must be the one the
    /// report records (the replay uses the report's own copy either way).
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
    /// The largest file read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::cli::files::DEFAULT_MAX_INPUT_SIZE)]
    pub max_input_size: u64,
}

/// How evidence folders are taken in (every command that reads evidence).
#[derive(Debug, Args, Clone, Default)]
pub struct IntakeArgs {
    /// Leave out the files and folders whose path relative to the folder given matches GLOB
    /// (`*` any run of characters, `/` included; `?` one character; repeatable): `--exclude '*.pdf'`.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Read each folder given as an organization: every subfolder is one account's snapshot,
    /// and files at its top are ignored with a warning.
    #[arg(long, conflicts_with = "snapshot")]
    pub organization: bool,
    /// Read each folder given as one snapshot, even when its top holds only folders.
    #[arg(long)]
    pub snapshot: bool,
}

impl IntakeArgs {
    /// The intake these flags ask for, reading files within `max_input_size`.
    pub fn intake(&self, max_input_size: u64) -> crate::cli::files::Intake {
        use crate::cli::files::{ForcedLayout, Intake, Limits};
        Intake {
            exclude: self.exclude.clone(),
            layout: if self.organization {
                Some(ForcedLayout::Organization)
            } else if self.snapshot {
                Some(ForcedLayout::Snapshot)
            } else {
                None
            },
            limits: Limits { max_input_size },
        }
    }
}

#[derive(Debug, Args, Clone)]
pub struct PolicyArgs {
    /// A `.cedar` file or a folder of them, added to the built-in pack (repeatable).
    #[arg(long = "policies", value_name = "PATH")]
    pub policies: Vec<PathBuf>,
    /// Do not load the built-in policy pack.
    #[arg(long)]
    pub no_default_policies: bool,
    /// Run only the controls whose id matches (an id or a glob such as `root-*`; repeatable, or comma-separated).
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip the controls whose id matches (an id or a glob; repeatable, or comma-separated). Wins over `--select`.
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub ignore: Vec<String>,
}

impl PolicyArgs {
    /// The policy options these flags ask for.
    pub fn options(&self) -> crate::commands::PolicyOptions {
        crate::commands::PolicyOptions {
            paths: self.policies.clone(),
            no_default: self.no_default_policies,
            selection: crate::engine::Selection {
                select: self.select.clone(),
                ignore: self.ignore.clone(),
            },
        }
    }
}

/// A report format as `--format` names it (the formats are the report's:
/// [`crate::report::Format`]).
pub use crate::report::Format;

impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &Format::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let help = match self {
            Format::Table => "Tables for a terminal",
            Format::Json => "The stable JSON report (schemas/report.schema.json)",
            Format::Csv => {
                "One row per result (RFC 4180), cells neutralized against formula injection"
            }
            Format::Markdown => "An audit workpaper: scope, summary per control, failing subjects",
            Format::Sarif => {
                "SARIF 2.1.0 for code-scanning tools: one rule per policy, one result per failure"
            }
            Format::Junit => "JUnit XML for CI test reports: a suite per policy, a case per result",
            Format::Html => "One self-contained HTML page (no external assets)",
            Format::Xlsx => {
                "An Excel workbook: summary, results, evidence, controls and waivers sheets (to a file)"
            }
        };
        Some(clap::builder::PossibleValue::new(self.name()).help(help))
    }
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Evidence: files (together one snapshot), a snapshot folder, or an organization folder.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub intake: IntakeArgs,
    /// Output format.
    #[arg(long, value_enum, ignore_case = true, default_value = "table")]
    pub format: Format,
    /// Write the report to FILE (atomically) instead of stdout. Repeatable: with several, each
    /// file's format comes from its extension (`.json`, `.sarif`, `.xml` for JUnit, `.md`, `.csv`,
    /// `.html`, `.xlsx`, `.txt` for the table), and the evidence is evaluated once.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// With `--format csv`: start the file with a UTF-8 byte-order mark, so that Excel on
    /// Windows reads non-ASCII names correctly.
    #[arg(long)]
    pub csv_bom: bool,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The time the evidence describes: RFC 3339 (`2026-01-31T12:00:00Z`) or a date (`2026-01-31`, midnight UTC).
    /// Default: the credential report's `GeneratedTime`, else the manifest's `exported_at`.
    #[arg(long, value_name = "TIME", value_parser = parse_as_of)]
    pub as_of: Option<Timestamp>,
    /// A JSON file of waivers (schemas/waivers.schema.json): the failures they cover become
    /// `waived` while the evidence's as-of time is before their expiry date.
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
    /// The statuses that make the exit code 1, comma-separated
    /// (e.g. `fail,error,not-evaluated` so that a missing export breaks CI).
    #[arg(
        long,
        value_enum,
        ignore_case = true,
        value_delimiter = ',',
        default_values = ["fail", "error"],
        value_name = "STATUSES"
    )]
    pub fail_on: Vec<FailOn>,
    /// Results of controls less severe than this do not make the exit code 1 (they stay in the report).
    #[arg(long, value_enum, ignore_case = true, value_name = "SEVERITY")]
    pub min_severity: Option<SeverityArg>,
    /// Evaluate at most N account snapshots at a time, 1 to 256 (default: one per core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
    /// Change a CIS threshold, `NAME=DAYS_OR_COUNT` (repeatable): `unused-days` (45),
    /// `key-rotation-days` (90), `root-use-days` (90), `password-min-length` (14),
    /// `password-reuse` (24). The report lists the values used.
    #[arg(long = "threshold", value_name = "NAME=VALUE", value_parser = parse_threshold)]
    pub thresholds: Vec<String>,
    /// Evaluate only the controls that give evidence for this framework's requirements
    /// (repeatable), label each result with them and add the per-requirement view
    /// (`cis-aws-v5.0`, `nist-800-53-r5`, ...: `iam-audit frameworks`). `--benchmark` is an alias.
    #[arg(long = "framework", alias = "benchmark", value_name = "FRAMEWORK", value_parser = parse_framework)]
    pub frameworks: Vec<Framework>,
    /// The largest evidence file read, in bytes; a larger file is an error (exit 2).
    #[arg(long, value_name = "BYTES", default_value_t = crate::cli::files::DEFAULT_MAX_INPUT_SIZE)]
    pub max_input_size: u64,
}

/// A status `--fail-on` can name (`pass` never fails a run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Fail,
    Error,
    NotEvaluated,
    NotApplicable,
    Waived,
}

impl FailOn {
    pub fn status(self) -> crate::results::Status {
        use crate::results::Status;
        match self {
            FailOn::Fail => Status::Fail,
            FailOn::Error => Status::Error,
            FailOn::NotEvaluated => Status::NotEvaluated,
            FailOn::NotApplicable => Status::NotApplicable,
            FailOn::Waived => Status::Waived,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl SeverityArg {
    pub fn severity(self) -> crate::results::Severity {
        use crate::results::Severity;
        match self {
            SeverityArg::Critical => Severity::Critical,
            SeverityArg::High => Severity::High,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Info => Severity::Info,
        }
    }
}

/// `--format` of the commands that print a table or JSON only (`diff`,
/// `policies`, `explain`): only what they accept is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableOrJson {
    /// Tables for a terminal.
    Table,
    /// A JSON document (stable keys, sorted lists).
    Json,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier JSON report (`evaluate --format json`).
    #[arg(value_name = "OLD.json")]
    pub old: PathBuf,
    /// The later JSON report.
    #[arg(value_name = "NEW.json")]
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, ignore_case = true, default_value = "table")]
    pub format: TableOrJson,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also exit 1 when a failure of OLD is no longer evaluated in NEW (its
    /// evidence, as-of time, control or account went missing): for CI gates
    /// that must not read a loss of evidence as a fix.
    #[arg(long)]
    pub fail_on_lost: bool,
}

#[derive(Debug, Args)]
pub struct EntitiesArgs {
    /// Evidence of one snapshot: files or a snapshot folder.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub intake: IntakeArgs,
    /// Write to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The time the evidence describes (RFC 3339 or a date); default: the credential report's
    /// `GeneratedTime`, else the manifest's `exported_at`. Ages are measured from it.
    #[arg(long, value_name = "TIME", value_parser = parse_as_of)]
    pub as_of: Option<Timestamp>,
}

fn parse_threshold(s: &str) -> Result<String, String> {
    Thresholds::default().set(s).map(|_| s.to_string())
}

fn parse_framework(s: &str) -> Result<Framework, String> {
    Framework::parse(s)
}

fn parse_as_of(s: &str) -> Result<Timestamp, String> {
    Timestamp::parse(s)
        .map_err(|e| format!("{e}; use RFC 3339 (`2026-01-31T12:00:00Z`) or a date (`2026-01-31`)"))
}
