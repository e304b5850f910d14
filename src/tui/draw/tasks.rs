//! The tasks pane: every step, with the tasks it teaches and how far each one is.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::draw::{pane, scrolled};
use crate::tui::state::{App, Pane};
use crate::grade::{TaskState, TaskStatus};
use crate::tui::text::wrap::wrap;

/// The pane's lines at a width, and the line each step starts on.
pub struct TaskLines {
    pub lines: Vec<Line<'static>>,
    pub step_rows: Vec<usize>,
    /// Each task's id and the line after its last (its reason and hint included).
    pub task_ends: Vec<(String, usize)>,
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

/// Builds the pane's text for its width: every task with its id (the lesson names tasks by
/// it) and title, a failing task with its reason and hint. Titles wrap at words; nothing is
/// cut; the pane scrolls.
pub fn lines(app: &App, text: Rect) -> TaskLines {
    build(app, usize::from(text.width))
}

fn build(app: &App, width: usize) -> TaskLines {
    let theme = &app.theme;
    let mut lines = Vec::new();
    let mut step_rows = Vec::new();
    let mut task_ends = Vec::new();
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
        let heading = Span::styled(format!("{} {}", i + 1, step.title), style);
        for (n, row) in wrap(&[heading], width.saturating_sub(TASK_INDENT)).into_iter().enumerate() {
            let lead = if n == 0 { Span::styled(format!("{mark} "), style) } else { Span::raw("  ") };
            lines.push(Line::from([vec![lead], row].concat()));
        }
        for task in tasks {
            task_lines(&mut lines, task, width, i == app.step, app);
            task_ends.push((task.id.clone(), lines.len()));
        }
    }
    TaskLines { lines, step_rows, task_ends }
}

fn task_lines(
    lines: &mut Vec<Line<'static>>,
    task: &TaskStatus,
    width: usize,
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
    let head = [
        Span::styled(task.id.clone(), theme.strong()),
        Span::styled(" · ", theme.muted()),
        Span::raw(task.title.clone()),
    ];
    let head = wrap(&head, room);
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
    // The workspace is on screen (the lab pane, the lesson): its files go by their own names.
    let shown = |text: &str| app.workspace.shown_in(text);
    let notes = [
        task.reason.as_ref().map(|r| {
            let style = if task.status == TaskState::Failing { theme.failing() } else { theme.muted() };
            vec![Span::styled(shown(r), style)]
        }),
        task.hint
            .as_ref()
            .map(|h| vec![Span::styled("Hint: ", theme.strong()), Span::raw(shown(h))]),
    ];
    for note in notes.into_iter().flatten() {
        for row in wrap(&note, width.saturating_sub(TEXT_INDENT)) {
            lines.push(Line::from([vec![Span::raw(" ".repeat(TEXT_INDENT))], row].concat()));
        }
    }
}
