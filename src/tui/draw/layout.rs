//! Where each pane goes on a screen of a given size.
//!
//! Wide terminals get the lesson on the left and tasks and lab on the right; narrower ones
//! keep the lesson at full width with tasks and lab below it, so its tables and code keep room.
//! The work pane (the SQL console or the application's output) shares the lesson's place:
//! below the lesson where it is tall enough for both, instead of it where it is not.

use ratatui::layout::{Constraint, Layout, Rect};

/// Below this the panes cannot show anything useful.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 18;
/// From this width on, tasks and lab sit beside the lesson.
const SIDE_BY_SIDE: u16 = 110;
/// Prose wider than this is hard to read; wider lesson panes get margins.
pub const MAX_TEXT_WIDTH: u16 = 100;
/// From this height of the lesson's place on, the work pane goes below the lesson.
const SPLIT_HEIGHT: u16 = 28;

/// The regions of the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    pub header: Rect,
    /// No rows when the work pane covers it; its width stays, so the text keeps its layout.
    pub lesson: Rect,
    /// The SQL console or the application's output, when open.
    pub work: Option<Rect>,
    pub tasks: Rect,
    pub lab: Rect,
    pub footer: Rect,
}

impl Screen {
    /// Splits the terminal; `None` when it is too small to use. `lab_rows` is how many lines
    /// the lab pane wants inside its border; `work` whether the work pane is open;
    /// `footer_rows` the footer's (the keys, and the lines of a notice too long for theirs).
    pub fn of(area: Rect, lab_rows: u16, work: bool, footer_rows: u16) -> Option<Screen> {
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            return None;
        }
        let [header, body, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(footer_rows.max(1)),
        ])
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
        let (lesson, work) = match work {
            false => (lesson, None),
            true if lesson.height >= SPLIT_HEIGHT => {
                let [top, bottom] =
                    Layout::vertical([Constraint::Percentage(40), Constraint::Fill(1)])
                        .areas(lesson);
                (top, Some(bottom))
            }
            true => (Rect { height: 0, ..lesson }, Some(lesson)),
        };
        Some(Screen { header, lesson, work, tasks, lab, footer })
    }

    /// The console's parts inside the work pane: past results, a status line, and the input
    /// of `input_rows` rows.
    pub fn console_parts(&self, input_rows: u16) -> Option<ConsoleParts> {
        let inner = pane_inner(self.work?);
        let input_rows = input_rows.min(inner.height.saturating_sub(3)).max(1);
        let [results, status, input] = Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(1),
            Constraint::Length(input_rows),
        ])
        .areas(inner);
        Some(ConsoleParts { results, status, input })
    }

    /// The work pane's text area.
    pub fn work_text(&self) -> Option<Rect> {
        self.work.map(pane_inner)
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

/// The regions inside the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsoleParts {
    pub results: Rect,
    pub status: Rect,
    pub input: Rect,
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
        assert_eq!(Screen::of(Rect::new(0, 0, 59, 40), 4, false, 1), None);
        assert_eq!(Screen::of(Rect::new(0, 0, 200, 17), 4, true, 1), None);
    }

    #[test]
    fn narrow_screens_stack_and_wide_screens_go_side_by_side() {
        let s = Screen::of(Rect::new(0, 0, 80, 24), 4, false, 1).expect("usable");
        assert_eq!(s.lesson.width, 80);
        assert!(s.tasks.y > s.lesson.y && s.tasks.y == s.lab.y);
        assert_eq!(s.tasks.width + s.lab.width, 80);

        let s = Screen::of(Rect::new(0, 0, 120, 40), 4, false, 1).expect("usable");
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
                let s = Screen::of(area, 5, false, 1).expect("usable");
                for pane in [s.header, s.lesson, s.tasks, s.lab, s.footer] {
                    assert!(
                        area.contains(pane.as_position()) && pane.right() <= width,
                        "{width}x{height}"
                    );
                    assert!(pane.height >= 1 && pane.width >= 10, "{width}x{height}: {pane:?}");
                }
                assert!(s.lesson_text().width <= MAX_TEXT_WIDTH && s.lesson_text().height >= 5);
                let w = Screen::of(area, 5, true, 2).expect("usable");
                let work = w.work.expect("open");
                assert!(area.contains(work.as_position()) && work.right() <= width);
                assert_eq!(
                    w.lesson_text().width,
                    s.lesson_text().width,
                    "the lesson keeps its width"
                );
                let parts = w.console_parts(6).expect("open");
                assert!(parts.results.height >= 1 && parts.input.height >= 1, "{width}x{height}");
                assert!(parts.input.bottom() < work.bottom());
            }
        }
    }

    #[test]
    fn the_work_pane_goes_below_a_tall_lesson_and_over_a_short_one() {
        let small = Screen::of(Rect::new(0, 0, 80, 24), 4, true, 1).expect("usable");
        let plain = Screen::of(Rect::new(0, 0, 80, 24), 4, false, 1).expect("usable");
        assert_eq!(small.work, Some(plain.lesson));
        assert_eq!(small.lesson.height, 0);
        let large = Screen::of(Rect::new(0, 0, 120, 40), 4, true, 1).expect("usable");
        let work = large.work.expect("open");
        assert_eq!(large.lesson.bottom(), work.y);
        assert!(work.height > large.lesson.height);
        assert_eq!(large.tasks.height + large.lab.height, 38, "the side bar stays");
    }
}
