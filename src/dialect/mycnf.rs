//! Reading a server's option file (`my.cnf`) the way the server does, for the settings the
//! grader asks about.
//!
//! Sections the server reads: `[mysqld]` and `[server]`, and on MariaDB also `[mariadb]`,
//! `[mariadbd]` and `[client-server]` (with version-suffixed forms such as `[mariadb-11.8]`
//! and `[mysqld-8.4]`). Dashes and underscores are the same in
//! option names; `loose-` is a prefix that only silences unknown-option errors; `#` and `;`
//! start comments; `!include` lines are not followed.

use crate::dialect::engine::Engine;

/// One `name = value` line of an option file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionLine {
    /// Section it is under, lower case, without brackets (`mysqld`).
    pub section: String,
    /// Option name with underscores, lower case, without `loose-` (`server_id`).
    pub name: String,
    /// The value, unquoted; `None` for a bare option such as `log-bin`.
    pub value: Option<String>,
    /// 1-based line number.
    pub line: usize,
}

/// A parsed option file, as one engine's server reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptionFile {
    pub lines: Vec<OptionLine>,
    /// Whose sections count: MySQL ignores MariaDB's own.
    pub engine: Engine,
}

/// What the file says about a setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting<'a> {
    /// Set in a section the server reads; the last such line wins, as in the server.
    Set(&'a OptionLine),
    /// Only present under a section the server ignores (`[client]`, `[mysql]`, …).
    ElsewhereOnly(&'a OptionLine),
    /// Not there at all.
    Absent,
}

impl OptionFile {
    pub fn parse(text: &str, engine: Engine) -> Self {
        let mut section = String::new();
        let mut lines = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') || line.starts_with('!')
            {
                continue;
            }
            if let Some(rest) = line.strip_prefix('[') {
                if let Some(end) = rest.find(']') {
                    section = rest[..end].trim().to_ascii_lowercase();
                }
                continue;
            }
            let (name, value) = match line.find('=') {
                Some(eq) => (&line[..eq], Some(unquote(strip_comment(&line[eq + 1..])))),
                None => (strip_comment(line), None),
            };
            let name = normalize(name);
            if name.is_empty() {
                continue;
            }
            lines.push(OptionLine { section: section.clone(), name, value, line: index + 1 });
        }
        OptionFile { lines, engine }
    }

    /// What the file says about an option, by its name in either spelling (`server-id`).
    pub fn setting(&self, name: &str) -> Setting<'_> {
        let name = normalize(name);
        let mut matching = self.lines.iter().filter(|l| l.name == name);
        match matching.clone().rev().find(|l| is_server_section(&l.section, self.engine)) {
            Some(line) => Setting::Set(line),
            None => matching.next().map_or(Setting::Absent, Setting::ElsewhereOnly),
        }
    }

    /// The last line, in a section the server reads, whose option is a letter or two off `name`
    /// (`log_bn` for `log-bin`): a typo, which the server refuses at its next start.
    pub fn misspelt(&self, name: &str) -> Option<&OptionLine> {
        let name = normalize(name);
        self.lines
            .iter()
            .rev()
            .filter(|l| is_server_section(&l.section, self.engine))
            .find(|l| l.name != name && l.name.len() >= 4 && edits(&l.name, &name) <= 2)
    }

    /// Whether an option is switched off by a later `skip-NAME` / `disable-NAME` in a section
    /// the server reads (`skip-log-bin`).
    pub fn switched_off(&self, name: &str) -> bool {
        let name = normalize(name);
        let off_names = [format!("skip_{name}"), format!("disable_{name}")];
        self.lines
            .iter()
            .rev()
            .filter(|l| is_server_section(&l.section, self.engine))
            .find(|l| l.name == name || off_names.contains(&l.name))
            .is_some_and(|l| l.name != name)
    }
}

/// The edits (a letter added, dropped or changed) that turn `a` into `b`.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Sections the engine's server itself reads.
fn is_server_section(section: &str, engine: Engine) -> bool {
    if engine == Engine::MariaDb && section == "client-server" {
        return true;
    }
    let base = section.split('-').next().unwrap_or(section);
    let known = match engine {
        Engine::MariaDb => matches!(base, "mysqld" | "server" | "mariadb" | "mariadbd"),
        Engine::MySql => matches!(base, "mysqld" | "server"),
    };
    known
        && (base == section || section[base.len() + 1..].starts_with(|c: char| c.is_ascii_digit()))
}

/// `Server-Id`, `loose_server-id` → `server_id`.
fn normalize(name: &str) -> String {
    let name = name.trim().to_ascii_lowercase().replace('-', "_");
    name.strip_prefix("loose_").map_or(name.clone(), str::to_owned)
}

/// Drops a trailing `# comment` (outside quotes).
fn strip_comment(value: &str) -> &str {
    let mut quote = None;
    for (i, c) in value.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') => return value[..i].trim(),
            _ => {}
        }
    }
    value.trim()
}

fn unquote(value: &str) -> String {
    let v = value.trim();
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return v[1..v.len() - 1].to_owned();
        }
    }
    v.to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_typo_of_an_option_is_found_and_a_right_or_far_name_is_not() {
        let file = OptionFile::parse("[mysqld]\nserver-id = 1\nlog_bn = mysql-bin\nlog-error = x\n[client]\nlog-bim\n", Engine::MariaDb);
        assert_eq!(file.misspelt("log-bin").map(|l| (l.name.as_str(), l.line)), Some(("log_bn", 3)));
        assert_eq!(file.misspelt("server_id"), None, "spelt right");
        assert_eq!(file.misspelt("read_only"), None, "nothing close");
        assert_eq!(edits("log_bin", "log_error"), 5);
        assert_eq!(edits("serverid", "server_id"), 1);
    }

    use super::*;

    fn value<'a>(file: &'a OptionFile, name: &str) -> Option<&'a str> {
        match file.setting(name) {
            Setting::Set(line) => Some(line.value.as_deref().unwrap_or("")),
            _ => None,
        }
    }

    #[test]
    fn the_starting_file_sets_nothing() {
        let text = include_str!("../../labs/day20/start/master/my.cnf");
        let file = OptionFile::parse(text, Engine::MariaDb);
        assert_eq!(file.setting("server-id"), Setting::Absent);
        assert_eq!(file.setting("log_bin"), Setting::Absent);
    }

    #[test]
    fn reads_both_spellings_comments_and_quotes() {
        let file = OptionFile::parse("[mysqld]\nserver_id=7 # the master\nLog-Bin = \"mysql-bin\"\n; note\n!include /x.cnf\n", Engine::MariaDb);
        assert_eq!(value(&file, "server-id"), Some("7"));
        assert_eq!(value(&file, "log_bin"), Some("mysql-bin"));
        assert_eq!(file.setting("server_id"), file.setting("SERVER-ID"));
    }

    #[test]
    fn a_bare_option_is_set_without_a_value() {
        let file = OptionFile::parse("[mariadb]\nlog-bin\n", Engine::MariaDb);
        let Setting::Set(line) = file.setting("log-bin") else { panic!("log-bin is set") };
        assert_eq!(line.value, None);
        assert_eq!(line.line, 2);
        assert!(!file.switched_off("log-bin"));
    }

    #[test]
    fn only_server_sections_count_and_the_last_line_wins() {
        let file = OptionFile::parse("[client]\nserver-id=9\n[mysqld]\nserver-id=1\n[mariadb-11.8]\nserver-id=3\n[mysqldump]\nserver-id=8\n", Engine::MariaDb);
        assert_eq!(value(&file, "server-id"), Some("3"));
        let other = OptionFile::parse("[client]\nserver-id = 2\n[mysqld]\n", Engine::MariaDb);
        let Setting::ElsewhereOnly(line) = other.setting("server-id") else {
            panic!("found under [client] only")
        };
        assert_eq!(line.section, "client");
    }

    #[test]
    fn mysql_reads_only_its_own_sections() {
        let text = "[mariadb]\nserver-id = 2\n[mysqld-8.4]\nlog-bin = mysql-bin\n[client-server]\nread_only = 1\n";
        let mysql = OptionFile::parse(text, Engine::MySql);
        assert!(matches!(mysql.setting("server-id"), Setting::ElsewhereOnly(l) if l.section == "mariadb"));
        assert_eq!(value(&mysql, "log-bin"), Some("mysql-bin"));
        assert!(matches!(mysql.setting("read_only"), Setting::ElsewhereOnly(_)));
        let mariadb = OptionFile::parse(text, Engine::MariaDb);
        assert_eq!(value(&mariadb, "server-id"), Some("2"));
        assert_eq!(value(&mariadb, "read_only"), Some("1"));
    }

    #[test]
    fn a_file_without_sections_sets_nothing_for_the_server() {
        let file = OptionFile::parse("server-id = 2\n", Engine::MariaDb);
        assert!(matches!(file.setting("server-id"), Setting::ElsewhereOnly(_)));
    }

    #[test]
    fn skip_and_loose_prefixes() {
        let file = OptionFile::parse("[mysqld]\nlog-bin=mysql-bin\nskip-log-bin\nloose-server-id=4\n", Engine::MariaDb);
        assert!(file.switched_off("log-bin"));
        assert_eq!(value(&file, "server_id"), Some("4"));
        let on_again = OptionFile::parse("[mysqld]\nskip-log-bin\nlog-bin=mysql-bin\n", Engine::MariaDb);
        assert!(!on_again.switched_off("log_bin"));
    }
}
