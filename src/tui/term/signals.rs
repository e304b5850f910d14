//! Ending on a signal the way a terminal program should: SIGTERM, SIGHUP, SIGINT and SIGQUIT
//! end a program the screen handed the terminal to, give the terminal back (cooked mode, main
//! screen, cursor, no mouse reports), leave the lab running, and exit with the signal's
//! conventional status (128 + its number).
//!
//! While the learner's editor has the terminal, a Ctrl-C or Ctrl-\ typed at the keyboard is the
//! editor's own business (the kernel sends it to the whole foreground group), as `system(3)`
//! does; the same signals sent by `kill` still end the screen.

use std::io::Write;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use rustix::process::{Pid, Signal, kill_process};
use signal_hook::consts::{SIGHUP, SIGINT, SIGKILL, SIGQUIT, SIGTERM};
use signal_hook::iterator::SignalsInfo;
use signal_hook::iterator::exfiltrator::WithOrigin;
use signal_hook::low_level::siginfo::{Cause, Origin};

/// The process id of the program that has the terminal (the editor), 0 when none.
static CHILD: AtomicU32 = AtomicU32::new(0);

/// When the terminal was last handed back, in milliseconds since `clock()` began (0: never).
static HANDED_BACK_AT: AtomicU64 = AtomicU64::new(0);

/// A keyboard signal typed at the editor may be read here only after the editor has already
/// ended of it and the terminal is back: for this long it is still the editor's.
const LATE_KEYBOARD_SIGNAL: Duration = Duration::from_secs(1);

/// How long a program handed the terminal gets to end on the signal before it is killed.
const CHILD_GRACE: Duration = Duration::from_secs(3);

/// Starts watching for the signals, once per process.
pub fn install() -> anyhow::Result<()> {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    if INSTALLED.get().is_some() {
        return Ok(());
    }
    let mut signals = SignalsInfo::<WithOrigin>::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])
        .context("cannot watch for signals")?;
    std::thread::Builder::new()
        .name("signals".to_owned())
        .spawn(move || {
            for origin in signals.forever() {
                if !left_to_the_child(&origin) {
                    end(origin.signal);
                }
            }
        })
        .context("cannot watch for signals")?;
    let _ = INSTALLED.set(());
    Ok(())
}

/// Records the program the terminal is handed to, until `handed_back`.
pub fn handed_to(pid: u32) {
    CHILD.store(pid, Ordering::SeqCst);
}

/// The program that had the terminal has ended.
pub fn handed_back() {
    HANDED_BACK_AT.store(since_start().max(1), Ordering::SeqCst);
    CHILD.store(0, Ordering::SeqCst);
}

/// Milliseconds since the first call.
fn since_start() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    let start = START.get_or_init(Instant::now);
    u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// A Ctrl-C or Ctrl-\ typed while the editor has the terminal reached the editor too. The
/// screen keeps the terminal raw, where those keys are no signals, so one from the keyboard
/// read just after the editor ended was typed at the editor.
fn left_to_the_child(origin: &Origin) -> bool {
    let back_at = HANDED_BACK_AT.load(Ordering::SeqCst);
    let just_back = back_at != 0
        && Duration::from_millis(since_start().saturating_sub(back_at)) < LATE_KEYBOARD_SIGNAL;
    (CHILD.load(Ordering::SeqCst) != 0 || just_back)
        && matches!(origin.signal, SIGINT | SIGQUIT)
        && matches!(origin.cause, Cause::Kernel)
}

/// Ends the program on `signal`: holding the terminal's output so nothing draws any more, it
/// ends the program that has the terminal, gives the terminal back and exits.
fn end(signal: i32) -> ! {
    // In this order, as the screen takes them, so neither waits for the other.
    let _modes = super::terminal::hold_modes();
    let mut out = std::io::stdout().lock();
    end_child(signal);
    super::terminal::give_back_for_good(&mut out);
    let _ = out.flush();
    // SIGQUIT's default action would also dump core into the learner's folder.
    if signal != SIGQUIT {
        let _ = signal_hook::low_level::emulate_default_handler(signal);
    }
    std::process::exit(128 + signal);
}

/// Passes the signal on to the program that has the terminal and waits for it to end; one
/// that does not end in time is killed.
fn end_child(signal: i32) {
    let Some(pid) = Pid::from_raw(CHILD.load(Ordering::SeqCst) as i32) else {
        return;
    };
    for (signal, wait) in [(signal, CHILD_GRACE), (SIGKILL, Duration::from_secs(1))] {
        let Some(signal) = Signal::from_named_raw(signal) else {
            continue;
        };
        if kill_process(pid, signal).is_err() {
            return;
        }
        let deadline = Instant::now() + wait;
        while CHILD.load(Ordering::SeqCst) != 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        if CHILD.load(Ordering::SeqCst) == 0 {
            return;
        }
    }
}
