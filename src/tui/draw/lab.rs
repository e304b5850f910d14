//! The lab pane: one line per server, and where the learner's files are.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::pane;
use crate::tui::app::App;
use crate::tui::view::ServerState;
use crate::tui::wrap::{truncate, truncate_start};

pub fn draw_lab(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let Some(text) = app.screen().map(|s| s.lab_text()) else { return };
    let width = usize::from(text.width);
    let name_width = app.servers.iter().map(|s| s.name.chars().count()).max().unwrap_or(0);
    let mut lines = Vec::new();
    for server in &app.servers {
        let (mark, style) = match server.state {
            ServerState::NotStarted | ServerState::Stopped => ("○", theme.muted()),
            ServerState::Starting => ("◌", theme.busy()),
            ServerState::Ready => ("●", theme.done()),
            ServerState::Failed(_) => ("✗", theme.failing()),
        };
        let port = server.port.map_or_else(String::new, |p| format!("  :{p}"));
        lines.push(Line::from(vec![
            Span::styled(format!("{:name_width$}  ", server.name), theme.strong()),
            Span::styled(format!("{mark} {}", server.state.label()), style),
            Span::styled(port, theme.muted()),
        ]));
        let detail = match &server.state {
            ServerState::Failed(reason) => Some((reason, theme.failing())),
            _ => server.detail.as_ref().map(|d| (d, theme.muted())),
        };
        if let Some((detail, style)) = detail {
            let indent = name_width + 2;
            let text = truncate(detail, width.saturating_sub(indent));
            lines.push(Line::from(vec![Span::raw(" ".repeat(indent)), Span::styled(text, style)]));
        }
    }
    // The servers come first; the files line takes what room is left, after a gap if it fits.
    if lines.len() + 2 <= usize::from(text.height) {
        lines.push(Line::default());
    }
    let label = "Files  ";
    let files = truncate_start(&app.workspace_label(), width.saturating_sub(label.len()));
    lines.push(Line::from(vec![
        Span::styled(label, theme.strong()),
        Span::styled(files, theme.muted()),
    ]));
    let idle = app.servers.iter().all(|s| s.state == ServerState::NotStarted);
    let title = if idle { " Lab: not started " } else { " Lab " };
    frame.render_widget(pane(Line::from(title), false, theme), area);
    frame.render_widget(Paragraph::new(lines), text);
}
