//! `sqlcourse` and `sqlcourse list`: the days and the learner's progress in each.

use std::process::ExitCode;

use crate::cli::args::Global;
use crate::course::content::Content;
use crate::learner::progress::Progress;

pub fn run(global: &Global) -> anyhow::Result<ExitCode> {
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
    Ok(ExitCode::SUCCESS)
}
