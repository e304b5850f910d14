//! The lesson screen in a real terminal: `sqlcourse day20` in a tmux window of its own, keys
//! sent as a learner types them, the screen read back as drawn.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{TestLab, text};

/// How long a test waits for a frame that should follow a key at once: a bound for a hang, with
/// room for a machine busy with other tests' containers (speed is the benchmark's to measure).
pub const SCREEN_WAIT: Duration = Duration::from_secs(15);

/// A terminal of its own: a tmux server on a private socket, killed when dropped.
pub struct Tmux {
    socket: String,
    /// Where the program's exit status is written when it ends (tmux itself does not always
    /// collect it).
    status_file: PathBuf,
}

impl Tmux {
    /// Runs `sqlcourse day20` for this lab in a detached window of the given size.
    pub fn start(lab: &TestLab, width: u16, height: u16) -> Option<Tmux> {
        Tmux::start_with(lab, width, height, &[])
    }

    /// As [`Tmux::start`], with more environment for the program (`EDITOR`).
    pub fn start_with(lab: &TestLab, width: u16, height: u16, extra: &[(&str, String)]) -> Option<Tmux> {
        Tmux::launch(lab, width, height, extra, None)
    }

    /// As [`Tmux::start`], with what the program prints on stderr (after the screen is
    /// gone) kept in a file instead of on the terminal.
    pub fn start_with_stderr(lab: &TestLab, width: u16, height: u16, stderr: &Path) -> Option<Tmux> {
        Tmux::launch(lab, width, height, &[], Some(stderr))
    }

    fn launch(
        lab: &TestLab,
        width: u16,
        height: u16,
        extra: &[(&str, String)],
        stderr: Option<&Path>,
    ) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(!std::env::var("CI").is_ok_and(|v| v == "true"), "CI=true and no tmux");
            eprintln!("skipped: tmux is not installed");
            return None;
        }
        let status_file = lab.dir.path().join("exit-status");
        let tmux = Tmux { socket: format!("sqlcourse-{}", lab.name), status_file };
        let mut env = vec![
            ("SQLCOURSE_LAB_NAME", lab.name.clone()),
            ("SQLCOURSE_HOME", lab.dir.path().join("home").display().to_string()),
            ("XDG_DATA_HOME", lab.data_home().display().to_string()),
            ("TERM", "xterm-256color".to_owned()),
        ];
        env.extend(extra.iter().cloned());
        let mut args: Vec<String> = ["new-session", "-d", "-s", "lesson", "-x"]
            .into_iter()
            .map(str::to_owned)
            .chain([width.to_string(), "-y".to_owned(), height.to_string()])
            .collect();
        for (key, value) in env {
            args.extend(["-e".to_owned(), format!("{key}={value}")]);
        }
        // The test's own wrapper records the exit status; the program gets no shell input.
        let script = match stderr {
            Some(_) => r#""$0" day20 2>"$2"; echo $? > "$1""#,
            None => r#""$0" day20; echo $? > "$1""#,
        };
        args.extend([
            "sh".to_owned(),
            "-c".to_owned(),
            script.to_owned(),
            env!("CARGO_BIN_EXE_sqlcourse").to_owned(),
            tmux.status_file.display().to_string(),
        ]);
        args.extend(stderr.map(|f| f.display().to_string()));
        tmux.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        // OSC 52 from the program lands in a tmux buffer, where the test reads the clipboard.
        tmux.run(&["set-option", "-g", "set-clipboard", "on"]);
        Some(tmux)
    }

    pub fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs");
        assert!(out.status.success(), "tmux {args:?}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "lesson"])
    }

    /// Waits (at most [`SCREEN_WAIT`]) until the screen shows `words`.
    pub fn until_shown(&self, words: &str) -> String {
        self.until(words, SCREEN_WAIT)
    }

    /// Waits until the screen shows `words`, at most `limit`.
    pub fn until(&self, words: &str, limit: Duration) -> String {
        self.until_with(|screen| screen.contains(words), words, limit)
    }

    /// Waits until the screen passes `test`, at most `limit`; `what` names it on failure.
    pub fn until_with(&self, test: impl Fn(&str) -> bool, what: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let screen = self.screen();
            if test(&screen) {
                return screen;
            }
            assert!(Instant::now() < deadline, "{what:?} never shown; screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends keys by tmux's names (`Tab`, `C-t`, `M-Enter`, `n`).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "lesson"];
        args.extend(keys);
        self.run(&args);
    }

    /// Types text as it is, character by character.
    pub fn type_text(&self, text: &str) {
        // tmux reads a `;` ending an argument as the end of its command, unless escaped.
        let text = match text.strip_suffix(';') {
            Some(head) => format!("{head}\\;"),
            None => text.to_owned(),
        };
        self.run(&["send-keys", "-t", "lesson", "-l", "--", &text]);
    }

    /// Opens the console (`c`) on `server`, switching with Ctrl-T when it is on the other one.
    /// The pane's title decides, not the input line: a frame read half drawn can show a line
    /// of the transcript as the last prompt, and one switch too many goes back.
    pub fn open_console(&self, server: &str) {
        self.keys(&["c"]);
        let title = format!("SQL console · {server} ");
        let screen = self.until_with(|s| s.contains("SQL console · "), "the console", Duration::from_secs(10));
        if !screen.contains(&title) {
            self.keys(&["C-t"]);
        }
        let prompt = format!("{server}>");
        self.until_with(|s| s.contains(&title) && input_line(s) == prompt, &prompt, Duration::from_secs(10));
    }

    /// Pastes text as a terminal does (bracketed, so the program sees one paste).
    pub fn paste(&self, text: &str) {
        self.load_buffer(text);
        self.run(&["paste-buffer", "-p", "-d", "-b", "test-paste", "-t", "lesson"]);
    }

    /// Pastes text without brackets, as typed input (for a program that reads plain keys).
    pub fn paste_plain(&self, text: &str) {
        self.load_buffer(text);
        self.run(&["paste-buffer", "-d", "-b", "test-paste", "-t", "lesson"]);
    }

    fn load_buffer(&self, text: &str) {
        use std::io::Write;
        let mut child = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null", "load-buffer", "-b", "test-paste", "-"])
            .stdin(Stdio::piped())
            .spawn()
            .expect("tmux runs");
        child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("writes");
        assert!(child.wait().expect("tmux ends").success(), "load-buffer failed");
    }

    /// The newest buffer tmux holds (what the program last copied with OSC 52), if any.
    pub fn clipboard(&self) -> Option<String> {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null", "show-buffer"])
            .output()
            .ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    pub fn resize(&self, width: u16, height: u16) {
        self.run(&[
            "resize-window",
            "-t",
            "lesson",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]);
    }

    /// The program's exit status once it ended (10 s at most).
    pub fn exit_status(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(status) = std::fs::read_to_string(&self.status_file)
                && !status.trim().is_empty()
            {
                return status.trim().to_owned();
            }
            assert!(Instant::now() < deadline, "still running:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).output();
    }
}

/// The console's input line (the last line with a prompt), within the console pane's border.
pub fn input_line(screen: &str) -> String {
    let line = screen.lines().rev().find(|l| l.contains("master>") || l.contains("slave>")).unwrap_or("");
    let start = line.find("master>").or_else(|| line.find("slave>")).unwrap_or(0);
    let rest = &line[start..];
    rest[..rest.find('┃').unwrap_or(rest.len())].trim_end().to_owned()
}

/// The footer: the selected server and the key reminders, and the notice after them or on
/// the lines above (where the panes' bottom border is otherwise), its lines joined into one.
pub fn footer(screen: &str) -> String {
    let mut lines = screen.lines().rev().skip_while(|l| l.trim().is_empty());
    let keys = lines.next().unwrap_or("");
    let mut notice: Vec<&str> =
        lines.take_while(|l| !l.trim_start().starts_with(['╰', '┗', '└'])).map(str::trim).collect();
    if notice.is_empty() {
        return keys.to_owned();
    }
    notice.reverse();
    format!("{}\n{keys}", notice.join(" "))
}

/// The text of the pane whose title is `title` (`Steps and tasks`), its wrapped lines joined
/// into one line of words: what the learner reads there, whatever the pane's width.
pub fn pane_text(screen: &str, title: &str) -> String {
    let lines: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let Some((top, left)) = lines.iter().enumerate().find_map(|(i, l)| {
        let text: String = l.iter().collect();
        let at = text.find(title)?;
        Some((i, text[..at].chars().count().checked_sub(2)?))
    }) else {
        return String::new();
    };
    let mut words = Vec::new();
    for line in &lines[top + 1..] {
        if matches!(line.get(left), Some('╰' | '┗') | None) {
            break;
        }
        let inner: String =
            line.iter().skip(left + 1).take_while(|c| !matches!(c, '│' | '┃')).collect();
        words.extend(inner.split_whitespace().map(str::to_owned));
    }
    words.join(" ")
}
