//! A failed run of the application, told from how it ended: its exit status and its last
//! error lines (`learner::app_run::RunRecord`), plus the logins the servers refused meanwhile.
//!
//! [`classify`] is the one place that knows what the application prints when it crashes;
//! [`last_run`] puts a failed run before what the servers' logs say of an earlier one.

use crate::grade::diagnosis::Diagnosis;
use crate::grade::read_routing::judge::{RoutingVerdict, ago};
use crate::grade::{Ctx, Note};
use crate::learner::app_run::RunRecord;
use crate::learner::fill;
use crate::probe::general_log::{self, AppStatement, RoutingFacts};

/// Seconds between the course's clock and the servers' log that still count as one moment.
const SLACK: f64 = 1.0;

/// What stopped the application, read from its last error lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Crash {
    /// A URL without `+pymysql`: SQLAlchemy loads its default MySQL driver, not installed.
    DriverMissing { module: String },
    /// A SQLAlchemy 1 call: `engine.execute(…)`, or a statement not wrapped in `text()`.
    Sqlalchemy1Call { line: String },
    /// A host name that does not resolve on the learner's machine (a lab network name).
    UnknownHost { host: String },
    /// Nothing listens where a URL points: a port that is not, or no longer, a server's.
    ConnectionRefused { host: String },
    /// A server refused the login of `user`.
    LoginRefused { user: String, message: String },
    /// A database the server lacks, or that the account may not use.
    UnknownDatabase { database: String },
    /// Anything else: its last error line.
    Other { line: String },
}

/// Reads a run's last error lines, the last one that names a cause first.
pub fn classify(stderr: &[String]) -> Crash {
    stderr
        .iter()
        .rev()
        .find_map(|line| known(line))
        .unwrap_or_else(|| Crash::Other {
            line: error_line(stderr)
                .unwrap_or("(it printed no error)")
                .to_owned(),
        })
}

/// The crash one line names, when it names one.
fn known(line: &str) -> Option<Crash> {
    if let Some(module) = quoted_after(line, "No module named ")
        && matches!(module.as_str(), "MySQLdb" | "mysql" | "mysqldb" | "_mysql")
    {
        return Some(Crash::DriverMissing { module });
    }
    if line.contains("object has no attribute 'execute'")
        || line.contains("ObjectNotExecutableError")
        || line.contains("Not an executable object")
    {
        return Some(Crash::Sqlalchemy1Call {
            line: line.trim().to_owned(),
        });
    }
    if let Some(host) = quoted_after(line, "Can't connect to MySQL server on ") {
        // PyMySQL: `([Errno -2] Name or service not known)`, `-3 Temporary failure in name
        // resolution`, macOS `[Errno 8] nodename nor servname provided, or not known`.
        let unresolved = [
            "Name or service not known",
            "name resolution",
            "nodename nor servname",
            "No address associated",
        ];
        if unresolved.iter().any(|w| line.contains(w)) {
            return Some(Crash::UnknownHost { host });
        }
        if line.contains("Connection refused")
            || line.contains("Errno 111")
            || line.contains("Errno 61")
        {
            return Some(Crash::ConnectionRefused { host });
        }
    }
    if let Some(database) = quoted_after(line, "Unknown database ").or_else(|| {
        line.contains("Access denied for user")
            .then(|| quoted_after(line, "to database "))
            .flatten()
    }) {
        return Some(Crash::UnknownDatabase { database });
    }
    if let Some(user) = quoted_after(line, "Access denied for user ") {
        let from = &line[line.find("Access denied")?..];
        // Up to `(using password: YES)`: in a raw traceback, the quote and brackets after it
        // are Python's.
        let end = from
            .find("(using password: ")
            .and_then(|at| Some(at + from[at..].find(')')? + 1));
        let message = end.map_or_else(|| from.trim_end_matches(['"', ')']), |end| &from[..end]);
        return Some(Crash::LoginRefused {
            user,
            message: message.to_owned(),
        });
    }
    None
}

/// The first 'quoted' word right after `words`.
fn quoted_after(line: &str, words: &str) -> Option<String> {
    let rest = &line[line.find(words)? + words.len()..];
    let rest = rest.strip_prefix('\'')?;
    Some(rest[..rest.find('\'')?].to_owned())
}

/// The last line that reads as an error (`ValueError: …`, `Error 1146: …`), else the last
/// line with any text.
fn error_line(stderr: &[String]) -> Option<&str> {
    let lines = stderr.iter().map(|l| l.trim()).filter(|l| !l.is_empty());
    let is_error = |line: &&str| {
        let head = line.split(':').next().unwrap_or_default();
        line.contains(':')
            && !head.contains(' ')
            && ["Error", "Exception", "Exit", "Interrupt"]
                .iter()
                .any(|w| head.ends_with(w))
            || line.starts_with("Error ")
    };
    lines.clone().rev().find(is_error).or_else(|| lines.clone().next_back())
}

/// Why the task fails when the course saw that run fail, or saw it
/// end while the servers saw nothing of it: then what the logs hold is an earlier run's.
/// `None` when the logs tell this run (or a later one run by hand). `writer` and `reader`
/// are the servers the run should reach (one server twice after a failover).
pub(in crate::grade) fn last_run(
    ctx: &Ctx<'_>,
    facts: &RoutingFacts,
    verdict: &RoutingVerdict,
    (writer, reader): (&str, &str),
) -> Option<Note> {
    let record = ctx.files.app_run.as_ref()?;
    let logged = general_log::last_run(&facts.writer_log, &facts.reader_log);
    // The application was run by hand since: the servers' logs are all there is to go by.
    if logged
        .as_ref()
        .is_some_and(|run| run.started > record.ended_at + SLACK)
    {
        return None;
    }
    let logged_now = logged
        .as_ref()
        .is_some_and(|run| run.ended >= record.started_at - SLACK);
    let when = ago(ctx.snapshot.taken_at - record.ended_at);
    let unseen = if writer == reader {
        format!("the {writer} saw nothing of its account")
    } else {
        format!("neither the {writer} nor the {reader} saw anything of its account")
    };
    if !record.failed() {
        return (!logged_now).then(|| {
            Note::new(
                Diagnosis::RoutingNoWrites,
                format!("the app's last run ({when}) ended well, but {unseen}"),
            )
        });
    }
    let crash = classify(&record.stderr);
    // A run cut short by an error no rule knows: a misrouted statement the logs show
    // explains it better than the error's own words.
    if let (Crash::Other { .. }, true, RoutingVerdict::Failing(findings)) =
        (&crash, logged_now, verdict)
        && findings.first().is_some_and(|f| {
            !matches!(
                f.hint,
                Diagnosis::RoutingNoReads
                    | Diagnosis::RoutingNoWrites
                    | Diagnosis::RoutingRowsUnknown
                    | Diagnosis::RoutingRerun
            )
        })
    {
        return None;
    }
    let mut note = note(ctx, record, &crash, facts, &when, (writer, reader));
    if facts
        .app_changed_at
        .is_some_and(|changed| changed > record.ended_at)
    {
        note.reason
            .push_str("; the app has changed since: run it again (key a)");
    }
    Some(note)
}

/// The reason and hint of a crash, with the lab's own names filled in.
fn note(
    ctx: &Ctx<'_>,
    record: &RunRecord,
    crash: &Crash,
    facts: &RoutingFacts,
    when: &str,
    servers: (&str, &str),
) -> Note {
    let failed = format!("the app's last run ({when}) {}", ended(record.code));
    let app = ctx.spec.app.as_ref();
    let account = app.map_or("", |a| a.account.as_str());
    let ports = ctx.published_ports();
    match crash {
        Crash::DriverMissing { module } => Note::new(
            Diagnosis::AppDriverMissing,
            format!("{failed}: No module named '{module}', the driver a mysql:// URL asks for"),
        ),
        Crash::Sqlalchemy1Call { line } => {
            Note::new(Diagnosis::AppSqlalchemy1, format!("{failed}: {line}"))
        }
        Crash::UnknownHost { host } => Note::new(
            Diagnosis::AppUnknownHost,
            format!("{failed}: no host is called '{host}' on this machine"),
        )
        .with("host", host)
        .with("ports", &ports),
        Crash::ConnectionRefused { host } => match stale_port(ctx) {
            Some(StalePort { server, from, to, file, line }) => Note::new(
                Diagnosis::AppPortMoved,
                format!(
                    "{failed}: nothing answers on {host}:{from}, which {file} line {line} names: the {server}'s port before the lab moved it to {to}"
                ),
            )
            .with("server", server)
            .with("from", from)
            .with("to", to)
            .with("file", file)
            .with("line", line),
            None => match down_server(ctx) {
                Some((server, port)) => Note::new(
                    Diagnosis::AppServerDown,
                    format!(
                        "{failed}: nothing answers on {host}:{port}, which settings.py names: the {server}'s port, and the {server} is down"
                    ),
                )
                .with("server", server)
                .with("port", port)
                .with("running", running(ctx)),
                None => {
                    let named = match unserved_port(ctx, host) {
                        Some(at) => format!(
                            "nothing answers on {host}:{}, which {} names ({} line {})",
                            at.port, at.name, at.file, at.line
                        ),
                        None => format!("nothing answers on a port settings.py names on {host}"),
                    };
                    Note::new(Diagnosis::AppConnectionRefused, format!("{failed}: {named}"))
                        .with("ports", &ports)
                }
            },
        },
        Crash::LoginRefused { user, message } => {
            let by = refused_by(record, facts, user, servers)
                .map_or_else(|| "a server".to_owned(), |s| format!("the {s}"));
            let (diagnosis, reason) = if user == account {
                (
                    Diagnosis::RoutingLoginRefused,
                    format!("{failed}: {by} refused its login: {message}"),
                )
            } else {
                (
                    Diagnosis::AppWrongAccount,
                    format!(
                        "{failed}: {by} refused the login of '{user}', which is not the lab's application account"
                    ),
                )
            };
            Note::new(diagnosis, reason)
                .with("user", user)
                .with("account", account)
        }
        Crash::UnknownDatabase { database } => {
            let course = app.and_then(|a| a.database.as_deref()).unwrap_or_default();
            Note::new(
                Diagnosis::AppUnknownDatabase,
                format!("{failed}: the servers have no database '{database}' for the app"),
            )
            .with("database", database)
            .with("course_database", course)
        }
        Crash::Other { line } => Note::new(Diagnosis::AppCrashed, format!("{failed}: {line}")),
    }
}

/// A line of the application's settings that reaches `host` on a port no server of the lab
/// publishes.
struct UnservedPort<'a> {
    port: u16,
    /// What the line sets (`READER_URL`), else the line itself.
    name: String,
    file: &'a str,
    /// 1-based.
    line: usize,
}

fn unserved_port<'a>(ctx: &Ctx<'a>, host: &str) -> Option<UnservedPort<'a>> {
    let live: Vec<u16> = ctx.spec.servers.iter().map(|s| ctx.published_port(s)).collect();
    let after_host = format!("{host}:");
    let files = ctx.spec.files.iter().filter(|f| f.template);
    files.filter_map(|f| Some((f.to.as_str(), ctx.files.text(&f.to)?))).find_map(|(file, text)| {
        text.lines().enumerate().find_map(|(at, line)| {
            let code = line.split('#').next().unwrap_or_default();
            let (_, rest) = code.split_once(&after_host)?;
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let port: u16 = digits.parse().ok().filter(|p| !live.contains(p))?;
            let name = code.split_once('=').map_or(code, |(name, _)| name).trim().to_owned();
            Some(UnservedPort { port, name, file, line: at + 1 })
        })
    })
}

/// A server that is down while the application's settings name its port.
fn down_server<'a>(ctx: &Ctx<'a>) -> Option<(&'a str, u16)> {
    let texts: Vec<&str> = ctx
        .spec
        .files
        .iter()
        .filter(|f| f.template)
        .filter_map(|f| ctx.files.text(&f.to))
        .collect();
    ctx.spec.servers.iter().find_map(|server| {
        let port = ctx.published_port(server);
        let named = texts.iter().any(|t| t.lines().any(|l| fill::names_port(l, port)));
        (named && ctx.snapshot.facts(&server.name).is_none()).then_some((server.name.as_str(), port))
    })
}

/// The servers that answer, with where the learner's programs reach them.
fn running(ctx: &Ctx<'_>) -> String {
    let running = ctx.ports_of(|s| ctx.snapshot.facts(&s.name).is_some());
    if running.is_empty() { "none".to_owned() } else { running }
}

/// A line of the application's settings naming a port a server had before the lab moved it
/// (its port was taken), which no server has now.
struct StalePort<'a> {
    server: &'a str,
    from: u16,
    to: u16,
    file: &'a str,
    /// 1-based.
    line: usize,
}

/// The first stale port of the template files (the application's settings), latest move first.
fn stale_port<'a>(ctx: &Ctx<'a>) -> Option<StalePort<'a>> {
    let servers = &ctx.spec.servers;
    let live: Vec<u16> = servers.iter().map(|s| ctx.published_port(s)).collect();
    let files = ctx.spec.files.iter().filter(|f| f.template);
    files
        .filter_map(|f| Some((f.to.as_str(), ctx.files.text(&f.to)?)))
        .find_map(|(file, text)| {
            servers.iter().find_map(|server| {
                let former = ctx.files.former_ports.get(&server.name)?;
                former
                    .iter()
                    .rev()
                    .filter(|p| !live.contains(p))
                    .find_map(|&from| {
                        let at = text.lines().position(|l| fill::names_port(l, from))?;
                        Some(StalePort {
                            server: &server.name,
                            from,
                            to: ctx.published_port(server),
                            file,
                            line: at + 1,
                        })
                    })
            })
        })
}

/// `ended with code 1`, `was stopped by a signal`.
fn ended(code: Option<i32>) -> String {
    match code {
        Some(code) => format!("ended with code {code}"),
        None => "did not finish (stopped by a signal, or it could not start)".to_owned(),
    }
}

/// The server that refused `user` while the run went on, from the logins the servers saw.
fn refused_by<'a>(
    record: &RunRecord,
    facts: &RoutingFacts,
    user: &str,
    (writer, reader): (&'a str, &'a str),
) -> Option<&'a str> {
    let during = |s: &AppStatement| {
        s.at >= record.started_at - SLACK
            && s.at <= record.ended_at + SLACK
            && s.text
                .starts_with(&format!("Access denied for user '{user}'@"))
    };
    if facts.writer_refused.iter().any(during) {
        Some(writer)
    } else if facts.reader_refused.iter().any(during) {
        Some(reader)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    /// The last lines of real runs of the shipped app on MariaDB 11.8 (PyMySQL 1.1,
    /// SQLAlchemy 2.0), each after one beginner's edit.
    #[test]
    fn real_failures_are_told_apart() {
        let mysqldb = lines(
            "Traceback (most recent call last):
  File \"/home/l/sqlcourse/day20/app/app.py\", line 31, in <module>
    writer = create_engine(WRITER_URL, pool_pre_ping=True, connect_args={\"connect_timeout\": 5})
  File \"/home/l/sqlcourse/day20/app/.venv/lib/python3.11/site-packages/sqlalchemy/dialects/mysql/mysqldb.py\", line 171, in import_dbapi
    return __import__(\"MySQLdb\")
           ^^^^^^^^^^^^^^^^^^^^^
ModuleNotFoundError: No module named 'MySQLdb'",
        );
        assert_eq!(
            classify(&mysqldb),
            Crash::DriverMissing {
                module: "MySQLdb".into()
            }
        );

        let execute = lines(
            "  File \"/home/l/sqlcourse/day20/app/app.py\", line 41, in add_customer
    conn.execute(
    ^^^^^^^^^^^^
AttributeError: 'Engine' object has no attribute 'execute'",
        );
        assert_eq!(
            classify(&execute),
            Crash::Sqlalchemy1Call {
                line: "AttributeError: 'Engine' object has no attribute 'execute'".into()
            }
        );

        let host = lines(
            "
Error 2003: Can't connect to MySQL server on 'slave1' ([Errno -2] Name or service not known)
Is the lab running, and are the ports in settings.py right? `sqlcourse day20 status` shows them.",
        );
        assert_eq!(
            classify(&host),
            Crash::UnknownHost {
                host: "slave1".into()
            }
        );

        let refused = lines(
            "
Error 2003: Can't connect to MySQL server on '127.0.0.1' ([Errno 111] Connection refused)
Is the lab running, and are the ports in settings.py right? `sqlcourse day20 status` shows them.",
        );
        assert_eq!(
            classify(&refused),
            Crash::ConnectionRefused {
                host: "127.0.0.1".into()
            }
        );

        let user = lines(
            "
Error 1045: Access denied for user 'user'@'172.19.0.1' (using password: YES)
The app's account was refused: check the user and password in settings.py.",
        );
        assert_eq!(
            classify(&user),
            Crash::LoginRefused {
                user: "user".into(),
                message: "Access denied for user 'user'@'172.19.0.1' (using password: YES)".into()
            }
        );

        // The app's account on another database: refused for that database (1044); root
        // would be told the database is unknown (1049).
        let denied_db = lines("\nError 1044: Access denied for user 'app'@'%' to database 'db'");
        assert_eq!(
            classify(&denied_db),
            Crash::UnknownDatabase {
                database: "db".into()
            }
        );
        let unknown_db = lines("\nError 1049: Unknown database 'db'");
        assert_eq!(
            classify(&unknown_db),
            Crash::UnknownDatabase {
                database: "db".into()
            }
        );

        let read_only = lines(
            "
Error 1290: The MariaDB server is running with the --read-only option so it cannot execute this statement
The server refused a write because it is read-only: is WRITER_URL pointing at the slave? Writes belong on the master (settings.py).",
        );
        assert_eq!(
            classify(&read_only),
            Crash::Other {
                line: "Error 1290: The MariaDB server is running with the --read-only option so it cannot execute this statement".into()
            }
        );
    }

    /// The same causes in the words of a learner's own code, without the app's error handler.
    #[test]
    fn raw_tracebacks_are_read_too() {
        let raw = lines(
            "sqlalchemy.exc.OperationalError: (pymysql.err.OperationalError) (1045, \"Access denied for user 'app'@'172.19.0.1' (using password: YES)\")
(Background on this error at: https://sqlalche.me/e/20/e3q8)",
        );
        assert_eq!(
            classify(&raw),
            Crash::LoginRefused {
                user: "app".into(),
                message: "Access denied for user 'app'@'172.19.0.1' (using password: YES)".into()
            }
        );
        let connector = lines("ModuleNotFoundError: No module named 'mysql'");
        assert_eq!(
            classify(&connector),
            Crash::DriverMissing {
                module: "mysql".into()
            }
        );
        let not_text = lines(
            "sqlalchemy.exc.ObjectNotExecutableError: Not an executable object: 'SELECT COUNT(*) FROM customers'",
        );
        assert!(matches!(classify(&not_text), Crash::Sqlalchemy1Call { .. }));
    }

    #[test]
    fn anything_else_is_its_last_error_line() {
        let other = lines(
            "Traceback (most recent call last):
  File \"app.py\", line 9, in <module>
    import requests
ModuleNotFoundError: No module named 'requests'",
        );
        assert_eq!(
            classify(&other),
            Crash::Other {
                line: "ModuleNotFoundError: No module named 'requests'".into()
            }
        );
        let background = lines(
            "sqlalchemy.exc.ProgrammingError: (pymysql.err.ProgrammingError) (1146, \"Table 'shop.clients' doesn't exist\")
[SQL: SELECT * FROM clients]
(Background on this error at: https://sqlalche.me/e/20/f405)",
        );
        let Crash::Other { line } = classify(&background) else {
            panic!()
        };
        assert!(
            line.starts_with("sqlalchemy.exc.ProgrammingError:"),
            "{line}"
        );
        assert_eq!(
            classify(&lines("some words\n")),
            Crash::Other {
                line: "some words".into()
            }
        );
        assert_eq!(
            classify(&[]),
            Crash::Other {
                line: "(it printed no error)".into()
            }
        );
    }
}
