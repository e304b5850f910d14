//! The terminal itself: taking it over and giving it back, reading its events, the clipboard
//! escape, ending on signals, and a headless stand-in for tests.

pub(crate) mod clipboard;
pub mod headless;
pub mod input;
pub mod signals;
pub mod terminal;
