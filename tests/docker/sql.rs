//! The SQL console against a real MariaDB server in Docker.
//!
//! Each test starts its own container, named and labelled for that test only, and removes it by
//! its label when the test ends, passed or failed.


use std::time::{Duration, Instant};

use crate::common::server::Server;
use sqlcourse::sql::{SqlError, StatementResult, outcome_lines, run_lines, summary};


#[test]
fn statements_run_in_order_and_results_read_like_the_client() {
    let Some(server) = Server::start("console") else { return };
    let mut session = server.session();
    let run = session.run(
        "CREATE DATABASE shop; USE shop;\n\
         CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20), note TEXT);\n\
         INSERT INTO items (name, note) VALUES ('pen', NULL), ('semi;colon', 'two\nlines');\n\
         SELECT id, name, note FROM items ORDER BY id;",
    );
    assert!(run.error().is_none(), "{:?}", run_lines(&run, 80));
    assert_eq!(run.outcomes.len(), 5);
    let StatementResult::Done(insert) = &run.outcomes[3].result else {
        panic!("INSERT gave {:?}", run.outcomes[3])
    };
    assert_eq!(insert.affected_rows, 2);
    assert_eq!(insert.last_insert_id, Some(1));
    assert!(insert.info.contains("Records: 2"), "{insert:?}");
    assert_eq!(
        outcome_lines(&run.outcomes[4], 80)[..6],
        [
            "+----+------------+------------+",
            "| id | name       | note       |",
            "+----+------------+------------+",
            "|  1 | pen        | NULL       |",
            "|  2 | semi;colon | two\\nlines |",
            "+----+------------+------------+",
        ]
    );
    assert!(
        summary(&run.outcomes[4]).starts_with("2 rows in set ("),
        "{}",
        summary(&run.outcomes[4])
    );

    // `\G` ends a statement by itself and shows rows as blocks.
    let run =
        session.run("SELECT name, note FROM items WHERE id = 2\\G SELECT COUNT(*) AS n FROM items");
    assert_eq!(run.outcomes.len(), 2);
    assert_eq!(
        outcome_lines(&run.outcomes[0], 80)[..4],
        [
            "*************************** 1. row ***************************",
            "name: semi;colon",
            "note: two",
            "lines"
        ]
    );
    let StatementResult::Rows(count) = &run.outcomes[1].result else {
        panic!("COUNT gave {:?}", run.outcomes[1])
    };
    assert_eq!(count.rows, [[Some("2".to_owned())]]);
}

#[test]
fn errors_carry_code_state_and_text_and_stop_the_rest() {
    let Some(server) = Server::start("console") else { return };
    let mut session = server.session();
    let run = session.run("SELECT 1; SELEC 2; SELECT 3;");
    let error = run.error().expect("the misspelt statement fails");
    assert_eq!((error.code, error.state.as_str()), (1064, "42000"));
    assert!(
        error.to_string().starts_with("ERROR 1064 (42000): You have an error in your SQL syntax"),
        "{error}"
    );
    assert_eq!(run.outcomes.len(), 2);
    assert_eq!(run.skipped.len(), 1);
    assert_eq!(run.skipped[0].text, "SELECT 3");

    let run = session.run("SELECT * FROM nowhere.items");
    let error = run.error().expect("a missing table fails");
    assert_eq!(error.to_string(), "ERROR 1146 (42S02): Table 'nowhere.items' doesn't exist");

    // The session still works after an error.
    let run = session.run("SELECT 'still here' AS s");
    assert!(run.error().is_none());
}

#[test]
fn a_lost_connection_is_reopened_in_the_same_database() {
    let Some(server) = Server::start("console") else { return };
    let mut session = server.session();
    assert!(session.run("CREATE DATABASE shop; USE shop").error().is_none());
    let old_id = session.connection_id();
    let mut other = server.session();
    assert!(other.run(&format!("KILL {old_id}")).error().is_none());

    let run = session.run("SELECT DATABASE() AS db");
    assert!(run.reconnected, "{:?}", run_lines(&run, 80));
    assert_ne!(session.connection_id(), old_id);
    let StatementResult::Rows(rows) = &run.outcomes[0].result else {
        panic!("{:?}", run.outcomes[0])
    };
    assert_eq!(rows.rows, [[Some("shop".to_owned())]]);
}

#[test]
fn cancel_stops_a_long_statement_within_a_second() {
    let Some(server) = Server::start("console") else { return };
    let mut session = server.session();
    let canceller = session.canceller();
    let worker = std::thread::spawn(move || {
        let run = session.run("SELECT SLEEP(30); SELECT 'not reached'");
        (run, Instant::now(), session)
    });
    // Wait until the server runs the statement, then cancel it: a cancel that comes before
    // the statement is sent skips it instead (as it should), which is not what is measured here.
    let mut watch = server.session();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let seen = watch.run(
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(30)%'",
        );
        let StatementResult::Rows(rows) = &seen.outcomes[0].result else { panic!("{:?}", seen.outcomes[0]) };
        if rows.rows == [[Some("1".to_owned())]] {
            break;
        }
        assert!(Instant::now() < deadline, "the statement never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let cancelled_at = Instant::now();
    assert!(canceller.cancel().expect("cancel"), "the statement runs");
    let (run, ended_at, mut session) = worker.join().expect("worker thread");
    let took = ended_at.duration_since(cancelled_at);
    println!("cancel took {took:?}");
    // SLEEP(30) ends by itself after 30 s: well under that is the cancel, on a busy machine too.
    assert!(took < Duration::from_secs(10), "cancel took {took:?}");
    let error = run.error().expect("the cancelled statement fails");
    assert_eq!(error.code, SqlError::INTERRUPTED, "{error}");
    assert_eq!(error.to_string(), "ERROR 1317 (70100): Query execution was interrupted");
    assert_eq!(run.skipped.len(), 1);
    assert!(run.cancelled);
    assert_eq!(
        run_lines(&run, 80).last().map(String::as_str),
        Some("1 statement not run after the cancel.")
    );
    // Nothing is running now, and the session goes on.
    assert!(!canceller.cancel().expect("cancel when idle"));
    assert!(session.run("SELECT 1").error().is_none());
}

#[test]
fn a_hundred_thousand_rows_are_counted_but_not_all_kept() {
    let Some(server) = Server::start("console") else { return };
    let mut session = server.session();
    let run = session.run("SELECT seq FROM mysql.seq_1_to_100000");
    let outcome = &run.outcomes[0];
    let StatementResult::Rows(rows) = &outcome.result else { panic!("{outcome:?}") };
    assert_eq!(rows.total, 100_000);
    assert_eq!(rows.rows.len(), sqlcourse::sql::DEFAULT_ROW_LIMIT);
    assert_eq!(rows.rows.last(), Some(&vec![Some("10000".to_owned())]));
    let line = summary(outcome);
    println!("{line}");
    assert!(line.starts_with("100000 rows in set, first 10000 kept ("), "{line}");

    // Drawing a window of rows touches only those rows.
    let started = Instant::now();
    let table = sqlcourse::sql::Table::new(rows, 40);
    let window = table.rows(5_000..5_040);
    println!("40-row window of 10000 drawn in {:?}", started.elapsed());
    assert_eq!(window.len(), 40);
    assert_eq!(window[0], "|  5001 |");
}
