//! The screen as a learner sees it: snapshots at the sizes that matter, and navigation,
//! driven headless by sending actions.

use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use crate::tui::action::{Action, Scroll};
use crate::tui::state::{App, Pane, Question, Work};
use crate::tui::draw::draw;
use crate::tui::effect::{AfterEdit, Effect};
use crate::tui::term::headless::Headless;
use crate::tui::perform::Performer;
use crate::tui::draw::theme::Theme;
use crate::tui::state::view::{ServerLife, ServerView};
use crate::grade::{TaskState, TaskStatus};
use crate::learner::app_run::{AppEvent, Stream};
use crate::course::content::{Content, Day};
use crate::course::lesson::Engine;
use crate::sql::{Column, Outcome, RowSet, Run, SqlError, Statement, StatementResult};
use crate::learner::workspace::Workspace;

fn fixture_day() -> Day {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content");
    Content::Dir(dir).day("day20").expect("the fixture lesson loads")
}

fn workspace() -> Workspace {
    Workspace { root: PathBuf::from("/home/learner/sqlcourse/day20") }
}

/// A performer for a screen with no lab behind it.
fn performer(day: &Day, workspace: &Workspace, sender: Sender<Action>) -> Performer {
    let (lab, _) = crate::tui::workers::lab::LabHandle::with_servers(&day.spec.slug, Vec::new());
    Performer::new(day, workspace, sender, lab)
}

fn app<'a>(day: &'a Day, workspace: &'a Workspace, width: u16, height: u16) -> App<'a> {
    App::new(day, workspace, Theme { color: true }, Rect::new(0, 0, width, height))
}

/// The screen's text, as a terminal of the app's size shows it.
fn screen(app: &App) -> String {
    let mut terminal =
        Terminal::new(TestBackend::new(app.area.width, app.area.height)).expect("test terminal");
    terminal.draw(|frame| draw(frame, app)).expect("draws");
    terminal.backend().to_string()
}

/// A lab partway through the day: the master up, the slave failed, one task failing.
fn working(app: &mut App) {
    let server = |name: &str, state, port, detail: Option<&str>| ServerView {
        name: name.to_owned(),
        state,
        port: Some(port),
        detail: detail.map(str::to_owned),
        health: None,
    };
    app.update(Action::Lab(vec![
        server("master", ServerLife::Ready, 13306, Some("MariaDB 11.8.3")),
        server(
            "slave",
            ServerLife::Failed("unknown variable 'sever-id=2'".to_owned()),
            13307,
            None,
        ),
    ]));
    let mut tasks = TaskStatus::all_pending(&app.day.spec);
    tasks[0].status = TaskState::Done;
    tasks[1].status = TaskState::Failing;
    tasks[1].reason = Some("the slave runs with server_id 1, like the master".to_owned());
    tasks[1].hint =
        Some("set server-id = 2 under [mysqld] in slave/my.cnf, then restart the slave".to_owned());
    app.update(Action::Tasks(tasks));
}

fn key(code: KeyCode) -> Action {
    Action::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Action {
    Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Types text key by key, a line break as Alt-Enter.
fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        if c == '\n' {
            app.update(Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT)));
        } else {
            app.update(key(KeyCode::Char(c)));
        }
    }
}

fn go_to_step(app: &mut App, title: &str) {
    let index = app.day.lesson.steps.iter().position(|s| s.title == title).expect("step exists");
    while app.step != index {
        app.update(if app.step < index { Action::NextStep } else { Action::PrevStep });
    }
}

#[test]
fn first_screen_at_80x24() {
    let (day, ws) = (fixture_day(), workspace());
    let app = app(&day, &ws, 80, 24);
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn first_screen_at_120x40() {
    let (day, ws) = (fixture_day(), workspace());
    let app = app(&day, &ws, 120, 40);
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn working_screen_at_80x24() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    working(&mut app);
    go_to_step(&mut app, "Configure the slave");
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn working_screen_at_120x40() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 120, 40);
    working(&mut app);
    go_to_step(&mut app, "Point the slave at the master");
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn help_overlay() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    assert!(app.update(Action::Help));
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn too_small_screen() {
    let (day, ws) = (fixture_day(), workspace());
    let app = app(&day, &ws, 40, 10);
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn tiny_terminals_do_not_panic() {
    let (day, ws) = (fixture_day(), workspace());
    for (w, h) in [(1, 1), (5, 2), (59, 30), (200, 17), (60, 18)] {
        let mut app = app(&day, &ws, w, h);
        working(&mut app);
        app.update(Action::Help);
        assert!(!screen(&app).is_empty());
    }
}

#[test]
fn next_and_back_change_the_step() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    assert!(screen(&app).contains("Step 1/7: Introduction"));
    assert!(!app.update(Action::PrevStep), "nothing before the first step");
    assert!(app.update(Action::NextStep));
    let second = screen(&app);
    assert!(second.contains("Step 2/7: How replication works"), "{second}");
    assert!(second.contains("1. The master writes each change"), "{second}");
    app.update(Action::PrevStep);
    assert!(screen(&app).contains("Step 1/7: Introduction"));
    for _ in 0..10 {
        app.update(Action::NextStep);
    }
    assert_eq!(app.step, 6);
    assert!(!app.update(Action::NextStep), "nothing after the last step");
}

#[test]
fn scrolling_moves_the_lesson_and_a_new_step_starts_at_its_top() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 18);
    go_to_step(&mut app, "Point the slave at the master");
    let top = screen(&app);
    assert!(top.contains("Read the master's coordinates:") && !top.contains("Next: 6/7"));
    assert!(!app.update(Action::Scroll(Scroll::LineUp)), "already at the top");
    assert!(app.update(Action::Scroll(Scroll::LineDown)));
    assert_eq!(app.lesson_scroll, 1);
    assert!(!screen(&app).contains("Read the master's coordinates:"));
    app.update(Action::Scroll(Scroll::PageDown));
    let height = app.screen().expect("usable").lesson_text().height;
    assert_eq!(
        app.lesson_scroll,
        1 + usize::from(height) - 1,
        "a page is the pane's height less one line"
    );
    app.update(Action::Scroll(Scroll::Bottom));
    let end = screen(&app);
    assert!(end.contains("Next: 6/7 Send reads to the slave (press n)"), "{end}");
    assert!(end.contains("↑ end"));
    assert!(!app.update(Action::Scroll(Scroll::LineDown)), "already at the end");
    app.update(Action::Scroll(Scroll::Top));
    assert_eq!(screen(&app), top);
    app.update(Action::Scroll(Scroll::PageDown));
    app.update(Action::NextStep);
    assert_eq!(app.lesson_scroll, 0);
}

#[test]
fn tab_visits_every_pane_on_screen() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    working(&mut app);
    app.update(Action::FocusNext);
    assert_eq!(app.focus, Pane::Tasks);
    let before = screen(&app);
    app.update(Action::Scroll(Scroll::LineDown));
    assert_eq!((app.lesson_scroll, app.tasks_scroll), (0, 1));
    assert_ne!(screen(&app), before);
    app.update(Action::FocusNext);
    assert_eq!(app.focus, Pane::Lab);
    app.update(Action::FocusNext);
    assert_eq!(app.focus, Pane::Lesson);
    app.update(Action::FocusPrev);
    assert_eq!(app.focus, Pane::Lab);

    // At 80x24 the console covers the lesson, which Tab then skips.
    app.update(Action::OpenConsole);
    let order: Vec<Pane> = (0..4)
        .map(|_| {
            app.update(Action::FocusNext);
            app.focus
        })
        .collect();
    assert_eq!(order, [Pane::Tasks, Pane::Lab, Pane::Console, Pane::Tasks]);
    // At 120x40 it sits below the lesson.
    app.update(Action::Resize { width: 120, height: 40 });
    app.update(Action::FocusNext);
    app.update(Action::FocusNext);
    assert_eq!(app.focus, Pane::Lesson);
    app.update(Action::FocusNext);
    assert_eq!(app.focus, Pane::Console);
}

#[test]
fn the_wheel_scrolls_the_pane_under_the_pointer() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    go_to_step(&mut app, "Point the slave at the master");
    let screen_of = app.screen().expect("usable");
    let (lesson, tasks, lab) = (screen_of.lesson, screen_of.tasks, screen_of.lab);
    let tasks_before = app.tasks_scroll;
    assert!(app.update(Action::Wheel { column: lesson.x + 5, row: lesson.y + 5, lines: 3 }));
    assert_eq!((app.lesson_scroll, app.tasks_scroll), (3, tasks_before));
    assert!(
        !app.update(Action::Wheel { column: 3, row: 0, lines: 3 }),
        "the header does not scroll"
    );
    assert!(
        !app.update(Action::Wheel { column: lab.x + 2, row: lab.y + 2, lines: 3 }),
        "nor the lab"
    );
    assert!(app.update(Action::Wheel { column: tasks.x + 2, row: tasks.y + 2, lines: -3 }));
    assert_eq!((app.lesson_scroll, app.tasks_scroll), (3, tasks_before - 3));
    assert!(app.update(Action::Wheel { column: lesson.x + 5, row: lesson.y + 5, lines: -3 }));
    assert_eq!(app.lesson_scroll, 0);
    assert_eq!(app.focus, Pane::Lesson, "the wheel does not move the keyboard");
}

#[test]
fn the_tasks_pane_follows_the_step_on_small_screens() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    go_to_step(&mut app, "Send reads to the slave");
    let shown = screen(&app);
    assert!(shown.contains("▸ 6 Send reads to the slave"), "{shown}");
    assert!(shown.contains("○ Send the application's reads"), "{shown}");
}

#[test]
fn the_help_lists_exactly_the_keys_of_the_focused_pane_and_holds_the_panes_still() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 120, 40);
    for (pane, open) in [
        (Pane::Lesson, None),
        (Pane::Tasks, None),
        (Pane::Lab, None),
        (Pane::Console, Some(Action::OpenConsole)),
        (Pane::Output, Some(Action::RunApp)),
    ] {
        if let Some(open) = open {
            app.update(open);
        }
        while app.focus != pane {
            app.update(Action::FocusNext);
        }
        app.update(Action::Help);
        let shown = screen(&app);
        for binding in crate::tui::action::BINDINGS {
            let listed = shown
                .lines()
                .any(|l| l.contains(&format!("┃ {} ", binding.keys)) && l.contains(binding.help));
            assert_eq!(listed, binding.works_in(pane), "{pane:?}: {}\n{shown}", binding.keys);
        }
        app.update(Action::Close);
    }

    let mut app = self::app(&day, &ws, 80, 24);
    app.update(Action::Help);
    assert!(!app.update(Action::NextStep));
    assert!(!app.update(key(KeyCode::Char('n'))), "keys do not reach the lesson");
    assert_eq!(app.step, 0);
    assert!(app.update(Action::Close));
    assert!(!screen(&app).contains("this help"));
    app.update(Action::Help);
    assert!(app.update(key(KeyCode::Char('?'))), "? closes it too");
    assert!(!app.help);
    app.update(Action::OpenConsole);
    app.update(key(KeyCode::F(1)));
    assert!(app.help, "F1 opens it in the console, where ? is typed");
    app.update(key(KeyCode::Esc));
    assert!(!app.help && app.work.is_some(), "Esc closes the help first");
    app.update(key(KeyCode::Char('?')));
    assert_eq!(app.console.prompt.text(), "?");
}

#[test]
fn the_footer_shows_the_keys_that_work() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    let footer = |app: &App| screen(app).lines().last().map(str::to_owned).expect("a last line");
    assert_eq!(
        footer(&app).trim_matches('"').trim_end(),
        " ▸ master  n/b step  c console  e edit  y copy  Tab pane  ? help  q quit",
        "the selected server shows first, from any reading pane"
    );
    app.update(Action::Help);
    assert!(footer(&app).contains("Esc close help  q quit"));
    app.update(Action::Close);
    app.update(Action::Notice("restarted the master".to_owned()));
    assert!(footer(&app).contains("restarted the master"));
    app.update(Action::NextStep);
    assert!(!footer(&app).contains("restarted the master"), "a key press clears the notice");
    app.update(Action::FocusPrev);
    assert_eq!(
        footer(&app).trim_matches('"').trim_end(),
        " ▸ master  ↑↓ server  n/b step  c console  e edit  Tab pane  ? help  q quit"
    );
    app.update(Action::OpenConsole);
    assert_eq!(
        footer(&app).trim_matches('"').trim_end(),
        " Enter run  ^T server  ↑↓ history  Tab pane  Esc close  F1 help"
    );
}

#[test]
fn quit_and_ctrl_c_quit() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    assert!(app.update(Action::Quit));
    assert!(app.quit);
}

#[test]
fn resizing_redraws_for_the_new_size() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 120, 40);
    let wide = app.page().len();
    assert!(app.update(Action::Resize { width: 40, height: 10 }));
    assert!(screen(&app).contains("too small"));
    assert!(app.update(Action::Resize { width: 60, height: 24 }));
    assert!(app.page().len() > wide, "narrower text wraps onto more lines");
    assert!(screen(&app).contains("Step 1/7"));
}

#[test]
fn a_step_is_rendered_once_per_width_and_engine() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    let first = app.page().as_ptr();
    let mariadb_page = format!("{:?}", app.page());
    app.update(Action::Scroll(Scroll::LineDown));
    app.update(Action::FocusNext);
    assert_eq!(app.page().as_ptr(), first, "keys do not re-render");
    app.update(Action::NextStep);
    app.update(Action::PrevStep);
    assert_eq!(app.page().as_ptr(), first, "coming back reuses the rendered step");
    app.update(Action::Engine(Engine::MySql));
    // Compared by content: a new rendering may well reuse the old one's memory.
    assert_ne!(format!("{:?}", app.page()), mariadb_page, "another engine renders again");
}

#[test]
fn the_lesson_shows_the_running_engine_and_ports() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 120, 40);
    assert!(screen(&app).contains("Two MariaDB servers run in Docker"));
    assert!(screen(&app).contains("/home/learner/sqlcourse/day20/master/my.cnf"));
    go_to_step(&mut app, "Point the slave at the master");
    assert!(
        screen(&app).contains("SHOW MASTER STATUS;")
            && !screen(&app).contains("SHOW BINARY LOG STATUS;")
    );
    app.update(Action::Engine(Engine::MySql));
    assert!(
        screen(&app).contains("SHOW BINARY LOG STATUS;")
            && !screen(&app).contains("SHOW MASTER STATUS;")
    );

    go_to_step(&mut app, "Send reads to the slave");
    assert!(screen(&app).contains("127.0.0.1:13306/shop"), "default port before the lab is up");
    let mut servers = ServerView::not_started(&day);
    servers[0].port = Some(23306);
    servers[0].state = ServerLife::Starting;
    app.update(Action::Lab(servers));
    let shown = screen(&app);
    assert!(
        shown.contains("127.0.0.1:23306/shop") && shown.contains("◌ starting  :23306"),
        "{shown}"
    );
}

#[test]
fn the_lab_pane_shows_every_server_state() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 120, 40);
    let shown = screen(&app);
    assert!(
        shown.contains("Lab: not started") && shown.contains("slave   ○ not started  :13307"),
        "{shown}"
    );
    let states = [
        (ServerLife::Starting, "◌ starting"),
        (ServerLife::Ready, "● ready"),
        (ServerLife::Stopped, "○ stopped"),
        (ServerLife::Failed("port 13306 is taken".to_owned()), "✗ failed"),
    ];
    for (state, label) in states {
        let mut servers = ServerView::not_started(&day);
        servers[0].state = state;
        app.update(Action::Lab(servers));
        let shown = screen(&app);
        assert!(shown.contains(&format!("master  {label}  :13306")), "{shown}");
        assert!(!shown.contains("Lab: not started"));
    }
    assert!(screen(&app).contains("port 13306 is taken"));
}

#[test]
fn no_colour_means_no_colour_anywhere() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = App::new(&day, &ws, Theme { color: false }, Rect::new(0, 0, 120, 40));
    working(&mut app);
    go_to_step(&mut app, "Configure the master");
    for help in [false, true] {
        app.help = help;
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
        terminal.draw(|frame| draw(frame, &app)).expect("draws");
        let buffer = terminal.backend().buffer();
        let coloured = buffer.content.iter().filter(|c| {
            c.fg != ratatui::style::Color::Reset || c.bg != ratatui::style::Color::Reset
        });
        assert_eq!(coloured.count(), 0);
        assert!(
            buffer.content.iter().any(|c| !c.modifier.is_empty()),
            "modifiers still mark things"
        );
    }
}

#[test]
fn the_loop_draws_only_when_something_changed_and_stops_on_quit() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    let mut host = Headless::new(80, 24).expect("headless");
    let (results, _unused) = std::sync::mpsc::channel();
    let mut performer = performer(&day, &ws, results);

    let (sender, actions) = std::sync::mpsc::channel();
    sender.send(Action::Scroll(Scroll::LineUp)).expect("sends");
    sender.send(Action::Resize { width: 80, height: 24 }).expect("sends");
    drop(sender);
    let frames = crate::tui::event_loop(&mut host, &mut app, &actions, &mut performer).expect("runs");
    assert_eq!(frames, 0, "nothing changed, nothing drawn");

    let (sender, actions) = std::sync::mpsc::channel();
    let worker = sender.clone();
    std::thread::spawn(move || {
        let mut servers = ServerView::not_started(&fixture_day());
        servers[1].state = ServerLife::Ready;
        worker.send(Action::Lab(servers)).expect("sends");
    })
    .join()
    .expect("worker ran");
    sender.send(Action::NextStep).expect("sends");
    drop(sender);
    let frames = crate::tui::event_loop(&mut host, &mut app, &actions, &mut performer).expect("runs");
    assert_eq!(frames, 1, "both changes in one frame");
    let shown = host.text();
    assert!(shown.contains("Step 2/7") && shown.contains("slave   ● ready"), "{shown}");

    let (sender, actions) = std::sync::mpsc::channel();
    sender.send(Action::Quit).expect("sends");
    sender.send(Action::NextStep).expect("sends");
    let frames = crate::tui::event_loop(&mut host, &mut app, &actions, &mut performer).expect("runs");
    assert_eq!(frames, 0, "quit ends the loop before drawing, while a sender is still alive");
    drop(sender);
}

/// A result as the SQL worker sends it: `SELECT n, name` with `rows` rows, in 1.5 ms.
fn result(rows: usize, vertical: bool) -> Run {
    let columns = vec![
        Column { name: "n".into(), numeric: true },
        Column { name: "name".into(), numeric: false },
    ];
    let mut set = RowSet::new(columns, 10_000);
    for n in 1..=rows {
        set.push(vec![Some(n.to_string()), Some(format!("customer {n}"))]);
    }
    Run {
        outcomes: vec![Outcome {
            statement: Statement { text: "SELECT n, name FROM customers".into(), vertical },
            elapsed: Duration::from_micros(1500),
            result: StatementResult::Rows(set),
        }],
        ..Run::default()
    }
}

/// The console after one query with its result.
fn console_with_result(app: &mut App) {
    working(app);
    app.update(key(KeyCode::Char('c')));
    type_text(app, "SELECT n, name\nFROM customers;");
    app.update(key(KeyCode::Enter));
    app.update(Action::SqlDone { server: "master".into(), result: Ok(result(3, false)) });
    type_text(app, "SHOW SLAVE");
}

#[test]
fn console_with_a_result_at_80x24() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    console_with_result(&mut app);
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn console_with_a_result_at_120x40() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 120, 40);
    go_to_step(&mut app, "Configure the slave");
    console_with_result(&mut app);
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn application_output_pane() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    working(&mut app);
    go_to_step(&mut app, "Send reads to the slave");
    app.update(key(KeyCode::Char('a')));
    let line = |text: &str, stream| Action::App(AppEvent::Line { stream, text: text.into() });
    app.update(line("wrote order 1 to the master", Stream::Stdout));
    app.update(line("read 3 customers from the slave", Stream::Stdout));
    app.update(line("warning: reader pool is empty", Stream::Stderr));
    app.update(Action::App(AppEvent::Exited { code: Some(0) }));
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn typing_in_the_console_runs_complete_input_only() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    app.update(key(KeyCode::Char('c')));
    assert_eq!((app.focus, app.work), (Pane::Console, Some(Work::Console)));
    // Letters that are commands elsewhere are typed here.
    type_text(&mut app, "select 'q', 'c', 'a'");
    app.update(key(KeyCode::Enter));
    assert!(app.take_effects().is_empty(), "no terminator yet: Enter broke the line");
    assert_eq!(app.console.prompt.text(), "select 'q', 'c', 'a'\n");
    assert!(screen(&app).contains("end the statement with ; or \\G, then Enter"));
    app.update(key(KeyCode::Backspace));
    type_text(&mut app, "\\G");
    app.update(key(KeyCode::Enter));
    let input = "select 'q', 'c', 'a'\\G".to_owned();
    assert_eq!(app.take_effects(), [Effect::RunSql { server: "master".into(), input }]);
    assert!(app.console.prompt.is_blank());
    let shown = screen(&app);
    assert!(shown.contains("master> select 'q', 'c', 'a'\\G"), "{shown}");
    assert!(shown.contains("running on the master… Ctrl-C cancels"), "{shown}");

    // Ctrl-C cancels while it runs, and quits once nothing runs.
    app.update(ctrl('c'));
    assert_eq!(app.take_effects(), [Effect::Cancel { server: "master".into() }]);
    assert!(!app.quit);
    assert!(screen(&app).contains("cancelling on the master…"));
    app.update(Action::SqlDone { server: "master".into(), result: Ok(result(2, true)) });
    let shown = screen(&app);
    assert!(shown.contains("*************************** 1. row ***"), "{shown}");
    assert!(shown.contains("name: customer 2"), "{shown}");
    assert!(shown.contains("2 rows in set (0.002 sec)"), "{shown}");
    assert!(!shown.contains("running on"), "{shown}");
    app.update(ctrl('c'));
    assert!(app.quit);
}

#[test]
fn a_pasted_statement_waits_for_enter_and_errors_show_their_code() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    app.update(Action::OpenConsole);
    app.update(Action::Paste("SELEC 1;\nSELECT 2;".into()));
    assert!(app.take_effects().is_empty());
    assert_eq!(app.console.prompt.text(), "SELEC 1;\nSELECT 2;");
    app.update(key(KeyCode::Enter));
    assert_eq!(app.take_effects().len(), 1);
    let error = SqlError {
        code: 1064,
        state: "42000".into(),
        message: "You have an error in your SQL syntax; check the manual that corresponds to your \
                  MariaDB server version for the right syntax to use near 'SELEC 1' at line 1"
            .into(),
    };
    let run = Run {
        outcomes: vec![Outcome {
            statement: Statement { text: "SELEC 1".into(), vertical: false },
            elapsed: Duration::ZERO,
            result: StatementResult::Failed(error),
        }],
        skipped: vec![Statement { text: "SELECT 2".into(), vertical: false }],
        ..Run::default()
    };
    app.update(Action::SqlDone { server: "master".into(), result: Ok(run) });
    let shown = screen(&app);
    assert!(shown.contains("ERROR 1064 (42000): You have an error in your SQL syntax"), "{shown}");
    assert!(shown.contains("near 'SELEC 1' at line 1"), "the whole error wraps into view: {shown}");
    assert!(shown.contains("1 statement not run after the error."), "{shown}");
    app.update(Action::SqlDone {
        server: "master".into(),
        result: Err("cannot reach the master: the lab is not running".into()),
    });
    assert!(screen(&app).contains("cannot reach the master: the lab is not running"));
}

#[test]
fn history_comes_back_with_up_and_down() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    app.update(Action::OpenConsole);
    for input in ["SELECT 1;", "SHOW DATABASES;"] {
        type_text(&mut app, input);
        app.update(key(KeyCode::Enter));
        app.update(Action::SqlDone { server: "master".into(), result: Ok(Run::default()) });
    }
    app.update(key(KeyCode::Up));
    assert_eq!(app.console.prompt.text(), "SHOW DATABASES;");
    app.update(key(KeyCode::Up));
    assert_eq!(app.console.prompt.text(), "SELECT 1;");
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Down));
    assert_eq!(app.console.prompt.text(), "");
    app.update(key(KeyCode::Up));
    app.update(ctrl('u'));
    assert!(app.console.prompt.is_blank(), "Ctrl-U clears the input");
}

#[test]
fn ctrl_t_switches_the_server_and_a_busy_server_keeps_the_input() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 120, 40);
    app.update(Action::OpenConsole);
    type_text(&mut app, "SELECT SLEEP(10);");
    app.update(key(KeyCode::Enter));
    app.take_effects();
    type_text(&mut app, "SELECT 1;");
    app.update(key(KeyCode::Enter));
    assert!(app.take_effects().is_empty());
    assert!(app.notice.as_deref().is_some_and(|n| n.contains("still running")), "{:?}", app.notice);
    app.update(Action::Key(KeyEvent::new(KeyCode::F(2), KeyModifiers::NONE)));
    assert!(screen(&app).contains("SQL console · slave"));
    assert!(screen(&app).contains("slave> SELECT 1;"));
    app.update(key(KeyCode::Enter));
    assert_eq!(
        app.take_effects(),
        [Effect::RunSql { server: "slave".into(), input: "SELECT 1;".into() }]
    );
    app.update(ctrl('t'));
    assert_eq!(app.console.target, "master");
    app.update(ctrl('c'));
    let mut cancels = app.take_effects();
    cancels.sort_by_key(|e| format!("{e:?}"));
    assert_eq!(
        cancels,
        [Effect::Cancel { server: "master".into() }, Effect::Cancel { server: "slave".into() }]
    );
}

#[test]
fn esc_closes_the_console_and_c_brings_it_back_as_it_was() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    app.update(Action::OpenConsole);
    type_text(&mut app, "SELECT");
    app.update(key(KeyCode::Esc));
    assert_eq!((app.focus, app.work), (Pane::Lesson, None));
    assert!(screen(&app).contains("Step 1/7"), "the lesson is back");
    app.update(key(KeyCode::Char('c')));
    assert_eq!(app.console.prompt.text(), "SELECT");
    // Esc and Tab read together come as Alt-Tab: still Esc, then Tab.
    app.update(Action::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::ALT)));
    assert_eq!((app.focus, app.work), (Pane::Tasks, None));
    app.update(key(KeyCode::Char('c')));
    app.update(ctrl('u'));
    type_text(&mut app, "exit");
    app.update(key(KeyCode::Enter));
    assert_eq!(app.work, None, "exit closes it too");
}

#[test]
fn scrolling_a_large_result_touches_only_the_rows_on_screen() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    app.update(Action::OpenConsole);
    type_text(&mut app, "SELECT n, name FROM customers;");
    app.update(key(KeyCode::Enter));
    app.update(Action::SqlDone { server: "master".into(), result: Ok(result(10_000, false)) });
    let shown = screen(&app);
    assert!(shown.contains("| n     | name "), "a long result shows from its start: {shown}");
    for _ in 0..3 {
        app.update(key(KeyCode::PageDown));
    }
    let started = std::time::Instant::now();
    app.update(key(KeyCode::PageDown));
    let shown = screen(&app);
    println!("PgDn over 10000 rows, update and draw: {:?}", started.elapsed());
    // Past the echo and the table's head, 40 lines down shows rows 37 to 47.
    assert!(shown.contains("| customer 37 ") && shown.contains("| customer 47 "), "{shown}");
    assert!(!shown.contains("| customer 36 "), "{shown}");
    app.update(key(KeyCode::PageDown));
    app.update(Action::Scroll(Scroll::Bottom));
    assert!(screen(&app).contains("10000 rows in set (0.002 sec)"));
}

#[test]
fn code_blocks_are_marked_copied_and_put_into_the_console() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 120, 40);
    go_to_step(&mut app, "Point the slave at the master");
    assert_eq!(app.code_target().map(|b| b.text.as_str()), Some("SHOW MASTER STATUS;"));
    assert!(screen(&app).contains("▌ SHOW MASTER STATUS;"));
    app.update(key(KeyCode::Char(']')));
    let change_master = app.code_target().map(|b| b.text.clone()).expect("a second block");
    assert!(
        change_master.starts_with("CHANGE MASTER TO\n  MASTER_HOST='master'"),
        "{change_master}"
    );
    let shown = screen(&app);
    assert!(
        shown.contains("│ SHOW MASTER STATUS;") && shown.contains("▌ CHANGE MASTER TO"),
        "{shown}"
    );
    app.update(key(KeyCode::Char(']')));
    assert!(app.code_target().is_some_and(|b| b.text == change_master), "it stays at the last");
    app.update(key(KeyCode::Char('[')));
    app.update(key(KeyCode::Char(']')));

    // y copies through the terminal.
    app.update(key(KeyCode::Char('y')));
    let effects = app.take_effects();
    assert_eq!(effects, [Effect::Copy { text: change_master.clone() }]);
    let mut host = Headless::new(120, 40).expect("headless");
    let (results, _unused) = std::sync::mpsc::channel();
    let mut performer = performer(&day, &ws, results);
    for effect in effects {
        let notice = performer.perform(effect, &mut host).expect("a notice");
        assert_eq!(notice, Action::Notice(
            "asked the terminal to copy 5 lines (OSC 52); if it ignores that, select with Shift-drag".into()
        ));
    }
    assert_eq!(host.escapes, [crate::tui::term::clipboard::osc52(&change_master)]);

    // v puts it in the console, for the running engine.
    app.update(Action::Engine(Engine::MySql));
    app.update(key(KeyCode::Char('v')));
    assert_eq!((app.focus, app.work), (Pane::Console, Some(Work::Console)));
    // The same block, as the running engine writes it.
    assert!(app.console.prompt.text().starts_with("CHANGE REPLICATION SOURCE TO\n"));
    assert!(app.take_effects().is_empty(), "nothing runs before Enter");
    assert!(app.notice.as_deref().is_some_and(|n| n.starts_with("Enter runs it on the master")));

    // Other languages are for the clipboard only.
    app.update(key(KeyCode::Esc));
    go_to_step(&mut app, "Configure the master");
    assert_eq!(app.code_target().map(|b| b.lang.as_str()), Some("ini"));
    app.update(key(KeyCode::Char('v')));
    assert_eq!(app.work, None);
    assert!(app.notice.as_deref().is_some_and(|n| n.contains("ini, not for the console")));
}

#[test]
fn the_lab_pane_selects_the_server_that_e_and_x_act_on() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    working(&mut app);
    app.update(key(KeyCode::Char('e')));
    let master = ws.root.join("master/my.cnf");
    assert_eq!(app.take_effects(), [Effect::Edit { file: master, then: AfterEdit::Restart("master".into()) }]);
    app.update(Action::FocusPrev);
    assert_eq!(app.focus, Pane::Lab);
    app.update(key(KeyCode::Down));
    assert_eq!(app.selected_server(), Some("slave"));
    app.update(key(KeyCode::Down));
    assert_eq!(app.selected_server(), Some("slave"), "the last stays selected");
    app.update(key(KeyCode::Char('e')));
    app.update(key(KeyCode::Char('x')));
    let slave = ws.root.join("slave/my.cnf");
    assert_eq!(
        app.take_effects(),
        [
            Effect::Edit { file: slave, then: AfterEdit::Restart("slave".into()) },
            Effect::Client { server: "slave".into() }
        ]
    );
    assert_eq!(app.tasks_scroll, 0, "arrows in the lab pane do not scroll the tasks");
    app.update(key(KeyCode::Up));
    assert_eq!(app.selected_server(), Some("master"));
}

#[test]
fn a_runs_the_application_once_at_a_time() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    app.update(key(KeyCode::Char('a')));
    assert_eq!(app.take_effects(), [Effect::RunApp]);
    assert_eq!((app.focus, app.work), (Pane::Output, Some(Work::Output)));
    assert!(screen(&app).contains("$ python3 app.py"));
    assert!(screen(&app).contains("Application · running…"));
    app.update(key(KeyCode::Char('a')));
    assert!(app.take_effects().is_empty(), "a second run waits for the first");
    assert!(app.notice.as_deref().is_some_and(|n| n.contains("still running")));
    app.update(Action::App(AppEvent::Exited { code: Some(2) }));
    assert!(screen(&app).contains("Application · exited 2"));
    assert_eq!(app.notice.as_deref(), Some("the application exited with code 2"));
    app.update(key(KeyCode::Char('a')));
    assert_eq!(
        app.take_effects(),
        [Effect::Lab(crate::tui::workers::lab::Request::Recheck), Effect::RunApp],
        "the ended run is graded, and once ended it runs again"
    );
    app.update(Action::AppFailed("cannot run the application: `python3` is not installed".into()));
    assert!(screen(&app).contains("`python3` is not installed"));
    assert!(!app.output.running);
}

#[test]
fn the_output_follows_new_lines_until_scrolled_back() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    app.update(Action::RunApp);
    for n in 0..50 {
        app.update(Action::App(AppEvent::Line {
            stream: Stream::Stdout,
            text: format!("line {n}"),
        }));
    }
    assert!(screen(&app).contains("line 49"));
    app.update(key(KeyCode::PageUp));
    app.update(Action::App(AppEvent::Line { stream: Stream::Stdout, text: "line 50".into() }));
    assert!(!screen(&app).contains("line 50"), "scrolled back, it stays put");
    app.update(key(KeyCode::End));
    app.update(Action::App(AppEvent::Line { stream: Stream::Stdout, text: "line 51".into() }));
    assert!(screen(&app).contains("line 51"));
}

#[test]
fn lab_keys_ask_the_lab_and_reset_asks_first() {
    use crate::tui::workers::lab::Request;
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 120, 40);

    app.update(key(KeyCode::Char('g')));
    assert_eq!(app.take_effects(), [Effect::Lab(Request::Recheck)]);

    // The selected server is the one restarted.
    app.update(Action::FocusPrev);
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Char('r')));
    assert_eq!(app.take_effects(), [Effect::Lab(Request::Restart("slave".into()))]);

    app.update(key(KeyCode::Char('R')));
    assert_eq!(app.confirm, Some(Question::Reset));
    assert!(screen(&app).contains("Reset the lab?"), "{}", screen(&app));
    assert!(app.take_effects().is_empty(), "nothing happens before the answer");
    app.update(key(KeyCode::Char('n')));
    assert_eq!(app.confirm, None);
    assert!(app.take_effects().is_empty(), "any key but y keeps everything");
    assert!(screen(&app).contains("reset cancelled"));

    app.update(key(KeyCode::Char('R')));
    app.update(key(KeyCode::Char('y')));
    assert_eq!(app.take_effects(), [Effect::Lab(Request::Reset)]);

    // Crashing the selected server (the slave) asks first, too.
    app.update(key(KeyCode::Char('K')));
    assert_eq!(app.confirm, Some(Question::Crash("slave".into())));
    assert!(screen(&app).contains("Crash the slave?"), "{}", screen(&app));
    assert!(app.take_effects().is_empty(), "nothing happens before the answer");
    app.update(key(KeyCode::Char('n')));
    assert!(app.take_effects().is_empty(), "any key but y keeps it running");
    app.update(key(KeyCode::Char('K')));
    app.update(key(KeyCode::Char('y')));
    assert_eq!(app.take_effects(), [Effect::Lab(Request::Crash("slave".into()))]);
}

/// Replication as the probe saw it, under each server of the lab pane.
fn watched(app: &mut App) {
    use crate::probe::health::Health;
    let server = |name: &str, port, lines: &[&str], summary: &str, trouble| ServerView {
        name: name.to_owned(),
        state: ServerLife::Ready,
        port: Some(port),
        detail: None,
        health: Some(Health {
            summary: summary.to_owned(),
            lines: lines.iter().map(|l| (*l).to_owned()).collect(),
            trouble,
        }),
    };
    app.update(Action::Lab(vec![
        server(
            "master",
            13306,
            &["binlog mysql-bin.000002:5120", "replicas: 172.18.0.3"],
            "binlog .000002:5120 · 1 replica",
            false,
        ),
        server(
            "slave",
            13307,
            &[
                "IO Yes · SQL No · lag unknown",
                "received mysql-bin.000002:5120",
                "applied  mysql-bin.000002:1199 (3921 B behind)",
            ],
            "IO ✓ SQL ✗ · 1199/5120 applied",
            true,
        ),
    ]));
}

#[test]
fn the_lab_pane_shows_replication_in_full_when_tall_and_in_one_line_per_server_when_short() {
    let (day, ws) = (fixture_day(), workspace());
    let mut tall = app(&day, &ws, 120, 40);
    watched(&mut tall);
    let shown = screen(&tall);
    for line in ["binlog mysql-bin.000002:5120", "received mysql-bin.000002:5120", "applied  mysql-bin.000002:1199"] {
        assert!(shown.contains(line), "{line} at 120x40:\n{shown}");
    }
    let mut short = app(&day, &ws, 80, 24);
    watched(&mut short);
    let shown = screen(&short);
    assert!(shown.contains("binlog .000002:5120"), "the master's summary at 80x24:\n{shown}");
    assert!(shown.contains("IO ✓ SQL ✗ · 1199/5120"), "the slave's summary at 80x24:\n{shown}");
    assert!(!shown.contains("received mysql-bin"), "no full lines at 80x24:\n{shown}");
}

#[test]
fn a_finished_statement_and_an_ended_application_run_are_graded_at_once() {
    use crate::tui::workers::lab::Request;
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 120, 40);
    working(&mut app);
    app.update(key(KeyCode::Char('c')));
    type_text(&mut app, "SELECT 1;");
    app.update(key(KeyCode::Enter));
    assert!(
        !app.take_effects().contains(&Effect::Lab(Request::Recheck)),
        "nothing is graded while the statement runs"
    );
    app.update(Action::SqlDone { server: "master".into(), result: Ok(result(1, false)) });
    assert_eq!(app.take_effects(), [Effect::Lab(Request::Recheck)]);
    app.update(Action::SqlDone { server: "master".into(), result: Err("gone".into()) });
    assert_eq!(app.take_effects(), [Effect::Lab(Request::Recheck)], "a failed one too");

    app.update(Action::App(AppEvent::Line { stream: Stream::Stdout, text: "a line".into() }));
    assert!(app.take_effects().is_empty(), "a printed line is not the end of the run");
    app.update(Action::App(AppEvent::Exited { code: Some(0) }));
    assert_eq!(app.take_effects(), [Effect::Lab(Request::Recheck)]);
}

mod console_keys;
