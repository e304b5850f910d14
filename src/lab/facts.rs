//! What `status` reports about a live server over SQL: its version, server_id, log_bin and
//! replication.

use mysql::prelude::Queryable;
use serde::Serialize;

use crate::engine::Engine;
use crate::probe::row_pairs;
use crate::ready::Endpoint;
use crate::vocabulary::{self, ReplicaField, Statement};

/// A server's settings and replication state, as it reports them now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerFacts {
    /// The `version` variable, which names the engine.
    pub version: String,
    pub server_id: u64,
    pub log_bin: bool,
    pub replication: Replication,
}

/// The replica side of a server (`SHOW SLAVE STATUS` / `SHOW REPLICA STATUS`, whichever the
/// server takes; its columns are read through the vocabulary's alias table).
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
}

impl Replication {
    fn not_configured() -> Self {
        Replication {
            configured: false,
            io_running: None,
            sql_running: None,
            seconds_behind: None,
            last_error: None,
            summary: "not configured".to_owned(),
        }
    }

    fn from_status(
        io: Option<String>,
        sql: Option<String>,
        behind: Option<u64>,
        last_error: Option<String>,
    ) -> Self {
        let threads =
            format!("IO {}, SQL {}", io.as_deref().unwrap_or("?"), sql.as_deref().unwrap_or("?"));
        let summary = match (&last_error, behind) {
            (Some(error), _) => format!("{threads}: {error}"),
            (None, Some(s)) => format!("{threads}, {s} s behind"),
            (None, None) => threads,
        };
        Replication {
            configured: true,
            io_running: io,
            sql_running: sql,
            seconds_behind: behind,
            last_error,
            summary,
        }
    }
}

/// Reads a server's facts over SQL.
pub async fn read(endpoint: &Endpoint) -> anyhow::Result<ServerFacts> {
    endpoint
        .run(|conn| {
            let vars: Vec<(String, String)> = conn.query(
                "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('server_id', 'log_bin', 'version')",
            )?;
            let var = |name: &str| vars.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
            let version = var("version").unwrap_or_default();
            let server_id = var("server_id").and_then(|v| v.parse().ok()).unwrap_or_default();
            let log_bin = var("log_bin").is_some_and(|v| v.eq_ignore_ascii_case("ON"));
            let statement =
                vocabulary::spelling(Engine::from_version(&version), &version, Statement::ReplicaStatus);
            let row: Option<mysql::Row> = conn.query_first(statement)?;
            let replication = match row {
                None => Replication::not_configured(),
                Some(row) => {
                    let row = row_pairs(&row);
                    let text = |field| vocabulary::replica_value(&row, field).map(str::to_owned);
                    let error = |field| text(field).filter(|e| !e.is_empty());
                    Replication::from_status(
                        text(ReplicaField::IoRunning),
                        text(ReplicaField::SqlRunning),
                        text(ReplicaField::SecondsBehind).and_then(|s| s.parse().ok()),
                        error(ReplicaField::LastIoError).or_else(|| error(ReplicaField::LastSqlError)),
                    )
                }
            };
            Ok(ServerFacts { version, server_id, log_bin, replication })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yes() -> Option<String> {
        Some("Yes".to_owned())
    }

    #[test]
    fn a_healthy_replica_reads_as_threads_and_lag() {
        let r = Replication::from_status(yes(), yes(), Some(0), None);
        assert_eq!(r.summary, "IO Yes, SQL Yes, 0 s behind");
    }

    #[test]
    fn an_error_replaces_the_lag() {
        let error = "Fatal error: The slave I/O thread stops because master and slave have equal MySQL server ids";
        let r =
            Replication::from_status(Some("No".to_owned()), yes(), None, Some(error.to_owned()));
        assert_eq!(r.summary, format!("IO No, SQL Yes: {error}"));
    }

    #[test]
    fn a_stopped_replica_without_error_shows_its_threads() {
        let no = Some("No".to_owned());
        assert_eq!(Replication::from_status(no.clone(), no, None, None).summary, "IO No, SQL No");
        assert_eq!(Replication::not_configured().summary, "not configured");
    }
}
