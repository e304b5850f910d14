//! The learner's side: the workspace of files they edit, their progress, their editor, and
//! their application's runs and its Python.

pub mod app_run;
pub mod editor;
pub mod fill;
pub mod folders;
pub mod progress;
pub mod venv;
pub mod workspace;
