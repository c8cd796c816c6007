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
    let mut script = String::from_utf8_lossy(&out).into_owned();
    if shell == clap_complete::Shell::Bash {
        // clap_complete spells a hyphenated program's state two ways in bash
        // (`iam__audit__subcmd__explain` where it is set,
        // `iam__subcmd__audit__subcmd__explain` where it is matched: clap
        // issue 6421), so nothing after a command would complete. One
        // spelling it is.
        script = script.replace("iam__subcmd__audit", "iam__audit");
    }
    Outcome::text(script, 0)
}
