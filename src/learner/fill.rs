//! Template files that follow the lab's ports. What each one was last filled with is
//! recorded, so a later fill rewrites only the lines still as that fill left them: a line the
//! learner changed is theirs and never rewritten. When such a file stays behind a server's
//! port move, the move is told ([`PortsMoved`]).
//!
//! Everything here but [`FillRecord::load`] and [`FillRecord::save`] is pure.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// What one workspace file was last filled from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filled {
    /// The lab file it came from (the shipped one, or a solution's).
    pub from: String,
    /// The value each of its placeholders got.
    pub values: BTreeMap<String, String>,
}

/// The workspace's record of its template fills and of the ports the lab had.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FillRecord {
    /// By workspace path (`app/settings.py`).
    #[serde(default)]
    pub files: BTreeMap<String, Filled>,
    /// Each server's port when the templates were last filled.
    #[serde(default)]
    pub ports: BTreeMap<String, u16>,
    /// Each server's earlier ports, oldest first: what a learner's own line may still name.
    #[serde(default)]
    pub former: BTreeMap<String, Vec<u16>>,
}

/// A server's port that changed between two fills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub server: String,
    pub from: u16,
    pub to: u16,
}

impl FillRecord {
    /// The record kept in `file`; none (a workspace from before records) reads as empty: its
    /// templates were filled as shipped, with the lab's default ports.
    pub fn load(file: &Path) -> FillRecord {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        serde_json::from_str(&text).unwrap_or_default()
    }

    /// Keeps the record in `file`, atomically: a crash mid-write leaves the old record.
    pub fn save(&self, file: &Path) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(self)? + "\n";
        super::workspace::write_atomically(file, text.as_bytes(), 0o644)
    }

    /// Notes the ports the lab publishes now (`live`, by server); a server the record has not
    /// seen was on its default port (`defaults`). Returns the servers whose port changed.
    pub fn follow(&mut self, live: &[(String, u16)], defaults: &[(String, u16)]) -> Vec<Move> {
        let mut moves = Vec::new();
        for (server, to) in live {
            let default = defaults.iter().find(|(s, _)| s == server).map(|(_, p)| *p);
            let Some(from) = self.ports.get(server).copied().or(default) else {
                self.ports.insert(server.clone(), *to);
                continue;
            };
            self.ports.insert(server.clone(), *to);
            if from == *to {
                continue;
            }
            let former = self.former.entry(server.clone()).or_default();
            former.retain(|p| p != to && *p != from);
            former.push(from);
            moves.push(Move { server: server.clone(), from, to: *to });
        }
        moves
    }

    /// The earlier ports of `server` that no server of the lab has now: a line naming one
    /// points where nothing answers.
    pub fn dead_ports(&self, server: &str) -> Vec<u16> {
        let former = self.former.get(server).map(Vec::as_slice).unwrap_or_default();
        former.iter().copied().filter(|p| !self.ports.values().any(|now| now == p)).collect()
    }
}

/// A file refilled: its new text and the lines kept as the learner wrote them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refilled {
    pub text: String,
    /// The learner's lines (changed, or added), kept: 1-based number and text.
    pub kept: Vec<(usize, String)>,
    /// Whether the file differed at all from the last fill (lines may also have been removed).
    pub edited: bool,
}

/// Refills `current`, the learner's copy of a template: each line still equal to a line of
/// `last` (the template as last filled) becomes the same line of `next` (filled anew); every
/// other line stays. Lines are matched by their text, not their place, so lines the learner
/// added or removed elsewhere do not matter. A line that two template lines filled alike but
/// that `next` fills apart cannot be told, and stays.
pub fn refill(last: &str, next: &str, current: &str) -> Refilled {
    let mut follows: BTreeMap<&str, Option<&str>> = BTreeMap::new();
    for (was, now) in last.lines().zip(next.lines()) {
        let entry = follows.entry(was).or_insert(Some(now));
        if *entry != Some(now) {
            *entry = None;
        }
    }
    let mut text = String::with_capacity(current.len());
    let mut kept = Vec::new();
    for (at, line) in current.split_inclusive('\n').enumerate() {
        let body = line.trim_end_matches(['\n', '\r']);
        match follows.get(body) {
            Some(Some(now)) => {
                text.push_str(now);
                text.push_str(&line[body.len()..]);
            }
            _ => {
                text.push_str(line);
                kept.push((at + 1, body.to_owned()));
            }
        }
    }
    Refilled { text, kept, edited: current != last }
}

/// Whether a line names `port` as a number of its own (`:13307/`, `port 13307,`), not as part
/// of a longer one.
pub fn names_port(line: &str, port: u16) -> bool {
    let digits = port.to_string();
    line.match_indices(&digits).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + digits.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

/// A learner's line that still names a port a server no longer has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleLine {
    /// 1-based.
    pub line: usize,
    pub port: u16,
    /// Whose port it was.
    pub server: String,
}

/// Servers' ports moved while a file kept lines of the learner's: told when the lab comes up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortsMoved {
    pub moves: Vec<Move>,
    /// The workspace file (`app/settings.py`).
    pub file: String,
    /// The learner's lines that name a dead port of a server.
    pub stale: Vec<StaleLine>,
}

impl PortsMoved {
    /// The moves, when a file refilled with them keeps lines of the learner's, with the lines
    /// that still name one of the `dead` ports of a server (any server's: an earlier move may
    /// have left one).
    pub fn told(
        moves: &[Move],
        file: &str,
        refilled: &Refilled,
        dead: &[(String, Vec<u16>)],
    ) -> Option<PortsMoved> {
        if moves.is_empty() || !refilled.edited {
            return None;
        }
        let stale = refilled
            .kept
            .iter()
            .filter_map(|(line, text)| {
                dead.iter().find_map(|(server, ports)| {
                    let port = ports.iter().find(|p| names_port(text, **p))?;
                    Some(StaleLine { line: *line, port: *port, server: server.clone() })
                })
            })
            .collect();
        Some(PortsMoved { moves: moves.to_vec(), file: file.to_owned(), stale })
    }
}

/// Short enough for the screen's bottom line at 120 columns.
impl std::fmt::Display for PortsMoved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let PortsMoved { moves, file, stale } = self;
        match moves.as_slice() {
            [Move { server, from, to }] => {
                write!(f, "The {server}'s port changed from {from} to {to}: ")?
            }
            _ => {
                let each: Vec<String> = moves
                    .iter()
                    .map(|Move { server, from, to }| format!("{server} {from}→{to}"))
                    .collect();
                write!(f, "Ports changed: {}. ", each.join(", "))?
            }
        }
        if stale.is_empty() {
            return write!(f, "{file} followed in the lines you had not edited.");
        }
        let lines: Vec<String> = stale.iter().map(|s| s.line.to_string()).collect();
        let moved = |server: &str| moves.iter().any(|m| m.server == server);
        let mut ports: Vec<String> = stale
            .iter()
            .map(|s| match moved(&s.server) {
                true => s.port.to_string(),
                // Left by an earlier move: whose it was is not plain from this one.
                false => format!("{}, the {}'s old port", s.port, s.server),
            })
            .collect();
        ports.dedup();
        let (which, says) =
            if lines.len() == 1 { ("line", "still says") } else { ("lines", "still say") };
        write!(
            f,
            "{file} {which} {}, which you edited, {says} {}.",
            lines.join(", "),
            ports.join(" or ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE_LAST: &str =
        "# master on {m}, slave on {s}\nWRITER = \"127.0.0.1:{m}\"\nREADER = \"127.0.0.1:{m}\"\n";

    fn filled(master: u16, slave: u16) -> String {
        TEMPLATE_LAST.replace("{m}", &master.to_string()).replace("{s}", &slave.to_string())
    }

    #[test]
    fn untouched_lines_follow_the_new_fill() {
        let (last, next) = (filled(13306, 13307), filled(40000, 40001));
        let out = refill(&last, &next, &last);
        assert_eq!(out.text, next);
        assert!(out.kept.is_empty());
        assert!(!out.edited);
    }

    #[test]
    fn a_changed_line_stays_and_the_others_follow() {
        let (last, next) = (filled(13306, 13307), filled(40000, 40001));
        let mine = last.replace("READER = \"127.0.0.1:13306\"", "READER = \"127.0.0.1:13307\"");
        let out = refill(&last, &next, &mine);
        assert_eq!(
            out.text,
            "# master on 40000, slave on 40001\nWRITER = \"127.0.0.1:40000\"\nREADER = \"127.0.0.1:13307\"\n"
        );
        assert_eq!(out.kept, [(3, "READER = \"127.0.0.1:13307\"".to_owned())]);
        assert!(out.edited);
    }

    #[test]
    fn lines_added_or_removed_elsewhere_do_not_matter() {
        let (last, next) = (filled(13306, 13307), filled(40000, 40001));
        // The comment removed, a line added on top, Windows line ends kept as they are.
        let mine =
            format!("import os\r\n{}", last.lines().skip(1).collect::<Vec<_>>().join("\r\n"));
        let out = refill(&last, &next, &mine);
        assert_eq!(
            out.text,
            "import os\r\nWRITER = \"127.0.0.1:40000\"\r\nREADER = \"127.0.0.1:40000\""
        );
        assert_eq!(out.kept, [(1, "import os".to_owned())]);
        assert!(out.edited);
    }

    #[test]
    fn a_line_two_template_lines_filled_alike_but_next_fills_apart_stays() {
        let out = refill("a 1\na 1\n", "a 2\na 3\n", "a 1\n");
        assert_eq!(out.text, "a 1\n");
        assert_eq!(out.kept.len(), 1);
    }

    #[test]
    fn the_record_follows_moves_and_keeps_earlier_ports() {
        let defaults = [("master".to_owned(), 13306), ("slave".to_owned(), 13307)];
        let mut record = FillRecord::default();
        let live = |m: u16, s: u16| [("master".to_owned(), m), ("slave".to_owned(), s)];
        assert!(
            record.follow(&live(13306, 13307), &defaults).is_empty(),
            "the defaults are no move"
        );
        let moves = record.follow(&live(13306, 40001), &defaults);
        assert_eq!(moves, [Move { server: "slave".into(), from: 13307, to: 40001 }]);
        let moves = record.follow(&live(13306, 40005), &defaults);
        assert_eq!(moves, [Move { server: "slave".into(), from: 40001, to: 40005 }]);
        assert_eq!(record.dead_ports("slave"), [13307, 40001]);
        assert!(record.dead_ports("master").is_empty());
        // Back on its first port: that one is alive again.
        record.follow(&live(13306, 13307), &defaults);
        assert_eq!(record.dead_ports("slave"), [40001, 40005]);
        // A port another server took since is not dead.
        record.follow(&live(40001, 13307), &defaults);
        assert_eq!(record.dead_ports("slave"), [40005]);
    }

    #[test]
    fn the_record_reads_back_and_a_missing_one_is_empty() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("record.json");
        assert_eq!(FillRecord::load(&file), FillRecord::default());
        let mut record = FillRecord::default();
        record.ports.insert("master".into(), 40000);
        record.save(&file).expect("saves");
        assert_eq!(FillRecord::load(&file), record);
        std::fs::write(&file, "not json").expect("writes");
        assert_eq!(FillRecord::load(&file), FillRecord::default());
    }

    #[test]
    fn a_port_is_named_as_a_number_of_its_own() {
        assert!(names_port("READER = \"mysql+pymysql://app@127.0.0.1:13307/shop\"", 13307));
        assert!(names_port("the slave on port 13307,", 13307));
        assert!(names_port("13307", 13307));
        assert!(!names_port("port 133070", 13307));
        assert!(!names_port("port 113307", 13307));
        assert!(!names_port("port 13306", 13307));
    }

    #[test]
    fn moves_are_told_only_for_an_edited_file_with_its_stale_lines() {
        let (last, next) = (filled(13306, 13307), filled(13306, 40001));
        let slave = Move { server: "slave".into(), from: 13307, to: 40001 };
        let dead = [("master".to_owned(), Vec::new()), ("slave".to_owned(), vec![13307])];
        let moved = [slave.clone()];
        let untouched = refill(&last, &next, &last);
        assert_eq!(PortsMoved::told(&moved, "app/settings.py", &untouched, &dead), None);

        let mine = last.replace("READER = \"127.0.0.1:13306\"", "READER = \"127.0.0.1:13307\"");
        let edited = refill(&last, &next, &mine);
        assert_eq!(PortsMoved::told(&[], "app/settings.py", &edited, &dead), None, "no move");
        let told = PortsMoved::told(&moved, "app/settings.py", &edited, &dead).expect("told");
        assert_eq!(told.stale, [StaleLine { line: 3, port: 13307, server: "slave".into() }]);
        assert_eq!(
            told.to_string(),
            "The slave's port changed from 13307 to 40001: app/settings.py line 3, which you edited, still says 13307."
        );

        // Both servers moved: one notice for the file.
        let master = Move { server: "master".into(), from: 13306, to: 40000 };
        let both = [master, slave];
        let told = PortsMoved::told(&both, "app/settings.py", &edited, &dead).expect("told");
        assert_eq!(
            told.to_string(),
            "Ports changed: master 13306→40000, slave 13307→40001. app/settings.py line 3, which you edited, still says 13307."
        );

        // Only the master moved now; the line still names the slave's dead port.
        let told = PortsMoved::told(&both[..1], "app/settings.py", &edited, &dead).expect("told");
        assert_eq!(
            told.to_string(),
            "The master's port changed from 13306 to 40000: app/settings.py line 3, which you edited, still says 13307, the slave's old port."
        );

        // An edit that names no old port: the move is still told.
        let other = last.replace("WRITER", "WRITER_URL");
        let told =
            PortsMoved::told(&moved, "app/settings.py", &refill(&last, &next, &other), &dead)
                .expect("told");
        assert!(told.stale.is_empty());
        assert_eq!(
            told.to_string(),
            "The slave's port changed from 13307 to 40001: app/settings.py followed in the lines you had not edited."
        );
    }
}
