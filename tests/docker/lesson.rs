//! The lesson as a test: every code block of the lesson runs as written, in lesson order, on a
//! real lab, through the path a learner takes in the lesson screen, as each block's
//! annotation says (see `course::lesson`):
//!
//! - `file=SERVER`: its lines go into that server's config file under `[mysqld]`, then `r`
//!   restarts the server the step selected;
//! - `on=SERVER`: pasted into the console (`c`, `Ctrl-T` to the server), run with Enter; a
//!   `<Name>` in it is the value of column `Name` the learner read from an earlier result on
//!   screen (File and Position);
//! - `run=shell`: run with `sh` as written, `sqlcourse` being the course's own binary;
//! - `run=app`: its assignments replace the same ones in the application's file, then `a`
//!   runs the application;
//! - `norun`: skipped.
//!
//! Before each step none of its tasks is done; after its blocks all of them are (and every
//! earlier step's). A block that cannot run fails with its `file:line`. Nothing here knows
//! day 20's steps: new steps and blocks run as their annotations say.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use sqlcourse::course::content::{Content, Day};
use sqlcourse::course::lesson::{CodeBlock, Engine, Purpose};
use sqlcourse::course::template;
use sqlcourse::learner::workspace::{Workspace, assigned_names};

use crate::common::tmux::{SCREEN_WAIT, Tmux, footer, input_line};
use crate::common::{TestLab, check, text};

const SLOW: Duration = Duration::from_secs(120);

/// The lesson screen on a lab, and what the learner has read from it so far.
struct Learner<'a> {
    lab: &'a TestLab,
    day: &'a Day,
    tmux: Tmux,
    engine: Engine,
    /// Values read from results on screen, by column name (`File`, `Position`).
    read: HashMap<String, String>,
}

impl Learner<'_> {
    /// The lesson's `{{…}}` placeholders as the running lab fills them.
    fn placeholder(&self, name: &str) -> Option<String> {
        let workspace = self.lab.workspace();
        match name.split_once('.') {
            None if name == "workspace" => Some(workspace.display().to_string()),
            None if name == "engine" => Some(self.engine.name().to_owned()),
            Some(("app", "dir")) => Some(workspace.join(&self.day.spec.app.as_ref()?.dir).display().to_string()),
            Some((server, "port")) => self.lab.server(server)["port"].as_u64().map(|p| p.to_string()),
            Some((server, "config")) => Some(self.lab.config_file(server).display().to_string()),
            _ => None,
        }
    }

    /// The block's text with the lab's placeholders and the values read from the screen.
    fn filled(&self, block: &CodeBlock, at: &str) -> String {
        let text = template::fill(&block.text, |name| self.placeholder(name));
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(open) = rest.find('<') {
            let Some(close) = rest[open..].find('>').map(|c| open + c) else { break };
            let name = &rest[open + 1..close];
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                out.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
                continue;
            }
            let value = self.read.get(name).unwrap_or_else(|| {
                panic!("{at}: the block asks for <{name}>, which no earlier result on screen showed")
            });
            out.push_str(&rest[..open]);
            out.push_str(value);
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        out
    }

    fn go_to_step(&self, index: usize) {
        let count = self.day.lesson.steps.len();
        let title = format!("Step {}/{count}:", index + 1);
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.tmux.screen().contains(&title) {
            assert!(Instant::now() < deadline, "cannot reach {title}:\n{}", self.tmux.screen());
            self.tmux.keys(&["n"]);
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    fn run_block(&mut self, block: &CodeBlock, at: &str) {
        match &block.purpose {
            None => panic!("{at}: the code block does not say what it is for (on=, file=, run=shell, run=app or norun)"),
            Some(Purpose::NoRun) => {}
            Some(Purpose::Config { server }) => self.config(server, block, at),
            Some(Purpose::Sql { server }) => self.sql(server, &self.filled(block, at), at),
            Some(Purpose::Shell) => self.shell(&self.filled(block, at), at),
            Some(Purpose::App) => self.app(&self.filled(block, at), at),
        }
    }

    /// Puts the block's settings under `[mysqld]` in the server's file, as the learner's
    /// editor would, then restarts the server with `r` from the lesson.
    fn config(&self, server: &str, block: &CodeBlock, at: &str) {
        let path = self.lab.config_file(server);
        let mut text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{at}: {e}"));
        let settings: Vec<&str> =
            block.text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('[')).collect();
        let key = |line: &str| line.split('=').next().unwrap_or("").trim().replace('_', "-");
        // The learner keeps one line per setting: an old one with the same name goes.
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| !settings.iter().any(|s| !l.trim_start().starts_with('#') && key(l) == key(s)))
            .collect();
        let header = kept.iter().position(|l| l.trim() == "[mysqld]");
        let mut lines: Vec<String> = kept.iter().map(|l| (*l).to_owned()).collect();
        let at_line = match header {
            Some(h) => h + 1,
            None => {
                lines.push("[mysqld]".to_owned());
                lines.len()
            }
        };
        for (n, setting) in settings.iter().enumerate() {
            lines.insert(at_line + n, (*setting).to_owned());
        }
        text = lines.join("\n") + "\n";
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{at}: {e}"));
        // The selection follows the lab: after a crash, once the lab pane shows it.
        let selected = format!("▸ {server}");
        let what = format!("{at}: the step about the {server}'s file selecting the {server}");
        self.tmux.until_with(|s| footer(s).contains(&selected), &what, Duration::from_secs(10));
        self.tmux.keys(&["r"]);
        let done = format!("The {server} restarted with its config file.");
        let screen = self.tmux.until_with(
            // A failed restart says so in the footer (a server crashed on purpose reads
            // "stopped" in the lab pane).
            |s| s.contains(&done) || footer(s).contains("failed"),
            &done,
            SLOW,
        );
        assert!(screen.contains(&done), "{at}: the {server} did not restart:\n{screen}");
    }

    /// Pastes SQL into the console on `server`, runs it, and reads the result's columns.
    fn sql(&mut self, server: &str, sql: &str, at: &str) {
        self.tmux.open_console(server);
        let prompt = format!("{server}>");
        let errors = self.tmux.screen().matches("ERROR ").count();
        self.tmux.paste(sql.trim_end());
        self.tmux.keys(&["Enter"]);
        let screen = self.tmux.until_with(
            |s| input_line(s) == prompt && !s.contains("running on the"),
            "the statements' results",
            Duration::from_secs(60),
        );
        assert!(
            screen.matches("ERROR ").count() <= errors,
            "{at}: the block fails on the {server}:\n{sql}\n{screen}"
        );
        self.read.extend(result_values(&screen));
        self.tmux.keys(&["Escape"]);
        self.tmux.until_with(|s| !s.contains(&format!("{prompt} ")), "the console closed", SCREEN_WAIT);
    }

    /// Runs a shell block as written, with this lab's environment and the course's binary.
    fn shell(&self, script: &str, at: &str) {
        let bin = PathBuf::from(env!("CARGO_BIN_EXE_sqlcourse"));
        let path = format!(
            "{}:{}",
            bin.parent().expect("the binary's folder").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let out = Command::new("sh")
            .args(["-e", "-c", script])
            .current_dir(self.lab.dir.path())
            .env("PATH", path)
            .env("SQLCOURSE_LAB_NAME", &self.lab.name)
            .env("SQLCOURSE_HOME", self.lab.dir.path().join("home"))
            .env("XDG_DATA_HOME", self.lab.data_home())
            .output()
            .expect("sh runs");
        assert!(out.status.success(), "{at}: the shell block fails:\n{script}\n{}", text(&out));
    }

    /// Changes the application's file as the block says, then runs the application with `a`.
    fn app(&self, python: &str, at: &str) {
        let workspace = Workspace { root: self.lab.workspace() };
        let file = workspace
            .app_file_assigning(self.day, python)
            .unwrap_or_else(|| panic!("{at}: no file of the application assigns what the block assigns"));
        let old = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{at}: {e}"));
        let names = assigned_names(python);
        let mut lines: Vec<String> = Vec::new();
        for line in old.lines() {
            let assigns = assigned_names(line).first().copied();
            match assigns.filter(|n| names.contains(n)) {
                Some(name) => lines.extend(
                    python.lines().filter(|l| assigned_names(l).first() == Some(&name)).map(str::to_owned),
                ),
                None => lines.push(line.to_owned()),
            }
        }
        std::fs::write(&file, lines.join("\n") + "\n").unwrap_or_else(|e| panic!("{at}: {e}"));
        // A run of its own, distinct from any before it.
        std::thread::sleep(Duration::from_secs(2));
        self.tmux.keys(&["a"]);
        let screen = self.tmux.until_with(|s| s.contains("the application exited with code"), "the application's end", SLOW);
        assert!(
            screen.contains("the application exited with code 0"),
            "{at}: the application fails after the block:\n{python}\n{screen}"
        );
        self.tmux.keys(&["Escape"]);
    }
}



/// The columns of the first row of each result table on screen, as the learner reads them.
fn result_values(screen: &str) -> HashMap<String, String> {
    let cells = |line: &str| -> Option<Vec<String>> {
        let (first, last) = (line.find('|')?, line.rfind('|')?);
        (last > first).then(|| line[first + 1..last].split('|').map(|c| c.trim().to_owned()).collect())
    };
    let mut values = HashMap::new();
    let lines: Vec<&str> = screen.lines().collect();
    for (n, line) in lines.iter().enumerate() {
        // A header sits between two `+---` borders, its first row right after the second.
        let bordered = |i: usize| lines.get(i).is_some_and(|l| l.contains("+-"));
        if n > 0
            && bordered(n - 1)
            && bordered(n + 1)
            && let (Some(header), Some(row)) = (cells(line), lines.get(n + 2).and_then(|l| cells(l)))
            && header.len() == row.len()
        {
            values.extend(header.into_iter().zip(row));
        }
    }
    values
}

/// The tasks done now, by `check --json`.
fn done_tasks(lab: &TestLab) -> Vec<String> {
    let (_, tasks) = check(lab);
    tasks.iter().filter(|t| t["status"] == "done").filter_map(|t| t["id"].as_str().map(str::to_owned)).collect()
}

#[test]
fn the_lesson_runs_as_written_through_the_screen() {
    let Some(lab) = TestLab::new("lesson") else { return };
    lab.ok(&["up"]);
    let day = Content::Embedded.day("day20").expect("the lesson loads");
    let engine = if lab.env.iter().any(|(k, v)| k == "SQLCOURSE_ENGINE" && v == "mysql") {
        Engine::MySql
    } else {
        Engine::MariaDb
    };
    let Some(tmux) = Tmux::start(&lab, 200, 60) else { return };
    tmux.until_with(|s| s.contains("master  ● ready") && s.contains("slave   ● ready"), "both ready", SLOW);
    let mut learner = Learner { lab: &lab, day: &day, tmux, engine, read: HashMap::new() };
    let file = format!("lessons/{}", day.spec.lesson);
    let mut taught: Vec<String> = Vec::new();
    for (index, step) in day.lesson.steps.iter().enumerate() {
        learner.go_to_step(index);
        let early: Vec<String> =
            done_tasks(&lab).into_iter().filter(|t| !taught.contains(t)).collect();
        assert!(
            early.is_empty(),
            "{file}:{}: before step `{}`, tasks of later steps are already done: {early:?}",
            step.line,
            step.title
        );
        for block in step.blocks.iter().filter(|b| b.engine.is_none_or(|e| e == engine)) {
            let at = format!("{file}:{}", block.line);
            learner.run_block(block, &at);
        }
        taught.extend(step.tasks.iter().cloned());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let done = done_tasks(&lab);
            let missing: Vec<&String> = taught.iter().filter(|t| !done.contains(t)).collect();
            if missing.is_empty() {
                break;
            }
            let (_, tasks) = check(&lab);
            assert!(
                Instant::now() < deadline,
                "{file}:{}: after step `{}` as written, {missing:?} not done:\n{tasks:#?}\n{}",
                step.line,
                step.title,
                learner.tmux.screen()
            );
            std::thread::sleep(Duration::from_millis(500));
        }
    }
    assert_eq!(taught.len(), day.spec.tasks.len(), "every task is taught by a step");
    assert!(learner.read.contains_key("File") && learner.read.contains_key("Position"), "{:?}", learner.read);
    learner.tmux.keys(&["q"]);
}
