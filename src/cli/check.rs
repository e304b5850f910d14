//! `check [--json]`: one grading round, printed for people or for scripts.

use std::process::ExitCode;

use crate::course::content::Day;
use crate::grade::grader::{Grader, record_progress};
use crate::lab::Lab;

/// `check [--json]`: one round, printed; exit 0 only when every task is done.
pub async fn run(lab: &Lab, day: &Day, json: bool) -> anyhow::Result<ExitCode> {
    for gone in lab.course_data_gone().await? {
        eprintln!("sqlcourse: {gone}");
    }
    let servers = lab.servers().await?;
    let mut grader = Grader::new(day.clone(), lab.workspace().clone());
    let report = tokio::task::block_in_place(|| grader.round(&servers));
    if let Some(warning) = record_progress(&day.spec.slug, &report.tasks) {
        eprintln!("sqlcourse: {warning}");
    }
    if json {
        println!("{}", report.to_json());
    } else {
        print!("{}", report.to_text());
    }
    Ok(if report.all_done() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
