//! Why a task is not done yet: situations the learner meets, by stable id.
//!
//! Each id has a hint text in the lab's `[hints]` table, written in the learner's words with
//! `{{placeholders}}` filled from the live state. Error messages map to ids through the wordings
//! both engines use, listed here.

macro_rules! diagnoses {
    ($($(#[$doc:meta])* $variant:ident => $id:literal,)*) => {
        /// A situation that keeps a task from being done.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Diagnosis {
            $($(#[$doc])* $variant,)*
        }

        impl Diagnosis {
            /// Every diagnosis, for checking that a lab has a hint for each.
            pub const ALL: &[Diagnosis] = &[$(Diagnosis::$variant,)*];

            /// The stable id, used as the key in `[hints]` and in `check --json`.
            pub fn id(self) -> &'static str {
                match self {
                    $(Diagnosis::$variant => $id,)*
                }
            }
        }
    };
}

diagnoses! {
    /// The lab is not up: the server has no container.
    LabDown => "lab-down",
    /// The server does not answer.
    ServerDown => "server-down",
    /// A required setting is not in the server's config file.
    ConfigMissing => "config-missing",
    /// A required setting is not in the file, but a line names an option a letter or two off it.
    ConfigMisspelt => "config-misspelt",
    /// The setting is in the file, but under a section the server does not read.
    ConfigWrongSection => "config-wrong-section",
    /// The setting's value in the file is not one the server takes.
    ConfigInvalid => "config-invalid",
    /// The file says one thing and the running server another: not restarted since.
    NotApplied => "not-applied",
    /// `server_id` 0 cannot take part in replication.
    ServerIdZero => "server-id-zero",
    /// Replica and source run with the same server_id.
    EqualServerIds => "equal-server-ids",
    /// A server that replicates from nobody yet runs (or is set to run) with the other's
    /// server_id: a restart with its own is all it takes.
    ServerIdTaken => "server-id-taken",
    /// No account on the source holds REPLICATION SLAVE.
    NoReplicationAccount => "no-replication-account",
    /// The replication account may log in only from the source's own machine.
    AccountLocalhostOnly => "account-localhost-only",
    /// The replication account's host part does not admit the replica's address.
    AccountHostMismatch => "account-host-mismatch",
    /// The source resolves client names, and the account's host names the replica otherwise
    /// than the name its address resolves to.
    AccountHostName => "account-host-name",
    /// The replica has not been pointed at a source (also: START SLAVE before CHANGE MASTER).
    NotAReplica => "not-a-replica",
    /// The replica is pointed at itself: 127.0.0.1 or localhost inside its container.
    SourceHostLocal => "source-host-local",
    /// The replica is pointed at a host that is not the source.
    WrongSourceHost => "wrong-source-host",
    /// The source host name does not resolve (`master_ip` copied literally).
    UnknownHost => "unknown-host",
    /// The replica uses a port the source does not listen on inside the network.
    WrongSourcePort => "wrong-source-port",
    /// The replica cannot reach the source at all.
    CantConnect => "cant-connect",
    /// The replica logs in as a user that is not a replication account on the source.
    UnknownReplicationUser => "unknown-replication-user",
    /// The source refused the replica's login: wrong password (or user).
    AccessDenied => "access-denied",
    /// The source refuses connections from the replica's address.
    HostNotAllowed => "host-not-allowed",
    /// MySQL 8 caching_sha2_password over plain TCP without the source's public key (2061).
    CachingSha2 => "caching-sha2",
    /// The replica was given no binlog coordinates and no GTID positioning.
    NoCoordinates => "no-coordinates",
    /// The binlog file the replica asks for does not exist on the source.
    WrongLogFile => "wrong-log-file",
    /// The position the replica asks for is past the end of the file.
    PositionPastEnd => "position-past-end",
    /// The position the replica asks for is inside an event, not where one starts.
    PositionMidEvent => "position-mid-event",
    /// The source keeps no binary log, so there is nothing to replicate.
    BinlogOff => "binlog-off",
    /// The replica is set up but its threads were never started.
    ReplicationNotStarted => "replication-not-started",
    /// One replication thread stopped without an error.
    ReplicationStopped => "replication-stopped",
    /// The SQL thread met a row the replica already has.
    DuplicateEntry => "duplicate-entry",
    /// The SQL thread could not apply a change to an account the replica does not have the
    /// same (error 1396: made on the source before the replica's starting coordinates).
    AccountChangeFailed => "account-change-failed",
    /// A replication thread reports an error with no more specific diagnosis.
    ReplicaError => "replica-error",
    /// Both threads run, but a fresh row from the source did not arrive in time.
    CanaryLate => "canary-late",
    /// The grader's canary row could not be written or read.
    CanaryFailed => "canary-failed",
    /// A write reached a read-only server (the application's writes went to the replica).
    ReadOnlyWrite => "read-only-write",
    /// The application has not run yet.
    RoutingNotRun => "routing-not-run",
    /// The application's URL names no driver (`mysql://`): SQLAlchemy wants MySQLdb.
    AppDriverMissing => "app-driver-missing",
    /// The application calls SQLAlchemy as version 1 did (`engine.execute`, no `text()`).
    AppSqlalchemy1 => "app-sqlalchemy1",
    /// The application names a host its machine cannot resolve (a lab network name).
    AppUnknownHost => "app-unknown-host",
    /// Nothing listens on a port the application names.
    AppConnectionRefused => "app-connection-refused",
    /// Nothing listens on a port the application's settings name: a server's port before the
    /// lab moved it (its port was taken), left in a line the learner changed.
    AppPortMoved => "app-port-moved",
    /// Nothing answers on a port the application's settings name: that server is down (the
    /// master crashed for the failover drill, or stopped).
    AppServerDown => "app-server-down",
    /// The application logs in with an account that is not the lab's application account.
    AppWrongAccount => "app-wrong-account",
    /// The application names a database the servers lack (or that its account may not use).
    AppUnknownDatabase => "app-unknown-database",
    /// The application's last run failed for a reason no other diagnosis names.
    AppCrashed => "app-crashed",
    /// The application changed after its last run, which is the one judged.
    RoutingRerun => "routing-rerun",
    /// A server refused the application's login.
    RoutingLoginRefused => "routing-login-refused",
    /// Plain reads went to the writer.
    RoutingReadsOnWriter => "routing-reads-on-writer",
    /// Writes went to the reader.
    RoutingWritesOnReader => "routing-writes-on-reader",
    /// The last run read nothing from the reader.
    RoutingNoReads => "routing-no-reads",
    /// The last run wrote nothing on the writer.
    RoutingNoWrites => "routing-no-writes",
    /// Rows the application wrote have not reached the reader.
    RoutingRowsMissing => "routing-rows-missing",
    /// The rows the application wrote cannot be followed.
    RoutingRowsUnknown => "routing-rows-unknown",
    /// The source still runs and the replica still replicates from it: the drill has not begun.
    FailoverNotStarted => "failover-not-started",
    /// The source is down, and the replica still holds its replication setup.
    NotPromoted => "not-promoted",
    /// The replica, about to be promoted, has received events it has not applied yet.
    PromotedUnapplied => "promoted-unapplied",
    /// The replica was promoted (its replication setup reset) before it applied all it had
    /// received: the rest is gone.
    PromotedLost => "promoted-lost",
    /// The promoted server keeps no binary log of its own (or logs no replicated events).
    PromotedNoBinlog => "promoted-no-binlog",
    /// The promoted server still refuses writes.
    PromotedReadOnly => "promoted-read-only",
    /// The promoted server's config file still sets read_only: a restart brings it back.
    ReadOnlyInConfig => "read-only-in-config",
    /// The application's last run did not write to the promoted server: it still targets the dead source.
    AppOnDeadSource => "app-on-dead-source",
    /// The old source is still down (rejoin not begun).
    OldSourceDown => "old-source-down",
    /// The old source runs again and takes writes beside the promoted server.
    OldSourceWritable => "old-source-writable",
    /// Both servers took writes the other lacks.
    SplitBrain => "split-brain",
    /// The old source asks the promoted one for a GTID the promoted one never had: the two
    /// histories diverged (MariaDB's 1236 "… which is not in the master's binlog").
    HistoriesDiverged => "histories-diverged",
    /// The promoted server has no replication account for the old source.
    PromotedNoAccount => "promoted-no-account",
    /// The old source was pointed at the promoted server with its own binlog coordinates.
    RejoinOldCoordinates => "rejoin-old-coordinates",
    /// The old source runs again but replicates from nobody yet.
    RejoinNotAReplica => "rejoin-not-a-replica",
    /// The old source replicates and refuses writes, but its config file does not keep it
    /// read-only: its next restart makes it writable beside the promoted server.
    RejoinReadOnlyNotInConfig => "rejoin-read-only-not-in-config",
}

impl serde::Serialize for Diagnosis {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
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
    // MariaDB 11.8 says "impossible position" for a position inside an event too; the
    // grader tells the two apart by the file's size.
    (Diagnosis::PositionPastEnd, &["position > file size", "impossible position"]),
    (
        Diagnosis::PositionMidEvent,
        &["bogus data in log event", "binlog truncated in the middle of event", "log event entry exceeded max_allowed_packet"],
    ),
    (Diagnosis::BinlogOff, &["You are not using binary logging", "Binary log is not open"]),
    (
        Diagnosis::NotAReplica,
        &["not configured as slave", "not configured as replica", "MASTER_HOST was not set"],
    ),
    (Diagnosis::DuplicateEntry, &["Duplicate entry"]),
    (
        Diagnosis::AccountChangeFailed,
        &[
            "Operation ALTER USER failed",
            "Operation CREATE USER failed",
            "Operation DROP USER failed",
            "Operation RENAME USER failed",
        ],
    ),
    (
        Diagnosis::HistoriesDiverged,
        &["which is not in the master's binlog", "has diverged", "has more GTIDs than the"],
    ),
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
    (Diagnosis::AccountChangeFailed, &[1396]),
    (Diagnosis::ReadOnlyWrite, &[1290]),
];

/// What an error message means, by its words first and its number second.
pub fn diagnose_error(message: &str, errno: u32) -> Option<Diagnosis> {
    let lower = message.to_ascii_lowercase();
    MESSAGES
        .iter()
        .find(|(_, words)| words.iter().any(|w| lower.contains(&w.to_ascii_lowercase())))
        .map(|(d, _)| *d)
        .or_else(|| NUMBERS.iter().find(|(_, numbers)| numbers.contains(&errno)).map(|(d, _)| *d))
}

/// The first 'quoted' value after the words that identified the message: the host in
/// "Unknown server host 'master_ip'", the key in "Duplicate entry '1' for key 'PRIMARY'".
pub fn quoted_detail(message: &str, diagnosis: Diagnosis) -> Option<String> {
    let lower = message.to_ascii_lowercase();
    let (_, words) = MESSAGES.iter().find(|(d, _)| *d == diagnosis)?;
    let end = words.iter().find_map(|w| {
        let w = w.to_ascii_lowercase();
        lower.find(&w).map(|at| at + w.len())
    })?;
    let rest = &message[end..];
    let open = rest.find('\'')? + 1;
    let close = rest[open..].find('\'')?;
    Some(rest[open..open + close].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Error texts as the servers print them (MariaDB 11.8 and MySQL 8.4 wordings).
    const ERRORS: &[(&str, u32, Diagnosis)] = &[
        (
            "Got fatal error 1236 from master when reading data from binary log: 'Error: connecting slave requested to start from GTID 0-1-21, which is not in the master's binlog. Since the master's binlog contains GTIDs with higher sequence numbers, it probably means that the slave has diverged due to executing extra erroneous transactions'",
            1236,
            Diagnosis::HistoriesDiverged,
        ),
        (
            "Got fatal error 1236 from source when reading data from binary log: 'The replica has more GTIDs than the source has, using the source's SERVER_UUID. This may indicate that the end of the binary log was truncated or that the last binary log file was lost, e.g., after a power or disk failure when sync_binlog != 1.'",
            13114,
            Diagnosis::HistoriesDiverged,
        ),
        (
            "Fatal error: The slave I/O thread stops because master and slave have equal MariaDB server ids; these ids must be different for replication to work (or the --replicate-same-server-id option must be used on slave but this does not always make sense; please check the manual before using it).",
            1593,
            Diagnosis::EqualServerIds,
        ),
        (
            "Fatal error: The slave I/O thread stops because master and slave have equal MySQL server ids; these ids must be different for replication to work (or the --replicate-same-server-id option must be used on slave but this does not always make sense; please check the manual before using it).",
            1593,
            Diagnosis::EqualServerIds,
        ),
        (
            "Fatal error: The replica I/O thread stops because source and replica have equal MySQL server ids; these ids must be different for replication to work (or the --replicate-same-server-id option must be used on replica but this does not always make sense; please check the manual before using it).",
            13117,
            Diagnosis::EqualServerIds,
        ),
        (
            "error connecting to master 'replica@master:3306' - retry-time: 60  maximum-retries: 100000  message: Access denied for user 'replica'@'172.27.0.3' (using password: YES)",
            1045,
            Diagnosis::AccessDenied,
        ),
        (
            "error connecting to source 'replica@master:3306' - retry-time: 60 retries: 1 message: Access denied for user 'replica'@'172.18.0.3' (using password: YES)",
            1045,
            Diagnosis::AccessDenied,
        ),
        (
            "error connecting to master 'replica@master:3306' - retry-time: 60  maximum-retries: 100000  message: Host '172.18.0.3' is not allowed to connect to this MariaDB server",
            1130,
            Diagnosis::HostNotAllowed,
        ),
        (
            "error connecting to source 'replica@master:3306' - retry-time: 60 retries: 1 message: Host '172.18.0.3' is not allowed to connect to this MySQL server",
            1130,
            Diagnosis::HostNotAllowed,
        ),
        (
            "error connecting to master 'replica@master_ip:3306' - retry-time: 60  maximum-retries: 100000  message: Unknown server host 'master_ip' (-2)",
            2005,
            Diagnosis::UnknownHost,
        ),
        (
            "error connecting to source 'replica@master_ip:3306' - retry-time: 60 retries: 1 message: Unknown MySQL server host 'master_ip' (-2)",
            2005,
            Diagnosis::UnknownHost,
        ),
        (
            "error connecting to master 'replica@master:3307' - retry-time: 60  maximum-retries: 100000  message: Can't connect to server on 'master' (111 \"Connection refused\")",
            2003,
            Diagnosis::CantConnect,
        ),
        (
            "error connecting to source 'replica@master:13306' - retry-time: 60 retries: 1 message: Can't connect to MySQL server on 'master:13306' (111)",
            2003,
            Diagnosis::CantConnect,
        ),
        (
            "error connecting to source 'replica@master:3306' - retry-time: 60 retries: 1 message: Authentication plugin 'caching_sha2_password' reported error: Authentication requires secure connection.",
            2061,
            Diagnosis::CachingSha2,
        ),
        (
            "Got fatal error 1236 from master when reading data from binary log: 'Could not find first log file name in binary log index file'",
            1236,
            Diagnosis::WrongLogFile,
        ),
        (
            "Got fatal error 1236 from source when reading data from binary log: 'Could not find first log file name in binary log index file'",
            13114,
            Diagnosis::WrongLogFile,
        ),
        (
            "Got fatal error 1236 from master when reading data from binary log: 'Client requested master to start replication from position > file size'",
            1236,
            Diagnosis::PositionPastEnd,
        ),
        (
            "Got fatal error 1236 from master when reading data from binary log: 'Client requested master to start replication from impossible position; the first event 'mysql-bin.000001' at 99999, the last event read from 'mysql-bin.000001' at 4, the last byte read from 'mysql-bin.000001' at 4.'",
            1236,
            Diagnosis::PositionPastEnd,
        ),
        (
            "Got fatal error 1236 from source when reading data from binary log: 'Client requested source to start replication from position > file size'",
            13114,
            Diagnosis::PositionPastEnd,
        ),
        (
            "Got fatal error 1236 from master when reading data from binary log: 'bogus data in log event; the first event 'mysql-bin.000001' at 5, the last event read from 'mysql-bin.000001' at 5, the last byte read from 'mysql-bin.000001' at 24.'",
            1236,
            Diagnosis::PositionMidEvent,
        ),
        (
            "Got fatal error 1236 from master when reading data from binary log: 'binlog truncated in the middle of event; consider out of disk space on master; the first event 'mysql-bin.000001' at 660, the last event read from 'mysql-bin.000001' at 660, the last byte read from 'mysql-bin.000001' at 679.'",
            1236,
            Diagnosis::PositionMidEvent,
        ),
        (
            "Got fatal error 1236 from source when reading data from binary log: 'log event entry exceeded max_allowed_packet; Increase max_allowed_packet on source; the first event 'mysql-bin.000001' at 5, the last event read from 'mysql-bin.000001' at 4, the last byte read from 'mysql-bin.000001' at 4.'",
            13114,
            Diagnosis::PositionMidEvent,
        ),
        ("You are not using binary logging", 1381, Diagnosis::BinlogOff),
        (
            "Got fatal error 1236 from master when reading data from binary log: 'Binary log is not open'",
            1236,
            Diagnosis::BinlogOff,
        ),
        (
            "The server is not configured as slave; fix in config file or with CHANGE MASTER TO",
            1200,
            Diagnosis::NotAReplica,
        ),
        (
            "Misconfigured slave: MASTER_HOST was not set; Fix in config file or with CHANGE MASTER TO",
            1200,
            Diagnosis::NotAReplica,
        ),
        (
            "The server is not configured as replica; fix in config file or with CHANGE REPLICATION SOURCE TO",
            1200,
            Diagnosis::NotAReplica,
        ),
        (
            "Error 'Duplicate entry '7' for key 'PRIMARY'' on query. Default database: ''. Query: 'INSERT INTO shop.customers (id,name,email) VALUES (7,'m','m')'",
            1062,
            Diagnosis::DuplicateEntry,
        ),
        (
            "Coordinator stopped because there were error(s) in the worker(s). The most recent failure being: Worker 1 failed executing transaction 'ANONYMOUS' at source log binlog.000002, end_log_pos 1054. See error log and/or performance_schema.replication_applier_status_by_worker table for more details about this failure or others, if any.",
            1062,
            Diagnosis::DuplicateEntry,
        ),
        (
            "Error 'Operation ALTER USER failed for 'replica'@'%'' on query. Default database: ''. Query: 'ALTER USER 'replica'@'%' IDENTIFIED BY 'replica-pass2''",
            1396,
            Diagnosis::AccountChangeFailed,
        ),
        (
            "The MariaDB server is running with the --read-only option so it cannot execute this statement",
            1290,
            Diagnosis::ReadOnlyWrite,
        ),
        (
            "The MySQL server is running with the --read-only option so it cannot execute this statement",
            1290,
            Diagnosis::ReadOnlyWrite,
        ),
    ];

    #[test]
    fn every_known_error_text_maps_to_its_diagnosis() {
        for (text, errno, expected) in ERRORS {
            assert_eq!(diagnose_error(text, *errno), Some(*expected), "{text}");
            // The words alone are enough: numbers differ between servers.
            if *errno != 1062 {
                assert_eq!(diagnose_error(text, 0), Some(*expected), "{text} without its number");
            }
        }
    }

    #[test]
    fn an_unknown_error_has_no_diagnosis() {
        assert_eq!(diagnose_error("Something unforeseen happened", 1234), None);
        assert_eq!(diagnose_error("", 0), None);
    }

    #[test]
    fn every_diagnosis_of_the_error_table_is_covered_by_a_text() {
        for (diagnosis, _) in MESSAGES {
            assert!(
                ERRORS.iter().any(|(_, _, d)| d == diagnosis),
                "no error text exercises {}",
                diagnosis.id()
            );
        }
    }

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut ids: Vec<&str> = Diagnosis::ALL.iter().map(|d| d.id()).collect();
        assert!(ids.iter().all(|id| id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')));
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len());
    }

    #[test]
    fn every_diagnosis_is_documented_for_scripts() {
        let doc = include_str!("../../README.md");
        for diagnosis in Diagnosis::ALL {
            assert!(doc.contains(&format!("| `{}` |", diagnosis.id())), "README.md lacks {}", diagnosis.id());
        }
    }

    #[test]
    fn quoted_detail_takes_the_value_after_the_words() {
        let unknown = ERRORS.iter().find(|e| e.0.contains("master_ip")).expect("master_ip").0;
        assert_eq!(quoted_detail(unknown, Diagnosis::UnknownHost).as_deref(), Some("master_ip"));
        let dup = ERRORS.iter().find(|e| e.0.contains("Duplicate")).expect("a duplicate").0;
        assert_eq!(quoted_detail(dup, Diagnosis::DuplicateEntry).as_deref(), Some("7"));
        assert_eq!(quoted_detail("no quotes", Diagnosis::UnknownHost), None);
    }
}
