//! A TLS certificate for each server, made when its container is created.
//!
//! MariaDB ≥ 11.4 makes a self-signed RSA certificate at every start when it has none, which
//! costs from a quarter second to two seconds of each start or restart. Handing it a
//! self-signed ECDSA certificate instead is instant and keeps replication over TLS working
//! exactly as before (a replica accepts a self-signed master certificate by checking its
//! fingerprint against the replication password). The key never touches the host: it is
//! copied straight into the container.

/// The folder that receives the archive, and the archive's own folder in it.
pub const PARENT: &str = "/etc/mysql";
const FOLDER: &str = "sqlcourse-tls";

/// The server options that point it at the certificate (given as the container's command:
/// every MariaDB and MySQL image passes leading options on to the server).
pub fn server_args() -> Vec<String> {
    vec![
        format!("--ssl-cert={PARENT}/{FOLDER}/cert.pem"),
        format!("--ssl-key={PARENT}/{FOLDER}/key.pem"),
    ]
}

/// A tar archive holding a fresh certificate and key for a server, readable by the server's
/// own user inside the container.
pub fn archive(server: &str) -> anyhow::Result<Vec<u8>> {
    let certified = rcgen::generate_simple_self_signed(vec![server.to_owned()])?;
    let mut tar = tar::Builder::new(Vec::new());
    let mut dir = tar::Header::new_gnu();
    dir.set_entry_type(tar::EntryType::Directory);
    dir.set_mode(0o755);
    dir.set_size(0);
    tar.append_data(&mut dir, format!("{FOLDER}/"), std::io::empty())?;
    let files =
        [("cert.pem", certified.cert.pem()), ("key.pem", certified.signing_key.serialize_pem())];
    for (name, text) in files {
        let mut header = tar::Header::new_gnu();
        header.set_mode(0o644);
        header.set_size(text.len() as u64);
        tar.append_data(&mut header, format!("{FOLDER}/{name}"), text.as_bytes())?;
    }
    Ok(tar.into_inner()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_archive_holds_a_certificate_and_its_key() {
        let bytes = archive("master").expect("an archive");
        let mut tar = tar::Archive::new(bytes.as_slice());
        let mut names = Vec::new();
        for entry in tar.entries().expect("entries") {
            let mut entry = entry.expect("an entry");
            let mut text = String::new();
            std::io::Read::read_to_string(&mut entry, &mut text).expect("text");
            names.push((entry.path().expect("path").display().to_string(), text));
        }
        assert_eq!(names[0].0, "sqlcourse-tls/");
        assert_eq!(names[1].0, "sqlcourse-tls/cert.pem");
        assert!(names[1].1.starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(names[2].0, "sqlcourse-tls/key.pem");
        assert!(names[2].1.contains("PRIVATE KEY"));
    }
}
