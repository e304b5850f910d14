//! The learner's progress in a day: tasks completed (and when), and the step they are on.
//!
//! Kept in the user's data directory (`$XDG_DATA_HOME/sqlcourse/progress/<slug>.json`; without
//! the variable, `~/.local/share` on Linux, `~/Library/Application Support` on macOS). A file
//! that cannot be read is moved aside with a warning: losing progress is better than crashing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::course::spec::LabSpec;

/// A day's progress.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    /// Completed task ids, with the time (Unix seconds) each was first seen done.
    #[serde(default)]
    pub completed: BTreeMap<String, u64>,
    /// The lesson step the learner was reading (0-based).
    #[serde(default)]
    pub step: usize,
}

/// Progress as loaded, with a warning for the learner when the file had to be set aside.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub progress: Progress,
    pub warning: Option<String>,
}

impl Progress {
    /// Where a day's progress is kept; `None` when the system has no data directory.
    pub fn file(slug: &str) -> Option<PathBuf> {
        crate::learner::folders::data_home().map(|d| d.join("sqlcourse").join("progress").join(format!("{slug}.json")))
    }

    /// Loads a day's progress; a missing file is a fresh start.
    pub fn load(slug: &str) -> Loaded {
        match Progress::file(slug) {
            Some(file) => Progress::load_from(&file),
            None => Loaded {
                progress: Progress::default(),
                warning: Some("no data directory found (set XDG_DATA_HOME): progress is not kept".into()),
            },
        }
    }

    /// Sets a day's progress file aside if it went bad since it was read (a screen open for
    /// hours checks it as it goes); the warning when it did.
    pub fn check(slug: &str) -> Option<String> {
        Progress::load_from(&Progress::file(slug)?).warning
    }

    /// Loads progress from a file; one that cannot be read is renamed to
    /// `<file>.corrupt-<unix time>` and progress starts afresh.
    pub fn load_from(file: &Path) -> Loaded {
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Loaded { progress: Progress::default(), warning: None };
            }
            Err(e) => return set_aside(file, &e.to_string()),
        };
        match serde_json::from_str(&text) {
            Ok(progress) => Loaded { progress, warning: None },
            Err(e) => set_aside(file, &e.to_string()),
        }
    }

    /// Saves a day's progress.
    pub fn save(&self, slug: &str) -> anyhow::Result<()> {
        let file = Progress::file(slug).context("no data directory found (set XDG_DATA_HOME)")?;
        self.save_to(&file)
    }

    /// Saves to a file, atomically: a crash mid-write leaves the old file.
    pub fn save_to(&self, file: &Path) -> anyhow::Result<()> {
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let temp = file.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(self).context("progress as JSON")?;
        std::fs::write(&temp, text + "\n").with_context(|| format!("cannot write {}", temp.display()))?;
        std::fs::rename(&temp, file).with_context(|| format!("cannot write {}", file.display()))
    }

    /// Forgets a day's progress (`reset`).
    pub fn clear(slug: &str) -> anyhow::Result<()> {
        let Some(file) = Progress::file(slug) else { return Ok(()) };
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("cannot remove {}", file.display()))
            }
            _ => Ok(()),
        }
    }

    /// Notes the tasks done now, by id; returns the ids completed for the first time.
    pub fn record<'a>(&mut self, done: impl IntoIterator<Item = &'a str>, now: u64) -> Vec<String> {
        let mut new = Vec::new();
        for id in done {
            if !self.completed.contains_key(id) {
                self.completed.insert(id.to_owned(), now);
                new.push(id.to_owned());
            }
        }
        new
    }

    /// How many of the day's tasks are completed (ids no longer in the lab do not count).
    pub fn done_count(&self, spec: &LabSpec) -> usize {
        spec.tasks.iter().filter(|t| self.completed.contains_key(&t.id)).count()
    }
}

/// The current time in Unix seconds.
pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn set_aside(file: &Path, why: &str) -> Loaded {
    let mut aside = file.as_os_str().to_owned();
    aside.push(format!(".corrupt-{}", now()));
    let aside = PathBuf::from(aside);
    let warning = match std::fs::rename(file, &aside) {
        Ok(()) => format!(
            "your progress file {} could not be read ({why}); it was moved to {} and progress starts afresh",
            file.display(),
            aside.display()
        ),
        Err(e) => format!(
            "your progress file {} could not be read ({why}) nor moved aside ({e}); progress starts afresh",
            file.display()
        ),
    };
    Loaded { progress: Progress::default(), warning: Some(warning) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_and_loads_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("progress").join("day20.json");
        let mut progress = Progress { step: 3, ..Progress::default() };
        let new = progress.record(["master-config"], 1_700_000_000);
        assert_eq!(new, ["master-config"]);
        progress.save_to(&file).expect("saved");
        let loaded = Progress::load_from(&file);
        assert_eq!(loaded.warning, None);
        assert_eq!(loaded.progress, progress);
        assert_eq!(loaded.progress.completed["master-config"], 1_700_000_000);
    }

    #[test]
    fn first_completion_time_is_kept() {
        let mut progress = Progress::default();
        progress.record(["a"], 10);
        assert!(progress.record(["a"], 20).is_empty());
        assert_eq!(progress.completed["a"], 10);
    }

    #[test]
    fn a_missing_file_is_a_fresh_start() {
        let dir = tempfile::tempdir().expect("temp dir");
        let loaded = Progress::load_from(&dir.path().join("none.json"));
        assert_eq!(loaded, Loaded { progress: Progress::default(), warning: None });
    }

    #[test]
    fn a_corrupted_file_is_moved_aside_with_a_warning() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("day20.json");
        std::fs::write(&file, "{\"completed\": {\"master-config\": tru").expect("written");
        let loaded = Progress::load_from(&file);
        assert_eq!(loaded.progress, Progress::default());
        let warning = loaded.warning.expect("a warning");
        assert!(warning.contains("could not be read") && warning.contains(".corrupt-"), "{warning}");
        assert!(!file.exists(), "the corrupted file is no longer in the way");
        let aside: Vec<_> = std::fs::read_dir(dir.path())
            .expect("listing")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(aside.len(), 1);
        assert!(aside[0].starts_with("day20.json.corrupt-"), "{aside:?}");
        // A new save works after that.
        Progress::default().save_to(&file).expect("saved afresh");
        assert_eq!(Progress::load_from(&file).warning, None);
    }

    #[test]
    fn done_count_counts_only_the_labs_tasks() {
        let spec = LabSpec::parse(include_str!("../../labs/day20/lab.toml"), "lab.toml").expect("spec");
        let mut progress = Progress::default();
        progress.completed.insert("master-config".into(), 1);
        progress.completed.insert("gone-task".into(), 1);
        assert_eq!(progress.done_count(&spec), 1);
    }
}
