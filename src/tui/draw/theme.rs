//! Colours and text styles, in one place, so `NO_COLOR` can turn every colour off.
//!
//! Only the 16 named terminal colours are used: they follow the learner's terminal theme,
//! light or dark. Without colour, modifiers (bold, italic, dim, reversed) keep things apart.

use ratatui::style::{Color, Modifier, Style};

use crate::tui::text::highlight::Token;

/// The styles the screen is drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Whether colours may be used (`NO_COLOR` unset or empty).
    pub color: bool,
}

impl Theme {
    /// Honours `NO_COLOR` (<https://no-color.org>): set and not empty means no colour at all.
    pub fn from_env() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme { color: !no_color }
    }

    /// A foreground colour, or nothing without colour.
    fn fg(&self, color: Color) -> Style {
        if self.color { Style::new().fg(color) } else { Style::new() }
    }

    pub fn heading(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn emphasis(&self) -> Style {
        Style::new().add_modifier(Modifier::ITALIC)
    }

    pub fn strong(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn strikethrough(&self) -> Style {
        Style::new().add_modifier(Modifier::CROSSED_OUT)
    }

    pub fn link(&self) -> Style {
        self.fg(Color::Blue).add_modifier(Modifier::UNDERLINED)
    }

    /// Inline code; without colour it keeps its backticks instead (see `code_ticks`).
    pub fn inline_code(&self) -> Style {
        self.fg(Color::Yellow)
    }

    /// Whether inline code is shown with its backticks: the only way to tell it apart
    /// without colour.
    pub fn code_ticks(&self) -> bool {
        !self.color
    }

    /// Rules, bars, separators and other quiet decoration.
    pub fn frame(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    /// Secondary text: ids, hints, paths.
    pub fn muted(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    pub fn quote(&self) -> Style {
        Style::new().add_modifier(Modifier::ITALIC)
    }

    pub fn table_header(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// A token of highlighted code.
    pub fn token(&self, token: Token) -> Style {
        match (token, self.color) {
            (Token::Plain, _) => Style::new(),
            (Token::Keyword, true) => Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
            (Token::Keyword, false) => Style::new().add_modifier(Modifier::BOLD),
            (Token::String, true) => Style::new().fg(Color::Green),
            (Token::String, false) => Style::new(),
            (Token::Comment, true) => {
                Style::new().fg(Color::DarkGray).add_modifier(Modifier::ITALIC)
            }
            (Token::Comment, false) => Style::new().add_modifier(Modifier::DIM | Modifier::ITALIC),
            (Token::Number, true) => Style::new().fg(Color::Cyan),
            (Token::Number, false) => Style::new(),
            (Token::Name, true) => Style::new().fg(Color::Blue),
            (Token::Name, false) => Style::new(),
        }
    }

    /// The border of the pane that has the keyboard.
    pub fn focused_border(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn border(&self) -> Style {
        self.frame()
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// The top bar.
    pub fn header(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Black).bg(Color::Cyan)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    /// A key name in the footer and the help.
    pub fn key(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn done(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn failing(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn busy(&self) -> Style {
        self.fg(Color::Yellow)
    }

    /// The step on screen, in the step list.
    pub fn current(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn notice(&self) -> Style {
        self.fg(Color::Yellow)
    }
}
