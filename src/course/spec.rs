//! The lab description (`labs/dayNN/lab.toml`), read with serde.
//!
//! Everything a day needs that is not Rust lives here, so a new day is a new folder.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::dialect::engine::Engine;

/// One day's lab, as written in its `lab.toml`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LabSpec {
    /// Day number, shown in `sqlcourse list`.
    pub day: u32,
    /// The name used on the command line and in Docker object names (`day20`).
    pub slug: String,
    /// Title of the day's lesson.
    pub title: String,
    /// Lesson file, relative to the `lessons/` folder.
    pub lesson: String,
    /// The engines the lab runs on (`[engines.mariadb]`, `[engines.mysql]`): image, container
    /// interface, client and hint wordings of each.
    pub engines: BTreeMap<Engine, EngineSpec>,
    /// The database servers, in the order they are shown.
    pub servers: Vec<ServerSpec>,
    /// Extra starting files copied into the workspace.
    #[serde(default)]
    pub files: Vec<FileSpec>,
    /// Data every server gets before the learner starts.
    pub seed: Option<SeedSpec>,
    /// The learner's application, when the day has one.
    pub app: Option<AppSpec>,
    /// The graded tasks, in the order the learner meets them.
    pub tasks: Vec<TaskSpec>,
    /// Hint texts by diagnosis id; `{name}` placeholders are filled from the live state.
    #[serde(default)]
    pub hints: BTreeMap<String, String>,
}

/// How the lab runs on one engine.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EngineSpec {
    /// Official image, pulled when missing.
    pub image: String,
    /// Locally built fallback for machines without a registry.
    pub offline: Option<String>,
    /// Command that builds `offline`, named in the error when no image can be had.
    pub build_command: Option<String>,
    /// The environment variable that gives the image's root account its password on the
    /// first start (`MARIADB_ROOT_PASSWORD`, `MYSQL_ROOT_PASSWORD`).
    pub password_env: String,
    /// The image's own command-line client (`mariadb`, `mysql`).
    pub client: String,
    /// Hints worded for this engine's statements, replacing `[hints]` texts of the same id.
    #[serde(default)]
    pub hints: BTreeMap<String, String>,
}

/// One database server of the lab.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ServerSpec {
    /// Name of the server: network alias, container suffix, command-line argument.
    pub name: String,
    /// Preferred host port on 127.0.0.1; another free one is used when taken.
    pub port: u16,
    /// The learner's config file for this server.
    pub config: FileSpec,
}

impl EngineSpec {
    /// The release the image's tag names (`mysql:8.4` → `8.4`), which the lesson, the hints
    /// and the solutions are written for.
    pub fn release(&self) -> &str {
        let name = self.image.rsplit('/').next().unwrap_or(&self.image);
        name.split_once(':').map_or("", |(_, tag)| tag)
    }
}

/// A starting file: copied from the lab folder into the workspace.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    /// Path relative to the lab folder.
    pub from: String,
    /// Path relative to the workspace.
    pub to: String,
    /// Fill `{{name}}` placeholders (such as `{{master.port}}`) when copying.
    #[serde(default)]
    pub template: bool,
}

/// Seed data applied to every fresh server outside the binary log.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SeedSpec {
    /// SQL file relative to the lab folder. It must be safe to apply twice (`IF NOT EXISTS`).
    pub sql: String,
    /// A table the seed creates (`schema.table`), created last: while it is missing, the seed
    /// is applied again, so each data volume is seeded once even if a start was interrupted.
    pub marker: String,
    /// The table of the grader's canary row (`schema.table`, columns `id`, `token`,
    /// `written_at`, with a row `id = 1` on every server): a fresh token written on a source
    /// and seen on a replica proves rows travel. Required by `replication-flow` checks.
    pub canary: Option<String>,
}

/// The learner's application.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AppSpec {
    /// Its folder, relative to the workspace.
    pub dir: String,
    /// The command that runs it, from its folder.
    pub run: Vec<String>,
    /// The database account it connects as; the grader follows this account's statements.
    pub account: String,
    /// The database it works in, named when its URL names another.
    pub database: Option<String>,
    /// Python requirements file relative to the workspace.
    pub requirements: Option<String>,
    /// A virtual environment to make in the app's folder (`.venv`) and fill from
    /// `requirements` before the first run; `run`'s `python3` is then the environment's.
    pub venv: Option<String>,
    /// Environment variables set for the run (such as unbuffered output).
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// What to tell a learner whose machine lacks the program `run` starts.
    pub install_hint: Option<String>,
}

/// A graded task.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TaskSpec {
    /// Stable id used by `check --json`, the lesson and the progress file.
    pub id: String,
    /// One line the learner reads in the task list.
    pub title: String,
    /// How the task is judged.
    pub check: Check,
    /// The reference solution `solve` applies.
    pub solution: Option<SolutionSpec>,
    /// A later task (a drill such as `failover`) that changes the lab on purpose: once it has
    /// begun, this task keeps the completion the learner reached before.
    pub superseded_by: Option<String>,
}

/// A task's reference solution, applied in this order: crashes, files, restarts, SQL.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SolutionSpec {
    /// Servers killed like a power cut first (a failover drill).
    #[serde(default)]
    pub crash: Vec<String>,
    /// Files copied into the workspace, over the learner's.
    #[serde(default)]
    pub files: Vec<FileSpec>,
    /// Servers restarted once the files are in place, so they read them.
    #[serde(default)]
    pub restart: Vec<String>,
    /// SQL files run on a server, in order. `{{SERVER.log_file}}` and `{{SERVER.log_pos}}` are
    /// that server's binlog coordinates at the moment the file runs (`SHOW MASTER STATUS`).
    #[serde(default)]
    pub sql: Vec<SolutionSql>,
    /// Run the learner's application once at the end, as the learner would.
    #[serde(default)]
    pub run_app: bool,
}

/// One SQL file of a solution.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SolutionSql {
    /// The server it runs on.
    pub server: String,
    /// SQL file relative to the lab folder.
    pub file: String,
    /// The file to run instead on an engine that needs other statements, by engine
    /// (`engines = { mysql = "solution/mysql/change-master.sql" }`).
    #[serde(default)]
    pub engines: BTreeMap<Engine, String>,
}

impl SolutionSql {
    /// The SQL file for a server running this engine.
    pub fn file_for(&self, engine: Engine) -> &str {
        self.engines.get(&engine).unwrap_or(&self.file)
    }
}

/// The kinds of check the engine knows; a day picks and parameterises them.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Check {
    /// The server runs with the listed variables set in its config file.
    ServerConfig {
        server: String,
        require: Vec<ConfigItem>,
        /// Another server whose server_id this one must differ from.
        differs_from: Option<String>,
    },
    /// The source has an account with REPLICATION SLAVE that the replica may log in from.
    ReplicationAccount { source: String, replica: String },
    /// The replica is pointed at the source with a valid account and coordinates.
    ReplicaSource { source: String, replica: String },
    /// Both replication threads run and a fresh row travels from source to replica.
    ReplicationFlow { source: String, replica: String },
    /// The application wrote only to `writer` and read only from `reader`.
    ReadRouting { writer: String, reader: String },
    /// The source is gone and the replica took its place: it replicates no more, takes writes
    /// (also after a restart), keeps a binary log, and the application moved to it.
    Failover { source: String, replica: String },
    /// The old source (`source` of the failover) runs again, read-only, as a replica of the
    /// promoted one, and rows flow to it.
    Rejoin { source: String, replica: String },
}

/// A server setting a config check can require.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ConfigItem {
    ServerId,
    LogBin,
}

impl LabSpec {
    /// The server whose death begins the lab's failover drill, when it has one.
    pub fn drill_source(&self) -> Option<&str> {
        self.tasks.iter().find_map(|t| match &t.check {
            Check::Failover { source, .. } => Some(source.as_str()),
            _ => None,
        })
    }

    /// The canary's table, `schema.table`, when the lab declares one.
    pub fn canary_table(&self) -> Option<&str> {
        self.seed.as_ref()?.canary.as_deref().filter(|name| schema_table(name).is_some())
    }

    /// Parses a `lab.toml`; the error names the line and what is wrong.
    pub fn parse(text: &str, file: &str) -> anyhow::Result<Self> {
        let spec: Self = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            match line {
                Some(line) => anyhow::anyhow!("{file}:{line}: {}", e.message()),
                None => anyhow::anyhow!("{file}: {}", e.message()),
            }
        })?;
        spec.validate().map_err(|Invalid { message, value, nth }| {
            match line_of(text, &value, nth) {
                Some(line) => anyhow::anyhow!("{file}:{line}: {message}"),
                None => anyhow::anyhow!("{file}: {message}"),
            }
        })?;
        Ok(spec)
    }

    fn validate(&self) -> Result<(), Invalid> {
        if self.engines.is_empty() {
            return Err(Invalid::at(
                "[engines",
                "the lab names no engine: add [engines.mariadb] (image, password_env, client)"
                    .to_owned(),
            ));
        }
        let known = |name: &str| self.servers.iter().any(|s| s.name == name);
        for task in &self.tasks {
            for server in task.check.servers() {
                if !known(server) {
                    return Err(Invalid::at(
                        server,
                        format!(
                            "task `{}` names server `{server}`, which is not in [[servers]]",
                            task.id
                        ),
                    ));
                }
            }
        }
        for task in &self.tasks {
            let Some(solution) = &task.solution else { continue };
            let named = solution
                .crash
                .iter()
                .chain(&solution.restart)
                .chain(solution.sql.iter().map(|s| &s.server));
            for server in named {
                if !known(server) {
                    return Err(Invalid::at(
                        server,
                        format!(
                            "the solution of task `{}` names server `{server}`, which is not in [[servers]]",
                            task.id
                        ),
                    ));
                }
            }
        }
        for task in &self.tasks {
            if let Some(later) = &task.superseded_by
                && self.task(later).is_none()
            {
                return Err(Invalid::at(
                    later,
                    format!("task `{}` is superseded_by `{later}`, which is not a task", task.id),
                ));
            }
        }
        if let Some(seed) = &self.seed {
            for (key, name) in [("marker", Some(&seed.marker)), ("canary", seed.canary.as_ref())] {
                if let Some(name) = name
                    && schema_table(name).is_none()
                {
                    return Err(Invalid::at(
                        name,
                        format!("[seed] {key} `{name}` must name a table as `schema.table`"),
                    ));
                }
            }
        }
        let flows = self.tasks.iter().find(|t| t.check.flow().is_some());
        if let Some(task) = flows
            && self.canary_table().is_none()
        {
            return Err(Invalid::at(
                &task.id,
                format!(
                    "task `{}` checks replication-flow, which needs [seed] canary = \"schema.table\"",
                    task.id
                ),
            ));
        }
        let mut ids: Vec<&str> = self.tasks.iter().map(|t| t.id.as_str()).collect();
        ids.sort_unstable();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            // The second time the id is written is the one that repeats it.
            let mut invalid = Invalid::at(w[0], format!("task id `{}` appears twice", w[0]));
            invalid.nth = 1;
            return Err(invalid);
        }
        Ok(())
    }

    /// The server with this name.
    pub fn server(&self, name: &str) -> Option<&ServerSpec> {
        self.servers.iter().find(|s| s.name == name)
    }

    /// How the lab runs on an engine; the error names the engines it has.
    pub fn engine(&self, engine: Engine) -> anyhow::Result<&EngineSpec> {
        self.engines.get(&engine).ok_or_else(|| {
            let known: Vec<&str> = self.engines.keys().map(|e| e.tag()).collect();
            anyhow::anyhow!(
                "{} has no {engine} setup (its engines: {}); choose one of those with --engine",
                self.slug,
                known.join(", ")
            )
        })
    }

    /// The engine a lab runs on when none is chosen: MariaDB when it has it, else its first.
    pub fn default_engine(&self) -> Engine {
        let default = Engine::default();
        if self.engines.contains_key(&default) {
            return default;
        }
        self.engines.keys().next().copied().unwrap_or(default)
    }

    /// The hint text for a diagnosis id on an engine: the engine's own wording, else the
    /// lab's `[hints]` text.
    pub fn hint(&self, id: &str, engine: Engine) -> Option<&str> {
        let worded = self.engines.get(&engine).and_then(|e| e.hints.get(id));
        worded.or_else(|| self.hints.get(id)).map(String::as_str)
    }

    /// The task with this id.
    pub fn task(&self, id: &str) -> Option<&TaskSpec> {
        self.tasks.iter().find(|t| t.id == id)
    }
}

/// A lab.toml that parses but does not hold together, and the value that shows where.
struct Invalid {
    message: String,
    /// The value as written in the file (quoted there).
    value: String,
    /// Which of its appearances is meant, from 0.
    nth: usize,
}

impl Invalid {
    fn at(value: &str, message: String) -> Self {
        Invalid { message, value: value.to_owned(), nth: 0 }
    }
}

/// The 1-based line of the `nth` appearance of `"value"` in the file.
fn line_of(text: &str, value: &str, nth: usize) -> Option<usize> {
    let quoted = format!("\"{value}\"");
    let line = text.lines().enumerate().filter(|(_, l)| l.contains(&quoted)).nth(nth)?;
    Some(line.0 + 1)
}

impl SeedSpec {
    /// The marker as (schema, table).
    pub fn marker_table(&self) -> Option<(&str, &str)> {
        schema_table(&self.marker)
    }
}

/// `schema.table` of plain identifiers (they are written into SQL as they are).
fn schema_table(name: &str) -> Option<(&str, &str)> {
    let (schema, table) = name.split_once('.')?;
    let plain = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    (plain(schema) && plain(table)).then_some((schema, table))
}

impl Check {
    /// Every server name the check refers to.
    pub fn servers(&self) -> Vec<&str> {
        match self {
            Check::ServerConfig { server, differs_from, .. } => {
                std::iter::once(server.as_str()).chain(differs_from.as_deref()).collect()
            }
            Check::ReplicationAccount { source, replica }
            | Check::ReplicaSource { source, replica }
            | Check::ReplicationFlow { source, replica } => vec![source, replica],
            Check::ReadRouting { writer, reader } => vec![writer, reader],
            Check::Failover { source, replica } | Check::Rejoin { source, replica } => {
                vec![source, replica]
            }
        }
    }

    /// The replication flow (source, replica) whose rows the probe follows with a canary.
    pub fn flow(&self) -> Option<(&str, &str)> {
        match self {
            Check::ReplicationFlow { source, replica } => Some((source, replica)),
            // After a rejoin the promoted server is the source.
            Check::Rejoin { source, replica } => Some((replica, source)),
            _ => None,
        }
    }

    /// The (writer, reader) whose application traffic the probe reads.
    pub fn app_route(&self) -> Option<(&str, &str)> {
        match self {
            Check::ReadRouting { writer, reader } => Some((writer, reader)),
            // After a failover the promoted server takes both.
            Check::Failover { replica, .. } => Some((replica, replica)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_engines_release_is_its_image_tag() {
        let spec = |image: &str| EngineSpec {
            image: image.to_owned(),
            offline: None,
            build_command: None,
            password_env: "MYSQL_ROOT_PASSWORD".to_owned(),
            client: "mysql".to_owned(),
            hints: BTreeMap::new(),
        };
        assert_eq!(spec("mysql:8.4").release(), "8.4");
        assert_eq!(spec("localhost:5000/team/mariadb:11.8").release(), "11.8");
        assert_eq!(spec("mysql").release(), "");
    }

    #[test]
    fn a_solution_file_may_differ_by_engine() {
        let step: SolutionSql = toml::from_str(
            "server = \"slave\"\nfile = \"a.sql\"\nengines = { mysql = \"mysql/a.sql\" }",
        )
        .expect("parses");
        assert_eq!(step.file_for(Engine::MariaDb), "a.sql");
        assert_eq!(step.file_for(Engine::MySql), "mysql/a.sql");
    }

    const DAY20: &str = include_str!("../../labs/day20/lab.toml");

    /// The day-20 lab.toml with one edit, and the line the edit landed on.
    fn edited(from: &str, to: &str) -> (String, usize) {
        let at = DAY20.find(from).expect("the text to edit");
        let line = DAY20[..at].matches('\n').count() + 1;
        (DAY20.replacen(from, to, 1), line)
    }

    fn error(text: &str) -> String {
        LabSpec::parse(text, "lab.toml").expect_err("a malformed lab").to_string()
    }

    #[test]
    fn the_real_lab_parses() {
        let spec = LabSpec::parse(DAY20, "lab.toml").expect("day 20");
        assert_eq!(spec.servers.len(), 2);
    }

    #[test]
    fn a_type_error_names_its_line() {
        let (text, line) = edited("port = 13306", "port = \"x\"");
        let message = error(&text);
        assert!(message.starts_with(&format!("lab.toml:{line}: invalid type")), "{message}");
    }

    #[test]
    fn an_unknown_server_in_a_check_names_its_line() {
        let (text, line) = edited("server = \"master\", require", "server = \"mastr\", require");
        let message = error(&text);
        assert_eq!(
            message,
            format!(
                "lab.toml:{line}: task `master-config` names server `mastr`, which is not in [[servers]]"
            )
        );
    }

    #[test]
    fn a_repeated_task_id_names_the_line_that_repeats_it() {
        let (text, line) = edited("id = \"slave-config\"", "id = \"master-config\"");
        assert_eq!(error(&text), format!("lab.toml:{line}: task id `master-config` appears twice"));
    }

    #[test]
    fn a_flow_check_needs_a_canary_table_of_plain_names() {
        let (text, line) = edited("canary = \"sqlcourse_lab.canary\"", "canary = \"lab.x;drop\"");
        assert!(error(&text).starts_with(&format!("lab.toml:{line}: [seed] canary")), "{}", error(&text));
        let (text, _) = edited("canary = \"sqlcourse_lab.canary\"", "");
        assert!(error(&text).contains("needs [seed] canary"), "{}", error(&text));
    }

    #[test]
    fn a_bad_seed_marker_names_its_line() {
        let (text, line) =
            edited("marker = \"sqlcourse_lab.canary\"", "marker = \"canary\"");
        let message = error(&text);
        assert!(message.starts_with(&format!("lab.toml:{line}: [seed] marker")), "{message}");
    }
}
