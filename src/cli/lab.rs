//! The lab's commands on the command line: `up`, `down`, `status`, `restart`, `crash`, `reset`,
//! `check` and `solve`.
//!
//! Progress goes to stderr, results to stdout (so `status --json` pipes cleanly).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Mutex;

use crate::cli::args::{DayCommand, Global};
use crate::course::content::Day;
use crate::lab::pull::PullSummary;
use crate::lab::{HOST, Lab, LabEvent, ServerChoice, ServerInfo};
use crate::learner::progress::Progress;
use crate::learner::workspace::Workspace;

/// Prints a line on stdout; a reader that went away (`| head`) is not an error.
macro_rules! outln {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// Runs one lab command to completion.
pub fn run(day: Day, global: &Global, command: DayCommand) -> anyhow::Result<ExitCode> {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(run_async(day, global, command))
}

async fn run_async(day: Day, global: &Global, command: DayCommand) -> anyhow::Result<ExitCode> {
    let slug = day.spec.slug.clone();
    let workspace = Workspace::for_day(&slug)?;
    if let DayCommand::Reset { yes: false } = command
        && !confirm_reset(&slug, &workspace)?
    {
        eprintln!("Nothing was changed.");
        return Ok(ExitCode::FAILURE);
    }
    let choice = ServerChoice { engine: global.engine, image: global.image.clone() };
    let lab = Lab::connect(day.clone(), workspace, choice).await?;
    // Another user's lab is only ever looked at.
    if !matches!(command, DayCommand::Status { .. }) {
        lab.ensure_ours()?;
    }
    let printer = Printer::default();
    let progress = |event| printer.show(event);
    match command {
        DayCommand::Up => {
            let servers = lab.up(&progress).await?;
            print_reachable(&lab, &slug, &servers).await?;
        }
        DayCommand::Down => {
            lab.down(&progress).await?;
            outln!(
                "The lab is down. Your data and your files in {} are kept: `sqlcourse {slug} up` resumes.",
                lab.workspace().root.display()
            );
        }
        DayCommand::Status { json } => {
            let status = crate::cli::status::gather(&lab).await?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&status)?);
            } else {
                let _ = write!(std::io::stdout(), "{}", crate::cli::status::text(&status, &slug));
            }
        }
        DayCommand::Restart { server } => {
            let info = lab.restart(&server, &progress).await?;
            let port = info.port.map_or_else(|| "?".to_owned(), |p| p.to_string());
            outln!("The {} restarted and accepts SQL on {HOST}:{port}.", info.name);
        }
        DayCommand::Crash { server } => {
            lab.crash(&server).await?;
            outln!(
                "The {server} is down, killed like a power cut (its data is kept). `sqlcourse {slug} restart {server}` starts it again."
            );
        }
        DayCommand::Reset { .. } => {
            let servers = lab.reset(&progress).await?;
            Progress::clear(&slug)?;
            outln!("The lab is fresh: starting files restored, data and progress cleared.");
            print_reachable(&lab, &slug, &servers).await?;
        }
        DayCommand::Check { json } => return crate::cli::check::run(&lab, &day, json).await,
        DayCommand::Solve { task } => {
            let report =
                crate::cli::solve::run(&lab, &day, task.as_deref(), &progress, &|line| eprintln!("{line}"))
                    .await?;
            // The progress ends, on its own line, before the table starts in one write.
            eprintln!();
            let _ = std::io::stderr().flush();
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(report.to_text().as_bytes()).and_then(|()| out.flush());
        }
        DayCommand::Sql { server, execute } => {
            return crate::cli::sql::run(&lab, &server, execute.as_deref()).await;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Asks on the terminal before `reset` throws the learner's work away.
fn confirm_reset(slug: &str, workspace: &Workspace) -> anyhow::Result<bool> {
    anyhow::ensure!(
        std::io::stdin().is_terminal(),
        "reset deletes the lab's data and restores your starting files; run `sqlcourse {slug} reset --yes` to confirm"
    );
    eprint!(
        "This deletes the {slug} servers' data, restores the starting files in {} (your edits are lost) and clears your progress.\nContinue? [y/N] ",
        workspace.root.display()
    );
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}

/// Prints progress events as lines on stderr; pull progress rewrites one line on a terminal,
/// and elsewhere (a log, a pipe) prints a plain line every tenth and at each layer done.
struct Printer {
    terminal: bool,
    /// The pull shown last, and whether its line is still open (a terminal's, not ended).
    pull: Mutex<Option<(PullSummary, bool)>>,
}

impl Default for Printer {
    fn default() -> Self {
        Printer { terminal: std::io::stderr().is_terminal(), pull: Mutex::new(None) }
    }
}

impl Printer {
    fn show(&self, event: LabEvent) {
        let mut pull = self.pull.lock().unwrap_or_else(|e| e.into_inner());
        if let LabEvent::Pulling { image, progress } = &event {
            let line = format!("Pulling {image}: {}", progress.describe());
            let done = progress.permille == 1000;
            if self.terminal {
                // One line, redrawn in place: carriage return, clear the line, no newline.
                eprint!("\r\x1b[2K{line}{}", if done { "\n" } else { "" });
                let _ = std::io::stderr().flush();
                *pull = Some((*progress, !done));
            } else if plain_line_due(pull.as_ref().map(|p| &p.0), progress) {
                eprintln!("{line}");
                *pull = Some((*progress, false));
            }
            return;
        }
        if let Some((_, open)) = pull.as_mut()
            && *open
        {
            eprintln!();
            *open = false;
        }
        let line = match event {
            LabEvent::Pulling { .. } => return,
            LabEvent::ImageFallback { wanted, using, reason } => {
                format!("Cannot pull {wanted} ({reason}); using the offline image {using}.")
            }
            LabEvent::Building { line } => format!("Building the offline image: {line}"),
            LabEvent::Creating(server) => format!("{server}: creating its container"),
            LabEvent::Starting(server) => format!("{server}: starting"),
            LabEvent::Waiting(server) => format!("{server}: waiting until it accepts SQL"),
            LabEvent::Seeding(server) => format!("{server}: loading the starting data"),
            LabEvent::Ready(server) => format!("{server}: ready"),
            LabEvent::Failed { server, reason } => format!("{server}: failed: {reason}"),
            LabEvent::Removing(what) => format!("Removing the lab's {what}"),
            LabEvent::Recovered(what) => format!("Recovered: {what}."),
            LabEvent::PortsMoved(moved) => moved.to_string(),
        };
        eprintln!("{line}");
    }
}

/// Whether a log (not a terminal) gets a new pull line: the first, each tenth, each layer done,
/// and the end.
fn plain_line_due(last: Option<&PullSummary>, now: &PullSummary) -> bool {
    let Some(last) = last else { return true };
    now.permille / 100 > last.permille / 100
        || now.layers_done > last.layers_done
        || (now.permille == 1000 && last.permille < 1000)
}

async fn print_reachable(lab: &Lab, slug: &str, servers: &[ServerInfo]) -> anyhow::Result<()> {
    let workspace = &lab.workspace().root;
    let engine = lab.engine().await?;
    outln!("Lab {} is up on {engine}. Workspace: {}", lab.names().lab, workspace.display());
    for server in servers {
        let port = server.port.map_or_else(|| "?".to_owned(), |p| p.to_string());
        let client = lab.client(server).await?;
        outln!(
            "  {:<8} {HOST}:{port:<6} {client} -h {HOST} -P {port} -u root -p   (or: sqlcourse {slug} sql {})",
            server.name,
            server.name
        );
    }
    outln!(
        "Root password: in {} . Inside the lab network the servers are `{}`, port 3306.",
        workspace.join(".root-password").display(),
        servers.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join("`, `")
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(permille: u16, layers_done: usize) -> PullSummary {
        PullSummary { layers: 5, layers_done, downloaded: 0, known_size: 0, permille }
    }

    #[test]
    fn a_log_gets_a_pull_line_each_tenth_each_layer_and_at_the_end_only() {
        assert!(plain_line_due(None, &at(0, 0)));
        assert!(!plain_line_due(Some(&at(0, 0)), &at(99, 0)));
        assert!(plain_line_due(Some(&at(99, 0)), &at(100, 0)));
        assert!(plain_line_due(Some(&at(150, 0)), &at(160, 1)), "a layer done");
        assert!(!plain_line_due(Some(&at(950, 4)), &at(990, 4)));
        assert!(plain_line_due(Some(&at(990, 4)), &at(1000, 5)));
    }
}
