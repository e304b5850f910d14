//! Where each pane goes on a screen of a given size.
//!
//! Wide terminals get the lesson on the left and tasks and lab on the right; narrower ones
//! keep the lesson at full width with tasks and lab below it, so its tables and code keep room.

use ratatui::layout::{Constraint, Layout, Rect};

/// Below this the panes cannot show anything useful.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 18;
/// From this width on, tasks and lab sit beside the lesson.
const SIDE_BY_SIDE: u16 = 110;
/// Prose wider than this is hard to read; wider lesson panes get margins.
pub const MAX_TEXT_WIDTH: u16 = 100;

/// The regions of the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    pub header: Rect,
    pub lesson: Rect,
    pub tasks: Rect,
    pub lab: Rect,
    pub footer: Rect,
}

impl Screen {
    /// Splits the terminal; `None` when it is too small to use. `lab_rows` is how many lines
    /// the lab pane wants inside its border.
    pub fn of(area: Rect, lab_rows: u16) -> Option<Screen> {
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            return None;
        }
        let [header, body, footer] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Length(1)])
                .areas(area);
        let (lesson, tasks, lab) = if area.width >= SIDE_BY_SIDE {
            let side = (area.width * 35 / 100).clamp(40, 56);
            let [lesson, sidebar] =
                Layout::horizontal([Constraint::Fill(1), Constraint::Length(side)]).areas(body);
            let lab_height = (lab_rows + 2).min(sidebar.height / 2);
            let [tasks, lab] =
                Layout::vertical([Constraint::Fill(1), Constraint::Length(lab_height)])
                    .areas(sidebar);
            (lesson, tasks, lab)
        } else {
            let strip = (body.height / 3).clamp(7, 12);
            let [lesson, bottom] =
                Layout::vertical([Constraint::Fill(1), Constraint::Length(strip)]).areas(body);
            let lab_width = (area.width * 2 / 5).clamp(34, 44);
            let [tasks, lab] =
                Layout::horizontal([Constraint::Fill(1), Constraint::Length(lab_width)])
                    .areas(bottom);
            (lesson, tasks, lab)
        };
        Some(Screen { header, lesson, tasks, lab, footer })
    }

    /// The lesson's text area: inside the border, one column of padding each side, and no
    /// wider than [`MAX_TEXT_WIDTH`].
    pub fn lesson_text(&self) -> Rect {
        let inner = pane_inner(self.lesson);
        let width = inner.width.min(MAX_TEXT_WIDTH);
        Rect { width, ..inner }
    }

    /// The tasks pane's text area.
    pub fn tasks_text(&self) -> Rect {
        pane_inner(self.tasks)
    }

    /// The lab pane's text area.
    pub fn lab_text(&self) -> Rect {
        pane_inner(self.lab)
    }
}

/// Inside a bordered pane, with one column of padding left and right.
fn pane_inner(area: Rect) -> Rect {
    Rect {
        x: area.x.saturating_add(2),
        y: area.y.saturating_add(1),
        width: area.width.saturating_sub(4),
        height: area.height.saturating_sub(2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_small_is_none() {
        assert_eq!(Screen::of(Rect::new(0, 0, 59, 40), 4), None);
        assert_eq!(Screen::of(Rect::new(0, 0, 200, 17), 4), None);
    }

    #[test]
    fn narrow_screens_stack_and_wide_screens_go_side_by_side() {
        let s = Screen::of(Rect::new(0, 0, 80, 24), 4).expect("usable");
        assert_eq!(s.lesson.width, 80);
        assert!(s.tasks.y > s.lesson.y && s.tasks.y == s.lab.y);
        assert_eq!(s.tasks.width + s.lab.width, 80);

        let s = Screen::of(Rect::new(0, 0, 120, 40), 4).expect("usable");
        assert_eq!(s.lesson.y, s.tasks.y);
        assert_eq!(s.lesson.width + s.tasks.width, 120);
        assert_eq!(s.lab.height, 6);
        assert_eq!(s.tasks.height + s.lab.height, 38);
    }

    #[test]
    fn every_pane_is_inside_the_screen_at_every_usable_size() {
        for width in MIN_WIDTH..=260 {
            for height in [MIN_HEIGHT, 24, 40, 90] {
                let area = Rect::new(0, 0, width, height);
                let s = Screen::of(area, 5).expect("usable");
                for pane in [s.header, s.lesson, s.tasks, s.lab, s.footer] {
                    assert!(
                        area.contains(pane.as_position()) && pane.right() <= width,
                        "{width}x{height}"
                    );
                    assert!(pane.height >= 1 && pane.width >= 10, "{width}x{height}: {pane:?}");
                }
                assert!(s.lesson_text().width <= MAX_TEXT_WIDTH && s.lesson_text().height >= 5);
            }
        }
    }
}
