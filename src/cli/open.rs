//! `sqlcourse DAY`: the lesson screen, with the lab started or re-attached behind it.

use std::process::ExitCode;

use crate::cli::args::Global;
use crate::course::content::Day;
use crate::lab::ServerChoice;
use crate::learner::workspace::Workspace;
use crate::tui;

pub fn run(day: &Day, global: &Global) -> anyhow::Result<ExitCode> {
    let workspace = Workspace::for_day(&day.spec.slug)?;
    let choice = ServerChoice { engine: global.engine, image: global.image.clone() };
    let (lab_day, lab_workspace) = (day.clone(), workspace.clone());
    tui::run(day, &workspace, |screen| {
        tui::workers::lab::start(lab_day, lab_workspace, choice, screen)
    })?;
    Ok(ExitCode::SUCCESS)
}
