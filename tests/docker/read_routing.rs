//! Read routing on real servers: the shipped application runs against a real master and
//! slave, and the task is judged from where its statements went.

use std::path::PathBuf;
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context;
use mysql::prelude::Queryable;
use sqlcourse::learner::app_run::{self, AppEvent};
use sqlcourse::course::content::{Content, Day};
use sqlcourse::grade::read_routing::judge::{RoutingVerdict, judge};
use sqlcourse::probe::general_log::RUN_PAUSE;
use sqlcourse::probe::app_log::observe;
use sqlcourse::course::spec::FileSpec;
use sqlcourse::learner::workspace::Workspace;

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
        let text = self.workspace.starting_text(&self.day, &file, &self.ports()).expect("fills");
        std::fs::write(self.app_dir().join("settings.py"), &text).expect("writes settings");
        text
    }

    /// Runs the app as key `a` does, after a pause that makes this a run of its own.
    fn run_app(&self) -> (Option<i32>, String) {
        std::thread::sleep(Duration::from_secs_f64(RUN_PAUSE + 0.2));
        let app = self.day.spec.app.as_ref().expect("day 20 has an app");
        let (tx, rx) = mpsc::channel();
        let venv = self.workspace.app_venv(&self.day);
        app_run::start(&self.app_dir(), app, venv.as_ref(), None, move |e| {
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
        let now =
            SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).expect("clock").as_secs_f64();
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
        RoutingVerdict::Failing(f) => (f[0].hint.id(), f[0].reason.as_str()),
        other => panic!("expected failing, got {other:?}"),
    }
}

fn python_packages() {
    let import = |python: &mut Command| {
        python.args(["-c", "import sqlalchemy, pymysql"]).status().is_ok_and(|s| s.success())
    };
    if !import(&mut Command::new("python3")) {
        let requirements = concat!(env!("CARGO_MANIFEST_DIR"), "/labs/day20/app/requirements.txt");
        let status = Command::new("python3")
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
    assert!(reason.starts_with("3 SELECTs went to the master in the app's last run"), "{reason}");

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

const ROOT_PASSWORD: &str = "test-root-pw";

/// A real master and slave, named for the test run, with the lab's seed, the general log
/// written to a table, and replication running. Everything it creates carries its own label
/// and is removed by that label, when dropped and before it starts.
pub struct TestPair {
    label: String,
    pub master_port: u16,
    pub slave_port: u16,
}

impl TestPair {
    /// Starts a pair for the test `name`, or `None` (with the reason printed) when Docker or
    /// the image is missing outside CI. Under `CI=true` a missing Docker fails the test.
    pub fn start(name: &str) -> Option<TestPair> {
        let image = std::env::var("SQLCOURSE_IMAGE")
            .unwrap_or_else(|_| "sqlcourse/mariadb:11.8-offline".to_owned());
        let usable = docker(&["image", "inspect", "--format", "{{.Id}}", &image]);
        if let Err(e) = usable {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "Docker tests must run under CI, but the image {image} is not usable: {e:#}"
            );
            eprintln!("skipping the Docker test `{name}`: image {image} not usable: {e:#}");
            return None;
        }
        let label = format!("test-{name}-{}", std::process::id());
        remove_labelled(&label);
        let mut pair = TestPair { label, master_port: 0, slave_port: 0 };
        pair.create(&image).expect("the test pair starts");
        Some(pair)
    }

    fn create(&mut self, image: &str) -> anyhow::Result<()> {
        let network = format!("sqlcourse-{}", self.label);
        let label = format!("io.sqlcourse.lab={}", self.label);
        docker(&["network", "create", "--label", &label, &network])?;
        for (server, args) in [
            ("master", ["--server-id=1", "--log-bin=mysql-bin"]),
            ("slave", ["--server-id=2", "--read-only=1"]),
        ] {
            let container = format!("{network}-{server}");
            let env = format!("MARIADB_ROOT_PASSWORD={ROOT_PASSWORD}");
            let mut run = vec!["run", "-d", "--name", &container, "--label", &label];
            run.extend(["--network", &network, "--network-alias", server]);
            run.extend(["-p", "127.0.0.1::3306", "-e", &env, image]);
            run.extend(args);
            docker(&run)?;
            let port = docker(&["port", &container, "3306/tcp"])?;
            let port = port.lines().next().and_then(|l| l.rsplit(':').next()).unwrap_or_default();
            let port: u16 = port.parse().with_context(|| format!("docker port says `{port}`"))?;
            match server {
                "master" => self.master_port = port,
                _ => self.slave_port = port,
            }
        }
        let seed = Content::Embedded.lab_file("day20", "seed.sql")?;
        for port in [self.master_port, self.slave_port] {
            let mut conn = wait_for_server(port)?;
            conn.query_drop("SET SESSION sql_log_bin = 0")?;
            conn.query_drop(&seed)?;
            conn.query_drop("SET GLOBAL log_output = 'TABLE'")?;
            conn.query_drop("SET GLOBAL general_log = ON")?;
        }
        let mut master = self.master()?;
        master.query_drop("CREATE USER repl@'%' IDENTIFIED BY 'repl-pw'")?;
        master.query_drop("GRANT REPLICATION SLAVE ON *.* TO repl@'%'")?;
        let (file, position): (String, u64) = master
            .query_first("SHOW MASTER STATUS")?
            .map(|row: mysql::Row| (row.get(0).unwrap_or_default(), row.get(1).unwrap_or_default()))
            .context("the master has no binary log")?;
        let mut slave = self.slave()?;
        slave.query_drop(format!(
            "CHANGE MASTER TO MASTER_HOST='master', MASTER_USER='repl', \
             MASTER_PASSWORD='repl-pw', MASTER_LOG_FILE='{file}', MASTER_LOG_POS={position}"
        ))?;
        self.start_replication()
    }

    /// A root connection to the master.
    pub fn master(&self) -> anyhow::Result<mysql::Conn> {
        connect_root(self.master_port)
    }

    /// A root connection to the slave.
    pub fn slave(&self) -> anyhow::Result<mysql::Conn> {
        connect_root(self.slave_port)
    }

    /// Starts replication and waits until both of the slave's threads run.
    pub fn start_replication(&self) -> anyhow::Result<()> {
        let mut slave = self.slave()?;
        slave.query_drop("START SLAVE")?;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let row: Option<mysql::Row> = slave.query_first("SHOW SLAVE STATUS")?;
            let running = |column: &str| {
                row.as_ref().and_then(|r| r.get::<String, _>(column)).as_deref() == Some("Yes")
            };
            if running("Slave_IO_Running") && running("Slave_SQL_Running") {
                return Ok(());
            }
            anyhow::ensure!(Instant::now() < deadline, "replication did not start within 30 s");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn stop_replication(&self) -> anyhow::Result<()> {
        Ok(self.slave()?.query_drop("STOP SLAVE")?)
    }
}

impl Drop for TestPair {
    fn drop(&mut self) {
        remove_labelled(&self.label);
    }
}

/// Connects as root once the server accepts logins (a fresh data directory takes a moment).
fn wait_for_server(port: u16) -> anyhow::Result<mysql::Conn> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match connect_root(port) {
            Ok(conn) => return Ok(conn),
            Err(e) if Instant::now() > deadline => {
                return Err(e.context("the server never answered"));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

fn connect_root(port: u16) -> anyhow::Result<mysql::Conn> {
    let opts = mysql::OptsBuilder::new()
        .ip_or_hostname(Some("127.0.0.1"))
        .tcp_port(port)
        .user(Some("root"))
        .pass(Some(ROOT_PASSWORD))
        .prefer_socket(false)
        .tcp_connect_timeout(Some(Duration::from_secs(5)))
        .read_timeout(Some(Duration::from_secs(20)))
        .write_timeout(Some(Duration::from_secs(20)));
    Ok(mysql::Conn::new(opts)?)
}

/// Removes the containers and networks carrying this test's label.
fn remove_labelled(label: &str) {
    let filter = format!("label=io.sqlcourse.lab={label}");
    if let Ok(ids) = docker(&["ps", "-aq", "--filter", &filter]) {
        for id in ids.split_whitespace() {
            let _ = docker(&["rm", "-f", "-v", id]);
        }
    }
    if let Ok(ids) = docker(&["network", "ls", "-q", "--filter", &filter]) {
        for id in ids.split_whitespace() {
            let _ = docker(&["network", "rm", id]);
        }
    }
}

/// Runs the docker command line; its stdout, or its stderr as the error.
fn docker(args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new("docker").args(args).output().context("cannot run docker")?;
    anyhow::ensure!(
        out.status.success(),
        "docker {}: {}",
        args.first().copied().unwrap_or_default(),
        String::from_utf8_lossy(&out.stderr).trim()
    );
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
