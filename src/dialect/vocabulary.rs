//! The one alias table between what MariaDB and MySQL say and what the grader means.
//!
//! MariaDB keeps the classic names (`Slave_IO_Running`, `Master_Host`, "master") even under
//! `SHOW REPLICA STATUS`; MySQL 8.4 says `Replica_IO_Running`, `Source_Host`, "source". Both
//! are read here and nowhere else, so the rules in `grade` speak one language. The statements
//! themselves changed names too: which spelling each server takes is in [`ReplicationStatement::spelling`].

use crate::dialect::engine::{Engine, version_triple};

/// Replication statements whose spelling depends on the engine and its version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplicationStatement {
    /// Point a replica at its source.
    PointReplica,
    StartReplica,
    StopReplica,
    /// The replica's own state.
    ReplicaStatus,
    /// Where the source writes next (File, Position).
    SourceStatus,
    /// Forget the replica's setup.
    ResetReplica,
    /// The replicas registered with a source.
    ReplicaHosts,
    /// Start the binary log afresh.
    ResetSource,
    /// The binary log files.
    ListLogs,
    /// Delete old binary log files.
    PurgeLogs,
}

/// One statement in its two vocabularies, and which servers take each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spelling {
    /// The classic form, taken by MariaDB and by MySQL before 8.4.
    pub classic: &'static str,
    /// The newer form.
    pub new: &'static str,
    /// The first MySQL version that takes the newer form.
    pub mysql_new_since: (u32, u32, u32),
    /// The first MariaDB version that takes the newer form, when any does.
    pub mariadb_new_since: Option<(u32, u32, u32)>,
}

/// MySQL 8.4.0 removed every classic form of [`ReplicationStatement`].
pub const MYSQL_CLASSIC_REMOVED: (u32, u32, u32) = (8, 4, 0);

/// MariaDB 10.5.1 took START/STOP/RESET REPLICA and SHOW REPLICA STATUS.
const MARIADB_REPLICA_WORDS: Option<(u32, u32, u32)> = Some((10, 5, 1));

impl ReplicationStatement {
    /// Every statement with two spellings.
    pub const ALL: [ReplicationStatement; 10] = [
        ReplicationStatement::PointReplica,
        ReplicationStatement::StartReplica,
        ReplicationStatement::StopReplica,
        ReplicationStatement::ReplicaStatus,
        ReplicationStatement::SourceStatus,
        ReplicationStatement::ResetReplica,
        ReplicationStatement::ReplicaHosts,
        ReplicationStatement::ResetSource,
        ReplicationStatement::ListLogs,
        ReplicationStatement::PurgeLogs,
    ];

    /// Its two spellings, from the MySQL 8.0–8.4 and MariaDB 10.5+ manuals.
    pub fn spelling(self) -> Spelling {
        let (classic, new, mysql_new_since, mariadb_new_since) = match self {
            ReplicationStatement::PointReplica => {
                ("CHANGE MASTER TO", "CHANGE REPLICATION SOURCE TO", (8, 0, 23), None)
            }
            ReplicationStatement::StartReplica => ("START SLAVE", "START REPLICA", (8, 0, 22), MARIADB_REPLICA_WORDS),
            ReplicationStatement::StopReplica => ("STOP SLAVE", "STOP REPLICA", (8, 0, 22), MARIADB_REPLICA_WORDS),
            ReplicationStatement::ReplicaStatus => {
                ("SHOW SLAVE STATUS", "SHOW REPLICA STATUS", (8, 0, 22), MARIADB_REPLICA_WORDS)
            }
            // MariaDB's own newer name is SHOW BINLOG STATUS.
            ReplicationStatement::SourceStatus => ("SHOW MASTER STATUS", "SHOW BINARY LOG STATUS", (8, 2, 0), None),
            ReplicationStatement::ResetReplica => ("RESET SLAVE", "RESET REPLICA", (8, 0, 22), MARIADB_REPLICA_WORDS),
            // MariaDB's own newer name is SHOW REPLICA HOSTS.
            ReplicationStatement::ReplicaHosts => ("SHOW SLAVE HOSTS", "SHOW REPLICAS", (8, 0, 22), None),
            ReplicationStatement::ResetSource => ("RESET MASTER", "RESET BINARY LOGS AND GTIDS", (8, 2, 0), None),
            ReplicationStatement::ListLogs => ("SHOW MASTER LOGS", "SHOW BINARY LOGS", (0, 0, 0), Some((0, 0, 0))),
            ReplicationStatement::PurgeLogs => ("PURGE MASTER LOGS", "PURGE BINARY LOGS", (0, 0, 0), Some((0, 0, 0))),
        };
        Spelling { classic, new, mysql_new_since, mariadb_new_since }
    }
}

impl Spelling {
    /// Whether this server takes the classic form.
    pub fn takes_classic(&self, engine: Engine, version: &str) -> bool {
        engine == Engine::MariaDb || version_triple(version) < MYSQL_CLASSIC_REMOVED
    }

    /// Whether this server takes the newer form.
    pub fn takes_new(&self, engine: Engine, version: &str) -> bool {
        let version = version_triple(version);
        match engine {
            Engine::MySql => version >= self.mysql_new_since,
            Engine::MariaDb => self.mariadb_new_since.is_some_and(|since| version >= since),
        }
    }

    /// The form to send this server: MySQL's newer one as soon as it has it (the classic
    /// one is deprecated there, then removed), MariaDB's own classic one.
    pub fn for_server(&self, engine: Engine, version: &str) -> &'static str {
        match engine {
            Engine::MySql if self.takes_new(engine, version) => self.new,
            _ => self.classic,
        }
    }
}

/// The spelling of a statement this server accepts.
pub fn spelling(engine: Engine, version: &str, statement: ReplicationStatement) -> &'static str {
    statement.spelling().for_server(engine, version)
}

/// A field of the replica status the grader reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplicaField {
    IoRunning,
    SqlRunning,
    SourceHost,
    SourcePort,
    SourceUser,
    SourceLogFile,
    ReadSourceLogPos,
    ExecSourceLogPos,
    SecondsBehind,
    LastIoErrno,
    LastIoError,
    LastSqlErrno,
    LastSqlError,
    Gtid,
    SslAllowed,
    GetPublicKey,
    IoState,
    SqlState,
    RelaySourceLogFile,
    LastIoErrorTimestamp,
    LastSqlErrorTimestamp,
}

/// Each field's column name in every vocabulary: MariaDB and MySQL <= 8.3 first, then
/// MySQL >= 8.0.22's `SHOW REPLICA STATUS`.
const REPLICA_COLUMNS: &[(ReplicaField, &[&str])] = &[
    (ReplicaField::IoRunning, &["Slave_IO_Running", "Replica_IO_Running"]),
    (ReplicaField::SqlRunning, &["Slave_SQL_Running", "Replica_SQL_Running"]),
    (ReplicaField::SourceHost, &["Master_Host", "Source_Host"]),
    (ReplicaField::SourcePort, &["Master_Port", "Source_Port"]),
    (ReplicaField::SourceUser, &["Master_User", "Source_User"]),
    (ReplicaField::SourceLogFile, &["Master_Log_File", "Source_Log_File"]),
    (ReplicaField::ReadSourceLogPos, &["Read_Master_Log_Pos", "Read_Source_Log_Pos"]),
    (ReplicaField::ExecSourceLogPos, &["Exec_Master_Log_Pos", "Exec_Source_Log_Pos"]),
    (ReplicaField::SecondsBehind, &["Seconds_Behind_Master", "Seconds_Behind_Source"]),
    (ReplicaField::LastIoErrno, &["Last_IO_Errno"]),
    (ReplicaField::LastIoError, &["Last_IO_Error"]),
    (ReplicaField::LastSqlErrno, &["Last_SQL_Errno"]),
    (ReplicaField::LastSqlError, &["Last_SQL_Error"]),
    // MariaDB: No / Slave_Pos / Current_Pos; MySQL: 0 / 1.
    (ReplicaField::Gtid, &["Using_Gtid", "Auto_Position"]),
    (ReplicaField::SslAllowed, &["Master_SSL_Allowed", "Source_SSL_Allowed"]),
    (ReplicaField::GetPublicKey, &["Get_master_public_key", "Get_Source_public_key"]),
    (ReplicaField::IoState, &["Slave_IO_State", "Replica_IO_State"]),
    (ReplicaField::SqlState, &["Slave_SQL_Running_State", "Replica_SQL_Running_State"]),
    (ReplicaField::RelaySourceLogFile, &["Relay_Master_Log_File", "Relay_Source_Log_File"]),
    (ReplicaField::LastIoErrorTimestamp, &["Last_IO_Error_Timestamp"]),
    (ReplicaField::LastSqlErrorTimestamp, &["Last_SQL_Error_Timestamp"]),
];

/// The value of a field in a status row, under whichever name the engine used.
/// `NULL` reads as absent.
pub fn replica_value(row: &[(String, Option<String>)], field: ReplicaField) -> Option<&str> {
    let (_, names) = REPLICA_COLUMNS.iter().find(|(f, _)| *f == field)?;
    row.iter()
        .find(|(column, _)| names.iter().any(|n| n.eq_ignore_ascii_case(column)))
        .and_then(|(_, value)| value.as_deref())
}

/// Status columns that MariaDB and MySQL name differently, as (MariaDB's, MySQL 8.4's).
pub fn column_pairs() -> impl Iterator<Item = (&'static str, &'static str)> {
    REPLICA_COLUMNS.iter().filter_map(|(_, names)| match names {
        [classic, new] => Some((*classic, *new)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARIADB: &str = "11.8.3-MariaDB-0+deb13u1";

    #[test]
    fn the_probe_asks_each_server_in_its_own_words() {
        let status = |engine, version| spelling(engine, version, ReplicationStatement::ReplicaStatus);
        let coordinates = |engine, version| spelling(engine, version, ReplicationStatement::SourceStatus);
        assert_eq!(status(Engine::MariaDb, MARIADB), "SHOW SLAVE STATUS");
        assert_eq!(coordinates(Engine::MariaDb, MARIADB), "SHOW MASTER STATUS");
        assert_eq!(status(Engine::MySql, "8.0.21"), "SHOW SLAVE STATUS");
        assert_eq!(status(Engine::MySql, "8.0.22"), "SHOW REPLICA STATUS");
        assert_eq!(coordinates(Engine::MySql, "8.1.0"), "SHOW MASTER STATUS");
        assert_eq!(coordinates(Engine::MySql, "8.2.0"), "SHOW BINARY LOG STATUS");
        assert_eq!(status(Engine::MySql, "8.4.6"), "SHOW REPLICA STATUS");
        assert_eq!(coordinates(Engine::MySql, "8.4.6"), "SHOW BINARY LOG STATUS");
        assert_eq!(spelling(Engine::MySql, "8.4.6", ReplicationStatement::PointReplica), "CHANGE REPLICATION SOURCE TO");
        assert_eq!(spelling(Engine::MariaDb, MARIADB, ReplicationStatement::PointReplica), "CHANGE MASTER TO");
    }

    #[test]
    fn every_statement_sent_to_a_server_is_one_it_takes() {
        let servers = [
            (Engine::MariaDb, "10.4.30-MariaDB"),
            (Engine::MariaDb, MARIADB),
            (Engine::MySql, "5.7.44"),
            (Engine::MySql, "8.0.22"),
            (Engine::MySql, "8.3.0"),
            (Engine::MySql, "8.4.0"),
            (Engine::MySql, "9.1.0"),
        ];
        for statement in ReplicationStatement::ALL {
            let words = statement.spelling();
            for (engine, version) in servers {
                let sent = words.for_server(engine, version);
                let takes = if sent == words.classic {
                    words.takes_classic(engine, version)
                } else {
                    words.takes_new(engine, version)
                };
                assert!(takes, "{sent} sent to {engine} {version}");
            }
        }
    }

    #[test]
    fn mysql_8_4_takes_no_classic_form_and_mariadb_every_one() {
        for statement in ReplicationStatement::ALL {
            let words = statement.spelling();
            assert!(!words.takes_classic(Engine::MySql, "8.4.0"), "{}", words.classic);
            assert!(words.takes_new(Engine::MySql, "8.4.0"), "{}", words.new);
            assert!(words.takes_classic(Engine::MariaDb, MARIADB), "{}", words.classic);
        }
        let takes_new = |s: ReplicationStatement| s.spelling().takes_new(Engine::MariaDb, MARIADB);
        assert!(takes_new(ReplicationStatement::StartReplica) && takes_new(ReplicationStatement::ReplicaStatus));
        assert!(!takes_new(ReplicationStatement::PointReplica) && !takes_new(ReplicationStatement::SourceStatus));
    }
}
