//! What is copied into a server's container before it starts (its TLS certificate, the root
//! password's files): one archive, one upload, straight into the container, never through
//! the host's disk or the container's configuration.

use std::collections::BTreeSet;

/// The folder inside the container that receives the archive.
pub const PARENT: &str = "/etc/mysql";

/// One file of the archive: its path under [`PARENT`], its text and its mode.
pub struct CopiedFile {
    pub path: String,
    pub text: String,
    pub mode: u32,
}

/// A tar archive of the files, with their folders (mode 0755) before them.
pub fn archive(files: &[CopiedFile]) -> anyhow::Result<Vec<u8>> {
    let mut tar = tar::Builder::new(Vec::new());
    let mut folders = BTreeSet::new();
    for file in files {
        if let Some((folder, _)) = file.path.rsplit_once('/')
            && folders.insert(folder.to_owned())
        {
            let mut header = tar::Header::new_gnu();
            header.set_entry_type(tar::EntryType::Directory);
            header.set_mode(0o755);
            header.set_size(0);
            tar.append_data(&mut header, format!("{folder}/"), std::io::empty())?;
        }
        let mut header = tar::Header::new_gnu();
        header.set_mode(file.mode);
        header.set_size(file.text.len() as u64);
        tar.append_data(&mut header, &file.path, file.text.as_bytes())?;
    }
    Ok(tar.into_inner()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_come_once_before_their_files_and_modes_are_kept() {
        let file = |path: &str, mode| CopiedFile { path: path.to_owned(), text: "x".to_owned(), mode };
        let bytes = archive(&[file("a/one", 0o644), file("a/two", 0o400), file("b/three", 0o600)])
            .expect("an archive");
        let mut tar = tar::Archive::new(bytes.as_slice());
        let entries: Vec<(String, u32)> = tar
            .entries()
            .expect("entries")
            .map(|e| {
                let e = e.expect("an entry");
                (e.path().expect("path").display().to_string(), e.header().mode().expect("mode"))
            })
            .collect();
        assert_eq!(
            entries,
            [
                ("a/".to_owned(), 0o755),
                ("a/one".to_owned(), 0o644),
                ("a/two".to_owned(), 0o400),
                ("b/".to_owned(), 0o755),
                ("b/three".to_owned(), 0o600)
            ]
        );
    }
}
