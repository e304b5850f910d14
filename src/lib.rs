//! `sqlcourse`: hands-on database lessons on real servers, in the terminal.
//!
//! The binary (`main.rs`) is a thin edge over these modules; integration tests use them too.

pub mod cli;
pub mod content;
pub mod docker;
pub mod image;
pub mod lab;
pub mod lab_commands;
pub mod lesson;
pub mod ready;
pub mod spec;
pub mod workspace;
