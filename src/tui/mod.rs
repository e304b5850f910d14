//! The lesson's terminal screen: the current step, the tasks, the lab, the SQL console, the
//! application's output, and the keys.
//!
//! One channel carries every [`Action`]: a thread forwards terminal events into it, and the
//! lab and grading workers, the SQL workers and the application runner send their news into
//! it. The loop blocks on the channel, applies what arrives to the [`App`](state::App), carries
//! out the [`Effect`](effect::Effect)s it asked for, and redraws only when something changed,
//! so an idle screen costs no CPU.

pub mod action;
pub mod draw;
pub(crate) mod effect;
pub mod perform;
pub mod state;
pub mod term;
mod text;
pub mod workers;

#[cfg(test)]
mod tests;

use std::io::{IsTerminal, Write};
use std::sync::mpsc::{self, Receiver};

use anyhow::Context;
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};

use crate::course::content::Day;
use crate::learner::progress::{Loaded, Progress};
use crate::learner::workspace::Workspace;
use crate::tui::workers::lab::LabHandle;
use action::Action;
use perform::{Host, Performer};

/// Opens the day's lesson full-screen until the learner quits.
///
/// `start_lab` receives a sender for the lab's news (servers, grades), shown as it arrives,
/// and returns the handle the screen's requests go through. The call returns when the
/// learner quits.
pub fn run(
    day: &Day,
    workspace: &Workspace,
    start_lab: impl FnOnce(mpsc::Sender<Action>) -> LabHandle,
) -> anyhow::Result<()> {
    let slug = &day.spec.slug;
    anyhow::ensure!(
        std::io::stdin().is_terminal() && std::io::stdout().is_terminal(),
        "the lesson needs a terminal: run `sqlcourse {slug}` in a terminal window \
         (scripts can use `sqlcourse {slug} check`)"
    );
    anyhow::ensure!(
        std::env::var("TERM").map_or(true, |term| term != "dumb"),
        "the lesson needs a terminal that can draw a full screen, and TERM=dumb cannot: run \
         `sqlcourse {slug}` in a terminal emulator (scripts can use `sqlcourse {slug} check`)"
    );
    let guard = term::terminal::TerminalGuard::enter()?;
    let size = guard.terminal.size().context("cannot read the terminal's size")?;
    let area = ratatui::layout::Rect::new(0, 0, size.width, size.height);
    let mut app = state::App::new(day, workspace, draw::theme::Theme::from_env(), area);
    if let Some(file) = crate::sql::History::file_for_day(slug) {
        app.console.keep_history(crate::sql::History::kept_in(file));
    }
    // Resume at the learner's step; a progress file that could not be read was set aside.
    let loaded = Progress::load(slug);
    app.go_to(loaded.progress.step);
    if let Some(warning) = loaded.warning {
        app.update(Action::Warning(warning));
    }
    let (sender, actions) = mpsc::channel();
    let input = term::input::TerminalInput::start(sender.clone())?;
    let mut host = Screen { guard, input };
    host.guard.terminal.draw(|frame| draw::draw(frame, &app)).context("cannot draw")?;

    let lab = start_lab(sender.clone());
    let mut performer = Performer::new(day, workspace, sender, lab.clone());
    let ended = event_loop(&mut host, &mut app, &actions, &mut performer);
    finish_lab_operation(&mut host, &mut app, &lab);
    drop(host);
    for warning in &app.warnings {
        eprintln!("sqlcourse: {warning}");
    }
    remember_step(slug, app.step);
    ended.map(|_| ())
}

/// Waits, saying so on the screen, for the lab operation under way (a restart's stop and
/// start are two halves: leaving between them would leave the server stopped); one the
/// learner asked for that has not begun yet is dropped.
fn finish_lab_operation(host: &mut Screen, app: &mut state::App, lab: &LabHandle) {
    let Some(doing) = lab.close() else { return };
    app.notice = Some(format!("Finishing before quitting: {doing}…"));
    // Nothing to do about a terminal that cannot be drawn on any more: wait all the same.
    let _ = host.guard.terminal.draw(|frame| draw::draw(frame, app));
    lab.until_idle();
}

/// Remembers the step on screen, so the next start opens there (the lab's thread records the
/// tasks done in the same file). The screen is gone by then: a file that went bad meanwhile is
/// reported on the terminal.
fn remember_step(slug: &str, step: usize) {
    let Loaded { mut progress, warning } = Progress::load(slug);
    if let Some(warning) = warning {
        eprintln!("sqlcourse: {warning}");
    }
    if progress.step != step {
        progress.step = step;
        if let Err(e) = progress.save(slug) {
            eprintln!("sqlcourse: {e:#}: the step you were on is not remembered");
        }
    }
}

/// The real terminal: drawn on through the guard, keys read by the input thread.
struct Screen {
    guard: term::terminal::TerminalGuard,
    input: term::input::TerminalInput,
}

impl Host for Screen {
    type Backend = CrosstermBackend<std::io::Stdout>;

    fn terminal(&mut self) -> &mut Terminal<Self::Backend> {
        &mut self.guard.terminal
    }

    fn suspended<T>(&mut self, job: impl FnOnce() -> T) -> anyhow::Result<T> {
        self.input.pause();
        let result = self.guard.suspended(job);
        self.input.resume();
        result
    }

    fn write_escape(&mut self, sequence: &str) -> anyhow::Result<()> {
        let mut out = std::io::stdout();
        out.write_all(sequence.as_bytes())
            .and_then(|()| out.flush())
            .context("cannot write to the terminal")
    }
}

/// Applies actions as they arrive, carries out the effects they ask for, and redraws when
/// something changed, until the learner quits or nothing can send any more. Blocks while
/// nothing arrives. Returns the frames drawn.
pub fn event_loop<H: Host>(
    host: &mut H,
    app: &mut state::App,
    actions: &Receiver<Action>,
    performer: &mut Performer,
) -> anyhow::Result<usize>
where
    <H::Backend as Backend>::Error: std::error::Error + Send + Sync + 'static,
{
    let mut frames = 0;
    while let Ok(action) = actions.recv() {
        let mut changed = app.update(action);
        // Take whatever else is queued (a burst of wheel notches, a resize drag) before drawing.
        while let Ok(action) = actions.try_recv() {
            changed |= app.update(action);
        }
        if app.quit {
            break;
        }
        changed |= perform_effects(host, app, performer)?;
        if app.quit {
            break;
        }
        if changed {
            host.terminal().draw(|frame| draw::draw(frame, app)).context("cannot draw")?;
            frames += 1;
        }
    }
    Ok(frames)
}

/// Carries out what the app asked for; returns whether the screen changed.
fn perform_effects<H: Host>(
    host: &mut H,
    app: &mut state::App,
    performer: &mut Performer,
) -> anyhow::Result<bool>
where
    <H::Backend as Backend>::Error: std::error::Error + Send + Sync + 'static,
{
    let mut changed = false;
    loop {
        let effects = app.take_effects();
        if effects.is_empty() {
            return Ok(changed);
        }
        for effect in effects {
            let suspends = effect.needs_terminal();
            if let Some(outcome) = performer.perform(effect, host) {
                changed |= app.update(outcome);
            }
            if suspends {
                // The window may have been resized meanwhile, unseen.
                let size = host.terminal().size().context("cannot read the terminal's size")?;
                app.update(Action::Resize { width: size.width, height: size.height });
                changed = true;
            }
        }
    }
}
