//! Text from evidence made safe to show: a leaf every stage and face may
//! use (renderers, error messages, the progress bar).

/// Makes evidence-controlled text safe to print on a terminal or in a
/// one-line cell: control characters (newlines, escape sequences that could
/// rewrite the screen) become visible escapes.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_bidi_control(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Text made of lines, each escaped as [`escape_text`] escapes it, the line
/// breaks kept: for text whose line breaks are the tool's own (a rendered
/// policy diagnostic, a note with its help line).
pub fn escape_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&escape_text(line));
    }
    out
}

/// Text safe in HTML or XML content and quoted attributes: control
/// characters shown as [`escape_text`] shows them, `&` `<` `>` `"` as
/// entities, `'` as `apostrophe` (`&#39;` in HTML, `&apos;` in XML), and the
/// characters `also_escaped` picks as `\u{..}`.
pub fn escape_markup(text: &str, apostrophe: &str, also_escaped: impl Fn(char) -> bool) -> String {
    let visible = escape_text(text);
    let mut out = String::with_capacity(visible.len() + 16);
    for c in visible.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str(apostrophe),
            c if also_escaped(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Unicode bidirectional controls can make a name read differently from
/// what it is ("Trojan Source"); show them as escapes too.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_control_and_bidi_characters() {
        assert_eq!(escape_text("a\nb\x1b[31m"), "a\\nb\\u{1b}[31m");
        assert_eq!(escape_text("x\u{202E}y"), "x\\u{202e}y");
        assert_eq!(
            escape_text("émile+ops@example.com"),
            "émile+ops@example.com"
        );
    }

    #[test]
    fn escape_lines_keeps_line_breaks_and_escapes_the_rest() {
        assert_eq!(
            escape_lines("a\x1b]52;c;x\x07\n  help: \u{202e}b\r"),
            "a\\u{1b}]52;c;x\\u{7}\n  help: \\u{202e}b\\r"
        );
        // Escaped text escapes to itself: escaping twice changes nothing.
        let once = escape_text("x\x1b[2J\u{202e}");
        assert_eq!(escape_text(&once), once);
    }
}
