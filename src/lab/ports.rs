//! Host ports on 127.0.0.1: the lab's stable defaults, or another free port when one is taken.

use std::collections::{BTreeSet, HashMap};
use std::net::{Ipv4Addr, TcpListener};

use bollard::query_parameters::ListContainersOptionsBuilder;
use futures_util::future::join_all;

use crate::lab::names::LAB_LABEL;
use crate::lab::{Lab, objects};

impl Lab {
    /// [`choose`], keeping clear of the ports other labs on the engine were given, stopped
    /// ones too (their ports are free now, and wanted back when they start again).
    pub(super) async fn choose_ports(&self, preferred: &[Option<u16>]) -> anyhow::Result<Vec<u16>> {
        let filter = HashMap::from([("label".to_owned(), vec![LAB_LABEL.to_owned()])]);
        let options = ListContainersOptionsBuilder::default().all(true).filters(&filter).build();
        let listed = self
            .docker
            .list_containers(Some(options))
            .await
            .map_err(|e| anyhow::anyhow!("cannot list the labs' containers: {e}"))?;
        let others = listed.into_iter().filter(|c| !self.names.owns(c.labels.as_ref()));
        let inspected =
            join_all(others.filter_map(|c| c.id).map(|id| async move {
                self.docker.inspect_container(&id, None).await.ok()
            }))
            .await;
        let taken = inspected.iter().flatten().filter_map(objects::host_port).collect();
        choose(preferred, &taken)
    }
}

/// Picks one port per preference, in order: the preferred port when it is free and not
/// `taken`, else one the system hands out (also kept out of `taken`). Ports are held until
/// all are chosen, so no two picks collide.
pub fn choose(preferred: &[Option<u16>], taken: &BTreeSet<u16>) -> anyhow::Result<Vec<u16>> {
    let mut held = Vec::with_capacity(preferred.len());
    for want in preferred {
        let wanted = want.filter(|p| !taken.contains(p));
        let listener = match wanted.and_then(|p| TcpListener::bind((Ipv4Addr::LOCALHOST, p)).ok()) {
            Some(listener) => listener,
            None => any_free(taken)?,
        };
        held.push(listener);
    }
    held.iter()
        .map(|l| Ok(l.local_addr()?.port()))
        .collect::<std::io::Result<Vec<u16>>>()
        .map_err(Into::into)
}

/// A port the system hands out that is not `taken` (its listener holds it).
fn any_free(taken: &BTreeSet<u16>) -> anyhow::Result<TcpListener> {
    let mut refused = Vec::new();
    loop {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .map_err(|e| anyhow::anyhow!("cannot find a free port on 127.0.0.1: {e}"))?;
        if !taken.contains(&listener.local_addr()?.port()) {
            return Ok(listener);
        }
        // Held while looking on, so the system hands out another.
        refused.push(listener);
    }
}

/// Whether a Docker error says the host port was taken meanwhile.
pub fn is_port_taken(message: &str) -> bool {
    message.contains("address already in use") || message.contains("port is already allocated")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_port_is_replaced_by_a_free_one() {
        let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        let busy = taken.local_addr().expect("addr").port();
        let ports = choose(&[Some(busy), None], &BTreeSet::new()).expect("ports");
        assert_ne!(ports[0], busy);
        assert_ne!(ports[0], ports[1]);
    }

    #[test]
    fn a_free_preferred_port_is_kept() {
        let free = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        let port = free.local_addr().expect("addr").port();
        drop(free);
        assert_eq!(choose(&[Some(port)], &BTreeSet::new()).expect("ports"), [port]);
    }

    #[test]
    fn a_port_another_lab_was_given_is_left_to_it_while_free() {
        let free = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        let port = free.local_addr().expect("addr").port();
        drop(free);
        let chosen = choose(&[Some(port)], &BTreeSet::from([port])).expect("ports");
        assert_ne!(chosen, [port]);
    }
}
