//! The bottom line: the keys that work now, and the latest notice.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::action::{BINDINGS, Footer};
use crate::tui::state::App;
use crate::tui::text::wrap::{truncate, width};

pub fn draw_footer(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    // A notice is news: it gets its room first (the whole line if it needs it), the keys the
    // rest. The next key press clears it.
    let notice =
        app.notice.as_ref().map(|n| truncate(n, usize::from(area.width).saturating_sub(2)));
    let notice_width = notice.as_ref().map_or(0, |n| width(&[Span::raw(format!("{n} "))]));
    // The selected server (and what e opens, when that is the step's own file), so the
    // server keys' target is seen from every pane.
    let selected = match (app.help, app.focus, app.selected_server()) {
        (false, focus, Some(server)) if focus != crate::tui::state::Pane::Console => {
            match app.step_app_file().and_then(|f| f.file_name().map(|n| n.to_string_lossy().into_owned())) {
                Some(file) => format!(" ▸ {server} · e: {file} "),
                None => format!(" ▸ {server} "),
            }
        }
        _ => String::new(),
    };
    let room = usize::from(area.width).saturating_sub(notice_width + width(&[Span::raw(selected.clone())]));
    let keys: Vec<Footer> = if app.help {
        vec![
            Footer { keys: "Esc", words: "close help", rank: 0 },
            Footer { keys: "q", words: "quit", rank: 0 },
        ]
    } else {
        BINDINGS.iter().filter(|b| b.works_in(app.focus)).filter_map(|b| b.footer).collect()
    };
    let hint =
        |f: &Footer| [Span::styled(f.keys, theme.key()), Span::raw(format!(" {}  ", f.words))];
    // The lowest ranks get the room first; what fits is shown in the table's order.
    let mut by_rank: Vec<usize> = (0..keys.len()).collect();
    by_rank.sort_by_key(|i| keys[*i].rank);
    let mut room = room.saturating_sub(1);
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
