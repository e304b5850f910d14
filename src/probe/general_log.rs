//! The application's account as a server's general log shows it: its statements as plain
//! data, its last run, and the rows that run inserted. Read by `app_log`, judged by
//! `grade::read_routing`.

use std::collections::BTreeMap;

use crate::probe::statement::{self, InsertedRow, Kind, classify, inserted_rows};

/// A pause this long (seconds) in the account's activity separates two runs. A run of the
/// shipped app lasts 0.1 s, measured here; a learner edits and reruns in more than this.
pub const RUN_PAUSE: f64 = 2.0;

/// How many of a run's inserted rows are followed to the reader (the latest ones).
pub const MAX_ROWS_FOLLOWED: usize = 20;

/// One row of a server's general log sent by the application's account.
#[derive(Debug, Clone, PartialEq)]
pub struct AppStatement {
    /// When the server received it, in seconds since the Unix epoch.
    pub at: f64,
    /// The server's connection id.
    pub thread: u64,
    /// The protocol command: `Query`, `Execute`, `Connect`, `Quit`, `Init DB`, …
    pub command: String,
    /// The statement (for `Connect`: `app@172.18.0.1 on shop using TCP/IP`).
    pub text: String,
}

/// Whether one row the application inserted is on each server.
#[derive(Debug, Clone, PartialEq)]
pub struct RowArrival {
    /// `database.table`.
    pub table: String,
    /// Still on the writer: a row the same run deleted again is not followed.
    pub on_writer: bool,
    pub on_reader: bool,
}

/// Everything the routing judgement needs, read from the servers and the workspace.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RoutingFacts {
    /// The account's general-log rows on the writer, oldest first.
    pub writer_log: Vec<AppStatement>,
    /// The account's general-log rows on the reader, oldest first.
    pub reader_log: Vec<AppStatement>,
    /// The reader refuses writes from ordinary accounts (`read_only`), so a write sent
    /// there was rejected rather than applied.
    pub reader_read_only: bool,
    /// The rows the last run inserted on the writer (`rows_written`), followed to the reader.
    pub rows: Vec<RowArrival>,
    /// When the application's files last changed, in seconds since the Unix epoch.
    pub app_changed_at: Option<f64>,
    /// The latest logins the writer refused, whatever the account (an application given
    /// another account's name is refused under that name), oldest first.
    pub writer_refused: Vec<AppStatement>,
    /// The same on the reader.
    pub reader_refused: Vec<AppStatement>,
}

/// The statements of the application's last run on each server.
#[derive(Debug, Clone, PartialEq)]
pub struct LastRun<'a> {
    /// Time of its first and last statement, in seconds since the Unix epoch.
    pub started: f64,
    pub ended: f64,
    pub on_writer: Vec<&'a AppStatement>,
    pub on_reader: Vec<&'a AppStatement>,
}

/// Finds the last run: the activity on both servers since the last pause of `RUN_PAUSE`.
/// `Quit` rows do not count as activity: a pooled connection may close long after its run.
pub fn last_run<'a>(
    writer_log: &'a [AppStatement],
    reader_log: &'a [AppStatement],
) -> Option<LastRun<'a>> {
    let mut times: Vec<f64> =
        writer_log.iter().chain(reader_log).filter(|s| s.command != "Quit").map(|s| s.at).collect();
    times.sort_by(f64::total_cmp);
    let ended = *times.last()?;
    let mut started = ended;
    for t in times.iter().rev() {
        if started - t >= RUN_PAUSE {
            break;
        }
        started = *t;
    }
    let pick = |log: &'a [AppStatement]| log.iter().filter(|s| s.at >= started).collect();
    Some(LastRun { started, ended, on_writer: pick(writer_log), on_reader: pick(reader_log) })
}

/// The rows inserted on the writer since `since`, each with its database: the one named in
/// the statement, or else the connection's current one (from its login, `Init DB` or `USE`).
/// Rows with no plain value to find them by are left out; the latest `MAX_ROWS_FOLLOWED` kept.
pub fn rows_written(writer_log: &[AppStatement], since: f64) -> Vec<InsertedRow> {
    let mut current_db: BTreeMap<u64, String> = BTreeMap::new();
    let mut rows = Vec::new();
    for s in writer_log {
        let switched = match s.command.as_str() {
            "Connect" => connect_database(&s.text),
            "Init DB" => Some(s.text.trim().to_owned()),
            "Query" => statement::used_database(&s.text),
            _ => None,
        };
        if let Some(db) = switched.filter(|db| !db.is_empty()) {
            current_db.insert(s.thread, db);
        }
        if s.at < since || classify(&s.command, &s.text) != Kind::Write {
            continue;
        }
        for mut row in inserted_rows(&s.text) {
            if row.database.is_none() {
                row.database = current_db.get(&s.thread).cloned();
            }
            if row.database.is_some() && !row.values.is_empty() {
                rows.push(row);
            }
        }
    }
    let skip = rows.len().saturating_sub(MAX_ROWS_FOLLOWED);
    rows.split_off(skip)
}

/// The database of a login line: `app@172.18.0.1 on shop using TCP/IP`.
fn connect_database(text: &str) -> Option<String> {
    let (_, rest) = text.split_once(" on ")?;
    let db = rest.split(" using ").next()?.trim();
    Some(db.to_owned())
}

