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

use crate::common::tmux::{SCREEN_WAIT, Tmux, pane_text};

use bollard::query_parameters::{
    KillContainerOptions, ListContainersOptionsBuilder, RemoveContainerOptionsBuilder,
};
use mysql::prelude::Queryable;

use crate::common::{TestLab, check, task, text};
use sqlcourse::learner::progress::Progress;

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
    lab.stop("master");
    let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, old)).expect("take the master's port");
    let out = lab.ok(&["restart", "master"]);
    let new = port_of(&lab, "master");
    assert_ne!(new, old);
    assert!(out.contains(&format!("127.0.0.1:{new}")), "restart names the new port:\n{out}");
    assert!(has_schema(&lab, "master", "learner"), "the data moved with the server");
    drop(taken);

    // `up` of a stopped lab whose ports were both taken.
    let ports = [port_of(&lab, "master"), port_of(&lab, "slave")];
    lab.stop("master");
    lab.stop("slave");
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
fn a_container_killed_from_outside_is_seen_by_the_next_check_and_restart_recovers() {
    let Some(lab) = TestLab::new("killed") else { return };
    lab.ok(&["up"]);
    lab.sql("master").query_drop("CREATE DATABASE learner").expect("create");
    let config = std::fs::read(lab.config_file("master")).expect("config");
    let (_, tasks) = check(&lab);
    assert_ne!(task(&tasks, "master-config")["diagnosis"], "server-down", "{tasks:#?}");

    let master = lab.container("master");
    lab.block_on(lab.docker.kill_container(&master, None::<KillContainerOptions>))
        .expect("kill the master");
    // Docker's kill may return before the container has stopped; the first check after it
    // has must see it down, however busy the machine is.
    let deadline = Instant::now() + Duration::from_secs(10);
    while lab
        .block_on(lab.docker.inspect_container(&master, None))
        .ok()
        .and_then(|c| c.state?.running)
        == Some(true)
    {
        assert!(Instant::now() < deadline, "the killed container still runs");
        std::thread::sleep(Duration::from_millis(20));
    }
    let (_, tasks) = check(&lab);
    let seen = task(&tasks, "master-config").clone();
    assert_eq!(seen["diagnosis"], "server-down", "the next check sees it: {seen:#}");
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

/// Two creations that cross (an `up` killed while its request was under way, then the next
/// `up`) leave Docker with two networks of one name, on which it starts no container.
#[test]
fn two_networks_of_the_labs_name_are_made_one_by_the_next_up() {
    let Some(lab) = TestLab::new("twonets") else { return };
    lab.ok(&["up"]);
    let network = format!("sqlcourse-{}", lab.name);
    let first = lab.block_on(lab.docker.inspect_network(&network, None)).expect("the lab's network");
    let force = RemoveContainerOptionsBuilder::default().force(true).v(false).build();
    for server in ["master", "slave"] {
        lab.block_on(lab.docker.remove_container(&lab.container(server), Some(force.clone()))).expect("remove");
    }
    let twin = bollard::models::NetworkCreateRequest {
        name: network.clone(),
        driver: Some("bridge".to_owned()),
        labels: first.labels.clone(),
        ..Default::default()
    };
    if lab.block_on(lab.docker.create_network(twin)).is_err() {
        // Newer engines refuse a second network of a name: nothing to converge.
        eprintln!("skipped: this engine refuses a second network of one name");
        return;
    }
    assert_eq!(lab.count_labelled().1, 2, "two networks of the lab's name");

    lab.ok(&["up"]);
    assert_eq!(lab.count_labelled().1, 1, "one network left");
    let (_, tasks) = check(&lab);
    assert_ne!(task(&tasks, "master-config")["diagnosis"], "server-down", "{tasks:#?}");
    assert!(has_schema(&lab, "slave", "shop"), "the slave answers with the lab's data");
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

/// A server start that fails takes its time to fail (the server's own start, then its exit).
const SLOW_START: Duration = Duration::from_secs(60);

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
    // Opening the lesson starts the stopped master, which fails; then `r`, which fails the
    // same way. Each is waited for, so that no restart is still queued when the file is fixed.
    tmux.until_with(|s| s.contains("the server says"), "the failed start", SLOW_START);
    tmux.run(&["send-keys", "-t", "lesson", "r"]);
    tmux.until_shown("restarting the master…");
    let screen = tmux.until_with(
        |s| s.contains("the server says") && !s.contains("restarting the master…"),
        "the failed restart",
        SLOW_START,
    );
    assert!(screen.contains(&format!("master/my.cnf:{line}: foo-bar = 1")), "{screen}");
    assert!(screen.contains("unknown variable 'foo-bar=1'"), "{screen}");
    assert!(!screen.contains("exited with code"), "only the code: {screen}");
    // Fixed: the lab pane stops quoting the old line, and `r` brings it back.
    std::fs::write(&config, &good).expect("fix the config");
    let told = format!("stopped by master/my.cnf:{line}, edited since: r starts it");
    let edited = tmux.until_with(|s| pane_text(s, "Lab ").contains(&told), &told, SCREEN_WAIT);
    assert!(!pane_text(&edited, "Lab ").contains("foo-bar = 1"), "{edited}");
    // The notice line no longer quotes the refusal either.
    tmux.until_with(
        |s| s.contains("has changed since the master refused it") && !s.contains("the server says"),
        "the notice of the change",
        SCREEN_WAIT,
    );
    tmux.run(&["send-keys", "-t", "lesson", "r"]);
    tmux.until_shown("restarted with its config file");
    tmux.until_shown("master  ● ready");
    // Quitting at once: a restart still queued or under way is finished or dropped, never cut
    // between its stop and its start.
    tmux.run(&["send-keys", "-t", "lesson", "q"]);
    assert_eq!(tmux.exit_status(), "0");
    let master = lab.server("master");
    assert_eq!(
        master["state"], "running",
        "the master survives the quit: {master}"
    );
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
    let force = RemoveContainerOptionsBuilder::default().force(true).v(true).build();
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

#[test]
fn a_progress_file_that_goes_bad_while_the_screen_is_open_is_warned_of_there_and_at_quit() {
    let Some(lab) = TestLab::new("badprogress") else {
        return;
    };
    lab.ok(&["up"]);
    let stderr = lab.dir.path().join("stderr");
    let Some(tmux) = Tmux::start_with_stderr(&lab, 220, 40, &stderr) else {
        return;
    };
    tmux.until_shown("master  ● ready");
    let progress = lab.data_home().join("sqlcourse/progress/day20.json");
    std::fs::create_dir_all(progress.parent().expect("a folder")).expect("mkdir");
    std::fs::write(&progress, "{\"completed\": {\"master-config\": tru").expect("spoil it");
    let screen = tmux.until("your progress file", SCREEN_WAIT);
    assert!(screen.contains("could not be read"), "{screen}");
    assert!(
        !progress.exists() || Progress::load_from(&progress).warning.is_none(),
        "set aside"
    );
    let aside = std::fs::read_dir(progress.parent().expect("a folder"))
        .expect("listing")
        .filter_map(Result::ok)
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("day20.json.corrupt-")
        });
    assert!(aside, "the spoilt file is kept aside");
    tmux.keys(&["q"]);
    assert_eq!(tmux.exit_status(), "0");
    let said = std::fs::read_to_string(&stderr).expect("its stderr");
    let said = said
        .lines()
        .find(|l| l.starts_with("sqlcourse: your progress file"));
    let said = said.unwrap_or_else(|| panic!("said again at quit: {said:?}"));
    assert!(
        said.contains("could not be read") && said.contains(".corrupt-"),
        "{said}"
    );
    // The step is remembered in a fresh file.
    assert_eq!(Progress::load_from(&progress).warning, None);
}

/// A folder made read-only for as long as the guard lives: a read-only bind mount over it
/// (root cannot write there either), else the immutable attribute on it.
struct ReadOnly {
    folders: Vec<std::path::PathBuf>,
    mounted: bool,
}

impl ReadOnly {
    /// `None`, with the reason printed, where neither can be had (no privilege to mount, a
    /// file system without attributes).
    fn make(folder: &Path) -> Option<ReadOnly> {
        let run = |program: &str, args: &[&std::ffi::OsStr]| {
            Command::new(program).args(args).output().map_or_else(
                |e| e.to_string(),
                |out| {
                    if out.status.success() {
                        String::new()
                    } else {
                        text(&out)
                    }
                },
            )
        };
        let dir = folder.as_os_str();
        let bind = run("mount", &["--bind".as_ref(), dir, dir]);
        if bind.is_empty() {
            let ro = run("mount", &["-o".as_ref(), "remount,ro,bind".as_ref(), dir]);
            if ro.is_empty() {
                return Some(ReadOnly {
                    folders: vec![folder.to_owned()],
                    mounted: true,
                });
            }
            let _ = run("umount", &[dir]);
        }
        let mut folders = vec![folder.to_owned()];
        let entries = std::fs::read_dir(folder).expect("the folder");
        folders.extend(
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir()),
        );
        let guard = ReadOnly {
            folders,
            mounted: false,
        };
        for f in &guard.folders {
            let said = run("chattr", &["+i".as_ref(), f.as_os_str()]);
            if !said.is_empty() {
                eprintln!(
                    "skipped: cannot make {} read-only: mount: {bind}; chattr: {said}",
                    f.display()
                );
                return None;
            }
        }
        Some(guard)
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        for f in &self.folders {
            let undo = if self.mounted {
                Command::new("umount").arg(f).output()
            } else {
                Command::new("chattr").arg("-i").arg(f).output()
            };
            if !undo.is_ok_and(|o| o.status.success()) {
                eprintln!("cannot make {} writable again", f.display());
            }
        }
    }
}

#[test]
fn a_read_only_workspace_makes_reset_refuse_before_removing_anything() {
    let Some(lab) = TestLab::new("roworkspace") else {
        return;
    };
    lab.ok(&["up"]);
    lab.sql("master")
        .query_drop("CREATE DATABASE learner")
        .expect("create");
    let config = std::fs::read(lab.config_file("master")).expect("config");
    let Some(read_only) = ReadOnly::make(&lab.workspace()) else {
        return;
    };
    assert!(
        std::fs::write(lab.workspace().join("probe"), b"").is_err(),
        "the workspace is read-only, even for root"
    );
    let out = lab.sqlcourse(&["reset", "--yes"]);
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    let expected = format!(
        "nothing was reset: {} cannot be written",
        lab.workspace().display()
    );
    assert!(said.contains(&expected), "{said}");
    assert!(
        said.contains("make it writable and reset again"),
        "says how: {said}"
    );
    assert_eq!(lab.count_labelled(), (2, 1, 2), "nothing was removed");
    assert!(has_schema(&lab, "master", "learner"), "the data is kept");
    assert_eq!(lab.server("master")["state"], "running");

    drop(read_only);
    lab.ok(&["reset", "--yes"]);
    assert!(
        !has_schema(&lab, "master", "learner"),
        "writable again, the reset goes through"
    );
    assert_eq!(
        std::fs::read(lab.config_file("master")).expect("config"),
        config
    );
}

fn disconnect(lab: &TestLab, server: &str) {
    let request = bollard::models::NetworkDisconnectRequest {
        container: lab.container(server),
        force: Some(true),
    };
    let network = format!("sqlcourse-{}", lab.name);
    lab.block_on(lab.docker.disconnect_network(&network, request))
        .expect("disconnect");
}

fn aliases(lab: &TestLab, server: &str) -> Vec<String> {
    let inspected = lab
        .block_on(lab.docker.inspect_container(&lab.container(server), None))
        .expect("inspect");
    let networks = inspected
        .network_settings
        .and_then(|s| s.networks)
        .unwrap_or_default();
    let network = format!("sqlcourse-{}", lab.name);
    networks
        .get(&network)
        .and_then(|n| n.aliases.clone())
        .unwrap_or_default()
}

#[test]
fn a_server_cut_off_from_the_lab_network_is_named_and_put_back_by_up_restart_and_the_screen() {
    let Some(lab) = TestLab::new("detached") else {
        return;
    };
    lab.ok(&["up"]);
    lab.sql("master")
        .query_drop("CREATE DATABASE learner")
        .expect("create");

    disconnect(&lab, "master");
    assert_eq!(lab.server("master")["state"], "detached");
    let said = lab.ok(&["status"]);
    assert!(
        said.contains("connects the detached servers to the lab network again"),
        "{said}"
    );
    let (_, tasks) = check(&lab);
    let master = task(&tasks, "master-config");
    let reason = master["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("cut off from the lab network"),
        "{master:#}"
    );
    assert!(
        !reason.contains("refused"),
        "not blamed on the config: {master:#}"
    );
    let started = Instant::now();
    let out = lab.sqlcourse(&["up"]);
    let took = started.elapsed();
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("Recovered: the master was disconnected from the lab network: it is connected again as `master`."),
        "{said}"
    );
    assert!(
        took < Duration::from_secs(20),
        "no wait for a server that cannot answer: {took:?}"
    );
    assert_eq!(lab.server("master")["state"], "running");
    assert!(
        has_schema(&lab, "master", "learner"),
        "the same server, its data kept"
    );
    assert!(aliases(&lab, "master").contains(&"master".to_owned()));
    let said = text(&lab.sqlcourse(&["up"]));
    assert!(
        !said.contains("Recovered"),
        "a second up has nothing to repair: {said}"
    );

    // Connected again by hand, without its alias: the slave would not find `master`.
    disconnect(&lab, "master");
    let network = format!("sqlcourse-{}", lab.name);
    let request = bollard::models::NetworkConnectRequest {
        container: lab.container("master"),
        endpoint_config: Some(bollard::models::EndpointSettings::default()),
    };
    lab.block_on(lab.docker.connect_network(&network, request))
        .expect("connect");
    if aliases(&lab, "master").contains(&"master".to_owned()) {
        // Docker 20.10 names a container on a network by its hostname too, which is the
        // server's name: connected again by hand, it keeps the name the others know it by.
        eprintln!(
            "this engine gives a reconnected container its hostname as an alias: no name to lose"
        );
        assert_eq!(lab.server("master")["state"], "running");
    } else {
        assert_eq!(lab.server("master")["state"], "detached");
        let out = lab.sqlcourse(&["restart", "master"]);
        let said = text(&out);
        assert!(out.status.success(), "{said}");
        assert!(
            said.contains("Recovered: the master had lost its name on the lab network: it is connected again as `master`."),
            "{said}"
        );
        assert!(aliases(&lab, "master").contains(&"master".to_owned()));
    }
    // A restart of a server cut off brings it back on the network too.
    disconnect(&lab, "master");
    let out = lab.sqlcourse(&["restart", "master"]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("Recovered: the master was disconnected from the lab network"),
        "{said}"
    );
    assert_eq!(lab.server("master")["state"], "running");

    // On the screen, it is put back as soon as it is seen, and said.
    let Some(tmux) = Tmux::start(&lab, 220, 40) else {
        return;
    };
    tmux.until_shown("slave   ● ready");
    disconnect(&lab, "slave");
    tmux.until_shown(
        "the slave was disconnected from the lab network: it is connected again as `slave`",
    );
    tmux.until_shown("slave   ● ready");
    assert_eq!(lab.server("slave")["state"], "running");
    tmux.keys(&["q"]);
    assert_eq!(tmux.exit_status(), "0");
}

/// A user of a shared engine, run for real under a user id of its own (root starts the
/// program as that id; no account is needed), in the engine's socket group, with its own home.
struct User {
    uid: u32,
    gid: u32,
    home: std::path::PathBuf,
}

impl User {
    /// Two users of the engine, or `None` (skipped, never under CI=true) when this process
    /// cannot start programs as other users.
    fn two(dir: &Path, [a, b]: [u32; 2]) -> Option<(User, User)> {
        use std::os::unix::fs::MetadataExt;
        if !rustix::process::geteuid().is_root() {
            assert!(!std::env::var("CI").is_ok_and(|v| v == "true"), "CI=true runs the tests as root");
            eprintln!("skipped: starting the program as two users needs root");
            return None;
        }
        // The engine's socket, if local: its group lets the two users reach it.
        let gid = std::fs::metadata("/var/run/docker.sock").map_or(0, |m| m.gid());
        Some((User::new(dir, a, gid), User::new(dir, b, gid)))
    }

    fn new(dir: &Path, uid: u32, gid: u32) -> User {
        use std::os::unix::fs::PermissionsExt;
        let home = dir.join(format!("user-{uid}"));
        for sub in ["", "data"] {
            std::fs::create_dir_all(home.join(sub)).expect("home");
            std::os::unix::fs::chown(home.join(sub), Some(uid), Some(gid)).expect("chown");
        }
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        User { uid, gid, home }
    }

    /// `sqlcourse --content COURSE SLUG ARGS` as this user, with `lab` as SQLCOURSE_LAB_NAME.
    fn run(&self, course: &Path, slug: &str, args: &[&str], lab: Option<&str>) -> std::process::Output {
        use std::os::unix::process::CommandExt;
        let mut command = Command::new(env!("CARGO_BIN_EXE_sqlcourse"));
        command
            .arg("--content")
            .arg(course)
            .arg(slug)
            .args(args)
            .env_remove("SQLCOURSE_LAB_NAME")
            .env("HOME", &self.home)
            .env("SQLCOURSE_HOME", self.home.join("sqlcourse"))
            .env("XDG_DATA_HOME", self.home.join("data"))
            .stdin(Stdio::null())
            .uid(self.uid)
            .gid(self.gid);
        if let Some(lab) = lab {
            command.env("SQLCOURSE_LAB_NAME", lab);
        }
        command.output().expect("sqlcourse runs")
    }

    fn ok(&self, course: &Path, slug: &str, args: &[&str]) -> String {
        let out = self.run(course, slug, args, None);
        assert!(out.status.success(), "uid {}: {args:?}:\n{}", self.uid, text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn status(&self, course: &Path, slug: &str, lab: Option<&str>) -> serde_json::Value {
        let out = self.run(course, slug, &["status", "--json"], lab);
        assert!(out.status.success(), "{}", text(&out));
        serde_json::from_slice(&out.stdout).expect("JSON")
    }
}

/// The course as built in, under another day name: its default lab name is the test's own.
fn course_named(dir: &Path, slug: &str) -> std::path::PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let course = dir.join("course");
    let copy = |from: &Path, to: &Path| {
        let status = Command::new("cp").arg("-r").arg(from).arg(to).status().expect("cp");
        assert!(status.success());
    };
    std::fs::create_dir_all(course.join("labs")).expect("labs");
    copy(&manifest.join("lessons"), &course.join("lessons"));
    copy(&manifest.join("labs/image"), &course.join("labs/image"));
    copy(&manifest.join("labs/day20"), &course.join("labs").join(slug));
    let toml = course.join("labs").join(slug).join("lab.toml");
    let spec = std::fs::read_to_string(&toml).expect("lab.toml");
    std::fs::write(&toml, spec.replacen("slug = \"day20\"", &format!("slug = \"{slug}\""), 1))
        .expect("write");
    let status = Command::new("chmod").args(["-R", "a+rX"]).arg(&course).status().expect("chmod");
    assert!(status.success());
    course
}

fn started_at(lab: &TestLab, container: &str) -> String {
    let c = lab.block_on(lab.docker.inspect_container(container, None)).expect("inspect");
    c.state.and_then(|s| s.started_at).unwrap_or_default()
}

#[test]
fn two_users_of_one_engine_get_a_lab_each_and_never_touch_each_others() {
    let Some(alice_lab) = TestLab::new("owners") else { return };
    let Some((alice, bob)) = User::two(alice_lab.dir.path(), [54321, 54322]) else { return };
    let slug = alice_lab.name.clone();
    let course = course_named(alice_lab.dir.path(), &slug);
    // Bob's default lab, removed with this guard.
    let Some(mut bob_lab) = TestLab::new("owners-bob") else { return };
    bob_lab.name = format!("{slug}-uid54322");
    bob_lab.remove_labelled();

    alice.ok(&course, &slug, &["up"]);
    let mine = alice.status(&course, &slug, None);
    assert_eq!(mine["lab"], slug.as_str(), "the first user gets the day's name");
    let master = format!("sqlcourse-{slug}-master");
    let labels = lab_labels(&alice_lab, &master);
    assert_eq!(labels.get("io.sqlcourse.owner.uid").map(String::as_str), Some("54321"), "{labels:?}");
    assert!(labels.contains_key("io.sqlcourse.owner.host"), "{labels:?}");
    let alice_started = started_at(&alice_lab, &master);
    let port_of = |status: &serde_json::Value, server: &str| {
        let servers = status["servers"].as_array().expect("servers").clone();
        let s = servers.into_iter().find(|s| s["name"] == server).expect("listed");
        s["port"].as_u64().expect("a port")
    };
    let alice_ports = (port_of(&mine, "master"), port_of(&mine, "slave"));

    // The second user on the same engine gets a lab of their own, on other ports.
    bob.ok(&course, &slug, &["up"]);
    let theirs = bob.status(&course, &slug, None);
    assert_eq!(theirs["lab"], bob_lab.name.as_str(), "{theirs:#}");
    let bob_ports = (port_of(&theirs, "master"), port_of(&theirs, "slave"));
    for port in [bob_ports.0, bob_ports.1] {
        assert!(port != alice_ports.0 && port != alice_ports.1, "{alice_ports:?} {bob_ports:?}");
    }

    // Alice's lab by name, from Bob: shown as hers, and nothing of it is touched.
    let status = bob.status(&course, &slug, Some(&slug));
    let taken = status["taken_by"].as_str().expect("taken_by");
    assert!(taken.contains("is uid54321 (uid 54321) on"), "{taken}");
    assert_eq!(status["servers"][0]["state"], "other-owner", "{status:#}");
    assert!(status["servers"][0]["port"].is_null(), "{status:#}");
    let said = text(&bob.run(&course, &slug, &["status"], Some(&slug)));
    assert!(said.contains("Not yours: the lab"), "{said}");
    assert!(said.contains("SQLCOURSE_LAB_NAME"), "says how to pick another: {said}");
    let refused: [&[&str]; 6] = [&["up"], &["restart", "master"], &["reset", "--yes"], &["down"], &["crash", "master"], &["check"]];
    for args in refused {
        let out = bob.run(&course, &slug, args, Some(&slug));
        let said = text(&out);
        assert!(!out.status.success(), "{args:?}: {said}");
        assert!(said.contains(&format!("the lab `{slug}` on this Docker engine is uid54321 (uid 54321)")), "{args:?}: {said}");
    }
    assert_eq!(started_at(&alice_lab, &master), alice_started, "Alice's master was never restarted");
    let mine = alice.status(&course, &slug, None);
    assert_eq!(mine["servers"][0]["state"], "running");
    assert_eq!(mine["servers"][1]["state"], "running");

    // Each keeps their name on the next run.
    alice.ok(&course, &slug, &["up"]);
    bob.ok(&course, &slug, &["up"]);
    assert_eq!(alice.status(&course, &slug, None)["lab"], slug.as_str());
    assert_eq!(bob.status(&course, &slug, None)["lab"], bob_lab.name.as_str());
    assert_eq!(started_at(&alice_lab, &master), alice_started);

    // A stopped lab's ports stay its own: a lab made meanwhile keeps off them, even when its
    // default is that very port (free on the machine while Alice's master is stopped).
    alice_lab.stop_container(&master);
    bob.ok(&course, &slug, &["down"]);
    let toml = course.join("labs").join(&slug).join("lab.toml");
    let spec = std::fs::read_to_string(&toml).expect("lab.toml");
    assert!(spec.contains("port = 13306"), "the master's default port");
    let spec = spec.replacen("port = 13306", &format!("port = {}", alice_ports.0), 1);
    std::fs::write(&toml, spec).expect("write");
    assert!(TcpListener::bind((Ipv4Addr::LOCALHOST, alice_ports.0 as u16)).is_ok(), "free now");
    bob.ok(&course, &slug, &["up"]);
    let after = bob.status(&course, &slug, None);
    assert_ne!(port_of(&after, "master"), alice_ports.0, "{after:#}");
    let out = alice.run(&course, &slug, &["restart", "master"], None);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(port_of(&alice.status(&course, &slug, None), "master"), alice_ports.0, "not moved");
}

fn lab_labels(lab: &TestLab, container: &str) -> HashMap<String, String> {
    let c = lab.block_on(lab.docker.inspect_container(container, None)).expect("inspect");
    c.config.and_then(|c| c.labels).unwrap_or_default()
}

#[test]
fn a_lab_made_by_an_earlier_version_is_adopted_by_its_maker_only() {
    let Some(lab) = TestLab::new("oldlab") else { return };
    let Some((alice, bob)) = User::two(lab.dir.path(), [54331, 54332]) else { return };
    let slug = lab.name.clone();
    let course = course_named(lab.dir.path(), &slug);
    let Some(mut bob_lab) = TestLab::new("oldlab-bob") else { return };
    bob_lab.name = format!("{slug}-uid54332");
    bob_lab.remove_labelled();

    // As an earlier version left it: the lab's labels, no owner's, Alice's config folder mounted.
    let config = alice.home.join("sqlcourse").join(&slug).join("master");
    std::fs::create_dir_all(&config).expect("config folder");
    let owned = Command::new("chown").arg("-R").arg(format!("54331:{}", alice.gid)).arg(&alice.home).status();
    assert!(owned.expect("chown").success());
    let container = format!("sqlcourse-{slug}-master");
    let body = bollard::models::ContainerCreateBody {
        image: Some("sqlcourse/mariadb:11.8-offline".to_owned()),
        labels: Some(HashMap::from([
            ("io.sqlcourse.lab".to_owned(), slug.clone()),
            ("io.sqlcourse.server".to_owned(), "master".to_owned()),
        ])),
        host_config: Some(bollard::models::HostConfig {
            binds: Some(vec![format!("{}:/etc/mysql/conf.d:ro", config.display())]),
            ..Default::default()
        }),
        ..Default::default()
    };
    let options = bollard::query_parameters::CreateContainerOptionsBuilder::default().name(&container).build();
    lab.block_on(lab.docker.create_container(Some(options), body)).expect("an old container");

    // Bob cannot tell it is his: he gets a lab of his own, and Alice's by name is refused.
    assert_eq!(bob.status(&course, &slug, None)["lab"], bob_lab.name.as_str());
    let out = bob.run(&course, &slug, &["reset", "--yes"], Some(&slug));
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("an earlier version of sqlcourse's, whose owner cannot be told"), "{said}");
    assert!(lab.block_on(lab.docker.inspect_container(&container, None)).is_ok(), "left alone");

    // Alice's workspace is what it mounts: hers, under the day's name, and reset renews it.
    let status = alice.status(&course, &slug, None);
    assert_eq!(status["lab"], slug.as_str(), "{status:#}");
    assert!(status["taken_by"].is_null(), "{status:#}");
    assert_eq!(status["servers"][0]["state"], "created", "{status:#}");
    alice.ok(&course, &slug, &["reset", "--yes"]);
    let labels = lab_labels(&lab, &container);
    assert_eq!(labels.get("io.sqlcourse.owner.uid").map(String::as_str), Some("54331"), "{labels:?}");
    assert_eq!(alice.status(&course, &slug, None)["servers"][0]["state"], "running");
}
