//! Runs the learner's application from its workspace folder and passes on what it prints,
//! line by line as it comes, then how it ended; how the last run ended is kept in the
//! workspace ([`RunRecord`]) for grading, whoever ran it (key `a`, `solve`).

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::course::spec::AppSpec;
use crate::learner::venv::Venv;

/// Which output a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// What a running application reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppEvent {
    /// A line it printed, without the line ending.
    Line { stream: Stream, text: String },
    /// It ended, after its last line: the exit code, `None` when a signal stopped it.
    Exited { code: Option<i32> },
}

/// How many of a run's last error lines are kept: a Python traceback's last line and the
/// shipped app's `Error NNNN: …` line are among them.
const KEPT_LINES: usize = 30;

/// How the application's last run ended, as the workspace keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// When it started and ended, in seconds since the Unix epoch.
    pub started_at: f64,
    pub ended_at: f64,
    /// Its exit code; `None` when a signal stopped it or it could not start.
    pub code: Option<i32>,
    /// Its last lines on stderr (tracebacks, error messages), oldest first.
    pub stderr: Vec<String>,
}

impl RunRecord {
    /// Whether the run failed.
    pub fn failed(&self) -> bool {
        self.code != Some(0)
    }

    /// The record kept in `file`, when there is a readable one.
    pub fn load(file: &Path) -> Option<RunRecord> {
        serde_json::from_str(&std::fs::read_to_string(file).ok()?).ok()
    }

    /// Keeps the record in `file`; a record that cannot be written leaves the grading to the
    /// servers' logs alone, so the reason goes to the run's own output instead.
    fn save(&self, file: &Path) -> Result<(), String> {
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        std::fs::write(file, text).map_err(|e| format!("cannot write {}: {e}", file.display()))
    }
}

/// Collects a run's error lines and keeps its record when it ends.
struct Recorder {
    file: PathBuf,
    started_at: f64,
    stderr: Mutex<VecDeque<String>>,
}

impl Recorder {
    fn new(file: PathBuf) -> Self {
        Recorder {
            file,
            started_at: unix_now(),
            stderr: Mutex::new(VecDeque::new()),
        }
    }

    /// Takes in an event; at the exit, writes the record and says so when that failed.
    fn note(&self, event: &AppEvent) -> Option<String> {
        let mut stderr = self
            .stderr
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match event {
            AppEvent::Line {
                stream: Stream::Stderr,
                text,
            } => {
                if stderr.len() == KEPT_LINES {
                    stderr.pop_front();
                }
                stderr.push_back(text.clone());
                None
            }
            AppEvent::Line { .. } => None,
            AppEvent::Exited { code } => {
                let record = RunRecord {
                    started_at: self.started_at,
                    ended_at: unix_now(),
                    code: *code,
                    stderr: stderr.iter().cloned().collect(),
                };
                record.save(&self.file).err()
            }
        }
    }
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Starts the application (`[app] run`, from `dir`, never through a shell) and returns at
/// once. With a virtual environment, it is prepared first (its progress comes as lines on
/// stderr) and `python3` is the environment's. `on_event` is called from background threads
/// with every line, then once with the exit; how the run ended is written to `record` first,
/// when given. The error, when it cannot start, says what to install or restore (and is
/// recorded as a failed run).
pub fn start(
    dir: &Path,
    app: &AppSpec,
    venv: Option<&Venv>,
    record: Option<PathBuf>,
    on_event: impl Fn(AppEvent) + Send + Sync + 'static,
) -> anyhow::Result<()> {
    let recorder = record.map(|file| Arc::new(Recorder::new(file)));
    let on_event = {
        let recorder = recorder.clone();
        Arc::new(move |event: AppEvent| {
            if let Some(unsaved) = recorder.as_ref().and_then(|r| r.note(&event)) {
                on_event(AppEvent::Line {
                    stream: Stream::Stderr,
                    text: unsaved,
                });
            }
            on_event(event);
        })
    };
    let started = check_and_spawn(dir, app, venv, Arc::clone(&on_event));
    if let (Err(e), Some(recorder)) = (&started, &recorder) {
        recorder.note(&AppEvent::Line {
            stream: Stream::Stderr,
            text: format!("{e:#}"),
        });
        recorder.note(&AppEvent::Exited { code: None });
    }
    started
}

/// Prepares the environment when needed and spawns the run.
fn check_and_spawn(
    dir: &Path,
    app: &AppSpec,
    venv: Option<&Venv>,
    on_event: Arc<impl Fn(AppEvent) + Send + Sync + 'static>,
) -> anyhow::Result<()> {
    anyhow::ensure!(!app.run.is_empty(), "the lab's [app] run is empty");
    anyhow::ensure!(
        dir.is_dir(),
        "the application's folder {} is missing; `reset` restores the starting files",
        dir.display()
    );
    let Some(venv) = venv.filter(|v| !v.is_ready()) else {
        return spawn(dir, app, venv, on_event);
    };
    let (dir, app, venv) = (dir.to_owned(), app.clone(), venv.clone());
    std::thread::spawn(move || {
        let say = |text: String| on_event(AppEvent::Line { stream: Stream::Stderr, text });
        let started = venv.prepare(&say).and_then(|()| spawn(&dir, &app, Some(&venv), Arc::clone(&on_event)));
        if let Err(e) = started {
            say(format!("{e:#}"));
            on_event(AppEvent::Exited { code: None });
        }
    });
    Ok(())
}

/// Runs the application and forwards its output; returns once it started.
fn spawn(
    dir: &Path,
    app: &AppSpec,
    venv: Option<&Venv>,
    on_event: Arc<impl Fn(AppEvent) + Send + Sync + 'static>,
) -> anyhow::Result<()> {
    let (program, args) = app.run.split_first().context("the lab's [app] run is empty")?;
    let program = match venv {
        Some(venv) if matches!(program.as_str(), "python3" | "python") => venv.python(),
        _ => program.into(),
    };
    let mut child = Command::new(&program)
        .args(args)
        .current_dir(dir)
        .envs(&app.env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => anyhow::anyhow!(
                "cannot run the application: `{}` is not installed (or not on PATH). {}",
                program.display(),
                app.install_hint.as_deref().unwrap_or("Install it, then try again.")
            ),
            _ => anyhow::Error::new(e).context(format!("cannot run `{}`", app.run.join(" "))),
        })?;
    let readers = [
        child.stdout.take().map(|out| forward(out, Stream::Stdout, Arc::clone(&on_event))),
        child.stderr.take().map(|err| forward(err, Stream::Stderr, Arc::clone(&on_event))),
    ];
    std::thread::spawn(move || {
        // Every line is passed on before the exit is.
        for reader in readers.into_iter().flatten() {
            let _ = reader.join();
        }
        let code = child.wait().ok().and_then(|status| status.code());
        on_event(AppEvent::Exited { code });
    });
    Ok(())
}

/// Passes each line of one output on, as bytes arrive; bytes that are not UTF-8 are replaced.
fn forward(
    output: impl Read + Send + 'static,
    stream: Stream,
    on_event: Arc<impl Fn(AppEvent) + Send + Sync + 'static>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut output = BufReader::new(output);
        let mut line = Vec::new();
        while output.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
            let text = String::from_utf8_lossy(&line).trim_end_matches(['\n', '\r']).to_owned();
            on_event(AppEvent::Line { stream, text });
            line.clear();
        }
    })
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;

    fn app(run: &[&str]) -> AppSpec {
        AppSpec {
            dir: "app".into(),
            run: run.iter().map(|s| s.to_string()).collect(),
            account: "app".into(),
            database: None,
            requirements: None,
            venv: None,
            env: [("GREETING".to_owned(), "hello".to_owned())].into(),
            install_hint: Some("Install it with `apt install thing`.".into()),
        }
    }

    fn collect(dir: &Path, spec: &AppSpec) -> Vec<AppEvent> {
        let (tx, rx) = mpsc::channel();
        start(dir, spec, None, None, move |e| {
            let _ = tx.send(e);
        })
        .expect("starts");
        let mut events = Vec::new();
        loop {
            let event = rx.recv_timeout(Duration::from_secs(20)).expect("the run reports in time");
            let done = matches!(event, AppEvent::Exited { .. });
            events.push(event);
            if done {
                return events;
            }
        }
    }

    #[test]
    fn lines_from_both_outputs_then_the_exit_code() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("marker"), "in the app folder\n").expect("write");
        // No shell is involved in running the app; the test uses one as the app itself.
        let spec =
            app(&["sh", "-c", "cat marker; echo \"$GREETING\" >&2; printf 'no newline'; exit 3"]);
        let events = collect(dir.path(), &spec);
        let line = |stream, text: &str| AppEvent::Line { stream, text: text.to_owned() };
        assert!(events.contains(&line(Stream::Stdout, "in the app folder")), "{events:?}");
        assert!(events.contains(&line(Stream::Stderr, "hello")), "{events:?}");
        assert!(events.contains(&line(Stream::Stdout, "no newline")), "{events:?}");
        assert_eq!(events.last(), Some(&AppEvent::Exited { code: Some(3) }));
        assert_eq!(events.len(), 4);
    }

    #[test]
    fn arguments_are_not_interpreted_by_a_shell() {
        let dir = tempfile::tempdir().expect("temp dir");
        let events = collect(dir.path(), &app(&["echo", "$HOME; exit 1"]));
        assert_eq!(
            events,
            [
                AppEvent::Line { stream: Stream::Stdout, text: "$HOME; exit 1".into() },
                AppEvent::Exited { code: Some(0) },
            ]
        );
    }

    #[test]
    fn a_missing_program_names_itself_and_the_install_hint() {
        let dir = tempfile::tempdir().expect("temp dir");
        let err = start(dir.path(), &app(&["sqlcourse-no-such-python", "app.py"]), None, None, |_| {})
            .expect_err("cannot start");
        assert_eq!(
            err.to_string(),
            "cannot run the application: `sqlcourse-no-such-python` is not installed (or not on \
             PATH). Install it with `apt install thing`."
        );
    }

    #[test]
    fn the_shipped_app_names_the_install_command_when_its_packages_are_missing() {
        let day = crate::course::content::Content::Embedded.day("day20").expect("day 20 loads");
        let dir = tempfile::tempdir().expect("temp dir");
        let workspace = crate::learner::workspace::Workspace { root: dir.path().to_owned() };
        workspace.install(&day, false).expect("installs");
        let mut spec = day.spec.app.clone().expect("day 20 has an app");
        // `-S` leaves out site-packages, where SQLAlchemy and PyMySQL live.
        spec.run = vec!["python3".into(), "-S".into(), "app.py".into()];
        let events = collect(&workspace.app_dir(&day).expect("app dir"), &spec);
        let printed: Vec<&str> = events
            .iter()
            .filter_map(|e| match e {
                AppEvent::Line { stream: Stream::Stderr, text } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert!(printed.contains(&"    . .venv/bin/activate"), "{printed:?}");
        assert_eq!(events.last(), Some(&AppEvent::Exited { code: Some(2) }), "{events:?}");
    }

    #[test]
    fn how_a_run_ended_is_kept_before_its_exit_is_passed_on() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("last-run.json");
        let (tx, rx) = mpsc::channel();
        let spec = app(&["sh", "-c", "echo fine; echo 'ValueError: boom' >&2; exit 3"]);
        let seen = file.clone();
        start(dir.path(), &spec, None, Some(file.clone()), move |e| {
            // The record is there by the time the exit arrives, for the grading it sets off.
            let record = matches!(e, AppEvent::Exited { .. }).then(|| RunRecord::load(&seen));
            let _ = tx.send((e, record));
        })
        .expect("starts");
        let record = loop {
            match rx
                .recv_timeout(Duration::from_secs(20))
                .expect("the run reports in time")
            {
                (AppEvent::Exited { .. }, record) => break record.flatten().expect("a record"),
                _ => continue,
            }
        };
        assert_eq!(record.code, Some(3));
        assert!(record.failed());
        assert_eq!(record.stderr, ["ValueError: boom"]);
        assert!(
            record.started_at <= record.ended_at && record.started_at > 1.0e9,
            "{record:?}"
        );
    }

    #[test]
    fn a_run_that_cannot_start_is_kept_as_failed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("last-run.json");
        let spec = app(&["sqlcourse-no-such-python", "app.py"]);
        start(dir.path(), &spec, None, Some(file.clone()), |_| {}).expect_err("cannot start");
        let record = RunRecord::load(&file).expect("a record");
        assert_eq!(record.code, None);
        assert!(
            record.stderr[0].starts_with("cannot run the application"),
            "{record:?}"
        );
    }

    #[test]
    fn a_missing_folder_is_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let gone = dir.path().join("app");
        let err = start(&gone, &app(&["true"]), None, None, |_| {}).expect_err("cannot start");
        assert!(err.to_string().contains(&gone.display().to_string()), "{err}");
    }
}
