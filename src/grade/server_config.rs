//! `server-config`: the server runs with the required settings, and they are in its file.

use crate::grade::{Ctx, Note, Verdict};
use crate::grade::diagnosis::Diagnosis;
use crate::dialect::mycnf::{OptionFile, Setting};
use crate::probe::snapshot::ServerFacts;
use crate::course::spec::ConfigItem;

/// How one required setting stands; variants are in the order they are reported.
#[derive(Debug, PartialEq)]
enum Item {
    Missing,
    /// In the file but unusable (wrong section, bad value, 0).
    Wrong(Note),
    /// Right in the file, different on the running server.
    NotApplied(Note),
    Ok,
}

pub(super) fn check(
    ctx: &Ctx<'_>,
    server: &str,
    require: &[ConfigItem],
    differs_from: Option<&str>,
) -> Verdict {
    let facts = match ctx.running(server) {
        Ok(facts) => facts,
        Err(verdict) => return verdict,
    };
    let config = ctx.config_path(server);
    let base = [("server", server.to_owned()), ("config", config.clone())];
    if !ctx.config_exists(server) {
        // Not "server_id is not set": the whole file is gone, and a restart puts it back.
        let reason = format!(
            "{config} is missing: press r to restart the {server} (or `restart {server}`), which puts the starting file back"
        );
        let setting = require.iter().map(|&i| option_name(i)).collect::<Vec<_>>().join(" and ");
        let note = Note::new(Diagnosis::ConfigMissing, reason).with_all(&base).with("setting", setting);
        return Verdict::Failing(note);
    }
    let file = OptionFile::parse(ctx.config_text(server), facts.engine);
    let items: Vec<(ConfigItem, Item)> =
        require.iter().map(|&item| (item, judge(&file, facts, item, server, &config))).collect();

    let missing: Vec<&str> =
        items.iter().filter(|(_, s)| *s == Item::Missing).map(|(i, _)| option_name(*i)).collect();
    if let Some((setting, line)) = missing.iter().find_map(|s| Some((*s, file.misspelt(s)?))) {
        let written = line.name.as_str();
        return Verdict::Failing(
            Note::new(
                Diagnosis::ConfigMisspelt,
                format!(
                    "{setting} is not set in {config}: line {} says {written}, which is not {setting} (a typo? the server stops at an option it does not know)",
                    line.line
                ),
            )
            .with_all(&base)
            .with("setting", setting)
            .with("written", written)
            .with("line", line.line),
        );
    }
    if !missing.is_empty() {
        let note = Note::new(Diagnosis::ConfigMissing, String::new())
            .with_all(&base)
            .with("setting", missing.join(" and "));
        return if missing.len() == items.len() {
            let reason = format!("{} not set in {config} yet", be(&missing));
            Verdict::Pending(Note { reason, ..note })
        } else {
            Verdict::Failing(Note { reason: format!("{} not set in {config}", be(&missing)), ..note })
        };
    }
    let wrong = items.iter().find_map(|(_, s)| match s {
        Item::Wrong(note) => Some(note),
        _ => None,
    });
    let not_applied = items.iter().find_map(|(_, s)| match s {
        Item::NotApplied(note) => Some(note),
        _ => None,
    });
    if let Some(note) = wrong {
        return Verdict::Failing(note.clone().with_all(&base));
    }
    let other_facts = differs_from.map(|other| (other, ctx.running(other)));
    // Once it replicates, the threads must be restarted too; before, a restart is all.
    let clash = if facts.replica.is_some() { Diagnosis::EqualServerIds } else { Diagnosis::ServerIdTaken };
    // Restarting with the other server's id saved would only trade one clash for another.
    if let Some((other, Ok(other_facts))) = &other_facts
        && not_applied.is_some()
        && let Some(saved) = saved_server_id(&file)
        && saved == other_facts.server_id
    {
        return Verdict::Failing(
            Note::new(
                clash,
                format!(
                    "{config} says server-id = {saved}, which is the {other}'s own server_id: \
                     restarting would not help"
                ),
            )
            .with("replica", server)
            .with("source", *other)
            .with("replica_config", config.clone())
            .with("server_id", saved),
        );
    }
    if let Some(note) = not_applied {
        return Verdict::Failing(note.clone().with_all(&base));
    }

    let Some((other, other_facts)) = other_facts else { return Verdict::Done };
    let other_facts = match other_facts {
        Ok(f) => f,
        Err(_) => {
            return Verdict::Pending(Note::plain(format!(
                "the {other} is not answering, and its server_id is needed to compare"
            )));
        }
    };
    if other_facts.server_id == facts.server_id {
        return Verdict::Failing(
            Note::new(
                clash,
                format!(
                    "the {server} runs with server_id {}, the same as the {other}'s",
                    facts.server_id
                ),
            )
            .with("replica", server)
            .with("source", other)
            .with("replica_config", config)
            .with("server_id", facts.server_id),
        );
    }
    Verdict::Done
}

/// The server-id the file sets under [mysqld], when it is a number.
fn saved_server_id(file: &OptionFile) -> Option<u32> {
    match file.setting(option_name(ConfigItem::ServerId)) {
        Setting::Set(line) => line.value.as_deref()?.parse().ok(),
        _ => None,
    }
}

fn judge(file: &OptionFile, facts: &ServerFacts, item: ConfigItem, server: &str, config: &str) -> Item {
    let name = option_name(item);
    let line = match file.setting(name) {
        Setting::Absent => return Item::Missing,
        Setting::ElsewhereOnly(line) => {
            return Item::Wrong(
                Note::new(
                    Diagnosis::ConfigWrongSection,
                    format!(
                        "{name} is under [{}] in {config} (line {}), a section the server does not read",
                        line.section, line.line
                    ),
                )
                .with("setting", name)
                .with("section", &line.section),
            );
        }
        Setting::Set(line) => line,
    };
    let invalid = |problem: String| {
        Item::Wrong(
            Note::new(Diagnosis::ConfigInvalid, format!("{config} line {}: {problem}", line.line))
                .with("setting", name)
                .with("line", line.line)
                .with("problem", problem),
        )
    };
    match item {
        ConfigItem::ServerId => {
            let value = line.value.as_deref().unwrap_or("");
            let Ok(id) = value.parse::<u32>() else {
                return invalid(format!("server-id = {value} is not a whole number"));
            };
            if id == 0 {
                return Item::Wrong(
                    Note::new(Diagnosis::ServerIdZero, format!("server-id is 0 in {config}"))
                        .with("setting", name),
                );
            }
            if id != facts.server_id {
                return not_applied(
                    format!(
                        "{config} says server-id = {id}, but the {server} runs with server_id {}",
                        facts.server_id
                    ),
                    name,
                );
            }
        }
        ConfigItem::LogBin => {
            if file.switched_off(name) {
                return invalid("a later skip-log-bin line turns the binary log off again".to_owned());
            }
            if !facts.log_bin {
                return not_applied(
                    format!("{config} sets log-bin, but the {server} runs with log_bin OFF"),
                    name,
                );
            }
            // MySQL logs by default, so log_bin ON alone does not show that the file was read:
            // the log's name does.
            let running = file_stem(&facts.log_bin_basename);
            let applied = running.is_empty()
                || match line.value.as_deref().map(file_stem) {
                    Some(wanted) => wanted.is_empty() || wanted == running,
                    None => running != MYSQL_DEFAULT_LOG_BASE,
                };
            if !applied {
                let wanted = line.value.as_deref().map_or(String::new(), |v| format!(" = {v}"));
                return not_applied(
                    format!(
                        "{config} sets log-bin{wanted}, but the {server} writes its binary log as {running}.*"
                    ),
                    name,
                );
            }
        }
    }
    Item::Ok
}

/// A required setting saved right in the server's file that the running server does not have
/// yet: what other checks name instead of asking for the setting again.
pub(super) fn unapplied(ctx: &Ctx<'_>, server: &str, item: ConfigItem) -> Option<Note> {
    let facts = ctx.running(server).ok()?;
    let config = ctx.config_path(server);
    let file = OptionFile::parse(ctx.config_text(server), facts.engine);
    match judge(&file, facts, item, server, &config) {
        Item::NotApplied(note) => Some(note.with("server", server).with("config", config)),
        Item::Missing | Item::Wrong(_) | Item::Ok => None,
    }
}

/// The name MySQL gives its binary log when no config file sets one.
const MYSQL_DEFAULT_LOG_BASE: &str = "binlog";

/// `/var/lib/mysql/mysql-bin` and `mysql-bin.log` → `mysql-bin`: the server keeps only the
/// file name, and drops an extension.
fn file_stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split_once('.').map_or(name, |(stem, _)| stem)
}

fn not_applied(what: String, name: &str) -> Item {
    Item::NotApplied(
        Note::new(Diagnosis::NotApplied, format!("{what}: saved but not applied"))
            .with("setting", name),
    )
}

/// The option's name as the lesson writes it in a config file.
fn option_name(item: ConfigItem) -> &'static str {
    match item {
        ConfigItem::ServerId => "server-id",
        ConfigItem::LogBin => "log-bin",
    }
}

/// "server-id is" / "server-id and log-bin are".
fn be(names: &[&str]) -> String {
    let verb = if names.len() == 1 { "is" } else { "are" };
    format!("{} {verb}", names.join(" and "))
}
