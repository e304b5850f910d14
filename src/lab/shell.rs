//! The server's own command-line client, run inside its container and wired to this terminal.

use std::io::{IsTerminal, Write};
use std::os::fd::AsFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};
use bollard::Docker;
use bollard::container::LogOutput;
use bollard::exec::{CreateExecOptions, ResizeExecOptions, StartExecOptions, StartExecResults};
use futures_util::StreamExt;
use rustix::event::{PollFd, PollFlags, Timespec, poll};
use tokio::io::AsyncWriteExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::lab::endpoint::Password;

/// How often the keyboard reader looks up to see whether the client has ended.
const STDIN_POLL: Duration = Duration::from_millis(100);

/// Runs the server's client (`client`: `mariadb`, `mysql`) as root in `container` on this
/// terminal until it exits, and returns its exit code. The password travels in the client's environment
/// (`MYSQL_PWD`), never on a command line that `ps` shows.
///
/// On a terminal the client gets a TTY of the same size, kept in step when the window is
/// resized, and the terminal is in raw mode meanwhile, restored afterwards. A caller with a
/// full-screen interface suspends it first and stops reading keys until this returns. With
/// piped input the client reads it to the end, as `mariadb < file.sql` would.
pub async fn attach_client(
    docker: &Docker,
    container: &str,
    client: &str,
    password: &Password,
) -> anyhow::Result<i64> {
    let tty = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let exec = docker
        .create_exec(
            container,
            CreateExecOptions {
                cmd: Some(vec![client.to_owned(), "-uroot".to_owned()]),
                env: Some(vec![format!("MYSQL_PWD={}", password.expose())]),
                attach_stdin: Some(true),
                attach_stdout: Some(true),
                attach_stderr: Some(true),
                tty: Some(tty),
                ..Default::default()
            },
        )
        .await
        .with_context(|| format!("cannot start the client in container {container}"))?;
    let started = docker
        .start_exec(&exec.id, Some(StartExecOptions { tty, ..Default::default() }))
        .await
        .with_context(|| format!("cannot start the client in container {container}"))?;
    let StartExecResults::Attached { mut output, mut input } = started else {
        bail!("the client in container {container} started detached");
    };

    let raw = if tty { Some(RawMode::enable()?) } else { None };
    if tty {
        resize(docker, &exec.id).await;
    }
    let keyboard = StdinReader::start();
    let mut keys = keyboard.receiver;
    let mut resized =
        signal(SignalKind::window_change()).context("cannot watch the window size")?;
    let mut stdin_open = true;
    let mut stdout = std::io::stdout();
    let mut stderr = std::io::stderr();
    let result: anyhow::Result<()> = async {
        loop {
            tokio::select! {
                chunk = output.next() => match chunk {
                    Some(Ok(LogOutput::StdErr { message })) => {
                        stderr.write_all(&message)?;
                        stderr.flush()?;
                    }
                    Some(Ok(out)) => {
                        stdout.write_all(&out.into_bytes())?;
                        stdout.flush()?;
                    }
                    Some(Err(e)) => return Err(e).context("the connection to the client broke"),
                    None => return Ok(()),
                },
                bytes = keys.recv(), if stdin_open => match bytes {
                    Some(bytes) => input.write_all(&bytes).await?,
                    None => {
                        // End of piped input: let the client see it.
                        input.shutdown().await?;
                        stdin_open = false;
                    }
                },
                _ = resized.recv(), if tty => resize(docker, &exec.id).await,
            }
        }
    }
    .await;
    // The reader must be gone before the caller reads keys again, or it takes the first
    // key typed after the client ends (it notices the stop only between polls).
    drop(keys);
    keyboard.stop.store(true, Ordering::SeqCst);
    let _ = keyboard.thread.join();
    drop(raw);
    result?;
    exit_code(docker, &exec.id).await
}

/// Gives the client's TTY this terminal's size; a failure only leaves the old size.
async fn resize(docker: &Docker, exec_id: &str) {
    if let Ok((width, height)) = crossterm::terminal::size() {
        let _ = docker.resize_exec(exec_id, ResizeExecOptions { width, height }).await;
    }
}

/// The client's exit code, once Docker has recorded that it ended.
async fn exit_code(docker: &Docker, exec_id: &str) -> anyhow::Result<i64> {
    for _ in 0..50 {
        let info =
            docker.inspect_exec(exec_id).await.context("cannot read how the client ended")?;
        if info.running != Some(true) {
            return Ok(info.exit_code.unwrap_or(0));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    bail!("the client's output ended but it is still running")
}

/// Raw terminal mode for as long as it lives: keys go to the client one by one.
struct RawMode;

impl RawMode {
    fn enable() -> anyhow::Result<Self> {
        crossterm::terminal::enable_raw_mode().context("cannot put the terminal in raw mode")?;
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// Reads this process's standard input on its own thread, and stops when told to. It waits
/// with `poll` and reads only what is there, so when the client ends it leaves no read blocked
/// on the terminal that would swallow the next key meant for someone else.
struct StdinReader {
    receiver: mpsc::Receiver<Vec<u8>>,
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl StdinReader {
    fn start() -> Self {
        let (sender, receiver) = mpsc::channel(16);
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let stdin = std::io::stdin();
            let fd = stdin.as_fd();
            let timeout = Timespec { tv_sec: 0, tv_nsec: STDIN_POLL.as_nanos() as _ };
            let mut buf = vec![0u8; 4096];
            while !flag.load(Ordering::SeqCst) {
                let mut fds = [PollFd::new(&fd, PollFlags::IN)];
                match poll(&mut fds, Some(&timeout)) {
                    Ok(0) => continue,
                    Ok(_) => {}
                    Err(rustix::io::Errno::INTR) => continue,
                    Err(_) => break,
                }
                match rustix::io::read(fd, &mut buf[..]) {
                    Ok(0) => break,
                    Ok(n) => {
                        if sender.blocking_send(buf[..n].to_vec()).is_err() {
                            break;
                        }
                    }
                    Err(rustix::io::Errno::INTR | rustix::io::Errno::AGAIN) => continue,
                    Err(_) => break,
                }
            }
        });
        StdinReader { receiver, stop, thread }
    }
}
