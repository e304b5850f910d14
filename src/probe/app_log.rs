//! Reads the facts of read routing from live servers: the application account's statements
//! in each server's general log, whether its rows are on each server, and the reader's
//! `read_only`. The judgement itself is `grade::read_routing`, a pure function.

use std::path::Path;
use std::time::SystemTime;

use anyhow::Context;
use mysql::Value;
use mysql::prelude::Queryable;

use crate::probe::general_log::{self, AppStatement, RoutingFacts, RowArrival};
use crate::probe::statement::{InsertedRow, Literal};

/// How many of the account's latest general-log rows are read from each server.
const LOG_ROWS: usize = 5000;

/// How many of the latest refused logins (any account) are read from each server.
const REFUSED_ROWS: usize = 10;

/// Gathers everything the read-routing judgement needs. `app_dir` dates the learner's last edit of the
/// application (its top-level files), so a run older than the edit can be called out.
pub fn observe(
    writer: &mut (impl Queryable + Send),
    reader: &mut (impl Queryable + Send),
    account: &str,
    app_dir: Option<&Path>,
) -> anyhow::Result<RoutingFacts> {
    // Each server on a thread of its own: a round waits for the slower one, not the sum.
    let (writer_seen, reader_seen) = both(|| read_log(writer, account), || read_log(reader, account));
    observe_read(writer, reader, writer_seen?, reader_seen?, app_dir)
}

/// [`observe`] on logs read already this round.
pub fn observe_read(
    writer: &mut (impl Queryable + Send),
    reader: &mut (impl Queryable + Send),
    writer_seen: ServerLog,
    reader_seen: ServerLog,
    app_dir: Option<&Path>,
) -> anyhow::Result<RoutingFacts> {
    let mut rows = Vec::new();
    if let Some(run) = general_log::last_run(&writer_seen.statements, &reader_seen.statements) {
        let written = general_log::rows_written(&writer_seen.statements, run.started);
        let (on_writer, on_reader) =
            both(|| rows_present(writer, &written), || rows_present(reader, &written));
        for ((row, on_writer), on_reader) in written.iter().zip(on_writer?).zip(on_reader?) {
            rows.push(RowArrival {
                table: format!("{}.{}", row.database.as_deref().unwrap_or_default(), row.table),
                on_writer,
                on_reader,
            });
        }
    }
    Ok(RoutingFacts {
        writer_log: writer_seen.statements,
        reader_log: reader_seen.statements,
        reader_read_only: reader_seen.read_only,
        rows,
        app_changed_at: app_dir.and_then(newest_change),
        writer_refused: writer_seen.refused,
        reader_refused: reader_seen.refused,
    })
}

/// The same facts for an application whose writer and reader are one server (after a
/// failover): its log is the writer's, and each row is looked for there.
pub fn observe_one(
    server: &mut impl Queryable,
    account: &str,
    app_dir: Option<&Path>,
) -> anyhow::Result<RoutingFacts> {
    let seen = read_log(server, account)?;
    observe_one_read(server, seen, app_dir)
}

/// [`observe_one`] on a log read already this round.
pub fn observe_one_read(
    server: &mut impl Queryable,
    seen: ServerLog,
    app_dir: Option<&Path>,
) -> anyhow::Result<RoutingFacts> {
    let mut rows = Vec::new();
    if let Some(run) = general_log::last_run(&seen.statements, &[]) {
        let written = general_log::rows_written(&seen.statements, run.started);
        for (row, present) in written.iter().zip(rows_present(server, &written)?) {
            rows.push(RowArrival {
                table: format!("{}.{}", row.database.as_deref().unwrap_or_default(), row.table),
                on_writer: present,
                on_reader: present,
            });
        }
    }
    Ok(RoutingFacts {
        writer_log: seen.statements,
        reader_log: Vec::new(),
        reader_read_only: seen.read_only,
        rows,
        app_changed_at: app_dir.and_then(newest_change),
        writer_refused: seen.refused,
        reader_refused: Vec::new(),
    })
}

/// Runs two reads at once, each on a thread of its own.
fn both<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    std::thread::scope(|scope| {
        let b = scope.spawn(b);
        let a = a();
        (a, b.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
}

/// What one server's general log shows of the application, and whether it is read-only.
#[derive(Debug, Clone)]
pub struct ServerLog {
    /// The account's latest statements, oldest first.
    statements: Vec<AppStatement>,
    /// The latest logins the server refused, whatever the account, oldest first.
    refused: Vec<AppStatement>,
    read_only: bool,
}

/// Reads one server's general log (`log_output=TABLE`) in two statements, as every round
/// does: its settings, then the account's rows and the refused logins together. The caller's
/// own session is kept out of the log (`sql_log_off`, as `probe::connect` opens it).
pub fn read_log(conn: &mut impl Queryable, account: &str) -> anyhow::Result<ServerLog> {
    let (logging, output, read_only): (u64, String, u64) = conn
        .query_first("SELECT @@GLOBAL.general_log, @@GLOBAL.log_output, @@GLOBAL.read_only")
        .context("cannot read the server's general log settings")?
        .context("the server did not say its general log settings")?;
    anyhow::ensure!(
        logging == 1 && output.split(',').any(|o| o == "TABLE"),
        "the server's general log is off (general_log={}, log_output={output}), so the \
         application's statements cannot be seen; restarting the server turns it back on",
        if logging == 1 { "ON" } else { "OFF" }
    );
    // user_host reads `app[app] @  [172.18.0.1]`: the account, then the login name; a login
    // (`Connect`, also a refused one) is logged before the account is known: `[app] @ …`.
    let account = like_escape(account);
    let (as_account, as_login) = (format!("{account}[%"), format!("[{account}]%"));
    let columns = "UNIX_TIMESTAMP(event_time) AS at, thread_id, command_type, argument FROM mysql.general_log";
    let rows: Vec<(u8, String, u64, String, Vec<u8>)> = conn
        .exec(
            format!(
                "(SELECT 0 AS kind, {columns} WHERE user_host LIKE ? OR user_host LIKE ? \
                  ORDER BY event_time DESC LIMIT {LOG_ROWS}) \
                 UNION ALL \
                 (SELECT 1 AS kind, {columns} \
                  WHERE command_type = 'Connect' AND argument LIKE 'Access denied for user%' \
                  ORDER BY event_time DESC LIMIT {REFUSED_ROWS}) \
                 ORDER BY kind, at"
            ),
            (as_account, as_login),
        )
        .context("cannot read mysql.general_log")?;
    let mut seen = ServerLog { statements: Vec::new(), refused: Vec::new(), read_only: read_only == 1 };
    for (kind, at, thread, command, text) in rows {
        let statement = AppStatement {
            at: at.parse().with_context(|| format!("general_log: odd event time `{at}`"))?,
            thread,
            command,
            text: String::from_utf8_lossy(&text).into_owned(),
        };
        match kind {
            0 => seen.statements.push(statement),
            _ => seen.refused.push(statement),
        }
    }
    Ok(seen)
}

/// Whether each of `rows` is on the server.
fn rows_present(conn: &mut impl Queryable, rows: &[InsertedRow]) -> anyhow::Result<Vec<bool>> {
    rows.iter().map(|row| row_present(conn, row)).collect()
}

/// Whether a row with these values is in its table. A table the server does not have
/// (replication never created it) holds no rows; a lost connection is an error.
fn row_present(conn: &mut impl Queryable, row: &InsertedRow) -> anyhow::Result<bool> {
    let database = row.database.as_deref().unwrap_or_default();
    let condition: Vec<String> =
        row.values.iter().map(|(column, _)| format!("{} <=> ?", ident(column))).collect();
    let sql = format!(
        "SELECT COUNT(*) FROM {}.{} WHERE {}",
        ident(database),
        ident(&row.table),
        condition.join(" AND ")
    );
    let params: Vec<Value> = row
        .values
        .iter()
        .map(|(_, v)| match v {
            Literal::Text(s) | Literal::Number(s) => Value::Bytes(s.clone().into_bytes()),
            Literal::Null => Value::NULL,
        })
        .collect();
    match conn.exec_first::<u64, _, _>(sql, params) {
        Ok(count) => Ok(count.unwrap_or(0) > 0),
        Err(mysql::Error::MySqlError(_)) => Ok(false),
        Err(e) => Err(e).context("cannot look for the application's rows"),
    }
}

/// When a top-level file of the folder last changed; hidden files (editor swap files) and
/// folders (`__pycache__`, written by every run) are left out.
fn newest_change(dir: &Path) -> Option<f64> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|e| e.metadata().ok())
        .filter(std::fs::Metadata::is_file)
        .filter_map(|m| m.modified().ok())
        .filter_map(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map(|d| d.as_secs_f64())
        .max_by(f64::total_cmp)
}

fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

fn ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}
