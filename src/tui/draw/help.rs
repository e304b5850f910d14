//! The key help, over the panes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::tui::draw::pane;
use crate::tui::action::BINDINGS;
use crate::tui::state::{App, Pane};

pub fn draw_help(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let bindings: Vec<_> = BINDINGS.iter().filter(|b| b.works_in(app.focus)).collect();
    let key_width = bindings.iter().map(|b| b.keys.chars().count()).max().unwrap_or(0).max(10);
    let mut lines: Vec<Line> = bindings
        .iter()
        .map(|b| {
            Line::from(vec![
                Span::styled(format!("{:key_width$}", b.keys), theme.key()),
                Span::raw("  "),
                Span::raw(b.help),
            ])
        })
        .collect();
    lines.push(Line::from(vec![
        Span::styled(format!("{:key_width$}", "wheel"), theme.key()),
        Span::raw("  scroll the pane under the pointer"),
    ]));
    lines.push(Line::from(vec![
        Span::styled(format!("{:key_width$}", "Shift-drag"), theme.key()),
        Span::raw("  select text (the mouse is captured for the wheel)"),
    ]));
    let content_width = lines.iter().map(Line::width).max().unwrap_or(0);
    let width = u16::try_from(content_width + 4).unwrap_or(area.width).min(area.width);
    // The footer line stays visible: it says how to close the help.
    let area = Rect { height: area.height.saturating_sub(1), ..area };
    let height = u16::try_from(lines.len() + 2).unwrap_or(area.height).min(area.height);
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    frame.render_widget(Clear, popup);
    let title = match app.focus {
        Pane::Lesson => " Keys: lesson ",
        Pane::Tasks => " Keys: steps and tasks ",
        Pane::Lab => " Keys: lab ",
        Pane::Console => " Keys: SQL console ",
        Pane::Output => " Keys: application ",
    };
    let block = pane(Line::from(title), true, theme);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
