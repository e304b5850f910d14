//! The lab pane: one line per server (the selected one marked), replication's health under
//! each as room allows, and where the learner's files are. Nothing is cut mid-word: a line too
//! long for the pane takes its shorter form, else wraps.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::draw::pane;
use crate::tui::state::view::{ServerLife, ServerView};
use crate::tui::state::{App, Pane};
use crate::tui::text::wrap::{truncate, truncate_start, width as spans_width, wrap};

/// Where replication's health starts under a server.
const HEALTH_INDENT: usize = 2;

pub fn draw_lab(frame: &mut Frame, area: Rect, app: &App) {
    let Some(text) = app.screen().map(|s| s.lab_text()) else {
        return;
    };
    let lines = lines(app, usize::from(text.width), usize::from(text.height));
    let idle = app.servers.iter().all(|s| s.state == ServerLife::NotStarted);
    let title = if idle { " Lab: not started " } else { " Lab " };
    frame.render_widget(pane(Line::from(title), app.focus == Pane::Lab, &app.theme), area);
    frame.render_widget(Paragraph::new(lines), text);
}

/// Rows the pane wants at `width` to show everything: every server with replication's health
/// in full, a blank line and the files line.
pub fn wanted_rows(app: &App, width: usize) -> usize {
    let parts: Vec<ServerLines> = app.servers.iter().map(|s| server_lines(app, s, width)).collect();
    parts.iter().map(|p| p.head.len() + p.health.len()).sum::<usize>() + 2
}

/// The pane's lines for its size. Replication's health fills the room the servers leave:
/// every line when it fits; else one summary line per server, then, in the room left, the
/// lines in full of the servers in trouble first (the last one cut short, marked `…`); else
/// nothing. The files line takes what room is left, after a gap if it fits.
pub fn lines(app: &App, width: usize, rows: usize) -> Vec<Line<'static>> {
    let parts: Vec<ServerLines> = app.servers.iter().map(|s| server_lines(app, s, width)).collect();
    let fixed: usize = parts.iter().map(|p| p.head.len()).sum();
    let full: usize = parts.iter().map(|p| p.health.len()).sum();
    let with_health = parts.iter().filter(|p| p.summary.is_some()).count();
    // What each server shows of its health: everything, a summary, or nothing; with the
    // summary, as many rows of its last error as are given here.
    let mut shown: Vec<Shown> = vec![Shown::Full; parts.len()];
    if fixed + full >= rows {
        let fits = fixed + with_health <= rows;
        shown = parts
            .iter()
            .map(|p| if fits && p.summary.is_some() { Shown::Summary(0) } else { Shown::Nothing })
            .collect();
        if fits {
            // While replication is watched, its health matters more than the files line:
            // the servers in trouble first, in full if they fit, else their error.
            let mut room = rows - fixed - with_health;
            let mut order: Vec<usize> = (0..parts.len()).filter(|&i| parts[i].summary.is_some()).collect();
            order.sort_by_key(|&i| !parts[i].trouble);
            for i in order {
                let more = parts[i].health.len().saturating_sub(1);
                if more <= room {
                    shown[i] = Shown::Full;
                    room -= more;
                } else if !parts[i].error.is_empty() && room > 0 {
                    let rows = parts[i].error.len().min(room);
                    shown[i] = Shown::Summary(rows);
                    room -= rows;
                }
            }
        }
    }
    let health_rows: usize = parts
        .iter()
        .zip(&shown)
        .map(|(p, s)| match s {
            Shown::Full => p.health.len(),
            Shown::Summary(error) => 1 + error,
            Shown::Nothing => 0,
        })
        .sum();
    let mut lines = Vec::new();
    for (part, shown) in parts.into_iter().zip(shown) {
        lines.extend(part.head);
        match shown {
            Shown::Nothing => {}
            Shown::Full => lines.extend(part.health),
            Shown::Summary(rows) => {
                lines.extend(part.summary);
                let cut = rows < part.error.len();
                let mut error: Vec<Line<'static>> = part.error.into_iter().take(rows).collect();
                if cut && let Some(last) = error.last_mut() {
                    let text: String = last.spans.iter().map(|s| s.content.as_ref()).collect();
                    let style = last.spans.last().map(|s| s.style).unwrap_or_default();
                    *last = Line::from(Span::styled(truncate(&format!("{}…", text.trim_end()), width), style));
                }
                lines.extend(error);
            }
        }
    }
    if fixed + health_rows < rows {
        if lines.len() + 2 <= rows {
            lines.push(Line::default());
        }
        let theme = &app.theme;
        let label = "Files  ";
        let files = truncate_start(&app.workspace_label(), width.saturating_sub(label.len()));
        lines.push(Line::from(vec![
            Span::styled(label, theme.strong()),
            Span::styled(files, theme.muted()),
        ]));
    }
    lines
}

/// How much of a server's health the pane shows.
#[derive(Clone, Copy)]
enum Shown {
    Full,
    /// The summary line, then this many rows of the last error.
    Summary(usize),
    Nothing,
}

/// One server's lines: its own (state, then a detail or why it failed), its health in full,
/// and its health in one line.
struct ServerLines {
    head: Vec<Line<'static>>,
    health: Vec<Line<'static>>,
    summary: Option<Line<'static>>,
    /// Its replication is in trouble: its lines come first when room is short.
    trouble: bool,
    /// The rows of its last error (the last health line), when it has one.
    error: Vec<Line<'static>>,
}

fn server_lines(app: &App, server: &ServerView, width: usize) -> ServerLines {
    let theme = &app.theme;
    let name_width = app.servers.iter().map(|s| s.name.chars().count()).max().unwrap_or(0);
    let selected = app.selected_server() == Some(server.name.as_str());
    let (mark, style) = match server.state {
        ServerLife::NotStarted | ServerLife::Stopped => ("○", theme.muted()),
        ServerLife::Starting => ("◌", theme.busy()),
        ServerLife::Ready => ("●", theme.done()),
        ServerLife::Failed(_) => ("✗", theme.failing()),
    };
    let port = server.port.map_or_else(String::new, |p| format!("  :{p}"));
    // The selected server is what `e` and `x` act on, from any pane: highlighted while the
    // pane has the keyboard, underlined otherwise.
    let name_style = match (selected, app.focus == Pane::Lab) {
        (true, true) => theme.strong().add_modifier(Modifier::REVERSED),
        (true, false) => theme.strong().add_modifier(Modifier::UNDERLINED),
        (false, _) => theme.strong(),
    };
    let mut head = vec![Line::from(vec![
        Span::styled(server.name.clone(), name_style),
        Span::raw(" ".repeat(name_width - server.name.chars().count() + 2)),
        Span::styled(format!("{mark} {}", server.state.label()), style),
        Span::styled(port, theme.muted()),
    ])];
    let detail = match &server.state {
        ServerLife::Failed(reason) => Some((reason, theme.failing())),
        _ => server.detail.as_ref().map(|d| (d, theme.muted())),
    };
    if let Some((detail, style)) = detail {
        head.extend(fitted(detail, detail, style, name_width + 2, width));
    }
    let (mut health, mut summary, mut error) = (Vec::new(), None, Vec::new());
    let trouble = server.health.as_ref().is_some_and(|h| h.trouble);
    if let Some(h) = &server.health {
        let style = if h.trouble { theme.failing() } else { theme.muted() };
        let rows: Vec<Vec<Line<'static>>> =
            h.lines.iter().zip(&h.narrow).map(|(full, narrow)| fitted(full, narrow, style, HEALTH_INDENT, width)).collect();
        if h.ends_with_error {
            error = rows.last().cloned().unwrap_or_default();
        }
        health = rows.into_iter().flatten().collect();
        // The one-line form is for a pane short of rows: it stays one line.
        let text = truncate(&h.summary, width.saturating_sub(HEALTH_INDENT));
        summary = Some(indented(vec![Span::styled(text, style)], HEALTH_INDENT));
    }
    ServerLines { head, health, summary, trouble, error }
}

/// A line at `indent` in the room left: in full when it fits, else its narrow form, wrapped
/// at words when even that is too long.
fn fitted(
    full: &str,
    narrow: &str,
    style: Style,
    indent: usize,
    width: usize,
) -> Vec<Line<'static>> {
    let room = width.saturating_sub(indent).max(1);
    let fits = |text: &str| spans_width(&[Span::raw(text)]) <= room;
    // As written when it fits (its spacing lines the positions up); wrapping joins spaces.
    match [full, narrow].into_iter().find(|text| fits(text)) {
        Some(text) => vec![indented(vec![Span::styled(text.to_owned(), style)], indent)],
        None => wrap(&[Span::styled(narrow, style)], room)
            .into_iter()
            .map(|row| indented(row, indent))
            .collect(),
    }
}

fn indented(row: Vec<Span<'static>>, indent: usize) -> Line<'static> {
    Line::from([vec![Span::raw(" ".repeat(indent))], row].concat())
}
