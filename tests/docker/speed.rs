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
    log.contains("Existing data directory") && !log.contains("Initializing database files")
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
        assert!(!listing.contains(".sqlcourse-complete"), "the copy's marker stays behind: {listing}");
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
