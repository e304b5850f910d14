//! The root password as the servers' images take it: in a file copied into the container,
//! named by `<password variable>_FILE`, so neither `docker inspect` (Env, Cmd) nor a log
//! ever holds it.

use crate::lab::copied::{CopiedFile, PARENT};

/// The secrets' folder under [`PARENT`].
const FOLDER: &str = "sqlcourse-secret";

/// The container's environment: the image's password variable names the file (both the
/// official images and the offline one read `*_FILE` variables).
pub fn env(password_env: &str) -> String {
    format!("{password_env}_FILE={PARENT}/{FOLDER}/root-password")
}

/// Where the statements that give root the lab's password on a copied data directory are
/// (see `seeded`): the server reads them with `--init-file`.
pub fn first_start_sql_path() -> String {
    format!("{PARENT}/{FOLDER}/first-start.sql")
}

/// The files: the password for the image's first-start initialisation (read by its
/// entrypoint as root), and the statements a server started on a copied data directory runs
/// once. Outside the binary log, so a master's restart never changes its replicas' root.
pub fn files(password: &str) -> Vec<CopiedFile> {
    let quoted = format!("'{}'", password.replace('\\', "\\\\").replace('\'', "''"));
    let sql = format!(
        "SET SESSION sql_log_bin = 0;\n\
         ALTER USER IF EXISTS 'root'@'%' IDENTIFIED BY {quoted};\n\
         ALTER USER IF EXISTS 'root'@'localhost' IDENTIFIED BY {quoted};\n"
    );
    vec![
        CopiedFile { path: format!("{FOLDER}/root-password"), text: password.to_owned(), mode: 0o400 },
        CopiedFile { path: format!("{FOLDER}/first-start.sql"), text: sql, mode: 0o400 },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_names_a_file_and_never_the_password() {
        assert_eq!(
            env("MARIADB_ROOT_PASSWORD"),
            "MARIADB_ROOT_PASSWORD_FILE=/etc/mysql/sqlcourse-secret/root-password"
        );
        let files = files("it's\\x");
        assert_eq!(files[0].text, "it's\\x");
        assert!(files.iter().all(|f| f.mode == 0o400));
        assert!(files[1].text.contains("IDENTIFIED BY 'it''s\\\\x'"));
        assert!(files[1].text.starts_with("SET SESSION sql_log_bin = 0;"));
        assert_eq!(first_start_sql_path(), format!("{PARENT}/{}", files[1].path));
    }
}
