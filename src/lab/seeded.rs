//! A data directory initialised once, copied into every fresh server.
//!
//! A fresh server spends most of its first start initialising its data directory (the
//! official image even runs a temporary server for it), then the course loads the seed. That
//! work is the same for every lab on one image and seed, so it is done once: a container of
//! the image initialises a volume with a throwaway root password, gets the seed, and shuts
//! down cleanly. Its volume (`sqlcourse-seeded-<key>`) is kept, and its stopped container,
//! exited with 0, records that it is complete. A fresh server mounts that volume read-only
//! and, before anything else, copies it into its own empty data volume; the lab's root
//! password is then set by `--init-file` on that first start. The key covers the image, the
//! engine and the seed, so a new image or seed makes a new one.
//!
//! On a data directory that is initialised (copied, or restarted), the image's entrypoint
//! would only find that out and start the server, a dozen programs later: the server is
//! started directly, as the entrypoint would start it.
//!
//! Whenever the copy cannot be had (another process is making it, the making failed), the
//! server initialises its data directory itself, as the image does on its own.

use std::collections::HashMap;
use std::time::Duration;

use bollard::models::{ContainerCreateBody, HostConfig, Mount, MountType, PortBinding, VolumeCreateRequest};
use bollard::query_parameters::{CreateContainerOptionsBuilder, RemoveContainerOptionsBuilder};
use mysql::prelude::Queryable;

use crate::course::spec::SeedSpec;
use crate::dialect::engine::Engine;
use crate::lab::docker::{is_conflict, is_not_found};
use crate::lab::endpoint;
use crate::lab::objects::{DATA_DIR, SQL_PORT};
use crate::lab::{HOST, Lab, copied, root_endpoint, secret, setup};

/// The label of the kept volume and container; its value is the key.
const LABEL: &str = "io.sqlcourse.seeded";
/// Where a fresh server sees the initialised copy.
const MOUNT: &str = "/sqlcourse-seeded";
/// Written into the copy's volume once it is complete.
const COMPLETE: &str = ".sqlcourse-complete";
/// The folder of the copy's volume that holds the data directory, whose `mysql/` (what the
/// images take for an initialised directory) is kept as [`PENDING`] so it arrives last.
const DATA: &str = "data";
const PENDING: &str = ".sqlcourse-mysql";
/// Written to the server's log when its data directory was copied.
pub const COPIED: &str = "sqlcourse: the data directory is a copy of the initialised one";
/// How long making the copy may take.
const MAKE_LIMIT: Duration = Duration::from_secs(90);
/// Bumped when what the copy holds changes, so older copies are not used.
const FORMAT: &str = "4";

/// An initialised data directory ready to copy, and how the image starts its server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seeded {
    volume: String,
    image_entrypoint: Vec<String>,
    /// The image's server program (its command: `mariadbd`, `mysqld`), when it is one.
    server: Option<String>,
}

impl Seeded {
    /// The server's entrypoint: copy the data directory when its own is empty, with the
    /// statements that set the lab's password on that first start only; then, on an
    /// initialised directory, start the server as the image's entrypoint would (as root
    /// with `--user=mysql`, which both servers take, and without the password's variable),
    /// else run that entrypoint. `mysql/` moves in last, so a copy cut off is made again at
    /// the next start.
    pub fn entrypoint(&self) -> Vec<String> {
        let direct = match &self.server {
            Some(server) => format!(
                r#"
if [ -e "$d/mysql" ]; then
  [ -d /run/mysqld ] || {{ mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld; }} || exit 1
  unset MARIADB_ROOT_PASSWORD_FILE MYSQL_ROOT_PASSWORD_FILE
  shift {skip}
  exec {server} --user=mysql "$@"
fi"#,
                skip = self.image_entrypoint.len(),
            ),
            None => String::new(),
        };
        let script = format!(
            r#"d={DATA_DIR} s={MOUNT} sql={sql}
if [ ! -e "$d/mysql" ] && [ -e "$s/{COMPLETE}" ]; then
  cp -a --sparse=always "$s/{DATA}/." "$d/" &&
  mv "$d/{PENDING}" "$d/mysql" &&
  chown --reference="$d/mysql" "$sql" &&
  set -- "$@" --init-file="$sql" || exit 1
  echo '{COPIED}' >&2
fi{direct}
exec "$@""#,
            sql = secret::first_start_sql_path(),
        );
        let mut words = vec!["sh".to_owned(), "-c".to_owned(), script, "sqlcourse-start".to_owned()];
        words.extend(self.image_entrypoint.iter().cloned());
        words
    }

    /// The copy, mounted read-only.
    pub fn mount(&self) -> Mount {
        Mount {
            typ: Some(MountType::VOLUME),
            source: Some(self.volume.clone()),
            target: Some(MOUNT.to_owned()),
            read_only: Some(true),
            ..Default::default()
        }
    }
}

/// How a making ended when it did not fail.
enum Making {
    Made,
    /// Another process holds the name and makes the copy.
    Elsewhere,
}

/// The image as the copy needs it.
struct ImageFacts {
    id: String,
    entrypoint: Vec<String>,
    cmd: Vec<String>,
}

impl Lab {
    /// The initialised copy for this image and engine, made now when missing; `None` when it
    /// cannot be had (the server then initialises its own data directory).
    pub(super) async fn seeded(&self, image: &str, engine: Engine) -> Option<Seeded> {
        let facts = self.image_facts(image).await?;
        let seed = match &self.day.spec.seed {
            Some(seed) => Some((seed, self.day.content.lab_file(&self.day.spec.slug, &seed.sql).ok()?)),
            None => None,
        };
        let key = key(&facts.id, engine, seed.as_ref().map(|(s, sql)| (*s, sql.as_str())));
        let name = format!("sqlcourse-seeded-{key}");
        let server = facts.cmd.first().filter(|c| matches!(c.as_str(), "mariadbd" | "mysqld")).cloned();
        let seeded = Seeded { volume: name.clone(), image_entrypoint: facts.entrypoint.clone(), server };
        match self.docker.inspect_container(&name, None).await {
            Ok(c) => {
                let labelled = c.config.as_ref().and_then(|c| c.labels.as_ref()).and_then(|l| l.get(LABEL));
                if labelled != Some(&key) {
                    return None;
                }
                let state = c.state.as_ref();
                let running = state.and_then(|s| s.running).unwrap_or(false);
                let created = state.and_then(|s| s.status)
                    == Some(bollard::models::ContainerStateStatusEnum::CREATED);
                match state.and_then(|s| s.exit_code) {
                    Some(0) if !running && !created => {
                        let volume = self.docker.inspect_volume(&name).await.ok()?;
                        return (volume.labels.get(LABEL) == Some(&key)).then_some(seeded);
                    }
                    // Being made by another process right now: do not wait for it.
                    _ if running || created => return None,
                    // A making that failed or was cut off: make it again.
                    _ => self.remove_seeded(&name).await,
                }
            }
            Err(e) if is_not_found(&e) => {}
            Err(_) => return None,
        }
        let made = tokio::time::timeout(MAKE_LIMIT, self.make_seeded(&name, &key, image, engine, &facts, seed)).await;
        match made {
            Ok(Ok(Making::Made)) => Some(seeded),
            // Another process claimed the name first: its copy is its own to finish.
            Ok(Ok(Making::Elsewhere)) => None,
            _ => {
                self.remove_seeded(&name).await;
                None
            }
        }
    }

    /// The image's own entrypoint, which a server's supervisor runs.
    pub(super) async fn image_entrypoint(&self, image: &str) -> Option<Vec<String>> {
        self.image_facts(image).await.map(|facts| facts.entrypoint)
    }

    async fn image_facts(&self, image: &str) -> Option<ImageFacts> {
        let inspected = self.docker.inspect_image(image).await.ok()?;
        let config = inspected.config?;
        let entrypoint = config.entrypoint.filter(|e| !e.is_empty())?;
        Some(ImageFacts { id: inspected.id?, entrypoint, cmd: config.cmd.unwrap_or_default() })
    }

    /// Initialises the copy's volume in a container of the image, seeds it, and shuts the
    /// server down cleanly; the container stays, stopped, as the record of a complete copy.
    /// Creating that container claims the name, so only one process makes a copy.
    async fn make_seeded(
        &self,
        name: &str,
        key: &str,
        image: &str,
        engine: Engine,
        facts: &ImageFacts,
        seed: Option<(&SeedSpec, String)>,
    ) -> anyhow::Result<Making> {
        let labels = HashMap::from([(LABEL.to_owned(), key.to_owned())]);
        self.docker
            .create_volume(VolumeCreateRequest {
                name: Some(name.to_owned()),
                labels: Some(labels.clone()),
                ..Default::default()
            })
            .await?;
        let password_env = &self.day.spec.engine(engine)?.password_env;
        let port = self.choose_ports(&[None]).await?[0];
        let mut entrypoint = vec![
            "sh".to_owned(),
            "-c".to_owned(),
            // Once the server is down: the data directory goes into its folder (owned as the
            // directory itself is, since the copy gives a server's data directory the folder's
            // owner), `mysql/` under its waiting name, and `auto.cnf` (a MySQL server's UUID,
            // which each server must have alone) out.
            format!(
                r#""$@" && cd {DATA_DIR} && rm -f auto.cnf && mkdir {DATA} &&
chown --reference=. {DATA} && chmod --reference=. {DATA} &&
find . -mindepth 1 -maxdepth 1 ! -name {DATA} -exec mv -t {DATA} {{}} + &&
mv {DATA}/mysql {DATA}/{PENDING} && touch {COMPLETE}"#
            ),
            "sqlcourse-seeded".to_owned(),
        ];
        entrypoint.extend(facts.entrypoint.iter().cloned());
        let binding = PortBinding { host_ip: Some(HOST.to_owned()), host_port: Some(port.to_string()) };
        let body = ContainerCreateBody {
            image: Some(image.to_owned()),
            env: Some(vec![secret::env(password_env)]),
            labels: Some(labels),
            entrypoint: Some(entrypoint),
            cmd: Some(facts.cmd.clone()),
            exposed_ports: Some(vec![SQL_PORT.to_owned()]),
            host_config: Some(HostConfig {
                port_bindings: Some(HashMap::from([(SQL_PORT.to_owned(), Some(vec![binding]))])),
                mounts: Some(vec![Mount {
                    typ: Some(MountType::VOLUME),
                    source: Some(name.to_owned()),
                    target: Some(DATA_DIR.to_owned()),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        };
        let options = CreateContainerOptionsBuilder::default().name(name).build();
        match self.docker.create_container(Some(options), body).await {
            Ok(_) => {}
            Err(e) if is_conflict(&e) => return Ok(Making::Elsewhere),
            Err(e) => return Err(e.into()),
        }
        let volume = self.docker.inspect_volume(name).await?;
        anyhow::ensure!(volume.labels.get(LABEL).map(String::as_str) == Some(key), "{name} is not the course's");
        let password = throwaway_password();
        self.upload(name, &secret::files(&password)).await?;
        self.start_container(name).await?;
        let endpoint = root_endpoint(port, &password);
        tokio::select! {
            ready = endpoint::wait_until_ready(&endpoint, MAKE_LIMIT) => ready.map_err(|e| anyhow::anyhow!("{e}"))?,
            code = self.exit_code(name) => anyhow::bail!("it exited with code {code}"),
        }
        if let Some((seed, sql)) = seed {
            setup::seed_if_fresh(&endpoint, seed, sql, || {}).await?;
        }
        // The connection may drop as the server goes: the exit code is what counts.
        let _ = endpoint.run(|conn| conn.query_drop("SHUTDOWN")).await;
        let code = self.exit_code(name).await;
        anyhow::ensure!(code == 0, "the server making the copy exited with code {code}");
        Ok(Making::Made)
    }

    /// Removes a copy's container and volume (only ever one carrying the copy's label).
    async fn remove_seeded(&self, name: &str) {
        let options = RemoveContainerOptionsBuilder::default().force(true).v(true).build();
        let ours = |labels: Option<&HashMap<String, String>>| labels.is_some_and(|l| l.contains_key(LABEL));
        if let Ok(c) = self.docker.inspect_container(name, None).await
            && ours(c.config.as_ref().and_then(|c| c.labels.as_ref()))
        {
            let _ = self.docker.remove_container(name, Some(options)).await;
        }
        if let Ok(v) = self.docker.inspect_volume(name).await
            && ours(Some(&v.labels))
        {
            let _ = self.docker.remove_volume(name, None::<bollard::query_parameters::RemoveVolumeOptions>).await;
        }
    }

    /// Copies files into a container under [`copied::PARENT`] (before it starts).
    pub(super) async fn upload(&self, name: &str, files: &[copied::CopiedFile]) -> anyhow::Result<()> {
        let archive = copied::archive(files)?;
        let options = bollard::query_parameters::UploadToContainerOptionsBuilder::default()
            .path(copied::PARENT)
            .build();
        self.docker
            .upload_to_container(name, Some(options), bollard::body_full(archive.into()))
            .await
            .map_err(|e| anyhow::anyhow!("cannot copy files into {name}: {e}"))
    }
}

/// A password used only while the copy is made: the copy's first start in a lab replaces it.
fn throwaway_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..24).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// The copy's key: FNV-1a over the image, the engine, the seed and the format, so the same
/// inputs always find the same copy.
fn key(image_id: &str, engine: Engine, seed: Option<(&SeedSpec, &str)>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |text: &str| {
        for byte in text.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(FORMAT);
    feed(image_id);
    feed(engine.tag());
    if let Some((spec, sql)) = seed {
        feed(&spec.marker);
        feed(sql);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> SeedSpec {
        SeedSpec { sql: "seed.sql".to_owned(), marker: "lab.canary".to_owned(), canary: None }
    }

    #[test]
    fn the_key_changes_with_the_image_the_engine_and_the_seed() {
        let base = key("sha256:a", Engine::MariaDb, Some((&seed(), "CREATE TABLE t")));
        assert_eq!(base, key("sha256:a", Engine::MariaDb, Some((&seed(), "CREATE TABLE t"))));
        assert_eq!(base.len(), 16);
        assert_ne!(base, key("sha256:b", Engine::MariaDb, Some((&seed(), "CREATE TABLE t"))));
        assert_ne!(base, key("sha256:a", Engine::MySql, Some((&seed(), "CREATE TABLE t"))));
        assert_ne!(base, key("sha256:a", Engine::MariaDb, Some((&seed(), "CREATE TABLE u"))));
        assert_ne!(base, key("sha256:a", Engine::MariaDb, None));
    }

    #[test]
    fn the_entrypoint_copies_only_into_an_empty_data_directory_then_starts_the_server() {
        let seeded = Seeded {
            volume: "v".to_owned(),
            image_entrypoint: vec!["docker-entrypoint.sh".to_owned()],
            server: Some("mariadbd".to_owned()),
        };
        let words = seeded.entrypoint();
        assert_eq!(words[..2], ["sh", "-c"]);
        assert!(words[2].contains(r#"if [ ! -e "$d/mysql" ] && [ -e "$s/.sqlcourse-complete" ]"#));
        assert!(words[2].contains("shift 1\n  exec mariadbd --user=mysql \"$@\""), "{}", words[2]);
        assert!(words[2].ends_with(r#"exec "$@""#));
        assert_eq!(words[3..], ["sqlcourse-start", "docker-entrypoint.sh"]);
        assert_eq!(seeded.mount().read_only, Some(true));
        // An image whose command is not a server keeps its entrypoint for every start.
        let other = Seeded { server: None, ..seeded };
        assert!(!other.entrypoint()[2].contains("--user=mysql"));
    }
}
