//! A TLS certificate for each server, made when its container is created.
//!
//! MariaDB ≥ 11.4 makes a self-signed RSA certificate at every start when it has none, which
//! costs from a quarter second to two seconds of each start or restart. Handing it a
//! self-signed ECDSA certificate instead is instant and keeps replication over TLS working
//! exactly as before (a replica accepts a self-signed master certificate by checking its
//! fingerprint against the replication password). The key never touches the host: it is
//! copied straight into the container.

use crate::lab::copied::{CopiedFile, PARENT};

/// The certificate's folder under [`PARENT`].
const FOLDER: &str = "sqlcourse-tls";

/// The server options that point it at the certificate (given as the container's command:
/// every MariaDB and MySQL image passes leading options on to the server).
pub fn server_args() -> Vec<String> {
    vec![
        format!("--ssl-cert={PARENT}/{FOLDER}/cert.pem"),
        format!("--ssl-key={PARENT}/{FOLDER}/key.pem"),
    ]
}

/// A fresh certificate and key for a server, readable by the server's own user inside the
/// container.
pub fn files(server: &str) -> anyhow::Result<Vec<CopiedFile>> {
    let certified = rcgen::generate_simple_self_signed(vec![server.to_owned()])?;
    let file = |name: &str, text: String| CopiedFile { path: format!("{FOLDER}/{name}"), text, mode: 0o644 };
    Ok(vec![
        file("cert.pem", certified.cert.pem()),
        file("key.pem", certified.signing_key.serialize_pem()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_and_its_key() {
        let files = files("master").expect("files");
        assert_eq!(files[0].path, "sqlcourse-tls/cert.pem");
        assert!(files[0].text.starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(files[1].path, "sqlcourse-tls/key.pem");
        assert!(files[1].text.contains("PRIVATE KEY"));
        assert!(server_args()[0].ends_with("/sqlcourse-tls/cert.pem"));
    }
}
