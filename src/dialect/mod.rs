//! What each database engine says: which engine runs, the one alias table of statement and
//! column words, the statement forms a server refuses, and reading its option files.

pub mod engine;
pub(crate) mod forms;
pub(crate) mod mycnf;
pub(crate) mod vocabulary;
