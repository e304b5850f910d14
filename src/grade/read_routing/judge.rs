//! Read routing, judged by where the application's statements really went.
//!
//! The input is what the servers saw: each server's general log, kept to the application's
//! own account, so the application may be written in any language. Nothing here talks to a
//! server (`probe::app_log` gathers the facts); every rule is tested with hand-made logs.
//!
//! Only the application's last run is judged: its account's activity on all servers since
//! the last pause of `RUN_PAUSE` seconds or more. A run of a small script lasts well under
//! a second, so every run stands alone unless two start within a few seconds of each other,
//! and a fixed application passes as soon as it has run once, whatever earlier runs did.

use crate::grade::diagnosis::Diagnosis;
use crate::probe::general_log::{AppStatement, RoutingFacts, RowArrival, last_run};
use crate::probe::statement::{Kind, classify, verb};

/// Why the task is not done, and which hint helps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Hint id, a key of `lab.toml` `[hints]`.
    pub hint: Diagnosis,
    /// What the servers saw, in one line.
    pub reason: String,
}

/// The judgement of read routing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoutingVerdict {
    /// The application has not run yet: there is nothing to judge.
    NotRun(Finding),
    /// The last run went wrong; the most useful finding first.
    Failing(Vec<Finding>),
    /// The last run was right; a one-line summary of what went where.
    Done(String),
}

/// Judges the last run: every write on the writer, every plain read on the reader, at least
/// one of each, and the rows it inserted present on the reader. `writer` and `reader` are
/// the servers' names for messages; `now` (Unix seconds) dates the run.
pub fn judge(facts: &RoutingFacts, writer: &str, reader: &str, now: f64) -> RoutingVerdict {
    let Some(run) = last_run(&facts.writer_log, &facts.reader_log) else {
        return RoutingVerdict::NotRun(Finding {
            hint: Diagnosis::RoutingNotRun,
            reason: format!(
                "the app has not run yet: neither the {writer} nor the {reader} has seen its account"
            ),
        });
    };
    let when = ago(now - run.ended);
    let is_write = |k| matches!(k, Kind::Write | Kind::LockingRead);
    let reads_on_writer = tally(&run.on_writer, |k| k == Kind::Read);
    let writes_on_reader = tally(&run.on_reader, is_write);
    let writes_on_writer = tally(&run.on_writer, |k| k == Kind::Write);
    let reads_on_reader = tally(&run.on_reader, |k| k == Kind::Read);

    let mut findings = Vec::new();
    if !writes_on_reader.is_empty() {
        let rejected = if facts.reader_read_only { " (rejected: read_only)" } else { "" };
        findings.push(Finding {
            hint: Diagnosis::RoutingWritesOnReader,
            reason: format!(
                "{} went to the {reader}{rejected} in the app's last run ({when})",
                list(&writes_on_reader)
            ),
        });
    }
    if !reads_on_writer.is_empty() {
        findings.push(Finding {
            hint: Diagnosis::RoutingReadsOnWriter,
            reason: format!(
                "{} went to the {writer} in the app's last run ({when})",
                list(&reads_on_writer)
            ),
        });
    }
    for (server, log) in [(writer, &run.on_writer), (reader, &run.on_reader)] {
        if let Some(refusal) =
            log.iter().find(|s| s.command == "Connect" && s.text.starts_with("Access denied"))
        {
            findings.push(Finding {
                hint: Diagnosis::RoutingLoginRefused,
                reason: format!(
                    "the {server} refused the app's login in its last run ({when}): {}",
                    refusal.text
                ),
            });
        }
    }
    // A run that stopped early shows as missing reads or writes; when statements were
    // misrouted or refused, that is the cause to report, not its consequence.
    if findings.is_empty() && writes_on_writer.is_empty() {
        findings.push(Finding {
            hint: Diagnosis::RoutingNoWrites,
            reason: format!("the app's last run ({when}) wrote nothing on the {writer}"),
        });
    }
    if findings.is_empty() && reads_on_reader.is_empty() {
        findings.push(Finding {
            hint: Diagnosis::RoutingNoReads,
            reason: format!("the app's last run ({when}) read nothing from the {reader}"),
        });
    }
    let written: Vec<&RowArrival> = facts.rows.iter().filter(|r| r.on_writer).collect();
    let missing = written.iter().filter(|r| !r.on_reader).count();
    if missing > 0 {
        let which = if missing == written.len() {
            format!("the {} the app wrote", plural(missing, "row"))
        } else {
            format!("{missing} of the {} rows the app wrote", written.len())
        };
        findings.push(Finding {
            hint: Diagnosis::RoutingRowsMissing,
            reason: format!("{which} on the {writer} ({when}) have not reached the {reader}: is replication running?"),
        });
    } else if written.is_empty() && findings.is_empty() {
        findings.push(Finding {
            hint: Diagnosis::RoutingRowsUnknown,
            reason: format!(
                "none of the rows the app's last run ({when}) inserted can be found on the {writer}"
            ),
        });
    }

    if findings.is_empty() {
        return RoutingVerdict::Done(format!(
            "last run ({when}): {} on the {writer}, {} on the {reader}, and its {} reached the {reader}",
            list(&writes_on_writer),
            list(&reads_on_reader),
            plural(written.len(), "row")
        ));
    }
    if facts.app_changed_at.is_some_and(|changed| changed > run.ended) {
        findings.insert(
            0,
            Finding {
                hint: Diagnosis::RoutingRerun,
                reason: format!(
                    "the app has changed since its last run ({when}), which is what is judged"
                ),
            },
        );
    }
    RoutingVerdict::Failing(findings)
}

/// Judges the last run of an application whose writer and reader are one server (after a
/// failover): it wrote there, read there, and its rows are there.
pub fn judge_single(facts: &RoutingFacts, server: &str, now: f64) -> RoutingVerdict {
    let Some(run) = last_run(&facts.writer_log, &[]) else {
        return RoutingVerdict::NotRun(Finding {
            hint: Diagnosis::AppOnDeadSource,
            reason: format!("the app has not run against the {server} yet"),
        });
    };
    let when = ago(now - run.ended);
    let writes = tally(&run.on_writer, |k| matches!(k, Kind::Write | Kind::LockingRead));
    let reads = tally(&run.on_writer, |k| k == Kind::Read);
    if let Some(refusal) =
        run.on_writer.iter().find(|s| s.command == "Connect" && s.text.starts_with("Access denied"))
    {
        return RoutingVerdict::Failing(vec![Finding {
            hint: Diagnosis::RoutingLoginRefused,
            reason: format!("the {server} refused the app's login in its last run ({when}): {}", refusal.text),
        }]);
    }
    if writes.is_empty() {
        let read = if reads.is_empty() { String::new() } else { format!(" (it read there: {})", list(&reads)) };
        return RoutingVerdict::Failing(vec![Finding {
            hint: Diagnosis::AppOnDeadSource,
            reason: format!(
                "the app's last run ({when}) wrote nothing on the {server}{read}: its writes still go to the old server"
            ),
        }]);
    }
    if reads.is_empty() {
        return RoutingVerdict::Failing(vec![Finding {
            hint: Diagnosis::RoutingNoReads,
            reason: format!("the app's last run ({when}) read nothing from the {server}"),
        }]);
    }
    let kept = facts.rows.iter().filter(|r| r.on_writer).count();
    if facts.rows.is_empty() {
        return RoutingVerdict::Failing(vec![Finding {
            hint: Diagnosis::RoutingRowsUnknown,
            reason: format!("none of the rows the app's last run ({when}) inserted can be followed"),
        }]);
    }
    if kept == 0 {
        return RoutingVerdict::Failing(vec![Finding {
            hint: Diagnosis::RoutingRerun,
            reason: format!(
                "the rows of the app's last run ({when}) are not on the {server}: its writes were refused (was it still read-only?)"
            ),
        }]);
    }
    RoutingVerdict::Done(format!(
        "last run ({when}): {} and {} on the {server}, its {} there",
        list(&writes),
        list(&reads),
        plural(kept, "row")
    ))
}

/// Statements of the kinds `wanted` picks, counted by verb in order of first appearance.
fn tally(statements: &[&AppStatement], wanted: impl Fn(Kind) -> bool) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for s in statements.iter().filter(|s| wanted(classify(&s.command, &s.text))) {
        let v = verb(&s.text);
        match counts.iter_mut().find(|(known, _)| *known == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((v, 1)),
        }
    }
    counts
}

/// `4 SELECTs`, `3 INSERTs and 1 UPDATE`, `1 INSERT, 2 UPDATEs and 1 DELETE`.
fn list(counts: &[(String, usize)]) -> String {
    let parts: Vec<String> = counts.iter().map(|(v, n)| plural(*n, v)).collect();
    match parts.split_last() {
        None => "no statements".to_owned(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

fn plural(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        // `SELECT … FOR UPDATE` takes no `s`.
        _ if noun.contains(' ') => format!("{n} {noun} statements"),
        _ => format!("{n} {noun}s"),
    }
}

/// How long ago, coarsely: `just now`, `12 s ago`, `5 min ago`, `3 h ago`, `2 days ago`.
pub(crate) fn ago(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    match s {
        0 => "just now".to_owned(),
        1..60 => format!("{s} s ago"),
        60..3600 => format!("{} min ago", s / 60),
        3600..86400 => format!("{} h ago", s / 3600),
        _ => match s / 86400 {
            1 => "1 day ago".to_owned(),
            d => format!("{d} days ago"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::general_log::{MAX_ROWS_FOLLOWED, rows_written};
    use crate::probe::statement::Literal;

    const T0: f64 = 1_700_000_000.0;

    fn at(offset: f64, thread: u64, command: &str, text: &str) -> AppStatement {
        AppStatement { at: T0 + offset, thread, command: command.into(), text: text.into() }
    }

    /// What the shipped app sends to one server through one engine, from `t` on.
    fn connect(t: f64, thread: u64) -> Vec<AppStatement> {
        vec![
            at(t, thread, "Connect", "app@172.18.0.1 on shop using TCP/IP"),
            at(t, thread, "Query", "SET AUTOCOMMIT = 0"),
            at(t, thread, "Query", "SELECT @@version"),
            at(t, thread, "Query", "SHOW VARIABLES LIKE 'lower_case_table_names'"),
        ]
    }

    fn inserts(t: f64, thread: u64, emails: &[&str]) -> Vec<AppStatement> {
        emails
            .iter()
            .flat_map(|e| {
                [
                    at(
                        t,
                        thread,
                        "Query",
                        &format!("INSERT INTO customers (name, email) VALUES ('N', '{e}')"),
                    ),
                    at(t, thread, "Query", "COMMIT"),
                ]
            })
            .collect()
    }

    fn selects(t: f64, thread: u64, n: usize) -> Vec<AppStatement> {
        (0..n)
            .flat_map(|_| {
                [
                    at(
                        t,
                        thread,
                        "Query",
                        "SELECT id, name, email FROM customers ORDER BY id DESC LIMIT 5",
                    ),
                    at(t, thread, "Query", "ROLLBACK"),
                ]
            })
            .collect()
    }

    fn arrived(n: usize, on_reader: bool) -> Vec<RowArrival> {
        (0..n)
            .map(|_| RowArrival { table: "shop.customers".into(), on_writer: true, on_reader })
            .collect()
    }

    fn findings(verdict: RoutingVerdict) -> Vec<Finding> {
        match verdict {
            RoutingVerdict::Failing(f) => f,
            other => panic!("expected failing, got {other:?}"),
        }
    }

    /// The starter app: everything on the master.
    fn as_shipped(t: f64) -> RoutingFacts {
        let mut writer_log = connect(t, 10);
        writer_log.extend(inserts(t + 0.1, 10, &["a@x", "b@x", "c@x"]));
        writer_log.extend(connect(t + 0.2, 11));
        writer_log.extend(selects(t + 0.3, 11, 3));
        RoutingFacts { writer_log, rows: arrived(3, true), ..Default::default() }
    }

    /// The learner's change: reads on the slave.
    fn routed(t: f64) -> RoutingFacts {
        let mut writer_log = connect(t, 20);
        writer_log.extend(inserts(t + 0.1, 20, &["a@y", "b@y", "c@y"]));
        let mut reader_log = connect(t + 0.2, 7);
        reader_log.extend(selects(t + 0.3, 7, 3));
        RoutingFacts {
            writer_log,
            reader_log,
            rows: arrived(3, true),
            reader_read_only: true,
            ..Default::default()
        }
    }

    #[test]
    fn no_activity_means_not_run() {
        let verdict = judge(&RoutingFacts::default(), "master", "slave", T0);
        let RoutingVerdict::NotRun(finding) = verdict else { panic!("{verdict:?}") };
        assert_eq!(finding.hint, Diagnosis::RoutingNotRun);
    }

    #[test]
    fn the_app_as_shipped_reads_from_the_master() {
        let f = findings(judge(&as_shipped(0.0), "master", "slave", T0 + 12.0));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].hint, Diagnosis::RoutingReadsOnWriter);
        assert_eq!(f[0].reason, "3 SELECTs went to the master in the app's last run (12 s ago)");
    }

    #[test]
    fn reads_on_the_slave_and_rows_arrived_is_done() {
        let verdict = judge(&routed(0.0), "master", "slave", T0 + 1.0);
        assert_eq!(
            verdict,
            RoutingVerdict::Done(
                "last run (1 s ago): 3 INSERTs on the master, 3 SELECTs on the slave, and its 3 rows reached the slave"
                    .into()
            )
        );
    }

    #[test]
    fn only_the_last_run_counts() {
        let mut facts = as_shipped(0.0);
        let later = routed(60.0);
        facts.writer_log.extend(later.writer_log);
        facts.reader_log = later.reader_log;
        assert!(matches!(judge(&facts, "master", "slave", T0 + 61.0), RoutingVerdict::Done(_)));
        // …and a later bad run undoes it.
        let mut worse = facts.clone();
        worse.writer_log.extend(as_shipped(120.0).writer_log);
        let f = findings(judge(&worse, "master", "slave", T0 + 121.0));
        assert_eq!(f[0].hint, Diagnosis::RoutingReadsOnWriter);
    }

    #[test]
    fn a_write_sent_to_the_read_only_slave_is_named_with_its_rejection() {
        let mut reader_log = connect(0.0, 5);
        reader_log.push(at(
            0.1,
            5,
            "Query",
            "INSERT INTO customers (name, email) VALUES ('N', 'a@z')",
        ));
        reader_log.push(at(0.1, 5, "Query", "ROLLBACK"));
        let facts = RoutingFacts { reader_log, reader_read_only: true, ..Default::default() };
        let f = findings(judge(&facts, "master", "slave", T0 + 3.0));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].hint, Diagnosis::RoutingWritesOnReader);
        assert_eq!(
            f[0].reason,
            "1 INSERT went to the slave (rejected: read_only) in the app's last run (3 s ago)"
        );
    }

    #[test]
    fn a_locking_read_on_the_slave_is_a_misrouted_write() {
        let mut facts = routed(0.0);
        facts.reader_read_only = false;
        facts.reader_log.push(at(
            0.4,
            7,
            "Query",
            "SELECT id FROM customers WHERE email = 'a@y' FOR UPDATE",
        ));
        let f = findings(judge(&facts, "master", "slave", T0 + 1.0));
        assert_eq!(
            f[0].reason,
            "1 SELECT … FOR UPDATE went to the slave in the app's last run (1 s ago)"
        );
        // On the master it is fine, and not a plain read there.
        let mut facts = routed(0.0);
        facts.writer_log.push(at(
            0.15,
            20,
            "Query",
            "SELECT id FROM customers WHERE id = 1 FOR UPDATE",
        ));
        assert!(matches!(judge(&facts, "master", "slave", T0 + 1.0), RoutingVerdict::Done(_)));
    }

    #[test]
    fn rows_missing_on_the_slave_point_at_replication() {
        let mut facts = routed(0.0);
        facts.rows = arrived(3, false);
        let f = findings(judge(&facts, "master", "slave", T0 + 2.0));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].hint, Diagnosis::RoutingRowsMissing);
        assert_eq!(
            f[0].reason,
            "the 3 rows the app wrote on the master (2 s ago) have not reached the slave: is replication running?"
        );
        facts.rows[0].on_reader = true;
        let f = findings(judge(&facts, "master", "slave", T0 + 2.0));
        assert!(f[0].reason.starts_with("2 of the 3 rows the app wrote"), "{}", f[0].reason);
    }

    #[test]
    fn rows_deleted_again_on_the_writer_are_not_followed() {
        let mut facts = routed(0.0);
        facts.rows.push(RowArrival {
            table: "shop.customers".into(),
            on_writer: false,
            on_reader: false,
        });
        assert!(matches!(judge(&facts, "master", "slave", T0 + 1.0), RoutingVerdict::Done(_)));
    }

    #[test]
    fn rows_that_cannot_be_found_keep_the_task_open() {
        let mut facts = routed(0.0);
        facts.rows.clear();
        let f = findings(judge(&facts, "master", "slave", T0 + 1.0));
        assert_eq!(f[0].hint, Diagnosis::RoutingRowsUnknown);
    }

    #[test]
    fn a_run_without_reads_or_writes_says_so() {
        let mut facts = routed(0.0);
        facts.reader_log.truncate(4);
        let f = findings(judge(&facts, "master", "slave", T0 + 1.0));
        assert_eq!(f.iter().map(|f| f.hint).collect::<Vec<_>>(), [Diagnosis::RoutingNoReads]);
        let mut facts = routed(0.0);
        facts.writer_log.truncate(4);
        facts.rows.clear();
        let f = findings(judge(&facts, "master", "slave", T0 + 1.0));
        assert_eq!(f.iter().map(|f| f.hint).collect::<Vec<_>>(), [Diagnosis::RoutingNoWrites]);
        assert_eq!(f[0].reason, "the app's last run (1 s ago) wrote nothing on the master");
    }

    #[test]
    fn a_refused_login_is_the_reason_not_its_consequences() {
        let mut facts = routed(0.0);
        facts.reader_log = vec![
            at(0.2, 8, "Connect", "app@172.25.0.1 on shop using SSL/TLS"),
            at(
                0.2,
                8,
                "Connect",
                "Access denied for user 'app'@'172.25.0.1' (using password: YES)",
            ),
        ];
        let f = findings(judge(&facts, "master", "slave", T0 + 1.0));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].hint, Diagnosis::RoutingLoginRefused);
        assert_eq!(
            f[0].reason,
            "the slave refused the app's login in its last run (1 s ago): Access denied for user \
             'app'@'172.25.0.1' (using password: YES)"
        );
    }

    #[test]
    fn an_edit_after_the_last_run_asks_for_a_new_run() {
        let mut facts = as_shipped(0.0);
        facts.app_changed_at = Some(T0 + 30.0);
        let f = findings(judge(&facts, "master", "slave", T0 + 40.0));
        assert_eq!(f[0].hint, Diagnosis::RoutingRerun);
        assert_eq!(f[1].hint, Diagnosis::RoutingReadsOnWriter);
        facts.app_changed_at = Some(T0 - 30.0);
        let f = findings(judge(&facts, "master", "slave", T0 + 40.0));
        assert_eq!(f[0].hint, Diagnosis::RoutingReadsOnWriter);
    }

    #[test]
    fn runs_are_split_at_pauses_and_quit_rows_do_not_extend_them() {
        let writer_log = vec![
            at(0.0, 1, "Query", "SELECT id FROM customers"),
            at(1.5, 2, "Query", "SELECT id FROM customers"),
            at(10.0, 3, "Connect", "app@h on shop using TCP/IP"),
            at(10.5, 3, "Query", "INSERT INTO customers (name) VALUES ('x')"),
            at(100.0, 3, "Quit", ""),
        ];
        let reader_log = vec![at(11.0, 9, "Query", "SELECT id FROM customers")];
        let run = last_run(&writer_log, &reader_log).expect("a run");
        assert_eq!((run.started, run.ended), (T0 + 10.0, T0 + 11.0));
        assert_eq!(run.on_writer.len(), 3);
        assert_eq!(run.on_reader.len(), 1);
        // Activity without pauses of RUN_PAUSE is one run.
        let run = last_run(&writer_log[..2], &[]).expect("a run");
        assert_eq!(run.started, T0);
    }

    #[test]
    fn rows_written_take_the_connection_database() {
        let log = vec![
            at(0.0, 1, "Connect", "app@172.18.0.1 on shop using TCP/IP"),
            at(0.1, 1, "Query", "INSERT INTO customers (name, email) VALUES ('old', 'o@x')"),
            at(10.0, 2, "Connect", "app@172.18.0.1 on  using TCP/IP"),
            at(10.1, 2, "Init DB", "shop"),
            at(
                10.2,
                2,
                "Query",
                "INSERT INTO customers (name, email) VALUES ('a', 'a@x'), ('b', NOW())",
            ),
            at(10.3, 2, "Query", "USE other"),
            at(10.4, 2, "Execute", "INSERT INTO t (k) VALUES (7)"),
            at(10.5, 2, "Prepare", "INSERT INTO t (k) VALUES (?)"),
            at(10.6, 3, "Query", "INSERT INTO nodb (k) VALUES (1)"),
            at(10.7, 2, "Query", "INSERT INTO shop.other (x) VALUES (UUID())"),
        ];
        let rows = rows_written(&log, T0 + 5.0);
        let named: Vec<(Option<&str>, &str, usize)> = rows
            .iter()
            .map(|r| (r.database.as_deref(), r.table.as_str(), r.values.len()))
            .collect();
        assert_eq!(
            named,
            [
                (Some("shop"), "customers", 2),
                (Some("shop"), "customers", 1),
                (Some("other"), "t", 1)
            ]
        );
    }

    #[test]
    fn rows_written_keep_the_latest_few() {
        let log: Vec<AppStatement> = (0..30)
            .map(|i| at(0.0, 1, "Query", &format!("INSERT INTO shop.t (k) VALUES ({i})")))
            .collect();
        let rows = rows_written(&log, T0);
        assert_eq!(rows.len(), MAX_ROWS_FOLLOWED);
        assert_eq!(rows[0].values[0].1, Literal::Number("10".into()));
    }

    #[test]
    fn times_read_coarsely() {
        assert_eq!(ago(-2.0), "just now");
        assert_eq!(ago(59.4), "59 s ago");
        assert_eq!(ago(125.0), "2 min ago");
        assert_eq!(ago(7300.0), "2 h ago");
        assert_eq!(ago(90_000.0), "1 day ago");
    }

    #[test]
    fn lists_read_as_prose() {
        let c = |v: &str, n| (v.to_owned(), n);
        assert_eq!(list(&[c("INSERT", 3), c("UPDATE", 1)]), "3 INSERTs and 1 UPDATE");
        assert_eq!(
            list(&[c("INSERT", 1), c("UPDATE", 2), c("DELETE", 1)]),
            "1 INSERT, 2 UPDATEs and 1 DELETE"
        );
    }
}
