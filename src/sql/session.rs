//! A connection to one server that runs what a learner types, like the `mariadb` client.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use mysql::prelude::Queryable;
use mysql::{Conn, Opts, OptsBuilder, Value};

use crate::sql::outcome::{
    Column, DEFAULT_ROW_LIMIT, Done, Outcome, RowSet, Run, SqlError, StatementResult,
};
use crate::sql::split::{Statement, split};
use crate::dialect::forms;
use crate::dialect::engine::Engine;
use crate::lab::endpoint::Endpoint;

/// How a session connects and how much it keeps.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    pub connect_timeout: Duration,
    /// How long one read may wait: a statement running longer than this loses its connection.
    pub read_timeout: Duration,
    pub write_timeout: Duration,
    /// Rows kept from one result; the rest are counted.
    pub row_limit: usize,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(600),
            write_timeout: Duration::from_secs(30),
            row_limit: DEFAULT_ROW_LIMIT,
        }
    }
}

/// State shared with the session's cancellers.
#[derive(Debug)]
struct Shared {
    opts: Opts,
    connection_id: AtomicU32,
    /// An input is being run.
    running: AtomicBool,
    /// The input being run was cancelled: run no more of its statements.
    cancelled: AtomicBool,
}

/// An open connection running statements one at a time; it reconnects by itself when the
/// server went away (a restart after a config edit) and keeps the current database.
#[derive(Debug)]
pub struct Session {
    conn: Option<Conn>,
    shared: Arc<Shared>,
    row_limit: usize,
    /// The database chosen with USE, chosen again after a reconnect.
    database: Option<String>,
    /// The engine that answers and its version, read at each connect.
    server: Option<(Engine, String)>,
}

impl Session {
    /// Connects with the default options.
    pub fn connect(endpoint: &Endpoint) -> Result<Self, SqlError> {
        Session::connect_with(endpoint, &SessionOptions::default())
    }

    pub fn connect_with(endpoint: &Endpoint, options: &SessionOptions) -> Result<Self, SqlError> {
        let opts: Opts = OptsBuilder::new()
            .ip_or_hostname(Some(endpoint.host.clone()))
            .tcp_port(endpoint.port)
            .user(Some(endpoint.user.clone()))
            .pass(Some(endpoint.password.expose().to_owned()))
            // The server reports its socket path inside the container; never switch to it.
            .prefer_socket(false)
            .tcp_connect_timeout(Some(options.connect_timeout))
            .read_timeout(Some(options.read_timeout))
            .write_timeout(Some(options.write_timeout))
            .into();
        let mut conn = open(&opts)?;
        let server = server_of(&mut conn);
        let shared = Shared {
            opts,
            connection_id: AtomicU32::new(conn.connection_id()),
            running: AtomicBool::new(false),
            cancelled: AtomicBool::new(false),
        };
        Ok(Session {
            conn: Some(conn),
            shared: Arc::new(shared),
            row_limit: options.row_limit,
            database: None,
            server,
        })
    }

    /// The engine this session talks to, once known (the console shows the lesson's
    /// statements in its words).
    pub fn engine(&self) -> Option<Engine> {
        self.server.as_ref().map(|(engine, _)| *engine)
    }

    /// The server's id for this connection (what `KILL` takes).
    pub fn connection_id(&self) -> u32 {
        self.shared.connection_id.load(Ordering::SeqCst)
    }

    /// A handle that cancels the statement running in this session, from any thread.
    pub fn canceller(&self) -> Canceller {
        Canceller { shared: Arc::clone(&self.shared) }
    }

    /// Runs every statement in `input` (see `split`); a statement without a terminator at the
    /// end runs too. Stops at the first error or a cancel: the rest are returned as skipped.
    pub fn run(&mut self, input: &str) -> Run {
        self.shared.cancelled.store(false, Ordering::SeqCst);
        self.shared.running.store(true, Ordering::SeqCst);
        let mut run = self.run_statements(input);
        self.shared.running.store(false, Ordering::SeqCst);
        run.cancelled = self.shared.cancelled.load(Ordering::SeqCst);
        run
    }

    fn run_statements(&mut self, input: &str) -> Run {
        let mut statements = split(input).into_statements().into_iter();
        let mut run = Run::default();
        let Some(first) = statements.next() else { return run };
        match self.ensure_connected() {
            Ok(reconnected) => run.reconnected = reconnected,
            Err(error) => {
                run.outcomes.push(Outcome {
                    statement: first,
                    elapsed: Duration::ZERO,
                    result: StatementResult::Failed(error),
                });
                run.skipped.extend(statements);
                return run;
            }
        }
        for statement in std::iter::once(first).chain(statements.by_ref()) {
            if self.shared.cancelled.load(Ordering::SeqCst) {
                run.skipped.push(statement);
                break;
            }
            let outcomes = self.execute(&statement);
            let failed = outcomes.iter().any(|o| matches!(o.result, StatementResult::Failed(_)));
            run.outcomes.extend(outcomes);
            if failed {
                break;
            }
        }
        run.skipped.extend(statements);
        run
    }

    /// Checks the connection and opens a new one when it was lost; true when it did.
    fn ensure_connected(&mut self) -> Result<bool, SqlError> {
        if let Some(conn) = self.conn.as_mut()
            && conn.ping().is_ok()
        {
            return Ok(false);
        }
        self.conn = None;
        let mut conn = open(&self.shared.opts)?;
        if let Some(db) = &self.database
            && conn.select_db(db).is_err()
        {
            self.database = None;
        }
        self.shared.connection_id.store(conn.connection_id(), Ordering::SeqCst);
        self.server = server_of(&mut conn).or(self.server.take());
        self.conn = Some(conn);
        Ok(true)
    }

    /// Runs one statement; a procedure call may give several results.
    fn execute(&mut self, statement: &Statement) -> Vec<Outcome> {
        let Some(conn) = self.conn.as_mut() else {
            let error = SqlError::client(SqlError::LOST_CONNECTION, "Lost connection to server");
            return vec![Outcome {
                statement: statement.clone(),
                elapsed: Duration::ZERO,
                result: StatementResult::Failed(error),
            }];
        };
        let (mut outcomes, lost) = read_results(conn, statement, self.row_limit);
        if let Some((engine, version)) = &self.server {
            for outcome in &mut outcomes {
                explain_refused(outcome, *engine, version);
            }
        }
        if lost {
            self.conn = None;
        } else if is_use(&statement.text) {
            self.database =
                conn.query_first::<Option<String>, _>("SELECT DATABASE()").ok().flatten().flatten();
        }
        outcomes
    }
}

/// Sends a statement and reads every result it gives, streaming rows so that only the first
/// `row_limit` of each are kept. Also tells whether the connection broke.
fn read_results(conn: &mut Conn, statement: &Statement, row_limit: usize) -> (Vec<Outcome>, bool) {
    let mut outcomes = Vec::new();
    let mut lost = false;
    let mut started = Instant::now();
    let mut finish = |result: StatementResult, started: &mut Instant| {
        outcomes.push(Outcome { statement: statement.clone(), elapsed: started.elapsed(), result });
        *started = Instant::now();
    };
    match conn.query_iter(&statement.text) {
        Err(error) => {
            lost = is_connection_lost(&error);
            finish(StatementResult::Failed(sql_error(error)), &mut started);
        }
        Ok(mut results) => {
            while let Some(mut set) = results.iter() {
                let columns = set.columns();
                if columns.as_ref().is_empty() {
                    let done = Done {
                        affected_rows: set.affected_rows(),
                        last_insert_id: set.last_insert_id(),
                        warnings: set.warnings(),
                        info: set.info_str().into_owned(),
                    };
                    // An empty set may still carry the error of a later result.
                    match set.next() {
                        Some(Err(error)) => {
                            lost |= is_connection_lost(&error);
                            finish(StatementResult::Failed(sql_error(error)), &mut started);
                        }
                        _ => finish(StatementResult::Done(done), &mut started),
                    }
                    continue;
                }
                let columns = columns
                    .as_ref()
                    .iter()
                    .map(|c| Column {
                        name: c.name_str().into_owned(),
                        numeric: c.column_type().is_numeric_type(),
                    })
                    .collect();
                let mut rows = RowSet::new(columns, row_limit);
                let mut failure = None;
                for row in set.by_ref() {
                    match row {
                        Ok(row) => rows.push(row.unwrap().into_iter().map(display).collect()),
                        Err(error) => {
                            failure = Some(error);
                            break;
                        }
                    }
                }
                match failure {
                    Some(error) => {
                        lost |= is_connection_lost(&error);
                        finish(StatementResult::Failed(sql_error(error)), &mut started);
                    }
                    None => finish(StatementResult::Rows(rows), &mut started),
                }
                if lost {
                    break;
                }
            }
        }
    }
    // The count of warnings arrives after the last row, once the result is read.
    if !lost && let Some(Outcome { result: StatementResult::Rows(rows), .. }) = outcomes.last_mut()
    {
        rows.warnings = conn.warnings();
    }
    // The warnings themselves, as the `mariadb` client prints them with `\W`: a statement
    // that succeeded may still say something the learner needs (Note 4190 on CHANGE MASTER).
    if !lost
        && let Some(Outcome { result: StatementResult::Done(done), .. }) = outcomes.last_mut()
        && done.warnings > 0
    {
        let shown: Vec<String> = conn
            .query_map("SHOW WARNINGS", |(level, code, message): (String, u32, String)| {
                format!("{level} (Code {code}): {message}")
            })
            .unwrap_or_default();
        let info = std::iter::once(done.info.clone()).filter(|i| !i.is_empty()).chain(shown);
        done.info = info.collect::<Vec<_>>().join("\n");
    }
    (outcomes, lost)
}

/// The server's engine and version; `None` if it would not say.
fn server_of(conn: &mut Conn) -> Option<(Engine, String)> {
    crate::dialect::engine::server_version(conn).ok().filter(|(_, v)| !v.is_empty())
}

/// The server's syntax error (1064) on a replication statement written in the other
/// engine's words gets the words this server takes: MySQL 8.4 removed `START SLAVE` and its
/// kin, and a learner following a classic tutorial meets exactly this.
fn explain_refused(outcome: &mut Outcome, engine: Engine, version: &str) {
    const PARSE_ERROR: u16 = 1064;
    let StatementResult::Failed(error) = &mut outcome.result else { return };
    if error.code != PARSE_ERROR {
        return;
    }
    let refused = forms::refused(&outcome.statement.text, engine, version);
    if refused.is_empty() {
        return;
    }
    let words: Vec<String> = refused.iter().map(ToString::to_string).collect();
    error.message.push_str(&format!(
        " ({engine} {} does not take {})",
        version.split('-').next().unwrap_or(version),
        words.join(", ")
    ));
}

/// Whether a statement chooses the current database (`USE shop`).
fn is_use(text: &str) -> bool {
    let mut words = text.split_whitespace();
    words.next().is_some_and(|w| w.eq_ignore_ascii_case("use"))
}

/// A value as the client shows it; text that is not UTF-8 shows as hex, like `--binary-as-hex`.
fn display(value: Value) -> Option<String> {
    match value {
        Value::NULL => None,
        Value::Bytes(bytes) => Some(String::from_utf8(bytes).unwrap_or_else(|e| {
            let hex: String = e.as_bytes().iter().map(|b| format!("{b:02X}")).collect();
            format!("0x{hex}")
        })),
        other => Some(other.as_sql(true)),
    }
}

fn open(opts: &Opts) -> Result<Conn, SqlError> {
    Conn::new(opts.clone()).map_err(|error| match error {
        mysql::Error::MySqlError(_) => sql_error(error),
        other => SqlError::client(
            SqlError::CANNOT_CONNECT,
            format!(
                "Can't connect to server on '{}:{}' ({})",
                opts.get_ip_or_hostname(),
                opts.get_tcp_port(),
                describe(&other)
            ),
        ),
    })
}

/// The connection can no longer be used after this error.
fn is_connection_lost(error: &mysql::Error) -> bool {
    !matches!(
        error,
        mysql::Error::MySqlError(_)
            | mysql::Error::FromValueError(_)
            | mysql::Error::FromRowError(_)
    )
}

/// The driver's words for an error, without its type name around them.
fn describe(error: &mysql::Error) -> String {
    match error {
        mysql::Error::IoError(e) => e.to_string(),
        mysql::Error::CodecError(e) => e.to_string(),
        mysql::Error::DriverError(e) => e.to_string(),
        other => other.to_string(),
    }
}

fn sql_error(error: mysql::Error) -> SqlError {
    match error {
        mysql::Error::MySqlError(e) => {
            SqlError { code: e.code, state: e.state, message: e.message }
        }
        other if is_connection_lost(&other) => SqlError::client(
            SqlError::LOST_CONNECTION,
            format!("Lost connection to server during query ({})", describe(&other)),
        ),
        other => SqlError::client(SqlError::CLIENT_ERROR, describe(&other)),
    }
}

/// Cancels what a session is running, from another thread, the way `mariadb`'s Ctrl-C does:
/// a second connection sends `KILL QUERY`, and the statement ends with error 1317.
#[derive(Debug, Clone)]
pub struct Canceller {
    shared: Arc<Shared>,
}

impl Canceller {
    /// Cancels the running statement and the statements after it in the same input;
    /// `Ok(false)` when nothing was running.
    pub fn cancel(&self) -> Result<bool, SqlError> {
        if !self.shared.running.load(Ordering::SeqCst) {
            return Ok(false);
        }
        self.shared.cancelled.store(true, Ordering::SeqCst);
        let id = self.shared.connection_id.load(Ordering::SeqCst);
        let mut conn = open(&self.shared.opts)?;
        conn.query_drop(format!("KILL QUERY {id}")).map_err(sql_error)?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_can_run_on_a_worker_while_another_thread_cancels() {
        fn send<T: Send>() {}
        fn send_sync<T: Send + Sync>() {}
        send::<Session>();
        send_sync::<Canceller>();
    }

    #[test]
    fn use_statements_are_recognised() {
        assert!(is_use("USE shop"));
        assert!(is_use("use\n`my db`"));
        assert!(!is_use("SELECT 'use'"));
        assert!(!is_use("user"));
    }

    #[test]
    fn values_show_as_the_client_shows_them() {
        assert_eq!(display(Value::NULL), None);
        assert_eq!(display(Value::Bytes(b"abc".to_vec())), Some("abc".to_owned()));
        assert_eq!(display(Value::Bytes(vec![0xff, 0x00])), Some("0xFF00".to_owned()));
    }

    #[test]
    fn a_syntax_error_on_a_classic_statement_names_the_words_mysql_takes() {
        let failed = |text: &str, code: u16| Outcome {
            statement: Statement { text: text.to_owned(), vertical: false },
            elapsed: Duration::ZERO,
            result: StatementResult::Failed(SqlError {
                code,
                state: "42000".to_owned(),
                message: "You have an error in your SQL syntax".to_owned(),
            }),
        };
        let message = |o: &Outcome| match &o.result {
            StatementResult::Failed(e) => e.message.clone(),
            _ => String::new(),
        };
        let mut start = failed("START SLAVE", 1064);
        explain_refused(&mut start, Engine::MySql, "8.4.6");
        assert_eq!(
            message(&start),
            "You have an error in your SQL syntax (MySQL 8.4.6 does not take START SLAVE (write START REPLICA))"
        );
        // Other errors, other statements and engines that take the words are left alone.
        for (mut outcome, engine, version) in [
            (failed("START SLAVE", 1200), Engine::MySql, "8.4.6"),
            (failed("SELEKT 1", 1064), Engine::MySql, "8.4.6"),
            (failed("START SLAVE", 1064), Engine::MariaDb, "11.8.3-MariaDB"),
        ] {
            explain_refused(&mut outcome, engine, version);
            assert_eq!(message(&outcome), "You have an error in your SQL syntax");
        }
    }
}
