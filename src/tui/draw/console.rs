//! The SQL console: past inputs with their results, a status line, and the input.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::draw::{pane, scrolled};
use crate::sql::is_complete;
use crate::tui::state::{App, Pane};
use crate::tui::text::wrap::wrap;

pub fn draw_console(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let Some(parts) = app.screen().and_then(|s| s.console_parts(app.input_rows())) else {
        return;
    };
    let console = &app.console;
    let focused = app.focus == Pane::Console;
    // Where the console takes the lesson's place, its title says how to get the lesson back.
    let lesson_hidden = app.screen().is_some_and(|s| s.lesson.height == 0);
    let back = if lesson_hidden { "· Esc: back to the lesson " } else { "" };
    let title = Line::from(vec![
        Span::raw(" SQL console · "),
        Span::styled(console.target.clone(), theme.current()),
        Span::raw(" "),
        Span::styled(back, theme.muted()),
    ]);
    let transcript = &console.transcript;
    let height = usize::from(parts.results.height);
    let block = scrolled(
        pane(title, focused, theme),
        transcript.scroll,
        transcript.len(),
        parts.results.height,
        theme,
    );
    frame.render_widget(block, area);

    let results = if transcript.is_empty() {
        introduction(app, usize::from(parts.results.width))
    } else {
        transcript.window(transcript.scroll, height)
    };
    frame.render_widget(Paragraph::new(results), parts.results);

    let view = console.input_view(usize::from(parts.input.width), theme);
    let rows = usize::from(parts.input.height).max(1);
    // The input scrolls to keep the cursor's line in view; the rule above says what it hides.
    let first = view.cursor.0.saturating_sub(rows - 1);
    let status = status(app, usize::from(parts.status.width), first);
    frame.render_widget(Paragraph::new(status), parts.status);
    let lines: Vec<Line> = view.lines.into_iter().skip(first).take(rows).collect();
    frame.render_widget(Paragraph::new(lines), parts.input);
    if focused && !app.help {
        let (row, column) = view.cursor;
        let x = parts.input.x
            + u16::try_from(column).unwrap_or(0).min(parts.input.width.saturating_sub(1));
        let y = parts.input.y + u16::try_from(row - first).unwrap_or(0);
        frame.set_cursor_position(Position::new(x, y));
    }
}

/// What an empty console says: where statements go and how to send them.
fn introduction(app: &App, width: usize) -> Vec<Line<'static>> {
    let target = &app.console.target;
    let others: Vec<&str> =
        app.servers.iter().map(|s| s.name.as_str()).filter(|n| n != target).collect();
    let mut words = vec![format!(
        "Statements run on the {target} as root. End each one with ; (or \\G for one block per \
         row) and press Enter."
    )];
    if let Some(other) = others.first() {
        words.push(format!("Ctrl-T sends them to the {other} instead."));
    }
    words.push("↑ brings back earlier input; Esc closes the console.".to_owned());
    let mut lines = Vec::new();
    for text in words {
        for row in wrap(&[Span::styled(text, app.theme.muted())], width) {
            lines.push(Line::from(row));
        }
    }
    lines
}

/// The rule above the input, with what is happening on it; `hidden` input lines scrolled
/// off above the input (the prompt among them) are counted there.
fn status(app: &App, width: usize, hidden: usize) -> Line<'static> {
    let console = &app.console;
    let theme = &app.theme;
    let (label, style): (String, Style) = if let Some(server) = console.cancelling.iter().next() {
        (format!("cancelling on the {server}…"), theme.busy())
    } else if console.running.contains(&console.target) {
        (format!("running on the {}… Ctrl-C cancels", console.target), theme.busy())
    } else if let Some(other) = console.running.iter().next() {
        (format!("running on the {}…", other), theme.busy())
    } else if hidden > 0 {
        let lines = if hidden == 1 { "1 line".to_owned() } else { format!("{hidden} lines") };
        (format!("{lines} of input above, for the {}", console.target), theme.muted())
    } else if !console.prompt.is_blank() && !is_complete(console.prompt.text()) {
        ("end the statement with ; or \\G, then Enter".to_owned(), theme.muted())
    } else {
        (String::new(), theme.muted())
    };
    let lead = "── ";
    let used = if label.is_empty() { 0 } else { lead.chars().count() + label.chars().count() + 1 };
    let mut spans = Vec::new();
    if !label.is_empty() {
        spans.push(Span::styled(lead, theme.frame()));
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled("─".repeat(width.saturating_sub(used)), theme.frame()));
    Line::from(spans)
}
