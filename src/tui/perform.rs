//! Carrying out the effects the screen asks for: SQL goes to a worker per server, the editor
//! and the servers' own clients get the terminal for a while, the clipboard gets an escape
//! sequence, and the application runs on threads that report back.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;

use anyhow::Context;
use ratatui::Terminal;
use ratatui::backend::Backend;

use crate::tui::action::Action;
use crate::tui::effect::{AfterEdit, Effect};
use crate::tui::workers::sql::SqlWorker;
use crate::course::content::Day;
use crate::learner::editor::{Editor, FileChange};
use crate::course::spec::{AppSpec, LabSpec};
use crate::learner::workspace::Workspace;
use crate::tui::workers::lab::{LabHandle, Request};
use crate::lab::shell;
use crate::learner::app_run;
use crate::learner::venv::Venv;
use crate::tui::term::{clipboard, signals};

/// The terminal the screen is drawn on, as the effects need it.
pub trait Host {
    type Backend: Backend;

    fn terminal(&mut self) -> &mut Terminal<Self::Backend>;

    /// Runs `job` with the terminal handed over (the full screen left, keys not read), then
    /// takes the terminal back.
    fn suspended<T>(&mut self, job: impl FnOnce() -> T) -> anyhow::Result<T>;

    /// Writes an escape sequence straight to the terminal.
    fn write_escape(&mut self, sequence: &str) -> anyhow::Result<()>;
}

/// Carries out effects for one day's screen.
pub struct Performer {
    workspace: Workspace,
    spec: LabSpec,
    app: Option<(PathBuf, AppSpec)>,
    venv: Option<Venv>,
    sender: Sender<Action>,
    lab: LabHandle,
    workers: HashMap<String, SqlWorker>,
}

impl Performer {
    /// `sender` carries results back to the screen; `lab` knows where the servers answer.
    pub fn new(day: &Day, workspace: &Workspace, sender: Sender<Action>, lab: LabHandle) -> Self {
        let app = day.spec.app.clone().and_then(|spec| Some((workspace.app_dir(day)?, spec)));
        Performer {
            workspace: workspace.clone(),
            spec: day.spec.clone(),
            app,
            venv: workspace.app_venv(day),
            sender,
            lab,
            workers: HashMap::new(),
        }
    }

    /// Carries out an effect. What it leads to at once (such as a notice after the editor
    /// closed) is returned; what takes longer arrives on the sender.
    pub fn perform(&mut self, effect: Effect, host: &mut impl Host) -> Option<Action> {
        match effect {
            Effect::RunSql { server, input } => {
                let (lab, sender) = (&self.lab, &self.sender);
                self.workers
                    .entry(server.clone())
                    .or_insert_with(|| SqlWorker::start(&server, lab.clone(), sender.clone()))
                    .run(input);
                None
            }
            Effect::Cancel { server } => {
                if let Some(worker) = self.workers.get(&server) {
                    worker.cancel();
                }
                None
            }
            Effect::Edit(edit) => Some(Action::Notice(self.edit(&edit.file, &edit.then, host))),
            Effect::Client { server } => Some(Action::Notice(self.client(&server, host))),
            Effect::Copy { text } => {
                let notice = match host.write_escape(&clipboard::osc52(&text)) {
                    Ok(()) => {
                        let lines = text.lines().count();
                        let lines =
                            if lines == 1 { "1 line".to_owned() } else { format!("{lines} lines") };
                        // Nothing answers an OSC 52 request: say what was done, not more.
                        format!(
                            "asked the terminal to copy {lines} (OSC 52); if it ignores that, select with Shift-drag"
                        )
                    }
                    Err(e) => format!("cannot copy: {e:#}"),
                };
                Some(Action::Notice(notice))
            }
            Effect::RunApp => {
                let Some((dir, spec)) = &self.app else {
                    return Some(Action::AppFailed("this lesson has no application".to_owned()));
                };
                let sender = self.sender.clone();
                let record = Some(self.workspace.app_run_record());
                let started = app_run::start(dir, spec, self.venv.as_ref(), record, move |event| {
                    let _ = sender.send(Action::App(event));
                });
                started.err().map(|e| Action::AppFailed(format!("{e:#}")))
            }
            Effect::Lab(request) => (!self.lab.request(request))
                .then(|| Action::Notice("the lab's thread has stopped; reopen sqlcourse".to_owned())),
        }
    }

    /// Opens a workspace file in the editor; the notice says what to do next.
    fn edit(&self, file: &Path, then: &AfterEdit, host: &mut impl Host) -> String {
        let editor = match Editor::from_env() {
            Ok(editor) => editor,
            Err(e) => return format!("{e:#}"),
        };
        if let Some(dir) = file.parent()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            return format!("cannot create {}: {e}", dir.display());
        }
        let opening = editor.opening(&self.workspace.shown(file));
        match host.suspended(|| {
            println!("{opening}");
            let change = editor.open_watched(file, signals::handed_to);
            signals::handed_back();
            change
        }) {
            Ok(Ok(change)) => {
                if change == FileChange::Changed {
                    // A saved file is graded at once (as "not applied" until the restart).
                    self.lab.request(Request::Recheck);
                }
                edited_notice(&self.workspace.shown(file), then, change)
            }
            Ok(Err(e)) | Err(e) => format!("{e:#}"),
        }
    }

    /// Opens a server's own client in its container, when it runs.
    fn client(&self, server: &str, host: &mut impl Host) -> String {
        let result = (|| {
            let (info, endpoint) = self.lab.running(server)?;
            let runtime = runtime()?;
            let docker = runtime.block_on(crate::lab::docker::connect())?.docker;
            let container = info.container;
            let engine = info.engine.unwrap_or_default();
            let client = self.spec.engine(engine)?.client.clone();
            let password = endpoint.password;
            let code = host.suspended(|| {
                println!(
                    "The {server}'s own client, in container {container}. \
                     Type exit to come back to the lesson."
                );
                runtime.block_on(shell::attach_client(&docker, &container, &client, &password))
            })??;
            Ok(match code {
                0 => format!("back from the {server}'s client"),
                code => format!("the {server}'s client ended with code {code}"),
            })
        })();
        result.unwrap_or_else(|e: anyhow::Error| format!("{e:#}"))
    }
}

/// What to tell the learner after an edit.
fn edited_notice(shown: &str, then: &AfterEdit, change: FileChange) -> String {
    match (change, then) {
        (FileChange::Changed, AfterEdit::Restart(server)) => {
            format!("{shown} saved — press r to restart the {server} so it takes effect")
        }
        (FileChange::Changed, AfterEdit::RunApp) => {
            format!("{shown} saved — press a to run the application with it")
        }
        (FileChange::Unchanged, _) => format!("{shown} unchanged"),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_says_how_it_takes_effect() {
        assert_eq!(
            edited_notice("master/my.cnf", &AfterEdit::Restart("master".into()), FileChange::Changed),
            "master/my.cnf saved — press r to restart the master so it takes effect"
        );
        assert_eq!(
            edited_notice("slave/my.cnf", &AfterEdit::Restart("slave".into()), FileChange::Unchanged),
            "slave/my.cnf unchanged"
        );
        assert_eq!(
            edited_notice("app/settings.py", &AfterEdit::RunApp, FileChange::Changed),
            "app/settings.py saved — press a to run the application with it"
        );
    }
}
