//! The command line (a stable contract: see the README).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::dialect::engine::Engine;

/// Hands-on database lessons on real servers, in your terminal.
#[derive(Debug, Parser)]
#[command(name = "sqlcourse", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

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

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the days and your progress.
    List,
    /// A day, such as `day20`: opens its lesson, or runs one of its commands.
    #[command(external_subcommand)]
    Day(Vec<String>),
}

/// `sqlcourse DAY [COMMAND]`.
#[derive(Debug, Parser)]
#[command(name = "sqlcourse DAY", no_binary_name = false)]
pub struct DayCli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<DayCommand>,
}

#[derive(Debug, Subcommand)]
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
    /// Grade every task once; exit 0 only when all are done.
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

/// How output is printed for scripts.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

impl DayCli {
    /// Parses the words after the day's name.
    pub fn parse_words(words: &[String]) -> Result<Self, clap::Error> {
        DayCli::try_parse_from(words)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_is_chosen_before_or_after_the_day() {
        let cli = Cli::try_parse_from(["sqlcourse", "--engine", "mysql", "day20"]).expect("parses");
        assert_eq!(cli.global.engine, Some(Engine::MySql));
        let words: Vec<String> = ["day20", "status", "--engine", "mariadb"].map(String::from).to_vec();
        let day = DayCli::parse_words(&words).expect("parses");
        assert_eq!(day.global.engine, Some(Engine::MariaDb));
        let err = Cli::try_parse_from(["sqlcourse", "--engine", "postgres", "day20"]).expect_err("unknown");
        assert!(err.to_string().contains("[possible values: mariadb, mysql]"), "{err}");
    }
}
