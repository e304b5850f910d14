//! What was typed in a console, browsed with Up and Down like a shell's history, searched with
//! Ctrl-R, and kept across sessions per day in the user's state folder (as the `mariadb`
//! client keeps `~/.mariadb_history`, never with a password in it).

use std::io::Write;
use std::path::{Path, PathBuf};

/// Entries kept before the oldest are dropped.
const DEFAULT_LIMIT: usize = 1000;

/// The inputs run in a console, oldest first, with a cursor for browsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    entries: Vec<String>,
    limit: usize,
    /// While browsing: the entry shown, as an index into `entries`.
    cursor: Option<usize>,
    /// While browsing: what was being typed before the first Up, given back past the newest.
    draft: String,
    /// Where entries are kept across sessions, one JSON string a line.
    file: Option<PathBuf>,
}

impl Default for History {
    fn default() -> Self {
        History::with_limit(DEFAULT_LIMIT)
    }
}

impl History {
    /// An empty history keeping at most `limit` entries (at least one).
    pub fn with_limit(limit: usize) -> Self {
        History { entries: Vec::new(), limit: limit.max(1), cursor: None, draft: String::new(), file: None }
    }

    /// The history kept in `file`: what it holds now, and every later input that is not
    /// secret appended to it. An unreadable file gives an empty history (nothing is lost: it
    /// is only appended to).
    pub fn kept_in(file: PathBuf) -> Self {
        let mut history = History::default();
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        for line in &lines {
            if let Ok(entry) = serde_json::from_str::<String>(line) {
                history.push(&entry);
            }
        }
        // Rewritten only when it grew well past the limit, so appends stay cheap.
        if lines.len() > 2 * history.limit {
            let kept: String = history
                .entries
                .iter()
                .filter_map(|e| serde_json::to_string(e).ok())
                .map(|line| line + "\n")
                .collect();
            let _ = std::fs::write(&file, kept);
        }
        history.file = Some(file);
        history
    }

    /// Where a day's console history is kept: `$XDG_STATE_HOME/sqlcourse/history/<day>`
    /// (see [`crate::learner::folders::state_home`]).
    pub fn file_for_day(day: &str) -> Option<PathBuf> {
        let base = crate::learner::folders::state_home()?;
        Some(base.join("sqlcourse").join("history").join(day))
    }

    /// Records an input that was run, and stops browsing. Blank input and a repeat of the
    /// newest entry are not recorded.
    pub fn push(&mut self, input: &str) {
        self.cursor = None;
        self.draft.clear();
        let input = input.trim();
        if input.is_empty() || self.entries.last().is_some_and(|last| last == input) {
            return;
        }
        if self.entries.len() == self.limit {
            self.entries.remove(0);
        }
        self.entries.push(input.to_owned());
        if let Some(file) = &self.file
            && !holds_secret(input)
        {
            let _ = append(file, input);
        }
    }

    /// The newest entry containing `query` (case aside) that is older than entry `before`
    /// (than none: the newest of all), as Ctrl-R finds it.
    pub fn find_back(&self, query: &str, before: Option<usize>) -> Option<usize> {
        let query = query.to_lowercase();
        let end = before.unwrap_or(self.entries.len()).min(self.entries.len());
        self.entries[..end].iter().rposition(|e| e.to_lowercase().contains(&query))
    }

    pub fn entry(&self, index: usize) -> Option<&str> {
        self.entries.get(index).map(String::as_str)
    }

    /// One entry older than the one shown. `typing` is the input line now, kept to come back
    /// to. At the oldest entry it stays there; with no entries it returns `None`.
    pub fn up(&mut self, typing: &str) -> Option<&str> {
        let index = match self.cursor {
            None => {
                if self.entries.is_empty() {
                    return None;
                }
                self.draft = typing.to_owned();
                self.entries.len() - 1
            }
            Some(i) => i.saturating_sub(1),
        };
        self.cursor = Some(index);
        self.entries.get(index).map(String::as_str)
    }

    /// One entry newer than the one shown; past the newest, the text typed before browsing.
    /// `None` when not browsing.
    pub fn down(&mut self) -> Option<&str> {
        let index = self.cursor?;
        if index + 1 < self.entries.len() {
            self.cursor = Some(index + 1);
            self.entries.get(index + 1).map(String::as_str)
        } else {
            self.cursor = None;
            Some(self.draft.as_str())
        }
    }

    /// Whether Up or Down moved away from the line being typed.
    pub fn is_browsing(&self) -> bool {
        self.cursor.is_some()
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> &[String] {
        &self.entries
    }
}

/// Whether an input carries a password in clear (`IDENTIFIED BY '…'`, `MASTER_PASSWORD='…'`,
/// `SET PASSWORD`): such inputs are never written to the history file.
pub fn holds_secret(input: &str) -> bool {
    let words = input.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase();
    words.contains("IDENTIFIED BY") || words.contains("PASSWORD")
}

fn append(file: &Path, input: &str) -> std::io::Result<()> {
    if let Some(folder) = file.parent() {
        std::fs::create_dir_all(folder)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options.open(file)?;
    writeln!(out, "{}", serde_json::to_string(input).map_err(std::io::Error::other)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(entries: &[&str]) -> History {
        let mut h = History::default();
        for e in entries {
            h.push(e);
        }
        h
    }

    #[test]
    fn up_walks_back_and_stops_at_the_oldest() {
        let mut h = history(&["one", "two", "three"]);
        assert_eq!(h.up(""), Some("three"));
        assert_eq!(h.up(""), Some("two"));
        assert_eq!(h.up(""), Some("one"));
        assert_eq!(h.up(""), Some("one"));
    }

    #[test]
    fn down_walks_forward_and_gives_back_the_draft() {
        let mut h = history(&["one", "two"]);
        assert_eq!(h.up("SELECT half"), Some("two"));
        assert_eq!(h.up("ignored while browsing"), Some("one"));
        assert_eq!(h.down(), Some("two"));
        assert_eq!(h.down(), Some("SELECT half"));
        assert!(!h.is_browsing());
        assert_eq!(h.down(), None);
    }

    #[test]
    fn empty_history_has_nothing_to_show() {
        let mut h = History::default();
        assert_eq!(h.up("typing"), None);
        assert_eq!(h.down(), None);
    }

    #[test]
    fn consecutive_repeats_and_blank_input_are_not_recorded() {
        let h = history(&["SELECT 1;", "SELECT 1;", "  ", "SELECT 2;", "SELECT 1;  "]);
        assert_eq!(h.entries(), ["SELECT 1;", "SELECT 2;", "SELECT 1;"]);
    }

    #[test]
    fn pushing_stops_browsing() {
        let mut h = history(&["one", "two"]);
        h.up("");
        h.push("three");
        assert!(!h.is_browsing());
        assert_eq!(h.up(""), Some("three"));
    }

    #[test]
    fn the_oldest_entries_are_dropped_past_the_limit() {
        let mut h = History::with_limit(2);
        for e in ["a", "b", "c"] {
            h.push(e);
        }
        assert_eq!(h.entries(), ["b", "c"]);
    }

    #[test]
    fn inputs_are_kept_across_sessions_except_those_with_a_password_in_clear() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("state/sqlcourse/history/day20");
        let mut h = History::kept_in(file.clone());
        h.push("SHOW MASTER STATUS;");
        h.push("CREATE USER 'repl'@'%' IDENTIFIED   by 'secret';");
        h.push("CHANGE MASTER TO MASTER_HOST='master',\n  MASTER_PASSWORD='secret';");
        h.push("SELECT\n  2;");
        assert_eq!(h.entries().len(), 4, "this session still recalls them all");
        let again = History::kept_in(file.clone());
        assert_eq!(again.entries(), ["SHOW MASTER STATUS;", "SELECT\n  2;"]);
        let text = std::fs::read_to_string(&file).expect("the file");
        assert!(!text.contains("secret"), "{text}");
        assert!(holds_secret("set password for root = password('x')"));
        assert!(!holds_secret("SELECT user FROM mysql.user"));
    }

    #[test]
    fn ctrl_r_finds_older_and_older_matches_case_aside() {
        let h = history(&["SHOW SLAVE STATUS\\G", "SELECT 1;", "show slave hosts;"]);
        assert_eq!(h.find_back("slave", None), Some(2));
        assert_eq!(h.find_back("SLAVE", Some(2)), Some(0));
        assert_eq!(h.find_back("slave", Some(0)), None);
        assert_eq!(h.find_back("nothing", None), None);
    }
}
