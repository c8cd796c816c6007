//! A progress bar on stderr while an organization's accounts are evaluated.
//!
//! Drawn only when asked to (`main` asks when stderr is a terminal), so
//! piped output, CI logs and tests never see it, and never on stdout, where
//! the report goes. Hand-written rather than a crate: one line redrawn with
//! `\r` per finished account is all it does.

use std::io::Write;
use std::sync::Mutex;

use crate::text::escape_text;

const WIDTH: usize = 30;

pub struct Bar {
    total: usize,
    enabled: bool,
    done: Mutex<usize>,
}

impl Bar {
    pub fn new(total: usize, enabled: bool) -> Bar {
        Bar {
            total,
            enabled: enabled && total > 0,
            done: Mutex::new(0),
        }
    }

    /// One more snapshot finished (called from worker threads).
    pub fn tick(&self, name: &str) {
        if !self.enabled {
            return;
        }
        let mut done = self.done.lock().unwrap_or_else(|e| e.into_inner());
        *done += 1;
        let line = render(*done, self.total, name);
        let mut err = std::io::stderr().lock();
        // A progress bar that cannot be drawn is not worth failing a run for.
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
    }

    /// Clears the bar, leaving stderr as it was.
    pub fn finish(&self) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

/// e.g. `evaluating [##########--------------------] 1/3 prod`.
fn render(done: usize, total: usize, name: &str) -> String {
    let filled = (done * WIDTH)
        .checked_div(total)
        .unwrap_or(WIDTH)
        .min(WIDTH);
    let mut shown = escape_text(name);
    if shown.chars().count() > 40 {
        shown = shown.chars().take(39).collect::<String>() + "…";
    }
    format!(
        "evaluating [{}{}] {done}/{total} {shown}",
        "#".repeat(filled),
        "-".repeat(WIDTH - filled)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_share_done_and_an_escaped_name() {
        assert_eq!(
            render(1, 3, "prod\x1b[2J"),
            format!(
                "evaluating [{}{}] 1/3 prod\\u{{1b}}[2J",
                "#".repeat(10),
                "-".repeat(20)
            )
        );
        assert_eq!(
            render(3, 3, "x"),
            format!("evaluating [{}] 3/3 x", "#".repeat(30))
        );
    }
}
