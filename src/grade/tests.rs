//! Every rule, passing and failing, over hand-made snapshots in both engines' vocabularies.

use std::collections::BTreeSet;
use std::path::Path;

use crate::grade::*;
use crate::dialect::forms::refused;
use crate::dialect::engine::Engine;
use crate::grade::read_routing::judge::{AppStatement, RoutingFacts, RowArrival};
use crate::probe::snapshot::{
    Account, BinaryLog, CanaryOutcome, Coordinates, Flow, NetworkPlace, ReplicaStatus,
    RoutingObservation, ServerFacts, ServerSnapshot,
};

/// When the hand-made rounds are taken (Unix seconds).
const NOW: f64 = 1_800_000_000.0;

const MASTER_CNF: &str = "[mysqld]\nserver-id = 1\nlog-bin   = mysql-bin\n";
const SLAVE_CNF: &str = "[mysqld]\nserver-id = 2\nread_only = 1\n";
const START_MASTER: &str = include_str!("../../labs/day20/start/master/my.cnf");
const START_SLAVE: &str = include_str!("../../labs/day20/start/slave/my.cnf");

fn spec() -> LabSpec {
    LabSpec::parse(include_str!("../../labs/day20/lab.toml"), "lab.toml").expect("day20 parses")
}

/// A healthy `SHOW SLAVE STATUS` row, as MariaDB 11.8.9 printed it here.
fn mariadb_row() -> Vec<(String, Option<String>)> {
    row(&[
        ("Slave_IO_State", "Waiting for master to send event"),
        ("Master_Host", "master"),
        ("Master_User", "replica"),
        ("Master_Port", "3306"),
        ("Connect_Retry", "60"),
        ("Master_Log_File", "mysql-bin.000001"),
        ("Read_Master_Log_Pos", "1199"),
        ("Relay_Log_File", "mysqld-relay-bin.000002"),
        ("Relay_Log_Pos", "756"),
        ("Relay_Master_Log_File", "mysql-bin.000001"),
        ("Slave_IO_Running", "Yes"),
        ("Slave_SQL_Running", "Yes"),
        ("Replicate_Do_DB", ""),
        ("Replicate_Ignore_DB", ""),
        ("Replicate_Do_Table", ""),
        ("Replicate_Ignore_Table", ""),
        ("Replicate_Wild_Do_Table", ""),
        ("Replicate_Wild_Ignore_Table", ""),
        ("Last_Errno", "0"),
        ("Last_Error", ""),
        ("Skip_Counter", "0"),
        ("Exec_Master_Log_Pos", "1199"),
        ("Relay_Log_Space", "1066"),
        ("Until_Condition", "None"),
        ("Until_Log_File", ""),
        ("Until_Log_Pos", "0"),
        ("Master_SSL_Allowed", "Yes"),
        ("Master_SSL_CA_File", ""),
        ("Master_SSL_CA_Path", ""),
        ("Master_SSL_Cert", ""),
        ("Master_SSL_Cipher", ""),
        ("Master_SSL_Key", ""),
        ("Seconds_Behind_Master", "0"),
        ("Master_SSL_Verify_Server_Cert", "Yes"),
        ("Last_IO_Errno", "0"),
        ("Last_IO_Error", ""),
        ("Last_SQL_Errno", "0"),
        ("Last_SQL_Error", ""),
        ("Replicate_Ignore_Server_Ids", ""),
        ("Master_Server_Id", "1"),
        ("Master_SSL_Crl", ""),
        ("Master_SSL_Crlpath", ""),
        ("Using_Gtid", "No"),
        ("Gtid_IO_Pos", ""),
        ("Replicate_Do_Domain_Ids", ""),
        ("Replicate_Ignore_Domain_Ids", ""),
        ("Parallel_Mode", "optimistic"),
        ("SQL_Delay", "0"),
        ("SQL_Remaining_Delay", "NULL"),
        ("Slave_SQL_Running_State", "Slave has read all relay log; waiting for more updates"),
        ("Slave_DDL_Groups", "0"),
        ("Slave_Non_Transactional_Groups", "0"),
        ("Slave_Transactional_Groups", "2"),
        ("Replicate_Rewrite_DB", ""),
    ])
}

/// A healthy `SHOW REPLICA STATUS` row from MySQL 8.4: the columns of the manual's example,
/// with this lab's values.
fn mysql_row() -> Vec<(String, Option<String>)> {
    row(&[
        ("Replica_IO_State", "Waiting for source to send event"),
        ("Source_Host", "master"),
        ("Source_User", "replica"),
        ("Source_Port", "3306"),
        ("Connect_Retry", "60"),
        ("Source_Log_File", "mysql-bin.000001"),
        ("Read_Source_Log_Pos", "1199"),
        ("Relay_Log_File", "replica-relay-bin.000002"),
        ("Relay_Log_Pos", "1145"),
        ("Relay_Source_Log_File", "mysql-bin.000001"),
        ("Replica_IO_Running", "Yes"),
        ("Replica_SQL_Running", "Yes"),
        ("Replicate_Do_DB", ""),
        ("Replicate_Ignore_DB", ""),
        ("Replicate_Do_Table", ""),
        ("Replicate_Ignore_Table", ""),
        ("Replicate_Wild_Do_Table", ""),
        ("Replicate_Wild_Ignore_Table", ""),
        ("Last_Errno", "0"),
        ("Last_Error", ""),
        ("Skip_Counter", "0"),
        ("Exec_Source_Log_Pos", "1199"),
        ("Relay_Log_Space", "1355"),
        ("Until_Condition", "None"),
        ("Until_Log_File", ""),
        ("Until_Log_Pos", "0"),
        ("Source_SSL_Allowed", "No"),
        ("Source_SSL_CA_File", ""),
        ("Source_SSL_CA_Path", ""),
        ("Source_SSL_Cert", ""),
        ("Source_SSL_Cipher", ""),
        ("Source_SSL_Key", ""),
        ("Seconds_Behind_Source", "0"),
        ("Source_SSL_Verify_Server_Cert", "No"),
        ("Last_IO_Errno", "0"),
        ("Last_IO_Error", ""),
        ("Last_SQL_Errno", "0"),
        ("Last_SQL_Error", ""),
        ("Replicate_Ignore_Server_Ids", ""),
        ("Source_Server_Id", "1"),
        ("Source_UUID", "73f86016-978b-11ee-ade5-8d2a2a562feb"),
        ("Source_Info_File", "mysql.slave_master_info"),
        ("SQL_Delay", "0"),
        ("SQL_Remaining_Delay", "NULL"),
        ("Replica_SQL_Running_State", "Replica has read all relay log; waiting for more updates"),
        ("Source_Retry_Count", "10"),
        ("Source_Bind", ""),
        ("Last_IO_Error_Timestamp", ""),
        ("Last_SQL_Error_Timestamp", ""),
        ("Source_SSL_Crl", ""),
        ("Source_SSL_Crlpath", ""),
        ("Retrieved_Gtid_Set", ""),
        ("Executed_Gtid_Set", ""),
        ("Auto_Position", "0"),
        ("Replicate_Rewrite_DB", ""),
        ("Channel_Name", ""),
        ("Source_TLS_Version", ""),
        ("Source_public_key_path", ""),
        ("Get_Source_public_key", "1"),
        ("Network_Namespace", ""),
    ])
}

/// Column/value pairs; `NULL` is SQL NULL, as the client prints it.
fn row(pairs: &[(&str, &str)]) -> Vec<(String, Option<String>)> {
    pairs
        .iter()
        .map(|(c, v)| ((*c).to_owned(), (*v != "NULL").then(|| (*v).to_owned())))
        .collect()
}

/// A status column's name in each engine, for scenarios that change one.
const COLUMNS: &[(&str, &str, &str)] = &[
    ("io", "Slave_IO_Running", "Replica_IO_Running"),
    ("sql", "Slave_SQL_Running", "Replica_SQL_Running"),
    ("host", "Master_Host", "Source_Host"),
    ("port", "Master_Port", "Source_Port"),
    ("user", "Master_User", "Source_User"),
    ("file", "Master_Log_File", "Source_Log_File"),
    ("pos", "Read_Master_Log_Pos", "Read_Source_Log_Pos"),
    ("gtid", "Using_Gtid", "Auto_Position"),
    ("key", "Get_master_public_key", "Get_Source_public_key"),
    ("ssl", "Master_SSL_Allowed", "Source_SSL_Allowed"),
    ("io_errno", "Last_IO_Errno", "Last_IO_Errno"),
    ("io_error", "Last_IO_Error", "Last_IO_Error"),
    ("sql_errno", "Last_SQL_Errno", "Last_SQL_Errno"),
    ("sql_error", "Last_SQL_Error", "Last_SQL_Error"),
];

/// The lab as a test sets it up: both servers, their files, the canary.
#[derive(Clone)]
struct World {
    engine: Engine,
    master: ServerFacts,
    slave: ServerFacts,
    status_row: Option<Vec<(String, Option<String>)>>,
    master_cnf: String,
    slave_cnf: String,
    master_down: bool,
    slave_down: bool,
    master_absent: bool,
    canary: Option<CanaryOutcome>,
    routing: Option<Result<RoutingFacts, String>>,
}

/// One statement of the application, `ago` seconds before the round.
fn app(ago: f64, thread: u64, command: &str, text: &str) -> AppStatement {
    AppStatement { at: NOW - ago, thread, command: command.into(), text: text.into() }
}

/// The application's run with its reads on the slave, its row arrived there.
fn routed_run() -> RoutingFacts {
    RoutingFacts {
        writer_log: vec![
            app(1.2, 20, "Connect", "app@172.18.0.1 on shop using TCP/IP"),
            app(1.1, 20, "Query", "INSERT INTO customers (name, email) VALUES ('Ada', 'ada@x')"),
            app(1.1, 20, "Query", "COMMIT"),
        ],
        reader_log: vec![
            app(1.0, 7, "Connect", "app@172.18.0.1 on shop using TCP/IP"),
            app(0.9, 7, "Query", "SELECT id, name, email FROM customers ORDER BY id"),
        ],
        reader_read_only: true,
        rows: vec![RowArrival { table: "shop.customers".into(), on_writer: true, on_reader: true }],
        app_changed_at: None,
    }
}

fn facts(engine: Engine, server_id: u32, log_bin: bool) -> ServerFacts {
    let (version, plugin) = match engine {
        Engine::MariaDb => ("11.8.3-MariaDB-0+deb13u1", "mysql_native_password"),
        Engine::MySql => ("8.4.6", "caching_sha2_password"),
    };
    ServerFacts {
        engine,
        version: version.to_owned(),
        server_id,
        log_bin,
        // MySQL logs by default, under this name.
        log_bin_basename: if log_bin { "/var/lib/mysql/binlog".to_owned() } else { String::new() },
        read_only: false,
        port: 3306,
        skip_name_resolve: true,
        login_user: "root".to_owned(),
        replication_accounts: vec![
            Account { user: "root".into(), host: "%".into(), plugin: plugin.into() },
            Account { user: "root".into(), host: "localhost".into(), plugin: plugin.into() },
        ],
        binary_logs: Vec::new(),
        current: None,
        replica: None,
        binlog_dumps: Vec::new(),
    }
}

impl World {
    /// A lab as it starts: both servers at server_id 1, nothing set up. MySQL logs binary
    /// by default (`binlog.000001`), MariaDB does not.
    fn fresh(engine: Engine) -> Self {
        let mut master = facts(engine, 1, engine == Engine::MySql);
        if engine == Engine::MySql {
            master.binary_logs = vec![BinaryLog { name: "binlog.000001".into(), size: 158 }];
            master.current = Some(Coordinates { file: "binlog.000001".into(), position: 158 });
        }
        World {
            engine,
            slave: facts(engine, 1, engine == Engine::MySql),
            master,
            status_row: None,
            master_cnf: START_MASTER.to_owned(),
            slave_cnf: START_SLAVE.to_owned(),
            master_down: false,
            slave_down: false,
            master_absent: false,
            canary: None,
            routing: Some(Ok(RoutingFacts::default())),
        }
    }

    /// Every step of the lesson done, replication running, the canary arrived.
    fn solved(engine: Engine) -> Self {
        let mut w = World::fresh(engine);
        w.master_cnf = MASTER_CNF.to_owned();
        w.slave_cnf = SLAVE_CNF.to_owned();
        w.master.log_bin = true;
        w.master.log_bin_basename = "/var/lib/mysql/mysql-bin".into();
        w.master.binary_logs = vec![BinaryLog { name: "mysql-bin.000001".into(), size: 1199 }];
        w.master.current = Some(Coordinates { file: "mysql-bin.000001".into(), position: 1199 });
        w.add_account("replica", "%");
        w.master.binlog_dumps = vec!["172.18.0.3:41234".into()];
        w.slave.server_id = 2;
        w.status_row = Some(match engine {
            Engine::MariaDb => mariadb_row(),
            Engine::MySql => mysql_row(),
        });
        w.canary = Some(CanaryOutcome::Arrived { after_ms: 3 });
        w.routing = Some(Ok(routed_run()));
        w
    }

    /// A lab where CHANGE MASTER has been run but not START SLAVE.
    fn pointed(engine: Engine) -> Self {
        let mut w = World::solved(engine);
        w.set("io", "No");
        w.set("sql", "No");
        w.master.binlog_dumps.clear();
        w.canary = None;
        w
    }

    fn add_account(&mut self, user: &str, host: &str) {
        let plugin = match self.engine {
            Engine::MariaDb => "mysql_native_password",
            Engine::MySql => "caching_sha2_password",
        };
        self.master.replication_accounts.push(Account {
            user: user.into(),
            host: host.into(),
            plugin: plugin.into(),
        });
    }

    fn set_accounts(&mut self, accounts: &[(&str, &str)]) {
        self.master.replication_accounts.retain(|a| a.user == "root");
        for (user, host) in accounts {
            self.add_account(user, host);
        }
    }

    /// Changes a replica status column, named by its key in [`COLUMNS`], in this engine's words.
    fn set(&mut self, key: &str, value: &str) {
        let (_, mariadb, mysql) =
            COLUMNS.iter().find(|(k, _, _)| *k == key).expect("a known column key");
        let column = if self.engine == Engine::MariaDb { *mariadb } else { *mysql };
        let row = self.status_row.as_mut().expect("a scenario with a replica status");
        match row.iter_mut().find(|(c, _)| c == column) {
            Some((_, v)) => *v = Some(value.to_owned()),
            None => row.push((column.to_owned(), Some(value.to_owned()))),
        }
    }

    /// The engine's own wording of a message.
    fn says(&self, mariadb: &'static str, mysql: &'static str) -> &'static str {
        if self.engine == Engine::MariaDb { mariadb } else { mysql }
    }

    fn io_error(&mut self, errno: u32, text: &str) {
        self.set("io", "Connecting");
        self.set("io_errno", &errno.to_string());
        self.set("io_error", text);
    }

    fn snapshot(&self) -> Snapshot {
        let mut slave = self.slave.clone();
        slave.replica = self.status_row.as_deref().map(ReplicaStatus::from_row);
        let server = |facts: ServerFacts, down: bool, name: &str, address: &str| ServerSnapshot {
            place: Some(NetworkPlace {
                container: format!("sqlcourse-day20-{name}"),
                address: address.parse().ok(),
            }),
            state: if down {
                ServerState::Down { reason: "Can't connect to server on '127.0.0.1' (111)".into() }
            } else {
                ServerState::Up(Box::new(facts))
            },
        };
        let master = if self.master_absent {
            ServerSnapshot { place: None, state: ServerState::Absent }
        } else {
            server(self.master.clone(), self.master_down, "master", "172.18.0.2")
        };
        Snapshot {
            servers: [
                ("master".to_owned(), master),
                ("slave".to_owned(), server(slave, self.slave_down, "slave", "172.18.0.3")),
            ]
            .into(),
            flows: self
                .canary
                .iter()
                .map(|o| Flow { source: "master".into(), replica: "slave".into(), outcome: o.clone() })
                .collect(),
            routing: self
                .routing
                .iter()
                .map(|facts| RoutingObservation {
                    writer: "master".into(),
                    reader: "slave".into(),
                    facts: facts.clone(),
                })
                .collect(),
            taken_at: NOW,
        }
    }

    fn grade(&self) -> Vec<TaskStatus> {
        let files = WorkspaceFiles::from_texts(
            Path::new("/home/learner/sqlcourse/day20"),
            [("master/my.cnf", self.master_cnf.as_str()), ("slave/my.cnf", self.slave_cnf.as_str())],
        );
        grade(&spec(), &files, &self.snapshot())
    }
}

/// One row of a rule table.
struct Case {
    name: &'static str,
    start: fn(Engine) -> World,
    change: fn(&mut World),
    task: &'static str,
    status: TaskState,
    diagnosis: Option<&'static str>,
    /// Words the reason must contain.
    reason: &'static str,
}

/// Runs each case on each engine and checks its outcome; returns the diagnoses seen, by engine.
fn run_on(engines: &[Engine], cases: &[Case]) -> BTreeSet<(Engine, &'static str)> {
    let mut seen = BTreeSet::new();
    for &engine in engines {
        for case in cases {
            let mut world = (case.start)(engine);
            (case.change)(&mut world);
            let statuses = world.grade();
            let got = statuses.iter().find(|s| s.id == case.task).expect("the task is graded");
            let label = format!("{} [{}] {}", case.task, engine.name(), case.name);
            assert_eq!(got.status, case.status, "{label}: {got:#?}");
            assert_eq!(got.diagnosis.map(Diagnosis::id), case.diagnosis, "{label}: {got:#?}");
            let reason = got.reason.as_deref().unwrap_or("");
            assert!(reason.contains(case.reason), "{label}: reason {reason:?} lacks {:?}", case.reason);
            assert_eq!(got.reason.is_none(), got.status == TaskState::Done, "{label}");
            match &got.hint {
                Some(hint) => {
                    assert!(
                        crate::course::template::placeholders(hint).is_empty(),
                        "{label}: unfilled placeholder in {hint:?}"
                    );
                    let refused = refused(hint, engine, world.master.version.as_str());
                    assert!(refused.is_empty(), "{label}: the hint says {refused:?} to {}", engine.name());
                }
                None => assert!(got.diagnosis.is_none(), "{label}: a diagnosis without a hint"),
            }
            seen.extend(got.diagnosis.map(|d| (engine, d.id())));
        }
    }
    seen
}

/// Runs each case on both engines.
fn run(cases: &[Case]) -> BTreeSet<(Engine, &'static str)> {
    run_on(&Engine::ALL, cases)
}

fn nothing(_: &mut World) {}

#[test]
fn a_fresh_lab_has_no_task_done() {
    for engine in [Engine::MariaDb, Engine::MySql] {
        let statuses = World::fresh(engine).grade();
        let ids: Vec<&str> = statuses.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            ["master-config", "slave-config", "replication-user", "change-master", "replication-running", "read-routing"]
        );
        for s in &statuses {
            assert_ne!(s.status, TaskState::Done, "{} on a fresh {} lab", s.id, engine.name());
            assert!(s.reason.is_some(), "{} says why it is not done", s.id);
        }
    }
}

#[test]
fn the_solved_lab_is_all_done() {
    for engine in [Engine::MariaDb, Engine::MySql] {
        for s in World::solved(engine).grade() {
            assert_eq!(s.status, TaskState::Done, "{} on {}: {s:#?}", s.id, engine.name());
        }
    }
}

fn master_config_cases() -> Vec<Case> {
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

fn slave_config_cases() -> Vec<Case> {
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

fn replication_user_cases() -> Vec<Case> {
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
            name: "account for a host name when names resolve",
            start: World::solved,
            change: |w| {
                w.set_accounts(&[("replica", "slave")]);
                w.master.skip_name_resolve = false;
            },
            task: "replication-user",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
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

fn change_master_cases() -> Vec<Case> {
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
                w.master.log_bin = false;
                w.master.binary_logs.clear();
            },
            task: "change-master",
            status: TaskState::Failing,
            diagnosis: Some("binlog-off"),
            reason: "keeps no binary log",
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

fn replication_running_cases() -> Vec<Case> {
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
                w.slave.server_id = 1;
                w.set("io", "No");
                let (errno, text) = if w.engine == Engine::MariaDb {
                    ("1593", "Fatal error: The slave I/O thread stops because master and slave have equal MariaDB server ids; these ids must be different for replication to work (or the --replicate-same-server-id option must be used on slave but this does not always make sense; please check the manual before using it).")
                } else {
                    ("13117", "Fatal error: The replica I/O thread stops because source and replica have equal MySQL server ids; these ids must be different for replication to work (or the --replicate-same-server-id option must be used on replica but this does not always make sense; please check the manual before using it).")
                };
                w.set("io_errno", errno);
                w.set("io_error", text);
            },
            task: "replication-running",
            status: TaskState::Failing,
            diagnosis: Some("equal-server-ids"),
            reason: "IO thread says: Fatal error",
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

fn read_routing_cases() -> Vec<Case> {
    vec![
        Case {
            name: "fresh lab: the application has not run",
            start: World::fresh,
            change: nothing,
            task: "read-routing",
            status: TaskState::Pending,
            diagnosis: Some("routing-not-run"),
            reason: "the app has not run yet",
        },
        Case {
            name: "done",
            start: World::solved,
            change: nothing,
            task: "read-routing",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "reads sent to the master",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                let reads = std::mem::take(&mut facts.reader_log);
                facts.writer_log.extend(reads);
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-reads-on-writer"),
            reason: "SELECT went to the master",
        },
        Case {
            name: "rows not replicated",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                facts.rows[0].on_reader = false;
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-rows-missing"),
            reason: "have not reached the slave",
        },
        Case {
            name: "the general log cannot be read",
            start: World::solved,
            change: |w| w.routing = Some(Err("the server's general log is off".into())),
            task: "read-routing",
            status: TaskState::Pending,
            diagnosis: None,
            reason: "general log is off",
        },
        Case {
            name: "the app changed after its last run",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                let reads = std::mem::take(&mut facts.reader_log);
                facts.writer_log.extend(reads);
                facts.app_changed_at = Some(NOW - 0.1);
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-rerun"),
            reason: "the app has changed since its last run",
        },
        Case {
            name: "the slave refused the app's login",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                facts.reader_log[0].text = "Access denied for user 'app'@'172.18.0.1' (using password: YES)".into();
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-login-refused"),
            reason: "the slave refused the app's login",
        },
        Case {
            name: "writes sent to the slave",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                let writes = facts.writer_log.split_off(1);
                facts.reader_log.extend(writes);
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-writes-on-reader"),
            reason: "INSERT went to the slave",
        },
        Case {
            name: "the run wrote nothing",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                facts.writer_log.truncate(1);
                facts.rows.clear();
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-no-writes"),
            reason: "wrote nothing on the master",
        },
        Case {
            name: "the run read nothing",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                facts.reader_log.truncate(1);
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-no-reads"),
            reason: "read nothing from the slave",
        },
        Case {
            name: "the rows cannot be followed",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                facts.rows.clear();
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-rows-unknown"),
            reason: "none of the rows",
        },
        Case {
            name: "slave down",
            start: World::solved,
            change: |w| w.slave_down = true,
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("server-down"),
            reason: "the slave is not answering",
        },
    ]
}

/// What only MySQL does: binary logging on by default, sections it does not read, and the
/// caching_sha2_password trap.
fn mysql_cases() -> Vec<Case> {
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
fn mariadb_cases() -> Vec<Case> {
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
fn master_config() {
    run(&master_config_cases());
}

#[test]
fn slave_config() {
    run(&slave_config_cases());
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

#[test]
fn read_routing() {
    run(&read_routing_cases());
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
fn every_diagnosis_the_grader_gives_is_reached_on_each_engine() {
    let mut seen = BTreeSet::new();
    for cases in [
        master_config_cases(),
        slave_config_cases(),
        replication_user_cases(),
        change_master_cases(),
        replication_running_cases(),
        read_routing_cases(),
    ] {
        seen.extend(run(&cases));
    }
    seen.extend(run_on(&[Engine::MySql], &mysql_cases()));
    seen.extend(run_on(&[Engine::MariaDb], &mariadb_cases()));
    for engine in Engine::ALL {
        for diagnosis in Diagnosis::ALL {
            // Only the console meets a write refused by read_only; MariaDB servers have no
            // caching_sha2_password accounts.
            let not_graded = *diagnosis == Diagnosis::ReadOnlyWrite
                || (*diagnosis == Diagnosis::CachingSha2 && engine == Engine::MariaDb);
            assert!(
                not_graded || seen.contains(&(engine, diagnosis.id())),
                "no case reaches `{}` on {}",
                diagnosis.id(),
                engine.name()
            );
        }
    }
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

#[test]
fn every_diagnosis_has_a_hint_in_every_lab_and_engine() {
    let content = crate::course::content::Content::Embedded;
    for slug in content.days().expect("days") {
        let day = content.day(&slug).expect("day loads");
        for engine in day.spec.engines.keys() {
            for diagnosis in Diagnosis::ALL {
                assert!(
                    day.spec.hint(diagnosis.id(), *engine).is_some(),
                    "labs/{slug}/lab.toml has no hint for `{}` on {engine}",
                    diagnosis.id()
                );
            }
        }
        let worded = day.spec.engines.values().flat_map(|e| e.hints.keys());
        for key in day.spec.hints.keys().chain(worded) {
            assert!(
                Diagnosis::ALL.iter().any(|d| d.id() == key),
                "labs/{slug}/lab.toml: hint `{key}` is no diagnosis"
            );
        }
    }
}

#[test]
fn every_hint_speaks_the_statements_its_engine_takes() {
    let content = crate::course::content::Content::Embedded;
    // The versions the lab's images run.
    let versions = [(Engine::MariaDb, "11.8.3-MariaDB"), (Engine::MySql, "8.4.0")];
    for slug in content.days().expect("days") {
        let day = content.day(&slug).expect("day loads");
        for (engine, version) in versions {
            if !day.spec.engines.contains_key(&engine) {
                continue;
            }
            for diagnosis in Diagnosis::ALL {
                let template = day.spec.hint(diagnosis.id(), engine).unwrap_or("");
                // Placeholders are names, not words of the hint: `{{source_port}}`.
                let hint = crate::course::template::fill(template, |_| Some("…".to_owned()));
                let refused = refused(&hint, engine, version);
                assert!(
                    refused.is_empty(),
                    "labs/{slug}/lab.toml: the {engine} hint for `{}` says {} ({engine} {version} refuses it)",
                    diagnosis.id(),
                    refused.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                );
            }
        }
    }
}
