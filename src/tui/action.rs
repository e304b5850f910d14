//! Everything that can happen to the screen, as one enum: keys, the mouse wheel, a resized
//! terminal, and messages from the workers that watch the lab and grade the tasks.

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind,
};

use super::view::{ServerView, TaskView};
use crate::lesson::Engine;

/// Something the app reacts to in `App::update`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Show the next step of the lesson.
    NextStep,
    /// Show the previous step.
    PrevStep,
    /// Scroll the focused pane.
    Scroll(Scroll),
    /// Give the keyboard to the next pane.
    FocusNext,
    /// Open or close the list of keys.
    Help,
    /// Close the list of keys.
    Close,
    /// Leave, restoring the terminal.
    Quit,
    /// The mouse wheel turned over a cell of the screen; positive `lines` scroll down.
    Wheel { column: u16, row: u16, lines: i16 },
    /// The terminal has a new size.
    Resize { width: u16, height: u16 },
    /// The lab's servers, as they are now (from the lab worker).
    Lab(Vec<ServerView>),
    /// Every task's status, as graded now (from the grading worker).
    Tasks(Vec<TaskView>),
    /// The engine the lab runs; the lesson shows that engine's statements.
    Engine(Engine),
    /// A one-line message for the footer, such as the outcome of a background job.
    Notice(String),
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

/// Lines the mouse wheel moves per notch.
const WHEEL_LINES: i16 = 3;

/// One line of the key help: the keys it names and the actions they send.
pub struct Binding {
    /// The keys as the help shows them.
    pub keys: &'static str,
    /// What they do.
    pub help: &'static str,
    /// `(keys, words)` in the footer, for the keys worth a reminder.
    pub footer: Option<(&'static str, &'static str)>,
    /// Each key (with whether it needs Ctrl) and its action.
    pub map: &'static [(KeyCode, bool, Action)],
}

/// Every key the screen answers to, in the order the help lists them.
pub static BINDINGS: &[Binding] = &[
    Binding {
        keys: "n  →",
        help: "next step",
        footer: Some(("n/b", "step")),
        map: &[
            (KeyCode::Char('n'), false, Action::NextStep),
            (KeyCode::Right, false, Action::NextStep),
        ],
    },
    Binding {
        keys: "b  ←",
        help: "previous step",
        footer: None,
        map: &[
            (KeyCode::Char('b'), false, Action::PrevStep),
            (KeyCode::Left, false, Action::PrevStep),
        ],
    },
    Binding {
        keys: "↑  ↓",
        help: "scroll a line",
        footer: Some(("↑↓", "scroll")),
        map: &[
            (KeyCode::Up, false, Action::Scroll(Scroll::LineUp)),
            (KeyCode::Down, false, Action::Scroll(Scroll::LineDown)),
        ],
    },
    Binding {
        keys: "PgUp  PgDn  Space",
        help: "scroll a page",
        footer: Some(("PgUp/PgDn", "page")),
        map: &[
            (KeyCode::PageUp, false, Action::Scroll(Scroll::PageUp)),
            (KeyCode::PageDown, false, Action::Scroll(Scroll::PageDown)),
            (KeyCode::Char(' '), false, Action::Scroll(Scroll::PageDown)),
        ],
    },
    Binding {
        keys: "Home  End",
        help: "top / bottom",
        footer: None,
        map: &[
            (KeyCode::Home, false, Action::Scroll(Scroll::Top)),
            (KeyCode::End, false, Action::Scroll(Scroll::Bottom)),
        ],
    },
    Binding {
        keys: "Tab",
        help: "switch between lesson and tasks",
        footer: Some(("Tab", "pane")),
        map: &[
            (KeyCode::Tab, false, Action::FocusNext),
            (KeyCode::BackTab, false, Action::FocusNext),
        ],
    },
    Binding {
        keys: "?",
        help: "this help",
        footer: Some(("?", "help")),
        map: &[(KeyCode::Char('?'), false, Action::Help)],
    },
    Binding {
        keys: "Esc",
        help: "close this help",
        footer: None,
        map: &[(KeyCode::Esc, false, Action::Close)],
    },
    Binding {
        keys: "q  Ctrl-C",
        help: "quit",
        footer: Some(("q", "quit")),
        map: &[(KeyCode::Char('q'), false, Action::Quit), (KeyCode::Char('c'), true, Action::Quit)],
    },
];

impl Action {
    /// Whether the learner asked for this with a key or the wheel (not a worker, not the
    /// terminal).
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            Action::NextStep
                | Action::PrevStep
                | Action::Scroll(_)
                | Action::FocusNext
                | Action::Help
                | Action::Close
                | Action::Quit
                | Action::Wheel { .. }
        )
    }

    /// The action a terminal event asks for, if any.
    pub fn from_event(event: &Event) -> Option<Action> {
        match event {
            Event::Key(key) => Action::from_key(key),
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

    /// The action of a key press. Shift is ignored (terminals differ on `?`); Ctrl and Alt
    /// must match the binding.
    pub fn from_key(key: &KeyEvent) -> Option<Action> {
        if key.kind != KeyEventKind::Press || key.modifiers.contains(KeyModifiers::ALT) {
            return None;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        BINDINGS
            .iter()
            .flat_map(|b| b.map)
            .find(|(code, needs_ctrl, _)| *code == key.code && *needs_ctrl == ctrl)
            .map(|(_, _, action)| action.clone())
    }
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::{MouseEvent, MouseEventKind};

    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> Option<Action> {
        Action::from_event(&Event::Key(KeyEvent::new(code, modifiers)))
    }

    #[test]
    fn keys_map_to_actions() {
        let none = KeyModifiers::NONE;
        assert_eq!(key(KeyCode::Char('n'), none), Some(Action::NextStep));
        assert_eq!(key(KeyCode::Left, none), Some(Action::PrevStep));
        assert_eq!(key(KeyCode::PageDown, none), Some(Action::Scroll(Scroll::PageDown)));
        assert_eq!(key(KeyCode::Char('?'), KeyModifiers::SHIFT), Some(Action::Help));
        assert_eq!(key(KeyCode::Char('c'), KeyModifiers::CONTROL), Some(Action::Quit));
        assert_eq!(key(KeyCode::Char('c'), none), None, "c alone does nothing yet");
        assert_eq!(key(KeyCode::Char('n'), KeyModifiers::CONTROL), None);
        assert_eq!(key(KeyCode::Char('e'), none), None);
    }

    #[test]
    fn key_releases_are_ignored() {
        let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(Action::from_event(&Event::Key(release)), None);
    }

    #[test]
    fn the_wheel_and_resizes_become_actions() {
        let wheel = |kind| {
            Action::from_event(&Event::Mouse(MouseEvent {
                kind,
                column: 5,
                row: 7,
                modifiers: KeyModifiers::NONE,
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
    }

    #[test]
    fn no_key_is_bound_twice() {
        let mut keys: Vec<String> = BINDINGS
            .iter()
            .flat_map(|b| b.map)
            .map(|(c, ctrl, _)| format!("{c:?}{ctrl}"))
            .collect();
        let count = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), count);
    }
}
