//! `sse decode` as a real process: every conformance case, limits, output formats.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use base64::Engine;
use serde_json::Value;

/// The cases, from `../shared/` next to the repository (or `$SSE_SHARED_DIR`, for a
/// checkout elsewhere, such as a git worktree).
const CASES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/conformance/cases.json"
);

/// Runs `sse decode ARGS` with `input` on stdin.
fn decode(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sse"))
        .arg("decode")
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    // Write from another thread: the child may fill its stdout pipe before reading all.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

fn stdout_lines(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn load_cases() -> Vec<Value> {
    let path = match std::env::var_os("SSE_SHARED_DIR") {
        Some(dir) => std::path::PathBuf::from(dir).join("conformance/cases.json"),
        None => std::path::PathBuf::from(CASES),
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the conformance cases are missing at {} ({e}); the shared material must sit \
             at ../shared next to the repository, or SSE_SHARED_DIR must name it",
            path.display()
        )
    });
    let file: Value = serde_json::from_str(&text).unwrap();
    file["cases"].as_array().unwrap().clone()
}

fn stream_of(case: &Value) -> Vec<u8> {
    if let Some(chunks) = case["chunks"].as_array() {
        return chunks
            .iter()
            .flat_map(|c| c.as_str().unwrap().as_bytes().to_vec())
            .collect();
    }
    case["chunks_b64"]
        .as_array()
        .unwrap_or_else(|| panic!("case {} has neither chunks nor chunks_b64", case["name"]))
        .iter()
        .flat_map(|c| {
            base64::engine::general_purpose::STANDARD
                .decode(c.as_str().unwrap())
                .unwrap()
        })
        .collect()
}

/// The case's `retry` as the decoder reports it: saturated at u64::MAX milliseconds.
fn expected_retry(case: &Value) -> Option<u64> {
    match &case["retry"] {
        Value::Null => None,
        Value::Number(n) => Some(n.as_u64().unwrap_or(u64::MAX)),
        other => panic!("case {}: retry is {other}", case["name"]),
    }
}

#[test]
fn every_conformance_case_matches_expected_exactly() {
    let cases = load_cases();
    assert!(!cases.is_empty(), "no conformance cases");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let output = decode(&["--json"], &stream_of(case));
        if !output.status.success() {
            failures.push(format!(
                "{name}: exit {:?}, stderr {}",
                output.status.code(),
                String::from_utf8_lossy(&output.stderr)
            ));
            continue;
        }
        let lines = stdout_lines(&output);
        let events: Vec<&Value> = lines.iter().filter(|l| l.get("retry").is_none()).collect();
        let expected: Vec<&Value> = case["expected"].as_array().unwrap().iter().collect();
        if events != expected {
            failures.push(format!("{name}: events {events:?}, expected {expected:?}"));
        }
        let last_retry = lines
            .iter()
            .filter_map(|l| l.get("retry"))
            .next_back()
            .map(|r| r.as_u64().unwrap());
        if last_retry != expected_retry(case) {
            failures.push(format!(
                "{name}: last retry {last_retry:?}, expected {:?}",
                expected_retry(case)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn json_lines_keep_order_of_events_and_retry() {
    let output = decode(
        &["--json"],
        b"retry: 1500\n\nid: 1\nevent: a\ndata: x\n\nretry: 20\ndata: y\n\n",
    );
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "{\"retry\":1500}\n\
         {\"type\":\"a\",\"data\":\"x\",\"lastEventId\":\"1\"}\n\
         {\"retry\":20}\n\
         {\"type\":\"message\",\"data\":\"y\",\"lastEventId\":\"1\"}\n"
    );
}

#[test]
fn readable_output_without_colour_when_piped() {
    let output = decode(
        &[],
        b"id: 9\nevent: tick\ndata: one\ndata: two\n\ndata: plain\n\n",
    );
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "[tick] id=9\none\ntwo\n\n[message] id=9\nplain\n\n"
    );
}

#[test]
fn events_spanning_read_chunks_decode_whole() {
    // Two events of 150 KB each cross the 64 KiB read boundaries.
    let big = "x".repeat(150_000);
    let input = format!("data: {big}\n\nevent: second\ndata: {big}\n\n");
    let output = decode(&["--json"], input.as_bytes());
    assert!(output.status.success());
    let lines = stdout_lines(&output);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["data"].as_str().unwrap().len(), 150_000);
    assert_eq!(lines[1]["type"], "second");
}

#[test]
fn line_over_max_line_fails_with_one_line_reason() {
    // 8 MiB without a line break against a 1 KiB limit: fails, never buffers it all.
    let mut input = b"data: first\n\n".to_vec();
    input.extend(std::iter::repeat_n(b'a', 8 << 20));
    let output = decode(&["--json", "--max-line", "1KiB"], &input);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--max-line (1024 bytes)"), "{stderr}");
    // What came before the bad line was printed.
    assert_eq!(stdout_lines(&output)[0]["data"], "first");
}

#[test]
fn event_over_max_event_fails() {
    let input = "data: 0123456789\n".repeat(20) + "\n";
    let output = decode(&["--max-event", "100"], input.as_bytes());
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--max-event (100 bytes)"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn reads_a_file_and_reports_a_missing_one() {
    let dir = std::env::temp_dir().join(format!("sse-decode-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("capture.txt");
    std::fs::write(&path, "data: from file\r\n\r\n").unwrap();
    let output = decode(&["--json", path.to_str().unwrap()], b"");
    assert!(output.status.success());
    assert_eq!(stdout_lines(&output)[0]["data"], "from file");

    let missing = dir.join("nope.txt");
    let output = decode(&[missing.to_str().unwrap()], b"");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("cannot open")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_arguments_exit_2() {
    let output = decode(&["--max-line", "lots"], b"");
    assert_eq!(output.status.code(), Some(2));
}
