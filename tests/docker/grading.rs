//! Grading on a real lab, no mocks: a fresh lab has no task done; a scripted learner doing
//! the lesson's steps through SQL and config edits turns the tasks green in order; each wrong
//! move yields its own diagnosis; `solve` takes a fresh lab to done through read-routing (the
//! failover drill is `failover.rs`).


use std::time::{Duration, Instant};

use mysql::prelude::Queryable;
use serde_json::Value;

use crate::common::{TestLab, check, task, text};

/// The lesson's order (`lessons/day20.md`), which is not the lab's task order.
const LESSON_ORDER: [&str; 5] =
    ["master-config", "replication-user", "slave-config", "change-master", "replication-running"];

/// How long a task may take to change after a step (the replica retries and the canary waits).
const SETTLE: Duration = Duration::from_secs(30);

const MASTER_CNF: &str = "[mysqld]\nserver-id = 1\nlog-bin   = mysql-bin\n";
const SLAVE_CNF: &str = "[mysqld]\nserver-id = 2\nread_only = 1\n";
/// The lesson's replication account.
const REPLICATION_USER: &str = "CREATE USER 'replica'@'%' IDENTIFIED BY 'replica-pass'; \
     GRANT REPLICATION SLAVE ON *.* TO 'replica'@'%'";

/// Rounds of `check` until the task satisfies `want`; its last state when it never does.
pub(crate) fn until(lab: &TestLab, id: &str, what: &str, want: impl Fn(&Value) -> bool) -> Vec<Value> {
    let started = Instant::now();
    loop {
        let (_, tasks) = check(lab);
        if want(task(&tasks, id)) {
            return tasks;
        }
        assert!(
            started.elapsed() < SETTLE,
            "{id} is not {what} after {SETTLE:?}: {:#}",
            task(&tasks, id)
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

pub(crate) fn until_done(lab: &TestLab, id: &str) -> Vec<Value> {
    until(lab, id, "done", |t| t["status"] == "done")
}

/// Waits until the task fails with this diagnosis, and returns it.
pub(crate) fn until_diagnosis(lab: &TestLab, id: &str, diagnosis: &str) -> Value {
    let tasks = until(lab, id, &format!("failing with {diagnosis}"), |t| {
        t["status"] == "failing" && t["diagnosis"] == diagnosis
    });
    let got = task(&tasks, id).clone();
    let hint = got["hint"].as_str().unwrap_or_else(|| panic!("{id} has a hint: {got:#}"));
    assert!(!hint.contains('{'), "{id}: hint with an unfilled placeholder: {hint}");
    got
}

pub(crate) fn edit_config(lab: &TestLab, server: &str, text: &str) {
    std::fs::write(lab.config_file(server), text).expect("the learner saves the file");
}

pub(crate) fn restart(lab: &TestLab, server: &str) {
    lab.ok(&["restart", server]);
}

pub(crate) fn run(lab: &TestLab, server: &str, sql: &str) {
    let mut conn = lab.sql(server);
    for statement in sql.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        conn.query_drop(statement).unwrap_or_else(|e| panic!("{statement} on the {server}: {e}"));
    }
}

/// The master's binlog coordinates right now, as the learner reads them.
pub(crate) fn master_status(lab: &TestLab) -> (String, u64) {
    let row: Option<(String, u64, String, String)> =
        lab.sql("master").query_first("SHOW MASTER STATUS").expect("SHOW MASTER STATUS");
    let (file, position, _, _) = row.expect("the master logs binary");
    (file, position)
}

fn change_master(host: &str, file: &str, position: u64) -> String {
    format!(
        "STOP SLAVE; CHANGE MASTER TO MASTER_HOST='{host}', MASTER_PORT=3306, \
         MASTER_USER='replica', MASTER_PASSWORD='replica-pass', \
         MASTER_LOG_FILE='{file}', MASTER_LOG_POS={position}"
    )
}

#[test]
fn a_scripted_learner_turns_the_tasks_green_in_lesson_order() {
    let Some(lab) = TestLab::new("grade-learner") else { return };
    lab.ok(&["up"]);
    let (code, tasks) = check(&lab);
    assert_eq!(code, 1, "a fresh lab is not done");
    for t in &tasks {
        assert_ne!(t["status"], "done", "on a fresh lab: {t:#}");
        assert!(t["reason"].is_string(), "says why: {t:#}");
    }
    assert_eq!(task(&tasks, "change-master")["reason"], "needs `master-config` first: the master has no binary log yet");

    let steps: [&dyn Fn(); 5] = [
        &|| {
            edit_config(&lab, "master", MASTER_CNF);
            restart(&lab, "master");
        },
        &|| {
            run(&lab, "master", REPLICATION_USER);
        },
        &|| {
            edit_config(&lab, "slave", SLAVE_CNF);
            restart(&lab, "slave");
        },
        &|| {
            let (file, position) = master_status(&lab);
            run(&lab, "slave", &change_master("master", &file, position));
        },
        &|| run(&lab, "slave", "START SLAVE"),
    ];
    for (i, step) in steps.iter().enumerate() {
        step();
        let tasks = until_done(&lab, LESSON_ORDER[i]);
        for (j, id) in LESSON_ORDER.iter().enumerate() {
            let status = &task(&tasks, id)["status"];
            if j <= i {
                assert_eq!(status, "done", "after step {}: {id}", LESSON_ORDER[i]);
            } else {
                assert_ne!(status, "done", "after step {}: {id} is early", LESSON_ORDER[i]);
            }
        }
    }
    let (code, tasks) = check(&lab);
    assert_eq!(code, 1, "read-routing is still to do");
    assert_eq!(task(&tasks, "read-routing")["diagnosis"], "routing-not-run");
    let list = std::process::Command::new(env!("CARGO_BIN_EXE_sqlcourse"))
        .arg("list")
        .env("XDG_DATA_HOME", lab.data_home())
        .output()
        .expect("sqlcourse list runs");
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(listed.contains("day20") && listed.contains(" 5/8"), "{listed}");
}

#[test]
fn each_wrong_move_gets_its_own_hint() {
    let Some(lab) = TestLab::new("grade-wrong") else { return };
    lab.ok(&["up"]);

    // log-bin forgotten on the master.
    edit_config(&lab, "master", "[mysqld]\nserver-id = 1\n");
    restart(&lab, "master");
    let got = until_diagnosis(&lab, "master-config", "config-missing");
    assert!(got["reason"].as_str().is_some_and(|r| r.starts_with("log-bin is not set")), "{got:#}");

    // log-bin misspelt: named before the restart that the server would not survive.
    edit_config(&lab, "master", "[mysqld]\nserver-id = 1\nlog_bn = mysql-bin\n");
    let got = until_diagnosis(&lab, "master-config", "config-misspelt");
    assert!(got["reason"].as_str().is_some_and(|r| r.contains("line 3 says log_bn, which is not log-bin")), "{got:#}");
    assert!(got["hint"].as_str().is_some_and(|h| h.contains("says log_bn: write log-bin there")), "{got:#}");

    // Config edited but not restarted.
    edit_config(&lab, "master", MASTER_CNF);
    let got = until_diagnosis(&lab, "master-config", "not-applied");
    assert!(got["hint"].as_str().is_some_and(|h| h.contains("Restart the master")), "{got:#}");
    restart(&lab, "master");
    until_done(&lab, "master-config");

    // The slave left at server_id 1, replicating from nobody yet: a restart is the whole fix.
    edit_config(&lab, "slave", "[mysqld]\nserver-id = 1\n");
    restart(&lab, "slave");
    let got = until_diagnosis(&lab, "slave-config", "server-id-taken");
    let hint = got["hint"].as_str().unwrap_or_default();
    assert!(hint.contains("restart the slave") && !hint.contains("SLAVE;"), "{got:#}");

    // A replication account for 'localhost' only.
    run(
        &lab,
        "master",
        "CREATE USER 'replica'@'localhost' IDENTIFIED BY 'replica-pass'; \
         GRANT REPLICATION SLAVE ON *.* TO 'replica'@'localhost'",
    );
    let got = until_diagnosis(&lab, "replication-user", "account-localhost-only");
    assert!(got["reason"].as_str().is_some_and(|r| r.contains("'replica'@'localhost'")), "{got:#}");
    run(&lab, "master", REPLICATION_USER);
    until_done(&lab, "replication-user");

    // A log file name that the master does not have.
    let (_, position) = master_status(&lab);
    run(&lab, "slave", &change_master("master", "mysql-bin.000099", position));
    let got = until_diagnosis(&lab, "change-master", "wrong-log-file");
    assert!(got["reason"].as_str().is_some_and(|r| r.contains("mysql-bin.000099")), "{got:#}");

    // MASTER_HOST='master_ip' copied from a tutorial: the IO thread cannot resolve it.
    let (file, position) = master_status(&lab);
    run(&lab, "slave", &format!("{}; START SLAVE", change_master("master_ip", &file, position)));
    let got = until_diagnosis(&lab, "change-master", "unknown-host");
    assert!(got["hint"].as_str().is_some_and(|h| h.contains("MASTER_HOST='master'")), "{got:#}");

    // Pointed right, but the slave still runs with the master's server_id.
    let (file, position) = master_status(&lab);
    run(&lab, "slave", &format!("{}; START SLAVE", change_master("master", &file, position)));
    until_done(&lab, "change-master");
    until_diagnosis(&lab, "replication-running", "equal-server-ids");
    // Now a replica: the restart that gives it its id starts its threads again too.
    let got = until_diagnosis(&lab, "slave-config", "equal-server-ids");
    assert!(got["hint"].as_str().is_some_and(|h| h.contains("its replication threads start again with it")), "{got:#}");

    // Its own id saved: the restart is all that is missing.
    edit_config(&lab, "slave", SLAVE_CNF);
    let got = until_diagnosis(&lab, "replication-running", "not-applied");
    assert!(got["hint"].as_str().is_some_and(|h| h.contains("Restart the slave")), "{got:#}");
    // The restart starts its replication threads with it.
    restart(&lab, "slave");
    until_done(&lab, "replication-running");
}

#[test]
fn solve_takes_a_fresh_lab_to_done_and_reset_starts_over() {
    let Some(lab) = TestLab::new("grade-solve") else { return };
    lab.ok(&["up"]);
    let solved = lab.ok(&["solve", "replication-running"]);
    assert!(solved.contains("day20: 5/8 tasks done"), "{solved}");
    let (code, tasks) = check(&lab);
    assert_eq!(code, 1);
    let later = ["read-routing", "failover", "rejoin"];
    for t in &tasks {
        let expected = if later.contains(&t["id"].as_str().unwrap_or("")) { "pending" } else { "done" };
        assert_eq!(t["status"], expected, "after solve up to replication-running: {t:#}");
    }
    // The solution of read-routing is the application's routing change, and a run of it.
    let solved = lab.ok(&["solve", "read-routing"]);
    assert!(solved.contains("day20: 6/8 tasks done"), "{solved}");
    let settings = std::fs::read_to_string(lab.workspace().join("app/settings.py")).expect("settings");
    let slave_port = lab.server("slave")["port"].to_string();
    assert!(settings.contains(&format!("127.0.0.1:{slave_port}/shop")), "{settings}");
    let (code, tasks) = check(&lab);
    assert_eq!(code, 1, "the failover drill is left: {tasks:#?}");
    assert_eq!(task(&tasks, "read-routing")["status"], "done", "{tasks:#?}");
    // Solving again leaves the done tasks alone.
    let again = lab.sqlcourse(&["solve", "replication-running"]);
    assert!(again.status.success(), "{}", text(&again));
    assert!(String::from_utf8_lossy(&again.stderr).contains("change-master: already done"), "{}", text(&again));

    lab.ok(&["reset", "--yes"]);
    let (_, tasks) = check(&lab);
    for t in &tasks {
        assert_ne!(t["status"], "done", "after reset: {t:#}");
    }
    let progress = lab.data_home().join("sqlcourse/progress/day20.json");
    let kept: Value = serde_json::from_str(&std::fs::read_to_string(&progress).unwrap_or_default())
        .unwrap_or(Value::Null);
    assert!(
        kept["completed"].as_object().is_none_or(|c| c.is_empty()),
        "reset cleared the progress: {kept:#}"
    );
}

#[test]
fn a_corrupted_progress_file_is_set_aside_and_list_goes_on() {
    let data = tempfile::tempdir().expect("a temp dir");
    let dir = data.path().join("sqlcourse/progress");
    std::fs::create_dir_all(&dir).expect("progress folder");
    std::fs::write(dir.join("day20.json"), "{\"completed\": [oops").expect("a corrupted file");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sqlcourse"))
        .arg("list")
        .env("XDG_DATA_HOME", data.path())
        .output()
        .expect("sqlcourse list runs");
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains(" 0/8"), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("could not be read"), "{}", text(&out));
    let names: Vec<String> = std::fs::read_dir(&dir)
        .expect("listing")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].starts_with("day20.json.corrupt-"), "{names:?}");
}

// MySQL 8.4, on a real server when SQLCOURSE_MYSQL_IMAGE names a local image.

/// The source's coordinates in MySQL 8.4's words.
fn binary_log_status(lab: &TestLab) -> (String, u64) {
    let row: Option<mysql::Row> =
        lab.sql("master").query_first("SHOW BINARY LOG STATUS").expect("SHOW BINARY LOG STATUS");
    let row = row.expect("the source logs binary");
    (row.get(0).expect("File"), row.get(1).expect("Position"))
}

fn change_source(file: &str, position: u64, extra: &str) -> String {
    format!(
        "STOP REPLICA; CHANGE REPLICATION SOURCE TO SOURCE_HOST='master', SOURCE_PORT=3306, \
         SOURCE_USER='replica', SOURCE_PASSWORD='replica-pass', \
         SOURCE_LOG_FILE='{file}', SOURCE_LOG_POS={position}{extra}"
    )
}

#[test]
fn a_learner_on_mysql_meets_its_defaults_and_the_caching_sha2_trap() {
    let Some(lab) = TestLab::mysql("mysql-learner") else { return };
    lab.ok(&["up"]);
    for server in ["master", "slave"] {
        let entry = lab.server(server);
        eprintln!("{server}: MySQL {}", entry["version"]);
        assert_eq!(entry["engine"], "mysql", "{entry}");
        assert_eq!(entry["log_bin"], true, "MySQL logs binary by default: {entry}");
        assert_eq!(entry["server_id"], 1, "{entry}");
    }
    let (code, tasks) = check(&lab);
    assert_eq!(code, 1);
    assert!(tasks.iter().all(|t| t["status"] != "done"), "{tasks:#?}");

    // Saved but not restarted: MySQL logs anyway, under its default name.
    edit_config(&lab, "master", MASTER_CNF);
    let got = until_diagnosis(&lab, "master-config", "not-applied");
    assert!(got["reason"].as_str().is_some_and(|r| r.contains("binlog.*")), "{got:#}");
    restart(&lab, "master");
    until_done(&lab, "master-config");

    run(&lab, "master", REPLICATION_USER);
    until_done(&lab, "replication-user");
    edit_config(&lab, "slave", SLAVE_CNF);
    restart(&lab, "slave");
    until_done(&lab, "slave-config");

    // Pointed without the source's key: caching_sha2_password refuses, error 2061.
    let (file, position) = binary_log_status(&lab);
    run(&lab, "slave", &format!("{}; START REPLICA", change_source(&file, position, "")));
    let got = until_diagnosis(&lab, "change-master", "caching-sha2");
    assert!(got["hint"].as_str().is_some_and(|h| h.contains("GET_SOURCE_PUBLIC_KEY=1")), "{got:#}");
    let error = (0..100)
        .find_map(|_| {
            let error = lab.server("slave")["replication"]["last_error"].as_str().map(str::to_owned);
            error.filter(|e| e.contains("Authentication requires secure connection")).or_else(|| {
                std::thread::sleep(Duration::from_millis(100));
                None
            })
        })
        .expect("the IO thread reports error 2061 in the words the fixtures use");
    eprintln!("the replica says: {error}");

    let (file, position) = binary_log_status(&lab);
    let fixed = change_source(&file, position, ", GET_SOURCE_PUBLIC_KEY=1");
    run(&lab, "slave", &format!("{fixed}; START REPLICA"));
    until_done(&lab, "change-master");
    until_done(&lab, "replication-running");

    // The console: \G in MySQL's words, and the classic words answered with the 8.4 ones.
    let out = lab.ok(&["sql", "slave", "-e", "SHOW REPLICA STATUS\\G"]);
    assert!(out.contains("Replica_IO_Running: Yes"), "{out}");
    let out = lab.sqlcourse(&["sql", "slave", "-e", "STOP SLAVE"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("write STOP REPLICA"), "{}", text(&out));
}

#[test]
fn solve_on_mysql_uses_its_words_and_the_lab_keeps_its_engine() {
    let Some(mut lab) = TestLab::mysql("mysql-solve") else { return };
    lab.ok(&["up"]);
    let solved = lab.ok(&["solve", "replication-running"]);
    assert!(solved.contains("day20: 5/8 tasks done"), "{solved}");
    let (_, tasks) = check(&lab);
    let later = ["read-routing", "failover", "rejoin"];
    for t in &tasks {
        let expected = if later.contains(&t["id"].as_str().unwrap_or("")) { "pending" } else { "done" };
        assert_eq!(t["status"], expected, "after solve on MySQL: {t:#}");
    }
    // Without --engine, later commands find the lab's engine on its containers.
    lab.env.retain(|(k, _)| k != "SQLCOURSE_ENGINE");
    assert_eq!(lab.server("slave")["engine"], "mysql");
    lab.ok(&["up"]);
    lab.env.push(("SQLCOURSE_ENGINE".to_owned(), "mariadb".to_owned()));
    let out = lab.sqlcourse(&["up"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("reset --engine mariadb"), "{}", text(&out));
}
