//! Copying text to the user's clipboard through the terminal (OSC 52), which also works over
//! SSH and inside tmux.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The escape sequence that asks the terminal to put `text` on the clipboard, wrapped for tmux
/// when running inside it (`$TMUX`). Write it to the terminal as is.
pub fn osc52(text: &str) -> String {
    osc52_for(text, std::env::var_os("TMUX").is_some())
}

/// As `osc52`, saying whether to wrap the sequence for tmux.
pub fn osc52_for(text: &str, in_tmux: bool) -> String {
    let sequence = format!("\x1b]52;c;{}\x07", STANDARD.encode(text));
    if in_tmux {
        // tmux keeps the plain sequence itself when its `set-clipboard` is on, and passes a
        // DCS `tmux;` sequence (every ESC doubled) on to the outer terminal when
        // `allow-passthrough` is on: send both, as either may be set.
        format!("{sequence}\x1bPtmux;{}\x1b\\", sequence.replace('\x1b', "\x1b\x1b"))
    } else {
        sequence
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_sent_base64_encoded() {
        assert_eq!(osc52_for("SELECT 1;", false), "\x1b]52;c;U0VMRUNUIDE7\x07");
    }

    #[test]
    fn inside_tmux_the_sequence_is_passed_through() {
        assert_eq!(
            osc52_for("hi", true),
            "\x1b]52;c;aGk=\x07\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\"
        );
    }
}
