//! The questions over the panes: before a reset throws the learner's work away, before a
//! server is crashed, and which file to edit when there are several.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::tui::draw::pane;
use crate::tui::effect::AfterEdit;
use crate::tui::state::{App, Question};

pub fn draw_confirm(frame: &mut Frame, area: Rect, app: &App, question: &Question) {
    let theme = &app.theme;
    let yes_or_no = |yes: &'static str, no: &'static str| {
        Line::from(vec![
            Span::styled("y", theme.key()),
            Span::raw(yes),
            Span::styled("any other key", theme.key()),
            Span::raw(no),
        ])
    };
    let (title, mut lines, answer) = match question {
        Question::Reset => (
            " Reset the lab? ".to_owned(),
            vec![
                Line::raw("This removes both servers and their data, restores the"),
                Line::raw(format!("starting files in {}", app.workspace.root.display())),
                Line::raw("(your edits are lost) and clears your progress."),
            ],
            yes_or_no(" reset    ", " keep everything"),
        ),
        Question::Crash(server) => {
            let drill = match app.day.spec.drill_source() {
                Some(source) if source == server => format!("The failover drill begins when the {source} dies."),
                Some(source) => format!("The drill crashes the {source}, not the {server}: s selects it."),
                None => String::new(),
            };
            let lines = [
                format!("This kills the {server} at once, like a power cut: no clean"),
                "shutdown. Its data stays; r (restart) starts it again.".to_owned(),
                drill,
            ];
            (
                format!(" Crash the {server}? "),
                lines.into_iter().filter(|l| !l.is_empty()).map(Line::raw).collect(),
                yes_or_no(" crash    ", " keep it running"),
            )
        }
        Question::Edit(files) => {
            let names: Vec<String> = files.iter().map(|f| app.workspace.shown(&f.file)).collect();
            let name_width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
            let lines = files
                .iter()
                .zip(&names)
                .enumerate()
                .map(|(i, (edit, name))| {
                    let then = match &edit.then {
                        AfterEdit::Restart(server) => format!("then r restarts the {server}"),
                        AfterEdit::RunApp => "then a runs the application".to_owned(),
                    };
                    Line::from(vec![
                        Span::styled(format!("{}", i + 1), theme.key()),
                        Span::raw(format!("  {name:name_width$}  ")),
                        Span::styled(then, theme.muted()),
                    ])
                })
                .collect();
            let answer = Line::from(vec![
                Span::styled(format!("1-{}", files.len()), theme.key()),
                Span::raw(" open    "),
                Span::styled("Enter", theme.key()),
                Span::raw(" the first    "),
                Span::styled("any other key", theme.key()),
                Span::raw(" cancel"),
            ]);
            (" Edit which file? ".to_owned(), lines, answer)
        }
    };
    lines.push(Line::default());
    lines.push(answer);
    let width = area.width.min(64);
    let height = area.height.min(u16::try_from(lines.len() + 2).unwrap_or(u16::MAX));
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    frame.render_widget(Clear, popup);
    let block = pane(Line::from(title), true, theme);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), popup);
}
