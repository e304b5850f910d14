//! The terminal itself: taking it over and giving it back, reading its events, the clipboard
//! escape, and a headless stand-in for tests.

pub(crate) mod clipboard;
pub mod headless;
pub(crate) mod input;
pub(crate) mod terminal;
