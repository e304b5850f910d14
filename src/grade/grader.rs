//! Grading rounds on the live lab: Docker's view and the servers' answers, graded.

use std::collections::{BTreeMap, BTreeSet};

use crate::course::content::Day;
use crate::grade::{TaskState, TaskStatus, WorkspaceFiles, grade_after};
use crate::lab::{ContainerState, ServerInfo};
use crate::probe::Probe;
use crate::learner::progress::{self, Progress};
use crate::grade::report::Report;
use crate::probe::snapshot::{NetworkPlace, ReplicaStatus, ServerSnapshot, ServerState, Snapshot};
use crate::learner::workspace::{Workspace, modified, write_atomically};

/// Grades a day's lab round after round, keeping its server sessions open in between.
pub struct Grader {
    day: Day,
    workspace: Workspace,
    probe: Probe,
    /// Tasks the learner completed, from the progress file and the rounds since.
    completed: BTreeSet<String>,
    /// The replica statuses as last kept in the workspace.
    replicas_kept: BTreeMap<String, ReplicaStatus>,
    /// When that file last changed as this grader knows it: it is read again only after a
    /// change, not every round.
    kept_changed: Option<std::time::SystemTime>,
}

impl Grader {
    pub fn new(day: Day, workspace: Workspace) -> Self {
        let mut probe = Probe::new(Vec::new(), workspace.app_dir(&day));
        // What a replica showed before `RESET SLAVE ALL` erased it outlives this process:
        // `check`, and the screen opened again, judge a promotion on the same facts.
        let kept_changed = modified(&workspace.replicas_seen());
        let replicas_kept = replicas_seen(&workspace);
        probe.remember_replicas(replicas_kept.clone());
        let completed = Progress::load(&day.spec.slug).progress.completed.into_keys().collect();
        Grader { day, workspace, probe, completed, replicas_kept, kept_changed }
    }

    /// One round, given Docker's view of the servers now (`Lab::servers`). Blocking: run it
    /// off the UI and async threads.
    pub fn round(&mut self, servers: &[ServerInfo]) -> Report {
        self.round_seen(servers).0
    }

    /// One round, and the snapshot it was graded on (what the lab pane's monitor shows).
    pub fn round_seen(&mut self, servers: &[ServerInfo]) -> (Report, Snapshot) {
        let snapshot = self.observe(servers);
        let files = WorkspaceFiles::read(&self.workspace, &self.day.spec);
        let tasks = grade_after(&self.day.spec, &files, &snapshot, &self.completed);
        let done = tasks.iter().filter(|t| t.status == TaskState::Done);
        self.completed.extend(done.map(|t| t.id.clone()));
        (Report { day: self.day.spec.slug.clone(), tasks }, snapshot)
    }

    /// What the servers say, with Docker's facts filled in: where each container sits, and
    /// why a server without a running container cannot answer.
    pub fn observe(&mut self, servers: &[ServerInfo]) -> Snapshot {
        let running = |s: &&ServerInfo| s.state.is_running();
        let endpoints =
            servers.iter().filter(running).filter_map(|s| Some((s.name.clone(), s.endpoint.clone()?)));
        self.probe.set_endpoints(endpoints.collect());
        let places: BTreeMap<String, NetworkPlace> = servers
            .iter()
            .map(|s| {
                let address = s.ip.as_deref().and_then(|ip| ip.parse().ok());
                let place = NetworkPlace {
                    container: s.container.clone(),
                    address,
                    published: s.port,
                    host_name: s.host_name.clone(),
                };
                (s.name.clone(), place)
            })
            .collect();
        // Another process changed the kept statuses (`reset` from a shell forgets them).
        let changed = modified(&self.workspace.replicas_seen());
        if changed != self.kept_changed {
            self.kept_changed = changed;
            let kept = replicas_seen(&self.workspace);
            if kept != self.replicas_kept {
                self.probe.remember_replicas(kept.clone());
                self.replicas_kept = kept;
            }
        }
        let mut snapshot = self.probe.round(&self.day.spec, &places);
        if snapshot.last_replica != self.replicas_kept {
            self.keep_replicas(&snapshot.last_replica);
        }
        for server in servers {
            let state = match server.state {
                ContainerState::Missing => ServerState::Absent,
                ref other => ServerState::Down { reason: format!("its container is {other}") },
            };
            let place = places.get(&server.name).cloned();
            snapshot.servers.entry(server.name.clone()).or_insert(ServerSnapshot { place, state });
        }
        snapshot
    }

    /// Keeps the replica statuses seen in the workspace. One that cannot be written leaves
    /// this process's memory to judge by, as before the file existed.
    fn keep_replicas(&mut self, seen: &BTreeMap<String, ReplicaStatus>) {
        let Ok(text) = serde_json::to_string_pretty(seen) else { return };
        let file = self.workspace.replicas_seen();
        if write_atomically(&file, text.as_bytes(), 0o644).is_ok() {
            self.replicas_kept = seen.clone();
            self.kept_changed = modified(&file);
        }
    }
}

/// The replica statuses kept in the workspace; none when the file is missing or unreadable.
fn replicas_seen(workspace: &Workspace) -> BTreeMap<String, ReplicaStatus> {
    let text = std::fs::read_to_string(workspace.replicas_seen()).unwrap_or_default();
    serde_json::from_str(&text).unwrap_or_default()
}

/// Remembers the tasks done now in the day's progress; a warning when it cannot.
pub fn record_progress(slug: &str, tasks: &[TaskStatus]) -> Option<String> {
    let loaded = Progress::load(slug);
    let mut progress = loaded.progress;
    let done = tasks.iter().filter(|t| t.status == TaskState::Done).map(|t| t.id.as_str());
    if progress.record(done, progress::now()).is_empty() {
        return loaded.warning;
    }
    match progress.save(slug) {
        Ok(()) => loaded.warning,
        Err(e) => Some(format!("{e:#}: progress is not saved")),
    }
}
