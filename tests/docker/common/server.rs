//! A real MariaDB server in Docker for one test: named and labelled for that test only, and
//! removed by its label when the test ends, passed or failed.
//!
//! Each test binary uses the parts it needs.

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sqlcourse::lab::endpoint::Endpoint;
use sqlcourse::sql::Session;

pub const IMAGE: &str = "sqlcourse/mariadb:11.8-offline";
pub const PASSWORD: &str = "console-test-pw";

/// A MariaDB container, the `master` of a lab of its own, removed (with its volumes) when
/// dropped.
pub struct Server {
    /// The lab's name: the container is `sqlcourse-<lab>-master`.
    pub lab: String,
    pub endpoint: Endpoint,
}

impl Server {
    /// Starts a server for a lab named `test-<purpose>-<pid>-<n>`, or `None` (after saying
    /// why) when Docker is unreachable outside CI.
    pub fn start(purpose: &str) -> Option<Server> {
        if !docker_reachable() {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "Docker is unreachable, and CI=true forbids skipping"
            );
            eprintln!("skipping: Docker is unreachable (`docker version` failed)");
            return None;
        }
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let lab = format!(
            "test-{purpose}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        remove_lab(&lab);
        let name = format!("sqlcourse-{lab}-master");
        let label = format!("io.sqlcourse.lab={lab}");
        let env = format!("MARIADB_ROOT_PASSWORD={PASSWORD}");
        // From here on the container is ours to remove, whatever happens.
        let mut server = Server {
            lab,
            endpoint: Endpoint {
                host: "127.0.0.1".into(),
                port: 0,
                user: "root".into(),
                password: PASSWORD.into(),
            },
        };
        docker(&[
            "run",
            "-d",
            "--name",
            &name,
            "--label",
            &label,
            "-e",
            &env,
            "-p",
            "127.0.0.1::3306",
            IMAGE,
        ]);
        let mapping = docker(&["port", &name, "3306/tcp"]);
        let port = mapping
            .lines()
            .find_map(|l| l.strip_prefix("127.0.0.1:"))
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("no port published on 127.0.0.1: {mapping}"));
        server.endpoint.port = port;
        server.wait_ready();
        Some(server)
    }

    /// Retries a real connection until the server accepts it.
    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            match Session::connect(&self.endpoint) {
                Ok(_) => return,
                Err(e) if Instant::now() > deadline => panic!("server never became ready: {e}"),
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }

    pub fn session(&self) -> Session {
        Session::connect(&self.endpoint).expect("connect to the test server")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        remove_lab(&self.lab);
    }
}

fn docker_reachable() -> bool {
    Command::new("docker")
        .args(["version", "--format", "{{.Server.Version}}"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

pub fn docker(args: &[&str]) -> String {
    let out = Command::new("docker").args(args).output().expect("run docker");
    assert!(
        out.status.success(),
        "docker {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Removes every container carrying this lab's label, and its volumes.
pub fn remove_lab(lab: &str) {
    let filter = format!("label=io.sqlcourse.lab={lab}");
    let ids = docker(&["ps", "-aq", "--filter", &filter]);
    let ids: Vec<&str> = ids.split_whitespace().collect();
    if !ids.is_empty() {
        let mut args = vec!["rm", "-f", "-v"];
        args.extend(ids);
        docker(&args);
    }
}
