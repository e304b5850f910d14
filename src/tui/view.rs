//! What the lab and task panes show: plain data that the lab and grading workers send in.

use crate::content::Day;

/// One task line of the steps pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskView {
    /// The task's stable id (`master-config`).
    pub id: String,
    /// One line in the learner's words.
    pub title: String,
    pub state: TaskState,
    /// What the servers say, for a failing task.
    pub reason: Option<String>,
    /// What to do about it, for a failing task.
    pub hint: Option<String>,
}

/// How far a task is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskState {
    /// Not started, or nothing to judge yet.
    Pending,
    /// Tried, and the servers show what is wrong.
    Failing,
    Done,
}

/// One server line of the lab pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerView {
    /// The server's name (`master`).
    pub name: String,
    pub state: ServerState,
    /// Its port on 127.0.0.1.
    pub port: Option<u16>,
    /// A short extra line, such as the running version or why it stopped.
    pub detail: Option<String>,
}

/// Where a server is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerState {
    NotStarted,
    Starting,
    Ready,
    Stopped,
    /// It could not start or died; the reason is what the learner reads.
    Failed(String),
}

impl TaskView {
    /// Every task of a day, pending: what the pane shows before the first grading.
    pub fn pending(day: &Day) -> Vec<TaskView> {
        let tasks = day.spec.tasks.iter();
        tasks
            .map(|t| TaskView {
                id: t.id.clone(),
                title: t.title.clone(),
                state: TaskState::Pending,
                reason: None,
                hint: None,
            })
            .collect()
    }
}

impl ServerView {
    /// Every server of a day, not started, on its default port: the lab before it is up.
    pub fn not_started(day: &Day) -> Vec<ServerView> {
        let servers = day.spec.servers.iter();
        servers
            .map(|s| ServerView {
                name: s.name.clone(),
                state: ServerState::NotStarted,
                port: Some(s.port),
                detail: None,
            })
            .collect()
    }
}

impl ServerState {
    /// The state in a word or two.
    pub fn label(&self) -> &str {
        match self {
            ServerState::NotStarted => "not started",
            ServerState::Starting => "starting",
            ServerState::Ready => "ready",
            ServerState::Stopped => "stopped",
            ServerState::Failed(_) => "failed",
        }
    }
}
