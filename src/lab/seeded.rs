//! A data directory initialised once, copied into every fresh server.
//!
//! A fresh server spends most of its first start initialising its data directory (the
//! official image even runs a temporary server for it), then the course loads the seed. That
//! work is the same for every lab on one image and seed, so it is done once: a container of
//! the image initialises a volume with a throwaway root password, gets the seed, and shuts
//! down cleanly. Its volume (`sqlcourse-seeded-<key>`) is kept, and its stopped container,
//! exited with 0, records that it is complete. A fresh server mounts that volume read-only
//! and, before the image's own entrypoint runs, copies it into its own empty data volume;
//! the lab's root password is then set by `--init-file` on that first start. The key covers
//! the image, the engine and the seed, so a new image or seed makes a new one.
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
use crate::lab::endpoint::{self, Endpoint, Password};
use crate::lab::objects::{DATA_DIR, SQL_PORT};
use crate::lab::{HOST, Lab, copied, ports, secret, setup};

/// The label of the kept volume and container; its value is the key.
const LABEL: &str = "io.sqlcourse.seeded";
/// Where a fresh server sees the initialised copy.
const MOUNT: &str = "/sqlcourse-seeded";
/// Written into the copy's volume once it is complete (the copy leaves it out).
const COMPLETE: &str = ".sqlcourse-complete";
/// How long making the copy may take.
const MAKE_LIMIT: Duration = Duration::from_secs(90);
/// Bumped when what the copy holds changes, so older copies are not used.
const FORMAT: &str = "3";

/// An initialised data directory ready to copy, and the image's entrypoint to run after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seeded {
    volume: String,
    image_entrypoint: Vec<String>,
}

impl Seeded {
    /// The server's entrypoint: copy the data directory when its own is empty, then run the
    /// image's entrypoint, with the statements that set the lab's password on that first
    /// start only. The copy lands beside, and `mysql/` (what the images take for an
    /// initialised directory) moves in last, so a copy cut off is made again at the next
    /// start. `auto.cnf` holds a MySQL server's UUID, which each server must have alone.
    pub fn entrypoint(&self) -> Vec<String> {
        let script = format!(
            r#"d={DATA_DIR} s={MOUNT} sql={sql} c={DATA_DIR}/.sqlcourse-copy
if [ ! -e "$d/mysql" ] && [ -e "$s/{COMPLETE}" ]; then
  find "$d" -mindepth 1 -delete &&
  cp -a --sparse=always "$s/." "$c" &&
  rm -f "$c/{COMPLETE}" "$c/auto.cnf" &&
  find "$c" -mindepth 1 -maxdepth 1 ! -name mysql -exec mv -t "$d" {{}} + &&
  mv "$c/mysql" "$d/" && rmdir "$c" &&
  chown --reference="$d/mysql" "$sql" &&
  set -- "$@" --init-file="$sql" || exit 1
fi
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
        let seeded = Seeded { volume: name.clone(), image_entrypoint: facts.entrypoint.clone() };
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
        let port = ports::choose(&[None])?[0];
        let mut entrypoint = vec![
            "sh".to_owned(),
            "-c".to_owned(),
            // Holes punched in the zeros of the big InnoDB files make each copy read and
            // write a few megabytes instead of about 150.
            format!(
                r#""$@" && {{ find {DATA_DIR} -type f -size +1M -exec fallocate --dig-holes {{}} \; 2>/dev/null; touch {DATA_DIR}/{COMPLETE}; }}"#
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
        let endpoint =
            Endpoint { host: HOST.to_owned(), port, user: "root".to_owned(), password: Password::new(password) };
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
        let options = RemoveContainerOptionsBuilder::default().force(true).build();
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
    fn the_entrypoint_copies_only_into_an_empty_data_directory_then_runs_the_images() {
        let seeded = Seeded {
            volume: "v".to_owned(),
            image_entrypoint: vec!["docker-entrypoint.sh".to_owned()],
        };
        let words = seeded.entrypoint();
        assert_eq!(words[..2], ["sh", "-c"]);
        assert!(words[2].contains(r#"if [ ! -e "$d/mysql" ] && [ -e "$s/.sqlcourse-complete" ]"#));
        assert!(words[2].ends_with(r#"exec "$@""#));
        assert_eq!(words[3..], ["sqlcourse-start", "docker-entrypoint.sh"]);
        assert_eq!(seeded.mount().read_only, Some(true));
    }
}
