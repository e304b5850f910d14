//! What `reset` checks before it removes anything: every object named like the lab's is the
//! lab's own, and the workspace takes writes. A reset that would stop halfway refuses first.

use crate::lab::Lab;
use crate::lab::docker::is_not_found;

impl Lab {
    /// Refuses, with the reason, a reset that could not finish.
    pub(super) async fn check_reset_can_finish(&self) -> anyhow::Result<()> {
        for spec in &self.day.spec.servers {
            let name = self.names.container(&spec.name);
            if let Some(container) = self.inspect(&spec.name).await?
                && !self.owns(&container)
            {
                anyhow::bail!("nothing was reset: {}", self.not_ours(&name));
            }
            let volume = self.names.volume(&spec.name);
            match self.docker.inspect_volume(&volume).await {
                Ok(v) if !self.names.owns(Some(&v.labels)) => anyhow::bail!(
                    "nothing was reset: a volume named {volume} exists that this lab did not create; remove it, or set SQLCOURSE_LAB_NAME to use another name"
                ),
                Err(e) if !is_not_found(&e) => {
                    anyhow::bail!("cannot look up the volume {volume}: {e}")
                }
                _ => {}
            }
        }
        let network = self.names.network();
        match self.docker.inspect_network(&network, None).await {
            Ok(n) if !self.names.owns(n.labels.as_ref()) => anyhow::bail!(
                "nothing was reset: a network named {network} exists that this lab did not create; remove it, or set SQLCOURSE_LAB_NAME to use another name"
            ),
            Err(e) if !is_not_found(&e) => {
                anyhow::bail!("cannot look up the network {network}: {e}")
            }
            _ => {}
        }
        self.check_workspace_writable()
    }

    /// The starting files are written back by a reset: every folder they go to must take
    /// writes (tried with a scratch file, removed at once).
    fn check_workspace_writable(&self) -> anyhow::Result<()> {
        let mut folders: Vec<std::path::PathBuf> = vec![self.workspace.root.clone()];
        let configs = self.day.spec.servers.iter().map(|s| &s.config);
        for file in configs.chain(&self.day.spec.files) {
            if let Some(parent) = self.workspace.path(&file.to).parent() {
                folders.push(parent.to_path_buf());
            }
        }
        folders.sort();
        folders.dedup();
        for folder in folders.iter().filter(|f| f.is_dir()) {
            let probe = folder.join(".sqlcourse-write-check");
            let written = std::fs::write(&probe, b"");
            let _ = std::fs::remove_file(&probe);
            if let Err(e) = written {
                anyhow::bail!(
                    "nothing was reset: {} cannot be written ({e}), so the starting files could not be restored; make it writable and reset again",
                    folder.display()
                );
            }
        }
        Ok(())
    }
}
