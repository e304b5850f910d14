//! Wrong moves a beginner makes, on a real lab, read where the learner reads them: the task's
//! reason and hint as the tasks pane draws them.

use std::net::{Ipv4Addr, TcpListener};
use std::time::Duration;

use mysql::prelude::Queryable;

use crate::common::tmux::{Tmux, footer, input_line, pane_text};
use crate::common::{TestLab, check, task, text};
use crate::grading::{until_diagnosis, until_done};

const SLOW: Duration = Duration::from_secs(90);

/// Runs SQL on a server through the console, as typed by the learner.
fn console(tmux: &Tmux, server: &str, sql: &str) {
    tmux.open_console(server);
    let prompt = format!("{server}>");
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

/// Runs the application with key `a` and waits for its end.
fn run_app(tmux: &Tmux) {
    // A run of its own: the servers' logs split runs at pauses of two seconds.
    std::thread::sleep(Duration::from_millis(2200));
    tmux.keys(&["a"]);
    tmux.until_with(|s| s.contains("the application exited with code"), "the app's end", SLOW);
    tmux.keys(&["Escape"]);
}

#[test]
fn the_app_s_crashes_read_on_the_task_line_with_their_fix() {
    let Some(lab) = TestLab::new("crash") else { return };
    lab.ok(&["up"]);
    lab.ok(&["solve", "replication-running"]);
    let Some(tmux) = Tmux::start(&lab, 200, 60) else { return };
    tmux.until_with(|s| s.contains("master  ● ready") && s.contains("slave   ● ready"), "ready", SLOW);
    let app = lab.workspace().join("app");
    let (settings, code) = (app.join("settings.py"), app.join("app.py"));
    let shipped = std::fs::read_to_string(&settings).expect("settings.py");
    let shipped_code = std::fs::read_to_string(&code).expect("app.py");
    let port = |server: &str| lab.server(server)["port"].as_u64().expect("a port");
    let (master, slave) = (port("master"), port("slave"));
    let routed = shipped.replacen(
        &format!("READER_URL = \"mysql+pymysql://app:shop-app-pw@127.0.0.1:{master}/shop\""),
        &format!("READER_URL = \"mysql+pymysql://app:shop-app-pw@127.0.0.1:{slave}/shop\""),
        1,
    );
    assert_ne!(routed, shipped, "{shipped}");

    // The first run, as shipped, prepares the app's Python and reads from the master.
    run_app(&tmux);
    tasks_read(&tmux, &["3 SELECTs went to the master"], &[]);

    // A URL as tutorials write it, without the driver.
    std::fs::write(&settings, routed.replace("mysql+pymysql://", "mysql://")).expect("writes");
    run_app(&tmux);
    tasks_read(
        &tmux,
        &["ended with code 1: No module named 'MySQLdb'", "Write mysql+pymysql:// at the start of both URLs"],
        &["3 SELECTs went to the master"],
    );

    // The slave by a name from a diagram: the writes went through, then the reads failed.
    std::fs::write(&settings, routed.replace(&format!("127.0.0.1:{slave}"), "slave1:3306")).expect("writes");
    run_app(&tmux);
    tasks_read(
        &tmux,
        &["no host is called 'slave1' on this machine", &format!("the slave on 127.0.0.1:{slave}")],
        &["MySQLdb", "read nothing from the slave"],
    );

    // Another account than the lab's.
    std::fs::write(&settings, routed.replace("//app:shop-app-pw@", "//user:password@")).expect("writes");
    run_app(&tmux);
    tasks_read(
        &tmux,
        &["the master refused the login of 'user'", "the lab made app for the application"],
        &["slave1"],
    );

    // SQLAlchemy 1's engine.execute in the reads, with the right settings.
    std::fs::write(&settings, &routed).expect("writes");
    let old_style = shipped_code.replace(
        "    with reader.connect() as conn:\n        return conn.execute(",
        "    if True:\n        return reader.execute(",
    );
    assert_ne!(old_style, shipped_code);
    std::fs::write(&code, old_style).expect("writes app.py");
    run_app(&tmux);
    tasks_read(
        &tmux,
        &["AttributeError: 'Engine' object has no attribute 'execute'", "with reader.connect() as conn:"],
        &["refused the login"],
    );

    // Fixed: the next run replaces the failure, and the task is done.
    std::fs::write(&code, &shipped_code).expect("writes app.py");
    run_app(&tmux);
    tasks_read(&tmux, &["✓ read-routing"], &["AttributeError", "has not run yet"]);
    tmux.keys(&["q"]);
}

/// Takes ports on 127.0.0.1 for as long as they are held, as another program would. A port
/// the lab just let go of may take a moment to be free; one another program holds stays its.
fn hold(ports: &[u16]) -> Vec<TcpListener> {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    ports
        .iter()
        .map(|&port| {
            loop {
                match TcpListener::bind((Ipv4Addr::LOCALHOST, port)) {
                    Ok(listener) => break listener,
                    Err(e) => assert!(
                        std::time::Instant::now() < deadline,
                        "cannot take port {port}: {e}"
                    ),
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        })
        .collect()
}

/// The lab's default ports, where nobody else has them: a lab started meanwhile gets others.
fn hold_defaults() -> Vec<TcpListener> {
    [13306, 13307].iter().filter_map(|p| TcpListener::bind((Ipv4Addr::LOCALHOST, *p)).ok()).collect()
}

#[test]
fn settings_follow_moved_ports_and_a_line_the_learner_edited_is_told() {
    let Some(lab) = TestLab::new("settingsmove") else { return };
    // Held all along, where nobody else has them: the lab's default ports are the ones any
    // other lab starting meanwhile wants, and one given this lab's old port would answer there.
    let defaults = hold_defaults();
    lab.ok(&["up"]);
    lab.ok(&["solve", "replication-running"]);
    let port = |server: &str| lab.server(server)["port"].as_u64().expect("a port") as u16;
    let url = |role: &str, port: u16| {
        format!("{role}_URL = \"mysql+pymysql://app:shop-app-pw@127.0.0.1:{port}/shop\"")
    };
    let settings = lab.workspace().join("app/settings.py");
    let read = || std::fs::read_to_string(&settings).expect("settings.py");
    let (master0, slave0) = (port("master"), port("slave"));
    // The learner sends the reads to the slave: READER_URL is theirs now.
    std::fs::write(&settings, read().replace(&url("READER", master0), &url("READER", slave0)))
        .expect("writes");
    let line = read().lines().position(|l| l.starts_with("READER_URL")).expect("READER_URL") + 1;

    // Both ports taken while the lab was stopped: `up` moves both servers.
    lab.stop("master");
    lab.stop("slave");
    let taken = hold(&[master0, slave0]);
    let out = lab.sqlcourse(&["up"]);
    assert!(out.status.success(), "{}", text(&out));
    let (master1, slave1) = (port("master"), port("slave"));
    assert!(master1 != master0 && slave1 != slave0, "moved: {}", text(&out));
    let told = format!(
        "Ports changed: master {master0}→{master1}, slave {slave0}→{slave1}. app/settings.py line {line}, which you edited, still says {slave0}."
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&told),
        "up tells the move:\n{}",
        text(&out)
    );
    let now = read();
    assert!(now.contains(&url("WRITER", master1)), "the untouched line followed:\n{now}");
    assert!(now.contains(&format!("the master on port {master1},")), "{now}");
    assert!(now.contains(&format!("the slave on port {slave1}.")), "{now}");
    assert!(now.contains(&url("READER", slave0)), "the learner's line stays theirs:\n{now}");
    drop(taken);

    // The app, run from the screen, finds nothing on the old port: the task line says why.
    let Some(tmux) = Tmux::start(&lab, 200, 60) else { return };
    tmux.until_with(
        |s| s.contains("master  ● ready") && s.contains("slave   ● ready"),
        "ready",
        SLOW,
    );
    run_app(&tmux);
    tasks_read(
        &tmux,
        &[
            &format!(
                "nothing answers on 127.0.0.1:{slave0}, which app/settings.py line {line} names: the slave's port before the lab moved it to {slave1}"
            ),
            &format!("still says {slave0}. Write {slave1} there"),
        ],
        &[],
    );
    let (_, tasks) = check(&lab);
    assert_eq!(task(&tasks, "read-routing")["diagnosis"], "app-port-moved", "{tasks:#?}");
    tmux.keys(&["q"]);
    drop(tmux);

    // `down`, and every port the lab could want is taken (its last ones, and its defaults):
    // the screen tells the move as the lab comes up.
    lab.ok(&["down"]);
    let taken = hold(&[master1, slave1]);
    let Some(tmux) = Tmux::start(&lab, 200, 60) else { return };
    let screen = tmux.until_with(
        |s| footer(s).contains("Ports changed: master"),
        "the move in the notice",
        SLOW,
    );
    let (master2, slave2) = (port("master"), port("slave"));
    assert!(master2 != master1 && slave2 != slave1);
    assert!(
        footer(&screen).contains(&format!(
            "Ports changed: master {master1}→{master2}, slave {slave1}→{slave2}. app/settings.py line {line}, which you edited, still says {slave0}."
        )),
        "{screen}"
    );
    assert!(
        read().contains(&url("WRITER", master2)) && read().contains(&url("READER", slave0)),
        "{}",
        read()
    );
    drop((taken, defaults));

    // The learner writes the slave's port in: the next run is judged done.
    std::fs::write(&settings, read().replace(&url("READER", slave0), &url("READER", slave2)))
        .expect("writes");
    run_app(&tmux);
    tasks_read(&tmux, &["✓ read-routing"], &["nothing answers"]);
    tmux.keys(&["q"]);
}

/// log-bin saved in the master's file, the master not restarted: step 6 asks for the restart
/// only, not for a setting the file already has.
#[test]
fn a_saved_but_unapplied_binary_log_asks_for_a_restart_on_the_task_line() {
    let Some(lab) = TestLab::new("savedbinlog") else { return };
    lab.ok(&["up"]);
    lab.ok(&["solve", "slave-config"]);
    std::fs::write(lab.config_file("master"), "[mysqld]\nserver-id = 1\n").expect("writes");
    lab.ok(&["restart", "master"]);
    std::fs::write(lab.config_file("master"), "[mysqld]\nserver-id = 1\nlog-bin = mysql-bin\n").expect("writes");
    let mut master = lab.sql("master");
    for statement in [
        "CREATE USER IF NOT EXISTS 'replica'@'%' IDENTIFIED BY 'replica-pass'",
        "GRANT REPLICATION SLAVE ON *.* TO 'replica'@'%'",
    ] {
        master.query_drop(statement).expect(statement);
    }
    let mut slave = lab.sql("slave");
    slave
        .query_drop(
            "CHANGE MASTER TO MASTER_HOST='master', MASTER_PORT=3306, MASTER_USER='replica', \
             MASTER_PASSWORD='replica-pass', MASTER_LOG_FILE='mysql-bin.000001', MASTER_LOG_POS=328",
        )
        .expect("CHANGE MASTER");
    let Some(tmux) = Tmux::start(&lab, 200, 60) else { return };
    tmux.until_with(|s| s.contains("master  ● ready") && s.contains("slave   ● ready"), "ready", SLOW);
    for _ in 0..5 {
        tmux.keys(&["n"]);
    }
    tmux.until_shown("Step 6/12: Point the slave at the master");
    tasks_read(
        &tmux,
        &["sets log-bin, but the master runs with log_bin OFF: saved but not applied", "Restart the master"],
        &["Set log-bin", "keeps no binary log"],
    );
    tmux.keys(&["q"]);
}

/// What the servers really make of a setup that looks right: a slave at the master's id
/// before it replicates, an account for the slave's alias on a master that resolves names,
/// and a start position inside an event, then corrected without START SLAVE.
#[test]
fn names_ids_and_positions_read_on_the_task_lines() {
    let Some(lab) = TestLab::new("seen") else { return };
    lab.ok(&["up"]);
    lab.ok(&["solve", "master-config"]);
    let Some(tmux) = Tmux::start(&lab, 200, 60) else { return };
    tmux.until_with(|s| s.contains("master  ● ready") && s.contains("slave   ● ready"), "ready", SLOW);

    // The slave at the master's id, replicating from nobody: a restart is all it needs, and
    // STOP SLAVE would fail there.
    let slave_cnf = lab.config_file("slave");
    std::fs::write(&slave_cnf, "[mysqld]\nserver-id = 1\n").expect("writes");
    lab.ok(&["restart", "slave"]);
    for _ in 0..4 {
        tmux.keys(&["n"]);
    }
    tmux.until_shown("Step 5/12: Configure the slave");
    tasks_read(
        &tmux,
        &["the slave runs with server_id 1, the same as the master's", "That is all: it replicates from nobody yet"],
        &["STOP SLAVE", "START SLAVE"],
    );
    std::fs::write(&slave_cnf, "[mysqld]\nserver-id = 2\n").expect("writes");
    lab.ok(&["restart", "slave"]);
    tasks_read(&tmux, &["✓ slave-config"], &[]);

    // Name resolution back on: the master sees the slave by its reverse-DNS name, not `slave`.
    let master_cnf = lab.config_file("master");
    let text = std::fs::read_to_string(&master_cnf).expect("master config");
    std::fs::write(&master_cnf, format!("{text}\nskip-name-resolve = 0\n")).expect("writes");
    lab.ok(&["restart", "master"]);
    tmux.keys(&["b"]);
    tmux.until_shown("Step 4/12: Create the replication account");
    console(
        &tmux,
        "master",
        "CREATE USER 'replica'@'slave' IDENTIFIED BY 'replica-pass'; GRANT REPLICATION SLAVE ON *.* TO 'replica'@'slave';",
    );
    let seen_as = format!("{}.sqlcourse-{}", lab.container("slave"), lab.name);
    let read = tasks_read(
        &tmux,
        &["'replica'@'slave' does not admit the slave: the master resolves client names", "which 'slave' does not match"],
        &["✓ replication-user"],
    );
    // A long name may wrap anywhere: read it without the joins.
    assert!(read.replace(' ', "").contains(&format!("seestheslaveas'{seen_as}'")), "{read}");
    assert!(read.contains("skip-name-resolve back"), "{read}");
    // The account for the name the master sees is the fix.
    console(
        &tmux,
        "master",
        &format!("CREATE USER 'replica'@'{seen_as}' IDENTIFIED BY 'replica-pass'; GRANT REPLICATION SLAVE ON *.* TO 'replica'@'{seen_as}';"),
    );
    tasks_read(&tmux, &["✓ replication-user"], &["does not admit the slave"]);

    // A position inside an event: refused before START SLAVE, and after.
    tmux.keys(&["n", "n"]);
    tmux.until_shown("Step 6/12: Point the slave at the master");
    let (file, position): (String, u64) = {
        let mut master = lab.sql("master");
        let row: mysql::Row = master.query_first("SHOW MASTER STATUS").expect("reads").expect("a row");
        (row.get(0).expect("File"), row.get(1).expect("Position"))
    };
    let change = |position: u64| {
        format!(
            "CHANGE MASTER TO MASTER_HOST='master', MASTER_PORT=3306, MASTER_USER='replica', \
             MASTER_PASSWORD='replica-pass', MASTER_LOG_FILE='{file}', MASTER_LOG_POS={position};"
        )
    };
    console(&tmux, "slave", &change(5));
    let inside = format!("the slave starts at position 5 of '{file}', which is inside an event of the master's binary log");
    let inside = inside.as_str();
    let must = "MASTER_LOG_POS must be the Position that SHOW MASTER STATUS printed on the master";
    tasks_read(&tmux, &[inside, must], &["✓ change-master"]);
    console(&tmux, "slave", "START SLAVE;");
    // The IO thread fails a moment after it starts.
    let mut slave = lab.sql("slave");
    let io_error = |slave: &mut mysql::Conn| -> String {
        let row: mysql::Row = slave.query_first("SHOW SLAVE STATUS").expect("reads").expect("a row");
        row.get("Last_IO_Error").expect("Last_IO_Error")
    };
    let mut error = io_error(&mut slave);
    for _ in 0..100 {
        if error.contains("1236") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        error = io_error(&mut slave);
    }
    assert!(error.contains("1236"), "the IO thread refused the position: {error}");
    tasks_read(&tmux, &[inside, must], &["✓ change-master"]);

    // Corrected without START SLAVE: the 1236 about position 5 is stale; START SLAVE is next.
    console(&tmux, "slave", &format!("STOP SLAVE; {}", change(position)));
    tasks_read(&tmux, &["✓ change-master"], &["inside an event"]);
    tmux.keys(&["n"]);
    tmux.until_shown("Step 7/12: Start replication and watch it");
    tasks_read(
        &tmux,
        &["replication is not started on the slave yet", "START SLAVE;"],
        &["1236", "bogus data", "Fix the cause"],
    );
    tmux.keys(&["q"]);
}

/// A lab routed as the lesson has it before the drill, on the screen at the drill's step.
fn at_the_drill(lab: &TestLab) -> Option<Tmux> {
    lab.ok(&["up"]);
    lab.ok(&["solve", "read-routing"]);
    let tmux = Tmux::start(lab, 200, 60)?;
    tmux.until_with(|s| s.contains("master  ● ready") && s.contains("slave   ● ready"), "ready", SLOW);
    for _ in 0..9 {
        tmux.keys(&["n"]);
    }
    tmux.until_shown("Step 10/12: Fail over: the master dies");
    Some(tmux)
}

/// A slave promoted before it applied what it had received: while it still replicates, the
/// hint lets its SQL thread finish; once RESET SLAVE ALL has run, the rest is gone, and the
/// hint no longer offers START SLAVE SQL_THREAD to a server that replicates from nobody.
#[test]
fn a_promotion_that_lost_events_reads_as_lost_on_the_task_line() {
    let Some(lab) = TestLab::new("lost") else { return };
    let Some(tmux) = at_the_drill(&lab) else { return };
    console(&tmux, "slave", "STOP SLAVE SQL_THREAD;");
    console(
        &tmux,
        "master",
        "CREATE DATABASE IF NOT EXISTS demo; CREATE TABLE demo.burst (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(100)); INSERT INTO demo.burst (note) VALUES ('one'), ('two');",
    );
    lab.ok(&["crash", "master"]);
    tasks_read(&tmux, &["applied only", "START SLAVE SQL_THREAD"], &[]);
    console(&tmux, "slave", "STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only = OFF;");
    tasks_read(
        &tmux,
        &["the rest is lost", "cannot bring it back now", "gives the drill again"],
        &["START SLAVE SQL_THREAD"],
    );
    tmux.keys(&["q"]);
    drop(tmux);

    // `check`, a process of its own, and the screen opened again judge it the same way.
    let (_, tasks) = check(&lab);
    assert_eq!(task(&tasks, "failover")["diagnosis"], "promoted-lost", "{tasks:#?}");
    let Some(tmux) = Tmux::start(&lab, 200, 60) else { return };
    // It opens on the step last kept in the progress file, the first one or the drill's.
    let opened = tmux.until_with(|s| s.contains("Step 1/12") || s.contains("Step 10/12"), "a step", SLOW);
    if opened.contains("Step 1/12") {
        for _ in 0..9 {
            tmux.keys(&["n"]);
        }
    }
    tmux.until_shown("Step 10/12: Fail over: the master dies");
    tasks_read(&tmux, &["the rest is lost"], &["✓ failover"]);

    // The old master back read-only: its GTIDs show what the slave lacks; still lost.
    std::fs::write(lab.config_file("master"), "[mysqld]\nserver-id = 1\nlog-bin = mysql-bin\nread_only = 1\n")
        .expect("writes");
    lab.ok(&["restart", "master"]);
    tasks_read(&tmux, &["the rest is lost"], &["✓ failover"]);
    tmux.keys(&["q"]);
}

/// The slave promoted, but the application still writes to the crashed master: the task
/// line says that server is down and where the running one is; moved there, the task is done.
#[test]
fn an_app_left_on_the_crashed_master_reads_as_a_server_down() {
    let Some(lab) = TestLab::new("app-down") else { return };
    // Off the default ports, which other tests take while they are free: the dead master's
    // port must stay free for the app to find nothing there.
    let _defaults = hold_defaults();
    let Some(tmux) = at_the_drill(&lab) else { return };
    lab.ok(&["crash", "master"]);
    console(&tmux, "slave", "STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only = OFF;");
    let slave_cnf = lab.config_file("slave");
    let cnf = std::fs::read_to_string(&slave_cnf).expect("slave/my.cnf");
    let cnf: String = cnf.lines().filter(|l| !l.contains("read_only")).map(|l| format!("{l}\n")).collect();
    std::fs::write(&slave_cnf, cnf).expect("writes");
    let port = |server: &str| lab.server(server)["port"].as_u64().expect("a port");
    let (master, slave) = (port("master"), port("slave"));
    // `crash` returns once the port refuses: the app run at once finds nothing there.
    run_app(&tmux);
    tasks_read(
        &tmux,
        &[
            &format!("nothing answers on 127.0.0.1:{master}, which settings.py names: the master's port, and the master is down"),
            &format!("Running now: the slave on 127.0.0.1:{slave}"),
            "point both URLs in settings.py at its port",
        ],
        &[],
    );
    let (_, tasks) = check(&lab);
    assert_eq!(task(&tasks, "failover")["diagnosis"], "app-server-down", "{tasks:#?}");

    let settings = lab.workspace().join("app/settings.py");
    let text = std::fs::read_to_string(&settings).expect("settings.py");
    std::fs::write(&settings, text.replace(&format!("127.0.0.1:{master}/"), &format!("127.0.0.1:{slave}/")))
        .expect("writes");
    run_app(&tmux);
    tasks_read(&tmux, &["✓ failover"], &["the master is down"]);
    tmux.keys(&["q"]);
}

/// The replication account's password changed on the master, where the slave never got that
/// account: its SQL thread stops with 1396, the task says why, and the skip it names works.
#[test]
fn an_account_change_the_slave_cannot_apply_is_named_and_its_skip_works() {
    let Some(lab) = TestLab::new("account-change") else { return };
    lab.ok(&["up"]);
    for task in ["master-config", "slave-config", "replication-user", "change-master", "replication-running"] {
        lab.ok(&["solve", task]);
    }
    lab.sql("master").query_drop("ALTER USER 'replica'@'%' IDENTIFIED BY 'replica-pass2'").expect("altered");
    let failing = until_diagnosis(&lab, "replication-running", "account-change-failed");
    let said = format!("{} {}", failing["reason"], failing["hint"]);
    assert!(said.contains("Operation ALTER USER failed for 'replica'@'%'"), "{said}");
    assert!(
        said.contains("STOP SLAVE; CHANGE MASTER TO MASTER_PASSWORD='…'; SET GLOBAL sql_slave_skip_counter = 1; START SLAVE;"),
        "the hint names the skip, the new password first: {said}"
    );
    assert!(said.contains("IDENTIFIED BY '…'") && !said.contains("replica-pass2"), "no password shown: {said}");
    // The skip, and the slave logs in with the new password.
    let mut slave = lab.sql("slave");
    slave.query_drop("STOP SLAVE").expect("stops");
    // CHANGE MASTER TO clears a skip asked before it.
    slave.query_drop("CHANGE MASTER TO MASTER_PASSWORD = 'replica-pass2'").expect("changes");
    slave.query_drop("SET GLOBAL sql_slave_skip_counter = 1").expect("skips");
    slave.query_drop("START SLAVE").expect("starts");
    until_done(&lab, "replication-running");
}

/// The master's file saved, then the slave restarted by mistake: the notice says the master's
/// file still waits for a restart of its own, and how to give it one.
#[test]
fn restarting_the_other_server_says_which_file_still_waits() {
    let Some(lab) = TestLab::new("wrongrestart") else { return };
    lab.ok(&["up"]);
    let Some(tmux) = Tmux::start(&lab, 120, 40) else { return };
    tmux.until_with(|s| s.contains("master  ● ready") && s.contains("slave   ● ready"), "ready", SLOW);
    std::fs::write(lab.config_file("master"), "[mysqld]\nserver-id = 1\nlog-bin = mysql-bin\n").expect("edit");
    tmux.until_with(|s| footer(s).contains("▸ master"), "the master selected", SLOW);
    tmux.keys(&["s"]);
    tmux.until_with(|s| footer(s).contains("▸ slave"), "the slave selected", SLOW);
    tmux.keys(&["r"]);
    let screen = tmux.until("The slave restarted with its config file.", SLOW);
    let said = screen.lines().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join(" ");
    let said = said.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        said.contains("master/my.cnf is saved but not applied: s selects the master, then r restarts it."),
        "{screen}"
    );
    // Restarting the right one says nothing more.
    tmux.keys(&["s"]);
    tmux.until_with(|s| footer(s).contains("▸ master"), "the master selected", SLOW);
    tmux.keys(&["r"]);
    let screen = tmux.until("The master restarted with its config file.", SLOW);
    assert!(!screen.contains("saved but not applied"), "{screen}");
    tmux.keys(&["q"]);
}
