//! `status [--json]`: Docker's view of each server and, while it answers SQL, what it says of
//! itself (read by the probe, the one reader of server facts). The JSON form is a contract
//! documented in the README.

use std::path::PathBuf;

use serde::Serialize;

use crate::dialect::engine::Engine;
use crate::lab::{ContainerState, HOST, Lab, ServerInfo};
use crate::probe::Probe;
use crate::probe::health::Health;
use crate::probe::snapshot::{Coordinates, NetworkPlace, ReplicaStatus, ServerSnapshot, ServerState, Snapshot};

/// The whole lab as `status` reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabStatus {
    pub lab: String,
    pub workspace: PathBuf,
    pub servers: Vec<ServerStatus>,
    /// When the lab's name is another owner's lab: whose, and how to use a lab of your own.
    pub taken_by: Option<String>,
}

/// One server in `status`: Docker's view, and the server's own when it answers SQL.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServerStatus {
    pub name: String,
    pub container: String,
    /// `missing`, `created`, `running`, `exited`, `restarting`, …
    pub state: String,
    pub exit_code: Option<i64>,
    pub host: String,
    pub port: Option<u16>,
    pub ip: Option<String>,
    /// The engine the server says it is, from its version, while it answers.
    pub engine: Option<Engine>,
    /// The server's `version` (`11.8.3-MariaDB-0+deb13u1`, `8.4.6`).
    pub version: Option<String>,
    pub server_id: Option<u32>,
    pub log_bin: Option<bool>,
    pub replication: Option<Replication>,
    /// Why the SQL facts are missing, when the server runs but did not answer.
    pub error: Option<String>,
    /// Where its binary log will write next (`SHOW MASTER STATUS`), `null` when it logs nothing.
    pub binlog: Option<Coordinates>,
    /// Client addresses of the replicas streaming from it (`Binlog Dump` threads).
    pub replicas: Option<Vec<String>>,
    /// Replication's health in words: what the lab pane shows.
    pub health: Option<Health>,
}

/// The replica side of a server, in one vocabulary whatever the engine calls its columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Replication {
    /// Whether the server has been pointed at a source at all.
    pub configured: bool,
    /// `Yes`, `No` or `Connecting`.
    pub io_running: Option<String>,
    pub sql_running: Option<String>,
    pub seconds_behind: Option<u64>,
    /// The IO thread's last error, else the SQL thread's.
    pub last_error: Option<String>,
    /// One line for people: "not configured", "IO Yes, SQL Yes, 0 s behind", or the error.
    pub summary: String,
    /// What each thread is doing, in the server's words.
    pub io_state: Option<String>,
    pub sql_state: Option<String>,
    /// How far it has received from its source (IO thread) and applied (SQL thread), in the
    /// source's binlog coordinates.
    pub received: Option<Coordinates>,
    pub applied: Option<Coordinates>,
    /// When `last_error` happened, as the server prints it (`251201 20:10:03`).
    pub last_error_at: Option<String>,
}

impl Replication {
    fn of(replica: Option<&ReplicaStatus>) -> Self {
        let Some(r) = replica else {
            return Replication {
                configured: false,
                io_running: None,
                sql_running: None,
                seconds_behind: None,
                last_error: None,
                summary: "not configured".to_owned(),
                io_state: None,
                sql_state: None,
                received: None,
                applied: None,
                last_error_at: None,
            };
        };
        let (last_error, last_error_at) =
            [(&r.last_io_error, &r.last_io_error_at), (&r.last_sql_error, &r.last_sql_error_at)]
                .into_iter()
                .find(|(e, _)| !e.is_empty())
                .map(|(e, at)| (Some(e.clone()), (!at.is_empty()).then(|| at.clone())))
                .unwrap_or_default();
        let threads = format!("IO {}, SQL {}", r.io_running.word(), r.sql_running.word());
        let summary = match (&last_error, r.seconds_behind) {
            (Some(error), _) => format!("{threads}: {error}"),
            (None, Some(s)) => format!("{threads}, {s} s behind"),
            (None, None) => threads,
        };
        Replication {
            configured: true,
            io_running: Some(r.io_running.word().to_owned()),
            sql_running: Some(r.sql_running.word().to_owned()),
            seconds_behind: r.seconds_behind,
            last_error,
            summary,
            io_state: Some(r.io_state.clone()),
            sql_state: Some(r.sql_state.clone()),
            received: Some(r.received()),
            applied: Some(r.applied()),
            last_error_at,
        }
    }
}


/// Docker's view of the lab plus one read of every server that runs.
pub async fn gather(lab: &Lab) -> anyhow::Result<LabStatus> {
    let servers = lab.servers().await?;
    let running = servers.iter().filter(|s| s.state.is_running());
    let endpoints = running.filter_map(|s| Some((s.name.clone(), s.endpoint.clone()?))).collect();
    let mut probe = Probe::new(endpoints, None);
    let states = tokio::task::block_in_place(|| probe.servers());
    // One snapshot of what they said, so a replica's positions are read against its source's.
    let mut snapshot = Snapshot { taken_at: now(), ..Snapshot::default() };
    for info in &servers {
        let Some(state) = states.get(&info.name) else { continue };
        let place = NetworkPlace {
            container: info.container.clone(),
            address: info.ip.as_deref().and_then(|ip| ip.parse().ok()),
            published: info.port,
            host_name: info.host_name.clone(),
        };
        snapshot.servers.insert(info.name.clone(), ServerSnapshot { place: Some(place), state: state.clone() });
    }
    let rows = servers
        .into_iter()
        .map(|info| {
            let state = states.get(&info.name).cloned();
            let health = snapshot.health(&info.name);
            ServerStatus { health, ..row(info, state) }
        })
        .collect();
    Ok(LabStatus {
        lab: lab.names().lab.clone(),
        workspace: lab.workspace().root.clone(),
        servers: rows,
        taken_by: lab.taken_by(),
    })
}

fn row(info: ServerInfo, state: Option<ServerState>) -> ServerStatus {
    let (facts, error) = match state {
        Some(ServerState::Up(facts)) => (Some(facts), None),
        Some(ServerState::Down { reason }) => (None, Some(reason)),
        Some(ServerState::Absent) | None => (None, None),
    };
    ServerStatus {
        name: info.name,
        container: info.container,
        state: info.state.word().to_owned(),
        exit_code: match info.state {
            ContainerState::Exited { code } => Some(code),
            _ => None,
        },
        host: HOST.to_owned(),
        port: info.port,
        ip: info.ip,
        engine: facts.as_ref().map(|f| f.engine),
        version: facts.as_ref().map(|f| f.version.clone()),
        server_id: facts.as_ref().map(|f| f.server_id),
        log_bin: facts.as_ref().map(|f| f.log_bin),
        replication: facts.as_ref().map(|f| Replication::of(f.replica.as_ref())),
        error,
        binlog: facts.as_ref().and_then(|f| f.current.clone()),
        replicas: facts.as_ref().map(|f| f.binlog_dumps.clone()),
        health: None,
    }
}

fn now() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

/// `11.8.3-MariaDB-0+deb13u1` → `11.8.3`.
fn short_version(version: &str) -> &str {
    version.split(|c: char| !c.is_ascii_digit() && c != '.').next().unwrap_or(version)
}

/// The table for people.
pub fn text(status: &LabStatus, slug: &str) -> String {
    let mut out = format!("Lab {} — workspace {}\n", status.lab, status.workspace.display());
    out += &format!(
        "  {:<8} {:<16} {:<16} {:<16} {:<10} {:<8} AS A REPLICA\n",
        "SERVER", "STATE", "ADDRESS", "ENGINE", "SERVER_ID", "LOG_BIN"
    );
    for s in &status.servers {
        let state = match s.exit_code {
            Some(code) => format!("{} ({code})", s.state),
            None => s.state.clone(),
        };
        let address = s.port.map_or_else(|| "-".to_owned(), |p| format!("{}:{p}", s.host));
        let id = s.server_id.map_or_else(|| "-".to_owned(), |i| i.to_string());
        let log_bin = s.log_bin.map_or("-", |on| if on { "ON" } else { "OFF" });
        let engine = match (s.engine, &s.version) {
            (Some(engine), Some(version)) => format!("{engine} {}", short_version(version)),
            _ => "-".to_owned(),
        };
        let replication = match (&s.replication, &s.error) {
            (Some(r), _) => r.summary.clone(),
            (None, Some(e)) => format!("(no answer: {e})"),
            (None, None) => "-".to_owned(),
        };
        out += &format!(
            "  {:<8} {state:<16} {address:<16} {engine:<16} {id:<10} {log_bin:<8} {replication}\n",
            s.name
        );
        // A replica's first line of health is its threads and lag, which the column gave.
        let said = usize::from(s.replication.as_ref().is_some_and(|r| r.configured));
        for line in s.health.iter().flat_map(|h| h.lines.iter().skip(said)) {
            out += &format!("  {:<8} {line}\n", "");
        }
    }
    let detached = ContainerState::Detached.word();
    if let Some(taken) = &status.taken_by {
        out += &format!("Not yours: {taken}.\n");
    } else if status.servers.iter().any(|s| s.state == detached) {
        out += &format!(
            "`sqlcourse {slug} up` connects the detached servers to the lab network again.\n"
        );
    } else if status.servers.iter().any(|s| s.state != "running") {
        out += &format!("Start the lab with `sqlcourse {slug} up`.\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::snapshot::ThreadState;

    fn replica(io: ThreadState, sql: ThreadState, behind: Option<u64>, error: &str) -> ReplicaStatus {
        ReplicaStatus {
            io_running: io,
            sql_running: sql,
            source_host: "master".to_owned(),
            source_port: 3306,
            source_user: "replica".to_owned(),
            source_log_file: "mysql-bin.000001".to_owned(),
            read_source_log_pos: 4,
            exec_source_log_pos: 4,
            seconds_behind: behind,
            last_io_errno: 0,
            last_io_error: error.to_owned(),
            last_sql_errno: 0,
            last_sql_error: String::new(),
            gtid: false,
            ssl_allowed: false,
            get_public_key: false,
            io_state: String::new(),
            sql_state: String::new(),
            position_starts_event: None,
            relay_source_log_file: String::new(),
            last_io_error_at: String::new(),
            last_sql_error_at: String::new(),
            error_seen_at: None,
        }
    }

    #[test]
    fn a_healthy_replica_reads_as_threads_and_lag() {
        let r = Replication::of(Some(&replica(ThreadState::Yes, ThreadState::Yes, Some(0), "")));
        assert_eq!(r.summary, "IO Yes, SQL Yes, 0 s behind");
        assert_eq!(r.io_running.as_deref(), Some("Yes"));
    }

    #[test]
    fn an_error_replaces_the_lag() {
        let error = "Fatal error: The slave I/O thread stops because master and slave have equal MariaDB server ids";
        let r = Replication::of(Some(&replica(ThreadState::No, ThreadState::Yes, None, error)));
        assert_eq!(r.summary, format!("IO No, SQL Yes: {error}"));
        assert_eq!(r.last_error.as_deref(), Some(error));
    }

    #[test]
    fn a_stopped_replica_without_error_shows_its_threads() {
        let r = Replication::of(Some(&replica(ThreadState::No, ThreadState::No, None, "")));
        assert_eq!(r.summary, "IO No, SQL No");
        assert_eq!(Replication::of(None).summary, "not configured");
        assert!(!Replication::of(None).configured);
    }
}
