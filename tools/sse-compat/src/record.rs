//! What a client saw, one line per event: `event TAB type TAB data TAB lastEventId`,
//! with `\`, LF, CR and TAB escaped as `\\`, `\n`, `\r`, `\t`. The Node client and the
//! browser page write the same lines; `xtask/compat/expected.txt` holds the expected
//! ones.

/// The record line of one received event.
pub fn line(event_type: &str, data: &str, last_event_id: &str) -> String {
    format!(
        "event\t{}\t{}\t{}",
        escape(event_type),
        escape(data),
        escape(last_event_id)
    )
}

/// Appends the line of an event to `lines`; `true` if it was the scenario's last
/// event (`done`), after which a client stops.
pub fn push(lines: &mut Vec<String>, event_type: &str, data: &str, last_event_id: &str) -> bool {
    lines.push(line(event_type, data, last_event_id));
    Some(event_type) == crate::script::DONE.event_type
}

/// Escapes `\`, LF, CR and TAB so that a value fits in one tab-separated field.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_separators_and_line_breaks() {
        assert_eq!(escape("a\\b\nc\rd\te ✓"), "a\\\\b\\nc\\rd\\te ✓");
        assert_eq!(line("gap", "x\ny", "5"), "event\tgap\tx\\ny\t5");
    }

    #[test]
    fn expected_file_matches_the_line_format() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../xtask/compat/expected.txt"
        );
        let expected = std::fs::read_to_string(path).unwrap();
        for got in expected.lines() {
            let fields: Vec<&str> = got.split('\t').collect();
            assert_eq!(fields.len(), 4, "{got:?}");
            assert_eq!(fields[0], "event");
        }
        // The one line built here from known values must appear verbatim.
        assert!(
            expected
                .lines()
                .any(|l| l == line("lines", "one\ntwo\nthree\nfour", "compat-2"))
        );
    }
}
