//! Drawing: plain functions, one file per region, each reading the app and changing nothing.

mod confirm;
mod console;
pub(crate) mod footer;
mod header;
mod help;
pub(crate) mod lab;
pub(crate) mod layout;
mod lesson;
mod output;
pub(crate) mod tasks;
pub mod theme;
mod too_small;

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Padding};

use crate::tui::state::{App, Work};
use crate::tui::draw::theme::Theme;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let Some(screen) = app.screen() else {
        too_small::draw_too_small(frame, frame.area(), app);
        return;
    };
    header::draw_header(frame, screen.header, app);
    if screen.lesson.height > 0 {
        lesson::draw_lesson(frame, screen.lesson, app);
    }
    match (screen.work, app.work) {
        (Some(area), Some(Work::Console)) => console::draw_console(frame, area, app),
        (Some(area), Some(Work::Output)) => output::draw_output(frame, area, app),
        _ => {}
    }
    tasks::draw_tasks(frame, screen.tasks, app);
    lab::draw_lab(frame, screen.lab, app);
    footer::draw_footer(frame, screen.footer, app);
    if app.help {
        help::draw_help(frame, frame.area(), app);
    }
    if let Some(question) = &app.confirm {
        confirm::draw_confirm(frame, frame.area(), app, question);
    }
}

/// A pane's frame: a rounded border, brighter and heavier when the pane has the keyboard
/// (heavier so the focus shows without colour too).
fn pane<'a>(title: Line<'a>, focused: bool, theme: &Theme) -> Block<'a> {
    let (border, kind) = if focused {
        (theme.focused_border(), BorderType::Thick)
    } else {
        (theme.border(), BorderType::Rounded)
    };
    Block::bordered()
        .border_type(kind)
        .border_style(border)
        .title(title.style(theme.title()))
        .padding(Padding::horizontal(1))
}

/// Marks a pane whose text is longer than it is tall with where it is scrolled to.
fn scrolled<'a>(
    block: Block<'a>,
    scroll: usize,
    len: usize,
    height: u16,
    theme: &Theme,
) -> Block<'a> {
    let height = usize::from(height);
    if len <= height {
        return block;
    }
    let last = len - height;
    let position = match scroll {
        0 => "top ↓".to_owned(),
        s if s >= last => "↑ end".to_owned(),
        s => format!("↑ {}% ↓", s * 100 / last),
    };
    let marker = Line::from(Span::styled(format!(" {position} "), theme.muted()));
    block.title_bottom(marker.right_aligned())
}
