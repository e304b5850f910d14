//! A workspace that lost files while its lab lives: the root password is read back from a
//! running server (a new one would be refused by the data made with the old), and missing
//! starting files are restored, saying so. And the course's databases, dropped by mistake,
//! are noticed with how to get them back.

use anyhow::Context;

use crate::lab::{Lab, LabEvent, OnEvent, objects, setup};

impl Lab {
    /// The lab's root password: the workspace's, else the one a server of the lab still
    /// holds (written back to the workspace), else a new one for a new lab. Restores the
    /// starting files that are missing too; a lab that already has servers says what it did.
    pub(super) async fn password_and_files(
        &self,
        progress: &OnEvent<'_>,
    ) -> anyhow::Result<String> {
        let missing = self.workspace.missing_files(&self.day);
        let saved = self.workspace.saved_password();
        let recovered = match saved {
            Some(_) => None,
            None => self.password_held_by_a_server().await?,
        };
        let lived = recovered.is_some() || self.has_servers().await?;
        self.prepare_workspace()?;
        let password = match recovered {
            Some((server, password)) => {
                self.workspace.keep_password(&password)?;
                progress(LabEvent::Recovered(format!(
                    "the workspace had lost .root-password: it was read back from the running {server}"
                )));
                password
            }
            None if saved.is_none() && lived => anyhow::bail!(
                "the workspace has lost .root-password and no server of the lab runs to read it \
                 back from; its data was made with that password, so `sqlcourse {} reset` starts afresh",
                self.day.spec.slug
            ),
            None => self.workspace.root_password()?,
        };
        if lived && !missing.is_empty() {
            progress(LabEvent::Recovered(format!(
                "missing starting files restored: {}",
                missing.join(", ")
            )));
        }
        Ok(password)
    }

    /// The course's databases (those its seed creates) gone from running servers: one
    /// message per server, saying how to get them back.
    pub async fn course_data_gone(&self) -> anyhow::Result<Vec<String>> {
        let Some(seed) = &self.day.spec.seed else { return Ok(Vec::new()) };
        let slug = &self.day.spec.slug;
        let schemas = setup::seed_schemas(&self.day.content.lab_file(slug, &seed.sql)?);
        let mut said = Vec::new();
        for server in self.servers().await? {
            let Some(endpoint) = server.endpoint.filter(|_| server.state.is_running()) else {
                continue;
            };
            // A server that does not answer is reported by the grading itself.
            let Ok(gone) = setup::missing_schemas(&endpoint, schemas.clone()).await else {
                continue;
            };
            if !gone.is_empty() {
                said.push(format!(
                    "the course's database {} is gone from the {name} (dropped?); restart the {name} to put the starting data back: `sqlcourse {slug} restart {name}` (or r on the lesson screen)",
                    gone.join(" and "),
                    name = server.name
                ));
            }
        }
        Ok(said)
    }

    /// Whether any server of the lab exists (running or not).
    async fn has_servers(&self) -> anyhow::Result<bool> {
        for spec in &self.day.spec.servers {
            if self.inspect(&spec.name).await?.is_some_and(|c| self.owns(&c)) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The root password a running server of the lab was started with: the file its image
    /// was given (`VAR_FILE`), else its variable, read inside the container.
    async fn password_held_by_a_server(&self) -> anyhow::Result<Option<(String, String)>> {
        for spec in &self.day.spec.servers {
            let Some(container) = self.inspect(&spec.name).await? else { continue };
            let running = container.state.as_ref().and_then(|s| s.running).unwrap_or(false);
            if !running || !self.owns(&container) {
                continue;
            }
            let engine = match objects::engine_label(&container) {
                Some(engine) => engine,
                None => self.engine().await?,
            };
            let variable = &self.day.spec.engine(engine)?.password_env;
            let script = format!(
                "f=$(printenv {variable}_FILE); if [ -n \"$f\" ]; then cat \"$f\"; else printenv {variable}; fi"
            );
            let name = self.names.container(&spec.name);
            let command = ["sh", "-c", script.as_str()];
            let cannot = || format!("cannot read the root password back from {name}");
            if let Some(password) = self.exec_output(&name, &command).await.with_context(cannot)? {
                return Ok(Some((spec.name.clone(), password)));
            }
        }
        Ok(None)
    }
}
