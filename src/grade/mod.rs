//! Grading: each task's state from the lab spec, the learner's files and one snapshot.
//!
//! [`grade`] is a pure function, so every rule is tested with hand-made snapshots. Rules
//! belong to check kinds, never to a day: server names come from the spec.

pub(crate) mod diagnosis;
mod failover;
pub mod grader;
mod host_pattern;
pub mod read_routing;
mod replication;
pub(crate) mod report;
mod server_config;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::course::template;
use crate::grade::diagnosis::Diagnosis;
use crate::learner::app_run::RunRecord;
use crate::probe::snapshot::{ServerFacts, ServerState, Snapshot};
use crate::course::spec::{Check, LabSpec, ServerSpec, TaskSpec};
use crate::learner::fill::FillRecord;
use crate::learner::workspace::Workspace;

/// The learner's files that grading reads, by workspace-relative path.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkspaceFiles {
    /// The workspace folder, for naming files in messages.
    pub root: PathBuf,
    texts: BTreeMap<String, String>,
    /// How the application's last run through the course ended, when one is kept.
    pub app_run: Option<RunRecord>,
    /// Each server's earlier ports, from before the lab moved it (`fill::FillRecord`).
    pub former_ports: BTreeMap<String, Vec<u16>>,
}

impl WorkspaceFiles {
    /// Reads each server's config file, the template files (the app's settings), the
    /// application's last run and the servers' earlier ports; a missing or unreadable file is
    /// left out.
    pub fn read(workspace: &Workspace, spec: &LabSpec) -> Self {
        let root = &workspace.root;
        let app_run = RunRecord::load(&workspace.app_run_record());
        let former_ports = FillRecord::load(&workspace.fill_record()).former;
        let mut files =
            WorkspaceFiles { root: root.clone(), texts: BTreeMap::new(), app_run, former_ports };
        let configs = spec.servers.iter().map(|s| &s.config.to);
        let templates = spec.files.iter().filter(|f| f.template).map(|f| &f.to);
        for rel in configs.chain(templates) {
            if let Ok(text) = std::fs::read_to_string(root.join(rel)) {
                files.texts.insert(rel.clone(), text);
            }
        }
        files
    }

    /// Files given as text (a caller that already holds them, and tests).
    pub fn from_texts<'a>(root: &Path, texts: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        WorkspaceFiles {
            root: root.to_path_buf(),
            texts: texts.into_iter().map(|(p, t)| (p.to_owned(), t.to_owned())).collect(),
            app_run: None,
            former_ports: BTreeMap::new(),
        }
    }

    /// A file's text, when it exists.
    pub fn text(&self, rel: &str) -> Option<&str> {
        self.texts.get(rel).map(String::as_str)
    }
}

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskState {
    /// Not started, or waiting for an earlier task.
    Pending,
    /// Attempted, and something is wrong: see the reason and hint.
    Failing,
    Done,
}

/// One task's grade, as `check --json` prints it and the lesson screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskStatus {
    pub id: String,
    pub title: String,
    pub status: TaskState,
    /// What the servers or files say, when not done.
    pub reason: Option<String>,
    /// What to do about it, from the lab's hints.
    pub hint: Option<String>,
    /// The id of the situation, when one was recognised.
    pub diagnosis: Option<Diagnosis>,
}

impl TaskStatus {
    /// Every task of a lab, pending: what there is to show before the first grading.
    pub fn all_pending(spec: &LabSpec) -> Vec<TaskStatus> {
        let tasks = spec.tasks.iter();
        tasks
            .map(|t| TaskStatus {
                id: t.id.clone(),
                title: t.title.clone(),
                status: TaskState::Pending,
                reason: None,
                hint: None,
                diagnosis: None,
            })
            .collect()
    }
}

/// Grades every task of the lab, in the spec's order.
pub fn grade(spec: &LabSpec, files: &WorkspaceFiles, snapshot: &Snapshot) -> Vec<TaskStatus> {
    grade_after(spec, files, snapshot, &BTreeSet::new())
}

/// Grades every task, knowing which were completed before (the learner's progress): a task
/// `superseded_by` a drill that has begun keeps its completion, since its check describes
/// the lab as it was before (a failover takes the master down on purpose).
pub fn grade_after(
    spec: &LabSpec,
    files: &WorkspaceFiles,
    snapshot: &Snapshot,
    completed: &BTreeSet<String>,
) -> Vec<TaskStatus> {
    let ctx = Ctx { spec, files, snapshot };
    let verdicts: Vec<Verdict> = spec.tasks.iter().map(|task| ctx.verdict(&task.check)).collect();
    let begun = |id: &str| {
        let at = spec.tasks.iter().position(|t| t.id == id);
        at.is_some_and(|i| !verdicts[i].before_drill())
    };
    spec.tasks
        .iter()
        .zip(verdicts.iter())
        .map(|(task, verdict)| {
            let kept = task.superseded_by.as_deref().is_some_and(begun) && completed.contains(&task.id);
            ctx.status(task, if kept { Verdict::Done } else { verdict.clone() })
        })
        .collect()
}

/// A rule's conclusion.
#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    Done,
    Pending(Note),
    Failing(Note),
}

impl Verdict {
    /// Whether a drill's check says it has not begun: pending while its starting point holds
    /// (or on an earlier task).
    fn before_drill(&self) -> bool {
        match self {
            Verdict::Pending(note) => {
                matches!(note.diagnosis, None | Some(Diagnosis::FailoverNotStarted))
            }
            Verdict::Done | Verdict::Failing(_) => false,
        }
    }
}

/// Why a task is not done, and the values its hint is filled with.
#[derive(Debug, Clone, PartialEq)]
struct Note {
    reason: String,
    diagnosis: Option<Diagnosis>,
    values: Vec<(&'static str, String)>,
}

impl Note {
    fn new(diagnosis: Diagnosis, reason: String) -> Self {
        Note { reason, diagnosis: Some(diagnosis), values: Vec::new() }
    }

    fn plain(reason: String) -> Self {
        Note { reason, diagnosis: None, values: Vec::new() }
    }

    fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.values.push((name, value.to_string()));
        self
    }

    fn with_all(mut self, values: &[(&'static str, String)]) -> Self {
        self.values.extend_from_slice(values);
        self
    }
}

/// What the rules read.
struct Ctx<'a> {
    spec: &'a LabSpec,
    files: &'a WorkspaceFiles,
    snapshot: &'a Snapshot,
}

impl<'a> Ctx<'a> {
    fn verdict(&self, check: &Check) -> Verdict {
        match check {
            Check::ServerConfig { server, require, differs_from } => {
                server_config::check(self, server, require, differs_from.as_deref())
            }
            Check::ReplicationAccount { source, replica } => {
                replication::account(self, source, replica)
            }
            Check::ReplicaSource { source, replica } => replication::source(self, source, replica),
            Check::ReplicationFlow { source, replica } => replication::flow(self, source, replica),
            Check::ReadRouting { writer, reader } => read_routing::check(self, writer, reader),
            Check::Failover { source, replica } => failover::failover(self, source, replica),
            Check::Rejoin { source, replica } => failover::rejoin(self, source, replica),
        }
    }

    fn status(&self, task: &TaskSpec, verdict: Verdict) -> TaskStatus {
        let (status, note) = match verdict {
            Verdict::Done => (TaskState::Done, None),
            Verdict::Pending(note) => (TaskState::Pending, Some(note)),
            Verdict::Failing(note) => (TaskState::Failing, Some(note)),
        };
        let engine = self.snapshot.engine().unwrap_or_else(|| self.spec.default_engine());
        let hint = note.as_ref().and_then(|n| {
            let template = self.spec.hint(n.diagnosis?.id(), engine)?;
            Some(template::fill_from(template.trim(), &n.values))
        });
        TaskStatus {
            id: task.id.clone(),
            title: task.title.clone(),
            status,
            diagnosis: note.as_ref().and_then(|n| n.diagnosis),
            reason: note.map(|n| n.reason),
            hint,
        }
    }

    /// A server's facts, or the verdict for a server that does not answer.
    fn running(&self, server: &str) -> Result<&'a ServerFacts, Verdict> {
        match self.snapshot.servers.get(server).map(|s| &s.state) {
            Some(ServerState::Up(facts)) => Ok(facts),
            Some(ServerState::Down { reason }) => Err(Verdict::Failing(
                Note::new(Diagnosis::ServerDown, format!("the {server} is not answering: {reason}"))
                    .with("server", server)
                    .with("config", self.config_path(server))
                    .with("error", reason),
            )),
            Some(ServerState::Absent) => Err(Verdict::Failing(
                Note::new(Diagnosis::LabDown, format!("the {server} does not exist: the lab is not up"))
                    .with("server", server),
            )),
            None => Err(Verdict::Pending(Note::plain(format!("the {server} has not been seen yet")))),
        }
    }

    /// Where the learner's own programs reach the servers, in the spec's order:
    /// `the master on 127.0.0.1:13306, the slave on 127.0.0.1:13307`.
    fn published_ports(&self) -> String {
        self.ports_of(|_| true)
    }

    /// [`Self::published_ports`] of the servers `keep` picks.
    fn ports_of(&self, keep: impl Fn(&ServerSpec) -> bool) -> String {
        let ports: Vec<String> = self
            .spec
            .servers
            .iter()
            .filter(|s| keep(s))
            .map(|s| format!("the {} on 127.0.0.1:{}", s.name, self.published_port(s)))
            .collect();
        ports.join(", ")
    }

    /// Where the learner's own programs reach one server: the port it publishes (its default
    /// until it is seen).
    /// The application's routing ports, for its hints: where the writer and the reader are.
    fn route_ports(&self, writer: &str, reader: &str) -> Vec<(&'static str, String)> {
        let port = |name: &str| self.spec.server(name).map_or(0, |s| self.published_port(s)).to_string();
        vec![("writer_port", port(writer)), ("reader_port", port(reader))]
    }

    fn published_port(&self, server: &ServerSpec) -> u16 {
        let place = self.snapshot.servers.get(&server.name).and_then(|s| s.place.as_ref());
        place.and_then(|p| p.published).unwrap_or(server.port)
    }

    /// The server's config file, workspace-relative (`master/my.cnf`).
    fn config_rel(&self, server: &str) -> &'a str {
        self.spec.server(server).map_or("", |s| s.config.to.as_str())
    }

    /// The server's config file as the learner finds it on disk.
    fn config_path(&self, server: &str) -> String {
        self.files.root.join(self.config_rel(server)).display().to_string()
    }

    /// Whether the server's config file is in the workspace at all.
    fn config_exists(&self, server: &str) -> bool {
        self.files.text(self.config_rel(server)).is_some()
    }

    fn config_text(&self, server: &str) -> &'a str {
        self.files.text(self.config_rel(server)).unwrap_or("")
    }

    /// Pending on an earlier task: the first task whose check matches, named in the reason.
    fn waiting_for(&self, provides: impl Fn(&Check) -> bool, what: String) -> Verdict {
        let reason = match self.spec.tasks.iter().find(|t| provides(&t.check)) {
            Some(task) => format!("needs `{}` first: {what}", task.id),
            None => what,
        };
        Verdict::Pending(Note::plain(reason))
    }
}
