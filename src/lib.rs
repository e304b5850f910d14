//! `sqlcourse`: hands-on database lessons on real servers, in the terminal.
//!
//! The binary (`main.rs`) is a thin edge over these modules; integration tests use them too.

pub mod app_run;
pub mod check;
pub mod cli;
pub mod clipboard;
pub mod content;
pub mod diagnose;
pub mod dialect;
pub mod docker;
pub mod editor;
pub mod engine;
pub mod grade;
pub mod image;
pub mod lab;
pub mod lab_commands;
pub mod lesson;
pub mod live;
pub mod mycnf;
pub mod probe;
pub mod progress;
pub mod ready;
pub mod report;
pub mod routing;
pub mod routing_probe;
pub mod shell;
pub mod snapshot;
pub mod solve;
pub mod spec;
pub mod sql;
pub mod sql_command;
pub mod tui;
pub mod vocabulary;
pub mod workspace;
