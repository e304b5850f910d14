//! `server-config` checks: settings in the file and on the running server.

use super::*;

pub(super) fn master_config_cases() -> Vec<Case> {
    vec![
        Case {
            name: "fresh lab",
            start: World::fresh,
            change: nothing,
            task: "master-config",
            status: TaskState::Pending,
            diagnosis: Some("config-missing"),
            reason: "server-id and log-bin are not set in /home/learner/sqlcourse/day20/master/my.cnf yet",
        },
        Case {
            name: "done",
            start: World::solved,
            change: nothing,
            task: "master-config",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "log-bin missing from the file",
            start: World::solved,
            change: |w| w.master_cnf = "[mysqld]\nserver-id = 1\n".into(),
            task: "master-config",
            status: TaskState::Failing,
            diagnosis: Some("config-missing"),
            reason: "log-bin is not set",
        },
        Case {
            name: "log-bin misspelt as log_bn, before the restart that would stop the server",
            start: World::fresh,
            change: |w| w.master_cnf = "[mysqld]\nserver-id = 1\nlog_bn = mysql-bin\n".into(),
            task: "master-config",
            status: TaskState::Failing,
            diagnosis: Some("config-misspelt"),
            reason: "log-bin is not set in /home/learner/sqlcourse/day20/master/my.cnf: line 3 says log_bn, which is not log-bin",
        },
        Case {
            name: "config edited but not restarted",
            start: World::fresh,
            change: |w| {
                w.master_cnf = "[mysqld]\nserver-id = 5\nlog-bin = mysql-bin\n".into();
            },
            task: "master-config",
            status: TaskState::Failing,
            diagnosis: Some("not-applied"),
            reason: "saved but not applied",
        },
        Case {
            name: "file saved, master not restarted",
            start: World::fresh,
            change: |w| w.master_cnf = MASTER_CNF.into(),
            task: "master-config",
            status: TaskState::Failing,
            diagnosis: Some("not-applied"),
            reason: "saved but not applied",
        },
        Case {
            name: "log-bin in the file, server still without a binary log",
            start: World::solved,
            change: |w| w.master.log_bin = false,
            task: "master-config",
            status: TaskState::Failing,
            diagnosis: Some("not-applied"),
            reason: "runs with log_bin OFF",
        },
        Case {
            name: "settings under [client]",
            start: World::solved,
            change: |w| w.master_cnf = "[client]\nserver-id = 1\nlog-bin = mysql-bin\n[mysqld]\n".into(),
            task: "master-config",
            status: TaskState::Failing,
            diagnosis: Some("config-wrong-section"),
            reason: "under [client]",
        },
        Case {
            name: "server-id = ? left from the template",
            start: World::solved,
            change: |w| w.master_cnf = "[mysqld]\nserver-id = ?\nlog-bin = mysql-bin\n".into(),
            task: "master-config",
            status: TaskState::Failing,
            diagnosis: Some("config-invalid"),
            reason: "line 2: server-id = ? is not a whole number",
        },
        Case {
            name: "server-id 0",
            start: World::solved,
            change: |w| w.master_cnf = "[mysqld]\nserver-id = 0\nlog-bin = mysql-bin\n".into(),
            task: "master-config",
            status: TaskState::Failing,
            diagnosis: Some("server-id-zero"),
            reason: "server-id is 0",
        },
        Case {
            name: "skip-log-bin after log-bin",
            start: World::solved,
            change: |w| w.master_cnf = format!("{MASTER_CNF}skip-log-bin\n"),
            task: "master-config",
            status: TaskState::Failing,
            diagnosis: Some("config-invalid"),
            reason: "skip-log-bin",
        },
        Case {
            name: "lab not up",
            start: World::fresh,
            change: |w| w.master_absent = true,
            task: "master-config",
            status: TaskState::Failing,
            diagnosis: Some("lab-down"),
            reason: "the master does not exist: the lab is not up",
        },
        Case {
            name: "master down",
            start: World::solved,
            change: |w| w.master_down = true,
            task: "master-config",
            status: TaskState::Failing,
            diagnosis: Some("server-down"),
            reason: "the master is not answering",
        },
    ]
}

pub(super) fn slave_config_cases() -> Vec<Case> {
    vec![
        Case {
            name: "fresh lab",
            start: World::fresh,
            change: nothing,
            task: "slave-config",
            status: TaskState::Pending,
            diagnosis: Some("config-missing"),
            reason: "server-id is not set in /home/learner/sqlcourse/day20/slave/my.cnf yet",
        },
        Case {
            name: "done",
            start: World::solved,
            change: nothing,
            task: "slave-config",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "slave left at server_id 1",
            start: World::fresh,
            change: |w| w.slave_cnf = "[mysqld]\nserver-id = 1\n".into(),
            task: "slave-config",
            status: TaskState::Failing,
            diagnosis: Some("server-id-taken"),
            reason: "runs with server_id 1, the same as the master's",
        },
        Case {
            name: "the master's id saved, not a replica yet",
            start: World::solved,
            change: |w| {
                w.status_row = None;
                w.slave_cnf = "[mysqld]\nserver-id = 1\n".into();
            },
            task: "slave-config",
            status: TaskState::Failing,
            diagnosis: Some("server-id-taken"),
            reason: "which is the master's own server_id: restarting would not help",
        },
        Case {
            name: "a replica back at the master's id",
            start: World::solved,
            change: |w| {
                w.slave.server_id = 1;
                w.slave_cnf = "[mysqld]\nserver-id = 1\n".into();
            },
            task: "slave-config",
            status: TaskState::Failing,
            diagnosis: Some("equal-server-ids"),
            reason: "runs with server_id 1, the same as the master's",
        },
        Case {
            name: "server-id 2 saved, slave not restarted",
            start: World::solved,
            change: |w| w.slave.server_id = 1,
            task: "slave-config",
            status: TaskState::Failing,
            diagnosis: Some("not-applied"),
            reason: "says server-id = 2, but the slave runs with server_id 1",
        },
        Case {
            name: "master down: nothing to compare with",
            start: World::solved,
            change: |w| w.master_down = true,
            task: "slave-config",
            status: TaskState::Pending,
            diagnosis: None,
            reason: "the master is not answering",
        },
        Case {
            name: "slave down",
            start: World::solved,
            change: |w| w.slave_down = true,
            task: "slave-config",
            status: TaskState::Failing,
            diagnosis: Some("server-down"),
            reason: "the slave is not answering",
        },
    ]
}

#[test]
fn master_config() {
    run(&master_config_cases());
}

#[test]
fn slave_config() {
    run(&slave_config_cases());
}
