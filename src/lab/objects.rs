//! The lab's Docker objects: network, data volumes, containers, and their logs.
//!
//! Lookups go by name; removals go by label only, so nothing the lab did not create is touched.

use std::collections::HashMap;
use std::time::Duration;

use bollard::errors::Error as DockerError;
use bollard::models::{
    ContainerCreateBody, ContainerInspectResponse, ContainerSummary, Volume, EndpointSettings, HostConfig, Mount, MountType,
    NetworkConnectRequest, NetworkCreateRequest, NetworkDisconnectRequest, NetworkingConfig,
    PortBinding, VolumeCreateRequest,
};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, KillContainerOptionsBuilder, ListContainersOptionsBuilder, ListNetworksOptionsBuilder,
    ListVolumesOptionsBuilder, LogsOptionsBuilder, RemoveContainerOptionsBuilder,
    RestartContainerOptionsBuilder, StopContainerOptionsBuilder, WaitContainerOptionsBuilder,
};
use futures_util::future::{BoxFuture, Shared, join_all};
use futures_util::{FutureExt, StreamExt};

use crate::lab::names::ENGINE_LABEL;
use crate::lab::seeded::Seeded;
use crate::lab::{HOST, ImageChoice, Lab, LabEvent, OnEvent, first_error, ports, secret, supervise, tls};
use crate::lab::docker::{is_ambiguous, is_conflict, is_not_found};
use crate::dialect::engine::Engine;
use crate::course::spec::ServerSpec;

/// The server's port inside its container.
pub(super) const SQL_PORT: &str = "3306/tcp";
/// Where the image keeps its data.
pub(super) const DATA_DIR: &str = "/var/lib/mysql";
/// The folder the image reads extra config files from (the learner's folder is mounted here).
pub const CONFIG_DIR: &str = "/etc/mysql/conf.d";
/// The lab network being made: a container can be created, and its files copied in, before
/// its network exists; only its start waits for it.
pub(super) type NetworkMade<'a> = Shared<BoxFuture<'a, Result<(), String>>>;

/// What every server one `up` makes shares: the engine, the image chosen once for all, the
/// root password, and the network being made.
pub(super) struct Making<'a, 'n> {
    pub engine: Engine,
    pub image: &'a ImageChoice,
    pub password: &'a str,
    pub network: &'a NetworkMade<'n>,
}

/// A network known to be there.
pub(super) fn network_there() -> NetworkMade<'static> {
    futures_util::future::ready(Ok(())).boxed().shared()
}

/// Waits until the network is made.
pub(super) async fn network_made(network: &NetworkMade<'_>) -> anyhow::Result<()> {
    network.clone().await.map_err(anyhow::Error::msg)
}

/// Seconds a server gets to shut down cleanly before it is killed: a small lab's server
/// stops well within this, and a restart must feel instant.
const STOP_SECONDS: i32 = 2;

impl Lab {
    /// A server's container, if it exists (labelled or not: the caller decides).
    pub(super) async fn inspect(
        &self,
        server: &str,
    ) -> anyhow::Result<Option<ContainerInspectResponse>> {
        let name = self.names.container(server);
        match self.docker.inspect_container(&name, None).await {
            Ok(c) => Ok(Some(c)),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(anyhow::anyhow!("cannot look up the container {name}: {e}")),
        }
    }

    /// The engine the lab's containers and data volumes were made for, from their labels;
    /// `None` when the lab has none (or only unlabelled ones from an older version).
    pub(super) async fn labelled_engine(&self) -> anyhow::Result<Option<Engine>> {
        let (containers, volumes) = (self.labelled_containers().await?, self.labelled_volumes().await?);
        let labels = containers
            .iter()
            .filter_map(|c| c.labels.as_ref())
            .chain(volumes.iter().map(|v| &v.labels));
        Ok(labels.filter_map(|l| Engine::from_tag(l.get(ENGINE_LABEL)?)).next())
    }

    /// Every container carrying the lab's label, running or not.
    async fn labelled_containers(&self) -> anyhow::Result<Vec<ContainerSummary>> {
        let options =
            ListContainersOptionsBuilder::default().all(true).filters(&self.names.filter()).build();
        let listed = self
            .docker
            .list_containers(Some(options))
            .await
            .map_err(|e| anyhow::anyhow!("cannot list the lab's containers: {e}"))?;
        Ok(listed.into_iter().filter(|c| self.names.owns(c.labels.as_ref())).collect())
    }

    /// Every volume carrying the lab's label.
    async fn labelled_volumes(&self) -> anyhow::Result<Vec<Volume>> {
        let options = ListVolumesOptionsBuilder::default().filters(&self.names.filter()).build();
        let volumes = self
            .docker
            .list_volumes(Some(options))
            .await
            .map_err(|e| anyhow::anyhow!("cannot list the lab's volumes: {e}"))?;
        let volumes = volumes.volumes.unwrap_or_default().into_iter();
        Ok(volumes.filter(|v| self.names.owns(Some(&v.labels))).collect())
    }

    /// [`Lab::ensure_network`], to be awaited by the starts that need it.
    pub(super) fn make_network(&self) -> NetworkMade<'_> {
        async { self.ensure_network().await.map_err(|e| format!("{e:#}")) }.boxed().shared()
    }

    /// Creates the lab's network unless it exists (refusing one the lab did not create).
    pub(super) async fn ensure_network(&self) -> anyhow::Result<()> {
        let name = self.names.network();
        match self.docker.inspect_network(&name, None).await {
            Ok(n) if self.names.owns(n.labels.as_ref()) => return Ok(()),
            Ok(_) => anyhow::bail!(
                "a network named {name} exists that this lab did not create; remove it, or set SQLCOURSE_LAB_NAME to use another name"
            ),
            Err(e) if is_not_found(&e) => {}
            Err(e) if is_ambiguous(&e.to_string()) => return self.one_network().await,
            Err(e) => anyhow::bail!("cannot look up the network {name}: {e}"),
        }
        let request = NetworkCreateRequest {
            name: name.clone(),
            driver: Some("bridge".to_owned()),
            labels: Some(self.names.labels()),
            ..Default::default()
        };
        // A twin made by a crossing creation is mended when a lookup or a start meets it, so
        // that the usual `up` does not wait on a list of networks.
        match self.docker.create_network(request).await {
            Ok(_) => Ok(()),
            // Another `up` made it meanwhile.
            Err(e) if is_conflict(&e) => Ok(()),
            Err(e) => Err(anyhow::anyhow!("cannot create the network {name}: {e}")),
        }
    }

    /// Docker makes a second network of the same name when two creations cross (an `up`
    /// killed while its request was under way, then the next `up`), and then starts no
    /// container on that name. Keeps one of the lab's, the one a container is on or else the
    /// oldest, and removes the others.
    pub(super) async fn one_network(&self) -> anyhow::Result<()> {
        let name = self.names.network();
        let mut filters = self.names.filter();
        filters.insert("name".to_owned(), vec![name.clone()]);
        let options = ListNetworksOptionsBuilder::default().filters(&filters).build();
        let listed = self
            .docker
            .list_networks(Some(options))
            .await
            .map_err(|e| anyhow::anyhow!("cannot list the lab's networks: {}", message(&e)))?;
        // The name filter matches parts of names too.
        let mut ours: Vec<_> = listed
            .into_iter()
            .filter(|n| n.name.as_deref() == Some(name.as_str()) && self.names.owns(n.labels.as_ref()))
            .filter_map(|n| Some((n.id?, n.created.unwrap_or_default())))
            .collect();
        if ours.len() < 2 {
            return Ok(());
        }
        let mut in_use = Vec::new();
        for (id, _) in &ours {
            let used = self.docker.inspect_network(id, None).await.ok().and_then(|n| n.containers);
            in_use.push(used.is_some_and(|c| !c.is_empty()));
        }
        let keep = in_use.iter().position(|&u| u).unwrap_or_else(|| {
            (0..ours.len()).min_by(|&a, &b| ours[a].1.cmp(&ours[b].1)).unwrap_or(0)
        });
        ours.swap_remove(keep);
        for (id, _) in ours {
            match self.docker.remove_network(&id).await {
                Err(e) if !is_not_found(&e) => {
                    anyhow::bail!("the lab has two networks named {name}; cannot remove {id}: {}", message(&e))
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Puts a server's container back on the lab network under its name, when it is not
    /// there (`docker network disconnect`, or connected again without its alias): off it,
    /// neither the other servers nor its published port reach it. Says what it did.
    pub(super) async fn reattach(
        &self,
        spec: &ServerSpec,
        progress: &OnEvent<'_>,
    ) -> anyhow::Result<()> {
        let Some(container) = self.inspect(&spec.name).await? else {
            return Ok(());
        };
        let network = self.names.network();
        if !self.owns(&container) || on_network(&container, &network, &spec.name) {
            return Ok(());
        }
        self.ensure_network().await?;
        let name = self.names.container(&spec.name);
        let attached = network_settings(&container, &network).is_some();
        if attached {
            // Attached without its alias: the alias is given only when connecting.
            let request = NetworkDisconnectRequest {
                container: name.clone(),
                force: Some(true),
            };
            match self.docker.disconnect_network(&network, request).await {
                Err(e) if !is_not_found(&e) => anyhow::bail!(
                    "cannot disconnect {name} from {network} to give it its name there: {}",
                    message(&e)
                ),
                _ => {}
            }
        }
        let request = NetworkConnectRequest {
            container: name.clone(),
            endpoint_config: Some(EndpointSettings {
                aliases: Some(vec![spec.name.clone()]),
                ..Default::default()
            }),
        };
        self.docker
            .connect_network(&network, request)
            .await
            .map_err(|e| anyhow::anyhow!("cannot connect {name} to {network}: {}", message(&e)))?;
        let what = if attached {
            "had lost its name on"
        } else {
            "was disconnected from"
        };
        progress(LabEvent::Recovered(format!(
            "the {server} {what} the lab network: it is connected again as `{server}`",
            server = spec.name
        )));
        Ok(())
    }

    /// Creates a server's volume and container and starts it; a port taken meanwhile is
    /// replaced by another free one.
    pub(super) async fn create_and_start(
        &self,
        spec: &ServerSpec,
        mut port: u16,
        making: &Making<'_, '_>,
        progress: &OnEvent<'_>,
    ) -> anyhow::Result<()> {
        let Making { engine, image, password, network } = *making;
        let seeded = self.choose_seeded(image, engine, progress).await;
        let image = self.choose_image(image, engine, progress).await?;
        self.ensure_volume(&spec.name, engine).await?;
        let name = self.names.container(&spec.name);
        for attempt in 0..3 {
            progress(LabEvent::Creating(spec.name.clone()));
            if let Err(e) = self.create_container(spec, engine, image, seeded, port, password).await {
                // An engine that wants the network at creation gets it first, then a second try.
                if network.peek().is_some() {
                    return Err(e);
                }
                network_made(network).await?;
                self.create_container(spec, engine, image, seeded, port, password).await?;
            }
            network_made(network).await?;
            progress(LabEvent::Starting(spec.name.clone()));
            match self.start_container(&name).await {
                Ok(()) => return Ok(()),
                Err(e) if attempt < 2 && ports::is_port_taken(&e.to_string()) => {
                    self.remove_container(&name, false).await?;
                    port = self.choose_ports(&[None]).await?[0];
                }
                // A second network of the lab's name appeared after the first was checked.
                Err(e) if attempt < 2 && is_ambiguous(&e.to_string()) => self.one_network().await?,
                Err(e) => return Err(e),
            }
        }
        anyhow::bail!("cannot find a free port for the {}", spec.name)
    }

    /// The image the servers run, decided once for all of them, a failure too: a second
    /// pull would only wait again.
    pub(super) async fn choose_image<'a>(
        &self,
        image: &'a ImageChoice,
        engine: Engine,
        progress: &OnEvent<'_>,
    ) -> anyhow::Result<&'a String> {
        image
            .image
            .get_or_init(|| async {
                let ensured = async {
                    let spec = self.day.spec.engine(engine)?;
                    let chosen = self.choice.image.as_deref();
                    let engine = crate::lab::image::Engine {
                        docker: &self.docker,
                        address: &self.engine_address,
                    };
                    crate::lab::image::ensure(&engine, &self.day.content, spec, chosen, progress)
                        .await
                };
                ensured.await.map_err(|e| format!("{e:#}"))
            })
            .await
            .as_ref()
            .map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// The initialised data directory fresh servers copy, decided once for all of them
    /// (made now if missing); `None` when there is none to be had.
    pub(super) async fn choose_seeded<'a>(
        &self,
        choice: &'a ImageChoice,
        engine: Engine,
        progress: &OnEvent<'_>,
    ) -> Option<&'a Seeded> {
        choice
            .seeded
            .get_or_init(|| async {
                let image = self.choose_image(choice, engine, progress).await.ok()?;
                self.seeded(image, engine).await
            })
            .await
            .as_ref()
    }

    async fn ensure_volume(&self, server: &str, engine: Engine) -> anyhow::Result<()> {
        let name = self.names.volume(server);
        let request = VolumeCreateRequest {
            name: Some(name.clone()),
            labels: Some(self.names.server_labels(server, engine)),
            ..Default::default()
        };
        // Creating an existing volume returns it unchanged: check it is the lab's.
        let volume = self
            .docker
            .create_volume(request)
            .await
            .map_err(|e| anyhow::anyhow!("cannot create the volume {name}: {e}"))?;
        anyhow::ensure!(
            self.names.owns(Some(&volume.labels)),
            "a volume named {name} exists that this lab did not create; remove it, or set SQLCOURSE_LAB_NAME to use another name"
        );
        Ok(())
    }

    async fn create_container(
        &self,
        spec: &ServerSpec,
        engine: Engine,
        image: &str,
        seeded: Option<&Seeded>,
        port: u16,
        password: &str,
    ) -> anyhow::Result<()> {
        let password_env = &self.day.spec.engine(engine)?.password_env;
        let name = self.names.container(&spec.name);
        let config_dir = self
            .workspace
            .config_dir(&self.day, &spec.name)
            .ok_or_else(|| anyhow::anyhow!("the {} has no config file in lab.toml", spec.name))?;
        let network = self.names.network();
        let binding =
            PortBinding { host_ip: Some(HOST.to_owned()), host_port: Some(port.to_string()) };
        // Without the image's entrypoint there is nothing to supervise; Docker restarts it.
        let inner = match seeded {
            Some(seeded) => Some(seeded.entrypoint()),
            None => self.image_entrypoint(image).await,
        };
        let body = ContainerCreateBody {
            image: Some(image.to_owned()),
            hostname: Some(spec.name.clone()),
            // The password itself goes in a file copied in below, never in the configuration.
            env: Some(vec![secret::env(password_env)]),
            labels: Some(self.names.server_labels(&spec.name, engine)),
            entrypoint: inner.as_deref().map(supervise::entrypoint),
            cmd: Some(tls::server_args()),
            exposed_ports: Some(vec![SQL_PORT.to_owned()]),
            host_config: Some(HostConfig {
                port_bindings: Some(HashMap::from([(SQL_PORT.to_owned(), Some(vec![binding]))])),
                mounts: Some(vec![
                    Mount {
                        typ: Some(MountType::VOLUME),
                        source: Some(self.names.volume(&spec.name)),
                        target: Some(DATA_DIR.to_owned()),
                        ..Default::default()
                    },
                    Mount {
                        typ: Some(MountType::BIND),
                        source: Some(config_dir.display().to_string()),
                        target: Some(CONFIG_DIR.to_owned()),
                        read_only: Some(true),
                        ..Default::default()
                    },
                ]
                .into_iter()
                .chain(seeded.map(Seeded::mount))
                .collect()),
                network_mode: Some(network.clone()),
                ..Default::default()
            }),
            networking_config: Some(NetworkingConfig {
                endpoints_config: Some(HashMap::from([(
                    network,
                    EndpointSettings {
                        aliases: Some(vec![spec.name.clone()]),
                        ..Default::default()
                    },
                )])),
            }),
            ..Default::default()
        };
        let options = CreateContainerOptionsBuilder::default().name(&name).build();
        match self.docker.create_container(Some(options), body).await {
            Ok(_) => {}
            // An interrupted run's request still completed after this one looked: use it. Docker
            // holds the name a moment before the container can be inspected, so look again.
            Err(e) if is_conflict(&e) => {
                let mut found = self.inspect(&spec.name).await?;
                for _ in 0..30 {
                    if found.is_some() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    found = self.inspect(&spec.name).await?;
                }
                anyhow::ensure!(found.is_some_and(|c| self.owns(&c)), "{}", self.not_ours(&name));
            }
            Err(e) => anyhow::bail!("cannot create the container {name}: {}", message(&e)),
        }
        self.install_files(spec, password).await
    }

    /// Copies a fresh TLS certificate and the root password's files into a server's
    /// container (before it starts).
    pub(super) async fn install_files(&self, spec: &ServerSpec, password: &str) -> anyhow::Result<()> {
        let name = self.names.container(&spec.name);
        let mut files = tls::files(&spec.name)?;
        files.extend(secret::files(password));
        self.upload(&name, &files).await
    }

    pub(super) async fn start_container(&self, name: &str) -> anyhow::Result<()> {
        match self.docker.start_container(name, None).await {
            Ok(()) => Ok(()),
            Err(e) if is_conflict(&e) => Ok(()),
            Err(e) => Err(anyhow::anyhow!("cannot start the container {name}: {}", message(&e))),
        }
    }

    pub(super) async fn restart_container(&self, name: &str) -> anyhow::Result<()> {
        let options = RestartContainerOptionsBuilder::default().t(STOP_SECONDS).build();
        self.docker
            .restart_container(name, Some(options))
            .await
            .map_err(|e| anyhow::anyhow!("cannot restart the container {name}: {}", message(&e)))
    }

    /// Sends a signal to a container's first process (a supervised server's supervisor).
    pub(super) async fn signal(&self, name: &str, signal: &str) -> anyhow::Result<()> {
        let options = KillContainerOptionsBuilder::default().signal(signal).build();
        self.docker
            .kill_container(name, Some(options))
            .await
            .map_err(|e| anyhow::anyhow!("cannot signal the container {name}: {}", message(&e)))
    }

    /// Kills a container at once (SIGKILL, no clean shutdown), like a power cut; its data
    /// volume stays as the server left it.
    pub(super) async fn kill_container(&self, name: &str) -> anyhow::Result<()> {
        self.docker
            .kill_container(name, None::<bollard::query_parameters::KillContainerOptions>)
            .await
            .map_err(|e| anyhow::anyhow!("cannot kill the container {name}: {}", message(&e)))
    }

    /// Removes one of the lab's containers (its volume stays); `graceful` lets the server
    /// shut down cleanly first.
    pub(super) async fn remove_container(&self, name: &str, graceful: bool) -> anyhow::Result<()> {
        if graceful {
            let options = StopContainerOptionsBuilder::default().t(STOP_SECONDS).build();
            match self.docker.stop_container(name, Some(options)).await {
                Err(e) if !is_not_found(&e) && !is_conflict(&e) => {
                    anyhow::bail!("cannot stop the container {name}: {}", message(&e))
                }
                _ => {}
            }
        }
        // Anonymous volumes (an image's VOLUME not covered by the lab's mounts) go with it.
        let options = RemoveContainerOptionsBuilder::default().force(true).v(true).build();
        match self.docker.remove_container(name, Some(options)).await {
            Ok(()) => Ok(()),
            Err(e) if is_not_found(&e) => Ok(()),
            // Removal already in progress (another process): wait until it is gone.
            Err(e) if is_conflict(&e) => self.until_gone(name).await,
            Err(e) => Err(anyhow::anyhow!("cannot remove the container {name}: {}", message(&e))),
        }
    }

    async fn until_gone(&self, name: &str) -> anyhow::Result<()> {
        for _ in 0..200 {
            match self.docker.inspect_container(name, None).await {
                Err(e) if is_not_found(&e) => return Ok(()),
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        anyhow::bail!("the container {name} is still being removed; try again in a moment")
    }

    /// Removes every container carrying the lab's label.
    pub(super) async fn remove_containers(&self, graceful: bool) -> anyhow::Result<()> {
        let ids = self.labelled_containers().await?.into_iter().filter_map(|c| c.id);
        first_error(
            join_all(ids.map(|id| async move { self.remove_container(&id, graceful).await })).await,
        )
    }

    /// Removes every network carrying the lab's label.
    pub(super) async fn remove_networks(&self) -> anyhow::Result<()> {
        let options = ListNetworksOptionsBuilder::default().filters(&self.names.filter()).build();
        let networks = self
            .docker
            .list_networks(Some(options))
            .await
            .map_err(|e| anyhow::anyhow!("cannot list the lab's networks: {e}"))?;
        let ours = networks.into_iter().filter(|n| self.names.owns(n.labels.as_ref()));
        for id in ours.filter_map(|n| n.id) {
            match self.docker.remove_network(&id).await {
                Err(e) if !is_not_found(&e) => {
                    anyhow::bail!("cannot remove the lab's network: {}", message(&e))
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Removes every volume carrying the lab's label (the learner's data).
    pub(super) async fn remove_volumes(&self) -> anyhow::Result<()> {
        for volume in self.labelled_volumes().await? {
            match self
                .docker
                .remove_volume(&volume.name, None::<bollard::query_parameters::RemoveVolumeOptions>)
                .await
            {
                Err(e) if !is_not_found(&e) => {
                    anyhow::bail!("cannot remove the volume {}: {}", volume.name, message(&e))
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Resolves when the container stops running, with its exit code; never resolves if
    /// Docker cannot tell (the readiness limit then decides).
    pub(super) async fn exit_code(&self, name: &str) -> i64 {
        let options = WaitContainerOptionsBuilder::default().condition("not-running").build();
        match self.docker.wait_container(name, Some(options)).next().await {
            Some(Ok(response)) => response.status_code,
            Some(Err(DockerError::DockerContainerWaitError { code, .. })) => code,
            _ => std::future::pending().await,
        }
    }

    /// The container's log lines printed since `since` (Docker's RFC 3339 time), at most
    /// `limit` of the latest.
    pub(super) async fn logs_since(
        &self,
        name: &str,
        since: Option<&str>,
        limit: usize,
    ) -> anyhow::Result<Vec<String>> {
        let options = LogsOptionsBuilder::default()
            .stdout(true)
            .stderr(true)
            .timestamps(true)
            .tail(&limit.to_string())
            .build();
        let mut stream = self.docker.logs(name, Some(options));
        let mut text = String::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| anyhow::anyhow!("cannot read the log of {name}: {e}"))?;
            text.push_str(&chunk.to_string());
        }
        let since = since.map(time_key);
        Ok(text
            .lines()
            .filter_map(|line| line.split_once(' '))
            .filter(|(stamp, _)| since.as_ref().is_none_or(|s| time_key(stamp) >= *s))
            .map(|(_, message)| message.trim_end().to_owned())
            .collect())
    }
}

/// The published host port of a container (configured, so known even while it is stopped).
pub(super) fn host_port(container: &ContainerInspectResponse) -> Option<u16> {
    let bindings = container.host_config.as_ref()?.port_bindings.as_ref()?;
    let binding = bindings.get(SQL_PORT)?.as_ref()?.first()?;
    binding.host_port.as_ref()?.parse().ok()
}

/// The engine a container was made for, from its label.
pub(super) fn engine_label(container: &ContainerInspectResponse) -> Option<Engine> {
    let labels = container.config.as_ref()?.labels.as_ref()?;
    Engine::from_tag(labels.get(ENGINE_LABEL)?)
}

/// The container's address on a network, while it runs.
pub(super) fn network_ip(container: &ContainerInspectResponse, network: &str) -> Option<String> {
    network_settings(container, network)?.ip_address.clone().filter(|ip| !ip.is_empty())
}

/// Whether the container is on the network under the name the other servers know it by
/// (known for a stopped container too: its networks are part of its configuration).
pub(super) fn on_network(container: &ContainerInspectResponse, network: &str, alias: &str) -> bool {
    network_settings(container, network)
        .and_then(|s| s.aliases.as_ref())
        .is_some_and(|aliases| aliases.iter().any(|a| a == alias))
}

fn network_settings<'a>(
    container: &'a ContainerInspectResponse,
    network: &str,
) -> Option<&'a EndpointSettings> {
    container.network_settings.as_ref()?.networks.as_ref()?.get(network)
}

/// When the container last started (RFC 3339).
pub(super) fn started_at(container: &ContainerInspectResponse) -> Option<String> {
    container.state.as_ref()?.started_at.clone()
}

/// Docker writes times with trimmed (`StartedAt`) or fixed (logs) fractions: pad them to
/// nanoseconds so they compare as text.
fn time_key(stamp: &str) -> String {
    let stamp = stamp.trim_end_matches('Z');
    let (seconds, fraction) = stamp.split_once('.').unwrap_or((stamp, ""));
    format!("{seconds}.{fraction:0<9}")
}

/// The engine's own words for an error.
fn message(err: &DockerError) -> String {
    match err {
        DockerError::DockerResponseServerError { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::time_key;

    #[test]
    fn trimmed_and_fixed_fractions_compare_in_time_order() {
        assert!(time_key("2025-11-25T14:00:01.5Z") > time_key("2025-11-25T14:00:01.123456789Z"));
        assert!(time_key("2025-11-25T14:00:01Z") < time_key("2025-11-25T14:00:01.000000001Z"));
        assert_eq!(time_key("2025-11-25T14:00:01.1Z"), time_key("2025-11-25T14:00:01.100000000Z"));
    }
}
