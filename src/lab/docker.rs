//! Finding and connecting to a Docker engine (Docker Engine, rootless Docker, Docker Desktop,
//! colima, OrbStack, Rancher Desktop, Podman), the way the docker CLI finds it.
//!
//! bollard alone honours `DOCKER_HOST` only for `unix://`, never reads the docker CLI's
//! contexts and never looks at the per-user sockets, so the choice is made here: the engine
//! `docker ps` talks to is the one the lab uses.

use std::path::PathBuf;
use std::time::Duration;

use bollard::{API_DEFAULT_VERSION, Docker};

/// How long one candidate may take to answer: every candidate is tried at once, so the whole
/// search stays well under two seconds.
const ANSWER_TIMEOUT: Duration = Duration::from_millis(1500);

/// Timeout of every later request (a slow pull streams, so it is not bounded by this).
const REQUEST_TIMEOUT_SECS: u64 = 120;

/// A connected engine.
#[derive(Debug, Clone)]
pub struct DockerEngine {
    pub docker: Docker,
    /// Where it answered, as a `DOCKER_HOST` value (`unix:///var/run/docker.sock`).
    pub address: String,
}

/// Where the addresses tried came from, as the docker CLI would choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `DOCKER_HOST`.
    DockerHost,
    /// A docker CLI context: named by `DOCKER_CONTEXT`, or current in the CLI's config file.
    Context { name: String, from: String },
    /// No choice was made: the engines' usual local sockets.
    KnownSockets,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::DockerHost => f.write_str("DOCKER_HOST"),
            Source::Context { name, from } => write!(f, "the docker context `{name}` ({from})"),
            Source::KnownSockets => f.write_str("the usual local sockets"),
        }
    }
}

/// The addresses to try, best first, and where they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidates {
    pub addresses: Vec<String>,
    pub source: Source,
}

/// No usable engine: none answered, or the one chosen cannot serve a lab.
#[derive(Debug, Clone, PartialEq)]
pub enum EngineError {
    /// Nothing answered at the addresses tried.
    NoAnswer(NoEngine),
    /// The engine chosen runs on another machine: its published ports and the bind-mounted
    /// config files would be there, not here.
    Remote { address: String, source: Source },
    /// The docker context chosen cannot be read.
    Context { name: String, from: String, reason: String },
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::NoAnswer(none) => none.fmt(f),
            EngineError::Remote { address, source } => {
                write!(
                    f,
                    "the Docker engine at {address} (from {source}) is on another machine, and a lab needs one on this machine: its servers' ports are published where the engine runs and their config files are mounted from your workspace here. "
                )?;
                f.write_str(&switch_advice(source))
            }
            EngineError::Context { name, from, reason } => write!(
                f,
                "the docker context `{name}` ({from}) cannot be used: {reason}. See `docker context ls`, or choose one with `docker context use NAME`"
            ),
        }
    }
}

impl std::error::Error for EngineError {}

/// How to point sqlcourse (and the docker CLI) at a local engine instead.
fn switch_advice(source: &Source) -> String {
    match source {
        Source::DockerHost => "Unset DOCKER_HOST, or set it to a local engine's socket".to_owned(),
        Source::Context { from, .. } if from.contains("DOCKER_CONTEXT") => {
            "Unset DOCKER_CONTEXT, or name a local context (`docker context ls`)".to_owned()
        }
        Source::Context { .. } => {
            "Switch to a local context with `docker context use default` (or another from `docker context ls`)".to_owned()
        }
        Source::KnownSockets => String::new(),
    }
}

/// No engine answered: what was tried, and why each failed.
#[derive(Debug, Clone, PartialEq)]
pub struct NoEngine {
    /// `(address, reason)` in the order tried.
    pub tried: Vec<(String, String)>,
    /// Where the addresses came from.
    pub source: Source,
}

impl std::fmt::Display for NoEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tried: Vec<String> =
            self.tried.iter().map(|(addr, why)| format!("{addr} ({why})")).collect();
        write!(f, "no Docker engine answered; tried {}", tried.join(", "))?;
        if self.source != Source::KnownSockets {
            write!(f, ", from {}", self.source)?;
        }
        f.write_str(". ")?;
        if self.tried.iter().any(|(_, why)| why.contains("permission denied")) {
            write!(
                f,
                "Give your user access to the socket (e.g. `sudo usermod -aG docker $USER`, then log in again)"
            )
        } else {
            match &self.source {
                Source::DockerHost => write!(
                    f,
                    "Start the engine DOCKER_HOST names, or unset DOCKER_HOST to use the local one (started by Docker Desktop, `colima start` or `sudo systemctl start docker`)"
                ),
                Source::Context { name, .. } => write!(
                    f,
                    "Start the engine of the context `{name}` (Docker Desktop, `colima start`, OrbStack, Rancher Desktop), or {}",
                    lowercase_first(&switch_advice(&self.source))
                ),
                Source::KnownSockets => write!(
                    f,
                    "Start Docker (open Docker Desktop, run `colima start`, or `sudo systemctl start docker`) and try again, or set DOCKER_HOST"
                ),
            }
        }
    }
}

impl std::error::Error for NoEngine {}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

/// What the choice of an engine reads: the variables and folders the docker CLI reads, so
/// tests can give their own.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    pub docker_host: Option<String>,
    pub docker_context: Option<String>,
    /// The docker CLI's config folder: `$DOCKER_CONFIG`, else `~/.docker`.
    pub config_dir: Option<PathBuf>,
    pub home: Option<PathBuf>,
    /// `$XDG_RUNTIME_DIR`, where rootless Docker and Podman keep their per-user sockets.
    pub runtime_dir: Option<PathBuf>,
    /// `$COLIMA_HOME`, else `~/.colima`.
    pub colima_home: Option<PathBuf>,
}

impl Environment {
    /// This process's environment.
    pub fn current() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let home = dirs::home_dir();
        Environment {
            docker_host: var("DOCKER_HOST"),
            docker_context: var("DOCKER_CONTEXT"),
            config_dir: var("DOCKER_CONFIG")
                .map(PathBuf::from)
                .or_else(|| home.as_ref().map(|h| h.join(".docker"))),
            runtime_dir: var("XDG_RUNTIME_DIR").map(PathBuf::from),
            colima_home: var("COLIMA_HOME")
                .map(PathBuf::from)
                .or_else(|| home.as_ref().map(|h| h.join(".colima"))),
            home,
        }
    }
}

/// The addresses to try, as the docker CLI chooses: `DOCKER_HOST`; else the context named by
/// `DOCKER_CONTEXT`, else the current one of its config file; else (or for the `default`
/// context) the usual local sockets. An engine on another machine is refused here.
pub fn candidates(env: &Environment) -> Result<Candidates, EngineError> {
    let chosen = if let Some(host) = &env.docker_host {
        Some((host.clone(), Source::DockerHost))
    } else {
        match chosen_context(env) {
            Some((name, from)) if name != "default" => {
                let host = context_host(env, &name)
                    .map_err(|reason| EngineError::Context { name: name.clone(), from: from.clone(), reason })?;
                Some((host, Source::Context { name, from }))
            }
            _ => None,
        }
    };
    if let Some((address, source)) = chosen {
        if is_remote(&address) {
            return Err(EngineError::Remote { address, source });
        }
        return Ok(Candidates { addresses: vec![address], source });
    }
    let addresses = known_sockets(env).iter().map(|s| format!("unix://{}", s.display())).collect();
    Ok(Candidates { addresses, source: Source::KnownSockets })
}

/// The context the docker CLI would use, and what chose it.
fn chosen_context(env: &Environment) -> Option<(String, String)> {
    if let Some(name) = &env.docker_context {
        return Some((name.clone(), "from DOCKER_CONTEXT".to_owned()));
    }
    let config = env.config_dir.as_ref()?.join("config.json");
    let text = std::fs::read_to_string(&config).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let name = json.get("currentContext")?.as_str()?.trim();
    (!name.is_empty()).then(|| (name.to_owned(), format!("current in {}", config.display())))
}

/// A context's Docker endpoint, from `contexts/meta/*/meta.json` (the folder is named by a
/// hash of the context's name; reading each file's `Name` needs no hashing).
fn context_host(env: &Environment, name: &str) -> Result<String, String> {
    let Some(meta) = env.config_dir.as_ref().map(|c| c.join("contexts/meta")) else {
        return Err("no docker config folder".to_owned());
    };
    let entries = std::fs::read_dir(&meta)
        .map_err(|e| format!("cannot read {}: {e}", meta.display()))?;
    for entry in entries.filter_map(Result::ok) {
        let file = entry.path().join("meta.json");
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else { continue };
        if json.get("Name").and_then(|n| n.as_str()) != Some(name) {
            continue;
        }
        return json
            .pointer("/Endpoints/docker/Host")
            .and_then(|h| h.as_str())
            .filter(|h| !h.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| format!("{} names no Docker endpoint", file.display()));
    }
    Err(format!("no such context in {}", meta.display()))
}

/// Whether an address reaches an engine on another machine (a remote TCP host, or ssh).
pub fn is_remote(address: &str) -> bool {
    if address.starts_with("ssh://") {
        return true;
    }
    let Some(rest) = ["tcp://", "http://", "https://"].iter().find_map(|p| address.strip_prefix(p))
    else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(host, _)| host),
    };
    let local = host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified());
    !local
}

/// The local sockets of the engines learners run, in the order they are preferred.
fn known_sockets(env: &Environment) -> Vec<PathBuf> {
    let mut sockets = vec![PathBuf::from("/var/run/docker.sock")];
    if let Some(runtime) = &env.runtime_dir {
        sockets.push(runtime.join("docker.sock"));
    }
    if let Some(home) = &env.home {
        sockets.push(home.join(".docker/run/docker.sock"));
        sockets.push(home.join(".docker/desktop/docker.sock"));
    }
    if let Some(colima) = &env.colima_home {
        sockets.push(colima.join("default/docker.sock"));
        // Other profiles (`colima start --profile NAME`), in name order.
        let mut profiles: Vec<PathBuf> = std::fs::read_dir(colima)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter(|e| e.file_name() != "default" && e.path().join("docker.sock").exists())
            .map(|e| e.path().join("docker.sock"))
            .collect();
        profiles.sort();
        sockets.extend(profiles);
    }
    if let Some(home) = &env.home {
        sockets.push(home.join(".orbstack/run/docker.sock"));
        sockets.push(home.join(".rd/docker.sock"));
    }
    if let Some(runtime) = &env.runtime_dir {
        sockets.push(runtime.join("podman/podman.sock"));
    }
    sockets.push(PathBuf::from("/run/podman/podman.sock"));
    if let Some(home) = &env.home {
        sockets.push(home.join(".local/share/containers/podman/machine/podman.sock"));
    }
    sockets
}

/// Connects to the first candidate that answers, negotiating the API version (an older engine
/// rejects bollard's default version).
pub async fn connect() -> Result<DockerEngine, EngineError> {
    connect_in(&Environment::current()).await
}

/// As [`connect`], choosing from the given environment.
pub async fn connect_in(env: &Environment) -> Result<DockerEngine, EngineError> {
    let Candidates { addresses, source } = candidates(env)?;
    let attempts = addresses.iter().map(|address| async move {
        let docker = open(address)?;
        match tokio::time::timeout(ANSWER_TIMEOUT, docker.negotiate_version()).await {
            Ok(Ok(docker)) => Ok(docker),
            Ok(Err(e)) => Err(reason(&e)),
            Err(_) => Err(format!("no answer within {} ms", ANSWER_TIMEOUT.as_millis())),
        }
    });
    let results = futures_util::future::join_all(attempts).await;
    let mut tried = Vec::new();
    for (address, result) in addresses.into_iter().zip(results) {
        match result {
            Ok(docker) => return Ok(DockerEngine { docker, address }),
            Err(why) => tried.push((address, why)),
        }
    }
    Err(EngineError::NoAnswer(NoEngine { tried, source }))
}

fn open(address: &str) -> Result<Docker, String> {
    let result = if let Some(path) = address.strip_prefix("unix://") {
        Docker::connect_with_unix(path, REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION)
    } else if address.starts_with("tcp://") || address.starts_with("http://") {
        Docker::connect_with_http(address, REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION)
    } else if address.starts_with('/') {
        Docker::connect_with_unix(address, REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION)
    } else {
        return Err("only unix:// and tcp:// addresses are supported".to_owned());
    };
    result.map_err(|e| reason(&e))
}

/// A short reason for one failed candidate.
fn reason(err: &bollard::errors::Error) -> String {
    use bollard::errors::Error;
    match err {
        Error::SocketNotFoundError(_) => "no socket".to_owned(),
        Error::DockerResponseServerError { status_code, .. } => {
            format!("answered HTTP {status_code}: not a Docker engine")
        }
        other => {
            // The cause sits deep in the chain (hyper → connect → io); read all of it.
            let mut chain = vec![other.to_string()];
            let mut source = std::error::Error::source(other);
            while let Some(cause) = source {
                chain.push(cause.to_string());
                source = cause.source();
            }
            let lower = chain.join(": ").to_lowercase();
            if lower.contains("permission denied") {
                "permission denied".to_owned()
            } else if lower.contains("connection refused") {
                "connection refused".to_owned()
            } else {
                chain.last().cloned().unwrap_or_default()
            }
        }
    }
}

/// Whether a Docker error is "no such object".
pub fn is_not_found(err: &bollard::errors::Error) -> bool {
    matches!(err, bollard::errors::Error::DockerResponseServerError { status_code: 404, .. })
}

/// Whether a Docker error is about a name two networks share (see `Lab::one_network`).
pub fn is_ambiguous(message: &str) -> bool {
    message.contains("is ambiguous")
}

/// Whether a Docker error is "already exists" (or "already in that state").
pub fn is_conflict(err: &bollard::errors::Error) -> bool {
    matches!(err, bollard::errors::Error::DockerResponseServerError { status_code: 409 | 304, .. })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_every_address_tried_and_how_to_start_docker() {
        let err = NoEngine {
            tried: vec![
                ("unix:///var/run/docker.sock".to_owned(), "no socket".to_owned()),
                (
                    "unix:///home/u/.colima/default/docker.sock".to_owned(),
                    "connection refused".to_owned(),
                ),
            ],
            source: Source::KnownSockets,
        };
        let text = err.to_string();
        assert!(text.contains("unix:///var/run/docker.sock (no socket)"), "{text}");
        assert!(text.contains(".colima/default/docker.sock (connection refused)"), "{text}");
        assert!(text.contains("colima start"), "{text}");
    }

    #[test]
    fn permission_problems_get_their_own_advice() {
        let err = NoEngine {
            tried: vec![("unix:///var/run/docker.sock".to_owned(), "permission denied".to_owned())],
            source: Source::KnownSockets,
        };
        assert!(err.to_string().contains("usermod"), "{err}");
    }

    /// A fake home with a docker config folder, as the docker CLI leaves it.
    struct FakeHome {
        dir: tempfile::TempDir,
    }

    impl FakeHome {
        fn new() -> Self {
            FakeHome { dir: tempfile::tempdir().expect("temp dir") }
        }

        fn env(&self) -> Environment {
            let home = self.dir.path().to_path_buf();
            Environment {
                config_dir: Some(home.join(".docker")),
                colima_home: Some(home.join(".colima")),
                runtime_dir: Some(home.join("run")),
                home: Some(home),
                ..Environment::default()
            }
        }

        fn current_context(&self, name: &str) {
            let dir = self.dir.path().join(".docker");
            std::fs::create_dir_all(&dir).expect("config dir");
            let config = format!(r#"{{"auths": {{}}, "currentContext": "{name}"}}"#);
            std::fs::write(dir.join("config.json"), config).expect("config.json");
        }

        /// A context as `docker context create` writes it: under a folder named by a hash.
        fn context(&self, name: &str, host: &str, folder: &str) {
            let dir = self.dir.path().join(".docker/contexts/meta").join(folder);
            std::fs::create_dir_all(&dir).expect("meta dir");
            let meta = format!(
                r#"{{"Name":"{name}","Metadata":{{"Description":"{name}"}},"Endpoints":{{"docker":{{"Host":"{host}","SkipTLSVerify":false}}}}}}"#
            );
            std::fs::write(dir.join("meta.json"), meta).expect("meta.json");
        }

        fn socket(&self, path: &str) -> String {
            let full = self.dir.path().join(path);
            std::fs::create_dir_all(full.parent().expect("a parent")).expect("socket dir");
            std::fs::write(&full, "").expect("socket stand-in");
            format!("unix://{}", full.display())
        }
    }

    #[test]
    fn the_current_context_of_the_config_file_is_followed() {
        let home = FakeHome::new();
        home.context("desktop-linux", "unix:///home/u/.docker/desktop/docker.sock", "7b5f1c0a");
        home.context("colima", "unix:///home/u/.colima/default/docker.sock", "f24fd3749c");
        home.current_context("colima");
        let found = candidates(&home.env()).expect("a local context");
        assert_eq!(found.addresses, ["unix:///home/u/.colima/default/docker.sock"]);
        let Source::Context { name, from } = &found.source else { panic!("{found:?}") };
        assert_eq!(name, "colima");
        assert!(from.ends_with(".docker/config.json"), "{from}");
    }

    #[test]
    fn docker_host_wins_over_docker_context_which_wins_over_the_config_file() {
        let home = FakeHome::new();
        home.context("colima", "unix:///c.sock", "a1");
        home.context("orbstack", "unix:///o.sock", "b2");
        home.current_context("colima");
        let mut env = home.env();
        env.docker_context = Some("orbstack".into());
        let found = candidates(&env).expect("found");
        assert_eq!(found.addresses, ["unix:///o.sock"]);
        assert_eq!(found.source, Source::Context { name: "orbstack".into(), from: "from DOCKER_CONTEXT".into() });
        env.docker_host = Some("unix:///h.sock".into());
        assert_eq!(
            candidates(&env).expect("found"),
            Candidates { addresses: vec!["unix:///h.sock".into()], source: Source::DockerHost }
        );
    }

    #[test]
    fn the_default_context_or_none_means_the_known_sockets_including_each_colima_profile() {
        let home = FakeHome::new();
        home.current_context("default");
        let work = home.socket(".colima/work/docker.sock");
        let found = candidates(&home.env()).expect("found");
        assert_eq!(found.source, Source::KnownSockets);
        let at = |suffix: &str| {
            found.addresses.iter().position(|a| a.ends_with(suffix)).unwrap_or_else(|| panic!("no {suffix}: {found:?}"))
        };
        assert_eq!(found.addresses[0], "unix:///var/run/docker.sock");
        assert!(at("run/docker.sock") < at(".docker/desktop/docker.sock"), "rootless before Desktop");
        assert!(at(".colima/default/docker.sock") < at(".colima/work/docker.sock"));
        assert!(found.addresses.contains(&work));
        for other in [".orbstack/run/docker.sock", ".rd/docker.sock", "run/podman/podman.sock"] {
            at(other);
        }
    }

    #[test]
    fn a_missing_context_names_itself_and_where_it_was_chosen() {
        let home = FakeHome::new();
        home.current_context("gone");
        let err = candidates(&home.env()).expect_err("no such context");
        let text = err.to_string();
        assert!(text.contains("context `gone` (current in") && text.contains("docker context ls"), "{text}");
    }

    #[test]
    fn an_engine_on_another_machine_is_refused_with_the_reason_and_the_way_out() {
        let home = FakeHome::new();
        home.context("prod", "ssh://deploy@db-host", "c3");
        home.current_context("prod");
        let err = candidates(&home.env()).expect_err("remote");
        assert!(matches!(err, EngineError::Remote { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.contains("ssh://deploy@db-host") && text.contains("another machine"), "{text}");
        assert!(text.contains("docker context use default"), "{text}");
        let mut env = home.env();
        env.docker_host = Some("tcp://192.0.2.7:2376".into());
        let text = candidates(&env).expect_err("remote").to_string();
        assert!(text.contains("from DOCKER_HOST") && text.contains("Unset DOCKER_HOST"), "{text}");
        env.docker_host = Some("tcp://127.0.0.1:2375".into());
        assert!(candidates(&env).is_ok(), "a local TCP port is this machine");
    }

    #[test]
    fn remote_means_another_host_over_tcp_or_any_ssh() {
        for local in ["unix:///var/run/docker.sock", "/run/x.sock", "tcp://localhost:2375", "tcp://127.0.0.1:1", "tcp://[::1]:2375", "http://0.0.0.0:2375"] {
            assert!(!is_remote(local), "{local}");
        }
        for remote in ["tcp://10.0.0.5:2376", "tcp://docker.example:2376", "ssh://me@box", "https://[2001:db8::1]:2376"] {
            assert!(is_remote(remote), "{remote}");
        }
    }

    #[test]
    fn when_a_context_does_not_answer_the_message_names_it() {
        let err = NoEngine {
            tried: vec![("unix:///u/.colima/work/docker.sock".into(), "connection refused".into())],
            source: Source::Context { name: "work".into(), from: "current in /u/.docker/config.json".into() },
        };
        let text = err.to_string();
        assert!(text.contains("tried unix:///u/.colima/work/docker.sock (connection refused), from the docker context `work`"), "{text}");
        assert!(text.contains("docker context use default"), "{text}");
    }
}
