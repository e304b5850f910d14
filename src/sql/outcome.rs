//! What running statements gives back: plain data, rendered by `render`.

use std::fmt;
use std::time::Duration;

use crate::sql::split::Statement;

/// Rows kept from one result before the rest are only counted.
pub const DEFAULT_ROW_LIMIT: usize = 10_000;

/// Everything one input gave back.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Run {
    /// One outcome per result, in order (a procedure call may give several).
    pub outcomes: Vec<Outcome>,
    /// Statements not run because an earlier one failed or the input was cancelled.
    pub skipped: Vec<Statement>,
    /// The connection had been lost and was opened again before running.
    pub reconnected: bool,
    /// The input was cancelled while it ran.
    pub cancelled: bool,
}

impl Run {
    /// The error that stopped the input, if one did.
    pub fn error(&self) -> Option<&SqlError> {
        self.outcomes.iter().find_map(|o| match &o.result {
            StatementResult::Failed(e) => Some(e),
            _ => None,
        })
    }
}

/// One statement's result and how long it took.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub statement: Statement,
    /// From sending the statement to reading its last row.
    pub elapsed: Duration,
    pub result: StatementResult,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StatementResult {
    /// A result table (SELECT, SHOW, …), possibly empty.
    Rows(RowSet),
    /// A statement without a result table (INSERT, CHANGE MASTER, …).
    Done(Done),
    /// The server (or the connection) refused the statement.
    Failed(SqlError),
}

/// The server's report for a statement without a result table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Done {
    pub affected_rows: u64,
    pub last_insert_id: Option<u64>,
    pub warnings: u16,
    /// Extra words such as `Records: 3  Duplicates: 0  Warnings: 0`; often empty.
    pub info: String,
}

/// An error as the `mariadb` client shows it: `ERROR 1064 (42000): You have an error …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlError {
    pub code: u16,
    /// The SQLSTATE, five characters.
    pub state: String,
    pub message: String,
}

/// The client's own error numbers, for failures that are not the server's answer.
impl SqlError {
    /// CR_UNKNOWN_ERROR.
    pub const CLIENT_ERROR: u16 = 2000;
    /// CR_CONN_HOST_ERROR: nothing answered at the address.
    pub const CANNOT_CONNECT: u16 = 2003;
    /// CR_SERVER_LOST: the connection broke while a statement ran.
    pub const LOST_CONNECTION: u16 = 2013;
    /// ER_QUERY_INTERRUPTED: the statement was cancelled (KILL QUERY).
    pub const INTERRUPTED: u16 = 1317;

    /// An error raised on this side of the connection.
    pub fn client(code: u16, message: impl Into<String>) -> Self {
        SqlError { code, state: "HY000".to_owned(), message: message.into() }
    }
}

impl fmt::Display for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ERROR {} ({}): {}", self.code, self.state, self.message)
    }
}

impl std::error::Error for SqlError {}

/// A result column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// Numbers are right-aligned, as the `mariadb` client does.
    pub numeric: bool,
}

/// A result table: its first rows kept, every row counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowSet {
    pub columns: Vec<Column>,
    /// The rows kept, each value as shown (`None` is SQL NULL).
    pub rows: Vec<Vec<Option<String>>>,
    /// How many rows the server sent, kept or not.
    pub total: u64,
    /// Warnings the statement raised (see SHOW WARNINGS).
    pub warnings: u16,
    /// How many rows are kept at most.
    limit: usize,
    /// Widest cell of each column, header included, in terminal cells, as a table shows it.
    widths: Vec<usize>,
}

impl RowSet {
    /// An empty result table that will keep up to `limit` rows.
    pub fn new(columns: Vec<Column>, limit: usize) -> Self {
        let widths = columns.iter().map(|c| crate::sql::render::cell_width(&c.name)).collect();
        RowSet { columns, rows: Vec::new(), total: 0, warnings: 0, limit, widths }
    }

    /// Counts a row, and keeps it while under the limit.
    pub fn push(&mut self, row: Vec<Option<String>>) {
        self.total += 1;
        if self.rows.len() >= self.limit {
            return;
        }
        for (width, value) in self.widths.iter_mut().zip(&row) {
            let cell = value.as_deref().map_or(NULL.len(), crate::sql::render::cell_width);
            *width = (*width).max(cell);
        }
        self.rows.push(row);
    }

    /// Whether rows were counted but not kept.
    pub fn is_truncated(&self) -> bool {
        self.total > self.rows.len() as u64
    }

    /// Natural width of each column: its widest kept cell or its name.
    pub fn widths(&self) -> &[usize] {
        &self.widths
    }
}

/// How SQL NULL is shown.
pub const NULL: &str = "NULL";

#[cfg(test)]
mod tests {
    use super::*;

    fn text_column(name: &str) -> Column {
        Column { name: name.to_owned(), numeric: false }
    }

    #[test]
    fn rows_past_the_limit_are_counted_not_kept() {
        let mut set = RowSet::new(vec![text_column("n")], 2);
        for n in 0..5 {
            set.push(vec![Some(n.to_string())]);
        }
        assert_eq!(set.rows.len(), 2);
        assert_eq!(set.total, 5);
        assert!(set.is_truncated());
    }

    #[test]
    fn widths_cover_names_values_and_null() {
        let mut set = RowSet::new(vec![text_column("id"), text_column("name")], 10);
        set.push(vec![Some("12345".into()), None]);
        set.push(vec![Some("1".into()), Some("ab".into())]);
        assert_eq!(set.widths(), [5, 4]);
    }

    #[test]
    fn errors_read_like_the_mariadb_client() {
        let e = SqlError { code: 1064, state: "42000".into(), message: "You have an error".into() };
        assert_eq!(e.to_string(), "ERROR 1064 (42000): You have an error");
    }
}
