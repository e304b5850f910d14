//! Where a lab's server answers: its container, found by name, and the port it publishes.

use anyhow::Context;
use bollard::Docker;
use bollard::errors::Error as DockerError;

/// Port the servers listen on inside their containers.
const SERVER_PORT: &str = "3306/tcp";

/// How to reach a server from this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
}

/// The lab instance's name: `SQLCOURSE_LAB_NAME`, else the day's slug.
pub fn lab_name(slug: &str) -> String {
    std::env::var("SQLCOURSE_LAB_NAME")
        .ok()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| slug.to_owned())
}

/// The container of a lab's server.
pub fn container_name(lab: &str, server: &str) -> String {
    format!("sqlcourse-{lab}-{server}")
}

/// Connects to the local Docker Engine at the API version it speaks.
pub async fn docker() -> anyhow::Result<Docker> {
    let docker = Docker::connect_with_local_defaults()
        .context("cannot reach Docker: is it installed and running?")?;
    docker.negotiate_version().await.context("cannot reach Docker: is it running?")
}

/// The host port a running container publishes for the server on 127.0.0.1; `None` when the
/// container does not exist or is not running.
pub async fn published_port(docker: &Docker, container: &str) -> anyhow::Result<Option<u16>> {
    let info = match docker.inspect_container(container, None).await {
        Ok(info) => info,
        Err(DockerError::DockerResponseServerError { status_code: 404, .. }) => return Ok(None),
        Err(e) => return Err(e).context(format!("cannot inspect container {container}")),
    };
    if !info.state.and_then(|s| s.running).unwrap_or(false) {
        return Ok(None);
    }
    let bindings = info
        .network_settings
        .and_then(|n| n.ports)
        .and_then(|mut ports| ports.remove(SERVER_PORT))
        .flatten()
        .unwrap_or_default();
    let port = bindings
        .iter()
        .filter(|b| b.host_ip.as_deref().is_some_and(|ip| ip == "127.0.0.1"))
        .find_map(|b| b.host_port.as_deref()?.parse().ok())
        .with_context(|| {
            format!("container {container} publishes no port for {SERVER_PORT} on 127.0.0.1")
        })?;
    Ok(Some(port))
}

/// Finds a lab's server as root, or says how to start the lab when it is not running.
pub async fn locate(
    docker: &Docker,
    slug: &str,
    server: &str,
    root_password: impl FnOnce() -> anyhow::Result<String>,
) -> anyhow::Result<Endpoint> {
    let container = container_name(&lab_name(slug), server);
    let port = published_port(docker, &container)
        .await?
        .with_context(|| format!("the lab is not running: start it with `sqlcourse {slug} up`"))?;
    Ok(Endpoint {
        host: "127.0.0.1".to_owned(),
        port,
        user: "root".to_owned(),
        password: root_password()?,
    })
}
