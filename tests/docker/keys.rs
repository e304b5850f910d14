//! Every key of the key table, pressed on a real lab in a real terminal, with what it does
//! read back from the screen: the learner's keys, not the grader, are what is tested here.
//!
//! Each press names the binding it exercises and the pane it is pressed in; the test ends by
//! checking that every binding of `BINDINGS` was pressed, so a new key without a press here
//! fails the suite.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use sqlcourse::tui::action::BINDINGS;
use sqlcourse::tui::state::Pane;

use crate::common::TestLab;
use crate::common::tmux::{SCREEN_WAIT, Tmux, footer, input_line};

/// How long a lab operation (restart, reset, the app's first run) may take on a busy machine.
/// The editor's run and the screen's return, on a machine busy with other labs.
const EDITED: Duration = Duration::from_secs(15);
const SLOW: Duration = Duration::from_secs(120);

/// A key by tmux's name, as the program receives it.
fn key_of(name: &str) -> (KeyCode, KeyModifiers) {
    let none = KeyModifiers::NONE;
    let (code, modifiers) = match name {
        "Up" => (KeyCode::Up, none),
        "Down" => (KeyCode::Down, none),
        "Left" => (KeyCode::Left, none),
        "Right" => (KeyCode::Right, none),
        "Home" => (KeyCode::Home, none),
        "End" => (KeyCode::End, none),
        "PPage" => (KeyCode::PageUp, none),
        "NPage" => (KeyCode::PageDown, none),
        "Enter" => (KeyCode::Enter, none),
        "M-Enter" => (KeyCode::Enter, KeyModifiers::ALT),
        "M-b" => (KeyCode::Char('b'), KeyModifiers::ALT),
        "BSpace" => (KeyCode::Backspace, none),
        "DC" => (KeyCode::Delete, none),
        "Tab" => (KeyCode::Tab, none),
        "BTab" => (KeyCode::BackTab, none),
        "Escape" => (KeyCode::Esc, none),
        "Space" => (KeyCode::Char(' '), none),
        "F1" => (KeyCode::F(1), none),
        "F2" => (KeyCode::F(2), none),
        ctrl if ctrl.starts_with("C-") && ctrl.len() == 3 => {
            (KeyCode::Char(ctrl.chars().nth(2).expect("a letter")), KeyModifiers::CONTROL)
        }
        one if one.chars().count() == 1 => (KeyCode::Char(one.chars().next().expect("a char")), none),
        other => panic!("the test does not know the key {other}"),
    };
    (code, modifiers)
}

/// Sends keys and records which binding each one exercised.
struct Keys<'a> {
    tmux: &'a Tmux,
    pressed: RefCell<BTreeSet<usize>>,
}

impl<'a> Keys<'a> {
    fn new(tmux: &'a Tmux) -> Self {
        Keys { tmux, pressed: RefCell::default() }
    }

    /// Presses `key` in `pane` for the binding whose help is `help`; that binding must hold
    /// the key and work in the pane.
    fn press(&self, pane: Pane, help: &str, key: &str) {
        let (code, modifiers) = key_of(key);
        let found = BINDINGS.iter().position(|b| {
            b.help.starts_with(help)
                && b.works_in(pane)
                && b.map.iter().any(|(c, m, _)| *c == code && *m == modifiers)
        });
        let Some(index) = found else {
            panic!("no binding `{help}` holds {key} in the {pane:?} pane");
        };
        self.pressed.borrow_mut().insert(index);
        self.tmux.keys(&[key]);
    }

    /// Presses `n` in the lesson until the screen shows `title` (a key may arrive while the
    /// screen is busy redrawing, so each press is checked rather than counted).
    fn step_to(&self, tmux: &Tmux, title: &str) {
        for _ in 0..10 {
            self.press(Pane::Lesson, "next / previous step", "n");
            let shown = tmux.until_with(|s| s.contains("Step "), "a step", SCREEN_WAIT);
            if shown.contains(title) {
                return;
            }
            std::thread::sleep(Duration::from_millis(300));
            if tmux.screen().contains(title) {
                return;
            }
        }
        panic!("{title} never shown:\n{}", tmux.screen());
    }

    /// The bindings no press exercised.
    fn missing(&self) -> Vec<String> {
        let pressed = self.pressed.borrow();
        BINDINGS
            .iter()
            .enumerate()
            .filter(|(i, _)| !pressed.contains(i))
            .map(|(_, b)| format!("`{}` ({})", b.keys, b.help))
            .collect()
    }
}

/// The lesson pane's first line of text.
fn lesson_top(screen: &str) -> String {
    screen.lines().nth(2).unwrap_or("").chars().take(70).collect()
}



#[test]
fn every_key_of_the_key_table_on_a_real_lab() {
    let Some(lab) = TestLab::new("keys") else { return };
    lab.ok(&["up"]);
    // The editor a learner would use, reduced to one saved change.
    let editor = lab.dir.path().join("editor.sh");
    std::fs::write(&editor, "#!/bin/sh\nprintf '\\n# saved by the test editor\\n' >> \"$1\"\n")
        .expect("writes the editor");
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let editor = editor.display().to_string();
    let Some(tmux) = Tmux::start_with(&lab, 160, 50, &[("EDITOR", editor.clone()), ("VISUAL", editor)]) else {
        return;
    };
    let keys = Keys::new(&tmux);
    let no_secret = |screen: &str| {
        let password = lab.password();
        assert!(!screen.contains(&password), "the root password is on screen:\n{screen}");
    };
    let ready = |s: &str| s.contains("master  ● ready") && s.contains("slave   ● ready");
    tmux.until_with(ready, "both servers ready", SLOW);

    // Steps.
    keys.press(Pane::Lesson, "next / previous step", "n");
    tmux.until_shown("Step 2/12");
    keys.press(Pane::Lesson, "next / previous step", "Right");
    tmux.until_shown("Step 3/12: Configure the master");
    keys.press(Pane::Lesson, "next / previous step", "b");
    tmux.until_shown("Step 2/12");
    keys.press(Pane::Lesson, "next / previous step", "Left");
    let top = lesson_top(&tmux.until_shown("Step 1/12"));

    // Scrolling the lesson.
    keys.press(Pane::Lesson, "scroll a line", "Down");
    let line_down = lesson_top(&tmux.until_with(|s| lesson_top(s) != top, "scrolled a line", SCREEN_WAIT));
    keys.press(Pane::Lesson, "scroll a line", "Up");
    tmux.until_with(|s| lesson_top(s) == top, "back at the top", SCREEN_WAIT);
    keys.press(Pane::Lesson, "scroll a page", "NPage");
    let page = lesson_top(&tmux.until_with(|s| lesson_top(s) != top && lesson_top(s) != line_down, "a page down", SCREEN_WAIT));
    keys.press(Pane::Lesson, "scroll a page", "PPage");
    tmux.until_with(|s| lesson_top(s) == top, "a page up", SCREEN_WAIT);
    keys.press(Pane::Lesson, "scroll a page", "Space");
    tmux.until_with(|s| lesson_top(s) == page, "Space scrolls a page", SCREEN_WAIT);
    keys.press(Pane::Lesson, "top / bottom", "End");
    tmux.until_with(|s| s.contains("↑ end ┛") && lesson_top(s) != top, "the bottom", SCREEN_WAIT);
    keys.press(Pane::Lesson, "top / bottom", "Home");
    tmux.until_with(|s| lesson_top(s) == top && s.contains("top ↓ ┛"), "the top", SCREEN_WAIT);

    // The help, from the lesson.
    keys.press(Pane::Lesson, "this help", "?");
    tmux.until_shown("Keys: lesson");
    tmux.keys(&["Escape"]);
    tmux.until_with(|s| !s.contains("Keys: lesson"), "the help closed", SCREEN_WAIT);
    keys.press(Pane::Lesson, "this help", "F1");
    tmux.until_shown("Keys: lesson");
    tmux.keys(&["F1"]);
    tmux.until_with(|s| !s.contains("Keys: lesson"), "the help closed", SCREEN_WAIT);

    // Code blocks of "Configure the master": copy, mark, paste into the console.
    keys.step_to(&tmux, "Step 3/12: Configure the master");
    keys.press(Pane::Lesson, "copy the marked code block", "y");
    tmux.until_shown("asked the terminal to copy 3 lines (OSC 52)");
    let copied = tmux.clipboard().unwrap_or_default();
    assert!(copied.contains("log-bin   = mysql-bin"), "the clipboard holds {copied:?}");
    keys.press(Pane::Lesson, "mark the previous / next code block", "]");
    keys.press(Pane::Lesson, "mark the previous / next code block", "]");
    keys.press(Pane::Lesson, "copy the marked code block", "y");
    tmux.until_with(|_| tmux.clipboard().is_some_and(|c| c.contains("SHOW BINARY LOGS;")), "the SQL block copied", SCREEN_WAIT);
    keys.press(Pane::Lesson, "mark the previous / next code block", "[");
    keys.press(Pane::Lesson, "copy the marked code block", "y");
    tmux.until_with(|_| tmux.clipboard().is_some_and(|c| c.contains("server-id = 1")), "the ini block copied again", SCREEN_WAIT);
    keys.press(Pane::Lesson, "mark the previous / next code block", "]");
    keys.press(Pane::Lesson, "put the marked SQL into the console", "v");
    tmux.until_shown("master> SHOW VARIABLES LIKE 'server_id';");
    keys.press(Pane::Console, "run the input", "Enter");
    let shown = tmux.until(" log_bin ", Duration::from_secs(20));
    assert!(shown.contains("| server_id     | 1     |"), "{shown}");

    // Editing the console's input.
    tmux.type_text("junk");
    tmux.until_shown("master> junk");
    keys.press(Pane::Console, "cut the word before", "C-u");
    tmux.until_with(|s| !s.contains("master> junk"), "the input cut", SCREEN_WAIT);
    keys.press(Pane::Console, "put back what was cut last", "C-y");
    tmux.until_shown("master> junk");
    keys.press(Pane::Console, "back / on a word", "M-b");
    keys.press(Pane::Console, "cut the word before", "C-k");
    tmux.until_with(|s| !s.contains("master> junk"), "the input cut to its end", SCREEN_WAIT);
    tmux.type_text("SELEC 2");
    keys.press(Pane::Console, "move in the input", "Home");
    for _ in 0..5 {
        keys.press(Pane::Console, "move in the input", "Right");
    }
    tmux.type_text("T");
    keys.press(Pane::Console, "move in the input", "End");
    tmux.type_text(" AS two;x");
    keys.press(Pane::Console, "delete a character", "BSpace");
    keys.press(Pane::Console, "move in the input", "Home");
    keys.press(Pane::Console, "delete a character", "DC");
    tmux.type_text("S");
    keys.press(Pane::Console, "move in the input", "Left");
    tmux.until_shown("master> SELECT 2 AS two;");
    keys.press(Pane::Console, "run the input", "Enter");
    tmux.until_shown("| two |");
    keys.press(Pane::Console, "search earlier inputs", "C-r");
    tmux.type_text("two");
    tmux.until_shown("(search `two`)");
    keys.press(Pane::Console, "search earlier inputs", "C-g");
    tmux.until_with(|s| !s.contains("(search `two`)"), "the search given up", SCREEN_WAIT);
    keys.press(Pane::Console, "line above / below", "Up");
    tmux.until_shown("master> SELECT 2 AS two;");
    keys.press(Pane::Console, "line above / below", "Down");
    tmux.until_with(|s| input_line(s) == "master>", "the history's end: an empty input", SCREEN_WAIT);
    tmux.type_text("SELECT 3 + 4");
    keys.press(Pane::Console, "new line", "M-Enter");
    tmux.type_text("AS seven");
    keys.press(Pane::Console, "new line", "C-j");
    tmux.type_text(";");
    keys.press(Pane::Console, "run the input", "Enter");
    tmux.until_shown("|     7 |");
    keys.press(Pane::Console, "send to the other server", "C-t");
    tmux.until_shown("slave> ");
    keys.press(Pane::Console, "send to the other server", "F2");
    tmux.until_shown("master> ");
    tmux.paste("SELECT seq FROM mysql.seq_1_to_300;");
    keys.press(Pane::Console, "run the input", "Enter");
    // The console follows its output: the newest result shows its end.
    let end = tmux.until_shown("300 rows in set");
    assert!(end.contains("| 300 |"), "{end}");
    keys.press(Pane::Console, "scroll the results", "PPage");
    let earlier = tmux.until_with(|s| !s.contains("300 rows in set"), "an earlier page", SCREEN_WAIT);
    keys.press(Pane::Console, "scroll the results", "NPage");
    tmux.until_with(|s| s != earlier && s.contains("300 rows in set"), "the end again", SCREEN_WAIT);
    tmux.paste("SELECT SLEEP(30);");
    keys.press(Pane::Console, "run the input", "Enter");
    tmux.until_shown("running on the master… Ctrl-C cancels");
    keys.press(Pane::Console, "cancel a statement", "C-c");
    tmux.until(" Query execution was interrupted", Duration::from_secs(10));
    // With nothing running, Ctrl-C clears the input (as the client does) and stays.
    tmux.type_text("SELECT 'typed, then thought better of'");
    tmux.until_shown("thought better of");
    keys.press(Pane::Console, "cancel a statement", "C-c");
    let cleared = tmux.until_shown("input cleared (↑ brings it back)");
    assert_eq!(input_line(&cleared), "master>", "{cleared}");
    keys.press(Pane::Console, "this help", "F1");
    tmux.until_shown("Keys: SQL console");
    tmux.keys(&["F1"]);
    tmux.until_with(|s| !s.contains("Keys: SQL console"), "the help closed", SCREEN_WAIT);
    keys.press(Pane::Console, "close this pane", "Escape");
    tmux.until_with(|s| !s.contains("master> "), "the console closed", SCREEN_WAIT);

    // Panes and the selected server.
    keys.press(Pane::Lesson, "next / previous pane", "Tab");
    tmux.until_shown("┏ Steps and tasks");
    keys.press(Pane::Tasks, "next / previous pane", "BTab");
    tmux.until_shown("┏ Step 3/12");
    keys.press(Pane::Lesson, "next / previous pane", "Tab");
    keys.press(Pane::Tasks, "next / previous pane", "Tab");
    tmux.until_shown("┏ Lab");
    assert!(footer(&tmux.screen()).contains("▸ master"), "{}", tmux.screen());
    keys.press(Pane::Lab, "choose a server", "Down");
    tmux.until_with(|s| footer(s).contains("▸ slave"), "the slave selected", SCREEN_WAIT);
    keys.press(Pane::Lab, "choose a server", "Up");
    tmux.until_with(|s| footer(s).contains("▸ master"), "the master selected", SCREEN_WAIT);
    keys.press(Pane::Lab, "select the other server", "s");
    tmux.until_with(|s| footer(s).contains("▸ slave"), "s selects the other server", SCREEN_WAIT);
    keys.press(Pane::Lab, "select the other server", "s");
    tmux.until_with(|s| footer(s).contains("▸ master"), "and back", SCREEN_WAIT);

    // The editor, a restart, the server's own client.
    keys.press(Pane::Lab, "edit a file of the step", "e");
    tmux.until("master/my.cnf saved — press r to restart the master so it takes effect", EDITED);
    let saved = std::fs::read_to_string(lab.config_file("master")).expect("config");
    assert!(saved.contains("# saved by the test editor"), "{saved}");
    keys.press(Pane::Lab, "restart the selected server", "r");
    tmux.until_shown("restarting the master…");
    tmux.until("The master restarted with its config file.", SLOW);
    keys.press(Pane::Lab, "the selected server's own client", "x");
    let client = tmux.until("MariaDB [(none)]>", Duration::from_secs(30));
    no_secret(&client);
    tmux.paste_plain("SELECT CONCAT('from the ', 'client') AS said;\n");
    let client = tmux.until("| from the client |", Duration::from_secs(10));
    no_secret(&client);
    tmux.paste_plain("exit\n");
    let back = tmux.until("back from the master's client", Duration::from_secs(20));
    no_secret(&back);

    // A step about the slave selects the slave: e opens its file from the lesson pane.
    keys.press(Pane::Lab, "next / previous pane", "Tab");
    tmux.until_shown("┏ Step 3/12");
    keys.step_to(&tmux, "Step 5/12: Configure the slave");
    assert!(footer(&tmux.screen()).contains("▸ slave"), "{}", tmux.screen());
    keys.press(Pane::Lesson, "edit a file of the step", "e");
    tmux.until("slave/my.cnf saved — press r to restart the slave", EDITED);
    // A step that changes the application and no server's file: e asks which file, the
    // step's first, and Enter takes it.
    keys.step_to(&tmux, "Step 8/12: Send reads to the slave");
    keys.press(Pane::Lesson, "edit a file of the step", "e");
    let asked = tmux.until_shown("Edit which file?");
    assert!(asked.contains("1  app/settings.py  then a runs the application"), "{asked}");
    assert!(asked.contains("2  slave/my.cnf     then r restarts the slave"), "{asked}");
    tmux.keys(&["Enter"]);
    tmux.until("app/settings.py saved — press a to run the application with it", EDITED);

    // A crash asks first; declining leaves the server running.
    keys.press(Pane::Lesson, "crash the selected server", "K");
    let asked = tmux.until_shown("This kills the");
    // The step is the slave's: the question says the drill is the master's, and how to get there.
    assert!(footer(&asked).contains("▸ slave"), "{asked}");
    assert!(asked.contains("Crash the slave?"), "{asked}");
    assert!(asked.contains("The drill crashes the master, not the slave: s selects it."), "{asked}");
    tmux.keys(&["n"]);
    tmux.until_with(|s| !s.contains("This kills the"), "the question closed", SCREEN_WAIT);
    tmux.until_with(ready, "both servers still ready", Duration::from_secs(10));

    // Checking, the application, a reset.
    keys.press(Pane::Lesson, "check the tasks now", "g");
    tmux.until_shown("checking the tasks…");
    keys.press(Pane::Lesson, "run the application", "a");
    let ran = tmux.until("the application exited with code 0", SLOW);
    assert!(ran.contains("Reader: 127.0.0.1:"), "{ran}");
    // e works from the application's output, as its footer says.
    assert!(footer(&ran).contains("e edit"), "{ran}");
    keys.press(Pane::Output, "edit a file of the step", "e");
    tmux.until_shown("Edit which file?");
    tmux.keys(&["Escape"]);
    tmux.until_shown("no file opened");
    keys.press(Pane::Output, "close this pane", "Escape");
    tmux.until_with(|s| !s.contains("Reader: 127.0.0.1:"), "the output closed", SCREEN_WAIT);

    keys.press(Pane::Lesson, "reset the lab", "R");
    tmux.until_shown("This removes both servers and their data");
    tmux.keys(&["y"]);
    tmux.until("The lab is fresh: starting files restored, progress cleared.", SLOW);
    tmux.until_with(ready, "both servers ready after the reset", SLOW);
    // The console follows the lab to its new servers: the first statement after a reset runs.
    keys.press(Pane::Lesson, "SQL console", "c");
    tmux.paste("SELECT 'after the reset' AS fresh;");
    keys.press(Pane::Console, "run the input", "Enter");
    let fresh = tmux.until("| after the reset |", Duration::from_secs(30));
    assert!(!fresh.contains("ERROR 2003"), "{fresh}");
    keys.press(Pane::Console, "close this pane", "Escape");
    tmux.until_with(|s| !s.contains("master> "), "the console closed", SCREEN_WAIT);
    no_secret(&tmux.screen());

    keys.press(Pane::Lesson, "quit", "q");
    assert_eq!(tmux.exit_status(), "0", "q quits cleanly");
    let missing = keys.missing();
    assert!(missing.is_empty(), "keys of the key table never pressed in this test: {}", missing.join(", "));
}
