//! Syntax highlighting for the lesson's code blocks: a small tokenizer per language.
//!
//! It only has to colour keywords, strings, comments and numbers well enough to read; a full
//! grammar engine would cost start-up time for no gain to the learner.

/// What a piece of code is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Plain,
    Keyword,
    String,
    Comment,
    Number,
    /// A name being defined: an ini key.
    Name,
}

/// One line of code as `(token, text)` pieces.
pub type CodeLine<'a> = Vec<(Token, &'a str)>;

/// Splits code into lines of tokens; unknown languages come back plain.
pub fn highlight<'a>(lang: &str, code: &'a str) -> Vec<CodeLine<'a>> {
    let code = code.strip_suffix('\n').unwrap_or(code);
    let tokens = match lang.to_ascii_lowercase().as_str() {
        "sql" | "mysql" | "mariadb" => scan(code, &SQL),
        "python" | "py" => scan(code, &PYTHON),
        "sh" | "bash" | "shell" | "console" => scan(code, &SHELL),
        "ini" | "cnf" | "conf" => ini(code),
        _ => vec![(Token::Plain, code)],
    };
    split_lines(tokens)
}

/// What the generic scanner needs to know about a language.
struct Grammar {
    keywords: &'static [&'static str],
    /// SQL keywords are written in any case.
    any_case: bool,
    line_comments: &'static [&'static str],
    /// Shell only: `#` starts a comment only at the start of a word.
    comment_needs_space: bool,
    block_comment: Option<(&'static str, &'static str)>,
    quotes: &'static [char],
    /// Python's `"""` strings.
    triple_quotes: bool,
    /// Python's `f"…"`, `r'…'`: letters glued to a quote belong to the string.
    string_prefixes: bool,
}

const SQL: Grammar = Grammar {
    keywords: &[
        "ADD",
        "ALL",
        "ALTER",
        "AND",
        "AS",
        "ASC",
        "AUTO_INCREMENT",
        "BEGIN",
        "BETWEEN",
        "BIGINT",
        "BINARY",
        "BINLOG",
        "BY",
        "CHANGE",
        "CHAR",
        "COLUMN",
        "COMMIT",
        "CREATE",
        "CROSS",
        "CURRENT_TIMESTAMP",
        "DATABASE",
        "DATE",
        "DATETIME",
        "DEFAULT",
        "DELETE",
        "DESC",
        "DISK",
        "DISTINCT",
        "DROP",
        "EXISTS",
        "FLUSH",
        "FOR",
        "FOREIGN",
        "FROM",
        "FULL",
        "GLOBAL",
        "GRANT",
        "GRANTS",
        "GROUP",
        "HAVING",
        "IDENTIFIED",
        "IF",
        "IN",
        "INDEX",
        "INNER",
        "INSERT",
        "INT",
        "INTEGER",
        "INTO",
        "IS",
        "JOIN",
        "KEY",
        "LEFT",
        "LIKE",
        "LIMIT",
        "LOAD",
        "LOG",
        "LOGS",
        "MASTER",
        "MYSQL",
        "NOT",
        "NULL",
        "OFFSET",
        "ON",
        "OR",
        "ORDER",
        "OUTER",
        "PRIMARY",
        "PRIVILEGES",
        "PROCESSLIST",
        "QUERY",
        "REFERENCES",
        "REPLICA",
        "REPLICATION",
        "RESET",
        "REVOKE",
        "RIGHT",
        "ROLLBACK",
        "RULES",
        "RUNTIME",
        "SAVE",
        "SELECT",
        "SESSION",
        "SET",
        "SHOW",
        "SLAVE",
        "SOURCE",
        "START",
        "STATUS",
        "STOP",
        "TABLE",
        "TABLES",
        "TEXT",
        "TIMESTAMP",
        "TO",
        "TRANSACTION",
        "TRUNCATE",
        "UNION",
        "UNIQUE",
        "UPDATE",
        "USE",
        "USER",
        "USING",
        "VALUES",
        "VARCHAR",
        "VARIABLES",
        "WHERE",
        "WITH",
    ],
    any_case: true,
    line_comments: &["--", "#"],
    comment_needs_space: false,
    block_comment: Some(("/*", "*/")),
    quotes: &['\'', '"', '`'],
    triple_quotes: false,
    string_prefixes: false,
};

const PYTHON: Grammar = Grammar {
    keywords: &[
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield",
    ],
    any_case: false,
    line_comments: &["#"],
    comment_needs_space: false,
    block_comment: None,
    quotes: &['\'', '"'],
    triple_quotes: true,
    string_prefixes: true,
};

const SHELL: Grammar = Grammar {
    keywords: &[
        "case", "cd", "do", "done", "elif", "else", "esac", "export", "fi", "for", "function",
        "if", "in", "then", "until", "while",
    ],
    any_case: false,
    line_comments: &["#"],
    comment_needs_space: true,
    block_comment: None,
    quotes: &['\'', '"'],
    triple_quotes: false,
    string_prefixes: false,
};

/// The generic scanner: comments, strings, numbers, words; everything else is plain.
fn scan<'a>(code: &'a str, g: &Grammar) -> Vec<(Token, &'a str)> {
    let mut out: Vec<(Token, &'a str)> = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    let mut plain_from = 0;
    while i < code.len() {
        let rest = &code[i..];
        let at_word_start = i == 0 || bytes[i - 1].is_ascii_whitespace();
        let found = if let Some(end) = block_comment(rest, g) {
            Some((Token::Comment, end))
        } else if g.line_comments.iter().any(|c| rest.starts_with(c))
            && (!g.comment_needs_space || at_word_start)
        {
            Some((Token::Comment, rest.find('\n').unwrap_or(rest.len())))
        } else if let Some(end) = string(rest, g) {
            Some((Token::String, end))
        } else if bytes[i].is_ascii_digit() && !glued_to_word(bytes, i) {
            Some((Token::Number, number(rest)))
        } else if is_word_start(bytes[i]) {
            let end = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
            let word = &rest[..end];
            let keyword = if g.any_case {
                g.keywords.iter().any(|k| k.eq_ignore_ascii_case(word))
            } else {
                g.keywords.contains(&word)
            };
            Some((if keyword { Token::Keyword } else { Token::Plain }, end))
        } else {
            None
        };
        match found {
            Some((token, len)) if token != Token::Plain => {
                if plain_from < i {
                    out.push((Token::Plain, &code[plain_from..i]));
                }
                out.push((token, &rest[..len]));
                i += len;
                plain_from = i;
            }
            Some((_, len)) => i += len,
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    if plain_from < code.len() {
        out.push((Token::Plain, &code[plain_from..]));
    }
    out
}

fn block_comment(rest: &str, g: &Grammar) -> Option<usize> {
    let (open, close) = g.block_comment?;
    let body = rest.strip_prefix(open)?;
    Some(body.find(close).map_or(rest.len(), |end| open.len() + end + close.len()))
}

/// The length of a string literal starting here, if one does.
fn string(rest: &str, g: &Grammar) -> Option<usize> {
    let prefix = if g.string_prefixes {
        rest.find(|c: char| !matches!(c, 'r' | 'b' | 'f' | 'u' | 'R' | 'B' | 'F' | 'U'))
            .filter(|&n| n <= 2)
            .unwrap_or(0)
    } else {
        0
    };
    let body = &rest[prefix..];
    let quote = body.chars().next().filter(|c| g.quotes.contains(c))?;
    let raw = rest[..prefix].contains(['r', 'R']);
    if g.triple_quotes {
        let triple: String = std::iter::repeat_n(quote, 3).collect();
        if let Some(inner) = body.strip_prefix(triple.as_str()) {
            let end = inner.find(triple.as_str()).map_or(inner.len(), |e| e + 3);
            return Some(prefix + 3 + end);
        }
    }
    let mut escaped = false;
    for (at, c) in body.char_indices().skip(1) {
        match c {
            '\\' if !escaped && !raw => escaped = true,
            '\n' if g.triple_quotes => return Some(prefix + at),
            c if c == quote && !escaped => return Some(prefix + at + 1),
            _ => escaped = false,
        }
    }
    Some(rest.len())
}

fn number(rest: &str) -> usize {
    rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_')).unwrap_or(rest.len())
}

/// A digit inside a word (`mysql-bin.000001`, `utf8mb4`) is not a number of its own.
fn glued_to_word(bytes: &[u8], i: usize) -> bool {
    i > 0 && (is_word_char(bytes[i - 1] as char) || matches!(bytes[i - 1], b'.' | b'-'))
}

fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Option files: `[section]`, `key = value`, and `#`/`;` comments.
fn ini(code: &str) -> Vec<(Token, &str)> {
    let mut out = Vec::new();
    for line in code.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let newline = &line[body.len()..];
        let indent = body.len() - body.trim_start().len();
        let (lead, text) = body.split_at(indent);
        push_nonempty(&mut out, Token::Plain, lead);
        if text.starts_with(['#', ';']) {
            out.push((Token::Comment, text));
        } else if text.starts_with('[') {
            out.push((Token::Keyword, text));
        } else if let Some(eq) = text.find('=') {
            let (value, comment) = match text[eq + 1..].find(" #") {
                Some(at) => text[eq + 1..].split_at(at),
                None => (&text[eq + 1..], ""),
            };
            out.push((Token::Name, &text[..eq]));
            out.push((Token::Plain, "="));
            let spaces = value.len() - value.trim_start().len();
            push_nonempty(&mut out, Token::Plain, &value[..spaces]);
            let value = &value[spaces..];
            let numeric =
                !value.trim().is_empty() && value.trim().bytes().all(|b| b.is_ascii_digit());
            push_nonempty(&mut out, if numeric { Token::Number } else { Token::String }, value);
            push_nonempty(&mut out, Token::Comment, comment);
        } else {
            push_nonempty(&mut out, Token::Name, text);
        }
        push_nonempty(&mut out, Token::Plain, newline);
    }
    out
}

fn push_nonempty<'a>(out: &mut Vec<(Token, &'a str)>, token: Token, text: &'a str) {
    if !text.is_empty() {
        out.push((token, text));
    }
}

/// Cuts tokens at newlines, so multi-line comments and strings colour every line they cover.
fn split_lines(tokens: Vec<(Token, &str)>) -> Vec<CodeLine<'_>> {
    let mut lines = vec![Vec::new()];
    for (token, text) in tokens {
        let mut parts = text.split('\n');
        if let Some(first) = parts.next() {
            push_piece(&mut lines, token, first);
        }
        for part in parts {
            lines.push(Vec::new());
            push_piece(&mut lines, token, part);
        }
    }
    lines
}

fn push_piece<'a>(lines: &mut [CodeLine<'a>], token: Token, text: &'a str) {
    if let (false, Some(line)) = (text.is_empty(), lines.last_mut()) {
        line.push((token, text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokens of one language's code, newlines marked, plain text left out.
    fn marked(lang: &str, code: &str) -> Vec<(Token, String)> {
        highlight(lang, code)
            .into_iter()
            .flat_map(|line| {
                line.into_iter()
                    .filter(|(t, _)| *t != Token::Plain)
                    .map(|(t, s)| (t, s.to_owned()))
                    .chain(std::iter::once((Token::Plain, "\n".to_owned())))
            })
            .collect()
    }

    fn of(tokens: &[(Token, String)], kind: Token) -> Vec<&str> {
        tokens.iter().filter(|(t, _)| *t == kind).map(|(_, s)| s.as_str()).collect()
    }

    #[test]
    fn sql_keywords_strings_comments_and_numbers() {
        let t = marked(
            "sql",
            "-- make the account\nCreate USER 'replica'@'%' IDENTIFIED BY 'it''s';\nSET x = 3306; # done\n/* two\nlines */ SELECT 1.5",
        );
        assert_eq!(of(&t, Token::Keyword), ["Create", "USER", "IDENTIFIED", "BY", "SET", "SELECT"]);
        assert_eq!(of(&t, Token::String), ["'replica'", "'%'", "'it'", "'s'"]);
        assert_eq!(of(&t, Token::Comment), ["-- make the account", "# done", "/* two", "lines */"]);
        assert_eq!(of(&t, Token::Number), ["3306", "1.5"]);
    }

    #[test]
    fn sql_names_with_digits_and_underscores_are_not_split() {
        let t = marked("sql", "MASTER_LOG_FILE='mysql-bin.000001', MASTER_LOG_POS=785, server_id1");
        assert_eq!(of(&t, Token::Keyword), Vec::<&str>::new());
        assert_eq!(of(&t, Token::Number), ["785"]);
        assert_eq!(of(&t, Token::String), ["'mysql-bin.000001'"]);
    }

    #[test]
    fn ini_sections_keys_values_and_comments() {
        let t =
            marked("ini", "[mysqld]\n# the id\nserver-id = 2\nlog-bin   = mysql-bin # binlog\n");
        assert_eq!(of(&t, Token::Keyword), ["[mysqld]"]);
        assert_eq!(of(&t, Token::Comment), ["# the id", " # binlog"]);
        assert_eq!(of(&t, Token::Name), ["server-id ", "log-bin   "]);
        assert_eq!(of(&t, Token::Number), ["2"]);
        assert_eq!(of(&t, Token::String), ["mysql-bin"]);
    }

    #[test]
    fn python_triple_quoted_strings_span_lines_and_prefixes_stay_with_strings() {
        let t = marked(
            "python",
            "def f(x):\n    s = f\"a{x}\"  # note\n    return \"\"\"one\ntwo\"\"\" if x else 10",
        );
        assert_eq!(of(&t, Token::Keyword), ["def", "return", "if", "else"]);
        assert_eq!(of(&t, Token::String), ["f\"a{x}\"", "\"\"\"one", "two\"\"\""]);
        assert_eq!(of(&t, Token::Comment), ["# note"]);
        assert_eq!(of(&t, Token::Number), ["10"]);
    }

    #[test]
    fn shell_hash_inside_a_word_is_not_a_comment() {
        let t = marked("sh", "cd ~/app # go there\necho $# 'quoted'");
        assert_eq!(of(&t, Token::Keyword), ["cd"]);
        assert_eq!(of(&t, Token::Comment), ["# go there"]);
        assert_eq!(of(&t, Token::String), ["'quoted'"]);
    }

    #[test]
    fn lines_are_kept_and_text_is_unchanged() {
        let code = "SELECT 'a\nb';\n\nSHOW SLAVE STATUS\\G\n";
        let lines = highlight("sql", code);
        let rebuilt: Vec<String> =
            lines.iter().map(|l| l.iter().map(|(_, s)| *s).collect()).collect();
        assert_eq!(rebuilt, ["SELECT 'a", "b';", "", "SHOW SLAVE STATUS\\G"]);
        assert_eq!(highlight("text", "x y"), vec![vec![(Token::Plain, "x y")]]);
    }
}
