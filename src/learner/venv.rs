//! The application's own Python: a virtual environment in its workspace folder, made on the
//! first run and filled from its requirements file, so no package goes into the system's
//! Python (which Debian and Ubuntu refuse, PEP 668) and the learner installs nothing by hand.
//!
//! The environment sees the system's packages (`--system-site-packages`): where they already
//! satisfy the requirements, nothing is downloaded, so a machine without the package index
//! still works when its Python has them.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Context;

/// The system Python the environment is made from.
const SYSTEM_PYTHON: &str = "python3";
/// Inside the environment, the requirements it was last filled from: unchanged, nothing runs.
const FILLED_FROM: &str = "sqlcourse-requirements.txt";

/// A virtual environment for an application folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Venv {
    /// The environment's folder (`app/.venv`).
    pub dir: PathBuf,
    /// The requirements file it is filled from.
    pub requirements: PathBuf,
}

impl Venv {
    /// The environment's own Python.
    pub fn python(&self) -> PathBuf {
        self.dir.join("bin").join("python")
    }

    /// The one command that activates it in a shell.
    pub fn activate_command(&self) -> String {
        format!(". {}", self.dir.join("bin").join("activate").display())
    }

    /// Whether it exists and holds what its requirements file asks for now.
    pub fn is_ready(&self) -> bool {
        let wanted = std::fs::read_to_string(&self.requirements).ok();
        let filled = std::fs::read_to_string(self.dir.join(FILLED_FROM)).ok();
        self.python().exists() && wanted.is_some() && wanted == filled
    }

    /// Makes the environment and installs the requirements when it is not ready; `say` gets
    /// each line of progress. The error says what to install or do.
    pub fn prepare(&self, say: &dyn Fn(String)) -> anyhow::Result<()> {
        if self.is_ready() {
            return Ok(());
        }
        let wanted = std::fs::read_to_string(&self.requirements)
            .with_context(|| format!("cannot read {}", self.requirements.display()))?;
        say(format!(
            "Preparing the application's Python in {} (first run only)…",
            self.dir.display()
        ));
        if !self.python().exists() {
            let dir = self.dir.display().to_string();
            run(
                Command::new(SYSTEM_PYTHON).args(["-m", "venv", "--system-site-packages", "--without-pip", &dir]),
                say,
            )
            .map_err(|failure| match failure {
                Failure::Missing => anyhow::anyhow!(
                    "{SYSTEM_PYTHON} is not installed: install Python 3 (`sudo apt install python3 python3-venv` on Debian and Ubuntu, `brew install python` on macOS), then press a again"
                ),
                Failure::Failed(output) => anyhow::anyhow!(
                    "cannot make a virtual environment in {dir} ({}): install Python's venv module (`sudo apt install python3-venv` on Debian and Ubuntu), then press a again",
                    last_line(&output)
                ),
            })?;
        }
        self.install(say)?;
        std::fs::write(self.dir.join(FILLED_FROM), wanted)
            .with_context(|| format!("cannot write in {}", self.dir.display()))?;
        say("The application's Python is ready.".to_owned());
        Ok(())
    }

    /// Installs the requirements with the system's pip aimed at the environment, or, where
    /// that pip is missing or too old for `--python`, with a pip put into the environment.
    fn install(&self, say: &dyn Fn(String)) -> anyhow::Result<()> {
        let python = self.python().display().to_string();
        let requirements = self.requirements.display().to_string();
        say(format!("Installing the packages of {requirements}…"));
        let outside = run(
            Command::new(SYSTEM_PYTHON)
                .args(["-m", "pip", "--python", &python, "install", "--quiet", "-r", &requirements]),
            say,
        );
        let output = match outside {
            Ok(()) => return Ok(()),
            Err(Failure::Failed(output)) if unreachable_index(&output) => output,
            Err(_) => {
                run(Command::new(&python).args(["-m", "ensurepip", "--default-pip"]), say).map_err(|_| {
                    anyhow::anyhow!(
                        "there is no pip to install the application's packages with: install it (`sudo apt install python3-pip python3-venv` on Debian and Ubuntu), then press a again"
                    )
                })?;
                match run(Command::new(&python).args(["-m", "pip", "install", "--quiet", "-r", &requirements]), say) {
                    Ok(()) => return Ok(()),
                    Err(Failure::Failed(output)) => output,
                    Err(Failure::Missing) => String::new(),
                }
            }
        };
        if unreachable_index(&output) {
            anyhow::bail!(
                "the package index cannot be reached, so the application's packages cannot be installed. Connect to the network and press a again, or install them into {} from a local copy: {python} -m pip install --no-index --find-links DIR -r {requirements}",
                self.dir.display()
            );
        }
        anyhow::bail!("installing the application's packages failed: {}", last_line(&output))
    }
}

/// How a helper command failed.
enum Failure {
    /// The program is not installed.
    Missing,
    /// It ran and failed; what it printed.
    Failed(String),
}

/// Runs a command, passing each line it prints on to `say`; keeps them for the error.
fn run(command: &mut Command, say: &dyn Fn(String)) -> Result<(), Failure> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Failure::Missing,
            _ => Failure::Failed(e.to_string()),
        })?;
    // pip writes its errors on stderr; read it on its own thread so neither pipe fills up.
    let stderr = child.stderr.take().map(|err| {
        std::thread::spawn(move || {
            BufReader::new(err).lines().map_while(Result::ok).collect::<Vec<String>>()
        })
    });
    let mut printed = Vec::new();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            say(format!("  {line}"));
            printed.push(line);
        }
    }
    for line in stderr.and_then(|t| t.join().ok()).unwrap_or_default() {
        say(format!("  {line}"));
        printed.push(line);
    }
    match child.wait() {
        Ok(status) if status.success() => Ok(()),
        Ok(_) => Err(Failure::Failed(printed.join("\n"))),
        Err(e) => Err(Failure::Failed(e.to_string())),
    }
}

/// pip's words for a package index it could not reach.
fn unreachable_index(output: &str) -> bool {
    [
        "Failed to establish a new connection",
        "Temporary failure in name resolution",
        "Network is unreachable",
        "No matching distribution found",
        "Could not find a version that satisfies",
    ]
    .iter()
    .any(|words| output.contains(words))
}

fn last_line(output: &str) -> &str {
    output.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no output").trim()
}

/// The environment of an application folder, when the lab asks for one.
pub fn of_app(dir: &Path, venv: Option<&str>, requirements: Option<&Path>) -> Option<Venv> {
    Some(Venv { dir: dir.join(venv?), requirements: requirements?.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_environment_is_made_once_and_its_python_runs() {
        let dir = tempfile::tempdir().expect("temp dir");
        let requirements = dir.path().join("requirements.txt");
        // Nothing to install: the test proves the environment, not the package index.
        std::fs::write(&requirements, "# no packages\n").expect("write");
        let venv = Venv { dir: dir.path().join(".venv"), requirements: requirements.clone() };
        assert!(!venv.is_ready());
        let said = std::sync::Mutex::new(Vec::new());
        venv.prepare(&|line| said.lock().expect("lines").push(line)).expect("prepares");
        let said = said.into_inner().expect("lines");
        assert!(said[0].starts_with("Preparing the application's Python in "), "{said:?}");
        assert!(venv.is_ready());
        let out = Command::new(venv.python())
            .args(["-c", "import sys; print(sys.prefix != sys.base_prefix)"])
            .output()
            .expect("the environment's python runs");
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "True");
        // A changed requirements file makes it fill again.
        std::fs::write(&requirements, "# still none\n").expect("write");
        assert!(!venv.is_ready());
        assert!(venv.activate_command().ends_with(".venv/bin/activate"));
    }

    #[test]
    fn an_unreachable_index_is_told_as_such() {
        let pip = "ERROR: Could not find a version that satisfies the requirement SQLAlchemy<2.2,>=2.0 (from versions: none)\nERROR: No matching distribution found for SQLAlchemy<2.2,>=2.0";
        assert!(unreachable_index(pip));
        assert!(!unreachable_index("ERROR: Invalid requirement: 'SQLAlchemy=>2'"));
    }
}
