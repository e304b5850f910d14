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

use crate::tui::action::{Action, Edit, Scroll, bound_elsewhere, help_key_action, key_action};
use crate::tui::state::console::{Console, Submit};
use crate::tui::state::transcript::{Entry, Tone};
use crate::tui::draw;
use crate::tui::effect::{AfterEdit, Effect, FileEdit};
use crate::tui::draw::layout::Screen;
use crate::tui::text::markdown::{self, CodeBlock, Page};
use crate::tui::state::output::Output;
use crate::tui::draw::theme::Theme;
use crate::tui::state::view::{ServerLife, ServerView};
use crate::grade::{TaskState, TaskStatus};
use crate::tui::text::wrap::truncate;
use crate::course::content::Day;
use crate::course::lesson::{Engine, Purpose};
use crate::course::template::fill;
use crate::probe::statement::{Kind, classify};
use crate::sql::StatementResult;
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

impl Pane {
    /// The pane as the screen names it.
    pub fn name(self) -> &'static str {
        match self {
            Pane::Lesson => "lesson",
            Pane::Tasks => "steps and tasks",
            Pane::Lab => "lab",
            Pane::Console => "SQL console",
            Pane::Output => "application",
        }
    }
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
    /// Which of these files to open in the editor (a digit picks one, Enter the first).
    Edit(Vec<FileEdit>),
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
    /// A Ctrl-C on the console's empty input: the next one, right after, leaves.
    quit_asked: bool,
    /// First line shown of the lesson and of the tasks pane.
    pub lesson_scroll: usize,
    pub tasks_scroll: usize,
    pub servers: Vec<ServerView>,
    pub tasks: Vec<TaskStatus>,
    pub engine: Engine,
    /// The latest message for the footer; a key press clears it.
    pub notice: Option<String>,
    /// Warnings shown while the screen was open, said again once it closes.
    pub warnings: Vec<String>,
    /// The lab's selected server, as an index into `servers`: the server that `e`, `x` (and
    /// the lab's other server keys) act on.
    pub server: usize,
    /// The work pane, when open.
    pub work: Option<Work>,
    pub console: Console,
    pub output: Output,
    /// The code block chosen with `[` and `]` in this step, if one was.
    code_mark: Option<usize>,
    /// The files the current step's blocks change (`file=SERVER`, `run=app`), in its order.
    step_files: Vec<FileEdit>,
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
            quit_asked: false,
            lesson_scroll: 0,
            tasks_scroll: 0,
            servers: ServerView::not_started(day),
            tasks: TaskStatus::all_pending(&day.spec),
            engine: Engine::default(),
            notice: None,
            warnings: Vec::new(),
            server: 0,
            work: None,
            console: Console::new(first, theme),
            output: Output::new(theme),
            code_mark: None,
            step_files: Vec::new(),
            effects: Vec::new(),
            pages: Pages::default(),
        };
        app.step_files = app.files_of_step();
        app.refresh();
        app
    }

    /// Applies one action; returns whether anything on screen changed.
    pub fn update(&mut self, action: Action) -> bool {
        let before = self.seen();
        let input = action.is_input();
        if input {
            self.notice = None;
        }
        let quit_asked = self.quit_asked;
        self.apply(action);
        // Asked once, any other input (the second Ctrl-C has left already) forgets it.
        if input && quit_asked {
            self.quit_asked = false;
        }
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
                    (Some(Question::Edit(files)), _) => {
                        let picked = match key.code {
                            KeyCode::Enter => Some(0),
                            KeyCode::Char(c) => c.to_digit(10).and_then(|d| d.checked_sub(1)),
                            _ => None,
                        };
                        match picked.and_then(|i| files.get(i as usize)) {
                            Some(edit) => self.effects.push(Effect::Edit(edit.clone())),
                            None => self.notice = Some("no file opened".to_owned()),
                        }
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
                    // A key of another pane: say where it works.
                    None if !self.help => {
                        if let Some(binding) = bound_elsewhere(&key, self.focus) {
                            let panes: Vec<&str> = binding.panes.iter().map(|p| p.name()).collect();
                            self.notice = Some(format!(
                                "{} is for the {} pane: {}. Tab moves there.",
                                binding.keys,
                                panes.join(" / "),
                                binding.help
                            ));
                        } else if let Some(name) = unbound_name(&key) {
                            // Silence would read as a frozen screen.
                            self.notice = Some(format!(
                                "{name} does nothing in the {} pane; ? lists its keys.",
                                self.focus.name()
                            ));
                        }
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
            Action::OpenConsole => {
                // One selection: the console opens on the server the footer shows.
                if let Some(server) = self.selected_server().map(str::to_owned) {
                    self.aim_console(server);
                }
                self.open(Work::Console);
            }
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
                let about = self.step_server().map(str::to_owned);
                self.servers = servers;
                // The lab installs the workspace: the application's files may be there now.
                self.step_files = self.files_of_step();
                self.server = self.server.min(self.servers.len().saturating_sub(1));
                // The step moved on (its server crashed): so does the selection, and the
                // learner is told, since s, r and the console follow it.
                if first_view || self.step_server() != about.as_deref() {
                    let before = self.selected_server().map(str::to_owned);
                    self.follow_step_server();
                    let now = self.selected_server().map(str::to_owned);
                    if let (false, Some(before), Some(now)) = (first_view, before, now)
                        && before != now
                    {
                        let said = self.notice.take().map_or_else(String::new, |n| format!("{n} "));
                        self.notice = Some(format!("{said}The step goes on on the {now}: it is selected now (s selects the {before})."));
                    }
                }
            }
            Action::Tasks(tasks) => {
                let changed = tasks != self.tasks;
                self.tasks = tasks;
                // A task that fails below the pane's end: show its reason and hint, unless
                // the learner is reading the pane.
                if changed && self.focus != Pane::Tasks {
                    self.tasks_scroll = self.tasks_row_from(Some(self.tasks_scroll));
                }
            }
            Action::Engine(engine) => self.engine = engine,
            Action::LabReset { notice } => self.after_reset(notice),
            Action::Notice(text) => self.notice = Some(text),
            Action::Warning(text) => {
                self.notice = Some(text.clone());
                self.warnings.push(text);
            }
            Action::SqlDone { server, result } => {
                if let Ok(run) = &result
                    && self.replicating(&server)
                    && run.outcomes.iter().any(|o| {
                        !matches!(o.result, StatementResult::Failed(_))
                            && classify("Query", &o.statement.text) == Kind::Write
                    })
                {
                    let source = self.day.spec.tasks.iter().find_map(|t| {
                        t.check.flow().filter(|(_, replica)| *replica == server).map(|(source, _)| source)
                    });
                    let source = source.map_or_else(|| "its source".to_owned(), |s| format!("the {s}"));
                    self.notice = Some(format!(
                        "That write went to the {server} only: replication carries changes from {source} to it, never back, \
                         and a later change there of the same row or name stops its SQL thread (Duplicate entry). \
                         Writes belong on {source}."
                    ));
                }
                // The result's end shows (clamp_scroll), unless the learner scrolled back.
                self.console.finish(&server, result);
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
                // A run that could not start is a failed run, graded as one.
                self.effects.push(Effect::Lab(Request::Recheck));
                self.output.failed(&reason);
                self.notice = Some(reason);
            }
        }
    }

    /// The regions of the screen, or `None` when the terminal is too small.
    pub fn screen(&self) -> Option<Screen> {
        Screen::of(self.area, self.lab_rows(), self.work.is_some(), self.footer_rows())
    }

    /// The regions of the screen with the work pane open, where it would be.
    fn work_screen(&self) -> Option<Screen> {
        Screen::of(self.area, self.lab_rows(), true, self.footer_rows())
    }

    /// Rows the footer takes: a notice too long for the keys' line gets one of its own.
    fn footer_rows(&self) -> u16 {
        draw::footer::rows(self, self.area.width)
    }

    /// Lines the lab pane wants at its width: every server with replication's health in full,
    /// then a blank line and the workspace; the pane shrinks that when the screen is short
    /// (draw::lab).
    pub fn lab_rows(&self) -> u16 {
        // The lab pane's width does not depend on the rows it asks for.
        let width = Screen::of(self.area, 0, self.work.is_some(), self.footer_rows())
            .map_or(0, |s| s.lab_text().width);
        let rows = draw::lab::wanted_rows(self, usize::from(width));
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

    /// The code block `y` and `v` act on: the one chosen with `[`/`]` while it is in view
    /// (scrolled away, the learner means one they see), else the first one wholly in view,
    /// else the first one partly in view (else the next one below, else the last).
    pub fn code_target(&self) -> Option<&CodeBlock> {
        let blocks = self.code_blocks();
        let top = self.lesson_scroll;
        let bottom = top + self.pane_height(Pane::Lesson).max(1);
        let in_view = |b: &&CodeBlock| b.lines.end > top && b.lines.start < bottom;
        if let Some(chosen) = self.code_mark.and_then(|i| blocks.get(i)).filter(in_view) {
            return Some(chosen);
        }
        blocks
            .iter()
            .find(|b| b.lines.start >= top && b.lines.end <= bottom)
            .or_else(|| blocks.iter().find(in_view))
            .or_else(|| blocks.iter().find(|b| b.lines.start >= top))
            .or(blocks.last())
    }

    /// Whether the server replicates from another, as the last probe round saw it.
    fn replicating(&self, server: &str) -> bool {
        self.servers.iter().any(|s| s.name == server && s.health.as_ref().is_some_and(|h| h.replicating))
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
            self.step_files = self.files_of_step();
            self.follow_step_server();
            self.refresh();
            self.tasks_scroll = self.tasks_step_row();
        }
    }

    /// A fresh lab has every task to do: back to the first step that teaches one.
    fn after_reset(&mut self, notice: String) {
        self.tasks = TaskStatus::all_pending(&self.day.spec);
        // The console's past results are the old lab's: say where the fresh one begins.
        if !self.console.transcript.is_empty() {
            self.console.transcript.push(Entry::Text {
                text: "── The lab was reset here: what is above ran on the servers before. ──".to_owned(),
                tone: Tone::Muted,
            });
            let height = self.pane_height(Pane::Console);
            self.console.transcript.scroll_to_end(height);
        }
        let steps = &self.day.lesson.steps;
        let Some(first) = steps.iter().position(|s| !s.tasks.is_empty()) else {
            self.notice = Some(notice);
            return;
        };
        self.go_to(first);
        let title = &steps[first].title;
        self.notice = Some(format!(
            "{notice} Back to step {}/{}, {title}: its task is the first to do.",
            first + 1,
            steps.len()
        ));
    }

    /// Where the tasks pane shows the current step from: its start, or, when one of its
    /// tasks fails below what the pane then holds, as far down as shows that task's reason
    /// and hint in full.
    fn tasks_step_row(&self) -> usize {
        self.tasks_row_from(None)
    }

    /// As [`Self::tasks_step_row`], from where the pane is now: it moves only when the
    /// failing task's end is below it.
    fn tasks_row_from(&self, now: Option<usize>) -> usize {
        let Some(screen) = self.screen() else {
            return 0;
        };
        let text = screen.tasks_text();
        let list = draw::tasks::lines(self, text);
        let start = list.step_rows.get(self.step).copied().unwrap_or(0);
        let from = now.unwrap_or(start);
        let Some(step) = self.day.lesson.steps.get(self.step) else { return from };
        let failing = self.tasks.iter().find(|t| t.status == TaskState::Failing && step.tasks.contains(&t.id));
        let end = failing.and_then(|t| list.task_ends.iter().find(|(id, _)| *id == t.id)).map(|(_, end)| *end);
        let height = usize::from(text.height);
        match end {
            Some(end) if end > from + height => start.max(end - height),
            _ => from,
        }
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

    /// Ctrl-C: cancels what the console runs. In the console it clears the input, as the
    /// server's client does, and leaves only when pressed twice on an empty line; elsewhere
    /// it leaves.
    fn interrupt(&mut self) {
        if self.console.running.is_empty() {
            if self.focus != Pane::Console || self.quit_asked {
                self.quit = true;
            } else if self.console.clear_input() {
                self.notice = Some("input cleared (↑ brings it back); Esc closes the console".to_owned());
            } else {
                self.quit_asked = true;
                self.notice = Some("Ctrl-C again quits sqlcourse; Esc closes the console".to_owned());
            }
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

    /// Opens the file to edit: the one there is, or asks which when there are several.
    fn edit_config(&mut self) {
        let mut files = self.edit_choices();
        match files.len() {
            0 => self.notice = Some("no file to edit here: select a server first".to_owned()),
            1 => self.effects.extend(files.pop().map(Effect::Edit)),
            _ => self.confirm = Some(Question::Edit(files)),
        }
    }

    /// What `e` offers: the files the step's blocks change, then the selected server's
    /// config file.
    pub fn edit_choices(&self) -> Vec<FileEdit> {
        let selected = self.selected_server().and_then(|server| {
            let file = self.workspace.config_file(self.day, server)?;
            Some(FileEdit { file, then: AfterEdit::Restart(server.to_owned()) })
        });
        // The step's own files first (Enter takes the first), then the selected server's.
        let mut files: Vec<FileEdit> = Vec::new();
        for edit in self.step_files.iter().cloned().chain(selected) {
            add_once(&mut files, edit);
        }
        files
    }

    /// The files the current step's blocks change: a server's config file (`file=SERVER`),
    /// the application's file its Python assigns in (`run=app`).
    fn files_of_step(&self) -> Vec<FileEdit> {
        let Some(step) = self.day.lesson.steps.get(self.step) else { return Vec::new() };
        let mut files: Vec<FileEdit> = Vec::new();
        for block in &step.blocks {
            let edit = match &block.purpose {
                Some(Purpose::Config { server }) => {
                    self.workspace.config_file(self.day, server).map(|file| FileEdit {
                        file,
                        then: AfterEdit::Restart(server.clone()),
                    })
                }
                Some(Purpose::App) => self
                    .workspace
                    .app_file_assigning(self.day, &block.text)
                    .map(|file| FileEdit { file, then: AfterEdit::RunApp }),
                _ => None,
            };
            if let Some(edit) = edit {
                add_once(&mut files, edit);
            }
        }
        files
    }

    /// A step selects the server it is about now (`step_server`), so `e`, `r`, `x` and `K`
    /// act where the step asks.
    fn follow_step_server(&mut self) {
        let at = self
            .step_server()
            .and_then(|name| self.servers.iter().position(|s| s.name == name));
        if let Some(at) = at {
            self.server = at;
        }
    }

    /// The server of the step's first config file to edit or server to crash; a crash is
    /// passed over once its server is down, for the step's next server.
    fn step_server(&self) -> Option<&str> {
        let step = self.day.lesson.steps.get(self.step)?;
        let down = |name: &str| {
            let view = self.servers.iter().find(|s| s.name == name);
            view.is_some_and(|s| matches!(s.state, ServerLife::Failed(_) | ServerLife::Stopped))
        };
        step.blocks.iter().find_map(|b| match &b.purpose {
            Some(Purpose::Config { server }) => Some(server.as_str()),
            Some(Purpose::Shell) => crashed_by(&b.text).filter(|server| !down(server)),
            _ => None,
        })
    }

    /// The actions the current step's blocks ask for, whose keys the footer keeps in view:
    /// `a` for the application's code, `K` for a crash.
    pub fn step_actions(&self) -> Vec<Action> {
        let Some(step) = self.day.lesson.steps.get(self.step) else { return Vec::new() };
        let mut actions = Vec::new();
        for block in &step.blocks {
            let action = match &block.purpose {
                Some(Purpose::App) => Some(Action::RunApp),
                // Config lines take effect at a restart.
                Some(Purpose::Config { .. }) => Some(Action::Restart),
                Some(Purpose::Shell) if crashed_by(&block.text).is_some() => Some(Action::Crash),
                _ => None,
            };
            actions.extend(action.filter(|a| !actions.contains(a)));
        }
        actions
    }

    /// Selects the next server, after the last the first.
    fn cycle_server(&mut self) {
        if !self.servers.is_empty() {
            self.server = (self.server + 1) % self.servers.len();
        }
    }

    fn switch_target(&mut self) {
        let names: Vec<&str> = self.servers.iter().map(|s| s.name.as_str()).collect();
        let next = match names.iter().position(|n| *n == self.console.target) {
            Some(at) => names[(at + 1) % names.len()],
            None => names.first().copied().unwrap_or_default(),
        };
        if !next.is_empty() {
            self.aim_console(next.to_owned());
        }
    }

    /// Sends the console's input to `server` and selects it in the lab pane, so that the
    /// console, the footer and the keys that act on a server agree.
    fn aim_console(&mut self, server: String) {
        if let Some(at) = self.servers.iter().position(|s| s.name == server) {
            self.server = at;
        }
        self.console.target = server;
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
            self.notice = Some(format!("that block is {lang}, not for the console: y copies it, ] marks the next block"));
            return;
        }
        // A block the lesson marks as not for this lab (another program's, a wrong example).
        if block.purpose == Some(Purpose::NoRun) {
            self.notice = Some("that block is not for this lab's servers, as the lesson says: y copies it".to_owned());
            return;
        }
        self.open(Work::Console);
        if self.console.prompt.is_blank() {
            self.console.prompt.set(&block.text);
        } else {
            self.console.prompt.insert(&block.text);
        }
        // A block for one server goes to that server, whichever the console was last on.
        let switched = match block.purpose {
            Some(Purpose::Sql { server }) => {
                let switched = server != self.console.target;
                self.aim_console(server);
                if switched { "; the console switched to it for this block" } else { "" }
            }
            _ => "",
        };
        self.notice = Some(format!(
            "Enter runs it on the {}{switched} (Ctrl-T: other server)",
            self.console.target
        ));
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
            Pane::Output => self.output.transcript.scroll_by(lines, height),
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

/// The server a shell block crashes (`sqlcourse DAY crash SERVER`), the command `K` stands for.
fn crashed_by(script: &str) -> Option<&str> {
    script.lines().find_map(|line| match line.split_whitespace().collect::<Vec<_>>()[..] {
        ["sqlcourse", _, "crash", server] => Some(server),
        _ => None,
    })
}

/// Adds a file to edit unless it is there already.
fn add_once(files: &mut Vec<FileEdit>, edit: FileEdit) {
    if !files.iter().any(|f| f.file == edit.file) {
        files.push(edit);
    }
}

/// How the notice names a key no pane binds: a letter, a sign or a function key; other keys
/// (with Ctrl, arrows a pane does not use) pass unremarked.
fn unbound_name(key: &KeyEvent) -> Option<String> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return None;
    }
    match key.code {
        KeyCode::Char(' ') => None,
        KeyCode::Char(c) => Some(c.to_string()),
        KeyCode::F(n) => Some(format!("F{n}")),
        _ => None,
    }
}
