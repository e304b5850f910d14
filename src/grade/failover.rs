//! The failover drill: the source dies, the replica takes its place (`failover`), then the old
//! source comes back as a replica of the promoted one (`rejoin`).
//!
//! Judged on what the servers hold, as the other checks are; the replica's status from an
//! earlier round (`Snapshot::last_replica`) tells what it had received and applied before
//! `RESET SLAVE ALL` erased it.

use crate::course::spec::Check;
use crate::dialect::mycnf::{OptionFile, Setting};
use crate::grade::diagnosis::Diagnosis;
use crate::grade::read_routing::judge::{self, RoutingVerdict};
use crate::grade::{Ctx, Note, Verdict, replication};
use crate::probe::snapshot::{ReplicaStatus, ServerFacts, ThreadState};

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
    if let Some(lost) = ctx.snapshot.last_replica.get(replica).filter(|s| stranded(s)) {
        return Verdict::Failing(
            note(
                Diagnosis::PromotedUnapplied,
                format!(
                    "the {replica} was promoted with {} received from the {source} but only {} applied: the rest is lost",
                    at(&lost.received()),
                    at(&lost.applied())
                ),
            )
            .with("received", at(&lost.received()))
            .with("applied", at(&lost.applied())),
        );
    }
    if let Some(old) = old
        && takes_writes(old)
    {
        return two_writers(ctx, source, replica, old, new);
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
    match judge::judge_single(facts, replica, ctx.snapshot.taken_at) {
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

/// The old source runs and takes writes beside the promoted server: split brain when both
/// wrote what the other lacks, else a writable server waiting to be written to.
fn two_writers(
    ctx: &Ctx<'_>,
    source: &str,
    replica: &str,
    old: &ServerFacts,
    new: &ServerFacts,
) -> Verdict {
    let values = names(ctx, source, replica);
    let own = |facts: &ServerFacts| facts.failover.transactions.get(&facts.failover.origin).copied().unwrap_or(0);
    let seen_by = |facts: &ServerFacts, origin: &str| facts.failover.transactions.get(origin).copied().unwrap_or(0);
    let (old_last, old_seen) = (own(old), seen_by(new, &old.failover.origin));
    let new_last = own(new);
    // Split brain: the old source wrote what the promoted one lacks, and the promoted one
    // took writes of its own.
    if old_last > old_seen && new_last > 0 {
        let span = |origin: &str, from: u64, to: u64| match to - from {
            1 => format!("1 transaction (server {origin} #{to})"),
            n => format!("{n} transactions (server {origin} #{}–#{to})", from + 1),
        };
        let on_old = span(&old.failover.origin, old_seen, old_last);
        let on_new = span(&new.failover.origin, 0, new_last);
        return Verdict::Failing(
            Note::new(
                Diagnosis::SplitBrain,
                format!(
                    "split brain: the {source} took {on_old} the {replica} lacks, while the {replica} took {on_new} of its own"
                ),
            )
            .with_all(&values)
            .with("on_source", on_old)
            .with("on_replica", on_new),
        );
    }
    Verdict::Failing(
        Note::new(
            Diagnosis::OldSourceWritable,
            format!("the {source} runs again and takes writes, beside the promoted {replica}"),
        )
        .with_all(&values)
        .with("config", ctx.config_path(source)),
    )
}

/// `rejoin`: the old source runs again, read-only, as a replica of the promoted server, both
/// threads run and a fresh row reaches it.
pub(super) fn rejoin(ctx: &Ctx<'_>, source: &str, replica: &str) -> Verdict {
    match failover(ctx, source, replica) {
        Verdict::Done => {}
        Verdict::Failing(note)
            if matches!(note.diagnosis, Some(Diagnosis::SplitBrain | Diagnosis::OldSourceWritable)) =>
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
        Verdict::Done => replication::flow(ctx, replica, source),
        other => other,
    }
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

/// The hint's names: the old source and the promoted replica, and their files.
fn names(ctx: &Ctx<'_>, source: &str, replica: &str) -> Vec<(&'static str, String)> {
    vec![
        ("source", source.to_owned()),
        ("replica", replica.to_owned()),
        ("source_config", ctx.config_path(source)),
        ("replica_config", ctx.config_path(replica)),
    ]
}

