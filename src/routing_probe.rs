//! Reads the facts of read routing from live servers: the application account's statements
//! in each server's general log, whether its rows are on each server, and the reader's
//! `read_only`. The judgement itself is `routing::judge`, a pure function.

use std::path::Path;
use std::time::SystemTime;

use anyhow::Context;
use mysql::Value;
use mysql::prelude::Queryable;

use crate::routing::{self, AppStatement, InsertedRow, Literal, RoutingFacts, RowArrival};

/// How many of the account's latest general-log rows are read from each server.
const LOG_ROWS: usize = 5000;

/// Gathers everything `routing::judge` needs. `app_dir` dates the learner's last edit of the
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
    if let Some(run) = routing::last_run(&writer_log, &reader_log) {
        for row in routing::rows_written(&writer_log, run.started) {
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

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    use super::*;
    use crate::app_run::{self, AppEvent};
    use crate::content::{Content, Day};
    use crate::routing::{RUN_PAUSE, RoutingVerdict, judge};
    use crate::spec::FileSpec;
    use crate::test_pair::TestPair;
    use crate::workspace::Workspace;

    /// The learner's workspace with the app, its settings filled with the pair's ports.
    struct Learner {
        day: Day,
        workspace: Workspace,
        pair: TestPair,
        _home: tempfile::TempDir,
    }

    impl Learner {
        fn ports(&self) -> impl Fn(&str) -> Option<String> + '_ {
            |name| match name {
                "master.port" => Some(self.pair.master_port.to_string()),
                "slave.port" => Some(self.pair.slave_port.to_string()),
                _ => None,
            }
        }

        fn app_dir(&self) -> PathBuf {
            self.workspace.app_dir(&self.day).expect("day 20 has an app")
        }

        /// Writes a lab file over the app's settings, as the learner's editor would.
        fn settings_from(&self, from: &str) -> String {
            let file = FileSpec { from: from.into(), to: "app/settings.py".into(), template: true };
            let text =
                self.workspace.starting_text(&self.day, &file, &self.ports()).expect("fills");
            std::fs::write(self.app_dir().join("settings.py"), &text).expect("writes settings");
            text
        }

        /// Runs the app as key `a` does, after a pause that makes this a run of its own.
        fn run_app(&self) -> (Option<i32>, String) {
            std::thread::sleep(Duration::from_secs_f64(RUN_PAUSE + 0.2));
            let app = self.day.spec.app.as_ref().expect("day 20 has an app");
            let (tx, rx) = mpsc::channel();
            app_run::start(&self.app_dir(), app, move |e| {
                let _ = tx.send(e);
            })
            .expect("the app starts");
            let mut output = String::new();
            loop {
                match rx.recv_timeout(Duration::from_secs(60)).expect("the app ends in time") {
                    AppEvent::Line { text, .. } => output.push_str(&format!("{text}\n")),
                    AppEvent::Exited { code } => return (code, output),
                }
            }
        }

        fn verdict(&self) -> RoutingVerdict {
            let (mut master, mut slave) =
                (self.pair.master().expect("master"), self.pair.slave().expect("slave"));
            let facts =
                observe(&mut master, &mut slave, "app", Some(&self.app_dir())).expect("observes");
            let now = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .expect("clock")
                .as_secs_f64();
            judge(&facts, "master", "slave", now)
        }

        /// The verdict once it settles on `done` (replication takes a moment), or the last one.
        fn verdict_within(&self, wait: Duration) -> RoutingVerdict {
            let deadline = Instant::now() + wait;
            loop {
                let verdict = self.verdict();
                if matches!(verdict, RoutingVerdict::Done(_)) || Instant::now() > deadline {
                    return verdict;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    }

    fn first_finding(verdict: &RoutingVerdict) -> (&'static str, &str) {
        match verdict {
            RoutingVerdict::Failing(f) => (f[0].hint, f[0].reason.as_str()),
            other => panic!("expected failing, got {other:?}"),
        }
    }

    fn python_packages() {
        let import = |python: &mut std::process::Command| {
            python.args(["-c", "import sqlalchemy, pymysql"]).status().is_ok_and(|s| s.success())
        };
        if !import(&mut std::process::Command::new("python3")) {
            let requirements =
                concat!(env!("CARGO_MANIFEST_DIR"), "/labs/day20/app/requirements.txt");
            let status = std::process::Command::new("python3")
                .args(["-m", "pip", "install", "--quiet", "-r", requirements])
                .status()
                .expect("python3 runs");
            assert!(status.success(), "pip install -r {requirements} failed");
        }
    }

    #[test]
    fn read_routing_is_judged_by_where_the_app_s_statements_went() {
        let Some(pair) = TestPair::start("routing") else { return };
        python_packages();
        let home = tempfile::tempdir().expect("temp dir");
        let day = Content::Embedded.day("day20").expect("day 20 loads");
        let workspace = Workspace { root: home.path().join("day20") };
        let learner = Learner { day, workspace, pair, _home: home };
        learner.workspace.install_filled(&learner.day, false, &learner.ports()).expect("installs");
        let settings =
            std::fs::read_to_string(learner.app_dir().join("settings.py")).expect("settings");
        let master_url = format!("@127.0.0.1:{}/shop", learner.pair.master_port);
        assert_eq!(settings.matches(&master_url).count(), 2, "{settings}");

        // A fresh lab: the app has not run.
        assert!(matches!(learner.verdict(), RoutingVerdict::NotRun(_)), "{:?}", learner.verdict());

        // Root's own queries are not the app's.
        let mut root = learner.pair.master().expect("master");
        root.query_drop("SELECT * FROM shop.customers").expect("root reads");
        assert!(matches!(learner.verdict(), RoutingVerdict::NotRun(_)));

        // The app as shipped: everything on the master.
        let (code, output) = learner.run_app();
        assert_eq!(code, Some(0), "{output}");
        assert!(output.contains("Adding 3 customers through the writer"), "{output}");
        let verdict = learner.verdict();
        let (hint, reason) = first_finding(&verdict);
        assert_eq!(hint, "routing-reads-on-writer", "{verdict:?}");
        assert!(
            reason.starts_with("3 SELECTs went to the master in the app's last run"),
            "{reason}"
        );

        // The learner's change: READER_URL on the slave's port.
        let solution = learner.settings_from("solution/app/settings.py");
        assert!(solution.contains(&format!("@127.0.0.1:{}/shop", learner.pair.slave_port)));
        let (code, output) = learner.run_app();
        assert_eq!(code, Some(0), "{output}");
        let verdict = learner.verdict_within(Duration::from_secs(10));
        let RoutingVerdict::Done(summary) = &verdict else { panic!("{verdict:?}") };
        assert!(
            summary.ends_with(
                "3 INSERTs on the master, 3 SELECTs on the slave, and its 3 rows reached the slave"
            ),
            "{summary}"
        );

        // A write sent to the slave: read_only refuses it, and the app says so.
        let wrong =
            solution.replace(&master_url, &format!("@127.0.0.1:{}/shop", learner.pair.slave_port));
        std::fs::write(learner.app_dir().join("settings.py"), wrong).expect("writes settings");
        let (code, output) = learner.run_app();
        assert_eq!(code, Some(1), "{output}");
        assert!(output.contains("Error 1290"), "{output}");
        let verdict = learner.verdict();
        let (hint, reason) = first_finding(&verdict);
        assert_eq!(hint, "routing-writes-on-reader", "{verdict:?}");
        assert!(reason.starts_with("1 INSERT went to the slave (rejected: read_only)"), "{reason}");

        // Replication stopped: right routing, but the rows stay on the master.
        learner.settings_from("solution/app/settings.py");
        learner.pair.stop_replication().expect("stops replication");
        let (code, output) = learner.run_app();
        assert_eq!(code, Some(0), "{output}");
        let verdict = learner.verdict();
        let (hint, reason) = first_finding(&verdict);
        assert_eq!(hint, "routing-rows-missing", "{verdict:?}");
        assert!(reason.starts_with("the 3 rows the app wrote on the master"), "{reason}");
        // …and once replication runs again, they arrive and the same run passes.
        learner.pair.start_replication().expect("starts replication");
        let verdict = learner.verdict_within(Duration::from_secs(10));
        assert!(matches!(verdict, RoutingVerdict::Done(_)), "{verdict:?}");
    }
}
