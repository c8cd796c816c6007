//! iam-audit: an offline policy-as-code engine for exported AWS IAM evidence.
//!
//! The house, low to high; every arrow points down, never up:
//!
//! ```text
//! evidence   bytes of exported files → typed, validated evidence
//! model      evidence → Cedar entities + access-path requests
//! engine     policies loaded and validated; requests judged by Cedar
//! results    findings, statuses, severities, the exit policy
//! waivers, catalogue   questions the report asks of findings
//! report     findings assembled and labelled into a report; one renderer per format
//! pipeline   the stages strung together: bytes in, report out (no I/O, no threads)
//! commands   one module per subcommand: typed options in, output and exit code out
//! cli        the command-line face: arguments, files, threads, progress, output
//! ```
//!
//! `exec` (how parallel parts run), `status` (statuses and severities),
//! `text` (escaping) and `glob` (one glob matcher) are ground every stage
//! stands on. See docs/architecture.md for where a new control,
//! export, format or command goes.

pub mod catalogue;
pub mod cli;
pub mod commands;
pub mod engine;
pub mod error;
pub mod evidence;
pub mod exec;
pub mod framework_data;
pub mod frameworks;
pub mod glob;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod results;
pub mod status;
pub mod text;
pub mod waivers;
