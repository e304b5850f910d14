//! The failover drill on real servers: the master is killed like a power cut, the slave is
//! promoted, the application moves to it, the old master rejoins as its replica. Both tasks
//! are proven both ways (pending, then done after the reference solution), each wrong move
//! of the lesson gets its own diagnosis, and `reset` brings a crashed server back.

use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::common::{TestLab, check, task, text};
use crate::grading::{edit_config, restart, run, until, until_diagnosis, until_done};

/// The promoted slave's config: its binary log kept, read_only gone.
const PROMOTED_CNF: &str = "[mysqld]\nserver-id = 2\nlog-bin = mysql-bin\nlog_slave_updates = ON\n";

/// The old master's config for its rejoin.
const REJOIN_CNF: &str = "[mysqld]\nserver-id = 1\nlog-bin = mysql-bin\nread_only = 1\n";

const PROMOTE: &str = "STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only = OFF";

const SLAVE_ACCOUNT: &str = "CREATE USER IF NOT EXISTS 'replica'@'%' IDENTIFIED BY 'replica-pass'; \
     GRANT REPLICATION SLAVE ON *.* TO 'replica'@'%'";

const REJOIN_BY_GTID: &str = "STOP SLAVE; CHANGE MASTER TO MASTER_HOST='slave', MASTER_PORT=3306, \
     MASTER_USER='replica', MASTER_PASSWORD='replica-pass', MASTER_USE_GTID=current_pos; START SLAVE";

/// A lab solved up to read-routing: replication runs, the application reads from the slave.
fn routed(test: &str) -> Option<TestLab> {
    let lab = TestLab::new(test)?;
    lab.ok(&["up"]);
    lab.ok(&["solve", "read-routing"]);
    Some(lab)
}

/// Runs the workspace application as the learner does, as a run of its own (the course
/// splits runs at pauses of 2 s).
fn run_app(lab: &TestLab) -> String {
    std::thread::sleep(Duration::from_millis(2300));
    let out = Command::new("python3")
        .arg("app.py")
        .current_dir(lab.workspace().join("app"))
        .output()
        .expect("python3 runs the app");
    text(&out)
}

/// Points both of the application's URLs at one server's port.
fn app_on(lab: &TestLab, server: &str) {
    let port = lab.server(server)["port"].as_u64().expect("a port");
    let url = format!("mysql+pymysql://app:shop-app-pw@127.0.0.1:{port}/shop");
    let settings = format!("WRITER_URL = \"{url}\"\nREADER_URL = \"{url}\"\n");
    std::fs::write(lab.workspace().join("app/settings.py"), settings).expect("writes settings");
}

fn status_of(lab: &TestLab, id: &str) -> Value {
    let (_, tasks) = check(lab);
    task(&tasks, id).clone()
}

#[test]
fn solve_fails_over_and_rejoins_and_reset_brings_the_crashed_server_back() {
    let Some(lab) = TestLab::new("ha-solve") else { return };
    lab.ok(&["up"]);
    let (_, tasks) = check(&lab);
    assert_eq!(task(&tasks, "failover")["status"], "pending", "{tasks:#?}");
    assert_eq!(task(&tasks, "rejoin")["status"], "pending", "{tasks:#?}");

    lab.ok(&["solve", "read-routing"]);
    // The monitor: the master's binary log and its replica, the slave's two positions.
    let master = lab.server("master");
    assert!(master["binlog"]["file"].as_str().is_some_and(|f| f.starts_with("mysql-bin.")), "{master:#}");
    assert_eq!(master["replicas"].as_array().map(Vec::len), Some(1), "{master:#}");
    let slave = lab.server("slave");
    assert!(slave["replication"]["received"]["position"].as_u64().is_some(), "{slave:#}");
    assert!(slave["health"]["lines"][1].as_str().is_some_and(|l| l.starts_with("received ")), "{slave:#}");
    let failover = status_of(&lab, "failover");
    assert_eq!(failover["status"], "pending", "{failover:#}");
    assert_eq!(failover["diagnosis"], "failover-not-started", "{failover:#}");

    let solved = lab.ok(&["solve", "failover"]);
    assert!(solved.contains("day20: 7/8 tasks done"), "{solved}");
    assert_eq!(lab.server("master")["state"], "exited", "the master was crashed");
    let (_, tasks) = check(&lab);
    for t in &tasks {
        let expected = if t["id"] == "rejoin" { "pending" } else { "done" };
        assert_eq!(t["status"], expected, "after solve failover (earlier tasks kept): {t:#}");
    }
    assert_eq!(task(&tasks, "rejoin")["diagnosis"], "old-source-down", "{tasks:#?}");

    let solved = lab.ok(&["solve", "rejoin"]);
    assert!(solved.contains("day20: 8/8 tasks done"), "{solved}");
    let (code, tasks) = check(&lab);
    assert_eq!(code, 0, "{tasks:#?}");
    let master = lab.server("master");
    assert_eq!(master["replication"]["io_running"], "Yes", "{master:#}");
    assert!(master["health"]["summary"].as_str().is_some_and(|s| s.starts_with("IO ✓ SQL ✓")), "{master:#}");
    // The table says a replica's threads once, in its column; the promoted slave is not one.
    let table = lab.ok(&["status"]);
    assert!(table.contains("AS A REPLICA"), "{table}");
    assert_eq!(table.matches("IO Yes").count(), 1, "{table}");
    assert!(table.lines().any(|l| l.trim_start().starts_with("slave") && l.ends_with("not configured")), "{table}");

    // A crashed server comes back with the rest on reset.
    lab.ok(&["crash", "slave"]);
    assert_eq!(lab.server("slave")["state"], "exited");
    lab.ok(&["reset", "--yes"]);
    for server in ["master", "slave"] {
        let s = lab.server(server);
        assert_eq!(s["state"], "running", "{s:#}");
        assert_eq!(s["replication"]["configured"], false, "{s:#}");
    }
    let (_, tasks) = check(&lab);
    for t in &tasks {
        assert_ne!(t["status"], "done", "after reset: {t:#}");
    }
}

#[test]
fn crash_refuses_a_server_that_is_not_running_or_not_in_the_lab() {
    let Some(lab) = TestLab::new("ha-crash") else { return };
    lab.ok(&["up"]);
    let out = lab.sqlcourse(&["crash", "mastr"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("there is no server `mastr`"), "{}", text(&out));
    lab.ok(&["crash", "master"]);
    let master = lab.server("master");
    assert_eq!(master["state"], "exited", "{master:#}");
    let out = lab.sqlcourse(&["crash", "master"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("not running"), "{}", text(&out));
    // Reopening the lab (`up`, as the lesson screen does) leaves a crashed server down.
    lab.ok(&["up"]);
    assert_eq!(lab.server("master")["state"], "exited", "up does not bring a crashed server back");
    // Its data is kept: `restart` brings it back with the seed's tables.
    restart(&lab, "master");
    run(&lab, "master", "SELECT COUNT(*) FROM shop.customers");
}

/// Promoting in the wrong order: each step left out has its own reason and hint.
#[test]
fn each_wrong_move_of_the_promotion_gets_its_own_hint() {
    let Some(lab) = routed("ha-promote") else { return };
    lab.ok(&["crash", "master"]);
    until(&lab, "failover", "waiting for the promotion", |t| t["diagnosis"] == "not-promoted");

    // RESET SLAVE ALL without SET GLOBAL read_only = OFF.
    run(&lab, "slave", "STOP SLAVE; RESET SLAVE ALL");
    let got = until_diagnosis(&lab, "failover", "promoted-read-only");
    assert!(got["hint"].as_str().is_some_and(|h| h.contains("SET GLOBAL read_only = OFF")), "{got:#}");

    // Writable now, but read_only is still in its config file.
    run(&lab, "slave", "SET GLOBAL read_only = OFF");
    let got = until_diagnosis(&lab, "failover", "read-only-in-config");
    assert!(got["reason"].as_str().is_some_and(|r| r.contains("slave/my.cnf")), "{got:#}");

    // The application still sends its writes to the dead master.
    edit_config(&lab, "slave", PROMOTED_CNF);
    let got = until_diagnosis(&lab, "failover", "app-on-dead-source");
    assert!(got["hint"].as_str().is_some_and(|h| h.contains("WRITER_URL")), "{got:#}");
    assert!(got["hint"].as_str().is_some_and(|h| h.contains("still talks to the dead master")), "{got:#}");
    let output = run_app(&lab);
    // Refused, or dropped by Docker's port proxy: either way no server answers there.
    assert!(output.contains("Error 2003") || output.contains("Error 2013"), "the app cannot reach the master: {output}");
    until_diagnosis(&lab, "failover", "app-on-dead-source");

    // Moved to the slave: done.
    app_on(&lab, "slave");
    let output = run_app(&lab);
    assert!(output.contains("exit Some(0)"), "{output}");
    until_done(&lab, "failover");
}

/// A slave that keeps no binary log cannot be a master: nothing could replicate from it.
#[test]
fn promoting_a_slave_without_its_own_binary_log_is_refused() {
    let Some(lab) = routed("ha-nobinlog") else { return };
    edit_config(&lab, "slave", "[mysqld]\nserver-id = 2\nread_only = 1\n");
    restart(&lab, "slave");
    until_done(&lab, "replication-running");
    lab.ok(&["crash", "master"]);
    run(&lab, "slave", PROMOTE);
    let got = until_diagnosis(&lab, "failover", "promoted-no-binlog");
    assert!(got["reason"].as_str().is_some_and(|r| r.contains("keeps no binary log")), "{got:#}");
    assert!(got["hint"].as_str().is_some_and(|h| h.contains("log_slave_updates")), "{got:#}");
}

/// The lesson's lag step, then a crash: what the slave received but did not apply would be
/// lost by a promotion now.
#[test]
fn promoting_before_the_slave_applied_what_it_received_is_caught() {
    let Some(lab) = routed("ha-unapplied") else { return };
    run(&lab, "slave", "STOP SLAVE SQL_THREAD");
    run(
        &lab,
        "master",
        "CREATE DATABASE IF NOT EXISTS demo; \
         CREATE TABLE demo.burst (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(100)); \
         INSERT INTO demo.burst (note) VALUES ('one'), ('two'), ('three')",
    );
    // The monitor shows it: received ahead of applied.
    let mut slave = lab.server("slave");
    for _ in 0..50 {
        let r = &slave["replication"];
        if r["received"]["position"].as_u64() > r["applied"]["position"].as_u64() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        slave = lab.server("slave");
    }
    let r = &slave["replication"];
    assert!(r["received"]["position"].as_u64() > r["applied"]["position"].as_u64(), "{slave:#}");
    let summary = slave["health"]["summary"].as_str().unwrap_or_default();
    assert!(summary.contains(" applied") && !summary.contains("all applied"), "{slave:#}");
    // While the master lives this is only the lesson's lag step; dead, it is a loss in waiting.
    assert_eq!(status_of(&lab, "failover")["diagnosis"], "failover-not-started");
    lab.ok(&["crash", "master"]);
    let got = until_diagnosis(&lab, "failover", "promoted-unapplied");
    assert!(got["reason"].as_str().is_some_and(|r| r.contains("applied only")), "{got:#}");
    assert!(got["hint"].as_str().is_some_and(|h| h.contains("START SLAVE SQL_THREAD")), "{got:#}");
    // Following the hint lets the SQL thread catch up; then the promotion loses nothing.
    run(&lab, "slave", "START SLAVE SQL_THREAD");
    until(&lab, "failover", "caught up", |t| t["diagnosis"] == "not-promoted");
}

/// A promotion that threw away what the slave had received stays failing, for `check` (a
/// process of its own each time) as for the screen: first by what the slave showed before
/// RESET SLAVE ALL, then, with the old master back, by its GTIDs; its rejoin is refused as
/// diverged, with the lab's way out.
#[test]
fn a_promotion_that_lost_transactions_stays_failing_through_the_rejoin() {
    let Some(lab) = routed("ha-lost") else { return };
    run(&lab, "slave", "STOP SLAVE SQL_THREAD");
    run(
        &lab,
        "master",
        "CREATE DATABASE IF NOT EXISTS demo; \
         CREATE TABLE demo.late (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(100)); \
         INSERT INTO demo.late (note) VALUES ('late 1'), ('late 2')",
    );
    until(&lab, "failover", "received ahead of applied", |_| {
        let r = &lab.server("slave")["replication"];
        r["received"]["position"].as_u64() > r["applied"]["position"].as_u64()
    });
    lab.ok(&["crash", "master"]);
    until_diagnosis(&lab, "failover", "promoted-unapplied");
    run(&lab, "slave", PROMOTE);
    let got = until_diagnosis(&lab, "failover", "promoted-lost");
    assert!(got["reason"].as_str().is_some_and(|r| r.contains("the rest is lost")), "{got:#}");
    assert!(got["hint"].as_str().is_some_and(|h| h.contains("sqlcourse day20 reset")), "{got:#}");

    // Everything else put right: the slave logs, the old master is back read-only, the app
    // moved. Still lost, and the old master's GTIDs agree.
    edit_config(&lab, "slave", PROMOTED_CNF);
    restart(&lab, "slave");
    edit_config(&lab, "master", REJOIN_CNF);
    restart(&lab, "master");
    app_on(&lab, "slave");
    let output = run_app(&lab);
    assert!(output.contains("exit Some(0)"), "{output}");
    let got = until_diagnosis(&lab, "failover", "promoted-lost");
    assert_eq!(got["status"], "failing", "{got:#}");

    // The rejoin asks the slave for a GTID it never had.
    run(&lab, "slave", SLAVE_ACCOUNT);
    run(&lab, "master", REJOIN_BY_GTID);
    let got = until_diagnosis(&lab, "rejoin", "histories-diverged");
    let reason = got["reason"].as_str().unwrap_or_default();
    let hint = got["hint"].as_str().unwrap_or_default();
    // MariaDB numbers the domain's transactions across both servers: a range, not a count.
    assert!(reason.contains("the master holds transactions after #") && reason.contains("(server 1)"), "{got:#}");
    assert!(hint.contains("sqlcourse day20 reset") && !hint.contains("Fix the cause"), "{got:#}");

    // Even with what the slave showed before its reset forgotten, the old master's GTIDs
    // keep the drill failing.
    std::fs::remove_file(lab.workspace().join(".replicas-last-seen.json")).expect("the kept statuses");
    let got = status_of(&lab, "failover");
    assert_eq!(got["status"], "failing", "the old master's GTIDs still tell: {got:#}");
}

/// The old master back writable: a writable second server, and once written to, split brain.
#[test]
fn the_old_master_started_writable_and_written_to_is_split_brain() {
    let Some(lab) = routed("ha-split") else { return };
    lab.ok(&["solve", "failover"]);
    restart(&lab, "master");
    let got = until_diagnosis(&lab, "rejoin", "old-source-writable");
    assert!(got["hint"].as_str().is_some_and(|h| h.contains("read_only")), "{got:#}");
    assert_eq!(status_of(&lab, "failover")["diagnosis"], "old-source-writable");
    run(&lab, "master", "INSERT INTO shop.customers (name, email) VALUES ('Split', 'split@brain')");
    let got = until_diagnosis(&lab, "rejoin", "split-brain");
    let reason = got["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("the master took 1 transaction (server 1"), "{got:#}");
    assert!(reason.contains("the slave took"), "{got:#}");

    // Made read-only afterwards, and pointed at the slave: still split brain, which the
    // slave's refusal (1236, diverged) does not hide.
    run(&lab, "master", "SET GLOBAL read_only = ON");
    assert_eq!(status_of(&lab, "failover")["diagnosis"], "split-brain");
    run(&lab, "slave", SLAVE_ACCOUNT);
    run(&lab, "master", REJOIN_BY_GTID);
    until(&lab, "rejoin", "refused with 1236", |_| lab.server("master").to_string().contains("1236"));
    let got = until_diagnosis(&lab, "rejoin", "split-brain");
    assert!(got["reason"].as_str().is_some_and(|r| r.contains("split brain")), "{got:#}");
    assert_eq!(status_of(&lab, "failover")["diagnosis"], "split-brain");
}

/// Rejoining: the account the slave never got, and the old master's own coordinates.
#[test]
fn each_wrong_move_of_the_rejoin_gets_its_own_hint() {
    let Some(lab) = routed("ha-rejoin") else { return };
    lab.ok(&["solve", "failover"]);
    let rejoin = status_of(&lab, "rejoin");
    assert_eq!(rejoin["diagnosis"], "old-source-down", "{rejoin:#}");
    edit_config(&lab, "master", REJOIN_CNF);
    restart(&lab, "master");
    let got = until(&lab, "rejoin", "missing its account", |t| t["diagnosis"] == "promoted-no-account");
    let got = task(&got, "rejoin").clone();
    assert_eq!(got["status"], "pending", "{got:#}");

    // The master's own coordinates, read on the master instead of on the slave.
    let (file, position) = crate::grading::master_status(&lab);
    run(&lab, "slave", SLAVE_ACCOUNT);
    run(
        &lab,
        "master",
        &format!(
            "CHANGE MASTER TO MASTER_HOST='slave', MASTER_PORT=3306, MASTER_USER='replica', \
             MASTER_PASSWORD='replica-pass', MASTER_LOG_FILE='{file}', MASTER_LOG_POS={position}"
        ),
    );
    let got = until_diagnosis(&lab, "rejoin", "rejoin-old-coordinates");
    assert!(got["hint"].as_str().is_some_and(|h| h.contains("MASTER_USE_GTID=current_pos")), "{got:#}");

    run(&lab, "master", REJOIN_BY_GTID);
    until_done(&lab, "rejoin");
    // Read-only by SET GLOBAL only: the file would make it writable at its next restart.
    edit_config(&lab, "master", "[mysqld]\nserver-id = 1\nlog-bin = mysql-bin\n");
    let got = until_diagnosis(&lab, "rejoin", "rejoin-read-only-not-in-config");
    assert_eq!(got["status"], "failing", "{got:#}");
    assert!(got["reason"].as_str().is_some_and(|r| r.contains("/master/my.cnf does not keep it read-only")), "{got:#}");
    assert!(got["hint"].as_str().is_some_and(|h| h.contains("Add read_only = 1 under [mysqld] in ") && h.contains("/master/my.cnf and save")), "{got:#}");
    edit_config(&lab, "master", REJOIN_CNF);
    until_done(&lab, "rejoin");
    let (code, tasks) = check(&lab);
    assert_eq!(code, 0, "{tasks:#?}");
}
