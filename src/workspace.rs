//! The learner's workspace: a visible folder holding the files they edit.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::content::Day;

/// Name of the file holding the lab's generated root password (mode 0600).
const PASSWORD_FILE: &str = ".root-password";

/// A day's workspace folder (`~/sqlcourse/day20` unless `SQLCOURSE_HOME` says otherwise).
#[derive(Debug, Clone, PartialEq)]
pub struct Workspace {
    pub root: PathBuf,
}

impl Workspace {
    /// The workspace of a day, under `SQLCOURSE_HOME` or `~/sqlcourse`.
    pub fn for_day(slug: &str) -> anyhow::Result<Self> {
        let home = match std::env::var_os("SQLCOURSE_HOME") {
            Some(dir) => PathBuf::from(dir),
            None => dirs::home_dir()
                .context("cannot find your home directory; set SQLCOURSE_HOME")?
                .join("sqlcourse"),
        };
        Ok(Workspace { root: home.join(slug) })
    }

    /// Full path of a workspace-relative path.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The config file of a server.
    pub fn config_file(&self, day: &Day, server: &str) -> Option<PathBuf> {
        day.spec.server(server).map(|s| self.path(&s.config.to))
    }

    /// The folder mounted as the server's `/etc/mysql/conf.d` (the config file's folder).
    /// A folder, not the file: editors that save by renaming would leave a file mount stale.
    pub fn config_dir(&self, day: &Day, server: &str) -> Option<PathBuf> {
        self.config_file(day, server).and_then(|f| f.parent().map(Path::to_path_buf))
    }

    /// The application folder, when the day has one.
    pub fn app_dir(&self, day: &Day) -> Option<PathBuf> {
        day.spec.app.as_ref().map(|a| self.path(&a.dir))
    }

    /// Copies every starting file that is missing; `overwrite` restores all of them.
    pub fn install(&self, day: &Day, overwrite: bool) -> anyhow::Result<()> {
        let configs = day.spec.servers.iter().map(|s| &s.config);
        for file in configs.chain(&day.spec.files) {
            let target = self.path(&file.to);
            if target.exists() && !overwrite {
                continue;
            }
            let text = day.content.lab_file(&day.spec.slug, &file.from)?;
            if let Some(parent) = target.parent() {
                create_dir(parent)?;
            }
            write_with_mode(&target, text.as_bytes(), 0o644)?;
        }
        Ok(())
    }

    /// The lab's root password, generated once and kept in the workspace (0600).
    pub fn root_password(&self) -> anyhow::Result<String> {
        if let Some(password) = self.saved_password() {
            return Ok(password);
        }
        let file = self.path(PASSWORD_FILE);
        let password = generate_password();
        create_dir(&self.root)?;
        write_with_mode(&file, format!("{password}\n").as_bytes(), 0o600)?;
        Ok(password)
    }

    /// The lab's root password if one was generated already (reading never creates one).
    pub fn saved_password(&self) -> Option<String> {
        let text = std::fs::read_to_string(self.path(PASSWORD_FILE)).ok()?;
        let password = text.trim();
        (!password.is_empty()).then(|| password.to_owned())
    }

    /// Forgets the root password, so the next lab gets a new one.
    pub fn forget_password(&self) -> anyhow::Result<()> {
        match std::fs::remove_file(self.path(PASSWORD_FILE)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("cannot remove {}", self.path(PASSWORD_FILE).display()))
            }
            _ => Ok(()),
        }
    }
}

fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

fn create_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))
}

/// Writes a file with an exact mode: a world-writable config file is ignored by the server,
/// and the password file must be private.
fn write_with_mode(path: &Path, bytes: &[u8], mode: u32) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("cannot set the mode of {}", path.display()))
}
