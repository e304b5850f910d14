//! Every rule, passing and failing, over hand-made snapshots in both engines' vocabularies:
//! the fixtures here, the cases by check kind in the submodules.

use std::collections::BTreeSet;
use std::path::Path;

use crate::grade::*;
use crate::dialect::forms::refused;
use crate::dialect::engine::Engine;
use crate::learner::app_run::RunRecord;
use crate::probe::general_log::{AppStatement, RoutingFacts, RowArrival};
use crate::probe::snapshot::{
    Account, BinaryLog, CanaryOutcome, Coordinates, Flow, NetworkPlace, ReplicaStatus,
    RoutingObservation, ServerFacts, ServerSnapshot,
};

mod content;
mod engines;
mod failover;
mod read_routing;
mod replication;
mod server_config;

/// When the hand-made rounds are taken (Unix seconds).
const NOW: f64 = 1_800_000_000.0;

const MASTER_CNF: &str = "[mysqld]\nserver-id = 1\nlog-bin   = mysql-bin\n";

const SLAVE_CNF: &str = "[mysqld]\nserver-id = 2\nread_only = 1\n";

const START_MASTER: &str = include_str!("../../../labs/day20/start/master/my.cnf");

const START_SLAVE: &str = include_str!("../../../labs/day20/start/slave/my.cnf");

fn spec() -> LabSpec {
    LabSpec::parse(include_str!("../../../labs/day20/lab.toml"), "lab.toml").expect("day20 parses")
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
    ("exec", "Exec_Master_Log_Pos", "Exec_Source_Log_Pos"),
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
    /// The name the servers resolve the slave's address to (Docker's reverse DNS).
    slave_host_name: Option<String>,
    /// What the master said of the slave's start position (the probe asks it).
    position_starts_event: Option<bool>,
    routing: Option<Result<RoutingFacts, String>>,
    /// The failover drill: the app seen on the promoted slave, the canary back to the old
    /// master, replica statuses from earlier rounds, tasks completed before.
    app_on_slave: Option<Result<RoutingFacts, String>>,
    canary_back: Option<CanaryOutcome>,
    last_replica: std::collections::BTreeMap<String, ReplicaStatus>,
    completed: BTreeSet<String>,
    /// How the course saw the application's last run end.
    app_run: Option<RunRecord>,
    /// The application's settings file, when the case gives one, and the servers' earlier
    /// ports (from before the lab moved them).
    settings: Option<String>,
    former_ports: std::collections::BTreeMap<String, Vec<u16>>,
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
        ..Default::default()
    }
}

/// A run of the application the course saw end, 0.3 s ago, with `code` and these error lines.
fn ended_run(code: i32, stderr: &str) -> RunRecord {
    RunRecord {
        started_at: NOW - 0.4,
        ended_at: NOW - 0.3,
        code: Some(code),
        stderr: stderr.lines().map(str::to_owned).collect(),
    }
}

/// A failed run, with the shipped app's last lines.
fn crashed(stderr: &str) -> RunRecord {
    ended_run(1, stderr)
}

/// What the shipped app printed when a URL named the host `master`.
const REFUSED: &str = "
Error 2003: Can't connect to MySQL server on '127.0.0.1' ([Errno 111] Connection refused)
Is the lab running, and are the ports in settings.py right? `sqlcourse day20 status` shows them.";

const UNKNOWN_MASTER_HOST: &str = "
Error 2003: Can't connect to MySQL server on 'master' ([Errno -2] Name or service not known)
Is the lab running, and are the ports in settings.py right? `sqlcourse day20 status` shows them.";

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
        failover: Default::default(),
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
            slave_host_name: Some("sqlcourse-day20-slave.sqlcourse-day20".to_owned()),
            position_starts_event: None,
            routing: Some(Ok(RoutingFacts::default())),
            app_on_slave: None,
            canary_back: None,
            last_replica: Default::default(),
            completed: BTreeSet::new(),
            app_run: None,
            settings: None,
            former_ports: Default::default(),
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
        slave.replica = self.status_row.as_deref().map(|row| ReplicaStatus {
            position_starts_event: self.position_starts_event,
            ..ReplicaStatus::from_row(row)
        });
        let server = |facts: ServerFacts, down: bool, name: &str, address: &str| ServerSnapshot {
            place: Some(NetworkPlace {
                container: format!("sqlcourse-day20-{name}"),
                address: address.parse().ok(),
                published: Some(if name == "master" { 13306 } else { 13307 }),
                host_name: if name == "slave" {
                    self.slave_host_name.clone()
                } else {
                    Some(format!("sqlcourse-day20-{name}.sqlcourse-day20"))
                },
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
                .chain(self.canary_back.iter().map(|o| Flow {
                    source: "slave".into(),
                    replica: "master".into(),
                    outcome: o.clone(),
                }))
                .collect(),
            routing: self
                .routing
                .iter()
                .map(|facts| RoutingObservation {
                    writer: "master".into(),
                    reader: "slave".into(),
                    facts: facts.clone(),
                })
                .chain(self.app_on_slave.iter().map(|facts| RoutingObservation {
                    writer: "slave".into(),
                    reader: "slave".into(),
                    facts: facts.clone(),
                }))
                .collect(),
            taken_at: NOW,
            last_replica: self.last_replica.clone(),
        }
    }

    /// Moves what the servers logged of the application `seconds` into the past.
    fn age_app_runs(&mut self, seconds: f64) {
        for facts in self.routing.iter_mut().chain(self.app_on_slave.iter_mut()).flatten() {
            let logs = [&mut facts.writer_log, &mut facts.reader_log, &mut facts.writer_refused];
            for statement in logs.into_iter().flatten() {
                statement.at -= seconds;
            }
        }
    }

    fn grade(&self) -> Vec<TaskStatus> {
        let master = ("master/my.cnf", self.master_cnf.as_str());
        let configs = [master, ("slave/my.cnf", self.slave_cnf.as_str())];
        let settings = self.settings.as_deref().map(|text| ("app/settings.py", text));
        let mut files = WorkspaceFiles::from_texts(
            Path::new("/home/learner/sqlcourse/day20"),
            configs.into_iter().chain(settings),
        );
        files.app_run = self.app_run.clone();
        files.former_ports = self.former_ports.clone();
        grade_after(&spec(), &files, &self.snapshot(), &self.completed)
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
/// Every case runs: the failures are reported together, not just the first.
fn run_on(engines: &[Engine], cases: &[Case]) -> BTreeSet<(Engine, &'static str)> {
    let mut seen = BTreeSet::new();
    let mut failures = Vec::new();
    for &engine in engines {
        for case in cases {
            let mut world = (case.start)(engine);
            (case.change)(&mut world);
            let statuses = world.grade();
            let got = statuses.iter().find(|s| s.id == case.task).expect("the task is graded");
            let label = format!("{} [{}] {}", case.task, engine.name(), case.name);
            let mut fail = |what: String| failures.push(format!("{label}: {what}"));
            if got.status != case.status {
                fail(format!("status {:?}, expected {:?}: {got:#?}", got.status, case.status));
            }
            if got.diagnosis.map(Diagnosis::id) != case.diagnosis {
                fail(format!("diagnosis {:?}, expected {:?}: {got:#?}", got.diagnosis, case.diagnosis));
            }
            let reason = got.reason.as_deref().unwrap_or("");
            if !reason.contains(case.reason) {
                fail(format!("reason {reason:?} lacks {:?}", case.reason));
            }
            if got.reason.is_none() != (got.status == TaskState::Done) {
                fail("a reason goes with every state but done".to_owned());
            }
            match &got.hint {
                Some(hint) => {
                    if !crate::course::template::placeholders(hint).is_empty() {
                        fail(format!("unfilled placeholder in {hint:?}"));
                    }
                    let refused = refused(hint, engine, world.master.version.as_str());
                    if !refused.is_empty() {
                        fail(format!("the hint says {refused:?} to {}", engine.name()));
                    }
                    // STOP/START SLAVE on a server that replicates from nobody fails (1200),
                    // unless the hint has it run CHANGE MASTER first.
                    let first = |words: &[&str]| words.iter().filter_map(|w| hint.find(w)).min();
                    let threads = first(&["STOP SLAVE", "START SLAVE", "STOP REPLICA", "START REPLICA"]);
                    let change = first(&["CHANGE MASTER TO", "CHANGE REPLICATION SOURCE TO"]);
                    let no_replica = world.status_row.is_none() && world.master.replica.is_none();
                    if no_replica && threads.is_some_and(|t| change.is_none_or(|c| c > t)) {
                        fail(format!("the hint restarts replication that is not set up: {hint:?}"));
                    }
                }
                None if got.diagnosis.is_some() => fail("a diagnosis without a hint".to_owned()),
                None => {}
            }
            seen.extend(got.diagnosis.map(|d| (engine, d.id())));
        }
    }
    assert!(failures.is_empty(), "{} case(s) failed:\n{}", failures.len(), failures.join("\n"));
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
            [
                "master-config",
                "slave-config",
                "replication-user",
                "change-master",
                "replication-running",
                "read-routing",
                "failover",
                "rejoin"
            ]
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
        // Before the drill, every task up to it; after the rejoin, all of them.
        for s in World::solved(engine).grade().iter().filter(|s| !["failover", "rejoin"].contains(&s.id.as_str())) {
            assert_eq!(s.status, TaskState::Done, "{} on {}: {s:#?}", s.id, engine.name());
        }
        for s in World::rejoined(engine).grade() {
            assert_eq!(s.status, TaskState::Done, "{} on {} after the rejoin: {s:#?}", s.id, engine.name());
        }
    }
}

#[test]
fn every_diagnosis_the_grader_gives_is_reached_on_each_engine() {
    let mut seen = BTreeSet::new();
    for cases in [
        server_config::master_config_cases(),
        server_config::slave_config_cases(),
        replication::replication_user_cases(),
        replication::change_master_cases(),
        replication::replication_running_cases(),
        read_routing::read_routing_cases(),
        failover::failover_cases(),
        failover::rejoin_cases(),
    ] {
        seen.extend(run(&cases));
    }
    seen.extend(run_on(&[Engine::MySql], &engines::mysql_cases()));
    seen.extend(run_on(&[Engine::MariaDb], &engines::mariadb_cases()));
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
