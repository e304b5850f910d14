//! Names and labels of the lab's Docker objects.
//!
//! `SQLCOURSE_LAB_NAME` (default: the day's slug) names one lab instance, so tests and
//! several courses can run side by side; every object carries the label
//! `io.sqlcourse.lab=<lab name>` and only objects carrying it are ever stopped or removed.

use std::collections::HashMap;

use crate::dialect::engine::Engine;

/// The label every object of a lab carries; its value is the lab's name.
pub const LAB_LABEL: &str = "io.sqlcourse.lab";
/// The label naming which server a container or volume belongs to.
pub const SERVER_LABEL: &str = "io.sqlcourse.server";
/// The label naming the engine a server's container and data were made for (`mariadb`,
/// `mysql`): a lab keeps its engine until `reset`, whatever the next command line says.
pub const ENGINE_LABEL: &str = "io.sqlcourse.engine";

/// The names of one lab instance's objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabNames {
    /// The lab's name (`day20`).
    pub lab: String,
}

impl LabNames {
    /// The lab of a day: `SQLCOURSE_LAB_NAME` when set, else the day's slug.
    pub fn for_day(slug: &str) -> anyhow::Result<Self> {
        let lab = std::env::var("SQLCOURSE_LAB_NAME")
            .ok()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| slug.to_owned());
        Self::new(&lab)
    }

    /// A lab name must make valid Docker object names.
    pub fn new(lab: &str) -> anyhow::Result<Self> {
        let valid = lab.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && lab.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        anyhow::ensure!(
            valid,
            "lab name `{lab}` (SQLCOURSE_LAB_NAME) may hold only letters, digits, `_`, `.` and `-`"
        );
        Ok(LabNames { lab: lab.to_owned() })
    }

    /// The lab's network.
    pub fn network(&self) -> String {
        format!("sqlcourse-{}", self.lab)
    }

    /// A server's container.
    pub fn container(&self, server: &str) -> String {
        format!("sqlcourse-{}-{server}", self.lab)
    }

    /// A server's data volume.
    pub fn volume(&self, server: &str) -> String {
        format!("sqlcourse-{}-{server}-data", self.lab)
    }

    /// Labels of the lab's network.
    pub fn labels(&self) -> HashMap<String, String> {
        HashMap::from([(LAB_LABEL.to_owned(), self.lab.clone())])
    }

    /// Labels of a server's container and volume, made for this engine.
    pub fn server_labels(&self, server: &str, engine: Engine) -> HashMap<String, String> {
        let mut labels = self.labels();
        labels.insert(SERVER_LABEL.to_owned(), server.to_owned());
        labels.insert(ENGINE_LABEL.to_owned(), engine.tag().to_owned());
        labels
    }

    /// Whether an object's labels say it belongs to this lab.
    pub fn owns(&self, labels: Option<&HashMap<String, String>>) -> bool {
        labels.and_then(|l| l.get(LAB_LABEL)) == Some(&self.lab)
    }

    /// A Docker list filter selecting exactly this lab's objects.
    pub fn filter(&self) -> HashMap<String, Vec<String>> {
        HashMap::from([("label".to_owned(), vec![format!("{LAB_LABEL}={}", self.lab)])])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_named_after_the_lab() {
        let names = LabNames::new("day20").expect("valid");
        assert_eq!(names.network(), "sqlcourse-day20");
        assert_eq!(names.container("slave"), "sqlcourse-day20-slave");
        assert_eq!(names.volume("master"), "sqlcourse-day20-master-data");
        assert_eq!(names.filter()["label"], ["io.sqlcourse.lab=day20"]);
    }

    #[test]
    fn only_objects_labelled_with_this_lab_are_owned() {
        let names = LabNames::new("t1").expect("valid");
        let labels = names.server_labels("master", Engine::MySql);
        assert!(names.owns(Some(&labels)));
        assert_eq!(labels[ENGINE_LABEL], "mysql");
        let other = LabNames::new("t10").expect("valid");
        assert!(!names.owns(Some(&other.labels())));
        assert!(!names.owns(None));
    }

    #[test]
    fn names_that_docker_would_refuse_are_errors() {
        assert!(LabNames::new("day 20").is_err());
        assert!(LabNames::new("-x").is_err());
        assert!(LabNames::new("").is_err());
    }
}
