//! The command line (a stable contract: see the README).
//!
//! The days are real subcommands, built from the course content when the program starts, so
//! `--help`, `help DAY`, the completions and the man page all name them with their titles, and
//! complete their servers and task ids. The commands inside a day are one derived enum shared
//! by every day.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Args, FromArgMatches, Subcommand};

use crate::course::content::Content;
use crate::dialect::engine::Engine;

/// The program's name, in every usage line.
pub const BIN: &str = "sqlcourse";

/// Options that apply to every command.
#[derive(Debug, Clone, Default, Args)]
pub struct Global {
    /// Read lessons and labs from this folder (holding lessons/ and labs/) instead of the
    /// built-in copy.
    #[arg(long, global = true, env = "SQLCOURSE_CONTENT", value_name = "DIR")]
    pub content: Option<PathBuf>,
    /// Run the servers from this image instead of the lab's own.
    #[arg(long, global = true, env = "SQLCOURSE_IMAGE", value_name = "IMAGE")]
    pub image: Option<String>,
    /// The database engine of a new lab (MariaDB by default); a lab keeps its engine until
    /// `reset`.
    #[arg(long, global = true, env = "SQLCOURSE_ENGINE", value_name = "ENGINE")]
    pub engine: Option<Engine>,
}

/// The commands beside the days.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// List the days and your progress (also what `sqlcourse` alone does).
    List,
    /// Print the completion script of a shell, which completes days, commands, servers and
    /// task ids.
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `sqlcourse man > sqlcourse.1`.
    Man,
}

/// The commands of a day (`sqlcourse day20 COMMAND`); without one, the lesson opens.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum DayCommand {
    /// Start the lab (or resume it) and print how to reach each server.
    Up,
    /// Stop the lab: remove containers and network, keep data and your files.
    Down,
    /// Show each server's state, port, server_id, log_bin and replication.
    Status {
        /// Machine-readable output (documented in the README).
        #[arg(long)]
        json: bool,
    },
    /// Restart one server, so edits to its config file take effect.
    Restart {
        /// Which server.
        server: String,
    },
    /// Kill one server like a power cut (its data is kept; `restart` brings it back): the
    /// failover drill.
    Crash {
        /// Which server.
        server: String,
    },
    /// Open a server's own SQL client, or run statements on it and exit (`-e`).
    Sql {
        /// Which server.
        server: String,
        /// Statements to run, separated by `;` (end one with `\G` to show rows vertically).
        #[arg(short = 'e', long = "execute", value_name = "SQL")]
        execute: Option<String>,
    },
    /// Grade every task once. Exit status: 0 all done, 1 some not done, 2 could not grade.
    Check {
        /// Machine-readable output (documented in the README).
        #[arg(long)]
        json: bool,
    },
    /// Apply the reference solution of a task and of every task before it (all without TASK).
    Solve {
        /// The last task to solve, such as `change-master`.
        task: Option<String>,
    },
    /// Remove everything the lab created, restore your starting files, start afresh.
    Reset {
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
    },
}

/// What the command line learns of a day from the content: enough to describe and complete it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayInfo {
    pub slug: String,
    /// Its title, or why its lab cannot be read (opening the day then says where).
    pub about: String,
    pub servers: Vec<String>,
    /// Task ids with their titles.
    pub tasks: Vec<(String, String)>,
}

impl DayInfo {
    /// Every day of the content, in day order. A day whose lab does not parse is still
    /// offered, so that running it shows the error at its line.
    pub fn all(content: &Content) -> anyhow::Result<Vec<DayInfo>> {
        Ok(content
            .days()?
            .into_iter()
            .map(|slug| match content.spec(&slug) {
                Ok(spec) => DayInfo {
                    slug,
                    about: spec.title,
                    servers: spec.servers.into_iter().map(|s| s.name).collect(),
                    tasks: spec.tasks.into_iter().map(|t| (t.id, t.title)).collect(),
                },
                Err(_) => DayInfo {
                    about: format!("(its lab cannot be read: run `{BIN} {slug}` to see why)"),
                    slug,
                    servers: Vec::new(),
                    tasks: Vec::new(),
                },
            })
            .collect())
    }
}

/// A parsed command line.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub global: Global,
    pub run: Run,
}

/// What to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    Top(Command),
    /// A day, with its command (none: open the lesson).
    Day { slug: String, command: Option<DayCommand> },
}

/// The whole command line, for parsing, help, completions and the man page alike.
pub fn command(days: &[DayInfo]) -> clap::Command {
    let root = Global::augment_args(clap::Command::new(BIN));
    let root = days.iter().fold(root, |root, day| root.subcommand(day_command(day)));
    // The derive sets the enum's doc as the about text: the program's own replaces it after.
    Command::augment_subcommands(root)
        .version(env!("CARGO_PKG_VERSION"))
        .about("Hands-on database lessons on real servers, in your terminal.")
        .long_about(
            "Hands-on database lessons on real servers, in your terminal.\n\n\
             `sqlcourse DAY` opens a day's lesson and starts its lab in Docker; \
             `sqlcourse DAY COMMAND` runs one of the lab's commands without the screen.",
        )
        .subcommand_help_heading("Days and commands")
}

/// One day's subcommand: its title from the content, its commands with the day's own servers
/// and task ids as the values they take.
fn day_command(day: &DayInfo) -> clap::Command {
    // The derive sets the enum's doc as the about text: the day's own replaces it after.
    let mut command = DayCommand::augment_subcommands(clap::Command::new(day.slug.clone()))
        .about(day.about.clone())
        .long_about(format!(
            "{}\n\nWithout a command, opens the lesson; the lab starts or is re-attached in the background.",
            day.about
        ))
        .subcommand_help_heading("Commands");
    let names: Vec<String> = command.get_subcommands().map(|s| s.get_name().to_owned()).collect();
    for name in names {
        command = command.mut_subcommand(name, |sub| with_day_values(sub, day));
    }
    command
}

/// Names the values a day's `server` and `task` arguments take (the completions offer them).
fn with_day_values(sub: clap::Command, day: &DayInfo) -> clap::Command {
    let has = |id: &str| sub.get_arguments().any(|a| a.get_id() == id);
    let (server, task) = (has("server"), has("task"));
    let mut sub = sub;
    if server && !day.servers.is_empty() {
        let values: Vec<PossibleValue> =
            day.servers.iter().map(|s| PossibleValue::new(s.clone())).collect();
        sub = sub.mut_arg("server", |a| a.value_parser(Offered(values)));
    }
    if task && !day.tasks.is_empty() {
        let values: Vec<PossibleValue> = day
            .tasks
            .iter()
            .map(|(id, title)| PossibleValue::new(id.clone()).help(title.clone()))
            .collect();
        sub = sub.mut_arg("task", |a| a.value_parser(Offered(values)));
    }
    sub
}

/// Values offered to help and completions but not enforced: the lab itself answers a wrong
/// server or task with its own message (and `check`-like exit status 1).
#[derive(Debug, Clone)]
struct Offered(Vec<PossibleValue>);

impl clap::builder::TypedValueParser for Offered {
    type Value = String;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        Ok(value.to_string_lossy().into_owned())
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.0.iter().cloned()))
    }
}

/// Parses a command line (program name first) against the days on offer.
pub fn parse<I, T>(days: &[DayInfo], args: I) -> Result<Parsed, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let matches = command(days).try_get_matches_from(args)?;
    let Some((name, sub)) = matches.subcommand() else {
        return Ok(Parsed { global: Global::from_arg_matches(&matches)?, run: Run::Top(Command::List) });
    };
    if Command::has_subcommand(name) {
        return Ok(Parsed { global: Global::from_arg_matches(sub)?, run: Run::Top(Command::from_arg_matches(&matches)?) });
    }
    // Global options given anywhere reach the innermost command's matches.
    let (global, command) = match sub.subcommand() {
        Some((_, inner)) => (Global::from_arg_matches(inner)?, Some(DayCommand::from_arg_matches(sub)?)),
        None => (Global::from_arg_matches(sub)?, None),
    };
    Ok(Parsed { global, run: Run::Day { slug: name.to_owned(), command } })
}

/// The content folder the command line names (`--content DIR`, else `SQLCOURSE_CONTENT`), read
/// before parsing because the days it offers shape the parser.
pub fn content_dir(args: &[OsString]) -> Option<PathBuf> {
    let mut words = args.iter().skip(1);
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        if word == "--content" {
            return words.next().map(PathBuf::from);
        }
        if let Some(dir) = word.to_str().and_then(|w| w.strip_prefix("--content=")) {
            return Some(PathBuf::from(dir));
        }
    }
    std::env::var_os("SQLCOURSE_CONTENT").filter(|d| !d.is_empty()).map(PathBuf::from)
}

/// The completion script of `shell`, completing the days on offer.
pub fn completions(days: &[DayInfo], shell: clap_complete::Shell) -> Vec<u8> {
    let mut out = Vec::new();
    let mut command = command(days);
    clap_complete::generate(shell, &mut command, BIN, &mut out);
    if shell == clap_complete::Shell::Fish {
        out.extend(fish_positionals(&command).into_bytes());
    }
    out
}

/// clap_complete's fish script completes the values of options only; these lines add those of
/// a day's commands' positional arguments (servers, task ids), in the script's own form.
fn fish_positionals(root: &clap::Command) -> String {
    let quote = |text: &str| text.replace('\\', "\\\\").replace('\'', "\\'");
    let mut lines = String::new();
    for day in root.get_subcommands() {
        for sub in day.get_subcommands() {
            for arg in sub.get_positionals() {
                for value in arg.get_possible_values() {
                    let help = value.get_help().map(|h| h.to_string()).unwrap_or_default();
                    lines.push_str(&format!(
                        "complete -c {BIN} -n \"__fish_{BIN}_using_subcommand {}; and __fish_seen_subcommand_from {}\" -f -a '{}' -d '{}'\n",
                        day.get_name(),
                        sub.get_name(),
                        quote(value.get_name()),
                        quote(&help)
                    ));
                }
            }
        }
    }
    lines
}

/// The manual page, in roff.
pub fn man_page(days: &[DayInfo]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(command(days)).render(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days() -> Vec<DayInfo> {
        DayInfo::all(&Content::Embedded).expect("the built-in content")
    }

    fn parsed(args: &[&str]) -> Parsed {
        parse(&days(), args).expect("parses")
    }

    /// What clap prints instead of running (help, or an error), as text.
    fn printed(args: &[&str]) -> String {
        parse(&days(), args).expect_err("prints instead of running").render().to_string()
    }

    #[test]
    fn the_help_lists_each_day_with_its_title_from_the_content() {
        let help = printed(&["sqlcourse", "--help"]);
        let day = help.lines().find(|l| l.trim_start().starts_with("day20")).expect("day20 listed");
        assert_eq!(day.split_whitespace().collect::<Vec<_>>(), ["day20", "High", "Availability", "&", "Replication"], "{help}");
        assert!(help.contains("completions"), "{help}");
        assert!(help.starts_with("Hands-on") && help.contains("Usage: sqlcourse"), "{help}");
    }

    #[test]
    fn a_day_and_its_commands_have_help_whose_usage_starts_with_the_program() {
        let day = printed(&["sqlcourse", "help", "day20"]);
        assert!(day.contains("Usage: sqlcourse day20 [OPTIONS] [COMMAND]"), "{day}");
        assert!(day.contains("check") && day.contains("Exit status: 0 all done"), "{day}");
        let sql = printed(&["sqlcourse", "day20", "sql", "--help"]);
        assert!(sql.contains("Usage: sqlcourse day20 sql [OPTIONS] <SERVER>"), "{sql}");
        assert!(sql.contains("[possible values: master, slave]"), "{sql}");
        let status = printed(&["sqlcourse", "help", "day20", "status"]);
        assert!(status.contains("Usage: sqlcourse day20 status"), "{status}");
        let usage = printed(&["sqlcourse", "day20", "bogus"]);
        assert!(usage.contains("Usage: sqlcourse day20"), "{usage}");
    }

    #[test]
    fn days_and_their_commands_parse() {
        let p = parsed(&["sqlcourse", "day20", "sql", "slave", "-e", "SELECT 1"]);
        assert_eq!(
            p.run,
            Run::Day {
                slug: "day20".into(),
                command: Some(DayCommand::Sql { server: "slave".into(), execute: Some("SELECT 1".into()) })
            }
        );
        assert_eq!(parsed(&["sqlcourse", "day20"]).run, Run::Day { slug: "day20".into(), command: None });
        assert_eq!(parsed(&["sqlcourse"]).run, Run::Top(Command::List));
        assert_eq!(
            parsed(&["sqlcourse", "day20", "solve", "change-master"]).run,
            Run::Day { slug: "day20".into(), command: Some(DayCommand::Solve { task: Some("change-master".into()) }) }
        );
        // The lab answers an unknown server or task in its own words.
        assert!(parse(&days(), ["sqlcourse", "day20", "restart", "primary"]).is_ok());
    }

    #[test]
    fn the_engine_is_chosen_before_or_after_the_day() {
        let p = parsed(&["sqlcourse", "--engine", "mysql", "day20"]);
        assert_eq!(p.global.engine, Some(Engine::MySql));
        let p = parsed(&["sqlcourse", "day20", "status", "--engine", "mariadb"]);
        assert_eq!(p.global.engine, Some(Engine::MariaDb));
        let p = parsed(&["sqlcourse", "--image", "a:1", "day20", "check"]);
        assert_eq!(p.global.image.as_deref(), Some("a:1"));
        let err = printed(&["sqlcourse", "--engine", "postgres", "day20"]);
        assert!(err.contains("[possible values: mariadb, mysql]"), "{err}");
    }

    #[test]
    fn the_content_folder_is_found_before_parsing() {
        let words = |w: &[&str]| w.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(content_dir(&words(&["sqlcourse", "--content", "/c", "day20"])), Some("/c".into()));
        assert_eq!(content_dir(&words(&["sqlcourse", "day20", "--content=/d"])), Some("/d".into()));
        assert_eq!(
            content_dir(&words(&["sqlcourse", "day20", "sql", "master", "-e", "--", "--content"])),
            std::env::var_os("SQLCOURSE_CONTENT").filter(|d| !d.is_empty()).map(PathBuf::from)
        );
    }

    #[test]
    fn completions_offer_days_commands_servers_and_task_ids() {
        for shell in [clap_complete::Shell::Bash, clap_complete::Shell::Zsh, clap_complete::Shell::Fish] {
            let script = String::from_utf8(completions(&days(), shell)).expect("UTF-8");
            for word in ["day20", "completions", "restart", "master", "slave", "change-master", "read-routing"] {
                assert!(script.contains(word), "{shell}: no {word}");
            }
        }
        let fish = String::from_utf8(completions(&days(), clap_complete::Shell::Fish)).expect("UTF-8");
        assert!(fish.contains("High Availability & Replication"), "fish shows the day's title");
        assert!(
            fish.contains("__fish_sqlcourse_using_subcommand day20; and __fish_seen_subcommand_from solve\" -f -a 'change-master' -d 'Point the slave at the master (CHANGE MASTER TO)'"),
            "{fish}"
        );
    }

    #[test]
    fn bash_completes_a_day_its_commands_and_a_server() {
        let script = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(script.path(), completions(&days(), clap_complete::Shell::Bash)).expect("written");
        let complete = |words: &str, current: usize| {
            let probe = format!(
                "source {}; COMP_WORDS=({words}); COMP_CWORD={current}; _sqlcourse sqlcourse \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$COMP_CWORD-1]}}\"; echo \"${{COMPREPLY[@]}}\"",
                script.path().display()
            );
            let out = std::process::Command::new("bash").args(["-c", &probe]).output().expect("bash runs");
            String::from_utf8_lossy(&out.stdout).split_whitespace().map(str::to_owned).collect::<Vec<_>>()
        };
        assert!(complete("sqlcourse da", 1).contains(&"day20".to_owned()));
        let commands = complete("sqlcourse day20 ''", 2);
        for command in ["up", "down", "status", "restart", "sql", "check", "solve", "reset"] {
            assert!(commands.contains(&command.to_owned()), "{commands:?}");
        }
        assert!(complete("sqlcourse day20 sql ''", 3).contains(&"slave".to_owned()));
        assert!(complete("sqlcourse day20 solve ''", 3).contains(&"read-routing".to_owned()));
    }

    #[test]
    fn the_man_page_is_built_from_the_same_definitions() {
        let page = String::from_utf8(man_page(&days()).expect("renders")).expect("UTF-8");
        assert!(page.starts_with(".ie") || page.contains(".TH sqlcourse"), "{page}");
        assert!(page.contains("day20") && page.contains("High Availability & Replication"), "{page}");
        assert!(page.contains("completions"), "{page}");
    }
}
