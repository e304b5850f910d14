//! Work off the UI thread: the live lab (up, watch, grade) and one SQL session per server.
//! Workers send `Action`s; the screen never waits for them.

pub mod lab;
pub(crate) mod sql;
