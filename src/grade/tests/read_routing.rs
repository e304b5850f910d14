//! `read-routing`: where the application's statements went.

use super::*;

pub(super) fn read_routing_cases() -> Vec<Case> {
    vec![
        Case {
            name: "fresh lab: the application has not run",
            start: World::fresh,
            change: nothing,
            task: "read-routing",
            status: TaskState::Pending,
            diagnosis: Some("routing-not-run"),
            reason: "the app has not run yet",
        },
        Case {
            name: "done",
            start: World::solved,
            change: nothing,
            task: "read-routing",
            status: TaskState::Done,
            diagnosis: None,
            reason: "",
        },
        Case {
            name: "reads sent to the master",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                let reads = std::mem::take(&mut facts.reader_log);
                facts.writer_log.extend(reads);
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-reads-on-writer"),
            reason: "SELECT went to the master",
        },
        Case {
            name: "rows not replicated",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                facts.rows[0].on_reader = false;
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-rows-missing"),
            reason: "have not reached the slave",
        },
        Case {
            name: "the general log cannot be read",
            start: World::solved,
            change: |w| w.routing = Some(Err("the server's general log is off".into())),
            task: "read-routing",
            status: TaskState::Pending,
            diagnosis: None,
            reason: "general log is off",
        },
        Case {
            name: "the app changed after its last run",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                let reads = std::mem::take(&mut facts.reader_log);
                facts.writer_log.extend(reads);
                facts.app_changed_at = Some(NOW - 0.1);
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-rerun"),
            reason: "the app has changed since its last run",
        },
        Case {
            name: "the slave refused the app's login",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                facts.reader_log[0].text = "Access denied for user 'app'@'172.18.0.1' (using password: YES)".into();
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-login-refused"),
            reason: "the slave refused the app's login",
        },
        Case {
            name: "writes sent to the slave",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                let writes = facts.writer_log.split_off(1);
                facts.reader_log.extend(writes);
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-writes-on-reader"),
            reason: "INSERT went to the slave",
        },
        Case {
            name: "the run wrote nothing",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                facts.writer_log.truncate(1);
                facts.rows.clear();
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-no-writes"),
            reason: "wrote nothing on the master",
        },
        Case {
            name: "the run read nothing",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                facts.reader_log.truncate(1);
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-no-reads"),
            reason: "read nothing from the slave",
        },
        Case {
            name: "the rows cannot be followed",
            start: World::solved,
            change: |w| {
                let mut facts = routed_run();
                facts.rows.clear();
                w.routing = Some(Ok(facts));
            },
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("routing-rows-unknown"),
            reason: "none of the rows",
        },
        Case {
            name: "slave down",
            start: World::solved,
            change: |w| w.slave_down = true,
            task: "read-routing",
            status: TaskState::Failing,
            diagnosis: Some("server-down"),
            reason: "the slave is not answering",
        },
    ]
}

#[test]
fn read_routing() {
    run(&read_routing_cases());
}
