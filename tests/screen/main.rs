//! The program as a learner runs it, without containers: the lesson screen from the outside,
//! the terminal handed to the editor and back in a pseudo-terminal, and the editor itself, and
//! the end on signals.

mod editor;
mod lesson_screen;
mod pty;
mod signals;
mod terminal_handover;
