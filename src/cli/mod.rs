//! The command line: its definitions (`args`, a stable contract) and one file per command.

pub(crate) mod args;
pub(crate) mod check;
pub(crate) mod lab;
pub(crate) mod list;
pub(crate) mod open;
pub(crate) mod solve;
pub(crate) mod sql;
pub(crate) mod status;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use crate::cli::args::{Command, DayCommand, DayInfo, Parsed, Run};
use crate::course::content::Content;

/// `check`'s exit status when it could not grade (no engine, no lab): 1 means "not all done".
const COULD_NOT_GRADE: u8 = 2;

/// Parses the command line and runs it; errors are printed in one line, never a backtrace.
pub fn main() -> ExitCode {
    let words: Vec<OsString> = std::env::args_os().collect();
    let content = Content::new(args::content_dir(&words));
    let days = match DayInfo::all(&content) {
        Ok(days) => days,
        Err(err) => {
            eprintln!("sqlcourse: {err:#}");
            return ExitCode::FAILURE;
        }
    };
    let parsed = args::parse(&days, words).unwrap_or_else(|e| e.exit());
    let grading = matches!(parsed.run, Run::Day { command: Some(DayCommand::Check { .. }), .. });
    match run(parsed, &days) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("sqlcourse: {err:#}");
            if grading { ExitCode::from(COULD_NOT_GRADE) } else { ExitCode::FAILURE }
        }
    }
}

fn run(parsed: Parsed, days: &[DayInfo]) -> anyhow::Result<ExitCode> {
    let Parsed { global, run } = parsed;
    match run {
        Run::Top(Command::List) => list::run(&global),
        Run::Top(Command::Completions { shell }) => print(&args::completions(days, shell)),
        Run::Top(Command::Man) => print(&args::man_page(days)?),
        Run::Day { slug, command } => {
            let day = Content::new(global.content.clone()).day(&slug)?;
            match command {
                None => open::run(&day, &global),
                Some(command) => lab::run(day, &global, command),
            }
        }
    }
}

/// Writes generated text on stdout; a reader that went away (`| head`) is not an error.
fn print(bytes: &[u8]) -> anyhow::Result<ExitCode> {
    let _ = std::io::stdout().write_all(bytes);
    Ok(ExitCode::SUCCESS)
}

