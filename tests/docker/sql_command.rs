//! `sqlcourse day20 sql SERVER [-e SQL]` on a real lab.


use std::io::Write;
use std::process::{Output, Stdio};

use crate::common::TestLab;

fn run(lab: &TestLab, args: &[&str], stdin: &str) -> Output {
    let mut child = lab
        .command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sqlcourse");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("wait for sqlcourse")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn sql_command_runs_statements_and_exits_by_the_result() {
    let Some(lab) = TestLab::new("sqlcmd") else { return };

    let absent = run(&lab, &["sql", "master", "-e", "SELECT 1"], "");
    assert_eq!(absent.status.code(), Some(1));
    let stderr = text(&absent.stderr);
    assert!(stderr.contains("the lab is not running: start it with `sqlcourse day20 up`"), "{stderr}");

    lab.ok(&["up"]);
    let ok = run(&lab, &["sql", "master", "-e", "SELECT 6*7 AS answer; SELECT @@version\\G"], "");
    let stdout = text(&ok.stdout);
    assert!(ok.status.success(), "stdout: {stdout}\nstderr: {}", text(&ok.stderr));
    assert!(stdout.contains("| answer |\n+--------+\n|     42 |"), "{stdout}");
    assert!(
        stdout.contains("*************************** 1. row ***************************\n@@version: 11.8"),
        "{stdout}"
    );
    assert!(stdout.contains("1 row in set ("), "{stdout}");

    let failed = run(&lab, &["sql", "master", "-e", "SELECT 1; SELEC 2"], "");
    assert_eq!(failed.status.code(), Some(1));
    let stderr = text(&failed.stderr);
    assert!(stderr.starts_with("ERROR 1064 (42000): You have an error in your SQL syntax"), "{stderr}");

    let unknown = run(&lab, &["sql", "primary", "-e", "SELECT 1"], "");
    assert_eq!(unknown.status.code(), Some(1));
    assert!(text(&unknown.stderr).contains("choose master or slave"), "{}", text(&unknown.stderr));

    // Piped input: the server's own client reads it to the end, as `mariadb < file.sql` does.
    let out = run(&lab, &["sql", "slave"], "SELECT CONCAT('from ', 'inside') AS place;\n");
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "stdout: {stdout}\nstderr: {}", text(&out.stderr));
    assert_eq!(stdout, "place\nfrom inside\n");

    let out = run(&lab, &["sql", "master"], "SELEC 1;\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("ERROR 1064 (42000)"), "{}", text(&out.stderr));
}
