//! `sqlcourse`: hands-on database lessons on real servers, in the terminal.

fn main() -> std::process::ExitCode {
    sqlcourse::cli::main()
}
