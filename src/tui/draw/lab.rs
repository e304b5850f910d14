//! The lab pane: one line per server (the selected one marked), replication's health under
//! each as room allows, and where the learner's files are.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::draw::pane;
use crate::tui::state::{App, Pane};
use crate::tui::state::view::ServerLife;
use crate::tui::text::wrap::{truncate, truncate_start};

pub fn draw_lab(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let Some(text) = app.screen().map(|s| s.lab_text()) else {
        return;
    };
    let width = usize::from(text.width);
    let name_width = app.servers.iter().map(|s| s.name.chars().count()).max().unwrap_or(0);
    let focused = app.focus == Pane::Lab;
    // Replication's health fills the room the servers leave: every line when it fits, else
    // one summary line per server, else nothing (the files line always has its row).
    let fixed: usize = app
        .servers
        .iter()
        .map(|s| 1 + usize::from(matches!(s.state, ServerLife::Failed(_)) || s.detail.is_some()))
        .sum();
    let rows = usize::from(text.height);
    let full: usize = app.servers.iter().filter_map(|s| s.health.as_ref()).map(|h| h.lines.len()).sum();
    let with_health = app.servers.iter().filter(|s| s.health.is_some()).count();
    // While replication is watched, a summary line per server matters more than the files line.
    let detailed = fixed + full < rows;
    let summarised = !detailed && fixed + with_health <= rows;
    let files_fit = fixed + if detailed { full } else if summarised { with_health } else { 0 } < rows;
    let indent = name_width + 2;
    let mut lines = Vec::new();
    for (i, server) in app.servers.iter().enumerate() {
        let (mark, style) = match server.state {
            ServerLife::NotStarted | ServerLife::Stopped => ("○", theme.muted()),
            ServerLife::Starting => ("◌", theme.busy()),
            ServerLife::Ready => ("●", theme.done()),
            ServerLife::Failed(_) => ("✗", theme.failing()),
        };
        let port = server.port.map_or_else(String::new, |p| format!("  :{p}"));
        // The selected server is what `e` and `x` act on, from any pane: highlighted while
        // the pane has the keyboard, underlined otherwise.
        let name_style = match (i == app.server, focused) {
            (true, true) => theme.strong().add_modifier(Modifier::REVERSED),
            (true, false) => theme.strong().add_modifier(Modifier::UNDERLINED),
            (false, _) => theme.strong(),
        };
        lines.push(Line::from(vec![
            Span::styled(server.name.clone(), name_style),
            Span::raw(" ".repeat(name_width - server.name.chars().count() + 2)),
            Span::styled(format!("{mark} {}", server.state.label()), style),
            Span::styled(port, theme.muted()),
        ]));
        let detail = match &server.state {
            ServerLife::Failed(reason) => Some((reason, theme.failing())),
            _ => server.detail.as_ref().map(|d| (d, theme.muted())),
        };
        let mut indented = |text: &str, style, indent: usize| {
            let text = truncate(text, width.saturating_sub(indent));
            lines.push(Line::from(vec![Span::raw(" ".repeat(indent)), Span::styled(text, style)]));
        };
        if let Some((detail, style)) = detail {
            indented(detail, style, indent);
        }
        if let Some(health) = &server.health {
            let style = if health.trouble { theme.failing() } else { theme.muted() };
            if detailed {
                for line in &health.lines {
                    indented(line, style, 2);
                }
            } else if summarised {
                indented(&health.summary, style, 2);
            }
        }
    }
    // The servers come first; the files line takes what room is left, after a gap if it fits.
    if files_fit {
        if lines.len() + 2 <= rows {
            lines.push(Line::default());
        }
        let label = "Files  ";
        let files = truncate_start(&app.workspace_label(), width.saturating_sub(label.len()));
        lines.push(Line::from(vec![
            Span::styled(label, theme.strong()),
            Span::styled(files, theme.muted()),
        ]));
    }
    let idle = app.servers.iter().all(|s| s.state == ServerLife::NotStarted);
    let title = if idle { " Lab: not started " } else { " Lab " };
    frame.render_widget(pane(Line::from(title), focused, theme), area);
    frame.render_widget(Paragraph::new(lines), text);
}
