//! Reaching a server over SQL: its endpoint, and the readiness probe that waits until it
//! really accepts SQL (never a fixed sleep).

use std::time::{Duration, Instant};

use mysql::{Conn, OptsBuilder};
use serde::Serialize;

/// How long one connection attempt may take before it counts as failed.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// How long one statement may take (grading and status statements are all small).
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Pause between readiness attempts: short, because a fresh server answers within a fraction
/// of a second, and an attempt before it listens costs a refused connection, nothing more.
const RETRY_INTERVAL: Duration = Duration::from_millis(10);
/// "Access denied" may come from a server still initialising; after this long it is the answer.
const DENIED_GRACE: Duration = Duration::from_secs(5);

/// Where and as whom to reach a server over SQL from this machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub user: String,
    #[serde(skip)]
    pub password: Password,
}

/// A secret that must reach a server and nothing else: it has its own type so it cannot be
/// passed where a name or a command is expected, and it never prints.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Password(String);

impl Password {
    pub fn new(secret: impl Into<String>) -> Self {
        Password(secret.into())
    }

    /// The secret itself, for the one place that hands it to a server.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Password {
    fn from(secret: &str) -> Self {
        Password::new(secret)
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(hidden)")
    }
}

impl Endpoint {
    /// Connection options: TCP only (the server's own socket path means nothing on this side
    /// of the container), and timeouts so a stuck server cannot hang the caller.
    pub fn opts(&self) -> OptsBuilder {
        OptsBuilder::new()
            .ip_or_hostname(Some(self.host.clone()))
            .tcp_port(self.port)
            .user(Some(self.user.clone()))
            .pass(Some(self.password.expose().to_owned()))
            .prefer_socket(false)
            .tcp_connect_timeout(Some(CONNECT_TIMEOUT))
            .read_timeout(Some(READ_TIMEOUT))
            .write_timeout(Some(READ_TIMEOUT))
    }

    /// Opens one blocking connection.
    pub fn connect(&self) -> mysql::Result<Conn> {
        Conn::new(self.opts())
    }

    /// Runs blocking SQL work on a fresh connection, off the async threads.
    pub async fn run<T, F>(&self, work: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn) -> mysql::Result<T> + Send + 'static,
    {
        let endpoint = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = endpoint.connect()?;
            work(&mut conn)
        })
        .await?
        .map_err(|e| anyhow::anyhow!("{}:{}: {e}", self.host, self.port))
    }
}

/// Why a server did not become ready.
#[derive(Debug, Clone, PartialEq)]
pub enum NotReady {
    /// It answered, but refused the lab's root password.
    Rejected(String),
    /// It did not accept SQL in time; the last connection error.
    TimedOut(String),
}

impl std::fmt::Display for NotReady {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotReady::Rejected(e) => write!(f, "the server refuses the lab's root password ({e})"),
            NotReady::TimedOut(e) => write!(f, "the server did not accept SQL in time ({e})"),
        }
    }
}

/// Waits until the server accepts a login and answers a statement.
pub async fn wait_until_ready(endpoint: &Endpoint, limit: Duration) -> Result<(), NotReady> {
    let start = Instant::now();
    loop {
        let attempt = endpoint.run(|conn| conn.ping()).await;
        let error = match attempt {
            Ok(()) => return Ok(()),
            Err(e) => e.to_string(),
        };
        if is_access_denied(&error) && start.elapsed() > DENIED_GRACE {
            return Err(NotReady::Rejected(error));
        }
        if start.elapsed() > limit {
            return Err(NotReady::TimedOut(error));
        }
        tokio::time::sleep(RETRY_INTERVAL).await;
    }
}

fn is_access_denied(error: &str) -> bool {
    error.contains("ERROR 1045")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_never_prints_its_password() {
        let endpoint = Endpoint {
            host: "127.0.0.1".into(),
            port: 3306,
            user: "root".into(),
            password: Password::new("s3cret-root"),
        };
        let shown = format!("{endpoint:?} {}", serde_json::json!(endpoint));
        assert!(!shown.contains("s3cret-root"), "{shown}");
        assert_eq!(endpoint.password.expose(), "s3cret-root");
    }
}
