//! One lifecycle operation at a time on a lab, across processes: two screens pressing `r`, or
//! a screen and a `sqlcourse restart`, would otherwise restart a server under each other's
//! wait and report the other's restart as a failure.

use std::path::PathBuf;

use anyhow::Context;
use rustix::fs::{FlockOperation, flock};

use crate::lab::Lab;

/// Held while an operation runs; the lock goes with the file when it is dropped (also when
/// the process dies).
pub(super) struct LabLock {
    _file: std::fs::File,
}

impl Lab {
    /// Waits until no other process works on this lab, then holds it.
    pub(super) async fn lock(&self) -> anyhow::Result<LabLock> {
        let path = lock_file(&self.names.lab);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open the lab's lock {}", path.display()))?;
        let file = tokio::task::spawn_blocking(move || {
            flock(&file, FlockOperation::LockExclusive).map(|()| file)
        })
        .await?
        .with_context(|| format!("cannot lock {}", path.display()))?;
        Ok(LabLock { _file: file })
    }
}

/// The lab's lock file, in the user's data directory (else the temporary folder).
fn lock_file(lab: &str) -> PathBuf {
    let dir = dirs::data_dir().unwrap_or_else(std::env::temp_dir);
    dir.join("sqlcourse").join("locks").join(format!("{lab}.lock"))
}
