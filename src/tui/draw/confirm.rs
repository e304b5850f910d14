//! The question before a reset throws the learner's work away, or a server is crashed.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::tui::draw::pane;
use crate::tui::state::{App, Question};

pub fn draw_confirm(frame: &mut Frame, area: Rect, app: &App, question: &Question) {
    let theme = &app.theme;
    let (title, mut lines, yes, no) = match question {
        Question::Reset => (
            " Reset the lab? ".to_owned(),
            vec![
                Line::raw("This removes both servers and their data, restores the"),
                Line::raw(format!("starting files in {}", app.workspace.root.display())),
                Line::raw("(your edits are lost) and clears your progress."),
            ],
            " reset    ",
            " keep everything",
        ),
        Question::Crash(server) => (
            format!(" Crash the {server}? "),
            vec![
                Line::raw(format!("This kills the {server} at once, like a power cut: no clean")),
                Line::raw("shutdown. Its data stays; r (restart) starts it again."),
                Line::raw("The failover drill begins when the master dies."),
            ],
            " crash    ",
            " keep it running",
        ),
    };
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled("y", theme.key()),
        Span::raw(yes),
        Span::styled("any other key", theme.key()),
        Span::raw(no),
    ]));
    let width = area.width.min(64);
    let height = area.height.min(7);
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    frame.render_widget(Clear, popup);
    let block = pane(Line::from(title), true, theme);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), popup);
}
