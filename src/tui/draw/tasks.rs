//! The tasks pane: every step, with the tasks it teaches and how far each one is.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::draw::{pane, scrolled};
use crate::tui::state::{App, Pane};
use crate::grade::{TaskState, TaskStatus};
use crate::tui::text::wrap::{truncate, wrap};

/// The pane's lines at a width, and the line each step starts on.
pub struct TaskLines {
    pub lines: Vec<Line<'static>>,
    pub step_rows: Vec<usize>,
}

/// Where task lines and their reasons start.
const TASK_INDENT: usize = 2;
const TEXT_INDENT: usize = 4;

pub fn draw_tasks(frame: &mut Frame, area: Rect, app: &App) {
    let title = Line::from(" Steps and tasks ");
    let Some(text) = app.screen().map(|s| s.tasks_text()) else { return };
    let list = lines(app, text);
    let block = scrolled(
        pane(title, app.focus == Pane::Tasks, &app.theme),
        app.tasks_scroll,
        list.lines.len(),
        text.height,
        &app.theme,
    );
    frame.render_widget(block, area);
    let visible: Vec<Line> =
        list.lines.into_iter().skip(app.tasks_scroll).take(usize::from(text.height)).collect();
    frame.render_widget(Paragraph::new(visible), text);
}

/// Builds the pane's text for its size: every task with its id and whole title when that
/// fits, else each task on one line, leaving room for a failing task's reason and hint.
pub fn lines(app: &App, text: Rect) -> TaskLines {
    let full = build(app, usize::from(text.width), false);
    if full.lines.len() <= usize::from(text.height) {
        full
    } else {
        build(app, usize::from(text.width), true)
    }
}

fn build(app: &App, width: usize, compact: bool) -> TaskLines {
    let theme = &app.theme;
    let mut lines = Vec::new();
    let mut step_rows = Vec::new();
    for (i, step) in app.day.lesson.steps.iter().enumerate() {
        step_rows.push(lines.len());
        let tasks: Vec<&TaskStatus> =
            step.tasks.iter().filter_map(|id| app.tasks.iter().find(|t| &t.id == id)).collect();
        let all_done = !tasks.is_empty() && tasks.iter().all(|t| t.status == TaskState::Done);
        let (mark, style) = if i == app.step {
            ("▸", theme.current())
        } else if all_done {
            ("✓", theme.done())
        } else {
            (" ", ratatui::style::Style::new())
        };
        let heading = truncate(&format!("{} {}", i + 1, step.title), width.saturating_sub(2));
        lines.push(Line::from(vec![
            Span::styled(mark, style),
            Span::raw(" "),
            Span::styled(heading, style),
        ]));
        for task in tasks {
            task_lines(&mut lines, task, width, compact, i == app.step, app);
        }
    }
    TaskLines { lines, step_rows }
}

fn task_lines(
    lines: &mut Vec<Line<'static>>,
    task: &TaskStatus,
    width: usize,
    compact: bool,
    current: bool,
    app: &App,
) {
    let theme = &app.theme;
    let (mark, mark_style) = match task.status {
        TaskState::Pending => ("○", theme.muted()),
        TaskState::Failing => ("✗", theme.failing()),
        TaskState::Done => ("✓", theme.done()),
    };
    let room = width.saturating_sub(TEXT_INDENT);
    let head = if compact {
        wrap(&[Span::raw(truncate(&task.title, room))], room)
    } else {
        let head = [
            Span::styled(task.id.clone(), theme.strong()),
            Span::styled(" · ", theme.muted()),
            Span::raw(task.title.clone()),
        ];
        wrap(&head, room)
    };
    for (n, row) in head.into_iter().enumerate() {
        let lead = if n == 0 {
            vec![Span::raw(" ".repeat(TASK_INDENT)), Span::styled(mark, mark_style), Span::raw(" ")]
        } else {
            vec![Span::raw(" ".repeat(TEXT_INDENT))]
        };
        lines.push(Line::from([lead, row].concat()));
    }
    // A failing task says why; a pending one of the step on screen says what to do next.
    let next_move = current && task.status == TaskState::Pending && task.hint.is_some();
    if task.status != TaskState::Failing && !next_move {
        return;
    }
    let notes = [
        task.reason.as_ref().map(|r| {
            let style = if task.status == TaskState::Failing { theme.failing() } else { theme.muted() };
            vec![Span::styled(r.clone(), style)]
        }),
        task.hint
            .as_ref()
            .map(|h| vec![Span::styled("Hint: ", theme.strong()), Span::raw(h.clone())]),
    ];
    for note in notes.into_iter().flatten() {
        for row in wrap(&note, width.saturating_sub(TEXT_INDENT)) {
            lines.push(Line::from([vec![Span::raw(" ".repeat(TEXT_INDENT))], row].concat()));
        }
    }
}
