//! The lesson screen hands the terminal to the learner's editor and takes it back: run in a
//! pseudo-terminal, with a script as the editor that reports the terminal's mode and reads a
//! line typed at it.

use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use rustix::termios::{Winsize, tcsetwinsize};

/// `sqlcourse day20` running on a pseudo-terminal; its screen output is collected.
struct Terminal {
    child: Child,
    keyboard: std::fs::File,
    output: Arc<Mutex<Vec<u8>>>,
}

impl Terminal {
    fn start(home: &Path, editor: &Path) -> Terminal {
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).expect("open a pty");
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
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content");
        let child = Command::new(env!("CARGO_BIN_EXE_sqlcourse"))
            .arg("--content")
            .arg(&fixture)
            .arg("day20")
            .env("SQLCOURSE_HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("SQLCOURSE_LAB_NAME", format!("test-handover-{}", std::process::id()))
            .env("TERM", "xterm-256color")
            .env("EDITOR", editor)
            .env_remove("VISUAL")
            .env_remove("TMUX")
            .stdin(Stdio::from(slave.try_clone().expect("dup")))
            .stdout(Stdio::from(slave.try_clone().expect("dup")))
            .stderr(Stdio::from(slave))
            .spawn()
            .expect("start sqlcourse");
        let keyboard = std::fs::File::from(master);
        let mut screen = keyboard.try_clone().expect("dup");
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&output);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = screen.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().expect("output").extend_from_slice(&buf[..n]);
            }
        });
        Terminal { child, keyboard, output }
    }

    fn press(&mut self, keys: &str) {
        self.keyboard.write_all(keys.as_bytes()).expect("type");
    }

    /// Waits until `text` has been drawn since `from` (a length of the output); returns the
    /// output's length after it.
    fn wait_for(&self, text: &str, from: usize) -> usize {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            {
                let output = self.output.lock().expect("output");
                let seen = String::from_utf8_lossy(&output[from.min(output.len())..]).into_owned();
                if let Some(at) = seen.find(text) {
                    return from + at + text.len();
                }
                if Instant::now() > deadline {
                    panic!("{text:?} never appeared; the screen showed:\n{seen}");
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
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

/// An editor that says whether the terminal was given back in its normal mode, waits for a
/// line typed at it, and saves a change with that line.
fn editor_script(dir: &Path) -> PathBuf {
    let script = dir.join("editor");
    let body = "#!/bin/sh\n\
                for file; do :; done\n\
                case \"$(stty -a)\" in *-icanon*) mode=raw ;; *) mode=cooked ;; esac\n\
                printf 'EDITOR READY %s\\n' \"$mode\"\n\
                read -r line\n\
                printf 'server_id = 1\\n# %s: %s\\n' \"$mode\" \"$line\" >> \"$file\"\n";
    std::fs::write(&script, body).expect("write the editor");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    script
}

#[test]
fn e_opens_the_config_in_the_editor_and_the_screen_comes_back() {
    let home = tempfile::tempdir().expect("temp dir");
    let editor = editor_script(home.path());
    let config = home.path().join("day20/master/my.cnf");
    std::fs::create_dir_all(config.parent().expect("folder")).expect("workspace");
    std::fs::write(&config, "[mysqld]\n").expect("config");

    let mut terminal = Terminal::start(home.path(), &editor);
    let seen = terminal.wait_for("Step 1/7: Introduction", 0);
    terminal.press("e");
    // The editor finds a terminal in its normal mode, and the keys typed reach it, not the
    // screen behind it.
    let seen = terminal.wait_for("EDITOR READY cooked", seen);
    terminal.press("n and q are for the editor\r");
    let seen = terminal
        .wait_for("master/my.cnf saved — press r to restart the master so it takes effect", seen);
    assert_eq!(
        std::fs::read_to_string(&config).expect("read config"),
        "[mysqld]\nserver_id = 1\n# cooked: n and q are for the editor\n"
    );
    // The screen is back and answers keys again.
    terminal.press("n");
    let seen = terminal.wait_for("How replication works", seen);
    terminal.press("q");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = terminal.child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "sqlcourse did not quit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
    // It left the alternate screen on the way out.
    terminal.wait_for("\x1b[?1049l", seen);
}
