//! The failover drill: the source dies, the replica takes its place (`failover`), then the old
//! source comes back as a replica of the promoted one (`rejoin`).
//!
//! Judged on what the servers hold, as the other checks are; the replica's status from an
//! earlier round (`Snapshot::last_replica`) tells what it had received and applied before
//! `RESET SLAVE ALL` erased it.

use crate::course::spec::Check;
use crate::dialect::engine::Engine;
use crate::dialect::mycnf::{OptionFile, Setting};
use crate::grade::diagnosis::{self, Diagnosis};
use crate::grade::read_routing::crash;
use crate::grade::read_routing::judge::{self, RoutingVerdict};
use crate::grade::{Ctx, Note, Verdict, replication};
use crate::probe::snapshot::{FailoverFacts, ReplicaStatus, ServerFacts, ThreadState};

/// `failover`: the source is down (or refuses writes), the replica forgot it, takes writes now
/// and after a restart, keeps a binary log with the events it replayed, and the application's
/// last run wrote to it and read from it.
pub(super) fn failover(ctx: &Ctx<'_>, source: &str, replica: &str) -> Verdict {
    let new = match ctx.running(replica) {
        Ok(facts) => facts,
        Err(verdict) => return verdict,
    };
    let old = ctx.snapshot.facts(source);
    let values = names(ctx, source, replica);
    let note = |d, reason: String| Note::new(d, reason).with_all(&values);
    if let Some(status) = &new.replica {
        return not_promoted(source, replica, status, old.is_some(), &values);
    }
    let was_replica = ctx.snapshot.last_replica.contains_key(replica)
        || new.failover.transactions.keys().any(|origin| *origin != new.failover.origin);
    if !was_replica {
        return ctx.waiting_for(
            |c| matches!(c, Check::ReplicationFlow { source: s, replica: r } if s == source && r == replica),
            format!("the {replica} never replicated from the {source}, so there is nothing to fail over"),
        );
    }
    // What the replica had received but not applied when it was promoted is lost. The old
    // source, when it answers, tells by its GTIDs whether anything is missing; while it is
    // down, the replica's last status is all there is.
    let stranded_at = ctx.snapshot.last_replica.get(replica).filter(|s| stranded(s));
    let missing = old.map(|old| gaps(&old.failover, &new.failover)).unwrap_or_default();
    if let Some(old) = old
        && !missing.is_empty()
        && stranded_at.is_none()
        && own(new) > 0
    {
        return split_brain(&values, source, replica, old, new);
    }
    if let Some(lost) = stranded_at.filter(|_| old.is_none() || !missing.is_empty()) {
        return Verdict::Failing(
            note(
                Diagnosis::PromotedLost,
                format!(
                    "the {replica} was promoted with {} received from the {source} but only {} applied: the rest is lost",
                    at(&lost.received()),
                    at(&lost.applied())
                ),
            )
            .with("lost", format!("what came after {} up to {}", at(&lost.applied()), at(&lost.received()))),
        );
    }
    if !missing.is_empty() {
        let held = spans(&missing, new.engine);
        return Verdict::Failing(
            note(
                Diagnosis::PromotedLost,
                format!("the {source} holds {held} that the promoted {replica} never applied: they are lost"),
            )
            .with("lost", format!("the {source}'s {held}")),
        );
    }
    if let Some(old) = old
        && takes_writes(old)
    {
        return Verdict::Failing(
            Note::new(
                Diagnosis::OldSourceWritable,
                format!("the {source} runs again and takes writes, beside the promoted {replica}"),
            )
            .with_all(&values)
            .with("config", ctx.config_path(source)),
        );
    }
    if !new.log_bin || !new.failover.logs_replica_updates {
        let missing = if new.log_bin {
            "does not log the events it replayed (log_slave_updates)"
        } else {
            "keeps no binary log (log-bin)"
        };
        return Verdict::Failing(note(
            Diagnosis::PromotedNoBinlog,
            format!("the promoted {replica} {missing}, so the {source} cannot replicate from it later"),
        ));
    }
    if new.read_only || new.failover.super_read_only {
        return Verdict::Failing(note(
            Diagnosis::PromotedReadOnly,
            format!("the {replica} replicates no more but still refuses writes (read_only is on)"),
        ));
    }
    if let Some(line) = read_only_line(ctx.config_text(replica), new) {
        return Verdict::Failing(
            note(
                Diagnosis::ReadOnlyInConfig,
                format!(
                    "the {replica} takes writes now, but line {line} of {} turns read_only back on at its next restart",
                    ctx.config_path(replica)
                ),
            )
            .with("line", line),
        );
    }
    let facts = match ctx.snapshot.routing(replica, replica) {
        Some(Ok(facts)) => facts,
        Some(Err(why)) => return Verdict::Pending(Note::plain(why.clone())),
        None => {
            return Verdict::Pending(Note::plain(format!(
                "the application's statements on the {replica} were not read this round"
            )));
        }
    };
    let verdict = judge::judge_single(facts, replica, ctx.snapshot.taken_at);
    if let Some(failed) = crash::last_run(ctx, facts, &verdict, (replica, replica)) {
        return Verdict::Failing(failed.with_all(&values));
    }
    match verdict {
        RoutingVerdict::Done(_) => Verdict::Done,
        RoutingVerdict::NotRun(f) => Verdict::Failing(note(f.hint, f.reason)),
        RoutingVerdict::Failing(findings) => match findings.into_iter().next() {
            Some(f) => Verdict::Failing(note(f.hint, f.reason)),
            None => Verdict::Done,
        },
    }
}

/// The replica still holds its replication setup.
fn not_promoted(
    source: &str,
    replica: &str,
    status: &ReplicaStatus,
    source_up: bool,
    values: &[(&'static str, String)],
) -> Verdict {
    if source_up {
        return Verdict::Pending(
            Note::new(
                Diagnosis::FailoverNotStarted,
                format!("the {source} still runs: the drill begins when it fails"),
            )
            .with_all(values),
        );
    }
    if stranded(status) {
        return Verdict::Failing(
            Note::new(
                Diagnosis::PromotedUnapplied,
                format!(
                    "the {replica} received {} from the {source} but applied only {}: promoting it now loses the rest",
                    at(&status.received()),
                    at(&status.applied())
                ),
            )
            .with_all(values)
            .with("received", at(&status.received()))
            .with("applied", at(&status.applied())),
        );
    }
    let threads = if status.io_running == ThreadState::No && status.sql_running == ThreadState::No {
        "its replication is stopped but still set up"
    } else {
        "it still tries to replicate from it"
    };
    Verdict::Pending(
        Note::new(
            Diagnosis::NotPromoted,
            format!("the {source} is down and the {replica} is not promoted yet: {threads}"),
        )
        .with_all(values),
    )
}

/// Received but not applied, with the SQL thread not running to apply it: a promotion now
/// throws those events away (a running SQL thread is only a moment behind).
fn stranded(status: &ReplicaStatus) -> bool {
    status.unapplied() && status.sql_running != ThreadState::Yes
}

/// The old source holds transactions the promoted one lacks, though nothing was stranded at
/// the promotion, and the promoted one took writes of its own: both wrote after the
/// failover (the old source's read_only now does not undo that).
fn split_brain(
    values: &[(&'static str, String)],
    source: &str,
    replica: &str,
    old: &ServerFacts,
    new: &ServerFacts,
) -> Verdict {
    let on_old = spans(&gaps(&old.failover, &new.failover), old.engine);
    let on_new = spans(&[(new.failover.origin.as_str(), 0, own(new))], new.engine);
    Verdict::Failing(
        Note::new(
            Diagnosis::SplitBrain,
            format!(
                "split brain: the {source} took {on_old} the {replica} lacks, while the {replica} took {on_new} of its own"
            ),
        )
        .with_all(values)
        .with("on_source", on_old)
        .with("on_replica", on_new),
    )
}

/// The last transaction a server wrote itself (0: none).
fn own(facts: &ServerFacts) -> u64 {
    facts.failover.transactions.get(&facts.failover.origin).copied().unwrap_or(0)
}

/// Transactions one server holds beyond another, by origin: (origin, the other's last, its last).
fn gaps<'a>(has: &'a FailoverFacts, other: &FailoverFacts) -> Vec<(&'a str, u64, u64)> {
    let seen = |origin: &str| other.transactions.get(origin).copied().unwrap_or(0);
    has.transactions
        .iter()
        .filter(|(origin, last)| **last > seen(origin))
        .map(|(origin, last)| (origin.as_str(), seen(origin), *last))
        .collect()
}

/// Gaps in words, by GTID sequence numbers: `3 transactions (server 1 #8–#10)`.
fn spans(gaps: &[(&str, u64, u64)], engine: Engine) -> String {
    // With none of an origin's transactions on the other side, its first number is unknown.
    // MariaDB numbers a domain's transactions across servers: between two of one server's,
    // others may have taken numbers, so only MySQL's numbers count transactions.
    let one = |(origin, from, to): &(&str, u64, u64)| match to - from {
        _ if *from == 0 => format!("transactions up to #{to} (server {origin})"),
        1 => format!("1 transaction (server {origin} #{to})"),
        _ if engine == Engine::MariaDb => format!("transactions after #{from}, up to #{to} (server {origin})"),
        n => format!("{n} transactions (server {origin} #{}–#{to})", from + 1),
    };
    gaps.iter().map(one).collect::<Vec<_>>().join(" and ")
}

/// `rejoin`: the old source runs again, read-only, as a replica of the promoted server, both
/// threads run and a fresh row reaches it.
pub(super) fn rejoin(ctx: &Ctx<'_>, source: &str, replica: &str) -> Verdict {
    let failed_over = failover(ctx, source, replica);
    let split = matches!(&failed_over, Verdict::Failing(n) if n.diagnosis == Some(Diagnosis::SplitBrain));
    if !split && let Some(verdict) = diverged(ctx, source, replica) {
        return verdict;
    }
    match failed_over {
        Verdict::Done => {}
        Verdict::Failing(note)
            if matches!(
                note.diagnosis,
                Some(Diagnosis::SplitBrain | Diagnosis::OldSourceWritable | Diagnosis::PromotedLost)
            ) =>
        {
            return Verdict::Failing(note);
        }
        _ => {
            return ctx.waiting_for(
                |c| matches!(c, Check::Failover { source: s, replica: r } if s == source && r == replica),
                format!("the {replica} has not taken over from the {source} yet"),
            );
        }
    }
    let values = names(ctx, source, replica);
    let Some(old) = ctx.snapshot.facts(source) else {
        return Verdict::Pending(
            Note::new(Diagnosis::OldSourceDown, format!("the {source} is still down"))
                .with_all(&values)
                .with("config", ctx.config_path(source)),
        );
    };
    // The promoted server is the source now, and the old source its replica.
    match replication::account(ctx, replica, source) {
        Verdict::Done => {}
        Verdict::Pending(note) | Verdict::Failing(note)
            if note.diagnosis == Some(Diagnosis::NoReplicationAccount) =>
        {
            let note = Note::new(
                Diagnosis::PromotedNoAccount,
                format!(
                    "the {replica} has no replication account: the one on the {source} was created before the {replica}'s starting coordinates, so it never replicated"
                ),
            )
            .with_all(&values);
            return if old.replica.is_some() { Verdict::Failing(note) } else { Verdict::Pending(note) };
        }
        other => return other,
    }
    if let Some(status) = &old.replica
        && let Some(new) = ctx.snapshot.facts(replica)
        && own_coordinates(status, old, new)
    {
        let theirs = new.current.as_ref().map_or_else(|| "(none)".to_owned(), at);
        return Verdict::Failing(
            Note::new(
                Diagnosis::RejoinOldCoordinates,
                format!(
                    "the {source} reads '{}' at {} from the {replica}: those are the {source}'s own coordinates, not the {replica}'s (now {theirs})",
                    status.source_log_file, status.read_source_log_pos
                ),
            )
            .with_all(&values)
            .with("replica_position", theirs),
        );
    }
    match replication::source(ctx, replica, source) {
        Verdict::Done => match replication::flow(ctx, replica, source) {
            Verdict::Done if read_only_line(ctx.config_text(source), old).is_none() => Verdict::Failing(
                Note::new(
                    Diagnosis::RejoinReadOnlyNotInConfig,
                    format!(
                        "the {source} replicates from the {replica} and refuses writes for now, but {} does not keep it read-only: its next restart makes it writable again",
                        ctx.config_path(source)
                    ),
                )
                .with_all(&values),
            ),
            flow => flow,
        },
        // Pointed at nobody yet: the way back is GTID positioning, not the coordinates that
        // first pointed the slave at it.
        Verdict::Pending(note) if note.diagnosis == Some(Diagnosis::NotAReplica) => Verdict::Pending(
            Note::new(
                Diagnosis::RejoinNotAReplica,
                format!("the {source} runs again, but replicates from nobody yet"),
            )
            .with_all(&values),
        ),
        other => other,
    }
}

/// The old source, replicating from the promoted one, asked for a GTID the promoted one never
/// had: their histories diverged, and no replication command mends that.
fn diverged(ctx: &Ctx<'_>, source: &str, replica: &str) -> Option<Verdict> {
    let old = ctx.snapshot.facts(source)?;
    let new = ctx.snapshot.facts(replica)?;
    let status = old.replica.as_ref()?;
    let error = status.last_io_error.trim();
    if diagnosis::diagnose_error(error, status.last_io_errno) != Some(Diagnosis::HistoriesDiverged) {
        return None;
    }
    let extra = gaps(&old.failover, &new.failover);
    let on_old = match requested_gtid(error) {
        _ if !extra.is_empty() => spans(&extra, old.engine),
        Some(gtid) => format!("GTID {gtid}"),
        None => "transactions".to_owned(),
    };
    let theirs = gaps(&new.failover, &old.failover);
    let on_new = if theirs.is_empty() {
        String::new()
    } else {
        format!(", and the {replica} holds {} the {source} lacks", spans(&theirs, old.engine))
    };
    let reason = format!(
        "the {source} and the {replica} have diverged: the {source} holds {on_old} the {replica} never had{on_new} (the {source}'s IO thread says: {error})"
    );
    Some(Verdict::Failing(
        Note::new(Diagnosis::HistoriesDiverged, reason)
            .with_all(&names(ctx, source, replica))
            .with("on_source", on_old),
    ))
}

/// The GTID a replica asked to start from, as MariaDB's error names it (`0-1-21`).
fn requested_gtid(error: &str) -> Option<&str> {
    let (_, rest) = error.split_once("start from GTID ")?;
    rest.split(|c: char| c == ',' || c.is_whitespace()).next().filter(|g| !g.is_empty())
}

/// Whether the replica was given coordinates of its own binary log that do not hold on the
/// server it reads from (a copy of its own `SHOW MASTER STATUS`).
fn own_coordinates(status: &ReplicaStatus, old: &ServerFacts, new: &ServerFacts) -> bool {
    if status.gtid || status.source_log_file.is_empty() {
        return false;
    }
    let file = status.source_log_file.as_str();
    let fits = |facts: &ServerFacts| {
        facts.binary_log(file).is_some_and(|log| status.read_source_log_pos <= log.size)
    };
    let copied = old.current.as_ref().is_some_and(|c| c.file == file && c.position == status.read_source_log_pos);
    fits(old) && (!fits(new) || (copied && status.io_running != ThreadState::Yes))
}

/// Whether a running server takes writes from ordinary accounts.
fn takes_writes(facts: &ServerFacts) -> bool {
    !facts.read_only && !facts.failover.super_read_only
}

/// The line of the config file that sets read_only on, when one does.
fn read_only_line(text: &str, facts: &ServerFacts) -> Option<usize> {
    let file = OptionFile::parse(text, facts.engine);
    ["read_only", "super_read_only"].into_iter().find_map(|name| match file.setting(name) {
        Setting::Set(line) if is_on(line.value.as_deref()) => Some(line.line),
        _ => None,
    })
}

/// A my.cnf boolean: a bare option or 1/ON/TRUE is on.
fn is_on(value: Option<&str>) -> bool {
    value.is_none_or(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "on" | "true" | "yes"))
}

fn at(c: &crate::probe::snapshot::Coordinates) -> String {
    format!("{}:{}", c.file, c.position)
}

/// The hint's names: the old source (dead, or running again) and the promoted replica, and
/// their files.
fn names(ctx: &Ctx<'_>, source: &str, replica: &str) -> Vec<(&'static str, String)> {
    let state = if ctx.snapshot.facts(source).is_some() { "old" } else { "dead" };
    vec![
        ("source", source.to_owned()),
        ("source_word", format!("{state} {source}")),
        ("replica", replica.to_owned()),
        ("source_config", ctx.config_path(source)),
        ("replica_config", ctx.config_path(replica)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_mysql_numbers_count_transactions() {
        let gaps = [("1", 16, 24)];
        // MariaDB: the promoted slave may have taken #17–#23 of the domain.
        assert_eq!(spans(&gaps, Engine::MariaDb), "transactions after #16, up to #24 (server 1)");
        assert_eq!(spans(&gaps, Engine::MySql), "8 transactions (server 1 #17–#24)");
        assert_eq!(spans(&[("1", 23, 24)], Engine::MariaDb), "1 transaction (server 1 #24)");
        assert_eq!(spans(&[("2", 0, 3)], Engine::MariaDb), "transactions up to #3 (server 2)");
    }
}
