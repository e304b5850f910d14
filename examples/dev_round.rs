//! Development aid: one probe + grade round against servers named on the command line.
fn main() {}
