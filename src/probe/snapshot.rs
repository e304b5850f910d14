//! What the servers say right now: plain data, filled by the probe and read by `grade`.
//!
//! A server that does not answer is a fact here ([`ServerState::Down`]), not an error.

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::dialect::engine::Engine;
use crate::probe::general_log::RoutingFacts;
use crate::dialect::vocabulary::{self, ReplicaField};

/// One probe round: every server of the lab, and what travelled between them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Snapshot {
    /// Each server, by its name in the lab spec.
    pub servers: BTreeMap<String, ServerSnapshot>,
    /// Canary rows sent from a source to a replica this round.
    pub flows: Vec<Flow>,
    /// The application's traffic, for each read-routing check.
    #[serde(skip)]
    pub routing: Vec<RoutingObservation>,
    /// When the round was taken, in Unix seconds: dates what the servers saw.
    pub taken_at: f64,
    /// The replica status each server showed when last seen with one, in this round or an
    /// earlier one: what a replica had received and applied before `RESET SLAVE ALL` erased it.
    pub last_replica: BTreeMap<String, ReplicaStatus>,
}

/// What the servers saw of the application, between a writer and a reader.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutingObservation {
    pub writer: String,
    pub reader: String,
    /// The facts, or why they could not be read (the general log is off, …).
    pub facts: Result<RoutingFacts, String>,
}

/// One server as seen this round.
#[derive(Debug, Clone, Serialize)]
pub struct ServerSnapshot {
    /// Where Docker placed its container; filled by the caller, absent when unknown.
    pub place: Option<NetworkPlace>,
    /// What the server itself said.
    pub state: ServerState,
}

/// Where a server's container sits on the lab network, as Docker reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkPlace {
    /// Container name, which other containers may also use as a host name.
    pub container: String,
    /// Address on the lab network; it changes when the container is recreated.
    pub address: Option<IpAddr>,
    /// The port published on 127.0.0.1: where the learner's own programs reach it.
    pub published: Option<u16>,
    /// The name the other servers resolve that address to (`<container>.<network>`), when
    /// known: what a server that resolves client names matches accounts against.
    pub host_name: Option<String>,
}

/// Whether the server answered.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum ServerState {
    /// Its container does not exist: the lab is not up.
    Absent,
    /// It did not answer; the client's error (or its container's state) says why.
    Down { reason: String },
    /// It answered with these facts.
    Up(Box<ServerFacts>),
}

/// Everything grading needs from one running server.
#[derive(Debug, Clone, Serialize)]
pub struct ServerFacts {
    pub engine: Engine,
    /// The `version` variable.
    pub version: String,
    pub server_id: u32,
    /// Whether the binary log is on (`log_bin`).
    pub log_bin: bool,
    /// Where the binary log is written, without the number (`log_bin_basename`:
    /// `/var/lib/mysql/mysql-bin`); empty when logging is off.
    pub log_bin_basename: String,
    pub read_only: bool,
    /// The port the server listens on inside its container (what other containers use).
    pub port: u16,
    /// Whether host names in accounts are never matched (`skip_name_resolve`).
    pub skip_name_resolve: bool,
    /// The account the probe logs in as; it does not count as the learner's replication account.
    pub login_user: String,
    /// Accounts holding REPLICATION SLAVE.
    pub replication_accounts: Vec<Account>,
    /// `SHOW BINARY LOGS`; empty when the binary log is off.
    pub binary_logs: Vec<BinaryLog>,
    /// Where the next event will be written (`SHOW MASTER STATUS`), when logging.
    pub current: Option<Coordinates>,
    /// The replica side (`SHOW SLAVE STATUS`), absent when it replicates from nobody.
    pub replica: Option<ReplicaStatus>,
    /// Client hosts of the replicas streaming from this server (`Binlog Dump` threads): their
    /// addresses, or their names when the server resolves client names.
    pub binlog_dumps: Vec<String>,
    /// What decides whether it can take over from its source.
    pub failover: FailoverFacts,
}

/// What a server holds that matters when it is promoted or rejoins.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FailoverFacts {
    /// `log_slave_updates`: the events it replays also go into its own binary log, so a
    /// server replicating from it after a promotion finds them.
    pub logs_replica_updates: bool,
    /// MySQL's `super_read_only` (refuses writes even from administrators).
    pub super_read_only: bool,
    /// Its own name in GTIDs: its server_id on MariaDB, its server_uuid on MySQL.
    pub origin: String,
    /// The last transaction it holds from each origin: GTID sequence numbers, from its binary
    /// log and what it replicated (MariaDB `gtid_binlog_state`, `gtid_slave_pos`; MySQL
    /// `gtid_executed`).
    pub transactions: BTreeMap<String, u64>,
}

impl FailoverFacts {
    /// Reads MariaDB GTID lists (`0-1-12,0-2-3`) and MySQL GTID sets (`uuid:1-5:7,uuid2:1-3`)
    /// into the last sequence number held from each origin.
    pub fn read_gtids<'a>(lists: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, u64> {
        let mut last: BTreeMap<String, u64> = BTreeMap::new();
        let mut note = |origin: &str, seq: u64| {
            let held = last.entry(origin.to_owned()).or_insert(0);
            *held = (*held).max(seq);
        };
        for list in lists {
            for gtid in list.split(',').map(str::trim).filter(|g| !g.is_empty()) {
                if let Some((uuid, ranges)) = gtid.split_once(':') {
                    let ends = ranges.split(':').filter_map(|r| r.rsplit('-').next()?.parse().ok());
                    note(uuid, ends.max().unwrap_or(0));
                } else if let [_domain, server, seq] = gtid.split('-').collect::<Vec<_>>()[..]
                    && let Ok(seq) = seq.parse()
                {
                    note(server, seq);
                }
            }
        }
        last
    }
}

/// An account as `mysql.user` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub user: String,
    /// Host pattern: `%`, `localhost`, `172.18.%`, `10.0.0.0/255.0.0.0`, a name.
    pub host: String,
    /// Authentication plugin (`mysql_native_password`, `caching_sha2_password`, …).
    pub plugin: String,
}

/// One file of the binary log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BinaryLog {
    pub name: String,
    pub size: u64,
}

/// A place in the binary log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coordinates {
    pub file: String,
    pub position: u64,
}

/// State of a replication thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThreadState {
    Yes,
    No,
    /// Retrying a failed connection or login.
    Connecting,
}

impl ThreadState {
    fn parse(text: &str) -> Self {
        match text.trim().to_ascii_lowercase().as_str() {
            "yes" => ThreadState::Yes,
            "connecting" | "preparing" => ThreadState::Connecting,
            _ => ThreadState::No,
        }
    }

    /// The state in the server's own word (`Yes`, `No`, `Connecting`).
    pub fn word(self) -> &'static str {
        match self {
            ThreadState::Yes => "Yes",
            ThreadState::No => "No",
            ThreadState::Connecting => "Connecting",
        }
    }
}

/// The replica's own account of its replication (`SHOW SLAVE STATUS` / `SHOW REPLICA STATUS`),
/// in one vocabulary whatever the engine called the columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicaStatus {
    pub io_running: ThreadState,
    pub sql_running: ThreadState,
    pub source_host: String,
    pub source_port: u16,
    pub source_user: String,
    /// The source's binlog file the IO thread reads (the one given to CHANGE MASTER at first).
    pub source_log_file: String,
    /// How far into it the IO thread has read.
    pub read_source_log_pos: u64,
    /// How far the SQL thread has applied, in the source's coordinates.
    pub exec_source_log_pos: u64,
    pub seconds_behind: Option<u64>,
    pub last_io_errno: u32,
    pub last_io_error: String,
    pub last_sql_errno: u32,
    pub last_sql_error: String,
    /// Positioned by GTID (MariaDB `Using_Gtid` not `No`, MySQL `Auto_Position` 1).
    pub gtid: bool,
    /// TLS to the source is allowed.
    pub ssl_allowed: bool,
    /// Asks the source for its RSA key (MySQL's `GET_SOURCE_PUBLIC_KEY=1`).
    pub get_public_key: bool,
    /// What the IO thread is doing, in the server's words (`Waiting for master to send event`).
    pub io_state: String,
    /// What the SQL thread is doing (`Slave has read all relay log; waiting for more updates`).
    pub sql_state: String,
    /// Whether the source says an event starts at `read_source_log_pos` of `source_log_file`
    /// (or the file ends there): asked while the IO thread is not streaming, since a position
    /// typed into CHANGE MASTER may fall inside an event. `None` when not asked.
    pub position_starts_event: Option<bool>,
    /// The source's binlog file of the last event applied (with `exec_source_log_pos`).
    pub relay_source_log_file: String,
    /// When the last IO and SQL errors happened, as the server prints it (`251201 20:10:03`).
    pub last_io_error_at: String,
    pub last_sql_error_at: String,
    /// When the probe first saw its current error (whole Unix seconds): MariaDB prints no error
    /// timestamps, so "how long ago" comes from the rounds.
    pub error_seen_at: Option<u64>,
}

impl ReplicaStatus {
    /// Reads a status row, given as (column, value) pairs, in either engine's vocabulary.
    pub fn from_row(row: &[(String, Option<String>)]) -> Self {
        let text = |field| vocabulary::replica_value(row, field).unwrap_or_default().to_owned();
        let number = |field| {
            vocabulary::replica_value(row, field).and_then(|v| v.trim().parse::<u64>().ok())
        };
        let flag = |field| {
            vocabulary::replica_value(row, field).is_some_and(|v| {
                !matches!(v.trim().to_ascii_lowercase().as_str(), "" | "no" | "0" | "ignored")
            })
        };
        let errno = |field| number(field).map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX));
        ReplicaStatus {
            io_running: ThreadState::parse(&text(ReplicaField::IoRunning)),
            sql_running: ThreadState::parse(&text(ReplicaField::SqlRunning)),
            source_host: text(ReplicaField::SourceHost),
            source_port: number(ReplicaField::SourcePort)
                .and_then(|p| u16::try_from(p).ok())
                .unwrap_or(0),
            source_user: text(ReplicaField::SourceUser),
            source_log_file: text(ReplicaField::SourceLogFile),
            read_source_log_pos: number(ReplicaField::ReadSourceLogPos).unwrap_or(0),
            exec_source_log_pos: number(ReplicaField::ExecSourceLogPos).unwrap_or(0),
            seconds_behind: number(ReplicaField::SecondsBehind),
            last_io_errno: errno(ReplicaField::LastIoErrno),
            last_io_error: without_passwords(&text(ReplicaField::LastIoError)),
            last_sql_errno: errno(ReplicaField::LastSqlErrno),
            last_sql_error: without_passwords(&text(ReplicaField::LastSqlError)),
            gtid: flag(ReplicaField::Gtid),
            ssl_allowed: flag(ReplicaField::SslAllowed),
            get_public_key: flag(ReplicaField::GetPublicKey),
            io_state: text(ReplicaField::IoState),
            sql_state: text(ReplicaField::SqlState),
            position_starts_event: None,
            relay_source_log_file: text(ReplicaField::RelaySourceLogFile),
            last_io_error_at: text(ReplicaField::LastIoErrorTimestamp),
            last_sql_error_at: text(ReplicaField::LastSqlErrorTimestamp),
            error_seen_at: None,
        }
    }

    /// How far the IO thread has received: the source's file and position.
    pub fn received(&self) -> Coordinates {
        Coordinates { file: self.source_log_file.clone(), position: self.read_source_log_pos }
    }

    /// How far the SQL thread has applied, in the source's coordinates (the file is the IO
    /// thread's until the SQL thread reports its own).
    pub fn applied(&self) -> Coordinates {
        let file = if self.relay_source_log_file.is_empty() {
            &self.source_log_file
        } else {
            &self.relay_source_log_file
        };
        Coordinates { file: file.clone(), position: self.exec_source_log_pos }
    }

    /// Its current error, the IO thread's first, with the server's timestamp of it.
    pub fn last_error(&self) -> Option<(&str, &str)> {
        [(&self.last_io_error, &self.last_io_error_at), (&self.last_sql_error, &self.last_sql_error_at)]
            .into_iter()
            .find(|(e, _)| !e.trim().is_empty())
            .map(|(e, at)| (e.as_str(), at.as_str()))
    }

    /// Whether it has received events it has not applied yet.
    pub fn unapplied(&self) -> bool {
        let (received, applied) = (self.received(), self.applied());
        (received.file.as_str(), received.position) > (applied.file.as_str(), applied.position)
    }
}

/// A canary row written on a source and looked for on a replica.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flow {
    pub source: String,
    pub replica: String,
    pub outcome: CanaryOutcome,
}

/// What became of the canary row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum CanaryOutcome {
    /// It reached the replica after this many milliseconds.
    Arrived { after_ms: u64 },
    /// It had not reached the replica when the wait ended.
    Missing { waited_ms: u64 },
    /// It could not be written or read; the server's error.
    Failed { error: String },
}

impl Snapshot {
    /// The engine the servers run, as the first answering one reports it (a lab runs one
    /// image); `None` while none answers.
    pub fn engine(&self) -> Option<Engine> {
        self.servers.values().find_map(|s| match &s.state {
            ServerState::Up(facts) => Some(facts.engine),
            ServerState::Absent | ServerState::Down { .. } => None,
        })
    }

    /// The facts of a running server; `None` when it is down or unknown.
    pub fn facts(&self, server: &str) -> Option<&ServerFacts> {
        match &self.servers.get(server)?.state {
            ServerState::Up(facts) => Some(facts),
            ServerState::Absent | ServerState::Down { .. } => None,
        }
    }

    /// The server a replica reads from, when it is one of the lab's and answered: named by
    /// its lab name, container name or address in the replica's status.
    pub fn source_of(&self, replica: &str) -> Option<&ServerFacts> {
        self.facts(self.source_name(replica)?)
    }

    /// The lab name of the server a replica's status points at, when it is one of the lab's.
    pub fn source_name(&self, replica: &str) -> Option<&str> {
        let host = self.facts(replica)?.replica.as_ref()?.source_host.trim().to_owned();
        let (name, _) = self.servers.iter().find(|(name, server)| {
            name.eq_ignore_ascii_case(&host)
                || server.place.as_ref().is_some_and(|p| {
                    p.container.eq_ignore_ascii_case(&host)
                        || p.address.is_some_and(|a| a.to_string() == host)
                })
        })?;
        Some(name)
    }

    /// Replication's health on a running server, as the lab pane and `status` show it.
    pub fn health(&self, server: &str) -> Option<crate::probe::health::Health> {
        let facts = self.facts(server)?;
        Some(crate::probe::health::of(facts, self.source_of(server), self.taken_at))
    }

    /// Where Docker placed a server, when known.
    pub fn place(&self, server: &str) -> Option<&NetworkPlace> {
        self.servers.get(server)?.place.as_ref()
    }

    /// What was seen of the application between `writer` and `reader` this round.
    pub fn routing(&self, writer: &str, reader: &str) -> Option<&Result<RoutingFacts, String>> {
        self.routing.iter().find(|r| r.writer == writer && r.reader == reader).map(|r| &r.facts)
    }

    /// The canary result from `source` to `replica` this round.
    pub fn flow(&self, source: &str, replica: &str) -> Option<&CanaryOutcome> {
        self.flows.iter().find(|f| f.source == source && f.replica == replica).map(|f| &f.outcome)
    }
}

impl ServerFacts {
    /// The binary log file of this name, when it exists.
    pub fn binary_log(&self, name: &str) -> Option<&BinaryLog> {
        self.binary_logs.iter().find(|l| l.name == name)
    }
}

/// An error text with the passwords in the statement it quotes hidden (`IDENTIFIED BY '…'`,
/// `MASTER_PASSWORD='…'`): the SQL thread's errors quote the replicated statement, and the
/// screen never shows a password.
pub fn without_passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let upper = rest.to_ascii_uppercase();
        let found = ["IDENTIFIED BY '", "PASSWORD='", "PASSWORD = '", "PASSWORD '"]
            .iter()
            .filter_map(|key| upper.find(key).map(|at| at + key.len()))
            .min();
        let Some(start) = found else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..start]);
        out.push('…');
        // The password ends at the next quote: the error quotes the statement without
        // escaping its quotes, so a doubled one cannot be told from the quote's end.
        let end = rest[start..].find('\'').map_or(rest.len(), |at| start + at);
        rest = &rest[end..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_quote_statements_without_their_passwords() {
        let error = "Error 'Operation ALTER USER failed for 'replica'@'%'' on query. Default database: ''. \
                     Query: 'ALTER USER 'replica'@'%' IDENTIFIED BY 'newpass''";
        let shown = without_passwords(error);
        assert!(!shown.contains("newpass"), "{shown}");
        assert!(shown.ends_with("IDENTIFIED BY '…''"), "{shown}");
        assert!(shown.starts_with("Error 'Operation ALTER USER failed for 'replica'@'%''"), "{shown}");
        assert_eq!(
            without_passwords("CHANGE MASTER TO MASTER_PASSWORD='s3cret', MASTER_PORT=3306"),
            "CHANGE MASTER TO MASTER_PASSWORD='…', MASTER_PORT=3306"
        );
        let plain = "Access denied for user 'replica'@'10.0.0.3' (using password: YES)";
        assert_eq!(without_passwords(plain), plain);
    }
}
