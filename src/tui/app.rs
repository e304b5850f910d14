//! The screen's state, and the one place it changes: `App::update`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::action::{Action, Scroll};
use super::draw;
use super::layout::Screen;
use super::markdown;
use super::theme::Theme;
use super::view::{ServerState, ServerView, TaskView};
use super::wrap::truncate;
use crate::content::Day;
use crate::lesson::{Engine, fill};
use crate::workspace::Workspace;

/// A pane that can have the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Lesson,
    Tasks,
}

/// Everything the screen shows.
pub struct App<'a> {
    pub day: &'a Day,
    pub workspace: &'a Workspace,
    pub theme: Theme,
    /// The terminal's size.
    pub area: Rect,
    /// The lesson step on screen (0-based).
    pub step: usize,
    pub focus: Pane,
    /// Whether the key help is open.
    pub help: bool,
    /// Set once the learner asked to leave.
    pub quit: bool,
    /// First line shown of the lesson and of the tasks pane.
    pub lesson_scroll: usize,
    pub tasks_scroll: usize,
    pub servers: Vec<ServerView>,
    pub tasks: Vec<TaskView>,
    pub engine: Engine,
    /// The latest message for the footer; a key press clears it.
    pub notice: Option<String>,
    pages: Pages,
}

/// The parts of the state that show on screen.
type Snapshot = (
    (Rect, usize, Pane, bool, bool),
    (usize, usize, Engine),
    (Vec<ServerView>, Vec<TaskView>, Option<String>, usize),
);

/// Rendered lesson steps for one text width and engine; rendering happens once per step,
/// not on every key press.
#[derive(Default)]
struct Pages {
    width: u16,
    engine: Engine,
    steps: HashMap<usize, Vec<Line<'static>>>,
}

impl<'a> App<'a> {
    /// The screen as it opens: the first step, every task pending, the lab not started.
    pub fn new(day: &'a Day, workspace: &'a Workspace, theme: Theme, area: Rect) -> Self {
        let mut app = App {
            day,
            workspace,
            theme,
            area,
            step: 0,
            focus: Pane::Lesson,
            help: false,
            quit: false,
            lesson_scroll: 0,
            tasks_scroll: 0,
            servers: ServerView::not_started(day),
            tasks: TaskView::pending(day),
            engine: Engine::default(),
            notice: None,
            pages: Pages::default(),
        };
        app.refresh();
        app
    }

    /// Applies one action; returns whether anything on screen changed.
    pub fn update(&mut self, action: Action) -> bool {
        let before = self.snapshot();
        if action.is_input() {
            self.notice = None;
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.help = !self.help,
            Action::Close => self.help = false,
            // The help covers the panes: nothing under it moves.
            _ if self.help && action.is_input() => {}
            Action::NextStep => self.go_to(self.step + 1),
            Action::PrevStep => self.go_to(self.step.saturating_sub(1)),
            Action::Scroll(how) => self.scroll(self.focus, how),
            Action::FocusNext => {
                self.focus = match self.focus {
                    Pane::Lesson => Pane::Tasks,
                    Pane::Tasks => Pane::Lesson,
                }
            }
            Action::Wheel { column, row, lines } => {
                let at = Position::new(column, row);
                let screen = self.screen();
                let lesson = screen.filter(|s| s.lesson.contains(at)).map(|_| Pane::Lesson);
                let tasks = screen.filter(|s| s.tasks.contains(at)).map(|_| Pane::Tasks);
                if let Some(pane) = lesson.or(tasks) {
                    self.scroll_by(pane, isize::from(lines));
                }
            }
            Action::Resize { width, height } => {
                self.area = Rect::new(0, 0, width, height);
                // The tasks pane may have shrunk: bring the current step back into view.
                self.refresh();
                self.tasks_scroll = self.tasks_step_row();
            }
            Action::Lab(servers) => {
                let ports = |s: &[ServerView]| {
                    s.iter().map(|v| (v.name.clone(), v.port)).collect::<Vec<_>>()
                };
                if ports(&servers) != ports(&self.servers) {
                    // Ports appear in the lesson text.
                    self.pages.steps.clear();
                }
                self.servers = servers;
            }
            Action::Tasks(tasks) => self.tasks = tasks,
            Action::Engine(engine) => self.engine = engine,
            Action::Notice(text) => self.notice = Some(text),
        }
        self.refresh();
        self.snapshot() != before
    }

    /// The regions of the screen, or `None` when the terminal is too small.
    pub fn screen(&self) -> Option<Screen> {
        Screen::of(self.area, self.lab_rows())
    }

    /// Lines the lab pane wants: a line per server, one more for a reason or detail, then a
    /// blank line and the workspace.
    pub fn lab_rows(&self) -> u16 {
        let extra = |s: &ServerView| {
            usize::from(s.detail.is_some() || matches!(s.state, ServerState::Failed(_)))
        };
        let rows: usize = self.servers.iter().map(|s| 1 + extra(s)).sum::<usize>() + 2;
        u16::try_from(rows).unwrap_or(u16::MAX)
    }

    /// The current step, rendered (with a pointer to the next step at its end).
    pub fn page(&self) -> &[Line<'static>] {
        self.pages.steps.get(&self.step).map_or(&[], Vec::as_slice)
    }

    /// The value of a lesson placeholder: the running lab's, or the lab's defaults before it
    /// is up.
    pub fn placeholder(&self, name: &str) -> Option<String> {
        let path = |p: PathBuf| p.display().to_string();
        match name.split_once('.') {
            None if name == "workspace" => Some(path(self.workspace.root.clone())),
            None if name == "engine" => Some(self.engine.name().to_owned()),
            Some(("app", "dir")) => self.workspace.app_dir(self.day).map(path),
            Some((server, "port")) => self
                .servers
                .iter()
                .find(|s| s.name == server)
                .and_then(|s| s.port)
                .or_else(|| self.day.spec.server(server).map(|s| s.port))
                .map(|p| p.to_string()),
            Some((server, "config")) => self.workspace.config_file(self.day, server).map(path),
            _ => None,
        }
    }

    /// The workspace folder, with the home folder written `~` to save room.
    pub fn workspace_label(&self) -> String {
        let root = &self.workspace.root;
        match dirs::home_dir().and_then(|home| root.strip_prefix(home).map(Path::to_path_buf).ok())
        {
            Some(rest) => format!("~/{}", rest.display()),
            None => root.display().to_string(),
        }
    }

    fn go_to(&mut self, step: usize) {
        let step = step.min(self.day.lesson.steps.len().saturating_sub(1));
        if step != self.step {
            self.step = step;
            self.lesson_scroll = 0;
            self.refresh();
            self.tasks_scroll = self.tasks_step_row();
        }
    }

    /// Where the current step starts in the tasks pane.
    fn tasks_step_row(&self) -> usize {
        let Some(screen) = self.screen() else { return 0 };
        let list = draw::tasks::lines(self, screen.tasks_text());
        list.step_rows.get(self.step).copied().unwrap_or(0)
    }

    fn scroll(&mut self, pane: Pane, how: Scroll) {
        let page = self.pane_height(pane).saturating_sub(1).max(1);
        let page = isize::try_from(page).unwrap_or(isize::MAX);
        match how {
            Scroll::LineUp => self.scroll_by(pane, -1),
            Scroll::LineDown => self.scroll_by(pane, 1),
            Scroll::PageUp => self.scroll_by(pane, -page),
            Scroll::PageDown => self.scroll_by(pane, page),
            Scroll::Top => self.scroll_by(pane, isize::MIN),
            Scroll::Bottom => self.scroll_by(pane, isize::MAX),
        }
    }

    fn scroll_by(&mut self, pane: Pane, lines: isize) {
        let offset = match pane {
            Pane::Lesson => &mut self.lesson_scroll,
            Pane::Tasks => &mut self.tasks_scroll,
        };
        *offset = offset.saturating_add_signed(lines);
        self.clamp_scroll();
    }

    fn pane_height(&self, pane: Pane) -> usize {
        let Some(screen) = self.screen() else { return 0 };
        usize::from(match pane {
            Pane::Lesson => screen.lesson_text().height,
            Pane::Tasks => screen.tasks_text().height,
        })
    }

    /// Keeps both panes from scrolling past their last line.
    fn clamp_scroll(&mut self) {
        let Some(screen) = self.screen() else { return };
        let lesson_max = self.page().len().saturating_sub(self.pane_height(Pane::Lesson));
        self.lesson_scroll = self.lesson_scroll.min(lesson_max);
        let tasks = draw::tasks::lines(self, screen.tasks_text()).lines.len();
        self.tasks_scroll =
            self.tasks_scroll.min(tasks.saturating_sub(self.pane_height(Pane::Tasks)));
    }

    /// Renders the current step if its page is not cached for this width and engine.
    fn refresh(&mut self) {
        let Some(screen) = self.screen() else { return };
        let width = screen.lesson_text().width;
        if (self.pages.width, self.pages.engine) != (width, self.engine) {
            self.pages = Pages { width, engine: self.engine, steps: HashMap::new() };
        }
        if !self.pages.steps.contains_key(&self.step) {
            let page = self.render_step(width);
            self.pages.steps.insert(self.step, page);
        }
        self.clamp_scroll();
    }

    fn render_step(&self, width: u16) -> Vec<Line<'static>> {
        let steps = &self.day.lesson.steps;
        let Some(step) = steps.get(self.step) else { return Vec::new() };
        let body = fill(&step.body, |name| self.placeholder(name));
        let mut lines = markdown::render(&body, width, self.engine, &self.theme);
        let next = match steps.get(self.step + 1) {
            Some(next) => {
                format!("Next: {}/{} {} (press n)", self.step + 2, steps.len(), next.title)
            }
            None => "End of the lesson.".to_owned(),
        };
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            truncate(&next, usize::from(width)),
            self.theme.muted(),
        )));
        lines
    }

    /// What is on screen, to tell whether an action changed it.
    fn snapshot(&self) -> Snapshot {
        (
            (self.area, self.step, self.focus, self.help, self.quit),
            (self.lesson_scroll, self.tasks_scroll, self.engine),
            (self.servers.clone(), self.tasks.clone(), self.notice.clone(), self.pages.steps.len()),
        )
    }
}
