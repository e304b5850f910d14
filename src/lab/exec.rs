//! Commands run inside a lab container: reading back what only the container knows.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

use bollard::exec::{CreateExecOptions, StartExecOptions, StartExecResults};
use futures_util::StreamExt;
use futures_util::future::join_all;

use crate::lab::{Lab, ServerInfo};

/// How long a container may take to say what an address is called.
const RESOLVE_LIMIT: Duration = Duration::from_secs(2);

impl Lab {
    /// What a command prints inside a container, trimmed; `None` when nothing.
    pub(super) async fn exec_output(
        &self,
        container: &str,
        command: &[&str],
    ) -> anyhow::Result<Option<String>> {
        let exec = self
            .docker
            .create_exec(
                container,
                CreateExecOptions {
                    cmd: Some(command.iter().map(|c| (*c).to_owned()).collect()),
                    attach_stdout: Some(true),
                    attach_stderr: Some(false),
                    ..Default::default()
                },
            )
            .await?;
        let started = self
            .docker
            .start_exec(&exec.id, Some(StartExecOptions::default()))
            .await?;
        let StartExecResults::Attached { mut output, .. } = started else {
            return Ok(None);
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = output.next().await {
            bytes.extend_from_slice(&chunk?.into_bytes());
        }
        let text = String::from_utf8_lossy(&bytes).trim().to_owned();
        Ok((!text.is_empty()).then_some(text))
    }

    /// Fills in the name each running server's address has for the other servers: a server
    /// that resolves client names (no skip-name-resolve) matches accounts against it, and on
    /// a Docker network it is `<container>.<network>`, not the server's alias. Asked inside
    /// another server's container, as that server's own resolver answers; remembered per
    /// container and address, since it changes only with them.
    pub async fn fill_host_names(&self, servers: &mut [ServerInfo]) {
        let running: Vec<String> = servers
            .iter()
            .filter(|s| s.state.is_running())
            .map(|s| s.container.clone())
            .collect();
        let names = join_all(
            servers
                .iter()
                .map(|server| self.host_name(server, &running)),
        )
        .await;
        for (server, name) in servers.iter_mut().zip(names) {
            server.host_name = name;
        }
    }

    /// The name of one server's address, as the first other running server resolves it.
    async fn host_name(&self, server: &ServerInfo, running: &[String]) -> Option<String> {
        let address = server.ip.as_deref()?.parse::<IpAddr>().ok()?;
        let resolver = running.iter().find(|c| **c != server.container)?;
        let key = (server.container.clone(), address);
        if let Some(known) = self
            .host_names
            .lock()
            .ok()
            .and_then(|names| names.get(&key).cloned())
        {
            return known;
        }
        // `getent hosts` prints "ADDRESS NAME [ALIASES]", and nothing when the address has no
        // name; an exec that fails is asked again next time.
        let address = address.to_string();
        let command = ["getent", "hosts", address.as_str()];
        let asked = self.exec_output(resolver, &command);
        // A container that is going away may leave an exec hanging: grading must go on.
        let said = tokio::time::timeout(RESOLVE_LIMIT, asked)
            .await
            .ok()?
            .ok()?;
        let name = said.and_then(|line| line.split_whitespace().nth(1).map(str::to_owned));
        if let Ok(mut names) = self.host_names.lock() {
            names.insert(key, name.clone());
        }
        name
    }
}

/// Names found for (container, address), `None` when the address has none.
pub(super) type HostNames = BTreeMap<(String, IpAddr), Option<String>>;
