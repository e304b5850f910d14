//! The application's output, and how it ended.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::draw::{pane, scrolled};
use crate::tui::state::{App, Pane};

pub fn draw_output(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let Some(text) = app.screen().and_then(|s| s.work_text()) else {
        return;
    };
    let output = &app.output;
    let (state, style) = match output.exit {
        _ if output.running => ("running…".to_owned(), theme.busy()),
        Some(Some(0)) => ("exited 0".to_owned(), theme.done()),
        Some(Some(code)) => (format!("exited {code}"), theme.failing()),
        Some(None) => ("stopped".to_owned(), theme.failing()),
        None => ("did not start".to_owned(), theme.failing()),
    };
    let title =
        Line::from(vec![Span::raw(" Application · "), Span::styled(state, style), Span::raw(" ")]);
    let transcript = &output.transcript;
    let block = scrolled(
        pane(title, app.focus == Pane::Output, theme),
        transcript.scroll,
        transcript.len(),
        text.height,
        theme,
    );
    frame.render_widget(block, area);
    frame.render_widget(
        Paragraph::new(transcript.window(transcript.scroll, usize::from(text.height))),
        text,
    );
}
