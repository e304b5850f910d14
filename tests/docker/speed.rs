//! The lab's fast start on real containers: the root password passed as a file (never in a
//! container's configuration, its command or a log), and fresh servers made from the data
//! directory initialised once, which still gives exactly a fresh lab.

use std::collections::HashMap;
use std::time::Duration;

use bollard::models::ContainerInspectResponse;
use bollard::query_parameters::{ListContainersOptionsBuilder, LogsOptionsBuilder};
use futures_util::StreamExt;
use mysql::prelude::Queryable;

use crate::common::{TestLab, server::docker, text};

/// The label of the course's initialised data directory and the container that made it.
const SEEDED_LABEL: &str = "io.sqlcourse.seeded";

impl TestLab {
    /// Every container of this lab, and every one that made an initialised data directory.
    fn containers_to_audit(&self) -> Vec<ContainerInspectResponse> {
        self.block_on(async {
            let mut found = Vec::new();
            for filter in [format!("io.sqlcourse.lab={}", self.name), SEEDED_LABEL.to_owned()] {
                let filters = HashMap::from([("label", vec![filter])]);
                let options = ListContainersOptionsBuilder::default().all(true).filters(&filters).build();
                for c in self.docker.list_containers(Some(options)).await.expect("containers") {
                    let id = c.id.expect("an id");
                    found.push(self.docker.inspect_container(&id, None).await.expect("inspect"));
                }
            }
            found
        })
    }

    fn log_of(&self, container: &str) -> String {
        self.block_on(async {
            let options = LogsOptionsBuilder::default().stdout(true).stderr(true).build();
            let mut stream = self.docker.logs(container, Some(options));
            let mut log = String::new();
            while let Some(chunk) = stream.next().await {
                log.push_str(&chunk.expect("a log chunk").to_string());
            }
            log
        })
    }
}

/// Asserts that no container of the lab (nor any copy maker) holds `password` in its
/// environment, command, entrypoint or log, and that the lab's servers name a file instead.
fn assert_password_nowhere(lab: &TestLab, password: &str) {
    let containers = lab.containers_to_audit();
    assert!(containers.len() >= 2, "the lab's servers are audited");
    for c in &containers {
        let name = c.name.clone().unwrap_or_default();
        let config = c.config.clone().unwrap_or_default();
        let env = config.env.unwrap_or_default();
        let words: Vec<String> = env
            .iter()
            .chain(config.cmd.iter().flatten())
            .chain(config.entrypoint.iter().flatten())
            .chain(c.args.iter().flatten())
            .cloned()
            .collect();
        assert!(
            words.iter().all(|w| !w.contains(password)),
            "{name}: the password is in its configuration"
        );
        assert!(
            env.iter().any(|e| {
                e.starts_with("MARIADB_ROOT_PASSWORD_FILE=/") || e.starts_with("MYSQL_ROOT_PASSWORD_FILE=/")
            }),
            "{name}: the password variable names a file: {env:?}"
        );
        assert!(
            env.iter().all(|e| !e.contains("ROOT_PASSWORD=")),
            "{name}: no password variable holds a value: {env:?}"
        );
        let log = lab.log_of(c.id.as_deref().expect("an id"));
        assert!(!log.is_empty(), "{name} has a log to audit");
        assert!(!log.contains(password), "{name}: the password is in its log");
    }
}

#[test]
fn no_container_holds_the_root_password_in_its_env_cmd_or_log() {
    let Some(lab) = TestLab::new("secret") else { return };
    let up = lab.sqlcourse(&["up"]);
    assert!(up.status.success(), "{}", text(&up));
    let password = lab.password();
    assert!(!text(&up).contains(&password), "up printed the password");
    assert_eq!(lab.sql("master").query_first::<u32, _>("SELECT 1").expect("a row"), Some(1));
    assert_password_nowhere(&lab, &password);

    let restart = lab.sqlcourse(&["restart", "master"]);
    assert!(restart.status.success(), "{}", text(&restart));
    assert!(!text(&restart).contains(&password));
    assert_password_nowhere(&lab, &password);

    let reset = lab.sqlcourse(&["reset", "--yes"]);
    assert!(reset.status.success(), "{}", text(&reset));
    let fresh = lab.password();
    assert_ne!(fresh, password, "reset makes a new password");
    assert!(!text(&reset).contains(&fresh));
    assert_eq!(lab.sql("slave").query_first::<u32, _>("SELECT 1").expect("a row"), Some(1));
    assert_password_nowhere(&lab, &fresh);
}

/// Whether the server's last start copied the initialised data directory instead of
/// initialising its own (the offline image's entrypoint says which it did).
fn started_from_the_copy(lab: &TestLab, server: &str) -> bool {
    let log = lab.log_of(&lab.container(server));
    log.contains(sqlcourse::lab::COPIED) && !log.contains("Initializing database files")
}

#[test]
fn a_fresh_lab_copies_the_data_directory_initialised_once_and_is_exactly_fresh() {
    let Some(lab) = TestLab::new("seeded") else { return };
    lab.ok(&["up"]);
    // Another test may be making the copy right now, and this lab then initialises its own:
    // a reset a moment later finds the copy.
    for _ in 0..5 {
        if ["master", "slave"].iter().all(|s| started_from_the_copy(&lab, s)) {
            break;
        }
        std::thread::sleep(Duration::from_secs(2));
        lab.ok(&["reset", "--yes"]);
    }
    for server in ["master", "slave"] {
        assert!(started_from_the_copy(&lab, server), "the {server} copied the initialised data directory");
        let container = lab.container(server);
        let listing = docker(&["exec", &container, "ls", "-A", "/var/lib/mysql"]);
        for left in [".sqlcourse-complete", ".sqlcourse-mysql", "data"] {
            assert!(!listing.lines().any(|l| l == left), "the copy's {left} stays behind: {listing}");
        }
        assert!(listing.lines().any(|l| l == "mysql"), "{listing}");
        let mut conn = lab.sql(server);
        let roots: Vec<String> =
            conn.query("SELECT Host FROM mysql.user WHERE User = 'root' ORDER BY Host").expect("rows");
        assert_eq!(roots, ["%", "localhost"], "root, with the lab's password, as the image makes it");
        let token: Option<String> =
            conn.query_first("SELECT token FROM sqlcourse_lab.canary WHERE id = 1").expect("the seed's table");
        assert_eq!(token.as_deref(), Some("seed"), "the seed's rows are there");
        let app: Vec<String> = conn.query("SELECT Host FROM mysql.user WHERE User = 'app'").expect("rows");
        assert_eq!(app, ["%"], "the seed's account is there");
        let (id, log_bin): (u32, u32) =
            conn.query_first("SELECT @@server_id, @@log_bin").expect("a row").expect("values");
        assert_eq!((id, log_bin), (1, 0), "stock server id and no binary log, as a fresh lab");
        let gtid: String = conn.query_first("SELECT @@gtid_slave_pos").expect("a row").expect("a value");
        assert_eq!(gtid, "", "nothing replicated yet");
        let general: String = conn.query_first("SELECT @@general_log").expect("a row").expect("a value");
        assert_eq!(general, "1", "the statement log is on");
    }

    // What the learner does on one lab never reaches the next fresh one.
    lab.sql("master").query_drop("CREATE DATABASE learner_work").expect("created");
    lab.ok(&["reset", "--yes"]);
    let left: Vec<String> = lab
        .sql("master")
        .query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'learner_work'")
        .expect("rows");
    assert!(left.is_empty(), "reset gives exactly a fresh lab");
    // A restart is a plain start on the server's own data: its password stays the lab's.
    lab.ok(&["restart", "slave"]);
    assert_eq!(lab.sql("slave").query_first::<u32, _>("SELECT 1").expect("a row"), Some(1));
}

fn started_at(lab: &TestLab, server: &str) -> String {
    docker(&["inspect", "--format", "{{.State.StartedAt}}", &lab.container(server)]).trim().to_owned()
}

#[test]
fn a_restart_starts_the_server_again_inside_its_container_and_stop_kill_and_bad_config_behave_as_before() {
    let Some(lab) = TestLab::new("restart-inside") else { return };
    lab.ok(&["up"]);
    let container_start = started_at(&lab, "master");
    lab.sql("master").query_drop("CREATE DATABASE kept_across_restart").expect("created");

    // A config edit takes effect through a restart inside the same container.
    let config = lab.config_file("master");
    let original = std::fs::read_to_string(&config).expect("the master's file");
    std::fs::write(&config, format!("{original}\n[mariadb]\nserver-id = 7\n")).expect("written");
    lab.ok(&["restart", "master"]);
    let mut conn = lab.sql("master");
    let (id, uptime): (u32, u64) = conn
        .query_first("SELECT @@server_id, VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPTIME'")
        .expect("a row")
        .expect("values");
    assert_eq!(id, 7, "the edit took effect");
    assert!(uptime <= 5, "a new server process answers (uptime {uptime} s)");
    assert_eq!(started_at(&lab, "master"), container_start, "the container itself was not restarted");
    let kept: Vec<String> = conn
        .query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'kept_across_restart'")
        .expect("rows");
    assert_eq!(kept, ["kept_across_restart"], "the same data directory");
    drop(conn);

    // A config that stops the server still ends its container, with the server's words.
    std::fs::write(&config, format!("{original}\n[mariadb]\nfoo-bar = 1\n")).expect("written");
    let failed = lab.sqlcourse(&["restart", "master"]);
    assert!(!failed.status.success(), "a bad config fails the restart");
    let said = text(&failed);
    assert!(said.contains("unknown variable 'foo-bar=1'"), "{said}");
    assert!(!said.contains("restarting the server in its container"), "only the current start's log: {said}");
    let state = docker(&["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", &lab.container("master")]);
    assert_eq!(state.trim(), "exited 7", "the server's exit code ends the container");
    std::fs::write(&config, &original).expect("restored");
    lab.ok(&["restart", "master"]);

    // `docker stop` still shuts the server down cleanly; a crash is still a power cut.
    docker(&["stop", &lab.container("slave")]);
    let stopped = docker(&["inspect", "--format", "{{.State.ExitCode}}", &lab.container("slave")]);
    assert_eq!(stopped.trim(), "0", "a clean shutdown");
    lab.ok(&["restart", "slave"]);
    lab.ok(&["crash", "master"]);
    let crashed = docker(&["inspect", "--format", "{{.State.ExitCode}}", &lab.container("master")]);
    assert_eq!(crashed.trim(), "137", "killed, not shut down");
    lab.ok(&["restart", "master"]);
    assert_eq!(lab.sql("master").query_first::<u32, _>("SELECT 1").expect("a row"), Some(1));
}

/// An image named with `SQLCOURSE_IMAGE` (`--image`): a reset still makes each server fresh
/// inside the container it has, as long as that container runs the image named.
#[test]
fn a_reset_on_a_named_image_renews_the_servers_in_their_containers() {
    let Some(mut lab) = TestLab::new("reset-named") else { return };
    lab.env = vec![("SQLCOURSE_IMAGE".to_owned(), "sqlcourse/mariadb:11.8-offline".to_owned())];
    lab.ok(&["up"]);
    let id = |server: &str| docker(&["inspect", "--format", "{{.Id}}", &lab.container(server)]).trim().to_owned();
    let before = (id("master"), id("slave"));
    lab.sql("master").query_drop("CREATE DATABASE learner_work").expect("created");
    let password = lab.password();
    // What the screen's `a` leaves of the application's last run belongs to the old lab.
    let app_run = lab.workspace().join(".app-last-run.json");
    std::fs::write(&app_run, r#"{"started_at": 1, "ended_at": 2, "code": 0}"#).expect("writes");
    lab.ok(&["reset", "--yes"]);
    assert_eq!((id("master"), id("slave")), before, "the same containers, renewed inside");
    assert!(!app_run.exists(), "the old lab's application run is forgotten");
    assert_ne!(lab.password(), password, "a new root password");
    let left: Vec<String> = lab
        .sql("master")
        .query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'learner_work'")
        .expect("rows");
    assert!(left.is_empty(), "reset gives exactly a fresh lab");
}
