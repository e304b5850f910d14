//! A signal ends the lesson screen cleanly: in a pseudo-terminal, for each of SIGTERM, SIGHUP,
//! SIGINT and SIGQUIT, the terminal is found in its normal mode afterwards, off the alternate
//! screen, with the cursor shown and mouse reports off, and the status is 128 + the signal.
//! Also while the editor has the terminal, and when the window is closed.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process, test_kill_process};

use crate::pty::{Terminal, sqlcourse, sqlcourse_in_window};

const SIGNALS: [(Signal, i32); 4] =
    [(Signal::TERM, 15), (Signal::HUP, 1), (Signal::INT, 2), (Signal::QUIT, 3)];

fn send(terminal: &Terminal, signal: Signal) {
    let pid = Pid::from_raw(terminal.child.id() as i32).expect("a pid");
    kill_process(pid, signal).expect("send the signal");
}

/// Ended by the signal numbered `number`, as a shell reports it: killed by it, or 128 + it.
fn assert_ended_by(status: ExitStatus, number: i32) {
    assert!(
        status.signal() == Some(number) || status.code() == Some(128 + number),
        "{status} is not the conventional end on signal {number}"
    );
}

/// The terminal is as it was before the screen: what a shell needs to be usable again.
fn assert_given_back(terminal: &Terminal, from: usize) {
    assert!(terminal.is_cooked(), "the terminal was left in raw mode");
    let after = terminal.output_since(from);
    for (sequence, what) in [
        ("\x1b[?1049l", "the main screen"),
        ("\x1b[?25h", "the cursor shown"),
        ("\x1b[?1000l", "mouse reports off"),
        ("\x1b[?2004l", "marked pastes off"),
    ] {
        assert!(after.contains(sequence), "{what} was not restored: {after:?}");
    }
}

/// An editor that records its process id, leaves the terminal raw (as full-screen editors
/// do) and waits for a line.
fn raw_editor(dir: &Path) -> PathBuf {
    let script = dir.join("editor");
    let pid_file = dir.join("editor.pid");
    let body = format!(
        "#!/bin/sh\necho $$ > '{}'\nstty raw -echo\nprintf 'EDITOR RAW\\n'\nread -r line\n",
        pid_file.display()
    );
    std::fs::write(&script, body).expect("write the editor");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    script
}

/// Whether the process `pid` (not a child of this one) still exists, other than as a zombie
/// waiting to be reaped.
fn is_alive(pid: i32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let state = stat.rsplit(") ").next().and_then(|rest| rest.chars().next());
    let exists = Pid::from_raw(pid).is_some_and(|p| test_kill_process(p).is_ok());
    exists && state != Some('Z')
}

fn assert_gone(pid: i32, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while is_alive(pid) {
        assert!(Instant::now() < deadline, "{what} (pid {pid}) was left behind");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn each_signal_on_the_lesson_screen_gives_the_terminal_back() {
    for (signal, number) in SIGNALS {
        let home = tempfile::tempdir().expect("temp dir");
        let mut terminal = Terminal::start(sqlcourse(home.path()));
        let seen = terminal.wait_for("Step 1/7: Introduction", 0);
        assert!(!terminal.is_cooked(), "the screen runs the terminal raw");
        send(&terminal, signal);
        let status = terminal.wait_exit();
        assert_ended_by(status, number);
        assert_given_back(&terminal, seen);
    }
}

#[test]
fn a_signal_while_the_editor_has_the_terminal_ends_the_editor_and_gives_the_terminal_back() {
    for (signal, number) in [(Signal::TERM, 15), (Signal::HUP, 1), (Signal::INT, 2)] {
        let home = tempfile::tempdir().expect("temp dir");
        let editor = raw_editor(home.path());
        let mut command = sqlcourse(home.path());
        command.env("EDITOR", &editor);
        let mut terminal = Terminal::start(command);
        let seen = terminal.wait_for("Step 1/7: Introduction", 0);
        terminal.press("e");
        terminal.wait_for("EDITOR RAW", seen);
        assert!(!terminal.is_cooked(), "the editor left the terminal raw");
        let pid_file = home.path().join("editor.pid");
        let editor_pid: i32 = std::fs::read_to_string(&pid_file)
            .expect("the editor's pid")
            .trim()
            .parse()
            .expect("a pid");
        send(&terminal, signal);
        let status = terminal.wait_exit();
        assert_ended_by(status, number);
        assert_given_back(&terminal, seen);
        assert_gone(editor_pid, "the editor");
    }
}

#[test]
fn ctrl_c_typed_at_the_editor_is_the_editors() {
    let home = tempfile::tempdir().expect("temp dir");
    let script = home.path().join("editor");
    // An editor in the terminal's normal mode, which Ctrl-C interrupts.
    std::fs::write(&script, "#!/bin/sh\nprintf 'EDITOR COOKED\\n'\nread -r line\n")
        .expect("write the editor");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let mut command = sqlcourse_in_window(home.path());
    command.env("EDITOR", &script);
    let mut terminal = Terminal::start(command);
    let seen = terminal.wait_for("Step 1/7: Introduction", 0);
    terminal.press("e");
    let seen = terminal.wait_for("EDITOR COOKED", seen);
    terminal.press("\x03");
    // The editor stopped; the screen is back and says so.
    let seen = terminal.wait_for("stopped with signal", seen);
    assert!(terminal.child.try_wait().expect("wait").is_none(), "the screen ended too");
    terminal.press("q");
    let status = terminal.wait_exit();
    assert!(status.success(), "{status}");
    assert_given_back(&terminal, seen);
}

#[test]
fn closing_the_window_leaves_no_process_behind() {
    let home = tempfile::tempdir().expect("temp dir");
    let editor = raw_editor(home.path());
    let mut command = sqlcourse_in_window(home.path());
    command.env("EDITOR", &editor);
    let mut terminal = Terminal::start(command);
    let seen = terminal.wait_for("Step 1/7: Introduction", 0);
    terminal.press("e");
    terminal.wait_for("EDITOR RAW", seen);
    let editor_pid: i32 = std::fs::read_to_string(home.path().join("editor.pid"))
        .expect("the editor's pid")
        .trim()
        .parse()
        .expect("a pid");
    terminal.hang_up();
    let status = terminal.wait_exit();
    assert_ended_by(status, 1);
    assert_gone(editor_pid, "the editor");
}

#[test]
fn a_dumb_terminal_is_refused_with_a_message() {
    let home = tempfile::tempdir().expect("temp dir");
    let mut command = sqlcourse(home.path());
    command.env("TERM", "dumb");
    let mut terminal = Terminal::start(command);
    let status = terminal.wait_exit();
    assert_eq!(status.code(), Some(1), "{status}");
    let said = terminal.output_since(0);
    assert!(said.contains("the lesson needs a terminal that can draw a full screen"), "{said}");
    assert!(!said.contains("\x1b[?1049h"), "it drew the screen anyway: {said:?}");
    assert!(terminal.is_cooked());
}
