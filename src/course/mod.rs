//! What course authors write: lessons and labs, embedded or read from a local copy.

pub mod content;
pub(crate) mod lesson;
pub mod spec;
pub(crate) mod template;
