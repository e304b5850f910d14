//! Course content: lessons and labs, embedded in the binary or read from a local copy.

use std::path::{Path, PathBuf};

use anyhow::Context;
use include_dir::{Dir, include_dir};

use crate::course::lesson::Lesson;
use crate::course::spec::LabSpec;

static LESSONS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/lessons");
static LABS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/labs");

/// Where lessons and labs come from.
#[derive(Debug, Clone)]
pub enum Content {
    /// The copy built into the binary.
    Embedded,
    /// A course author's local copy (`--content DIR`), holding `lessons/` and `labs/`.
    Dir(PathBuf),
}

/// One day: its lab and its lesson, both parsed and checked.
#[derive(Debug, Clone)]
pub struct Day {
    pub spec: LabSpec,
    pub lesson: Lesson,
    /// Where the day's files were read from, for reading lab files later.
    pub content: Content,
}

impl Content {
    pub fn new(dir: Option<PathBuf>) -> Self {
        dir.map_or(Content::Embedded, Content::Dir)
    }

    /// Reads a content file by its path under the content root (`labs/day20/lab.toml`).
    pub fn read(&self, path: &str) -> anyhow::Result<String> {
        match self {
            Content::Embedded => {
                let (root, rest) = split_root(path)?;
                root.get_file(rest)
                    .and_then(|f| f.contents_utf8())
                    .map(str::to_owned)
                    .with_context(|| format!("{path}: not in the built-in course content"))
            }
            Content::Dir(dir) => {
                let full = dir.join(path);
                std::fs::read_to_string(&full)
                    .with_context(|| format!("cannot read {}", full.display()))
            }
        }
    }

    /// The days on offer, by slug, in day order.
    pub fn days(&self) -> anyhow::Result<Vec<String>> {
        let mut slugs: Vec<String> = match self {
            Content::Embedded => LABS
                .dirs()
                .filter(|d| d.get_file(d.path().join("lab.toml")).is_some())
                .filter_map(|d| d.path().file_name()?.to_str().map(str::to_owned))
                .collect(),
            Content::Dir(dir) => {
                if let Some(missing) = self.missing_root() {
                    return Err(missing);
                }
                let labs = dir.join("labs");
                std::fs::read_dir(&labs)
                    .with_context(|| format!("cannot read {}", labs.display()))?
                    .filter_map(Result::ok)
                    .filter(|e| e.path().join("lab.toml").is_file())
                    .filter_map(|e| e.file_name().to_str().map(str::to_owned))
                    .collect()
            }
        };
        slugs.sort_by_key(|s| (s.len(), s.clone()));
        Ok(slugs)
    }

    /// Loads and checks one day's lab and lesson.
    pub fn day(&self, slug: &str) -> anyhow::Result<Day> {
        let spec = self.spec(slug)?;
        let lesson_path = format!("lessons/{}", spec.lesson);
        let servers: Vec<String> = spec.servers.iter().map(|s| s.name.clone()).collect();
        let lesson =
            Lesson::parse_for(&self.read(&lesson_path)?, &self.display(&lesson_path), Some(&servers))?;
        lesson.check_tasks(&spec, &self.display(&lesson_path))?;
        Ok(Day { spec, lesson, content: self.clone() })
    }

    /// Loads and checks one day's lab description alone (what the command line offers).
    pub fn spec(&self, slug: &str) -> anyhow::Result<LabSpec> {
        let lab_path = format!("labs/{slug}/lab.toml");
        let text = self.read(&lab_path).map_err(|_| {
            if let Some(missing) = self.missing_root() {
                return missing;
            }
            let known = self.days().unwrap_or_default().join(", ");
            anyhow::anyhow!("there is no lesson `{slug}` (available: {known})")
        })?;
        LabSpec::parse(&text, &self.display(&lab_path))
    }

    /// Why a local copy cannot hold any lesson: its folder, or the folders it needs, missing.
    fn missing_root(&self) -> Option<anyhow::Error> {
        let Content::Dir(dir) = self else { return None };
        if !dir.is_dir() {
            return Some(anyhow::anyhow!(
                "the content folder {} does not exist (--content or SQLCOURSE_CONTENT)",
                dir.display()
            ));
        }
        let lacking: Vec<&str> =
            ["lessons", "labs"].into_iter().filter(|f| !dir.join(f).is_dir()).collect();
        (!lacking.is_empty()).then(|| {
            anyhow::anyhow!(
                "{} is not a course folder: it has no {} folder",
                dir.display(),
                lacking.iter().map(|f| format!("{f}/")).collect::<Vec<_>>().join(" and no ")
            )
        })
    }

    /// Reads a file of a day's lab folder (`start/master/my.cnf`).
    pub fn lab_file(&self, slug: &str, path: &str) -> anyhow::Result<String> {
        self.read(&format!("labs/{slug}/{path}"))
    }

    /// Every file directly in a content folder (`labs/image`), as (name, text).
    pub fn files_in(&self, folder: &str) -> anyhow::Result<Vec<(String, String)>> {
        let mut files = Vec::new();
        match self {
            Content::Embedded => {
                let (root, rest) = split_root(folder)?;
                let dir = root
                    .get_dir(rest)
                    .with_context(|| format!("{folder}: not in the built-in course content"))?;
                for file in dir.files() {
                    let name = file.path().file_name().and_then(|n| n.to_str());
                    if let (Some(name), Some(text)) = (name, file.contents_utf8()) {
                        files.push((name.to_owned(), text.to_owned()));
                    }
                }
            }
            Content::Dir(dir) => {
                let full = dir.join(folder);
                for entry in std::fs::read_dir(&full)
                    .with_context(|| format!("cannot read {}", full.display()))?
                {
                    let path = entry?.path();
                    if let (true, Some(name)) =
                        (path.is_file(), path.file_name().and_then(|n| n.to_str()))
                    {
                        let text = std::fs::read_to_string(&path)
                            .with_context(|| format!("cannot read {}", path.display()))?;
                        files.push((name.to_owned(), text));
                    }
                }
            }
        }
        Ok(files)
    }

    /// How a content path is named in messages: a real path for a local copy.
    pub fn display(&self, path: &str) -> String {
        match self {
            Content::Embedded => path.to_owned(),
            Content::Dir(dir) => dir.join(path).display().to_string(),
        }
    }
}

fn split_root(path: &str) -> anyhow::Result<(&'static Dir<'static>, &str)> {
    let path = Path::new(path);
    let mut parts = path.components();
    let root = match parts.next().and_then(|c| c.as_os_str().to_str()) {
        Some("lessons") => &LESSONS,
        Some("labs") => &LABS,
        _ => anyhow::bail!("{}: not a content path", path.display()),
    };
    let rest = parts.as_path().to_str().context("content paths are UTF-8")?;
    // include_dir stores paths relative to the embedded root.
    Ok((root, rest))
}
