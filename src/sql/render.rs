//! Results as plain text lines, laid out like the `mariadb` client's: boxed tables, or one
//! block per row after `\G`. Everything here reads results and never changes them, and any
//! window of rows can be drawn without touching the others.

use std::borrow::Cow;
use std::ops::Range;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::sql::outcome::{NULL, Outcome, RowSet, Run, StatementResult};

/// Marks a value cut to fit its column.
const ELLIPSIS: char = '…';

/// The widest a table column may grow before values are cut, by default.
pub const DEFAULT_MAX_COLUMN_WIDTH: usize = 60;

/// How a table value reads on one line: control characters (newlines, tabs) are escaped,
/// as they would break the table's lines.
pub fn escape_cell(value: &str) -> Cow<'_, str> {
    if value.chars().any(char::is_control) {
        Cow::Owned(
            value
                .chars()
                .map(
                    |c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() },
                )
                .collect(),
        )
    } else {
        Cow::Borrowed(value)
    }
}

/// Terminal cells a value takes in a table.
pub fn cell_width(value: &str) -> usize {
    escape_cell(value).width()
}

/// A result table laid out for a maximum column width; its lines are made on demand.
#[derive(Debug, Clone)]
pub struct Table<'a> {
    set: &'a RowSet,
    widths: Vec<usize>,
    border: String,
}

impl<'a> Table<'a> {
    /// Lays out `set`, cutting columns wider than `max_column_width` cells with `…`.
    pub fn new(set: &'a RowSet, max_column_width: usize) -> Self {
        let max = max_column_width.max(1);
        let widths: Vec<usize> = set.widths().iter().map(|w| (*w).min(max)).collect();
        let mut border = String::from("+");
        for w in &widths {
            border.push_str(&"-".repeat(w + 2));
            border.push('+');
        }
        Table { set, widths, border }
    }

    /// Width of every line, in terminal cells.
    pub fn width(&self) -> usize {
        self.border.width()
    }

    /// The `+----+` line drawn above and below the header and below the rows.
    pub fn border(&self) -> &str {
        &self.border
    }

    /// The column names between bars.
    pub fn header(&self) -> String {
        let names = self.set.columns.iter().map(|c| (Some(c.name.as_str()), false));
        self.line(names)
    }

    /// The line of kept row `index` (empty when there is no such row).
    pub fn row(&self, index: usize) -> String {
        let Some(row) = self.set.rows.get(index) else { return String::new() };
        let cells = row
            .iter()
            .zip(&self.set.columns)
            .map(|(v, c)| (Some(v.as_deref().unwrap_or(NULL)), c.numeric));
        self.line(cells)
    }

    /// The lines of kept rows in `rows` (clamped to the rows kept).
    pub fn rows(&self, rows: Range<usize>) -> Vec<String> {
        clamp(rows, self.set.rows.len()).map(|i| self.row(i)).collect()
    }

    /// The whole table: border, header, border, every kept row, border.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![self.border.clone(), self.header(), self.border.clone()];
        lines.extend(self.rows(0..self.set.rows.len()));
        lines.push(self.border.clone());
        lines
    }

    fn line<'v>(&self, cells: impl Iterator<Item = (Option<&'v str>, bool)>) -> String {
        let mut line = String::with_capacity(self.border.len());
        line.push('|');
        for ((value, right), width) in cells.zip(&self.widths) {
            let text = fit(value.unwrap_or(NULL), *width);
            let pad = " ".repeat(width.saturating_sub(text.width()));
            line.push(' ');
            if right {
                line.push_str(&pad);
                line.push_str(&text);
            } else {
                line.push_str(&text);
                line.push_str(&pad);
            }
            line.push_str(" |");
        }
        line
    }
}

/// A value escaped and cut to at most `width` cells, ending in `…` when cut.
fn fit(value: &str, width: usize) -> Cow<'_, str> {
    let escaped = escape_cell(value);
    if escaped.width() <= width {
        return escaped;
    }
    let mut out = String::new();
    let mut used = 0;
    for c in escaped.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width.saturating_sub(1) {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push(ELLIPSIS);
    Cow::Owned(out)
}

fn clamp(range: Range<usize>, len: usize) -> Range<usize> {
    range.start.min(len)..range.end.min(len)
}

/// Kept rows in `rows` as `\G` shows them: a starred line, then `column: value` lines with the
/// names right-aligned. Values keep their own line breaks; other control characters are escaped.
pub fn vertical_lines(set: &RowSet, rows: Range<usize>) -> Vec<String> {
    let name_width = set.columns.iter().map(|c| c.name.width()).max().unwrap_or(0);
    let mut lines = Vec::new();
    for index in clamp(rows, set.rows.len()) {
        lines.push(format!("{0} {1}. row {0}", "*".repeat(27), index + 1));
        for (column, value) in set.columns.iter().zip(&set.rows[index]) {
            let pad = " ".repeat(name_width - column.name.width());
            let value = value.as_deref().unwrap_or(NULL);
            let mut parts = value.split('\n');
            let first = parts.next().unwrap_or_default();
            lines.push(format!("{pad}{}: {}", column.name, escape_cell(first)));
            lines.extend(parts.map(|part| escape_cell(part).into_owned()));
        }
    }
    lines
}

/// The line under a result: `3 rows in set (0.001 sec)`, `Query OK, 1 row affected (…)`,
/// or the error.
pub fn summary(outcome: &Outcome) -> String {
    let time = format!("({:.3} sec)", outcome.elapsed.as_secs_f64());
    match &outcome.result {
        StatementResult::Rows(set) => {
            let mut line = if set.total == 0 {
                "Empty set".to_owned()
            } else {
                count(set.total, "row") + " in set"
            };
            if set.is_truncated() {
                line.push_str(&format!(", first {} kept", set.rows.len()));
            }
            format!("{line}{} {time}", warnings(set.warnings))
        }
        StatementResult::Done(done) => {
            let rows = count(done.affected_rows, "row");
            format!("Query OK, {rows} affected{} {time}", warnings(done.warnings))
        }
        StatementResult::Failed(error) => error.to_string(),
    }
}

fn warnings(n: u16) -> String {
    if n == 0 { String::new() } else { format!(", {}", count(n.into(), "warning")) }
}

fn count(n: u64, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// A result in full: its table (or blocks, after `\G`) and its summary line, plus the server's
/// extra information when it gave some.
pub fn outcome_lines(outcome: &Outcome, max_column_width: usize) -> Vec<String> {
    let mut lines = match &outcome.result {
        StatementResult::Rows(set) if set.rows.is_empty() => Vec::new(),
        StatementResult::Rows(set) if outcome.statement.vertical => {
            vertical_lines(set, 0..set.rows.len())
        }
        StatementResult::Rows(set) => Table::new(set, max_column_width).lines(),
        StatementResult::Done(_) | StatementResult::Failed(_) => Vec::new(),
    };
    lines.extend(summary(outcome).lines().map(str::to_owned));
    if let StatementResult::Done(done) = &outcome.result
        && !done.info.is_empty()
    {
        lines.push(done.info.clone());
    }
    lines
}

/// Everything an input gave, with a blank line between results, as a console shows it.
pub fn run_lines(run: &Run, max_column_width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    if run.reconnected {
        lines.push(
            "The connection had been lost: reconnected (session settings start afresh).".to_owned(),
        );
    }
    for (i, outcome) in run.outcomes.iter().enumerate() {
        if i > 0 {
            lines.push(String::new());
        }
        lines.extend(outcome_lines(outcome, max_column_width));
    }
    if !run.skipped.is_empty() {
        let why = if run.cancelled { "cancel" } else { "error" };
        let statements = count(run.skipped.len() as u64, "statement");
        lines.push(format!("{statements} not run after the {why}."));
    }
    lines
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::sql::outcome::{Column, Done, SqlError};
    use crate::sql::split::Statement;

    fn set(columns: &[(&str, bool)], rows: &[&[Option<&str>]]) -> RowSet {
        let columns = columns
            .iter()
            .map(|(n, numeric)| Column { name: (*n).to_owned(), numeric: *numeric })
            .collect();
        let mut set = RowSet::new(columns, 100);
        for row in rows {
            set.push(row.iter().map(|v| v.map(str::to_owned)).collect());
        }
        set
    }

    fn outcome(result: StatementResult, vertical: bool) -> Outcome {
        Outcome {
            statement: Statement { text: "SELECT …".into(), vertical },
            elapsed: Duration::from_micros(1600),
            result,
        }
    }

    #[test]
    fn a_table_looks_like_the_mariadb_client() {
        let s = set(
            &[("id", true), ("name", false)],
            &[&[Some("1"), Some("alice")], &[Some("20"), None]],
        );
        assert_eq!(
            Table::new(&s, 40).lines(),
            [
                "+----+-------+",
                "| id | name  |",
                "+----+-------+",
                "|  1 | alice |",
                "| 20 | NULL  |",
                "+----+-------+",
            ]
        );
    }

    #[test]
    fn wide_values_are_cut_with_an_ellipsis() {
        let s = set(&[("v", false)], &[&[Some("abcdefghij")], &[Some("漢字漢字漢字")]]);
        let table = Table::new(&s, 6);
        assert_eq!(table.rows(0..2), ["| abcde… |", "| 漢字…  |"]);
        assert!(table.rows(0..2).iter().all(|l| l.width() == table.width()));
    }

    #[test]
    fn newlines_in_a_table_cell_are_escaped() {
        let s = set(&[("v", false)], &[&[Some("a\nb\tc")]]);
        assert_eq!(Table::new(&s, 40).row(0), "| a\\nb\\tc |");
    }

    #[test]
    fn a_window_of_rows_is_clamped_to_the_rows_kept() {
        let s = set(&[("n", true)], &[&[Some("1")], &[Some("2")], &[Some("3")]]);
        let table = Table::new(&s, 40);
        assert_eq!(table.rows(1..10), ["| 2 |", "| 3 |"]);
        assert!(table.rows(5..9).is_empty());
    }

    #[test]
    fn vertical_rows_align_names_and_keep_line_breaks() {
        let s = set(
            &[("Slave_IO_Running", false), ("Last_Error", false)],
            &[&[Some("Yes"), Some("line one\nline two")], &[Some("No"), None]],
        );
        assert_eq!(
            vertical_lines(&s, 0..2),
            [
                "*************************** 1. row ***************************",
                "Slave_IO_Running: Yes",
                "      Last_Error: line one",
                "line two",
                "*************************** 2. row ***************************",
                "Slave_IO_Running: No",
                "      Last_Error: NULL",
            ]
        );
    }

    #[test]
    fn summaries_count_rows_and_time() {
        let one = set(&[("n", true)], &[&[Some("1")]]);
        assert_eq!(
            summary(&outcome(StatementResult::Rows(one), false)),
            "1 row in set (0.002 sec)"
        );
        let mut warned = set(&[("n", true)], &[&[None]]);
        warned.warnings = 1;
        assert_eq!(
            summary(&outcome(StatementResult::Rows(warned), false)),
            "1 row in set, 1 warning (0.002 sec)"
        );
        let empty = set(&[("n", true)], &[]);
        assert_eq!(summary(&outcome(StatementResult::Rows(empty), false)), "Empty set (0.002 sec)");
        let done = Done { affected_rows: 3, warnings: 1, ..Done::default() };
        assert_eq!(
            summary(&outcome(StatementResult::Done(done), false)),
            "Query OK, 3 rows affected, 1 warning (0.002 sec)"
        );
    }

    #[test]
    fn a_truncated_result_says_how_many_rows_were_kept() {
        let mut s = RowSet::new(vec![Column { name: "seq".into(), numeric: true }], 2);
        for n in 0..5 {
            s.push(vec![Some(n.to_string())]);
        }
        assert_eq!(
            summary(&outcome(StatementResult::Rows(s), false)),
            "5 rows in set, first 2 kept (0.002 sec)"
        );
    }

    #[test]
    fn an_error_is_one_line_with_code_and_state() {
        let e = SqlError {
            code: 1146,
            state: "42S02".into(),
            message: "Table 'test.t' doesn't exist".into(),
        };
        assert_eq!(
            outcome_lines(&outcome(StatementResult::Failed(e), false), 40),
            ["ERROR 1146 (42S02): Table 'test.t' doesn't exist"]
        );
    }

    #[test]
    fn a_run_separates_results_and_reports_skipped_statements() {
        let s = set(&[("n", true)], &[&[Some("1")]]);
        let e =
            SqlError::client(SqlError::LOST_CONNECTION, "Lost connection to server during query");
        let run = Run {
            outcomes: vec![
                outcome(StatementResult::Rows(s), true),
                outcome(StatementResult::Failed(e), false),
            ],
            skipped: vec![Statement { text: "SELECT 3".into(), vertical: false }],
            ..Run::default()
        };
        assert_eq!(
            run_lines(&run, 40),
            [
                "*************************** 1. row ***************************",
                "n: 1",
                "1 row in set (0.002 sec)",
                "",
                "ERROR 2013 (HY000): Lost connection to server during query",
                "1 statement not run after the error.",
            ]
        );
    }
}
