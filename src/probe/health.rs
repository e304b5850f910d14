//! Replication's health as people read it: one server's binary log and replicas, or its
//! replica threads, lag, and how far it has received and applied against its source. Built
//! from what the probe round already read, for the lab pane and `status`.

use serde::Serialize;

use crate::probe::snapshot::{Coordinates, ReplicaStatus, ServerFacts, ThreadState};

/// What a server shows of replication: a line for a narrow pane, and the full account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Health {
    /// The essential in one line.
    pub summary: String,
    /// Line by line: threads and lag, received, applied, its own binary log, the last error;
    /// or the binary log and the replicas streaming from it.
    pub lines: Vec<String>,
    /// The same lines in fewer words, one for one, for a pane too narrow for them.
    #[serde(skip)]
    pub narrow: Vec<String>,
    /// Something is wrong: a thread stopped or an error.
    pub trouble: bool,
    /// The last of `lines` is the replica's last error.
    #[serde(skip)]
    pub ends_with_error: bool,
    /// It replicates from a source: what is written on it directly, the source never gets.
    #[serde(skip)]
    pub replicating: bool,
}

/// The health of a running server. `source` is the server it replicates from, when that one
/// answered too (its current position is what received and applied are measured against);
/// `now` is the Unix time, to date the last error.
pub fn of(facts: &ServerFacts, source: Option<&ServerFacts>, now: f64) -> Health {
    match &facts.replica {
        Some(status) => replica(facts, status, source, now),
        None => master(facts),
    }
}

/// Lines in full, each with its narrow form.
#[derive(Default)]
struct Lines {
    full: Vec<String>,
    narrow: Vec<String>,
}

impl Lines {
    fn push(&mut self, full: String, narrow: String) {
        self.full.push(full);
        self.narrow.push(narrow);
    }

    /// A line that is short already.
    fn push_same(&mut self, line: String) {
        self.push(line.clone(), line);
    }

    fn extend_same(&mut self, line: Option<String>) {
        if let Some(line) = line {
            self.push_same(line);
        }
    }
}

/// The server's own binary log: where the next change goes, or whether it is on at all; in
/// full and with the file's number alone.
fn binlog(facts: &ServerFacts) -> (String, String) {
    match &facts.current {
        Some(c) => (format!("binlog {}", at(c)), format!("binlog {}", at_short(c))),
        None if facts.log_bin => ("binlog on".to_owned(), "binlog on".to_owned()),
        None => ("binlog off".to_owned(), "binlog off".to_owned()),
    }
}

/// The replicas streaming from the server, when there are any.
fn replicas(facts: &ServerFacts) -> Option<String> {
    let hosts: Vec<&str> = facts.binlog_dumps.iter().map(|h| host_of(h)).collect();
    (!hosts.is_empty()).then(|| format!("replicas: {}", hosts.join(", ")))
}

fn master(facts: &ServerFacts) -> Health {
    let (binlog, short) = binlog(facts);
    let mut lines = Lines::default();
    lines.push(binlog, short.clone());
    // Only a server writing a binary log can have replicas: without one, none is news.
    match replicas(facts) {
        Some(line) => lines.push_same(line),
        None if facts.log_bin => {
            lines.push("no replica connected".to_owned(), "no replica".to_owned());
        }
        None => {}
    }
    let ro = if facts.read_only { " · read-only" } else { "" };
    let count = match facts.binlog_dumps.len() {
        _ if !facts.log_bin => String::new(),
        0 => " · no replica".to_owned(),
        1 => " · 1 replica".to_owned(),
        n => format!(" · {n} replicas"),
    };
    // The one line stays short enough for the narrowest lab pane: the position alone, as
    // the replicas' summaries give theirs.
    let at = facts.current.as_ref().map_or(short, |c| format!("binlog at {}", c.position));
    let summary = format!("{at}{count}{ro}");
    Health {
        summary,
        lines: lines.full,
        narrow: lines.narrow,
        trouble: false,
        ends_with_error: false,
        replicating: false,
    }
}

/// `mysql-bin.000002` → `.000002`: the number is what changes.
fn short_file(file: &str) -> &str {
    file.rfind('.').map_or(file, |dot| &file[dot..])
}

/// A thread state as one sign, for the one-line summary.
fn sign(state: ThreadState) -> &'static str {
    match state {
        ThreadState::Yes => "✓",
        ThreadState::No => "✗",
        ThreadState::Connecting => "…",
    }
}

fn replica(
    facts: &ServerFacts,
    status: &ReplicaStatus,
    source: Option<&ServerFacts>,
    now: f64,
) -> Health {
    let lag = match status.seconds_behind {
        Some(s) => format!("{s} s behind"),
        None => "lag unknown".to_owned(),
    };
    let threads = format!("IO {} · SQL {}", status.io_running.word(), status.sql_running.word());
    let source_at = source.and_then(|s| s.current.as_ref());
    let (received, applied) = (status.received(), status.applied());
    let versus = |c: &Coordinates, at: fn(&Coordinates) -> String| match source_at {
        Some(src) if src.file == c.file && src.position > c.position => {
            format!(" ({} B behind)", src.position - c.position)
        }
        Some(src) if src.file != c.file => format!(" (master at {})", at(src)),
        _ => String::new(),
    };
    let threads_short = format!("IO {} SQL {}", sign(status.io_running), sign(status.sql_running));
    let mut lines = Lines::default();
    lines.push(format!("{threads} · {lag}"), format!("{threads_short} · {lag}"));
    for (word, c) in [("received", &received), ("applied ", &applied)] {
        // No binlog file yet: the IO thread has never read from its source.
        if c.file.is_empty() {
            lines.push_same(format!("{} nothing yet", word.trim_end()));
            continue;
        }
        lines.push(
            format!("{word} {}{}", at(c), versus(c, at)),
            format!("{} {}{}", word.trim_end(), at_short(c), versus(c, at_short)),
        );
    }
    // Its own binary log (what a server replicating from it, or a promotion, relies on) and
    // any replicas of its own.
    if facts.log_bin {
        let (binlog, short) = binlog(facts);
        lines.push(format!("own {binlog}"), format!("own {short}"));
    }
    lines.extend_same(replicas(facts));
    // The essential in a narrow pane: threads, lag, received and applied.
    let lag_short = status.seconds_behind.map_or_else(String::new, |s| format!(" {s} s,"));
    let positions = if status.unapplied() {
        format!("{}/{} applied", applied.position, received.position)
    } else {
        "all applied".to_owned()
    };
    let mut summary = format!("{threads_short}{lag_short} {positions}");
    if let Some((error, when)) = status.last_error() {
        let since = seconds_since(when, now)
            .or_else(|| status.error_seen_at.map(|at| (now as u64).saturating_sub(at)));
        let ago = since.map_or_else(String::new, |s| format!(" {}", ago(s)));
        lines.push_same(format!("error{ago}: {}", error.trim()));
        summary = format!("{threads_short} {}", error.trim());
    }
    let trouble = status.io_running != ThreadState::Yes
        || status.sql_running != ThreadState::Yes
        || status.last_error().is_some();
    let ends_with_error = status.last_error().is_some();
    Health { summary, lines: lines.full, narrow: lines.narrow, trouble, ends_with_error, replicating: true }
}

/// Seconds from a server timestamp (`251201 20:10:03`, the server's clock in UTC, as the
/// lab's containers run) to `now`.
fn seconds_since(stamp: &str, now: f64) -> Option<u64> {
    let (date, time) = stamp.trim().split_once(' ')?;
    let number = |s: &str| s.parse::<i64>().ok();
    let (y, m, d) = (number(date.get(0..2)?)? + 2000, number(date.get(2..4)?)?, number(date.get(4..6)?)?);
    let mut hms = time.trim().split(':').map(number);
    let (h, min, sec) = (hms.next()??, hms.next()??, hms.next()??);
    let then = days_from_civil(y, m, d) * 86_400 + h * 3600 + min * 60 + sec;
    let elapsed = now as i64 - then;
    u64::try_from(elapsed).ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn ago(seconds: u64) -> String {
    match seconds {
        0..60 => format!("{seconds} s ago"),
        60..3600 => format!("{} min ago", seconds / 60),
        _ => format!("{} h ago", seconds / 3600),
    }
}

fn at(c: &Coordinates) -> String {
    format!("{}:{}", c.file, c.position)
}

/// As [`at`], with the file's number alone (`.000002:5120`).
fn at_short(c: &Coordinates) -> String {
    format!("{}:{}", short_file(&c.file), c.position)
}

/// `172.18.0.3:41234` → `172.18.0.3`.
fn host_of(client: &str) -> &str {
    client.rsplit_once(':').map_or(client, |(host, _)| host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(row: &[(&str, &str)]) -> ReplicaStatus {
        let row: Vec<(String, Option<String>)> =
            row.iter().map(|(c, v)| ((*c).to_owned(), Some((*v).to_owned()))).collect();
        ReplicaStatus::from_row(&row)
    }

    /// A running server replicating from nobody, with its binary log on or off.
    fn facts(log_bin: bool) -> ServerFacts {
        ServerFacts {
            engine: crate::dialect::engine::Engine::MariaDb,
            version: "11.8.3-MariaDB".to_owned(),
            server_id: 1,
            log_bin,
            log_bin_basename: String::new(),
            read_only: false,
            port: 3306,
            skip_name_resolve: true,
            login_user: "root".to_owned(),
            replication_accounts: Vec::new(),
            binary_logs: Vec::new(),
            current: log_bin
                .then(|| Coordinates { file: "mysql-bin.000003".into(), position: 900 }),
            replica: None,
            binlog_dumps: Vec::new(),
            failover: Default::default(),
        }
    }

    #[test]
    fn replicas_are_spoken_of_only_where_a_binary_log_can_serve_them() {
        let off = of(&facts(false), None, 0.0);
        assert_eq!(off.lines, ["binlog off"]);
        assert_eq!(off.summary, "binlog off");
        let on = of(&facts(true), None, 0.0);
        assert_eq!(on.lines, ["binlog mysql-bin.000003:900", "no replica connected"]);
        assert_eq!(on.summary, "binlog at 900 · no replica");
        let mut serving = facts(true);
        serving.binlog_dumps = vec!["172.18.0.3:41234".into()];
        let serving = of(&serving, None, 0.0);
        assert_eq!(serving.lines, ["binlog mysql-bin.000003:900", "replicas: 172.18.0.3"]);
        assert_eq!(serving.summary, "binlog at 900 · 1 replica");
    }

    #[test]
    fn a_replica_keeps_its_own_binary_log_in_view_and_names_no_absent_replicas() {
        let running = status(&[
            ("Slave_IO_Running", "Yes"),
            ("Slave_SQL_Running", "Yes"),
            ("Master_Log_File", "mysql-bin.000001"),
            ("Read_Master_Log_Pos", "700"),
            ("Relay_Master_Log_File", "mysql-bin.000001"),
            ("Exec_Master_Log_Pos", "700"),
        ]);
        let mut rejoined = facts(true);
        rejoined.replica = Some(running.clone());
        let h = of(&rejoined, None, 0.0);
        assert_eq!(h.lines[3], "own binlog mysql-bin.000003:900", "{:?}", h.lines);
        assert_eq!(h.narrow[3], "own binlog .000003:900");
        assert_eq!(h.narrow[1], "received .000001:700");
        assert!(!h.lines.iter().any(|l| l.contains("replica")), "{:?}", h.lines);
        rejoined.binlog_dumps = vec!["172.18.0.2:5000".into()];
        assert_eq!(of(&rejoined, None, 0.0).lines[4], "replicas: 172.18.0.2");
        let mut plain = facts(false);
        plain.replica = Some(running);
        assert_eq!(of(&plain, None, 0.0).lines.len(), 3, "no binary log, no line for it");
    }

    #[test]
    fn a_replica_that_never_read_from_its_source_says_so_rather_than_an_empty_file() {
        let never = status(&[
            ("Slave_IO_Running", "Connecting"),
            ("Slave_SQL_Running", "Yes"),
            ("Master_Log_File", ""),
            ("Read_Master_Log_Pos", "4"),
            ("Relay_Master_Log_File", ""),
            ("Exec_Master_Log_Pos", "4"),
        ]);
        let mut pointed = facts(true);
        pointed.replica = Some(never);
        let h = of(&pointed, Some(&facts(true)), 0.0);
        assert_eq!(h.lines[1..3], ["received nothing yet", "applied nothing yet"], "{:?}", h.lines);
        assert_eq!(h.narrow[1..3], ["received nothing yet", "applied nothing yet"], "{:?}", h.narrow);
    }

    #[test]
    fn a_lagging_replica_shows_received_ahead_of_applied_against_the_master() {
        let s = status(&[
            ("Slave_IO_Running", "Yes"),
            ("Slave_SQL_Running", "No"),
            ("Master_Log_File", "mysql-bin.000001"),
            ("Read_Master_Log_Pos", "5120"),
            ("Relay_Master_Log_File", "mysql-bin.000001"),
            ("Exec_Master_Log_Pos", "1199"),
        ]);
        let h = replica(&facts(false), &s, None, 0.0);
        assert_eq!(h.summary, "IO ✓ SQL ✗ 1199/5120 applied");
        assert_eq!(h.lines[1], "received mysql-bin.000001:5120");
        assert_eq!(h.lines[2], "applied  mysql-bin.000001:1199");
    }

    #[test]
    fn an_error_says_how_long_ago_it_happened() {
        let s = status(&[
            ("Slave_IO_Running", "Connecting"),
            ("Slave_SQL_Running", "Yes"),
            ("Last_IO_Error", "error reconnecting to master: Can't connect to server on 'master' (111)"),
            ("Last_IO_Error_Timestamp", "261201 20:10:03"),
        ]);
        let then = (days_from_civil(2026, 12, 1) * 86_400 + 20 * 3600 + 10 * 60 + 3) as f64;
        let h = replica(&facts(false), &s, None, then + 12.0);
        assert_eq!(h.lines[3], "error 12 s ago: error reconnecting to master: Can't connect to server on 'master' (111)");
        assert!(h.summary.starts_with("IO … SQL ✓ error reconnecting"), "{}", h.summary);
        // MariaDB prints no timestamp: the round that first saw the error dates it.
        let mut s = s;
        s.last_io_error_at.clear();
        s.error_seen_at = Some(then as u64 - 65);
        assert!(replica(&facts(false), &s, None, then).lines[3].starts_with("error 1 min ago: "));
    }

    #[test]
    fn the_unix_epoch_and_a_leap_day_are_where_they_belong() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2024, 3, 1) - days_from_civil(2024, 2, 28), 2);
        let y2k = (days_from_civil(2000, 1, 1) * 86_400) as f64;
        assert_eq!(seconds_since("000101 00:01:00", y2k + 90.0), Some(30));
        assert_eq!(seconds_since("", 90.0), None);
    }
}
