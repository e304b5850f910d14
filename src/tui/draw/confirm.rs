//! The question before a reset throws the learner's work away.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::tui::draw::pane;
use crate::tui::state::App;

pub fn draw_confirm_reset(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let lines = vec![
        Line::raw("This removes both servers and their data, restores the"),
        Line::raw(format!("starting files in {}", app.workspace.root.display())),
        Line::raw("(your edits are lost) and clears your progress."),
        Line::default(),
        Line::from(vec![
            Span::styled("y", theme.key()),
            Span::raw(" reset    "),
            Span::styled("any other key", theme.key()),
            Span::raw(" keep everything"),
        ]),
    ];
    let width = area.width.min(64);
    let height = area.height.min(7);
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    frame.render_widget(Clear, popup);
    let block = pane(Line::from(" Reset the lab? "), true, theme);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), popup);
}
