//! Making sure the servers' image is present: local, else pulled with progress, else the lab's
//! offline image, built from the course's own script when no registry can be reached.

use std::time::Duration;

use bollard::Docker;
use bollard::query_parameters::CreateImageOptionsBuilder;
use futures_util::StreamExt;

use crate::course::content::Content;
use crate::lab::docker::is_not_found;
use crate::lab::LabEvent;
use crate::lab::pull::PullProgress;
use crate::course::spec::EngineSpec;

/// How long the registry may take to say anything about a pull: an unreachable one would
/// otherwise hold the lab (Docker itself gives up only after about 25 s).
const PULL_FIRST_ANSWER: Duration = Duration::from_secs(8);
/// How long a running pull may go without a word before it counts as stalled.
const PULL_SILENCE: Duration = Duration::from_secs(60);

/// Returns the image the servers will run, pulling it when missing.
///
/// `chosen` (`--image` / `SQLCOURSE_IMAGE`) replaces the lab's default and has no fallback:
/// whoever names an image wants that one.
pub async fn ensure(
    engine: &Engine<'_>,
    content: &Content,
    spec: &EngineSpec,
    chosen: Option<&str>,
    progress: &(dyn Fn(LabEvent) + Send + Sync),
) -> anyhow::Result<String> {
    let wanted = chosen.unwrap_or(&spec.image);
    let docker = engine.docker;
    if is_present(docker, wanted).await? {
        return Ok(wanted.to_owned());
    }
    let pull_error = match pull(docker, wanted, progress).await {
        Ok(()) => return Ok(wanted.to_owned()),
        Err(e) => e,
    };
    if chosen.is_some() {
        let own = match (&spec.offline, &spec.build_command) {
            (Some(offline), Some(command)) => format!(
                "the lab's own ({}, or {offline} built with `{command}` where no registry answers)",
                spec.image
            ),
            _ => format!("the lab's own ({})", spec.image),
        };
        anyhow::bail!(
            "cannot pull the image {wanted} ({pull_error}). {} Check its name, or leave out --image / SQLCOURSE_IMAGE to use {own}",
            pull_advice(wanted, &pull_error)
        );
    }
    let Some(offline) = &spec.offline else {
        anyhow::bail!(
            "cannot pull the image {wanted} ({pull_error}). {} Connect to the internet, or name a local image with --image",
            pull_advice(wanted, &pull_error)
        );
    };
    if !is_present(docker, offline).await? {
        let Some(command) = &spec.build_command else {
            anyhow::bail!("cannot pull the image {wanted} ({pull_error}) and {offline} is not here");
        };
        build_offline(content, command, offline, engine.address, progress).await.map_err(|e| {
            anyhow::anyhow!(
                "cannot pull the image {wanted} ({pull_error}), and building {offline} failed: {e:#}\n{} Or build it with `{command}` (from the course's source folder, as root), then try again",
                pull_advice(wanted, &pull_error)
            )
        })?;
    }
    progress(LabEvent::ImageFallback {
        wanted: wanted.to_owned(),
        using: offline.clone(),
        reason: pull_error,
    });
    Ok(offline.clone())
}

/// The engine the lab chose, and where it answered.
pub struct Engine<'a> {
    pub docker: &'a Docker,
    /// A `DOCKER_HOST` value (`unix:///…`).
    pub address: &'a str,
}

/// Runs the course's offline build script (a content path such as
/// `labs/image/build-offline.sh`) from a copy of its folder, reporting its output lines. The
/// script's docker CLI is pointed at the engine sqlcourse chose, not whichever the CLI would.
async fn build_offline(
    content: &Content,
    command: &str,
    tag: &str,
    address: &str,
    progress: &(dyn Fn(LabEvent) + Send + Sync),
) -> anyhow::Result<()> {
    use tokio::io::AsyncBufReadExt;

    let (folder, script) = command.rsplit_once('/').unwrap_or(("", command));
    let copy = tempfile::tempdir()?;
    for (name, text) in content.files_in(folder)? {
        std::fs::write(copy.path().join(name), text)?;
    }
    let mut child = tokio::process::Command::new("bash")
        .arg(copy.path().join(script))
        .env("OFFLINE_IMAGE", tag)
        .env("DOCKER_HOST", address)
        .env_remove("DOCKER_CONTEXT")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| anyhow::anyhow!("cannot run bash: {e}"))?;
    let mut last = Vec::new();
    if let Some(stderr) = child.stderr.take() {
        let mut lines = tokio::io::BufReader::new(stderr).lines();
        while let Some(line) = lines.next_line().await? {
            progress(LabEvent::Building { line: line.clone() });
            last.push(line);
            if last.len() > 5 {
                last.remove(0);
            }
        }
    }
    let status = child.wait().await?;
    anyhow::ensure!(status.success(), "{} ({status})", last.join(" / "));
    Ok(())
}

/// Whether the engine holds this image.
pub async fn is_present(docker: &Docker, image: &str) -> anyhow::Result<bool> {
    match docker.inspect_image(image).await {
        Ok(_) => Ok(true),
        Err(e) if is_not_found(&e) => Ok(false),
        Err(e) => Err(anyhow::anyhow!("cannot look up the image {image}: {e}")),
    }
}

/// Pulls an image, reporting the bytes fetched so far over all its layers.
async fn pull(
    docker: &Docker,
    image: &str,
    progress: &(dyn Fn(LabEvent) + Send + Sync),
) -> Result<(), String> {
    let (name, tag) = split_tag(image);
    let options = CreateImageOptionsBuilder::default().from_image(name).tag(tag).build();
    let mut stream = docker.create_image(Some(options), None, None);
    let mut pulled = PullProgress::default();
    progress(LabEvent::Pulling { image: image.to_owned(), progress: pulled.summary() });
    let mut limit = PULL_FIRST_ANSWER;
    loop {
        let item = match tokio::time::timeout(limit, stream.next()).await {
            Ok(Some(item)) => item,
            Ok(None) => break,
            Err(_) if limit == PULL_FIRST_ANSWER => {
                return Err(format!("no answer from the registry within {} s", limit.as_secs()));
            }
            Err(_) => return Err(format!("the pull stalled for {} s", limit.as_secs())),
        };
        limit = PULL_SILENCE;
        let info = item.map_err(|e| short_pull_error(&e))?;
        let (Some(id), Some(status)) = (info.id, info.status) else { continue };
        let detail = info.progress_detail.unwrap_or_default();
        let before = pulled.summary();
        pulled.update(&id, &status, detail.current, detail.total);
        let now = pulled.summary();
        if now != before {
            progress(LabEvent::Pulling { image: image.to_owned(), progress: now });
        }
    }
    pulled.finish();
    progress(LabEvent::Pulling { image: image.to_owned(), progress: pulled.summary() });
    Ok(())
}

/// What to try by hand after a failed pull: the docker CLI's own pull shows the registry's
/// full answer, and a registry that asked for credentials needs a `docker login` first.
fn pull_advice(image: &str, reason: &str) -> String {
    let lower = reason.to_lowercase();
    let asked_to_log_in = ["unauthorized", "authentication required", "denied", "login"]
        .iter()
        .any(|w| lower.contains(w));
    if asked_to_log_in {
        let login = match registry_of(image) {
            Some(registry) => format!("docker login {registry}"),
            None => "docker login".to_owned(),
        };
        format!("The registry asked for credentials: run `{login}`, then `docker pull {image}`.")
    } else {
        format!("Try `docker pull {image}` to see the registry's own answer.")
    }
}

/// The registry an image names (`ghcr.io` in `ghcr.io/team/db:1`); `None` for Docker Hub's.
fn registry_of(image: &str) -> Option<&str> {
    let (first, _) = image.split_once('/')?;
    (first.contains('.') || first.contains(':') || first == "localhost").then_some(first)
}

/// The engine's reason, without the request plumbing around it.
fn short_pull_error(err: &bollard::errors::Error) -> String {
    match err {
        bollard::errors::Error::DockerResponseServerError { message, .. } => message.clone(),
        bollard::errors::Error::DockerStreamError { error } => error.clone(),
        other => other.to_string(),
    }
}

/// `registry:5000/name:tag` → (`registry:5000/name`, `tag`); no tag means `latest`.
/// A digest (`name@sha256:…`) is passed whole as the name.
fn split_tag(image: &str) -> (&str, &str) {
    if image.contains('@') {
        return (image, "");
    }
    let last_slash = image.rfind('/').map_or(0, |i| i + 1);
    match image[last_slash..].rfind(':') {
        Some(colon) => (&image[..last_slash + colon], &image[last_slash + colon + 1..]),
        None => (image, "latest"),
    }
}

#[cfg(test)]
mod tests {
    use super::{pull_advice, split_tag};

    #[test]
    fn a_failed_pull_suggests_the_docker_cli_and_a_login_where_the_registry_asked() {
        let plain = pull_advice("mariadb:11.8", "no answer from the registry within 8 s");
        assert_eq!(plain, "Try `docker pull mariadb:11.8` to see the registry's own answer.");
        let hub = pull_advice("team/db:1", "pull access denied for team/db, repository does not exist or may require 'docker login'");
        assert!(hub.contains("`docker login`, then `docker pull team/db:1`"), "{hub}");
        let ghcr = pull_advice("ghcr.io/team/db:1", "unauthorized: authentication required");
        assert!(ghcr.contains("`docker login ghcr.io`"), "{ghcr}");
    }

    #[test]
    fn tags_are_split_after_the_last_slash_only() {
        assert_eq!(split_tag("mariadb:11.8"), ("mariadb", "11.8"));
        assert_eq!(split_tag("mariadb"), ("mariadb", "latest"));
        assert_eq!(split_tag("localhost:5000/team/db"), ("localhost:5000/team/db", "latest"));
        assert_eq!(split_tag("localhost:5000/db:1"), ("localhost:5000/db", "1"));
        assert_eq!(split_tag("db@sha256:abc"), ("db@sha256:abc", ""));
    }
}
