//! One probe + grade round on both servers, timed: p50 and p95 over many rounds.
//!
//! `cargo run --example grade_bench -- MASTER_PORT SLAVE_PORT ROOT_PASSWORD [ROUNDS]`
//! against a running day-20 lab on 127.0.0.1.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use sqlcourse::content::Content;
use sqlcourse::grade::{WorkspaceFiles, grade};
use sqlcourse::probe::{Endpoint, Probe};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port = |i: usize| -> anyhow::Result<u16> {
        args.get(i).context("usage: grade_bench MASTER_PORT SLAVE_PORT ROOT_PASSWORD [ROUNDS]")?.parse().context("a port number")
    };
    let (master, slave) = (port(0)?, port(1)?);
    let password = args.get(2).context("the root password")?.clone();
    let rounds: usize = args.get(3).map_or(Ok(200), |r| r.parse()).context("a number of rounds")?;
    let day = Content::Embedded.day("day20")?;
    let endpoint = |port| Endpoint { host: "127.0.0.1".into(), port, user: "root".into(), password: password.clone() };
    let mut probe = Probe::new(vec![("master".into(), endpoint(master)), ("slave".into(), endpoint(slave))], None);
    let files = WorkspaceFiles::default();
    let mut times = Vec::with_capacity(rounds);
    let mut last = Vec::new();
    for _ in 0..rounds {
        let start = Instant::now();
        let snapshot = probe.round(&day.spec, &BTreeMap::new());
        last = grade(&day.spec, &files, &snapshot);
        times.push(start.elapsed());
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("rounds {rounds}: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms", ms(at(0.5)), ms(at(0.95)), ms(at(1.0)));
    for s in last {
        println!("{:<20} {:?} {}", s.id, s.status, s.reason.unwrap_or_default());
    }
    Ok(())
}
