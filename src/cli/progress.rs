//! A progress bar on stderr while an organization's accounts are evaluated.
//!
//! Drawn only when asked to (`main` asks when stderr is a terminal and
//! `--quiet` is not given), so piped output, CI logs and tests never see it,
//! and never on stdout, where the report goes. Hand-written rather than a
//! crate: one line redrawn with `\r` per finished account is all it does.
//! The line is cut to the terminal's width (read at every redraw, so a
//! resized terminal is followed): a line that wrapped would leave its first
//! half behind at each redraw, since `\r` only returns to the start of the
//! last screen line.

use std::io::Write;
use std::sync::Mutex;

use crate::text::escape_text;

const WIDTH: usize = 30;

/// The width assumed when the terminal's cannot be read.
const FALLBACK_COLUMNS: usize = 80;

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
        let line = render(*done, self.total, name, stderr_columns());
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

/// The width of the terminal on stderr.
fn stderr_columns() -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size_of(std::io::stderr()) {
        return usize::from(w);
    }
    FALLBACK_COLUMNS
}

/// Columns a character may take: one for ASCII, two for anything else (a
/// wide character counted as narrow would make the line wrap).
fn columns_of(c: char) -> usize {
    if c.is_ascii() {
        1
    } else {
        2
    }
}

/// e.g. `evaluating [##########--------------------] 1/3 prod`, in fewer
/// than `columns` columns (the last column is left free: writing into it
/// makes some terminals wrap). Narrow terminals lose the bar, then the name.
fn render(done: usize, total: usize, name: &str, columns: usize) -> String {
    let room = columns.saturating_sub(1);
    let count = format!("{done}/{total}");
    let bar_width = if room >= 60 { WIDTH } else { 10 };
    let filled = (done * bar_width)
        .checked_div(total)
        .unwrap_or(bar_width)
        .min(bar_width);
    let with_bar = format!(
        "evaluating [{}{}] {count}",
        "#".repeat(filled),
        "-".repeat(bar_width - filled)
    );
    let head = if with_bar.len() + 10 <= room {
        with_bar
    } else if count.len() + 11 <= room {
        format!("evaluating {count}")
    } else {
        return count.chars().take(room).collect();
    };
    let mut line = head;
    // The name in what is left, 40 columns at most, cut with `…`.
    let available = room.saturating_sub(line.len() + 1).min(40);
    let escaped = escape_text(name);
    if available >= 2 && !escaped.is_empty() {
        let shown = if escaped.chars().map(columns_of).sum::<usize>() <= available {
            escaped
        } else {
            let mut cut = String::new();
            let mut used = 0;
            for c in escaped.chars() {
                if used + columns_of(c) > available - 1 {
                    break;
                }
                used += columns_of(c);
                cut.push(c);
            }
            cut + "…"
        };
        line.push(' ');
        line.push_str(&shown);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(line: &str) -> usize {
        line.chars()
            .map(|c| if c == '…' { 1 } else { columns_of(c) })
            .sum()
    }

    #[test]
    fn never_reaches_the_last_column_of_a_narrow_terminal() {
        let name = "222222222222-a-very-long-account-folder-name-日本語-and-more";
        for width in 1..=120 {
            let line = render(7, 300, name, width);
            assert!(
                columns(&line) < width.max(1) || line.is_empty(),
                "{width}: `{line}` takes {} columns",
                columns(&line)
            );
        }
        assert_eq!(render(7, 300, name, 20), "evaluating 7/300 2…");
        assert_eq!(render(7, 300, name, 8), "7/300");
        assert!(render(7, 300, name, 50).starts_with("evaluating [----------] 7/300 222"));
    }

    #[test]
    fn renders_the_share_done_and_an_escaped_name() {
        assert_eq!(
            render(1, 3, "prod\x1b[2J", 120),
            format!(
                "evaluating [{}{}] 1/3 prod\\u{{1b}}[2J",
                "#".repeat(10),
                "-".repeat(20)
            )
        );
        assert_eq!(
            render(3, 3, "x", 120),
            format!("evaluating [{}] 3/3 x", "#".repeat(30))
        );
    }
}
