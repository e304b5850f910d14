//! Text for the panes: Markdown to lines, code highlighting, wrapping to a width.

pub mod highlight;
pub mod markdown;
pub mod wrap;
