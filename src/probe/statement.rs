//! What one logged statement is: a write, a read, or noise, and which rows an INSERT adds.
//!
//! The text comes from the server's general log, where client-side drivers (PyMySQL and most
//! others) have already put the values in, so rows can be read off the statement itself.

/// What a statement does, as far as routing is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Changes data or schema: INSERT, UPDATE, DELETE, REPLACE, LOAD, DDL, CALL.
    Write,
    /// A read that locks rows for a coming write (`FOR UPDATE`, `FOR SHARE`,
    /// `LOCK IN SHARE MODE`): it belongs on the writer with the write it prepares.
    LockingRead,
    /// Reads application data: a SELECT from a table.
    Read,
    /// Says nothing about routing: transaction control, session settings, and the
    /// metadata queries drivers send on connect (`SET NAMES`, `SELECT @@…`,
    /// `SHOW VARIABLES`, `SELECT 1`, reads of information_schema).
    Noise,
}

/// Classifies one general-log row by its command type (`Query`, `Execute`, `Connect`, …).
pub fn classify(command: &str, text: &str) -> Kind {
    // A prepared statement is logged twice: `Prepare` with `?` marks, then `Execute` with
    // the values. Only the execution counts; Connect, Quit, Ping, Init DB are not statements.
    if !matches!(command, "Query" | "Execute") {
        return Kind::Noise;
    }
    let tokens = tokenize(text);
    let Some(first) = tokens.iter().find_map(|t| match t {
        Token::Punct('(') => None,
        Token::Word(w) => Some(w.to_ascii_uppercase()),
        _ => Some(String::new()),
    }) else {
        return Kind::Noise;
    };
    match first.as_str() {
        "INSERT" | "UPDATE" | "DELETE" | "REPLACE" | "LOAD" | "CREATE" | "ALTER" | "DROP"
        | "TRUNCATE" | "RENAME" | "CALL" => Kind::Write,
        "SELECT" | "WITH" | "TABLE" | "VALUES" => classify_select(&tokens),
        _ => Kind::Noise,
    }
}

/// A statement's verb for messages: `SELECT`, `INSERT`, `SELECT … FOR UPDATE`.
pub fn verb(text: &str) -> String {
    let tokens = tokenize(text);
    let word = tokens
        .iter()
        .find_map(|t| match t {
            Token::Word(w) => Some(w.to_ascii_uppercase()),
            _ => None,
        })
        .unwrap_or_default();
    if classify("Query", text) == Kind::LockingRead {
        format!("{word} … FOR UPDATE")
    } else {
        word
    }
}

fn classify_select(tokens: &[Token]) -> Kind {
    let words: Vec<String> = tokens
        .iter()
        .map(|t| match t {
            Token::Word(w) => w.to_ascii_uppercase(),
            _ => String::new(),
        })
        .collect();
    let has =
        |seq: &[&str]| words.windows(seq.len()).any(|w| w.iter().zip(seq).all(|(a, b)| a == b));
    if has(&["FOR", "UPDATE"]) || has(&["FOR", "SHARE"]) || has(&["LOCK", "IN", "SHARE", "MODE"]) {
        return Kind::LockingRead;
    }
    if words[0] == "TABLE" {
        return Kind::Read;
    }
    // The first table read decides: none (`SELECT 1`, `SELECT @@x`, `FROM DUAL`) or a system
    // schema is a driver's or a tool's question to the server, not the application's data.
    let Some(from) = words.iter().position(|w| w == "FROM") else {
        return Kind::Noise;
    };
    match tokens.get(from + 1) {
        Some(Token::Word(w) | Token::Quoted(w)) => {
            let schema = w.to_ascii_lowercase();
            let qualified = matches!(tokens.get(from + 2), Some(Token::Punct('.')));
            let system = ["information_schema", "performance_schema", "mysql", "sys"];
            if schema == "dual" || (qualified && system.contains(&schema.as_str())) {
                Kind::Noise
            } else {
                Kind::Read
            }
        }
        // `FROM (subquery)` reads whatever the subquery reads.
        _ => Kind::Read,
    }
}

/// The database a `USE db` statement switches to.
pub fn used_database(text: &str) -> Option<String> {
    match tokenize(text).as_slice() {
        [Token::Word(u), Token::Word(db) | Token::Quoted(db), rest @ ..]
            if u.eq_ignore_ascii_case("USE") && rest.iter().all(|t| t == &Token::Punct(';')) =>
        {
            Some(db.clone())
        }
        _ => None,
    }
}

/// A plain value from a statement's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    /// A quoted string, unescaped.
    Text(String),
    /// A number as written (`42`, `-1.5`).
    Number(String),
    Null,
}

/// A row an INSERT or REPLACE adds, known by the columns given as plain values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsertedRow {
    /// The table as written: `customers` or `shop.customers`.
    pub table: String,
    /// Database the table name is qualified with, if it was.
    pub database: Option<String>,
    /// Columns whose value was a plain literal; computed values (`NOW()`) are left out.
    pub values: Vec<(String, Literal)>,
}

/// The rows an `INSERT … (columns) VALUES (…), (…)` or `INSERT … SET c = v` adds.
/// Other forms (`INSERT … SELECT`, no column list) add rows that cannot be named: none.
pub fn inserted_rows(text: &str) -> Vec<InsertedRow> {
    let tokens = tokenize(text);
    let mut p = Parser { tokens: &tokens, at: 0 };
    p.inserted_rows().unwrap_or_default()
}

struct Parser<'a> {
    tokens: &'a [Token],
    at: usize,
}

impl Parser<'_> {
    fn inserted_rows(&mut self) -> Option<Vec<InsertedRow>> {
        let verb = self.word()?;
        if verb != "INSERT" && verb != "REPLACE" {
            return None;
        }
        while matches!(
            self.peek_word().as_deref(),
            Some("LOW_PRIORITY" | "DELAYED" | "HIGH_PRIORITY" | "IGNORE")
        ) {
            self.at += 1;
        }
        if self.peek_word().as_deref() == Some("INTO") {
            self.at += 1;
        }
        let (database, table) = self.table_name()?;
        let make =
            |values| InsertedRow { table: table.clone(), database: database.clone(), values };
        if self.peek_word().as_deref() == Some("SET") {
            self.at += 1;
            return Some(vec![make(self.assignments()?)]);
        }
        let columns = self.column_list()?;
        if !matches!(self.word()?.as_str(), "VALUES" | "VALUE") {
            return None;
        }
        let mut rows = Vec::new();
        loop {
            let values = self.value_row()?;
            if values.len() != columns.len() {
                return None;
            }
            let named =
                columns.iter().zip(values).filter_map(|(c, v)| v.map(|v| (c.clone(), v))).collect();
            rows.push(make(named));
            if self.tokens.get(self.at) != Some(&Token::Punct(',')) {
                break;
            }
            self.at += 1;
        }
        Some(rows)
    }

    fn peek_word(&self) -> Option<String> {
        match self.tokens.get(self.at) {
            Some(Token::Word(w)) => Some(w.to_ascii_uppercase()),
            _ => None,
        }
    }

    fn word(&mut self) -> Option<String> {
        let w = self.peek_word()?;
        self.at += 1;
        Some(w)
    }

    fn name(&mut self) -> Option<String> {
        match self.tokens.get(self.at)? {
            Token::Word(w) | Token::Quoted(w) => {
                self.at += 1;
                Some(w.clone())
            }
            _ => None,
        }
    }

    fn punct(&mut self, c: char) -> Option<()> {
        (self.tokens.get(self.at)? == &Token::Punct(c)).then(|| self.at += 1)
    }

    fn table_name(&mut self) -> Option<(Option<String>, String)> {
        let first = self.name()?;
        if self.punct('.').is_some() {
            return Some((Some(first), self.name()?));
        }
        Some((None, first))
    }

    fn column_list(&mut self) -> Option<Vec<String>> {
        self.punct('(')?;
        let mut columns = vec![self.name()?];
        while self.punct(',').is_some() {
            columns.push(self.name()?);
        }
        self.punct(')')?;
        Some(columns)
    }

    /// `( v, v, … )`: each value, `None` where it is not a plain literal.
    fn value_row(&mut self) -> Option<Vec<Option<Literal>>> {
        self.punct('(')?;
        let mut values = Vec::new();
        loop {
            values.push(self.value());
            if self.punct(',').is_none() {
                break;
            }
        }
        self.punct(')')?;
        Some(values)
    }

    /// `c = v, c = v`: the columns whose value is a plain literal.
    fn assignments(&mut self) -> Option<Vec<(String, Literal)>> {
        let mut named = Vec::new();
        loop {
            let column = self.name()?;
            self.punct('=')?;
            if let Some(v) = self.value() {
                named.push((column, v));
            }
            if self.punct(',').is_none() {
                return Some(named);
            }
        }
    }

    /// One value, up to the next `,`, `)`, `;` or `ON DUPLICATE KEY` at its own depth or the
    /// end: `Some` when it is a plain literal, `None` when it is an expression.
    fn value(&mut self) -> Option<Literal> {
        let start = self.at;
        let mut depth = 0usize;
        while let Some(t) = self.tokens.get(self.at) {
            match t {
                Token::Punct('(') => depth += 1,
                Token::Punct(')' | ',' | ';') if depth == 0 => break,
                Token::Punct(')') => depth -= 1,
                Token::Word(w) if depth == 0 && w.eq_ignore_ascii_case("ON") => break,
                _ => {}
            }
            self.at += 1;
        }
        literal(&self.tokens[start..self.at])
    }
}

fn literal(tokens: &[Token]) -> Option<Literal> {
    match tokens {
        [Token::Str(s)] => Some(Literal::Text(s.clone())),
        // Hex and bit literals (`0x1F`, `0b101`) compare differently: left out.
        [Token::Number(n)] if decimal(n) => Some(Literal::Number(n.clone())),
        [Token::Punct('-'), Token::Number(n)] if decimal(n) => {
            Some(Literal::Number(format!("-{n}")))
        }
        [Token::Punct('+'), Token::Number(n)] if decimal(n) => Some(Literal::Number(n.clone())),
        [Token::Word(w)] => match w.to_ascii_uppercase().as_str() {
            "NULL" => Some(Literal::Null),
            "TRUE" => Some(Literal::Number("1".into())),
            "FALSE" => Some(Literal::Number("0".into())),
            _ => None,
        },
        _ => None,
    }
}

fn decimal(n: &str) -> bool {
    n.parse::<f64>().is_ok()
}

/// A lexical token of MariaDB/MySQL SQL, enough to find verbs, names and literals.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// A keyword or bare identifier.
    Word(String),
    /// A `backquoted` identifier, unquoted.
    Quoted(String),
    /// A 'single' or "double" quoted string, unescaped.
    Str(String),
    Number(String),
    /// `@var` or `@@var`.
    Variable(String),
    Punct(char),
}

/// Splits SQL into tokens, dropping whitespace and comments.
fn tokenize(sql: &str) -> Vec<Token> {
    let chars: Vec<char> = sql.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let take_while = |i: &mut usize, f: &dyn Fn(char) -> bool| {
        let start = *i;
        while *i < chars.len() && f(chars[*i]) {
            *i += 1;
        }
        chars[start..*i].iter().collect::<String>()
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            _ if c.is_whitespace() => i += 1,
            '#' => {
                take_while(&mut i, &|c| c != '\n');
            }
            '-' if next == Some('-') && chars.get(i + 2).is_none_or(|c| c.is_whitespace()) => {
                take_while(&mut i, &|c| c != '\n');
            }
            '/' if next == Some('*') => {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    i += 1;
                }
                i += 2;
            }
            '\'' | '"' => {
                let (text, end) = quoted_string(&chars, i);
                tokens.push(Token::Str(text));
                i = end;
            }
            '`' => {
                i += 1;
                let mut name = String::new();
                while i < chars.len() {
                    if chars[i] == '`' {
                        if chars.get(i + 1) == Some(&'`') {
                            name.push('`');
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    name.push(chars[i]);
                    i += 1;
                }
                tokens.push(Token::Quoted(name));
            }
            '@' => {
                i += 1;
                let name =
                    take_while(&mut i, &|c| c == '@' || c.is_alphanumeric() || "_.$".contains(c));
                tokens.push(Token::Variable(name));
            }
            _ if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) => {
                let mut n = take_while(&mut i, &|c| c.is_ascii_alphanumeric() || c == '.');
                // An exponent's sign: 1e-5.
                if n.ends_with(['e', 'E']) && matches!(chars.get(i), Some('-' | '+')) {
                    n.push(chars[i]);
                    i += 1;
                    n.push_str(&take_while(&mut i, &|c| c.is_ascii_digit()));
                }
                tokens.push(Token::Number(n));
            }
            _ if c.is_alphanumeric() || c == '_' || c == '$' => {
                let w = take_while(&mut i, &|c| c.is_alphanumeric() || c == '_' || c == '$');
                tokens.push(Token::Word(w));
            }
            _ => {
                tokens.push(Token::Punct(c));
                i += 1;
            }
        }
    }
    tokens
}

/// Reads a string literal starting at its opening quote; returns it unescaped and the index
/// after its closing quote. Doubled quotes and backslash escapes are both understood.
fn quoted_string(chars: &[char], start: usize) -> (String, usize) {
    let quote = chars[start];
    let mut out = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        let c = chars[i];
        if c == quote {
            if chars.get(i + 1) == Some(&quote) {
                out.push(quote);
                i += 2;
                continue;
            }
            return (out, i + 1);
        }
        if c == '\\'
            && let Some(&e) = chars.get(i + 1)
        {
            match e {
                '0' => out.push('\0'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'b' => out.push('\u{8}'),
                'Z' => out.push('\u{1a}'),
                // LIKE wildcards keep their backslash.
                '%' | '_' => {
                    out.push('\\');
                    out.push(e);
                }
                _ => out.push(e),
            }
            i += 2;
            continue;
        }
        out.push(c);
        i += 1;
    }
    (out, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(sql: &str) -> Kind {
        classify("Query", sql)
    }

    #[test]
    fn writes_are_data_and_schema_changes() {
        for sql in [
            "INSERT INTO customers (name, email) VALUES ('a', 'b')",
            "  insert into customers values (1)",
            "UPDATE customers SET name = 'x' WHERE id = 1",
            "DELETE FROM customers WHERE id = 1",
            "REPLACE INTO customers (id, name) VALUES (1, 'x')",
            "/* app */ CREATE TABLE t (id INT)",
            "ALTER TABLE customers ADD COLUMN x INT",
            "DROP TABLE t",
            "TRUNCATE TABLE t",
            "LOAD DATA INFILE '/tmp/x' INTO TABLE t",
            "CALL add_customer('x')",
        ] {
            assert_eq!(query(sql), Kind::Write, "{sql}");
        }
    }

    #[test]
    fn reads_are_selects_from_application_tables() {
        for sql in [
            "SELECT id, name, email FROM customers ORDER BY id DESC LIMIT 5",
            "select count(*) from `shop`.`customers`",
            "(SELECT id FROM customers) UNION (SELECT id FROM customers)",
            "WITH c AS (SELECT * FROM customers) SELECT * FROM c",
            "SELECT * FROM (SELECT id FROM customers) AS t",
            "TABLE customers",
            "-- newest first\nSELECT id FROM customers",
        ] {
            assert_eq!(query(sql), Kind::Read, "{sql}");
        }
    }

    #[test]
    fn locking_reads_belong_with_the_writes() {
        for sql in [
            "SELECT id FROM customers WHERE email = 'a' FOR UPDATE",
            "SELECT id FROM customers WHERE id = 1 LOCK IN SHARE MODE",
            "select id from customers for share",
        ] {
            assert_eq!(query(sql), Kind::LockingRead, "{sql}");
        }
    }

    #[test]
    fn driver_and_session_chatter_is_noise() {
        for sql in [
            "SET NAMES utf8mb4",
            "SET AUTOCOMMIT = 0",
            "SET @x = (SELECT COUNT(*) FROM customers)",
            "COMMIT",
            "ROLLBACK",
            "BEGIN",
            "START TRANSACTION",
            "SELECT 1",
            "SELECT @@transaction_isolation",
            "SELECT @@version_comment LIMIT 1",
            "SELECT DATABASE()",
            "SELECT CAST('test plain returns' AS CHAR(60)) AS anon_1",
            "SELECT 1 FROM DUAL",
            "SELECT 'FROM customers'",
            "SHOW VARIABLES LIKE 'sql_mode'",
            "SHOW CREATE TABLE customers",
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'shop'",
            "SELECT * FROM `mysql`.`user`",
            "USE shop",
            "DESCRIBE customers",
            "EXPLAIN SELECT * FROM customers",
            "",
            "   ",
            "/* only a comment */",
        ] {
            assert_eq!(query(sql), Kind::Noise, "{sql:?}");
        }
    }

    #[test]
    fn only_executed_statements_count() {
        let insert = "INSERT INTO customers (name) VALUES ('a')";
        assert_eq!(classify("Execute", insert), Kind::Write);
        for command in ["Prepare", "Connect", "Quit", "Init DB", "Ping", "Close stmt"] {
            assert_eq!(classify(command, insert), Kind::Noise, "{command}");
        }
    }

    #[test]
    fn verbs_name_the_statement() {
        assert_eq!(verb("  select * from customers"), "SELECT");
        assert_eq!(verb("/* x */ INSERT INTO t VALUES (1)"), "INSERT");
        assert_eq!(verb("SELECT id FROM t FOR UPDATE"), "SELECT … FOR UPDATE");
    }

    #[test]
    fn inserted_rows_keep_the_plain_values_by_column() {
        let rows = inserted_rows(
            "INSERT INTO customers (name, email, created_at) \
             VALUES ('Ada Lovelace', 'ada.1f2e3d@example.com', NOW()), ('O\\'Brien', 'o''b@x', NULL)",
        );
        let text = |s: &str| Literal::Text(s.to_owned());
        assert_eq!(
            rows,
            [
                InsertedRow {
                    table: "customers".into(),
                    database: None,
                    values: vec![
                        ("name".into(), text("Ada Lovelace")),
                        ("email".into(), text("ada.1f2e3d@example.com")),
                    ],
                },
                InsertedRow {
                    table: "customers".into(),
                    database: None,
                    values: vec![
                        ("name".into(), text("O'Brien")),
                        ("email".into(), text("o'b@x")),
                        ("created_at".into(), Literal::Null),
                    ],
                },
            ]
        );
    }

    #[test]
    fn inserted_rows_understand_qualified_names_set_form_and_numbers() {
        let rows = inserted_rows(
            "insert ignore into `shop`.`orders` set qty = -2, price = 1.5e3, note = CONCAT('a', 'b')",
        );
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].database.as_deref(), Some("shop"));
        assert_eq!(rows[0].table, "orders");
        assert_eq!(
            rows[0].values,
            [
                ("qty".into(), Literal::Number("-2".into())),
                ("price".into(), Literal::Number("1.5e3".into())),
            ]
        );
    }

    #[test]
    fn use_names_the_database() {
        assert_eq!(used_database("USE shop").as_deref(), Some("shop"));
        assert_eq!(used_database("use `my shop`;").as_deref(), Some("my shop"));
        assert_eq!(used_database("USED shop"), None);
        assert_eq!(used_database("SELECT 1"), None);
    }

    #[test]
    fn rows_that_cannot_be_named_are_none() {
        for sql in [
            "INSERT INTO customers VALUES (1, 'a', 'b', NOW())",
            "INSERT INTO customers (name) SELECT name FROM old",
            "INSERT INTO customers (name, email) VALUES ('only one')",
            "INSERT INTO customers (name",
            "UPDATE customers SET name = 'x'",
        ] {
            assert_eq!(inserted_rows(sql), [], "{sql}");
        }
    }
}
