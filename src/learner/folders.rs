//! The user's folders for what sqlcourse keeps (progress, console history).

use std::path::PathBuf;

/// A base folder as the XDG base-directory spec names it: `$VAR` when it holds an absolute
/// path, on every system (so "set XDG_DATA_HOME" is advice that holds on macOS too), else the
/// system's own folder (`~/.local/share`, `~/Library/Application Support`, …).
pub fn xdg(var: &str, system: Option<PathBuf>) -> Option<PathBuf> {
    std::env::var_os(var).map(PathBuf::from).filter(|p| p.is_absolute()).or(system)
}

/// Where progress is kept: `$XDG_DATA_HOME`, else the system's data folder.
pub fn data_home() -> Option<PathBuf> {
    xdg("XDG_DATA_HOME", dirs::data_dir())
}

/// Where the console history is kept: `$XDG_STATE_HOME`, else the system's state folder
/// (`~/.local/state`), else its local data folder where it has none (macOS).
pub fn state_home() -> Option<PathBuf> {
    xdg("XDG_STATE_HOME", dirs::state_dir().or_else(dirs::data_local_dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absolute_xdg_variable_wins_and_anything_else_falls_back() {
        let system = Some(PathBuf::from("/system"));
        // A variable no one sets, so the test reads no real environment.
        assert_eq!(xdg("SQLCOURSE_TEST_UNSET_XDG_VAR", system.clone()), system);
        let path = std::env::var_os("PATH").map(PathBuf::from);
        let expected = if path.as_ref().is_some_and(|p| p.is_absolute()) { path } else { system.clone() };
        assert_eq!(xdg("PATH", system), expected);
    }
}
