//! `failover` and `rejoin`: the drill after the master dies.

use super::*;

/// The servers' own names in GTIDs: server ids on MariaDB, server uuids on MySQL.
fn origin(engine: Engine, server: &str) -> String {
    match (engine, server) {
        (Engine::MariaDb, "master") => "1".into(),
        (Engine::MariaDb, _) => "2".into(),
        (Engine::MySql, "master") => "3e11fa47-71ca-11e1-9e33-c80aa9429562".into(),
        (Engine::MySql, _) => "5a2b1c9d-71ca-11e1-9e33-c80aa9429563".into(),
    }
}

/// A replica status row in this engine's words, with some columns changed.
fn status(engine: Engine, changes: &[(&str, &str)]) -> ReplicaStatus {
    let mut w = World::solved(engine);
    for (key, value) in changes {
        w.set(key, value);
    }
    ReplicaStatus::from_row(w.status_row.as_deref().expect("a status row"))
}

/// The application's run after the failover: writes and reads on the promoted slave.
fn run_on_slave() -> RoutingFacts {
    RoutingFacts {
        writer_log: vec![
            app(1.2, 30, "Connect", "app@172.18.0.1 on shop using TCP/IP"),
            app(1.1, 30, "Query", "INSERT INTO customers (name, email) VALUES ('Ada', 'ada@y')"),
            app(1.1, 30, "Query", "COMMIT"),
            app(1.0, 31, "Connect", "app@172.18.0.1 on shop using TCP/IP"),
            app(0.9, 31, "Query", "SELECT id, name, email FROM customers ORDER BY id"),
        ],
        reader_log: Vec::new(),
        reader_read_only: false,
        rows: vec![RowArrival { table: "shop.customers".into(), on_writer: true, on_reader: true }],
        ..Default::default()
    }
}

/// The shipped routing, writes to the master and reads from the slave: the master's port is
/// the one the drill kills.
const APP_ON_MASTER_AND_SLAVE: &str = "WRITER_URL = \"mysql+pymysql://app:shop-app-pw@127.0.0.1:13306/shop\"
READER_URL = \"mysql+pymysql://app:shop-app-pw@127.0.0.1:13307/shop\"
";
const PROMOTED_CNF: &str = "[mysqld]\nserver-id = 2\nlog-bin = mysql-bin\nlog_slave_updates = ON\n";

const REJOINED_CNF: &str = "[mysqld]\nserver-id = 1\nlog-bin = mysql-bin\nread_only = 1\n";

impl World {
    /// The master crashed, the slave was promoted with a binary log of its own, the app moved
    /// to it and ran; the tasks before the drill were completed.
    pub(super) fn failed_over(engine: Engine) -> Self {
        let mut w = World::solved(engine);
        w.completed = spec().tasks.iter().take(6).map(|t| t.id.clone()).collect();
        w.last_replica.insert("slave".into(), status(engine, &[]));
        w.master_down = true;
        w.status_row = None;
        w.canary = None;
        w.routing = None;
        w.slave_cnf = PROMOTED_CNF.to_owned();
        w.slave.log_bin = true;
        w.slave.log_bin_basename = "/var/lib/mysql/mysql-bin".into();
        w.slave.binary_logs = vec![BinaryLog { name: "mysql-bin.000001".into(), size: 2400 }];
        w.slave.current = Some(Coordinates { file: "mysql-bin.000001".into(), position: 2400 });
        w.slave.failover.logs_replica_updates = true;
        w.slave.failover.origin = origin(engine, "slave");
        w.slave.failover.transactions =
            [(origin(engine, "master"), 40), (origin(engine, "slave"), 3)].into();
        w.master.failover.origin = origin(engine, "master");
        w.master.failover.transactions = [(origin(engine, "master"), 40)].into();
        w.app_on_slave = Some(Ok(run_on_slave()));
        w
    }

    /// The old master runs again, read-only, replicating from the slave by GTID.
    pub(super) fn rejoined(engine: Engine) -> Self {
        let mut w = World::failed_over(engine);
        w.master_down = false;
        w.master.read_only = true;
        w.master_cnf = REJOINED_CNF.to_owned();
        let gtid = if engine == Engine::MariaDb { "Current_Pos" } else { "1" };
        w.master.replica = Some(status(engine, &[("host", "slave"), ("gtid", gtid), ("pos", "2400"), ("exec", "2400")]));
        w.master.failover.transactions =
            [(origin(engine, "master"), 40), (origin(engine, "slave"), 3)].into();
        let plugin = w.master.replication_accounts.last().map(|a| a.plugin.clone()).unwrap_or_default();
        w.slave.replication_accounts.push(Account { user: "replica".into(), host: "%".into(), plugin });
        w.slave.binlog_dumps = vec!["172.18.0.2:40112".into()];
        w.canary_back = Some(CanaryOutcome::Arrived { after_ms: 4 });
        w
    }

    /// The slave was promoted with events received but not applied (the SQL thread stopped).
    fn promoted_stranded(&mut self) {
        let behind = status(self.engine, &[("io", "No"), ("sql", "No"), ("pos", "5120")]);
        self.last_replica.insert("slave".into(), behind);
    }

    /// The old master runs again, read-only, holding its own transactions up to `last`.
    fn old_master_back_holding(&mut self, last: u64) {
        self.master_down = false;
        self.master.read_only = true;
        let master = origin(self.engine, "master");
        self.master.failover.transactions.insert(master, last);
    }

    /// The old master's IO thread, pointed at the slave by GTID, stopped on the slave's answer
    /// that the GTID it asks for is not in its binary log.
    fn rejoin_refused_as_diverged(&mut self) {
        let error = self.says(
            "Got fatal error 1236 from master when reading data from binary log: 'Error: connecting slave requested to start from GTID 0-1-45, which is not in the master's binlog. Since the master's binlog contains GTIDs with higher sequence numbers, it probably means that the slave has diverged due to executing extra erroneous transactions'",
            "Got fatal error 1236 from source when reading data from binary log: 'The replica has more GTIDs than the source has, using the source's SERVER_UUID. This may indicate that the end of the binary log was truncated or that the last binary log file was lost, e.g., after a power or disk failure when sync_binlog != 1.'",
        );
        let gtid = if self.engine == Engine::MariaDb { "Current_Pos" } else { "1" };
        self.master.replica = Some(status(
            self.engine,
            &[("host", "slave"), ("gtid", gtid), ("io", "No"), ("io_errno", "1236"), ("io_error", error)],
        ));
        self.slave.binlog_dumps.clear();
        self.canary_back = None;
    }

    /// The old master started writable (no read_only).
    fn writable_old_master(&mut self) {
        self.master_down = false;
        self.master.read_only = false;
    }
}

pub(super) fn failover_cases() -> Vec<Case> {
    vec![
        Case {
            name: "fresh lab: nothing to fail over yet",
            start: World::fresh,
            change: nothing,
            task: "failover",
            status: TaskState::Pending,
            diagnosis: None,
            reason: "needs `replication-running` first",
        },
        Case {
            name: "replication runs, the master is alive",
            start: World::solved,
            change: nothing,
            task: "failover",
            status: TaskState::Pending,
            diagnosis: Some("failover-not-started"),
            reason: "the master still runs",
        },
        Case {
            name: "master down, slave not promoted",
            start: World::solved,
            change: |w| {
                w.master_down = true;
                w.io_error(2003, "error reconnecting to master 'replica@master:3306' - retry-time: 60  maximum-retries: 100000  message: Can't connect to server on 'master' (111)");
            },
            task: "failover",
            status: TaskState::Pending,
            diagnosis: Some("not-promoted"),
            reason: "the slave is not promoted yet",
        },
        Case {
            name: "master down, the slave's SQL thread stopped behind what it received",
            start: World::solved,
            change: |w| {
                w.master_down = true;
                w.set("io", "No");
                w.set("sql", "No");
                w.set("pos", "5120");
            },
            task: "failover",
            status: TaskState::Failing,
            diagnosis: Some("promoted-unapplied"),
            reason: "applied only mysql-bin.000001:1199",
        },
        Case {
            name: "promoted after it had stopped applying: the rest is lost",
            start: World::failed_over,
            change: World::promoted_stranded,
            task: "failover",
            status: TaskState::Failing,
            diagnosis: Some("promoted-lost"),
            reason: "the rest is lost",
        },
        Case {
            name: "the old master is back read-only and holds what the promoted slave never applied",
            start: World::failed_over,
            change: |w| {
                w.promoted_stranded();
                w.old_master_back_holding(42);
            },
            task: "failover",
            status: TaskState::Failing,
            diagnosis: Some("promoted-lost"),
            reason: "applied: the rest is lost",
        },
        Case {
            name: "a stranded promotion loses nothing the old master, back, shows missing",
            start: World::failed_over,
            change: |w| {
                w.promoted_stranded();
                w.old_master_back_holding(40);
            },
            task: "failover",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "the old master holds transactions the promoted slave, which wrote nothing, never got",
            start: World::failed_over,
            change: |w| {
                w.slave.failover.transactions.remove(&origin(w.engine, "slave"));
                w.old_master_back_holding(42);
            },
            task: "failover",
            status: TaskState::Failing,
            diagnosis: Some("promoted-lost"),
            reason: ") that the promoted slave never applied: they are lost",
        },
        Case {
            name: "split brain lasts after the old master was made read-only",
            start: World::failed_over,
            change: |w| w.old_master_back_holding(43),
            task: "failover",
            status: TaskState::Failing,
            diagnosis: Some("split-brain"),
            reason: "split brain: the master took ",
        },
        Case {
            name: "split brain after read_only names the range",
            start: World::failed_over,
            change: |w| w.old_master_back_holding(43),
            task: "failover",
            status: TaskState::Failing,
            diagnosis: Some("split-brain"),
            reason: ") the slave lacks, while the slave took transactions up to #3 (server ",
        },
        Case {
            name: "a running SQL thread a moment behind is not a loss",
            start: World::failed_over,
            change: |w| {
                w.last_replica.insert("slave".into(), status(w.engine, &[("pos", "1250")]));
            },
            task: "failover",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "promoted without a binary log",
            start: World::failed_over,
            change: |w| {
                w.slave.log_bin = false;
                w.slave.binary_logs.clear();
                w.slave.current = None;
            },
            task: "failover",
            status: TaskState::Failing,
            diagnosis: Some("promoted-no-binlog"),
            reason: "keeps no binary log",
        },
        Case {
            name: "promoted without log_slave_updates",
            start: World::failed_over,
            change: |w| w.slave.failover.logs_replica_updates = false,
            task: "failover",
            status: TaskState::Failing,
            diagnosis: Some("promoted-no-binlog"),
            reason: "log_slave_updates",
        },
        Case {
            name: "promoted but still read-only",
            start: World::failed_over,
            change: |w| w.slave.read_only = true,
            task: "failover",
            status: TaskState::Failing,
            diagnosis: Some("promoted-read-only"),
            reason: "still refuses writes",
        },
        Case {
            name: "MySQL: super_read_only left on",
            start: World::failed_over,
            change: |w| w.slave.failover.super_read_only = true,
            task: "failover",
            status: TaskState::Failing,
            diagnosis: Some("promoted-read-only"),
            reason: "still refuses writes",
        },
        Case {
            name: "read_only still in the config file",
            start: World::failed_over,
            change: |w| w.slave_cnf = format!("{PROMOTED_CNF}read_only = 1\n"),
            task: "failover",
            status: TaskState::Failing,
            diagnosis: Some("read-only-in-config"),
            reason: "line 5 of /home/learner/sqlcourse/day20/slave/my.cnf",
        },
        Case {
            name: "the application never ran against the slave",
            start: World::failed_over,
            change: |w| w.app_on_slave = Some(Ok(RoutingFacts::default())),
            task: "failover",
            status: TaskState::Failing,
            diagnosis: Some("app-on-dead-source"),
            reason: "has not run against the slave",
        },
        Case {
            name: "the application still writes to the dead master (its reads reached the slave)",
            start: World::failed_over,
            change: |w| {
                let mut facts = run_on_slave();
                facts.writer_log.retain(|s| !s.text.starts_with("INSERT") && s.text != "COMMIT");
                facts.rows.clear();
                w.app_on_slave = Some(Ok(facts));
            },
            task: "failover",
            status: TaskState::Failing,
            diagnosis: Some("app-on-dead-source"),
            reason: "wrote nothing on the slave (it read there: 1 SELECT)",
        },
        Case {
            name: "the application wrote to the slave but read nothing",
            start: World::failed_over,
            change: |w| {
                let mut facts = run_on_slave();
                facts.writer_log.retain(|s| !s.text.starts_with("SELECT"));
                w.app_on_slave = Some(Ok(facts));
            },
            task: "failover",
            status: TaskState::Failing,
            diagnosis: Some("routing-no-reads"),
            reason: "read nothing from the slave",
        },
        Case {
            name: "the application ran while the slave was still read-only",
            start: World::failed_over,
            change: |w| {
                let mut facts = run_on_slave();
                facts.rows[0].on_writer = false;
                facts.rows[0].on_reader = false;
                w.app_on_slave = Some(Ok(facts));
            },
            task: "failover",
            status: TaskState::Failing,
            diagnosis: Some("routing-rerun"),
            reason: "its writes were refused",
        },
        Case {
            name: "the old master is back and writable",
            start: World::failed_over,
            change: World::writable_old_master,
            task: "failover",
            status: TaskState::Failing,
            diagnosis: Some("old-source-writable"),
            reason: "the master runs again and takes writes",
        },
        Case {
            name: "split brain: both servers took writes",
            start: World::failed_over,
            change: |w| {
                w.writable_old_master();
                let master = origin(w.engine, "master");
                w.master.failover.transactions.insert(master, 45);
            },
            task: "failover",
            status: TaskState::Failing,
            diagnosis: Some("split-brain"),
            reason: "split brain: the master took ",
        },
        Case {
            name: "a failed run after the good one is the run described",
            start: World::failed_over,
            change: |w| {
                w.age_app_runs(30.0);
                w.app_run = Some(crashed(UNKNOWN_MASTER_HOST));
            },
            task: "failover",
            status: TaskState::Failing,
            diagnosis: Some("app-unknown-host"),
            reason: "the app's last run (just now) ended with code 1: no host is called 'master'",
        },
        Case {
            name: "the app still writes to the crashed master",
            start: World::failed_over,
            change: |w| {
                w.age_app_runs(30.0);
                w.app_run = Some(crashed(REFUSED));
                w.settings = Some(APP_ON_MASTER_AND_SLAVE.to_owned());
            },
            task: "failover",
            status: TaskState::Failing,
            diagnosis: Some("app-server-down"),
            reason: "nothing answers on 127.0.0.1:13306, which settings.py names: the master's port, and the master is down",
        },
        Case {
            name: "done",
            start: World::failed_over,
            change: nothing,
            task: "failover",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "tasks completed before the drill stay done while the master is down",
            start: World::failed_over,
            change: nothing,
            task: "replication-user",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "a task never completed is graded live during the drill",
            start: World::failed_over,
            change: |w| {
                w.completed.remove("replication-user");
            },
            task: "replication-user",
            status: TaskState::Failing,
            diagnosis: Some("server-down"),
            reason: "the master is not answering",
        },
        Case {
            name: "before the drill, completed tasks are graded live",
            start: World::solved,
            change: |w| {
                w.completed = spec().tasks.iter().take(6).map(|t| t.id.clone()).collect();
                w.master_down = true;
            },
            task: "replication-user",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
    ]
}

pub(super) fn rejoin_cases() -> Vec<Case> {
    vec![
        Case {
            name: "fresh lab",
            start: World::fresh,
            change: nothing,
            task: "rejoin",
            status: TaskState::Pending,
            diagnosis: None,
            reason: "needs `failover` first",
        },
        Case {
            name: "the old master is still down",
            start: World::failed_over,
            change: nothing,
            task: "rejoin",
            status: TaskState::Pending,
            diagnosis: Some("old-source-down"),
            reason: "the master is still down",
        },
        Case {
            name: "back read-only, no replication account on the promoted slave yet",
            start: World::failed_over,
            change: |w| {
                w.master_down = false;
                w.master.read_only = true;
            },
            task: "rejoin",
            status: TaskState::Pending,
            diagnosis: Some("promoted-no-account"),
            reason: "it never replicated",
        },
        Case {
            name: "pointed at the slave, which has no replication account",
            start: World::rejoined,
            change: |w| w.slave.replication_accounts.retain(|a| a.user == "root"),
            task: "rejoin",
            status: TaskState::Failing,
            diagnosis: Some("promoted-no-account"),
            reason: "the slave has no replication account",
        },
        Case {
            name: "back read-only, the account there, pointed at nobody yet",
            start: World::rejoined,
            change: |w| {
                w.master.replica = None;
                w.canary_back = None;
            },
            task: "rejoin",
            status: TaskState::Pending,
            diagnosis: Some("rejoin-not-a-replica"),
            reason: "the master runs again, but replicates from nobody yet",
        },
        Case {
            name: "rejoined, read-only by SET GLOBAL only: the file would make it writable at its next restart",
            start: World::rejoined,
            change: |w| w.master_cnf = w.master_cnf.lines().filter(|l| !l.contains("read_only")).collect::<Vec<_>>().join("\n"),
            task: "rejoin",
            status: TaskState::Failing,
            diagnosis: Some("rejoin-read-only-not-in-config"),
            reason: "does not keep it read-only: its next restart makes it writable again",
        },
        Case {
            name: "pointed with the old master's own coordinates",
            start: World::rejoined,
            change: |w| {
                w.master.binary_logs = vec![BinaryLog { name: "mysql-bin.000003".into(), size: 912 }];
                w.master.current = Some(Coordinates { file: "mysql-bin.000003".into(), position: 912 });
                let gtid = if w.engine == Engine::MariaDb { "No" } else { "0" };
                w.master.replica = Some(status(
                    w.engine,
                    &[("host", "slave"), ("gtid", gtid), ("file", "mysql-bin.000003"), ("pos", "912"), ("io", "No"), ("sql", "No")],
                ));
                w.canary_back = None;
            },
            task: "rejoin",
            status: TaskState::Failing,
            diagnosis: Some("rejoin-old-coordinates"),
            reason: "those are the master's own coordinates",
        },
        Case {
            name: "started writable",
            start: World::rejoined,
            change: World::writable_old_master,
            task: "rejoin",
            status: TaskState::Failing,
            diagnosis: Some("old-source-writable"),
            reason: "takes writes",
        },
        Case {
            name: "started writable and written to: split brain",
            start: World::rejoined,
            change: |w| {
                w.writable_old_master();
                let master = origin(w.engine, "master");
                w.master.failover.transactions.insert(master, 41);
            },
            task: "rejoin",
            status: TaskState::Failing,
            diagnosis: Some("split-brain"),
            reason: "the master took 1 transaction",
        },
        Case {
            name: "after a lost promotion, the rejoin asks for a GTID the slave never had",
            start: World::rejoined,
            change: |w| {
                w.promoted_stranded();
                w.old_master_back_holding(45);
                w.rejoin_refused_as_diverged();
            },
            task: "rejoin",
            status: TaskState::Failing,
            diagnosis: Some("histories-diverged"),
            reason: "the master and the slave have diverged: the master holds ",
        },
        Case {
            name: "after a lost promotion, the rejoin is not begun",
            start: World::failed_over,
            change: |w| {
                w.promoted_stranded();
                w.old_master_back_holding(45);
            },
            task: "rejoin",
            status: TaskState::Failing,
            diagnosis: Some("promoted-lost"),
            reason: "the rest is lost",
        },
        Case {
            name: "written to before read_only, then pointed at the slave: split brain, not only diverged",
            start: World::rejoined,
            change: |w| {
                w.old_master_back_holding(45);
                w.rejoin_refused_as_diverged();
            },
            task: "rejoin",
            status: TaskState::Failing,
            diagnosis: Some("split-brain"),
            reason: ") the slave lacks",
        },
        Case {
            name: "pointed but not started",
            start: World::rejoined,
            change: |w| {
                let gtid = if w.engine == Engine::MariaDb { "Current_Pos" } else { "1" };
                w.master.replica = Some(status(w.engine, &[("host", "slave"), ("gtid", gtid), ("io", "No"), ("sql", "No")]));
                w.slave.binlog_dumps.clear();
                w.canary_back = None;
            },
            task: "rejoin",
            status: TaskState::Pending,
            diagnosis: Some("replication-not-started"),
            reason: "replication is not started on the master",
        },
        Case {
            name: "done",
            start: World::rejoined,
            change: nothing,
            task: "rejoin",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
    ]
}

#[test]
fn failover_rules() {
    run(&failover_cases());
}

#[test]
fn rejoin_rules() {
    run(&rejoin_cases());
}

#[test]
fn gtid_lists_of_both_engines_give_the_last_transaction_of_each_origin() {
    use crate::probe::snapshot::FailoverFacts;
    let mariadb = FailoverFacts::read_gtids(["0-1-12,0-2-3", "0-1-10", ""]);
    assert_eq!(mariadb, [("1".to_owned(), 12), ("2".to_owned(), 3)].into());
    let uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    let mysql = FailoverFacts::read_gtids([format!("{uuid}:1-5:7-9,\n5a2b1c9d-71ca-11e1-9e33-c80aa9429563:1-3").as_str()]);
    assert_eq!(mysql.get(uuid), Some(&9));
    assert_eq!(mysql.get("5a2b1c9d-71ca-11e1-9e33-c80aa9429563"), Some(&3));
}

/// The hint names the old master as the learner finds it: dead while it is down, old once
/// it runs again.
#[test]
fn the_app_hint_calls_the_old_master_dead_only_while_it_is_down() {
    for engine in Engine::ALL {
        let mut w = World::failed_over(engine);
        w.app_on_slave = Some(Ok(RoutingFacts::default()));
        let hint = |w: &World| {
            let got = w.grade().into_iter().find(|t| t.id == "failover").expect("graded");
            assert_eq!(got.diagnosis, Some(Diagnosis::AppOnDeadSource), "{got:#?}");
            got.hint.unwrap_or_default()
        };
        assert!(hint(&w).contains("still talks to the dead master"), "{}", hint(&w));
        w.old_master_back_holding(40);
        let back = hint(&w);
        assert!(back.contains("still talks to the old master") && !back.contains("dead"), "{back}");
    }
}

/// The diverged rejoin names what each side holds and the lab's way out, not a restart.
#[test]
fn a_diverged_rejoin_says_what_to_do_in_the_lab() {
    for engine in Engine::ALL {
        let mut w = World::rejoined(engine);
        w.promoted_stranded();
        w.old_master_back_holding(45);
        w.rejoin_refused_as_diverged();
        let got = w.grade().into_iter().find(|t| t.id == "rejoin").expect("graded");
        let hint = got.hint.unwrap_or_default();
        assert!(hint.contains("sqlcourse day20 reset"), "{hint}");
        let held = match engine {
            Engine::MySql => "the master holds 5 transactions (server ",
            Engine::MariaDb => "the master holds transactions after #40, up to #45 (server 1)",
        };
        assert!(hint.contains(held), "{hint}");
        assert!(!hint.contains("Fix the cause"), "{hint}");
    }
}
