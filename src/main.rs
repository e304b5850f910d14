//! `sqlcourse`: hands-on database lessons on real servers, in the terminal.

use clap::Parser;

use sqlcourse::cli::{Cli, Command, DayCli, Global};
use sqlcourse::content::Content;
use sqlcourse::lab::ServerChoice;
use sqlcourse::lab_commands;
use sqlcourse::progress::Progress;
use sqlcourse::tui;
use sqlcourse::workspace::Workspace;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("sqlcourse: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    match cli.command {
        None | Some(Command::List) => list(&cli.global),
        Some(Command::Day(words)) => {
            let day_cli = DayCli::parse_words(&words).unwrap_or_else(|e| e.exit());
            let global = merge(cli.global, day_cli.global);
            let content = Content::new(global.content.clone());
            let day = content.day(&words[0])?;
            match day_cli.command {
                None => {
                    let workspace = Workspace::for_day(&day.spec.slug)?;
                    let choice = ServerChoice { engine: global.engine, image: global.image.clone() };
                    let (lab_day, lab_workspace) = (day.clone(), workspace.clone());
                    tui::run(&day, &workspace, |screen| {
                        sqlcourse::live::start(lab_day, lab_workspace, choice, screen)
                    })?;
                    Ok(std::process::ExitCode::SUCCESS)
                }
                Some(command) => lab_commands::run(day, &global, command),
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

fn list(global: &Global) -> anyhow::Result<std::process::ExitCode> {
    let content = Content::new(global.content.clone());
    for slug in content.days()? {
        let day = content.day(&slug)?;
        let loaded = Progress::load(&slug);
        if let Some(warning) = &loaded.warning {
            eprintln!("sqlcourse: {warning}");
        }
        let done = loaded.progress.done_count(&day.spec);
        println!("{slug}  {}  {done}/{}", day.spec.title, day.spec.tasks.len());
    }
    Ok(std::process::ExitCode::SUCCESS)
}
