//! `solve [TASK]`: applies the reference solution of a task and of every task before it, as
//! declared in the lab (`[[tasks]] solution = { crash, files, restart, sql, run_app }`).
//!
//! For a stuck learner, and for the checks themselves: a check is trusted once it fails on a
//! fresh lab and passes after the reference solution.

use std::time::{Duration, Instant};

use anyhow::Context;
use mysql::prelude::Queryable;

use crate::grade::grader::{Grader, record_progress};
use crate::course::content::Day;
use crate::grade::TaskState;
use crate::lab::{Lab, OnEvent, ServerInfo};
use crate::course::template;
use crate::probe;
use crate::grade::report::Report;
use crate::probe::snapshot::Coordinates;
use crate::course::spec::{SolutionSpec, TaskSpec};

/// How long a solved task may take to show as done (a canary row waits up to 5 s).
const SETTLE_LIMIT: Duration = Duration::from_secs(30);
/// Between two grading rounds while waiting.
const SETTLE_POLL: Duration = Duration::from_millis(250);

/// Applies the solutions of `task` and every task before it, each followed by grading rounds
/// until it is done. Tasks already done are left alone; `say` reports each step. Returns the
/// last round.
pub async fn run(
    lab: &Lab,
    day: &Day,
    task: Option<&str>,
    progress: &OnEvent<'_>,
    say: &dyn Fn(String),
) -> anyhow::Result<Report> {
    let tasks = tasks_up_to(day, task)?;
    // The solutions work on the course's data: without it they would stop half-way.
    if let Some(gone) = lab.course_data_gone().await?.into_iter().next() {
        anyhow::bail!("{gone}; then run solve again");
    }
    let mut grader = Grader::new(day.clone(), lab.workspace().clone());
    let mut report = round(lab, &mut grader).await?;
    for task in tasks {
        if is_done(&report, &task.id) {
            say(format!("{}: already done", task.id));
            continue;
        }
        let Some(solution) = &task.solution else {
            say(format!("{}: no reference solution; left for you", task.id));
            continue;
        };
        apply(lab, day, solution, progress, say).await.with_context(|| format!("solving {}", task.id))?;
        let started = Instant::now();
        report = round(lab, &mut grader).await?;
        while !is_done(&report, &task.id) && started.elapsed() < SETTLE_LIMIT {
            tokio::time::sleep(SETTLE_POLL).await;
            report = round(lab, &mut grader).await?;
        }
        let status = report.tasks.iter().find(|t| t.id == task.id);
        match status {
            Some(s) if s.status == TaskState::Done => say(format!("{}: done", task.id)),
            Some(s) => anyhow::bail!(
                "{} is still not done after its reference solution: {}",
                task.id,
                s.reason.as_deref().unwrap_or("no reason given")
            ),
            None => anyhow::bail!("{} was not graded", task.id),
        }
    }
    if let Some(warning) = record_progress(&day.spec.slug, &report.tasks) {
        say(warning);
    }
    Ok(report)
}

async fn round(lab: &Lab, grader: &mut Grader) -> anyhow::Result<Report> {
    let servers = lab.graded_servers().await?;
    Ok(tokio::task::block_in_place(|| grader.round(&servers)))
}

fn is_done(report: &Report, id: &str) -> bool {
    report.tasks.iter().any(|t| t.id == id && t.status == TaskState::Done)
}

/// Crashes, files, restarts, then SQL: the order a learner follows.
async fn apply(
    lab: &Lab,
    day: &Day,
    solution: &SolutionSpec,
    progress: &OnEvent<'_>,
    say: &dyn Fn(String),
) -> anyhow::Result<()> {
    let workspace = lab.workspace();
    for server in &solution.crash {
        say(format!("  crashing the {server}"));
        lab.crash(server).await?;
    }
    let servers = lab.servers().await?;
    let live_port = |name: &str| crate::lab::live_value(&servers, name);
    for file in &solution.files {
        workspace.write_file(day, file, &live_port)?;
        say(format!("  wrote {}", workspace.path(&file.to).display()));
    }
    for server in &solution.restart {
        say(format!("  restarting the {server}"));
        lab.restart(server, progress).await?;
    }
    for step in &solution.sql {
        let servers = lab.servers().await?;
        let endpoint = |name: &str| endpoint_of(&servers, name, &day.spec.slug);
        tokio::task::block_in_place(|| {
            // The statements in the words of the engine that answers.
            let mut conn = probe::connect(&endpoint(&step.server)?)
                .map_err(|e| anyhow::anyhow!(probe::describe(&e)))?;
            let (engine, _) = crate::dialect::engine::server_version(&mut conn)?;
            let file = step.file_for(engine);
            let text = day.content.lab_file(&day.spec.slug, file)?;
            say(format!("  running {file} on the {}", step.server));
            // Coordinates are read now, right before the statement that needs them.
            let sql = fill_sql(&text, |server| {
                let mut conn = probe::connect(&endpoint(server)?)?;
                probe::coordinates_now(&mut conn)?.with_context(|| {
                    format!("the {server} keeps no binary log, so it has no coordinates")
                })
            })?;
            run_sql(&mut conn, &sql)
        })
        .with_context(|| format!("{} on the {}", step.file, step.server))?;
    }
    if solution.run_app {
        say("  running the application".to_owned());
        tokio::task::block_in_place(|| run_app(day, workspace))?;
    }
    Ok(())
}

/// Runs the workspace application to its end; its last lines explain a failure.
fn run_app(day: &Day, workspace: &crate::learner::workspace::Workspace) -> anyhow::Result<()> {
    use crate::learner::app_run::{self, AppEvent};
    let (app, dir) = day
        .spec
        .app
        .as_ref()
        .zip(workspace.app_dir(day))
        .context("the lab has no application to run")?;
    let (events, finished) = std::sync::mpsc::channel();
    let venv = workspace.app_venv(day);
    app_run::start(
        &dir,
        app,
        venv.as_ref(),
        Some(workspace.app_run_record()),
        move |event| {
            let _ = events.send(event);
        },
    )?;
    let mut last = Vec::new();
    for event in finished {
        match event {
            AppEvent::Line { text, .. } => {
                last.push(text);
                if last.len() > 5 {
                    last.remove(0);
                }
            }
            AppEvent::Exited { code: Some(0) } => return Ok(()),
            AppEvent::Exited { code } => {
                let code = code.map_or_else(|| "a signal".to_owned(), |c| format!("code {c}"));
                anyhow::bail!("the application ended with {code}: {}", last.join(" / "));
            }
        }
    }
    anyhow::bail!("the application's output ended without an exit status")
}

fn endpoint_of(servers: &[ServerInfo], name: &str, slug: &str) -> anyhow::Result<probe::Endpoint> {
    servers
        .iter()
        .find(|s| s.name == name && s.state.is_running())
        .and_then(|s| s.endpoint.clone())
        .with_context(|| format!("the {name} is not running; start the lab with `sqlcourse {slug} up`"))
}

/// Runs statements one by one, stopping at the first error.
fn run_sql(conn: &mut mysql::Conn, sql: &str) -> anyhow::Result<()> {
    for statement in crate::sql::split(sql).into_statements() {
        conn.query_drop(&statement.text)
            .map_err(|e| anyhow::anyhow!("{}: {}", statement.text, probe::describe(&e)))?;
    }
    Ok(())
}

/// The tasks `solve TASK` works through: TASK and every task before it; all without TASK.
/// The tasks up to `task` (all without one), in the order the lesson teaches them: a learner
/// stuck at a step has done the steps before it, not the lab file's next task.
pub fn tasks_up_to<'a>(day: &'a Day, task: Option<&str>) -> anyhow::Result<Vec<&'a TaskSpec>> {
    let mut tasks: Vec<&TaskSpec> = day.spec.tasks.iter().collect();
    tasks.sort_by_key(|t| day.lesson.step_of(&t.id).unwrap_or(usize::MAX));
    let Some(id) = task else { return Ok(tasks) };
    let end = tasks.iter().position(|t| t.id == id).with_context(|| {
        let known: Vec<&str> = tasks.iter().map(|t| t.id.as_str()).collect();
        format!("there is no task `{id}` (tasks: {})", known.join(", "))
    })?;
    tasks.truncate(end + 1);
    Ok(tasks)
}

/// Fills a solution's SQL: `{{SERVER.log_file}}` and `{{SERVER.log_pos}}` become that
/// server's binlog coordinates, read by `coordinates(server)` when the file runs.
pub fn fill_sql(
    text: &str,
    mut coordinates: impl FnMut(&str) -> anyhow::Result<Coordinates>,
) -> anyhow::Result<String> {
    let mut read: Vec<(String, Coordinates)> = Vec::new();
    for (_, name) in template::placeholders(text) {
        let (server, _) = name
            .rsplit_once('.')
            .filter(|(_, f)| matches!(*f, "log_file" | "log_pos"))
            .with_context(|| format!("unknown placeholder `{{{{{name}}}}}` in solution SQL"))?;
        if !read.iter().any(|(s, _)| s == server) {
            read.push((server.to_owned(), coordinates(server)?));
        }
    }
    Ok(template::fill(text, |name| {
        let (server, field) = name.rsplit_once('.')?;
        let (_, at) = read.iter().find(|(s, _)| s == server)?;
        match field {
            "log_file" => Some(at.file.clone()),
            "log_pos" => Some(at.position.to_string()),
            _ => None,
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::content::Content;

    #[test]
    fn a_task_brings_every_task_the_lesson_teaches_before_it() {
        let day = Content::Embedded.day("day20").expect("day 20");
        let ids = |t: Option<&str>| -> Vec<String> {
            tasks_up_to(&day, t).expect("known").iter().map(|t| t.id.clone()).collect()
        };
        assert_eq!(ids(Some("master-config")), ["master-config"]);
        assert_eq!(ids(Some("replication-user")), ["master-config", "replication-user"]);
        assert_eq!(ids(Some("change-master")), ["master-config", "replication-user", "slave-config", "change-master"]);
        assert_eq!(ids(None).len(), day.spec.tasks.len());
        let err = tasks_up_to(&day, Some("nope")).expect_err("unknown task");
        assert!(err.to_string().contains("there is no task `nope` (tasks: master-config"), "{err}");
    }

    #[test]
    fn coordinates_are_read_once_per_server_when_the_file_runs() {
        let mut asked = Vec::new();
        let sql = fill_sql(
            "CHANGE MASTER TO MASTER_LOG_FILE='{{master.log_file}}', MASTER_LOG_POS={{master.log_pos}};",
            |server| {
                asked.push(server.to_owned());
                Ok(Coordinates { file: "mysql-bin.000002".into(), position: 785 })
            },
        )
        .expect("filled");
        assert_eq!(sql, "CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000002', MASTER_LOG_POS=785;");
        assert_eq!(asked, ["master"]);
        let err = fill_sql("{{master.port}}", |_| unreachable!()).expect_err("not a solution placeholder");
        assert!(err.to_string().contains("master.port"), "{err}");
    }

    #[test]
    fn every_solution_file_exists_fills_and_speaks_its_engines_words() {
        let content = Content::Embedded;
        for slug in content.days().expect("days") {
            let day = content.day(&slug).expect("day");
            for task in &day.spec.tasks {
                let Some(solution) = &task.solution else { continue };
                for file in &solution.files {
                    content.lab_file(&slug, &file.from).expect("solution file exists");
                }
                for sql in &solution.sql {
                    for (engine, setup) in &day.spec.engines {
                        let file = sql.file_for(*engine);
                        let text = content.lab_file(&slug, file).expect("solution SQL exists");
                        fill_sql(&text, |_| Ok(Coordinates { file: "f".into(), position: 4 }))
                            .expect("its placeholders are known");
                        let refused = crate::dialect::forms::refused(&text, *engine, setup.release());
                        assert!(
                            refused.is_empty(),
                            "labs/{slug}/{file} runs on {engine} {}, which refuses {refused:?}",
                            setup.release()
                        );
                    }
                }
            }
        }
    }
}
