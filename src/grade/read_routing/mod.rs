//! `read-routing`: the application's writes reached the writer, its reads the reader, and its
//! rows travelled; judged by `routing::judge` on what the servers logged.

pub mod judge;

use crate::grade::{Ctx, Note, Verdict};
use crate::grade::read_routing::judge::{Finding, RoutingVerdict};

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
    match judge::judge(facts, writer, reader, ctx.snapshot.taken_at) {
        RoutingVerdict::Done(_) => Verdict::Done,
        RoutingVerdict::NotRun(finding) => Verdict::Pending(note(finding)),
        RoutingVerdict::Failing(findings) => match findings.into_iter().next() {
            Some(finding) => Verdict::Failing(note(finding)),
            None => Verdict::Done,
        },
    }
}

fn note(finding: Finding) -> Note {
    Note { reason: finding.reason, diagnosis: Some(finding.hint), values: Vec::new() }
}
