//! Work the screen asks for that happens outside it: `App::update` only records these, and the
//! event loop hands them to a [`Performer`](crate::tui::perform::Performer).

use std::path::PathBuf;

use crate::tui::workers::lab::Request;

/// How an edited file takes effect, for the notice after the editor closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterEdit {
    /// A server's config file: that server must restart.
    Restart(String),
    /// A file of the application: it must run again.
    RunApp,
}

/// A workspace file to open in the learner's editor, and how it takes effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdit {
    pub file: PathBuf,
    pub then: AfterEdit,
}

/// Something to do outside the screen's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Run a console input on a server's worker.
    RunSql { server: String, input: String },
    /// Cancel what a server's worker is running.
    Cancel { server: String },
    /// Open a workspace file in the learner's editor (the terminal is handed over).
    Edit(FileEdit),
    /// Open a server's own client inside its container (the terminal is handed over).
    Client { server: String },
    /// Put text on the clipboard through the terminal.
    Copy { text: String },
    /// Start the learner's application.
    RunApp,
    /// Ask the lab for something: re-check, restart a server, reset.
    Lab(Request),
}

impl Effect {
    /// Whether the effect needs the whole terminal for a while.
    pub fn needs_terminal(&self) -> bool {
        matches!(self, Effect::Edit(_) | Effect::Client { .. })
    }
}
