//! The key help, over the panes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::tui::action::BINDINGS;
use crate::tui::draw::pane;
use crate::tui::state::App;
use crate::tui::text::wrap::wrap;

/// What the mouse does, after the keys.
const MOUSE: (&str, &str) = ("wheel", "scroll the pane under it (Shift-drag: select text)");

pub fn draw_help(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let entries: Vec<(&str, &str)> = BINDINGS
        .iter()
        .filter(|b| b.works_in(app.focus))
        .map(|b| (b.keys, b.help))
        .chain([MOUSE])
        .collect();
    let key_width = entries.iter().map(|(keys, _)| keys.chars().count()).max().unwrap_or(0);
    // Inside the border and its padding; a line too long for that wraps under its words.
    let inner = usize::from(area.width.saturating_sub(4));
    let words_width = inner.saturating_sub(key_width + 2).max(10);
    let mut lines: Vec<Line> = Vec::new();
    for (keys, help) in entries {
        for (n, row) in wrap(&[Span::raw(help)], words_width).into_iter().enumerate() {
            let keys = if n == 0 { keys } else { "" };
            let lead =
                vec![Span::styled(format!("{keys:key_width$}"), theme.key()), Span::raw("  ")];
            lines.push(Line::from([lead, row].concat()));
        }
    }
    let content_width = lines.iter().map(Line::width).max().unwrap_or(0);
    let width = u16::try_from(content_width + 4).unwrap_or(area.width).min(area.width);
    // The footer line stays visible: it says how to close the help.
    let area = Rect { height: area.height.saturating_sub(1), ..area };
    let height = u16::try_from(lines.len() + 2).unwrap_or(area.height).min(area.height);
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    frame.render_widget(Clear, popup);
    let title = format!(" Keys: {} ", app.focus.name());
    let block = pane(Line::from(title), true, theme);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
