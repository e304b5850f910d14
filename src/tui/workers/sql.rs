//! One SQL session per server, on a thread of its own: inputs go in over a channel, results
//! come back as actions, and the screen never waits for a server.

use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};

use crate::tui::action::Action;
use crate::lab::endpoint::Endpoint;
use crate::tui::workers::lab::LabHandle;
use crate::sql::{Canceller, Session, SqlError};

/// A server's session thread.
pub struct SqlWorker {
    server: String,
    inputs: Sender<String>,
    /// The session's canceller, once it is connected.
    canceller: Arc<Mutex<Option<Canceller>>>,
    results: Sender<Action>,
}

impl SqlWorker {
    /// Starts the thread; it connects on the first input, where the lab says the server is.
    pub fn start(server: &str, lab: LabHandle, results: Sender<Action>) -> Self {
        let (inputs, queue) = mpsc::channel::<String>();
        let canceller = Arc::new(Mutex::new(None));
        let worker = SqlWorker {
            server: server.to_owned(),
            inputs,
            canceller: Arc::clone(&canceller),
            results: results.clone(),
        };
        let server = server.to_owned();
        std::thread::spawn(move || {
            let mut session: Option<(Session, Endpoint)> = None;
            for input in queue {
                let result = run(&server, &lab, &canceller, &mut session, &input);
                if results.send(Action::SqlDone { server: server.clone(), result }).is_err() {
                    return;
                }
            }
        });
        worker
    }

    /// Queues an input; its result comes back as `Action::SqlDone`.
    pub fn run(&self, input: String) {
        if self.inputs.send(input).is_err() {
            let result = Err(format!("the {} session has stopped; reopen sqlcourse", self.server));
            let _ = self.results.send(Action::SqlDone { server: self.server.clone(), result });
        }
    }

    /// Cancels the running statement from another thread (cancelling opens a connection of
    /// its own); a failure is reported as a notice.
    pub fn cancel(&self) {
        let Some(canceller) = self.canceller.lock().ok().and_then(|c| c.clone()) else {
            return;
        };
        let results = self.results.clone();
        let server = self.server.clone();
        std::thread::spawn(move || {
            if let Err(e) = canceller.cancel() {
                let _ = results.send(Action::Notice(format!("cannot cancel on the {server}: {e}")));
            }
        });
    }
}

/// Runs one input, connecting first when there is no session or the lab now publishes the
/// server elsewhere (a reset or a recreated container moves its port and password).
fn run(
    server: &str,
    lab: &LabHandle,
    canceller: &Mutex<Option<Canceller>>,
    session: &mut Option<(Session, Endpoint)>,
    input: &str,
) -> Result<crate::sql::Run, String> {
    let (_, endpoint) =
        lab.running(server).map_err(|e| format!("{e:#}; Ctrl-T sends the input to the other server"))?;
    if session.as_ref().is_some_and(|(_, connected)| *connected != endpoint) {
        *session = None;
    }
    if session.is_none() {
        let opened = Session::connect(&endpoint).map_err(|e| {
            format!("cannot connect to the {server}: {e}. If it is starting or restarting, try again in a moment.")
        })?;
        if let Ok(mut slot) = canceller.lock() {
            *slot = Some(opened.canceller());
        }
        *session = Some((opened, endpoint));
    }
    let Some((open, _)) = session.as_mut() else {
        return Err(format!("no session on the {server}"));
    };
    let run = open.run(input);
    // The server may have come back on another port (the lab was recreated): look it up again
    // next time.
    if run.error().is_some_and(|e| e.code == SqlError::CANNOT_CONNECT) {
        *session = None;
    }
    Ok(run)
}
