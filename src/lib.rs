//! `sqlcourse`: hands-on database lessons on real servers, in the terminal.
//!
//! The binary (`main.rs`) is a thin edge over these modules; integration tests use them too.
//! A map of the crate, from the outside in:
//!
//! - `cli/`: the command line; one file per command.
//! - `course/`: what authors write: content (embedded or local), the lab spec, the lesson.
//! - `learner/`: the learner's workspace files, progress, editor, and application runs.
//! - `dialect/`: engines, the one alias table of statement and column words, my.cnf reading.
//! - `lab/`: Docker only: containers, volumes, network, ports, image, endpoints, the client shell.
//! - `probe/`: every SQL read of the live servers, into one plain-data `Snapshot` (with the
//!   application's general-log activity).
//! - `grade/`: the pure rules by check kind, diagnoses, and the grading loop over a live lab.
//! - `sql/`: the console's statement engine.
//! - `tui/`: the screen: actions and effects, state, workers, text, drawing, the terminal.
//!
//! Dependencies point one way: `dialect` needs nothing; `course`, `learner`, `lab`, `probe`,
//! `grade` build on the ones before them; `cli` and `tui` are the edges.

pub mod cli;
pub mod course;
pub mod dialect;
pub mod grade;
pub mod lab;
pub mod learner;
pub mod probe;
pub mod sql;
pub mod tui;
