//! A grading round as `check` prints it: a table for people, JSON for scripts
//! (documented in the README).

use serde::Serialize;

use crate::grade::{TaskState, TaskStatus};

/// One day's graded tasks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The day's slug (`day20`).
    pub day: String,
    pub tasks: Vec<TaskStatus>,
}

impl Report {
    /// Whether every task is done (`check` exits 0 only then).
    pub fn all_done(&self) -> bool {
        self.tasks.iter().all(|t| t.status == TaskState::Done)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// One line per task; under a task not done, its reason and hint.
    pub fn to_text(&self) -> String {
        let done = self.tasks.iter().filter(|t| t.status == TaskState::Done).count();
        let width = self.tasks.iter().map(|t| t.id.len()).max().unwrap_or(0);
        let mut out = format!("{}: {done}/{} tasks done\n", self.day, self.tasks.len());
        for task in &self.tasks {
            let mark = match task.status {
                TaskState::Done => "done   ",
                TaskState::Failing => "FAILING",
                TaskState::Pending => "pending",
            };
            out.push_str(&format!("  {mark}  {:<width$}  {}\n", task.id, task.title));
            if let Some(reason) = &task.reason {
                out.push_str(&format!("           {:<width$}  {reason}\n", ""));
            }
            if let Some(hint) = &task.hint {
                out.push_str(&format!("           {:<width$}  hint: {hint}\n", ""));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::diagnosis::Diagnosis;

    fn report() -> Report {
        let task = |id: &str, status, reason: Option<&str>, hint: Option<&str>, diagnosis| TaskStatus {
            id: id.into(),
            title: format!("Title of {id}"),
            status,
            reason: reason.map(Into::into),
            hint: hint.map(Into::into),
            diagnosis,
        };
        Report {
            day: "day20".into(),
            tasks: vec![
                task("master-config", TaskState::Done, None, None, None),
                task(
                    "slave-config",
                    TaskState::Failing,
                    Some("the slave runs with server_id 1, the same as the master's"),
                    Some("Give the slave its own id."),
                    Some(Diagnosis::EqualServerIds),
                ),
                task("read-routing", TaskState::Pending, Some("comes with the application step"), None, None),
            ],
        }
    }

    #[test]
    fn text_lists_every_task_with_reason_and_hint() {
        insta::assert_snapshot!(report().to_text());
    }

    #[test]
    fn json_has_the_documented_shape() {
        let value: serde_json::Value = serde_json::from_str(&report().to_json()).expect("JSON");
        assert_eq!(value["day"], "day20");
        let tasks = value["tasks"].as_array().expect("a task list");
        assert_eq!(tasks.len(), 3);
        assert_eq!(tasks[0]["status"], "done");
        assert_eq!(tasks[0]["reason"], serde_json::Value::Null);
        assert_eq!(tasks[1]["status"], "failing");
        assert_eq!(tasks[1]["diagnosis"], "equal-server-ids");
        assert_eq!(tasks[1]["hint"], "Give the slave its own id.");
        assert_eq!(tasks[2]["status"], "pending");
        for task in tasks {
            let mut keys: Vec<&str> =
                task.as_object().expect("object").keys().map(String::as_str).collect();
            keys.sort_unstable();
            assert_eq!(keys, ["diagnosis", "hint", "id", "reason", "status", "title"]);
        }
    }

    #[test]
    fn all_done_only_when_every_task_is() {
        let mut r = report();
        assert!(!r.all_done());
        for t in &mut r.tasks {
            t.status = TaskState::Done;
        }
        assert!(r.all_done());
    }
}
