//! Who a lab belongs to, and the default lab name of each user of a shared Docker engine.
//!
//! A class server runs one engine for many learners. Every object a lab makes carries its
//! owner (user id and machine name) as labels, and another owner's lab is never attached,
//! restarted or removed. Unset, `SQLCOURSE_LAB_NAME` defaults to the day's slug (`day20`)
//! for the first user and to `day20-<user>` for the others; a user's own lab is looked for
//! first, so whichever name they got stays theirs on every run.
//!
//! Labs made by earlier versions carry no owner labels. Such a lab is adopted by its maker
//! when one of its containers mounts this user's own workspace as its config folder, a path
//! no other user's lab mounts. When there is no container left to tell by (after `down`),
//! nobody can be told its owner: it is left alone and its name is taken.

use std::collections::HashMap;
use std::path::PathBuf;

use bollard::Docker;
use bollard::query_parameters::{
    ListContainersOptionsBuilder, ListNetworksOptionsBuilder, ListVolumesOptionsBuilder,
};

use crate::course::content::Day;
use crate::lab::names::{LabNames, SERVER_LABEL, Whose};
use crate::lab::objects::CONFIG_DIR;
use crate::learner::workspace::Workspace;

/// The label holding the owner's numeric user id.
pub const OWNER_UID_LABEL: &str = "io.sqlcourse.owner.uid";
/// The label holding the owner's login name (for people: the id decides).
pub const OWNER_USER_LABEL: &str = "io.sqlcourse.owner.user";
/// The label holding the name of the machine the owner ran sqlcourse on.
pub const OWNER_HOST_LABEL: &str = "io.sqlcourse.owner.host";

/// A user on a machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub uid: u32,
    /// The login name, else `uid<N>`.
    pub user: String,
    pub host: String,
}

impl Owner {
    /// The user this process runs as, on this machine.
    pub fn current() -> Owner {
        let uid = rustix::process::getuid().as_raw();
        let user = login_name(uid).unwrap_or_else(|| format!("uid{uid}"));
        let host = rustix::system::uname().nodename().to_string_lossy().into_owned();
        Owner { uid, user, host }
    }

    /// The owner an object's labels name; `None` without owner labels (an earlier version's).
    pub fn of(labels: &HashMap<String, String>) -> Option<Owner> {
        let uid = labels.get(OWNER_UID_LABEL)?.parse().ok()?;
        let host = labels.get(OWNER_HOST_LABEL)?.clone();
        let user = labels.get(OWNER_USER_LABEL).cloned().unwrap_or_else(|| format!("uid{uid}"));
        Some(Owner { uid, user, host })
    }

    /// The same user on the same machine (a login renamed since is still the same user).
    pub fn same(&self, other: &Owner) -> bool {
        self.uid == other.uid && self.host == other.host
    }

    pub fn labels(&self) -> HashMap<String, String> {
        HashMap::from([
            (OWNER_UID_LABEL.to_owned(), self.uid.to_string()),
            (OWNER_USER_LABEL.to_owned(), self.user.clone()),
            (OWNER_HOST_LABEL.to_owned(), self.host.clone()),
        ])
    }

    /// What tells this owner's default lab name from others': the login name when Docker
    /// takes it in a name, else the user id.
    fn name_part(&self) -> String {
        let valid = self.user.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if valid && !self.user.is_empty() { self.user.clone() } else { format!("uid{}", self.uid) }
    }
}

impl std::fmt::Display for Owner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (uid {}) on {}", self.user, self.uid, self.host)
    }
}

/// A login name from the system's user list.
fn login_name(uid: u32) -> Option<String> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        (fields.nth(1)?.parse::<u32>().ok()? == uid).then(|| name.to_owned())
    })
}

/// What a lab name holds on the engine, for one owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Nothing of it exists.
    Free,
    /// It is this owner's; `adopted` when an earlier version's objects are among them.
    Mine { adopted: bool },
    /// Someone else's: whose, in words.
    Taken(String),
}

/// One object of a lab name, as far as telling its owner goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabObject {
    pub labels: HashMap<String, String>,
    /// For a container, the host folder mounted as its config folder.
    pub config_source: Option<PathBuf>,
}

/// Whose a lab name is, from its objects: another owner's object makes it taken; an earlier
/// version's objects are this user's only when one of its containers mounts the config
/// folder of this user's workspace.
pub fn claim(names: &LabNames, objects: &[LabObject], config_dir: &dyn Fn(&str) -> Option<PathBuf>) -> Claim {
    let mut mine = false;
    let mut unowned = false;
    let mut told = false;
    for object in objects {
        match names.whose(Some(&object.labels)) {
            Whose::Other(owner) => return Claim::Taken(owner.to_string()),
            Whose::Mine => mine = true,
            Whose::Unowned => {
                unowned = true;
                let server = object.labels.get(SERVER_LABEL);
                let ours = server.and_then(|s| config_dir(s));
                told |= object.config_source.is_some() && object.config_source == ours;
            }
            Whose::NotLab => {}
        }
    }
    match (unowned, told, mine) {
        (true, false, _) => Claim::Taken(
            "an earlier version of sqlcourse's, whose owner cannot be told (no container of it mounts your workspace)"
                .to_owned(),
        ),
        (true, true, _) => Claim::Mine { adopted: true },
        (false, _, true) => Claim::Mine { adopted: false },
        (false, _, false) => Claim::Free,
    }
}

/// The lab's names for this run: `SQLCOURSE_LAB_NAME` when set, else the first of the day's
/// default names that is this owner's, else the first free one. Also whose the name is when
/// it is someone else's (only a chosen name can be).
pub async fn resolve(
    docker: &Docker,
    day: &Day,
    workspace: &Workspace,
    owner: Owner,
) -> anyhow::Result<(LabNames, Option<String>)> {
    let config_dir = |server: &str| workspace.config_dir(day, server);
    if let Some(chosen) = LabNames::chosen() {
        let mut names = LabNames::owned_by(&chosen, owner)?;
        return match claim(&names, &objects_of(docker, &chosen).await?, &config_dir) {
            Claim::Taken(whose) => Ok((names, Some(whose))),
            Claim::Mine { adopted } => {
                names.adopted = adopted;
                Ok((names, None))
            }
            Claim::Free => Ok((names, None)),
        };
    }
    let slug = &day.spec.slug;
    let mut claims = Vec::new();
    for lab in [slug.clone(), format!("{slug}-{}", owner.name_part())] {
        let names = LabNames::owned_by(&lab, owner.clone())?;
        let claim = claim(&names, &objects_of(docker, &lab).await?, &config_dir);
        claims.push((names, claim));
    }
    // The user's own lab first, so that the name never changes between runs.
    if let Some((names, adopted)) = claims.iter().find_map(|(n, c)| match c {
        Claim::Mine { adopted } => Some((n, *adopted)),
        _ => None,
    }) {
        return Ok((LabNames { adopted, ..names.clone() }, None));
    }
    if let Some((names, _)) = claims.iter().find(|(_, c)| *c == Claim::Free) {
        return Ok((names.clone(), None));
    }
    let taken: Vec<String> = claims
        .iter()
        .map(|(n, c)| match c {
            Claim::Taken(whose) => format!("`{}` is {whose}", n.lab),
            _ => format!("`{}`", n.lab),
        })
        .collect();
    anyhow::bail!(
        "no lab name of your own is free on this Docker engine ({}); set SQLCOURSE_LAB_NAME to a name of your own, such as {slug}-{}-2",
        taken.join("; "),
        owner.name_part()
    )
}

/// Every container, volume and network carrying a lab name's label, whoever owns it.
async fn objects_of(docker: &Docker, lab: &str) -> anyhow::Result<Vec<LabObject>> {
    let filter = HashMap::from([(
        "label".to_owned(),
        vec![format!("{}={lab}", crate::lab::names::LAB_LABEL)],
    )]);
    let containers = ListContainersOptionsBuilder::default().all(true).filters(&filter).build();
    let volumes = ListVolumesOptionsBuilder::default().filters(&filter).build();
    let networks = ListNetworksOptionsBuilder::default().filters(&filter).build();
    // Three questions at once: every command asks them before it does anything.
    let (containers, volumes, networks) = tokio::join!(
        docker.list_containers(Some(containers)),
        docker.list_volumes(Some(volumes)),
        docker.list_networks(Some(networks)),
    );
    let containers =
        containers.map_err(|e| anyhow::anyhow!("cannot list the containers of the lab {lab}: {e}"))?;
    let volumes = volumes.map_err(|e| anyhow::anyhow!("cannot list the volumes of the lab {lab}: {e}"))?;
    let networks =
        networks.map_err(|e| anyhow::anyhow!("cannot list the networks of the lab {lab}: {e}"))?;
    let containers = containers.into_iter().map(|c| LabObject {
        config_source: c.mounts.iter().flatten().find_map(|m| {
            (m.destination.as_deref() == Some(CONFIG_DIR)).then(|| m.source.clone())?.map(PathBuf::from)
        }),
        labels: c.labels.unwrap_or_default(),
    });
    let volumes = volumes.volumes.unwrap_or_default().into_iter().map(|v| LabObject {
        labels: v.labels,
        config_source: None,
    });
    let networks = networks
        .into_iter()
        .map(|n| LabObject { labels: n.labels.unwrap_or_default(), config_source: None });
    Ok(containers.chain(volumes).chain(networks).collect())
}

/// A lab name already taken, in the words every refusal uses.
pub fn taken_message(lab: &str, whose: &str, slug: &str) -> String {
    format!(
        "the lab `{lab}` on this Docker engine is {whose}: it is never attached, restarted or removed from here. Use a lab of your own: unset SQLCOURSE_LAB_NAME (sqlcourse then picks a name of yours), or run `SQLCOURSE_LAB_NAME=<another name> sqlcourse {slug}`"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::names::LAB_LABEL;

    fn owner(uid: u32) -> Owner {
        Owner { uid, user: format!("u{uid}"), host: "box".to_owned() }
    }

    fn object(labels: &[(&str, &str)], config: Option<&str>) -> LabObject {
        LabObject {
            labels: labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            config_source: config.map(PathBuf::from),
        }
    }

    fn workspace_of(server: &str) -> Option<PathBuf> {
        Some(PathBuf::from(format!("/home/u1000/sqlcourse/day20/{server}")))
    }

    #[test]
    fn a_name_with_nothing_is_free_and_one_with_my_objects_is_mine() {
        let names = LabNames::owned_by("day20", owner(1000)).expect("names");
        assert_eq!(claim(&names, &[], &workspace_of), Claim::Free);
        let mine = LabObject { labels: names.labels(), config_source: None };
        assert_eq!(claim(&names, &[mine], &workspace_of), Claim::Mine { adopted: false });
    }

    #[test]
    fn another_owners_object_makes_the_name_taken_and_says_whose() {
        let names = LabNames::owned_by("day20", owner(1000)).expect("names");
        let theirs = LabNames::owned_by("day20", owner(1001)).expect("names");
        let objects = [LabObject { labels: theirs.labels(), config_source: None }];
        assert_eq!(
            claim(&names, &objects, &workspace_of),
            Claim::Taken("u1001 (uid 1001) on box".to_owned())
        );
    }

    #[test]
    fn an_earlier_versions_lab_is_adopted_only_when_it_mounts_my_workspace() {
        let names = LabNames::owned_by("day20", owner(1000)).expect("names");
        let volume = object(&[(LAB_LABEL, "day20"), (SERVER_LABEL, "master")], None);
        let mine = object(
            &[(LAB_LABEL, "day20"), (SERVER_LABEL, "master")],
            Some("/home/u1000/sqlcourse/day20/master"),
        );
        let theirs = object(
            &[(LAB_LABEL, "day20"), (SERVER_LABEL, "master")],
            Some("/home/u1001/sqlcourse/day20/master"),
        );
        assert_eq!(
            claim(&names, &[volume.clone(), mine], &workspace_of),
            Claim::Mine { adopted: true }
        );
        assert!(matches!(claim(&names, &[volume.clone(), theirs], &workspace_of), Claim::Taken(_)));
        // Volumes alone (after `down`) cannot tell.
        assert!(matches!(claim(&names, &[volume], &workspace_of), Claim::Taken(w) if w.contains("cannot be told")));
    }

    #[test]
    fn a_login_name_docker_would_refuse_gives_way_to_the_user_id() {
        assert_eq!(owner(1000).name_part(), "u1000");
        let odd = Owner { user: "jane doe@corp".to_owned(), ..owner(1002) };
        assert_eq!(odd.name_part(), "uid1002");
    }
}
