//! The screen without a terminal: drawn in memory, with what would have gone to the terminal
//! recorded, so the app can be driven by actions and read back as text.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::tui::perform::Host;

/// A terminal in memory.
pub struct Headless {
    pub terminal: Terminal<TestBackend>,
    /// Escape sequences written (clipboard copies), in order.
    pub escapes: Vec<String>,
    /// How many times a program was given the terminal.
    pub suspensions: usize,
}

impl Headless {
    pub fn new(width: u16, height: u16) -> anyhow::Result<Self> {
        let terminal = Terminal::new(TestBackend::new(width, height))?;
        Ok(Headless { terminal, escapes: Vec::new(), suspensions: 0 })
    }

    /// The screen as last drawn, a quoted line per row.
    pub fn text(&self) -> String {
        self.terminal.backend().to_string()
    }
}

impl Host for Headless {
    type Backend = TestBackend;

    fn terminal(&mut self) -> &mut Terminal<TestBackend> {
        &mut self.terminal
    }

    /// Runs the job at once: there is no screen to leave.
    fn suspended<T>(&mut self, job: impl FnOnce() -> T) -> anyhow::Result<T> {
        self.suspensions += 1;
        Ok(job())
    }

    fn write_escape(&mut self, sequence: &str) -> anyhow::Result<()> {
        self.escapes.push(sequence.to_owned());
        Ok(())
    }
}
