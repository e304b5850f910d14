//! The probe: one round reads everything grading needs from every server, into a [`Snapshot`].
//!
//! The only code that talks SQL to the servers for grading. Connections stay open between
//! rounds (one per server, reopened when it breaks), so a round costs a few round trips.
//! Sessions run with `sql_log_off=1`: the general log is the application's, not ours.

pub mod app_log;
pub mod general_log;
pub mod health;
pub(crate) mod snapshot;
pub(crate) mod statement;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use mysql::prelude::Queryable;
use mysql::{Conn, Row, Value};

pub use crate::lab::endpoint::Endpoint;
use crate::probe::general_log::RoutingFacts;
use crate::dialect::engine::Engine;
use crate::probe::snapshot::{
    Account, BinaryLog, CanaryOutcome, Coordinates, FailoverFacts, Flow, NetworkPlace, ReplicaStatus,
    RoutingObservation, ServerFacts, ServerSnapshot, ServerState, Snapshot, ThreadState,
};
use crate::course::spec::LabSpec;
use crate::dialect::vocabulary::{self, ReplicationStatement};

/// How long a canary row may take to reach the replica.
pub const CANARY_WAIT: Duration = Duration::from_secs(5);
/// How long an arrived canary speaks for a replica whose threads keep running.
pub const CANARY_TRUSTED: Duration = Duration::from_secs(60);
/// Between two looks for the canary on the replica.
const CANARY_POLL: Duration = Duration::from_millis(2);

/// Opens an administrator session for grading: the lab's connection options, kept out of the
/// general log.
pub fn connect(endpoint: &Endpoint) -> mysql::Result<Conn> {
    Conn::new(endpoint.opts().init(vec!["SET SESSION sql_log_off = 1"]))
}

/// A client error in a line a learner can read.
pub fn describe(error: &mysql::Error) -> String {
    match error {
        mysql::Error::MySqlError(e) => format!("ERROR {}: {}", e.code, e.message),
        mysql::Error::DriverError(mysql::DriverError::CouldNotConnect(Some((addr, desc, _)))) => {
            format!("cannot connect to {addr}: {desc}")
        }
        mysql::Error::DriverError(e) => e.to_string(),
        mysql::Error::IoError(e) => format!("connection lost: {e}"),
        other => other.to_string(),
    }
}

/// The probe and its open connections.
pub struct Probe {
    links: BTreeMap<String, Link>,
    /// The last canary of each (source, replica) flow, while its threads keep running.
    canaries: BTreeMap<(String, String), SentCanary>,
    /// The learner's application folder, to date its last edit.
    app_dir: Option<PathBuf>,
    /// The last replica status each server showed (kept after `RESET SLAVE ALL` erases it).
    last_replica: BTreeMap<String, ReplicaStatus>,
    /// Each replica's current error and the round that first saw it.
    errors_seen: BTreeMap<String, (String, u64)>,
}

struct Link {
    endpoint: Endpoint,
    conn: Option<Conn>,
}

impl Link {
    /// Runs `read` on the open connection, reconnecting once if the connection broke
    /// (the server restarted since the last round).
    fn with<T>(&mut self, read: impl Fn(&mut Conn) -> mysql::Result<T>) -> mysql::Result<T> {
        if let Some(conn) = self.conn.as_mut() {
            match read(conn) {
                Err(e) if e.is_connectivity_error() => self.conn = None,
                result => return result,
            }
        }
        let mut conn = connect(&self.endpoint)?;
        let result = read(&mut conn);
        self.conn = Some(conn);
        result
    }
}

/// A canary sent earlier: each one adds rows to the replica's general log, which every round
/// reads, so an arrival is trusted for a while as long as the threads keep running.
struct SentCanary {
    at: Instant,
    /// (host, port, user) the replica read from.
    route: (String, u16, String),
    outcome: CanaryOutcome,
}

impl SentCanary {
    /// Whether this arrival still speaks for a replica that has run without a break since,
    /// from the same source.
    fn still_proves(&self, route: &(String, u16, String)) -> bool {
        matches!(self.outcome, CanaryOutcome::Arrived { .. })
            && &self.route == route
            && self.at.elapsed() < CANARY_TRUSTED
    }
}

impl Probe {
    /// A probe for these servers, by name in the lab spec.
    pub fn new(endpoints: Vec<(String, Endpoint)>, app_dir: Option<PathBuf>) -> Self {
        let mut probe = Probe {
            links: BTreeMap::new(),
            canaries: BTreeMap::new(),
            app_dir,
            last_replica: BTreeMap::new(),
            errors_seen: BTreeMap::new(),
        };
        probe.set_endpoints(endpoints);
        probe
    }

    /// Starts from the replica statuses an earlier run of the course last saw, so a promotion
    /// judged then is judged the same now.
    pub fn remember_replicas(&mut self, seen: BTreeMap<String, ReplicaStatus>) {
        self.last_replica = seen;
    }

    /// Points the probe at new endpoints (a server moved to another port); unchanged ones
    /// keep their connection.
    pub fn set_endpoints(&mut self, endpoints: Vec<(String, Endpoint)>) {
        let mut links = BTreeMap::new();
        for (server, endpoint) in endpoints {
            let link = match self.links.remove(&server) {
                Some(link) if link.endpoint == endpoint => link,
                _ => Link { endpoint, conn: None },
            };
            links.insert(server, link);
        }
        self.links = links;
    }

    /// Every server's facts, read and written nothing else: what `status` shows.
    pub fn servers(&mut self) -> BTreeMap<String, ServerState> {
        let read = |link: &mut Link| {
            let user = link.endpoint.user.clone();
            match link.with(|conn| read_facts(conn, &user)) {
                Ok(facts) => ServerState::Up(Box::new(facts)),
                Err(e) => ServerState::Down { reason: describe(&e) },
            }
        };
        // Each server on a thread of its own: a round waits for the slowest server, not the sum.
        std::thread::scope(|scope| {
            let reads: Vec<_> = self
                .links
                .iter_mut()
                .map(|(name, link)| (name.clone(), scope.spawn(move || read(link))))
                .collect();
            reads
                .into_iter()
                .map(|(name, read)| {
                    let state = read.join().unwrap_or_else(|_| ServerState::Down {
                        reason: "reading its facts failed inside sqlcourse".to_owned(),
                    });
                    (name, state)
                })
                .collect()
        })
    }

    /// One round: every server's facts, then a canary row for each replication flow the
    /// spec checks whose threads run, then the application's traffic for each read-routing
    /// check. `places` is where Docker put each container.
    pub fn round(&mut self, spec: &LabSpec, places: &BTreeMap<String, NetworkPlace>) -> Snapshot {
        let mut snapshot = Snapshot { taken_at: unix_now(), ..Snapshot::default() };
        for (name, state) in self.servers() {
            let place = places.get(&name).cloned();
            snapshot.servers.insert(name, ServerSnapshot { place, state });
        }
        self.check_start_positions(&mut snapshot);
        for (name, server) in snapshot.servers.iter_mut() {
            let ServerState::Up(facts) = &mut server.state else { continue };
            let Some(status) = facts.replica.as_mut() else { continue };
            let now = snapshot.taken_at as u64;
            match status.last_error().map(|(e, _)| e.to_owned()) {
                Some(error) => {
                    let seen = self.errors_seen.entry(name.clone()).or_insert((error.clone(), now));
                    if seen.0 != error {
                        *seen = (error, now);
                    }
                    status.error_seen_at = Some(seen.1);
                }
                None => {
                    self.errors_seen.remove(name);
                }
            }
            self.last_replica.insert(name.clone(), status.clone());
        }
        snapshot.last_replica = self.last_replica.clone();
        for (source, replica) in spec.tasks.iter().flat_map(|t| t.check.flow()) {
            let key = (source.to_owned(), replica.to_owned());
            let status = snapshot.facts(replica).and_then(|f| f.replica.as_ref());
            let route = status
                .filter(|r| r.io_running == ThreadState::Yes && r.sql_running == ThreadState::Yes)
                .map(|r| (r.source_host.clone(), r.source_port, r.source_user.clone()));
            let (Some(route), Some(_)) = (route, snapshot.facts(source)) else {
                self.canaries.remove(&key);
                continue;
            };
            let outcome = match self.canaries.get(&key) {
                Some(sent) if sent.still_proves(&route) => sent.outcome.clone(),
                _ => {
                    let outcome = self.canary(spec.canary_table(), source, replica);
                    let sent = SentCanary { at: Instant::now(), route, outcome: outcome.clone() };
                    self.canaries.insert(key, sent);
                    outcome
                }
            };
            snapshot.flows.push(Flow { source: source.to_owned(), replica: replica.to_owned(), outcome });
        }
        if let Some(app) = &spec.app {
            let routes: Vec<(&str, &str)> = spec
                .tasks
                .iter()
                .filter_map(|t| t.check.app_route())
                .filter(|(w, r)| snapshot.facts(w).is_some() && snapshot.facts(r).is_some())
                .collect();
            // Each server's log once a round, however many checks judge it.
            let logs = self.read_logs(routes.iter().flat_map(|(w, r)| [*w, *r]), &app.account);
            for (writer, reader) in routes {
                let facts = if writer == reader {
                    self.observe_app_on(writer, &logs)
                } else {
                    self.observe_routing(writer, reader, &logs)
                };
                snapshot.routing.push(RoutingObservation { writer: writer.to_owned(), reader: reader.to_owned(), facts });
            }
        }
        snapshot
    }

    /// The application account's general-log rows on each of `servers` (their sessions are
    /// open: they answered this round), each server on a thread of its own.
    fn read_logs<'a>(
        &mut self,
        servers: impl Iterator<Item = &'a str>,
        account: &str,
    ) -> BTreeMap<String, Result<app_log::ServerLog, String>> {
        let wanted: std::collections::BTreeSet<&str> = servers.collect();
        std::thread::scope(|scope| {
            let reads: Vec<_> = self
                .links
                .iter_mut()
                .filter(|(name, _)| wanted.contains(name.as_str()))
                .map(|(name, link)| {
                    let read = scope.spawn(move || match link.conn.as_mut() {
                        Some(conn) => app_log::read_log(conn, account).map_err(|e| format!("{e:#}")),
                        None => Err("it must be an answering server".to_owned()),
                    });
                    (name.clone(), read)
                })
                .collect();
            reads
                .into_iter()
                .map(|(name, read)| {
                    let log = read.join().unwrap_or_else(|_| Err("reading its log failed inside sqlcourse".to_owned()));
                    (name, log)
                })
                .collect()
        })
    }

    /// Judges the application's traffic on both servers from their logs of this round.
    fn observe_routing(
        &mut self,
        writer: &str,
        reader: &str,
        logs: &BTreeMap<String, Result<app_log::ServerLog, String>>,
    ) -> Result<RoutingFacts, String> {
        let log = |name: &str| logs.get(name).cloned().unwrap_or_else(|| Err(format!("the {name} was not read")));
        let (writer_seen, reader_seen) = (log(writer)?, log(reader)?);
        let mut writer_link = self.links.remove(writer);
        let mut reader_link = self.links.remove(reader);
        let conns = (
            writer_link.as_mut().and_then(|l| l.conn.as_mut()),
            reader_link.as_mut().and_then(|l| l.conn.as_mut()),
        );
        let facts = match conns {
            (Some(w), Some(r)) => app_log::observe_read(w, r, writer_seen, reader_seen, self.app_dir.as_deref())
                .map_err(|e| format!("{e:#}")),
            _ => Err(format!("the {writer} and the {reader} must be two answering servers")),
        };
        for (name, link) in [(writer, writer_link), (reader, reader_link)] {
            if let Some(link) = link {
                self.links.insert(name.to_owned(), link);
            }
        }
        facts
    }

    /// Judges the traffic of an application whose writes and reads one server took, from
    /// its log of this round.
    fn observe_app_on(
        &mut self,
        server: &str,
        logs: &BTreeMap<String, Result<app_log::ServerLog, String>>,
    ) -> Result<RoutingFacts, String> {
        let seen = logs.get(server).cloned().unwrap_or_else(|| Err(format!("the {server} was not read")))?;
        match self.links.get_mut(server).and_then(|l| l.conn.as_mut()) {
            Some(conn) => app_log::observe_one_read(conn, seen, self.app_dir.as_deref()).map_err(|e| format!("{e:#}")),
            None => Err(format!("the {server} must be an answering server")),
        }
    }

    /// Asks each replica's source whether the replica's binlog position is where an event
    /// starts, while its IO thread is not streaming (a streaming thread stands on positions
    /// the source sent). A cheap read: the source reads one event header there.
    fn check_start_positions(&mut self, snapshot: &mut Snapshot) {
        let asks: Vec<(String, String, Coordinates)> = snapshot
            .servers
            .keys()
            .filter_map(|replica| {
                let status = snapshot.facts(replica)?.replica.as_ref()?;
                let file = status.source_log_file.as_str();
                let plain = !file.is_empty()
                    && file.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
                if status.io_running == ThreadState::Yes || status.gtid || !plain {
                    return None;
                }
                let source = snapshot.source_name(replica)?.to_owned();
                Some((replica.clone(), source, status.received()))
            })
            .collect();
        for (replica, source, at) in asks {
            let Some(link) = self.links.get_mut(&source) else { continue };
            // Rows are read, not dropped: the server's refusal comes where the row would.
            let read = link.with(|conn| {
                conn.query::<Row, _>(format!("SHOW BINLOG EVENTS IN '{}' FROM {} LIMIT 1", at.file, at.position))
            });
            // A row, or none at the file's end, is a boundary; 1220 ("Wrong offset or I/O
            // error") is the server finding no event header there.
            let starts = match read {
                Ok(_) => Some(true),
                Err(mysql::Error::MySqlError(e)) if e.code == 1220 => Some(false),
                Err(_) => None,
            };
            let status = match snapshot.servers.get_mut(&replica).map(|s| &mut s.state) {
                Some(ServerState::Up(facts)) => facts.replica.as_mut(),
                _ => None,
            };
            if let Some(status) = status {
                status.position_starts_event = starts;
            }
        }
    }

    /// Writes a fresh token on the source and waits for it on the replica.
    fn canary(&mut self, table: Option<&str>, source: &str, replica: &str) -> CanaryOutcome {
        let Some(table) = table else {
            return CanaryOutcome::Failed { error: "the lab names no canary table".to_owned() };
        };
        let token = fresh_token();
        let write = format!(
            "INSERT INTO {table} (id, token) VALUES (1, '{token}') \
             ON DUPLICATE KEY UPDATE token = VALUES(token), written_at = CURRENT_TIMESTAMP(6)"
        );
        let Some(link) = self.links.get_mut(source) else {
            return CanaryOutcome::Failed { error: format!("no connection to the {source}") };
        };
        if let Err(e) = link.with(|conn| conn.query_drop(&write)) {
            return CanaryOutcome::Failed { error: describe(&e) };
        }
        let started = Instant::now();
        let Some(link) = self.links.get_mut(replica) else {
            return CanaryOutcome::Failed { error: format!("no connection to the {replica}") };
        };
        loop {
            let seen: mysql::Result<Option<String>> =
                link.with(|conn| conn.query_first(format!("SELECT token FROM {table} WHERE id = 1")));
            match seen {
                Ok(Some(t)) if t == token => {
                    return CanaryOutcome::Arrived { after_ms: millis(started.elapsed()) };
                }
                Ok(_) => {}
                Err(e) => return CanaryOutcome::Failed { error: describe(&e) },
            }
            if started.elapsed() >= CANARY_WAIT {
                return CanaryOutcome::Missing { waited_ms: millis(started.elapsed()) };
            }
            std::thread::sleep(CANARY_POLL);
        }
    }
}

/// Reads one server's facts: variables, replica status, accounts, binary logs, dump threads.
fn read_facts(conn: &mut Conn, login_user: &str) -> mysql::Result<ServerFacts> {
    let vars: BTreeMap<String, String> = conn
        .query::<(String, String), _>(
            "SHOW GLOBAL VARIABLES WHERE Variable_name IN \
             ('server_id', 'log_bin', 'log_bin_basename', 'read_only', 'version', 'port', \
              'skip_name_resolve', 'log_slave_updates', 'log_replica_updates', \
              'super_read_only', 'server_uuid', 'gtid_binlog_state', 'gtid_slave_pos', \
              'gtid_executed')",
        )?
        .into_iter()
        .collect();
    let var = |name: &str| vars.get(name).map(String::as_str).unwrap_or("");
    let on = |name: &str| matches!(var(name).to_ascii_uppercase().as_str(), "ON" | "1");
    let version = var("version").to_owned();
    let engine = Engine::from_version(&version);
    let log_bin = on("log_bin");

    let status: Vec<Row> = conn.query(vocabulary::spelling(engine, &version, ReplicationStatement::ReplicaStatus))?;
    let replica = status.first().map(|row| ReplicaStatus::from_row(&row_pairs(row)));
    let replication_accounts = conn
        .query::<(String, String, String), _>(
            "SELECT user, host, plugin FROM mysql.user WHERE Repl_slave_priv = 'Y'",
        )?
        .into_iter()
        .map(|(user, host, plugin)| Account { user, host, plugin })
        .collect();
    let (binary_logs, current) = if log_bin {
        let logs: Vec<Row> = conn.query("SHOW BINARY LOGS")?;
        let logs = logs
            .iter()
            .filter_map(|r| Some(BinaryLog { name: text(r, 0)?, size: text(r, 1)?.parse().ok()? }))
            .collect();
        (logs, current_coordinates(conn, engine, &version)?)
    } else {
        (Vec::new(), None)
    };
    // SHOW PROCESSLIST, not information_schema.PROCESSLIST: measured here, the table costs
    // about 15 ms on MariaDB 11.8, the statement 0.3 ms.
    let threads: Vec<Row> = conn.query("SHOW PROCESSLIST")?;
    let binlog_dumps = threads
        .iter()
        .map(row_pairs)
        .filter(|row| column(row, "Command").is_some_and(|c| c.starts_with("Binlog Dump")))
        .filter_map(|row| column(&row, "Host").map(str::to_owned))
        .collect();
    let failover = FailoverFacts {
        logs_replica_updates: on("log_slave_updates") || on("log_replica_updates"),
        super_read_only: on("super_read_only"),
        origin: match engine {
            Engine::MariaDb => var("server_id").to_owned(),
            Engine::MySql => var("server_uuid").to_owned(),
        },
        transactions: FailoverFacts::read_gtids(
            ["gtid_binlog_state", "gtid_slave_pos", "gtid_executed"].map(var),
        ),
    };
    Ok(ServerFacts {
        engine,
        failover,
        server_id: var("server_id").parse().unwrap_or(0),
        log_bin,
        log_bin_basename: var("log_bin_basename").to_owned(),
        read_only: on("read_only"),
        port: var("port").parse().unwrap_or(0),
        skip_name_resolve: on("skip_name_resolve"),
        login_user: login_user.to_owned(),
        replication_accounts,
        binary_logs,
        current,
        replica,
        binlog_dumps,
        version,
    })
}

/// Where the source will write next (`SHOW MASTER STATUS`), `None` when it logs nothing.
fn current_coordinates(
    conn: &mut Conn,
    engine: Engine,
    version: &str,
) -> mysql::Result<Option<Coordinates>> {
    let row: Option<Row> = conn.query_first(vocabulary::spelling(engine, version, ReplicationStatement::SourceStatus))?;
    Ok(row.and_then(|r| Some(Coordinates { file: text(&r, 0)?, position: text(&r, 1)?.parse().ok()? })))
}

/// Where a server will write next, asking it for its version first (for `solve`).
pub fn coordinates_now(conn: &mut Conn) -> anyhow::Result<Option<Coordinates>> {
    let (engine, version) = crate::dialect::engine::server_version(conn)?;
    Ok(current_coordinates(conn, engine, &version)?)
}

/// A row as (column, value) pairs; NULL is `None`.
pub(crate) fn row_pairs(row: &Row) -> Vec<(String, Option<String>)> {
    row.columns_ref()
        .iter()
        .enumerate()
        .map(|(i, column)| (column.name_str().into_owned(), text(row, i)))
        .collect()
}

/// A column's value by name.
fn column<'a>(row: &'a [(String, Option<String>)], name: &str) -> Option<&'a str> {
    row.iter().find(|(c, _)| c.eq_ignore_ascii_case(name)).and_then(|(_, v)| v.as_deref())
}

/// A value as text (the text protocol sends everything as bytes); NULL is `None`.
fn text(row: &Row, index: usize) -> Option<String> {
    match row.as_ref(index)? {
        Value::NULL => None,
        Value::Bytes(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
        Value::Int(n) => Some(n.to_string()),
        Value::UInt(n) => Some(n.to_string()),
        other => Some(other.as_sql(true).trim_matches('\'').to_owned()),
    }
}

fn fresh_token() -> String {
    use rand::Rng;
    format!("{:016x}", rand::rng().random::<u64>())
}

fn unix_now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
