//! `read-routing`: where the application's statements went.

use super::*;

pub(super) fn read_routing_cases() -> Vec<Case> {
    vec![
        Case {
            name: "fresh lab: the application has not run",
            start: World::fresh,
            change: nothing,
            task: "read-routing",
            status: TaskState::Pending,
            diagnosis: Some("routing-not-run"),
            reason: "the app has not run yet",
        },
        Case {
            name: "done",
            start: World::solved,
            change: nothing,
            task: "read-routing",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "reads sent to the master",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                let reads = std::mem::take(&mut facts.reader_log);
                facts.writer_log.extend(reads);
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-reads-on-writer"),
            reason: "SELECT went to the master",
        },
        Case {
            name: "rows not replicated",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                facts.rows[0].on_reader = false;
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-rows-missing"),
            reason: "have not reached the slave",
        },
        Case {
            name: "the general log cannot be read",
            start: World::solved,
            change: |w| w.routing = Some(Err("the server's general log is off".into())),
            task: "read-routing",
            status: TaskState::Pending,
            diagnosis: None,
            reason: "general log is off",
        },
        Case {
            name: "the app changed after its last run",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                let reads = std::mem::take(&mut facts.reader_log);
                facts.writer_log.extend(reads);
                facts.app_changed_at = Some(NOW - 0.1);
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-rerun"),
            reason: "the app has changed since its last run",
        },
        Case {
            name: "the slave refused the app's login",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                facts.reader_log[0].text = "Access denied for user 'app'@'172.18.0.1' (using password: YES)".into();
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-login-refused"),
            reason: "the slave refused the app's login",
        },
        Case {
            name: "writes sent to the slave",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                let writes = facts.writer_log.split_off(1);
                facts.reader_log.extend(writes);
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-writes-on-reader"),
            reason: "INSERT went to the slave",
        },
        Case {
            name: "the run wrote nothing",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                facts.writer_log.truncate(1);
                facts.rows.clear();
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-no-writes"),
            reason: "wrote nothing on the master",
        },
        Case {
            name: "the run read nothing",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                facts.reader_log.truncate(1);
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-no-reads"),
            reason: "read nothing from the slave",
        },
        Case {
            name: "the rows cannot be followed",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                facts.rows.clear();
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-rows-unknown"),
            reason: "none of the rows",
        },
        Case {
            name: "a crash before any statement: a mysql:// URL",
            start: World::solved,
            change: |w| {
                w.routing = Some(Ok(RoutingFacts::default()));
                w.app_run = Some(crashed(MYSQLDB));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("app-driver-missing"),
            reason: "the app's last run (just now) ended with code 1: No module named 'MySQLdb'",
        },
        Case {
            name: "a failed run after a good one is not described as the good one",
            start: World::solved,
            change: |w| {
                w.age_app_runs(30.0);
                w.app_run = Some(crashed(UNKNOWN_SLAVE_HOST));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("app-unknown-host"),
            reason: "no host is called 'slave1' on this machine",
        },
        Case {
            name: "a crash after the writes: SQLAlchemy 1 reads",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                facts.reader_log.clear();
                w.routing = Some(Ok(facts));
                w.app_run = Some(crashed(ENGINE_EXECUTE));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("app-sqlalchemy1"),
            reason: "AttributeError: 'Engine' object has no attribute 'execute'",
        },
        Case {
            name: "another account's login, refused by the master",
            start: World::solved,
            change: |w| {
                let facts = RoutingFacts {
                    writer_refused: vec![app(
                        0.35,
                        16,
                        "Connect",
                        "Access denied for user 'user'@'172.19.0.1' (using password: YES)",
                    )],
                    ..Default::default()
                };
                w.routing = Some(Ok(facts));
                w.app_run = Some(crashed(USER_REFUSED));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("app-wrong-account"),
            reason: "the master refused the login of 'user', which is not the lab's application account",
        },
        Case {
            name: "the app's account with a wrong password",
            start: World::solved,
            change: |w| {
                w.routing = Some(Ok(RoutingFacts::default()));
                w.app_run = Some(crashed(
                    "\nError 1045: Access denied for user 'app'@'172.19.0.1' (using password: YES)",
                ));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-login-refused"),
            reason: "a server refused its login: Access denied for user 'app'@'172.19.0.1' (using password: YES)",
        },
        Case {
            name: "a database that is not the course's",
            start: World::solved,
            change: |w| {
                w.routing = Some(Ok(RoutingFacts::default()));
                w.app_run = Some(crashed(
                    "\nError 1044: Access denied for user 'app'@'%' to database 'db'",
                ));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("app-unknown-database"),
            reason: "the servers have no database 'db' for the app",
        },
        Case {
            name: "a port nothing listens on",
            start: World::solved,
            change: |w| {
                w.routing = Some(Ok(RoutingFacts::default()));
                w.app_run = Some(crashed(REFUSED));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("app-connection-refused"),
            reason: "nothing answers on a port settings.py names on 127.0.0.1",
        },
        Case {
            name: "a port the lab moved the slave from, left in a line the learner edited",
            start: World::solved,
            change: |w| {
                w.routing = Some(Ok(RoutingFacts::default()));
                w.app_run = Some(crashed(REFUSED));
                w.settings = Some(SETTINGS_ON_40001.to_owned());
                w.former_ports.insert("slave".into(), vec![40001]);
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("app-port-moved"),
            reason: "nothing answers on 127.0.0.1:40001, which app/settings.py line 3 names: the slave's port before the lab moved it to 13307",
        },
        Case {
            name: "an earlier port a server has again is not a moved one",
            start: World::solved,
            change: |w| {
                w.routing = Some(Ok(RoutingFacts::default()));
                w.app_run = Some(crashed(REFUSED));
                w.settings = Some(SETTINGS_ON_40001.to_owned());
                w.former_ports.insert("slave".into(), vec![13306, 40002]);
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("app-connection-refused"),
            reason: "nothing answers on 127.0.0.1:40001, which READER_URL names (app/settings.py line 3)",
        },
        Case {
            name: "the reads sent to the port inside the containers, 3306",
            start: World::solved,
            change: |w| {
                w.routing = Some(Ok(RoutingFacts::default()));
                w.app_run = Some(crashed(REFUSED));
                w.settings = Some(SETTINGS_ON_40001.replace("40001", "3306"));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("app-connection-refused"),
            reason: "nothing answers on 127.0.0.1:3306, which READER_URL names (app/settings.py line 3)",
        },
        Case {
            name: "any other failure: its exit status and last error line",
            start: World::solved,
            change: |w| {
                w.routing = Some(Ok(RoutingFacts::default()));
                w.app_run = Some(ended_run(
                    2,
                    "Traceback (most recent call last):\n  File \"app.py\", line 3\nValueError: boom",
                ));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("app-crashed"),
            reason: "the app's last run (just now) ended with code 2: ValueError: boom",
        },
        Case {
            name: "a write refused by the read-only slave is named from the logs",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                let writes = facts.writer_log.split_off(1);
                facts.reader_log.extend(writes);
                w.routing = Some(Ok(facts));
                w.app_run = Some(crashed(READ_ONLY));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-writes-on-reader"),
            reason: "INSERT went to the slave",
        },
        Case {
            name: "a later good run replaces the failure",
            start: World::solved,
            change: |w| w.app_run = Some(ended_run(0, "")),
            task: "read-routing",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "a run by hand after the failed one is judged from the logs",
            start: World::solved,
            change: |w| {
                let mut failed = crashed(MYSQLDB);
                (failed.started_at, failed.ended_at) = (NOW - 40.0, NOW - 39.0);
                w.app_run = Some(failed);
            },
            task: "read-routing",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "a good run the servers saw nothing of",
            start: World::solved,
            change: |w| {
                w.age_app_runs(30.0);
                w.app_run = Some(ended_run(0, ""));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-no-writes"),
            reason: "ended well, but neither the master nor the slave saw anything of its account",
        },
        Case {
            name: "slave down",
            start: World::solved,
            change: |w| w.slave_down = true,
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("server-down"),
            reason: "the slave is not answering",
        },
    ]
}

#[test]
fn read_routing() {
    run(&read_routing_cases());
}

/// Error lines of real runs of the shipped app after a beginner's edit (MariaDB 11.8,
/// PyMySQL 1.1, SQLAlchemy 2.0).
const MYSQLDB: &str = "Traceback (most recent call last):
    return __import__(\"MySQLdb\")
           ^^^^^^^^^^^^^^^^^^^^^
ModuleNotFoundError: No module named 'MySQLdb'";

const ENGINE_EXECUTE: &str =
    "  File \"/home/l/sqlcourse/day20/app/app.py\", line 49, in newest_customers
    return reader.execute(
           ^^^^^^^^^^^^^^
AttributeError: 'Engine' object has no attribute 'execute'";

const UNKNOWN_SLAVE_HOST: &str = "
Error 2003: Can't connect to MySQL server on 'slave1' ([Errno -2] Name or service not known)
Is the lab running, and are the ports in settings.py right? `sqlcourse day20 status` shows them.";

/// Settings whose READER_URL names port 40001.
const SETTINGS_ON_40001: &str = "# the shop's servers
WRITER_URL = \"mysql+pymysql://app:shop-app-pw@127.0.0.1:13306/shop\"
READER_URL = \"mysql+pymysql://app:shop-app-pw@127.0.0.1:40001/shop\"
";

const USER_REFUSED: &str = "
Error 1045: Access denied for user 'user'@'172.19.0.1' (using password: YES)
The app's account was refused: check the user and password in settings.py.";

const READ_ONLY: &str = "
Error 1290: The MariaDB server is running with the --read-only option so it cannot execute this statement
The server refused a write because it is read-only: is WRITER_URL pointing at the slave? Writes belong on the master (settings.py).";

/// The hints of failed runs name the cause and the fix, with the lab's own values.
#[test]
fn failed_runs_hint_at_the_fix_with_the_lab_s_names() {
    let hint = |record: RunRecord| {
        let mut w = World::solved(Engine::MariaDb);
        w.routing = Some(Ok(RoutingFacts::default()));
        w.app_run = Some(record);
        let task = w
            .grade()
            .into_iter()
            .find(|t| t.id == "read-routing")
            .expect("graded");
        task.hint.expect("a hint")
    };
    let cases = [
        (
            crashed(MYSQLDB),
            "Write mysql+pymysql:// at the start of both URLs in settings.py",
        ),
        (
            crashed(ENGINE_EXECUTE),
            "with reader.connect() as conn: conn.execute(text(\"SELECT ...\"))",
        ),
        (crashed(ENGINE_EXECUTE), "with writer.begin() as conn:"),
        (
            crashed(UNKNOWN_SLAVE_HOST),
            "'slave1' is a name only inside the lab's network",
        ),
        (
            crashed(UNKNOWN_SLAVE_HOST),
            "the master on 127.0.0.1:13306, the slave on 127.0.0.1:13307",
        ),
        (
            crashed(REFUSED),
            "The servers are the master on 127.0.0.1:13306, the slave on 127.0.0.1:13307 now",
        ),
        (
            crashed(USER_REFUSED),
            "'user' is not the app's account: the lab made app for the application",
        ),
        (
            crashed("Error 1049: Unknown database 'db'"),
            "The course's database is shop, not 'db'",
        ),
        (
            ended_run(2, "ValueError: boom"),
            "Read its output (key a shows it)",
        ),
    ];
    for (record, words) in cases {
        let got = hint(record);
        assert!(got.contains(words), "{got:?} lacks {words:?}");
    }
}
