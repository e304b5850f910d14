//! The lesson screen hands the terminal to the learner's editor and takes it back: run in a
//! pseudo-terminal, with a script as the editor that reports the terminal's mode and reads a
//! line typed at it.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::pty::{Terminal, sqlcourse};

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

    let mut command = sqlcourse(home.path());
    command.env("EDITOR", &editor);
    let mut terminal = Terminal::start(command);
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
    let status = terminal.wait_exit();
    assert!(status.success(), "{status}");
    // It left the alternate screen on the way out.
    terminal.wait_for("\x1b[?1049l", seen);
}
