//! A lesson: Markdown split into guided steps.
//!
//! Every `## ` heading starts a step. A comment right under it, `<!-- tasks: a, b -->`,
//! names the tasks the step teaches. `{{name}}` placeholders are filled from the running lab.

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
}

/// A fenced block may name an engine after its language (```` ```sql mysql ````) to be shown
/// only for that engine.
pub use crate::dialect::engine::Engine;

/// Markdown extensions the lessons use.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

impl Lesson {
    /// Splits a lesson file into steps; errors name `file:line`.
    pub fn parse(text: &str, file: &str) -> anyhow::Result<Self> {
        let line_of = |offset: usize| text[..offset].lines().count() + 1;
        let mut title = None;
        // (heading start, heading end, title, line)
        let mut heads: Vec<(usize, usize, String, usize)> = Vec::new();
        let mut current: Option<(HeadingLevel, usize, String)> = None;
        let mut first_content = None;
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
                        HeadingLevel::H2 => heads.push((start, range.end, heading, line_of(start))),
                        _ => {}
                    }
                }
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                    anyhow::ensure!(
                        is_closed(&text[range.clone()]),
                        "{file}:{}: this code block's fence is never closed (the rest of the \
                         lesson would be shown as code)",
                        line_of(range.start)
                    );
                    if let Some(tag) = info.split_whitespace().nth(1) {
                        anyhow::ensure!(
                            Engine::from_tag(tag).is_some(),
                            "{file}:{}: unknown engine `{tag}` after the code block's language \
                             (use mariadb or mysql)",
                            line_of(range.start)
                        );
                    }
                    if heads.is_empty() && first_content.is_none() {
                        first_content = Some(range.start);
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
        for (i, (_, end, heading, line)) in heads.iter().enumerate() {
            let next = heads.get(i + 1).map_or(text.len(), |h| h.0);
            let (tasks, body) = split_tasks(&text[*end..next], file, *line)?;
            steps.push(Step { title: heading.trim().to_owned(), tasks, body, line: *line });
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
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                    let mut words = info.split_whitespace();
                    if words.next() == Some("sql") {
                        open = Some((words.next().and_then(Engine::from_tag), String::new()));
                    }
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
        assert!(err.to_string().starts_with("l.md:5: unknown engine `postgres`"), "{err}");
    }

}
