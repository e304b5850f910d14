//! The database engines a lab can run, and how to tell which one answers.
//!
//! One enum serves the command line (`--engine mysql`), the lab description
//! (`[engines.mysql]`), the lesson's code blocks (```` ```sql mysql ````), the Docker label
//! on the containers and the grader; what the engine is called in each place is here.

use serde::{Deserialize, Serialize};

/// A database server family. MariaDB is the default: its syntax is the lesson's.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    #[default]
    #[value(name = "mariadb")]
    MariaDb,
    #[value(name = "mysql")]
    MySql,
}

impl Engine {
    /// Every engine, default first.
    pub const ALL: [Engine; 2] = [Engine::MariaDb, Engine::MySql];

    /// The name a learner knows (what the lesson's `{{engine}}` stands for).
    pub fn name(self) -> &'static str {
        match self {
            Engine::MariaDb => "MariaDB",
            Engine::MySql => "MySQL",
        }
    }

    /// The short name used on the command line, in `lab.toml`, after a code block's language
    /// and in the containers' label.
    pub fn tag(self) -> &'static str {
        match self {
            Engine::MariaDb => "mariadb",
            Engine::MySql => "mysql",
        }
    }

    /// The engine a tag names, in any letter case.
    pub fn from_tag(tag: &str) -> Option<Engine> {
        Engine::ALL.into_iter().find(|e| e.tag().eq_ignore_ascii_case(tag.trim()))
    }

    /// The engine a server runs, from its `version` variable (`11.8.3-MariaDB-deb13`,
    /// `8.4.6`): MariaDB always names itself there, MySQL never does.
    pub fn from_version(version: &str) -> Self {
        if version.to_ascii_lowercase().contains("mariadb") {
            Engine::MariaDb
        } else {
            Engine::MySql
        }
    }

    /// Whether a code block with this info string (`sql`, `sql mysql`) is shown for this
    /// engine: blocks without an engine tag are shown for every engine.
    pub fn shows(self, info: &str) -> bool {
        info.split_whitespace()
            .skip(1)
            .find_map(Engine::from_tag)
            .is_none_or(|tag| tag == self)
    }
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// `8.4.6-log` → (8, 4, 6); missing parts read as 0.
pub fn version_triple(version: &str) -> (u32, u32, u32) {
    let mut parts = version
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// The engine a server runs and its version, as it says: the one place that asks
/// (`SHOW GLOBAL VARIABLES`, which is no read in the server's statistics).
pub fn server_version(conn: &mut mysql::Conn) -> mysql::Result<(Engine, String)> {
    use mysql::prelude::Queryable;
    let version: Option<(String, String)> = conn.query_first("SHOW GLOBAL VARIABLES LIKE 'version'")?;
    let version = version.map(|(_, v)| v).unwrap_or_default();
    Ok((Engine::from_version(&version), version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_names_the_engine() {
        assert_eq!(Engine::from_version("11.8.3-MariaDB-0+deb13u1"), Engine::MariaDb);
        assert_eq!(Engine::from_version("10.11.6-MariaDB-log"), Engine::MariaDb);
        assert_eq!(Engine::from_version("8.4.6"), Engine::MySql);
        assert_eq!(Engine::from_version("8.0.40-log"), Engine::MySql);
    }

    #[test]
    fn versions_read_as_numbers() {
        assert_eq!(version_triple("8.4.6-log"), (8, 4, 6));
        assert_eq!(version_triple("11.8.3-MariaDB-0+deb13u1"), (11, 8, 3));
        assert_eq!(version_triple("9.1"), (9, 1, 0));
        assert_eq!(version_triple(""), (0, 0, 0));
    }

    #[test]
    fn engine_tags_pick_code_blocks() {
        assert!(Engine::MariaDb.shows("sql") && Engine::MySql.shows("sql"));
        assert!(Engine::MariaDb.shows("sql mariadb") && !Engine::MySql.shows("sql mariadb"));
        assert!(Engine::MySql.shows("sql MySQL") && !Engine::MariaDb.shows("sql mysql"));
        assert!(Engine::MariaDb.shows(""));
    }

    #[test]
    fn one_name_everywhere() {
        for engine in Engine::ALL {
            assert_eq!(Engine::from_tag(engine.tag()), Some(engine));
            let json = serde_json::to_string(&engine).expect("serialises");
            assert_eq!(json, format!("\"{}\"", engine.tag()));
            let value = clap::ValueEnum::to_possible_value(&engine).expect("a value");
            assert_eq!(value.get_name(), engine.tag());
        }
        assert_eq!(Engine::from_tag("postgres"), None);
    }
}
