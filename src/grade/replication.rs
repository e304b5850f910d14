//! The replication checks: the account on the source, where the replica points, and rows
//! actually travelling.

use std::net::IpAddr;

use crate::grade::host_pattern::{self, Client};
use crate::grade::{Ctx, Note, Verdict, server_config};
use crate::grade::diagnosis::{self, Diagnosis};
use crate::probe::snapshot::{Account, CanaryOutcome, ReplicaStatus, ServerFacts, ThreadState};
use crate::course::spec::{Check, ConfigItem};

/// The replica as the source sees it when it logs in.
struct ReplicaClient {
    address: Option<IpAddr>,
    /// The name its address resolves to on the lab network, when known and it has one: the
    /// only name a source that resolves client names compares account hosts with.
    host_name: Option<String>,
}

impl ReplicaClient {
    fn of(ctx: &Ctx<'_>, replica: &str) -> Self {
        let place = ctx.snapshot.place(replica);
        ReplicaClient {
            address: place.and_then(|p| p.address),
            host_name: place.and_then(|p| p.host_name.clone()),
        }
    }

    fn admitted_by(&self, account: &Account, source: &ServerFacts) -> bool {
        let names: Vec<&str> = self.host_name.iter().map(String::as_str).collect();
        let client = Client { address: self.address, names: &names };
        host_pattern::admits(&account.host, client, !source.skip_name_resolve)
    }

    /// Whether one of the source's `Binlog Dump` threads is this replica's: its host is the
    /// replica's address, or its name when the source resolves names.
    fn streams_from(&self, source: &ServerFacts) -> bool {
        source.binlog_dumps.iter().any(|dump| {
            let host = host_part(dump);
            self.address.is_some_and(|a| a.to_string() == host)
                || self.host_name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(host))
        })
    }

    fn describe(&self) -> String {
        self.address.map_or_else(|| "its address on the lab network".to_owned(), |a| a.to_string())
    }
}

/// Accounts with REPLICATION SLAVE that count as the learner's (the probe's own login does not).
fn replication_accounts(source: &ServerFacts) -> impl Iterator<Item = &Account> {
    source.replication_accounts.iter().filter(|a| a.user != source.login_user)
}

/// `replication-account`: an account with REPLICATION SLAVE that the replica may log in from.
pub(super) fn account(ctx: &Ctx<'_>, source: &str, replica: &str) -> Verdict {
    let facts = match ctx.running(source) {
        Ok(f) => f,
        Err(v) => return v,
    };
    let client = ReplicaClient::of(ctx, replica);
    let accounts: Vec<&Account> = replication_accounts(facts).collect();
    if accounts.is_empty() {
        return Verdict::Pending(
            Note::new(
                Diagnosis::NoReplicationAccount,
                format!("the {source} has no account with REPLICATION SLAVE yet"),
            )
            .with("source", source)
            .with("replica", replica),
        );
    }
    if accounts.iter().any(|a| client.admitted_by(a, facts)) {
        return Verdict::Done;
    }
    Verdict::Failing(host_refused(ctx, &accounts, facts, &client, source, replica))
}

/// Why none of these accounts lets the replica in.
fn host_refused(
    ctx: &Ctx<'_>,
    accounts: &[&Account],
    facts: &ServerFacts,
    client: &ReplicaClient,
    source: &str,
    replica: &str,
) -> Note {
    let first = accounts[0];
    let named = format!("'{}'@'{}'", first.user, first.host);
    let address = client.describe();
    // What the source compares a host name with: the name it resolves the address to.
    let seen_as = client.host_name.clone().unwrap_or_else(|| address.clone());
    let note = if accounts.iter().all(|a| host_pattern::local_only(&a.host)) {
        Note::new(
            Diagnosis::AccountLocalhostOnly,
            format!(
                "{named} may log in only from the {source}'s own machine; the {replica} connects from {address}"
            ),
        )
    } else if !facts.skip_name_resolve && accounts.iter().all(|a| host_pattern::names_a_host(&a.host)) {
        let sees = match &client.host_name {
            Some(name) => format!("sees the {replica} ({address}) as '{name}'"),
            None => {
                format!("finds no name for the {replica}'s address {address}, so only the address counts")
            }
        };
        Note::new(
            Diagnosis::AccountHostName,
            format!(
                "{named} does not admit the {replica}: the {source} resolves client names and {sees}"
            ),
        )
    } else {
        let names_ignored = if facts.skip_name_resolve && host_pattern::names_a_host(&first.host) {
            " (the server does not resolve host names, so a name never matches)"
        } else {
            ""
        };
        Note::new(
            Diagnosis::AccountHostMismatch,
            format!(
                "{named} does not admit the {replica}, which connects from {address}{names_ignored}"
            ),
        )
    };
    note.with("source", source)
        .with("replica", replica)
        .with("user", &first.user)
        .with("host", &first.host)
        .with("address", address)
        .with("seen_as", seen_as)
        .with("source_config", ctx.config_path(source))
}

/// `replica-source`: the replica points at the source, with a replication account and
/// coordinates that exist there (or GTID). Judged on what the replica holds, not on what
/// was typed.
pub(super) fn source(ctx: &Ctx<'_>, source: &str, replica: &str) -> Verdict {
    let (rep, src) = match (ctx.running(replica), ctx.running(source)) {
        (Ok(r), Ok(s)) => (r, s),
        (Err(v), _) | (_, Err(v)) => return v,
    };
    let client = ReplicaClient::of(ctx, replica);
    let Some(status) = &rep.replica else {
        if !src.log_bin {
            return ctx.waiting_for(
                |c| logs_binary(c, source),
                format!("the {source} has no binary log yet"),
            );
        }
        if !replication_accounts(src).any(|a| client.admitted_by(a, src)) {
            return ctx.waiting_for(
                |c| matches!(c, Check::ReplicationAccount { source: s, .. } if s == source),
                format!("the {source} has no replication account the {replica} can use yet"),
            );
        }
        return Verdict::Pending(
            Note::new(
                Diagnosis::NotAReplica,
                format!("the {replica} is not pointed at the {source} yet"),
            )
            .with("source", source)
            .with("replica", replica),
        );
    };

    let current = src.current.as_ref();
    let values = [
        ("source", source.to_owned()),
        ("replica", replica.to_owned()),
        ("host", status.source_host.clone()),
        ("port", status.source_port.to_string()),
        ("user", status.source_user.clone()),
        ("file", status.source_log_file.clone()),
        ("position", status.read_source_log_pos.to_string()),
        ("source_port", src.port.to_string()),
        ("source_file", current.map_or_else(|| "(none)".to_owned(), |c| c.file.clone())),
        ("source_position", current.map_or_else(|| "(none)".to_owned(), |c| c.position.to_string())),
        ("error", status.last_io_error.clone()),
        ("retry", retry_interval(&status.last_io_error)),
        ("source_config", ctx.config_path(source)),
    ];
    let failing = |diagnosis, reason: String| Verdict::Failing(Note::new(diagnosis, reason).with_all(&values));
    let io_error = if io_error_is_stale(status) {
        None
    } else {
        io_diagnosis(status.last_io_error.as_str(), status.last_io_errno)
    };

    // A Binlog Dump thread from the replica's address proves it reaches the source, whatever
    // route the learner found.
    let streaming = client.streams_from(src);
    let host = status.source_host.as_str();
    if !streaming && !reaches(ctx, source, host) {
        let said = format!("the {replica} is pointed at host '{host}'");
        return if io_error == Some(Diagnosis::UnknownHost) {
            failing(Diagnosis::UnknownHost, format!("{said}, a name that does not resolve"))
        } else if host_pattern::local_only(host) {
            failing(Diagnosis::SourceHostLocal, format!("{said}: inside its container that is the {replica} itself"))
        } else {
            failing(Diagnosis::WrongSourceHost, format!("{said}, which is not the {source}"))
        };
    }
    if !streaming && status.source_port != src.port {
        return failing(
            Diagnosis::WrongSourcePort,
            format!(
                "the {replica} connects to port {}, but the {source} listens on {} inside the lab network",
                status.source_port, src.port
            ),
        );
    }

    let accounts: Vec<&Account> =
        replication_accounts(src).filter(|a| a.user == status.source_user).collect();
    if accounts.is_empty() {
        return failing(
            Diagnosis::UnknownReplicationUser,
            format!(
                "the {replica} logs in as '{}', which is not a replication account on the {source}",
                status.source_user
            ),
        );
    }
    let usable: Vec<&&Account> = accounts.iter().filter(|a| client.admitted_by(a, src)).collect();
    if usable.is_empty() {
        return Verdict::Failing(host_refused(ctx, &accounts, src, &client, source, replica));
    }
    if usable.iter().all(|a| a.plugin == "caching_sha2_password")
        && !status.get_public_key
        && !status.ssl_allowed
    {
        let setup = format!(
            "'{}' uses caching_sha2_password, and the {replica} neither asks for the {source}'s public key nor uses TLS",
            status.source_user
        );
        // The source caches an account's password after one secure login, so the replica
        // may get in for now: the setup is still wrong, and fails after a source restart.
        let reason = if status.io_running == ThreadState::Yes {
            format!(
                "{setup}: it connects now only because the {source} still holds the password from an earlier secure login, and fails with error 2061 after the {source} restarts"
            )
        } else {
            setup
        };
        return failing(Diagnosis::CachingSha2, reason);
    }

    if !src.log_bin {
        if let Some(note) = server_config::unapplied(ctx, source, ConfigItem::LogBin) {
            return Verdict::Failing(note);
        }
        return failing(Diagnosis::BinlogOff, format!("the {source} keeps no binary log"));
    }
    if !status.gtid {
        let file = status.source_log_file.as_str();
        if file.is_empty() {
            return failing(
                Diagnosis::NoCoordinates,
                format!("the {replica} was given no binlog file and position"),
            );
        }
        match src.binary_log(file) {
            None => {
                return failing(
                    Diagnosis::WrongLogFile,
                    format!("the {replica} reads binlog file '{file}', which the {source} does not have"),
                );
            }
            Some(log) if status.read_source_log_pos > log.size => {
                return failing(
                    Diagnosis::PositionPastEnd,
                    format!(
                        "the {replica} starts at position {} of '{file}', which is only {} bytes long",
                        status.read_source_log_pos, log.size
                    ),
                );
            }
            // Within the file, an "impossible position" is one inside an event.
            Some(_)
                if status.position_starts_event == Some(false)
                    || matches!(io_error, Some(Diagnosis::PositionMidEvent | Diagnosis::PositionPastEnd)) =>
            {
                return failing(
                    Diagnosis::PositionMidEvent,
                    format!(
                        "the {replica} starts at position {} of '{file}', which is inside an event of the {source}'s binary log, not where one starts",
                        status.read_source_log_pos
                    ),
                );
            }
            Some(_) => {}
        }
    }
    match io_error {
        // The host and port are right and the source answers: the error is from while it
        // was down (a restart), and the IO thread is only waiting for its next try.
        Some(Diagnosis::CantConnect) => failing(
            Diagnosis::CantConnect,
            format!(
                "the {replica}'s IO thread says: {}; the {source} answers now, so the {replica} reconnects by itself at its next try (every {})",
                status.last_io_error.trim(),
                retry_interval(&status.last_io_error)
            ),
        ),
        Some(d) if is_setup_problem(d) => failing(
            d,
            format!("the {replica}'s IO thread says: {}", status.last_io_error.trim()),
        ),
        _ => Verdict::Done,
    }
}

/// How often the IO thread retries, from its error ("retry-time: 60"); the servers' default
/// MASTER_CONNECT_RETRY otherwise.
fn retry_interval(error: &str) -> String {
    let seconds = error
        .split_once("retry-time:")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap_or(60);
    format!("{seconds} s")
}

/// `replication-flow`: both threads run without error and a fresh row arrives.
pub(super) fn flow(ctx: &Ctx<'_>, source: &str, replica: &str) -> Verdict {
    let rep = match (ctx.running(replica), ctx.running(source)) {
        (Ok(r), Ok(_)) => r,
        (Err(v), _) | (_, Err(v)) => return v,
    };
    let names_source = |c: &Check| {
        matches!(c, Check::ReplicaSource { source: s, replica: r } if s == source && r == replica)
    };
    let Some(status) = &rep.replica else {
        return ctx.waiting_for(names_source, format!("the {replica} is not pointed at the {source} yet"));
    };
    if source_is_wrong(ctx, source, replica) {
        return ctx.waiting_for(
            names_source,
            format!("the {replica}'s connection to the {source} is not set up right yet"),
        );
    }
    let values = [
        ("source", source.to_owned()),
        ("replica", replica.to_owned()),
        ("replica_config", ctx.config_path(replica)),
        ("server_id", rep.server_id.to_string()),
    ];
    for (thread, errno, error) in [
        ("IO", status.last_io_errno, &status.last_io_error),
        ("SQL", status.last_sql_errno, &status.last_sql_error),
    ] {
        if errno == 0 && error.trim().is_empty() || thread == "IO" && io_error_is_stale(status) {
            continue;
        }
        let diagnosis = match diagnosis::diagnose_error(error, errno) {
            Some(d @ (Diagnosis::EqualServerIds | Diagnosis::DuplicateEntry | Diagnosis::AccountChangeFailed)) => d,
            _ => Diagnosis::ReplicaError,
        };
        // The replica's own id already saved in its file: the restart is all that is missing
        // (the threads start again with the server).
        if diagnosis == Diagnosis::EqualServerIds
            && let Some(note) = server_config::unapplied(ctx, replica, ConfigItem::ServerId)
        {
            return Verdict::Failing(note);
        }
        let detail = diagnosis::quoted_detail(error, diagnosis).unwrap_or_default();
        return Verdict::Failing(
            Note::new(diagnosis, format!("the {replica}'s {thread} thread says: {}", error.trim()))
                .with_all(&values)
                .with("thread", thread)
                .with("error", error.trim())
                .with("entry", detail),
        );
    }
    match (status.io_running, status.sql_running) {
        (ThreadState::Yes, ThreadState::Yes) => {}
        (ThreadState::No, ThreadState::No) => {
            return Verdict::Pending(
                Note::new(
                    Diagnosis::ReplicationNotStarted,
                    format!("replication is not started on the {replica} yet"),
                )
                .with_all(&values),
            );
        }
        (ThreadState::Connecting, _) => {
            return Verdict::Pending(Note::plain(format!(
                "the {replica} is connecting to the {source}"
            )));
        }
        (io, _) => {
            let thread = if io == ThreadState::Yes { "SQL" } else { "IO" };
            return Verdict::Failing(
                Note::new(
                    Diagnosis::ReplicationStopped,
                    format!("the {replica}'s {thread} thread is stopped"),
                )
                .with_all(&values)
                .with("thread", thread),
            );
        }
    }
    match ctx.snapshot.flow(source, replica) {
        Some(CanaryOutcome::Arrived { .. }) => Verdict::Done,
        None => Verdict::Pending(Note::plain(format!(
            "waiting for a test row to travel from the {source} to the {replica}"
        ))),
        Some(CanaryOutcome::Missing { waited_ms }) => Verdict::Failing(
            Note::new(
                Diagnosis::CanaryLate,
                format!(
                    "a row written on the {source} had not reached the {replica} after {:.1} s",
                    *waited_ms as f64 / 1000.0
                ),
            )
            .with_all(&values)
            .with("waited", format!("{:.1} s", *waited_ms as f64 / 1000.0)),
        ),
        Some(CanaryOutcome::Failed { error }) => Verdict::Failing(
            Note::new(
                Diagnosis::CanaryFailed,
                format!("the test row could not be written or read: {error}"),
            )
            .with_all(&values)
            .with("error", error),
        ),
    }
}

/// Whether the replica-source rule finds a fault (its "not pointed yet" case included).
fn source_is_wrong(ctx: &Ctx<'_>, source_name: &str, replica: &str) -> bool {
    source(ctx, source_name, replica) != Verdict::Done
}

/// Whether a check requires this server to keep a binary log.
fn logs_binary(check: &Check, server: &str) -> bool {
    matches!(check, Check::ServerConfig { server: s, require, .. }
        if s == server && require.contains(&ConfigItem::LogBin))
}

/// Whether a host name, as the replica would use it, reaches the source: its name on the
/// lab network, its container's name, or its address.
fn reaches(ctx: &Ctx<'_>, source: &str, host: &str) -> bool {
    let place = ctx.snapshot.place(source);
    let host = host.trim();
    host.eq_ignore_ascii_case(source)
        || place.is_some_and(|p| {
            p.container.eq_ignore_ascii_case(host)
                || p.address.is_some_and(|a| a.to_string() == host)
        })
}

/// Whether the stopped IO thread's last error is about a connection it is no longer set to
/// make: the server keeps `Last_IO_Error` until the thread starts again, so after a
/// corrected CHANGE MASTER the error still names the old host, user, port or file.
fn io_error_is_stale(status: &ReplicaStatus) -> bool {
    if status.io_running != ThreadState::No || status.last_io_error.trim().is_empty() {
        return false;
    }
    let error = status.last_io_error.as_str();
    // "error connecting to master 'replica@master_ip:3306' - retry-time: …"
    let connection = quoted(error).find_map(|q| {
        let (user, place) = q.rsplit_once('@')?;
        let (host, port) = place.rsplit_once(':')?;
        let plain = |t: &str| !t.is_empty() && !t.contains(char::is_whitespace);
        (plain(user) && plain(host)).then_some(())?;
        Some((user.to_owned(), host.to_owned(), port.parse::<u16>().ok()?))
    });
    if let Some((user, host, port)) = connection {
        return user != status.source_user
            || !host.eq_ignore_ascii_case(&status.source_host)
            || port != status.source_port;
    }
    if status.gtid {
        return false;
    }
    // "… the first event 'mysql-bin.000001' at 5, …": where the thread was asked to start.
    if let Some((file, position)) = first_event(error) {
        return file != status.source_log_file || position != status.read_source_log_pos;
    }
    // "position > file size" names no position: when the source says an event starts where
    // the replica asks now, the error was about an earlier CHANGE MASTER.
    if status.position_starts_event == Some(true)
        && matches!(
            io_diagnosis(error, status.last_io_errno),
            Some(Diagnosis::PositionMidEvent | Diagnosis::PositionPastEnd)
        )
    {
        return true;
    }
    // Errors about the binlog name the file they were reading.
    let files: Vec<&str> = quoted(error).filter(|q| looks_like_log_file(q)).collect();
    !files.is_empty() && !files.contains(&status.source_log_file.as_str())
}

/// The file and position a binlog error says reading started from ("the first event
/// 'mysql-bin.000001' at 5").
fn first_event(error: &str) -> Option<(&str, u64)> {
    let (_, rest) = error.split_once("the first event '")?;
    let (file, rest) = rest.split_once('\'')?;
    let digits: &str = rest.strip_prefix(" at ")?.split(|c: char| !c.is_ascii_digit()).next()?;
    Some((file, digits.parse().ok()?))
}

/// The pieces of text between single quotes (server messages nest quotes, so every piece is
/// offered; the callers look for a shape no prose has).
fn quoted(text: &str) -> impl Iterator<Item = &str> {
    text.split('\'').skip(1)
}

/// `mysql-bin.000002`: a name, a dot, digits.
fn looks_like_log_file(text: &str) -> bool {
    text.rsplit_once('.').is_some_and(|(stem, number)| {
        !stem.is_empty() && !number.is_empty() && number.chars().all(|c| c.is_ascii_digit())
    })
}

/// The IO thread's error, when it has one.
fn io_diagnosis(error: &str, errno: u32) -> Option<Diagnosis> {
    if errno == 0 && error.trim().is_empty() {
        return None;
    }
    diagnosis::diagnose_error(error, errno)
}

/// Errors that mean CHANGE MASTER (or the account it names) is wrong, not replication itself.
fn is_setup_problem(d: Diagnosis) -> bool {
    matches!(
        d,
        Diagnosis::AccessDenied
            | Diagnosis::HostNotAllowed
            | Diagnosis::CantConnect
            | Diagnosis::UnknownHost
            | Diagnosis::CachingSha2
            | Diagnosis::WrongLogFile
            | Diagnosis::PositionPastEnd
            | Diagnosis::PositionMidEvent
            | Diagnosis::BinlogOff
    )
}

/// `172.18.0.3:41234` → `172.18.0.3` (IPv6 addresses come bracketed or bare).
fn host_part(client: &str) -> &str {
    let client = client.trim();
    if let Some(rest) = client.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match client.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') && port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => client,
    }
}

#[cfg(test)]
mod stale_error_tests {
    use super::*;

    fn stopped(host: &str, error: &str) -> ReplicaStatus {
        let row: Vec<(String, Option<String>)> = [
            ("Slave_IO_Running", "No"),
            ("Slave_SQL_Running", "No"),
            ("Master_Host", host),
            ("Master_User", "replica"),
            ("Master_Port", "3306"),
            ("Master_Log_File", "mysql-bin.000002"),
            ("Read_Master_Log_Pos", "344"),
            ("Last_IO_Errno", "2005"),
            ("Last_IO_Error", error),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), Some(v.to_string())))
        .collect();
        ReplicaStatus::from_row(&row)
    }

    const OLD_HOST: &str = "error connecting to master 'replica@master_ip:3306' - retry-time: 60  maximum-retries: 100000  message: Unknown server host 'master_ip' (-2)";

    #[test]
    fn an_error_about_the_host_no_longer_set_is_stale() {
        assert!(io_error_is_stale(&stopped("master", OLD_HOST)));
        assert!(!io_error_is_stale(&stopped("master_ip", OLD_HOST)), "still the configured host");
        let mut running = stopped("master", OLD_HOST);
        running.io_running = ThreadState::Connecting;
        assert!(!io_error_is_stale(&running), "a retrying thread's error is current");
    }

    #[test]
    fn the_retry_interval_is_read_from_the_error() {
        assert_eq!(retry_interval(OLD_HOST), "60 s");
        assert_eq!(retry_interval("error connecting to master 'r@m:3306' - retry-time: 5  maximum-retries: 1"), "5 s");
        assert_eq!(retry_interval("Can't connect"), "60 s");
    }

    #[test]
    fn an_error_about_another_start_position_is_stale() {
        let error = "Got fatal error 1236 from master when reading data from binary log: 'bogus data in log event; the first event 'mysql-bin.000002' at 5, the last event read from 'mysql-bin.000002' at 5, the last byte read from 'mysql-bin.000002' at 24.'";
        assert_eq!(first_event(error), Some(("mysql-bin.000002", 5)));
        assert!(io_error_is_stale(&stopped("master", error)), "CHANGE MASTER gave 344 since");
        let mut current = stopped("master", error);
        current.read_source_log_pos = 5;
        assert!(!io_error_is_stale(&current), "still the configured position");
    }

    #[test]
    fn an_error_about_another_binlog_file_is_stale() {
        let error = "Got fatal error 1236 from master when reading data from binary log: 'bogus data in log event; the first event 'mysql-bin.000009' at 4, the last event read from 'mysql-bin.000009' at 4, the last byte read from 'mysql-bin.000009' at 4.'";
        assert!(io_error_is_stale(&stopped("master", error)));
        let current = error.replace("000009", "000002").replace(" at 4", " at 344");
        assert!(!io_error_is_stale(&stopped("master", &current)));
    }
}
