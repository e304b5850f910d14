//! What only one engine does, and the two column vocabularies read alike.

use super::*;

/// What only MySQL does: binary logging on by default, sections it does not read, and the
/// caching_sha2_password trap.
pub(super) fn mysql_cases() -> Vec<Case> {
    vec![
        Case {
            name: "log-bin saved, not applied: the log keeps MySQL's default name",
            start: World::fresh,
            change: |w| w.master_cnf = MASTER_CNF.into(),
            task: "master-config",
            status: TaskState::Failing,
            diagnosis: Some("not-applied"),
            reason: "sets log-bin = mysql-bin, but the master writes its binary log as binlog.*",
        },
        Case {
            name: "a bare log-bin, applied",
            start: World::solved,
            change: |w| {
                w.master_cnf = "[mysqld]\nserver-id = 1\nlog-bin\n".into();
                w.master.log_bin_basename = "/var/lib/mysql/master-bin".into();
            },
            task: "master-config",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "a bare log-bin, not applied",
            start: World::solved,
            change: |w| {
                w.master_cnf = "[mysqld]\nserver-id = 1\nlog-bin\n".into();
                w.master.log_bin_basename = "/var/lib/mysql/binlog".into();
            },
            task: "master-config",
            status: TaskState::Failing,
            diagnosis: Some("not-applied"),
            reason: "writes its binary log as binlog.*",
        },
        Case {
            name: "settings under [mariadb], which MySQL does not read",
            start: World::solved,
            change: |w| w.master_cnf = "[mariadb]\nserver-id = 1\nlog-bin = mysql-bin\n".into(),
            task: "master-config",
            status: TaskState::Failing,
            diagnosis: Some("config-wrong-section"),
            reason: "under [mariadb]",
        },
        Case {
            name: "caching_sha2_password without the key or TLS",
            start: World::pointed,
            change: |w| w.set("key", "0"),
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("caching-sha2"),
            reason: "neither asks for the master's public key nor uses TLS",
        },
        Case {
            name: "caching_sha2_password: running for now on a cached password",
            start: World::solved,
            change: |w| w.set("key", "0"),
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("caching-sha2"),
            reason: "fails with error 2061 after the master restarts",
        },
        Case {
            name: "caching_sha2_password: the master restarted, error 2061 is back",
            start: World::pointed,
            change: |w| {
                w.set("key", "0");
                w.io_error(
                    2061,
                    "error connecting to source 'replica@master:3306' - retry-time: 60 retries: 1 message: Authentication plugin 'caching_sha2_password' reported error: Authentication requires secure connection.",
                );
            },
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("caching-sha2"),
            reason: "neither asks for",
        },
        Case {
            name: "caching_sha2_password over TLS",
            start: World::pointed,
            change: |w| {
                w.set("key", "0");
                w.set("ssl", "Yes");
            },
            task: "change-master",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "replication waits for the caching_sha2_password setup, even while it runs",
            start: World::solved,
            change: |w| w.set("key", "0"),
            task: "replication-running",
            status: TaskState::Pending,
            diagnosis: None,
            reason: "needs `change-master` first",
        },
    ]
}

/// What only MariaDB does.
pub(super) fn mariadb_cases() -> Vec<Case> {
    vec![Case {
        name: "settings under [mariadb]",
        start: World::solved,
        change: |w| w.master_cnf = "[mariadb]\nserver-id = 1\nlog-bin = mysql-bin\n".into(),
        task: "master-config",
        status: TaskState::Done,
        diagnosis: None,
        reason: "",
    }]
}

#[test]
fn on_mysql_only() {
    run_on(&[Engine::MySql], &mysql_cases());
}

#[test]
fn on_mariadb_only() {
    run_on(&[Engine::MariaDb], &mariadb_cases());
}

#[test]
fn hints_come_in_the_running_engines_words() {
    let mut w = World::pointed(Engine::MySql);
    w.set("host", "127.0.0.1");
    let hint = |w: &World| {
        let status = w.grade().into_iter().find(|s| s.id == "change-master").expect("graded");
        status.hint.expect("a hint")
    };
    assert!(hint(&w).contains("CHANGE REPLICATION SOURCE TO again"), "{}", hint(&w));
    let mut w = World::pointed(Engine::MariaDb);
    w.set("host", "127.0.0.1");
    assert!(hint(&w).contains("CHANGE MASTER TO again"), "{}", hint(&w));
    let mut w = World::pointed(Engine::MySql);
    w.set("key", "0");
    assert!(hint(&w).contains("GET_SOURCE_PUBLIC_KEY=1") && hint(&w).contains("SOURCE_SSL=1"), "{}", hint(&w));
}

#[test]
fn both_vocabularies_read_the_same() {
    let maria = ReplicaStatus::from_row(&mariadb_row());
    let mysql = ReplicaStatus::from_row(&mysql_row());
    assert_eq!(maria.source_host, "master");
    assert_eq!(maria.source_log_file, mysql.source_log_file);
    assert_eq!(maria.read_source_log_pos, 1199);
    assert_eq!(mysql.exec_source_log_pos, 1199);
    assert_eq!((maria.seconds_behind, mysql.seconds_behind), (Some(0), Some(0)));
    assert_eq!((maria.gtid, mysql.gtid), (false, false));
    assert!(mysql.get_public_key && !maria.get_public_key);
    assert!(maria.ssl_allowed && !mysql.ssl_allowed);
}
