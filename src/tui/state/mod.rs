//! The screen's state, and the one place it changes: `App::update`.
//!
//! `update` never does slow work: what needs the outside world (SQL, the editor, a client,
//! the clipboard, the application) is recorded as an [`Effect`] for the event loop to carry
//! out, and its outcome comes back later as another action.

pub(crate) mod console;
pub(crate) mod output;
pub(crate) mod prompt;
pub(crate) mod transcript;
pub(crate) mod view;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use crate::tui::action::{Action, Edit, Scroll, help_key_action, key_action};
use crate::tui::state::console::{Console, Submit};
use crate::tui::draw;
use crate::tui::effect::{AfterEdit, Effect};
use crate::tui::draw::layout::Screen;
use crate::tui::text::markdown::{self, CodeBlock, Page};
use crate::tui::state::output::Output;
use crate::tui::draw::theme::Theme;
use crate::tui::state::view::{ServerLife, ServerView};
use crate::grade::TaskStatus;
use crate::tui::text::wrap::truncate;
use crate::course::content::Day;
use crate::course::lesson::{Engine, Purpose};
use crate::course::template::fill;
use crate::tui::workers::lab::Request;
use crate::learner::app_run::AppEvent;
use crate::learner::workspace::Workspace;

/// A pane that can have the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Lesson,
    Tasks,
    Lab,
    /// The SQL console.
    Console,
    /// The application's output.
    Output,
}

/// What the work pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    Console,
    Output,
}

impl Work {
    fn pane(self) -> Pane {
        match self {
            Work::Console => Pane::Console,
            Work::Output => Pane::Output,
        }
    }
}

/// A question that needs a yes before anything is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// Reset the whole lab.
    Reset,
    /// Kill this server like a power cut.
    Crash(String),
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
    /// The question open over the panes, waiting for y or any other key.
    pub confirm: Option<Question>,
    /// Set once the learner asked to leave.
    pub quit: bool,
    /// First line shown of the lesson and of the tasks pane.
    pub lesson_scroll: usize,
    pub tasks_scroll: usize,
    pub servers: Vec<ServerView>,
    pub tasks: Vec<TaskStatus>,
    pub engine: Engine,
    /// The latest message for the footer; a key press clears it.
    pub notice: Option<String>,
    /// The lab's selected server, as an index into `servers`: the server that `e`, `x` (and
    /// the lab's other server keys) act on.
    pub server: usize,
    /// The work pane, when open.
    pub work: Option<Work>,
    pub console: Console,
    pub output: Output,
    /// The code block chosen with `[` and `]` in this step, if one was.
    code_mark: Option<usize>,
    effects: Vec<Effect>,
    pages: Pages,
}

/// The parts of the state that show on screen, to tell whether an action changed any.
#[derive(PartialEq)]
struct Seen {
    area: Rect,
    step: usize,
    focus: Pane,
    help: bool,
    confirm: Option<Question>,
    quit: bool,
    engine: Engine,
    lesson_scroll: usize,
    tasks_scroll: usize,
    servers: Vec<ServerView>,
    tasks: Vec<TaskStatus>,
    notice: Option<String>,
    /// Steps rendered so far: a newly rendered page can change what the lesson shows.
    pages: usize,
    work: Option<Work>,
    code_mark: Option<usize>,
    server: usize,
    console_input: String,
    console_cursor: (usize, usize),
    console_target: String,
    console_entries: usize,
    console_scroll: usize,
    console_busy: usize,
    output_entries: usize,
    output_scroll: usize,
    output_running: bool,
    output_exit: Option<Option<i32>>,
}

/// Rendered lesson steps for one text width and engine; rendering happens once per step,
/// not on every key press.
#[derive(Default)]
struct Pages {
    width: u16,
    engine: Engine,
    steps: HashMap<usize, Page>,
}

impl<'a> App<'a> {
    /// The screen as it opens: the first step, every task pending, the lab not started.
    pub fn new(day: &'a Day, workspace: &'a Workspace, theme: Theme, area: Rect) -> Self {
        let first = day.spec.servers.first().map_or("", |s| s.name.as_str());
        let mut app = App {
            day,
            workspace,
            theme,
            area,
            step: 0,
            focus: Pane::Lesson,
            help: false,
            confirm: None,
            quit: false,
            lesson_scroll: 0,
            tasks_scroll: 0,
            servers: ServerView::not_started(day),
            tasks: TaskStatus::all_pending(&day.spec),
            engine: Engine::default(),
            notice: None,
            server: 0,
            work: None,
            console: Console::new(first, theme),
            output: Output::new(theme),
            code_mark: None,
            effects: Vec::new(),
            pages: Pages::default(),
        };
        app.refresh();
        app
    }

    /// Applies one action; returns whether anything on screen changed.
    pub fn update(&mut self, action: Action) -> bool {
        let before = self.seen();
        if action.is_input() {
            self.notice = None;
        }
        self.apply(action);
        self.refresh();
        self.seen() != before
    }

    /// The work the last actions asked for, to be carried out outside the screen.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    fn apply(&mut self, action: Action) {
        match action {
            Action::Key(key) if self.confirm.is_some() => {
                let yes = matches!(key.code, KeyCode::Char('y' | 'Y'));
                match (self.confirm.take(), yes) {
                    (Some(Question::Reset), true) => {
                        self.effects.push(Effect::Lab(Request::Reset));
                        self.notice = Some("resetting the lab…".to_owned());
                    }
                    (Some(Question::Reset), false) => {
                        self.notice = Some("reset cancelled: nothing was changed".to_owned());
                    }
                    (Some(Question::Crash(server)), true) => {
                        self.notice = Some(format!("crashing the {server}…"));
                        self.effects.push(Effect::Lab(Request::Crash(server)));
                    }
                    (Some(Question::Crash(server)), false) => {
                        self.notice = Some(format!("crash cancelled: the {server} keeps running"));
                    }
                    (None, _) => {}
                }
            }
            Action::Key(key) => {
                let mapped =
                    if self.help { help_key_action(&key) } else { key_action(&key, self.focus) };
                match mapped {
                    Some(action) => self.apply(action),
                    // Esc and the next key read together arrive as Alt and that key (typed
                    // fast, or over a slow link): take them apart.
                    None if key.modifiers.contains(KeyModifiers::ALT) => {
                        self.apply(Action::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
                        let plain = KeyEvent::new(key.code, key.modifiers - KeyModifiers::ALT);
                        self.apply(Action::Key(plain));
                    }
                    None => {}
                }
            }
            Action::Quit => self.quit = true,
            Action::Interrupt => self.interrupt(),
            Action::Help => self.help = !self.help,
            Action::Close if self.help => self.help = false,
            // Esc gives up a history search first, as in readline, before closing the console.
            Action::Close if self.focus == Pane::Console && self.console.is_searching() => {
                self.console.edit(Edit::Cancel);
            }
            Action::Close => self.close_work(),
            // The help covers the panes: nothing under it moves.
            _ if self.help && action.is_input() => {}
            Action::Paste(text) => {
                if self.focus == Pane::Console {
                    self.console.prompt.insert(&text);
                }
            }
            Action::NextStep => self.go_to(self.step + 1),
            Action::PrevStep => self.go_to(self.step.saturating_sub(1)),
            Action::Scroll(how) => self.scroll(self.focus, how),
            Action::FocusNext => self.cycle_focus(1),
            Action::FocusPrev => self.cycle_focus(-1),
            Action::NextServer => self.select_server(1),
            Action::CycleServer => self.cycle_server(),
            Action::PrevServer => self.select_server(-1),
            Action::EditConfig => self.edit_config(),
            Action::ServerClient => {
                if let Some(server) = self.selected_server() {
                    self.effects.push(Effect::Client { server: server.to_owned() });
                }
            }
            Action::Restart => {
                if let Some(server) = self.selected_server().map(str::to_owned) {
                    self.notice = Some(format!("restarting the {server}…"));
                    self.effects.push(Effect::Lab(Request::Restart(server)));
                }
            }
            Action::Reset => self.confirm = Some(Question::Reset),
            Action::Crash => {
                self.confirm = self.selected_server().map(|s| Question::Crash(s.to_owned()));
            }
            Action::Recheck => {
                self.notice = Some("checking the tasks…".to_owned());
                self.effects.push(Effect::Lab(Request::Recheck));
            }
            Action::NextCode => self.mark_code(1),
            Action::PrevCode => self.mark_code(-1),
            Action::CopyCode => match self.code_target() {
                Some(block) => self.effects.push(Effect::Copy { text: block.text.clone() }),
                None => self.notice = Some("this step has no code to copy".to_owned()),
            },
            Action::PasteCode => self.paste_code(),
            Action::OpenConsole => self.open(Work::Console),
            Action::SwitchTarget => self.switch_target(),
            Action::Edit(edit) => self.edit(edit),
            Action::RunApp => self.run_app(),
            Action::Wheel { column, row, lines } => self.wheel(Position::new(column, row), lines),
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
                let first_view = self.servers.is_empty();
                self.servers = servers;
                self.server = self.server.min(self.servers.len().saturating_sub(1));
                if first_view {
                    self.follow_step_server();
                }
            }
            Action::Tasks(tasks) => self.tasks = tasks,
            Action::Engine(engine) => self.engine = engine,
            Action::Notice(text) => self.notice = Some(text),
            Action::SqlDone { server, result } => {
                self.refresh();
                let entry = self.console.finish(&server, result);
                let height = self.pane_height(Pane::Console);
                self.console.transcript.show_from(entry, height);
                // The statement may have completed a task: grade now, not at the next round.
                self.effects.push(Effect::Lab(Request::Recheck));
            }
            Action::App(event) => {
                if matches!(event, AppEvent::Exited { .. }) {
                    // Its run is what the routing task grades.
                    self.effects.push(Effect::Lab(Request::Recheck));
                }
                if let Some(words) = self.output.event(event) {
                    self.notice = Some(words);
                }
            }
            Action::AppFailed(reason) => {
                self.output.failed(&reason);
                self.notice = Some(reason);
            }
        }
    }

    /// The regions of the screen, or `None` when the terminal is too small.
    pub fn screen(&self) -> Option<Screen> {
        Screen::of(self.area, self.lab_rows(), self.work.is_some())
    }

    /// The regions of the screen with the work pane open, where it would be.
    fn work_screen(&self) -> Option<Screen> {
        Screen::of(self.area, self.lab_rows(), true)
    }

    /// Lines the lab pane wants: a line per server, one more for a reason or detail, then a
    /// blank line and the workspace.
    pub fn lab_rows(&self) -> u16 {
        let extra = |s: &ServerView| {
            usize::from(s.detail.is_some() || matches!(s.state, ServerLife::Failed(_)))
        };
        // Replication's health in full under each server; the pane shrinks it to a line per
        // server, or none, when the screen is short (draw::lab).
        let health = |s: &ServerView| s.health.as_ref().map_or(0, |h| h.lines.len());
        let rows: usize = self.servers.iter().map(|s| 1 + extra(s) + health(s)).sum::<usize>() + 2;
        u16::try_from(rows).unwrap_or(u16::MAX)
    }

    /// The current step, rendered (with a pointer to the next step at its end).
    pub fn page(&self) -> &[Line<'static>] {
        self.pages.steps.get(&self.step).map_or(&[], |p| p.lines.as_slice())
    }

    /// The code blocks of the current step, as rendered.
    pub fn code_blocks(&self) -> &[CodeBlock] {
        self.pages.steps.get(&self.step).map_or(&[], |p| p.code.as_slice())
    }

    /// The code block `y` and `v` act on: the one chosen with `[`/`]`, else the first one in
    /// view (else the next one below, else the last).
    pub fn code_target(&self) -> Option<&CodeBlock> {
        let blocks = self.code_blocks();
        if let Some(chosen) = self.code_mark.and_then(|i| blocks.get(i)) {
            return Some(chosen);
        }
        let top = self.lesson_scroll;
        let bottom = top + self.pane_height(Pane::Lesson).max(1);
        blocks
            .iter()
            .find(|b| b.lines.end > top && b.lines.start < bottom)
            .or_else(|| blocks.iter().find(|b| b.lines.start >= top))
            .or(blocks.last())
    }

    /// The server selected in the lab pane.
    pub fn selected_server(&self) -> Option<&str> {
        self.servers.get(self.server).map(|s| s.name.as_str())
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

    /// Rows the console's input takes at the work pane's width.
    pub fn input_rows(&self) -> u16 {
        let width =
            self.work_screen().and_then(|s| s.console_parts(1)).map_or(0, |p| p.input.width);
        u16::try_from(self.console.input_rows(usize::from(width))).unwrap_or(1)
    }

    /// Shows a step (the last one when past the end), as when the learner resumes.
    pub fn go_to(&mut self, step: usize) {
        let step = step.min(self.day.lesson.steps.len().saturating_sub(1));
        if step != self.step {
            self.step = step;
            self.lesson_scroll = 0;
            self.code_mark = None;
            self.follow_step_server();
            self.refresh();
            self.tasks_scroll = self.tasks_step_row();
        }
    }

    /// Where the current step starts in the tasks pane.
    fn tasks_step_row(&self) -> usize {
        let Some(screen) = self.screen() else {
            return 0;
        };
        let list = draw::tasks::lines(self, screen.tasks_text());
        list.step_rows.get(self.step).copied().unwrap_or(0)
    }

    /// The panes on screen, in the order Tab visits them.
    fn panes(&self) -> Vec<Pane> {
        let lesson_shown = self.screen().is_none_or(|s| s.lesson.height > 0);
        let mut panes = Vec::new();
        if lesson_shown {
            panes.push(Pane::Lesson);
        }
        panes.extend(self.work.map(Work::pane));
        panes.extend([Pane::Tasks, Pane::Lab]);
        panes
    }

    fn cycle_focus(&mut self, step: isize) {
        let panes = self.panes();
        let at = panes.iter().position(|p| *p == self.focus).unwrap_or(0);
        let next = (at as isize + step).rem_euclid(panes.len() as isize);
        self.focus = panes[next as usize];
    }

    fn open(&mut self, work: Work) {
        self.work = Some(work);
        self.focus = work.pane();
    }

    fn close_work(&mut self) {
        if self.work.is_some() {
            self.work = None;
            if matches!(self.focus, Pane::Console | Pane::Output) {
                self.focus = Pane::Lesson;
            }
        }
    }

    /// Ctrl-C: cancels what the console runs; with nothing running, leaves.
    fn interrupt(&mut self) {
        if self.console.running.is_empty() {
            self.quit = true;
            return;
        }
        let servers: Vec<String> = self.console.running.iter().cloned().collect();
        self.console.cancelling.extend(servers.iter().cloned());
        self.effects.extend(servers.into_iter().map(|server| Effect::Cancel { server }));
    }

    fn select_server(&mut self, step: isize) {
        let last = self.servers.len().saturating_sub(1);
        self.server = self.server.saturating_add_signed(step).min(last);
    }

    /// Opens the file the step is about: the application's file its `run=app` block changes,
    /// else the selected server's config file.
    fn edit_config(&mut self) {
        if let Some(file) = self.step_app_file() {
            self.effects.push(Effect::Edit { file, then: AfterEdit::RunApp });
            return;
        }
        let Some(server) = self.selected_server().map(str::to_owned) else {
            return;
        };
        match self.workspace.config_file(self.day, &server) {
            Some(file) => self.effects.push(Effect::Edit { file, then: AfterEdit::Restart(server) }),
            None => self.notice = Some(format!("the {server} has no config file in this lab")),
        }
    }

    /// The application file this step's Python changes, when it has such a block.
    pub fn step_app_file(&self) -> Option<PathBuf> {
        let step = self.day.lesson.steps.get(self.step)?;
        let block = step.blocks.iter().find(|b| b.purpose == Some(Purpose::App))?;
        self.workspace.app_file_assigning(self.day, &block.text)
    }

    /// A step about one server's config file selects that server (`e`, `r` and `x` then act
    /// on it), so the step says which server without the learner looking for it.
    fn follow_step_server(&mut self) {
        let Some(step) = self.day.lesson.steps.get(self.step) else { return };
        let server = step.blocks.iter().find_map(|b| match &b.purpose {
            Some(Purpose::Config { server }) => Some(server.as_str()),
            _ => None,
        });
        if let Some(at) = server.and_then(|name| self.servers.iter().position(|s| s.name == name)) {
            self.server = at;
        }
    }

    /// Selects the next server, after the last the first.
    fn cycle_server(&mut self) {
        if !self.servers.is_empty() {
            self.server = (self.server + 1) % self.servers.len();
        }
    }

    fn switch_target(&mut self) {
        let names: Vec<&str> = self.servers.iter().map(|s| s.name.as_str()).collect();
        if let Some(at) = names.iter().position(|n| *n == self.console.target) {
            self.console.target = names[(at + 1) % names.len()].to_owned();
        } else if let Some(first) = names.first() {
            self.console.target = (*first).to_owned();
        }
    }

    fn edit(&mut self, edit: Edit) {
        match self.console.edit(edit) {
            Submit::Nothing => {}
            Submit::Run(input) => {
                let server = self.console.target.clone();
                self.effects.push(Effect::RunSql { server, input });
                self.refresh();
                let height = self.pane_height(Pane::Console);
                self.console.transcript.scroll_to_end(height);
            }
            Submit::Busy => {
                self.notice = Some(format!(
                    "the {} is still running the last input: wait, or press Ctrl-C to cancel it",
                    self.console.target
                ));
            }
            Submit::Leave => self.close_work(),
            Submit::Unfilled(names) => {
                let names: Vec<String> = names.iter().map(|n| format!("<{n}>")).collect();
                self.notice = Some(format!(
                    "replace {} with your own values first (the lesson says where to read them); nothing was sent",
                    names.join(" and ")
                ));
            }
        }
    }

    fn mark_code(&mut self, step: isize) {
        let Some(current) = self.code_target().cloned() else {
            self.notice = Some("this step has no code block".to_owned());
            return;
        };
        let blocks = self.code_blocks();
        let at = blocks.iter().position(|b| *b == current).unwrap_or(0);
        let next = at.saturating_add_signed(step).min(blocks.len() - 1);
        let lines = blocks[next].lines.clone();
        self.code_mark = Some(next);
        let height = self.pane_height(Pane::Lesson);
        if lines.start < self.lesson_scroll || lines.end > self.lesson_scroll + height {
            // One line of the text above it, which says what the block is for.
            self.lesson_scroll = lines.start.saturating_sub(1);
            self.clamp_scroll();
        }
    }

    fn paste_code(&mut self) {
        let Some(block) = self.code_target().cloned() else {
            self.notice = Some("this step has no code block".to_owned());
            return;
        };
        if !matches!(block.lang.as_str(), "sql" | "mysql" | "mariadb") {
            let lang = if block.lang.is_empty() { "not SQL" } else { block.lang.as_str() };
            self.notice = Some(format!("that block is {lang}, not for the console: y copies it"));
            return;
        }
        self.open(Work::Console);
        if self.console.prompt.is_blank() {
            self.console.prompt.set(&block.text);
        } else {
            self.console.prompt.insert(&block.text);
        }
        self.notice =
            Some(format!("Enter runs it on the {} (Ctrl-T: other server)", self.console.target));
    }

    fn run_app(&mut self) {
        let Some(spec) = &self.day.spec.app else {
            self.notice = Some("this lesson has no application to run".to_owned());
            return;
        };
        if self.output.running {
            self.notice = Some("the application is still running; its output is below".to_owned());
        } else {
            self.output.start(&spec.run.join(" "));
            self.effects.push(Effect::RunApp);
        }
        self.open(Work::Output);
    }

    fn wheel(&mut self, at: Position, lines: i16) {
        let Some(screen) = self.screen() else { return };
        let pane = if screen.work.is_some_and(|w| w.contains(at)) {
            self.work.map(Work::pane)
        } else if screen.lesson.contains(at) {
            Some(Pane::Lesson)
        } else if screen.tasks.contains(at) {
            Some(Pane::Tasks)
        } else {
            None
        };
        if let Some(pane) = pane {
            self.scroll_by(pane, isize::from(lines));
        }
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
        let height = self.pane_height(pane);
        match pane {
            Pane::Lesson => self.lesson_scroll = self.lesson_scroll.saturating_add_signed(lines),
            Pane::Tasks => self.tasks_scroll = self.tasks_scroll.saturating_add_signed(lines),
            Pane::Lab => {}
            Pane::Console => self.console.transcript.scroll_by(lines, height),
            Pane::Output => {
                self.output.transcript.scroll_by(lines, height);
                self.output.follow = self.output.transcript.at_end(height);
            }
        }
        self.clamp_scroll();
    }

    fn pane_height(&self, pane: Pane) -> usize {
        let height = match pane {
            Pane::Lesson => self.screen().map(|s| s.lesson_text().height),
            Pane::Tasks => self.screen().map(|s| s.tasks_text().height),
            Pane::Lab => self.screen().map(|s| s.lab_text().height),
            Pane::Console => self
                .work_screen()
                .and_then(|s| s.console_parts(self.input_rows()))
                .map(|p| p.results.height),
            Pane::Output => self.work_screen().and_then(|s| s.work_text()).map(|r| r.height),
        };
        usize::from(height.unwrap_or(0))
    }

    /// Keeps every pane from scrolling past its last line.
    fn clamp_scroll(&mut self) {
        let Some(screen) = self.screen() else { return };
        let lesson_max = self.page().len().saturating_sub(self.pane_height(Pane::Lesson));
        self.lesson_scroll = self.lesson_scroll.min(lesson_max);
        let tasks = draw::tasks::lines(self, screen.tasks_text()).lines.len();
        self.tasks_scroll =
            self.tasks_scroll.min(tasks.saturating_sub(self.pane_height(Pane::Tasks)));
        let console = self.pane_height(Pane::Console);
        self.console.transcript.clamp(console);
        let output = self.pane_height(Pane::Output);
        if self.output.follow {
            self.output.transcript.scroll_to_end(output);
        }
        self.output.transcript.clamp(output);
    }

    /// Renders the current step if its page is not cached for this width and engine, and lays
    /// the work pane's text out for its width.
    fn refresh(&mut self) {
        if let Some(text) = self.work_screen().and_then(|s| s.work_text()) {
            self.console.transcript.set_width(usize::from(text.width));
            self.output.transcript.set_width(usize::from(text.width));
        }
        let Some(screen) = self.screen() else { return };
        let width = screen.lesson_text().width;
        if (self.pages.width, self.pages.engine) != (width, self.engine) {
            self.pages = Pages { width, engine: self.engine, steps: HashMap::new() };
        }
        if !self.pages.steps.contains_key(&self.step) {
            let page = self.render_step(width);
            self.pages.steps.insert(self.step, page);
        }
        if !self.panes().contains(&self.focus) {
            self.focus = self.panes()[0];
        }
        self.clamp_scroll();
    }

    fn render_step(&self, width: u16) -> Page {
        let steps = &self.day.lesson.steps;
        let Some(step) = steps.get(self.step) else {
            return Page::default();
        };
        let body = fill(&step.body, |name| self.placeholder(name));
        let mut page = markdown::render(&body, width, self.engine, &self.theme);
        let next = match steps.get(self.step + 1) {
            Some(next) => {
                format!("Next: {}/{} {} (press n)", self.step + 2, steps.len(), next.title)
            }
            None => "End of the lesson.".to_owned(),
        };
        page.lines.push(Line::default());
        page.lines.push(Line::from(Span::styled(
            truncate(&next, usize::from(width)),
            self.theme.muted(),
        )));
        page
    }

    /// What is on screen, to tell whether an action changed it.
    fn seen(&self) -> Seen {
        let c = &self.console;
        let o = &self.output;
        Seen {
            area: self.area,
            step: self.step,
            focus: self.focus,
            help: self.help,
            confirm: self.confirm.clone(),
            quit: self.quit,
            engine: self.engine,
            lesson_scroll: self.lesson_scroll,
            tasks_scroll: self.tasks_scroll,
            servers: self.servers.clone(),
            tasks: self.tasks.clone(),
            notice: self.notice.clone(),
            pages: self.pages.steps.len(),
            work: self.work,
            code_mark: self.code_mark,
            server: self.server,
            console_input: c.prompt.text().to_owned(),
            console_cursor: c.prompt.cursor_position(),
            console_target: c.target.clone(),
            console_entries: c.transcript.len(),
            console_scroll: c.transcript.scroll,
            console_busy: c.running.len() + c.cancelling.len(),
            output_entries: o.transcript.len(),
            output_scroll: o.transcript.scroll,
            output_running: o.running,
            output_exit: o.exit,
        }
    }
}
