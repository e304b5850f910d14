//! A lesson: Markdown split into guided steps.
//!
//! Every `## ` heading starts a step. A comment right under it, `<!-- tasks: a, b -->`,
//! names the tasks the step teaches. `{{name}}` placeholders are filled from the running lab.
//!
//! A fenced code block's info string is its language, an optional engine word (`mariadb`,
//! `mysql`: shown only for that engine) and what the block is for: `on=SERVER` (SQL run on
//! that server), `file=SERVER` (lines for that server's config file, then a restart),
//! `run=shell` (a shell command as written), `run=app` (the application's Python) or `norun`
//! (an example not meant to be run as is). The screen shows blocks the same whatever their
//! purpose; the lesson's own test runs each as its purpose says.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::course::spec::LabSpec;

/// A parsed lesson.
#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    /// The H1 title.
    pub title: String,
    /// The guided steps, in order.
    pub steps: Vec<Step>,
}

/// One guided step of a lesson.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The `##` heading text.
    pub title: String,
    /// Task ids this step teaches (may be empty).
    pub tasks: Vec<String>,
    /// The step's Markdown, without its heading and task comment.
    pub body: String,
    /// 1-based line of the heading in the lesson file, for messages.
    pub line: usize,
    /// The step's fenced code blocks, in order.
    pub blocks: Vec<CodeBlock>,
}

/// A fenced code block of a step, with what its info string says.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeBlock {
    /// The language word (`sql`, `ini`, `python`, `sh`).
    pub lang: String,
    /// Shown only for this engine, when named.
    pub engine: Option<Engine>,
    /// What the block is for, when the lesson says.
    pub purpose: Option<Purpose>,
    /// The block's text as written (placeholders not yet filled).
    pub text: String,
    /// 1-based line of the opening fence in the lesson file.
    pub line: usize,
}

/// What a code block is for (the annotation after its language and engine).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// SQL run on this server, through the console.
    Sql { server: String },
    /// Lines that go into this server's config file, followed by a restart.
    Config { server: String },
    /// A shell command, run as written.
    Shell,
    /// Python of the learner's application.
    App,
    /// An example not meant to be run as is.
    NoRun,
}

/// The words of a fenced block's info string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    pub lang: String,
    pub engine: Option<Engine>,
    pub purpose: Option<Purpose>,
}

impl Info {
    /// Reads `LANG [ENGINE] [PURPOSE]`; the error names the word it does not know.
    pub fn parse(info: &str) -> Result<Info, String> {
        let mut words = info.split_whitespace();
        let lang = words.next().unwrap_or("").to_owned();
        let (mut engine, mut purpose) = (None, None);
        for word in words {
            let read = match word.split_once('=') {
                None if word == "norun" => Some(Purpose::NoRun),
                None => match Engine::from_tag(word) {
                    Some(tag) if engine.is_none() && purpose.is_none() => {
                        engine = Some(tag);
                        continue;
                    }
                    _ => return Err(format!(
                        "unknown word `{word}` after the code block's language (an engine, mariadb or mysql, then on=SERVER, file=SERVER, run=shell, run=app or norun)"
                    )),
                },
                Some(("on", server)) if !server.is_empty() => Some(Purpose::Sql { server: server.to_owned() }),
                Some(("file", server)) if !server.is_empty() => Some(Purpose::Config { server: server.to_owned() }),
                Some(("run", "shell")) => Some(Purpose::Shell),
                Some(("run", "app")) => Some(Purpose::App),
                Some(_) => return Err(format!(
                    "unknown annotation `{word}` on the code block (on=SERVER, file=SERVER, run=shell, run=app or norun)"
                )),
            };
            if purpose.is_some() {
                return Err(format!("`{word}`: a code block has one purpose"));
            }
            purpose = read;
        }
        Ok(Info { lang, engine, purpose })
    }
}

/// A fenced block may name an engine after its language (```` ```sql mysql ````) to be shown
/// only for that engine.
pub use crate::dialect::engine::Engine;

/// A `## ` heading where a step starts: its byte range, its text and its line.
struct Heading {
    start: usize,
    end: usize,
    title: String,
    line: usize,
}

/// Markdown extensions the lessons use.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

impl Lesson {
    /// Splits a lesson file into steps; errors name `file:line`.
    pub fn parse(text: &str, file: &str) -> anyhow::Result<Self> {
        Lesson::parse_for(text, file, None)
    }

    /// As [`Lesson::parse`], and every server a code block names must be one of `servers`.
    pub fn parse_for(text: &str, file: &str, servers: Option<&[String]>) -> anyhow::Result<Self> {
        let spec_servers = servers;
        let line_of = |offset: usize| text[..offset].lines().count() + 1;
        let mut title = None;
        let mut heads: Vec<Heading> = Vec::new();
        let mut current: Option<(HeadingLevel, usize, String)> = None;
        let mut first_content = None;
        // Code blocks with where they start.
        let mut blocks: Vec<(usize, CodeBlock)> = Vec::new();
        let mut block: Option<(usize, CodeBlock)> = None;
        for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
            match event {
                Event::Start(Tag::Heading { level, .. }) => {
                    current = Some((level, range.start, String::new()));
                }
                Event::End(TagEnd::Heading(level)) => {
                    let Some((_, start, heading)) = current.take() else { continue };
                    match level {
                        HeadingLevel::H1 if title.is_none() && heads.is_empty() => {
                            title = Some(heading);
                        }
                        HeadingLevel::H1 => anyhow::bail!(
                            "{file}:{}: only one `# ` title is allowed; steps start with `## `",
                            line_of(start)
                        ),
                        HeadingLevel::H2 => heads.push(Heading {
                            start,
                            end: range.end,
                            title: heading,
                            line: line_of(start),
                        }),
                        _ => {}
                    }
                }
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                    let line = line_of(range.start);
                    anyhow::ensure!(
                        is_closed(&text[range.clone()]),
                        "{file}:{line}: this code block's fence is never closed (the rest of the \
                         lesson would be shown as code)"
                    );
                    let info = Info::parse(&info).map_err(|e| anyhow::anyhow!("{file}:{line}: {e}"))?;
                    for server in info.purpose.iter().filter_map(Purpose::server) {
                        anyhow::ensure!(
                            spec_servers.is_none_or(|known| known.iter().any(|s| s == server)),
                            "{file}:{line}: the lab has no server `{server}`"
                        );
                    }
                    block = Some((range.start, CodeBlock {
                        lang: info.lang,
                        engine: info.engine,
                        purpose: info.purpose,
                        text: String::new(),
                        line,
                    }));
                    if heads.is_empty() && first_content.is_none() {
                        first_content = Some(range.start);
                    }
                }
                Event::End(TagEnd::CodeBlock) => blocks.extend(block.take()),
                Event::Text(t) if block.is_some() => {
                    if let Some((_, code)) = block.as_mut() {
                        code.text.push_str(&t);
                    }
                }
                Event::Text(t) | Event::Code(t) => {
                    if let Some((_, _, heading)) = current.as_mut() {
                        heading.push_str(&t);
                    } else if heads.is_empty() && first_content.is_none() {
                        first_content = Some(range.start);
                    }
                }
                Event::End(_) | Event::SoftBreak | Event::HardBreak => {}
                _ if heads.is_empty() && current.is_none() && first_content.is_none() => {
                    first_content = Some(range.start);
                }
                _ => {}
            }
        }
        let title = title.ok_or_else(|| {
            anyhow::anyhow!("{file}:1: a lesson starts with its title, a `# ` heading")
        })?;
        if let Some(offset) = first_content {
            anyhow::bail!(
                "{file}:{}: text before the first step; every step starts with a `## ` heading",
                line_of(offset)
            );
        }
        anyhow::ensure!(!heads.is_empty(), "{file}: the lesson has no steps (`## ` headings)");
        let mut steps = Vec::with_capacity(heads.len());
        for (i, head) in heads.iter().enumerate() {
            let next = heads.get(i + 1).map_or(text.len(), |h| h.start);
            let (tasks, body) = split_tasks(&text[head.end..next], file, head.line)?;
            let blocks = blocks
                .iter()
                .filter(|(at, _)| (head.end..next).contains(at))
                .map(|(_, b)| b.clone())
                .collect();
            let title = head.title.trim().to_owned();
            steps.push(Step { title, tasks, body, line: head.line, blocks });
        }
        Ok(Lesson { title: title.trim().to_owned(), steps })
    }

    /// Checks that every task named exists in the lab, every lab task is taught by one step,
    /// and every placeholder is one the lab can fill.
    pub fn check_tasks(&self, spec: &LabSpec, file: &str) -> anyhow::Result<()> {
        for step in &self.steps {
            for id in &step.tasks {
                anyhow::ensure!(
                    spec.task(id).is_some(),
                    "{file}:{}: step `{}` names task `{id}`, which {} does not define",
                    step.line,
                    step.title,
                    format_args!("labs/{}/lab.toml", spec.slug)
                );
            }
            for (offset, name) in crate::course::template::placeholders(&step.body) {
                anyhow::ensure!(
                    placeholder_names(spec).iter().any(|n| n == name),
                    "{file}:{}: unknown placeholder `{{{{{name}}}}}` (known: {})",
                    step.line + step.body[..offset].lines().count().saturating_sub(1),
                    placeholder_names(spec).join(", ")
                );
            }
        }
        for task in &spec.tasks {
            anyhow::ensure!(
                self.steps.iter().any(|s| s.tasks.contains(&task.id)),
                "{file}: no step teaches task `{}` (add `<!-- tasks: {} -->` under a step heading)",
                task.id,
                task.id
            );
        }
        Ok(())
    }

    /// The index of the step that teaches this task.
    pub fn step_of(&self, task: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.tasks.iter().any(|t| t == task))
    }
}

impl Purpose {
    /// The server the block is for, when it names one.
    pub fn server(&self) -> Option<&str> {
        match self {
            Purpose::Sql { server } | Purpose::Config { server } => Some(server),
            _ => None,
        }
    }
}

/// The placeholders a lab can fill: `workspace`, `engine`, `app.dir`, and per server
/// `NAME.port` and `NAME.config`.
pub fn placeholder_names(spec: &LabSpec) -> Vec<String> {
    let mut names = vec!["workspace".to_owned(), "engine".to_owned(), "app.dir".to_owned()];
    for server in &spec.servers {
        names.push(format!("{}.port", server.name));
        names.push(format!("{}.config", server.name));
    }
    names
}

/// Takes the `<!-- tasks: … -->` comment off the start of a step body.
fn split_tasks(body: &str, file: &str, line: usize) -> anyhow::Result<(Vec<String>, String)> {
    let trimmed = body.trim_start();
    let Some(comment) = trimmed.strip_prefix("<!--") else {
        return Ok((Vec::new(), body.trim_matches('\n').to_owned()));
    };
    let Some(end) = comment.find("-->") else {
        anyhow::bail!("{file}:{}: unclosed `<!--` comment under the step heading", line + 1);
    };
    let inner = comment[..end].trim();
    let Some(list) = inner.strip_prefix("tasks:") else {
        return Ok((Vec::new(), body.trim_matches('\n').to_owned()));
    };
    let tasks: Vec<String> =
        list.split(',').map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
    anyhow::ensure!(!tasks.is_empty(), "{file}:{}: `<!-- tasks: -->` lists no task", line + 1);
    Ok((tasks, comment[end + 3..].trim_matches('\n').to_owned()))
}

/// Whether a fenced block's source ends with a fence that closes its opening one: Markdown
/// lets a block run to the end of the file instead.
fn is_closed(block: &str) -> bool {
    fn unquoted(line: &str) -> &str {
        line.trim_start_matches(|c: char| c == '>' || c.is_whitespace())
    }
    let mut lines = block.trim_end().lines();
    let Some(opening) = lines.next().map(unquoted) else { return false };
    let Some(mark) = opening.chars().next() else { return false };
    let width = opening.chars().take_while(|&c| c == mark).count();
    lines.next_back().map(|l| unquoted(l).trim_end()).is_some_and(|closing| {
        closing.chars().all(|c| c == mark) && closing.chars().count() >= width
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# Title\n\n## Intro\n\nHello {{workspace}}.\n\n## Do it\n<!-- tasks: a, b -->\n\n```sql\n## not a step\n```\n\n## End\nbye\n";

    #[test]
    fn splits_steps_at_second_level_headings_only() {
        let lesson = Lesson::parse(SAMPLE, "x.md").expect("parses");
        assert_eq!(lesson.title, "Title");
        let titles: Vec<_> = lesson.steps.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Intro", "Do it", "End"]);
        assert_eq!(lesson.steps[1].tasks, ["a", "b"]);
        assert!(lesson.steps[1].body.starts_with("```sql"));
        assert_eq!(lesson.steps[0].line, 3);
        assert_eq!(lesson.steps[2].body, "bye");
    }

    #[test]
    fn an_unclosed_fence_is_an_error_at_its_line() {
        let lesson = "# T\n\n## S\n\n```sql\nSELECT 1;\n\n## Next\ntext\n";
        let err = Lesson::parse(lesson, "l.md").expect_err("must fail");
        assert!(
            err.to_string().starts_with("l.md:5: this code block's fence is never closed"),
            "{err}"
        );
        let closed = "# T\n\n## S\n\n````sql\n```\n````\n\n> ```\n> x\n> ```\n\n## Next\n";
        assert_eq!(Lesson::parse(closed, "l.md").expect("parses").steps.len(), 2);
    }

    #[test]
    fn text_before_the_first_step_is_an_error_with_its_line() {
        let err = Lesson::parse("# T\n\nstray words\n\n## S\n", "l.md").expect_err("must fail");
        assert!(err.to_string().starts_with("l.md:3:"), "{err}");
    }

    #[test]
    fn missing_title_and_second_title_are_errors() {
        let err = Lesson::parse("## S\n", "l.md").expect_err("must fail");
        assert!(err.to_string().contains("l.md:1:"), "{err}");
        let err = Lesson::parse("# T\n## S\n# U\n", "l.md").expect_err("must fail");
        assert!(err.to_string().starts_with("l.md:3:"), "{err}");
    }

    /// A step's fenced SQL blocks: (engine tag or none, text).
    fn sql_blocks(body: &str) -> Vec<(Option<Engine>, String)> {
        let mut blocks = Vec::new();
        let mut open: Option<(Option<Engine>, String)> = None;
        for event in Parser::new_ext(body, markdown_options()) {
            match event {
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                    if info.split_whitespace().next() == Some("sql") =>
                {
                    let engine = Info::parse(&info).ok().and_then(|i| i.engine);
                    open = Some((engine, String::new()));
                }
                Event::Text(text) => {
                    if let Some((_, code)) = open.as_mut() {
                        code.push_str(&text);
                    }
                }
                Event::End(TagEnd::CodeBlock) => blocks.extend(open.take()),
                _ => {}
            }
        }
        blocks
    }

    /// What a learner on each of the lab's engines would meet in the lesson's SQL blocks:
    /// a statement form the engine's release refuses, or a replication statement shown for
    /// one engine with no form for another in the same step.
    fn dialect_problems(lesson: &Lesson, spec: &LabSpec) -> Vec<String> {
        let mut problems = Vec::new();
        for step in &lesson.steps {
            let blocks = sql_blocks(&step.body);
            for (engine, setup) in &spec.engines {
                let release = setup.release();
                let shown: Vec<&String> = blocks
                    .iter()
                    .filter(|(tag, _)| tag.is_none_or(|t| t == *engine))
                    .map(|(_, t)| t)
                    .collect();
                for text in &shown {
                    for refused in crate::dialect::forms::refused(text, *engine, release) {
                        problems.push(format!(
                            "step `{}` (line {}) shows {engine} {release} {refused}",
                            step.title, step.line
                        ));
                    }
                }
                let has: Vec<_> = shown.iter().flat_map(|t| crate::dialect::forms::statements_used(t)).collect();
                for (tag, text) in &blocks {
                    let Some(other) = tag.filter(|t| t != engine) else { continue };
                    for statement in crate::dialect::forms::statements_used(text) {
                        if !has.contains(&statement) {
                            let words = statement.spelling();
                            problems.push(format!(
                                "step `{}` (line {}) shows {} for {other} but no form of it for {engine}",
                                step.title,
                                step.line,
                                if other == Engine::MySql { words.new } else { words.classic }
                            ));
                        }
                    }
                }
            }
        }
        problems
    }

    #[test]
    fn every_sql_block_of_every_lesson_speaks_each_engines_release() {
        let content = crate::course::content::Content::Embedded;
        for slug in content.days().expect("days") {
            let day = content.day(&slug).expect("day loads");
            let mysql = day.spec.engines.get(&Engine::MySql).map(|e| e.release());
            assert_eq!(mysql, Some("8.4"), "{slug} is written for MySQL 8.4");
            let problems = dialect_problems(&day.lesson, &day.spec);
            // Each block pastes into the console (`v`) as complete statements, `\G` included.
            for step in &day.lesson.steps {
                for (_, text) in sql_blocks(&step.body) {
                    let split = crate::sql::split(&text);
                    assert!(split.unfinished.is_none(), "step `{}`: unfinished SQL in {text:?}", step.title);
                }
            }
            assert!(problems.is_empty(), "lessons/{}:\n{}", day.spec.lesson, problems.join("\n"));
            // The check has something to check: each engine has its own replication blocks.
            let tagged = day.lesson.steps.iter().flat_map(|s| sql_blocks(&s.body)).filter(|(t, _)| t.is_some());
            assert!(tagged.count() >= 8, "{slug}: the lesson lost its engine variants");
        }
    }

    #[test]
    fn a_classic_form_shown_to_mysql_or_without_a_counterpart_is_found() {
        let spec = crate::course::content::Content::Embedded.day("day20").expect("day 20").spec;
        let untagged = Lesson::parse("# T\n\n## S\n\n```sql\nSTART SLAVE;\n```\n", "l.md").expect("parses");
        let problems = dialect_problems(&untagged, &spec);
        assert_eq!(problems, ["step `S` (line 3) shows MySQL 8.4 START SLAVE (write START REPLICA)"]);
        let one_sided = "# T\n\n## S\n\n```sql mariadb\nSHOW MASTER STATUS;\n```\n";
        let problems = dialect_problems(&Lesson::parse(one_sided, "l.md").expect("parses"), &spec);
        assert_eq!(problems, ["step `S` (line 3) shows SHOW MASTER STATUS for MariaDB but no form of it for MySQL"]);
        let wrong_variant = "# T\n\n## S\n\n```sql mariadb\nSTART SLAVE;\n```\n\n```sql mysql\nSTART SLAVE;\n```\n";
        let problems = dialect_problems(&Lesson::parse(wrong_variant, "l.md").expect("parses"), &spec);
        assert_eq!(problems, ["step `S` (line 3) shows MySQL 8.4 START SLAVE (write START REPLICA)"]);
    }

    #[test]
    fn an_unknown_engine_tag_is_an_error_with_its_line() {
        let text = "# T\n\n## S\n\n```sql postgres\nSELECT 1;\n```\n";
        let err = Lesson::parse(text, "l.md").expect_err("an unknown engine");
        assert!(err.to_string().starts_with("l.md:5: unknown word `postgres`"), "{err}");
    }

    #[test]
    fn code_blocks_keep_their_engine_purpose_text_and_line() {
        let text = "# T\n\n## S\n\n```ini file=master\n[mysqld]\n```\n\n```sql mariadb on=slave\nSTART SLAVE;\n```\n\n```sh run=shell\nsqlcourse day20 check\n```\n\n```python run=app\n```\n\n```sql norun\nSELECT 1;\n```\n\n```text\nplain\n```\n";
        let lesson = Lesson::parse(text, "l.md").expect("parses");
        let blocks = &lesson.steps[0].blocks;
        type Seen<'a> = (&'a str, Option<Engine>, Option<Purpose>, &'a str, usize);
        let got: Vec<Seen> = blocks
            .iter()
            .map(|b| (b.lang.as_str(), b.engine, b.purpose.clone(), b.text.as_str(), b.line))
            .collect();
        assert_eq!(
            got,
            [
                ("ini", None, Some(Purpose::Config { server: "master".into() }), "[mysqld]\n", 5),
                ("sql", Some(Engine::MariaDb), Some(Purpose::Sql { server: "slave".into() }), "START SLAVE;\n", 9),
                ("sh", None, Some(Purpose::Shell), "sqlcourse day20 check\n", 13),
                ("python", None, Some(Purpose::App), "", 17),
                ("sql", None, Some(Purpose::NoRun), "SELECT 1;\n", 20),
                ("text", None, None, "plain\n", 24),
            ]
        );
    }

    #[test]
    fn a_wrong_annotation_is_an_error_with_its_line() {
        for (info, says) in [
            ("sql on=", "unknown annotation `on=`"),
            ("sql run=docker", "unknown annotation `run=docker`"),
            ("sql on=master norun", "`norun`: a code block has one purpose"),
            ("sql on=master mariadb", "unknown word `mariadb`"),
        ] {
            let text = format!("# T\n\n## S\n\n```{info}\nSELECT 1;\n```\n");
            let err = Lesson::parse(&text, "l.md").expect_err(info);
            assert!(err.to_string().starts_with(&format!("l.md:5: {says}")), "{info}: {err}");
        }
        let text = "# T\n\n## S\n\n```sql on=replica2\nSELECT 1;\n```\n";
        let servers = ["master".to_owned(), "slave".to_owned()];
        let err = Lesson::parse_for(text, "l.md", Some(&servers)).expect_err("no such server");
        assert_eq!(err.to_string(), "l.md:5: the lab has no server `replica2`");
    }

}
