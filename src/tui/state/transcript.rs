//! What a console or a program printed: entries kept as data, laid out for the pane's width.
//!
//! Text is wrapped once per width. Result tables are not laid out row by row: a table is one
//! block of known height, and only the rows on screen are turned into lines when drawn, so a
//! 10 000-row result costs no more to show than a ten-row one.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::tui::text::highlight::highlight;
use crate::tui::draw::theme::Theme;
use crate::tui::text::wrap::{soft_wrap, wrap};
use crate::sql::{
    DEFAULT_MAX_COLUMN_WIDTH, Outcome, Run, StatementResult, Table, summary, vertical_lines,
};

/// Entries kept before the oldest are dropped.
const MAX_ENTRIES: usize = 300;
/// Result rows kept over all entries before the oldest entries are dropped.
const MAX_ROWS: usize = 50_000;
/// Marks a line cut at the pane's right edge.
const CUT: char = '›';

/// One thing shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// Input as it was sent, after a prompt (`master> `); SQL is highlighted.
    Echo { prompt: String, text: String, sql: bool },
    /// What running an input gave back.
    Run(Run),
    /// A line of a program's output, or a message.
    Text { text: String, tone: Tone },
}

/// How a text line looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Muted,
    Error,
    Good,
}

/// A run of lines in the layout.
#[derive(Debug)]
enum Block {
    Lines(Vec<Line<'static>>),
    /// A result table: border, header, border, `rows` rows, border.
    Table {
        entry: usize,
        outcome: usize,
        rows: usize,
    },
}

impl Block {
    fn height(&self) -> usize {
        match self {
            Block::Lines(lines) => lines.len(),
            Block::Table { rows, .. } => rows + 4,
        }
    }
}

/// Entries, their layout for one width, and the first line shown.
#[derive(Debug)]
pub struct Transcript {
    theme: Theme,
    entries: Vec<Entry>,
    width: usize,
    /// Blocks in order, each with the line it starts on.
    blocks: Vec<(usize, Block)>,
    total: usize,
    /// The first line on screen.
    pub scroll: usize,
    /// Keep the end in view as entries arrive: until the reader scrolls back, and again once
    /// they scroll to the end.
    follow: bool,
}

impl Transcript {
    pub fn new(theme: Theme) -> Self {
        Transcript {
            theme,
            entries: Vec::new(),
            width: 0,
            blocks: Vec::new(),
            total: 0,
            scroll: 0,
            follow: true,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Lines in the layout.
    pub fn len(&self) -> usize {
        self.total
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Adds an entry at the end, dropping the oldest ones past the limits.
    pub fn push(&mut self, entry: Entry) {
        self.entries.push(entry);
        let rows = |e: &Entry| match e {
            Entry::Run(run) => run.outcomes.iter().map(kept_rows).sum(),
            _ => 0,
        };
        let mut kept: usize = self.entries.iter().map(rows).sum();
        let mut dropped = 0;
        while self.entries.len() - dropped > MAX_ENTRIES
            || (kept > MAX_ROWS && self.entries.len() - dropped > 1)
        {
            kept -= rows(&self.entries[dropped]);
            dropped += 1;
        }
        if dropped > 0 {
            self.entries.drain(..dropped);
            let width = self.width;
            self.width = 0;
            self.set_width(width);
        } else if self.width > 0 {
            self.lay_out(self.entries.len() - 1);
        }
    }

    /// Forgets every entry; the width stays.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.blocks.clear();
        self.total = 0;
        self.scroll = 0;
        self.follow = true;
    }

    /// Lays the entries out for a new width; nothing happens when it is the same.
    pub fn set_width(&mut self, width: usize) {
        if width == self.width {
            return;
        }
        self.width = width;
        self.blocks.clear();
        self.total = 0;
        for index in 0..self.entries.len() {
            self.lay_out(index);
        }
    }

    /// Moves by `lines`, staying within what `height` rows can show; following the end again
    /// when that is where it lands.
    pub fn scroll_by(&mut self, lines: isize, height: usize) {
        self.scroll = self.scroll.saturating_add_signed(lines).min(self.last_start(height));
        self.follow = self.at_end(height);
    }

    /// Keeps the scroll within what `height` rows can show, at the end while following.
    pub fn clamp(&mut self, height: usize) {
        let last = self.last_start(height);
        self.scroll = if self.follow { last } else { self.scroll.min(last) };
    }

    /// Scrolls so the end shows, and follows it from now on.
    pub fn scroll_to_end(&mut self, height: usize) {
        self.follow = true;
        self.scroll = self.last_start(height);
    }

    /// Whether the end is on screen.
    pub fn at_end(&self, height: usize) -> bool {
        self.scroll + height >= self.total
    }

    /// The first line shown when the end is at the bottom of `height` rows.
    fn last_start(&self, height: usize) -> usize {
        self.total.saturating_sub(height)
    }

    /// The lines from `start`, at most `height` of them, each no wider than the layout's width.
    pub fn window(&self, start: usize, height: usize) -> Vec<Line<'static>> {
        let end = start.saturating_add(height).min(self.total);
        let mut out = Vec::with_capacity(end.saturating_sub(start));
        // The first block that reaches `start`.
        let first = self.blocks.partition_point(|(line, block)| line + block.height() <= start);
        for (line, block) in &self.blocks[first..] {
            if *line >= end {
                break;
            }
            let from = start.saturating_sub(*line);
            let to = (end - line).min(block.height());
            match block {
                Block::Lines(lines) => out.extend(lines[from..to].iter().cloned()),
                Block::Table { entry, outcome, rows } => {
                    out.extend(self.table_lines(*entry, *outcome, *rows, from..to));
                }
            }
        }
        out
    }

    fn table_lines(
        &self,
        entry: usize,
        outcome: usize,
        rows: usize,
        range: std::ops::Range<usize>,
    ) -> Vec<Line<'static>> {
        let Some(Entry::Run(run)) = self.entries.get(entry) else {
            return Vec::new();
        };
        let Some(StatementResult::Rows(set)) = run.outcomes.get(outcome).map(|o| &o.result) else {
            return Vec::new();
        };
        let table = Table::new(set, max_column_width(self.width));
        range
            .map(|line| {
                let text = match line {
                    0 | 2 => table.border().to_owned(),
                    1 => table.header(),
                    l if l == rows + 3 => table.border().to_owned(),
                    l => table.row(l - 3),
                };
                let style = if line == 1 { self.theme.table_header() } else { Style::new() };
                self.clipped(&text, style)
            })
            .collect()
    }

    /// A line cut to the width, with a mark where it was cut.
    fn clipped(&self, text: &str, style: Style) -> Line<'static> {
        if text.width() <= self.width {
            return Line::from(Span::styled(text.to_owned(), style));
        }
        let mut kept = String::new();
        let mut used = 0;
        for c in text.chars() {
            let w = c.width().unwrap_or(0);
            if used + w + 1 > self.width {
                break;
            }
            used += w;
            kept.push(c);
        }
        Line::from(vec![
            Span::styled(kept, style),
            Span::styled(CUT.to_string(), self.theme.muted()),
        ])
    }

    /// Appends the layout of entry `index`.
    fn lay_out(&mut self, index: usize) {
        let blocks = match &self.entries[index] {
            Entry::Echo { prompt, text, sql } => vec![Block::Lines(self.echo(prompt, text, *sql))],
            // Messages wrap at words; program output keeps its spacing.
            Entry::Text { text, tone: Tone::Error } => {
                vec![Block::Lines(self.prose(text, self.theme.failing()))]
            }
            Entry::Text { text, tone } => vec![Block::Lines(self.wrapped(text, self.tone(*tone)))],
            Entry::Run(run) => self.run_blocks(index, run),
        };
        for block in blocks {
            let height = block.height();
            self.blocks.push((self.total, block));
            self.total += height;
        }
    }

    fn run_blocks(&self, index: usize, run: &Run) -> Vec<Block> {
        let mut blocks = Vec::new();
        let mut lines = Vec::new();
        if run.reconnected {
            lines.extend(self.prose(
                "The connection had been lost: reconnected (session settings start afresh).",
                self.theme.muted(),
            ));
        }
        for (i, outcome) in run.outcomes.iter().enumerate() {
            if i > 0 {
                lines.push(Line::default());
            }
            match &outcome.result {
                StatementResult::Rows(set) if !set.rows.is_empty() => {
                    if outcome.statement.vertical {
                        for line in vertical_lines(set, 0..set.rows.len()) {
                            for row in soft_wrap(&[Span::raw(line)], self.width) {
                                lines.push(Line::from(row));
                            }
                        }
                    } else {
                        blocks.push(Block::Lines(std::mem::take(&mut lines)));
                        blocks.push(Block::Table {
                            entry: index,
                            outcome: i,
                            rows: set.rows.len(),
                        });
                    }
                }
                _ => {}
            }
            lines.extend(self.outcome_notes(outcome));
        }
        if !run.skipped.is_empty() {
            let why = if run.cancelled { "cancel" } else { "error" };
            let n = run.skipped.len();
            let what = if n == 1 { "1 statement".to_owned() } else { format!("{n} statements") };
            lines.extend(
                self.prose(&format!("{what} not run after the {why}."), self.theme.muted()),
            );
        }
        lines.push(Line::default());
        blocks.push(Block::Lines(lines));
        blocks.retain(|b| b.height() > 0);
        blocks
    }

    /// The summary under a result, and the server's extra words.
    fn outcome_notes(&self, outcome: &Outcome) -> Vec<Line<'static>> {
        let style = match outcome.result {
            StatementResult::Failed(_) => self.theme.failing(),
            _ => self.theme.muted(),
        };
        let mut lines = self.prose(&summary(outcome), style);
        if let StatementResult::Done(done) = &outcome.result
            && !done.info.is_empty()
        {
            lines.extend(self.wrapped(&done.info, self.theme.muted()));
        }
        lines
    }

    /// Input after its prompt; further lines are indented under it with `->`, like the client.
    fn echo(&self, prompt: &str, text: &str, sql: bool) -> Vec<Line<'static>> {
        let more = format!("{:>width$} ", "->", width = prompt.width().saturating_sub(1));
        let code = if sql { highlight("sql", text) } else { highlight("", text) };
        let mut lines = Vec::new();
        for (n, tokens) in code.into_iter().enumerate() {
            let lead = if n == 0 { prompt.to_owned() } else { more.clone() };
            let mut spans = vec![Span::styled(lead, self.theme.current())];
            spans.extend(
                tokens.into_iter().map(|(t, s)| Span::styled(s.to_owned(), self.theme.token(t))),
            );
            lines.extend(soft_wrap(&spans, self.width).into_iter().map(Line::from));
        }
        lines
    }

    /// A message, wrapped at words.
    fn prose(&self, text: &str, style: Style) -> Vec<Line<'static>> {
        wrap(&[Span::styled(text.to_owned(), style)], self.width)
            .into_iter()
            .map(Line::from)
            .collect()
    }

    fn wrapped(&self, text: &str, style: Style) -> Vec<Line<'static>> {
        // Output keeps its spacing; only lines too long for the pane break, at a space.
        text.split('\n')
            .flat_map(|line| soft_wrap(&[Span::styled(line.to_owned(), style)], self.width))
            .map(Line::from)
            .collect()
    }

    fn tone(&self, tone: Tone) -> Style {
        match tone {
            Tone::Plain => Style::new(),
            Tone::Muted => self.theme.muted(),
            Tone::Error => self.theme.failing(),
            Tone::Good => self.theme.done(),
        }
    }
}

/// The widest a result column may be in a pane `width` cells wide.
fn max_column_width(width: usize) -> usize {
    width.saturating_sub(4).clamp(8, DEFAULT_MAX_COLUMN_WIDTH)
}

fn kept_rows(outcome: &Outcome) -> usize {
    match &outcome.result {
        StatementResult::Rows(set) => set.rows.len(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::sql::{Column, RowSet, SqlError, Statement};

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect()).collect()
    }

    fn rows(n: usize, vertical: bool) -> Run {
        let mut set = RowSet::new(vec![Column { name: "seq".into(), numeric: true }], 10_000);
        for i in 1..=n {
            set.push(vec![Some(i.to_string())]);
        }
        Run {
            outcomes: vec![Outcome {
                statement: Statement { text: "SELECT seq".into(), vertical },
                elapsed: Duration::from_millis(12),
                result: StatementResult::Rows(set),
            }],
            ..Run::default()
        }
    }

    fn transcript(width: usize) -> Transcript {
        let mut t = Transcript::new(Theme { color: true });
        t.set_width(width);
        t
    }

    #[test]
    fn an_input_and_its_table_read_like_the_client() {
        let mut t = transcript(40);
        t.push(Entry::Echo {
            prompt: "master> ".into(),
            text: "SELECT seq\nFROM t;".into(),
            sql: true,
        });
        t.push(Entry::Run(rows(2, false)));
        assert_eq!(
            text(&t.window(0, 100)),
            [
                "master> SELECT seq",
                "     -> FROM t;",
                "+-----+",
                "| seq |",
                "+-----+",
                "|   1 |",
                "|   2 |",
                "+-----+",
                "2 rows in set (0.012 sec)",
                "",
            ]
        );
        assert_eq!(t.len(), 10);
    }

    #[test]
    fn any_window_of_a_large_table_is_drawn_alone() {
        let mut t = transcript(40);
        t.push(Entry::Run(rows(10_000, false)));
        assert_eq!(t.len(), 10_000 + 4 + 2);
        assert_eq!(text(&t.window(5_003, 2)), ["|  5001 |", "|  5002 |"]);
        assert_eq!(
            text(&t.window(10_002, 10)),
            ["| 10000 |", "+-------+", "10000 rows in set (0.012 sec)", ""]
        );
    }

    #[test]
    fn vertical_results_and_long_errors_wrap_to_the_width() {
        let mut t = transcript(20);
        t.push(Entry::Run(rows(1, true)));
        let error =
            SqlError { code: 1064, state: "42000".into(), message: "near 'SELEC 2'".into() };
        t.push(Entry::Run(Run {
            outcomes: vec![Outcome {
                statement: Statement { text: "SELEC 2".into(), vertical: false },
                elapsed: Duration::ZERO,
                result: StatementResult::Failed(error),
            }],
            ..Run::default()
        }));
        let shown = text(&t.window(0, 100));
        assert_eq!(shown[0], "********************");
        assert!(shown.contains(&"seq: 1".to_owned()), "{shown:?}");
        assert!(shown.contains(&"ERROR 1064 (42000):".to_owned()), "{shown:?}");
        assert!(shown.contains(&"near 'SELEC 2'".to_owned()), "{shown:?}");
        assert!(shown.iter().all(|l| l.width() <= 20), "{shown:?}");
    }

    #[test]
    fn tables_wider_than_the_pane_are_cut_with_a_mark() {
        let mut set = RowSet::new(
            vec![
                Column { name: "a".into(), numeric: false },
                Column { name: "b".into(), numeric: false },
            ],
            10,
        );
        set.push(vec![Some("x".repeat(30)), Some("y".repeat(30))]);
        let mut t = transcript(30);
        t.push(Entry::Run(Run {
            outcomes: vec![Outcome {
                statement: Statement { text: "SELECT".into(), vertical: false },
                elapsed: Duration::ZERO,
                result: StatementResult::Rows(set),
            }],
            ..Run::default()
        }));
        let row = text(&t.window(3, 1)).remove(0);
        assert_eq!(row.width(), 30);
        assert!(row.starts_with("| xxxxxxxxxxxxxxxxxxxxxxxxx…"), "{row}");
        assert!(row.ends_with(CUT), "{row}");
    }

    #[test]
    fn a_new_width_lays_everything_out_again() {
        let mut t = transcript(80);
        t.push(Entry::Text { text: "a".repeat(30), tone: Tone::Plain });
        assert_eq!(t.len(), 1);
        t.set_width(10);
        assert_eq!(t.len(), 3);
    }

    #[test]
    fn scrolling_stays_inside_and_the_end_is_followed_until_scrolled_back() {
        let mut t = transcript(40);
        for n in 0..5 {
            t.push(Entry::Text { text: format!("line {n}"), tone: Tone::Plain });
        }
        t.scroll_by(100, 3);
        assert_eq!(t.scroll, 2);
        assert!(t.at_end(3));
        t.push(Entry::Run(rows(20, false)));
        t.clamp(10);
        assert!(t.at_end(10), "a long result shows its end: {}", t.scroll);
        t.scroll_by(-4, 10);
        let back = t.scroll;
        t.push(Entry::Text { text: "newer".into(), tone: Tone::Plain });
        t.clamp(10);
        assert_eq!(t.scroll, back, "scrolled back, it stays where the reader is");
        t.scroll_by(100, 10);
        t.push(Entry::Text { text: "newest".into(), tone: Tone::Plain });
        t.clamp(10);
        assert!(t.at_end(10), "back at the end, it follows again");
    }

    #[test]
    fn old_entries_go_once_too_many_rows_are_kept() {
        let mut t = transcript(40);
        for _ in 0..6 {
            t.push(Entry::Run(rows(10_000, false)));
        }
        assert_eq!(t.entries().len(), 5);
        assert_eq!(t.len(), 5 * (10_000 + 6));
    }
}
