// The Node client of `cargo xtask compat`: the npm `eventsource` package.
//
//   node node-client.mjs URL
//
// Prints one line per event received (the format of expected.txt) and exits after the
// `done` event; exits with status 2 on a usage error.
import { EventSource } from "eventsource";

const TYPES = ["message", "greeting", "lines", "gap", "resumed", "done"];

// Same escaping as page.html and the Rust clients.
const escape = (text) =>
  text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");

const url = process.argv[2];
if (!url) {
  console.error("usage: node node-client.mjs URL");
  process.exit(2);
}

const lines = [];
const source = new EventSource(url);
for (const type of TYPES) {
  source.addEventListener(type, (event) => {
    lines.push(["event", escape(event.type), escape(event.data), escape(event.lastEventId)].join("\t"));
    if (event.type === "done") {
      source.close();
      process.stdout.write(lines.map((line) => line + "\n").join(""));
      process.exit(0);
    }
  });
}
