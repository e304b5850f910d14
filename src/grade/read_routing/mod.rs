//! `read-routing`: the application's writes reached the writer, its reads the reader, and its
//! rows travelled; judged by `routing::judge` on what the servers logged.

pub mod crash;
pub mod judge;

use crate::grade::read_routing::judge::{Finding, RoutingVerdict};
use crate::grade::{Ctx, Note, Verdict};

pub(super) fn check(ctx: &Ctx<'_>, writer: &str, reader: &str) -> Verdict {
    if let Err(verdict) = ctx.running(writer).and_then(|_| ctx.running(reader)) {
        return verdict;
    }
    let facts = match ctx.snapshot.routing(writer, reader) {
        Some(Ok(facts)) => facts,
        Some(Err(why)) => return Verdict::Pending(Note::plain(why.clone())),
        None => {
            return Verdict::Pending(Note::plain(format!(
                "the application's statements on the {writer} and the {reader} were not read this round"
            )));
        }
    };
    let verdict = judge::judge(facts, writer, reader, ctx.snapshot.taken_at);
    if let Some(failed) = crash::last_run(ctx, facts, &verdict, (writer, reader)) {
        return Verdict::Failing(failed);
    }
    match verdict {
        RoutingVerdict::Done(_) => Verdict::Done,
        RoutingVerdict::NotRun(finding) => Verdict::Pending(note(finding)),
        RoutingVerdict::Failing(findings) => match findings.into_iter().next() {
            Some(finding) => Verdict::Failing(note(finding).with_all(&ctx.route_ports(writer, reader))),
            None => Verdict::Done,
        },
    }
}

fn note(finding: Finding) -> Note {
    Note {
        reason: finding.reason,
        diagnosis: Some(finding.hint),
        values: Vec::new(),
    }
}
