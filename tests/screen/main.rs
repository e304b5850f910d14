//! The program as a learner runs it, without containers: the lesson screen from the outside,
//! the terminal handed to the editor and back in a pseudo-terminal, and the editor itself.

mod editor;
mod lesson_screen;
mod terminal_handover;
