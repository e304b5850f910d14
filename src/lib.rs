//! `sqlcourse` as a library: the parts the program, its interface and its tests share.

pub mod clipboard;
pub mod editor;
pub mod endpoint;
pub mod shell;
pub mod sql;
