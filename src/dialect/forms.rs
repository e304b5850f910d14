//! Which replication words a server takes, found in any text that holds them: the lesson's
//! code blocks, the hints, the solution files, a statement a learner typed.
//!
//! The words are read, not parsed: a statement form is its keywords in a row, an option is a
//! `MASTER_…` / `SOURCE_…` word after `CHANGE … TO` or `START …` in the same statement, and a
//! status column is its name. That is enough for replication statements, which no SQL parser
//! we could use knows in both vocabularies, and it reads prose (a hint) as well as SQL.

use crate::dialect::engine::{Engine, version_triple};
use crate::dialect::vocabulary::{self, MYSQL_CLASSIC_REMOVED, ReplicationStatement};

/// A word a server would refuse, and what it takes instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The form as the table writes it (`START SLAVE`, `MASTER_HOST`, `Master_Log_File`).
    pub found: String,
    /// The form this server takes for the same thing, when it has one.
    pub instead: Option<String>,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.instead {
            Some(instead) => write!(f, "{} (write {instead})", self.found),
            None => f.write_str(&self.found),
        }
    }
}

/// Every replication form in `text` that this server does not take, each once, in order.
pub fn refused(text: &str, engine: Engine, version: &str) -> Vec<Refused> {
    let mut found: Vec<Refused> = Vec::new();
    let mut add = |refusal: Refused| {
        if !found.iter().any(|f| f.found.eq_ignore_ascii_case(&refusal.found)) {
            found.push(refusal);
        }
    };
    let point = ReplicationStatement::PointReplica.spelling();
    for clause in clauses(text) {
        let mut options_from = None;
        for statement in ReplicationStatement::ALL {
            let words = statement.spelling();
            for (form, other, taken, other_taken) in [
                (
                    words.classic,
                    words.new,
                    words.takes_classic(engine, version),
                    words.takes_new(engine, version),
                ),
                (
                    words.new,
                    words.classic,
                    words.takes_new(engine, version),
                    words.takes_classic(engine, version),
                ),
            ] {
                let Some(at) = find(&clause, form) else { continue };
                if matches!(statement, ReplicationStatement::PointReplica | ReplicationStatement::StartReplica) {
                    options_from = Some(options_from.map_or(at, |o: usize| o.min(at)));
                }
                if !taken {
                    add(Refused {
                        found: form.to_owned(),
                        instead: other_taken.then(|| other.to_owned()),
                    });
                }
            }
        }
        for (index, word) in clause.iter().enumerate() {
            let Some(word) = word else { continue };
            if options_from.is_some_and(|from| index > from)
                && let Some(refusal) = refused_gtid_option(word, engine, version)
            {
                add(refusal);
                continue;
            }
            if options_from.is_some_and(|from| index > from)
                && let Some((classic, new)) = option_pair(word)
            {
                let (taken_classic, taken_new) =
                    (point.takes_classic(engine, version), point.takes_new(engine, version));
                if word.eq_ignore_ascii_case(&classic) && !taken_classic {
                    add(Refused { found: classic, instead: taken_new.then_some(new) });
                } else if word.eq_ignore_ascii_case(&new) && !taken_new {
                    add(Refused { found: new, instead: taken_classic.then_some(classic) });
                }
                continue;
            }
            if let Some(refusal) = refused_column(word, engine, version) {
                add(refusal);
            }
        }
    }
    found
}

/// The statements of the vocabulary table that `text` uses, in either spelling.
#[cfg(test)]
pub fn statements_used(text: &str) -> Vec<ReplicationStatement> {
    let clauses = clauses(text);
    ReplicationStatement::ALL
        .into_iter()
        .filter(|s| {
            let words = s.spelling();
            clauses.iter().any(|c| find(c, words.classic).is_some() || find(c, words.new).is_some())
        })
        .collect()
}

/// GTID positioning is not one option in two spellings: MariaDB takes `MASTER_USE_GTID`,
/// MySQL takes `SOURCE_AUTO_POSITION` (`MASTER_AUTO_POSITION` before 8.4), and neither takes
/// the other's. `None` for any other word, or one this server takes.
fn refused_gtid_option(word: &str, engine: Engine, version: &str) -> Option<Refused> {
    let upper = word.to_ascii_uppercase();
    let mysql_words = ["SOURCE_AUTO_POSITION", "MASTER_AUTO_POSITION"];
    match engine {
        Engine::MariaDb if mysql_words.contains(&upper.as_str()) => Some(Refused {
            found: upper,
            instead: Some("MASTER_USE_GTID=slave_pos".to_owned()),
        }),
        Engine::MySql if upper == "MASTER_USE_GTID" => {
            let point = ReplicationStatement::PointReplica.spelling();
            let instead = if point.takes_new(engine, version) { mysql_words[0] } else { mysql_words[1] };
            Some(Refused { found: upper, instead: Some(format!("{instead}=1")) })
        }
        _ => None,
    }
}

/// A `CHANGE … TO` / `START … UNTIL` option in both vocabularies (`MASTER_HOST`,
/// `SOURCE_HOST`), upper case; `None` for any other word.
fn option_pair(word: &str) -> Option<(String, String)> {
    let upper = word.to_ascii_uppercase();
    for (classic, new) in [("GET_MASTER_", "GET_SOURCE_"), ("MASTER_", "SOURCE_")] {
        if let Some(rest) = upper.strip_prefix(classic).or_else(|| upper.strip_prefix(new)) {
            return (!rest.is_empty())
                .then(|| (format!("{classic}{rest}"), format!("{new}{rest}")));
        }
    }
    None
}

/// A replica status column this server never shows: MariaDB's classic names on MySQL 8.4,
/// MySQL's newer names on MariaDB (which keeps the classic ones under any statement).
fn refused_column(word: &str, engine: Engine, version: &str) -> Option<Refused> {
    let (classic, new) = vocabulary::column_pairs().find(|(classic, new)| {
        classic.eq_ignore_ascii_case(word) || new.eq_ignore_ascii_case(word)
    })?;
    let refused = match engine {
        Engine::MySql => {
            version_triple(version) >= MYSQL_CLASSIC_REMOVED && word.eq_ignore_ascii_case(classic)
        }
        Engine::MariaDb => word.eq_ignore_ascii_case(new),
    };
    let (found, instead) =
        if word.eq_ignore_ascii_case(classic) { (classic, new) } else { (new, classic) };
    refused.then(|| Refused { found: found.to_owned(), instead: Some(instead.to_owned()) })
}

/// Where a form's words stand in a row in a clause.
fn find(clause: &[Option<String>], form: &str) -> Option<usize> {
    let words: Vec<&str> = form.split_whitespace().collect();
    clause.windows(words.len()).position(|window| {
        window
            .iter()
            .zip(&words)
            .all(|(w, f)| w.as_deref().is_some_and(|w| w.eq_ignore_ascii_case(f)))
    })
}

/// The text cut at `;` and `\` (as in `\G`) into clauses of words; any other mark between
/// two words keeps them from counting as a row (`None`).
fn clauses(text: &str) -> Vec<Vec<Option<String>>> {
    let mut clauses = Vec::new();
    let mut clause = Vec::new();
    let mut word = String::new();
    for c in text.chars().chain(std::iter::once(';')) {
        if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            clause.push(Some(std::mem::take(&mut word)));
        }
        match c {
            ';' | '\\' => clauses.push(std::mem::take(&mut clause)),
            _ if c.is_whitespace() => {}
            _ => clause.push(None),
        }
    }
    clauses
}

#[cfg(test)]
mod tests {
    use super::*;

    const MYSQL_84: &str = "8.4.6";
    const MARIADB: &str = "11.8.3-MariaDB-0+deb13u1";

    #[test]
    fn gtid_positioning_is_named_in_each_engines_own_option() {
        let mysql_form = "CHANGE REPLICATION SOURCE TO SOURCE_HOST='master', SOURCE_AUTO_POSITION=1;";
        assert_eq!(
            found(mysql_form, Engine::MariaDb, MARIADB),
            [
                "CHANGE REPLICATION SOURCE TO (write CHANGE MASTER TO)",
                "SOURCE_HOST (write MASTER_HOST)",
                "SOURCE_AUTO_POSITION (write MASTER_USE_GTID=slave_pos)"
            ]
        );
        let mariadb_form = "CHANGE MASTER TO MASTER_HOST='master', MASTER_USE_GTID=slave_pos;";
        assert!(found(mariadb_form, Engine::MariaDb, MARIADB).is_empty());
        assert_eq!(
            found(mariadb_form, Engine::MySql, MYSQL_84),
            [
                "CHANGE MASTER TO (write CHANGE REPLICATION SOURCE TO)",
                "MASTER_HOST (write SOURCE_HOST)",
                "MASTER_USE_GTID (write SOURCE_AUTO_POSITION=1)"
            ]
        );
    }

    fn found(text: &str, engine: Engine, version: &str) -> Vec<String> {
        refused(text, engine, version).into_iter().map(|r| r.to_string()).collect()
    }

    #[test]
    fn the_classic_forms_are_refused_by_mysql_8_4_with_their_replacement() {
        let classic = "STOP SLAVE; CHANGE MASTER TO MASTER_HOST='master', MASTER_PORT=3306, \
                       MASTER_LOG_FILE='mysql-bin.000001', MASTER_LOG_POS=4; START SLAVE; SHOW SLAVE STATUS\\G";
        assert_eq!(
            found(classic, Engine::MySql, MYSQL_84),
            [
                "STOP SLAVE (write STOP REPLICA)",
                "CHANGE MASTER TO (write CHANGE REPLICATION SOURCE TO)",
                "MASTER_HOST (write SOURCE_HOST)",
                "MASTER_PORT (write SOURCE_PORT)",
                "MASTER_LOG_FILE (write SOURCE_LOG_FILE)",
                "MASTER_LOG_POS (write SOURCE_LOG_POS)",
                "START SLAVE (write START REPLICA)",
                "SHOW SLAVE STATUS (write SHOW REPLICA STATUS)",
            ]
        );
        assert!(found(classic, Engine::MySql, "8.0.40").is_empty(), "8.0 still takes them");
        assert!(found(classic, Engine::MariaDb, MARIADB).is_empty());
        let coordinates = "show master status;\nRESET MASTER;";
        assert_eq!(
            found(coordinates, Engine::MySql, MYSQL_84),
            [
                "SHOW MASTER STATUS (write SHOW BINARY LOG STATUS)",
                "RESET MASTER (write RESET BINARY LOGS AND GTIDS)"
            ]
        );
    }

    #[test]
    fn mysql_only_forms_are_refused_by_mariadb() {
        let new = "CHANGE REPLICATION SOURCE TO SOURCE_HOST='master', GET_SOURCE_PUBLIC_KEY=1; \
                   START REPLICA; SHOW BINARY LOG STATUS;";
        assert_eq!(
            found(new, Engine::MariaDb, MARIADB),
            [
                "CHANGE REPLICATION SOURCE TO (write CHANGE MASTER TO)",
                "SOURCE_HOST (write MASTER_HOST)",
                "GET_SOURCE_PUBLIC_KEY (write GET_MASTER_PUBLIC_KEY)",
                "SHOW BINARY LOG STATUS (write SHOW MASTER STATUS)",
            ]
        );
        assert!(found(new, Engine::MySql, MYSQL_84).is_empty());
        // MariaDB takes START REPLICA and SHOW REPLICA STATUS, but not before 10.5.1.
        assert_eq!(
            found("START REPLICA", Engine::MariaDb, "10.4.30-MariaDB"),
            ["START REPLICA (write START SLAVE)"]
        );
    }

    #[test]
    fn prose_and_columns_are_read_too() {
        let hint = "the {source}'s key: STOP SLAVE; then CHANGE MASTER TO again, all fields, with \
                    MASTER_HOST='{source}'. Compare Read_Master_Log_Pos with the source.";
        assert_eq!(
            found(hint, Engine::MySql, MYSQL_84),
            [
                "STOP SLAVE (write STOP REPLICA)",
                "CHANGE MASTER TO (write CHANGE REPLICATION SOURCE TO)",
                "MASTER_HOST (write SOURCE_HOST)",
                "Read_Master_Log_Pos (write Read_Source_Log_Pos)",
            ]
        );
        assert_eq!(
            found("Replica_IO_Running says No", Engine::MariaDb, MARIADB),
            ["Replica_IO_Running (write Slave_IO_Running)"]
        );
    }

    #[test]
    fn words_that_only_look_alike_are_left_alone() {
        let fine = "GRANT REPLICATION SLAVE ON *.* TO 'replica'@'%'; SHOW BINARY LOGS; \
                    SELECT master_pos_wait('f', 4); -- the master's log";
        assert!(
            found(fine, Engine::MySql, MYSQL_84).is_empty(),
            "{:?}",
            found(fine, Engine::MySql, MYSQL_84)
        );
        assert!(found(fine, Engine::MariaDb, MARIADB).is_empty());
        // An option counts only after CHANGE … TO or START … in its statement.
        assert!(found("SET @x = 1; SELECT 1 AS SOURCE_DELAY", Engine::MariaDb, MARIADB).is_empty());
        // Words split by a mark are no statement.
        assert!(found("start, slave", Engine::MySql, MYSQL_84).is_empty());
    }

    #[test]
    fn statements_used_names_either_spelling() {
        let used = statements_used(
            "STOP REPLICA; CHANGE MASTER TO MASTER_HOST='m'; SHOW BINARY LOG STATUS",
        );
        assert_eq!(
            used,
            [ReplicationStatement::PointReplica, ReplicationStatement::StopReplica, ReplicationStatement::SourceStatus]
        );
    }
}
