//! Splitting console input into statements, the way the `mariadb` client does.
//!
//! `;` and `\g` end a statement, `\G` ends one and asks for vertical output. Terminators inside
//! quotes, backticks and comments do not count. Text that only holds comments is not a statement.

/// One statement ready to send, without its terminator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The statement's text, trimmed; comments inside it are kept.
    pub text: String,
    /// Ended with `\G`: show each row as a block of `column: value` lines.
    pub vertical: bool,
}

/// Input cut into statements.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Split {
    /// Statements closed by a terminator, in order.
    pub statements: Vec<Statement>,
    /// Trailing text with SQL in it but no terminator yet (or inside an unclosed quote or comment).
    pub unfinished: Option<String>,
}

impl Split {
    /// Every statement, counting the unfinished tail as one (as `mariadb -e` does).
    pub fn into_statements(self) -> Vec<Statement> {
        let mut statements = self.statements;
        statements.extend(self.unfinished.map(|text| Statement { text, vertical: false }));
        statements
    }
}

/// Where the scanner is: a quote or comment changes what the next characters mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Code,
    /// Inside a string or quoted identifier closed by this character.
    Quoted(char),
    /// `-- ` or `#` until the end of the line.
    LineComment,
    /// `/* … */`.
    BlockComment,
}

/// Cuts `input` into statements.
pub fn split(input: &str) -> Split {
    scan(input).0
}

/// Cuts `input` into statements, and tells where the input ended.
fn scan(input: &str) -> (Split, Mode) {
    let mut out = Split::default();
    let mut current = String::new();
    // Whether `current` holds anything besides whitespace and comments.
    let mut has_sql = false;
    let mut mode = Mode::Code;
    let mut chars = input.chars().peekable();

    while let Some(c) = chars.next() {
        match mode {
            Mode::Quoted(close) => {
                current.push(c);
                if c == '\\' && close != '`' {
                    // A backslash escapes the next character in strings, not in identifiers.
                    current.extend(chars.next());
                } else if c == close {
                    if chars.peek() == Some(&close) {
                        // A doubled quote stands for itself.
                        current.extend(chars.next());
                    } else {
                        mode = Mode::Code;
                    }
                }
            }
            Mode::LineComment => {
                current.push(c);
                if c == '\n' {
                    mode = Mode::Code;
                }
            }
            Mode::BlockComment => {
                current.push(c);
                if c == '*' && chars.peek() == Some(&'/') {
                    current.extend(chars.next());
                    mode = Mode::Code;
                }
            }
            Mode::Code => match c {
                ';' => finish(&mut out, &mut current, &mut has_sql, false),
                '\\' if matches!(chars.peek(), Some('G' | 'g')) => {
                    let vertical = chars.next() == Some('G');
                    finish(&mut out, &mut current, &mut has_sql, vertical);
                }
                '\'' | '"' | '`' => {
                    current.push(c);
                    has_sql = true;
                    mode = Mode::Quoted(c);
                }
                '#' => {
                    current.push(c);
                    mode = Mode::LineComment;
                }
                // `--` starts a comment only when followed by whitespace or the end of input.
                '-' if chars.peek() == Some(&'-') => {
                    current.push(c);
                    current.extend(chars.next());
                    if chars.peek().is_none_or(|n| n.is_whitespace()) {
                        mode = Mode::LineComment;
                    } else {
                        has_sql = true;
                    }
                }
                '/' if chars.peek() == Some(&'*') => {
                    current.push(c);
                    current.extend(chars.next());
                    // `/*!…*/` and `/*M!…*/` are executable comments: the server runs them.
                    if matches!(chars.peek(), Some('!' | 'M')) {
                        has_sql = true;
                    }
                    mode = Mode::BlockComment;
                }
                _ => {
                    current.push(c);
                    has_sql |= !c.is_whitespace();
                }
            },
        }
    }
    if has_sql {
        out.unfinished = Some(current.trim().to_owned());
    }
    (out, mode)
}

fn finish(out: &mut Split, current: &mut String, has_sql: &mut bool, vertical: bool) {
    if *has_sql {
        out.statements.push(Statement { text: current.trim().to_owned(), vertical });
    }
    current.clear();
    *has_sql = false;
}

/// Whether the input is ready to run: it ends with a terminator (outside quotes and comments)
/// and holds at least one statement. A console sends on Enter only then, like `mariadb`.
pub fn is_complete(input: &str) -> bool {
    let (split, mode) = scan(input);
    // An open block comment may still hide a statement being typed.
    split.unfinished.is_none() && !split.statements.is_empty() && mode != Mode::BlockComment
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(input: &str) -> Vec<(String, bool)> {
        split(input).into_statements().into_iter().map(|s| (s.text, s.vertical)).collect()
    }

    fn plain(text: &str) -> (String, bool) {
        (text.to_owned(), false)
    }

    #[test]
    fn semicolons_separate_statements() {
        assert_eq!(texts("SELECT 1; SELECT 2;"), vec![plain("SELECT 1"), plain("SELECT 2")]);
    }

    #[test]
    fn a_missing_final_semicolon_leaves_an_unfinished_statement() {
        let s = split("SELECT 1; SELECT 2");
        assert_eq!(s.statements, vec![Statement { text: "SELECT 1".into(), vertical: false }]);
        assert_eq!(s.unfinished.as_deref(), Some("SELECT 2"));
        assert_eq!(texts("SELECT 1; SELECT 2"), vec![plain("SELECT 1"), plain("SELECT 2")]);
    }

    #[test]
    fn backslash_capital_g_ends_a_vertical_statement_without_semicolon() {
        assert_eq!(
            texts("SHOW SLAVE STATUS\\G SELECT 2;"),
            vec![("SHOW SLAVE STATUS".to_owned(), true), plain("SELECT 2")]
        );
        assert_eq!(texts("select 1\\g"), vec![plain("select 1")]);
    }

    #[test]
    fn terminators_inside_quotes_do_not_split() {
        assert_eq!(
            texts(r#"SELECT 'a;b', "c;d", `e;f`;"#),
            vec![plain(r#"SELECT 'a;b', "c;d", `e;f`"#)]
        );
        assert_eq!(texts(r"SELECT 'x\G';"), vec![plain(r"SELECT 'x\G'")]);
    }

    #[test]
    fn escaped_and_doubled_quotes_stay_inside_the_string() {
        assert_eq!(
            texts(r"SELECT 'it\'s;'; SELECT 2"),
            vec![plain(r"SELECT 'it\'s;'"), plain("SELECT 2")]
        );
        assert_eq!(
            texts("SELECT 'it''s;'; SELECT 2"),
            vec![plain("SELECT 'it''s;'"), plain("SELECT 2")]
        );
        assert_eq!(
            texts("SELECT `a``;b`; SELECT 2"),
            vec![plain("SELECT `a``;b`"), plain("SELECT 2")]
        );
    }

    #[test]
    fn backslash_does_not_escape_in_backticks() {
        assert_eq!(
            texts(r"SELECT 1 AS `a\`; SELECT 2"),
            vec![plain(r"SELECT 1 AS `a\`"), plain("SELECT 2")]
        );
    }

    #[test]
    fn terminators_inside_comments_do_not_split() {
        assert_eq!(
            texts("SELECT 1 -- not; here\n, 2; # nor; here\nSELECT /* ; */ 3;"),
            vec![plain("SELECT 1 -- not; here\n, 2"), plain("# nor; here\nSELECT /* ; */ 3")]
        );
    }

    #[test]
    fn double_dash_without_space_is_not_a_comment() {
        assert_eq!(texts("SELECT 5--1; SELECT 2"), vec![plain("SELECT 5--1"), plain("SELECT 2")]);
    }

    #[test]
    fn comment_only_text_is_not_a_statement() {
        assert_eq!(texts("SELECT 1; -- done\n/* bye */"), vec![plain("SELECT 1")]);
        assert!(is_complete("SELECT 1; -- done"));
        assert_eq!(texts(";;  ;"), Vec::<(String, bool)>::new());
    }

    #[test]
    fn executable_comments_are_statements() {
        assert_eq!(texts("/*!40101 SET NAMES utf8 */;"), vec![plain("/*!40101 SET NAMES utf8 */")]);
    }

    #[test]
    fn completeness_follows_the_last_terminator() {
        assert!(is_complete("SELECT 1;"));
        assert!(is_complete("SHOW SLAVE STATUS\\G"));
        assert!(!is_complete("SELECT 1"));
        assert!(!is_complete("SELECT ';"));
        assert!(!is_complete("SELECT 1 /* ; "));
        assert!(!is_complete(""));
        assert!(!is_complete("-- just a note"));
        assert!(!is_complete("SELECT 1; /* still typing"));
    }

    #[test]
    fn an_unclosed_quote_is_unfinished() {
        assert_eq!(split("SELECT 'abc; ").unfinished.as_deref(), Some("SELECT 'abc;"));
    }

    #[test]
    fn multi_line_statements_keep_their_lines() {
        let input = "CHANGE MASTER TO\n  MASTER_HOST='master',\n  MASTER_LOG_POS=4;\nSTART SLAVE;";
        assert_eq!(
            texts(input),
            vec![
                plain("CHANGE MASTER TO\n  MASTER_HOST='master',\n  MASTER_LOG_POS=4"),
                plain("START SLAVE")
            ]
        );
    }

    #[test]
    fn other_characters_are_kept_whole() {
        assert_eq!(texts("SELECT 'é€', 2 \\G"), vec![("SELECT 'é€', 2".to_owned(), true)]);
    }
}
