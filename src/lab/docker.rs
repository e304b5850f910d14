//! Finding and connecting to a Docker engine (Docker DockerEngine, Docker Desktop, colima, Podman).
//!
//! bollard alone honours `DOCKER_HOST` only for `unix://` and never looks at the per-user sockets
//! of Docker Desktop, colima or Podman, so the candidates are listed here and tried together.

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

/// No engine answered: what was tried, and why each failed.
#[derive(Debug, Clone, PartialEq)]
pub struct NoEngine {
    /// `(address, reason)` in the order tried.
    pub tried: Vec<(String, String)>,
    /// Whether the addresses came from `DOCKER_HOST`.
    pub from_env: bool,
}

impl std::fmt::Display for NoEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tried: Vec<String> =
            self.tried.iter().map(|(addr, why)| format!("{addr} ({why})")).collect();
        write!(f, "no Docker engine answered; tried {}. ", tried.join(", "))?;
        if self.tried.iter().any(|(_, why)| why.contains("permission denied")) {
            write!(
                f,
                "Give your user access to the socket (e.g. `sudo usermod -aG docker $USER`, then log in again)"
            )
        } else if self.from_env {
            write!(
                f,
                "Start the engine DOCKER_HOST names, or unset DOCKER_HOST to use the local one (started by Docker Desktop, `colima start` or `sudo systemctl start docker`)"
            )
        } else {
            write!(
                f,
                "Start Docker (open Docker Desktop, run `colima start`, or `sudo systemctl start docker`) and try again, or set DOCKER_HOST"
            )
        }
    }
}

impl std::error::Error for NoEngine {}

/// The addresses to try, best first: `DOCKER_HOST` alone when set, else the usual sockets.
pub fn candidates() -> (Vec<String>, bool) {
    if let Some(host) = std::env::var("DOCKER_HOST").ok().filter(|h| !h.is_empty()) {
        return (vec![host], true);
    }
    let mut sockets = vec![PathBuf::from("/var/run/docker.sock")];
    if let Some(home) = dirs::home_dir() {
        sockets.push(home.join(".docker/run/docker.sock"));
        sockets.push(home.join(".docker/desktop/docker.sock"));
        sockets.push(home.join(".colima/default/docker.sock"));
    }
    if let Some(runtime) = std::env::var_os("XDG_RUNTIME_DIR") {
        sockets.push(PathBuf::from(runtime).join("podman/podman.sock"));
    }
    sockets.push(PathBuf::from("/run/podman/podman.sock"));
    (sockets.iter().map(|s| format!("unix://{}", s.display())).collect(), false)
}

/// Connects to the first candidate that answers, negotiating the API version (an older engine
/// rejects bollard's default version).
pub async fn connect() -> Result<DockerEngine, NoEngine> {
    let (addresses, from_env) = candidates();
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
    Err(NoEngine { tried, from_env })
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
            from_env: false,
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
            from_env: false,
        };
        assert!(err.to_string().contains("usermod"), "{err}");
    }
}
