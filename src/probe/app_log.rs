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

/// Gathers everything the read-routing judgement needs. `app_dir` dates the learner's last edit of the
/// application (its top-level files), so a run older than the edit can be called out.
pub fn observe(
    writer: &mut impl Queryable,
    reader: &mut impl Queryable,
    account: &str,
    app_dir: Option<&Path>,
) -> anyhow::Result<RoutingFacts> {
    let writer_log = read_app_activity(writer, account)?;
    let reader_log = read_app_activity(reader, account)?;
    let mut rows = Vec::new();
    if let Some(run) = general_log::last_run(&writer_log, &reader_log) {
        for row in general_log::rows_written(&writer_log, run.started) {
            rows.push(RowArrival {
                table: format!("{}.{}", row.database.as_deref().unwrap_or_default(), row.table),
                on_writer: row_present(writer, &row)?,
                on_reader: row_present(reader, &row)?,
            });
        }
    }
    let reader_read_only = global_variable(reader, "read_only")?.as_deref() == Some("ON");
    let app_changed_at = app_dir.and_then(newest_change);
    Ok(RoutingFacts { writer_log, reader_log, reader_read_only, rows, app_changed_at })
}

/// The same facts for an application whose writer and reader are one server (after a
/// failover): its log is the writer's, and each row is looked for there.
pub fn observe_one(
    server: &mut impl Queryable,
    account: &str,
    app_dir: Option<&Path>,
) -> anyhow::Result<RoutingFacts> {
    let writer_log = read_app_activity(server, account)?;
    let mut rows = Vec::new();
    if let Some(run) = general_log::last_run(&writer_log, &[]) {
        for row in general_log::rows_written(&writer_log, run.started) {
            let present = row_present(server, &row)?;
            rows.push(RowArrival {
                table: format!("{}.{}", row.database.as_deref().unwrap_or_default(), row.table),
                on_writer: present,
                on_reader: present,
            });
        }
    }
    let read_only = global_variable(server, "read_only")?.as_deref() == Some("ON");
    let app_changed_at = app_dir.and_then(newest_change);
    Ok(RoutingFacts { writer_log, reader_log: Vec::new(), reader_read_only: read_only, rows, app_changed_at })
}

/// The account's latest statements in the server's general log (`log_output=TABLE`),
/// oldest first. The probe's own session is kept out of the log (`sql_log_off`).
pub fn read_app_activity(
    conn: &mut impl Queryable,
    account: &str,
) -> anyhow::Result<Vec<AppStatement>> {
    conn.query_drop("SET SESSION sql_log_off = 1")
        .context("cannot keep the probe out of the general log (SET sql_log_off needs SUPER)")?;
    let logging = global_variable(conn, "general_log")?;
    let output = global_variable(conn, "log_output")?.unwrap_or_default();
    anyhow::ensure!(
        logging.as_deref() == Some("ON") && output.split(',').any(|o| o == "TABLE"),
        "the server's general log is off (general_log={}, log_output={output}), so the \
         application's statements cannot be seen; restarting the server turns it back on",
        logging.unwrap_or_default()
    );
    // user_host reads `app[app] @  [172.18.0.1]`: the account, then the login name; a login
    // (`Connect`, also a refused one) is logged before the account is known: `[app] @ …`.
    let account = like_escape(account);
    let (as_account, as_login) = (format!("{account}[%"), format!("[{account}]%"));
    let rows: Vec<(String, u64, String, Vec<u8>)> = conn
        .exec(
            format!(
                "SELECT UNIX_TIMESTAMP(event_time), thread_id, command_type, argument \
                 FROM mysql.general_log WHERE user_host LIKE ? OR user_host LIKE ? \
                 ORDER BY event_time DESC LIMIT {LOG_ROWS}"
            ),
            (as_account, as_login),
        )
        .context("cannot read mysql.general_log")?;
    let mut statements = Vec::with_capacity(rows.len());
    for (at, thread, command, text) in rows.into_iter().rev() {
        statements.push(AppStatement {
            at: at.parse().with_context(|| format!("general_log: odd event time `{at}`"))?,
            thread,
            command,
            text: String::from_utf8_lossy(&text).into_owned(),
        });
    }
    Ok(statements)
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

/// A global variable's value as `SHOW GLOBAL VARIABLES` prints it (`ON`, `TABLE`).
fn global_variable(conn: &mut impl Queryable, name: &str) -> anyhow::Result<Option<String>> {
    // SHOW takes no placeholders; the names are the probe's own.
    let row: Option<(String, String)> = conn
        .query_first(format!("SHOW GLOBAL VARIABLES LIKE '{}'", like_escape(name)))
        .with_context(|| format!("cannot read the server variable {name}"))?;
    Ok(row.map(|(_, value)| value))
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
