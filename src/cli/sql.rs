//! `sqlcourse DAY sql SERVER [-e SQL]`: a server's own client, or statements run as root.

use std::process::ExitCode;

use anyhow::{anyhow, bail};

use crate::lab::{Lab, ServerInfo};
use crate::lab::endpoint::Endpoint;
use crate::lab::shell;
use crate::sql::{Session, StatementResult, outcome_lines};

/// Runs `-e` statements, or opens the server's own client when there are none.
pub async fn run(lab: &Lab, server: &str, execute: Option<&str>) -> anyhow::Result<ExitCode> {
    let target = running_server(lab, server).await?;
    let endpoint = target.endpoint.clone().ok_or_else(|| not_running(lab))?;
    match execute {
        Some(sql) => {
            let sql = sql.to_owned();
            let server = server.to_owned();
            tokio::task::spawn_blocking(move || execute_statements(&endpoint, &server, &sql)).await?
        }
        None => {
            let client = lab.client(&target).await?;
            let code =
                shell::attach_client(lab.docker(), &target.container, &client, &endpoint.password)
                    .await?;
            Ok(ExitCode::from(u8::try_from(code).unwrap_or(1)))
        }
    }
}

/// The named server, when the lab runs it.
async fn running_server(lab: &Lab, server: &str) -> anyhow::Result<ServerInfo> {
    let spec = &lab.day().spec;
    if spec.server(server).is_none() {
        let names: Vec<&str> = spec.servers.iter().map(|s| s.name.as_str()).collect();
        bail!("{} has no server named `{server}`: choose {}", spec.slug, names.join(" or "));
    }
    let info = lab.servers().await?.into_iter().find(|s| s.name == server);
    info.filter(|s| s.state.is_running()).ok_or_else(|| not_running(lab))
}

fn not_running(lab: &Lab) -> anyhow::Error {
    anyhow!("the lab is not running: start it with `sqlcourse {} up`", lab.day().spec.slug)
}

/// Prints results like `mariadb -t`, errors on stderr; fails at the first error.
fn execute_statements(target: &Endpoint, server: &str, sql: &str) -> anyhow::Result<ExitCode> {
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
