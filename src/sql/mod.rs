//! The SQL console's engine: statements in, results out as plain data and text lines.
//!
//! `Session` runs what is typed on one server; `split` cuts input into statements; `render`
//! lays results out like the `mariadb` client; `History` remembers what was typed.

mod history;
mod outcome;
mod render;
mod session;
mod split;

pub use history::History;
pub use outcome::{
    Column, DEFAULT_ROW_LIMIT, Done, NULL, Outcome, RowSet, Run, SqlError, StatementResult,
};
pub use render::{
    DEFAULT_MAX_COLUMN_WIDTH, Table, cell_width, escape_cell, outcome_lines, run_lines, summary,
    vertical_lines,
};
pub use session::{Canceller, Session, SessionOptions};
pub use split::{Split, Statement, is_complete, split};
