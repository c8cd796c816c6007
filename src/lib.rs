//! iam-audit: an offline policy-as-code engine for exported AWS IAM evidence.
//!
//! The pipeline, one module per stage, data flowing one way:
//!
//! ```text
//! files ─[evidence]→ typed evidence ─[model]→ Cedar entities + access-path requests
//! policies ─[engine::load]→ validated PolicySet ─┐
//!                                                 └─[engine::evaluate]→ findings ─[report]→ renderers
//! ```
//!
//! [`run`] strings the stages together for the command line and the tests.

pub mod catalogue;
pub mod cli;
pub mod diff;
pub mod engine;
pub mod error;
pub mod evidence;
pub mod exit_policy;
pub mod glob;
pub mod inspect;
pub mod model;
pub mod parallel;
pub mod policytest;
pub mod progress;
pub mod report;
pub mod run;
pub mod verify;
pub mod waivers;
