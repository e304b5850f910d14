//! The lesson pane: the current step, scrolled.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{pane, scrolled};
use crate::tui::app::{App, Pane};

pub fn draw_lesson(frame: &mut Frame, area: Rect, app: &App) {
    let steps = &app.day.lesson.steps;
    let Some(text) = app.screen().map(|s| s.lesson_text()) else { return };
    let title = steps.get(app.step).map_or("", |s| s.title.as_str());
    let title = Line::from(format!(" Step {}/{}: {title} ", app.step + 1, steps.len()));
    let page = app.page();
    let block = pane(title, app.focus == Pane::Lesson, &app.theme);
    frame.render_widget(
        scrolled(block, app.lesson_scroll, page.len(), text.height, &app.theme),
        area,
    );
    let visible: Vec<Line> =
        page.iter().skip(app.lesson_scroll).take(usize::from(text.height)).cloned().collect();
    frame.render_widget(Paragraph::new(visible), text);
}
