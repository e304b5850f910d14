//! The command line: its definitions (`args`, a stable contract) and one file per command.

pub(crate) mod args;
pub(crate) mod check;
pub(crate) mod lab;
pub(crate) mod list;
pub(crate) mod open;
pub(crate) mod solve;
pub(crate) mod sql;
pub(crate) mod status;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::args::{Cli, Command, DayCli, Global};
use crate::course::content::Content;

/// Parses the command line and runs it; errors are printed in one line, never a backtrace.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("sqlcourse: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None | Some(Command::List) => list::run(&cli.global),
        Some(Command::Day(words)) => {
            let day_cli = DayCli::parse_words(&words).unwrap_or_else(|e| e.exit());
            let global = merge(cli.global, day_cli.global);
            let content = Content::new(global.content.clone());
            let day = content.day(&words[0])?;
            match day_cli.command {
                None => open::run(&day, &global),
                Some(command) => lab::run(day, &global, command),
            }
        }
    }
}

/// Options may come before or after the day's name; the later one wins.
fn merge(before: Global, after: Global) -> Global {
    Global {
        content: after.content.or(before.content),
        image: after.image.or(before.image),
        engine: after.engine.or(before.engine),
    }
}
