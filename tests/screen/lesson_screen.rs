//! `sqlcourse DAY` from the outside: what a learner sees when the lesson cannot be shown.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content")
}

/// A copy of the fixture course with its lesson replaced.
fn course_with_lesson(lesson: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let labs = dir.path().join("labs/day20");
    std::fs::create_dir_all(&labs).expect("labs folder");
    std::fs::create_dir_all(dir.path().join("lessons")).expect("lessons folder");
    std::fs::copy(fixture().join("labs/day20/lab.toml"), labs.join("lab.toml")).expect("lab.toml");
    std::fs::write(dir.path().join("lessons/day20.md"), lesson).expect("lesson");
    dir
}

fn sqlcourse(content: &Path, home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sqlcourse"))
        .arg("--content")
        .arg(content)
        .arg("day20")
        .env("SQLCOURSE_HOME", home)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("runs sqlcourse")
}

fn assert_message(output: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line, no backtrace: {stderr}");
    assert!(stderr.contains(expected), "expected {expected:?} in {stderr}");
}

#[test]
fn a_malformed_lesson_names_the_file_and_line() {
    let home = tempfile::tempdir().expect("temp dir");
    let good = std::fs::read_to_string(fixture().join("lessons/day20.md")).expect("fixture lesson");

    let stray = good.replacen("## Introduction", "Stray words.\n\n## Introduction", 1);
    let course = course_with_lesson(&stray);
    let file = course.path().join("lessons/day20.md");
    let output = sqlcourse(course.path(), home.path());
    assert_message(&output, &format!("{}:3: text before the first step", file.display()));

    let engine = good.replacen("```sql mysql", "```sql postgres", 1);
    let line = engine.lines().position(|l| l.starts_with("```sql postgres")).expect("tag replaced") + 1;
    let course = course_with_lesson(&engine);
    let file = course.path().join("lessons/day20.md");
    let output = sqlcourse(course.path(), home.path());
    assert_message(&output, &format!("{}:{line}: unknown word `postgres`", file.display()));

    let untaught = good.replace("<!-- tasks: read-routing, failover, rejoin -->", "<!-- tasks: failover, rejoin -->");
    let course = course_with_lesson(&untaught);
    let output = sqlcourse(course.path(), home.path());
    assert_message(&output, "no step teaches task `read-routing`");
}

#[test]
fn without_a_terminal_the_lesson_says_what_to_do() {
    let home = tempfile::tempdir().expect("temp dir");
    let output = sqlcourse(&fixture(), home.path());
    assert_message(
        &output,
        "the lesson needs a terminal: run `sqlcourse day20` in a terminal window",
    );
}

#[test]
fn an_unclosed_fence_names_the_file_and_line() {
    let home = tempfile::tempdir().expect("temp dir");
    let good = std::fs::read_to_string(fixture().join("lessons/day20.md")).expect("fixture lesson");
    // The last block loses its closing fence: Markdown would show the rest as code.
    let close = good.rfind("\n```\n").expect("a closing fence");
    let unclosed = format!("{}\n{}", &good[..close], &good[close + 5..]);
    let opening = good[..close].rfind("\n```").expect("its opening fence");
    let line = good[..opening + 1].lines().count() + 1;
    let course = course_with_lesson(&unclosed);
    let file = course.path().join("lessons/day20.md");
    let output = sqlcourse(course.path(), home.path());
    assert_message(
        &output,
        &format!("{}:{line}: this code block's fence is never closed", file.display()),
    );
}

#[test]
fn a_missing_content_folder_is_named() {
    let home = tempfile::tempdir().expect("temp dir");
    let missing = home.path().join("no-such-course");
    let output = sqlcourse(&missing, home.path());
    assert_message(&output, &format!("the content folder {} does not exist", missing.display()));
    let empty = tempfile::tempdir().expect("temp dir");
    let output = sqlcourse(empty.path(), home.path());
    assert_message(
        &output,
        &format!(
            "{} is not a course folder: it has no lessons/ and no labs/ folder",
            empty.path().display()
        ),
    );
}
