//! The replication checks: the account on the source, where the replica points, rows travelling.

use super::*;

pub(super) fn replication_user_cases() -> Vec<Case> {
    vec![
        Case {
            name: "fresh lab: root does not count",
            start: World::fresh,
            change: nothing,
            task: "replication-user",
            status: TaskState::Pending,
            diagnosis: Some("no-replication-account"),
            reason: "no account with REPLICATION SLAVE",
        },
        Case {
            name: "replica@%",
            start: World::solved,
            change: nothing,
            task: "replication-user",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "account for localhost only",
            start: World::solved,
            change: |w| w.set_accounts(&[("replica", "localhost")]),
            task: "replication-user",
            status: TaskState::Failing,
            diagnosis: Some("account-localhost-only"),
            reason: "'replica'@'localhost' may log in only from the master's own machine; the slave connects from 172.18.0.3",
        },
        Case {
            name: "account for a host name under skip_name_resolve",
            start: World::solved,
            change: |w| w.set_accounts(&[("replica", "slave")]),
            task: "replication-user",
            status: TaskState::Failing,
            diagnosis: Some("account-host-mismatch"),
            reason: "does not resolve host names",
        },
        Case {
            name: "account for the slave's alias when names resolve",
            start: World::solved,
            change: |w| {
                w.set_accounts(&[("replica", "slave")]);
                w.master.skip_name_resolve = false;
            },
            task: "replication-user",
            status: TaskState::Failing,
            diagnosis: Some("account-host-name"),
            reason: "'replica'@'slave' does not admit the slave: the master resolves client names and sees the slave (172.18.0.3) as 'sqlcourse-day20-slave.sqlcourse-day20'",
        },
        Case {
            name: "account for the name the master resolves the slave to",
            start: World::solved,
            change: |w| {
                w.set_accounts(&[("replica", "sqlcourse-day20-slave.sqlcourse-day20")]);
                w.master.skip_name_resolve = false;
            },
            task: "replication-user",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "account for a wildcard over the resolved name",
            start: World::solved,
            change: |w| {
                w.set_accounts(&[("replica", "%.sqlcourse-day20")]);
                w.master.skip_name_resolve = false;
            },
            task: "replication-user",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "account for a name when the slave's address has none",
            start: World::solved,
            change: |w| {
                w.set_accounts(&[("replica", "slave")]);
                w.master.skip_name_resolve = false;
                w.slave_host_name = None;
            },
            task: "replication-user",
            status: TaskState::Failing,
            diagnosis: Some("account-host-name"),
            reason: "finds no name for the slave's address 172.18.0.3, so only the address counts",
        },
        Case {
            name: "account for the lab network",
            start: World::solved,
            change: |w| w.set_accounts(&[("replica", "172.18.%")]),
            task: "replication-user",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "account for another network",
            start: World::solved,
            change: |w| w.set_accounts(&[("replica", "10.0.5.%")]),
            task: "replication-user",
            status: TaskState::Failing,
            diagnosis: Some("account-host-mismatch"),
            reason: "'replica'@'10.0.5.%' does not admit the slave, which connects from 172.18.0.3",
        },
        Case {
            name: "master down",
            start: World::solved,
            change: |w| w.master_down = true,
            task: "replication-user",
            status: TaskState::Failing,
            diagnosis: Some("server-down"),
            reason: "the master is not answering",
        },
    ]
}

pub(super) fn change_master_cases() -> Vec<Case> {
    vec![
        Case {
            name: "fresh lab waits for the binary log",
            start: World::fresh,
            change: |w| {
                w.master.log_bin = false;
                w.master.binary_logs.clear();
            },
            task: "change-master",
            status: TaskState::Pending,
            diagnosis: None,
            reason: "needs `master-config` first",
        },
        Case {
            name: "binary log on, no account yet",
            start: World::fresh,
            change: |w| w.master.log_bin = true,
            task: "change-master",
            status: TaskState::Pending,
            diagnosis: None,
            reason: "needs `replication-user` first",
        },
        Case {
            name: "ready, not pointed yet",
            start: World::solved,
            change: |w| w.status_row = None,
            task: "change-master",
            status: TaskState::Pending,
            diagnosis: Some("not-a-replica"),
            reason: "the slave is not pointed at the master yet",
        },
        Case {
            name: "pointed, not started",
            start: World::pointed,
            change: nothing,
            task: "change-master",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "running",
            start: World::solved,
            change: nothing,
            task: "change-master",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "the master's container address",
            start: World::pointed,
            change: |w| w.set("host", "172.18.0.2"),
            task: "change-master",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "the master's container name",
            start: World::pointed,
            change: |w| w.set("host", "sqlcourse-day20-master"),
            task: "change-master",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "master_ip copied literally, not started",
            start: World::pointed,
            change: |w| w.set("host", "master_ip"),
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("wrong-source-host"),
            reason: "pointed at host 'master_ip', which is not the master",
        },
        Case {
            name: "master_ip copied literally, started",
            start: World::pointed,
            change: |w| {
                w.set("host", "master_ip");
                let text = w.says(
                    "error connecting to master 'replica@master_ip:3306' - retry-time: 60  maximum-retries: 100000  message: Unknown server host 'master_ip' (-2)",
                    "error connecting to source 'replica@master_ip:3306' - retry-time: 60 retries: 1 message: Unknown MySQL server host 'master_ip' (-2)",
                );
                w.io_error(2005, text);
            },
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("unknown-host"),
            reason: "'master_ip', a name that does not resolve",
        },
        Case {
            name: "127.0.0.1",
            start: World::pointed,
            change: |w| w.set("host", "127.0.0.1"),
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("source-host-local"),
            reason: "that is the slave itself",
        },
        Case {
            name: "published port instead of 3306",
            start: World::pointed,
            change: |w| w.set("port", "13306"),
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("wrong-source-port"),
            reason: "connects to port 13306",
        },
        Case {
            name: "another route that streams anyway",
            start: World::solved,
            change: |w| {
                w.set("host", "172.18.0.1");
                w.set("port", "13306");
            },
            task: "change-master",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "logs in as root",
            start: World::pointed,
            change: |w| w.set("user", "root"),
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("unknown-replication-user"),
            reason: "logs in as 'root', which is not a replication account",
        },
        Case {
            name: "its account is for localhost only",
            start: World::pointed,
            change: |w| w.set_accounts(&[("replica", "localhost"), ("other", "%")]),
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("account-localhost-only"),
            reason: "'replica'@'localhost'",
        },
        Case {
            name: "wrong log file name",
            start: World::pointed,
            change: |w| w.set("file", "mysql-bin.000009"),
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("wrong-log-file"),
            reason: "'mysql-bin.000009', which the master does not have",
        },
        Case {
            name: "position past the end",
            start: World::pointed,
            change: |w| w.set("pos", "99999"),
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("position-past-end"),
            reason: "position 99999 of 'mysql-bin.000001', which is only 1199 bytes long",
        },
        Case {
            name: "no coordinates",
            start: World::pointed,
            change: |w| w.set("file", ""),
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("no-coordinates"),
            reason: "no binlog file and position",
        },
        Case {
            name: "GTID positioning needs no file",
            start: World::pointed,
            change: |w| {
                w.set("file", "");
                let on = if w.engine == Engine::MariaDb { "Slave_Pos" } else { "1" };
                w.set("gtid", on);
            },
            task: "change-master",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "binary log switched off on the master since",
            start: World::pointed,
            change: |w| {
                w.master_cnf = "[mysqld]\nserver-id = 1\n".to_owned();
                w.master.log_bin = false;
                w.master.binary_logs.clear();
            },
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("binlog-off"),
            reason: "keeps no binary log",
        },
        Case {
            name: "log-bin saved in the master's file, the master not restarted since",
            start: World::pointed,
            change: |w| {
                w.master.log_bin = false;
                w.master.binary_logs.clear();
            },
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("not-applied"),
            reason: "sets log-bin, but the master runs with log_bin OFF: saved but not applied",
        },
        Case {
            name: "wrong password",
            start: World::pointed,
            change: |w| {
                let text = w.says(
                    "error connecting to master 'replica@master:3306' - retry-time: 60  maximum-retries: 100000  message: Access denied for user 'replica'@'172.18.0.3' (using password: YES)",
                    "error connecting to source 'replica@master:3306' - retry-time: 60 retries: 1 message: Access denied for user 'replica'@'172.18.0.3' (using password: YES)",
                );
                w.io_error(1045, text);
            },
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("access-denied"),
            reason: "IO thread says: error connecting",
        },
        Case {
            name: "master refuses the address",
            start: World::pointed,
            change: |w| {
                let text = w.says(
                    "error connecting to master 'replica@master:3306' - retry-time: 60  maximum-retries: 100000  message: Host '172.18.0.3' is not allowed to connect to this MariaDB server",
                    "error connecting to source 'replica@master:3306' - retry-time: 60 retries: 1 message: Host '172.18.0.3' is not allowed to connect to this MySQL server",
                );
                w.io_error(1130, text);
            },
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("host-not-allowed"),
            reason: "is not allowed to connect",
        },
        Case {
            name: "account for the slave's alias when names resolve, refused",
            start: World::pointed,
            change: |w| {
                w.set_accounts(&[("replica", "slave")]);
                w.master.skip_name_resolve = false;
                let text = w.says(
                    "error connecting to master 'replica@master:3306' - retry-time: 60  maximum-retries: 100000  message: Access denied for user 'replica'@'sqlcourse-day20-slave.sqlcourse-day20' (using password: YES)",
                    "error connecting to source 'replica@master:3306' - retry-time: 60 retries: 1 message: Access denied for user 'replica'@'sqlcourse-day20-slave.sqlcourse-day20' (using password: YES)",
                );
                w.io_error(1045, text);
            },
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("account-host-name"),
            reason: "sees the slave (172.18.0.3) as 'sqlcourse-day20-slave.sqlcourse-day20'",
        },
        Case {
            name: "streaming, seen by name",
            start: World::solved,
            change: |w| {
                w.set_accounts(&[("replica", "sqlcourse-day20-slave.sqlcourse-day20")]);
                w.master.skip_name_resolve = false;
                w.set("host", "172.18.0.1");
                w.set("port", "13306");
                w.master.binlog_dumps = vec!["sqlcourse-day20-slave.sqlcourse-day20:41234".into()];
            },
            task: "change-master",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "position inside an event, not started",
            start: World::pointed,
            change: |w| {
                w.set("pos", "5");
                w.position_starts_event = Some(false);
            },
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("position-mid-event"),
            reason: "position 5 of 'mysql-bin.000001', which is inside an event of the master's binary log",
        },
        Case {
            name: "position at an event, not started",
            start: World::pointed,
            change: |w| {
                w.set("pos", "256");
                w.position_starts_event = Some(true);
            },
            task: "change-master",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "position inside an event, as the IO thread reports it",
            start: World::pointed,
            change: |w| {
                w.set("pos", "660");
                let (errno, text) = if w.engine == Engine::MariaDb {
                    (1236, "Got fatal error 1236 from master when reading data from binary log: 'binlog truncated in the middle of event; consider out of disk space on master; the first event 'mysql-bin.000001' at 660, the last event read from 'mysql-bin.000001' at 660, the last byte read from 'mysql-bin.000001' at 679.'")
                } else {
                    (13114, "Got fatal error 1236 from source when reading data from binary log: 'log event entry exceeded max_allowed_packet; Increase max_allowed_packet on source; the first event 'mysql-bin.000001' at 660, the last event read from 'mysql-bin.000001' at 4, the last byte read from 'mysql-bin.000001' at 4.'")
                };
                w.io_error(errno, text);
                w.set("io", "No");
            },
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("position-mid-event"),
            reason: "position 660 of 'mysql-bin.000001', which is inside an event",
        },
        Case {
            name: "MariaDB's impossible position within the file",
            start: World::pointed,
            change: |w| {
                w.set("pos", "5");
                w.io_error(1236, "Got fatal error 1236 from master when reading data from binary log: 'Client requested master to start replication from impossible position; the first event 'mysql-bin.000001' at 5, the last event read from 'mysql-bin.000001' at 4, the last byte read from 'mysql-bin.000001' at 4.'");
                w.set("io", "No");
            },
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("position-mid-event"),
            reason: "inside an event",
        },
        Case {
            name: "master unreachable",
            start: World::pointed,
            change: |w| {
                let text = w.says(
                    "error connecting to master 'replica@master:3306' - retry-time: 60  maximum-retries: 100000  message: Can't connect to server on 'master' (111 \"Connection refused\")",
                    "error connecting to source 'replica@master:3306' - retry-time: 60 retries: 1 message: Can't connect to MySQL server on 'master:3306' (111)",
                );
                w.io_error(2003, text);
            },
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("cant-connect"),
            reason: "Can't connect to",
        },
        Case {
            name: "wrong log file, as the IO thread reports it",
            start: World::pointed,
            change: |w| {
                w.set("file", "mysql-bin.000009");
                let (errno, text) = if w.engine == Engine::MariaDb {
                    (1236, "Got fatal error 1236 from master when reading data from binary log: 'Could not find first log file name in binary log index file'")
                } else {
                    (13114, "Got fatal error 1236 from source when reading data from binary log: 'Could not find first log file name in binary log index file'")
                };
                w.io_error(errno, text);
                w.set("io", "No");
            },
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("wrong-log-file"),
            reason: "'mysql-bin.000009', which the master does not have",
        },
        Case {
            name: "slave down",
            start: World::solved,
            change: |w| w.slave_down = true,
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("server-down"),
            reason: "the slave is not answering",
        },
    ]
}

pub(super) fn replication_running_cases() -> Vec<Case> {
    vec![
        Case {
            name: "fresh lab",
            start: World::fresh,
            change: nothing,
            task: "replication-running",
            status: TaskState::Pending,
            diagnosis: None,
            reason: "needs `change-master` first",
        },
        Case {
            name: "change-master wrong",
            start: World::pointed,
            change: |w| w.set("file", "mysql-bin.000009"),
            task: "replication-running",
            status: TaskState::Pending,
            diagnosis: None,
            reason: "needs `change-master` first",
        },
        Case {
            name: "not started",
            start: World::pointed,
            change: nothing,
            task: "replication-running",
            status: TaskState::Pending,
            diagnosis: Some("replication-not-started"),
            reason: "not started on the slave yet",
        },
        Case {
            name: "a position past the end, corrected, not restarted",
            start: World::pointed,
            change: |w| {
                w.set("pos", "328");
                w.position_starts_event = Some(true);
                w.set("io", "No");
                w.set("io_errno", "1236");
                let text = w.says(
                    "Got fatal error 1236 from master when reading data from binary log: 'Client requested master to start replication from position > file size'",
                    "Got fatal error 1236 from source when reading data from binary log: 'Client requested source to start replication from position > file size'",
                );
                w.set("io_error", text);
            },
            task: "replication-running",
            status: TaskState::Pending,
            diagnosis: Some("replication-not-started"),
            reason: "not started on the slave yet",
        },
        Case {
            name: "a position past the end, as the IO thread reports it, not corrected",
            start: World::pointed,
            change: |w| {
                w.set("pos", "3280");
                w.set("io", "No");
                w.set("io_errno", "1236");
                let text = w.says(
                    "Got fatal error 1236 from master when reading data from binary log: 'Client requested master to start replication from position > file size'",
                    "Got fatal error 1236 from source when reading data from binary log: 'Client requested source to start replication from position > file size'",
                );
                w.set("io_error", text);
            },
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("position-past-end"),
            reason: "starts at position 3280 of 'mysql-bin.000001', which is only 1199 bytes long",
        },
        Case {
            name: "a position inside an event, corrected, not restarted",
            start: World::pointed,
            change: |w| {
                w.set("pos", "344");
                w.position_starts_event = Some(true);
                w.set("io_errno", "1236");
                w.set("io_error", "Got fatal error 1236 from master when reading data from binary log: 'bogus data in log event; the first event 'mysql-bin.000001' at 5, the last event read from 'mysql-bin.000001' at 5, the last byte read from 'mysql-bin.000001' at 24.'");
            },
            task: "replication-running",
            status: TaskState::Pending,
            diagnosis: Some("replication-not-started"),
            reason: "not started on the slave yet",
        },
        Case {
            name: "done",
            start: World::solved,
            change: nothing,
            task: "replication-running",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "equal server ids",
            start: World::solved,
            change: |w| {
                equal_ids(w);
                w.slave_cnf = "[mysqld]\nserver-id = 1\n".into();
            },
            task: "replication-running",
            status: TaskState::Failing,
            diagnosis: Some("equal-server-ids"),
            reason: "IO thread says: Fatal error",
        },
        Case {
            name: "equal server ids, the slave's own id saved in its file but not applied",
            start: World::solved,
            change: equal_ids,
            task: "replication-running",
            status: TaskState::Failing,
            diagnosis: Some("not-applied"),
            reason: "saved but not applied",
        },
        Case {
            name: "duplicate entry",
            start: World::solved,
            change: |w| {
                w.set("sql", "No");
                w.set("sql_errno", "1062");
                w.set(
                    "sql_error",
                    "Error 'Duplicate entry '7' for key 'PRIMARY'' on query. Default database: ''. Query: 'INSERT INTO shop.customers (id,name,email) VALUES (7,'m','m')'",
                );
            },
            task: "replication-running",
            status: TaskState::Failing,
            diagnosis: Some("duplicate-entry"),
            reason: "SQL thread says: Error 'Duplicate entry '7'",
        },
        Case {
            name: "an account change the slave cannot apply",
            start: World::solved,
            change: |w| {
                w.set("sql", "No");
                w.set("sql_errno", "1396");
                w.set(
                    "sql_error",
                    "Error 'Operation ALTER USER failed for 'replica'@'%'' on query. Default database: ''. Query: 'ALTER USER 'replica'@'%' IDENTIFIED BY 'replica-pass2''",
                );
            },
            task: "replication-running",
            status: TaskState::Failing,
            diagnosis: Some("account-change-failed"),
            reason: "SQL thread says: Error 'Operation ALTER USER failed",
        },
        Case {
            name: "duplicate entry behind MySQL's coordinator message",
            start: World::solved,
            change: |w| {
                w.set("sql", "No");
                w.set("sql_errno", "1062");
                w.set(
                    "sql_error",
                    "Coordinator stopped because there were error(s) in the worker(s). The most recent failure being: Worker 1 failed executing transaction 'ANONYMOUS' at source log mysql-bin.000001, end_log_pos 1054. See error log and/or performance_schema.replication_applier_status_by_worker table for more details about this failure or others, if any.",
                );
            },
            task: "replication-running",
            status: TaskState::Failing,
            diagnosis: Some("duplicate-entry"),
            reason: "Coordinator stopped",
        },
        Case {
            name: "another SQL error",
            start: World::solved,
            change: |w| {
                w.set("sql", "No");
                w.set("sql_errno", "1146");
                w.set("sql_error", "Error 'Table 'demo.hello' doesn't exist' on query.");
            },
            task: "replication-running",
            status: TaskState::Failing,
            diagnosis: Some("replica-error"),
            reason: "doesn't exist",
        },
        Case {
            name: "connecting",
            start: World::solved,
            change: |w| w.set("io", "Connecting"),
            task: "replication-running",
            status: TaskState::Pending,
            diagnosis: None,
            reason: "connecting to the master",
        },
        Case {
            name: "SQL thread stopped",
            start: World::solved,
            change: |w| w.set("sql", "No"),
            task: "replication-running",
            status: TaskState::Failing,
            diagnosis: Some("replication-stopped"),
            reason: "SQL thread is stopped",
        },
        Case {
            name: "canary not sent yet",
            start: World::solved,
            change: |w| w.canary = None,
            task: "replication-running",
            status: TaskState::Pending,
            diagnosis: None,
            reason: "test row",
        },
        Case {
            name: "canary late",
            start: World::solved,
            change: |w| w.canary = Some(CanaryOutcome::Missing { waited_ms: 5000 }),
            task: "replication-running",
            status: TaskState::Failing,
            diagnosis: Some("canary-late"),
            reason: "after 5.0 s",
        },
        Case {
            name: "canary failed",
            start: World::solved,
            change: |w| {
                w.canary = Some(CanaryOutcome::Failed {
                    error: "Table 'sqlcourse_lab.canary' doesn't exist".into(),
                });
            },
            task: "replication-running",
            status: TaskState::Failing,
            diagnosis: Some("canary-failed"),
            reason: "sqlcourse_lab.canary",
        },
        Case {
            name: "master down",
            start: World::solved,
            change: |w| w.master_down = true,
            task: "replication-running",
            status: TaskState::Failing,
            diagnosis: Some("server-down"),
            reason: "the master is not answering",
        },
    ]
}

#[test]
fn replication_user() {
    run(&replication_user_cases());
}

#[test]
fn change_master() {
    run(&change_master_cases());
}

#[test]
fn replication_running() {
    run(&replication_running_cases());
}

/// Only the restart is missing: the hint says so, not to set what the file already has.
#[test]
fn a_saved_log_bin_asks_for_a_restart_only() {
    for engine in Engine::ALL {
        let mut w = World::pointed(engine);
        w.master.log_bin = false;
        w.master.binary_logs.clear();
        let got = w.grade().into_iter().find(|t| t.id == "change-master").expect("graded");
        let hint = got.hint.unwrap_or_default();
        assert!(hint.contains("saved but not applied") && hint.contains("Restart the master"), "{hint}");
        assert!(!hint.contains("Set log-bin"), "{hint}");
    }
}

/// The slave running with the master's id, its IO thread stopped on the engine's error.
fn equal_ids(w: &mut World) {
    w.slave.server_id = 1;
    w.set("io", "No");
    let (errno, text) = if w.engine == Engine::MariaDb {
        ("1593", "Fatal error: The slave I/O thread stops because master and slave have equal MariaDB server ids; these ids must be different for replication to work (or the --replicate-same-server-id option must be used on slave but this does not always make sense; please check the manual before using it).")
    } else {
        ("13117", "Fatal error: The replica I/O thread stops because source and replica have equal MySQL server ids; these ids must be different for replication to work (or the --replicate-same-server-id option must be used on replica but this does not always make sense; please check the manual before using it).")
    };
    w.set("io_errno", errno);
    w.set("io_error", text);
}
