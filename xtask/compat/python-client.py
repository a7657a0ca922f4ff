# The Python client of `cargo xtask compat`: the lenient SSE decoders of the openai
# SDK (`openai._streaming.SSEDecoder`) and of httpx-sse, over httpx.
#
#   xtask/compat/.venv/bin/python python-client.py URL
#
# Both decoders dispatch an event at any blank line once an id has been seen or when
# the block held `retry:`, even with no data: a stand-alone keep-alive `:\n\n` or
# `retry: N\n\n` block makes them yield an empty event (which the openai SDK then fails
# to parse as JSON). This client prints EVERY event the openai decoder yields, so an
# empty one shows up as a line that expected.txt does not have, and the cell fails.
#
# The body bytes of each response go to both decoders; if httpx-sse decodes a
# different sequence of events than openai, one more line says so (and the cell fails).
#
# Like an EventSource it reconnects when the response ends: after the `retry:` the
# stream asked for (capped at 1 s), with `Last-Event-ID` set to the last id an event
# carried. The scenario ends the first response once and keeps the second open, so one
# reconnection is allowed; a second one is an error.
#
# Prints one line per event (the format of expected.txt) and exits after the `done`
# event; exits with status 1 on an error (told on stderr) and 2 on a usage error.
import codecs
import sys
import time

import httpx
from httpx_sse._decoders import SSEDecoder as HttpxSseDecoder
from httpx_sse._decoders import SSELineDecoder as HttpxSseLineDecoder
from openai._streaming import SSEDecoder as OpenAiDecoder

# The whole scenario must be done within this many seconds.
DEADLINE = 15.0
# A `retry:` hint longer than this is cut to it before reconnecting.
MAX_RETRY_MS = 1000


def escape(text):
    """Same escaping as node-client.mjs, page.html and the Rust clients."""
    return (
        text.replace("\\", "\\\\")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )


def openai_fields(sse):
    """(type, data, id) of an openai event: no type is `message`, no id is ``."""
    return (sse.event or "message", sse.data, sse.id or "")


def httpx_sse_fields(sse):
    """(type, data, id) of an httpx-sse event (it already defaults type and id)."""
    return (sse.event or "message", sse.data, sse.id or "")


def up_to_done(events):
    """The events up to and including the first `done`."""
    for index, (event_type, _, _) in enumerate(events):
        if event_type == "done":
            return events[: index + 1]
    return events


class HttpxSse:
    """httpx-sse's decoding of one response, as its `EventSource.iter_sse` does it
    (text decoded as UTF-8, split into lines, each line fed to its decoder), fed the
    same body bytes as the openai decoder."""

    def __init__(self, events):
        self.text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.lines = HttpxSseLineDecoder()
        self.decoder = HttpxSseDecoder()
        self.events = events

    def feed(self, chunk):
        self.decode_lines(self.lines.decode(self.text.decode(chunk)))

    def finish(self):
        rest = self.text.decode(b"", final=True)
        if rest:
            self.decode_lines(self.lines.decode(rest))
        self.decode_lines(self.lines.flush())

    def decode_lines(self, lines):
        for line in lines:
            sse = self.decoder.decode(line.rstrip("\n"))
            if sse is not None:
                self.events.append(httpx_sse_fields(sse))


def fail(message):
    print(f"python client: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 2:
        print("usage: python python-client.py URL", file=sys.stderr)
        sys.exit(2)
    url = sys.argv[1]
    started = time.monotonic()
    openai_events = []
    httpx_sse_events = []
    last_id = None
    retry_ms = None
    done = False
    connections = 0
    # trust_env=False: loopback only, whatever proxy the environment names.
    with httpx.Client(trust_env=False) as client:
        while not done:
            if connections == 2:
                fail(f"the second connection ended before `done`; got {openai_events!r}")
            if connections == 1:
                if last_id is None:
                    fail("no event id on the first connection")
                if retry_ms is not None:
                    time.sleep(min(retry_ms, MAX_RETRY_MS) / 1000)
            left = DEADLINE - (time.monotonic() - started)
            if left <= 0:
                fail(f"no `done` within {DEADLINE} s; got {openai_events!r}")
            headers = {"Accept": "text/event-stream", "Cache-Control": "no-store"}
            if last_id is not None:
                headers["Last-Event-ID"] = last_id
            connections += 1
            with client.stream("GET", url, headers=headers, timeout=left) as response:
                content_type = response.headers.get("content-type", "")
                if response.status_code != 200:
                    fail(f"response status {response.status_code}")
                if "text/event-stream" not in content_type.partition(";")[0]:
                    fail(f"content-type {content_type!r}")
                other = HttpxSse(httpx_sse_events)

                def body():
                    for chunk in response.iter_bytes():
                        other.feed(chunk)
                        yield chunk
                    other.finish()

                for sse in OpenAiDecoder().iter_bytes(body()):
                    openai_events.append(openai_fields(sse))
                    if sse.id is not None:
                        last_id = sse.id
                    if sse.retry is not None:
                        retry_ms = sse.retry
                    if sse.event == "done":
                        if connections == 1:
                            fail("`done` on the first connection: the server never disconnected")
                        done = True
                        break
    lines = ["\t".join(["event", *map(escape, fields)]) for fields in openai_events]
    if up_to_done(httpx_sse_events) != openai_events:
        lines.append(f"httpx-sse differs from openai: {up_to_done(httpx_sse_events)!r}")
    sys.stdout.buffer.write("".join(line + "\n" for line in lines).encode("utf-8"))
    sys.stdout.flush()


if __name__ == "__main__":
    try:
        main()
    except httpx.HTTPError as error:
        fail(f"{type(error).__name__}: {error}")
