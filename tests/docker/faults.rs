//! Faults and bad input, on real containers: each gives a clear message, leaves the learner's
//! files and data alone, and the next command recovers.
//!
//! Cases other test files already cover are not repeated here (see the README's "Faults and bad input" for the
//! map of fault → test).


use std::collections::HashMap;
use std::io::BufRead;
use std::net::{Ipv4Addr, TcpListener};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::tmux::Tmux;

use bollard::query_parameters::{
    KillContainerOptions, ListContainersOptionsBuilder, RemoveContainerOptionsBuilder,
    StopContainerOptionsBuilder,
};
use mysql::prelude::Queryable;

use crate::common::{TestLab, check, task, text};

/// A port on 127.0.0.1 that takes connections and never says a word: an engine or a registry
/// that hangs.
fn silent_port() -> (TcpListener, u16) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let port = listener.local_addr().expect("addr").port();
    (listener, port)
}

fn scalar<T: mysql::prelude::FromValue>(conn: &mut mysql::Conn, sql: &str) -> T {
    conn.query_first(sql).expect(sql).expect("one row")
}

fn has_schema(lab: &TestLab, server: &str, schema: &str) -> bool {
    let sql = format!(
        "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{schema}'"
    );
    scalar::<u32>(&mut lab.sql(server), &sql) == 1
}

fn port_of(lab: &TestLab, server: &str) -> u16 {
    lab.server(server)["port"].as_u64().expect("a port") as u16
}

fn stop(lab: &TestLab, server: &str) {
    let options = StopContainerOptionsBuilder::default().t(1).build();
    lab.block_on(lab.docker.stop_container(&lab.container(server), Some(options))).expect("stop");
}

#[test]
fn no_engine_at_a_missing_refusing_or_silent_address_is_reported_without_hanging() {
    let (_silent, port) = silent_port();
    let home = tempfile::tempdir().expect("temp dir");
    let silent = format!("tcp://127.0.0.1:{port}");
    for (host, why) in [
        ("unix:///nonexistent.sock", "no socket"),
        ("tcp://127.0.0.1:1", "connection refused"),
        (silent.as_str(), "no answer within"),
    ] {
        let started = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_sqlcourse"))
            .args(["day20", "up"])
            .env("DOCKER_HOST", host)
            .env("SQLCOURSE_LAB_NAME", "t-noengine")
            .env("SQLCOURSE_HOME", home.path().join("home"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .stdin(Stdio::null())
            .output()
            .expect("sqlcourse runs");
        let took = started.elapsed();
        eprintln!("{host}: reported after {took:?}");
        // A silent engine is given up after its 1.5 s answer timeout; the margin is for a busy
        // machine starting the process, not for waiting on the engine.
        assert!(took < Duration::from_secs(5), "{host}: took {took:?}");
        assert!(!out.status.success(), "{}", text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "one message: {stderr}");
        assert!(stderr.contains(&format!("tried {host} ({why}")), "{stderr}");
        assert!(stderr.contains("sudo systemctl start docker"), "says how: {stderr}");
    }
    assert!(!home.path().join("home/day20").exists(), "nothing was set up without an engine");
}

#[test]
fn an_image_that_cannot_be_had_names_the_build_command_and_never_hangs() {
    let Some(lab) = TestLab::new("noimage") else { return };
    let missing = "sqlcourse/does-not-exist:1";
    let started = Instant::now();
    let out = lab.sqlcourse(&["--image", missing, "up"]);
    assert!(!out.status.success(), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("cannot pull the image {missing}")), "{stderr}");
    assert!(stderr.contains("`labs/image/build-offline.sh`"), "names the build: {stderr}");
    eprintln!("unknown image reported after {:?}", started.elapsed());

    // A registry that takes the connection and never answers: the pull gives up by itself.
    let (_silent, port) = silent_port();
    let hanging = format!("127.0.0.1:{port}/sqlcourse/none:1");
    let started = Instant::now();
    let out = lab.sqlcourse(&["--image", &hanging, "up"]);
    let took = started.elapsed();
    eprintln!("silent registry reported after {took:?}");
    assert!(!out.status.success(), "{}", text(&out));
    assert!(took < Duration::from_secs(15), "took {took:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("cannot pull the image {hanging}")), "{stderr}");
    // An engine in a VM has a loopback of its own, where nothing listens at all.
    assert!(
        stderr.contains("no answer from the registry within 8 s")
            || stderr.contains("connection refused"),
        "{stderr}"
    );
    assert_eq!(lab.count_labelled().0, 0, "no container was made");

    // Without the bad image the lab comes up as usual.
    lab.ok(&["up"]);
    assert!(has_schema(&lab, "master", "shop"));
}

#[test]
fn a_port_taken_while_the_lab_was_stopped_moves_the_server_and_keeps_its_data() {
    let Some(lab) = TestLab::new("portmove") else { return };
    lab.ok(&["up"]);
    lab.sql("master").query_drop("CREATE DATABASE learner").expect("create");

    // `restart` of a stopped server whose port someone took meanwhile.
    let old = port_of(&lab, "master");
    stop(&lab, "master");
    let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, old)).expect("take the master's port");
    let out = lab.ok(&["restart", "master"]);
    let new = port_of(&lab, "master");
    assert_ne!(new, old);
    assert!(out.contains(&format!("127.0.0.1:{new}")), "restart names the new port:\n{out}");
    assert!(has_schema(&lab, "master", "learner"), "the data moved with the server");
    drop(taken);

    // `up` of a stopped lab whose ports were both taken.
    let ports = [port_of(&lab, "master"), port_of(&lab, "slave")];
    stop(&lab, "master");
    stop(&lab, "slave");
    let _taken: Vec<TcpListener> = ports
        .iter()
        .map(|p| TcpListener::bind((Ipv4Addr::LOCALHOST, *p)).expect("take a port"))
        .collect();
    lab.ok(&["up"]);
    for (server, old) in ["master", "slave"].into_iter().zip(ports) {
        assert_ne!(port_of(&lab, server), old, "{server}");
        assert_eq!(lab.server(server)["state"], "running");
    }
    assert!(has_schema(&lab, "master", "learner"));
    assert_eq!(lab.count_labelled(), (2, 1, 2), "moved, not duplicated");
}

#[test]
fn a_container_killed_from_outside_is_seen_within_two_seconds_and_restart_recovers() {
    let Some(lab) = TestLab::new("killed") else { return };
    lab.ok(&["up"]);
    lab.sql("master").query_drop("CREATE DATABASE learner").expect("create");
    let config = std::fs::read(lab.config_file("master")).expect("config");
    let (_, tasks) = check(&lab);
    assert_ne!(task(&tasks, "master-config")["diagnosis"], "server-down", "{tasks:#?}");

    let master = lab.container("master");
    lab.block_on(lab.docker.kill_container(&master, None::<KillContainerOptions>))
        .expect("kill the master");
    let killed = Instant::now();
    let seen = loop {
        let (_, tasks) = check(&lab);
        let master = task(&tasks, "master-config").clone();
        if master["diagnosis"] == "server-down" {
            break master;
        }
        assert!(killed.elapsed() < Duration::from_secs(2), "not seen in 2 s: {master:#}");
    };
    eprintln!("killed master seen after {:?}", killed.elapsed());
    assert!(killed.elapsed() < Duration::from_secs(2));
    assert_eq!(seen["status"], "failing");
    let reason = seen["reason"].as_str().expect("a reason");
    assert!(reason.contains("the master is not answering") && reason.contains("exited"), "{reason}");
    let hint = seen["hint"].as_str().expect("a hint");
    assert!(hint.contains("sqlcourse day20 restart master"), "{hint}");
    assert_eq!(lab.server("master")["state"], "exited");
    assert_eq!(lab.server("slave")["state"], "running", "the slave is left alone");

    lab.ok(&["restart", "master"]);
    let (_, tasks) = check(&lab);
    assert_ne!(task(&tasks, "master-config")["diagnosis"], "server-down", "{tasks:#?}");
    assert!(has_schema(&lab, "master", "learner"), "the learner's data survived");
    assert_eq!(std::fs::read(lab.config_file("master")).expect("config"), config);
}

/// When to kill `up`.
enum KillPoint {
    /// As soon as Docker lists one of the lab's containers.
    ContainerExists,
    /// As soon as `up` prints a line containing this.
    Said(&'static str),
}

#[test]
fn up_killed_at_any_point_converges_on_the_next_up() {
    let Some(lab) = TestLab::new("sigkill") else { return };
    let points = [
        KillPoint::ContainerExists,
        KillPoint::Said("waiting until it accepts SQL"),
        KillPoint::Said("loading the starting data"),
    ];
    for point in points {
        lab.remove_labelled();
        let _ = std::fs::remove_dir_all(lab.workspace());
        let mut child = lab.command(&["up"]).stderr(Stdio::piped()).spawn().expect("sqlcourse up");
        let (lines, said) = mpsc::channel();
        let stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let reached = match point {
            KillPoint::ContainerExists => {
                let filter =
                    HashMap::from([("label", vec![format!("io.sqlcourse.lab={}", lab.name)])]);
                let options =
                    ListContainersOptionsBuilder::default().all(true).filters(&filter).build();
                loop {
                    let listed = lab.block_on(lab.docker.list_containers(Some(options.clone())));
                    if !listed.expect("containers").is_empty() {
                        break "a container exists".to_owned();
                    }
                    assert!(Instant::now() < deadline, "no container appeared");
                    assert!(child.try_wait().expect("wait").is_none(), "up ended first");
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
            KillPoint::Said(words) => loop {
                match said.recv_timeout(Duration::from_secs(60)) {
                    Ok(line) if line.contains(words) => break line,
                    Ok(_) => {}
                    // A fresh server that copies the course's initialised data directory has
                    // its starting data already, and up ends without seeding.
                    Err(mpsc::RecvTimeoutError::Disconnected) => {
                        break format!("up ended without saying {words:?}")
                    }
                    Err(e) => panic!("up's progress: {e}"),
                }
            },
        };
        child.kill().expect("SIGKILL");
        let _ = child.wait();

        lab.ok(&["up"]);
        assert_eq!(lab.count_labelled(), (2, 1, 2), "after a kill when {reached}");
        for server in ["master", "slave"] {
            let mut conn = lab.sql(server);
            let canary: u32 = scalar(&mut conn, "SELECT COUNT(*) FROM sqlcourse_lab.canary");
            assert_eq!(canary, 1, "{server} fully seeded after a kill when {reached}");
            let app: u32 = scalar(&mut conn, "SELECT COUNT(*) FROM mysql.user WHERE user = 'app'");
            assert_eq!(app, 1, "{server}: the application's account");
        }
    }
}

#[test]
fn reset_twice_in_a_row_and_with_the_containers_gone_gives_a_fresh_lab() {
    let Some(lab) = TestLab::new("resets") else { return };
    lab.ok(&["up"]);
    let start = std::fs::read_to_string(lab.config_file("slave")).expect("config");
    lab.sql("master").query_drop("CREATE DATABASE learner").expect("create");
    for round in 1..=2 {
        let started = Instant::now();
        lab.ok(&["reset", "--yes"]);
        eprintln!("reset {round}: {:?}", started.elapsed());
        assert_eq!(lab.count_labelled(), (2, 1, 2), "round {round}");
        assert!(!has_schema(&lab, "master", "learner"));
        assert!(has_schema(&lab, "slave", "shop"), "seeded again");
    }

    lab.sql("master").query_drop("CREATE DATABASE learner").expect("create");
    std::fs::write(lab.config_file("slave"), "[mysqld]\nserver-id = 9\n").expect("edit");
    let force = RemoveContainerOptionsBuilder::default().force(true).build();
    for server in ["master", "slave"] {
        let name = lab.container(server);
        lab.block_on(lab.docker.remove_container(&name, Some(force.clone())))
            .expect("remove the container from outside");
    }
    let started = Instant::now();
    lab.ok(&["reset", "--yes"]);
    eprintln!("reset with the containers gone: {:?}", started.elapsed());
    assert_eq!(lab.count_labelled(), (2, 1, 2));
    assert!(!has_schema(&lab, "master", "learner"), "the old data volume went too");
    assert_eq!(std::fs::read_to_string(lab.config_file("slave")).expect("config"), start);
    assert_eq!(lab.server("slave")["server_id"], 1);
}

#[test]
fn a_malformed_lab_toml_is_named_by_file_and_line() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let good = std::fs::read_to_string(manifest.join("labs/day20/lab.toml")).expect("lab.toml");
    let cases = [
        ("port = 13306", "port = \"x\"", "invalid type: string \"x\", expected u16"),
        ("slug = \"day20\"", "slug = \"day20", "invalid basic string"),
        (
            "server = \"master\", require",
            "server = \"mastr\", require",
            "task `master-config` names server `mastr`, which is not in [[servers]]",
        ),
    ];
    for (from, to, complaint) in cases {
        let course = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(course.path().join("labs/day20")).expect("labs");
        std::fs::create_dir_all(course.path().join("lessons")).expect("lessons");
        std::fs::copy(manifest.join("lessons/day20.md"), course.path().join("lessons/day20.md"))
            .expect("lesson");
        let at = good.find(from).expect("the text to break");
        let line = good[..at].matches('\n').count() + 1;
        let file = course.path().join("labs/day20/lab.toml");
        std::fs::write(&file, good.replacen(from, to, 1)).expect("write");
        let out = Command::new(env!("CARGO_BIN_EXE_sqlcourse"))
            .arg("--content")
            .arg(course.path())
            .args(["day20", "status"])
            .env("SQLCOURSE_HOME", course.path().join("home"))
            .stdin(Stdio::null())
            .output()
            .expect("sqlcourse runs");
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
        let expected = format!("sqlcourse: {}:{line}: {complaint}", file.display());
        assert!(stderr.starts_with(&expected), "expected {expected}\ngot {stderr}");
    }
}

#[test]
fn learner_input_reaches_the_server_as_text_never_through_a_shell() {
    let Some(lab) = TestLab::new("noshell") else { return };
    lab.ok(&["up"]);
    let marker = lab.dir.path().join("touched");
    let m = marker.display();
    let sql = format!("SELECT '$(touch {m})' AS a, '`touch {m}`' AS b, 'x; touch {m}' AS c");
    let out = lab.ok(&["sql", "master", "-e", &sql]);
    for literal in [format!("$(touch {m})"), format!("`touch {m}`"), format!("x; touch {m}")] {
        assert!(out.contains(&literal), "the text came back as typed: {out}");
    }
    for args in [
        vec!["sql".to_owned(), format!("master; touch {m}"), "-e".to_owned(), "SELECT 1".to_owned()],
        vec!["restart".to_owned(), format!("master$(touch {m})")],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = lab.sqlcourse(&args);
        assert!(!out.status.success(), "{}", text(&out));
        assert!(String::from_utf8_lossy(&out.stderr).contains("no server"), "{}", text(&out));
    }
    assert!(!marker.exists(), "no shell ran the learner's text");
}

#[test]
fn the_lesson_in_a_40_by_10_terminal_says_so_and_recovers_when_enlarged() {
    let Some(lab) = TestLab::new("tiny") else { return };
    lab.ok(&["up"]);
    let config = std::fs::read(lab.config_file("master")).expect("config");
    let Some(tmux) = Tmux::start(&lab, 40, 10) else { return };
    tmux.until_shown("too small");
    tmux.resize(100, 30);
    tmux.until_shown("Step 1/");
    tmux.resize(40, 10);
    tmux.until_shown("too small");
    tmux.run(&["send-keys", "-t", "lesson", "q"]);
    assert_eq!(tmux.exit_status(), "0", "the lesson quit cleanly");
    assert_eq!(lab.server("master")["state"], "running", "quitting leaves the lab running");
    assert_eq!(std::fs::read(lab.config_file("master")).expect("config"), config);
}

#[test]
fn a_config_that_stops_the_server_is_shown_on_the_screen_as_the_command_line_shows_it() {
    let Some(lab) = TestLab::new("badcnf") else { return };
    lab.ok(&["up"]);
    let config = lab.config_file("master");
    let good = std::fs::read_to_string(&config).expect("config");
    std::fs::write(&config, format!("{good}\nfoo-bar = 1\n")).expect("break the config");
    let line = good.lines().count() + 2;
    let cli = lab.sqlcourse(&["restart", "master"]);
    let said = text(&cli);
    assert!(!cli.status.success(), "{said}");
    assert!(said.contains(&format!("my.cnf:{line}: foo-bar = 1")), "{said}");
    assert!(said.contains("the server says: unknown variable 'foo-bar=1'"), "{said}");

    let Some(tmux) = Tmux::start(&lab, 220, 40) else { return };
    tmux.until_shown("Step 1/");
    tmux.run(&["send-keys", "-t", "lesson", "r"]);
    let screen = tmux.until_shown("the server says");
    assert!(screen.contains(&format!("master/my.cnf:{line}: foo-bar = 1")), "{screen}");
    assert!(screen.contains("unknown variable 'foo-bar=1'"), "{screen}");
    assert!(!screen.contains("exited with code"), "only the code: {screen}");
    // Fixed, `r` brings it back.
    std::fs::write(&config, &good).expect("fix the config");
    tmux.run(&["send-keys", "-t", "lesson", "r"]);
    tmux.until_shown("restarted with its config file");
    tmux.until_shown("master  ● ready");
    tmux.run(&["send-keys", "-t", "lesson", "q"]);
    assert_eq!(tmux.exit_status(), "0");
}

#[test]
fn a_deleted_workspace_gets_the_running_labs_password_back_and_its_files() {
    let Some(lab) = TestLab::new("lostws") else { return };
    lab.ok(&["up"]);
    let password = lab.password();
    let config = std::fs::read(lab.config_file("master")).expect("config");
    std::fs::remove_dir_all(lab.workspace()).expect("delete the workspace");

    let out = lab.sqlcourse(&["restart", "master"]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("it was read back from the running master"), "{said}");
    assert!(said.contains("missing starting files restored: master/my.cnf"), "{said}");
    assert!(!said.contains(&password), "the password is never printed: {said}");
    assert_eq!(lab.password(), password, "the lab keeps its root password");
    assert_eq!(std::fs::read(lab.config_file("master")).expect("config"), config);
    // The servers answer with it, their data intact.
    assert!(has_schema(&lab, "master", "shop"));
    assert!(has_schema(&lab, "slave", "shop"));

    // The same through `up`, the password file alone gone.
    std::fs::remove_file(lab.workspace().join(".root-password")).expect("delete the password");
    let out = lab.sqlcourse(&["up"]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("read back from the running"), "{said}");
    assert_eq!(lab.password(), password);
}

#[test]
fn reset_refuses_before_removing_anything_when_a_lookalike_is_in_the_way() {
    let Some(lab) = TestLab::new("resetcheck") else { return };
    lab.ok(&["up"]);
    let config = lab.config_file("master");
    let edited = format!("{}# mine\n", std::fs::read_to_string(&config).expect("config"));
    std::fs::write(&config, &edited).expect("edit");
    lab.sql("master").query_drop("CREATE TABLE shop.mine (id INT)").expect("a table");
    let progress = lab.data_home().join("sqlcourse/progress/day20.json");
    std::fs::create_dir_all(progress.parent().expect("a folder")).expect("mkdir");
    std::fs::write(&progress, "{\"completed\":{\"x\":1},\"step\":3}\n").expect("progress");
    lab.ok(&["down"]);

    // A container named like the lab's master, not the lab's.
    let lookalike = lab.container("master");
    lab.create_unlabelled(&lookalike);
    let out = lab.sqlcourse(&["reset", "--yes"]);
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("nothing was reset"), "{said}");
    assert!(said.contains(&format!("a container named {lookalike} exists that this lab did not create")), "{said}");
    assert_eq!(lab.count_labelled().2, 2, "the data volumes are kept");
    assert_eq!(std::fs::read_to_string(&config).expect("config"), edited, "the edit is kept");
    assert!(progress.exists(), "progress is kept");
    // Neither status nor the lab's tasks take it for the lab's master.
    let master = lab.server("master");
    assert_eq!(master["state"], "foreign", "{master}");
    assert!(master["port"].is_null(), "{master}");
    let force = RemoveContainerOptionsBuilder::default().force(true).build();
    lab.block_on(lab.docker.remove_container(&lookalike, Some(force))).expect("remove it");

    // A network named like the lab's, not the lab's.
    let network = format!("sqlcourse-{}", lab.name);
    let request = bollard::models::NetworkCreateRequest {
        name: network.clone(),
        labels: Some(HashMap::from([("io.sqlcourse.test".to_owned(), lab.name.clone())])),
        ..Default::default()
    };
    lab.block_on(lab.docker.create_network(request)).expect("a network");
    let out = lab.sqlcourse(&["reset", "--yes"]);
    let said = text(&out);
    let removed = lab.block_on(lab.docker.remove_network(&network));
    assert!(!out.status.success(), "{said}");
    assert!(said.contains(&format!("a network named {network} exists that this lab did not create")), "{said}");
    removed.expect("remove it");
    assert_eq!(lab.count_labelled().2, 2, "the data volumes are kept");

    // Out of the way, the lab resumes with everything the learner had.
    lab.ok(&["up"]);
    assert_eq!(scalar::<u32>(&mut lab.sql("master"), "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_NAME = 'mine'"), 1);
    assert_eq!(std::fs::read_to_string(&config).expect("config"), edited);
}

#[test]
fn a_deleted_config_file_is_reported_as_missing_and_restart_restores_it() {
    let Some(lab) = TestLab::new("lostcnf") else { return };
    lab.ok(&["up"]);
    let config = lab.config_file("master");
    let starting = std::fs::read(&config).expect("config");
    std::fs::remove_file(&config).expect("delete my.cnf");
    let (_, tasks) = check(&lab);
    let master = task(&tasks, "master-config");
    assert_eq!(master["status"], "failing", "{master:#}");
    let reason = master["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("master/my.cnf is missing: press r"), "{master:#}");
    assert!(!reason.contains("not set"), "{master:#}");
    let out = lab.sqlcourse(&["restart", "master"]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("missing starting files restored: master/my.cnf"), "{said}");
    assert_eq!(std::fs::read(&config).expect("config"), starting);
}

#[test]
fn reset_keeps_the_labs_ports_while_they_are_free() {
    let Some(lab) = TestLab::new("keepports") else { return };
    // The default ports busy (held here, or by someone else's lab): the lab gets others.
    let _held: Vec<TcpListener> =
        [13306, 13307].iter().filter_map(|&p| TcpListener::bind((Ipv4Addr::LOCALHOST, p)).ok()).collect();
    lab.ok(&["up"]);
    let ports = (port_of(&lab, "master"), port_of(&lab, "slave"));
    assert!(ports.0 != 13306 && ports.1 != 13307, "{ports:?}");
    for _ in 0..2 {
        lab.ok(&["reset", "--yes"]);
        assert_eq!((port_of(&lab, "master"), port_of(&lab, "slave")), ports, "the ports stay");
    }
}

#[test]
fn a_dropped_course_database_is_named_with_how_to_get_it_back() {
    let Some(lab) = TestLab::new("dropdb") else { return };
    lab.ok(&["up"]);
    lab.sql("master").query_drop("DROP DATABASE shop").expect("drop");
    let out = lab.sqlcourse(&["check"]);
    let said = text(&out);
    assert!(said.contains("the course's database shop is gone from the master"), "{said}");
    assert!(said.contains("restart master"), "says how: {said}");
    let out = lab.sqlcourse(&["solve"]);
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("the course's database shop is gone from the master"), "{said}");
    assert!(!said.contains("1049"), "{said}");
    // The restart puts the starting data back; the slave's was never touched.
    lab.ok(&["restart", "master"]);
    assert!(has_schema(&lab, "master", "shop"));
    let out = lab.sqlcourse(&["check"]);
    assert!(!text(&out).contains("is gone"), "{}", text(&out));
}

#[test]
fn two_processes_restarting_one_server_at_once_both_succeed() {
    let Some(lab) = TestLab::new("tworestarts") else { return };
    lab.ok(&["up"]);
    let children: Vec<_> = (0..2)
        .map(|_| {
            lab.command(&["restart", "master"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("sqlcourse runs")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("it ends");
        let said = text(&out);
        assert!(out.status.success(), "the other's restart is no failure: {said}");
        assert!(!said.contains("did not start"), "{said}");
    }
    assert_eq!(lab.server("master")["state"], "running");
}
