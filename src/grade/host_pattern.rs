//! Does an account's host part (`'replica'@'172.18.%'`) let a client in from an address?
//!
//! The server's own rules: `%` and `_` wildcards as in LIKE, `address/netmask` (and MySQL's
//! CIDR `address/prefix`), names compared only when the server resolves names.

use std::net::IpAddr;

/// Where a client connects from.
#[derive(Debug, Clone, Copy)]
pub struct Client<'a> {
    /// Its address, when known.
    pub address: Option<IpAddr>,
    /// Names its address resolves to, for a server that resolves client names.
    pub names: &'a [&'a str],
}

/// Whether the host pattern admits the client. `resolve_names` is false under
/// `skip_name_resolve`, where a pattern naming a host never matches.
pub fn admits(pattern: &str, client: Client<'_>, resolve_names: bool) -> bool {
    let pattern = pattern.trim();
    if pattern.is_empty() || pattern == "%" {
        return true;
    }
    if let Some((net, mask)) = pattern.split_once('/') {
        return client.address.is_some_and(|a| in_netmask(a, net, mask));
    }
    if let Some(address) = client.address
        && like(pattern, &address.to_string())
    {
        return true;
    }
    resolve_names && names_a_host(pattern) && client.names.iter().any(|n| like(pattern, n))
}

/// Whether the pattern admits only the server's own machine.
pub fn local_only(pattern: &str) -> bool {
    let p = pattern.trim().to_ascii_lowercase();
    p == "localhost" || p == "::1" || p.starts_with("127.")
}

/// Whether the pattern can only ever match a host name (`slave`, `%.example`), never an
/// address: what name resolution decides.
pub fn names_a_host(pattern: &str) -> bool {
    let p = pattern.trim();
    !p.is_empty() && p != "%" && !p.contains('/') && !looks_numeric(p)
}

/// Patterns made of digits, dots and wildcards are addresses, never names.
fn looks_numeric(pattern: &str) -> bool {
    pattern.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '%' | '_' | ':'))
}

fn in_netmask(address: IpAddr, net: &str, mask: &str) -> bool {
    let (IpAddr::V4(address), Ok(net)) = (address, net.trim().parse::<std::net::Ipv4Addr>()) else {
        return false;
    };
    let mask = match mask.trim().parse::<std::net::Ipv4Addr>() {
        Ok(m) => u32::from(m),
        Err(_) => match mask.trim().parse::<u32>() {
            Ok(0) => 0,
            Ok(bits @ 1..=32) => u32::MAX << (32 - bits),
            _ => return false,
        },
    };
    u32::from(address) & mask == u32::from(net) & mask
}

/// SQL LIKE, case-insensitive: `%` any run, `_` one character, `\` escapes.
fn like(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    like_from(&p, &t)
}

fn like_from(p: &[char], t: &[char]) -> bool {
    match p.split_first() {
        None => t.is_empty(),
        Some(('%', rest)) => (0..=t.len()).any(|skip| like_from(rest, &t[skip..])),
        Some(('_', rest)) => !t.is_empty() && like_from(rest, &t[1..]),
        Some(('\\', rest)) if !rest.is_empty() => {
            t.first() == Some(&rest[0]) && like_from(&rest[1..], &t[1..])
        }
        Some((c, rest)) => t.first() == Some(c) && like_from(rest, &t[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slave() -> Client<'static> {
        // The name Docker's reverse DNS gives the slave's address on the lab network.
        Client { address: "172.18.0.3".parse().ok(), names: &["sqlcourse-day20-slave.sqlcourse-day20"] }
    }

    #[test]
    fn patterns_and_the_slave_address() {
        let cases: &[(&str, bool, bool)] = &[
            // pattern, admits with names resolved, admits under skip_name_resolve
            ("%", true, true),
            ("", true, true),
            ("172.18.0.3", true, true),
            ("172.18.%", true, true),
            ("172.%", true, true),
            ("172.18.0._", true, true),
            ("10.0.5.%", false, false),
            ("172.18.0.0/255.255.0.0", true, true),
            ("172.18.0.0/16", true, true),
            ("172.19.0.0/255.255.0.0", false, false),
            ("localhost", false, false),
            ("127.0.0.1", false, false),
            ("slave", false, false),
            ("sqlcourse-day20-slave.sqlcourse-day20", true, false),
            ("%.sqlcourse-day20", true, false),
            ("SQLCOURSE-DAY20-%", true, false),
            ("master", false, false),
        ];
        for (pattern, resolved, skipped) in cases {
            assert_eq!(admits(pattern, slave(), true), *resolved, "{pattern} with name resolution");
            assert_eq!(admits(pattern, slave(), false), *skipped, "{pattern} under skip_name_resolve");
        }
    }

    #[test]
    fn an_unknown_address_is_admitted_only_by_wildcards_and_names() {
        let unknown = Client { address: None, names: &["sqlcourse-day20-slave.sqlcourse-day20"] };
        assert!(admits("%", unknown, false));
        assert!(!admits("172.%", unknown, false));
        assert!(!admits("172.18.0.0/16", unknown, true));
    }

    #[test]
    fn patterns_that_only_a_name_can_match() {
        for p in ["slave", "%.sqlcourse-day20", "sqlcourse-day20-slave.%", "localhost"] {
            assert!(names_a_host(p), "{p}");
        }
        for p in ["%", "", "172.18.%", "172.18.0.0/16", "10.0.0.0/255.0.0.0", "::1"] {
            assert!(!names_a_host(p), "{p}");
        }
    }

    #[test]
    fn local_only_patterns() {
        for p in ["localhost", "LOCALHOST", "127.0.0.1", "::1"] {
            assert!(local_only(p), "{p}");
        }
        for p in ["%", "172.%", "slave"] {
            assert!(!local_only(p), "{p}");
        }
    }
}
