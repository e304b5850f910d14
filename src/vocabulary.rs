//! The one alias table between what MariaDB and MySQL say and what the grader means.
//!
//! MariaDB keeps the classic names (`Slave_IO_Running`, `Master_Host`, "master") even under
//! `SHOW REPLICA STATUS`; MySQL 8.4 says `Replica_IO_Running`, `Source_Host`, "source". Both
//! are read here and nowhere else, so the rules in `grade` speak one language.

use crate::diagnose::Diagnosis;

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
];

/// The value of a field in a status row, under whichever name the engine used.
/// `NULL` reads as absent.
pub fn replica_value(row: &[(String, Option<String>)], field: ReplicaField) -> Option<&str> {
    let (_, names) = REPLICA_COLUMNS.iter().find(|(f, _)| *f == field)?;
    row.iter()
        .find(|(column, _)| names.iter().any(|n| n.eq_ignore_ascii_case(column)))
        .and_then(|(_, value)| value.as_deref())
}

/// Words that identify a situation in an error message, in every wording the servers use.
/// Matched case-insensitively as substrings; the first matching entry wins.
pub const MESSAGES: &[(Diagnosis, &[&str])] = &[
    (
        Diagnosis::EqualServerIds,
        &["equal MariaDB server ids", "equal MySQL server ids", "equal server ids"],
    ),
    (Diagnosis::HostNotAllowed, &["is not allowed to connect"]),
    (Diagnosis::AccessDenied, &["Access denied for user"]),
    (Diagnosis::UnknownHost, &["Unknown MySQL server host", "Unknown server host"]),
    (Diagnosis::CantConnect, &["Can't connect to"]),
    (Diagnosis::CachingSha2, &["Authentication requires secure connection"]),
    (
        Diagnosis::WrongLogFile,
        &["Could not find first log file name in binary log index file"],
    ),
    // MariaDB 11.8 says "impossible position", also for a position inside an event.
    (Diagnosis::PositionPastEnd, &["position > file size", "impossible position"]),
    (Diagnosis::BinlogOff, &["You are not using binary logging", "Binary log is not open"]),
    (
        Diagnosis::NotAReplica,
        &["not configured as slave", "not configured as replica", "MASTER_HOST was not set"],
    ),
    (Diagnosis::DuplicateEntry, &["Duplicate entry"]),
    (Diagnosis::ReadOnlyWrite, &["--read-only option"]),
];

/// Error numbers that name a situation on their own, for messages that hide the cause
/// (MySQL's multi-threaded applier reports "Coordinator stopped …" with the worker's number).
/// Numbers shared by several situations (1236, 13114, 13117) are left out.
pub const NUMBERS: &[(Diagnosis, &[u32])] = &[
    (Diagnosis::EqualServerIds, &[1593]),
    (Diagnosis::AccessDenied, &[1045]),
    (Diagnosis::HostNotAllowed, &[1130]),
    (Diagnosis::UnknownHost, &[2005]),
    (Diagnosis::CantConnect, &[2003]),
    (Diagnosis::CachingSha2, &[2061]),
    (Diagnosis::BinlogOff, &[1381]),
    (Diagnosis::NotAReplica, &[1200]),
    (Diagnosis::DuplicateEntry, &[1062]),
    (Diagnosis::ReadOnlyWrite, &[1290]),
];
