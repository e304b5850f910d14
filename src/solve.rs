//! `solve [TASK]`: applies the reference solution of a task and of every task before it, as
//! declared in the lab (`[[tasks]] solution = { files, restart, sql }`).
//!
//! For a stuck learner, and for the checks themselves: a check is trusted once it fails on a
//! fresh lab and passes after the reference solution.

use anyhow::Context;

use crate::lesson;
use crate::snapshot::Coordinates;
use crate::spec::{LabSpec, TaskSpec};

/// The tasks `solve TASK` works through: TASK and every task before it; all without TASK.
pub fn tasks_up_to<'a>(spec: &'a LabSpec, task: Option<&str>) -> anyhow::Result<Vec<&'a TaskSpec>> {
    let Some(id) = task else { return Ok(spec.tasks.iter().collect()) };
    let end = spec.tasks.iter().position(|t| t.id == id).with_context(|| {
        let known: Vec<&str> = spec.tasks.iter().map(|t| t.id.as_str()).collect();
        format!("there is no task `{id}` (tasks: {})", known.join(", "))
    })?;
    Ok(spec.tasks[..=end].iter().collect())
}

/// Fills a solution's SQL: `{{SERVER.log_file}}` and `{{SERVER.log_pos}}` become that
/// server's binlog coordinates, read by `coordinates(server)` when the file runs.
pub fn fill_sql(
    text: &str,
    mut coordinates: impl FnMut(&str) -> anyhow::Result<Coordinates>,
) -> anyhow::Result<String> {
    let mut read: Vec<(String, Coordinates)> = Vec::new();
    for (_, name) in lesson::placeholders(text) {
        let (server, _) = name
            .rsplit_once('.')
            .filter(|(_, f)| matches!(*f, "log_file" | "log_pos"))
            .with_context(|| format!("unknown placeholder `{{{{{name}}}}}` in solution SQL"))?;
        if !read.iter().any(|(s, _)| s == server) {
            read.push((server.to_owned(), coordinates(server)?));
        }
    }
    Ok(lesson::fill(text, |name| {
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
    use crate::content::Content;

    fn spec() -> LabSpec {
        Content::Embedded.day("day20").expect("day 20").spec
    }

    #[test]
    fn a_task_brings_every_task_before_it() {
        let spec = spec();
        let ids = |t: Option<&str>| -> Vec<String> {
            tasks_up_to(&spec, t).expect("known").iter().map(|t| t.id.clone()).collect()
        };
        assert_eq!(ids(Some("master-config")), ["master-config"]);
        assert_eq!(ids(Some("change-master")), ["master-config", "slave-config", "replication-user", "change-master"]);
        assert_eq!(ids(None).len(), spec.tasks.len());
        let err = tasks_up_to(&spec, Some("nope")).expect_err("unknown task");
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
    fn every_solution_file_exists_and_fills() {
        let content = Content::Embedded;
        for slug in content.days().expect("days") {
            let day = content.day(&slug).expect("day");
            for task in &day.spec.tasks {
                let Some(solution) = &task.solution else { continue };
                for file in &solution.files {
                    content.lab_file(&slug, &file.from).expect("solution file exists");
                }
                for sql in &solution.sql {
                    let text = content.lab_file(&slug, &sql.file).expect("solution SQL exists");
                    fill_sql(&text, |_| Ok(Coordinates { file: "f".into(), position: 4 }))
                        .expect("its placeholders are known");
                }
            }
        }
    }
}
