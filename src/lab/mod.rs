//! The lab: a day's database servers as Docker containers, driven through the Docker API.
//!
//! `up` creates (or resumes, or re-attaches to) the network, volumes and containers, waits
//! until every server accepts SQL and prepares it; `restart` applies config edits; `down`
//! keeps data; `reset` starts over. Nothing here prints: progress goes to a callback, so the
//! command line and the TUI report it each in their own way.

mod copied;
pub mod docker;
pub mod endpoint;
mod exec;
pub mod image;
mod lock;
mod names;
mod objects;
pub mod owner;
mod ports;
mod preflight;
mod recover;
mod secret;
mod seeded;
pub mod pull;
/// What a server's log says when its data directory was copied from the initialised one.
pub use seeded::COPIED;
mod setup;
pub(crate) mod shell;
mod startup;
mod supervise;
mod tls;

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::Duration;

use bollard::Docker;
use bollard::models::{ContainerInspectResponse, ContainerStateStatusEnum};
use futures_util::future::join_all;
use serde::Serialize;
use tokio::sync::OnceCell;

use crate::course::content::Day;
use crate::dialect::engine::Engine;
use crate::lab::endpoint::{Endpoint, NotReady, Password};
use crate::course::spec::ServerSpec;
use crate::learner::fill::PortsMoved;
use crate::learner::workspace::Workspace;
use crate::lab::supervise::Renewal;

pub use startup::Offending;
pub use names::{ENGINE_LABEL, LAB_LABEL, LabNames, SERVER_LABEL};

/// The address every port is published on.
pub const HOST: &str = "127.0.0.1";
/// How long a server may take to accept SQL (a first start initialises its data directory).
const READY_LIMIT: Duration = Duration::from_secs(90);
/// Log lines shown when a server fails to start.
const LOG_TAIL: usize = 8;


/// Progress of a lab operation, for the command line or the TUI to show.
#[derive(Debug, Clone, PartialEq)]
pub enum LabEvent {
    /// Pulling an image: how far it has come over all its layers, download and extraction.
    Pulling { image: String, progress: pull::PullSummary },
    /// No registry answered and the offline image is being built: one line of the build's output.
    Building { line: String },
    /// The lab's image could not be pulled; its offline image is used instead.
    ImageFallback { wanted: String, using: String, reason: String },
    /// Creating a server's container.
    Creating(String),
    /// Starting (or restarting) a server's container.
    Starting(String),
    /// Waiting until a server accepts SQL.
    Waiting(String),
    /// Loading a fresh server's starting data.
    Seeding(String),
    /// A server accepts SQL and is prepared.
    Ready(String),
    /// A server did not come up.
    Failed { server: String, reason: String },
    /// Stopping and removing the lab's objects (`down`, `reset`).
    Removing(String),
    /// Something the workspace had lost was put back (the root password, starting files).
    Recovered(String),
    /// Servers' ports moved while the learner's own lines in a template file stayed.
    PortsMoved(PortsMoved),
}

/// The image the servers of one operation run, or why there is none, and the initialised
/// data directory its fresh servers copy: each chosen once for all.
#[derive(Default)]
struct ImageChoice {
    image: OnceCell<Result<String, String>>,
    seeded: OnceCell<Option<seeded::Seeded>>,
}

/// The progress callback every operation takes.
pub type OnEvent<'a> = dyn Fn(LabEvent) + Send + Sync + 'a;

/// A container's state, as the learner reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContainerState {
    Missing,
    Created,
    /// Running, and this process is still waiting for it to accept SQL.
    Starting,
    Running,
    Exited {
        code: i64,
    },
    Restarting,
    /// Running, but not on the lab network under its name (disconnected from it, or connected
    /// again without its alias): neither the other servers nor its published port reach it.
    Detached,
    /// A container has the server's name but not the lab's label: someone else's, never
    /// presented or used as the lab's server.
    Foreign,
    /// The lab's container, but another owner's (whose, in words): never attached, restarted
    /// or removed from here.
    OtherOwner(String),
    Other(String),
}

impl ContainerState {
    fn of(container: &ContainerInspectResponse, starting: bool) -> Self {
        let Some(state) = &container.state else { return ContainerState::Other(String::new()) };
        match state.status {
            Some(ContainerStateStatusEnum::RUNNING) if starting => ContainerState::Starting,
            Some(ContainerStateStatusEnum::RUNNING) => ContainerState::Running,
            Some(ContainerStateStatusEnum::CREATED) => ContainerState::Created,
            Some(ContainerStateStatusEnum::RESTARTING) => ContainerState::Restarting,
            Some(ContainerStateStatusEnum::EXITED | ContainerStateStatusEnum::DEAD) => {
                ContainerState::Exited { code: state.exit_code.unwrap_or_default() }
            }
            Some(other) => ContainerState::Other(other.to_string()),
            None => ContainerState::Other(String::new()),
        }
    }

    /// One word: `missing`, `created`, `starting`, `running`, `exited`, `restarting`, …
    pub fn word(&self) -> &str {
        match self {
            ContainerState::Missing => "missing",
            ContainerState::Created => "created",
            ContainerState::Starting => "starting",
            ContainerState::Running => "running",
            ContainerState::Exited { .. } => "exited",
            ContainerState::Restarting => "restarting",
            ContainerState::Detached => "detached",
            ContainerState::Foreign => "foreign",
            ContainerState::OtherOwner(_) => "other-owner",
            ContainerState::Other(word) => word,
        }
    }

    /// Whether the server's process is up (it may still be starting).
    pub fn is_running(&self) -> bool {
        matches!(self, ContainerState::Running | ContainerState::Starting)
    }
}

impl std::fmt::Display for ContainerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ContainerState::Exited { code } => write!(f, "exited (code {code})"),
            ContainerState::Detached => f.write_str(
                "running, but cut off from the lab network (`up` or a restart connects it again)",
            ),
            ContainerState::Foreign => {
                f.write_str("not this lab's (a container of that name that the lab did not create)")
            }
            ContainerState::OtherOwner(whose) => write!(f, "not yours: {whose}"),
            other => f.write_str(other.word()),
        }
    }
}

/// One server as Docker sees it now: cheap to ask for every second.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerInfo {
    /// The server's name in the lab (`master`).
    pub name: String,
    /// Its container's name.
    pub container: String,
    /// The engine its container was made for (its label); what actually answers is in the
    /// probe's snapshot and in `status`, read from the server's version.
    pub engine: Option<Engine>,
    pub state: ContainerState,
    /// Host port on 127.0.0.1, once the container exists.
    pub port: Option<u16>,
    /// The container's address on the lab network, while it runs (what other servers see).
    pub ip: Option<String>,
    /// The name another server's resolver gives that address, when it has one: what a server
    /// that resolves client names sees this one as.
    pub host_name: Option<String>,
    /// How to reach it over SQL from this machine, once it has a port and the lab a password.
    pub endpoint: Option<Endpoint>,
}

/// A server that did not come up: why, the line of the learner's config it refused (when
/// the log names one), and the last lines of its log.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerFailed {
    pub server: String,
    pub reason: String,
    pub offending: Option<Offending>,
    pub log_tail: Vec<String>,
    /// The command that tries again once the cause is fixed.
    pub retry: String,
}

impl std::fmt::Display for ServerFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "the {} did not start: {}", self.server, self.reason)?;
        if let Some(o) = &self.offending {
            writeln!(f, "  {}:{}: {}", o.file.display(), o.line, o.text.trim())?;
            writeln!(f, "  the server says: {}", o.complaint)?;
        }
        if !self.log_tail.is_empty() {
            writeln!(f, "last lines of its log:")?;
            for line in &self.log_tail {
                writeln!(f, "  {line}")?;
            }
        }
        let what = if self.offending.is_some() { "Fix that line" } else { "Fix the cause" };
        write!(f, "{what}, then run `{}`.", self.retry)
    }
}

impl std::error::Error for ServerFailed {}

/// What the command line chose for the servers; both are optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerChoice {
    /// `--engine` / `SQLCOURSE_ENGINE`: the engine a new lab runs. An existing lab keeps the
    /// engine it was made with until `reset`.
    pub engine: Option<Engine>,
    /// `--image` / `SQLCOURSE_IMAGE`: run this image instead of the engine's own.
    pub image: Option<String>,
}

/// A template placeholder the running lab fills: `SERVER.port`, the port it published.
pub fn live_value(servers: &[ServerInfo], name: &str) -> Option<String> {
    let (server, field) = name.rsplit_once('.')?;
    let info = servers.iter().find(|s| s.name == server)?;
    (field == "port").then_some(info.port?.to_string())
}

/// One lab instance of one day.
pub struct Lab {
    docker: Docker,
    engine_address: String,
    day: Day,
    workspace: Workspace,
    names: LabNames,
    choice: ServerChoice,
    /// Servers this process is waiting for, shown as `starting`.
    starting: Mutex<BTreeSet<String>>,
    /// Whose the lab's name is, when it is someone else's: then nothing of it is changed.
    taken: Option<String>,
    /// The names servers' addresses resolve to, as found so far.
    host_names: Mutex<exec::HostNames>,
}

impl Lab {
    /// Finds the Docker engine and describes the day's lab of this user (named by
    /// `SQLCOURSE_LAB_NAME`, else as [`owner`] tells). When no engine answers, the error is a
    /// [`crate::lab::docker::NoEngine`].
    pub async fn connect(day: Day, workspace: Workspace, choice: ServerChoice) -> anyhow::Result<Lab> {
        if let Some(chosen) = LabNames::chosen() {
            LabNames::new(&chosen)?;
        }
        let docker = docker::connect().await?;
        let (names, taken) =
            owner::resolve(&docker.docker, &day, &workspace, owner::Owner::current()).await?;
        Ok(Lab { taken, ..Lab::new(docker, day, workspace, names, choice) })
    }

    /// The lab on a Docker engine already connected, under explicit names.
    pub fn new(
        docker: docker::DockerEngine,
        day: Day,
        workspace: Workspace,
        names: LabNames,
        choice: ServerChoice,
    ) -> Lab {
        Lab {
            docker: docker.docker,
            engine_address: docker.address,
            day,
            workspace,
            names,
            choice,
            starting: Mutex::new(BTreeSet::new()),
            host_names: Mutex::new(exec::HostNames::new()),
            taken: None,
        }
    }

    /// Whose the lab's name is when it is another owner's lab (status shows it).
    pub fn taken_by(&self) -> Option<String> {
        let whose = self.taken.as_deref()?;
        Some(owner::taken_message(&self.names.lab, whose, &self.day.spec.slug))
    }

    /// Refuses to work on another owner's lab.
    pub fn ensure_ours(&self) -> anyhow::Result<()> {
        match self.taken_by() {
            Some(message) => Err(anyhow::anyhow!(message)),
            None => Ok(()),
        }
    }

    /// The database engine the lab runs: the one its servers were made for, else the one
    /// chosen, else the lab's default. Choosing another engine than an existing lab's is an
    /// error that says how to switch.
    pub async fn engine(&self) -> anyhow::Result<Engine> {
        let made_for = self.labelled_engine().await?;
        match (made_for, self.choice.engine) {
            (Some(lab), Some(chosen)) if lab != chosen => anyhow::bail!(
                "the {} lab runs {lab}; to run it on {chosen} instead, start afresh with `sqlcourse {} reset --engine {}` (this deletes the servers' data)",
                self.names.lab,
                self.day.spec.slug,
                chosen.tag()
            ),
            (Some(engine), _) | (None, Some(engine)) => Ok(engine),
            (None, None) => Ok(self.day.spec.default_engine()),
        }
    }

    /// The Docker API client, for work beyond the lab's lifecycle (a server's own client).
    pub fn docker(&self) -> &Docker {
        &self.docker
    }

    pub fn day(&self) -> &Day {
        &self.day
    }

    pub fn names(&self) -> &LabNames {
        &self.names
    }

    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    /// Where the Docker engine answered (`unix:///var/run/docker.sock`).
    pub fn engine_address(&self) -> &str {
        &self.engine_address
    }

    /// The command-line client inside a server's container (`mariadb`, `mysql`): that of the
    /// engine its container was made for.
    pub async fn client(&self, server: &ServerInfo) -> anyhow::Result<String> {
        let engine = match server.engine {
            Some(engine) => engine,
            None => self.engine().await?,
        };
        Ok(self.day.spec.engine(engine)?.client.clone())
    }

    /// Each server as Docker sees it now, in the lab's order.
    pub async fn servers(&self) -> anyhow::Result<Vec<ServerInfo>> {
        let password = self.workspace.saved_password();
        let inspected = join_all(self.day.spec.servers.iter().map(|s| self.inspect(&s.name))).await;
        let starting = self.starting.lock().map(|s| s.clone()).unwrap_or_default();
        self.day
            .spec
            .servers
            .iter()
            .zip(inspected)
            .map(|(spec, found)| {
                let found = found?;
                Ok(self.server_info(
                    spec,
                    found.as_ref(),
                    starting.contains(&spec.name),
                    password.as_deref(),
                ))
            })
            .collect()
    }

    /// Each server as grading needs it: also the name its address resolves to for the other
    /// servers, found once per container with an exec in another one.
    pub async fn graded_servers(&self) -> anyhow::Result<Vec<ServerInfo>> {
        let mut servers = self.servers().await?;
        self.fill_host_names(&mut servers).await;
        Ok(servers)
    }

    /// Starts the lab, resumes a stopped or half-created one, or re-attaches to a running one;
    /// returns once every server accepts SQL.
    pub async fn up(&self, progress: &OnEvent<'_>) -> anyhow::Result<Vec<ServerInfo>> {
        self.ensure_ours()?;
        let _lock = self.lock().await?;
        let engine = self.engine().await?;
        self.up_on(engine, &[], progress).await
    }

    /// `up` on a known engine. A server made anew is published on its port in `kept` (by the
    /// lab's order) while that is free, else on its default port while free, else on another.
    async fn up_on(
        &self,
        engine: Engine,
        kept: &[Option<u16>],
        progress: &OnEvent<'_>,
    ) -> anyhow::Result<Vec<ServerInfo>> {
        self.day.spec.engine(engine)?;
        let specs = &self.day.spec.servers;
        let image = ImageChoice::default();
        // The network takes longest to make of what comes first: it is made meanwhile, and
        // only the servers' starts wait for it. A missing server needs the image and the
        // initialised data directory, and a port.
        let network = self.make_network();
        let prepared = async {
            let password = self.password_and_files(progress).await?;
            let found: Vec<Option<ContainerInspectResponse>> =
                join_all(specs.iter().map(|s| self.inspect(&s.name)))
                    .await
                    .into_iter()
                    .collect::<anyhow::Result<_>>()?;
            for (spec, container) in specs.iter().zip(&found) {
                if let Some(c) = container {
                    anyhow::ensure!(
                        self.owns(c),
                        "{}",
                        self.not_ours(&self.names.container(&spec.name))
                    );
                }
            }
            if found.iter().any(Option::is_none) {
                // A failure is kept in `image` and reported by the server that needs it.
                let _ = self.choose_seeded(&image, engine, progress).await;
            }
            let preferred: Vec<Option<u16>> = specs
                .iter()
                .zip(&found)
                .enumerate()
                .map(|(i, (s, c))| {
                    c.is_none().then(|| kept.get(i).copied().flatten().unwrap_or(s.port))
                })
                .collect();
            let ports = self.choose_ports(&preferred).await?;
            Ok::<_, anyhow::Error>((password, found, ports))
        };
        let servers = async {
            let (password, found, ports) = prepared.await?;
            let (image, password, network) = (&image, &password, &network);
            let results =
                join_all(specs.iter().zip(found).zip(ports).map(|((spec, container), port)| async move {
                    // A server crashed for the failover drill stays down until `restart`:
                    // reopening the lesson must not bring a dead master back writable.
                    if container.is_some() && self.workspace.is_crashed(&spec.name) {
                        return Ok(());
                    }
                    self.workspace.set_crashed(&spec.name, false)?;
                    if container.is_some() {
                        objects::network_made(network).await?;
                        self.reattach(spec, progress).await?;
                    }
                    let making = objects::Making { engine, image, password, network };
                    self.bring_up(spec, container, port, &making, progress).await
                }))
                .await;
            first_error(results)
        };
        let (servers, network) = tokio::join!(servers, network.clone());
        servers?;
        network.map_err(anyhow::Error::msg)?;
        let servers = self.servers().await?;
        self.follow_ports(&servers, progress)?;
        Ok(servers)
    }

    /// Fills the templates again with the ports the servers publish now, telling each move
    /// that a file with the learner's own lines stayed behind.
    fn follow_ports(&self, servers: &[ServerInfo], progress: &OnEvent<'_>) -> anyhow::Result<()> {
        let value = |name: &str| live_value(servers, name);
        for moved in self.workspace.refill_templates(&self.day, &value)? {
            progress(LabEvent::PortsMoved(moved));
        }
        Ok(())
    }

    /// Restarts one server so edits to its config file take effect.
    pub async fn restart(
        &self,
        server: &str,
        progress: &OnEvent<'_>,
    ) -> anyhow::Result<ServerInfo> {
        let spec = self.spec_of(server)?;
        self.ensure_ours()?;
        let _lock = self.lock().await?;
        let engine = self.engine().await?;
        let name = self.names.container(&spec.name);
        let Some(container) = self.inspect(&spec.name).await? else {
            anyhow::bail!(
                "the {server} is not there; start the lab with `sqlcourse {} up`",
                self.day.spec.slug
            );
        };
        anyhow::ensure!(self.owns(&container), "{}", self.not_ours(&name));
        let password = self.password_and_files(progress).await?;
        self.workspace.set_crashed(&spec.name, false)?;
        self.reattach(spec, progress).await?;
        progress(LabEvent::Starting(spec.name.clone()));
        if self.renew_inside(&name, &container, &password, Renewal::Restart).await? {
            self.until_ready(spec, engine, &password, progress).await?;
            return self.info_after_restart(server, &spec.name, progress).await;
        }
        match self.restart_container(&name).await {
            Ok(()) => self.until_ready(spec, engine, &password, progress).await?,
            // Something took its port while it was stopped: move it to a free one, as `up` does.
            Err(e) if ports::is_port_taken(&e.to_string()) => {
                let stopped = self.inspect(&spec.name).await?;
                let image = ImageChoice::default();
                // `reattach` above made sure of the network.
                let network = objects::network_there();
                let making = objects::Making { engine, image: &image, password: &password, network: &network };
                self.bring_up(spec, stopped, spec.port, &making, progress).await?
            }
            Err(e) => return Err(e),
        }
        self.info_after_restart(server, &spec.name, progress).await
    }

    /// The server after its restart, which may have moved it to another port.
    async fn info_after_restart(
        &self,
        server: &str,
        name: &str,
        progress: &OnEvent<'_>,
    ) -> anyhow::Result<ServerInfo> {
        let info = self.servers().await?;
        self.follow_ports(&info, progress)?;
        info.into_iter()
            .find(|s| s.name == name)
            .ok_or_else(|| anyhow::anyhow!("the {server} vanished right after its restart"))
    }

    /// Puts every server cut off from the lab network back on it under its name (the screen
    /// does this as soon as it sees one; `up` and `restart` do it too).
    pub async fn reattach_all(&self, progress: &OnEvent<'_>) -> anyhow::Result<()> {
        self.ensure_ours()?;
        let _lock = self.lock().await?;
        for spec in &self.day.spec.servers {
            self.reattach(spec, progress).await?;
        }
        Ok(())
    }

    /// Kills one running server like a power cut (SIGKILL, no clean shutdown): its container
    /// stays, exited, with its data, and `restart` brings it back. The failover drill.
    pub async fn crash(&self, server: &str) -> anyhow::Result<()> {
        let spec = self.spec_of(server)?;
        self.ensure_ours()?;
        let name = self.names.container(&spec.name);
        let Some(container) = self.inspect(&spec.name).await? else {
            anyhow::bail!(
                "the {server} is not there; start the lab with `sqlcourse {} up`",
                self.day.spec.slug
            );
        };
        anyhow::ensure!(self.owns(&container), "{}", self.not_ours(&name));
        let running = container.state.as_ref().and_then(|s| s.running).unwrap_or(false);
        anyhow::ensure!(
            running,
            "the {server} is not running, so there is nothing to crash (`sqlcourse {} restart {server}` starts it)",
            self.day.spec.slug
        );
        self.kill_container(&name).await?;
        self.workspace.set_crashed(&spec.name, true)?;
        // Docker lets go of the port a moment after the kill; until then it takes connections
        // and drops them, which an application run at once would read as a lost connection.
        if let Some(port) = objects::host_port(&container) {
            let closed = async {
                while tokio::net::TcpStream::connect((HOST, port)).await.is_ok() {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            };
            let _ = tokio::time::timeout(Duration::from_secs(5), closed).await;
        }
        Ok(())
    }

    /// Removes the lab's containers and network; data volumes and the workspace stay, so `up`
    /// resumes where the learner left off.
    pub async fn down(&self, progress: &OnEvent<'_>) -> anyhow::Result<()> {
        self.ensure_ours()?;
        let _lock = self.lock().await?;
        progress(LabEvent::Removing("containers".to_owned()));
        self.remove_containers(true).await?;
        progress(LabEvent::Removing("network".to_owned()));
        self.remove_networks().await
    }

    /// Removes every object carrying the lab's label, restores the starting files, forgets
    /// the root password, clears the day's progress and brings a fresh lab up: on the engine
    /// chosen, else on the one the lab ran.
    pub async fn reset(&self, progress: &OnEvent<'_>) -> anyhow::Result<Vec<ServerInfo>> {
        self.ensure_ours()?;
        let _lock = self.lock().await?;
        let engine = match self.choice.engine {
            Some(chosen) => chosen,
            None => self.labelled_engine().await?.unwrap_or_else(|| self.day.spec.default_engine()),
        };
        // Refuse an engine the lab lacks, a lookalike object, a read-only workspace: all
        // before anything is removed.
        self.day.spec.engine(engine)?;
        self.check_reset_can_finish().await?;
        if let Some(servers) = self.reset_inside(engine, progress).await? {
            return Ok(servers);
        }
        // The fresh lab keeps the ports this one had, so files written for them stay true.
        let found = join_all(self.day.spec.servers.iter().map(|s| self.inspect(&s.name))).await;
        let kept: Vec<Option<u16>> = found
            .into_iter()
            .map(|c| c.ok().flatten().filter(|c| self.owns(c)).as_ref().and_then(objects::host_port))
            .collect();
        progress(LabEvent::Removing("containers".to_owned()));
        self.remove_containers(false).await?;
        progress(LabEvent::Removing("network and data".to_owned()));
        let (networks, volumes) = tokio::join!(self.remove_networks(), self.remove_volumes());
        networks?;
        volumes?;
        self.workspace.start_afresh(&self.day)?;
        self.up_on(engine, &kept, progress).await
    }

    /// The last lines a server's container printed (its error log).
    pub async fn log_tail(&self, server: &str, lines: usize) -> anyhow::Result<Vec<String>> {
        let spec = self.spec_of(server)?;
        self.logs_since(&self.names.container(&spec.name), None, lines).await
    }

    /// Whether a container carries this lab's label (only those are ever changed).
    pub(super) fn owns(&self, container: &ContainerInspectResponse) -> bool {
        self.names.owns(container.config.as_ref().and_then(|c| c.labels.as_ref()))
    }

    pub(super) fn not_ours(&self, name: &str) -> String {
        format!(
            "a container named {name} exists that this lab did not create; rename or remove it, or set SQLCOURSE_LAB_NAME to use another name"
        )
    }

    fn spec_of(&self, server: &str) -> anyhow::Result<&ServerSpec> {
        self.day.spec.server(server).ok_or_else(|| {
            let known: Vec<&str> = self.day.spec.servers.iter().map(|s| s.name.as_str()).collect();
            anyhow::anyhow!(
                "there is no server `{server}` in this lab (servers: {})",
                known.join(", ")
            )
        })
    }

    /// Copies missing starting files and makes config files readable by the server.
    fn prepare_workspace(&self) -> anyhow::Result<()> {
        self.workspace.install(&self.day, false)?;
        for spec in &self.day.spec.servers {
            if let Some(dir) = self.workspace.config_dir(&self.day, &spec.name) {
                setup::make_config_readable(&dir)?;
            }
        }
        Ok(())
    }

    fn server_info(
        &self,
        spec: &ServerSpec,
        container: Option<&ContainerInspectResponse>,
        starting: bool,
        password: Option<&str>,
    ) -> ServerInfo {
        if let Some(c) = container
            && !self.owns(c)
        {
            let labels = c.config.as_ref().and_then(|c| c.labels.as_ref());
            let state = match (self.names.whose(labels), &self.taken) {
                (names::Whose::Other(owner), _) => ContainerState::OtherOwner(owner.to_string()),
                (names::Whose::Unowned, Some(whose)) => ContainerState::OtherOwner(whose.clone()),
                _ => ContainerState::Foreign,
            };
            return ServerInfo {
                name: spec.name.clone(),
                container: self.names.container(&spec.name),
                engine: None,
                state,
                port: None,
                ip: None,
                host_name: None,
                endpoint: None,
            };
        }
        let network = self.names.network();
        let state = match container
            .map_or(ContainerState::Missing, |c| ContainerState::of(c, starting))
        {
            state
                if state.is_running()
                    && container.is_some_and(|c| !objects::on_network(c, &network, &spec.name)) =>
            {
                ContainerState::Detached
            }
            state => state,
        };
        let port = container.and_then(objects::host_port);
        let ip = container.and_then(|c| objects::network_ip(c, &network));
        ServerInfo {
            name: spec.name.clone(),
            container: self.names.container(&spec.name),
            engine: container.and_then(objects::engine_label),
            state,
            port,
            ip,
            host_name: None,
            endpoint: port.zip(password).map(|(port, password)| root_endpoint(port, password)),
        }
    }

    /// Creates or starts one server as needed, then waits until it is ready.
    async fn bring_up(
        &self,
        spec: &ServerSpec,
        container: Option<ContainerInspectResponse>,
        port: u16,
        making: &objects::Making<'_, '_>,
        progress: &OnEvent<'_>,
    ) -> anyhow::Result<()> {
        let (engine, password) = (making.engine, making.password);
        let running = container
            .as_ref()
            .and_then(|c| c.state.as_ref())
            .and_then(|s| s.running)
            .unwrap_or(false);
        match container {
            None => self.create_and_start(spec, port, making, progress).await?,
            Some(_) if running => {}
            Some(c) => {
                progress(LabEvent::Starting(spec.name.clone()));
                let name = self.names.container(&spec.name);
                if self.install_files(spec, password).await.is_err()
                    || self.start_container(&name).await.is_err()
                {
                    // A container left by an interrupted run may point at a removed network or
                    // a port taken since: make it anew; its data lives on in the volume.
                    self.remove_container(&name, false).await?;
                    let port = objects::host_port(&c).unwrap_or(spec.port);
                    let port = self.choose_ports(&[Some(port)]).await?[0];
                    self.create_and_start(spec, port, making, progress).await?;
                }
            }
        }
        self.until_ready(spec, engine, password, progress).await
    }

    /// Waits until a started server accepts SQL, checks it is the engine the lab was made
    /// for, then seeds it if fresh and turns on its general log. Fails at once, with its log,
    /// if the server exits meanwhile.
    ///
    /// Readiness is a login over TCP on the published port: both images first run a
    /// temporary server without networking to initialise a fresh data directory, and only
    /// the real server takes TCP connections.
    async fn until_ready(
        &self,
        spec: &ServerSpec,
        engine: Engine,
        password: &str,
        progress: &OnEvent<'_>,
    ) -> anyhow::Result<()> {
        let container = self.names.container(&spec.name);
        let inspected = self.inspect(&spec.name).await?;
        let started_at = inspected.as_ref().and_then(objects::started_at);
        let port = inspected
            .as_ref()
            .and_then(objects::host_port)
            .ok_or_else(|| anyhow::anyhow!("the {} has no published port", spec.name))?;
        let endpoint = root_endpoint(port, password);
        progress(LabEvent::Waiting(spec.name.clone()));
        self.mark_starting(&spec.name, true);
        let outcome = tokio::select! {
            ready = endpoint::wait_until_ready(&endpoint, READY_LIMIT) => ready.map_err(|e| match e {
                NotReady::Rejected(_) => format!(
                    "{e}. Its data was made with another password; `sqlcourse {} reset` starts afresh",
                    self.day.spec.slug
                ),
                NotReady::TimedOut(_) => e.to_string(),
            }),
            code = self.exit_code(&container) => Err(format!("it exited with code {code}")),
        };
        self.mark_starting(&spec.name, false);
        if let Err(reason) = outcome {
            progress(LabEvent::Failed { server: spec.name.clone(), reason: reason.clone() });
            return Err(self.failure(spec, engine, reason, started_at.as_deref()).await.into());
        }
        let seed = match &self.day.spec.seed {
            Some(seed) => {
                let sql = self.day.content.lab_file(&self.day.spec.slug, &seed.sql)?;
                Some((setup::SeedMarks::of(seed, &sql)?, sql))
            }
            None => None,
        };
        let look = setup::first_look(&endpoint, seed.as_ref().map(|(marks, _)| marks.clone())).await?;
        let version = look.version;
        let answering = Engine::from_version(&version);
        anyhow::ensure!(
            answering == engine,
            "the {} runs {answering} ({version}), but the lab is set up for {engine}; start afresh on {answering} with `sqlcourse {} reset --engine {}`",
            spec.name,
            self.day.spec.slug,
            answering.tag()
        );
        if let Some((_, sql)) = seed.filter(|_| look.lacks_seed) {
            progress(LabEvent::Seeding(spec.name.clone()));
            setup::load_seed(&endpoint, sql).await?;
            setup::log_statements(&endpoint).await?;
        }
        progress(LabEvent::Ready(spec.name.clone()));
        Ok(())
    }

    /// Builds the failure report: log lines of this start, and the learner's line it names.
    async fn failure(
        &self,
        spec: &ServerSpec,
        engine: Engine,
        mut reason: String,
        started_at: Option<&str>,
    ) -> ServerFailed {
        if let Some(image) = &self.choice.image {
            // Another engine's image does not take this one's password variable, and exits.
            reason.push_str(&format!(
                " (the lab runs {image} as {engine}: if it is another engine's image, name that engine with --engine)"
            ));
        }
        let container = self.names.container(&spec.name);
        let log = self.logs_since(&container, started_at, 200).await.unwrap_or_default();
        let log = supervise::current_start(log);
        let files = self
            .workspace
            .config_dir(&self.day, &spec.name)
            .map(|dir| setup::config_files(&dir))
            .unwrap_or_default();
        let offending = startup::find_offending(&log, &files);
        let tail = log.len().saturating_sub(LOG_TAIL);
        ServerFailed {
            server: spec.name.clone(),
            reason,
            offending,
            log_tail: log[tail..].to_vec(),
            retry: format!("sqlcourse {} restart {}", self.day.spec.slug, spec.name),
        }
    }

    fn mark_starting(&self, server: &str, on: bool) {
        if let Ok(mut set) = self.starting.lock() {
            if on {
                set.insert(server.to_owned());
            } else {
                set.remove(server);
            }
        }
    }
}

/// The first error of several concurrent steps (each server reports its own).
/// The lab's root login on a server's published port.
fn root_endpoint(port: u16, password: &str) -> Endpoint {
    Endpoint { host: HOST.to_owned(), port, user: "root".to_owned(), password: Password::new(password) }
}

fn first_error(results: Vec<anyhow::Result<()>>) -> anyhow::Result<()> {
    results.into_iter().collect::<anyhow::Result<Vec<()>>>().map(|_| ())
}

