//! `iam-audit schema`: the Cedar schema policies are validated against.

use super::Outcome;

pub fn run() -> Outcome {
    Outcome::text(crate::engine::SCHEMA_TEXT.to_string(), 0)
}
