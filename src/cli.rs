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
    /// Check that a JSON report was produced from exactly these evidence files and policies
    /// (exit 0 identical, 1 something differs, 2 the report is unreadable).
    Verify(VerifyArgs),
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
    pub policy: PolicyArgs,
    /// The largest file read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::evidence::read::DEFAULT_MAX_INPUT_SIZE)]
    pub max_input_size: u64,
}

#[derive(Debug, Args, Clone)]
pub struct PolicyArgs {
    /// A `.cedar` file or a folder of them, added to the built-in pack (repeatable).
    #[arg(long = "policies", value_name = "PATH")]
    pub policies: Vec<PathBuf>,
    /// Do not load the built-in policy pack.
    #[arg(long)]
    pub no_default_policies: bool,
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
    /// The largest evidence file read, in bytes; a larger file is an error (exit 2).
    #[arg(long, value_name = "BYTES", default_value_t = crate::evidence::read::DEFAULT_MAX_INPUT_SIZE)]
    pub max_input_size: u64,
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
