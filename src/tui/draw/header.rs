//! The top bar: the course, the day, and how many tasks are done.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::tui::state::App;
use crate::grade::TaskState;
use crate::tui::text::wrap::truncate;

pub fn draw_header(frame: &mut Frame, area: Rect, app: &App) {
    let style = app.theme.header();
    let done = app.tasks.iter().filter(|t| t.status == TaskState::Done).count();
    let progress = format!(" {done}/{} tasks done ", app.tasks.len());
    let width = u16::try_from(progress.chars().count()).unwrap_or(area.width);
    let [left, right] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(width)]).areas(area);
    let spec = &app.day.spec;
    let title = format!(" sqlcourse · Day {} · {}", spec.day, app.day.lesson.title);
    let title = truncate(&title, usize::from(left.width));
    frame.render_widget(Paragraph::new(Line::from(title)).style(style), left);
    frame.render_widget(Paragraph::new(Line::from(progress)).style(style), right);
}
