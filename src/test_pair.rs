//! For tests: a real master and slave, named for the test run, with the lab's seed, the
//! general log written to a table, and replication running. Everything it creates carries
//! its own label and is removed by that label, when dropped and before it starts.

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::Context;
use mysql::prelude::Queryable;

use crate::content::Content;

const ROOT_PASSWORD: &str = "test-root-pw";

/// A running master and slave; removed when dropped.
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
