//! What course authors write: lessons and labs, embedded or read from a local copy.

pub mod content;
pub mod lesson;
pub mod spec;
pub mod template;
