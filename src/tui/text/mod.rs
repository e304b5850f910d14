//! Text for the panes: Markdown to lines, code highlighting, wrapping to a width.

pub(crate) mod highlight;
pub(crate) mod markdown;
pub(crate) mod wrap;
