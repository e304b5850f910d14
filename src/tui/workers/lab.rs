//! The live lab behind the lesson screen: brings the lab up in the background, then watches
//! and grades it every second, and does what the learner asks (re-check, restart, reset).
//!
//! It runs on a thread of its own and only ever sends [`Action`]s to the screen, so the
//! screen never waits for Docker or a server.

use std::collections::BTreeSet;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::grade::grader::{Grader, record_progress};
use crate::course::content::Day;
use crate::course::spec::Check;
use crate::grade::diagnosis::Diagnosis;
use crate::grade::{TaskState, TaskStatus};
use crate::lab::{ContainerState, Lab, LabEvent, Offending, ServerChoice, ServerFailed, ServerInfo};
use crate::lab::endpoint::Endpoint;
use crate::probe::snapshot::Snapshot;
use crate::tui::action::Action;
use crate::tui::state::view::{ServerLife, ServerView};
use crate::learner::workspace::{Workspace, modified};
use crate::learner::progress::Progress;

/// How often the servers are watched and graded while the screen is open.
const ROUND: Duration = Duration::from_secs(1);
/// Cells of the pull's bar in the footer.
const PULL_GAUGE_CELLS: usize = 20;

/// What the learner asks of the lab from the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Grade now, without waiting for the next round.
    Recheck,
    /// Restart one server, so its config file takes effect.
    Restart(String),
    /// Kill one server like a power cut (its data is kept).
    Crash(String),
    /// Remove everything and start afresh.
    Reset,
}

impl Request {
    /// What the lab's thread is doing while it carries the request out, for the learner
    /// (`restarting the master`); `None` for a re-check, which changes nothing.
    fn doing(&self) -> Option<String> {
        match self {
            Request::Recheck => None,
            Request::Restart(server) => Some(format!("restarting the {server}")),
            Request::Crash(server) => Some(format!("stopping the {server}")),
            Request::Reset => Some("resetting the lab".to_owned()),
        }
    }
}

/// The lifecycle operation the lab's thread carries out now, and whether the screen is
/// closing. A quit must not cut an operation short: Docker stops a server being restarted
/// and never starts it again when the process asking for the restart goes away. So the
/// screen waits for the operation under way, and the thread starts none once it closes.
#[derive(Default)]
struct Activity {
    state: Mutex<ActivityState>,
    changed: Condvar,
}

#[derive(Default)]
struct ActivityState {
    doing: Option<String>,
    closing: bool,
}

impl Activity {
    /// Marks an operation begun until the guard is dropped (also by a panic); `None`, and
    /// nothing begun, when the screen is closing.
    fn begin(&self, doing: String) -> Option<Busy<'_>> {
        let mut state = self.state.lock().ok()?;
        if state.closing {
            return None;
        }
        state.doing = Some(doing);
        Some(Busy(self))
    }
}

/// An operation under way; dropping it ends it.
struct Busy<'a>(&'a Activity);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        if let Ok(mut state) = self.0.state.lock() {
            state.doing = None;
        }
        self.0.changed.notify_all();
    }
}

/// The screen's hold on the lab: requests go in, and the servers as last seen come out.
#[derive(Clone)]
pub struct LabHandle {
    slug: String,
    requests: Sender<Request>,
    servers: Arc<Mutex<Vec<ServerInfo>>>,
    activity: Arc<Activity>,
}

impl LabHandle {
    /// A handle on servers already known, with no thread watching them, and the receiving
    /// end of its requests.
    pub fn with_servers(slug: &str, servers: Vec<ServerInfo>) -> (LabHandle, Receiver<Request>) {
        let (requests, inbox) = std::sync::mpsc::channel();
        let servers = Arc::new(Mutex::new(servers));
        let activity = Arc::default();
        (LabHandle { slug: slug.to_owned(), requests, servers, activity }, inbox)
    }

    /// The screen is closing: no further operation starts. Returns the one under way, if
    /// any, which [`LabHandle::until_idle`] then waits for.
    pub fn close(&self) -> Option<String> {
        let mut state = self.activity.state.lock().ok()?;
        state.closing = true;
        state.doing.clone()
    }

    /// Waits until the lab's thread carries out no operation.
    pub fn until_idle(&self) {
        let Ok(state) = self.activity.state.lock() else {
            return;
        };
        let _idle = self
            .activity
            .changed
            .wait_while(state, |s| s.doing.is_some());
    }

    /// Asks the lab for something; false when the lab's thread has gone.
    pub fn request(&self, request: Request) -> bool {
        self.requests.send(request).is_ok()
    }

    /// A server as last seen running, or why it cannot be reached.
    pub fn running(&self, server: &str) -> anyhow::Result<(ServerInfo, Endpoint)> {
        let servers = self.servers.lock().map_err(|_| anyhow::anyhow!("the lab's thread failed"))?;
        let known = servers.iter().find(|s| s.name == server);
        let info = known.filter(|s| s.state.is_running());
        let slug = &self.slug;
        match info.and_then(|s| Some((s.clone(), s.endpoint.clone()?))) {
            Some(found) => Ok(found),
            // A crashed or stopped server stays down when the lab comes up again: only a
            // restart starts it. Killed (SIGKILL: `K`, `crash`), it is the failover drill's:
            // the next move is on the other server, and a restart brings this one back writable.
            None if known.is_some_and(|s| s.state == ContainerState::Exited { code: 137 }) => {
                anyhow::bail!(
                    "the {server} was killed like a power cut (K, or `sqlcourse {slug} crash`): in the failover drill the next statements go to the other server; r starts the {server} again, and it takes writes unless its config file sets read_only"
                )
            }
            None if known.is_some_and(|s| matches!(s.state, ContainerState::Exited { .. })) => {
                anyhow::bail!(
                    "the {server} is down (crashed or stopped; `sqlcourse {slug} up` leaves it down): select it and press r (or run `sqlcourse {slug} restart {server}`) to start it"
                )
            }
            None => anyhow::bail!(
                "the {server} is not running yet (see the lab pane; `sqlcourse {slug} up` starts the lab)"
            ),
        }
    }
}

/// Starts the lab's thread: it brings the lab up, then watches and grades it.
pub fn start(day: Day, workspace: Workspace, choice: ServerChoice, screen: Sender<Action>) -> LabHandle {
    let (handle, inbox) = LabHandle::with_servers(&day.spec.slug, Vec::new());
    let servers = Arc::clone(&handle.servers);
    let activity = Arc::clone(&handle.activity);
    let spawned = std::thread::Builder::new()
        .name("lab".to_owned())
        .spawn(move || {
            Watcher::new(day, workspace, screen, servers).run(choice, &inbox, &activity);
        });
    if let Err(e) = spawned {
        // Without the thread the lesson is still readable; the lab pane stays "not started".
        eprintln!("sqlcourse: cannot start the lab's thread: {e}");
    }
    handle
}

/// The lab's thread: its view of the servers and what it last sent.
struct Watcher {
    day: Day,
    workspace: Workspace,
    screen: Sender<Action>,
    /// What the lab pane shows, kept so progress events can change one server at a time.
    views: Mutex<Vec<ServerView>>,
    /// Docker's view of the servers, shared with the screen's handle.
    servers: Arc<Mutex<Vec<ServerInfo>>>,
    /// Tasks already written to the progress file, so a round touches the file (and warns
    /// about it) only when a task is newly done.
    recorded: Mutex<BTreeSet<String>>,
    /// Port moves told during the operation under way, repeated in its closing notice.
    moved: Mutex<Vec<String>>,
    /// When the progress file last changed as this thread saw it: it is checked again only
    /// after a change, not every round.
    progress_changed: Mutex<Option<std::time::SystemTime>>,
    /// The config line each server last refused to start with, to tell when it has changed,
    /// and whether the change was told.
    refused: Mutex<Vec<(String, Offending, bool)>>,
}

impl Watcher {
    fn new(
        day: Day,
        workspace: Workspace,
        screen: Sender<Action>,
        servers: Arc<Mutex<Vec<ServerInfo>>>,
    ) -> Self {
        let views = Mutex::new(ServerView::not_started(&day));
        Watcher {
            day,
            workspace,
            screen,
            views,
            servers,
            recorded: Mutex::default(),
            moved: Mutex::default(),
            progress_changed: Mutex::default(),
            refused: Mutex::default(),
        }
    }

    fn run(self, choice: ServerChoice, inbox: &Receiver<Request>, activity: &Activity) {
        let runtime = match tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(e) => return self.notice(format!("cannot start the lab: {e}")),
        };
        let connected =
            runtime.block_on(Lab::connect(self.day.clone(), self.workspace.clone(), choice));
        let lab = match connected {
            Ok(lab) => lab,
            Err(e) => {
                // No Docker: the lesson stays readable and the lab pane says why.
                let reason = first_line(&format!("{e:#}"));
                self.set_all(|_| ServerLife::Failed("no Docker engine".to_owned()));
                return self.notice(reason);
            }
        };
        if let Err(taken) = lab.ensure_ours() {
            // Another user's lab: the lesson stays readable, and nothing of the lab is touched.
            let said = first_line(&format!("{taken:#}"));
            if let Ok(mut views) = self.views.lock() {
                for view in views.iter_mut() {
                    view.state = ServerLife::Failed("another user's lab".to_owned());
                    view.port = None;
                }
                let _ = self.screen.send(Action::Lab(views.clone()));
            }
            self.notice(said.clone());
            while inbox.recv().is_ok() {
                self.notice(said.clone());
            }
            return;
        }
        let progress = |event: LabEvent| self.on_event(event);
        if let Err(e) = runtime.block_on(lab.up(&progress)) {
            self.failed(&e);
        }
        // Told as it happened, and no closing notice covers it.
        self.take_moved();
        let mut grader = Grader::new(self.day.clone(), self.workspace.clone());
        let mut next = Instant::now();
        loop {
            if Instant::now() >= next {
                if self.round(&runtime, &lab, &mut grader).is_none() {
                    return;
                }
                next = Instant::now() + ROUND;
            }
            let request = match inbox.recv_timeout(next.saturating_duration_since(Instant::now())) {
                Ok(request) => request,
                Err(RecvTimeoutError::Timeout) => continue,
                // The screen closed: stop watching.
                Err(RecvTimeoutError::Disconnected) => return,
            };
            let busy = match request.doing() {
                Some(doing) => match activity.begin(doing) {
                    Some(busy) => Some(busy),
                    // The screen is closing: an operation not yet begun is dropped, so the
                    // servers stay as they are.
                    None => return,
                },
                None => None,
            };
            match request {
                Request::Recheck => next = Instant::now(),
                Request::Restart(server) => {
                    if let Err(e) = runtime.block_on(lab.restart(&server, &progress)) {
                        self.failed(&e);
                        next = Instant::now();
                    } else {
                        // Graded at once, so that the notice can name a file still waiting for
                        // a restart of its own server (the learner restarted the other one).
                        let Some(tasks) = self.round(&runtime, &lab, &mut grader) else { return };
                        next = Instant::now() + ROUND;
                        let mut told = format!("The {server} restarted with its config file.");
                        for other in self.waiting_for_restart(&tasks).iter().filter(|o| **o != server) {
                            let file = self.day.spec.server(other).map_or("", |s| s.config.to.as_str());
                            told.push_str(&format!(
                                " {file} is saved but not applied: s selects the {other}, then r restarts it."
                            ));
                        }
                        self.closing(told);
                    }
                }
                Request::Crash(server) => {
                    match runtime.block_on(lab.crash(&server)) {
                        Ok(()) => self.notice(format!(
                            "The {server} is down, like after a power cut (its data is kept; r starts it again)."
                        )),
                        Err(e) => self.failed(&e),
                    }
                    next = Instant::now();
                }
                Request::Reset => {
                    self.notice("Resetting the lab…".to_owned());
                    let reset = runtime
                        .block_on(lab.reset(&progress))
                        .and_then(|_| Progress::clear(&self.day.spec.slug));
                    match reset {
                        Ok(()) => {
                            let mut told = self.take_moved();
                            told.push(
                                "The lab is fresh: starting files restored, progress cleared."
                                    .to_owned(),
                            );
                            let _ = self.screen.send(Action::LabReset { notice: told.join(" ") });
                        }
                        Err(e) => self.failed(&e),
                    }
                    grader = Grader::new(self.day.clone(), self.workspace.clone());
                    if let Ok(mut recorded) = self.recorded.lock() {
                        recorded.clear();
                    }
                    next = Instant::now();
                }
            }
            drop(busy);
        }
    }

    /// Watches and grades once; false when the screen has gone.
    /// The servers whose config file holds a saved change they run without.
    fn waiting_for_restart(&self, tasks: &[TaskStatus]) -> Vec<String> {
        let mut servers: Vec<String> = tasks
            .iter()
            .filter(|t| t.diagnosis == Some(Diagnosis::NotApplied))
            .filter_map(|t| match &self.day.spec.tasks.iter().find(|s| s.id == t.id)?.check {
                Check::ServerConfig { server, .. } => Some(server.clone()),
                _ => None,
            })
            .collect();
        servers.dedup();
        servers
    }

    /// One grading round: the servers and the tasks go to the screen. The tasks, or `None`
    /// when the screen has closed.
    fn round(
        &self,
        runtime: &tokio::runtime::Runtime,
        lab: &Lab,
        grader: &mut Grader,
    ) -> Option<Vec<TaskStatus>> {
        let mut servers = runtime.block_on(lab.servers());
        let detached = |s: &ServerInfo| s.state == ContainerState::Detached;
        if servers.as_ref().is_ok_and(|all| all.iter().any(detached)) {
            // Cut off from the lab network: nothing reaches it until it is back on it.
            let progress = |event: LabEvent| self.on_event(event);
            if let Err(e) = runtime.block_on(lab.reattach_all(&progress)) {
                self.notice(first_line(&format!("{e:#}")));
            }
            servers = runtime.block_on(lab.servers());
        }
        let mut servers = match servers {
            Ok(servers) => servers,
            Err(e) => {
                self.notice(first_line(&format!("{e:#}")));
                return Some(Vec::new());
            }
        };
        // The console connects with these at once (a reset changes the password): they are
        // shared before the slower look at host names that only grading needs.
        if let Ok(mut shared) = self.servers.lock() {
            shared.clone_from(&servers);
        }
        runtime.block_on(lab.fill_host_names(&mut servers));
        let (report, snapshot) = grader.round_seen(&servers);
        self.show_servers(&servers, &snapshot);
        if let Some(warning) = self.progress_gone_bad() {
            // The file was set aside: the tasks seen done go into a fresh one below.
            if let Ok(mut recorded) = self.recorded.lock() {
                recorded.clear();
            }
            let _ = self.screen.send(Action::Warning(warning));
        }
        self.record(&report.tasks);
        self.screen.send(Action::Tasks(report.tasks.clone())).ok().map(|()| report.tasks)
    }

    /// The warning when the progress file went bad since it was last looked at.
    fn progress_gone_bad(&self) -> Option<String> {
        let changed = Progress::file(&self.day.spec.slug).and_then(|file| modified(&file));
        let mut seen = self.progress_changed.lock().ok()?;
        if *seen == changed {
            return None;
        }
        *seen = changed;
        Progress::check(&self.day.spec.slug)
    }

    /// Writes newly done tasks to the progress file.
    fn record(&self, tasks: &[TaskStatus]) {
        let Ok(mut recorded) = self.recorded.lock() else { return };
        let done = tasks.iter().filter(|t| t.status == TaskState::Done).map(|t| &t.id);
        let fresh: Vec<String> = done.filter(|id| !recorded.contains(*id)).cloned().collect();
        if fresh.is_empty() {
            return;
        }
        recorded.extend(fresh);
        if let Some(warning) = record_progress(&self.day.spec.slug, tasks) {
            let _ = self.screen.send(Action::Warning(warning));
        }
    }

    /// Docker's view of the servers (unless a server's start is still being reported), and
    /// replication's health as the round saw it.
    fn show_servers(&self, servers: &[ServerInfo], snapshot: &Snapshot) {
        let Ok(mut views) = self.views.lock() else { return };
        for info in servers {
            let Some(view) = views.iter_mut().find(|v| v.name == info.name) else { continue };
            view.port = match info.state {
                ContainerState::Foreign | ContainerState::OtherOwner(_) => None,
                _ => info.port.or(view.port),
            };
            view.state = match (&info.state, &view.state) {
                (ContainerState::Missing, ServerLife::Failed(_)) => continue,
                (ContainerState::Missing, _) => ServerLife::NotStarted,
                (ContainerState::Starting | ContainerState::Created, _) => ServerLife::Starting,
                (ContainerState::Restarting, _) => ServerLife::Starting,
                (ContainerState::Running, _) => ServerLife::Ready,
                (ContainerState::Exited { .. }, ServerLife::Failed(reason)) => {
                    ServerLife::Failed(self.since_refused(&info.name).unwrap_or_else(|| reason.clone()))
                }
                (ContainerState::Exited { code: 0 }, _) => ServerLife::Stopped,
                // SIGKILL: the failover drill's `crash` (recorded), or the kernel out of memory.
                (ContainerState::Exited { code: 137 }, _) if self.workspace.is_crashed(&info.name) => {
                    view.detail = Some("crashed for the drill, like a power cut; r starts it again".to_owned());
                    ServerLife::Stopped
                }
                (ContainerState::Exited { code: 137 }, _) => {
                    ServerLife::Failed("killed (exit 137); r starts it again".to_owned())
                }
                (other, _) => ServerLife::Failed(format!("its container is {other}")),
            };
            if view.state == ServerLife::Ready {
                view.detail = None;
                if let Ok(mut refused) = self.refused.lock() {
                    refused.retain(|(server, ..)| *server != info.name);
                }
            }
            view.health = snapshot.health(&info.name);
        }
        let _ = self.screen.send(Action::Lab(views.clone()));
        // The lesson shows the statements of the engine the servers really run.
        if let Some(engine) = servers.iter().find_map(|s| s.engine) {
            let _ = self.screen.send(Action::Engine(engine));
        }
    }

    /// A step of `up`, `restart` or `reset`, shown on the server it concerns.
    fn on_event(&self, event: LabEvent) {
        let (server, state) = match event {
            LabEvent::Creating(s)
            | LabEvent::Starting(s)
            | LabEvent::Waiting(s)
            | LabEvent::Seeding(s) => (Some(s), ServerLife::Starting),
            LabEvent::Ready(s) => (Some(s), ServerLife::Ready),
            LabEvent::Failed { server, reason } => (Some(server), ServerLife::Failed(reason)),
            LabEvent::Pulling { image, progress } => {
                let gauge = progress.gauge(PULL_GAUGE_CELLS);
                self.notice(format!("Pulling {image} {gauge} {}", progress.describe()));
                (None, ServerLife::Starting)
            }
            LabEvent::Building { line } => {
                self.notice(format!("No registry: building the offline image (a minute or two): {line}"));
                (None, ServerLife::Starting)
            }
            LabEvent::ImageFallback { wanted, using, .. } => {
                self.notice(format!("{wanted} cannot be pulled; using {using}"));
                (None, ServerLife::Starting)
            }
            LabEvent::Recovered(what) => {
                self.notice(format!("Recovered: {what}."));
                return;
            }
            LabEvent::PortsMoved(moved) => {
                let told = moved.to_string();
                if let Ok(mut kept) = self.moved.lock() {
                    kept.push(told.clone());
                }
                self.notice(told);
                return;
            }
            LabEvent::Removing(what) => {
                self.set_all(|_| ServerLife::Stopped);
                self.notice(format!("Removing the lab's {what}…"));
                return;
            }
        };
        match server {
            Some(server) => self.set(&server, state, None),
            None => self.set_all(|_| ServerLife::Starting),
        }
    }

    /// What the lab pane says of a server stopped by a config line once that line has been
    /// edited: the old line is not the file any more. The notice line says so once, in
    /// place of the refusal it showed.
    fn since_refused(&self, server: &str) -> Option<String> {
        let mut refused = self.refused.lock().ok()?;
        let (_, o, told) = refused.iter_mut().find(|(s, ..)| s == server)?;
        let now = std::fs::read_to_string(&o.file).ok();
        let line = now.as_deref().and_then(|text| text.lines().nth(o.line.saturating_sub(1))).map(str::trim);
        if line == Some(o.text.trim()) {
            return None;
        }
        let at = format!("{}:{}", self.workspace.shown(&o.file), o.line);
        if !*told {
            *told = true;
            self.notice(format!("{at} has changed since the {server} refused it: press r to start the {server} with the file as it is."));
        }
        Some(format!("stopped by {at}, edited since: r starts it"))
    }

    /// Shows why a lab operation failed: on its server when it names one, with what the
    /// command line says too (the learner's line the server refused, and the server's words).
    fn failed(&self, error: &anyhow::Error) {
        match error.downcast_ref::<ServerFailed>() {
            Some(failed) => {
                let server = &failed.server;
                let (state, notice) = match &failed.offending {
                    Some(o) => {
                        if let Ok(mut refused) = self.refused.lock() {
                            refused.retain(|(s, ..)| s != server);
                            refused.push((server.clone(), o.clone(), false));
                        }
                        let line = format!("{}:{}: {}", self.workspace.shown(&o.file), o.line, o.text.trim());
                        let notice = format!(
                            "The {server} did not start: {line} — the server says: {}. Fix that \
                             line, then press r to restart the {server}.",
                            o.complaint
                        );
                        (line, notice)
                    }
                    None => {
                        let reason = first_line(&failed.reason);
                        let said = failed.log_tail.last().map_or_else(String::new, |last| {
                            format!("; its log ends: {last}")
                        });
                        let notice = format!(
                            "The {server} did not start: {reason}{said}. Fix the cause, then \
                             press r to restart the {server}."
                        );
                        (reason, notice)
                    }
                };
                self.set(server, ServerLife::Failed(state), None);
                self.notice(notice);
            }
            None => self.notice(first_line(&format!("{error:#}"))),
        }
    }

    fn set(&self, server: &str, state: ServerLife, detail: Option<String>) {
        let Ok(mut views) = self.views.lock() else { return };
        if let Some(view) = views.iter_mut().find(|v| v.name == server) {
            view.state = state;
            view.detail = detail;
        }
        let _ = self.screen.send(Action::Lab(views.clone()));
    }

    fn set_all(&self, state: impl Fn(&ServerView) -> ServerLife) {
        let Ok(mut views) = self.views.lock() else { return };
        for view in views.iter_mut() {
            view.state = state(view);
        }
        let _ = self.screen.send(Action::Lab(views.clone()));
    }

    fn notice(&self, text: String) {
        let _ = self.screen.send(Action::Notice(text));
    }

    /// A lab operation's closing notice, after the port moves told during it, which it would
    /// otherwise replace (they come first: the line may be too short for both).
    fn closing(&self, text: String) {
        let mut told = self.take_moved();
        told.push(text);
        self.notice(told.join(" "));
    }

    fn take_moved(&self) -> Vec<String> {
        self.moved.lock().map(|mut kept| std::mem::take(&mut *kept)).unwrap_or_default()
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}
