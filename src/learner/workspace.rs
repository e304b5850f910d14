//! The learner's workspace: a visible folder holding the files they edit.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::course::content::Day;
use crate::course::lesson;
use crate::course::template;
use crate::course::spec::FileSpec;

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

    /// The application's virtual environment, when the lab asks for one.
    pub fn app_venv(&self, day: &Day) -> Option<crate::learner::venv::Venv> {
        let app = day.spec.app.as_ref()?;
        let requirements = app.requirements.as_deref().map(|r| self.path(r));
        crate::learner::venv::of_app(&self.path(&app.dir), app.venv.as_deref(), requirements.as_deref())
    }

    /// The application's file that assigns a name `python` assigns (`READER_URL = …`): the
    /// file a lesson's block of the application's Python changes.
    pub fn app_file_assigning(&self, day: &Day, python: &str) -> Option<PathBuf> {
        let dir = &day.spec.app.as_ref()?.dir;
        let names = assigned_names(python);
        day.spec
            .files
            .iter()
            .filter(|f| Path::new(&f.to).starts_with(dir))
            .map(|f| self.path(&f.to))
            .find(|path| {
                let text = std::fs::read_to_string(path).unwrap_or_default();
                assigned_names(&text).iter().any(|n| names.contains(n))
            })
    }

    /// Copies every starting file that is missing; `overwrite` restores all of them.
    /// Templates get the lab's default ports; see `install_filled` for the live ones.
    pub fn install(&self, day: &Day, overwrite: bool) -> anyhow::Result<()> {
        self.install_filled(day, overwrite, &|_| None)
    }

    /// Like `install`, filling templates with `value(name)` first (such as the ports the
    /// running lab actually published) and the lab's defaults for the names it leaves out.
    pub fn install_filled(
        &self,
        day: &Day,
        overwrite: bool,
        value: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<()> {
        let configs = day.spec.servers.iter().map(|s| &s.config);
        for file in configs.chain(&day.spec.files) {
            if self.path(&file.to).exists() && !overwrite {
                continue;
            }
            self.write_file(day, file, value)?;
        }
        Ok(())
    }

    /// The starting files missing from the workspace, as named in it (`master/my.cnf`).
    pub fn missing_files(&self, day: &Day) -> Vec<String> {
        let configs = day.spec.servers.iter().map(|s| &s.config);
        configs
            .chain(&day.spec.files)
            .filter(|f| !self.path(&f.to).exists())
            .map(|f| f.to.clone())
            .collect()
    }


    /// Fills the templates still as shipped (on the default ports) with live values: a lab
    /// whose default ports were taken publishes others. A template the learner edited is theirs.
    pub fn refill_templates(
        &self,
        day: &Day,
        value: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<()> {
        for file in day.spec.files.iter().filter(|f| f.template) {
            let shipped = self.starting_text(day, file, &|_| None)?;
            match std::fs::read_to_string(self.path(&file.to)) {
                Ok(current) if current != shipped => continue,
                _ => self.write_file(day, file, value)?,
            }
        }
        Ok(())
    }

    /// Writes one lab file into the workspace (0644: the server ignores a world-writable
    /// config file), over whatever is there.
    pub fn write_file(
        &self,
        day: &Day,
        file: &FileSpec,
        value: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<()> {
        let target = self.path(&file.to);
        let text = self.starting_text(day, file, value)?;
        if let Some(parent) = target.parent() {
            create_dir(parent)?;
        }
        write_with_mode(&target, text.as_bytes(), 0o644)
    }

    /// A lab file as it lands in the workspace: a template has its `{{name}}` placeholders
    /// filled from `value`, then from the lab's defaults.
    pub fn starting_text(
        &self,
        day: &Day,
        file: &FileSpec,
        value: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<String> {
        let text = day.content.lab_file(&day.spec.slug, &file.from)?;
        if !file.template {
            return Ok(text);
        }
        let filled =
            template::fill(&text, |name| value(name).or_else(|| self.default_value(day, name)));
        if let Some((_, name)) = template::placeholders(&filled).first() {
            anyhow::bail!(
                "labs/{}/{}: unknown placeholder `{{{{{name}}}}}` (known: {})",
                day.spec.slug,
                file.from,
                lesson::placeholder_names(&day.spec).join(", ")
            );
        }
        Ok(filled)
    }

    /// What a placeholder means before the lab runs: default ports, workspace paths.
    fn default_value(&self, day: &Day, name: &str) -> Option<String> {
        match name {
            "workspace" => Some(self.root.display().to_string()),
            "app.dir" => self.app_dir(day).map(|d| d.display().to_string()),
            _ => {
                let (server, field) = name.rsplit_once('.')?;
                let server = day.spec.server(server)?;
                match field {
                    "port" => Some(server.port.to_string()),
                    "config" => Some(self.path(&server.config.to).display().to_string()),
                    _ => None,
                }
            }
        }
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

    /// Keeps a root password read back from the running lab (0600).
    pub fn keep_password(&self, password: &str) -> anyhow::Result<()> {
        create_dir(&self.root)?;
        write_with_mode(&self.path(PASSWORD_FILE), format!("{password}\n").as_bytes(), 0o600)
    }

    /// The lab's root password if one was generated already (reading never creates one).
    pub fn saved_password(&self) -> Option<String> {
        let text = std::fs::read_to_string(self.path(PASSWORD_FILE)).ok()?;
        let password = text.trim();
        (!password.is_empty()).then(|| password.to_owned())
    }

    /// Whether a server was crashed on purpose (`crash`) and not restarted since.
    pub fn is_crashed(&self, server: &str) -> bool {
        self.path(&crash_mark(server)).exists()
    }

    /// Notes that a server was crashed on purpose, or forgets it.
    pub fn set_crashed(&self, server: &str, crashed: bool) -> anyhow::Result<()> {
        let mark = self.path(&crash_mark(server));
        let done = if crashed { std::fs::write(&mark, "") } else { std::fs::remove_file(&mark) };
        match done {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound || crashed => {
                Err(e).with_context(|| format!("cannot write {}", mark.display()))
            }
            _ => Ok(()),
        }
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

/// The names a Python text assigns at the top level (`NAME = value`).
pub fn assigned_names(python: &str) -> Vec<&str> {
    python
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(name, _)| name.trim_end())
        .filter(|name| {
            name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        .collect()
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
/// The mode is set before the bytes go in, so a secret is never readable by others meanwhile.
fn write_with_mode(path: &Path, bytes: &[u8], mode: u32) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    // `mode` applies only to a new file (and the umask may narrow it): set it exactly.
    file.set_permissions(std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("cannot set the mode of {}", path.display()))?;
    file.write_all(bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// The workspace file that marks a server crashed on purpose.
fn crash_mark(server: &str) -> String {
    format!(".crashed-{server}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::content::Content;

    fn day20() -> Day {
        Content::Embedded.day("day20").expect("day 20 loads")
    }

    #[test]
    fn templates_get_the_default_ports_or_the_live_ones() {
        let day = day20();
        let dir = tempfile::tempdir().expect("temp dir");
        let workspace = Workspace { root: dir.path().to_owned() };
        workspace.install(&day, false).expect("installs");
        let settings = workspace.path("app/settings.py");
        let text = std::fs::read_to_string(&settings).expect("settings.py");
        assert!(text.contains("WRITER_URL = \"mysql+pymysql://app:shop-app-pw@127.0.0.1:13306/shop\""));
        assert!(text.contains("READER_URL = \"mysql+pymysql://app:shop-app-pw@127.0.0.1:13306/shop\""));
        assert!(text.contains("the slave on port 13307"), "{text}");
        // Not a template: copied as it is.
        let app = std::fs::read_to_string(workspace.path("app/app.py")).expect("app.py");
        assert_eq!(app, day.content.lab_file("day20", "app/app.py").expect("lab file"));

        let live = |name: &str| (name == "master.port").then(|| "23306".to_owned());
        workspace.install_filled(&day, true, &live).expect("installs");
        let text = std::fs::read_to_string(&settings).expect("settings.py");
        assert_eq!(text.matches("127.0.0.1:23306/shop").count(), 2, "{text}");
        assert!(text.contains("the slave on port 13307"), "{text}");
    }

    #[test]
    fn an_unknown_placeholder_in_a_template_is_an_error() {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let content = tempfile::tempdir().expect("temp dir");
        let lab = content.path().join("labs/day20");
        std::fs::create_dir_all(&lab).expect("lab folder");
        std::fs::create_dir_all(content.path().join("lessons")).expect("lessons folder");
        for file in ["labs/day20/lab.toml", "lessons/day20.md"] {
            std::fs::copy(manifest.join(file), content.path().join(file)).expect("copies");
        }
        std::fs::write(lab.join("odd.txt"), "port {{master.port}}, and {{master.colour}}\n")
            .expect("writes");
        let day = Content::Dir(content.path().to_owned()).day("day20").expect("day 20 loads");
        let workspace = Workspace { root: content.path().join("home") };
        let file = FileSpec { from: "odd.txt".into(), to: "odd.txt".into(), template: true };
        let err = workspace.starting_text(&day, &file, &|_| None).expect_err("unknown name");
        assert!(
            err.to_string().starts_with("labs/day20/odd.txt: unknown placeholder `{{master.colour}}`"),
            "{err}"
        );
    }
}
