//! `{{name}}` placeholders, the one syntax of every template: lessons, lab files, solution
//! SQL and hints. Each caller says what a name stands for.

/// Every `{{name}}` in a text, with its byte offset.
pub fn placeholders(text: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut rest = 0;
    while let Some(open) = text[rest..].find("{{") {
        let start = rest + open + 2;
        let Some(close) = text[start..].find("}}") else { break };
        found.push((rest + open, text[start..start + close].trim()));
        rest = start + close + 2;
    }
    found
}

/// Replaces each `{{name}}` with `value(name)`; unknown names stay as written.
pub fn fill(text: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    for (offset, name) in placeholders(text) {
        out.push_str(&text[rest..offset]);
        let end = offset + text[offset..].find("}}").map_or(0, |c| c + 2);
        match value(name) {
            Some(v) => out.push_str(&v),
            None => out.push_str(&text[offset..end]),
        }
        rest = end;
    }
    out.push_str(&text[rest..]);
    out
}

/// Fills placeholders from a table of (name, value); names without a value stay as written.
pub fn fill_from(text: &str, values: &[(&str, String)]) -> String {
    fill(text, |name| values.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_known_placeholders_and_keeps_unknown_ones() {
        let out = fill("a {{x}} b {{ y }} c", |n| (n == "x").then(|| "1".to_owned()));
        assert_eq!(out, "a 1 b {{ y }} c");
    }

    #[test]
    fn fill_from_takes_values_from_a_table() {
        let out = fill_from(
            "Restart the {{server}} ({{config}}); {{unknown}} and {single} stay.",
            &[("server", "master".into()), ("config", "/w/master/my.cnf".into())],
        );
        assert_eq!(out, "Restart the master (/w/master/my.cnf); {{unknown}} and {single} stay.");
        let names: Vec<&str> = placeholders("a {{x}} {{ y_2 }} {z}").into_iter().map(|(_, n)| n).collect();
        assert_eq!(names, ["x", "y_2"]);
    }
}
