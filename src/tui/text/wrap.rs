//! Fitting styled text to a width: word wrapping for prose, hard wrapping for code.

use ratatui::style::Style;
use ratatui::text::Span;
use unicode_width::UnicodeWidthChar;

/// One wrapped line, as styled spans.
pub type Row = Vec<Span<'static>>;

/// Word-wraps styled text to `width` columns. Runs of spaces become one space, a `\n` forces
/// a break, and a word longer than a line is cut.
pub fn wrap(spans: &[Span<'_>], width: usize) -> Vec<Row> {
    let mut w = WordWrap {
        width: width.max(1),
        rows: Vec::new(),
        row: RowBuilder::default(),
        word: Vec::new(),
        space: None,
    };
    for span in spans {
        for c in span.content.chars() {
            match c {
                '\n' => {
                    w.place_word();
                    w.rows.push(w.row.take());
                    w.space = None;
                }
                c if c.is_whitespace() => {
                    w.place_word();
                    w.space.get_or_insert(span.style);
                }
                c => w.word.push((span.style, c)),
            }
        }
    }
    w.place_word();
    if w.row.width > 0 || w.rows.is_empty() {
        w.rows.push(w.row.take());
    }
    w.rows
}

/// The state of [`wrap`].
struct WordWrap {
    width: usize,
    rows: Vec<Row>,
    row: RowBuilder,
    /// The word being collected.
    word: Vec<(Style, char)>,
    /// The style of the space before it, if there was one.
    space: Option<Style>,
}

impl WordWrap {
    /// Puts the collected word on this line if it fits, else on the next; cuts it if no
    /// line can hold it.
    fn place_word(&mut self) {
        if self.word.is_empty() {
            return;
        }
        let w: usize = self.word.iter().map(|(_, c)| char_width(*c)).sum();
        if self.row.width > 0 && self.row.width + 1 + w <= self.width {
            self.row.push(self.space.unwrap_or_default(), ' ');
        } else if self.row.width > 0 {
            self.rows.push(self.row.take());
        }
        for (style, c) in self.word.drain(..) {
            if self.row.width + char_width(c) > self.width && self.row.width > 0 {
                self.rows.push(self.row.take());
            }
            self.row.push(style, c);
        }
        self.space = None;
    }
}

/// Cuts styled text into lines of exactly `width` columns (the last shorter), keeping every
/// space: code must stay as written.
pub fn hard_wrap(spans: &[Span<'_>], width: usize) -> Vec<Row> {
    let width = width.max(1);
    let mut rows = Vec::new();
    let mut row = RowBuilder::default();
    for span in spans {
        for c in span.content.chars() {
            if row.width + char_width(c) > width && row.width > 0 {
                rows.push(row.take());
            }
            row.push(span.style, c);
        }
    }
    rows.push(row.take());
    rows
}

/// Cuts styled text into lines of at most `width` columns, keeping its spacing (code and
/// the server's output stay as written), at a space where the line has one: the space the
/// line breaks at is not drawn. A word is cut only when no line can hold it.
pub fn soft_wrap(spans: &[Span<'_>], width: usize) -> Vec<Row> {
    let width = width.max(1);
    let chars: Vec<(Style, char)> =
        spans.iter().flat_map(|s| s.content.chars().map(move |c| (s.style, c))).collect();
    let mut rows = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut end = start;
        let mut used = 0;
        while end < chars.len() && (end == start || used + char_width(chars[end].1) <= width) {
            used += char_width(chars[end].1);
            end += 1;
        }
        // A space breaks the line only after some text on it, not in its indentation.
        let text_before = |i: usize| chars[start..i].iter().any(|(_, c)| *c != ' ');
        let (cut, next) = if end == chars.len() {
            (end, end)
        } else if chars[end].1 == ' ' && text_before(end) {
            (end, end + 1)
        } else {
            // The line's last such space; without one the word is too long: cut it.
            match (start + 1..end).rev().find(|&i| chars[i].1 == ' ' && text_before(i)) {
                Some(space) => (space, space + 1),
                None => (end, end),
            }
        };
        let mut row = RowBuilder::default();
        for (style, c) in &chars[start..cut] {
            row.push(*style, *c);
        }
        rows.push(row.take());
        start = next;
    }
    if rows.is_empty() {
        rows.push(Vec::new());
    }
    rows
}

/// The width of styled text in columns.
pub fn width(spans: &[Span<'_>]) -> usize {
    spans.iter().map(Span::width).sum()
}

/// Cuts a string to `max` columns, ending it with `…` when something was cut.
pub fn truncate(text: &str, max: usize) -> String {
    if unicode_width::UnicodeWidthStr::width(text) <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        if used + char_width(c) + 1 > max {
            break;
        }
        used += char_width(c);
        out.push(c);
    }
    if max > 0 {
        out.push('…');
    }
    out
}

/// Cuts a string to `max` columns from the front, starting it with `…` when something was
/// cut: for paths, whose end says the most.
pub fn truncate_start(text: &str, max: usize) -> String {
    let reversed: String = text.chars().rev().collect();
    truncate(&reversed, max).chars().rev().collect()
}

fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// A line being filled, merging neighbouring characters of the same style into one span.
#[derive(Default)]
struct RowBuilder {
    spans: Vec<(Style, String)>,
    width: usize,
}

impl RowBuilder {
    fn push(&mut self, style: Style, c: char) {
        match self.spans.last_mut() {
            Some((s, text)) if *s == style => text.push(c),
            _ => self.spans.push((style, c.to_string())),
        }
        self.width += char_width(c);
    }

    fn take(&mut self) -> Row {
        self.width = 0;
        self.spans.drain(..).map(|(style, text)| Span::styled(text, style)).collect()
    }
}

#[cfg(test)]
mod tests {
    use ratatui::style::{Modifier, Style};

    use super::*;

    fn plain(rows: &[Row]) -> Vec<String> {
        rows.iter().map(|r| r.iter().map(|s| s.content.as_ref()).collect()).collect()
    }

    #[test]
    fn wraps_at_word_boundaries_and_keeps_styles() {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let spans =
            [Span::raw("the "), Span::styled("binary log", bold), Span::raw(", read by slaves")];
        let rows = wrap(&spans, 12);
        assert_eq!(plain(&rows), ["the binary", "log, read by", "slaves"]);
        assert_eq!(rows[0][1], Span::styled("binary", bold));
        assert_eq!(rows[1][0], Span::styled("log", bold));
    }

    #[test]
    fn long_words_are_cut_and_newlines_break() {
        assert_eq!(plain(&wrap(&[Span::raw("abcdefghij xy")], 4)), ["abcd", "efgh", "ij", "xy"]);
        assert_eq!(plain(&wrap(&[Span::raw("one\ntwo  three")], 20)), ["one", "two three"]);
        assert_eq!(plain(&wrap(&[], 5)), [""]);
    }

    #[test]
    fn hard_wrap_keeps_spaces() {
        let rows = hard_wrap(&[Span::raw("  SELECT  1")], 5);
        assert_eq!(plain(&rows), ["  SEL", "ECT  ", "1"]);
    }

    #[test]
    fn soft_wrap_breaks_at_spaces_and_keeps_the_rest_of_the_spacing() {
        let wrap = |text: &str, width| plain(&soft_wrap(&[Span::raw(text)], width));
        assert_eq!(wrap("INSERT INTO t VALUES ('four');", 24), ["INSERT INTO t VALUES", "('four');"]);
        assert_eq!(wrap("    SELECT  1,  2", 12), ["    SELECT ", "1,  2"]);
        assert_eq!(
            wrap("Note (Code 4190): the value of 'Using_Gtid' changed", 30),
            ["Note (Code 4190): the value of", "'Using_Gtid' changed"]
        );
        assert_eq!(wrap("abcdefghij xy", 4), ["abcd", "efgh", "ij", "xy"], "a long word is cut");
        assert_eq!(wrap("        abcdefgh", 6), ["      ", "  abcd", "efgh"], "no text to break after");
        assert_eq!(wrap("", 5), [""]);
    }

    #[test]
    fn wide_characters_count_twice() {
        assert_eq!(plain(&wrap(&[Span::raw("日本語 ok")], 6)), ["日本語", "ok"]);
        assert_eq!(truncate("replication", 6), "repli…");
        assert_eq!(truncate("short", 6), "short");
        assert_eq!(truncate_start("/home/me/sqlcourse/day20", 12), "…ourse/day20");
    }
}
