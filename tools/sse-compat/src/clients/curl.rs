//! The curl column: `curl -N -s -i` fetches the stream, first without and then with a
//! `Last-Event-ID` header (the last id decoded from the first response); the raw bytes
//! are decoded here with sse-core's [`Decoder`], as one stream across the reconnection.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use sse_core::Decoder;
use sse_core::http::is_event_stream;

use super::{DEADLINE, decoded};

/// Runs the scenario with curl.
pub fn run(url: &str) -> Result<Vec<String>, String> {
    let deadline = Instant::now() + DEADLINE;
    let mut decoder = Decoder::new();
    let mut lines = Vec::new();
    // First connection: read until the server ends the body.
    let done = fetch(url, None, deadline, &mut decoder, &mut lines)?;
    if done {
        return Err("`done` on the first connection: the server never disconnected".into());
    }
    decoder.finish();
    let last = decoder.last_event_id().as_str().to_owned();
    if last.is_empty() {
        return Err("no event id on the first connection".into());
    }
    decoder.restart();
    if !fetch(url, Some(&last), deadline, &mut decoder, &mut lines)? {
        return Err(format!(
            "the second connection ended before `done`; got {lines:?}"
        ));
    }
    Ok(lines)
}

/// One curl request; decodes the body until it ends or `done` arrives (then curl is
/// killed). `Ok(true)` if `done` arrived.
fn fetch(
    url: &str,
    last_event_id: Option<&str>,
    deadline: Instant,
    decoder: &mut Decoder,
    lines: &mut Vec<String>,
) -> Result<bool, String> {
    let seconds = deadline
        .saturating_duration_since(Instant::now())
        .as_secs()
        .max(1);
    let mut command = Command::new("curl");
    command.args(["-N", "-s", "-i", "--max-time", &seconds.to_string()]);
    if let Some(id) = last_event_id {
        command.arg("-H").arg(format!("Last-Event-ID: {id}"));
    }
    command.arg(url).stdin(Stdio::null()).stdout(Stdio::piped());
    let child = command
        .spawn()
        .map_err(|e| format!("cannot run curl: {e}"))?;
    let mut curl = KillOnDrop(child);
    let mut stdout = curl.0.stdout.take().ok_or("curl has no stdout")?;
    let mut head = Vec::new();
    let mut in_body = false;
    let mut buffer = [0u8; 8192];
    loop {
        let read = stdout
            .read(&mut buffer)
            .map_err(|e| format!("reading curl: {e}"))?;
        let Some(bytes) = buffer.get(..read).filter(|b| !b.is_empty()) else {
            break;
        };
        if in_body {
            decoder.feed(bytes);
        } else {
            head.extend_from_slice(bytes);
            if let Some(body) = split_head(&head)? {
                decoder.feed(body);
                in_body = true;
            }
        }
        if decoded::drain(decoder, lines)? {
            return Ok(true);
        }
    }
    let status = curl.0.wait().map_err(|e| format!("curl: {e}"))?;
    if !status.success() {
        return Err(format!("curl {status} (28 is curl's timeout)"));
    }
    if !in_body {
        return Err("curl printed no complete response head".into());
    }
    decoder.finish();
    decoded::drain(decoder, lines)
}

/// Once the response head is complete: checks it (status 200, event-stream content
/// type) and returns the body bytes received after it.
fn split_head(received: &[u8]) -> Result<Option<&[u8]>, String> {
    let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Ok(None);
    };
    let (head, rest) = received.split_at(end);
    let head = String::from_utf8_lossy(head);
    let mut lines = head.lines();
    let status = lines.next().unwrap_or_default();
    if status.split_whitespace().nth(1) != Some("200") {
        return Err(format!("response status {status:?}"));
    }
    let content_type = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.trim().to_owned())
        .unwrap_or_default();
    if !is_event_stream(content_type.as_bytes()) {
        return Err(format!("content-type {content_type:?}"));
    }
    Ok(Some(rest.get(4..).unwrap_or_default()))
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
