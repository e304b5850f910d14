//! Opening files in the user's editor, with real programs standing in for the editor.

use std::path::{Path, PathBuf};

use sqlcourse::learner::editor::{Editor, FileChange};

/// Writes a script that appends its first argument (or a fixed line) to the file
/// given last, as an editor would save an edit.
fn append_script(dir: &Path) -> PathBuf {
    let script = dir.join("append-editor");
    let body = "#!/bin/sh\n# The file is the last argument; a line to add may come first.\n\
                for file; do :; done\n\
                if [ $# -gt 1 ]; then line=\"$1\"; else line='server_id = 1'; fi\n\
                printf '%s\\n' \"$line\" >> \"$file\"\n";
    std::fs::write(&script, body).expect("write script");
    script
}

fn config(dir: &Path) -> PathBuf {
    // A space in the name: the path must reach the editor as one word, with no shell between.
    let file = dir.join("my config.cnf");
    std::fs::write(&file, "[mysqld]\n").expect("write config");
    file
}

#[test]
fn an_editor_that_saves_a_change_is_reported_as_changed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = append_script(dir.path());
    let file = config(dir.path());
    // Run through `sh`: executing a script just written races with other tests' forks
    // holding its write handle ("Text file busy").
    let editor = Editor::from_command(&format!("sh '{}'", script.display())).expect("editor");
    assert_eq!(editor.open(&file).expect("edit"), FileChange::Changed);
    assert_eq!(std::fs::read_to_string(&file).expect("read"), "[mysqld]\nserver_id = 1\n");
}

#[test]
fn an_editor_command_with_arguments_gets_them_as_separate_words() {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = append_script(dir.path());
    let file = config(dir.path());
    let command = format!("sh '{}' 'log_bin = mysql-bin'", script.display());
    let editor = Editor::from_command(&command).expect("editor");
    assert_eq!(editor.open(&file).expect("edit"), FileChange::Changed);
    assert_eq!(std::fs::read_to_string(&file).expect("read"), "[mysqld]\nlog_bin = mysql-bin\n");
}

#[test]
fn an_editor_closed_without_saving_leaves_the_file_unchanged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = config(dir.path());
    let editor = Editor::from_command("true").expect("editor");
    assert_eq!(editor.open(&file).expect("edit"), FileChange::Unchanged);
}

#[test]
fn an_editor_that_fails_or_is_missing_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = config(dir.path());
    let failing = Editor::from_command("false").expect("editor");
    let err = failing.open(&file).expect_err("a failing editor is an error");
    assert!(err.to_string().contains("the editor `false` stopped with exit status: 1"), "{err}");

    let missing = Editor::from_command("no-such-editor-anywhere --wait").expect("editor");
    let err = missing.open(&file).expect_err("a missing editor is an error");
    assert!(
        err.to_string().contains("cannot start the editor `no-such-editor-anywhere --wait`"),
        "{err}"
    );
}
