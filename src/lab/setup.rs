//! Preparing a server: its config files readable, its starting data, its statement log.

use std::path::Path;

use mysql::prelude::Queryable;

use crate::lab::startup::ConfigFile;
use crate::lab::objects::CONFIG_DIR;
use crate::lab::endpoint::Endpoint;
use crate::course::spec::SeedSpec;

/// The server ignores a world-writable config file and cannot read a private one: give the
/// learner's config files mode 0644 (and their folder 0755) when they have another.
pub fn make_config_readable(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let set = |path: &Path, wanted: u32| -> anyhow::Result<()> {
        let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
        if mode != wanted {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(wanted))
                .map_err(|e| anyhow::anyhow!("cannot set the mode of {}: {e}", path.display()))?;
        }
        Ok(())
    };
    set(dir, 0o755)?;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "cnf") && path.is_file() {
            set(&path, 0o644)?;
        }
    }
    Ok(())
}

/// The server's config files as it sees them, for tracing an error back to a line.
pub fn config_files(dir: &Path) -> Vec<ConfigFile> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "cnf"))
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let file_name = path.file_name()?.to_str()?.to_owned();
            Some(ConfigFile {
                container_path: format!("{CONFIG_DIR}/{file_name}"),
                host_path: path,
                text,
            })
        })
        .collect()
}

/// Applies the seed unless its marker table exists, outside the binary log (like a replica
/// restored from a backup, so any coordinates the learner reads later are valid).
pub async fn seed_if_fresh(
    endpoint: &Endpoint,
    seed: &SeedSpec,
    sql: String,
    on_seed: impl FnOnce(),
) -> anyhow::Result<()> {
    let marks = SeedMarks::of(seed, &sql)?;
    if endpoint.run(move |conn| marks.lacking_on(conn)).await? {
        on_seed();
        load_seed(endpoint, sql).await?;
    }
    Ok(())
}

/// What shows that a server has the seed: its marker table, and the databases it creates.
#[derive(Debug, Clone)]
pub struct SeedMarks {
    schema: String,
    table: String,
    schemas: Vec<String>,
}

impl SeedMarks {
    pub fn of(seed: &SeedSpec, sql: &str) -> anyhow::Result<SeedMarks> {
        let (schema, table) = seed
            .marker_table()
            .ok_or_else(|| anyhow::anyhow!("[seed] marker `{}` is not `schema.table`", seed.marker))?;
        Ok(SeedMarks { schema: schema.to_owned(), table: table.to_owned(), schemas: seed_schemas(sql) })
    }

    /// Whether the server lacks the seed: its marker table, or a database it creates.
    fn lacking_on(&self, conn: &mut mysql::Conn) -> mysql::Result<bool> {
        let marked: Option<u64> = conn.exec_first(
            "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
            (&self.schema, &self.table),
        )?;
        Ok(marked.unwrap_or_default() == 0 || !missing_schemas_on(conn, self.schemas.clone())?.is_empty())
    }
}

/// What a server that has just become ready says, in one session: its `version` variable
/// (which names the engine: `11.8.3-MariaDB-…`, `8.4.6`) and whether it lacks the seed. One
/// that has its data gets its statement log turned on in the same session; the caller seeds
/// one that lacks it ([`load_seed`]), then turns the log on ([`log_statements`]).
pub struct FirstLook {
    pub version: String,
    pub lacks_seed: bool,
}

pub async fn first_look(endpoint: &Endpoint, marks: Option<SeedMarks>) -> anyhow::Result<FirstLook> {
    let look = endpoint
        .run(move |conn| {
            let (_, version) = crate::dialect::engine::server_version(conn)?;
            let lacks_seed = match &marks {
                Some(marks) => marks.lacking_on(conn)?,
                None => false,
            };
            if !lacks_seed {
                conn.query_drop(LOG_STATEMENTS)?;
            }
            Ok(FirstLook { version, lacks_seed })
        })
        .await?;
    anyhow::ensure!(!look.version.is_empty(), "the server did not say its version");
    Ok(look)
}

/// Loads the seed, outside the binary log.
pub async fn load_seed(endpoint: &Endpoint, sql: String) -> anyhow::Result<()> {
    endpoint
        .run(move |conn| {
            conn.query_drop("SET SESSION sql_log_bin = 0")?;
            conn.query_drop(sql)
        })
        .await
        .map_err(|e| anyhow::anyhow!("loading the starting data failed: {e}"))
}

const LOG_STATEMENTS: &str = "SET GLOBAL log_output = 'TABLE', general_log = ON";

/// Logs every statement to `mysql.general_log`, where grading reads the application's.
pub async fn log_statements(endpoint: &Endpoint) -> anyhow::Result<()> {
    endpoint
        .run(|conn| conn.query_drop(LOG_STATEMENTS))
        .await
        .map_err(|e| anyhow::anyhow!("turning on the general query log failed: {e}"))
}

/// The databases a seed creates (`CREATE DATABASE [IF NOT EXISTS] name`, or `SCHEMA`): the
/// course's data, which the learner may drop by mistake.
pub fn seed_schemas(sql: &str) -> Vec<String> {
    sql.split(';')
        .filter_map(|statement| {
            let words: Vec<String> = statement
                .lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .flat_map(str::split_whitespace)
                .map(str::to_owned)
                .collect();
            let upper: Vec<String> = words.iter().map(|w| w.to_uppercase()).collect();
            let starts = |prefix: &[&str]| {
                upper.len() > prefix.len() && upper.iter().zip(prefix).all(|(w, p)| w == p)
            };
            let at = if starts(&["CREATE", "DATABASE", "IF", "NOT", "EXISTS"])
                || starts(&["CREATE", "SCHEMA", "IF", "NOT", "EXISTS"])
            {
                5
            } else if starts(&["CREATE", "DATABASE"]) || starts(&["CREATE", "SCHEMA"]) {
                2
            } else {
                return None;
            };
            Some(words[at].trim_matches('`').to_owned())
        })
        .collect()
}

/// Which of `schemas` the server lacks.
pub async fn missing_schemas(
    endpoint: &Endpoint,
    schemas: Vec<String>,
) -> anyhow::Result<Vec<String>> {
    endpoint.run(move |conn| missing_schemas_on(conn, schemas)).await
}

fn missing_schemas_on(conn: &mut mysql::Conn, schemas: Vec<String>) -> mysql::Result<Vec<String>> {
    if schemas.is_empty() {
        return Ok(schemas);
    }
    let present: Vec<String> = conn.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA")?;
    Ok(schemas.into_iter().filter(|s| !present.iter().any(|p| p.eq_ignore_ascii_case(s))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_databases_a_seed_creates_are_found() {
        let sql = "-- CREATE DATABASE commented;\nCREATE DATABASE IF NOT EXISTS shop;\n\
                   CREATE TABLE shop.t (id INT);\ncreate schema `lab`;\n";
        assert_eq!(seed_schemas(sql), ["shop", "lab"]);
    }
}
