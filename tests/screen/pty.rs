//! `sqlcourse` running on a pseudo-terminal, as in a terminal window: keys typed at it, its
//! output collected, the terminal's modes read back, the window closed.

use std::io::{Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec, poll};
use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use rustix::termios::{LocalModes, Winsize, tcgetattr, tcsetwinsize};

/// The program on a pseudo-terminal of 80×24.
pub struct Terminal {
    pub child: Child,
    keyboard: Option<std::fs::File>,
    /// The terminal's own side, kept to read its modes after the program has gone.
    slave: OwnedFd,
    output: Arc<Mutex<Vec<u8>>>,
    stop_reading: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
}

/// `sqlcourse --content FIXTURE day20` for a learner whose files are under `home`, with no
/// Docker engine (the screen's tests run no containers).
pub fn sqlcourse(home: &Path) -> Command {
    with_lesson(Command::new(env!("CARGO_BIN_EXE_sqlcourse")), home)
}

/// As `sqlcourse`, leading its own session with the pseudo-terminal as its controlling
/// terminal, as a shell in a terminal window does: closing the window hangs it up.
pub fn sqlcourse_in_window(home: &Path) -> Command {
    let mut command = Command::new("setsid");
    command.arg("--ctty").arg(env!("CARGO_BIN_EXE_sqlcourse"));
    with_lesson(command, home)
}

fn with_lesson(mut command: Command, home: &Path) -> Command {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content");
    command
        .arg("--content")
        .arg(&fixture)
        .arg("day20")
        .env("SQLCOURSE_HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("SQLCOURSE_LAB_NAME", format!("test-pty-{}", std::process::id()))
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .env("TERM", "xterm-256color")
        .env_remove("VISUAL")
        .env_remove("TMUX");
    command
}

impl Terminal {
    /// Runs `command` with the pseudo-terminal as its standard input, output and error.
    pub fn start(mut command: Command) -> Terminal {
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC)
            .expect("open a pty");
        grantpt(&master).expect("grantpt");
        unlockpt(&master).expect("unlockpt");
        let name = ptsname(&master, Vec::new()).expect("ptsname");
        let size = Winsize { ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0 };
        tcsetwinsize(&master, size).expect("set the size");
        let slave: OwnedFd = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(PathBuf::from(name.to_string_lossy().into_owned()))
            .expect("open the pty's terminal")
            .into();
        let child = command
            .stdin(Stdio::from(slave.try_clone().expect("dup")))
            .stdout(Stdio::from(slave.try_clone().expect("dup")))
            .stderr(Stdio::from(slave.try_clone().expect("dup")))
            .spawn()
            .expect("start sqlcourse");
        let keyboard = std::fs::File::from(master);
        let mut screen = keyboard.try_clone().expect("dup");
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&output);
        let stop_reading = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&stop_reading);
        // It waits with a timeout, so that it can let go of the terminal when told to.
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            let timeout = Timespec { tv_sec: 0, tv_nsec: 20_000_000 };
            while !stop.load(Ordering::SeqCst) {
                let mut fds = [PollFd::new(&screen, PollFlags::IN)];
                match poll(&mut fds, Some(&timeout)) {
                    Ok(0) => continue,
                    Ok(_) => {}
                    Err(_) => break,
                }
                match screen.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => sink.lock().expect("output").extend_from_slice(&buf[..n]),
                }
            }
        });
        Terminal {
            child,
            keyboard: Some(keyboard),
            slave,
            output,
            stop_reading,
            reader: Some(reader),
        }
    }

    pub fn press(&mut self, keys: &str) {
        self.keyboard
            .as_mut()
            .expect("the window is open")
            .write_all(keys.as_bytes())
            .expect("type");
    }

    /// The output since `from`.
    pub fn output_since(&self, from: usize) -> String {
        let output = self.output.lock().expect("output");
        String::from_utf8_lossy(&output[from.min(output.len())..]).into_owned()
    }

    /// Waits until `text` has been drawn since `from` (a length of the output); returns the
    /// output's length after it.
    pub fn wait_for(&self, text: &str, from: usize) -> usize {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let seen = self.output_since(from);
            if let Some(at) = seen.find(text) {
                return from + at + text.len();
            }
            if Instant::now() > deadline {
                panic!("{text:?} never appeared; the screen showed:\n{seen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the program to end.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                // Collect what it wrote last.
                std::thread::sleep(Duration::from_millis(100));
                return status;
            }
            assert!(Instant::now() < deadline, "sqlcourse did not end");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Closes the window: the terminal's other side goes away.
    pub fn hang_up(&mut self) {
        self.stop_reading.store(true, Ordering::SeqCst);
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the reader ends");
        }
        self.keyboard = None;
    }

    /// Whether the terminal is in its normal mode: lines edited, echoed, Ctrl-C a signal.
    pub fn is_cooked(&self) -> bool {
        let modes = tcgetattr(self.slave.as_fd()).expect("read the terminal's modes");
        modes.local_modes.contains(LocalModes::ICANON | LocalModes::ECHO | LocalModes::ISIG)
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
