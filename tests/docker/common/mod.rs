//! The harness of the real-Docker tests: each test runs its own lab (`SQLCOURSE_LAB_NAME`),
//! workspace and data folder, and removes exactly the objects labelled with its lab name,
//! before and after (even when it fails). Under `CI=true` the tests never skip; elsewhere
//! they skip with a printed reason when no Docker engine answers.

// Each test file uses its own part of the harness.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use bollard::Docker;
use bollard::models::ContainerCreateBody;
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, ListContainersOptionsBuilder, ListNetworksOptionsBuilder, ListVolumesOptionsBuilder,
    RemoveContainerOptionsBuilder, StopContainerOptionsBuilder,
};
use serde_json::Value;

/// Label of objects a test makes itself (not the lab's), so it can remove them afterwards.
pub const TEST_LABEL: &str = "io.sqlcourse.test";

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// The engine, or `None` (with the reason printed) where tests may skip.
pub fn engine() -> Option<sqlcourse::lab::docker::DockerEngine> {
    match runtime().block_on(sqlcourse::lab::docker::connect()) {
        Ok(engine) => Some(engine),
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true and no Docker engine: {e}")
        }
        Err(e) => {
            eprintln!("skipped: {e}");
            None
        }
    }
}

/// Makes sure the offline image is present, building it when missing.
pub fn ensure_image(docker: &Docker) {
    let image = "sqlcourse/mariadb:11.8-offline";
    if runtime().block_on(docker.inspect_image(image)).is_ok() {
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("labs/image/build-offline.sh");
    let status = Command::new(&script).status().unwrap_or_else(|e| {
        panic!("the image {image} is missing and {} cannot run: {e}", script.display())
    });
    assert!(status.success(), "{} failed", script.display());
}

/// The MySQL image named by `SQLCOURSE_MYSQL_IMAGE`, when it is set and present; else
/// `None`, with the reason printed. No MySQL image can be pulled on the machines this project
/// is developed on, so these tests skip there even under `CI=true`; MySQL is covered there by
/// the fixtures of documented MySQL 8.4 output in `src/grade/tests.rs`.
pub fn mysql_image(docker: &Docker) -> Option<String> {
    let Some(image) = std::env::var("SQLCOURSE_MYSQL_IMAGE").ok().filter(|i| !i.is_empty()) else {
        eprintln!(
            "skipped: SQLCOURSE_MYSQL_IMAGE is not set, so there is no MySQL image to run on (none can be pulled where this project is built; the MySQL fixtures in src/grade/tests.rs cover it there). Set it to a local image such as mysql:8.4 to run this on real MySQL."
        );
        return None;
    };
    if runtime().block_on(docker.inspect_image(&image)).is_err() {
        eprintln!("skipped: SQLCOURSE_MYSQL_IMAGE names {image}, which is not present here (docker pull {image})");
        return None;
    }
    Some(image)
}

/// One test's lab: its names, folders, and cleanup by label.
pub struct TestLab {
    pub name: String,
    pub dir: tempfile::TempDir,
    pub docker: Docker,
    /// `--content` folder, when the test changes the lab's description.
    pub content: Option<PathBuf>,
    /// Extra environment of every command (`SQLCOURSE_ENGINE`, `SQLCOURSE_IMAGE`).
    pub env: Vec<(String, String)>,
}

impl TestLab {
    pub fn new(test: &str) -> Option<TestLab> {
        let engine = engine()?;
        ensure_image(&engine.docker);
        let lab = TestLab {
            name: format!("t-{test}-{}", std::process::id()),
            dir: tempfile::tempdir().expect("a temp dir"),
            docker: engine.docker,
            content: None,
            env: Vec::new(),
        };
        lab.remove_labelled();
        Some(lab)
    }

    /// A lab on the MySQL image of `SQLCOURSE_MYSQL_IMAGE`, or `None` (with the reason
    /// printed) when there is none.
    pub fn mysql(test: &str) -> Option<TestLab> {
        let mut lab = TestLab::new(test)?;
        let image = mysql_image(&lab.docker)?;
        lab.env = vec![
            ("SQLCOURSE_ENGINE".to_owned(), "mysql".to_owned()),
            ("SQLCOURSE_IMAGE".to_owned(), image),
        ];
        Some(lab)
    }

    pub fn workspace(&self) -> PathBuf {
        self.dir.path().join("home/day20")
    }

    pub fn data_home(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Stops one of the lab's servers from outside, as `docker stop -t 1` does.
    pub fn stop(&self, server: &str) {
        self.stop_container(&self.container(server));
    }

    /// Stops a container by name from outside, as `docker stop -t 1` does.
    pub fn stop_container(&self, name: &str) {
        let options = StopContainerOptionsBuilder::default().t(1).build();
        self.block_on(self.docker.stop_container(name, Some(options))).expect("stop");
    }

    pub fn container(&self, server: &str) -> String {
        format!("sqlcourse-{}-{server}", self.name)
    }

    /// Runs `sqlcourse day20 ARGS` in this lab's environment.
    pub fn sqlcourse(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("sqlcourse runs")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_sqlcourse"));
        if let Some(content) = &self.content {
            command.arg("--content").arg(content);
        }
        command
            .arg("day20")
            .args(args)
            .env("SQLCOURSE_LAB_NAME", &self.name)
            .env("SQLCOURSE_HOME", self.dir.path().join("home"))
            .env("XDG_DATA_HOME", self.data_home())
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null());
        command
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.sqlcourse(args);
        assert!(out.status.success(), "sqlcourse {args:?} failed:\n{}", text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn status(&self) -> Value {
        serde_json::from_str(&self.ok(&["status", "--json"])).expect("status --json is JSON")
    }

    /// A server's entry in `status --json`.
    pub fn server(&self, name: &str) -> Value {
        let status = self.status();
        let servers = status["servers"].as_array().expect("a servers array");
        servers.iter().find(|s| s["name"] == name).cloned().expect("the server is listed")
    }

    pub fn password(&self) -> String {
        std::fs::read_to_string(self.workspace().join(".root-password"))
            .expect("the root password file")
            .trim()
            .to_owned()
    }

    /// A SQL connection to a server as root, by its port in `status --json`.
    pub fn sql(&self, server: &str) -> mysql::Conn {
        let port = self.server(server)["port"].as_u64().expect("a port") as u16;
        let opts = mysql::OptsBuilder::new()
            .ip_or_hostname(Some("127.0.0.1"))
            .tcp_port(port)
            .user(Some("root"))
            .pass(Some(self.password()))
            .prefer_socket(false)
            .tcp_connect_timeout(Some(Duration::from_secs(2)))
            .read_timeout(Some(Duration::from_secs(10)));
        mysql::Conn::new(opts).expect("the server accepts SQL")
    }

    pub fn config_file(&self, server: &str) -> PathBuf {
        self.workspace().join(server).join("my.cnf")
    }

    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        runtime().block_on(future)
    }

    /// Creates (without starting) a container the lab does not own: it carries only the
    /// test's label, so the test can remove it afterwards.
    pub fn create_unlabelled(&self, name: &str) {
        let body = ContainerCreateBody {
            image: Some("sqlcourse/mariadb:11.8-offline".to_owned()),
            labels: Some(HashMap::from([(TEST_LABEL.to_owned(), self.name.clone())])),
            ..Default::default()
        };
        let options = CreateContainerOptionsBuilder::default().name(name).build();
        self.block_on(self.docker.create_container(Some(options), body)).expect("a container");
    }


    /// Removes every object labelled with this lab's name (the lab's and the test's own).
    pub fn remove_labelled(&self) {
        let docker = &self.docker;
        let by = |key: &str| HashMap::from([("label", vec![format!("{key}={}", self.name)])]);
        self.block_on(async {
            for key in ["io.sqlcourse.lab", TEST_LABEL] {
                let options =
                    ListContainersOptionsBuilder::default().all(true).filters(&by(key)).build();
                for c in docker.list_containers(Some(options)).await.unwrap_or_default() {
                    // With its anonymous volumes: a container made without the lab's mounts has some.
                    let force = RemoveContainerOptionsBuilder::default().force(true).v(true).build();
                    let _ = docker.remove_container(&c.id.unwrap_or_default(), Some(force)).await;
                }
            }
            let options =
                ListNetworksOptionsBuilder::default().filters(&by("io.sqlcourse.lab")).build();
            for n in docker.list_networks(Some(options)).await.unwrap_or_default() {
                let _ = docker.remove_network(&n.id.unwrap_or_default()).await;
            }
            let options =
                ListVolumesOptionsBuilder::default().filters(&by("io.sqlcourse.lab")).build();
            let volumes = docker.list_volumes(Some(options)).await.ok().and_then(|v| v.volumes);
            for v in volumes.unwrap_or_default() {
                let _ = docker
                    .remove_volume(&v.name, None::<bollard::query_parameters::RemoveVolumeOptions>)
                    .await;
            }
        });
    }

    /// How many containers, networks and volumes carry this lab's label.
    pub fn count_labelled(&self) -> (usize, usize, usize) {
        let filter = HashMap::from([("label", vec![format!("io.sqlcourse.lab={}", self.name)])]);
        self.block_on(async {
            let c = ListContainersOptionsBuilder::default().all(true).filters(&filter).build();
            let n = ListNetworksOptionsBuilder::default().filters(&filter).build();
            let v = ListVolumesOptionsBuilder::default().filters(&filter).build();
            (
                self.docker.list_containers(Some(c)).await.expect("containers").len(),
                self.docker.list_networks(Some(n)).await.expect("networks").len(),
                self.docker
                    .list_volumes(Some(v))
                    .await
                    .expect("volumes")
                    .volumes
                    .unwrap_or_default()
                    .len(),
            )
        })
    }
}

impl Drop for TestLab {
    fn drop(&mut self) {
        self.remove_labelled();
    }
}

pub fn text(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// One `check --json` round: its exit code and its tasks.
pub fn check(lab: &TestLab) -> (i32, Vec<Value>) {
    let out = lab.sqlcourse(&["check", "--json"]);
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("check --json prints JSON ({e}):\n{}", text(&out)));
    assert_eq!(json["day"], "day20");
    let tasks = json["tasks"].as_array().expect("a task list").clone();
    (out.status.code().expect("an exit code"), tasks)
}

pub fn task<'a>(tasks: &'a [Value], id: &str) -> &'a Value {
    tasks.iter().find(|t| t["id"] == id).unwrap_or_else(|| panic!("task {id} in {tasks:#?}"))
}

pub mod server;
pub mod tmux;
