//! The learner's workspace: a visible folder holding the files they edit.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::course::content::Day;
use crate::course::lesson;
use crate::course::template;
use crate::course::spec::{FileSpec, ServerSpec};
use crate::learner::fill::{self, FillRecord, Filled, PortsMoved};

/// Name of the file holding the lab's generated root password (mode 0600).
const PASSWORD_FILE: &str = ".root-password";

/// Name of the file that keeps how the application's last run ended (`app_run::RunRecord`).
const APP_RUN_FILE: &str = ".app-last-run.json";

/// Name of the file that keeps the replica status each server last showed
/// (`Snapshot::last_replica`): what a promoted replica had received and applied.
const REPLICAS_FILE: &str = ".replicas-last-seen.json";

/// Name of the file that keeps what the templates were last filled with (`fill::FillRecord`).
const FILL_FILE: &str = ".template-fill.json";

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

    /// A file as the learner knows it: relative to the workspace (`master/my.cnf`) when it is
    /// in it.
    pub fn shown(&self, file: &Path) -> String {
        file.strip_prefix(&self.root).unwrap_or(file).display().to_string()
    }

    /// Text with the workspace's files named as in [`Workspace::shown`] (`master/my.cnf`).
    pub fn shown_in(&self, text: &str) -> String {
        text.replace(&format!("{}/", self.root.display()), "")
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

    /// Where how the application's last run ended is kept.
    pub fn app_run_record(&self) -> PathBuf {
        self.path(APP_RUN_FILE)
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

    /// Fills the templates again with live values (a lab whose ports were taken publishes
    /// others): each line still as last filled follows them, a line the learner changed stays
    /// theirs. Returns the port moves a file with the learner's own lines stayed behind.
    pub fn refill_templates(
        &self,
        day: &Day,
        value: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Vec<PortsMoved>> {
        let mut record = FillRecord::load(&self.fill_record());
        let port_of = |server: &ServerSpec| value(&format!("{}.port", server.name))?.parse().ok();
        let servers = &day.spec.servers;
        let live: Vec<(String, u16)> =
            servers.iter().filter_map(|s| Some((s.name.clone(), port_of(s)?))).collect();
        let defaults: Vec<(String, u16)> =
            servers.iter().map(|s| (s.name.clone(), s.port)).collect();
        let moves = record.follow(&live, &defaults);
        let mut told = Vec::new();
        for file in day.spec.files.iter().filter(|f| f.template) {
            // What the file was last filled from: as shipped, on the defaults, unless recorded.
            let last = record.files.get(&file.to);
            let source = FileSpec {
                from: last.map_or(&file.from, |f| &f.from).clone(),
                to: file.to.clone(),
                template: true,
            };
            let last_values = |name: &str| last.and_then(|f| f.values.get(name).cloned());
            let last_text = self.filled(day, &source, &last_values)?.0;
            let (next, values) = self.filled(day, &source, value)?;
            let target = self.path(&file.to);
            let current = std::fs::read_to_string(&target).ok();
            let refilled = match &current {
                Some(current) => fill::refill(&last_text, &next, current),
                None => fill::Refilled { text: next, kept: Vec::new(), edited: false },
            };
            // Untouched stays untouched: a new modification time reads as an edit of the app.
            if current.as_ref() != Some(&refilled.text) {
                if let Some(parent) = target.parent() {
                    create_dir(parent)?;
                }
                write_atomically(&target, refilled.text.as_bytes(), 0o644)?;
            }
            record.files.insert(file.to.clone(), Filled { from: source.from, values });
            let dead: Vec<(String, Vec<u16>)> =
                servers.iter().map(|s| (s.name.clone(), record.dead_ports(&s.name))).collect();
            told.extend(PortsMoved::told(&moves, &file.to, &refilled, &dead));
        }
        record.save(&self.fill_record())?;
        Ok(told)
    }

    /// Where what the templates were last filled with is kept ([`FillRecord`]).
    pub fn fill_record(&self) -> PathBuf {
        self.path(FILL_FILE)
    }

    /// Writes one lab file into the workspace (0644: the server ignores a world-writable
    /// config file), over whatever is there; a template's fill is recorded.
    pub fn write_file(
        &self,
        day: &Day,
        file: &FileSpec,
        value: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<()> {
        let target = self.path(&file.to);
        let (text, values) = self.filled(day, file, value)?;
        if let Some(parent) = target.parent() {
            create_dir(parent)?;
        }
        write_with_mode(&target, text.as_bytes(), 0o644)?;
        let mut record = FillRecord::load(&self.fill_record());
        let filled = file.template.then(|| Filled { from: file.from.clone(), values });
        let before = record.files.get(&file.to).cloned();
        if before == filled {
            return Ok(());
        }
        match filled {
            Some(filled) => record.files.insert(file.to.clone(), filled),
            None => record.files.remove(&file.to),
        };
        record.save(&self.fill_record())
    }

    /// A lab file as it lands in the workspace: a template has its `{{name}}` placeholders
    /// filled from `value`, then from the lab's defaults.
    pub fn starting_text(
        &self,
        day: &Day,
        file: &FileSpec,
        value: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<String> {
        Ok(self.filled(day, file, value)?.0)
    }

    /// A lab file's text as it lands in the workspace, and the value each placeholder got.
    fn filled(
        &self,
        day: &Day,
        file: &FileSpec,
        value: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<(String, BTreeMap<String, String>)> {
        let text = day.content.lab_file(&day.spec.slug, &file.from)?;
        if !file.template {
            return Ok((text, BTreeMap::new()));
        }
        let values: BTreeMap<String, String> = template::placeholders(&text)
            .into_iter()
            .filter_map(|(_, name)| {
                let got = value(name).or_else(|| self.default_value(day, name))?;
                Some((name.to_owned(), got))
            })
            .collect();
        let filled = template::fill(&text, |name| values.get(name).cloned());
        if let Some((_, name)) = template::placeholders(&filled).first() {
            anyhow::bail!(
                "labs/{}/{}: unknown placeholder `{{{{{name}}}}}` (known: {})",
                day.spec.slug,
                file.from,
                lesson::placeholder_names(&day.spec).join(", ")
            );
        }
        Ok((filled, values))
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
        remove_if_there(&self.path(PASSWORD_FILE))
    }

    /// Where the replica status each server last showed is kept.
    pub fn replicas_seen(&self) -> PathBuf {
        self.path(REPLICAS_FILE)
    }

    /// Forgets the replica statuses seen: a fresh lab has promoted nothing.
    pub fn forget_replicas_seen(&self) -> anyhow::Result<()> {
        remove_if_there(&self.replicas_seen())
    }

    /// Forgets the application's last run: a fresh lab has seen none.
    fn forget_app_run(&self) -> anyhow::Result<()> {
        remove_if_there(&self.app_run_record())
    }

    /// What a reset makes of the workspace: the starting files again, and nothing kept of
    /// the lab before (its root password, the application's last run, the replicas seen,
    /// servers crashed for the drill).
    pub fn start_afresh(&self, day: &Day) -> anyhow::Result<()> {
        self.install(day, true)?;
        self.forget_password()?;
        self.forget_app_run()?;
        self.forget_replicas_seen()?;
        for server in &day.spec.servers {
            self.set_crashed(&server.name, false)?;
        }
        Ok(())
    }
}

/// Removes a file; one that is not there is fine.
fn remove_if_there(file: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(file) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", file.display()))
        }
        _ => Ok(()),
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

/// Writes a file whole or not at all: the bytes go to a file beside it, which then takes its
/// place, so a crash mid-write leaves the old file.
/// When a file was last changed, so that a reader polling it parses it again only then;
/// `None` when it is not there.
pub(crate) fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

pub(crate) fn write_atomically(path: &Path, bytes: &[u8], mode: u32) -> anyhow::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.tmp"));
    write_with_mode(&temp, bytes, mode)?;
    std::fs::rename(&temp, path).with_context(|| format!("cannot write {}", path.display()))
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

    /// The lab's ports, as the running lab gives them to the templates.
    fn on(master: u16, slave: u16) -> impl Fn(&str) -> Option<String> {
        move |name| match name {
            "master.port" => Some(master.to_string()),
            "slave.port" => Some(slave.to_string()),
            _ => None,
        }
    }

    fn url(role: &str, port: u16) -> String {
        format!("{role}_URL = \"mysql+pymysql://app:shop-app-pw@127.0.0.1:{port}/shop\"")
    }

    #[test]
    fn settings_follow_each_move_in_the_lines_the_learner_left_alone() {
        let day = day20();
        let dir = tempfile::tempdir().expect("temp dir");
        let workspace = Workspace { root: dir.path().to_owned() };
        workspace.install(&day, false).expect("installs");
        let settings = workspace.path("app/settings.py");
        let read = || std::fs::read_to_string(&settings).expect("settings.py");

        // Filled once with other live ports, then again: it follows both times.
        let told = workspace.refill_templates(&day, &on(40000, 40001)).expect("refills");
        assert!(told.is_empty(), "{told:?}");
        assert!(
            read().contains(&url("WRITER", 40000)) && read().contains("the slave on port 40001")
        );
        let told = workspace.refill_templates(&day, &on(40010, 40011)).expect("refills");
        assert!(told.is_empty(), "an untouched file follows without a word: {told:?}");
        let text = read();
        assert!(
            text.contains(&url("WRITER", 40010)) && text.contains(&url("READER", 40010)),
            "{text}"
        );
        assert!(
            text.contains("the master on port 40010,") && text.contains("the slave on port 40011.")
        );

        // The learner points the reads at the slave; then the slave moves.
        std::fs::write(&settings, text.replace(&url("READER", 40010), &url("READER", 40011)))
            .expect("writes");
        let told = workspace.refill_templates(&day, &on(40010, 40021)).expect("refills");
        let text = read();
        assert!(text.contains(&url("READER", 40011)), "the learner's line is theirs:\n{text}");
        assert!(
            text.contains(&url("WRITER", 40010)) && text.contains("the slave on port 40021."),
            "{text}"
        );
        let line = text.lines().position(|l| l.starts_with("READER_URL")).expect("READER_URL") + 1;
        assert_eq!(
            told.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [format!(
                "The slave's port changed from 40011 to 40021: app/settings.py line {line}, which you edited, still says 40011."
            )]
        );

        // The master moves too: the writer follows, the reader line stays, and still names
        // the slave's old port.
        let told = workspace.refill_templates(&day, &on(40030, 40021)).expect("refills");
        let text = read();
        assert!(
            text.contains(&url("WRITER", 40030)) && text.contains(&url("READER", 40011)),
            "{text}"
        );
        assert_eq!(
            told.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [format!(
                "The master's port changed from 40010 to 40030: app/settings.py line {line}, which you edited, still says 40011, the slave's old port."
            )]
        );

        // No move: nothing is told and the file is not written again.
        let before = std::fs::metadata(&settings).and_then(|m| m.modified()).expect("mtime");
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(workspace.refill_templates(&day, &on(40030, 40021)).expect("refills").is_empty());
        assert_eq!(std::fs::metadata(&settings).and_then(|m| m.modified()).expect("mtime"), before);

        // A deleted file comes back filled with the live ports.
        std::fs::remove_file(&settings).expect("removes");
        assert!(workspace.refill_templates(&day, &on(40030, 40021)).expect("refills").is_empty());
        assert!(read().contains(&url("READER", 40030)), "{}", read());
    }

    #[test]
    fn a_workspace_without_a_record_was_filled_on_the_default_ports() {
        let day = day20();
        let dir = tempfile::tempdir().expect("temp dir");
        let workspace = Workspace { root: dir.path().to_owned() };
        workspace.install(&day, false).expect("installs");
        std::fs::remove_file(workspace.fill_record()).expect("a record was written");
        let settings = workspace.path("app/settings.py");
        let shipped = std::fs::read_to_string(&settings).expect("settings.py");
        let mine = shipped.replace(&url("READER", 13306), &url("READER", 13307));
        std::fs::write(&settings, &mine).expect("writes");
        let told = workspace.refill_templates(&day, &on(13306, 40001)).expect("refills");
        let text = std::fs::read_to_string(&settings).expect("settings.py");
        assert!(
            text.contains(&url("READER", 13307)) && text.contains("the slave on port 40001."),
            "{text}"
        );
        assert_eq!(told.len(), 1, "{told:?}");
        let moved = &told[0].moves[0];
        assert_eq!((moved.from, moved.to, told[0].stale.len()), (13307, 40001, 1));
    }

    #[test]
    fn a_solution_written_over_the_settings_follows_moves_too() {
        let day = day20();
        let dir = tempfile::tempdir().expect("temp dir");
        let workspace = Workspace { root: dir.path().to_owned() };
        workspace.install(&day, false).expect("installs");
        let solution = FileSpec {
            from: "solution/app/settings.py".into(),
            to: "app/settings.py".into(),
            template: true,
        };
        workspace.write_file(&day, &solution, &on(13306, 13307)).expect("writes");
        let told = workspace.refill_templates(&day, &on(13306, 40001)).expect("refills");
        assert!(told.is_empty(), "the course's own file is no edit: {told:?}");
        let text = std::fs::read_to_string(workspace.path("app/settings.py")).expect("settings.py");
        assert!(text.contains(&url("READER", 40001)), "{text}");
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
