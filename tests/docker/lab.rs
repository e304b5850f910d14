//! The lab against the real Docker engine and real MariaDB servers, no mocks.
//!
//! Each test runs its own lab (`SQLCOURSE_LAB_NAME`), workspace and data folder, and removes
//! exactly the objects labelled with its lab name, before and after (even when it fails).
//! Under `CI=true` the tests never skip; elsewhere they skip with a printed reason when no
//! Docker engine answers.

use std::net::{Ipv4Addr, TcpListener};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bollard::query_parameters::StopContainerOptionsBuilder;
use mysql::prelude::Queryable;
use sqlcourse::course::content::Content;
use sqlcourse::lab::{ContainerState, Lab, LabEvent, LabNames, ServerChoice};
use sqlcourse::learner::workspace::Workspace;


use crate::common::{TestLab, runtime, text};

impl TestLab {
    fn inspect(&self, server: &str) -> Option<bollard::models::ContainerInspectResponse> {
        self.block_on(self.docker.inspect_container(&self.container(server), None)).ok()
    }
}

fn mode(path: &Path) -> u32 {
    let permissions = std::fs::metadata(path).expect("metadata").permissions();
    std::os::unix::fs::PermissionsExt::mode(&permissions) & 0o777
}

fn set_mode(path: &Path, mode: u32) {
    let permissions = std::os::unix::fs::PermissionsExt::from_mode(mode);
    std::fs::set_permissions(path, permissions).expect("chmod");
}

fn scalar<T: mysql::prelude::FromValue>(conn: &mut mysql::Conn, sql: &str) -> T {
    conn.query_first(sql).expect(sql).expect("one row")
}

#[test]
fn up_starts_two_servers_answering_sql_on_loopback_ports_and_reattaches() {
    let Some(lab) = TestLab::new("up") else { return };
    let started = Instant::now();
    let out = lab.ok(&["up"]);
    eprintln!("up from nothing: {:?}", started.elapsed());
    assert!(out.contains(&lab.workspace().display().to_string()), "up shows the workspace:\n{out}");

    let status = lab.status();
    assert_eq!(status["workspace"], lab.workspace().display().to_string());
    for server in ["master", "slave"] {
        let entry = lab.server(server);
        assert_eq!(entry["state"], "running", "{entry}");
        assert_eq!(entry["host"], "127.0.0.1");
        assert!(entry["ip"].as_str().is_some_and(|ip| !ip.is_empty()), "{entry}");
        assert_eq!(entry["replication"]["summary"], "not configured");

        let container = lab.inspect(server).expect("the container exists");
        let bindings = container.host_config.and_then(|h| h.port_bindings).expect("port bindings");
        for binding in bindings.values().flatten().flatten() {
            assert_eq!(binding.host_ip.as_deref(), Some("127.0.0.1"), "published on loopback only");
        }
        let env = container.config.and_then(|c| c.env).unwrap_or_default();
        assert!(
            env.iter()
                .all(|e| !e.starts_with("MARIADB_REPLICATION") && !e.starts_with("MARIADB_MASTER"))
        );

        let mut conn = lab.sql(server);
        assert_eq!(scalar::<u32>(&mut conn, "SELECT 1"), 1);
        let seeded: u32 = scalar(
            &mut conn,
            "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'shop' AND TABLE_NAME = 'customers'",
        );
        assert_eq!(seeded, 1, "the seed ran on the {server}");
        let log: Vec<(String, String)> = conn
            .query("SHOW GLOBAL VARIABLES WHERE Variable_name IN ('general_log', 'log_output')")
            .expect("variables");
        assert!(log.contains(&("general_log".to_owned(), "ON".to_owned())), "{log:?}");
        assert!(log.contains(&("log_output".to_owned(), "TABLE".to_owned())), "{log:?}");
        // The starting config must not solve the tasks: stock server ids and no binary log.
        assert_eq!(entry["server_id"], 1);
        assert_eq!(entry["log_bin"], false);
    }
    assert_eq!(mode(&lab.workspace().join(".root-password")), 0o600);
    assert_eq!(mode(&lab.config_file("master")), 0o644);

    let ids = ["master", "slave"].map(|s| lab.inspect(s).and_then(|c| c.id));
    lab.ok(&["up"]);
    let after = ["master", "slave"].map(|s| lab.inspect(s).and_then(|c| c.id));
    assert_eq!(ids, after, "a second up re-attaches to the same containers");
}

#[test]
fn a_config_edit_and_restart_change_the_live_server_id() {
    let Some(lab) = TestLab::new("restart") else { return };
    lab.ok(&["up"]);
    let file = lab.config_file("slave");
    let config = std::fs::read_to_string(&file).expect("slave config");
    std::fs::write(&file, config.replace("# server-id = ?", "server-id = 7")).expect("edit");
    // Saved world-writable, the server would ignore the file; the lab gives it 0644.
    set_mode(&file, 0o666);
    let started = Instant::now();
    let out = lab.ok(&["restart", "slave"]);
    eprintln!("restart: {:?}", started.elapsed());
    assert!(out.contains("slave restarted"), "{out}");
    assert_eq!(scalar::<u32>(&mut lab.sql("slave"), "SELECT @@server_id"), 7);
    assert_eq!(lab.server("slave")["server_id"], 7);
    assert_eq!(lab.server("master")["server_id"], 1, "the master was left alone");
    assert_eq!(mode(&file), 0o644);
}

#[test]
fn a_broken_config_names_its_line_and_up_and_restart_recover_once_fixed() {
    let Some(lab) = TestLab::new("broken") else { return };
    lab.ok(&["up"]);
    let file = lab.config_file("master");
    let good = std::fs::read(&file).expect("master config");
    let mut broken = good.clone();
    broken.extend_from_slice(b"server-idd = 2\n");
    let line = String::from_utf8_lossy(&broken).lines().count();
    std::fs::write(&file, &broken).expect("break the config");

    let started = Instant::now();
    let out = lab.sqlcourse(&["restart", "master"]);
    assert!(!out.status.success(), "a broken config fails:\n{}", text(&out));
    assert!(started.elapsed() < Duration::from_secs(20), "the crash was noticed at once");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{}:{line}: server-idd = 2", file.display())), "{stderr}");
    assert!(stderr.contains("unknown variable 'server-idd=2'"), "{stderr}");
    assert!(stderr.contains("last lines of its log"), "{stderr}");
    assert_eq!(std::fs::read(&file).expect("config"), broken, "the learner's file is untouched");
    assert_eq!(lab.server("master")["state"], "exited");

    // `up` fails the same way while the file is broken, and recovers once it is fixed.
    let out = lab.sqlcourse(&["up"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("server-idd"), "{}", text(&out));
    std::fs::write(&file, &good).expect("fix the config");
    lab.ok(&["up"]);
    assert_eq!(scalar::<u32>(&mut lab.sql("master"), "SELECT 1"), 1);

    // And `restart` recovers too.
    std::fs::write(&file, &broken).expect("break it again");
    assert!(!lab.sqlcourse(&["restart", "master"]).status.success());
    std::fs::write(&file, &good).expect("fix it again");
    lab.ok(&["restart", "master"]);
    assert_eq!(lab.server("master")["state"], "running");
}

#[test]
fn down_then_up_keeps_the_learners_data_and_edits() {
    let Some(lab) = TestLab::new("down") else { return };
    lab.ok(&["up"]);
    let mut conn = lab.sql("master");
    conn.query_drop("CREATE DATABASE learner").expect("create");
    conn.query_drop("CREATE TABLE learner.notes (id INT PRIMARY KEY, body TEXT)").expect("create");
    conn.query_drop("INSERT INTO learner.notes VALUES (1, 'kept')").expect("insert");
    drop(conn);
    let file = lab.config_file("master");
    let edited =
        std::fs::read_to_string(&file).expect("config").replace("# server-id = ?", "server-id = 5");
    std::fs::write(&file, &edited).expect("edit");
    let password = lab.password();

    lab.ok(&["down"]);
    let (containers, networks, volumes) = lab.count_labelled();
    assert_eq!((containers, networks, volumes), (0, 0, 2), "down keeps only the data volumes");
    assert_eq!(lab.server("master")["state"], "missing");

    lab.ok(&["up"]);
    assert_eq!(lab.password(), password);
    assert_eq!(std::fs::read_to_string(&file).expect("config"), edited);
    let mut conn = lab.sql("master");
    assert_eq!(scalar::<String>(&mut conn, "SELECT body FROM learner.notes WHERE id = 1"), "kept");
    assert_eq!(scalar::<u32>(&mut conn, "SELECT @@server_id"), 5);
}

#[test]
fn reset_gives_a_fresh_lab_and_spares_unlabelled_lookalikes() {
    let Some(lab) = TestLab::new("reset") else { return };
    lab.ok(&["up"]);
    lab.sql("master").query_drop("CREATE DATABASE learner").expect("create");
    let file = lab.config_file("slave");
    let start = std::fs::read_to_string(&file).expect("config");
    std::fs::write(&file, "[mysqld]\nserver-id = 9\n").expect("edit");
    let old_password = lab.password();
    let progress = lab.data_home().join("sqlcourse/progress/day20.json");
    std::fs::create_dir_all(progress.parent().expect("a folder")).expect("mkdir");
    std::fs::write(&progress, "{}").expect("progress");

    // A container named like the lab's but not labelled by it must survive.
    let lookalike = format!("{}-old", lab.container("master"));
    lab.create_unlabelled(&lookalike);

    let refused = lab.sqlcourse(&["reset"]);
    assert!(!refused.status.success(), "reset without --yes and without a terminal asks first");
    assert!(progress.exists(), "nothing changed without confirmation");

    let started = Instant::now();
    lab.ok(&["reset", "--yes"]);
    eprintln!("reset: {:?}", started.elapsed());

    let mut conn = lab.sql("master");
    let learner: u32 = scalar(
        &mut conn,
        "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'learner'",
    );
    assert_eq!(learner, 0, "the learner's tables are gone");
    let seeded: u32 = scalar(
        &mut conn,
        "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'shop'",
    );
    assert_eq!(seeded, 1, "the fresh lab is seeded");
    assert_eq!(std::fs::read_to_string(&file).expect("config"), start, "starting config restored");
    assert_ne!(lab.password(), old_password, "a new root password");
    assert!(!progress.exists(), "progress cleared");
    assert!(
        lab.block_on(lab.docker.inspect_container(&lookalike, None)).is_ok(),
        "the unlabelled lookalike survives reset"
    );
    assert_eq!(lab.server("slave")["server_id"], 1);
}

#[test]
fn a_container_with_the_labs_name_but_not_its_label_is_never_touched() {
    let Some(lab) = TestLab::new("foreign") else { return };
    let name = lab.container("master");
    lab.create_unlabelled(&name);
    for args in [&["up"][..], &["restart", "master"], &["reset", "--yes"]] {
        let out = lab.sqlcourse(args);
        assert!(!out.status.success(), "{args:?} must refuse:\n{}", text(&out));
        assert!(String::from_utf8_lossy(&out.stderr).contains("did not create"), "{}", text(&out));
    }
    let container = lab.inspect("master").expect("the foreign container is still there");
    let state = container.state.and_then(|s| s.status).map(|s| s.to_string());
    assert_eq!(state.as_deref(), Some("created"), "and was neither started nor stopped");
}

#[test]
fn an_abandoned_half_created_lab_converges_on_the_next_up() {
    let Some(lab) = TestLab::new("abandoned") else { return };
    // A run killed while creating: stop it as soon as it reports creating containers.
    let mut child = lab.command(&["up"]).stderr(Stdio::piped()).spawn().expect("sqlcourse up");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stderr));
    let saw_creating = lines.any(|l| l.is_ok_and(|l| l.contains("creating")));
    child.kill().expect("kill");
    let _ = child.wait();
    assert!(saw_creating, "up reported creating its containers");
    lab.ok(&["up"]);
    for server in ["master", "slave"] {
        assert_eq!(scalar::<u32>(&mut lab.sql(server), "SELECT 1"), 1);
    }

    // A lab whose network vanished under a stopped container (an interrupted `down`).
    lab.sql("master").query_drop("CREATE DATABASE learner").expect("create");
    let stop = StopContainerOptionsBuilder::default().t(2).build();
    for server in ["master", "slave"] {
        lab.block_on(lab.docker.stop_container(&lab.container(server), Some(stop.clone())))
            .expect("stop");
    }
    lab.block_on(lab.docker.remove_network(&format!("sqlcourse-{}", lab.name)))
        .expect("remove network");
    lab.ok(&["up"]);
    let mut conn = lab.sql("master");
    let kept: u32 = scalar(
        &mut conn,
        "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'learner'",
    );
    assert_eq!(kept, 1, "the data survived");
    assert!(lab.server("slave")["ip"].as_str().is_some(), "the slave is back on the lab network");
}

#[test]
fn a_taken_port_leads_to_another_free_port() {
    let Some(mut lab) = TestLab::new("ports") else { return };
    // A second description of the lab, with preferred ports chosen here: no Rust involved.
    let content = lab.dir.path().join("content");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("labs"), &content.join("labs"));
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons"), &content.join("lessons"));
    let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let busy = taken.local_addr().expect("addr").port();
    let lab_toml = content.join("labs/day20/lab.toml");
    let spec = std::fs::read_to_string(&lab_toml).expect("lab.toml");
    std::fs::write(&lab_toml, spec.replace("port = 13306", &format!("port = {busy}")))
        .expect("write");
    lab.content = Some(content);

    let out = lab.ok(&["up"]);
    let port = lab.server("master")["port"].as_u64().expect("a port") as u16;
    assert_ne!(port, busy, "the taken port was not used");
    assert!(out.contains(&format!("127.0.0.1:{port}")), "up prints the port it chose:\n{out}");
    assert_eq!(scalar::<u32>(&mut lab.sql("master"), "SELECT 1"), 1);
    drop(taken);
}

#[test]
fn the_library_reports_progress_and_servers_for_the_tui() {
    let Some(lab) = TestLab::new("api") else { return };
    let day = Content::Embedded.day("day20").expect("day20");
    let workspace = Workspace { root: lab.workspace() };
    let engine = lab.block_on(sqlcourse::lab::docker::connect()).expect("engine");
    let names = LabNames::new(&lab.name).expect("names");
    let choice = ServerChoice { engine: None, image: std::env::var("SQLCOURSE_IMAGE").ok() };
    let api = std::sync::Arc::new(Lab::new(engine, day, workspace, names, choice));
    // As the TUI does: `up` on a background task, progress through a channel, and the
    // cheap `servers()` query polled meanwhile.
    let runtime = runtime();
    let (sender, receiver) = std::sync::mpsc::channel();
    let task = runtime.spawn({
        let api = api.clone();
        async move {
            let send = move |e: LabEvent| {
                let _ = sender.send(e);
            };
            api.up(&send).await
        }
    });
    let mut states = Vec::new();
    while !task.is_finished() {
        let now = runtime.block_on(api.servers()).expect("servers");
        states.extend(now.into_iter().map(|s| s.state));
        std::thread::sleep(Duration::from_millis(50));
    }
    let servers = runtime.block_on(task).expect("the task ran").expect("up");
    let events: Vec<LabEvent> = receiver.try_iter().collect();
    for name in ["master", "slave"] {
        let waiting = events.iter().position(|e| *e == LabEvent::Waiting(name.to_owned()));
        let ready = events.iter().position(|e| *e == LabEvent::Ready(name.to_owned()));
        assert!(waiting.is_some() && waiting < ready, "{name}: {events:?}");
    }
    assert!(states.contains(&ContainerState::Starting), "servers() shows starting: {states:?}");
    assert_eq!(servers.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["master", "slave"]);
    for server in &servers {
        assert!(server.state.is_running(), "{server:?}");
        assert!(server.ip.is_some(), "{server:?}");
        let endpoint = server.endpoint.clone().expect("an endpoint");
        let mut conn = endpoint.connect().expect("connect with the endpoint");
        assert_eq!(scalar::<String>(&mut conn, "SELECT @@hostname"), server.name);
    }
    // Other servers reach each one by its name on the lab network.
    for server in ["master", "slave"] {
        let container = lab.inspect(server).expect("container");
        let networks = container.network_settings.and_then(|n| n.networks).expect("networks");
        let endpoint = &networks[&format!("sqlcourse-{}", lab.name)];
        assert!(endpoint.aliases.iter().flatten().any(|a| a == server), "{endpoint:?}");
    }
}

#[test]
fn replication_runs_over_tls_and_status_summarises_it() {
    let Some(lab) = TestLab::new("replication") else { return };
    // The learner turns on the binary log before the first start: the seed must stay out of it.
    let master_cnf = lab.config_file("master");
    std::fs::create_dir_all(master_cnf.parent().expect("folder")).expect("mkdir");
    std::fs::write(&master_cnf, "[mysqld]\nlog-bin = mysql-bin\n").expect("master config");
    lab.ok(&["up"]);
    let mut master = lab.sql("master");
    let events: Vec<mysql::Row> =
        master.query("SHOW BINLOG EVENTS IN 'mysql-bin.000001'").expect("events");
    let logged = format!("{events:?}");
    assert!(!logged.contains("shop"), "the seed reached the binary log: {logged}");
    master
        .query_drop("CREATE USER 'repl'@'%' IDENTIFIED BY 'repl-pw'; GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%'")
        .expect("replication account");
    let mut slave = lab.sql("slave");
    slave
        .query_drop(
            "CHANGE MASTER TO MASTER_HOST='master', MASTER_USER='repl', MASTER_PASSWORD='repl-pw', \
             MASTER_LOG_FILE='mysql-bin.000001', MASTER_LOG_POS=4; START SLAVE",
        )
        .expect("point the slave at the master");
    // Both servers still run with server_id 1: the replica refuses, and status says why
    // (MariaDB 11.8 says "equal MariaDB server ids", older servers "equal MySQL server ids").
    // The IO thread reads "Preparing" for a moment after the error appears: wait for it to stop.
    let summary =
        wait_for_summary(&lab, |s| s.contains("server ids") && !s.starts_with("IO Preparing"));
    assert!(summary.starts_with("IO No"), "{summary}");

    let slave_cnf = lab.config_file("slave");
    let text = std::fs::read_to_string(&slave_cnf).expect("slave config");
    std::fs::write(&slave_cnf, text.replace("# server-id = ?", "server-id = 2")).expect("edit");
    lab.ok(&["restart", "slave"]);
    let summary = wait_for_summary(&lab, |s| s.starts_with("IO Yes, SQL Yes"));
    assert!(summary.ends_with("s behind"), "{summary}");
    let human = lab.ok(&["status"]);
    assert!(human.contains("IO Yes, SQL Yes"), "{human}");

    lab.sql("master")
        .query_drop("INSERT INTO shop.customers (name, email) VALUES ('Ada', 'ada@example.org')")
        .expect("insert");
    let mut slave = lab.sql("slave");
    let arrived = (0..100).any(|_| {
        let n: u32 = scalar(&mut slave, "SELECT COUNT(*) FROM shop.customers WHERE name = 'Ada'");
        n == 1 || {
            std::thread::sleep(Duration::from_millis(100));
            false
        }
    });
    assert!(arrived, "the row reached the slave");
    let status: mysql::Row =
        slave.query_first("SHOW SLAVE STATUS").expect("status").expect("a row");
    let tls: Option<String> = status.get("Master_SSL_Allowed");
    assert_eq!(tls.as_deref(), Some("Yes"), "replication runs over TLS");
}

/// Polls `status --json` until the slave's replication summary satisfies `done` (10 s at most).
fn wait_for_summary(lab: &TestLab, done: impl Fn(&str) -> bool) -> String {
    let mut summary = String::new();
    for _ in 0..100 {
        summary =
            lab.server("slave")["replication"]["summary"].as_str().unwrap_or_default().to_owned();
        if done(&summary) {
            return summary;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("replication summary never matched; last: {summary}")
}

#[test]
fn a_missing_image_falls_back_to_the_offline_one_or_is_built_or_names_the_build_command() {
    let Some(lab) = TestLab::new("image") else { return };
    let offline = "sqlcourse/mariadb:11.8-offline";
    let spec = |offline: &str| sqlcourse::course::spec::EngineSpec {
        image: format!("sqlcourse-test/{}:none", lab.name),
        offline: Some(offline.to_owned()),
        build_command: Some("labs/image/build-offline.sh".to_owned()),
        password_env: "MARIADB_ROOT_PASSWORD".to_owned(),
        client: "mariadb".to_owned(),
        hints: Default::default(),
    };
    // A course whose offline build fails at once, so the message after a failed build shows.
    let course = tempfile::tempdir().expect("a temp dir");
    std::fs::create_dir_all(course.path().join("labs/image")).expect("mkdir");
    std::fs::write(
        course.path().join("labs/image/build-offline.sh"),
        "echo \"debootstrap: not found (engine $DOCKER_HOST)\" >&2\nexit 1\n",
    )
    .expect("write the script");
    let content = sqlcourse::course::content::Content::Dir(course.path().to_owned());
    let events = std::sync::Mutex::new(Vec::new());
    let record = |e: LabEvent| events.lock().expect("events").push(e);
    let address = crate::common::engine().expect("the engine").address;
    let engine = sqlcourse::lab::image::Engine { docker: &lab.docker, address: &address };
    let chosen = lab
        .block_on(sqlcourse::lab::image::ensure(&engine, &content, &spec(offline), None, &record))
        .expect("the offline image is used");
    assert_eq!(chosen, offline);
    let events = events.into_inner().expect("events");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, LabEvent::ImageFallback { using, .. } if using == offline)),
        "the fallback is announced: {events:?}"
    );

    let missing = format!("sqlcourse-test/{}:missing", lab.name);
    let built = std::sync::Mutex::new(Vec::new());
    let record = |e: LabEvent| built.lock().expect("events").push(e);
    let err = lab
        .block_on(sqlcourse::lab::image::ensure(&engine, &content, &spec(&missing), None, &record))
        .expect_err("no image at all");
    let message = err.to_string();
    assert!(message.contains("labs/image/build-offline.sh"), "{message}");
    assert!(message.contains(&missing), "{message}");
    assert!(message.contains("debootstrap: not found"), "the build's own words: {message}");
    assert!(message.contains(&format!("(engine {address})")), "the build runs on sqlcourse's engine: {message}");
    let built = built.into_inner().expect("events");
    assert!(
        built.iter().any(|e| matches!(e, LabEvent::Building { line } if line.contains("debootstrap"))),
        "the build's output is reported: {built:?}"
    );
}

#[test]
fn reset_converges_from_nothing() {
    let Some(lab) = TestLab::new("reset-nothing") else { return };
    lab.ok(&["reset", "--yes"]);
    assert_eq!(scalar::<u32>(&mut lab.sql("slave"), "SELECT 1"), 1);
    assert_eq!(lab.count_labelled(), (2, 1, 2));
}

#[test]
fn no_engine_gives_one_clear_message_quickly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_sqlcourse"))
        .args(["day20", "status"])
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .env("SQLCOURSE_HOME", dir.path())
        .output()
        .expect("runs");
    // No engine to wait for: the margin is for a busy machine starting the process.
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no Docker engine answered"), "{stderr}");
    assert!(stderr.contains("unix:///nonexistent/docker.sock"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one message: {stderr}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn the_lab_keeps_its_engine_and_checks_the_one_that_answers() {
    let Some(mut lab) = TestLab::new("engine") else { return };
    lab.ok(&["up"]);
    for server in ["master", "slave"] {
        let entry = lab.server(server);
        assert_eq!(entry["engine"], "mariadb", "{entry}");
        assert!(entry["version"].as_str().is_some_and(|v| v.contains("MariaDB")), "{entry}");
        let labels = lab.inspect(server).and_then(|c| c.config).and_then(|c| c.labels).expect("labels");
        assert_eq!(labels.get("io.sqlcourse.engine").map(String::as_str), Some("mariadb"));
    }
    let human = lab.ok(&["status"]);
    assert!(human.contains("ENGINE") && human.contains("MariaDB 11.8"), "{human}");

    // Another engine for a lab that exists: refused, with the way to switch.
    lab.env = vec![("SQLCOURSE_ENGINE".to_owned(), "mysql".to_owned())];
    let out = lab.sqlcourse(&["up"]);
    assert!(!out.status.success(), "{}", text(&out));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("runs MariaDB") && said.contains("reset --engine mysql"), "{said}");

    // The engine is read from the server, not assumed: the MariaDB image started as a MySQL
    // lab (it takes MYSQL_ROOT_PASSWORD too) is found out once it answers.
    lab.env.push(("SQLCOURSE_IMAGE".to_owned(), "sqlcourse/mariadb:11.8-offline".to_owned()));
    let out = lab.sqlcourse(&["reset", "--yes"]);
    assert!(!out.status.success(), "{}", text(&out));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("runs MariaDB") && said.contains("set up for MySQL"), "{said}");
    assert!(said.contains("reset --engine mariadb"), "{said}");
    let labels = lab.inspect("master").and_then(|c| c.config).and_then(|c| c.labels).expect("labels");
    assert_eq!(labels.get("io.sqlcourse.engine").map(String::as_str), Some("mysql"));

    // Without a choice, reset keeps the lab's engine; choosing MariaDB again brings it back.
    lab.env = vec![("SQLCOURSE_ENGINE".to_owned(), "mariadb".to_owned())];
    lab.ok(&["reset", "--yes"]);
    lab.env.clear();
    lab.ok(&["reset", "--yes"]);
    assert_eq!(lab.server("master")["engine"], "mariadb");
}
