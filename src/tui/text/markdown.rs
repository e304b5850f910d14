//! Markdown to terminal lines, fitted to a width.
//!
//! Covers what lessons use: headings, emphasis, strong, inline code, links, bullet and
//! numbered lists (nested), block quotes, GFM tables (fitted to the width, cells wrapped),
//! rules, and fenced code, highlighted and shown only for the engine it names.

use std::ops::Range;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::tui::text::highlight::highlight;
use crate::tui::draw::theme::Theme;
use crate::tui::text::wrap::{Row, soft_wrap, width as spans_width, wrap};
use crate::course::lesson::{Engine, Info, Purpose, markdown_options};

/// A rendered text: its lines, and where its code blocks are in them.
#[derive(Debug, Default)]
pub struct Page {
    pub lines: Vec<Line<'static>>,
    pub code: Vec<CodeBlock>,
}

/// A code block shown on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    /// Its lines in the page.
    pub lines: Range<usize>,
    /// Which span of each of its lines is the bar at its left (after any list or quote
    /// indentation).
    pub bar: usize,
    /// The language its fence names (`sql`), lower case; empty when none.
    pub lang: String,
    /// What its fence says it is for (`on=slave`: SQL for the slave), when it says.
    pub purpose: Option<Purpose>,
    /// The code as written, without its final line break.
    pub text: String,
}

/// Renders Markdown into lines no wider than `width` columns.
pub fn render(markdown: &str, width: u16, engine: Engine, theme: &Theme) -> Page {
    let mut r = Renderer::new(usize::from(width.max(1)), engine, theme);
    for event in Parser::new_ext(markdown, markdown_options()) {
        r.event(event);
    }
    r.flush();
    Page { lines: r.lines, code: r.code_blocks }
}

const BULLETS: [&str; 3] = ["• ", "◦ ", "▪ "];
const QUOTE_BAR: &str = "┃ ";
const CODE_BAR: &str = "│ ";
const COLUMN_GAP: &str = " │ ";

/// Something that indents the lines inside it.
enum Container {
    /// A block quote; `started` once its first line is out, so a blank line before it
    /// carries no bar.
    Quote { started: bool },
    /// A list item; its marker shows on its first line only.
    Item { marker: String, used: bool },
}

/// A table being collected: rows of cells of styled text.
struct Table {
    aligns: Vec<Alignment>,
    rows: Vec<Vec<Vec<Span<'static>>>>,
    head_rows: usize,
}

struct Renderer<'t> {
    theme: &'t Theme,
    engine: Engine,
    width: usize,
    lines: Vec<Line<'static>>,
    containers: Vec<Container>,
    /// The next number of each open list (`None` for bullets).
    lists: Vec<Option<u64>>,
    /// Inline text waiting to be wrapped.
    inline: Vec<Span<'static>>,
    styles: Vec<Style>,
    /// A fenced block being collected: its info string and text.
    code: Option<(String, String)>,
    /// The code blocks shown so far.
    code_blocks: Vec<CodeBlock>,
    table: Option<Table>,
    links: Vec<String>,
    /// A block ended: a blank line goes before whatever is drawn next.
    gap: bool,
}

impl<'t> Renderer<'t> {
    fn new(width: usize, engine: Engine, theme: &'t Theme) -> Self {
        Renderer {
            theme,
            engine,
            width,
            lines: Vec::new(),
            containers: Vec::new(),
            lists: Vec::new(),
            inline: Vec::new(),
            styles: Vec::new(),
            code: None,
            code_blocks: Vec::new(),
            table: None,
            links: Vec::new(),
            gap: false,
        }
    }

    fn style(&self) -> Style {
        self.styles.iter().fold(Style::new(), |acc, s| acc.patch(*s))
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => match self.code.as_mut() {
                Some((_, code)) => code.push_str(&text),
                None => self.inline.push(Span::styled(text.into_string(), self.style())),
            },
            Event::Code(text) => {
                let style = self.style().patch(self.theme.inline_code());
                let text =
                    if self.theme.code_ticks() { format!("`{text}`") } else { text.into_string() };
                self.inline.push(Span::styled(text, style));
            }
            Event::SoftBreak => self.inline.push(Span::styled(" ", self.style())),
            Event::HardBreak => self.inline.push(Span::raw("\n")),
            Event::Rule => {
                self.flush();
                let rule = "─".repeat(self.avail());
                self.emit(vec![Span::styled(rule, self.theme.frame())]);
                self.gap = true;
            }
            // Comments and raw HTML are for authors, not for the screen.
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.flush(),
            Tag::Heading { level, .. } => {
                self.flush();
                let style = match level {
                    HeadingLevel::H1 | HeadingLevel::H2 | HeadingLevel::H3 => self.theme.heading(),
                    _ => self.theme.strong(),
                };
                self.styles.push(style);
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.containers.push(Container::Quote { started: false });
                self.styles.push(self.theme.quote());
            }
            Tag::CodeBlock(kind) => {
                self.flush();
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.into_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((info, String::new()));
            }
            Tag::List(start) => {
                self.flush();
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let depth = self.lists.len().saturating_sub(1);
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => BULLETS[depth % BULLETS.len()].to_owned(),
                };
                self.containers.push(Container::Item { marker, used: false });
            }
            Tag::Table(aligns) => {
                self.flush();
                self.table = Some(Table { aligns, rows: Vec::new(), head_rows: 0 });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(table) = self.table.as_mut() {
                    table.rows.push(Vec::new());
                }
            }
            Tag::TableCell => self.inline.clear(),
            Tag::Emphasis => self.styles.push(self.theme.emphasis()),
            Tag::Strong => self.styles.push(self.theme.strong()),
            Tag::Strikethrough => self.styles.push(self.theme.strikethrough()),
            Tag::Link { dest_url, .. } => {
                self.styles.push(self.theme.link());
                self.links.push(dest_url.into_string());
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.end_block(),
            TagEnd::Heading(_) => {
                self.flush();
                self.styles.pop();
                self.gap = true;
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.containers.pop();
                self.styles.pop();
                self.gap = true;
            }
            TagEnd::CodeBlock => {
                if let Some((info, code)) = self.code.take() {
                    self.code_block(&info, &code);
                }
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                // A nested list ends inside an item of a tight list: no blank line follows.
                self.gap = self.lists.is_empty() || self.gap;
            }
            TagEnd::Item => {
                self.flush();
                if let Some(Container::Item { used: false, .. }) = self.containers.last() {
                    self.emit(Vec::new());
                }
                self.containers.pop();
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.inline);
                if let Some(row) = self.table.as_mut().and_then(|t| t.rows.last_mut()) {
                    row.push(cell);
                }
            }
            TagEnd::TableHead => {
                if let Some(table) = self.table.as_mut() {
                    table.head_rows = table.rows.len();
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.table(&table);
                }
                self.gap = true;
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                self.styles.pop();
            }
            TagEnd::Link => {
                self.styles.pop();
                if let Some(url) = self.links.pop().filter(|u| u.starts_with("http")) {
                    self.inline.push(Span::styled(format!(" <{url}>"), self.theme.muted()));
                }
            }
            _ => {}
        }
    }

    fn end_block(&mut self) {
        self.flush();
        self.gap = true;
    }

    /// Wraps the waiting inline text into lines.
    fn flush(&mut self) {
        if self.inline.is_empty() || self.table.is_some() {
            return;
        }
        let spans = std::mem::take(&mut self.inline);
        for row in wrap(&spans, self.avail()) {
            self.emit(row);
        }
    }

    /// Columns left after the indentation of quotes and list items.
    fn avail(&self) -> usize {
        let indent: usize = self
            .containers
            .iter()
            .map(|c| match c {
                Container::Quote { .. } => QUOTE_BAR.width(),
                Container::Item { marker, .. } => marker.width(),
            })
            .sum();
        self.width.saturating_sub(indent).max(1)
    }

    /// The indentation of the next line. List markers are used up by the first line that is
    /// not blank; quotes not yet begun give a blank line no bar.
    fn prefix(&mut self, blank: bool) -> Vec<Span<'static>> {
        let mut spans = Vec::new();
        for c in &mut self.containers {
            match c {
                Container::Quote { started } if blank && !*started => {}
                Container::Quote { started } => {
                    spans.push(Span::styled(QUOTE_BAR, self.theme.frame()));
                    *started = true;
                }
                Container::Item { marker, used } if !*used && !blank => {
                    spans.push(Span::styled(marker.clone(), self.theme.strong()));
                    *used = true;
                }
                Container::Item { marker, .. } => spans.push(Span::raw(" ".repeat(marker.width()))),
            }
        }
        spans
    }

    fn emit(&mut self, row: Row) {
        if self.gap && !self.lines.is_empty() {
            let blank = self.prefix(true);
            self.lines.push(trimmed(blank));
        }
        self.gap = false;
        let mut spans = self.prefix(false);
        spans.extend(row);
        self.lines.push(trimmed(spans));
    }

    fn code_block(&mut self, info: &str, code: &str) {
        if !self.engine.shows(info) {
            return;
        }
        let lang = info.split_whitespace().next().unwrap_or("");
        let width = self.avail().saturating_sub(CODE_BAR.width()).max(1);
        let mut first = None;
        for line in highlight(lang, code) {
            let spans: Vec<Span<'static>> = line
                .into_iter()
                .map(|(token, text)| Span::styled(text.to_owned(), self.theme.token(token)))
                .collect();
            for row in soft_wrap(&spans, width) {
                let mut out = vec![Span::styled(CODE_BAR, self.theme.frame())];
                out.extend(row);
                self.emit(out);
                first.get_or_insert(self.lines.len() - 1);
            }
        }
        let first = first.unwrap_or(self.lines.len());
        self.code_blocks.push(CodeBlock {
            lines: first..self.lines.len(),
            bar: self.containers.len(),
            lang: lang.to_ascii_lowercase(),
            // The lesson was checked when it loaded: a word it does not know cannot be here.
            purpose: Info::parse(info).ok().and_then(|i| i.purpose),
            text: code.strip_suffix('\n').unwrap_or(code).to_owned(),
        });
        self.gap = true;
    }

    fn table(&mut self, table: &Table) {
        let columns = table.rows.iter().map(Vec::len).max().unwrap_or(0).max(table.aligns.len());
        if columns == 0 {
            return;
        }
        let gap = COLUMN_GAP.width();
        let room = self.avail().saturating_sub(gap * (columns - 1));
        let natural: Vec<usize> = (0..columns)
            .map(|c| {
                let cells = table.rows.iter().filter_map(|r| r.get(c));
                cells.map(|cell| spans_width(cell)).max().unwrap_or(0).max(1)
            })
            .collect();
        let widths = fit_columns(&natural, room);
        // When a first cell wraps, blank first cells no longer mark a row's continuation lines:
        // rule off every row instead.
        let ruled = table
            .rows
            .iter()
            .skip(table.head_rows)
            .any(|row| row.first().is_some_and(|cell| wrap(cell, widths[0]).len() > 1));
        let separator = |theme: &Theme| {
            let parts: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
            vec![Span::styled(parts.join("─┼─"), theme.frame())]
        };
        for (i, row) in table.rows.iter().enumerate() {
            let head = i < table.head_rows;
            if i > table.head_rows && ruled {
                self.emit(separator(self.theme));
            }
            let cells: Vec<Vec<Row>> = (0..columns)
                .map(|c| {
                    let cell = row.get(c).map_or(&[][..], Vec::as_slice);
                    let cell: Vec<Span<'static>> = if head {
                        cell.iter()
                            .map(|s| s.clone().patch_style(self.theme.table_header()))
                            .collect()
                    } else {
                        cell.to_vec()
                    };
                    wrap(&cell, widths[c])
                })
                .collect();
            let height = cells.iter().map(Vec::len).max().unwrap_or(1);
            for line in 0..height {
                let mut out = Vec::new();
                for (c, cell) in cells.iter().enumerate() {
                    if c > 0 {
                        out.push(Span::styled(COLUMN_GAP, self.theme.frame()));
                    }
                    let text = cell.get(line).cloned().unwrap_or_default();
                    let align = table.aligns.get(c).copied().unwrap_or(Alignment::None);
                    out.extend(pad(text, widths[c], align, c + 1 == columns));
                }
                self.emit(out);
            }
            if head && i + 1 == table.head_rows {
                self.emit(separator(self.theme));
            }
        }
    }
}

/// Column widths that fit `room`: columns narrower than a fair share keep their width, the
/// others share what is left.
fn fit_columns(natural: &[usize], room: usize) -> Vec<usize> {
    if natural.iter().sum::<usize>() <= room {
        return natural.to_vec();
    }
    let mut widths = natural.to_vec();
    let mut open: Vec<usize> = (0..natural.len()).collect();
    let mut space = room;
    while !open.is_empty() {
        let share = space / open.len();
        let (fits, rest): (Vec<usize>, Vec<usize>) =
            open.iter().partition(|&&c| natural[c] <= share);
        if fits.is_empty() {
            let extra = space % open.len();
            for (k, c) in open.iter().enumerate() {
                widths[*c] = (share + usize::from(k < extra)).max(1);
            }
            break;
        }
        for c in fits {
            widths[c] = natural[c];
            space -= natural[c];
        }
        open = rest;
    }
    widths
}

/// A line without trailing spaces (blank lines in quotes, padded table cells).
fn trimmed(mut spans: Vec<Span<'static>>) -> Line<'static> {
    while spans.last().is_some_and(|s| s.content.trim_end().is_empty()) {
        spans.pop();
    }
    if let Some(last) = spans.last_mut() {
        let end = last.content.trim_end().len();
        if end < last.content.len() {
            last.content = last.content[..end].to_owned().into();
        }
    }
    Line::from(spans)
}

/// Pads a cell line to its column width; the last column gets no trailing spaces.
fn pad(mut row: Row, width: usize, align: Alignment, last: bool) -> Row {
    let used = spans_width(&row);
    let free = width.saturating_sub(used);
    let (before, after) = match align {
        Alignment::Right => (free, 0),
        Alignment::Center => (free / 2, free - free / 2),
        Alignment::Left | Alignment::None => (0, free),
    };
    if before > 0 {
        row.insert(0, Span::raw(" ".repeat(before)));
    }
    if after > 0 && !last {
        row.push(Span::raw(" ".repeat(after)));
    }
    row
}

#[cfg(test)]
mod tests {
    use ratatui::style::{Color, Modifier};

    use super::*;

    const COLOR: Theme = Theme { color: true };
    const PLAIN: Theme = Theme { color: false };

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect()).collect()
    }

    fn show(md: &str, width: u16) -> Vec<String> {
        text(&render(md, width, Engine::MariaDb, &COLOR).lines)
    }

    /// The style of the first span whose text is exactly `needle`.
    fn style_of(lines: &[Line<'_>], needle: &str) -> Style {
        lines
            .iter()
            .flat_map(|l| &l.spans)
            .find(|s| s.content == needle)
            .map(|s| s.style)
            .unwrap_or_else(|| panic!("no span {needle:?} in {:?}", text(lines)))
    }

    #[test]
    fn paragraphs_wrap_to_the_width_with_a_blank_line_between() {
        let out = show("The master doesn't wait\nfor any slave.\n\nNext paragraph.", 16);
        assert_eq!(out, ["The master", "doesn't wait for", "any slave.", "", "Next paragraph."]);
    }

    #[test]
    fn headings_are_styled_and_set_apart() {
        let lines =
            render("Intro.\n\n### Edit the file\n\nText.", 40, Engine::MariaDb, &COLOR).lines;
        assert_eq!(text(&lines), ["Intro.", "", "Edit the file", "", "Text."]);
        assert_eq!(style_of(&lines, "Edit the file"), COLOR.heading());
    }

    #[test]
    fn emphasis_strong_and_inline_code_have_their_styles() {
        let lines = render("*want* and **did** with `log_bin`", 60, Engine::MariaDb, &COLOR).lines;
        assert_eq!(text(&lines), ["want and did with log_bin"]);
        assert!(style_of(&lines, "want").add_modifier.contains(Modifier::ITALIC));
        assert!(style_of(&lines, "did").add_modifier.contains(Modifier::BOLD));
        assert_eq!(style_of(&lines, "log_bin").fg, Some(Color::Yellow));
    }

    #[test]
    fn without_colour_inline_code_keeps_its_backticks_and_nothing_is_coloured() {
        let md = "### Head\n\nUse `log-bin` **now**.\n\n```sql\nSELECT 1; -- one\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |";
        let lines = render(md, 40, Engine::MariaDb, &PLAIN).lines;
        assert!(text(&lines).contains(&"Use `log-bin` now.".to_owned()), "{:?}", text(&lines));
        let colours = lines.iter().flat_map(|l| &l.spans).filter_map(|s| s.style.fg.or(s.style.bg));
        assert_eq!(colours.count(), 0);
    }

    #[test]
    fn bullet_lists_hang_their_wrapped_lines_and_nest() {
        let md = "- **Redundancy**: more than one copy\n- Failover\n  - by hand\n  - automatic\n\nAfter.";
        assert_eq!(
            show(md, 24),
            [
                "• Redundancy: more than",
                "  one copy",
                "• Failover",
                "  ◦ by hand",
                "  ◦ automatic",
                "",
                "After."
            ]
        );
    }

    #[test]
    fn numbered_lists_count_from_their_start() {
        let md = "3. Pick the slave\n4. Let it finish applying what it has\n5. Remove it";
        assert_eq!(
            show(md, 22),
            [
                "3. Pick the slave",
                "4. Let it finish",
                "   applying what it",
                "   has",
                "5. Remove it"
            ]
        );
    }

    #[test]
    fn block_quotes_carry_a_bar_on_every_line() {
        let lines = render(
            "> **Vocabulary.** Say source\n> and replica.\n>\n> Second.",
            20,
            Engine::MariaDb,
            &COLOR,
        )
        .lines;
        assert_eq!(
            text(&lines),
            ["┃ Vocabulary. Say", "┃ source and", "┃ replica.", "┃", "┃ Second."]
        );
        assert!(style_of(&lines, "Second.").add_modifier.contains(Modifier::ITALIC));
    }

    #[test]
    fn tables_fit_their_natural_width() {
        let md = "| key | what it does |\n| --- | --- |\n| `n` | next step |\n| `e` | edit |";
        let lines = render(md, 40, Engine::MariaDb, &COLOR).lines;
        assert_eq!(
            text(&lines),
            ["key │ what it does", "────┼─────────────", "n   │ next step", "e   │ edit"]
        );
        assert_eq!(style_of(&lines, "key").fg, COLOR.table_header().fg);
    }

    #[test]
    fn wide_tables_shrink_and_wrap_their_cells() {
        let md = "| field | meaning |\n| --- | --- |\n| `Slave_IO_Running` | connected to the master and receiving events |\n| `Last_IO_Error` | why |";
        let out = show(md, 34);
        assert_eq!(
            out,
            [
                "field            │ meaning",
                "─────────────────┼────────────────",
                "Slave_IO_Running │ connected to",
                "                 │ the master and",
                "                 │ receiving",
                "                 │ events",
                "Last_IO_Error    │ why",
            ]
        );
        assert!(out.iter().all(|l| unicode_width::UnicodeWidthStr::width(l.as_str()) <= 34));
    }

    #[test]
    fn rows_are_ruled_off_when_a_first_cell_wraps() {
        let md = "| error text | fix |\n| --- | --- |\n| equal server ids | set server-id |\n| denied | again |";
        assert_eq!(
            show(md, 24),
            [
                "error text  │ fix",
                "────────────┼───────────",
                "equal       │ set",
                "server ids  │ server-id",
                "────────────┼───────────",
                "denied      │ again",
            ]
        );
    }

    #[test]
    fn tables_keep_empty_cells_and_alignment() {
        let md = "| File | Position | Do |\n| --- | ---: | :-: |\n| mysql-bin.000002 | 785 | |";
        assert_eq!(
            show(md, 60),
            [
                "File             │ Position │ Do",
                "─────────────────┼──────────┼───",
                "mysql-bin.000002 │      785 │"
            ]
        );
    }

    #[test]
    fn code_blocks_are_highlighted_barred_and_wrapped_at_spaces() {
        let md = "```sql\nSHOW VARIABLES LIKE 'server_id';\n\n  SELECT 1;\nVALUES_ARE_TOO_LONG_FOR_IT\n```";
        let lines = render(md, 20, Engine::MariaDb, &COLOR).lines;
        assert_eq!(
            text(&lines),
            [
                "│ SHOW VARIABLES",
                "│ LIKE 'server_id';",
                "│",
                "│   SELECT 1;",
                "│ VALUES_ARE_TOO_LON",
                "│ G_FOR_IT"
            ]
        );
        assert_eq!(style_of(&lines, "SHOW"), COLOR.token(super::super::highlight::Token::Keyword));
        assert_eq!(
            style_of(&lines, "'server_id'"),
            COLOR.token(super::super::highlight::Token::String)
        );
    }

    #[test]
    fn code_blocks_show_only_for_their_engine() {
        let md = "On the master:\n\n```sql mariadb\nSHOW MASTER STATUS;\n```\n\n```sql mysql\nSHOW BINARY LOG STATUS;\n```\n\nDone.";
        assert_eq!(show(md, 40), ["On the master:", "", "│ SHOW MASTER STATUS;", "", "Done."]);
        let mysql = text(&render(md, 40, Engine::MySql, &COLOR).lines);
        assert_eq!(mysql, ["On the master:", "", "│ SHOW BINARY LOG STATUS;", "", "Done."]);
    }

    #[test]
    fn ini_and_python_blocks_are_highlighted() {
        let md = "```ini\n[mysqld]\nserver-id = 2\n```\n\n```python\nimport os  # x\n```";
        let lines = render(md, 40, Engine::MariaDb, &COLOR).lines;
        use super::super::highlight::Token;
        assert_eq!(style_of(&lines, "[mysqld]"), COLOR.token(Token::Keyword));
        assert_eq!(style_of(&lines, "2"), COLOR.token(Token::Number));
        assert_eq!(style_of(&lines, "import"), COLOR.token(Token::Keyword));
        assert_eq!(style_of(&lines, "# x"), COLOR.token(Token::Comment));
    }

    #[test]
    fn code_inside_a_list_item_is_indented_with_it() {
        let md = "1. Run:\n\n   ```sh\n   cd app\n   ```\n2. Done";
        assert_eq!(show(md, 30), ["1. Run:", "", "   │ cd app", "", "2. Done"]);
        let page = render(md, 30, Engine::MariaDb, &COLOR);
        assert_eq!(page.code[0].bar, 1, "the item's indentation comes before the bar");
        assert_eq!(page.lines[2].spans[1].content, CODE_BAR);
    }

    #[test]
    fn the_page_knows_where_each_shown_code_block_is() {
        let md = "Text.\n\n```sql mariadb\nSHOW MASTER STATUS;\n```\n\n```sql mysql\nSHOW BINARY LOG STATUS;\n```\n\n```SQL\nSELECT 1;\nSELECT 'a long line that wraps';\n```";
        let page = render(md, 20, Engine::MariaDb, &COLOR);
        let blocks: Vec<(std::ops::Range<usize>, &str, &str)> =
            page.code.iter().map(|b| (b.lines.clone(), b.lang.as_str(), b.text.as_str())).collect();
        assert_eq!(
            blocks,
            [
                (2..4, "sql", "SHOW MASTER STATUS;"),
                (5..8, "sql", "SELECT 1;\nSELECT 'a long line that wraps';"),
            ],
            "{:?}",
            text(&page.lines)
        );
        assert!(page.code.iter().all(|b| b.bar == 0));
    }

    #[test]
    fn rules_links_and_hard_breaks() {
        let md = "See [docs](https://mariadb.com/kb) now  \nand then\n\n---";
        assert_eq!(
            show(md, 12),
            ["See docs", "<https://mar", "iadb.com/kb>", "now", "and then", "", "────────────"]
        );
    }

    #[test]
    fn no_line_is_wider_than_asked_at_any_width() {
        let md = include_str!("../../../tests/fixtures/content/lessons/day20.md");
        for width in [20u16, 37, 56, 80, 101] {
            for line in render(md, width, Engine::MariaDb, &COLOR).lines {
                assert!(line.width() <= usize::from(width), "{width}: {line:?}");
            }
        }
    }
}
