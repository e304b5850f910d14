//! Reading the terminal's events on a thread of their own, with a way to stop while another
//! program has the terminal.
//!
//! The reader waits for input without polling (an idle screen costs no CPU). To stop, it
//! drops its event stream, which wakes crossterm's waiting read and ends it, so no read is
//! left pending that would take keys meant for an editor or a client.

use std::sync::mpsc::{self, Sender};

use futures_util::StreamExt;
use ratatui::crossterm::event::EventStream;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::tui::action::Action;

/// What the reader is told.
enum Control {
    /// Stop reading; say so on the sender once stopped.
    Pause(mpsc::Sender<()>),
    Resume,
}

/// The handle of the reader thread.
pub struct TerminalInput {
    control: UnboundedSender<Control>,
}

impl TerminalInput {
    /// Starts reading, sending what the events mean to `sender`. If the terminal goes away,
    /// the screen quits.
    pub fn start(sender: Sender<Action>) -> anyhow::Result<Self> {
        let (control, mut orders) = unbounded_channel();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| anyhow::anyhow!("cannot read the keyboard: {e}"))?;
        std::thread::spawn(move || {
            runtime.block_on(async move {
                let mut events = Some(EventStream::new());
                loop {
                    let order = match events.as_mut() {
                        Some(stream) => tokio::select! {
                            event = stream.next() => {
                                let action = match event {
                                    Some(Ok(event)) => Action::from_event(&event),
                                    Some(Err(_)) | None => Some(Action::Quit),
                                };
                                if let Some(action) = action {
                                    let quit = action == Action::Quit;
                                    if sender.send(action).is_err() || quit {
                                        return;
                                    }
                                }
                                continue;
                            }
                            order = orders.recv() => order,
                        },
                        None => orders.recv().await,
                    };
                    match order {
                        Some(Control::Pause(done)) => {
                            events = None;
                            let _ = done.send(());
                        }
                        Some(Control::Resume) => {
                            events.get_or_insert_with(EventStream::new);
                        }
                        None => return,
                    }
                }
            });
        });
        Ok(TerminalInput { control })
    }

    /// Stops reading, and returns once the reader has let go of the terminal.
    pub fn pause(&self) {
        let (done, stopped) = mpsc::channel();
        if self.control.send(Control::Pause(done)).is_ok() {
            let _ = stopped.recv();
        }
    }

    pub fn resume(&self) {
        let _ = self.control.send(Control::Resume);
    }
}
