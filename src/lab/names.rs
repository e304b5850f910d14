//! Names and labels of the lab's Docker objects, and who owns them.
//!
//! `SQLCOURSE_LAB_NAME` names one lab instance, so tests and several courses can run side
//! by side; unset, the lab is named after the day (see [`crate::lab::owner`] for how two users
//! of one engine get a name each). Every object carries the label `io.sqlcourse.lab=<lab
//! name>` and its owner (user id and machine); only objects of this lab and this owner are
//! ever attached, stopped or removed.

use std::collections::HashMap;

use crate::dialect::engine::Engine;
use crate::lab::owner::Owner;

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
    /// Who this process runs as: the owner of what it makes.
    pub owner: Owner,
    /// Whether objects of this lab made by an earlier version (no owner labels) are this
    /// owner's: told by their config folder being this user's workspace.
    pub adopted: bool,
}

/// Whose an object of a lab name is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whose {
    Mine,
    /// Another user's, or this user's on another machine.
    Other(Owner),
    /// Made by an earlier version, without owner labels.
    Unowned,
    /// Not an object of this lab at all (no lab label, or another lab's).
    NotLab,
}

impl LabNames {
    /// The lab named `SQLCOURSE_LAB_NAME`, when it is set.
    pub fn chosen() -> Option<String> {
        std::env::var("SQLCOURSE_LAB_NAME").ok().filter(|n| !n.is_empty())
    }

    /// A lab of the current user; its name must make valid Docker object names.
    pub fn new(lab: &str) -> anyhow::Result<Self> {
        Self::owned_by(lab, Owner::current())
    }

    /// A lab of an owner, under a name that must make valid Docker object names.
    pub fn owned_by(lab: &str, owner: Owner) -> anyhow::Result<Self> {
        let valid = lab.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && lab.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        anyhow::ensure!(
            valid,
            "lab name `{lab}` (SQLCOURSE_LAB_NAME) may hold only letters, digits, `_`, `.` and `-`"
        );
        Ok(LabNames { lab: lab.to_owned(), owner, adopted: false })
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

    /// Labels of the lab's network: the lab and its owner.
    pub fn labels(&self) -> HashMap<String, String> {
        let mut labels = self.owner.labels();
        labels.insert(LAB_LABEL.to_owned(), self.lab.clone());
        labels
    }

    /// Labels of a server's container and volume, made for this engine.
    pub fn server_labels(&self, server: &str, engine: Engine) -> HashMap<String, String> {
        let mut labels = self.labels();
        labels.insert(SERVER_LABEL.to_owned(), server.to_owned());
        labels.insert(ENGINE_LABEL.to_owned(), engine.tag().to_owned());
        labels
    }

    /// Whose an object is, by its labels.
    pub fn whose(&self, labels: Option<&HashMap<String, String>>) -> Whose {
        let Some(labels) = labels.filter(|l| l.get(LAB_LABEL) == Some(&self.lab)) else {
            return Whose::NotLab;
        };
        match Owner::of(labels) {
            Some(owner) if owner.same(&self.owner) => Whose::Mine,
            Some(owner) => Whose::Other(owner),
            None => Whose::Unowned,
        }
    }

    /// Whether an object's labels say it belongs to this lab and this owner.
    pub fn owns(&self, labels: Option<&HashMap<String, String>>) -> bool {
        match self.whose(labels) {
            Whose::Mine => true,
            Whose::Unowned => self.adopted,
            Whose::Other(_) | Whose::NotLab => false,
        }
    }

    /// A Docker list filter selecting this lab name's objects, whoever owns them (the
    /// caller keeps its own, with [`LabNames::owns`]).
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

    fn owner(uid: u32, host: &str) -> Owner {
        Owner { uid, user: format!("u{uid}"), host: host.to_owned() }
    }

    #[test]
    fn only_objects_labelled_with_this_lab_are_owned() {
        let names = LabNames::owned_by("t1", owner(1000, "box")).expect("valid");
        let labels = names.server_labels("master", Engine::MySql);
        assert!(names.owns(Some(&labels)));
        assert_eq!(labels[ENGINE_LABEL], "mysql");
        let other = LabNames::owned_by("t10", owner(1000, "box")).expect("valid");
        assert!(!names.owns(Some(&other.labels())));
        assert!(!names.owns(None));
    }

    #[test]
    fn another_owners_objects_of_the_same_name_are_never_owned() {
        let mine = LabNames::owned_by("day20", owner(1000, "box")).expect("valid");
        for other in [owner(1001, "box"), owner(1000, "other-box")] {
            let theirs = LabNames::owned_by("day20", other.clone()).expect("valid");
            assert_eq!(mine.whose(Some(&theirs.labels())), Whose::Other(other));
            assert!(!mine.owns(Some(&theirs.labels())));
        }
        // The login name is for people: the same id on the same machine is the same owner.
        let renamed = Owner { user: "renamed".to_owned(), ..owner(1000, "box") };
        let same = LabNames::owned_by("day20", renamed).expect("valid");
        assert!(mine.owns(Some(&same.labels())));
    }

    #[test]
    fn an_earlier_versions_objects_are_owned_only_once_adopted() {
        let old = HashMap::from([(LAB_LABEL.to_owned(), "day20".to_owned())]);
        let mut names = LabNames::owned_by("day20", owner(1000, "box")).expect("valid");
        assert_eq!(names.whose(Some(&old)), Whose::Unowned);
        assert!(!names.owns(Some(&old)));
        names.adopted = true;
        assert!(names.owns(Some(&old)));
    }

    #[test]
    fn names_that_docker_would_refuse_are_errors() {
        assert!(LabNames::new("day 20").is_err());
        assert!(LabNames::new("-x").is_err());
        assert!(LabNames::new("").is_err());
    }
}
