//! The command line (clap definitions only; `main` dispatches).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::evidence::time::Timestamp;

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
    #[command(subcommand)]
    pub command: Command,
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
    /// Print every access-path request of a snapshot (JSON; each element is a `cedar authorize --request-json` request).
    Requests(EntitiesArgs),
    /// Show everything about one subject: its requests, the attributes and context the policies saw, and each control's status and why.
    Explain(ExplainArgs),
    /// Run the policy unit tests (`*.test.json`) of a folder against its `.cedar` policies.
    Test(TestArgs),
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Evidence of one snapshot: files or a snapshot folder.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The ARN (or account id, or name) the requests are about: as result subject, principal or resource.
    #[arg(long, value_name = "ARN")]
    pub subject: String,
    /// Output format: `table` (text) or `json`.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[arg(long, value_name = "TIME", value_parser = parse_as_of)]
    pub as_of: Option<Timestamp>,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// A folder of `.cedar` policies and `*.test.json` tests (searched recursively).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
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
    /// The selection these flags ask for.
    pub fn selection(&self) -> crate::engine::Selection {
        crate::engine::Selection {
            select: self.select.clone(),
            ignore: self.ignore.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables for a terminal.
    Table,
    /// The stable JSON report (schemas/report.schema.json).
    Json,
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Evidence: files (together one snapshot), a snapshot folder, or an organization folder.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The time the evidence describes: RFC 3339 (`2026-01-31T12:00:00Z`) or a date (`2026-01-31`, midnight UTC).
    /// Default: the credential report's `GeneratedTime`.
    #[arg(long, value_name = "TIME", value_parser = parse_as_of)]
    pub as_of: Option<Timestamp>,
}

#[derive(Debug, Args)]
pub struct EntitiesArgs {
    /// Evidence of one snapshot: files or a snapshot folder.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Write to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[arg(long, value_name = "TIME", value_parser = parse_as_of)]
    pub as_of: Option<Timestamp>,
}

fn parse_as_of(s: &str) -> Result<Timestamp, String> {
    Timestamp::parse(s)
        .map_err(|e| format!("{e}; use RFC 3339 (`2026-01-31T12:00:00Z`) or a date (`2026-01-31`)"))
}
