//! The SQL console's state: the input, the inputs run before, what they gave back, and the
//! server they go to. Statements run on workers; this only keeps what the screen shows.

use std::collections::BTreeSet;

use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::tui::action::Edit;
use crate::tui::text::highlight::highlight;
use crate::tui::state::prompt::Prompt;
use crate::tui::draw::theme::Theme;
use crate::tui::state::transcript::{Entry, Tone, Transcript};
use crate::tui::text::wrap::{hard_wrap, width as spans_width};
use crate::sql::{History, Run, is_complete};

/// Lines the input grows to before it scrolls.
pub const MAX_INPUT_ROWS: usize = 6;

/// The console.
#[derive(Debug)]
pub struct Console {
    /// The server inputs are sent to.
    pub target: String,
    pub prompt: Prompt,
    history: History,
    pub transcript: Transcript,
    /// Servers running an input now.
    pub running: BTreeSet<String>,
    /// Servers asked to cancel what they run.
    pub cancelling: BTreeSet<String>,
    /// What Ctrl-W, Ctrl-K or Ctrl-U cut last, for Ctrl-Y.
    cut: String,
    /// A Ctrl-R search under way.
    search: Option<Search>,
}

/// A search of the history, as readline's Ctrl-R: the input shows the match as it is typed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Search {
    query: String,
    /// The entry matched, when one is.
    found: Option<usize>,
    /// The input before the search, given back when it is given up.
    before: String,
}

/// What an edit asks of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submit {
    /// Nothing beyond the edit itself.
    Nothing,
    /// Run this input on the target.
    Run(String),
    /// The target is still running the last input.
    Busy,
    /// The input still holds a lesson's placeholders (`<Position>`): they are named, and the
    /// input is kept for the learner to fill in.
    Unfilled(Vec<String>),
    /// `exit` or `quit` was typed: close the console.
    Leave,
}

/// The input as drawn: its lines after the prompt, wrapped, and where the cursor is in them.
pub struct InputView {
    pub lines: Vec<Line<'static>>,
    /// Row and column of the cursor within `lines`.
    pub cursor: (usize, usize),
}

impl Console {
    pub fn new(target: &str, theme: Theme) -> Self {
        Console {
            target: target.to_owned(),
            prompt: Prompt::default(),
            history: History::default(),
            transcript: Transcript::new(theme),
            running: BTreeSet::new(),
            cancelling: BTreeSet::new(),
            cut: String::new(),
            search: None,
        }
    }

    /// Keeps the inputs in a history file from now on, recalling those it holds.
    pub fn keep_history(&mut self, history: History) {
        self.history = history;
    }

    /// The prompt before the input: the target's name, or the search under way.
    pub fn prompt_label(&self) -> String {
        match &self.search {
            Some(Search { query, found: None, .. }) if !query.is_empty() => {
                format!("(failed search `{query}`) ")
            }
            Some(Search { query, .. }) => format!("(search `{query}`) "),
            None => format!("{}> ", self.target),
        }
    }

    /// Whether a Ctrl-R search is under way (Esc then gives it up rather than closing).
    pub fn is_searching(&self) -> bool {
        self.search.is_some()
    }

    /// Applies an edit; Enter on a complete input hands it over to be run.
    pub fn edit(&mut self, edit: Edit) -> Submit {
        if self.search.is_some() {
            let Some(ending) = self.search_edit(edit) else { return Submit::Nothing };
            self.search = None;
            // Any other key takes the match and then does what it does, as in readline.
            return if ending == Edit::Cancel { Submit::Nothing } else { self.edit(ending) };
        }
        let prompt = &mut self.prompt;
        match edit {
            Edit::Insert(c) => prompt.insert(c.encode_utf8(&mut [0; 4])),
            Edit::Newline => prompt.insert("\n"),
            Edit::Enter => return self.enter(),
            Edit::Backspace => prompt.backspace(),
            Edit::Delete => prompt.delete(),
            Edit::Left => prompt.left(),
            Edit::Right => prompt.right(),
            Edit::Home => prompt.home(),
            Edit::End => prompt.end(),
            Edit::WordLeft => prompt.word_left(),
            Edit::WordRight => prompt.word_right(),
            Edit::CutWordBefore => self.cut = prompt.cut_word_before(),
            Edit::CutToEnd => self.cut = prompt.cut_to_end(),
            Edit::CutToStart => self.cut = prompt.cut_to_start(),
            Edit::Yank => prompt.insert(&self.cut),
            Edit::Search => {
                let before = prompt.text().to_owned();
                self.search = Some(Search { query: String::new(), found: None, before });
            }
            Edit::Cancel => {}
            Edit::Up => {
                if !prompt.up()
                    && let Some(older) = self.history.up(prompt.text())
                {
                    prompt.set(older);
                }
            }
            Edit::Down => {
                if !prompt.down()
                    && let Some(newer) = self.history.down()
                {
                    prompt.set(newer);
                }
            }
        }
        Submit::Nothing
    }

    /// An edit during a search: typing refines it, Ctrl-R finds an older match, Ctrl-G gives
    /// it up. Returns the edit that ends the search, to be applied after it.
    fn search_edit(&mut self, edit: Edit) -> Option<Edit> {
        let search = self.search.as_mut()?;
        let older_than = match edit {
            Edit::Insert(c) => {
                search.query.push(c);
                search.found.map(|i| i + 1)
            }
            Edit::Backspace => {
                search.query.pop();
                None
            }
            Edit::Search if search.query.is_empty() => None,
            Edit::Search => Some(search.found.unwrap_or(0)),
            Edit::Cancel => {
                let before = search.before.clone();
                self.prompt.set(&before);
                return Some(Edit::Cancel);
            }
            other => return Some(other),
        };
        if search.query.is_empty() {
            search.found = None;
            let before = search.before.clone();
            self.prompt.set(&before);
            return None;
        }
        // An older match only when there is one: a failed Ctrl-R keeps the match shown.
        match self.history.find_back(&search.query, older_than) {
            Some(index) => {
                search.found = Some(index);
                if let Some(entry) = self.history.entry(index) {
                    self.prompt.set(entry);
                }
            }
            None if edit == Edit::Search => {}
            None => search.found = None,
        }
        None
    }

    fn enter(&mut self) -> Submit {
        let text = self.prompt.text().trim();
        if matches!(text.to_ascii_lowercase().as_str(), "exit" | "quit" | "\\q" | "exit;" | "quit;")
        {
            self.prompt.take();
            return Submit::Leave;
        }
        if text.is_empty() {
            return Submit::Nothing;
        }
        if !is_complete(text) {
            self.prompt.insert("\n");
            return Submit::Nothing;
        }
        if self.running.contains(&self.target) {
            return Submit::Busy;
        }
        let unfilled = placeholders(text);
        if !unfilled.is_empty() {
            return Submit::Unfilled(unfilled);
        }
        let input = self.prompt.take().trim().to_owned();
        self.history.push(&input);
        self.transcript.push(Entry::Echo {
            prompt: self.prompt_label(),
            text: input.clone(),
            sql: true,
        });
        self.running.insert(self.target.clone());
        Submit::Run(input)
    }

    /// Empties the input, keeping it in the history; false when there was none.
    pub fn clear_input(&mut self) -> bool {
        if self.prompt.is_blank() {
            return false;
        }
        let input = self.prompt.take();
        self.history.push(input.trim());
        true
    }

    /// Records what an input gave back on `server`.
    pub fn finish(&mut self, server: &str, result: Result<Run, String>) {
        self.running.remove(server);
        self.cancelling.remove(server);
        match result {
            Ok(run) => self.transcript.push(Entry::Run(run)),
            Err(reason) => {
                self.transcript.push(Entry::Text { text: reason, tone: Tone::Error });
                self.transcript.push(Entry::Text { text: String::new(), tone: Tone::Plain });
            }
        }
    }

    /// Rows the input takes at `width`, before it would scroll.
    pub fn input_rows(&self, width: usize) -> usize {
        self.input_view(width, &Theme { color: false }).lines.len().clamp(1, MAX_INPUT_ROWS)
    }

    /// The input after its prompt, highlighted and wrapped to `width`.
    pub fn input_view(&self, width: usize, theme: &Theme) -> InputView {
        let label = self.prompt_label();
        let more = format!("{:>w$} ", "->", w = label.width().saturating_sub(1));
        let text = self.prompt.text();
        let (cursor_line, cursor_column) = self.prompt.cursor_position();
        let mut lines = Vec::new();
        let mut cursor = (0, 0);
        let mut code = highlight("sql", text);
        // The highlighter drops a final line break; the input's last line may be empty.
        if text.ends_with('\n') {
            code.push(Vec::new());
        }
        for (n, tokens) in code.into_iter().enumerate() {
            let lead = if n == 0 { label.clone() } else { more.clone() };
            let mut spans = vec![Span::styled(lead.clone(), theme.current())];
            spans.extend(
                tokens.into_iter().map(|(t, s)| Span::styled(s.to_owned(), theme.token(t))),
            );
            let rows = hard_wrap(&spans, width);
            if n == cursor_line {
                // Where the cursor's column falls once the line is wrapped the same way.
                let before: String = spans.iter().map(|s| s.content.as_ref()).collect::<String>();
                let upto = cut_at_width(&before, lead.width() + cursor_column);
                let wrapped = hard_wrap(&[Span::raw(upto)], width);
                let row = wrapped.len() - 1;
                let column = spans_width(&wrapped[row]);
                // At the very end of a full row the cursor goes to the start of the next.
                cursor = if column >= width {
                    (lines.len() + row + 1, 0)
                } else {
                    (lines.len() + row, column)
                };
            }
            lines.extend(rows.into_iter().map(Line::from));
        }
        if cursor.0 >= lines.len() {
            lines.push(Line::default());
        }
        InputView { lines, cursor }
    }
}

/// The start of `text` that is `cells` wide.
fn cut_at_width(text: &str, cells: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > cells {
            break;
        }
        used += w;
        out.push(c);
    }
    out
}

/// The `<Name>` placeholders of a lesson's template still in an input, each once.
fn placeholders(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for (open, _) in text.match_indices('<') {
        let rest = &text[open + 1..];
        let Some(close) = rest.find('>') else { continue };
        let name = &rest[..close];
        let word = !name.is_empty()
            && name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if word && !found.iter().any(|f| f == name) {
            found.push(name.to_owned());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_still_holding_placeholders_is_kept_and_named() {
        let mut c = console();
        typed(&mut c, "CHANGE MASTER TO MASTER_LOG_FILE='<File>', MASTER_LOG_POS=<Position>;");
        assert_eq!(c.edit(Edit::Enter), Submit::Unfilled(vec!["File".into(), "Position".into()]));
        assert!(c.prompt.text().contains("<Position>"), "the input is kept to be filled in");
        assert!(c.running.is_empty(), "nothing was sent");
        c.prompt.take();
        typed(&mut c, "SELECT 1 < 2, 3 > 1, '<b>';");
        assert!(matches!(c.edit(Edit::Enter), Submit::Run(_)), "comparisons and markup are not placeholders");
    }

    fn console() -> Console {
        let mut c = Console::new("master", Theme { color: false });
        c.transcript.set_width(60);
        c
    }

    fn typed(c: &mut Console, text: &str) {
        for ch in text.chars() {
            if ch == '\n' {
                c.edit(Edit::Newline);
            } else {
                c.edit(Edit::Insert(ch));
            }
        }
    }

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect()).collect()
    }

    #[test]
    fn enter_runs_a_complete_input_and_breaks_the_line_of_an_incomplete_one() {
        let mut c = console();
        typed(&mut c, "SELECT 1");
        assert_eq!(c.edit(Edit::Enter), Submit::Nothing);
        assert_eq!(c.prompt.text(), "SELECT 1\n");
        typed(&mut c, "  ;");
        assert_eq!(c.edit(Edit::Enter), Submit::Run("SELECT 1\n  ;".to_owned()));
        assert!(c.prompt.is_blank());
        assert!(c.running.contains("master"));
        assert_eq!(
            c.transcript.entries(),
            [Entry::Echo { prompt: "master> ".into(), text: "SELECT 1\n  ;".into(), sql: true }]
        );
    }

    #[test]
    fn vertical_output_and_quotes_decide_completeness() {
        let mut c = console();
        typed(&mut c, "SHOW SLAVE STATUS\\G");
        assert!(matches!(c.edit(Edit::Enter), Submit::Run(_)));
        c.finish("master", Ok(Run::default()));
        typed(&mut c, "SELECT ';");
        assert_eq!(c.edit(Edit::Enter), Submit::Nothing, "the ; is inside a string");
        assert_eq!(c.prompt.line_count(), 2);
    }

    #[test]
    fn a_busy_target_keeps_the_input_and_blank_input_does_nothing() {
        let mut c = console();
        assert_eq!(c.edit(Edit::Enter), Submit::Nothing);
        assert!(c.prompt.text().is_empty(), "no line break on an empty input");
        typed(&mut c, "SELECT SLEEP(5);");
        c.edit(Edit::Enter);
        typed(&mut c, "SELECT 2;");
        assert_eq!(c.edit(Edit::Enter), Submit::Busy);
        assert_eq!(c.prompt.text(), "SELECT 2;");
        c.target = "slave".to_owned();
        assert_eq!(c.edit(Edit::Enter), Submit::Run("SELECT 2;".into()), "the slave is free");
    }

    #[test]
    fn up_and_down_browse_the_history_from_the_first_and_last_lines() {
        let mut c = console();
        for input in ["SELECT 1;", "SELECT\n2;"] {
            typed(&mut c, input);
            c.edit(Edit::Enter);
            c.finish("master", Ok(Run::default()));
        }
        typed(&mut c, "draft");
        c.edit(Edit::Up);
        assert_eq!(c.prompt.text(), "SELECT\n2;");
        c.edit(Edit::Up);
        assert_eq!(c.prompt.text(), "SELECT\n2;", "the cursor moved up a line first");
        c.edit(Edit::Up);
        assert_eq!(c.prompt.text(), "SELECT 1;");
        c.edit(Edit::Down);
        assert_eq!(c.prompt.text(), "SELECT\n2;");
        c.edit(Edit::Down);
        c.edit(Edit::Down);
        assert_eq!(c.prompt.text(), "draft");
    }

    #[test]
    fn exit_closes_the_console() {
        let mut c = console();
        typed(&mut c, "exit");
        assert_eq!(c.edit(Edit::Enter), Submit::Leave);
        assert!(c.transcript.is_empty());
    }

    #[test]
    fn a_result_or_a_failure_to_connect_follows_its_echo() {
        let mut c = console();
        typed(&mut c, "SELECT 1;");
        c.edit(Edit::Enter);
        c.finish("master", Err("cannot reach the master: the lab is not running".into()));
        assert!(c.running.is_empty());
        let shown = text(&c.transcript.window(0, 10));
        assert_eq!(
            shown,
            ["master> SELECT 1;", "cannot reach the master: the lab is not running", ""]
        );
    }

    #[test]
    fn the_input_wraps_and_the_cursor_follows() {
        let mut c = console();
        typed(&mut c, "SELECT 1,\n2");
        let view = c.input_view(40, &Theme { color: false });
        assert_eq!(text(&view.lines), ["master> SELECT 1,", "     -> 2"]);
        assert_eq!(view.cursor, (1, 9));
        let mut c = console();
        typed(&mut c, &"x".repeat(12));
        let view = c.input_view(10, &Theme { color: false });
        assert_eq!(text(&view.lines), ["master> xx", "xxxxxxxxxx", ""]);
        assert_eq!(view.cursor, (2, 0));
        assert_eq!(c.input_rows(10), 3);
        c.edit(Edit::Home);
        assert_eq!(c.input_view(10, &Theme { color: false }).cursor, (0, 8));
    }
}
