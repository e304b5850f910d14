//! What a terminal too small for the panes shows instead of them.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::state::App;
use crate::tui::draw::layout::{MIN_HEIGHT, MIN_WIDTH};
use crate::tui::text::wrap::wrap;

pub fn draw_too_small(frame: &mut Frame, area: Rect, app: &App) {
    let size =
        format!("It is {}×{}; the lesson needs {MIN_WIDTH}×{MIN_HEIGHT}.", area.width, area.height);
    let message = [
        Span::styled("The terminal is too small.", app.theme.strong()),
        Span::raw(size),
        Span::raw("Enlarge the window, or press q to quit."),
    ];
    let lines: Vec<Line> = message
        .iter()
        .flat_map(|span| wrap(std::slice::from_ref(span), usize::from(area.width)))
        .map(|row| Line::from(row).centered())
        .collect();
    let height = u16::try_from(lines.len()).unwrap_or(u16::MAX).min(area.height);
    let [_, middle, _] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(height), Constraint::Fill(1)])
            .areas(area);
    frame.render_widget(Paragraph::new(lines), middle);
}
