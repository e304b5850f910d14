//! Restarting a server inside its container. A `docker restart` tears down and sets up the
//! container's network and mounts around the server, which costs more than the server's own
//! stop and start; so each server's container runs a small supervisor as its first process,
//! which starts the image's entrypoint and, on SIGHUP, stops the server cleanly and starts it
//! again; on SIGUSR1 it empties the data directory in between, which makes a fresh server
//! (reset) in the container that is already there. Every other signal behaves as before:
//! `docker stop` (SIGTERM) stops the server cleanly and ends the container, `docker kill`
//! (SIGKILL) is still a power cut, and a server that exits by itself (a bad config) ends the
//! container with its exit code.

use std::time::{Duration, Instant};

use bollard::models::ContainerInspectResponse;
use futures_util::future::join_all;

use crate::dialect::engine::Engine;
use crate::lab::objects::{self, DATA_DIR};
use crate::lab::{Lab, LabEvent, OnEvent, ServerInfo, first_error, root_endpoint};

/// The supervisor's name in the process table, which also tells a supervised container from
/// one made before servers were supervised (those are restarted by Docker).
const NAME: &str = "sqlcourse-supervise";

/// Written to the container's log before each restart inside it, so that the log of the
/// current start is what follows the last marker.
pub(super) const MARKER: &str = "sqlcourse: restarting the server in its container";

/// How long the old server may take to shut down before the inside way is given up.
const SHUTDOWN_LIMIT: Duration = Duration::from_secs(10);

/// What the supervisor makes of its server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Renewal {
    /// Stop it cleanly and start it again on its data.
    Restart,
    /// Stop it, empty its data directory, and start a fresh server.
    Fresh,
}

impl Renewal {
    pub(super) fn signal(self) -> &'static str {
        match self {
            Renewal::Restart => "SIGHUP",
            Renewal::Fresh => "SIGUSR1",
        }
    }
}

/// The container's entrypoint: the supervisor, running `inner` (the image's entrypoint, or
/// the seeded copy's wrapper around it) with the container's command as its arguments.
/// Bash is there in every server image (the official entrypoints are Bash scripts); as the
/// first process it only receives the signals it traps, hence the traps for all three.
pub(super) fn entrypoint(inner: &[String]) -> Vec<String> {
    let script = format!(
        r#"then= child=
trap 'then=restart; kill -TERM "$child" 2>/dev/null' HUP
trap 'then=fresh; kill -TERM "$child" 2>/dev/null' USR1
trap 'then=; kill -TERM "$child" 2>/dev/null' TERM INT
while :; do
  "$@" & child=$!
  while :; do
    wait "$child"; code=$?
    kill -0 "$child" 2>/dev/null || break
  done
  case "$then" in
    restart) ;;
    fresh) find {DATA_DIR} -mindepth 1 -delete ;;
    *) exit "$code" ;;
  esac
  then=
  echo '{MARKER}' >&2
done"#
    );
    let mut words = vec!["bash".to_owned(), "-c".to_owned(), script, NAME.to_owned()];
    words.extend(inner.iter().cloned());
    words
}

/// Whether the container runs the supervisor, so that SIGHUP restarts its server.
pub(super) fn is_supervised(container: &ContainerInspectResponse) -> bool {
    let entrypoint = container.config.as_ref().and_then(|c| c.entrypoint.as_ref());
    entrypoint.is_some_and(|words| words.get(3).is_some_and(|w| w == NAME))
}

/// The part of a container's log written since its server last started.
pub(super) fn current_start(log: Vec<String>) -> Vec<String> {
    match log.iter().rposition(|line| line.contains(MARKER)) {
        Some(at) => log[at + 1..].to_vec(),
        None => log,
    }
}

impl Lab {
    /// Restarts a running server inside its container, or makes it a fresh one there, and
    /// returns once the old server has shut down; `false`, with nothing done, when that
    /// cannot be done: an older container, a stopped one, or a server that does not answer.
    pub(super) async fn renew_inside(
        &self,
        name: &str,
        container: &ContainerInspectResponse,
        password: &str,
        renewal: Renewal,
    ) -> anyhow::Result<bool> {
        let running = container.state.as_ref().and_then(|s| s.running).unwrap_or(false);
        let Some(port) = objects::host_port(container) else { return Ok(false) };
        if !running || !is_supervised(container) {
            return Ok(false);
        }
        let endpoint = root_endpoint(port, password);
        // A connection held across the signal tells when the old server is gone: it closes
        // its connections as it stops listening, so the next login reaches the new one.
        let Ok(Ok(mut held)) = tokio::task::spawn_blocking(move || endpoint.connect()).await else {
            return Ok(false);
        };
        self.signal(name, renewal.signal()).await?;
        let gone = tokio::task::spawn_blocking(move || {
            let start = Instant::now();
            while held.ping().is_ok() {
                if start.elapsed() > SHUTDOWN_LIMIT {
                    return false;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            true
        })
        .await?;
        // A server that will not stop is left to Docker, which kills it after its grace time.
        Ok(gone)
    }

    /// Resets the lab in the containers it has: new starting files and root password, and
    /// every server made fresh inside its container, on the ports it had. `None`, before
    /// anything is changed, when the lab is not whole and running as supervised servers of
    /// `engine` on the image it would be made with; the caller then makes it anew.
    pub(super) async fn reset_inside(
        &self,
        engine: Engine,
        progress: &OnEvent<'_>,
    ) -> anyhow::Result<Option<Vec<ServerInfo>>> {
        // An image chosen by name: the servers must run that one (by default, the lab's).
        let chosen = self.choice.image.as_deref();
        let on_image = |c: &ContainerInspectResponse| {
            chosen.is_none_or(|image| c.config.as_ref().and_then(|c| c.image.as_deref()) == Some(image))
        };
        let specs = &self.day.spec.servers;
        let found = join_all(specs.iter().map(|s| self.inspect(&s.name))).await;
        let network = self.names.network();
        let mut containers = Vec::new();
        for container in found {
            match container? {
                Some(c)
                    if self.owns(&c)
                        && is_supervised(&c)
                        && on_image(&c)
                        && objects::engine_label(&c) == Some(engine)
                        && objects::network_ip(&c, &network).is_some() =>
                {
                    containers.push(c)
                }
                _ => return Ok(None),
            }
        }
        let old = self.password_and_files(progress).await?;
        let answering = join_all(containers.iter().map(|c| async {
            let port = objects::host_port(c)?;
            root_endpoint(port, &old).run(|conn| conn.ping()).await.ok()
        }))
        .await;
        if answering.iter().any(Option::is_none) {
            return Ok(None);
        }
        self.workspace.start_afresh(&self.day)?;
        let password = self.workspace.root_password()?;
        self.prepare_workspace()?;
        let (old, password) = (&old, &password);
        let renewed = join_all(specs.iter().zip(&containers).map(|(spec, container)| async move {
            let name = self.names.container(&spec.name);
            self.install_files(spec, password).await?;
            progress(LabEvent::Starting(spec.name.clone()));
            self.renew_inside(&name, container, old, Renewal::Fresh).await
        }))
        .await;
        if !renewed.iter().all(|r| matches!(r, Ok(true))) {
            // Whatever was started stays to be removed by the caller's way.
            return Ok(None);
        }
        let results =
            join_all(specs.iter().map(|spec| self.until_ready(spec, engine, password, progress))).await;
        first_error(results)?;
        let servers = self.servers().await?;
        self.follow_ports(&servers, progress)?;
        Ok(Some(servers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bollard::models::ContainerConfig;

    #[test]
    fn the_supervisor_runs_the_inner_entrypoint_with_the_command() {
        let words = entrypoint(&["docker-entrypoint.sh".to_owned()]);
        assert_eq!(words[0], "bash");
        assert_eq!(words[3], NAME);
        assert_eq!(words[4], "docker-entrypoint.sh");
        let supervised = ContainerInspectResponse {
            config: Some(ContainerConfig { entrypoint: Some(words), ..Default::default() }),
            ..Default::default()
        };
        assert!(is_supervised(&supervised));
        let older = ContainerInspectResponse {
            config: Some(ContainerConfig {
                entrypoint: Some(vec!["docker-entrypoint.sh".to_owned()]),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert!(!is_supervised(&older));
        assert!(!is_supervised(&ContainerInspectResponse::default()));
    }

    #[test]
    fn the_log_of_the_current_start_follows_the_last_marker() {
        let log = ["first start", MARKER, "second start", MARKER, "unknown variable 'foo-bar=1'"]
            .map(String::from)
            .to_vec();
        assert_eq!(current_start(log), ["unknown variable 'foo-bar=1'"]);
        let never_restarted = vec!["only start".to_owned()];
        assert_eq!(current_start(never_restarted.clone()), never_restarted);
    }
}
