//! Taking over the terminal, and always giving it back: on quit, on error and on panic.

use std::fmt;
use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, Once, OnceLock};
use std::thread::ThreadId;

use anyhow::Context;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::{Hide, Show};
use ratatui::crossterm::event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use rustix::termios::{OptionalActions, Termios, tcgetattr, tcsetattr};

use super::signals;

/// Whether the terminal is in the screen's mode (raw, alternate screen, mouse on).
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// The thread that draws; a panic anywhere else must not leave it drawing on a restored terminal.
static UI_THREAD: OnceLock<ThreadId> = OnceLock::new();
/// The terminal's modes before the screen took it: put back on an end by signal, whoever
/// changed them since (the screen, an editor ended by the signal, a client in raw mode).
static MODES_BEFORE: OnceLock<Termios> = OnceLock::new();
/// Held while the terminal's modes change hands, so an end by signal never races the screen
/// taking the terminal back; the end holds it for good.
static MODES: Mutex<()> = Mutex::new(());

/// Holds the terminal in the screen's mode; dropping it gives the terminal back.
pub struct TerminalGuard {
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl TerminalGuard {
    /// Switches to raw mode and the alternate screen, with mouse wheel reports and pastes
    /// marked as such.
    pub fn enter() -> anyhow::Result<Self> {
        install_panic_hook();
        let _ = UI_THREAD.set(std::thread::current().id());
        if let Ok(modes) = tcgetattr(io::stdin()) {
            let _ = MODES_BEFORE.set(modes);
        }
        signals::install()?;
        let guard = TerminalGuard {
            terminal: Terminal::new(CrosstermBackend::new(io::stdout()))
                .context("cannot use the terminal")?,
        };
        take_over()?;
        Ok(guard)
    }

    /// Gives the terminal to another program for as long as `job` runs (an editor, a client),
    /// then takes it back and has the next frame drawn whole. The caller stops reading keys
    /// first, or they would be taken from the program.
    pub fn suspended<T>(&mut self, job: impl FnOnce() -> T) -> anyhow::Result<T> {
        restore();
        let result = job();
        take_over()?;
        // Blank the screen and forget the last frame, so the next one is drawn whole.
        // (`Terminal::clear` would ask the terminal where its cursor is, and wait for it.)
        execute!(io::stdout(), Clear(ClearType::All)).context("cannot redraw the screen")?;
        self.terminal.swap_buffers();
        Ok(result)
    }
}

/// Raw mode, the alternate screen, the wheel, marked pastes, no cursor.
fn take_over() -> anyhow::Result<()> {
    let _modes = hold_modes();
    enable_raw_mode().context("cannot switch the terminal to raw mode")?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(io::stdout(), EnterAlternateScreen, EnableWheel, EnableBracketedPaste, Hide)
        .context("cannot set up the terminal")
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Gives the terminal back, once, whoever asks first.
fn restore() {
    let _modes = hold_modes();
    if ACTIVE.swap(false, Ordering::SeqCst) {
        // Nothing better can be done if the terminal refuses; carry on restoring the rest.
        let _ = execute!(
            io::stdout(),
            DisableBracketedPaste,
            DisableMouseCapture,
            LeaveAlternateScreen,
            Show
        );
        let _ = disable_raw_mode();
    }
}

/// The right to change the terminal's modes.
pub(super) fn hold_modes() -> MutexGuard<'static, ()> {
    MODES.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Gives the terminal back whatever state it is in, for an end by signal: marked pastes and
/// mouse reports off, the main screen, the cursor, and the modes it had before the screen
/// started. The caller holds the modes and the output until the process exits.
pub(super) fn give_back_for_good(out: &mut impl Write) {
    ACTIVE.store(false, Ordering::SeqCst);
    // A closed terminal refuses all this; there is nothing left to restore then.
    let _ = out.write_all(b"\x1b[?2004l\x1b[?1006l\x1b[?1000l\x1b[?1049l\x1b[?25h");
    let _ = out.flush();
    match MODES_BEFORE.get() {
        Some(modes) => {
            let _ = tcsetattr(io::stdin(), OptionalActions::Now, modes);
        }
        None => {
            let _ = disable_raw_mode();
        }
    }
}

/// On a panic: restore the terminal first so the message is readable, then report it.
/// A panic off the drawing thread ends the program, rather than leave a screen that no
/// longer updates.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let was_active = ACTIVE.load(Ordering::SeqCst);
            restore();
            previous(info);
            let on_ui = UI_THREAD.get() == Some(&std::thread::current().id());
            if was_active && !on_ui {
                std::process::exit(101);
            }
        }));
    });
}

/// Mouse reports for buttons and the wheel only (modes 1000 and 1006): unlike crossterm's
/// `EnableMouseCapture` it asks for no motion events, which would wake the program on every
/// pointer move.
struct EnableWheel;

impl ratatui::crossterm::Command for EnableWheel {
    fn write_ansi(&self, f: &mut impl fmt::Write) -> fmt::Result {
        f.write_str("\x1b[?1000h\x1b[?1006h")
    }

    #[cfg(windows)]
    fn execute_winapi(&self) -> io::Result<()> {
        ratatui::crossterm::event::EnableMouseCapture.execute_winapi()
    }
}
