//! The console's line editing as in the `mariadb` client (readline), and j/k/G in the reading
//! panes, driven key by key through the screen's own bindings.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{app, ctrl, fixture_day, key, screen, type_text, workspace};
use crate::sql::Run;
use crate::tui::action::Action;
use crate::tui::state::{App, Pane};

fn alt(c: char) -> Action {
    Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT))
}

fn ctrl_key(code: KeyCode) -> Action {
    Action::Key(KeyEvent::new(code, KeyModifiers::CONTROL))
}

/// The console's input line as the screen shows it.
fn input_line(app: &App) -> String {
    let shown = screen(app);
    let line = shown.lines().rev().find(|l| l.contains("> ") || l.contains("search `"));
    let line = line.expect("an input line").trim_matches('"');
    line.trim_matches(|c: char| c.is_whitespace() || c == '│' || c == '┃').to_owned()
}

/// Runs an input and lets it finish, so it goes into the history.
fn run(app: &mut App, input: &str) {
    type_text(app, input);
    app.update(key(KeyCode::Enter));
    app.update(Action::SqlDone { server: "master".into(), result: Ok(Run::default()) });
}

#[test]
fn moving_and_cutting_by_line_and_word_as_readline_does() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 100, 30);
    app.update(Action::OpenConsole);
    type_text(&mut app, "SELECT @@server_id, @@log_bin;");
    app.update(ctrl('a'));
    type_text(&mut app, "/* a */ ");
    app.update(ctrl('e'));
    app.update(alt('b'));
    app.update(ctrl('k'));
    assert_eq!(input_line(&app), "master> /* a */ SELECT @@server_id, @@");
    app.update(ctrl('y'));
    assert_eq!(input_line(&app), "master> /* a */ SELECT @@server_id, @@log_bin;", "Ctrl-Y puts it back");
    app.update(ctrl('w'));
    assert_eq!(input_line(&app), "master> /* a */ SELECT @@server_id,");
    app.update(ctrl_key(KeyCode::Left));
    app.update(ctrl_key(KeyCode::Left));
    app.update(ctrl('u'));
    assert_eq!(input_line(&app), "master> SELECT @@server_id,");
    app.update(ctrl_key(KeyCode::Right));
    app.update(alt('f'));
    type_text(&mut app, "X");
    app.update(ctrl('e'));
    app.update(ctrl('y'));
    assert_eq!(input_line(&app), "master> SELECT @@server_idX, /* a */");
}

#[test]
fn ctrl_r_finds_earlier_inputs_and_esc_gives_the_search_up() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 100, 30);
    app.update(Action::OpenConsole);
    run(&mut app, "SHOW SLAVE STATUS\\G");
    run(&mut app, "SELECT 1;");
    run(&mut app, "SHOW MASTER STATUS;");
    type_text(&mut app, "draft");
    app.update(ctrl('r'));
    type_text(&mut app, "show");
    assert_eq!(input_line(&app), "(search `show`) SHOW MASTER STATUS;");
    app.update(ctrl('r'));
    assert_eq!(input_line(&app), "(search `show`) SHOW SLAVE STATUS\\G", "older");
    type_text(&mut app, "x");
    assert_eq!(input_line(&app), "(failed search `showx`) SHOW SLAVE STATUS\\G");
    app.update(key(KeyCode::Esc));
    assert_eq!(app.focus, Pane::Console, "Esc ends the search, not the console");
    assert_eq!(input_line(&app), "master> draft");
    app.update(ctrl('u'));
    app.update(ctrl('r'));
    type_text(&mut app, "sel");
    app.update(ctrl('e'));
    assert_eq!(input_line(&app), "master> SELECT 1;", "another key takes the match and acts");
    app.update(key(KeyCode::Enter));
    assert!(app.console.running.contains("master"), "Enter then runs it");
}

#[test]
fn j_k_and_shift_g_scroll_the_reading_panes_and_choose_a_server_in_the_lab() {
    let (day, ws) = (fixture_day(), workspace());
    let mut app = app(&day, &ws, 80, 24);
    app.update(key(KeyCode::Char('j')));
    app.update(key(KeyCode::Char('j')));
    assert_eq!(app.lesson_scroll, 2);
    app.update(key(KeyCode::Char('k')));
    assert_eq!(app.lesson_scroll, 1);
    app.update(Action::Key(KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT)));
    let bottom = app.lesson_scroll;
    assert!(bottom > 1, "G goes to the bottom");
    app.update(key(KeyCode::End));
    assert_eq!(app.lesson_scroll, bottom, "as End does");
    app.update(Action::FocusPrev);
    assert_eq!(app.focus, Pane::Lab);
    app.update(key(KeyCode::Char('j')));
    assert_eq!(app.server, 1);
    app.update(key(KeyCode::Char('k')));
    assert_eq!(app.server, 0);
    app.update(Action::OpenConsole);
    type_text(&mut app, "jkG");
    assert_eq!(input_line(&app), "master> jkG", "the console types them");
}
