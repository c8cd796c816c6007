//! `iam-audit`: parses the command line, runs the command, writes its
//! output and exits with its code (0 clean, 1 a control failed or errored,
//! 2 unusable input, policy or arguments). All the work is in the library.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use iam_audit::cli::{self, args::Cli, output};
use iam_audit::commands;

/// Normalizing a large account allocates millions of small strings and Cedar
/// values; mimalloc serves them faster than the system allocator (measured in
/// BENCHMARKS.md). Its 2.x series (the `v2` feature) is used: on the largest
/// account it holds 4 MiB less at the peak than 3.x on both cores and 30 MiB
/// less on one, at the same speed. (A WebAssembly build keeps its own.)
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // clap's own help and errors follow `--color` too, so it is read
    // before the parse.
    let definitions = Cli::command().color(cli::clap_color(std::env::args_os()));
    let parsed = definitions.try_get_matches().and_then(|mut matches| {
        Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut Cli::command()))
    });
    let args = match parsed {
        Ok(args) => args,
        // A usage error quotes what was typed, which may be a pasted name
        // holding escape sequences: shown escaped, as every other error.
        Err(e) if e.use_stderr() => {
            eprint!("{}", iam_audit::text::escape_lines(&e.render().to_string()));
            return ExitCode::from(2);
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(0);
        }
    };
    // `--quiet` keeps errors: only the notes that are warnings go.
    let quiet = args.quiet;
    let outcome = cli::command(args).and_then(commands::run);
    let written = outcome.and_then(|outcome| {
        // On a terminal the notes (warnings, unusable accounts) come after
        // the output, where they are not scrolled away; elsewhere first, as
        // a log reads best.
        let notes_last = outcome.destination.is_none() && std::io::stdout().is_terminal();
        // Commands escape what they put in a note; escaping again here
        // changes nothing then, and makes sure of it. `--quiet` keeps errors:
        // only the notes that are warnings go.
        let print_notes = || {
            for note in &outcome.notes {
                if !(quiet && note.starts_with("warning:")) {
                    eprintln!("{}", iam_audit::text::escape_lines(note));
                }
            }
        };
        if !notes_last {
            print_notes();
        }
        output::write(&outcome.output, outcome.destination.as_deref())?;
        // Several `-o`: the same report in each file's format.
        if let commands::Output::Report { report, style, .. } = &outcome.output {
            for (format, path) in &outcome.more_destinations {
                output::write_with(Some(path), |w| {
                    iam_audit::report::write(report, *format, *style, w)
                })?;
            }
        }
        if notes_last {
            print_notes();
        }
        let code = outcome.code;
        // The process exits next, and the system takes the memory back
        // whole: freeing a large account's 36,000 results string by string
        // only delays the exit (3 ms, interleaved runs).
        std::mem::forget(outcome);
        Ok(code)
    });
    match written {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprint!("{}", cli::error_text(&e));
            ExitCode::from(2)
        }
    }
}
