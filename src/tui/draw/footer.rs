//! The bottom line: the keys that work now, and the latest notice after them, or in full on
//! lines of its own above them when it does not fit there. The keys never give way to a
//! notice.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::action::{BINDINGS, Binding, Footer, STEP_RANK};
use crate::tui::state::{App, Pane};
use crate::tui::text::wrap::{Row, width, wrap};

/// Rows a notice may take above the keys; a longer one (rare) ends cut.
const MAX_NOTICE_ROWS: usize = 4;

/// Rows the footer takes at this width: the keys, and the lines of a notice that does not
/// fit after them.
pub fn rows(app: &App, columns: u16) -> u16 {
    let notice = notice_rows(app, columns).len();
    1 + u16::try_from(notice).unwrap_or(0)
}

pub fn draw_footer(frame: &mut Frame, area: Rect, app: &App) {
    let keys = keys_line(app, usize::from(area.width));
    let above = notice_rows(app, area.width);
    let [notice_area, keys_row] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    let keys_width = width(&keys);
    frame.render_widget(Paragraph::new(Line::from(keys)), keys_row);
    let Some(notice) = &app.notice else { return };
    // One column of margin on either side, as the keys have on the left.
    if above.is_empty() {
        let line = Line::from(Span::styled(notice.clone(), app.theme.notice())).right_aligned();
        let used = u16::try_from(keys_width).unwrap_or(area.width).min(area.width);
        let beside = Rect {
            x: keys_row.x + used,
            width: keys_row.width.saturating_sub(used).saturating_sub(1),
            ..keys_row
        };
        frame.render_widget(Paragraph::new(line), beside);
    } else if above.len() == 1 {
        let line = Line::from(above.concat()).right_aligned();
        let room = Rect { width: area.width.saturating_sub(1), ..notice_area };
        frame.render_widget(Paragraph::new(line), room);
    } else {
        let lines: Vec<Line> =
            above.into_iter().map(|row| Line::from([vec![Span::raw(" ")], row].concat())).collect();
        frame.render_widget(Paragraph::new(lines), notice_area);
    }
}

/// The notice's lines above the keys: none when it fits after them.
fn notice_rows(app: &App, columns: u16) -> Vec<Row> {
    let Some(notice) = &app.notice else { return Vec::new() };
    let keys = keys_line(app, usize::from(columns));
    if fits_after(&keys, notice, columns) {
        return Vec::new();
    }
    let span = Span::styled(notice.clone(), app.theme.notice());
    let mut rows = wrap(&[span], usize::from(columns).saturating_sub(2));
    if rows.len() > MAX_NOTICE_ROWS {
        rows.truncate(MAX_NOTICE_ROWS);
        // The margin on the right has room for the mark.
        if let Some(row) = rows.last_mut() {
            row.push(Span::styled("…", app.theme.notice()));
        }
    }
    rows
}

/// Whether a notice fits on the keys' line, after them.
fn fits_after(keys: &[Span], notice: &str, columns: u16) -> bool {
    width(keys) + width(&[Span::raw(notice)]) + 2 <= usize::from(columns)
}

/// The keys' line: the selected server (and how many files `e` offers, when more than its
/// config file), so the server keys' target is seen from every pane; then the keys that work
/// in the focused pane, as many as fit, the lowest ranks first; those the step asks for rank
/// high.
fn keys_line(app: &App, columns: usize) -> Vec<Span<'static>> {
    let theme = &app.theme;
    let selected = match (app.help, app.focus, app.selected_server()) {
        (false, focus, Some(server)) if focus != Pane::Console => match app.edit_choices().len() {
            0 | 1 => format!(" ▸ {server} "),
            n => format!(" ▸ {server} · e: {n} files "),
        },
        _ => String::new(),
    };
    let keys: Vec<Footer> = if app.help {
        vec![
            Footer { keys: "Esc", words: "close help", rank: 0, step_only: false },
            Footer { keys: "q", words: "quit", rank: 0, step_only: false },
        ]
    } else {
        let asked = app.step_actions();
        let asked = |b: &Binding| b.map.iter().any(|(_, _, action)| asked.contains(action));
        let bound = BINDINGS.iter().filter(|b| b.works_in(app.focus));
        bound
            .filter_map(|b| match b.footer {
                Some(f) if asked(b) => Some(Footer { rank: f.rank.min(STEP_RANK), ..f }),
                Some(f) if !f.step_only => Some(f),
                _ => None,
            })
            .collect()
    };
    let hint =
        |f: &Footer| [Span::styled(f.keys, theme.key()), Span::raw(format!(" {}  ", f.words))];
    let mut room = columns.saturating_sub(width(&[Span::raw(selected.as_str())]) + 1);
    let mut by_rank: Vec<usize> = (0..keys.len()).collect();
    by_rank.sort_by_key(|i| keys[*i].rank);
    let mut shown = vec![false; keys.len()];
    for i in by_rank {
        let needs = width(&hint(&keys[i]));
        if needs <= room {
            room -= needs;
            shown[i] = true;
        }
    }
    let mut spans = vec![Span::styled(selected, theme.key()), Span::raw(" ")];
    for (f, _) in keys.iter().zip(&shown).filter(|(_, shown)| **shown) {
        spans.extend(hint(f));
    }
    spans
}
