//! What was typed in a console, browsed with Up and Down like a shell's history.

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
}

impl Default for History {
    fn default() -> Self {
        History::with_limit(DEFAULT_LIMIT)
    }
}

impl History {
    /// An empty history keeping at most `limit` entries (at least one).
    pub fn with_limit(limit: usize) -> Self {
        History { entries: Vec::new(), limit: limit.max(1), cursor: None, draft: String::new() }
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
}
