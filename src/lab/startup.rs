//! Why a server did not start: its error log read against the learner's config files.
//!
//! MariaDB names a bad option (`unknown variable 'server-idd=2'`) or a bad place in a config
//! file (`… in config file /etc/mysql/conf.d/my.cnf at line 3`); the learner needs the line in
//! their own file, so both are traced back to `file:line` in the workspace.

use std::path::PathBuf;

/// A line of the learner's config that the server refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offending {
    /// The learner's file (in the workspace).
    pub file: PathBuf,
    /// 1-based line number.
    pub line: usize,
    /// The line as written.
    pub text: String,
    /// The server's complaint.
    pub complaint: String,
}

/// One config file as the server sees it: where it lives in the workspace, its path inside
/// the container, and its contents.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    pub host_path: PathBuf,
    pub container_path: String,
    pub text: String,
}

/// The most recent complaint in the log that points at a line of one of the files.
pub fn find_offending(log: &[String], files: &[ConfigFile]) -> Option<Offending> {
    log.iter().rev().find_map(|entry| {
        if let Some((path, line)) = file_and_line(entry) {
            let file = files.iter().find(|f| f.container_path == path)?;
            let text = file.text.lines().nth(line.checked_sub(1)?)?;
            return Some(Offending {
                file: file.host_path.clone(),
                line,
                text: text.to_owned(),
                complaint: complaint(entry),
            });
        }
        let option = refused_option(entry)?;
        files.iter().find_map(|file| {
            let (index, text) = file
                .text
                .lines()
                .enumerate()
                .find(|(_, l)| option_name(l) == Some(normal(&option)))?;
            Some(Offending {
                file: file.host_path.clone(),
                line: index + 1,
                text: text.to_owned(),
                complaint: complaint(entry),
            })
        })
    })
}

/// `… in config file PATH at line N` → (PATH, N).
fn file_and_line(entry: &str) -> Option<(String, usize)> {
    let (_, rest) = entry.split_once("config file ")?;
    let (path, rest) = rest.split_once(" at line ")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let path = path.trim_matches(|c| c == '\'' || c == '"');
    Some((path.to_owned(), digits.parse().ok()?))
}

/// The option named by `unknown variable 'x=1'`, `unknown option '--x'` or
/// `… for variable 'x' …`.
fn refused_option(entry: &str) -> Option<String> {
    let quoted = |marker: &str| {
        let (_, rest) = entry.split_once(marker)?;
        let (name, _) = rest.split_once('\'')?;
        Some(name.to_owned())
    };
    let name = quoted("unknown variable '")
        .or_else(|| quoted("unknown option '"))
        .or_else(|| quoted("variable '"))?;
    let name = name.trim_start_matches('-');
    let name = name.split_once('=').map_or(name, |(n, _)| n);
    Some(name.trim().to_owned())
}

/// The option a config line sets, normalised; `None` for blanks, comments and `[groups]`.
fn option_name(line: &str) -> Option<String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with(['#', ';', '[', '!']) {
        return None;
    }
    let name = line.split_once('=').map_or(line, |(n, _)| n);
    Some(normal(name))
}

/// Option names compare without case, with `-` and `_` alike and without a `loose-` prefix.
fn normal(name: &str) -> String {
    let name = name.trim().to_lowercase().replace('-', "_");
    name.strip_prefix("loose_").map(str::to_owned).unwrap_or(name)
}

/// The server's words, without the timestamp and program prefix.
fn complaint(entry: &str) -> String {
    let text = entry.split_once("[ERROR] ").map_or(entry, |(_, t)| t);
    // `/usr/sbin/mariadbd: unknown variable …` → `unknown variable …`
    let text = text
        .split_once(": ")
        .filter(|(program, _)| program.ends_with("mariadbd") || program.ends_with("mysqld"))
        .map_or(text, |(_, t)| t);
    text.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn master(text: &str) -> Vec<ConfigFile> {
        vec![ConfigFile {
            host_path: PathBuf::from("/ws/master/my.cnf"),
            container_path: "/etc/mysql/conf.d/my.cnf".to_owned(),
            text: text.to_owned(),
        }]
    }

    const CONFIG: &str = "# comment\n[mysqld]\nserver-idd = 2\nlog-bin = mysql-bin\n";

    #[test]
    fn an_unknown_variable_points_at_its_line() {
        let log = vec![
            "2025-11-25 14:00:00 0 [Note] Starting MariaDB".to_owned(),
            "2025-11-25 14:00:00 0 [ERROR] /usr/sbin/mariadbd: unknown variable 'server-idd=2'"
                .to_owned(),
            "2025-11-25 14:00:00 0 [ERROR] Aborting".to_owned(),
        ];
        let found = find_offending(&log, &master(CONFIG)).expect("found");
        assert_eq!(found.file, PathBuf::from("/ws/master/my.cnf"));
        assert_eq!(found.line, 3);
        assert_eq!(found.text, "server-idd = 2");
        assert_eq!(found.complaint, "unknown variable 'server-idd=2'");
    }

    #[test]
    fn dashes_underscores_and_case_match_alike() {
        let log = vec!["[ERROR] mariadbd: unknown option '--Log_Bin=x'".to_owned()];
        let found = find_offending(&log, &master(CONFIG)).expect("found");
        assert_eq!(found.line, 4);
    }

    #[test]
    fn a_file_and_line_message_maps_to_the_workspace_file() {
        let log = vec![
            "error: Found option without preceding group in config file /etc/mysql/conf.d/my.cnf at line 1."
                .to_owned(),
        ];
        let found = find_offending(&log, &master("server-id=2\n[mysqld]\n")).expect("found");
        assert_eq!((found.line, found.text.as_str()), (1, "server-id=2"));
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        let log = vec![
            "[ERROR] mariadbd: Unknown suffix 'x' used for variable 'server-id' (value '2x')"
                .to_owned(),
        ];
        let found = find_offending(&log, &master("[mysqld]\nserver_id = 2x\n")).expect("found");
        assert_eq!(found.line, 2);
    }

    #[test]
    fn complaints_about_other_things_find_nothing() {
        let log = vec!["[ERROR] InnoDB: cannot allocate memory".to_owned()];
        assert_eq!(find_offending(&log, &master(CONFIG)), None);
        let log = vec!["[ERROR] unknown variable 'nothere=1'".to_owned()];
        assert_eq!(find_offending(&log, &master(CONFIG)), None);
    }
}
