//! The command line as scripts meet it: `check`'s exit status tells "not all done" (1) from
//! "could not grade" (2), and an engine on another machine is refused before anything starts.

use crate::common::{TestLab, text};

#[test]
fn check_exits_2_when_there_is_no_lab_or_no_engine_to_grade_on() {
    let Some(lab) = TestLab::new("check-codes") else { return };
    for args in [&["check"][..], &["check", "--json"][..]] {
        let out = lab.sqlcourse(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(String::from_utf8_lossy(&out.stderr).contains("is not up"), "{}", text(&out));
        assert!(out.stdout.is_empty(), "nothing graded is printed: {}", text(&out));
    }
    let out = lab.command(&["check"]).env("DOCKER_HOST", "unix:///nonexistent.sock").output().expect("runs");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no Docker engine answered"), "{}", text(&out));
}

#[test]
fn an_engine_on_another_machine_is_refused_with_the_reason() {
    let Some(lab) = TestLab::new("remote-engine") else { return };
    for host in ["tcp://192.0.2.10:2376", "ssh://me@build-box"] {
        let out = lab.command(&["up"]).env("DOCKER_HOST", host).output().expect("runs");
        assert!(!out.status.success(), "{}", text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(host) && stderr.contains("another machine"), "{stderr}");
        assert!(stderr.contains("DOCKER_HOST"), "names where it came from: {stderr}");
    }
}
