//! Wrong moves a beginner makes, on a real lab, read where the learner reads them: the task's
//! reason and hint as the tasks pane draws them.

use std::time::Duration;

use mysql::prelude::Queryable;

use crate::common::TestLab;
use crate::common::tmux::{Tmux, input_line, pane_text};

const SLOW: Duration = Duration::from_secs(90);

/// Runs SQL on a server through the console, as typed by the learner.
fn console(tmux: &Tmux, server: &str, sql: &str) {
    tmux.keys(&["c"]);
    let prompt = format!("{server}>");
    tmux.until_with(|s| input_line(s).contains('>'), "the console", Duration::from_secs(10));
    if !input_line(&tmux.screen()).starts_with(&prompt) {
        tmux.keys(&["C-t"]);
    }
    tmux.until_with(|s| input_line(s) == prompt, &prompt, Duration::from_secs(10));
    tmux.paste(sql);
    tmux.keys(&["Enter"]);
    tmux.until_with(|s| input_line(s) == prompt && !s.contains("running on the"), "the result", Duration::from_secs(30));
    tmux.keys(&["Escape"]);
}

/// Waits until the tasks pane reads all of `words`, and none of `not`.
fn tasks_read(tmux: &Tmux, words: &[&str], not: &[&str]) -> String {
    let screen = tmux.until_with(
        |s| {
            let text = pane_text(s, "Steps and tasks");
            words.iter().all(|w| text.contains(w)) && !not.iter().any(|w| text.contains(w))
        },
        &format!("{words:?} without {not:?} in the tasks pane"),
        SLOW,
    );
    pane_text(&screen, "Steps and tasks")
}

#[test]
fn wrong_moves_and_their_fixes_read_on_the_task_lines() {
    let Some(lab) = TestLab::new("wrong") else { return };
    lab.ok(&["up"]);
    lab.ok(&["solve", "slave-config"]);
    let Some(tmux) = Tmux::start(&lab, 200, 60) else { return };
    tmux.until_with(|s| s.contains("master  ● ready") && s.contains("slave   ● ready"), "ready", SLOW);
    // The tasks pane shows the reasons of the step on screen: the step that points the slave.
    for _ in 0..5 {
        tmux.keys(&["n"]);
    }
    tmux.until_shown("Step 6/12: Point the slave at the master");

    // A tutorial's host name, copied as it is.
    let (file, position): (String, u64) = {
        let mut master = lab.sql("master");
        let row: mysql::Row = master.query_first("SHOW MASTER STATUS").expect("reads").expect("a row");
        (row.get(0).expect("File"), row.get(1).expect("Position"))
    };
    let change = |host: &str| {
        format!(
            "CHANGE MASTER TO MASTER_HOST='{host}', MASTER_PORT=3306, MASTER_USER='replica', \
             MASTER_PASSWORD='replica-pass', MASTER_LOG_FILE='{file}', MASTER_LOG_POS={position};"
        )
    };
    console(&tmux, "slave", &format!("{} START SLAVE;", change("master_ip")));
    tasks_read(
        &tmux,
        &["the slave is pointed at host 'master_ip', a name that does not resolve", "No host is called 'master_ip'"],
        &[],
    );

    // Corrected without restarting the threads: the old error is stale, and the next move is
    // START SLAVE, not a hint about the host now set.
    console(&tmux, "slave", &format!("STOP SLAVE; {}", change("master")));
    tasks_read(&tmux, &["✓ change-master"], &["No host is called", "Unknown server host"]);
    tmux.keys(&["n"]);
    tmux.until_shown("Step 7/12: Start replication and watch it");
    tasks_read(
        &tmux,
        &["replication is not started on the slave yet", "START SLAVE;"],
        &["No host is called", "Unknown server host"],
    );

    // The master restarts under a running slave: the slave retries by itself.
    console(&tmux, "slave", "START SLAVE;");
    tasks_read(&tmux, &["✓ replication-running"], &[]);
    lab.ok(&["restart", "master"]);
    tmux.keys(&["b"]);
    tmux.until_shown("Step 6/12: Point the slave at the master");
    tasks_read(&tmux, &["reconnects by itself at its next try", "STOP SLAVE; START SLAVE;"], &["Is the master running?"]);

    // The master's id saved in the slave's file, not yet applied: the clash is named first.
    let slave_cnf = lab.config_file("slave");
    let text = std::fs::read_to_string(&slave_cnf).expect("slave config");
    std::fs::write(&slave_cnf, text.replace("server-id = 2", "server-id = 1")).expect("writes");
    tmux.keys(&["b"]);
    tmux.until_shown("Step 5/12: Configure the slave");
    tasks_read(&tmux, &["says server-id = 1, which is the master's own server_id"], &["saved but not applied"]);
    tmux.keys(&["q"]);
}
