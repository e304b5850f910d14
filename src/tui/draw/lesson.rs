//! The lesson pane: the current step, scrolled, with the code block that `y` and `v` act on
//! marked while the pane has the keyboard.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::draw::{pane, scrolled};
use crate::tui::state::{App, Pane};

/// Replaces the bar of the marked code block.
const MARK: &str = "▌ ";

pub fn draw_lesson(frame: &mut Frame, area: Rect, app: &App) {
    let steps = &app.day.lesson.steps;
    let Some(text) = app.screen().map(|s| s.lesson_text()) else {
        return;
    };
    let title = steps.get(app.step).map_or("", |s| s.title.as_str());
    let title = Line::from(format!(" Step {}/{}: {title} ", app.step + 1, steps.len()));
    let page = app.page();
    let block = pane(title, app.focus == Pane::Lesson, &app.theme);
    frame.render_widget(
        scrolled(block, app.lesson_scroll, page.len(), text.height, &app.theme),
        area,
    );
    let focused = app.focus == Pane::Lesson;
    let marked = app.code_target().filter(|_| focused);
    let visible: Vec<Line> = page
        .iter()
        .enumerate()
        .skip(app.lesson_scroll)
        .take(usize::from(text.height))
        .map(|(n, line)| match marked {
            Some(block) if block.lines.contains(&n) => {
                let mut line = line.clone();
                if let Some(bar) = line.spans.get_mut(block.bar) {
                    *bar = Span::styled(MARK, app.theme.current());
                }
                line
            }
            _ => line.clone(),
        })
        .collect();
    frame.render_widget(Paragraph::new(visible), text);
}
