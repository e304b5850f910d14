//! The learner's own text editor, for config files and the application.

use std::ffi::OsStr;
use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// Editors tried in order when neither `VISUAL` nor `EDITOR` is set.
const FALLBACKS: [&str; 5] = ["sensible-editor", "editor", "nano", "vim", "vi"];

/// Whether an edit changed the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileChange {
    Changed,
    Unchanged,
}

/// An editor command: a program and the words given before the file's path (`code -w`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    program: String,
    args: Vec<String>,
    /// Found on `PATH` because neither `VISUAL` nor `EDITOR` is set: then the editor to name
    /// in `export EDITOR=…`, one this machine has.
    fallback: Option<&'static str>,
}

impl Editor {
    /// The editor this user chose: `$VISUAL`, `$EDITOR`, else the first common editor on `PATH`.
    pub fn from_env() -> anyhow::Result<Self> {
        let path = std::env::var_os("PATH");
        Editor::resolve(|name| std::env::var(name).ok(), path.as_deref())
    }

    /// Chooses as `from_env` does, from the variables `var` gives and the folders in `path`.
    pub fn resolve(
        var: impl Fn(&str) -> Option<String>,
        path: Option<&OsStr>,
    ) -> anyhow::Result<Self> {
        for name in ["VISUAL", "EDITOR"] {
            if let Some(command) = var(name).filter(|c| !c.trim().is_empty()) {
                return Editor::from_command(&command)
                    .with_context(|| format!("cannot use ${name}"));
            }
        }
        let dirs: Vec<PathBuf> =
            path.map(|p| std::env::split_paths(p).collect()).unwrap_or_default();
        let found = |name: &str| dirs.iter().any(|dir| is_executable(&dir.join(name)));
        // `editor` and `sensible-editor` may ask which editor first: name a plain one.
        let named = FALLBACKS[2..].iter().copied().find(|n| found(n)).unwrap_or("nano");
        FALLBACKS
            .iter()
            .find(|n| found(n))
            .map(|name| Editor { program: (*name).to_owned(), args: Vec::new(), fallback: Some(named) })
            .context("no text editor found: set EDITOR, for example `export EDITOR=nano`")
    }

    /// An editor from a command line, split into words the way a shell would (quotes kept
    /// together) but never run through a shell.
    pub fn from_command(command: &str) -> anyhow::Result<Self> {
        let mut words = shlex::split(command)
            .with_context(|| format!("`{command}` has an unclosed quote"))?
            .into_iter();
        let program = words.next().with_context(|| format!("`{command}` names no program"))?;
        Ok(Editor { program, args: words.collect(), fallback: None })
    }

    /// The command as it would be typed, for messages.
    pub fn command_line(&self) -> String {
        std::iter::once(&self.program)
            .chain(&self.args)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// What the terminal shows while the editor has it: which file, which editor, how to come
    /// back, and how to choose another editor when none was chosen.
    pub fn opening(&self, shown: &str) -> String {
        let mut line = format!(
            "Editing {shown} with {}: save and quit it to come back to the lesson.",
            self.command_line()
        );
        if let Some(named) = self.fallback {
            line.push_str(&format!(" No $VISUAL or $EDITOR is set; `export EDITOR={named}` (or another) chooses one."));
        }
        line
    }

    /// Opens `file` in the editor, waits until it is closed, and tells whether the file's
    /// contents changed. The terminal must be free (a full-screen interface suspended).
    pub fn open(&self, file: &Path) -> anyhow::Result<FileChange> {
        self.open_watched(file, |_| ())
    }

    /// As `open`, telling `started` the editor's process id once it runs (so that a signal
    /// ending the screen can end the editor first).
    pub fn open_watched(
        &self,
        file: &Path,
        started: impl FnOnce(u32),
    ) -> anyhow::Result<FileChange> {
        let before = fingerprint(file)?;
        let mut child = Command::new(&self.program)
            .args(&self.args)
            .arg(file)
            .spawn()
            .with_context(|| format!("cannot start the editor `{}`", self.command_line()))?;
        started(child.id());
        let status = child
            .wait()
            .with_context(|| format!("cannot wait for the editor `{}`", self.command_line()))?;
        if !status.success() {
            bail!(
                "the editor `{}` stopped with {status}; {} may be unsaved",
                self.command_line(),
                file.display()
            );
        }
        Ok(if fingerprint(file)? == before { FileChange::Unchanged } else { FileChange::Changed })
    }
}

/// Opens `file` in the user's editor (see `Editor::from_env`).
pub fn open(file: &Path) -> anyhow::Result<FileChange> {
    Editor::from_env()?.open(file)
}

/// A hash of the file's contents; `None` when it does not exist (an editor may create it).
fn fingerprint(file: &Path) -> anyhow::Result<Option<u64>> {
    match std::fs::read(file) {
        Ok(bytes) => {
            let mut hasher = DefaultHasher::new();
            hasher.write(&bytes);
            Ok(Some(hasher.finish()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", file.display())),
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn visual_wins_over_editor() {
        let editor = Editor::resolve(vars(&[("VISUAL", "code -w"), ("EDITOR", "vi")]), None)
            .expect("resolves");
        assert_eq!(
            editor,
            Editor { program: "code".into(), args: vec!["-w".into()], fallback: None }
        );
    }

    #[test]
    fn blank_variables_are_skipped() {
        let editor =
            Editor::resolve(vars(&[("VISUAL", " "), ("EDITOR", "nano")]), None).expect("resolves");
        assert_eq!(editor.command_line(), "nano");
    }

    #[test]
    fn quoted_words_stay_together() {
        let editor =
            Editor::from_command(r#""/opt/My Editor/bin/edit" --wait "a b""#).expect("parses");
        assert_eq!(editor.program, "/opt/My Editor/bin/edit");
        assert_eq!(editor.args, ["--wait", "a b"]);
    }

    #[test]
    fn an_unclosed_quote_is_reported() {
        let err = Editor::resolve(vars(&[("EDITOR", "'vim")]), None).expect_err("rejects");
        assert!(format!("{err:#}").contains("$EDITOR"), "{err:#}");
    }

    #[test]
    fn without_variables_the_first_editor_on_path_is_chosen() {
        let dir = tempfile::tempdir().expect("temp dir");
        for name in ["vi", "nano"] {
            let file = dir.path().join(name);
            std::fs::write(&file, "").expect("write");
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        std::fs::write(dir.path().join("vim"), "").expect("write a non-executable vim");
        let editor = Editor::resolve(vars(&[]), Some(dir.path().as_os_str())).expect("resolves");
        assert_eq!(editor.command_line(), "nano");
        // Found, not chosen: the line shown while it runs says how to choose.
        assert_eq!(
            editor.opening("master/my.cnf"),
            "Editing master/my.cnf with nano: save and quit it to come back to the lesson. \
             No $VISUAL or $EDITOR is set; `export EDITOR=nano` (or another) chooses one."
        );
        // Debian's `editor` may ask which editor first: the line names one this machine has.
        for name in ["editor", "vim"] {
            let file = dir.path().join(name);
            std::fs::write(&file, "").expect("write");
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        std::fs::remove_file(dir.path().join("nano")).expect("no nano");
        let editor = Editor::resolve(vars(&[]), Some(dir.path().as_os_str())).expect("resolves");
        assert_eq!(editor.command_line(), "editor");
        assert!(editor.opening("master/my.cnf").ends_with("`export EDITOR=vim` (or another) chooses one."));
        let chosen = Editor::resolve(vars(&[("EDITOR", "vim")]), None).expect("resolves");
        assert_eq!(
            chosen.opening("master/my.cnf"),
            "Editing master/my.cnf with vim: save and quit it to come back to the lesson."
        );
    }

    #[test]
    fn no_editor_at_all_says_what_to_set() {
        let dir = tempfile::tempdir().expect("temp dir");
        let err =
            Editor::resolve(vars(&[]), Some(dir.path().as_os_str())).expect_err("nothing found");
        assert!(err.to_string().contains("export EDITOR="), "{err}");
    }
}
