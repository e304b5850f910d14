//! The lesson's terminal screen: the current step, the tasks, the lab, and the keys.
//!
//! One channel carries every [`Action`]: a thread forwards terminal events into it, and the
//! lab and grading workers send their news into it. The loop blocks on the channel, applies
//! what arrives to the [`App`](app::App), and redraws only when something changed, so an idle
//! screen costs no CPU.

pub mod action;
mod app;
mod draw;
mod highlight;
mod layout;
mod markdown;
mod terminal;
mod theme;
pub mod view;
mod wrap;

#[cfg(test)]
mod tests;

use std::io::IsTerminal;
use std::sync::mpsc::{self, Receiver, Sender};

use anyhow::Context;
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event;
use ratatui::layout::Rect;

use crate::content::Day;
use crate::workspace::Workspace;
use action::Action;

/// Opens the day's lesson full-screen until the learner quits.
///
/// `workers` receives a sender for background work (the lab, the grader): whatever they send
/// is shown as it arrives. The call returns when the learner quits.
pub fn run(
    day: &Day,
    workspace: &Workspace,
    workers: impl FnOnce(Sender<Action>),
) -> anyhow::Result<()> {
    let slug = &day.spec.slug;
    anyhow::ensure!(
        std::io::stdin().is_terminal() && std::io::stdout().is_terminal(),
        "the lesson needs a terminal: run `sqlcourse {slug}` in a terminal window \
         (scripts can use `sqlcourse {slug} check`)"
    );
    let mut guard = terminal::TerminalGuard::enter()?;
    let size = guard.terminal.size().context("cannot read the terminal's size")?;
    let area = Rect::new(0, 0, size.width, size.height);
    let mut app = app::App::new(day, workspace, theme::Theme::from_env(), area);
    guard.terminal.draw(|frame| draw::draw(frame, &app)).context("cannot draw")?;

    let (sender, actions) = mpsc::channel();
    forward_terminal_events(sender.clone());
    workers(sender);
    event_loop(&mut guard.terminal, &mut app, &actions)?;
    Ok(())
}

/// Applies actions as they arrive and redraws when one changed the screen, until the learner
/// quits or nothing can send any more. Blocks while nothing arrives. Returns the frames drawn.
fn event_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut app::App,
    actions: &Receiver<Action>,
) -> anyhow::Result<usize>
where
    B::Error: std::error::Error + Send + Sync + 'static,
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
        if changed {
            terminal.draw(|frame| draw::draw(frame, app)).context("cannot draw")?;
            frames += 1;
        }
    }
    Ok(frames)
}

/// Reads terminal events on a thread of its own (blocking, so no polling) and sends on those
/// that mean something. If the terminal goes away, the screen quits.
fn forward_terminal_events(sender: Sender<Action>) {
    std::thread::spawn(move || {
        loop {
            let action = match event::read() {
                Ok(event) => Action::from_event(&event),
                Err(_) => Some(Action::Quit),
            };
            if let Some(action) = action {
                let quit = action == Action::Quit;
                if sender.send(action).is_err() || quit {
                    break;
                }
            }
        }
    });
}
