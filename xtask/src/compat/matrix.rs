//! Cell outcomes, the record comparison and the printed table.

use std::fmt::Write as _;

/// How one cell (server adapter × client) ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The client's record equals the expected one.
    Pass,
    /// A short reason for the table, and the details printed below it.
    Fail { reason: String, details: String },
    /// The client's tool is missing (outside CI only).
    Skip { tool: String },
}

impl Outcome {
    /// A failure whose details are its reason.
    pub fn fail(reason: impl Into<String>) -> Outcome {
        let reason = reason.into();
        Outcome::Fail {
            details: reason.clone(),
            reason: short(&reason),
        }
    }

    fn cell(&self) -> String {
        match self {
            Outcome::Pass => "PASS".into(),
            Outcome::Fail { reason, .. } => format!("FAIL({reason})"),
            Outcome::Skip { tool } => format!("SKIP({tool} missing)"),
        }
    }
}

/// Compares a client's record with the expected one, line by line.
pub fn compare(expected: &str, got: &str) -> Outcome {
    let mut expected_lines = expected.lines();
    let mut got_lines = got.lines();
    for number in 1.. {
        match (expected_lines.next(), got_lines.next()) {
            (None, None) => return Outcome::Pass,
            (want, have) if want == have => continue,
            (want, have) => {
                let show =
                    |line: Option<&str>| line.map_or("<nothing>".into(), |l| format!("{l:?}"));
                let reason = match (want, have) {
                    (Some(_), None) => {
                        format!("{} of {} events", number - 1, expected.lines().count())
                    }
                    (None, Some(_)) => format!("extra event {number}"),
                    _ => format!("event {number} differs"),
                };
                let details = format!(
                    "{reason}\n      expected {}\n      received {}\n      whole record:\n{}",
                    show(want),
                    show(have),
                    indent(got)
                );
                return Outcome::Fail { reason, details };
            }
        }
    }
    Outcome::Pass
}

/// The matrix: rows are servers, columns clients, with failure details below.
pub fn render(
    servers: &[String],
    clients: &[String],
    outcome: impl Fn(usize, usize) -> Outcome,
) -> String {
    let mut rows = vec![
        std::iter::once("server \\ client".to_owned())
            .chain(clients.iter().cloned())
            .collect::<Vec<_>>(),
    ];
    let mut details = String::new();
    for (s, server) in servers.iter().enumerate() {
        let mut row = vec![server.clone()];
        for (c, client) in clients.iter().enumerate() {
            let result = outcome(s, c);
            if let Outcome::Fail { details: text, .. } = &result {
                let _ = writeln!(details, "  {server} × {client}: {text}");
            }
            row.push(result.cell());
        }
        rows.push(row);
    }
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|t| t.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(text, width)| format!("{text:<width$}"))
            .collect();
        let _ = writeln!(out, "  {}", cells.join("  ").trim_end());
        if i == 0 {
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            let _ = writeln!(out, "  {}", rule.join("  "));
        }
    }
    if !details.is_empty() {
        let _ = write!(out, "\nfailures:\n{details}");
    }
    out
}

/// A reason short enough for a table cell: its first line, cut at 40 characters.
fn short(reason: &str) -> String {
    let line = reason.lines().next().unwrap_or_default();
    if line.chars().count() <= 40 {
        return line.to_owned();
    }
    let cut: String = line.chars().take(39).collect();
    format!("{cut}…")
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("        {l}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_records_pass() {
        assert_eq!(compare("a\nb\n", "a\nb\n"), Outcome::Pass);
    }

    #[test]
    fn missing_extra_and_different_lines_fail() {
        let reason = |o: Outcome| match o {
            Outcome::Fail { reason, .. } => reason,
            other => panic!("{other:?}"),
        };
        assert_eq!(reason(compare("a\nb\n", "a\n")), "1 of 2 events");
        assert_eq!(reason(compare("a\n", "a\nb\n")), "extra event 2");
        assert_eq!(reason(compare("a\nb\n", "a\nc\n")), "event 2 differs");
        assert_eq!(reason(compare("a\n", "")), "0 of 1 events");
    }

    #[test]
    fn table_lists_cells_and_failures() {
        let servers = ["hyper".to_owned(), "warp".to_owned()];
        let clients = ["curl".to_owned(), "node".to_owned()];
        let table = render(&servers, &clients, |s, c| match (s, c) {
            (1, 1) => Outcome::fail("timed out"),
            (0, 1) => Outcome::Skip {
                tool: "node".into(),
            },
            _ => Outcome::Pass,
        });
        assert!(
            table.contains("hyper            PASS  SKIP(node missing)"),
            "{table}"
        );
        assert!(
            table.contains("warp             PASS  FAIL(timed out)"),
            "{table}"
        );
        assert!(table.contains("warp × node: timed out"), "{table}");
    }

    #[test]
    fn long_reasons_are_cut() {
        assert_eq!(short(&"x".repeat(50)).chars().count(), 40);
        assert_eq!(short("one\ntwo"), "one");
    }
}
