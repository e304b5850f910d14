//! Host ports on 127.0.0.1: the lab's stable defaults, or another free port when one is taken.

use std::net::{Ipv4Addr, TcpListener};

/// Picks one port per preference, in order: the preferred port when it is free, else one the
/// system hands out. Ports are held until all are chosen, so no two picks collide.
pub fn choose(preferred: &[Option<u16>]) -> anyhow::Result<Vec<u16>> {
    let mut held = Vec::with_capacity(preferred.len());
    for want in preferred {
        let listener = match want.and_then(|p| TcpListener::bind((Ipv4Addr::LOCALHOST, p)).ok()) {
            Some(listener) => listener,
            None => TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                .map_err(|e| anyhow::anyhow!("cannot find a free port on 127.0.0.1: {e}"))?,
        };
        held.push(listener);
    }
    held.iter()
        .map(|l| Ok(l.local_addr()?.port()))
        .collect::<std::io::Result<Vec<u16>>>()
        .map_err(Into::into)
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
        let ports = choose(&[Some(busy), None]).expect("ports");
        assert_ne!(ports[0], busy);
        assert_ne!(ports[0], ports[1]);
    }

    #[test]
    fn a_free_preferred_port_is_kept() {
        let free = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        let port = free.local_addr().expect("addr").port();
        drop(free);
        assert_eq!(choose(&[Some(port)]).expect("ports"), [port]);
    }
}
