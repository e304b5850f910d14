//! The lesson screen's SQL console against a real MariaDB server: keys go in through the app,
//! statements run on the console's worker, and the assertions read the screen as drawn.


use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use crate::common::server::Server;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use sqlcourse::course::content::{Content, Day};
use sqlcourse::lab::{ContainerState, ServerInfo};
use sqlcourse::tui::workers::lab::LabHandle;
use sqlcourse::tui::action::Action;
use sqlcourse::tui::state::App;
use sqlcourse::tui::draw::draw;
use sqlcourse::tui::term::headless::Headless;
use sqlcourse::tui::perform::Performer;
use sqlcourse::tui::draw::theme::Theme;
use sqlcourse::learner::workspace::Workspace;

fn fixture_day() -> Day {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content");
    Content::Dir(dir).day("day20").expect("the fixture lesson loads")
}

/// The lesson screen wired to a real server, without a terminal.
struct Screen<'a> {
    app: App<'a>,
    host: Headless,
    performer: Performer,
    results: Receiver<Action>,
}

impl<'a> Screen<'a> {
    fn new(day: &'a Day, workspace: &'a Workspace, server: &Server) -> Self {
        let (sender, results) = mpsc::channel();
        let master = ServerInfo {
            name: "master".to_owned(),
            container: format!("sqlcourse-{}-master", server.lab),
            state: ContainerState::Running,
            port: Some(server.endpoint.port),
            ip: None,
            host_name: None,
            endpoint: Some(server.endpoint.clone()),
            engine: Some(sqlcourse::dialect::engine::Engine::MariaDb),
        };
        let (lab, _) = LabHandle::with_servers(&day.spec.slug, vec![master]);
        let performer = Performer::new(day, workspace, sender, lab);
        let app = App::new(day, workspace, Theme { color: false }, Rect::new(0, 0, 100, 40));
        Screen { app, host: Headless::new(100, 40).expect("headless"), performer, results }
    }

    /// Applies an action and carries out what it asks for, as the event loop does; returns
    /// how long that and drawing the screen took.
    fn press(&mut self, action: Action) -> Duration {
        let started = Instant::now();
        self.app.update(action);
        for effect in self.app.take_effects() {
            if let Some(outcome) = self.performer.perform(effect, &mut self.host) {
                self.app.update(outcome);
            }
        }
        self.draw();
        started.elapsed()
    }

    fn key(&mut self, code: KeyCode, modifiers: KeyModifiers) -> Duration {
        self.press(Action::Key(KeyEvent::new(code, modifiers)))
    }

    /// Types an input into the console and presses Enter.
    fn run(&mut self, input: &str) {
        self.press(Action::Paste(input.to_owned()));
        self.key(KeyCode::Enter, KeyModifiers::NONE);
    }

    /// Applies what the workers send until nothing runs in the console.
    fn settle(&mut self) {
        while !self.app.console.running.is_empty() {
            let action =
                self.results.recv_timeout(Duration::from_secs(60)).expect("the worker answers");
            self.press(action);
        }
    }

    fn draw(&mut self) {
        let app = &self.app;
        self.host.terminal.draw(|frame| draw(frame, app)).expect("draws");
    }

    fn text(&self) -> String {
        self.host.text()
    }
}

#[test]
fn statements_typed_in_the_console_show_their_results() {
    let Some(server) = Server::start("hands") else { return };
    let (day, home) = (fixture_day(), tempfile::tempdir().expect("temp dir"));
    let workspace = Workspace { root: home.path().to_owned() };
    let mut screen = Screen::new(&day, &workspace, &server);
    screen.key(KeyCode::Char('c'), KeyModifiers::NONE);
    screen.run(
        "CREATE DATABASE shop; USE shop;\n\
         CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20));\n\
         INSERT INTO items VALUES (1, 'pen'), (2, 'semi;colon');",
    );
    screen.settle();
    assert!(screen.text().contains("Query OK, 2 rows affected ("), "{}", screen.text());
    assert!(screen.text().contains("Records: 2  Duplicates: 0  Warnings: 0"), "{}", screen.text());

    screen.run("SELECT id, name FROM items ORDER BY id;");
    screen.settle();
    let shown = screen.text();
    for line in [
        "master> SELECT id, name FROM items ORDER BY id;",
        "+----+------------+",
        "| id | name       |",
        "|  1 | pen        |",
        "|  2 | semi;colon |",
        "2 rows in set (",
    ] {
        assert!(shown.contains(line), "{line:?} missing from\n{shown}");
    }

    screen.run("SELECT name FROM items WHERE id = 2\\G");
    screen.settle();
    let shown = screen.text();
    assert!(shown.contains("*************************** 1. row ***"), "{shown}");
    assert!(shown.contains("name: semi;colon"), "{shown}");

    screen.run("SELEC 1; SELECT 2;");
    screen.settle();
    let shown = screen.text();
    assert!(shown.contains("ERROR 1064 (42000): You have an error in your SQL syntax"), "{shown}");
    assert!(shown.contains("1 statement not run after the error."), "{shown}");

    // The history brings the last input back.
    screen.key(KeyCode::Up, KeyModifiers::NONE);
    assert_eq!(screen.app.console.prompt.text(), "SELEC 1; SELECT 2;");
}

#[test]
fn ctrl_c_cancels_a_running_statement_and_quits_only_when_idle_and_pressed_twice() {
    let Some(server) = Server::start("hands") else { return };
    let (day, home) = (fixture_day(), tempfile::tempdir().expect("temp dir"));
    let workspace = Workspace { root: home.path().to_owned() };
    let mut screen = Screen::new(&day, &workspace, &server);
    screen.key(KeyCode::Char('c'), KeyModifiers::NONE);
    screen.run("SELECT SLEEP(30); SELECT 'not reached';");
    // Wait for the statement to be on the server, a signal the server gives.
    let mut watcher = server.session();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let run = watcher.run(
            "SELECT COUNT(*) AS n FROM information_schema.processlist \
             WHERE info LIKE 'SELECT SLEEP%'",
        );
        if sqlcourse::sql::run_lines(&run, 80).iter().any(|l| l == "| 1 |") {
            break;
        }
        assert!(Instant::now() < deadline, "the statement never reached the server");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(screen.text().contains("running on the master… Ctrl-C cancels"), "{}", screen.text());
    let cancelled = Instant::now();
    screen.key(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(!screen.app.quit, "Ctrl-C cancels rather than quits while a statement runs");
    screen.settle();
    let took = cancelled.elapsed();
    println!("cancel to result on screen: {took:?}");
    // SLEEP(30) ends by itself after 30 s: well under that is the cancel, on a busy machine too.
    assert!(took < Duration::from_secs(10), "cancel took {took:?}");
    let shown = screen.text();
    assert!(shown.contains("ERROR 1317 (70100): Query execution was interrupted"), "{shown}");
    assert!(shown.contains("1 statement not run after the cancel."), "{shown}");
    // Nothing running, the input empty: the first Ctrl-C asks, the second leaves.
    screen.key(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(!screen.app.quit, "one Ctrl-C on an empty line only asks");
    assert!(screen.text().contains("Ctrl-C again quits sqlcourse"), "{}", screen.text());
    screen.key(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(screen.app.quit, "with nothing running a second Ctrl-C quits");
}

#[test]
fn keys_are_handled_while_a_hundred_thousand_rows_stream() {
    let Some(server) = Server::start("hands") else { return };
    let (day, home) = (fixture_day(), tempfile::tempdir().expect("temp dir"));
    let workspace = Workspace { root: home.path().to_owned() };
    let mut screen = Screen::new(&day, &workspace, &server);
    screen.key(KeyCode::Char('c'), KeyModifiers::NONE);
    // Connect first, so the timing below is the rows' alone.
    screen.run("SELECT 1;");
    screen.settle();

    screen.run("SELECT seq FROM mysql.seq_1_to_100000;");
    let started = Instant::now();
    let mut latencies = Vec::new();
    let result = loop {
        // A key while the worker streams: typed into the input, drawn at once.
        latencies.push(screen.key(KeyCode::Char('x'), KeyModifiers::NONE));
        if let Ok(action) = screen.results.try_recv() {
            break action;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let streamed = started.elapsed();
    let slowest = latencies.iter().max().copied().unwrap_or_default();
    println!(
        "100000 rows streamed in {streamed:?}; {} keys handled meanwhile, slowest {slowest:?}",
        latencies.len()
    );
    assert!(latencies.len() >= 2, "the result came before any key was handled: {streamed:?}");
    assert!(slowest < Duration::from_millis(200), "a key took {slowest:?} while rows streamed");
    assert!(screen.app.console.prompt.text().starts_with("xx"));

    let took = screen.press(result);
    println!("the 10000 kept rows reached the screen in {took:?}");
    let shown = screen.text();
    assert!(shown.contains("| 10000 |"), "a long result shows its end: {shown}");
    assert!(shown.contains("100000 rows in set, first 10000 kept ("), "{shown}");
    let took = screen.key(KeyCode::PageUp, KeyModifiers::NONE);
    println!("PgUp over the result: {took:?}");
    assert!(took < Duration::from_millis(200), "PgUp took {took:?}");
    screen.press(Action::Scroll(sqlcourse::tui::action::Scroll::Top));
    let shown = screen.text();
    assert!(shown.contains("| seq   |") && shown.contains("|     1 |"), "{shown}");
}

#[test]
fn a_statements_warnings_are_shown_as_the_client_shows_them() {
    let Some(server) = Server::start("hands") else { return };
    let (day, home) = (fixture_day(), tempfile::tempdir().expect("temp dir"));
    let workspace = Workspace { root: home.path().to_owned() };
    let mut screen = Screen::new(&day, &workspace, &server);
    screen.key(KeyCode::Char('c'), KeyModifiers::NONE);
    screen.run("CREATE DATABASE IF NOT EXISTS mysql;");
    screen.settle();
    let shown = screen.text();
    assert!(shown.contains(" affected, 1 warning ("), "{shown}");
    assert!(shown.contains("Note (Code 1007): Can't create database 'mysql'; database exists"), "{shown}");
    // A template's placeholders are named, not sent.
    screen.run("SELECT '<File>', <Position>;");
    let notice = screen.app.notice.clone().unwrap_or_default();
    assert!(notice.starts_with("replace <File> and <Position> with your own values first"), "{notice}");
    assert!(screen.text().contains("replace <File> and <Position>"), "{}", screen.text());
    assert!(screen.app.console.running.is_empty(), "nothing was sent");
}
