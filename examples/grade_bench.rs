//! One probe + grade round on both servers of a running day-20 lab, timed: p50 and p95 over
//! many rounds (what the TUI does every second). A canary row that arrived is trusted for a
//! minute while the threads run, so the rounds measured send none; the first round does.
//!
//! ```sh
//! sqlcourse day20 up && sqlcourse day20 solve     # a lab in full swing: the canary travels
//! cargo run --release --example grade_bench -- [ROUNDS]
//! ```
//! The lab is the one `SQLCOURSE_LAB_NAME` / `SQLCOURSE_HOME` name, as for `sqlcourse`.

use std::time::{Duration, Instant};

use anyhow::Context;
use sqlcourse::grade::grader::Grader;
use sqlcourse::course::content::Content;
use sqlcourse::lab::Lab;
use sqlcourse::learner::workspace::Workspace;

fn main() -> anyhow::Result<()> {
    let rounds: usize = match std::env::args().nth(1) {
        Some(n) => n.parse().context("ROUNDS is a number")?,
        None => 200,
    };
    anyhow::ensure!(rounds > 0, "ROUNDS must be at least 1");
    let day = Content::Embedded.day("day20")?;
    let workspace = Workspace::for_day(&day.spec.slug)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let lab = runtime.block_on(Lab::connect(day.clone(), workspace.clone(), Default::default()))?;
    let servers = runtime.block_on(lab.graded_servers())?;
    anyhow::ensure!(
        servers.iter().all(|s| s.state.is_running()),
        "the lab is not running: start it with `sqlcourse day20 up`"
    );
    let mut grader = Grader::new(day, workspace);
    let mut times = Vec::with_capacity(rounds);
    let start = Instant::now();
    let mut report = grader.round(&servers);
    let first = start.elapsed();
    let cpu_before = thread_cpu()?;
    for _ in 0..rounds {
        let start = Instant::now();
        report = grader.round(&servers);
        times.push(start.elapsed());
    }
    let cpu_per_round = (thread_cpu()? - cpu_before) / rounds as u32;
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{rounds} rounds (probe + grade, both servers): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        ms(at(0.5)),
        ms(at(0.95)),
        ms(at(1.0))
    );
    println!(
        "first round (opens the sessions, sends a canary row and waits for it): {:.1} ms",
        ms(first)
    );
    println!(
        "CPU per round: {:.2} ms, so one round a second takes {:.2} % of a core",
        ms(cpu_per_round),
        ms(cpu_per_round) / 10.0
    );
    print!("{}", report.to_text());
    Ok(())
}

/// CPU time this thread has used (the rounds run on it, blocking), from the kernel's
/// scheduler statistics.
fn thread_cpu() -> anyhow::Result<Duration> {
    let stats = std::fs::read_to_string("/proc/thread-self/schedstat")
        .context("reading /proc/thread-self/schedstat (Linux only)")?;
    let nanos: u64 = stats.split_whitespace().next().context("an empty schedstat")?.parse()?;
    Ok(Duration::from_nanos(nanos))
}
