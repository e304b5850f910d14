//! What the lab pane shows: plain data that the lab worker sends in. (The tasks pane shows
//! the grader's own `TaskStatus`.)

use crate::course::content::Day;
use crate::probe::health::Health;

/// One server line of the lab pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerView {
    /// The server's name (`master`).
    pub name: String,
    pub state: ServerLife,
    /// Its port on 127.0.0.1.
    pub port: Option<u16>,
    /// A short extra line, such as the running version or why it stopped.
    pub detail: Option<String>,
    /// Replication as the last probe round saw it, while the server answers.
    pub health: Option<Health>,
}

/// Where a server is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerLife {
    NotStarted,
    Starting,
    Ready,
    Stopped,
    /// It could not start or died; the reason is what the learner reads.
    Failed(String),
}

impl ServerView {
    /// Every server of a day, not started: the lab before it is seen. No port yet: the lab
    /// may publish a server elsewhere than its default, and only the lab knows.
    pub fn not_started(day: &Day) -> Vec<ServerView> {
        let servers = day.spec.servers.iter();
        servers
            .map(|s| ServerView {
                name: s.name.clone(),
                state: ServerLife::NotStarted,
                port: None,
                detail: None,
                health: None,
            })
            .collect()
    }
}

impl ServerLife {
    /// The state in a word or two.
    pub fn label(&self) -> &str {
        match self {
            ServerLife::NotStarted => "not started",
            ServerLife::Starting => "starting",
            ServerLife::Ready => "ready",
            ServerLife::Stopped => "stopped",
            ServerLife::Failed(_) => "failed",
        }
    }
}
