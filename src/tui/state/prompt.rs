//! The console's input: multi-line text with a cursor, edited one key at a time.

use unicode_width::UnicodeWidthStr;

/// Spaces a tab becomes: a tab's width depends on the terminal, spaces do not.
const TAB: &str = "    ";

/// Text being typed, and where the cursor is in it (a byte offset on a character boundary).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prompt {
    text: String,
    cursor: usize,
}

impl Prompt {
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether nothing but whitespace was typed.
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// Replaces the text, with the cursor at its end.
    pub fn set(&mut self, text: &str) {
        self.text = clean(text);
        self.cursor = self.text.len();
    }

    /// Takes the text out, leaving the prompt empty.
    pub fn take(&mut self) -> String {
        self.cursor = 0;
        std::mem::take(&mut self.text)
    }

    /// Types text at the cursor (line breaks kept, tabs as spaces, other control characters
    /// dropped).
    pub fn insert(&mut self, text: &str) {
        let text = clean(text);
        self.text.insert_str(self.cursor, &text);
        self.cursor += text.len();
    }

    pub fn backspace(&mut self) {
        if let Some(c) = self.text[..self.cursor].chars().next_back() {
            self.cursor -= c.len_utf8();
            self.text.remove(self.cursor);
        }
    }

    pub fn delete(&mut self) {
        if self.cursor < self.text.len() {
            self.text.remove(self.cursor);
        }
    }

    pub fn left(&mut self) {
        if let Some(c) = self.text[..self.cursor].chars().next_back() {
            self.cursor -= c.len_utf8();
        }
    }

    pub fn right(&mut self) {
        if let Some(c) = self.text[self.cursor..].chars().next() {
            self.cursor += c.len_utf8();
        }
    }

    /// To the start of the cursor's line.
    pub fn home(&mut self) {
        self.cursor = self.line_start();
    }

    /// To the end of the cursor's line.
    pub fn end(&mut self) {
        self.cursor += self.text[self.cursor..].find('\n').unwrap_or(self.text.len() - self.cursor);
    }

    /// Back to the start of the word before the cursor (letters, digits and `_`), as
    /// readline's Alt-B.
    pub fn word_left(&mut self) {
        let before = &self.text[..self.cursor];
        let end = before.trim_end_matches(|c: char| !is_word(c)).len();
        self.cursor = before[..end].trim_end_matches(is_word).len();
    }

    /// On to the end of the word after the cursor, as readline's Alt-F.
    pub fn word_right(&mut self) {
        let after = &self.text[self.cursor..];
        let gap = after.len() - after.trim_start_matches(|c: char| !is_word(c)).len();
        let rest = &after[gap..];
        self.cursor += gap + (rest.len() - rest.trim_start_matches(is_word).len());
    }

    /// Cuts from the start of the whitespace-separated word before the cursor to the cursor,
    /// as readline's Ctrl-W; returns what was cut.
    pub fn cut_word_before(&mut self) -> String {
        let before = &self.text[..self.cursor];
        let end = before.trim_end_matches(' ').len();
        let start = before[..end].trim_end_matches(|c: char| !c.is_whitespace()).len();
        self.cut(start, self.cursor)
    }

    /// Cuts from the cursor to the end of its line (the line break itself when the cursor is at
    /// the end), as readline's Ctrl-K.
    pub fn cut_to_end(&mut self) -> String {
        let end = match self.text[self.cursor..].find('\n') {
            Some(0) => self.cursor + 1,
            Some(n) => self.cursor + n,
            None => self.text.len(),
        };
        self.cut(self.cursor, end)
    }

    /// Cuts from the start of the cursor's line to the cursor, as readline's Ctrl-U.
    pub fn cut_to_start(&mut self) -> String {
        self.cut(self.line_start(), self.cursor)
    }

    fn cut(&mut self, start: usize, end: usize) -> String {
        let cut: String = self.text.drain(start..end).collect();
        self.cursor = start;
        cut
    }

    /// Up a line, keeping the column where the line is long enough; false on the first line.
    pub fn up(&mut self) -> bool {
        let start = self.line_start();
        if start == 0 {
            return false;
        }
        let column = self.text[start..self.cursor].chars().count();
        let above = self.text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
        self.cursor = at_column(&self.text, above, column);
        true
    }

    /// Down a line, keeping the column where the line is long enough; false on the last line.
    pub fn down(&mut self) -> bool {
        let Some(newline) = self.text[self.cursor..].find('\n') else {
            return false;
        };
        let column = self.text[self.line_start()..self.cursor].chars().count();
        self.cursor = at_column(&self.text, self.cursor + newline + 1, column);
        true
    }

    /// The cursor's line and column (in terminal cells), both from 0.
    pub fn cursor_position(&self) -> (usize, usize) {
        let before = &self.text[..self.cursor];
        let row = before.matches('\n').count();
        (row, before[self.line_start()..].width())
    }

    /// How many lines the text takes (at least one).
    pub fn line_count(&self) -> usize {
        self.text.matches('\n').count() + 1
    }

    fn line_start(&self) -> usize {
        self.text[..self.cursor].rfind('\n').map_or(0, |i| i + 1)
    }
}

/// The byte offset of `column` characters into the line starting at `start`, or the line's end.
fn at_column(text: &str, start: usize, column: usize) -> usize {
    let line = &text[start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    start + line.char_indices().nth(column).map_or(line.len(), |(i, _)| i)
}

/// What Alt-B and Alt-F count as part of a word.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Text as the prompt keeps it: `\n` line breaks, spaces for tabs, no other control characters.
fn clean(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n").replace('\t', TAB);
    text.chars().filter(|c| *c == '\n' || !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> Prompt {
        let mut p = Prompt::default();
        p.insert(text);
        p
    }

    #[test]
    fn typing_goes_in_at_the_cursor() {
        let mut p = typed("SELEC 1;");
        for _ in 0..3 {
            p.left();
        }
        p.insert("T");
        assert_eq!(p.text(), "SELECT 1;");
        p.end();
        p.backspace();
        assert_eq!(p.text(), "SELECT 1");
        p.home();
        p.delete();
        assert_eq!(p.text(), "ELECT 1");
        assert_eq!(p.cursor_position(), (0, 0));
    }

    #[test]
    fn characters_wider_than_a_byte_are_whole() {
        let mut p = typed("'é€'");
        p.left();
        p.backspace();
        assert_eq!(p.text(), "'é'");
        assert_eq!(p.cursor_position(), (0, 2));
        p.left();
        p.left();
        p.left();
        p.left();
        assert_eq!(p.cursor_position(), (0, 0));
        p.right();
        p.right();
        assert_eq!(p.cursor_position(), (0, 2));
    }

    #[test]
    fn up_and_down_move_between_lines_and_say_when_they_cannot() {
        let mut p = typed("CHANGE MASTER TO\n  X=1,\nY=2;");
        assert_eq!(p.cursor_position(), (2, 4));
        assert!(!p.down(), "already on the last line");
        assert!(p.up());
        assert_eq!(p.cursor_position(), (1, 4));
        assert!(p.up());
        assert_eq!(p.cursor_position(), (0, 4));
        assert!(!p.up(), "already on the first line");
        p.end();
        assert!(p.down());
        assert_eq!(p.cursor_position(), (1, 6), "a shorter line puts the cursor at its end");
        assert_eq!(p.line_count(), 3);
    }

    #[test]
    fn pasted_text_keeps_lines_and_loses_control_characters() {
        let p = typed("SELECT 1\r\n\tFROM t\x07;");
        assert_eq!(p.text(), "SELECT 1\n    FROM t;");
    }

    #[test]
    fn set_and_take_replace_the_text() {
        let mut p = typed("old");
        p.set("SHOW SLAVE STATUS\\G");
        assert_eq!(p.cursor_position(), (0, 19));
        assert!(!p.is_blank());
        assert_eq!(p.take(), "SHOW SLAVE STATUS\\G");
        assert!(p.is_blank());
        assert_eq!(p.cursor_position(), (0, 0));
    }

    #[test]
    fn words_are_crossed_and_cut_as_readline_does() {
        let mut p = typed("SELECT @@server_id, 'a b';");
        p.word_left();
        assert_eq!(p.cursor_position(), (0, 23), "back over `;'` to the start of b");
        p.word_left();
        p.word_left();
        assert_eq!(p.cursor_position(), (0, 9), "server_id is one word");
        p.word_right();
        assert_eq!(p.cursor_position(), (0, 18));
        p.end();
        assert_eq!(p.cut_word_before(), "b';");
        assert_eq!(p.cut_word_before(), "'a ");
        assert_eq!(p.text(), "SELECT @@server_id, ");
        p.home();
        p.word_right();
        assert_eq!(p.cut_to_end(), " @@server_id, ");
        assert_eq!(p.text(), "SELECT");
        assert_eq!(p.cut_to_start(), "SELECT");
        assert!(p.text().is_empty());
    }

    #[test]
    fn cutting_to_the_ends_stays_on_the_cursor_s_line_then_takes_its_break() {
        let mut p = typed("STOP SLAVE;\nSTART SLAVE;");
        assert_eq!(p.cut_to_start(), "START SLAVE;");
        assert_eq!(p.text(), "STOP SLAVE;\n");
        p.up();
        p.end();
        assert_eq!(p.cut_to_end(), "\n", "at a line's end, the break");
        assert_eq!(p.text(), "STOP SLAVE;");
    }
}
