//! The bottom line: the keys that work now, and the latest notice.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::action::BINDINGS;
use crate::tui::app::App;
use crate::tui::wrap::{truncate, width};

pub fn draw_footer(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    // A notice is news: it gets its room first (up to two thirds of the line), the keys the rest.
    let notice = app.notice.as_ref().map(|n| truncate(n, usize::from(area.width) * 2 / 3));
    let notice_width = notice.as_ref().map_or(0, |n| width(&[Span::raw(format!("{n} "))]));
    let room = usize::from(area.width).saturating_sub(notice_width);
    let keys: Vec<(&str, &str)> = if app.help {
        vec![("Esc/?", "close help"), ("q", "quit")]
    } else {
        BINDINGS.iter().filter_map(|b| b.footer).collect()
    };
    let mut spans = vec![Span::raw(" ")];
    for (key, what) in keys {
        let hint = [Span::styled(key, theme.key()), Span::raw(format!(" {what}  "))];
        if width(&spans) + width(&hint) > room {
            break;
        }
        spans.extend(hint);
    }
    let [left, right] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(u16::try_from(notice_width).unwrap_or(0)),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(Line::from(spans)), left);
    if let Some(notice) = notice {
        let line = Line::from(Span::styled(format!("{notice} "), theme.notice()));
        frame.render_widget(Paragraph::new(line), right);
    }
}
