//! `sqlcourse`: hands-on database lessons on real servers, in the terminal.
//!
//! The binary (`main.rs`) is a thin edge over these modules; integration tests use them too.

pub mod app_run;
pub mod cli;
pub mod content;
pub mod lesson;
pub mod routing;
pub mod routing_probe;
pub mod spec;
pub mod workspace;
