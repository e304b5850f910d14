//! `sqlcourse DAY sql SERVER [-e SQL]`: a server's own client, or statements run as root.

use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use crate::sql::{Session, StatementResult, outcome_lines};
use crate::{endpoint, shell};

use crate::content::Day;
use crate::workspace::Workspace;

/// Runs `-e` statements, or opens the client when there are none.
pub fn run(day: &Day, server: &str, execute: Option<&str>) -> anyhow::Result<ExitCode> {
    let slug = &day.spec.slug;
    if day.spec.server(server).is_none() {
        let names: Vec<&str> = day.spec.servers.iter().map(|s| s.name.as_str()).collect();
        bail!("{slug} has no server named `{server}`: choose {}", names.join(" or "));
    }
    let workspace = Workspace::for_day(slug)?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let docker = runtime.block_on(endpoint::docker())?;
    match execute {
        Some(sql) => {
            let target = runtime
                .block_on(endpoint::locate(&docker, slug, server, || workspace.root_password()))?;
            execute_statements(&target, server, sql)
        }
        None => {
            let container = endpoint::container_name(&endpoint::lab_name(slug), server);
            if runtime.block_on(endpoint::published_port(&docker, &container))?.is_none() {
                bail!("the lab is not running: start it with `sqlcourse {slug} up`");
            }
            let password = workspace.root_password()?;
            let code = runtime.block_on(shell::attach_client(&docker, &container, &password))?;
            Ok(ExitCode::from(u8::try_from(code).unwrap_or(1)))
        }
    }
}

/// Prints results like `mariadb -t`, errors on stderr; fails at the first error.
fn execute_statements(
    target: &endpoint::Endpoint,
    server: &str,
    sql: &str,
) -> anyhow::Result<ExitCode> {
    let mut session = Session::connect(target).map_err(|e| {
        anyhow!("cannot connect to the {server}: {e}\nIf it is starting or restarting, try again in a moment.")
    })?;
    let run = session.run(sql);
    for (i, outcome) in run.outcomes.iter().enumerate() {
        if i > 0 {
            println!();
        }
        if let StatementResult::Failed(error) = &outcome.result {
            eprintln!("{error}");
        } else {
            // Output for a terminal or a script: never cut values.
            for line in outcome_lines(outcome, usize::MAX) {
                println!("{line}");
            }
        }
    }
    if !run.skipped.is_empty() {
        eprintln!("({} more not run after the error)", run.skipped.len());
    }
    Ok(if run.error().is_some() { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
