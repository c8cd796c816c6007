//! `iam-audit completions SHELL`: the shell's completion script, generated
//! from the command line's own definitions (so it never lists a command or
//! a value the binary does not accept).

use super::Outcome;

pub struct Options {
    /// The command line's definitions (`clap::CommandFactory::command`).
    pub cli: clap::Command,
    pub shell: clap_complete::Shell,
}

pub fn run(options: Options) -> Outcome {
    let Options { mut cli, shell } = options;
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cli, "iam-audit", &mut out);
    Outcome::text(String::from_utf8_lossy(&out).into_owned(), 0)
}
