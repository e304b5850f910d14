//! Everything that can happen to the screen, as one enum: keys, the mouse wheel, a resized
//! terminal, and messages from the workers that watch the lab, grade the tasks, run SQL and
//! run the application.
//!
//! Keys mean different things in different panes (a letter is typed in the console but is a
//! command elsewhere), so the terminal sends them as [`Action::Key`] and the app looks them up
//! in [`BINDINGS`] for the pane that has the keyboard.

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind,
};

use crate::tui::state::Pane;
use crate::tui::state::view::ServerView;
use crate::grade::TaskStatus;
use crate::learner::app_run::AppEvent;
use crate::course::lesson::Engine;
use crate::sql::Run;

/// Something the app reacts to in `App::update`.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A key pressed; what it does depends on the focused pane.
    Key(KeyEvent),
    /// Text pasted into the terminal.
    Paste(String),
    /// Show the next step of the lesson.
    NextStep,
    /// Show the previous step.
    PrevStep,
    /// Scroll the focused pane.
    Scroll(Scroll),
    /// Give the keyboard to the next pane.
    FocusNext,
    /// Give the keyboard to the previous pane.
    FocusPrev,
    /// Open or close the list of keys.
    Help,
    /// Close the list of keys, or the console or application pane.
    Close,
    /// Leave, restoring the terminal.
    Quit,
    /// Ctrl-C: cancel the running statement, or leave when none runs.
    Interrupt,
    /// Select the next server in the lab pane.
    NextServer,
    /// Select the previous server in the lab pane.
    PrevServer,
    /// Select the next server, after the last the first, from any reading pane.
    CycleServer,
    /// Open the selected server's config file in the learner's editor.
    EditConfig,
    /// Open the selected server's own client inside its container.
    ServerClient,
    /// Restart the selected server, so its config file takes effect.
    Restart,
    /// Ask to reset the whole lab (a confirmation follows).
    Reset,
    /// Ask to kill the selected server like a power cut (a confirmation follows).
    Crash,
    /// Grade every task now.
    Recheck,
    /// Mark the next code block of the step.
    NextCode,
    /// Mark the previous code block of the step.
    PrevCode,
    /// Copy the marked code block to the clipboard.
    CopyCode,
    /// Put the marked code block into the console's input.
    PasteCode,
    /// Open the SQL console and give it the keyboard.
    OpenConsole,
    /// Send the console's statements to the next server.
    SwitchTarget,
    /// Edit the console's input.
    Edit(Edit),
    /// Run the learner's application and show its output.
    RunApp,
    /// The mouse wheel turned over a cell of the screen; positive `lines` scroll down.
    Wheel { column: u16, row: u16, lines: i16 },
    /// The terminal has a new size.
    Resize { width: u16, height: u16 },
    /// The lab's servers, as they are now (from the lab worker).
    Lab(Vec<ServerView>),
    /// Every task's status, as graded now (from the grading worker).
    Tasks(Vec<TaskStatus>),
    /// The engine the lab runs; the lesson shows that engine's statements.
    Engine(Engine),
    /// The lab was reset (from the lab worker): every task starts again; `notice` says so.
    LabReset { notice: String },
    /// A one-line message for the footer, such as the outcome of a background job.
    Notice(String),
    /// Something the learner must not miss (their progress file was set aside): shown like a
    /// notice, and said again on the terminal after the screen closes.
    Warning(String),
    /// A console input finished on a server: what it gave, or why it could not run.
    SqlDone { server: String, result: Result<Run, String> },
    /// The application printed a line or ended.
    App(AppEvent),
    /// The application could not be started.
    AppFailed(String),
}

/// How far to scroll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scroll {
    LineUp,
    LineDown,
    PageUp,
    PageDown,
    Top,
    Bottom,
}

/// A change to the console's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Insert(char),
    /// A line break, whether or not the input is complete.
    Newline,
    /// Run the input when it is complete, else break the line.
    Enter,
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    /// The line above, or the previous input from the history.
    Up,
    /// The line below, or the next input from the history.
    Down,
    /// Back a word (Alt-B, Ctrl-←).
    WordLeft,
    /// On a word (Alt-F, Ctrl-→).
    WordRight,
    /// Cut the word before the cursor (Ctrl-W).
    CutWordBefore,
    /// Cut to the end of the line (Ctrl-K).
    CutToEnd,
    /// Cut to the start of the line (Ctrl-U).
    CutToStart,
    /// Put back the text cut last (Ctrl-Y).
    Yank,
    /// Search the history backwards, or for an older match (Ctrl-R).
    Search,
    /// Leave the search, giving back the input as it was (Ctrl-G, Esc).
    Cancel,
}

/// Lines the mouse wheel moves per notch.
const WHEEL_LINES: i16 = 3;

/// A key reminder in the footer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Footer {
    pub keys: &'static str,
    pub words: &'static str,
    /// Which reminders stay when the line is too short for all: lower ranks first.
    pub rank: u8,
    /// Shown only in a step that asks for these keys (see `App::step_actions`).
    pub step_only: bool,
}

/// One line of the key help: the keys it names, where they work, and the actions they send.
pub struct Binding {
    /// The keys as the help shows them.
    pub keys: &'static str,
    /// What they do.
    pub help: &'static str,
    /// The reminder in the footer, for the keys worth one.
    pub footer: Option<Footer>,
    /// The panes where these keys work.
    pub panes: &'static [Pane],
    /// Each key, the modifiers it needs (Shift aside), and its action.
    pub map: &'static [(KeyCode, KeyModifiers, Action)],
}

impl Binding {
    pub fn works_in(&self, pane: Pane) -> bool {
        self.panes.contains(&pane)
    }
}

const fn footer(rank: u8, keys: &'static str, words: &'static str) -> Option<Footer> {
    Some(Footer { keys, words, rank, step_only: false })
}

/// A reminder for keys only some steps need, such as `K`.
const fn step_footer(keys: &'static str, words: &'static str) -> Option<Footer> {
    Some(Footer { keys, words, rank: STEP_RANK, step_only: true })
}

/// The rank of the keys the current step asks for: after the ways out and help, before the rest.
pub const STEP_RANK: u8 = 1;

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const ALT: KeyModifiers = KeyModifiers::ALT;

/// The panes that read rather than take typing.
const READING: &[Pane] = &[Pane::Lesson, Pane::Tasks, Pane::Lab, Pane::Output];
/// The panes that scroll with the arrow keys.
const SCROLLING: &[Pane] = &[Pane::Lesson, Pane::Tasks, Pane::Output];
/// The panes from which the selected server is at hand.
const SERVER_AT_HAND: &[Pane] = &[Pane::Lesson, Pane::Tasks, Pane::Lab];
const LESSON: &[Pane] = &[Pane::Lesson];
const CONSOLE: &[Pane] = &[Pane::Console];
const EVERYWHERE: &[Pane] = &[Pane::Lesson, Pane::Tasks, Pane::Lab, Pane::Console, Pane::Output];

/// Every key the screen answers to, in the order the help and the footer list them.
pub static BINDINGS: &[Binding] = &[
    Binding {
        keys: "↑  ↓  k  j",
        help: "scroll a line",
        footer: None,
        panes: SCROLLING,
        map: &[
            (KeyCode::Up, NONE, Action::Scroll(Scroll::LineUp)),
            (KeyCode::Down, NONE, Action::Scroll(Scroll::LineDown)),
            (KeyCode::Char('k'), NONE, Action::Scroll(Scroll::LineUp)),
            (KeyCode::Char('j'), NONE, Action::Scroll(Scroll::LineDown)),
        ],
    },
    Binding {
        keys: "↑  ↓  k  j",
        help: "choose a server",
        footer: footer(2, "↑↓", "server"),
        panes: &[Pane::Lab],
        map: &[
            (KeyCode::Up, NONE, Action::PrevServer),
            (KeyCode::Down, NONE, Action::NextServer),
            (KeyCode::Char('k'), NONE, Action::PrevServer),
            (KeyCode::Char('j'), NONE, Action::NextServer),
        ],
    },
    Binding {
        keys: "Enter",
        help: "run the input if it ends in ; or \\G, else a new line",
        footer: footer(0, "Enter", "run"),
        panes: CONSOLE,
        map: &[(KeyCode::Enter, NONE, Action::Edit(Edit::Enter))],
    },
    Binding {
        keys: "Alt-Enter  Ctrl-J",
        help: "new line",
        footer: None,
        panes: CONSOLE,
        map: &[
            (KeyCode::Enter, ALT, Action::Edit(Edit::Newline)),
            (KeyCode::Char('j'), CTRL, Action::Edit(Edit::Newline)),
        ],
    },
    Binding {
        keys: "Ctrl-T  F2",
        help: "send to the other server",
        footer: footer(0, "^T", "server"),
        panes: CONSOLE,
        map: &[
            (KeyCode::Char('t'), CTRL, Action::SwitchTarget),
            (KeyCode::F(2), NONE, Action::SwitchTarget),
        ],
    },
    Binding {
        keys: "↑  ↓",
        help: "line above / below, else earlier / later input",
        footer: footer(4, "↑↓", "history"),
        panes: CONSOLE,
        map: &[
            (KeyCode::Up, NONE, Action::Edit(Edit::Up)),
            (KeyCode::Down, NONE, Action::Edit(Edit::Down)),
        ],
    },
    Binding {
        keys: "←  →  Home  End  Ctrl-A  Ctrl-E",
        help: "move in the input; to the start / end of the line",
        footer: None,
        panes: CONSOLE,
        map: &[
            (KeyCode::Left, NONE, Action::Edit(Edit::Left)),
            (KeyCode::Right, NONE, Action::Edit(Edit::Right)),
            (KeyCode::Home, NONE, Action::Edit(Edit::Home)),
            (KeyCode::End, NONE, Action::Edit(Edit::End)),
            (KeyCode::Char('a'), CTRL, Action::Edit(Edit::Home)),
            (KeyCode::Char('e'), CTRL, Action::Edit(Edit::End)),
        ],
    },
    Binding {
        keys: "Alt-B  Alt-F  Ctrl-←  Ctrl-→",
        help: "back / on a word",
        footer: None,
        panes: CONSOLE,
        map: &[
            (KeyCode::Char('b'), ALT, Action::Edit(Edit::WordLeft)),
            (KeyCode::Char('f'), ALT, Action::Edit(Edit::WordRight)),
            (KeyCode::Left, CTRL, Action::Edit(Edit::WordLeft)),
            (KeyCode::Right, CTRL, Action::Edit(Edit::WordRight)),
        ],
    },
    Binding {
        keys: "Backspace  Delete",
        help: "delete a character",
        footer: None,
        panes: CONSOLE,
        map: &[
            (KeyCode::Backspace, NONE, Action::Edit(Edit::Backspace)),
            (KeyCode::Delete, NONE, Action::Edit(Edit::Delete)),
        ],
    },
    Binding {
        keys: "Ctrl-W  Ctrl-K  Ctrl-U",
        help: "cut the word before / to the line's end / to its start",
        footer: None,
        panes: CONSOLE,
        map: &[
            (KeyCode::Char('w'), CTRL, Action::Edit(Edit::CutWordBefore)),
            (KeyCode::Char('k'), CTRL, Action::Edit(Edit::CutToEnd)),
            (KeyCode::Char('u'), CTRL, Action::Edit(Edit::CutToStart)),
        ],
    },
    Binding {
        keys: "Ctrl-Y",
        help: "put back what was cut last",
        footer: None,
        panes: CONSOLE,
        map: &[(KeyCode::Char('y'), CTRL, Action::Edit(Edit::Yank))],
    },
    Binding {
        keys: "Ctrl-R",
        help: "search earlier inputs (again: older; Ctrl-G or Esc: give up)",
        footer: None,
        panes: CONSOLE,
        map: &[
            (KeyCode::Char('r'), CTRL, Action::Edit(Edit::Search)),
            (KeyCode::Char('g'), CTRL, Action::Edit(Edit::Cancel)),
        ],
    },
    Binding {
        keys: "PgUp  PgDn",
        help: "scroll the results",
        footer: footer(5, "PgUp/PgDn", "scroll"),
        panes: CONSOLE,
        map: &[
            (KeyCode::PageUp, NONE, Action::Scroll(Scroll::PageUp)),
            (KeyCode::PageDown, NONE, Action::Scroll(Scroll::PageDown)),
        ],
    },
    Binding {
        keys: "n  →  b  ←",
        help: "next / previous step",
        footer: footer(3, "n/b", "step"),
        panes: READING,
        map: &[
            (KeyCode::Char('n'), NONE, Action::NextStep),
            (KeyCode::Right, NONE, Action::NextStep),
            (KeyCode::Char('b'), NONE, Action::PrevStep),
            (KeyCode::Left, NONE, Action::PrevStep),
        ],
    },
    Binding {
        keys: "PgUp  PgDn  Space",
        help: "scroll a page",
        footer: None,
        panes: SCROLLING,
        map: &[
            (KeyCode::PageUp, NONE, Action::Scroll(Scroll::PageUp)),
            (KeyCode::PageDown, NONE, Action::Scroll(Scroll::PageDown)),
            (KeyCode::Char(' '), NONE, Action::Scroll(Scroll::PageDown)),
        ],
    },
    Binding {
        // `g` (top, in less and vim) is taken by "check the tasks now"; G alone goes.
        keys: "Home  End  G",
        help: "top / bottom",
        footer: None,
        panes: SCROLLING,
        map: &[
            (KeyCode::Home, NONE, Action::Scroll(Scroll::Top)),
            (KeyCode::End, NONE, Action::Scroll(Scroll::Bottom)),
            (KeyCode::Char('G'), NONE, Action::Scroll(Scroll::Bottom)),
        ],
    },
    Binding {
        keys: "c",
        help: "SQL console",
        footer: footer(2, "c", "console"),
        panes: READING,
        map: &[(KeyCode::Char('c'), NONE, Action::OpenConsole)],
    },
    Binding {
        keys: "s",
        help: "select the other server (c, e, r and x act on it)",
        footer: footer(5, "s", "server"),
        panes: READING,
        map: &[(KeyCode::Char('s'), NONE, Action::CycleServer)],
    },
    Binding {
        keys: "e",
        help: "edit a file of the step, or the selected server's config",
        footer: footer(2, "e", "edit"),
        // From the application's output too: its settings are what the learner changes next.
        panes: READING,
        map: &[(KeyCode::Char('e'), NONE, Action::EditConfig)],
    },
    Binding {
        keys: "r",
        help: "restart the selected server (applies its config)",
        footer: footer(4, "r", "restart"),
        panes: SERVER_AT_HAND,
        map: &[(KeyCode::Char('r'), NONE, Action::Restart)],
    },
    Binding {
        keys: "K",
        help: "crash the selected server like a power cut (asks first)",
        footer: step_footer("K", "crash"),
        panes: SERVER_AT_HAND,
        map: &[(KeyCode::Char('K'), NONE, Action::Crash)],
    },
    Binding {
        keys: "g",
        help: "check the tasks now",
        footer: footer(5, "g", "check"),
        panes: READING,
        map: &[(KeyCode::Char('g'), NONE, Action::Recheck)],
    },
    Binding {
        keys: "R",
        help: "reset the lab to a fresh start (asks first)",
        footer: None,
        panes: READING,
        map: &[(KeyCode::Char('R'), NONE, Action::Reset)],
    },
    Binding {
        keys: "[  ]",
        help: "mark the previous / next code block",
        footer: None,
        panes: LESSON,
        map: &[
            (KeyCode::Char('['), NONE, Action::PrevCode),
            (KeyCode::Char(']'), NONE, Action::NextCode),
        ],
    },
    Binding {
        keys: "y",
        help: "copy the marked code block (asks the terminal: OSC 52)",
        footer: footer(3, "y", "copy"),
        panes: LESSON,
        map: &[(KeyCode::Char('y'), NONE, Action::CopyCode)],
    },
    Binding {
        keys: "v",
        help: "put the marked SQL into the console",
        footer: footer(3, "v", "paste"),
        panes: LESSON,
        map: &[(KeyCode::Char('v'), NONE, Action::PasteCode)],
    },
    Binding {
        keys: "a",
        help: "run the application",
        footer: footer(4, "a", "run app"),
        panes: READING,
        map: &[(KeyCode::Char('a'), NONE, Action::RunApp)],
    },
    Binding {
        keys: "x",
        help: "the selected server's own client",
        footer: footer(3, "x", "client"),
        panes: SERVER_AT_HAND,
        map: &[(KeyCode::Char('x'), NONE, Action::ServerClient)],
    },
    Binding {
        keys: "Tab  Shift-Tab",
        help: "next / previous pane",
        footer: footer(1, "Tab", "pane"),
        panes: EVERYWHERE,
        map: &[
            (KeyCode::Tab, NONE, Action::FocusNext),
            (KeyCode::BackTab, NONE, Action::FocusPrev),
        ],
    },
    Binding {
        keys: "Esc",
        help: "close this pane",
        footer: footer(0, "Esc", "close"),
        panes: &[Pane::Console, Pane::Output],
        map: &[(KeyCode::Esc, NONE, Action::Close)],
    },
    Binding {
        keys: "?  F1",
        help: "this help",
        footer: footer(0, "?", "help"),
        panes: READING,
        map: &[(KeyCode::Char('?'), NONE, Action::Help), (KeyCode::F(1), NONE, Action::Help)],
    },
    Binding {
        keys: "F1",
        help: "this help",
        footer: footer(0, "F1", "help"),
        panes: CONSOLE,
        map: &[(KeyCode::F(1), NONE, Action::Help)],
    },
    Binding {
        keys: "q",
        help: "quit",
        footer: footer(0, "q", "quit"),
        panes: READING,
        map: &[(KeyCode::Char('q'), NONE, Action::Quit)],
    },
    Binding {
        keys: "Ctrl-C",
        help: "cancel a statement, clear input, else quit",
        footer: None,
        panes: EVERYWHERE,
        map: &[(KeyCode::Char('c'), CTRL, Action::Interrupt)],
    },
];

/// The keys that work while the help is open, whatever the pane.
pub static HELP_KEYS: &[(KeyCode, KeyModifiers, Action)] = &[
    (KeyCode::Esc, NONE, Action::Close),
    (KeyCode::Char('?'), NONE, Action::Close),
    (KeyCode::F(1), NONE, Action::Close),
    (KeyCode::Char('q'), NONE, Action::Quit),
    (KeyCode::Char('c'), CTRL, Action::Interrupt),
];

impl Action {
    /// Whether the learner asked for this with a key or the wheel (not a worker, not the
    /// terminal).
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            Action::Key(_)
                | Action::Paste(_)
                | Action::NextStep
                | Action::PrevStep
                | Action::Scroll(_)
                | Action::FocusNext
                | Action::FocusPrev
                | Action::Help
                | Action::Close
                | Action::Quit
                | Action::Interrupt
                | Action::NextServer
                | Action::PrevServer
                | Action::CycleServer
                | Action::EditConfig
                | Action::ServerClient
                | Action::Restart
                | Action::Reset
                | Action::Crash
                | Action::Recheck
                | Action::NextCode
                | Action::PrevCode
                | Action::CopyCode
                | Action::PasteCode
                | Action::OpenConsole
                | Action::SwitchTarget
                | Action::Edit(_)
                | Action::RunApp
                | Action::Wheel { .. }
        )
    }

    /// The action a terminal event asks for, if any.
    pub fn from_event(event: &Event) -> Option<Action> {
        match event {
            Event::Key(key) if key.kind == KeyEventKind::Press => Some(Action::Key(*key)),
            Event::Paste(text) => Some(Action::Paste(text.clone())),
            Event::Mouse(mouse) => {
                let lines = match mouse.kind {
                    MouseEventKind::ScrollDown => WHEEL_LINES,
                    MouseEventKind::ScrollUp => -WHEEL_LINES,
                    _ => return None,
                };
                Some(Action::Wheel { column: mouse.column, row: mouse.row, lines })
            }
            Event::Resize(width, height) => Some(Action::Resize { width: *width, height: *height }),
            _ => None,
        }
    }
}

/// What a key does in `pane`: its binding there, else (in the console) the character typed.
/// Shift is ignored (terminals differ on `?`); Ctrl and Alt must match the binding.
pub fn key_action(key: &KeyEvent, pane: Pane) -> Option<Action> {
    let bound = BINDINGS.iter().filter(|b| b.works_in(pane)).flat_map(|b| b.map);
    lookup(bound, key).or_else(|| match key.code {
        KeyCode::Char(c) if pane == Pane::Console && !key.modifiers.intersects(CTRL | ALT) => {
            Some(Action::Edit(Edit::Insert(c)))
        }
        _ => None,
    })
}

/// What a key does while the help is open.
pub fn help_key_action(key: &KeyEvent) -> Option<Action> {
    lookup(HELP_KEYS.iter(), key)
}

/// The binding that holds `key` in other panes than `pane`, if any.
pub fn bound_elsewhere(key: &KeyEvent, pane: Pane) -> Option<&'static Binding> {
    BINDINGS.iter().find(|b| !b.works_in(pane) && lookup(b.map, key).is_some())
}

fn lookup<'a>(
    map: impl IntoIterator<Item = &'a (KeyCode, KeyModifiers, Action)>,
    key: &KeyEvent,
) -> Option<Action> {
    let modifiers = key.modifiers - KeyModifiers::SHIFT;
    map.into_iter()
        .find(|(code, needs, _)| *code == key.code && *needs == modifiers)
        .map(|(_, _, action)| action.clone())
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::{MouseEvent, MouseEventKind};

    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers, pane: Pane) -> Option<Action> {
        key_action(&KeyEvent::new(code, modifiers), pane)
    }

    #[test]
    fn keys_map_to_actions_in_the_reading_panes() {
        let lesson = Pane::Lesson;
        assert_eq!(key(KeyCode::Char('n'), NONE, lesson), Some(Action::NextStep));
        assert_eq!(key(KeyCode::Left, NONE, lesson), Some(Action::PrevStep));
        assert_eq!(key(KeyCode::PageDown, NONE, lesson), Some(Action::Scroll(Scroll::PageDown)));
        assert_eq!(key(KeyCode::Char('?'), KeyModifiers::SHIFT, lesson), Some(Action::Help));
        assert_eq!(key(KeyCode::Char('c'), CTRL, lesson), Some(Action::Interrupt));
        assert_eq!(key(KeyCode::Char('c'), NONE, lesson), Some(Action::OpenConsole));
        assert_eq!(key(KeyCode::Char('n'), CTRL, lesson), None);
        assert_eq!(key(KeyCode::Char('z'), NONE, lesson), None);
        assert_eq!(key(KeyCode::Down, NONE, Pane::Lab), Some(Action::NextServer));
        assert_eq!(key(KeyCode::Char('y'), NONE, Pane::Tasks), None, "y copies from the lesson");
    }

    #[test]
    fn in_the_console_letters_are_typed_and_a_few_keys_are_commands() {
        let console = Pane::Console;
        assert_eq!(key(KeyCode::Char('q'), NONE, console), Some(Action::Edit(Edit::Insert('q'))));
        assert_eq!(
            key(KeyCode::Char('G'), KeyModifiers::SHIFT, console),
            Some(Action::Edit(Edit::Insert('G')))
        );
        assert_eq!(key(KeyCode::Char('?'), NONE, console), Some(Action::Edit(Edit::Insert('?'))));
        assert_eq!(key(KeyCode::Enter, NONE, console), Some(Action::Edit(Edit::Enter)));
        assert_eq!(key(KeyCode::Enter, ALT, console), Some(Action::Edit(Edit::Newline)));
        assert_eq!(key(KeyCode::Char('j'), CTRL, console), Some(Action::Edit(Edit::Newline)));
        assert_eq!(key(KeyCode::Char('t'), CTRL, console), Some(Action::SwitchTarget));
        assert_eq!(key(KeyCode::F(2), NONE, console), Some(Action::SwitchTarget));
        assert_eq!(key(KeyCode::Char('c'), CTRL, console), Some(Action::Interrupt));
        assert_eq!(key(KeyCode::Up, NONE, console), Some(Action::Edit(Edit::Up)));
        assert_eq!(key(KeyCode::Esc, NONE, console), Some(Action::Close));
        assert_eq!(key(KeyCode::Char('x'), CTRL, console), None, "unbound Ctrl keys type nothing");
    }

    #[test]
    fn the_help_answers_only_to_closing_and_quitting() {
        let help = |code, modifiers| help_key_action(&KeyEvent::new(code, modifiers));
        assert_eq!(help(KeyCode::Esc, NONE), Some(Action::Close));
        assert_eq!(help(KeyCode::F(1), NONE), Some(Action::Close));
        assert_eq!(help(KeyCode::Char('n'), NONE), None);
    }

    #[test]
    fn key_releases_are_ignored() {
        let mut release = KeyEvent::new(KeyCode::Char('q'), NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(Action::from_event(&Event::Key(release)), None);
        let press = KeyEvent::new(KeyCode::Char('q'), NONE);
        assert_eq!(Action::from_event(&Event::Key(press)), Some(Action::Key(press)));
    }

    #[test]
    fn the_wheel_pastes_and_resizes_become_actions() {
        let wheel = |kind| {
            Action::from_event(&Event::Mouse(MouseEvent {
                kind,
                column: 5,
                row: 7,
                modifiers: NONE,
            }))
        };
        assert_eq!(
            wheel(MouseEventKind::ScrollDown),
            Some(Action::Wheel { column: 5, row: 7, lines: 3 })
        );
        assert_eq!(
            wheel(MouseEventKind::ScrollUp),
            Some(Action::Wheel { column: 5, row: 7, lines: -3 })
        );
        assert_eq!(wheel(MouseEventKind::Moved), None);
        assert_eq!(
            Action::from_event(&Event::Resize(80, 24)),
            Some(Action::Resize { width: 80, height: 24 })
        );
        assert_eq!(
            Action::from_event(&Event::Paste("SELECT 1;".into())),
            Some(Action::Paste("SELECT 1;".into()))
        );
    }

    #[test]
    fn no_key_is_bound_twice_in_a_pane() {
        for pane in EVERYWHERE {
            let mut keys: Vec<String> = BINDINGS
                .iter()
                .filter(|b| b.works_in(*pane))
                .flat_map(|b| b.map)
                .map(|(c, m, _)| format!("{c:?}{m:?}"))
                .collect();
            let count = keys.len();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), count, "{pane:?}");
        }
    }

    #[test]
    fn every_pane_has_help_and_a_way_out() {
        for pane in EVERYWHERE {
            let actions: Vec<&Action> = BINDINGS
                .iter()
                .filter(|b| b.works_in(*pane))
                .flat_map(|b| b.map)
                .map(|(_, _, a)| a)
                .collect();
            assert!(actions.contains(&&Action::Help), "{pane:?}");
            assert!(actions.contains(&&Action::Interrupt), "{pane:?}");
        }
    }
}
