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
use crate::tui::text::markdown::CodeBlock;
use crate::tui::effect::{AfterEdit, Effect, FileEdit};
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
fn the_help_fits_at_80x24_in_every_pane() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    // At 80x24 the work pane covers the lesson: the lesson's help first, then the others.
    with_help_in_every_pane(&mut app, |pane, shown| {
        let rows: Vec<Vec<char>> = shown.lines().map(|l| l.chars().collect()).collect();
        let top = rows.iter().position(|r| r.iter().collect::<String>().contains("┏ Keys: "));
        let top = top.unwrap_or_else(|| panic!("{pane:?}: no help:\n{shown}"));
        let left = rows[top].iter().collect::<String>().find("┏ Keys: ").unwrap_or(0);
        let left = rows[top].iter().collect::<String>()[..left].chars().count();
        let bottom = (top..rows.len()).find(|&r| rows[r].get(left) == Some(&'┗'));
        let wheel = rows.iter().position(|r| r.iter().collect::<String>().contains("┃ wheel "));
        assert!(
            matches!((wheel, bottom), (Some(w), Some(b)) if w < b && b < rows.len() - 1),
            "{pane:?}: the help's last lines are cut:\n{shown}"
        );
        let rows: Vec<&str> = shown.lines().collect();
        for binding in crate::tui::action::BINDINGS.iter().filter(|b| b.works_in(pane)) {
            let first = binding.help.split(' ').next().unwrap_or_default();
            assert!(
                rows.iter().any(|l| l.contains(&format!("┃ {} ", binding.keys)) && l.contains(first)),
                "{pane:?}: {} missing:\n{shown}",
                binding.keys
            );
            // A line too long for the width wraps: its last word is still shown.
            let last = binding.help.split(' ').next_back().unwrap_or_default();
            assert!(shown.contains(&format!(" {last} ")), "{pane:?}: `{last}` cut:\n{shown}");
        }
    });
}

/// Opens the help in each pane in turn and hands its screen to `check`.
fn with_help_in_every_pane(app: &mut App, mut check: impl FnMut(Pane, String)) {
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
        check(pane, screen(app));
        app.update(Action::Close);
    }
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
    assert!(shown.contains("○ read-routing · Send the application's"), "{shown}");
}

#[test]
fn the_help_lists_exactly_the_keys_of_the_focused_pane_and_holds_the_panes_still() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 120, 40);
    with_help_in_every_pane(&mut app, |pane, shown| {
        for binding in crate::tui::action::BINDINGS {
            let listed = shown
                .lines()
                .any(|l| l.contains(&format!("┃ {} ", binding.keys)) && l.contains(binding.help));
            assert_eq!(listed, binding.works_in(pane), "{pane:?}: {}\n{shown}", binding.keys);
        }
    });

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
    // A notice keeps the keys: with no room after them it takes a line of its own above.
    let keys = footer(&app);
    let pulled = "mariadb:11.8 cannot be pulled; using sqlcourse/mariadb:11.8-offline";
    app.update(Action::Notice(pulled.to_owned()));
    let shown = screen(&app);
    let rows: Vec<&str> = shown.lines().collect();
    assert_eq!(rows[rows.len() - 1], keys, "{shown}");
    assert!(rows[rows.len() - 2].contains(pulled), "{shown}");
    assert!(rows[rows.len() - 3].contains('╰'), "the panes end a row higher: {shown}");
    app.update(Action::NextStep);
    let shown = screen(&app);
    assert!(!shown.contains("cannot be pulled"), "a key press clears the notice: {shown}");
    assert!(shown.lines().nth_back(1).is_some_and(|r| r.contains("╯")), "{shown}");
    app.update(Action::PrevStep);
    // A notice longer than a line is shown in full, on as many lines as it needs.
    let failed = "The master did not start: master/my.cnf:6: server_idd = 1 — the server says: \
        unknown variable 'server_idd=1'. Fix that line, then press r to restart the master.";
    app.update(Action::Notice(failed.to_owned()));
    let shown = screen(&app);
    let rows: Vec<&str> = shown.lines().collect();
    assert_eq!(rows[rows.len() - 1], keys, "{shown}");
    let panes_end = rows.iter().rposition(|r| r.contains('╰')).expect("the panes' last row");
    let notice = rows[panes_end + 1..rows.len() - 1].iter().map(|r| r.trim_matches('"').trim());
    assert_eq!(notice.collect::<Vec<_>>().join(" "), failed, "{shown}");
    app.update(Action::NextStep);
    app.update(Action::PrevStep);
    // Where the keys leave room, the notice goes after them on their line.
    let mut wide = self::app(&day, &ws, 200, 40);
    let keys = footer(&wide);
    wide.update(Action::Notice("restarted the master".to_owned()));
    let line = footer(&wide);
    assert!(line.contains("q quit") && line.contains("restarted the master "), "{line}");
    assert!(line.trim_matches('"').starts_with(keys.trim_matches('"').trim_end()), "{line}");
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
        shown.contains("Lab: not started") && shown.contains("slave   ○ not started   "),
        "{shown}"
    );
    assert!(!shown.contains(":13307"), "no port before the lab says which: {shown}");
    let states = [
        (ServerLife::Starting, "◌ starting"),
        (ServerLife::Ready, "● ready"),
        (ServerLife::Stopped, "○ stopped"),
        (ServerLife::Failed("port 13306 is taken".to_owned()), "✗ failed"),
    ];
    for (state, label) in states {
        let mut servers = ServerView::not_started(&day);
        servers[0].state = state;
        servers[0].port = Some(13306);
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
    // Nothing running: Ctrl-C clears the input, as the client does, and leaves only when
    // pressed twice on an empty line.
    type_text(&mut app, "SELECT 3");
    app.update(ctrl('c'));
    assert!(!app.quit && app.console.prompt.is_blank());
    assert!(screen(&app).contains("input cleared (↑ brings it back)"), "{}", screen(&app));
    app.update(key(KeyCode::Up));
    assert_eq!(app.console.prompt.text(), "SELECT 3");
    app.update(ctrl('u'));
    app.update(ctrl('c'));
    assert!(!app.quit);
    assert!(screen(&app).contains("Ctrl-C again quits sqlcourse"), "{}", screen(&app));
    app.update(key(KeyCode::Char('x')));
    app.update(ctrl('u'));
    app.update(ctrl('c'));
    assert!(!app.quit, "a key between the two presses starts again");
    app.update(ctrl('c'));
    assert!(app.quit);
}

#[test]
fn a_key_of_another_pane_says_where_it_works() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 120, 40);
    while app.focus != Pane::Lab {
        app.update(Action::FocusNext);
    }
    app.update(key(KeyCode::Char('y')));
    assert!(app.take_effects().is_empty());
    let shown = screen(&app);
    assert!(shown.contains("y is for the lesson pane: copy the marked code block"), "{shown}");
    assert!(shown.contains("Tab moves there."), "{shown}");
}

#[test]
fn a_key_no_pane_binds_says_so_and_changes_nothing() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 120, 40);
    let before = app.step;
    app.update(key(KeyCode::Char('z')));
    assert!(app.take_effects().is_empty());
    assert_eq!(app.step, before);
    let shown = screen(&app);
    assert!(shown.contains("z does nothing in the lesson pane; ? lists its keys."), "{shown}");
    app.update(Action::OpenConsole);
    app.update(key(KeyCode::Char('z')));
    assert!(!screen(&app).contains("z does nothing"), "typed into the console: {}", screen(&app));
}

#[test]
fn a_long_paste_says_how_much_input_is_above_and_for_which_server() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    app.update(Action::OpenConsole);
    let long: Vec<String> = (1..=12).map(|i| format!("  column_{i} INT,")).collect();
    app.update(Action::Paste(format!("CREATE TABLE t (\n{}\n  id INT);", long.join("\n"))));
    let shown = screen(&app);
    assert!(!shown.contains("master> CREATE TABLE"), "the first line is scrolled off:\n{shown}");
    assert!(shown.contains("lines of input above, for the master"), "{shown}");
    // Short input hides nothing and says nothing of it.
    let mut app = self::app(&day, &ws, 80, 24);
    app.update(Action::OpenConsole);
    app.update(Action::Paste("SELECT 1;".into()));
    assert!(!screen(&app).contains("of input above"), "{}", screen(&app));
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
fn a_long_result_shows_its_end_and_scrolling_touches_only_the_rows_on_screen() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    app.update(Action::OpenConsole);
    type_text(&mut app, "SELECT n, name FROM customers;");
    app.update(key(KeyCode::Enter));
    app.update(Action::SqlDone { server: "master".into(), result: Ok(result(10_000, false)) });
    let shown = screen(&app);
    assert!(
        shown.contains("| 10000 | customer 10000 |") && shown.contains("10000 rows in set"),
        "the newest result's end shows: {shown}"
    );
    assert!(shown.contains("↑ end"), "{shown}");
    app.update(Action::Scroll(Scroll::Top));
    assert!(screen(&app).contains("| n     | name "), "its start is a scroll away");
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

    // Scrolled back, a result that arrives leaves the learner where they read.
    app.update(Action::Scroll(Scroll::Bottom));
    type_text(&mut app, "SELECT n, name FROM customers;");
    app.update(key(KeyCode::Enter));
    app.update(key(KeyCode::PageUp));
    let reading = screen(&app);
    app.update(Action::SqlDone { server: "master".into(), result: Ok(result(30, false)) });
    let shown = screen(&app);
    assert!(!shown.contains("30 rows in set"), "{shown}");
    assert_eq!(
        shown.lines().skip(2).take(10).collect::<Vec<_>>(),
        reading.lines().skip(2).take(10).collect::<Vec<_>>(),
        "the rows read stay in place"
    );
    // Back at the end, it follows again.
    app.update(Action::Scroll(Scroll::Bottom));
    type_text(&mut app, "SELECT 1;");
    app.update(key(KeyCode::Enter));
    app.update(Action::SqlDone { server: "master".into(), result: Ok(result(20, false)) });
    assert!(screen(&app).contains("20 rows in set"));
}

#[test]
fn with_no_block_marked_the_target_is_one_wholly_in_view_when_there_is_one() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    let mut checked = 0;
    for step in ["Configure the master", "Point the slave at the master"] {
        go_to_step(&mut app, step);
        app.update(Action::Scroll(Scroll::Top));
        let height = usize::from(app.screen().expect("a screen").lesson_text().height);
        for _ in 0..app.page().len() {
            let (top, bottom) = (app.lesson_scroll, app.lesson_scroll + height);
            let whole = |b: &CodeBlock| b.lines.start >= top && b.lines.end <= bottom;
            if app.code_blocks().iter().any(whole) {
                let target = app.code_target().expect("a target");
                assert!(whole(target), "{step} at line {top}: {} is cut while another is whole", target.text);
                checked += 1;
            }
            app.update(Action::Scroll(Scroll::LineDown));
        }
    }
    assert!(checked > 10, "{checked}");
}

#[test]
fn a_marked_block_scrolled_out_of_view_gives_way_to_one_in_view() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    go_to_step(&mut app, "Point the slave at the master");
    app.update(key(KeyCode::Char(']')));
    app.update(key(KeyCode::Char('[')));
    assert_eq!(app.code_target().map(|b| b.text.as_str()), Some("SHOW MASTER STATUS;"));
    // Scrolled on past it: `v` and `y` take a block the learner sees, and it is the one marked.
    for _ in 0..3 {
        app.update(Action::Scroll(Scroll::PageDown));
    }
    let shown = screen(&app);
    assert!(!shown.contains(" SHOW MASTER STATUS;"), "{shown}");
    let target = app.code_target().expect("a block in view");
    assert_ne!(target.text, "SHOW MASTER STATUS;");
    assert!(
        target.text.lines().any(|line| shown.contains(&format!("▌ {line}"))),
        "{} is not the one marked:\n{shown}",
        target.text
    );
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
    // The block is for the slave (`on=slave`): the console goes there, and says so.
    let shown = screen(&app);
    assert!(shown.contains("slave> CHANGE REPLICATION SOURCE TO"), "{shown}");
    assert!(
        shown.contains("Enter runs it on the slave; the console switched to it for this block"),
        "{shown}"
    );
    app.update(key(KeyCode::Enter));
    assert!(
        matches!(&app.take_effects()[..], [Effect::RunSql { server, .. }] if server == "slave"),
        "the block runs on its own server"
    );
    app.update(Action::SqlDone { server: "slave".into(), result: Ok(Run::default()) });
    app.take_effects();
    // A block for the master takes the console back; one for the server it is on says nothing.
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Char('[')));
    app.update(key(KeyCode::Char('v')));
    let shown = screen(&app);
    assert!(shown.contains("master> SHOW BINARY LOG STATUS;"), "{shown}");
    assert!(shown.contains("Enter runs it on the master; the console switched"), "{shown}");
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Char('v')));
    assert_eq!(
        app.notice.as_deref(),
        Some("Enter runs it on the master (Ctrl-T: other server)"),
        "already on the master"
    );
    app.console.prompt.take();
    // A block that names no server keeps the console where it is.
    app.update(ctrl('t'));
    app.update(key(KeyCode::Esc));
    go_to_step(&mut app, "Configure the slave");
    app.update(key(KeyCode::Char('v')));
    assert_eq!(app.console.target, "slave");
    assert_eq!(app.notice.as_deref(), Some("Enter runs it on the slave (Ctrl-T: other server)"));

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
    assert_eq!(
        app.take_effects(),
        [Effect::Edit(FileEdit { file: master, then: AfterEdit::Restart("master".into()) })]
    );
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
            Effect::Edit(FileEdit { file: slave, then: AfterEdit::Restart("slave".into()) }),
            Effect::Client { server: "slave".into() }
        ]
    );
    assert_eq!(app.tasks_scroll, 0, "arrows in the lab pane do not scroll the tasks");
    app.update(key(KeyCode::Up));
    assert_eq!(app.selected_server(), Some("master"));
}

/// The lesson as shipped, over a workspace installed in a temporary folder (`e` reads the
/// application's files to tell which one a step changes).
fn shipped_day() -> (Day, tempfile::TempDir, Workspace) {
    let day = Content::Embedded.day("day20").expect("the shipped lesson loads");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let ws = Workspace { root: dir.path().join("day20") };
    ws.install(&day, false).expect("installs the starting files");
    (day, dir, ws)
}

#[test]
fn v_keeps_a_block_the_lesson_marks_as_not_for_this_lab_out_of_the_console() {
    let (day, _dir, ws) = shipped_day();
    let mut app = app(&day, &ws, 120, 40);
    go_to_step(&mut app, "Send reads to the slave");
    for _ in 0..20 {
        if app.code_target().is_some_and(|b| b.text.starts_with("INSERT INTO mysql_query_rules")) {
            break;
        }
        app.update(key(KeyCode::Char(']')));
    }
    assert!(app.code_target().is_some_and(|b| b.text.starts_with("INSERT INTO mysql_query_rules")));
    app.update(key(KeyCode::Char('v')));
    assert_eq!(app.work, None, "the console stays closed");
    assert!(app.console.prompt.is_blank());
    let shown = screen(&app);
    assert!(shown.contains("that block is not for this lab's servers"), "{shown}");
}

#[test]
fn e_offers_the_steps_files_and_the_selected_servers_config() {
    let (day, _dir, ws) = shipped_day();
    let mut app = app(&day, &ws, 120, 40);
    let edit = |file: &str, then: AfterEdit| Effect::Edit(FileEdit { file: ws.root.join(file), then });
    let restart = |server: &str| AfterEdit::Restart(server.to_owned());

    // A step about one server's file: e opens it at once.
    go_to_step(&mut app, "Configure the master");
    app.update(key(KeyCode::Char('e')));
    assert_eq!(app.take_effects(), [edit("master/my.cnf", restart("master"))]);
    assert!(footer_line(&app).contains("▸ master  "), "{}", footer_line(&app));

    // The failover step crashes the master first: it selects the master, and e offers the
    // files the step changes (the slave's, the application's settings), then the master's.
    go_to_step(&mut app, "Fail over: the master dies");
    assert_eq!(app.selected_server(), Some("master"), "the step crashes the master first");
    assert!(footer_line(&app).contains("▸ master · e: 3 files"), "{}", footer_line(&app));
    app.update(key(KeyCode::Char('e')));
    assert!(app.take_effects().is_empty(), "nothing opens before the answer");
    let shown = screen(&app);
    assert!(shown.contains("1  slave/my.cnf") && shown.contains("3  master/my.cnf"), "{shown}");
    app.update(key(KeyCode::Char('2')));
    assert_eq!(app.take_effects(), [edit("app/settings.py", AfterEdit::RunApp)]);

    // With the slave selected, the step's files alone: the slave's, then the settings.
    app.update(key(KeyCode::Char('s')));
    assert!(footer_line(&app).contains("▸ slave · e: 2 files"), "{}", footer_line(&app));
    app.update(key(KeyCode::Char('e')));
    let shown = screen(&app);
    assert!(shown.contains("Edit which file?"), "{shown}");
    assert!(shown.contains("1  slave/my.cnf     then r restarts the slave"), "{shown}");
    assert!(shown.contains("2  app/settings.py  then a runs the application"), "{shown}");
    app.update(key(KeyCode::Char('2')));
    assert_eq!(app.take_effects(), [edit("app/settings.py", AfterEdit::RunApp)]);
    app.update(key(KeyCode::Char('e')));
    app.update(key(KeyCode::Enter));
    assert_eq!(app.take_effects(), [edit("slave/my.cnf", restart("slave"))], "Enter: the first");
    app.update(key(KeyCode::Char('e')));
    app.update(key(KeyCode::Esc));
    assert!(app.take_effects().is_empty() && app.confirm.is_none());
    assert!(screen(&app).contains("no file opened"));
    app.update(key(KeyCode::Char('s')));

    // From the application's output, e works as its footer says.
    app.update(key(KeyCode::Char('a')));
    app.take_effects();
    assert_eq!(app.focus, Pane::Output);
    let footer = footer_line(&app);
    assert!(footer.contains("e edit") && footer.contains("e: 3 files"), "{footer}");
    app.update(key(KeyCode::Char('e')));
    app.update(key(KeyCode::Char('2')));
    assert_eq!(app.take_effects(), [edit("app/settings.py", AfterEdit::RunApp)]);
}

/// The screen's last line: the keys.
fn footer_line(app: &App) -> String {
    screen(app).lines().last().unwrap_or_default().to_owned()
}

#[test]
fn the_footer_keeps_the_keys_the_step_asks_for() {
    let (day, _dir, ws) = shipped_day();
    for (width, height) in [(80, 24), (120, 40)] {
        let mut app = app(&day, &ws, width, height);
        let footer = footer_line(&app);
        assert!(!footer.contains("K crash"), "K only where a step crashes a server: {footer}");
        // A step with config lines takes effect at a restart: r is among its keys.
        go_to_step(&mut app, "Configure the master");
        assert!(footer_line(&app).contains("r restart"), "{}", footer_line(&app));
        go_to_step(&mut app, "Send reads to the slave");
        let footer = footer_line(&app);
        assert!(footer.contains("a run app") && !footer.contains("K crash"), "{footer}");
        go_to_step(&mut app, "Fail over: the master dies");
        let footer = footer_line(&app);
        assert!(footer.contains("a run app") && footer.contains("K crash"), "{footer}");
        assert!(footer.contains("q quit") && footer.contains("? help"), "{footer}");
        // The step's first move is crashing the master: K offers the master.
        app.update(key(KeyCode::Char('K')));
        assert!(screen(&app).contains("Crash the master?"), "{}", screen(&app));
        assert!(screen(&app).contains("The failover drill begins when the master dies."), "{}", screen(&app));
        app.update(key(KeyCode::Char('n')));
        // Once the master is down, the step is about the slave: the selection moves there.
        let mut servers = ServerView::not_started(&day);
        for view in &mut servers {
            view.state = ServerLife::Ready;
        }
        app.update(Action::Lab(servers.clone()));
        assert_eq!(app.selected_server(), Some("master"), "{}", footer_line(&app));
        servers[0].state = ServerLife::Failed("killed (exit 137)".into());
        app.notice = Some("The master is down, like after a power cut.".into());
        app.update(Action::Lab(servers.clone()));
        assert_eq!(app.selected_server(), Some("slave"), "{}", footer_line(&app));
        assert_eq!(
            app.notice.as_deref(),
            Some("The master is down, like after a power cut. The step goes on on the slave: it is selected now (s selects the master).")
        );
        // The learner's own choice stays while the lab does not change the step's server.
        app.update(key(KeyCode::Char('s')));
        app.update(Action::Lab(servers));
        assert_eq!(app.selected_server(), Some("master"));
        go_to_step(&mut app, "Rejoin the old master");
        assert!(!footer_line(&app).contains("K crash"), "{}", footer_line(&app));
    }
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
    // The drill is about the master: the question says so, and how to select it.
    assert!(screen(&app).contains("The drill crashes the master, not the slave: s selects it."), "{}", screen(&app));
    assert!(app.take_effects().is_empty(), "nothing happens before the answer");
    app.update(key(KeyCode::Char('n')));
    assert!(app.take_effects().is_empty(), "any key but y keeps it running");
    app.update(key(KeyCode::Char('K')));
    app.update(key(KeyCode::Char('y')));
    assert_eq!(app.take_effects(), [Effect::Lab(Request::Crash("slave".into()))]);
}

/// The error a replica shows while its master is down, as MariaDB words it.
const RECONNECTING: &str = "error 12 s ago: error reconnecting to master 'replica@master:3306' - \
    retry-time: 60 maximum-retries: 100000 message: Can't connect to server on 'master' (111)";

/// Replication as the probe saw it, under each server of the lab pane: each line in full and
/// in its narrow form.
fn watched(app: &mut App) {
    use crate::probe::health::Health;
    let server = |name: &str, port, lines: &[(&str, &str)], summary: &str, trouble| ServerView {
        name: name.to_owned(),
        state: ServerLife::Ready,
        port: Some(port),
        detail: None,
        health: Some(Health {
            summary: summary.to_owned(),
            lines: lines.iter().map(|(full, _)| (*full).to_owned()).collect(),
            narrow: lines.iter().map(|(_, narrow)| (*narrow).to_owned()).collect(),
            trouble,
            // The slave's, the one in trouble, ends with its error.
            ends_with_error: trouble,
            replicating: name == "slave",
        }),
    };
    app.update(Action::Lab(vec![
        server(
            "master",
            13306,
            &[
                ("binlog mysql-bin.000002:5120", "binlog .000002:5120"),
                ("replicas: 172.18.0.3", "replicas: 172.18.0.3"),
            ],
            "binlog at 5120 · 1 replica",
            false,
        ),
        server(
            "slave",
            13307,
            &[
                ("IO Yes · SQL No · lag unknown", "IO ✓ SQL ✗ · lag unknown"),
                ("received mysql-bin.000002:5120", "received .000002:5120"),
                (
                    "applied  mysql-bin.000002:1199 (3921 B behind)",
                    "applied .000002:1199 (3921 B behind)",
                ),
                (RECONNECTING, RECONNECTING),
            ],
            "IO ✓ SQL ✗ 1199/5120 applied",
            true,
        ),
    ]));
}

/// The text inside the pane titled `title`, row by row, without its border and padding.
fn pane_rows(shown: &str, title: &str) -> Vec<String> {
    let rows: Vec<Vec<char>> = shown.lines().map(|l| l.trim_matches('"').chars().collect()).collect();
    let found = rows.iter().enumerate().find_map(|(i, r)| {
        let line: String = r.iter().collect();
        line.find(&format!(" {title} ")).map(|at| (i, line[..at].chars().count() - 1))
    });
    let Some((top, left)) = found else { panic!("no pane {title}:\n{shown}") };
    let right = (left + 1..rows[top].len()).find(|&c| matches!(rows[top][c], '╮' | '┓')).unwrap_or(rows[top].len());
    rows[top + 1..]
        .iter()
        .take_while(|r| !matches!(r.get(left), Some('╰' | '┗')))
        .map(|r| r[left + 1..right.min(r.len())].iter().collect::<String>().trim().to_owned())
        .collect()
}

#[test]
fn the_lab_pane_shows_replication_in_full_when_tall_and_in_one_line_per_server_when_short() {
    let (day, ws) = (fixture_day(), workspace());
    let mut tall = app(&day, &ws, 120, 40);
    watched(&mut tall);
    let shown = screen(&tall);
    let lab = pane_rows(&shown, "Lab");
    for line in ["binlog mysql-bin.000002:5120", "received mysql-bin.000002:5120", "applied .000002:1199 (3921 B behind)"] {
        assert!(lab.iter().any(|l| l == line), "{line} at 120x40:\n{shown}");
    }
    // Nothing is cut: a line too long takes its narrow form, and the error wraps at words.
    assert!(lab.iter().all(|l| !l.contains('…')), "{shown}");
    let words = lab.join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains(RECONNECTING), "{shown}");
    // Where the full line fits, it is drawn as written, its spacing kept.
    let mut wide = app(&day, &ws, 200, 60);
    watched(&mut wide);
    let lab = pane_rows(&screen(&wide), "Lab");
    assert!(lab.iter().any(|l| l == "applied  mysql-bin.000002:1199 (3921 B behind)"), "{lab:#?}");
    let mut short = app(&day, &ws, 80, 24);
    watched(&mut short);
    let shown = screen(&short);
    let lab = pane_rows(&shown, "Lab");
    assert!(lab.iter().any(|l| l == "binlog at 5120 · 1 replica"), "the master's summary:\n{shown}");
    assert!(lab.iter().any(|l| l == "IO ✓ SQL ✗ 1199/5120 applied"), "the slave's:\n{shown}");
    assert!(!shown.contains("received mysql-bin"), "no full lines at 80x24:\n{shown}");
    // Rows left over go to the error of the server in trouble, from its start, not to the
    // files line.
    let mut medium = app(&day, &ws, 100, 30);
    watched(&mut medium);
    let shown = screen(&medium);
    let lab = pane_rows(&shown, "Lab");
    let summary = lab.iter().position(|l| l == "IO ✓ SQL ✗ 1199/5120 applied").expect(&shown);
    let error = &lab[summary + 1..];
    assert!(error.first().is_some_and(|l| RECONNECTING.starts_with(l.as_str())), "{shown}");
    assert!(error.len() > 1 && !lab.iter().any(|l| l.starts_with("Files")), "{shown}");
}

#[test]
fn task_titles_wrap_and_hints_name_files_within_the_workspace() {
    let (day, ws) = (fixture_day(), workspace());
    for (width, height) in [(80, 24), (120, 40)] {
        let mut app = app(&day, &ws, width, height);
        let mut tasks = TaskStatus::all_pending(&app.day.spec);
        let config = ws.root.join("slave/my.cnf").display().to_string();
        tasks[1].status = TaskState::Failing;
        tasks[1].reason = Some(format!("{config} sets server-id 1, like the master's"));
        tasks[1].hint = Some(format!("set server-id = 2 under [mysqld] in {config}, then restart"));
        app.update(Action::Tasks(tasks));
        go_to_step(&mut app, "Configure the slave");
        let mut seen = Vec::new();
        // Every row of the pane, scrolled through from the top.
        app.update(Action::FocusNext);
        assert_eq!(app.focus, Pane::Tasks);
        app.update(Action::Scroll(Scroll::Top));
        loop {
            let rows = pane_rows(&screen(&app), "Steps and tasks");
            seen.extend(rows);
            let before = app.tasks_scroll;
            app.update(Action::Scroll(Scroll::PageDown));
            if app.tasks_scroll == before {
                break;
            }
        }
        let text = seen.join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
        let shown = screen(&app);
        assert!(!seen.iter().any(|r| r.contains('…')), "{width}x{height}: a title is cut:\n{shown}");
        for task in &app.tasks {
            assert!(text.contains(&task.title), "{width}x{height}: {}\n{text}", task.title);
            // The lesson names tasks by their ids: they show at every size.
            let named = format!("{} · ", task.id);
            assert!(text.contains(&named), "{width}x{height}: {}\n{text}", task.id);
        }
        assert!(text.contains("Hint: set server-id = 2 under [mysqld] in slave/my.cnf, then restart"), "{text}");
        assert!(text.contains("slave/my.cnf sets server-id 1"), "{text}");
        assert!(!text.contains("/home/learner"), "{width}x{height}: {text}");
    }
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

/// One selection: the console opens on the server the footer shows, and Ctrl-T in it moves
/// the footer's selection too, so `c`, `e`, `r` and `x` never act on different servers.
#[test]
fn the_console_opens_on_the_selected_server_and_ctrl_t_moves_the_selection() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 120, 40);
    assert_eq!(app.selected_server(), Some("master"));
    app.update(key(KeyCode::Char('c')));
    assert_eq!(app.console.target, "master");
    app.update(ctrl('t'));
    assert_eq!(app.console.target, "slave");
    app.update(key(KeyCode::Esc));
    assert!(footer_line(&app).contains("▸ slave"), "{}", footer_line(&app));
    // The learner selects the master again: the console follows when it opens.
    app.update(key(KeyCode::Char('s')));
    assert_eq!(app.selected_server(), Some("master"));
    app.update(key(KeyCode::Char('c')));
    assert_eq!(app.console.target, "master");
    assert!(screen(&app).contains("SQL console · master"), "{}", screen(&app));
}

#[test]
fn the_console_on_a_crashed_server_says_how_to_start_it() {
    use crate::lab::{ContainerState, ServerInfo};
    // Killed (`K`): the drill goes on on the other server. Stopped: r starts it.
    let cases = [
        (137, &["the master was killed like a power cut", "the next statements go to the other server", "r starts the master again", "unless its config file sets read_only", "Ctrl-T sends the input"][..]),
        (0, &["the master is down", "leaves it down", "press r", "Ctrl-T sends the input"][..]),
    ];
    for (code, words) in cases {
        let (day, ws) = (fixture_day(), workspace());
        let mut app = app(&day, &ws, 120, 40);
        let down = ServerInfo {
            name: "master".into(),
            container: "sqlcourse-day20-master".into(),
            engine: None,
            state: ContainerState::Exited { code },
            port: Some(13306),
            ip: None,
            host_name: None,
            endpoint: None,
        };
        let (lab, _) = crate::tui::workers::lab::LabHandle::with_servers(&day.spec.slug, vec![down]);
        let (results, done) = std::sync::mpsc::channel();
        let mut performer = Performer::new(&day, &ws, results, lab);
        let mut host = Headless::new(120, 40).expect("headless");
        app.update(Action::OpenConsole);
        type_text(&mut app, "SELECT 1;");
        app.update(key(KeyCode::Enter));
        for effect in app.take_effects() {
            performer.perform(effect, &mut host);
        }
        let finished = done.recv_timeout(Duration::from_secs(5)).expect("the worker answers");
        app.update(finished);
        let shown = screen(&app);
        let console = shown.lines().map(|l| l.split('┃').nth(1).unwrap_or("").trim());
        let said = console.collect::<Vec<_>>().join(" ");
        assert!(!said.contains("not running yet"), "{shown}");
        for words in words {
            assert!(said.contains(words), "exit {code}, {words}: {shown}");
        }
    }
}

#[test]
fn a_pasted_block_leaves_the_end_of_the_results_in_view() {
    let (day, _dir, ws) = shipped_day();
    for (width, height) in [(80, 24), (120, 40)] {
        let mut app = app(&day, &ws, width, height);
        go_to_step(&mut app, "Point the slave at the master");
        app.update(key(KeyCode::Char('v')));
        app.update(key(KeyCode::Enter));
        app.update(Action::SqlDone { server: "master".into(), result: Ok(result(1, false)) });
        app.take_effects();
        app.update(key(KeyCode::Esc));
        app.update(key(KeyCode::Char(']')));
        app.update(key(KeyCode::Char('v')));
        let input = app.console.prompt.text();
        assert!(input.starts_with("CHANGE MASTER TO"), "{input}");
        let shown = screen(&app);
        assert!(shown.contains("| 1 | customer 1 |"), "the result row stays in view: {shown}");
        assert!(shown.contains("1 row in set"), "{shown}");
    }
}

#[test]
fn after_a_reset_the_screen_goes_back_to_the_first_task() {
    let (day, _dir, ws) = shipped_day();
    let mut app = app(&day, &ws, 120, 40);
    go_to_step(&mut app, "Fail over: the master dies");
    let mut tasks = TaskStatus::all_pending(&day.spec);
    for task in &mut tasks[..5] {
        task.status = TaskState::Done;
    }
    app.update(Action::Tasks(tasks));
    app.update(Action::LabReset {
        notice: "The lab is fresh: starting files restored, progress cleared.".into(),
    });
    let first = day.lesson.steps.iter().position(|s| s.title == "Configure the master");
    assert_eq!(Some(app.step), first);
    assert!(app.tasks.iter().all(|t| t.status == TaskState::Pending), "{:?}", app.tasks);
    let shown = screen(&app);
    assert!(shown.contains("Step 3/12: Configure the master"), "{shown}");
    let notice: String = shown.lines().rev().skip(1).take(2).collect::<Vec<_>>().into_iter().rev()
        .map(|l| l.trim_matches('"').trim()).collect::<Vec<_>>().join(" ");
    assert!(
        notice.ends_with(
            "progress cleared. Back to step 3/12, Configure the master: its task is the first to do."
        ),
        "the notice in full: {shown}"
    );
    assert!(!shown.contains('✓'), "no task is drawn done: {shown}");

    // The console says where the fresh lab begins, below the old lab's results.
    app.update(Action::OpenConsole);
    type_text(&mut app, "SELECT 1;");
    app.update(key(KeyCode::Enter));
    app.update(Action::SqlDone { server: "master".into(), result: Ok(result(1, false)) });
    app.update(Action::LabReset { notice: "The lab is fresh.".into() });
    app.update(Action::OpenConsole);
    let shown = screen(&app);
    let (old, mark) = (shown.find("1 row in set"), shown.find("The lab was reset here"));
    assert!(old.is_some() && mark > old, "{shown}");
}

#[test]
fn the_servers_notes_wrap_at_spaces() {
    use crate::sql::Done;
    let (day, _dir, ws) = shipped_day();
    let mut app = app(&day, &ws, 80, 24);
    app.update(key(KeyCode::Char('c')));
    type_text(&mut app, "CHANGE MASTER TO MASTER_HOST='master';");
    app.update(key(KeyCode::Enter));
    let note = "Note (Code 4190): CHANGE MASTER TO is implicitly changing the value of \
        'Using_Gtid' from 'Slave_Pos' to 'No'";
    let done = Done { warnings: 1, info: note.into(), ..Done::default() };
    let run = Run {
        outcomes: vec![Outcome {
            statement: Statement {
                text: "CHANGE MASTER TO MASTER_HOST='master'".into(),
                vertical: false,
            },
            elapsed: Duration::from_micros(1500),
            result: StatementResult::Done(done),
        }],
        ..Run::default()
    };
    app.update(Action::SqlDone { server: "master".into(), result: Ok(run) });
    let shown = screen(&app);
    let words = ["'Using_Gtid'", "implicitly", "'Slave_Pos'"];
    assert!(words.iter().all(|w| shown.contains(w)), "no word is split: {shown}");
}

#[test]
fn where_the_console_hides_the_lesson_its_title_says_how_to_get_it_back() {
    let (day, ws) = (fixture_day(), workspace());
    let mut small = app(&day, &ws, 80, 24);
    console_with_result(&mut small);
    let shown = screen(&small);
    assert!(!shown.contains("Step 1/7"), "the console takes the lesson's place: {shown}");
    assert!(shown.contains("SQL console · master · Esc: back to the lesson"), "{shown}");
    small.update(key(KeyCode::Esc));
    assert!(screen(&small).contains("Step 1/7"), "{}", screen(&small));
    let mut large = app(&day, &ws, 120, 40);
    console_with_result(&mut large);
    let shown = screen(&large);
    assert!(shown.contains("Step 1/7") && !shown.contains("back to the lesson"), "{shown}");
}

/// A write run on the slave while it replicates: the notice says the master never gets it and
/// what it leads to; a read, or a write on the master, says nothing of the kind.
#[test]
fn a_write_on_a_replicating_slave_is_told_at_once() {
    use crate::sql::Done;
    let (day, _dir, ws) = shipped_day();
    let mut app = app(&day, &ws, 120, 40);
    watched(&mut app);
    let ran = |text: &str, result: StatementResult| Run {
        outcomes: vec![Outcome {
            statement: Statement { text: text.into(), vertical: false },
            elapsed: Duration::from_micros(900),
            result,
        }],
        ..Run::default()
    };
    let insert = "INSERT INTO demo.hello (note) VALUES ('on the slave')";
    let done = || StatementResult::Done(Done { affected_rows: 1, ..Done::default() });
    app.update(Action::SqlDone { server: "slave".into(), result: Ok(ran(insert, done())) });
    let told = app.notice.clone().unwrap_or_default();
    assert!(told.starts_with("That write went to the slave only: replication carries changes from the master to it, never back"), "{told}");
    assert!(told.ends_with("Writes belong on the master."), "{told}");
    assert!(told.contains("Duplicate entry"), "{told}");
    for (server, text) in [("slave", "SELECT * FROM demo.hello"), ("master", insert)] {
        app.notice = None;
        app.update(Action::SqlDone { server: server.into(), result: Ok(ran(text, done())) });
        assert!(!app.notice.clone().unwrap_or_default().contains("went to the"), "{server}: {text}");
    }
    // Refused (read_only, for an account without SUPER): nothing was written.
    app.notice = None;
    let refused = SqlError { code: 1290, state: "HY000".into(), message: "read-only".into() };
    app.update(Action::SqlDone { server: "slave".into(), result: Ok(ran(insert, StatementResult::Failed(refused))) });
    assert!(!app.notice.clone().unwrap_or_default().contains("went to the"));
}
