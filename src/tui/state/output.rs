//! The application pane's state: what the learner's application printed, and how it ended.

use crate::tui::draw::theme::Theme;
use crate::tui::state::transcript::{Entry, Tone, Transcript};
use crate::learner::app_run::{AppEvent, Stream};

/// One run of the application, as the pane shows it.
#[derive(Debug)]
pub struct Output {
    pub transcript: Transcript,
    pub running: bool,
    /// How the last run ended: `Some(None)` when a signal stopped it.
    pub exit: Option<Option<i32>>,
}

impl Output {
    pub fn new(theme: Theme) -> Self {
        Output { transcript: Transcript::new(theme), running: false, exit: None }
    }

    /// Clears the last run's output for a new run of `command`.
    pub fn start(&mut self, command: &str) {
        self.transcript.clear();
        self.running = true;
        self.exit = None;
        self.transcript.push(Entry::Echo { prompt: "$ ".into(), text: command.into(), sql: false });
    }

    /// Takes in a line or the exit; returns the words for the footer when it ended.
    pub fn event(&mut self, event: AppEvent) -> Option<String> {
        match event {
            AppEvent::Line { stream, text } => {
                let tone = match stream {
                    Stream::Stdout => Tone::Plain,
                    Stream::Stderr => Tone::Muted,
                };
                self.transcript.push(Entry::Text { text, tone });
                None
            }
            AppEvent::Exited { code } => {
                self.running = false;
                self.exit = Some(code);
                let (words, tone) = match code {
                    Some(0) => ("exited with code 0".to_owned(), Tone::Good),
                    Some(n) => (format!("exited with code {n}"), Tone::Error),
                    None => ("stopped by a signal".to_owned(), Tone::Error),
                };
                self.transcript.push(Entry::Text { text: words.clone(), tone });
                Some(format!("the application {words}"))
            }
        }
    }

    /// The application could not start.
    pub fn failed(&mut self, reason: &str) {
        self.running = false;
        self.transcript.push(Entry::Text { text: reason.to_owned(), tone: Tone::Error });
    }
}
